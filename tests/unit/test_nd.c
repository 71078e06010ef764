/* SPDX-License-Identifier: MIT */
/*
 * IPv6 / ICMPv6 / Neighbor Discovery / Router Advertisement / MLDv2 codec tests
 * (RFC 8200, 4291, 2464, 4443, 4861, 6980, 8106, 3810, 2711).
 *
 * Received frames are described field by field (struct spec) and serialised here
 * with checksums from ref_sum(), an independent RFC 1071 sum, never from bf_csum.
 * Expected writer output is exact bytes produced by scapy 2.5 (an independent
 * implementation of every layout used; the generating lines are quoted above each
 * vector). The malformed-frame table names the reason each frame is refused.
 */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bf_counters.h"
#include "bf_csum.h"
#include "bf_nd.h"

/* ---- independent helpers -------------------------------------------------------------------- */

/* RFC 1071 sum of p[0..n) added to acc, folded to 16 bits (not complemented). */
static uint16_t
ref_sum(uint16_t acc, const uint8_t *p, size_t n)
{
	uint32_t s = acc;

	for (size_t i = 0; i < n; i++) {
		s += (i % 2 == 0) ? (uint32_t)p[i] << 8 : p[i];
		if (s > 0xffff)
			s -= 0xffff;
	}
	return (uint16_t)s;
}

