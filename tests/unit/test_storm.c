/* SPDX-License-Identifier: MIT */
/*
 * The boot-storm engine (bench/storm/storm.c) against hand-built server
 * frames: what it sends (DISCOVER, REQUEST, ARP, RRQ, ACKs) byte by byte
 * where it matters, RFC 7440 window ACKs, gaps, rollover, OACK, ERROR,
 * timeouts and retries, dallying, ramps, loss injection. IPv6: Solicit,
 * Request and Neighbor Advertisements field by field with checksums summed
 * here, the bootfile URL, TFTP over IPv6, a whole boot of several clients
 * against a scripted server (DHCPv6, NS before DATA, windows, retransmission)
 * with loss, and malformed IPv6 frames.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "../../bench/storm/storm.h"

#define MS 1000000ull

static const uint8_t SMAC[6] = {0x02, 0xbf, 0, 0, 0, 1};
static const uint8_t CMAC0[6] = {0x02, 0x5b, 0, 0, 0, 0};
#define SIP 0x0a4d0001u	 /* 10.77.0.1 */
#define CIP 0x0a4d0164u	 /* 10.77.1.100 */

static uint8_t txb[64][STORM_FRAME_MAX];
static uint8_t *txp[64];
static uint16_t txl[64];

static unsigned
tx(struct storm *s, uint64_t t)
{
	for (int i = 0; i < 64; i++)
		txp[i] = txb[i];
	return storm_tx(s, t, txp, txl, 64);
}

static uint16_t
g16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t
g32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void
p16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void
p32(uint8_t *p, uint32_t v)
{
	p16(p, (uint16_t)(v >> 16));
	p16(p + 2, (uint16_t)v);
}

static uint32_t
sum16(uint32_t s, const uint8_t *p, uint32_t n)
{
	for (uint32_t i = 0; i + 1 < n; i += 2)
		s += g16(p + i);
	if (n & 1)
		s += (uint32_t)p[n - 1] << 8;
	return s;
}

static uint16_t
fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)s;
}

/* every IPv4/UDP frame the engine sends has valid checksums */
static void
check_sums(const uint8_t *f, uint16_t len)
{
	const uint8_t *ip = f + 14, *udp = f + 34;
	uint16_t ulen = g16(udp + 4);
	cr_assert_eq(g16(f + 12), 0x0800);
	cr_assert_eq(fold(sum16(0, ip, 20)), 0xffff, "IPv4 header checksum");
	cr_assert_eq(g16(ip + 2), len - 14);
	uint32_t s = sum16(0, ip + 12, 8) + 17 + ulen;
	cr_assert_eq(fold(sum16(s, udp, ulen)), 0xffff, "UDP checksum");
}

/* a server frame: Ethernet + IPv4 + UDP + payload */
static uint32_t
mk_udp(uint8_t *f, const uint8_t *dmac, uint32_t sip, uint32_t dip, uint16_t sport, uint16_t dport,
       const void *pl, uint32_t plen)
{
	memcpy(f, dmac, 6);
	memcpy(f + 6, SMAC, 6);
	p16(f + 12, 0x0800);
	uint8_t *ip = f + 14, *u = f + 34;
	memset(ip, 0, 20);
	ip[0] = 0x45;
	p16(ip + 2, (uint16_t)(28 + plen));
	ip[8] = 64;
	ip[9] = 17;
	p32(ip + 12, sip);
	p32(ip + 16, dip);
	p16(u, sport);
	p16(u + 2, dport);
	p16(u + 4, (uint16_t)(8 + plen));
	p16(u + 6, 0);
	if (pl)
		memcpy(u + 8, pl, plen);
	return 42 + plen;
}

static uint8_t *
find_opt(uint8_t *bootp, uint32_t len, uint8_t code)
{
	uint8_t *p = bootp + 240, *end = bootp + len;
	while (p < end && *p != 255) {
		if (*p == 0) {
			p++;
			continue;
		}
		if (*p == code)
			return p;
		p += 2 + p[1];
	}
	return NULL;
}

/* a DHCP reply of TYPE to client 0's DISCOVER/REQUEST (xid from it) */
static uint32_t
mk_dhcp(uint8_t *f, const uint8_t *req, uint8_t type, uint32_t yiaddr, uint32_t siaddr, const char *file)
{
	uint8_t b[400] = {0}, *o = b + 240;
	b[0] = 2;
	b[1] = 1;
	b[2] = 6;
	memcpy(b + 4, req + 42 + 4, 4); /* xid */
	p16(b + 10, 0x8000);
	p32(b + 16, yiaddr);
	p32(b + 20, siaddr);
	memcpy(b + 28, req + 42 + 28, 6);
	p32(b + 236, 0x63825363);
	*o++ = 53, *o++ = 1, *o++ = type;
	*o++ = 54, *o++ = 4;
	p32(o, SIP);
	o += 4;
	if (file) {
		*o++ = 67;
		*o++ = (uint8_t)strlen(file);
		memcpy(o, file, strlen(file));
		o += strlen(file);
	}
	*o++ = 255;
	return mk_udp(f, (const uint8_t *)"\xff\xff\xff\xff\xff\xff", SIP, 0xffffffffu, 67, 68, b,
		      (uint32_t)(o - b));
}

static void
rx(struct storm *s, const uint8_t *f, uint32_t len, uint64_t t)
{
	storm_rx(s, f, len, len, t);
}

/* a TFTP packet from the server's transfer port TID to client I */
static uint32_t
mk_tftp(uint8_t *f, unsigned i, uint32_t cip, uint16_t tid, uint16_t op, uint16_t blk, uint32_t plen)
{
	static uint8_t pl[2048];
	p16(pl, op);
	p16(pl + 2, blk);
	memset(pl + 4, 0xab, plen);
	return mk_udp(f, CMAC0, SIP, cip, tid, (uint16_t)(STORM_PORT_BASE + i), pl, 4 + plen);
}

static uint32_t
mk_oack(uint8_t *f, uint32_t cip, uint16_t tid, const char *opts, uint32_t olen)
{
	uint8_t pl[256];
	p16(pl, 6);
	memcpy(pl + 2, opts, olen);
	return mk_udp(f, CMAC0, SIP, cip, tid, STORM_PORT_BASE, pl, 2 + olen);
}

static struct storm_cfg
base_cfg(void)
{
	struct storm_cfg c = {
		.clients = 1, .blksize = 512, .window = 4, .dhcp = true,
		.mac_base = {0x02, 0x5b, 0, 0, 0, 0}, .timeout_ms = 100, .retries = 3, .seed = 1,
	};
	return c;
}

/* is f a TFTP ACK of BLOCK from client 0 to TID? */
static void
assert_ack(const uint8_t *f, uint16_t len, uint16_t tid, uint16_t block)
{
	check_sums(f, len);
	cr_assert_eq(g16(f + 34), STORM_PORT_BASE);
	cr_assert_eq(g16(f + 36), tid);
	cr_assert_eq(g16(f + 42), 4, "opcode ACK");
	cr_assert_eq(g16(f + 44), block, "ACK %u, expected %u", g16(f + 44), block);
}

