/* SPDX-License-Identifier: MIT */
/*
 * The boot-storm engine (see storm.h). Per client a small state machine:
 *
 *   IDLE -> [DISCOVER -> REQUEST] -> [ARP for the TFTP server] -> RRQ ->
 *   DATA (window by window) -> next file's RRQ ... -> BOOTED | FAILED
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
#define PEND_ARP_REPLY 0x02 /* an ARP reply for our address */
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

struct storm {
	struct storm_cfg cfg;
	char files[STORM_MAX_FILES][STORM_NAME_MAX];
	unsigned n_files;
	struct client *c;
	uint32_t n;
	/* send queue: FIFO of client indices */
	uint32_t *q;
	uint32_t qhead, qlen;
	/* timer wheel */
	uint32_t wheel[WHEEL_SIZE];
	uint64_t wheel_ms; /* every slot before this time has been processed */
	bool wheel_init;
	/* IPv4 address -> client (for ARP requests from kernel servers) */
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

static uint16_t
rrq_frame(struct storm *s, uint32_t i, uint8_t *buf)
{
	struct client *c = &s->c[i];
	uint8_t mac[6], *b = buf + HDRS, *p = b;
	const char *f = cur_file(s, c);
	size_t fl = strnlen(f, STORM_NAME_MAX - 1);
	client_mac(s, i, mac);
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
	return udp_frame(s, buf, mac, c->srv_mac, c->ip, c->srv_ip, (uint16_t)(STORM_PORT_BASE + i), 69,
			 (uint32_t)(p - b));
}

static uint16_t
ack_frame(struct storm *s, uint32_t i, uint8_t *buf, uint16_t tid, uint16_t block)
{
	struct client *c = &s->c[i];
	uint8_t mac[6], *b = buf + HDRS;
	client_mac(s, i, mac);
	wr16(b, 4);
	wr16(b + 2, block);
	s->st.acks_sent++;
	return udp_frame(s, buf, mac, c->srv_mac, c->ip, c->srv_ip, (uint16_t)(STORM_PORT_BASE + i), tid, 4);
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
	if (!cfg->clients || cfg->clients > STORM_MAX_CLIENTS || cfg->v6 || cfg->multicast ||
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
	if (!s->c || !s->q || !s->iph) {
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
	free(s->q);
	free(s->iph);
	free(s);
}
