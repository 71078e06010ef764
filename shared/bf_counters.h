/* SPDX-License-Identifier: MIT */
/* Counter ids and names from bf_counters.def. */
#ifndef BF_COUNTERS_H
#define BF_COUNTERS_H

#include <stdint.h>

enum bf_ctr {
#define BF_CTR(name, help) BF_CTR_##name,
#include "bf_counters.def"
#undef BF_CTR
	BF_CTR__COUNT
};

/* One thread's counters: plain 64-bit, written by one thread only. */
struct bf_counters {
	uint64_t v[BF_CTR__COUNT];
};

extern const char *const bf_ctr_name[BF_CTR__COUNT];
extern const char *const bf_ctr_help[BF_CTR__COUNT];

#define BF_CNT(c, name) ((c)->v[BF_CTR_##name]++)
#define BF_CNT_ADD(c, name, n) ((c)->v[BF_CTR_##name] += (n))

#endif
