/* SPDX-License-Identifier: MIT */
/*
 * Multicast TFTP: PXE 2.1 MTFTP and RFC 2090 (TFTP multicast option), IPv4.
 *
 * A stream is one image sent block by block to one multicast group and port,
 * from one server port (its TID), with one block size, whatever the number of
 * clients listening. Every stream is lock-step with one acknowledging client
 * (the master); the others only listen.
 *
 * PXE MTFTP (PXE 2.1, "MTFTP"; what atftp's --mget and atftpd's --mtftp do):
 *  - a client that heard nothing on MTFTP-IP:MTFTP-CPORT for MTFTP-TMOUT
 *    sends an RRQ (no options, octet) to our MTFTP-SPORT;
 *  - the server starts the stream from a fresh TID: block 1 goes both to the
 *    opener (unicast: "you acknowledge") and to the group, every later block
 *    to the group; the opener ACKs each block, 512-byte blocks, lock-step;
 *  - a second RRQ for a file whose stream runs starts nothing (the requester
 *    hears the stream); a client that missed blocks opens again after the
 *    stream ended, and the server sends the whole file again. The stream ends
 *    with the opener's last ACK, or when the opener stops acknowledging.
 *  - each MTFTP file has its own group: mtftp.ip for the first file, +1 for
 *    each further one (option 43 names the group of the client's boot file).
 *  - after the end the stream's TID stays reserved for a while: a client
 *    (atftp's --mget) that learned it from the stream sends its next open
 *    there, and the stream opens again on that same TID (its ACKs go there).
 *
 * RFC 2090 (an RRQ to port 69 with option "multicast"):
 *  - the first client of a stream gets OACK "multicast" "group,port,1" (and
 *    blksize/tsize if asked) from the stream's TID and is the master; later
 *    clients asking for the same image and block size join with mc=0;
 *  - the master's ACK n asks for block n+1 (its first missing block), sent to
 *    the group; when the master has everything (ACK of the last block), sends
 *    an ERROR, or stops answering, the next client becomes master through an
 *    OACK with mc=1 and asks for what it lacks. The stream ends when no
 *    client is left. Images over 65535 blocks, netascii, or a full table fall
 *    back to a unicast transfer (the option is ignored, as RFC 2347 allows).
 *
 * Streams and clients live in fixed tables on worker 0 (other workers steer
 * requests to it). A stream keeps a reference on its image, so a reload never
 * changes a stream's bytes, group or ports. Stream TIDs are multiples of the
 * worker count (worker 0's, like its unicast TIDs) and never a unicast
 * session's (both take their ports in the worker's TID map, dp_tid.h). DATA
 * frames carry the configured TTL (default 1). RFC 2090 requests are picked
 * out of port 69 traffic by dp_mtftp_input, before the unicast dispatch, so
 * dp_tftp.c needs nothing from here and this file nothing from it.
 */
#include <stdio.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_malloc.h>

#include "dp.h"
#include "shared/bf_csum.h"

#define NONE UINT32_MAX
#define TID_MIN 1024u

enum { K_FREE = 0, K_PXE, K_RFC };
enum { ST_OACK = 1, ST_DATA, ST_LINGER };

struct mc_client {
	bool used;
	uint8_t stream;
	uint64_t joined;		/* tsc */
	bool want_blksize, want_tsize;
	uint32_t next;			/* the stream's queue, or the free list */
	uint16_t port_id;
	struct bf_udp4_addr a;		/* to the client, from the stream's TID */
};

struct mc_stream {
	uint8_t kind;
	uint8_t state;			/* RFC 2090: the master's OACK is unanswered, or DATA;
					 * PXE: ST_LINGER after the end (see pxe_linger) */
	uint8_t retries_left;
	uint8_t max_retries;
	uint16_t tid;
	uint16_t blksize;
	uint16_t port_id;
	uint32_t gidx;			/* RFC 2090: index of the group in the range */
	struct bf_udp4_addr g;		/* to the group, from the TID */
	struct bf_udp4_addr opener;	/* PXE: the acknowledging client */
	uint8_t ttl;
	struct dp_image *img;
	uint64_t size;
	uint64_t nblocks;		/* size / blksize + 1 (<= 65535) */
	uint64_t sent;			/* the block sent last (0: none yet) */
	uint64_t rto, deadline, start;
	uint64_t linger;		/* PXE: how long the TID stays reserved after the end */
	uint32_t head, tail;		/* RFC 2090 client queue: head is the master */
	uint32_t n_clients, served, masters;
	uint64_t data_tx;
	uint8_t cslot;			/* slot and snapshot the image came from */
	uint64_t generation;
	char name[128];
};

struct dp_mtftp {
	uint32_t n_active;
	uint32_t free_client;
	struct mc_stream s[DP_MTFTP_MAX_STREAMS];
	struct mc_client c[DP_MTFTP_MAX_CLIENTS];
	uint8_t by_port[65536];		/* stream index + 1; 0: not a stream's port */
};

int
dp_mtftp_init(struct dp_worker *w)
{
	struct dp_mtftp *mt = rte_zmalloc("bf_mtftp", sizeof(*mt), RTE_CACHE_LINE_SIZE);

	if (!mt)
		return -1;
	for (uint32_t i = 0; i < DP_MTFTP_MAX_CLIENTS; i++)
		mt->c[i].next = i + 1 < DP_MTFTP_MAX_CLIENTS ? i + 1 : NONE;
	mt->free_client = 0;
	w->mtftp = mt;
	return 0;
}

