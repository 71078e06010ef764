/* SPDX-License-Identifier: MIT */
/*
 * DHCPv4 message codec: RFC 2131 (BOOTP header), RFC 2132 (options, 52
 * overload, 55 parameter request list, 57 maximum message size), RFC 3396
 * (long options: repeated codes concatenate, long values are split), RFC 3004
 * (user class), RFC 4578 (PXE options 93, 94, 97), RFC 3046 (relay agent
 * information, sub-option 5 of RFC 3527 link selection), RFC 1542 (300-byte
 * minimum BOOTP reply).
 */
#include "bf_dhcp4.h"

#include <string.h>

#include "bf_wire.h"

#define OFF_SNAME 44
#define OFF_FILE 108
#define LEN_SNAME 64
#define LEN_FILE 128
#define MIN_MAX_SIZE 576 /* RFC 2132 9.10: the smallest legal option 57 */

#define OVL_FILE 1
#define OVL_SNAME 2

enum area {
	AREA_MAIN,
	AREA_FILE,
	AREA_SNAME,
};

static void
set_bit(uint8_t *bm, uint8_t code)
{
	bm[code >> 3] |= (uint8_t)(1u << (code & 7));
}

static void
clr_bit(uint8_t *bm, uint8_t code)
{
	bm[code >> 3] &= (uint8_t) ~(1u << (code & 7));
}

static bool
has_bit(const uint8_t *bm, uint8_t code)
{
	return bm[code >> 3] & (1u << (code & 7));
}

/*
 * Walk one options area. Counting pass (copy false): validate the TLV
 * structure and sum each code's length. Copy pass: append each instance at
 * opt[code].off + opt[code].len, which the caller reset to 0 (RFC 3396: the
 * instances of a code concatenate in area order).
 */
static int
walk_area(struct bf_dhcp4_msg *m, const uint8_t *a, size_t n, enum area where, bool copy,
	  const uint8_t **ovl)
{
	struct bf_rd r;

	bf_rd_init(&r, a, n);
	for (;;) {
		if (bf_rd_left(&r) == 0)
			return BF_DHCP4_E_NOEND;
		uint8_t code = bf_rd_u8(&r);
		if (code == BF_O4_PAD)
			continue;
		if (code == BF_O4_END)
			return 0;
		uint8_t olen = bf_rd_u8(&r);
		const uint8_t *v = bf_rd_bytes(&r, olen);
		if (r.err)
			return BF_DHCP4_E_OPTLEN;
		if (code == BF_O4_OVERLOAD && where != AREA_MAIN)
			return BF_DHCP4_E_OVERLOAD;
		struct bf_dhcp4_optref *ref = &m->opt[code];
		if (!copy) {
			if (code == BF_O4_OVERLOAD && ovl)
				*ovl = v;
			/* Cannot wrap: the whole message is at most BF_DHCP4_MAX_LEN. */
			ref->len = (uint16_t)(ref->len + olen);
			set_bit(m->present, code);
			continue;
		}
		if (olen)
			memcpy(m->optdata + ref->off + ref->len, v, olen);
		ref->len = (uint16_t)(ref->len + olen);
	}
}

/* A value of exactly n bytes read as a big-endian number, else E_OPTVAL. */
static int
get_fixed(const struct bf_dhcp4_msg *m, uint8_t code, size_t n, uint32_t *out)
{
	size_t len;
	const uint8_t *v = bf_dhcp4_get(m, code, &len);
	struct bf_rd r;

	if (!v)
		return 0;
	if (len != n)
		return BF_DHCP4_E_OPTVAL;
	bf_rd_init(&r, v, len);
	if (n == 1)
		*out = bf_rd_u8(&r);
	else if (n == 2)
		*out = bf_rd_be16(&r);
	else
		*out = bf_rd_be32(&r);
	return r.err ? BF_DHCP4_E_OPTVAL : 0;
}

static bool
has_prefix(const uint8_t *v, size_t len, const char *pfx)
{
	size_t n = strlen(pfx);
	return len >= n && memcmp(v, pfx, n) == 0;
}

