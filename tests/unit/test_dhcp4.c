/* SPDX-License-Identifier: MIT */
/*
 * DHCPv4 codec (RFC 2131, 2132, 3396, 3004, 4578): good and bad messages side
 * by side in one table, decoded values of real client messages, and the reply
 * builder checked byte for byte.
 */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bf_dhcp4.h"

/* Large: keep them off the test's stack. */
static struct bf_dhcp4_msg m;
static struct bf_dhcp4_optset set;
static uint8_t out[BF_DHCP4_MAX_LEN];

/*
 * Hex with spaces or colons; "61*63" is byte 0x61 repeated 63 times.
 * Returns the number of bytes written to out.
 */
static size_t
hex(const char *s, uint8_t *o, size_t cap)
{
	size_t n = 0;

	while (*s) {
		unsigned v, rep = 1;
		int used = 0;
		if (*s == ' ' || *s == ':') {
			s++;
			continue;
		}
		cr_assert(sscanf(s, "%2x%n", &v, &used) == 1 && used == 2, "bad hex at %s", s);
		s += 2;
		if (*s == '*') {
			cr_assert(sscanf(s + 1, "%u%n", &rep, &used) == 1);
			s += 1 + used;
		}
		cr_assert(rep <= cap - n);
		memset(o + n, (int)v, rep);
		n += rep;
	}
	return n;
}

static const uint8_t mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };

/* A client message: BOOTP header, cookie, options; pad_to 0 = no padding. */
static size_t
mkmsg(uint8_t *b, size_t cap, const char *opts, const char *file, const char *sname,
      uint8_t hlen, size_t pad_to)
{
	memset(b, 0, cap);
	b[0] = 1;
	b[1] = 1;
	b[2] = hlen;
	memcpy(b + 4, "\x11\x22\x33\x44", 4);
	b[10] = 0x80;
	memcpy(b + 28, mac, 6);
	if (sname)
		hex(sname, b + 44, 64);
	if (file)
		hex(file, b + 108, 128);
	memcpy(b + 236, "\x63\x82\x53\x63", 4);
	size_t n = 240 + hex(opts, b + 240, cap - 240);
	return n < pad_to ? pad_to : n;
}

enum {
	F_EXACT = 1,	 /* no padding to 300 */
	F_NOCOOKIE = 2,
	F_HLEN17 = 4,
	F_HLEN16 = 8,
};

struct vec {
	const char *name;
	const char *opts;
	const char *file, *sname;
	unsigned flags;
	size_t len; /* cut or extend the message to this length; 0 = as built */
	int err;
};

