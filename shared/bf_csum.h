/* SPDX-License-Identifier: MIT */
/*
 * Internet checksum (RFC 1071) in 32-bit partial sums, so a payload's sum can
 * be computed once (e.g. per image block) and combined with headers later.
 */
#ifndef BF_CSUM_H
#define BF_CSUM_H

#include <stddef.h>
#include <stdint.h>

/*
 * Add the 16-bit big-endian words of p[0..len) to sum. Chained calls must
 * pass even lengths except the last. Returns an unfolded partial sum.
 */
uint32_t bf_csum_add(uint32_t sum, const void *p, size_t len);

/* Fold a partial sum to 16 bits (not complemented). */
static inline uint16_t
bf_csum_fold(uint32_t sum)
{
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

/* Combine two partial sums (ones-complement addition). */
static inline uint32_t
bf_csum_combine(uint32_t a, uint32_t b)
{
	uint64_t s = (uint64_t)a + b;
	return (uint32_t)((s & 0xffffffffu) + (s >> 32));
}

/* Final checksum value to store: ~fold(sum), host order. */
static inline uint16_t
bf_csum_finish(uint32_t sum)
{
	return (uint16_t)~bf_csum_fold(sum);
}

/* Partial sum of the IPv4 pseudo header (addresses in host order). */
static inline uint32_t
bf_csum_pseudo4(uint32_t src, uint32_t dst, uint8_t proto, uint16_t l4len)
{
	return (src >> 16) + (src & 0xffff) + (dst >> 16) + (dst & 0xffff) + proto + l4len;
}

/*
 * Does a wrong UDP/TCP checksum field hold just the pseudo-header sum? That is
 * what a Linux sender with tx checksum offload (CHECKSUM_PARTIAL) puts there
 * for the hardware to finish; on a veth, tap or VM link no hardware does, and
 * the frame reaches a packet socket that way. pseudo: the pseudo header's
 * partial sum. Only for telling the operator why: such a frame is dropped.
 */
static inline int
bf_csum_is_partial(uint16_t field, uint32_t pseudo)
{
	return field == bf_csum_fold(pseudo);
}

#endif
