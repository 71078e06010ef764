/* SPDX-License-Identifier: MIT */
/*
 * IPv6 (RFC 8200, RFC 4291, RFC 2464), ICMPv6 (RFC 4443), Neighbor Discovery and
 * Router Advertisements (RFC 4861, RFC 6980), RDNSS/DNSSL (RFC 8106), MLDv2 reports
 * (RFC 3810, RFC 2711). See bf_nd.h for the contract of each function.
 */
#include "bf_nd.h"

#include <string.h>

#include "bf_csum.h"
#include "bf_wire.h"

#define ETHERTYPE_IPV6 0x86dd
#define ETHERTYPE_VLAN 0x8100
#define ETHERTYPE_QINQ 0x88a8

const char *const bf_nd_why_name[BF_ND_R__COUNT] = {
#define BF_ND_WHY_NAME(name, help) #name,
	BF_ND_WHY_LIST(BF_ND_WHY_NAME)
#undef BF_ND_WHY_NAME
};

const char *const bf_nd_why_help[BF_ND_R__COUNT] = {
#define BF_ND_WHY_HELP(name, help) help,
	BF_ND_WHY_LIST(BF_ND_WHY_HELP)
#undef BF_ND_WHY_HELP
};

static const uint8_t ip6_zero[BF_IP6_ALEN];
static const uint8_t ip6_all_nodes[BF_IP6_ALEN] = {0xff, 0x02, [15] = 0x01};
static const uint8_t ip6_mld2_routers[BF_IP6_ALEN] = {0xff, 0x02, [15] = 0x16};
static const uint8_t ip6_dhcp_agents[BF_IP6_ALEN] = {0xff, 0x02, [13] = 0x01, [15] = 0x02};

/* ---- addresses ------------------------------------------------------------------------------- */

unsigned
bf_ip6_addr_kind(const uint8_t a[BF_IP6_ALEN])
{
	unsigned k = 0;

	if (a[0] == 0xff) {
		k = BF_IP6_K_MCAST;
		if (a[1] == 0x02 && memcmp(a + 2, ip6_zero, 9) == 0 && a[11] == 0x01 &&
		    a[12] == 0xff)
			k |= BF_IP6_K_SOLNODE;
		else if (a[1] == 0x02 && memcmp(a + 2, ip6_zero, 13) == 0 && a[15] == 1)
			k |= BF_IP6_K_ALLNODES;
		else if (a[1] == 0x02 && memcmp(a + 2, ip6_zero, 13) == 0 && a[15] == 2)
			k |= BF_IP6_K_ALLROUTERS;
		return k;
	}
	if (memcmp(a, ip6_zero, 15) == 0 && a[15] <= 1)
		return a[15] ? BF_IP6_K_LOOPBACK : BF_IP6_K_UNSPEC;
	if (memcmp(a, ip6_zero, 10) == 0 && a[10] == 0xff && a[11] == 0xff)
		k |= BF_IP6_K_V4MAPPED;
	if (a[0] == 0xfe && (a[1] & 0xc0) == 0x80)
		k |= BF_IP6_K_LINKLOCAL;
	return k | BF_IP6_K_UNICAST;
}

void
bf_ip6_mcast_mac(uint8_t mac[6], const uint8_t ip[BF_IP6_ALEN])
{
	mac[0] = 0x33;
	mac[1] = 0x33;
	memcpy(mac + 2, ip + 12, 4);
}

void
bf_ip6_solicited_node(uint8_t out[BF_IP6_ALEN], const uint8_t ip[BF_IP6_ALEN])
{
	uint8_t low[3];

	memcpy(low, ip + 13, 3); /* out may be ip */
	memset(out, 0, BF_IP6_ALEN);
	out[0] = 0xff;
	out[1] = 0x02;
	out[11] = 0x01;
	out[12] = 0xff;
	memcpy(out + 13, low, 3);
}

bool
bf_ip6_in_prefix(const uint8_t a[BF_IP6_ALEN], const uint8_t prefix[BF_IP6_ALEN], uint8_t plen)
{
	for (unsigned i = 0; i < BF_IP6_ALEN && plen; i++) {
		unsigned bits = plen >= 8 ? 8 : plen;
		uint8_t mask = (uint8_t)(0xff << (8 - bits));
		if ((a[i] & mask) != (prefix[i] & mask))
			return false;
		plen = (uint8_t)(plen - bits);
	}
	return true;
}

void
bf_ip6_ll_eui64(uint8_t out[BF_IP6_ALEN], const uint8_t mac[6])
{
	memset(out, 0, BF_IP6_ALEN);
	out[0] = 0xfe;
	out[1] = 0x80;
	out[8] = mac[0] ^ 0x02; /* "modified" EUI-64: the U/L bit inverted */
	out[9] = mac[1];
	out[10] = mac[2];
	out[11] = 0xff;
	out[12] = 0xfe;
	out[13] = mac[3];
	out[14] = mac[4];
	out[15] = mac[5];
}

uint32_t
bf_ip6_pseudo_sum(const uint8_t src[BF_IP6_ALEN], const uint8_t dst[BF_IP6_ALEN],
		  uint8_t next_header, uint32_t upper_len)
{
	uint32_t s = bf_csum_add(0, src, BF_IP6_ALEN);

	s = bf_csum_add(s, dst, BF_IP6_ALEN);
	return bf_csum_combine(s, (upper_len >> 16) + (upper_len & 0xffff) + next_header);
}

/* ---- classification -------------------------------------------------------------------------- */

static enum bf_ip6_class
drop(struct bf_ip6_pkt *p, enum bf_nd_why why)
{
	p->why = why;
	return BF_IP6_DROP;
}

/*
 * Options of a Hop-by-Hop or Destination Options header (RFC 8200 4.2). Returns 0, or
 * -1 when an option runs past the header or its type says "discard if unknown" (the
 * two high bits not 00: we discard, and send no Parameter Problem).
 */
