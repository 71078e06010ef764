/* SPDX-License-Identifier: MIT */
/*
 * Where an error is: the first error of a load, as "file:line:column: text",
 * placed at the node a path names ("dhcp4.subnets[0].pools[1]") through the
 * positions pass 2 recorded; user text made printable for messages.
 */
#include "control/config/conf_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int __attribute__((format(printf, 4, 5)))
conf_fail_at(struct ld *ld, unsigned line, unsigned col, const char *fmt, ...)
{
	if (!ld->err || !ld->errlen)
		return -1;
	int n =
	    snprintf(ld->err, ld->errlen, "%s:%u:%u: ", ld->name, line ? line : 1, col ? col : 1);
	if (n >= 0 && (size_t)n < ld->errlen) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(ld->err + n, ld->errlen - (size_t)n, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* User text for a message: control bytes replaced, cut at 64 bytes. */
const char *
conf_shown(struct ld *ld, const char *s, size_t len)
{
	char *o = ld->show[ld->show_i++ & 1];
	size_t n = 0;

	for (size_t i = 0; i < len && n < 64; i++) {
		unsigned char ch = (unsigned char)s[i];
		o[n++] = ch < 0x20 || ch == 0x7f ? '?' : (char)ch;
	}
	if (len > 64) {
		memcpy(o + n, "...", 3);
		n += 3;
	}
	o[n] = '\0';
	return o;
}

const char *
conf_shows(struct ld *ld, const char *s)
{
	return conf_shown(ld, s, strlen(s));
}

static const struct node *
node_find(const struct ld *ld, const char *path)
{
	for (size_t i = 0; i < ld->n_nodes; i++)
		if (!strcmp(ld->nodes[i].path, path))
			return &ld->nodes[i];
	return NULL;
}

/* The last component of a path, for messages: "pools[1]", "lease_time". */
const char *
conf_path_label(const char *path)
{
	const char *dot = strrchr(path, '.');
	return dot ? dot + 1 : path;
}

const char *__attribute__((format(printf, 2, 3))) conf_pathf(struct ld *ld, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(ld->qpath, sizeof(ld->qpath), fmt, ap);
	va_end(ap);
	return ld->qpath;
}

/*
 * Fail at the node with this path (its key with at_key, when it has one). A
 * path not in the file (an absent optional key) falls back to its parent.
 */
int __attribute__((format(printf, 4, 5)))
conf_fail_node(struct ld *ld, const char *path, bool at_key, const char *fmt, ...)
{
	char p[CONF_MAX_PATH], msg[512];
	const struct node *nd = NULL;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(p, sizeof(p), "%s", path);
	for (;;) {
		nd = node_find(ld, p);
		if (nd || !p[0])
			break;
		char *cut = strrchr(p, '.');
		char *br = strrchr(p, '[');
		if (br > cut)
			cut = br;
		if (cut)
			*cut = '\0';
		else
			p[0] = '\0';
	}
	if (!nd)
		return conf_fail_at(ld, 1, 1, "%s", msg);
	if (at_key && nd->kline)
		return conf_fail_at(ld, nd->kline, nd->kcol, "%s", msg);
	return conf_fail_at(ld, nd->line, nd->col, "%s", msg);
}

unsigned
conf_node_line(struct ld *ld, const char *path)
{
	const struct node *nd = node_find(ld, path);
	return nd ? nd->line : 0;
}