/* iPXE sends 77 as the raw bytes "iPXE"; RFC 3004 wants length-prefixed instances. */
static bool
user_class_is_ipxe(const uint8_t *v, size_t len)
{
	struct bf_rd r;

	if (len == 4 && memcmp(v, "iPXE", 4) == 0)
		return true;
	bf_rd_init(&r, v, len);
	while (bf_rd_left(&r) > 0) {
		uint8_t n = bf_rd_u8(&r);
		const uint8_t *s = bf_rd_bytes(&r, n);
		if (!s)
			return false;
		if (n == 4 && memcmp(s, "iPXE", 4) == 0)
			return true;
	}
	return false;
}

/* Relay agent information: sub-option 5 (RFC 3527 link selection). */
static int
relay_link_select(const uint8_t *v, size_t len, uint32_t *out)
{
	struct bf_rd r;

	bf_rd_init(&r, v, len);
	while (bf_rd_left(&r) > 0) {
		uint8_t sub = bf_rd_u8(&r);
		uint8_t n = bf_rd_u8(&r);
		struct bf_rd s = bf_rd_sub(&r, n);
		if (r.err)
			return BF_DHCP4_E_OPTVAL;
		if (sub != 5)
			continue;
		if (n != 4)
			return BF_DHCP4_E_OPTVAL;
		*out = bf_rd_be32(&s);
	}
	return 0;
}

static int
decode_identity(struct bf_dhcp4_msg *m)
{
	const uint8_t *v;
	size_t len;

	v = bf_dhcp4_get(m, BF_O4_CLIENT_ID, &len);
	if (v && (len < 2 || len > BF_DHCP4_MAX_CLIENT_ID))
		return BF_DHCP4_E_OPTVAL;
	v = bf_dhcp4_get(m, BF_O4_HOSTNAME, &len);
	if (v && (len < 1 || len > BF_DHCP4_MAX_HOSTNAME || memchr(v, 0, len)))
		return BF_DHCP4_E_OPTVAL;
	return 0;
}

static int
decode_pxe(struct bf_dhcp4_msg *m)
{
	const uint8_t *v;
	size_t len;
	struct bf_rd r;

	v = bf_dhcp4_get(m, BF_O4_CLIENT_ARCH, &len);
	if (v) {
		if (len < 2 || len % 2)
			return BF_DHCP4_E_OPTVAL;
		bf_rd_init(&r, v, len);
		while (bf_rd_left(&r) >= 2) {
			uint16_t a = bf_rd_be16(&r);
			if (m->n_arch < BF_DHCP4_MAX_ARCHS)
				m->arch[m->n_arch++] = a;
		}
	}
	v = bf_dhcp4_get(m, BF_O4_CLIENT_NII, &len);
	if (v) {
		if (len != 3)
			return BF_DHCP4_E_OPTVAL;
		bf_rd_init(&r, v, len);
		bf_rd_copy(&r, m->nii, 3);
	}
	v = bf_dhcp4_get(m, BF_O4_UUID, &len);
	if (v) {
		if (len != 17)
			return BF_DHCP4_E_OPTVAL;
		bf_rd_init(&r, v, len);
		if (bf_rd_u8(&r) == 0) {
			bf_rd_copy(&r, m->uuid, 16);
			m->has_uuid = true;
		}
	}
	v = bf_dhcp4_get(m, BF_O4_VENDOR_CLASS, &len);
	if (v) {
		m->is_pxe = has_prefix(v, len, "PXEClient");
		m->is_http = has_prefix(v, len, "HTTPClient");
	}
	v = bf_dhcp4_get(m, BF_O4_USER_CLASS, &len);
	if (v && user_class_is_ipxe(v, len))
		m->is_ipxe = true;
	if (bf_dhcp4_has(m, BF_O4_IPXE))
		m->is_ipxe = true;
	return 0;
}

