/* SPDX-License-Identifier: MIT */
/*
 * The DHCPv6 server (RFC 8415) of the control thread: Solicit/Advertise,
 * Request/Renew/Rebind/Reply, Rapid Commit, Release, Decline, Confirm,
 * Information-Request, and all of them through relays (Relay-forward in,
 * Relay-reply out, INTERFACE_ID echoed). Prefixes for IA_PD come from the
 * subnet's pd_pools; addresses for IA_NA and IA_TA come
 * from the pools of the subnet that holds the client's link (the interface's
 * prefix, or the innermost relay's link-address). PXE and HTTP boot clients
 * get a bootfile-url (RFC 5970) chosen by the same boot rules as DHCPv4.
 *
 * A client's first address candidate is a hash of its DUID and IAID into the
 * pool, so a client keeps its address across a restart of the server even
 * before leases are made durable. Leases live in memory for now.
 */
#include <arpa/inet.h>
#include <endian.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rte_mbuf.h>

#include "control/core/ctl.h"
#include "control/leases/ctl_leases.h"
#include "control/slots/ctl_slots.h"
#include "shared/bf_csum.h"
#include "shared/bf_dhcp6.h"
#include "shared/bf_hash.h"
#include "shared/bf_nd.h"
#include "shared/bf_wire.h"

#define ADVERTISE_HOLD_S 60	/* an advertised address waits this long for its Request */
#define DECLINE_HOLD_S 3600	/* a declined address rests this long */
#define L6_BUCKETS 4096u

struct lease6 {
	struct lease6 *next_key, *next_addr;
	uint8_t duid[130];
	uint8_t duid_len;
	uint16_t ia_type;
	uint32_t iaid;
	uint8_t addr[16];
	uint64_t expires;	/* monotonic seconds */
	bool bound;		/* Reply sent (not just advertised) */
	bool stored;		/* in the durable store */
};

struct ctl_leases6 {
	struct lease6 *by_key[L6_BUCKETS];
	struct lease6 *by_addr[L6_BUCKETS];
	uint64_t n;
	struct ctl_store *store;	/* durable bindings, or NULL */
};


static uint32_t
key_hash(const uint8_t *duid, size_t dl, uint16_t type, uint32_t iaid)
{
	uint32_t h = bf_fnv1a32(duid, dl, BF_FNV32_INIT);
	h = bf_fnv1a32(&type, sizeof(type), h);
	return bf_fnv1a32(&iaid, sizeof(iaid), h);
}

static struct lease6 *
by_key(struct ctl_leases6 *l, const uint8_t *duid, size_t dl, uint16_t type, uint32_t iaid)
{
	for (struct lease6 *x = l->by_key[key_hash(duid, dl, type, iaid) % L6_BUCKETS]; x;
	     x = x->next_key)
		if (x->duid_len == dl && x->ia_type == type && x->iaid == iaid &&
		    !memcmp(x->duid, duid, dl))
			return x;
	return NULL;
}

static struct lease6 *
by_addr(struct ctl_leases6 *l, const uint8_t addr[16])
{
	for (struct lease6 *x = l->by_addr[bf_fnv1a32(addr, 16, BF_FNV32_INIT) % L6_BUCKETS]; x;
	     x = x->next_addr)
		if (!memcmp(x->addr, addr, 16))
			return x;
	return NULL;
}

static void
unlink6(struct ctl_leases6 *l, struct lease6 *x)
{
	struct lease6 **pp = &l->by_key[key_hash(x->duid, x->duid_len, x->ia_type, x->iaid) %
					 L6_BUCKETS];
	while (*pp && *pp != x)
		pp = &(*pp)->next_key;
	if (*pp)
		*pp = x->next_key;
	pp = &l->by_addr[bf_fnv1a32(x->addr, 16, BF_FNV32_INIT) % L6_BUCKETS];
	while (*pp && *pp != x)
		pp = &(*pp)->next_addr;
	if (*pp)
		*pp = x->next_addr;
	if (x->stored && l->store)
		ctl_store_del6(l->store, x->addr);
	l->n--;
	free(x);
}

