/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: the configuration loader (YAML syntax, schema walk, libcyaml,
 * validation). Any input must give 0 with a config or -1 with a message, and
 * never crash or leak. Relative image paths resolve against the working
 * directory; they are only opened and fstat'ed.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "control/config/ctl_conf.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

int
LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	struct ctl_conf *c = NULL;
	char err[256];

	if (ctl_conf_load_buf("fuzz.yaml", (const char *)d, n, &c, err, sizeof(err)) == 0) {
		ctl_conf_free(c);
		return 0;
	}
	/* A failure always leaves one terminated line. */
	if (!memchr(err, '\0', sizeof(err)) || c)
		abort();
	return 0;
}