static void stream_end(struct dp_worker *w, struct mc_stream *st);

void
dp_mtftp_fini(struct dp_worker *w)
{
	struct dp_mtftp *mt = w ? w->mtftp : NULL;

	if (!mt)
		return;
	for (unsigned i = 0; i < DP_MTFTP_MAX_STREAMS; i++)
		if (mt->s[i].kind != K_FREE)
			stream_end(w, &mt->s[i]);
	rte_free(mt);
	w->mtftp = NULL;
}

/* ---- sending ---- */

static struct rte_mbuf *
frame_alloc(struct dp_worker *w, const struct bf_udp4_addr *a, size_t plen, uint8_t **pl)
{
	size_t l2 = bf_udp4_hdr_len(a);
	struct rte_mbuf *m = rte_pktmbuf_alloc(w->pool);
	uint8_t *p;

	if (!m) {
		BF_CNT(&w->ctr, drop_nombuf);
		return NULL;
	}
	p = (uint8_t *)rte_pktmbuf_append(m, (uint16_t)(l2 + plen));
	if (!p) {
		BF_CNT(&w->ctr, drop_nombuf);
		rte_pktmbuf_free(m);
		return NULL;
	}
	*pl = p + l2;
	return m;
}

/* Headers for the payload already in place, the TTL set (0: leave 64), queued. */
static void
frame_send(struct dp_worker *w, struct rte_mbuf *m, uint16_t port_id,
	   const struct bf_udp4_addr *a, size_t plen, uint8_t ttl)
{
	uint8_t *p = rte_pktmbuf_mtod(m, uint8_t *);
	size_t l2 = bf_udp4_hdr_len(a);

	bf_udp4_hdr_write(p, a, plen, bf_csum_add(0, p + l2, plen), w->ip_id++);
	if (ttl) {
		uint8_t *ip = p + BF_ETH_HLEN + (a->has_vlan ? BF_VLAN_HLEN : 0);
		ip[8] = ttl;
		ip[10] = ip[11] = 0;
		uint16_t c = bf_csum_finish(bf_csum_add(0, ip, BF_IP4_HLEN));
		ip[10] = (uint8_t)(c >> 8);
		ip[11] = (uint8_t)c;
	}
	m->port = port_id;
	dp_tx_enqueue(w, m);
}

static void
send_bytes(struct dp_worker *w, uint16_t port_id, const struct bf_udp4_addr *a, const void *b,
	   size_t n)
{
	uint8_t *pl;
	struct rte_mbuf *m = frame_alloc(w, a, n, &pl);

	if (!m)
		return;
	memcpy(pl, b, n);
	frame_send(w, m, port_id, a, n, 0);
}

static void
send_error(struct dp_worker *w, uint16_t port_id, const struct bf_udp4_addr *a, uint16_t code,
	   const char *msg)
{
	uint8_t buf[128];
	int n = bf_tftp_build_error(buf, sizeof(buf), code, msg);

	if (n > 0)
		send_bytes(w, port_id, a, buf, (size_t)n);
}

/* DATA block blk (1-based) of the stream to a (the group, or the opener). */
static void
send_block(struct dp_worker *w, struct mc_stream *st, const struct bf_udp4_addr *a, uint64_t blk,
	   uint8_t ttl)
{
	uint64_t off = (blk - 1) * st->blksize;
	size_t len = st->size - off < st->blksize ? (size_t)(st->size - off) : st->blksize;
	uint8_t *pl;
	struct rte_mbuf *m = frame_alloc(w, a, 4 + len, &pl);

	if (!m)
		return;
	bf_tftp_data_hdr(pl, (uint16_t)blk);
	if (len)
		memcpy(pl + 4, st->img->data + off, len);
	frame_send(w, m, st->port_id, a, 4 + len, ttl);
}

/* Block blk to the group (PXE block 1: to the opener first, so it knows it acknowledges). */
static void
send_stream_block(struct dp_worker *w, struct mc_stream *st, uint64_t blk, bool retx)
{
	if (st->kind == K_PXE && blk == 1) {
		send_block(w, st, &st->opener, 1, 0);
		BF_CNT(&w->ctr, mtftp_data_unicast);
	}
	send_block(w, st, &st->g, blk, st->ttl);
	st->sent = blk;
	if (retx) {
		BF_CNT(&w->ctr, mtftp_data_retx);
	} else {
		BF_CNT(&w->ctr, mtftp_data_tx);
		st->data_tx++;
	}
}

static void
send_oack(struct dp_worker *w, struct mc_stream *st, const struct mc_client *c, bool master)
{
	struct bf_tftp_oack o = {
		.blksize = c->want_blksize,
		.blksize_val = st->blksize,
		.tsize = c->want_tsize,
		.tsize_val = st->size,
		.multicast = true,
		.mc_addr = st->g.dst_ip,
		.mc_port = st->g.dport,
		.mc_master = master,
	};
	uint8_t buf[128];
	int n = bf_tftp_build_oack(buf, sizeof(buf), &o);

	if (n > 0) {
		send_bytes(w, c->port_id, &c->a, buf, (size_t)n);
		BF_CNT(&w->ctr, mtftp_oack_tx);
	}
}

/* ---- streams ---- */

static void
arm(struct mc_stream *st, uint64_t now)
{
	st->deadline = now + st->rto;
}

