/* SPDX-License-Identifier: MIT */
/*
 * DHCPv6 message codec: RFC 8415 (7 constants, 8 client/server message
 * format, 9 relay message format, 10 names, 11 DUIDs, 16 message
 * validation, 19 relay agent behaviour, 21 options), RFC 3646 (23, 24),
 * RFC 4649 (37), RFC 5970 (59-62), RFC 6939 (79), RFC 6355 (DUID-UUID).
 *
 * Every read goes through struct bf_rd: an option's body is a child cursor,
 * so nothing in it can reach past the option, and nested options (IA ->
 * IAADDR / IAPREFIX -> STATUS_CODE) are walked with the same bounded cursor
 * at a fixed depth, never by recursion. Relay nesting is walked iteratively.
 */
#include "bf_dhcp6.h"

#include <string.h>

#include "bf_wire.h"

/* Sizes of fixed parts (RFC 8415 21.4, 21.5, 21.6, 21.21, 21.22, 21.13). */
#define IA_NA_FIXED 12    /* IAID, T1, T2 */
#define IA_TA_FIXED 4     /* IAID */
#define IAADDR_FIXED 24   /* address, preferred, valid */
#define IAPREFIX_FIXED 25 /* preferred, valid, prefix-length, prefix */
#define STATUS_FIXED 2
#define VENDOR_FIXED 4 /* enterprise number */
#define MAX_LABEL 63   /* RFC 1035 2.3.4 */
#define MAX_NAME 255

static void
set_bit(uint8_t *bm, uint16_t code)
{
	bm[code >> 3] |= (uint8_t)(1u << (code & 7));
}

/* The rest of a cursor as a span, consuming it. */
static struct bf_dhcp6_span
rest(struct bf_rd *v)
{
	struct bf_dhcp6_span s;

	s.len = bf_rd_left(v);
	s.p = bf_rd_bytes(v, s.len);
	if (!s.p)
		s.len = 0;
	return s;
}

/*
 * One option header and its body as a child cursor. False at the end of r;
 * on a truncated header or a body past the end of r, r->err is set.
 */
static bool
next_opt(struct bf_rd *r, uint16_t *code, struct bf_rd *body)
{
	if (bf_rd_left(r) == 0)
		return false;
	*code = bf_rd_be16(r);
	uint16_t len = bf_rd_be16(r);
	*body = bf_rd_sub(r, len);
	return !r->err;
}

/*
 * One 2-byte-length-prefixed item (user class, vendor class, bootfile
 * parameter). False at the end of r; an item past the end sets r->err.
 */
static bool
next_item(struct bf_rd *r, struct bf_dhcp6_span *it)
{
	if (bf_rd_left(r) == 0)
		return false;
	uint16_t n = bf_rd_be16(r);
	it->p = bf_rd_bytes(r, n);
	it->len = n;
	return !r->err;
}

static bool
starts_with(struct bf_dhcp6_span s, const char *pfx)
{
	size_t n = strlen(pfx);
	return s.len >= n && memcmp(s.p, pfx, n) == 0;
}

/* STATUS_CODE body (RFC 8415 21.13): code, then a UTF-8 message. */
static int
dec_status_body(struct bf_rd *v, uint16_t *status, struct bf_dhcp6_span *msg)
{
	if (bf_rd_left(v) < STATUS_FIXED)
		return BF_DHCP6_E_OPTVAL;
	*status = bf_rd_be16(v);
	*msg = rest(v);
	return 0;
}

/* IAADDR (21.6) or IAPREFIX (21.22), with its own options walked flat. */
static int
dec_iaaddr(struct bf_dhcp6_iaaddr *a, uint16_t code, struct bf_rd *v)
{
	memset(a, 0, sizeof(*a));
	if (code == BF_O6_IAADDR) {
		if (bf_rd_left(v) < IAADDR_FIXED)
			return BF_DHCP6_E_OPTVAL;
		bf_rd_copy(v, a->addr, 16);
		a->preferred = bf_rd_be32(v);
		a->valid = bf_rd_be32(v);
		a->plen = 128;
	} else {
		if (bf_rd_left(v) < IAPREFIX_FIXED)
			return BF_DHCP6_E_OPTVAL;
		a->preferred = bf_rd_be32(v);
		a->valid = bf_rd_be32(v);
		a->plen = bf_rd_u8(v);
		bf_rd_copy(v, a->addr, 16);
		if (a->plen > 128)
			return BF_DHCP6_E_OPTVAL;
	}
	/* 21.6, 21.22: preferred over valid is discarded by the receiver. */
	if (a->preferred > a->valid)
		return BF_DHCP6_E_OPTVAL;

	uint16_t sc;
	struct bf_rd s;
	while (next_opt(v, &sc, &s)) {
		if (sc != BF_O6_STATUS_CODE)
			continue;
		if (a->has_status)
			return BF_DHCP6_E_DUP;
		a->has_status = true;
		int rc = dec_status_body(&s, &a->status, &a->status_msg);
		if (rc)
			return rc;
	}
	return v->err ? BF_DHCP6_E_OPTLEN : 0;
}

