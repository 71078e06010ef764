/* SPDX-License-Identifier: MIT */
/*
 * IPv6 link-local plumbing for network boot, as pure functions over byte buffers:
 *   IPv6 (RFC 8200) and its addresses (RFC 4291), Ethernet framing (RFC 2464),
 *   ICMPv6 (RFC 4443), UDP over IPv6 (RFC 8200 8.1, RFC 768),
 *   Neighbor Discovery and Router Advertisements (RFC 4861, RFC 6980),
 *   RDNSS and DNSSL options (RFC 8106), MLDv2 reports (RFC 3810, RFC 2711).
 * No DPDK, no I/O, no globals beyond constant tables.
 *
 * Receive: bf_ip6_classify() checks Ethernet/IPv6/extension headers and the
 * UDP or ICMPv6 checksum; bf_nd_parse() then validates an ND message (RFC 4861
 * 6.1.1, 6.1.2, 7.1.1, 7.1.2). Every refusal names a reason (enum bf_nd_why),
 * spelled like the counters of bf_counters.def so the two can be merged.
 * Send: writers fill a caller's buffer and return the frame length, or 0 when
 * it does not fit or the request makes no sense; checksums are always set.
 */
#ifndef BF_ND_H
#define BF_ND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BF_IP6_ALEN 16
#define BF_IP6_HLEN 40
#define BF_ICMP6_ND_HLEN 24 /* NS / NA: type, code, sum, flags/reserved, target */

/* Next header values (IANA). */
#define BF_IP6_NH_HOPOPTS 0
#define BF_IP6_NH_UDP 17
#define BF_IP6_NH_ROUTING 43
#define BF_IP6_NH_FRAGMENT 44
#define BF_IP6_NH_ICMP6 58
#define BF_IP6_NH_NONE 59
#define BF_IP6_NH_DSTOPTS 60
/* At most this many extension headers before the upper layer (RFC 8200 4.1 lists
 * at most four that a final destination processes: HBH, Dest, Routing, Dest). */
#define BF_IP6_MAX_EXT 4

/* ICMPv6 types (RFC 4443, 4861, 3810). */
#define BF_ICMP6_ECHO_REQUEST 128
#define BF_ICMP6_ECHO_REPLY 129
#define BF_ICMP6_RS 133
#define BF_ICMP6_RA 134
#define BF_ICMP6_NS 135
#define BF_ICMP6_NA 136
#define BF_ICMP6_MLD2_REPORT 143

/* ND option types (RFC 4861 4.6, RFC 8106 5). */
#define BF_ND_OPT_SLLA 1
#define BF_ND_OPT_TLLA 2
#define BF_ND_OPT_PREFIX 3
#define BF_ND_OPT_MTU 5
#define BF_ND_OPT_RDNSS 25
#define BF_ND_OPT_DNSSL 31

/* NA flags (RFC 4861 4.4), RA flags (4.2), prefix flags (4.6.2): wire bits. */
#define BF_NA_F_ROUTER 0x80
#define BF_NA_F_SOLICITED 0x40
#define BF_NA_F_OVERRIDE 0x20
#define BF_RA_F_MANAGED 0x80
#define BF_RA_F_OTHER 0x40
#define BF_PI_F_ONLINK 0x80
#define BF_PI_F_AUTO 0x40

/* MLDv2 multicast address record types (RFC 3810 5.2.12). */
#define BF_MLD2_MODE_IS_EXCLUDE 2
#define BF_MLD2_CHANGE_TO_EXCLUDE 4

/*
 * Why a frame was refused: BF_ND_WHY(name, help), in bf_counters.def form.
 * drop_runt, drop_vlan, drop_src_mac and ignored_ethertype are already
 * counters there (same meaning); the others are proposed additions.
 */
