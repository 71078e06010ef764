/* SPDX-License-Identifier: MIT */
/*
 * TFTP read transfers from the image cache: RFC 1350 (protocol, lockstep,
 * netascii), RFC 2347 (OACK), RFC 2348 (blksize), RFC 2349 (timeout, tsize),
 * RFC 7440 (windowsize). Block numbers roll over 65535 -> 0 (as tftp-hpa,
 * atftp, curl, iPXE and EDK2 expect), so images of any size are served.
 *
 * Each worker owns its sessions; a session's transfer port (TID) is random
 * with tid % n_workers == worker id, so any worker that receives an ACK knows
 * the owner without a lookup (dp_tftp_owner). This file owns the session
 * table, requests, ACK handling, windows and retransmission timers; DATA
 * packets are built by dp_data.c, ports are taken in the worker's TID map
 * (dp_tid.h, shared with MTFTP streams), and RFC 2090 requests are taken by
 * dp_mtftp_input before they get here.
 *
 * Rules against amplification and misuse (BAD-INPUTS.md):
 *  - before the client's first ACK only an OACK (or, without options, the
 *    first block) is sent, plus at most DP_TFTP_EMBRYO_RETRIES
 *    retransmissions, then the session goes without a word: bounded bytes to
 *    an address that may be spoofed;
 *  - until that ACK a session is "embryonic": once no more than
 *    1/DP_TFTP_EMBRYO_SHARE of the table is free, embryonic sessions beyond
 *    that share, or any when the table is full, are evicted oldest first for
 *    a new request (a SYN queue); they are paced by the default timeout, not
 *    the client's timeout option;
 *  - a window > 1 opens only after that ACK; window and blksize are capped;
 *  - a duplicate ACK is ignored (no Sorcerer's Apprentice); only the timer
 *    retransmits;
 *  - packets from the wrong source for a session, or to a port with no
 *    session, get ERROR 5 at most once a second per source (dp_err_allowed)
 *    and the session is not disturbed; an ERROR is never answered;
 *  - per-source and per-worker session caps.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_malloc.h>

#include <arpa/inet.h>

#include "dp.h"
#include "dp_data.h"
#include "shared/bf_csum.h"
#include "shared/bf_dhcp4.h"
#include "shared/bf_nd.h"
#include "shared/bf_wire.h"

#define NONE UINT32_MAX
#define WHEEL_SLOTS 1024u /* 1 ms ticks; longer timeouts wrap and re-check */
#define TID_MIN 1024u

/*
 * A client: IPv4 or IPv6, with the headers that reach it. key is its address
 * as 16 bytes (IPv4 as ::ffff:a.b.c.d), for per-source caps and for matching
 * a packet to its session.
 */
struct peer {
	bool v6;
	uint8_t key[16];
	union {
		struct bf_udp4_addr a4;
		struct bf_udp6_addr a6;
	};
};

/* One UDP packet for TFTP, whichever the IP version. */
struct udp_in {
	struct peer reply;	/* to its source, from our address and the port it reached */
	const uint8_t *pl;
	uint16_t pl_len;
	uint16_t sport, dport;
	uint16_t ethertype;
};

static uint16_t
peer_dport(const struct peer *a)
{
	return a->v6 ? a->a6.dport : a->a4.dport;
}

static void
peer_set_sport(struct peer *a, uint16_t port)
{
	if (a->v6)
		a->a6.sport = port;
	else
		a->a4.sport = port;
}

/* "10.0.0.5:1234" or "[fd00::5]:1234" */
static const char *
peer_str(const struct peer *a, char *buf, size_t len)
{
	char ip[INET6_ADDRSTRLEN];

	if (a->v6) {
		inet_ntop(AF_INET6, a->a6.dst, ip, sizeof(ip));
		snprintf(buf, len, "[%s]:%u", ip, a->a6.dport);
	} else {
		bf_ip4_str(a->a4.dst_ip, ip);
		snprintf(buf, len, "%s:%u", ip, a->a4.dport);
	}
	return buf;
}

enum sess_state {
	S_FREE = 0,
	S_OACK,		/* OACK sent, waiting for ACK 0 */
	S_DATA,
};

struct sess {
	uint32_t next, prev, slot; /* timer wheel list */
	uint8_t state;
	uint8_t retries_left;
	uint8_t max_retries;
	uint8_t netascii;
	uint8_t starved;	/* the pool ran dry mid-window: resume at the next tick */
	uint8_t embryo;		/* no ACK from the client yet: on the embryo list */
	uint16_t tid;
	uint16_t port_id;
	uint16_t blksize;
	uint16_t window;
	uint64_t deadline;	/* tsc */
	uint64_t rto;		/* tsc */
	uint64_t rto_acked;	/* tsc: rto once the client has acknowledged (its timeout option) */
	uint64_t start;		/* tsc */
	struct peer addr;
	uint8_t cslot;		/* configuration slot the image came from */
	uint64_t generation;	/* and its snapshot */
	char name[128];		/* for the control thread's listing (img may go meanwhile) */
	struct dp_image *img;
	uint64_t size;
	const uint16_t *sums;	/* the image's block checksums for blksize, or NULL */
	struct dp_data_tpl tpl;	/* headers of a full DATA block */
	uint64_t nblocks;	/* blocks in the transfer: size / blksize + 1 */
	uint64_t acked;		/* highest block acknowledged (absolute) */
	uint64_t sent;		/* highest block sent (absolute) */
	struct bf_tftp_oack oack;
	uint32_t src_next, src_prev; /* the other transfers of this client address */
	uint32_t emb_next, emb_prev; /* embryonic sessions, oldest first */
};

