/* SPDX-License-Identifier: MIT */
/*
 * DHCPv4 message codec: RFC 2131 (BOOTP header, message flow), RFC 2132
 * (options), RFC 3396 (long options: repeated codes concatenate), option
 * overload (52) into file/sname, RFC 3004 user class (77), RFC 4578 PXE
 * options (93 arch, 94 NII, 97 UUID), RFC 3046 relay agent info (82).
 * Pure functions over byte buffers.
 */
#ifndef BF_DHCP4_H
#define BF_DHCP4_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BF_DHCP4_FIXED_LEN 236 /* op .. file, without the cookie */
#define BF_DHCP4_COOKIE 0x63825363u
#define BF_DHCP4_MIN_LEN 240   /* fixed part plus cookie */
#define BF_DHCP4_MAX_LEN 4096  /* larger messages are rejected */
#define BF_DHCP4_BOOTP_MIN 300 /* replies are padded to this size (RFC 1542) */
#define BF_DHCP4_SERVER_PORT 67
#define BF_DHCP4_CLIENT_PORT 68
#define BF_DHCP4_PXE_PORT 4011
#define BF_DHCP4_FLAG_BROADCAST 0x8000

enum bf_dhcp4_type {
	BF_DHCPDISCOVER = 1,
	BF_DHCPOFFER = 2,
	BF_DHCPREQUEST = 3,
	BF_DHCPDECLINE = 4,
	BF_DHCPACK = 5,
	BF_DHCPNAK = 6,
	BF_DHCPRELEASE = 7,
	BF_DHCPINFORM = 8,
};

enum bf_dhcp4_opt {
	BF_O4_PAD = 0,
	BF_O4_SUBNET_MASK = 1,
	BF_O4_ROUTER = 3,
	BF_O4_DNS = 6,
	BF_O4_HOSTNAME = 12,
	BF_O4_DOMAIN = 15,
	BF_O4_BROADCAST = 28,
	BF_O4_NTP = 42,
	BF_O4_VENDOR = 43,
	BF_O4_REQ_IP = 50,
	BF_O4_LEASE_TIME = 51,
	BF_O4_OVERLOAD = 52,
	BF_O4_MSG_TYPE = 53,
	BF_O4_SERVER_ID = 54,
	BF_O4_PRL = 55,
	BF_O4_MESSAGE = 56,
	BF_O4_MAX_SIZE = 57,
	BF_O4_T1 = 58,
	BF_O4_T2 = 59,
	BF_O4_VENDOR_CLASS = 60,
	BF_O4_CLIENT_ID = 61,
	BF_O4_TFTP_SERVER = 66,
	BF_O4_BOOTFILE = 67,
	BF_O4_USER_CLASS = 77,
	BF_O4_RELAY_INFO = 82,
	BF_O4_CLIENT_ARCH = 93,
	BF_O4_CLIENT_NII = 94,
	BF_O4_UUID = 97,
	BF_O4_SUBNET_SELECT = 118,
	BF_O4_IPXE = 175,
	BF_O4_END = 255,
};

/* Identity fields are capped; longer values make the message malformed. */
#define BF_DHCP4_MAX_CLIENT_ID 64
#define BF_DHCP4_MAX_HOSTNAME 63
#define BF_DHCP4_MAX_ARCHS 8

/* Reasons a message is rejected (negative return values of the parser). */
enum bf_dhcp4_err {
	BF_DHCP4_OK = 0,
	BF_DHCP4_E_SHORT = -1,	    /* shorter than 240 bytes / longer than MAX_LEN */
	BF_DHCP4_E_COOKIE = -2,	    /* no magic cookie */
	BF_DHCP4_E_OPTLEN = -3,	    /* an option runs past its area */
	BF_DHCP4_E_NOEND = -4,	    /* options area without END */
	BF_DHCP4_E_MSGTYPE = -5,    /* 53 missing, repeated with other value, bad length/value */
	BF_DHCP4_E_OVERLOAD = -6,   /* 52 with bad value/length, or 52 inside file/sname */
	BF_DHCP4_E_HLEN = -7,	    /* hlen > 16 */
	BF_DHCP4_E_OPTVAL = -8,	    /* an option we use has a wrong length or bad value */
	BF_DHCP4_E_TOOLONG = -9,    /* concatenated options exceed the scratch space */
};

/* Where one option's (concatenated) value lives in msg->optdata. */
struct bf_dhcp4_optref {
	uint16_t off;
	uint16_t len;
};

/*
 * A parsed message. Fixed fields are copied out (IPs in host order); option
 * values are concatenated (RFC 3396) into optdata so each code has one value.
 * The struct is self-contained: it holds no pointer into the packet.
 */
