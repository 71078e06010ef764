/* SPDX-License-Identifier: MIT */
/*
 * Configuration slots A and B, the canary, and DHCP exchange pinning.
 *
 * A slot holds one compiled snapshot. The active one is published as
 * dp->snap; a canary publishes the staged one too (dp->canary) with the rule
 * that picks its clients. Snapshots are refcounted by the control thread
 * alone (ctl_refs: slots and pinned DHCP exchanges); the last reference frees
 * a snapshot after a grace period, so no worker or HTTP reader can still see
 * it. Images are refcounted separately, so a transfer outlives them all.
 *
 * A DHCP exchange (DISCOVER..ACK, Solicit..Reply) is answered from the
 * snapshot it began with, even across a switch: the OFFER and the ACK never
 * disagree. The per-MAC funnel (where) records the last DHCP answer and the
 * last transfer event of each machine.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <arpa/inet.h>
#include <rte_log.h>
#include <urcu-qsbr.h>

#include "control/core/ctl.h"
#include "control/slots/ctl_slots.h"
#include "shared/bf_canary.h"
#include "shared/bf_hash.h"

/* Buckets = the most entries: a lookup per DHCP message walks about one node,
 * not a chain of 16 or 32 (4096 and 8192 buckets made these lookups a fifth of
 * the lease manager's time in a 30,000-client storm). 2.5 MiB of pointers. */
#define EXCH_BUCKETS 65536
#define EXCH_MAX 65536
#define EXCH_TTL_S 120 /* an exchange not finished by then is abandoned */
#define EXCH_LINGER_S 10 /* a finished one answers retransmissions the same way */
#define WHERE_BUCKETS 131072
#define WHERE_MAX 262144

struct ctl_exch {
	struct ctl_exch *next;
	int family;
	uint8_t klen;
	uint8_t key[132];
	struct dp_snap *snap; /* one ctl_ref */
	uint64_t start_us;
	uint64_t expires_s;
	bool done; /* ACKed: kept a little for a retransmitted last message */
};

struct ctl_where {
	struct ctl_where *next_mac, *next_addr;
	uint8_t mac[6];
	bool in_addr; /* linked in the address index */
	struct ctl_where_info i;
};

/* The two tables: static, like the rest of the control thread's state. */
static struct ctl_exch *g_exch[EXCH_BUCKETS];
static struct ctl_where *g_where_mac[WHERE_BUCKETS], *g_where_addr[WHERE_BUCKETS];

static uint32_t
hash_bytes(const uint8_t *p, size_t n)
{
	return bf_fnv1a32(p, n, BF_FNV32_INIT);
}

/* ---- snapshot references ---- */

static void
snap_ref(struct dp_snap *s)
{
	s->ctl_refs++;
}

/* The last reference: wait until no reader can hold it, then free. */
static void
snap_unref(struct dp_snap *s)
{
	if (!s || --s->ctl_refs)
		return;
	synchronize_rcu();
	dp_snap_free(s);
}

static const struct ctl_conf *
conf_of(const struct dp_snap *s)
{
	return ((const struct ctl_snapdata *)s->ctl)->conf;
}

void
ctl_slots_init(struct ctl *c, struct dp_snap *first, const char *file)
{
	memset(c->slot, 0, sizeof(c->slot));
	first->slot = 0;
	snap_ref(first);
	c->slot[0].snap = first;
	c->slot[0].state = CTL_SLOT_ACTIVE;
	c->slot[0].loaded = time(NULL);
	snprintf(c->slot[0].file, sizeof(c->slot[0].file), "%s", file);
	c->active = 0;
	c->exch = NULL;
}

/* ---- the canary ---- */

static void
canary_publish(struct ctl *c, struct dp_canary *pub)
{
	struct dp_canary *old = rcu_xchg_pointer(&c->dp->canary, pub);
	synchronize_rcu(); /* no worker still reads old */
	if (old) {
		free(old->macs);
		free(old);
	}
}

static void
canary_free_lists(struct ctl_canary *cn)
{
	free(cn->macs);
	free(cn->duids);
	cn->macs = NULL;
	cn->duids = NULL;
	cn->n_macs = 0;
	cn->n_duids = 0;
}

void
ctl_canary_clear(struct ctl *c, const char *why)
{
	if (!c->canary.on)
		return;
	c->canary.on = false;
	canary_publish(c, NULL);
	c->canary.pub = NULL;
	canary_free_lists(&c->canary);
	if (c->dp->clients)
		dp_clients_clear(c->dp->clients);
	CTL_LOG(NOTICE, "canary: cleared (%s); every client on slot %c", why, 'A' + c->active);
}

