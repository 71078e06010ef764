/* SPDX-License-Identifier: MIT */
/*
 * dhcp4: lease times, the lease store, subnets with their pools, options and
 * fixed hosts; then across the file, subnets that do not overlap and hosts
 * (MAC, address, client_id, uuid) given once.
 */
#include "control/config/conf_internal.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bf_net.h"

#define CONF_LEASE_MIN 60
#define CONF_LEASE_MAX 2147483647u

static void
trim(char *s)
{
	size_t n = strlen(s), i = 0;

	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		s[--n] = '\0';
	while (s[i] == ' ' || s[i] == '\t')
		i++;
	memmove(s, s + i, n - i + 1);
}

/* "a-b", blanks around '-' allowed. */
static int
range_parse(const char *s, uint32_t *first, uint32_t *last)
{
	char a[STR_TOKEN + 1], b[STR_TOKEN + 1];
	const char *dash = strchr(s, '-');

	if (!dash || (size_t)(dash - s) > STR_TOKEN || strlen(dash + 1) > STR_TOKEN)
		return -1;
	memcpy(a, s, (size_t)(dash - s));
	a[dash - s] = '\0';
	strcpy(b, dash + 1);
	trim(a);
	trim(b);
	return bf_ip4_parse(a, first) || bf_ip4_parse(b, last) ? -1 : 0;
}

/* A MAC as a 48-bit number, for duplicate finding. */
static uint64_t
mac_u64(const uint8_t mac[6])
{
	uint64_t v = 0;

	for (int i = 0; i < 6; i++)
		v = v << 8 | mac[i];
	return v;
}

/* Host and domain names: letters, digits, '-' and '.', not starting or ending with '-'/'.'. */
static bool
dns_name_ok(const char *s)
{
	size_t n = strlen(s);

	if (!n || s[0] == '-' || s[0] == '.' || s[n - 1] == '-' || s[n - 1] == '.')
		return false;
	for (size_t i = 0; i < n; i++) {
		char ch = s[i];
		bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
			  (ch >= '0' && ch <= '9') || ch == '-' || ch == '.';
		if (!ok || (ch == '.' && s[i + 1] == '.'))
			return false;
	}
	return true;
}

static int
addr_list(struct ld *ld, size_t si, const char *key, char **v, unsigned n, uint32_t *out,
	  uint8_t *n_out)
{
	for (unsigned i = 0; i < n; i++)
		if (conf_ip_at(ld, conf_pathf(ld, "dhcp4.subnets[%zu].%s[%u]", si, key, i), v[i],
			       &out[i]))
			return -1;
	*n_out = (uint8_t)n;
	return 0;
}

static int
conv_ranges(struct ld *ld, size_t si, const struct y_subnet *ys, struct ctl_conf_subnet *cs)
{
	uint32_t mask = conf_prefix_mask(cs->prefix), bcast = cs->net | ~mask;
	struct span *sp;
	size_t first, dup;

	cs->ranges = calloc(ys->pools_count ? ys->pools_count : 1, sizeof(*cs->ranges));
	sp = calloc(ys->pools_count ? ys->pools_count : 1, sizeof(*sp));
	if (!cs->ranges || !sp) {
		free(sp);
		return conf_fail_at(ld, 1, 1, "out of memory");
	}
	cs->n_ranges = ys->pools_count;
	for (size_t j = 0; j < cs->n_ranges; j++) {
		struct ctl_conf_range *r = &cs->ranges[j];
		const char *path = conf_pathf(ld, "dhcp4.subnets[%zu].pools[%zu]", si, j);
		const char *txt = ys->pools[j];

		if (range_parse(txt, &r->first, &r->last)) {
			conf_fail_node(ld, path, false,
				       "invalid pool '%s' (expected \"first-last\", "
				       "like 192.168.77.100-192.168.77.199)",
				       conf_shows(ld, txt));
			goto fail;
		}
		if (r->first > r->last) {
			conf_fail_node(ld, path, false,
				       "invalid pool '%s': first address above last",
				       conf_shows(ld, txt));
			goto fail;
		}
		bool in = (r->first & mask) == cs->net && (r->last & mask) == cs->net;
		/* /31 and /32 have no network or broadcast address (RFC 3021). */
		if (in && cs->prefix <= 30 && (r->first == cs->net || r->last == bcast))
			in = false;
		if (!in) {
			conf_fail_node(ld, path, false,
				       "pool '%s' is outside the usable addresses of "
				       "subnet '%s'",
				       conf_shows(ld, txt), conf_shows(ld, ys->subnet));
			goto fail;
		}
		sp[j] = (struct span){r->first, r->last, j};
	}
	dup = conf_span_overlap(sp, cs->n_ranges, &first);
	if (dup != SIZE_MAX) {
		unsigned l =
		    conf_node_line(ld, conf_pathf(ld, "dhcp4.subnets[%zu].pools[%zu]", si, first));
		conf_fail_node(ld, conf_pathf(ld, "dhcp4.subnets[%zu].pools[%zu]", si, dup), false,
			       "pool '%s' overlaps pool '%s' (line %u)",
			       conf_shows(ld, ys->pools[dup]), conf_shows(ld, ys->pools[first]), l);
		goto fail;
	}
	free(sp);
	return 0;
fail:
	free(sp);
	return -1;
}