static const struct vec vecs[] = {
	/* length and cookie */
	{ "minimal discover", "35 01 01 ff", NULL, NULL, F_EXACT, 0, 0 },
	{ "235 bytes", "", NULL, NULL, F_EXACT, 235, BF_DHCP4_E_SHORT },
	{ "236 bytes, no cookie", "", NULL, NULL, F_EXACT, 236, BF_DHCP4_E_SHORT },
	{ "239 bytes", "", NULL, NULL, F_EXACT, 239, BF_DHCP4_E_SHORT },
	{ "4096 bytes", "35 01 01 ff", NULL, NULL, 0, 4096, 0 },
	{ "4097 bytes", "35 01 01 ff", NULL, NULL, 0, 4097, BF_DHCP4_E_SHORT },
	{ "bad cookie", "35 01 01 ff", NULL, NULL, F_NOCOOKIE, 0, BF_DHCP4_E_COOKIE },
	{ "hlen 16", "35 01 01 ff", NULL, NULL, F_HLEN16, 0, 0 },
	{ "hlen 17", "35 01 01 ff", NULL, NULL, F_HLEN17, 0, BF_DHCP4_E_HLEN },
	/* TLV structure */
	{ "options end exactly at END", "35 01 01 00 00 ff", NULL, NULL, F_EXACT, 0, 0 },
	{ "length past the end", "35 01 01 0c 40 61 62 63", NULL, NULL, F_EXACT, 0,
	  BF_DHCP4_E_OPTLEN },
	{ "code without length", "35 01 01 0c", NULL, NULL, F_EXACT, 0, BF_DHCP4_E_OPTLEN },
	{ "no END, zero padding", "35 01 01", NULL, NULL, 0, 0, BF_DHCP4_E_NOEND },
	{ "no END, exact", "35 01 01", NULL, NULL, F_EXACT, 0, BF_DHCP4_E_NOEND },
	{ "empty options area", "", NULL, NULL, F_EXACT, 0, BF_DHCP4_E_NOEND },
	{ "garbage after END", "35 01 01 ff 0c 40", NULL, NULL, F_EXACT, 0, 0 },
	/* 53 */
	{ "53 missing", "37 02 01 03 ff", NULL, NULL, 0, 0, BF_DHCP4_E_MSGTYPE },
	{ "53 repeated, same value", "35 01 01 35 01 01 ff", NULL, NULL, 0, 0,
	  BF_DHCP4_E_MSGTYPE },
	{ "53 repeated, other value", "35 01 01 35 01 03 ff", NULL, NULL, 0, 0,
	  BF_DHCP4_E_MSGTYPE },
	{ "53 length 2", "35 02 01 01 ff", NULL, NULL, 0, 0, BF_DHCP4_E_MSGTYPE },
	{ "53 length 0", "35 00 ff", NULL, NULL, 0, 0, BF_DHCP4_E_MSGTYPE },
	{ "53 value 0", "35 01 00 ff", NULL, NULL, 0, 0, BF_DHCP4_E_MSGTYPE },
	{ "53 value 9", "35 01 09 ff", NULL, NULL, 0, 0, BF_DHCP4_E_MSGTYPE },
	{ "53 OFFER (server type) parses", "35 01 02 ff", NULL, NULL, 0, 0, 0 },
	{ "53 INFORM", "35 01 08 ff", NULL, NULL, 0, 0, 0 },
	/* 52 overload */
	{ "52 = 1, options in file", "35 01 01 34 01 01 ff", "0c 03 61 62 63 ff", NULL, 0, 0, 0 },
	{ "52 = 2, options in sname", "35 01 01 34 01 02 ff", NULL, "0c 03 61 62 63 ff", 0, 0,
	  0 },
	{ "52 = 3, both", "35 01 01 34 01 03 ff", "ff", "ff", 0, 0, 0 },
	{ "52 = 0", "35 01 01 34 01 00 ff", NULL, NULL, 0, 0, BF_DHCP4_E_OVERLOAD },
	{ "52 = 4", "35 01 01 34 01 04 ff", NULL, NULL, 0, 0, BF_DHCP4_E_OVERLOAD },
	{ "52 length 2", "35 01 01 34 02 01 01 ff", NULL, NULL, 0, 0, BF_DHCP4_E_OVERLOAD },
	{ "52 repeated", "35 01 01 34 01 01 34 01 01 ff", "ff", NULL, 0, 0,
	  BF_DHCP4_E_OVERLOAD },
	{ "52 inside file", "35 01 01 34 01 01 ff", "34 01 02 ff", NULL, 0, 0,
	  BF_DHCP4_E_OVERLOAD },
	{ "52 inside sname", "35 01 01 34 01 02 ff", NULL, "34 01 01 ff", 0, 0,
	  BF_DHCP4_E_OVERLOAD },
	{ "overloaded file without END", "35 01 01 34 01 01 ff", "0c 03 61 62 63", NULL, 0, 0,
	  BF_DHCP4_E_NOEND },
	{ "overloaded sname without END", "35 01 01 34 01 02 ff", NULL, "0c 01 61", 0, 0,
	  BF_DHCP4_E_NOEND },
	{ "option past the end of file", "35 01 01 34 01 01 ff", "00*126 0c 05", NULL, 0, 0,
	  BF_DHCP4_E_OPTLEN },
	{ "file with no 52 is not parsed", "35 01 01 ff", "34 01 02", NULL, 0, 0, 0 },
	{ "53 only in the file area", "34 01 01 ff", "35 01 01 ff", NULL, 0, 0, 0 },
	/* 57 */
	{ "57 = 1472", "35 01 01 39 02 05 c0 ff", NULL, NULL, 0, 0, 0 },
	{ "57 below 576 is raised", "35 01 01 39 02 01 00 ff", NULL, NULL, 0, 0, 0 },
	{ "57 length 1", "35 01 01 39 01 05 ff", NULL, NULL, 0, 0, BF_DHCP4_E_OPTVAL },
	{ "57 length 3", "35 01 01 39 03 05 c0 00 ff", NULL, NULL, 0, 0, BF_DHCP4_E_OPTVAL },
	/* 61 client id */
	{ "61 length 0", "35 01 01 3d 00 ff", NULL, NULL, 0, 0, BF_DHCP4_E_OPTVAL },
	{ "61 length 1", "35 01 01 3d 01 01 ff", NULL, NULL, 0, 0, BF_DHCP4_E_OPTVAL },
	{ "61 length 2", "35 01 01 3d 02 00 61 ff", NULL, NULL, 0, 0, 0 },
	{ "61 length 7", "35 01 01 3d 07 01 52 54 00 12 34 56 ff", NULL, NULL, 0, 0, 0 },
	{ "61 length 64", "35 01 01 3d 40 00 61*63 ff", NULL, NULL, 0, 0, 0 },
	{ "61 length 65", "35 01 01 3d 41 00 61*64 ff", NULL, NULL, 0, 0, BF_DHCP4_E_OPTVAL },
	/* 12 host name */
	{ "12 length 0", "35 01 01 0c 00 ff", NULL, NULL, 0, 0, BF_DHCP4_E_OPTVAL },
	{ "12 with NUL", "35 01 01 0c 05 61 62 00 63 64 ff", NULL, NULL, 0, 0,
	  BF_DHCP4_E_OPTVAL },
	{ "12 trailing NUL", "35 01 01 0c 03 61 62 00 ff", NULL, NULL, 0, 0, BF_DHCP4_E_OPTVAL },
	{ "12 length 63", "35 01 01 0c 3f 68*63 ff", NULL, NULL, 0, 0, 0 },
	{ "12 length 64", "35 01 01 0c 40 68*64 ff", NULL, NULL, 0, 0, BF_DHCP4_E_OPTVAL },
	{ "12 split, 32+32", "35 01 01 0c 20 68*32 0c 20 68*32 ff", NULL, NULL, 0, 0,
	  BF_DHCP4_E_OPTVAL },
	/* 93 / 94 / 97 (RFC 4578) */
	{ "93 length 0", "35 01 01 5d 00 ff", NULL, NULL, 0, 0, BF_DHCP4_E_OPTVAL },
	{ "93 length 1", "35 01 01 5d 01 00 ff", NULL, NULL, 0, 0, BF_DHCP4_E_OPTVAL },
	{ "93 length 3", "35 01 01 5d 03 00 07 00 ff", NULL, NULL, 0, 0, BF_DHCP4_E_OPTVAL },
	{ "93 length 4", "35 01 01 5d 04 00 07 00 09 ff", NULL, NULL, 0, 0, 0 },
	{ "93 with 20 codes", "35 01 01 5d 28 00*40 ff", NULL, NULL, 0, 0, 0 },
	{ "94 length 2", "35 01 01 5e 02 01 02 ff", NULL, NULL, 0, 0, BF_DHCP4_E_OPTVAL },
	{ "94 length 4", "35 01 01 5e 04 01 02 01 00 ff", NULL, NULL, 0, 0, BF_DHCP4_E_OPTVAL },
	{ "97 length 16", "35 01 01 61 10 ab*16 ff", NULL, NULL, 0, 0, BF_DHCP4_E_OPTVAL },
	{ "97 length 18", "35 01 01 61 12 00 ab*17 ff", NULL, NULL, 0, 0, BF_DHCP4_E_OPTVAL },
	{ "97 length 0", "35 01 01 61 00 ff", NULL, NULL, 0, 0, BF_DHCP4_E_OPTVAL },
	{ "97 type 0", "35 01 01 61 11 00 ab*16 ff", NULL, NULL, 0, 0, 0 },
	{ "97 type 1 (kept, no uuid)", "35 01 01 61 11 01 ab*16 ff", NULL, NULL, 0, 0, 0 },
	/* 4-byte options */
	{ "50 length 3", "35 01 03 32 03 c0 a8 00 ff", NULL, NULL, 0, 0, BF_DHCP4_E_OPTVAL },
	{ "54 length 5", "35 01 03 36 05 c0 a8 00 01 00 ff", NULL, NULL, 0, 0,
	  BF_DHCP4_E_OPTVAL },
	{ "51 length 2", "35 01 03 33 02 0e 10 ff", NULL, NULL, 0, 0, BF_DHCP4_E_OPTVAL },
	{ "118 length 0", "35 01 01 76 00 ff", NULL, NULL, 0, 0, BF_DHCP4_E_OPTVAL },
	{ "50 repeated", "35 01 03 32 04 c0 a8 00 05 32 04 c0 a8 00 05 ff", NULL, NULL, 0, 0,
	  BF_DHCP4_E_OPTVAL },
	/* 82 relay agent information */
	{ "82 circuit id + link select", "35 01 01 52 0c 01 04 65 74 68 30 05 04 0a 14 00 00 ff",
	  NULL, NULL, 0, 0, 0 },
	{ "82 sub-option past its end", "35 01 01 52 04 05 08 0a 00 ff", NULL, NULL, 0, 0,
	  BF_DHCP4_E_OPTVAL },
	{ "82 sub-option 5 length 3", "35 01 01 52 05 05 03 0a 00 00 ff", NULL, NULL, 0, 0,
	  BF_DHCP4_E_OPTVAL },
	/* 77 user class */
	{ "77 raw iPXE", "35 01 01 4d 04 69 50 58 45 ff", NULL, NULL, 0, 0, 0 },
	{ "77 RFC 3004", "35 01 01 4d 0b 05 6f 74 68 65 72 04 69 50 58 45 ff", NULL, NULL, 0, 0,
	  0 },
	{ "77 RFC 3004 malformed is just not iPXE", "35 01 01 4d 03 09 69 50 ff", NULL, NULL, 0,
	  0, 0 },
	{ "77 empty", "35 01 01 4d 00 ff", NULL, NULL, 0, 0, 0 },
};

