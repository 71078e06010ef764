/* SPDX-License-Identifier: MIT */
/*
 * Configuration diff. Entities are matched by their identity (a subnet by
 * network and prefix, a host by MAC, else client id/UUID/DUID, else name, a
 * rule by name, an image by name) and compared field by field; the detail
 * names the fields that differ with their old and new values where short.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <arpa/inet.h>

#include "control/config/ctl_conf.h"
#include "shared/bf_net.h"

struct out {
	void (*fn)(const struct ctl_change *ch, void *arg);
	void *arg;
	size_t n;
};

static void __attribute__((format(printf, 4, 5)))
emit(struct out *o, const char *kind, char op, const char *fmt, ...)
{
	struct ctl_change ch = {.kind = kind, .op = op};
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(ch.name, sizeof(ch.name), fmt, ap);
	va_end(ap);
	o->fn(&ch, o->arg);
	o->n++;
}

/* Append "field a -> b" to a detail buffer. */
static void __attribute__((format(printf, 3, 4)))
add(char *d, size_t cap, const char *fmt, ...)
{
	size_t l = strlen(d);
	va_list ap;

	if (l + 3 >= cap)
		return;
	if (l) {
		strcpy(d + l, ", ");
		l += 2;
	}
	va_start(ap, fmt);
	vsnprintf(d + l, cap - l, fmt, ap);
	va_end(ap);
}

static void
changed(struct out *o, const char *kind, const char *name, const char *detail)
{
	struct ctl_change ch = {.kind = kind, .op = '~'};

	snprintf(ch.name, sizeof(ch.name), "%s", name);
	snprintf(ch.detail, sizeof(ch.detail), "%s", detail);
	o->fn(&ch, o->arg);
	o->n++;
}

static const char *
subnet_name(const struct ctl_conf_subnet *s, char *buf)
{
	char ip[16];
	sprintf(buf, "%s/%u", bf_ip4_str(s->net, ip), s->prefix);
	return buf;
}

static const struct ctl_conf_subnet *
find_subnet(const struct ctl_conf *c, const struct ctl_conf_subnet *s)
{
	for (size_t i = 0; i < c->n_subnets; i++)
		if (c->subnets[i].net == s->net && c->subnets[i].prefix == s->prefix)
			return &c->subnets[i];
	return NULL;
}

static bool
same_host_id(const struct ctl_conf_host *x, const struct ctl_conf_host *y)
{
	if (x->has_mac || y->has_mac)
		return x->has_mac && y->has_mac && !memcmp(x->mac, y->mac, 6);
	if (x->cid_len || y->cid_len)
		return x->cid_len == y->cid_len && !memcmp(x->cid, y->cid, x->cid_len);
	if (x->has_uuid || y->has_uuid)
		return x->has_uuid && y->has_uuid && !memcmp(x->uuid, y->uuid, 16);
	return !strcmp(x->name, y->name);
}

static const char *
host_name(const struct ctl_conf_host *h, char *buf, size_t cap)
{
	char mac[18];
	if (h->has_mac)
		snprintf(buf, cap, "%s%s%s%s", h->name, h->name[0] ? " (" : "",
			 bf_mac_str(h->mac, mac), h->name[0] ? ")" : "");
	else
		snprintf(buf, cap, "%s", h->name[0] ? h->name : "(by client id/uuid)");
	return buf;
}

static void
diff_hosts(struct out *o, const struct ctl_conf_subnet *a, const struct ctl_conf_subnet *b)
{
	char nm[128], d[320], x[16], y[16];

	for (size_t i = 0; i < b->n_hosts; i++) {
		const struct ctl_conf_host *hb = &b->hosts[i], *ha = NULL;
		for (size_t j = 0; a && j < a->n_hosts && !ha; j++)
			if (same_host_id(&a->hosts[j], hb))
				ha = &a->hosts[j];
		host_name(hb, nm, sizeof(nm));
		if (!ha) {
			emit(o, "host", '+', "%s", nm);
			continue;
		}
		d[0] = 0;
		if (ha->has_ip != hb->has_ip || ha->ip != hb->ip)
			add(d, sizeof(d), "address %s -> %s",
			    ha->has_ip ? bf_ip4_str(ha->ip, x) : "-",
			    hb->has_ip ? bf_ip4_str(hb->ip, y) : "-");
		if (strcmp(ha->boot_file, hb->boot_file))
			add(d, sizeof(d), "boot_file %s -> %s", ha->boot_file[0] ? ha->boot_file : "-",
			    hb->boot_file[0] ? hb->boot_file : "-");
		if (strcmp(ha->group, hb->group))
			add(d, sizeof(d), "group %s -> %s", ha->group[0] ? ha->group : "-",
			    hb->group[0] ? hb->group : "-");
		if (strcmp(ha->name, hb->name))
			add(d, sizeof(d), "name %s -> %s", ha->name, hb->name);
		if (d[0])
			changed(o, "host", nm, d);
	}
	for (size_t j = 0; a && j < a->n_hosts; j++) {
		bool kept = false;
		for (size_t i = 0; i < b->n_hosts && !kept; i++)
			kept = same_host_id(&a->hosts[j], &b->hosts[i]);
		if (!kept)
			emit(o, "host", '-', "%s", host_name(&a->hosts[j], nm, sizeof(nm)));
	}
}

