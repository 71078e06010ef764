/* SPDX-License-Identifier: MIT */
/*
 * The kernel side of the exception path: give the tap the served port's
 * addresses and MTU and bring it up, so the host's stack answers for the
 * same address the data path does (ioctl; start-up only).
 */
#ifndef CTL_KIF_H
#define CTL_KIF_H

#include <stddef.h>

#include "ctl_conf.h"

/* Returns 0, or -1 with a message in err. */
int ctl_kif_setup(const struct ctl_conf_iface *ci, char *err, size_t errlen);

#endif