static int
parse_vec(const struct vec *v)
{
	static uint8_t b[BF_DHCP4_MAX_LEN + 16];
	size_t n = mkmsg(b, sizeof(b), v->opts, v->file, v->sname,
			 (v->flags & F_HLEN17) ? 17 : (v->flags & F_HLEN16) ? 16 : 6,
			 (v->flags & F_EXACT) ? 0 : 300);
	if (v->flags & F_NOCOOKIE)
		b[239] ^= 1;
	if (v->len)
		n = v->len;
	/* An exact-size heap copy so ASan catches any read past the message. */
	uint8_t *copy = malloc(n);
	cr_assert_not_null(copy);
	memcpy(copy, b, n);
	int rc = bf_dhcp4_parse(&m, copy, n);
	free(copy);
	return rc;
}

Test(dhcp4, vectors)
{
	for (size_t i = 0; i < sizeof(vecs) / sizeof(vecs[0]); i++) {
		int rc = parse_vec(&vecs[i]);
		cr_expect_eq(rc, vecs[i].err, "%s: got %d (%s), want %d", vecs[i].name, rc,
			     bf_dhcp4_strerror(rc), vecs[i].err);
	}
}

/* Every strict prefix of a good message fails cleanly (never crashes, never OK). */
Test(dhcp4, every_truncation_fails)
{
	static uint8_t b[600];
	size_t n = mkmsg(b, sizeof(b),
			 "35 01 01 39 02 05 c0 37 04 01 03 06 2b 5d 02 00 07 ff", NULL, NULL, 6,
			 0);
	cr_assert_eq(bf_dhcp4_parse(&m, b, n), 0);
	for (size_t cut = 0; cut < n; cut++) {
		uint8_t *c = malloc(cut ? cut : 1);
		memcpy(c, b, cut);
		cr_expect_neq(bf_dhcp4_parse(&m, c, cut), 0, "prefix %zu", cut);
		free(c);
	}
}

static const struct vec *
find_vec(const char *name)
{
	for (size_t i = 0; i < sizeof(vecs) / sizeof(vecs[0]); i++)
		if (strcmp(vecs[i].name, name) == 0)
			return &vecs[i];
	cr_assert_fail("no vector %s", name);
	return NULL;
}

static void
parse_ok(const char *name)
{
	cr_assert_eq(parse_vec(find_vec(name)), 0, "%s", name);
}

