/* SPDX-License-Identifier: MIT */
/*
 * bfstorm-inproc: boot-storm mode (a). bootfarm's own workers and lease manager
 * (the daemon's libraries, unchanged) and the storm engine in one process,
 * joined by a ring-backed DPDK port (rte_eth_from_rings): frames pass by
 * pointer, no kernel and no copy in the path, so what is measured is our data
 * path. Worker k polls rx queue k; the generator, on the main lcore, plays the
 * NIC: it puts a TFTP ACK on the queue of the worker that owns its transfer
 * port (what RSS-steered TIDs give on a real NIC) and spreads the rest by MAC.
 *
 * Figures: boots/s, delivery rate, time to boot from the engine; DATA packets
 * and the workers' busy TSC cycles from bootfarm's own counters, so cycles per
 * DATA packet (and the per-core packet rate they imply) are bootfarm's cost
 * alone, whatever the generator spends on its own core.
 *
 * usage: bfstorm-inproc [options] [-- EAL arguments]   (see usage())
 */
#include <dirent.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_eth_ring.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_ring.h>
#include <urcu-qsbr.h>

#include "control/core/ctl.h"
#include "control/leases/ctl_leases.h"
#include "control/slots/ctl_slots.h"
#include "control/ctl_loop.h"
#include "control/ops/ctl_ops.h"
#include "shared/bf_wire.h"
#include "mcstorm.h"
#include "storm.h"

#define GEN_BURST 64
#define RING_SIZE 8192

struct opts {
	uint32_t clients;
	uint32_t image_kib;
	uint16_t blksize, window;
	double loss, ramp_s, max_s;
	unsigned workers;
	const char *series, *image, *pool_ops;
	bool progress, multicast, dhcp_only;
	uint32_t timeout_ms;
};

static struct dp_ctx g_dp;
static struct ctl g_ctl;
static volatile int g_reload;
static struct rte_ring *g_in[DP_MAX_WORKERS], *g_out[DP_MAX_WORKERS], *g_done[DP_MAX_WORKERS];

static void
usage(FILE *f)
{
	fprintf(f,
		"usage: bfstorm-inproc [options] [-- EAL arguments]\n"
		"  --clients N       simulated PXE clients (default 1000)\n"
		"  --image-kib K     NBP size (default 1024), random bytes\n"
		"  --blksize B       TFTP blksize (default 1468)\n"
		"  --window W        TFTP windowsize (default 16)\n"
		"  --loss P          injected loss, each direction (default 0)\n"
		"  --ramp S          spread client starts over S seconds (default 0: all at once)\n"
		"  --workers N       bootfarm workers, one lcore each (default 1)\n"
		"  --max-seconds T   stop after T seconds (default 120)\n"
		"  --timeout-ms T    client retransmission timeout (default 500); the\n"
		"                    server's is twice that, at least 1000\n"
		"  --series FILE     time series CSV (100 ms rows)\n"
		"  --progress        progress bar on stderr\n"
		"  --multicast       RFC 2090 multicast TFTP, static addresses, no DHCP\n"
		"                    (clients <= 1000; --ramp makes late joiners)\n"
		"  --dhcp-only       a client is done at its DHCP ACK (the lease manager alone)\n"
		"  --pool-ops NAME   mbuf pool driver (EAL --mbuf-pool-ops-name; default lf_stack)\n"
		"EAL default: --no-huge -m 2048 --no-pci --no-shconf -l 0-WORKERS\n"
		"Prints one JSON line of results on stdout.\n");
}

static void __attribute__((format(printf, 1, 2), noreturn))
die(const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "bfstorm-inproc: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	exit(1);
}

/* The NBP: random bytes in a file the configuration names. */
static void
write_image(const char *path, uint64_t len)
{
	FILE *f = fopen(path, "wb");
	uint64_t x = 0x9e3779b97f4a7c15ull;
	if (!f)
		die("cannot write %s", path);
	for (uint64_t i = 0; i < len; i += 8) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		fwrite(&x, 1, len - i < 8 ? len - i : 8, f);
	}
	if (fclose(f) != 0)
		die("cannot write %s", path);
}

