/* SPDX-License-Identifier: MIT */
/*
 * The boot-storm engine (bench/storm/storm.c) against hand-built server
 * frames: what it sends (DISCOVER, REQUEST, ARP, RRQ, ACKs) byte by byte
 * where it matters, RFC 7440 window ACKs, gaps, rollover, OACK, ERROR,
 * timeouts and retries, dallying, ramps, loss injection.
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
	cfg.v6 = true;
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
