/* SPDX-License-Identifier: MIT */
/*
 * The built-in HTTP image server (libmicrohttpd): GET and HEAD /NAME serve
 * the image NAME of the current snapshot (or a file rendered for a client)
 * from memory, with ETag, If-None-Match, Range and If-Range. One thread,
 * "bf-http", runs every listen address; it is an RCU reader that is online
 * only around each image lookup.
 */
#ifndef CTL_HTTP_H
#define CTL_HTTP_H

#include <stddef.h>

#include "ctl_conf.h"
#include "shared/bf_counters.h"

struct dp_ctx;

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
struct sockaddr_storage;
unsigned ctl_listen_sockaddr(int family, const uint8_t addr[16], uint16_t port,
			     struct sockaddr_storage *ss);

/* Add the server thread's counters into *sum (any thread, any time). */
void ctl_http_counters(struct bf_counters *sum);

#endif
