/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target for the TFTP codec (RFC 1350, 2347, 2348, 2349, 7440, 2090): parse the
 * input as a request and as a packet. For a request that parses, check the
 * parsed fields against their documented ranges, canonicalise the name and
 * check what canonical names may contain, and build the OACK a server would
 * send into a buffer of exactly bf_tftp_oack_len bytes (BAD-INPUTS rule 5).
 * The raw input is also given to bf_tftp_canon_name as a file name, and to
 * bf_tftp_parse_mc as an RFC 2090 "multicast" value (what parses is built
 * into an OACK and parses back the same).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bf_tftp.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

#define check(x) check_at((x), __LINE__)

static void
check_at(int ok, int line)
{
	if (!ok) {
		fprintf(stderr, "fuzz_tftp: check failed at line %d\n", line);
		abort();
	}
}

/* What every successful bf_tftp_canon_name result must look like. */
static void
check_canon(const char *c, int len, size_t cap)
{
	check(len > 0);
	check((size_t)len < cap);
	check(strlen(c) == (size_t)len);
	check(c[0] != '/');
	check(strstr(c, "//") == NULL);
	check(strcmp(c, ".") != 0);
	check(strncmp(c, "./", 2) != 0);
	check(strstr(c, "/./") == NULL);
	check(strcmp(c, "..") != 0);
	check(strncmp(c, "../", 3) != 0);
	check(strstr(c, "/../") == NULL);
	check(!(len >= 3 && strcmp(c + len - 3, "/..") == 0));
	for (int i = 0; i < len; i++)
		check((uint8_t)c[i] >= 0x20 && c[i] != 0x7f && c[i] != '\\');

	/* Canonical names are a fixed point. */
	char again[BF_TFTP_MAX_NAME + 1];
	if ((size_t)len < sizeof(again)) {
		check(bf_tftp_canon_name(c, (size_t)len, again, sizeof(again)) == len);
		check(memcmp(again, c, (size_t)len + 1) == 0);
	}
}

/* The OACK's option area, put behind an RRQ header, parses back to the same options. */
static void
check_oack_round_trip(const struct bf_tftp_oack *o, const uint8_t *oack, size_t len)
{
	static const uint8_t head[] = {0, BF_TFTP_RRQ, 'x', 0, 'o', 'c', 't', 'e', 't', 0};
	uint8_t req[sizeof(head) + 128];
	struct bf_tftp_req r;

	check(len - 2 <= sizeof(req) - sizeof(head));
	memcpy(req, head, sizeof(head));
	memcpy(req + sizeof(head), oack + 2, len - 2);
	check(bf_tftp_parse_req(&r, req, sizeof(head) + len - 2) == 0);
	check(r.has_blksize == o->blksize && (!o->blksize || r.blksize == o->blksize_val));
	check(r.has_timeout == o->timeout && (!o->timeout || r.timeout == o->timeout_val));
	check(r.has_windowsize == o->windowsize &&
	      (!o->windowsize || r.windowsize == o->windowsize_val));
	check(r.has_multicast == o->multicast);
	/* tsize values of more than 10 digits are refused by the request parser. */
	check(r.has_tsize == (o->tsize && o->tsize_val <= 9999999999ull));
	check(r.n_bad_opts == (o->tsize && o->tsize_val > 9999999999ull));
}

