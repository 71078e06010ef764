/* SPDX-License-Identifier: MIT */
/*
 * Port set-up: every DPDK port (physical or virtual: net_tap, net_af_packet,
 * net_ring, net_memif, net_pcap) gets one rx and one tx queue per worker, so
 * no queue is ever shared and no lock is needed.
 */
#include <stdio.h>
#include <string.h>

#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>

#include "dp.h"

#define DP_RX_DESC 1024
#define DP_TX_DESC 1024
#define DP_POOL_CACHE 256

/*
 * Read back the RSS key and redirection table the port uses, so a worker can
 * pick TFTP transfer ports whose ACKs the NIC delivers to its own queue. Any
 * failure leaves RSS unknown: frames then reach the owner by software steering.
 */
static void
rss_learn(struct dp_ctx *ctx, uint16_t pid, const struct rte_eth_dev_info *info)
{
	struct bf_rss *r = &ctx->rss[pid];
	struct rte_eth_rss_conf rc = {.rss_key = r->key, .rss_key_len = BF_RSS_KEY_MAX};
	struct rte_eth_rss_reta_entry64 reta[BF_RSS_RETA_MAX / RTE_ETH_RETA_GROUP_SIZE];

	memset(r, 0, sizeof(*r));
	if (!info->reta_size || info->reta_size > BF_RSS_RETA_MAX ||
	    rte_eth_dev_rss_hash_conf_get(pid, &rc) != 0 || rc.rss_key_len < 16)
		return;
	memset(reta, 0, sizeof(reta));
	for (unsigned i = 0; i < info->reta_size / RTE_ETH_RETA_GROUP_SIZE; i++)
		reta[i].mask = UINT64_MAX;
	if (rte_eth_dev_rss_reta_query(pid, reta, info->reta_size) != 0)
		return;
	for (unsigned i = 0; i < info->reta_size; i++)
		r->reta[i] = reta[i / RTE_ETH_RETA_GROUP_SIZE].reta[i % RTE_ETH_RETA_GROUP_SIZE];
	r->key_len = rc.rss_key_len;
	r->l4 = (rc.rss_hf & RTE_ETH_RSS_NONFRAG_IPV4_UDP) != 0;
	r->reta_size = info->reta_size;
}

/* Configure, set up nq rx/tx queue pairs and start one port. */
static int
port_start(struct dp_ctx *ctx, uint16_t pid, unsigned nq, char *err, size_t errlen)
{
	struct rte_eth_dev_info info;
	struct rte_eth_conf conf;
	struct rte_ether_addr mac;
	int rc;

	memset(&conf, 0, sizeof(conf));
	rc = rte_eth_dev_info_get(pid, &info);
	if (rc != 0) {
		snprintf(err, errlen, "port %u: device info (%s)", pid, rte_strerror(-rc));
		return -1;
	}
	if (info.max_rx_queues < nq || info.max_tx_queues < nq) {
		snprintf(err, errlen,
			 "port %u (%s) allows %u rx / %u tx queues; %u workers need one "
			 "each: use fewer lcores, or more queues (e.g. qpairs=N for "
			 "net_af_packet, queues=N for net_tap)",
			 pid, info.driver_name, info.max_rx_queues, info.max_tx_queues, nq);
		return -1;
	}
	if (nq > 1 && (info.flow_type_rss_offloads & RTE_ETH_RSS_IP)) {
		conf.rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
		conf.rx_adv_conf.rss_conf.rss_hf =
		    info.flow_type_rss_offloads & (RTE_ETH_RSS_IP | RTE_ETH_RSS_UDP);
	}
	/* Zero-copy TFTP DATA chains a header mbuf to one pointing into the image.
	 * net_ring passes mbufs by pointer and never needs the flag. */
	if (info.tx_offload_capa & RTE_ETH_TX_OFFLOAD_MULTI_SEGS)
		conf.txmode.offloads |= RTE_ETH_TX_OFFLOAD_MULTI_SEGS;
	ctx->port_zc[pid] = (info.tx_offload_capa & RTE_ETH_TX_OFFLOAD_MULTI_SEGS) ||
			    strcmp(info.driver_name, "net_ring") == 0;
	rc = rte_eth_dev_configure(pid, (uint16_t)nq, (uint16_t)nq, &conf);
	if (rc != 0) {
		snprintf(err, errlen, "port %u: configure (%s)", pid, rte_strerror(-rc));
		return -1;
	}
	uint16_t nrx = DP_RX_DESC, ntx = DP_TX_DESC;
	rte_eth_dev_adjust_nb_rx_tx_desc(pid, &nrx, &ntx);
	ctx->port_rxd[pid] = nrx;
	ctx->port_txd[pid] = ntx;
	for (uint16_t q = 0; q < nq; q++) {
		rc = rte_eth_rx_queue_setup(pid, q, nrx, rte_eth_dev_socket_id(pid), NULL,
					    ctx->pool);
		if (rc == 0)
			rc = rte_eth_tx_queue_setup(pid, q, ntx, rte_eth_dev_socket_id(pid), NULL);
		if (rc != 0) {
			snprintf(err, errlen, "port %u: queue %u set-up (%s)", pid, q,
				 rte_strerror(-rc));
			return -1;
		}
	}
	rc = rte_eth_dev_start(pid);
	if (rc != 0) {
		snprintf(err, errlen, "port %u: start (%s)", pid, rte_strerror(-rc));
		return -1;
	}
	if (conf.rxmode.mq_mode == RTE_ETH_MQ_RX_RSS)
		rss_learn(ctx, pid, &info);
	/* Our MAC may be overridden in the config, and we filter in software. */
	rte_eth_promiscuous_enable(pid);
	rte_eth_macaddr_get(pid, &mac);
	memcpy(ctx->port_mac[pid], mac.addr_bytes, BF_ETH_ALEN);
	return 0;
}

