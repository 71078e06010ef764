/* SPDX-License-Identifier: MIT */
/*
 * TFTP codec: RFC 1350 (protocol), RFC 2347 (option extension, OACK),
 * RFC 2348 (blksize), RFC 2349 (timeout, tsize), RFC 7440 (windowsize),
 * RFC 2090 (multicast: the request flag, and the OACK value "addr,port,mc"
 * built for the server and parsed for clients and tests).
 *
 * All wire access goes through bf_rd / bf_wr. The parsers keep no state and
 * allocate nothing; pointers they return point into the caller's packet.
 */
#include "bf_tftp.h"

#include <limits.h>
#include <string.h>

#include "bf_wire.h"

/* Longest decimal value accepted in an option (reject before converting). */
#define OPT_MAX_DIGITS 10

/*
 * Read a NUL-terminated string at the cursor. On success *s and *n describe it
 * (NUL excluded) and the cursor moves past the NUL. Returns false, leaving the
 * cursor where it was, when no NUL follows within the packet.
 */
static bool
rd_cstr(struct bf_rd *r, const char **s, size_t *n)
{
	size_t left = bf_rd_left(r);
	const uint8_t *start, *nul;

	if (left == 0)
		return false;
	start = r->p + r->off;
	nul = memchr(start, 0, left);
	if (!nul)
		return false;
	*n = (size_t)(nul - start);
	*s = (const char *)bf_rd_bytes(r, *n + 1);
	return *s != NULL;
}

/* True when every byte left at the cursor is zero (padding some clients add). */
static bool
rd_rest_zero(const struct bf_rd *r)
{
	size_t left = bf_rd_left(r);

	for (size_t i = 0; i < left; i++)
		if (r->p[r->off + i] != 0)
			return false;
	return true;
}

static int
ascii_lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

/* ASCII case-insensitive equality of s[0..n) with the lower-case literal lit. */
static bool
str_ieq(const char *s, size_t n, const char *lit)
{
	size_t ln = strlen(lit);

	if (n != ln)
		return false;
	for (size_t i = 0; i < n; i++)
		if (ascii_lower((unsigned char)s[i]) != lit[i])
			return false;
	return true;
}

/* Decimal digits only, 1..OPT_MAX_DIGITS of them. Returns 0 and *v, or -1. */
static int
parse_uint(const char *s, size_t n, uint64_t *v)
{
	uint64_t x = 0;

	if (n == 0 || n > OPT_MAX_DIGITS)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		x = x * 10 + (uint64_t)(s[i] - '0');
	}
	*v = x;
	return 0;
}

enum opt_id {
	OPT_BLKSIZE,
	OPT_TSIZE,
	OPT_TIMEOUT,
	OPT_WINDOWSIZE,
	OPT_MULTICAST,
	OPT__COUNT,
};

/* Recognised options: name, accepted range (tsize and multicast take any). */
static const struct opt_desc {
	const char *name;
	uint64_t min;
	uint64_t max;
	bool numeric;
} opt_table[OPT__COUNT] = {
	[OPT_BLKSIZE] = {"blksize", BF_TFTP_MIN_BLKSIZE, BF_TFTP_MAX_BLKSIZE, true},
	[OPT_TSIZE] = {"tsize", 0, UINT64_MAX, true},
	[OPT_TIMEOUT] = {"timeout", BF_TFTP_MIN_TIMEOUT, BF_TFTP_MAX_TIMEOUT, true},
	[OPT_WINDOWSIZE] = {"windowsize", 1, BF_TFTP_MAX_WINDOW, true},
	[OPT_MULTICAST] = {"multicast", 0, 0, false},
};

static void
req_bad_opt(struct bf_tftp_req *r)
{
	if (r->n_bad_opts < UINT8_MAX)
		r->n_bad_opts++;
}

/* Record one option. The first occurrence of an option decides, valid or not. */
static void
req_set_opt(struct bf_tftp_req *r, bool seen[OPT__COUNT], const char *name, size_t nlen,
	    const char *val, size_t vlen)
{
	int id = -1;
	uint64_t v = 0;

	for (int i = 0; i < OPT__COUNT; i++) {
		if (str_ieq(name, nlen, opt_table[i].name)) {
			id = i;
			break;
		}
	}
	if (id < 0 || seen[id])
		return; /* unknown or repeated: ignored */
	seen[id] = true;
	if (opt_table[id].numeric &&
	    (parse_uint(val, vlen, &v) != 0 || v < opt_table[id].min || v > opt_table[id].max)) {
		req_bad_opt(r);
		return;
	}
	switch (id) {
	case OPT_BLKSIZE:
		r->has_blksize = true;
		r->blksize = (uint16_t)v;
		break;
	case OPT_TSIZE:
		r->has_tsize = true;
		break;
	case OPT_TIMEOUT:
		r->has_timeout = true;
		r->timeout = (uint8_t)v;
		break;
	case OPT_WINDOWSIZE:
		r->has_windowsize = true;
		r->windowsize = (uint16_t)v;
		break;
	case OPT_MULTICAST:
		r->has_multicast = true;
		break;
	}
}