static void
fuzz_req(const uint8_t *d, size_t n)
{
	struct bf_tftp_req r;
	char canon[BF_TFTP_MAX_NAME + 1];
	struct bf_tftp_oack o;
	struct bf_tftp_pkt t;

	if (bf_tftp_parse_req(&r, d, n) != 0)
		return;
	check(n <= BF_TFTP_MAX_REQ);
	check(r.opcode == BF_TFTP_RRQ || r.opcode == BF_TFTP_WRQ);
	check(r.name_len >= 1 && r.name_len <= BF_TFTP_MAX_NAME);
	check(strlen(r.name) == r.name_len);
	check(r.mode == BF_TFTP_MODE_OCTET || r.mode == BF_TFTP_MODE_NETASCII);
	check(!r.has_blksize ||
	      (r.blksize >= BF_TFTP_MIN_BLKSIZE && r.blksize <= BF_TFTP_MAX_BLKSIZE));
	check(!r.has_timeout ||
	      (r.timeout >= BF_TFTP_MIN_TIMEOUT && r.timeout <= BF_TFTP_MAX_TIMEOUT));
	check(!r.has_windowsize || r.windowsize >= 1);

	int c = bf_tftp_canon_name(r.name, r.name_len, canon, sizeof(canon));
	if (c >= 0)
		check_canon(canon, c, sizeof(canon));
	else
		check(canon[0] == '\0');

	/* The OACK for what the client asked, tsize from the input's last bytes. */
	uint64_t tsize = 0;
	for (size_t i = n >= 8 ? n - 8 : 0; i < n; i++)
		tsize = tsize << 8 | d[i];
	o = (struct bf_tftp_oack){
		.blksize = r.has_blksize,
		.blksize_val = r.blksize,
		.tsize = r.has_tsize,
		.tsize_val = tsize,
		.timeout = r.has_timeout,
		.timeout_val = r.timeout,
		.windowsize = r.has_windowsize,
		.windowsize_val = r.windowsize,
		/* RFC 2090: group and port from the input's first bytes */
		.multicast = r.has_multicast,
		.mc_addr = n >= 4 ? (uint32_t)d[0] << 24 | (uint32_t)d[1] << 16 |
					(uint32_t)d[2] << 8 | d[3]
				  : 0,
		.mc_port = n >= 6 ? (uint16_t)(d[4] << 8 | d[5]) : 0,
		.mc_master = n >= 7 && (d[6] & 1),
	};
	size_t need = bf_tftp_oack_len(&o);
	check(need >= 2 && need < 128);
	uint8_t *buf = malloc(need);
	check(buf != NULL);
	int k = bf_tftp_build_oack(buf, need, &o);
	if (k < 0 || (size_t)k != need)
		abort(); /* the buffer sized by bf_tftp_oack_len must hold exactly the OACK */
	check(bf_tftp_build_oack(buf, need - 1, &o) == -1);
	check(bf_tftp_parse_pkt(&t, buf, need) == 0);
	check(t.opcode == BF_TFTP_OACK && t.data_len == need - 2);
	check_oack_round_trip(&o, buf, need);
	free(buf);
}

static void
fuzz_pkt(const uint8_t *d, size_t n)
{
	struct bf_tftp_pkt t;

	if (bf_tftp_parse_pkt(&t, d, n) != 0)
		return;
	check(n >= 2);
	switch (t.opcode) {
	case BF_TFTP_DATA:
		check(n >= 4 && t.data == d + 4 && t.data_len == n - 4);
		break;
	case BF_TFTP_ACK:
		check(n >= 4);
		break;
	case BF_TFTP_ERROR:
		check(n >= 4 && t.error_msg != NULL && t.error_msg_len <= n - 4);
		if (t.error_msg_len)
			check(memchr(t.error_msg, 0, t.error_msg_len) == NULL);
		break;
	case BF_TFTP_OACK:
		check(t.data == d + 2 && t.data_len == n - 2);
		break;
	default:
		check(0);
	}
}

/* The input as the value of an OACK's "multicast" option. */
static void
fuzz_mc(const uint8_t *d, size_t n)
{
	struct bf_tftp_mc m, again;

	if (bf_tftp_parse_mc((const char *)d, n, &m) != 0) {
		check(!m.has_addr && !m.has_port && !m.master && !m.addr && !m.port);
		return;
	}
	check(n >= 3 && n <= BF_TFTP_MC_MAX);
	check(!m.has_port || m.port >= 1);
	check(m.has_addr || !m.addr);
	/* build what was parsed and parse it back */
	struct bf_tftp_oack o = {.multicast = true, .mc_addr = m.addr, .mc_port = m.port,
				 .mc_master = m.master};
	uint8_t buf[64];
	int k = bf_tftp_build_oack(buf, sizeof(buf), &o);
	check(k > 13 && (size_t)k == bf_tftp_oack_len(&o));
	check(bf_tftp_parse_mc((const char *)buf + 12, (size_t)k - 13, &again) == 0);
	check(again.addr == m.addr && again.port == m.port && again.master == m.master);
	check(again.has_addr == (m.addr != 0) && again.has_port == m.has_port);
}

int
LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	char out[BF_TFTP_MAX_NAME + 1];

	fuzz_req(d, n);
	fuzz_pkt(d, n);
	fuzz_mc(d, n);

	/* The whole input as a file name, with a full and a small output buffer. */
	int c = bf_tftp_canon_name((const char *)d, n, out, sizeof(out));
	if (c >= 0)
		check_canon(out, c, sizeof(out));
	size_t small = n ? d[0] % 17 : 0;
	char *o2 = malloc(small ? small : 1);
	check(o2 != NULL);
	c = bf_tftp_canon_name((const char *)d, n, o2, small);
	if (c >= 0)
		check_canon(o2, c, small);
	free(o2);
	return 0;
}
