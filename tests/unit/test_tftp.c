/* SPDX-License-Identifier: MIT */
/*
 * TFTP codec tests (RFC 1350, 2347, 2348, 2349, 7440): request parser, packet
 * parser, OACK/ERROR/ACK/DATA builders, file name canonicalisation. Each table
 * puts good and bad vectors side by side; built packets are compared byte for
 * byte with the expected wire image.
 */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bf_tftp.h"

/* A byte string literal (may hold NULs) as pointer and length. */
#define B(s) (const uint8_t *)(s), sizeof(s) - 1
#define ABSENT (-1)

/* ---- bf_tftp_parse_req ---------------------------------------------------------------------- */

struct req_vec {
	const char *what;
	const uint8_t *pkt;
	size_t len;
	int rc;
	/* Checked only when rc == 0. */
	uint16_t opcode;
	const char *name;
	enum bf_tftp_mode mode;
	long blksize; /* ABSENT or the value */
	bool tsize;
	long timeout;
	long windowsize;
	bool multicast;
	uint8_t bad;
};

#define RRQ "\0\1"
#define WRQ "\0\2"
#define OK_RRQ(n, m) 0, BF_TFTP_RRQ, n, m
#define NO_OPTS ABSENT, false, ABSENT, ABSENT, false, 0
#define FAIL(rc) rc, 0, NULL, 0, NO_OPTS

