/* SPDX-License-Identifier: MIT */
/*
 * HTTP value tests (RFC 9110): Range against a length, If-None-Match and
 * If-Range against an ETag, the ETag and Content-Type the server sends. Each
 * table puts good and bad vectors side by side; every vector is also run on
 * an exact-size heap copy, so a read past the value is an ASan error.
 */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bf_http.h"

#define NONE BF_HTTP_RANGE_NONE
#define PART BF_HTTP_RANGE_PARTIAL
#define UNSAT BF_HTTP_RANGE_UNSATISFIABLE

/* An exact-size copy with no terminator (freed by the caller). */
static char *
exact(const char *s, size_t n)
{
	char *p = malloc(n ? n : 1);
	cr_assert_not_null(p);
	memcpy(p, s, n);
	return p;
}

/* ---- bf_http_parse_range -------------------------------------------------------------------- */

struct range_vec {
	const char *value;
	uint64_t len;
	enum bf_http_range want;
	uint64_t first, last; /* checked for PART only */
};

static const struct range_vec range_vecs[] = {
	/* The three forms. */
	{"bytes=0-499", 10000, PART, 0, 499},
	{"bytes=500-999", 10000, PART, 500, 999},
	{"bytes=9500-", 10000, PART, 9500, 9999},
	{"bytes=-500", 10000, PART, 9500, 9999},
	{"bytes=0-0", 10000, PART, 0, 0},
	{"bytes=-1", 10000, PART, 9999, 9999},
	{"bytes=0-", 10000, PART, 0, 9999},
	{"bytes=9999-9999", 10000, PART, 9999, 9999},
	/* last-pos past the end is clamped; a suffix longer than the body is all of it. */
	{"bytes=0-10000", 10000, PART, 0, 9999},
	{"bytes=100-99999999", 10000, PART, 100, 9999},
	{"bytes=-10000", 10000, PART, 0, 9999},
	{"bytes=-10001", 10000, PART, 0, 9999},
	{"bytes=-5", 3, PART, 0, 2},
	{"bytes=0-0", 1, PART, 0, 0},
	{"bytes=-1", 1, PART, 0, 0},
	/* Unit case, blanks, empty list elements. */
	{"BYTES=1-2", 100, PART, 1, 2},
	{"Bytes=1-2", 100, PART, 1, 2},
	{"bYtEs=-3", 100, PART, 97, 99},
	{" bytes=1-2 ", 100, PART, 1, 2},
	{"\tbytes\t=\t1\t-\t2\t", 100, PART, 1, 2},
	{"bytes = 1 - 2", 100, PART, 1, 2},
	{"bytes=- 3", 100, PART, 97, 99},
	{"bytes=1-2,", 100, PART, 1, 2},
	{"bytes=,1-2", 100, PART, 1, 2},
	{"bytes=, ,1-2 , ,", 100, PART, 1, 2},
	{"bytes=5- ,", 100, PART, 5, 99},
	{"bytes=007-0010", 100, PART, 7, 10},
	/* Unsatisfiable: first-pos at or past the end, suffix 0, anything on an empty body. */
	{"bytes=10000-", 10000, UNSAT},
	{"bytes=10000-10001", 10000, UNSAT},
	{"bytes=20000-30000", 10000, UNSAT},
	{"bytes=-0", 10000, UNSAT},
	{"bytes=-000", 10000, UNSAT},
	{"bytes=0-", 0, UNSAT},
	{"bytes=0-0", 0, UNSAT},
	{"bytes=-0", 0, UNSAT},
	/* A suffix on an empty body: 206 cannot say "zero bytes", a 200 can. */
	{"bytes=-5", 0, NONE},
	/* Huge numbers saturate: never wrap into a small position. */
	{"bytes=18446744073709551615-", 10000, UNSAT},
	{"bytes=18446744073709551616-", 10000, UNSAT},
	{"bytes=99999999999999999999999999999999999999-", 10000, UNSAT},
	{"bytes=0-18446744073709551616", 10000, PART, 0, 9999},
	{"bytes=0-99999999999999999999999999999999999999", 10000, PART, 0, 9999},
	{"bytes=-18446744073709551616", 10000, PART, 0, 9999},
	{"bytes=-99999999999999999999999999999999999999", 10000, PART, 0, 9999},
	{"bytes=18446744073709551614-18446744073709551614", UINT64_MAX, PART,
	 UINT64_MAX - 1, UINT64_MAX - 1},
	{"bytes=-1", UINT64_MAX, PART, UINT64_MAX - 1, UINT64_MAX - 1},
	{"bytes=10-", UINT64_MAX, PART, 10, UINT64_MAX - 1},
	/* 1844674407370955161 * 10 + 6 is the first value that overflows. */
	{"bytes=1844674407370955161-", UINT64_MAX, PART, 1844674407370955161ull, UINT64_MAX - 1},
	{"bytes=18446744073709551606-", UINT64_MAX, PART, 18446744073709551606ull,
	 UINT64_MAX - 1},
	/* Several ranges: we send no multipart, so the whole body. */
	{"bytes=0-1,2-3", 100, NONE},
	{"bytes=0-1, 5-", 100, NONE},
	{"bytes=-1,-2", 100, NONE},
	{"bytes=0-1,0-1", 100, NONE},
	{"bytes=500-,0-1", 100, NONE}, /* even with the first one unsatisfiable */
	{"bytes=0-1,garbage", 100, NONE},
	/* Other units. */
	{"items=0-1", 100, NONE},
	{"byte=0-1", 100, NONE},
	{"bytess=0-1", 100, NONE},
	{"none", 100, NONE},
	{"bits=0-8", 100, NONE},
	/* Invalid: ignored, the whole body is sent. */
	{"", 100, NONE},
	{" ", 100, NONE},
	{"bytes", 100, NONE},
	{"bytes=", 100, NONE},
	{"bytes= ", 100, NONE},
	{"bytes=,", 100, NONE},
	{"bytes=-", 100, NONE},
	{"bytes=--1", 100, NONE},
	{"bytes=1", 100, NONE},
	{"bytes=1--2", 100, NONE},
	{"bytes=1-2-3", 100, NONE},
	{"bytes=2-1", 100, NONE}, /* last < first is invalid, not unsatisfiable */
	{"bytes=500-400", 100, NONE},
	{"bytes=a-b", 100, NONE},
	{"bytes=0x10-", 100, NONE},
	{"bytes=+1-2", 100, NONE},
	{"bytes=1-+2", 100, NONE},
	{"bytes=1.5-2", 100, NONE},
	{"bytes=1 2-3", 100, NONE},
	{"bytes=1-2 3", 100, NONE},
	{"bytes=1-2;", 100, NONE},
	{"bytes:1-2", 100, NONE},
	{"bytes==1-2", 100, NONE},
	{"=1-2", 100, NONE},
	{"bytes 1-2", 100, NONE},
	{"bytes\r\n=1-2", 100, NONE},
	{"bytes=1-2\r\n", 100, NONE},
	{"bytes=\xff-2", 100, NONE},
	{"b\xe9tes=1-2", 100, NONE},
	{"bytes=-\t", 100, NONE},
};