Test(storm, dora_then_windowed_tftp)
{
	struct storm_cfg cfg = base_cfg();
	struct storm *s = storm_new(&cfg);
	uint8_t f[2048], req[2048];
	uint32_t l;
	cr_assert_not_null(s);

	/* DISCOVER */
	cr_assert_eq(tx(s, 0), 1);
	uint8_t *d = txb[0];
	check_sums(d, txl[0]);
	cr_assert_arr_eq(d, "\xff\xff\xff\xff\xff\xff", 6);
	cr_assert_arr_eq(d + 6, CMAC0, 6);
	cr_assert_eq(g32(d + 26), 0);
	cr_assert_eq(g32(d + 30), 0xffffffffu);
	cr_assert_eq(g16(d + 34), 68);
	cr_assert_eq(g16(d + 36), 67);
	uint8_t *b = d + 42;
	uint32_t blen = txl[0] - 42u;
	cr_assert_geq(blen, 300);
	cr_assert_eq(b[0], 1);
	cr_assert_eq(g16(b + 10), 0x8000, "broadcast flag");
	cr_assert_arr_eq(b + 28, CMAC0, 6);
	cr_assert_eq(g32(b + 236), 0x63825363);
	uint8_t *o = find_opt(b, blen, 53);
	cr_assert(o && o[1] == 1 && o[2] == 1, "DHCPDISCOVER");
	o = find_opt(b, blen, 60);
	cr_assert(o && o[1] == 32 && !memcmp(o + 2, "PXEClient:Arch:00000:UNDI:002001", 32));
	o = find_opt(b, blen, 93);
	cr_assert(o && o[1] == 2 && o[2] == 0 && o[3] == 0);
	o = find_opt(b, blen, 97);
	cr_assert(o && o[1] == 17 && o[2] == 0);
	o = find_opt(b, blen, 55);
	cr_assert(o && memchr(o + 2, 66, o[1]) && memchr(o + 2, 67, o[1]));
	cr_assert_eq(tx(s, 1 * MS), 0, "nothing more before the timeout");

	/* OFFER -> REQUEST with 50 and 54 */
	memcpy(req, d, txl[0]);
	l = mk_dhcp(f, req, 2, CIP, SIP, "nbp.bin");
	rx(s, f, l, 2 * MS);
	cr_assert_eq(tx(s, 2 * MS), 1);
	b = txb[0] + 42;
	blen = txl[0] - 42u;
	o = find_opt(b, blen, 53);
	cr_assert(o && o[2] == 3, "DHCPREQUEST");
	o = find_opt(b, blen, 50);
	cr_assert(o && o[1] == 4 && g32(o + 2) == CIP);
	o = find_opt(b, blen, 54);
	cr_assert(o && o[1] == 4 && g32(o + 2) == SIP);
	cr_assert_arr_eq(b + 4, req + 46, 4, "same xid");

	/* ACK -> RRQ to the server's MAC with the options */
	l = mk_dhcp(f, req, 5, CIP, SIP, "nbp.bin");
	rx(s, f, l, 3 * MS);
	cr_assert_eq(tx(s, 3 * MS), 1);
	d = txb[0];
	check_sums(d, txl[0]);
	cr_assert_arr_eq(d, SMAC, 6, "to the server's MAC");
	cr_assert_eq(g32(d + 26), CIP);
	cr_assert_eq(g32(d + 30), SIP);
	cr_assert_eq(g16(d + 34), STORM_PORT_BASE);
	cr_assert_eq(g16(d + 36), 69);
	static const char rrq[] = "\x00\x01nbp.bin\0octet\0tsize\0" "0\0windowsize\0" "4";
	cr_assert_eq(txl[0], 42 + sizeof rrq);
	cr_assert_arr_eq(d + 42, rrq, sizeof rrq);

	/* OACK -> ACK 0 */
	static const char oack[] = "blksize\0" "512\0tsize\0" "3000\0windowsize\0" "4";
	l = mk_oack(f, CIP, 40000, oack, sizeof oack);
	rx(s, f, l, 4 * MS);
	cr_assert_eq(tx(s, 4 * MS), 1);
	assert_ack(txb[0], txl[0], 40000, 0);

	/* blocks 1..4: one ACK, for 4 */
	for (uint16_t k = 1; k <= 3; k++) {
		l = mk_tftp(f, 0, CIP, 40000, 3, k, 512);
		rx(s, f, l, 5 * MS);
		cr_assert_eq(tx(s, 5 * MS), 0, "no ACK inside a window (block %u)", k);
	}
	l = mk_tftp(f, 0, CIP, 40000, 3, 4, 512);
	rx(s, f, l, 5 * MS);
	cr_assert_eq(tx(s, 5 * MS), 1);
	assert_ack(txb[0], txl[0], 40000, 4);

	/* block 5 lost: 6 and 7 make one ACK of 4 */
	l = mk_tftp(f, 0, CIP, 40000, 3, 6, 512);
	rx(s, f, l, 6 * MS);
	l = mk_tftp(f, 0, CIP, 40000, 3, 7, 512);
	rx(s, f, l, 6 * MS);
	cr_assert_eq(tx(s, 6 * MS), 1);
	assert_ack(txb[0], txl[0], 40000, 4);
	/* a frame from another port is not this transfer's */
	l = mk_tftp(f, 0, CIP, 40001, 3, 5, 512);
	rx(s, f, l, 6 * MS);
	cr_assert_eq(tx(s, 6 * MS), 0);

	/* the window again from 5: ACK 8; the payload may be absent from the buffer */
	for (uint16_t k = 5; k <= 8; k++) {
		l = mk_tftp(f, 0, CIP, 40000, 3, k, 512);
		storm_rx(s, f, 46, l, 7 * MS);
	}
	cr_assert_eq(tx(s, 7 * MS), 1);
	assert_ack(txb[0], txl[0], 40000, 8);

	struct storm_stats st;
	storm_stats(s, &st);
	cr_assert_eq(st.data_bytes, 8 * 512);
	cr_assert_not(storm_done(s));
	/* the file is 3000 bytes but 8 blocks of 512 came: the size check fails it */
	l = mk_tftp(f, 0, CIP, 40000, 3, 9, 0);
	rx(s, f, l, 8 * MS);
	cr_assert(storm_done(s));
	storm_stats(s, &st);
	cr_assert_eq(st.size_mismatch, 1);
	cr_assert_eq(st.failed, 1);
	cr_assert_eq(tx(s, 8 * MS), 1, "the final ACK still goes out");
	assert_ack(txb[0], txl[0], 40000, 9);
	storm_free(s);
}

/* static addresses, ARP for the server, two files, the exact tsize, dallying */
Test(storm, static_arp_two_files)
{
	struct storm_cfg cfg = base_cfg();
	cfg.dhcp = false;
	cfg.ip_base = CIP;
	cfg.server_ip = SIP;
	cfg.window = 1;
	cfg.files[0] = "a";
	cfg.files[1] = "b";
	cfg.n_files = 2;
	struct storm *s = storm_new(&cfg);
	uint8_t f[2048];
	uint32_t l;
	cr_assert_not_null(s);

	cr_assert_eq(tx(s, 0), 1);
	uint8_t *a = txb[0];
	cr_assert_eq(g16(a + 12), 0x0806);
	cr_assert_arr_eq(a, "\xff\xff\xff\xff\xff\xff", 6);
	cr_assert_eq(g16(a + 20), 1, "who-has");
	cr_assert_eq(g32(a + 28), CIP);
	cr_assert_eq(g32(a + 38), SIP);

	/* ARP reply -> RRQ "a" without windowsize */
	uint8_t r[60] = {0};
	memcpy(r, CMAC0, 6);
	memcpy(r + 6, SMAC, 6);
	p16(r + 12, 0x0806);
	p16(r + 14, 1);
	p16(r + 16, 0x0800);
	r[18] = 6;
	r[19] = 4;
	p16(r + 20, 2);
	memcpy(r + 22, SMAC, 6);
	p32(r + 28, SIP);
	memcpy(r + 32, CMAC0, 6);
	p32(r + 38, CIP);
	rx(s, r, 60, 1 * MS);
	cr_assert_eq(tx(s, 1 * MS), 1);
	cr_assert_arr_eq(txb[0], SMAC, 6);
	static const char rrq[] = "\x00\x01" "a\0octet\0tsize\0" "0";
	cr_assert_eq(txl[0], 42 + sizeof rrq);
	cr_assert_arr_eq(txb[0] + 42, rrq, sizeof rrq);

	/* the server asks who has the client's address: our MAC */
	p16(r + 20, 1);
	memset(r, 0xff, 6);
	memset(r + 32, 0, 6);
	rx(s, r, 60, 1 * MS);
	cr_assert_eq(tx(s, 1 * MS), 1);
	cr_assert_eq(g16(txb[0] + 12), 0x0806);
	cr_assert_eq(g16(txb[0] + 20), 2, "is-at");
	cr_assert_arr_eq(txb[0] + 22, CMAC0, 6);
	cr_assert_eq(g32(txb[0] + 28), CIP);
	cr_assert_arr_eq(txb[0], SMAC, 6);

	/* no OACK (a server without options): 512-byte blocks, "a" = 512 + 3 bytes */
	l = mk_tftp(f, 0, CIP, 5000, 3, 1, 512);
	rx(s, f, l, 2 * MS);
	cr_assert_eq(tx(s, 2 * MS), 1);
	assert_ack(txb[0], txl[0], 5000, 1);
	l = mk_tftp(f, 0, CIP, 5000, 3, 2, 3);
	rx(s, f, l, 2 * MS);
	/* final ACK of "a", then the RRQ of "b" */
	cr_assert_eq(tx(s, 2 * MS), 2);
	assert_ack(txb[0], txl[0], 5000, 2);
	cr_assert_eq(g16(txb[1] + 36), 69);
	cr_assert_arr_eq(txb[1] + 44, "b", 2);
	/* "a"'s server sends its last block again (our ACK was lost): ACK it again */
	rx(s, f, l, 3 * MS);
	cr_assert_eq(tx(s, 3 * MS), 1);
	assert_ack(txb[0], txl[0], 5000, 2);
	/* a stale block of an old transfer is not "b"'s start */
	l = mk_tftp(f, 0, CIP, 6000, 3, 7, 512);
	rx(s, f, l, 3 * MS);
	cr_assert_eq(tx(s, 3 * MS), 0);
	/* "b": OACK with tsize 100, one block */
	static const char oack[] = "tsize\0" "100";
	l = mk_oack(f, CIP, 5001, oack, sizeof oack);
	rx(s, f, l, 4 * MS);
	cr_assert_eq(tx(s, 4 * MS), 1);
	assert_ack(txb[0], txl[0], 5001, 0);
	l = mk_tftp(f, 0, CIP, 5001, 3, 1, 100);
	rx(s, f, l, 10 * MS);
	cr_assert(storm_done(s));
	cr_assert_eq(tx(s, 10 * MS), 1);
	assert_ack(txb[0], txl[0], 5001, 1);
	struct storm_stats st;
	storm_stats(s, &st);
	cr_assert_eq(st.booted, 1);
	cr_assert_eq(st.files_done, 2);
	cr_assert_eq(st.data_bytes, 512 + 3 + 100);
	cr_assert_eq(storm_ttb_percentile(s, 50), 10 * MS);
	cr_assert_eq(storm_ttb_percentile(s, 100), 10 * MS);
	storm_free(s);
}

static struct storm *
static_one(uint16_t blksize, uint16_t window)
{
	struct storm_cfg cfg = base_cfg();
	cfg.dhcp = false;
	cfg.ip_base = CIP;
	cfg.server_ip = SIP;
	memcpy(cfg.server_mac, SMAC, 6);
	cfg.blksize = blksize;
	cfg.window = window;
	cfg.files[0] = "f";
	cfg.n_files = 1;
	cfg.no_tsize = true;
	return storm_new(&cfg);
}

