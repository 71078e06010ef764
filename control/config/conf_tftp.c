/* SPDX-License-Identifier: MIT */
/* tftp: transfer limits and the RFC 2090 multicast option; mtftp: PXE MTFTP groups. */
#include "control/config/conf_internal.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "bf_tftp.h"

/* The largest value a struct ctl_conf_tftp member can hold, capped at want. */
#define FIT(member, want)                                                                          \
	((sizeof(member) >= 8 || (want) <= (UINT64_C(1) << (8 * sizeof(member))) - 1)              \
	     ? (uint64_t)(want)                                                                    \
	     : (UINT64_C(1) << (8 * sizeof(member))) - 1)

static int conv_tftp_mc(struct ld *ld, const struct y_tftp_mc *m, struct ctl_conf_tftp *ct);

int
conv_tftp(struct ld *ld, const struct y_conf *y, struct ctl_conf *c)
{
	static const struct y_tftp none;
	const struct y_tftp *t = y->tftp ? y->tftp : &none;
	struct ctl_conf_tftp *ct = &c->tftp;
	uint64_t v;

	if (t->max_blksize && *t->max_blksize == 0) {
		ct->max_blksize = 0; /* explicit 0: from the MTU, as when absent */
	} else {
		if (conf_num(ld, "tftp.max_blksize", t->max_blksize, 0, BF_TFTP_MIN_BLKSIZE,
			     BF_TFTP_MAX_BLKSIZE, &v))
			return -1;
		ct->max_blksize = (uint16_t)v;
	}
	if (conf_num(ld, "tftp.max_window", t->max_window, 64, 1, FIT(ct->max_window, 65535), &v))
		return -1;
	ct->max_window = (uint16_t)v;
	if (conf_num(ld, "tftp.timeout_ms", t->timeout_ms, 1000, 10, FIT(ct->timeout_ms, 255000),
		     &v))
		return -1;
	ct->timeout_ms = (__typeof__(ct->timeout_ms))v;
	if (conf_num(ld, "tftp.retries", t->retries, 5, 1, 50, &v))
		return -1;
	ct->retries = (uint8_t)v;
	if (conf_num(ld, "tftp.max_sessions", t->max_sessions, CTL_TFTP_SESSIONS, 1, 1048576, &v))
		return -1;
	ct->max_sessions = (uint32_t)v;
	if (conf_num(ld, "tftp.per_source", t->per_source, 11, 1, FIT(ct->per_source, 65535), &v))
		return -1;
	ct->per_source = (uint16_t)v;
	return conv_tftp_mc(ld, t->multicast, ct);
}

/* MTFTP / multicast ports: any but the ones DHCP and TFTP answer on. */
static int
mc_port(struct ld *ld, const char *path, const uint64_t *p, uint64_t def, uint16_t *out)
{
	uint64_t v;

	if (conf_num(ld, path, p, def, 1, 65535, &v))
		return -1;
	if (v == 67 || v == 68 || v == 69 || v == 546 || v == 547 || v == 4011)
		return conf_fail_node(ld, path, false,
				      "'%s' %" PRIu64
				      " is a DHCP or TFTP port; pick another (e.g. 1758)",
				      conf_path_label(path), v);
	*out = (uint16_t)v;
	return 0;
}

/* tftp.multicast: the RFC 2090 option, groups drawn from a range. */
static int
conv_tftp_mc(struct ld *ld, const struct y_tftp_mc *m, struct ctl_conf_tftp *ct)
{
	uint32_t ip;
	uint8_t prefix;
	uint64_t v;

	if (!m || (m->enabled && !*m->enabled))
		return 0;
	if (conf_cidr_parse(m->group, &ip, &prefix))
		return conf_fail_node(ld, "tftp.multicast.group", false,
				      "invalid group range '%s': expected ADDRESS/PREFIX, e.g. "
				      "239.255.2.0/24",
				      conf_shows(ld, m->group));
	if ((ip >> 28) != 0xe || prefix < 4)
		return conf_fail_node(ld, "tftp.multicast.group", false,
				      "'%s' is not inside 224.0.0.0/4 (multicast); use e.g. "
				      "239.255.2.0/24",
				      conf_shows(ld, m->group));
	if ((ip & 0xffffff00u) == 0xe0000000u)
		return conf_fail_node(ld, "tftp.multicast.group", false,
				      "'%s' overlaps 224.0.0.0/24 (link-local control groups)",
				      conf_shows(ld, m->group));
	if (ip & ~conf_prefix_mask(prefix))
		return conf_fail_node(
		    ld, "tftp.multicast.group", false,
		    "'%s' has host bits set; the range starts at its network address",
		    conf_shows(ld, m->group));
	if (mc_port(ld, "tftp.multicast.port", m->port, 1758, &ct->mc_port) ||
	    conf_num(ld, "tftp.multicast.ttl", m->ttl, 1, 1, 255, &v))
		return -1;
	ct->mc_ttl = (uint8_t)v;
	ct->mc = true;
	ct->mc_group = ip;
	ct->mc_prefix = prefix;
	return 0;
}