Test(dhcp4, decoded_values)
{
	size_t len;
	const uint8_t *v;

	parse_ok("57 below 576 is raised");
	cr_assert_eq(m.max_size, 576);
	parse_ok("57 = 1472");
	cr_assert_eq(m.max_size, 1472);
	parse_ok("minimal discover");
	cr_assert_eq(m.max_size, 0);
	cr_assert_eq(m.msg_type, BF_DHCPDISCOVER);
	cr_assert_eq(m.xid, 0x11223344);
	cr_assert_eq(m.flags, BF_DHCP4_FLAG_BROADCAST);
	cr_assert_arr_eq(m.chaddr, mac, 6);
	cr_assert_not(m.is_pxe || m.is_ipxe || m.is_http || m.has_uuid);

	parse_ok("93 with 20 codes");
	cr_assert_eq(m.n_arch, BF_DHCP4_MAX_ARCHS);
	parse_ok("93 length 4");
	cr_assert_eq(m.n_arch, 2);
	cr_assert_eq(m.arch[0], 7);
	cr_assert_eq(m.arch[1], 9);
	parse_ok("97 type 1 (kept, no uuid)");
	cr_assert_not(m.has_uuid);
	cr_assert(bf_dhcp4_has(&m, BF_O4_UUID));

	parse_ok("77 raw iPXE");
	cr_assert(m.is_ipxe);
	parse_ok("77 RFC 3004");
	cr_assert(m.is_ipxe);
	parse_ok("77 RFC 3004 malformed is just not iPXE");
	cr_assert_not(m.is_ipxe);
	parse_ok("77 empty");
	cr_assert_not(m.is_ipxe);

	parse_ok("82 circuit id + link select");
	cr_assert_eq(m.subnet_select, 0x0A140000);

	parse_ok("52 = 1, options in file");
	cr_assert_eq(m.overload, 1);
	v = bf_dhcp4_get(&m, BF_O4_HOSTNAME, &len);
	cr_assert(v && len == 3 && memcmp(v, "abc", 3) == 0);
	parse_ok("52 = 2, options in sname");
	cr_assert_eq(m.overload, 2);
	cr_assert(bf_dhcp4_has(&m, BF_O4_HOSTNAME));
	parse_ok("file with no 52 is not parsed");
	cr_assert_not(bf_dhcp4_has(&m, BF_O4_OVERLOAD));
	cr_assert_eq(m.file[0], 0x34);
	parse_ok("53 only in the file area");
	cr_assert_eq(m.msg_type, BF_DHCPDISCOVER);

	cr_assert_null(bf_dhcp4_get(&m, BF_O4_ROUTER, &len));
	cr_assert_eq(len, 0);
}

/* iPXE (BIOS, undionly.kpxe) DHCPDISCOVER, options as iPXE sends them. */
static const char ipxe_discover[] =
	"35 01 01 39 02 05 c0 5d 02 00 00 5e 03 01 02 01 "
	"61 11 00 8a 5b 2c 9e 0d 1f 4e 6a a1 b2 c3 d4 e5 f6 07 18 "
	"3c 20 50 58 45 43 6c 69 65 6e 74 3a 41 72 63 68 3a 30 30 30 30 30 3a 55 4e 44 49 3a "
	"30 30 32 30 30 31 "
	"4d 04 69 50 58 45 "
	"af 0c 13 01 01 15 01 01 17 01 01 18 01 01 "
	"37 17 01 03 06 07 0c 0f 11 1a 2b 3c 42 43 77 80 81 82 83 84 85 86 87 af cb "
	"3d 07 01 52 54 00 12 34 56 ff";

Test(dhcp4, ipxe_bios_discover)
{
	static uint8_t b[600];
	size_t n = mkmsg(b, sizeof(b), ipxe_discover, NULL, NULL, 6, 0);
	size_t len;
	static const uint8_t uuid[16] = { 0x8a, 0x5b, 0x2c, 0x9e, 0x0d, 0x1f, 0x4e, 0x6a,
					  0xa1, 0xb2, 0xc3, 0xd4, 0xe5, 0xf6, 0x07, 0x18 };

	cr_assert_eq(bf_dhcp4_parse(&m, b, n), 0);
	cr_assert_eq(m.msg_type, BF_DHCPDISCOVER);
	cr_assert_eq(m.max_size, 1472);
	cr_assert_eq(m.n_arch, 1);
	cr_assert_eq(m.arch[0], 0);
	cr_assert_arr_eq(m.nii, ((uint8_t[]){ 1, 2, 1 }), 3);
	cr_assert(m.has_uuid);
	cr_assert_arr_eq(m.uuid, uuid, 16);
	cr_assert(m.is_pxe);
	cr_assert_not(m.is_http);
	cr_assert(m.is_ipxe);
	const uint8_t *prl = bf_dhcp4_get(&m, BF_O4_PRL, &len);
	cr_assert_eq(len, 23);
	cr_assert_eq(prl[0], 1);
	cr_assert_eq(prl[22], 203);
	const uint8_t *cid = bf_dhcp4_get(&m, BF_O4_CLIENT_ID, &len);
	cr_assert_eq(len, 7);
	cr_assert_eq(cid[0], 1);
	cr_assert_arr_eq(cid + 1, mac, 6);
}

/* OVMF (EDK2) PXE over IPv4 on x64: arch 7, NII 1.3.0, UUID. */
Test(dhcp4, ovmf_discover)
{
	static uint8_t b[600];
	size_t n = mkmsg(b, sizeof(b),
			 "35 01 01 39 02 05 c0 37 23 01 02 03 04 05 06 0c 0d 0f 11 12 16 17 1c 28 "
			 "29 2a 2b 32 33 36 3a 3b 3c 42 43 61 80 81 82 83 84 85 86 87 "
			 "61 11 00 8a 5b 2c 9e 0d 1f 4e 6a a1 b2 c3 d4 e5 f6 07 18 "
			 "5e 03 01 03 00 5d 02 00 07 "
			 "3c 20 50 58 45 43 6c 69 65 6e 74 3a 41 72 63 68 3a 30 30 30 30 37 3a "
			 "55 4e 44 49 3a 30 30 33 30 31 36 ff",
			 NULL, NULL, 6, 300);

	cr_assert_eq(bf_dhcp4_parse(&m, b, n), 0);
	cr_assert_eq(m.n_arch, 1);
	cr_assert_eq(m.arch[0], 7);
	cr_assert_arr_eq(m.nii, ((uint8_t[]){ 1, 3, 0 }), 3);
	cr_assert(m.has_uuid && m.is_pxe);
	cr_assert_not(m.is_ipxe || m.is_http);
}