static struct lease6 *
add6(struct ctl_leases6 *l, const uint8_t *duid, size_t dl, uint16_t type, uint32_t iaid,
     const uint8_t addr[16])
{
	struct lease6 *x = calloc(1, sizeof(*x));
	if (!x)
		return NULL;
	memcpy(x->duid, duid, dl);
	x->duid_len = (uint8_t)dl;
	x->ia_type = type;
	x->iaid = iaid;
	memcpy(x->addr, addr, 16);
	uint32_t k = key_hash(duid, dl, type, iaid) % L6_BUCKETS;
	x->next_key = l->by_key[k];
	l->by_key[k] = x;
	k = bf_fnv1a32(addr, 16, BF_FNV32_INIT) % L6_BUCKETS;
	x->next_addr = l->by_addr[k];
	l->by_addr[k] = x;
	l->n++;
	return x;
}

/* Write a binding to the store (its Reply waits for the commit, ctl_flush). */
static void
persist6(struct ctl_leases6 *l, struct lease6 *x)
{
	struct ctl_store_rec6 rec;

	if (!l->store)
		return;
	memset(&rec, 0, sizeof(rec));
	memcpy(rec.addr, x->addr, 16);
	rec.ia_type = x->ia_type;
	rec.iaid = x->iaid;
	rec.duid_len = x->duid_len;
	memcpy(rec.duid, x->duid, x->duid_len);
	rec.expires_wall = (int64_t)time(NULL) + (int64_t)(x->expires - ctl_now());
	x->stored = ctl_store_put6(l->store, &rec) == 0;
}

static int
restore6(const struct ctl_store_rec6 *rec, void *arg)
{
	struct ctl_leases6 *l = arg;
	int64_t left = rec->expires_wall - (int64_t)time(NULL);

	if (left <= 0 || by_addr(l, rec->addr))
		return 1; /* expired (or a duplicate): drop it from the store */
	struct lease6 *x = add6(l, rec->duid, rec->duid_len, rec->ia_type, rec->iaid, rec->addr);
	if (!x)
		return 0;
	x->bound = true;
	x->stored = true;
	x->expires = ctl_now() + (uint64_t)left;
	return 0;
}

int
ctl_leases6_restore(struct ctl_leases6 *l, struct ctl_store *store, struct bf_counters *ctr)
{
	uint64_t bad = 0;
	long n;

	l->store = store;
	n = ctl_store_load6(store, restore6, l, &bad);
	BF_CNT_ADD(ctr, dhcp4_store_bad, bad);
	return n < 0 ? -1 : (int)l->n;
}

struct ctl_leases6 *
ctl_leases6_new(void)
{
	return calloc(1, sizeof(struct ctl_leases6));
}

void
ctl_leases6_free(struct ctl_leases6 *l)
{
	if (!l)
		return;
	l->store = NULL; /* freeing memory is not a release: the store keeps them */
	for (unsigned i = 0; i < L6_BUCKETS; i++)
		while (l->by_key[i])
			unlink6(l, l->by_key[i]);
	free(l);
}

uint64_t
ctl_leases6_count(const struct ctl_leases6 *l)
{
	return l ? l->n : 0;
}

void
ctl_dhcp6_tick(struct ctl *c, uint64_t now_s)
{
	struct ctl_leases6 *l = c->leases6;

	for (unsigned i = 0; l && i < L6_BUCKETS; i++) {
		struct lease6 *x = l->by_key[i];
		while (x) {
			struct lease6 *next = x->next_key;
			if (x->expires <= now_s)
				unlink6(l, x);
			x = next;
		}
	}
}

/* ---- one request ---- */

struct req6 {
	struct ctl *c;
	const struct ctl_conf *conf;
	const struct dp_iface *ifc;
	const struct ctl_conf_subnet6 *subnet;
	struct bf_dhcp6_msg m;
	struct bf_dhcp6_chain chain;
	uint8_t server_duid[10];
	const struct ctl_conf_host6 *host;	/* this client's reservation, or NULL */
	uint64_t now;
	char duid_hex[64];
};

/* The subnet of the client's link: the innermost relay's link-address, else
 * the prefix one of the interface's addresses is in. */