static int
decode_options(struct bf_dhcp4_msg *m)
{
	uint32_t x = 0;
	int rc;

	if (!bf_dhcp4_has(m, BF_O4_MSG_TYPE))
		return BF_DHCP4_E_MSGTYPE;
	/* A repeated 53 has been concatenated to length 2 and fails here. */
	if (get_fixed(m, BF_O4_MSG_TYPE, 1, &x) || x < BF_DHCPDISCOVER || x > BF_DHCPINFORM)
		return BF_DHCP4_E_MSGTYPE;
	m->msg_type = (uint8_t)x;

	if ((rc = get_fixed(m, BF_O4_REQ_IP, 4, &m->req_ip)) ||
	    (rc = get_fixed(m, BF_O4_SERVER_ID, 4, &m->server_id)) ||
	    (rc = get_fixed(m, BF_O4_LEASE_TIME, 4, &m->lease_time)) ||
	    (rc = get_fixed(m, BF_O4_SUBNET_SELECT, 4, &m->subnet_select)))
		return rc;
	x = 0;
	if ((rc = get_fixed(m, BF_O4_MAX_SIZE, 2, &x)))
		return rc;
	if (bf_dhcp4_has(m, BF_O4_MAX_SIZE))
		m->max_size = (uint16_t)(x < MIN_MAX_SIZE ? MIN_MAX_SIZE : x);

	size_t len;
	const uint8_t *v = bf_dhcp4_get(m, BF_O4_RELAY_INFO, &len);
	if (v) {
		x = 0;
		if ((rc = relay_link_select(v, len, &x)))
			return rc;
		if (!bf_dhcp4_has(m, BF_O4_SUBNET_SELECT))
			m->subnet_select = x;
	}
	if ((rc = decode_identity(m)))
		return rc;
	return decode_pxe(m);
}

/* Walk the areas in RFC 3396 order: options, then file, then sname. */
static int
walk_all(struct bf_dhcp4_msg *m, const uint8_t *p, size_t len, bool copy)
{
	const uint8_t *ovl = NULL;
	int rc;

	rc = walk_area(m, p + BF_DHCP4_MIN_LEN, len - BF_DHCP4_MIN_LEN, AREA_MAIN, copy, &ovl);
	if (rc)
		return rc;
	if (!copy && ovl) {
		/* Length exactly 1 after concatenation: a repeated 52 is malformed. */
		if (m->opt[BF_O4_OVERLOAD].len != 1 || ovl[0] < 1 || ovl[0] > 3)
			return BF_DHCP4_E_OVERLOAD;
		m->overload = ovl[0];
	}
	if (m->overload & OVL_FILE) {
		rc = walk_area(m, p + OFF_FILE, LEN_FILE, AREA_FILE, copy, NULL);
		if (rc)
			return rc;
	}
	if (m->overload & OVL_SNAME) {
		rc = walk_area(m, p + OFF_SNAME, LEN_SNAME, AREA_SNAME, copy, NULL);
		if (rc)
			return rc;
	}
	return 0;
}

int
bf_dhcp4_parse(struct bf_dhcp4_msg *m, const uint8_t *p, size_t len)
{
	struct bf_rd r;
	int rc;

	memset(m, 0, sizeof(*m));
	if (len < BF_DHCP4_MIN_LEN || len > BF_DHCP4_MAX_LEN)
		return BF_DHCP4_E_SHORT;
	bf_rd_init(&r, p, len);
	m->op = bf_rd_u8(&r);
	m->htype = bf_rd_u8(&r);
	m->hlen = bf_rd_u8(&r);
	m->hops = bf_rd_u8(&r);
	m->xid = bf_rd_be32(&r);
	m->secs = bf_rd_be16(&r);
	m->flags = bf_rd_be16(&r);
	m->ciaddr = bf_rd_be32(&r);
	m->yiaddr = bf_rd_be32(&r);
	m->siaddr = bf_rd_be32(&r);
	m->giaddr = bf_rd_be32(&r);
	bf_rd_copy(&r, m->chaddr, sizeof(m->chaddr));
	bf_rd_copy(&r, m->sname, sizeof(m->sname));
	bf_rd_copy(&r, m->file, sizeof(m->file));
	uint32_t cookie = bf_rd_be32(&r);
	if (r.err)
		return BF_DHCP4_E_SHORT;
	if (m->hlen > sizeof(m->chaddr))
		return BF_DHCP4_E_HLEN;
	if (cookie != BF_DHCP4_COOKIE)
		return BF_DHCP4_E_COOKIE;

	rc = walk_all(m, p, len, false);
	if (rc)
		return rc;
	/* Lay the codes out back to back, then copy every instance in place. */
	size_t total = 0;
	for (unsigned c = 0; c < 256; c++) {
		if (!has_bit(m->present, (uint8_t)c))
			continue;
		if (m->opt[c].len > sizeof(m->optdata) - total)
			return BF_DHCP4_E_TOOLONG;
		m->opt[c].off = (uint16_t)total;
		total += m->opt[c].len;
		m->opt[c].len = 0;
	}
	m->optdata_len = (uint16_t)total;
	rc = walk_all(m, p, len, true);
	if (rc)
		return rc;
	return decode_options(m);
}