Test(storm, block_number_rollover)
{
	struct storm *s = static_one(8, 1);
	uint8_t f[256];
	uint32_t l, total = 70000, k;
	cr_assert_not_null(s);
	cr_assert_eq(tx(s, 0), 1); /* RRQ, server MAC given: no ARP */
	static const char oack[] = "blksize\0" "8";
	l = mk_oack(f, CIP, 7000, oack, sizeof oack);
	rx(s, f, l, 0);
	cr_assert_eq(tx(s, 0), 1);
	for (k = 1; k <= total; k++) {
		l = mk_tftp(f, 0, CIP, 7000, 3, (uint16_t)k, k == total ? 1 : 8);
		rx(s, f, l, 1 * MS);
		cr_assert_eq(tx(s, 1 * MS), 1);
		cr_assert_eq(g16(txb[0] + 44), (uint16_t)k);
	}
	cr_assert(storm_done(s));
	struct storm_stats st;
	storm_stats(s, &st);
	cr_assert_eq(st.booted, 1);
	cr_assert_eq(st.data_pkts, total);
	cr_assert_eq(st.data_bytes, (uint64_t)(total - 1) * 8 + 1);
	storm_free(s);
}

Test(storm, timeouts_retries_and_failure)
{
	struct storm_cfg cfg = base_cfg();
	cfg.retries = 2;
	struct storm *s = storm_new(&cfg);
	cr_assert_not_null(s);
	cr_assert_eq(tx(s, 0), 1);
	unsigned sent = 1;
	for (uint64_t t = 1; t < 2000; t++)
		sent += tx(s, t * MS);
	cr_assert_eq(sent, 3, "DISCOVER and two retransmissions (%u)", sent);
	cr_assert(storm_done(s));
	struct storm_stats st;
	storm_stats(s, &st);
	cr_assert_eq(st.failed, 1);
	cr_assert_eq(st.fail_timeout, 1);
	cr_assert_eq(st.client_retx, 2);
	cr_assert_eq(storm_ttb_percentile(s, 50), 0);
	storm_free(s);
}

Test(storm, ack_on_timeout_then_progress)
{
	struct storm *s = static_one(512, 4);
	uint8_t f[1024];
	uint32_t l;
	cr_assert_eq(tx(s, 0), 1);
	l = mk_tftp(f, 0, CIP, 7000, 3, 1, 512);
	rx(s, f, l, 0);
	/* no OACK: the server took no option, so window 1: ACK at once */
	cr_assert_eq(tx(s, 0), 1);
	assert_ack(txb[0], txl[0], 7000, 1);
	/* nothing more: ACK 1 again on timeout (100 ms) */
	cr_assert_eq(tx(s, 50 * MS), 0);
	cr_assert_eq(tx(s, 101 * MS), 1);
	assert_ack(txb[0], txl[0], 7000, 1);
	struct storm_stats st;
	storm_stats(s, &st);
	cr_assert_eq(st.tftp_retx, 1);
	/* an ERROR ends the client */
	static const char e[] = "\x00\x05\x00\x01" "File not found";
	l = mk_udp(f, CMAC0, SIP, CIP, 7000, STORM_PORT_BASE, e, sizeof e);
	rx(s, f, l, 120 * MS);
	cr_assert(storm_done(s));
	storm_stats(s, &st);
	cr_assert_eq(st.tftp_errors, 1);
	cr_assert_eq(st.failed, 1);
	storm_free(s);
}

Test(storm, ramp_and_dhcp_nak)
{
	struct storm_cfg cfg = base_cfg();
	cfg.clients = 10;
	cfg.ramp_s = 1.0;
	cfg.timeout_ms = 5000;
	struct storm *s = storm_new(&cfg);
	struct storm_stats st;
	cr_assert_eq(tx(s, 1000 * MS), 1, "client 0 at t0");
	cr_assert_eq(tx(s, 1499 * MS), 4, "clients 1..4 by t0 + 0.499 s");
	cr_assert_eq(tx(s, 2000 * MS), 5);
	storm_stats(s, &st);
	cr_assert_eq(st.started, 10);
	/* client 3 (MAC ...:03): OFFER, then NAK -> DISCOVER again */
	uint8_t f[1024], req[1024];
	cr_assert_eq(txb[0][42 + 28 + 5] >= 5, 1);
	memset(req, 0, sizeof req);
	/* rebuild client 3's DISCOVER to get its xid: run a fresh engine instead */
	storm_free(s);
	cfg.clients = 1;
	cfg.ramp_s = 0;
	s = storm_new(&cfg);
	cr_assert_eq(tx(s, 0), 1);
	memcpy(req, txb[0], txl[0]);
	uint32_t l = mk_dhcp(f, req, 2, CIP, SIP, NULL);
	rx(s, f, l, 0);
	cr_assert_eq(tx(s, 0), 1);
	l = mk_dhcp(f, req, 6, 0, 0, NULL);
	rx(s, f, l, 0);
	cr_assert_eq(tx(s, 0), 1);
	uint8_t *o = find_opt(txb[0] + 42, txl[0] - 42u, 53);
	cr_assert(o && o[2] == 1, "DISCOVER after a NAK");
	storm_stats(s, &st);
	cr_assert_eq(st.dhcp_naks, 1);
	/* a reply for another machine (other chaddr) is ignored */
	req[42 + 28 + 5] ^= 0x40;
	l = mk_dhcp(f, req, 2, CIP, SIP, NULL);
	rx(s, f, l, 0);
	cr_assert_eq(tx(s, 0), 0);
	storm_free(s);
}

Test(storm, loss_injection)
{
	struct storm *s = static_one(512, 1);
	struct storm_cfg cfg = *storm_config(s);
	storm_free(s);
	cfg.files[0] = "f";
	cfg.loss = 0.25;
	cfg.clients = 4000;
	cfg.timeout_ms = 60000;
	s = storm_new(&cfg);
	cr_assert_not_null(s);
	unsigned n = 0, k;
	while ((k = tx(s, 0)))
		n += k;
	struct storm_stats st;
	storm_stats(s, &st);
	cr_assert_eq(n + st.lost_tx, 4000);
	cr_assert(st.lost_tx > 850 && st.lost_tx < 1150, "lost %llu of 4000", (unsigned long long)st.lost_tx);
	uint8_t f[1024];
	uint32_t l = mk_tftp(f, 0, CIP, 9, 3, 1, 512);
	for (k = 0; k < 4000; k++)
		rx(s, f, l, 0);
	storm_stats(s, &st);
	cr_assert(st.lost_rx > 850 && st.lost_rx < 1150);
	storm_free(s);
}

Test(storm, bad_configurations_and_garbage)
{
	struct storm_cfg cfg = base_cfg();
	cfg.clients = 0;
	cr_assert_null(storm_new(&cfg));
	cfg = base_cfg();
	cfg.dhcp = false; /* static without a file/addresses */
	cr_assert_null(storm_new(&cfg));
	cfg = base_cfg();
	cfg.v6 = true; /* IPv6 needs DHCPv6: no static IPv6 mode */
	cfg.dhcp = false;
	cfg.ip_base = CIP;
	cfg.server_ip = SIP;
	cfg.files[0] = "f";
	cfg.n_files = 1;
	cr_assert_null(storm_new(&cfg));
	cfg = base_cfg();
	cfg.loss = 1.5;
	cr_assert_null(storm_new(&cfg));

	/* random and truncated frames never crash and are counted as ignored */
	cfg = base_cfg();
	cfg.clients = 16;
	struct storm *s = storm_new(&cfg);
	uint8_t f[STORM_FRAME_MAX];
	srand(7);
	tx(s, 0);
	for (int k = 0; k < 20000; k++) {
		uint32_t len = (uint32_t)rand() % sizeof f;
		for (uint32_t j = 0; j < len; j++)
			f[j] = (uint8_t)rand();
		if (k & 1) { /* plausible headers, garbage beyond */
			mk_udp(f, CMAC0, SIP, CIP, 7, (uint16_t)(k & 2 ? 68 : STORM_PORT_BASE + k % 16), NULL, 0);
			if (k & 2)
				p16(f + 34, 67);
			p16(f + 38, (uint16_t)(len > 34 ? len - 34 : 8));
		}
		storm_rx(s, f, len, len, (uint64_t)k * MS);
		tx(s, (uint64_t)k * MS);
	}
	struct storm_stats st;
	storm_stats(s, &st);
	cr_assert_eq(st.rx_frames, 20000);
	storm_free(s);
}

/* ================================================================ IPv6 == */
static const uint8_t SDUID[10] = {0, 3, 0, 1, 0x02, 0xbf, 0, 0, 0, 1}; /* DUID-LL of SMAC */
static const uint8_t SLL[16] = {0xfe, 0x80, [8] = 0x00, 0xbf, 0x00, 0xff, 0xfe, 0x00, 0x00, 0x01};
static const uint8_t SG[16] = {0xfd, 0x00, 0x00, 0x99, [15] = 1};	     /* fd00:99::1 */
static const uint8_t CG[16] = {0xfd, 0x00, 0x00, 0x99, [13] = 1, 0, 5}; /* fd00:99::1:5 */
static const uint8_t CLL0[16] = {0xfe, 0x80, [8] = 0x00, 0x5b, 0x00, 0xff, 0xfe, 0x00, 0x00, 0x00};
static const uint8_t ALL_DHCP[16] = {0xff, 0x02, [13] = 1, [15] = 2};
#define URL_OK "tftp://[fd00:99::1]/boot%2Fnbp6.efi"

/* IPv6 upper-layer checksum, summed here (RFC 8200 8.1): true if right */
static bool
sum6_ok(const uint8_t *f, uint32_t len)
{
	const uint8_t *ip = f + 14;
	uint32_t pl = g16(ip + 4), s;
	cr_assert_eq(pl + 54, len, "payload length %u in a frame of %u", pl, len);
	s = sum16(0, ip + 8, 32) + (pl >> 16) + (pl & 0xffff) + ip[6];
	return fold(sum16(s, ip + 40, pl)) == 0xffff;
}

