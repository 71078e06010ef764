/* SPDX-License-Identifier: MIT */
/*
 * The reply queue the DHCP servers answer into: replies of one control pass
 * wait here for the lease commit (group commit: one fsync for a burst), then
 * go to their workers. Nothing is acknowledged that is not durable.
 */
#include <rte_mbuf.h>
#include <rte_ring.h>

#include "control/leases/ctl_leases.h"

void
ctl_reply(struct ctl *c, struct dp_worker *w, struct rte_mbuf *m)
{
	if (c->n_pending == CTL_MAX_PENDING)
		ctl_flush(c);
	c->pending[c->n_pending].w = w;
	c->pending[c->n_pending].m = m;
	c->n_pending++;
}

void
ctl_flush(struct ctl *c)
{
	bool durable = true;
	char err[256];

	if (c->store && ctl_store_dirty(c->store)) {
		if (ctl_store_commit(c->store, err, sizeof(err)) == 0) {
			BF_CNT(&c->ctr, dhcp4_store_commits);
		} else {
			durable = false;
			CTL_LOG(CRIT, "leases: commit failed (%s): %u replies withheld", err,
				c->n_pending);
		}
	}
	for (unsigned i = 0; i < c->n_pending; i++) {
		struct rte_mbuf *m = c->pending[i].m;
		if (!durable) {
			BF_CNT(&c->ctr, drop_dhcp4_store_fail);
			rte_pktmbuf_free(m);
		} else if (rte_ring_enqueue(c->pending[i].w->from_ctl, m) != 0) {
			BF_CNT(&c->ctr, drop_tx_full);
			rte_pktmbuf_free(m);
		}
	}
	c->n_pending = 0;
	/* Rendered files replaced this pass: freed once no worker can see them. */
	if (c->dp->rendered)
		dp_rendered_reclaim(c->dp->rendered);
}
