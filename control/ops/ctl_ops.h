/* SPDX-License-Identifier: MIT */
/*
 * ops/: how operators and the host see and steer a running bootfarmd, and
 * nothing else: the control socket (bootfarmctl's server side), Prometheus
 * metrics, DPDK telemetry, the stats file and counter sums, the built-in HTTP
 * image server on the exception path, and the kernel interface (tap) set-up.
 * It reads the leases and slots and calls their operator entry points
 * (release, stage, switch, canary); none of them calls into ops.
 */
#ifndef CTL_OPS_H
#define CTL_OPS_H

#include <stddef.h>
#include <stdint.h>

#include "control/config/ctl_conf.h"
#include "shared/bf_counters.h"

struct ctl;
struct ctl_conf_control;
struct dp_ctx;
struct sockaddr_storage;

/*
 * The control socket bootfarmctl talks to: a UNIX stream socket, one JSON
 * request line in, one JSON response line out. Served by the control thread
 * itself between its other work, so every command sees and changes state
 * with no lock: the lease manager and the slots have one writer.
 */

/* Bind cc->socket (mode 0600, or 0660 with cc->group). 0, or -1 and err. */
int ctl_sock_start(const struct ctl_conf_control *cc, char *err, size_t errlen);
/* Serve waiting connections (control thread). Returns requests served. */
unsigned ctl_sock_poll(struct ctl *c);
void ctl_sock_stop(void);

/*
 * Prometheus metrics: every counter (bf_counters.def) under a Prometheus name,
 * the gauges (TFTP sessions, leases, configuration generation, workers) and
 * the boot stage histograms, in the text exposition format 0.0.4, served by a
 * small libmicrohttpd endpoint (GET /metrics) for the scraper. Read-only: the
 * values are single-writer 64-bit words read whole, as telemetry does.
 */

/*
 * Render the exposition into buf (cap bytes, NUL-terminated when cap > 0).
 * Returns the length of the whole text, as snprintf: a result >= cap means
 * it was cut short and needs result + 1 bytes. Any thread registered with
 * urcu-qsbr and online (it reads the snapshot's generation under RCU).
 */
size_t ctl_metrics_render(const struct ctl *c, char *buf, size_t cap);

/*
 * Start the endpoint on cc->metrics_family/metrics_addr/metrics_port (when
 * cc->metrics is set; otherwise nothing is started): GET or HEAD /metrics,
 * 404 for any other path, 405 for any other method. Its libmicrohttpd thread
 * runs on the EAL's control CPUs; call after rte_eal_init with c fully set up
 * (workers, leases). cc is read now only. Returns 0, or -1 with a message
 * naming the address in err (nothing is left running then).
 */
int ctl_metrics_start(const struct ctl *c, const struct ctl_conf_control *cc, char *err,
		      size_t errlen);

/* Stop the endpoint (before the workers, leases or snapshot are freed). Does
 * nothing when it is not running. */
void ctl_metrics_stop(void);

/*
 * The built-in HTTP image server (libmicrohttpd): GET and HEAD /NAME serve
 * the image NAME of the current snapshot (or a file rendered for a client)
 * from memory, with ETag, If-None-Match, Range and If-Range. One thread,
 * "bf-http", runs every listen address; it is an RCU reader that is online
 * only around each image lookup.
 */

/*
 * Bind every conf->listen address and start the server thread (an EAL
 * control thread, so it runs on the control CPUs, never on a worker's
 * lcore). Call after rte_eal_init, once dp->snap is published and
 * dp->rendered is set. The listen set, max_connections (per address) and
 * timeout are read now only. Returns 0 (nothing is started when
 * conf->n_listen is 0), or -1 with a message naming the address in err:
 * nothing is left running then.
 */
int ctl_http_start(struct dp_ctx *dp, const struct ctl_conf_http *conf, char *err, size_t errlen);

/*
 * Stop the thread and close every connection (responses in flight drop
 * their image references). Call before dp->rendered and the snapshot are
 * freed. Does nothing when the server is not running.
 */
void ctl_http_stop(void);

/*
 * A configured listen address (family, address in network order, port) as
 * the sockaddr for MHD_OPTION_SOCK_ADDR. Returns the MHD flags it needs:
 * MHD_USE_IPv6 for IPv6 (v6 only: exactly what is configured is bound).
 */
unsigned ctl_listen_sockaddr(int family, const uint8_t addr[16], uint16_t port,
			     struct sockaddr_storage *ss);

/* Add the server thread's counters into *sum (any thread, any time). */
void ctl_http_counters(struct bf_counters *sum);

/*
 * The kernel side of the exception path: give the tap the served port's
 * addresses and MTU and bring it up, so the host's stack answers for the
 * same address the data path does (ioctl; start-up only).
 */
/* Returns 0, or -1 with a message in err. */
int ctl_kif_setup(const struct ctl_conf_iface *ci, char *err, size_t errlen);

/* Register the /bootfarm/ DPDK telemetry commands (after rte_eal_init). 0 or -1. */
int ctl_telemetry_init(const struct ctl *c);
/* Sum every thread's counters (reads workers' counters without stopping them). */
void ctl_sum_counters(const struct ctl *c, struct bf_counters *sum);
/* Rewrite c->stats_path atomically: "name value" lines. */
void ctl_write_stats(const struct ctl *c);
/*
 * Frames lost on a port before bootfarm could use them (ctl_ports.c): once a
 * second, read every served port's statistics (and af_packet's kernel ring
 * drops) into the drop_port_* counters, add the workers' per-port count of
 * UDP checksums left to tx offload, and warn, rate-limited, when one grows.
 * ctl_ports_hints: fn(line) for each port and kind of loss seen.
 */
void ctl_ports_tick(struct ctl *c, uint64_t now_s);
/* "net_af_packet0 iface=eth1": the port's device and its arguments, for messages. */
void ctl_port_name(uint16_t port, char *buf, size_t len);
size_t ctl_ports_hints(const struct ctl *c, void (*fn)(const char *hint, void *arg), void *arg);

#endif