/* a server frame: Ethernet + IPv6 + UDP + payload, checksum right */
static uint32_t
mk_udp6(uint8_t *f, const uint8_t *dmac, const uint8_t *sip, const uint8_t *dip, uint16_t sport,
	uint16_t dport, const void *pl, uint32_t plen)
{
	uint8_t *ip = f + 14, *u = f + 54;
	memcpy(f, dmac, 6);
	memcpy(f + 6, SMAC, 6);
	p16(f + 12, 0x86dd);
	memset(ip, 0, 40);
	ip[0] = 0x60;
	p16(ip + 4, (uint16_t)(8 + plen));
	ip[6] = 17;
	ip[7] = 64;
	memcpy(ip + 8, sip, 16);
	memcpy(ip + 24, dip, 16);
	p16(u, sport);
	p16(u + 2, dport);
	p16(u + 4, (uint16_t)(8 + plen));
	p16(u + 6, 0);
	if (pl)
		memmove(u + 8, pl, plen);
	uint32_t s = sum16(0, ip + 8, 32) + 8 + plen + 17;
	uint16_t c = (uint16_t)~fold(sum16(s, u, 8 + plen));
	p16(u + 6, c ? c : 0xffff);
	return 62 + plen;
}

/* a DHCPv6 message being built */
struct m6 {
	uint8_t b[1400];
	uint32_t n;
};

static void
m6_opt(struct m6 *m, uint16_t code, const void *v, uint16_t len)
{
	p16(m->b + m->n, code);
	p16(m->b + m->n + 2, len);
	if (len)
		memcpy(m->b + m->n + 4, v, len);
	m->n += 4u + len;
}

/* IA_NA of IAID 0 (client 0: MAC bytes 2..5) with ADDR (valid lifetime VALID) and a STATUS
 * code in it unless 0xffff */
static void
m6_ia(struct m6 *m, const uint8_t *addr, uint32_t valid, uint16_t status, const uint8_t *iaid)
{
	uint8_t ia[100] = {0};
	uint16_t n = 12;
	memcpy(ia, iaid, 4);
	p32(ia + 4, 1800);
	p32(ia + 8, 2880);
	if (addr) {
		p16(ia + n, 5);
		p16(ia + n + 2, 24);
		memcpy(ia + n + 4, addr, 16);
		p32(ia + n + 20, 3600);
		p32(ia + n + 24, valid);
		n += 28;
	}
	if (status != 0xffff) {
		p16(ia + n, 13);
		p16(ia + n + 2, 2);
		p16(ia + n + 4, status);
		n += 6;
	}
	m6_opt(m, 3, ia, n);
}

/* Advertise (2) or Reply (7) to client 0's message REQ (xid and client id from it) */
static void
m6_reply(struct m6 *m, const uint8_t *req, uint8_t type, const uint8_t *addr, const char *url)
{
	static const uint8_t iaid0[4];
	m->n = 4;
	m->b[0] = type;
	memcpy(m->b + 1, req + 63, 3);
	m6_opt(m, 2, SDUID, sizeof SDUID);
	m6_opt(m, 1, req + 70, 10); /* client id: the first option of ours */
	m6_ia(m, addr, addr ? 7200 : 0, addr ? 0xffff : 2, iaid0);
	if (url)
		m6_opt(m, 59, url, (uint16_t)strlen(url));
}

static uint32_t
m6_frame(uint8_t *f, const struct m6 *m)
{
	return mk_udp6(f, CMAC0, SLL, CLL0, 547, 546, m->b, m->n);
}

/* option CODE of the DHCPv6 message at msg (len bytes); its length in *ol; the walk checks
 * that the options exactly fill the message */
static const uint8_t *
find_opt6(const uint8_t *msg, uint32_t len, uint16_t code, uint16_t *ol)
{
	const uint8_t *hit = NULL;
	uint32_t at = 4;
	while (at < len) {
		cr_assert_leq(at + 4, len, "option header inside the message");
		uint16_t c = g16(msg + at), l = g16(msg + at + 2);
		cr_assert_leq(at + 4u + l, len, "option %u inside the message", c);
		if (c == code && !hit) {
			hit = msg + at + 4;
			*ol = l;
		}
		at += 4u + l;
	}
	cr_assert_eq(at, len, "options fill the message exactly");
	return hit;
}

/* a Neighbor Solicitation from the server: SIP to DIP for TARGET, with a source link-layer
 * option when SLLA, hop limit HOPS */
static uint32_t
mk_ns(uint8_t *f, const uint8_t *sip, const uint8_t *dip, const uint8_t *target, bool slla, uint8_t hops)
{
	uint8_t *ip = f + 14, *ic = f + 54;
	uint16_t pl = slla ? 32 : 24;
	if (dip[0] == 0xff) {
		uint8_t m[6] = {0x33, 0x33, dip[12], dip[13], dip[14], dip[15]};
		memcpy(f, m, 6);
	} else {
		memcpy(f, CMAC0, 6);
	}
	memcpy(f + 6, SMAC, 6);
	p16(f + 12, 0x86dd);
	memset(ip, 0, 40);
	ip[0] = 0x60;
	p16(ip + 4, pl);
	ip[6] = 58;
	ip[7] = hops;
	memcpy(ip + 8, sip, 16);
	memcpy(ip + 24, dip, 16);
	memset(ic, 0, pl);
	ic[0] = 135;
	memcpy(ic + 8, target, 16);
	if (slla) {
		ic[24] = 1;
		ic[25] = 1;
		memcpy(ic + 26, SMAC, 6);
	}
	uint32_t s = sum16(0, ip + 8, 32) + pl + 58;
	p16(ic + 2, (uint16_t)~fold(sum16(s, ic, pl)));
	return 54u + pl;
}

/* the solicited-node multicast address of A */
static void
snm(const uint8_t *a, uint8_t *out)
{
	static const uint8_t pfx[13] = {0xff, 0x02, [11] = 1, [12] = 0xff};
	memcpy(out, pfx, 13);
	memcpy(out + 13, a + 13, 3);
}

/* f is client 0's NA for TARGET to DIP/DMAC, every field and the checksum */
static void
assert_na(const uint8_t *f, uint16_t len, const uint8_t *target, const uint8_t *dip)
{
	const uint8_t *ip = f + 14, *ic = f + 54;
	cr_assert_eq(len, 54 + 32);
	cr_assert_arr_eq(f, SMAC, 6, "to the soliciting MAC");
	cr_assert_arr_eq(f + 6, CMAC0, 6);
	cr_assert_eq(g16(f + 12), 0x86dd);
	cr_assert_eq(ip[0] >> 4, 6);
	cr_assert_eq(ip[6], 58);
	cr_assert_eq(ip[7], 255, "hop limit 255 (RFC 4861 7.1.2)");
	cr_assert_arr_eq(ip + 8, target, 16, "from the target address");
	cr_assert_arr_eq(ip + 24, dip, 16, "to the solicitation's source");
	cr_assert_eq(ic[0], 136);
	cr_assert_eq(ic[1], 0);
	cr_assert_eq(g32(ic + 4), 0x60000000u, "S and O set, R clear");
	cr_assert_arr_eq(ic + 8, target, 16);
	cr_assert_eq(ic[24], 2, "target link-layer address option");
	cr_assert_eq(ic[25], 1);
	cr_assert_arr_eq(ic + 26, CMAC0, 6);
	cr_assert(sum6_ok(f, len), "ICMPv6 checksum");
}

/* f is a TFTP/IPv6 frame of client 0 to SG port DPORT, checksum right; its payload */
static const uint8_t *
assert_tftp6(const uint8_t *f, uint16_t len, uint16_t dport)
{
	cr_assert_eq(g16(f + 12), 0x86dd);
	cr_assert_arr_eq(f, SMAC, 6, "to the server's MAC (learnt from DHCPv6)");
	cr_assert_arr_eq(f + 6, CMAC0, 6);
	cr_assert_eq(f[14 + 6], 17);
	cr_assert_arr_eq(f + 22, CG, 16, "from the leased address");
	cr_assert_arr_eq(f + 38, SG, 16, "to the URL's server");
	cr_assert_eq(g16(f + 54), STORM_PORT_BASE);
	cr_assert_eq(g16(f + 56), dport);
	cr_assert_eq(g16(f + 58), len - 54);
	cr_assert_neq(g16(f + 60), 0, "UDP checksum present");
	cr_assert(sum6_ok(f, len), "UDP checksum");
	return f + 62;
}

static void
assert_ack6(const uint8_t *f, uint16_t len, uint16_t tid, uint16_t block)
{
	const uint8_t *t = assert_tftp6(f, len, tid);
	cr_assert_eq(len, 66);
	cr_assert_eq(g16(t), 4, "ACK");
	cr_assert_eq(g16(t + 2), block, "ACK %u, expected %u", g16(t + 2), block);
}

/* a TFTP packet from SG:TID to client 0's port at DIP */
static uint32_t
mk_tftp6(uint8_t *f, const uint8_t *dip, uint16_t tid, uint16_t op, uint16_t blk, uint32_t plen)
{
	static uint8_t pl[2048];
	p16(pl, op);
	p16(pl + 2, blk);
	memset(pl + 4, 0xcd, plen);
	return mk_udp6(f, CMAC0, SG, dip, tid, STORM_PORT_BASE, pl, 4 + plen);
}

static struct storm_cfg
v6_cfg(void)
{
	struct storm_cfg c = base_cfg();
	c.v6 = true;
	return c;
}

/* client 0 through Solicit/Advertise/Request: the Request is in txb[0], a copy in req */
static struct storm *
v6_to_request(struct storm_cfg *cfg, uint8_t *req)
{
	struct storm *s = storm_new(cfg);
	uint8_t f[1600];
	struct m6 m;
	cr_assert_not_null(s);
	cr_assert_eq(tx(s, 0), 1);
	m6_reply(&m, txb[0], 2, CG, NULL);
	rx(s, f, m6_frame(f, &m), 1 * MS);
	cr_assert_eq(tx(s, 1 * MS), 1);
	cr_assert_eq(txb[0][62], 3, "Request");
	memcpy(req, txb[0], txl[0]);
	return s;
}

