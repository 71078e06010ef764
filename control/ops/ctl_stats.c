/* SPDX-License-Identifier: MIT */
/* Counter sums and the stats file: every thread's counters in one place. */
#include <stdio.h>


#include "control/core/ctl.h"
#include "control/leases/ctl_leases.h"
#include "control/ops/ctl_ops.h"

void
ctl_sum_counters(const struct ctl *c, struct bf_counters *sum)
{
	*sum = c->ctr;
	for (unsigned k = 0; k < BF_CTR__COUNT; k++)
		sum->v[k] += __atomic_load_n(&c->dp->exc_ctr.v[k], __ATOMIC_RELAXED);
	ctl_http_counters(sum);
	for (unsigned i = 0; i < c->dp->n_workers; i++) {
		const struct dp_worker *w = c->dp->workers[i];
		for (unsigned k = 0; k < BF_CTR__COUNT; k++)
			sum->v[k] += __atomic_load_n(&w->ctr.v[k], __ATOMIC_RELAXED);
	}
}

/* Rewrite the stats file atomically: "name value" lines. */
void
ctl_write_stats(const struct ctl *c)
{
	struct bf_counters sum;
	char tmp[4200];
	uint64_t sessions = 0, log_dropped = 0;

	snprintf(tmp, sizeof(tmp), "%s.tmp", c->stats_path);
	FILE *f = fopen(tmp, "w");
	if (!f)
		return;
	ctl_sum_counters(c, &sum);
	for (unsigned k = 0; k < BF_CTR__COUNT; k++)
		fprintf(f, "%s %llu\n", bf_ctr_name[k], (unsigned long long)sum.v[k]);
	for (unsigned i = 0; i < c->dp->n_workers; i++) {
		sessions += c->dp->workers[i]->g_sessions;
		log_dropped += c->dp->workers[i]->log->dropped;
	}
	fprintf(f, "tftp_sessions %llu\n", (unsigned long long)sessions);
	fprintf(f, "dhcp4_leases_bound %llu\n", (unsigned long long)ctl_leases_count(c->leases));
	fprintf(f, "dhcp6_leases %llu\n", (unsigned long long)ctl_leases6_count(c->leases6));
	fprintf(f, "config_generation %llu\n",
		(unsigned long long)(c->dp->snap ? c->dp->snap->generation : 0));
	fprintf(f, "workers %u\n", c->dp->n_workers);
	fprintf(f, "rendered_files %llu\n",
		(unsigned long long)(c->dp->rendered ? dp_rendered_count(c->dp->rendered) : 0));
	fprintf(f, "log_dropped %llu\n", (unsigned long long)log_dropped);
	if (fclose(f) == 0)
		rename(tmp, c->stats_path);
}

uint64_t
ctl_csum_hint(const struct ctl *c, uint16_t port, char *buf, size_t len)
{
	uint64_t n = 0;
	char name[160];

	for (unsigned i = 0; i < c->dp->n_workers && port < DP_MAX_PORTS; i++)
		n += __atomic_load_n(&c->dp->workers[i]->csum_offload[port], __ATOMIC_RELAXED);
	if (!n || !len)
		return n;
	ctl_port_name(port, name, sizeof(name));
	snprintf(buf, len,
		 "port %u (%s): %llu UDP frames dropped with the checksum left for transmit "
		 "offload (drop_udp_csum_offload): a local sender (veth, tap, container or VM) has "
		 "tx checksum offload on and nothing on this link completes it; turn it off on "
		 "the sending interface: ethtool -K <interface> tx off",
		 port, name, (unsigned long long)n);
	return n;
}

void
ctl_hints_tick(struct ctl *c, uint64_t now_s)
{
	char hint[512];

	for (uint16_t p = 0; p < DP_MAX_PORTS; p++) {
		if (!c->dp->snap || !c->dp->snap->iface[p].configured)
			continue;
		uint64_t n = ctl_csum_hint(c, p, hint, sizeof(hint));
		if (n <= c->csum_hint[p].seen ||
		    (c->csum_hint[p].at && now_s < c->csum_hint[p].at + 60))
			continue;
		CTL_LOG(WARNING, "%s", hint);
		c->csum_hint[p].seen = n;
		c->csum_hint[p].at = now_s;
	}
}
