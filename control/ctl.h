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
#include "shared/bf_hist.h"
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

/* Configuration slots A (0) and B (1): ctl_slots.c. */
enum ctl_slot_state { CTL_SLOT_EMPTY, CTL_SLOT_ACTIVE, CTL_SLOT_STAGED, CTL_SLOT_PREVIOUS };
struct ctl_slot {
	struct dp_snap *snap;	/* holds one ctl_ref; NULL when empty */
	uint8_t state;
	char file[4096];
	int64_t loaded;		/* Unix time it was compiled */
};

/* What a slot's clients went through since the canary started (auto-rollback). */
struct ctl_health {
	uint64_t dhcp_acks, dhcp_naks, tftp_done, tftp_failed;
};

struct ctl_canary {
	bool on;
	uint32_t share_ppm;
	char group[CTL_MAX_GROUP];
	uint32_t n_macs;
	uint8_t (*macs)[6];	/* listed MACs, or the group's; sorted */
	size_t n_duids;		/* the group's DHCPv6 hosts known by DUID only */
	struct {
		uint8_t len;
		uint8_t b[130];
	} *duids;
	bool auto_rollback;
	double max_error_rate;
	uint32_t min_samples;
	int64_t since;		/* Unix time */
	struct dp_canary *pub;	/* what the workers see */
};

struct ctl_exch;
struct ctl_where;

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
	/* Time per boot stage, first DISCOVER/Solicit to ACK/Reply (control thread). */
	struct bf_hist stage_dhcp4, stage_dhcp6;
	struct ctl_slot slot[2];
	uint8_t active;			/* index of the active slot */
	struct ctl_canary canary;
	struct ctl_health health[2];
	struct ctl_exch *exch;		/* DHCP exchanges in progress (pinned snapshots) */
	size_t n_exch;
	struct ctl_where *where;	/* per-MAC boot funnel */
	size_t n_where;
	uint64_t tftp_events_dropped;
};

/* ---- configuration slots (ctl_slots.c) ---- */
/* Put the first snapshot in slot A as active (published by the caller). */
void ctl_slots_init(struct ctl *c, struct dp_snap *first, const char *file);
/* Drop every slot, exchange and table (at exit, workers stopped). */
void ctl_slots_fini(struct ctl *c);
/* Compile FILE into the inactive slot (the active one is untouched). */
int ctl_stage(struct ctl *c, const char *path, char *err, size_t errlen);
/* Make the staged slot active; the active one becomes "previous". */
int ctl_switch(struct ctl *c, char *err, size_t errlen);
/* Clear a running canary, else make the previous slot active again. */
int ctl_rollback(struct ctl *c, char *msg, size_t len);
struct ctl_canary_req {
	uint32_t share_ppm;
	const char *group;		/* or NULL */
	size_t n_macs;
	const uint8_t (*macs)[6];
	bool auto_rollback;
	double max_error_rate;
	uint32_t min_samples;
};
int ctl_canary_set(struct ctl *c, const struct ctl_canary_req *req, char *err, size_t errlen);
void ctl_canary_clear(struct ctl *c, const char *why);
/* Does the canary take this client (MAC and/or DUID)? */
bool ctl_canary_takes(const struct ctl *c, const uint8_t *mac, const uint8_t *duid, size_t dlen);
/* The snapshot a DHCP message is answered from: the one its exchange was
 * pinned to (first DISCOVER/Solicit), else the client's slot; begins pins it. */
const struct dp_snap *ctl_exch_snap(struct ctl *c, int family, const uint8_t *key, size_t klen,
				    const uint8_t *mac, const uint8_t *duid, size_t dlen,
				    bool begins);
/* The exchange ended. ACK/Reply (acked): its time is recorded once and it
 * lingers 10 s, so a retransmitted last message gets the same answer. NAK:
 * released at the next tick. Either way the client's next DISCOVER/Solicit
 * starts afresh. */
void ctl_exch_end(struct ctl *c, int family, const uint8_t *key, size_t klen, bool acked);
void ctl_slots_tick(struct ctl *c, uint64_t now_s);
/* One DHCP answer for the funnel (where), the slot's health and the client map. */
void ctl_where_dhcp(struct ctl *c, const uint8_t mac[6], int family, const char *msg,
		    const char *reply, const uint8_t *addr, const char *boot, const char *why,
		    const struct dp_snap *s);
/* One worker transfer event (dp_event). */
void ctl_where_tftp(struct ctl *c, const struct dp_event *e);
struct ctl_where_info {
	bool has_dhcp, has_tftp;
	int family;
	char msg[16], reply[16];
	int64_t dhcp_at;		/* Unix time */
	uint8_t addr[16];
	char boot[CTL_MAX_NAME];
	char why[96];
	uint8_t slot;
	uint64_t generation;
	char file[128];
	uint64_t bytes, size;
	uint8_t tftp_kind;		/* enum dp_ev_kind */
	uint16_t tftp_err;
	int64_t tftp_at;
	char last_error[160];
};
bool ctl_where_find(const struct ctl *c, const uint8_t mac[6], struct ctl_where_info *out);

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

/* Router Advertisements (ctl_ra.c): the periodic schedule, an RS a worker
 * passed on (consumed), and the final lifetime-0 RA once the workers stopped. */
void ctl_ra_tick(struct ctl *c, uint64_t now_ms);
void ctl_ra_rs(struct ctl *c, struct rte_mbuf *m, uint64_t now_ms);
void ctl_ra_final(struct ctl *c);

/* Monotonic clock: microseconds, milliseconds, seconds. */
uint64_t ctl_mono_us(void);
static inline uint64_t
ctl_mono_ms(void)
{
	return ctl_mono_us() / 1000;
}
uint64_t ctl_now(void);

#define CTL_LOG(level, fmt, ...) \
	rte_log(RTE_LOG_##level, ctl_logtype, "bootfarm: " fmt "\n", ##__VA_ARGS__)
extern int ctl_logtype;

#endif