static void
diff_subnets(struct out *o, const struct ctl_conf *a, const struct ctl_conf *b)
{
	char nm[32], d[320];

	for (size_t i = 0; i < b->n_subnets; i++) {
		const struct ctl_conf_subnet *sb = &b->subnets[i];
		const struct ctl_conf_subnet *sa = find_subnet(a, sb);
		subnet_name(sb, nm);
		if (!sa) {
			emit(o, "subnet", '+', "%s", nm);
			diff_hosts(o, NULL, sb);
			continue;
		}
		d[0] = 0;
		if (sa->n_ranges != sb->n_ranges ||
		    memcmp(sa->ranges, sb->ranges, sa->n_ranges * sizeof(*sa->ranges)))
			add(d, sizeof(d), "pools");
		if (sa->n_routers != sb->n_routers ||
		    memcmp(sa->routers, sb->routers, sizeof(sa->routers)))
			add(d, sizeof(d), "routers");
		if (sa->n_dns != sb->n_dns || memcmp(sa->dns, sb->dns, sizeof(sa->dns)))
			add(d, sizeof(d), "dns");
		if (sa->n_ntp != sb->n_ntp || memcmp(sa->ntp, sb->ntp, sizeof(sa->ntp)))
			add(d, sizeof(d), "ntp");
		if (strcmp(sa->domain, sb->domain))
			add(d, sizeof(d), "domain %s -> %s", sa->domain, sb->domain);
		if (sa->next_server != sb->next_server)
			add(d, sizeof(d), "next_server");
		if (sa->lease_time != sb->lease_time)
			add(d, sizeof(d), "lease_time %u -> %u", sa->lease_time, sb->lease_time);
		if (d[0])
			changed(o, "subnet", nm, d);
		diff_hosts(o, sa, sb);
	}
	for (size_t i = 0; i < a->n_subnets; i++)
		if (!find_subnet(b, &a->subnets[i]))
			emit(o, "subnet", '-', "%s", subnet_name(&a->subnets[i], nm));
}

static const struct ctl_conf_boot_rule *
find_rule(const struct ctl_conf *c, const char *name)
{
	for (size_t i = 0; i < c->n_rules; i++)
		if (!strcmp(c->rules[i].name, name))
			return &c->rules[i];
	return NULL;
}

static void
diff_rules(struct out *o, const struct ctl_conf *a, const struct ctl_conf *b)
{
	char d[320];

	for (size_t i = 0; i < b->n_rules; i++) {
		const struct ctl_conf_boot_rule *rb = &b->rules[i];
		const struct ctl_conf_boot_rule *ra = find_rule(a, rb->name);
		if (!ra) {
			emit(o, "rule", '+', "%s", rb->name);
			continue;
		}
		d[0] = 0;
		if (strcmp(ra->file, rb->file))
			add(d, sizeof(d), "file %s -> %s", ra->file, rb->file);
		if (ra->n_arch != rb->n_arch || memcmp(ra->arch, rb->arch, sizeof(ra->arch)))
			add(d, sizeof(d), "arch");
		if (ra->ipxe != rb->ipxe)
			add(d, sizeof(d), "ipxe");
		if (strcmp(ra->vendor_prefix, rb->vendor_prefix))
			add(d, sizeof(d), "vendor_class %s -> %s", ra->vendor_prefix,
			    rb->vendor_prefix);
		if (ra->next_server != rb->next_server)
			add(d, sizeof(d), "next_server");
		if (ra->n_params != rb->n_params || memcmp(ra->params, rb->params, sizeof(ra->params)))
			add(d, sizeof(d), "params");
		/* the first matching rule wins: a move changes who gets what */
		if ((size_t)(ra - a->rules) != i)
			add(d, sizeof(d), "position %zu -> %zu", (size_t)(ra - a->rules) + 1, i + 1);
		if (d[0])
			changed(o, "rule", rb->name, d);
	}
	for (size_t i = 0; i < a->n_rules; i++)
		if (!find_rule(b, a->rules[i].name))
			emit(o, "rule", '-', "%s", a->rules[i].name);
}

static const struct ctl_diff_image *
find_image(const struct ctl_diff_image *v, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(v[i].name, name))
			return &v[i];
	return NULL;
}

static void
diff_images(struct out *o, const struct ctl_diff_image *ia, size_t na,
	    const struct ctl_diff_image *ib, size_t nb)
{
	char d[320];

	for (size_t i = 0; i < nb; i++) {
		const struct ctl_diff_image *x = find_image(ia, na, ib[i].name);
		if (!x) {
			emit(o, "image", '+', "%s", ib[i].name);
			continue;
		}
		if (x->len == ib[i].len && x->digest == ib[i].digest)
			continue;
		d[0] = 0;
		if (x->len != ib[i].len)
			add(d, sizeof(d), "size %llu -> %llu", (unsigned long long)x->len,
			    (unsigned long long)ib[i].len);
		add(d, sizeof(d), "digest %016llx -> %016llx", (unsigned long long)x->digest,
		    (unsigned long long)ib[i].digest);
		changed(o, "image", ib[i].name, d);
	}
	for (size_t i = 0; i < na; i++)
		if (!find_image(ib, nb, ia[i].name))
			emit(o, "image", '-', "%s", ia[i].name);
}

