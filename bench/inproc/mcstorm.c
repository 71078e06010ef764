/* SPDX-License-Identifier: MIT */
/* The generator's RFC 2090 multicast mode (see mcstorm.h). */
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>
#include <string.h>

#include "mcstorm.h"
#include "shared/bf_csum.h"
#include "shared/bf_net.h"
#include "shared/bf_wire.h"

#define MC_BITMAP_BYTES 8192 /* 65536 blocks: RFC 2090 streams stay under the rollover */

enum { C_IDLE, C_WAIT_OACK, C_LISTEN, C_MASTER, C_FAILED };
enum { OUT_NONE, OUT_RRQ, OUT_ACK };

struct client {
	uint8_t state;
	uint8_t out;			/* what this client has to send next */
	bool queued, complete;
	uint8_t retries;
	uint16_t tid;			/* server port answering this client */
	uint32_t group;			/* learned from the OACK (host order) */
	uint16_t gport;
	uint32_t nblocks;		/* from tsize: size / blksize + 1 */
	uint32_t have;
	uint32_t first_missing;		/* 1-based */
	uint64_t start_at, t_first, t_done, deadline;
	uint8_t *bits;
};

struct mcstorm {
	struct mc_cfg cfg;
	char file[128];
	struct client *c;
	uint8_t *bits;
	uint32_t *q;			/* clients with something to send */
	uint32_t qh, qt;		/* ring of cfg.clients + 1 slots */
	uint32_t next_start;		/* clients not started yet: next_start.. */
	uint64_t ttb_n, *ttb;
	uint64_t next_scan;		/* timers are checked once a millisecond */
	uint64_t rng;
	struct mc_stats st;
};

static uint64_t
rnd(struct mcstorm *s)
{
	s->rng ^= s->rng << 13;
	s->rng ^= s->rng >> 7;
	s->rng ^= s->rng << 17;
	return s->rng;
}

static bool
lost(struct mcstorm *s)
{
	return s->cfg.loss > 0 && (double)(rnd(s) >> 11) / 9007199254740992.0 < s->cfg.loss;
}

static void
enqueue(struct mcstorm *s, uint32_t i, uint8_t what)
{
	struct client *c = &s->c[i];
	c->out = what;
	if (c->queued)
		return;
	c->queued = true;
	s->q[s->qt] = i;
	s->qt = (s->qt + 1) % (s->cfg.clients + 1);
}

struct mcstorm *
mc_new(const struct mc_cfg *cfg)
{
	if (!cfg->clients || cfg->clients > MC_MAX_CLIENTS || !cfg->file || !cfg->blksize)
		return NULL;
	struct mcstorm *s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->cfg = *cfg;
	snprintf(s->file, sizeof(s->file), "%s", cfg->file);
	s->cfg.file = s->file;
	if (!s->cfg.timeout_ms)
		s->cfg.timeout_ms = 500;
	if (!s->cfg.retries)
		s->cfg.retries = 10;
	s->rng = cfg->seed | 1;
	s->c = calloc(cfg->clients, sizeof(*s->c));
	s->bits = calloc(cfg->clients, MC_BITMAP_BYTES);
	s->q = calloc(cfg->clients + 1, sizeof(*s->q));
	s->ttb = calloc(cfg->clients, sizeof(*s->ttb));
	if (!s->c || !s->bits || !s->q || !s->ttb) {
		mc_free(s);
		return NULL;
	}
	for (uint32_t i = 0; i < cfg->clients; i++) {
		s->c[i].bits = s->bits + (size_t)i * MC_BITMAP_BYTES;
		s->c[i].first_missing = 1;
		s->c[i].start_at = cfg->clients > 1 ? (uint64_t)(cfg->ramp_s * 1e9 * i /
								 (cfg->clients - 1))
						    : 0;
	}
	return s;
}

void
mc_free(struct mcstorm *s)
{
	if (!s)
		return;
	free(s->c);
	free(s->bits);
	free(s->q);
	free(s->ttb);
	free(s);
}

static void
client_done(struct mcstorm *s, struct client *c, uint64_t now)
{
	if (c->t_done)
		return;
	c->t_done = now;
	s->ttb[s->ttb_n++] = now - c->t_first;
	s->st.done++;
}

static void
client_fail(struct mcstorm *s, struct client *c)
{
	if (c->state == C_FAILED || c->t_done)
		return;
	c->state = C_FAILED;
	s->st.failed++;
}

