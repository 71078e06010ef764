/* SPDX-License-Identifier: MIT */
/*
 * The exception path: everything a served port receives that the data path
 * does not answer itself (TCP, UDP ports we do not serve, ICMP other than
 * echo, ARP replies, IPv6, configured ethertypes) goes to a kernel tap that
 * carries the port's MAC and addresses, and what the kernel sends on that tap
 * leaves through the port. SSH, ping from the host, and stock servers (our
 * own HTTP server among them) then work through a port DPDK owns.
 *
 * Workers never do tap I/O (a syscall per frame): they enqueue onto the
 * port's to_kernel ring, rate-limited per worker by a token bucket so a flood
 * cannot make them spend their time on it. One control-plane thread moves
 * frames between the rings and the taps and sleeps when idle.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <rte_bus_vdev.h>
#include <rte_cycles.h>
#include <rte_malloc.h>

#include "dp.h"

/* The exception thread sleeps this long once idle for DP_EXC_IDLE_AFTER_US. */
#define DP_EXC_SLEEP_US 50
#define DP_EXC_IDLE_AFTER_US 2000

int
dp_exc_create(struct dp_ctx *ctx, uint16_t nic_port, const char *ifname,
	      const uint8_t mac[BF_ETH_ALEN], char *err, size_t errlen)
{
	char name[RTE_DEV_NAME_MAX_LEN], args[128];
	struct dp_exc *x;
	uint16_t kport;
	int rc;

	if (nic_port >= DP_MAX_PORTS || ctx->exc[nic_port]) {
		snprintf(err, errlen, "port %u: exception path already set or bad port", nic_port);
		return -1;
	}
	snprintf(name, sizeof(name), "net_tap_bfexc%u", nic_port);
	snprintf(args, sizeof(args), "iface=%s,mac=%02x:%02x:%02x:%02x:%02x:%02x", ifname, mac[0],
		 mac[1], mac[2], mac[3], mac[4], mac[5]);
	rc = rte_vdev_init(name, args);
	if (rc != 0) {
		snprintf(err, errlen, "kernel interface %s: cannot create the tap (%s)", ifname,
			 rte_strerror(rc < 0 ? -rc : rc));
		return -1;
	}
	if (rte_eth_dev_get_port_by_name(name, &kport) != 0 || kport >= DP_MAX_PORTS) {
		snprintf(err, errlen, "kernel interface %s: tap port not found", ifname);
		return -1;
	}
	x = rte_zmalloc("bf_exc", sizeof(*x), RTE_CACHE_LINE_SIZE);
	if (!x) {
		snprintf(err, errlen, "kernel interface %s: out of memory", ifname);
		return -1;
	}
	x->nic_port = nic_port;
	x->kport = kport;
	snprintf(x->ifname, sizeof(x->ifname), "%s", ifname);
	snprintf(name, sizeof(name), "bf_tokern%u", nic_port);
	x->to_kernel = rte_ring_create(name, DP_RING_SIZE, SOCKET_ID_ANY, RING_F_SC_DEQ);
	if (!x->to_kernel) {
		rte_free(x);
		snprintf(err, errlen, "kernel interface %s: ring (%s)", ifname,
			 rte_strerror(rte_errno));
		return -1;
	}
	ctx->exc[nic_port] = x;
	ctx->kernel_port[kport] = true;
	return 0;
}

bool
dp_exc_any(const struct dp_ctx *ctx)
{
	for (unsigned i = 0; i < DP_MAX_PORTS; i++)
		if (ctx->exc[i])
			return true;
	return false;
}

static bool
ethertype_allowed(const struct dp_exc_params *e, uint16_t et)
{
	for (unsigned i = 0; i < e->n_ethertypes; i++)
		if (e->ethertypes[i] == et)
			return true;
	return false;
}

