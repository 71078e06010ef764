/* SPDX-License-Identifier: MIT */
/*
 * bootfarmctl: the operator's client for bootfarmd's control socket (a UNIX
 * stream socket). One request per connection: one JSON object on one line
 * out, one JSON object on one line back, {"ok":true,"data":{...}} or
 * {"ok":false,"error":"..."}, then the daemon closes.
 *
 * Commands come from one table: each turns its operands into the request
 * (validated here, so a typo never reaches the daemon) and prints the reply's
 * data for a person; --json prints the data as it came instead.
 *
 * Exit status: 0 done, 1 the daemon refused the request, 2 a usage error or
 * no usable answer from the daemon.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <math.h> /* isfinite, a macro: no libm */
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include <jansson.h>

#define CTL_VERSION "0.1"
#define CTL_DEFAULT_SOCKET "/run/bootfarm/bootfarm.sock"
#define CTL_DEFAULT_TIMEOUT_S 30
/* A lease is ~200 bytes of JSON: this is millions of them, so only a broken daemon gets here. */
#define CTL_MAX_REPLY (512UL * 1024 * 1024)
/* 15 digits print typed decimals back as typed (0.05, not 0.050000000000000003). */
#define CTL_JSON_REAL JSON_REAL_PRECISION(15)
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

enum {
	CTL_OK = 0,
	CTL_REFUSED = 1,     /* the daemon answered ok:false */
	CTL_USAGE = 2,       /* bad command line */
	CTL_UNREACHABLE = 2, /* no daemon, or no usable reply */
};

struct ctl {
	const char *socket;
	unsigned timeout_s; /* 0: wait forever */
	bool json;
	bool all;        /* stats --all */
	const char *cmd; /* the command's name */
	const char *arg; /* its operand as typed, for messages (stage FILE) */
};

struct cmd {
	const char *name;
	const char *synopsis;
	const char *help;
	/* Adds the operands to req (which holds "cmd" already): 0, or -1 after a message. */
	int (*build)(struct ctl *c, int argc, char **argv, json_t *req);
	/* Prints the reply's data for a person; data may lack any field. */
	void (*show)(const struct ctl *c, const json_t *req, json_t *data);
	bool raw_error; /* the daemon's error is a file:line:column text: print it bare */
};

/* ---- small utilities */

static void __attribute__((noreturn, format(printf, 2, 3)))
die(int status, const char *fmt, ...)
{
	va_list ap;

	fputs("bootfarmctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(status);
}

/* Prints a usage error; returns -1 so builders can `return usage_err(...)`. */
static int __attribute__((format(printf, 1, 2)))
usage_err(const char *fmt, ...)
{
	va_list ap;

	fputs("bootfarmctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs(" (see bootfarmctl --help)\n", stderr);
	return -1;
}

static char * __attribute__((format(printf, 1, 2)))
xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;
	int r;

	va_start(ap, fmt);
	r = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (r < 0)
		die(CTL_UNREACHABLE, "out of memory");
	return s;
}

static char *
xstrdup(const char *s)
{
	return xasprintf("%s", s);
}

/* json_object_set_new that cannot fail quietly; v NULL means jansson ran out of memory. */
static void
jset(json_t *o, const char *key, json_t *v)
{
	if (v == NULL || json_object_set_new(o, key, v) != 0)
		die(CTL_UNREACHABLE, "out of memory");
}

/* A JSON string of the user's text; NULL (after a message) if it is not UTF-8. */
static json_t *
user_string(const char *what, const char *s)
{
	json_t *j = json_string(s);

	if (j == NULL)
		usage_err("%s is not valid UTF-8: '%s'", what, s);
	return j;
}

/*
 * If argv[*i] is option `name` ("--mac M" or "--mac=M"): stores the value,
 * leaves *i on the last word used and returns 1. 0 if it is another word,
 * -1 (after a message) if the value is missing.
 */
static int
opt_value(int argc, char **argv, int *i, const char *name, const char **val)
{
	size_t n = strlen(name);
	const char *a = argv[*i];

	if (strncmp(a, name, n) != 0)
		return 0;
	if (a[n] == '=') {
		*val = a + n + 1;
		return 1;
	}
	if (a[n] != '\0')
		return 0;
	if (*i + 1 >= argc)
		return usage_err("%s needs a value", name);
	*val = argv[++*i];
	return 1;
}

/* ---- operand syntax: each returns a malloc'd canonical form, NULL if invalid */

static int
hexval(char ch)
{
	unsigned char u = (unsigned char)ch;

	if (!isxdigit(u))
		return -1;
	return isdigit(u) ? u - '0' : tolower(u) - 'a' + 10;
}

/* 52:54:00:12:34:56 or 52-54-00-12-34-56, any case; lowercase colon form out. */
static char *
norm_mac(const char *s)
{
	unsigned b[6];

	if (strlen(s) != 17)
		return NULL;
	for (int k = 0; k < 6; k++) {
		const char *p = s + 3 * k;
		int hi = hexval(p[0]), lo = hexval(p[1]);

		if (hi < 0 || lo < 0 || (k < 5 && p[2] != ':' && p[2] != '-'))
			return NULL;
		b[k] = (unsigned)(hi << 4 | lo);
	}
	return xasprintf("%02x:%02x:%02x:%02x:%02x:%02x", b[0], b[1], b[2], b[3], b[4], b[5]);
}

/* IPv4 or IPv6 in its canonical text form (fd00::5, not FD00:0::0005). */
static char *
norm_ip(const char *s)
{
	unsigned char bin[sizeof(struct in6_addr)];
	char text[INET6_ADDRSTRLEN];
	int af = strchr(s, ':') ? AF_INET6 : AF_INET;

	if (inet_pton(af, s, bin) != 1 || inet_ntop(af, bin, text, sizeof(text)) == NULL)
		return NULL;
	return xstrdup(text);
}

/*
 * A DUID as hex digits, colons allowed; lowercase without colons out;
 * 1 to 130 octets (RFC 8415 11.1).
 */
static char *
norm_duid(const char *s)
{
	size_t n = 0;
	char *out = malloc(strlen(s) + 1);

	if (out == NULL)
		die(CTL_UNREACHABLE, "out of memory");
	for (const char *p = s; *p; p++) {
		if (*p == ':')
			continue;
		if (hexval(*p) < 0)
			goto bad;
		out[n++] = (char)tolower((unsigned char)*p);
	}
	out[n] = '\0';
	if (n == 0 || n % 2 || n > 2 * 130)
		goto bad;
	return out;
bad:
	free(out);
	return NULL;
}

/* ---- request builders */

static int
build_none(struct ctl *c, int argc, char **argv, json_t *req)
{
	(void)req;
	if (argc > 0)
		return usage_err("%s takes no arguments, got '%s'", c->cmd, argv[0]);
	return 0;
}

static int
build_stats(struct ctl *c, int argc, char **argv, json_t *req)
{
	(void)req;
	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--all") != 0)
			return usage_err("stats: unknown argument '%s'", argv[i]);
		c->all = true;
	}
	return 0;
}