static struct ctl_conf *
make_conf(const struct opts *o, const char *image_path)
{
	char *y = NULL, err[1024];
	size_t n = 0;
	FILE *f = open_memstream(&y, &n);
	struct ctl_conf *conf = NULL;

	if (!f)
		die("%s", "out of memory");
	/* 10.64.0.0/10 holds 60000 clients; one session each, on any worker */
	fprintf(f,
		"interfaces:\n"
		"  - port: 0\n"
		"    ipv4: 10.64.0.1/10\n"
		"    mac: 02:00:00:00:00:01\n"
		"dhcp4:\n"
		"  lease_time: 3600\n"
		"  subnets:\n"
		"    - subnet: 10.64.0.0/10\n"
		"      pools: [ \"10.64.1.0-10.65.255.254\" ]\n"
		"boot:\n"
		"  - name: nbp\n"
		"    file: nbp.bin\n"
		"tftp:\n"
		"  multicast: { group: 239.255.2.0/24, port: 1758 }\n"
		"  max_window: 64\n"
		"  max_sessions: %u\n"
		"  per_source: 4\n"
		"  timeout_ms: %u\n"
		"  retries: 10\n"
		"control:\n"
		"  metrics: off\n"
		"images:\n"
		"  - name: nbp.bin\n"
		"    file: %s\n",
		o->clients + 64, o->timeout_ms * 2 > 1000 ? o->timeout_ms * 2 : 1000, image_path);
	fclose(f);
	if (ctl_conf_load_buf("inproc.yaml", y, n, &conf, err, sizeof(err)) != 0)
		die("config: %s", err);
	free(y);
	return conf;
}

static void *
control_main(void *arg)
{
	ctl_loop(arg, &g_reload);
	return NULL;
}

/*
 * The generator plays a NIC with RSS: the Toeplitz hash of the UDP/IPv4 tuple
 * under this key picks the rx queue through a 128-entry redirection table
 * (i % queues). bootfarm is told the same key and table, as a NIC reports
 * them (dp_port.c rss_learn), and picks its TFTP ports to match.
 */
static struct bf_rss g_rss = {
	.key = {0x6d, 0x5a, 0x56, 0xda, 0x25, 0x5b, 0x0e, 0xc2, 0x41, 0x67, 0x25, 0x3d, 0x43, 0xa3,
		0x8f, 0xb0, 0xd0, 0xca, 0x2b, 0xcb, 0xae, 0x7b, 0x30, 0xb4, 0x77, 0xcb, 0x2d, 0xa3,
		0x80, 0x30, 0xf2, 0x0c, 0x6a, 0x42, 0xb7, 0x3b, 0xbe, 0xac, 0x01, 0xfa},
	.key_len = 40,
	.l4 = 1,
	.reta_size = 128,
};

static unsigned
pick_queue(const uint8_t *f, uint16_t len, unsigned nq)
{
	if (nq == 1 || len < 42 || f[12] != 0x08 || f[13] != 0x00 || f[23] != 17)
		return 0;
	unsigned ihl = (f[14] & 15u) * 4;
	if (len < 14 + ihl + 4)
		return 0;
	const uint8_t *ip = f + 14, *u = ip + ihl;
	return bf_rss_queue4(&g_rss, bf_get_be32(ip + 12), bf_get_be32(ip + 16), bf_get_be16(u),
			     bf_get_be16(u + 2));
}

/*
 * CPU time the workers actually ran (ns), from the kernel's schedstat: on this
 * shared machine a worker can be preempted, and TSC cycles would then count the
 * other task's time as ours. Conservative: a worker polls while it waits, so
 * idle polling is included.
 */