static int
conv_hosts(struct ld *ld, size_t si, const struct y_subnet *ys, struct ctl_conf_subnet *cs,
	   const struct name_ref *names, size_t n_names)
{
	uint32_t mask = conf_prefix_mask(cs->prefix), bcast = cs->net | ~mask;

	if (!(cs->hosts = conf_list(ld, ys->hosts_count, sizeof(*cs->hosts))))
		return -1;
	cs->n_hosts = ys->hosts_count;
	for (size_t j = 0; j < cs->n_hosts; j++) {
		const struct y_host *yh = &ys->hosts[j];
		struct ctl_conf_host *h = &cs->hosts[j];

		if (yh->name) {
			if (!dns_name_ok(yh->name))
				return conf_fail_node(
				    ld, conf_pathf(ld, "dhcp4.subnets[%zu].hosts[%zu].name", si, j),
				    false,
				    "invalid host name '%s' (letters, digits, '-' "
				    "and '.')",
				    conf_shows(ld, yh->name));
			snprintf(h->name, sizeof(h->name), "%s", yh->name);
		}
		if (yh->group) {
			if (!conf_group_ok(yh->group))
				return conf_fail_node(
				    ld,
				    conf_pathf(ld, "dhcp4.subnets[%zu].hosts[%zu].group", si, j),
				    false, "invalid group '%s' (letters, digits, '-', '_' and '.')",
				    conf_shows(ld, yh->group));
			snprintf(h->group, sizeof(h->group), "%s", yh->group);
		}
		if (!yh->mac && !yh->client_id && !yh->uuid)
			return conf_fail_node(
			    ld, conf_pathf(ld, "dhcp4.subnets[%zu].hosts[%zu]", si, j), false,
			    "a host needs 'mac', 'client_id' or 'uuid'");
		if (yh->mac && conf_mac_parse_unicast(yh->mac, h->mac))
			return conf_fail_node(
			    ld, conf_pathf(ld, "dhcp4.subnets[%zu].hosts[%zu].mac", si, j), false,
			    "invalid unicast MAC address '%s'", conf_shows(ld, yh->mac));
		h->has_mac = yh->mac != NULL;
		if (yh->client_id) {
			int n = conf_hex_bytes(yh->client_id, h->cid, sizeof(h->cid));
			if (n < 2)
				return conf_fail_node(
				    ld,
				    conf_pathf(ld, "dhcp4.subnets[%zu].hosts[%zu].client_id", si,
					       j),
				    false,
				    "invalid client_id '%s' (2 to 64 bytes in hex, e.g. "
				    "01:52:54:00:12:34:56)",
				    conf_shows(ld, yh->client_id));
			h->cid_len = (uint8_t)n;
		}
		if (yh->uuid) {
			if (conf_hex_bytes(yh->uuid, h->uuid, sizeof(h->uuid)) != 16)
				return conf_fail_node(
				    ld, conf_pathf(ld, "dhcp4.subnets[%zu].hosts[%zu].uuid", si, j),
				    false,
				    "invalid uuid '%s' (16 bytes in hex as option 97 carries them, "
				    "dashes allowed)",
				    conf_shows(ld, yh->uuid));
			h->has_uuid = true;
		}
		if (yh->address) {
			const char *path =
			    conf_pathf(ld, "dhcp4.subnets[%zu].hosts[%zu].address", si, j);
			if (conf_ip_at(ld, path, yh->address, &h->ip))
				return -1;
			if ((h->ip & mask) != cs->net ||
			    (cs->prefix <= 30 && (h->ip == cs->net || h->ip == bcast)))
				return conf_fail_node(ld, path, false,
						      "host address %s is outside the "
						      "usable addresses of subnet '%s'",
						      conf_shows(ld, yh->address),
						      conf_shows(ld, ys->subnet));
			h->has_ip = true;
		}
		if (yh->boot_file) {
			if (conf_boot_file_check(
				ld,
				conf_pathf(ld, "dhcp4.subnets[%zu].hosts[%zu].boot_file", si, j),
				yh->boot_file, names, n_names))
				return -1;
			snprintf(h->boot_file, sizeof(h->boot_file), "%s", yh->boot_file);
		}
	}
	return 0;
}

