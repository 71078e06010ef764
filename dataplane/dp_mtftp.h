/* SPDX-License-Identifier: MIT */
/*
 * Multicast TFTP (dp_mtftp.c): one DATA stream to a multicast group feeds any
 * number of clients.
 *
 *  - PXE MTFTP (PXE 2.1; announced in DHCP option 43 sub-options 1-5): a
 *    client listens on MTFTP-IP:MTFTP-CPORT, opens with an RRQ to our
 *    MTFTP-SPORT when it heard nothing, and acknowledges; the others listen.
 *  - RFC 2090 (the "multicast" option on an RRQ to port 69): the first client
 *    is the master and acknowledges; later ones get mc=0 and listen; when the
 *    master is done the next one is made master and asks for what it lacks.
 *
 * IPv4 only. Streams live on worker 0: other workers hand it the frames
 * (steering ring). Tables are fixed-size, allocated at start.
 */
#ifndef DP_MTFTP_H
#define DP_MTFTP_H

#include <stdbool.h>
#include <stdint.h>

#define DP_MTFTP_MAX_FILES 16	/* PXE MTFTP images (one group each) */
#define DP_MTFTP_MAX_STREAMS 64	/* streams in flight, both kinds */
#define DP_MTFTP_MAX_CLIENTS 1024 /* RFC 2090 clients waiting or receiving */
#define DP_MTFTP_BLKSIZE 512	/* PXE MTFTP has no options: 512-byte blocks */

/* The multicast part of a snapshot (struct dp_snap.mtftp), compiled by the
 * control thread from mtftp: and tftp.multicast:. */
struct dp_mtftp_params {
	/* PXE MTFTP */
	bool pxe;			/* mtftp.enabled */
	uint32_t pxe_ip;		/* group of files[0], files[i]: pxe_ip + i (host order) */
	uint16_t pxe_cport;		/* MTFTP-CPORT: where DATA goes */
	uint16_t pxe_sport;		/* MTFTP-SPORT: where we take requests */
	uint8_t listen_delay;		/* MTFTP-TMOUT (s), announced only */
	uint8_t delay;			/* MTFTP-DELAY (s), announced only */
	uint8_t n_files;
	char files[DP_MTFTP_MAX_FILES][128];	/* canonical image names */
	/* RFC 2090 */
	bool mc;			/* tftp.multicast.enabled */
	uint32_t mc_first;		/* first group of the range (host order) */
	uint32_t mc_count;		/* groups in the range, one per stream */
	uint16_t mc_port;		/* UDP port of every RFC 2090 group */
	uint8_t mc_ttl;			/* IPv4 TTL of RFC 2090 group DATA */
	uint8_t ttl;			/* IPv4 TTL of PXE MTFTP group DATA (default 1) */
};

struct dp_ctx;
struct dp_worker;
struct dp_snap;
struct bf_pkt;
struct rte_mbuf;

/* Worker 0 only, at start (after dp_tftp_init): the stream and client
 * tables. Returns 0 or -1 (no memory). dp_mtftp_fini ends every stream. */
int dp_mtftp_init(struct dp_worker *w);
void dp_mtftp_fini(struct dp_worker *w);

/*
 * A UDP/IPv4 frame for our address, before the unicast TFTP dispatch: takes
 * frames for a stream's port (worker 0) and for the PXE MTFTP server port
 * (any worker; others steer them to worker 0), and RFC 2090 requests to port
 * 69 (worker 0 starts or joins a stream; others steer them to worker 0).
 * Returns true when it took m; false leaves m to dp_tftp_input (an RFC 2090
 * request that falls back to unicast included).
 */
bool dp_mtftp_input(struct dp_ctx *ctx, struct dp_worker *w, const struct dp_snap *snap,
		    struct rte_mbuf *m, const struct bf_pkt *p);


/*
 * Control thread: up to max rows (struct dp_tftp_info, dp.h) for the clients
 * of worker w's streams: a PXE stream's opener, every RFC 2090 client. Read
 * without a lock while the worker runs, like dp_tftp_list: a row may be a
 * moment old. Returns the number of rows.
 */
struct dp_tftp_info;
unsigned dp_mtftp_list(const struct dp_worker *w, struct dp_tftp_info *out, unsigned max);

/* Worker 0, once per loop: retransmissions and master changes that are due. */
void dp_mtftp_timers(struct dp_worker *w, uint64_t now);

/* The group MAC of an IPv4 multicast address (RFC 1112: 01:00:5e + low 23 bits). */
static inline void
dp_mtftp_group_mac(uint32_t group, uint8_t mac[6])
{
	mac[0] = 0x01;
	mac[1] = 0x00;
	mac[2] = 0x5e;
	mac[3] = (uint8_t)((group >> 16) & 0x7f);
	mac[4] = (uint8_t)(group >> 8);
	mac[5] = (uint8_t)group;
}

#endif
