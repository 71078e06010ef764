/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target for the IPv6 / ICMPv6 / ND / RA / MLDv2 codec (bf_nd.h). Classifies
 * the input with and without the UDP offload flag, then does what the data path and
 * control thread would do with it and checks the result reads back:
 *   - every verdict is ok or a named drop_/ignored_ reason; offsets stay in the frame;
 *     an accepted ICMPv6/UDP checksum verifies with an independent sum;
 *   - NS: the NA answer and a DAD probe for its target parse as valid ND with the
 *     right flags, addresses and link-layer option;
 *   - RS: an RA answer (multicast, and unicast when the RS has a source) parses
 *     back field by field;
 *   - RA: every decoded field obeys the parser's rules, and the RA rebuilt from them
 *     by bf_ra_build parses back to the same fields;
 *   - echo request: the in-place reply classifies as an echo reply;
 *   - UDP: a reply echoing the payload classifies with ports swapped;
 *   - an MLDv2 report for the packet's addresses classifies with its Router Alert.
 * Inputs whose only fault is the ICMPv6/UDP checksum are run again with it fixed.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bf_csum.h"
#include "bf_nd.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

#define check(x) check_at((x), __LINE__)

static void
check_at(int ok, int line)
{
	if (!ok) {
		fprintf(stderr, "fuzz_nd: check failed at line %d\n", line);
		abort();
	}
}

static const uint8_t our_mac[6] = {0x02, 0x00, 0x00, 0xbf, 0x00, 0x01};
static const uint8_t our_ll[16] = {0xfe, 0x80, [11] = 0xff, 0xfe, 0xbf, 0x00, 0x01};
static const uint8_t all_nodes[16] = {0xff, 0x02, [15] = 1};

/* Large buffers off the stack; the harness is single-threaded. */
static uint8_t out[4096];
static struct bf_ra_conf conf;

/* RFC 1071 sum, a byte at a time: not the library's code. */
static uint32_t
ref_add(uint32_t s, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		s += (i % 2 == 0) ? (uint32_t)p[i] << 8 : p[i];
		s = (s & 0xffff) + (s >> 16);
	}
	return s;
}

static int
ref_csum_ok(const uint8_t *src, const uint8_t *dst, uint8_t nh, const uint8_t *l4, size_t len)
{
	uint8_t ph[8] = {(uint8_t)(len >> 24), (uint8_t)(len >> 16), (uint8_t)(len >> 8),
			 (uint8_t)len, 0, 0, 0, nh};
	uint32_t s = ref_add(0, src, 16);

	s = ref_add(s, dst, 16);
	s = ref_add(s, ph, 8);
	s = ref_add(s, l4, len);
	return (uint16_t)s == 0xffff;
}

static int
in_frame(const uint8_t *p, size_t len, const uint8_t *d, size_t n)
{
	return p >= d && (size_t)(p - d) <= n && len <= n - (size_t)(p - d);
}

static void
reparse(const uint8_t *f, size_t len, struct bf_ip6_pkt *q, struct bf_nd_msg *m)
{
	enum bf_ip6_class k = bf_ip6_classify(q, f, len, 0);
	if (k != BF_IP6_ICMP6)
		fprintf(stderr, "fuzz_nd: written frame dropped: %s\n", bf_nd_why_name[q->why]);
	check(k == BF_IP6_ICMP6);
	enum bf_nd_why why = bf_nd_parse(m, q);
	if (why != BF_ND_R_ok)
		fprintf(stderr, "fuzz_nd: written ND refused: %s\n", bf_nd_why_name[why]);
	check(why == BF_ND_R_ok);
}