static int
ext_options(struct bf_ip6_pkt *p, struct bf_rd *o, bool hbh)
{
	while (bf_rd_left(o) > 0) {
		uint8_t type = bf_rd_u8(o);
		if (type == 0) /* Pad1 */
			continue;
		uint8_t len = bf_rd_u8(o);
		const uint8_t *v = bf_rd_bytes(o, len);
		if (o->err)
			return -1;
		if (type == 1) /* PadN */
			continue;
		if (type == 5 && hbh) { /* Router Alert (RFC 2711): the MLD marker */
			if (len != 2)
				return -1;
			p->router_alert = true;
			p->router_alert_value = bf_get_be16(v);
			continue;
		}
		if (type >> 6)
			return -1;
	}
	return o->err ? -1 : 0;
}

static enum bf_ip6_class
classify_udp(struct bf_ip6_pkt *p, unsigned flags)
{
	if (p->l4_len < 8)
		return drop(p, BF_ND_R_drop_udp6_short);
	const uint8_t *u = p->frame + p->l4_off;
	uint16_t ulen = bf_get_be16(u + 4);
	uint16_t csum = bf_get_be16(u + 6);

	if (ulen < 8 || ulen > p->l4_len)
		return drop(p, BF_ND_R_drop_udp6_len);
	/* RFC 8200 8.1: the UDP checksum is not optional over IPv6. */
	if (csum == 0)
		return drop(p, BF_ND_R_drop_udp6_csum_zero);
	if (!(flags & BF_IP6_UDP_CSUM_OK)) {
		uint32_t s = bf_ip6_pseudo_sum(p->src, p->dst, BF_IP6_NH_UDP, ulen);
		if (bf_csum_fold(bf_csum_add(s, u, ulen)) != 0xffff)
			return drop(p, bf_csum_is_partial(csum, s) ? BF_ND_R_drop_udp6_csum_offload
								   : BF_ND_R_drop_udp6_csum);
	}
	p->sport = bf_get_be16(u);
	p->dport = bf_get_be16(u + 2);
	p->pl_off = (uint16_t)(p->l4_off + 8);
	p->pl_len = (uint16_t)(ulen - 8);
	p->l4_len = ulen; /* bytes after the UDP length are ignored, as over IPv4 */
	return BF_IP6_UDP6;
}

static enum bf_ip6_class
classify_icmp6(struct bf_ip6_pkt *p)
{
	const uint8_t *ic = p->frame + p->l4_off;

	if (p->l4_len < 4)
		return drop(p, BF_ND_R_drop_icmp6_short);
	uint32_t s = bf_ip6_pseudo_sum(p->src, p->dst, BF_IP6_NH_ICMP6, p->l4_len);
	if (bf_csum_fold(bf_csum_add(s, ic, p->l4_len)) != 0xffff)
		return drop(p, BF_ND_R_drop_icmp6_csum);
	p->icmp_type = ic[0];
	p->icmp_code = ic[1];
	return BF_IP6_ICMP6;
}

/*
 * Walk extension headers from the start of the IPv6 payload (pl) to the upper layer.
 * We are a final destination that serves ICMPv6 and UDP: Hop-by-Hop only first (RFC
 * 8200 4.3), Routing once and only with Segments Left 0 (4.4: then it is skipped; we
 * never forward), Destination Options at most twice (4.1), at most BF_IP6_MAX_EXT in
 * all, so a long or looping chain ends here. Fragments are refused: nothing we serve
 * is fragmented and RFC 6980 forbids ND in fragments.
 */
static enum bf_ip6_class
walk_ext(struct bf_ip6_pkt *p, struct bf_rd *pl, uint8_t nh, unsigned flags)
{
	unsigned n_dst = 0;
	bool routing = false;

	for (;;) {
		switch (nh) {
		case BF_IP6_NH_ICMP6:
		case BF_IP6_NH_UDP:
			p->proto = nh;
			p->l4_off = (uint16_t)(p->l3_off + BF_IP6_HLEN + pl->off);
			p->l4_len = (uint16_t)(pl->len - pl->off);
			return nh == BF_IP6_NH_UDP ? classify_udp(p, flags) : classify_icmp6(p);
		case BF_IP6_NH_HOPOPTS:
			if (p->n_ext != 0)
				return drop(p, BF_ND_R_drop_ip6_ext);
			break;
		case BF_IP6_NH_DSTOPTS:
			if (++n_dst > 2)
				return drop(p, BF_ND_R_drop_ip6_ext);
			break;
		case BF_IP6_NH_ROUTING:
			if (routing)
				return drop(p, BF_ND_R_drop_ip6_ext);
			routing = true;
			break;
		case BF_IP6_NH_FRAGMENT:
			return drop(p, BF_ND_R_drop_ip6_frag);
		default: /* No Next Header, ESP, AH, TCP, anything unknown */
			p->proto = nh;
			return drop(p, BF_ND_R_ignored_ip6_proto);
		}
		if (p->n_ext >= BF_IP6_MAX_EXT)
			return drop(p, BF_ND_R_drop_ip6_ext);
		p->n_ext++;
		uint8_t next = bf_rd_u8(pl);
		size_t hlen = ((size_t)bf_rd_u8(pl) + 1) * 8;
		struct bf_rd body = bf_rd_sub(pl, hlen - 2);
		if (pl->err)
			return drop(p, BF_ND_R_drop_ip6_ext);
		if (nh == BF_IP6_NH_ROUTING) {
			bf_rd_skip(&body, 1); /* routing type: irrelevant when nothing is left */
			if (bf_rd_u8(&body) != 0)
				return drop(p, BF_ND_R_drop_ip6_ext);
		} else if (ext_options(p, &body, nh == BF_IP6_NH_HOPOPTS) != 0) {
			return drop(p, BF_ND_R_drop_ip6_ext);
		}
		nh = next;
	}
}