const uint8_t *
bf_dhcp4_get(const struct bf_dhcp4_msg *m, uint8_t code, size_t *len)
{
	if (!bf_dhcp4_has(m, code)) {
		*len = 0;
		return NULL;
	}
	*len = m->opt[code].len;
	return m->optdata + m->opt[code].off;
}

const char *
bf_dhcp4_strerror(int err)
{
	switch (err) {
	case BF_DHCP4_OK:
		return "ok";
	case BF_DHCP4_E_SHORT:
		return "message shorter than 240 bytes or longer than 4096";
	case BF_DHCP4_E_COOKIE:
		return "no magic cookie";
	case BF_DHCP4_E_OPTLEN:
		return "option runs past its area";
	case BF_DHCP4_E_NOEND:
		return "options area without END";
	case BF_DHCP4_E_MSGTYPE:
		return "message type (53) missing, repeated or invalid";
	case BF_DHCP4_E_OVERLOAD:
		return "bad option overload (52)";
	case BF_DHCP4_E_HLEN:
		return "hardware address length over 16";
	case BF_DHCP4_E_OPTVAL:
		return "option with a bad length or value";
	case BF_DHCP4_E_TOOLONG:
		return "concatenated options too long";
	default:
		return "unknown error";
	}
}

void
bf_dhcp4_optset_init(struct bf_dhcp4_optset *s)
{
	memset(s->present, 0, sizeof(s->present));
	memset(s->opt, 0, sizeof(s->opt));
	s->used = 0;
}

void
bf_dhcp4_optset_del(struct bf_dhcp4_optset *s, uint8_t code)
{
	if (!has_bit(s->present, code))
		return;
	/* Compact the data so replacing values never leaks space. */
	uint16_t off = s->opt[code].off, len = s->opt[code].len;
	memmove(s->data + off, s->data + off + len, (size_t)(s->used - off - len));
	s->used = (uint16_t)(s->used - len);
	for (unsigned c = 0; c < 256; c++)
		if (has_bit(s->present, (uint8_t)c) && s->opt[c].off > off)
			s->opt[c].off = (uint16_t)(s->opt[c].off - len);
	clr_bit(s->present, code);
	s->opt[code].off = 0;
	s->opt[code].len = 0;
}

int
bf_dhcp4_optset_put(struct bf_dhcp4_optset *s, uint8_t code, const void *v, size_t len)
{
	/* PAD and END are not options; 52 belongs to the builder. */
	if (code == BF_O4_PAD || code == BF_O4_END || code == BF_O4_OVERLOAD)
		return -1;
	size_t freed = has_bit(s->present, code) ? s->opt[code].len : 0;
	if (len > sizeof(s->data) - s->used + freed || (len && !v))
		return -1;
	bf_dhcp4_optset_del(s, code);
	if (len)
		memcpy(s->data + s->used, v, len);
	s->opt[code].off = s->used;
	s->opt[code].len = (uint16_t)len;
	s->used = (uint16_t)(s->used + len);
	set_bit(s->present, code);
	return 0;
}