/*
 * Options are name\0value\0 pairs. Zero bytes after the last complete pair are
 * padding and accepted. An empty option name followed by anything non-zero is
 * a value without a name and rejected like a name without a value.
 */
static int
parse_opts(struct bf_tftp_req *r, struct bf_rd *rd)
{
	bool seen[OPT__COUNT] = {false};
	const char *name, *val;
	size_t nlen, vlen;

	while (bf_rd_left(rd) > 0) {
		if (rd_rest_zero(rd))
			return 0;
		if (!rd_cstr(rd, &name, &nlen))
			return BF_TFTP_E_NONUL;
		if (nlen == 0)
			return BF_TFTP_E_OPTION;
		if (bf_rd_left(rd) == 0)
			return BF_TFTP_E_OPTION;
		if (!rd_cstr(rd, &val, &vlen))
			return BF_TFTP_E_NONUL;
		req_set_opt(r, seen, name, nlen, val, vlen);
	}
	return 0;
}

int
bf_tftp_parse_req(struct bf_tftp_req *r, const uint8_t *p, size_t len)
{
	struct bf_rd rd;
	const char *name, *mode;
	size_t nlen, mlen;

	memset(r, 0, sizeof(*r));
	if (len > BF_TFTP_MAX_REQ)
		return BF_TFTP_E_TOOLONG;
	bf_rd_init(&rd, p, len);
	r->opcode = bf_rd_be16(&rd);
	if (rd.err)
		return BF_TFTP_E_SHORT;
	if (r->opcode != BF_TFTP_RRQ && r->opcode != BF_TFTP_WRQ)
		return BF_TFTP_E_OPCODE;

	if (!rd_cstr(&rd, &name, &nlen))
		return BF_TFTP_E_NONUL;
	if (nlen == 0 || nlen > BF_TFTP_MAX_NAME)
		return BF_TFTP_E_NAME;
	memcpy(r->name, name, nlen);
	r->name[nlen] = '\0';
	r->name_len = (uint16_t)nlen;

	if (!rd_cstr(&rd, &mode, &mlen))
		return BF_TFTP_E_NONUL;
	if (str_ieq(mode, mlen, "octet"))
		r->mode = BF_TFTP_MODE_OCTET;
	else if (str_ieq(mode, mlen, "netascii"))
		r->mode = BF_TFTP_MODE_NETASCII;
	else
		return BF_TFTP_E_MODE;

	return parse_opts(r, &rd);
}

/*
 * For OACK the option bytes after the opcode are returned in data/data_len
 * (a server never needs them parsed). An ERROR without a message gets an
 * empty string constant, not a pointer one past the packet.
 */
int
bf_tftp_parse_pkt(struct bf_tftp_pkt *t, const uint8_t *p, size_t len)
{
	struct bf_rd rd;
	size_t left;

	memset(t, 0, sizeof(*t));
	bf_rd_init(&rd, p, len);
	t->opcode = bf_rd_be16(&rd);
	if (rd.err)
		return BF_TFTP_E_SHORT;

	switch (t->opcode) {
	case BF_TFTP_DATA:
	case BF_TFTP_ACK:
		t->block = bf_rd_be16(&rd);
		if (rd.err)
			return BF_TFTP_E_SHORT;
		if (t->opcode == BF_TFTP_DATA) {
			t->data_len = bf_rd_left(&rd);
			t->data = bf_rd_bytes(&rd, t->data_len);
		}
		return 0; /* bytes after an ACK's block number are ignored */
	case BF_TFTP_ERROR:
		t->error_code = bf_rd_be16(&rd);
		if (rd.err)
			return BF_TFTP_E_SHORT;
		left = bf_rd_left(&rd);
		if (left == 0) {
			t->error_msg = "";
			return 0;
		}
		t->error_msg = (const char *)bf_rd_bytes(&rd, left);
		const char *nul = memchr(t->error_msg, 0, left);
		t->error_msg_len = nul ? (size_t)(nul - t->error_msg) : left;
		return 0;
	case BF_TFTP_OACK:
		t->data_len = bf_rd_left(&rd);
		t->data = bf_rd_bytes(&rd, t->data_len);
		return 0;
	default: /* 0, > 6, and RRQ/WRQ (those go through bf_tftp_parse_req) */
		return BF_TFTP_E_OPCODE;
	}
}

