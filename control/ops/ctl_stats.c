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
