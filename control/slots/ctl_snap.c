/* SPDX-License-Identifier: MIT */
/*
 * Compile a validated configuration into one immutable snapshot and publish
 * it to the workers with rcu_xchg_pointer; the previous snapshot is freed
 * after an urcu-qsbr grace period. Images whose source did not change are
 * shared with the previous snapshot (refcounted), so a reload neither reloads
 * them nor cuts a transfer that is reading them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <rte_cycles.h>
#include <rte_log.h>
#include <urcu-qsbr.h>

#include "control/core/ctl.h"
#include "control/slots/ctl_slots.h"
#include "shared/bf_nd.h"

/* Largest TFTP block in one mbuf of the default data room (2048 bytes) with
 * Ethernet + VLAN + IPv4 + UDP + TFTP headers. */
#define DP_MBUF_BLKSIZE (2048 - 46 - 4)

static int
cmp_img(const void *a, const void *b)
{
	return strcmp((*(struct dp_image *const *)a)->name, (*(struct dp_image *const *)b)->name);
}

static int
cmp_ref_mac(const void *a, const void *b)
{
	return memcmp(((const struct ctl_host_ref *)a)->host->mac,
		      ((const struct ctl_host_ref *)b)->host->mac, 6);
}

static int
cmp_ref_ip(const void *a, const void *b)
{
	uint32_t x = ((const struct ctl_host_ref *)a)->host->ip;
	uint32_t y = ((const struct ctl_host_ref *)b)->host->ip;
	return x < y ? -1 : x > y;
}

static int
cmp_ref_cid(const void *a, const void *b)
{
	const struct ctl_conf_host *x = ((const struct ctl_host_ref *)a)->host;
	const struct ctl_conf_host *y = ((const struct ctl_host_ref *)b)->host;
	if (x->cid_len != y->cid_len)
		return x->cid_len < y->cid_len ? -1 : 1;
	return memcmp(x->cid, y->cid, x->cid_len);
}

static int
cmp_ref_uuid(const void *a, const void *b)
{
	return memcmp(((const struct ctl_host_ref *)a)->host->uuid,
		      ((const struct ctl_host_ref *)b)->host->uuid, 16);
}

static void
snapdata_free(void *p)
{
	struct ctl_snapdata *d = p;
	if (!d)
		return;
	ctl_conf_free(d->conf);
	free(d->by_mac);
	free(d->by_ip);
	free(d->by_cid);
	free(d->by_uuid);
	free(d);
}