/* Body of an IA_NA, IA_TA or IA_PD into ia (one level of nesting). */
static int
dec_ia_body(struct bf_dhcp6_ia *ia, uint16_t code, struct bf_rd *v)
{
	memset(ia, 0, sizeof(*ia));
	ia->type = code;
	ia->iaid = bf_rd_be32(v);
	if (code != BF_O6_IA_TA) {
		ia->t1 = bf_rd_be32(v);
		ia->t2 = bf_rd_be32(v);
	}
	if (v->err)
		return BF_DHCP6_E_OPTVAL;
	/* 21.4, 21.21: T1 > T2 (both set) makes the IA invalid. */
	if (ia->t1 && ia->t2 && ia->t1 > ia->t2)
		return BF_DHCP6_E_OPTVAL;

	uint16_t want = code == BF_O6_IA_PD ? BF_O6_IAPREFIX : BF_O6_IAADDR;
	uint16_t sc;
	struct bf_rd s;
	while (next_opt(v, &sc, &s)) {
		int rc = 0;
		if (sc == BF_O6_STATUS_CODE) {
			if (ia->has_status)
				return BF_DHCP6_E_DUP;
			ia->has_status = true;
			rc = dec_status_body(&s, &ia->status, &ia->status_msg);
		} else if (sc == want) {
			if (ia->n_addr == BF_DHCP6_MAX_ADDRS)
				return BF_DHCP6_E_TOOMANY;
			rc = dec_iaaddr(&ia->addr[ia->n_addr++], sc, &s);
		}
		/* Anything else (an IAADDR in an IA_PD, ...) is ignored (RFC 8415 16). */
		if (rc)
			return rc;
	}
	return v->err ? BF_DHCP6_E_OPTLEN : 0;
}

static int
dec_ia(struct bf_dhcp6_msg *m, uint16_t code, struct bf_rd *v)
{
	struct bf_dhcp6_ia over; /* scratch for an IA over the cap */
	struct bf_dhcp6_ia *arr;
	uint8_t *n;

	if (code == BF_O6_IA_NA) {
		arr = m->ia_na;
		n = &m->n_ia_na;
	} else if (code == BF_O6_IA_TA) {
		arr = m->ia_ta;
		n = &m->n_ia_ta;
	} else {
		arr = m->ia_pd;
		n = &m->n_ia_pd;
	}
	m->n_ia_seen++;
	/* Over the cap: still checked and counted; parse returns E_TOOMANY at the end. */
	struct bf_dhcp6_ia *ia = *n < BF_DHCP6_MAX_IA ? &arr[*n] : &over;
	int rc = dec_ia_body(ia, code, v);
	if (rc)
		return rc;
	if (ia == &over)
		return 0;
	/* 21.4: an IAID names one IA of its type; a repeat would alias two bindings. */
	for (unsigned i = 0; i < *n; i++)
		if (arr[i].iaid == ia->iaid)
			return BF_DHCP6_E_DUP;
	(*n)++;
	return 0;
}

static int
dec_duid(struct bf_dhcp6_msg *m, uint16_t code, struct bf_rd *v)
{
	if (code == BF_O6_CLIENTID)
		m->client_id = rest(v);
	else
		m->server_id = rest(v);
	return 0;
}

static int
dec_oro(struct bf_dhcp6_msg *m, uint16_t code, struct bf_rd *v)
{
	(void)code;
	m->oro = rest(v);
	m->n_oro = (uint16_t)(m->oro.len / 2);
	return 0;
}

static int
dec_preference(struct bf_dhcp6_msg *m, uint16_t code, struct bf_rd *v)
{
	(void)code;
	m->preference = bf_rd_u8(v);
	return 0;
}

static int
dec_elapsed(struct bf_dhcp6_msg *m, uint16_t code, struct bf_rd *v)
{
	(void)code;
	m->elapsed = bf_rd_be16(v);
	return 0;
}

static int
dec_rapid(struct bf_dhcp6_msg *m, uint16_t code, struct bf_rd *v)
{
	(void)code;
	(void)v;
	m->rapid_commit = true;
	return 0;
}

static int
dec_status(struct bf_dhcp6_msg *m, uint16_t code, struct bf_rd *v)
{
	(void)code;
	return dec_status_body(v, &m->status, &m->status_msg);
}

/* 21.15: user-class-len + opaque items filling the option exactly. */
static int
dec_user_class(struct bf_dhcp6_msg *m, uint16_t code, struct bf_rd *v)
{
	struct bf_dhcp6_span it;

	(void)code;
	while (next_item(v, &it)) {
		if (it.len == 4 && memcmp(it.p, "iPXE", 4) == 0)
			m->is_ipxe = true;
		if (m->n_user_class < BF_DHCP6_MAX_ITEMS)
			m->user_class[m->n_user_class++] = it;
	}
	return v->err ? BF_DHCP6_E_OPTVAL : 0;
}

