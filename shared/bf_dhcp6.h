/* SPDX-License-Identifier: MIT */
/*
 * DHCPv6 message codec: RFC 8415 (messages, relay agents, IA_NA / IA_TA /
 * IA_PD, DUIDs, options of section 21), RFC 3646 (DNS servers, domain search
 * list), RFC 5970 (network boot: bootfile URL and parameters, client
 * architecture, NII), RFC 4649 (remote id), RFC 6939 (client link-layer
 * address), RFC 6355 (DUID-UUID). Pure functions over byte buffers.
 *
 * Parsed messages hold spans that point into the caller's buffer: they are
 * valid as long as that buffer is.
 */
#ifndef BF_DHCP6_H
#define BF_DHCP6_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bf_wire.h"

#define BF_DHCP6_CLIENT_PORT 546
#define BF_DHCP6_SERVER_PORT 547
#define BF_DHCP6_HDR_LEN 4        /* msg-type, transaction-id */
#define BF_DHCP6_RELAY_HDR_LEN 34 /* msg-type, hop-count, link-address, peer-address */
#define BF_DHCP6_MAX_LEN 65535    /* larger messages are rejected */
/*
 * Relay layers accepted. RFC 3315 5.5 set HOP_COUNT_LIMIT to 32; RFC 8415 7.6
 * lowered it to 8 for relays, but a server still meets relays built to 3315,
 * so it accepts what those may send and no more.
 */
#define BF_DHCP6_HOP_COUNT_LIMIT 32
#define BF_DHCP6_DUID_MIN 2    /* a type code and nothing else */
#define BF_DHCP6_DUID_MAX 130  /* RFC 8415 11.1: 128 octets plus the type code */
#define BF_DHCP6_MAX_LLADDR 20 /* RFC 6939 address; 20 is InfiniBand, the longest in use */

/* What one parsed message holds; more IAs or addresses make it E_TOOMANY. */
#define BF_DHCP6_MAX_IA 8     /* per kind: IA_NA, IA_TA, IA_PD */
#define BF_DHCP6_MAX_ADDRS 8  /* IAADDR / IAPREFIX per IA */
#define BF_DHCP6_MAX_ITEMS 8  /* user class items; more are checked but not kept */
#define BF_DHCP6_MAX_VCLASS 4 /* vendor class / vendor opts instances kept */
#define BF_DHCP6_MAX_VITEMS 4 /* items kept per vendor class */
#define BF_DHCP6_MAX_ARCHS 8  /* client architecture codes kept */

enum bf_dhcp6_type {
	BF_DHCP6_SOLICIT = 1,
	BF_DHCP6_ADVERTISE = 2,
	BF_DHCP6_REQUEST = 3,
	BF_DHCP6_CONFIRM = 4,
	BF_DHCP6_RENEW = 5,
	BF_DHCP6_REBIND = 6,
	BF_DHCP6_REPLY = 7,
	BF_DHCP6_RELEASE = 8,
	BF_DHCP6_DECLINE = 9,
	BF_DHCP6_RECONFIGURE = 10,
	BF_DHCP6_INFORMATION_REQUEST = 11,
	BF_DHCP6_RELAY_FORW = 12,
	BF_DHCP6_RELAY_REPL = 13,
};

enum bf_dhcp6_opt {
	BF_O6_CLIENTID = 1,
	BF_O6_SERVERID = 2,
	BF_O6_IA_NA = 3,
	BF_O6_IA_TA = 4,
	BF_O6_IAADDR = 5,
	BF_O6_ORO = 6,
	BF_O6_PREFERENCE = 7,
	BF_O6_ELAPSED_TIME = 8,
	BF_O6_RELAY_MSG = 9,
	BF_O6_STATUS_CODE = 13,
	BF_O6_RAPID_COMMIT = 14,
	BF_O6_USER_CLASS = 15,
	BF_O6_VENDOR_CLASS = 16,
	BF_O6_VENDOR_OPTS = 17,
	BF_O6_INTERFACE_ID = 18,
	BF_O6_DNS_SERVERS = 23,
	BF_O6_DOMAIN_LIST = 24,
	BF_O6_IA_PD = 25,
	BF_O6_IAPREFIX = 26,
	BF_O6_INFORMATION_REFRESH_TIME = 32,
	BF_O6_REMOTE_ID = 37,
	BF_O6_BOOTFILE_URL = 59,
	BF_O6_BOOTFILE_PARAM = 60,
	BF_O6_CLIENT_ARCH_TYPE = 61,
	BF_O6_NII = 62,
	BF_O6_CLIENT_LINKLAYER_ADDR = 79,
};

