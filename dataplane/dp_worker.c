/* SPDX-License-Identifier: MIT */
/*
 * The worker: create/destroy, the loop, and classify + dispatch of each frame
 * to its handler (ARP and ICMP echo here; DHCP to the lease manager; IPv6,
 * TFTP, MTFTP and the exception path in their own files). What a worker sends
 * (tx queues, log lines, events) is dp_out.c. Phases, in order, once per
 * iteration:
 *   rx       rte_eth_rx_burst on this worker's queue of every port, plus the
 *            steering ring (TFTP frames another worker received for us) and
 *            the lease manager's reply ring;
 *   classify bf_pkt_classify (pure, bounds-checked) and the address filter;
 *   handle   ARP, ICMP echo, DHCP (handed to the lease manager), TFTP;
 *   timers   TFTP retransmissions due;
 *   tx       per-port burst of everything queued;
 *   quiesce  rcu_quiescent_state(): the snapshot read this iteration may go.
 * No locks, no allocation besides mbufs, no syscalls (idle sleep excepted,
 * done RCU-offline).
 */
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_malloc.h>
#include <urcu-qsbr.h>

#include "dp.h"

/*
 * A worker with idle_us set sleeps only after this long without traffic: a
 * lock-step TFTP client answers within tens of microseconds, and sleeping
 * between its ACKs would add idle_us to every block.
 */
#define DP_IDLE_AFTER_US 1000

struct dp_worker *
dp_worker_create(struct dp_ctx *ctx, unsigned id, unsigned lcore)
{
	char name[RTE_RING_NAMESIZE];
	struct dp_worker *w = rte_zmalloc("bf_worker", sizeof(*w), RTE_CACHE_LINE_SIZE);

	if (!w)
		return NULL;
	w->ctx = ctx;
	w->id = id;
	w->lcore = lcore;
	w->queue = (uint16_t)id;
	w->pool = ctx->pool;
	w->log = rte_zmalloc("bf_log", sizeof(*w->log), RTE_CACHE_LINE_SIZE);
	w->ev = rte_zmalloc("bf_ev", sizeof(*w->ev), RTE_CACHE_LINE_SIZE);
	snprintf(name, sizeof(name), "bf_toctl%u", id);
	w->to_ctl = rte_ring_create(name, DP_CTL_RING, SOCKET_ID_ANY,
				    RING_F_SP_ENQ | RING_F_SC_DEQ);
	snprintf(name, sizeof(name), "bf_fromctl%u", id);
	w->from_ctl = rte_ring_create(name, DP_CTL_RING, SOCKET_ID_ANY,
				      RING_F_SP_ENQ | RING_F_SC_DEQ);
	snprintf(name, sizeof(name), "bf_steer%u", id);
	w->steer = rte_ring_create(name, DP_RING_SIZE, SOCKET_ID_ANY, RING_F_SC_DEQ);
	snprintf(name, sizeof(name), "bf_fromkern%u", id);
	w->from_kernel = rte_ring_create(name, DP_RING_SIZE, SOCKET_ID_ANY,
					 RING_F_SP_ENQ | RING_F_SC_DEQ);
	snprintf(name, sizeof(name), "bf_ctltx%u", id);
	w->ctl_tx = rte_ring_create(name, 256, SOCKET_ID_ANY, RING_F_SP_ENQ | RING_F_SC_DEQ);
	if (!w->log || !w->ev || !w->to_ctl || !w->from_ctl || !w->steer || !w->from_kernel || !w->ctl_tx ||
	    getrandom(w->rng, sizeof(w->rng), 0) != sizeof(w->rng)) {
		dp_worker_destroy(w);
		return NULL;
	}
	w->rng[0] |= 1; /* xorshift state must not be all zero */
	return w;
}

static void
free_ring(struct rte_ring *r)
{
	void *m;
	if (!r)
		return;
	while (rte_ring_dequeue(r, &m) == 0)
		rte_pktmbuf_free(m);
	rte_ring_free(r);
}

