/* SPDX-License-Identifier: MIT */
/*
 * bootfarmd: wires the libraries together. Start-up order: arguments, EAL,
 * configuration load (a bad file stops start-up), ports, workers, first
 * snapshot, control thread, worker lcores (the main lcore runs worker 0).
 * Shutdown in reverse on SIGINT/SIGTERM; SIGHUP reloads the configuration.
 * Signal handlers only set flags.
 */
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_lcore.h>
#include <rte_log.h>
#include <urcu-qsbr.h>

#include "control/core/ctl.h"
#include "control/leases/ctl_leases.h"
#include "control/slots/ctl_slots.h"
#include "control/ra/ctl_ra.h"
#include "control/ops/ctl_ops.h"
#include "control/ctl_loop.h"

static struct dp_ctx g_dp;
static volatile int g_reload;

static void
on_signal(int sig)
{
	if (sig == SIGHUP)
		__atomic_store_n(&g_reload, 1, __ATOMIC_RELEASE);
	else
		__atomic_store_n(&g_dp.quit, 1, __ATOMIC_RELEASE);
}

static void
usage(FILE *f)
{
	fprintf(f,
		"usage: bootfarmd --config FILE [options] [EAL arguments]\n"
		"       bootfarmd --check FILE\n"
		"options:\n"
		"  --config FILE      YAML configuration (see README)\n"
		"  --check FILE       validate FILE (syntax, values, images) and exit\n"
		"  --stats-file PATH  rewrite PATH with all counters every 500 ms\n"
		"  --idle-us N        idle workers sleep N us (0 = pure polling, default)\n"
		"Every other argument goes to DPDK's EAL, e.g. -l 0,1 --no-huge --no-pci\n"
		"--vdev net_tap0,iface=bf0   or   --vdev net_af_packet0,iface=veth0\n");
}

static int
check_config(const char *path)
{
	char err[1024];
	struct ctl_conf *conf;

	if (ctl_conf_load(path, &conf, err, sizeof(err)) != 0) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	size_t hosts = 0;
	for (size_t i = 0; i < conf->n_subnets; i++)
		hosts += conf->subnets[i].n_hosts;
	printf("%s: OK (%zu interfaces, %zu subnets, %zu hosts, %zu boot rules, %zu images)\n",
	       path, conf->n_ifaces, conf->n_subnets, hosts, conf->n_rules, conf->n_images);
	ctl_conf_free(conf);
	return 0;
}

static const struct ctl_conf *
snap_conf(const struct dp_snap *s)
{
	return ((const struct ctl_snapdata *)s->ctl)->conf;
}