static int
conv_subnet(struct ld *ld, size_t si, const struct y_subnet *ys, struct ctl_conf_subnet *cs,
	    const struct ctl_conf *c, const struct name_ref *names, size_t n_names)
{
	uint64_t v;

	if (conf_cidr_parse(ys->subnet, &cs->net, &cs->prefix) || cs->prefix == 0)
		return conf_fail_node(ld, conf_pathf(ld, "dhcp4.subnets[%zu].subnet", si), false,
				      "invalid subnet '%s' (expected network/prefix, like "
				      "192.168.77.0/24)",
				      conf_shows(ld, ys->subnet));
	if (cs->net & ~conf_prefix_mask(cs->prefix))
		return conf_fail_node(ld, conf_pathf(ld, "dhcp4.subnets[%zu].subnet", si), false,
				      "subnet '%s' has host bits set", conf_shows(ld, ys->subnet));
	if (conv_ranges(ld, si, ys, cs))
		return -1;
	if (ys->router && ys->routers)
		return conf_fail_node(ld, conf_pathf(ld, "dhcp4.subnets[%zu].router", si), true,
				      "use either 'router' or 'routers', not both");
	if (ys->router) {
		if (conf_ip_at(ld, conf_pathf(ld, "dhcp4.subnets[%zu].router", si), ys->router,
			       &cs->routers[0]))
			return -1;
		cs->n_routers = 1;
	} else if (addr_list(ld, si, "routers", ys->routers, ys->routers_count, cs->routers,
			     &cs->n_routers)) {
		return -1;
	}
	if (addr_list(ld, si, "dns", ys->dns, ys->dns_count, cs->dns, &cs->n_dns) ||
	    addr_list(ld, si, "ntp", ys->ntp, ys->ntp_count, cs->ntp, &cs->n_ntp))
		return -1;
	if (ys->domain) {
		if (!dns_name_ok(ys->domain))
			return conf_fail_node(ld, conf_pathf(ld, "dhcp4.subnets[%zu].domain", si),
					      false, "invalid domain name '%s'",
					      conf_shows(ld, ys->domain));
		snprintf(cs->domain, sizeof(cs->domain), "%s", ys->domain);
	}
	if (ys->next_server && conf_ip_at(ld, conf_pathf(ld, "dhcp4.subnets[%zu].next_server", si),
					  ys->next_server, &cs->next_server))
		return -1;
	if (conf_num(ld, conf_pathf(ld, "dhcp4.subnets[%zu].lease_time", si), ys->lease_time, 0,
		     CONF_LEASE_MIN, c->max_lease_time, &v))
		return -1;
	cs->lease_time = (uint32_t)v;
	return conv_hosts(ld, si, ys, cs, names, n_names);
}

/* "01:52:54" form of n bytes into out (3 * n + 1 bytes). */
static char *
hex_str(const uint8_t *p, size_t n, char *out)
{
	out[0] = 0;
	for (size_t i = 0; i < n; i++)
		sprintf(out + (i ? 3 * i - 1 : 0), i ? ":%02x" : "%02x", p[i]);
	return out;
}