static int
cmp_mac6(const void *a, const void *b)
{
	return memcmp(a, b, 6);
}

static int
add_mac(struct ctl_canary *cn, const uint8_t mac[6])
{
	void *p = realloc(cn->macs, (cn->n_macs + 1) * 6);
	if (!p)
		return -1;
	cn->macs = p;
	memcpy(cn->macs[cn->n_macs++], mac, 6);
	return 0;
}

/* The group's MACs and DUIDs, from both slots' reservations. */
static int
collect_group(struct ctl *c, struct ctl_canary *cn, const char *group)
{
	for (int k = 0; k < 2; k++) {
		if (!c->slot[k].snap)
			continue;
		const struct ctl_conf *conf = conf_of(c->slot[k].snap);
		for (size_t i = 0; i < conf->n_subnets; i++)
			for (size_t j = 0; j < conf->subnets[i].n_hosts; j++) {
				const struct ctl_conf_host *h = &conf->subnets[i].hosts[j];
				if (h->has_mac && !strcmp(h->group, group) && add_mac(cn, h->mac))
					return -1;
			}
		for (size_t i = 0; i < conf->dhcp6.n_subnets; i++)
			for (size_t j = 0; j < conf->dhcp6.subnets[i].n_hosts; j++) {
				const struct ctl_conf_host6 *h = &conf->dhcp6.subnets[i].hosts[j];
				if (strcmp(h->group, group))
					continue;
				if (h->has_mac && add_mac(cn, h->mac))
					return -1;
				if (h->duid_len) {
					void *p = realloc(cn->duids, (cn->n_duids + 1) * sizeof(*cn->duids));
					if (!p)
						return -1;
					cn->duids = p;
					cn->duids[cn->n_duids].len = h->duid_len;
					memcpy(cn->duids[cn->n_duids].b, h->duid, h->duid_len);
					cn->n_duids++;
				}
			}
	}
	return 0;
}

int
ctl_canary_set(struct ctl *c, const struct ctl_canary_req *req, char *err, size_t errlen)
{
	uint8_t staged = (uint8_t)!c->active;
	struct ctl_canary cn = {0};

	if (c->slot[staged].state != CTL_SLOT_STAGED) {
		snprintf(err, errlen, "no staged configuration in slot %c: stage one first",
			 'A' + staged);
		return -1;
	}
	if (req->share_ppm > BF_CANARY_PPM) {
		snprintf(err, errlen, "share above 100%%");
		return -1;
	}
	cn.share_ppm = req->share_ppm;
	for (size_t i = 0; i < req->n_macs; i++)
		if (add_mac(&cn, req->macs[i]))
			goto nomem;
	if (req->group) {
		snprintf(cn.group, sizeof(cn.group), "%s", req->group);
		if (collect_group(c, &cn, req->group))
			goto nomem;
		if (!cn.n_macs && !cn.n_duids) {
			snprintf(err, errlen, "no reservation in either slot has group '%s'",
				 req->group);
			canary_free_lists(&cn);
			return -1;
		}
	}
	if (!cn.share_ppm && !cn.n_macs && !cn.n_duids) {
		snprintf(err, errlen, "a canary needs a share, a group or MACs");
		return -1;
	}
	if (cn.n_macs)
		qsort(cn.macs, cn.n_macs, 6, cmp_mac6);
	cn.auto_rollback = req->auto_rollback;
	cn.max_error_rate = req->max_error_rate;
	cn.min_samples = req->min_samples;
	cn.since = time(NULL);

	struct dp_canary *pub = calloc(1, sizeof(*pub));
	if (!pub || (cn.n_macs && !(pub->macs = malloc(cn.n_macs * 6)))) {
		free(pub);
		goto nomem;
	}
	pub->snap = c->slot[staged].snap;
	pub->share_ppm = cn.share_ppm;
	pub->n_macs = cn.n_macs;
	if (cn.n_macs)
		memcpy(pub->macs, cn.macs, cn.n_macs * 6);
	/* A new rule: clients pinned by the old one choose again. */
	if (c->canary.on && c->dp->clients)
		dp_clients_clear(c->dp->clients);
	canary_free_lists(&c->canary);
	cn.pub = pub;
	cn.on = true;
	c->canary = cn;
	memset(c->health, 0, sizeof(c->health));
	canary_publish(c, pub);
	CTL_LOG(NOTICE, "canary: slot %c (generation %llu) for %.4g%% of clients%s%s, %u MACs%s",
		'A' + staged, (unsigned long long)pub->snap->generation, cn.share_ppm / 10000.0,
		cn.group[0] ? ", group " : "", cn.group, cn.n_macs,
		cn.auto_rollback ? ", automatic rollback on" : "");
	return 0;
nomem:
	canary_free_lists(&cn);
	snprintf(err, errlen, "out of memory");
	return -1;
}

