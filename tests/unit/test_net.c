/* SPDX-License-Identifier: MIT */
/*
 * Frame classifier and reply-header tests: Ethernet II + 802.1Q, ARP (RFC 826),
 * IPv4 (RFC 791, RFC 1122), ICMP echo (RFC 792), UDP (RFC 768), Internet
 * checksum partial sums (RFC 1071), address parsing and formatting.
 *
 * Frames are built byte by byte here; checksums come from ref_sum() below, an
 * independent RFC 1071 implementation, never from bf_csum. Each malformed
 * frame class of BAD-INPUTS.md is a row in a table naming the drop counter.
 */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bf_csum.h"
#include "bf_net.h"
#include "bf_rss.h"
#include "bf_wire.h"

/* ---- independent helpers -------------------------------------------------------------------- */

/* RFC 1071 sum of p[0..n) added to acc, folded to 16 bits (not complemented). */
static uint16_t
ref_sum(uint16_t acc, const uint8_t *p, size_t n)
{
	uint32_t s = acc;

	for (size_t i = 0; i < n; i++) {
		s += (i % 2 == 0) ? (uint32_t)p[i] << 8 : p[i];
		if (s > 0xffff)
			s -= 0xffff; /* end-around carry, one word at a time */
	}
	return (uint16_t)s;
}

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void
put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

static uint16_t
get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t
get32(const uint8_t *p)
{
	return (uint32_t)get16(p) << 16 | get16(p + 2);
}

#define IP(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))

