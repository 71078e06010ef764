/* SPDX-License-Identifier: MIT */
/*
 * DPDK telemetry commands under /bootfarm/ (read with dpdk-telemetry.py):
 *   /bootfarm/stats     every counter, summed over the workers and control
 *   /bootfarm/leases    DHCPv4 leases bound, lease store on or off
 *   /bootfarm/sessions  TFTP transfers in progress, per worker and in all
 *   /bootfarm/config    running configuration: generation, file, images
 *   /bootfarm/slots     slots A and B (state, generation, file), active, canary
 * Callbacks run on DPDK's telemetry thread and only read: counters are
 * single-writer 64-bit values, read whole.
 */
#include <rte_telemetry.h>

#include "control/core/ctl.h"
#include "control/leases/ctl_leases.h"
#include "control/ops/ctl_ops.h"

static const struct ctl *g_ctl; /* telemetry callbacks carry no argument */

static int
tel_stats(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct bf_counters sum;
	(void)cmd;
	(void)params;
	ctl_sum_counters(g_ctl, &sum);
	rte_tel_data_start_dict(d);
	for (unsigned k = 0; k < BF_CTR__COUNT; k++)
		rte_tel_data_add_dict_u64(d, bf_ctr_name[k], sum.v[k]);
	return 0;
}

static int
tel_leases(const char *cmd, const char *params, struct rte_tel_data *d)
{
	(void)cmd;
	(void)params;
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_u64(d, "dhcp4_bound", ctl_leases_count(g_ctl->leases));
	rte_tel_data_add_dict_u64(d, "durable", g_ctl->store != NULL);
	return 0;
}

static int
tel_sessions(const char *cmd, const char *params, struct rte_tel_data *d)
{
	char name[32];
	uint64_t all = 0;
	(void)cmd;
	(void)params;
	rte_tel_data_start_dict(d);
	for (unsigned i = 0; i < g_ctl->dp->n_workers; i++) {
		uint64_t n = g_ctl->dp->workers[i]->g_sessions;
		snprintf(name, sizeof(name), "worker%u", i);
		rte_tel_data_add_dict_u64(d, name, n);
		all += n;
	}
	rte_tel_data_add_dict_u64(d, "tftp_sessions", all);
	return 0;
}

static int
tel_config(const char *cmd, const char *params, struct rte_tel_data *d)
{
	/* The snapshot may be swapped meanwhile: read the fields of one pointer. */
	const struct dp_snap *s = __atomic_load_n(&g_ctl->dp->snap, __ATOMIC_ACQUIRE);
	(void)cmd;
	(void)params;
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_string(d, "file", g_ctl->conf_path);
	rte_tel_data_add_dict_u64(d, "generation", s ? s->generation : 0);
	rte_tel_data_add_dict_u64(d, "workers", g_ctl->dp->n_workers);
	return 0;
}

static int
tel_slots(const char *cmd, const char *params, struct rte_tel_data *d)
{
	static const char *const st[] = {"empty", "active", "staged", "previous"};
	/* A plain read of state the control thread changes: a value may be a moment old. */
	const struct ctl *c = g_ctl;
	(void)cmd;
	(void)params;
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_string(d, "active", c->active ? "B" : "A");
	for (int k = 0; k < 2; k++) {
		const struct ctl_slot *s = &c->slot[k];
		struct dp_snap *snap = __atomic_load_n(&s->snap, __ATOMIC_ACQUIRE);
		struct rte_tel_data *o = rte_tel_data_alloc();
		if (!o)
			return -1;
		rte_tel_data_start_dict(o);
		rte_tel_data_add_dict_string(o, "state", st[s->state & 3]);
		rte_tel_data_add_dict_u64(o, "generation", snap ? snap->generation : 0);
		rte_tel_data_add_dict_string(o, "file", snap ? s->file : "");
		rte_tel_data_add_dict_u64(o, "images", snap ? snap->n_images : 0);
		rte_tel_data_add_dict_container(d, k ? "B" : "A", o, 0);
	}
	rte_tel_data_add_dict_u64(d, "canary", c->canary.on);
	rte_tel_data_add_dict_u64(d, "canary_share_ppm", c->canary.on ? c->canary.share_ppm : 0);
	rte_tel_data_add_dict_u64(d, "canary_macs", c->canary.on ? c->canary.n_macs : 0);
	rte_tel_data_add_dict_u64(d, "dhcp_exchanges_pinned", c->n_exch);
	return 0;
}

int
ctl_telemetry_init(const struct ctl *c)
{
	g_ctl = c;
	return rte_telemetry_register_cmd("/bootfarm/stats", tel_stats,
					  "Every bootfarm counter, summed. No parameters") ||
	       rte_telemetry_register_cmd("/bootfarm/leases", tel_leases,
					  "DHCPv4 leases bound; lease store on (1) or off. No parameters") ||
	       rte_telemetry_register_cmd("/bootfarm/sessions", tel_sessions,
					  "TFTP transfers in progress, per worker. No parameters") ||
	       rte_telemetry_register_cmd("/bootfarm/config", tel_config,
					  "Running configuration: file, generation, workers. No parameters") ||
	       rte_telemetry_register_cmd("/bootfarm/slots", tel_slots,
					  "Configuration slots A and B, the active one, the canary. No parameters");
}