/* Sum of the IPv6 pseudo header (RFC 8200 8.1) written out as bytes. */
static uint16_t
ref_pseudo(const uint8_t *src, const uint8_t *dst, uint32_t len, uint8_t nh)
{
	uint8_t ph[40] = {0};

	memcpy(ph, src, 16);
	memcpy(ph + 16, dst, 16);
	ph[32] = (uint8_t)(len >> 24);
	ph[33] = (uint8_t)(len >> 16);
	ph[34] = (uint8_t)(len >> 8);
	ph[35] = (uint8_t)len;
	ph[39] = nh;
	return ref_sum(0, ph, sizeof(ph));
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

static size_t
unhex(uint8_t *o, size_t cap, const char *s)
{
	size_t n = 0;

	for (; *s; s += 2) {
		unsigned v;
		cr_assert(sscanf(s, "%2x", &v) == 1, "bad hex at %s", s);
		cr_assert(n < cap);
		o[n++] = (uint8_t)v;
	}
	return n;
}

/* Text address to bytes, through libc (independent of the code under test). */
static void
ip6(uint8_t out[16], const char *s)
{
	cr_assert_eq(inet_pton(AF_INET6, s, out), 1, "bad address %s", s);
}

static const uint8_t OUR_MAC[6] = {0x02, 0x00, 0x00, 0xbf, 0x00, 0x01};
static const uint8_t CLI_MAC[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
static const uint8_t RADVD_MAC[6] = {0x00, 0x0c, 0x29, 0xf6, 0x4d, 0x73}; /* seed 000 */
#define OUR_LL "fe80::ff:febf:1"
#define OUR_GL "3ffe:501:ffff:100::1"
#define CLI_LL "fe80::5054:ff:fe12:3456"
#define RADVD_LL "fe80::20c:29ff:fef6:4d73"

/* ---- frames described field by field -------------------------------------------------------- */

struct ext {
	uint8_t type;
	uint8_t b[64]; /* b[0] (next header) is filled in by build() */
	size_t n;
};

struct spec {
	uint8_t dst_mac[6];
	uint8_t src_mac[6];
	int vlan; /* -1: untagged */
	uint16_t ethertype;
	uint8_t vtc; /* first byte of the IPv6 header */
	uint8_t hop;
	uint8_t src[16];
	uint8_t dst[16];
	struct ext ext[6];
	size_t n_ext;
	uint8_t proto;
	uint8_t l4[1400];
	size_t l4_len;
	size_t pad;     /* Ethernet padding after the IPv6 packet */
	int plen_delta; /* added to the payload length field */
};

struct fr {
	uint8_t b[1600];
	size_t len;
	size_t l3;
	size_t l4;
};

static void
build(struct fr *f, const struct spec *s)
{
	size_t o = 12, ext_len = 0;

	memset(f, 0, sizeof(*f));
	memcpy(f->b, s->dst_mac, 6);
	memcpy(f->b + 6, s->src_mac, 6);
	if (s->vlan >= 0) {
		put16(f->b + 12, 0x8100);
		put16(f->b + 14, (uint16_t)s->vlan);
		o = 16;
	}
	put16(f->b + o, s->ethertype);
	f->l3 = o + 2;
	for (size_t i = 0; i < s->n_ext; i++)
		ext_len += s->ext[i].n;
	uint8_t *ip = f->b + f->l3;
	ip[0] = s->vtc;
	put16(ip + 4, (uint16_t)((int)(ext_len + s->l4_len) + s->plen_delta));
	ip[6] = s->n_ext ? s->ext[0].type : s->proto;
	ip[7] = s->hop;
	memcpy(ip + 8, s->src, 16);
	memcpy(ip + 24, s->dst, 16);
	o = f->l3 + 40;
	for (size_t i = 0; i < s->n_ext; i++) {
		memcpy(f->b + o, s->ext[i].b, s->ext[i].n);
		f->b[o] = i + 1 < s->n_ext ? s->ext[i + 1].type : s->proto;
		o += s->ext[i].n;
	}
	f->l4 = o;
	memcpy(f->b + o, s->l4, s->l4_len);
	uint8_t *u = f->b + o;
	if (s->proto == 58 && s->l4_len >= 4) {
		put16(u + 2, 0);
		put16(u + 2, (uint16_t)~ref_sum(ref_pseudo(s->src, s->dst, (uint32_t)s->l4_len, 58),
						u, s->l4_len));
	} else if (s->proto == 17 && s->l4_len >= 8) {
		put16(u + 6, 0);
		size_t ulen = get16(u + 4) <= s->l4_len ? get16(u + 4) : s->l4_len;
		uint16_t c = (uint16_t)~ref_sum(ref_pseudo(s->src, s->dst, get16(u + 4), 17), u,
						ulen);
		put16(u + 6, c ? c : 0xffff);
	}
	f->len = o + s->l4_len + s->pad;
}

static void
spec_init(struct spec *s, const uint8_t *dst_mac, const uint8_t *src_mac, const char *src,
	  const char *dst, uint8_t hop, uint8_t proto)
{
	memset(s, 0, sizeof(*s));
	memcpy(s->dst_mac, dst_mac, 6);
	memcpy(s->src_mac, src_mac, 6);
	s->vlan = -1;
	s->ethertype = 0x86dd;
	s->vtc = 0x60;
	s->hop = hop;
	ip6(s->src, src);
	ip6(s->dst, dst);
	s->proto = proto;
}

static void
l4_add(struct spec *s, const void *p, size_t n)
{
	cr_assert(n <= sizeof(s->l4) - s->l4_len);
	memcpy(s->l4 + s->l4_len, p, n);
	s->l4_len += n;
}

/* ICMPv6 type/code/checksum + 4 bytes (flags or reserved) [+ target]. */
static void
icmp_hdr(struct spec *s, uint8_t type, uint8_t flags, const char *target)
{
	uint8_t h[8] = {type, 0, 0, 0, flags};

	s->l4_len = 0;
	l4_add(s, h, 8);
	if (target) {
		uint8_t t[16];
		ip6(t, target);
		l4_add(s, t, 16);
	}
}

static void
opt_lla(struct spec *s, uint8_t type, const uint8_t *mac)
{
	uint8_t o[8] = {type, 1};

	memcpy(o + 2, mac, 6);
	l4_add(s, o, 8);
}

static void
ext_add(struct spec *s, uint8_t type, const uint8_t *body, size_t n)
{
	struct ext *e = &s->ext[s->n_ext++];

	cr_assert((n + 2) % 8 == 0 && n + 2 <= sizeof(e->b));
	e->type = type;
	e->n = n + 2;
	e->b[1] = (uint8_t)((n + 2) / 8 - 1);
	memcpy(e->b + 2, body, n);
}

static const uint8_t mac_sn_cli[6] = {0x33, 0x33, 0xff, 0x12, 0x34, 0x56};
static const uint8_t mac_sn_our[6] = {0x33, 0x33, 0xff, 0xbf, 0x00, 0x01};
static const uint8_t mac_all_nodes[6] = {0x33, 0x33, 0, 0, 0, 1};
static const uint8_t mac_all_routers[6] = {0x33, 0x33, 0, 0, 0, 2};

/* Linux DAD probe for its tentative link-local address: from ::, to its solicited-node
 * group, no SLLA, with the RFC 7527 nonce option (type 14) Linux adds by default. */
static void
base_ns_dad(struct spec *s)
{
	static const uint8_t nonce[8] = {14, 1, 0x9a, 0x31, 0x6c, 0x02, 0xe4, 0x77};

	spec_init(s, mac_sn_cli, CLI_MAC, "::", "ff02::1:ff12:3456", 255, 58);
	icmp_hdr(s, 135, 0, CLI_LL);
	l4_add(s, nonce, sizeof(nonce));
}

/* Address resolution of our link-local address, with the client's SLLA. */
static void
base_ns(struct spec *s)
{
	spec_init(s, mac_sn_our, CLI_MAC, CLI_LL, "ff02::1:ffbf:1", 255, 58);
	icmp_hdr(s, 135, 0, OUR_LL);
	opt_lla(s, 1, CLI_MAC);
}

/* Neighbor unreachability probe: unicast to our address. */
static void
base_ns_nud(struct spec *s)
{
	spec_init(s, OUR_MAC, CLI_MAC, CLI_LL, OUR_LL, 255, 58);
	icmp_hdr(s, 135, 0, OUR_LL);
}

/* rdisc6: RS from the link-local address to all-routers, with SLLA. */
static void
base_rs(struct spec *s)
{
	spec_init(s, mac_all_routers, CLI_MAC, CLI_LL, "ff02::2", 255, 58);
	icmp_hdr(s, 133, 0, NULL);
	opt_lla(s, 1, CLI_MAC);
}

/* A host without an address yet: RS from ::, no options (RFC 4861 6.3.7). */
static void
base_rs_unspec(struct spec *s)
{
	spec_init(s, mac_all_routers, CLI_MAC, "::", "ff02::2", 255, 58);
	icmp_hdr(s, 133, 0, NULL);
}

/* radvd for the seed notes' configuration (seeds 000/001: MinRtrAdvInterval 30,
 * MaxRtrAdvInterval 100, AdvManagedFlag on, AdvOtherConfigFlag on, prefix
 * 3ffe:501:ffff:100::/64 { AdvOnLink on; AdvAutonomous on; }) with radvd's defaults:
 * AdvCurHopLimit 64, AdvDefaultLifetime 3 * 100, AdvValidLifetime 86400,
 * AdvPreferredLifetime 14400, SLLA after the prefixes. */
static void
base_ra(struct spec *s)
{
	static const uint8_t hdr[16] = {134, 0, 0, 0, 64, 0xc0, 0x01, 0x2c};
	uint8_t pi[32] = {3, 4, 64, 0xc0};

	spec_init(s, mac_all_nodes, RADVD_MAC, RADVD_LL, "ff02::1", 255, 58);
	l4_add(s, hdr, sizeof(hdr));
	put32(pi + 4, 86400);
	put32(pi + 8, 14400);
	ip6(pi + 16, "3ffe:501:ffff:100::");
	l4_add(s, pi, sizeof(pi));
	opt_lla(s, 1, RADVD_MAC);
}

/* The same with "RDNSS 3ffe:501:ffff:100::1 {};" and "DNSSL example.com {};" (lifetimes
 * 300), and AdvLinkMTU 1500. */
static void
base_ra_dns(struct spec *s)
{
	uint8_t mtu[8] = {5, 1, 0, 0};
	uint8_t rdnss[24] = {25, 3};
	static const uint8_t dnssl[24] = {31, 3, 0, 0, 0, 0, 0x01, 0x2c, 7, 'e', 'x', 'a', 'm',
					  'p', 'l', 'e', 3, 'c', 'o', 'm', 0};

	base_ra(s);
	put32(mtu + 4, 1500);
	l4_add(s, mtu, sizeof(mtu));
	put32(rdnss + 4, 300);
	ip6(rdnss + 8, OUR_GL);
	l4_add(s, rdnss, sizeof(rdnss));
	l4_add(s, dnssl, sizeof(dnssl));
}

/* The client's NA answering our NS: solicited, override, TLLA. */
static void
base_na(struct spec *s)
{
	spec_init(s, OUR_MAC, CLI_MAC, CLI_LL, OUR_LL, 255, 58);
	icmp_hdr(s, 136, 0x60, CLI_LL);
	opt_lla(s, 2, CLI_MAC);
}

static void
base_echo(struct spec *s)
{
	static const uint8_t e[18] = {128, 0, 0, 0, 0x42, 0x42, 0, 7, /* id 0x4242, seq 7 */
				      1,   2, 3, 4, 5,    6,    7, 8, 9, 10};

	spec_init(s, OUR_MAC, CLI_MAC, CLI_LL, OUR_LL, 64, 58);
	l4_add(s, e, sizeof(e));
}

/* A DHCPv6 Solicit to All_DHCP_Relay_Agents_and_Servers (RFC 8415 7.1). */
static void
base_udp(struct spec *s)
{
	static const uint8_t sol[] = {
		1, 0x12, 0x34, 0x56,                                    /* Solicit, xid */
		0, 1, 0, 10, 0, 3, 0, 1, 0x52, 0x54, 0, 0x12, 0x34, 0x56, /* client id: DUID-LL */
		0, 8, 0, 2, 0, 0,                                       /* elapsed time */
		0, 6, 0, 4, 0, 23, 0, 59,                               /* ORO: DNS, bootfile-url */
	};
	uint8_t u[8] = {0x02, 0x22, 0x02, 0x23};

	spec_init(s, (const uint8_t[]){0x33, 0x33, 0, 1, 0, 2}, CLI_MAC, CLI_LL, "ff02::1:2", 1,
		  17);
	put16(u + 4, (uint16_t)(8 + sizeof(sol)));
	l4_add(s, u, 8);
	l4_add(s, sol, sizeof(sol));
}

/* A host's MLDv2 report joining its solicited-node group, Hop-by-Hop Router Alert. */
static void
base_mld(struct spec *s)
{
	static const uint8_t hbh[6] = {5, 2, 0, 0, 1, 0};
	uint8_t r[28] = {143, 0, 0, 0, 0, 0, 0, 1, 4, 0, 0, 0};

	spec_init(s, (const uint8_t[]){0x33, 0x33, 0, 0, 0, 0x16}, CLI_MAC, CLI_LL, "ff02::16", 1,
		  58);
	ext_add(s, 0, hbh, sizeof(hbh));
	ip6(r + 12, "ff02::1:ff12:3456");
	l4_add(s, r, sizeof(r));
}

/* Classify (and for ND types, parse) from an exact-size heap copy so ASan sees any
 * read past the frame. Returns the first refusal, or ok. The copy is the caller's to
 * free when keep is given; otherwise it lives until the next call (p and m point
 * into it). */
static enum bf_nd_why
run(const struct fr *f, unsigned flags, struct bf_ip6_pkt *p, struct bf_nd_msg *m,
    uint8_t **keep)
{
	static uint8_t *last;
	uint8_t *c = malloc(f->len ? f->len : 1);
	enum bf_nd_why why = BF_ND_R_ok;

	free(last);
	last = NULL;
	cr_assert_not_null(c);
	memcpy(c, f->b, f->len);
	memset(m, 0, sizeof(*m));
	enum bf_ip6_class k = bf_ip6_classify(p, c, f->len, flags);
	if (k == BF_IP6_DROP) {
		cr_expect_neq(p->why, BF_ND_R_ok, "drop without a reason");
		why = p->why;
	} else if (k == BF_IP6_ICMP6 && p->icmp_type >= 133 && p->icmp_type <= 136) {
		why = bf_nd_parse(m, p);
		cr_expect_eq(why, m->why);
	}
	if (keep)
		*keep = c;
	else
		last = c;
	return why;
}

/* ---- addresses ------------------------------------------------------------------------------ */

Test(nd_addr, kinds)
{
	static const struct {
		const char *a;
		unsigned k;
	} v[] = {
		{"::", BF_IP6_K_UNSPEC},
		{"::1", BF_IP6_K_LOOPBACK},
		{"::2", BF_IP6_K_UNICAST},
		{"::ffff:192.168.2.1", BF_IP6_K_V4MAPPED | BF_IP6_K_UNICAST},
		{"fe80::1", BF_IP6_K_LINKLOCAL | BF_IP6_K_UNICAST},
		{"febf:ffff::1", BF_IP6_K_LINKLOCAL | BF_IP6_K_UNICAST},
		{"fec0::1", BF_IP6_K_UNICAST},
		{OUR_GL, BF_IP6_K_UNICAST},
		{"ff02::1", BF_IP6_K_MCAST | BF_IP6_K_ALLNODES},
		{"ff02::2", BF_IP6_K_MCAST | BF_IP6_K_ALLROUTERS},
		{"ff05::2", BF_IP6_K_MCAST},
		{"ff02::1:2", BF_IP6_K_MCAST},
		{"ff02::1:ffbf:1", BF_IP6_K_MCAST | BF_IP6_K_SOLNODE},
		{"ff02::1:ff00:0", BF_IP6_K_MCAST | BF_IP6_K_SOLNODE},
		{"ff02::1:fe00:0", BF_IP6_K_MCAST},
		{"ff02::2:ff00:0", BF_IP6_K_MCAST},
		{"ff05::1:ffbf:1", BF_IP6_K_MCAST},
		{"ff02::16", BF_IP6_K_MCAST},
	};

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		uint8_t a[16];
		ip6(a, v[i].a);
		cr_expect_eq(bf_ip6_addr_kind(a), v[i].k, "%s: %#x want %#x", v[i].a,
			     bf_ip6_addr_kind(a), v[i].k);
	}
}

Test(nd_addr, mcast_mac_solicited_node_eui64)
{
	uint8_t a[16], b[16], mac[6];

	/* RFC 2464 7: 33:33 + the last 32 bits. */
	ip6(a, "ff02::1:ff0e:8c6c");
	bf_ip6_mcast_mac(mac, a);
	cr_expect_arr_eq(mac, ((uint8_t[]){0x33, 0x33, 0xff, 0x0e, 0x8c, 0x6c}), 6);
	ip6(a, "ff02::16");
	bf_ip6_mcast_mac(mac, a);
	cr_expect_arr_eq(mac, ((uint8_t[]){0x33, 0x33, 0, 0, 0, 0x16}), 6);

	/* RFC 4291 2.7.1: ff02::1:ff + low 24 bits. */
	ip6(a, "4037::01:800:200e:8c6c");
	bf_ip6_solicited_node(b, a);
	ip6(a, "ff02::1:ff0e:8c6c");
	cr_expect_arr_eq(b, a, 16);
	ip6(a, OUR_GL);
	bf_ip6_solicited_node(a, a); /* in place */
	ip6(b, "ff02::1:ff00:1");
	cr_expect_arr_eq(a, b, 16);

	/* RFC 4291 App. A / RFC 2464 4-5: the seed's radvd host, and ours. */
	bf_ip6_ll_eui64(a, RADVD_MAC);
	ip6(b, RADVD_LL);
	cr_expect_arr_eq(a, b, 16);
	bf_ip6_ll_eui64(a, OUR_MAC);
	ip6(b, OUR_LL);
	cr_expect_arr_eq(a, b, 16);
	bf_ip6_ll_eui64(a, CLI_MAC);
	ip6(b, CLI_LL);
	cr_expect_arr_eq(a, b, 16);
}

Test(nd_addr, pseudo_sum)
{
	static const char *const v[][2] = {
		{CLI_LL, "ff02::1:2"}, {"::", "ff02::1:ff12:3456"}, {"ffff::ffff", "ffff:ffff::"}};
	static const uint32_t lens[] = {0, 8, 24, 65535, 65536, 0x12345678};

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		for (size_t j = 0; j < sizeof(lens) / sizeof(lens[0]); j++) {
			uint8_t s[16], d[16];
			ip6(s, v[i][0]);
			ip6(d, v[i][1]);
			cr_expect_eq(bf_csum_fold(bf_ip6_pseudo_sum(s, d, 58, lens[j])) % 0xffff,
				     ref_pseudo(s, d, lens[j], 58) % 0xffff, "%s len %u", v[i][0],
				     lens[j]);
		}
}

/* ---- good frames ---------------------------------------------------------------------------- */

Test(nd_parse, linux_dad_ns)
{
	struct spec s;
	struct fr f;
	struct bf_ip6_pkt p;
	struct bf_nd_msg m;
	uint8_t *c, t[16];

	base_ns_dad(&s);
	build(&f, &s);
	cr_assert_eq(run(&f, 0, &p, &m, &c), BF_ND_R_ok, "%s", bf_nd_why_name[m.why]);
	cr_expect_eq(p.l3_off, 14);
	cr_expect_eq(p.l4_off, 54);
	cr_expect_eq(p.l4_len, 32);
	cr_expect_eq(p.hop_limit, 255);
	cr_expect_eq(p.src_kind, BF_IP6_K_UNSPEC);
	cr_expect_eq(p.dst_kind, BF_IP6_K_MCAST | BF_IP6_K_SOLNODE);
	cr_expect_eq(m.type, BF_ICMP6_NS);
	ip6(t, CLI_LL);
	cr_expect_arr_eq(m.target, t, 16);
	cr_expect_eq(m.target, c + 62);
	cr_expect_null(m.slla);
	cr_expect_eq(m.n_opts, 1);
	cr_expect_eq(m.n_unknown, 1, "the nonce is skipped");
	free(c);
}

Test(nd_parse, ns_with_slla_untagged_and_vlan)
{
	for (int vlan = -1; vlan <= 100; vlan += 101) {
		struct spec s;
		struct fr f;
		struct bf_ip6_pkt p;
		struct bf_nd_msg m;
		uint8_t *c, t[16];

		base_ns(&s);
		s.vlan = vlan;
		build(&f, &s);
		cr_assert_eq(run(&f, 0, &p, &m, &c), BF_ND_R_ok, "vlan %d: %s", vlan,
			     bf_nd_why_name[m.why]);
		cr_expect_eq(p.has_vlan, vlan >= 0);
		if (vlan >= 0)
			cr_expect_eq(p.vlan_tci, 100);
		cr_expect_eq(p.l3_off, vlan < 0 ? 14 : 18);
		cr_expect_eq(p.src_kind, BF_IP6_K_LINKLOCAL | BF_IP6_K_UNICAST);
		ip6(t, OUR_LL);
		cr_expect_arr_eq(m.target, t, 16);
		cr_assert_not_null(m.slla);
		cr_expect_arr_eq(m.slla, CLI_MAC, 6);
		cr_expect_eq(m.slla, c + p.l4_off + 26);
		free(c);
	}
}

Test(nd_parse, ns_nud_unicast_and_padding)
{
	struct spec s;
	struct fr f;
	struct bf_ip6_pkt p;
	struct bf_nd_msg m;

	base_ns_nud(&s);
	s.pad = 16; /* 78 bytes is over the Ethernet minimum, but padding is allowed anyway */
	build(&f, &s);
	cr_expect_eq(run(&f, 0, &p, &m, NULL), BF_ND_R_ok, "%s", bf_nd_why_name[m.why]);
	cr_expect_eq(p.l4_len, 24, "padding is not payload");
	cr_expect_eq(m.n_opts, 0);
	cr_expect_null(m.slla);
}

Test(nd_parse, rs_rdisc6_and_unspecified)
{
	struct spec s;
	struct fr f;
	struct bf_ip6_pkt p;
	struct bf_nd_msg m;

	base_rs(&s);
	build(&f, &s);
	cr_assert_eq(run(&f, 0, &p, &m, NULL), BF_ND_R_ok, "%s", bf_nd_why_name[m.why]);
	cr_expect_eq(m.type, BF_ICMP6_RS);
	cr_expect_eq(p.dst_kind, BF_IP6_K_MCAST | BF_IP6_K_ALLROUTERS);
	cr_assert_not_null(m.slla);
	cr_expect_arr_eq(m.slla, CLI_MAC, 6);
	cr_expect_null(m.target);

	base_rs_unspec(&s);
	build(&f, &s);
	cr_assert_eq(run(&f, 0, &p, &m, NULL), BF_ND_R_ok, "%s", bf_nd_why_name[m.why]);
	cr_expect_eq(p.l4_len, 8);
	cr_expect_null(m.slla);
}

Test(nd_parse, radvd_ra_from_the_seed_notes)
{
	struct spec s;
	struct fr f;
	struct bf_ip6_pkt p;
	struct bf_nd_msg m;
	uint8_t pfx[16];

	base_ra(&s);
	build(&f, &s);
	cr_assert_eq(run(&f, 0, &p, &m, NULL), BF_ND_R_ok, "%s", bf_nd_why_name[m.why]);
	cr_expect_eq(m.type, BF_ICMP6_RA);
	cr_expect_eq(m.cur_hop_limit, 64);
	cr_expect_eq(m.flags, BF_RA_F_MANAGED | BF_RA_F_OTHER);
	cr_expect_eq(m.router_lifetime, 300);
	cr_expect_eq(m.reachable_time, 0);
	cr_expect_eq(m.retrans_timer, 0);
	cr_expect_eq(m.mtu, 0);
	cr_expect_eq(m.n_prefix, 1);
	ip6(pfx, "3ffe:501:ffff:100::");
	cr_expect_arr_eq(m.prefix[0].prefix, pfx, 16);
	cr_expect_eq(m.prefix[0].len, 64);
	cr_expect(m.prefix[0].on_link && m.prefix[0].autonomous);
	cr_expect_eq(m.prefix[0].valid, 86400);
	cr_expect_eq(m.prefix[0].preferred, 14400);
	cr_assert_not_null(m.slla);
	cr_expect_arr_eq(m.slla, RADVD_MAC, 6);
	cr_expect_eq(m.n_rdnss, 0);
	cr_expect_null(m.dnssl);
	cr_expect_eq(m.n_opts, 2);
}

Test(nd_parse, radvd_ra_with_mtu_rdnss_dnssl)
{
	struct spec s;
	struct fr f;
	struct bf_ip6_pkt p;
	struct bf_nd_msg m;
	uint8_t a[16];
	char name[BF_DNS_NAME_MAX + 1];
	size_t off = 0;

	base_ra_dns(&s);
	build(&f, &s);
	cr_assert_eq(run(&f, 0, &p, &m, NULL), BF_ND_R_ok, "%s", bf_nd_why_name[m.why]);
	cr_expect_eq(m.mtu, 1500);
	cr_expect_eq(m.n_rdnss, 1);
	cr_expect_eq(m.rdnss_lifetime, 300);
	ip6(a, OUR_GL);
	cr_expect_arr_eq(m.rdnss[0], a, 16);
	cr_expect_eq(m.dnssl_lifetime, 300);
	cr_assert_not_null(m.dnssl);
	cr_expect_eq(m.dnssl_len, 16);
	cr_expect_eq(bf_nd_dnssl_next(m.dnssl, m.dnssl_len, &off, name), 1);
	cr_expect_str_eq(name, "example.com");
	cr_expect_eq(bf_nd_dnssl_next(m.dnssl, m.dnssl_len, &off, name), 0);
}

static void s_slla_dup(struct spec *s); /* in the table's mutations below */

Test(nd_parse, duplicate_slla_first_wins)
{
	struct spec s;
	struct fr f;
	struct bf_ip6_pkt p;
	struct bf_nd_msg m;

	base_ns(&s);
	s_slla_dup(&s);
	build(&f, &s);
	cr_assert_eq(run(&f, 0, &p, &m, NULL), BF_ND_R_ok, "%s", bf_nd_why_name[m.why]);
	cr_expect_arr_eq(m.slla, CLI_MAC, 6);
	cr_expect_eq(m.n_opts, 2);
}

Test(nd_parse, na_solicited)
{
	struct spec s;
	struct fr f;
	struct bf_ip6_pkt p;
	struct bf_nd_msg m;
	uint8_t t[16];

	base_na(&s);
	build(&f, &s);
	cr_assert_eq(run(&f, 0, &p, &m, NULL), BF_ND_R_ok, "%s", bf_nd_why_name[m.why]);
	cr_expect_eq(m.type, BF_ICMP6_NA);
	cr_expect_eq(m.flags, BF_NA_F_SOLICITED | BF_NA_F_OVERRIDE);
	ip6(t, CLI_LL);
	cr_expect_arr_eq(m.target, t, 16);
	cr_assert_not_null(m.tlla);
	cr_expect_arr_eq(m.tlla, CLI_MAC, 6);
	cr_expect_null(m.slla);
}

Test(nd_parse, echo_udp_mld_classes)
{
	struct spec s;
	struct fr f;
	struct bf_ip6_pkt p;
	struct bf_nd_msg m;
	uint8_t *c;

	base_echo(&s);
	build(&f, &s);
	cr_assert_eq(run(&f, 0, &p, &m, NULL), BF_ND_R_ok);
	cr_expect_eq(p.proto, 58);
	cr_expect_eq(p.icmp_type, BF_ICMP6_ECHO_REQUEST);
	cr_expect_eq(p.l4_len, 18);
	cr_expect_eq(bf_nd_parse(&m, &p), BF_ND_R_ignored_icmp6_type, "echo is not ND");

	base_udp(&s);
	build(&f, &s);
	cr_assert_eq(run(&f, 0, &p, &m, &c), BF_ND_R_ok, "%s", bf_nd_why_name[p.why]);
	cr_expect_eq(p.proto, 17);
	cr_expect_eq(p.sport, 546);
	cr_expect_eq(p.dport, 547);
	cr_expect_eq(p.pl_off, 14 + 40 + 8);
	cr_expect_eq(p.pl_len, 32);
	cr_expect_eq(c[p.pl_off], 1, "Solicit");
	cr_expect_eq(p.hop_limit, 1);
	cr_expect_eq(bf_nd_parse(&m, &p), BF_ND_R_ignored_icmp6_type, "UDP is not ND");
	free(c);

	base_mld(&s);
	build(&f, &s);
	cr_assert_eq(run(&f, 0, &p, &m, NULL), BF_ND_R_ok, "%s", bf_nd_why_name[p.why]);
	cr_expect_eq(p.icmp_type, BF_ICMP6_MLD2_REPORT);
	cr_expect(p.router_alert);
	cr_expect_eq(p.router_alert_value, 0);
	cr_expect_eq(p.n_ext, 1);
	cr_expect_eq(p.l4_off, 14 + 40 + 8);
	cr_expect_eq(p.l4_len, 28);
}

Test(nd_parse, udp_checksum_offload_flag)
{
	struct spec s;
	struct fr f;
	struct bf_ip6_pkt p;
	struct bf_nd_msg m;

	base_udp(&s);
	build(&f, &s);
	f.b[f.l4 + 20] ^= 0xff; /* payload changed after the checksum */
	cr_expect_eq(run(&f, 0, &p, &m, NULL), BF_ND_R_drop_udp6_csum);
	cr_expect_eq(run(&f, BF_IP6_UDP_CSUM_OK, &p, &m, NULL), BF_ND_R_ok, "NIC said good");
	put16(f.b + f.l4 + 6, 0);
	cr_expect_eq(run(&f, BF_IP6_UDP_CSUM_OK, &p, &m, NULL), BF_ND_R_drop_udp6_csum_zero,
		     "zero is refused whatever the NIC says");
}

/* ---- malformed frames, one row per case, each naming its reason ------------------------------ */

enum base {
	B_NS_DAD,
	B_NS,
	B_NS_NUD,
	B_RS,
	B_RS_UNSPEC,
	B_RA,
	B_RA_DNS,
	B_NA,
	B_ECHO,
	B_UDP,
	B_MLD,
};

static void
build_base(struct spec *s, enum base b)
{
	static void (*const fn[])(struct spec *) = {
		[B_NS_DAD] = base_ns_dad, [B_NS] = base_ns,	    [B_NS_NUD] = base_ns_nud,
		[B_RS] = base_rs,	  [B_RS_UNSPEC] = base_rs_unspec, [B_RA] = base_ra,
		[B_RA_DNS] = base_ra_dns, [B_NA] = base_na,	    [B_ECHO] = base_echo,
		[B_UDP] = base_udp,	  [B_MLD] = base_mld,
	};
	fn[b](s);
}

/* Spec mutations: the frame is then built with every checksum right. */
static void
s_none(struct spec *s)
{
	(void)s;
}

static void
s_vlan(struct spec *s)
{
	s->vlan = 7;
}

static void
s_src_mac_mcast(struct spec *s)
{
	s->src_mac[0] = 0x33;
}

static void
s_ethertype_ip4(struct spec *s)
{
	s->ethertype = 0x0800;
}

static void
s_version4(struct spec *s)
{
	s->vtc = 0x40;
}

static void
s_plen_plus1(struct spec *s)
{
	s->plen_delta = 1;
}

static void
s_plen_ffff(struct spec *s)
{
	s->plen_delta = 0xffff - (int)s->l4_len - 8 * (int)s->n_ext;
}

static void
s_plen_minus1(struct spec *s)
{
	/* The packet ends a byte early; the last byte reads as padding. */
	s->plen_delta = -1;
}

static void
s_pad(struct spec *s)
{
	s->pad = 40;
}

static void
s_src_mcast(struct spec *s)
{
	ip6(s->src, "ff02::1");
}

static void
s_src_loop(struct spec *s)
{
	ip6(s->src, "::1");
}

static void
s_src_v4mapped(struct spec *s)
{
	ip6(s->src, "::ffff:192.168.2.91");
}

static void
s_dst_unspec(struct spec *s)
{
	ip6(s->dst, "::");
}

static void
s_dst_loop(struct spec *s)
{
	ip6(s->dst, "::1");
}

static void
s_dst_iflocal(struct spec *s)
{
	ip6(s->dst, "ff01::1:2"); /* seed 001's typo for ff02::1:2 */
}

static void
s_dst_scope0(struct spec *s)
{
	ip6(s->dst, "ff00::1");
}

static void
s_frag(struct spec *s)
{
	/* RFC 6980: ND in a fragment; here the first of two (M set). */
	static const uint8_t fh[6] = {0, 1, 0x12, 0x34, 0x56, 0x78};
	ext_add(s, 44, fh, sizeof(fh));
}

static void
s_atomic_frag(struct spec *s)
{
	static const uint8_t fh[6] = {0, 0, 0, 0, 0, 9};
	ext_add(s, 44, fh, sizeof(fh));
}

static const uint8_t padn6[6] = {1, 4, 0, 0, 0, 0};

static void
s_dst_then_hbh(struct spec *s)
{
	ext_add(s, 60, padn6, 6);
	ext_add(s, 0, padn6, 6);
}

static void
s_three_dstopts(struct spec *s)
{
	for (int i = 0; i < 3; i++)
		ext_add(s, 60, padn6, 6);
}

static void
s_two_routing(struct spec *s)
{
	static const uint8_t rh[6] = {0, 0, 0, 0, 0, 0}; /* type 0, segments left 0 */
	ext_add(s, 43, rh, 6);
	ext_add(s, 43, rh, 6);
}

static void
s_four_ext_ok(struct spec *s)
{
	static const uint8_t rh[6] = {4, 0, 0, 0, 0, 0}; /* SRH, segments left 0 */
	ext_add(s, 0, padn6, 6);
	ext_add(s, 60, padn6, 6);
	ext_add(s, 43, rh, 6);
	ext_add(s, 60, padn6, 6);
}

static void
s_routing_segleft(struct spec *s)
{
	static const uint8_t rh[6] = {0, 1, 0, 0, 0, 0};
	ext_add(s, 43, rh, 6);
}

static void
s_hbh_opt_overrun(struct spec *s)
{
	static const uint8_t o[6] = {1, 5, 0, 0, 0, 0}; /* PadN of 5 in 4 bytes */
	ext_add(s, 0, o, 6);
}

static void
s_hbh_opt_discard(struct spec *s)
{
	static const uint8_t o[6] = {0x80, 4, 0, 0, 0, 0}; /* unknown, "discard + ICMP" */
	ext_add(s, 0, o, 6);
}

static void
s_hbh_jumbo(struct spec *s)
{
	static const uint8_t o[6] = {0xc2, 4, 0, 1, 0, 0};
	ext_add(s, 0, o, 6);
}

static void
s_hbh_opt_skip(struct spec *s)
{
	static const uint8_t o[6] = {0x1e, 4, 0xaa, 0xbb, 0xcc, 0xdd}; /* unknown, "skip" */
	ext_add(s, 0, o, 6);
}

static void
s_hbh_ra_len3(struct spec *s)
{
	static const uint8_t o[6] = {5, 3, 0, 0, 0, 0};
	ext_add(s, 0, o, 6);
}

static void
s_dstopt_pad1s(struct spec *s)
{
	static const uint8_t o[6] = {0, 0, 0, 0, 0, 0};
	ext_add(s, 60, o, 6);
}

static void
s_no_next_header(struct spec *s)
{
	s->proto = 59;
}

static void
s_tcp(struct spec *s)
{
	s->proto = 6;
}

static void
s_esp(struct spec *s)
{
	s->proto = 50;
}

static void
s_icmp3(struct spec *s)
{
	s->l4_len = 3;
}

static void
s_udp_len7(struct spec *s)
{
	put16(s->l4 + 4, 7);
}

static void
s_udp_len_past(struct spec *s)
{
	put16(s->l4 + 4, (uint16_t)(s->l4_len + 1));
}

static void
s_udp_len_short(struct spec *s)
{
	/* UDP length below the IPv6 payload: trailing bytes ignored, as Linux does. */
	put16(s->l4 + 4, (uint16_t)(s->l4_len - 4));
}

static void
s_udp_cut7(struct spec *s)
{
	s->l4_len = 7;
}

static void
s_hop254(struct spec *s)
{
	s->hop = 254;
}

static void
s_hop64(struct spec *s)
{
	s->hop = 64;
}

static void
s_code1(struct spec *s)
{
	s->l4[1] = 1;
}

static void
s_len23(struct spec *s)
{
	s->l4_len = 23;
}

static void
s_len15(struct spec *s)
{
	s->l4_len = 15;
}

static void
s_len7(struct spec *s)
{
	s->l4_len = 7;
}

/* The first option of the message starts at the fixed part's end. */
static size_t
first_opt(const struct spec *s)
{
	switch (s->l4[0]) {
	case 133:
		return 8;
	case 134:
		return 16;
	default:
		return 24;
	}
}

static void
s_opt_len0(struct spec *s)
{
	s->l4[first_opt(s) + 1] = 0;
}

static void
s_opt_len_past(struct spec *s)
{
	s->l4[first_opt(s) + 1] = 2;
}

static void
s_opt_cut(struct spec *s)
{
	s->l4[s->l4_len++] = 14; /* one byte of a next option */
}

static void
s_opt_len_255(struct spec *s)
{
	s->l4[first_opt(s) + 1] = 255;
}

static void
s_lla_len2(struct spec *s)
{
	uint8_t o[16] = {1, 2};
	memcpy(o + 2, CLI_MAC, 6);
	s->l4_len = first_opt(s);
	l4_add(s, o, sizeof(o));
}

static void
s_tlla_len2(struct spec *s)
{
	uint8_t o[16] = {2, 2};
	memcpy(o + 2, CLI_MAC, 6);
	s->l4_len = first_opt(s);
	l4_add(s, o, sizeof(o));
}

static void
s_slla_mcast(struct spec *s)
{
	s->l4[first_opt(s) + 2] = 0x01; /* 01:54:00:12:34:56 */
}

static void
s_slla_dup(struct spec *s)
{
	static const uint8_t other[6] = {0x52, 0x54, 0, 0x99, 0x99, 0x99};
	opt_lla(s, 1, other); /* the first one wins */
}

static void
s_slla_dup_mcast(struct spec *s)
{
	opt_lla(s, 1, (const uint8_t[]){0xff, 0xff, 0xff, 0xff, 0xff, 0xff});
}

static void
s_target_mcast(struct spec *s)
{
	ip6(s->l4 + 8, "ff02::1");
}

static void
s_target_loop(struct spec *s)
{
	ip6(s->l4 + 8, "::1");
}

static void
s_target_unspec(struct spec *s)
{
	ip6(s->l4 + 8, "::");
}

static void
s_add_slla(struct spec *s)
{
	opt_lla(s, 1, CLI_MAC);
}

static void
s_dst_all_nodes(struct spec *s)
{
	ip6(s->dst, "ff02::1");
}

static void
s_dst_unicast(struct spec *s)
{
	ip6(s->dst, OUR_LL);
}

static void
s_dst_other_sn(struct spec *s)
{
	ip6(s->dst, "ff02::1:ffbf:1");
}

static void
s_na_to_all_nodes(struct spec *s)
{
	ip6(s->dst, "ff02::1");
}

static void
s_na_unsolicited_to_all_nodes(struct spec *s)
{
	ip6(s->dst, "ff02::1");
	s->l4[4] = BF_NA_F_OVERRIDE;
}

static void
s_ra_src_global(struct spec *s)
{
	ip6(s->src, OUR_GL);
}

/* RA options at fixed offsets of base_ra: prefix at 16, SLLA at 48; base_ra_dns adds
 * MTU at 56, RDNSS at 64, DNSSL at 88. */
static void
s_pi_len3(struct spec *s)
{
	s->l4[17] = 3; /* 24 bytes: the SLLA after it is read as prefix bytes */
	s->l4_len = 16 + 24;
}

static void
s_pi_plen129(struct spec *s)
{
	s->l4[18] = 129;
}

static void
s_pi_pref_gt_valid(struct spec *s)
{
	put32(s->l4 + 24, 86401);
}

static void
s_mtu_len2(struct spec *s)
{
	uint8_t o[16] = {5, 2};
	put32(o + 4, 1500);
	s->l4_len = 56;
	l4_add(s, o, sizeof(o));
}

static void
s_mtu_1000(struct spec *s)
{
	put32(s->l4 + 60, 1000);
}

static void
s_rdnss_len2(struct spec *s)
{
	uint8_t o[16] = {25, 2};
	s->l4_len = 64;
	l4_add(s, o, sizeof(o));
}

static void
s_rdnss_len1(struct spec *s)
{
	uint8_t o[8] = {25, 1};
	s->l4_len = 64;
	l4_add(s, o, sizeof(o));
}

static void
s_dnssl_label_past(struct spec *s)
{
	s->l4[88 + 8 + 8] = 9; /* "com" claims 9 bytes: past the option */
}

static void
s_dnssl_pointer(struct spec *s)
{
	s->l4[88 + 8 + 8] = 0xc0; /* a compression pointer */
}

static void
s_dnssl_pad_nonzero(struct spec *s)
{
	s->l4[88 + 23] = 1;
}

static void
s_dnssl_space(struct spec *s)
{
	s->l4[88 + 8 + 3] = ' ';
}

static void
s_dnssl_len1(struct spec *s)
{
	uint8_t o[8] = {31, 1};
	s->l4_len = 88;
	l4_add(s, o, sizeof(o));
}

static void
s_dnssl_empty(struct spec *s)
{
	memset(s->l4 + 88 + 8, 0, 16);
}

/* Frame mutations, after the checksums were computed. */
static void
f_none(struct fr *f)
{
	(void)f;
}

static void
f_len0(struct fr *f)
{
	f->len = 0;
}

static void
f_len13(struct fr *f)
{
	f->len = 13;
}

static void
f_ip39(struct fr *f)
{
	f->len = f->l3 + 39;
}

static void
f_vlan_cut(struct fr *f)
{
	f->len = 16;
}

static void
f_qinq(struct fr *f)
{
	put16(f->b + 16, 0x8100);
}

static void
f_cut_payload(struct fr *f)
{
	f->len -= 1;
}

static void
f_icmp_csum(struct fr *f)
{
	f->b[f->l4 + 3] ^= 0x40;
}

static void
f_dst_changed(struct fr *f)
{
	/* Rewritten destination, stale checksum: the pseudo header is covered. */
	f->b[f->l3 + 39] ^= 0x01;
	f->b[f->l3 + 38] ^= 0x10;
}

static void
f_udp_csum0(struct fr *f)
{
	put16(f->b + f->l4 + 6, 0);
}

static void
f_udp_csum(struct fr *f)
{
	f->b[f->l4 + 7] ^= 0x01;
}

/* What a Linux sender with tx checksum offload leaves for the hardware: the
 * pseudo header's sum alone (a veth peer hands it to us that way). */
static void
f_udp_csum_partial(struct fr *f)
{
	const uint8_t *ip = f->b + f->l3;
	put16(f->b + f->l4 + 6, ref_pseudo(ip + 8, ip + 24, get16(f->b + f->l4 + 4), 17));
}

static void
f_ext_len_past(struct fr *f)
{
	f->b[f->l3 + 40 + 1] = 200; /* first extension header claims 1608 bytes */
}

struct bad_vec {
	const char *what;
	enum base base;
	void (*spec)(struct spec *);
	void (*frame)(struct fr *);
	unsigned flags;
	enum bf_nd_why why;
};

#define OK BF_ND_R_ok
#define R(name) BF_ND_R_##name

static const struct bad_vec bad_vecs[] = {
	/* Ethernet */
	{"empty frame", B_NS, s_none, f_len0, 0, R(drop_runt)},
	{"13-byte frame", B_NS, s_none, f_len13, 0, R(drop_runt)},
	{"source MAC multicast", B_NS, s_src_mac_mcast, f_none, 0, R(drop_src_mac)},
	{"VLAN tag cut", B_NS, s_vlan, f_vlan_cut, 0, R(drop_vlan)},
	{"VLAN in VLAN", B_NS, s_vlan, f_qinq, 0, R(drop_vlan)},
	{"IPv4 ethertype", B_NS, s_ethertype_ip4, f_none, 0, R(ignored_ethertype)},
	{"VLAN NS good", B_NS, s_vlan, f_none, 0, OK},
	/* IPv6 header */
	{"IPv6 header cut at 39 bytes", B_NS, s_none, f_ip39, 0, R(drop_ip6_short)},
	{"version 4 in an IPv6 frame", B_NS, s_version4, f_none, 0, R(drop_ip6_version)},
	{"payload length one past the frame", B_NS, s_plen_plus1, f_none, 0, R(drop_ip6_len)},
	{"payload length 65535", B_RS, s_plen_ffff, f_none, 0, R(drop_ip6_len)},
	{"frame cut inside the ICMPv6 message", B_RA, s_none, f_cut_payload, 0,
	 R(drop_ip6_len)},
	{"payload length one short: checksum no longer matches", B_NS, s_plen_minus1, f_none, 0,
	 R(drop_icmp6_csum)},
	{"Ethernet padding after the packet", B_NS_DAD, s_pad, f_none, 0, OK},
	{"source multicast", B_ECHO, s_src_mcast, f_none, 0, R(drop_ip6_src)},
	{"source loopback", B_NS, s_src_loop, f_none, 0, R(drop_ip6_src)},
	{"source IPv4-mapped", B_UDP, s_src_v4mapped, f_none, 0, R(drop_ip6_src)},
	{"destination ::", B_ECHO, s_dst_unspec, f_none, 0, R(drop_ip6_dst)},
	{"destination ::1", B_NS, s_dst_loop, f_none, 0, R(drop_ip6_dst)},
	{"destination ff01::1:2 (interface-local)", B_UDP, s_dst_iflocal, f_none, 0,
	 R(drop_ip6_dst)},
	{"destination multicast scope 0", B_RS, s_dst_scope0, f_none, 0, R(drop_ip6_dst)},
	/* Extension headers */
	{"NS in a fragment (RFC 6980)", B_NS, s_frag, f_none, 0, R(drop_ip6_frag)},
	{"atomic fragment", B_UDP, s_atomic_frag, f_none, 0, R(drop_ip6_frag)},
	{"Hop-by-Hop after Destination Options", B_ECHO, s_dst_then_hbh, f_none, 0,
	 R(drop_ip6_ext)},
	{"three Destination Options headers (a loop)", B_NS, s_three_dstopts, f_none, 0,
	 R(drop_ip6_ext)},
	{"two Routing headers", B_UDP, s_two_routing, f_none, 0, R(drop_ip6_ext)},
	{"four extension headers in RFC order", B_NS, s_four_ext_ok, f_none, 0, OK},
	{"Routing header with segments left", B_ECHO, s_routing_segleft, f_none, 0,
	 R(drop_ip6_ext)},
	{"extension header length past the payload", B_ECHO, s_dstopt_pad1s, f_ext_len_past, 0,
	 R(drop_ip6_ext)},
	{"Hop-by-Hop option past its header", B_NS, s_hbh_opt_overrun, f_none, 0,
	 R(drop_ip6_ext)},
	{"unknown option that says discard", B_NS, s_hbh_opt_discard, f_none, 0,
	 R(drop_ip6_ext)},
	{"jumbo payload option", B_UDP, s_hbh_jumbo, f_none, 0, R(drop_ip6_ext)},
	{"unknown option that says skip", B_NS, s_hbh_opt_skip, f_none, 0, OK},
	{"Router Alert of length 3", B_ECHO, s_hbh_ra_len3, f_none, 0, R(drop_ip6_ext)},
	{"Destination Options of Pad1s", B_UDP, s_dstopt_pad1s, f_none, 0, OK},
	{"No Next Header", B_ECHO, s_no_next_header, f_none, 0, R(ignored_ip6_proto)},
	{"TCP", B_ECHO, s_tcp, f_none, 0, R(ignored_ip6_proto)},
	{"ESP", B_UDP, s_esp, f_none, 0, R(ignored_ip6_proto)},
	/* ICMPv6 and UDP */
	{"ICMPv6 checksum wrong", B_NS, s_none, f_icmp_csum, 0, R(drop_icmp6_csum)},
	{"ICMPv6 checksum wrong, UDP offload flag does not apply", B_RS, s_none, f_icmp_csum,
	 BF_IP6_UDP_CSUM_OK, R(drop_icmp6_csum)},
	{"destination rewritten, checksum stale", B_NA, s_none, f_dst_changed, 0,
	 R(drop_icmp6_csum)},
	{"ICMPv6 message of 3 bytes", B_ECHO, s_icmp3, f_none, 0, R(drop_icmp6_short)},
	{"UDP checksum 0", B_UDP, s_none, f_udp_csum0, 0, R(drop_udp6_csum_zero)},
	{"UDP checksum wrong", B_UDP, s_none, f_udp_csum, 0, R(drop_udp6_csum)},
	{"UDP checksum left for tx offload", B_UDP, s_none, f_udp_csum_partial, 0,
	 R(drop_udp6_csum_offload)},
	{"UDP length 7", B_UDP, s_udp_len7, f_none, 0, R(drop_udp6_len)},
	{"UDP length past the payload", B_UDP, s_udp_len_past, f_none, 0, R(drop_udp6_len)},
	{"UDP length below the payload", B_UDP, s_udp_len_short, f_none, 0, OK},
	{"UDP header cut at 7 bytes", B_UDP, s_udp_cut7, f_none, 0, R(drop_udp6_short)},
	/* Neighbor Discovery: RFC 4861 6.1.1, 6.1.2, 7.1.1, 7.1.2 */
	{"NS hop limit 254", B_NS, s_hop254, f_none, 0, R(drop_nd_hop_limit)},
	{"DAD NS hop limit 254", B_NS_DAD, s_hop254, f_none, 0, R(drop_nd_hop_limit)},
	{"RA hop limit 64", B_RA, s_hop64, f_none, 0, R(drop_nd_hop_limit)},
	{"RS hop limit 64", B_RS, s_hop64, f_none, 0, R(drop_nd_hop_limit)},
	{"NA hop limit 254", B_NA, s_hop254, f_none, 0, R(drop_nd_hop_limit)},
	{"NS code 1", B_NS, s_code1, f_none, 0, R(drop_nd_code)},
	{"RA code 1", B_RA, s_code1, f_none, 0, R(drop_nd_code)},
	{"NS of 23 bytes", B_NS_NUD, s_len23, f_none, 0, R(drop_nd_short)},
	{"NA of 23 bytes", B_NA, s_len23, f_none, 0, R(drop_nd_short)},
	{"RA of 15 bytes", B_RA, s_len15, f_none, 0, R(drop_nd_short)},
	{"RS of 7 bytes", B_RS, s_len7, f_none, 0, R(drop_nd_short)},
	{"NS option of length 0", B_NS, s_opt_len0, f_none, 0, R(drop_nd_opt)},
	{"RS option of length 0", B_RS, s_opt_len0, f_none, 0, R(drop_nd_opt)},
	{"RA option of length 0", B_RA, s_opt_len0, f_none, 0, R(drop_nd_opt)},
	{"DAD nonce of length 0", B_NS_DAD, s_opt_len0, f_none, 0, R(drop_nd_opt)},
	{"NS option past the message", B_NS, s_opt_len_past, f_none, 0, R(drop_nd_opt)},
	{"RA option of length 255", B_RA, s_opt_len_255, f_none, 0, R(drop_nd_opt)},
	{"NA option header cut", B_NA, s_opt_cut, f_none, 0, R(drop_nd_opt)},
	{"SLLA of length 2", B_NS, s_lla_len2, f_none, 0, R(drop_nd_lla)},
	{"RS SLLA of length 2", B_RS, s_lla_len2, f_none, 0, R(drop_nd_lla)},
	{"TLLA of length 2", B_NA, s_tlla_len2, f_none, 0, R(drop_nd_lla)},
	{"SLLA multicast MAC", B_NS, s_slla_mcast, f_none, 0, R(drop_nd_lla)},
	{"two SLLAs: the first wins", B_NS, s_slla_dup, f_none, 0, OK},
	{"a second SLLA that is broadcast", B_RS, s_slla_dup_mcast, f_none, 0, R(drop_nd_lla)},
	{"NS target multicast", B_NS, s_target_mcast, f_none, 0, R(drop_nd_target)},
	{"DAD NS target multicast", B_NS_DAD, s_target_mcast, f_none, 0, R(drop_nd_target)},
	{"NA target multicast", B_NA, s_target_mcast, f_none, 0, R(drop_nd_target)},
	{"NS target ::1", B_NS, s_target_loop, f_none, 0, R(drop_nd_target)},
	{"NA target ::", B_NA, s_target_unspec, f_none, 0, R(drop_nd_target)},
	{"DAD NS with SLLA", B_NS_DAD, s_add_slla, f_none, 0, R(drop_nd_unspec_slla)},
	{"RS from :: with SLLA", B_RS_UNSPEC, s_add_slla, f_none, 0, R(drop_nd_unspec_slla)},
	{"DAD NS to ff02::1", B_NS_DAD, s_dst_all_nodes, f_none, 0, R(drop_nd_dad_dst)},
	{"DAD NS to a unicast address", B_NS_DAD, s_dst_unicast, f_none, 0, R(drop_nd_dad_dst)},
	{"DAD NS to another solicited-node group", B_NS_DAD, s_dst_other_sn, f_none, 0,
	 R(drop_nd_dad_dst)},
	{"NA to ff02::1 with Solicited", B_NA, s_na_to_all_nodes, f_none, 0,
	 R(drop_nd_na_flags)},
	{"unsolicited NA to ff02::1", B_NA, s_na_unsolicited_to_all_nodes, f_none, 0, OK},
	{"RA from a global address", B_RA, s_ra_src_global, f_none, 0, R(drop_nd_ra_src)},
	{"prefix option of length 3", B_RA, s_pi_len3, f_none, 0, R(drop_nd_opt_bad)},
	{"prefix length 129", B_RA, s_pi_plen129, f_none, 0, R(drop_nd_opt_bad)},
	{"preferred lifetime above valid", B_RA, s_pi_pref_gt_valid, f_none, 0,
	 R(drop_nd_opt_bad)},
	{"MTU option of length 2", B_RA_DNS, s_mtu_len2, f_none, 0, R(drop_nd_opt_bad)},
	{"MTU 1000", B_RA_DNS, s_mtu_1000, f_none, 0, R(drop_nd_opt_bad)},
	{"RDNSS of length 2", B_RA_DNS, s_rdnss_len2, f_none, 0, R(drop_nd_opt_bad)},
	{"RDNSS of length 1 (no address)", B_RA_DNS, s_rdnss_len1, f_none, 0,
	 R(drop_nd_opt_bad)},
	{"DNSSL label past the option", B_RA_DNS, s_dnssl_label_past, f_none, 0,
	 R(drop_nd_opt_bad)},
	{"DNSSL compression pointer", B_RA_DNS, s_dnssl_pointer, f_none, 0, R(drop_nd_opt_bad)},
	{"DNSSL padding not zero", B_RA_DNS, s_dnssl_pad_nonzero, f_none, 0,
	 R(drop_nd_opt_bad)},
	{"DNSSL name with a space", B_RA_DNS, s_dnssl_space, f_none, 0, R(drop_nd_opt_bad)},
	{"DNSSL without a name", B_RA_DNS, s_dnssl_empty, f_none, 0, R(drop_nd_opt_bad)},
	{"DNSSL of length 1 (no room for a name)", B_RA_DNS, s_dnssl_len1, f_none, 0,
	 R(drop_nd_opt_bad)},
	{"RA with MTU, RDNSS, DNSSL good", B_RA_DNS, s_none, f_none, 0, OK},
	{"MLD report good", B_MLD, s_none, f_none, 0, OK},
};

Test(nd_parse, malformed_table)
{
	size_t n_bad = 0;

	for (size_t i = 0; i < sizeof(bad_vecs) / sizeof(bad_vecs[0]); i++) {
		const struct bad_vec *v = &bad_vecs[i];
		struct spec s;
		struct fr f;
		struct bf_ip6_pkt p;
		struct bf_nd_msg m;

		build_base(&s, v->base);
		v->spec(&s);
		build(&f, &s);
		v->frame(&f);
		enum bf_nd_why why = run(&f, v->flags, &p, &m, NULL);
		cr_expect_eq(why, v->why, "%s: %s, want %s", v->what, bf_nd_why_name[why],
			     bf_nd_why_name[v->why]);
		n_bad += v->why != BF_ND_R_ok;
	}
	cr_expect_geq(n_bad, 40);
}

/* Every prefix of every good frame is refused (the payload length says more), with
 * no read past the copy. */
Test(nd_parse, every_frame_truncation)
{
	for (int b = B_NS_DAD; b <= B_MLD; b++) {
		struct spec s;
		struct fr f;

		build_base(&s, (enum base)b);
		build(&f, &s);
		size_t full = f.len;
		for (size_t n = 0; n < full; n++) {
			struct bf_ip6_pkt p;
			struct bf_nd_msg m;

			f.len = n;
			cr_expect_neq(run(&f, 0, &p, &m, NULL), BF_ND_R_ok, "base %d len %zu", b,
				      n);
		}
	}
}

/* Every shorter ND message, consistently framed and summed: refused as short or as a
 * cut option, or accepted when cut exactly between options. */
Test(nd_parse, every_message_truncation)
{
	static const enum base nd[] = {B_NS_DAD, B_NS, B_RS, B_RA, B_RA_DNS, B_NA};

	for (size_t b = 0; b < sizeof(nd) / sizeof(nd[0]); b++) {
		struct spec s;

		build_base(&s, nd[b]);
		size_t full = s.l4_len, fixed = first_opt(&s);
		for (size_t n = 0; n < full; n++) {
			struct fr f;
			struct bf_ip6_pkt p;
			struct bf_nd_msg m;

			s.l4_len = n;
			build(&f, &s);
			enum bf_nd_why why = run(&f, 0, &p, &m, NULL);
			if (n < 4)
				cr_expect_eq(why, R(drop_icmp6_short), "base %d len %zu", nd[b], n);
			else if (n < fixed)
				cr_expect_eq(why, R(drop_nd_short), "base %d len %zu", nd[b], n);
			else if ((n - fixed) % 8 != 0)
				cr_expect(why == R(drop_nd_opt) || why == R(drop_nd_opt_bad) ||
						  why == R(drop_nd_lla),
					  "base %d len %zu: %s", nd[b], n, bf_nd_why_name[why]);
			else
				cr_expect(why == OK || why == R(drop_nd_opt) ||
						  why == R(drop_nd_opt_bad),
					  "base %d len %zu: %s", nd[b], n, bf_nd_why_name[why]);
		}
	}
}

/* ---- writers: exact bytes (scapy 2.5), then read back ---------------------------------------- */

/* Ether(dst="33:33:ff:bf:00:01", src=OUR_MAC)/IPv6(src="::", dst="ff02::1:ffbf:1",
 *   hlim=255)/ICMPv6ND_NS(tgt=OUR_LL) */
static const char want_dad_ns[] =
	"3333ffbf0001020000bf000186dd"
	"6000000000183aff00000000000000000000000000000000ff0200000000000000000001ffbf0001"
	"87007ba700000000"
	"fe80000000000000000000fffebf0001";

/* The same on VLAN 100 for OUR_GL, to ff02::1:ff00:1 */
static const char want_dad_ns_vlan[] =
	"3333ff000001020000bf00018100006486dd"
	"6000000000183aff00000000000000000000000000000000ff0200000000000000000001ff000001"
	"870034a700000000"
	"3ffe0501ffff01000000000000000001";

/* Ether(dst=CLI_MAC, src=OUR_MAC)/IPv6(src=OUR_LL, dst=CLI_LL, hlim=255)
 *   /ICMPv6ND_NA(R=0, S=1, O=1, tgt=OUR_LL)/ICMPv6NDOptDstLLAddr(lladdr=OUR_MAC) */
static const char want_na_reply[] =
	"525400123456020000bf000186dd"
	"6000000000203afffe80000000000000000000fffebf0001fe80000000000000505400fffe123456"
	"8800942460000000"
	"fe80000000000000000000fffebf0001"
	"0201020000bf0001";

/* Defending OUR_LL against a DAD probe: to ff02::1, R=0 S=0 O=1 */
static const char want_na_dad_defend[] =
	"333300000001020000bf000186dd"
	"6000000000203afffe80000000000000000000fffebf0001ff020000000000000000000000000001"
	"8800575e20000000"
	"fe80000000000000000000fffebf0001"
	"0201020000bf0001";

/* Unsolicited NA for OUR_GL as a router: to ff02::1, R=1 S=0 O=1 */
static const char want_na_unsol[] =
	"333300000001020000bf000186dd"
	"6000000000203aff3ffe0501ffff01000000000000000001ff020000000000000000000000000001"
	"880047dfa0000000"
	"3ffe0501ffff01000000000000000001"
	"0201020000bf0001";

/* IPv6(src=OUR_LL, dst="ff02::1", hlim=255)/ICMPv6ND_RA(chlim=64, M=1, O=1, prf=0,
 *   routerlifetime=0)/ICMPv6NDOptSrcLLAddr(OUR_MAC)/ICMPv6NDOptMTU(mtu=1500)
 *   /ICMPv6NDOptPrefixInfo(prefixlen=64, L=1, A=1, validlifetime=86400,
 *   preferredlifetime=14400, prefix="3ffe:501:ffff:100::")
 *   /ICMPv6NDOptRDNSS(lifetime=300, dns=[OUR_GL])
 *   /ICMPv6NDOptDNSSL(lifetime=300, searchlist=["example.com", "boot.example.org"]) */
/* (prf=0: scapy's default is 1, High; RFC 4191 2.2's default, and ours, is 0, Medium) */
static const char want_ra_full[] =
	"333300000001020000bf000186dd"
	"6000000000803afffe80000000000000000000fffebf0001ff020000000000000000000000000001"
	"86002af540c000000000000000000000"
	"0101020000bf0001"
	"05010000000005dc"
	"030440c00001518000003840000000003ffe0501ffff01000000000000000000"
	"190300000000012c3ffe0501ffff01000000000000000001"
	"1f0500000000012c"
	"076578616d706c6503636f6d0004626f6f74076578616d706c65036f72670000";

/* The seed notes' radvd configuration answered by unicast to CLI_LL: router lifetime 300,
 * SLLA, prefix. */
static const char want_ra_radvd[] =
	"525400123456020000bf000186dd"
	"6000000000383afffe80000000000000000000fffebf0001fe80000000000000505400fffe123456"
	"86009fdc40c0012c0000000000000000"
	"0101020000bf0001"
	"030440c00001518000003840000000003ffe0501ffff01000000000000000000";

/* IPv6(src=OUR_LL, dst="ff02::16", hlim=1)/IPv6ExtHdrHopByHop(options=[RouterAlert(value=0),
 *   PadN(optdata=b"")])/ICMPv6MLReport2(records=[ICMPv6MLDMultAddrRec(rtype=4, dst=G) for G
 *   in ff02::1:2, ff02::1:ffbf:1, ff02::1:ff00:1]) */
static const char want_mld2[] =
	"333300000016020000bf000186dd"
	"60000000004c0001fe80000000000000000000fffebf0001ff020000000000000000000000000016"
	"3a00050200000100"
	"8f006b5300000003"
	"04000000ff020000000000000000000000010002"
	"04000000ff0200000000000000000001ffbf0001"
	"04000000ff0200000000000000000001ff000001";

/* IPv6(src=OUR_LL, dst=CLI_LL, hlim=64)/ICMPv6EchoReply(id=0x4242, seq=7, data=1..10) */
static const char want_echo_reply[] =
	"525400123456020000bf000186dd"
	"6000000000123a40fe80000000000000000000fffebf0001fe80000000000000505400fffe123456"
	"8100a2cd42420007"
	"0102030405060708090a";

/* IPv6(src=OUR_LL, dst=CLI_LL, hlim=64)/UDP(sport=547, dport=546)/b"hello" */
static const char want_udp6[] =
	"525400123456020000bf000186dd"
	"60000000000d1140fe80000000000000000000fffebf0001fe80000000000000505400fffe123456"
	"02230222000d373f"
	"68656c6c6f";

static uint8_t out[2048];
static uint8_t want[2048];

/* Compare with the vector, check the upper-layer checksum with ref_sum, and return the
 * classified frame for field checks. */
static void
check_written(const char *name, size_t n, const char *hex, struct bf_ip6_pkt *p,
	      struct bf_nd_msg *m)
{
	size_t wn = unhex(want, sizeof(want), hex);

	cr_assert_eq(n, wn, "%s: length %zu want %zu", name, n, wn);
	for (size_t i = 0; i < n; i++)
		cr_expect_eq(out[i], want[i], "%s: byte %zu is %02x want %02x", name, i, out[i],
			     want[i]);
	cr_assert_neq(bf_ip6_classify(p, out, n, 0), BF_IP6_DROP, "%s: %s", name,
		      bf_nd_why_name[p->why]);
	const uint8_t *ip = out + p->l3_off;
	cr_expect_eq(ref_sum(ref_pseudo(ip + 8, ip + 24, p->l4_len, p->proto), out + p->l4_off,
			     p->l4_len),
		     0xffff, "%s: checksum (reference)", name);
	if (p->proto == 58 && p->icmp_type >= 133 && p->icmp_type <= 136)
		cr_assert_eq(bf_nd_parse(m, p), BF_ND_R_ok, "%s: %s", name,
			     bf_nd_why_name[m->why]);
}

static const struct bf_ip6_if our_if = {.mac = {0x02, 0x00, 0x00, 0xbf, 0x00, 0x01}};

Test(nd_write, dad_ns)
{
	struct bf_ip6_pkt p;
	struct bf_nd_msg m;
	uint8_t a[16];
	struct bf_ip6_if vif = our_if;

	ip6(a, OUR_LL);
	size_t n = bf_nd_ns_dad(out, sizeof(out), &our_if, a);
	check_written("dad_ns", n, want_dad_ns, &p, &m);
	cr_expect_eq(m.type, BF_ICMP6_NS);
	cr_expect_eq(p.src_kind, BF_IP6_K_UNSPEC);
	cr_expect_arr_eq(m.target, a, 16);
	cr_expect_null(m.slla);

	vif.has_vlan = true;
	vif.vlan_tci = 100;
	ip6(a, OUR_GL);
	n = bf_nd_ns_dad(out, sizeof(out), &vif, a);
	check_written("dad_ns_vlan", n, want_dad_ns_vlan, &p, &m);
	cr_expect(p.has_vlan);
	cr_expect_eq(p.vlan_tci, 100);
}

/* NA for each kind of NS: resolution (SLLA), NUD (no SLLA: the frame's source MAC),
 * and someone probing our address (to all-nodes, not Solicited). */
Test(nd_write, na_replies)
{
	struct spec s;
	struct fr f;
	struct bf_ip6_pkt p, q;
	struct bf_nd_msg m, r;
	uint8_t *c, a[16];

	base_ns(&s);
	build(&f, &s);
	cr_assert_eq(run(&f, 0, &p, &m, &c), BF_ND_R_ok);
	size_t n = bf_nd_na_reply(out, sizeof(out), &p, &m, OUR_MAC, false);
	check_written("na_reply", n, want_na_reply, &q, &r);
	cr_expect_eq(r.flags, BF_NA_F_SOLICITED | BF_NA_F_OVERRIDE);
	cr_expect_arr_eq(r.tlla, OUR_MAC, 6);
	free(c);

	base_ns_nud(&s);
	s.src_mac[5] = 0x57; /* not CLI_MAC: the reply must follow the frame */
	build(&f, &s);
	cr_assert_eq(run(&f, 0, &p, &m, &c), BF_ND_R_ok);
	n = bf_nd_na_reply(out, sizeof(out), &p, &m, OUR_MAC, true);
	cr_assert_gt(n, 0);
	cr_expect_arr_eq(out, ((uint8_t[]){0x52, 0x54, 0, 0x12, 0x34, 0x57}), 6);
	cr_assert_eq(bf_ip6_classify(&q, out, n, 0), BF_IP6_ICMP6);
	cr_assert_eq(bf_nd_parse(&r, &q), BF_ND_R_ok);
	cr_expect_eq(r.flags, BF_NA_F_ROUTER | BF_NA_F_SOLICITED | BF_NA_F_OVERRIDE);
	free(c);

	base_ns_dad(&s);
	ip6(s.dst, "ff02::1:ffbf:1");
	s.dst_mac[3] = 0xbf;
	s.dst_mac[4] = 0;
	s.dst_mac[5] = 1;
	ip6(s.l4 + 8, OUR_LL);
	build(&f, &s);
	cr_assert_eq(run(&f, 0, &p, &m, &c), BF_ND_R_ok, "%s", bf_nd_why_name[m.why]);
	n = bf_nd_na_reply(out, sizeof(out), &p, &m, OUR_MAC, false);
	check_written("na_dad_defend", n, want_na_dad_defend, &q, &r);
	cr_expect_eq(r.flags, BF_NA_F_OVERRIDE);
	ip6(a, OUR_LL);
	cr_expect_arr_eq(r.target, a, 16);
	free(c);

	/* Not an NS: nothing is written. */
	base_na(&s);
	build(&f, &s);
	cr_assert_eq(run(&f, 0, &p, &m, &c), BF_ND_R_ok);
	cr_expect_eq(bf_nd_na_reply(out, sizeof(out), &p, &m, OUR_MAC, false), 0);
	free(c);
}

Test(nd_write, na_unsolicited)
{
	struct bf_ip6_pkt p;
	struct bf_nd_msg m;
	uint8_t a[16];

	ip6(a, OUR_GL);
	size_t n = bf_nd_na_unsolicited(out, sizeof(out), &our_if, a, true);
	check_written("na_unsol", n, want_na_unsol, &p, &m);
	cr_expect_eq(m.flags, BF_NA_F_ROUTER | BF_NA_F_OVERRIDE);
	cr_expect_eq(p.dst_kind, BF_IP6_K_MCAST | BF_IP6_K_ALLNODES);
}

static void
full_conf(struct bf_ra_conf *c)
{
	memset(c, 0, sizeof(*c));
	c->cur_hop_limit = 64;
	c->managed = true;
	c->other = true;
	c->mtu = 1500;
	c->n_prefix = 1;
	ip6(c->prefix[0].prefix, "3ffe:501:ffff:100::");
	c->prefix[0].len = 64;
	c->prefix[0].on_link = true;
	c->prefix[0].autonomous = true;
	c->prefix[0].valid = 86400;
	c->prefix[0].preferred = 14400;
	c->rdnss_lifetime = 300;
	c->n_rdnss = 1;
	ip6(c->rdnss[0], OUR_GL);
	c->dnssl_lifetime = 300;
	c->n_dnssl = 2;
	strcpy(c->dnssl[0], "example.com");
	strcpy(c->dnssl[1], "boot.example.org.");
}

Test(nd_write, ra_full)
{
	static struct bf_ra_conf c;
	struct bf_ip6_pkt p;
	struct bf_nd_msg m;
	uint8_t src[16], dst[16], a[16];
	char name[BF_DNS_NAME_MAX + 1];
	size_t off = 0;

	full_conf(&c);
	cr_expect_null(bf_ra_conf_check(&c, 30, 100));
	ip6(src, OUR_LL);
	ip6(dst, "ff02::1");
	size_t n = bf_ra_write(out, sizeof(out), &our_if, src, dst, NULL, &c);
	check_written("ra_full", n, want_ra_full, &p, &m);
	/* rdisc6-style field by field */
	cr_expect_eq(m.cur_hop_limit, 64);
	cr_expect_eq(m.flags, BF_RA_F_MANAGED | BF_RA_F_OTHER);
	cr_expect_eq(m.router_lifetime, 0);
	cr_expect_arr_eq(m.slla, OUR_MAC, 6);
	cr_expect_eq(m.mtu, 1500);
	cr_expect_eq(m.n_prefix, 1);
	cr_expect_arr_eq(m.prefix[0].prefix, c.prefix[0].prefix, 16);
	cr_expect_eq(m.prefix[0].len, 64);
	cr_expect(m.prefix[0].on_link && m.prefix[0].autonomous);
	cr_expect_eq(m.prefix[0].valid, 86400);
	cr_expect_eq(m.prefix[0].preferred, 14400);
	cr_expect_eq(m.n_rdnss, 1);
	ip6(a, OUR_GL);
	cr_expect_arr_eq(m.rdnss[0], a, 16);
	cr_expect_eq(m.rdnss_lifetime, 300);
	cr_expect_eq(m.dnssl_lifetime, 300);
	cr_expect_eq(bf_nd_dnssl_next(m.dnssl, m.dnssl_len, &off, name), 1);
	cr_expect_str_eq(name, "example.com");
	cr_expect_eq(bf_nd_dnssl_next(m.dnssl, m.dnssl_len, &off, name), 1);
	cr_expect_str_eq(name, "boot.example.org");
	cr_expect_eq(bf_nd_dnssl_next(m.dnssl, m.dnssl_len, &off, name), 0);

	/* The cached message alone is the frame's ICMPv6 part with a zero checksum. */
	uint8_t msg[512];
	size_t mn = bf_ra_build(msg, sizeof(msg), &c, OUR_MAC);
	cr_assert_eq(mn, n - 54);
	cr_expect_eq(get16(msg + 2), 0);
	cr_expect_arr_eq(msg + 4, out + 58, mn - 4);
	/* And bf_icmp6_write wraps it into the same frame. */
	struct bf_ip6_tx t = {.hop_limit = 255};
	memcpy(t.src_mac, OUR_MAC, 6);
	bf_ip6_mcast_mac(t.dst_mac, dst);
	memcpy(t.src, src, 16);
	memcpy(t.dst, dst, 16);
	uint8_t again[512];
	cr_assert_eq(bf_icmp6_write(again, sizeof(again), &t, msg, mn), n);
	cr_expect_arr_eq(again, out, n);
}

Test(nd_write, ra_radvd_unicast)
{
	static struct bf_ra_conf c;
	struct bf_ip6_pkt p;
	struct bf_nd_msg m;
	uint8_t src[16], dst[16];

	memset(&c, 0, sizeof(c));
	c.cur_hop_limit = 64;
	c.managed = c.other = true;
	c.router_lifetime = 300;
	c.n_prefix = 1;
	/* Bits past the prefix length are cleared on the wire (RFC 4861 4.6.2). */
	ip6(c.prefix[0].prefix, "3ffe:501:ffff:100:dead:beef::1");
	c.prefix[0].len = 64;
	c.prefix[0].on_link = c.prefix[0].autonomous = true;
	c.prefix[0].valid = 86400;
	c.prefix[0].preferred = 14400;
	cr_expect_null(bf_ra_conf_check(&c, 30, 100));
	ip6(src, OUR_LL);
	ip6(dst, CLI_LL);
	cr_expect_eq(bf_ra_write(out, sizeof(out), &our_if, src, dst, NULL, &c), 0,
		     "unicast needs a MAC");
	size_t n = bf_ra_write(out, sizeof(out), &our_if, src, dst, CLI_MAC, &c);
	check_written("ra_radvd", n, want_ra_radvd, &p, &m);
	cr_expect_eq(m.router_lifetime, 300);

	/* No SLLA when asked (RFC 4861 4.2), and odd prefix lengths masked. */
	c.no_slla = true;
	c.prefix[0].len = 61;
	ip6(c.prefix[0].prefix, "3ffe:501:ffff:1ff:1::");
	n = bf_ra_write(out, sizeof(out), &our_if, src, dst, CLI_MAC, &c);
	cr_assert_eq(n, 54 + 16 + 32);
	cr_assert_neq(bf_ip6_classify(&p, out, n, 0), BF_IP6_DROP);
	cr_assert_eq(bf_nd_parse(&m, &p), BF_ND_R_ok);
	cr_expect_null(m.slla);
	cr_expect_eq(m.prefix[0].len, 61);
	cr_expect_eq(m.prefix[0].prefix[6], 0x01);
	cr_expect_eq(m.prefix[0].prefix[7], 0xf8, "ff & f8");
	cr_expect_eq(m.prefix[0].prefix[9], 0x00, "past the length");
	c.prefix[0].len = 60;
	ip6(c.prefix[0].prefix, "3ffe:501:ffff:10f::");
	n = bf_ra_write(out, sizeof(out), &our_if, src, dst, CLI_MAC, &c);
	cr_assert_neq(bf_ip6_classify(&p, out, n, 0), BF_IP6_DROP);
	cr_assert_eq(bf_nd_parse(&m, &p), BF_ND_R_ok);
	cr_expect_eq(m.prefix[0].prefix[6], 0x01);
	cr_expect_eq(m.prefix[0].prefix[7], 0x00, "0f & f0");
}

Test(nd_write, mld2_report)
{
	struct bf_ip6_pkt p;
	struct bf_nd_msg m;
	uint8_t src[16], addrs[3][16], groups[8][16];

	ip6(src, OUR_LL);
	ip6(addrs[0], OUR_LL);
	ip6(addrs[1], OUR_GL);
	ip6(addrs[2], "fe80::1:ff:febf:1"); /* same low 24 bits as addrs[0] */
	unsigned ng = bf_mld2_groups(groups, 8, true, (const uint8_t(*)[16])addrs, 3);
	cr_assert_eq(ng, 3, "duplicates removed");
	size_t n = bf_mld2_report(out, sizeof(out), &our_if, src, BF_MLD2_CHANGE_TO_EXCLUDE,
				  (const uint8_t(*)[16])groups, ng);
	check_written("mld2", n, want_mld2, &p, &m);
	cr_expect_eq(p.hop_limit, 1);
	cr_expect(p.router_alert);
	cr_expect_eq(p.router_alert_value, 0);
	cr_expect_eq(p.icmp_type, BF_ICMP6_MLD2_REPORT);
	cr_expect_eq(get16(out + p.l4_off + 6), 3);

	/* MODE_IS_EXCLUDE for a query answer; from :: before we have an address. */
	ip6(src, "::");
	n = bf_mld2_report(out, sizeof(out), &our_if, src, BF_MLD2_MODE_IS_EXCLUDE,
			   (const uint8_t(*)[16])groups, 1);
	cr_assert_eq(n, 14 + 40 + 8 + 8 + 20);
	cr_assert_eq(bf_ip6_classify(&p, out, n, 0), BF_IP6_ICMP6, "%s", bf_nd_why_name[p.why]);
	cr_expect_eq(out[p.l4_off + 8], 2);
	cr_expect_eq(bf_mld2_report(out, sizeof(out), &our_if, src, 2,
				    (const uint8_t(*)[16])groups, 0),
		     0, "no groups, no report");
}

Test(nd_write, mld2_groups)
{
	uint8_t addrs[4][16], g[4][16], w[16];

	ip6(addrs[0], "::");
	ip6(addrs[1], "ff02::1");
	ip6(addrs[2], OUR_GL);
	ip6(addrs[3], CLI_LL);
	cr_expect_eq(bf_mld2_groups(g, 4, false, (const uint8_t(*)[16])addrs, 4), 2,
		     ":: and multicast have no solicited-node group");
	ip6(w, "ff02::1:ff00:1");
	cr_expect_arr_eq(g[0], w, 16);
	ip6(w, "ff02::1:ff12:3456");
	cr_expect_arr_eq(g[1], w, 16);
	cr_expect_eq(bf_mld2_groups(g, 1, true, (const uint8_t(*)[16])addrs, 4), 1, "max");
	ip6(w, "ff02::1:2");
	cr_expect_arr_eq(g[0], w, 16);
	cr_expect_eq(bf_mld2_groups(g, 0, true, (const uint8_t(*)[16])addrs, 4), 0);
}

Test(nd_write, echo_reply_inplace)
{
	struct spec s;
	struct fr f;
	struct bf_ip6_pkt p, q;
	struct bf_nd_msg m;
	uint8_t *c, ours[16];
	size_t n = 0;

	ip6(ours, OUR_LL);
	base_echo(&s);
	build(&f, &s);
	cr_assert_eq(run(&f, 0, &p, &m, &c), BF_ND_R_ok);
	cr_assert_eq(bf_icmp6_echo_reply_inplace(c, &p, OUR_MAC, ours, &n), 0);
	memcpy(out, c, n);
	check_written("echo_reply", n, want_echo_reply, &q, &m);
	free(c);

	/* Extension headers and padding are left out of the reply: the same bytes. */
	base_echo(&s);
	s_four_ext_ok(&s);
	s.pad = 30;
	build(&f, &s);
	cr_assert_eq(run(&f, 0, &p, &m, &c), BF_ND_R_ok);
	cr_assert_eq(bf_icmp6_echo_reply_inplace(c, &p, OUR_MAC, ours, &n), 0);
	memcpy(out, c, n);
	check_written("echo_reply_ext", n, want_echo_reply, &q, &m);
	free(c);

	/* Not a request; a request from :: (no one to answer). */
	base_na(&s);
	build(&f, &s);
	cr_assert_eq(run(&f, 0, &p, &m, &c), BF_ND_R_ok);
	cr_expect_eq(bf_icmp6_echo_reply_inplace(c, &p, OUR_MAC, ours, &n), -1);
	free(c);
	base_echo(&s);
	ip6(s.src, "::");
	build(&f, &s);
	cr_assert_eq(run(&f, 0, &p, &m, &c), BF_ND_R_ok);
	cr_expect_eq(bf_icmp6_echo_reply_inplace(c, &p, OUR_MAC, ours, &n), -1);
	free(c);
}

Test(nd_write, udp6_header)
{
	struct spec s;
	struct fr f;
	struct bf_ip6_pkt p, q;
	struct bf_nd_msg m;
	struct bf_udp6_addr a;
	uint8_t ours[16];

	ip6(ours, OUR_LL);
	base_udp(&s);
	build(&f, &s);
	cr_assert_eq(run(&f, 0, &p, &m, NULL), BF_ND_R_ok);
	/* A reply goes to the client's link-local address, not to the group. */
	bf_udp6_addr_reply(&a, &p, OUR_MAC, ours);
	ip6(a.dst, CLI_LL);
	cr_assert_eq(bf_udp6_hdr_len(&a), 62);
	memcpy(out + 62, "hello", 5);
	bf_udp6_hdr_write(out, &a, 5, bf_csum_add(0, out + 62, 5));
	check_written("udp6", 67, want_udp6, &q, &m);
	cr_expect_eq(q.sport, 547);
	cr_expect_eq(q.dport, 546);
	cr_expect_eq(q.pl_len, 5);

	/* A payload whose checksum comes out 0 is sent as 0xffff (RFC 8200 8.1). Choose
	 * two payload bytes that make the sum exactly 0xffff. */
	uint8_t pl[2] = {0, 0};
	bf_udp6_hdr_write(out, &a, 2, 0);
	uint16_t c0 = get16(out + 62 - 2); /* the checksum with a zero payload */
	put16(pl, c0);
	memcpy(out + 62, pl, 2);
	bf_udp6_hdr_write(out, &a, 2, bf_csum_add(0, pl, 2));
	cr_expect_eq(get16(out + 60), 0xffff);
	cr_expect_eq(bf_ip6_classify(&q, out, 64, 0), BF_IP6_UDP6, "%s", bf_nd_why_name[q.why]);
}

/* Each writer refuses a buffer one byte short and fills one of exactly its size. */
Test(nd_write, capacity)
{
	static struct bf_ra_conf c;
	uint8_t a[16], src[16], dst[16], g[1][16];
	uint8_t small[256];

	ip6(a, OUR_LL);
	ip6(src, OUR_LL);
	ip6(dst, "ff02::1");
	ip6(g[0], "ff02::1:2");
	full_conf(&c);
	for (int w = 0; w < 4; w++) {
		size_t full = 0, n;
		for (size_t cap = 0; cap <= sizeof(out); cap++) {
			switch (w) {
			case 0:
				n = bf_nd_ns_dad(out, cap, &our_if, a);
				break;
			case 1:
				n = bf_nd_na_unsolicited(out, cap, &our_if, a, false);
				break;
			case 2:
				n = bf_ra_write(out, cap, &our_if, src, dst, NULL, &c);
				break;
			default:
				n = bf_mld2_report(out, cap, &our_if, src, 4,
						   (const uint8_t(*)[16])g, 1);
				break;
			}
			if (n) {
				full = cap;
				cr_expect_eq(n, cap, "writer %d: first fit is exact", w);
				break;
			}
		}
		cr_expect_gt(full, 0, "writer %d never fit", w);
	}
	cr_expect_eq(bf_ra_build(small, 16 + 8 + 8 + 32 + 24 + 39, &c, OUR_MAC), 0);
	cr_expect_eq(bf_ra_build(small, 16 + 8 + 8 + 32 + 24 + 40, &c, OUR_MAC), 128);
	cr_expect_eq(bf_icmp6_write(small, sizeof(small), &(struct bf_ip6_tx){0}, small, 3), 0,
		     "shorter than an ICMPv6 header");
}

/* ---- RA configuration and DNSSL names -------------------------------------------------------- */

Test(nd_ra, conf_check)
{
	static struct bf_ra_conf c;
	static const char l64[] = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
				  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";

	full_conf(&c);
	cr_expect_null(bf_ra_conf_check(&c, 30, 100));
	cr_expect_null(bf_ra_conf_check(&c, 3, 4));
	cr_expect_null(bf_ra_conf_check(&c, 75, 100));
	cr_expect_null(bf_ra_conf_check(&c, 198, 600), "the RFC 4861 defaults");
	cr_expect_not_null(bf_ra_conf_check(&c, 3, 3), "Max below 4");
	cr_expect_not_null(bf_ra_conf_check(&c, 30, 1801), "Max above 1800");
	cr_expect_not_null(bf_ra_conf_check(&c, 2, 100), "Min below 3");
	cr_expect_not_null(bf_ra_conf_check(&c, 76, 100), "Min above 0.75 Max");
	c.router_lifetime = 300;
	cr_expect_null(bf_ra_conf_check(&c, 30, 100));
	c.router_lifetime = 99;
	cr_expect_not_null(bf_ra_conf_check(&c, 30, 100), "lifetime below Max");
	c.router_lifetime = 9001;
	cr_expect_not_null(bf_ra_conf_check(&c, 30, 100), "lifetime above 9000");
	c.router_lifetime = 9000;
	cr_expect_null(bf_ra_conf_check(&c, 30, 100));
	c.reachable_time = 3600001;
	cr_expect_not_null(bf_ra_conf_check(&c, 30, 100), "reachable time");
	full_conf(&c);
	c.mtu = 1279;
	cr_expect_not_null(bf_ra_conf_check(&c, 30, 100), "MTU");
	full_conf(&c);
	c.prefix[0].len = 129;
	cr_expect_not_null(bf_ra_conf_check(&c, 30, 100), "prefix length");
	full_conf(&c);
	c.prefix[0].preferred = 86401;
	cr_expect_not_null(bf_ra_conf_check(&c, 30, 100), "preferred > valid");
	full_conf(&c);
	ip6(c.rdnss[0], "ff02::fb");
	cr_expect_not_null(bf_ra_conf_check(&c, 30, 100), "RDNSS multicast");
	full_conf(&c);
	c.n_rdnss = BF_RA_MAX_RDNSS + 1;
	cr_expect_not_null(bf_ra_conf_check(&c, 30, 100), "too many RDNSS");
	cr_expect_eq(bf_ra_build(out, sizeof(out), &c, OUR_MAC), 0);
	full_conf(&c);
	c.n_prefix = BF_RA_MAX_PREFIX + 1;
	cr_expect_not_null(bf_ra_conf_check(&c, 30, 100), "too many prefixes");
	cr_expect_eq(bf_ra_build(out, sizeof(out), &c, OUR_MAC), 0);
	full_conf(&c);
	c.n_dnssl = BF_RA_MAX_DNSSL + 1;
	cr_expect_not_null(bf_ra_conf_check(&c, 30, 100), "too many names");
	cr_expect_eq(bf_ra_build(out, sizeof(out), &c, OUR_MAC), 0);
	full_conf(&c);
	c.prefix[0].len = 129;
	cr_expect_eq(bf_ra_build(out, sizeof(out), &c, OUR_MAC), 0, "prefix length 129");

	static const char *const bad_names[] = {"", ".", "a..b", ".a", "a b", "a\x01.b", l64,
						"example..", "a\x7f"};
	for (size_t i = 0; i < sizeof(bad_names) / sizeof(bad_names[0]); i++) {
		full_conf(&c);
		strcpy(c.dnssl[1], bad_names[i]);
		cr_expect_not_null(bf_ra_conf_check(&c, 30, 100), "name \"%s\"", bad_names[i]);
		cr_expect_eq(bf_ra_build(out, sizeof(out), &c, OUR_MAC), 0, "name \"%s\"",
			     bad_names[i]);
	}
	full_conf(&c);
	strcpy(c.dnssl[1], l64 + 1); /* 63 is fine */
	cr_expect_null(bf_ra_conf_check(&c, 30, 100));
	memset(c.dnssl[1], 'a', sizeof(c.dnssl[1])); /* not terminated */
	cr_expect_not_null(bf_ra_conf_check(&c, 30, 100));

	/* Too large for 1280 bytes: eight prefixes, eight servers, eight long names. */
	full_conf(&c);
	c.n_prefix = 8;
	c.n_rdnss = 8;
	c.n_dnssl = 4;
	for (int i = 0; i < 8; i++) {
		c.prefix[i] = c.prefix[0];
		memcpy(c.rdnss[i], c.rdnss[0], 16);
	}
	for (int i = 0; i < 4; i++) {
		/* 63.63.63.61 = 253 characters */
		memset(c.dnssl[i], 'b', 253);
		c.dnssl[i][63] = c.dnssl[i][127] = c.dnssl[i][191] = '.';
		c.dnssl[i][253] = '\0';
	}
	cr_expect_not_null(bf_ra_conf_check(&c, 30, 100), "too large");
	c.n_dnssl = 2;
	cr_expect_null(bf_ra_conf_check(&c, 30, 100));
}

/* The DNSSL length field counts 8-byte units in one byte: 8 names of 253 characters
 * (2048 bytes with the header) cannot be expressed and must not wrap around. */
Test(nd_ra, dnssl_length_field_limit)
{
	static struct bf_ra_conf c;
	static uint8_t big[4096];

	memset(&c, 0, sizeof(c));
	c.n_dnssl = 8;
	for (int i = 0; i < 8; i++) {
		memset(c.dnssl[i], 'c', 253);
		c.dnssl[i][63] = c.dnssl[i][127] = c.dnssl[i][191] = '.';
		c.dnssl[i][253] = '\0';
	}
	cr_expect_eq(bf_ra_build(big, sizeof(big), &c, NULL), 0);
	c.n_dnssl = 7; /* 8 + 7 * 255 = 1793 -> 1800 bytes, 225 units */
	size_t n = bf_ra_build(big, sizeof(big), &c, NULL);
	cr_assert_eq(n, 16 + 1800);
	cr_expect_eq(big[16], 31);
	cr_expect_eq(big[17], 225);
}

Test(nd_ra, dnssl_next)
{
	static const struct {
		const char *hex;
		int rc[3];
		const char *names[2];
	} v[] = {
		{"076578616d706c6503636f6d00", {1, 0, 0}, {"example.com"}},
		{"076578616d706c6503636f6d00000000", {1, 0, 0}, {"example.com"}},
		{"0161000162000000", {1, 1, 0}, {"a", "b"}},
		{"0000000000000000", {0, 0, 0}, {0}},
		{"", {0, 0, 0}, {0}},
		{"076578616d706c65", {-1}, {0}},           /* no terminating zero */
		{"0965786100", {-1}, {0}},                 /* label past the end */
		{"c00c", {-1}, {0}},                       /* compression pointer */
		{"4000", {-1}, {0}},                       /* 64-byte label */
		{"016100000001", {1, -1}, {"a"}},          /* garbage after padding */
		{"03612e6200", {-1}, {0}},                 /* a dot inside a label */
		{"0361006200", {-1}, {0}},                 /* NUL inside a label */
	};
	uint8_t b[64];
	char name[BF_DNS_NAME_MAX + 1];

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		size_t n = unhex(b, sizeof(b), v[i].hex), off = 0;
		for (int k = 0; k < 3; k++) {
			int rc = bf_nd_dnssl_next(b, n, &off, name);
			cr_expect_eq(rc, v[i].rc[k], "row %zu call %d: %d", i, k, rc);
			if (rc == 1 && v[i].rc[k] == 1)
				cr_expect_str_eq(name, v[i].names[k], "row %zu", i);
			if (rc != 1)
				break;
		}
	}
	/* 253 characters fit; 254 do not. */
	uint8_t longname[300];
	size_t o = 0, off = 0;
	for (int l = 0; l < 4; l++) {
		size_t len = l < 3 ? 63 : 61;
		longname[o++] = (uint8_t)len;
		memset(longname + o, 'd', len);
		o += len;
	}
	longname[o++] = 0;
	cr_expect_eq(bf_nd_dnssl_next(longname, o, &off, name), 1);
	cr_expect_eq(strlen(name), 253);
	/* labels at 0, 64, 128 and 192: one more byte in the last one makes 254 */
	longname[192] = 62;
	longname[192 + 62] = 'd';
	longname[192 + 63] = 0;
	off = 0;
	cr_expect_eq(bf_nd_dnssl_next(longname, o + 1, &off, name), -1);
	off = 5;
	cr_expect_eq(bf_nd_dnssl_next(longname, 4, &off, name), -1, "offset past the end");
}

