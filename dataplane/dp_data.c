/* SPDX-License-Identifier: MIT */
/*
 * TFTP DATA packets (RFC 1350 opcode 3) from the image cache: the single
 * sender of image blocks (dp_data.h). It owns the zero-copy chaining, the
 * per-block checksum lookup and the per-transfer header templates; sessions,
 * windows and timers stay with the protocols that call it.
 */
#include <string.h>

#include <rte_mbuf.h>

#include "dp.h"
#include "dp_data.h"
#include "shared/bf_csum.h"
#include "shared/bf_nd.h"
#include "shared/bf_wire.h"

const uint16_t *
dp_image_csums(const struct dp_image *img, uint16_t blksize)
{
	for (unsigned t = 0; t < DP_CSUM_TABS; t++)
		if (img->csum[t].blksize == blksize)
			return img->csum[t].sum;
	return NULL;
}

int
dp_data_tx(struct dp_worker *w, uint16_t port_id, bool v6, const void *addr,
	   struct dp_image *img, bool ascii, uint16_t blksize, const uint16_t *sums,
	   uint64_t blk)
{
	const uint8_t *data = ascii ? img->ascii : img->data;
	uint64_t size = ascii ? img->ascii_len : img->len;
	uint64_t off = (blk - 1) * blksize;
	uint16_t len = (uint16_t)(size - off < blksize ? size - off : blksize);
	size_t l2 = v6 ? bf_udp6_hdr_len(addr) : bf_udp4_hdr_len(addr);
	bool zc = len >= DP_ZC_MIN && w->ctx->port_zc[port_id];
	struct rte_mbuf *m[2];

	if (rte_pktmbuf_alloc_bulk(w->pool, m, zc ? 2 : 1) != 0) {
		BF_CNT(&w->ctr, drop_nombuf);
		return -1;
	}
	/* a fresh mbuf has room for headers plus DP_ZC_MIN bytes: append cannot fail */
	uint8_t *p = (uint8_t *)rte_pktmbuf_append(m[0], (uint16_t)(l2 + 4 + (zc ? 0 : len)));
	bf_tftp_data_hdr(p + l2, (uint16_t)blk);
	uint32_t sum = BF_TFTP_DATA + (uint16_t)blk;
	if (sums && len) {
		sum += sums[blk - 1];
	} else if (len) {
		BF_CNT(&w->ctr, tftp_csum_sw);
		sum = bf_csum_add(sum, data + off, len);
	}
	if (zc) {
		struct rte_mbuf_ext_shared_info *sh = &img->zc[w->id].sh;
		rte_mbuf_ext_refcnt_update(sh, 1);
		rte_pktmbuf_attach_extbuf(m[1], (void *)(uintptr_t)(data + off),
					  (ascii ? img->ascii_iova : img->iova) + off, len, sh);
		m[1]->data_len = len;
		m[1]->pkt_len = len;
		rte_pktmbuf_chain(m[0], m[1]); /* cannot fail: two segments */
	} else if (len) {
		memcpy(p + l2 + 4, data + off, len);
	}
	if (v6)
		bf_udp6_hdr_write(p, addr, 4u + len, sum);
	else
		bf_udp4_hdr_write(p, addr, 4u + len, sum, w->ip_id++);
	m[0]->port = port_id;
	dp_tx_enqueue(w, m[0]);
	return 0;
}

void
dp_data_tpl_init(struct dp_worker *w, struct dp_data_tpl *t, bool v6, const void *addr,
		 uint16_t blksize)
{
	size_t l2;

	memset(t->hdr, 0, sizeof(t->hdr));
	if (v6) {
		l2 = bf_udp6_hdr_len(addr);
		bf_udp6_hdr_write(t->hdr, addr, 4u + blksize, 0);
	} else {
		l2 = bf_udp4_hdr_len(addr);
		bf_udp4_hdr_write(t->hdr, addr, 4u + blksize, 0, w->ip_id++);
	}
	t->len = (uint8_t)l2;
	/* what the header contributes: the complement of the checksum it got alone */
	t->sum = (uint16_t)~bf_get_be16(t->hdr + l2 - 2);
}

/* The shared-info refcount is 16 bits; a worker never has 65535 DATA mbufs in
 * flight (tx rings and the pool are far smaller). */
unsigned
dp_data_tx_full(struct dp_worker *w, const struct dp_data_tpl *t, uint16_t port_id,
		struct dp_image *img, bool ascii, uint16_t blksize, const uint16_t *sums,
		uint64_t first, unsigned n)
{
	struct rte_mbuf *m[2 * DP_DATA_CHUNK];
	const uint8_t *data = ascii ? img->ascii : img->data;
	rte_iova_t iova = ascii ? img->ascii_iova : img->iova;
	struct rte_mbuf_ext_shared_info *sh = &img->zc[w->id].sh;
	uint16_t bs = blksize;
	size_t l2 = t->len;

	if (rte_pktmbuf_alloc_bulk(w->pool, m, 2 * n) != 0) {
		BF_CNT(&w->ctr, drop_nombuf);
		return 0;
	}
	rte_mbuf_ext_refcnt_update(sh, (int16_t)n);
	for (unsigned i = 0; i < n; i++) {
		struct rte_mbuf *h = m[2 * i], *e = m[2 * i + 1];
		uint64_t blk = first + i, off = (blk - 1) * bs;
		uint8_t *p = rte_pktmbuf_mtod(h, uint8_t *);

		memcpy(p, t->hdr, sizeof(t->hdr)); /* fixed size: a few vector moves */
		p[l2] = 0;
		p[l2 + 1] = BF_TFTP_DATA;
		bf_put_be16(p + l2 + 2, (uint16_t)blk);
		uint16_t c = bf_csum_finish((uint32_t)t->sum + BF_TFTP_DATA + (uint16_t)blk +
					    sums[blk - 1]);
		bf_put_be16(p + l2 - 2, c ? c : 0xffff);
		h->data_len = (uint16_t)(l2 + 4);
		rte_pktmbuf_attach_extbuf(e, (void *)(uintptr_t)(data + off), iova + off, bs, sh);
		e->data_len = bs;
		e->pkt_len = bs;
		h->next = e;
		h->nb_segs = 2;
		h->pkt_len = (uint32_t)(l2 + 4) + bs;
		h->port = port_id;
		dp_tx_enqueue(w, h);
	}
	return n;
}