static void
do_ns(const struct bf_ip6_pkt *p, const struct bf_nd_msg *ns)
{
	struct bf_ip6_pkt q;
	struct bf_nd_msg m;
	bool dad = p->src_kind & BF_IP6_K_UNSPEC;
	uint8_t target[16], sn[16];

	memcpy(target, ns->target, 16);
	check(!(bf_ip6_addr_kind(target) & BF_IP6_K_MCAST));
	bf_ip6_solicited_node(sn, target);
	if (dad)
		check(ns->slla == NULL && memcmp(p->dst, sn, 16) == 0);

	/* Answer as the owner of the target. */
	size_t n = bf_nd_na_reply(out, sizeof(out), p, ns, our_mac, false);
	check(n == bf_ip6_hdr_len(p->has_vlan) + 32);
	reparse(out, n, &q, &m);
	check(m.type == BF_ICMP6_NA);
	check(memcmp(m.target, target, 16) == 0);
	check(memcmp(q.src, target, 16) == 0);
	check(m.tlla && memcmp(m.tlla, our_mac, 6) == 0);
	check(m.flags == (BF_NA_F_OVERRIDE | (dad ? 0 : BF_NA_F_SOLICITED)));
	check(memcmp(q.dst, dad ? all_nodes : p->src, 16) == 0);
	check(memcmp(out, dad ? (const uint8_t[]){0x33, 0x33, 0, 0, 0, 1}
			      : (ns->slla ? ns->slla : p->frame + 6), 6) == 0);
	check(q.has_vlan == p->has_vlan && q.vlan_tci == p->vlan_tci);

	/* Our own DAD probe for that address. */
	struct bf_ip6_if ifc = {.has_vlan = p->has_vlan, .vlan_tci = p->vlan_tci};
	memcpy(ifc.mac, our_mac, 6);
	n = bf_nd_ns_dad(out, sizeof(out), &ifc, target);
	reparse(out, n, &q, &m);
	check(m.type == BF_ICMP6_NS && m.slla == NULL);
	check((q.src_kind & BF_IP6_K_UNSPEC) && memcmp(q.dst, sn, 16) == 0);
	check(memcmp(m.target, target, 16) == 0);
}

/* The RA parsed from m, as the writer's configuration. */
static void
conf_from(struct bf_ra_conf *c, const struct bf_nd_msg *m)
{
	char name[BF_DNS_NAME_MAX + 1];
	size_t off = 0;

	memset(c, 0, sizeof(*c));
	c->cur_hop_limit = m->cur_hop_limit;
	c->managed = m->flags & BF_RA_F_MANAGED;
	c->other = m->flags & BF_RA_F_OTHER;
	c->router_lifetime = m->router_lifetime;
	c->reachable_time = m->reachable_time;
	c->retrans_timer = m->retrans_timer;
	c->mtu = m->mtu;
	c->no_slla = m->slla == NULL;
	c->n_prefix = m->n_prefix < BF_RA_MAX_PREFIX ? m->n_prefix : BF_RA_MAX_PREFIX;
	memcpy(c->prefix, m->prefix, c->n_prefix * sizeof(c->prefix[0]));
	c->n_rdnss = m->n_rdnss < BF_RA_MAX_RDNSS ? m->n_rdnss : BF_RA_MAX_RDNSS;
	c->rdnss_lifetime = m->rdnss_lifetime;
	for (unsigned i = 0; i < c->n_rdnss; i++)
		memcpy(c->rdnss[i], m->rdnss[i], 16);
	c->dnssl_lifetime = m->dnssl_lifetime;
	size_t enc = 8;
	while (m->dnssl && c->n_dnssl < BF_RA_MAX_DNSSL &&
	       bf_nd_dnssl_next(m->dnssl, m->dnssl_len, &off, name) == 1) {
		if (enc + strlen(name) + 2 > 2040) /* one DNSSL option holds 255 units */
			break;
		enc += strlen(name) + 2;
		strcpy(c->dnssl[c->n_dnssl++], name);
	}
}

static void
same_ra(const struct bf_nd_msg *a, const struct bf_ra_conf *c, const uint8_t *slla)
{
	char x[BF_DNS_NAME_MAX + 1];
	size_t off = 0;

	check(a->type == BF_ICMP6_RA);
	check(a->cur_hop_limit == c->cur_hop_limit);
	check(!!(a->flags & BF_RA_F_MANAGED) == c->managed);
	check(!!(a->flags & BF_RA_F_OTHER) == c->other);
	check(a->router_lifetime == c->router_lifetime);
	check(a->reachable_time == c->reachable_time && a->retrans_timer == c->retrans_timer);
	check(a->mtu == c->mtu);
	check(c->no_slla ? a->slla == NULL : (a->slla && memcmp(a->slla, slla, 6) == 0));
	check(a->n_prefix == c->n_prefix);
	for (unsigned i = 0; i < c->n_prefix; i++) {
		const struct bf_nd_prefix *p = &a->prefix[i], *w = &c->prefix[i];
		check(p->len == w->len && p->on_link == w->on_link &&
		      p->autonomous == w->autonomous && p->valid == w->valid &&
		      p->preferred == w->preferred);
		for (unsigned b = 0; b < 128; b++) {
			unsigned bit = 0x80u >> (b % 8);
			if (b < w->len)
				check((p->prefix[b / 8] & bit) == (w->prefix[b / 8] & bit));
			else
				check(!(p->prefix[b / 8] & bit)); /* cleared past the length */
		}
	}
	check(a->n_rdnss == c->n_rdnss);
	if (c->n_rdnss)
		check(a->rdnss_lifetime == c->rdnss_lifetime);
	for (unsigned i = 0; i < c->n_rdnss; i++)
		check(memcmp(a->rdnss[i], c->rdnss[i], 16) == 0);
	check((a->dnssl != NULL) == (c->n_dnssl != 0));
	for (unsigned i = 0; i < c->n_dnssl; i++) {
		check(bf_nd_dnssl_next(a->dnssl, a->dnssl_len, &off, x) == 1);
		check(strcmp(x, c->dnssl[i]) == 0);
	}
	if (c->n_dnssl) {
		check(a->dnssl_lifetime == c->dnssl_lifetime);
		check(bf_nd_dnssl_next(a->dnssl, a->dnssl_len, &off, x) == 0);
		/* names and padding: the option less its 8-byte head */
		check(a->dnssl_len % 8 == 0);
	}
}