/* How a lease is named: the daemon gets exactly one of these keys. */
static const struct selector {
	const char *opt;
	const char *key;
	const char *what;
	char *(*norm)(const char *);
} selectors[] = {
	{"--mac", "mac", "MAC address (e.g. 52:54:00:12:34:56)", norm_mac},
	{"--ip", "ip", "IP address", norm_ip},
	{"--duid", "duid", "DUID (hex digits, colons allowed)", norm_duid},
};

static int
build_selector(struct ctl *c, int argc, char **argv, json_t *req, bool required)
{
	const struct selector *chosen = NULL;

	for (int i = 0; i < argc; i++) {
		const struct selector *s = NULL;
		const char *val = NULL;

		for (size_t k = 0; k < ARRAY_SIZE(selectors) && s == NULL; k++) {
			int r = opt_value(argc, argv, &i, selectors[k].opt, &val);

			if (r < 0)
				return -1;
			if (r > 0)
				s = &selectors[k];
		}
		if (s == NULL)
			return usage_err("%s: unknown argument '%s'", c->cmd, argv[i]);
		if (chosen != NULL)
			return usage_err("%s: give only one of --mac, --ip, --duid", c->cmd);
		chosen = s;

		char *v = s->norm(val);
		if (v == NULL)
			return usage_err("invalid %s: '%s'", s->what, val);
		jset(req, s->key, json_string(v));
		free(v);
	}
	if (required && chosen == NULL)
		return usage_err("%s: say which leases with --mac M, --ip A or --duid HEX", c->cmd);
	return 0;
}

static int
build_leases(struct ctl *c, int argc, char **argv, json_t *req)
{
	return build_selector(c, argc, argv, req, false);
}

static int
build_release(struct ctl *c, int argc, char **argv, json_t *req)
{
	return build_selector(c, argc, argv, req, true);
}

static int
build_stage(struct ctl *c, int argc, char **argv, json_t *req)
{
	char *path;
	json_t *j;

	if (argc != 1)
		return usage_err("stage takes one configuration FILE");
	c->arg = argv[0];
	/* The daemon has another working directory: send an absolute path. A file
	 * that does not resolve still goes, so the daemon's error names it. */
	path = realpath(argv[0], NULL);
	if (path == NULL && argv[0][0] == '/') {
		path = xstrdup(argv[0]);
	} else if (path == NULL) {
		char *cwd = getcwd(NULL, 0);

		if (cwd == NULL)
			die(CTL_USAGE, "stage: cannot tell the current directory (%s)",
			    strerror(errno));
		path = xasprintf("%s/%s", cwd, argv[0]);
		free(cwd);
	}
	j = user_string("the file name", path);
	free(path);
	if (j == NULL)
		return -1;
	jset(req, "file", j);
	return 0;
}

static int
build_where(struct ctl *c, int argc, char **argv, json_t *req)
{
	char *mac;

	(void)c;
	if (argc != 1)
		return usage_err("where takes one MAC address");
	mac = norm_mac(argv[0]);
	if (mac == NULL)
		return usage_err("invalid MAC address '%s' (e.g. 52:54:00:12:34:56)", argv[0]);
	jset(req, "mac", json_string(mac));
	free(mac);
	return 0;
}

/* "10" or "10%": share of the clients that boot from the canary slot, 0 < P <= 100. */
static int
canary_share(const char *s, json_t *req)
{
	char *end;
	double p;

	errno = 0;
	p = strtod(s, &end);
	if (*end == '%')
		end++;
	if (end == s || *end != '\0' || errno != 0 || !isfinite(p) || p <= 0 || p > 100)
		return usage_err("canary share wants a percentage above 0 and at most 100, got '%s'",
				 s);
	jset(req, "share", json_real(p));
	return 0;
}

static int
canary_group(const char *s, json_t *req)
{
	json_t *j;

	if (*s == '\0')
		return usage_err("canary group wants a name");
	j = user_string("the group name", s);
	if (j == NULL)
		return -1;
	jset(req, "group", j);
	return 0;
}

/* M1,M2,...: each one a valid MAC, sent in canonical form. */
static int
canary_macs(const char *s, json_t *req)
{
	json_t *list = json_array();
	const char *p = s;

	if (list == NULL)
		die(CTL_UNREACHABLE, "out of memory");
	for (;;) {
		size_t n = strcspn(p, ",");
		char *word = xasprintf("%.*s", (int)n, p);
		char *mac = norm_mac(word);

		if (mac == NULL) {
			usage_err("canary macs: invalid MAC address '%s' in '%s'", word, s);
			free(word);
			json_decref(list);
			return -1;
		}
		if (json_array_append_new(list, json_string(mac)) != 0)
			die(CTL_UNREACHABLE, "out of memory");
		free(mac);
		free(word);
		if (p[n] == '\0')
			break;
		p += n + 1;
	}
	jset(req, "macs", list);
	return 0;
}

