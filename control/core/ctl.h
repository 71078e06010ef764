/* SPDX-License-Identifier: MIT */
/*
 * core/: the control plane's shared state (struct ctl, one per daemon, owned
 * by the control thread), its clock and its log type. Every module of
 * control/ takes a struct ctl; this header depends on no module but config/
 * (types only) and the data plane's interface.
 */
#ifndef CTL_H
#define CTL_H

#include <stdbool.h>
#include <stdint.h>

#include "control/config/ctl_conf.h"
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

#define CTL_PORT_MAX_FDS 16	/* af_packet queue sockets per port we read */
#define CTL_PORT_LOSS_KINDS 5	/* see ops/ctl_ports.c */

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
	/* Losses on each served port, and the warnings about them (ops/ctl_ports.c). */
	struct ctl_port_loss {
		bool probed, af_packet;
		unsigned n_fds;
		int fds[CTL_PORT_MAX_FDS];	/* af_packet: the PMD's packet sockets */
		uint64_t kernel_drops;		/* their PACKET_STATISTICS drops, summed */
		/* missed, nombuf, rx errors, tx errors, UDP checksum left to offload */
		uint64_t total[CTL_PORT_LOSS_KINDS];
		uint64_t warned[CTL_PORT_LOSS_KINDS], warned_at[CTL_PORT_LOSS_KINDS];
	} port_loss[DP_MAX_PORTS];
};

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
