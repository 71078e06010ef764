/* SPDX-License-Identifier: MIT */
/*
 * Range, If-None-Match and If-Range values (RFC 9110 14.1-14.2, 13.1.2,
 * 13.1.5). These are attacker bytes: every read is bounds-checked against the
 * given length, numbers saturate instead of overflowing, and each function
 * makes one pass over its input.
 */
#include "bf_http.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* A read cursor over v[0..n). */
struct cur {
	const char *p;
	size_t n, i;
};

static bool
at_end(const struct cur *c)
{
	return c->i >= c->n;
}

/* True and step over ch when it is next. */
static bool
eat(struct cur *c, char ch)
{
	if (at_end(c) || c->p[c->i] != ch)
		return false;
	c->i++;
	return true;
}

/* OWS = *( SP / HTAB ) */
static void
skip_ows(struct cur *c)
{
	while (!at_end(c) && (c->p[c->i] == ' ' || c->p[c->i] == '\t'))
		c->i++;
}

static bool
is_digit(char ch)
{
	return ch >= '0' && ch <= '9';
}

/* 1*DIGIT, saturating at UINT64_MAX: a position past any length stays past it. */
static bool
digits(struct cur *c, uint64_t *out)
{
	uint64_t v = 0;
	size_t start = c->i;

	for (; !at_end(c) && is_digit(c->p[c->i]); c->i++) {
		unsigned d = (unsigned)(c->p[c->i] - '0');
		v = v > (UINT64_MAX - d) / 10 ? UINT64_MAX : v * 10 + d;
	}
	*out = v;
	return c->i > start;
}

/* tchar (RFC 9110 5.6.2) */
static bool
is_tchar(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || is_digit(ch) ||
	       (ch != '\0' && strchr("!#$%&'*+-.^_`|~", ch) != NULL);
}

/* One range-spec. */
struct spec {
	bool suffix; /* "-N": the last N bytes */
	bool has_last;
	uint64_t first, last, suffix_len;
};

/* int-range = first-pos "-" [ last-pos ]  /  suffix-range = "-" suffix-length */
static bool
parse_spec(struct cur *c, struct spec *s)
{
	*s = (struct spec){0};
	if (eat(c, '-')) {
		s->suffix = true;
		skip_ows(c);
		return digits(c, &s->suffix_len);
	}
	if (!digits(c, &s->first))
		return false;
	skip_ows(c);
	if (!eat(c, '-'))
		return false;
	skip_ows(c);
	s->has_last = !at_end(c) && is_digit(c->p[c->i]);
	return !s->has_last || digits(c, &s->last);
}

/* The ranges-specifier up to its range-set; false for another unit or bad syntax. */
static bool
parse_unit(struct cur *c)
{
	size_t start;

	skip_ows(c);
	start = c->i;
	while (!at_end(c) && is_tchar(c->p[c->i]))
		c->i++;
	if (c->i - start != 5 || strncasecmp(c->p + start, "bytes", 5) != 0)
		return false;
	skip_ows(c);
	return eat(c, '=');
}

/*
 * The single range-spec of the set. Returns 1 with *s, 0 for a set of two or
 * more (we send no multipart), -1 for bad syntax or an empty set.
 */
static int
parse_one_spec(struct cur *c, struct spec *s)
{
	unsigned count = 0;

	for (;;) {
		skip_ows(c);
		if (at_end(c))
			break;
		if (eat(c, ','))
			continue; /* empty list element (RFC 9110 5.6.1.2) */
		if (count == 1)
			return 0; /* a second range: nothing after it changes the answer */
		if (!parse_spec(c, s))
			return -1;
		count++;
		skip_ows(c);
		if (!at_end(c) && !eat(c, ','))
			return -1;
	}
	return count == 1 ? 1 : -1;
}