/* RATE[:MIN]: roll back when the canary's error rate exceeds RATE, [0, 1), over >= MIN samples. */
static int
canary_auto_rollback(const char *s, json_t *req)
{
	json_t *ar = json_object();
	char *end;
	double rate;

	if (ar == NULL)
		die(CTL_UNREACHABLE, "out of memory");
	errno = 0;
	rate = strtod(s, &end);
	if (end == s || (*end != '\0' && *end != ':') || errno != 0 || !isfinite(rate) ||
	    rate < 0 || rate >= 1)
		goto bad;
	jset(ar, "max_error_rate", json_real(rate));
	if (*end == ':') {
		const char *m = end + 1;
		unsigned long min;

		errno = 0;
		min = strtoul(m, &end, 10);
		if (!isdigit((unsigned char)*m) || *end != '\0' || errno != 0 || min == 0 ||
		    min > UINT32_MAX)
			goto bad;
		jset(ar, "min_samples", json_integer((json_int_t)min));
	}
	jset(req, "auto_rollback", ar);
	return 0;
bad:
	json_decref(ar);
	return usage_err("--auto-rollback wants RATE[:MIN], an error rate from 0 up to (not "
			 "including) 1 and a sample count, e.g. 0.05:20; got '%s'",
			 s);
}

static const struct canary_setting {
	const char *word; /* also the request's key */
	int (*parse)(const char *value, json_t *req);
} canary_settings[] = {
	{"share", canary_share},
	{"group", canary_group},
	{"macs", canary_macs},
};

/* canary [share P] [group NAME] [macs LIST] [--auto-rollback R[:MIN]] | canary clear | canary */
static int
build_canary(struct ctl *c, int argc, char **argv, json_t *req)
{
	bool set = false, clear = false, rollback = false;

	(void)c;
	for (int i = 0; i < argc; i++) {
		const struct canary_setting *k = NULL;
		const char *val;
		int r = opt_value(argc, argv, &i, "--auto-rollback", &val);

		if (r < 0 || (r > 0 && canary_auto_rollback(val, req) != 0))
			return -1;
		if (r > 0) {
			rollback = true;
			continue;
		}
		if (strcmp(argv[i], "clear") == 0) {
			clear = true;
			continue;
		}
		for (size_t s = 0; s < ARRAY_SIZE(canary_settings) && k == NULL; s++)
			if (strcmp(argv[i], canary_settings[s].word) == 0)
				k = &canary_settings[s];
		if (k == NULL)
			return usage_err("canary: unknown setting '%s' (share, group, macs, clear)",
					 argv[i]);
		if (i + 1 >= argc)
			return usage_err("canary %s needs a value", k->word);
		if (json_object_get(req, k->word) != NULL)
			return usage_err("canary %s given twice", k->word);
		if (k->parse(argv[++i], req) != 0)
			return -1;
		set = true;
	}
	if (clear && (set || rollback))
		return usage_err("canary clear takes nothing else");
	if (rollback && !set)
		return usage_err("--auto-rollback goes with canary share, group or macs");
	if (clear)
		jset(req, "clear", json_true());
	return 0;
}

/* ---- reading the reply's data: any field may be missing */

static const char *
jstr(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static bool
jint(const json_t *o, const char *key, json_int_t *v)
{
	const json_t *j = json_object_get(o, key);

	if (!json_is_integer(j))
		return false;
	*v = json_integer_value(j);
	return true;
}

static bool
jnum(const json_t *o, const char *key, double *v)
{
	const json_t *j = json_object_get(o, key);

	if (!json_is_number(j))
		return false;
	*v = json_number_value(j);
	return true;
}

/* Any scalar as text, "-" when missing; malloc'd. */
static char *
text(const json_t *j)
{
	switch (json_typeof(j)) {
	case JSON_STRING:
		return xstrdup(json_string_value(j));
	case JSON_INTEGER:
		return xasprintf("%" JSON_INTEGER_FORMAT, json_integer_value(j));
	case JSON_REAL:
		return xasprintf("%g", json_real_value(j));
	case JSON_TRUE:
		return xstrdup("yes");
	case JSON_FALSE:
		return xstrdup("no");
	default:
		return xstrdup("-");
	}
}

static char *
jtext(const json_t *o, const char *key)
{
	const json_t *j = json_object_get(o, key);

	return j == NULL ? xstrdup("-") : text(j);
}

/* 456 B, 1.2 KiB, 850.5 MiB; exact bytes below 1 KiB. */
static char *
fmt_size(const json_t *o, const char *key)
{
	static const char *const unit[] = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
	json_int_t v;
	double d;
	size_t u = 0;

	if (!jint(o, key, &v))
		return xstrdup("-");
	if (v < 1024)
		return xasprintf("%" JSON_INTEGER_FORMAT " B", v);
	for (d = (double)v / 1024; d >= 1024 && u + 1 < ARRAY_SIZE(unit); u++)
		d /= 1024;
	return xasprintf("%.1f %s", d, unit[u]);
}

/* Seconds as 45 s, 12 min 5 s, 3 h 20 min, 2 d 4 h. */
static char *
fmt_secs(json_int_t s)
{
	if (s < 0)
		return xstrdup("expired");
	if (s < 60)
		return xasprintf("%" JSON_INTEGER_FORMAT " s", s);
	if (s < 3600)
		return xasprintf("%" JSON_INTEGER_FORMAT " min %" JSON_INTEGER_FORMAT " s", s / 60,
				 s % 60);
	if (s < 86400)
		return xasprintf("%" JSON_INTEGER_FORMAT " h %" JSON_INTEGER_FORMAT " min",
				 s / 3600, s % 3600 / 60);
	return xasprintf("%" JSON_INTEGER_FORMAT " d %" JSON_INTEGER_FORMAT " h", s / 86400,
			 s % 86400 / 3600);
}

static char *
fmt_age(const json_t *o, const char *key)
{
	json_int_t v;

	return jint(o, key, &v) ? fmt_secs(v) : xstrdup("-");
}

static char *
fmt_age_ms(const json_t *o, const char *key)
{
	json_int_t ms;

	if (!jint(o, key, &ms))
		return xstrdup("-");
	if (ms >= 0 && ms < 1000)
		return xasprintf("%" JSON_INTEGER_FORMAT " ms", ms);
	if (ms >= 0 && ms < 60000)
		return xasprintf("%.1f s", (double)ms / 1000);
	return fmt_secs(ms / 1000);
}

/* sent of size as a whole percent, rounded down so 100% means done. */
static char *
fmt_pct(const json_t *o, const char *sent_key, const char *size_key)
{
	json_int_t sent, size;

	if (!jint(o, sent_key, &sent) || !jint(o, size_key, &size) || size <= 0 || sent < 0)
		return xstrdup("-");
	if (sent >= size)
		return xstrdup("100%");
	return xasprintf("%d%%", (int)((double)sent * 100 / (double)size));
}

/*
 * Strings from the daemon carry what clients sent (DHCP host names): turn
 * control characters into '?' before a terminal sees them. keep_lines spares
 * newlines and tabs (multi-line error texts).
 */
static bool
clean_text(char *s, size_t len, bool keep_lines)
{
	bool changed = false;

	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)s[i];

		if ((ch < 0x20 || ch == 0x7f) && !(keep_lines && (ch == '\n' || ch == '\t'))) {
			s[i] = '?';
			changed = true;
		}
	}
	return changed;
}

