/* SPDX-License-Identifier: MIT */
/*
 * PXE 2.1 option 43 codec: real dhcpd.conf vectors from the seeds, decoded
 * field by field and re-encoded byte for byte, then malformed inputs.
 */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "bf_pxe.h"

/* "06:01:03:..." -> bytes; returns the count. */
static size_t
hex(const char *s, uint8_t *out, size_t cap)
{
	size_t n = 0;

	while (*s) {
		unsigned v;
		if (*s == ':' || *s == ' ') {
			s++;
			continue;
		}
		cr_assert(sscanf(s, "%2x", &v) == 1, "bad hex at %s", s);
		cr_assert(n < cap);
		out[n++] = (uint8_t)v;
		s += 2;
	}
	return n;
}

/*
 * Seed 002, example 1 (multicast discovery). Checked by hand: sub-option 9
 * length 0x29 = 41 = (2+1+10) "Local boot" + (2+1+10) "kick start" +
 * (2+1+12) "network boot"; sub-option 10 length 0x13 = 19 = 1 + 18 bytes of
 * "Type <F8> for menu". The string is consistent.
 */
static const char seed002_ex1[] =
	"06:01:00:07:04:e0:00:01:02:"
	"09:29:00:00:0a:4c:6f:63:61:6c:20:62:6f:6f:74:"
	"00:0d:0a:6b:69:63:6b:20:73:74:61:72:74:"
	"00:0e:0c:6e:65:74:77:6f:72:6b:20:62:6f:6f:74:"
	"0a:13:0a:54:79:70:65:20:3c:46:38:3e:20:66:6f:72:20:6d:65:6e:75:ff";

/* Seed 002, example 2 (unicast to listed servers); sub-option 8 length 14 = 2 x 7. */
static const char seed002_ex2[] =
	"06:01:03:08:0e:00:0d:01:C0:A8:C5:0C:00:0e:01:C0:A8:C5:0C:"
	"09:29:00:00:0a:4c:6f:63:61:6c:20:62:6f:6f:74:00:0d:0a:6b:69:63:6b:20:73:"
	"74:61:72:74:00:0e:0c:6e:65:74:77:6f:72:6b:20:62:6f:6f:74:"
	"0a:13:0a:54:79:70:65:20:3c:46:38:3e:20:66:6f:72:20:6d:65:6e:75:ff";

/*
 * Seed 003 (ISC dhcpd "PXE" option space): discovery-control 2,
 * boot-server-list 80:4c:01:xx:yy:zz:vv:80:57:01:xx:yy:zz:vv with the
 * placeholder address replaced by 192.168.0.1 (c0:a8:00:01), PXE.menu as
 * given (0x40 = 64 = 8 "Local" + 29 "LIS (...)" + 27 "RIS (...)"), prompt 10
 * "Select Boot Server", boot-server-type 32855 (0x8057) layer 0 as 71.
 */
static const char seed003_ris[] =
	"06:01:02:"
	"08:0e:80:4c:01:c0:a8:00:01:80:57:01:c0:a8:00:01:"
	"09:40:00:00:05:4c:6f:63:61:6c:"
	"80:4c:1a:4c:49:53:20:28:4c:69:6e:75:78:20:49:6e:73:74:61:6c:6c:20:53:65:72:76:65:72:29:"
	"80:57:18:52:49:53:20:28:4d:53:20:57:69:6e:64:6f:77:73:20:49:6e:73:74:61:6c:6c:29:"
	"0a:13:0a:53:65:6c:65:63:74:20:42:6f:6f:74:20:53:65:72:76:65:72:"
	"47:04:80:57:00:00:ff";

/* Seed 003, pxelinux's "mysterious string": sub-options out of numeric order. */
static const char seed003_pxelinux[] =
	"09:0f:80:00:0c:4e:65:74:77:6f:72:6b:20:62:6f:6f:74:"
	"0a:07:00:50:72:6f:6d:70:74:"
	"06:01:02:"
	"08:03:80:00:00:"
	"47:04:80:00:00:00:ff";
/* The same content as our encoder orders it (6, 8, 9, 10, 71). */
static const char seed003_pxelinux_sorted[] =
	"06:01:02:"
	"08:03:80:00:00:"
	"09:0f:80:00:0c:4e:65:74:77:6f:72:6b:20:62:6f:6f:74:"
	"0a:07:00:50:72:6f:6d:70:74:"
	"47:04:80:00:00:00:ff";