Test(dhcp4, http_client_and_175)
{
	static uint8_t b[600];
	size_t n = mkmsg(b, sizeof(b),
			 "35 01 01 5d 02 00 10 3c 0a 48 54 54 50 43 6c 69 65 6e 74 ff", NULL,
			 NULL, 6, 300);
	cr_assert_eq(bf_dhcp4_parse(&m, b, n), 0);
	cr_assert(m.is_http);
	cr_assert_not(m.is_pxe);
	cr_assert_eq(m.arch[0], 16);

	n = mkmsg(b, sizeof(b), "35 01 01 af 03 13 01 01 ff", NULL, NULL, 6, 300);
	cr_assert_eq(bf_dhcp4_parse(&m, b, n), 0);
	cr_assert(m.is_ipxe);
	/* "PXEClien" is not PXEClient; "iPXEx" is not iPXE. */
	n = mkmsg(b, sizeof(b), "35 01 01 3c 08 50 58 45 43 6c 69 65 6e 4d 05 69 50 58 45 78 ff",
		  NULL, NULL, 6, 300);
	cr_assert_eq(bf_dhcp4_parse(&m, b, n), 0);
	cr_assert_not(m.is_pxe || m.is_ipxe);
}

/* dhclient DHCPREQUEST in SELECTING state. */
Test(dhcp4, dhclient_request)
{
	static uint8_t b[600];
	size_t len;
	size_t n = mkmsg(b, sizeof(b),
			 "35 01 03 32 04 c0 a8 0a 32 36 04 c0 a8 0a 01 0c 06 6e 6f 64 65 31 37 "
			 "37 0d 01 1c 02 03 0f 06 77 0c 2c 2f 1a 79 2a "
			 "3d 07 01 52 54 00 12 34 56 33 04 00 00 0e 10 ff",
			 NULL, NULL, 6, 300);

	cr_assert_eq(bf_dhcp4_parse(&m, b, n), 0);
	cr_assert_eq(m.msg_type, BF_DHCPREQUEST);
	cr_assert_eq(m.req_ip, 0xC0A80A32);
	cr_assert_eq(m.server_id, 0xC0A80A01);
	cr_assert_eq(m.lease_time, 3600);
	const uint8_t *h = bf_dhcp4_get(&m, BF_O4_HOSTNAME, &len);
	cr_assert(len == 6 && memcmp(h, "node17", 6) == 0);
}

/* RFC 3396: a 300-byte option 43 sent as 255 + 45 is one value again. */
Test(dhcp4, rfc3396_concatenation)
{
	static uint8_t b[1200];
	char opts[2400];
	size_t len;
	int o = snprintf(opts, sizeof(opts), "35 01 01 2b ff ");
	for (int i = 0; i < 255; i++)
		o += snprintf(opts + o, sizeof(opts) - (size_t)o, "%02x ", i);
	o += snprintf(opts + o, sizeof(opts) - (size_t)o, "0c 02 61 62 2b 2d ");
	for (int i = 255; i < 300; i++)
		o += snprintf(opts + o, sizeof(opts) - (size_t)o, "%02x ", i & 0xff);
	snprintf(opts + o, sizeof(opts) - (size_t)o, "ff");
	size_t n = mkmsg(b, sizeof(b), opts, NULL, NULL, 6, 0);

	cr_assert_eq(bf_dhcp4_parse(&m, b, n), 0);
	const uint8_t *v = bf_dhcp4_get(&m, BF_O4_VENDOR, &len);
	cr_assert_eq(len, 300);
	for (int i = 0; i < 300; i++)
		cr_assert_eq(v[i], (uint8_t)i);

	/* Concatenation spans the areas in order: options, file, sname. */
	n = mkmsg(b, sizeof(b), "35 01 01 34 01 03 4d 01 69 ff", "4d 02 50 58 ff", "4d 01 45 ff",
		  6, 300);
	cr_assert_eq(bf_dhcp4_parse(&m, b, n), 0);
	v = bf_dhcp4_get(&m, BF_O4_USER_CLASS, &len);
	cr_assert(len == 4 && memcmp(v, "iPXE", 4) == 0);
	cr_assert(m.is_ipxe);
}

Test(dhcp4, subnet_select_118_beats_82)
{
	static uint8_t b[600];
	size_t n = mkmsg(b, sizeof(b), "35 01 01 52 06 05 04 0a 14 00 00 76 04 0a 1e 00 00 ff",
			 NULL, NULL, 6, 300);
	cr_assert_eq(bf_dhcp4_parse(&m, b, n), 0);
	cr_assert_eq(m.subnet_select, 0x0A1E0000);
}

Test(dhcp4, strerror_names_every_error)
{
	for (int e = BF_DHCP4_E_TOOLONG; e <= 0; e++)
		cr_assert_str_neq(bf_dhcp4_strerror(e), "unknown error");
	cr_assert_str_eq(bf_dhcp4_strerror(-100), "unknown error");
}

/* ---- optset ---- */

Test(dhcp4, optset_put_replace_del)
{
	bf_dhcp4_optset_init(&set);
	cr_assert_eq(bf_dhcp4_optset_put(&set, 12, "abc", 3), 0);
	cr_assert_eq(bf_dhcp4_optset_put(&set, 15, "example", 7), 0);
	cr_assert_eq(bf_dhcp4_optset_put(&set, 12, "longer-name", 11), 0);
	cr_assert_eq(set.used, 18); /* replacing compacts */
	cr_assert_eq(memcmp(set.data + set.opt[15].off, "example", 7), 0);
	cr_assert_eq(memcmp(set.data + set.opt[12].off, "longer-name", 11), 0);
	bf_dhcp4_optset_del(&set, 12);
	cr_assert_eq(set.used, 7);
	cr_assert_eq(set.opt[15].off, 0);
	bf_dhcp4_optset_del(&set, 12); /* absent: no-op */
	cr_assert_eq(bf_dhcp4_optset_put(&set, 0, "x", 1), -1);
	cr_assert_eq(bf_dhcp4_optset_put(&set, 255, "x", 1), -1);
	cr_assert_eq(bf_dhcp4_optset_put(&set, 52, "x", 1), -1);
	cr_assert_eq(bf_dhcp4_optset_put(&set, 80, NULL, 0), 0);

	static uint8_t big[2048];
	cr_assert_eq(bf_dhcp4_optset_put(&set, 43, big, sizeof(big) - 7), 0);
	cr_assert_eq(bf_dhcp4_optset_put(&set, 44, big, 1), -1);
	/* Replacing a value with one of the same size fits even when full. */
	cr_assert_eq(bf_dhcp4_optset_put(&set, 15, "EXAMPLE", 7), 0);
	cr_assert_eq(bf_dhcp4_optset_put(&set, 15, "EXAMPLE!", 8), -1);
	cr_assert_eq(memcmp(set.data + set.opt[15].off, "EXAMPLE", 7), 0);
}