static void
clean_tree(json_t *j)
{
	const char *key;
	json_t *v;
	size_t i;

	if (json_is_string(j)) {
		size_t len = json_string_length(j);
		char *s = xasprintf("%s", json_string_value(j));

		if (clean_text(s, len, false) && json_string_setn(j, s, len) != 0)
			die(CTL_UNREACHABLE, "out of memory");
		free(s);
	} else if (json_is_object(j)) {
		json_object_foreach(j, key, v)
			clean_tree(v);
	} else if (json_is_array(j)) {
		json_array_foreach(j, i, v)
			clean_tree(v);
	}
}

/* ---- aligned tables: cells appended row by row, columns as wide as their widest cell */

struct table {
	size_t ncols;
	size_t n, cap;
	char **cell; /* row-major, owned */
};

/* Appends one cell, taking ownership of s. */
static void
tput(struct table *t, char *s)
{
	if (t->n == t->cap) {
		size_t cap = t->cap ? 2 * t->cap : 64;
		char **c = realloc(t->cell, cap * sizeof(*c));

		if (c == NULL)
			die(CTL_UNREACHABLE, "out of memory");
		t->cell = c;
		t->cap = cap;
	}
	t->cell[t->n++] = s;
}

/* A table whose first row is the given column names, NULL-terminated. */
static struct table
table_new(const char *first, ...)
{
	struct table t = {0};
	va_list ap;

	va_start(ap, first);
	for (const char *h = first; h != NULL; h = va_arg(ap, const char *)) {
		tput(&t, xstrdup(h));
		t.ncols++;
	}
	va_end(ap);
	return t;
}

/* Prints and frees the table; the last column is not padded. */
static void
table_print(struct table *t)
{
	size_t *w = calloc(t->ncols, sizeof(*w));

	if (w == NULL)
		die(CTL_UNREACHABLE, "out of memory");
	for (size_t i = 0; i < t->n; i++) {
		size_t len = strlen(t->cell[i]);

		if (len > w[i % t->ncols])
			w[i % t->ncols] = len;
	}
	for (size_t i = 0; i < t->n; i++) {
		size_t col = i % t->ncols;

		if (col + 1 == t->ncols || i + 1 == t->n)
			printf("%s\n", t->cell[i]);
		else
			printf("%-*s  ", (int)w[col], t->cell[i]);
		free(t->cell[i]);
	}
	free(t->cell);
	free(w);
	*t = (struct table){0};
}

/* ---- human output, one per command */

static bool
is_zero(const json_t *v)
{
	return (json_is_integer(v) && json_integer_value(v) == 0) ||
	       (json_is_real(v) && json_real_value(v) == 0);
}

static void
print_pairs(json_t *o, bool zeros, int width)
{
	const char *name;
	json_t *v;

	json_object_foreach(o, name, v) {
		if (!zeros && is_zero(v))
			continue;
		char *s = text(v);
		printf("%-*s  %s\n", width, name, s);
		free(s);
	}
}

static int
pairs_width(json_t *o, bool zeros, int width)
{
	const char *name;
	json_t *v;

	json_object_foreach(o, name, v)
		if ((zeros || !is_zero(v)) && strlen(name) > (size_t)width)
			width = (int)strlen(name);
	return width;
}

/* Gauges, then the counters (only the non-zero ones without --all), names aligned over both. */
static void
show_stats(const struct ctl *c, const json_t *req, json_t *data)
{
	json_t *gauges = json_object_get(data, "gauges");
	json_t *counters = json_object_get(data, "counters");
	int w = pairs_width(counters, c->all, pairs_width(gauges, true, 0));

	(void)req;
	print_pairs(gauges, true, w);
	if (json_object_size(gauges) > 0 && pairs_width(counters, c->all, 0) > 0)
		putchar('\n');
	print_pairs(counters, c->all, w);
	/* what the daemon thinks is wrong and how to fix it (e.g. checksum offload) */
	json_t *hints = json_object_get(data, "hints");
	const json_t *h;
	size_t i;
	json_array_foreach(hints, i, h)
		if (json_is_string(h))
			printf("%shint: %s\n", i ? "" : "\n", json_string_value(h));
}