struct src_count {
	uint8_t key[16];
	uint32_t n;	/* 0: empty slot */
	uint32_t head;	/* its first transfer (sess.src_next links the rest) */
};

struct dp_tftp_table {
	uint32_t cap;
	uint32_t used;
	uint32_t free_head;	/* free list through sess.next */
	struct sess *s;
	uint32_t by_tid[65536]; /* session index + 1; 0: none */
	uint32_t wheel[WHEEL_SLOTS];
	uint64_t tick_tsc;
	uint64_t cur_tick;
	uint32_t src_mask;
	struct src_count *src;
	uint32_t n_embryo;	/* sessions with no ACK yet, listed from emb_head (oldest) */
	uint32_t embryo_cap;	/* their share of the table (DP_TFTP_EMBRYO_SHARE) */
	uint32_t emb_head, emb_tail;
};

/* ---- per-source counts: open addressing with backward-shift deletion ---- */

static uint32_t
src_hash(const uint8_t key[16])
{
	uint64_t a, b;

	memcpy(&a, key, 8);
	memcpy(&b, key + 8, 8);
	a ^= b * 0x9e3779b97f4a7c15ull;
	return (uint32_t)((a * 0xff51afd7ed558ccdull) >> 32);
}

static struct src_count *
src_find(struct dp_tftp_table *t, const uint8_t key[16], bool insert)
{
	uint32_t i = src_hash(key) & t->src_mask;
	while (t->src[i].n) {
		if (!memcmp(t->src[i].key, key, 16))
			return &t->src[i];
		i = (i + 1) & t->src_mask;
	}
	if (!insert)
		return NULL;
	memcpy(t->src[i].key, key, 16);
	return &t->src[i];
}

static void
src_dec(struct dp_tftp_table *t, const uint8_t key[16])
{
	struct src_count *e = src_find(t, key, false);
	if (!e || --e->n)
		return;
	/* Knuth's algorithm R: shift later entries of the cluster back. */
	uint32_t i = (uint32_t)(e - t->src), j = i;
	for (;;) {
		j = (j + 1) & t->src_mask;
		if (!t->src[j].n)
			break;
		uint32_t k = src_hash(t->src[j].key) & t->src_mask;
		if ((i <= j) ? (i < k && k <= j) : (i < k || k <= j))
			continue;
		t->src[i] = t->src[j];
		t->src[j].n = 0;
		i = j;
	}
}

/* A new transfer joins its client's list and count. */
static void
src_link(struct dp_tftp_table *t, uint32_t idx)
{
	struct sess *s = &t->s[idx];
	struct src_count *e = src_find(t, s->addr.key, true);
	if (!e->n)
		e->head = NONE;
	s->src_prev = NONE;
	s->src_next = e->head;
	if (e->head != NONE)
		t->s[e->head].src_prev = idx;
	e->head = idx;
	e->n++;
}

static void
src_unlink(struct dp_tftp_table *t, uint32_t idx)
{
	struct sess *s = &t->s[idx];
	if (s->src_next != NONE)
		t->s[s->src_next].src_prev = s->src_prev;
	if (s->src_prev != NONE) {
		t->s[s->src_prev].src_next = s->src_next;
	} else {
		struct src_count *e = src_find(t, s->addr.key, false);
		if (e)
			e->head = s->src_next;
	}
	src_dec(t, s->addr.key);
}

/* The transfer that client port `a` already has, or NONE. */
static uint32_t
src_sess_of(struct dp_tftp_table *t, const struct src_count *e, const struct peer *a,
	    uint16_t port_id)
{
	if (!e)
		return NONE;
	for (uint32_t i = e->head; i != NONE; i = t->s[i].src_next)
		if (peer_dport(&t->s[i].addr) == peer_dport(a) && t->s[i].port_id == port_id)
			return i;
	return NONE;
}

/* ---- timer wheel ---- */

static void
timer_del(struct dp_tftp_table *t, uint32_t idx)
{
	struct sess *s = &t->s[idx];
	if (s->slot == NONE)
		return;
	if (s->prev != NONE)
		t->s[s->prev].next = s->next;
	else
		t->wheel[s->slot] = s->next;
	if (s->next != NONE)
		t->s[s->next].prev = s->prev;
	s->slot = s->next = s->prev = NONE;
}

static void
timer_arm(struct dp_tftp_table *t, uint32_t idx, uint64_t now)
{
	struct sess *s = &t->s[idx];
	timer_del(t, idx);
	/* out of mbufs: the rest of the window goes at the next tick, not after an RTO */
	s->deadline = now + (s->starved ? t->tick_tsc : s->rto);
	/* the first tick at or after the deadline: the tick it falls in is visited
	 * before the deadline passes, and would skip it for a whole wheel turn */
	uint64_t tick = (s->deadline + t->tick_tsc - 1) / t->tick_tsc;
	if (tick <= t->cur_tick)
		tick = t->cur_tick + 1;
	s->slot = (uint32_t)(tick % WHEEL_SLOTS);
	s->prev = NONE;
	s->next = t->wheel[s->slot];
	if (s->next != NONE)
		t->s[s->next].prev = idx;
	t->wheel[s->slot] = idx;
}