static const uint8_t mac_client[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
static const uint8_t mac_server[6] = {0x02, 0x00, 0x00, 0xbf, 0x00, 0x01};
static const uint8_t mac_bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
static const uint32_t ip_client = IP(192, 168, 2, 91);
static const uint32_t ip_server = IP(192, 168, 2, 1);

/* A frame under construction: bytes, length, layer offsets. */
struct fr {
	uint8_t b[1600];
	size_t len;
	size_t l3;
	size_t l4;
	size_t ihl;
};

static void
fr_eth(struct fr *f, const uint8_t *dst, const uint8_t *src, int vlan_tci, uint16_t type)
{
	memset(f, 0, sizeof(*f));
	memcpy(f->b, dst, 6);
	memcpy(f->b + 6, src, 6);
	f->len = 12;
	if (vlan_tci >= 0) {
		put16(f->b + 12, 0x8100);
		put16(f->b + 14, (uint16_t)vlan_tci);
		f->len = 16;
	}
	put16(f->b + f->len, type);
	f->len += 2;
	f->l3 = f->len;
}

/* IPv4 header with opt_len bytes of options (NOPs); lengths and sum set later. */
static void
fr_ip4(struct fr *f, uint8_t proto, uint32_t src, uint32_t dst, size_t opt_len)
{
	uint8_t *ip = f->b + f->l3;

	f->ihl = 20 + opt_len;
	ip[0] = (uint8_t)(0x40 | f->ihl / 4);
	ip[1] = 0;
	put16(ip + 4, 0x1234);
	put16(ip + 6, 0);
	ip[8] = 64;
	ip[9] = proto;
	put32(ip + 12, src);
	put32(ip + 16, dst);
	memset(ip + 20, 1, opt_len);
	f->l4 = f->l3 + f->ihl;
	f->len = f->l4;
}

static void
fr_fix_ip(struct fr *f)
{
	uint8_t *ip = f->b + f->l3;

	put16(ip + 10, 0);
	put16(ip + 10, (uint16_t)~ref_sum(0, ip, (ip[0] & 0xf) * 4u));
}

/* UDP checksum over the pseudo header and ulen bytes of UDP (RFC 768). */
static void
fr_fix_udp(struct fr *f)
{
	uint8_t *ip = f->b + f->l3;
	uint8_t *u = f->b + f->l4;
	uint16_t ulen = get16(u + 4);
	uint8_t ph[12];
	uint16_t s, c;

	memcpy(ph, ip + 12, 8);
	ph[8] = 0;
	ph[9] = 17;
	put16(ph + 10, ulen);
	put16(u + 6, 0);
	s = ref_sum(0, ph, sizeof(ph));
	s = ref_sum(s, u, ulen);
	c = (uint16_t)~s;
	put16(u + 6, c ? c : 0xffff);
}

/* Set IPv4 total length to the frame's end and fix the header checksum. */
static void
fr_ip_done(struct fr *f)
{
	put16(f->b + f->l3 + 2, (uint16_t)(f->len - f->l3));
	fr_fix_ip(f);
}

static void
fr_udp(struct fr *f, uint16_t sport, uint16_t dport, const void *pl, size_t n)
{
	uint8_t *u = f->b + f->l4;

	put16(u, sport);
	put16(u + 2, dport);
	put16(u + 4, (uint16_t)(8 + n));
	memcpy(u + 8, pl, n);
	f->len = f->l4 + 8 + n;
	fr_ip_done(f);
	fr_fix_udp(f);
}

/* A DHCPDISCOVER as a PXE client sends it (BOOTP header, cookie, 53, 55, 93, end). */
static size_t
dhcp_discover(uint8_t *d)
{
	size_t o = 240;

	memset(d, 0, 300);
	d[0] = 1;
	d[1] = 1;
	d[2] = 6;
	put32(d + 4, 0xdeadbeef);
	put16(d + 10, 0x8000);
	memcpy(d + 28, mac_client, 6);
	put32(d + 236, 0x63825363);
	static const uint8_t opts[] = {53, 1, 1, 55, 4, 1, 3, 66, 67, 93, 2, 0, 7, 255};
	memcpy(d + o, opts, sizeof(opts));
	return 300; /* padded like most clients */
}

static void
base_dhcp(struct fr *f, int vlan)
{
	uint8_t d[300];
	size_t n = dhcp_discover(d);

	fr_eth(f, mac_bcast, mac_client, vlan, 0x0800);
	fr_ip4(f, 17, 0, 0xffffffffu, 0);
	fr_udp(f, 68, 67, d, n);
}

static void
base_tftp(struct fr *f, int vlan)
{
	static const char rrq[] = "\0\1pxelinux.0\0octet\0blksize\0" "1468\0tsize\0" "0\0";

	fr_eth(f, mac_server, mac_client, vlan, 0x0800);
	fr_ip4(f, 17, ip_client, ip_server, 0);
	fr_udp(f, 2070, 69, rrq, sizeof(rrq) - 1);
}

/* ICMP echo request with n bytes of data (any n, odd included). */
static void
base_icmp(struct fr *f, int vlan, size_t n)
{
	uint8_t *ic;

	fr_eth(f, mac_server, mac_client, vlan, 0x0800);
	fr_ip4(f, 1, ip_client, ip_server, 0);
	ic = f->b + f->l4;
	ic[0] = 8;
	ic[1] = 0;
	put16(ic + 4, 0x4242);
	put16(ic + 6, 7);
	for (size_t i = 0; i < n; i++)
		ic[8 + i] = (uint8_t)(i * 7 + 1);
	f->len = f->l4 + 8 + n;
	put16(ic + 2, (uint16_t)~ref_sum(0, ic, 8 + n));
	fr_ip_done(f);
}

static void
base_arp(struct fr *f, int vlan)
{
	uint8_t *a;

	fr_eth(f, mac_bcast, mac_client, vlan, 0x0806);
	a = f->b + f->l3;
	put16(a, 1);
	put16(a + 2, 0x0800);
	a[4] = 6;
	a[5] = 4;
	put16(a + 6, 1);
	memcpy(a + 8, mac_client, 6);
	put32(a + 14, ip_client);
	memset(a + 18, 0, 6);
	put32(a + 24, ip_server);
	f->len = f->l3 + 28;
	/* Ethernet minimum frame: 60 bytes without FCS, zero padded. */
	if (f->len < 60)
		f->len = 60;
}

/* Classify from an exact-size heap copy so ASan sees reads past the frame. */
static enum bf_class
classify(struct bf_pkt *p, const struct fr *f, unsigned flags, uint8_t **keep)
{
	uint8_t *c = malloc(f->len ? f->len : 1);
	enum bf_class k;

	cr_assert_not_null(c);
	memcpy(c, f->b, f->len);
	k = bf_pkt_classify(p, c, f->len, flags);
	*keep = c;
	return k;
}

/* ---- good frames ---------------------------------------------------------------------------- */

/* The bulk path (host order, 32 and 8 bytes at a time) against the reference, at
 * every length and alignment up to 300 bytes, chained from a random partial sum. */
Test(net_csum, bulk_matches_reference)
{
	uint8_t buf[400];
	uint32_t x = 12345;

	for (size_t i = 0; i < sizeof(buf); i++) {
		x = x * 1103515245u + 12345u;
		buf[i] = (uint8_t)(x >> 16);
	}
	memset(buf + 100, 0xff, 64); /* carries in every word */
	for (size_t off = 0; off < 9; off++)
		for (size_t n = 0; n <= 300; n++) {
			uint16_t start = (uint16_t)(n * 2654435761u);
			uint16_t want = ref_sum(start == 0xffff ? 0 : start, buf + off, n);
			uint16_t got = bf_csum_fold(bf_csum_add(start == 0xffff ? 0 : start, buf + off, n));
			/* 0 and 0xffff are the same number in ones-complement */
			if (got == 0xffff)
				got = 0;
			if (want == 0xffff)
				want = 0;
			cr_assert_eq(got, want, "offset %zu length %zu: %04x, want %04x", off, n, got,
				     want);
		}
}

/* Microsoft's "Verifying the RSS Hash Calculation" vectors (addresses only, and with ports). */
Test(net_rss, toeplitz_microsoft_vectors)
{
	static const uint8_t key[40] = {
		0x6d, 0x5a, 0x56, 0xda, 0x25, 0x5b, 0x0e, 0xc2, 0x41, 0x67, 0x25, 0x3d, 0x43, 0xa3,
		0x8f, 0xb0, 0xd0, 0xca, 0x2b, 0xcb, 0xae, 0x7b, 0x30, 0xb4, 0x77, 0xcb, 0x2d, 0xa3,
		0x80, 0x30, 0xf2, 0x0c, 0x6a, 0x42, 0xb7, 0x3b, 0xbe, 0xac, 0x01, 0xfa};
	static const struct {
		uint8_t src[4], dst[4];
		uint16_t sport, dport;
		uint32_t ip, l4;
	} v[] = {
		{{66, 9, 149, 187}, {161, 142, 100, 80}, 2794, 1766, 0x323e8fc2, 0x51ccc178},
		{{199, 92, 111, 2}, {65, 69, 140, 83}, 14230, 4739, 0xd718262a, 0xc626b0ea},
		{{24, 19, 198, 95}, {12, 22, 207, 184}, 12898, 38024, 0xd2d0a5de, 0x5c2b394a},
		{{38, 27, 205, 30}, {209, 142, 163, 6}, 48228, 2217, 0x82989176, 0xafc7327f},
		{{153, 39, 163, 191}, {202, 188, 127, 2}, 44251, 1303, 0x5d1809c5, 0x10e828a2},
	};
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		uint8_t in[12];
		memcpy(in, v[i].src, 4);
		memcpy(in + 4, v[i].dst, 4);
		put16(in + 8, v[i].sport);
		put16(in + 10, v[i].dport);
		cr_assert_eq(bf_toeplitz(key, sizeof(key), in, 8), v[i].ip, "vector %zu", i);
		cr_assert_eq(bf_toeplitz(key, sizeof(key), in, 12), v[i].l4, "vector %zu", i);
	}
	/* IPv6: 3ffe:2501:200:1fff::7 port 2794 -> 3ffe:2501:200:3::1 port 1766 */
	uint8_t src6[16] = {0x3f, 0xfe, 0x25, 0x01, 0x02, 0x00, 0x1f, 0xff, [15] = 7};
	uint8_t dst6[16] = {0x3f, 0xfe, 0x25, 0x01, 0x02, 0x00, 0x00, 0x03, [15] = 1};
	uint8_t in6[36];
	memcpy(in6, src6, 16);
	memcpy(in6 + 16, dst6, 16);
	put16(in6 + 32, 2794);
	put16(in6 + 34, 1766);
	cr_assert_eq(bf_toeplitz(key, sizeof(key), in6, 32), 0x2cc18cd5);
	cr_assert_eq(bf_toeplitz(key, sizeof(key), in6, 36), 0x40207d3d);
	/* the queue helpers hash the same bytes */
	struct bf_rss r = {.key_len = sizeof(key), .l4 = 1, .reta_size = 128};
	memcpy(r.key, key, sizeof(key));
	for (int i = 0; i < 128; i++)
		r.reta[i] = (uint16_t)(i % 3);
	cr_assert_eq(bf_rss_queue4(&r, 0x420995bb, 0xa18e6450, 2794, 1766), 0x51ccc178 % 128 % 3);
	cr_assert_eq(bf_rss_queue6(&r, src6, dst6, 2794, 1766), 0x40207d3d % 128 % 3);
}

Test(net_classify, dhcp_discover)
{
	for (int vlan = -1; vlan <= 5; vlan += 6) {
		struct fr f;
		struct bf_pkt p;
		uint8_t *c;
		size_t l3 = vlan < 0 ? 14 : 18;

		base_dhcp(&f, vlan);
		cr_assert_eq(classify(&p, &f, 0, &c), BF_CLASS_UDP4, "vlan %d: reason %s", vlan,
			     bf_ctr_name[p.reason]);
		cr_expect_eq(p.has_vlan, vlan >= 0);
		if (vlan >= 0)
			cr_expect_eq(p.vlan_tci, 5);
		cr_expect_eq(p.ethertype, 0x0800);
		cr_expect_eq(p.l3_off, l3);
		cr_expect_eq(p.l4_off, l3 + 20);
		cr_expect_eq(p.l4_len, 8 + 300);
		cr_expect_eq(p.ip_src, 0);
		cr_expect_eq(p.ip_dst, 0xffffffffu);
		cr_expect_eq(p.ip_proto, 17);
		cr_expect_eq(p.ip_ttl, 64);
		cr_expect_eq(p.sport, 68);
		cr_expect_eq(p.dport, 67);
		cr_expect_eq(p.pl_off, l3 + 28);
		cr_expect_eq(p.pl_len, 300);
		cr_expect_eq(c[p.pl_off], 1, "BOOTREQUEST at pl_off");
		cr_expect_eq(memcmp(bf_pkt_src_mac(&p), mac_client, 6), 0);
		cr_expect_eq(memcmp(bf_pkt_dst_mac(&p), mac_bcast, 6), 0);
		free(c);
	}
}