static void
assert_menu_item(const struct bf_pxe_opts *o, unsigned i, uint16_t type, const char *text)
{
	cr_assert_eq(o->menu[i].type, type);
	cr_assert_eq(o->menu[i].len, strlen(text));
	cr_assert_str_eq(o->menu[i].text, text);
}

static void
assert_seed002_menu(const struct bf_pxe_opts *o)
{
	cr_assert_eq(o->n_menu, 3);
	/* The seed's prose says "Local Boot"; its bytes (62) spell "Local boot". */
	assert_menu_item(o, 0, 0, "Local boot");
	assert_menu_item(o, 1, 13, "kick start");
	assert_menu_item(o, 2, 14, "network boot");
	cr_assert(o->has_prompt);
	cr_assert_eq(o->prompt_timeout, 10);
	cr_assert_eq(o->prompt_len, 18);
	cr_assert_str_eq(o->prompt, "Type <F8> for menu");
}

/* Re-encode o and compare with the expected bytes, byte for byte. */
static void
assert_encodes_to(const struct bf_pxe_opts *o, const uint8_t *want, size_t n)
{
	uint8_t out[512];
	int len = bf_pxe_encode(o, out, sizeof(out));

	cr_assert_eq(len, (int)n, "encoded %d bytes, want %zu", len, n);
	cr_assert_arr_eq(out, want, n);
	/* Every smaller buffer is refused. */
	for (size_t cap = 0; cap < n; cap++)
		cr_assert_eq(bf_pxe_encode(o, out, cap), BF_PXE_E_NOSPACE);
}

Test(pxe, seed002_multicast)
{
	uint8_t b[256];
	size_t n = hex(seed002_ex1, b, sizeof(b));
	struct bf_pxe_opts o;

	cr_assert_eq(n, 2 + 1 + 2 + 4 + 2 + 41 + 2 + 19 + 1);
	cr_assert_eq(bf_pxe_decode(&o, b, n), 0);
	cr_assert(o.has_discovery_control);
	cr_assert_eq(o.discovery_control, 0);
	cr_assert(o.has_mcast_addr);
	cr_assert_eq(o.mcast_addr, 0xE0000102); /* 224.0.1.2 */
	cr_assert_eq(o.n_servers, 0);
	cr_assert_not(o.has_mtftp);
	cr_assert_not(o.has_boot_item);
	assert_seed002_menu(&o);
	assert_encodes_to(&o, b, n);
}

Test(pxe, seed002_unicast_servers)
{
	uint8_t b[256];
	size_t n = hex(seed002_ex2, b, sizeof(b));
	struct bf_pxe_opts o;

	cr_assert_eq(bf_pxe_decode(&o, b, n), 0);
	cr_assert(o.has_discovery_control);
	cr_assert_eq(o.discovery_control, BF_PXE_DC_NO_BCAST | BF_PXE_DC_NO_MCAST);
	cr_assert_not(o.has_mcast_addr);
	cr_assert_eq(o.n_servers, 2);
	cr_assert_eq(o.servers[0].type, 13);
	cr_assert_eq(o.servers[0].n_ip, 1);
	cr_assert_eq(o.servers[0].ip[0], 0xC0A8C50C); /* 192.168.197.12 */
	cr_assert_eq(o.servers[1].type, 14);
	cr_assert_eq(o.servers[1].n_ip, 1);
	cr_assert_eq(o.servers[1].ip[0], 0xC0A8C50C);
	assert_seed002_menu(&o);
	assert_encodes_to(&o, b, n);
}

Test(pxe, seed003_ris_lis)
{
	uint8_t b[256];
	size_t n = hex(seed003_ris, b, sizeof(b));
	struct bf_pxe_opts o;

	cr_assert_eq(bf_pxe_decode(&o, b, n), 0);
	cr_assert_eq(o.discovery_control, BF_PXE_DC_NO_MCAST);
	cr_assert_eq(o.n_servers, 2);
	cr_assert_eq(o.servers[0].type, 0x804c); /* 0x8000 + 'L' */
	cr_assert_eq(o.servers[0].n_ip, 1);
	cr_assert_eq(o.servers[0].ip[0], 0xC0A80001);
	cr_assert_eq(o.servers[1].type, 0x8057); /* 0x8000 + 'W' */
	cr_assert_eq(o.servers[1].ip[0], 0xC0A80001);
	cr_assert_eq(o.n_menu, 3);
	assert_menu_item(&o, 0, 0, "Local");
	assert_menu_item(&o, 1, 0x804c, "LIS (Linux Install Server)");
	assert_menu_item(&o, 2, 0x8057, "RIS (MS Windows Install)");
	cr_assert_eq(o.prompt_timeout, 10);
	cr_assert_str_eq(o.prompt, "Select Boot Server");
	cr_assert(o.has_boot_item);
	cr_assert_eq(o.boot_item_type, 32855);
	cr_assert_eq(o.boot_item_layer, 0);
	assert_encodes_to(&o, b, n);
}