static const struct ctl_conf_subnet6 *
find_subnet6(const struct req6 *r)
{
	const struct ctl_conf_dhcp6 *d = &r->conf->dhcp6;
	static const uint8_t zero[16];

	for (size_t i = 0; i < d->n_subnets; i++) {
		const struct ctl_conf_subnet6 *s = &d->subnets[i];
		if (r->chain.n) {
			const uint8_t *link = r->chain.layer[r->chain.n - 1].link;
			if (memcmp(link, zero, 16) && bf_ip6_in_prefix(link, s->prefix, s->plen))
				return s;
			continue;
		}
		for (unsigned k = 1; k <= r->ifc->n_ip6; k++)
			if (bf_ip6_in_prefix(r->ifc->ip6[k], s->prefix, s->plen))
				return s;
	}
	return NULL;
}

/* The client's MAC: from its DUID-LL/LLT, its option 79, or the relay's. */
static bool
client_mac(const struct req6 *r, uint8_t mac[6])
{
	const struct bf_dhcp6_msg *m = &r->m;

	if (bf_dhcp6_duid_mac(m->client_id.p, m->client_id.len, mac) == 0)
		return true;
	if (m->lltype == 1 && m->lladdr.len == 6) {
		memcpy(mac, m->lladdr.p, 6);
		return true;
	}
	for (unsigned i = r->chain.n; i-- > 0;) {
		const struct bf_dhcp6_relay *l = &r->chain.layer[i];
		if (l->lladdr.p && l->lltype == 1 && l->lladdr.len == 6) {
			memcpy(mac, l->lladdr.p, 6);
			return true;
		}
	}
	return false;
}

/* A reservation by DUID, else by MAC. */
static const struct ctl_conf_host6 *
find_host6(const struct req6 *r)
{
	const struct ctl_conf_subnet6 *s = r->subnet;
	uint8_t mac[6];
	bool has_mac;

	if (!s)
		return NULL;
	for (size_t i = 0; i < s->n_hosts; i++)
		if (s->hosts[i].duid_len == r->m.client_id.len &&
		    !memcmp(s->hosts[i].duid, r->m.client_id.p, r->m.client_id.len))
			return &s->hosts[i];
	has_mac = client_mac(r, mac);
	for (size_t i = 0; has_mac && i < s->n_hosts; i++)
		if (s->hosts[i].has_mac && !memcmp(s->hosts[i].mac, mac, 6))
			return &s->hosts[i];
	return NULL;
}

/* Reserved for another client? (Reserved addresses never come from a pool.) */
static bool
reserved_for_other(const struct req6 *r, const uint8_t a[16])
{
	const struct ctl_conf_subnet6 *s = r->subnet;

	for (size_t i = 0; s && i < s->n_hosts; i++)
		if (!memcmp(s->hosts[i].addr, a, 16))
			return &s->hosts[i] != r->host;
	return false;
}

static bool
usable(struct req6 *r, const uint8_t a[16], uint16_t type, uint32_t iaid)
{
	if (reserved_for_other(r, a))
		return false;
	struct lease6 *x = by_addr(r->c->leases6, a);
	if (!x)
		return true;
	if (x->expires <= r->now) {
		unlink6(r->c->leases6, x);
		return true;
	}
	return x->duid_len == r->m.client_id.len && x->ia_type == type && x->iaid == iaid &&
	       !memcmp(x->duid, r->m.client_id.p, x->duid_len);
}

/* An address from the pools for this IA: its current one, else a probe from
 * a hash of DUID and IAID (stable across restarts), else none. */
static bool
pick6(struct req6 *r, uint16_t type, uint32_t iaid, uint8_t out[16])
{
	const struct ctl_conf_subnet6 *s = r->subnet;
	const uint8_t *duid = r->m.client_id.p;
	size_t dl = r->m.client_id.len;
	struct lease6 *x = by_key(r->c->leases6, duid, dl, type, iaid);

	if (r->host && type == BF_O6_IA_NA && usable(r, r->host->addr, type, iaid)) {
		memcpy(out, r->host->addr, 16);
		return true;
	}
	if (x && x->expires > r->now && bf_ip6_in_prefix(x->addr, s->prefix, s->plen) &&
	    !reserved_for_other(r, x->addr)) {
		memcpy(out, x->addr, 16);
		return true;
	}
	uint32_t h = key_hash(duid, dl, type, iaid);
	for (unsigned p = 0; p < s->n_pools; p++) {
		uint64_t lo, hi;
		memcpy(&lo, s->pools[p].first + 8, 8);
		memcpy(&hi, s->pools[p].last + 8, 8);
		lo = be64toh(lo);
		hi = be64toh(hi);
		uint64_t span = hi - lo + 1, tries = span < 65536 ? span : 65536;
		for (uint64_t k = 0; k < tries; k++) {
			uint64_t v = htobe64(lo + (span ? (h + k) % span : 0));
			memcpy(out, s->pools[p].first, 8);
			memcpy(out + 8, &v, 8);
			if (usable(r, out, type, iaid))
				return true;
		}
	}
	return false;
}