/* 21.16 / 21.17: one instance per enterprise number. */
static int
dec_vendor(struct bf_dhcp6_msg *m, uint16_t code, struct bf_rd *v)
{
	struct bf_dhcp6_vendor tmp;
	struct bf_dhcp6_vendor *arr;
	uint8_t *n;

	if (code == BF_O6_VENDOR_CLASS) {
		arr = m->vendor_class;
		n = &m->n_vendor_class;
	} else {
		arr = m->vendor_opts;
		n = &m->n_vendor_opts;
	}
	memset(&tmp, 0, sizeof(tmp));
	tmp.enterprise = bf_rd_be32(v);
	tmp.data = rest(v);

	struct bf_rd d;
	bf_rd_init(&d, tmp.data.p, tmp.data.len);
	if (code == BF_O6_VENDOR_CLASS) {
		struct bf_dhcp6_span it;
		while (next_item(&d, &it)) {
			m->is_pxe = m->is_pxe || starts_with(it, "PXEClient");
			m->is_http = m->is_http || starts_with(it, "HTTPClient");
			if (tmp.n_items < BF_DHCP6_MAX_VITEMS)
				tmp.item[tmp.n_items++] = it;
		}
	} else {
		/* Vendor-specific sub-options: code, length, data (21.17). */
		uint16_t sc;
		struct bf_rd s;
		while (next_opt(&d, &sc, &s))
			;
	}
	if (d.err)
		return BF_DHCP6_E_OPTVAL;
	for (unsigned i = 0; i < *n; i++)
		if (arr[i].enterprise == tmp.enterprise)
			return BF_DHCP6_E_DUP;
	if (*n < BF_DHCP6_MAX_VCLASS)
		arr[(*n)++] = tmp;
	return 0;
}

static int
dec_arch(struct bf_dhcp6_msg *m, uint16_t code, struct bf_rd *v)
{
	(void)code;
	while (bf_rd_left(v) >= 2) {
		uint16_t a = bf_rd_be16(v);
		if (m->n_arch < BF_DHCP6_MAX_ARCHS)
			m->arch[m->n_arch++] = a;
	}
	return 0;
}

static int
dec_nii(struct bf_dhcp6_msg *m, uint16_t code, struct bf_rd *v)
{
	(void)code;
	bf_rd_copy(v, m->nii, sizeof(m->nii));
	return 0;
}

static int
dec_lladdr(struct bf_dhcp6_msg *m, uint16_t code, struct bf_rd *v)
{
	(void)code;
	m->lltype = bf_rd_be16(v);
	m->lladdr = rest(v);
	return 0;
}

static int
dec_url(struct bf_dhcp6_msg *m, uint16_t code, struct bf_rd *v)
{
	(void)code;
	m->bootfile_url = rest(v);
	return 0;
}

/* RFC 5970 3.2: param-len + parameter, filling the option exactly. */
static int
dec_bootfile_param(struct bf_dhcp6_msg *m, uint16_t code, struct bf_rd *v)
{
	struct bf_dhcp6_span it;
	struct bf_rd d;

	(void)code;
	m->bootfile_param = rest(v);
	bf_rd_init(&d, m->bootfile_param.p, m->bootfile_param.len);
	while (next_item(&d, &it))
		;
	return d.err ? BF_DHCP6_E_OPTVAL : 0;
}

static int
dec_dns(struct bf_dhcp6_msg *m, uint16_t code, struct bf_rd *v)
{
	(void)code;
	m->dns = rest(v);
	return 0;
}

/*
 * RFC 8415 10: a list of complete, uncompressed names. Labels 1..63 bytes
 * (a compression pointer, 0xC0.., is over 63), names at most 255 bytes, no
 * root-only name (the encoder never makes one), nothing after the last name.
 */
static int
dec_domains(struct bf_dhcp6_msg *m, uint16_t code, struct bf_rd *v)
{
	struct bf_rd d;

	(void)code;
	m->domains = rest(v);
	bf_rd_init(&d, m->domains.p, m->domains.len);
	while (bf_rd_left(&d) > 0) {
		size_t name = 0;
		for (;;) {
			uint8_t l = bf_rd_u8(&d);
			if (d.err || l > MAX_LABEL || (l == 0 && name == 0))
				return BF_DHCP6_E_OPTVAL;
			name += 1u + l;
			if (name > MAX_NAME)
				return BF_DHCP6_E_OPTVAL;
			if (l == 0)
				break;
			bf_rd_skip(&d, l);
		}
	}
	return d.err ? BF_DHCP6_E_OPTVAL : 0;
}

static int
dec_info_refresh(struct bf_dhcp6_msg *m, uint16_t code, struct bf_rd *v)
{
	(void)code;
	m->info_refresh = bf_rd_be32(v);
	return 0;
}

/* How each option the codec knows is checked and decoded. */
struct rule {
	uint16_t min, max; /* body length bounds */
	uint8_t mult;      /* body length a multiple of this (0 = any) */
	bool once;         /* a second instance is malformed */
	int8_t len_err;    /* error for a bad length (0 = E_OPTVAL) */
	int (*decode)(struct bf_dhcp6_msg *m, uint16_t code, struct bf_rd *v);
};

#define ANY 0xffff