/* RFC 8415 21.13 status codes. */
enum bf_dhcp6_status {
	BF_D6S_SUCCESS = 0,
	BF_D6S_UNSPEC_FAIL = 1,
	BF_D6S_NO_ADDRS_AVAIL = 2,
	BF_D6S_NO_BINDING = 3,
	BF_D6S_NOT_ON_LINK = 4,
	BF_D6S_USE_MULTICAST = 5,
	BF_D6S_NO_PREFIX_AVAIL = 6,
};

/* RFC 8415 11.2-11.5, RFC 6355. */
enum bf_dhcp6_duid_type {
	BF_DUID_LLT = 1,
	BF_DUID_EN = 2,
	BF_DUID_LL = 3,
	BF_DUID_UUID = 4,
};

/* Reasons a message is rejected (negative return values), and builder errors. */
enum bf_dhcp6_err {
	BF_DHCP6_OK = 0,
	BF_DHCP6_E_LEN = -1,         /* shorter than its header, or over 65535 bytes */
	BF_DHCP6_E_TYPE = -2,        /* message type unknown or not the kind expected */
	BF_DHCP6_E_OPTLEN = -3,      /* option header or body runs past its container */
	BF_DHCP6_E_OPTVAL = -4,      /* wrong size or bad value in an option we decode */
	BF_DHCP6_E_DUP = -5,         /* singleton option repeated, or an IAID reused */
	BF_DHCP6_E_DUID = -6,        /* DUID shorter than 2 or longer than 130 bytes */
	BF_DHCP6_E_TOOMANY = -7,     /* more IAs or addresses than the parser keeps */
	BF_DHCP6_E_HOPS = -8,        /* relay nesting or hop count over 32 */
	BF_DHCP6_E_NORELAYMSG = -9,  /* relay message without RELAY_MSG */
	BF_DHCP6_E_NOCLIENTID = -10, /* client id missing where RFC 8415 16 wants one */
	BF_DHCP6_E_SERVERID = -11,   /* server id missing where required, or forbidden */
	BF_DHCP6_E_SERVERTYPE = -12, /* a type only servers send (Advertise, Reply, ...) */
	BF_DHCP6_E_BADOPT = -13,     /* option not allowed in this type (IA in Info-Request) */
	BF_DHCP6_E_NAME = -14,       /* builder: bad domain name text */
	BF_DHCP6_E_ARG = -15,        /* builder: argument out of range */
	BF_DHCP6_E_NOSPACE = -16,    /* builder: output buffer too small */
};

/* Bytes inside the parsed buffer (p is NULL and len 0 when absent). */
struct bf_dhcp6_span {
	const uint8_t *p;
	size_t len;
};

/* IAADDR (RFC 8415 21.6) or IAPREFIX (21.22). */
struct bf_dhcp6_iaaddr {
	uint8_t addr[16];   /* the address or the prefix */
	uint8_t plen;       /* IAPREFIX prefix length; 128 for an IAADDR */
	uint32_t preferred; /* seconds */
	uint32_t valid;
	bool has_status; /* a STATUS_CODE inside this IAADDR / IAPREFIX */
	uint16_t status;
	struct bf_dhcp6_span status_msg; /* UTF-8, not NUL-terminated */
};

/* IA_NA (21.4), IA_TA (21.5) or IA_PD (21.21). */
struct bf_dhcp6_ia {
	uint16_t type; /* BF_O6_IA_NA, BF_O6_IA_TA or BF_O6_IA_PD */
	uint32_t iaid;
	uint32_t t1, t2; /* 0 for IA_TA */
	uint8_t n_addr;
	struct bf_dhcp6_iaaddr addr[BF_DHCP6_MAX_ADDRS];
	bool has_status;
	uint16_t status;
	struct bf_dhcp6_span status_msg;
};

/* VENDOR_CLASS (21.16) or VENDOR_OPTS (21.17) instance. */
struct bf_dhcp6_vendor {
	uint32_t enterprise;
	struct bf_dhcp6_span data; /* everything after the enterprise number */
	uint8_t n_items;           /* VENDOR_CLASS: items kept (up to MAX_VITEMS) */
	struct bf_dhcp6_span item[BF_DHCP6_MAX_VITEMS];
};

/*
 * A parsed client or server message (not a relay message). Decoded values
 * are valid when the option is present (bf_dhcp6_has); on a parse error the
 * struct holds what was decoded up to the error and n_ia_seen.
 */
struct bf_dhcp6_msg {
	uint8_t type;
	uint32_t xid;        /* 24 bits */
	uint8_t present[16]; /* bitmap: option codes 0..127 seen at top level */

	struct bf_dhcp6_span client_id; /* DUID, 2..130 bytes */
	struct bf_dhcp6_span server_id;