/* ---- timing (RFC 4861 6.2.4, 6.2.6) --------------------------------------------------------- */

Test(nd_timing, unsolicited_interval)
{
	/* The seed's radvd: 30..100 s. */
	cr_expect_eq(bf_ra_interval_ms(30000, 100000, 5, 0), 30000);
	cr_expect_eq(bf_ra_interval_ms(30000, 100000, 5, 0xffffffffu), 100000);
	cr_expect_eq(bf_ra_interval_ms(30000, 100000, 5, 0x80000000u), 65000);
	/* The first three are at most 16 s apart (the one just sent is counted). */
	for (unsigned k = 0; k < 3; k++)
		cr_expect_eq(bf_ra_interval_ms(30000, 100000, k, 0xffffffffu), 16000, "n %u", k);
	cr_expect_eq(bf_ra_interval_ms(30000, 100000, 3, 0xffffffffu), 100000);
	cr_expect_eq(bf_ra_interval_ms(3000, 4000, 0, 0xffffffffu), 4000, "already fast");
	cr_expect_eq(bf_ra_interval_ms(5000, 5000, 9, 12345), 5000);
	cr_expect_eq(bf_ra_interval_ms(9000, 5000, 9, 0), 5000, "min > max: max");
	cr_expect_eq(bf_ra_interval_ms(0, 0xffffffffu, 9, 0xffffffffu), 0xffffffffu);

	/* Uniform and monotone over the random input, always inside [min, max]. */
	uint32_t prev = 0, lo = 0xffffffffu, hi = 0;
	for (uint64_t r = 0; r <= 0xffffffffu; r += 0x10000) {
		uint32_t t = bf_ra_interval_ms(198000, 600000, 10, (uint32_t)r);
		cr_assert(t >= 198000 && t <= 600000, "%u", t);
		cr_assert_geq(t, prev);
		prev = t;
		lo = t < lo ? t : lo;
		hi = t > hi ? t : hi;
	}
	cr_expect_eq(lo, 198000);
	cr_expect_geq(hi, 599990);
}