#define BF_ND_WHY_LIST(X)                                                                          \
	X(ok, "accepted")                                                                          \
	X(drop_runt, "frame shorter than its Ethernet header")                                     \
	X(drop_vlan, "VLAN tag stack deeper than one or truncated")                                \
	X(drop_src_mac, "source MAC is multicast/broadcast")                                       \
	X(ignored_ethertype, "ethertype not served (not an error)")                                \
	X(drop_ip6_short, "IPv6: frame shorter than the IPv6 header")                              \
	X(drop_ip6_version, "IPv6: version field not 6")                                           \
	X(drop_ip6_len, "IPv6: payload length beyond the frame")                                   \
	X(drop_ip6_src, "IPv6: source multicast, loopback or IPv4-mapped")                         \
	X(drop_ip6_dst, "IPv6: destination unspecified, loopback, or multicast scope 0/1")         \
	X(drop_ip6_frag, "IPv6: fragment header (never used by boot traffic; RFC 6980 for ND)")    \
	X(drop_ip6_ext, "IPv6: extension headers truncated, misordered, repeated or too many")     \
	X(ignored_ip6_proto, "IPv6: next header not served (not an error)")                        \
	X(drop_udp6_short, "UDP/IPv6: header truncated")                                           \
	X(drop_udp6_len, "UDP/IPv6: length field < 8 or beyond the IPv6 payload")                  \
	X(drop_udp6_csum, "UDP/IPv6: checksum wrong")                                              \
	X(drop_udp6_csum_offload, "UDP/IPv6: checksum left for tx offload by a local sender")        \
	X(drop_udp6_csum_zero, "UDP/IPv6: checksum 0 (mandatory over IPv6, RFC 8200 8.1)")         \
	X(drop_icmp6_short, "ICMPv6: shorter than 4 bytes")                                        \
	X(drop_icmp6_csum, "ICMPv6: checksum wrong")                                               \
	X(ignored_icmp6_type, "ICMPv6: not a Neighbor Discovery message (not an error)")           \
	X(drop_nd_hop_limit, "ND: IPv6 hop limit not 255 (sent from off-link)")                    \
	X(drop_nd_code, "ND: ICMPv6 code not 0")                                                   \
	X(drop_nd_short, "ND: message shorter than its fixed part")                                \
	X(drop_nd_opt, "ND: option of length 0 or running past the message")                       \
	X(drop_nd_opt_bad, "ND: option of a wrong length or with invalid content for its type")    \
	X(drop_nd_lla, "ND: link-layer address option not 6 bytes or a multicast MAC")             \
	X(drop_nd_target, "ND: target multicast, unspecified, loopback or IPv4-mapped")            \
	X(drop_nd_unspec_slla, "ND: source link-layer option from the unspecified address")        \
	X(drop_nd_dad_dst, "ND: DAD NS not sent to the target's solicited-node group")             \
	X(drop_nd_na_flags, "ND: NA to a multicast address with the Solicited flag")               \
	X(drop_nd_ra_src, "ND: RA from a source that is not link-local")

enum bf_nd_why {
#define BF_ND_WHY_ENUM(name, help) BF_ND_R_##name,
	BF_ND_WHY_LIST(BF_ND_WHY_ENUM)
#undef BF_ND_WHY_ENUM
	BF_ND_R__COUNT
};

extern const char *const bf_nd_why_name[BF_ND_R__COUNT];
extern const char *const bf_nd_why_help[BF_ND_R__COUNT];

/* ---- addresses (RFC 4291, RFC 2464) ------------------------------------------------------ */

/* Address kinds, a bit set: an address can be several (solicited-node is multicast). */
#define BF_IP6_K_UNSPEC 0x001     /* :: */
#define BF_IP6_K_LOOPBACK 0x002   /* ::1 */
#define BF_IP6_K_V4MAPPED 0x004   /* ::ffff:0:0/96 */
#define BF_IP6_K_LINKLOCAL 0x008  /* fe80::/10 */
#define BF_IP6_K_MCAST 0x010      /* ff00::/8 */
#define BF_IP6_K_SOLNODE 0x020    /* ff02::1:ff00:0/104 */
#define BF_IP6_K_ALLNODES 0x040   /* ff02::1 */
#define BF_IP6_K_ALLROUTERS 0x080 /* ff02::2 */
#define BF_IP6_K_UNICAST 0x100    /* none of unspecified, loopback, multicast */

unsigned bf_ip6_addr_kind(const uint8_t a[BF_IP6_ALEN]);

/* Multicast scope (RFC 4291 2.7): low nibble of the second byte. */
static inline unsigned
bf_ip6_mcast_scope(const uint8_t a[BF_IP6_ALEN])
{
	return a[1] & 0x0f;
}

/* Ethernet destination for an IPv6 multicast address: 33:33 + its last 32 bits (RFC 2464 7). */
void bf_ip6_mcast_mac(uint8_t mac[6], const uint8_t ip[BF_IP6_ALEN]);
/* Solicited-node group of an address: ff02::1:ff + its last 24 bits (RFC 4291 2.7.1). */
void bf_ip6_solicited_node(uint8_t out[BF_IP6_ALEN], const uint8_t ip[BF_IP6_ALEN]);
/* fe80::/64 with the modified EUI-64 interface id of a MAC (RFC 4291 2.5.1 + App. A,
 * RFC 2464 4-5): U/L bit inverted, ff:fe in the middle. */