static char *
lease_address(const json_t *l)
{
	const char *a = jstr(l, "address");
	json_int_t plen;

	if (a == NULL)
		return xstrdup("-");
	if (jint(l, "plen", &plen) && plen != 128)
		return xasprintf("%s/%" JSON_INTEGER_FORMAT, a, plen);
	return xstrdup(a);
}

static void
show_leases(const struct ctl *c, const json_t *req, json_t *data)
{
	const json_t *leases = json_object_get(data, "leases");
	struct table t;
	const json_t *l;
	size_t i;

	(void)c;
	(void)req;
	if (json_array_size(leases) == 0) {
		printf("no leases\n");
		return;
	}
	t = table_new("ADDRESS", "MAC/DUID", "STATE", "EXPIRES", "HOSTNAME", "SLOT", NULL);
	json_array_foreach(leases, i, l) {
		json_int_t family = 4;
		const char *id;

		/* A DHCPv6 client is its DUID, even when the daemon knows a MAC too. */
		jint(l, "family", &family);
		id = family == 6 && jstr(l, "duid") ? jstr(l, "duid") : jstr(l, "mac");
		if (id == NULL)
			id = jstr(l, "duid");

		tput(&t, lease_address(l));
		tput(&t, xstrdup(id ? id : "-"));
		tput(&t, jtext(l, "state"));
		tput(&t, fmt_age(l, "expires_in"));
		tput(&t, jtext(l, "hostname"));
		tput(&t, jtext(l, "slot"));
	}
	table_print(&t);
}

static void
show_release(const struct ctl *c, const json_t *req, json_t *data)
{
	char *n = jtext(data, "released");

	(void)c;
	(void)req;
	printf("released %s lease(s)\n", n);
	free(n);
}

static void
show_sessions(const struct ctl *c, const json_t *req, json_t *data)
{
	const json_t *sessions = json_object_get(data, "sessions");
	size_t shown = json_array_size(sessions), i;
	json_int_t total;
	const json_t *s;
	struct table t;

	(void)c;
	(void)req;
	if (shown == 0) {
		printf("no TFTP transfers\n");
		return;
	}
	t = table_new("WORKER", "CLIENT", "FILE", "SENT", "SIZE", "DONE", "BLKSIZE", "WINDOW",
		      "SLOT", "GEN", "AGE", NULL);
	json_array_foreach(sessions, i, s) {
		tput(&t, jtext(s, "worker"));
		tput(&t, jtext(s, "client"));
		tput(&t, jtext(s, "file"));
		tput(&t, fmt_size(s, "sent"));
		tput(&t, fmt_size(s, "size"));
		tput(&t, fmt_pct(s, "sent", "size"));
		tput(&t, jtext(s, "blksize"));
		tput(&t, jtext(s, "window"));
		tput(&t, jtext(s, "slot"));
		tput(&t, jtext(s, "generation"));
		tput(&t, fmt_age_ms(s, "age_ms"));
	}
	table_print(&t);
	/* The daemon may list fewer than it runs. */
	if (jint(data, "total", &total) && total > (json_int_t)shown)
		printf("(%zu of %" JSON_INTEGER_FORMAT " transfers listed)\n", shown, total);
}

static void
show_images(const struct ctl *c, const json_t *req, json_t *data)
{
	const json_t *images = json_object_get(data, "images"), *im;
	struct table t;
	size_t i;

	(void)c;
	(void)req;
	if (json_array_size(images) == 0) {
		printf("no images\n");
		return;
	}
	t = table_new("SLOT", "NAME", "SIZE", "DIGEST", "REFS", NULL);
	json_array_foreach(images, i, im) {
		tput(&t, jtext(im, "slot"));
		tput(&t, jtext(im, "name"));
		tput(&t, fmt_size(im, "size"));
		tput(&t, jtext(im, "digest"));
		tput(&t, jtext(im, "refs"));
	}
	table_print(&t);
}

static char *
fmt_rate(const json_t *o, const char *key)
{
	double r;

	return jnum(o, key, &r) ? xasprintf("%.1f%%", r * 100) : xstrdup("-");
}

static void
show_canary(const struct ctl *c, const json_t *req, json_t *data)
{
	const json_t *macs = json_object_get(data, "macs"), *m;
	const json_t *ar = json_object_get(data, "auto_rollback");
	const char *slot = jstr(data, "slot"), *group = jstr(data, "group");
	double share, rate;
	json_int_t min;
	size_t i;

	(void)c;
	(void)req;
	printf("canary    %s", json_is_true(json_object_get(data, "on")) ? "on" : "off");
	if (slot != NULL)
		printf(" (slot %s)", slot);
	putchar('\n');
	if (jnum(data, "share", &share))
		printf("share     %g%%\n", share);
	if (group != NULL)
		printf("group     %s\n", group);
	if (json_array_size(macs) > 0) {
		printf("macs     ");
		json_array_foreach(macs, i, m)
			printf("%s%s", i ? ", " : " ", json_string_value(m) ? json_string_value(m) : "-");
		putchar('\n');
	}
	if (!jnum(ar, "max_error_rate", &rate)) {
		printf("rollback  manual\n");
		return;
	}
	printf("rollback  automatic above %g%% errors", rate * 100);
	if (jint(ar, "min_samples", &min))
		printf(" (at least %" JSON_INTEGER_FORMAT " samples)", min);
	putchar('\n');
}

