/* SPDX-License-Identifier: MIT */
/*
 * The control plane: configuration compile/publish, the DHCPv4 lease
 * manager, stats. Runs on one control thread; the only writer of lease state.
 */
#ifndef CTL_H
#define CTL_H

#include <stdbool.h>
#include <stdint.h>

#include "ctl_conf.h"
#include "dataplane/dp.h"

struct ctl_lease;
struct ctl_subnet;

/* A reservation with the subnet it belongs to. */
struct ctl_host_ref {
	const struct ctl_conf_host *host;
	const struct ctl_conf_subnet *subnet;
};

/* Compiled control-plane view of one configuration (dp_snap.ctl). */
struct ctl_snapdata {
	struct ctl_conf *conf;
	size_t n_hosts;
	struct ctl_host_ref *by_mac;	/* sorted by MAC; hosts with one */
	size_t n_by_mac;
	struct ctl_host_ref *by_ip;	/* sorted by address; hosts with one */
	size_t n_by_ip;
	struct ctl_host_ref *by_cid;	/* sorted by (length, bytes); hosts with one */
	size_t n_by_cid;
	struct ctl_host_ref *by_uuid;	/* sorted by UUID; hosts with one */
	size_t n_by_uuid;
};

const struct ctl_host_ref *ctl_host_by_mac(const struct ctl_snapdata *d, const uint8_t *mac);
const struct ctl_host_ref *ctl_host_by_cid(const struct ctl_snapdata *d, const uint8_t *cid,
					   size_t len);
const struct ctl_host_ref *ctl_host_by_uuid(const struct ctl_snapdata *d, const uint8_t *uuid);
const struct ctl_host_ref *ctl_host_by_ip(const struct ctl_snapdata *d, uint32_t ip);

/* Lease manager state (DHCPv4), owned by the control thread. */
struct ctl_leases;

/* Replies built in one control pass wait here for the lease commit (group commit). */
#define CTL_MAX_PENDING (DP_BURST * DP_MAX_WORKERS)

struct ctl_store;

/* Router Advertisement schedule of one port (ctl_ra.c). */
struct ctl_ra_port {
	uint64_t next_ms;	/* next unsolicited RA (0: not advertising yet) */
	uint64_t rs_at;		/* an RS answer due at, 0: none */
	uint64_t last_ms;	/* last multicast RA */
	bool have_last;
	unsigned n_sent;
};

struct ctl {
	struct dp_ctx *dp;
	struct ctl_leases *leases;
	struct ctl_store *store;	/* durable leases, or NULL (memory only) */
	unsigned n_pending;
	struct {
		struct dp_worker *w;
		struct rte_mbuf *m;
	} pending[CTL_MAX_PENDING];
	struct bf_counters ctr;	/* control thread's own counters */
	char conf_path[4096];
	const char *stats_path;
	uint64_t generation;
	struct ctl_ra_port ra[DP_MAX_PORTS];
	struct ctl_leases6 *leases6;	/* DHCPv6 leases (memory only for now) */
	uint64_t ra_rng;
};

/*
 * Compile a loaded configuration into a snapshot (images loaded into hugepage
 * memory, unchanged ones shared with prev). Takes ownership of conf on
 * success. Returns NULL and a message in err on failure (conf untouched).
 */
struct dp_snap *ctl_snap_compile(struct ctl *c, struct ctl_conf *conf, const struct dp_snap *prev,
				 char *err, size_t errlen);

/* Load FILE, compile, publish; the old snapshot is freed after a grace period. */
int ctl_reload(struct ctl *c, const char *path);

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

/* The first boot rule matching a client (iPXE or not, its first architecture
 * code or NULL, its vendor class bytes or NULL): DHCPv4 and DHCPv6 alike. */
const struct ctl_conf_boot_rule *ctl_match_rule(const struct ctl_conf *conf, bool is_ipxe,
						const uint16_t *arch, const uint8_t *vc, size_t vlen);

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

/* Router Advertisements (ctl_ra.c): the periodic schedule, an RS a worker
 * passed on (consumed), and the final lifetime-0 RA once the workers stopped. */
void ctl_ra_tick(struct ctl *c, uint64_t now_ms);
void ctl_ra_rs(struct ctl *c, struct rte_mbuf *m, uint64_t now_ms);
void ctl_ra_final(struct ctl *c);

/* Monotonic seconds. */
uint64_t ctl_now(void);

#define CTL_LOG(level, fmt, ...) \
	rte_log(RTE_LOG_##level, ctl_logtype, "bootfarm: " fmt "\n", ##__VA_ARGS__)
extern int ctl_logtype;

#endif