static const struct req_vec req_vecs[] = {
	/* Real clients. */
	{"tftp-hpa plain", B(RRQ "pxelinux.0\0octet\0"), OK_RRQ("pxelinux.0", BF_TFTP_MODE_OCTET),
	 NO_OPTS},
	{"tftp-hpa netascii", B(RRQ "motd\0netascii\0"), OK_RRQ("motd", BF_TFTP_MODE_NETASCII),
	 NO_OPTS},
	{"atftp blksize 1468 windowsize 16",
	 B(RRQ "images/vmlinuz\0octet\0blksize\0" "1468\0windowsize\0" "16\0"),
	 OK_RRQ("images/vmlinuz", BF_TFTP_MODE_OCTET), 1468, false, ABSENT, 16, false, 0},
	{"curl tsize blksize timeout",
	 B(RRQ "boot/grub/grub.cfg\0octet\0tsize\0" "0\0blksize\0" "512\0timeout\0" "6\0"),
	 OK_RRQ("boot/grub/grub.cfg", BF_TFTP_MODE_OCTET), 512, true, 6, ABSENT, false, 0},
	{"EDK2 blksize 1468 tsize",
	 B(RRQ "EFI/BOOT/BOOTX64.EFI\0octet\0blksize\0" "1468\0tsize\0" "0\0"),
	 OK_RRQ("EFI/BOOT/BOOTX64.EFI", BF_TFTP_MODE_OCTET), 1468, true, ABSENT, ABSENT, false, 0},
	{"iPXE blksize tsize", B(RRQ "/boot.ipxe\0octet\0blksize\0" "1432\0tsize\0" "0\0"),
	 OK_RRQ("/boot.ipxe", BF_TFTP_MODE_OCTET), 1432, true, ABSENT, ABSENT, false, 0},
	{"WRQ parses (refusing it is the server's job)", B(WRQ "up\0octet\0tsize\0" "77\0"), 0,
	 BF_TFTP_WRQ, "up", BF_TFTP_MODE_OCTET, ABSENT, true, ABSENT, ABSENT, false, 0},
	/* Case, padding, unknown, duplicate, multicast. */
	{"mode case-insensitive", B(RRQ "f\0OcTeT\0"), OK_RRQ("f", BF_TFTP_MODE_OCTET), NO_OPTS},
	{"NETASCII upper", B(RRQ "f\0NETASCII\0"), OK_RRQ("f", BF_TFTP_MODE_NETASCII), NO_OPTS},
	{"option names case-insensitive", B(RRQ "f\0octet\0BlkSize\0" "1024\0TSIZE\0" "0\0"),
	 OK_RRQ("f", BF_TFTP_MODE_OCTET), 1024, true, ABSENT, ABSENT, false, 0},
	{"NUL padding after mode", B(RRQ "f\0octet\0\0\0\0"), OK_RRQ("f", BF_TFTP_MODE_OCTET),
	 NO_OPTS},
	{"NUL padding after options", B(RRQ "f\0octet\0blksize\0" "1400\0\0\0"),
	 OK_RRQ("f", BF_TFTP_MODE_OCTET), 1400, false, ABSENT, ABSENT, false, 0},
	{"unknown option ignored", B(RRQ "f\0octet\0rollover\0" "0\0blksize\0" "900\0"),
	 OK_RRQ("f", BF_TFTP_MODE_OCTET), 900, false, ABSENT, ABSENT, false, 0},
	{"duplicate keeps the first", B(RRQ "f\0octet\0blksize\0" "1024\0blksize\0" "2048\0"),
	 OK_RRQ("f", BF_TFTP_MODE_OCTET), 1024, false, ABSENT, ABSENT, false, 0},
	{"duplicate: a bad first occurrence decides",
	 B(RRQ "f\0octet\0blksize\0" "7\0BLKSIZE\0" "1024\0"), OK_RRQ("f", BF_TFTP_MODE_OCTET),
	 ABSENT, false, ABSENT, ABSENT, false, 1},
	{"multicast (RFC 2090) empty value", B(RRQ "f\0octet\0multicast\0\0"),
	 OK_RRQ("f", BF_TFTP_MODE_OCTET), ABSENT, false, ABSENT, ABSENT, true, 0},
	{"multicast with blksize", B(RRQ "f\0octet\0multicast\0\0blksize\0" "512\0"),
	 OK_RRQ("f", BF_TFTP_MODE_OCTET), 512, false, ABSENT, ABSENT, true, 0},
	{"name with high bytes kept as sent", B(RRQ "caf\xc3\xa9\0octet\0"),
	 OK_RRQ("caf\xc3\xa9", BF_TFTP_MODE_OCTET), NO_OPTS},
	/* Option ranges: edges accepted, one past rejected and counted. */
	{"blksize 8", B(RRQ "f\0octet\0blksize\0" "8\0"), OK_RRQ("f", BF_TFTP_MODE_OCTET), 8,
	 false, ABSENT, ABSENT, false, 0},
	{"blksize 7", B(RRQ "f\0octet\0blksize\0" "7\0"), OK_RRQ("f", BF_TFTP_MODE_OCTET), ABSENT,
	 false, ABSENT, ABSENT, false, 1},
	{"blksize 65464", B(RRQ "f\0octet\0blksize\0" "65464\0"), OK_RRQ("f", BF_TFTP_MODE_OCTET),
	 65464, false, ABSENT, ABSENT, false, 0},
	{"blksize 65465", B(RRQ "f\0octet\0blksize\0" "65465\0"), OK_RRQ("f", BF_TFTP_MODE_OCTET),
	 ABSENT, false, ABSENT, ABSENT, false, 1},
	{"blksize 0", B(RRQ "f\0octet\0blksize\0" "0\0"), OK_RRQ("f", BF_TFTP_MODE_OCTET), ABSENT,
	 false, ABSENT, ABSENT, false, 1},
	{"timeout 1", B(RRQ "f\0octet\0timeout\0" "1\0"), OK_RRQ("f", BF_TFTP_MODE_OCTET), ABSENT,
	 false, 1, ABSENT, false, 0},
	{"timeout 0", B(RRQ "f\0octet\0timeout\0" "0\0"), OK_RRQ("f", BF_TFTP_MODE_OCTET), ABSENT,
	 false, ABSENT, ABSENT, false, 1},
	{"timeout 255", B(RRQ "f\0octet\0timeout\0" "255\0"), OK_RRQ("f", BF_TFTP_MODE_OCTET),
	 ABSENT, false, 255, ABSENT, false, 0},
	{"timeout 256", B(RRQ "f\0octet\0timeout\0" "256\0"), OK_RRQ("f", BF_TFTP_MODE_OCTET),
	 ABSENT, false, ABSENT, ABSENT, false, 1},
	{"windowsize 1", B(RRQ "f\0octet\0windowsize\0" "1\0"), OK_RRQ("f", BF_TFTP_MODE_OCTET),
	 ABSENT, false, ABSENT, 1, false, 0},
	{"windowsize 0", B(RRQ "f\0octet\0windowsize\0" "0\0"), OK_RRQ("f", BF_TFTP_MODE_OCTET),
	 ABSENT, false, ABSENT, ABSENT, false, 1},
	{"windowsize 65535", B(RRQ "f\0octet\0windowsize\0" "65535\0"),
	 OK_RRQ("f", BF_TFTP_MODE_OCTET), ABSENT, false, ABSENT, 65535, false, 0},
	{"windowsize 65536", B(RRQ "f\0octet\0windowsize\0" "65536\0"),
	 OK_RRQ("f", BF_TFTP_MODE_OCTET), ABSENT, false, ABSENT, ABSENT, false, 1},
	{"tsize 10 digits", B(RRQ "f\0octet\0tsize\0" "9999999999\0"),
	 OK_RRQ("f", BF_TFTP_MODE_OCTET), ABSENT, true, ABSENT, ABSENT, false, 0},
	{"tsize 11 digits", B(RRQ "f\0octet\0tsize\0" "10000000000\0"),
	 OK_RRQ("f", BF_TFTP_MODE_OCTET), ABSENT, false, ABSENT, ABSENT, false, 1},
	{"tsize empty", B(RRQ "f\0octet\0tsize\0\0"), OK_RRQ("f", BF_TFTP_MODE_OCTET), ABSENT,
	 false, ABSENT, ABSENT, false, 1},
	/* Option values: digits only, no sign, no spaces, no hex, no overflow. */
	{"blksize 10 digits with leading zeros", B(RRQ "f\0octet\0blksize\0" "0000000512\0"),
	 OK_RRQ("f", BF_TFTP_MODE_OCTET), 512, false, ABSENT, ABSENT, false, 0},
	{"blksize 11 digits with leading zeros", B(RRQ "f\0octet\0blksize\0" "00000000512\0"),
	 OK_RRQ("f", BF_TFTP_MODE_OCTET), ABSENT, false, ABSENT, ABSENT, false, 1},
	{"blksize +512", B(RRQ "f\0octet\0blksize\0" "+512\0"), OK_RRQ("f", BF_TFTP_MODE_OCTET),
	 ABSENT, false, ABSENT, ABSENT, false, 1},
	{"blksize -1", B(RRQ "f\0octet\0blksize\0" "-1\0"), OK_RRQ("f", BF_TFTP_MODE_OCTET),
	 ABSENT, false, ABSENT, ABSENT, false, 1},
	{"blksize leading space", B(RRQ "f\0octet\0blksize\0" " 512\0"),
	 OK_RRQ("f", BF_TFTP_MODE_OCTET), ABSENT, false, ABSENT, ABSENT, false, 1},
	{"blksize trailing space", B(RRQ "f\0octet\0blksize\0" "512 \0"),
	 OK_RRQ("f", BF_TFTP_MODE_OCTET), ABSENT, false, ABSENT, ABSENT, false, 1},
	{"blksize hex", B(RRQ "f\0octet\0blksize\0" "0x200\0"), OK_RRQ("f", BF_TFTP_MODE_OCTET),
	 ABSENT, false, ABSENT, ABSENT, false, 1},
	{"blksize empty", B(RRQ "f\0octet\0blksize\0\0"), OK_RRQ("f", BF_TFTP_MODE_OCTET), ABSENT,
	 false, ABSENT, ABSENT, false, 1},
	{"blksize 2^64+512 (would wrap to 512)",
	 B(RRQ "f\0octet\0blksize\0" "18446744073709552128\0"), OK_RRQ("f", BF_TFTP_MODE_OCTET),
	 ABSENT, false, ABSENT, ABSENT, false, 1},
	{"timeout 2^32+5 (would wrap to 5)", B(RRQ "f\0octet\0timeout\0" "4294967301\0"),
	 OK_RRQ("f", BF_TFTP_MODE_OCTET), ABSENT, false, ABSENT, ABSENT, false, 1},
	{"three bad options counted",
	 B(RRQ "f\0octet\0blksize\0x\0timeout\0" "0\0windowsize\0" "0\0tsize\0" "1\0"),
	 OK_RRQ("f", BF_TFTP_MODE_OCTET), ABSENT, true, ABSENT, ABSENT, false, 3},
	/* Malformed requests. */
	{"empty", B(""), FAIL(BF_TFTP_E_SHORT)},
	{"one byte", B("\0"), FAIL(BF_TFTP_E_SHORT)},
	{"opcode only", B(RRQ), FAIL(BF_TFTP_E_NONUL)},
	{"opcode 0", B("\0\0f\0octet\0"), FAIL(BF_TFTP_E_OPCODE)},
	{"DATA opcode", B("\0\3f\0octet\0"), FAIL(BF_TFTP_E_OPCODE)},
	{"opcode 7", B("\0\7f\0octet\0"), FAIL(BF_TFTP_E_OPCODE)},
	{"opcode 0x0101", B("\1\1f\0octet\0"), FAIL(BF_TFTP_E_OPCODE)},
	{"no NUL after name", B(RRQ "pxelinux.0"), FAIL(BF_TFTP_E_NONUL)},
	{"no mode", B(RRQ "pxelinux.0\0"), FAIL(BF_TFTP_E_NONUL)},
	{"no NUL after mode", B(RRQ "pxelinux.0\0octet"), FAIL(BF_TFTP_E_NONUL)},
	{"empty name", B(RRQ "\0octet\0"), FAIL(BF_TFTP_E_NAME)},
	{"mode mail", B(RRQ "f\0mail\0"), FAIL(BF_TFTP_E_MODE)},
	{"mode empty", B(RRQ "f\0\0"), FAIL(BF_TFTP_E_MODE)},
	{"mode octets", B(RRQ "f\0octets\0"), FAIL(BF_TFTP_E_MODE)},
	{"mode octe", B(RRQ "f\0octe\0"), FAIL(BF_TFTP_E_MODE)},
	{"mode binary", B(RRQ "f\0binary\0"), FAIL(BF_TFTP_E_MODE)},
	{"option name without NUL", B(RRQ "f\0octet\0blksize"), FAIL(BF_TFTP_E_NONUL)},
	{"option name without value", B(RRQ "f\0octet\0blksize\0"), FAIL(BF_TFTP_E_OPTION)},
	{"option value without NUL", B(RRQ "f\0octet\0blksize\0" "512"), FAIL(BF_TFTP_E_NONUL)},
	{"second option without value", B(RRQ "f\0octet\0blksize\0" "512\0tsize\0"),
	 FAIL(BF_TFTP_E_OPTION)},
	{"value without a name after padding", B(RRQ "f\0octet\0\0" "512\0"),
	 FAIL(BF_TFTP_E_OPTION)},
	{"padding then garbage without NUL", B(RRQ "f\0octet\0\0\0x"), FAIL(BF_TFTP_E_OPTION)},
};

