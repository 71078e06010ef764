/* SPDX-License-Identifier: MIT */
/*
 * Configuration loader: a YAML file becomes a validated struct ctl_conf.
 *
 * The buffer is read three times, each pass stopping at the first error:
 *
 *  1. libyaml's event parser alone: YAML syntax errors, empty files, and
 *     more than one document.
 *  2. A walk of the same events against the libcyaml schema (conf_schema.c;
 *     the schema is the only description of the format): unknown, duplicate
 *     and missing keys, node kinds (scalar, list, mapping), list sizes,
 *     integer and boolean spelling, string lengths. It records every node's
 *     path ("dhcp4.subnets[0].pools[1]") with its line and column, so later
 *     errors can name the position of the value they are about (conf_err.c).
 *  3. libcyaml loads the YAML-shaped structs (y_*), which are then checked
 *     for meaning (addresses, ranges, duplicates, image references, files)
 *     and converted into the typed struct ctl_conf, one conv_* a section
 *     (conf_iface.c, conf_dhcp4.c, ...: see conf_internal.h).
 *
 * libcyaml checks most of what pass 2 checks, but reports the position of
 * the previous node and accepts "1e3" as 1 and "-1" as 2^64-1 for unsigned
 * integers; pass 2 gives exact positions and strict numbers. If libcyaml
 * still refuses something, its own message is reported at the position of
 * the innermost node of its backtrace (captured through its log callback).
 *
 * Runs on the control thread; allocates with the system allocator.
 */
#include "control/config/conf_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml.h>

#define CONF_MAX_FILE (16u << 20) /* ctl_conf_load refuses larger files */

/* ------------------------------------------------------------------------ */
/* Pass 1: syntax. */

static int
yaml_fail(struct ld *ld, const yaml_parser_t *p)
{
	unsigned line = (unsigned)p->problem_mark.line + 1;
	unsigned col = (unsigned)p->problem_mark.column + 1;

	if (p->error == YAML_MEMORY_ERROR)
		return conf_fail_at(ld, 1, 1, "out of memory");
	if (p->error == YAML_READER_ERROR) {
		/* Encoding errors carry a byte offset, not a mark. */
		size_t off = p->problem_offset < ld->len ? p->problem_offset : ld->len;
		line = 1;
		col = 1;
		for (size_t i = 0; i < off; i++) {
			if (ld->buf[i] == '\n') {
				line++;
				col = 1;
			} else {
				col++;
			}
		}
	}
	if (p->context)
		return conf_fail_at(ld, line, col, "YAML syntax error: %s (%s at line %u)",
				    p->problem ? p->problem : "?", p->context,
				    (unsigned)p->context_mark.line + 1);
	return conf_fail_at(ld, line, col, "YAML syntax error: %s", p->problem ? p->problem : "?");
}

static int
syntax_pass(struct ld *ld)
{
	yaml_parser_t p;
	yaml_event_t ev;
	unsigned docs = 0;
	int rc = 0;

	if (!yaml_parser_initialize(&p))
		return conf_fail_at(ld, 1, 1, "out of memory");
	yaml_parser_set_input_string(&p, (const unsigned char *)ld->buf, ld->len);
	for (;;) {
		if (!yaml_parser_parse(&p, &ev)) {
			rc = yaml_fail(ld, &p);
			break;
		}
		yaml_event_type_t t = ev.type;
		if (t == YAML_DOCUMENT_START_EVENT && ++docs > 1)
			rc = conf_fail_at(ld, (unsigned)ev.start_mark.line + 1,
					  (unsigned)ev.start_mark.column + 1,
					  "only one YAML document is allowed");
		yaml_event_delete(&ev);
		if (rc || t == YAML_STREAM_END_EVENT)
			break;
	}
	yaml_parser_delete(&p);
	if (!rc && !docs)
		rc = conf_fail_at(ld, 1, 1,
				  "empty configuration (expected a mapping with 'interfaces')");
	return rc;
}

/* ------------------------------------------------------------------------ */
/* Pass 2: the events against the schema; records node positions. */

