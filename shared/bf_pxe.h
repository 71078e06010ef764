/* SPDX-License-Identifier: MIT */
/*
 * PXE 2.1 vendor options, carried in DHCPv4 option 43 (PXE spec table 2-1):
 * 1-5 MTFTP, 6 discovery control, 7 multicast discovery address, 8 boot
 * servers, 9 boot menu, 10 menu prompt, 71 boot item, 255 end.
 * Encode (server side) and decode (client's option 43 in Boot Server
 * Discovery requests, and test vectors). Pure functions over byte buffers.
 */
#ifndef BF_PXE_H
#define BF_PXE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BF_PXE_MAX_SERVER_TYPES 8
#define BF_PXE_MAX_SERVER_IPS 8
#define BF_PXE_MAX_MENU 16
#define BF_PXE_MAX_TEXT 255

/* Discovery control bits (sub-option 6). */
#define BF_PXE_DC_NO_BCAST 0x01
#define BF_PXE_DC_NO_MCAST 0x02
#define BF_PXE_DC_ONLY_LISTED 0x04
#define BF_PXE_DC_USE_BOOTFILE 0x08

struct bf_pxe_server {
	uint16_t type;
	uint8_t n_ip;
	uint32_t ip[BF_PXE_MAX_SERVER_IPS]; /* host order */
};

struct bf_pxe_menu_item {
	uint16_t type;
	uint8_t len;
	char text[BF_PXE_MAX_TEXT + 1]; /* NUL-terminated copy */
};

/* The sub-options; a has_ flag or a count of 0 means "absent". */
struct bf_pxe_opts {
	bool has_mtftp;
	uint32_t mtftp_ip;	/* 1 */
	uint16_t mtftp_cport;	/* 2 */
	uint16_t mtftp_sport;	/* 3 */
	uint8_t mtftp_tmout;	/* 4 */
	uint8_t mtftp_delay;	/* 5 */
	bool has_discovery_control;
	uint8_t discovery_control; /* 6 */
	bool has_mcast_addr;
	uint32_t mcast_addr; /* 7 */
	uint8_t n_servers;   /* 8 */
	struct bf_pxe_server servers[BF_PXE_MAX_SERVER_TYPES];
	uint8_t n_menu; /* 9 */
	struct bf_pxe_menu_item menu[BF_PXE_MAX_MENU];
	bool has_prompt;
	uint8_t prompt_timeout; /* 10: 0 = pick first at once, 255 = wait */
	uint8_t prompt_len;
	char prompt[BF_PXE_MAX_TEXT + 1];
	bool has_boot_item;
	uint16_t boot_item_type; /* 71 */
	uint16_t boot_item_layer;
};

enum bf_pxe_err {
	BF_PXE_E_TRUNC = -1,   /* a sub-option runs past the end */
	BF_PXE_E_LEN = -2,     /* a sub-option has a length its type forbids */
	BF_PXE_E_LIMIT = -3,   /* more servers / menu items / IPs than we keep */
	BF_PXE_E_NOSPACE = -4, /* encode: output buffer too small */
	BF_PXE_E_VALUE = -5,   /* encode: a field out of range (e.g. text > 255) */
};

/*
 * Decode option 43 bytes. Unknown sub-options are skipped; PAD (0) is skipped;
 * END (255) or the end of data stops. Returns 0 or a negative enum bf_pxe_err.
 */
int bf_pxe_decode(struct bf_pxe_opts *o, const uint8_t *p, size_t len);

/*
 * Encode into out[0..cap): sub-options in numeric order (1-5, 6, 7, 8, 9, 10,
 * 71) followed by END. Every length is exact. Returns the byte count or a
 * negative enum bf_pxe_err. An empty struct encodes to just END (1 byte).
 */
int bf_pxe_encode(const struct bf_pxe_opts *o, uint8_t *out, size_t cap);

#endif