enum bf_ip6_class
bf_ip6_classify(struct bf_ip6_pkt *p, const uint8_t *frame, size_t len, unsigned flags)
{
	struct bf_rd r;

	memset(p, 0, sizeof(*p));
	p->frame = frame;
	p->len = len;
	bf_rd_init(&r, frame, len);
	bf_rd_skip(&r, 12);
	uint16_t type = bf_rd_be16(&r);
	if (r.err)
		return drop(p, BF_ND_R_drop_runt);
	if (frame[6] & 1)
		return drop(p, BF_ND_R_drop_src_mac);
	if (type == ETHERTYPE_VLAN) {
		p->has_vlan = true;
		p->vlan_tci = bf_rd_be16(&r);
		type = bf_rd_be16(&r);
		if (r.err || type == ETHERTYPE_VLAN || type == ETHERTYPE_QINQ)
			return drop(p, BF_ND_R_drop_vlan);
	}
	if (type != ETHERTYPE_IPV6)
		return drop(p, BF_ND_R_ignored_ethertype);
	p->l3_off = (uint16_t)r.off;

	const uint8_t *ip = bf_rd_bytes(&r, BF_IP6_HLEN);
	if (!ip)
		return drop(p, BF_ND_R_drop_ip6_short);
	if ((ip[0] >> 4) != 6)
		return drop(p, BF_ND_R_drop_ip6_version);
	/* The frame may be longer (Ethernet pads to 60 bytes), never shorter. */
	uint16_t plen = bf_get_be16(ip + 4);
	if (plen > bf_rd_left(&r))
		return drop(p, BF_ND_R_drop_ip6_len);
	struct bf_rd pl = bf_rd_sub(&r, plen);

	p->hop_limit = ip[7];
	p->src = ip + 8;
	p->dst = ip + 24;
	p->src_kind = bf_ip6_addr_kind(p->src);
	p->dst_kind = bf_ip6_addr_kind(p->dst);
	/* RFC 4291 2.7: never a multicast source; 2.5.3: loopback never on a link;
	 * IPv4-mapped addresses are not for the wire (RFC 4038 5.2). */
	if (p->src_kind & (BF_IP6_K_MCAST | BF_IP6_K_LOOPBACK | BF_IP6_K_V4MAPPED))
		return drop(p, BF_ND_R_drop_ip6_src);
	/* RFC 4291 2.7: scope 0 is reserved (drop) and interface-local (1) is loopback only. */
	if ((p->dst_kind & (BF_IP6_K_UNSPEC | BF_IP6_K_LOOPBACK)) ||
	    ((p->dst_kind & BF_IP6_K_MCAST) && bf_ip6_mcast_scope(p->dst) <= 1))
		return drop(p, BF_ND_R_drop_ip6_dst);
	return walk_ext(p, &pl, ip[6], flags);
}

/* ---- Neighbor Discovery ---------------------------------------------------------------------- */

static enum bf_nd_why
nd_fail(struct bf_nd_msg *m, enum bf_nd_why why)
{
	m->why = why;
	return why;
}

/* A link-layer address option for Ethernet is exactly 8 bytes (RFC 2464 8), and a
 * neighbor's address is never a group address (we would answer to it). */
static int
nd_lla(struct bf_rd *o, size_t olen, const uint8_t **dst)
{
	const uint8_t *mac = bf_rd_bytes(o, 6);

	if (olen != 8 || !mac || (mac[0] & 1))
		return -1;
	if (!*dst)
		*dst = mac;
	return 0;
}

static int
nd_prefix(struct bf_nd_msg *m, struct bf_rd *o, size_t olen)
{
	struct bf_nd_prefix x;

	if (olen != 32)
		return -1;
	x.len = bf_rd_u8(o);
	uint8_t fl = bf_rd_u8(o);
	x.on_link = fl & BF_PI_F_ONLINK;
	x.autonomous = fl & BF_PI_F_AUTO;
	x.valid = bf_rd_be32(o);
	x.preferred = bf_rd_be32(o);
	bf_rd_skip(o, 4);
	bf_rd_copy(o, x.prefix, BF_IP6_ALEN);
	/* A host would ignore just this option (RFC 4862 5.5.3 c); this parser checks RAs
	 * field by field, so it refuses the message. */
	if (o->err || x.len > 128 || x.preferred > x.valid)
		return -1;
	if (m->n_prefix < BF_ND_MAX_PREFIX)
		m->prefix[m->n_prefix] = x;
	m->n_prefix++;
	return 0;
}

static int
nd_rdnss(struct bf_nd_msg *m, struct bf_rd *o, size_t olen)
{
	/* RFC 8106 5.1: length 1 + 2 * addresses, at least one address. */
	if (olen < 24 || (olen / 8) % 2 == 0)
		return -1;
	bf_rd_skip(o, 2);
	uint32_t life = bf_rd_be32(o);
	if (m->n_rdnss == 0)
		m->rdnss_lifetime = life;
	while (!o->err && bf_rd_left(o) >= BF_IP6_ALEN) {
		const uint8_t *a = bf_rd_bytes(o, BF_IP6_ALEN);
		if (m->n_rdnss < BF_ND_MAX_RDNSS)
			m->rdnss[m->n_rdnss] = a;
		m->n_rdnss++;
	}
	return o->err ? -1 : 0;
}

static int
nd_dnssl(struct bf_nd_msg *m, struct bf_rd *o, size_t olen)
{
	char name[BF_DNS_NAME_MAX + 1];
	size_t off = 0;
	int k, n = 0;

	if (olen < 16) /* RFC 8106 5.2: length at least 2 */
		return -1;
	bf_rd_skip(o, 2);
	uint32_t life = bf_rd_be32(o);
	size_t nl = bf_rd_left(o);
	const uint8_t *names = bf_rd_bytes(o, nl);
	if (o->err)
		return -1;
	while ((k = bf_nd_dnssl_next(names, nl, &off, name)) == 1)
		n++;
	if (k < 0 || n == 0)
		return -1;
	if (!m->dnssl) {
		m->dnssl_lifetime = life;
		m->dnssl = names;
		m->dnssl_len = nl;
	}
	return 0;
}

/* Options (RFC 4861 4.6): each at least 8 bytes and inside the message (6.1.1, 7.1.1:
 * "all included options have a length that is greater than zero"), so the walk always
 * advances. Unknown options, and known ones where this message does not use them, are
 * skipped (4.6). */
