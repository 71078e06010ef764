/* SPDX-License-Identifier: MIT */
/* dhcp6: lifetimes, and per subnet its prefix, pools, prefix pools, DNS, domains, hosts. */
#include "control/config/conf_internal.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bf_dhcp6.h"

static int
conv_subnet6(struct ld *ld, size_t si, const struct y_subnet6 *ys, struct ctl_conf_subnet6 *cs)
{
	const char *path = conf_pathf(ld, "dhcp6.subnets[%zu].prefix", si);

	if (conf_cidr6_parse(ys->prefix, cs->prefix, &cs->plen) || cs->plen > 120 ||
	    !bf_ip6_in_prefix(cs->prefix, cs->prefix, cs->plen))
		return conf_fail_node(
		    ld, path, false,
		    "invalid prefix '%s' (expected like fd00:99::/64, no host bits)",
		    conf_shows(ld, ys->prefix));
	for (unsigned j = 0; ys->pools && j < ys->pools_count; j++) {
		const char *t = ys->pools[j], *dash = strchr(t, '-');
		char a[INET6_ADDRSTRLEN];
		path = conf_pathf(ld, "dhcp6.subnets[%zu].pools[%u]", si, j);
		if (!dash || (size_t)(dash - t) >= sizeof(a))
			return conf_fail_node(ld, path, false,
					      "invalid pool '%s' (expected \"first-last\", like "
					      "fd00:99::100-fd00:99::1ff)",
					      conf_shows(ld, t));
		memcpy(a, t, (size_t)(dash - t));
		a[dash - t] = '\0';
		if (inet_pton(AF_INET6, a, cs->pools[j].first) != 1 ||
		    inet_pton(AF_INET6, dash + 1, cs->pools[j].last) != 1)
			return conf_fail_node(ld, path, false, "invalid pool '%s'",
					      conf_shows(ld, t));
		if (memcmp(cs->pools[j].first, cs->pools[j].last, 16) > 0 ||
		    !bf_ip6_in_prefix(cs->pools[j].first, cs->prefix, cs->plen) ||
		    !bf_ip6_in_prefix(cs->pools[j].last, cs->prefix, cs->plen) ||
		    memcmp(cs->pools[j].first, cs->pools[j].last, 8) != 0)
			return conf_fail_node(
			    ld, path, false,
			    "pool '%s' must lie inside prefix '%s', first <= last, "
			    "within one /64",
			    conf_shows(ld, t), conf_shows(ld, ys->prefix));
		cs->n_pools++;
	}
	for (unsigned j = 0; ys->pd_pools && j < ys->pd_pools_count; j++) {
		const char *t = ys->pd_pools[j], *dash = strchr(t, '-'), *slash = strrchr(t, '/');
		char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN];
		char *end;
		unsigned long len = slash ? strtoul(slash + 1, &end, 10) : 0;
		path = conf_pathf(ld, "dhcp6.subnets[%zu].pd_pools[%u]", si, j);
		if (!dash || !slash || slash < dash || *end || len < 32 || len > 64 ||
		    (size_t)(dash - t) >= sizeof(a) || (size_t)(slash - dash - 1) >= sizeof(b))
			return conf_fail_node(
			    ld, path, false,
			    "invalid prefix pool '%s' (expected \"first-last/length\", "
			    "like 3ffe:501:ffff:100::-3ffe:501:ffff:111::/64, length "
			    "32..64)",
			    conf_shows(ld, t));
		memcpy(a, t, (size_t)(dash - t));
		a[dash - t] = '\0';
		memcpy(b, dash + 1, (size_t)(slash - dash - 1));
		b[slash - dash - 1] = '\0';
		if (inet_pton(AF_INET6, a, cs->pd[j].first) != 1 ||
		    inet_pton(AF_INET6, b, cs->pd[j].last) != 1 ||
		    memcmp(cs->pd[j].first, cs->pd[j].last, 16) > 0 ||
		    !bf_ip6_in_prefix(cs->pd[j].first, cs->pd[j].first, (uint8_t)len) ||
		    !bf_ip6_in_prefix(cs->pd[j].last, cs->pd[j].last, (uint8_t)len))
			return conf_fail_node(
			    ld, path, false,
			    "invalid prefix pool '%s': first <= last, no bits past /%lu",
			    conf_shows(ld, t), len);
		cs->pd[j].len = (uint8_t)len;
		cs->n_pd++;
	}
	for (unsigned j = 0; ys->dns && j < ys->dns_count; j++) {
		if (inet_pton(AF_INET6, ys->dns[j], cs->dns[j]) != 1)
			return conf_fail_node(
			    ld, conf_pathf(ld, "dhcp6.subnets[%zu].dns[%u]", si, j), false,
			    "invalid IPv6 address '%s'", conf_shows(ld, ys->dns[j]));
		cs->n_dns++;
	}
	if (!(cs->hosts = conf_list(ld, ys->hosts_count, sizeof(*cs->hosts))))
		return -1;
	for (unsigned j = 0; j < ys->hosts_count; j++) {
		const struct y_host6 *yh = &ys->hosts[j];
		struct ctl_conf_host6 *h = &cs->hosts[j];
		if (yh->name)
			snprintf(h->name, sizeof(h->name), "%s", yh->name);
		if (yh->group) {
			if (!conf_group_ok(yh->group))
				return conf_fail_node(
				    ld, conf_pathf(ld, "dhcp6.subnets[%zu].hosts[%u].group", si, j),
				    false, "invalid group '%s' (letters, digits, '-', '_' and '.')",
				    conf_shows(ld, yh->group));
			snprintf(h->group, sizeof(h->group), "%s", yh->group);
		}
		if (yh->duid) {
			int n = conf_hex_bytes(yh->duid, h->duid, sizeof(h->duid));
			if (n < 2 || bf_dhcp6_duid_type(h->duid, (size_t)n) < 0)
				return conf_fail_node(
				    ld, conf_pathf(ld, "dhcp6.subnets[%zu].hosts[%u].duid", si, j),
				    false, "invalid DUID '%s' (hex bytes, 2..130)",
				    conf_shows(ld, yh->duid));
			h->duid_len = (uint8_t)n;
		}
		if (yh->mac) {
			if (conf_mac_parse_unicast(yh->mac, h->mac))
				return conf_fail_node(
				    ld, conf_pathf(ld, "dhcp6.subnets[%zu].hosts[%u].mac", si, j),
				    false, "invalid unicast MAC address '%s'",
				    conf_shows(ld, yh->mac));
			h->has_mac = true;
		}
		if (!h->duid_len && !h->has_mac)
			return conf_fail_node(ld,
					      conf_pathf(ld, "dhcp6.subnets[%zu].hosts[%u]", si, j),
					      false, "a DHCPv6 host needs 'duid' or 'mac'");
		if (inet_pton(AF_INET6, yh->address, h->addr) != 1 ||
		    !bf_ip6_in_prefix(h->addr, cs->prefix, cs->plen))
			return conf_fail_node(
			    ld, conf_pathf(ld, "dhcp6.subnets[%zu].hosts[%u].address", si, j),
			    false, "host address '%s' is not inside prefix '%s'",
			    conf_shows(ld, yh->address), conf_shows(ld, ys->prefix));
		for (unsigned k = 0; k < j; k++) {
			const struct ctl_conf_host6 *o = &cs->hosts[k];
			if (!memcmp(o->addr, h->addr, 16) ||
			    (h->duid_len && o->duid_len == h->duid_len &&
			     !memcmp(o->duid, h->duid, h->duid_len)) ||
			    (h->has_mac && o->has_mac && !memcmp(o->mac, h->mac, 6)))
				return conf_fail_node(
				    ld, conf_pathf(ld, "dhcp6.subnets[%zu].hosts[%u]", si, j),
				    false, "host repeats the address, DUID or MAC of hosts[%u]", k);
		}
		cs->n_hosts++;
	}
	size_t off = 0;
	for (unsigned j = 0; ys->domains && j < ys->domains_count; j++)
		off += (size_t)snprintf(cs->domains + off, sizeof(cs->domains) - off, "%s%s",
					j ? "," : "", ys->domains[j]);
	uint8_t wire[512];
	if (off >= sizeof(cs->domains) ||
	    (off && bf_dhcp6_encode_domains(cs->domains, wire, sizeof(wire)) < 0))
		return conf_fail_node(
		    ld, conf_pathf(ld, "dhcp6.subnets[%zu].domains", si), false,
		    "invalid domain names (labels of 1..63 letters, digits, '-')");
	return 0;
}

