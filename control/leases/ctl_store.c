/* SPDX-License-Identifier: MIT */
/*
 * Durable DHCPv4 leases in LMDB. LMDB commits are atomic and, without
 * MDB_NOSYNC, durable when mdb_txn_commit returns; a kill -9 at any moment
 * leaves the last committed state. Many lease writes share one write
 * transaction, so one fsync acknowledges a whole burst (group commit).
 *
 * Record layout (big-endian, 95 bytes), key = the address (4 bytes):
 *   magic "BFL1" | version u16 | ip u32 | state u8 | key_len u8 | key[65] |
 *   mac[6] | expires i64 (wall clock) | crc32 u32 (of everything before it)
 */
#include "control/leases/ctl_store.h"

#include <errno.h>
#include <lmdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "shared/bf_wire.h"

#define REC_MAGIC 0x42464c31u /* "BFL1" */
#define REC_VERSION 1
#define REC_LEN (4 + 2 + 4 + 1 + 1 + CTL_STORE_KEY_MAX + 6 + 8 + 4)
#define STORE_MAP_SIZE (1ull << 30) /* address space only; the file grows as needed */

struct ctl_store {
	MDB_env *env;
	MDB_dbi db;
	MDB_dbi quarantine;
	MDB_dbi db6;
	MDB_dbi quarantine6;
	MDB_txn *txn; /* the open batch, or NULL */
	int failed;   /* a put/del of the batch failed: it must not be acknowledged */
};

static uint32_t
crc32(const uint8_t *p, size_t n)
{
	uint32_t c = 0xffffffffu;
	for (size_t i = 0; i < n; i++) {
		c ^= p[i];
		for (int k = 0; k < 8; k++)
			c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1)));
	}
	return ~c;
}

static void
encode(const struct ctl_store_rec *r, uint8_t out[REC_LEN])
{
	struct bf_wr w;
	bf_wr_init(&w, out, REC_LEN);
	bf_wr_be32(&w, REC_MAGIC);
	bf_wr_be16(&w, REC_VERSION);
	bf_wr_be32(&w, r->ip);
	bf_wr_u8(&w, r->state);
	bf_wr_u8(&w, r->key_len);
	bf_wr_bytes(&w, r->key, CTL_STORE_KEY_MAX);
	bf_wr_bytes(&w, r->mac, 6);
	bf_wr_be32(&w, (uint32_t)((uint64_t)r->expires_wall >> 32));
	bf_wr_be32(&w, (uint32_t)r->expires_wall);
	bf_wr_be32(&w, crc32(out, w.off));
}

/* Decode and validate; 0 or -1. The key must be the address of the record. */
static int
decode(const MDB_val *k, const MDB_val *v, struct ctl_store_rec *r)
{
	struct bf_rd rd;

	if (k->mv_size != 4 || v->mv_size != REC_LEN)
		return -1;
	bf_rd_init(&rd, v->mv_data, v->mv_size);
	if (bf_rd_be32(&rd) != REC_MAGIC || bf_rd_be16(&rd) != REC_VERSION)
		return -1;
	memset(r, 0, sizeof(*r));
	r->ip = bf_rd_be32(&rd);
	r->state = bf_rd_u8(&rd);
	r->key_len = bf_rd_u8(&rd);
	bf_rd_copy(&rd, r->key, CTL_STORE_KEY_MAX);
	bf_rd_copy(&rd, r->mac, 6);
	uint64_t hi = bf_rd_be32(&rd), lo = bf_rd_be32(&rd);
	r->expires_wall = (int64_t)(hi << 32 | lo);
	size_t body = rd.off;
	uint32_t crc = bf_rd_be32(&rd);
	if (rd.err || crc != crc32(v->mv_data, body) || r->key_len == 0 ||
	    r->key_len > CTL_STORE_KEY_MAX || r->ip != bf_get_be32(k->mv_data))
		return -1;
	return 0;
}

