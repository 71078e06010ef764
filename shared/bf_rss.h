/* SPDX-License-Identifier: MIT */
/*
 * Receive-side scaling in software: the Toeplitz hash NICs compute over
 * (source address, destination address, source port, destination port), and
 * the redirection table lookup that picks the rx queue. A worker uses it to
 * choose a TFTP transfer port whose ACKs the NIC delivers to its own queue.
 * Pure; tested against Microsoft's RSS verification vectors.
 */
#ifndef BF_RSS_H
#define BF_RSS_H

#include <stddef.h>
#include <stdint.h>

#define BF_RSS_KEY_MAX 64
#define BF_RSS_RETA_MAX 512

/* A port's RSS configuration as the NIC reports it. */
struct bf_rss {
	uint8_t key[BF_RSS_KEY_MAX];
	uint8_t key_len;
	uint8_t l4;		/* ports are hashed (UDP RSS on), else addresses only */
	uint16_t reta_size;	/* 0: no RSS */
	uint16_t reta[BF_RSS_RETA_MAX];
};

/* Toeplitz hash of in[0..len) (network byte order) under key (len + 4 <= key_len). */
static inline uint32_t
bf_toeplitz(const uint8_t *key, size_t key_len, const uint8_t *in, size_t len)
{
	uint32_t hash = 0;
	/* the 32-bit window of the key that starts at the current input bit */
	uint32_t win = (uint32_t)key[0] << 24 | (uint32_t)key[1] << 16 | (uint32_t)key[2] << 8 |
		       key[3];
	for (size_t i = 0; i < len; i++) {
		uint8_t next = i + 4 < key_len ? key[i + 4] : 0;
		for (int b = 7; b >= 0; b--) {
			if (in[i] >> b & 1)
				hash ^= win;
			win = win << 1 | (uint32_t)(next >> b & 1);
		}
	}
	return hash;
}

/* The rx queue for a UDP/IPv4 packet (addresses host order). */
static inline uint16_t
bf_rss_queue4(const struct bf_rss *r, uint32_t src, uint32_t dst, uint16_t sport, uint16_t dport)
{
	uint8_t in[12] = {src >> 24, src >> 16, src >> 8, src, dst >> 24, dst >> 16, dst >> 8, dst,
			  sport >> 8, sport & 0xff, dport >> 8, dport & 0xff};
	uint32_t h = bf_toeplitz(r->key, r->key_len, in, r->l4 ? 12 : 8);
	return r->reta[h % r->reta_size];
}

/* The rx queue for a UDP/IPv6 packet. */
static inline uint16_t
bf_rss_queue6(const struct bf_rss *r, const uint8_t src[16], const uint8_t dst[16], uint16_t sport,
	      uint16_t dport)
{
	uint8_t in[36];
	for (int i = 0; i < 16; i++) {
		in[i] = src[i];
		in[16 + i] = dst[i];
	}
	in[32] = (uint8_t)(sport >> 8);
	in[33] = (uint8_t)sport;
	in[34] = (uint8_t)(dport >> 8);
	in[35] = (uint8_t)dport;
	uint32_t h = bf_toeplitz(r->key, r->key_len, in, r->l4 ? 36 : 32);
	return r->reta[h % r->reta_size];
}

#endif