/* One token per frame; the bucket holds cycles so refilling needs no division. */
static bool
bucket_take(struct dp_worker *w, const struct dp_exc_params *e)
{
	uint64_t now = rte_rdtsc();

	w->exc_credit += now - w->exc_last;
	w->exc_last = now;
	if (w->exc_credit > e->cap_tsc)
		w->exc_credit = e->cap_tsc;
	if (w->exc_credit < e->cost_tsc)
		return false;
	w->exc_credit -= e->cost_tsc;
	return true;
}

bool
dp_exc_up(struct dp_worker *w, const struct dp_snap *snap, struct rte_mbuf *m, uint16_t ethertype)
{
	struct dp_exc *x = m->port < DP_MAX_PORTS ? w->ctx->exc[m->port] : NULL;

	if (!x || !ethertype_allowed(&snap->exc, ethertype))
		return false;
	if (!bucket_take(w, &snap->exc)) {
		BF_CNT(&w->ctr, drop_exc_rate);
		rte_pktmbuf_free(m);
		return true;
	}
	if (rte_ring_enqueue(x->to_kernel, m) != 0) {
		BF_CNT(&w->ctr, drop_exc_ring_full);
		rte_pktmbuf_free(m);
		return true;
	}
	BF_CNT(&w->ctr, exc_to_kernel);
	return true;
}

/* The worker that sends a kernel frame: by destination MAC, so one peer's
 * frames keep their order (a TCP stream is never reordered across workers). */
static unsigned
pick_worker(const struct dp_ctx *ctx, const struct rte_mbuf *m)
{
	const uint8_t *d = rte_pktmbuf_mtod(m, const uint8_t *);
	uint32_t h = 0;

	if (ctx->n_workers == 1 || m->data_len < BF_ETH_ALEN)
		return 0;
	for (unsigned i = 0; i < BF_ETH_ALEN; i++)
		h = h * 31 + d[i];
	return h % ctx->n_workers;
}

unsigned
dp_exc_poll(struct dp_ctx *ctx)
{
	struct rte_mbuf *pkts[DP_BURST];
	struct bf_counters *ctr = &ctx->exc_ctr;
	unsigned moved = 0;

	for (unsigned p = 0; p < DP_MAX_PORTS; p++) {
		struct dp_exc *x = ctx->exc[p];
		unsigned n, sent;

		if (!x)
			continue;
		/* up: workers -> kernel */
		n = rte_ring_dequeue_burst(x->to_kernel, (void **)pkts, DP_BURST, NULL);
		sent = n ? rte_eth_tx_burst(x->kport, 0, pkts, (uint16_t)n) : 0;
		if (sent < n) {
			BF_CNT_ADD(ctr, drop_exc_ring_full, n - sent);
			rte_pktmbuf_free_bulk(pkts + sent, n - sent);
		}
		moved += n;
		/* down: kernel -> NIC, through the worker that owns a tx queue */
		n = rte_eth_rx_burst(x->kport, 0, pkts, DP_BURST);
		for (unsigned i = 0; i < n; i++) {
			struct rte_mbuf *m = pkts[i];
			m->port = x->nic_port;
			if (rte_pktmbuf_linearize(m) != 0 ||
			    rte_ring_enqueue(ctx->workers[pick_worker(ctx, m)]->from_kernel, m)) {
				BF_CNT(ctr, drop_exc_ring_full);
				rte_pktmbuf_free(m);
				continue;
			}
			BF_CNT(ctr, exc_from_kernel);
		}
		moved += n;
	}
	return moved;
}

void *
dp_exc_thread(void *arg)
{
	struct dp_ctx *ctx = arg;
	uint64_t idle_after = ctx->tsc_hz / 1000000 * DP_EXC_IDLE_AFTER_US;
	uint64_t last_busy = rte_rdtsc();

	while (!__atomic_load_n(&ctx->quit, __ATOMIC_RELAXED)) {
		if (dp_exc_poll(ctx))
			last_busy = rte_rdtsc();
		else if (rte_rdtsc() - last_busy > idle_after)
			usleep(DP_EXC_SLEEP_US);
	}
	return NULL;
}
