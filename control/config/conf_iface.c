/* SPDX-License-Identifier: MIT */
/* interfaces: ports, their IPv4 and IPv6 addresses, MAC, MTU, kernel interface. */
#include "control/config/conf_internal.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Unicast, not ::, ::1, link-local (derived from the MAC) or IPv4-mapped. */
static bool
ip6_usable(const uint8_t a[16])
{
	static const uint8_t zero[16];
	static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

	if (a[0] == 0xff || (a[0] == 0xfe && (a[1] & 0xc0) == 0x80) || !memcmp(a, mapped, 12))
		return false;
	return memcmp(a, zero, 15) != 0 || a[15] > 1;
}

/* A Linux interface name we create: no '/', ':', spaces or "." / "..". */
static bool
ifname_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 15 || !strcmp(s, ".") || !strcmp(s, ".."))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && !strchr("-_.", s[i]))
			return false;
	return true;
}

int
conv_ifaces(struct ld *ld, const struct y_conf *y, struct ctl_conf *c)
{
	struct span *sp;
	size_t first, dup;

	c->ifaces = calloc(y->interfaces_count, sizeof(*c->ifaces));
	sp = calloc(y->interfaces_count, sizeof(*sp));
	if (!c->ifaces || !sp) {
		free(sp);
		return conf_fail_at(ld, 1, 1, "out of memory");
	}
	c->n_ifaces = y->interfaces_count;
	for (size_t i = 0; i < c->n_ifaces; i++) {
		const struct y_iface *yi = &y->interfaces[i];
		struct ctl_conf_iface *ci = &c->ifaces[i];
		uint64_t v;

		if (conf_num(ld, conf_pathf(ld, "interfaces[%zu].port", i), &yi->port, 0, 0,
			     UINT16_MAX, &v))
			goto fail;
		ci->port = (uint16_t)v;
		sp[i] = (struct span){v, v, i};
		if (conf_cidr_parse(yi->ipv4, &ci->ip4, &ci->prefix4) || ci->prefix4 == 0) {
			conf_fail_node(ld, conf_pathf(ld, "interfaces[%zu].ipv4", i), false,
				       "invalid value for 'ipv4': expected address/prefix "
				       "(like 192.168.77.1/24), got '%s'",
				       conf_shows(ld, yi->ipv4));
			goto fail;
		}
		if (ci->ip4 == 0 || ci->ip4 >> 28 >= 0xe || ci->ip4 >> 24 == 127) {
			conf_fail_node(ld, conf_pathf(ld, "interfaces[%zu].ipv4", i), false,
				       "'%s' is not a usable interface address",
				       conf_shows(ld, yi->ipv4));
			goto fail;
		}
		if (yi->mac) {
			if (conf_mac_parse_unicast(yi->mac, ci->mac)) {
				conf_fail_node(ld, conf_pathf(ld, "interfaces[%zu].mac", i), false,
					       "invalid unicast MAC address '%s'",
					       conf_shows(ld, yi->mac));
				goto fail;
			}
			ci->has_mac = true;
		}
		if (conf_num(ld, conf_pathf(ld, "interfaces[%zu].mtu", i), yi->mtu, 1500, 576, 9000,
			     &v))
			goto fail;
		ci->mtu = (uint16_t)v;
		for (unsigned k = 0; yi->ipv6 && k < yi->ipv6_count; k++) {
			if (conf_cidr6_parse(yi->ipv6[k], ci->ip6[k].addr, &ci->ip6[k].prefix) ||
			    !ip6_usable(ci->ip6[k].addr)) {
				conf_fail_node(ld, conf_pathf(ld, "interfaces[%zu].ipv6[%u]", i, k),
					       false,
					       "invalid value for 'ipv6': expected a unicast "
					       "address/prefix (like fd00:99::1/64), got '%s'",
					       conf_shows(ld, yi->ipv6[k]));
				goto fail;
			}
			ci->n_ip6++;
		}
		if (yi->kernel) {
			if (!ifname_ok(yi->kernel)) {
				conf_fail_node(
				    ld, conf_pathf(ld, "interfaces[%zu].kernel", i), false,
				    "invalid kernel interface name '%s' (1-15 characters: "
				    "letters, digits, '-', '_', '.')",
				    conf_shows(ld, yi->kernel));
				goto fail;
			}
			for (size_t j = 0; j < i; j++)
				if (!strcmp(c->ifaces[j].kernel, yi->kernel)) {
					conf_fail_node(
					    ld, conf_pathf(ld, "interfaces[%zu].kernel", i), false,
					    "kernel interface '%s' already used by interfaces[%zu]",
					    conf_shows(ld, yi->kernel), j);
					goto fail;
				}
			snprintf(ci->kernel, sizeof(ci->kernel), "%s", yi->kernel);
		}
	}
	dup = conf_span_overlap(sp, c->n_ifaces, &first);
	if (dup != SIZE_MAX) {
		unsigned l = conf_node_line(ld, conf_pathf(ld, "interfaces[%zu]", first));
		conf_fail_node(ld, conf_pathf(ld, "interfaces[%zu].port", dup), false,
			       "duplicate interface port %u (first at line %u)",
			       c->ifaces[dup].port, l);
		goto fail;
	}
	free(sp);
	return 0;
fail:
	free(sp);
	return -1;
}