Test(net_classify, tftp_rrq)
{
	struct fr f;
	struct bf_pkt p;
	uint8_t *c;

	base_tftp(&f, -1);
	cr_assert_eq(classify(&p, &f, 0, &c), BF_CLASS_UDP4);
	cr_expect_eq(p.ip_src, ip_client);
	cr_expect_eq(p.ip_dst, ip_server);
	cr_expect_eq(p.sport, 2070);
	cr_expect_eq(p.dport, 69);
	cr_expect_eq(p.pl_len, 40);
	cr_expect_eq(p.pl_off + p.pl_len, f.len);
	cr_expect_eq(memcmp(c + p.pl_off, "\0\1pxelinux.0", 12), 0);
	free(c);
}

/* A Linux sender with tx checksum offload (a veth or tap peer) leaves only the
 * pseudo header's sum in the field: dropped under a counter of its own, so the
 * operator is told the fix; any other wrong value is a plain bad checksum. */
Test(net_classify, udp_csum_left_for_offload)
{
	struct fr f;
	struct bf_pkt p;
	uint8_t *c, ph[12];

	base_tftp(&f, -1);
	put32(ph, ip_client);
	put32(ph + 4, ip_server);
	ph[8] = 0;
	ph[9] = 17;
	put16(ph + 10, (uint16_t)(f.len - f.l4));
	uint16_t partial = ref_sum(0, ph, 12);
	put16(f.b + f.l4 + 6, partial);
	cr_assert_eq(classify(&p, &f, 0, &c), BF_CLASS_DROP);
	cr_expect_eq(p.reason, BF_CTR_drop_udp_csum_offload);
	free(c);
	put16(f.b + f.l4 + 6, (uint16_t)(partial ^ 0x0100));
	cr_assert_eq(classify(&p, &f, 0, &c), BF_CLASS_DROP);
	cr_expect_eq(p.reason, BF_CTR_drop_udp_csum);
	free(c);
	/* the NIC said it checked: trusted as before */
	put16(f.b + f.l4 + 6, partial);
	cr_expect_eq(classify(&p, &f, BF_PKT_UDP_CSUM_OK, &c), BF_CLASS_UDP4);
	free(c);
}

Test(net_classify, icmp_echo)
{
	static const size_t sizes[] = {0, 1, 56, 57, 1472};

	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		for (int vlan = -1; vlan <= 7; vlan += 8) {
			struct fr f;
			struct bf_pkt p;
			uint8_t *c;

			base_icmp(&f, vlan, sizes[i]);
			cr_expect_eq(classify(&p, &f, 0, &c), BF_CLASS_ICMP4, "%zu bytes: %s",
				     sizes[i], bf_ctr_name[p.reason]);
			cr_expect_eq(p.l4_len, 8 + sizes[i]);
			cr_expect_eq(p.ip_proto, 1);
			free(c);
		}
	}
}

Test(net_classify, arp_request)
{
	for (int vlan = -1; vlan <= 9; vlan += 10) {
		struct fr f;
		struct bf_pkt p;
		uint8_t *c;

		base_arp(&f, vlan);
		cr_assert_eq(classify(&p, &f, 0, &c), BF_CLASS_ARP, "%s", bf_ctr_name[p.reason]);
		cr_expect_eq(p.ethertype, 0x0806);
		cr_expect_eq(p.arp_op, 1);
		cr_expect_eq(p.arp_spa, ip_client);
		cr_expect_eq(p.arp_tpa, ip_server);
		cr_expect_eq(p.arp_sha, c + p.l3_off + 8);
		cr_expect_eq(memcmp(p.arp_sha, mac_client, 6), 0);
		free(c);
	}
}

/* ---- malformed frames, one row per class, each naming its counter ------------------------- */

enum base { B_DHCP, B_DHCP_VLAN, B_TFTP, B_ICMP, B_ARP, B_ARP_VLAN };

static void
build_base(struct fr *f, enum base b)
{
	switch (b) {
	case B_DHCP:
		base_dhcp(f, -1);
		break;
	case B_DHCP_VLAN:
		base_dhcp(f, 100);
		break;
	case B_TFTP:
		base_tftp(f, -1);
		break;
	case B_ICMP:
		base_icmp(f, -1, 32);
		break;
	case B_ARP:
		base_arp(f, -1);
		break;
	case B_ARP_VLAN:
		base_arp(f, 100);
		break;
	}
}

/* Mutations. Each leaves every checksum valid except the one it breaks. */
static void
m_none(struct fr *f)
{
	(void)f;
}

static void
m_len0(struct fr *f)
{
	f->len = 0;
}

static void
m_len13(struct fr *f)
{
	f->len = 13;
}

static void
m_len14(struct fr *f)
{
	f->len = 14;
}

static void
m_ip19(struct fr *f)
{
	f->len = f->l3 + 19;
}

static void
m_vlan_cut(struct fr *f)
{
	f->len = 16;
}

static void
m_vlan_cut17(struct fr *f)
{
	f->len = 17;
}

static void
m_src_bcast(struct fr *f)
{
	memset(f->b + 6, 0xff, 6);
}

static void
m_src_mcast(struct fr *f)
{
	f->b[6] = 0x01;
	f->b[7] = 0x00;
	f->b[8] = 0x5e;
}

static void
m_ipv6(struct fr *f)
{
	put16(f->b + 12, 0x86dd);
}

static void
m_ether_88a8(struct fr *f)
{
	put16(f->b + 12, 0x88a8);
}

static void
m_qinq(struct fr *f)
{
	/* Outer 802.1Q whose inner type is 802.1Q again. */
	put16(f->b + 16, 0x8100);
}

static void
m_qinq_88a8(struct fr *f)
{
	put16(f->b + 16, 0x88a8);
}

static void
m_ip_version6(struct fr *f)
{
	f->b[f->l3] = 0x65;
	fr_fix_ip(f);
}

static void
m_ihl4(struct fr *f)
{
	f->b[f->l3] = 0x44;
}

static void
m_ihl0(struct fr *f)
{
	f->b[f->l3] = 0x40;
}

static void
m_ihl_past_frame(struct fr *f)
{
	/* IHL 15 (60 bytes) but the frame ends 40 bytes after the IP header start. */
	f->b[f->l3] = 0x4f;
	f->len = f->l3 + 40;
	put16(f->b + f->l3 + 2, 40);
}

static void
m_tot_past_frame(struct fr *f)
{
	put16(f->b + f->l3 + 2, (uint16_t)(f->len - f->l3 + 1));
	fr_fix_ip(f);
}

static void
m_tot_below_ihl(struct fr *f)
{
	put16(f->b + f->l3 + 2, 19);
	fr_fix_ip(f);
}

static void
m_frame_cut_in_udp(struct fr *f)
{
	/* Frame truncated in the UDP payload; IP total length still claims all of it. */
	f->len -= 10;
}

