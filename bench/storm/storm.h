/* SPDX-License-Identifier: MIT */
/*
 * The boot-storm engine: N simulated PXE clients, each doing DHCPv4 DORA (or
 * starting from static addresses), then TFTP of its NBP and optional
 * follow-up files (RFC 1350, 2347-2349 options, RFC 7440 windowsize), with
 * injected loss; or, with cfg.v6, the same over IPv6: DHCPv6 Solicit /
 * Advertise / Request / Reply (RFC 8415) with an IA_NA, the client
 * architecture and the bootfile URL (RFC 5970), Neighbor Advertisements for
 * the client's addresses (RFC 4861), then TFTP over IPv6 to the server the
 * URL names. Pure C11: no DPDK, no I/O, no syscalls, no allocation after
 * storm_new. A driver feeds it received Ethernet frames (storm_rx) and asks
 * it for frames to send (storm_tx), both with a monotonic time in ns:
 *   mode (a): bootfarm's workers over net_ring ports, in process;
 *   mode (b): bench/storm/bfstorm.c, an AF_PACKET socket on a veth.
 *
 * Client i has MAC mac_base + i (IPv6: the EUI-64 link-local of that MAC and
 * a DUID-LL of it) and uses UDP port STORM_PORT_BASE + i for TFTP, so a DATA
 * frame finds its client by its destination port in O(1); DHCPv4 replies
 * find theirs by chaddr, DHCPv6 ones by their Client Identifier. The DATA
 * path reads only the headers and the 4-byte TFTP header (IPv6: a DATA
 * frame's UDP checksum is not summed, only refused when zero; every other
 * IPv6 frame a client takes, DHCPv6, NS, OACK, ERROR, must have a correct
 * checksum).
 *
 * RFC 2090 multicast clients are not this engine's: see
 * bench/inproc/mcstorm.h (bfstorm-inproc --multicast).
 */
#ifndef BF_STORM_H
#define BF_STORM_H

#include <stdbool.h>
#include <stdint.h>

#define STORM_FRAME_MAX 2048
#define STORM_PORT_BASE 2000u	/* client i's TFTP port: STORM_PORT_BASE + i */
#define STORM_MAX_CLIENTS 60000u
#define STORM_MAX_FILES 4
#define STORM_NAME_MAX 128	/* file names (DHCP file field size) */

struct storm_cfg {
	uint32_t clients;          /* N simulated machines */
	double ramp_s;             /* 0: all start at once; else starts spread evenly over ramp_s seconds */
	uint16_t blksize, window;  /* TFTP options requested (window 1 = no windowsize option) */
	double loss;               /* 0..1: probability each received and each sent frame is dropped (independently) */
	const char *files[4]; unsigned n_files; /* files[0] = NBP; more = follow-ups; if n_files==0 use the boot file from the DHCP reply */
	bool dhcp;                 /* true: DORA first (server IP/MAC and own IP from the ACK); false: static addresses */
	bool v6;                   /* IPv6: DHCPv6 Solicit/Advertise/Request/Reply (IA_NA, client arch 7,
	                            * ORO 59/60), then TFTP over IPv6 from the IA_NA address to the server
	                            * the Reply's bootfile URL names (tftp://[addr]/file), whose MAC is
	                            * the Ethernet source of the Reply; needs dhcp (no static IPv6 mode) */
	uint8_t mac_base[6];       /* client i has MAC mac_base + i */
	uint32_t ip_base, server_ip;   /* host order; static mode: client i = ip_base + i */
	uint8_t server_mac[6];     /* static mode; all-zero: resolve by ARP */
	uint32_t timeout_ms; unsigned retries; /* client retransmission: per message, doubling per retry (DHCPv4/v6: up to 8x, +0..25 %; ARP, TFTP: 2x) */
	uint64_t seed;
	/* added: */
	bool no_tsize;             /* do not ask for tsize (default: ask, and check the size received) */
	bool dhcp_only;            /* a client is done ("booted") at its ACK (IPv6: its Reply): no TFTP (DHCP cost alone) */
};

struct storm;

/* NULL on a bad configuration (no clients, too many, no file in static mode, v6 without dhcp). */
struct storm *storm_new(const struct storm_cfg *cfg);
void storm_free(struct storm *s);

/* A received Ethernet frame. frame points at the first `len` contiguous bytes (at least all headers
 * through the TFTP opcode/block; DATA payload may be absent: wire_len is the full frame length). */
void storm_rx(struct storm *s, const uint8_t *frame, uint32_t len, uint32_t wire_len, uint64_t now_ns);

/* Frames to send now: writes up to max frames into bufs[i] (each STORM_FRAME_MAX bytes), lengths into lens[i]; returns the count. */
unsigned storm_tx(struct storm *s, uint64_t now_ns, uint8_t **bufs, uint16_t *lens, unsigned max);

bool storm_done(const struct storm *s);          /* every client finished or failed */
/* (after storm_done, call storm_tx until it returns 0: the last clients' final ACKs are queued) */

struct storm_stats {
	uint64_t started;      /* clients that began (DISCOVER, Solicit or RRQ sent) */
	uint64_t booted;       /* clients that received every file */
	uint64_t failed;       /* clients that gave up (retries exhausted, ERROR, NAKs, wrong size, bad URL) */
	uint64_t dhcp_done;    /* ACKs (IPv6: Replies with an address) accepted */
	uint64_t data_pkts;    /* DATA blocks accepted (in order, first time) */
	uint64_t data_bytes;   /* their payload bytes */
	uint64_t client_retx;  /* messages sent again on timeout (DHCP, DHCPv6, ARP, RRQ, ACK) */
	uint64_t server_dups;  /* DATA blocks received again or out of window */
	uint64_t lost_rx, lost_tx; /* frames dropped by loss injection */
	/* added: */
	uint64_t rx_frames, tx_frames; /* frames seen by storm_rx / returned by storm_tx */
	uint64_t rx_ignored;   /* frames not for any client (other ports, other hosts) */
	uint64_t dhcp_retx, tftp_retx; /* client_retx split */
	uint64_t gaps;         /* out-of-order DATA that made the client ACK early (RFC 7440) */
	uint64_t acks_sent;    /* TFTP ACKs built (incl. lost ones) */
	uint64_t files_done;   /* files received completely */
	uint64_t oacks;        /* OACKs received */
	uint64_t tftp_errors;  /* ERROR packets from the server */
	uint64_t dhcp_naks;    /* NAKs received (IPv6: Replies refusing the address: status code, no IAADDR) */
	uint64_t arp_replies;  /* ARP replies sent for clients' addresses */
	uint64_t arp_requests; /* ARP requests sent for the server */
	uint64_t size_mismatch;/* transfers whose byte count differed from tsize */
	uint64_t fail_timeout, fail_error; /* failure causes (fail_error: ERROR, NAKs, size, no or bad boot file / URL) */
	uint64_t na_replies;   /* IPv6: Neighbor Advertisements sent for clients' addresses */
	uint64_t rx_malformed; /* IPv6: frames dropped as malformed (lengths, checksums, options); not in rx_ignored */
};
void storm_stats(const struct storm *s, struct storm_stats *out);

/* time-to-boot percentiles in ns over booted clients (p in 0..100); 0 when none booted */
uint64_t storm_ttb_percentile(const struct storm *s, double p);

/* added: the configuration in use (defaults filled in) */
const struct storm_cfg *storm_config(const struct storm *s);

#endif
