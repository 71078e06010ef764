/* SPDX-License-Identifier: MIT */
/*
 * Frames lost below the workers, counted with ours. Once a second the control
 * thread (never a worker) reads each served port's ethdev statistics: imissed
 * (the receive ring overflowed), rx_nombuf (no mbuf for a received frame),
 * ierrors, oerrors. DPDK's net_af_packet reports none of its kernel ring's
 * overruns (22.11 never sets imissed), so its packet sockets, which live in
 * this process, are found among our own descriptors and asked for
 * PACKET_STATISTICS (whose drops reset on every read: they are accumulated).
 *
 * The sums over ports are counters like any other (drop_port_rx_missed,
 * drop_port_rx_nombuf, drop_port_rx_errors, drop_port_tx_errors): stats file,
 * bootfarmctl, telemetry, Prometheus (also per port). One more kind of loss is
 * said the same way: UDP frames a local sender left to tx checksum offload
 * (the workers count them per port; drop_udp{,6}_csum_offload). When one
 * grows, a warning names the port, the counter, how many, the likely cause
 * and the fix, at most once a minute per port and kind; bootfarmctl stats
 * shows the same lines as hints.
 */
#include <dirent.h>
#include <linux/if_packet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <rte_dev.h>
#include <rte_devargs.h>
#include <rte_ethdev.h>

#include "control/core/ctl.h"
#include "control/ops/ctl_ops.h"

enum { L_MISSED, L_NOMBUF, L_RXERR, L_TXERR, L_CSUM, L__COUNT };
_Static_assert(L__COUNT == CTL_PORT_LOSS_KINDS, "struct ctl_port_loss holds every kind");
#define L_PORT_STATS L_CSUM /* the kinds before it are the port's own, summed into: */

static const enum bf_ctr loss_ctr[L_PORT_STATS] = {
	BF_CTR_drop_port_rx_missed, BF_CTR_drop_port_rx_nombuf, BF_CTR_drop_port_rx_errors,
	BF_CTR_drop_port_tx_errors,
};

/* How many, why, and what to do: the text after "port N (...): COUNT ". */
static const char *
loss_advice(unsigned kind, bool af_packet)
{
	switch (kind) {
	case L_MISSED:
		return af_packet
			   ? "frames lost in the kernel's packet ring before bootfarm read them "
			     "(drop_port_rx_missed): the ring overflowed while the worker was busy "
			     "or descheduled; give it more frames (net_af_packet0,iface=IF,"
			     "blocksz=4096,framesz=2048,framecnt=8192) and the worker a core "
			     "of its own"
			   : "frames missed: the NIC's receive ring overflowed (drop_port_rx_missed); give "
			     "the worker a core of its own, or more workers";
	case L_NOMBUF:
		return "frames lost for want of an mbuf (drop_port_rx_nombuf): the pool was empty; "
		       "fewer TFTP sessions per worker or a larger pool";
	case L_RXERR:
		return "frames received with errors (drop_port_rx_errors): bad frames on the wire "
		       "(CRC, length); check the cabling, the switch and the MTU";
	case L_TXERR:
		return "frames not sent (drop_port_tx_errors): the port refused them; check the "
		       "link and the peer";
	default:
		return "UDP frames dropped with the checksum left for transmit offload "
		       "(drop_udp_csum_offload): a local sender (veth, tap, container or VM) has "
		       "tx checksum offload on and nothing on this link completes it; turn it off "
		       "on the sending interface: ethtool -K <interface> tx off";
	}
}

/* One line about served port i's losses of one kind, as logged and as a hint. */
static void
loss_line(const struct ctl *c, unsigned i, unsigned kind, char *buf, size_t len)
{
	const struct ctl_port_loss *pl = &c->port_loss[i];
	char name[160];

	ctl_port_name(c->dp->port_ids[i], name, sizeof(name));
	snprintf(buf, len, "port %u (%s): %llu %s", c->dp->port_ids[i], name,
		 (unsigned long long)pl->total[kind], loss_advice(kind, pl->af_packet));
}

static bool
is_af_packet(uint16_t port, int *ifindex)
{
	struct rte_eth_dev_info info;

	if (rte_eth_dev_info_get(port, &info) != 0 || !info.driver_name ||
	    strcmp(info.driver_name, "net_af_packet") != 0)
		return false;
	*ifindex = (int)info.if_index;
	return true;
}

