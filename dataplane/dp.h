/* SPDX-License-Identifier: MIT */
/*
 * The data plane: EAL ports, per-worker state and the compiled configuration
 * snapshot the workers read through urcu-qsbr.
 *
 * Threads: worker lcores run dp_worker_loop(); the control thread (control/)
 * builds snapshots and publishes them with dp_snap_publish(). Workers never
 * write anything another thread writes; the only cross-thread channels are
 * rte_rings (DHCP to/from the lease manager, TFTP steering between workers)
 * and the RCU-published snapshot pointer.
 */
#ifndef DP_H
#define DP_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_ethdev.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include "shared/bf_counters.h"
#include "shared/bf_hist.h"
#include "shared/bf_net.h"
#include "shared/bf_rss.h"
#include "shared/bf_tftp.h"

#include "dp_mtftp.h"
#include "dp_tid.h"

#define DP_MAX_WORKERS 64
#define DP_MAX_PORTS 8
#define DP_BURST 32
#define DP_RING_SIZE 4096
/* Worker -> lease manager: deep enough for 10,000 DISCOVERs at once. A PXE ROM
 * whose DISCOVER is dropped waits 4 s to send it again; queued, it waits for
 * the lease manager's few microseconds per message. Counted in the mbuf pool. */
#define DP_CTL_RING 16384

/*
 * Per-block checksums of an image for one TFTP block size: sum[b] is the folded
 * ones-complement sum of block b+1's bytes, so a DATA packet's UDP checksum
 * costs two additions and the worker never reads the image (zero-copy).
 */
struct dp_csum_tab {
	uint16_t blksize;
	const uint16_t *sum;
};
#define DP_CSUM_TABS 8

/*
 * Zero-copy DATA mbufs point into the image; each worker has its own shared-info
 * (cache line) so the refcount it bumps per packet is never shared between cores.
 */
struct dp_image_zc {
	struct rte_mbuf_ext_shared_info sh;
} __rte_cache_aligned;

/* A boot image in hugepage memory, refcounted (snapshots + TFTP sessions). */
struct dp_image {
	char name[128];
	const uint8_t *data;	/* rte_malloc'd; NULL for an empty image */
	uint64_t len;
	const uint8_t *ascii;	/* netascii form (CR LF), or NULL if not prepared */
	uint64_t ascii_len;
	rte_iova_t iova, ascii_iova;
	struct dp_csum_tab csum[DP_CSUM_TABS];	/* octet form only; blksize 0: unused */
	/* One per worker (DP_MAX_WORKERS). Each holds one reference for the image
	 * itself plus one per DATA mbuf in flight; the bytes are freed when the image's
	 * refcnt and every zc refcount have dropped to zero (zc_live counts those left). */
	struct dp_image_zc *zc;
	uint32_t zc_live;
	/* identity of the source, so unchanged files are shared across snapshots */
	char *path;
	int64_t mtime_ns;
	uint64_t content_hash;
	uint64_t refcnt;	/* atomic: __atomic builtins */
};

#define DP_MAX_IP6 4

struct dp_iface {
	bool configured;
	uint8_t mac[BF_ETH_ALEN];
	uint32_t ip4;
	uint8_t prefix4;
	uint16_t mtu;
	uint16_t max_blksize;	/* largest TFTP block that fits one unfragmented frame */
	/* IPv6: the data path answers ND and echo only when addresses are configured */
	uint8_t n_ip6;			/* configured addresses (0: IPv6 is not ours) */
	uint8_t ip6[1 + DP_MAX_IP6][16];	/* [0] link-local (EUI-64 of mac), then configured */
};

struct dp_tftp_params {
	uint16_t max_blksize;	/* configured cap (0: from MTU only) */
	uint16_t max_window;
	uint32_t timeout_ms;
	uint8_t retries;
	uint32_t max_sessions;
	uint16_t per_source;
};