int
dp_tftp_init(struct dp_worker *w, uint32_t max_sessions)
{
	struct dp_tftp_table *t = rte_zmalloc("bf_tftp", sizeof(*t), RTE_CACHE_LINE_SIZE);
	if (!t)
		return -1;
	t->cap = max_sessions;
	t->s = rte_zmalloc("bf_tftp_sess", sizeof(*t->s) * max_sessions, RTE_CACHE_LINE_SIZE);
	uint32_t sz = 16;
	while (sz < max_sessions * 2)
		sz <<= 1;
	t->src = rte_zmalloc("bf_tftp_src", sizeof(*t->src) * sz, RTE_CACHE_LINE_SIZE);
	if (!t->s || !t->src) {
		rte_free(t->s);
		rte_free(t->src);
		rte_free(t);
		return -1;
	}
	t->src_mask = sz - 1;
	for (uint32_t i = 0; i < max_sessions; i++) {
		t->s[i].next = i + 1 < max_sessions ? i + 1 : NONE;
		t->s[i].slot = NONE;
	}
	t->free_head = 0;
	t->embryo_cap = max_sessions / DP_TFTP_EMBRYO_SHARE ? max_sessions / DP_TFTP_EMBRYO_SHARE : 1;
	t->emb_head = t->emb_tail = NONE;
	for (uint32_t i = 0; i < WHEEL_SLOTS; i++)
		t->wheel[i] = NONE;
	t->tick_tsc = rte_get_tsc_hz() / 1000;
	if (!t->tick_tsc)
		t->tick_tsc = 1;
	t->cur_tick = rte_rdtsc() / t->tick_tsc;
	w->tftp = t;
	return 0;
}

static void sess_end(struct dp_worker *w, uint32_t idx);

void
dp_tftp_fini(struct dp_worker *w)
{
	struct dp_tftp_table *t = w->tftp;
	if (!t)
		return;
	for (uint32_t i = 0; i < t->cap; i++)
		if (t->s[i].state != S_FREE)
			sess_end(w, i);
	rte_free(t->s);
	rte_free(t->src);
	rte_free(t);
	w->tftp = NULL;
}

/* ---- embryonic sessions: no ACK from the client yet ---- */

static void
embryo_link(struct dp_tftp_table *t, uint32_t idx)
{
	struct sess *s = &t->s[idx];

	s->embryo = 1;
	s->emb_next = NONE;
	s->emb_prev = t->emb_tail;
	if (t->emb_tail != NONE)
		t->s[t->emb_tail].emb_next = idx;
	else
		t->emb_head = idx;
	t->emb_tail = idx;
	t->n_embryo++;
}

static void
embryo_unlink(struct dp_tftp_table *t, uint32_t idx)
{
	struct sess *s = &t->s[idx];

	if (!s->embryo)
		return;
	if (s->emb_prev != NONE)
		t->s[s->emb_prev].emb_next = s->emb_next;
	else
		t->emb_head = s->emb_next;
	if (s->emb_next != NONE)
		t->s[s->emb_next].emb_prev = s->emb_prev;
	else
		t->emb_tail = s->emb_prev;
	s->embryo = 0;
	t->n_embryo--;
}

/* The client's first ACK: a transfer now, with the client's timeout. */
static void
sess_acked(struct dp_tftp_table *t, uint32_t idx)
{
	struct sess *s = &t->s[idx];

	if (!s->embryo)
		return;
	embryo_unlink(t, idx);
	s->rto = s->rto_acked;
}

static void
sess_end(struct dp_worker *w, uint32_t idx)
{
	struct dp_tftp_table *t = w->tftp;
	struct sess *s = &t->s[idx];

	timer_del(t, idx);
	embryo_unlink(t, idx);
	t->by_tid[s->tid] = 0;
	dp_tid_put(&w->tids, s->tid);
	src_unlink(t, idx);
	dp_image_put(s->img);
	memset(s, 0, sizeof(*s));
	s->slot = s->prev = NONE;
	s->next = t->free_head;
	t->free_head = idx;
	t->used--;
	w->g_sessions = t->used;
}

/* Tell the control thread (where-is-my-machine, slot health). */
static void
sess_event(struct dp_worker *w, const struct sess *s, uint8_t kind, uint16_t err)
{
	struct dp_event e = {.kind = kind, .slot = s->cslot, .err = err,
			     .generation = s->generation, .size = s->size};
	uint64_t bytes = s->acked * s->blksize;

	e.bytes = bytes > s->size ? s->size : bytes;
	e.ms = (uint32_t)((rte_rdtsc() - s->start) * 1000 / rte_get_tsc_hz());
	memcpy(e.mac, s->addr.v6 ? s->addr.a6.dst_mac : s->addr.a4.dst_mac, 6);
	memcpy(e.addr, s->addr.key, 16);
	memcpy(e.name, s->name, sizeof(e.name));
	dp_event(w, &e);
}

