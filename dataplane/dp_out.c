/* SPDX-License-Identifier: MIT */
/*
 * What a worker sends out of itself: frames queued per port and flushed in
 * bursts (dp_tx_enqueue, dp_tx_flush), log lines and transfer events through
 * single-producer single-consumer rings to the control thread (dp_log,
 * dp_event) and their drains (control thread), and the limiter on ERRORs
 * nobody asked for (dp_err_allowed). The protocol handlers call
 * these and the loop (dp_worker.c) calls the handlers, so these live apart
 * from the loop: the dependencies run one way.
 * No locks, no allocation, no syscalls on the worker side.
 */
#include <stdarg.h>
#include <stdio.h>

#include <rte_cycles.h>

#include "dp.h"
#include "shared/bf_hash.h"

void
dp_log(struct dp_worker *w, const char *fmt, ...)
{
	struct dp_logring *r = w->log;
	uint32_t head = r->head;
	uint32_t tail = __atomic_load_n(&r->tail, __ATOMIC_ACQUIRE);
	va_list ap;

	if (head - tail >= DP_LOG_SLOTS) {
		r->dropped++;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(r->line[head % DP_LOG_SLOTS], DP_LOG_LINE, fmt, ap);
	va_end(ap);
	__atomic_store_n(&r->head, head + 1, __ATOMIC_RELEASE);
}

void
dp_log_drain(struct dp_worker *w, void (*fn)(const char *line, void *arg), void *arg)
{
	struct dp_logring *r = w->log;
	uint32_t tail = r->tail;
	uint32_t head = __atomic_load_n(&r->head, __ATOMIC_ACQUIRE);

	while (tail != head) {
		fn(r->line[tail % DP_LOG_SLOTS], arg);
		tail++;
	}
	__atomic_store_n(&r->tail, tail, __ATOMIC_RELEASE);
}

void
dp_event(struct dp_worker *w, const struct dp_event *e)
{
	struct dp_evring *r = w->ev;
	uint32_t head = r->head;

	if (head - __atomic_load_n(&r->tail, __ATOMIC_ACQUIRE) >= DP_EV_SLOTS) {
		r->dropped++;
		return;
	}
	r->ev[head % DP_EV_SLOTS] = *e;
	__atomic_store_n(&r->head, head + 1, __ATOMIC_RELEASE);
}

void
dp_event_drain(struct dp_worker *w, void (*fn)(const struct dp_event *e, void *arg), void *arg)
{
	struct dp_evring *r = w->ev;
	uint32_t tail = r->tail;
	uint32_t head = __atomic_load_n(&r->head, __ATOMIC_ACQUIRE);

	while (tail != head) {
		fn(&r->ev[tail % DP_EV_SLOTS], arg);
		tail++;
	}
	__atomic_store_n(&r->tail, tail, __ATOMIC_RELEASE);
}

void
dp_tx_flush(struct dp_worker *w, struct dp_ctx *ctx)
{
	(void)ctx;
	while (w->tx_ports) {
		uint16_t port = (uint16_t)__builtin_ctz(w->tx_ports);
		uint16_t n = w->n_tx[port], sent = 0;
		w->tx_ports &= (uint8_t)~(1u << port);
		uint64_t bytes = 0;
		/* counted before the burst: a sent mbuf is no longer ours to read */
		for (uint16_t i = 0; i < n; i++)
			bytes += w->tx[port][i]->pkt_len;
		/* A few retries absorb a momentarily full ring; TFTP timers recover the rest. */
		for (int tries = 0; tries < 4 && sent < n; tries++)
			sent += rte_eth_tx_burst(port, w->queue, w->tx[port] + sent,
						 (uint16_t)(n - sent));
		if (sent < n) {
			for (uint16_t i = sent; i < n; i++)
				bytes -= w->tx[port][i]->pkt_len;
			BF_CNT_ADD(&w->ctr, drop_tx_full, n - sent);
			rte_pktmbuf_free_bulk(w->tx[port] + sent, n - sent);
		}
		BF_CNT_ADD(&w->ctr, tx_bytes, bytes);
		BF_CNT_ADD(&w->ctr, tx_frames, sent);
		w->n_tx[port] = 0;
	}
}

void
dp_tx_enqueue(struct dp_worker *w, struct rte_mbuf *m)
{
	uint16_t port = m->port;

	if (port >= DP_MAX_PORTS) {
		rte_pktmbuf_free(m);
		return;
	}
	if (w->n_tx[port] == RTE_DIM(w->tx[port]))
		dp_tx_flush(w, w->ctx);
	w->tx[port][w->n_tx[port]++] = m;
	w->tx_ports |= (uint8_t)(1u << port);
}

bool
dp_err_allowed(struct dp_worker *w, const uint8_t key[16], uint64_t now)
{
	uint64_t *last = &w->err_last[bf_fnv1a32(key, 16, BF_FNV32_INIT) % DP_ERR_BUCKETS];

	/* a zeroed bucket is "long ago": the TSC counts from boot, far past 1 s */
	if (*last && now - *last < rte_get_tsc_hz())
		return false;
	*last = now;
	return true;
}