static const struct rule rules[128] = {
    /* 11.1: a DUID is a 2-byte type and at most 128 more bytes. */
    [BF_O6_CLIENTID] = {BF_DHCP6_DUID_MIN, BF_DHCP6_DUID_MAX, 0, true, BF_DHCP6_E_DUID, dec_duid},
    [BF_O6_SERVERID] = {BF_DHCP6_DUID_MIN, BF_DHCP6_DUID_MAX, 0, true, BF_DHCP6_E_DUID, dec_duid},
    [BF_O6_IA_NA] = {IA_NA_FIXED, ANY, 0, false, 0, dec_ia},
    [BF_O6_IA_TA] = {IA_TA_FIXED, ANY, 0, false, 0, dec_ia},
    [BF_O6_IA_PD] = {IA_NA_FIXED, ANY, 0, false, 0, dec_ia},
    [BF_O6_ORO] = {0, ANY, 2, true, 0, dec_oro},                             /* 21.7 */
    [BF_O6_PREFERENCE] = {1, 1, 0, true, 0, dec_preference},                 /* 21.8 */
    [BF_O6_ELAPSED_TIME] = {2, 2, 0, true, 0, dec_elapsed},                  /* 21.9 */
    [BF_O6_STATUS_CODE] = {STATUS_FIXED, ANY, 0, true, 0, dec_status},       /* 21.13 */
    [BF_O6_RAPID_COMMIT] = {0, 0, 0, true, 0, dec_rapid},                    /* 21.14 */
    [BF_O6_USER_CLASS] = {2, ANY, 0, true, 0, dec_user_class},               /* 21.15 */
    [BF_O6_VENDOR_CLASS] = {VENDOR_FIXED, ANY, 0, false, 0, dec_vendor},     /* 21.16 */
    [BF_O6_VENDOR_OPTS] = {VENDOR_FIXED, ANY, 0, false, 0, dec_vendor},      /* 21.17 */
    [BF_O6_DNS_SERVERS] = {16, ANY, 16, true, 0, dec_dns},                   /* RFC 3646 3 */
    [BF_O6_DOMAIN_LIST] = {1, ANY, 0, true, 0, dec_domains},                 /* RFC 3646 4 */
    [BF_O6_INFORMATION_REFRESH_TIME] = {4, 4, 0, true, 0, dec_info_refresh}, /* 21.23 */
    [BF_O6_BOOTFILE_URL] = {1, ANY, 0, true, 0, dec_url},                    /* RFC 5970 3.1 */
    [BF_O6_BOOTFILE_PARAM] = {2, ANY, 0, true, 0, dec_bootfile_param},       /* 3.2 */
    [BF_O6_CLIENT_ARCH_TYPE] = {2, ANY, 2, true, 0, dec_arch},               /* 3.3 */
    [BF_O6_NII] = {3, 3, 0, true, 0, dec_nii},                               /* 3.4 */
    [BF_O6_CLIENT_LINKLAYER_ADDR] = {3, 2 + BF_DHCP6_MAX_LLADDR, 0, true, 0, dec_lladdr},
};

int
bf_dhcp6_parse(struct bf_dhcp6_msg *m, const uint8_t *p, size_t len)
{
	struct bf_rd r, v;
	uint16_t code;

	memset(m, 0, sizeof(*m));
	if (!p || len < BF_DHCP6_HDR_LEN || len > BF_DHCP6_MAX_LEN)
		return BF_DHCP6_E_LEN;
	bf_rd_init(&r, p, len);
	m->type = bf_rd_u8(&r);
	m->xid = (uint32_t)bf_rd_be16(&r) << 8;
	m->xid |= bf_rd_u8(&r);
	/* Relay messages have another header (9): bf_dhcp6_parse_relay. */
	if (m->type < BF_DHCP6_SOLICIT || m->type > BF_DHCP6_INFORMATION_REQUEST)
		return BF_DHCP6_E_TYPE;

	while (next_opt(&r, &code, &v)) {
		if (code >= 128 || !rules[code].decode)
			continue; /* unknown, or not ours to use here: ignored (RFC 8415 16) */
		const struct rule *ru = &rules[code];
		size_t olen = bf_rd_left(&v);
		if (ru->once && bf_dhcp6_has(m, code))
			return BF_DHCP6_E_DUP;
		if (olen < ru->min || olen > ru->max || (ru->mult && olen % ru->mult))
			return ru->len_err ? ru->len_err : BF_DHCP6_E_OPTVAL;
		set_bit(m->present, code);
		int rc = ru->decode(m, code, &v);
		if (rc)
			return rc;
		if (v.err)
			return BF_DHCP6_E_OPTVAL;
	}
	if (r.err)
		return BF_DHCP6_E_OPTLEN;
	if (m->n_ia_seen > (unsigned)m->n_ia_na + m->n_ia_ta + m->n_ia_pd)
		return BF_DHCP6_E_TOOMANY;
	return 0;
}

int
bf_dhcp6_check_client(const struct bf_dhcp6_msg *m)
{
	bool cid = bf_dhcp6_has(m, BF_O6_CLIENTID);
	bool sid = bf_dhcp6_has(m, BF_O6_SERVERID);

	switch (m->type) {
	case BF_DHCP6_SOLICIT: /* 16.2 */
	case BF_DHCP6_CONFIRM: /* 16.5 */
	case BF_DHCP6_REBIND:  /* 16.7 */
		if (!cid)
			return BF_DHCP6_E_NOCLIENTID;
		return sid ? BF_DHCP6_E_SERVERID : 0;
	case BF_DHCP6_REQUEST: /* 16.4 */
	case BF_DHCP6_RENEW:   /* 16.6 */
	case BF_DHCP6_DECLINE: /* 16.8 */
	case BF_DHCP6_RELEASE: /* 16.9 */
		if (!cid)
			return BF_DHCP6_E_NOCLIENTID;
		return sid ? 0 : BF_DHCP6_E_SERVERID;
	case BF_DHCP6_INFORMATION_REQUEST: /* 16.12: client and server id optional */
		return m->n_ia_seen ? BF_DHCP6_E_BADOPT : 0;
	case BF_DHCP6_ADVERTISE:   /* 16.3 */
	case BF_DHCP6_REPLY:       /* 16.10 */
	case BF_DHCP6_RECONFIGURE: /* 16.11 */
		return BF_DHCP6_E_SERVERTYPE;
	default:
		return BF_DHCP6_E_TYPE;
	}
}