/* Number of decimal digits in v (1 for 0). */
static size_t
dec_len(uint64_t v)
{
	size_t n = 1;

	while (v >= 10) {
		v /= 10;
		n++;
	}
	return n;
}

static void
wr_dec(struct bf_wr *w, uint64_t v)
{
	size_t n = dec_len(v);
	uint8_t *q = bf_wr_reserve(w, n);

	if (!q)
		return;
	while (n > 0) {
		q[--n] = (uint8_t)('0' + v % 10);
		v /= 10;
	}
}

/* One OACK entry per accepted option, in this order. */
struct oack_ent {
	const char *name;
	uint64_t val;
};

static size_t
oack_ents(const struct bf_tftp_oack *o, struct oack_ent e[4])
{
	size_t n = 0;

	if (o->blksize)
		e[n++] = (struct oack_ent){"blksize", o->blksize_val};
	if (o->tsize)
		e[n++] = (struct oack_ent){"tsize", o->tsize_val};
	if (o->timeout)
		e[n++] = (struct oack_ent){"timeout", o->timeout_val};
	if (o->windowsize)
		e[n++] = (struct oack_ent){"windowsize", o->windowsize_val};
	return n;
}

/* The RFC 2090 value "a.b.c.d,port,mc" (addr and port empty when 0) into
 * buf (BF_TFTP_MC_MAX + 1 bytes); returns its length. */
static size_t
mc_value(const struct bf_tftp_oack *o, char buf[BF_TFTP_MC_MAX + 1])
{
	struct bf_wr w;

	bf_wr_init(&w, (uint8_t *)buf, BF_TFTP_MC_MAX);
	if (o->mc_addr) {
		for (int i = 3; i >= 0; i--) {
			wr_dec(&w, (o->mc_addr >> (8 * i)) & 0xff);
			if (i)
				bf_wr_u8(&w, '.');
		}
	}
	bf_wr_u8(&w, ',');
	if (o->mc_port)
		wr_dec(&w, o->mc_port);
	bf_wr_u8(&w, ',');
	bf_wr_u8(&w, o->mc_master ? '1' : '0');
	buf[w.off] = '\0'; /* at most 23 bytes: always fits */
	return w.off;
}

size_t
bf_tftp_oack_len(const struct bf_tftp_oack *o)
{
	struct oack_ent e[4];
	size_t n = oack_ents(o, e);
	size_t len = 2;

	for (size_t i = 0; i < n; i++)
		len += strlen(e[i].name) + 1 + dec_len(e[i].val) + 1;
	if (o->multicast) {
		char v[BF_TFTP_MC_MAX + 1];
		len += sizeof("multicast") + mc_value(o, v) + 1;
	}
	return len;
}

int
bf_tftp_build_oack(uint8_t *out, size_t cap, const struct bf_tftp_oack *o)
{
	struct oack_ent e[4];
	size_t n = oack_ents(o, e);
	struct bf_wr w;

	bf_wr_init(&w, out, cap);
	bf_wr_be16(&w, BF_TFTP_OACK);
	for (size_t i = 0; i < n; i++) {
		bf_wr_bytes(&w, e[i].name, strlen(e[i].name) + 1);
		wr_dec(&w, e[i].val);
		bf_wr_u8(&w, 0);
	}
	if (o->multicast) {
		char v[BF_TFTP_MC_MAX + 1];
		size_t vl = mc_value(o, v);
		bf_wr_bytes(&w, "multicast", sizeof("multicast"));
		bf_wr_bytes(&w, v, vl + 1);
	}
	if (w.err || w.off > INT_MAX)
		return -1;
	return (int)w.off;
}

/* Digits only, 1..maxd of them, no leading zero unless the number is 0. */
static int
mc_num(const char *s, size_t n, size_t maxd, uint64_t *v)
{
	if (n == 0 || n > maxd || (n > 1 && s[0] == '0'))
		return -1;
	return parse_uint(s, n, v);
}

