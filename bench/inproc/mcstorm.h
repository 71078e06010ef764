/* SPDX-License-Identifier: MIT */
/*
 * The boot-storm generator's multicast mode: N simulated clients fetch one
 * file with the RFC 2090 "multicast" option. Each asks (RRQ with blksize,
 * tsize and multicast) from its own address and port; the OACK names the
 * group, its port and whether the client is the master. Every client keeps a
 * bitmap of the blocks it heard on the group; the master acknowledges its
 * first missing block minus one (lock-step). A client that has every block
 * answers the OACK that makes it master with an ACK of the last block, and is
 * done. Clients start spread over ramp_s, so late joiners hear the stream
 * mid-way and later ask, as master, only for what they missed.
 *
 * Pure C11 like storm.c: frames in (mc_rx), frames out (mc_tx), time in ns.
 * Static addresses (no DHCP): client i is ip_base + i with MAC mac_base + i
 * and UDP port MC_PORT_BASE + i.
 */
#ifndef BF_MCSTORM_H
#define BF_MCSTORM_H

#include <stdbool.h>
#include <stdint.h>

#define MC_FRAME_MAX 2048
#define MC_PORT_BASE 3000u
#define MC_MAX_CLIENTS 4096u

struct mc_cfg {
	uint32_t clients;
	double ramp_s;			/* starts spread evenly over ramp_s */
	uint16_t blksize;
	double loss;			/* each received and each sent frame, independently */
	const char *file;
	uint8_t mac_base[6], server_mac[6];
	uint32_t ip_base, server_ip;	/* host order */
	uint32_t timeout_ms;
	unsigned retries;
	uint64_t seed;
};

struct mc_stats {
	uint64_t started, done, failed;
	uint64_t oacks, masters;	/* OACKs received; of them, mc=1 */
	uint64_t group_frames;		/* DATA frames heard on a group (counted once) */
	uint64_t blocks_new;		/* blocks a client did not have yet (all clients) */
	uint64_t bytes_new;
	uint64_t acks, retx;		/* ACKs sent; RRQ/ACK sent again on timeout */
	uint64_t lost_rx, lost_tx, ignored, errors;
};

struct mcstorm;
struct mcstorm *mc_new(const struct mc_cfg *cfg);
void mc_free(struct mcstorm *s);
void mc_rx(struct mcstorm *s, const uint8_t *frame, uint32_t len, uint64_t now_ns);
unsigned mc_tx(struct mcstorm *s, uint64_t now_ns, uint8_t **bufs, uint16_t *lens, unsigned max);
bool mc_done(const struct mcstorm *s);
void mc_stats(const struct mcstorm *s, struct mc_stats *out);
/* time from a client's first RRQ to its last block, percentile p of the finished ones (ns) */
uint64_t mc_ttb_percentile(const struct mcstorm *s, double p);

#endif