Test(pxe, seed003_pxelinux_string)
{
	uint8_t b[128], s[128];
	size_t n = hex(seed003_pxelinux, b, sizeof(b));
	size_t ns = hex(seed003_pxelinux_sorted, s, sizeof(s));
	struct bf_pxe_opts o;

	cr_assert_eq(bf_pxe_decode(&o, b, n), 0);
	cr_assert_eq(o.n_menu, 1);
	assert_menu_item(&o, 0, 0x8000, "Network boot");
	cr_assert(o.has_prompt);
	cr_assert_eq(o.prompt_timeout, 0); /* pick the first item at once */
	cr_assert_str_eq(o.prompt, "Prompt");
	cr_assert_eq(o.discovery_control, BF_PXE_DC_NO_MCAST);
	cr_assert_eq(o.n_servers, 1);
	cr_assert_eq(o.servers[0].type, 0x8000);
	cr_assert_eq(o.servers[0].n_ip, 0); /* any address */
	cr_assert(o.has_boot_item);
	cr_assert_eq(o.boot_item_type, 0x8000);
	cr_assert_eq(o.boot_item_layer, 0);
	cr_assert_eq(n, ns);
	assert_encodes_to(&o, s, ns);
}

Test(pxe, mtftp_all_five)
{
	uint8_t b[64];
	size_t n = hex("01:04:e0:01:01:01:02:02:04:d2:03:02:04:d3:04:01:05:05:01:0a:ff", b,
		       sizeof(b));
	struct bf_pxe_opts o;

	cr_assert_eq(bf_pxe_decode(&o, b, n), 0);
	cr_assert(o.has_mtftp);
	cr_assert_eq(o.mtftp_ip, 0xE0010101);
	cr_assert_eq(o.mtftp_cport, 1234);
	cr_assert_eq(o.mtftp_sport, 1235);
	cr_assert_eq(o.mtftp_tmout, 5);
	cr_assert_eq(o.mtftp_delay, 10);
	assert_encodes_to(&o, b, n);
}

/*
 * What bootfarm's OFFER carries for an MTFTP boot file (mtftp: ip 239.255.1.1,
 * client_port 1758, server_port 1759 -- the seed's /etc/services "mtftp
 * 1759/udp" --, listen_delay 2, delay 3) with discovery control "use the
 * boot file": sub-options 1-5 first, each with its exact length (PXE 2.1
 * table 2-1: 4, 2, 2, 1, 1 bytes), then 6, then END.
 */
Test(pxe, mtftp_with_discovery_control_exact_bytes)
{
	static const uint8_t want[] = {
		0x01, 0x04, 0xef, 0xff, 0x01, 0x01, /* 1 MTFTP-IP 239.255.1.1 */
		0x02, 0x02, 0x06, 0xde,		    /* 2 MTFTP-CPORT 1758 */
		0x03, 0x02, 0x06, 0xdf,		    /* 3 MTFTP-SPORT 1759 */
		0x04, 0x01, 0x02,		    /* 4 MTFTP-TMOUT 2 s */
		0x05, 0x01, 0x03,		    /* 5 MTFTP-DELAY 3 s */
		0x06, 0x01, 0x08,		    /* 6 discovery control: use the boot file */
		0xff,
	};
	struct bf_pxe_opts o;
	uint8_t out[64];

	memset(&o, 0, sizeof(o));
	o.has_mtftp = true;
	o.mtftp_ip = 0xefff0101;
	o.mtftp_cport = 1758;
	o.mtftp_sport = 1759;
	o.mtftp_tmout = 2;
	o.mtftp_delay = 3;
	o.has_discovery_control = true;
	o.discovery_control = BF_PXE_DC_USE_BOOTFILE;
	memset(out, 0xee, sizeof(out));
	cr_assert_eq(bf_pxe_encode(&o, out, sizeof(out)), (int)sizeof(want));
	cr_assert_arr_eq(out, want, sizeof(want));
	cr_assert_eq(out[sizeof(want)], 0xee);
	/* every buffer shorter than the option fails */
	for (size_t cap = 0; cap < sizeof(want); cap++)
		cr_expect_eq(bf_pxe_encode(&o, out, cap), BF_PXE_E_NOSPACE, "cap %zu", cap);
	/* and it decodes back */
	struct bf_pxe_opts d;
	cr_assert_eq(bf_pxe_decode(&d, want, sizeof(want)), 0);
	cr_expect(d.has_mtftp && d.mtftp_ip == 0xefff0101 && d.mtftp_cport == 1758 &&
		  d.mtftp_sport == 1759 && d.mtftp_tmout == 2 && d.mtftp_delay == 3);
	cr_expect(d.has_discovery_control && d.discovery_control == BF_PXE_DC_USE_BOOTFILE);
}

