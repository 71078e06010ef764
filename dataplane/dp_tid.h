/* SPDX-License-Identifier: MIT */
/*
 * The local UDP ports (TIDs) a worker's transfers hold: unicast sessions
 * (dp_tftp.c) and multicast streams (dp_mtftp.c) take a port here and give it
 * back at their end, and each picks new ports that are free here. One bitmap
 * per worker (struct dp_worker.tids), written by that worker only, so neither
 * protocol needs to ask the other.
 */
#ifndef DP_TID_H
#define DP_TID_H

#include <stdbool.h>
#include <stdint.h>

struct dp_tids {
	uint64_t bit[65536 / 64];
};

static inline bool
dp_tid_busy(const struct dp_tids *t, uint16_t port)
{
	return (t->bit[port >> 6] >> (port & 63)) & 1;
}

static inline void
dp_tid_take(struct dp_tids *t, uint16_t port)
{
	t->bit[port >> 6] |= 1ull << (port & 63);
}

static inline void
dp_tid_put(struct dp_tids *t, uint16_t port)
{
	t->bit[port >> 6] &= ~(1ull << (port & 63));
}

#endif