static void
check_req(const struct req_vec *v)
{
	struct bf_tftp_req r;
	int rc = bf_tftp_parse_req(&r, v->pkt, v->len);

	cr_expect_eq(rc, v->rc, "%s: rc %d, want %d", v->what, rc, v->rc);
	if (rc != 0 || v->rc != 0)
		return;
	cr_expect_eq(r.opcode, v->opcode, "%s: opcode", v->what);
	cr_expect_str_eq(r.name, v->name, "%s: name", v->what);
	cr_expect_eq(r.name_len, strlen(v->name), "%s: name_len", v->what);
	cr_expect_eq(r.mode, v->mode, "%s: mode", v->what);
	cr_expect_eq(r.has_blksize, v->blksize != ABSENT, "%s: has_blksize", v->what);
	if (v->blksize != ABSENT)
		cr_expect_eq(r.blksize, v->blksize, "%s: blksize %u", v->what, r.blksize);
	cr_expect_eq(r.has_tsize, v->tsize, "%s: has_tsize", v->what);
	cr_expect_eq(r.has_timeout, v->timeout != ABSENT, "%s: has_timeout", v->what);
	if (v->timeout != ABSENT)
		cr_expect_eq(r.timeout, v->timeout, "%s: timeout %u", v->what, r.timeout);
	cr_expect_eq(r.has_windowsize, v->windowsize != ABSENT, "%s: has_windowsize", v->what);
	if (v->windowsize != ABSENT)
		cr_expect_eq(r.windowsize, v->windowsize, "%s: windowsize %u", v->what,
			     r.windowsize);
	cr_expect_eq(r.has_multicast, v->multicast, "%s: has_multicast", v->what);
	cr_expect_eq(r.n_bad_opts, v->bad, "%s: n_bad_opts %u", v->what, r.n_bad_opts);
}

Test(tftp_req, vectors)
{
	for (size_t i = 0; i < sizeof(req_vecs) / sizeof(req_vecs[0]); i++)
		check_req(&req_vecs[i]);
}

/*
 * Every vector again from an exact-size heap copy, so ASan catches a read one
 * byte past the packet (string literals carry a NUL the packet does not have).
 */
Test(tftp_req, vectors_exact_size)
{
	for (size_t i = 0; i < sizeof(req_vecs) / sizeof(req_vecs[0]); i++) {
		struct req_vec v = req_vecs[i];
		uint8_t *copy = malloc(v.len ? v.len : 1);

		cr_assert_not_null(copy);
		memcpy(copy, v.pkt, v.len);
		v.pkt = copy;
		check_req(&v);
		free(copy);
	}
}

/* Build RRQ "name\0octet\0" with a name of n bytes; returns the length. */
static size_t
rrq_with_name(uint8_t *buf, size_t cap, size_t n)
{
	size_t len = 2 + n + 1 + 6;

	cr_assert(len <= cap);
	buf[0] = 0;
	buf[1] = BF_TFTP_RRQ;
	memset(buf + 2, 'a', n);
	buf[2 + n] = 0;
	memcpy(buf + 3 + n, "octet", 6);
	return len;
}