static size_t path_push(struct ld *ld, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static size_t
path_push(struct ld *ld, const char *fmt, ...)
{
	size_t old = ld->path_len;
	va_list ap;

	va_start(ap, fmt);
	int n = vsnprintf(ld->path + old, sizeof(ld->path) - old, fmt, ap);
	va_end(ap);
	if (n > 0)
		ld->path_len =
		    old + (size_t)n < sizeof(ld->path) ? old + (size_t)n : sizeof(ld->path) - 1;
	return old;
}

static void
path_pop(struct ld *ld, size_t old)
{
	ld->path_len = old;
	ld->path[old] = '\0';
}

static int
node_add(struct ld *ld, const cyaml_schema_value_t *s, const yaml_mark_t *m, const yaml_mark_t *key)
{
	if (ld->n_nodes == ld->cap_nodes) {
		size_t cap = ld->cap_nodes ? ld->cap_nodes * 2 : 64;
		struct node *nn = realloc(ld->nodes, cap * sizeof(*nn));
		if (!nn)
			return conf_fail_at(ld, 1, 1, "out of memory");
		ld->nodes = nn;
		ld->cap_nodes = cap;
	}
	struct node *nd = &ld->nodes[ld->n_nodes];
	nd->path = strdup(ld->path);
	if (!nd->path)
		return conf_fail_at(ld, 1, 1, "out of memory");
	nd->schema = s;
	nd->line = (unsigned)m->line + 1;
	nd->col = (unsigned)m->column + 1;
	nd->kline = key ? (unsigned)key->line + 1 : 0;
	nd->kcol = key ? (unsigned)key->column + 1 : 0;
	ld->n_nodes++;
	return 0;
}

static int
next_event(struct ld *ld, yaml_parser_t *p, yaml_event_t *ev)
{
	if (!yaml_parser_parse(p, ev))
		return yaml_fail(ld, p);
	return 0;
}

static int
fail_ev(struct ld *ld, const yaml_event_t *ev, const char *what)
{
	const char *label = ld->path[0] ? conf_path_label(ld->path) : NULL;

	if (!label)
		return conf_fail_at(ld, (unsigned)ev->start_mark.line + 1,
				    (unsigned)ev->start_mark.column + 1, "the top level must be %s",
				    what);
	return conf_fail_at(ld, (unsigned)ev->start_mark.line + 1,
			    (unsigned)ev->start_mark.column + 1,
			    "invalid value for '%s': expected %s", label, what);
}

static const char *
kind_word(const cyaml_schema_value_t *s)
{
	switch (s->type) {
	case CYAML_UINT:
		return "a number";
	case CYAML_ENUM:
		return "true or false";
	case CYAML_STRING:
		return "a string";
	case CYAML_MAPPING:
		return "a mapping";
	case CYAML_SEQUENCE:
	case CYAML_SEQUENCE_FIXED:
		return "a list";
	default:
		return "a value";
	}
}

/* Decimal only: cyaml would also take "0x10", "010" (8), "1e3" (1), "-1". */
static bool
uint_ok(const char *s, size_t len, uint32_t size)
{
	uint64_t v = 0, max = size >= 8 ? UINT64_MAX : (UINT64_C(1) << (8 * size)) - 1;

	if (!len || len > 20 || (s[0] == '0' && len > 1))
		return false;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		unsigned d = (unsigned)(s[i] - '0');
		if (v > (max - d) / 10)
			return false;
		v = v * 10 + d;
	}
	return true;
}

static int walk_node(struct ld *ld, yaml_parser_t *p, const cyaml_schema_value_t *s,
		     const yaml_event_t *ev, const yaml_mark_t *key);

