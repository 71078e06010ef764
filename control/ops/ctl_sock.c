/* SPDX-License-Identifier: MIT */
/*
 * bootfarmctl's side of the control socket. Requests and responses are JSON
 * (jansson): {"cmd": "...", ...} -> {"ok": true, "data": {...}} or
 * {"ok": false, "error": "..."}. One request per connection. Who may connect
 * is decided by the socket file's mode and group (root, or the configured
 * group); changes are logged with the peer's uid.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <jansson.h>
#include <rte_log.h>

#include "control/core/ctl.h"
#include "control/leases/ctl_leases.h"
#include "control/slots/ctl_slots.h"
#include "control/config/ctl_conf.h"
#include "control/ops/ctl_ops.h"
#include "shared/bf_canary.h"
#include "shared/bf_dhcp6.h"

#define MAX_REQUEST (64 * 1024)

static int g_fd = -1;
static char g_path[108];
static uint64_t g_next_ms;

int
ctl_sock_start(const struct ctl_conf_control *cc, char *err, size_t errlen)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	gid_t gid = 0;
	char dir[108];

	if (cc->group[0]) {
		struct group *g = getgrnam(cc->group);
		if (!g) {
			snprintf(err, errlen, "control.group: no group '%s' on this system", cc->group);
			return -1;
		}
		gid = g->gr_gid;
	}
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", cc->socket);
	snprintf(dir, sizeof(dir), "%s", cc->socket);
	char *slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = '\0';
		if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
			snprintf(err, errlen, "control socket: cannot create %s: %s", dir,
				 strerror(errno));
			return -1;
		}
	}
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		snprintf(err, errlen, "control socket: %s", strerror(errno));
		return -1;
	}
	/* A live daemon answers on the path: never steal its socket. A dead one's stays behind. */
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0) {
		snprintf(err, errlen, "control socket %s: another bootfarmd is listening there",
			 cc->socket);
		close(fd);
		return -1;
	}
	close(fd);
	unlink(cc->socket);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	mode_t old = umask(0177); /* no window in which the socket is open to all */
	int rc = fd < 0 ? -1 : bind(fd, (struct sockaddr *)&sa, sizeof(sa));
	umask(old);
	if (rc != 0 || listen(fd, 64) != 0 ||
	    (cc->group[0] && (chown(cc->socket, 0, gid) != 0 || chmod(cc->socket, 0660) != 0))) {
		snprintf(err, errlen, "control socket %s: %s", cc->socket, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	g_fd = fd;
	snprintf(g_path, sizeof(g_path), "%s", cc->socket);
	return 0;
}

void
ctl_sock_stop(void)
{
	if (g_fd < 0)
		return;
	close(g_fd);
	unlink(g_path);
	g_fd = -1;
}

/* ---- helpers ---- */

static json_t *
fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static json_t *
fail(const char *fmt, ...)
{
	char msg[1200];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return json_pack("{s:b, s:s}", "ok", 0, "error", msg);
}

static json_t *
ok(json_t *data)
{
	return json_pack("{s:b, s:o}", "ok", 1, "data", data ? data : json_object());
}

static const char *
mac_str(const uint8_t *m, char *buf)
{
	return bf_mac_str(m, buf);
}

static int
parse_mac(const char *s, uint8_t mac[6])
{
	unsigned v[6];
	char sep[5];
	if (!s || sscanf(s, "%2x%c%2x%c%2x%c%2x%c%2x%c%2x", &v[0], &sep[0], &v[1], &sep[1], &v[2],
			 &sep[2], &v[3], &sep[3], &v[4], &sep[4], &v[5]) != 11 ||
	    strlen(s) != 17)
		return -1;
	for (int i = 0; i < 5; i++)
		if (sep[i] != ':' && sep[i] != '-')
			return -1;
	for (int i = 0; i < 6; i++)
		mac[i] = (uint8_t)v[i];
	return 0;
}

static int
parse_hex(const char *s, uint8_t *out, size_t cap)
{
	size_t n = 0;
	for (; s && *s; s++) {
		if (*s == ':' || *s == '-')
			continue;
		unsigned v;
		if (!s[1] || sscanf(s, "%2x", &v) != 1 || n == cap)
			return -1;
		out[n++] = (uint8_t)v;
		s++;
	}
	return (int)n;
}

static void
hexstr(char *out, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", p[i]);
	out[2 * n] = '\0';
}

static const char *
slot_name(uint8_t k)
{
	return k ? "B" : "A";
}

static const char *
iso_time(int64_t t, char *buf, size_t len)
{
	struct tm tm;
	time_t tt = (time_t)t;
	gmtime_r(&tt, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return buf;
}

/* ---- commands ---- */

static void
add_hint(const char *hint, void *arg)
{
	json_array_append_new(arg, json_string(hint));
}

static json_t *
cmd_stats(struct ctl *c, json_t *req)
{
	struct bf_counters sum;
	json_t *ctr = json_object(), *g = json_object();
	uint64_t sessions = 0;
	(void)req;

	ctl_sum_counters(c, &sum);
	for (unsigned k = 0; k < BF_CTR__COUNT; k++)
		json_object_set_new(ctr, bf_ctr_name[k], json_integer((json_int_t)sum.v[k]));
	for (unsigned i = 0; i < c->dp->n_workers; i++)
		sessions += c->dp->workers[i]->g_sessions;
	json_object_set_new(g, "tftp_sessions", json_integer((json_int_t)sessions));
	json_object_set_new(g, "dhcp4_leases", json_integer((json_int_t)ctl_leases_count(c->leases)));
	json_object_set_new(g, "dhcp6_leases",
			    json_integer((json_int_t)ctl_leases6_count(c->leases6)));
	json_object_set_new(g, "workers", json_integer(c->dp->n_workers));
	json_object_set_new(g, "config_generation",
			    json_integer((json_int_t)c->slot[c->active].snap->generation));
	json_object_set_new(g, "dhcp_exchanges_pinned", json_integer((json_int_t)c->n_exch));
	json_t *hints = json_array();
	ctl_ports_hints(c, add_hint, hints);
	return ok(json_pack("{s:o, s:o, s:o}", "counters", ctr, "gauges", g, "hints", hints));
}

struct lease_filter {
	json_t *out;
	bool has_mac, has_ip4, has_ip6;
	uint8_t mac[6];
	uint32_t ip4;
	uint8_t ip6[16];
	int duid_len;
	uint8_t duid[130];
	bool any;
};

static void
lease4_row(const struct ctl_lease_info *i, void *arg)
{
	struct lease_filter *f = arg;
	char ip[16], mac[18];

	if ((f->has_mac && (!i->has_mac || memcmp(i->mac, f->mac, 6))) ||
	    (f->has_ip4 && i->ip != f->ip4) || (!f->any && !f->has_mac && !f->has_ip4))
		return;
	json_t *o = json_pack("{s:i, s:s, s:s, s:I}", "family", 4, "address", bf_ip4_str(i->ip, ip),
			      "state", i->state, "expires_in", (json_int_t)i->expires_in);
	if (i->has_mac)
		json_object_set_new(o, "mac", json_string(mac_str(i->mac, mac)));
	if (i->hostname && i->hostname[0])
		json_object_set_new(o, "hostname", json_string(i->hostname));
	json_array_append_new(f->out, o);
}

static void
lease6_row(const struct ctl_lease6_info *i, void *arg)
{
	struct lease_filter *f = arg;
	char a[INET6_ADDRSTRLEN], d[261], mac[18];
	uint8_t m[6];
	bool has_m = bf_dhcp6_duid_mac(i->duid, i->duid_len, m) == 0;

	if ((f->has_mac && (!has_m || memcmp(m, f->mac, 6))) ||
	    (f->has_ip6 && memcmp(i->addr, f->ip6, 16)) ||
	    (f->duid_len > 0 && (i->duid_len != f->duid_len || memcmp(i->duid, f->duid, i->duid_len))) ||
	    (!f->any && !f->has_mac && !f->has_ip6 && f->duid_len <= 0))
		return;
	hexstr(d, i->duid, i->duid_len);
	json_t *o = json_pack("{s:i, s:s, s:s, s:I, s:s, s:s, s:I}", "family", 6, "address",
			      inet_ntop(AF_INET6, i->addr, a, sizeof(a)), "duid", d, "iaid",
			      (json_int_t)i->iaid, "type",
			      i->type == 25 ? "pd" : i->type == 4 ? "ta" : "na", "state", i->state,
			      "expires_in", (json_int_t)i->expires_in);
	if (has_m)
		json_object_set_new(o, "mac", json_string(mac_str(m, mac)));
	json_array_append_new(f->out, o);
}

/* The mac / ip / duid of a request into a filter. NULL or an error response. */
static json_t *
filter_of(json_t *req, struct lease_filter *f)
{
	const char *mac = json_string_value(json_object_get(req, "mac"));
	const char *ip = json_string_value(json_object_get(req, "ip"));
	const char *duid = json_string_value(json_object_get(req, "duid"));

	memset(f, 0, sizeof(*f));
	f->duid_len = -1;
	if (mac && !(f->has_mac = parse_mac(mac, f->mac) == 0))
		return fail("invalid MAC address '%s'", mac);
	if (ip) {
		struct in_addr a4;
		if (inet_pton(AF_INET, ip, &a4) == 1) {
			f->has_ip4 = true;
			f->ip4 = ntohl(a4.s_addr);
		} else if (inet_pton(AF_INET6, ip, f->ip6) == 1) {
			f->has_ip6 = true;
		} else {
			return fail("invalid address '%s'", ip);
		}
	}
	if (duid && (f->duid_len = parse_hex(duid, f->duid, sizeof(f->duid))) < 2)
		return fail("invalid DUID '%s' (hex bytes)", duid);
	f->any = !mac && !ip && !duid;
	return NULL;
}

static json_t *
cmd_leases(struct ctl *c, json_t *req)
{
	struct lease_filter f;
	json_t *e = filter_of(req, &f);
	if (e)
		return e;
	f.out = json_array();
	if (f.duid_len < 0 && !f.has_ip6)
		ctl_leases_foreach(c->leases, lease4_row, &f);
	if (!f.has_ip4)
		ctl_leases6_foreach(c->leases6, lease6_row, &f);
	return ok(json_pack("{s:o}", "leases", f.out));
}

static json_t *
cmd_release(struct ctl *c, json_t *req)
{
	struct lease_filter f;
	json_t *e = filter_of(req, &f);
	int n = 0;
	if (e)
		return e;
	if (f.any)
		return fail("release needs --mac, --ip or --duid");
	if (f.duid_len < 0 && !f.has_ip6)
		n += ctl_leases_release(c, f.has_mac ? f.mac : NULL, f.has_ip4 ? f.ip4 : 0);
	if (!f.has_ip4)
		n += ctl_leases6_release(c, f.duid_len > 0 ? f.duid : NULL, (size_t)(f.duid_len > 0 ? f.duid_len : 0),
					 f.has_mac ? f.mac : NULL, f.has_ip6 ? f.ip6 : NULL);
	ctl_flush(c); /* the store forgets them now */
	return ok(json_pack("{s:i}", "released", n));
}

/* Every worker's transfers in progress (malloc'd, *n rows; NULL: no memory). */
static struct dp_tftp_info *
all_sessions(const struct ctl *c, unsigned *n)
{
	unsigned cap = 1;
	for (unsigned w = 0; w < c->dp->n_workers; w++)
		cap += (unsigned)c->dp->workers[w]->g_sessions + 64; /* and some starting now */
	cap += DP_MTFTP_MAX_STREAMS + DP_MTFTP_MAX_CLIENTS; /* multicast clients (worker 0) */
	struct dp_tftp_info *v = malloc(cap * sizeof(*v));
	*n = 0;
	for (unsigned w = 0; v && w < c->dp->n_workers; w++)
		*n += dp_tftp_list(c->dp->workers[w], v + *n, cap - *n);
	if (v && c->dp->n_workers)
		*n += dp_mtftp_list(c->dp->workers[0], v + *n, cap - *n);
	return v;
}

static json_t *
cmd_sessions(struct ctl *c, json_t *req)
{
	unsigned n;
	struct dp_tftp_info *v = all_sessions(c, &n);
	char mac[18];
	(void)req;

	if (!v)
		return fail("out of memory");
	json_t *arr = json_array();
	for (unsigned i = 0; i < n; i++)
		json_array_append_new(
		    arr, json_pack("{s:i, s:s, s:s, s:s, s:I, s:I, s:i, s:i, s:I, s:s, s:I}", "worker",
				   v[i].worker, "client", v[i].client, "mac", mac_str(v[i].mac, mac),
				   "file", v[i].name, "sent", (json_int_t)v[i].sent, "size",
				   (json_int_t)v[i].size, "blksize", v[i].blksize, "window",
				   v[i].window, "generation", (json_int_t)v[i].generation, "slot",
				   slot_name(v[i].slot), "age_ms", (json_int_t)v[i].age_ms));
	free(v);
	return ok(json_pack("{s:i, s:o}", "total", n, "sessions", arr));
}

static json_t *
cmd_images(struct ctl *c, json_t *req)
{
	json_t *arr = json_array();
	char d[17];
	(void)req;

	for (uint8_t k = 0; k < 2; k++) {
		const struct dp_snap *s = c->slot[k].snap;
		for (uint32_t i = 0; s && i < s->n_images; i++) {
			const struct dp_image *img = s->images[i];
			snprintf(d, sizeof(d), "%016llx", (unsigned long long)img->content_hash);
			json_array_append_new(
			    arr, json_pack("{s:s, s:s, s:I, s:s, s:I}", "slot", slot_name(k), "name",
					   img->name, "size", (json_int_t)img->len, "digest", d, "refs",
					   (json_int_t)__atomic_load_n(&img->refcnt, __ATOMIC_RELAXED)));
		}
	}
	return ok(json_pack("{s:o}", "images", arr));
}

static json_t *
canary_json(const struct ctl *c)
{
	json_t *o = json_pack("{s:b}", "on", c->canary.on);
	if (!c->canary.on)
		return o;
	char mac[18];
	json_t *macs = json_array();
	for (uint32_t i = 0; i < c->canary.n_macs; i++)
		json_array_append_new(macs, json_string(mac_str(c->canary.macs[i], mac)));
	json_object_set_new(o, "slot", json_string(slot_name((uint8_t)!c->active)));
	json_object_set_new(o, "share", json_real(c->canary.share_ppm / 10000.0));
	if (c->canary.group[0])
		json_object_set_new(o, "group", json_string(c->canary.group));
	json_object_set_new(o, "macs", macs);
	json_object_set_new(o, "duids", json_integer((json_int_t)c->canary.n_duids));
	json_object_set_new(o, "clients_pinned",
			    json_integer((json_int_t)(c->dp->clients ? dp_clients_count(c->dp->clients) : 0)));
	if (c->canary.auto_rollback)
		json_object_set_new(o, "auto_rollback",
				    json_pack("{s:f, s:i}", "max_error_rate", c->canary.max_error_rate,
					      "min_samples", c->canary.min_samples));
	return o;
}

static json_t *
cmd_slots(struct ctl *c, json_t *req)
{
	static const char *const st[] = {"empty", "active", "staged", "previous"};
	json_t *arr = json_array(), *health = json_object();
	char t[32];
	(void)req;

	for (uint8_t k = 0; k < 2; k++) {
		const struct ctl_slot *s = &c->slot[k];
		json_t *o = json_pack("{s:s, s:s}", "name", slot_name(k), "state", st[s->state]);
		if (s->snap) {
			const struct ctl_conf *conf = ((const struct ctl_snapdata *)s->snap->ctl)->conf;
			size_t hosts = 0;
			for (size_t i = 0; i < conf->n_subnets; i++)
				hosts += conf->subnets[i].n_hosts;
			for (size_t i = 0; i < conf->dhcp6.n_subnets; i++)
				hosts += conf->dhcp6.subnets[i].n_hosts;
			json_object_set_new(o, "generation", json_integer((json_int_t)s->snap->generation));
			json_object_set_new(o, "file", json_string(s->file));
			json_object_set_new(o, "loaded", json_string(iso_time(s->loaded, t, sizeof(t))));
			json_object_set_new(o, "images", json_integer(s->snap->n_images));
			json_object_set_new(o, "subnets", json_integer((json_int_t)(conf->n_subnets + conf->dhcp6.n_subnets)));
			json_object_set_new(o, "hosts", json_integer((json_int_t)hosts));
			json_object_set_new(o, "rules", json_integer((json_int_t)conf->n_rules));
		}
		json_array_append_new(arr, o);
		const struct ctl_health *h = &c->health[k];
		uint64_t n = h->dhcp_acks + h->dhcp_naks + h->tftp_done + h->tftp_failed;
		json_object_set_new(
		    health, slot_name(k),
		    json_pack("{s:I, s:I, s:I, s:I, s:f}", "dhcp_acks", (json_int_t)h->dhcp_acks,
			      "dhcp_naks", (json_int_t)h->dhcp_naks, "tftp_done",
			      (json_int_t)h->tftp_done, "tftp_failed", (json_int_t)h->tftp_failed,
			      "error_rate", n ? (double)(h->dhcp_naks + h->tftp_failed) / (double)n : 0.0));
	}
	return ok(json_pack("{s:s, s:o, s:o, s:o}", "active", slot_name(c->active), "slots", arr,
			    "canary", canary_json(c), "health", health));
}

static json_t *
cmd_stage(struct ctl *c, json_t *req)
{
	const char *file = json_string_value(json_object_get(req, "file"));
	char err[1024];

	if (!file || file[0] != '/')
		return fail("stage needs an absolute file path");
	if (ctl_stage(c, file, err, sizeof(err)) != 0)
		return fail("%s", err);
	uint8_t k = (uint8_t)!c->active;
	return ok(json_pack("{s:s, s:I}", "slot", slot_name(k), "generation",
			    (json_int_t)c->slot[k].snap->generation));
}

static json_t *
cmd_switch(struct ctl *c, json_t *req)
{
	char err[256];
	(void)req;
	if (ctl_switch(c, err, sizeof(err)) != 0)
		return fail("%s", err);
	return ok(json_pack("{s:s, s:I}", "active", slot_name(c->active), "generation",
			    (json_int_t)c->slot[c->active].snap->generation));
}

static json_t *
cmd_rollback(struct ctl *c, json_t *req)
{
	char msg[256];
	(void)req;
	if (ctl_rollback(c, msg, sizeof(msg)) != 0)
		return fail("%s", msg);
	return ok(json_pack("{s:s, s:I, s:s}", "active", slot_name(c->active), "generation",
			    (json_int_t)c->slot[c->active].snap->generation, "result", msg));
}

static void
diff_row(const struct ctl_change *ch, void *arg)
{
	static const char *const ops[] = {"added", "removed", "changed"};
	const char *op = ops[ch->op == '+' ? 0 : ch->op == '-' ? 1 : 2];
	json_t *o = json_pack("{s:s, s:s, s:s}", "kind", ch->kind, "op", op, "name", ch->name);
	if (ch->detail[0])
		json_object_set_new(o, "detail", json_string(ch->detail));
	json_array_append_new(arg, o);
}

static struct ctl_diff_image *
diff_images(const struct dp_snap *s)
{
	struct ctl_diff_image *v = calloc(s->n_images + 1, sizeof(*v));
	for (uint32_t i = 0; v && i < s->n_images; i++)
		v[i] = (struct ctl_diff_image){s->images[i]->name, s->images[i]->len,
					       s->images[i]->content_hash};
	return v;
}

static json_t *
cmd_diff(struct ctl *c, json_t *req)
{
	uint8_t a = c->active, b = (uint8_t)!c->active;
	(void)req;

	if (!c->slot[b].snap)
		return fail("slot %s is empty: nothing to compare", slot_name(b));
	const struct dp_snap *sa = c->slot[a].snap, *sb = c->slot[b].snap;
	struct ctl_diff_image *ia = diff_images(sa), *ib = diff_images(sb);
	json_t *arr = json_array();
	if (!ia || !ib) {
		free(ia);
		free(ib);
		return fail("out of memory");
	}
	ctl_diff(((const struct ctl_snapdata *)sa->ctl)->conf, ia, sa->n_images,
		 ((const struct ctl_snapdata *)sb->ctl)->conf, ib, sb->n_images, diff_row, arr);
	free(ia);
	free(ib);
	return ok(json_pack("{s:s, s:s, s:o}", "from", slot_name(a), "to", slot_name(b), "changes", arr));
}

static json_t *
cmd_canary(struct ctl *c, json_t *req)
{
	struct ctl_canary_req cr = {0};
	json_t *share = json_object_get(req, "share"), *macs = json_object_get(req, "macs");
	json_t *ar = json_object_get(req, "auto_rollback");
	const char *group = json_string_value(json_object_get(req, "group"));
	uint8_t (*mv)[6] = NULL;
	char err[256];

	if (json_is_true(json_object_get(req, "clear"))) {
		ctl_canary_clear(c, "cleared by the operator");
		return ok(canary_json(c));
	}
	if (!share && !macs && !group)
		return ok(canary_json(c));
	if (share) {
		double p = json_number_value(share);
		if (!json_is_number(share) || !(p > 0 && p <= 100))
			return fail("share must be a percentage in (0, 100]");
		cr.share_ppm = (uint32_t)(p * 10000.0 + 0.5);
	}
	if (macs) {
		size_t n = json_array_size(macs);
		if (!json_is_array(macs) || !n || !(mv = calloc(n, 6)))
			return fail("macs must be a non-empty list");
		for (size_t i = 0; i < n; i++)
			if (parse_mac(json_string_value(json_array_get(macs, i)), mv[i])) {
				free(mv);
				return fail("invalid MAC address in macs[%zu]", i);
			}
		cr.macs = (const uint8_t(*)[6])mv;
		cr.n_macs = n;
	}
	cr.group = group;
	if (ar) {
		cr.auto_rollback = true;
		cr.max_error_rate = json_number_value(json_object_get(ar, "max_error_rate"));
		json_t *ms = json_object_get(ar, "min_samples");
		cr.min_samples = ms ? (uint32_t)json_integer_value(ms) : 20;
		if (cr.max_error_rate < 0 || cr.max_error_rate >= 1) {
			free(mv);
			return fail("auto_rollback.max_error_rate must be in [0, 1)");
		}
	}
	int rc = ctl_canary_set(c, &cr, err, sizeof(err));
	free(mv);
	return rc ? fail("%s", err) : ok(canary_json(c));
}

static json_t *
cmd_where(struct ctl *c, json_t *req)
{
	static const char *const ev[] = {"in progress", "done", "aborted", "timed out", "not found"};
	const char *ms = json_string_value(json_object_get(req, "mac"));
	struct ctl_where_info wi;
	uint8_t mac[6];
	char buf[INET6_ADDRSTRLEN], macb[18];
	int64_t now = time(NULL);

	if (parse_mac(ms, mac))
		return fail("where needs a MAC address");
	json_t *o = json_pack("{s:s}", "mac", mac_str(mac, macb));
	if (!ctl_where_find(c, mac, &wi)) {
		json_object_set_new(o, "seen", json_false());
		return ok(o);
	}
	json_object_set_new(o, "seen", json_true());
	if (wi.has_dhcp) {
		json_t *d = json_pack("{s:i, s:s, s:s, s:I, s:s, s:I}", "family", wi.family, "last_msg",
				      wi.msg, "last_reply", wi.reply, "ago_s",
				      (json_int_t)(now - wi.dhcp_at), "slot", slot_name(wi.slot),
				      "generation", (json_int_t)wi.generation);
		static const uint8_t zero[16];
		if (memcmp(wi.addr, zero, 16)) {
			bool v4 = wi.addr[10] == 0xff && wi.addr[11] == 0xff && !wi.addr[0];
			inet_ntop(v4 ? AF_INET : AF_INET6, v4 ? wi.addr + 12 : wi.addr, buf, sizeof(buf));
			json_object_set_new(d, "address", json_string(buf));
		}
		if (wi.boot[0])
			json_object_set_new(d, "boot_file", json_string(wi.boot));
		if (wi.why[0]) {
			char reason[160];
			json_object_set_new(d, "rule", json_string(wi.why));
			snprintf(reason, sizeof(reason), "%s",
				 !strcmp(wi.why, "host")   ? "the host's reservation names its boot file"
				 : !strcmp(wi.why, "menu") ? "the PXE menu item the client chose"
				 : !strcmp(wi.why, "none") ? "no boot rule matched"
							   : "first boot rule that matched");
			json_object_set_new(d, "reason", json_string(reason));
		}
		json_object_set_new(o, "slot", json_string(slot_name(wi.slot)));
		json_object_set_new(o, "dhcp", d);
	}
	if (wi.has_tftp) {
		json_t *t = json_pack("{s:s, s:I, s:I, s:s, s:I}", "file", wi.file, "sent",
				      (json_int_t)wi.bytes, "size", (json_int_t)wi.size, "state",
				      ev[wi.tftp_kind < 5 ? wi.tftp_kind : 0], "ago_s",
				      (json_int_t)(now - wi.tftp_at));
		if (wi.tftp_kind == DP_EV_TFTP_START) {
			/* The event says it started: the worker's table says how far it is now. */
			unsigned n;
			struct dp_tftp_info *v = all_sessions(c, &n);
			for (unsigned i = 0; v && i < n; i++)
				if (!memcmp(v[i].mac, mac, 6) && !strcmp(v[i].name, wi.file))
					json_object_set_new(t, "sent", json_integer((json_int_t)v[i].sent));
			free(v);
		}
		if (wi.tftp_err)
			json_object_set_new(t, "error", json_integer(wi.tftp_err));
		json_object_set_new(o, "tftp", t);
	}
	if (wi.last_error[0])
		json_object_set_new(o, "last_error", json_string(wi.last_error));
	return ok(o);
}

static const struct {
	const char *name;
	json_t *(*fn)(struct ctl *c, json_t *req);
	bool changes; /* logged with the peer */
} cmds[] = {
	{"stats", cmd_stats, false},	   {"leases", cmd_leases, false},
	{"release", cmd_release, true},	   {"sessions", cmd_sessions, false},
	{"images", cmd_images, false},	   {"slots", cmd_slots, false},
	{"stage", cmd_stage, true},	   {"switch", cmd_switch, true},
	{"rollback", cmd_rollback, true},  {"diff", cmd_diff, false},
	{"canary", cmd_canary, true},	   {"where", cmd_where, false},
};

static char *
dump(json_t *resp)
{
	char *s = json_dumps(resp, JSON_COMPACT);
	json_decref(resp);
	if (!s)
		return NULL;
	size_t n = strlen(s);
	char *line = realloc(s, n + 2);
	if (!line) {
		free(s);
		return NULL;
	}
	line[n] = '\n';
	line[n + 1] = '\0';
	return line;
}

/* One request line from the peer on fd to a response line (malloc'd).
 * Commands that change state are logged with the peer's pid and uid. */
static char *
handle(struct ctl *c, const char *text, size_t len, int fd)
{
	json_error_t je;
	json_t *req = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
	json_t *resp = NULL;

	if (!req || !json_is_object(req)) {
		resp = fail("request is not a JSON object: %s", req ? "wrong type" : je.text);
	} else {
		const char *cmd = json_string_value(json_object_get(req, "cmd"));
		for (size_t i = 0; cmd && i < sizeof(cmds) / sizeof(cmds[0]) && !resp; i++) {
			if (strcmp(cmd, cmds[i].name))
				continue;
			struct ucred cr;
			socklen_t cl = sizeof(cr);
			if (cmds[i].changes && getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &cl) == 0)
				CTL_LOG(NOTICE, "control: pid %d uid %u: %.*s", cr.pid, cr.uid,
					(int)(len > 300 ? 300 : len), text);
			resp = cmds[i].fn(c, req);
		}
		if (!resp)
			resp = fail("unknown command '%s'", cmd ? cmd : "(none)");
	}
	json_decref(req);
	return dump(resp);
}

/* One connection: a line in (bounded in size and time), a line out. */
static void
serve(struct ctl *c, int fd)
{
	char *buf = malloc(MAX_REQUEST);
	size_t n = 0;
	uint64_t deadline = ctl_mono_ms() + 2000;

	while (buf && n < MAX_REQUEST && !memchr(buf, '\n', n) && ctl_mono_ms() < deadline) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		if (poll(&p, 1, 100) <= 0)
			continue;
		ssize_t r = read(fd, buf + n, MAX_REQUEST - n);
		if (r <= 0)
			break;
		n += (size_t)r;
	}
	if (buf && n) {
		char *nl = memchr(buf, '\n', n);
		char *out = handle(c, buf, nl ? (size_t)(nl - buf) : n, fd);
		for (size_t off = 0, total = out ? strlen(out) : 0; off < total;) {
			struct pollfd p = {.fd = fd, .events = POLLOUT};
			if (ctl_mono_ms() > deadline + 3000 || poll(&p, 1, 100) < 0)
				break;
			ssize_t w = write(fd, out + off, total - off);
			if (w > 0)
				off += (size_t)w;
			else if (w < 0 && errno != EAGAIN)
				break;
		}
		free(out);
	}
	free(buf);
	close(fd);
}

unsigned
ctl_sock_poll(struct ctl *c)
{
	unsigned served = 0;
	uint64_t now = ctl_mono_ms();

	if (g_fd < 0 || now < g_next_ms)
		return 0;
	g_next_ms = now + 5; /* a socket check every 5 ms is plenty for an operator */
	for (int i = 0; i < 16; i++) {
		int fd = accept4(g_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0)
			break;
		serve(c, fd);
		served++;
	}
	return served;
}