Test(tftp_req, name_length_limits)
{
	static uint8_t buf[70000];
	struct bf_tftp_req r;
	size_t len;

	len = rrq_with_name(buf, sizeof(buf), BF_TFTP_MAX_NAME);
	cr_expect_eq(bf_tftp_parse_req(&r, buf, len), 0, "255-byte name");
	cr_expect_eq(r.name_len, BF_TFTP_MAX_NAME);
	cr_expect_eq(strlen(r.name), BF_TFTP_MAX_NAME);

	len = rrq_with_name(buf, sizeof(buf), BF_TFTP_MAX_NAME + 1);
	cr_expect_eq(bf_tftp_parse_req(&r, buf, len), BF_TFTP_E_NAME, "256-byte name");

	len = rrq_with_name(buf, sizeof(buf), 300);
	cr_expect_eq(bf_tftp_parse_req(&r, buf, len), BF_TFTP_E_NAME, "300-byte name");

	len = rrq_with_name(buf, sizeof(buf), 65536);
	cr_expect_eq(bf_tftp_parse_req(&r, buf, len), BF_TFTP_E_TOOLONG, "64 KiB name");

	/* 64 KiB name with no NUL at all: still too long, checked first. */
	memset(buf + 2, 'a', 65536);
	cr_expect_eq(bf_tftp_parse_req(&r, buf, 2 + 65536), BF_TFTP_E_TOOLONG);
}

Test(tftp_req, request_size_limit)
{
	static const char head[] = RRQ "f\0octet\0";
	uint8_t buf[BF_TFTP_MAX_REQ + 8];
	struct bf_tftp_req r;
	size_t hl = sizeof(head) - 1;

	/* Good request padded with NULs to exactly 512 bytes, then 513. */
	memset(buf, 0, sizeof(buf));
	memcpy(buf, head, hl);
	cr_expect_eq(bf_tftp_parse_req(&r, buf, BF_TFTP_MAX_REQ), 0, "512 bytes");
	cr_expect_eq(bf_tftp_parse_req(&r, buf, BF_TFTP_MAX_REQ + 1), BF_TFTP_E_TOOLONG,
		     "513 bytes");

	/* A 512-byte request made of real options (unknown ones), fully parsed. */
	memcpy(buf, head, hl);
	size_t off = hl;
	while (BF_TFTP_MAX_REQ - off >= 6) {
		memcpy(buf + off, "xx\0" "1\0", 5);
		off += 5;
	}
	memset(buf + off, 0, BF_TFTP_MAX_REQ - off);
	cr_expect_eq(bf_tftp_parse_req(&r, buf, BF_TFTP_MAX_REQ), 0);
	cr_expect_eq(r.n_bad_opts, 0);
}

Test(tftp_req, error_leaves_struct_clean)
{
	struct bf_tftp_req r;

	memset(&r, 0xa5, sizeof(r));
	cr_expect_eq(bf_tftp_parse_req(&r, B(RRQ "f\0mail\0")), BF_TFTP_E_MODE);
	cr_expect_not(r.has_blksize);
	cr_expect_eq(r.n_bad_opts, 0);
}

/* ---- bf_tftp_parse_pkt ---------------------------------------------------------------------- */

struct pkt_vec {
	const char *what;
	const uint8_t *pkt;
	size_t len;
	int rc;
	uint16_t opcode;
	uint16_t block;
	size_t data_off; /* DATA/OACK payload offset and length */
	size_t data_len;
	uint16_t error_code;
	size_t msg_len;
};

static const struct pkt_vec pkt_vecs[] = {
	{"DATA block 1", B("\0\3\0\1hello"), 0, BF_TFTP_DATA, 1, 4, 5, 0, 0},
	{"DATA empty (last block)", B("\0\3\0\2"), 0, BF_TFTP_DATA, 2, 4, 0, 0, 0},
	{"DATA block 65535", B("\0\3\xff\xffx"), 0, BF_TFTP_DATA, 65535, 4, 1, 0, 0},
	{"DATA 3 bytes", B("\0\3\0"), BF_TFTP_E_SHORT, 0, 0, 0, 0, 0, 0},
	{"DATA 2 bytes", B("\0\3"), BF_TFTP_E_SHORT, 0, 0, 0, 0, 0, 0},
	{"ACK 0", B("\0\4\0\0"), 0, BF_TFTP_ACK, 0, 0, 0, 0, 0},
	{"ACK 65535", B("\0\4\xff\xff"), 0, BF_TFTP_ACK, 65535, 0, 0, 0, 0},
	{"ACK with trailing bytes", B("\0\4\1\2junk"), 0, BF_TFTP_ACK, 0x102, 0, 0, 0, 0},
	{"ACK 3 bytes", B("\0\4\0"), BF_TFTP_E_SHORT, 0, 0, 0, 0, 0, 0},
	{"ACK 2 bytes", B("\0\4"), BF_TFTP_E_SHORT, 0, 0, 0, 0, 0, 0},
	{"ERROR with message", B("\0\5\0\1File not found\0"), 0, BF_TFTP_ERROR, 0, 0, 0, 1, 14},
	{"ERROR 4 bytes, no message", B("\0\5\0\10"), 0, BF_TFTP_ERROR, 0, 0, 0, 8, 0},
	{"ERROR empty message", B("\0\5\0\0\0"), 0, BF_TFTP_ERROR, 0, 0, 0, 0, 0},
	{"ERROR unterminated", B("\0\5\0\2abc"), 0, BF_TFTP_ERROR, 0, 0, 0, 2, 3},
	{"ERROR NUL inside", B("\0\5\0\2ab\0cd"), 0, BF_TFTP_ERROR, 0, 0, 0, 2, 2},
	{"ERROR 3 bytes", B("\0\5\0"), BF_TFTP_E_SHORT, 0, 0, 0, 0, 0, 0},
	{"ERROR 2 bytes", B("\0\5"), BF_TFTP_E_SHORT, 0, 0, 0, 0, 0, 0},
	{"OACK bare", B("\0\6"), 0, BF_TFTP_OACK, 0, 2, 0, 0, 0},
	{"OACK with options", B("\0\6blksize\0" "1468\0"), 0, BF_TFTP_OACK, 0, 2, 13, 0, 0},
	{"RRQ", B("\0\1f\0octet\0"), BF_TFTP_E_OPCODE, 0, 0, 0, 0, 0, 0},
	{"WRQ", B("\0\2f\0octet\0"), BF_TFTP_E_OPCODE, 0, 0, 0, 0, 0, 0},
	{"opcode 0", B("\0\0\0\1"), BF_TFTP_E_OPCODE, 0, 0, 0, 0, 0, 0},
	{"opcode 7", B("\0\7\0\1"), BF_TFTP_E_OPCODE, 0, 0, 0, 0, 0, 0},
	{"opcode 0xffff", B("\xff\xff\0\1"), BF_TFTP_E_OPCODE, 0, 0, 0, 0, 0, 0},
	{"opcode 0x0104 (ACK in the low byte only)", B("\1\4\0\1"), BF_TFTP_E_OPCODE, 0, 0, 0, 0,
	 0, 0},
	{"opcode 7 in 2 bytes", B("\0\7"), BF_TFTP_E_OPCODE, 0, 0, 0, 0, 0, 0},
	{"empty", B(""), BF_TFTP_E_SHORT, 0, 0, 0, 0, 0, 0},
	{"one byte", B("\0"), BF_TFTP_E_SHORT, 0, 0, 0, 0, 0, 0},
};