static const char *
addr_str(uint32_t ip, uint16_t port, char *buf, size_t len)
{
	char s[16];

	snprintf(buf, len, "%s:%u", bf_ip4_str(ip, s), port);
	return buf;
}

static struct mc_stream *
stream_alloc(struct dp_worker *w, const struct dp_ctx *ctx)
{
	struct dp_mtftp *mt = w->mtftp;
	struct mc_stream *st = NULL;

	for (unsigned i = 0; i < DP_MTFTP_MAX_STREAMS && !st; i++)
		if (mt->s[i].kind == K_FREE)
			st = &mt->s[i];
	for (unsigned i = 0; i < DP_MTFTP_MAX_STREAMS && !st; i++)
		if (mt->s[i].state == ST_LINGER) { /* full: a finished stream's TID goes first */
			stream_end(w, &mt->s[i]);
			st = &mt->s[i];
		}
	if (!st)
		return NULL;
	/* A TID worker 0 owns (steering), no stream's and no unicast transfer's. */
	for (int tries = 0; tries < 64; tries++) {
		uint32_t span = (65536u - TID_MIN) / ctx->n_workers;
		uint32_t tid = TID_MIN + (uint32_t)(dp_rand(w) % span) * ctx->n_workers;
		tid += (ctx->n_workers - tid % ctx->n_workers) % ctx->n_workers;
		if (tid <= 65535 && !dp_tid_busy(&w->tids, (uint16_t)tid)) {
			memset(st, 0, sizeof(*st));
			st->tid = (uint16_t)tid;
			st->head = st->tail = NONE;
			mt->by_port[tid] = (uint8_t)(st - mt->s + 1);
			dp_tid_take(&w->tids, (uint16_t)tid);
			return st;
		}
	}
	return NULL;
}

/* Common set-up; the caller fills kind, group and the rest. */
static void
stream_start(struct dp_worker *w, const struct dp_snap *snap, struct mc_stream *st,
	     struct dp_image *img, uint16_t blksize, uint16_t port_id,
	     const struct bf_udp4_addr *from_req, uint32_t group, uint16_t gport)
{
	dp_image_get(img);
	st->img = img;
	memcpy(st->name, img->name, sizeof(st->name));
	st->size = img->len;
	st->blksize = blksize;
	st->nblocks = img->len / blksize + 1;
	st->port_id = port_id;
	st->ttl = st->kind == K_PXE ? snap->mtftp.ttl : snap->mtftp.mc_ttl;
	if (!st->ttl)
		st->ttl = 1;
	st->g = *from_req;
	st->g.dst_ip = group;
	st->g.sport = st->tid;
	st->g.dport = gport;
	dp_mtftp_group_mac(group, st->g.dst_mac);
	st->rto = (uint64_t)snap->tftp.timeout_ms * (rte_get_tsc_hz() / 1000);
	st->max_retries = st->retries_left = snap->tftp.retries;
	st->start = rte_rdtsc();
	st->cslot = snap->slot;
	st->generation = snap->generation;
	w->mtftp->n_active++;
	BF_CNT(&w->ctr, mtftp_streams);
}

static void
client_free(struct dp_mtftp *mt, uint32_t i)
{
	memset(&mt->c[i], 0, sizeof(mt->c[i]));
	mt->c[i].next = mt->free_client;
	mt->free_client = i;
}

static void
stream_end(struct dp_worker *w, struct mc_stream *st)
{
	struct dp_mtftp *mt = w->mtftp;

	for (uint32_t i = st->kind == K_RFC ? st->head : NONE; i != NONE;) {
		uint32_t next = mt->c[i].next;
		client_free(mt, i);
		i = next;
	}
	mt->by_port[st->tid] = 0;
	dp_tid_put(&w->tids, st->tid);
	dp_image_put(st->img);
	memset(st, 0, sizeof(*st));
	mt->n_active--;
}

static void
stream_log_end(struct dp_worker *w, const struct mc_stream *st, const char *how)
{
	char g[32];
	uint64_t ms = (rte_rdtsc() - st->start) * 1000 / rte_get_tsc_hz();

	dp_log(w, "mtftp: stream %s to %s %s (%llu bytes, %llu blocks, blksize %u, %llu DATA "
		  "sent, %u clients, %llu ms)",
	       st->name, addr_str(st->g.dst_ip, st->g.dport, g, sizeof(g)), how,
	       (unsigned long long)st->size, (unsigned long long)st->nblocks, st->blksize,
	       (unsigned long long)st->data_tx, st->kind == K_PXE ? 1u : st->served,
	       (unsigned long long)ms);
}

/* Tell the control thread (where-is-my-machine, slot health) about one client. */
static void
stream_event(struct dp_worker *w, const struct mc_stream *st, const struct bf_udp4_addr *a,
	     uint8_t kind, uint16_t err, uint64_t blocks)
{
	struct dp_event e = {.kind = kind, .slot = st->cslot, .err = err,
			     .generation = st->generation, .size = st->size};
	uint64_t bytes = blocks * st->blksize;

	e.bytes = bytes > st->size ? st->size : bytes;
	e.ms = (uint32_t)((rte_rdtsc() - st->start) * 1000 / rte_get_tsc_hz());
	memcpy(e.mac, a->dst_mac, 6);
	e.addr[10] = e.addr[11] = 0xff; /* ::ffff:a.b.c.d */
	e.addr[12] = (uint8_t)(a->dst_ip >> 24);
	e.addr[13] = (uint8_t)(a->dst_ip >> 16);
	e.addr[14] = (uint8_t)(a->dst_ip >> 8);
	e.addr[15] = (uint8_t)a->dst_ip;
	memcpy(e.name, st->name, sizeof(e.name));
	dp_event(w, &e);
}