unsigned
dp_tftp_list(const struct dp_worker *w, struct dp_tftp_info *out, unsigned max)
{
	const struct dp_tftp_table *t = w->tftp;
	uint64_t now = rte_rdtsc(), hz = rte_get_tsc_hz();
	unsigned n = 0;

	for (uint32_t i = 0; t && i < t->cap && n < max; i++) {
		const struct sess *s = &t->s[i];
		uint16_t tid = __atomic_load_n(&s->tid, __ATOMIC_RELAXED);
		if (__atomic_load_n(&s->state, __ATOMIC_RELAXED) == S_FREE || !tid)
			continue;
		struct dp_tftp_info *o = &out[n];
		memset(o, 0, sizeof(*o));
		o->worker = w->id;
		o->slot = s->cslot;
		o->generation = s->generation;
		peer_str(&s->addr, o->client, sizeof(o->client));
		memcpy(o->name, s->name, sizeof(o->name));
		o->name[sizeof(o->name) - 1] = '\0';
		memcpy(o->mac, s->addr.v6 ? s->addr.a6.dst_mac : s->addr.a4.dst_mac, 6);
		o->size = s->size;
		o->sent = s->acked * s->blksize > s->size ? s->size : s->acked * s->blksize;
		o->blksize = s->blksize;
		o->window = s->window;
		o->age_ms = (now - s->start) * 1000 / hz;
		/* The session ended or was reused while we copied: skip the row. */
		if (__atomic_load_n(&s->tid, __ATOMIC_RELAXED) != tid ||
		    __atomic_load_n(&s->state, __ATOMIC_RELAXED) == S_FREE)
			continue;
		n++;
	}
	return n;
}

/* ---- transmit ---- */

/* Build and queue one UDP reply whose payload is hdr[0..hlen) + body[0..blen). */
static int
send_udp(struct dp_worker *w, uint16_t port_id, const struct peer *a, const void *hdr,
	 size_t hlen, const void *body, size_t blen)
{
	size_t l2 = a->v6 ? bf_udp6_hdr_len(&a->a6) : bf_udp4_hdr_len(&a->a4);
	struct rte_mbuf *m = rte_pktmbuf_alloc(w->pool);
	if (!m) {
		BF_CNT(&w->ctr, drop_nombuf);
		return -1;
	}
	uint8_t *p = (uint8_t *)rte_pktmbuf_append(m, (uint16_t)(l2 + hlen + blen));
	if (!p) {
		BF_CNT(&w->ctr, drop_nombuf);
		rte_pktmbuf_free(m);
		return -1;
	}
	memcpy(p + l2, hdr, hlen);
	if (blen)
		memcpy(p + l2 + hlen, body, blen);
	uint32_t sum = bf_csum_add(0, p + l2, hlen + blen);
	if (a->v6)
		bf_udp6_hdr_write(p, &a->a6, hlen + blen, sum);
	else
		bf_udp4_hdr_write(p, &a->a4, hlen + blen, sum, w->ip_id++);
	m->port = port_id;
	dp_tx_enqueue(w, m);
	return 0;
}

static void
send_error(struct dp_worker *w, uint16_t port_id, const struct peer *a, uint16_t code,
	   const char *msg)
{
	uint8_t buf[128];
	int n = bf_tftp_build_error(buf, sizeof(buf), code, msg);
	if (n > 0)
		send_udp(w, port_id, a, buf, (size_t)n, NULL, 0);
}

/* The session's addressing as dp_data.h takes it. */
static const void *
sess_to(const struct sess *s)
{
	return s->addr.v6 ? (const void *)&s->addr.a6 : &s->addr.a4;
}

static int
send_block(struct dp_worker *w, struct sess *s, uint64_t blk)
{
	return dp_data_tx(w, s->port_id, s->addr.v6, sess_to(s), s->img, s->netascii, s->blksize,
			  s->sums, blk);
}

/* Send the blocks the window allows after the last acknowledged one. */
static void
fill_window(struct dp_worker *w, struct sess *s, bool retransmit)
{
	uint64_t last = s->acked + s->window;
	if (last > s->nblocks)
		last = s->nblocks;
	if (s->sent >= last)
		return;
	uint64_t first = s->sent + 1, b = first;
	/* full blocks take the template path; the short last one and odd cases data_tx */
	uint64_t nfull = s->sums && s->tpl.len && s->blksize >= DP_ZC_MIN &&
				 w->ctx->port_zc[s->port_id]
			     ? s->size / s->blksize
			     : 0;
	while (b <= last) {
		if (b <= nfull) {
			uint64_t n = (last < nfull ? last : nfull) - b + 1;
			unsigned sent = dp_data_tx_full(w, &s->tpl, s->port_id, s->img, s->netascii,
							 s->blksize, s->sums, b,
							 n > DP_DATA_CHUNK ? DP_DATA_CHUNK
									   : (unsigned)n);
			if (!sent)
				break;
			b += sent;
		} else if (send_block(w, s, b) == 0) {
			b++;
		} else {
			break;
		}
	}
	/* Out of mbufs (a storm of windows at once): keep what was not queued for
	 * the next tick (sess.starved) instead of counting it sent and losing it. */
	s->starved = b <= last;
	last = b - 1;
	s->sent = last;
	if (last < first)
		return;
	if (retransmit) {
		BF_CNT_ADD(&w->ctr, tftp_data_retx, last - first + 1);
	} else {
		uint64_t lo = (first - 1) * s->blksize, hi = last * s->blksize;
		BF_CNT_ADD(&w->ctr, tftp_data_tx, last - first + 1);
		BF_CNT_ADD(&w->ctr, tftp_data_bytes,
			   (hi < s->size ? hi : s->size) - (lo < s->size ? lo : s->size));
	}
}

static void
send_oack(struct dp_worker *w, struct sess *s)
{
	uint8_t buf[128];
	int n = bf_tftp_build_oack(buf, sizeof(buf), &s->oack);
	if (n > 0)
		send_udp(w, s->port_id, &s->addr, buf, (size_t)n, NULL, 0);
}