/* A delegated prefix for this IA_PD: its current one, else a hash-placed
 * probe through the prefix pools (prefixes of 32..64 bits: the upper half). */
static bool
pick_pd(struct req6 *r, uint32_t iaid, uint8_t out[16], uint8_t *plen)
{
	const struct ctl_conf_subnet6 *s = r->subnet;
	const uint8_t *duid = r->m.client_id.p;
	size_t dl = r->m.client_id.len;
	struct lease6 *x = by_key(r->c->leases6, duid, dl, BF_O6_IA_PD, iaid);
	uint32_t h = key_hash(duid, dl, BF_O6_IA_PD, iaid);

	for (unsigned p = 0; p < s->n_pd; p++) {
		uint64_t lo, hi;
		unsigned shift = 64u - s->pd[p].len;
		memcpy(&lo, s->pd[p].first, 8);
		memcpy(&hi, s->pd[p].last, 8);
		lo = be64toh(lo) >> shift;
		hi = be64toh(hi) >> shift;
		if (x && x->expires > r->now) {
			uint64_t cur;
			memcpy(&cur, x->addr, 8);
			cur = be64toh(cur) >> shift;
			if (cur >= lo && cur <= hi) {
				memcpy(out, x->addr, 16);
				*plen = s->pd[p].len;
				return true;
			}
		}
		uint64_t span = hi - lo + 1, tries = span < 65536 ? span : 65536;
		for (uint64_t k = 0; k < tries; k++) {
			uint64_t v = htobe64((lo + (h + k) % span) << shift);
			memset(out, 0, 16);
			memcpy(out, &v, 8);
			if (usable(r, out, BF_O6_IA_PD, iaid)) {
				*plen = s->pd[p].len;
				return true;
			}
		}
	}
	return false;
}

static void
bind6(struct req6 *r, uint16_t type, uint32_t iaid, const uint8_t a[16], bool bound)
{
	struct ctl_leases6 *l = r->c->leases6;
	struct lease6 *x = by_key(l, r->m.client_id.p, r->m.client_id.len, type, iaid);

	if (x && memcmp(x->addr, a, 16)) {
		unlink6(l, x);
		x = NULL;
	}
	if (!x)
		x = add6(l, r->m.client_id.p, r->m.client_id.len, type, iaid, a);
	if (!x)
		return;
	x->bound = bound;
	x->expires = r->now + (bound ? r->conf->dhcp6.valid : ADVERTISE_HOLD_S);
	if (bound)
		persist6(l, x);
}

/* The boot URL for this client, or NULL: the boot rules with the DHCPv6
 * client architecture (61), user class "iPXE" (15) and vendor class (16). */
static const char *
boot_url(struct req6 *r, char *buf, size_t len, const char **why,
	 const struct ctl_conf_boot_rule **out)
{
	const struct bf_dhcp6_msg *m = &r->m;
	const uint8_t *vc = NULL;
	size_t vlen = 0;

	if (m->n_vendor_class && m->vendor_class[0].n_items) {
		vc = m->vendor_class[0].item[0].p;
		vlen = m->vendor_class[0].item[0].len;
	}
	const struct ctl_conf_boot_rule *rule =
	    ctl_match_rule(r->conf, m->is_ipxe, m->n_arch ? &m->arch[0] : NULL, vc, vlen);
	if (!rule)
		return NULL;
	*why = rule->name;
	*out = rule;
	if (strstr(rule->file, "://"))
		return rule->file;
	/* An image name: TFTP from the first global address of the interface */
	char a[INET6_ADDRSTRLEN];
	inet_ntop(AF_INET6, r->ifc->ip6[r->ifc->n_ip6 ? 1 : 0], a, sizeof(a));
	snprintf(buf, len, "tftp://[%s]/%s", a, rule->file);
	return buf;
}