static uint64_t
workers_cpu_ns(void)
{
	uint64_t total = 0;
	char path[300], comm[64];
	DIR *d = opendir("/proc/self/task");
	struct dirent *e;

	if (!d)
		return 0;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/self/task/%s/comm", e->d_name);
		FILE *f = fopen(path, "r");
		if (!f)
			continue;
		bool worker = fgets(comm, sizeof(comm), f) && strncmp(comm, "rte-worker-", 11) == 0;
		fclose(f);
		snprintf(path, sizeof(path), "/proc/self/task/%s/schedstat", e->d_name);
		unsigned long long ns;
		if (worker && (f = fopen(path, "r"))) {
			if (fscanf(f, "%llu", &ns) == 1)
				total += ns;
			fclose(f);
		}
	}
	closedir(d);
	return total;
}

struct series_row {
	double t;
	uint64_t data_pkts, data_bytes, booted;
};

/* The two client engines behind one loop: unicast storm (storm.c) or RFC 2090 (mcstorm.c). */
struct gen {
	struct storm *st;
	struct mcstorm *mc;
};

static void
gen_rx(struct gen *g, const uint8_t *f, uint32_t len, uint32_t wire_len, uint64_t now)
{
	if (g->mc)
		mc_rx(g->mc, f, len, now);
	else
		storm_rx(g->st, f, len, wire_len, now);
}

static unsigned
gen_tx(struct gen *g, uint64_t now, uint8_t **bufs, uint16_t *lens, unsigned max)
{
	return g->mc ? mc_tx(g->mc, now, bufs, lens, max) : storm_tx(g->st, now, bufs, lens, max);
}

static bool
gen_done(const struct gen *g)
{
	return g->mc ? mc_done(g->mc) : storm_done(g->st);
}

/* DATA frames and payload bytes received (multicast: each client's new blocks), boots. */
static void
gen_progress(const struct gen *g, uint64_t *pkts, uint64_t *bytes, uint64_t *booted,
	     uint64_t *failed)
{
	if (g->mc) {
		struct mc_stats m;
		mc_stats(g->mc, &m);
		*pkts = m.blocks_new;
		*bytes = m.bytes_new;
		*booted = m.done;
		*failed = m.failed;
	} else {
		struct storm_stats t;
		storm_stats(g->st, &t);
		*pkts = t.data_pkts;
		*bytes = t.data_bytes;
		*booted = t.booted;
		*failed = t.failed;
	}
}

/*
 * One send round: top the spare mbufs up, let the engine fill them, put each
 * frame on the rx queue RSS would pick; unused mbufs stay for the next round.
 */
struct txstash {
	struct rte_mbuf *m[GEN_BURST];
	unsigned have;
};

static void
gen_send(struct gen *g, struct txstash *t, struct rte_mempool *pool, unsigned nq, uint64_t now)
{
	uint8_t *bufs[GEN_BURST];
	uint16_t lens[GEN_BURST];

	if (t->have < GEN_BURST && rte_pktmbuf_alloc_bulk(pool, t->m + t->have, GEN_BURST - t->have) == 0)
		t->have = GEN_BURST;
	for (unsigned k = 0; k < t->have; k++)
		bufs[k] = rte_pktmbuf_mtod(t->m[k], uint8_t *);
	unsigned n = gen_tx(g, now, bufs, lens, t->have);
	for (unsigned k = 0; k < n; k++) {
		t->m[k]->data_len = t->m[k]->pkt_len = lens[k];
		t->m[k]->port = 0; /* net_ring does not stamp the rx port */
		if (rte_ring_enqueue(g_in[pick_queue(bufs[k], lens[k], nq)], t->m[k]) != 0)
			rte_pktmbuf_free(t->m[k]); /* a full rx ring: the NIC would drop it */
	}
	memmove(t->m, t->m + n, (t->have - n) * sizeof(t->m[0]));
	t->have -= n;
}