bool
bf_dhcp6_oro_has(const struct bf_dhcp6_msg *m, uint16_t code)
{
	struct bf_rd r;

	bf_rd_init(&r, m->oro.p, m->oro.len);
	while (bf_rd_left(&r) >= 2)
		if (bf_rd_be16(&r) == code)
			return true;
	return false;
}

int
bf_dhcp6_parse_relay(struct bf_dhcp6_relay *rl, const uint8_t *p, size_t len)
{
	struct bf_rd r, v;
	uint16_t code;
	bool seen_ifid = false, seen_rid = false, seen_ll = false;

	memset(rl, 0, sizeof(*rl));
	if (!p || len < BF_DHCP6_RELAY_HDR_LEN || len > BF_DHCP6_MAX_LEN)
		return BF_DHCP6_E_LEN;
	bf_rd_init(&r, p, len);
	rl->type = bf_rd_u8(&r);
	rl->hop_count = bf_rd_u8(&r);
	bf_rd_copy(&r, rl->link, 16);
	bf_rd_copy(&r, rl->peer, 16);
	if (rl->type != BF_DHCP6_RELAY_FORW && rl->type != BF_DHCP6_RELAY_REPL)
		return BF_DHCP6_E_TYPE;
	/* 19.1.2: a relay drops what arrives with hop-count >= the limit: none sends more. */
	if (rl->hop_count > BF_DHCP6_HOP_COUNT_LIMIT)
		return BF_DHCP6_E_HOPS;

	while (next_opt(&r, &code, &v)) {
		size_t olen = bf_rd_left(&v);
		switch (code) {
		case BF_O6_RELAY_MSG: /* 21.10 */
			if (rl->relay_msg.p)
				return BF_DHCP6_E_DUP;
			if (olen < BF_DHCP6_HDR_LEN)
				return BF_DHCP6_E_LEN;
			rl->relay_msg = rest(&v);
			break;
		case BF_O6_INTERFACE_ID: /* 21.18: opaque, echoed back; empty is useless */
			if (seen_ifid)
				return BF_DHCP6_E_DUP;
			if (olen < 1)
				return BF_DHCP6_E_OPTVAL;
			seen_ifid = true;
			rl->interface_id = rest(&v);
			break;
		case BF_O6_REMOTE_ID: /* RFC 4649 3: enterprise number, then the id */
			if (seen_rid)
				return BF_DHCP6_E_DUP;
			if (olen < VENDOR_FIXED + 1)
				return BF_DHCP6_E_OPTVAL;
			seen_rid = true;
			rl->remote_enterprise = bf_rd_be32(&v);
			rl->remote_id = rest(&v);
			break;
		case BF_O6_CLIENT_LINKLAYER_ADDR: /* RFC 6939 4 */
			if (seen_ll)
				return BF_DHCP6_E_DUP;
			if (olen < 3 || olen > 2 + BF_DHCP6_MAX_LLADDR)
				return BF_DHCP6_E_OPTVAL;
			seen_ll = true;
			rl->lltype = bf_rd_be16(&v);
			rl->lladdr = rest(&v);
			break;
		default:
			break;
		}
	}
	if (r.err)
		return BF_DHCP6_E_OPTLEN;
	/* 9: a relay message without RELAY_MSG carries nothing. */
	if (!rl->relay_msg.p)
		return BF_DHCP6_E_NORELAYMSG;
	return 0;
}

int
bf_dhcp6_unwrap(struct bf_dhcp6_chain *c, const uint8_t *p, size_t len)
{
	struct bf_rd r;

	c->n = 0;
	c->inner.p = NULL;
	c->inner.len = 0;
	if (!p || len < BF_DHCP6_HDR_LEN || len > BF_DHCP6_MAX_LEN)
		return BF_DHCP6_E_LEN;
	bf_rd_init(&r, p, len);
	uint8_t outer = bf_rd_u8(&r), t = outer;
	/* Each layer's message is at least 34 bytes shorter, and at most 32 layers. */
	while (t == BF_DHCP6_RELAY_FORW || t == BF_DHCP6_RELAY_REPL) {
		if (t != outer)
			return BF_DHCP6_E_TYPE;
		if (c->n == BF_DHCP6_HOP_COUNT_LIMIT)
			return BF_DHCP6_E_HOPS;
		struct bf_dhcp6_relay *rl = &c->layer[c->n];
		int rc = bf_dhcp6_parse_relay(rl, p, len);
		if (rc)
			return rc;
		c->n++;
		p = rl->relay_msg.p;
		len = rl->relay_msg.len;
		bf_rd_init(&r, p, len);
		t = bf_rd_u8(&r); /* len >= 4: parse_relay checked */
	}
	if (t < BF_DHCP6_SOLICIT || t > BF_DHCP6_INFORMATION_REQUEST)
		return BF_DHCP6_E_TYPE;
	c->inner.p = p;
	c->inner.len = len;
	return 0;
}

