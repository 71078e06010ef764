/* SPDX-License-Identifier: MIT */
/*
 * Parse and check helpers more than one section uses: overlap finding,
 * IPv4/IPv6 prefixes, MACs, names, bounded numbers, hex bytes, paths.
 */
#include "control/config/conf_internal.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "bf_net.h"

static int
span_cmp(const void *a, const void *b)
{
	const struct span *x = a, *y = b;

	if (x->lo != y->lo)
		return x->lo < y->lo ? -1 : 1;
	return x->ord < y->ord ? -1 : x->ord > y->ord;
}

/*
 * Among overlapping pairs, the later member (in document order) that comes
 * first; *first gets the other member. Returns SIZE_MAX when none overlap.
 * Sorts v.
 */
size_t
conf_span_overlap(struct span *v, size_t n, size_t *first)
{
	size_t best = SIZE_MAX, cur = 0;

	if (n < 2)
		return SIZE_MAX;
	qsort(v, n, sizeof(*v), span_cmp);
	for (size_t i = 1; i < n; i++) {
		if (v[i].lo <= v[cur].hi) {
			size_t a = v[i].ord, b = v[cur].ord;
			size_t later = a > b ? a : b;
			if (later < best) {
				best = later;
				*first = a > b ? b : a;
			}
		}
		if (v[i].hi > v[cur].hi)
			cur = i;
	}
	return best;
}

uint32_t
conf_prefix_mask(unsigned prefix)
{
	return prefix ? ~UINT32_C(0) << (32 - prefix) : 0;
}

/* "a.b.c.d/n", prefix 0..32, no leading zeros. */
int
conf_cidr_parse(const char *s, uint32_t *ip, uint8_t *prefix)
{
	const char *slash = strchr(s, '/');
	char a[16];
	size_t al = slash ? (size_t)(slash - s) : 0;

	if (!slash || al >= sizeof(a))
		return -1;
	memcpy(a, s, al);
	a[al] = '\0';
	if (bf_ip4_parse(a, ip))
		return -1;
	const char *d = slash + 1;
	size_t dl = strlen(d);
	if (!dl || dl > 2 || (dl == 2 && d[0] == '0') || d[0] < '0' || d[0] > '9' ||
	    (dl == 2 && (d[1] < '0' || d[1] > '9')))
		return -1;
	unsigned v = (unsigned)atoi(d);
	if (v > 32)
		return -1;
	*prefix = (uint8_t)v;
	return 0;
}

/* A unicast MAC: not multicast, not all zeros. */
int
conf_mac_parse_unicast(const char *s, uint8_t mac[6])
{
	static const uint8_t zero[6];

	if (bf_mac_parse(s, mac) || bf_mac_is_multicast(mac) || !memcmp(mac, zero, 6))
		return -1;
	return 0;
}

/* Group names (hosts' canary groups, the socket's group): [A-Za-z0-9._-]+. */
bool
conf_group_ok(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '-' || *s == '_' || *s == '.'))
			return false;
	return true;
}

bool
conf_printable(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return false;
	return true;
}

/* An optional number with default and bounds, checked at path. */
int
conf_num(struct ld *ld, const char *path, const uint64_t *v, uint64_t def, uint64_t lo, uint64_t hi,
	 uint64_t *out)
{
	if (!v) {
		*out = def;
		return 0;
	}
	if (*v < lo || *v > hi)
		return conf_fail_node(ld, path, false,
				      "'%s' must be between %" PRIu64 " and %" PRIu64
				      ", got %" PRIu64,
				      conf_path_label(path), lo, hi, *v);
	*out = *v;
	return 0;
}

int
conf_ip_at(struct ld *ld, const char *path, const char *s, uint32_t *ip)
{
	if (bf_ip4_parse(s, ip))
		return conf_fail_node(ld, path, false, "invalid IPv4 address '%s' for '%s'",
				      conf_shows(ld, s), conf_path_label(path));
	return 0;
}

/* "ADDR/PREFIX" for IPv6; prefix 1..128. */
int
conf_cidr6_parse(const char *s, uint8_t addr[16], uint8_t *prefix)
{
	const char *slash = strchr(s, '/');
	char host[INET6_ADDRSTRLEN];
	char *end;
	unsigned long p;

	if (!slash || (size_t)(slash - s) >= sizeof(host) || !isdigit((unsigned char)slash[1]))
		return -1;
	memcpy(host, s, (size_t)(slash - s));
	host[slash - s] = '\0';
	p = strtoul(slash + 1, &end, 10);
	if (*end || p < 1 || p > 128 || (slash[1] == '0' && slash[2]))
		return -1;
	*prefix = (uint8_t)p;
	return inet_pton(AF_INET6, host, addr) == 1 ? 0 : -1;
}

char *
conf_join_path(const char *dir, const char *file)
{
	size_t dl = strlen(dir), fl = strlen(file);
	char *p = malloc(dl + fl + 2);

	if (!p)
		return NULL;
	memcpy(p, dir, dl);
	p[dl] = '/';
	memcpy(p + dl + 1, file, fl + 1);
	return p;
}

/* A converted list of n elements (at least one, so an empty list is not NULL);
 * NULL after reporting "out of memory". */
void *
conf_list(struct ld *ld, size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);
	if (!p)
		conf_fail_at(ld, 1, 1, "out of memory");
	return p;
}

/*
 * Hex digits, optionally separated by ':' or '-' between bytes ("01:52:54",
 * "0152-54", "8c8c6f7e-..."). Returns the byte count, or -1 if malformed or
 * longer than cap.
 */
int
conf_hex_bytes(const char *s, uint8_t *out, size_t cap)
{
	size_t n = 0;
	int hi = -1;

	for (; *s; s++) {
		int v;
		if (*s == ':' || *s == '-') {
			if (hi >= 0)
				return -1; /* a separator inside a byte */
			continue;
		}
		if (*s >= '0' && *s <= '9')
			v = *s - '0';
		else if (*s >= 'a' && *s <= 'f')
			v = *s - 'a' + 10;
		else if (*s >= 'A' && *s <= 'F')
			v = *s - 'A' + 10;
		else
			return -1;
		if (hi < 0) {
			hi = v;
			continue;
		}
		if (n == cap)
			return -1;
		out[n++] = (uint8_t)(hi << 4 | v);
		hi = -1;
	}
	return hi >= 0 ? -1 : (int)n;
}

bool
conf_bool(const int *v, bool def)
{
	return v ? *v != 0 : def;
}