void
dp_worker_destroy(struct dp_worker *w)
{
	if (!w)
		return;
	dp_mtftp_fini(w);
	dp_tftp_fini(w);
	free_ring(w->to_ctl);
	free_ring(w->from_ctl);
	free_ring(w->steer);
	free_ring(w->from_kernel);
	free_ring(w->ctl_tx);
	for (unsigned p = 0; p < DP_MAX_PORTS; p++)
		rte_pktmbuf_free_bulk(w->tx[p], w->n_tx[p]);
	rte_free(w->log);
	rte_free(w->ev);
	rte_free(w);
}

static bool
dst_mac_ok(const struct bf_pkt *p, const struct dp_iface *ifc)
{
	const uint8_t *d = bf_pkt_dst_mac(p);
	return bf_mac_is_multicast(d) || memcmp(d, ifc->mac, BF_ETH_ALEN) == 0;
}

static bool
is_dhcp_dst(const struct bf_pkt *p, const struct dp_iface *ifc, const struct dp_snap *snap)
{
	uint32_t bcast = ifc->ip4 | (ifc->prefix4 ? ~0u >> ifc->prefix4 : 0);
	return p->ip_dst == ifc->ip4 || p->ip_dst == BF_IP4_BROADCAST ||
	       (ifc->prefix4 < 31 && p->ip_dst == bcast) ||
	       (snap->pxe_mcast && p->ip_dst == snap->pxe_mcast); /* PXE multicast discovery */
}

static void
handle_udp(struct dp_ctx *ctx, struct dp_worker *w, const struct dp_snap *snap,
	   struct rte_mbuf *m, const struct bf_pkt *p, const struct dp_iface *ifc)
{
	if (p->dport == 67 || p->dport == 4011) {
		if (!is_dhcp_dst(p, ifc, snap)) {
			BF_CNT(&w->ctr, ignored_not_for_us);
			rte_pktmbuf_free(m);
			return;
		}
		BF_CNT(&w->ctr, dhcp4_rx);
		/* The lease manager owns DHCP; the frame travels whole (it re-parses). */
		if (rte_ring_enqueue(w->to_ctl, m) != 0) {
			BF_CNT(&w->ctr, drop_dhcp4_ring_full);
			rte_pktmbuf_free(m);
		}
		return;
	}
	if (p->ip_dst != ifc->ip4) {
		/* broadcast and multicast may interest the host; unicast elsewhere not */
		if ((is_dhcp_dst(p, ifc, snap) || p->ip_dst >> 28 == 0xe) &&
		    dp_exc_up(w, snap, m, p->ethertype))
			return;
		BF_CNT(&w->ctr, ignored_not_for_us);
		rte_pktmbuf_free(m);
		return;
	}
	/* multicast TFTP first: the MTFTP port, stream ports, RFC 2090 requests to worker 0 */
	if (dp_mtftp_input(ctx, w, snap, m, p))
		return;
	if (p->dport == BF_TFTP_PORT) {
		dp_tftp_input(ctx, w, snap, m, p);
		return;
	}
	if (p->dport >= 1024) {
		unsigned owner = dp_tftp_owner(ctx, p->dport);
		if (owner == w->id) {
			dp_tftp_input(ctx, w, snap, m, p);
			return;
		}
		/* Another worker's transfer: hand it over, checksums already verified. */
		m->ol_flags |= RTE_MBUF_F_RX_IP_CKSUM_GOOD | RTE_MBUF_F_RX_L4_CKSUM_GOOD;
		if (rte_ring_enqueue(ctx->workers[owner]->steer, m) != 0) {
			BF_CNT(&w->ctr, drop_tftp_steer_full);
			rte_pktmbuf_free(m);
		} else {
			BF_CNT(&w->ctr, tftp_steer);
		}
		return;
	}
	if (dp_exc_up(w, snap, m, p->ethertype))
		return;
	BF_CNT(&w->ctr, ignored_udp_port);
	rte_pktmbuf_free(m);
}