Test(storm6, solicit_request_reply_ns_and_tftp)
{
	struct storm_cfg cfg = v6_cfg();
	struct storm *s = storm_new(&cfg);
	struct storm_stats st;
	uint8_t f[2048], sol[2048], req[2048];
	const uint8_t *o;
	uint16_t ol;
	struct m6 m;
	uint32_t l;
	cr_assert_not_null(s);

	/* Solicit: Ethernet, IPv6, UDP, then every option */
	cr_assert_eq(tx(s, 0), 1);
	uint8_t *d = txb[0], *ip = d + 14;
	memcpy(sol, d, txl[0]);
	cr_assert_arr_eq(d, "\x33\x33\x00\x01\x00\x02", 6, "All_DHCP_Relay_Agents_and_Servers' MAC");
	cr_assert_arr_eq(d + 6, CMAC0, 6);
	cr_assert_eq(g16(d + 12), 0x86dd);
	cr_assert_eq(g32(ip), 0x60000000u, "version 6, no traffic class, no flow label");
	cr_assert_eq(g16(ip + 4), txl[0] - 54, "payload length");
	cr_assert_eq(ip[6], 17, "UDP, no extension headers");
	cr_assert_arr_eq(ip + 8, CLL0, 16, "from the EUI-64 link-local of the MAC");
	cr_assert_arr_eq(ip + 24, ALL_DHCP, 16, "to ff02::1:2");
	cr_assert_eq(g16(d + 54), 546);
	cr_assert_eq(g16(d + 56), 547);
	cr_assert_eq(g16(d + 58), txl[0] - 54, "UDP length");
	cr_assert_neq(g16(d + 60), 0);
	cr_assert(sum6_ok(d, txl[0]), "UDP checksum of the Solicit");
	const uint8_t *msg = d + 62;
	uint32_t mlen = txl[0] - 62u;
	cr_assert_eq(msg[0], 1, "Solicit");
	uint32_t xid1 = g32(msg) & 0xffffff;
	o = find_opt6(msg, mlen, 1, &ol);
	cr_assert(o && ol == 10, "client id: DUID-LL");
	cr_assert_arr_eq(o, "\x00\x03\x00\x01", 4);
	cr_assert_arr_eq(o + 4, CMAC0, 6);
	cr_assert_null(find_opt6(msg, mlen, 2, &ol), "no server id in a Solicit");
	o = find_opt6(msg, mlen, 3, &ol);
	cr_assert(o && ol == 12, "IA_NA without addresses (%u)", o ? ol : 0);
	cr_assert_eq(g32(o), 0, "IAID: MAC bytes 2..5");
	cr_assert_eq(g32(o + 4), 0, "T1 0");
	cr_assert_eq(g32(o + 8), 0, "T2 0");
	o = find_opt6(msg, mlen, 8, &ol);
	cr_assert(o && ol == 2 && g16(o) == 0, "Elapsed Time 0 in the first message");
	o = find_opt6(msg, mlen, 6, &ol);
	cr_assert(o && ol == 4 && g16(o) == 59 && g16(o + 2) == 60, "ORO: bootfile URL and parameters");
	o = find_opt6(msg, mlen, 61, &ol);
	cr_assert(o && ol == 2 && g16(o) == 7, "client architecture 7 (EFI x64)");
	o = find_opt6(msg, mlen, 62, &ol);
	cr_assert(o && ol == 3 && o[0] == 1 && o[1] == 3 && o[2] == 16, "NII UNDI 3.16");
	o = find_opt6(msg, mlen, 16, &ol);
	cr_assert(o && ol == 4 + 2 + 32 && g32(o) == 343 && g16(o + 4) == 32 &&
		  !memcmp(o + 6, "PXEClient:Arch:00007:UNDI:003016", 32), "vendor class");
	cr_assert_eq(tx(s, 50 * MS), 0, "nothing before the timeout");

	/* the Solicit again after 100..125 ms, same transaction, Elapsed Time counting */
	cr_assert_eq(tx(s, 126 * MS), 1);
	cr_assert_eq(txb[0][62], 1);
	cr_assert_eq(g32(txb[0] + 62) & 0xffffff, xid1, "a retransmission keeps its xid");
	o = find_opt6(txb[0] + 62, txl[0] - 62u, 8, &ol);
	cr_assert(o && g16(o) >= 10 && g16(o) <= 13, "Elapsed Time %u (1/100 s)", o ? g16(o) : 0);
	cr_assert(sum6_ok(txb[0], txl[0]));

	/* an Advertise for another client, a Reply before any Advertise: ignored */
	m6_reply(&m, sol, 7, CG, URL_OK);
	rx(s, f, m6_frame(f, &m), 127 * MS);
	m6_reply(&m, sol, 2, CG, NULL);
	m.b[22 + 9] ^= 1; /* the client id's last MAC byte (after the 14-byte server id option) */
	rx(s, f, m6_frame(f, &m), 127 * MS);
	cr_assert_eq(tx(s, 127 * MS), 0);

	/* Advertise -> Request: server id echoed, the address asked for, a new xid, to ff02::1:2 */
	m6_reply(&m, sol, 2, CG, NULL);
	rx(s, f, m6_frame(f, &m), 130 * MS);
	cr_assert_eq(tx(s, 130 * MS), 1);
	d = txb[0];
	memcpy(req, d, txl[0]);
	cr_assert(sum6_ok(d, txl[0]), "UDP checksum of the Request");
	cr_assert_arr_eq(d, "\x33\x33\x00\x01\x00\x02", 6);
	cr_assert_arr_eq(d + 38, ALL_DHCP, 16);
	msg = d + 62;
	mlen = txl[0] - 62u;
	cr_assert_eq(msg[0], 3, "Request");
	cr_assert_neq(g32(msg) & 0xffffff, xid1, "a new transaction");
	o = find_opt6(msg, mlen, 2, &ol);
	cr_assert(o && ol == sizeof SDUID && !memcmp(o, SDUID, sizeof SDUID), "server id echoed");
	o = find_opt6(msg, mlen, 1, &ol);
	cr_assert(o && ol == 10 && !memcmp(o + 4, CMAC0, 6));
	o = find_opt6(msg, mlen, 3, &ol);
	cr_assert(o && ol == 40, "IA_NA with one IAADDR");
	cr_assert_eq(g16(o + 12), 5);
	cr_assert_eq(g16(o + 14), 24);
	cr_assert_arr_eq(o + 16, CG, 16, "the advertised address");
	cr_assert_eq(g32(o + 32), 0, "preferred 0");
	cr_assert_eq(g32(o + 36), 0, "valid 0");
	o = find_opt6(msg, mlen, 8, &ol);
	cr_assert(o && g16(o) == 0, "a new transaction's Elapsed Time starts at 0");
	cr_assert_not_null(find_opt6(msg, mlen, 6, &ol));
	cr_assert_not_null(find_opt6(msg, mlen, 61, &ol));

	/* a Reply with another server's id, a late Advertise: ignored */
	m6_reply(&m, req, 7, CG, URL_OK);
	m.b[4 + 4 + 9] ^= 0x10;
	rx(s, f, m6_frame(f, &m), 131 * MS);
	m6_reply(&m, req, 2, CG, NULL);
	rx(s, f, m6_frame(f, &m), 131 * MS);
	cr_assert_eq(tx(s, 131 * MS), 0);
	storm_stats(s, &st);
	cr_assert_eq(st.dhcp_done, 0);

	/* a Neighbor Solicitation for the link-local before the Reply: answered */
	uint8_t grp[16];
	snm(CLL0, grp);
	rx(s, f, mk_ns(f, SLL, grp, CLL0, true, 255), 132 * MS);
	cr_assert_eq(tx(s, 132 * MS), 1);
	assert_na(txb[0], txl[0], CLL0, SLL);
	/* ... but not yet for the address it has not been given */
	snm(CG, grp);
	rx(s, f, mk_ns(f, SLL, grp, CG, true, 255), 132 * MS);
	cr_assert_eq(tx(s, 132 * MS), 0);

	/* Reply -> RRQ over IPv6 to the URL's address, the file name percent-decoded */
	m6_reply(&m, req, 7, CG, URL_OK);
	rx(s, f, m6_frame(f, &m), 140 * MS);
	storm_stats(s, &st);
	cr_assert_eq(st.dhcp_done, 1);
	cr_assert_eq(tx(s, 140 * MS), 1);
	const uint8_t *t = assert_tftp6(txb[0], txl[0], 69);
	static const char rrq[] = "\x00\x01" "boot/nbp6.efi\0octet\0tsize\0" "0\0windowsize\0" "4";
	cr_assert_eq(txl[0], 62 + sizeof rrq);
	cr_assert_arr_eq(t, rrq, sizeof rrq);

	/* NS for the leased address: multicast with SLLA, then unicast without (the frame's source) */
	rx(s, f, mk_ns(f, SG, grp, CG, true, 255), 141 * MS);
	cr_assert_eq(tx(s, 141 * MS), 1);
	assert_na(txb[0], txl[0], CG, SG);
	rx(s, f, mk_ns(f, SG, CG, CG, false, 255), 141 * MS);
	cr_assert_eq(tx(s, 141 * MS), 1);
	assert_na(txb[0], txl[0], CG, SG);
	/* not answered: another target, a group that is not the target's, hop limit 64, a bad sum */
	uint8_t other[16];
	memcpy(other, CG, 16);
	other[15] = 6;
	snm(other, grp);
	rx(s, f, mk_ns(f, SG, grp, other, true, 255), 142 * MS);
	rx(s, f, mk_ns(f, SG, grp, CG, true, 255), 142 * MS);
	snm(CG, grp);
	rx(s, f, mk_ns(f, SG, grp, CG, true, 64), 142 * MS);
	l = mk_ns(f, SG, grp, CG, true, 255);
	f[54 + 2] ^= 0x01;
	rx(s, f, l, 142 * MS);
	cr_assert_eq(tx(s, 142 * MS), 0);
	storm_stats(s, &st);
	cr_assert_eq(st.na_replies, 3);
	cr_assert_eq(st.rx_malformed, 2, "hop limit and checksum (%llu)", (unsigned long long)st.rx_malformed);

	/* OACK -> ACK 0; blocks 1..4 -> ACK 4; a DATA with checksum 0 is refused; 5 (short) ends it */
	static const char oack[] = "\x00\x06" "blksize\0" "1448\0tsize\0" "5892\0windowsize\0" "4";
	l = mk_udp6(f, CMAC0, SG, CG, 40000, STORM_PORT_BASE, oack, sizeof oack);
	f[l - 1] ^= 1; /* an OACK (not DATA) is summed: refused */
	rx(s, f, l, 150 * MS);
	cr_assert_eq(tx(s, 150 * MS), 0);
	f[l - 1] ^= 1;
	rx(s, f, l, 150 * MS);
	cr_assert_eq(tx(s, 150 * MS), 1);
	assert_ack6(txb[0], txl[0], 40000, 0);
	for (uint16_t k = 1; k <= 4; k++) {
		l = mk_tftp6(f, CG, 40000, 3, k, 1448);
		/* the payload need not be in the buffer: headers only on this path */
		storm_rx(s, f, k == 2 ? 66 : l, l, 151 * MS);
		cr_assert_eq(tx(s, 151 * MS), k == 4, "window of 4 (block %u)", k);
	}
	assert_ack6(txb[0], txl[0], 40000, 4);
	l = mk_tftp6(f, CG, 40000, 3, 5, 100);
	p16(f + 60, 0);
	rx(s, f, l, 152 * MS);
	l = mk_tftp6(f, other, 40000, 3, 5, 100); /* to another address */
	rx(s, f, l, 152 * MS);
	cr_assert_eq(tx(s, 152 * MS), 0);
	cr_assert_not(storm_done(s));
	l = mk_tftp6(f, CG, 40000, 3, 5, 100);
	rx(s, f, l, 160 * MS);
	cr_assert(storm_done(s));
	cr_assert_eq(tx(s, 160 * MS), 1);
	assert_ack6(txb[0], txl[0], 40000, 5);
	storm_stats(s, &st);
	cr_assert_eq(st.booted, 1);
	cr_assert_eq(st.data_bytes, 5892);
	cr_assert_eq(st.size_mismatch, 0);
	cr_assert_eq(st.rx_malformed, 4, "OACK and DATA checksums");
	cr_assert_eq(storm_ttb_percentile(s, 50), 160 * MS);
	storm_free(s);
}

