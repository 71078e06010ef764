/* SPDX-License-Identifier: MIT */
/*
 * Frame classification: Ethernet II with at most one 802.1Q tag, ARP (RFC 826),
 * IPv4 (RFC 791, RFC 1122 source checks), ICMP (RFC 792), UDP (RFC 768).
 */
#include "bf_net.h"

#include <stdio.h>
#include <string.h>

#include "bf_csum.h"
#include "bf_wire.h"

static enum bf_class
drop(struct bf_pkt *p, enum bf_ctr why)
{
	p->reason = why;
	return BF_CLASS_DROP;
}

static bool
ip4_bad_source(uint32_t ip)
{
	uint8_t a = (uint8_t)(ip >> 24);
	/* 0.0.0.0 is legal (DHCP clients); multicast, class E, loopback are not. */
	return ip == BF_IP4_BROADCAST || a >= 224 || a == 127;
}

static enum bf_class
classify_arp(struct bf_pkt *p, struct bf_rd *r)
{
	uint16_t htype = bf_rd_be16(r);
	uint16_t ptype = bf_rd_be16(r);
	uint8_t hlen = bf_rd_u8(r);
	uint8_t plen = bf_rd_u8(r);

	p->arp_op = bf_rd_be16(r);
	p->arp_sha = bf_rd_bytes(r, BF_ETH_ALEN);
	p->arp_spa = bf_rd_be32(r);
	bf_rd_skip(r, BF_ETH_ALEN);
	p->arp_tpa = bf_rd_be32(r);
	if (r->err || htype != 1 || ptype != BF_ETHERTYPE_IPV4 || hlen != 6 || plen != 4)
		return drop(p, BF_CTR_drop_arp_malformed);
	/* A reply goes to the sender hardware address: never to a group. */
	if (bf_mac_is_multicast(p->arp_sha))
		return drop(p, BF_CTR_drop_arp_malformed);
	return BF_CLASS_ARP;
}

static enum bf_class
classify_udp(struct bf_pkt *p, unsigned flags)
{
	if (p->l4_len < BF_UDP_HLEN)
		return drop(p, BF_CTR_drop_udp_short);
	const uint8_t *u = p->frame + p->l4_off;
	uint16_t ulen = bf_get_be16(u + 4);
	uint16_t csum = bf_get_be16(u + 6);

	if (ulen < BF_UDP_HLEN || ulen > p->l4_len)
		return drop(p, BF_CTR_drop_udp_len);
	p->sport = bf_get_be16(u);
	p->dport = bf_get_be16(u + 2);
	p->pl_off = (uint16_t)(p->l4_off + BF_UDP_HLEN);
	p->pl_len = (uint16_t)(ulen - BF_UDP_HLEN);
	p->l4_len = ulen; /* trailing IP payload beyond the UDP length is ignored */
	if (csum != 0 && !(flags & BF_PKT_UDP_CSUM_OK)) {
		uint32_t ps = bf_csum_pseudo4(p->ip_src, p->ip_dst, BF_IPPROTO_UDP, ulen);
		if (bf_csum_fold(bf_csum_add(ps, u, ulen)) != 0xffff)
			return drop(p, bf_csum_is_partial(csum, ps) ? BF_CTR_drop_udp_csum_offload
								    : BF_CTR_drop_udp_csum);
	}
	return BF_CLASS_UDP4;
}

static enum bf_class
classify_ip4(struct bf_pkt *p, unsigned flags)
{
	size_t left = p->len - p->l3_off;
	const uint8_t *ip = p->frame + p->l3_off;

	if (left < BF_IP4_HLEN)
		return drop(p, BF_CTR_drop_ip_short);
	if ((ip[0] >> 4) != 4)
		return drop(p, BF_CTR_drop_ip_version);
	size_t ihl = (size_t)(ip[0] & 0x0f) * 4;
	if (ihl < BF_IP4_HLEN || ihl > left)
		return drop(p, BF_CTR_drop_ip_ihl);
	uint16_t tot = bf_get_be16(ip + 2);
	/* Ethernet may pad short frames, so the frame can be longer, never shorter. */
	if (tot < ihl || tot > left)
		return drop(p, BF_CTR_drop_ip_len);
	if (!(flags & BF_PKT_IP_CSUM_OK) && bf_csum_fold(bf_csum_add(0, ip, ihl)) != 0xffff)
		return drop(p, BF_CTR_drop_ip_csum);
	uint16_t frag = bf_get_be16(ip + 6);
	if (frag & 0x3fff) /* MF set or a non-zero offset */
		return drop(p, BF_CTR_drop_ip_frag);
	p->ip_ttl = ip[8];
	p->ip_proto = ip[9];
	p->ip_src = bf_get_be32(ip + 12);
	p->ip_dst = bf_get_be32(ip + 16);
	if (ip4_bad_source(p->ip_src))
		return drop(p, BF_CTR_drop_ip_src);
	p->l4_off = (uint16_t)(p->l3_off + ihl);
	p->l4_len = (uint16_t)(tot - ihl);
	switch (p->ip_proto) {
	case BF_IPPROTO_UDP:
		return classify_udp(p, flags);
	case BF_IPPROTO_ICMP:
		if (p->l4_len < 8 || bf_csum_fold(bf_csum_add(0, ip + ihl, p->l4_len)) != 0xffff)
			return drop(p, BF_CTR_drop_icmp_malformed);
		return BF_CLASS_ICMP4;
	default:
		return drop(p, BF_CTR_ignored_ip_proto);
	}
}

