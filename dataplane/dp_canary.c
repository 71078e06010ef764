/* SPDX-License-Identifier: MIT */
/*
 * The canary as the workers see it: which snapshot a client's TFTP request
 * reads. The address map is liburcu's rculfhash (QSBR flavour): workers look
 * up without locks; the control thread, the only writer, updates a node's
 * slot in place and frees cleared nodes after a grace period.
 */
#include <stdlib.h>
#include <string.h>

#include <urcu-qsbr.h>
#include <urcu/rculfhash.h>

#include "dp.h"
#include "shared/bf_canary.h"

struct cnode {
	struct cds_lfht_node node;
	uint8_t addr[16];
	uint8_t slot; /* written by the control thread, read by workers: one byte */
	struct rcu_head rcu;
};

struct dp_clients {
	struct cds_lfht *ht;
	uint64_t count;
};

static int
cmp_mac(const void *a, const void *b)
{
	return memcmp(a, b, 6);
}

bool
dp_canary_has_mac(const struct dp_canary *cn, const uint8_t mac[6])
{
	if (cn->n_macs && bsearch(mac, cn->macs, cn->n_macs, 6, cmp_mac))
		return true;
	return cn->share_ppm && bf_canary_in_share(mac, 6, cn->share_ppm);
}

static unsigned long
hash_addr(const uint8_t a[16])
{
	uint64_t x, y;
	memcpy(&x, a, 8);
	memcpy(&y, a + 8, 8);
	x ^= y * 0x9e3779b97f4a7c15ull;
	return (unsigned long)(x ^ (x >> 29));
}

static int
match(struct cds_lfht_node *node, const void *key)
{
	return memcmp(caa_container_of(node, struct cnode, node)->addr, key, 16) == 0;
}

struct dp_clients *
dp_clients_new(void)
{
	struct dp_clients *cl = calloc(1, sizeof(*cl));
	if (!cl)
		return NULL;
	cl->ht = cds_lfht_new(1024, 1024, 0, CDS_LFHT_AUTO_RESIZE | CDS_LFHT_ACCOUNTING, NULL);
	if (!cl->ht) {
		free(cl);
		return NULL;
	}
	return cl;
}

static struct cnode *
lookup(struct dp_clients *cl, const uint8_t addr[16])
{
	struct cds_lfht_iter it;
	cds_lfht_lookup(cl->ht, hash_addr(addr), match, addr, &it);
	struct cds_lfht_node *n = cds_lfht_iter_get_node(&it);
	return n ? caa_container_of(n, struct cnode, node) : NULL;
}

int
dp_clients_find(struct dp_clients *cl, const uint8_t addr[16])
{
	struct cnode *n = lookup(cl, addr);
	return n ? __atomic_load_n(&n->slot, __ATOMIC_RELAXED) : -1;
}

int
dp_clients_set(struct dp_clients *cl, const uint8_t addr[16], uint8_t slot)
{
	rcu_thread_online();
	struct cnode *n = lookup(cl, addr);
	if (n) {
		__atomic_store_n(&n->slot, slot, __ATOMIC_RELAXED);
		rcu_thread_offline();
		return 0;
	}
	rcu_thread_offline();
	if (cl->count >= 1u << 20) /* a bound, not a limit anyone should reach */
		return -1;
	n = calloc(1, sizeof(*n));
	if (!n)
		return -1;
	memcpy(n->addr, addr, 16);
	n->slot = slot;
	cds_lfht_node_init(&n->node);
	rcu_thread_online();
	cds_lfht_add(cl->ht, hash_addr(addr), &n->node);
	rcu_thread_offline();
	cl->count++;
	return 0;
}

static void
free_node(struct rcu_head *h)
{
	free(caa_container_of(h, struct cnode, rcu));
}

void
dp_clients_clear(struct dp_clients *cl)
{
	struct cds_lfht_iter it;
	struct cnode *n;

	rcu_thread_online();
	cds_lfht_for_each_entry(cl->ht, &it, n, node) {
		if (cds_lfht_del(cl->ht, &n->node) == 0)
			call_rcu(&n->rcu, free_node);
	}
	rcu_thread_offline();
	cl->count = 0;
}

uint64_t
dp_clients_count(const struct dp_clients *cl)
{
	return cl->count;
}

void
dp_clients_free(struct dp_clients *cl)
{
	if (!cl)
		return;
	dp_clients_clear(cl);
	rcu_barrier(); /* every call_rcu above has run */
	cds_lfht_destroy(cl->ht, NULL);
	free(cl);
}

const struct dp_snap *
dp_client_snap(struct dp_ctx *ctx, const struct dp_snap *active, const uint8_t mac[6],
	       const uint8_t addr[16])
{
	const struct dp_canary *cn = rcu_dereference(ctx->canary);
	if (!cn)
		return active;
	int slot = ctx->clients ? dp_clients_find(ctx->clients, addr) : -1;
	if (slot >= 0)
		return slot == cn->snap->slot ? cn->snap : active;
	return dp_canary_has_mac(cn, mac) ? cn->snap : active;
}
