/* SPDX-License-Identifier: MIT */
/*
 * The durable DHCPv4 lease store: LMDB, one record per address. Writes are
 * batched into one write transaction; ctl_store_commit() makes the batch
 * durable with a single fsync (group commit). The lease manager sends no ACK
 * before the commit that holds its lease returned.
 *
 * Control thread only (LMDB write transactions belong to one thread).
 */
#ifndef CTL_STORE_H
#define CTL_STORE_H

#include <stddef.h>
#include <stdint.h>

#define CTL_STORE_KEY_MAX 65

/* One lease as stored. Expiry is wall-clock time: monotonic time does not
 * survive a restart. */
struct ctl_store_rec {
	uint32_t ip;		/* host order */
	uint8_t state;		/* lease state of ctl_dhcp4.c (bound, declined) */
	uint8_t key_len;
	uint8_t key[CTL_STORE_KEY_MAX];
	uint8_t mac[6];
	int64_t expires_wall;	/* seconds since the epoch */
};

struct ctl_store;

/* Open (creating the directory and the database if needed). Returns 0 or -1 with err. */
int ctl_store_open(const char *dir, struct ctl_store **out, char *err, size_t errlen);
/* Commit what is pending and close. */
void ctl_store_close(struct ctl_store *s);

/*
 * Hand every valid record to fn; when fn returns 1 the record is deleted
 * (expired). Records that fail validation (wrong size, version, checksum or
 * values) are moved to a quarantine table, never loaded, and counted in
 * *n_bad. One transaction. Returns the number of records handed over, or -1.
 */
long ctl_store_load(struct ctl_store *s, int (*fn)(const struct ctl_store_rec *, void *),
		    void *arg, uint64_t *n_bad);

/* Stage a write or a delete in the current batch. Returns 0 or -1 (batch failed). */
int ctl_store_put(struct ctl_store *s, const struct ctl_store_rec *r);
int ctl_store_del(struct ctl_store *s, uint32_t ip);
/* Whether the current batch holds writes not yet committed. */
int ctl_store_dirty(const struct ctl_store *s);
/*
 * Make the batch durable (one fsync). Returns 0, or -1 if the batch was lost
 * (disk full, I/O error, or an earlier put/del in it failed): then nothing
 * of it may be acknowledged.
 */
int ctl_store_commit(struct ctl_store *s, char *err, size_t errlen);

/* DHCPv6 bindings, one record per address or delegated prefix (same batch and
 * commit as DHCPv4: one fsync covers both). */
struct ctl_store_rec6 {
	uint8_t addr[16];	/* address, or prefix for IA_PD */
	uint16_t ia_type;	/* 3 IA_NA, 4 IA_TA, 25 IA_PD; 0 a declined address */
	uint32_t iaid;
	uint8_t duid_len;	/* 2..130 */
	uint8_t duid[130];
	int64_t expires_wall;	/* seconds since the epoch */
};
int ctl_store_put6(struct ctl_store *s, const struct ctl_store_rec6 *r);
int ctl_store_del6(struct ctl_store *s, const uint8_t addr[16]);
long ctl_store_load6(struct ctl_store *s, int (*fn)(const struct ctl_store_rec6 *, void *),
		     void *arg, uint64_t *n_bad);

#endif