/* An image of prev with the same name and unchanged source, or NULL. */
static struct dp_image *
reuse_image(const struct dp_snap *prev, const struct ctl_conf_image *ci)
{
	struct dp_image *old = prev ? dp_snap_image(prev, ci->name) : NULL;
	struct stat st;

	if (!old)
		return NULL;
	if (ci->path) {
		if (!old->path || strcmp(old->path, ci->path) != 0 || stat(ci->path, &st) != 0)
			return NULL;
		int64_t mt = (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec;
		if (mt != old->mtime_ns || (uint64_t)st.st_size != old->len)
			return NULL;
	} else if (old->path || old->len != ci->content_len ||
		   (ci->content_len && memcmp(old->data, ci->content, ci->content_len) != 0)) {
		return NULL;
	}
	dp_image_get(old);
	return old;
}

struct dp_snap *
ctl_snap_compile(struct ctl *c, struct ctl_conf *conf, const struct dp_snap *prev, char *err,
		 size_t errlen)
{
	struct dp_ctx *dp = c->dp;
	struct dp_snap *s = calloc(1, sizeof(*s));
	struct ctl_snapdata *d = calloc(1, sizeof(*d));

	if (!s || !d) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	s->generation = ++c->generation;
	for (size_t i = 0; i < conf->n_ifaces; i++) {
		const struct ctl_conf_iface *ci = &conf->ifaces[i];
		bool exists = false;
		for (uint16_t k = 0; k < dp->n_ports; k++)
			exists |= dp->port_ids[k] == ci->port;
		if (!exists || ci->port >= DP_MAX_PORTS) {
			snprintf(err, errlen, "%s: interface port %u: no such DPDK port (%u ports)",
				 conf->path, ci->port, dp->n_ports);
			goto fail;
		}
		struct dp_iface *ifc = &s->iface[ci->port];
		ifc->configured = true;
		memcpy(ifc->mac, ci->has_mac ? ci->mac : dp->port_mac[ci->port], 6);
		ifc->ip4 = ci->ip4;
		ifc->prefix4 = ci->prefix4;
		ifc->mtu = ci->mtu ? ci->mtu : 1500;
		bf_ip6_ll_eui64(ifc->ip6[0], ifc->mac);
		ifc->n_ip6 = ci->n_ip6;
		for (unsigned k = 0; k < ci->n_ip6 && k < DP_MAX_IP6; k++)
			memcpy(ifc->ip6[1 + k], ci->ip6[k].addr, 16);
		uint32_t b = ifc->mtu - 20 - 8 - 4; /* never fragment a DATA packet */
		ifc->max_blksize = (uint16_t)(b < DP_MBUF_BLKSIZE ? b : DP_MBUF_BLKSIZE);
	}
	s->pxe_mcast = conf->pxe.mcast;
	s->ra = conf->ra.enabled;
	s->dhcp6 = conf->dhcp6.enabled;
	unsigned nw = dp->n_workers ? dp->n_workers : 1;
	uint64_t rate = conf->exception.rate / nw ? conf->exception.rate / nw : 1;
	uint64_t burst = conf->exception.burst / nw ? conf->exception.burst / nw : 1;
	s->exc.cost_tsc = rte_get_tsc_hz() / rate;
	s->exc.cap_tsc = s->exc.cost_tsc * burst;
	s->exc.n_ethertypes = conf->exception.n_ethertypes;
	memcpy(s->exc.ethertypes, conf->exception.ethertypes, sizeof(s->exc.ethertypes));
	s->tftp.max_blksize = conf->tftp.max_blksize;
	s->tftp.max_window = conf->tftp.max_window ? conf->tftp.max_window : 64;
	s->tftp.timeout_ms = conf->tftp.timeout_ms ? conf->tftp.timeout_ms : 1000;
	s->tftp.retries = conf->tftp.retries ? conf->tftp.retries : 5;
	s->tftp.max_sessions = conf->tftp.max_sessions ? conf->tftp.max_sessions : CTL_TFTP_SESSIONS;
	s->tftp.per_source = conf->tftp.per_source ? conf->tftp.per_source : 11;
	/* multicast TFTP: PXE MTFTP groups from mtftp.ip up, RFC 2090 from a range */
	s->mtftp.pxe = conf->mtftp.enabled;
	s->mtftp.pxe_ip = conf->mtftp.ip;
	s->mtftp.pxe_cport = conf->mtftp.client_port;
	s->mtftp.pxe_sport = conf->mtftp.server_port;
	s->mtftp.listen_delay = conf->mtftp.listen_delay;
	s->mtftp.delay = conf->mtftp.delay;
	s->mtftp.ttl = conf->mtftp.ttl ? conf->mtftp.ttl : 1;
	s->mtftp.n_files = conf->mtftp.n_files;
	for (unsigned i = 0; i < conf->mtftp.n_files && i < DP_MTFTP_MAX_FILES; i++)
		snprintf(s->mtftp.files[i], sizeof(s->mtftp.files[i]), "%s", conf->mtftp.files[i]);
	s->mtftp.mc = conf->tftp.mc;
	s->mtftp.mc_first = conf->tftp.mc_group;
	/* no multicast section: prefix 0 (a 64-bit shift: 1u << 32 is undefined) */
	s->mtftp.mc_count = conf->tftp.mc_prefix >= 32	 ? 1u
			    : conf->tftp.mc_prefix == 0 ? 0u
							 : (uint32_t)(1ull << (32 - conf->tftp.mc_prefix));
	s->mtftp.mc_port = conf->tftp.mc_port;
	s->mtftp.mc_ttl = conf->tftp.mc_ttl ? conf->tftp.mc_ttl : 1;

	s->images = calloc(conf->n_images ? conf->n_images : 1, sizeof(*s->images));
	if (!s->images) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	for (size_t i = 0; i < conf->n_images; i++) {
		const struct ctl_conf_image *ci = &conf->images[i];
		struct dp_image *img = reuse_image(prev, ci);
		if (!img && ci->path)
			img = dp_image_load_file(ci->name, ci->path, err, errlen);
		else if (!img)
			img = dp_image_load_mem(ci->name, ci->content, ci->content_len);
		if (!img) {
			if (!ci->path)
				snprintf(err, errlen, "image %s: no memory", ci->name);
			goto fail;
		}
		s->images[s->n_images++] = img;
	}
	qsort(s->images, s->n_images, sizeof(*s->images), cmp_img);
	if (dp_snap_index_images(s) != 0) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}

	for (size_t i = 0; i < conf->n_subnets; i++)
		d->n_hosts += conf->subnets[i].n_hosts;
	d->by_mac = calloc(d->n_hosts + 1, sizeof(*d->by_mac));
	d->by_ip = calloc(d->n_hosts + 1, sizeof(*d->by_ip));
	d->by_cid = calloc(d->n_hosts + 1, sizeof(*d->by_cid));
	d->by_uuid = calloc(d->n_hosts + 1, sizeof(*d->by_uuid));
	if (!d->by_mac || !d->by_ip || !d->by_cid || !d->by_uuid) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	for (size_t i = 0; i < conf->n_subnets; i++) {
		const struct ctl_conf_subnet *sn = &conf->subnets[i];
		for (size_t j = 0; j < sn->n_hosts; j++) {
			const struct ctl_conf_host *h = &sn->hosts[j];
			struct ctl_host_ref ref = {h, sn};
			if (h->has_mac)
				d->by_mac[d->n_by_mac++] = ref;
			if (h->has_ip)
				d->by_ip[d->n_by_ip++] = ref;
			if (h->cid_len)
				d->by_cid[d->n_by_cid++] = ref;
			if (h->has_uuid)
				d->by_uuid[d->n_by_uuid++] = ref;
		}
	}
	qsort(d->by_mac, d->n_by_mac, sizeof(*d->by_mac), cmp_ref_mac);
	qsort(d->by_ip, d->n_by_ip, sizeof(*d->by_ip), cmp_ref_ip);
	qsort(d->by_cid, d->n_by_cid, sizeof(*d->by_cid), cmp_ref_cid);
	qsort(d->by_uuid, d->n_by_uuid, sizeof(*d->by_uuid), cmp_ref_uuid);
	d->conf = conf;
	s->ctl = d;
	s->ctl_free = snapdata_free;
	return s;
fail:
	if (d) {
		d->conf = NULL; /* the caller still owns conf */
		snapdata_free(d);
	}
	if (s) {
		s->ctl = NULL;
		s->ctl_free = NULL;
		dp_snap_free(s);
	}
	return NULL;
}
