/* SPDX-License-Identifier: MIT */
/*
 * Frame classification and reply headers for Ethernet II (+ one 802.1Q tag),
 * ARP (RFC 826), IPv4 (RFC 791), ICMP echo (RFC 792) and UDP (RFC 768).
 * Pure functions over byte buffers: no DPDK, no I/O.
 */
#ifndef BF_NET_H
#define BF_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bf_counters.h"

#define BF_ETH_ALEN 6
#define BF_ETH_HLEN 14
#define BF_VLAN_HLEN 4
#define BF_IP4_HLEN 20
#define BF_UDP_HLEN 8
#define BF_ETHERTYPE_IPV4 0x0800
#define BF_ETHERTYPE_ARP 0x0806
#define BF_ETHERTYPE_VLAN 0x8100
#define BF_ETHERTYPE_IPV6 0x86dd
#define BF_IPPROTO_ICMP 1
#define BF_IPPROTO_UDP 17
#define BF_IP4_BROADCAST 0xffffffffu

enum bf_class {
	BF_CLASS_DROP = 0, /* p->reason says why (a drop_ or ignored_ counter) */
	BF_CLASS_ARP,
	BF_CLASS_ICMP4,
	BF_CLASS_UDP4,
};

/* What the classifier found. Offsets index the frame; IPs in host order. */
struct bf_pkt {
	const uint8_t *frame;
	size_t len;
	enum bf_ctr reason;
	uint16_t ethertype;
	uint16_t vlan_tci;
	bool has_vlan;
	uint16_t l3_off;
	uint16_t l4_off;
	uint16_t l4_len;
	uint32_t ip_src;
	uint32_t ip_dst;
	uint8_t ip_proto;
	uint8_t ip_ttl;
	uint16_t sport;
	uint16_t dport;
	uint16_t pl_off; /* UDP payload */
	uint16_t pl_len;
	/* ARP (request/reply, Ethernet/IPv4 only) */
	uint16_t arp_op;
	uint32_t arp_spa;
	uint32_t arp_tpa;
	const uint8_t *arp_sha;
};

/* Skip UDP checksum validation (the NIC reported it good). */
#define BF_PKT_UDP_CSUM_OK 0x1
/* Skip IPv4 header checksum validation (the NIC reported it good). */
#define BF_PKT_IP_CSUM_OK 0x2

/*
 * Classify one frame. Validates every length and checksum it relies on.
 * Returns the class; on BF_CLASS_DROP, p->reason names the counter to bump.
 */
enum bf_class bf_pkt_classify(struct bf_pkt *p, const uint8_t *frame, size_t len,
			      unsigned flags);

static inline const uint8_t *
bf_pkt_src_mac(const struct bf_pkt *p)
{
	return p->frame + BF_ETH_ALEN;
}

static inline const uint8_t *
bf_pkt_dst_mac(const struct bf_pkt *p)
{
	return p->frame;
}

static inline bool
bf_mac_is_multicast(const uint8_t *mac)
{
	return mac[0] & 1;
}

/* Addresses of a UDP/IPv4 reply. IPs in host order. */
struct bf_udp4_addr {
	uint8_t dst_mac[BF_ETH_ALEN];
	uint8_t src_mac[BF_ETH_ALEN];
	bool has_vlan;
	uint16_t vlan_tci;
	uint32_t src_ip;
	uint32_t dst_ip;
	uint16_t sport;
	uint16_t dport;
};

static inline size_t
bf_udp4_hdr_len(const struct bf_udp4_addr *a)
{
	return BF_ETH_HLEN + (a->has_vlan ? BF_VLAN_HLEN : 0) + BF_IP4_HLEN + BF_UDP_HLEN;
}

/*
 * Write Ethernet(+VLAN)/IPv4/UDP headers (plen <= 65507) into out[0..bf_udp4_hdr_len(a)) for a
 * payload of plen bytes whose checksum partial sum is pl_sum (bf_csum_add over
 * the payload). Fills both checksums. ip_id is the IPv4 identification.
 */
void bf_udp4_hdr_write(uint8_t *out, const struct bf_udp4_addr *a, size_t plen, uint32_t pl_sum,
		       uint16_t ip_id);

/* Reply addressing from a received UDP packet: swap addresses and ports. */
void bf_udp4_addr_reply(struct bf_udp4_addr *a, const struct bf_pkt *p, const uint8_t *our_mac,
			uint32_t our_ip);

/*
 * Turn an ARP request for our_ip into a reply in place (frame of len bytes).
 * Returns 0, or -1 if the frame is not such a request.
 */
int bf_arp_reply_inplace(uint8_t *frame, const struct bf_pkt *p, const uint8_t *our_mac,
			 uint32_t our_ip);

/*
 * Turn an ICMP echo request into an echo reply in place. Returns 0, or -1 if
 * it is not an echo request. Addresses are swapped; checksums updated.
 * The caller must have checked that the request was sent to our unicast
 * address (RFC 1122 3.2.1.3: never answer from a broadcast/multicast source).
 */
int bf_icmp4_echo_reply_inplace(uint8_t *frame, const struct bf_pkt *p, const uint8_t *our_mac);

/* Text forms for logs: "a.b.c.d" (16 bytes) and "aa:bb:cc:dd:ee:ff" (18 bytes). */
char *bf_ip4_str(uint32_t ip, char buf[16]);
char *bf_mac_str(const uint8_t *mac, char buf[18]);
/* Parse "a.b.c.d" strictly. Returns 0 and *ip (host order) or -1. */
int bf_ip4_parse(const char *s, uint32_t *ip);
/* Parse "aa:bb:cc:dd:ee:ff" or with '-' separators. Returns 0 or -1. */
int bf_mac_parse(const char *s, uint8_t mac[BF_ETH_ALEN]);

#endif