static void *
control_main(void *arg)
{
	ctl_loop(arg, &g_reload);
	return NULL;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"config", required_argument, NULL, 'c'},
		{"check", required_argument, NULL, 'k'},
		{"stats-file", required_argument, NULL, 's'},
		{"idle-us", required_argument, NULL, 'i'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *config = NULL, *stats = NULL;
	char **eal_argv = calloc((size_t)argc + 4, sizeof(char *));
	int eal_argc = 0;
	bool no_huge = false, has_mem = false;
	unsigned idle_us = 0;
	int rc = 1;

	if (!eal_argv)
		return 1;
	eal_argv[eal_argc++] = argv[0];
	/* Our long options first; everything else is the EAL's. */
	for (int i = 1; i < argc; i++) {
		const struct option *o = NULL;
		for (const struct option *q = opts; q->name; q++)
			if (strncmp(argv[i], "--", 2) == 0 && strcmp(argv[i] + 2, q->name) == 0)
				o = q;
		if (!o) {
			no_huge |= strcmp(argv[i], "--no-huge") == 0;
			has_mem |= strcmp(argv[i], "-m") == 0 || strncmp(argv[i], "--socket-mem", 12) == 0;
			eal_argv[eal_argc++] = argv[i];
			continue;
		}
		const char *val = NULL;
		if (o->has_arg) {
			if (i + 1 >= argc) {
				fprintf(stderr, "bootfarmd: --%s needs a value\n", o->name);
				rc = 2;
				goto out_args;
			}
			val = argv[++i];
		}
		switch (o->val) {
		case 'c':
			config = val;
			break;
		case 'k':
			rc = check_config(val);
			goto out_args;
		case 's':
			stats = val;
			break;
		case 'i':
			idle_us = (unsigned)strtoul(val, NULL, 10);
			break;
		case 'h':
			usage(stdout);
			rc = 0;
			goto out_args;
		}
	}
	if (!config) {
		usage(stderr);
		rc = 2;
		goto out_args;
	}
	/* --no-huge gives 64 MB by default: too little for images plus mbufs. */
	if (no_huge && !has_mem) {
		eal_argv[eal_argc++] = "-m";
		eal_argv[eal_argc++] = "1024";
	}

	/* Validate before touching DPDK, so a bad file fails fast and clearly. */
	char err[1024];
	struct ctl_conf *conf = NULL;
	if (ctl_conf_load(config, &conf, err, sizeof(err)) != 0) {
		fprintf(stderr, "bootfarmd: %s\n", err);
		goto out_args;
	}
	if (rte_eal_init(eal_argc, eal_argv) < 0) {
		fprintf(stderr, "bootfarmd: EAL initialisation failed (%s)\n",
			rte_strerror(rte_errno));
		ctl_conf_free(conf);
		goto out_args;
	}
	ctl_logtype = rte_log_register_type_and_pick_level("bootfarm", RTE_LOG_INFO);
	if (ctl_logtype < 0)
		ctl_logtype = RTE_LOGTYPE_USER1;
	/* --log-level=bootfarm:notice: no line per exchange or transfer (dnsmasq's quiet-dhcp) */
	g_dp.log_info = rte_log_can_log((uint32_t)ctl_logtype, RTE_LOG_INFO);

	struct ctl c;
	memset(&c, 0, sizeof(c));
	c.dp = &g_dp;
	c.stats_path = stats;
	snprintf(c.conf_path, sizeof(c.conf_path), "%s", config);
	g_dp.idle_us = idle_us;
	g_dp.tsc_hz = rte_get_tsc_hz();

	unsigned n_workers = rte_lcore_count();
	if (n_workers > DP_MAX_WORKERS)
		n_workers = DP_MAX_WORKERS;
	/* Exception taps before the ports are configured: they are ports too. */
	for (size_t i = 0; i < conf->n_ifaces; i++) {
		const struct ctl_conf_iface *ci = &conf->ifaces[i];
		struct rte_ether_addr pmac;
		if (!ci->kernel[0])
			continue;
		if (!rte_eth_dev_is_valid_port(ci->port) || rte_eth_macaddr_get(ci->port, &pmac) ||
		    dp_exc_create(&g_dp, ci->port, ci->kernel,
				  ci->has_mac ? ci->mac : pmac.addr_bytes, err, sizeof(err))) {
			if (!rte_eth_dev_is_valid_port(ci->port))
				snprintf(err, sizeof(err), "interfaces[%zu]: no DPDK port %u", i,
					 ci->port);
			CTL_LOG(ERR, "exception path: %s", err);
			ctl_conf_free(conf);
			goto out_eal;
		}
	}
	if (dp_ports_init(&g_dp, n_workers, err, sizeof(err)) != 0) {
		CTL_LOG(ERR, "ports: %s", err);
		ctl_conf_free(conf);
		goto out_ports;
	}
	CTL_LOG(INFO, "mbuf pool: %u mbufs (%s)", g_dp.pool->size,
		rte_mempool_get_ops(g_dp.pool->ops_index)->name);
	for (size_t i = 0; i < conf->n_ifaces; i++) {
		const struct ctl_conf_iface *ci = &conf->ifaces[i];
		if (!ci->kernel[0])
			continue;
		if (ctl_kif_setup(ci, err, sizeof(err)) != 0) {
			CTL_LOG(ERR, "exception path: %s", err);
			ctl_conf_free(conf);
			goto out_ports;
		}
		CTL_LOG(NOTICE, "exception path: port %u <-> kernel interface %s", ci->port,
			ci->kernel);
	}
	uint32_t max_sessions = conf->tftp.max_sessions ? conf->tftp.max_sessions : CTL_TFTP_SESSIONS;
	unsigned lcore, id = 0;
	RTE_LCORE_FOREACH(lcore) {
		if (id == n_workers)
			break;
		struct dp_worker *w = dp_worker_create(&g_dp, id, lcore);
		if (!w || dp_tftp_init(w, max_sessions) != 0 || (id == 0 && dp_mtftp_init(w) != 0)) {
			CTL_LOG(ERR, "worker %u: out of memory", id);
			dp_worker_destroy(w);
			ctl_conf_free(conf);
			goto out_workers;
		}
		g_dp.workers[id++] = w;
	}
	c.leases = ctl_leases_new();
	c.leases6 = ctl_leases6_new();
	if (c.leases && conf->lease_store) {
		if (ctl_store_open(conf->lease_store, &c.store, err, sizeof(err)) != 0) {
			CTL_LOG(ERR, "%s", err);
			ctl_conf_free(conf);
			goto out_workers;
		}
		int n = ctl_leases_restore(c.leases, c.store, &c.ctr);
		if (n < 0) {
			CTL_LOG(ERR, "leases: cannot read %s", conf->lease_store);
			ctl_conf_free(conf);
			goto out_workers;
		}
		CTL_LOG(NOTICE, "leases: restored %d from %s (%llu damaged records quarantined)", n,
			conf->lease_store, (unsigned long long)c.ctr.v[BF_CTR_dhcp4_store_bad]);
		int n6 = c.leases6 ? ctl_leases6_restore(c.leases6, c.store, &c.ctr) : -1;
		if (n6 < 0) {
			CTL_LOG(ERR, "leases: cannot read the DHCPv6 bindings in %s", conf->lease_store);
			ctl_conf_free(conf);
			goto out_workers;
		}
		CTL_LOG(NOTICE, "leases: restored %d DHCPv6 bindings", n6);
	} else if (c.leases) {
		CTL_LOG(WARNING, "leases: no dhcp4.lease_store: leases live in memory only");
	}
	struct dp_snap *snap = c.leases ? ctl_snap_compile(&c, conf, NULL, err, sizeof(err)) : NULL;
	if (!snap) {
		CTL_LOG(ERR, "config: %s", c.leases ? err : "out of memory");
		ctl_conf_free(conf);
		goto out_workers;
	}
	rcu_set_pointer(&g_dp.snap, snap);
	ctl_slots_init(&c, snap, config);
	g_dp.rendered = dp_rendered_new(65536);
	g_dp.clients = dp_clients_new();
	if (!g_dp.rendered || !g_dp.clients) {
		CTL_LOG(ERR, "rendered files: out of memory");
		goto out_snap;
	}
	CTL_LOG(NOTICE, "config %s published as generation %llu (%u images)", config,
		(unsigned long long)snap->generation, snap->n_images);

	/* After the kernel interfaces have their addresses: HTTP binds to them. */
	if (ctl_http_start(&g_dp, &snap_conf(snap)->http, err, sizeof(err)) != 0) {
		CTL_LOG(ERR, "%s", err);
		goto out_snap;
	}
	if (ctl_sock_start(&snap_conf(snap)->control, err, sizeof(err)) != 0) {
		CTL_LOG(ERR, "%s", err);
		goto out_snap;
	}
	CTL_LOG(NOTICE, "control socket %s (%s)", snap_conf(snap)->control.socket,
		snap_conf(snap)->control.group[0] ? snap_conf(snap)->control.group : "root only");
	if (ctl_telemetry_init(&c) != 0)
		CTL_LOG(WARNING, "telemetry: /bootfarm/ commands not registered");
	/* The default address may be taken (another bootfarmd on the host): then
	 * only a warning; an address the operator chose must work. */
	const struct ctl_conf_control *cc = &snap_conf(snap)->control;
	if (ctl_metrics_start(&c, cc, err, sizeof(err)) != 0) {
		if (!cc->metrics_default) {
			CTL_LOG(ERR, "%s", err);
			goto out_snap;
		}
		CTL_LOG(WARNING, "%s (control.metrics not set: running without)", err);
	} else if (cc->metrics) {
		CTL_LOG(NOTICE, "metrics: serving http://%s/metrics", cc->metrics_text);
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGHUP, on_signal);

	pthread_t ctl_thread, exc_thread;
	bool exc = dp_exc_any(&g_dp);
	if (exc && rte_ctrl_thread_create(&exc_thread, "bf-kernel", NULL, dp_exc_thread, &g_dp)) {
		CTL_LOG(ERR, "cannot start the exception path thread");
		goto out_snap;
	}
	if (rte_ctrl_thread_create(&ctl_thread, "bf-control", NULL, control_main, &c) != 0) {
		CTL_LOG(ERR, "cannot start the control thread");
		__atomic_store_n(&g_dp.quit, 1, __ATOMIC_RELEASE);
		if (exc)
			pthread_join(exc_thread, NULL);
		goto out_snap;
	}
	for (unsigned i = 0; i < g_dp.n_ports; i++) {
		const struct dp_iface *ifc = &snap->iface[g_dp.port_ids[i]];
		char ipb[16], macb[18], name[160];
		uint16_t p = g_dp.port_ids[i];
		/* what the rings are: the first thing to know when frames go missing
		 * (net_af_packet ignores descriptors: its ring is framecnt frames) */
		ctl_port_name(p, name, sizeof(name));
		CTL_LOG(NOTICE, "port %u: %s %s/%u mtu %u (%s); %s, %u queue pair(s) of %u rx / %u tx descriptors",
			p, bf_mac_str(ifc->mac, macb), bf_ip4_str(ifc->ip4, ipb), ifc->prefix4, ifc->mtu,
			ifc->configured ? "serving" : "not configured: ignored", name, n_workers,
			g_dp.port_rxd[p], g_dp.port_txd[p]);
	}
	CTL_LOG(NOTICE, "%u worker(s) on lcores; control thread started; ready", n_workers);
	for (unsigned i = 1; i < n_workers; i++)
		rte_eal_remote_launch(dp_worker_loop, g_dp.workers[i], g_dp.workers[i]->lcore);
	dp_worker_loop(g_dp.workers[0]);
	rte_eal_mp_wait_lcore();
	pthread_join(ctl_thread, NULL);
	if (exc)
		pthread_join(exc_thread, NULL);
	ctl_ra_final(&c); /* RFC 4861 6.2.5: hosts drop us as a router at once */
	CTL_LOG(NOTICE, "stopped");
	rc = 0;
out_snap:
	ctl_metrics_stop(); /* it reads the workers, leases and snapshot freed below */
	ctl_sock_stop();
	ctl_http_stop();
	rcu_register_thread(); /* clearing the tables is an RCU update */
	rcu_thread_offline();
	if (g_dp.rendered) {
		dp_rendered_free(g_dp.rendered);
		g_dp.rendered = NULL;
	}
	if (c.slot[0].snap || c.slot[1].snap) {
		ctl_slots_fini(&c); /* frees the active snapshot too */
		g_dp.snap = NULL;
	}
	dp_clients_free(g_dp.clients);
	g_dp.clients = NULL;
	rcu_unregister_thread();
	dp_snap_free(g_dp.snap);
	g_dp.snap = NULL;
out_workers:
	for (unsigned i = 0; i < DP_MAX_WORKERS; i++) {
		dp_worker_destroy(g_dp.workers[i]);
		g_dp.workers[i] = NULL;
	}
	ctl_store_close(c.store);
	ctl_leases_free(c.leases);
	ctl_leases6_free(c.leases6);
out_ports:
	dp_ports_close(&g_dp);
out_eal:
	rte_eal_cleanup();
out_args:
	free(eal_argv);
	return rc;
}