static void
m_ip_csum(struct fr *f)
{
	f->b[f->l3 + 10] ^= 0x01;
}

static void
m_frag_mf(struct fr *f)
{
	put16(f->b + f->l3 + 6, 0x2000);
	fr_fix_ip(f);
}

static void
m_frag_off(struct fr *f)
{
	put16(f->b + f->l3 + 6, 0x00b9);
	fr_fix_ip(f);
}

static void
m_frag_df(struct fr *f)
{
	put16(f->b + f->l3 + 6, 0x4000);
	fr_fix_ip(f);
}

static void
m_src_ip(struct fr *f, uint32_t src)
{
	put32(f->b + f->l3 + 12, src);
	fr_fix_ip(f);
	if (f->b[f->l3 + 9] == 17)
		fr_fix_udp(f);
}

static void
m_src_ip_bcast(struct fr *f)
{
	m_src_ip(f, 0xffffffffu);
}

static void
m_src_ip_mcast(struct fr *f)
{
	m_src_ip(f, IP(224, 0, 0, 1));
}

static void
m_src_ip_mcast_hi(struct fr *f)
{
	m_src_ip(f, IP(239, 255, 255, 250));
}

static void
m_src_ip_class_e(struct fr *f)
{
	m_src_ip(f, IP(240, 0, 0, 1));
}

static void
m_src_ip_loop(struct fr *f)
{
	m_src_ip(f, IP(127, 0, 0, 1));
}

static void
m_src_ip_zero(struct fr *f)
{
	m_src_ip(f, 0);
}

static void
m_src_ip_subnet_bcast(struct fr *f)
{
	m_src_ip(f, IP(192, 168, 2, 255));
}

static void
m_proto_tcp(struct fr *f)
{
	f->b[f->l3 + 9] = 6;
	fr_fix_ip(f);
}

static void
m_ip_options(struct fr *f)
{
	/* Rebuild as IHL 6 (4 bytes of NOP options) carrying the same UDP datagram. */
	uint8_t udp[400];
	size_t ulen = f->len - f->l4;

	memcpy(udp, f->b + f->l4, ulen);
	uint32_t src = get32(f->b + f->l3 + 12);
	uint32_t dst = get32(f->b + f->l3 + 16);
	fr_ip4(f, 17, src, dst, 4);
	memcpy(f->b + f->l4, udp, ulen);
	f->len = f->l4 + ulen;
	fr_ip_done(f);
	fr_fix_udp(f);
}

static void
m_udp_short(struct fr *f)
{
	/* IP payload of 7 bytes: no room for a UDP header. */
	f->len = f->l4 + 7;
	fr_ip_done(f);
}

static void
m_udp_len7(struct fr *f)
{
	put16(f->b + f->l4 + 4, 7);
}

static void
m_udp_len0(struct fr *f)
{
	put16(f->b + f->l4 + 4, 0);
}

static void
m_udp_len_past_ip(struct fr *f)
{
	uint8_t *u = f->b + f->l4;

	put16(u + 4, (uint16_t)(get16(u + 4) + 1));
}

static void
m_udp_len_ffff(struct fr *f)
{
	put16(f->b + f->l4 + 4, 0xffff);
}

static void
m_udp_len_past_ip_frame_ok(struct fr *f)
{
	/* UDP length reaches into Ethernet padding beyond the IP total length. */
	uint8_t *u = f->b + f->l4;

	f->len += 16;
	put16(u + 4, (uint16_t)(get16(u + 4) + 16));
}

static void
m_udp_csum(struct fr *f)
{
	f->b[f->l4 + 6] ^= 0x80;
}

static void
m_udp_payload_flip(struct fr *f)
{
	f->b[f->len - 1] ^= 0x01;
}

static void
m_udp_csum_zero(struct fr *f)
{
	/* Checksum 0 means "none" (RFC 768): accepted even with a changed payload. */
	put16(f->b + f->l4 + 6, 0);
	f->b[f->len - 1] ^= 0x01;
}

static void
m_eth_padding(struct fr *f)
{
	/* 16 bytes of Ethernet padding after the IP datagram. */
	memset(f->b + f->len, 0xab, 16);
	f->len += 16;
}

static void
m_udp_shorter_than_ip(struct fr *f)
{
	/* UDP length 8 shorter than the IP payload: trailing bytes ignored. */
	uint8_t *u = f->b + f->l4;

	put16(u + 4, (uint16_t)(get16(u + 4) - 8));
	fr_fix_udp(f);
}

static void
m_icmp_csum(struct fr *f)
{
	f->b[f->l4 + 2] ^= 0x10;
}

static void
m_icmp_short(struct fr *f)
{
	/* A 7-byte ICMP message (checksum over it valid). */
	uint8_t *ic = f->b + f->l4;

	f->len = f->l4 + 7;
	put16(ic + 2, 0);
	put16(ic + 2, (uint16_t)~ref_sum(0, ic, 7));
	fr_ip_done(f);
}

static void
m_arp_cut(struct fr *f)
{
	f->len = f->l3 + 27;
}

static void
m_arp_htype(struct fr *f)
{
	put16(f->b + f->l3, 6);
}

static void
m_arp_ptype(struct fr *f)
{
	put16(f->b + f->l3 + 2, 0x86dd);
}

static void
m_arp_hlen(struct fr *f)
{
	f->b[f->l3 + 4] = 8;
}

static void
m_arp_plen(struct fr *f)
{
	f->b[f->l3 + 5] = 16;
}

/* Sender hardware address broadcast: a reply would go to everyone. */
static void
m_arp_sha_bcast(struct fr *f)
{
	memset(f->b + f->l3 + 8, 0xff, 6);
}

struct bad_vec {
	const char *what;
	enum base base;
	void (*mutate)(struct fr *f);
	unsigned flags;
	enum bf_class cls;
	enum bf_ctr reason; /* for BF_CLASS_DROP */
};

#define GOOD(cls) 0, cls, BF_CTR_rx_frames
#define DROP(ctr) 0, BF_CLASS_DROP, BF_CTR_##ctr
#define BOTH (BF_PKT_UDP_CSUM_OK | BF_PKT_IP_CSUM_OK)