/* ---- builder ---- */

static void
hdr_init(struct bf_dhcp4_hdr *h)
{
	memset(h, 0, sizeof(*h));
	h->op = 2;
	h->htype = 1;
	h->hlen = 6;
	h->xid = 0x11223344;
	h->flags = BF_DHCP4_FLAG_BROADCAST;
	h->yiaddr = 0xC0A80A32;
	h->siaddr = 0xC0A80001;
	memcpy(h->chaddr, mac, 6);
}

static void
expect_bytes(const uint8_t *got, const char *want_hex)
{
	uint8_t want[1024];
	size_t n = hex(want_hex, want, sizeof(want));
	for (size_t i = 0; i < n; i++)
		cr_assert_eq(got[i], want[i], "byte %zu: got %02x want %02x", i, got[i], want[i]);
}

Test(dhcp4, build_prl_order)
{
	struct bf_dhcp4_hdr h;
	/* Our own request list: duplicates, PAD, END and absent codes are skipped. */
	static const uint8_t prl[] = { 67, 3, 1, 0, 255, 6, 3, 99, 53, 54 };

	hdr_init(&h);
	bf_dhcp4_optset_init(&set);
	bf_dhcp4_optset_put_u32(&set, 51, 3600);
	bf_dhcp4_optset_put(&set, 43, "\x06\x01\x08\xff", 4);
	bf_dhcp4_optset_put(&set, 15, "lab", 3);
	bf_dhcp4_optset_put(&set, 12, "node", 4);
	bf_dhcp4_optset_put_u32(&set, 6, 0x08080808);
	bf_dhcp4_optset_put_u32(&set, 1, 0xFFFFFF00);
	bf_dhcp4_optset_put_u32(&set, 3, 0xC0A80001);
	bf_dhcp4_optset_put(&set, 67, "boot.ipxe", 9);
	bf_dhcp4_optset_put_u32(&set, 54, 0xC0A80001);
	bf_dhcp4_optset_put_u8(&set, 53, BF_DHCPOFFER);

	int n = bf_dhcp4_build(out, sizeof(out), &h, &set, prl, sizeof(prl), 0);
	cr_assert_eq(n, 240 + 62); /* over 300 already: no padding */
	/* BOOTP header */
	expect_bytes(out, "02 01 06 00 11 22 33 44 00 00 80 00 00 00 00 00 c0 a8 0a 32 "
			  "c0 a8 00 01 00 00 00 00 52 54 00 12 34 56 00*10 00*64 00*128 "
			  "63 82 53 63");
	expect_bytes(out + 240, "35 01 02 "
				"36 04 c0 a8 00 01 "
				"43 09 62 6f 6f 74 2e 69 70 78 65 "
				"03 04 c0 a8 00 01 "
				"01 04 ff ff ff 00 "
				"06 04 08 08 08 08 "
				"0c 04 6e 6f 64 65 "
				"0f 03 6c 61 62 "
				"2b 04 06 01 08 ff "
				"33 04 00 00 0e 10 "
				"ff");

	/* Without a PRL: 53, 54, then numeric. */
	n = bf_dhcp4_build(out, sizeof(out), &h, &set, NULL, 0, 0);
	cr_assert_eq(n, 240 + 62);
	expect_bytes(out + 240, "35 01 02 36 04 c0 a8 00 01 01 04 ff ff ff 00 03 04 c0 a8 00 01 "
				"06 04 08 08 08 08 0c 04 6e 6f 64 65 0f 03 6c 61 62 "
				"2b 04 06 01 08 ff 33 04 00 00 0e 10 "
				"43 09 62 6f 6f 74 2e 69 70 78 65 ff");
}

Test(dhcp4, build_pads_to_300_and_zero_length_option)
{
	struct bf_dhcp4_hdr h;

	hdr_init(&h);
	memcpy(h.file, "undionly.kpxe", 14);
	memcpy(h.sname, "boot", 5);
	bf_dhcp4_optset_init(&set);
	bf_dhcp4_optset_put_u8(&set, 53, BF_DHCPACK);
	bf_dhcp4_optset_put(&set, 80, NULL, 0);
	int n = bf_dhcp4_build(out, sizeof(out), &h, &set, NULL, 0, 1500);
	cr_assert_eq(n, BF_DHCP4_BOOTP_MIN);
	expect_bytes(out + 44, "62 6f 6f 74 00*60");
	expect_bytes(out + 108, "75 6e 64 69 6f 6e 6c 79 2e 6b 70 78 65 00*115");
	expect_bytes(out + 240, "35 01 05 50 00 ff 00*54");

	/* Padding never goes beyond cap; cap below 241 cannot hold an END. */
	n = bf_dhcp4_build(out, 260, &h, &set, NULL, 0, 0);
	cr_assert_eq(n, 260);
	cr_assert_eq(bf_dhcp4_build(out, 240, &h, &set, NULL, 0, 0), -1);
}

static void
put_fill(uint8_t code, size_t len, uint8_t byte)
{
	static uint8_t v[2048];
	memset(v, byte, len);
	cr_assert_eq(bf_dhcp4_optset_put(&set, code, v, len), 0);
}