/* mtftp: PXE MTFTP; one group per file, from ip upwards. */
int
conv_mtftp(struct ld *ld, const struct y_conf *y, struct ctl_conf *c, const struct name_ref *names,
	   size_t n_names)
{
	const struct y_mtftp *m = y->mtftp;
	struct ctl_conf_mtftp *cm = &c->mtftp;
	uint64_t v;

	if (!m || (m->enabled && !*m->enabled))
		return 0;
	if (conf_ip_at(ld, "mtftp.ip", m->ip, &cm->ip))
		return -1;
	if ((cm->ip >> 28) != 0xe || (cm->ip & 0xffffff00u) == 0xe0000000u)
		return conf_fail_node(ld, "mtftp.ip", false,
				      "'%s' is not a multicast address outside 224.0.0.0/24, e.g. "
				      "239.255.1.1",
				      conf_shows(ld, m->ip));
	if ((uint64_t)cm->ip + m->files_count - 1 > 0xefffffffu)
		return conf_fail_node(ld, "mtftp.ip", false,
				      "%u files need the groups %s and up, past 239.255.255.255",
				      m->files_count, conf_shows(ld, m->ip));
	if (mc_port(ld, "mtftp.client_port", m->client_port, 1758, &cm->client_port) ||
	    mc_port(ld, "mtftp.server_port", m->server_port, 1759, &cm->server_port))
		return -1;
	if (conf_num(ld, "mtftp.listen_delay", m->listen_delay, 2, 1, 255, &v))
		return -1;
	cm->listen_delay = (uint8_t)v;
	if (conf_num(ld, "mtftp.delay", m->delay, 2, 1, 255, &v))
		return -1;
	cm->delay = (uint8_t)v;
	if (conf_num(ld, "mtftp.ttl", m->ttl, 1, 1, 255, &v))
		return -1;
	cm->ttl = (uint8_t)v;
	for (unsigned i = 0; i < m->files_count; i++) {
		const char *path = conf_pathf(ld, "mtftp.files[%u]", i);
		char canon[BF_TFTP_MAX_NAME + 1];
		if (!conf_image_known(names, n_names, m->files[i]) ||
		    bf_tftp_canon_name(m->files[i], strlen(m->files[i]), canon, sizeof(canon)) <
			0 ||
		    strlen(canon) >= CTL_MAX_NAME)
			return conf_fail_node(ld, path, false, "'%s' is not a configured image",
					      conf_shows(ld, m->files[i]));
		for (unsigned j = 0; j < i; j++)
			if (!strcmp(cm->files[j], canon))
				return conf_fail_node(ld, path, false,
						      "'%s' is already listed (files[%u])",
						      conf_shows(ld, m->files[i]), j);
		snprintf(cm->files[i], sizeof(cm->files[i]), "%s", canon);
	}
	cm->n_files = (uint8_t)m->files_count;
	/* RFC 2090 streams must not share a PXE file's group and port */
	const struct ctl_conf_tftp *t = &c->tftp;
	if (t->mc && t->mc_port == cm->client_port &&
	    cm->ip <= (t->mc_group | ~conf_prefix_mask(t->mc_prefix)) &&
	    cm->ip + cm->n_files - 1 >= t->mc_group)
		return conf_fail_node(ld, "mtftp.ip", false,
				      "the MTFTP groups overlap tftp.multicast.group on the same "
				      "port %u",
				      cm->client_port);
	cm->enabled = true;
	return 0;
}