int
ctl_store_open(const char *dir, struct ctl_store **out, char *err, size_t errlen)
{
	struct ctl_store *s = calloc(1, sizeof(*s));
	MDB_txn *txn = NULL;
	int rc;

	if (!s) {
		snprintf(err, errlen, "lease store: out of memory");
		return -1;
	}
	if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
		snprintf(err, errlen, "lease store %s: cannot create (%s)", dir, strerror(errno));
		goto fail;
	}
	if ((rc = mdb_env_create(&s->env)) != 0 || (rc = mdb_env_set_maxdbs(s->env, 4)) != 0 ||
	    (rc = mdb_env_set_mapsize(s->env, STORE_MAP_SIZE)) != 0 ||
	    (rc = mdb_env_open(s->env, dir, 0, 0600)) != 0 ||
	    (rc = mdb_txn_begin(s->env, NULL, 0, &txn)) != 0 ||
	    (rc = mdb_dbi_open(txn, "leases4", MDB_CREATE, &s->db)) != 0 ||
	    (rc = mdb_dbi_open(txn, "quarantine4", MDB_CREATE, &s->quarantine)) != 0 ||
	    (rc = mdb_dbi_open(txn, "leases6", MDB_CREATE, &s->db6)) != 0 ||
	    (rc = mdb_dbi_open(txn, "quarantine6", MDB_CREATE, &s->quarantine6)) != 0 ||
	    (rc = mdb_txn_commit(txn)) != 0) {
		txn = NULL;
		snprintf(err, errlen, "lease store %s: %s", dir, mdb_strerror(rc));
		goto fail;
	}
	*out = s;
	return 0;
fail:
	if (txn)
		mdb_txn_abort(txn);
	if (s->env)
		mdb_env_close(s->env);
	free(s);
	return -1;
}

void
ctl_store_close(struct ctl_store *s)
{
	char err[256];
	if (!s)
		return;
	ctl_store_commit(s, err, sizeof(err));
	mdb_env_close(s->env);
	free(s);
}

/*
 * Walk db in one transaction: each(k, v, ctx) returns 1 to delete the record
 * (expired), 0 to keep it, -1 if it is damaged (moved to the quarantine
 * table q, counted). Returns the number of good records, or -1.
 */
static long
load_db(struct ctl_store *s, MDB_dbi db, MDB_dbi q,
	int (*each)(const MDB_val *k, const MDB_val *v, void *ctx), void *ctx, uint64_t *n_bad)
{
	MDB_txn *txn;
	MDB_cursor *cur;
	MDB_val k, v;
	long n = 0;
	int rc;

	*n_bad = 0;
	if (mdb_txn_begin(s->env, NULL, 0, &txn) != 0)
		return -1;
	if (mdb_cursor_open(txn, db, &cur) != 0) {
		mdb_txn_abort(txn);
		return -1;
	}
	for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0;
	     rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		int r = each(&k, &v, ctx);
		if (r >= 0) {
			n++;
			if (r == 1)
				mdb_cursor_del(cur, 0);
			continue;
		}
		/* Keep the bytes for a post-mortem, out of the way of the server. */
		MDB_val qk = k, qv = v;
		if (mdb_put(txn, q, &qk, &qv, 0) == 0 && mdb_cursor_del(cur, 0) == 0)
			(*n_bad)++;
	}
	mdb_cursor_close(cur);
	if (mdb_txn_commit(txn) != 0)
		return -1;
	return n;
}

struct load4 {
	int (*fn)(const struct ctl_store_rec *, void *);
	void *arg;
};

static int
each4(const MDB_val *k, const MDB_val *v, void *ctx)
{
	struct load4 *l = ctx;
	struct ctl_store_rec r;
	return decode(k, v, &r) == 0 ? l->fn(&r, l->arg) == 1 : -1;
}

long
ctl_store_load(struct ctl_store *s, int (*fn)(const struct ctl_store_rec *, void *), void *arg,
	       uint64_t *n_bad)
{
	struct load4 l = {fn, arg};
	return load_db(s, s->db, s->quarantine, each4, &l, n_bad);
}

static int
batch(struct ctl_store *s)
{
	if (!s->txn && mdb_txn_begin(s->env, NULL, 0, &s->txn) != 0) {
		s->txn = NULL;
		s->failed = 1;
		return -1;
	}
	return 0;
}

int
ctl_store_put(struct ctl_store *s, const struct ctl_store_rec *r)
{
	uint8_t kb[4], vb[REC_LEN];
	MDB_val k = {sizeof(kb), kb}, v = {sizeof(vb), vb};

	if (batch(s) != 0)
		return -1;
	bf_put_be32(kb, r->ip);
	encode(r, vb);
	if (mdb_put(s->txn, s->db, &k, &v, 0) != 0) {
		s->failed = 1;
		return -1;
	}
	return 0;
}

int
ctl_store_del(struct ctl_store *s, uint32_t ip)
{
	uint8_t kb[4];
	MDB_val k = {sizeof(kb), kb};

	if (batch(s) != 0)
		return -1;
	bf_put_be32(kb, ip);
	int rc = mdb_del(s->txn, s->db, &k, NULL);
	if (rc != 0 && rc != MDB_NOTFOUND) {
		s->failed = 1;
		return -1;
	}
	return 0;
}

