/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target for the HTTP header values the image server interprets (RFC
 * 9110): the input is a Range value, checked against several representation
 * lengths (partial ranges must lie inside the representation, nothing else
 * may touch the outputs), and an If-None-Match / If-Range value (a strong
 * If-Range match is also a weak If-None-Match match). The input's first 8
 * bytes also give one length, so huge ones are reached.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bf_http.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

#define check(x) check_at((x), __LINE__)

static void
check_at(int ok, int line)
{
	if (!ok) {
		fprintf(stderr, "fuzz_http: check failed at line %d\n", line);
		abort();
	}
}

static void
fuzz_range(const char *v, size_t n, uint64_t len)
{
	uint64_t first = 0x5a5a, last = 0xa5a5;
	enum bf_http_range r = bf_http_parse_range(v, n, len, &first, &last);

	switch (r) {
	case BF_HTTP_RANGE_PARTIAL:
		check(len > 0);
		check(first <= last && last < len);
		break;
	case BF_HTTP_RANGE_NONE:
	case BF_HTTP_RANGE_UNSATISFIABLE:
		check(first == 0x5a5a && last == 0xa5a5);
		break;
	default:
		check(0);
	}
	/* A range on an empty representation is never partial. */
	if (len == 0)
		check(r != BF_HTTP_RANGE_PARTIAL);
}

static void
fuzz_tags(const char *v, size_t n)
{
	static const char *const etags[] = {"\"0123456789abcdef\"", "\"\"", "\"x\""};

	for (size_t i = 0; i < sizeof(etags) / sizeof(etags[0]); i++) {
		bool inm = bf_http_inm_match(v, n, etags[i]);
		bool ifr = bf_http_if_range_match(v, n, etags[i]);
		if (ifr)
			check(inm);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	static const uint64_t lens[] = {0, 1, 2, 100, 10000, UINT64_MAX - 1, UINT64_MAX};
	const char *v = (const char *)d;
	uint64_t len = 0;

	for (size_t i = 0; i < n && i < 8; i++)
		len = len << 8 | d[i];
	fuzz_range(v, n, len);
	for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++)
		fuzz_range(v, n, lens[i]);
	fuzz_tags(v, n);

	/* What the server sends for a hash of the input matches itself, and a name ends in a type.
	 */
	char etag[BF_HTTP_ETAG_LEN + 1];
	uint64_t h = 0xcbf29ce484222325ull;
	for (size_t i = 0; i < n; i++)
		h = (h ^ d[i]) * 0x100000001b3ull;
	bf_http_etag(h, etag);
	check(strlen(etag) == BF_HTTP_ETAG_LEN);
	check(bf_http_inm_match(etag, BF_HTTP_ETAG_LEN, etag));
	check(bf_http_if_range_match(etag, BF_HTTP_ETAG_LEN, etag));

	char *name = malloc(n + 1);
	check(name != NULL);
	memcpy(name, d, n);
	name[n] = '\0';
	const char *type = bf_http_content_type(name);
	check(!strcmp(type, "text/plain") || !strcmp(type, "application/octet-stream"));
	free(name);
	return 0;
}
