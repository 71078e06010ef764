/* SPDX-License-Identifier: MIT */
/*
 * The boot-storm engine (see storm.h). Per client a small state machine:
 *
 *   IDLE -> [DISCOVER -> REQUEST] -> [ARP for the TFTP server] -> RRQ ->
 *   DATA (window by window) -> next file's RRQ ... -> BOOTED | FAILED
 *
 * IPv6 (cfg.v6) uses the same states and the same timers: DISCOVER sends a
 * DHCPv6 Solicit, REQUEST a Request (RFC 8415 18.2.1, 18.2.2; each a new
 * transaction id, retransmitted with the DHCPv4 backoff), the Reply gives
 * the address (IA_NA) and the bootfile URL (RFC 5970 3.1), the server's MAC
 * is the Reply's Ethernet source (no ARP state), and Neighbor Solicitations
 * for a client's link-local or leased address are answered with an NA (RFC
 * 4861 7.2.4) as ARP requests are over IPv4.
 *
 * Sending: whatever a client must send is decided when a frame arrives or a
 * timer fires; the client is then queued once (a FIFO of indices, capacity
 * N) and storm_tx builds its current message when it pops it, so a frame is
 * always built from the newest state. Timers: one deadline per client in a
 * hashed wheel of 1 ms slots; progress only writes a timestamp (the timer
 * re-arms itself lazily when it fires early). Starts: clients start in index
 * order at t0 + ramp_s * i / N, a counter, no scan.
 */
#include "storm.h"

#include <stdlib.h>
#include <string.h>

enum {
	ST_IDLE, ST_DISCOVER, ST_REQUEST, ST_ARP, ST_RRQ, ST_DATA, ST_BOOTED, ST_FAILED,
};

/* what a queued client must send */
#define PEND_MSG 0x01	/* the current state's message (DISCOVER, REQUEST, ARP, RRQ, ACK) */
#define PEND_ARP_REPLY 0x02 /* an ARP reply (IPv6: a Neighbor Advertisement) for our address */
#define PEND_DALLY 0x04	/* the previous transfer's final ACK again */

#define FL_QUEUED 0x01
#define FL_GAP_ACKED 0x02 /* ACKed for a gap/duplicate: silent until an in-order block */
#define FL_TSIZE 0x04	/* tsize known for this file */
#define FL_OACK 0x08
#define FL_DALLY 0x10	/* prev_tid/prev_block valid */

#define NIL UINT32_MAX
#define DUPACK_MS 100	/* at most one ACK per this for out-of-order/duplicate DATA */
#define WHEEL_BITS 13
#define WHEEL_SIZE (1u << WHEEL_BITS)
#define WHEEL_MASK (WHEEL_SIZE - 1)

struct client {
	uint8_t state, pend, flags, file;
	uint8_t retries, naks;
	uint16_t tid, blksize, window, ack_block, wcount;
	uint16_t prev_tid, prev_block;
	uint32_t ip, srv_ip, dhcp_srv, offer_ip, xid;
	uint8_t srv_mac[6], arp_req_mac[6];
	uint32_t arp_req_ip;
	uint64_t bytes, tsize;
	uint64_t start_ns, ttb_ns;
	uint64_t progress_ms, deadline_ms, dupack_ms;
	uint32_t tnext, tprev; /* wheel links; tprev == NIL and not head: not armed */
	bool armed;
	char bootfile[STORM_NAME_MAX];
};

#define DUID_MAX 130	/* RFC 8415 11.1 */

/* A client's IPv6 state (cfg.v6 only: a separate array keeps struct client small). */
struct client6 {
	uint8_t ip[16];       /* leased (the Reply's IA_NA address) */
	uint8_t offer[16];    /* the Advertise's, asked for in the Request */
	uint8_t srv_ip[16];   /* the TFTP server (the bootfile URL's) */
	uint8_t na_ip[16];    /* the last Neighbor Solicitation's source: our NA goes there */
	uint8_t na_mac[6];
	uint8_t na_global;    /* that NS asked for the leased address (else the link-local) */
	uint8_t duid_len;     /* the Advertise's Server Identifier, echoed in the Request */
	uint8_t duid[DUID_MAX];
	uint64_t xstart_ms;   /* this transaction's first message (Elapsed Time) */
};

struct storm {
	struct storm_cfg cfg;
	char files[STORM_MAX_FILES][STORM_NAME_MAX];
	unsigned n_files;
	struct client *c;
	struct client6 *c6; /* cfg.v6 only */
	uint32_t n;
	/* send queue: FIFO of client indices */
	uint32_t *q;
	uint32_t qhead, qlen;
	/* timer wheel */
	uint32_t wheel[WHEEL_SIZE];
	uint64_t wheel_ms; /* every slot before this time has been processed */
	bool wheel_init;
	/* IPv4 (IPv6) address -> client, for ARP requests (Neighbor Solicitations) from servers */
	uint32_t *iph;
	uint32_t iph_mask;
	/* starts */
	uint64_t t0_ns;
	bool t0_set;
	uint32_t next_start;
	/* resolved server MAC (one entry cache) */
	uint32_t cache_ip;
	uint8_t cache_mac[6];
	bool cache_valid;
	uint64_t rng;
	uint64_t loss_thr;
	uint16_t ip_id;
	uint64_t finished;
	struct storm_stats st;
};

/* ------------------------------------------------------------------ utils -- */
static inline uint64_t
rng_next(struct storm *s)
{
	/* xorshift64* */
	uint64_t x = s->rng;
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	s->rng = x;
	return x * 0x2545F4914F6CDD1DULL;
}

static inline bool
lose(struct storm *s)
{
	return s->loss_thr && rng_next(s) < s->loss_thr;
}

static inline uint16_t
rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t
rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline void
wr16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void
wr32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static uint32_t
csum_add(uint32_t sum, const uint8_t *p, uint32_t len)
{
	uint32_t i;
	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	return sum;
}