/* ---- RFC 2090 ---- */

/* Make the queue's head master (OACK mc=1), or end the stream when nobody is left. */
static void
rfc_next_master(struct dp_worker *w, struct mc_stream *st)
{
	if (st->head == NONE) {
		stream_log_end(w, st, "done");
		BF_CNT(&w->ctr, mtftp_stream_done);
		stream_end(w, st);
		return;
	}
	st->state = ST_OACK;
	st->retries_left = st->max_retries;
	st->masters++;
	if (st->masters > 1)
		BF_CNT(&w->ctr, mtftp_master_change);
	send_oack(w, st, &w->mtftp->c[st->head], true);
	arm(st, rte_rdtsc());
}

/* Take client i out of the stream's queue; a master leaving hands over. */
static void
rfc_remove(struct dp_worker *w, struct mc_stream *st, uint32_t i)
{
	struct dp_mtftp *mt = w->mtftp;
	bool was_master = st->head == i;
	uint32_t prev = NONE;

	for (uint32_t k = st->head; k != NONE; prev = k, k = mt->c[k].next) {
		if (k != i)
			continue;
		if (prev == NONE)
			st->head = mt->c[k].next;
		else
			mt->c[prev].next = mt->c[k].next;
		if (st->tail == k)
			st->tail = prev;
		break;
	}
	client_free(mt, i);
	st->n_clients--;
	if (was_master)
		rfc_next_master(w, st);
}

static uint32_t
rfc_find(const struct dp_mtftp *mt, const struct mc_stream *st, uint32_t ip, uint16_t port)
{
	for (uint32_t k = st->head; k != NONE; k = mt->c[k].next)
		if (mt->c[k].a.dst_ip == ip && mt->c[k].a.dport == port)
			return k;
	return NONE;
}

/* Transfers (multicast clients) from this address, all streams. */
static unsigned
rfc_source_count(const struct dp_mtftp *mt, uint32_t ip)
{
	unsigned n = 0;

	for (uint32_t i = 0; i < DP_MTFTP_MAX_CLIENTS; i++)
		n += mt->c[i].used && mt->c[i].a.dst_ip == ip;
	return n;
}

/* The first group of the range no running RFC 2090 stream uses, or NONE. */
static uint32_t
rfc_free_group(const struct dp_mtftp *mt, uint32_t count)
{
	for (uint32_t k = 0; k < count && k <= DP_MTFTP_MAX_STREAMS; k++) {
		bool used = false;
		for (unsigned i = 0; i < DP_MTFTP_MAX_STREAMS && !used; i++)
			used = mt->s[i].kind == K_RFC && mt->s[i].gidx == k;
		if (!used)
			return k;
	}
	return NONE;
}

/*
 * An RRQ to port 69 carrying the multicast option, parsed, on worker 0. a: the
 * reply addressing (from our address and port 69 to the client). Returns true
 * when the request was taken (a stream joined or started); false: dp_tftp.c
 * serves it as an ordinary unicast transfer (the option is ignored, RFC 2347).
 */