enum bf_class
bf_pkt_classify(struct bf_pkt *p, const uint8_t *frame, size_t len, unsigned flags)
{
	struct bf_rd r;

	memset(p, 0, sizeof(*p));
	p->frame = frame;
	p->len = len;
	bf_rd_init(&r, frame, len);
	bf_rd_skip(&r, BF_ETH_ALEN * 2);
	p->ethertype = bf_rd_be16(&r);
	if (r.err)
		return drop(p, BF_CTR_drop_runt);
	if (bf_mac_is_multicast(bf_pkt_src_mac(p)))
		return drop(p, BF_CTR_drop_src_mac);
	if (p->ethertype == BF_ETHERTYPE_VLAN) {
		p->has_vlan = true;
		p->vlan_tci = bf_rd_be16(&r);
		p->ethertype = bf_rd_be16(&r);
		if (r.err || p->ethertype == BF_ETHERTYPE_VLAN || p->ethertype == 0x88a8)
			return drop(p, BF_CTR_drop_vlan);
	}
	p->l3_off = (uint16_t)r.off;
	switch (p->ethertype) {
	case BF_ETHERTYPE_ARP:
		return classify_arp(p, &r);
	case BF_ETHERTYPE_IPV4:
		return classify_ip4(p, flags);
	default:
		return drop(p, BF_CTR_ignored_ethertype);
	}
}

static size_t
write_l2(uint8_t *out, const uint8_t *dst, const uint8_t *src, bool has_vlan, uint16_t tci,
	 uint16_t ethertype)
{
	size_t o = 0;

	memcpy(out, dst, BF_ETH_ALEN);
	memcpy(out + BF_ETH_ALEN, src, BF_ETH_ALEN);
	o = 2 * BF_ETH_ALEN;
	if (has_vlan) {
		bf_put_be16(out + o, BF_ETHERTYPE_VLAN);
		bf_put_be16(out + o + 2, tci);
		o += BF_VLAN_HLEN;
	}
	bf_put_be16(out + o, ethertype);
	return o + 2;
}

void
bf_udp4_hdr_write(uint8_t *out, const struct bf_udp4_addr *a, size_t plen, uint32_t pl_sum,
		  uint16_t ip_id)
{
	size_t o = write_l2(out, a->dst_mac, a->src_mac, a->has_vlan, a->vlan_tci,
			    BF_ETHERTYPE_IPV4);
	uint8_t *ip = out + o;
	uint8_t *u = ip + BF_IP4_HLEN;
	uint16_t ulen = (uint16_t)(BF_UDP_HLEN + plen);

	ip[0] = 0x45;
	ip[1] = 0;
	bf_put_be16(ip + 2, (uint16_t)(BF_IP4_HLEN + ulen));
	bf_put_be16(ip + 4, ip_id);
	bf_put_be16(ip + 6, 0x4000); /* DF: our replies are never fragmented */
	ip[8] = 64;
	ip[9] = BF_IPPROTO_UDP;
	bf_put_be16(ip + 10, 0);
	bf_put_be32(ip + 12, a->src_ip);
	bf_put_be32(ip + 16, a->dst_ip);
	bf_put_be16(ip + 10, bf_csum_finish(bf_csum_add(0, ip, BF_IP4_HLEN)));

	bf_put_be16(u, a->sport);
	bf_put_be16(u + 2, a->dport);
	bf_put_be16(u + 4, ulen);
	bf_put_be16(u + 6, 0);
	uint32_t s = bf_csum_pseudo4(a->src_ip, a->dst_ip, BF_IPPROTO_UDP, ulen);
	s = bf_csum_combine(s, bf_csum_add(0, u, BF_UDP_HLEN));
	s = bf_csum_combine(s, pl_sum);
	uint16_t c = bf_csum_finish(s);
	bf_put_be16(u + 6, c ? c : 0xffff); /* 0 means "no checksum" in UDP */
}