int
ctl_store_dirty(const struct ctl_store *s)
{
	return s->txn != NULL || s->failed;
}

int
ctl_store_commit(struct ctl_store *s, char *err, size_t errlen)
{
	int rc = 0;

	if (s->failed) {
		if (s->txn)
			mdb_txn_abort(s->txn);
		snprintf(err, errlen, "a write of the batch failed");
		rc = -1;
	} else if (s->txn) {
		int m = mdb_txn_commit(s->txn);
		if (m != 0) {
			snprintf(err, errlen, "%s", mdb_strerror(m));
			rc = -1;
		}
	}
	s->txn = NULL;
	s->failed = 0;
	return rc;
}

/* ---- DHCPv6 ---- */

#define REC6_MAGIC 0x42463631u /* "BF61" */
#define REC6_LEN (4 + 2 + 16 + 2 + 4 + 1 + 130 + 8 + 4)

static void
encode6(const struct ctl_store_rec6 *r, uint8_t out[REC6_LEN])
{
	struct bf_wr w;
	bf_wr_init(&w, out, REC6_LEN);
	bf_wr_be32(&w, REC6_MAGIC);
	bf_wr_be16(&w, REC_VERSION);
	bf_wr_bytes(&w, r->addr, 16);
	bf_wr_be16(&w, r->ia_type);
	bf_wr_be32(&w, r->iaid);
	bf_wr_u8(&w, r->duid_len);
	bf_wr_bytes(&w, r->duid, sizeof(r->duid));
	bf_wr_be32(&w, (uint32_t)((uint64_t)r->expires_wall >> 32));
	bf_wr_be32(&w, (uint32_t)r->expires_wall);
	bf_wr_be32(&w, crc32(out, w.off));
}

static int
decode6(const MDB_val *k, const MDB_val *v, struct ctl_store_rec6 *r)
{
	struct bf_rd rd;

	if (k->mv_size != 16 || v->mv_size != REC6_LEN)
		return -1;
	bf_rd_init(&rd, v->mv_data, v->mv_size);
	if (bf_rd_be32(&rd) != REC6_MAGIC || bf_rd_be16(&rd) != REC_VERSION)
		return -1;
	memset(r, 0, sizeof(*r));
	bf_rd_copy(&rd, r->addr, 16);
	r->ia_type = bf_rd_be16(&rd);
	r->iaid = bf_rd_be32(&rd);
	r->duid_len = bf_rd_u8(&rd);
	bf_rd_copy(&rd, r->duid, sizeof(r->duid));
	uint64_t hi = bf_rd_be32(&rd), lo = bf_rd_be32(&rd);
	r->expires_wall = (int64_t)(hi << 32 | lo);
	size_t body = rd.off;
	uint32_t crc = bf_rd_be32(&rd);
	if (rd.err || crc != crc32(v->mv_data, body) || r->duid_len < 2 ||
	    r->duid_len > sizeof(r->duid) || memcmp(r->addr, k->mv_data, 16))
		return -1;
	return 0;
}

int
ctl_store_put6(struct ctl_store *s, const struct ctl_store_rec6 *r)
{
	uint8_t vb[REC6_LEN];
	MDB_val k = {16, (void *)r->addr}, v = {sizeof(vb), vb};

	if (batch(s) != 0)
		return -1;
	encode6(r, vb);
	if (mdb_put(s->txn, s->db6, &k, &v, 0) != 0) {
		s->failed = 1;
		return -1;
	}
	return 0;
}

int
ctl_store_del6(struct ctl_store *s, const uint8_t addr[16])
{
	MDB_val k = {16, (void *)addr};

	if (batch(s) != 0)
		return -1;
	int rc = mdb_del(s->txn, s->db6, &k, NULL);
	if (rc != 0 && rc != MDB_NOTFOUND) {
		s->failed = 1;
		return -1;
	}
	return 0;
}

struct load6 {
	int (*fn)(const struct ctl_store_rec6 *, void *);
	void *arg;
};

static int
each6(const MDB_val *k, const MDB_val *v, void *ctx)
{
	struct load6 *l = ctx;
	struct ctl_store_rec6 r;
	return decode6(k, v, &r) == 0 ? l->fn(&r, l->arg) == 1 : -1;
}

long
ctl_store_load6(struct ctl_store *s, int (*fn)(const struct ctl_store_rec6 *, void *), void *arg,
		uint64_t *n_bad)
{
	struct load6 l = {fn, arg};
	return load_db(s, s->db6, s->quarantine6, each6, &l, n_bad);
}