static uint16_t
csum_fin(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static void
client_mac(const struct storm *s, uint32_t i, uint8_t *mac)
{
	uint64_t m = 0;
	int k;
	for (k = 0; k < 6; k++)
		m = m << 8 | s->cfg.mac_base[k];
	m += i;
	for (k = 5; k >= 0; k--) {
		mac[k] = (uint8_t)m;
		m >>= 8;
	}
}

/* client index of a MAC, or NIL */
static uint32_t
mac_client(const struct storm *s, const uint8_t *mac)
{
	uint64_t m = 0, b = 0;
	int k;
	for (k = 0; k < 6; k++) {
		m = m << 8 | mac[k];
		b = b << 8 | s->cfg.mac_base[k];
	}
	if (m < b || m - b >= s->n)
		return NIL;
	return (uint32_t)(m - b);
}

/* ------------------------------------------------------ address hash -- */
static inline uint32_t
ip_hash(uint32_t ip)
{
	return (ip * 2654435761u) ^ (ip >> 16);
}

static void
iph_add(struct storm *s, uint32_t ip, uint32_t i)
{
	uint32_t h = ip_hash(ip) & s->iph_mask;
	while (s->iph[h] != NIL) {
		if (s->c[s->iph[h]].ip == ip)
			return; /* first holder wins (duplicate addresses: a server bug) */
		h = (h + 1) & s->iph_mask;
	}
	s->iph[h] = i;
}

static uint32_t
iph_find(const struct storm *s, uint32_t ip)
{
	uint32_t h = ip_hash(ip) & s->iph_mask, n;
	for (n = 0; n <= s->iph_mask; n++) {
		uint32_t i = s->iph[h];
		if (i == NIL)
			return NIL;
		if (s->c[i].ip == ip)
			return i;
		h = (h + 1) & s->iph_mask;
	}
	return NIL;
}

/* IPv6: the same open-addressing table, keyed by the leased address */
static inline uint32_t
ip6_hash(const uint8_t *a)
{
	return ip_hash(rd32(a) ^ rd32(a + 4) ^ rd32(a + 8) * 31u ^ rd32(a + 12));
}

static void
iph6_add(struct storm *s, const uint8_t *a, uint32_t i)
{
	uint32_t h = ip6_hash(a) & s->iph_mask;
	while (s->iph[h] != NIL) {
		if (!memcmp(s->c6[s->iph[h]].ip, a, 16))
			return;
		h = (h + 1) & s->iph_mask;
	}
	s->iph[h] = i;
}

static uint32_t
iph6_find(const struct storm *s, const uint8_t *a)
{
	uint32_t h = ip6_hash(a) & s->iph_mask, n;
	for (n = 0; n <= s->iph_mask; n++) {
		uint32_t i = s->iph[h];
		if (i == NIL)
			return NIL;
		if (!memcmp(s->c6[i].ip, a, 16))
			return i;
		h = (h + 1) & s->iph_mask;
	}
	return NIL;
}

/* fe80::/64 with the modified EUI-64 of the MAC (RFC 4291 2.5.1, appendix A) */
static void
mac_ll(const uint8_t *mac, uint8_t *a)
{
	memset(a, 0, 16);
	a[0] = 0xfe;
	a[1] = 0x80;
	a[8] = (uint8_t)(mac[0] ^ 0x02);
	a[9] = mac[1];
	a[10] = mac[2];
	a[11] = 0xff;
	a[12] = 0xfe;
	a[13] = mac[3];
	a[14] = mac[4];
	a[15] = mac[5];
}

/* the client whose link-local address a is, or NIL */
static uint32_t
ll_client(const struct storm *s, const uint8_t *a)
{
	static const uint8_t pfx[8] = {0xfe, 0x80};
	uint8_t mac[6];
	if (memcmp(a, pfx, 8) || a[11] != 0xff || a[12] != 0xfe)
		return NIL;
	mac[0] = (uint8_t)(a[8] ^ 0x02);
	mac[1] = a[9];
	mac[2] = a[10];
	mac[3] = a[13];
	mac[4] = a[14];
	mac[5] = a[15];
	return mac_client(s, mac);
}

/* IPv6 pseudo-header sum (RFC 8200 8.1) */
static uint32_t
pseudo6(const uint8_t *src, const uint8_t *dst, uint32_t len, uint8_t nh)
{
	uint32_t sum = csum_add(csum_add(0, src, 16), dst, 16);
	return sum + (len >> 16) + (len & 0xffff) + nh;
}

/* is the upper-layer checksum of [l4, l4 + len) right? ip: the IPv6 header */
static bool
csum6_ok(const uint8_t *ip, const uint8_t *l4, uint32_t len, uint8_t nh)
{
	return csum_fin(csum_add(pseudo6(ip + 8, ip + 24, len, nh), l4, len)) == 0;
}

/* ------------------------------------------------------- queue, timers -- */
static void
enqueue(struct storm *s, uint32_t i, uint8_t what)
{
	struct client *c = &s->c[i];
	c->pend |= what;
	if (c->flags & FL_QUEUED)
		return;
	c->flags |= FL_QUEUED;
	s->q[(s->qhead + s->qlen) % s->n] = i;
	s->qlen++;
}

static void
timer_cancel(struct storm *s, uint32_t i)
{
	struct client *c = &s->c[i];
	if (!c->armed)
		return;
	if (c->tprev != NIL)
		s->c[c->tprev].tnext = c->tnext;
	else
		s->wheel[c->deadline_ms & WHEEL_MASK] = c->tnext;
	if (c->tnext != NIL)
		s->c[c->tnext].tprev = c->tprev;
	c->armed = false;
}

static void
timer_arm(struct storm *s, uint32_t i, uint64_t deadline_ms)
{
	struct client *c = &s->c[i];
	uint32_t slot;
	timer_cancel(s, i);
	if (deadline_ms < s->wheel_ms)
		deadline_ms = s->wheel_ms;
	c->deadline_ms = deadline_ms;
	slot = (uint32_t)(deadline_ms & WHEEL_MASK);
	c->tprev = NIL;
	c->tnext = s->wheel[slot];
	if (c->tnext != NIL)
		s->c[c->tnext].tprev = i;
	s->wheel[slot] = i;
	c->armed = true;
}

static void
finish(struct storm *s, uint32_t i, bool ok, uint64_t now_ns)
{
	struct client *c = &s->c[i];
	timer_cancel(s, i);
	if (ok) {
		c->state = ST_BOOTED;
		c->ttb_ns = now_ns - c->start_ns;
		if (!c->ttb_ns)
			c->ttb_ns = 1;
		s->st.booted++;
	} else {
		c->state = ST_FAILED;
		s->st.failed++;
	}
	c->pend &= (uint8_t)~PEND_MSG;
	s->finished++;
}

static const char *
cur_file(const struct storm *s, const struct client *c)
{
	return s->n_files ? s->files[c->file] : c->bootfile;
}

static unsigned
n_files_of(const struct storm *s)
{
	return s->n_files ? s->n_files : 1;
}

/* Enter a state whose message is sent at once (and again on timeout). */
static void
enter(struct storm *s, uint32_t i, uint8_t state)
{
	struct client *c = &s->c[i];
	c->state = state;
	c->retries = 0;
	timer_cancel(s, i);
	enqueue(s, i, PEND_MSG);
}

static void
start_tftp(struct storm *s, uint32_t i)
{
	struct client *c = &s->c[i];
	c->tid = 0;
	c->ack_block = 0;
	c->wcount = 0;
	c->bytes = 0;
	c->tsize = 0;
	c->blksize = 512;
	c->window = 1;
	c->flags &= (uint8_t)~(FL_GAP_ACKED | FL_TSIZE | FL_OACK);
	enter(s, i, ST_RRQ);
}

/* The TFTP server's MAC is needed: known (static cfg, cache, DHCP frame) or ARP. */
static void
resolve_then_tftp(struct storm *s, uint32_t i)
{
	struct client *c = &s->c[i];
	if (s->cache_valid && s->cache_ip == c->srv_ip) {
		memcpy(c->srv_mac, s->cache_mac, 6);
		start_tftp(s, i);
		return;
	}
	enter(s, i, ST_ARP);
}

/* -------------------------------------------------------------- frames -- */
#define ETH_LEN 14
#define IP_LEN 20
#define UDP_LEN 8
#define HDRS (ETH_LEN + IP_LEN + UDP_LEN)
#define IP6_LEN 40
#define HDRS6 (ETH_LEN + IP6_LEN + UDP_LEN)
#define ICMP6_NS 135
#define ICMP6_NA 136
#define NA_LEN 32	/* NA with a target link-layer address option */
#define DHCP6_CLIENT 546
#define DHCP6_SERVER 547

/* where a UDP payload starts in the frames this engine sends */
static inline uint32_t
hdrs(const struct storm *s)
{
	return s->cfg.v6 ? HDRS6 : HDRS;
}

/* Ethernet + IPv4 + UDP around a payload already at buf + HDRS. */
static uint16_t
udp_frame(struct storm *s, uint8_t *buf, const uint8_t *smac, const uint8_t *dmac, uint32_t sip,
	  uint32_t dip, uint16_t sport, uint16_t dport, uint32_t plen)
{
	uint8_t *ip = buf + ETH_LEN, *udp = ip + IP_LEN;
	uint32_t sum;
	uint16_t ulen = (uint16_t)(UDP_LEN + plen), ck;
	memcpy(buf, dmac, 6);
	memcpy(buf + 6, smac, 6);
	wr16(buf + 12, 0x0800);
	ip[0] = 0x45;
	ip[1] = 0;
	wr16(ip + 2, (uint16_t)(IP_LEN + ulen));
	wr16(ip + 4, s->ip_id++);
	wr16(ip + 6, 0);
	ip[8] = 64;
	ip[9] = 17;
	wr16(ip + 10, 0);
	wr32(ip + 12, sip);
	wr32(ip + 16, dip);
	wr16(ip + 10, csum_fin(csum_add(0, ip, IP_LEN)));
	wr16(udp, sport);
	wr16(udp + 2, dport);
	wr16(udp + 4, ulen);
	wr16(udp + 6, 0);
	sum = (sip >> 16) + (sip & 0xffff) + (dip >> 16) + (dip & 0xffff) + 17 + ulen;
	sum = csum_add(sum, udp, ulen);
	ck = csum_fin(sum);
	wr16(udp + 6, ck ? ck : 0xffff);
	return (uint16_t)(HDRS + plen);
}

/* Ethernet + IPv6 (no extension headers) around an upper-layer message of len bytes at buf + 54
 * whose checksum field is at offset ck_off; fills the checksum (UDP: 0 sent as 0xffff). */
static uint16_t
ip6_frame(uint8_t *buf, const uint8_t *smac, const uint8_t *dmac, const uint8_t *sip,
	  const uint8_t *dip, uint8_t nh, uint8_t hops, uint32_t len, uint32_t ck_off)
{
	uint8_t *ip = buf + ETH_LEN, *l4 = ip + IP6_LEN;
	uint16_t ck;
	memcpy(buf, dmac, 6);
	memcpy(buf + 6, smac, 6);
	wr16(buf + 12, 0x86dd);
	wr32(ip, 6u << 28);
	wr16(ip + 4, (uint16_t)len);
	ip[6] = nh;
	ip[7] = hops;
	memcpy(ip + 8, sip, 16);
	memcpy(ip + 24, dip, 16);
	wr16(l4 + ck_off, 0);
	ck = csum_fin(csum_add(pseudo6(sip, dip, len, nh), l4, len));
	if (!ck && nh == 17)
		ck = 0xffff; /* RFC 8200 8.1: zero is "no checksum", which IPv6 forbids */
	wr16(l4 + ck_off, ck);
	return (uint16_t)(ETH_LEN + IP6_LEN + len);
}

/* Ethernet + IPv6 + UDP around a payload already at buf + HDRS6. */
static uint16_t
udp6_frame(uint8_t *buf, const uint8_t *smac, const uint8_t *dmac, const uint8_t *sip,
	   const uint8_t *dip, uint16_t sport, uint16_t dport, uint32_t plen)
{
	uint8_t *udp = buf + ETH_LEN + IP6_LEN;
	wr16(udp, sport);
	wr16(udp + 2, dport);
	wr16(udp + 4, (uint16_t)(UDP_LEN + plen));
	/* link-scope DHCPv6 multicast: hop limit 1 as a stack sends it; else 64 */
	return ip6_frame(buf, smac, dmac, sip, dip, 17, dip[0] == 0xff ? 1 : 64, UDP_LEN + plen, 6);
}

static uint16_t
arp_frame(uint8_t *buf, uint16_t op, const uint8_t *smac, uint32_t sip, const uint8_t *tmac,
	  uint32_t tip, const uint8_t *dmac)
{
	uint8_t *a = buf + ETH_LEN;
	memcpy(buf, dmac, 6);
	memcpy(buf + 6, smac, 6);
	wr16(buf + 12, 0x0806);
	wr16(a, 1);
	wr16(a + 2, 0x0800);
	a[4] = 6;
	a[5] = 4;
	wr16(a + 6, op);
	memcpy(a + 8, smac, 6);
	wr32(a + 14, sip);
	memcpy(a + 18, tmac, 6);
	wr32(a + 24, tip);
	memset(buf + 42, 0, 18);
	return 60;
}

static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
static const uint8_t zero6[6];

static uint8_t *
opt(uint8_t *p, uint8_t code, const void *v, uint8_t len)
{
	*p++ = code;
	*p++ = len;
	memcpy(p, v, len);
	return p + len;
}

static uint16_t
dhcp_frame(struct storm *s, uint32_t i, uint8_t *buf, uint8_t type)
{
	struct client *c = &s->c[i];
	uint8_t mac[6], *b = buf + HDRS, *p, guid[17];
	static const char vc[] = "PXEClient:Arch:00000:UNDI:002001";
	static const uint8_t prl[] = {1, 2, 3, 5, 6, 11, 12, 13, 15, 16, 17, 18, 22, 23, 28, 40, 41,
				      42, 43, 50, 51, 54, 58, 59, 60, 66, 67, 97, 128, 129, 130,
				      131, 132, 133, 134, 135};
	static const uint8_t arch[2] = {0, 0}, undi[3] = {1, 2, 1}, maxsz[2] = {0x04, 0xec};
	uint8_t v4[4];
	uint32_t plen;
	client_mac(s, i, mac);
	memset(b, 0, 240);
	b[0] = 1;
	b[1] = 1;
	b[2] = 6;
	wr32(b + 4, c->xid);
	wr16(b + 8, (uint16_t)(c->retries * 4)); /* secs: roughly */
	wr16(b + 10, 0x8000);			   /* broadcast: PXE ROMs have no address yet */
	memcpy(b + 28, mac, 6);
	wr32(b + 236, 0x63825363);
	p = b + 240;
	*p++ = 53;
	*p++ = 1;
	*p++ = type;
	if (type == 3) {
		wr32(v4, c->offer_ip);
		p = opt(p, 50, v4, 4);
		wr32(v4, c->dhcp_srv);
		p = opt(p, 54, v4, 4);
	}
	p = opt(p, 57, maxsz, 2);
	p = opt(p, 55, prl, sizeof prl);
	p = opt(p, 93, arch, 2);
	p = opt(p, 94, undi, 3);
	guid[0] = 0;
	memset(guid + 1, 0x5a, 10);
	memcpy(guid + 11, mac, 6);
	p = opt(p, 97, guid, 17);
	p = opt(p, 60, vc, sizeof vc - 1);
	*p++ = 255;
	plen = (uint32_t)(p - b);
	if (plen < 300) {
		memset(p, 0, 300 - plen);
		plen = 300;
	}
	return udp_frame(s, buf, mac, bcast, 0, 0xffffffffu, 68, 67, plen);
}

/* ------------------------------------------------------------ IPv6 out -- */
static const uint8_t all_dhcp6[16] = {0xff, 0x02, [13] = 0x01, [15] = 0x02}; /* ff02::1:2 */
static const uint8_t all_dhcp6_mac[6] = {0x33, 0x33, 0x00, 0x01, 0x00, 0x02};

/* The NA answering client i's pending Neighbor Solicitation (RFC 4861 7.2.4): from the target
 * to the solicitation's source, Solicited and Override set, our MAC as target link-layer address. */
static uint16_t
na_frame(struct storm *s, uint32_t i, uint8_t *buf)
{
	struct client6 *c6 = &s->c6[i];
	uint8_t mac[6], ll[16], *icmp = buf + ETH_LEN + IP6_LEN;
	const uint8_t *target;
	client_mac(s, i, mac);
	mac_ll(mac, ll);
	target = c6->na_global ? c6->ip : ll;
	icmp[0] = ICMP6_NA;
	icmp[1] = 0;
	wr32(icmp + 4, 0x60000000u); /* S, O */
	memcpy(icmp + 8, target, 16);
	icmp[24] = 2; /* target link-layer address, 1 x 8 bytes */
	icmp[25] = 1;
	memcpy(icmp + 26, mac, 6);
	return ip6_frame(buf, mac, c6->na_mac, target, c6->na_ip, 58, 255, NA_LEN, 2);
}

static uint8_t *
opt6(uint8_t *p, uint16_t code, const void *v, uint16_t len)
{
	wr16(p, code);
	wr16(p + 2, len);
	if (len)
		memcpy(p + 4, v, len);
	return p + 4 + len;
}

/* client i's DHCPv6 transaction begins: a new id, Elapsed Time from now */
static void
new_xact6(struct storm *s, uint32_t i, uint64_t now_ms)
{
	s->c[i].xid = (uint32_t)rng_next(s) & 0xffffff;
	s->c6[i].xstart_ms = now_ms;
}

/* Solicit (1) or Request (3) of client i (RFC 8415 18.2.1, 18.2.2), as UEFI PXE sends them:
 * Client Identifier (DUID-LL), IA_NA (the Request's with the advertised address), Elapsed Time,
 * ORO for the bootfile URL and parameters (RFC 5970), client architecture 7 (EFI x64), NII
 * (UNDI 3.16) and the PXEClient vendor class; the Request echoes the Server Identifier. */
static uint16_t
dhcp6_frame(struct storm *s, uint32_t i, uint8_t *buf, uint8_t type, uint64_t now_ms)
{
	struct client *c = &s->c[i];
	struct client6 *c6 = &s->c6[i];
	static const uint8_t oro[4] = {0, 59, 0, 60}, arch[2] = {0, 7}, nii[3] = {1, 3, 16};
	static const char vc[] = "PXEClient:Arch:00007:UNDI:003016";
	uint8_t mac[6], ll[16], duid[10], ia[12 + 4 + 24], et[2], vco[4 + 2 + sizeof vc - 1];
	uint8_t *b = buf + HDRS6, *p = b;
	uint64_t el = (now_ms - c6->xstart_ms) / 10; /* hundredths of a second */
	uint16_t ia_len = 12;
	client_mac(s, i, mac);
	mac_ll(mac, ll);
	wr32(p, (uint32_t)type << 24 | (c->xid & 0xffffff));
	p += 4;
	wr16(duid, 3); /* DUID-LL (RFC 8415 11.4), Ethernet */
	wr16(duid + 2, 1);
	memcpy(duid + 4, mac, 6);
	p = opt6(p, 1, duid, sizeof duid);
	if (type == 3)
		p = opt6(p, 2, c6->duid, c6->duid_len);
	memcpy(ia, mac + 2, 4); /* IAID: stable per interface */
	memset(ia + 4, 0, 8);	/* T1, T2: the server's choice */
	if (type == 3) {
		wr16(ia + 12, 5); /* IAADDR: the advertised address, lifetimes 0 (18.2.2) */
		wr16(ia + 14, 24);
		memcpy(ia + 16, c6->offer, 16);
		memset(ia + 32, 0, 8);
		ia_len = sizeof ia;
	}
	p = opt6(p, 3, ia, ia_len);
	wr16(et, (uint16_t)(el > 0xffff ? 0xffff : el));
	p = opt6(p, 8, et, 2);
	p = opt6(p, 6, oro, sizeof oro);
	p = opt6(p, 61, arch, sizeof arch);
	p = opt6(p, 62, nii, sizeof nii);
	wr32(vco, 343); /* RFC 8415 21.16: enterprise (Intel, as EDK2), then one item */
	wr16(vco + 4, (uint16_t)(sizeof vc - 1));
	memcpy(vco + 6, vc, sizeof vc - 1);
	p = opt6(p, 16, vco, sizeof vco);
	return udp6_frame(buf, mac, all_dhcp6_mac, ll, all_dhcp6, DHCP6_CLIENT, DHCP6_SERVER,
			  (uint32_t)(p - b));
}

/* "name\0" then the decimal value and "\0" */
static uint8_t *
tftp_opt(uint8_t *p, const char *name, unsigned v)
{
	char t[12];
	unsigned k = 0;
	size_t nl = strlen(name) + 1;
	memcpy(p, name, nl);
	p += nl;
	do {
		t[k++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (k)
		*p++ = (uint8_t)t[--k];
	*p++ = 0;
	return p;
}

/* UDP from client i's TFTP port to its server's port dport around the payload at buf + hdrs(s) */
static uint16_t
tftp_out(struct storm *s, uint32_t i, uint8_t *buf, uint16_t dport, uint32_t plen)
{
	struct client *c = &s->c[i];
	uint8_t mac[6];
	client_mac(s, i, mac);
	if (s->cfg.v6)
		return udp6_frame(buf, mac, c->srv_mac, s->c6[i].ip, s->c6[i].srv_ip,
				  (uint16_t)(STORM_PORT_BASE + i), dport, plen);
	return udp_frame(s, buf, mac, c->srv_mac, c->ip, c->srv_ip, (uint16_t)(STORM_PORT_BASE + i), dport,
			 plen);
}

static uint16_t
rrq_frame(struct storm *s, uint32_t i, uint8_t *buf)
{
	struct client *c = &s->c[i];
	uint8_t *b = buf + hdrs(s), *p = b;
	const char *f = cur_file(s, c);
	size_t fl = strnlen(f, STORM_NAME_MAX - 1);
	wr16(p, 1);
	p += 2;
	memcpy(p, f, fl);
	p += fl;
	*p++ = 0;
	memcpy(p, "octet", 6);
	p += 6;
	if (s->cfg.blksize != 512)
		p = tftp_opt(p, "blksize", s->cfg.blksize);
	if (!s->cfg.no_tsize)
		p = tftp_opt(p, "tsize", 0);
	if (s->cfg.window > 1)
		p = tftp_opt(p, "windowsize", s->cfg.window);
	return tftp_out(s, i, buf, 69, (uint32_t)(p - b));
}

static uint16_t
ack_frame(struct storm *s, uint32_t i, uint8_t *buf, uint16_t tid, uint16_t block)
{
	uint8_t *b = buf + hdrs(s);
	wr16(b, 4);
	wr16(b + 2, block);
	s->st.acks_sent++;
	return tftp_out(s, i, buf, tid, 4);
}

/* The retransmission timeout now: timeout_ms doubled per retry, at most 8x
 * for DHCP (RFC 2131 4.1), at most 2x for ARP and TFTP (a TFTP server gives
 * up after its own few timeouts: a client backing off further would only
 * outwait it). */
static inline uint64_t
cur_timeout(const struct storm *s, const struct client *c)
{
	unsigned cap = c->state == ST_DISCOVER || c->state == ST_REQUEST ? 3 : 1;
	return (uint64_t)s->cfg.timeout_ms << (c->retries < cap ? c->retries : cap);
}

/* The frame a queued client sends now (0: nothing). Clears what it built. */
static uint16_t
build(struct storm *s, uint32_t i, uint8_t *buf, uint64_t now_ms)
{
	struct client *c = &s->c[i];
	uint8_t mac[6];
	if (c->pend & PEND_ARP_REPLY) {
		c->pend &= (uint8_t)~PEND_ARP_REPLY;
		if (s->cfg.v6) {
			s->st.na_replies++;
			return na_frame(s, i, buf);
		}
		client_mac(s, i, mac);
		s->st.arp_replies++;
		return arp_frame(buf, 2, mac, c->ip, c->arp_req_mac, c->arp_req_ip, c->arp_req_mac);
	}
	if (c->pend & PEND_DALLY) {
		c->pend &= (uint8_t)~PEND_DALLY;
		return ack_frame(s, i, buf, c->prev_tid, c->prev_block);
	}
	if (!(c->pend & PEND_MSG))
		return 0;
	c->pend &= (uint8_t)~PEND_MSG;
	switch (c->state) {
	case ST_DISCOVER:
	case ST_REQUEST: {
		/* RFC 2131 4.1: randomised by up to a quarter */
		uint64_t to = cur_timeout(s, c);
		timer_arm(s, i, now_ms + to + rng_next(s) % (to / 4 + 1));
		if (s->cfg.v6)
			return dhcp6_frame(s, i, buf, c->state == ST_DISCOVER ? 1 : 3, now_ms);
		return dhcp_frame(s, i, buf, c->state == ST_DISCOVER ? 1 : 3);
	}
	case ST_ARP:
		timer_arm(s, i, now_ms + cur_timeout(s, c));
		client_mac(s, i, mac);
		s->st.arp_requests++;
		return arp_frame(buf, 1, mac, c->ip, zero6, c->srv_ip, bcast);
	case ST_RRQ:
		timer_arm(s, i, now_ms + cur_timeout(s, c));
		return rrq_frame(s, i, buf);
	case ST_DATA:
		c->progress_ms = now_ms; /* a timeout counts from the last ACK sent */
		timer_arm(s, i, now_ms + cur_timeout(s, c));
		return ack_frame(s, i, buf, c->tid, c->ack_block);
	default:
		return 0;
	}
}

/* ----------------------------------------------------------------- rx -- */
static void
rx_arp(struct storm *s, const uint8_t *a, uint32_t len)
{
	uint16_t op;
	uint32_t sip, tip, i;
	if (len < 28 || rd16(a) != 1 || rd16(a + 2) != 0x0800 || a[4] != 6 || a[5] != 4)
		goto ignore;
	op = rd16(a + 6);
	sip = rd32(a + 14);
	tip = rd32(a + 24);
	if (op == 1) { /* who has tip: one of ours? */
		i = iph_find(s, tip);
		if (i == NIL || s->c[i].state == ST_IDLE || s->c[i].state == ST_DISCOVER ||
		    s->c[i].state == ST_REQUEST)
			goto ignore;
		memcpy(s->c[i].arp_req_mac, a + 8, 6);
		s->c[i].arp_req_ip = sip;
		enqueue(s, i, PEND_ARP_REPLY);
		/* the asker is probably the server: learn it */
		if (sip && (!s->cache_valid || s->cache_ip == sip)) {
			s->cache_ip = sip;
			memcpy(s->cache_mac, a + 8, 6);
			s->cache_valid = true;
		}
		return;
	}
	if (op == 2) { /* a reply: for our ARP of the server */
		i = iph_find(s, tip);
		s->cache_ip = sip;
		memcpy(s->cache_mac, a + 8, 6);
		s->cache_valid = true;
		if (i != NIL && s->c[i].state == ST_ARP && s->c[i].srv_ip == sip) {
			memcpy(s->c[i].srv_mac, a + 8, 6);
			start_tftp(s, i);
		}
		return;
	}
ignore:
	s->st.rx_ignored++;
}

/* Walk DHCP options [p, end): fills what we need. */
struct dhcp_info {
	uint8_t type;
	uint32_t srv_id;
	uint8_t overload;
	const uint8_t *o66, *o67;
	uint8_t l66, l67;
};

static void
dhcp_opts(const uint8_t *p, const uint8_t *end, struct dhcp_info *d)
{
	while (p < end) {
		uint8_t code = *p++, l;
		if (code == 0)
			continue;
		if (code == 255 || p >= end)
			return;
		l = *p++;
		if (p + l > end)
			return;
		switch (code) {
		case 53:
			if (l == 1)
				d->type = p[0];
			break;
		case 54:
			if (l == 4)
				d->srv_id = rd32(p);
			break;
		case 52:
			if (l == 1)
				d->overload = p[0];
			break;
		case 66:
			d->o66 = p;
			d->l66 = l;
			break;
		case 67:
			d->o67 = p;
			d->l67 = l;
			break;
		default:
			break;
		}
		p += l;
	}
}

/* dotted quad (option 66) -> host order, 0 if not one */
static uint32_t
parse_ip(const uint8_t *p, unsigned l)
{
	uint32_t ip = 0, part = 0;
	unsigned dots = 0, digits = 0, k;
	for (k = 0; k < l && p[k]; k++) {
		if (p[k] == '.') {
			if (!digits || part > 255)
				return 0;
			ip = ip << 8 | part;
			part = 0;
			digits = 0;
			dots++;
		} else if (p[k] >= '0' && p[k] <= '9') {
			part = part * 10 + (uint32_t)(p[k] - '0');
			if (++digits > 3)
				return 0;
		} else {
			return 0;
		}
	}
	if (dots != 3 || !digits || part > 255)
		return 0;
	return ip << 8 | part;
}

static void
rx_dhcp(struct storm *s, const uint8_t *frame, const uint8_t *b, uint32_t blen, uint32_t ip_src,
	uint64_t now_ns)
{
	struct dhcp_info d = {0};
	struct client *c;
	uint32_t i;
	(void)now_ns;
	if (blen < 240 || b[0] != 2 || b[2] != 6 || rd32(b + 236) != 0x63825363)
		goto ignore;
	i = mac_client(s, b + 28);
	if (i == NIL)
		goto ignore;
	c = &s->c[i];
	if (rd32(b + 4) != c->xid)
		goto ignore;
	dhcp_opts(b + 240, b + blen, &d);
	if (d.overload & 1)
		dhcp_opts(b + 108, b + 236, &d);
	if (d.overload & 2)
		dhcp_opts(b + 44, b + 108, &d);
	if (d.type == 2 && c->state == ST_DISCOVER) { /* OFFER */
		c->offer_ip = rd32(b + 16);
		c->dhcp_srv = d.srv_id ? d.srv_id : ip_src;
		if (!c->offer_ip)
			goto ignore; /* a ProxyDHCP offer: wait for one with an address */
		enter(s, i, ST_REQUEST);
		return;
	}
	if (d.type == 5 && c->state == ST_REQUEST) { /* ACK */
		uint32_t srv = rd32(b + 20);
		c->ip = rd32(b + 16);
		if (!c->ip)
			c->ip = c->offer_ip;
		if (!srv && d.o66)
			srv = parse_ip(d.o66, d.l66);
		if (!srv)
			srv = c->dhcp_srv;
		c->srv_ip = srv;
		if (!s->n_files && !s->cfg.dhcp_only) {
			size_t l = 0;
			if (d.o67) {
				l = d.l67 < STORM_NAME_MAX - 1 ? d.l67 : STORM_NAME_MAX - 1;
				memcpy(c->bootfile, d.o67, l);
			} else if (!(d.overload & 1)) {
				l = strnlen((const char *)b + 108, 128);
				if (l > STORM_NAME_MAX - 1)
					l = STORM_NAME_MAX - 1;
				memcpy(c->bootfile, b + 108, l);
			}
			c->bootfile[l] = 0;
			l = strnlen(c->bootfile, l);
			if (!l) {
				s->st.fail_error++;
				finish(s, i, false, now_ns);
				return;
			}
		}
		s->st.dhcp_done++;
		iph_add(s, c->ip, i);
		if (s->cfg.dhcp_only) {
			finish(s, i, true, now_ns);
			return;
		}
		if (srv == ip_src || srv == c->dhcp_srv) {
			/* the DHCP server serves TFTP too: its frame told its MAC */
			memcpy(c->srv_mac, frame + 6, 6);
			start_tftp(s, i);
		} else {
			resolve_then_tftp(s, i);
		}
		return;
	}
	if (d.type == 6 && c->state == ST_REQUEST) { /* NAK: start over */
		s->st.dhcp_naks++;
		if (++c->naks > s->cfg.retries) {
			s->st.fail_error++;
			finish(s, i, false, now_ns);
			return;
		}
		c->xid = (uint32_t)rng_next(s);
		enter(s, i, ST_DISCOVER);
		return;
	}
ignore:
	s->st.rx_ignored++;
}

/* ASCII case-insensitive equality of two NUL-terminated strings */
static bool
ieq(const uint8_t *a, const char *b)
{
	for (; *a && *b; a++, b++) {
		uint8_t x = *a, y = (uint8_t)*b;
		if (x >= 'A' && x <= 'Z')
			x = (uint8_t)(x + 32);
		if (x != y)
			return false;
	}
	return !*a && !*b;
}

/* OACK options: blksize, windowsize, tsize. false: malformed. */
static bool
parse_oack(struct client *c, const uint8_t *p, uint32_t l)
{
	const uint8_t *end = p + l;
	while (p < end) {
		const uint8_t *name = p, *val;
		uint64_t v = 0;
		while (p < end && *p)
			p++;
		if (p >= end)
			return false;
		val = ++p;
		while (p < end && *p) {
			if (*p < '0' || *p > '9' || v > 1000000000000ULL)
				return false;
			v = v * 10 + (uint64_t)(*p - '0');
			p++;
		}
		if (p >= end || p == val)
			return false;
		p++;
		if (ieq(name, "blksize")) {
			if (v < 8 || v > 65464)
				return false;
			c->blksize = (uint16_t)v;
		} else if (ieq(name, "windowsize")) {
			if (v < 1 || v > 65535)
				return false;
			c->window = (uint16_t)v;
		} else if (ieq(name, "tsize")) {
			c->tsize = v;
			c->flags |= FL_TSIZE;
		}
	}
	return true;
}

static void
file_done(struct storm *s, uint32_t i, uint64_t now_ns)
{
	struct client *c = &s->c[i];
	/* answer the server's retransmissions of the last block (our ACK may be lost) */
	c->prev_tid = c->tid;
	c->prev_block = c->ack_block;
	c->flags |= FL_DALLY;
	enqueue(s, i, PEND_DALLY); /* the final ACK */
	s->st.files_done++;
	if ((c->flags & FL_TSIZE) && c->tsize != c->bytes) {
		s->st.size_mismatch++;
		s->st.fail_error++;
		finish(s, i, false, now_ns);
		return;
	}
	if (++c->file >= n_files_of(s)) {
		finish(s, i, true, now_ns);
		return;
	}
	start_tftp(s, i);
}

static void
rx_tftp(struct storm *s, uint32_t i, uint16_t sport, const uint8_t *t, uint32_t tlen, uint32_t udp_len,
	uint64_t now_ns)
{
	struct client *c = &s->c[i];
	uint16_t op, block;
	if (tlen < 4)
		goto ignore;
	op = rd16(t);
	block = rd16(t + 2);
	if (c->state == ST_RRQ && op == 3 && (c->flags & FL_DALLY) && sport == c->prev_tid &&
	    block == c->prev_block)
		goto dally;
	if (c->state == ST_RRQ && op == 3 && block != 1)
		goto ignore; /* not a new transfer: a stale session of an earlier one */
	if (c->state == ST_RRQ || (c->state == ST_DATA && sport == c->tid)) {
		if (c->state == ST_RRQ && op != 5)
			c->tid = sport;
		if (op == 3) { /* DATA */
			uint32_t plen = udp_len - UDP_LEN - 4;
			uint16_t expect = (uint16_t)(c->ack_block + 1);
			if (c->state == ST_RRQ) {
				c->state = ST_DATA;
				c->retries = 0;
			}
			if (block == expect) {
				c->ack_block = block;
				c->bytes += plen;
				s->st.data_pkts++;
				s->st.data_bytes += plen;
				c->progress_ms = now_ns / 1000000;
				c->retries = 0;
				c->flags &= (uint8_t)~FL_GAP_ACKED;
				if (plen < c->blksize) {
					c->wcount = 0;
					file_done(s, i, now_ns);
					return;
				}
				if (++c->wcount >= c->window) {
					c->wcount = 0;
					enqueue(s, i, PEND_MSG);
				}
				return;
			}
			/* a gap or an old block: ACK the last in-order block once */
			if ((uint16_t)(block - expect) < 0x8000)
				s->st.gaps++;
			else
				s->st.server_dups++;
			/* once per gap; and again for a window the server sends again
			 * (it timed out: our ACK was lost), at most every DUPACK_MS */
			if (!(c->flags & FL_GAP_ACKED) || now_ns / 1000000 - c->dupack_ms >= DUPACK_MS) {
				c->flags |= FL_GAP_ACKED;
				c->dupack_ms = now_ns / 1000000;
				c->wcount = 0;
				enqueue(s, i, PEND_MSG);
			}
			return;
		}
		if (op == 6) { /* OACK */
			if (c->state == ST_DATA) { /* again: our ACK 0 was lost */
				if (c->ack_block == 0 && !c->bytes)
					enqueue(s, i, PEND_MSG);
				return;
			}
			if (!parse_oack(c, t + 2, tlen - 2)) {
				s->st.fail_error++;
				finish(s, i, false, now_ns);
				return;
			}
			s->st.oacks++;
			c->flags |= FL_OACK;
			c->state = ST_DATA;
			c->retries = 0;
			c->ack_block = 0;
			enqueue(s, i, PEND_MSG); /* ACK 0 */
			return;
		}
		if (op == 5) { /* ERROR */
			s->st.tftp_errors++;
			s->st.fail_error++;
			finish(s, i, false, now_ns);
			return;
		}
		goto ignore;
	}
	/* the previous transfer's server, still sending its last block */
	if (op == 3 && (c->flags & FL_DALLY) && sport == c->prev_tid) {
dally:
		s->st.server_dups++;
		if (block == c->prev_block)
			enqueue(s, i, PEND_DALLY);
		return;
	}
ignore:
	s->st.rx_ignored++;
}

/* ------------------------------------------------------------- IPv6 in -- */
static int
hexval(uint8_t ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/* An IPv6 address in text (RFC 4291 2.2: groups, one "::", a dotted quad at the end) of
 * exactly l bytes -> a. false: not one. */
static bool
parse_ip6(const uint8_t *p, uint32_t l, uint8_t *a)
{
	uint16_t g[8];
	int n = 0, gap = -1, k;
	uint32_t at = 0;
	if (l >= 2 && p[0] == ':' && p[1] == ':') {
		gap = 0;
		at = 2;
	} else if (l && p[0] == ':') {
		return false;
	}
	while (at < l) {
		uint32_t st = at, v = 0;
		int h;
		while (at < l && (h = hexval(p[at])) >= 0) {
			v = v << 4 | (uint32_t)h;
			if (++at - st > 4)
				break;
		}
		if (at < l && p[at] == '.') { /* the last 32 bits as a dotted quad */
			uint32_t v4;
			if (n > 6)
				return false;
			for (k = (int)st; (uint32_t)k < l; k++)
				if (!p[k])
					return false;
			v4 = parse_ip(p + st, l - st);
			if (!v4)
				return false;
			g[n++] = (uint16_t)(v4 >> 16);
			g[n++] = (uint16_t)v4;
			at = l;
			break;
		}
		if (at == st || at - st > 4 || n >= 8)
			return false;
		g[n++] = (uint16_t)v;
		if (at == l)
			break;
		if (p[at++] != ':' || at == l)
			return false; /* not a separator, or a trailing single ':' */
		if (p[at] == ':') {
			if (gap >= 0)
				return false;
			gap = n;
			at++;
		}
	}
	if (gap < 0 ? n != 8 : n > 7)
		return false;
	memset(a, 0, 16);
	for (k = 0; k < n; k++) {
		int pos = gap >= 0 && k >= gap ? 8 - (n - k) : k;
		a[2 * pos] = (uint8_t)(g[k] >> 8);
		a[2 * pos + 1] = (uint8_t)g[k];
	}
	return true;
}

/* A bootfile URL (RFC 5970 3.1) "tftp://[IPv6]/name" (port 69 may be written) -> the server's
 * address and the name, percent-decoded (RFC 3986 2.1), NUL-terminated in name[cap]. false: any
 * other URL (another scheme, a host name, a zone, another port), an empty, too long or
 * malformed name, a name with control characters, or a multicast or unspecified address. */
static bool
parse_url6(const uint8_t *u, uint32_t l, uint8_t *addr, char *name, uint32_t cap)
{
	static const char scheme[] = "tftp://";
	static const uint8_t unspec[16];
	uint32_t k, at, close, n = 0;
	if (l < sizeof scheme - 1 + 4)
		return false;
	for (k = 0; k < sizeof scheme - 1; k++) {
		uint8_t ch = u[k];
		if (ch >= 'A' && ch <= 'Z')
			ch = (uint8_t)(ch + 32);
		if (ch != (uint8_t)scheme[k])
			return false;
	}
	at = k;
	if (u[at] != '[')
		return false;
	for (close = at + 1; close < l && u[close] != ']'; close++)
		;
	if (close >= l || !parse_ip6(u + at + 1, close - at - 1, addr))
		return false;
	if (addr[0] == 0xff || !memcmp(addr, unspec, 16))
		return false;
	at = close + 1;
	if (at < l && u[at] == ':') {
		uint32_t port = 0, digits = 0;
		for (at++; at < l && u[at] >= '0' && u[at] <= '9' && digits < 6; at++, digits++)
			port = port * 10 + (uint32_t)(u[at] - '0');
		if (port != 69)
			return false;
	}
	if (at >= l || u[at] != '/')
		return false;
	for (at++; at < l; at++) {
		uint8_t ch = u[at];
		if (ch == '%') {
			int hi, lo;
			if (l - at < 3 || (hi = hexval(u[at + 1])) < 0 || (lo = hexval(u[at + 2])) < 0)
				return false;
			ch = (uint8_t)(hi << 4 | lo);
			at += 2;
		} else if (ch == '?' || ch == '#') {
			return false; /* a query or fragment is not part of a TFTP name */
		}
		if (ch < 0x20 || ch == 0x7f || n + 1 >= cap)
			return false;
		name[n++] = (char)ch;
	}
	name[n] = 0;
	return n > 0;
}

/* What a client needs of an Advertise or Reply; spans point into the message. */
struct dhcp6_info {
	uint8_t type;
	uint32_t xid;
	const uint8_t *cid, *sid, *ia, *url;
	uint16_t cid_len, sid_len, ia_len, url_len;
	uint16_t status; /* top-level Status Code (0: none or Success) */
};

/* The top-level options of a DHCPv6 message (RFC 8415 21.1): each option's header and body
 * must fit, the first of each kind counts. false: malformed. */
static bool
dhcp6_parse(const uint8_t *b, uint32_t len, struct dhcp6_info *d)
{
	uint32_t at = 4;
	if (len < 4)
		return false;
	d->type = b[0];
	d->xid = rd32(b) & 0xffffff;
	while (at < len) {
		uint16_t code, ol;
		const uint8_t *v;
		if (len - at < 4)
			return false;
		code = rd16(b + at);
		ol = rd16(b + at + 2);
		at += 4;
		if (ol > len - at)
			return false;
		v = b + at;
		at += ol;
		switch (code) {
		case 1: /* Client Identifier */
			if (!d->cid) {
				d->cid = v;
				d->cid_len = ol;
			}
			break;
		case 2: /* Server Identifier */
			if (!d->sid) {
				d->sid = v;
				d->sid_len = ol;
			}
			break;
		case 3: /* IA_NA: IAID, T1, T2, options */
			if (ol < 12)
				return false;
			if (!d->ia) {
				d->ia = v;
				d->ia_len = ol;
			}
			break;
		case 13: /* Status Code */
			if (ol < 2)
				return false;
			if (!d->status)
				d->status = rd16(v);
			break;
		case 59: /* Bootfile URL */
			if (!d->url) {
				d->url = v;
				d->url_len = ol;
			}
			break;
		default:
			break;
		}
	}
	return true;
}

/* The address an IA_NA (of IAID iaid) gives: its first IAADDR with a valid lifetime, unless
 * the IA carries a Status Code other than Success. 0: an address in a; 1: none; -1: malformed. */
static int
dhcp6_ia_addr(const uint8_t *ia, uint16_t len, const uint8_t *iaid, uint8_t *a)
{
	uint32_t at = 12;
	bool found = false, refused = false;
	if (memcmp(ia, iaid, 4))
		return 1;
	while (at < len) { /* the IA's own options: one level, no further nesting read */
		uint16_t code, ol;
		const uint8_t *v;
		if (len - at < 4)
			return -1;
		code = rd16(ia + at);
		ol = rd16(ia + at + 2);
		at += 4;
		if (ol > len - at)
			return -1;
		v = ia + at;
		at += ol;
		if (code == 5) { /* IAADDR: address, preferred, valid, options */
			if (ol < 24)
				return -1;
			if (!found && rd32(v + 20)) {
				memcpy(a, v, 16);
				found = true;
			}
		} else if (code == 13) {
			if (ol < 2)
				return -1;
			if (rd16(v))
				refused = true;
		}
	}
	return found && !refused ? 0 : 1;
}

static void
fail(struct storm *s, uint32_t i, uint64_t now_ns)
{
	s->st.fail_error++;
	finish(s, i, false, now_ns);
}

/* An Advertise or Reply (port 547 -> 546, checksum already checked). */
static void
rx_dhcp6(struct storm *s, const uint8_t *frame, const uint8_t *b, uint32_t blen, uint64_t now_ns)
{
	struct dhcp6_info d = {0};
	struct client *c;
	struct client6 *c6;
	uint8_t a[16] = {0}, mac[6];
	uint32_t i;
	int r;
	if (!dhcp6_parse(b, blen, &d))
		goto malformed;
	if (d.type != 2 && d.type != 7)
		goto ignore;
	/* ours: a DUID-LL (Ethernet) of one of our MACs */
	if (!d.cid || d.cid_len != 10 || rd16(d.cid) != 3 || rd16(d.cid + 2) != 1)
		goto ignore;
	i = mac_client(s, d.cid + 4);
	if (i == NIL)
		goto ignore;
	c = &s->c[i];
	c6 = &s->c6[i];
	if (d.xid != (c->xid & 0xffffff))
		goto ignore;
	if (!d.sid || !d.sid_len || d.sid_len > DUID_MAX)
		goto malformed; /* RFC 8415 16.3, 16.10: a server's reply carries its id */
	client_mac(s, i, mac);
	r = d.ia ? dhcp6_ia_addr(d.ia, d.ia_len, mac + 2, a) : 1; /* no IA_NA: no address */
	if (r < 0)
		goto malformed;
	if (d.type == 2 && c->state == ST_DISCOVER) { /* Advertise */
		if (r || d.status)
			goto ignore; /* no address for us (NoAddrsAvail): wait for another (18.2.9) */
		memcpy(c6->offer, a, 16);
		memcpy(c6->duid, d.sid, d.sid_len);
		c6->duid_len = (uint8_t)d.sid_len;
		memcpy(c->srv_mac, frame + 6, 6);
		new_xact6(s, i, now_ns / 1000000);
		enter(s, i, ST_REQUEST);
		return;
	}
	if (d.type != 7 || c->state != ST_REQUEST)
		goto ignore;
	if (d.sid_len != c6->duid_len || memcmp(d.sid, c6->duid, d.sid_len))
		goto ignore; /* another server's */
	if (r || d.status) { /* the address refused: start over, a bounded number of times */
		s->st.dhcp_naks++;
		if (++c->naks > s->cfg.retries) {
			fail(s, i, now_ns);
			return;
		}
		new_xact6(s, i, now_ns / 1000000);
		enter(s, i, ST_DISCOVER);
		return;
	}
	memcpy(c6->ip, a, 16);
	memcpy(c->srv_mac, frame + 6, 6);
	if (!s->cfg.dhcp_only) {
		/* the server (and, without configured files, the file) from the bootfile URL */
		if (!d.url || !parse_url6(d.url, d.url_len, c6->srv_ip, c->bootfile, STORM_NAME_MAX)) {
			fail(s, i, now_ns);
			return;
		}
	}
	s->st.dhcp_done++;
	iph6_add(s, c6->ip, i);
	if (s->cfg.dhcp_only) {
		finish(s, i, true, now_ns);
		return;
	}
	start_tftp(s, i);
	return;
malformed:
	s->st.rx_malformed++;
	return;
ignore:
	s->st.rx_ignored++;
}

/* A Neighbor Solicitation (RFC 4861 4.3, 7.1.1; checksum already checked): one for a client's
 * link-local or leased address is answered (7.2.4). */
static void
rx_ns(struct storm *s, const uint8_t *frame, const uint8_t *ip, const uint8_t *icmp, uint32_t len)
{
	static const uint8_t unspec[16];
	static const uint8_t snm[13] = {0xff, 0x02, [11] = 0x01, [12] = 0xff}; /* ff02::1:ff00:0/104 */
	const uint8_t *target = icmp + 8, *src = ip + 8, *dst = ip + 24, *slla = NULL;
	uint32_t at = 24, i;
	bool global = false;
	if (ip[7] != 255 || icmp[1] != 0 || len < 24 || target[0] == 0xff)
		goto malformed;
	while (at < len) { /* options: every one at least 8 bytes and inside the message */
		uint32_t ol;
		if (len - at < 2)
			goto malformed;
		ol = (uint32_t)icmp[at + 1] * 8;
		if (!ol || ol > len - at)
			goto malformed;
		if (icmp[at] == 1 && ol == 8 && !slla)
			slla = icmp + at + 2;
		at += ol;
	}
	if (!memcmp(src, unspec, 16)) {
		if (slla)
			goto malformed; /* 7.1.1 */
		goto ignore;	/* duplicate address detection by another host: not an answer we give */
	}
	if (memcmp(dst, target, 16) && (memcmp(dst, snm, 13) || memcmp(dst + 13, target + 13, 3)))
		goto ignore; /* neither to the target nor to its solicited-node group */
	i = ll_client(s, target);
	if (i != NIL) {
		if (s->c[i].state == ST_IDLE)
			goto ignore; /* not on the link yet */
	} else {
		i = iph6_find(s, target);
		if (i == NIL)
			goto ignore;
		global = true;
	}
	memcpy(s->c6[i].na_ip, src, 16);
	memcpy(s->c6[i].na_mac, slla ? slla : frame + 6, 6);
	s->c6[i].na_global = global;
	enqueue(s, i, PEND_ARP_REPLY);
	return;
malformed:
	s->st.rx_malformed++;
	return;
ignore:
	s->st.rx_ignored++;
}

/* An IPv6 frame at frame + off (no extension headers: anything else is not for a client). The
 * payload length must fit in the frame; UDP's length must equal it; a DATA frame is taken by
 * its port from its headers alone (checksum not summed, zero refused), everything else must be
 * whole with a correct checksum. */
static void
rx_ip6(struct storm *s, const uint8_t *frame, uint32_t off, uint32_t len, uint32_t wire_len,
       uint64_t now_ns)
{
	const uint8_t *ip = frame + off, *l4 = ip + IP6_LEN;
	uint32_t plen, i;
	bool whole;
	if (!s->cfg.v6 || len < off + IP6_LEN || (ip[0] >> 4) != 6)
		goto ignore;
	plen = rd16(ip + 4);
	if (plen > wire_len - off - IP6_LEN)
		goto malformed;
	whole = len >= off + IP6_LEN + plen; /* the whole message is in the buffer */
	if (ip[6] == 17) {
		uint16_t dport, ulen;
		if (plen < UDP_LEN || len < off + IP6_LEN + UDP_LEN)
			goto malformed;
		dport = rd16(l4 + 2);
		ulen = rd16(l4 + 4);
		if (ulen != plen || !rd16(l4 + 6))
			goto malformed;
		i = (uint32_t)dport - STORM_PORT_BASE;
		if (i < s->n) { /* TFTP: the hot path */
			uint32_t tl;
			if (memcmp(ip + 24, s->c6[i].ip, 16) || s->c[i].state < ST_RRQ)
				goto ignore;
			if (ulen < UDP_LEN + 4 || len < off + IP6_LEN + UDP_LEN + 4)
				goto malformed;
			if (rd16(l4 + UDP_LEN) != 3 && (!whole || !csum6_ok(ip, l4, ulen, 17)))
				goto malformed; /* OACK, ERROR: rare, summed */
			tl = len - (off + IP6_LEN + UDP_LEN);
			if (tl > (uint32_t)ulen - UDP_LEN)
				tl = (uint32_t)ulen - UDP_LEN; /* Ethernet padding */
			rx_tftp(s, i, rd16(l4), l4 + UDP_LEN, tl, ulen, now_ns);
			return;
		}
		if (dport == DHCP6_CLIENT && rd16(l4) == DHCP6_SERVER) {
			if (!whole || !csum6_ok(ip, l4, ulen, 17))
				goto malformed;
			rx_dhcp6(s, frame, l4 + UDP_LEN, ulen - UDP_LEN, now_ns);
			return;
		}
		goto ignore;
	}
	if (ip[6] == 58 && plen >= 4 && len >= off + IP6_LEN + 4 && l4[0] == ICMP6_NS) {
		if (!whole || !csum6_ok(ip, l4, plen, 58))
			goto malformed;
		rx_ns(s, frame, ip, l4, plen);
		return;
	}
ignore:
	s->st.rx_ignored++;
	return;
malformed:
	s->st.rx_malformed++;
}

void
storm_rx(struct storm *s, const uint8_t *frame, uint32_t len, uint32_t wire_len, uint64_t now_ns)
{
	const uint8_t *ip, *udp;
	uint16_t et, dport, ulen;
	uint32_t ihl, off = ETH_LEN, i;
	s->st.rx_frames++;
	if (lose(s)) {
		s->st.lost_rx++;
		return;
	}
	if (len < ETH_LEN || len > wire_len)
		goto ignore;
	et = rd16(frame + 12);
	if (et == 0x8100 && len >= 18) {
		et = rd16(frame + 16);
		off = 18;
	}
	if (et == 0x86dd) {
		rx_ip6(s, frame, off, len, wire_len, now_ns);
		return;
	}
	if (s->cfg.v6)
		goto ignore; /* IPv6 clients have no IPv4 address */
	if (et == 0x0806) {
		rx_arp(s, frame + off, len - off);
		return;
	}
	if (et != 0x0800 || len < off + IP_LEN)
		goto ignore;
	ip = frame + off;
	ihl = (uint32_t)(ip[0] & 0xf) * 4;
	if ((ip[0] >> 4) != 4 || ihl < IP_LEN || ip[9] != 17 || len < off + ihl + UDP_LEN + 4 ||
	    (rd16(ip + 6) & 0x3fff))
		goto ignore;
	udp = ip + ihl;
	dport = rd16(udp + 2);
	ulen = rd16(udp + 4);
	if (ulen < UDP_LEN + 4 || off + ihl + ulen > wire_len)
		goto ignore;
	i = (uint32_t)dport - STORM_PORT_BASE;
	if (i < s->n) { /* TFTP: the hot path */
		if (rd32(ip + 16) != s->c[i].ip)
			goto ignore;
		uint32_t tl = len - (off + ihl + UDP_LEN);
		if (tl > (uint32_t)ulen - UDP_LEN)
			tl = (uint32_t)ulen - UDP_LEN; /* Ethernet padding */
		rx_tftp(s, i, rd16(udp), udp + UDP_LEN, tl, ulen, now_ns);
		return;
	}
	if (dport == 68 && rd16(udp) == 67) {
		uint32_t blen = ulen - UDP_LEN;
		if (off + ihl + UDP_LEN + blen > len)
			goto ignore; /* DHCP must be all there */
		rx_dhcp(s, frame, udp + UDP_LEN, blen, rd32(ip + 12), now_ns);
		return;
	}
ignore:
	s->st.rx_ignored++;
}

/* ----------------------------------------------------------------- tx -- */
static void
fire(struct storm *s, uint32_t i, uint64_t now_ms, uint64_t now_ns)
{
	struct client *c = &s->c[i];
	if (c->state == ST_DATA && now_ms < c->progress_ms + cur_timeout(s, c)) {
		timer_arm(s, i, c->progress_ms + cur_timeout(s, c)); /* progress since: later */
		return;
	}
	if (c->retries >= s->cfg.retries) {
		s->st.fail_timeout++;
		finish(s, i, false, now_ns);
		return;
	}
	c->retries++;
	s->st.client_retx++;
	if (c->state == ST_DISCOVER || c->state == ST_REQUEST) {
		s->st.dhcp_retx++;
		if (c->state == ST_REQUEST && c->retries > (s->cfg.retries + 1) / 2) {
			/* no ACK to our REQUESTs: start over (RFC 2131 3.1.5), a bounded number of times */
			if (++c->naks > s->cfg.retries) {
				s->st.fail_timeout++;
				finish(s, i, false, now_ns);
				return;
			}
			c->state = ST_DISCOVER;
			if (s->cfg.v6)
				new_xact6(s, i, now_ms);
		}
	} else {
		s->st.tftp_retx++;
	}
	c->flags &= (uint8_t)~FL_GAP_ACKED;
	c->wcount = 0;
	enqueue(s, i, PEND_MSG);
}

static void
run_timers(struct storm *s, uint64_t now_ms, uint64_t now_ns)
{
	unsigned steps = 0;
	if (!s->wheel_init) {
		s->wheel_ms = now_ms;
		s->wheel_init = true;
	}
	while (s->wheel_ms <= now_ms) {
		uint32_t slot = (uint32_t)(s->wheel_ms & WHEEL_MASK), i = s->wheel[slot];
		while (i != NIL) {
			uint32_t next = s->c[i].tnext;
			if (s->c[i].deadline_ms <= now_ms) {
				timer_cancel(s, i);
				fire(s, i, now_ms, now_ns);
			}
			i = next;
		}
		if (++steps >= WHEEL_SIZE && s->wheel_ms < now_ms) {
			/* a long jump: every slot was visited once, nothing more is due */
			s->wheel_ms = now_ms + 1;
			break;
		}
		s->wheel_ms++;
	}
}

static void
start_clients(struct storm *s, uint64_t now_ns)
{
	if (!s->t0_set) {
		s->t0_ns = now_ns;
		s->t0_set = true;
	}
	while (s->next_start < s->n) {
		uint32_t i = s->next_start;
		struct client *c = &s->c[i];
		if (s->cfg.ramp_s > 0) {
			uint64_t at = s->t0_ns + (uint64_t)(s->cfg.ramp_s * 1e9 * i / s->n);
			if (at > now_ns)
				break;
		}
		s->next_start++;
		s->st.started++;
		c->start_ns = now_ns;
		if (s->cfg.dhcp) {
			if (s->cfg.v6)
				new_xact6(s, i, now_ns / 1000000);
			enter(s, i, ST_DISCOVER);
		} else {
			iph_add(s, c->ip, i);
			if (memcmp(c->srv_mac, zero6, 6))
				start_tftp(s, i);
			else
				resolve_then_tftp(s, i);
		}
	}
}

unsigned
storm_tx(struct storm *s, uint64_t now_ns, uint8_t **bufs, uint16_t *lens, unsigned max)
{
	uint64_t now_ms = now_ns / 1000000;
	unsigned n = 0;
	start_clients(s, now_ns);
	if (!s->wheel_init || s->wheel_ms <= now_ms)
		run_timers(s, now_ms, now_ns);
	while (n < max && s->qlen) {
		uint32_t i = s->q[s->qhead];
		uint16_t l;
		struct client *c = &s->c[i];
		l = build(s, i, bufs[n], now_ms);
		if (!c->pend) { /* done with this one: dequeue */
			c->flags &= (uint8_t)~FL_QUEUED;
			s->qhead = (s->qhead + 1) % s->n;
			s->qlen--;
		}
		if (!l)
			continue;
		if (lose(s)) {
			s->st.lost_tx++;
			continue;
		}
		lens[n++] = l;
		s->st.tx_frames++;
	}
	return n;
}

bool
storm_done(const struct storm *s)
{
	return s->finished >= s->n;
}

void
storm_stats(const struct storm *s, struct storm_stats *out)
{
	*out = s->st;
}

const struct storm_cfg *
storm_config(const struct storm *s)
{
	return &s->cfg;
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

uint64_t
storm_ttb_percentile(const struct storm *s, double p)
{
	uint64_t *v, r;
	uint32_t i, k = 0, idx;
	if (!s->st.booted)
		return 0;
	v = malloc(sizeof *v * s->st.booted);
	if (!v)
		return 0;
	for (i = 0; i < s->n; i++)
		if (s->c[i].state == ST_BOOTED && k < s->st.booted)
			v[k++] = s->c[i].ttb_ns;
	qsort(v, k, sizeof *v, cmp_u64);
	if (p <= 0)
		idx = 0;
	else if (p >= 100)
		idx = k - 1;
	else {
		double x = p / 100.0 * k; /* nearest rank */
		idx = (uint32_t)x;
		if ((double)idx < x)
			idx++;
		idx = idx ? idx - 1 : 0;
	}
	r = v[idx];
	free(v);
	return r;
}

/* ------------------------------------------------------------ lifecycle -- */
struct storm *
storm_new(const struct storm_cfg *cfg)
{
	struct storm *s;
	uint32_t i, hs = 1;
	unsigned k;
	if (!cfg->clients || cfg->clients > STORM_MAX_CLIENTS || (cfg->v6 && !cfg->dhcp) ||
	    cfg->n_files > STORM_MAX_FILES || cfg->loss < 0 || cfg->loss >= 1)
		return NULL;
	if (!cfg->dhcp && (!cfg->n_files || !cfg->server_ip || !cfg->ip_base))
		return NULL;
	if (cfg->blksize && (cfg->blksize < 8 || cfg->blksize > 65464))
		return NULL;
	s = calloc(1, sizeof *s);
	if (!s)
		return NULL;
	s->cfg = *cfg;
	if (!s->cfg.blksize)
		s->cfg.blksize = 512;
	if (!s->cfg.window)
		s->cfg.window = 1;
	if (!s->cfg.timeout_ms)
		s->cfg.timeout_ms = 1000;
	if (!s->cfg.retries)
		s->cfg.retries = 5;
	s->n_files = cfg->n_files;
	for (k = 0; k < cfg->n_files; k++) {
		if (!cfg->files[k] || !cfg->files[k][0] || strlen(cfg->files[k]) >= STORM_NAME_MAX) {
			free(s);
			return NULL;
		}
		strcpy(s->files[k], cfg->files[k]);
		s->cfg.files[k] = s->files[k];
	}
	s->n = cfg->clients;
	while (hs < 2 * s->n)
		hs <<= 1;
	s->c = calloc(s->n, sizeof *s->c);
	s->q = malloc(sizeof *s->q * s->n);
	s->iph = malloc(sizeof *s->iph * hs);
	if (cfg->v6)
		s->c6 = calloc(s->n, sizeof *s->c6);
	if (!s->c || !s->q || !s->iph || (cfg->v6 && !s->c6)) {
		storm_free(s);
		return NULL;
	}
	s->iph_mask = hs - 1;
	memset(s->iph, 0xff, sizeof *s->iph * hs);
	memset(s->wheel, 0xff, sizeof s->wheel);
	s->rng = cfg->seed ? cfg->seed : 0x9e3779b97f4a7c15ULL;
	rng_next(s);
	s->loss_thr = cfg->loss > 0 ? (uint64_t)(cfg->loss * 18446744073709551615.0) : 0;
	for (i = 0; i < s->n; i++) {
		struct client *c = &s->c[i];
		c->state = ST_IDLE;
		c->tnext = c->tprev = NIL;
		c->xid = (uint32_t)rng_next(s);
		if (!cfg->dhcp) {
			c->ip = cfg->ip_base + i;
			c->srv_ip = cfg->server_ip;
			memcpy(c->srv_mac, cfg->server_mac, 6);
		}
	}
	return s;
}

void
storm_free(struct storm *s)
{
	if (!s)
		return;
	free(s->c);
	free(s->c6);
	free(s->q);
	free(s->iph);
	free(s);
}
