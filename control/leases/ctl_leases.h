/* SPDX-License-Identifier: MIT */
/*
 * leases/: who holds which address. The DHCPv4 and DHCPv6 servers (every
 * message a worker hands up, lease state, expiry), the durable LMDB store
 * (ctl_store.h, part of this interface) and the reply queue that holds
 * answers until the lease commit that backs them is on disk. Answers from
 * the snapshot slots/ picks for the client and reports each exchange to
 * slots/ (pinning, the boot funnel); replies go out only through the queue
 * (ctl_reply, ctl_flush), never through the loop.
 */
#ifndef CTL_LEASES_H
#define CTL_LEASES_H

#include "control/core/ctl.h"
#include "control/leases/ctl_store.h"

struct bf_ip6_pkt;

const struct ctl_host_ref *ctl_host_by_mac(const struct ctl_snapdata *d, const uint8_t *mac);
const struct ctl_host_ref *ctl_host_by_cid(const struct ctl_snapdata *d, const uint8_t *cid,
					   size_t len);
const struct ctl_host_ref *ctl_host_by_uuid(const struct ctl_snapdata *d, const uint8_t *uuid);
const struct ctl_host_ref *ctl_host_by_ip(const struct ctl_snapdata *d, uint32_t ip);


/* DHCPv4 lease manager (ctl_dhcp4.c). */
struct ctl_leases *ctl_leases_new(void);
void ctl_leases_free(struct ctl_leases *l);
/* Handle one DHCP frame a worker received; replies go to worker w's reply ring. */
void ctl_dhcp4_input(struct ctl *c, const struct dp_snap *snap, struct dp_worker *w,
		     struct rte_mbuf *m);
/*
 * Restore the leases of a store (at start, before any traffic) and keep
 * writing every bound or declined lease to it. Returns the number restored or -1.
 */
int ctl_leases_restore(struct ctl_leases *l, struct ctl_store *store, struct bf_counters *ctr);
/* Queue a reply for worker w; it leaves at the next ctl_flush(). */
void ctl_reply(struct ctl *c, struct dp_worker *w, struct rte_mbuf *m);
/*
 * Commit the lease writes of this pass (one fsync for all of them), then hand
 * every queued reply to its worker. If the commit failed, the replies are
 * dropped and counted: nothing is acknowledged that is not durable.
 */
void ctl_flush(struct ctl *c);

/* Leases for the operator (bootfarmctl): every record, and release by MAC or address. */
struct ctl_lease_info {
	uint32_t ip;
	bool has_mac;
	uint8_t mac[6];
	const char *state;	/* "offered", "bound", "declined" */
	uint64_t expires_in;	/* seconds */
	const char *hostname;
};
void ctl_leases_foreach(const struct ctl_leases *l, void (*fn)(const struct ctl_lease_info *i, void *arg),
			void *arg);
int ctl_leases_release(struct ctl *c, const uint8_t *mac, uint32_t ip);
struct ctl_lease6_info {
	uint8_t addr[16];
	const uint8_t *duid;
	uint8_t duid_len;
	uint16_t type;		/* IA option code: 3 NA, 4 TA, 25 PD */
	uint32_t iaid;
	const char *state;	/* "advertised", "bound", "declined" */
	uint64_t expires_in;
};
void ctl_leases6_foreach(const struct ctl_leases6 *l,
			 void (*fn)(const struct ctl_lease6_info *i, void *arg), void *arg);
int ctl_leases6_release(struct ctl *c, const uint8_t *duid, size_t dl, const uint8_t *mac,
			const uint8_t *addr);

/* Periodic work: expire leases and offers. */
void ctl_dhcp4_tick(struct ctl *c, uint64_t now_s);
uint64_t ctl_leases_count(const struct ctl_leases *l);

/* DHCPv6 server (ctl_dhcp6.c). */
struct ctl_leases6;
struct bf_ip6_pkt;
struct ctl_leases6 *ctl_leases6_new(void);
void ctl_leases6_free(struct ctl_leases6 *l);
uint64_t ctl_leases6_count(const struct ctl_leases6 *l);
/* A DHCPv6 frame (UDP to port 547) a worker received; replies go to w's ring. */
void ctl_dhcp6_input(struct ctl *c, const struct dp_snap *snap, struct dp_worker *w,
		     struct rte_mbuf *m, const struct bf_ip6_pkt *p);
void ctl_dhcp6_tick(struct ctl *c, uint64_t now_s);
/* Restore the DHCPv6 bindings of a store and keep writing them to it. Returns
 * how many or -1. */
int ctl_leases6_restore(struct ctl_leases6 *l, struct ctl_store *store, struct bf_counters *ctr);

#endif
