/* SPDX-License-Identifier: MIT */
/*
 * The whole packet path in one process, fed by the fuzzer: EAL (--no-huge),
 * a ring-backed DPDK port (rte_eth_from_rings: no kernel, no NIC), one worker
 * and the control thread's lease manager, stepped by hand through
 * dp_worker_poll() and ctl_poll(), the same functions the daemon loops on.
 *
 * Input: one Ethernet frame, or "BFW1" followed by records of a 2-byte
 * big-endian length and a frame (a sequence: DISCOVER then REQUEST, RRQ then
 * ACKs, ...). A UDP frame to port 65535 is sent to the transfer port of the
 * latest TFTP reply instead (checksum fixed), so sequences can drive a
 * transfer through OACK, DATA, ACKs and errors although its port is random.
 * After each frame two invariants must hold, else abort():
 *  - every frame bootfarm sent classifies as a valid frame (lengths and
 *    checksums right: what fragile firmware will parse);
 *  - no mbuf leaked: the pool is back to its size once the tx ring is drained.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_eth_ring.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>
#include <rte_ring.h>
#include <urcu-qsbr.h>

#include "control/core/ctl.h"
#include "control/leases/ctl_leases.h"
#include "control/slots/ctl_slots.h"
#include "control/ctl_loop.h"
#include "control/ops/ctl_ops.h"
#include "shared/bf_csum.h"
#include "shared/bf_nd.h"
#include "shared/bf_net.h"
#include "shared/bf_wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_FRAMES 32
#define POLL_ROUNDS 4

static const char conf_yaml[] =
	"interfaces:\n"
	"  - port: 0\n"
	"    ipv4: 10.77.0.1/24\n"
	"    mac: 02:00:00:00:00:01\n"
	"    ipv6: [ \"fd00:99::1/64\" ]\n"
	"ra:\n"
	"  managed: true\n"
	"  other: true\n"
	"  min_interval: 3\n"
	"  max_interval: 4\n"
	"  prefixes: [ { prefix: \"fd00:99::/64\" } ]\n"
	"  dns: [ \"fd00:99::1\" ]\n"
	"dhcp6:\n"
	"  subnets:\n"
	"    - prefix: \"fd00:99::/64\"\n"
	"      pools: [ \"fd00:99::100-fd00:99::103\" ]\n"
	"      pd_pools: [ \"fd00:99:100::-fd00:99:101::/64\" ]\n"
	"      dns: [ \"fd00:99::1\" ]\n"
	"      domains: [ fuzz.bootfarm ]\n"
	"      hosts:\n"
	"        - { name: h6, mac: \"02:00:00:00:77:06\", address: \"fd00:99::6\" }\n"
	"dhcp4:\n"
	"  lease_time: 600\n"
	"  subnets:\n"
	"    - subnet: 10.77.0.0/24\n"
	"      pools: [ \"10.77.0.100-10.77.0.103\" ]\n"
	"      routers: [ 10.77.0.1 ]\n"
	"      dns: [ 10.77.0.1 ]\n"
	"      domain: fuzz.bootfarm\n"
	"      hosts:\n"
	"        - name: fixed1\n"
	"          mac: 02:00:00:00:77:05\n"
	"          address: 10.77.0.5\n"
	"          boot_file: small.bin\n"
	"boot:\n"
	"  - name: ipxe\n"
	"    ipxe: true\n"
	"    file: boot.ipxe\n"
	"  - name: efi\n"
	"    arch: [7, 9]\n"
	"    file: http://10.77.0.1/ipxe.efi\n"
	"  - name: bios\n"
	"    file: small.bin\n"
	"mtftp:\n"
	"  ip: 239.255.1.1\n"
	"  files: [ small.bin ]\n"
	"tftp:\n"
	"  multicast: { group: 239.255.2.0/30, port: 1760 }\n"
	"  max_sessions: 16\n"
	"  per_source: 4\n"
	"  timeout_ms: 10\n"
	"  retries: 1\n"
	"images:\n"
	"  - name: boot.ipxe\n"
	"    content: |\n"
	"      #!ipxe\n"
	"      chain tftp://${next-server}/small.bin\n"
	"  - name: small.bin\n"
	"    content: |\n"
	"      0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n"
	"      0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n"
	"      0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n"
	"      0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n"
	"      0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n"
	"      0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n"
	"      0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n"
	"      0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n"
	"      0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n";

static struct dp_ctx g_ctx;
static struct ctl g_ctl;
static struct rte_ring *g_rx, *g_tx;
static struct dp_worker *g_w;
static unsigned g_pool_size;
static uint16_t g_last_tid; /* transfer port of the latest TFTP reply */