void bf_ip6_ll_eui64(uint8_t out[BF_IP6_ALEN], const uint8_t mac[6]);
/* Are the first plen (0..128) bits of a those of prefix? */
bool bf_ip6_in_prefix(const uint8_t a[BF_IP6_ALEN], const uint8_t prefix[BF_IP6_ALEN],
		      uint8_t plen);
/* Partial Internet checksum sum of the IPv6 pseudo header (RFC 8200 8.1). */
uint32_t bf_ip6_pseudo_sum(const uint8_t src[BF_IP6_ALEN], const uint8_t dst[BF_IP6_ALEN],
			   uint8_t next_header, uint32_t upper_len);

/* ---- receive: classification -------------------------------------------------------------- */

enum bf_ip6_class {
	BF_IP6_DROP = 0, /* p->why says why */
	BF_IP6_ICMP6,    /* checksum verified; icmp_type/code set */
	BF_IP6_UDP6,     /* checksum verified (or NIC said so); ports, payload set */
};

/* Skip UDP checksum verification (the NIC reported it good). A zero UDP checksum is
 * refused regardless. ICMPv6 checksums are always verified here. */
#define BF_IP6_UDP_CSUM_OK 0x1

/* What the classifier found. Offsets index the frame; src/dst point into it. */
struct bf_ip6_pkt {
	const uint8_t *frame;
	size_t len;
	enum bf_nd_why why;
	bool has_vlan;
	uint16_t vlan_tci;
	uint16_t l3_off;
	uint16_t l4_off; /* upper-layer header, after the extension headers */
	uint16_t l4_len; /* from the IPv6 payload length; UDP: the UDP length */
	const uint8_t *src;
	const uint8_t *dst;
	unsigned src_kind; /* BF_IP6_K_* */
	unsigned dst_kind;
	uint8_t hop_limit;
	uint8_t proto;               /* upper-layer next header (58 or 17 when not dropped) */
	uint8_t n_ext;               /* extension headers walked */
	bool router_alert;           /* Hop-by-Hop Router Alert option present (RFC 2711) */
	uint16_t router_alert_value; /* 0 = MLD */
	uint8_t icmp_type;
	uint8_t icmp_code;
	uint16_t sport; /* UDP */
	uint16_t dport;
	uint16_t pl_off; /* UDP payload */
	uint16_t pl_len;
};

/*
 * Classify one Ethernet frame (at most one 802.1Q tag) carrying IPv6. Checks version,
 * payload length against the frame (Ethernet padding allowed), source and destination,
 * walks Hop-by-Hop / Destination Options / Routing (segments left 0) headers, refuses
 * fragments, and verifies the ICMPv6 or UDP checksum. Returns the class; on
 * BF_IP6_DROP, p->why names the reason.
 */
enum bf_ip6_class bf_ip6_classify(struct bf_ip6_pkt *p, const uint8_t *frame, size_t len,
				  unsigned flags);

/* ---- receive: Neighbor Discovery ---------------------------------------------------------- */

struct bf_nd_prefix {
	uint8_t prefix[BF_IP6_ALEN];
	uint8_t len;        /* 0..128 */
	bool on_link;       /* L */
	bool autonomous;    /* A */
	uint32_t valid;     /* s; 0xffffffff = infinity */
	uint32_t preferred; /* s; <= valid */
};

#define BF_ND_MAX_PREFIX 8 /* kept by the parser (more are validated and counted) */
#define BF_ND_MAX_RDNSS 8
#define BF_DNS_NAME_MAX 253 /* text form, no trailing dot */