static enum bf_nd_why
nd_options(struct bf_nd_msg *m, struct bf_rd *r)
{
	while (bf_rd_left(r) > 0) {
		if (bf_rd_left(r) < 2)
			return BF_ND_R_drop_nd_opt;
		uint8_t type = bf_rd_u8(r);
		size_t olen = (size_t)bf_rd_u8(r) * 8;
		if (olen == 0 || olen - 2 > bf_rd_left(r))
			return BF_ND_R_drop_nd_opt;
		struct bf_rd o = bf_rd_sub(r, olen - 2);
		int bad = 0;

		m->n_opts++;
		if (type == BF_ND_OPT_SLLA && m->type != BF_ICMP6_NA) {
			if (nd_lla(&o, olen, &m->slla))
				return BF_ND_R_drop_nd_lla;
		} else if (type == BF_ND_OPT_TLLA && m->type == BF_ICMP6_NA) {
			if (nd_lla(&o, olen, &m->tlla))
				return BF_ND_R_drop_nd_lla;
		} else if (type == BF_ND_OPT_PREFIX && m->type == BF_ICMP6_RA) {
			bad = nd_prefix(m, &o, olen);
		} else if (type == BF_ND_OPT_MTU && m->type == BF_ICMP6_RA) {
			bf_rd_skip(&o, 2);
			uint32_t mtu = bf_rd_be32(&o);
			bad = olen != 8 || mtu < 1280; /* below the IPv6 minimum (RFC 8200 5) */
			if (!m->mtu)
				m->mtu = mtu;
		} else if (type == BF_ND_OPT_RDNSS && m->type == BF_ICMP6_RA) {
			bad = nd_rdnss(m, &o, olen);
		} else if (type == BF_ND_OPT_DNSSL && m->type == BF_ICMP6_RA) {
			bad = nd_dnssl(m, &o, olen);
		} else {
			m->n_unknown++;
		}
		if (bad || o.err)
			return BF_ND_R_drop_nd_opt_bad;
	}
	return r->err ? BF_ND_R_drop_nd_opt : BF_ND_R_ok;
}

enum bf_nd_why
bf_nd_parse(struct bf_nd_msg *m, const struct bf_ip6_pkt *p)
{
	struct bf_rd r;
	size_t fixed;

	memset(m, 0, sizeof(*m));
	m->type = p->icmp_type;
	if (p->proto != BF_IP6_NH_ICMP6)
		return nd_fail(m, BF_ND_R_ignored_icmp6_type);
	switch (m->type) {
	case BF_ICMP6_RS:
		fixed = 8;
		break;
	case BF_ICMP6_RA:
		fixed = 16;
		break;
	case BF_ICMP6_NS:
	case BF_ICMP6_NA:
		fixed = BF_ICMP6_ND_HLEN;
		break;
	default:
		return nd_fail(m, BF_ND_R_ignored_icmp6_type);
	}
	/* 255 proves the sender is on-link: a router would have decremented it. */
	if (p->hop_limit != 255)
		return nd_fail(m, BF_ND_R_drop_nd_hop_limit);
	if (p->icmp_code != 0)
		return nd_fail(m, BF_ND_R_drop_nd_code);
	if (p->l4_len < fixed)
		return nd_fail(m, BF_ND_R_drop_nd_short);
	/* RFC 4861 6.1.2: routers send RAs from their link-local address. */
	if (m->type == BF_ICMP6_RA && !(p->src_kind & BF_IP6_K_LINKLOCAL))
		return nd_fail(m, BF_ND_R_drop_nd_ra_src);

	bf_rd_init(&r, p->frame + p->l4_off, p->l4_len);
	bf_rd_skip(&r, 4); /* type, code, checksum: checked by the classifier */
	switch (m->type) {
	case BF_ICMP6_RS:
		bf_rd_skip(&r, 4);
		break;
	case BF_ICMP6_RA:
		m->cur_hop_limit = bf_rd_u8(&r);
		m->flags = bf_rd_u8(&r);
		m->router_lifetime = bf_rd_be16(&r);
		m->reachable_time = bf_rd_be32(&r);
		m->retrans_timer = bf_rd_be32(&r);
		break;
	case BF_ICMP6_NS:
		bf_rd_skip(&r, 4);
		m->target = bf_rd_bytes(&r, BF_IP6_ALEN);
		break;
	default: /* NA */
		m->flags = bf_rd_u8(&r) & (BF_NA_F_ROUTER | BF_NA_F_SOLICITED | BF_NA_F_OVERRIDE);
		bf_rd_skip(&r, 3);
		m->target = bf_rd_bytes(&r, BF_IP6_ALEN);
		break;
	}
	enum bf_nd_why why = nd_options(m, &r);
	if (why != BF_ND_R_ok)
		return nd_fail(m, why);

	bool unspec = p->src_kind & BF_IP6_K_UNSPEC;
	/* 4.3, 4.4: never a multicast target. Nor one no node can hold on a link (::,
	 * ::1, IPv4-mapped): answering for those would put them on the wire. */
	if (m->target && (bf_ip6_addr_kind(m->target) & (BF_IP6_K_MCAST | BF_IP6_K_UNSPEC |
							 BF_IP6_K_LOOPBACK | BF_IP6_K_V4MAPPED)))
		return nd_fail(m, BF_ND_R_drop_nd_target);
	/* RFC 4861 6.1.1, 7.1.1: a sender without an address has no link-layer binding to
	 * announce; a SLLA from :: would poison neighbor caches. */
	if (unspec && m->slla)
		return nd_fail(m, BF_ND_R_drop_nd_unspec_slla);
	if (m->type == BF_ICMP6_NS && unspec) {
		/* 7.1.1: DAD goes to a solicited-node group; a correct sender always uses
		 * the target's own, so anything else is refused. */
		uint8_t sn[BF_IP6_ALEN];
		bf_ip6_solicited_node(sn, m->target);
		if (memcmp(sn, p->dst, BF_IP6_ALEN) != 0)
			return nd_fail(m, BF_ND_R_drop_nd_dad_dst);
	}
	/* 7.1.2: only a unicast NA can answer a solicitation. */
	if (m->type == BF_ICMP6_NA && (p->dst_kind & BF_IP6_K_MCAST) &&
	    (m->flags & BF_NA_F_SOLICITED))
		return nd_fail(m, BF_ND_R_drop_nd_na_flags);
	return BF_ND_R_ok;
}

static bool
dns_label_char(uint8_t c)
{
	return c > 0x20 && c < 0x7f && c != '.';
}

