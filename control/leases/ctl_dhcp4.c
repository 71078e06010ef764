/* SPDX-License-Identifier: MIT */
/*
 * The DHCPv4 lease manager: RFC 2131 server behaviour (DISCOVER, REQUEST in
 * SELECTING / INIT-REBOOT / RENEWING / REBINDING, DECLINE, RELEASE, INFORM),
 * RFC 2131 4.1 reply addressing, RFC 3046 relay information echo, PXE client
 * handling (PXE 2.1; RFC 4578 options 93/94/97), boot rules by architecture
 * and iPXE user class.
 *
 * Runs on the control thread only: the single writer of lease state, so no
 * lock exists. Workers hand whole frames over through rte_rings; replies are
 * queued with ctl_reply() (ctl_commit.c) and leave once the LMDB commit that
 * holds their lease is on disk (ctl_store.c).
 *
 * One file of about 1,200 lines: the lease table, address choice and the
 * message handlers share one private state (struct ctl_leases, the request
 * context) and read as one state machine; the codec lives in shared/.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rte_log.h>
#include <rte_mbuf.h>

#include "control/core/ctl.h"
#include "control/leases/ctl_leases.h"
#include "control/slots/ctl_slots.h"
#include "shared/bf_csum.h"
#include "shared/bf_dhcp4.h"
#include "shared/bf_hash.h"
#include "shared/bf_pxe.h"
#include "shared/bf_template.h"
#include "shared/bf_tftp.h"
#include "shared/bf_wire.h"

#define LEASE_BUCKETS 65536u
#define OFFER_HOLD_S 30		/* an offered address is held this long */
#define KEY_MAX (1 + BF_DHCP4_MAX_CLIENT_ID)
_Static_assert(KEY_MAX <= CTL_STORE_KEY_MAX, "store records hold every client key");

enum lease_state {
	L_OFFERED = 1,
	L_BOUND,
	L_DECLINED,
};

/*
 * Where new clients come from, for dhcp4.limits: a relay's option 82 (circuit
 * and remote id), a relay (giaddr), or the port of directly attached clients.
 * Counts the leases it holds and meters new ones (token bucket); freed by the
 * tick once it holds none and its bucket is full again.
 */
#define ORIGIN_BUCKETS 4096u
struct ctl_origin {
	struct ctl_origin *next;
	uint64_t key;			/* FNV-64 of the kind and its bytes */
	uint32_t n;			/* leases (offered or bound) it holds */
	double tokens;			/* new leases it may start now */
	uint64_t last_ms;		/* bucket last refilled */
};

struct ctl_lease {
	struct ctl_lease *next_key, *next_ip, *next_mac;
	struct ctl_origin *origin;	/* counted against, or NULL */
	uint32_t ip;
	uint8_t state;
	uint8_t key_len;
	uint8_t key[KEY_MAX];
	uint8_t mac[6];
	uint64_t expires;
	char hostname[BF_DHCP4_MAX_HOSTNAME + 1];
};

#define CURSOR_SLOTS 256

struct ctl_leases {
	struct ctl_lease *by_key[LEASE_BUCKETS];
	struct ctl_lease *by_ip[LEASE_BUCKETS];
	struct ctl_lease *by_mac[LEASE_BUCKETS];
	uint64_t count;
	uint64_t bound;
	struct ctl_store *store;	/* durable copy of bound and declined leases, or NULL */
	struct bf_counters *ctr;
	/* Where the next free-address search starts, per pool range (keyed by its
	 * first address): a storm of new clients costs O(1) each instead of a scan
	 * from the pool's start (O(n^2) for n clients). Hints only: any value works. */
	struct {
		uint32_t first, next;
	} cursor[CURSOR_SLOTS];
	struct ctl_origin *origins[ORIGIN_BUCKETS];
	uint64_t limit_logged_ms;	/* the last "limit reached" warning */
};

struct ctl_leases *
ctl_leases_new(void)
{
	return calloc(1, sizeof(struct ctl_leases));
}

void
ctl_leases_free(struct ctl_leases *l)
{
	if (!l)
		return;
	for (uint32_t i = 0; i < ORIGIN_BUCKETS; i++)
		while (l->origins[i]) {
			struct ctl_origin *o = l->origins[i];
			l->origins[i] = o->next;
			free(o);
		}
	for (uint32_t i = 0; i < LEASE_BUCKETS; i++) {
		struct ctl_lease *e = l->by_key[i];
		while (e) {
			struct ctl_lease *n = e->next_key;
			free(e);
			e = n;
		}
	}
	free(l);
}

uint64_t
ctl_leases_count(const struct ctl_leases *l)
{
	return l->bound;
}


static uint32_t
hash_bytes(const uint8_t *p, size_t n)
{
	return bf_fnv1a32(p, n, BF_FNV32_INIT) % LEASE_BUCKETS;
}

static uint32_t
hash_ip(uint32_t ip)
{
	return (ip * 2654435761u) % LEASE_BUCKETS;
}

static struct ctl_lease *
lease_by_key(struct ctl_leases *l, const uint8_t *key, size_t len)
{
	for (struct ctl_lease *e = l->by_key[hash_bytes(key, len)]; e; e = e->next_key)
		if (e->key_len == len && memcmp(e->key, key, len) == 0)
			return e;
	return NULL;
}

static struct ctl_lease *
lease_by_ip(struct ctl_leases *l, uint32_t ip)
{
	for (struct ctl_lease *e = l->by_ip[hash_ip(ip)]; e; e = e->next_ip)
		if (e->ip == ip)
			return e;
	return NULL;
}

/* A live lease of this hardware address in subnet s (not a quarantined one). */
static struct ctl_lease *
lease_by_mac(struct ctl_leases *l, const uint8_t *mac, const struct ctl_conf_subnet *s,
	     uint64_t now)
{
	uint32_t mask = s->prefix ? ~0u << (32 - s->prefix) : 0;
	for (struct ctl_lease *e = l->by_mac[hash_bytes(mac, 6)]; e; e = e->next_mac)
		if (memcmp(e->mac, mac, 6) == 0 && e->state != L_DECLINED && e->expires > now &&
		    (e->ip & mask) == s->net)
			return e;
	return NULL;
}

static void
lease_unlink(struct ctl_leases *l, struct ctl_lease *x)
{
	struct ctl_lease **pp = &l->by_key[hash_bytes(x->key, x->key_len)];
	while (*pp && *pp != x)
		pp = &(*pp)->next_key;
	if (*pp)
		*pp = x->next_key;
	pp = &l->by_ip[hash_ip(x->ip)];
	while (*pp && *pp != x)
		pp = &(*pp)->next_ip;
	if (*pp)
		*pp = x->next_ip;
	pp = &l->by_mac[hash_bytes(x->mac, 6)];
	while (*pp && *pp != x)
		pp = &(*pp)->next_mac;
	if (*pp)
		*pp = x->next_mac;
	if (x->state == L_BOUND)
		l->bound--;
	if (x->origin)
		x->origin->n--;
	if (l->store && (x->state == L_BOUND || x->state == L_DECLINED)) {
		ctl_store_del(l->store, x->ip);
		BF_CNT(l->ctr, dhcp4_store_writes);
	}
	l->count--;
	free(x);
}