static int
parse_mc(const char *s, size_t n, struct bf_tftp_mc *out)
{
	const char *c1, *c2;
	uint64_t v;

	memset(out, 0, sizeof(*out));
	if (!s || n == 0 || n > BF_TFTP_MC_MAX)
		return -1;
	c1 = memchr(s, ',', n);
	if (!c1)
		return -1;
	c2 = memchr(c1 + 1, ',', n - (size_t)(c1 + 1 - s));
	if (!c2)
		return -1;
	/* addr: empty, or four decimal octets */
	size_t alen = (size_t)(c1 - s);
	if (alen) {
		const char *p = s;
		uint32_t a = 0;
		for (int i = 0; i < 4; i++) {
			size_t left = (size_t)(c1 - p);
			const char *dot = i < 3 ? memchr(p, '.', left) : NULL;
			size_t dl = i < 3 ? (dot ? (size_t)(dot - p) : left + 1) : left;
			if (dl > left || mc_num(p, dl, 3, &v) != 0 || v > 255)
				return -1;
			a = a << 8 | (uint32_t)v;
			p += dl + (i < 3);
		}
		out->has_addr = true;
		out->addr = a;
	}
	/* port: empty, or 1..65535 */
	size_t plen = (size_t)(c2 - c1 - 1);
	if (plen) {
		if (mc_num(c1 + 1, plen, 5, &v) != 0 || v == 0 || v > 65535)
			return -1;
		out->has_port = true;
		out->port = (uint16_t)v;
	}
	/* mc: exactly "0" or "1", nothing after it */
	if ((size_t)(s + n - (c2 + 1)) != 1 || (c2[1] != '0' && c2[1] != '1'))
		return -1;
	out->master = c2[1] == '1';
	return 0;
}

/* On failure nothing half-parsed is left behind. */
int
bf_tftp_parse_mc(const char *s, size_t n, struct bf_tftp_mc *out)
{
	if (parse_mc(s, n, out) == 0)
		return 0;
	memset(out, 0, sizeof(*out));
	return -1;
}

int
bf_tftp_build_error(uint8_t *out, size_t cap, uint16_t code, const char *msg)
{
	struct bf_wr w;

	if (!msg)
		msg = "";
	bf_wr_init(&w, out, cap);
	bf_wr_be16(&w, BF_TFTP_ERROR);
	bf_wr_be16(&w, code);
	bf_wr_bytes(&w, msg, strlen(msg) + 1);
	if (w.err || w.off > INT_MAX)
		return -1;
	return (int)w.off;
}

void
bf_tftp_data_hdr(uint8_t out[4], uint16_t block)
{
	bf_put_be16(out, BF_TFTP_DATA);
	bf_put_be16(out + 2, block);
}

void
bf_tftp_build_ack(uint8_t out[4], uint16_t block)
{
	bf_put_be16(out, BF_TFTP_ACK);
	bf_put_be16(out + 2, block);
}

static bool
name_byte_ok(uint8_t c)
{
	return c >= 0x20 && c != 0x7f && c != '\\';
}

/*
 * Component by component: empty components (leading, doubled or trailing
 * slashes) and "." components vanish wherever they are, so "./x", "/./x",
 * "a/./b" and "a//b" become "x", "x", "a/b", "a/b". A ".." component anywhere
 * rejects the name. A slash after a kept component is kept, so "boot/",
 * "boot//" and "boot/." all become "boot/" (a directory, never an image).
 */
int
bf_tftp_canon_name(const char *in, size_t in_len, char *out, size_t cap)
{
	struct bf_wr w;
	size_t i = 0;

	if (cap == 0)
		return -1;
	out[0] = '\0';
	for (size_t k = 0; k < in_len; k++)
		if (!name_byte_ok((uint8_t)in[k]))
			return -1;

	bf_wr_init(&w, out, cap - 1); /* room for the NUL */
	while (i < in_len) {
		size_t start, clen;

		while (i < in_len && in[i] == '/')
			i++;
		start = i;
		while (i < in_len && in[i] != '/')
			i++;
		clen = i - start;
		if (clen == 0 || (clen == 1 && in[start] == '.'))
			continue;
		if (clen == 2 && in[start] == '.' && in[start + 1] == '.')
			goto fail;
		bf_wr_bytes(&w, in + start, clen);
		if (i < in_len)
			bf_wr_u8(&w, '/');
	}
	if (w.err || w.off == 0 || w.off > INT_MAX)
		goto fail;
	out[w.off] = '\0';
	return (int)w.off;
fail:
	out[0] = '\0'; /* never leave a partial name behind */
	return -1;
}