static void
show_health(json_t *health)
{
	struct table t = table_new("SLOT", "DHCP-ACK", "DHCP-NAK", "TFTP-DONE", "TFTP-ABORT",
				   "ERROR-RATE", NULL);
	const char *name;
	json_t *h;

	json_object_foreach(health, name, h) {
		tput(&t, xstrdup(name));
		tput(&t, jtext(h, "dhcp_acks"));
		tput(&t, jtext(h, "dhcp_naks"));
		tput(&t, jtext(h, "tftp_done"));
		tput(&t, jtext(h, json_object_get(h, "tftp_aborted") ? "tftp_aborted" : "tftp_failed"));
		tput(&t, fmt_rate(h, "error_rate"));
	}
	table_print(&t);
}

static void
show_slots(const struct ctl *c, const json_t *req, json_t *data)
{
	const json_t *slots = json_object_get(data, "slots"), *s;
	json_t *canary = json_object_get(data, "canary");
	json_t *health = json_object_get(data, "health");
	struct table t = table_new("SLOT", "STATE", "GEN", "IMAGES", "SUBNETS", "HOSTS", "RULES",
				   "LOADED", "FILE", NULL);
	size_t i;

	json_array_foreach(slots, i, s) {
		tput(&t, jtext(s, "name"));
		tput(&t, jtext(s, "state"));
		tput(&t, jtext(s, "generation"));
		tput(&t, jtext(s, "images"));
		tput(&t, jtext(s, "subnets"));
		tput(&t, jtext(s, "hosts"));
		tput(&t, jtext(s, "rules"));
		tput(&t, jtext(s, "loaded"));
		tput(&t, jtext(s, "file"));
	}
	table_print(&t);
	if (json_is_object(canary)) {
		putchar('\n');
		show_canary(c, req, canary);
	}
	if (json_object_size(health) > 0) {
		putchar('\n');
		show_health(health);
	}
}

static void
show_stage(const struct ctl *c, const json_t *req, json_t *data)
{
	char *slot = jtext(data, "slot"), *gen = jtext(data, "generation");

	(void)req;
	printf("staged %s into slot %s (generation %s)\n", c->arg, slot, gen);
	free(slot);
	free(gen);
}

/* switch and rollback: the slot now active. */
static void
show_active(const struct ctl *c, const json_t *req, json_t *data)
{
	char *slot = jtext(data, "active"), *gen = jtext(data, "generation");

	(void)req;
	const char *result = jstr(data, "result");

	printf("%s slot %s (generation %s)\n",
	       strcmp(c->cmd, "rollback") == 0 ? "rolled back to" : "switched to", slot, gen);
	if (result != NULL)
		printf("%s\n", result);
	free(slot);
	free(gen);
}

static char
diff_mark(const char *op)
{
	static const struct {
		const char *op;
		char mark;
	} marks[] = {{"added", '+'}, {"removed", '-'}, {"changed", '~'}};

	for (size_t i = 0; op != NULL && i < ARRAY_SIZE(marks); i++)
		if (strcmp(op, marks[i].op) == 0)
			return marks[i].mark;
	return '?';
}

static void
show_diff(const struct ctl *c, const json_t *req, json_t *data)
{
	const json_t *changes = json_object_get(data, "changes"), *ch;
	const char *from = jstr(data, "from"), *to = jstr(data, "to");
	size_t i;

	(void)c;
	(void)req;
	if (from != NULL && to != NULL)
		printf("slot %s -> slot %s: ", from, to);
	if (json_array_size(changes) == 0) {
		printf("no differences\n");
		return;
	}
	printf("%zu change(s)\n", json_array_size(changes));
	json_array_foreach(changes, i, ch) {
		char *kind = jtext(ch, "kind"), *name = jtext(ch, "name");
		const char *detail = jstr(ch, "detail");

		printf("%c %s %s%s%s\n", diff_mark(jstr(ch, "op")), kind, name, detail ? ": " : "",
		       detail ? detail : "");
		free(kind);
		free(name);
	}
}

static void
where_dhcp(const json_t *d)
{
	const char *msg = jstr(d, "last_msg"), *reply = jstr(d, "last_reply");
	const char *addr = jstr(d, "address");
	const char *file = jstr(d, "boot_file"), *rule = jstr(d, "rule"), *why = jstr(d, "reason");
	json_int_t family = 4, ago;

	jint(d, "family", &family);
	printf("  %-7s%s -> %s", family == 6 ? "DHCPv6" : "DHCP", msg ? msg : "-",
	       reply ? reply : "no reply");
	if (jint(d, "ago_s", &ago)) {
		char *s = fmt_secs(ago);
		printf(" %s ago", s);
		free(s);
	}
	if (addr != NULL)
		printf(", address %s", addr);
	putchar('\n');

	printf("  %-7s%s", "boot", file ? file : "-");
	if (rule != NULL && why != NULL)
		printf(" (rule %s: %s)", rule, why);
	else if (rule != NULL || why != NULL)
		printf(rule ? " (rule %s)" : " (%s)", rule ? rule : why);
	putchar('\n');
}

static void
where_tftp(const json_t *t)
{
	const char *state = jstr(t, "state");
	const json_t *err = json_object_get(t, "error"); /* a text, or a TFTP error code */
	char *file = jtext(t, "file"), *sent = jtext(t, "sent");
	json_int_t size;

	printf("  %-7s%s %s", "TFTP", file, sent);
	if (jint(t, "size", &size)) {
		char *pct = fmt_pct(t, "sent", "size");
		printf("/%" JSON_INTEGER_FORMAT " bytes (%s)", size, pct);
		free(pct);
	} else {
		printf(" bytes");
	}
	if (state != NULL)
		printf(", %s", state);
	if (err != NULL) {
		char *e = text(err);
		printf(", error: %s", e);
		free(e);
	}
	putchar('\n');
	free(file);
	free(sent);
}