int
bf_dhcp4_optset_put_u32(struct bf_dhcp4_optset *s, uint8_t code, uint32_t v_host)
{
	uint8_t b[4];

	bf_put_be32(b, v_host);
	return bf_dhcp4_optset_put(s, code, b, sizeof(b));
}

int
bf_dhcp4_optset_put_u8(struct bf_dhcp4_optset *s, uint8_t code, uint8_t v)
{
	return bf_dhcp4_optset_put(s, code, &v, 1);
}

/* Wire size of one option: RFC 3396 splits values into 255-byte instances. */
static size_t
opt_wire_size(size_t len)
{
	if (len == 0)
		return 2;
	return len + 2 * ((len + 254) / 255);
}

static void
emit_opt(struct bf_wr *w, const struct bf_dhcp4_optset *s, uint8_t code)
{
	const uint8_t *v = s->data + s->opt[code].off;
	size_t len = s->opt[code].len;

	do {
		size_t n = len > 255 ? 255 : len;
		bf_wr_u8(w, code);
		bf_wr_u8(w, (uint8_t)n);
		bf_wr_bytes(w, v, n);
		v += n;
		len -= n;
	} while (len);
}

struct plan {
	uint16_t n;
	uint8_t code[256];
	int8_t area[256]; /* enum area, or -1 when left out */
	size_t room[3];   /* bytes for options, END already reserved */
	uint8_t overload;
};

/* Place each option, in priority order, in the first area where it fits whole. */
static void
plan_place(struct plan *pl, const struct bf_dhcp4_optset *s, int n_areas)
{
	pl->overload = 0;
	for (unsigned i = 0; i < pl->n; i++) {
		size_t sz = opt_wire_size(s->opt[pl->code[i]].len);
		pl->area[i] = -1;
		for (int a = 0; a < n_areas; a++) {
			if (sz > pl->room[a])
				continue;
			pl->room[a] -= sz;
			pl->area[i] = (int8_t)a;
			if (a == AREA_FILE)
				pl->overload |= OVL_FILE;
			else if (a == AREA_SNAME)
				pl->overload |= OVL_SNAME;
			break;
		}
	}
}

static void
plan_order(struct plan *pl, const struct bf_dhcp4_optset *s, const uint8_t *prl, size_t prl_len)
{
	uint8_t seen[32] = {0};

	pl->n = 0;
	/* END and PAD are never in a set (put refuses them), so no check here. */
	/* 82 right after them: RFC 3046 2.2 makes the echo mandatory, and 53 + 54 +
	 * a 255-byte 82 always fit in 576, so nothing can push it out. */
	static const uint8_t first[] = {BF_O4_MSG_TYPE, BF_O4_SERVER_ID, BF_O4_RELAY_INFO};
	for (size_t i = 0; i < sizeof(first); i++) {
		if (has_bit(s->present, first[i])) {
			set_bit(seen, first[i]);
			pl->code[pl->n++] = first[i];
		}
	}
	for (size_t i = 0; prl && i < prl_len; i++) {
		uint8_t c = prl[i];
		if (c == BF_O4_PAD || c == BF_O4_END || !has_bit(s->present, c) || has_bit(seen, c))
			continue;
		set_bit(seen, c);
		pl->code[pl->n++] = c;
	}
	for (unsigned c = 1; c < 255; c++) {
		if (has_bit(s->present, (uint8_t)c) && !has_bit(seen, (uint8_t)c))
			pl->code[pl->n++] = (uint8_t)c;
	}
}

/* Options for one area, in plan order, then END. */
static void
emit_area(struct bf_wr *w, const struct plan *pl, const struct bf_dhcp4_optset *s, int area)
{
	int relay = -1;
	for (unsigned i = 0; i < pl->n; i++) {
		if (pl->area[i] != area)
			continue;
		if (pl->code[i] == BF_O4_RELAY_INFO) {
			relay = (int)i; /* RFC 3046 2.2: SHOULD be the last option */
			continue;
		}
		emit_opt(w, s, pl->code[i]);
	}
	if (relay >= 0)
		emit_opt(w, s, BF_O4_RELAY_INFO);
	if (area == AREA_MAIN && pl->overload) {
		bf_wr_u8(w, BF_O4_OVERLOAD);
		bf_wr_u8(w, 1);
		bf_wr_u8(w, pl->overload);
	}
	bf_wr_u8(w, BF_O4_END);
}