static const struct bad_vec bad_vecs[] = {
	/* Ethernet */
	{"empty frame", B_DHCP, m_len0, DROP(drop_runt)},
	{"13-byte frame", B_DHCP, m_len13, DROP(drop_runt)},
	{"14-byte IPv4 frame", B_DHCP, m_len14, DROP(drop_ip_short)},
	{"source MAC broadcast", B_DHCP, m_src_bcast, DROP(drop_src_mac)},
	{"source MAC multicast", B_TFTP, m_src_mcast, DROP(drop_src_mac)},
	{"source MAC broadcast (ARP)", B_ARP, m_src_bcast, DROP(drop_src_mac)},
	{"IPv6 ethertype", B_DHCP, m_ipv6, DROP(ignored_ethertype)},
	{"802.1ad outer tag", B_DHCP, m_ether_88a8, DROP(ignored_ethertype)},
	/* VLAN */
	{"VLAN tag cut after TPID", B_DHCP_VLAN, m_vlan_cut, DROP(drop_vlan)},
	{"VLAN tag cut in inner type", B_DHCP_VLAN, m_vlan_cut17, DROP(drop_vlan)},
	{"VLAN in VLAN", B_DHCP_VLAN, m_qinq, DROP(drop_vlan)},
	{"802.1ad in VLAN", B_DHCP_VLAN, m_qinq_88a8, DROP(drop_vlan)},
	{"VLAN DHCP good", B_DHCP_VLAN, m_none, GOOD(BF_CLASS_UDP4)},
	{"VLAN ARP good", B_ARP_VLAN, m_none, GOOD(BF_CLASS_ARP)},
	{"VLAN IHL < 5", B_DHCP_VLAN, m_ihl4, DROP(drop_ip_ihl)},
	{"VLAN UDP length past IP", B_DHCP_VLAN, m_udp_len_past_ip, DROP(drop_udp_len)},
	/* IPv4 header */
	{"IPv4 header cut at 19 bytes", B_DHCP, m_ip19, DROP(drop_ip_short)},
	{"IPv4 version 6", B_DHCP, m_ip_version6, DROP(drop_ip_version)},
	{"IHL 4", B_DHCP, m_ihl4, DROP(drop_ip_ihl)},
	{"IHL 0", B_TFTP, m_ihl0, DROP(drop_ip_ihl)},
	{"IHL beyond the frame", B_DHCP, m_ihl_past_frame, DROP(drop_ip_ihl)},
	{"IP total length beyond the frame", B_DHCP, m_tot_past_frame, DROP(drop_ip_len)},
	{"IP total length below IHL", B_DHCP, m_tot_below_ihl, DROP(drop_ip_len)},
	{"frame cut inside the UDP payload", B_TFTP, m_frame_cut_in_udp, DROP(drop_ip_len)},
	{"IP header checksum wrong", B_DHCP, m_ip_csum, DROP(drop_ip_csum)},
	{"IP header checksum wrong, NIC said good", B_DHCP, m_ip_csum, BF_PKT_IP_CSUM_OK,
	 BF_CLASS_UDP4, BF_CTR_rx_frames},
	{"IP options (IHL 6)", B_TFTP, m_ip_options, GOOD(BF_CLASS_UDP4)},
	{"Ethernet padding after IP", B_DHCP, m_eth_padding, GOOD(BF_CLASS_UDP4)},
	/* Fragments */
	{"fragment: MF set (DHCP)", B_DHCP, m_frag_mf, DROP(drop_ip_frag)},
	{"fragment: offset 185 (TFTP)", B_TFTP, m_frag_off, DROP(drop_ip_frag)},
	{"fragment: MF (ICMP)", B_ICMP, m_frag_mf, DROP(drop_ip_frag)},
	{"DF only is not a fragment", B_TFTP, m_frag_df, GOOD(BF_CLASS_UDP4)},
	/* Source address */
	{"source IP broadcast", B_DHCP, m_src_ip_bcast, DROP(drop_ip_src)},
	{"source IP 224.0.0.1", B_TFTP, m_src_ip_mcast, DROP(drop_ip_src)},
	{"source IP 239.255.255.250", B_TFTP, m_src_ip_mcast_hi, DROP(drop_ip_src)},
	{"source IP class E", B_TFTP, m_src_ip_class_e, DROP(drop_ip_src)},
	{"source IP loopback", B_ICMP, m_src_ip_loop, DROP(drop_ip_src)},
	{"source IP 0.0.0.0 (DHCP client)", B_TFTP, m_src_ip_zero, GOOD(BF_CLASS_UDP4)},
	/* The classifier knows no subnet: a directed broadcast is the handler's to refuse. */
	{"source IP 192.168.2.255", B_TFTP, m_src_ip_subnet_bcast, GOOD(BF_CLASS_UDP4)},
	{"protocol TCP", B_TFTP, m_proto_tcp, DROP(ignored_ip_proto)},
	/* UDP */
	{"IP payload shorter than a UDP header", B_TFTP, m_udp_short, DROP(drop_udp_short)},
	{"UDP length 7", B_DHCP, m_udp_len7, DROP(drop_udp_len)},
	{"UDP length 0", B_TFTP, m_udp_len0, DROP(drop_udp_len)},
	{"UDP length one past the IP payload", B_DHCP, m_udp_len_past_ip, DROP(drop_udp_len)},
	{"UDP length 65535", B_TFTP, m_udp_len_ffff, DROP(drop_udp_len)},
	{"UDP length into Ethernet padding", B_TFTP, m_udp_len_past_ip_frame_ok,
	 DROP(drop_udp_len)},
	{"UDP length below the IP payload", B_TFTP, m_udp_shorter_than_ip, GOOD(BF_CLASS_UDP4)},
	{"UDP checksum wrong", B_DHCP, m_udp_csum, DROP(drop_udp_csum)},
	{"UDP payload changed", B_TFTP, m_udp_payload_flip, DROP(drop_udp_csum)},
	{"UDP checksum wrong, NIC said good", B_TFTP, m_udp_payload_flip, BF_PKT_UDP_CSUM_OK,
	 BF_CLASS_UDP4, BF_CTR_rx_frames},
	{"UDP checksum 0 (none)", B_TFTP, m_udp_csum_zero, GOOD(BF_CLASS_UDP4)},
	{"both flags, everything else good", B_DHCP, m_none, BOTH, BF_CLASS_UDP4,
	 BF_CTR_rx_frames},
	{"both flags do not excuse a bad UDP length", B_DHCP, m_udp_len_past_ip, BOTH,
	 BF_CLASS_DROP, BF_CTR_drop_udp_len},
	/* ICMP */
	{"ICMP checksum wrong", B_ICMP, m_icmp_csum, DROP(drop_icmp_malformed)},
	{"ICMP checksum wrong, UDP flag does not apply", B_ICMP, m_icmp_csum, BOTH,
	 BF_CLASS_DROP, BF_CTR_drop_icmp_malformed},
	{"ICMP shorter than 8", B_ICMP, m_icmp_short, DROP(drop_icmp_malformed)},
	{"ICMP with Ethernet padding", B_ICMP, m_eth_padding, GOOD(BF_CLASS_ICMP4)},
	/* ARP */
	{"ARP cut at 27 bytes", B_ARP, m_arp_cut, DROP(drop_arp_malformed)},
	{"ARP hardware type 6", B_ARP, m_arp_htype, DROP(drop_arp_malformed)},
	{"ARP protocol IPv6", B_ARP, m_arp_ptype, DROP(drop_arp_malformed)},
	{"ARP hlen 8", B_ARP, m_arp_hlen, DROP(drop_arp_malformed)},
	{"ARP plen 16", B_ARP_VLAN, m_arp_plen, DROP(drop_arp_malformed)},
	{"ARP sender MAC broadcast", B_ARP, m_arp_sha_bcast, DROP(drop_arp_malformed)},
};