/* Write a bound or declined lease to the store's current batch. */
static void
lease_persist(struct ctl_leases *l, const struct ctl_lease *x)
{
	struct ctl_store_rec rec;
	uint64_t now = ctl_now();

	if (!l->store)
		return;
	memset(&rec, 0, sizeof(rec));
	rec.ip = x->ip;
	rec.state = x->state;
	rec.key_len = x->key_len;
	memcpy(rec.key, x->key, x->key_len);
	memcpy(rec.mac, x->mac, 6);
	rec.expires_wall = (int64_t)time(NULL) + (int64_t)(x->expires > now ? x->expires - now : 0);
	ctl_store_put(l->store, &rec);
	BF_CNT(l->ctr, dhcp4_store_writes);
}

static struct ctl_lease *
lease_add(struct ctl_leases *l, const uint8_t *key, size_t klen, uint32_t ip, const uint8_t *mac)
{
	struct ctl_lease *x = calloc(1, sizeof(*x));
	if (!x)
		return NULL;
	memcpy(x->key, key, klen);
	x->key_len = (uint8_t)klen;
	x->ip = ip;
	if (mac)
		memcpy(x->mac, mac, 6);
	uint32_t hk = hash_bytes(key, klen), hi = hash_ip(ip), hm = hash_bytes(x->mac, 6);
	x->next_key = l->by_key[hk];
	l->by_key[hk] = x;
	x->next_ip = l->by_ip[hi];
	l->by_ip[hi] = x;
	x->next_mac = l->by_mac[hm];
	l->by_mac[hm] = x;
	l->count++;
	return x;
}

static void
lease_set_state(struct ctl_leases *l, struct ctl_lease *x, uint8_t st)
{
	if (x->state == L_BOUND)
		l->bound--;
	if (st == L_DECLINED && x->origin) { /* a resting address is nobody's lease */
		x->origin->n--;
		x->origin = NULL;
	}
	x->state = st;
	if (st == L_BOUND)
		l->bound++;
}

struct restore_ctx {
	struct ctl_leases *l;
	uint64_t now_mono;
	int64_t now_wall;
	uint64_t restored, expired;
};

/* Load one record; 1 tells the store to delete it (expired, or not a lease state). */
static int
restore_one(const struct ctl_store_rec *rec, void *arg)
{
	struct restore_ctx *rc = arg;
	struct ctl_leases *l = rc->l;

	if ((rec->state != L_BOUND && rec->state != L_DECLINED) || rec->expires_wall <= rc->now_wall ||
	    lease_by_ip(l, rec->ip)) {
		rc->expired++;
		return 1;
	}
	struct ctl_lease *x = lease_add(l, rec->key, rec->key_len, rec->ip, rec->mac);
	if (!x)
		return 0;
	lease_set_state(l, x, rec->state);
	x->expires = rc->now_mono + (uint64_t)(rec->expires_wall - rc->now_wall);
	rc->restored++;
	return 0;
}

int
ctl_leases_restore(struct ctl_leases *l, struct ctl_store *store, struct bf_counters *ctr)
{
	struct restore_ctx rc = {l, ctl_now(), (int64_t)time(NULL), 0, 0};
	uint64_t bad = 0;

	l->store = NULL; /* nothing is written back while loading */
	l->ctr = ctr;
	long n = ctl_store_load(store, restore_one, &rc, &bad);
	l->store = store;
	if (n < 0)
		return -1;
	BF_CNT_ADD(ctr, dhcp4_store_loaded, rc.restored);
	BF_CNT_ADD(ctr, dhcp4_store_bad, bad);
	return (int)rc.restored;
}

void
ctl_dhcp4_tick(struct ctl *c, uint64_t now_s)
{
	struct ctl_leases *l = c->leases;
	/* A full sweep costs 64 Ki bucket visits; callers run it about once a second. */
	for (uint32_t i = 0; i < LEASE_BUCKETS; i++) {
		struct ctl_lease *e = l->by_ip[i];
		while (e) {
			struct ctl_lease *n = e->next_ip;
			if (e->expires <= now_s)
				lease_unlink(l, e);
			e = n;
		}
	}
	uint64_t now_ms = ctl_mono_ms();
	for (uint32_t i = 0; i < ORIGIN_BUCKETS; i++) {
		struct ctl_origin **pp = &l->origins[i];
		while (*pp) {
			struct ctl_origin *o = *pp;
			/* idle: no lease, and untouched for a second, by when any
			 * new_per_second bucket has refilled (its depth is one second) */
			if (o->n == 0 && now_ms - o->last_ms >= 1000) {
				*pp = o->next;
				free(o);
			} else {
				pp = &o->next;
			}
		}
	}
}

/* ---- configuration lookups ---- */

static int
cmp_mac_ref(const void *k, const void *e)
{
	return memcmp(k, ((const struct ctl_host_ref *)e)->host->mac, 6);
}

const struct ctl_host_ref *
ctl_host_by_mac(const struct ctl_snapdata *d, const uint8_t *mac)
{
	return d->n_by_mac ? bsearch(mac, d->by_mac, d->n_by_mac, sizeof(*d->by_mac), cmp_mac_ref)
			   : NULL;
}

struct cid_key {
	const uint8_t *p;
	size_t len;
};

static int
cmp_cid_ref(const void *k, const void *e)
{
	const struct cid_key *c = k;
	const struct ctl_conf_host *h = ((const struct ctl_host_ref *)e)->host;
	if (c->len != h->cid_len)
		return c->len < h->cid_len ? -1 : 1;
	return memcmp(c->p, h->cid, c->len);
}

const struct ctl_host_ref *
ctl_host_by_cid(const struct ctl_snapdata *d, const uint8_t *cid, size_t len)
{
	struct cid_key k = {cid, len};
	return d->n_by_cid ? bsearch(&k, d->by_cid, d->n_by_cid, sizeof(*d->by_cid), cmp_cid_ref)
			   : NULL;
}

static int
cmp_uuid_ref(const void *k, const void *e)
{
	return memcmp(k, ((const struct ctl_host_ref *)e)->host->uuid, 16);
}

const struct ctl_host_ref *
ctl_host_by_uuid(const struct ctl_snapdata *d, const uint8_t *uuid)
{
	return d->n_by_uuid
		   ? bsearch(uuid, d->by_uuid, d->n_by_uuid, sizeof(*d->by_uuid), cmp_uuid_ref)
		   : NULL;
}

static int
cmp_ip_ref(const void *k, const void *e)
{
	uint32_t a = *(const uint32_t *)k, b = ((const struct ctl_host_ref *)e)->host->ip;
	return a < b ? -1 : a > b;
}

const struct ctl_host_ref *
ctl_host_by_ip(const struct ctl_snapdata *d, uint32_t ip)
{
	return d->n_by_ip ? bsearch(&ip, d->by_ip, d->n_by_ip, sizeof(*d->by_ip), cmp_ip_ref)
			  : NULL;
}

static bool
in_subnet(const struct ctl_conf_subnet *s, uint32_t ip)
{
	uint32_t mask = s->prefix ? ~0u << (32 - s->prefix) : 0;
	return (ip & mask) == s->net;
}

