/* SPDX-License-Identifier: MIT */
/*
 * HTTP header values the image server interprets itself (RFC 9110): Range
 * (14.1-14.2), If-None-Match (13.1.2), If-Range (13.1.5), and the ETag and
 * Content-Type it sends. Pure functions over (pointer, length): no I/O, no
 * allocation; the input need not be NUL-terminated and may hold any byte.
 * Everything else about HTTP is libmicrohttpd's job.
 */
#ifndef BF_HTTP_H
#define BF_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What to send for a Range header value against a resource of some length. */
enum bf_http_range {
	/* No usable range: absent, invalid, another unit or several ranges (200, whole). */
	BF_HTTP_RANGE_NONE,
	/* One satisfiable range: send bytes [first, last] (206). */
	BF_HTTP_RANGE_PARTIAL,
	/* Valid but unsatisfiable: first-pos >= length or suffix length 0 (416). */
	BF_HTTP_RANGE_UNSATISFIABLE,
};

/*
 * Interpret a Range value ("bytes=0-99", "bytes=100-", "bytes=-500") against
 * a representation of len bytes. The unit is case-insensitive; blanks are
 * accepted around '=', '-', ',' and at both ends; empty list elements are
 * skipped. Numbers of any size are accepted (they saturate, which gives the
 * right answer). first and last are set only for BF_HTTP_RANGE_PARTIAL
 * (last < len, last is clamped to len - 1). A suffix range on an empty
 * representation gives NONE: 206 cannot describe zero bytes, 200 can.
 */
enum bf_http_range bf_http_parse_range(const char *v, size_t n, uint64_t len, uint64_t *first,
				       uint64_t *last);

/*
 * If-None-Match: true when the value is "*" or a list of entity tags one of
 * which weakly matches etag (a strong tag as sent, quotes included: "\"ab\"").
 * A value that does not parse as a whole matches nothing (send the body).
 */
bool bf_http_inm_match(const char *v, size_t n, const char *etag);

/*
 * If-Range: true when the value is exactly one strong entity tag equal to
 * etag (strong comparison). A date or a weak tag never matches: the server
 * sends no Last-Modified, so only its ETag can validate a range.
 */
bool bf_http_if_range_match(const char *v, size_t n, const char *etag);

/* The ETag of a content hash: '"' + 16 lower-case hex digits + '"'. */
#define BF_HTTP_ETAG_LEN 18
void bf_http_etag(uint64_t hash, char out[BF_HTTP_ETAG_LEN + 1]);

/* Content-Type for an image name: text/plain for .ipxe, .cfg, .txt, else octet-stream. */
const char *bf_http_content_type(const char *name);

#endif