Test(http_range, vectors)
{
	for (size_t i = 0; i < sizeof(range_vecs) / sizeof(range_vecs[0]); i++) {
		const struct range_vec *t = &range_vecs[i];
		size_t n = strlen(t->value);
		char *v = exact(t->value, n);
		uint64_t first = 0xdead, last = 0xbeef;
		enum bf_http_range got = bf_http_parse_range(v, n, t->len, &first, &last);

		cr_expect_eq(got, t->want, "'%s' len %llu: got %d want %d", t->value,
			     (unsigned long long)t->len, got, t->want);
		if (got == PART && t->want == PART) {
			cr_expect_eq(first, t->first, "'%s': first %llu want %llu", t->value,
				     (unsigned long long)first, (unsigned long long)t->first);
			cr_expect_eq(last, t->last, "'%s': last %llu want %llu", t->value,
				     (unsigned long long)last, (unsigned long long)t->last);
			cr_expect(first <= last && last < t->len, "'%s': bounds", t->value);
		} else {
			cr_expect(first == 0xdead && last == 0xbeef, "'%s': outputs touched",
				  t->value);
		}
		free(v);
	}
}

/* The length bounds the read: a NUL or trailing bytes beyond n are never seen. */
Test(http_range, length_not_terminator)
{
	uint64_t first, last;

	cr_expect_eq(bf_http_parse_range("bytes=1-2,3-4", 9, 100, &first, &last), PART);
	cr_expect(first == 1 && last == 2);
	cr_expect_eq(bf_http_parse_range("bytes=1-2\0garbage", 17, 100, &first, &last), NONE);
	cr_expect_eq(bf_http_parse_range("bytes=1-2", 0, 100, &first, &last), NONE);
	cr_expect_eq(bf_http_parse_range(NULL, 0, 100, &first, &last), NONE);
	cr_expect_eq(bf_http_parse_range(NULL, 5, 100, &first, &last), NONE);
}

