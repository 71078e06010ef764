/* SPDX-License-Identifier: MIT */
/*
 * The smaller services: the exception path to the kernel (rate, ethertypes),
 * http (listen addresses, limits), control (socket, metrics), and router
 * advertisements (ra).
 */
#include "control/config/conf_internal.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bf_net.h"

#define RTE_DIM_(a) (sizeof(a) / sizeof((a)[0]))

int
conv_exception(struct ld *ld, const struct y_conf *y, struct ctl_conf *c)
{
	static const struct y_exception none;
	static const uint16_t def[] = {BF_ETHERTYPE_IPV4, BF_ETHERTYPE_ARP, BF_ETHERTYPE_IPV6};
	const struct y_exception *e = y->exception ? y->exception : &none;
	struct ctl_conf_exception *ce = &c->exception;
	uint64_t v;

	if (conf_num(ld, "exception.rate", e->rate, 100000, 1, 100000000, &v))
		return -1;
	ce->rate = (uint32_t)v;
	if (conf_num(ld, "exception.burst", e->burst, 2048, 1, 1000000, &v))
		return -1;
	ce->burst = (uint32_t)v;
	if (!e->ethertypes) {
		memcpy(ce->ethertypes, def, sizeof(def));
		ce->n_ethertypes = RTE_DIM_(def);
		return 0;
	}
	for (unsigned i = 0; i < e->ethertypes_count; i++) {
		const char *t = e->ethertypes[i];
		char *end;
		unsigned long et = 0;

		if (t[0] == '0' && (t[1] == 'x' || t[1] == 'X') && isxdigit((unsigned char)t[2]))
			et = strtoul(t + 2, &end, 16);
		else
			end = (char *)t;
		if (*end || et < 0x600 || et > 0xffff || et == BF_ETHERTYPE_VLAN)
			return conf_fail_node(ld, conf_pathf(ld, "exception.ethertypes[%u]", i),
					      false,
					      "invalid ethertype '%s': expected hex 0x0600-0xffff "
					      "(like 0x88cc), not 0x8100",
					      conf_shows(ld, t));
		ce->ethertypes[ce->n_ethertypes++] = (uint16_t)et;
	}
	return 0;
}

/* "ADDR:PORT" or "[ADDR6]:PORT". */
static int
listen_parse(const char *s, int *family, uint8_t addr[16], uint16_t *port)
{
	char host[64];
	const char *colon, *hs = s;
	size_t hl;
	char *end;
	unsigned long p;

	if (s[0] == '[') {
		const char *rb = strchr(s, ']');
		if (!rb || rb[1] != ':')
			return -1;
		hs = s + 1;
		hl = (size_t)(rb - hs);
		colon = rb + 1;
		*family = AF_INET6;
	} else {
		colon = strrchr(s, ':');
		if (!colon)
			return -1;
		hl = (size_t)(colon - s);
		*family = AF_INET;
	}
	if (hl == 0 || hl >= sizeof(host))
		return -1;
	memcpy(host, hs, hl);
	host[hl] = '\0';
	if (!isdigit((unsigned char)colon[1]))
		return -1;
	p = strtoul(colon + 1, &end, 10);
	if (*end || p == 0 || p > 65535)
		return -1;
	*port = (uint16_t)p;
	memset(addr, 0, 16);
	return inet_pton(*family, host, addr) == 1 ? 0 : -1;
}