/* the Reply's address refused (status in IA_NA): Solicit again; dhcp_only ends at the Reply */
Test(storm6, refused_address_and_dhcp_only)
{
	struct storm_cfg cfg = v6_cfg();
	uint8_t f[2048], req[2048];
	struct m6 m;
	struct storm_stats st;
	struct storm *s = v6_to_request(&cfg, req);
	m6_reply(&m, req, 7, NULL, URL_OK); /* IA_NA with NoAddrsAvail */
	rx(s, f, m6_frame(f, &m), 2 * MS);
	cr_assert_eq(tx(s, 2 * MS), 1);
	cr_assert_eq(txb[0][62], 1, "Solicit again");
	storm_stats(s, &st);
	cr_assert_eq(st.dhcp_naks, 1);
	/* a top-level status other than Success refuses too */
	m6_reply(&m, txb[0], 2, CG, NULL);
	rx(s, f, m6_frame(f, &m), 3 * MS);
	cr_assert_eq(tx(s, 3 * MS), 1);
	memcpy(req, txb[0], txl[0]);
	m6_reply(&m, req, 7, CG, URL_OK);
	m6_opt(&m, 13, "\x00\x03", 2); /* NoBinding */
	rx(s, f, m6_frame(f, &m), 4 * MS);
	cr_assert_eq(tx(s, 4 * MS), 1);
	cr_assert_eq(txb[0][62], 1);
	/* an address with valid lifetime 0 is no address */
	m6_reply(&m, txb[0], 2, CG, NULL);
	rx(s, f, m6_frame(f, &m), 5 * MS);
	cr_assert_eq(tx(s, 5 * MS), 1);
	memcpy(req, txb[0], txl[0]);
	m.n = 4;
	m.b[0] = 7;
	memcpy(m.b + 1, req + 63, 3);
	m6_opt(&m, 2, SDUID, sizeof SDUID);
	m6_opt(&m, 1, req + 70, 10);
	m6_ia(&m, CG, 0, 0xffff, req + 8);
	m6_opt(&m, 59, URL_OK, sizeof URL_OK - 1);
	rx(s, f, m6_frame(f, &m), 6 * MS);
	cr_assert_eq(tx(s, 6 * MS), 1);
	cr_assert_eq(txb[0][62], 1, "Solicit again");
	storm_stats(s, &st);
	cr_assert_eq(st.dhcp_naks, 3);
	cr_assert_eq(st.dhcp_done, 0);
	storm_free(s);

	cfg.dhcp_only = true;
	s = v6_to_request(&cfg, req);
	m6_reply(&m, req, 7, CG, NULL); /* no URL needed */
	rx(s, f, m6_frame(f, &m), 2 * MS);
	cr_assert(storm_done(s));
	storm_stats(s, &st);
	cr_assert_eq(st.booted, 1);
	cr_assert_eq(st.dhcp_done, 1);
	cr_assert_eq(tx(s, 2 * MS), 0);
	/* the leased address is answered for after the Reply */
	uint8_t grp[16];
	snm(CG, grp);
	rx(s, f, mk_ns(f, SG, grp, CG, true, 255), 3 * MS);
	cr_assert_eq(tx(s, 3 * MS), 1);
	assert_na(txb[0], txl[0], CG, SG);
	storm_free(s);
}

/* bootfile URLs: the good ones give the server address and file, every bad one fails the client */
Test(storm6, bootfile_urls)
{
	static const struct {
		const char *url, *file;
		uint8_t addr[16];
	} good[] = {
	    {"tftp://[fd00:99::1]/nbp.efi", "nbp.efi", {0xfd, 0, 0, 0x99, [15] = 1}},
	    {"TFTP://[FD00:99:0:0:0:0:0:1]:69/a%20b", "a b", {0xfd, 0, 0, 0x99, [15] = 1}},
	    {"tftp://[::ffff:10.0.0.1]/x", "x", {[10] = 0xff, 0xff, 10, 0, 0, 1}},
	    {"tftp://[2001:db8::]/d/e/f", "d/e/f", {0x20, 0x01, 0x0d, 0xb8}},
	    {"tftp://[1:2:3:4:5:6:7::]/y", "y", {0, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0, 7}},
	    {"tftp://[::2:3:4:5:6:7:8]/y", "y", {0, 0, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0, 7, 0, 8}},
	};
	static const char *const bad[] = {
	    NULL, /* no URL */
	    "", "http://[fd00:99::1]/x", "tftp://fd00:99::1/x", "tftp://boot.example/x",
	    "tftp://[fd00:99::1]", "tftp://[fd00:99::1]/", "tftp://[fd00:99::1]:70/x",
	    "tftp://[fd00:99::1]:/x", "tftp://[fd00:99::1%25eth0]/x", "tftp://[fd00:99::1/x",
	    "tftp://[ff02::1]/x", "tftp://[::]/x", "tftp://[1:2:3:4:5:6:7:8:9]/x",
	    "tftp://[1::2::3]/x", "tftp://[12345::1]/x", "tftp://[:1::2]/x", "tftp://[1:]/x",
	    "tftp://[::1.2.3]/x", "tftp://[::1.2.3.4.5]/x", "tftp://[1:2:3:4:5:6:7:1.2.3.4]/x",
	    "tftp://[fd00:99::1]/a%0ab", "tftp://[fd00:99::1]/a%zz", "tftp://[fd00:99::1]/a%4",
	    "tftp://[fd00:99::1]/a?b", "tftp://[fd00:99::1]/a\x01",
	    "long", /* replaced by a name of STORM_NAME_MAX bytes */
	};
	char long_url[32 + STORM_NAME_MAX];
	strcpy(long_url, "tftp://[fd00:99::1]/");
	memset(long_url + strlen(long_url), 'x', STORM_NAME_MAX);
	long_url[20 + STORM_NAME_MAX] = 0;
	uint8_t f[2048], req[2048];
	struct m6 m;
	struct storm_stats st;
	for (size_t k = 0; k < sizeof good / sizeof good[0]; k++) {
		struct storm_cfg cfg = v6_cfg();
		struct storm *s = v6_to_request(&cfg, req);
		m6_reply(&m, req, 7, CG, good[k].url);
		rx(s, f, m6_frame(f, &m), 2 * MS);
		cr_assert_eq(tx(s, 2 * MS), 1, "%s", good[k].url);
		cr_assert_arr_eq(txb[0] + 38, good[k].addr, 16, "server of %s", good[k].url);
		/* opcode, name, "octet", "tsize" "0", "windowsize" "4" */
		cr_assert_eq(txl[0], 62 + 2 + strlen(good[k].file) + 1 + 6 + 8 + 13, "%s", good[k].url);
		cr_assert_arr_eq(txb[0] + 64, good[k].file, strlen(good[k].file) + 1, "file of %s", good[k].url);
		storm_free(s);
	}
	for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
		struct storm_cfg cfg = v6_cfg();
		struct storm *s = v6_to_request(&cfg, req);
		m6_reply(&m, req, 7, CG, bad[k] && !strcmp(bad[k], "long") ? long_url : bad[k]);
		rx(s, f, m6_frame(f, &m), 2 * MS);
		cr_assert(storm_done(s), "%s: the client fails", bad[k] ? bad[k] : "(none)");
		storm_stats(s, &st);
		cr_assert_eq(st.fail_error, 1, "%s", bad[k] ? bad[k] : "(none)");
		cr_assert_eq(st.failed, 1);
		cr_assert_eq(tx(s, 2 * MS), 0);
		storm_free(s);
	}
	/* files configured: the URL still names the server */
	struct storm_cfg cfg = v6_cfg();
	cfg.files[0] = "k";
	cfg.n_files = 1;
	struct storm *s = v6_to_request(&cfg, req);
	m6_reply(&m, req, 7, CG, URL_OK);
	rx(s, f, m6_frame(f, &m), 2 * MS);
	cr_assert_eq(tx(s, 2 * MS), 1);
	assert_tftp6(txb[0], txl[0], 69);
	cr_assert_arr_eq(txb[0] + 64, "k", 2);
	storm_free(s);
}

