/* SPDX-License-Identifier: MIT */
/*
 * IPv6 on a served port: Neighbor Discovery for our own addresses (RFC 4861),
 * ICMPv6 echo (RFC 4443) and MLDv2 (RFC 3810) answers, all from the worker
 * that received the frame. Only ports with IPv6 addresses configured take
 * IPv6; everything here that is not ours goes back to the caller (and so to
 * the exception path, when there is one).
 */
#include <arpa/inet.h>
#include <string.h>

#include "dp.h"
#include "shared/bf_nd.h"

#define ICMP6_MLD_QUERY 130 /* RFC 3810 5.1 (and MLDv1's) */

/* bf_nd's refusal reasons are bf_counters.def names (its "ok" is never counted). */
#define BF_CTR_ok BF_CTR_ignored_ethertype
static const enum bf_ctr why_ctr[BF_ND_R__COUNT] = {
#define WHY_CTR(name, help) [BF_ND_R_##name] = BF_CTR_##name,
    BF_ND_WHY_LIST(WHY_CTR)
#undef WHY_CTR
};
#undef BF_CTR_ok

bool
dp_ip6_is_ours(const struct dp_iface *ifc, const uint8_t addr[16])
{
	for (unsigned i = 0; i <= ifc->n_ip6; i++)
		if (memcmp(ifc->ip6[i], addr, 16) == 0)
			return true;
	return false;
}

static bool
is_why_ignored(enum bf_nd_why why)
{
	return why == BF_ND_R_ignored_ethertype || why == BF_ND_R_ignored_ip6_proto ||
	       why == BF_ND_R_ignored_icmp6_type;
}

/* An empty frame of up to cap bytes for port; its data pointer in *data. */
static struct rte_mbuf *
new_frame(struct rte_mempool *pool, uint16_t port, uint8_t **data, uint16_t cap)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(pool);

	if (!m)
		return NULL;
	if (rte_pktmbuf_tailroom(m) < cap) {
		rte_pktmbuf_free(m);
		return NULL;
	}
	m->port = port;
	*data = rte_pktmbuf_mtod(m, uint8_t *);
	return m;
}

static void
send_len(struct dp_worker *w, struct rte_mbuf *r, size_t len)
{
	if (!len) {
		rte_pktmbuf_free(r);
		return;
	}
	r->data_len = r->pkt_len = (uint32_t)len;
	dp_tx_enqueue(w, r);
}

struct rte_mbuf *
dp_ip6_mld_report(struct rte_mempool *pool, uint16_t port, const struct dp_iface *ifc)
{
	uint8_t groups[2 + DP_MAX_IP6][16];
	struct bf_ip6_if bif = {.has_vlan = false};
	uint8_t *d;
	struct rte_mbuf *m;
	unsigned n;

	if (!ifc->n_ip6)
		return NULL;
	memcpy(bif.mac, ifc->mac, 6);
	n = bf_mld2_groups(groups, RTE_DIM(groups), true, (const uint8_t(*)[16])ifc->ip6,
			   1u + ifc->n_ip6);
	m = new_frame(pool, port, &d, 512);
	if (!m)
		return NULL;
	size_t len = bf_mld2_report(d, 512, &bif, ifc->ip6[0], BF_MLD2_MODE_IS_EXCLUDE, groups, n);
	if (!len) {
		rte_pktmbuf_free(m);
		return NULL;
	}
	m->data_len = m->pkt_len = (uint32_t)len;
	return m;
}