static bool
in_pool(const struct ctl_conf_subnet *s, uint32_t ip)
{
	for (size_t i = 0; i < s->n_ranges; i++)
		if (ip >= s->ranges[i].first && ip <= s->ranges[i].last)
			return true;
	return false;
}

static const struct ctl_conf_subnet *
find_subnet(const struct ctl_conf *conf, uint32_t ip)
{
	for (size_t i = 0; i < conf->n_subnets; i++)
		if (in_subnet(&conf->subnets[i], ip))
			return &conf->subnets[i];
	return NULL;
}

/* ---- one exchange ---- */

struct req_ctx {
	struct ctl *c;
	const struct dp_snap *snap;
	const struct ctl_snapdata *d;
	const struct dp_iface *ifc;
	struct dp_worker *w;
	uint16_t port_id;
	const struct bf_pkt *p;
	const struct bf_dhcp4_msg *m;
	const struct ctl_conf_subnet *subnet;
	const struct ctl_host_ref *host;	/* reservation, if any */
	bool proxy;				/* answer without an address (ProxyDHCP, 4011) */
	bool has_item;				/* Boot Server Discovery: option 43 sub-option 71 */
	uint16_t item_type, item_layer;
	const char *item_file;			/* the menu item's boot file */
	uint8_t key[KEY_MAX];
	size_t key_len;
	char macs[18];
};

/* The client's identity: option 61 if sent, else htype + chaddr (RFC 2131 4.2). */
static void
client_key(struct req_ctx *r)
{
	size_t n;
	const uint8_t *id = bf_dhcp4_get(r->m, BF_O4_CLIENT_ID, &n);
	if (id && n <= BF_DHCP4_MAX_CLIENT_ID) {
		r->key[0] = 0xff; /* distinct from any htype */
		memcpy(r->key + 1, id, n);
		r->key_len = 1 + n;
		return;
	}
	uint8_t hl = r->m->hlen > 16 ? 16 : r->m->hlen;
	r->key[0] = r->m->htype;
	memcpy(r->key + 1, r->m->chaddr, hl);
	r->key_len = 1 + (size_t)hl;
}

/*
 * The lease belongs to this client's hardware under another identity. One
 * machine changes identity between boot stages (EDK2 sends a client
 * identifier, the iPXE it loads does not): it keeps its address rather than
 * holding one per stage until they expire, which would drain a rack-sized pool.
 */
static bool
same_hardware(const struct req_ctx *r, const struct ctl_lease *e)
{
	return r->m->htype == 1 && r->m->hlen == 6 && memcmp(e->mac, r->m->chaddr, 6) == 0;
}

static bool
addr_usable(struct req_ctx *r, uint32_t ip, uint64_t now)
{
	const struct ctl_host_ref *h = ctl_host_by_ip(r->d, ip);
	if (h && h != r->host)
		return false; /* reserved for someone else */
	for (size_t i = 0; i < DP_MAX_PORTS; i++)
		if (r->snap->iface[i].configured && r->snap->iface[i].ip4 == ip)
			return false;
	struct ctl_lease *e = lease_by_ip(r->c->leases, ip);
	if (!e || e->expires <= now)
		return true;
	if (e->state == L_DECLINED)
		return false;
	return (e->key_len == r->key_len && memcmp(e->key, r->key, r->key_len) == 0) ||
	       same_hardware(r, e);
}

static uint32_t
pick_address(struct req_ctx *r, uint64_t now)
{
	const struct ctl_conf_subnet *s = r->subnet;
	struct ctl_lease *e = lease_by_key(r->c->leases, r->key, r->key_len);

	if (r->host && r->host->host->has_ip)
		return r->host->subnet == s ? r->host->host->ip : 0;
	if (e && e->state != L_DECLINED && in_subnet(s, e->ip) && in_pool(s, e->ip))
		return e->ip;
	if (!e && r->m->htype == 1 && r->m->hlen == 6) {
		struct ctl_lease *hw = lease_by_mac(r->c->leases, r->m->chaddr, s, now);
		if (hw && in_pool(s, hw->ip))
			return hw->ip;
	}
	if (bf_dhcp4_has(r->m, BF_O4_REQ_IP) && in_pool(s, r->m->req_ip) &&
	    addr_usable(r, r->m->req_ip, now))
		return r->m->req_ip;
	/* Each range from its cursor to its end, then from its start to the cursor. */
	for (size_t i = 0; i < s->n_ranges; i++) {
		uint32_t first = s->ranges[i].first, last = s->ranges[i].last;
		uint32_t h = (first * 2654435761u) >> 24; /* CURSOR_SLOTS = 256 */
		uint32_t *next = &r->c->leases->cursor[h].next;
		uint32_t from = r->c->leases->cursor[h].first == first && *next >= first &&
					*next <= last
				    ? *next
				    : first;
		for (uint64_t n = 0, span = (uint64_t)last - first + 1; n < span; n++) {
			uint32_t ip = (uint32_t)(from + n <= last ? from + n : from + n - span);
			if (addr_usable(r, ip, now)) {
				r->c->leases->cursor[h].first = first;
				*next = ip == last ? first : ip + 1;
				return ip;
			}
		}
	}
	return 0;
}

/* ---- dhcp4.limits: what one origin of new clients may take ---- */

static bool
limits_on(const struct ctl_conf_limits4 *lim)
{
	return lim->per_circuit || lim->per_relay || lim->per_port || lim->new_per_s;
}

/* The client's origin (found or made), and the lease cap that applies to it. */
static struct ctl_origin *
origin_of(struct req_ctx *r, uint32_t *cap, const char **kind)
{
	const struct ctl_conf_limits4 *lim = &r->d->conf->limits4;
	struct ctl_leases *l = r->c->leases;
	size_t n82 = 0;
	const uint8_t *o82 = bf_dhcp4_get(r->m, BF_O4_RELAY_INFO, &n82);
	uint64_t h;

	if (o82 && n82) { /* the relay names the client's switch port (circuit id) */
		h = bf_fnv1a64("c", 1, BF_FNV64_INIT);
		h = bf_fnv1a64(o82, n82, bf_fnv1a64(&r->m->giaddr, 4, h));
		*cap = lim->per_circuit;
		*kind = "circuit";
	} else if (r->m->giaddr) {
		h = bf_fnv1a64(&r->m->giaddr, 4, bf_fnv1a64("r", 1, BF_FNV64_INIT));
		*cap = lim->per_relay;
		*kind = "relay";
	} else {
		h = bf_fnv1a64(&r->port_id, 2, bf_fnv1a64("p", 1, BF_FNV64_INIT));
		*cap = lim->per_port;
		*kind = "port";
	}
	struct ctl_origin **pp = &l->origins[h % ORIGIN_BUCKETS];
	while (*pp && (*pp)->key != h)
		pp = &(*pp)->next;
	if (!*pp && (*pp = calloc(1, sizeof(**pp))) != NULL) {
		(*pp)->key = h;
		(*pp)->tokens = lim->new_per_s;
		(*pp)->last_ms = ctl_mono_ms();
	}
	return *pp;
}

/*
 * May this client start a new lease? Only a client with no lease and no
 * reservation is asked: a starvation attack (many spoofed MACs behind one
 * port or circuit) is held to the origin's share, and everyone else keeps
 * theirs. Refused: no answer (the client retries), counted, logged at most
 * once every 10 s.
 */