int
dp_ports_init(struct dp_ctx *ctx, unsigned n_workers, char *err, size_t errlen)
{
	uint16_t pid;
	unsigned n_mbufs;

	ctx->n_ports = 0;
	RTE_ETH_FOREACH_DEV(pid) {
		if (pid >= DP_MAX_PORTS) {
			snprintf(err, errlen, "port id %u: at most %d ports", pid, DP_MAX_PORTS);
			return -1;
		}
		if (!ctx->kernel_port[pid])
			ctx->port_ids[ctx->n_ports++] = pid;
	}
	if (ctx->n_ports == 0) {
		snprintf(err, errlen,
			 "no DPDK port: bind a NIC, or add e.g. --vdev net_tap0,iface=bf0");
		return -1;
	}
	/* rx rings + tx rings (two mbufs per zero-copy DATA packet; more when the
	 * port holds more after tx, tx_held) + in-flight TFTP windows, per worker
	 * and port; DHCP queued for the lease manager and caches, per worker. */
	unsigned held = ctx->tx_held ? ctx->tx_held : 2 * DP_TX_DESC;
	n_mbufs = ctx->n_ports * n_workers * (DP_RX_DESC + held + 4096) +
		  n_workers * (DP_POOL_CACHE + DP_CTL_RING) + 4096;
	for (pid = 0; pid < DP_MAX_PORTS; pid++)	/* exception taps and their rings */
		if (ctx->kernel_port[pid])
			n_mbufs += DP_RX_DESC + DP_TX_DESC + DP_RING_SIZE * (1 + n_workers);
	/* LIFO (lock-free stack), not the default FIFO ring: an mbuf freed is the
	 * next one handed out, still in cache. With a FIFO every mbuf waits for the
	 * whole pool (here tens of MiB) to go round and comes back cold: measured
	 * in process, 2.2 M DATA/s (FIFO) against 4.2-4.7 M (LIFO), one worker.
	 * The ring is the fallback where the stack driver or 16-byte CAS is missing;
	 * EAL's --mbuf-pool-ops-name chooses another. */
	const char *ops = rte_eal_mbuf_user_pool_ops();
	ctx->pool = rte_pktmbuf_pool_create_by_ops("bf_mbuf", n_mbufs, DP_POOL_CACHE, 0,
						   RTE_MBUF_DEFAULT_BUF_SIZE, (int)rte_socket_id(),
						   ops ? ops : "lf_stack");
	if (!ctx->pool)
		ctx->pool = rte_pktmbuf_pool_create("bf_mbuf", n_mbufs, DP_POOL_CACHE, 0,
						    RTE_MBUF_DEFAULT_BUF_SIZE, (int)rte_socket_id());
	if (!ctx->pool) {
		snprintf(err, errlen, "mbuf pool of %u mbufs: %s", n_mbufs,
			 rte_strerror(rte_errno));
		return -1;
	}
	for (pid = 0; pid < DP_MAX_PORTS; pid++)
		if (ctx->kernel_port[pid] && port_start(ctx, pid, 1, err, errlen) != 0)
			return -1;
	for (uint16_t i = 0; i < ctx->n_ports; i++)
		if (port_start(ctx, ctx->port_ids[i], n_workers, err, errlen) != 0)
			return -1;
	ctx->n_workers = n_workers;
	return 0;
}

void
dp_ports_close(struct dp_ctx *ctx)
{
	for (uint16_t pid = 0; pid < DP_MAX_PORTS; pid++) {
		if (!ctx->kernel_port[pid])
			continue;
		rte_eth_dev_stop(pid);
		rte_eth_dev_close(pid); /* the tap interface goes with it */
		ctx->kernel_port[pid] = false;
	}
	for (uint16_t pid = 0; pid < DP_MAX_PORTS; pid++) {
		void *m;
		if (!ctx->exc[pid])
			continue;
		while (rte_ring_dequeue(ctx->exc[pid]->to_kernel, &m) == 0)
			rte_pktmbuf_free(m);
		rte_ring_free(ctx->exc[pid]->to_kernel);
		rte_free(ctx->exc[pid]);
		ctx->exc[pid] = NULL;
	}
	for (uint16_t i = 0; i < ctx->n_ports; i++) {
		rte_eth_dev_stop(ctx->port_ids[i]);
		rte_eth_dev_close(ctx->port_ids[i]);
	}
	ctx->n_ports = 0;
}