int
main(int argc, char **argv)
{
	static const struct option lopts[] = {
		{"clients", required_argument, NULL, 'n'},
		{"image-kib", required_argument, NULL, 'k'},
		{"blksize", required_argument, NULL, 'b'},
		{"window", required_argument, NULL, 'w'},
		{"loss", required_argument, NULL, 'l'},
		{"ramp", required_argument, NULL, 'r'},
		{"workers", required_argument, NULL, 'W'},
		{"max-seconds", required_argument, NULL, 'T'},
		{"timeout-ms", required_argument, NULL, 't'},
		{"series", required_argument, NULL, 's'},
		{"progress", no_argument, NULL, 'p'},
		{"multicast", no_argument, NULL, 'M'},
		{"dhcp-only", no_argument, NULL, 'D'},
		{"pool-ops", required_argument, NULL, 'P'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct opts o = {.clients = 1000, .image_kib = 1024, .blksize = 1468, .window = 16,
			 .max_s = 120, .workers = 1, .timeout_ms = 500};
	int c;

	while ((c = getopt_long(argc, argv, "", lopts, NULL)) != -1) {
		switch (c) {
		case 'n': o.clients = (uint32_t)strtoul(optarg, NULL, 10); break;
		case 'k': o.image_kib = (uint32_t)strtoul(optarg, NULL, 10); break;
		case 'b': o.blksize = (uint16_t)strtoul(optarg, NULL, 10); break;
		case 'w': o.window = (uint16_t)strtoul(optarg, NULL, 10); break;
		case 'l': o.loss = strtod(optarg, NULL); break;
		case 'r': o.ramp_s = strtod(optarg, NULL); break;
		case 'W': o.workers = (unsigned)strtoul(optarg, NULL, 10); break;
		case 'T': o.max_s = strtod(optarg, NULL); break;
		case 't': o.timeout_ms = (uint32_t)strtoul(optarg, NULL, 10); break;
		case 's': o.series = optarg; break;
		case 'p': o.progress = true; break;
		case 'M': o.multicast = true; break;
		case 'D': o.dhcp_only = true; break;
		case 'P': o.pool_ops = optarg; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (!o.clients || o.clients > STORM_MAX_CLIENTS || !o.workers ||
	    o.workers > DP_MAX_WORKERS || o.max_s <= 0) {
		usage(stderr);
		return 2;
	}

	/* EAL: the caller's arguments after "--", else a default that needs no hugepages. */
	char prefix[64], lcores[512], img[64];
	snprintf(prefix, sizeof(prefix), "bfinproc%d", (int)getpid());
	/* lcore 0 (generator) on CPU 0, workers on the others; more workers than
	 * CPUs share them (the scaling curve says so) */
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	size_t lo = (size_t)snprintf(lcores, sizeof(lcores), "0@0");
	for (unsigned k = 1; k <= o.workers && lo < sizeof(lcores); k++)
		lo += (size_t)snprintf(lcores + lo, sizeof(lcores) - lo, ",%u@%ld", k,
				       ncpu > 1 ? 1 + (long)(k - 1) % (ncpu - 1) : 0);
	snprintf(img, sizeof(img), "/tmp/bfinproc.%d.img", (int)getpid());
	char *eal_def[] = {argv[0], "--no-huge", "-m", "2048", "--no-pci", "--no-shconf",
			   "--lcores", lcores, "--file-prefix", prefix, "--log-level", "*:warning",
			   NULL, NULL, NULL};
	char **eal = eal_def;
	int eal_argc = (int)(sizeof(eal_def) / sizeof(eal_def[0])) - 3;
	if (o.pool_ops) {
		eal_def[eal_argc++] = "--mbuf-pool-ops-name";
		eal_def[eal_argc++] = (char *)o.pool_ops;
	}
	if (optind < argc) {
		eal = &argv[optind - 1];
		eal[0] = argv[0];
		eal_argc = argc - optind + 1;
	}
	write_image(img, (uint64_t)o.image_kib << 10);
	struct ctl_conf *conf = make_conf(&o, img);
	if (rte_eal_init(eal_argc, eal) < 0)
		die("%s", "EAL initialisation failed");
	if (rte_lcore_count() < o.workers + 1)
		die("%s", "need one lcore per worker plus one for the generator (-l)");
	ctl_logtype = RTE_LOGTYPE_USER1;
	g_dp.tsc_hz = rte_get_tsc_hz();

	/* The ring port: queue k's rx ring is fed by us, its tx ring drained by us. */
	for (unsigned q = 0; q < o.workers; q++) {
		char name[32];
		snprintf(name, sizeof(name), "st_in%u", q);
		g_in[q] = rte_ring_create(name, RING_SIZE, SOCKET_ID_ANY, RING_F_SP_ENQ | RING_F_SC_DEQ);
		snprintf(name, sizeof(name), "st_out%u", q);
		g_out[q] = rte_ring_create(name, RING_SIZE, SOCKET_ID_ANY, RING_F_SP_ENQ | RING_F_SC_DEQ);
		snprintf(name, sizeof(name), "st_done%u", q);
		g_done[q] = rte_ring_create(name, RING_SIZE, SOCKET_ID_ANY,
					    RING_F_SP_ENQ | RING_F_SC_DEQ);
		if (!g_in[q] || !g_out[q] || !g_done[q])
			die("%s", "rings");
	}
	if (rte_eth_from_rings("storm0", g_in, o.workers, g_out, o.workers, 0) < 0)
		die("%s", "ring port");
	char err[1024];
	/* our "tx ring" and tx-completion ring hold up to RING_SIZE chains of two each */
	g_dp.tx_held = 4 * RING_SIZE;
	if (dp_ports_init(&g_dp, o.workers, err, sizeof(err)) != 0)
		die("ports: %s", err);
	for (unsigned i = 0; i < g_rss.reta_size; i++)
		g_rss.reta[i] = (uint16_t)(i % o.workers);
	g_dp.rss[0] = g_rss;
	/* The generator's own frames come from its own pool: it never starves bootfarm's. */
	struct rte_mempool *gpool = rte_pktmbuf_pool_create("st_pool", 16383, 256, 0,
							    RTE_MBUF_DEFAULT_BUF_SIZE, 0);
	if (!gpool)
		die("%s", "generator mbuf pool");

	unsigned lcore, id = 0;
	RTE_LCORE_FOREACH_WORKER(lcore) {
		if (id == o.workers)
			break;
		struct dp_worker *w = dp_worker_create(&g_dp, id, lcore);
		if (!w || dp_tftp_init(w, o.clients + 64) != 0 || (id == 0 && dp_mtftp_init(w) != 0))
			die("%s", "worker: out of memory");
		/* Like a NIC's tx completions, sent mbufs are freed on the worker's core. */
		w->txdone = g_done[id];
		g_dp.workers[id++] = w;
	}
	g_ctl.dp = &g_dp;
	g_ctl.leases = ctl_leases_new();
	g_ctl.leases6 = ctl_leases6_new();
	struct dp_snap *snap = ctl_snap_compile(&g_ctl, conf, NULL, err, sizeof(err));
	if (!snap)
		die("config: %s", err);
	rcu_set_pointer(&g_dp.snap, snap);
	ctl_slots_init(&g_ctl, snap, "inproc.yaml");
	g_dp.rendered = dp_rendered_new(1024);
	g_dp.clients = dp_clients_new();
	pthread_t ctl_thread;
	if (rte_ctrl_thread_create(&ctl_thread, "bf-control", NULL, control_main, &g_ctl) != 0)
		die("%s", "control thread");
	id = 0;
	RTE_LCORE_FOREACH_WORKER(lcore) {
		if (id == o.workers)
			break;
		rte_eal_remote_launch(dp_worker_loop, g_dp.workers[id++], lcore);
	}

	struct storm_cfg sc = {.clients = o.clients, .ramp_s = o.ramp_s, .blksize = o.blksize,
			       .window = o.window, .loss = o.loss, .dhcp = true, .dhcp_only = o.dhcp_only,
			       .mac_base = {0x02, 0x5b, 0x00, 0x00, 0x00, 0x00},
			       .timeout_ms = o.timeout_ms, .retries = 20, .seed = 1};
	struct mc_cfg mcc = {.clients = o.clients, .ramp_s = o.ramp_s, .blksize = o.blksize,
			     .loss = o.loss, .file = "nbp.bin",
			     .mac_base = {0x02, 0x5c, 0x00, 0x00, 0x00, 0x00},
			     .server_mac = {0x02, 0x00, 0x00, 0x00, 0x00, 0x01},
			     .ip_base = 0x0a400100, .server_ip = 0x0a400001,
			     .timeout_ms = o.timeout_ms, .retries = 20, .seed = 1};
	struct gen g = {0};
	if (o.multicast)
		g.mc = mc_new(&mcc);
	else
		g.st = storm_new(&sc);
	if (!g.st && !g.mc)
		die("%s", "the generator refused the configuration");
	struct storm *st = g.st;

	FILE *series = o.series ? fopen(o.series, "w") : NULL;
	if (series)
		fprintf(series, "t_s,data_pkts_per_s,gbit_per_s,booted\n");
	uint64_t cpu0 = workers_cpu_ns();
	uint64_t hz = rte_get_tsc_hz(), t0 = rte_rdtsc();
	double ns_per_tsc = 1e9 / (double)hz;
	uint64_t next_row = t0 + hz / 10, deadline = t0 + (uint64_t)(o.max_s * (double)hz);
	uint64_t prev_pkts = 0, prev_bytes = 0;
	double peak_pps = 0, peak_gbps = 0;
	unsigned rows = 0;
	struct rte_mbuf *rx[GEN_BURST];
	struct txstash ts = {.have = 0};

	while (!gen_done(&g)) {
		uint64_t tsc = rte_rdtsc();
		uint64_t now = (uint64_t)((double)(tsc - t0) * ns_per_tsc);
		if (tsc > deadline)
			break;
		for (unsigned q = 0; q < o.workers; q++) {
			unsigned n = rte_ring_dequeue_burst(g_out[q], (void **)rx, GEN_BURST, NULL);
			for (unsigned k = 0; k < n; k++)
				gen_rx(&g, rte_pktmbuf_mtod(rx[k], const uint8_t *), rx[k]->data_len,
				       rx[k]->pkt_len, now);
			/* handed back for completion; freed here only if the worker lags */
			unsigned back = n ? rte_ring_enqueue_burst(g_done[q], (void **)rx, n, NULL) : 0;
			if (back < n)
				rte_pktmbuf_free_bulk(rx + back, n - back);
		}
		gen_send(&g, &ts, gpool, o.workers, now);
		if (tsc >= next_row) {
			uint64_t pkts, bytes, booted, failed;
			gen_progress(&g, &pkts, &bytes, &booted, &failed);
			double dt = (double)(tsc - next_row + hz / 10) / (double)hz;
			double pps = (double)(pkts - prev_pkts) / dt;
			double gbps = (double)(bytes - prev_bytes) * 8 / dt / 1e9;
			peak_pps = pps > peak_pps ? pps : peak_pps;
			peak_gbps = gbps > peak_gbps ? gbps : peak_gbps;
			if (series)
				fprintf(series, "%.1f,%.0f,%.3f,%" PRIu64 "\n",
					(double)(tsc - t0) / (double)hz, pps, gbps, booted);
			if (o.progress && ++rows % 5 == 0) { /* every 0.5 s */
				unsigned bar = (unsigned)(40 * (booted + failed) / o.clients);
				fprintf(stderr, "\r[%-40.*s] %" PRIu64 "/%u booted, %" PRIu64
					" failed, %.2f Mpps, %.2f Gbit/s ",
					bar, "########################################", booted,
					o.clients, failed, pps / 1e6, gbps);
			}
			prev_pkts = pkts;
			prev_bytes = bytes;
			next_row = tsc + hz / 10;
		}
	}
	double elapsed = (double)(rte_rdtsc() - t0) / (double)hz;
	/* The last clients' final ACKs: sent after every client is done, then a
	 * moment for the workers to end those transfers (tftp_done). */
	for (uint64_t until = rte_rdtsc() + hz / 20; rte_rdtsc() < until;) {
		gen_send(&g, &ts, gpool, o.workers,
			 (uint64_t)((double)(rte_rdtsc() - t0) * ns_per_tsc));
		for (unsigned q = 0; q < o.workers; q++) { /* and what the workers still send */
			unsigned n = rte_ring_dequeue_burst(g_out[q], (void **)rx, GEN_BURST, NULL);
			if (n)
				rte_pktmbuf_free_bulk(rx, n);
		}
	}
	if (o.progress)
		fprintf(stderr, "\n");
	if (series)
		fclose(series);
	rte_pktmbuf_free_bulk(ts.m, ts.have);

	uint64_t cpu_ns = workers_cpu_ns() - cpu0;
	__atomic_store_n(&g_dp.quit, 1, __ATOMIC_RELEASE);
	rte_eal_mp_wait_lcore();
	pthread_join(ctl_thread, NULL);

	struct bf_counters sum;
	ctl_sum_counters(&g_ctl, &sum);
	if (getenv("BFSTORM_COUNTERS")) /* every bootfarm counter that moved */
		for (unsigned k = 0; k < BF_CTR__COUNT; k++)
			if (sum.v[k])
				fprintf(stderr, "%-28s %" PRIu64 "\n", bf_ctr_name[k], sum.v[k]);
	if (g.mc) {
		struct mc_stats m;
		mc_stats(g.mc, &m);
		/* one stream: the server sends each block about once, every client gets it */
		printf("{\"mode\":\"inproc-multicast\",\"workers\":%u,\"clients\":%u,"
		       "\"image_kib\":%u,\"blksize\":%u,\"loss\":%g,\"ramp_s\":%g,\"booted\":%" PRIu64
		       ",\"failed\":%" PRIu64 ",\"elapsed_s\":%.3f,\"boots_per_s\":%.1f,"
		       "\"delivered_gbit_per_s\":%.3f,\"ttb_p50_ms\":%.1f,\"ttb_p99_ms\":%.1f,"
		       "\"ttb_max_ms\":%.1f,\"oacks\":%" PRIu64 ",\"masters\":%" PRIu64
		       ",\"client_acks\":%" PRIu64 ",\"client_retx\":%" PRIu64
		       ",\"group_frames_heard\":%" PRIu64 ",\"blocks_delivered\":%" PRIu64
		       ",\"server_frames\":%" PRIu64 ",\"server_mc_data\":%" PRIu64 "}\n",
		       o.workers, o.clients, o.image_kib, o.blksize, o.loss, o.ramp_s, m.done, m.failed,
		       elapsed, (double)m.done / elapsed, (double)m.bytes_new * 8 / elapsed / 1e9,
		       (double)mc_ttb_percentile(g.mc, 50) / 1e6,
		       (double)mc_ttb_percentile(g.mc, 99) / 1e6,
		       (double)mc_ttb_percentile(g.mc, 100) / 1e6, m.oacks, m.masters, m.acks, m.retx,
		       m.group_frames, m.blocks_new, sum.v[BF_CTR_tx_frames],
		       sum.v[BF_CTR_mtftp_data_tx]);
		unlink(img);
		uint64_t ok = m.done;
		mc_free(g.mc);
		return ok == o.clients ? 0 : 1;
	}
	struct storm_stats s;
	storm_stats(st, &s);
	uint64_t data = sum.v[BF_CTR_tftp_data_tx] + sum.v[BF_CTR_tftp_data_retx];
	uint64_t busy = sum.v[BF_CTR_cycles_worker_busy];
	double cyc_data = data ? (double)busy / (double)data : 0;
	uint64_t acks = sum.v[BF_CTR_dhcp4_ack];
	double cyc_dhcp = acks ? (double)sum.v[BF_CTR_cycles_ctl_busy] / (double)acks : 0;
	printf("{\"mode\":\"inproc\",\"workers\":%u,\"clients\":%u,\"image_kib\":%u,"
	       "\"blksize\":%u,\"window\":%u,\"loss\":%g,\"booted\":%" PRIu64 ",\"failed\":%" PRIu64
	       ",\"elapsed_s\":%.3f,\"boots_per_s\":%.1f,\"gbit_per_s\":%.3f,"
	       "\"data_pkts_per_s\":%.0f,\"peak_data_pkts_per_s\":%.0f,\"peak_gbit_per_s\":%.3f,"
	       "\"ttb_p50_ms\":%.1f,\"ttb_p99_ms\":%.1f,\"ttb_max_ms\":%.1f,"
	       "\"client_retx\":%" PRIu64 ",\"server_dups\":%" PRIu64 ",\"server_data_pkts\":%" PRIu64
	       ",\"server_data_retx\":%" PRIu64 ",\"server_csum_sw\":%" PRIu64
	       ",\"drop_nombuf\":%" PRIu64 ",\"drop_tx_full\":%" PRIu64 ",\"tsc_hz\":%" PRIu64
	       ",\"worker_cycles_per_data_pkt\":%.1f,\"worker_core_mpps\":%.2f,"
	       "\"ctl_cycles_per_dhcp_exchange\":%.0f,\"dhcp_acks\":%" PRIu64
	       ",\"steered\":%" PRIu64 ",\"tid_rss_miss\":%" PRIu64 ",\"fail_timeout\":%" PRIu64
	       ",\"fail_error\":%" PRIu64 ",\"tftp_errors\":%" PRIu64 ",\"dhcp_naks\":%" PRIu64
	       ",\"size_mismatch\":%" PRIu64 ",\"server_timeouts\":%" PRIu64 ",\"worker_cpu_s\":%.3f,\"worker_cpu_ns_per_data_pkt\":%.1f,"
	       "\"worker_cpu_share\":%.3f}\n",
	       o.workers, o.clients, o.image_kib, o.blksize, o.window, o.loss, s.booted, s.failed,
	       elapsed, (double)s.booted / elapsed, (double)s.data_bytes * 8 / elapsed / 1e9,
	       (double)s.data_pkts / elapsed, peak_pps, peak_gbps,
	       (double)storm_ttb_percentile(st, 50) / 1e6, (double)storm_ttb_percentile(st, 99) / 1e6,
	       (double)storm_ttb_percentile(st, 100) / 1e6, s.client_retx, s.server_dups, data,
	       sum.v[BF_CTR_tftp_data_retx], sum.v[BF_CTR_tftp_csum_sw], sum.v[BF_CTR_drop_nombuf],
	       sum.v[BF_CTR_drop_tx_full], hz, cyc_data,
	       cyc_data > 0 ? (double)hz / cyc_data / 1e6 : 0, cyc_dhcp, acks, sum.v[BF_CTR_tftp_steer],
	       sum.v[BF_CTR_tftp_tid_rss_miss], s.fail_timeout, s.fail_error,
	       s.tftp_errors, s.dhcp_naks, s.size_mismatch,
	       sum.v[BF_CTR_tftp_timeout_abort], (double)cpu_ns / 1e9,
	       data ? (double)cpu_ns / (double)data : 0,
	       (double)cpu_ns / 1e9 / elapsed / o.workers);
	unlink(img);
	storm_free(st);
	return s.booted == o.clients ? 0 : 1;
}
