/* SPDX-License-Identifier: MIT */
/*
 * slots/: which configuration answers whom. Configuration slots A and B
 * (stage, switch, rollback, reload), compiling a loaded configuration into
 * the snapshot the workers read (images into hugepage memory), the canary,
 * DHCP exchanges pinned to the snapshot they began with, and the per-MAC
 * boot funnel ("where"). Depends on config/ and the data plane; the DHCP
 * servers report to it, it never calls them.
 */
#ifndef CTL_SLOTS_H
#define CTL_SLOTS_H

#include "control/core/ctl.h"

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

#endif