static void
die(const char *what)
{
	fprintf(stderr, "fuzz_worker: %s\n", what);
	abort();
}

/* BF_FUZZ_STATS=1: print what the inputs reached (counters) at exit. */
static void
print_stats(void)
{
	struct bf_counters sum;
	ctl_sum_counters(&g_ctl, &sum);
	for (unsigned k = 0; k < BF_CTR__COUNT; k++)
		if (sum.v[k])
			fprintf(stderr, "%-28s %llu\n", bf_ctr_name[k], (unsigned long long)sum.v[k]);
}

static void
setup(void)
{
	char prefix[64], err[1024];
	snprintf(prefix, sizeof(prefix), "bffuzz%d", (int)getpid());
	char *argv[] = {"fuzz_worker", "--no-huge", "-m", "128", "--no-pci", "--no-shconf",
			"-l", "0", "--file-prefix", prefix, "--log-level", "*:error", NULL};
	if (rte_eal_init((int)(sizeof(argv) / sizeof(argv[0])) - 1, argv) < 0)
		die("EAL init");
	ctl_logtype = RTE_LOGTYPE_USER1;
	g_rx = rte_ring_create("fz_rx", 1024, SOCKET_ID_ANY, RING_F_SP_ENQ | RING_F_SC_DEQ);
	g_tx = rte_ring_create("fz_tx", 4096, SOCKET_ID_ANY, RING_F_SP_ENQ | RING_F_SC_DEQ);
	if (!g_rx || !g_tx || rte_eth_from_rings("fz0", &g_rx, 1, &g_tx, 1, 0) < 0)
		die("ring port");
	if (dp_ports_init(&g_ctx, 1, err, sizeof(err)) != 0)
		die(err);
	g_w = dp_worker_create(&g_ctx, 0, rte_lcore_id());
	if (!g_w || dp_tftp_init(g_w, 16) != 0 || dp_mtftp_init(g_w) != 0)
		die("worker");
	g_ctx.workers[0] = g_w;
	g_ctx.log_info = true; /* every log line formatted, as bootfarmd's default level does */
	g_ctl.dp = &g_ctx;
	g_ctl.leases = ctl_leases_new();
	g_ctl.leases6 = ctl_leases6_new();
	struct ctl_conf *conf;
	if (ctl_conf_load_buf("fuzz.yaml", conf_yaml, sizeof(conf_yaml) - 1, &conf, err,
			      sizeof(err)) != 0)
		die(err);
	g_ctx.snap = ctl_snap_compile(&g_ctl, conf, NULL, err, sizeof(err));
	if (!g_ctx.snap)
		die(err);
	ctl_slots_init(&g_ctl, g_ctx.snap, "fuzz.yaml");
	rcu_register_thread();
	g_pool_size = g_ctx.pool->size;
	if (getenv("BF_FUZZ_STATS"))
		atexit(print_stats);
}

/* Our own frames must be valid: fragile firmware parses them. */
static void
check_sent(struct rte_mbuf *m)
{
	static uint8_t flat[65536];
	struct bf_pkt p;
	/* Zero-copy DATA is a header mbuf chained to the image's bytes: check the
	 * frame as the wire sees it (checksum over both segments). */
	if (m->nb_segs > 2 || m->pkt_len > sizeof(flat))
		die("sent a frame of more than two segments");
	const uint8_t *d = rte_pktmbuf_read(m, 0, m->pkt_len, flat);
	uint32_t len = m->pkt_len;
	if (len >= 14 && d[12] == 0x86 && d[13] == 0xdd) {
		struct bf_ip6_pkt p6;
		if (bf_ip6_classify(&p6, d, len, 0) == BF_IP6_DROP) {
			fprintf(stderr, "fuzz_worker: sent an invalid IPv6 frame (%s)\n",
				bf_nd_why_name[p6.why]);
			abort();
		}
		if (p6.proto == BF_IP6_NH_UDP && p6.sport >= 1024)
			g_last_tid = p6.sport;
		return;
	}
	enum bf_class c = bf_pkt_classify(&p, d, len, 0);
	if (c == BF_CLASS_DROP) {
		fprintf(stderr, "fuzz_worker: sent an invalid frame (%s)\n", bf_ctr_name[p.reason]);
		abort();
	}
	if (c == BF_CLASS_UDP4 && p.sport >= 1024)
		g_last_tid = p.sport;
}