int
bf_dhcp6_duid_type(const uint8_t *duid, size_t len)
{
	struct bf_rd r;

	if (!duid || len < BF_DHCP6_DUID_MIN || len > BF_DHCP6_DUID_MAX)
		return -1;
	bf_rd_init(&r, duid, len);
	uint16_t t = bf_rd_be16(&r);
	switch (t) {
	case BF_DUID_LLT: /* 11.2: hardware type, time, link-layer address */
		return len >= 2 + 2 + 4 + 1 ? t : -1;
	case BF_DUID_EN: /* 11.3: enterprise number, identifier */
		return len >= 2 + 4 + 1 ? t : -1;
	case BF_DUID_LL: /* 11.4: hardware type, link-layer address */
		return len >= 2 + 2 + 1 ? t : -1;
	case BF_DUID_UUID: /* RFC 6355 4: exactly 16 bytes of UUID */
		return len == 2 + 16 ? t : -1;
	default:
		return 0;
	}
}

int
bf_dhcp6_duid_mac(const uint8_t *duid, size_t len, uint8_t mac[6])
{
	struct bf_rd r;
	int t = bf_dhcp6_duid_type(duid, len);

	if (t != BF_DUID_LLT && t != BF_DUID_LL)
		return -1;
	bf_rd_init(&r, duid, len);
	bf_rd_skip(&r, 2);
	uint16_t hw = bf_rd_be16(&r);
	if (t == BF_DUID_LLT)
		bf_rd_skip(&r, 4);
	/* Hardware type 1 is Ethernet (IANA ARP hardware types): 6 bytes. */
	if (hw != 1 || bf_rd_left(&r) != 6)
		return -1;
	bf_rd_copy(&r, mac, 6);
	return r.err ? -1 : 0;
}

const char *
bf_dhcp6_strerror(int err)
{
	switch (err) {
	case BF_DHCP6_OK:
		return "ok";
	case BF_DHCP6_E_LEN:
		return "message shorter than its header or longer than 65535 bytes";
	case BF_DHCP6_E_TYPE:
		return "unexpected message type";
	case BF_DHCP6_E_OPTLEN:
		return "option runs past its container";
	case BF_DHCP6_E_OPTVAL:
		return "option with a bad length or value";
	case BF_DHCP6_E_DUP:
		return "option or IAID repeated";
	case BF_DHCP6_E_DUID:
		return "DUID shorter than 2 or longer than 130 bytes";
	case BF_DHCP6_E_TOOMANY:
		return "too many IAs or addresses";
	case BF_DHCP6_E_HOPS:
		return "relay nesting or hop count over 32";
	case BF_DHCP6_E_NORELAYMSG:
		return "relay message without RELAY_MSG";
	case BF_DHCP6_E_NOCLIENTID:
		return "client identifier missing";
	case BF_DHCP6_E_SERVERID:
		return "server identifier missing or not allowed";
	case BF_DHCP6_E_SERVERTYPE:
		return "message type only a server sends";
	case BF_DHCP6_E_BADOPT:
		return "option not allowed in this message type";
	case BF_DHCP6_E_NAME:
		return "bad domain name";
	case BF_DHCP6_E_ARG:
		return "builder argument out of range";
	case BF_DHCP6_E_NOSPACE:
		return "output buffer too small";
	default:
		return "unknown error";
	}
}

/* ---- builder ---- */

/* Fail the whole message: the sticky error keeps it from being sent half built. */
static int
fail(struct bf_wr *w, int err)
{
	w->err = 1;
	return err;
}

static int
wr_result(const struct bf_wr *w)
{
	return w->err ? BF_DHCP6_E_NOSPACE : 0;
}

int
bf_dhcp6_put_hdr(struct bf_wr *w, uint8_t type, uint32_t xid)
{
	if (type < BF_DHCP6_SOLICIT || type > BF_DHCP6_INFORMATION_REQUEST || xid > 0xffffff)
		return fail(w, BF_DHCP6_E_ARG);
	bf_wr_u8(w, type);
	bf_wr_u8(w, (uint8_t)(xid >> 16));
	bf_wr_be16(w, (uint16_t)xid);
	return wr_result(w);
}

size_t
bf_dhcp6_opt_begin(struct bf_wr *w, uint16_t code)
{
	size_t mark = w->off;

	bf_wr_be16(w, code);
	bf_wr_be16(w, 0); /* set by bf_dhcp6_opt_end */
	return mark;
}

int
bf_dhcp6_opt_end(struct bf_wr *w, size_t mark)
{
	if (w->err)
		return BF_DHCP6_E_NOSPACE;
	if (mark > w->off || w->off - mark < 4)
		return fail(w, BF_DHCP6_E_ARG);
	size_t len = w->off - mark - 4;
	if (len > 0xffff)
		return fail(w, BF_DHCP6_E_ARG);
	bf_put_be16(w->p + mark + 2, (uint16_t)len);
	return 0;
}

int
bf_dhcp6_put_opt(struct bf_wr *w, uint16_t code, const void *v, size_t len)
{
	if (len > 0xffff || (len && !v))
		return fail(w, BF_DHCP6_E_ARG);
	bf_wr_be16(w, code);
	bf_wr_be16(w, (uint16_t)len);
	bf_wr_bytes(w, v, len);
	return wr_result(w);
}