	uint8_t n_ia_na, n_ia_ta, n_ia_pd;
	unsigned n_ia_seen; /* IA options in the message, also those over the caps */
	struct bf_dhcp6_ia ia_na[BF_DHCP6_MAX_IA];
	struct bf_dhcp6_ia ia_ta[BF_DHCP6_MAX_IA];
	struct bf_dhcp6_ia ia_pd[BF_DHCP6_MAX_IA];

	struct bf_dhcp6_span oro; /* n_oro big-endian option codes */
	uint16_t n_oro;
	bool rapid_commit;
	uint16_t elapsed; /* hundredths of a second */
	uint8_t preference;
	uint16_t status; /* top-level STATUS_CODE */
	struct bf_dhcp6_span status_msg;

	uint8_t n_user_class; /* RFC 8415 21.15 items kept */
	struct bf_dhcp6_span user_class[BF_DHCP6_MAX_ITEMS];
	uint8_t n_vendor_class; /* instances kept (distinct enterprise numbers) */
	struct bf_dhcp6_vendor vendor_class[BF_DHCP6_MAX_VCLASS];
	uint8_t n_vendor_opts;
	struct bf_dhcp6_vendor vendor_opts[BF_DHCP6_MAX_VCLASS];
	bool is_ipxe; /* a user class item is exactly "iPXE" */
	bool is_pxe;  /* a vendor class item starts with "PXEClient" */
	bool is_http; /* ... with "HTTPClient" */

	uint8_t n_arch; /* RFC 5970 3.3: codes kept */
	uint16_t arch[BF_DHCP6_MAX_ARCHS];
	uint8_t nii[3];  /* RFC 5970 3.4: type, major, minor */
	uint16_t lltype; /* RFC 6939: hardware type and address */
	struct bf_dhcp6_span lladdr;

	struct bf_dhcp6_span bootfile_url;   /* RFC 5970 3.1 */
	struct bf_dhcp6_span bootfile_param; /* 3.2: the raw checked list */
	struct bf_dhcp6_span dns;            /* k x 16 bytes */
	struct bf_dhcp6_span domains;        /* checked uncompressed wire names */
	uint32_t info_refresh;               /* seconds */
};

static inline bool
bf_dhcp6_has(const struct bf_dhcp6_msg *m, uint16_t code)
{
	return code < 128 && (m->present[code >> 3] & (1u << (code & 7)));
}

/*
 * Parse a client or server message (types 1..11) of len bytes: the UDP
 * payload, or the inner span of bf_dhcp6_unwrap. Checks the option syntax
 * and the sizes of the options above (RFC 8415 21); unknown options are
 * skipped. Returns 0 or a negative enum bf_dhcp6_err.
 */
int bf_dhcp6_parse(struct bf_dhcp6_msg *m, const uint8_t *p, size_t len);

/*
 * RFC 8415 16: may a server act on this parsed message? Rejects types only a
 * server sends, a missing client id, a missing or forbidden server id, and an
 * IA in an Information-request. Whether a server id is ours is the caller's
 * check. Returns 0 or a negative enum bf_dhcp6_err.
 */
int bf_dhcp6_check_client(const struct bf_dhcp6_msg *m);

/* True when the client's ORO lists code. */
bool bf_dhcp6_oro_has(const struct bf_dhcp6_msg *m, uint16_t code);

/* One Relay-forward or Relay-reply header and the options a server uses. */
struct bf_dhcp6_relay {
	uint8_t type; /* 12 or 13 */
	uint8_t hop_count;
	uint8_t link[16];
	uint8_t peer[16];
	struct bf_dhcp6_span relay_msg;    /* the enclosed message, >= 4 bytes */
	struct bf_dhcp6_span interface_id; /* RFC 8415 21.18, echoed in the reply */
	uint32_t remote_enterprise;        /* RFC 4649, valid if remote_id.p */
	struct bf_dhcp6_span remote_id;
	uint16_t lltype; /* RFC 6939, valid if lladdr.p */
	struct bf_dhcp6_span lladdr;
};

/* Parse one relay message (type 12 or 13). Returns 0 or negative. */
int bf_dhcp6_parse_relay(struct bf_dhcp6_relay *r, const uint8_t *p, size_t len);

/*
 * A chain of relay layers, outermost first, and the message they carry.
 * From a client directly: n = 0 and inner is the whole message.
 */
struct bf_dhcp6_chain {
	uint8_t n;
	struct bf_dhcp6_relay layer[BF_DHCP6_HOP_COUNT_LIMIT];
	struct bf_dhcp6_span inner;
};