int
conv_http(struct ld *ld, const struct y_conf *y, struct ctl_conf *c)
{
	static const struct y_http none;
	const struct y_http *h = y->http ? y->http : &none;
	struct ctl_conf_http *ch = &c->http;
	uint64_t v;

	for (unsigned i = 0; h->listen && i < h->listen_count; i++) {
		if (listen_parse(h->listen[i], &ch->listen[i].family, ch->listen[i].addr,
				 &ch->listen[i].port))
			return conf_fail_node(
			    ld, conf_pathf(ld, "http.listen[%u]", i), false,
			    "invalid listen address '%s': expected ADDRESS:PORT or "
			    "[IPV6]:PORT (like 10.77.0.1:80 or [::]:80)",
			    conf_shows(ld, h->listen[i]));
		for (unsigned j = 0; j < i; j++)
			if (ch->listen[j].family == ch->listen[i].family &&
			    ch->listen[j].port == ch->listen[i].port &&
			    !memcmp(ch->listen[j].addr, ch->listen[i].addr, 16))
				return conf_fail_node(ld, conf_pathf(ld, "http.listen[%u]", i),
						      false, "listen address '%s' given twice",
						      conf_shows(ld, h->listen[i]));
		snprintf(ch->listen[i].text, sizeof(ch->listen[i].text), "%s", h->listen[i]);
		ch->n_listen++;
	}
	if (conf_num(ld, "http.max_connections", h->max_connections, 4096, 1, 65536, &v))
		return -1;
	ch->max_connections = (uint32_t)v;
	if (conf_num(ld, "http.timeout", h->timeout, 30, 1, 3600, &v))
		return -1;
	ch->timeout_s = (uint32_t)v;
	/* slow or many connections from one source must not take every slot */
	if (conf_num(ld, "http.per_source", h->per_source, 64, 1, 65536, &v))
		return -1;
	ch->per_source = (uint32_t)v;
	if (conf_num(ld, "http.header_timeout", h->header_timeout, 10, 1, 3600, &v))
		return -1;
	ch->header_timeout_s = (uint32_t)v;
	return 0;
}

int
conv_control(struct ld *ld, const struct y_conf *y, struct ctl_conf *c)
{
	static const struct y_control none;
	const struct y_control *yc = y->control ? y->control : &none;
	struct ctl_conf_control *cc = &c->control;
	const char *m = yc->metrics ? yc->metrics : "127.0.0.1:9310";

	if (yc->socket && yc->socket[0] != '/')
		return conf_fail_node(ld, conf_pathf(ld, "control.socket"), false,
				      "the socket path '%s' must be absolute",
				      conf_shows(ld, yc->socket));
	snprintf(cc->socket, sizeof(cc->socket), "%s",
		 yc->socket ? yc->socket : "/run/bootfarm/bootfarm.sock");
	if (yc->group) {
		if (!conf_group_ok(yc->group))
			return conf_fail_node(ld, conf_pathf(ld, "control.group"), false,
					      "invalid group name '%s'", conf_shows(ld, yc->group));
		snprintf(cc->group, sizeof(cc->group), "%s", yc->group);
	}
	cc->metrics_default = !yc->metrics;
	if (strcmp(m, "off") == 0)
		return 0;
	if (listen_parse(m, &cc->metrics_family, cc->metrics_addr, &cc->metrics_port))
		return conf_fail_node(
		    ld, conf_pathf(ld, "control.metrics"), false,
		    "invalid metrics address '%s': expected ADDRESS:PORT, [IPV6]:PORT "
		    "or off",
		    conf_shows(ld, m));
	snprintf(cc->metrics_text, sizeof(cc->metrics_text), "%s", m);
	cc->metrics = true;
	return 0;
}