/*
 * Report host number dup (where[] maps host numbers to subnet, host) as a
 * duplicate of host number first in field key; value is its text form.
 */
static int
fail_dup_host(struct ld *ld, const size_t *where, size_t first, size_t dup, const char *key,
	      const char *what, const char *value)
{
	unsigned l = conf_node_line(ld, conf_pathf(ld, "dhcp4.subnets[%zu].hosts[%zu].%s",
						   where[2 * first], where[2 * first + 1], key));
	return conf_fail_node(ld,
			      conf_pathf(ld, "dhcp4.subnets[%zu].hosts[%zu].%s", where[2 * dup],
					 where[2 * dup + 1], key),
			      false, "duplicate host %s %s (first at line %u)", what, value, l);
}

/* Subnets do not overlap; host MACs and fixed addresses are unique in the file. */
static int
check_unique(struct ld *ld, const struct ctl_conf *c)
{
	size_t n_hosts = 0, k = 0, first, dup;
	struct span *sp, *macs, *ips;
	size_t *where;
	int rc = 0;

	for (size_t i = 0; i < c->n_subnets; i++)
		n_hosts += c->subnets[i].n_hosts;
	sp = calloc(c->n_subnets + 1, sizeof(*sp));
	macs = calloc(n_hosts + 1, sizeof(*macs));
	ips = calloc(n_hosts + 1, sizeof(*ips));
	where = calloc(n_hosts + 1, 2 * sizeof(*where));
	if (!sp || !macs || !ips || !where) {
		rc = conf_fail_at(ld, 1, 1, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < c->n_subnets; i++) {
		const struct ctl_conf_subnet *s = &c->subnets[i];
		sp[i] = (struct span){s->net, s->net | ~conf_prefix_mask(s->prefix), i};
	}
	dup = conf_span_overlap(sp, c->n_subnets, &first);
	if (dup != SIZE_MAX) {
		char a[16], b[16];
		unsigned l = conf_node_line(ld, conf_pathf(ld, "dhcp4.subnets[%zu].subnet", first));
		rc = conf_fail_node(ld, conf_pathf(ld, "dhcp4.subnets[%zu].subnet", dup), false,
				    "subnet %s/%u overlaps subnet %s/%u (line %u)",
				    bf_ip4_str(c->subnets[dup].net, a), c->subnets[dup].prefix,
				    bf_ip4_str(c->subnets[first].net, b), c->subnets[first].prefix,
				    l);
		goto out;
	}
	size_t n_ips = 0, n_macs = 0;
	for (size_t i = 0; i < c->n_subnets; i++) {
		for (size_t j = 0; j < c->subnets[i].n_hosts; j++, k++) {
			const struct ctl_conf_host *h = &c->subnets[i].hosts[j];
			where[2 * k] = i;
			where[2 * k + 1] = j;
			if (h->has_mac) {
				uint64_t m = mac_u64(h->mac);
				macs[n_macs++] = (struct span){m, m, k};
			}
			if (h->has_ip)
				ips[n_ips++] = (struct span){h->ip, h->ip, k};
		}
	}
	dup = conf_span_overlap(macs, n_macs, &first);
	if (dup != SIZE_MAX) {
		char mac[18];
		const struct ctl_conf_host *h = &c->subnets[where[2 * dup]].hosts[where[2 * dup + 1]];
		rc = fail_dup_host(ld, where, first, dup, "mac", "MAC", bf_mac_str(h->mac, mac));
		goto out;
	}
	dup = conf_span_overlap(ips, n_ips, &first);
	if (dup != SIZE_MAX) {
		char ip[16];
		const struct ctl_conf_host *h = &c->subnets[where[2 * dup]].hosts[where[2 * dup + 1]];
		rc = fail_dup_host(ld, where, first, dup, "address", "address", bf_ip4_str(h->ip, ip));
		goto out;
	}
	/* Client identifiers and UUIDs: reservations by them are few; pairwise is fine. */
	for (size_t a = 0; a < n_hosts; a++) {
		const struct ctl_conf_host *ha = &c->subnets[where[2 * a]].hosts[where[2 * a + 1]];
		for (size_t b = a + 1; b < n_hosts && (ha->cid_len || ha->has_uuid); b++) {
			const struct ctl_conf_host *hb =
			    &c->subnets[where[2 * b]].hosts[where[2 * b + 1]];
			char hx[3 * CTL_MAX_CLIENT_ID + 1];
			if (ha->cid_len && ha->cid_len == hb->cid_len &&
			    memcmp(ha->cid, hb->cid, ha->cid_len) == 0) {
				rc = fail_dup_host(ld, where, a, b, "client_id", "client_id",
						   hex_str(ha->cid, ha->cid_len, hx));
				goto out;
			}
			if (ha->has_uuid && hb->has_uuid && memcmp(ha->uuid, hb->uuid, 16) == 0) {
				rc = fail_dup_host(ld, where, a, b, "uuid", "uuid",
						   hex_str(ha->uuid, 16, hx));
				goto out;
			}
		}
	}
out:
	free(sp);
	free(macs);
	free(ips);
	free(where);
	return rc;
}

int
conv_dhcp4(struct ld *ld, const struct y_conf *y, struct ctl_conf *c, const struct name_ref *names,
	   size_t n_names)
{
	const struct y_dhcp4 *d = y->dhcp4;
	static const struct y_dhcp4 none;
	uint64_t v;

	if (!d)
		d = &none;
	c->authoritative = d->authoritative ? *d->authoritative != 0 : true;
	c->proxy = d->proxy ? *d->proxy != 0 : false;
	if (conf_num(ld, "dhcp4.lease_time", d->lease_time, 3600, CONF_LEASE_MIN, CONF_LEASE_MAX,
		     &v))
		return -1;
	c->lease_time = (uint32_t)v;
	if (conf_num(ld, "dhcp4.max_lease_time", d->max_lease_time, 86400, CONF_LEASE_MIN,
		     CONF_LEASE_MAX, &v))
		return -1;
	c->max_lease_time = (uint32_t)v;
	if (c->max_lease_time < c->lease_time)
		return conf_fail_node(
		    ld, d->max_lease_time ? "dhcp4.max_lease_time" : "dhcp4.lease_time", false,
		    "max_lease_time (%" PRIu32 ") is below lease_time (%" PRIu32 ")",
		    c->max_lease_time, c->lease_time);
	if (conf_num(ld, "dhcp4.decline_time", d->decline_time, 3600, CONF_LEASE_MIN,
		     CONF_LEASE_MAX, &v))
		return -1;
	c->decline_time = (uint32_t)v;
	static const struct y_limits4 no_limits;
	const struct y_limits4 *lm = d->limits ? d->limits : &no_limits;
	if (conf_num(ld, "dhcp4.limits.leases_per_circuit", lm->leases_per_circuit, 0, 0, 1u << 24,
		     &v))
		return -1;
	c->limits4.per_circuit = (uint32_t)v;
	if (conf_num(ld, "dhcp4.limits.leases_per_relay", lm->leases_per_relay, 0, 0, 1u << 24, &v))
		return -1;
	c->limits4.per_relay = (uint32_t)v;
	if (conf_num(ld, "dhcp4.limits.leases_per_port", lm->leases_per_port, 0, 0, 1u << 24, &v))
		return -1;
	c->limits4.per_port = (uint32_t)v;
	if (conf_num(ld, "dhcp4.limits.new_per_second", lm->new_per_second, 0, 0, 1000000, &v))
		return -1;
	c->limits4.new_per_s = (uint32_t)v;
	if (d->lease_store) {
		c->lease_store = d->lease_store[0] == '/' ? strdup(d->lease_store)
							  : conf_join_path(ld->dir, d->lease_store);
		if (!c->lease_store)
			return conf_fail_at(ld, 1, 1, "out of memory");
	}
	if (!(c->subnets = conf_list(ld, d->subnets_count, sizeof(*c->subnets))))
		return -1;
	c->n_subnets = d->subnets_count;
	for (size_t i = 0; i < c->n_subnets; i++)
		if (conv_subnet(ld, i, &d->subnets[i], &c->subnets[i], c, names, n_names))
			return -1;
	return check_unique(ld, c);
}