bool
ctl_canary_takes(const struct ctl *c, const uint8_t *mac, const uint8_t *duid, size_t dlen)
{
	const struct ctl_canary *cn = &c->canary;

	if (!cn->on)
		return false;
	if (mac && cn->n_macs && bsearch(mac, cn->macs, cn->n_macs, 6, cmp_mac6))
		return true;
	for (size_t i = 0; duid && i < cn->n_duids; i++)
		if (cn->duids[i].len == dlen && !memcmp(cn->duids[i].b, duid, dlen))
			return true;
	if (!cn->share_ppm)
		return false;
	/* The MAC when there is one, so DHCPv4, DHCPv6 and TFTP agree. */
	return mac ? bf_canary_in_share(mac, 6, cn->share_ppm)
		   : bf_canary_in_share(duid, dlen, cn->share_ppm);
}

/* ---- slots ---- */

static void
publish_active(struct ctl *c)
{
	rcu_xchg_pointer(&c->dp->snap, c->slot[c->active].snap);
	synchronize_rcu();
	/* Templates may differ: clients get their files again at their next ACK. */
	if (c->dp->rendered)
		dp_rendered_clear(c->dp->rendered);
}

int
ctl_stage(struct ctl *c, const char *path, char *err, size_t errlen)
{
	uint8_t staged = (uint8_t)!c->active;
	struct ctl_conf *conf = NULL;
	struct dp_snap *cur = c->slot[c->active].snap;

	if (ctl_conf_load(path, &conf, err, errlen) != 0)
		return -1;
	struct dp_snap *s = ctl_snap_compile(c, conf, cur, err, errlen);
	if (!s) {
		ctl_conf_free(conf);
		return -1;
	}
	s->slot = staged;
	snap_ref(s);
	/* The canary's slot is being replaced: end the canary first. */
	ctl_canary_clear(c, "a new configuration was staged");
	struct dp_snap *old = c->slot[staged].snap;
	c->slot[staged].snap = s;
	c->slot[staged].state = CTL_SLOT_STAGED;
	c->slot[staged].loaded = time(NULL);
	snprintf(c->slot[staged].file, sizeof(c->slot[staged].file), "%s", path);
	snap_unref(old);
	CTL_LOG(NOTICE, "config %s staged in slot %c as generation %llu (%u images, %zu subnets)",
		path, 'A' + staged, (unsigned long long)s->generation, s->n_images,
		conf->n_subnets);
	return 0;
}

/* Kernel interfaces and HTTP listen sockets are made at start: say so when a
 * configuration asks for others, rather than let the operator think they changed. */
static void
warn_start_only(const struct ctl_conf *was, const struct ctl_conf *now)
{
	bool same = was->n_ifaces == now->n_ifaces && was->http.n_listen == now->http.n_listen &&
		    !strcmp(was->control.socket, now->control.socket) &&
		    !strcmp(was->control.metrics_text, now->control.metrics_text);

	for (size_t i = 0; same && i < now->n_ifaces; i++)
		same = strcmp(was->ifaces[i].kernel, now->ifaces[i].kernel) == 0 &&
		       was->ifaces[i].n_ip6 == now->ifaces[i].n_ip6 &&
		       !memcmp(was->ifaces[i].ip6, now->ifaces[i].ip6, sizeof(now->ifaces[i].ip6));
	for (size_t i = 0; same && i < now->http.n_listen; i++)
		same = strcmp(was->http.listen[i].text, now->http.listen[i].text) == 0;
	if (!same)
		CTL_LOG(WARNING, "interfaces[].kernel, interfaces[].ipv6 on the kernel side, "
				 "http.listen and control: changed: they take effect at the next start");
}

static void
make_active(struct ctl *c, uint8_t k, uint8_t old_state)
{
	uint8_t was = c->active;

	c->active = k; /* first: the canary's end is logged with the new active slot */
	ctl_canary_clear(c, "slot switch");
	c->slot[k].state = CTL_SLOT_ACTIVE;
	c->slot[was].state = old_state;
	publish_active(c);
	warn_start_only(conf_of(c->slot[was].snap), conf_of(c->slot[k].snap));
}