static int
walk_mapping(struct ld *ld, yaml_parser_t *p, const cyaml_schema_value_t *s,
	     const yaml_event_t *start)
{
	const cyaml_schema_field_t *f = s->mapping.fields;
	uint64_t seen = 0;
	yaml_event_t k, v;
	int rc;

	for (;;) {
		if (next_event(ld, p, &k))
			return -1;
		if (k.type == YAML_MAPPING_END_EVENT) {
			yaml_event_delete(&k);
			break;
		}
		if (k.type != YAML_SCALAR_EVENT) {
			rc = conf_fail_at(ld, (unsigned)k.start_mark.line + 1,
					  (unsigned)k.start_mark.column + 1,
					  "mapping keys must be plain words");
			yaml_event_delete(&k);
			return rc;
		}
		const char *kt = (const char *)k.data.scalar.value;
		size_t kl = k.data.scalar.length, i;
		for (i = 0; f[i].key; i++)
			if (strlen(f[i].key) == kl && !memcmp(f[i].key, kt, kl))
				break;
		rc = 0;
		if (!f[i].key)
			rc = conf_fail_at(ld, (unsigned)k.start_mark.line + 1,
					  (unsigned)k.start_mark.column + 1, "unexpected key '%s'",
					  conf_shown(ld, kt, kl));
		else if (seen & (UINT64_C(1) << i))
			rc = conf_fail_at(ld, (unsigned)k.start_mark.line + 1,
					  (unsigned)k.start_mark.column + 1, "duplicate key '%s'",
					  f[i].key);
		yaml_mark_t km = k.start_mark;
		yaml_event_delete(&k);
		if (rc)
			return rc;
		seen |= UINT64_C(1) << i;

		size_t old = path_push(ld, ld->path_len ? ".%s" : "%s", f[i].key);
		if (next_event(ld, p, &v)) {
			path_pop(ld, old);
			return -1;
		}
		rc = walk_node(ld, p, &f[i].value, &v, &km);
		yaml_event_delete(&v);
		path_pop(ld, old);
		if (rc)
			return rc;
	}
	for (size_t i = 0; f[i].key; i++) {
		if ((seen & (UINT64_C(1) << i)) || (f[i].value.flags & CYAML_FLAG_OPTIONAL))
			continue;
		unsigned line = (unsigned)start->start_mark.line + 1;
		unsigned col = (unsigned)start->start_mark.column + 1;
		if (ld->path_len)
			return conf_fail_at(ld, line, col, "missing required key '%s' in '%s'",
					    f[i].key, conf_path_label(ld->path));
		return conf_fail_at(ld, line, col, "missing required key '%s'", f[i].key);
	}
	return 0;
}

static int
walk_sequence(struct ld *ld, yaml_parser_t *p, const cyaml_schema_value_t *s,
	      const yaml_event_t *start)
{
	yaml_event_t e;
	uint32_t n = 0;
	int rc;

	for (;;) {
		if (next_event(ld, p, &e))
			return -1;
		if (e.type == YAML_SEQUENCE_END_EVENT) {
			yaml_event_delete(&e);
			break;
		}
		if (n >= s->sequence.max) {
			rc = conf_fail_at(ld, (unsigned)e.start_mark.line + 1,
					  (unsigned)e.start_mark.column + 1,
					  "too many entries in '%s' (at most %u)",
					  conf_path_label(ld->path), s->sequence.max);
			yaml_event_delete(&e);
			return rc;
		}
		size_t old = path_push(ld, "[%u]", n);
		rc = walk_node(ld, p, s->sequence.entry, &e, NULL);
		yaml_event_delete(&e);
		path_pop(ld, old);
		if (rc)
			return rc;
		n++;
	}
	if (n < s->sequence.min)
		return conf_fail_at(ld, (unsigned)start->start_mark.line + 1,
				    (unsigned)start->start_mark.column + 1,
				    "'%s' needs at least %u entr%s", conf_path_label(ld->path),
				    s->sequence.min, s->sequence.min == 1 ? "y" : "ies");
	return 0;
}