int
bf_dhcp6_put_duid(struct bf_wr *w, uint16_t code, const uint8_t *duid, size_t len)
{
	if (code != BF_O6_CLIENTID && code != BF_O6_SERVERID)
		return fail(w, BF_DHCP6_E_ARG);
	if (!duid || len < BF_DHCP6_DUID_MIN || len > BF_DHCP6_DUID_MAX)
		return fail(w, BF_DHCP6_E_DUID);
	return bf_dhcp6_put_opt(w, code, duid, len);
}

static void
put_status_span(struct bf_wr *w, uint16_t status, struct bf_dhcp6_span msg)
{
	size_t mark = bf_dhcp6_opt_begin(w, BF_O6_STATUS_CODE);
	bf_wr_be16(w, status);
	bf_wr_bytes(w, msg.p, msg.len);
	bf_dhcp6_opt_end(w, mark);
}

/* What the parser would reject is never built (BAD-INPUTS rule 10). */
static bool
ia_ok(const struct bf_dhcp6_ia *ia)
{
	if (ia->type != BF_O6_IA_NA && ia->type != BF_O6_IA_TA && ia->type != BF_O6_IA_PD)
		return false;
	if (ia->n_addr > BF_DHCP6_MAX_ADDRS)
		return false;
	if (ia->type != BF_O6_IA_TA && ia->t1 && ia->t2 && ia->t1 > ia->t2)
		return false;
	if (ia->has_status && ia->status_msg.len && !ia->status_msg.p)
		return false;
	for (unsigned i = 0; i < ia->n_addr; i++) {
		const struct bf_dhcp6_iaaddr *a = &ia->addr[i];
		if (a->preferred > a->valid || a->plen > 128)
			return false;
		if (a->has_status && a->status_msg.len && !a->status_msg.p)
			return false;
	}
	return true;
}

int
bf_dhcp6_put_ia(struct bf_wr *w, const struct bf_dhcp6_ia *ia)
{
	if (!ia_ok(ia))
		return fail(w, BF_DHCP6_E_ARG);
	size_t mark = bf_dhcp6_opt_begin(w, ia->type);
	bf_wr_be32(w, ia->iaid);
	if (ia->type != BF_O6_IA_TA) {
		bf_wr_be32(w, ia->t1);
		bf_wr_be32(w, ia->t2);
	}
	for (unsigned i = 0; i < ia->n_addr; i++) {
		const struct bf_dhcp6_iaaddr *a = &ia->addr[i];
		size_t am;
		if (ia->type == BF_O6_IA_PD) {
			am = bf_dhcp6_opt_begin(w, BF_O6_IAPREFIX);
			bf_wr_be32(w, a->preferred);
			bf_wr_be32(w, a->valid);
			bf_wr_u8(w, a->plen);
			bf_wr_bytes(w, a->addr, 16);
		} else {
			am = bf_dhcp6_opt_begin(w, BF_O6_IAADDR);
			bf_wr_bytes(w, a->addr, 16);
			bf_wr_be32(w, a->preferred);
			bf_wr_be32(w, a->valid);
		}
		if (a->has_status)
			put_status_span(w, a->status, a->status_msg);
		bf_dhcp6_opt_end(w, am);
	}
	if (ia->has_status)
		put_status_span(w, ia->status, ia->status_msg);
	bf_dhcp6_opt_end(w, mark);
	return wr_result(w);
}

int
bf_dhcp6_put_status(struct bf_wr *w, uint16_t status, const char *msg)
{
	struct bf_dhcp6_span s = {(const uint8_t *)msg, msg ? strlen(msg) : 0};

	if (s.len > 0xffff - STATUS_FIXED)
		return fail(w, BF_DHCP6_E_ARG);
	put_status_span(w, status, s);
	return wr_result(w);
}

int
bf_dhcp6_put_preference(struct bf_wr *w, uint8_t pref)
{
	return bf_dhcp6_put_opt(w, BF_O6_PREFERENCE, &pref, 1);
}

int
bf_dhcp6_put_info_refresh(struct bf_wr *w, uint32_t secs)
{
	uint8_t b[4];

	bf_put_be32(b, secs);
	return bf_dhcp6_put_opt(w, BF_O6_INFORMATION_REFRESH_TIME, b, sizeof(b));
}

int
bf_dhcp6_put_dns(struct bf_wr *w, const uint8_t (*addrs)[16], size_t n)
{
	if (!addrs || n == 0 || n > 0xffff / 16)
		return fail(w, BF_DHCP6_E_ARG);
	return bf_dhcp6_put_opt(w, BF_O6_DNS_SERVERS, addrs, n * 16);
}

static bool
label_char(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
	       ch == '-' || ch == '_';
}

static bool
blank(char ch)
{
	return ch == ' ' || ch == '\t';
}

/* One name of [s, e) (blanks already trimmed) as wire labels. */
static int
encode_name(struct bf_wr *w, const char *s, const char *e)
{
	size_t wire = 1; /* the root label */

	if (e > s && e[-1] == '.')
		e--; /* "example.com." is the same name */
	if (e == s)
		return BF_DHCP6_E_NAME;
	for (;;) {
		const char *d = s;
		while (d < e && *d != '.')
			d++;
		size_t ll = (size_t)(d - s);
		if (ll < 1 || ll > MAX_LABEL)
			return BF_DHCP6_E_NAME;
		for (const char *c = s; c < d; c++)
			if (!label_char(*c))
				return BF_DHCP6_E_NAME;
		wire += 1 + ll;
		if (wire > MAX_NAME)
			return BF_DHCP6_E_NAME;
		bf_wr_u8(w, (uint8_t)ll);
		bf_wr_bytes(w, s, ll);
		if (d == e)
			break;
		s = d + 1; /* past the dot: "a..b" and "a.." give an empty label */
	}
	bf_wr_u8(w, 0);
	return 0;
}