static void
check_pkt(const struct pkt_vec *v)
{
	struct bf_tftp_pkt t;
	int rc = bf_tftp_parse_pkt(&t, v->pkt, v->len);

	cr_expect_eq(rc, v->rc, "%s: rc %d, want %d", v->what, rc, v->rc);
	if (rc != 0 || v->rc != 0)
		return;
	cr_expect_eq(t.opcode, v->opcode, "%s: opcode", v->what);
	switch (v->opcode) {
	case BF_TFTP_DATA:
	case BF_TFTP_OACK:
		cr_expect_eq(t.block, v->block, "%s: block", v->what);
		cr_expect_eq(t.data, v->pkt + v->data_off, "%s: data", v->what);
		cr_expect_eq(t.data_len, v->data_len, "%s: data_len", v->what);
		break;
	case BF_TFTP_ACK:
		cr_expect_eq(t.block, v->block, "%s: block", v->what);
		cr_expect_eq(t.data_len, 0, "%s: data_len", v->what);
		break;
	case BF_TFTP_ERROR:
		cr_expect_eq(t.error_code, v->error_code, "%s: code", v->what);
		cr_expect_eq(t.error_msg_len, v->msg_len, "%s: msg_len %zu", v->what,
			     t.error_msg_len);
		cr_expect_not_null(t.error_msg, "%s: msg", v->what);
		if (v->msg_len)
			cr_expect_eq((const uint8_t *)t.error_msg, v->pkt + 4, "%s", v->what);
		break;
	}
}

Test(tftp_pkt, vectors)
{
	for (size_t i = 0; i < sizeof(pkt_vecs) / sizeof(pkt_vecs[0]); i++)
		check_pkt(&pkt_vecs[i]);
}

Test(tftp_pkt, vectors_exact_size)
{
	for (size_t i = 0; i < sizeof(pkt_vecs) / sizeof(pkt_vecs[0]); i++) {
		struct pkt_vec v = pkt_vecs[i];
		uint8_t *copy = malloc(v.len ? v.len : 1);

		cr_assert_not_null(copy);
		memcpy(copy, v.pkt, v.len);
		v.pkt = copy;
		check_pkt(&v);
		free(copy);
	}
}

Test(tftp_pkt, error_message_content)
{
	struct bf_tftp_pkt t;

	cr_assert_eq(bf_tftp_parse_pkt(&t, B("\0\5\0\1File not found\0")), 0);
	cr_expect_eq(memcmp(t.error_msg, "File not found", t.error_msg_len), 0);
	cr_assert_eq(bf_tftp_parse_pkt(&t, B("\0\5\0\4")), 0);
	cr_expect_str_eq(t.error_msg, "", "no message: an empty string, never past the packet");
}

/* ---- builders ------------------------------------------------------------------------------- */

struct oack_vec {
	const char *what;
	struct bf_tftp_oack o;
	const uint8_t *want;
	size_t want_len;
};

static const struct oack_vec oack_vecs[] = {
	{"nothing", {0}, B("\0\6")},
	{"blksize 1468", {.blksize = true, .blksize_val = 1468}, B("\0\6blksize\0" "1468\0")},
	{"tsize 0", {.tsize = true, .tsize_val = 0}, B("\0\6tsize\0" "0\0")},
	{"timeout 5", {.timeout = true, .timeout_val = 5}, B("\0\6timeout\0" "5\0")},
	{"windowsize 16", {.windowsize = true, .windowsize_val = 16},
	 B("\0\6windowsize\0" "16\0")},
	{"all four in order",
	 {true, 1468, true, 33554432, true, 3, true, 16},
	 B("\0\6blksize\0" "1468\0tsize\0" "33554432\0timeout\0" "3\0windowsize\0" "16\0")},
	{"atftp overflow case: blksize 8 with every option and huge values",
	 {true, 8, true, UINT64_MAX, true, 255, true, 65535},
	 B("\0\6blksize\0" "8\0tsize\0" "18446744073709551615\0timeout\0" "255\0windowsize\0"
	   "65535\0")},
	{"blksize 65464 tsize 10", {.blksize = true, .blksize_val = 65464, .tsize = true,
				    .tsize_val = 10},
	 B("\0\6blksize\0" "65464\0tsize\0" "10\0")},
	/* RFC 2090: "multicast" "addr,port,mc", after the numeric options */
	{"multicast master", {.multicast = true, .mc_addr = 0xeffe0201, .mc_port = 1758,
			      .mc_master = true},
	 B("\0\6multicast\0" "239.254.2.1,1758,1\0")},
	{"multicast listener with blksize and tsize",
	 {.blksize = true, .blksize_val = 1024, .tsize = true, .tsize_val = 1572871,
	  .multicast = true, .mc_addr = 0xe0000101, .mc_port = 1760},
	 B("\0\6blksize\0" "1024\0tsize\0" "1572871\0multicast\0" "224.0.1.1,1760,0\0")},
	{"multicast: the longest value", {.multicast = true, .mc_addr = 0xffffffff,
					  .mc_port = 65535, .mc_master = true},
	 B("\0\6multicast\0" "255.255.255.255,65535,1\0")},
	{"multicast: address and port left out (a later OACK)",
	 {.multicast = true, .mc_master = true}, B("\0\6multicast\0" ",,1\0")},
};