static bool
rfc_rrq(struct dp_ctx *ctx, struct dp_worker *w, const struct dp_snap *snap,
	const struct bf_tftp_req *req, const struct bf_udp4_addr *a, uint16_t port_id)
{
	struct dp_mtftp *mt = w->mtftp;
	const struct dp_mtftp_params *mp = &snap->mtftp;
	const struct dp_iface *ifc = &snap->iface[port_id];
	char canon[BF_TFTP_MAX_NAME + 1], who[32], g[32];
	uint8_t key[16] = {[10] = 0xff, [11] = 0xff};

	if (!mt || !mp->mc || w->id != 0 || req->mode != BF_TFTP_MODE_OCTET)
		return false;
	BF_CNT(&w->ctr, mtftp_rfc_rrq);
	if (bf_tftp_canon_name(req->name, req->name_len, canon, sizeof(canon)) < 0)
		return false;
	key[12] = (uint8_t)(a->dst_ip >> 24);
	key[13] = (uint8_t)(a->dst_ip >> 16);
	key[14] = (uint8_t)(a->dst_ip >> 8);
	key[15] = (uint8_t)a->dst_ip;
	const struct dp_snap *cs = dp_client_snap(ctx, snap, a->dst_mac, key);
	struct dp_image *img = dp_snap_image(cs, canon);
	if (!img)
		return false; /* the unicast path answers "not found" and reports it */
	/* the block size exactly as a unicast transfer would get it */
	uint16_t cap = ifc->max_blksize;
	if (cs->tftp.max_blksize && cs->tftp.max_blksize < cap)
		cap = cs->tftp.max_blksize;
	uint16_t blksize = req->has_blksize ? (req->blksize < cap ? req->blksize : cap)
					    : BF_TFTP_DEF_BLKSIZE;
	if (blksize > cap)
		blksize = cap;
	if (img->len / blksize + 1 > 65535) {
		BF_CNT(&w->ctr, mtftp_fallback);
		return false; /* RFC 2090 has no block number rollover */
	}

	/* a stream of this image and block size running: join it */
	struct mc_stream *st = NULL;
	for (unsigned i = 0; i < DP_MTFTP_MAX_STREAMS && !st; i++)
		if (mt->s[i].kind == K_RFC && mt->s[i].img == img && mt->s[i].blksize == blksize &&
		    mt->s[i].port_id == port_id)
			st = &mt->s[i];
	if (st) {
		uint32_t k = rfc_find(mt, st, a->dst_ip, a->dport);
		if (k != NONE) { /* the client asked again: it lost our OACK */
			send_oack(w, st, &mt->c[k], k == st->head);
			return true;
		}
	}
	if (mt->free_client == NONE || rfc_source_count(mt, a->dst_ip) >= cs->tftp.per_source) {
		BF_CNT(&w->ctr, mtftp_fallback);
		return false;
	}
	bool fresh = !st;
	if (fresh) {
		uint32_t gi = rfc_free_group(mt, mp->mc_count);
		if (gi == NONE || !(st = stream_alloc(w, ctx))) {
			BF_CNT(&w->ctr, mtftp_fallback);
			return false;
		}
		st->kind = K_RFC;
		st->gidx = gi;
		stream_start(w, cs, st, img, blksize, port_id, a, mp->mc_first + gi, mp->mc_port);
		if (req->has_timeout) /* the first client's timeout paces the stream */
			st->rto = (uint64_t)req->timeout * rte_get_tsc_hz();
	}
	uint32_t k = mt->free_client;
	struct mc_client *c = &mt->c[k];
	mt->free_client = c->next;
	memset(c, 0, sizeof(*c));
	c->used = true;
	c->stream = (uint8_t)(st - mt->s);
	c->joined = rte_rdtsc();
	c->want_blksize = req->has_blksize;
	c->want_tsize = req->has_tsize;
	c->port_id = port_id;
	c->a = *a;
	c->a.sport = st->tid;
	c->next = NONE;
	if (st->tail == NONE)
		st->head = k;
	else
		mt->c[st->tail].next = k;
	st->tail = k;
	st->n_clients++;
	st->served++;
	BF_CNT(&w->ctr, mtftp_clients);
	stream_event(w, st, &c->a, DP_EV_TFTP_START, 0, 0);
	dp_log_info(w, "mtftp: RRQ %s from %s (multicast, blksize %u): %s %s", canon,
	       addr_str(a->dst_ip, a->dport, who, sizeof(who)), blksize,
	       fresh ? "new stream to" : "joins stream to",
	       addr_str(st->g.dst_ip, st->g.dport, g, sizeof(g)));
	if (fresh)
		rfc_next_master(w, st);
	else
		send_oack(w, st, c, false);
	return true;
}

/* An ACK from the master: n is the last block it holds in a row; send n + 1. */
static void
rfc_ack(struct dp_worker *w, struct mc_stream *st, uint16_t n)
{
	if (n >= st->nblocks) { /* it has everything */
		char who[32];
		const struct mc_client *c = &w->mtftp->c[st->head];
		dp_log_info(w, "mtftp: sent %s to %s (multicast)", st->name,
		       addr_str(c->a.dst_ip, c->a.dport, who, sizeof(who)));
		BF_CNT(&w->ctr, mtftp_client_done);
		stream_event(w, st, &c->a, DP_EV_TFTP_DONE, 0, st->nblocks);
		rfc_remove(w, st, st->head);
		return;
	}
	/* In DATA, an ACK for the block before the one in flight is a duplicate
	 * (both copies of a retransmitted block acknowledged): the timer resends. */
	if (st->state == ST_DATA && (uint64_t)n + 1 == st->sent) {
		BF_CNT(&w->ctr, mtftp_ack_dup);
		return;
	}
	st->state = ST_DATA;
	st->retries_left = st->max_retries;
	send_stream_block(w, st, (uint64_t)n + 1, false);
	arm(st, rte_rdtsc());
}

/* ---- PXE MTFTP ---- */

/* A PXE stream ended: drop the image, keep the slot and TID reserved. */
static void
pxe_linger(struct mc_stream *st, uint64_t now)
{
	dp_image_put(st->img);
	st->img = NULL;
	st->state = ST_LINGER;
	st->deadline = now + st->linger;
}

static void
pxe_ack(struct dp_worker *w, struct mc_stream *st, uint16_t n)
{
	if (n != st->sent) { /* lock-step: anything but the block in flight is old */
		BF_CNT(&w->ctr, mtftp_ack_dup);
		return;
	}
	if (n == st->nblocks) {
		char who[32];
		dp_log_info(w, "mtftp: sent %s to %s (opener of the stream)", st->name,
		       addr_str(st->opener.dst_ip, st->opener.dport, who, sizeof(who)));
		stream_log_end(w, st, "done");
		BF_CNT(&w->ctr, mtftp_stream_done);
		stream_event(w, st, &st->opener, DP_EV_TFTP_DONE, 0, st->nblocks);
		pxe_linger(st, rte_rdtsc());
		return;
	}
	st->retries_left = st->max_retries;
	send_stream_block(w, st, st->sent + 1, false);
	arm(st, rte_rdtsc());
}

