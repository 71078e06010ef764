/* SPDX-License-Identifier: MIT */
/*
 * Canary selection: which clients a staged configuration gets. A client is
 * identified by its MAC (or, for DHCPv6 without one, its DUID); its position
 * is a 64-bit hash of that key reduced to [0, 1e6). A share of P ppm takes
 * positions below P, so the selection is stable (a client stays put while the
 * share holds) and monotonic (raising the share only adds clients). The
 * control thread (DHCP) and the workers (TFTP, by the frame's source MAC)
 * compute the same answer.
 */
#ifndef BF_CANARY_H
#define BF_CANARY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bf_hash.h"

#define BF_CANARY_PPM 1000000u

/* Position of a key in [0, BF_CANARY_PPM): FNV-1a 64, then a murmur3
 * finaliser so neighbouring MACs (one vendor's sequence) spread evenly. */
static inline uint32_t
bf_canary_pos(const uint8_t *key, size_t len)
{
	uint64_t h = bf_fnv1a64(key, len, BF_FNV64_INIT);

	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ull;
	h ^= h >> 33;
	return (uint32_t)(h % BF_CANARY_PPM);
}

static inline bool
bf_canary_in_share(const uint8_t *key, size_t len, uint32_t share_ppm)
{
	return bf_canary_pos(key, len) < share_ppm;
}

#endif
