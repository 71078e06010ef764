/* SPDX-License-Identifier: MIT */
/*
 * FNV-1a, the one byte-string hash the project uses for its tables (leases,
 * exchanges, rendered names) and for image digests. Pass BF_FNV32_INIT /
 * BF_FNV64_INIT to start, or a previous result to continue over more bytes.
 */
#ifndef BF_HASH_H
#define BF_HASH_H

#include <stddef.h>
#include <stdint.h>

#define BF_FNV32_INIT 2166136261u
#define BF_FNV64_INIT 0xcbf29ce484222325ull

static inline uint32_t
bf_fnv1a32(const void *p, size_t n, uint32_t h)
{
	const uint8_t *b = p;
	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * 16777619u;
	return h;
}

static inline uint64_t
bf_fnv1a64(const void *p, size_t n, uint64_t h)
{
	const uint8_t *b = p;
	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * 0x100000001b3ull;
	return h;
}

#endif