static void
pxe_rrq(struct dp_ctx *ctx, struct dp_worker *w, const struct dp_snap *snap, const struct bf_pkt *p,
	uint16_t port_id)
{
	struct dp_mtftp *mt = w->mtftp;
	const struct dp_mtftp_params *mp = &snap->mtftp;
	const struct dp_iface *ifc = &snap->iface[port_id];
	struct bf_udp4_addr a;
	struct bf_tftp_req req;
	char canon[BF_TFTP_MAX_NAME + 1], who[32], g[32];
	uint8_t key[16] = {[10] = 0xff, [11] = 0xff};
	int n;

	bf_udp4_addr_reply(&a, p, ifc->mac, ifc->ip4);
	if (bf_tftp_parse_req(&req, p->frame + p->pl_off, p->pl_len) != 0) {
		BF_CNT(&w->ctr, drop_mtftp_malformed);
		return;
	}
	BF_CNT(&w->ctr, mtftp_rrq);
	if (req.opcode != BF_TFTP_RRQ) {
		BF_CNT(&w->ctr, mtftp_refused);
		send_error(w, port_id, &a, BF_TFTP_ERR_ACCESS, "read-only server");
		return;
	}
	if (req.mode != BF_TFTP_MODE_OCTET) {
		BF_CNT(&w->ctr, mtftp_refused);
		send_error(w, port_id, &a, BF_TFTP_ERR_ILLEGAL, "MTFTP is octet only");
		return;
	}
	n = bf_tftp_canon_name(req.name, req.name_len, canon, sizeof(canon));
	unsigned fi = 0;
	while (n >= 0 && fi < mp->n_files && strcmp(mp->files[fi], canon) != 0)
		fi++;
	if (n < 0 || fi == mp->n_files) {
		BF_CNT(&w->ctr, mtftp_refused);
		dp_log(w, "mtftp: %.100s from %s is not an MTFTP file", req.name,
		       addr_str(a.dst_ip, a.dport, who, sizeof(who)));
		send_error(w, port_id, &a, BF_TFTP_ERR_NOTFOUND, "not served by MTFTP");
		return;
	}
	uint32_t group = mp->pxe_ip + fi;
	struct mc_stream *st = NULL;
	for (unsigned i = 0; i < DP_MTFTP_MAX_STREAMS; i++) {
		struct mc_stream *o = &mt->s[i];
		if (o->kind != K_PXE || o->g.dst_ip != group || o->port_id != port_id)
			continue;
		if (o->state != ST_LINGER) {
			/* running: the requester hears it (opener or not) */
			BF_CNT(&w->ctr, mtftp_rrq_joined);
			return;
		}
		st = o; /* ended lately: open it again on the same TID */
	}
	key[12] = (uint8_t)(a.dst_ip >> 24);
	key[13] = (uint8_t)(a.dst_ip >> 16);
	key[14] = (uint8_t)(a.dst_ip >> 8);
	key[15] = (uint8_t)a.dst_ip;
	const struct dp_snap *cs = dp_client_snap(ctx, snap, a.dst_mac, key);
	struct dp_image *img = dp_snap_image(cs, canon);
	if (!img || img->len / DP_MTFTP_BLKSIZE + 1 > 65535) {
		BF_CNT(&w->ctr, mtftp_refused);
		send_error(w, port_id, &a, img ? BF_TFTP_ERR_UNDEF : BF_TFTP_ERR_NOTFOUND,
			   img ? "too large for MTFTP" : "file not found");
		return;
	}
	if (st) {
		uint16_t tid = st->tid;
		memset(st, 0, sizeof(*st));
		st->tid = tid;
		st->head = st->tail = NONE;
		mt->n_active--; /* stream_start counts it again */
	} else if (!(st = stream_alloc(w, ctx))) {
		BF_CNT(&w->ctr, mtftp_refused);
		send_error(w, port_id, &a, BF_TFTP_ERR_UNDEF, "server busy");
		return;
	}
	st->kind = K_PXE;
	stream_start(w, cs, st, img, DP_MTFTP_BLKSIZE, port_id, &a, group, mp->pxe_cport);
	st->opener = a;
	st->opener.sport = st->tid;
	st->served = 1;
	/* a client reopens after its listen delay (and MTFTP-DELAY), give or take retries */
	st->linger = (2ull * (mp->listen_delay + mp->delay) + 2) * rte_get_tsc_hz();
	dp_log_info(w, "mtftp: RRQ %s from %s: stream to %s, %llu blocks", canon,
	       addr_str(a.dst_ip, a.dport, who, sizeof(who)),
	       addr_str(group, mp->pxe_cport, g, sizeof(g)), (unsigned long long)st->nblocks);
	stream_event(w, st, &st->opener, DP_EV_TFTP_START, 0, 0);
	send_stream_block(w, st, 1, false);
	arm(st, rte_rdtsc());
}

/* ---- input ---- */

/* A packet to a stream's TID. */
static bool is_rrq(const struct bf_pkt *p);
static void pxe_rrq(struct dp_ctx *ctx, struct dp_worker *w, const struct dp_snap *snap,
		    const struct bf_pkt *p, uint16_t port_id);

static void
stream_input(struct dp_ctx *ctx, struct dp_worker *w, const struct dp_snap *snap,
	     struct mc_stream *st, const struct bf_pkt *p, uint16_t port_id)
{
	struct dp_mtftp *mt = w->mtftp;
	const struct dp_iface *ifc = &snap->iface[port_id];
	struct bf_tftp_pkt tp;
	uint32_t k = NONE;
	bool known;