static bool
wants(const struct req6 *r, uint16_t code)
{
	return bf_dhcp6_oro_has(&r->m, code);
}

/* The IAs of the reply: addresses for IA_NA/IA_TA, NoPrefixAvail for IA_PD. */
static void
put_ias(struct req6 *r, struct bf_wr *w, bool commit, char *first, size_t flen)
{
	const struct bf_dhcp6_msg *m = &r->m;
	const struct ctl_conf_dhcp6 *d = &r->conf->dhcp6;

	for (int kind = 0; kind < 3; kind++) {
		const struct bf_dhcp6_ia *src = kind == 0 ? m->ia_na : kind == 1 ? m->ia_ta : m->ia_pd;
		unsigned n = kind == 0 ? m->n_ia_na : kind == 1 ? m->n_ia_ta : m->n_ia_pd;
		for (unsigned i = 0; i < n; i++) {
			struct bf_dhcp6_ia ia = {.type = src[i].type, .iaid = src[i].iaid};
			uint8_t plen = 128;
			bool got = r->subnet &&
				   (kind == 2 ? pick_pd(r, ia.iaid, ia.addr[0].addr, &plen)
					      : pick6(r, ia.type, ia.iaid, ia.addr[0].addr));
			if (!got) {
				ia.has_status = true;
				ia.status = kind == 2 ? BF_D6S_NO_PREFIX_AVAIL : BF_D6S_NO_ADDRS_AVAIL;
			} else {
				ia.n_addr = 1;
				ia.addr[0].plen = plen;
				ia.addr[0].preferred = d->preferred;
				ia.addr[0].valid = d->valid;
				if (kind != 1) { /* RFC 8415 21.4, 21.21: T1 0.5, T2 0.8 of preferred */
					ia.t1 = d->preferred / 2;
					ia.t2 = (uint32_t)((uint64_t)d->preferred * 4 / 5);
				}
				bind6(r, ia.type, ia.iaid, ia.addr[0].addr, commit);
				if (!first[0] && kind != 2)
					inet_ntop(AF_INET6, ia.addr[0].addr, first, (socklen_t)flen);
				if (kind == 2) {
					char pb[INET6_ADDRSTRLEN];
					inet_ntop(AF_INET6, ia.addr[0].addr, pb, sizeof(pb));
					CTL_LOG(INFO, "dhcp6: prefix %s/%u for %s iaid %u%s", pb, plen,
						r->duid_hex, ia.iaid, commit ? "" : " (advertised)");
				}
			}
			bf_dhcp6_put_ia(w, &ia);
		}
	}
}

/* RELEASE and DECLINE: act on the addresses the client holds, then Success. */
static void
release_ias(struct req6 *r, bool decline)
{
	const struct bf_dhcp6_msg *m = &r->m;

	for (int kind = 0; kind < 3; kind++) {
		const struct bf_dhcp6_ia *src = kind == 0 ? m->ia_na : kind == 1 ? m->ia_ta : m->ia_pd;
		unsigned n = kind == 0 ? m->n_ia_na : kind == 1 ? m->n_ia_ta : m->n_ia_pd;
		for (unsigned i = 0; i < n; i++) {
			struct lease6 *x = by_key(r->c->leases6, m->client_id.p, m->client_id.len,
						  src[i].type, src[i].iaid);
			if (!x)
				continue;
			if (decline) { /* the address rests, held by nobody */
				uint8_t a[16];
				uint32_t iaid = x->iaid;
				memcpy(a, x->addr, 16);
				unlink6(r->c->leases6, x); /* under its own key: x is gone */
				static const uint8_t nobody[2] = {0xff, 0xff};
				struct lease6 *q = add6(r->c->leases6, nobody, 2, 0, iaid, a);
				if (q) {
					q->expires = r->now + DECLINE_HOLD_S;
					persist6(r->c->leases6, q);
				}
			} else {
				unlink6(r->c->leases6, x);
			}
		}
	}
}