Test(dhcp4, build_rfc3396_split)
{
	struct bf_dhcp4_hdr h;
	size_t len;

	hdr_init(&h);
	bf_dhcp4_optset_init(&set);
	bf_dhcp4_optset_put_u8(&set, 53, BF_DHCPOFFER);
	put_fill(43, 300, 0xab);
	int n = bf_dhcp4_build(out, sizeof(out), &h, &set, NULL, 0, 1500);
	cr_assert_eq(n, 240 + 3 + 2 + 255 + 2 + 45 + 1);
	expect_bytes(out + 240, "35 01 02 2b ff ab*255 2b 2d ab*45 ff");
	cr_assert_eq(bf_dhcp4_parse(&m, out, (size_t)n), 0);
	const uint8_t *v = bf_dhcp4_get(&m, 43, &len);
	cr_assert_eq(len, 300);
	for (size_t i = 0; i < len; i++)
		cr_assert_eq(v[i], 0xab);

	/* Exactly 255 is one instance; 510 is two full ones. */
	put_fill(43, 255, 0x01);
	n = bf_dhcp4_build(out, sizeof(out), &h, &set, NULL, 0, 1500);
	expect_bytes(out + 240, "35 01 02 2b ff 01*255 ff");
	put_fill(43, 510, 0x02);
	n = bf_dhcp4_build(out, sizeof(out), &h, &set, NULL, 0, 1500);
	cr_assert_eq(n, 240 + 3 + 514 + 1);
	expect_bytes(out + 240, "35 01 02 2b ff 02*255 2b ff 02*255 ff");
}

/*
 * max_size 576: the main area holds 335 bytes before END. 53 + 54 (9) and a
 * 300-byte 43 (304) fit; 66 (102) and 67 (32) do not, so they overflow into
 * file and sname with 52 = 3.
 */
static void
overload_set(void)
{
	bf_dhcp4_optset_init(&set);
	bf_dhcp4_optset_put_u8(&set, 53, BF_DHCPOFFER);
	bf_dhcp4_optset_put_u32(&set, 54, 0xC0A80001);
	put_fill(43, 300, 0x43);
	put_fill(66, 100, 's');
	put_fill(67, 30, 'f');
}

Test(dhcp4, build_overload_file_and_sname)
{
	struct bf_dhcp4_hdr h;
	size_t len;

	hdr_init(&h);
	overload_set();
	int n = bf_dhcp4_build(out, sizeof(out), &h, &set, NULL, 0, 576);
	cr_assert_eq(n, 240 + 9 + 304 + 3 + 1);
	expect_bytes(out + 240, "35 01 02 36 04 c0 a8 00 01 2b ff 43*255 2b 2d 43*45 34 01 03 ff");
	expect_bytes(out + 108, "42 64 73*100 ff 00*25");
	expect_bytes(out + 44, "43 1e 66*30 ff 00*31");
	cr_assert_eq(bf_dhcp4_parse(&m, out, (size_t)n), 0);
	cr_assert_eq(m.overload, 3);
	cr_assert(bf_dhcp4_get(&m, 66, &len) && len == 100);
	cr_assert(bf_dhcp4_get(&m, 67, &len) && len == 30);
	cr_assert(bf_dhcp4_get(&m, 43, &len) && len == 300);

	/* With room for everything there is no overload. */
	n = bf_dhcp4_build(out, sizeof(out), &h, &set, NULL, 0, 1500);
	cr_assert_eq(n, 240 + 9 + 304 + 102 + 32 + 1);
	cr_assert_eq(bf_dhcp4_parse(&m, out, (size_t)n), 0);
	cr_assert_not(bf_dhcp4_has(&m, 52));
	cr_assert_eq(out[108], 0);
}

Test(dhcp4, build_overload_respects_used_fields)
{
	struct bf_dhcp4_hdr h;
	size_t len;

	/* file in use: 66 (102 bytes) fits neither main nor sname and is left out. */
	hdr_init(&h);
	memcpy(h.file, "pxelinux.0", 11);
	overload_set();
	int n = bf_dhcp4_build(out, sizeof(out), &h, &set, NULL, 0, 576);
	cr_assert_eq(bf_dhcp4_parse(&m, out, (size_t)n), 0);
	cr_assert_eq(m.overload, 2);
	cr_assert_str_eq((const char *)m.file, "pxelinux.0");
	cr_assert_not(bf_dhcp4_has(&m, 66));
	cr_assert(bf_dhcp4_get(&m, 67, &len) && len == 30);

	/* Both in use: no 52 at all, and whatever does not fit is dropped. */
	memcpy(h.sname, "tftp.lab", 9);
	n = bf_dhcp4_build(out, sizeof(out), &h, &set, NULL, 0, 576);
	cr_assert_eq(n, 240 + 9 + 304 + 1);
	cr_assert_eq(bf_dhcp4_parse(&m, out, (size_t)n), 0);
	cr_assert_eq(m.overload, 0);
	cr_assert_str_eq((const char *)m.sname, "tftp.lab");
	cr_assert_not(bf_dhcp4_has(&m, 66) || bf_dhcp4_has(&m, 67));
	cr_assert(bf_dhcp4_has(&m, 43));

	/*
	 * The PRL puts 66 before 43: 66 takes the room, 43 no longer fits and is
	 * left out, and 67 after it, which still fits, is sent.
	 */
	static const uint8_t prl[] = { 66, 43 };
	n = bf_dhcp4_build(out, sizeof(out), &h, &set, prl, sizeof(prl), 576);
	cr_assert_eq(n, 240 + 9 + 102 + 32 + 1);
	cr_assert_eq(bf_dhcp4_parse(&m, out, (size_t)n), 0);
	cr_assert(bf_dhcp4_has(&m, 66) && bf_dhcp4_has(&m, 67));
	cr_assert_not(bf_dhcp4_has(&m, 43));
}