/* What goes up the exception path, and how fast (exception: in the config). */
#define DP_MAX_ETHERTYPES 16
struct dp_exc_params {
	/* Each worker's token bucket in TSC cycles, from rate (frames/s per
	 * interface) and burst split over the workers: compiled once per snapshot
	 * so a frame going up costs a subtraction and a compare. */
	uint64_t cost_tsc;	/* one frame */
	uint64_t cap_tsc;	/* bucket depth */
	uint8_t n_ethertypes;
	uint16_t ethertypes[DP_MAX_ETHERTYPES];
};

/* One immutable compiled configuration. */
struct dp_snap {
	uint64_t generation;
	uint8_t slot;			/* the configuration slot it lives in: 0 (A) or 1 (B) */
	uint32_t ctl_refs;		/* control thread only: slots and DHCP exchanges holding it */
	struct dp_iface iface[DP_MAX_PORTS];
	struct dp_tftp_params tftp;
	uint32_t pxe_mcast;		/* PXE multicast discovery address accepted for DHCP, or 0 */
	struct dp_mtftp_params mtftp;	/* multicast TFTP (dp_mtftp.h) */
	struct dp_exc_params exc;
	bool ra;			/* Router Advertisements on (RS go to the control thread) */
	bool dhcp6;			/* DHCPv6 server on (port 547 goes to the control thread) */
	uint32_t n_images;
	struct dp_image **images;	/* sorted by name */
	uint32_t img_mask;		/* open-addressing table size - 1 */
	int32_t *img_slot;		/* index into images, -1 empty */
	/* Control-plane data (compiled DHCP tables), opaque to workers. */
	void *ctl;
	void (*ctl_free)(void *ctl);
};

struct dp_ctx;
struct dp_worker;

/*
 * The canary (dp_canary.c): a share of clients, or a host group, sent to the
 * staged slot while everyone else stays on the active one. Published by the
 * control thread through RCU (ctx->canary) and immutable; snap stays valid
 * while the canary is reachable. Clients the lease manager answered from a
 * slot are also pinned by address (ctx->clients), so a relayed client, whose
 * frames carry the relay's MAC, reads the slot its DHCP answer came from.
 */
struct dp_canary {
	struct dp_snap *snap;		/* the staged slot's snapshot */
	uint32_t share_ppm;		/* share of clients by MAC hash (shared/bf_canary.h) */
	uint32_t n_macs;
	uint8_t (*macs)[6];		/* host group or listed MACs, sorted */
};
struct dp_clients;

/* Does the canary take the client with this MAC? */
bool dp_canary_has_mac(const struct dp_canary *cn, const uint8_t mac[6]);
/* Worker: the snapshot a client's TFTP request reads (active unless the canary takes it). */
const struct dp_snap *dp_client_snap(struct dp_ctx *ctx, const struct dp_snap *active,
				     const uint8_t mac[6], const uint8_t addr[16]);
/* The address -> slot map: workers find (RCU read side); the control thread
 * (RCU-registered) sets and clears. */
struct dp_clients *dp_clients_new(void);
int dp_clients_find(struct dp_clients *cl, const uint8_t addr[16]);
int dp_clients_set(struct dp_clients *cl, const uint8_t addr[16], uint8_t slot);
void dp_clients_clear(struct dp_clients *cl);
uint64_t dp_clients_count(const struct dp_clients *cl);
void dp_clients_free(struct dp_clients *cl);

/*
 * Transfer events a worker reports to the control thread (where-is-my-machine,
 * per-slot health): a single-producer single-consumer ring like the log's.
 */
enum dp_ev_kind { DP_EV_TFTP_START, DP_EV_TFTP_DONE, DP_EV_TFTP_ABORT, DP_EV_TFTP_TIMEOUT,
		  DP_EV_TFTP_NOTFOUND };
