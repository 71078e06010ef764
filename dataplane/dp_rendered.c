/* SPDX-License-Identifier: MIT */
/*
 * Files rendered for one client (templates), published by the control thread
 * in an RCU lock-free hash table (liburcu's rculfhash, QSBR flavour) that
 * workers read without locks. A replaced entry is freed only after a grace
 * period; a TFTP session holds its own reference on the image, so a file
 * replaced (or cleared at a reload) mid-transfer is still sent whole.
 */
#include <stdlib.h>
#include <string.h>

#include <urcu-qsbr.h>
#include <urcu/rculfhash.h>

#include "dp.h"
#include "shared/bf_hash.h"

struct rnode {
	struct cds_lfht_node node;
	struct dp_image *img;
	struct rnode *next_retired;
};

struct dp_rendered {
	struct cds_lfht *ht;
	uint64_t count;
	uint64_t max;
	struct rnode *retired; /* unlinked, waiting for a grace period */
};

static unsigned long
hash_name(const char *s)
{
	return (unsigned long)bf_fnv1a64(s, strlen(s), BF_FNV64_INIT);
}

static int
match(struct cds_lfht_node *node, const void *key)
{
	return strcmp(caa_container_of(node, struct rnode, node)->img->name, key) == 0;
}

struct dp_rendered *
dp_rendered_new(uint64_t max)
{
	struct dp_rendered *r = calloc(1, sizeof(*r));
	if (!r)
		return NULL;
	r->ht = cds_lfht_new(1024, 1024, 0, CDS_LFHT_AUTO_RESIZE | CDS_LFHT_ACCOUNTING, NULL);
	if (!r->ht) {
		free(r);
		return NULL;
	}
	r->max = max;
	return r;
}

struct dp_image *
dp_rendered_find(struct dp_rendered *r, const char *name)
{
	struct cds_lfht_iter it;
	cds_lfht_lookup(r->ht, hash_name(name), match, name, &it);
	struct cds_lfht_node *n = cds_lfht_iter_get_node(&it);
	return n ? caa_container_of(n, struct rnode, node)->img : NULL;
}

int
dp_rendered_put(struct dp_rendered *r, struct dp_image *img)
{
	struct rnode *n = calloc(1, sizeof(*n));
	if (!n || (r->count >= r->max && !dp_rendered_find(r, img->name))) {
		free(n);
		dp_image_put(img);
		return -1;
	}
	n->img = img;
	cds_lfht_node_init(&n->node);
	rcu_thread_online(); /* rculfhash updates run on the read side */
	struct cds_lfht_node *old =
	    cds_lfht_add_replace(r->ht, hash_name(img->name), match, img->name, &n->node);
	rcu_thread_offline();
	if (old) {
		struct rnode *o = caa_container_of(old, struct rnode, node);
		o->next_retired = r->retired;
		r->retired = o;
	} else {
		r->count++;
	}
	return 0;
}

void
dp_rendered_clear(struct dp_rendered *r)
{
	struct cds_lfht_iter it;
	struct cds_lfht_node *n;

	rcu_thread_online();
	cds_lfht_for_each(r->ht, &it, n) {
		if (cds_lfht_del(r->ht, n) == 0) {
			struct rnode *o = caa_container_of(n, struct rnode, node);
			o->next_retired = r->retired;
			r->retired = o;
		}
	}
	rcu_thread_offline();
	r->count = 0;
}

void
dp_rendered_reclaim(struct dp_rendered *r)
{
	if (!r->retired)
		return;
	synchronize_rcu(); /* no worker can still be looking at a retired node */
	while (r->retired) {
		struct rnode *o = r->retired;
		r->retired = o->next_retired;
		dp_image_put(o->img);
		free(o);
	}
}

uint64_t
dp_rendered_count(const struct dp_rendered *r)
{
	return r->count;
}

void
dp_rendered_free(struct dp_rendered *r)
{
	if (!r)
		return;
	dp_rendered_clear(r);
	dp_rendered_reclaim(r);
	cds_lfht_destroy(r->ht, NULL);
	free(r);
}