int
bf_nd_dnssl_next(const uint8_t *p, size_t len, size_t *off, char name[BF_DNS_NAME_MAX + 1])
{
	struct bf_rd r;
	size_t n = 0;

	if (*off > len)
		return -1;
	bf_rd_init(&r, p, len);
	bf_rd_skip(&r, *off);
	if (bf_rd_left(&r) == 0)
		return 0;
	if (p[*off] == 0) {
		/* An empty name starts the padding, which is all zero to the end. */
		while (bf_rd_left(&r) > 0)
			if (bf_rd_u8(&r) != 0)
				return -1;
		*off = len;
		return 0;
	}
	for (;;) {
		uint8_t l = bf_rd_u8(&r);
		if (r.err)
			return -1; /* the name runs past the option */
		if (l == 0)
			break;
		if (l > 63) /* also compression pointers (0xc0): not allowed here */
			return -1;
		const uint8_t *lab = bf_rd_bytes(&r, l);
		if (!lab || n + (n ? 1u : 0u) + l > BF_DNS_NAME_MAX)
			return -1;
		if (n)
			name[n++] = '.';
		for (size_t i = 0; i < l; i++) {
			if (!dns_label_char(lab[i]))
				return -1;
			name[n++] = (char)lab[i];
		}
	}
	name[n] = '\0';
	*off = r.off;
	return 1;
}

/* ---- writers --------------------------------------------------------------------------------- */

/* Ethernet(+VLAN) and IPv6 headers; out has room for bf_ip6_hdr_len(). */
static size_t
put_hdrs(uint8_t *out, const uint8_t *dst_mac, const uint8_t *src_mac, bool has_vlan, uint16_t tci,
	 const uint8_t *src, const uint8_t *dst, uint8_t nh, uint16_t plen, uint8_t hop_limit)
{
	size_t o = 12;

	memcpy(out, dst_mac, 6);
	memcpy(out + 6, src_mac, 6);
	if (has_vlan) {
		bf_put_be16(out + 12, ETHERTYPE_VLAN);
		bf_put_be16(out + 14, tci);
		o = 16;
	}
	bf_put_be16(out + o, ETHERTYPE_IPV6);
	uint8_t *ip = out + o + 2;
	bf_put_be32(ip, 0x60000000u); /* version 6, traffic class 0, flow label 0 */
	bf_put_be16(ip + 4, plen);
	ip[6] = nh;
	ip[7] = hop_limit;
	memcpy(ip + 8, src, BF_IP6_ALEN);
	memcpy(ip + 24, dst, BF_IP6_ALEN);
	return o + 2 + BF_IP6_HLEN;
}

/* Headers for the ICMPv6 message already at out[hdr_len..+msg_len), and its checksum. */
static size_t
finish_icmp6(uint8_t *out, const struct bf_ip6_tx *t, size_t msg_len)
{
	size_t hl = put_hdrs(out, t->dst_mac, t->src_mac, t->has_vlan, t->vlan_tci, t->src, t->dst,
			     BF_IP6_NH_ICMP6, (uint16_t)msg_len, t->hop_limit);
	uint8_t *ic = out + hl;

	bf_put_be16(ic + 2, 0);
	uint32_t s = bf_ip6_pseudo_sum(t->src, t->dst, BF_IP6_NH_ICMP6, (uint32_t)msg_len);
	bf_put_be16(ic + 2, bf_csum_finish(bf_csum_add(s, ic, msg_len)));
	return hl + msg_len;
}

size_t
bf_icmp6_write(uint8_t *out, size_t cap, const struct bf_ip6_tx *t, const uint8_t *msg,
	       size_t msg_len)
{
	size_t hl = bf_ip6_hdr_len(t->has_vlan);

	if (msg_len < 4 || msg_len > 0xffff || hl > cap || msg_len > cap - hl)
		return 0;
	memmove(out + hl, msg, msg_len);
	return finish_icmp6(out, t, msg_len);
}

void
bf_udp6_hdr_write(uint8_t *out, const struct bf_udp6_addr *a, size_t plen, uint32_t pl_sum)
{
	uint16_t ulen = (uint16_t)(8 + plen);
	size_t hl = put_hdrs(out, a->dst_mac, a->src_mac, a->has_vlan, a->vlan_tci, a->src, a->dst,
			     BF_IP6_NH_UDP, ulen, a->hop_limit ? a->hop_limit : 64);
	uint8_t *u = out + hl;

	bf_put_be16(u, a->sport);
	bf_put_be16(u + 2, a->dport);
	bf_put_be16(u + 4, ulen);
	bf_put_be16(u + 6, 0);
	uint32_t s = bf_ip6_pseudo_sum(a->src, a->dst, BF_IP6_NH_UDP, ulen);
	s = bf_csum_add(s, u, 8);
	uint16_t c = bf_csum_finish(bf_csum_combine(s, pl_sum));
	bf_put_be16(u + 6, c ? c : 0xffff); /* 0 would mean "none", refused over IPv6 */
}

void
bf_udp6_addr_reply(struct bf_udp6_addr *a, const struct bf_ip6_pkt *p, const uint8_t *our_mac,
		   const uint8_t our_ip[BF_IP6_ALEN])
{
	memset(a, 0, sizeof(*a));
	memcpy(a->dst_mac, p->frame + 6, 6);
	memcpy(a->src_mac, our_mac, 6);
	a->has_vlan = p->has_vlan;
	a->vlan_tci = p->vlan_tci;
	memcpy(a->src, our_ip, BF_IP6_ALEN);
	memcpy(a->dst, p->src, BF_IP6_ALEN);
	a->sport = p->dport;
	a->dport = p->sport;
}