/* Aim a frame sent to UDP port 65535 at the latest transfer port. */
static void
retarget6(uint8_t *f, size_t len)
{
	struct bf_ip6_pkt p;
	if (bf_ip6_classify(&p, f, len, 0) != BF_IP6_UDP6 || p.dport != 0xffff)
		return;
	uint8_t *u = f + p.l4_off;
	bf_put_be16(u + 2, g_last_tid);
	bf_put_be16(u + 6, 0);
	uint32_t sum = bf_ip6_pseudo_sum(p.src, p.dst, BF_IP6_NH_UDP, p.l4_len);
	uint16_t c = bf_csum_finish(bf_csum_add(sum, u, p.l4_len));
	bf_put_be16(u + 6, c ? c : 0xffff);
}

static void
retarget(uint8_t *f, size_t len)
{
	struct bf_pkt p;
	if (g_last_tid && len >= 14 && f[12] == 0x86 && f[13] == 0xdd) {
		retarget6(f, len);
		return;
	}
	if (!g_last_tid || bf_pkt_classify(&p, f, len, 0) != BF_CLASS_UDP4 || p.dport != 0xffff)
		return;
	uint8_t *u = f + p.l4_off;
	bf_put_be16(u + 2, g_last_tid);
	bf_put_be16(u + 6, 0);
	uint32_t sum = bf_csum_pseudo4(p.ip_src, p.ip_dst, BF_IPPROTO_UDP, p.l4_len);
	uint16_t c = bf_csum_finish(bf_csum_add(sum, u, p.l4_len));
	bf_put_be16(u + 6, c ? c : 0xffff);
}

/* One frame in, the worker and the lease manager run, everything sent is checked. */
static void
step(void)
{
	void *m;
	for (int i = 0; i < POLL_ROUNDS; i++) {
		dp_worker_poll(g_w);
		ctl_poll(&g_ctl);
	}
	while (rte_ring_dequeue(g_tx, &m) == 0) {
		check_sent(m);
		rte_pktmbuf_free(m);
	}
	if (rte_mempool_avail_count(g_ctx.pool) != g_pool_size)
		die("mbuf leak: the pool did not come back to its size");
}

static void
inject(const uint8_t *f, size_t len)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(g_ctx.pool);
	if (!m)
		die("pool empty before injecting");
	uint8_t *d = len ? (uint8_t *)rte_pktmbuf_append(m, (uint16_t)len) : NULL;
	if (len && !d) {
		rte_pktmbuf_free(m); /* larger than one mbuf: a NIC would not deliver it either */
		return;
	}
	if (len) {
		memcpy(d, f, len);
		retarget(d, len);
	}
	m->port = 0;
	if (rte_ring_enqueue(g_rx, m) != 0)
		rte_pktmbuf_free(m);
	step();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	if (!ready) {
		setup();
		ready = 1;
	}
	if (size >= 4 && memcmp(data, "BFW1", 4) == 0) {
		struct bf_rd r;
		bf_rd_init(&r, data + 4, size - 4);
		for (int n = 0; n < MAX_FRAMES && bf_rd_left(&r) >= 2; n++) {
			uint16_t len = bf_rd_be16(&r);
			const uint8_t *f = bf_rd_bytes(&r, len);
			if (!f)
				break;
			inject(f, len);
		}
	} else {
		inject(data, size);
	}
	/* Now and then let retransmission timers (10 ms here) fire, to check them too. */
	static unsigned n_inputs;
	if (g_w->g_sessions && ++n_inputs % 16 == 0) {
		usleep(11000);
		step();
	}
	return 0;
}