/* ---- requests ---- */

static uint32_t
sess_alloc(struct dp_worker *w)
{
	struct dp_tftp_table *t = w->tftp;
	uint32_t idx = t->free_head;
	if (idx == NONE)
		return NONE;
	t->free_head = t->s[idx].next;
	t->s[idx].next = t->s[idx].prev = t->s[idx].slot = NONE;
	t->used++;
	w->g_sessions = t->used;
	return idx;
}

/*
 * A free transfer port for a new session: tid % n_workers == this worker (any
 * worker can tell the owner), and, when the port's RSS is known, one whose
 * ACKs (client -> us:tid) the NIC hashes to this worker's queue, so they never
 * need software steering. About n_workers tries each way.
 */
static int
pick_tid(struct dp_ctx *ctx, struct dp_worker *w, uint16_t port_id, const struct peer *a)
{
	const struct bf_rss *r = &ctx->rss[port_id];
	uint32_t n = ctx->n_workers, span = (65536u - TID_MIN) / n;
	int fallback = -1;

	for (unsigned tries = 0; tries < 64 * n; tries++) {
		uint32_t tid = TID_MIN + (uint32_t)(dp_rand(w) % span) * n;
		tid += (w->id + n - tid % n) % n;
		/* 4011 goes to the lease manager (PXE boot server discovery) before any
		 * transfer is looked up: a transfer there would never see its ACKs */
		if (tid > 65535 || tid == BF_DHCP4_PXE_PORT || dp_tid_busy(&w->tids, (uint16_t)tid))
			continue;
		if (n == 1 || !r->reta_size)
			return (int)tid;
		uint16_t q = a->v6 ? bf_rss_queue6(r, a->a6.dst, a->a6.src, a->a6.dport,
						   (uint16_t)tid)
				   : bf_rss_queue4(r, a->a4.dst_ip, a->a4.src_ip, a->a4.dport,
						   (uint16_t)tid);
		if (q == w->queue)
			return (int)tid;
		if (fallback < 0)
			fallback = (int)tid;
	}
	if (fallback >= 0)
		BF_CNT(&w->ctr, tftp_tid_rss_miss);
	return fallback;
}

static void finish(struct dp_worker *w, uint32_t idx);

/* A client asked for another file from the port of an unfinished transfer: it
 * has moved on. With every block sent it has the last one (only that makes a
 * client move on), so the transfer is done and only the final ACK was lost;
 * otherwise the client gave it up. */
static void
supersede(struct dp_worker *w, uint32_t idx)
{
	struct sess *s = &w->tftp->s[idx];
	char who[64];

	if (s->state == S_DATA && s->sent >= s->nblocks && s->acked + s->window >= s->nblocks) {
		finish(w, idx);
		return;
	}
	BF_CNT(&w->ctr, tftp_superseded);
	dp_log(w, "tftp: %s to %s given up by the client at block %llu/%llu (new request)",
	       s->img->name, peer_str(&s->addr, who, sizeof(who)), (unsigned long long)s->acked,
	       (unsigned long long)s->nblocks);
	sess_event(w, s, DP_EV_TFTP_ABORT, 0);
	sess_end(w, idx);
}

