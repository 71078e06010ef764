/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target for the frame classifier and reply writers: Ethernet II +
 * 802.1Q, ARP (RFC 826), IPv4 (RFC 791), ICMP echo (RFC 792), UDP (RFC 768).
 * Classifies the input with no offload flags and with both; then for each
 * class runs what the worker would do on a copy and checks the result:
 * ARP and ICMP replies classify again as ARP / ICMP4 with valid checksums, a
 * UDP payload lies inside the frame, and a UDP reply carrying that payload,
 * written by bf_udp4_hdr_write, classifies again with a valid checksum.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bf_csum.h"
#include "bf_net.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

#define check(x) check_at((x), __LINE__)

static void
check_at(int ok, int line)
{
	if (!ok) {
		fprintf(stderr, "fuzz_frame: check failed at line %d\n", line);
		abort();
	}
}

static const uint8_t our_mac[BF_ETH_ALEN] = {0x02, 0x00, 0x00, 0xbf, 0x00, 0x01};
#define OUR_IP 0xc0a80201u /* 192.168.2.1 */

/* The worker only answers echo requests sent to its own unicast address. */
static bool
ip4_unicast(uint32_t ip)
{
	uint8_t a = (uint8_t)(ip >> 24);

	return ip != 0 && ip != BF_IP4_BROADCAST && a < 224 && a != 127;
}

static uint8_t *
dup_frame(const uint8_t *d, size_t n)
{
	uint8_t *c = malloc(n ? n : 1);

	check(c != NULL);
	if (n)
		memcpy(c, d, n);
	return c;
}

static void
do_arp(const struct bf_pkt *p, const uint8_t *d, size_t n)
{
	uint8_t *c = dup_frame(d, n);
	struct bf_pkt q;

	check(p->arp_sha >= d && (size_t)(p->arp_sha - d) + BF_ETH_ALEN <= n);
	/* Answer as the owner of the target address, so the reply path runs. */
	if (bf_arp_reply_inplace(c, p, our_mac, p->arp_tpa) == 0) {
		check(p->arp_op == 1);
		check(bf_pkt_classify(&q, c, n, 0) == BF_CLASS_ARP);
		check(q.arp_op == 2);
		check(q.arp_spa == p->arp_tpa && q.arp_tpa == p->arp_spa);
		check(memcmp(q.arp_sha, our_mac, BF_ETH_ALEN) == 0);
		check(q.has_vlan == p->has_vlan && q.vlan_tci == p->vlan_tci);
	}
	free(c);
}

static void
do_icmp(const struct bf_pkt *p, const uint8_t *d, size_t n)
{
	uint8_t *c = dup_frame(d, n);
	struct bf_pkt q;

	check((size_t)p->l4_off + p->l4_len <= n);
	if (bf_icmp4_echo_reply_inplace(c, p, our_mac) == 0 && ip4_unicast(p->ip_dst)) {
		/* Re-classified without offload flags: both checksums are verified. */
		enum bf_class k = bf_pkt_classify(&q, c, n, 0);
		if (k != BF_CLASS_ICMP4)
			fprintf(stderr, "fuzz_frame: echo reply dropped: %s\n",
				bf_ctr_name[q.reason]);
		check(k == BF_CLASS_ICMP4);
		check(q.ip_src == p->ip_dst && q.ip_dst == p->ip_src);
		check(q.l4_len == p->l4_len);
		check(c[q.l4_off] == 0);
	}
	free(c);
}

static void
do_udp(const struct bf_pkt *p, const uint8_t *d, size_t n)
{
	struct bf_udp4_addr a;
	struct bf_pkt q;

	check((size_t)p->pl_off + p->pl_len <= n);
	check(p->pl_off == p->l4_off + BF_UDP_HLEN);
	check(p->l4_len == p->pl_len + BF_UDP_HLEN);

	/* Echo the payload back the way a handler would, and read it again. */
	bf_udp4_addr_reply(&a, p, our_mac, OUR_IP);
	size_t hl = bf_udp4_hdr_len(&a);
	uint8_t *r = malloc(hl + p->pl_len);
	check(r != NULL);
	memcpy(r + hl, d + p->pl_off, p->pl_len);
	bf_udp4_hdr_write(r, &a, p->pl_len, bf_csum_add(0, r + hl, p->pl_len), 0x1234);
	check(bf_pkt_classify(&q, r, hl + p->pl_len, 0) == BF_CLASS_UDP4);
	check(q.pl_len == p->pl_len && q.pl_off == hl);
	check(q.sport == p->dport && q.dport == p->sport);
	check(q.ip_src == OUR_IP && q.ip_dst == p->ip_src);
	check(q.has_vlan == p->has_vlan && q.vlan_tci == p->vlan_tci);
	free(r);
}

static void
run(const uint8_t *d, size_t n, unsigned flags)
{
	struct bf_pkt p;
	enum bf_class k = bf_pkt_classify(&p, d, n, flags);

	check(p.frame == d && p.len == n);
	switch (k) {
	case BF_CLASS_DROP:
		check((int)p.reason >= 0 && p.reason < BF_CTR__COUNT);
		check(strncmp(bf_ctr_name[p.reason], "drop_", 5) == 0 ||
		      strncmp(bf_ctr_name[p.reason], "ignored_", 8) == 0);
		break;
	case BF_CLASS_ARP:
		do_arp(&p, d, n);
		break;
	case BF_CLASS_ICMP4:
		do_icmp(&p, d, n);
		break;
	case BF_CLASS_UDP4:
		do_udp(&p, d, n);
		break;
	default:
		check(0);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	run(d, n, 0);
	run(d, n, BF_PKT_UDP_CSUM_OK | BF_PKT_IP_CSUM_OK);
	return 0;
}