int
conv_ra(struct ld *ld, const struct y_conf *y, struct ctl_conf *c)
{
	const struct y_ra *r = y->ra;
	struct ctl_conf_ra *cr = &c->ra;
	struct bf_ra_conf *ra = &cr->ra;
	uint64_t v;

	if (!r)
		return 0;
	cr->enabled = true;
	ra->managed = conf_bool(r->managed, false);
	ra->other = conf_bool(r->other, false);
	if (conf_num(ld, "ra.max_interval", r->max_interval, 600, 4, 1800, &v))
		return -1;
	cr->max_interval_s = (uint32_t)v;
	uint64_t min_def = v / 3 < 3 ? 3 : v / 3;
	if (conf_num(ld, "ra.min_interval", r->min_interval, min_def, 3, v * 3 / 4, &v))
		return -1;
	cr->min_interval_s = (uint32_t)v;
	if (conf_num(ld, "ra.router_lifetime", r->router_lifetime, 0, 0, 9000, &v))
		return -1;
	ra->router_lifetime = (uint16_t)v;
	if (conf_num(ld, "ra.hop_limit", r->hop_limit, 64, 0, 255, &v))
		return -1;
	ra->cur_hop_limit = (uint8_t)v;
	if (conf_num(ld, "ra.reachable_time", r->reachable_time, 0, 0, 3600000, &v))
		return -1;
	ra->reachable_time = (uint32_t)v;
	if (conf_num(ld, "ra.retrans_timer", r->retrans_timer, 0, 0, UINT32_MAX, &v))
		return -1;
	ra->retrans_timer = (uint32_t)v;
	if (r->mtu && *r->mtu == 0) {
		ra->mtu = 0;
	} else {
		if (conf_num(ld, "ra.mtu", r->mtu, 0, 1280, 65535, &v))
			return -1;
		ra->mtu = (uint32_t)v;
	}
	for (unsigned i = 0; r->prefixes && i < r->prefixes_count; i++) {
		const struct y_ra_prefix *yp = &r->prefixes[i];
		struct bf_nd_prefix *pf = &ra->prefix[i];
		uint8_t len;

		if (conf_cidr6_parse(yp->prefix, pf->prefix, &len))
			return conf_fail_node(ld, conf_pathf(ld, "ra.prefixes[%u].prefix", i),
					      false,
					      "invalid prefix '%s' (expected like fd00:99::/64)",
					      conf_shows(ld, yp->prefix));
		pf->len = len;
		pf->on_link = conf_bool(yp->on_link, true);
		pf->autonomous = conf_bool(yp->autonomous, true);
		if (conf_num(ld, conf_pathf(ld, "ra.prefixes[%u].valid_lifetime", i),
			     yp->valid_lifetime, 86400, 0, UINT32_MAX, &v))
			return -1;
		pf->valid = (uint32_t)v;
		if (conf_num(ld, conf_pathf(ld, "ra.prefixes[%u].preferred_lifetime", i),
			     yp->preferred_lifetime, pf->valid < 14400 ? pf->valid : 14400, 0,
			     pf->valid, &v))
			return -1;
		pf->preferred = (uint32_t)v;
		ra->n_prefix++;
	}
	for (unsigned i = 0; r->dns && i < r->dns_count; i++) {
		if (inet_pton(AF_INET6, r->dns[i], ra->rdnss[i]) != 1)
			return conf_fail_node(ld, conf_pathf(ld, "ra.dns[%u]", i), false,
					      "invalid IPv6 address '%s'",
					      conf_shows(ld, r->dns[i]));
		ra->n_rdnss++;
	}
	/* RFC 8106 5.1: at least MaxRtrAdvInterval; 3 x is its recommendation */
	if (conf_num(ld, "ra.dns_lifetime", r->dns_lifetime, 3ull * cr->max_interval_s,
		     cr->max_interval_s, UINT32_MAX, &v))
		return -1;
	ra->rdnss_lifetime = (uint32_t)v;
	for (unsigned i = 0; r->domains && i < r->domains_count; i++) {
		snprintf(ra->dnssl[i], sizeof(ra->dnssl[i]), "%s", r->domains[i]);
		ra->n_dnssl++;
	}
	if (conf_num(ld, "ra.domains_lifetime", r->domains_lifetime, 3ull * cr->max_interval_s,
		     cr->max_interval_s, UINT32_MAX, &v))
		return -1;
	ra->dnssl_lifetime = (uint32_t)v;
	const char *why = bf_ra_conf_check(ra, cr->min_interval_s, cr->max_interval_s);
	if (why)
		return conf_fail_node(ld, "ra", true, "invalid router advertisement: %s", why);
	return 0;
}