	/* PXE: an open sent to the stream's TID (a client that learned it) */
	if (st->kind == K_PXE && is_rrq(p)) {
		if (snap->mtftp.pxe)
			pxe_rrq(ctx, w, snap, p, port_id);
		return;
	}
	if (st->state == ST_LINGER) { /* a late ACK or ERROR of the stream that ended */
		BF_CNT(&w->ctr, mtftp_ack_dup);
		return;
	}

	if (st->kind == K_PXE)
		known = p->ip_src == st->opener.dst_ip && p->sport == st->opener.dport;
	else
		known = (k = rfc_find(mt, st, p->ip_src, p->sport)) != NONE;
	if (!known) {
		/* As dp_tftp.c: never answer an ERROR, the rest once a second per source. */
		uint8_t key[16] = {[10] = 0xff, [11] = 0xff};
		struct bf_udp4_addr a;

		key[12] = (uint8_t)(p->ip_src >> 24);
		key[13] = (uint8_t)(p->ip_src >> 16);
		key[14] = (uint8_t)(p->ip_src >> 8);
		key[15] = (uint8_t)p->ip_src;
		if (bf_tftp_is_error(p->frame + p->pl_off, p->pl_len)) {
			BF_CNT(&w->ctr, mtftp_error_unanswered);
		} else if (!dp_err_allowed(w, key, rte_rdtsc())) {
			BF_CNT(&w->ctr, mtftp_unknown_peer_limited);
		} else {
			bf_udp4_addr_reply(&a, p, ifc->mac, ifc->ip4);
			BF_CNT(&w->ctr, mtftp_unknown_peer);
			send_error(w, port_id, &a, BF_TFTP_ERR_UNKNOWN_TID, "unknown transfer ID");
		}
		return;
	}
	if (bf_tftp_parse_pkt(&tp, p->frame + p->pl_off, p->pl_len) != 0 ||
	    (tp.opcode != BF_TFTP_ACK && tp.opcode != BF_TFTP_ERROR)) {
		BF_CNT(&w->ctr, drop_mtftp_malformed);
		return;
	}
	if (tp.opcode == BF_TFTP_ERROR) {
		char who[32];
		BF_CNT(&w->ctr, mtftp_error_rx);
		dp_log(w, "mtftp: %s: %s left (error %u)", st->name,
		       addr_str(p->ip_src, p->sport, who, sizeof(who)), tp.error_code);
		stream_event(w, st, st->kind == K_PXE ? &st->opener : &mt->c[k].a, DP_EV_TFTP_ABORT,
			     tp.error_code, st->kind == K_PXE ? st->sent : 0);
		if (st->kind == K_PXE) {
			stream_log_end(w, st, "aborted by its opener");
			BF_CNT(&w->ctr, mtftp_stream_abort);
			pxe_linger(st, rte_rdtsc());
		} else {
			rfc_remove(w, st, k);
		}
		return;
	}
	BF_CNT(&w->ctr, mtftp_ack_rx);
	if (st->kind == K_PXE)
		pxe_ack(w, st, tp.block);
	else if (k == st->head)
		rfc_ack(w, st, tp.block);
	else
		BF_CNT(&w->ctr, mtftp_ack_dup); /* only the master acknowledges */
}

/* An RRQ with the multicast option? (a worker other than 0 hands it over) */
static bool
is_rfc2090(const struct bf_pkt *p, struct bf_tftp_req *req)
{
	return p->pl_len > 2 && p->frame[p->pl_off + 1] == BF_TFTP_RRQ &&
	       bf_tftp_parse_req(req, p->frame + p->pl_off, p->pl_len) == 0 && req->has_multicast;
}

static bool
is_rrq(const struct bf_pkt *p)
{
	return p->pl_len >= 2 && p->frame[p->pl_off] == 0 &&
	       (p->frame[p->pl_off + 1] == BF_TFTP_RRQ || p->frame[p->pl_off + 1] == BF_TFTP_WRQ);
}

bool
dp_mtftp_input(struct dp_ctx *ctx, struct dp_worker *w, const struct dp_snap *snap,
	       struct rte_mbuf *m, const struct bf_pkt *p)
{
	const struct dp_mtftp_params *mp = &snap->mtftp;
	struct dp_mtftp *mt = w->mtftp;
	struct bf_tftp_req req;
	/* A request to the MTFTP port; anything else there may be a unicast
	 * transfer's (a TID can equal the port on another worker). */
	bool pxe = mp->pxe && p->dport == mp->pxe_sport &&
		   (!(mt && mt->by_port[p->dport]) && (is_rrq(p) || p->pl_len < 4));

	if (w->id != 0) {
		if (!pxe && !(mp->mc && p->dport == BF_TFTP_PORT && is_rfc2090(p, &req)))
			return false;
		m->ol_flags |= RTE_MBUF_F_RX_IP_CKSUM_GOOD | RTE_MBUF_F_RX_L4_CKSUM_GOOD;
		if (rte_ring_enqueue(ctx->workers[0]->steer, m) != 0) {
			BF_CNT(&w->ctr, drop_mtftp_steer_full);
			rte_pktmbuf_free(m);
		} else {
			BF_CNT(&w->ctr, mtftp_steer);
		}
		return true;
	}
	if (!mt)
		return false;
	if (mt->by_port[p->dport]) {
		stream_input(ctx, w, snap, &mt->s[mt->by_port[p->dport] - 1], p, m->port);
		rte_pktmbuf_free(m);
		return true;
	}
	if (pxe) {
		pxe_rrq(ctx, w, snap, p, m->port);
		rte_pktmbuf_free(m);
		return true;
	}
	/* RFC 2090 is decided here, before dp_tftp.c sees the request, so that
	 * unicast TFTP needs nothing from this file. */
	if (mp->mc && p->dport == BF_TFTP_PORT && is_rfc2090(p, &req)) {
		const struct dp_iface *ifc = &snap->iface[m->port];
		struct bf_udp4_addr a;

		bf_udp4_addr_reply(&a, p, ifc->mac, ifc->ip4);
		if (rfc_rrq(ctx, w, snap, &req, &a, m->port)) {
			rte_pktmbuf_free(m);
			return true;
		}
	}
	return false;
}