/* A long value (MHD's header buffer bounds it; we must not care): linear, no state. */
Test(http_range, long_values)
{
	size_t n = 1 << 16;
	char *v = malloc(n);
	uint64_t first, last;

	cr_assert_not_null(v);
	memcpy(v, "bytes=", 6);
	memset(v + 6, '9', n - 6);
	cr_expect_eq(bf_http_parse_range(v, n, 1000, &first, &last), NONE); /* no '-' */
	v[n - 1] = '-';
	cr_expect_eq(bf_http_parse_range(v, n, 1000, &first, &last), UNSAT);
	v[6] = '-';
	cr_expect_eq(bf_http_parse_range(v, n, 1000, &first, &last), NONE); /* "-99..9-" */
	v[6] = '0';
	v[7] = '-';
	cr_expect_eq(bf_http_parse_range(v, n, 1000, &first, &last), NONE); /* "0-99..9-" */
	v[n - 1] = '9';
	cr_expect_eq(bf_http_parse_range(v, n, 1000, &first, &last), PART); /* "0-99..9" */
	cr_expect(first == 0 && last == 999);
	memset(v + 6, ',', n - 6);
	memcpy(v + n - 4, "1-2,", 4);
	cr_expect_eq(bf_http_parse_range(v, n, 1000, &first, &last), PART);
	cr_expect(first == 1 && last == 2);
	memset(v + 6, ' ', n - 6);
	cr_expect_eq(bf_http_parse_range(v, n, 1000, &first, &last), NONE);
	free(v);
}

/* ---- bf_http_inm_match / bf_http_if_range_match --------------------------------------------- */

#define ETAG "\"0123456789abcdef\""

struct tag_vec {
	const char *value;
	bool inm;	/* If-None-Match matches */
	bool if_range;	/* If-Range validates */
};

static const struct tag_vec tag_vecs[] = {
	{ETAG, true, true},
	{" " ETAG " ", true, true},
	{"\t" ETAG, true, true},
	{"W/" ETAG, true, false}, /* weak: matches for 304, never for a range */
	{"\"x\", " ETAG, true, false},
	{"\"x\",W/" ETAG ",\"y\"", true, false},
	{ETAG ", \"x\"", true, false},
	{", ," ETAG ",", true, false},
	{"*", true, false},
	{" * ", true, false},
	/* No match. */
	{"\"0123456789abcdee\"", false, false},
	{"\"0123456789ABCDEF\"", false, false},
	{"\"0123456789abcdef\"\"\"", false, false},
	{"\"\"", false, false},
	{"\"x\", \"y\"", false, false},
	{"0123456789abcdef", false, false}, /* unquoted */
	{"w/" ETAG, false, false},	   /* W is case-sensitive */
	{"W/ " ETAG, false, false},
	{"W/", false, false},
	{"W", false, false},
	{"", false, false},
	{" ", false, false},
	{",", false, false},
	/* Malformed: the field is ignored, even when our tag is in it. */
	{ETAG " junk", false, false},
	{"junk, " ETAG, false, false},
	{ETAG " " ETAG, false, false},
	{"\"0123456789abcdef", false, false},
	{"\"unterminated, " ETAG, false, false},
	{"*, " ETAG, false, false},
	{ETAG ", *", false, false},
	{"**", false, false},
	{"\"a b\", " ETAG, false, false},
	{"\"a\x7f\", " ETAG, false, false},
	{"\"a\x01\", " ETAG, false, false},
	{ETAG ";", false, false},
	/* obs-text in a tag is legal. */
	{"\"\xc3\xa9\", " ETAG, true, false},
	/* If-Range with a date: no Last-Modified is sent, so it never validates. */
	{"Sat, 29 Oct 1994 19:43:31 GMT", false, false},
};

