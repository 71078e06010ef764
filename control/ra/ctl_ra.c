/* SPDX-License-Identifier: MIT */
/*
 * Router Advertisements (RFC 4861 6.2, RFC 8106) from the control thread, for
 * every served port with IPv6 addresses while `ra:` is configured: the first
 * three at most 16 s apart, then every MinRtrAdvInterval..MaxRtrAdvInterval
 * (random); a Router Solicitation brings the next one forward to within
 * 0..500 ms, but never closer than 3 s to the previous multicast RA; a final
 * RA with router lifetime 0 when bootfarmd stops. Content comes from the
 * published snapshot, so a reload changes the next RA.
 */
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include <rte_ethdev.h>

#include "control/core/ctl.h"
#include "control/ra/ctl_ra.h"
#include "shared/bf_nd.h"

static const uint8_t all_nodes[16] = {0xff, 0x02, [15] = 0x01};

static uint32_t
rnd32(struct ctl *c)
{
	/* xorshift64*, seeded once from the kernel */
	if (!c->ra_rng && getrandom(&c->ra_rng, sizeof(c->ra_rng), 0) != sizeof(c->ra_rng))
		c->ra_rng = (uint64_t)time(NULL);
	c->ra_rng |= 1;
	c->ra_rng ^= c->ra_rng >> 12;
	c->ra_rng ^= c->ra_rng << 25;
	c->ra_rng ^= c->ra_rng >> 27;
	return (uint32_t)((c->ra_rng * 0x2545f4914f6cdd1dull) >> 32);
}

static const struct ctl_conf *
conf_of(const struct dp_snap *s)
{
	return ((const struct ctl_snapdata *)s->ctl)->conf;
}

/* A multicast RA for port in a new mbuf (router lifetime overridden by final). */
static struct rte_mbuf *
build(struct ctl *c, const struct dp_snap *s, uint16_t port, bool final)
{
	const struct dp_iface *ifc = &s->iface[port];
	struct bf_ra_conf ra = conf_of(s)->ra.ra;
	struct bf_ip6_if bif = {.has_vlan = false};
	struct rte_mbuf *m = rte_pktmbuf_alloc(c->dp->pool);

	if (!m)
		return NULL;
	if (final)
		ra.router_lifetime = 0;
	memcpy(bif.mac, ifc->mac, 6);
	uint16_t cap = rte_pktmbuf_tailroom(m);
	size_t len = bf_ra_write(rte_pktmbuf_mtod(m, uint8_t *), cap, &bif, ifc->ip6[0], all_nodes,
				 NULL, &ra);
	if (!len) {
		rte_pktmbuf_free(m);
		return NULL;
	}
	m->data_len = m->pkt_len = (uint32_t)len;
	m->port = port;
	return m;
}

static bool
advertising(const struct dp_snap *s, uint16_t port)
{
	return s && conf_of(s)->ra.enabled && s->iface[port].configured && s->iface[port].n_ip6;
}

static void
send_now(struct ctl *c, const struct dp_snap *s, uint16_t port, uint64_t now_ms)
{
	struct ctl_ra_port *st = &c->ra[port];
	const struct ctl_conf_ra *cr = &conf_of(s)->ra;
	struct rte_mbuf *m = build(c, s, port, false);

	if (m && rte_ring_enqueue(c->dp->workers[0]->ctl_tx, m) == 0)
		BF_CNT(&c->ctr, ra_tx);
	else
		rte_pktmbuf_free(m);
	st->n_sent++;
	st->have_last = true;
	st->last_ms = now_ms;
	st->rs_at = 0;
	st->next_ms = now_ms + bf_ra_interval_ms(cr->min_interval_s * 1000,
						 cr->max_interval_s * 1000, st->n_sent, rnd32(c));
}

void
ctl_ra_tick(struct ctl *c, uint64_t now_ms)
{
	const struct dp_snap *s = c->dp->snap; /* the control thread is the only writer */

	for (uint16_t i = 0; i < c->dp->n_ports; i++) {
		uint16_t port = c->dp->port_ids[i];
		struct ctl_ra_port *st = &c->ra[port];

		if (!advertising(s, port)) {
			memset(st, 0, sizeof(*st));
			continue;
		}
		if (!st->next_ms) /* newly advertising: the first RA after a short random delay */
			st->next_ms = now_ms + bf_ra_delay_ms(rnd32(c));
		if (now_ms >= st->next_ms || (st->rs_at && now_ms >= st->rs_at))
			send_now(c, s, port, now_ms);
	}
}

void
ctl_ra_rs(struct ctl *c, struct rte_mbuf *m, uint64_t now_ms)
{
	const struct dp_snap *s = c->dp->snap;
	uint16_t port = m->port;

	rte_pktmbuf_free(m); /* validated by the worker; only its arrival matters */
	if (port >= DP_MAX_PORTS || !advertising(s, port))
		return;
	struct ctl_ra_port *st = &c->ra[port];
	if (st->rs_at) /* an answer is already due: the delay counts from the first RS */
		return;
	st->rs_at = bf_ra_rs_answer_at(now_ms, st->next_ms ? st->next_ms : now_ms, st->have_last,
				       st->last_ms, rnd32(c));
}

void
ctl_ra_final(struct ctl *c)
{
	const struct dp_snap *s = c->dp->snap;

	for (uint16_t i = 0; i < c->dp->n_ports; i++) {
		uint16_t port = c->dp->port_ids[i];
		struct rte_mbuf *m;

		if (!advertising(s, port) || !c->ra[port].n_sent)
			continue;
		/* The workers have stopped: queue 0 is free to use from here. */
		m = build(c, s, port, true);
		if (m && rte_eth_tx_burst(port, 0, &m, 1) == 1)
			BF_CNT(&c->ctr, ra_tx);
		else
			rte_pktmbuf_free(m);
	}
}
