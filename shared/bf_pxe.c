/* SPDX-License-Identifier: MIT */
/*
 * PXE 2.1 vendor options in DHCPv4 option 43 (PXE specification 2.1, table
 * 2-1; RFC 2132 8.4 vendor specific information, RFC 4578 for the client
 * side). Sub-options: 1-5 MTFTP, 6 discovery control, 7 multicast discovery
 * address, 8 boot servers, 9 boot menu, 10 menu prompt, 71 boot item, 255 end.
 */
#include "bf_pxe.h"

#include <string.h>

#include "bf_wire.h"

enum {
	SUB_PAD = 0,
	SUB_MTFTP_IP = 1,
	SUB_MTFTP_CPORT = 2,
	SUB_MTFTP_SPORT = 3,
	SUB_MTFTP_TMOUT = 4,
	SUB_MTFTP_DELAY = 5,
	SUB_DISCOVERY_CONTROL = 6,
	SUB_MCAST_ADDR = 7,
	SUB_SERVERS = 8,
	SUB_MENU = 9,
	SUB_PROMPT = 10,
	SUB_BOOT_ITEM = 71,
	SUB_END = 255,
};

/* Fixed lengths of the scalar sub-options; 0 = variable or unknown. */
static size_t
fixed_len(uint8_t code)
{
	switch (code) {
	case SUB_MTFTP_IP:
	case SUB_MCAST_ADDR:
	case SUB_BOOT_ITEM:
		return 4;
	case SUB_MTFTP_CPORT:
	case SUB_MTFTP_SPORT:
		return 2;
	case SUB_MTFTP_TMOUT:
	case SUB_MTFTP_DELAY:
	case SUB_DISCOVERY_CONTROL:
		return 1;
	default:
		return 0;
	}
}

/* A repeated 8 replaces the earlier one, like every other sub-option. */
static int
decode_servers(struct bf_pxe_opts *o, struct bf_rd *r)
{
	o->n_servers = 0;
	memset(o->servers, 0, sizeof(o->servers));
	while (bf_rd_left(r) > 0) {
		if (o->n_servers == BF_PXE_MAX_SERVER_TYPES)
			return BF_PXE_E_LIMIT;
		struct bf_pxe_server *s = &o->servers[o->n_servers];
		s->type = bf_rd_be16(r);
		uint8_t n = bf_rd_u8(r);
		if (r->err)
			return BF_PXE_E_LEN;
		if (n > BF_PXE_MAX_SERVER_IPS)
			return BF_PXE_E_LIMIT;
		for (uint8_t i = 0; i < n; i++)
			s->ip[i] = bf_rd_be32(r);
		if (r->err)
			return BF_PXE_E_LEN;
		s->n_ip = n;
		o->n_servers++;
	}
	return 0;
}

static int
decode_menu(struct bf_pxe_opts *o, struct bf_rd *r)
{
	o->n_menu = 0;
	memset(o->menu, 0, sizeof(o->menu));
	while (bf_rd_left(r) > 0) {
		if (o->n_menu == BF_PXE_MAX_MENU)
			return BF_PXE_E_LIMIT;
		struct bf_pxe_menu_item *it = &o->menu[o->n_menu];
		it->type = bf_rd_be16(r);
		it->len = bf_rd_u8(r);
		bf_rd_copy(r, it->text, it->len);
		if (r->err)
			return BF_PXE_E_LEN;
		o->n_menu++;
	}
	return 0;
}

static int
decode_one(struct bf_pxe_opts *o, uint8_t code, struct bf_rd *r)
{
	size_t want = fixed_len(code);

	if (want && bf_rd_left(r) != want)
		return BF_PXE_E_LEN;
	switch (code) {
	case SUB_MTFTP_IP:
		o->mtftp_ip = bf_rd_be32(r);
		break;
	case SUB_MTFTP_CPORT:
		o->mtftp_cport = bf_rd_be16(r);
		break;
	case SUB_MTFTP_SPORT:
		o->mtftp_sport = bf_rd_be16(r);
		break;
	case SUB_MTFTP_TMOUT:
		o->mtftp_tmout = bf_rd_u8(r);
		break;
	case SUB_MTFTP_DELAY:
		o->mtftp_delay = bf_rd_u8(r);
		break;
	case SUB_DISCOVERY_CONTROL:
		o->has_discovery_control = true;
		o->discovery_control = bf_rd_u8(r);
		return 0;
	case SUB_MCAST_ADDR:
		o->has_mcast_addr = true;
		o->mcast_addr = bf_rd_be32(r);
		return 0;
	case SUB_SERVERS:
		return decode_servers(o, r);
	case SUB_MENU:
		return decode_menu(o, r);
	case SUB_PROMPT:
		if (bf_rd_left(r) < 1)
			return BF_PXE_E_LEN;
		o->has_prompt = true;
		o->prompt_timeout = bf_rd_u8(r);
		o->prompt_len = (uint8_t)bf_rd_left(r);
		memset(o->prompt, 0, sizeof(o->prompt));
		bf_rd_copy(r, o->prompt, o->prompt_len);
		return 0;
	case SUB_BOOT_ITEM:
		o->has_boot_item = true;
		o->boot_item_type = bf_rd_be16(r);
		o->boot_item_layer = bf_rd_be16(r);
		return 0;
	default:
		return 0; /* unknown: skipped */
	}
	o->has_mtftp = true; /* any of 1-5 */
	return 0;
}