Test(http_tags, vectors)
{
	for (size_t i = 0; i < sizeof(tag_vecs) / sizeof(tag_vecs[0]); i++) {
		const struct tag_vec *t = &tag_vecs[i];
		size_t n = strlen(t->value);
		char *v = exact(t->value, n);

		cr_expect_eq(bf_http_inm_match(v, n, ETAG), t->inm, "If-None-Match '%s'",
			     t->value);
		cr_expect_eq(bf_http_if_range_match(v, n, ETAG), t->if_range, "If-Range '%s'",
			     t->value);
		free(v);
	}
}

Test(http_tags, bounded_by_length)
{
	cr_expect(bf_http_inm_match(ETAG "junk", sizeof(ETAG) - 1, ETAG));
	cr_expect(bf_http_if_range_match(ETAG "junk", sizeof(ETAG) - 1, ETAG));
	cr_expect(!bf_http_inm_match(ETAG, sizeof(ETAG) - 2, ETAG)); /* closing quote cut */
	cr_expect(!bf_http_inm_match(ETAG "\0", sizeof(ETAG), ETAG));
	cr_expect(!bf_http_inm_match(NULL, 0, ETAG));
	cr_expect(!bf_http_if_range_match(NULL, 3, ETAG));
	cr_expect(!bf_http_inm_match("*", 0, ETAG));
}

/* ---- bf_http_etag / bf_http_content_type ---------------------------------------------------- */

Test(http_etag, format)
{
	char e[BF_HTTP_ETAG_LEN + 1];

	bf_http_etag(0x0123456789abcdefull, e);
	cr_expect_str_eq(e, ETAG);
	bf_http_etag(0, e);
	cr_expect_str_eq(e, "\"0000000000000000\"");
	bf_http_etag(UINT64_MAX, e);
	cr_expect_str_eq(e, "\"ffffffffffffffff\"");
	cr_expect_eq(strlen(e), BF_HTTP_ETAG_LEN);
	/* What we send is what we match. */
	cr_expect(bf_http_inm_match(e, strlen(e), e));
	cr_expect(bf_http_if_range_match(e, strlen(e), e));
}

Test(http_type, by_suffix)
{
	static const struct {
		const char *name, *type;
	} v[] = {
		{"boot.ipxe", "text/plain"},
		{"x/menu.IPXE", "text/plain"},
		{"pxelinux.cfg/default.cfg", "text/plain"},
		{"grub/grub.cfg", "text/plain"},
		{"notes.txt", "text/plain"},
		{"a.TxT", "text/plain"},
		{".txt", "text/plain"},
		{"pxelinux.0", "application/octet-stream"},
		{"pxelinux.cfg/01-aa-bb-cc-dd-ee-ff", "application/octet-stream"},
		{"vmlinuz", "application/octet-stream"},
		{"ipxe", "application/octet-stream"},
		{"x.ipxe.efi", "application/octet-stream"},
		{"txt", "application/octet-stream"},
		{"", "application/octet-stream"},
	};
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		cr_expect_str_eq(bf_http_content_type(v[i].name), v[i].type, "%s", v[i].name);
}