/* A validated ND message. Pointers index the frame given to bf_ip6_classify. */
struct bf_nd_msg {
	enum bf_nd_why why;
	uint8_t type;          /* BF_ICMP6_RS / RA / NS / NA */
	const uint8_t *target; /* NS, NA: 16 bytes */
	const uint8_t *slla;   /* NS, RS, RA: source link-layer address (6 bytes) or NULL */
	const uint8_t *tlla;   /* NA: target link-layer address or NULL */
	uint8_t flags;         /* NA: BF_NA_F_*; RA: the flags byte (BF_RA_F_*) */
	unsigned n_opts;       /* options walked */
	unsigned n_unknown;    /* of which ignored (RFC 4861 4.6: unknown types skipped) */
	/* RA only (RFC 4861 4.2) */
	uint8_t cur_hop_limit;
	uint16_t router_lifetime; /* s */
	uint32_t reachable_time;  /* ms */
	uint32_t retrans_timer;   /* ms */
	uint32_t mtu;             /* 0: no MTU option */
	unsigned n_prefix;        /* prefix options seen; the first BF_ND_MAX_PREFIX kept */
	struct bf_nd_prefix prefix[BF_ND_MAX_PREFIX];
	unsigned n_rdnss;        /* addresses in RDNSS options; the first BF_ND_MAX_RDNSS kept */
	uint32_t rdnss_lifetime; /* of the first RDNSS option */
	const uint8_t *rdnss[BF_ND_MAX_RDNSS];
	uint32_t dnssl_lifetime; /* of the first DNSSL option */
	const uint8_t *dnssl;    /* its encoded names (with padding), for bf_nd_dnssl_next */
	size_t dnssl_len;
};

/*
 * Validate and decode the ND message of a packet that bf_ip6_classify() returned as
 * BF_IP6_ICMP6: RS, RA, NS or NA per RFC 4861 6.1.1, 6.1.2, 7.1.1, 7.1.2 (hop limit
 * 255, code 0, minimum length, options of non-zero length inside the message, NS/NA
 * target not multicast (nor ::, ::1, IPv4-mapped), no SLLA from ::, DAD NS only to
 * the target's solicited-node group, no Solicited flag on a multicast NA, RA from a
 * link-local source) plus the lengths of the options it decodes. The first
 * SLLA/TLLA/MTU/DNSSL wins, as in Linux; RDNSS addresses are collected from every
 * RDNSS option (with the first lifetime). Returns BF_ND_R_ok, or the reason (also in
 * m->why).
 */
enum bf_nd_why bf_nd_parse(struct bf_nd_msg *m, const struct bf_ip6_pkt *p);

/*
 * Next name of an encoded DNSSL list (RFC 8106 5.2: RFC 1035 labels, no compression,
 * zero padding at the end). *off starts at 0. Returns 1 and the dotted name in
 * name[] (no trailing dot), 0 at the end, or -1 if malformed.
 */
int bf_nd_dnssl_next(const uint8_t *p, size_t len, size_t *off, char name[BF_DNS_NAME_MAX + 1]);

/* ---- send --------------------------------------------------------------------------------- */

/* The port a frame leaves by: our MAC and the VLAN tag to put on it. */
struct bf_ip6_if {
	uint8_t mac[6];
	bool has_vlan;
	uint16_t vlan_tci;
};

/* Every header field of an Ethernet/IPv6 frame we send. */
struct bf_ip6_tx {
	uint8_t dst_mac[6];
	uint8_t src_mac[6];
	bool has_vlan;
	uint16_t vlan_tci;
	uint8_t src[BF_IP6_ALEN];
	uint8_t dst[BF_IP6_ALEN];
	uint8_t hop_limit;
};

static inline size_t
bf_ip6_hdr_len(bool has_vlan)
{
	return 14 + (has_vlan ? 4 : 0) + BF_IP6_HLEN;
}

/*
 * Write Ethernet(+VLAN)/IPv6 headers and the ICMPv6 message msg[0..msg_len) (whose
 * checksum field is ignored) into out, and set the ICMPv6 checksum. out and msg must
 * not overlap. Returns the frame length, or 0 if it does not fit cap.
 */
size_t bf_icmp6_write(uint8_t *out, size_t cap, const struct bf_ip6_tx *t, const uint8_t *msg,
		      size_t msg_len);

/* Addresses of a UDP/IPv6 reply. */
struct bf_udp6_addr {
	uint8_t dst_mac[6];
	uint8_t src_mac[6];
	bool has_vlan;
	uint16_t vlan_tci;
	uint8_t src[BF_IP6_ALEN];
	uint8_t dst[BF_IP6_ALEN];
	uint16_t sport;
	uint16_t dport;
	uint8_t hop_limit; /* 0 picks 64 */
};

static inline size_t
bf_udp6_hdr_len(const struct bf_udp6_addr *a)
{
	return bf_ip6_hdr_len(a->has_vlan) + 8;
}

/*
 * Write Ethernet(+VLAN)/IPv6/UDP headers into out[0..bf_udp6_hdr_len(a)) for a payload
 * of plen bytes (<= 65527) whose partial sum is pl_sum (bf_csum_add over it). The UDP
 * checksum is always set, 0 sent as 0xffff (RFC 8200 8.1).
 */