int
bf_pxe_decode(struct bf_pxe_opts *o, const uint8_t *p, size_t len)
{
	struct bf_rd r;

	memset(o, 0, sizeof(*o));
	bf_rd_init(&r, p, len);
	while (bf_rd_left(&r) > 0) {
		uint8_t code = bf_rd_u8(&r);
		if (code == SUB_PAD)
			continue;
		if (code == SUB_END)
			break;
		uint8_t n = bf_rd_u8(&r);
		struct bf_rd v = bf_rd_sub(&r, n);
		if (r.err)
			return BF_PXE_E_TRUNC;
		int rc = decode_one(o, code, &v);
		if (rc)
			return rc;
	}
	return 0;
}

/* Sub-option header; the caller checked that the length fits in one byte. */
static void
put_hdr(struct bf_wr *w, uint8_t code, size_t len)
{
	bf_wr_u8(w, code);
	bf_wr_u8(w, (uint8_t)len);
}

static int
encode_servers(const struct bf_pxe_opts *o, struct bf_wr *w)
{
	size_t len = 0;

	if (o->n_servers > BF_PXE_MAX_SERVER_TYPES)
		return BF_PXE_E_VALUE;
	for (unsigned i = 0; i < o->n_servers; i++) {
		if (o->servers[i].n_ip > BF_PXE_MAX_SERVER_IPS)
			return BF_PXE_E_VALUE;
		len += 3 + 4 * (size_t)o->servers[i].n_ip;
	}
	if (len > 255)
		return BF_PXE_E_VALUE;
	put_hdr(w, SUB_SERVERS, len);
	for (unsigned i = 0; i < o->n_servers; i++) {
		const struct bf_pxe_server *s = &o->servers[i];
		bf_wr_be16(w, s->type);
		bf_wr_u8(w, s->n_ip);
		for (unsigned j = 0; j < s->n_ip; j++)
			bf_wr_be32(w, s->ip[j]);
	}
	return 0;
}

static int
encode_menu(const struct bf_pxe_opts *o, struct bf_wr *w)
{
	size_t len = 0;

	if (o->n_menu > BF_PXE_MAX_MENU)
		return BF_PXE_E_VALUE;
	for (unsigned i = 0; i < o->n_menu; i++)
		len += 3 + (size_t)o->menu[i].len;
	if (len > 255)
		return BF_PXE_E_VALUE;
	put_hdr(w, SUB_MENU, len);
	for (unsigned i = 0; i < o->n_menu; i++) {
		const struct bf_pxe_menu_item *it = &o->menu[i];
		bf_wr_be16(w, it->type);
		bf_wr_u8(w, it->len);
		bf_wr_bytes(w, it->text, it->len);
	}
	return 0;
}

int
bf_pxe_encode(const struct bf_pxe_opts *o, uint8_t *out, size_t cap)
{
	struct bf_wr w;
	int rc;

	bf_wr_init(&w, out, cap);
	if (o->has_mtftp) {
		put_hdr(&w, SUB_MTFTP_IP, 4);
		bf_wr_be32(&w, o->mtftp_ip);
		put_hdr(&w, SUB_MTFTP_CPORT, 2);
		bf_wr_be16(&w, o->mtftp_cport);
		put_hdr(&w, SUB_MTFTP_SPORT, 2);
		bf_wr_be16(&w, o->mtftp_sport);
		put_hdr(&w, SUB_MTFTP_TMOUT, 1);
		bf_wr_u8(&w, o->mtftp_tmout);
		put_hdr(&w, SUB_MTFTP_DELAY, 1);
		bf_wr_u8(&w, o->mtftp_delay);
	}
	if (o->has_discovery_control) {
		put_hdr(&w, SUB_DISCOVERY_CONTROL, 1);
		bf_wr_u8(&w, o->discovery_control);
	}
	if (o->has_mcast_addr) {
		put_hdr(&w, SUB_MCAST_ADDR, 4);
		bf_wr_be32(&w, o->mcast_addr);
	}
	if (o->n_servers && (rc = encode_servers(o, &w)))
		return rc;
	if (o->n_menu && (rc = encode_menu(o, &w)))
		return rc;
	if (o->has_prompt) {
		/* The timeout byte shares the one-byte length with the text. */
		if (o->prompt_len > 254)
			return BF_PXE_E_VALUE;
		put_hdr(&w, SUB_PROMPT, 1 + (size_t)o->prompt_len);
		bf_wr_u8(&w, o->prompt_timeout);
		bf_wr_bytes(&w, o->prompt, o->prompt_len);
	}
	if (o->has_boot_item) {
		put_hdr(&w, SUB_BOOT_ITEM, 4);
		bf_wr_be16(&w, o->boot_item_type);
		bf_wr_be16(&w, o->boot_item_layer);
	}
	bf_wr_u8(&w, SUB_END);
	if (w.err)
		return BF_PXE_E_NOSPACE;
	return (int)w.off;
}
