/* SPDX-License-Identifier: MIT */
#ifndef CTL_LOOP_H
#define CTL_LOOP_H

#include "ctl.h"

/* Run the control thread until dp->quit; *reload_flag set means "reload now". */
void ctl_loop(struct ctl *c, volatile int *reload_flag);
/* One pass of the control thread's work: DHCP frames from every worker, log lines. */
unsigned ctl_poll(struct ctl *c);
/* Register the /bootfarm/ DPDK telemetry commands (after rte_eal_init). 0 or -1. */
int ctl_telemetry_init(const struct ctl *c);
/* Sum every thread's counters (reads workers' counters without stopping them). */
void ctl_sum_counters(const struct ctl *c, struct bf_counters *sum);

#endif