static bool
icmp6_input(struct dp_worker *w, const struct dp_snap *snap, struct rte_mbuf *m,
	    const struct bf_ip6_pkt *p, const struct dp_iface *ifc)
{
	struct bf_nd_msg nd;
	struct rte_mbuf *r;
	uint8_t *d;

	switch (p->icmp_type) {
	case BF_ICMP6_ECHO_REQUEST: {
		size_t len;
		if (!dp_ip6_is_ours(ifc, p->dst))
			return false;
		BF_CNT(&w->ctr, icmp6_echo_rx);
		uint8_t ours[16];
		memcpy(ours, p->dst, 16);
		if (bf_icmp6_echo_reply_inplace(rte_pktmbuf_mtod(m, uint8_t *), p, ifc->mac, ours,
						&len) != 0) {
			BF_CNT(&w->ctr, drop_icmp6_short);
			rte_pktmbuf_free(m);
			return true;
		}
		m->data_len = m->pkt_len = (uint32_t)len;
		BF_CNT(&w->ctr, icmp6_echo_tx);
		dp_tx_enqueue(w, m);
		return true;
	}
	case BF_ICMP6_NS:
	case BF_ICMP6_NA:
		break;
	case BF_ICMP6_RS:
		if (!snap->ra) /* no RAs from us: the host's stack may answer */
			return false;
		if (bf_nd_parse(&nd, p) != BF_ND_R_ok) {
			w->ctr.v[why_ctr[nd.why]]++;
			rte_pktmbuf_free(m);
			return true;
		}
		BF_CNT(&w->ctr, nd_rs_rx);
		/* The control thread owns the RA schedule (RFC 4861 6.2.6 rate limit). */
		if (rte_ring_enqueue(w->to_ctl, m) != 0)
			rte_pktmbuf_free(m);
		return true;
	case ICMP6_MLD_QUERY:
		/* Answer general and our groups' queries alike: a report is small. */
		BF_CNT(&w->ctr, mld_query_rx);
		r = dp_ip6_mld_report(w->pool, m->port, ifc);
		if (r) {
			BF_CNT(&w->ctr, mld_report_tx);
			dp_tx_enqueue(w, r);
		}
		return false; /* the host may want to see queries too */
	default:
		return false;
	}
	if (bf_nd_parse(&nd, p) != BF_ND_R_ok) {
		w->ctr.v[why_ctr[nd.why]]++;
		rte_pktmbuf_free(m);
		return true;
	}
	if (!dp_ip6_is_ours(ifc, nd.target))
		return false;
	if (nd.type == BF_ICMP6_NA) {
		/* Our own NAs never come back to us: this is another host with our address. */
		const uint8_t *who = nd.tlla ? nd.tlla : p->frame + 6;
		if (memcmp(who, ifc->mac, 6) != 0) {
			char a[48];
			BF_CNT(&w->ctr, nd_dad_conflict);
			dp_log(w, "nd: address %s is in use by MAC %02x:%02x:%02x:%02x:%02x:%02x",
			       inet_ntop(AF_INET6, nd.target, a, sizeof(a)), who[0], who[1], who[2], who[3],
			       who[4], who[5]);
		}
		rte_pktmbuf_free(m);
		return true;
	}
	BF_CNT(&w->ctr, nd_ns_rx);
	r = new_frame(w->pool, m->port, &d, 128);
	if (r) {
		BF_CNT(&w->ctr, nd_na_tx);
		send_len(w, r, bf_nd_na_reply(d, 128, p, &nd, ifc->mac, false));
	} else {
		BF_CNT(&w->ctr, drop_nombuf);
	}
	rte_pktmbuf_free(m);
	return true;
}