struct dp_event {
	uint8_t kind;
	uint8_t slot;
	uint16_t err;			/* the client's TFTP error code (ABORT) */
	uint32_t ms;			/* transfer time so far */
	uint8_t mac[6];
	uint8_t addr[16];		/* the client; IPv4 as ::ffff:a.b.c.d */
	uint64_t generation;
	uint64_t bytes, size;
	char name[128];
};
#define DP_EV_SLOTS 4096
struct dp_evring {
	uint32_t head;
	uint32_t tail;
	uint64_t dropped;
	struct dp_event ev[DP_EV_SLOTS];
};
void dp_event(struct dp_worker *w, const struct dp_event *e);
void dp_event_drain(struct dp_worker *w, void (*fn)(const struct dp_event *e, void *arg),
		    void *arg);

/*
 * One in-flight transfer as the control thread sees it (dp_tftp_list):
 * fields copied without a lock while the worker runs, so a row can be a
 * moment old; a session that ends meanwhile is skipped.
 */
struct dp_tftp_info {
	unsigned worker;
	uint8_t slot;
	uint64_t generation;
	char client[64];
	char name[128];
	uint8_t mac[6];
	uint64_t sent, size;
	uint16_t blksize, window;
	uint64_t age_ms;
};
/* Up to max rows of worker w's transfers; returns how many. */
unsigned dp_tftp_list(const struct dp_worker *w, struct dp_tftp_info *out, unsigned max);

struct dp_tftp_table; /* dp_tftp.c */
struct dp_rendered;   /* dp_rendered.c */
struct dp_ctx;

/*
 * Log lines from a worker: a single-producer single-consumer ring drained by
 * the control thread, so a worker never makes a syscall to log. Full: the
 * line is dropped and counted.
 */
#define DP_LOG_SLOTS 1024
#define DP_LOG_LINE 200
struct dp_logring {
	uint32_t head;	/* written by the worker (release) */
	uint32_t tail;	/* written by the control thread (release) */
	uint64_t dropped;
	char line[DP_LOG_SLOTS][DP_LOG_LINE];
};

/* Buckets of the unsolicited-ERROR limiter (dp_err_allowed), by source address hash. */
#define DP_ERR_BUCKETS 1024

/* Per-worker state: owned and written by one worker lcore only. */
struct dp_worker {
	struct dp_ctx *ctx;
	unsigned id;
	unsigned lcore;
	uint16_t queue;			/* rx/tx queue id on every port */
	struct rte_mempool *pool;
	struct rte_ring *to_ctl;	/* DHCP frames to the lease manager (SP/SC) */
	struct rte_ring *from_ctl;	/* replies from the lease manager (SP/SC) */
	struct rte_ring *steer;		/* TFTP frames from other workers (MP/SC) */
	struct rte_ring *from_kernel;	/* frames the kernel sends out (SP: exception thread) */
	struct rte_ring *ctl_tx;	/* frames the control thread sends (RAs), SP/SC */
	/* bench/ only (NULL otherwise): sent mbufs a ring-port peer hands back, freed
	 * here as a NIC's tx completions are, on the worker's own core */
	struct rte_ring *txdone;
	uint64_t exc_credit;		/* exception token bucket, in TSC cycles */
	uint64_t exc_last;		/* TSC of the last refill */
	struct dp_tftp_table *tftp;
	struct dp_mtftp *mtftp;		/* worker 0: multicast streams (dp_mtftp.c), else NULL */
	struct dp_tids tids;		/* local ports held by transfers and streams (dp_tid.h) */
	uint64_t rng[2];		/* xorshift128+ state, seeded from getrandom */
	uint16_t ip_id;
	uint64_t err_last[DP_ERR_BUCKETS];	/* dp_err_allowed: TSC of the last ERROR, by source hash */
	struct rte_mbuf *tx[DP_MAX_PORTS][DP_BURST * 4];
	uint16_t n_tx[DP_MAX_PORTS];
	uint8_t tx_ports;		/* bit p: n_tx[p] > 0 (an idle flush costs one test) */
	struct bf_counters ctr;
	/* UDP frames per port dropped because a local sender left the checksum
	 * to tx offload (drop_udp{,6}_csum_offload): the control thread names
	 * the port in its hint. Single writer, read whole like ctr. */
	uint64_t csum_offload[DP_MAX_PORTS];
	struct dp_logring *log;
	struct dp_evring *ev;
	/* Gauges the control thread reads (plain stores, single writer). */
	volatile uint64_t g_sessions;
	struct bf_hist stage_tftp;	/* completed transfers: RRQ to the last ACK */
	uint64_t announced_gen;		/* worker 0: snapshot generation announced (IPv6) */
} __rte_cache_aligned;