struct bf_dhcp4_msg {
	uint8_t op, htype, hlen, hops;
	uint32_t xid;
	uint16_t secs, flags;
	uint32_t ciaddr, yiaddr, siaddr, giaddr;
	uint8_t chaddr[16];
	uint8_t sname[64]; /* raw; only meaningful if not overloaded */
	uint8_t file[128];
	uint8_t overload;  /* value of option 52, 0 if absent */

	uint8_t present[32]; /* bitmap: option code present */
	struct bf_dhcp4_optref opt[256];
	uint16_t optdata_len;
	uint8_t optdata[BF_DHCP4_MAX_LEN];

	/* Decoded values of the options the server acts on (valid if present). */
	uint8_t msg_type;		/* 53 (required) */
	uint32_t req_ip;		/* 50 */
	uint32_t server_id;		/* 54 */
	uint32_t lease_time;		/* 51 */
	uint16_t max_size;		/* 57; 0 if absent; values < 576 are raised to 576 */
	uint8_t n_arch;			/* 93: number of architecture codes */
	uint16_t arch[BF_DHCP4_MAX_ARCHS];
	uint8_t nii[3];			/* 94: type, major, minor */
	bool has_uuid;			/* 97 with type 0 and 16 bytes */
	uint8_t uuid[16];
	bool is_pxe;			/* 60 starts with "PXEClient" */
	bool is_http;			/* 60 starts with "HTTPClient" */
	bool is_ipxe;			/* 77 is "iPXE" (raw or RFC 3004 form), or 175 present */
	uint32_t subnet_select;		/* 118, or 82 sub-option 5 */
};

static inline bool
bf_dhcp4_has(const struct bf_dhcp4_msg *m, uint8_t code)
{
	return m->present[code >> 3] & (1u << (code & 7));
}

/* Value of option code (NULL if absent); *len gets its length. */
const uint8_t *bf_dhcp4_get(const struct bf_dhcp4_msg *m, uint8_t code, size_t *len);

/*
 * Parse a DHCPv4 message (the UDP payload) of len bytes. Options are read from
 * the options area, then file, then sname when option 52 says so.
 * Returns 0, or a negative enum bf_dhcp4_err.
 */
int bf_dhcp4_parse(struct bf_dhcp4_msg *m, const uint8_t *p, size_t len);

/* Human-readable reason for a negative parser result. */
const char *bf_dhcp4_strerror(int err);

/*
 * Reply options are collected in a set, then emitted in the client's
 * parameter request list order.
 */
struct bf_dhcp4_optset {
	uint8_t present[32];
	struct bf_dhcp4_optref opt[256];
	uint16_t used;
	uint8_t data[2048];
};

void bf_dhcp4_optset_init(struct bf_dhcp4_optset *s);
/* Set (replace) option code's value. Returns 0 or -1 if it does not fit. */
int bf_dhcp4_optset_put(struct bf_dhcp4_optset *s, uint8_t code, const void *v, size_t len);
int bf_dhcp4_optset_put_u32(struct bf_dhcp4_optset *s, uint8_t code, uint32_t v_host);
int bf_dhcp4_optset_put_u8(struct bf_dhcp4_optset *s, uint8_t code, uint8_t v);
void bf_dhcp4_optset_del(struct bf_dhcp4_optset *s, uint8_t code);

/* The BOOTP header of a reply (IPs host order). */
struct bf_dhcp4_hdr {
	uint8_t op; /* 2 = BOOTREPLY */
	uint8_t htype, hlen, hops;
	uint32_t xid;
	uint16_t secs, flags;
	uint32_t ciaddr, yiaddr, siaddr, giaddr;
	uint8_t chaddr[16];
	char sname[64]; /* NUL-terminated; may be empty */
	char file[128]; /* NUL-terminated; may be empty */
};

/*
 * Build a reply into out[0..cap). Emits 53 first, 54 second, then options
 * in the order of prl (the client's option 55, may be NULL), then the rest of
 * the set in numeric order; values over 255 bytes are split (RFC 3396).
 * max_size (the client's option 57, 0 = 576) bounds the whole message
 * (UDP payload); when options do not fit, options overflow into file then
 * sname with option 52, but only where hdr->file / hdr->sname are empty.
 * Options that still do not fit are left out, lowest priority last in the
 * order above. Relay agent information (82) is never left out (it ranks
 * right after 54) and is emitted last in its area (RFC 3046 2.2).
 * Pads to 300 bytes. Returns the length, or -1.
 */
int bf_dhcp4_build(uint8_t *out, size_t cap, const struct bf_dhcp4_hdr *hdr,
		   const struct bf_dhcp4_optset *s, const uint8_t *prl, size_t prl_len,
		   size_t max_size);

#endif