int
bf_icmp6_echo_reply_inplace(uint8_t *frame, const struct bf_ip6_pkt *p, const uint8_t *our_mac,
			    const uint8_t our_ip[BF_IP6_ALEN], size_t *reply_len)
{
	struct bf_ip6_tx t;

	if (p->proto != BF_IP6_NH_ICMP6 || p->l4_len < 8 || p->icmp_type != BF_ICMP6_ECHO_REQUEST ||
	    p->icmp_code != 0 || (p->src_kind & (BF_IP6_K_UNSPEC | BF_IP6_K_MCAST)))
		return -1;
	/* Everything is read before the frame is rewritten: p's pointers alias it. */
	memcpy(t.dst_mac, frame + 6, 6);
	memcpy(t.src_mac, our_mac, 6);
	t.has_vlan = p->has_vlan;
	t.vlan_tci = p->vlan_tci;
	memcpy(t.src, our_ip, BF_IP6_ALEN);
	memcpy(t.dst, p->src, BF_IP6_ALEN);
	t.hop_limit = 64;

	size_t hl = bf_ip6_hdr_len(p->has_vlan); /* == l3_off + 40 */
	/* The reply carries no extension headers: the message moves up over them. */
	memmove(frame + hl, frame + p->l4_off, p->l4_len);
	frame[hl] = BF_ICMP6_ECHO_REPLY;
	*reply_len = finish_icmp6(frame, &t, p->l4_len);
	return 0;
}

static size_t
nd_na(uint8_t *out, size_t cap, struct bf_ip6_tx *t, const uint8_t *target, uint8_t flags)
{
	uint8_t msg[32] = {BF_ICMP6_NA, 0, 0, 0, flags};

	memcpy(msg + 8, target, BF_IP6_ALEN);
	msg[24] = BF_ND_OPT_TLLA;
	msg[25] = 1;
	memcpy(msg + 26, t->src_mac, 6);
	memcpy(t->src, target, BF_IP6_ALEN);
	t->hop_limit = 255;
	return bf_icmp6_write(out, cap, t, msg, sizeof(msg));
}

size_t
bf_nd_na_reply(uint8_t *out, size_t cap, const struct bf_ip6_pkt *p, const struct bf_nd_msg *ns,
	       const uint8_t *our_mac, bool router)
{
	struct bf_ip6_tx t;
	uint8_t flags = BF_NA_F_OVERRIDE | (router ? BF_NA_F_ROUTER : 0);

	if (ns->type != BF_ICMP6_NS || ns->why != BF_ND_R_ok || !ns->target)
		return 0;
	memcpy(t.src_mac, our_mac, 6);
	t.has_vlan = p->has_vlan;
	t.vlan_tci = p->vlan_tci;
	if (p->src_kind & BF_IP6_K_UNSPEC) {
		/* 7.2.4: the prober has no address yet; tell everyone, unsolicited. */
		memcpy(t.dst, ip6_all_nodes, BF_IP6_ALEN);
		bf_ip6_mcast_mac(t.dst_mac, t.dst);
	} else {
		memcpy(t.dst, p->src, BF_IP6_ALEN);
		memcpy(t.dst_mac, ns->slla ? ns->slla : p->frame + 6, 6);
		flags |= BF_NA_F_SOLICITED;
	}
	return nd_na(out, cap, &t, ns->target, flags);
}

size_t
bf_nd_na_unsolicited(uint8_t *out, size_t cap, const struct bf_ip6_if *ifc,
		     const uint8_t target[BF_IP6_ALEN], bool router)
{
	struct bf_ip6_tx t;

	memcpy(t.src_mac, ifc->mac, 6);
	t.has_vlan = ifc->has_vlan;
	t.vlan_tci = ifc->vlan_tci;
	memcpy(t.dst, ip6_all_nodes, BF_IP6_ALEN);
	bf_ip6_mcast_mac(t.dst_mac, t.dst);
	return nd_na(out, cap, &t, target, BF_NA_F_OVERRIDE | (router ? BF_NA_F_ROUTER : 0));
}

size_t
bf_nd_ns_dad(uint8_t *out, size_t cap, const struct bf_ip6_if *ifc,
	     const uint8_t target[BF_IP6_ALEN])
{
	struct bf_ip6_tx t;
	uint8_t msg[BF_ICMP6_ND_HLEN] = {BF_ICMP6_NS};

	memcpy(msg + 8, target, BF_IP6_ALEN);
	memcpy(t.src_mac, ifc->mac, 6);
	t.has_vlan = ifc->has_vlan;
	t.vlan_tci = ifc->vlan_tci;
	memset(t.src, 0, BF_IP6_ALEN);
	bf_ip6_solicited_node(t.dst, target);
	bf_ip6_mcast_mac(t.dst_mac, t.dst);
	t.hop_limit = 255;
	return bf_icmp6_write(out, cap, &t, msg, sizeof(msg));
}

/* ---- Router Advertisements ------------------------------------------------------------------- */

/*
 * Encode a dotted name as RFC 1035 labels ending in the zero label (RFC 8106 5.2: no
 * compression). A final dot is accepted; empty labels, labels over 63 bytes, names
 * over 255 encoded bytes, spaces and control bytes are not. Returns the encoded
 * length, or 0 (also when w overflows).
 */
static size_t
dns_name_encode(struct bf_wr *w, const char *name, size_t max)
{
	size_t n = strnlen(name, max), start = w->off, i = 0;

	if (n == max || n == 0)
		return 0;
	if (name[n - 1] == '.')
		n--;
	if (n == 0 || name[n - 1] == '.')
		return 0; /* "." or an empty last label */
	while (i < n) {
		size_t j = i;
		while (j < n && name[j] != '.')
			j++;
		if (j == i || j - i > 63)
			return 0;
		bf_wr_u8(w, (uint8_t)(j - i));
		for (size_t k = i; k < j; k++) {
			if (!dns_label_char((uint8_t)name[k]))
				return 0;
			bf_wr_u8(w, (uint8_t)name[k]);
		}
		i = j + 1;
	}
	bf_wr_u8(w, 0);
	if (w->err || w->off - start > 255)
		return 0;
	return w->off - start;
}