enum bf_http_range
bf_http_parse_range(const char *v, size_t n, uint64_t len, uint64_t *first, uint64_t *last)
{
	struct cur c = {v, v ? n : 0, 0};
	struct spec s;

	if (!parse_unit(&c) || parse_one_spec(&c, &s) != 1)
		return BF_HTTP_RANGE_NONE;
	if (s.suffix) {
		if (s.suffix_len == 0)
			return BF_HTTP_RANGE_UNSATISFIABLE;
		if (len == 0)
			return BF_HTTP_RANGE_NONE;
		*first = s.suffix_len >= len ? 0 : len - s.suffix_len;
		*last = len - 1;
		return BF_HTTP_RANGE_PARTIAL;
	}
	if (s.has_last && s.last < s.first)
		return BF_HTTP_RANGE_NONE; /* an invalid range-spec: the field is ignored */
	if (s.first >= len)
		return BF_HTTP_RANGE_UNSATISFIABLE;
	*first = s.first;
	*last = s.has_last && s.last < len ? s.last : len - 1;
	return BF_HTTP_RANGE_PARTIAL;
}

/* etagc = %x21 / %x23-7E / obs-text */
static bool
is_etagc(char ch)
{
	uint8_t b = (uint8_t)ch;
	return b == 0x21 || (b >= 0x23 && b != 0x7f);
}

/*
 * entity-tag = [ "W/" ] DQUOTE *etagc DQUOTE. On success *tag and *tag_len give
 * the opaque-tag with its quotes, *weak tells whether W/ was there.
 */
static bool
parse_etag(struct cur *c, const char **tag, size_t *tag_len, bool *weak)
{
	size_t start;

	*weak = c->n - c->i >= 2 && c->p[c->i] == 'W' && c->p[c->i + 1] == '/';
	if (*weak)
		c->i += 2;
	start = c->i;
	if (!eat(c, '"'))
		return false;
	while (!at_end(c) && is_etagc(c->p[c->i]))
		c->i++;
	if (!eat(c, '"'))
		return false;
	*tag = c->p + start;
	*tag_len = c->i - start;
	return true;
}

static bool
tag_eq(const char *tag, size_t tag_len, const char *etag)
{
	return tag_len == strlen(etag) && memcmp(tag, etag, tag_len) == 0;
}

bool
bf_http_inm_match(const char *v, size_t n, const char *etag)
{
	struct cur c = {v, v ? n : 0, 0};
	bool match = false, any = false;

	skip_ows(&c);
	if (eat(&c, '*')) {
		skip_ows(&c);
		return at_end(&c);
	}
	for (;;) {
		const char *tag;
		size_t tag_len;
		bool weak;

		skip_ows(&c);
		if (at_end(&c))
			break;
		if (eat(&c, ','))
			continue;
		if (!parse_etag(&c, &tag, &tag_len, &weak))
			return false;
		any = true;
		match = match || tag_eq(tag, tag_len, etag); /* weak comparison: W/ ignored */
		skip_ows(&c);
		if (!at_end(&c) && !eat(&c, ','))
			return false;
	}
	return any && match;
}

bool
bf_http_if_range_match(const char *v, size_t n, const char *etag)
{
	struct cur c = {v, v ? n : 0, 0};
	const char *tag;
	size_t tag_len;
	bool weak;

	skip_ows(&c);
	if (!parse_etag(&c, &tag, &tag_len, &weak) || weak)
		return false;
	skip_ows(&c);
	return at_end(&c) && tag_eq(tag, tag_len, etag);
}

void
bf_http_etag(uint64_t hash, char out[BF_HTTP_ETAG_LEN + 1])
{
	snprintf(out, BF_HTTP_ETAG_LEN + 1, "\"%016" PRIx64 "\"", hash);
}

static bool
ends_with_ci(const char *s, size_t n, const char *suffix)
{
	size_t k = strlen(suffix);
	return n >= k && strcasecmp(s + n - k, suffix) == 0;
}

const char *
bf_http_content_type(const char *name)
{
	size_t n = strlen(name);

	if (ends_with_ci(name, n, ".ipxe") || ends_with_ci(name, n, ".cfg") ||
	    ends_with_ci(name, n, ".txt"))
		return "text/plain";
	return "application/octet-stream";
}
