/* SPDX-License-Identifier: MIT */
/*
 * TFTP codec: RFC 1350 (protocol), RFC 2347 (option extension, OACK),
 * RFC 2348 (blksize), RFC 2349 (timeout, tsize), RFC 7440 (windowsize),
 * RFC 2090 (multicast: the request flag, the OACK value "addr,port,mc").
 * Pure functions over byte buffers.
 */
#ifndef BF_TFTP_H
#define BF_TFTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BF_TFTP_PORT 69
#define BF_TFTP_MAX_NAME 255	/* longest file name accepted */
#define BF_TFTP_MAX_REQ 512	/* longest request accepted (RFC 1350 packet size) */
#define BF_TFTP_DEF_BLKSIZE 512
#define BF_TFTP_MIN_BLKSIZE 8
#define BF_TFTP_MAX_BLKSIZE 65464
#define BF_TFTP_MIN_TIMEOUT 1
#define BF_TFTP_MAX_TIMEOUT 255
#define BF_TFTP_MAX_WINDOW 65535

enum bf_tftp_op {
	BF_TFTP_RRQ = 1,
	BF_TFTP_WRQ = 2,
	BF_TFTP_DATA = 3,
	BF_TFTP_ACK = 4,
	BF_TFTP_ERROR = 5,
	BF_TFTP_OACK = 6,
};

enum bf_tftp_errcode {
	BF_TFTP_ERR_UNDEF = 0,
	BF_TFTP_ERR_NOTFOUND = 1,
	BF_TFTP_ERR_ACCESS = 2,
	BF_TFTP_ERR_DISKFULL = 3,
	BF_TFTP_ERR_ILLEGAL = 4,
	BF_TFTP_ERR_UNKNOWN_TID = 5,
	BF_TFTP_ERR_EXISTS = 6,
	BF_TFTP_ERR_NOUSER = 7,
	BF_TFTP_ERR_OPTION = 8,
};

enum bf_tftp_mode {
	BF_TFTP_MODE_OCTET = 1,
	BF_TFTP_MODE_NETASCII = 2,
};

/* Parser results (negative). */
enum bf_tftp_perr {
	BF_TFTP_E_SHORT = -1,	 /* packet too short for its opcode */
	BF_TFTP_E_OPCODE = -2,	 /* unknown opcode */
	BF_TFTP_E_NONUL = -3,	 /* file name, mode or an option not NUL-terminated */
	BF_TFTP_E_NAME = -4,	 /* empty file name or longer than BF_TFTP_MAX_NAME */
	BF_TFTP_E_MODE = -5,	 /* mode neither octet nor netascii ("mail" included) */
	BF_TFTP_E_TOOLONG = -6,	 /* request larger than BF_TFTP_MAX_REQ */
	BF_TFTP_E_OPTION = -7,	 /* option name without a value */
};

/*
 * A parsed RRQ/WRQ. Options hold the client's requested values, validated:
 * an option whose value is out of range or not a number is treated as absent
 * (RFC 2347: the server may ignore it) and counted in n_bad_opts. Unknown
 * options are ignored. A repeated option keeps its first value.
 */
struct bf_tftp_req {
	uint16_t opcode; /* RRQ or WRQ */
	uint16_t name_len;
	char name[BF_TFTP_MAX_NAME + 1]; /* NUL-terminated, as sent */
	enum bf_tftp_mode mode;
	bool has_blksize;
	uint16_t blksize; /* 8..65464 */
	bool has_tsize;	  /* client sent tsize (the value, 0 on RRQ, is ignored) */
	bool has_timeout;
	uint8_t timeout; /* 1..255 seconds */
	bool has_windowsize;
	uint16_t windowsize; /* 1..65535 */
	bool has_multicast;  /* RFC 2090 */
	uint8_t n_bad_opts;
};

/* Parse an RRQ or WRQ (the UDP payload). Returns 0 or a negative bf_tftp_perr. */
int bf_tftp_parse_req(struct bf_tftp_req *r, const uint8_t *p, size_t len);