/* The path of one machine: DHCP exchange, boot file chosen, TFTP transfer, last error. */
static void
show_where(const struct ctl *c, const json_t *req, json_t *data)
{
	const json_t *dhcp = json_object_get(data, "dhcp"), *tftp = json_object_get(data, "tftp");
	const char *mac = jstr(data, "mac") ? jstr(data, "mac") : jstr(req, "mac");
	const char *slot = jstr(data, "slot"), *err = jstr(data, "last_error");

	(void)c;
	if (json_is_false(json_object_get(data, "seen")))
		printf("%s  not seen\n", mac);
	else
		printf("%s  slot %s\n", mac, slot ? slot : "-");
	if (json_is_object(dhcp)) {
		where_dhcp(dhcp);
	} else {
		printf("  %-7s-\n", "DHCP");
		printf("  %-7s-\n", "boot");
	}
	if (json_is_object(tftp))
		where_tftp(tftp);
	else
		printf("  %-7s-\n", "TFTP");
	printf("  %-7s%s\n", "error", err ? err : "-");
}

static const struct cmd cmds[] = {
	{"stats", "[--all]", "gauges and non-zero counters (--all: every counter)", build_stats,
	 show_stats, false},
	{"leases", "[--mac M | --ip A | --duid HEX]", "DHCPv4 and DHCPv6 leases, all or matching",
	 build_leases, show_leases, false},
	{"release", "--mac M | --ip A | --duid HEX", "release the matching leases", build_release,
	 show_release, false},
	{"sessions", "", "TFTP transfers in progress", build_none, show_sessions, false},
	{"images", "", "boot images in memory, per slot", build_none, show_images, false},
	{"slots", "", "configuration slots, the canary and per-slot health", build_none,
	 show_slots, false},
	{"stage", "FILE", "load configuration FILE into the inactive slot", build_stage,
	 show_stage, true},
	{"switch", "", "make the staged slot the active one", build_none, show_active, false},
	{"rollback", "", "make the previous slot active again", build_none, show_active, false},
	{"diff", "", "what the staged slot changes against the active one", build_none,
	 show_diff, false},
	{"canary",
	 "[share P[%]] [group NAME] [macs M1,M2,...] [--auto-rollback RATE[:MIN]] | clear",
	 "show the canary, or send some clients to the staged slot", build_canary, show_canary,
	 false},
	{"where", "MAC", "what one machine did last: DHCP, boot file, TFTP, error", build_where,
	 show_where, false},
};

static void
usage(FILE *f)
{
	fprintf(f, "usage: bootfarmctl [--socket PATH] [--json] [--timeout SEC] COMMAND [ARGS]\n"
		   "\ncommands:\n");
	for (size_t i = 0; i < ARRAY_SIZE(cmds); i++)
		fprintf(f, "  %s%s%s\n        %s\n", cmds[i].name, *cmds[i].synopsis ? " " : "",
			cmds[i].synopsis, cmds[i].help);
	fprintf(f, "\noptions:\n"
		   "  --socket PATH  control socket (default $BOOTFARM_SOCKET, else "
		   CTL_DEFAULT_SOCKET ")\n"
		   "  --json         print the reply's data as JSON\n"
		   "  --timeout SEC  wait at most SEC seconds for the daemon (default %d, 0: "
		   "forever)\n"
		   "  -h, --help     this text\n"
		   "  --version      print the version\n"
		   "\nexit status: 0 done, 1 the daemon refused, 2 usage error or no daemon\n",
		CTL_DEFAULT_TIMEOUT_S);
}

/* ---- talking to the daemon */

static void
connect_failed(const struct ctl *c, int err)
{
	const char *hint = "";

	if (err == EACCES || err == EPERM)
		hint = " (the control socket is for root and bootfarmd's configured group)";
	else if (err == ENOENT || err == ECONNREFUSED)
		hint = " (is bootfarmd running?)";
	die(CTL_UNREACHABLE, "cannot connect to %s: %s%s", c->socket, strerror(err), hint);
}

static int
dial(const struct ctl *c)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	struct timeval tv = {.tv_sec = c->timeout_s};
	int fd;

	if (strlen(c->socket) >= sizeof(sa.sun_path))
		die(CTL_UNREACHABLE, "socket path too long (at most %zu bytes): %s",
		    sizeof(sa.sun_path) - 1, c->socket);
	memcpy(sa.sun_path, c->socket, strlen(c->socket) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		die(CTL_UNREACHABLE, "socket (%s)", strerror(errno));
	/* SO_SNDTIMEO also bounds connect() on a UNIX socket whose backlog is full. */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) != 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) != 0)
		die(CTL_UNREACHABLE, "setsockopt (%s)", strerror(errno));
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0)
		connect_failed(c, errno);
	return fd;
}

static void
io_failed(const struct ctl *c, const char *what, int err)
{
	if (err == EAGAIN || err == EWOULDBLOCK)
		die(CTL_UNREACHABLE, "%s %s: no answer within %u s", what, c->socket, c->timeout_s);
	die(CTL_UNREACHABLE, "%s %s (%s)", what, c->socket, strerror(err));
}

static void
send_all(const struct ctl *c, int fd, const char *buf, size_t len)
{
	while (len > 0) {
		/* MSG_NOSIGNAL: a daemon that hangs up gets an error message, not SIGPIPE. */
		ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			io_failed(c, "sending to", errno);
		buf += n;
		len -= (size_t)n;
	}
}

