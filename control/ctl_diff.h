/* SPDX-License-Identifier: MIT */
/*
 * What differs between two configurations, in operator terms: subnets,
 * reservations, boot rules, images and settings (bootfarmctl diff). Pure: no
 * DPDK, so unit tests run it on loaded files.
 */
#ifndef CTL_DIFF_H
#define CTL_DIFF_H

#include <stddef.h>
#include <stdint.h>

#include "ctl_conf.h"

/* An image as compiled: its name, size and content digest. */
struct ctl_diff_image {
	const char *name;
	uint64_t len;
	uint64_t digest;
};

struct ctl_change {
	const char *kind;	/* "subnet", "host", "rule", "image", "subnet6", "host6", "setting" */
	char op;		/* '+' added, '-' removed, '~' changed */
	char name[160];
	char detail[320];	/* what changed ("" for added/removed) */
};

/* Call fn for each difference from a to b (images sorted by name or not).
 * Returns the number of differences. */
size_t ctl_diff(const struct ctl_conf *a, const struct ctl_diff_image *ia, size_t na,
		const struct ctl_conf *b, const struct ctl_diff_image *ib, size_t nb,
		void (*fn)(const struct ctl_change *ch, void *arg), void *arg);

#endif
