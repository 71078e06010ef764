/* SPDX-License-Identifier: MIT */
/*
 * TFTP DATA packets (dp_data.c): the one sender of image blocks, for the
 * unicast transfers (dp_tftp.c) and for whoever else sends blocks of a cached
 * image. Zero-copy: a header mbuf chained to an mbuf attached to the block's
 * bytes in the image; the UDP checksum from the image's per-block sums.
 * Worker context only; every function here queues with dp_tx_enqueue.
 */
#ifndef DP_DATA_H
#define DP_DATA_H

#include <stdbool.h>
#include <stdint.h>

struct dp_worker;
struct dp_image;

/*
 * Blocks shorter than this are copied into the header mbuf: a second mbuf and
 * an atomic refcount cost more than copying a few hundred bytes.
 */
#define DP_ZC_MIN 256
/* The most full blocks dp_data_tx_full queues in one call. */
#define DP_DATA_CHUNK 32

/* The image's per-block checksums for blksize, or NULL (no table for that size). */
const uint16_t *dp_image_csums(const struct dp_image *img, uint16_t blksize);

/*
 * Queue DATA block blk (1-based, absolute) of img (its netascii form if ascii)
 * cut in blksize blocks, to addr (a struct bf_udp6_addr if v6, else a struct
 * bf_udp4_addr) on port port_id. sums: the image's checksums for blksize, or
 * NULL (then summed here, counted in tftp_csum_sw). Returns 0, or -1 when out
 * of mbufs (counted).
 */
int dp_data_tx(struct dp_worker *w, uint16_t port_id, bool v6, const void *addr,
	       struct dp_image *img, bool ascii, uint16_t blksize, const uint16_t *sums,
	       uint64_t blk);

/*
 * The headers of a full block to one peer, built once per transfer: a DATA
 * packet from it costs a fixed-size copy, the block number and a checksum of
 * three partial sums (template, TFTP header, the block's precomputed sum).
 */
struct dp_data_tpl {
	uint8_t hdr[72];
	uint8_t len;	/* bytes of hdr in use (Ethernet to UDP); 0: no template */
	uint16_t sum;	/* what the headers contribute to the UDP checksum */
};
/* Build t for full blocks of blksize to addr (as dp_data_tx). Takes an IPv4 ID
 * for the transfer: DF is set, and RFC 6864 lets atomic datagrams reuse it. */
void dp_data_tpl_init(struct dp_worker *w, struct dp_data_tpl *t, bool v6, const void *addr,
		      uint16_t blksize);
/*
 * Full blocks first..first+n-1 (n <= DP_DATA_CHUNK) of img from template t,
 * zero-copy: one bulk mbuf allocation and one refcount update for all. sums
 * must not be NULL and the port must take chained mbufs. Returns the blocks
 * queued (0: out of mbufs, counted).
 */
unsigned dp_data_tx_full(struct dp_worker *w, const struct dp_data_tpl *t, uint16_t port_id,
			 struct dp_image *img, bool ascii, uint16_t blksize, const uint16_t *sums,
			 uint64_t first, unsigned n);

#endif
