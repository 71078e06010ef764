/* SPDX-License-Identifier: MIT */
/*
 * ra/: IPv6 Router Advertisements, sent from the control thread: the
 * RFC 4861 schedule per port, answers to Router Solicitations the workers
 * pass up, and the final lifetime-0 RA at shutdown.
 */
#ifndef CTL_RA_H
#define CTL_RA_H

#include "control/core/ctl.h"

/* Router Advertisements (ctl_ra.c): the periodic schedule, an RS a worker
 * passed on (consumed), and the final lifetime-0 RA once the workers stopped. */
void ctl_ra_tick(struct ctl *c, uint64_t now_ms);
void ctl_ra_rs(struct ctl *c, struct rte_mbuf *m, uint64_t now_ms);
void ctl_ra_final(struct ctl *c);

#endif