/* A sub-option 1-5 with a wrong length is refused (PXE 2.1 fixes them). */
Test(pxe, mtftp_wrong_lengths)
{
	static const char *bad[] = {
		"01:03:ef:ff:01:ff",	   /* MTFTP-IP of 3 bytes */
		"01:05:ef:ff:01:01:00:ff", /* ... of 5 */
		"02:01:06:ff",		   /* MTFTP-CPORT of 1 */
		"03:03:06:df:00:ff",	   /* MTFTP-SPORT of 3 */
		"04:02:00:02:ff",	   /* MTFTP-TMOUT of 2 */
		"05:00:ff",		   /* MTFTP-DELAY of 0 */
		"01:04:ef:ff:01",	   /* runs past the end */
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		uint8_t b[16];
		size_t n = hex(bad[i], b, sizeof(b));
		struct bf_pxe_opts o;
		int rc = bf_pxe_decode(&o, b, n);
		cr_expect(rc == BF_PXE_E_LEN || rc == BF_PXE_E_TRUNC, "%s: rc %d", bad[i], rc);
	}
}

Test(pxe, empty_is_end)
{
	struct bf_pxe_opts o;
	uint8_t out[4];

	memset(&o, 0, sizeof(o));
	cr_assert_eq(bf_pxe_encode(&o, out, sizeof(out)), 1);
	cr_assert_eq(out[0], 0xff);
	cr_assert_eq(bf_pxe_decode(&o, out, 1), 0);
	cr_assert_eq(bf_pxe_decode(&o, out, 0), 0);
}

Test(pxe, pad_unknown_and_missing_end)
{
	uint8_t b[16];
	size_t n = hex("00:00:11:02:ab:cd:06:01:08", b, sizeof(b));
	struct bf_pxe_opts o;

	cr_assert_eq(bf_pxe_decode(&o, b, n), 0);
	cr_assert_eq(o.discovery_control, BF_PXE_DC_USE_BOOTFILE);
}

Test(pxe, data_after_end_ignored)
{
	uint8_t b[] = { 6, 1, 4, 255, 6, 9, 9 };
	struct bf_pxe_opts o;

	cr_assert_eq(bf_pxe_decode(&o, b, sizeof(b)), 0);
	cr_assert_eq(o.discovery_control, BF_PXE_DC_ONLY_LISTED);
}

Test(pxe, repeated_suboption_last_wins)
{
	uint8_t b[32];
	size_t n = hex("08:03:00:01:00:08:03:00:02:00:06:01:01:06:01:02:ff", b, sizeof(b));
	struct bf_pxe_opts o;

	cr_assert_eq(bf_pxe_decode(&o, b, n), 0);
	cr_assert_eq(o.n_servers, 1);
	cr_assert_eq(o.servers[0].type, 2);
	cr_assert_eq(o.discovery_control, 2);
}

struct bad_vec {
	const char *name;
	const char *hex;
	int err;
};