int
ctl_switch(struct ctl *c, char *err, size_t errlen)
{
	uint8_t k = (uint8_t)!c->active;

	if (c->slot[k].state != CTL_SLOT_STAGED) {
		snprintf(err, errlen, "slot %c holds no staged configuration (%s)", 'A' + k,
			 c->slot[k].state == CTL_SLOT_PREVIOUS ? "it is the previous one: use rollback"
								: "empty");
		return -1;
	}
	make_active(c, k, CTL_SLOT_PREVIOUS);
	CTL_LOG(NOTICE, "config %s published as generation %llu (slot %c active)",
		c->slot[k].file, (unsigned long long)c->slot[k].snap->generation, 'A' + k);
	return 0;
}

int
ctl_rollback(struct ctl *c, char *msg, size_t len)
{
	uint8_t k = (uint8_t)!c->active;

	if (c->canary.on) {
		ctl_canary_clear(c, "rollback");
		snprintf(msg, len, "canary cleared: every client on slot %c", 'A' + c->active);
		return 0;
	}
	if (c->slot[k].state != CTL_SLOT_PREVIOUS) {
		snprintf(msg, len, "slot %c holds no previous configuration", 'A' + k);
		return -1;
	}
	/* The configuration rolled back from stays staged: switch rolls forward. */
	make_active(c, k, CTL_SLOT_STAGED);
	CTL_LOG(NOTICE, "rollback: slot %c active again (generation %llu, %s)", 'A' + k,
		(unsigned long long)c->slot[k].snap->generation, c->slot[k].file);
	snprintf(msg, len, "slot %c active", 'A' + k);
	return 0;
}

int
ctl_reload(struct ctl *c, const char *path)
{
	char err[1024];

	if (ctl_stage(c, path, err, sizeof(err)) != 0) {
		CTL_LOG(ERR, "config rejected, keeping generation %llu: %s",
			(unsigned long long)c->slot[c->active].snap->generation, err);
		return -1;
	}
	return ctl_switch(c, err, sizeof(err));
}

/* ---- DHCP exchanges ---- */

static struct ctl_exch **
exch_slot(int family, const uint8_t *key, size_t klen)
{
	return &g_exch[(hash_bytes(key, klen) ^ (uint32_t)family) % EXCH_BUCKETS];
}

/* The link pointing at the exchange of this client (*result NULL: none). */
static struct ctl_exch **
exch_find(int family, const uint8_t *key, size_t klen)
{
	struct ctl_exch **pp = exch_slot(family, key, klen);
	while (*pp && ((*pp)->family != family || (*pp)->klen != klen ||
		       memcmp((*pp)->key, key, klen)))
		pp = &(*pp)->next;
	return pp;
}

static void
exch_drop(struct ctl *c, struct ctl_exch **pp)
{
	struct ctl_exch *e = *pp;
	*pp = e->next;
	snap_unref(e->snap);
	free(e);
	c->n_exch--;
}

const struct dp_snap *
ctl_exch_snap(struct ctl *c, int family, const uint8_t *key, size_t klen, const uint8_t *mac,
	      const uint8_t *duid, size_t dlen, bool begins)
{
	struct ctl_exch **pp = klen <= sizeof((*pp)->key) ? exch_find(family, key, klen) : NULL;
	struct ctl_exch *e = pp ? *pp : NULL;

	if (e && begins && e->done) { /* a new exchange after the last one */
		exch_drop(c, pp);
		e = NULL;
	}
	if (e) {
		if (begins) /* a retransmitted DISCOVER/Solicit: same exchange, same answers */
			e->expires_s = ctl_now() + EXCH_TTL_S;
		return e->snap;
	}
	uint8_t k = ctl_canary_takes(c, mac, duid, dlen) ? (uint8_t)!c->active : c->active;
	struct dp_snap *s = c->slot[k].snap;
	if (!begins || klen > sizeof(e->key) || c->n_exch >= EXCH_MAX)
		return s;
	e = calloc(1, sizeof(*e));
	if (!e)
		return s;
	e->family = family;
	e->klen = (uint8_t)klen;
	memcpy(e->key, key, klen);
	e->snap = s;
	snap_ref(s);
	e->start_us = ctl_mono_us();
	e->expires_s = ctl_now() + EXCH_TTL_S;
	struct ctl_exch **b = exch_slot(family, key, klen);
	e->next = *b;
	*b = e;
	c->n_exch++;
	return s;
}