static bool
lease_admit(struct req_ctx *r, uint64_t now)
{
	const struct ctl_conf_limits4 *lim = &r->d->conf->limits4;
	struct ctl_leases *l = r->c->leases;
	uint32_t cap;
	const char *kind;
	enum bf_ctr why;

	if (!limits_on(lim) || (r->host && r->host->host->has_ip) ||
	    lease_by_key(l, r->key, r->key_len) ||
	    (r->m->htype == 1 && r->m->hlen == 6 && lease_by_mac(l, r->m->chaddr, r->subnet, now)))
		return true;
	struct ctl_origin *o = origin_of(r, &cap, &kind);
	if (!o)
		return true; /* out of memory: no worse than without limits */
	uint64_t now_ms = ctl_mono_ms();
	if (lim->new_per_s) {
		o->tokens += (double)(now_ms - o->last_ms) * lim->new_per_s / 1000.0;
		if (o->tokens > lim->new_per_s)
			o->tokens = lim->new_per_s;
		o->last_ms = now_ms;
	}
	if (cap && o->n >= cap)
		why = BF_CTR_drop_dhcp4_limit_leases;
	else if (lim->new_per_s && o->tokens < 1.0)
		why = BF_CTR_drop_dhcp4_limit_rate;
	else {
		if (lim->new_per_s)
			o->tokens -= 1.0;
		return true;
	}
	r->c->ctr.v[why]++;
	if (now_ms - l->limit_logged_ms >= 10000 || !l->limit_logged_ms) {
		l->limit_logged_ms = now_ms;
		CTL_LOG(WARNING, "dhcp4: %s: no new lease for %s (%s limit reached: %u leases held%s)",
			kind, r->macs, why == BF_CTR_drop_dhcp4_limit_rate ? "rate" : "lease",
			o->n, why == BF_CTR_drop_dhcp4_limit_rate ? ", new_per_second spent" : "");
	}
	return false;
}

/* A lease just made counts against its client's origin. */
static void
origin_attach(struct req_ctx *r, struct ctl_lease *e)
{
	uint32_t cap;
	const char *kind;

	if (e->origin || !limits_on(&r->d->conf->limits4))
		return;
	e->origin = origin_of(r, &cap, &kind);
	if (e->origin)
		e->origin->n++;
}

static const struct ctl_conf_boot_rule *
match_rule(const struct ctl_conf *conf, const struct bf_dhcp4_msg *m)
{
	size_t vlen = 0;
	const uint8_t *vc = bf_dhcp4_get(m, BF_O4_VENDOR_CLASS, &vlen);

	return ctl_match_rule(conf, m->is_ipxe, m->n_arch ? &m->arch[0] : NULL, vc, vlen);
}

/* Boot file for this client: a host's own file, unless it is iPXE and a rule
 * for iPXE exists (that breaks the chain-loading loop), else the first rule. */
static const char *
choose_boot(struct req_ctx *r, uint32_t *next_server, const char **why)
{
	const struct ctl_conf *conf = r->d->conf;
	const struct ctl_conf_boot_rule *rule = match_rule(conf, r->m);

	*next_server = r->subnet && r->subnet->next_server ? r->subnet->next_server : r->ifc->ip4;
	if (r->item_file) {
		*why = "menu";
		return r->item_file;
	}
	if (r->host && r->host->host->boot_file[0] && !(rule && rule->ipxe == 1 && r->m->is_ipxe)) {
		*why = "host";
		return r->host->host->boot_file;
	}
	if (!rule) {
		*why = "none";
		return NULL;
	}
	if (rule->next_server)
		*next_server = rule->next_server;
	*why = rule->name;
	return rule->file;
}

static void
put_addrs(struct bf_dhcp4_optset *os, uint8_t code, const uint32_t *a, uint8_t n)
{
	uint8_t buf[4 * CTL_MAX_ADDRS];
	for (uint8_t i = 0; i < n; i++)
		bf_put_be32(buf + 4 * i, a[i]);
	if (n)
		bf_dhcp4_optset_put(os, code, buf, 4u * n);
}

