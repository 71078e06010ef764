/* SPDX-License-Identifier: MIT */
#include <string.h>

#include "bf_csum.h"

/*
 * RFC 1071 2(B): the ones-complement sum is byte-order independent, so the
 * bulk is summed eight bytes at a time in host order and the folded result
 * swapped once at the end (little-endian hosts). The caller's sum and the
 * result are big-endian word sums, as before.
 */
uint32_t
bf_csum_add(uint32_t sum, const void *p, size_t len)
{
	const uint8_t *b = p;
	uint64_t s = 0, be = sum;

	while (len >= 32) {
		uint64_t v[4];
		memcpy(v, b, 32);
		s += (v[0] & 0xffffffffu) + (v[0] >> 32) + (v[1] & 0xffffffffu) + (v[1] >> 32);
		s += (v[2] & 0xffffffffu) + (v[2] >> 32) + (v[3] & 0xffffffffu) + (v[3] >> 32);
		b += 32;
		len -= 32;
	}
	while (len >= 8) {
		uint64_t v;
		memcpy(&v, b, 8);
		s += (v & 0xffffffffu) + (v >> 32);
		b += 8;
		len -= 8;
	}
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	s = ((s & 0xff) << 8) | (s >> 8);
#endif
	be += s;
	while (len >= 2) {
		be += (uint32_t)(b[0] << 8 | b[1]);
		b += 2;
		len -= 2;
	}
	if (len)
		be += (uint32_t)b[0] << 8;
	while (be >> 32)
		be = (be & 0xffffffffu) + (be >> 32);
	return (uint32_t)be;
}