static void
wr_str_field(struct bf_wr *w, const char *str, size_t field)
{
	size_t n = strnlen(str, field - 1); /* always leave a terminating NUL */
	bf_wr_bytes(w, str, n);
	bf_wr_zero(w, field - n);
}

int
bf_dhcp4_build(uint8_t *out, size_t cap, const struct bf_dhcp4_hdr *hdr,
	       const struct bf_dhcp4_optset *s, const uint8_t *prl, size_t prl_len, size_t max_size)
{
	struct plan pl;
	struct bf_wr w;
	size_t limit = max_size < MIN_MAX_SIZE ? MIN_MAX_SIZE : max_size;

	if (limit > cap)
		limit = cap;
	if (limit < BF_DHCP4_MIN_LEN + 1)
		return -1;

	plan_order(&pl, s, prl, prl_len);
	pl.room[AREA_MAIN] = limit - BF_DHCP4_MIN_LEN - 1;
	plan_place(&pl, s, 1);
	bool all_fit = true;
	for (unsigned i = 0; i < pl.n; i++)
		all_fit = all_fit && pl.area[i] >= 0;

	bool file_free = hdr->file[0] == '\0', sname_free = hdr->sname[0] == '\0';
	if (!all_fit && (file_free || sname_free)) {
		struct plan ov = pl;
		size_t main_room = limit - BF_DHCP4_MIN_LEN - 1;
		/* Option 52 itself takes 3 bytes of the main area. */
		if (main_room >= 3) {
			ov.room[AREA_MAIN] = main_room - 3;
			/* An unusable area gets no room, keeping the area numbering. */
			ov.room[AREA_FILE] = file_free ? LEN_FILE - 1 : 0;
			ov.room[AREA_SNAME] = sname_free ? LEN_SNAME - 1 : 0;
			plan_place(&ov, s, 3);
			if (ov.overload)
				pl = ov;
		}
	}

	bf_wr_init(&w, out, limit);
	bf_wr_u8(&w, hdr->op);
	bf_wr_u8(&w, hdr->htype);
	bf_wr_u8(&w, hdr->hlen);
	bf_wr_u8(&w, hdr->hops);
	bf_wr_be32(&w, hdr->xid);
	bf_wr_be16(&w, hdr->secs);
	bf_wr_be16(&w, hdr->flags);
	bf_wr_be32(&w, hdr->ciaddr);
	bf_wr_be32(&w, hdr->yiaddr);
	bf_wr_be32(&w, hdr->siaddr);
	bf_wr_be32(&w, hdr->giaddr);
	bf_wr_bytes(&w, hdr->chaddr, sizeof(hdr->chaddr));
	wr_str_field(&w, hdr->sname, LEN_SNAME);
	wr_str_field(&w, hdr->file, LEN_FILE);
	bf_wr_be32(&w, BF_DHCP4_COOKIE);
	emit_area(&w, &pl, s, AREA_MAIN);
	if (w.err)
		return -1;

	if (pl.overload & OVL_FILE) {
		struct bf_wr f;
		bf_wr_init(&f, out + OFF_FILE, LEN_FILE);
		emit_area(&f, &pl, s, AREA_FILE);
		if (f.err)
			return -1;
	}
	if (pl.overload & OVL_SNAME) {
		struct bf_wr f;
		bf_wr_init(&f, out + OFF_SNAME, LEN_SNAME);
		emit_area(&f, &pl, s, AREA_SNAME);
		if (f.err)
			return -1;
	}

	/* RFC 1542: some relays and clients drop BOOTP messages under 300 bytes. */
	size_t pad_to = BF_DHCP4_BOOTP_MIN < limit ? BF_DHCP4_BOOTP_MIN : limit;
	if (w.off < pad_to)
		bf_wr_zero(&w, pad_to - w.off);
	if (w.err)
		return -1;
	return (int)w.off;
}