/* Reads up to the first newline or EOF into a growing buffer; returns its length. */
static size_t
recv_line(const struct ctl *c, int fd, char **out)
{
	size_t cap = 64 * 1024, len = 0;
	char *buf = malloc(cap);

	if (buf == NULL)
		die(CTL_UNREACHABLE, "out of memory");
	for (;;) {
		if (len == cap) {
			if (cap >= CTL_MAX_REPLY)
				die(CTL_UNREACHABLE, "reply from %s larger than %lu MiB", c->socket,
				    CTL_MAX_REPLY >> 20);
			cap *= 2;
			buf = realloc(buf, cap);
			if (buf == NULL)
				die(CTL_UNREACHABLE, "out of memory");
		}
		ssize_t n = recv(fd, buf + len, cap - len, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			io_failed(c, "reading from", errno);
		if (n == 0)
			break;
		char *nl = memchr(buf + len, '\n', (size_t)n);
		len += (size_t)n;
		if (nl != NULL) {
			len = (size_t)(nl - buf);
			break;
		}
	}
	*out = buf;
	return len;
}

/* Sends req, returns the decoded reply object. Exits on any failure. */
static json_t *
call(const struct ctl *c, const json_t *req)
{
	char *line = json_dumps(req, JSON_COMPACT | CTL_JSON_REAL), *buf;
	json_error_t jerr;
	json_t *reply;
	size_t len;
	int fd;

	if (line == NULL)
		die(CTL_UNREACHABLE, "out of memory");
	fd = dial(c);
	send_all(c, fd, line, strlen(line));
	send_all(c, fd, "\n", 1);
	free(line);
	len = recv_line(c, fd, &buf);
	close(fd);
	if (len == 0)
		die(CTL_UNREACHABLE, "%s closed the connection without a reply", c->socket);
	reply = json_loadb(buf, len, 0, &jerr);
	free(buf);
	if (!json_is_object(reply))
		die(CTL_UNREACHABLE, "malformed reply from %s: %s", c->socket,
		    reply ? "not a JSON object" : jerr.text);
	return reply;
}

/* Prints the reply; returns the exit status. */
static int
finish(const struct ctl *c, const struct cmd *cmd, const json_t *req, json_t *reply)
{
	json_t *ok = json_object_get(reply, "ok"), *data = json_object_get(reply, "data");

	if (!json_is_boolean(ok))
		die(CTL_UNREACHABLE, "malformed reply from %s: no \"ok\"", c->socket);
	if (json_is_false(ok)) {
		const char *msg = jstr(reply, "error");
		char *s = xstrdup(msg ? msg : "request failed (the daemon gave no reason)");

		clean_text(s, strlen(s), true);
		fprintf(stderr, "%s%s\n", cmd->raw_error ? "" : "bootfarmctl: ", s);
		free(s);
		return CTL_REFUSED;
	}
	if (data == NULL) {
		data = json_object();
		if (data == NULL || json_object_set_new(reply, "data", data) != 0)
			die(CTL_UNREACHABLE, "out of memory");
	}
	if (c->json) {
		if (json_dumpf(data, stdout, JSON_INDENT(2) | JSON_ENCODE_ANY | CTL_JSON_REAL) != 0)
			die(CTL_UNREACHABLE, "writing the reply (%s)", strerror(errno));
		putchar('\n');
	} else {
		clean_tree(data);
		cmd->show(c, req, data);
	}
	return CTL_OK;
}

/* ---- command line */

static unsigned
parse_timeout(const char *s)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (!isdigit((unsigned char)*s) || *end != '\0' || errno != 0 || v > 86400) {
		usage_err("--timeout wants whole seconds from 0 to 86400, got '%s'", s);
		exit(CTL_USAGE);
	}
	return (unsigned)v;
}

/* Options before the command; returns the command's index in argv. */
static int
parse_global(struct ctl *c, int argc, char **argv)
{
	int i;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		const char *val;
		int r;

		if (strcmp(argv[i], "--") == 0)
			return i + 1;
		if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			usage(stdout);
			exit(CTL_OK);
		}
		if (strcmp(argv[i], "--version") == 0) {
			printf("bootfarmctl " CTL_VERSION "\n");
			exit(CTL_OK);
		}
		if (strcmp(argv[i], "--json") == 0) {
			c->json = true;
			continue;
		}
		if ((r = opt_value(argc, argv, &i, "--socket", &val)) != 0) {
			if (r < 0)
				exit(CTL_USAGE);
			c->socket = val;
			continue;
		}
		if ((r = opt_value(argc, argv, &i, "--timeout", &val)) != 0) {
			if (r < 0)
				exit(CTL_USAGE);
			c->timeout_s = parse_timeout(val);
			continue;
		}
		fprintf(stderr, "bootfarmctl: unknown option '%s'\n", argv[i]);
		usage(stderr);
		exit(CTL_USAGE);
	}
	return i;
}

int
main(int argc, char **argv)
{
	struct ctl c = {.socket = CTL_DEFAULT_SOCKET, .timeout_s = CTL_DEFAULT_TIMEOUT_S};
	const struct cmd *cmd = NULL;
	const char *env = getenv("BOOTFARM_SOCKET");
	json_t *req, *reply;
	int i, rc;

	if (env != NULL && *env != '\0')
		c.socket = env;
	i = parse_global(&c, argc, argv);
	if (i >= argc) {
		fprintf(stderr, "bootfarmctl: no command given\n");
		usage(stderr);
		return CTL_USAGE;
	}
	for (size_t k = 0; k < ARRAY_SIZE(cmds) && cmd == NULL; k++)
		if (strcmp(argv[i], cmds[k].name) == 0)
			cmd = &cmds[k];
	if (cmd == NULL) {
		fprintf(stderr, "bootfarmctl: unknown command '%s'\n", argv[i]);
		usage(stderr);
		return CTL_USAGE;
	}
	c.cmd = cmd->name;

	req = json_object();
	if (req == NULL)
		die(CTL_UNREACHABLE, "out of memory");
	jset(req, "cmd", json_string(cmd->name));
	if (cmd->build(&c, argc - i - 1, argv + i + 1, req) != 0) {
		json_decref(req);
		return CTL_USAGE;
	}
	reply = call(&c, req);
	rc = finish(&c, cmd, req, reply);
	json_decref(reply);
	json_decref(req);
	if (fflush(stdout) != 0 || ferror(stdout))
		die(CTL_UNREACHABLE, "writing the output (%s)", strerror(errno));
	return rc;
}