void
ctl_exch_end(struct ctl *c, int family, const uint8_t *key, size_t klen, bool acked)
{
	struct ctl_exch *e = klen <= sizeof(e->key) ? *exch_find(family, key, klen) : NULL;

	if (!e)
		return;
	/* Dropped by the next tick, not here: the caller may still be answering
	 * from its snapshot. An ACK lingers so that a REQUEST sent again after a
	 * lost ACK gets the same answer, not the next slot's. */
	if (acked && !e->done)
		bf_hist_add(family == 4 ? &c->stage_dhcp4 : &c->stage_dhcp6,
			    ctl_mono_us() - e->start_us);
	e->done = true;
	e->expires_s = acked ? ctl_now() + EXCH_LINGER_S : 0;
}

static void
health_check(struct ctl *c)
{
	const struct ctl_canary *cn = &c->canary;
	uint8_t b = (uint8_t)!c->active;
	double rate[2];
	uint64_t n[2];

	if (!cn->on || !cn->auto_rollback)
		return;
	for (int k = 0; k < 2; k++) {
		const struct ctl_health *h = &c->health[k];
		uint64_t bad = h->dhcp_naks + h->tftp_failed;
		n[k] = bad + h->dhcp_acks + h->tftp_done;
		rate[k] = n[k] ? (double)bad / (double)n[k] : 0;
	}
	if (n[b] >= cn->min_samples && rate[b] > cn->max_error_rate && rate[b] > rate[!b]) {
		char why[160];
		snprintf(why, sizeof(why),
			 "automatic rollback: slot %c error rate %.3f over %llu events, slot %c %.3f",
			 'A' + b, rate[b], (unsigned long long)n[b], 'A' + !b, rate[!b]);
		CTL_LOG(WARNING, "canary: %s", why);
		ctl_canary_clear(c, why);
	}
}

void
ctl_slots_tick(struct ctl *c, uint64_t now_s)
{
	for (unsigned i = 0; i < EXCH_BUCKETS; i++)
		for (struct ctl_exch **pp = &g_exch[i]; *pp;)
			if ((*pp)->expires_s <= now_s)
				exch_drop(c, pp);
			else
				pp = &(*pp)->next;
	health_check(c);
}

/* ---- where is my machine ---- */

static struct ctl_where *
where_by_mac(const uint8_t mac[6])
{
	for (struct ctl_where *w = g_where_mac[hash_bytes(mac, 6) % WHERE_BUCKETS]; w; w = w->next_mac)
		if (!memcmp(w->mac, mac, 6))
			return w;
	return NULL;
}

static struct ctl_where *
where_by_addr(const uint8_t addr[16])
{
	for (struct ctl_where *w = g_where_addr[hash_bytes(addr, 16) % WHERE_BUCKETS]; w;
	     w = w->next_addr)
		if (!memcmp(w->i.addr, addr, 16))
			return w;
	return NULL;
}

static struct ctl_where *
where_get(struct ctl *c, const uint8_t mac[6])
{
	struct ctl_where *w = where_by_mac(mac);
	if (w || c->n_where >= WHERE_MAX)
		return w;
	if (!(w = calloc(1, sizeof(*w))))
		return NULL;
	memcpy(w->mac, mac, 6);
	struct ctl_where **b = &g_where_mac[hash_bytes(mac, 6) % WHERE_BUCKETS];
	w->next_mac = *b;
	*b = w;
	c->n_where++;
	return w;
}

static void
where_unlink_addr(struct ctl_where *w)
{
	if (!w->in_addr)
		return;
	for (struct ctl_where **pp = &g_where_addr[hash_bytes(w->i.addr, 16) % WHERE_BUCKETS]; *pp;
	     pp = &(*pp)->next_addr)
		if (*pp == w) {
			*pp = w->next_addr;
			break;
		}
	w->in_addr = false;
}