Test(tftp_build, oack_vectors)
{
	for (size_t i = 0; i < sizeof(oack_vecs) / sizeof(oack_vecs[0]); i++) {
		const struct oack_vec *v = &oack_vecs[i];
		uint8_t buf[256];
		int n;

		cr_expect_eq(bf_tftp_oack_len(&v->o), v->want_len, "%s: oack_len %zu want %zu",
			     v->what, bf_tftp_oack_len(&v->o), v->want_len);
		memset(buf, 0xee, sizeof(buf));
		n = bf_tftp_build_oack(buf, sizeof(buf), &v->o);
		cr_assert_eq(n, (int)v->want_len, "%s: built %d want %zu", v->what, n,
			     v->want_len);
		cr_expect_arr_eq(buf, v->want, v->want_len, "%s: bytes", v->what);
		cr_expect_eq(buf[v->want_len], 0xee, "%s: wrote past its length", v->what);
	}
}

/* Every cap below the exact length fails without writing past cap. */
Test(tftp_build, oack_cap)
{
	for (size_t i = 0; i < sizeof(oack_vecs) / sizeof(oack_vecs[0]); i++) {
		const struct oack_vec *v = &oack_vecs[i];
		size_t need = bf_tftp_oack_len(&v->o);

		for (size_t cap = 0; cap <= need; cap++) {
			uint8_t *buf = malloc(cap ? cap : 1);
			int n;

			cr_assert_not_null(buf);
			n = bf_tftp_build_oack(buf, cap, &v->o);
			if (cap < need)
				cr_expect_eq(n, -1, "%s: cap %zu", v->what, cap);
			else
				cr_expect_eq(n, (int)need, "%s: exact cap", v->what);
			free(buf);
		}
	}
}

/* oack_len equals the built length at every decimal width boundary. */
Test(tftp_build, oack_len_matches_build)
{
	static const uint64_t vals[] = {
		0, 1, 9, 10, 99, 100, 999, 1000, 9999, 10000, 65535, 65536, 99999, 100000,
		UINT32_MAX, (uint64_t)UINT32_MAX + 1, 999999999999ull, 1000000000000ull, UINT64_MAX,
	};

	for (size_t i = 0; i < sizeof(vals) / sizeof(vals[0]); i++) {
		for (unsigned mask = 0; mask < 16; mask++) {
			struct bf_tftp_oack o = {
				.blksize = mask & 1,
				.blksize_val = (uint16_t)vals[i],
				.tsize = mask & 2,
				.tsize_val = vals[i],
				.timeout = mask & 4,
				.timeout_val = (uint8_t)vals[i],
				.windowsize = mask & 8,
				.windowsize_val = (uint16_t)vals[i],
			};
			uint8_t buf[128];
			size_t want = bf_tftp_oack_len(&o);

			cr_expect_eq(bf_tftp_build_oack(buf, sizeof(buf), &o), (int)want,
				     "value %llu mask %u", (unsigned long long)vals[i], mask);
		}
	}
}

struct err_vec {
	const char *what;
	uint16_t code;
	const char *msg;
	const uint8_t *want;
	size_t want_len;
};

static const struct err_vec err_vecs[] = {
	{"not found", BF_TFTP_ERR_NOTFOUND, "File not found", B("\0\5\0\1File not found\0")},
	{"unknown TID", BF_TFTP_ERR_UNKNOWN_TID, "Unknown transfer ID",
	 B("\0\5\0\5Unknown transfer ID\0")},
	{"option refused", BF_TFTP_ERR_OPTION, "", B("\0\5\0\10\0")},
	{"NULL message", BF_TFTP_ERR_ACCESS, NULL, B("\0\5\0\2\0")},
	{"code 0x1234", 0x1234, "x", B("\0\5\x12\x34x\0")},
};

Test(tftp_build, error_vectors)
{
	for (size_t i = 0; i < sizeof(err_vecs) / sizeof(err_vecs[0]); i++) {
		const struct err_vec *v = &err_vecs[i];
		uint8_t buf[64];
		int n;

		memset(buf, 0xee, sizeof(buf));
		n = bf_tftp_build_error(buf, sizeof(buf), v->code, v->msg);
		cr_assert_eq(n, (int)v->want_len, "%s: %d", v->what, n);
		cr_expect_arr_eq(buf, v->want, v->want_len, "%s: bytes", v->what);
		cr_expect_eq(buf[n], 0xee, "%s: wrote past", v->what);
		for (size_t cap = 0; cap < v->want_len; cap++) {
			uint8_t *b = malloc(cap ? cap : 1);

			cr_assert_not_null(b);
			cr_expect_eq(bf_tftp_build_error(b, cap, v->code, v->msg), -1,
				     "%s: cap %zu", v->what, cap);
			free(b);
		}
	}
}

/* An ERROR is recognised from its first 4 bytes; anything shorter or else is not one. */
Test(tftp_pkt, is_error)
{
	static const struct {
		const char *what;
		const char *p;
		size_t len;
		bool want;
	} v[] = {
		{"ERROR 5 with message", "\0\5\0\5Unknown transfer ID\0", 24, true},
		{"ERROR 0, empty message", "\0\5\0\0\0", 5, true},
		{"ERROR without its NUL", "\0\5\0\1", 4, true},
		{"opcode only", "\0\5", 2, false},
		{"three bytes", "\0\5\0", 3, false},
		{"ACK", "\0\4\0\1", 4, false},
		{"high opcode byte set", "\1\5\0\5", 4, false},
		{"empty", "", 0, false},
	};

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		cr_expect_eq(bf_tftp_is_error((const uint8_t *)v[i].p, v[i].len), v[i].want, "%s",
			     v[i].what);
}

Test(tftp_build, ack_and_data_header)
{
	uint8_t b[4];

	bf_tftp_build_ack(b, 0);
	cr_expect_arr_eq(b, "\0\4\0\0", 4, "ACK 0");
	bf_tftp_build_ack(b, 0xfffe);
	cr_expect_arr_eq(b, "\0\4\xff\xfe", 4, "ACK 65534");
	bf_tftp_data_hdr(b, 1);
	cr_expect_arr_eq(b, "\0\3\0\1", 4, "DATA 1");
	bf_tftp_data_hdr(b, 0x1234);
	cr_expect_arr_eq(b, "\0\3\x12\x34", 4, "DATA 0x1234");
}