static void
do_ra(const struct bf_ip6_pkt *p, const struct bf_nd_msg *m)
{
	struct bf_ip6_pkt q;
	struct bf_nd_msg r;
	char name[BF_DNS_NAME_MAX + 1];
	size_t off = 0;
	int k, names = 0;

	check(p->src_kind & BF_IP6_K_LINKLOCAL);
	for (unsigned i = 0; i < m->n_prefix && i < BF_ND_MAX_PREFIX; i++)
		check(m->prefix[i].len <= 128 && m->prefix[i].preferred <= m->prefix[i].valid);
	check(m->mtu == 0 || m->mtu >= 1280);
	if (m->dnssl) {
		while ((k = bf_nd_dnssl_next(m->dnssl, m->dnssl_len, &off, name)) == 1) {
			size_t l = strlen(name);
			check(l >= 1 && l <= BF_DNS_NAME_MAX);
			check(name[0] != '.' && name[l - 1] != '.');
			names++;
		}
		check(k == 0 && names >= 1);
	}

	/* Rebuild what was parsed and read it again. */
	conf_from(&conf, m);
	size_t n = bf_ra_build(out + 54, sizeof(out) - 54, &conf, p->frame + 6);
	check(n >= 16);
	struct bf_ip6_tx t = {.hop_limit = 255};
	memcpy(t.src_mac, p->frame + 6, 6);
	bf_ip6_mcast_mac(t.dst_mac, all_nodes);
	memcpy(t.src, p->src, 16);
	memcpy(t.dst, all_nodes, 16);
	static uint8_t frame[4096];
	size_t fl = bf_icmp6_write(frame, sizeof(frame), &t, out + 54, n);
	check(fl == 54 + n);
	reparse(frame, fl, &q, &r);
	same_ra(&r, &conf, p->frame + 6);
}

static void
do_rs(const struct bf_ip6_pkt *p, const struct bf_nd_msg *rs)
{
	struct bf_ip6_pkt q;
	struct bf_nd_msg m;
	struct bf_ip6_if ifc = {.has_vlan = p->has_vlan, .vlan_tci = p->vlan_tci};

	if (p->src_kind & BF_IP6_K_UNSPEC)
		check(rs->slla == NULL);
	memcpy(ifc.mac, our_mac, 6);
	memset(&conf, 0, sizeof(conf));
	conf.cur_hop_limit = 64;
	conf.managed = conf.other = true;
	conf.n_prefix = 1;
	conf.prefix[0] = (struct bf_nd_prefix){
		.prefix = {0x3f, 0xfe, 0x05, 0x01, 0xff, 0xff, 0x01, 0x00},
		.len = 64,
		.on_link = true,
		.autonomous = true,
		.valid = 86400,
		.preferred = 14400,
	};
	conf.n_rdnss = 1;
	conf.rdnss_lifetime = 300;
	memcpy(conf.rdnss[0], (const uint8_t[16]){0x3f, 0xfe, 0x05, 0x01, 0xff, 0xff, 0x01, 0x00,
						  [15] = 1},
	       16);
	conf.n_dnssl = 1;
	conf.dnssl_lifetime = 300;
	strcpy(conf.dnssl[0], "boot.example.org");
	check(bf_ra_conf_check(&conf, 30, 100) == NULL);

	size_t n = bf_ra_write(out, sizeof(out), &ifc, our_ll, all_nodes, NULL, &conf);
	reparse(out, n, &q, &m);
	same_ra(&m, &conf, our_mac);
	check(q.has_vlan == p->has_vlan && q.vlan_tci == p->vlan_tci);
	if (!(p->src_kind & BF_IP6_K_UNSPEC)) {
		const uint8_t *mac = rs->slla ? rs->slla : p->frame + 6;
		n = bf_ra_write(out, sizeof(out), &ifc, our_ll, p->src, mac, &conf);
		reparse(out, n, &q, &m);
		same_ra(&m, &conf, our_mac);
		check(memcmp(q.dst, p->src, 16) == 0 && memcmp(out, mac, 6) == 0);
	}
}