int
bf_dhcp6_encode_domains(const char *text, uint8_t *out, size_t cap)
{
	struct bf_wr w;

	if (!text)
		return BF_DHCP6_E_NAME;
	/* The list is one option body: at most 65535 bytes whatever cap says. */
	bf_wr_init(&w, out, cap < 0xffff ? cap : 0xffff);
	const char *s = text;
	for (;;) {
		const char *e = s;
		while (*e && *e != ',')
			e++;
		const char *ns = s, *ne = e;
		while (ns < ne && blank(*ns))
			ns++;
		while (ne > ns && blank(ne[-1]))
			ne--;
		int rc = encode_name(&w, ns, ne);
		if (rc)
			return rc;
		if (!*e)
			break;
		s = e + 1;
	}
	return w.err ? BF_DHCP6_E_NOSPACE : (int)w.off;
}

int
bf_dhcp6_put_domains(struct bf_wr *w, const char *text)
{
	size_t mark = bf_dhcp6_opt_begin(w, BF_O6_DOMAIN_LIST);
	if (w->err)
		return BF_DHCP6_E_NOSPACE;
	/* Encode in place, after the option header, within what is left of w. */
	int n = bf_dhcp6_encode_domains(text, w->p + w->off, bf_wr_left(w));
	if (n < 0)
		return fail(w, n);
	bf_wr_reserve(w, (size_t)n);
	bf_dhcp6_opt_end(w, mark);
	return wr_result(w);
}

int
bf_dhcp6_put_bootfile_url(struct bf_wr *w, const char *url)
{
	size_t n = url ? strlen(url) : 0;

	if (n == 0)
		return fail(w, BF_DHCP6_E_ARG);
	return bf_dhcp6_put_opt(w, BF_O6_BOOTFILE_URL, url, n);
}

int
bf_dhcp6_put_bootfile_params(struct bf_wr *w, const char *const *params, size_t n)
{
	if (!params || n == 0)
		return fail(w, BF_DHCP6_E_ARG);
	size_t mark = bf_dhcp6_opt_begin(w, BF_O6_BOOTFILE_PARAM);
	for (size_t i = 0; i < n; i++) {
		size_t len = params[i] ? strlen(params[i]) : 0;
		if (!params[i] || len > 0xffff)
			return fail(w, BF_DHCP6_E_ARG);
		bf_wr_be16(w, (uint16_t)len);
		bf_wr_bytes(w, params[i], len);
	}
	bf_dhcp6_opt_end(w, mark);
	return wr_result(w);
}

int
bf_dhcp6_put_vendor_class(struct bf_wr *w, uint32_t enterprise, const struct bf_dhcp6_span *items,
			  size_t n)
{
	if (n && !items)
		return fail(w, BF_DHCP6_E_ARG);
	size_t mark = bf_dhcp6_opt_begin(w, BF_O6_VENDOR_CLASS);
	bf_wr_be32(w, enterprise);
	for (size_t i = 0; i < n; i++) {
		if (items[i].len > 0xffff || (items[i].len && !items[i].p))
			return fail(w, BF_DHCP6_E_ARG);
		bf_wr_be16(w, (uint16_t)items[i].len);
		bf_wr_bytes(w, items[i].p, items[i].len);
	}
	bf_dhcp6_opt_end(w, mark);
	return wr_result(w);
}

int
bf_dhcp6_wrap_reply(struct bf_wr *w, const struct bf_dhcp6_chain *c, const uint8_t *inner,
		    size_t len)
{
	size_t mark[BF_DHCP6_HOP_COUNT_LIMIT];

	if (c->n > BF_DHCP6_HOP_COUNT_LIMIT || !inner || len < BF_DHCP6_HDR_LEN ||
	    len > BF_DHCP6_MAX_LEN)
		return fail(w, BF_DHCP6_E_ARG);
	/* Outermost first, each RELAY_MSG left open until the reply is inside. */
	for (unsigned i = 0; i < c->n; i++) {
		const struct bf_dhcp6_relay *rl = &c->layer[i];
		bf_wr_u8(w, BF_DHCP6_RELAY_REPL);
		bf_wr_u8(w, rl->hop_count);
		bf_wr_bytes(w, rl->link, 16);
		bf_wr_bytes(w, rl->peer, 16);
		if (rl->interface_id.len) {
			int rc = bf_dhcp6_put_opt(w, BF_O6_INTERFACE_ID, rl->interface_id.p,
						  rl->interface_id.len);
			if (rc)
				return rc;
		}
		mark[i] = bf_dhcp6_opt_begin(w, BF_O6_RELAY_MSG);
	}
	bf_wr_bytes(w, inner, len);
	for (unsigned i = c->n; i-- > 0;)
		if (bf_dhcp6_opt_end(w, mark[i]) == BF_DHCP6_E_ARG)
			return BF_DHCP6_E_ARG;
	return wr_result(w);
}