Test(net_classify, malformed_table)
{
	for (size_t i = 0; i < sizeof(bad_vecs) / sizeof(bad_vecs[0]); i++) {
		const struct bad_vec *v = &bad_vecs[i];
		struct fr f;
		struct bf_pkt p;
		uint8_t *c;
		enum bf_class k;

		build_base(&f, v->base);
		v->mutate(&f);
		k = classify(&p, &f, v->flags, &c);
		cr_expect_eq(k, v->cls, "%s: class %d want %d (reason %s)", v->what, k, v->cls,
			     bf_ctr_name[p.reason]);
		if (v->cls == BF_CLASS_DROP)
			cr_expect_eq(p.reason, v->reason, "%s: reason %s want %s", v->what,
				     bf_ctr_name[p.reason], bf_ctr_name[v->reason]);
		if (k == BF_CLASS_UDP4)
			cr_expect_leq(p.pl_off + p.pl_len, f.len, "%s: payload past frame",
				      v->what);
		free(c);
	}
}

/* Every prefix of every good frame: no class but DROP until the frame is whole, no overread. */
Test(net_classify, every_truncation)
{
	static const enum base bases[] = {B_DHCP, B_DHCP_VLAN, B_TFTP, B_ICMP, B_ARP_VLAN};

	for (size_t b = 0; b < sizeof(bases) / sizeof(bases[0]); b++) {
		struct fr f;

		build_base(&f, bases[b]);
		size_t full = f.len;
		size_t need = bases[b] == B_ARP_VLAN ? 18 + 28 : full;
		for (size_t n = 0; n < full; n++) {
			struct bf_pkt p;
			uint8_t *c;

			f.len = n;
			enum bf_class k = classify(&p, &f, 0, &c);
			if (n < need)
				cr_expect_eq(k, BF_CLASS_DROP, "base %zu len %zu", b, n);
			else
				cr_expect_neq(k, BF_CLASS_DROP, "base %zu len %zu", b, n);
			free(c);
		}
	}
}

/* ---- reply headers -------------------------------------------------------------------------- */

static void
check_udp4_hdr_write(bool vlan, size_t plen)
{
	struct bf_udp4_addr a = {
		.has_vlan = vlan,
		.vlan_tci = 0x2064,
		.src_ip = ip_server,
		.dst_ip = ip_client,
		.sport = 50123,
		.dport = 2070,
	};
	uint8_t frame[1600];
	uint8_t *pl;
	size_t hl;
	struct bf_pkt p;

	memcpy(a.dst_mac, mac_client, 6);
	memcpy(a.src_mac, mac_server, 6);
	hl = bf_udp4_hdr_len(&a);
	cr_assert_eq(hl, vlan ? 46u : 42u);
	pl = frame + hl;
	for (size_t i = 0; i < plen; i++)
		pl[i] = (uint8_t)(0xa5 ^ i * 31);
	bf_udp4_hdr_write(frame, &a, plen, bf_csum_add(0, pl, plen), 0x4321);

	/* Exact header bytes. */
	size_t o = 12;
	cr_expect_arr_eq(frame, mac_client, 6, "dst mac");
	cr_expect_arr_eq(frame + 6, mac_server, 6, "src mac");
	if (vlan) {
		cr_expect_eq(get16(frame + 12), 0x8100);
		cr_expect_eq(get16(frame + 14), 0x2064);
		o = 16;
	}
	cr_expect_eq(get16(frame + o), 0x0800);
	const uint8_t *ip = frame + o + 2;
	cr_expect_eq(ip[0], 0x45);
	cr_expect_eq(get16(ip + 2), 28 + plen);
	cr_expect_eq(get16(ip + 4), 0x4321);
	cr_expect_eq(get16(ip + 6), 0x4000);
	cr_expect_eq(ip[9], 17);
	cr_expect_eq(ref_sum(0, ip, 20), 0xffff, "IP header checksum (reference)");
	const uint8_t *u = ip + 20;
	cr_expect_eq(get16(u), 50123);
	cr_expect_eq(get16(u + 2), 2070);
	cr_expect_eq(get16(u + 4), 8 + plen);
	cr_expect_neq(get16(u + 6), 0, "UDP checksum present");

	/* And it decodes back, checksums validated. */
	cr_assert_eq(bf_pkt_classify(&p, frame, hl + plen, 0), BF_CLASS_UDP4,
		     "vlan %d plen %zu: %s", vlan, plen, bf_ctr_name[p.reason]);
	cr_expect_eq(p.has_vlan, vlan);
	cr_expect_eq(p.ip_src, ip_server);
	cr_expect_eq(p.ip_dst, ip_client);
	cr_expect_eq(p.sport, 50123);
	cr_expect_eq(p.dport, 2070);
	cr_expect_eq(p.pl_off, hl);
	cr_expect_eq(p.pl_len, plen);
}

Test(net_reply, udp4_hdr_write_round_trip)
{
	static const size_t lens[] = {0, 1, 2, 3, 4, 511, 512, 513, 1468, 1471};

	for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		check_udp4_hdr_write(false, lens[i]);
		check_udp4_hdr_write(true, lens[i]);
	}
}

/* A payload whose UDP checksum computes to 0 must be sent as 0xffff (RFC 768). */
Test(net_reply, udp4_checksum_zero_sent_as_ffff)
{
	struct bf_udp4_addr a = {.src_ip = ip_server, .dst_ip = ip_client, .sport = 69,
				 .dport = 1024};
	uint8_t frame[128];
	uint8_t *pl = frame + 42;
	struct bf_pkt p;

	memcpy(a.dst_mac, mac_client, 6);
	memcpy(a.src_mac, mac_server, 6);
	memcpy(pl, "\0\3\0\1abcdefgh\0\0", 14);
	bf_udp4_hdr_write(frame, &a, 14, bf_csum_add(0, pl, 14), 1);
	/* Put the checksum into the last payload word: the sum becomes 0xffff. */
	memcpy(pl + 12, frame + 40, 2);
	bf_udp4_hdr_write(frame, &a, 14, bf_csum_add(0, pl, 14), 1);
	cr_expect_eq(get16(frame + 40), 0xffff);
	cr_expect_eq(bf_pkt_classify(&p, frame, 56, 0), BF_CLASS_UDP4, "%s",
		     bf_ctr_name[p.reason]);
}

Test(net_reply, udp4_addr_reply)
{
	struct fr f;
	struct bf_pkt p;
	struct bf_udp4_addr a;
	uint8_t *c;

	base_tftp(&f, 42);
	cr_assert_eq(classify(&p, &f, 0, &c), BF_CLASS_UDP4);
	bf_udp4_addr_reply(&a, &p, mac_server, ip_server);
	cr_expect_arr_eq(a.dst_mac, mac_client, 6, "dst mac");
	cr_expect_arr_eq(a.src_mac, mac_server, 6, "src mac");
	cr_expect(a.has_vlan);
	cr_expect_eq(a.vlan_tci, 42);
	cr_expect_eq(a.src_ip, ip_server);
	cr_expect_eq(a.dst_ip, ip_client);
	cr_expect_eq(a.sport, 69);
	cr_expect_eq(a.dport, 2070);
	free(c);
}

