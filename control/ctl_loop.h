/* SPDX-License-Identifier: MIT */
/*
 * The control thread's loop, above every module of control/: it drains the
 * workers' rings into leases/ and ra/, polls ops/'s control socket, ticks
 * leases/ and slots/, and writes the stats file. Modules never call it.
 */
#ifndef CTL_LOOP_H
#define CTL_LOOP_H

#include "control/core/ctl.h"

/* Run the control thread until dp->quit; *reload_flag set means "reload now". */
void ctl_loop(struct ctl *c, volatile int *reload_flag);
/* One pass of the control thread's work: DHCP frames from every worker, log lines. */
unsigned ctl_poll(struct ctl *c);
#endif