static int
walk_scalar(struct ld *ld, const cyaml_schema_value_t *s, const yaml_event_t *ev)
{
	const char *v = (const char *)ev->data.scalar.value;
	size_t len = ev->data.scalar.length;
	unsigned line = (unsigned)ev->start_mark.line + 1;
	unsigned col = (unsigned)ev->start_mark.column + 1;
	const char *label = conf_path_label(ld->path);

	switch (s->type) {
	case CYAML_UINT:
		if (!uint_ok(v, len, s->data_size))
			return conf_fail_at(
			    ld, line, col,
			    "invalid value for '%s': expected a decimal number, got '%s'", label,
			    conf_shown(ld, v, len));
		return 0;
	case CYAML_ENUM:
		for (uint32_t i = 0; i < s->enumeration.count; i++) {
			const char *w = s->enumeration.strings[i].str;
			if (strlen(w) == len && !strncasecmp(w, v, len))
				return 0;
		}
		return conf_fail_at(ld, line, col,
				    "invalid value for '%s': expected true or false, got '%s'",
				    label, conf_shown(ld, v, len));
	case CYAML_STRING:
		if (memchr(v, '\0', len))
			return conf_fail_at(ld, line, col,
					    "invalid value for '%s': contains a NUL byte", label);
		if (len < s->string.min)
			return conf_fail_at(ld, line, col, "invalid value for '%s': empty", label);
		if (s->string.max != CYAML_UNLIMITED && len > s->string.max)
			return conf_fail_at(
			    ld, line, col,
			    "invalid value for '%s': too long (at most %u characters)", label,
			    s->string.max);
		return 0;
	default:
		return conf_fail_at(ld, line, col, "internal error: unsupported schema type %d",
				    (int)s->type);
	}
}

static int
walk_node(struct ld *ld, yaml_parser_t *p, const cyaml_schema_value_t *s, const yaml_event_t *ev,
	  const yaml_mark_t *key)
{
	if (ev->type == YAML_ALIAS_EVENT)
		return conf_fail_at(ld, (unsigned)ev->start_mark.line + 1,
				    (unsigned)ev->start_mark.column + 1,
				    "aliases are not supported");
	if (node_add(ld, s, &ev->start_mark, key))
		return -1;
	switch (s->type) {
	case CYAML_MAPPING:
		if (ev->type != YAML_MAPPING_START_EVENT)
			return fail_ev(ld, ev, "a mapping");
		return walk_mapping(ld, p, s, ev);
	case CYAML_SEQUENCE:
	case CYAML_SEQUENCE_FIXED:
		if (ev->type != YAML_SEQUENCE_START_EVENT)
			return fail_ev(ld, ev, "a list");
		return walk_sequence(ld, p, s, ev);
	default:
		if (ev->type != YAML_SCALAR_EVENT)
			return fail_ev(ld, ev, kind_word(s));
		return walk_scalar(ld, s, ev);
	}
}

static int
schema_pass(struct ld *ld)
{
	yaml_parser_t p;
	yaml_event_t ev;
	int rc = 0;

	if (!yaml_parser_initialize(&p))
		return conf_fail_at(ld, 1, 1, "out of memory");
	yaml_parser_set_input_string(&p, (const unsigned char *)ld->buf, ld->len);
	/* Pass 1 saw STREAM_START, DOCUMENT_START and a root node. */
	for (int i = 0; i < 2 && !rc; i++) {
		rc = next_event(ld, &p, &ev);
		if (!rc)
			yaml_event_delete(&ev);
	}
	if (!rc && !(rc = next_event(ld, &p, &ev))) {
		if (ev.type == YAML_SCALAR_EVENT && ev.data.scalar.length == 0)
			rc = conf_fail_at(
			    ld, (unsigned)ev.start_mark.line + 1,
			    (unsigned)ev.start_mark.column + 1,
			    "empty configuration (expected a mapping with 'interfaces')");
		else
			rc = walk_node(ld, &p, &y_conf_schema, &ev, NULL);
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&p);
	return rc;
}

/* ------------------------------------------------------------------------ */
/* Pass 3a: libcyaml. */

struct cy_log {
	char msg[256];      /* the first error message */
	unsigned line, col; /* innermost backtrace frame, 0 if none */
};

