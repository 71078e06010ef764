/* SPDX-License-Identifier: MIT */
/* Templates: check and render agree, and output never exceeds its buffer. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "shared/bf_template.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

int
LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	static const uint8_t uuid[16] = {1, 2, 3};
	struct bf_tvars v = {{2, 0, 0, 0, 0, 1}, 0x0a4d0064, 0x0a4d0001, "host", 7, uuid};
	char out[512];
	size_t bad;
	int ok = bf_template_check((const char *)d, n, &bad) == 0;
	int r = bf_template_render((const char *)d, n, &v, out, sizeof(out));
	if (!ok && r >= 0)
		abort(); /* rendered what check refused */
	if (r >= 0 && ((size_t)r >= sizeof(out) || out[r] != 0 || strlen(out) > (size_t)r))
		abort();
	return 0;
}