/*
 * Walk the relay nesting iteratively to the innermost message. All layers
 * have the type of the outermost one (Relay-forward toward a server,
 * Relay-reply toward a client); more than BF_DHCP6_HOP_COUNT_LIMIT layers or
 * a hop count over it is E_HOPS. The inner message is at least 4 bytes and not a relay message;
 * it is not parsed. Returns 0 or negative.
 */
int bf_dhcp6_unwrap(struct bf_dhcp6_chain *c, const uint8_t *p, size_t len);

/* DUID type (1..4) when well formed for that type, 0 for another type, -1 if malformed. */
int bf_dhcp6_duid_type(const uint8_t *duid, size_t len);

/* Ethernet address from a DUID-LLT or DUID-LL of hardware type 1: 0, else -1. */
int bf_dhcp6_duid_mac(const uint8_t *duid, size_t len, uint8_t mac[6]);

/* Human-readable reason for a negative result. */
const char *bf_dhcp6_strerror(int err);

/*
 * Builder. Every function writes through w and returns 0 or a negative enum
 * bf_dhcp6_err; a failure also sets w->err, so a message can be built
 * straight through and checked once (w->err, then w->off is its length).
 * Nothing is ever written past w->cap.
 */

/* Message header: type and 24-bit transaction id. */
int bf_dhcp6_put_hdr(struct bf_wr *w, uint8_t type, uint32_t xid);

/* An option whose body follows: begin returns a mark, end sets its length. */
size_t bf_dhcp6_opt_begin(struct bf_wr *w, uint16_t code);
int bf_dhcp6_opt_end(struct bf_wr *w, size_t mark);

/* Any option from its value (NULL with len 0 for RAPID_COMMIT). */
int bf_dhcp6_put_opt(struct bf_wr *w, uint16_t code, const void *v, size_t len);

/* CLIENTID or SERVERID with a 2..130-byte DUID. */
int bf_dhcp6_put_duid(struct bf_wr *w, uint16_t code, const uint8_t *duid, size_t len);

/*
 * IA_NA / IA_TA with an IAADDR per addr[] (plen ignored), or IA_PD with an
 * IAPREFIX per addr[]; each with its STATUS_CODE if has_status; then the
 * IA's own STATUS_CODE if has_status. Lifetimes must not have preferred >
 * valid, nor T1 > T2 when both are set (RFC 8415 21.4, 21.6).
 */
int bf_dhcp6_put_ia(struct bf_wr *w, const struct bf_dhcp6_ia *ia);

/* STATUS_CODE with an optional UTF-8 message (msg may be NULL). */
int bf_dhcp6_put_status(struct bf_wr *w, uint16_t status, const char *msg);
int bf_dhcp6_put_preference(struct bf_wr *w, uint8_t pref);
int bf_dhcp6_put_info_refresh(struct bf_wr *w, uint32_t secs);
/* DNS_SERVERS from n (>= 1) addresses of 16 bytes each. */
int bf_dhcp6_put_dns(struct bf_wr *w, const uint8_t (*addrs)[16], size_t n);

/*
 * Encode "a.example,b.example" as RFC 1035 wire names, uncompressed (RFC 8415
 * 10): labels 1..63 bytes of letters, digits, '-' and '_', each name at most
 * 255 bytes on the wire, an optional trailing dot, no empty names. Returns
 * the length, or BF_DHCP6_E_NAME / BF_DHCP6_E_NOSPACE.
 */
int bf_dhcp6_encode_domains(const char *text, uint8_t *out, size_t cap);
/* DOMAIN_LIST from the text above. */
int bf_dhcp6_put_domains(struct bf_wr *w, const char *text);

/* BOOTFILE_URL (RFC 5970 3.1): a non-empty URL. */
int bf_dhcp6_put_bootfile_url(struct bf_wr *w, const char *url);
/* BOOTFILE_PARAM (3.2): n >= 1 parameters, each length-prefixed. */
int bf_dhcp6_put_bootfile_params(struct bf_wr *w, const char *const *params, size_t n);
/* VENDOR_CLASS (RFC 8415 21.16): enterprise number and length-prefixed items. */
int bf_dhcp6_put_vendor_class(struct bf_wr *w, uint32_t enterprise,
			      const struct bf_dhcp6_span *items, size_t n);

/*
 * Wrap a reply (inner, len bytes, not overlapping w's buffer) into one
 * Relay-reply per layer of c, outermost first: hop count, link and peer
 * address copied and INTERFACE_ID echoed from the Relay-forward, then
 * RELAY_MSG (RFC 8415 19.3). With c->n == 0 the reply is copied as is.
 */
int bf_dhcp6_wrap_reply(struct bf_wr *w, const struct bf_dhcp6_chain *c, const uint8_t *inner,
			size_t len);

#endif