/*
 * The exception path of one served port: a kernel interface (net_tap) that
 * carries the port's MAC and addresses. Workers pass up what they do not
 * answer (to_kernel, MP/SC); the exception thread writes it to the tap and
 * hands what the kernel sends to a worker's from_kernel ring for the NIC.
 * Tap I/O is a syscall per frame, so no worker ever touches the tap.
 */
struct dp_exc {
	uint16_t nic_port;
	uint16_t kport;			/* the tap's DPDK port id */
	char ifname[16];
	struct rte_ring *to_kernel;
};

/* Everything the data plane shares; one instance, set up before workers start. */
struct dp_ctx {
	unsigned n_workers;
	uint16_t n_ports;
	uint16_t port_ids[DP_MAX_PORTS];
	uint8_t port_mac[DP_MAX_PORTS][BF_ETH_ALEN]; /* by port id */
	struct dp_exc *exc[DP_MAX_PORTS];	/* by served port id, NULL: no exception path */
	bool kernel_port[DP_MAX_PORTS];		/* by port id: an exception tap, not served */
	struct bf_counters exc_ctr;		/* the exception thread's own counters */
	struct rte_mempool *pool;
	uint16_t port_rxd[DP_MAX_PORTS], port_txd[DP_MAX_PORTS]; /* descriptors per queue */
	bool port_zc[DP_MAX_PORTS];		/* the port sends chained mbufs (zero-copy DATA) */
	struct bf_rss rss[DP_MAX_PORTS];	/* the NIC's RSS (reta_size 0: none): TFTP TIDs */
	struct dp_worker *workers[DP_MAX_WORKERS];
	struct dp_snap *snap;		/* RCU-protected: rcu_dereference / rcu_xchg_pointer */
	struct dp_canary *canary;	/* RCU-protected; NULL: everyone on snap */
	struct dp_clients *clients;	/* client address -> slot, or NULL */
	struct dp_rendered *rendered;	/* per-client files from templates, or NULL */
	unsigned idle_us;		/* sleep when idle this long (0: pure polling) */
	bool log_info;			/* the "bootfarm" log type's level admits INFO */
	unsigned tx_held;		/* mbufs a port's tx queue may hold (0: 2 x its descriptors) */
	uint64_t tsc_hz;
	volatile int quit;
};

/* Port set-up: one rx and one tx queue per worker on every port. Returns 0 or -errno. */
int dp_ports_init(struct dp_ctx *ctx, unsigned n_workers, char *err, size_t errlen);
void dp_ports_close(struct dp_ctx *ctx);

/* Allocate and initialise worker `id` running on `lcore`. Returns NULL on failure. */
struct dp_worker *dp_worker_create(struct dp_ctx *ctx, unsigned id, unsigned lcore);
void dp_worker_destroy(struct dp_worker *w);

/* The worker loop (rte_eal_remote_launch entry; arg is the struct dp_worker). */
int dp_worker_loop(void *arg);
/*
 * One iteration of the loop: rx, handle, replies, timers, tx, quiescent
 * state. The caller is an RCU-registered (online) thread. Returns the number
 * of frames it took in (0: idle).
 */
unsigned dp_worker_poll(struct dp_worker *w);