void
ctl_where_dhcp(struct ctl *c, const uint8_t mac[6], int family, const char *msg,
	       const char *reply, const uint8_t *addr, const char *boot, const char *why,
	       const struct dp_snap *s)
{
	uint8_t a16[16] = {0};
	bool ack = !strcmp(reply, "ACK") || !strcmp(reply, "REPLY");

	if (addr && family == 4) {
		a16[10] = a16[11] = 0xff;
		memcpy(a16 + 12, addr, 4);
	} else if (addr) {
		memcpy(a16, addr, 16);
	}
	if (ack)
		c->health[s->slot].dhcp_acks++;
	else if (!strcmp(reply, "NAK"))
		c->health[s->slot].dhcp_naks++;
	/* The client reads TFTP from its answer's slot, even through a relay. */
	if (ack && addr && c->canary.on && c->dp->clients)
		dp_clients_set(c->dp->clients, a16, s->slot);
	struct ctl_where *w = mac ? where_get(c, mac) : NULL;
	if (!w)
		return;
	w->i.has_dhcp = true;
	w->i.family = family;
	snprintf(w->i.msg, sizeof(w->i.msg), "%s", msg);
	snprintf(w->i.reply, sizeof(w->i.reply), "%s", reply);
	w->i.dhcp_at = time(NULL);
	snprintf(w->i.boot, sizeof(w->i.boot), "%s", boot ? boot : "");
	snprintf(w->i.why, sizeof(w->i.why), "%s", why ? why : "");
	w->i.slot = s->slot;
	w->i.generation = s->generation;
	if (!strcmp(reply, "NAK"))
		snprintf(w->i.last_error, sizeof(w->i.last_error), "DHCP %s answered NAK", msg);
	if (addr && memcmp(w->i.addr, a16, 16)) {
		where_unlink_addr(w);
		memcpy(w->i.addr, a16, 16);
		struct ctl_where **b = &g_where_addr[hash_bytes(a16, 16) % WHERE_BUCKETS];
		w->next_addr = *b;
		*b = w;
		w->in_addr = true;
	}
}

static const char *const ev_name[] = {"started", "done", "aborted", "timed out", "not found"};

void
ctl_where_tftp(struct ctl *c, const struct dp_event *e)
{
	if (e->kind == DP_EV_TFTP_DONE)
		c->health[e->slot & 1].tftp_done++;
	else if ((e->kind == DP_EV_TFTP_ABORT && e->err != 8) || e->kind == DP_EV_TFTP_TIMEOUT ||
		 e->kind == DP_EV_TFTP_NOTFOUND) /* EDK2's ERROR 8 after tsize is routine */
		c->health[e->slot & 1].tftp_failed++;
	/* A relayed client's frames carry the relay's MAC: its address finds it. */
	struct ctl_where *w = where_by_addr(e->addr);
	if (!w)
		w = where_get(c, e->mac);
	if (!w)
		return;
	w->i.has_tftp = true;
	snprintf(w->i.file, sizeof(w->i.file), "%s", e->name);
	w->i.bytes = e->bytes;
	w->i.size = e->size;
	w->i.tftp_kind = e->kind;
	w->i.tftp_err = e->err;
	w->i.tftp_at = time(NULL);
	if (e->kind == DP_EV_TFTP_ABORT && e->err != 8)
		snprintf(w->i.last_error, sizeof(w->i.last_error),
			 "TFTP %.100s aborted by the client (error %u)", e->name, e->err);
	else if (e->kind == DP_EV_TFTP_TIMEOUT || e->kind == DP_EV_TFTP_NOTFOUND)
		snprintf(w->i.last_error, sizeof(w->i.last_error), "TFTP %.100s %s", e->name,
			 ev_name[e->kind]);
}

bool
ctl_where_find(const struct ctl *c, const uint8_t mac[6], struct ctl_where_info *out)
{
	(void)c;
	const struct ctl_where *w = where_by_mac(mac);
	if (!w)
		return false;
	*out = w->i;
	return true;
}

void
ctl_slots_fini(struct ctl *c)
{
	ctl_canary_clear(c, "shutdown");
	for (unsigned i = 0; i < EXCH_BUCKETS; i++)
		while (g_exch[i])
			exch_drop(c, &g_exch[i]);
	for (unsigned i = 0; i < WHERE_BUCKETS; i++)
		while (g_where_mac[i]) {
			struct ctl_where *w = g_where_mac[i];
			g_where_mac[i] = w->next_mac;
			free(w);
		}
	memset(g_where_addr, 0, sizeof(g_where_addr));
	c->n_where = 0;
	/* dp->snap is the active slot's: the caller stops publishing it first. */
	for (int k = 0; k < 2; k++) {
		snap_unref(c->slot[k].snap);
		c->slot[k].snap = NULL;
		c->slot[k].state = CTL_SLOT_EMPTY;
	}
}