void bf_udp6_hdr_write(uint8_t *out, const struct bf_udp6_addr *a, size_t plen, uint32_t pl_sum);

/* Reply addressing from a received UDP/IPv6 packet: to its source MAC/IP/port, from ours. */
void bf_udp6_addr_reply(struct bf_udp6_addr *a, const struct bf_ip6_pkt *p, const uint8_t *our_mac,
			const uint8_t our_ip[BF_IP6_ALEN]);

/*
 * Turn an ICMPv6 echo request into an echo reply in place (RFC 4443 4.2): addresses
 * swapped with our_ip as source (the request may have gone to a multicast group),
 * hop limit 64, extension headers and Ethernet padding removed, checksum set.
 * Returns 0 and the reply's frame length in *reply_len, or -1 if it is not an echo
 * request or came from :: . The caller checks that the destination was ours.
 */
int bf_icmp6_echo_reply_inplace(uint8_t *frame, const struct bf_ip6_pkt *p, const uint8_t *our_mac,
				const uint8_t our_ip[BF_IP6_ALEN], size_t *reply_len);

/*
 * Neighbor Advertisement answering a validated NS (RFC 4861 7.2.4) for its target,
 * which the caller has checked is ours: from the target, Override set, Router as
 * given, TLLA our_mac. To the NS source with Solicited set (Ethernet destination: the
 * SLLA if present, else the frame's source), or, when the NS came from :: (DAD), to
 * ff02::1 without Solicited. VLAN as received. Returns the frame length or 0.
 */
size_t bf_nd_na_reply(uint8_t *out, size_t cap, const struct bf_ip6_pkt *p,
		      const struct bf_nd_msg *ns, const uint8_t *our_mac, bool router);

/* Unsolicited NA for one of our addresses to ff02::1 (RFC 4861 7.2.6): Override set,
 * Solicited clear, TLLA. Returns the frame length or 0. */
size_t bf_nd_na_unsolicited(uint8_t *out, size_t cap, const struct bf_ip6_if *ifc,
			    const uint8_t target[BF_IP6_ALEN], bool router);

/* DAD probe for an address of ours (RFC 4862 5.4.2, RFC 4861 7.2.2): NS from :: to the
 * target's solicited-node group, no SLLA, hop limit 255. Returns the frame length or 0. */
size_t bf_nd_ns_dad(uint8_t *out, size_t cap, const struct bf_ip6_if *ifc,
		    const uint8_t target[BF_IP6_ALEN]);

/* ---- Router Advertisements (RFC 4861 4.2, 6.2; RFC 8106) ------------------------------------ */

#define BF_RA_MAX_PREFIX 8
#define BF_RA_MAX_RDNSS 8
#define BF_RA_MAX_DNSSL 8

struct bf_ra_conf {
	uint8_t cur_hop_limit;    /* 0: unspecified */
	bool managed;             /* M: addresses from DHCPv6 */
	bool other;               /* O: other configuration from DHCPv6 */
	uint16_t router_lifetime; /* s; 0: not a default router */
	uint32_t reachable_time;  /* ms; 0: unspecified */
	uint32_t retrans_timer;   /* ms; 0: unspecified */
	bool no_slla;             /* leave out the SLLA option (RFC 4861 4.2 allows it) */
	uint32_t mtu;             /* 0: no MTU option */
	unsigned n_prefix;
	struct bf_nd_prefix prefix[BF_RA_MAX_PREFIX];
	uint32_t rdnss_lifetime; /* s */
	unsigned n_rdnss;        /* 0: no RDNSS option */
	uint8_t rdnss[BF_RA_MAX_RDNSS][BF_IP6_ALEN];
	uint32_t dnssl_lifetime;                          /* s */
	unsigned n_dnssl;                                 /* 0: no DNSSL option */
	char dnssl[BF_RA_MAX_DNSSL][BF_DNS_NAME_MAX + 2]; /* "example.com" (a final dot is fine) */
};

/*
 * Check a configuration against RFC 4861 6.2.1 (intervals in seconds: Max 4..1800,
 * Min 3..0.75*Max; router lifetime 0 or Max..9000; reachable time <= 3600000 ms),
 * 4.6.2 (prefix length <= 128, preferred <= valid), RFC 8106 (names) and the
 * message fitting the IPv6 minimum MTU. Returns NULL, or what is wrong.
 */