static const struct bad_vec bad[] = {
	{ "code without length", "06", BF_PXE_E_TRUNC },
	{ "value past the end", "06:01:00:09:29:00:00:0a:4c:6f", BF_PXE_E_TRUNC },
	{ "6 of length 2", "06:02:00:00:ff", BF_PXE_E_LEN },
	{ "6 of length 0", "06:00:ff", BF_PXE_E_LEN },
	{ "7 of length 3", "07:03:e0:00:01:ff", BF_PXE_E_LEN },
	{ "1 of length 5", "01:05:e0:00:01:01:00:ff", BF_PXE_E_LEN },
	{ "2 of length 1", "02:01:04:ff", BF_PXE_E_LEN },
	{ "4 of length 2", "04:02:01:01:ff", BF_PXE_E_LEN },
	{ "71 of length 2", "47:02:80:00:ff", BF_PXE_E_LEN },
	{ "10 empty", "0a:00:ff", BF_PXE_E_LEN },
	{ "menu text past the item list", "09:05:00:00:0a:4c:6f:ff", BF_PXE_E_LEN },
	{ "menu item header cut", "09:02:00:00:ff", BF_PXE_E_LEN },
	{ "server IPs past the list", "08:07:00:0d:02:c0:a8:c5:0c:ff", BF_PXE_E_LEN },
	{ "server header cut", "08:02:00:0d:ff", BF_PXE_E_LEN },
	/* seed 002's menu with its length byte off by one (0x28 for 41 bytes) */
	{ "seed menu length one short",
	  "09:28:00:00:0a:4c:6f:63:61:6c:20:62:6f:6f:74:00:0d:0a:6b:69:63:6b:20:73:74:61:72:74:"
	  "00:0e:0c:6e:65:74:77:6f:72:6b:20:62:6f:6f:74:ff",
	  BF_PXE_E_LEN },
	{ "9 IPs for one type",
	  "08:27:00:0d:09:c0:a8:00:01:c0:a8:00:01:c0:a8:00:01:c0:a8:00:01:c0:a8:00:01:"
	  "c0:a8:00:01:c0:a8:00:01:c0:a8:00:01:c0:a8:00:01:ff",
	  BF_PXE_E_LIMIT },
	{ "9 server types",
	  "08:1b:00:00:00:00:01:00:00:02:00:00:03:00:00:04:00:00:05:00:00:06:00:00:07:00:"
	  "00:08:00:ff",
	  BF_PXE_E_LIMIT },
	{ "17 menu items",
	  "09:33:00:00:00:00:01:00:00:02:00:00:03:00:00:04:00:00:05:00:00:06:00:00:07:00:00:08:00:"
	  "00:09:00:00:0a:00:00:0b:00:00:0c:00:00:0d:00:00:0e:00:00:0f:00:00:10:00:ff",
	  BF_PXE_E_LIMIT },
};

Test(pxe, bad_inputs)
{
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		uint8_t b[256];
		size_t n = hex(bad[i].hex, b, sizeof(b));
		struct bf_pxe_opts o;
		cr_expect_eq(bf_pxe_decode(&o, b, n), bad[i].err, "%s", bad[i].name);
	}
}

Test(pxe, limits_just_fit)
{
	uint8_t b[256];
	/* 8 types and 16 menu items are the most we keep, and are accepted. */
	size_t n = hex("08:18:00:00:00:00:01:00:00:02:00:00:03:00:00:04:00:00:05:00:00:06:00:"
		       "00:07:00:ff",
		       b, sizeof(b));
	struct bf_pxe_opts o;

	cr_assert_eq(bf_pxe_decode(&o, b, n), 0);
	cr_assert_eq(o.n_servers, 8);
	assert_encodes_to(&o, b, n);
}

Test(pxe, encode_rejects_bad_values)
{
	struct bf_pxe_opts o;
	uint8_t out[1024];

	memset(&o, 0, sizeof(o));
	o.n_servers = BF_PXE_MAX_SERVER_TYPES + 1;
	cr_assert_eq(bf_pxe_encode(&o, out, sizeof(out)), BF_PXE_E_VALUE);

	memset(&o, 0, sizeof(o));
	o.n_servers = 1;
	o.servers[0].n_ip = BF_PXE_MAX_SERVER_IPS + 1;
	cr_assert_eq(bf_pxe_encode(&o, out, sizeof(out)), BF_PXE_E_VALUE);

	/* 8 types x 8 IPs = 280 bytes: more than one sub-option can carry. */
	memset(&o, 0, sizeof(o));
	o.n_servers = 8;
	for (int i = 0; i < 8; i++)
		o.servers[i].n_ip = 8;
	cr_assert_eq(bf_pxe_encode(&o, out, sizeof(out)), BF_PXE_E_VALUE);

	memset(&o, 0, sizeof(o));
	o.n_menu = 2;
	o.menu[0].len = 200;
	o.menu[1].len = 60;
	cr_assert_eq(bf_pxe_encode(&o, out, sizeof(out)), BF_PXE_E_VALUE);

	memset(&o, 0, sizeof(o));
	o.n_menu = BF_PXE_MAX_MENU + 1;
	cr_assert_eq(bf_pxe_encode(&o, out, sizeof(out)), BF_PXE_E_VALUE);

	memset(&o, 0, sizeof(o));
	o.has_prompt = true;
	o.prompt_len = 255; /* plus the timeout byte would need length 256 */
	cr_assert_eq(bf_pxe_encode(&o, out, sizeof(out)), BF_PXE_E_VALUE);
	o.prompt_len = 254;
	cr_assert_eq(bf_pxe_encode(&o, out, sizeof(out)), 2 + 255 + 1);
	cr_assert_eq(out[1], 255);
}
