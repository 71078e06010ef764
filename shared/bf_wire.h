/* SPDX-License-Identifier: MIT */
/*
 * Bounded wire cursors with a sticky error.
 *
 * Every parser in bootfarm reads the wire through struct bf_rd and writes
 * through struct bf_wr. A read or write that does not fit sets `err` and
 * returns a zero value; once set, the error stays and all further accesses
 * are no-ops, so a parser can run straight through and check once at the
 * end. Length checks are in subtraction form (n > left), never p + n > end.
 */
#ifndef BF_WIRE_H
#define BF_WIRE_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct bf_rd {
	const uint8_t *p;
	size_t len;
	size_t off;
	int err;
};

struct bf_wr {
	uint8_t *p;
	size_t cap;
	size_t off;
	int err;
};

static inline void
bf_rd_init(struct bf_rd *r, const void *p, size_t len)
{
	r->p = p;
	r->len = len;
	r->off = 0;
	r->err = 0;
}

static inline size_t
bf_rd_left(const struct bf_rd *r)
{
	return r->err ? 0 : r->len - r->off;
}

/* True when n more bytes can be read; sets the error otherwise. */
static inline int
bf_rd_need(struct bf_rd *r, size_t n)
{
	if (r->err || n > r->len - r->off) {
		r->err = 1;
		return 0;
	}
	return 1;
}

static inline uint8_t
bf_rd_u8(struct bf_rd *r)
{
	if (!bf_rd_need(r, 1))
		return 0;
	return r->p[r->off++];
}

static inline uint16_t
bf_rd_be16(struct bf_rd *r)
{
	if (!bf_rd_need(r, 2))
		return 0;
	uint16_t v = (uint16_t)(r->p[r->off] << 8 | r->p[r->off + 1]);
	r->off += 2;
	return v;
}

static inline uint32_t
bf_rd_be32(struct bf_rd *r)
{
	if (!bf_rd_need(r, 4))
		return 0;
	const uint8_t *q = r->p + r->off;
	r->off += 4;
	return (uint32_t)q[0] << 24 | (uint32_t)q[1] << 16 | (uint32_t)q[2] << 8 | q[3];
}

/* Pointer to the next n bytes, advancing past them; NULL (and err) if short.
 * A cursor over (NULL, 0) is valid and empty: reading 0 bytes from it gives a
 * pointer to nothing, never NULL + 0 (undefined in C; clang's UBSan stops). */
static inline const uint8_t *
bf_rd_bytes(struct bf_rd *r, size_t n)
{
	static const uint8_t none[1];

	if (!bf_rd_need(r, n))
		return NULL;
	if (!r->p)
		return none;
	const uint8_t *q = r->p + r->off;
	r->off += n;
	return q;
}

static inline void
bf_rd_copy(struct bf_rd *r, void *dst, size_t n)
{
	const uint8_t *q = bf_rd_bytes(r, n);
	if (q)
		memcpy(dst, q, n);
	else
		memset(dst, 0, n);
}

static inline void
bf_rd_skip(struct bf_rd *r, size_t n)
{
	(void)bf_rd_bytes(r, n);
}

/* A child cursor over the next n bytes; the parent advances past them. */
static inline struct bf_rd
bf_rd_sub(struct bf_rd *r, size_t n)
{
	struct bf_rd c;
	const uint8_t *q = bf_rd_bytes(r, n);
	bf_rd_init(&c, q, q ? n : 0);
	c.err = q ? 0 : 1;
	return c;
}

static inline void
bf_wr_init(struct bf_wr *w, void *p, size_t cap)
{
	w->p = p;
	w->cap = cap;
	w->off = 0;
	w->err = 0;
}

static inline size_t
bf_wr_left(const struct bf_wr *w)
{
	return w->err ? 0 : w->cap - w->off;
}

/* Reserve n bytes and return where they start (to fill now or later). */
static inline uint8_t *
bf_wr_reserve(struct bf_wr *w, size_t n)
{
	if (w->err || n > w->cap - w->off) {
		w->err = 1;
		return NULL;
	}
	/* (NULL, 0): only n == 0 gets here; no NULL + 0 (see bf_rd_bytes) */
	uint8_t *q = w->p ? w->p + w->off : NULL;
	w->off += n;
	return q;
}

static inline void
bf_wr_u8(struct bf_wr *w, uint8_t v)
{
	uint8_t *q = bf_wr_reserve(w, 1);
	if (q)
		q[0] = v;
}

static inline void
bf_wr_be16(struct bf_wr *w, uint16_t v)
{
	uint8_t *q = bf_wr_reserve(w, 2);
	if (q) {
		q[0] = (uint8_t)(v >> 8);
		q[1] = (uint8_t)v;
	}
}

static inline void
bf_wr_be32(struct bf_wr *w, uint32_t v)
{
	uint8_t *q = bf_wr_reserve(w, 4);
	if (q) {
		q[0] = (uint8_t)(v >> 24);
		q[1] = (uint8_t)(v >> 16);
		q[2] = (uint8_t)(v >> 8);
		q[3] = (uint8_t)v;
	}
}

static inline void
bf_wr_bytes(struct bf_wr *w, const void *src, size_t n)
{
	uint8_t *q = bf_wr_reserve(w, n);
	if (q && n)
		memcpy(q, src, n);
}

static inline void
bf_wr_zero(struct bf_wr *w, size_t n)
{
	uint8_t *q = bf_wr_reserve(w, n);
	if (q && n)
		memset(q, 0, n);
}

/* Big-endian helpers for fields at fixed offsets of already-checked buffers. */
static inline uint16_t
bf_get_be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t
bf_get_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline void
bf_put_be16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void
bf_put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

#endif /* BF_WIRE_H */