/* Classifier verdicts that are not errors: the frame may be the host's. */
static bool
for_the_host(enum bf_ctr reason)
{
	return reason == BF_CTR_ignored_ethertype || reason == BF_CTR_ignored_ip_proto;
}

void
dp_worker_handle(struct dp_ctx *ctx, struct dp_worker *w, const struct dp_snap *snap,
		 struct rte_mbuf *m)
{
	struct bf_pkt p;
	unsigned flags = 0;
	enum bf_class cls;

	BF_CNT(&w->ctr, rx_frames);
	BF_CNT_ADD(&w->ctr, rx_bytes, m->pkt_len);
	if (m->nb_segs > 1 && rte_pktmbuf_linearize(m) != 0) {
		BF_CNT(&w->ctr, drop_runt);
		rte_pktmbuf_free(m);
		return;
	}
	if ((m->ol_flags & RTE_MBUF_F_RX_IP_CKSUM_MASK) == RTE_MBUF_F_RX_IP_CKSUM_GOOD)
		flags |= BF_PKT_IP_CSUM_OK;
	if ((m->ol_flags & RTE_MBUF_F_RX_L4_CKSUM_MASK) == RTE_MBUF_F_RX_L4_CKSUM_GOOD)
		flags |= BF_PKT_UDP_CSUM_OK;
	cls = bf_pkt_classify(&p, rte_pktmbuf_mtod(m, const uint8_t *), m->data_len, flags);
	const struct dp_iface *ifc = m->port < DP_MAX_PORTS ? &snap->iface[m->port] : NULL;
	if (cls == BF_CLASS_DROP) {
		if (p.reason == BF_CTR_ignored_ethertype && p.ethertype == BF_ETHERTYPE_IPV6 && ifc &&
		    ifc->configured && dst_mac_ok(&p, ifc) && dp_ip6_input(w, snap, m, ifc))
			return;
		if (for_the_host(p.reason) && ifc && ifc->configured && dst_mac_ok(&p, ifc) &&
		    dp_exc_up(w, snap, m, p.ethertype))
			return;
		w->ctr.v[p.reason]++;
		if (p.reason == BF_CTR_drop_udp_csum_offload && ifc)
			w->csum_offload[m->port]++;
		rte_pktmbuf_free(m);
		return;
	}
	if (!ifc || !ifc->configured || !dst_mac_ok(&p, ifc)) {
		BF_CNT(&w->ctr, ignored_not_for_us);
		rte_pktmbuf_free(m);
		return;
	}
	switch (cls) {
	case BF_CLASS_ARP:
		if (bf_arp_reply_inplace(rte_pktmbuf_mtod(m, uint8_t *), &p, ifc->mac,
					 ifc->ip4) == 0) {
			BF_CNT(&w->ctr, arp_request_rx);
			BF_CNT(&w->ctr, arp_reply_tx);
			dp_tx_enqueue(w, m);
			return;
		}
		if (dp_exc_up(w, snap, m, p.ethertype)) /* replies resolve the host's neighbours */
			return;
		BF_CNT(&w->ctr, ignored_arp);
		break;
	case BF_CLASS_ICMP4:
		if (p.ip_dst == ifc->ip4 &&
		    bf_icmp4_echo_reply_inplace(rte_pktmbuf_mtod(m, uint8_t *), &p, ifc->mac) == 0) {
			BF_CNT(&w->ctr, icmp_echo_rx);
			BF_CNT(&w->ctr, icmp_echo_tx);
			dp_tx_enqueue(w, m);
			return;
		}
		if (dp_exc_up(w, snap, m, p.ethertype)) /* e.g. replies to the host's pings */
			return;
		BF_CNT(&w->ctr, ignored_icmp);
		break;
	case BF_CLASS_UDP4:
		handle_udp(ctx, w, snap, m, &p, ifc);
		return;
	default:
		break;
	}
	rte_pktmbuf_free(m);
}