/* CONFIRM (RFC 8415 18.3.3): are the client's addresses on its link? */
static uint16_t
confirm_status(const struct req6 *r)
{
	const struct bf_dhcp6_msg *m = &r->m;
	bool any = false;

	if (!r->subnet)
		return 0xffff; /* not our link: say nothing */
	for (unsigned i = 0; i < m->n_ia_na; i++)
		for (unsigned k = 0; k < m->ia_na[i].n_addr; k++) {
			any = true;
			if (!bf_ip6_in_prefix(m->ia_na[i].addr[k].addr, r->subnet->prefix, r->subnet->plen))
				return BF_D6S_NOT_ON_LINK;
		}
	return any ? BF_D6S_SUCCESS : 0xffff;
}

static void
hex(char *out, size_t cap, const uint8_t *p, size_t n)
{
	size_t o = 0;
	for (size_t i = 0; i < n && o + 3 <= cap; i++)
		o += (size_t)snprintf(out + o, cap - o, "%02x", p[i]);
	out[o] = '\0';
}

static void
send6(struct req6 *r, struct dp_worker *w, const struct bf_ip6_pkt *p, struct rte_mbuf *in,
      const uint8_t *msg, size_t len)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(r->c->dp->pool);
	struct bf_udp6_addr a;
	uint8_t ours[16];

	if (!m) {
		BF_CNT(&r->c->ctr, drop_nombuf);
		return;
	}
	/* From the address the request reached, or our link-local for multicast */
	memcpy(ours, (p->dst[0] == 0xff) ? r->ifc->ip6[0] : p->dst, 16);
	bf_udp6_addr_reply(&a, p, r->ifc->mac, ours);
	size_t hl = bf_udp6_hdr_len(&a), cap = rte_pktmbuf_tailroom(m);
	uint8_t *d = rte_pktmbuf_mtod(m, uint8_t *);
	struct bf_wr wr;
	bf_wr_init(&wr, d + hl, cap > hl ? cap - hl : 0);
	bf_dhcp6_wrap_reply(&wr, &r->chain, msg, len);
	if (cap <= hl || wr.err) {
		rte_pktmbuf_free(m);
		BF_CNT(&r->c->ctr, drop_dhcp6_reply_build);
		return;
	}
	m->data_len = m->pkt_len = (uint32_t)(hl + wr.off);
	bf_udp6_hdr_write(d, &a, wr.off, bf_csum_add(0, d + hl, wr.off));
	m->port = in->port;
	BF_CNT(&r->c->ctr, dhcp6_tx);
	ctl_reply(r->c, w, m);
}

void
ctl_dhcp6_input(struct ctl *c, const struct dp_snap *snap, struct dp_worker *w,
		struct rte_mbuf *in, const struct bf_ip6_pkt *p)
{
	static const char *const names[] = {"?", "SOLICIT", "ADVERTISE", "REQUEST", "CONFIRM",
					    "RENEW", "REBIND", "REPLY", "RELEASE", "DECLINE",
					    "RECONFIGURE", "INFORMATION-REQUEST"};
	struct req6 *r = calloc(1, sizeof(*r));
	uint8_t out[1500];
	struct bf_wr w6;
	char first[INET6_ADDRSTRLEN] = "", urlbuf[300];
	const char *why = "none", *url = NULL;
	const struct ctl_conf_boot_rule *rule = NULL;

	if (!r || !c->leases6) {
		free(r);
		rte_pktmbuf_free(in);
		return;
	}
	r->c = c;
	r->now = ctl_now();
	if (bf_dhcp6_unwrap(&r->chain, p->frame + p->pl_off, p->pl_len) ||
	    bf_dhcp6_parse(&r->m, r->chain.inner.p, r->chain.inner.len) ||
	    bf_dhcp6_check_client(&r->m)) {
		BF_CNT(&c->ctr, drop_dhcp6_malformed);
		goto out;
	}
	/* Answered from the snapshot its exchange began with (the Solicit's). */
	uint8_t cmac[6];
	bool has_cmac = client_mac(r, cmac);
	snap = ctl_exch_snap(c, 6, r->m.client_id.p, r->m.client_id.len, has_cmac ? cmac : NULL,
			     r->m.client_id.p, r->m.client_id.len, r->m.type == BF_DHCP6_SOLICIT);
	r->conf = ((const struct ctl_snapdata *)snap->ctl)->conf;
	r->ifc = &snap->iface[in->port];
	if (!r->conf->dhcp6.enabled) {
		BF_CNT(&c->ctr, dhcp6_ignored);
		goto out;
	}
	/* Our DUID-LL (type 3, Ethernet): the first port's MAC, the same every start. */
	r->server_duid[1] = 3;
	r->server_duid[3] = 1;
	memcpy(r->server_duid + 4, c->dp->port_mac[c->dp->port_ids[0]], 6);
	if (r->m.server_id.p && (r->m.server_id.len != sizeof(r->server_duid) ||
				 memcmp(r->m.server_id.p, r->server_duid, sizeof(r->server_duid)))) {
		BF_CNT(&c->ctr, dhcp6_ignored); /* for another server */
		goto out;
	}
	r->subnet = find_subnet6(r);
	r->host = find_host6(r);
	hex(r->duid_hex, sizeof(r->duid_hex), r->m.client_id.p, r->m.client_id.len);