static void
send_reply(struct req_ctx *r, struct bf_dhcp4_hdr *h, struct bf_dhcp4_optset *os, uint8_t type)
{
	struct ctl *c = r->c;
	const struct bf_dhcp4_msg *m = r->m;
	size_t prl_len = 0;
	const uint8_t *prl = bf_dhcp4_get(m, BF_O4_PRL, &prl_len);
	uint8_t out[1500];
	struct bf_udp4_addr a;
	static const uint8_t bcast_mac[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

	bf_dhcp4_optset_put_u8(os, BF_O4_MSG_TYPE, type);
	bf_dhcp4_optset_put_u32(os, BF_O4_SERVER_ID, r->ifc->ip4);
	size_t rlen;
	const uint8_t *ri = bf_dhcp4_get(m, BF_O4_RELAY_INFO, &rlen);
	if (ri && m->giaddr) /* RFC 3046: echo to the relay, never to a plain client */
		bf_dhcp4_optset_put(os, BF_O4_RELAY_INFO, ri, rlen);
	/* a relay or the frame itself bounds the size; never beyond one frame */
	size_t max = m->max_size ? m->max_size : 576;
	size_t frame_room = (size_t)r->ifc->mtu - 28;
	if (max > frame_room)
		max = frame_room;
	int n = bf_dhcp4_build(out, sizeof(out), h, os, prl, prl_len, max);
	if (n < 0) {
		BF_CNT(&c->ctr, drop_dhcp4_reply_build);
		return;
	}

	/* RFC 2131 4.1 */
	memset(&a, 0, sizeof(a));
	memcpy(a.src_mac, r->ifc->mac, 6);
	a.has_vlan = r->p->has_vlan;
	a.vlan_tci = r->p->vlan_tci;
	a.src_ip = r->ifc->ip4;
	a.sport = BF_DHCP4_SERVER_PORT;
	a.dport = BF_DHCP4_CLIENT_PORT;
	if (r->p->dport == BF_DHCP4_PXE_PORT && r->p->ip_src) {
		memcpy(a.dst_mac, bf_pkt_src_mac(r->p), 6);
		a.dst_ip = r->p->ip_src;
		a.sport = BF_DHCP4_PXE_PORT;
		a.dport = r->p->sport;
	} else if (m->giaddr) {
		memcpy(a.dst_mac, bf_pkt_src_mac(r->p), 6);
		a.dst_ip = m->giaddr;
		a.dport = BF_DHCP4_SERVER_PORT;
	} else if (type == BF_DHCPNAK) {
		memcpy(a.dst_mac, bcast_mac, 6);
		a.dst_ip = BF_IP4_BROADCAST;
	} else if (m->ciaddr) {
		memcpy(a.dst_mac, bf_pkt_src_mac(r->p), 6);
		a.dst_ip = m->ciaddr;
	} else if ((m->flags & BF_DHCP4_FLAG_BROADCAST) || !h->yiaddr || m->htype != 1 ||
		   m->hlen != 6) {
		memcpy(a.dst_mac, bcast_mac, 6);
		a.dst_ip = BF_IP4_BROADCAST;
	} else {
		memcpy(a.dst_mac, m->chaddr, 6);
		a.dst_ip = h->yiaddr;
	}

	struct rte_mbuf *mb = rte_pktmbuf_alloc(c->dp->pool);
	size_t l2 = bf_udp4_hdr_len(&a);
	uint8_t *p = mb ? (uint8_t *)rte_pktmbuf_append(mb, (uint16_t)(l2 + (size_t)n)) : NULL;
	if (!p) {
		BF_CNT(&c->ctr, drop_nombuf);
		rte_pktmbuf_free(mb);
		return;
	}
	memcpy(p + l2, out, (size_t)n);
	bf_udp4_hdr_write(p, &a, (size_t)n, bf_csum_add(0, out, (size_t)n), 0);
	mb->port = r->port_id;
	ctl_reply(c, r->w, mb);
}

static const char *
msg_name(uint8_t t)
{
	static const char *const n[] = {"?", "DISCOVER", "OFFER", "REQUEST", "DECLINE",
					"ACK", "NAK", "RELEASE", "INFORM"};
	return t < sizeof(n) / sizeof(n[0]) ? n[t] : "?";
}

/* ", slot B gen 7" while a canary runs or the exchange is pinned to a
 * snapshot that is no longer active; nothing otherwise. */
static const char *
slot_note(const struct req_ctx *r)
{
	static char buf[48];
	if (!r->c->canary.on && r->snap == r->c->slot[r->c->active].snap)
		return "";
	snprintf(buf, sizeof(buf), ", slot %c gen %llu", 'A' + r->snap->slot,
		 (unsigned long long)r->snap->generation);
	return buf;
}

static void
hdr_init(struct req_ctx *r, struct bf_dhcp4_hdr *h)
{
	const struct bf_dhcp4_msg *m = r->m;
	memset(h, 0, sizeof(*h));
	h->op = 2;
	h->htype = m->htype;
	h->hlen = m->hlen;
	h->xid = m->xid;
	h->flags = m->flags;
	h->giaddr = m->giaddr;
	memcpy(h->chaddr, m->chaddr, sizeof(h->chaddr));
}

static void
send_nak(struct req_ctx *r, const char *why)
{
	struct bf_dhcp4_hdr h;
	struct bf_dhcp4_optset os;
	char ipb[16];

	hdr_init(r, &h);
	if (r->m->giaddr)
		h.flags |= BF_DHCP4_FLAG_BROADCAST; /* RFC 2131 4.3.2: relay broadcasts a NAK */
	bf_dhcp4_optset_init(&os);
	bf_dhcp4_optset_put(&os, BF_O4_MESSAGE, why, strlen(why));
	send_reply(r, &h, &os, BF_DHCPNAK);
	BF_CNT(&r->c->ctr, dhcp4_nak);
	CTL_LOG(INFO, "dhcp4: NAK %s to %s (%s)",
		bf_ip4_str(r->m->req_ip ? r->m->req_ip : r->m->ciaddr, ipb), r->macs, why);
	if (r->m->htype == 1 && r->m->hlen == 6)
		ctl_where_dhcp(r->c, r->m->chaddr, 4, msg_name(r->m->msg_type), "NAK", NULL, NULL, why,
			       r->snap);
	ctl_exch_end(r->c, 4, r->key, r->key_len, false);
}

/*
 * Option 43 for a PXE client (PXE 2.1 table 2-1): the chosen boot item
 * echoed after Boot Server Discovery; else the menu, with this server as the
 * boot server of every item type (discovery control: unicast to the listed
 * servers only); else "boot the file given" (discovery control bit 3).
 */
static void
put_pxe43(struct req_ctx *r, struct bf_dhcp4_optset *os, const char *boot)
{
	const struct ctl_conf_pxe *menu = &r->d->conf->pxe;
	const struct ctl_conf_mtftp *mt = &r->d->conf->mtftp;
	bool have_boot = boot != NULL;
	struct bf_pxe_opts po;
	uint8_t enc[512];

	memset(&po, 0, sizeof(po));
	/* PXE MTFTP (sub-options 1-5) when the boot file is streamed: its own group */
	for (unsigned i = 0; boot && mt->enabled && i < mt->n_files; i++) {
		char canon[BF_TFTP_MAX_NAME + 1];
		if (bf_tftp_canon_name(boot, strlen(boot), canon, sizeof(canon)) < 0 ||
		    strcmp(canon, mt->files[i]) != 0)
			continue;
		po.has_mtftp = true;
		po.mtftp_ip = mt->ip + i;
		po.mtftp_cport = mt->client_port;
		po.mtftp_sport = mt->server_port;
		po.mtftp_tmout = mt->listen_delay;
		po.mtftp_delay = mt->delay;
		break;
	}
	if (r->has_item) {
		po.has_boot_item = true;
		po.boot_item_type = r->item_type;
		po.boot_item_layer = r->item_layer;
	} else if (menu->n_items) {
		po.has_discovery_control = true;
		po.discovery_control = BF_PXE_DC_NO_BCAST | BF_PXE_DC_ONLY_LISTED;
		if (menu->mcast) {
			po.has_mcast_addr = true;
			po.mcast_addr = menu->mcast;
		} else {
			po.discovery_control |= BF_PXE_DC_NO_MCAST;
		}
		for (size_t i = 0; i < menu->n_items && po.n_menu < BF_PXE_MAX_MENU; i++) {
			const struct ctl_conf_pxe_item *it = &menu->items[i];
			struct bf_pxe_menu_item *mi = &po.menu[po.n_menu++];
			mi->type = it->type;
			mi->len = (uint8_t)strlen(it->text);
			memcpy(mi->text, it->text, mi->len + 1u);
			if (it->type && po.n_servers < BF_PXE_MAX_SERVER_TYPES) {
				struct bf_pxe_server *sv = &po.servers[po.n_servers++];
				sv->type = it->type;
				sv->n_ip = 1;
				sv->ip[0] = r->ifc->ip4;
			}
		}
		if (menu->prompt[0]) {
			po.has_prompt = true;
			po.prompt_timeout = menu->timeout;
			po.prompt_len = (uint8_t)strlen(menu->prompt);
			memcpy(po.prompt, menu->prompt, po.prompt_len + 1u);
		}
	} else if (have_boot) {
		po.has_discovery_control = true;
		po.discovery_control = BF_PXE_DC_USE_BOOTFILE;
	} else if (!po.has_mtftp) {
		return;
	}
	int n = bf_pxe_encode(&po, enc, sizeof(enc));
	if (n > 0 && n <= 255) /* the config check keeps menus within one option */
		bf_dhcp4_optset_put(os, BF_O4_VENDOR, enc, (size_t)n);
}

/*
 * Render the configured templates for a client just acknowledged, and publish
 * them for the workers' TFTP. Called before the ACK leaves (replies wait for
 * the end of the control pass), so the files exist when the client asks.
 * {hostname} is only ever the operator's reservation name: text a client
 * sends must not end up in a script it will run.
 */
static void
render_templates(struct req_ctx *r, uint32_t ip)
{
	static char body[(1u << 20) + 65536]; /* control thread only */
	const struct ctl_conf *conf = r->d->conf;
	struct dp_rendered *rt = r->c->dp->rendered;
	struct bf_tvars v;

	if (!conf->n_templates || !rt || !ip)
		return;
	memset(&v, 0, sizeof(v));
	memcpy(v.mac, r->m->chaddr, 6);
	v.ip = ip;
	v.server = r->ifc->ip4;
	v.hostname = r->host ? r->host->host->name : "";
	v.arch = r->m->n_arch ? r->m->arch[0] : -1;
	v.uuid = r->m->has_uuid ? r->m->uuid : NULL;
	for (size_t i = 0; i < conf->n_templates; i++) {
		const struct ctl_conf_template *t = &conf->templates[i];
		char name[CTL_MAX_NAME], canon[BF_TFTP_MAX_NAME + 1];
		int n;
		struct dp_image *img = NULL;

		if (bf_template_render(t->name, strlen(t->name), &v, name, sizeof(name)) < 0 ||
		    bf_tftp_canon_name(name, strlen(name), canon, sizeof(canon)) < 0 ||
		    (n = bf_template_render(t->content, t->len, &v, body, sizeof(body))) < 0 ||
		    !(img = dp_image_load_mem(canon, body, (size_t)n)) ||
		    dp_rendered_put(rt, img) != 0) {
			BF_CNT(&r->c->ctr, template_failed);
			continue;
		}
		BF_CNT(&r->c->ctr, template_rendered);
	}
}

/* Fill the options and header of an OFFER/ACK (yiaddr may be 0 for INFORM). */
static void
send_config(struct req_ctx *r, uint8_t type, uint32_t yiaddr, uint32_t lease_s)
{
	const struct bf_dhcp4_msg *m = r->m;
	const struct ctl_conf_subnet *s = r->subnet;
	struct bf_dhcp4_hdr h;
	struct bf_dhcp4_optset os;
	uint32_t next_server;
	const char *why;
	const char *boot = choose_boot(r, &next_server, &why);
	char ipb[16];

	hdr_init(r, &h);
	bf_dhcp4_optset_init(&os);
	h.yiaddr = yiaddr;
	if (type == BF_DHCPACK)
		h.ciaddr = m->ciaddr;
	if (lease_s) {
		bf_dhcp4_optset_put_u32(&os, BF_O4_LEASE_TIME, lease_s);
		bf_dhcp4_optset_put_u32(&os, BF_O4_T1, lease_s / 2);
		bf_dhcp4_optset_put_u32(&os, BF_O4_T2, (uint32_t)((uint64_t)lease_s * 7 / 8));
	}
	/* A proxy answer carries boot data only: the address server owns the rest. */
	if (!r->proxy && s) {
		uint32_t mask = s->prefix ? ~0u << (32 - s->prefix) : 0;
		bf_dhcp4_optset_put_u32(&os, BF_O4_SUBNET_MASK, mask);
		if (s->prefix < 31)
			bf_dhcp4_optset_put_u32(&os, BF_O4_BROADCAST, s->net | ~mask);
		put_addrs(&os, BF_O4_ROUTER, s->routers, s->n_routers);
		put_addrs(&os, BF_O4_DNS, s->dns, s->n_dns);
		put_addrs(&os, BF_O4_NTP, s->ntp, s->n_ntp);
		if (s->domain[0])
			bf_dhcp4_optset_put(&os, BF_O4_DOMAIN, s->domain, strlen(s->domain));
	}
	if (!r->proxy && r->host && r->host->host->name[0])
		bf_dhcp4_optset_put(&os, BF_O4_HOSTNAME, r->host->host->name,
				    strlen(r->host->host->name));
	if (boot) {
		size_t bl = strlen(boot);
		h.siaddr = next_server;
		if (bl < sizeof(h.file))
			memcpy(h.file, boot, bl + 1);
		size_t prl_len;
		const uint8_t *prl = bf_dhcp4_get(m, BF_O4_PRL, &prl_len);
		bool want67 = bl >= sizeof(h.file);
		bool want66 = false;
		for (size_t i = 0; prl && i < prl_len; i++) {
			want67 |= prl[i] == BF_O4_BOOTFILE;
			want66 |= prl[i] == BF_O4_TFTP_SERVER;
		}
		if (want67)
			bf_dhcp4_optset_put(&os, BF_O4_BOOTFILE, boot, bl);
		if (want66) {
			char ns[16];
			bf_ip4_str(next_server, ns);
			bf_dhcp4_optset_put(&os, BF_O4_TFTP_SERVER, ns, strlen(ns));
		}
	}
	if (m->is_pxe || m->is_http) {
		/* PXE 2.1: echo the class; UEFI HTTP Boot wants "HTTPClient" back. */
		const char *cls = m->is_http ? "HTTPClient" : "PXEClient";
		bf_dhcp4_optset_put(&os, BF_O4_VENDOR_CLASS, cls, strlen(cls));
		if (m->has_uuid) {
			uint8_t u[17] = {0};
			memcpy(u + 1, m->uuid, 16);
			bf_dhcp4_optset_put(&os, BF_O4_UUID, u, sizeof(u));
		}
		if (m->is_pxe)
			put_pxe43(r, &os, boot);
	}
	send_reply(r, &h, &os, type);
	if (type == BF_DHCPACK)
		render_templates(r, yiaddr ? yiaddr : m->ciaddr);
	if (r->has_item || (r->proxy && type == BF_DHCPACK))
		BF_CNT(&r->c->ctr, dhcp4_boot_ack);
	else if (r->proxy)
		BF_CNT(&r->c->ctr, dhcp4_proxy_offer);
	else if (type == BF_DHCPOFFER)
		BF_CNT(&r->c->ctr, dhcp4_offer);
	else
		BF_CNT(&r->c->ctr, dhcp4_ack);
	/* The UUID as option 97 carries it: what a `uuid:` reservation matches. */
	char uuid[40] = "";
	if (m->has_uuid) {
		static const char hx[] = "0123456789abcdef";
		char *o = uuid;
		o += sprintf(o, " uuid ");
		for (int i = 0; i < 16; i++) {
			*o++ = hx[m->uuid[i] >> 4];
			*o++ = hx[m->uuid[i] & 15];
		}
		*o = 0;
	}
	CTL_LOG(INFO, "dhcp4: %s%s %s to %s%s%s%s boot %s (rule %s) lease %us%s",
		r->has_item ? "BOOT " : r->proxy ? "PROXY " : "",
		type == BF_DHCPOFFER ? "OFFER" : "ACK", bf_ip4_str(yiaddr ? yiaddr : m->ciaddr, ipb),
		r->macs, uuid, r->host ? " host " : "", r->host ? r->host->host->name : "",
		boot ? boot : "-", why, lease_s, slot_note(r));
	if (m->htype == 1 && m->hlen == 6) {
		uint32_t a = htonl(yiaddr ? yiaddr : m->ciaddr);
		ctl_where_dhcp(r->c, m->chaddr, 4, msg_name(m->msg_type),
			       type == BF_DHCPOFFER ? "OFFER" : "ACK", a ? (const uint8_t *)&a : NULL,
			       boot, why, r->snap);
	}
	if (type == BF_DHCPACK) /* the exchange's pinned snapshot may go (after a linger) */
		ctl_exch_end(r->c, 4, r->key, r->key_len, true);
}

static uint32_t
lease_time(struct req_ctx *r)
{
	const struct ctl_conf *conf = r->d->conf;
	uint32_t t = r->subnet->lease_time ? r->subnet->lease_time : conf->lease_time;
	if (bf_dhcp4_has(r->m, BF_O4_LEASE_TIME) && r->m->lease_time)
		t = r->m->lease_time < conf->max_lease_time ? r->m->lease_time
							    : conf->max_lease_time;
	return t;
}

static struct ctl_lease *
lease_bind(struct req_ctx *r, uint32_t ip, uint8_t state, uint64_t expires)
{
	struct ctl_leases *l = r->c->leases;
	struct ctl_lease *e = lease_by_key(l, r->key, r->key_len);
	struct ctl_lease *o = lease_by_ip(l, ip);

	if (o && o != e)
		lease_unlink(l, o); /* expired holder, or checked free by the caller */
	if (e && e->ip != ip) {
		lease_unlink(l, e);
		e = NULL;
	}
	if (!e)
		e = lease_add(l, r->key, r->key_len, ip, r->m->chaddr);
	if (!e)
		return NULL;
	origin_attach(r, e);
	lease_set_state(l, e, state);
	e->expires = expires;
	return e;
}

static void
do_discover(struct req_ctx *r, uint64_t now)
{
	char ipb[16];
	BF_CNT(&r->c->ctr, dhcp4_discover);
	if (!lease_admit(r, now))
		return;
	uint32_t ip = pick_address(r, now);
	if (!ip) {
		BF_CNT(&r->c->ctr, dhcp4_pool_empty);
		CTL_LOG(WARNING, "dhcp4: no free address in %s/%u for %s",
			bf_ip4_str(r->subnet->net, ipb), r->subnet->prefix, r->macs);
		return;
	}
	/* An address bound to this machine (under this or its other identity) stays
	 * bound, durably, until a REQUEST rebinds it; only a free one gets an offer hold. */
	struct ctl_lease *o = lease_by_ip(r->c->leases, ip);
	if (!(o && o->state == L_BOUND && o->expires > now))
		lease_bind(r, ip, L_OFFERED, now + OFFER_HOLD_S);
	send_config(r, BF_DHCPOFFER, ip, lease_time(r));
}

static void
do_request(struct req_ctx *r, uint64_t now)
{
	const struct bf_dhcp4_msg *m = r->m;
	const struct ctl_conf *conf = r->d->conf;
	BF_CNT(&r->c->ctr, dhcp4_request);

	if (bf_dhcp4_has(m, BF_O4_SERVER_ID) && m->server_id != r->ifc->ip4) {
		/* SELECTING another server: drop our offer */
		struct ctl_lease *e = lease_by_key(r->c->leases, r->key, r->key_len);
		if (e && e->state == L_OFFERED)
			lease_unlink(r->c->leases, e);
		BF_CNT(&r->c->ctr, dhcp4_ignored);
		return;
	}
	uint32_t ip = bf_dhcp4_has(m, BF_O4_REQ_IP) ? m->req_ip : m->ciaddr;
	if (!ip) {
		BF_CNT(&r->c->ctr, dhcp4_ignored);
		return;
	}
	if (!in_subnet(r->subnet, ip)) {
		/* INIT-REBOOT on the wrong segment (RFC 2131 4.3.2) */
		if (conf->authoritative)
			send_nak(r, "wrong network");
		else
			BF_CNT(&r->c->ctr, dhcp4_ignored);
		return;
	}
	bool ok;
	if (r->host && r->host->host->has_ip)
		ok = r->host->host->ip == ip;
	else
		ok = in_pool(r->subnet, ip) && addr_usable(r, ip, now);
	if (!ok) {
		if (conf->authoritative || bf_dhcp4_has(m, BF_O4_SERVER_ID))
			send_nak(r, "address not available");
		else
			BF_CNT(&r->c->ctr, dhcp4_ignored);
		return;
	}
	/*
	 * RFC 2131 4.3.2, INIT-REBOOT: a server with no record of the client stays
	 * silent (the address may be another server's). A reservation is a record;
	 * so is a lease of this client or of its hardware under another identity.
	 */
	if (!bf_dhcp4_has(m, BF_O4_SERVER_ID) && !m->ciaddr && !(r->host && r->host->host->has_ip)) {
		struct ctl_lease *mine = lease_by_key(r->c->leases, r->key, r->key_len);
		struct ctl_lease *held = lease_by_ip(r->c->leases, ip);
		if (!(mine && mine->ip == ip) && !(held && same_hardware(r, held))) {
			BF_CNT(&r->c->ctr, dhcp4_ignored);
			return;
		}
	}
	if (!lease_admit(r, now)) /* a REQUEST with no offer before it starts a lease too */
		return;
	uint32_t t = lease_time(r);
	struct ctl_lease *e = lease_bind(r, ip, L_BOUND, now + t);
	if (!e) {
		BF_CNT(&r->c->ctr, drop_dhcp4_reply_build);
		return;
	}
	/* The ACK below waits in ctl's pending list until this write is committed. */
	lease_persist(r->c->leases, e);
	send_config(r, BF_DHCPACK, ip, t);
}

static bool
holds(struct req_ctx *r, struct ctl_lease *e)
{
	return e && e->key_len == r->key_len && memcmp(e->key, r->key, r->key_len) == 0;
}

static void
do_release(struct req_ctx *r)
{
	char ipb[16];
	struct ctl_lease *e = lease_by_ip(r->c->leases, r->m->ciaddr);
	BF_CNT(&r->c->ctr, dhcp4_release);
	if (!holds(r, e) || (bf_dhcp4_has(r->m, BF_O4_SERVER_ID) &&
			     r->m->server_id != r->ifc->ip4)) {
		BF_CNT(&r->c->ctr, drop_dhcp4_release_foreign);
		return;
	}
	CTL_LOG(INFO, "dhcp4: RELEASE %s from %s", bf_ip4_str(e->ip, ipb), r->macs);
	lease_unlink(r->c->leases, e);
}

/* Park ip under a key no client can have (0xfe + address) until `until`. */
static void
quarantine(struct ctl_leases *l, uint32_t ip, uint64_t until)
{
	uint8_t key[5] = {0xfe, (uint8_t)(ip >> 24), (uint8_t)(ip >> 16), (uint8_t)(ip >> 8),
			  (uint8_t)ip};
	struct ctl_lease *o = lease_by_ip(l, ip);

	if (o)
		lease_unlink(l, o);
	struct ctl_lease *q = lease_add(l, key, sizeof(key), ip, NULL);
	if (q) {
		q->state = L_DECLINED;
		q->expires = until;
		lease_persist(l, q);
	}
}

static void
do_decline(struct req_ctx *r, uint64_t now)
{
	char ipb[16];
	struct ctl_lease *e = lease_by_ip(r->c->leases, r->m->req_ip);
	BF_CNT(&r->c->ctr, dhcp4_decline);
	if (!holds(r, e)) {
		BF_CNT(&r->c->ctr, drop_dhcp4_release_foreign);
		return;
	}
	/* Someone else answers ARP for it: rest the address, held by nobody. */
	CTL_LOG(WARNING, "dhcp4: DECLINE %s from %s: address held back for %us",
		bf_ip4_str(e->ip, ipb), r->macs, r->d->conf->decline_time);
	quarantine(r->c->leases, e->ip, now + r->d->conf->decline_time);
}

/* Whether the client's option 43 names a boot item (sub-option 71). */
static bool
pxe_boot_item(struct req_ctx *r)
{
	struct bf_pxe_opts po;
	size_t n;
	const uint8_t *v = bf_dhcp4_get(r->m, BF_O4_VENDOR, &n);

	if (!v || bf_pxe_decode(&po, v, n) != 0 || !po.has_boot_item)
		return false;
	r->has_item = true;
	r->item_type = po.boot_item_type;
	r->item_layer = po.boot_item_layer;
	return true;
}

/*
 * A boot server's answer (PXE 2.1 Boot Server Discovery, and ProxyDHCP's
 * port 4011 request): an ACK with no address, the boot file of the chosen
 * menu item (or of the boot rules), siaddr, and the boot item echoed.
 */
static void
do_boot_server(struct req_ctx *r)
{
	const struct ctl_conf_pxe *menu = &r->d->conf->pxe;

	if (!r->m->is_pxe) {
		BF_CNT(&r->c->ctr, dhcp4_ignored);
		return;
	}
	r->proxy = true;
	if (r->has_item) {
		for (size_t i = 0; i < menu->n_items; i++)
			if (menu->items[i].type == r->item_type && r->item_type)
				r->item_file = menu->items[i].file;
		if (!r->item_file) {
			/* not a type we serve: another boot server may; stay silent */
			BF_CNT(&r->c->ctr, dhcp4_ignored);
			return;
		}
	}
	send_config(r, BF_DHCPACK, 0, 0);
}

void
ctl_dhcp4_input(struct ctl *c, const struct dp_snap *snap, struct dp_worker *w,
		struct rte_mbuf *mb)
{
	static struct bf_dhcp4_msg msg; /* 5 KiB; the control thread is the only caller */
	struct bf_pkt p;
	struct req_ctx r;
	uint64_t now = ctl_now();

	memset(&r, 0, sizeof(r));
	r.c = c;
	r.w = w;
	r.port_id = mb->port;
	r.p = &p;
	r.m = &msg;
	if (bf_pkt_classify(&p, rte_pktmbuf_mtod(mb, const uint8_t *), mb->data_len,
			    BF_PKT_IP_CSUM_OK | BF_PKT_UDP_CSUM_OK) != BF_CLASS_UDP4 ||
	    mb->port >= DP_MAX_PORTS)
		goto out;
	int rc = bf_dhcp4_parse(&msg, p.frame + p.pl_off, p.pl_len);
	if (rc != 0) {
		BF_CNT(&c->ctr, drop_dhcp4_malformed);
		goto out;
	}
	if (msg.op != 1) {
		BF_CNT(&c->ctr, drop_dhcp4_not_request);
		goto out;
	}
	bf_mac_str(msg.chaddr, r.macs);
	client_key(&r);
	/* Answered from the snapshot its exchange began with (the DISCOVER's), so
	 * an OFFER and its ACK never come from two configurations. */
	snap = ctl_exch_snap(c, 4, r.key, r.key_len,
			     msg.htype == 1 && msg.hlen == 6 ? msg.chaddr : NULL, NULL, 0,
			     msg.msg_type == BF_DHCPDISCOVER);
	r.snap = snap;
	r.d = snap->ctl;
	r.ifc = &snap->iface[mb->port];
	/* Reservations: client identifier, then PXE UUID, then hardware address. */
	size_t cid_len;
	const uint8_t *cid = bf_dhcp4_get(&msg, BF_O4_CLIENT_ID, &cid_len);
	if (cid)
		r.host = ctl_host_by_cid(r.d, cid, cid_len);
	if (!r.host && msg.has_uuid)
		r.host = ctl_host_by_uuid(r.d, msg.uuid);
	if (!r.host && msg.htype == 1 && msg.hlen == 6)
		r.host = ctl_host_by_mac(r.d, msg.chaddr);
	uint32_t sel = msg.subnet_select ? msg.subnet_select : msg.giaddr;
	r.subnet = find_subnet(r.d->conf, sel ? sel : r.ifc->ip4);
	/* Boot Server Discovery, and the boot-data REQUEST EDK2 and iPXE send to
	 * port 4011 after a ProxyDHCP offer: answered in either mode, no lease. */
	bool boot_item = pxe_boot_item(&r); /* read it first: 4011 requests carry one too */
	if (msg.msg_type == BF_DHCPREQUEST && (p.dport == BF_DHCP4_PXE_PORT || boot_item)) {
		do_boot_server(&r);
		goto out;
	}
	if (r.d->conf->proxy) {
		if (msg.msg_type == BF_DHCPDISCOVER && msg.is_pxe) {
			r.proxy = true;
			send_config(&r, BF_DHCPOFFER, 0, 0);
		} else {
			BF_CNT(&c->ctr, dhcp4_ignored); /* addresses are another server's */
		}
		goto out;
	}
	if (!r.subnet) {
		BF_CNT(&c->ctr, dhcp4_no_subnet);
		goto out;
	}
	switch (msg.msg_type) {
	case BF_DHCPDISCOVER:
		do_discover(&r, now);
		break;
	case BF_DHCPREQUEST:
		do_request(&r, now);
		break;
	case BF_DHCPRELEASE:
		do_release(&r);
		break;
	case BF_DHCPDECLINE:
		do_decline(&r, now);
		break;
	case BF_DHCPINFORM:
		BF_CNT(&c->ctr, dhcp4_inform);
		if (msg.ciaddr)
			send_config(&r, BF_DHCPACK, 0, 0);
		break;
	default:
		BF_CNT(&c->ctr, drop_dhcp4_bad_msgtype);
		break;
	}
out:
	rte_pktmbuf_free(mb);
}

void
ctl_leases_foreach(const struct ctl_leases *l, void (*fn)(const struct ctl_lease_info *i, void *arg),
		   void *arg)
{
	static const char *const st[] = {"?", "offered", "bound", "declined"};
	uint64_t now = ctl_now();

	for (unsigned b = 0; b < LEASE_BUCKETS; b++)
		for (const struct ctl_lease *e = l->by_ip[b]; e; e = e->next_ip) {
			struct ctl_lease_info i = {.ip = e->ip, .state = st[e->state <= 3 ? e->state : 0],
						   .expires_in = e->expires > now ? e->expires - now : 0,
						   .hostname = e->hostname,
						   .has_mac = e->state != L_DECLINED};
			memcpy(i.mac, e->mac, 6);
			fn(&i, arg);
		}
}

int
ctl_leases_release(struct ctl *c, const uint8_t *mac, uint32_t ip)
{
	struct ctl_leases *l = c->leases;
	int n = 0;
	char ipb[16], macb[18];

	for (unsigned b = 0; b < LEASE_BUCKETS; b++)
		for (struct ctl_lease *e = l->by_ip[b], *next; e; e = next) {
			next = e->next_ip;
			if (e->state == L_DECLINED || (mac && memcmp(e->mac, mac, 6)) || (ip && e->ip != ip))
				continue;
			CTL_LOG(NOTICE, "dhcp4: %s released by the operator (%s)",
				bf_ip4_str(e->ip, ipb), bf_mac_str(e->mac, macb));
			lease_unlink(l, e);
			n++;
		}
	return n;
}