/* ---- the control thread's view ---- */

static void
list_row(struct dp_tftp_info *o, const struct mc_stream *st, const struct bf_udp4_addr *a,
	 const char *role, uint64_t since, uint64_t now, uint64_t hz)
{
	char ip[16], g[16];
	uint64_t bytes = st->sent * st->blksize;

	memset(o, 0, sizeof(*o));
	o->worker = 0;
	o->slot = st->cslot;
	o->generation = st->generation;
	snprintf(o->client, sizeof(o->client), "%s:%u %s @%s:%u", bf_ip4_str(a->dst_ip, ip),
		 a->dport, role, bf_ip4_str(st->g.dst_ip, g), st->g.dport);
	memcpy(o->name, st->name, sizeof(o->name));
	o->name[sizeof(o->name) - 1] = '\0';
	memcpy(o->mac, a->dst_mac, 6);
	o->size = st->size;
	o->sent = bytes > st->size ? st->size : bytes; /* what the group was sent so far */
	o->blksize = st->blksize;
	o->window = 1;
	o->age_ms = (now - since) * 1000 / hz;
}

unsigned
dp_mtftp_list(const struct dp_worker *w, struct dp_tftp_info *out, unsigned max)
{
	const struct dp_mtftp *mt = w->mtftp;
	uint64_t now = rte_rdtsc(), hz = rte_get_tsc_hz();
	unsigned n = 0;

	for (unsigned i = 0; mt && i < DP_MTFTP_MAX_STREAMS && n < max; i++) {
		const struct mc_stream *st = &mt->s[i];
		uint8_t kind = __atomic_load_n(&st->kind, __ATOMIC_RELAXED);
		if (kind == K_PXE && __atomic_load_n(&st->state, __ATOMIC_RELAXED) != ST_LINGER)
			list_row(&out[n++], st, &st->opener, "opener", st->start, now, hz);
		if (kind != K_RFC)
			continue;
		/* bounded walk: the worker may relink the queue while we read it */
		uint32_t k = __atomic_load_n(&st->head, __ATOMIC_RELAXED);
		for (unsigned steps = 0; k < DP_MTFTP_MAX_CLIENTS && steps < DP_MTFTP_MAX_CLIENTS &&
					  n < max; steps++) {
			const struct mc_client *c = &mt->c[k];
			if (c->used && c->stream == i)
				list_row(&out[n++], st, &c->a, k == st->head ? "master" : "listener",
					 c->joined, now, hz);
			k = __atomic_load_n(&c->next, __ATOMIC_RELAXED);
		}
	}
	return n;
}

/* ---- timers ---- */

static void
stream_timeout(struct dp_worker *w, struct mc_stream *st, uint64_t now)
{
	char who[32];

	if (st->state == ST_LINGER) {
		stream_end(w, st);
		return;
	}
	if (st->retries_left) {
		st->retries_left--;
		if (st->kind == K_RFC && st->state == ST_OACK) {
			send_oack(w, st, &w->mtftp->c[st->head], true);
			BF_CNT(&w->ctr, mtftp_data_retx);
		} else {
			send_stream_block(w, st, st->sent, true);
		}
		arm(st, now);
		return;
	}
	if (st->kind == K_PXE) {
		dp_log(w, "mtftp: %s: opener %s stopped acknowledging at block %llu/%llu", st->name,
		       addr_str(st->opener.dst_ip, st->opener.dport, who, sizeof(who)),
		       (unsigned long long)st->sent, (unsigned long long)st->nblocks);
		stream_log_end(w, st, "ended");
		BF_CNT(&w->ctr, mtftp_stream_abort);
		stream_event(w, st, &st->opener, DP_EV_TFTP_TIMEOUT, 0,
			     st->sent ? st->sent - 1 : 0);
		pxe_linger(st, now);
		return;
	}
	const struct mc_client *c = &w->mtftp->c[st->head];
	dp_log(w, "mtftp: %s: master %s timed out, next client", st->name,
	       addr_str(c->a.dst_ip, c->a.dport, who, sizeof(who)));
	BF_CNT(&w->ctr, mtftp_master_timeout);
	stream_event(w, st, &c->a, DP_EV_TFTP_TIMEOUT, 0, 0);
	rfc_remove(w, st, st->head);
}

void
dp_mtftp_timers(struct dp_worker *w, uint64_t now)
{
	struct dp_mtftp *mt = w->mtftp;

	if (!mt || !mt->n_active)
		return;
	for (unsigned i = 0; i < DP_MTFTP_MAX_STREAMS; i++) {
		struct mc_stream *st = &mt->s[i];
		if (st->kind != K_FREE && now >= st->deadline)
			stream_timeout(w, st, now);
	}
}