static void
do_echo(const struct bf_ip6_pkt *p, const uint8_t *d, size_t n)
{
	uint8_t *c = malloc(n);
	struct bf_ip6_pkt q;
	size_t rl = 0;

	check(c != NULL);
	memcpy(c, d, n);
	if (bf_icmp6_echo_reply_inplace(c, p, our_mac, our_ll, &rl) == 0) {
		check(!(p->src_kind & BF_IP6_K_UNSPEC));
		check(rl == bf_ip6_hdr_len(p->has_vlan) + p->l4_len && rl <= n);
		check(bf_ip6_classify(&q, c, rl, 0) == BF_IP6_ICMP6);
		check(q.icmp_type == BF_ICMP6_ECHO_REPLY && q.l4_len == p->l4_len);
		check(memcmp(q.src, our_ll, 16) == 0 && memcmp(q.dst, p->src, 16) == 0);
		check(memcmp(c + q.l4_off + 4, d + p->l4_off + 4, p->l4_len - 4) == 0);
	}
	free(c);
}

static void
do_udp(const struct bf_ip6_pkt *p, const uint8_t *d, size_t n)
{
	struct bf_udp6_addr a;
	struct bf_ip6_pkt q;

	check((size_t)p->pl_off + p->pl_len <= n);
	check(p->pl_off == p->l4_off + 8 && p->l4_len == p->pl_len + 8);
	bf_udp6_addr_reply(&a, p, our_mac, our_ll);
	size_t hl = bf_udp6_hdr_len(&a);
	uint8_t *r = malloc(hl + p->pl_len);
	check(r != NULL);
	memcpy(r + hl, d + p->pl_off, p->pl_len);
	bf_udp6_hdr_write(r, &a, p->pl_len, bf_csum_add(0, r + hl, p->pl_len));
	/* The reply always classifies, except one to :: (refused, never misparsed). */
	if (bf_ip6_classify(&q, r, hl + p->pl_len, 0) == BF_IP6_UDP6) {
		check(q.sport == p->dport && q.dport == p->sport);
		check(q.pl_len == p->pl_len && q.pl_off == hl);
		check(memcmp(q.src, our_ll, 16) == 0 && memcmp(q.dst, p->src, 16) == 0);
		check(q.has_vlan == p->has_vlan && q.vlan_tci == p->vlan_tci);
	} else {
		check((p->src_kind & BF_IP6_K_UNSPEC) && q.why == BF_ND_R_drop_ip6_dst);
	}
	free(r);
}

static void
do_mld(const struct bf_ip6_pkt *p)
{
	uint8_t addrs[2][16], groups[3][16];
	struct bf_ip6_pkt q;
	struct bf_ip6_if ifc = {.has_vlan = p->has_vlan, .vlan_tci = p->vlan_tci};

	memcpy(ifc.mac, our_mac, 6);
	memcpy(addrs[0], p->src, 16);
	memcpy(addrs[1], p->dst, 16);
	unsigned g = bf_mld2_groups(groups, 3, true, (const uint8_t(*)[16])addrs, 2);
	check(g >= 1 && g <= 3);
	size_t n = bf_mld2_report(out, sizeof(out), &ifc, our_ll, BF_MLD2_CHANGE_TO_EXCLUDE,
				  (const uint8_t(*)[16])groups, g);
	check(n == bf_ip6_hdr_len(p->has_vlan) + 8 + 8 + 20 * g);
	check(bf_ip6_classify(&q, out, n, 0) == BF_IP6_ICMP6);
	check(q.router_alert && q.router_alert_value == 0 && q.hop_limit == 1);
	check(q.icmp_type == BF_ICMP6_MLD2_REPORT && q.l4_len == 8 + 20 * g);
}