/* The packet sockets of this process bound to ifindex (the PMD's queues). */
static unsigned
find_packet_sockets(int ifindex, int *fds, unsigned cap)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	unsigned n = 0;

	if (!d)
		return 0;
	while ((e = readdir(d)) != NULL && n < cap) {
		char *end;
		long fd = strtol(e->d_name, &end, 10);
		int dom = 0;
		socklen_t len = sizeof(dom);
		struct sockaddr_ll sll;
		socklen_t sl = sizeof(sll);

		if (*end || fd < 0 || fd == dirfd(d))
			continue;
		if (getsockopt((int)fd, SOL_SOCKET, SO_DOMAIN, &dom, &len) != 0 || dom != AF_PACKET)
			continue;
		if (getsockname((int)fd, (struct sockaddr *)&sll, &sl) != 0 ||
		    sll.sll_ifindex != ifindex)
			continue;
		fds[n++] = (int)fd;
	}
	closedir(d);
	return n;
}

void
ctl_port_name(uint16_t port, char *buf, size_t len)
{
	char name[RTE_ETH_NAME_MAX_LEN] = "?";
	const char *args = "";
	struct rte_eth_dev_info info;

	rte_eth_dev_get_name_by_port(port, name);
	if (rte_eth_dev_info_get(port, &info) == 0 && info.device) {
		const struct rte_devargs *da = rte_dev_devargs(info.device);
		if (da && da->args)
			args = da->args;
	}
	snprintf(buf, len, "%s%s%s", name, *args ? " " : "", args);
}

void
ctl_ports_tick(struct ctl *c, uint64_t now_s)
{
	uint64_t sum[L_PORT_STATS] = {0};

	for (unsigned i = 0; i < c->dp->n_ports && i < DP_MAX_PORTS; i++) {
		uint16_t p = c->dp->port_ids[i];
		struct ctl_port_loss *pl = &c->port_loss[i];
		struct rte_eth_stats st;
		int ifindex;

		if (!pl->probed) {
			pl->probed = true;
			pl->af_packet = is_af_packet(p, &ifindex);
			if (pl->af_packet)
				pl->n_fds = find_packet_sockets(ifindex, pl->fds, CTL_PORT_MAX_FDS);
		}
		for (unsigned k = 0; k < pl->n_fds; k++) {
			struct tpacket_stats ts;
			socklen_t len = sizeof(ts);
			if (getsockopt(pl->fds[k], SOL_PACKET, PACKET_STATISTICS, &ts, &len) == 0)
				pl->kernel_drops += ts.tp_drops; /* reset by the read */
		}
		uint64_t v[L__COUNT] = {pl->kernel_drops};
		if (rte_eth_stats_get(p, &st) == 0) {
			v[L_MISSED] += st.imissed;
			v[L_NOMBUF] = st.rx_nombuf;
			v[L_RXERR] = st.ierrors;
			v[L_TXERR] = st.oerrors;
		}
		for (unsigned w = 0; w < c->dp->n_workers; w++)
			v[L_CSUM] += __atomic_load_n(&c->dp->workers[w]->csum_offload[p],
						     __ATOMIC_RELAXED);
		for (unsigned k = 0; k < L__COUNT; k++) {
			pl->total[k] = v[k];
			if (k < L_PORT_STATS)
				sum[k] += v[k];
			if (v[k] <= pl->warned[k] || (pl->warned_at[k] && now_s < pl->warned_at[k] + 60))
				continue;
			char line[640];
			loss_line(c, i, k, line, sizeof(line));
			CTL_LOG(WARNING, "%s", line);
			pl->warned[k] = v[k];
			pl->warned_at[k] = now_s;
		}
	}
	/* The control thread's own counters: one writer, readers take whole words. */
	for (unsigned k = 0; k < L_PORT_STATS; k++)
		__atomic_store_n(&c->ctr.v[loss_ctr[k]], sum[k], __ATOMIC_RELAXED);
}

size_t
ctl_ports_hints(const struct ctl *c, void (*fn)(const char *hint, void *arg), void *arg)
{
	size_t n = 0;

	for (unsigned i = 0; i < c->dp->n_ports && i < DP_MAX_PORTS; i++) {
		const struct ctl_port_loss *pl = &c->port_loss[i];
		for (unsigned k = 0; k < L__COUNT; k++) {
			char line[640];
			if (!pl->total[k])
				continue;
			loss_line(c, i, k, line, sizeof(line));
			fn(line, arg);
			n++;
		}
	}
	return n;
}
