/* SPDX-License-Identifier: MIT */
/* Template rendering for per-client boot files (iPXE scripts, pxelinux.cfg, grub.cfg). */
#include "bf_template.h"

#include <stdio.h>
#include <string.h>

#include "bf_net.h"

enum var {
	V_MAC,
	V_MAC_HYPHEN,
	V_MAC_HEX,
	V_IP,
	V_IP_HEX,
	V_HOSTNAME,
	V_ARCH,
	V_UUID,
	V_SERVER,
	V__COUNT
};

static const char *const var_name[V__COUNT] = {
	"mac", "mac_hyphen", "mac_hex", "ip", "ip_hex", "hostname", "arch", "uuid", "server",
};

/* The placeholder at t[i] ('{' seen, not "{{"): its var and the offset after '}'. */
static int
placeholder(const char *t, size_t len, size_t i, size_t *end)
{
	size_t j = i + 1;
	while (j < len && t[j] != '}' && j - i <= 16)
		j++;
	if (j >= len || t[j] != '}')
		return -1;
	for (int v = 0; v < V__COUNT; v++)
		if (strlen(var_name[v]) == j - i - 1 && memcmp(t + i + 1, var_name[v], j - i - 1) == 0) {
			*end = j + 1;
			return v;
		}
	return -1;
}

int
bf_template_check(const char *t, size_t len, size_t *bad_off)
{
	for (size_t i = 0; i < len; i++) {
		size_t end;
		if (t[i] != '{')
			continue;
		if (i + 1 < len && t[i + 1] == '{') {
			i++;
			continue;
		}
		if (placeholder(t, len, i, &end) < 0) {
			*bad_off = i;
			return -1;
		}
		i = end - 1;
	}
	return 0;
}

static int
value(enum var v, const struct bf_tvars *tv, char *buf, size_t cap)
{
	const uint8_t *m = tv->mac;
	char ip[16];

	switch (v) {
	case V_MAC:
		return snprintf(buf, cap, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3],
				m[4], m[5]);
	case V_MAC_HYPHEN:
		return snprintf(buf, cap, "%02x-%02x-%02x-%02x-%02x-%02x", m[0], m[1], m[2], m[3],
				m[4], m[5]);
	case V_MAC_HEX:
		return snprintf(buf, cap, "%02x%02x%02x%02x%02x%02x", m[0], m[1], m[2], m[3], m[4],
				m[5]);
	case V_IP:
		return snprintf(buf, cap, "%s", bf_ip4_str(tv->ip, ip));
	case V_IP_HEX:
		return snprintf(buf, cap, "%08X", tv->ip);
	case V_HOSTNAME:
		return snprintf(buf, cap, "%s", tv->hostname ? tv->hostname : "");
	case V_ARCH:
		return tv->arch < 0 ? snprintf(buf, cap, "%s", "") : snprintf(buf, cap, "%d", tv->arch);
	case V_UUID:
		if (!tv->uuid)
			return snprintf(buf, cap, "%s", "");
		for (int k = 0; k < 16; k++)
			snprintf(buf + 2 * k, cap - 2 * (size_t)k, "%02x", tv->uuid[k]);
		return 32;
	case V_SERVER:
		return snprintf(buf, cap, "%s", bf_ip4_str(tv->server, ip));
	default:
		return -1;
	}
}

int
bf_template_render(const char *t, size_t len, const struct bf_tvars *v, char *out, size_t cap)
{
	size_t o = 0;
	char val[80];

	if (!cap)
		return -1;
	for (size_t i = 0; i < len; i++) {
		const char *piece = t + i;
		size_t n = 1, end;
		if (t[i] == '{' && i + 1 < len && t[i + 1] == '{') {
			i++;
		} else if (t[i] == '{') {
			int var = placeholder(t, len, i, &end);
			int w = var < 0 ? -1 : value((enum var)var, v, val, sizeof(val));
			if (w < 0 || (size_t)w >= sizeof(val))
				return -1;
			piece = val;
			n = (size_t)w;
			i = end - 1;
		}
		if (n >= cap - o)
			return -1;
		memcpy(out + o, piece, n);
		o += n;
	}
	out[o] = 0;
	return (int)o;
}