static void
handle_request(struct dp_ctx *ctx, struct dp_worker *w, const struct dp_snap *snap,
	       const struct udp_in *in, uint16_t port_id)
{
	const struct dp_iface *ifc = &snap->iface[port_id]; /* interfaces: the active slot's */
	struct dp_tftp_table *t = w->tftp;
	struct bf_tftp_req req;
	const struct peer *a = &in->reply;
	const uint8_t *cmac = a->v6 ? a->a6.dst_mac : a->a4.dst_mac;
	char canon[BF_TFTP_MAX_NAME + 1];
	char who[64];

	if (bf_tftp_is_error(in->pl, in->pl_len)) { /* nothing to answer: see handle_transfer */
		BF_CNT(&w->ctr, tftp_error_unanswered);
		return;
	}
	int rc = bf_tftp_parse_req(&req, in->pl, in->pl_len);
	if (rc == BF_TFTP_E_MODE) {
		BF_CNT(&w->ctr, drop_tftp_malformed);
		send_error(w, port_id, a, BF_TFTP_ERR_ILLEGAL, "unsupported mode");
		return;
	}
	if (rc != 0) {
		BF_CNT(&w->ctr, drop_tftp_malformed);
		return;
	}
	if (req.opcode == BF_TFTP_WRQ) {
		BF_CNT(&w->ctr, tftp_wrq_refused);
		send_error(w, port_id, a, BF_TFTP_ERR_ACCESS, "read-only server");
		return;
	}
	/* An RFC 2090 request reaches here only when dp_mtftp_input left it to
	 * unicast: the multicast option is ignored (RFC 2347). */
	BF_CNT(&w->ctr, tftp_rrq);
	BF_CNT_ADD(&w->ctr, tftp_bad_option, req.n_bad_opts);
	/* The client's slot (a canary may take it): images and limits come from it. */
	const struct dp_snap *active = snap;
	snap = dp_client_snap(ctx, snap, cmac, a->key);
	struct dp_image *img = NULL;
	if (bf_tftp_canon_name(req.name, req.name_len, canon, sizeof(canon)) >= 0) {
		img = dp_snap_image(snap, canon);
		if (!img && ctx->rendered) /* a file rendered for one client */
			img = dp_rendered_find(ctx->rendered, canon);
	}
	if (!img) {
		struct dp_event e = {.kind = DP_EV_TFTP_NOTFOUND, .slot = snap->slot,
				     .generation = snap->generation};
		BF_CNT(&w->ctr, tftp_not_found);
		dp_log(w, "tftp: not found %.100s from %s", req.name,
		       peer_str(a, who, sizeof(who)));
		memcpy(e.mac, cmac, 6);
		memcpy(e.addr, a->key, 16);
		snprintf(e.name, sizeof(e.name), "%.*s", (int)req.name_len, req.name);
		dp_event(w, &e);
		send_error(w, port_id, a, BF_TFTP_ERR_NOTFOUND, "file not found");
		return;
	}
	bool ascii = req.mode == BF_TFTP_MODE_NETASCII;
	if (ascii && !img->ascii && img->len) {
		send_error(w, port_id, a, BF_TFTP_ERR_UNDEF, "netascii not available; use octet");
		return;
	}
	struct src_count *sc = src_find(t, a->key, false);
	uint32_t old = src_sess_of(t, sc, a, port_id);
	if (old != NONE) {
		/* This client port has a transfer already. The same request again (our
		 * OACK or first block was lost, or the RRQ came twice) is answered by that
		 * transfer: a second one would hold a session and a port, retransmitting
		 * to a client that ignores it, until it timed out. */
		struct sess *o = &t->s[old];
		if (o->img == img && o->netascii == ascii) {
			BF_CNT(&w->ctr, tftp_rrq_dup);
			if (o->acked)
				return; /* a late copy: the transfer is under way */
			if (o->state == S_OACK) {
				send_oack(w, o);
			} else {
				o->sent = 0;
				fill_window(w, o, true);
			}
			timer_arm(t, old, rte_rdtsc());
			return;
		}
		/* Another file from the same port: the client is done with the old one. */
		supersede(w, old);
		sc = src_find(t, a->key, false);
	}
	if (sc && sc->n >= snap->tftp.per_source) {
		BF_CNT(&w->ctr, tftp_source_limit);
		send_error(w, port_id, a, BF_TFTP_ERR_UNDEF, "too many transfers from this host");
		return;
	}
	/* Under pressure (no more than the embryonic share of the table free),
	 * the oldest embryonic session makes room when they hold more than that
	 * share or the table is full; never an acknowledged transfer. Without
	 * pressure a storm of slow but real clients keeps every session. */
	if (t->emb_head != NONE && t->cap - t->used <= t->embryo_cap &&
	    (t->n_embryo >= t->embryo_cap || t->free_head == NONE)) {
		BF_CNT(&w->ctr, tftp_embryo_evicted);
		sess_event(w, &t->s[t->emb_head], DP_EV_TFTP_TIMEOUT, 0);
		sess_end(w, t->emb_head);
	}
	int tid = pick_tid(ctx, w, port_id, a);
	uint32_t idx = tid < 0 ? NONE : sess_alloc(w);
	if (idx == NONE) {
		/* No ERROR: a PXE ROM gives the boot up on one, while a request left
		 * unanswered is sent again, and by then a storm's first transfers end. */
		BF_CNT(&w->ctr, tftp_session_full);
		return;
	}
	struct sess *s = &t->s[idx];
	uint64_t now = rte_rdtsc();

	dp_image_get(img);
	s->img = img;
	s->cslot = snap->slot;
	s->generation = snap->generation;
	memcpy(s->name, img->name, sizeof(s->name)); /* NUL-terminated, same size */
	s->netascii = ascii;
	s->size = ascii ? img->ascii_len : img->len;
	s->tid = (uint16_t)tid;
	t->by_tid[tid] = idx + 1;
	dp_tid_take(&w->tids, (uint16_t)tid);
	s->port_id = port_id;
	s->addr = *a;
	peer_set_sport(&s->addr, (uint16_t)tid);
	s->start = now;
	src_link(t, idx);

	/* IPv6's header is 20 bytes longer: so is every limit on the block */
	uint16_t cap = a->v6 ? (uint16_t)(ifc->max_blksize - 20) : ifc->max_blksize;
	if (snap->tftp.max_blksize && snap->tftp.max_blksize < cap)
		cap = snap->tftp.max_blksize;
	memset(&s->oack, 0, sizeof(s->oack));
	s->blksize = BF_TFTP_DEF_BLKSIZE;
	if (req.has_blksize) {
		s->blksize = req.blksize < cap ? req.blksize : cap;
		s->oack.blksize = true;
		s->oack.blksize_val = s->blksize;
	}
	if (s->blksize > cap) /* an interface MTU below 540 */
		s->blksize = cap;
	if (req.has_tsize) {
		s->oack.tsize = true;
		s->oack.tsize_val = s->size;
	}
	/* The client's timeout paces the transfer once it has acknowledged:
	 * before, a spoofed request could choose how long it holds a session. */
	s->rto = snap->tftp.timeout_ms * (rte_get_tsc_hz() / 1000);
	s->rto_acked = s->rto;
	if (req.has_timeout) {
		s->rto_acked = (uint64_t)req.timeout * rte_get_tsc_hz();
		s->oack.timeout = true;
		s->oack.timeout_val = req.timeout;
	}
	s->window = 1;
	if (req.has_windowsize) {
		s->window = req.windowsize < snap->tftp.max_window ? req.windowsize
								   : snap->tftp.max_window;
		s->oack.windowsize = true;
		s->oack.windowsize_val = s->window;
	}
	s->max_retries = snap->tftp.retries;
	s->retries_left = s->max_retries < DP_TFTP_EMBRYO_RETRIES ? s->max_retries
								 : DP_TFTP_EMBRYO_RETRIES;
	embryo_link(t, idx);
	s->nblocks = s->size / s->blksize + 1;
	s->sums = ascii ? NULL : dp_image_csums(img, s->blksize);
	dp_data_tpl_init(w, &s->tpl, s->addr.v6, sess_to(s), s->blksize);
	s->acked = s->sent = 0;

	char slot[40] = ""; /* named only when a canary sends the client elsewhere */
	if (snap != active)
		snprintf(slot, sizeof(slot), ", slot %c gen %llu", 'A' + s->cslot,
			 (unsigned long long)s->generation);
	dp_log_info(w, "tftp: RRQ %s from %s (%s, blksize %u, window %u%s)%s", canon,
	       peer_str(a, who, sizeof(who)), ascii ? "netascii" : "octet", s->blksize,
	       s->window, req.has_tsize ? ", tsize" : "", slot);
	sess_event(w, s, DP_EV_TFTP_START, 0);
	if (s->oack.blksize || s->oack.tsize || s->oack.timeout || s->oack.windowsize) {
		s->state = S_OACK;
		BF_CNT(&w->ctr, tftp_oack_tx);
		send_oack(w, s);
	} else {
		/* RFC 1350: lockstep; the window opens only after an OACK exchange */
		s->state = S_DATA;
		uint16_t win = s->window;
		s->window = 1;
		fill_window(w, s, false);
		s->window = win;
	}
	timer_arm(t, idx, now);
}

