/* SPDX-License-Identifier: MIT */
/*
 * A fixed-bucket latency histogram (time per boot stage). One writer per
 * instance (a worker or the control thread) with plain stores; readers sum
 * instances and may see a count one update ahead of a bucket, which the
 * Prometheus exposition tolerates. Bounds are in microseconds; the last
 * bucket is +Inf.
 */
#ifndef BF_HIST_H
#define BF_HIST_H

#include <stdint.h>

#define BF_HIST_BUCKETS 16

/* Upper bounds (inclusive, us): 5 ms .. 300 s, then +Inf (UINT64_MAX). */
static const uint64_t bf_hist_bound_us[BF_HIST_BUCKETS] = {
	5000,	   10000,    25000,	50000,	   100000,   250000,	500000,	   1000000,
	2500000, 5000000, 10000000, 30000000, 60000000, 120000000, 300000000, UINT64_MAX,
};

struct bf_hist {
	uint64_t count;
	uint64_t sum_us;
	uint64_t bucket[BF_HIST_BUCKETS]; /* not cumulative: bucket[i] counts bound[i-1] < v <= bound[i] */
};

static inline void
bf_hist_add(struct bf_hist *h, uint64_t us)
{
	unsigned i = 0;

	while (us > bf_hist_bound_us[i])
		i++; /* the last bound is UINT64_MAX: always stops */
	h->bucket[i]++;
	h->sum_us += us;
	h->count++;
}

/* a += b (summing per-thread instances for a reader). */
static inline void
bf_hist_merge(struct bf_hist *a, const struct bf_hist *b)
{
	a->count += b->count;
	a->sum_us += b->sum_us;
	for (unsigned i = 0; i < BF_HIST_BUCKETS; i++)
		a->bucket[i] += b->bucket[i];
}

#endif