	uint8_t type = BF_DHCP6_REPLY;
	bool commit = true, config = true;
	uint16_t status = 0xffff;
	switch (r->m.type) {
	case BF_DHCP6_SOLICIT:
		if (!r->subnet) {
			BF_CNT(&c->ctr, dhcp6_ignored);
			goto out;
		}
		if (!(r->m.rapid_commit && r->conf->dhcp6.rapid_commit)) {
			type = BF_DHCP6_ADVERTISE;
			commit = false;
		}
		break;
	case BF_DHCP6_REQUEST:
	case BF_DHCP6_RENEW:
	case BF_DHCP6_REBIND:
		if (!r->subnet) {
			BF_CNT(&c->ctr, dhcp6_ignored);
			goto out;
		}
		break;
	case BF_DHCP6_RELEASE:
	case BF_DHCP6_DECLINE:
		release_ias(r, r->m.type == BF_DHCP6_DECLINE);
		status = BF_D6S_SUCCESS;
		config = false;
		break;
	case BF_DHCP6_CONFIRM:
		status = confirm_status(r);
		if (status == 0xffff) {
			BF_CNT(&c->ctr, dhcp6_ignored);
			goto out;
		}
		config = false;
		break;
	case BF_DHCP6_INFORMATION_REQUEST:
		break;
	default:
		BF_CNT(&c->ctr, dhcp6_ignored);
		goto out;
	}