Test(nd_timing, rs_answer)
{
	cr_expect_eq(bf_ra_delay_ms(0), 0);
	cr_expect_eq(bf_ra_delay_ms(0xffffffffu), 500);
	cr_expect_eq(bf_ra_delay_ms(0x80000000u), 250);

	/* Nothing sent recently, next periodic RA far away: now + delay. */
	cr_expect_eq(bf_ra_rs_answer_at(10000, 200000, false, 0, 0), 10000);
	cr_expect_eq(bf_ra_rs_answer_at(10000, 200000, false, 0, 0xffffffffu), 10500);
	cr_expect_eq(bf_ra_rs_answer_at(10000, 200000, true, 6999, 0xffffffffu), 10500,
		     "last RA 3.001 s ago");
	cr_expect_eq(bf_ra_rs_answer_at(10000, 200000, true, 7000, 0x80000000u), 10250,
		     "last RA exactly 3 s ago");
	/* The scheduled RA comes first: it answers. */
	cr_expect_eq(bf_ra_rs_answer_at(10000, 10200, false, 0, 0xffffffffu), 10200);
	/* Rate limit: last multicast RA 1 s ago -> 3 s after it, plus the delay. */
	cr_expect_eq(bf_ra_rs_answer_at(10000, 200000, true, 9000, 0), 12000);
	cr_expect_eq(bf_ra_rs_answer_at(10000, 200000, true, 9000, 0xffffffffu), 12500);
	cr_expect_eq(bf_ra_rs_answer_at(10000, 11000, true, 9000, 0), 11000);
	/* A flood of RSs, one per ms, never brings two multicast RAs within 3 s. */
	uint64_t last = 0, next = 600000;
	bool have = false, pending = false;
	unsigned sent = 0;
	for (uint64_t now = 0; now < 60000; now++) {
		if (now >= next) {
			cr_assert(!have || now - last >= 3000, "RA at %llu after %llu",
				  (unsigned long long)now, (unsigned long long)last);
			last = now;
			have = true;
			sent++;
			next = now + 600000;
			pending = false;
		}
		if (pending)
			continue; /* the delay counts from the first RS */
		uint64_t t = bf_ra_rs_answer_at(now, next, have, last,
						(uint32_t)(now * 2654435761u));
		cr_assert_geq(t, now);
		cr_assert_leq(t, next);
		next = t;
		pending = true;
	}
	cr_expect_geq(sent, 15);
	cr_expect_leq(sent, 20);
}

/* ---- reasons --------------------------------------------------------------------------------- */

Test(nd_why, names)
{
	for (int i = 0; i < BF_ND_R__COUNT; i++) {
		const char *n = bf_nd_why_name[i];
		cr_assert_not_null(n);
		cr_expect(strncmp(n, "drop_", 5) == 0 || strncmp(n, "ignored_", 8) == 0 ||
				  i == BF_ND_R_ok,
			  "%s", n);
		cr_expect_gt(strlen(bf_nd_why_help[i]), 5);
		/* Names already in bf_counters.def mean the same thing there. */
		for (int j = 0; j < BF_CTR__COUNT; j++)
			if (strcmp(n, bf_ctr_name[j]) == 0)
				cr_expect_str_eq(bf_nd_why_help[i], bf_ctr_help[j], "%s", n);
	}
	cr_expect_str_eq(bf_nd_why_name[BF_ND_R_drop_nd_hop_limit], "drop_nd_hop_limit");
}