int
conv_dhcp6(struct ld *ld, const struct y_conf *y, struct ctl_conf *c)
{
	const struct y_dhcp6 *d = y->dhcp6;
	struct ctl_conf_dhcp6 *cd = &c->dhcp6;
	uint64_t v;

	if (!d)
		return 0;
	cd->enabled = true;
	if (conf_num(ld, "dhcp6.valid_lifetime", d->valid_lifetime, 7200, 60, UINT32_MAX - 1, &v))
		return -1;
	cd->valid = (uint32_t)v;
	if (conf_num(ld, "dhcp6.preferred_lifetime", d->preferred_lifetime, cd->valid / 2, 30,
		     cd->valid, &v))
		return -1;
	cd->preferred = (uint32_t)v;
	if (conf_num(ld, "dhcp6.preference", d->preference, 255, 0, 255, &v))
		return -1;
	cd->preference = (uint8_t)v;
	cd->rapid_commit = conf_bool(d->rapid_commit, true);
	if (conf_num(ld, "dhcp6.info_refresh", d->info_refresh, 86400, 600, UINT32_MAX - 1, &v))
		return -1;
	cd->info_refresh = (uint32_t)v;
	if (!(cd->subnets = conf_list(ld, d->subnets_count, sizeof(*cd->subnets))))
		return -1;
	for (size_t i = 0; i < d->subnets_count; i++) {
		cd->n_subnets++; /* counted first: ctl_conf_free frees a half-converted one too */
		if (conv_subnet6(ld, i, &d->subnets[i], &cd->subnets[i]))
			return -1;
	}
	return 0;
}