static void __attribute__((format(printf, 3, 0)))
cy_log_fn(cyaml_log_t level, void *ctx, const char *fmt, va_list args)
{
	struct cy_log *cl = ctx;
	char line[512];

	if (level < CYAML_LOG_ERROR)
		return;
	vsnprintf(line, sizeof(line), fmt, args);
	line[strcspn(line, "\n")] = '\0';
	const char *pos = strstr(line, "(line: ");
	if (pos) {
		unsigned l, c;
		if (!cl->line && sscanf(pos, "(line: %u, column: %u)", &l, &c) == 2) {
			cl->line = l;
			cl->col = c;
		}
		return;
	}
	if (strstr(line, "Backtrace:") || cl->msg[0])
		return;
	const char *m = !strncmp(line, "Load: ", 6) ? line + 6 : line;
	snprintf(cl->msg, sizeof(cl->msg), "%.200s", m);
}

static int
cyaml_pass(struct ld *ld, struct y_conf **y, const cyaml_config_t *cfg, struct cy_log *cl)
{
	cyaml_err_t e = cyaml_load_data((const uint8_t *)ld->buf, ld->len, cfg, &y_conf_schema,
					(cyaml_data_t **)y, NULL);
	if (e == CYAML_OK && *y)
		return 0;
	if (e == CYAML_OK)
		return conf_fail_at(ld, 1, 1,
				    "empty configuration (expected a mapping with 'interfaces')");
	if (e == CYAML_ERR_OOM)
		return conf_fail_at(ld, 1, 1, "out of memory");
	/* Pass 2 should have caught it: name the node at the backtrace's position. */
	const char *label = NULL;
	for (size_t i = 0; cl->line && i < ld->n_nodes; i++)
		if (ld->nodes[i].line == cl->line && ld->nodes[i].col == cl->col)
			label = conf_path_label(ld->nodes[i].path);
	if (label && label[0])
		return conf_fail_at(ld, cl->line, cl->col, "invalid value for '%s' (%s)", label,
				    cl->msg[0] ? cl->msg : cyaml_strerror(e));
	return conf_fail_at(ld, cl->line, cl->col, "%s", cl->msg[0] ? cl->msg : cyaml_strerror(e));
}

/* ------------------------------------------------------------------------ */
/* Pass 3b: meaning, and conversion into struct ctl_conf: one conv_* per section (conf_*.c). */

static int
convert(struct ld *ld, const struct y_conf *y, struct ctl_conf *c)
{
	struct name_ref *names = NULL;
	int rc;

	/* Images first: boot rules and hosts refer to them. */
	rc = conv_images(ld, y, c, &names);
	if (!rc) {
		/* Sorted by conv_images (n > 1); a single name needs no sorting. */
		rc = conv_ifaces(ld, y, c) || conv_dhcp4(ld, y, c, names, c->n_images) ||
			     conv_rules(ld, y, c, names, c->n_images) || conv_tftp(ld, y, c) ||
			     conv_pxe(ld, y, c, names, c->n_images) ||
			     conv_mtftp(ld, y, c, names, c->n_images) || conv_templates(ld, y, c) ||
			     conv_exception(ld, y, c) || conv_http(ld, y, c) || conv_control(ld, y, c) || conv_ra(ld, y, c) ||
			     conv_dhcp6(ld, y, c)
			 ? -1
			 : 0;
	}
	free(names);
	return rc;
}

/* The directory of the config file, absolute, for relative image paths. */
static char *
conf_dir(const char *name)
{
	const char *slash = strrchr(name, '/');
	size_t dl = slash ? (size_t)(slash - name) : 0;
	char *d;

	if (slash && name[0] == '/') {
		d = malloc(dl + 2);
		if (d) {
			memcpy(d, name, dl ? dl : 1);
			d[dl ? dl : 1] = '\0';
		}
		return d;
	}
	char *cwd = getcwd(NULL, 0);
	if (!cwd)
		return NULL;
	if (!slash)
		return cwd;
	d = malloc(strlen(cwd) + dl + 2);
	if (d)
		sprintf(d, "%s/%.*s", cwd, (int)dl, name);
	free(cwd);
	return d;
}