Test(net_reply, arp_reply_inplace)
{
	for (int vlan = -1; vlan <= 3; vlan += 4) {
		struct fr f;
		struct bf_pkt p;
		uint8_t *c;

		base_arp(&f, vlan);
		cr_assert_eq(classify(&p, &f, 0, &c), BF_CLASS_ARP);
		cr_assert_eq(bf_arp_reply_inplace(c, &p, mac_server, ip_server), 0);
		const uint8_t *a = c + p.l3_off;
		cr_expect_arr_eq(c, mac_client, 6, "eth dst");
		cr_expect_arr_eq(c + 6, mac_server, 6, "eth src");
		if (vlan >= 0)
			cr_expect_eq(get16(c + 14), 3, "tag kept");
		cr_expect_arr_eq(a, "\0\1\x08\0\6\4\0\2", 8, "ARP header, op reply");
		cr_expect_arr_eq(a + 8, mac_server, 6, "sha");
		cr_expect_eq(get32(a + 14), ip_server, "spa");
		cr_expect_arr_eq(a + 18, mac_client, 6, "tha");
		cr_expect_eq(get32(a + 24), ip_client, "tpa");

		/* The reply classifies as ARP op 2 from us. */
		struct bf_pkt q;
		cr_expect_eq(bf_pkt_classify(&q, c, f.len, 0), BF_CLASS_ARP);
		cr_expect_eq(q.arp_op, 2);
		cr_expect_eq(q.arp_spa, ip_server);
		free(c);
	}
}

Test(net_reply, arp_reply_refused)
{
	struct fr f;
	struct bf_pkt p;
	uint8_t *c;

	/* Not for our address. */
	base_arp(&f, -1);
	cr_assert_eq(classify(&p, &f, 0, &c), BF_CLASS_ARP);
	cr_expect_eq(bf_arp_reply_inplace(c, &p, mac_server, IP(192, 168, 2, 2)), -1);
	cr_expect_eq(memcmp(c, f.b, f.len), 0, "frame untouched");
	free(c);

	/* An ARP reply is not answered. */
	base_arp(&f, -1);
	put16(f.b + f.l3 + 6, 2);
	cr_assert_eq(classify(&p, &f, 0, &c), BF_CLASS_ARP);
	cr_expect_eq(bf_arp_reply_inplace(c, &p, mac_server, ip_server), -1);
	free(c);
}

Test(net_reply, icmp_echo_reply_inplace)
{
	static const size_t sizes[] = {0, 1, 55, 56, 1472};

	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		struct fr f;
		struct bf_pkt p, q;
		uint8_t *c;

		base_icmp(&f, (int)i - 1, sizes[i]); /* the first without VLAN */
		cr_assert_eq(classify(&p, &f, 0, &c), BF_CLASS_ICMP4);
		cr_assert_eq(bf_icmp4_echo_reply_inplace(c, &p, mac_server), 0);
		cr_expect_arr_eq(c, mac_client, 6, "eth dst");
		cr_expect_arr_eq(c + 6, mac_server, 6, "eth src");
		const uint8_t *ip = c + p.l3_off, *ic = c + p.l4_off;
		cr_expect_eq(get32(ip + 12), ip_server);
		cr_expect_eq(get32(ip + 16), ip_client);
		cr_expect_eq(ref_sum(0, ip, 20), 0xffff, "IP checksum (reference)");
		cr_expect_eq(ic[0], 0, "echo reply");
		cr_expect_eq(get16(ic + 4), 0x4242, "id kept");
		cr_expect_eq(get16(ic + 6), 7, "seq kept");
		cr_expect_eq(memcmp(ic + 8, f.b + f.l4 + 8, sizes[i]), 0, "data kept");
		cr_expect_eq(ref_sum(0, ic, 8 + sizes[i]), 0xffff, "ICMP checksum (reference)");
		cr_expect_eq(bf_pkt_classify(&q, c, f.len, 0), BF_CLASS_ICMP4, "%s",
			     bf_ctr_name[q.reason]);
		free(c);
	}
}

Test(net_reply, icmp_echo_reply_refused)
{
	struct fr f;
	struct bf_pkt p;
	uint8_t *c;

	/* An echo reply is not answered; nor is type 8 with a code other than 0. */
	base_icmp(&f, -1, 8);
	f.b[f.l4] = 0;
	put16(f.b + f.l4 + 2, 0);
	put16(f.b + f.l4 + 2, (uint16_t)~ref_sum(0, f.b + f.l4, 16));
	cr_assert_eq(classify(&p, &f, 0, &c), BF_CLASS_ICMP4);
	cr_expect_eq(bf_icmp4_echo_reply_inplace(c, &p, mac_server), -1);
	free(c);

	base_icmp(&f, -1, 8);
	f.b[f.l4 + 1] = 1;
	put16(f.b + f.l4 + 2, 0);
	put16(f.b + f.l4 + 2, (uint16_t)~ref_sum(0, f.b + f.l4, 16));
	cr_assert_eq(classify(&p, &f, 0, &c), BF_CLASS_ICMP4);
	cr_expect_eq(bf_icmp4_echo_reply_inplace(c, &p, mac_server), -1);
	free(c);

	/* A UDP packet is not an echo request. */
	base_tftp(&f, -1);
	cr_assert_eq(classify(&p, &f, 0, &c), BF_CLASS_UDP4);
	cr_expect_eq(bf_icmp4_echo_reply_inplace(c, &p, mac_server), -1);
	free(c);
}

/* ---- checksums ------------------------------------------------------------------------------ */

Test(net_csum, matches_reference)
{
	uint8_t buf[1501];

	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)(i * 131 + 17);
	for (size_t n = 0; n <= sizeof(buf); n += (n < 64 ? 1 : 97))
		cr_expect_eq(bf_csum_fold(bf_csum_add(0, buf, n)) % 0xffff,
			     ref_sum(0, buf, n) % 0xffff, "len %zu", n);
	/* All ones: the sum stays "negative zero". */
	memset(buf, 0xff, sizeof(buf));
	cr_expect_eq(bf_csum_fold(bf_csum_add(0, buf, 1500)), 0xffff);
	cr_expect_eq(bf_csum_finish(bf_csum_add(0, buf, 1500)), 0);
	cr_expect_eq(bf_csum_fold(bf_csum_add(0, buf, 0)), 0);
}

/* Even-length chunks chained, an odd tail last; sums combined in any grouping. */
Test(net_csum, partial_sums)
{
	uint8_t buf[1473];

	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)(0xff - i * 3);
	uint16_t whole = bf_csum_fold(bf_csum_add(0, buf, sizeof(buf)));

	uint32_t s = bf_csum_add(0, buf, 2);
	s = bf_csum_add(s, buf + 2, 1000);
	s = bf_csum_add(s, buf + 1002, 471);
	cr_expect_eq(bf_csum_fold(s), whole, "chained add");

	uint32_t a = bf_csum_add(0, buf, 1002);
	uint32_t b = bf_csum_add(0, buf + 1002, 471);
	cr_expect_eq(bf_csum_fold(bf_csum_combine(a, b)), whole, "combine");
	cr_expect_eq(bf_csum_fold(bf_csum_combine(b, a)), whole, "combine commutes");

	/* Carries out of 32 bits in combine and in a large starting sum. */
	cr_expect_eq(bf_csum_fold(bf_csum_combine(0xffffffffu, 1)), 1);
	cr_expect_eq(bf_csum_fold(bf_csum_combine(0xfffffffeu, 0xfffffffeu)) % 0xffff,
		     (2 * (0xffff + 0xfffe)) % 0xffff);
	cr_expect_eq(bf_csum_fold(bf_csum_add(0xffffffffu, "\0\1", 2)), 1);
	cr_expect_eq(bf_csum_fold(0x0001ffffu), 1);
	cr_expect_eq(bf_csum_fold(0xffffffffu), 0xffff);
}