size_t
bf_ra_build(uint8_t *out, size_t cap, const struct bf_ra_conf *c, const uint8_t *slla_mac)
{
	struct bf_wr w;

	if (c->n_prefix > BF_RA_MAX_PREFIX || c->n_rdnss > BF_RA_MAX_RDNSS ||
	    c->n_dnssl > BF_RA_MAX_DNSSL)
		return 0;
	bf_wr_init(&w, out, cap);
	bf_wr_u8(&w, BF_ICMP6_RA);
	bf_wr_u8(&w, 0);
	bf_wr_be16(&w, 0); /* checksum: set with the IPv6 header */
	bf_wr_u8(&w, c->cur_hop_limit);
	bf_wr_u8(&w,
		 (uint8_t)((c->managed ? BF_RA_F_MANAGED : 0) | (c->other ? BF_RA_F_OTHER : 0)));
	bf_wr_be16(&w, c->router_lifetime);
	bf_wr_be32(&w, c->reachable_time);
	bf_wr_be32(&w, c->retrans_timer);
	if (slla_mac && !c->no_slla) {
		bf_wr_u8(&w, BF_ND_OPT_SLLA);
		bf_wr_u8(&w, 1);
		bf_wr_bytes(&w, slla_mac, 6);
	}
	if (c->mtu) {
		bf_wr_u8(&w, BF_ND_OPT_MTU);
		bf_wr_u8(&w, 1);
		bf_wr_be16(&w, 0);
		bf_wr_be32(&w, c->mtu);
	}
	for (unsigned i = 0; i < c->n_prefix; i++) {
		const struct bf_nd_prefix *x = &c->prefix[i];
		uint8_t pfx[BF_IP6_ALEN] = {0};

		if (x->len > 128)
			return 0;
		/* 4.6.2: bits past the prefix length are reserved, sent as zero. */
		memcpy(pfx, x->prefix, x->len / 8u);
		if (x->len % 8)
			pfx[x->len / 8] = x->prefix[x->len / 8] & (uint8_t)(0xff00 >> (x->len % 8));
		bf_wr_u8(&w, BF_ND_OPT_PREFIX);
		bf_wr_u8(&w, 4);
		bf_wr_u8(&w, x->len);
		bf_wr_u8(&w, (uint8_t)((x->on_link ? BF_PI_F_ONLINK : 0) |
				       (x->autonomous ? BF_PI_F_AUTO : 0)));
		bf_wr_be32(&w, x->valid);
		bf_wr_be32(&w, x->preferred);
		bf_wr_be32(&w, 0);
		bf_wr_bytes(&w, pfx, BF_IP6_ALEN);
	}
	if (c->n_rdnss) {
		bf_wr_u8(&w, BF_ND_OPT_RDNSS);
		bf_wr_u8(&w, (uint8_t)(1 + 2 * c->n_rdnss));
		bf_wr_be16(&w, 0);
		bf_wr_be32(&w, c->rdnss_lifetime);
		for (unsigned i = 0; i < c->n_rdnss; i++)
			bf_wr_bytes(&w, c->rdnss[i], BF_IP6_ALEN);
	}
	if (c->n_dnssl) {
		uint8_t *hdr = bf_wr_reserve(&w, 8);
		size_t names = 0;

		for (unsigned i = 0; i < c->n_dnssl; i++) {
			size_t k = dns_name_encode(&w, c->dnssl[i], sizeof(c->dnssl[i]));
			if (!k)
				return 0;
			names += k;
		}
		size_t pad = (8 - names % 8) % 8;
		size_t units = (8 + names + pad) / 8;
		if (!hdr || units > 255) /* the length field is one byte of 8-byte units */
			return 0;
		bf_wr_zero(&w, pad);
		hdr[0] = BF_ND_OPT_DNSSL;
		hdr[1] = (uint8_t)units;
		bf_put_be16(hdr + 2, 0);
		bf_put_be32(hdr + 4, c->dnssl_lifetime);
	}
	return w.err ? 0 : w.off;
}

size_t
bf_ra_write(uint8_t *out, size_t cap, const struct bf_ip6_if *ifc, const uint8_t src[BF_IP6_ALEN],
	    const uint8_t dst[BF_IP6_ALEN], const uint8_t *dst_mac, const struct bf_ra_conf *c)
{
	struct bf_ip6_tx t;
	size_t hl = bf_ip6_hdr_len(ifc->has_vlan);

	if (dst_mac) {
		memcpy(t.dst_mac, dst_mac, 6);
	} else {
		if (!(bf_ip6_addr_kind(dst) & BF_IP6_K_MCAST))
			return 0;
		bf_ip6_mcast_mac(t.dst_mac, dst);
	}
	if (hl > cap)
		return 0;
	size_t n = bf_ra_build(out + hl, cap - hl, c, ifc->mac);
	if (n == 0 || n > 0xffff)
		return 0;
	memcpy(t.src_mac, ifc->mac, 6);
	t.has_vlan = ifc->has_vlan;
	t.vlan_tci = ifc->vlan_tci;
	memcpy(t.src, src, BF_IP6_ALEN);
	memcpy(t.dst, dst, BF_IP6_ALEN);
	t.hop_limit = 255;
	return finish_icmp6(out, &t, n);
}

const char *
bf_ra_conf_check(const struct bf_ra_conf *c, uint32_t min_interval_s, uint32_t max_interval_s)
{
	uint8_t scratch[1280 - BF_IP6_HLEN];
	static const uint8_t mac[6] = {0x02};

	if (max_interval_s < 4 || max_interval_s > 1800)
		return "MaxRtrAdvInterval must be 4..1800 s (RFC 4861 6.2.1)";
	if (min_interval_s < 3 || (uint64_t)min_interval_s * 4 > (uint64_t)max_interval_s * 3)
		return "MinRtrAdvInterval must be 3 s..0.75 * MaxRtrAdvInterval (RFC 4861 6.2.1)";
	if (c->router_lifetime != 0 &&
	    (c->router_lifetime < max_interval_s || c->router_lifetime > 9000))
		return "router lifetime must be 0 or MaxRtrAdvInterval..9000 s (RFC 4861 6.2.1)";
	if (c->reachable_time > 3600000)
		return "reachable time must be at most 3600000 ms (RFC 4861 6.2.1)";
	if (c->mtu != 0 && c->mtu < 1280)
		return "MTU below the IPv6 minimum of 1280 (RFC 8200 5)";
	if (c->n_prefix > BF_RA_MAX_PREFIX)
		return "too many prefixes";
	for (unsigned i = 0; i < c->n_prefix; i++) {
		if (c->prefix[i].len > 128)
			return "prefix length over 128";
		if (c->prefix[i].preferred > c->prefix[i].valid)
			return "prefix preferred lifetime above its valid lifetime "
			       "(RFC 4862 5.5.3)";
	}
	if (c->n_rdnss > BF_RA_MAX_RDNSS)
		return "too many RDNSS addresses";
	for (unsigned i = 0; i < c->n_rdnss; i++)
		if (!(bf_ip6_addr_kind(c->rdnss[i]) & BF_IP6_K_UNICAST))
			return "RDNSS address not unicast (RFC 8106 5.1)";
	if (c->n_dnssl > BF_RA_MAX_DNSSL)
		return "too many DNSSL names";
	for (unsigned i = 0; i < c->n_dnssl; i++) {
		struct bf_wr w;
		bf_wr_init(&w, scratch, sizeof(scratch));
		if (!dns_name_encode(&w, c->dnssl[i], sizeof(c->dnssl[i])))
			return "DNSSL name invalid (RFC 1035 labels of 1..63 bytes, 253 in all)";
	}
	/* Every link carries 1280-byte packets: an RA that fits needs no fragmentation. */
	if (!bf_ra_build(scratch, sizeof(scratch), c, mac))
		return "RA larger than the IPv6 minimum MTU allows";
	return NULL;
}