int
ctl_conf_load_buf(const char *name, const char *buf, size_t len, struct ctl_conf **out, char *err,
		  size_t errlen)
{
	struct ld *ld = calloc(1, sizeof(*ld));
	struct cy_log cl = {.msg = ""};
	cyaml_config_t cfg = {
	    .log_fn = cy_log_fn,
	    .log_ctx = &cl,
	    .mem_fn = cyaml_mem,
	    .log_level = CYAML_LOG_ERROR,
	    .flags = CYAML_CFG_NO_ALIAS,
	};
	struct y_conf *y = NULL;
	struct ctl_conf *c = NULL;
	int rc = -1;

	if (err && errlen)
		err[0] = '\0';
	if (!ld) {
		if (err && errlen)
			snprintf(err, errlen, "%s: out of memory", name ? name : "(config)");
		return -1;
	}
	ld->name = name ? name : "(config)";
	ld->buf = buf ? buf : "";
	ld->len = buf ? len : 0;
	ld->err = err;
	ld->errlen = errlen;
	if (syntax_pass(ld) || schema_pass(ld) || cyaml_pass(ld, &y, &cfg, &cl))
		goto out;
	ld->dir = conf_dir(ld->name);
	c = calloc(1, sizeof(*c));
	if (!ld->dir || !c || !(c->path = strdup(ld->name))) {
		conf_fail_at(ld, 1, 1, "out of memory");
		goto out;
	}
	if (convert(ld, y, c))
		goto out;
	*out = c;
	c = NULL;
	rc = 0;
out:
	ctl_conf_free(c);
	if (y)
		cyaml_free(&cfg, &y_conf_schema, y, 0);
	for (size_t i = 0; i < ld->n_nodes; i++)
		free(ld->nodes[i].path);
	free(ld->nodes);
	free(ld->dir);
	free(ld);
	return rc;
}

int
ctl_conf_load(const char *path, struct ctl_conf **out, char *err, size_t errlen)
{
	struct stat st;
	char *buf = NULL;
	size_t len = 0;
	int fd, e, rc;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		e = errno;
		goto fail;
	}
	if (fstat(fd, &st)) {
		e = errno;
		goto fail;
	}
	if (!S_ISREG(st.st_mode)) {
		e = EINVAL;
		goto fail;
	}
	if ((uint64_t)st.st_size > CONF_MAX_FILE) {
		e = EFBIG;
		goto fail;
	}
	buf = malloc((size_t)st.st_size + 1);
	if (!buf) {
		e = ENOMEM;
		goto fail;
	}
	while (len < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + len, (size_t)st.st_size - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			e = errno;
			goto fail;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	rc = ctl_conf_load_buf(path, buf, len, out, err, errlen);
	free(buf);
	return rc;
fail:
	if (fd >= 0)
		close(fd);
	free(buf);
	if (err && errlen)
		snprintf(err, errlen, "%s: cannot read configuration (%s)", path,
			 e == EINVAL ? "not a regular file" : strerror(e));
	return -1;
}

void
ctl_conf_free(struct ctl_conf *c)
{
	if (!c)
		return;
	free(c->path);
	free(c->lease_store);
	free(c->ifaces);
	for (size_t i = 0; i < c->n_subnets; i++) {
		free(c->subnets[i].ranges);
		free(c->subnets[i].hosts);
	}
	free(c->subnets);
	for (size_t i = 0; i < c->dhcp6.n_subnets; i++)
		free(c->dhcp6.subnets[i].hosts);
	free(c->dhcp6.subnets);
	free(c->rules);
	free(c->pxe.items);
	for (size_t i = 0; i < c->n_templates; i++)
		free(c->templates[i].content);
	free(c->templates);
	for (size_t i = 0; i < c->n_images; i++) {
		free(c->images[i].path);
		free(c->images[i].content);
	}
	free(c->images);
	free(c);
}