unsigned
dp_worker_poll(struct dp_worker *w)
{
	struct dp_ctx *ctx = w->ctx;
	struct rte_mbuf *pkts[DP_BURST];
	const struct dp_snap *snap = rcu_dereference(ctx->snap);
	unsigned got = 0, n;

	if (unlikely(w->txdone != NULL)) {
		while ((n = rte_ring_dequeue_burst(w->txdone, (void **)pkts, DP_BURST, NULL))) {
			rte_pktmbuf_free_bulk(pkts, n);
			if (n < DP_BURST)
				break;
		}
	}
	/* rx + classify + handle */
	for (uint16_t i = 0; i < ctx->n_ports; i++) {
		n = rte_eth_rx_burst(ctx->port_ids[i], w->queue, pkts, DP_BURST);
		got += n;
		for (unsigned k = 0; k < n; k++)
			dp_worker_handle(ctx, w, snap, pkts[k]);
	}
	n = rte_ring_dequeue_burst(w->steer, (void **)pkts, DP_BURST, NULL);
	got += n;
	for (unsigned k = 0; k < n; k++)
		dp_worker_handle(ctx, w, snap, pkts[k]);
	/* replies the lease manager built for frames this worker received */
	n = rte_ring_dequeue_burst(w->from_ctl, (void **)pkts, DP_BURST, NULL);
	got += n;
	BF_CNT_ADD(&w->ctr, dhcp4_tx, n);
	for (unsigned k = 0; k < n; k++)
		dp_tx_enqueue(w, pkts[k]);
	/* what the control thread sends (Router Advertisements) */
	n = rte_ring_dequeue_burst(w->ctl_tx, (void **)pkts, DP_BURST, NULL);
	for (unsigned k = 0; k < n; k++)
		dp_tx_enqueue(w, pkts[k]);
	/* what the host's kernel sends through our port (exception thread) */
	n = rte_ring_dequeue_burst(w->from_kernel, (void **)pkts, DP_BURST, NULL);
	got += n;
	for (unsigned k = 0; k < n; k++)
		dp_tx_enqueue(w, pkts[k]);
	if (w->id == 0 && snap->generation != w->announced_gen) {
		w->announced_gen = snap->generation;
		dp_ip6_announce(w, snap);
	}
	/* timers, then tx */
	dp_tftp_timers(ctx, w, rte_rdtsc());
	dp_mtftp_timers(w, rte_rdtsc());
	if (w->tx_ports)
		dp_tx_flush(w, ctx);
	rcu_quiescent_state(); /* snap is not used past this point */
	return got;
}

int
dp_worker_loop(void *arg)
{
	struct dp_worker *w = arg;
	struct dp_ctx *ctx = w->ctx;

	uint64_t idle_after = ctx->tsc_hz / 1000000 * DP_IDLE_AFTER_US;
	uint64_t last_busy = rte_rdtsc();

	rcu_register_thread();
	while (!__atomic_load_n(&ctx->quit, __ATOMIC_RELAXED)) {
		uint64_t t0 = rte_rdtsc(), tx0 = w->ctr.v[BF_CTR_tx_frames];
		/* busy: something came in or went out (a timer's retransmission) */
		if (dp_worker_poll(w) || w->ctr.v[BF_CTR_tx_frames] != tx0) {
			last_busy = rte_rdtsc();
			BF_CNT_ADD(&w->ctr, cycles_worker_busy, last_busy - t0);
		} else if (ctx->idle_us && rte_rdtsc() - last_busy > idle_after) {
			rcu_thread_offline();
			usleep(ctx->idle_us);
			rcu_thread_online();
		}
	}
	dp_tx_flush(w, ctx);
	rcu_unregister_thread();
	return 0;
}