	bf_wr_init(&w6, out, sizeof(out));
	bf_dhcp6_put_hdr(&w6, type, r->m.xid);
	bf_dhcp6_put_duid(&w6, BF_O6_SERVERID, r->server_duid, sizeof(r->server_duid));
	if (r->m.client_id.p)
		bf_dhcp6_put_duid(&w6, BF_O6_CLIENTID, r->m.client_id.p, r->m.client_id.len);
	if (status != 0xffff)
		bf_dhcp6_put_status(&w6, status, status == BF_D6S_SUCCESS ? "ok" : "not on link");
	if (type == BF_DHCP6_ADVERTISE)
		bf_dhcp6_put_preference(&w6, r->conf->dhcp6.preference);
	if (r->m.type == BF_DHCP6_SOLICIT && commit)
		bf_dhcp6_put_opt(&w6, BF_O6_RAPID_COMMIT, NULL, 0);
	if (config && r->m.type != BF_DHCP6_INFORMATION_REQUEST)
		put_ias(r, &w6, commit, first, sizeof(first));
	const struct ctl_conf_subnet6 *cs = r->subnet ? r->subnet : r->conf->dhcp6.subnets;
	if (config && cs && r->conf->dhcp6.n_subnets) {
		if (cs->n_dns)
			bf_dhcp6_put_dns(&w6, (const uint8_t(*)[16])cs->dns, cs->n_dns);
		if (cs->domains[0])
			bf_dhcp6_put_domains(&w6, cs->domains);
	}
	if (r->m.type == BF_DHCP6_INFORMATION_REQUEST)
		bf_dhcp6_put_info_refresh(&w6, r->conf->dhcp6.info_refresh);
	if (config && (r->m.n_arch || r->m.is_pxe || r->m.is_http || wants(r, BF_O6_BOOTFILE_URL)))
		url = boot_url(r, urlbuf, sizeof(urlbuf), &why, &rule);
	if (url) {
		bf_dhcp6_put_bootfile_url(&w6, url);
		if (rule->n_params) { /* RFC 5970 3.2, e.g. a kernel command line */
			const char *pv[CTL_MAX_BOOT_PARAMS];
			for (unsigned k = 0; k < rule->n_params; k++)
				pv[k] = rule->params[k];
			bf_dhcp6_put_bootfile_params(&w6, pv, rule->n_params);
		}
		if (r->m.is_http) { /* UEFI HTTP Boot looks for its echo, as over DHCPv4 */
			static const char http[] = "HTTPClient";
			struct bf_dhcp6_span item = {(const uint8_t *)http, sizeof(http) - 1};
			bf_dhcp6_put_vendor_class(&w6, 343, &item, 1);
		}
	}
	if (w6.err) {
		BF_CNT(&c->ctr, drop_dhcp6_reply_build);
		goto out;
	}
	if (type == BF_DHCP6_ADVERTISE)
		BF_CNT(&c->ctr, dhcp6_advertise);
	else
		BF_CNT(&c->ctr, dhcp6_reply);
	CTL_LOG(INFO, "dhcp6: %s %s to %s%s%s for %s%s%s boot %s (rule %s)%s",
		type == BF_DHCP6_ADVERTISE ? "ADVERTISE" : "REPLY", first[0] ? first : "-",
		r->duid_hex, r->host ? " host " : "", r->host ? r->host->name : "",
		names[r->m.type < 12 ? r->m.type : 0], r->chain.n ? " via relay" : "",
		r->m.is_ipxe ? " (iPXE)" : "", url ? url : "-", url ? why : "none",
		r->m.type == BF_DHCP6_SOLICIT && commit ? " rapid-commit" : "");
	send6(r, w, p, in, out, w6.off);
	if (type == BF_DHCP6_REPLY && (r->m.type == BF_DHCP6_SOLICIT || r->m.type == BF_DHCP6_REQUEST))
		ctl_exch_end(c, 6, r->m.client_id.p, r->m.client_id.len, true);
	if (has_cmac) {
		uint8_t a16[16];
		bool has_addr = first[0] && inet_pton(AF_INET6, first, a16) == 1;
		ctl_where_dhcp(c, cmac, 6, names[r->m.type < 12 ? r->m.type : 0],
			       type == BF_DHCP6_ADVERTISE ? "ADVERTISE" : "REPLY",
			       has_addr ? a16 : NULL, url, url ? why : NULL, snap);
	}
out:
	rte_pktmbuf_free(in);
	free(r);
}

void
ctl_leases6_foreach(const struct ctl_leases6 *l,
		    void (*fn)(const struct ctl_lease6_info *i, void *arg), void *arg)
{
	uint64_t now = ctl_now();

	for (unsigned b = 0; l && b < L6_BUCKETS; b++)
		for (const struct lease6 *x = l->by_addr[b]; x; x = x->next_addr) {
			static const uint8_t nobody[2] = {0xff, 0xff};
			struct ctl_lease6_info i = {.duid = x->duid, .duid_len = x->duid_len,
						    .type = x->ia_type, .iaid = x->iaid,
						    .expires_in = x->expires > now ? x->expires - now : 0};
			memcpy(i.addr, x->addr, 16);
			i.state = x->duid_len == 2 && !memcmp(x->duid, nobody, 2) ? "declined"
				  : x->bound					  ? "bound"
										  : "advertised";
			fn(&i, arg);
		}
}

int
ctl_leases6_release(struct ctl *c, const uint8_t *duid, size_t dl, const uint8_t *mac,
		    const uint8_t *addr)
{
	struct ctl_leases6 *l = c->leases6;
	int n = 0;
	char ab[INET6_ADDRSTRLEN];

	for (unsigned b = 0; l && b < L6_BUCKETS; b++)
		for (struct lease6 *x = l->by_addr[b], *next; x; x = next) {
			uint8_t m[6];
			next = x->next_addr;
			if ((duid && (x->duid_len != dl || memcmp(x->duid, duid, dl))) ||
			    (addr && memcmp(x->addr, addr, 16)) ||
			    (mac && (bf_dhcp6_duid_mac(x->duid, x->duid_len, m) || memcmp(m, mac, 6))))
				continue;
			CTL_LOG(NOTICE, "dhcp6: %s released by the operator",
				inet_ntop(AF_INET6, x->addr, ab, sizeof(ab)));
			unlink6(l, x);
			n++;
		}
	return n;
}