static void
run(const uint8_t *d, size_t n, unsigned flags)
{
	struct bf_ip6_pkt p;
	struct bf_nd_msg m;
	enum bf_ip6_class k = bf_ip6_classify(&p, d, n, flags);

	check(p.frame == d && p.len == n);
	if (k == BF_IP6_DROP) {
		check((int)p.why > 0 && p.why < BF_ND_R__COUNT);
		check(strncmp(bf_nd_why_name[p.why], "drop_", 5) == 0 ||
		      strncmp(bf_nd_why_name[p.why], "ignored_", 8) == 0);
		return;
	}
	check(p.why == BF_ND_R_ok);
	check(p.l4_off >= p.l3_off + BF_IP6_HLEN && (size_t)p.l4_off + p.l4_len <= n);
	check(in_frame(p.src, 16, d, n) && in_frame(p.dst, 16, d, n));
	check(!(p.src_kind & (BF_IP6_K_MCAST | BF_IP6_K_LOOPBACK)));
	check(p.n_ext <= BF_IP6_MAX_EXT);
	do_mld(&p);
	if (k == BF_IP6_UDP6) {
		check(p.proto == BF_IP6_NH_UDP);
		if (!flags)
			check(ref_csum_ok(p.src, p.dst, 17, d + p.l4_off, p.l4_len));
		do_udp(&p, d, n);
		return;
	}
	check(k == BF_IP6_ICMP6 && p.proto == BF_IP6_NH_ICMP6 && p.l4_len >= 4);
	check(ref_csum_ok(p.src, p.dst, 58, d + p.l4_off, p.l4_len));
	if (p.icmp_type == BF_ICMP6_ECHO_REQUEST)
		do_echo(&p, d, n);
	enum bf_nd_why why = bf_nd_parse(&m, &p);
	check(why == m.why && why < BF_ND_R__COUNT);
	if (why != BF_ND_R_ok)
		return;
	check(p.hop_limit == 255 && p.icmp_code == 0);
	const uint8_t *msg = d + p.l4_off;
	if (m.target)
		check(in_frame(m.target, 16, msg, p.l4_len));
	if (m.slla)
		check(in_frame(m.slla, 6, msg, p.l4_len) && !(m.slla[0] & 1));
	if (m.tlla)
		check(in_frame(m.tlla, 6, msg, p.l4_len) && !(m.tlla[0] & 1));
	for (unsigned i = 0; i < m.n_rdnss && i < BF_ND_MAX_RDNSS; i++)
		check(in_frame(m.rdnss[i], 16, msg, p.l4_len));
	if (m.dnssl)
		check(in_frame(m.dnssl, m.dnssl_len, msg, p.l4_len));
	check(m.n_unknown <= m.n_opts && m.n_opts <= p.l4_len / 8);
	switch (m.type) {
	case BF_ICMP6_NS:
		do_ns(&p, &m);
		break;
	case BF_ICMP6_RS:
		do_rs(&p, &m);
		break;
	case BF_ICMP6_RA:
		do_ra(&p, &m);
		break;
	case BF_ICMP6_NA:
		check(m.target != NULL);
		if (p.dst_kind & BF_IP6_K_MCAST)
			check(!(m.flags & BF_NA_F_SOLICITED));
		break;
	default:
		check(0);
	}
}

/*
 * A mutated frame almost never has a right checksum, so the ND parser would hardly
 * be reached: when the checksum is the only reason for a drop, fix it with the
 * independent sum and run again. The fixed frame must then pass that check.
 */
static void
run_fixed(const uint8_t *d, size_t n)
{
	struct bf_ip6_pkt p;

	if (bf_ip6_classify(&p, d, n, 0) != BF_IP6_DROP ||
	    (p.why != BF_ND_R_drop_icmp6_csum && p.why != BF_ND_R_drop_udp6_csum))
		return;
	uint8_t *c = malloc(n);
	check(c != NULL);
	memcpy(c, d, n);
	uint8_t *l4 = c + p.l4_off;
	size_t len = p.l4_len, at = 2;
	if (p.proto == BF_IP6_NH_UDP) {
		len = (size_t)l4[4] << 8 | l4[5];
		at = 6;
	}
	l4[at] = l4[at + 1] = 0;
	uint8_t ph[8] = {(uint8_t)(len >> 24), (uint8_t)(len >> 16), (uint8_t)(len >> 8),
			 (uint8_t)len, 0, 0, 0, p.proto};
	uint32_t s = ref_add(ref_add(ref_add(0, c + p.l3_off + 8, 32), ph, 8), l4, len);
	uint16_t v = (uint16_t)~s;
	if (v == 0 && p.proto == BF_IP6_NH_UDP)
		v = 0xffff;
	l4[at] = (uint8_t)(v >> 8);
	l4[at + 1] = (uint8_t)v;
	check(bf_ip6_classify(&p, c, n, 0) != BF_IP6_DROP);
	run(c, n, 0);
	free(c);
}

int
LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	run(d, n, 0);
	run(d, n, BF_IP6_UDP_CSUM_OK);
	run_fixed(d, n);
	return 0;
}