static void
diff_dhcp6(struct out *o, const struct ctl_conf *a, const struct ctl_conf *b)
{
	char nm[64], ip[INET6_ADDRSTRLEN];

	for (int pass = 0; pass < 2; pass++) {
		const struct ctl_conf *x = pass ? a : b, *y = pass ? b : a;
		for (size_t i = 0; i < x->dhcp6.n_subnets; i++) {
			const struct ctl_conf_subnet6 *sx = &x->dhcp6.subnets[i], *sy = NULL;
			for (size_t j = 0; j < y->dhcp6.n_subnets && !sy; j++)
				if (y->dhcp6.subnets[j].plen == sx->plen &&
				    !memcmp(y->dhcp6.subnets[j].prefix, sx->prefix, 16))
					sy = &y->dhcp6.subnets[j];
			inet_ntop(AF_INET6, sx->prefix, ip, sizeof(ip));
			snprintf(nm, sizeof(nm), "%s/%u", ip, sx->plen);
			if (!sy) {
				emit(o, "subnet6", pass ? '-' : '+', "%s", nm);
				continue;
			}
			if (pass)
				continue;
			char d[320] = "";
			if (sx->n_pools != sy->n_pools || memcmp(sx->pools, sy->pools, sizeof(sx->pools)))
				add(d, sizeof(d), "pools");
			if (sx->n_pd != sy->n_pd || memcmp(sx->pd, sy->pd, sizeof(sx->pd)))
				add(d, sizeof(d), "pd_pools");
			if (sx->n_dns != sy->n_dns || memcmp(sx->dns, sy->dns, sizeof(sx->dns)))
				add(d, sizeof(d), "dns");
			if (strcmp(sx->domains, sy->domains))
				add(d, sizeof(d), "domains");
			if (sx->n_hosts != sy->n_hosts ||
			    memcmp(sx->hosts, sy->hosts, sx->n_hosts * sizeof(*sx->hosts)))
				add(d, sizeof(d), "hosts");
			if (d[0])
				changed(o, "subnet6", nm, d);
		}
	}
}

static void
diff_settings(struct out *o, const struct ctl_conf *a, const struct ctl_conf *b)
{
	char d[320] = "";

	if (a->lease_time != b->lease_time)
		add(d, sizeof(d), "dhcp4.lease_time %u -> %u", a->lease_time, b->lease_time);
	if (a->max_lease_time != b->max_lease_time)
		add(d, sizeof(d), "dhcp4.max_lease_time %u -> %u", a->max_lease_time,
		    b->max_lease_time);
	if (a->authoritative != b->authoritative)
		add(d, sizeof(d), "dhcp4.authoritative");
	if (a->proxy != b->proxy)
		add(d, sizeof(d), "dhcp4.proxy %s -> %s", a->proxy ? "true" : "false",
		    b->proxy ? "true" : "false");
	if (memcmp(&a->tftp, &b->tftp, sizeof(a->tftp)))
		add(d, sizeof(d), "tftp");
	if (memcmp(&a->mtftp, &b->mtftp, sizeof(a->mtftp)))
		add(d, sizeof(d), "mtftp");
	if (a->dhcp6.enabled != b->dhcp6.enabled || a->dhcp6.preferred != b->dhcp6.preferred ||
	    a->dhcp6.valid != b->dhcp6.valid || a->dhcp6.rapid_commit != b->dhcp6.rapid_commit)
		add(d, sizeof(d), "dhcp6");
	if (a->ra.enabled != b->ra.enabled)
		add(d, sizeof(d), "ra");
	if (a->n_templates != b->n_templates)
		add(d, sizeof(d), "templates %zu -> %zu", a->n_templates, b->n_templates);
	else
		for (size_t i = 0; i < a->n_templates; i++)
			if (strcmp(a->templates[i].name, b->templates[i].name) ||
			    a->templates[i].len != b->templates[i].len ||
			    memcmp(a->templates[i].content, b->templates[i].content,
				   a->templates[i].len)) {
				add(d, sizeof(d), "template %s", b->templates[i].name);
				break;
			}
	if (d[0])
		changed(o, "setting", "global", d);
}

size_t
ctl_diff(const struct ctl_conf *a, const struct ctl_diff_image *ia, size_t na,
	 const struct ctl_conf *b, const struct ctl_diff_image *ib, size_t nb,
	 void (*fn)(const struct ctl_change *ch, void *arg), void *arg)
{
	struct out o = {fn, arg, 0};

	diff_settings(&o, a, b);
	diff_subnets(&o, a, b);
	diff_dhcp6(&o, a, b);
	diff_rules(&o, a, b);
	diff_images(&o, ia, na, ib, nb);
	return o.n;
}