/* A block heard by client i (group or unicast). */
static void
heard(struct mcstorm *s, uint32_t i, uint32_t blk, uint32_t len, uint64_t now)
{
	struct client *c = &s->c[i];
	if (c->state == C_FAILED || !c->nblocks || blk == 0 || blk > c->nblocks)
		return;
	if (!(c->bits[blk >> 3] & (1u << (blk & 7)))) {
		c->bits[blk >> 3] |= (uint8_t)(1u << (blk & 7));
		c->have++;
		s->st.blocks_new++;
		s->st.bytes_new += len;
		while (c->first_missing <= c->nblocks &&
		       (c->bits[c->first_missing >> 3] & (1u << (c->first_missing & 7))))
			c->first_missing++;
	}
	if (c->have == c->nblocks) {
		c->complete = true;
		client_done(s, c, now);
	}
	if (c->state == C_MASTER) { /* lock-step: every block heard is answered */
		c->retries = 0;
		c->deadline = now + (uint64_t)s->cfg.timeout_ms * 1000000;
		enqueue(s, i, OUT_ACK);
		if (c->complete) /* that ACK of the last block hands the stream on */
			c->state = C_LISTEN;
	}
}

/* "multicast" "a.b.c.d,port,mc": empty fields keep what the client knew. */
static void
parse_mc(struct client *c, const char *v, bool *master)
{
	unsigned a[4], port;
	const char *p = v;
	if (sscanf(p, "%u.%u.%u.%u", &a[0], &a[1], &a[2], &a[3]) == 4)
		c->group = a[0] << 24 | a[1] << 16 | a[2] << 8 | a[3];
	p = strchr(p, ',');
	if (!p)
		return;
	p++;
	if (sscanf(p, "%u", &port) == 1)
		c->gport = (uint16_t)port;
	p = strchr(p, ',');
	*master = p && p[1] == '1';
}

static void
on_oack(struct mcstorm *s, uint32_t i, uint16_t sport, const uint8_t *pl, uint32_t n,
	uint64_t now)
{
	struct client *c = &s->c[i];
	bool master = false;
	uint64_t tsize = 0;

	s->st.oacks++;
	/* NUL-terminated name/value pairs after the opcode */
	for (uint32_t o = 2; o < n;) {
		const char *k = (const char *)pl + o;
		size_t kl = strnlen(k, n - o);
		if (o + kl + 1 >= n)
			break;
		const char *v = k + kl + 1;
		size_t vl = strnlen(v, n - o - kl - 1);
		if (o + kl + 1 + vl >= n)
			break;
		if (!strcasecmp(k, "multicast"))
			parse_mc(c, v, &master);
		else if (!strcasecmp(k, "tsize"))
			tsize = strtoull(v, NULL, 10);
		o += (uint32_t)(kl + vl + 2);
	}
	c->tid = sport;
	if (tsize && !c->nblocks)
		c->nblocks = (uint32_t)(tsize / s->cfg.blksize + 1);
	if (c->state == C_WAIT_OACK)
		c->state = C_LISTEN;
	if (master && c->complete) { /* nothing missing: the last block's ACK says so */
		s->st.masters++;
		enqueue(s, i, OUT_ACK);
	} else if (master) {
		s->st.masters++;
		c->state = C_MASTER;
		c->retries = 0;
		c->deadline = now + (uint64_t)s->cfg.timeout_ms * 1000000;
		enqueue(s, i, OUT_ACK);
	}
}

void
mc_rx(struct mcstorm *s, const uint8_t *f, uint32_t len, uint64_t now)
{
	if (len < 14 + 20 + 8 + 4 || bf_get_be16(f + 12) != 0x0800 || f[14 + 9] != 17) {
		s->st.ignored++;
		return;
	}
	unsigned ihl = (f[14] & 15u) * 4;
	const uint8_t *ip = f + 14, *u = ip + ihl, *pl = u + 8;
	uint32_t ulen = bf_get_be16(u + 4);
	if (14 + ihl + 8 > len || ulen < 12 || 14 + ihl + ulen > len) {
		s->st.ignored++;
		return;
	}
	uint32_t dst = bf_get_be32(ip + 16), n = ulen - 8;
	uint16_t sport = bf_get_be16(u), dport = bf_get_be16(u + 2), op = bf_get_be16(pl);

	if (dst >> 28 == 0xe) { /* the stream: every listening client of that group */
		if (op != 3)
			return;
		s->st.group_frames++;
		for (uint32_t i = 0; i < s->next_start; i++) {
			struct client *c = &s->c[i];
			if (c->group != dst || c->gport != dport || c->state == C_FAILED)
				continue;
			if (lost(s)) { /* each client's own loss */
				s->st.lost_rx++;
				continue;
			}
			heard(s, i, bf_get_be16(pl + 2), n - 4, now);
		}
		return;
	}
	uint32_t i = dport - MC_PORT_BASE;
	if (dport < MC_PORT_BASE || i >= s->cfg.clients || dst != s->cfg.ip_base + i) {
		s->st.ignored++;
		return;
	}
	if (lost(s)) {
		s->st.lost_rx++;
		return;
	}
	if (op == 6)
		on_oack(s, i, sport, pl, n, now);
	else if (op == 3)
		heard(s, i, bf_get_be16(pl + 2), n - 4, now);
	else if (op == 5) {
		s->st.errors++;
		client_fail(s, &s->c[i]);
	}
}