Test(dhcp4, build_max_size_exact)
{
	struct bf_dhcp4_hdr h;

	hdr_init(&h);
	memcpy(h.file, "f", 2);
	memcpy(h.sname, "s", 2);
	bf_dhcp4_optset_init(&set);
	bf_dhcp4_optset_put_u8(&set, 53, BF_DHCPOFFER);
	put_fill(43, 254, 1);
	/* 240 + 3 + 256 + (98 + 2) + 1 = 600 */
	put_fill(60, 98, 'P');
	int n = bf_dhcp4_build(out, sizeof(out), &h, &set, NULL, 0, 600);
	cr_assert_eq(n, 600);
	cr_assert_eq(out[599], 0xff);
	/* One byte more and 60 no longer fits: left out, never truncated. */
	put_fill(60, 99, 'P');
	n = bf_dhcp4_build(out, sizeof(out), &h, &set, NULL, 0, 600);
	cr_assert_eq(n, 500);
	cr_assert_eq(bf_dhcp4_parse(&m, out, (size_t)n), 0);
	cr_assert_not(bf_dhcp4_has(&m, 60));
	/* cap below max_size wins; max_size below 576 (or 0) means 576. */
	n = bf_dhcp4_build(out, 601, &h, &set, NULL, 0, 1500);
	cr_assert_eq(n, 240 + 3 + 256 + 101 + 1);
	n = bf_dhcp4_build(out, 600, &h, &set, NULL, 0, 1500);
	cr_assert_eq(n, 500);
	put_fill(60, 300, 'P');
	n = bf_dhcp4_build(out, sizeof(out), &h, &set, NULL, 0, 0);
	cr_assert_leq(n, 576);
	n = bf_dhcp4_build(out, sizeof(out), &h, &set, NULL, 0, 300);
	cr_assert_leq(n, 576);
	cr_assert_geq(n, 300);
}

Test(dhcp4, build_parse_round_trip)
{
	struct bf_dhcp4_hdr h;
	size_t len;
	static const uint8_t prl[] = { 1, 3, 6, 12, 15, 43, 60, 66, 67, 97 };

	hdr_init(&h);
	h.giaddr = 0x0A140001;
	h.hops = 1;
	memcpy(h.file, "ipxe.efi", 9);
	bf_dhcp4_optset_init(&set);
	bf_dhcp4_optset_put_u8(&set, 53, BF_DHCPACK);
	bf_dhcp4_optset_put_u32(&set, 54, 0xC0A80001);
	bf_dhcp4_optset_put_u32(&set, 51, 86400);
	bf_dhcp4_optset_put_u32(&set, 1, 0xFFFFFF00);
	bf_dhcp4_optset_put(&set, 60, "PXEClient", 9);
	bf_dhcp4_optset_put(&set, 97, "\0abcdefghijklmnop", 17);
	bf_dhcp4_optset_put(&set, 82, "\x01\x04" "eth0", 6);
	int n = bf_dhcp4_build(out, sizeof(out), &h, &set, prl, sizeof(prl), 1472);
	cr_assert_gt(n, 0);
	int rc = bf_dhcp4_parse(&m, out, (size_t)n);
	cr_assert_eq(rc, 0, "%s", bf_dhcp4_strerror(rc));
	cr_assert_eq(m.op, 2);
	cr_assert_eq(m.hops, 1);
	cr_assert_eq(m.xid, 0x11223344);
	cr_assert_eq(m.flags, BF_DHCP4_FLAG_BROADCAST);
	cr_assert_eq(m.yiaddr, 0xC0A80A32);
	cr_assert_eq(m.siaddr, 0xC0A80001);
	cr_assert_eq(m.giaddr, 0x0A140001);
	cr_assert_arr_eq(m.chaddr, mac, 6);
	cr_assert_str_eq((const char *)m.file, "ipxe.efi");
	cr_assert_eq(m.msg_type, BF_DHCPACK);
	cr_assert_eq(m.server_id, 0xC0A80001);
	cr_assert_eq(m.lease_time, 86400);
	cr_assert(m.is_pxe && m.has_uuid);
	cr_assert_arr_eq(m.uuid, "abcdefghijklmnop", 16);
	const uint8_t *v = bf_dhcp4_get(&m, 82, &len);
	cr_assert(len == 6 && memcmp(v, "\x01\x04" "eth0", 6) == 0);
}

/*
 * RFC 3046 2.2: the relay agent information a relay added is echoed in every
 * reply, whatever the size limit, and as the last option of its area.
 */
Test(dhcp4, build_relay_info_kept_and_last)
{
	struct bf_dhcp4_hdr h;
	size_t len;
	const uint8_t *ri;

	hdr_init(&h);
	memcpy(h.file, "pxelinux.0", 11);
	memcpy(h.sname, "tftp.lab", 9);
	overload_set();
	uint8_t ri82[240];
	ri82[0] = 1; /* circuit id, 238 bytes */
	ri82[1] = 238;
	memset(ri82 + 2, 0x82, sizeof(ri82) - 2);
	cr_assert_eq(bf_dhcp4_optset_put(&set, 82, ri82, sizeof(ri82)), 0);
	/* 43 (300), 66 and 67 want the room first by PRL; 82 must still be there. */
	static const uint8_t prl[] = {43, 66, 67};
	int n = bf_dhcp4_build(out, sizeof(out), &h, &set, prl, sizeof(prl), 576);
	cr_assert_gt(n, 0);
	cr_assert_leq(n, 576);
	cr_assert_eq(bf_dhcp4_parse(&m, out, (size_t)n), 0);
	ri = bf_dhcp4_get(&m, 82, &len);
	cr_assert(ri && len == 240 && memcmp(ri, ri82, sizeof(ri82)) == 0);
	/* 53, 54, then the rest, 82 last before END. */
	expect_bytes(out + 240, "35 01 02 36 04 c0 a8 00 01");
	cr_assert_eq(out[n - 1 - 242], 82);
	cr_assert_eq(out[n - 1], 0xff);
}