/*
 * Process one received frame (the classify + handle phases), used by the loop
 * and by tests/fuzzers that feed frames without a NIC. Takes ownership of m.
 */
void dp_worker_handle(struct dp_ctx *ctx, struct dp_worker *w, const struct dp_snap *snap,
		      struct rte_mbuf *m);

/*
 * Exception path (dp_exc.c). dp_exc_create: before dp_ports_init, make the
 * tap for served port nic_port (MAC mac); it is configured by dp_ports_init
 * and brought up by the caller (addresses: control plane).
 */
int dp_exc_create(struct dp_ctx *ctx, uint16_t nic_port, const char *ifname,
		  const uint8_t mac[BF_ETH_ALEN], char *err, size_t errlen);
/* Worker: pass m up if the port has an exception path and the bucket allows.
 * Returns true when m was taken (queued or dropped and counted). */
bool dp_exc_up(struct dp_worker *w, const struct dp_snap *snap, struct rte_mbuf *m,
	       uint16_t ethertype);
/* The exception thread: one pass over every tap; returns frames moved. */
unsigned dp_exc_poll(struct dp_ctx *ctx);
/* Its loop (until ctx->quit), sleeping when idle. */
void *dp_exc_thread(void *arg);
bool dp_exc_any(const struct dp_ctx *ctx);

/*
 * IPv6 (dp_ip6.c): an IPv6 frame for this port. Answers Neighbor Solicitations
 * and echo for our addresses, notices others claiming them, answers MLD
 * queries. Returns true when it took m; false leaves m to the caller (the
 * exception path, or ignored).
 */
bool dp_ip6_input(struct dp_worker *w, const struct dp_snap *snap, struct rte_mbuf *m,
		  const struct dp_iface *ifc);
/* Worker 0, when a new snapshot appears: MLD report and DAD probes per port. */
void dp_ip6_announce(struct dp_worker *w, const struct dp_snap *snap);
/* Is addr one of the interface's IPv6 addresses (link-local included)? */
bool dp_ip6_is_ours(const struct dp_iface *ifc, const uint8_t addr[16]);
/* An MLDv2 report of the interface's groups, in a new mbuf (NULL: none or no mbuf). */
struct rte_mbuf *dp_ip6_mld_report(struct rte_mempool *pool, uint16_t port,
				   const struct dp_iface *ifc);

/* What a worker sends (dp_out.c). Queue a frame for tx on its m->port; takes ownership. */
void dp_tx_enqueue(struct dp_worker *w, struct rte_mbuf *m);
void dp_tx_flush(struct dp_worker *w, struct dp_ctx *ctx);
/*
 * May the worker send an ERROR nobody asked for (a packet to a port with no
 * transfer of the sender's) to source key (16 bytes, IPv4 as ::ffff:a.b.c.d)
 * at TSC now? At most one per second per bucket of sources, so such ERRORs
 * never outnumber what spoofed packets can trigger by more than that. Takes
 * the token when it answers true.
 */
bool dp_err_allowed(struct dp_worker *w, const uint8_t key[16], uint64_t now);

/* TFTP (dp_tftp.c) */
int dp_tftp_init(struct dp_worker *w, uint32_t max_sessions);
void dp_tftp_fini(struct dp_worker *w);
/* A UDP frame for port 69 or a worker-owned transfer port. Takes ownership of m. */
void dp_tftp_input(struct dp_ctx *ctx, struct dp_worker *w, const struct dp_snap *snap,
		   struct rte_mbuf *m, const struct bf_pkt *p);
/* The same for UDP over IPv6 (shared/bf_nd.h's classifier result). */
struct bf_ip6_pkt;
void dp_tftp_input6(struct dp_ctx *ctx, struct dp_worker *w, const struct dp_snap *snap,
		    struct rte_mbuf *m, const struct bf_ip6_pkt *p);