static uint16_t
build(struct mcstorm *s, uint32_t i, uint8_t *buf)
{
	struct client *c = &s->c[i];
	struct bf_udp4_addr a = {.src_ip = s->cfg.ip_base + i, .dst_ip = s->cfg.server_ip,
				 .sport = (uint16_t)(MC_PORT_BASE + i)};
	uint8_t pl[256];
	size_t n;

	memcpy(a.dst_mac, s->cfg.server_mac, 6);
	memcpy(a.src_mac, s->cfg.mac_base, 6);
	a.src_mac[3] = (uint8_t)(i >> 16);
	a.src_mac[4] = (uint8_t)(i >> 8);
	a.src_mac[5] = (uint8_t)i;
	if (c->out == OUT_RRQ) {
		a.dport = 69;
		int k = snprintf((char *)pl + 2, sizeof(pl) - 2, "%s%coctet%cblksize%c%u%ctsize%c0%cmulticast%c",
				 s->file, 0, 0, 0, s->cfg.blksize, 0, 0, 0, 0);
		pl[0] = 0;
		pl[1] = 1;
		n = 2 + (size_t)k + 1;
	} else {
		a.dport = c->tid;
		uint32_t ack = c->first_missing - 1;
		pl[0] = 0;
		pl[1] = 4;
		bf_put_be16(pl + 2, (uint16_t)ack);
		n = 4;
		s->st.acks++;
	}
	size_t l2 = bf_udp4_hdr_len(&a);
	memcpy(buf + l2, pl, n);
	bf_udp4_hdr_write(buf, &a, n, bf_csum_add(0, pl, n), 0);
	return (uint16_t)(l2 + n);
}

unsigned
mc_tx(struct mcstorm *s, uint64_t now, uint8_t **bufs, uint16_t *lens, unsigned max)
{
	unsigned out = 0;

	while (s->next_start < s->cfg.clients && s->c[s->next_start].start_at <= now) {
		struct client *c = &s->c[s->next_start];
		c->state = C_WAIT_OACK;
		c->t_first = now;
		c->deadline = now + (uint64_t)s->cfg.timeout_ms * 1000000;
		s->st.started++;
		enqueue(s, s->next_start++, OUT_RRQ);
	}
	/* timers: an unanswered RRQ, a master whose stream stopped */
	bool scan = now >= s->next_scan;
	if (scan)
		s->next_scan = now + 1000000;
	for (uint32_t i = 0; scan && i < s->next_start; i++) {
		struct client *c = &s->c[i];
		if ((c->state != C_WAIT_OACK && c->state != C_MASTER) || c->deadline > now ||
		    (c->state == C_MASTER && c->complete && c->t_done))
			continue;
		if (++c->retries > s->cfg.retries) {
			client_fail(s, c);
			continue;
		}
		s->st.retx++;
		c->deadline = now + (uint64_t)s->cfg.timeout_ms * 1000000;
		enqueue(s, i, c->state == C_WAIT_OACK ? OUT_RRQ : OUT_ACK);
	}
	while (out < max && s->qh != s->qt) {
		uint32_t i = s->q[s->qh];
		s->qh = (s->qh + 1) % (s->cfg.clients + 1);
		struct client *c = &s->c[i];
		c->queued = false;
		if (c->out == OUT_NONE || c->state == C_FAILED)
			continue;
		uint16_t len = build(s, i, bufs[out]);
		c->out = OUT_NONE;
		if (lost(s)) {
			s->st.lost_tx++;
			continue;
		}
		lens[out++] = len;
	}
	return out;
}

bool
mc_done(const struct mcstorm *s)
{
	return s->st.done + s->st.failed == s->cfg.clients;
}

void
mc_stats(const struct mcstorm *s, struct mc_stats *out)
{
	*out = s->st;
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

uint64_t
mc_ttb_percentile(const struct mcstorm *s, double p)
{
	if (!s->ttb_n)
		return 0;
	qsort(s->ttb, s->ttb_n, sizeof(*s->ttb), cmp_u64);
	size_t k = (size_t)(p / 100.0 * (double)(s->ttb_n - 1) + 0.5);
	return s->ttb[k < s->ttb_n ? k : s->ttb_n - 1];
}
