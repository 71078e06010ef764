/* SPDX-License-Identifier: MIT */
/*
 * The control thread: drains the workers' DHCP rings into the lease manager,
 * writes worker log lines, reloads on request, expires leases and publishes
 * the stats file. It sleeps when idle (it is not a busy poller) and is never
 * RCU-registered: it is the only writer of the snapshot pointer and calls
 * synchronize_rcu().
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_log.h>
#include <urcu-qsbr.h>

#include "control/core/ctl.h"
#include "control/leases/ctl_leases.h"
#include "control/slots/ctl_slots.h"
#include "control/ra/ctl_ra.h"
#include "control/ops/ctl_ops.h"
#include "control/ctl_loop.h"
#include "shared/bf_nd.h"

static void
log_line(const char *line, void *arg)
{
	(void)arg;
	rte_log(RTE_LOG_INFO, ctl_logtype, "bootfarm: %s\n", line);
}

static void
on_event(const struct dp_event *e, void *arg)
{
	ctl_where_tftp(arg, e);
}

static bool
is_ipv6(const struct rte_mbuf *m)
{
	const uint8_t *d = rte_pktmbuf_mtod(m, const uint8_t *);
	unsigned off = 12;

	if (m->data_len >= 18 && d[12] == 0x81 && d[13] == 0x00)
		off = 16;
	return m->data_len >= off + 2 && d[off] == 0x86 && d[off + 1] == 0xdd;
}

/* IPv6 from a worker: DHCPv6 (UDP 547) or a Router Solicitation. */
static void
ip6_input(struct ctl *c, const struct dp_snap *snap, struct dp_worker *w, struct rte_mbuf *m)
{
	struct bf_ip6_pkt p;

	/* The worker verified it; checking again costs little and keeps this safe alone. */
	switch (bf_ip6_classify(&p, rte_pktmbuf_mtod(m, const uint8_t *), m->data_len, 0)) {
	case BF_IP6_UDP6:
		ctl_dhcp6_input(c, snap, w, m, &p);
		break;
	case BF_IP6_ICMP6:
		ctl_ra_rs(c, m, ctl_mono_ms());
		break;
	default:
		rte_pktmbuf_free(m);
	}
}

unsigned
ctl_poll(struct ctl *c)
{
	struct dp_ctx *dp = c->dp;
	struct rte_mbuf *pkts[DP_BURST];
	const struct dp_snap *snap = dp->snap; /* the only writer: no RCU read side */
	unsigned work = 0;

	for (unsigned i = 0; i < dp->n_workers; i++) {
		struct dp_worker *w = dp->workers[i];
		unsigned n = rte_ring_dequeue_burst(w->to_ctl, (void **)pkts, DP_BURST, NULL);
		for (unsigned k = 0; k < n; k++) {
			if (is_ipv6(pkts[k]))
				ip6_input(c, snap, w, pkts[k]);
			else
				ctl_dhcp4_input(c, snap, w, pkts[k]);
		}
		work += n;
		dp_log_drain(w, log_line, NULL);
		dp_event_drain(w, on_event, c);
	}
	ctl_flush(c);
	return work;
}

void
ctl_loop(struct ctl *c, volatile int *reload_flag)
{
	struct dp_ctx *dp = c->dp;
	uint64_t next_stats = 0, next_tick = 0;

	/* Registered for the rendered-file table's updates, offline otherwise:
	 * this thread never holds a grace period up, and may synchronize_rcu(). */
	rcu_register_thread();
	rcu_thread_offline();
	while (!__atomic_load_n(&dp->quit, __ATOMIC_RELAXED)) {
		uint64_t t0 = rte_rdtsc();
		unsigned work = ctl_poll(c);

		if (work)
			BF_CNT_ADD(&c->ctr, cycles_ctl_busy, rte_rdtsc() - t0);

		if (__atomic_exchange_n(reload_flag, 0, __ATOMIC_ACQ_REL)) {
			CTL_LOG(NOTICE, "reloading %s (stage and switch)", c->conf_path);
			ctl_reload(c, c->conf_path);
		}
		work += ctl_sock_poll(c);
		uint64_t now = ctl_mono_ms();
		ctl_ra_tick(c, now);
		if (now >= next_tick) {
			ctl_dhcp4_tick(c, ctl_now());
			ctl_dhcp6_tick(c, ctl_now());
			ctl_slots_tick(c, ctl_now());
			ctl_ports_tick(c, ctl_now());
			ctl_flush(c); /* expired leases leave the store too */
			next_tick = now + 1000;
		}
		if (c->stats_path && now >= next_stats) {
			ctl_write_stats(c);
			next_stats = now + 500;
		}
		if (!work)
			usleep(100);
	}
	for (unsigned i = 0; i < dp->n_workers; i++)
		dp_log_drain(dp->workers[i], log_line, NULL);
	if (c->stats_path)
		ctl_write_stats(c);
	rcu_unregister_thread();
}