void
bf_udp4_addr_reply(struct bf_udp4_addr *a, const struct bf_pkt *p, const uint8_t *our_mac,
		   uint32_t our_ip)
{
	memcpy(a->dst_mac, bf_pkt_src_mac(p), BF_ETH_ALEN);
	memcpy(a->src_mac, our_mac, BF_ETH_ALEN);
	a->has_vlan = p->has_vlan;
	a->vlan_tci = p->vlan_tci;
	a->src_ip = our_ip;
	a->dst_ip = p->ip_src;
	a->sport = p->dport;
	a->dport = p->sport;
}

int
bf_arp_reply_inplace(uint8_t *frame, const struct bf_pkt *p, const uint8_t *our_mac,
		     uint32_t our_ip)
{
	if (p->arp_op != 1 || p->arp_tpa != our_ip)
		return -1;
	uint8_t sha[BF_ETH_ALEN];
	uint8_t *a = frame + p->l3_off;

	memcpy(sha, p->arp_sha, BF_ETH_ALEN);
	memcpy(frame, sha, BF_ETH_ALEN);
	memcpy(frame + BF_ETH_ALEN, our_mac, BF_ETH_ALEN);
	bf_put_be16(a + 6, 2);
	memcpy(a + 8, our_mac, BF_ETH_ALEN);
	bf_put_be32(a + 14, our_ip);
	memcpy(a + 18, sha, BF_ETH_ALEN);
	bf_put_be32(a + 24, p->arp_spa);
	return 0;
}

int
bf_icmp4_echo_reply_inplace(uint8_t *frame, const struct bf_pkt *p, const uint8_t *our_mac)
{
	uint8_t *ip = frame + p->l3_off;
	uint8_t *ic = frame + p->l4_off;
	size_t ihl = (size_t)(p->l4_off - p->l3_off);

	if (p->ip_proto != BF_IPPROTO_ICMP || p->l4_len < 8 || ic[0] != 8 || ic[1] != 0)
		return -1;
	memcpy(frame, bf_pkt_src_mac(p), BF_ETH_ALEN);
	memcpy(frame + BF_ETH_ALEN, our_mac, BF_ETH_ALEN);
	bf_put_be32(ip + 12, p->ip_dst);
	bf_put_be32(ip + 16, p->ip_src);
	ip[8] = 64;
	bf_put_be16(ip + 10, 0);
	bf_put_be16(ip + 10, bf_csum_finish(bf_csum_add(0, ip, ihl)));
	ic[0] = 0;
	bf_put_be16(ic + 2, 0);
	bf_put_be16(ic + 2, bf_csum_finish(bf_csum_add(0, ic, p->l4_len)));
	return 0;
}

char *
bf_ip4_str(uint32_t ip, char buf[16])
{
	snprintf(buf, 16, "%u.%u.%u.%u", ip >> 24, (ip >> 16) & 0xff, (ip >> 8) & 0xff, ip & 0xff);
	return buf;
}

char *
bf_mac_str(const uint8_t *m, char buf[18])
{
	/* per DHCP message: a tenth of what snprintf costs */
	static const char hex[] = "0123456789abcdef";
	for (int i = 0; i < 6; i++) {
		buf[3 * i] = hex[m[i] >> 4];
		buf[3 * i + 1] = hex[m[i] & 15];
		buf[3 * i + 2] = i < 5 ? ':' : '\0';
	}
	return buf;
}

int
bf_ip4_parse(const char *s, uint32_t *ip)
{
	uint32_t v = 0;

	for (int i = 0; i < 4; i++) {
		unsigned n = 0, digits = 0;
		while (*s >= '0' && *s <= '9') {
			n = n * 10 + (unsigned)(*s++ - '0');
			if (++digits > 3 || n > 255)
				return -1;
		}
		if (!digits)
			return -1;
		if (digits > 1 && s[-(int)digits] == '0')
			return -1; /* no octal-looking leading zeros */
		v = v << 8 | n;
		if (i < 3 && *s++ != '.')
			return -1;
	}
	if (*s)
		return -1;
	*ip = v;
	return 0;
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
bf_mac_parse(const char *s, uint8_t mac[BF_ETH_ALEN])
{
	for (int i = 0; i < BF_ETH_ALEN; i++) {
		int h = hexval(s[0]), l = h < 0 ? -1 : hexval(s[1]);
		if (h < 0 || l < 0)
			return -1;
		mac[i] = (uint8_t)(h << 4 | l);
		s += 2;
		if (i < BF_ETH_ALEN - 1) {
			if (*s != ':' && *s != '-')
				return -1;
			s++;
		}
	}
	return *s ? -1 : 0;
}