/* TFTP over IPv6: port 69 and transfer ports, owned as over IPv4 (tid % workers). */
static bool
udp6_input(struct dp_worker *w, const struct dp_snap *snap, struct rte_mbuf *m,
	   const struct bf_ip6_pkt *p, const struct dp_iface *ifc)
{
	struct dp_ctx *ctx = w->ctx;
	static const uint8_t all_dhcp[16] = {0xff, 0x02, [13] = 0x01, [15] = 0x02};

	if (p->dport == 547 && snap->dhcp6 &&
	    (!memcmp(p->dst, all_dhcp, 16) || dp_ip6_is_ours(ifc, p->dst))) {
		/* The lease manager owns DHCPv6, as DHCPv4; the frame travels whole. */
		BF_CNT(&w->ctr, dhcp6_rx);
		if (rte_ring_enqueue(w->to_ctl, m) != 0) {
			BF_CNT(&w->ctr, drop_dhcp6_ring_full);
			rte_pktmbuf_free(m);
		}
		return true;
	}
	if (!dp_ip6_is_ours(ifc, p->dst))
		return false;
	if (p->dport == BF_TFTP_PORT) {
		dp_tftp_input6(ctx, w, snap, m, p);
		return true;
	}
	if (p->dport < 1024)
		return false;
	unsigned owner = dp_tftp_owner(ctx, p->dport);
	if (owner == w->id) {
		dp_tftp_input6(ctx, w, snap, m, p);
		return true;
	}
	m->ol_flags |= RTE_MBUF_F_RX_L4_CKSUM_GOOD; /* verified here */
	if (rte_ring_enqueue(ctx->workers[owner]->steer, m) != 0) {
		BF_CNT(&w->ctr, drop_tftp_steer_full);
		rte_pktmbuf_free(m);
	} else {
		BF_CNT(&w->ctr, tftp_steer);
	}
	return true;
}

bool
dp_ip6_input(struct dp_worker *w, const struct dp_snap *snap, struct rte_mbuf *m,
	     const struct dp_iface *ifc)
{
	struct bf_ip6_pkt p;
	unsigned flags = 0;
	enum bf_ip6_class cls;

	if (!ifc->n_ip6)
		return false;
	if ((m->ol_flags & RTE_MBUF_F_RX_L4_CKSUM_MASK) == RTE_MBUF_F_RX_L4_CKSUM_GOOD)
		flags |= BF_IP6_UDP_CSUM_OK;
	cls = bf_ip6_classify(&p, rte_pktmbuf_mtod(m, const uint8_t *), m->data_len, flags);
	if (cls == BF_IP6_DROP) {
		if (is_why_ignored(p.why))
			return false;
		w->ctr.v[why_ctr[p.why]]++;
		if (p.why == BF_ND_R_drop_udp6_csum_offload)
			w->csum_offload[m->port]++;
		rte_pktmbuf_free(m);
		return true;
	}
	if (cls == BF_IP6_UDP6) {
		if (!udp6_input(w, snap, m, &p, ifc))
			return false;
	} else if (!icmp6_input(w, snap, m, &p, ifc)) {
		return false;
	}
	BF_CNT(&w->ctr, ip6_rx);
	return true;
}

/*
 * Worker 0, once per published configuration: the MLDv2 report of our groups
 * (so MLD-snooping switches forward our solicited-node and DHCPv6 traffic)
 * and a duplicate address detection probe for each address (RFC 4862 5.4;
 * an answer is counted as nd_dad_conflict and logged by dp_ip6_input). Our
 * addresses are used at once: a boot server cannot wait, and a conflict is
 * an operator error to report, not to hide.
 */
void
dp_ip6_announce(struct dp_worker *w, const struct dp_snap *snap)
{
	struct dp_ctx *ctx = w->ctx;

	for (uint16_t i = 0; i < ctx->n_ports; i++) {
		uint16_t port = ctx->port_ids[i];
		const struct dp_iface *ifc = &snap->iface[port];
		struct bf_ip6_if bif = {.has_vlan = false};
		struct rte_mbuf *r;
		uint8_t *d;

		if (!ifc->configured || !ifc->n_ip6)
			continue;
		r = dp_ip6_mld_report(w->pool, port, ifc);
		if (r) {
			BF_CNT(&w->ctr, mld_report_tx);
			dp_tx_enqueue(w, r);
		}
		memcpy(bif.mac, ifc->mac, 6);
		for (unsigned k = 0; k <= ifc->n_ip6; k++) {
			r = new_frame(w->pool, port, &d, 128);
			if (!r) {
				BF_CNT(&w->ctr, drop_nombuf);
				continue;
			}
			BF_CNT(&w->ctr, nd_dad_tx);
			send_len(w, r, bf_nd_ns_dad(d, 128, &bif, ifc->ip6[k]));
		}
	}
}