/* Uniform in [0, range) from a 32-bit random value, without a division. */
static uint32_t
scale(uint32_t rnd, uint64_t range)
{
	return (uint32_t)(((uint64_t)rnd * range) >> 32);
}

uint32_t
bf_ra_interval_ms(uint32_t min_ms, uint32_t max_ms, unsigned n_sent, uint32_t rnd)
{
	if (min_ms > max_ms)
		min_ms = max_ms;
	uint32_t t = min_ms + scale(rnd, (uint64_t)max_ms - min_ms + 1);
	/* 6.2.4: the first few advertisements come quickly, so a new router is found. */
	if (n_sent < BF_RA_MAX_INITIAL_ADVERTS && t > BF_RA_MAX_INITIAL_INTERVAL_MS)
		t = BF_RA_MAX_INITIAL_INTERVAL_MS;
	return t;
}

uint32_t
bf_ra_delay_ms(uint32_t rnd)
{
	return scale(rnd, BF_RA_MAX_DELAY_MS + 1);
}

uint64_t
bf_ra_rs_answer_at(uint64_t now_ms, uint64_t next_ms, bool have_last, uint64_t last_ms,
		   uint32_t rnd)
{
	uint64_t d = bf_ra_delay_ms(rnd);
	uint64_t t = now_ms + d;

	/* Rate limit: one multicast RA per MIN_DELAY_BETWEEN_RAS, whatever the RS rate. */
	if (have_last && last_ms <= now_ms && now_ms - last_ms < BF_RA_MIN_DELAY_BETWEEN_MS)
		t = last_ms + BF_RA_MIN_DELAY_BETWEEN_MS + d;
	/* Never later than the RA already scheduled: that one answers the RS. */
	return t < next_ms ? t : next_ms;
}

/* ---- MLDv2 ----------------------------------------------------------------------------------- */

unsigned
bf_mld2_groups(uint8_t (*out)[BF_IP6_ALEN], unsigned max, bool dhcp6,
	       const uint8_t (*addrs)[BF_IP6_ALEN], unsigned n_addrs)
{
	unsigned n = 0;

	if (dhcp6 && n < max)
		memcpy(out[n++], ip6_dhcp_agents, BF_IP6_ALEN);
	for (unsigned i = 0; i < n_addrs && n < max; i++) {
		uint8_t sn[BF_IP6_ALEN];
		unsigned j;

		if (!(bf_ip6_addr_kind(addrs[i]) & BF_IP6_K_UNICAST))
			continue;
		bf_ip6_solicited_node(sn, addrs[i]);
		for (j = 0; j < n && memcmp(out[j], sn, BF_IP6_ALEN) != 0; j++)
			;
		if (j == n)
			memcpy(out[n++], sn, BF_IP6_ALEN);
	}
	return n;
}

size_t
bf_mld2_report(uint8_t *out, size_t cap, const struct bf_ip6_if *ifc,
	       const uint8_t src[BF_IP6_ALEN], uint8_t rec_type,
	       const uint8_t (*groups)[BF_IP6_ALEN], unsigned n)
{
	/* Hop-by-Hop: next header ICMPv6, length 0 (8 bytes), Router Alert 0 (MLD),
	 * PadN of 0 bytes (RFC 3810 5, RFC 2711). */
	static const uint8_t hbh[8] = {BF_IP6_NH_ICMP6, 0, 5, 2, 0, 0, 1, 0};
	uint8_t dst_mac[6];
	struct bf_wr w;

	if (n == 0 || n > (0xffffu - 8 - 8) / 20)
		return 0;
	size_t msg_len = 8 + 20 * (size_t)n;
	size_t hl = bf_ip6_hdr_len(ifc->has_vlan);
	if (hl > cap || 8 + msg_len > cap - hl)
		return 0;
	bf_ip6_mcast_mac(dst_mac, ip6_mld2_routers);
	put_hdrs(out, dst_mac, ifc->mac, ifc->has_vlan, ifc->vlan_tci, src, ip6_mld2_routers,
		 BF_IP6_NH_HOPOPTS, (uint16_t)(8 + msg_len), 1);
	bf_wr_init(&w, out + hl, cap - hl);
	bf_wr_bytes(&w, hbh, sizeof(hbh));
	uint8_t *ic = out + hl + w.off;
	bf_wr_u8(&w, BF_ICMP6_MLD2_REPORT);
	bf_wr_u8(&w, 0);
	bf_wr_be16(&w, 0);
	bf_wr_be16(&w, 0);
	bf_wr_be16(&w, (uint16_t)n);
	for (unsigned i = 0; i < n; i++) {
		bf_wr_u8(&w, rec_type);
		bf_wr_u8(&w, 0);   /* aux data length */
		bf_wr_be16(&w, 0); /* number of sources: EXCLUDE {} = "all sources" */
		bf_wr_bytes(&w, groups[i], BF_IP6_ALEN);
	}
	if (w.err)
		return 0;
	uint32_t s = bf_ip6_pseudo_sum(src, ip6_mld2_routers, BF_IP6_NH_ICMP6, (uint32_t)msg_len);
	bf_put_be16(ic + 2, bf_csum_finish(bf_csum_add(s, ic, msg_len)));
	return hl + w.off;
}