const char *bf_ra_conf_check(const struct bf_ra_conf *c, uint32_t min_interval_s,
			     uint32_t max_interval_s);

/*
 * The RA message itself (ICMPv6 type 134, checksum left 0) into out: header, then
 * SLLA (slla_mac), MTU, prefixes (bits past the length cleared), RDNSS, DNSSL (names
 * padded to a multiple of 8 bytes). For caching a prebuilt RA per configuration.
 * Returns its length, or 0 if it does not fit or a count/name is invalid.
 */
size_t bf_ra_build(uint8_t *out, size_t cap, const struct bf_ra_conf *c, const uint8_t *slla_mac);

/*
 * A whole RA frame from src (our link-local address, RFC 4861 6.1.2) to dst (ff02::1,
 * or the soliciting host), hop limit 255. dst_mac NULL means the multicast MAC of
 * dst (then dst must be multicast). Returns the frame length or 0.
 */
size_t bf_ra_write(uint8_t *out, size_t cap, const struct bf_ip6_if *ifc,
		   const uint8_t src[BF_IP6_ALEN], const uint8_t dst[BF_IP6_ALEN],
		   const uint8_t *dst_mac, const struct bf_ra_conf *c);

/* Router constants (RFC 4861 10), in ms. */
#define BF_RA_MAX_INITIAL_ADVERTS 3          /* MAX_INITIAL_RTR_ADVERTISEMENTS */
#define BF_RA_MAX_INITIAL_INTERVAL_MS 16000u /* MAX_INITIAL_RTR_ADVERT_INTERVAL */
#define BF_RA_MAX_DELAY_MS 500u              /* MAX_RA_DELAY_TIME */
#define BF_RA_MIN_DELAY_BETWEEN_MS 3000u     /* MIN_DELAY_BETWEEN_RAS */

/*
 * Time to the next unsolicited multicast RA (RFC 4861 6.2.4): uniform in
 * [min_ms, max_ms] from rnd (any 32-bit random value), capped at 16 s while fewer
 * than MAX_INITIAL_RTR_ADVERTISEMENTS have been sent (n_sent counts the one just sent,
 * so the first three RAs are at most 16 s apart).
 */
uint32_t bf_ra_interval_ms(uint32_t min_ms, uint32_t max_ms, unsigned n_sent, uint32_t rnd);

/* Random delay before answering an RS: uniform in [0, MAX_RA_DELAY_TIME] ms from rnd. */
uint32_t bf_ra_delay_ms(uint32_t rnd);

/*
 * When to send the multicast RA answering an RS received at now_ms (RFC 4861 6.2.6):
 * now + a random delay; never later than the already scheduled next_ms; and when the
 * last multicast RA (last_ms, if have_last) is less than MIN_DELAY_BETWEEN_RAS old,
 * at last + MIN_DELAY_BETWEEN_RAS + the delay. An RS arriving while an answer is
 * pending must not move it (the delay counts from the first RS): the caller skips
 * the call then.
 */
uint64_t bf_ra_rs_answer_at(uint64_t now_ms, uint64_t next_ms, bool have_last, uint64_t last_ms,
			    uint32_t rnd);

/* ---- MLDv2 (RFC 3810) --------------------------------------------------------------------- */

/*
 * Groups a boot server listens to: ff02::1:2 (All_DHCP_Relay_Agents_and_Servers, if
 * dhcp6) then the solicited-node group of each address, duplicates removed.
 * ff02::1 is never reported (RFC 3810 6). Returns how many were written (<= max).
 */
unsigned bf_mld2_groups(uint8_t (*out)[BF_IP6_ALEN], unsigned max, bool dhcp6,
			const uint8_t (*addrs)[BF_IP6_ALEN], unsigned n_addrs);

/*
 * MLDv2 Report (RFC 3810 5.2) to ff02::16 from src (our link-local address, or ::
 * before we have one, 5.2.13), hop limit 1, Hop-by-Hop header with a Router Alert
 * (RFC 2711, value 0), one record of type rec_type (BF_MLD2_*) with no sources per
 * group. Returns the frame length, or 0 if n is 0 or it does not fit.
 */
size_t bf_mld2_report(uint8_t *out, size_t cap, const struct bf_ip6_if *ifc,
		      const uint8_t src[BF_IP6_ALEN], uint8_t rec_type,
		      const uint8_t (*groups)[BF_IP6_ALEN], unsigned n);

#endif