/* What we build, we parse back. */
Test(tftp_build, round_trip)
{
	uint8_t b[64];
	struct bf_tftp_pkt t;
	int n;

	bf_tftp_build_ack(b, 77);
	cr_assert_eq(bf_tftp_parse_pkt(&t, b, 4), 0);
	cr_expect_eq(t.opcode, BF_TFTP_ACK);
	cr_expect_eq(t.block, 77);

	n = bf_tftp_build_error(b, sizeof(b), BF_TFTP_ERR_NOTFOUND, "nope");
	cr_assert_eq(bf_tftp_parse_pkt(&t, b, (size_t)n), 0);
	cr_expect_eq(t.error_code, BF_TFTP_ERR_NOTFOUND);
	cr_expect_eq(t.error_msg_len, 4);

	struct bf_tftp_oack o = {true, 1468, true, 4096, false, 0, true, 8};
	n = bf_tftp_build_oack(b, sizeof(b), &o);
	cr_assert_eq(bf_tftp_parse_pkt(&t, b, (size_t)n), 0);
	cr_expect_eq(t.opcode, BF_TFTP_OACK);
	cr_expect_eq(t.data_len, (size_t)n - 2);
}

/* ---- bf_tftp_canon_name --------------------------------------------------------------------- */

struct canon_vec {
	const char *what;
	const char *in;
	size_t in_len;
	const char *want; /* NULL: rejected */
};

#define S(s) s, sizeof(s) - 1

static const struct canon_vec canon_vecs[] = {
	{"plain", S("pxelinux.0"), "pxelinux.0"},
	{"pxelinux.cfg mac", S("pxelinux.cfg/01-52-54-00-12-34-56"),
	 "pxelinux.cfg/01-52-54-00-12-34-56"},
	{"leading slash", S("/pxelinux.0"), "pxelinux.0"},
	{"several leading slashes", S("///boot/x"), "boot/x"},
	{"doubled slashes", S("//boot//x"), "boot/x"},
	{"leading ./", S("./x"), "x"},
	{"/./ at the start", S("/./x"), "x"},
	{"repeated ./", S("././x"), "x"},
	{"inner /./ collapsed", S("a/./b"), "a/b"},
	{"inner /././/", S("a/././/b"), "a/b"},
	{"trailing slash kept", S("boot/"), "boot/"},
	{"trailing // kept once", S("boot//"), "boot/"},
	{"trailing /. like /", S("boot/."), "boot/"},
	{"three dots is a name", S("..."), "..."},
	{"dot file", S(".hidden"), ".hidden"},
	{"dots inside a name", S("a..b"), "a..b"},
	{"..x is a name", S("..x/y"), "..x/y"},
	{"x.. is a name", S("x../y"), "x../y"},
	{"space allowed", S("my file"), "my file"},
	{"UTF-8 kept", S("caf\xc3\xa9"), "caf\xc3\xa9"},
	{"~ kept", S("~root"), "~root"},
	{"../etc/passwd", S("../etc/passwd"), NULL},
	{"a/../b", S("a/../b"), NULL},
	{"..", S(".."), NULL},
	{"/..", S("/.."), NULL},
	{"a/..", S("a/.."), NULL},
	{"./..", S("./.."), NULL},
	{"..\\x", S("..\\x"), NULL},
	{"a\\b", S("a\\b"), NULL},
	{"lone backslash", S("\\"), NULL},
	{"C:\\ path", S("C:\\boot.ini"), NULL},
	{"control 0x01", S("a\x01" "b"), NULL},
	{"newline", S("a\nb"), NULL},
	{"tab", S("a\tb"), NULL},
	{"escape", S("\x1b[2J"), NULL},
	{"control 0x1f", S("\x1f"), NULL},
	{"DEL", S("a\x7f"), NULL},
	{"embedded NUL", S("a\0b"), NULL},
	{"empty", S(""), NULL},
	{"/", S("/"), NULL},
	{"//", S("//"), NULL},
	{".", S("."), NULL},
	{"./", S("./"), NULL},
	{"/./", S("/./"), NULL},
	{"/././/.", S("/././/."), NULL},
};

Test(tftp_canon, vectors)
{
	for (size_t i = 0; i < sizeof(canon_vecs) / sizeof(canon_vecs[0]); i++) {
		const struct canon_vec *v = &canon_vecs[i];
		char out[BF_TFTP_MAX_NAME + 1];
		char *in = malloc(v->in_len ? v->in_len : 1); /* exact size for ASan */
		int n;

		cr_assert_not_null(in);
		memcpy(in, v->in, v->in_len);
		memset(out, 'Z', sizeof(out));
		n = bf_tftp_canon_name(in, v->in_len, out, sizeof(out));
		free(in);
		if (!v->want) {
			cr_expect_eq(n, -1, "%s: accepted as \"%s\"", v->what, n >= 0 ? out : "");
			cr_expect_eq(out[0], '\0', "%s: output not emptied", v->what);
			continue;
		}
		cr_expect_eq(n, (int)strlen(v->want), "%s: length %d", v->what, n);
		if (n >= 0)
			cr_expect_str_eq(out, v->want, "%s", v->what);
	}
}

Test(tftp_canon, long_names_and_caps)
{
	char in[300], out[512];

	memset(in, 'a', sizeof(in));
	/* A 300-byte name does not fit a name-sized buffer... */
	cr_expect_eq(bf_tftp_canon_name(in, sizeof(in), out, BF_TFTP_MAX_NAME + 1), -1);
	cr_expect_eq(out[0], '\0');
	/* ...nor 300 bytes (no room for the NUL), but fits 301. */
	cr_expect_eq(bf_tftp_canon_name(in, sizeof(in), out, 300), -1);
	cr_expect_eq(bf_tftp_canon_name(in, sizeof(in), out, 301), 300);
	cr_expect_eq(strlen(out), 300);

	/* Leading slashes do not count against the cap. */
	cr_expect_eq(bf_tftp_canon_name("////abc", 7, out, 4), 3);
	cr_expect_str_eq(out, "abc");
	cr_expect_eq(bf_tftp_canon_name("abc", 3, out, 3), -1);
	cr_expect_eq(bf_tftp_canon_name("abc", 3, out, 1), -1);
	cr_expect_eq(out[0], '\0');

	/* cap 0 writes nothing. */
	out[0] = 'Q';
	cr_expect_eq(bf_tftp_canon_name("abc", 3, out, 0), -1);
	cr_expect_eq(out[0], 'Q');

	/* A name that only fits once "./" and "//" are removed. */
	cr_expect_eq(bf_tftp_canon_name("./a//b", 6, out, 4), 3);
	cr_expect_str_eq(out, "a/b");
}