/* A parsed DATA / ACK / ERROR packet. */
struct bf_tftp_pkt {
	uint16_t opcode;
	uint16_t block;		 /* DATA, ACK */
	const uint8_t *data;	 /* DATA payload (points into the packet) */
	size_t data_len;
	uint16_t error_code;	 /* ERROR */
	const char *error_msg;	 /* ERROR: points into the packet, may lack a NUL */
	size_t error_msg_len;	 /* bytes before the NUL or the end */
};

/*
 * Parse any non-request packet: DATA (>= 4 bytes), ACK (>= 4), ERROR (>= 4;
 * message optional and possibly unterminated), OACK (>= 2). Returns 0 or a
 * negative bf_tftp_perr.
 */
int bf_tftp_parse_pkt(struct bf_tftp_pkt *t, const uint8_t *p, size_t len);

/* The options a server accepts, to be echoed in an OACK. */
struct bf_tftp_oack {
	bool blksize;
	uint16_t blksize_val;
	bool tsize;
	uint64_t tsize_val;
	bool timeout;
	uint8_t timeout_val;
	bool windowsize;
	uint16_t windowsize_val;
	/* RFC 2090: "multicast" "a.b.c.d,port,mc"; addr 0 and port 0 are left
	 * out of the value (",,1": a later OACK that only changes the master). */
	bool multicast;
	uint32_t mc_addr;	/* host order, 0: omitted */
	uint16_t mc_port;	/* 0: omitted */
	bool mc_master;		/* mc=1: this client acknowledges */
};

/* Exact size of the OACK for these options (to size the buffer for it). */
size_t bf_tftp_oack_len(const struct bf_tftp_oack *o);
/* Build an OACK into out[0..cap). Returns its length or -1 if it does not fit. */
int bf_tftp_build_oack(uint8_t *out, size_t cap, const struct bf_tftp_oack *o);
/* The longest RFC 2090 value we build or accept: "255.255.255.255,65535,1". */
#define BF_TFTP_MC_MAX 23

/* An RFC 2090 multicast option value, parsed. */
struct bf_tftp_mc {
	bool has_addr;
	uint32_t addr;		/* host order */
	bool has_port;
	uint16_t port;		/* 1..65535 */
	bool master;
};

/*
 * Parse the value of an OACK's "multicast" option, s[0..n) without its NUL:
 * "addr,port,mc" where addr is a dotted quad or empty, port is 1..65535 or
 * empty, and mc is 0 or 1. Anything else (missing commas, leading zeros
 * beyond one digit, spaces, a longer value) is refused. Returns 0 or -1.
 */
int bf_tftp_parse_mc(const char *s, size_t n, struct bf_tftp_mc *out);

/* Build an ERROR (code, NUL-terminated message). Returns length or -1. */
int bf_tftp_build_error(uint8_t *out, size_t cap, uint16_t code, const char *msg);
/* Does p (a UDP payload) open like an ERROR (opcode 5 and an error code)? Such
 * a packet is never answered: two servers would answer each other forever. */
static inline bool
bf_tftp_is_error(const uint8_t *p, size_t len)
{
	return len >= 4 && p[0] == 0 && p[1] == BF_TFTP_ERROR;
}
/* Write the 4-byte DATA header for block. */
void bf_tftp_data_hdr(uint8_t out[4], uint16_t block);
/* Build an ACK (4 bytes). */
void bf_tftp_build_ack(uint8_t out[4], uint16_t block);

/*
 * Map a requested file name to the canonical image name: strips one or more
 * leading '/', collapses "//" to "/", strips a leading "./" component.
 * Rejects (-1) names with a ".." component, a '\\', any byte < 0x20 or 0x7f,
 * or an empty result. out gets the canonical name (NUL-terminated, cap bytes).
 * Returns its length or -1. Image lookup then matches the canonical name
 * exactly: nothing that is not a configured image is ever reachable.
 */
int bf_tftp_canon_name(const char *in, size_t in_len, char *out, size_t cap);

#endif