/* Run expired retransmission timers. */
void dp_tftp_timers(struct dp_ctx *ctx, struct dp_worker *w, uint64_t now);
/*
 * A transfer whose client has not acknowledged anything yet (its OACK or
 * block 1 outstanding) may come from a spoofed address: its answer is sent
 * again at most this many times, then the session is dropped without a word
 * (tftp_embryo_timeout), so a request never costs more than 1 + this many
 * answers. A compile-time constant: tftp.retries applies after the first ACK.
 */
#define DP_TFTP_EMBRYO_RETRIES 2
/*
 * Those sessions are also a class of their own, like a SYN queue, whose share
 * is 1/DP_TFTP_EMBRYO_SHARE of a worker's table (at least one). Once no more
 * than that share of the table is free, a request evicts the oldest of them
 * (tftp_embryo_evicted) when they hold more than their share or the table is
 * full, so a flood of requests that are never acknowledged cannot keep real
 * clients out, and the free quarter is kept for them. Below that pressure a
 * storm of slow real clients keeps every session. Compile-time:
 * tftp.max_sessions sets the table.
 */
#define DP_TFTP_EMBRYO_SHARE 4
/* The worker that owns TFTP transfer port tid. */
static inline unsigned
dp_tftp_owner(const struct dp_ctx *ctx, uint16_t tid)
{
	return tid % ctx->n_workers;
}

/* Images (dp_image.c): load a file or a buffer into hugepage memory. */
struct dp_image *dp_image_load_file(const char *name, const char *path, char *err, size_t errlen);
struct dp_image *dp_image_load_mem(const char *name, const void *buf, size_t len);
void dp_image_get(struct dp_image *img);
void dp_image_put(struct dp_image *img);
/* Look an image up by canonical name in a snapshot (NULL if absent). */
struct dp_image *dp_snap_image(const struct dp_snap *s, const char *name);
/* Build the name index of a snapshot whose images[] are set. Returns 0 or -1. */
int dp_snap_index_images(struct dp_snap *s);
/* Free a snapshot (after a grace period): drops image refs, frees ctl data. */
void dp_snap_free(struct dp_snap *s);

/* Log a line from a worker (printf format); never blocks, never calls the kernel. */
void dp_log(struct dp_worker *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A line per transfer (start, end): at log levels below INFO not even formatted. */
#define dp_log_info(w, ...) \
	do { \
		if ((w)->ctx->log_info) \
			dp_log(w, __VA_ARGS__); \
	} while (0)
/* Control thread: hand each pending worker log line to fn. */
void dp_log_drain(struct dp_worker *w, void (*fn)(const char *line, void *arg), void *arg);

/*
 * Per-client rendered files (dp_rendered.c). Workers: dp_rendered_find on the
 * RCU read side (the image stays valid until their next quiescent state).
 * Control thread (RCU-registered, normally offline): put (takes the image
 * reference; replaces a file of the same name), clear, then reclaim (waits
 * for a grace period and frees what was replaced).
 */
struct dp_rendered *dp_rendered_new(uint64_t max);
struct dp_image *dp_rendered_find(struct dp_rendered *r, const char *name);
int dp_rendered_put(struct dp_rendered *r, struct dp_image *img);
void dp_rendered_clear(struct dp_rendered *r);
void dp_rendered_reclaim(struct dp_rendered *r);
uint64_t dp_rendered_count(const struct dp_rendered *r);
void dp_rendered_free(struct dp_rendered *r);

/* Random numbers for TIDs (xorshift128+, seeded from the kernel CSPRNG). */
static inline uint64_t
dp_rand(struct dp_worker *w)
{
	uint64_t s1 = w->rng[0];
	const uint64_t s0 = w->rng[1];
	w->rng[0] = s0;
	s1 ^= s1 << 23;
	w->rng[1] = s1 ^ s0 ^ (s1 >> 17) ^ (s0 >> 26);
	return w->rng[1] + s0;
}

#endif