static void
finish(struct dp_worker *w, uint32_t idx)
{
	struct sess *s = &w->tftp->s[idx];
	char who[64];
	uint64_t ms = (rte_rdtsc() - s->start) * 1000 / rte_get_tsc_hz();

	BF_CNT(&w->ctr, tftp_done);
	bf_hist_add(&w->stage_tftp, (rte_rdtsc() - s->start) * 1000000 / rte_get_tsc_hz());
	sess_event(w, s, DP_EV_TFTP_DONE, 0);
	dp_log_info(w, "tftp: sent %s to %s (%llu bytes, %llu blocks, blksize %u, window %u, %llu ms)",
	       s->img->name, peer_str(&s->addr, who, sizeof(who)),
	       (unsigned long long)s->size, (unsigned long long)s->nblocks, s->blksize, s->window,
	       (unsigned long long)ms);
	sess_end(w, idx);
}

/* Returns false when the packet belongs to no transfer and should go to the
 * kernel instead (the port has an exception path): a host socket may own it. */
static bool
handle_transfer(struct dp_worker *w, const struct udp_in *in, uint16_t port_id)
{
	struct dp_tftp_table *t = w->tftp;
	uint32_t ref = t->by_tid[in->dport];
	struct bf_tftp_pkt tp;

	if (!ref || t->s[ref - 1].addr.v6 != in->reply.v6 ||
	    memcmp(t->s[ref - 1].addr.key, in->reply.key, 16) ||
	    peer_dport(&t->s[ref - 1].addr) != in->sport) {
		if (w->ctx->exc[port_id])
			return false;
		/* Not a transfer of ours, or another host's packet: touch nothing. An
		 * ERROR is never answered (CVE-2024-2169: two servers would trade
		 * "unknown transfer ID" forever); anything else is told so at most
		 * once a second per source, so spoofed packets buy no more than that. */
		if (bf_tftp_is_error(in->pl, in->pl_len)) {
			BF_CNT(&w->ctr, tftp_error_unanswered);
		} else if (!dp_err_allowed(w, in->reply.key, rte_rdtsc())) {
			BF_CNT(&w->ctr, tftp_unknown_tid_limited);
		} else {
			BF_CNT(&w->ctr, tftp_unknown_tid);
			send_error(w, port_id, &in->reply, BF_TFTP_ERR_UNKNOWN_TID,
				   "unknown transfer ID");
		}
		return true;
	}
	uint32_t idx = ref - 1;
	struct sess *s = &t->s[idx];
	if (bf_tftp_parse_pkt(&tp, in->pl, in->pl_len) != 0) {
		BF_CNT(&w->ctr, drop_tftp_malformed);
		return true;
	}
	if (tp.opcode == BF_TFTP_ERROR) {
		char who[64];
		BF_CNT(&w->ctr, tftp_error_rx);
		/* EDK2 aborts with ERROR 8 after reading tsize from the OACK: not a failure. */
		dp_log(w, "tftp: %s aborted by %s (error %u: %.*s)", s->img->name,
		       peer_str(&s->addr, who, sizeof(who)), tp.error_code,
		       (int)(tp.error_msg_len > 80 ? 80 : tp.error_msg_len),
		       tp.error_msg ? tp.error_msg : "");
		sess_event(w, s, DP_EV_TFTP_ABORT, tp.error_code);
		sess_end(w, idx);
		return true;
	}
	if (tp.opcode != BF_TFTP_ACK) {
		BF_CNT(&w->ctr, drop_tftp_malformed);
		return true;
	}
	BF_CNT(&w->ctr, tftp_ack_rx);
	if (s->state == S_OACK) {
		if (tp.block != 0) {
			BF_CNT(&w->ctr, tftp_ack_future);
			return true;
		}
		s->state = S_DATA;
		sess_acked(t, idx);
		s->retries_left = s->max_retries;
		fill_window(w, s, false);
		timer_arm(t, idx, rte_rdtsc());
		return true;
	}
	/* Map the 16-bit block number to the absolute one within [acked, sent]. */
	uint16_t delta = (uint16_t)((uint16_t)s->sent - tp.block);
	if (delta > s->sent - s->acked) {
		BF_CNT(&w->ctr, tftp_ack_future);
		return true;
	}
	uint64_t blk = s->sent - delta;
	if (blk == s->acked) {
		BF_CNT(&w->ctr, tftp_ack_dup);
		return true;
	}
	s->acked = blk;
	sess_acked(t, idx);
	s->retries_left = s->max_retries;
	if (s->acked == s->nblocks) {
		finish(w, idx);
		return true;
	}
	/* An ACK inside the window means the client lost what followed: resend from there. */
	if (blk < s->sent) {
		s->sent = blk;
		fill_window(w, s, true);
	} else {
		fill_window(w, s, false);
	}
	timer_arm(t, idx, rte_rdtsc());
	return true;
}