/* malformed IPv6 frames: ignored and counted, no state change, no crash */
Test(storm6, malformed_frames)
{
	struct storm_cfg cfg = v6_cfg();
	uint8_t f[2048], g[2048], req[2048];
	struct m6 m;
	struct storm_stats st;
	struct storm *s = v6_to_request(&cfg, req);
	uint64_t mal = 0;
	uint32_t l;
#define MALFORMED(what)                                                                            \
	do {                                                                                       \
		storm_stats(s, &st);                                                               \
		cr_assert_eq(st.rx_malformed, ++mal, "%s: counted (%llu)", what,                  \
			     (unsigned long long)st.rx_malformed);                                 \
		cr_assert_eq(tx(s, 2 * MS), 0, "%s: no answer", what);                            \
	} while (0)

	m6_reply(&m, req, 7, CG, URL_OK);
	l = m6_frame(g, &m); /* the good Reply, to be damaged */

	memcpy(f, g, l);
	p16(f + 18, (uint16_t)(l - 54 + 1)); /* payload length past the frame */
	rx(s, f, l, 2 * MS);
	MALFORMED("payload length past the frame");
	memcpy(f, g, l);
	storm_rx(s, f, l - 1, l - 1, 2 * MS); /* truncated: one byte missing */
	MALFORMED("truncated");
	memcpy(f, g, l);
	storm_rx(s, f, l - 30, l, 2 * MS); /* not all in the buffer: DHCPv6 must be whole */
	MALFORMED("DHCPv6 not whole");
	memcpy(f, g, l);
	p16(f + 58, (uint16_t)(g16(f + 58) - 1)); /* UDP length below the payload length */
	rx(s, f, l, 2 * MS);
	MALFORMED("UDP length");
	memcpy(f, g, l);
	f[70] ^= 0x20; /* one payload bit: bad checksum */
	rx(s, f, l, 2 * MS);
	MALFORMED("checksum");
	memcpy(f, g, l);
	p16(f + 60, 0);
	rx(s, f, l, 2 * MS);
	MALFORMED("zero UDP checksum");

	/* options with lengths past the end, in a message whose checksum is right */
	static const uint8_t iaid0[4];
	m6_reply(&m, req, 7, CG, URL_OK);
	p16(m.b + m.n - (uint32_t)strlen(URL_OK) - 2, (uint16_t)(strlen(URL_OK) + 1));
	rx(s, f, m6_frame(f, &m), 2 * MS);
	MALFORMED("last option past the end");
	m6_reply(&m, req, 7, CG, URL_OK);
	m.b[m.n++] = 0; /* 3 bytes of an option header */
	m.b[m.n++] = 59;
	m.b[m.n++] = 0;
	rx(s, f, m6_frame(f, &m), 2 * MS);
	MALFORMED("option header cut");
	m.n = 4;
	m.b[0] = 7;
	memcpy(m.b + 1, req + 63, 3);
	m6_opt(&m, 2, SDUID, sizeof SDUID);
	m6_opt(&m, 1, req + 70, 10);
	m6_opt(&m, 3, iaid0, 4); /* IA_NA shorter than 12 */
	rx(s, f, m6_frame(f, &m), 2 * MS);
	MALFORMED("IA_NA of 4 bytes");
	m.n = 4;
	m6_opt(&m, 2, SDUID, sizeof SDUID);
	m6_opt(&m, 1, req + 70, 10);
	{
		uint8_t ia[12 + 4 + 20] = {0};
		p16(ia + 12, 5);
		p16(ia + 14, 20); /* IAADDR shorter than 24 */
		m6_opt(&m, 3, ia, sizeof ia);
	}
	rx(s, f, m6_frame(f, &m), 2 * MS);
	MALFORMED("IAADDR of 20 bytes");
	m.n = 4;
	m6_opt(&m, 2, SDUID, sizeof SDUID);
	m6_opt(&m, 1, req + 70, 10);
	{
		uint8_t ia[12 + 4 + 28] = {0};
		p16(ia + 12, 5);
		p16(ia + 14, 40); /* IAADDR past the IA_NA */
		m6_opt(&m, 3, ia, sizeof ia);
	}
	rx(s, f, m6_frame(f, &m), 2 * MS);
	MALFORMED("IAADDR past its IA_NA");
	m.n = 4;
	m6_opt(&m, 2, SDUID, 0); /* empty server id */
	m6_opt(&m, 1, req + 70, 10);
	m6_ia(&m, CG, 7200, 0xffff, iaid0);
	rx(s, f, m6_frame(f, &m), 2 * MS);
	MALFORMED("empty server id");
	m.n = 4;
	{
		static uint8_t big[131];
		m6_opt(&m, 2, big, sizeof big); /* server id over 130 bytes */
	}
	m6_opt(&m, 1, req + 70, 10);
	m6_ia(&m, CG, 7200, 0xffff, iaid0);
	rx(s, f, m6_frame(f, &m), 2 * MS);
	MALFORMED("server id of 131 bytes");
	m6_reply(&m, req, 7, CG, URL_OK);
	m6_opt(&m, 13, "\x00", 1); /* status code of 1 byte */
	rx(s, f, m6_frame(f, &m), 2 * MS);
	MALFORMED("status code of 1 byte");
	m.n = 3; /* shorter than the DHCPv6 header */
	rx(s, f, m6_frame(f, &m), 2 * MS);
	MALFORMED("3-byte DHCPv6 message");

	/* Neighbor Solicitations: option of length 0, option past the end, SLLA from :: */
	uint8_t grp[16];
	snm(CLL0, grp);
	l = mk_ns(f, SLL, grp, CLL0, true, 255);
	f[54 + 25] = 0;
	p16(f + 54 + 2, 0);
	{
		uint32_t s6 = sum16(0, f + 22, 32) + 32 + 58;
		p16(f + 56, (uint16_t)~fold(sum16(s6, f + 54, 32)));
	}
	rx(s, f, l, 2 * MS);
	MALFORMED("ND option of length 0");
	l = mk_ns(f, SLL, grp, CLL0, true, 255);
	f[54 + 25] = 2;
	p16(f + 56, 0);
	{
		uint32_t s6 = sum16(0, f + 22, 32) + 32 + 58;
		p16(f + 56, (uint16_t)~fold(sum16(s6, f + 54, 32)));
	}
	rx(s, f, l, 2 * MS);
	MALFORMED("ND option past the end");
	static const uint8_t unspec[16];
	rx(s, f, mk_ns(f, unspec, grp, CLL0, true, 255), 2 * MS);
	MALFORMED("NS from :: with a source link-layer option");
	l = mk_ns(f, SLL, grp, CLL0, false, 255);
	p16(f + 18, 20); /* an NS shorter than 24 */
	{
		uint32_t s6 = sum16(0, f + 22, 32) + 20 + 58;
		p16(f + 56, 0);
		p16(f + 56, (uint16_t)~fold(sum16(s6, f + 54, 20)));
	}
	storm_rx(s, f, 54 + 20, 54 + 20, 2 * MS);
	MALFORMED("NS of 20 bytes");

	/* not malformed, not ours: ignored */
	storm_stats(s, &st);
	uint64_t ign = st.rx_ignored;
	storm_rx(s, g, 14 + 39, 14 + 39, 2 * MS); /* shorter than an IPv6 header */
	memcpy(f, g, l = m6_frame(g, &m));
	f[14 + 6] = 0; /* a hop-by-hop header first */
	rx(s, f, l, 2 * MS);
	l = mk_udp(f, CMAC0, SIP, CIP, 67, 68, NULL, 0); /* IPv4 in IPv6 mode */
	rx(s, f, l, 2 * MS);
	storm_stats(s, &st);
	cr_assert_eq(st.rx_ignored, ign + 3);
	cr_assert_eq(st.rx_malformed, mal);

	/* after all that, the good Reply still works */
	rx(s, g, m6_frame(g, (m6_reply(&m, req, 7, CG, URL_OK), &m)), 3 * MS);
	cr_assert_eq(tx(s, 3 * MS), 1);
	assert_tftp6(txb[0], txl[0], 69);

	/* random bytes behind plausible IPv6/UDP and ICMPv6 headers never crash */
	srand(11);
	for (int k = 0; k < 20000; k++) {
		uint32_t len = (uint32_t)rand() % 600;
		for (uint32_t j = 0; j < len; j++)
			f[j] = (uint8_t)rand();
		if (k & 1) {
			uint32_t pl = len > 62 ? len - 54 - 8 : 0;
			mk_udp6(f, CMAC0, SLL, CLL0, k & 2 ? 547 : 7, k & 2 ? 546 : STORM_PORT_BASE, NULL, pl);
			if (k & 4)
				p16(f + 18, (uint16_t)rand());
		} else if (k & 2) {
			f[12] = 0x86;
			f[13] = 0xdd;
			f[14] = 0x60;
			f[20] = 58;
			f[54] = 135;
		}
		storm_rx(s, f, len, len + (uint32_t)(k & 8), (uint64_t)(3 + k) * MS);
		tx(s, (uint64_t)(3 + k) * MS);
	}
	storm_stats(s, &st);
	cr_assert_geq(st.rx_malformed, mal);
	storm_free(s);
#undef MALFORMED
}

