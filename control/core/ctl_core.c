/* SPDX-License-Identifier: MIT */
/* The control plane's clock and log type: the one copy every module uses. */
#include <time.h>

#include "control/core/ctl.h"

int ctl_logtype;

uint64_t
ctl_mono_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

uint64_t
ctl_now(void)
{
	return ctl_mono_us() / 1000000;
}