static void
input(struct dp_ctx *ctx, struct dp_worker *w, const struct dp_snap *snap, struct rte_mbuf *m,
      const struct udp_in *in)
{
	if (in->dport == BF_TFTP_PORT)
		handle_request(ctx, w, snap, in, m->port);
	else if (!handle_transfer(w, in, m->port) && dp_exc_up(w, snap, m, in->ethertype))
		return;
	rte_pktmbuf_free(m);
}

void
dp_tftp_input(struct dp_ctx *ctx, struct dp_worker *w, const struct dp_snap *snap,
	      struct rte_mbuf *m, const struct bf_pkt *p)
{
	const struct dp_iface *ifc = &snap->iface[m->port];
	struct udp_in in = {.pl = p->frame + p->pl_off, .pl_len = p->pl_len, .sport = p->sport,
			    .dport = p->dport, .ethertype = BF_ETHERTYPE_IPV4};
	uint32_t be = htonl(p->ip_src);

	bf_udp4_addr_reply(&in.reply.a4, p, ifc->mac, ifc->ip4);
	in.reply.key[10] = in.reply.key[11] = 0xff; /* ::ffff:a.b.c.d */
	memcpy(in.reply.key + 12, &be, 4);
	input(ctx, w, snap, m, &in);
}

void
dp_tftp_input6(struct dp_ctx *ctx, struct dp_worker *w, const struct dp_snap *snap,
	       struct rte_mbuf *m, const struct bf_ip6_pkt *p)
{
	const struct dp_iface *ifc = &snap->iface[m->port];
	struct udp_in in = {.pl = p->frame + p->pl_off, .pl_len = p->pl_len, .sport = p->sport,
			    .dport = p->dport, .ethertype = BF_ETHERTYPE_IPV6};
	uint8_t ours[16];

	in.reply.v6 = true;
	memcpy(ours, p->dst, 16);
	bf_udp6_addr_reply(&in.reply.a6, p, ifc->mac, ours);
	memcpy(in.reply.key, p->src, 16);
	input(ctx, w, snap, m, &in);
}

void
dp_tftp_timers(struct dp_ctx *ctx, struct dp_worker *w, uint64_t now)
{
	struct dp_tftp_table *t = w->tftp;
	uint64_t tick = now / t->tick_tsc;
	(void)ctx;

	/* Catch up at most one wheel turn; every slot is visited once per turn. */
	if (tick - t->cur_tick > WHEEL_SLOTS)
		t->cur_tick = tick - WHEEL_SLOTS;
	while (t->cur_tick < tick) {
		t->cur_tick++;
		uint32_t idx = t->wheel[t->cur_tick % WHEEL_SLOTS];
		while (idx != NONE) {
			struct sess *s = &t->s[idx];
			uint32_t next = s->next;
			if (s->deadline > now) {
				idx = next; /* a later turn of the wheel */
				continue;
			}
			if (s->starved && s->state == S_DATA) { /* not a timeout: resume the window */
				fill_window(w, s, false);
				timer_arm(t, idx, now);
				idx = next;
				continue;
			}
			if (!s->retries_left && s->embryo) {
				/* never acknowledged: perhaps never asked (a spoofed
				 * source); no log line, so a flood costs no log */
				BF_CNT(&w->ctr, tftp_embryo_timeout);
				sess_event(w, s, DP_EV_TFTP_TIMEOUT, 0);
				sess_end(w, idx);
			} else if (!s->retries_left) {
				char who[64];
				BF_CNT(&w->ctr, tftp_timeout_abort);
				dp_log(w, "tftp: %s to %s timed out at block %llu/%llu",
				       s->img->name, peer_str(&s->addr, who, sizeof(who)),
				       (unsigned long long)s->acked,
				       (unsigned long long)s->nblocks);
				sess_event(w, s, DP_EV_TFTP_TIMEOUT, 0);
				sess_end(w, idx);
			} else {
				s->retries_left--;
				if (s->state == S_OACK) {
					BF_CNT(&w->ctr, tftp_data_retx);
					send_oack(w, s);
				} else {
					s->sent = s->acked;
					fill_window(w, s, true);
				}
				timer_arm(t, idx, now);
			}
			idx = next;
		}
	}
}