/*
 * A whole IPv6 boot of NC clients against a server scripted here, with 3 % of
 * the frames lost each way: DHCPv6 (Advertise, Request checked, Reply with the
 * URL), a Neighbor Solicitation for each client's address before its first
 * TFTP packet (as a kernel server resolves its peer), and TFTP with blksize
 * 1024 and windowsize 8 that resends from the last ACK on its own timeout.
 * Every frame the clients send has its checksum summed here.
 */
#define NC 6
#define FSIZE (1024 * 40 + 17)
#define FBLOCKS (FSIZE / 1024 + 1)

struct fsess {
	int state; /* 0 none, 1 NS sent, 2 sending, 3 done */
	bool na, oack_acked;
	uint16_t acked, sent;
	uint64_t last_ms;
	unsigned ns_sent, replies;
	uint8_t mac[6], ll[16];
};

struct fsrv {
	struct storm *s;
	struct fsess c[NC];
	uint64_t now;
	unsigned bad_sum, bad;
};

static uint8_t fsrv_buf[2048];

static void
fsrv_addr(unsigned k, uint8_t *a)
{
	memcpy(a, SG, 16);
	a[13] = 1;
	a[15] = (uint8_t)(k + 1);
}

static void
fsrv_send(struct fsrv *v, uint32_t len)
{
	storm_rx(v->s, fsrv_buf, len, len, v->now * MS);
}

static void
fsrv_ns(struct fsrv *v, unsigned k)
{
	uint8_t a[16], grp[16];
	fsrv_addr(k, a);
	snm(a, grp);
	uint32_t l = mk_ns(fsrv_buf, SG, grp, a, true, 255);
	v->c[k].ns_sent++;
	v->c[k].last_ms = v->now;
	fsrv_send(v, l);
}

static void
fsrv_window(struct fsrv *v, unsigned k)
{
	struct fsess *c = &v->c[k];
	uint8_t a[16];
	fsrv_addr(k, a);
	c->last_ms = v->now;
	if (!c->oack_acked) {
		static const char oack[] = "\x00\x06" "blksize\0" "1024\0tsize\0" "40977\0windowsize\0" "8";
		uint32_t l = mk_udp6(fsrv_buf, c->mac, SG, a, (uint16_t)(30000 + k),
				     (uint16_t)(STORM_PORT_BASE + k), oack, sizeof oack);
		fsrv_send(v, l);
		return;
	}
	for (uint16_t b = (uint16_t)(c->acked + 1); b <= c->acked + 8 && b <= FBLOCKS; b++) {
		uint32_t l = mk_tftp6(fsrv_buf, a, (uint16_t)(30000 + k), 3, b, b == FBLOCKS ? FSIZE % 1024 : 1024);
		memcpy(fsrv_buf, c->mac, 6);
		p16(fsrv_buf + 56, (uint16_t)(STORM_PORT_BASE + k));
		/* the port changed: sum again */
		p16(fsrv_buf + 60, 0);
		uint32_t sum = sum16(0, fsrv_buf + 22, 32) + (l - 54) + 17;
		uint16_t ck = (uint16_t)~fold(sum16(sum, fsrv_buf + 54, l - 54));
		p16(fsrv_buf + 60, ck ? ck : 0xffff);
		fsrv_send(v, l);
		c->sent = b;
	}
}

/* one frame from the clients */
static void
fsrv_rx(struct fsrv *v, const uint8_t *f, uint16_t len)
{
	const uint8_t *ip = f + 14;
	unsigned k = f[11];
	if (g16(f + 12) != 0x86dd || k >= NC || memcmp(f + 6, CMAC0, 5)) {
		v->bad++;
		return;
	}
	if (!sum6_ok(f, len)) {
		v->bad_sum++;
		return;
	}
	struct fsess *c = &v->c[k];
	uint8_t a[16];
	fsrv_addr(k, a);
	memcpy(c->mac, f + 6, 6);
	if (ip[6] == 58) { /* our NS's answer */
		const uint8_t *ic = f + 54;
		if (ic[0] != 136 || memcmp(ic + 8, a, 16) || g32(ic + 4) != 0x60000000u || ic[24] != 2 ||
		    memcmp(ic + 26, f + 6, 6) || memcmp(ip + 24, SG, 16)) {
			v->bad++;
			return;
		}
		c->na = true;
		if (c->state == 1) {
			c->state = 2;
			fsrv_window(v, k);
		}
		return;
	}
	uint16_t dport = g16(f + 56);
	if (dport == 547) {
		const uint8_t *msg = f + 62, *o;
		uint32_t mlen = len - 62u;
		uint16_t ol;
		struct m6 m;
		memcpy(c->ll, ip + 8, 16);
		if (msg[0] == 3) {
			o = find_opt6(msg, mlen, 2, &ol);
			cr_assert(o && ol == 10 && !memcmp(o, SDUID, 10), "Request: our server id");
			o = find_opt6(msg, mlen, 3, &ol);
			cr_assert(o && ol == 40 && !memcmp(o + 16, a, 16), "Request: the advertised address");
		}
		o = find_opt6(msg, mlen, 1, &ol);
		m.n = 4;
		m.b[0] = msg[0] == 1 ? 2 : 7;
		memcpy(m.b + 1, msg + 1, 3);
		m6_opt(&m, 2, SDUID, sizeof SDUID);
		m6_opt(&m, 1, o, ol);
		m6_ia(&m, a, 7200, 0xffff, f + 8);
		if (msg[0] == 3) {
			m6_opt(&m, 59, "tftp://[fd00:99::1]/nbp6", 24);
			c->replies++;
		}
		uint32_t l = mk_udp6(fsrv_buf, c->mac, SLL, c->ll, 547, 546, m.b, m.n);
		fsrv_send(v, l);
		return;
	}
	if (memcmp(ip + 8, a, 16) || memcmp(ip + 24, SG, 16) || g16(f + 54) != STORM_PORT_BASE + k) {
		v->bad++;
		return;
	}
	if (dport == 69) { /* RRQ (again) */
		if (memcmp(f + 62, "\x00\x01nbp6\0", 7)) {
			v->bad++;
			return;
		}
		if (c->state == 0) {
			c->state = 1;
			fsrv_ns(v, k);
		}
		return;
	}
	if (dport == 30000 + k && g16(f + 62) == 4 && c->state == 2) {
		uint16_t b = g16(f + 64);
		if (b > c->sent) {
			v->bad++;
			return;
		}
		if (b >= c->acked) { /* RFC 7440: the next window from the block after b */
			c->acked = b;
			c->oack_acked = true;
			if (b == FBLOCKS) {
				c->state = 3;
				return;
			}
			fsrv_window(v, k);
		}
		return;
	}
	if (c->state == 3 && g16(f + 62) == 4)
		return; /* the final ACK again */
	v->bad++;
}

Test(storm6, whole_boot_with_window_and_loss_against_a_scripted_server)
{
	struct storm_cfg cfg = v6_cfg();
	struct fsrv v = {0};
	struct storm_stats st;
	cfg.clients = NC;
	cfg.loss = 0.03;
	cfg.blksize = 1024;
	cfg.window = 8;
	cfg.retries = 8;
	cfg.seed = 3;
	v.s = storm_new(&cfg);
	cr_assert_not_null(v.s);
	for (v.now = 0; v.now < 60000 && !storm_done(v.s); v.now++) {
		unsigned n;
		while ((n = tx(v.s, v.now * MS)) > 0) {
			static uint8_t copy[64][STORM_FRAME_MAX];
			static uint16_t cl[64];
			for (unsigned j = 0; j < n; j++) {
				memcpy(copy[j], txb[j], txl[j]);
				cl[j] = txl[j];
			}
			for (unsigned j = 0; j < n; j++)
				fsrv_rx(&v, copy[j], cl[j]);
		}
		for (unsigned k = 0; k < NC; k++) { /* the server's own timeouts */
			struct fsess *c = &v.c[k];
			if (c->state == 1 && v.now - c->last_ms >= 30 && c->ns_sent < 50)
				fsrv_ns(&v, k);
			else if (c->state == 2 && v.now - c->last_ms >= 60)
				fsrv_window(&v, k);
		}
	}
	cr_assert(storm_done(v.s), "done within 60 s (simulated)");
	storm_stats(v.s, &st);
	cr_assert_eq(st.booted, NC, "booted %llu failed %llu", (unsigned long long)st.booted,
		     (unsigned long long)st.failed);
	cr_assert_eq(st.data_bytes, (uint64_t)NC * FSIZE);
	cr_assert_eq(st.dhcp_done, NC);
	cr_assert_eq(st.oacks, NC);
	cr_assert_eq(v.bad_sum, 0, "every frame's checksum right");
	cr_assert_eq(v.bad, 0, "every frame as expected");
	cr_assert(st.lost_rx > 0 && st.lost_tx > 0, "loss injected");
	cr_assert_geq(st.na_replies, NC);
	for (unsigned k = 0; k < NC; k++) {
		cr_assert(v.c[k].na, "client %u answered the NS for its address", k);
		cr_assert_eq(v.c[k].state, 3, "server: client %u's transfer done", k);
	}
	storm_free(v.s);
}