/* The path a request takes in the server: parse, then canonicalise the name. */
Test(tftp_canon, from_request)
{
	struct bf_tftp_req r;
	char out[BF_TFTP_MAX_NAME + 1];

	cr_assert_eq(bf_tftp_parse_req(&r, B(RRQ "//boot//./vmlinuz\0octet\0")), 0);
	cr_expect_eq(bf_tftp_canon_name(r.name, r.name_len, out, sizeof(out)), 12);
	cr_expect_str_eq(out, "boot/vmlinuz");

	cr_assert_eq(bf_tftp_parse_req(&r, B(RRQ "../../etc/shadow\0octet\0")), 0);
	cr_expect_eq(bf_tftp_canon_name(r.name, r.name_len, out, sizeof(out)), -1);
}

/* ---- RFC 2090 multicast value ---------------------------------------------------------------- */

struct mc_vec {
	const char *in;
	int rc;
	bool has_addr;
	uint32_t addr;
	bool has_port;
	uint16_t port;
	bool master;
};

static const struct mc_vec mc_vecs[] = {
	{"224.100.100.100,1758,1", 0, true, 0xe0646464, true, 1758, true},
	{"239.255.2.0,1760,0", 0, true, 0xefff0200, true, 1760, false},
	{"255.255.255.255,65535,1", 0, true, 0xffffffff, true, 65535, true},
	{"0.0.0.0,1,0", 0, true, 0, true, 1, false},
	{",,1", 0, false, 0, false, 0, true},
	{",,0", 0, false, 0, false, 0, false},
	{"1.2.3.4,,1", 0, true, 0x01020304, false, 0, true},
	{",69,0", 0, false, 0, true, 69, false},
	/* refused */
	{"", -1},
	{"1", -1},
	{",1", -1},
	{",,", -1},
	{",,2", -1},
	{",,10", -1},
	{",,1 ", -1},
	{",,1,", -1},
	{" ,,1", -1},
	{"1.2.3,1758,1", -1},
	{"1.2.3.4.5,1758,1", -1},
	{"1.2.3.256,1758,1", -1},
	{"1.2.3.04,1758,1", -1},
	{"1..3.4,1758,1", -1},
	{"1.2.3.,1758,1", -1},
	{".1.2.3,1758,1", -1},
	{"a.b.c.d,1758,1", -1},
	{"1.2.3.4,0,1", -1},
	{"1.2.3.4,65536,1", -1},
	{"1.2.3.4,01758,1", -1},
	{"1.2.3.4,-1,1", -1},
	{"1.2.3.4,1758,-1", -1},
	{"255.255.255.255,65535,1x", -1}, /* 24 bytes: longer than any valid value */
	{"1.2.3.4;1758;1", -1},
};

Test(tftp_mc, parse_vectors)
{
	for (size_t i = 0; i < sizeof(mc_vecs) / sizeof(mc_vecs[0]); i++) {
		const struct mc_vec *v = &mc_vecs[i];
		struct bf_tftp_mc m;
		int rc = bf_tftp_parse_mc(v->in, strlen(v->in), &m);

		cr_expect_eq(rc, v->rc, "'%s': rc %d want %d", v->in, rc, v->rc);
		if (rc != 0) {
			cr_expect(!m.has_addr && !m.has_port && !m.master,
				  "'%s': nothing left behind on failure", v->in);
			continue;
		}
		cr_expect_eq(m.has_addr, v->has_addr, "'%s': has_addr", v->in);
		cr_expect_eq(m.addr, v->addr, "'%s': addr %08x", v->in, m.addr);
		cr_expect_eq(m.has_port, v->has_port, "'%s': has_port", v->in);
		cr_expect_eq(m.port, v->port, "'%s': port", v->in);
		cr_expect_eq(m.master, v->master, "'%s': master", v->in);
	}
}

/* The value is read only within its length: no NUL needed, nothing past n. */
Test(tftp_mc, bounded)
{
	struct bf_tftp_mc m;
	const char buf[] = "239.1.2.3,1758,1999";

	cr_expect_eq(bf_tftp_parse_mc(buf, 16, &m), 0); /* "239.1.2.3,1758,1" */
	cr_expect(m.master && m.port == 1758 && m.addr == 0xef010203);
	cr_expect_eq(bf_tftp_parse_mc(buf, 15, &m), -1); /* "239.1.2.3,1758," */
	cr_expect_eq(bf_tftp_parse_mc(NULL, 0, &m), -1);
	cr_expect_eq(bf_tftp_parse_mc(buf, 0, &m), -1);
}

/* What the server builds parses back to the same group, port and role. */
Test(tftp_mc, oack_round_trip)
{
	static const uint32_t addrs[] = {0, 0xe0000001, 0xeffe0201, 0xffffffff};
	static const uint16_t ports[] = {0, 1, 1758, 65535};

	for (size_t a = 0; a < 4; a++)
		for (size_t p = 0; p < 4; p++)
			for (int mc = 0; mc < 2; mc++) {
				struct bf_tftp_oack o = {.multicast = true, .mc_addr = addrs[a],
							 .mc_port = ports[p], .mc_master = mc};
				uint8_t buf[64];
				struct bf_tftp_mc m;
				int n = bf_tftp_build_oack(buf, sizeof(buf), &o);

				cr_assert_eq((size_t)n, bf_tftp_oack_len(&o));
				/* "\0\6multicast\0VALUE\0" */
				cr_assert_eq(memcmp(buf, "\0\6multicast", 12), 0);
				const char *val = (const char *)buf + 12;
				cr_assert_eq(buf[n - 1], 0);
				cr_assert_eq(bf_tftp_parse_mc(val, (size_t)n - 13, &m), 0, "%s", val);
				cr_expect_eq(m.has_addr, addrs[a] != 0);
				cr_expect_eq(m.addr, addrs[a]);
				cr_expect_eq(m.has_port, ports[p] != 0);
				cr_expect_eq(m.port, ports[p]);
				cr_expect_eq(m.master, mc);
			}
}
