/* SPDX-License-Identifier: MIT */
/*
 * The durable lease store (control/ctl_store.c): what is committed survives a
 * close (or a crash: LMDB commits are atomic), damaged records are quarantined
 * and counted instead of loaded, expired ones can be dropped at load.
 */
#include <criterion/criterion.h>
#include <lmdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "control/leases/ctl_store.h"

static char dir[64];

/* Each test leaves nothing behind. */
static void
rmstore(void)
{
	char p[128];
	if (!dir[0])
		return;
	snprintf(p, sizeof(p), "%s/data.mdb", dir);
	unlink(p);
	snprintf(p, sizeof(p), "%s/lock.mdb", dir);
	unlink(p);
	rmdir(dir);
}

TestSuite(store, .fini = rmstore);

static void
mkstore(void)
{
	snprintf(dir, sizeof(dir), "/tmp/bf-store-XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
}

static struct ctl_store_rec
rec(uint32_t ip, uint8_t tag)
{
	struct ctl_store_rec r;
	memset(&r, 0, sizeof(r));
	r.ip = ip;
	r.state = 2;
	r.key_len = 7;
	memset(r.key, tag, r.key_len);
	memset(r.mac, tag, 6);
	r.expires_wall = 1900000000 + tag;
	return r;
}

struct seen {
	unsigned n;
	struct ctl_store_rec r[16];
	uint32_t drop_ip; /* records with this address are dropped (as expired) */
};

static int
collect(const struct ctl_store_rec *r, void *arg)
{
	struct seen *s = arg;
	if (s->n < 16)
		s->r[s->n++] = *r;
	return r->ip == s->drop_ip;
}

Test(store, committed_records_survive_reopen)
{
	char err[256];
	struct ctl_store *s;
	struct seen seen = {0};
	uint64_t bad;

	mkstore();
	cr_assert_eq(ctl_store_open(dir, &s, err, sizeof(err)), 0, "%s", err);
	struct ctl_store_rec a = rec(0x0a4d0064, 1), b = rec(0x0a4d0065, 2);
	cr_assert_eq(ctl_store_put(s, &a), 0);
	cr_assert_eq(ctl_store_put(s, &b), 0);
	cr_assert(ctl_store_dirty(s));
	cr_assert_eq(ctl_store_commit(s, err, sizeof(err)), 0);
	cr_assert_not(ctl_store_dirty(s));
	/* a delete and an overwrite in one batch */
	b.expires_wall = 2000000000;
	cr_assert_eq(ctl_store_del(s, a.ip), 0);
	cr_assert_eq(ctl_store_put(s, &b), 0);
	cr_assert_eq(ctl_store_commit(s, err, sizeof(err)), 0);
	ctl_store_close(s);

	cr_assert_eq(ctl_store_open(dir, &s, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(ctl_store_load(s, collect, &seen, &bad), 1);
	cr_assert_eq(bad, 0);
	cr_assert_eq(seen.r[0].ip, b.ip);
	cr_assert_eq(seen.r[0].expires_wall, 2000000000);
	cr_assert_eq(seen.r[0].key_len, 7);
	cr_assert_eq(memcmp(seen.r[0].key, b.key, 7), 0);
	cr_assert_eq(memcmp(seen.r[0].mac, b.mac, 6), 0);
	ctl_store_close(s);
}

Test(store, uncommitted_batch_is_not_there)
{
	char err[256];
	struct ctl_store *s;
	struct seen seen = {0};
	uint64_t bad;

	mkstore();
	cr_assert_eq(ctl_store_open(dir, &s, err, sizeof(err)), 0, "%s", err);
	struct ctl_store_rec a = rec(0x0a4d0064, 1);
	cr_assert_eq(ctl_store_put(s, &a), 0);
	/* A second environment sees only committed state, as a restart after kill -9 would. */
	MDB_env *env;
	MDB_txn *txn;
	MDB_dbi dbi;
	MDB_stat st;
	cr_assert_eq(mdb_env_create(&env), 0);
	mdb_env_set_maxdbs(env, 2);
	cr_assert_eq(mdb_env_open(env, dir, MDB_RDONLY, 0600), 0);
	cr_assert_eq(mdb_txn_begin(env, NULL, MDB_RDONLY, &txn), 0);
	cr_assert_eq(mdb_dbi_open(txn, "leases4", 0, &dbi), 0);
	cr_assert_eq(mdb_stat(txn, dbi, &st), 0);
	cr_assert_eq(st.ms_entries, 0);
	mdb_txn_abort(txn);
	mdb_env_close(env);
	cr_assert_eq(ctl_store_commit(s, err, sizeof(err)), 0);
	cr_assert_eq(ctl_store_load(s, collect, &seen, &bad), 1);
	ctl_store_close(s);
}

Test(store, damaged_records_quarantined_and_expired_dropped)
{
	char err[256];
	struct ctl_store *s;
	struct seen seen = {0};
	uint64_t bad;

	mkstore();
	cr_assert_eq(ctl_store_open(dir, &s, err, sizeof(err)), 0, "%s", err);
	struct ctl_store_rec a = rec(0x0a4d0064, 1), b = rec(0x0a4d0065, 2), c = rec(0x0a4d0066, 3);
	ctl_store_put(s, &a);
	ctl_store_put(s, &b);
	ctl_store_put(s, &c);
	cr_assert_eq(ctl_store_commit(s, err, sizeof(err)), 0);
	ctl_store_close(s);

	/* Damage: flip a byte of one record, truncate another, add a foreign key. */
	MDB_env *env;
	MDB_txn *txn;
	MDB_dbi dbi;
	MDB_val k, v;
	uint8_t kb[4] = {10, 77, 0, 0x65}, buf[200];
	cr_assert_eq(mdb_env_create(&env), 0);
	mdb_env_set_maxdbs(env, 2);
	cr_assert_eq(mdb_env_open(env, dir, 0, 0600), 0);
	cr_assert_eq(mdb_txn_begin(env, NULL, 0, &txn), 0);
	cr_assert_eq(mdb_dbi_open(txn, "leases4", 0, &dbi), 0);
	k.mv_size = 4;
	k.mv_data = kb;
	cr_assert_eq(mdb_get(txn, dbi, &k, &v), 0);
	memcpy(buf, v.mv_data, v.mv_size);
	buf[20] ^= 0x40; /* inside the client key: only the CRC can tell */
	v.mv_data = buf;
	cr_assert_eq(mdb_put(txn, dbi, &k, &v, 0), 0);
	kb[3] = 0x66;
	cr_assert_eq(mdb_get(txn, dbi, &k, &v), 0);
	v.mv_size = 10; /* truncated */
	cr_assert_eq(mdb_put(txn, dbi, &k, &v, 0), 0);
	uint8_t long_key[5] = {1, 2, 3, 4, 5};
	k.mv_size = 5;
	k.mv_data = long_key;
	v.mv_size = 3;
	v.mv_data = "abc";
	cr_assert_eq(mdb_put(txn, dbi, &k, &v, 0), 0);
	cr_assert_eq(mdb_txn_commit(txn), 0);
	mdb_env_close(env);

	cr_assert_eq(ctl_store_open(dir, &s, err, sizeof(err)), 0, "%s", err);
	seen.drop_ip = a.ip; /* the one good record: loaded, then dropped as expired */
	cr_assert_eq(ctl_store_load(s, collect, &seen, &bad), 1);
	cr_assert_eq(bad, 3);
	cr_assert_eq(seen.r[0].ip, a.ip);
	/* Nothing is left: the bad ones sit in quarantine, the dropped one is gone. */
	memset(&seen, 0, sizeof(seen));
	cr_assert_eq(ctl_store_load(s, collect, &seen, &bad), 0);
	cr_assert_eq(bad, 0);
	ctl_store_close(s);
}

Test(store, unusable_directory_is_a_clear_error)
{
	char err[256] = "";
	struct ctl_store *s;
	cr_assert_eq(ctl_store_open("/proc/no/such/dir", &s, err, sizeof(err)), -1);
	cr_assert(strstr(err, "/proc/no/such/dir") != NULL, "%s", err);
}