Test(net_csum, pseudo_header)
{
	static const struct {
		uint32_t src, dst;
		uint16_t len;
	} v[] = {
		{IP(192, 168, 2, 1), IP(192, 168, 2, 91), 308},
		{0, 0xffffffffu, 8},
		{0xffffffffu, 0xffffffffu, 0xffff},
	};

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		uint8_t ph[12];

		put32(ph, v[i].src);
		put32(ph + 4, v[i].dst);
		ph[8] = 0;
		ph[9] = 17;
		put16(ph + 10, v[i].len);
		cr_expect_eq(bf_csum_fold(bf_csum_pseudo4(v[i].src, v[i].dst, 17, v[i].len)) %
				     0xffff,
			     ref_sum(0, ph, 12) % 0xffff, "row %zu", i);
	}
}

/* ---- address text --------------------------------------------------------------------------- */

static const struct {
	const char *s;
	int rc;
	uint32_t ip;
} ip_vecs[] = {
	{"0.0.0.0", 0, 0},
	{"192.168.2.1", 0, IP(192, 168, 2, 1)},
	{"255.255.255.255", 0, 0xffffffffu},
	{"10.0.0.255", 0, IP(10, 0, 0, 255)},
	{"256.0.0.1", -1, 0},
	{"1.2.3.1000", -1, 0},
	{"1.2.3", -1, 0},
	{"1.2.3.4.5", -1, 0},
	{"1.2.3.", -1, 0},
	{".1.2.3", -1, 0},
	{"1..2.3", -1, 0},
	{"01.2.3.4", -1, 0},
	{"1.2.3.04", -1, 0},
	{"1.2.3.4 ", -1, 0},
	{" 1.2.3.4", -1, 0},
	{"1.2.3.-4", -1, 0},
	{"0x1.2.3.4", -1, 0},
	{"1.2.3.4/24", -1, 0},
	{"", -1, 0},
	{"99999999999.1.1.1", -1, 0},
};

Test(net_text, ip4_parse)
{
	for (size_t i = 0; i < sizeof(ip_vecs) / sizeof(ip_vecs[0]); i++) {
		uint32_t ip = 0x5a5a5a5a;
		int rc = bf_ip4_parse(ip_vecs[i].s, &ip);

		cr_expect_eq(rc, ip_vecs[i].rc, "\"%s\": rc %d", ip_vecs[i].s, rc);
		if (ip_vecs[i].rc == 0)
			cr_expect_eq(ip, ip_vecs[i].ip, "\"%s\"", ip_vecs[i].s);
		else
			cr_expect_eq(ip, 0x5a5a5a5a, "\"%s\": output written on failure",
				     ip_vecs[i].s);
	}
}

Test(net_text, ip4_str_round_trip)
{
	static const uint32_t v[] = {0, 1, IP(192, 168, 2, 91), 0xffffffffu, IP(10, 0, 100, 7)};
	char buf[16];

	cr_expect_str_eq(bf_ip4_str(IP(192, 168, 2, 91), buf), "192.168.2.91");
	cr_expect_str_eq(bf_ip4_str(0xffffffffu, buf), "255.255.255.255");
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		uint32_t back;

		cr_expect_eq(bf_ip4_parse(bf_ip4_str(v[i], buf), &back), 0);
		cr_expect_eq(back, v[i]);
	}
}

static const struct {
	const char *s;
	int rc;
	uint8_t mac[6];
} mac_vecs[] = {
	{"52:54:00:12:34:56", 0, {0x52, 0x54, 0x00, 0x12, 0x34, 0x56}},
	{"52-54-00-12-34-56", 0, {0x52, 0x54, 0x00, 0x12, 0x34, 0x56}},
	{"AA:bb:Cc:dD:ee:FF", 0, {0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff}},
	{"52:54:00:12:34", -1, {0}},
	{"52:54:00:12:34:", -1, {0}},
	{"52:54:00:12:34:56:", -1, {0}},
	{"52:54:00:12:34:56:78", -1, {0}},
	{"5:54:00:12:34:56", -1, {0}},
	{"52:54:00:12:34:5", -1, {0}},
	{"52.54.00.12.34.56", -1, {0}},
	{"525400123456", -1, {0}},
	{"52:54:00:12:34:5g", -1, {0}},
	{"", -1, {0}},
};

Test(net_text, mac_parse_and_str)
{
	for (size_t i = 0; i < sizeof(mac_vecs) / sizeof(mac_vecs[0]); i++) {
		uint8_t mac[6];
		int rc = bf_mac_parse(mac_vecs[i].s, mac);

		cr_expect_eq(rc, mac_vecs[i].rc, "\"%s\": rc %d", mac_vecs[i].s, rc);
		if (rc == 0 && mac_vecs[i].rc == 0)
			cr_expect_arr_eq(mac, mac_vecs[i].mac, 6, "\"%s\"", mac_vecs[i].s);
	}
	char buf[18];
	cr_expect_str_eq(bf_mac_str(mac_client, buf), "52:54:00:12:34:56");
	cr_expect_str_eq(bf_mac_str(mac_bcast, buf), "ff:ff:ff:ff:ff:ff");
	static const uint8_t every_digit[6] = {0x0a, 0xbc, 0xde, 0xf7, 0x89, 0x01};
	cr_expect_str_eq(bf_mac_str(every_digit, buf), "0a:bc:de:f7:89:01");
}

/* Every counter a classify verdict can name has a name and help text. */
Test(net_counters, names)
{
	for (int i = 0; i < BF_CTR__COUNT; i++) {
		cr_expect_not_null(bf_ctr_name[i]);
		cr_expect_not_null(bf_ctr_help[i]);
	}
	cr_expect_str_eq(bf_ctr_name[BF_CTR_drop_udp_len], "drop_udp_len");
}

/* The cursors over (NULL, 0): empty and valid, no arithmetic on NULL (clang's
 * UBSan stops on NULL + 0; a DNSSL-less RA handed the RA writer exactly this). */
Test(net_wire, null_empty_cursor)
{
	struct bf_rd r;
	struct bf_wr w;

	bf_rd_init(&r, NULL, 0);
	cr_expect_eq(bf_rd_left(&r), 0);
	cr_expect_not_null(bf_rd_bytes(&r, 0));
	cr_expect_eq(r.err, 0);
	struct bf_rd c = bf_rd_sub(&r, 0);
	cr_expect_eq(c.err, 0);
	cr_expect_eq(bf_rd_left(&c), 0);
	cr_expect_null(bf_rd_bytes(&r, 1));
	cr_expect_eq(r.err, 1);

	bf_wr_init(&w, NULL, 0);
	(void)bf_wr_reserve(&w, 0);
	cr_expect_eq(w.err, 0);
	cr_expect_null(bf_wr_reserve(&w, 1));
	cr_expect_eq(w.err, 1);
}
