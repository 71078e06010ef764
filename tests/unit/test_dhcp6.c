/* SPDX-License-Identifier: MIT */
/*
 * DHCPv6 codec (RFC 8415, 3646, 5970, 6939): messages as real clients send
 * them (EDK2 PXEv6, dhclient -6, iPXE), relay chains, a table of good and
 * malformed inputs side by side, DUID helpers, the domain list encoder, and
 * the reply builder checked byte for byte and parsed back.
 */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bf_dhcp6.h"

/* Large: keep them off the test's stack. */
static struct bf_dhcp6_msg m;
static struct bf_dhcp6_chain chain;
static uint8_t out[4096];

/*
 * Hex with spaces or colons; "61*63" is byte 0x61 repeated 63 times.
 * Returns the number of bytes written to o.
 */
static size_t
hex(const char *s, uint8_t *o, size_t cap)
{
	size_t n = 0;

	while (*s) {
		unsigned v, rep = 1;
		int used = 0;
		if (*s == ' ' || *s == ':') {
			s++;
			continue;
		}
		cr_assert(sscanf(s, "%2x%n", &v, &used) == 1 && used == 2, "bad hex at %s", s);
		s += 2;
		if (*s == '*') {
			cr_assert(sscanf(s + 1, "%u%n", &rep, &used) == 1);
			s += 1 + used;
		}
		cr_assert(rep <= cap - n);
		memset(o + n, (int)v, rep);
		n += rep;
	}
	return n;
}

/* ---- wire pieces ---- */

/* dhclient's DUID-LLT (hardware type 1, 52:54:00:12:34:56) as CLIENTID. */
#define CID_LLT "00 01 00 0e 00 01 00 01 2c 3d 4e 5f 52 54 00 12 34 56 "
/* EDK2's DUID-UUID (RFC 6355, from the SMBIOS UUID). */
#define DUID_UUID "00 04 8a 5b 2c 9e 0d 1f 4e 6a a1 b2 c3 d4 e5 f6 07 18 "
#define CID_UUID "00 01 00 12 " DUID_UUID
/* bootfarm's DUID-LLT, 02:00:5e:10:00:01. */
#define SERVER_DUID "00 01 00 01 2a 00 00 01 02 00 5e 10 00 01 "
#define SID "00 02 00 0e " SERVER_DUID
#define ELAPSED0 "00 08 00 02 00 00 "
#define PXE_VC                                                                                     \
	"50 58 45 43 6c 69 65 6e 74 3a 41 72 63 68 3a 30 30 30 30 37 3a 55 4e 44 49 3a 30 30 33 "  \
	"30 31 36 "
/* 3ffe:501:ffff:100::10 and ::1 (the seeds' dhcpd6.conf network). */
#define ADDR10 "3f fe 05 01 ff ff 01 00 00 00 00 00 00 00 00 10 "
#define ADDR1 "3f fe 05 01 ff ff 01 00 00 00 00 00 00 00 00 01 "
#define URL_GRUB                                                                                   \
	"74 66 74 70 3a 2f 2f 5b 33 66 66 65 3a 35 30 31 3a 66 66 66 66 3a 31 30 30 3a 3a 31 5d "  \
	"2f 67 72 75 62 2e 65 66 69 "
/* IA_NA 0x00123456, no addresses. */
#define IA_NA_EMPTY "00 03 00 0c 00 12 34 56 00 00 00 00 00 00 00 00 "
/* IA_NA with ADDR10, lifetimes 0 (what Request, Release, Decline, Confirm echo). */
#define IA_NA_ADDR0 "00 03 00 28 00 12 34 56 00*8 00 05 00 18 " ADDR10 "00*8 "
/* T1 302400, T2 483840, preferred 604800, valid 2592000. */
#define IA_NA_LEASE                                                                                \
	"00 03 00 28 00 12 34 56 00 04 9d 40 00 07 62 00 00 05 00 18 " ADDR10 "00 09 3a 80 00 27 8d 00 "

/* OVMF (EDK2 NetworkPkg) PXE over IPv6 on x64. */
#define EDK2_SOLICIT                                                                               \
	"01 5a 1b 2c " CID_UUID ELAPSED0 "00 06 00 08 00 3b 00 3c 00 17 00 10 "                    \
	"00 3e 00 03 01 03 10 "                                                                    \
	"00 3d 00 02 00 07 "                                                                       \
	"00 10 00 26 00 00 01 57 00 20 " PXE_VC IA_NA_EMPTY
#define EDK2_REQUEST "03 5a 1b 2d " CID_UUID SID ELAPSED0 "00 06 00 08 00 3b 00 3c 00 17 00 10 " IA_NA_ADDR0
/* ISC dhclient -6 (56 bytes). */
#define DHCLIENT_SOLICIT                                                                           \
	"01 ab cd ef " CID_LLT "00 06 00 08 00 17 00 18 00 27 00 1f " ELAPSED0                     \
	"00 03 00 0c 00 12 34 56 00 00 0e 10 00 00 15 18 "
/* iPXE: DUID-LL, user class "iPXE", Rapid Commit. */
#define IPXE_SOLICIT                                                                               \
	"01 11 22 33 00 01 00 0a 00 03 00 01 52 54 00 12 34 56 "                                   \
	"00 06 00 08 00 17 00 18 00 3b 00 3c " ELAPSED0 "00 0f 00 06 00 04 69 50 58 45 "           \
	"00 3d 00 02 00 07 00 3e 00 03 01 03 0a " IA_NA_EMPTY "00 0e 00 00 "
#define RENEW "05 0a 0b 0c " CID_LLT SID "00 06 00 04 00 17 00 18 " ELAPSED0 IA_NA_LEASE
#define REBIND "06 0a 0b 0d " CID_LLT "00 06 00 04 00 17 00 18 00 08 00 02 0b b8 " IA_NA_LEASE
#define RELEASE "08 0a 0b 0e " CID_LLT SID ELAPSED0 IA_NA_ADDR0
#define DECLINE "09 0a 0b 0f " CID_LLT SID ELAPSED0 IA_NA_ADDR0
#define CONFIRM "04 0a 0b 10 " CID_LLT ELAPSED0 IA_NA_ADDR0
#define INFO_REQ "0b 0a 0b 11 " CID_LLT "00 06 00 06 00 17 00 18 00 20 " ELAPSED0
#define IA_TA_SOLICIT "01 0a 0b 12 " CID_LLT ELAPSED0 "00 04 00 20 00 00 00 01 00 05 00 18 " ADDR10 "00*8 "
/* IA_PD 7 with an IAPREFIX hint: 2001:db8:ff00::/56, lifetimes 0. */
#define IA_PD_SOLICIT                                                                              \
	"01 0a 0b 13 " CID_LLT ELAPSED0                                                            \
	"00 19 00 29 00 00 00 07 00*8 00 1a 00 19 00*8 38 20 01 0d b8 ff 00 00*10 "

/* Relay 1 (hop 0) next to the client, relay 2 (hop 1) next to the server. */
#define LINK1 "20 01 0d b8 00 01 00 00 00 00 00 00 00 00 00 01 "
#define PEER_CLIENT "fe 80 00 00 00 00 00 00 50 54 00 ff fe 12 34 56 "
#define LINK2 "20 01 0d b8 00 02 00 00 00 00 00 00 00 00 00 01 "
#define PEER_RELAY1 "20 01 0d b8 00 01 00 00 00 00 00 00 00 00 00 fe "
#define IFID_ETH1 "00 12 00 04 65 74 68 31 "
#define IFID_VLAN7 "00 12 00 05 76 6c 61 6e 37 "
#define RELAY_FORW_2                                                                               \
	"0c 01 " LINK2 PEER_RELAY1 IFID_ETH1 "00 09 00 73 "                                       \
	"0c 00 " LINK1 PEER_CLIENT IFID_VLAN7 "00 4f 00 08 00 01 52 54 00 12 34 56 "              \
	"00 09 00 38 " DHCLIENT_SOLICIT

/* A relay-forward header (hop given) from relay 1, and a 22-byte Solicit. */
#define RHDR(hop) "0c " hop " " LINK1 PEER_CLIENT
#define SOL "01 ab cd ef "
#define SOL_CID SOL CID_LLT
#define IANA(id) "00 03 00 0c 00 00 00 " id " 00*8 "
#define IAADDR0 "00 05 00 18 00*24 "

enum mode {
	MSG,	/* bf_dhcp6_parse */
	CLIENT, /* bf_dhcp6_parse, then bf_dhcp6_check_client */
	RELAY,	/* bf_dhcp6_unwrap, then parse and check the inner message */
};

struct vec {
	const char *name;
	enum mode mode;
	const char *hex;
	int err;
};

#define E(x) BF_DHCP6_E_##x

static const struct vec vecs[] = {
	/* the real messages */
	{"EDK2 Solicit", CLIENT, EDK2_SOLICIT, 0},
	{"EDK2 Request", CLIENT, EDK2_REQUEST, 0},
	{"dhclient Solicit", CLIENT, DHCLIENT_SOLICIT, 0},
	{"iPXE Solicit", CLIENT, IPXE_SOLICIT, 0},
	{"Renew", CLIENT, RENEW, 0},
	{"Rebind", CLIENT, REBIND, 0},
	{"Release", CLIENT, RELEASE, 0},
	{"Decline", CLIENT, DECLINE, 0},
	{"Confirm", CLIENT, CONFIRM, 0},
	{"Information-request", CLIENT, INFO_REQ, 0},
	{"IA_TA Solicit", CLIENT, IA_TA_SOLICIT, 0},
	{"IA_PD Solicit", CLIENT, IA_PD_SOLICIT, 0},
	{"relay-forward, two levels", RELAY, RELAY_FORW_2, 0},
	/* header */
	{"empty", MSG, "", E(LEN)},
	{"1 byte", MSG, "01", E(LEN)},
	{"2 bytes", MSG, "01 ab", E(LEN)},
	{"3 bytes", MSG, "01 ab cd", E(LEN)},
	{"header only parses", MSG, SOL, 0},
	{"header only is no Solicit", CLIENT, SOL, E(NOCLIENTID)},
	{"type 0", MSG, "00 ab cd ef", E(TYPE)},
	{"type 14 (LEASEQUERY)", MSG, "0e ab cd ef", E(TYPE)},
	{"type 255", MSG, "ff ab cd ef", E(TYPE)},
	{"relay-forward to the message parser", MSG, RHDR("00") "00 09 00 16 " SOL_CID, E(TYPE)},
	/* option headers and lengths */
	{"1 byte of option header", MSG, SOL_CID "00", E(OPTLEN)},
	{"2 bytes of option header", MSG, SOL_CID "00 08", E(OPTLEN)},
	{"3 bytes of option header", MSG, SOL_CID "00 08 00", E(OPTLEN)},
	{"length one past the end", MSG, SOL_CID "00 08 00 02 00", E(OPTLEN)},
	{"length 0xffff", MSG, SOL "00 01 ff ff 00 01", E(OPTLEN)},
	{"unknown option past the end", MSG, SOL_CID "00 63 00 05 01 02 03 04", E(OPTLEN)},
	{"unknown option skipped", CLIENT, SOL_CID "00 63 00 02 01 02", 0},
	{"code over 127 skipped", CLIENT, SOL_CID "01 00 00 00", 0},
	/* DUIDs (RFC 8415 11.1) */
	{"CLIENTID length 0", MSG, SOL "00 01 00 00", E(DUID)},
	{"CLIENTID length 1", MSG, SOL "00 01 00 01 00", E(DUID)},
	{"CLIENTID length 2", CLIENT, SOL "00 01 00 02 00 04", 0},
	{"CLIENTID length 130", CLIENT, SOL "00 01 00 82 00 02 aa*128", 0},
	{"CLIENTID length 131", MSG, SOL "00 01 00 83 00 02 aa*129", E(DUID)},
	{"SERVERID length 131", MSG, "03 ab cd ef " CID_LLT "00 02 00 83 00 02 aa*129", E(DUID)},
	{"CLIENTID twice", MSG, SOL_CID CID_LLT, E(DUP)},
	{"SERVERID twice", MSG, "03 ab cd ef " CID_LLT SID SID, E(DUP)},
	/* fixed sizes */
	{"ELAPSED_TIME length 1", MSG, SOL_CID "00 08 00 01 00", E(OPTVAL)},
	{"ELAPSED_TIME length 3", MSG, SOL_CID "00 08 00 03 00 00 00", E(OPTVAL)},
	{"ELAPSED_TIME twice", MSG, SOL_CID ELAPSED0 ELAPSED0, E(DUP)},
	{"PREFERENCE length 0", MSG, SOL_CID "00 07 00 00", E(OPTVAL)},
	{"PREFERENCE length 2", MSG, SOL_CID "00 07 00 02 00 ff", E(OPTVAL)},
	{"ORO odd length", MSG, SOL_CID "00 06 00 03 00 17 00", E(OPTVAL)},
	{"ORO empty", CLIENT, SOL_CID "00 06 00 00", 0},
	{"ORO twice", MSG, SOL_CID "00 06 00 02 00 17 00 06 00 02 00 18", E(DUP)},
	{"RAPID_COMMIT length 1", MSG, SOL_CID "00 0e 00 01 00", E(OPTVAL)},
	{"CLIENT_ARCH_TYPE length 0", MSG, SOL_CID "00 3d 00 00", E(OPTVAL)},
	{"CLIENT_ARCH_TYPE length 3", MSG, SOL_CID "00 3d 00 03 00 07 00", E(OPTVAL)},
	{"NII length 2", MSG, SOL_CID "00 3e 00 02 01 03", E(OPTVAL)},
	{"NII length 4", MSG, SOL_CID "00 3e 00 04 01 03 10 00", E(OPTVAL)},
	{"INFORMATION_REFRESH_TIME length 3", MSG, SOL_CID "00 20 00 03 00 00 00", E(OPTVAL)},
	{"DNS_SERVERS length 15", MSG, SOL_CID "00 17 00 0f 00*15", E(OPTVAL)},
	{"DNS_SERVERS length 17", MSG, SOL_CID "00 17 00 11 00*17", E(OPTVAL)},
	{"CLIENT_LINKLAYER_ADDR length 2", MSG, SOL_CID "00 4f 00 02 00 01", E(OPTVAL)},
	{"CLIENT_LINKLAYER_ADDR length 23", MSG, SOL_CID "00 4f 00 17 00 20 aa*21", E(OPTVAL)},
	{"STATUS_CODE length 1", MSG, SOL_CID "00 0d 00 01 00", E(OPTVAL)},
	{"BOOTFILE_URL length 0", MSG, SOL_CID "00 3b 00 00", E(OPTVAL)},
	/* IAs */
	{"IA_NA length 11", MSG, SOL_CID "00 03 00 0b 00*11", E(OPTVAL)},
	{"IA_TA length 3", MSG, SOL_CID "00 04 00 03 00*3", E(OPTVAL)},
	{"IA_PD length 11", MSG, SOL_CID "00 19 00 0b 00*11", E(OPTVAL)},
	{"IA_NA T1 > T2", MSG, SOL_CID "00 03 00 0c 00 00 00 01 00 00 0e 10 00 00 07 08", E(OPTVAL)},
	{"IA_NA T1 > T2 = 0", CLIENT, SOL_CID "00 03 00 0c 00 00 00 01 00 00 0e 10 00*4", 0},
	{"IA_PD T1 > T2", MSG, SOL_CID "00 19 00 0c 00 00 00 01 00 00 00 02 00 00 00 01", E(OPTVAL)},
	{"IAADDR length 23", MSG, SOL_CID "00 03 00 27 00 00 00 01 00*8 00 05 00 17 00*23",
	 E(OPTVAL)},
	{"IAADDR past the end of IA_NA", MSG,
	 SOL_CID "00 03 00 1c 00 00 00 01 00*8 00 05 00 18 00*12", E(OPTLEN)},
	{"IAADDR header cut in IA_NA", MSG, SOL_CID "00 03 00 0e 00 00 00 01 00*8 00 05",
	 E(OPTLEN)},
	{"IAADDR preferred > valid", MSG,
	 SOL_CID "00 03 00 28 00 00 00 01 00*8 00 05 00 18 20 01 0d b8 00*12 00 00 0e 10 00 00 07 08",
	 E(OPTVAL)},
	{"IAPREFIX length 24", MSG, SOL_CID "00 19 00 28 00 00 00 01 00*8 00 1a 00 18 00*24",
	 E(OPTVAL)},
	{"IAPREFIX length 129", MSG, SOL_CID "00 19 00 29 00 00 00 01 00*8 00 1a 00 19 00*8 81 00*16",
	 E(OPTVAL)},
	{"IAPREFIX length 128", CLIENT,
	 SOL_CID "00 19 00 29 00 00 00 01 00*8 00 1a 00 19 00*8 80 00*16", 0},
	{"IAPREFIX preferred > valid", MSG,
	 SOL_CID "00 19 00 29 00 00 00 01 00*8 00 1a 00 19 00 00 00 02 00 00 00 01 40 20 01 0d b8 00*12",
	 E(OPTVAL)},
	{"IAADDR in IA_PD is ignored", CLIENT, SOL_CID "00 19 00 28 00 00 00 01 00*8 " IAADDR0, 0},
	{"STATUS_CODE length 1 in IA_NA", MSG, SOL_CID "00 03 00 11 00 00 00 01 00*8 00 0d 00 01 00",
	 E(OPTVAL)},
	{"STATUS_CODE twice in IA_NA", MSG,
	 SOL_CID "00 03 00 18 00 00 00 01 00*8 00 0d 00 02 00 00 00 0d 00 02 00 00", E(DUP)},
	{"STATUS_CODE twice in IAADDR", MSG,
	 SOL_CID "00 03 00 34 00 00 00 01 00*8 00 05 00 24 00*24 00 0d 00 02 00 00 00 0d 00 02 00 00",
	 E(DUP)},
	{"IAADDR sub-option header cut", MSG,
	 SOL_CID "00 03 00 2a 00 00 00 01 00*8 00 05 00 1a 00*24 00 0d", E(OPTLEN)},
	{"same IAID twice", MSG, SOL_CID IANA("01") IANA("01"), E(DUP)},
	{"same IAID in IA_NA and IA_PD", CLIENT,
	 SOL_CID IANA("01") "00 19 00 0c 00 00 00 01 00*8", 0},
	{"8 IA_NAs", CLIENT,
	 SOL_CID IANA("01") IANA("02") IANA("03") IANA("04") IANA("05") IANA("06") IANA("07")
		 IANA("08"),
	 0},
	{"9 IA_NAs", MSG,
	 SOL_CID IANA("01") IANA("02") IANA("03") IANA("04") IANA("05") IANA("06") IANA("07")
		 IANA("08") IANA("09"),
	 E(TOOMANY)},
	{"8 IAADDRs", CLIENT,
	 SOL_CID "00 03 00 ec 00 00 00 01 00*8 " IAADDR0 IAADDR0 IAADDR0 IAADDR0 IAADDR0 IAADDR0
		 IAADDR0 IAADDR0,
	 0},
	{"9 IAADDRs", MSG,
	 SOL_CID "00 03 01 08 00 00 00 01 00*8 " IAADDR0 IAADDR0 IAADDR0 IAADDR0 IAADDR0 IAADDR0
		 IAADDR0 IAADDR0 IAADDR0,
	 E(TOOMANY)},
	/* user class, vendor class, vendor options (RFC 8415 21.15-21.17) */
	{"USER_CLASS length 0", MSG, SOL_CID "00 0f 00 00", E(OPTVAL)},
	{"USER_CLASS length 1", MSG, SOL_CID "00 0f 00 01 00", E(OPTVAL)},
	{"USER_CLASS item past its end", MSG, SOL_CID "00 0f 00 05 00 04 69 50 58", E(OPTVAL)},
	{"USER_CLASS item header cut", MSG, SOL_CID "00 0f 00 07 00 04 69 50 58 45 00", E(OPTVAL)},
	{"USER_CLASS twice", MSG, SOL_CID "00 0f 00 02 00 00 00 0f 00 02 00 00", E(DUP)},
	{"VENDOR_CLASS length 3", MSG, SOL_CID "00 10 00 03 00 00 01", E(OPTVAL)},
	{"VENDOR_CLASS item past its end", MSG, SOL_CID "00 10 00 08 00 00 01 57 00 05 50 58",
	 E(OPTVAL)},
	{"VENDOR_CLASS enterprise twice", MSG,
	 SOL_CID "00 10 00 04 00 00 01 57 00 10 00 04 00 00 01 57", E(DUP)},
	{"VENDOR_CLASS two enterprises", CLIENT,
	 SOL_CID "00 10 00 04 00 00 01 57 00 10 00 04 00 00 29 b4", 0},
	{"VENDOR_OPTS length 3", MSG, SOL_CID "00 11 00 03 00 00 01", E(OPTVAL)},
	{"VENDOR_OPTS sub-option past its end", MSG,
	 SOL_CID "00 11 00 08 00 00 01 57 00 01 00 05", E(OPTVAL)},
	/* names (RFC 8415 10) and boot parameters (RFC 5970 3.2) */
	{"DOMAIN_LIST compression pointer", MSG, SOL_CID "00 18 00 04 01 61 c0 0c", E(OPTVAL)},
	{"DOMAIN_LIST unterminated", MSG, SOL_CID "00 18 00 02 01 61", E(OPTVAL)},
	{"DOMAIN_LIST label 64", MSG, SOL_CID "00 18 00 42 40 61*64 00", E(OPTVAL)},
	{"DOMAIN_LIST root only", MSG, SOL_CID "00 18 00 01 00", E(OPTVAL)},
	{"DOMAIN_LIST name of 255", CLIENT,
	 SOL_CID "00 18 00 ff 3f 61*63 3f 62*63 3f 63*63 3d 64*61 00", 0},
	{"DOMAIN_LIST name of 256", MSG,
	 SOL_CID "00 18 01 00 3f 61*63 3f 62*63 3f 63*63 3e 64*62 00", E(OPTVAL)},
	{"BOOTFILE_PARAM item past its end", MSG, SOL_CID "00 3c 00 04 00 05 61 62", E(OPTVAL)},
	/* RFC 8415 16: what a server acts on */
	{"Solicit without CLIENTID", CLIENT, SOL ELAPSED0, E(NOCLIENTID)},
	{"Solicit with SERVERID", CLIENT, SOL_CID SID, E(SERVERID)},
	{"Request without SERVERID", CLIENT, "03 ab cd ef " CID_LLT, E(SERVERID)},
	{"Renew without SERVERID", CLIENT, "05 ab cd ef " CID_LLT, E(SERVERID)},
	{"Release without CLIENTID", CLIENT, "08 ab cd ef " SID, E(NOCLIENTID)},
	{"Rebind with SERVERID", CLIENT, "06 ab cd ef " CID_LLT SID, E(SERVERID)},
	{"Confirm with SERVERID", CLIENT, "04 ab cd ef " CID_LLT SID, E(SERVERID)},
	{"Advertise", CLIENT, "02 ab cd ef " CID_LLT SID, E(SERVERTYPE)},
	{"Reply", CLIENT, "07 ab cd ef " CID_LLT SID, E(SERVERTYPE)},
	{"Reconfigure", CLIENT, "0a ab cd ef " CID_LLT SID, E(SERVERTYPE)},
	{"Information-request with IA_NA", CLIENT, "0b ab cd ef " CID_LLT IANA("01"), E(BADOPT)},
	{"Information-request without ids", CLIENT, "0b ab cd ef " ELAPSED0, 0},
	/* relays (RFC 8415 9, 19) */
	{"relay of 33 bytes", RELAY, "0c 00 00*31", E(LEN)},
	{"relay without RELAY_MSG", RELAY, RHDR("00") IFID_ETH1, E(NORELAYMSG)},
	{"relay header only", RELAY, RHDR("00"), E(NORELAYMSG)},
	{"RELAY_MSG one past the end", RELAY, RHDR("00") "00 09 00 17 " SOL_CID, E(OPTLEN)},
	{"RELAY_MSG of 3 bytes", RELAY, RHDR("00") "00 09 00 03 01 ab cd", E(LEN)},
	{"RELAY_MSG twice", RELAY, RHDR("00") "00 09 00 16 " SOL_CID "00 09 00 16 " SOL_CID, E(DUP)},
	{"INTERFACE_ID twice", RELAY, RHDR("00") IFID_ETH1 IFID_ETH1 "00 09 00 16 " SOL_CID, E(DUP)},
	{"INTERFACE_ID length 0", RELAY, RHDR("00") "00 12 00 00 00 09 00 16 " SOL_CID, E(OPTVAL)},
	{"REMOTE_ID length 4", RELAY, RHDR("00") "00 25 00 04 00 00 0d e9 00 09 00 16 " SOL_CID,
	 E(OPTVAL)},
	{"REMOTE_ID length 5", RELAY, RHDR("00") "00 25 00 05 00 00 0d e9 01 00 09 00 16 " SOL_CID,
	 0},
	{"relay CLIENT_LINKLAYER_ADDR length 2", RELAY,
	 RHDR("00") "00 4f 00 02 00 01 00 09 00 16 " SOL_CID, E(OPTVAL)},
	{"relay option header cut", RELAY, RHDR("00") "00 09 00 16 " SOL_CID "00 12 00", E(OPTLEN)},
	{"hop count 32", RELAY, RHDR("20") "00 09 00 16 " SOL_CID, 0},
	{"hop count 33", RELAY, RHDR("21") "00 09 00 16 " SOL_CID, E(HOPS)},
	{"inner RELAY_MSG beyond the outer one", RELAY,
	 RHDR("01") "00 09 00 3c " RHDR("00") "00 09 00 17 " SOL_CID IFID_ETH1, E(OPTLEN)},
	{"relay-reply inside relay-forward", RELAY,
	 RHDR("01") "00 09 00 3c 0d 00 " LINK1 PEER_CLIENT "00 09 00 16 " SOL_CID, E(TYPE)},
	{"innermost message of type 0", RELAY, RHDR("00") "00 09 00 04 00 00 00 00", E(TYPE)},
	{"relayed Advertise", RELAY, RHDR("00") "00 09 00 16 02 ab cd ef " CID_LLT, E(SERVERTYPE)},
	{"relayed message with a bad option", RELAY, RHDR("00") "00 09 00 19 " SOL_CID "00 08 00",
	 E(OPTLEN)},
};

#define N_VECS (sizeof(vecs) / sizeof(vecs[0]))

static size_t
vec_bytes(const char *h, uint8_t **copy)
{
	static uint8_t b[2048];
	size_t n = hex(h, b, sizeof(b));
	/* An exact-size heap copy so ASan catches any read past the message. */
	*copy = malloc(n ? n : 1);
	cr_assert_not_null(*copy);
	memcpy(*copy, b, n);
	return n;
}

static int
run(enum mode mode, const uint8_t *p, size_t n)
{
	int rc;

	if (mode == RELAY) {
		rc = bf_dhcp6_unwrap(&chain, p, n);
		if (rc)
			return rc;
		p = chain.inner.p;
		n = chain.inner.len;
	}
	rc = bf_dhcp6_parse(&m, p, n);
	if (rc || mode == MSG)
		return rc;
	return bf_dhcp6_check_client(&m);
}

Test(dhcp6, vectors)
{
	size_t bad = 0;

	for (size_t i = 0; i < N_VECS; i++) {
		uint8_t *b;
		size_t n = vec_bytes(vecs[i].hex, &b);
		int rc = run(vecs[i].mode, b, n);
		cr_expect_eq(rc, vecs[i].err, "%s: got %d (%s), want %d", vecs[i].name, rc,
			     bf_dhcp6_strerror(rc), vecs[i].err);
		free(b);
		bad += vecs[i].err != 0;
	}
	cr_assert_geq(bad, 40);
}

static const struct vec *
find_vec(const char *name)
{
	for (size_t i = 0; i < N_VECS; i++)
		if (strcmp(vecs[i].name, name) == 0)
			return &vecs[i];
	cr_assert_fail("no vector %s", name);
	return NULL;
}

/* Parse a named good vector; its bytes stay allocated for the spans (freed at exit). */
static const uint8_t *
parse_ok(const char *name, size_t *len)
{
	const struct vec *v = find_vec(name);
	uint8_t *b;
	size_t n = vec_bytes(v->hex, &b);
	int rc = run(v->mode, b, n);
	cr_assert_eq(rc, 0, "%s: %s", name, bf_dhcp6_strerror(rc));
	if (len)
		*len = n;
	return b;
}

static bool
span_is(struct bf_dhcp6_span s, const char *h)
{
	uint8_t b[256];
	size_t n = hex(h, b, sizeof(b));
	return s.p && s.len == n && memcmp(s.p, b, n) == 0;
}

static bool
span_str(struct bf_dhcp6_span s, const char *str)
{
	return s.p && s.len == strlen(str) && memcmp(s.p, str, s.len) == 0;
}

/*
 * Every strict prefix of a good message: OK exactly when it ends on an
 * option boundary (options are self-delimiting), E_OPTLEN inside an option,
 * E_LEN inside the header.
 */
Test(dhcp6, every_truncation)
{
	static const char *const names[] = {"EDK2 Solicit", "EDK2 Request", "dhclient Solicit",
					    "iPXE Solicit", "Renew", "IA_PD Solicit"};
	for (size_t k = 0; k < sizeof(names) / sizeof(names[0]); k++) {
		size_t n;
		const uint8_t *full = parse_ok(names[k], &n);
		size_t boundary = 4;
		for (size_t cut = 0; cut < n; cut++) {
			uint8_t *c = malloc(cut ? cut : 1);
			memcpy(c, full, cut);
			int rc = bf_dhcp6_parse(&m, c, cut);
			int want = cut < 4 ? BF_DHCP6_E_LEN
					   : cut == boundary ? 0 : BF_DHCP6_E_OPTLEN;
			cr_expect_eq(rc, want, "%s cut at %zu: %d", names[k], cut, rc);
			if (cut == boundary)
				boundary += 4 + bf_get_be16(full + cut + 2);
			free(c);
		}
		free((void *)full);
	}
	/* A relay message's last option is RELAY_MSG: no strict prefix is whole. */
	size_t n;
	const uint8_t *full = parse_ok("relay-forward, two levels", &n);
	for (size_t cut = 0; cut < n; cut++) {
		uint8_t *c = malloc(cut ? cut : 1);
		memcpy(c, full, cut);
		cr_expect_neq(bf_dhcp6_unwrap(&chain, c, cut), 0, "relay cut at %zu", cut);
		free(c);
	}
	free((void *)full);
}

/* Each option length of a good message one too long or one too short fails. */
Test(dhcp6, every_length_off_by_one)
{
	size_t n;
	const uint8_t *full = parse_ok("EDK2 Solicit", &n);
	uint8_t *c = malloc(n);

	for (size_t at = 4; at < n; at += 4 + bf_get_be16(full + at + 2)) {
		for (int d = -1; d <= 1; d += 2) {
			memcpy(c, full, n);
			bf_put_be16(c + at + 2, (uint16_t)(bf_get_be16(full + at + 2) + d));
			cr_expect_neq(bf_dhcp6_parse(&m, c, n), 0, "option at %zu, %+d", at, d);
		}
	}
	free(c);
	free((void *)full);
}

Test(dhcp6, edk2_solicit)
{
	const uint8_t *b = parse_ok("EDK2 Solicit", NULL);

	cr_assert_eq(m.type, BF_DHCP6_SOLICIT);
	cr_assert_eq(m.xid, 0x5a1b2c);
	cr_assert(span_is(m.client_id, DUID_UUID));
	cr_assert_eq(bf_dhcp6_duid_type(m.client_id.p, m.client_id.len), BF_DUID_UUID);
	cr_assert_not(bf_dhcp6_has(&m, BF_O6_SERVERID));
	cr_assert_eq(m.elapsed, 0);
	cr_assert_eq(m.n_oro, 4);
	cr_assert(bf_dhcp6_oro_has(&m, BF_O6_BOOTFILE_URL));
	cr_assert(bf_dhcp6_oro_has(&m, BF_O6_BOOTFILE_PARAM));
	cr_assert(bf_dhcp6_oro_has(&m, BF_O6_DNS_SERVERS));
	cr_assert(bf_dhcp6_oro_has(&m, BF_O6_VENDOR_CLASS));
	cr_assert_not(bf_dhcp6_oro_has(&m, BF_O6_DOMAIN_LIST));
	cr_assert_eq(m.n_arch, 1);
	cr_assert_eq(m.arch[0], 7);
	cr_assert(bf_dhcp6_has(&m, BF_O6_NII));
	cr_assert_arr_eq(m.nii, ((uint8_t[]){1, 3, 16}), 3);
	cr_assert_eq(m.n_vendor_class, 1);
	cr_assert_eq(m.vendor_class[0].enterprise, 343);
	cr_assert_eq(m.vendor_class[0].n_items, 1);
	cr_assert(span_str(m.vendor_class[0].item[0], "PXEClient:Arch:00007:UNDI:003016"));
	cr_assert(m.is_pxe);
	cr_assert_not(m.is_http || m.is_ipxe || m.rapid_commit);
	cr_assert_eq(m.n_ia_na, 1);
	cr_assert_eq(m.n_ia_seen, 1);
	cr_assert_eq(m.ia_na[0].type, BF_O6_IA_NA);
	cr_assert_eq(m.ia_na[0].iaid, 0x00123456);
	cr_assert_eq(m.ia_na[0].n_addr, 0);
	cr_assert_eq(m.n_ia_ta + m.n_ia_pd, 0);
	free((void *)b);
}

Test(dhcp6, edk2_request)
{
	const uint8_t *b = parse_ok("EDK2 Request", NULL);

	cr_assert_eq(m.type, BF_DHCP6_REQUEST);
	cr_assert(span_is(m.server_id, SERVER_DUID));
	cr_assert_eq(m.n_ia_na, 1);
	const struct bf_dhcp6_ia *ia = &m.ia_na[0];
	cr_assert_eq(ia->n_addr, 1);
	uint8_t a[16];
	hex(ADDR10, a, sizeof(a));
	cr_assert_arr_eq(ia->addr[0].addr, a, 16);
	cr_assert_eq(ia->addr[0].plen, 128);
	cr_assert_eq(ia->addr[0].preferred, 0);
	cr_assert_eq(ia->addr[0].valid, 0);
	free((void *)b);
}

Test(dhcp6, dhclient_solicit)
{
	uint8_t mac[6];
	const uint8_t *b = parse_ok("dhclient Solicit", NULL);

	cr_assert_eq(m.xid, 0xabcdef);
	cr_assert_eq(bf_dhcp6_duid_type(m.client_id.p, m.client_id.len), BF_DUID_LLT);
	cr_assert_eq(bf_dhcp6_duid_mac(m.client_id.p, m.client_id.len, mac), 0);
	cr_assert_arr_eq(mac, ((uint8_t[]){0x52, 0x54, 0x00, 0x12, 0x34, 0x56}), 6);
	cr_assert_eq(m.n_oro, 4);
	cr_assert(bf_dhcp6_oro_has(&m, 39));
	cr_assert_eq(m.ia_na[0].t1, 3600);
	cr_assert_eq(m.ia_na[0].t2, 5400);
	cr_assert_not(m.is_pxe || m.is_ipxe || bf_dhcp6_has(&m, BF_O6_NII));
	cr_assert_eq(m.n_arch, 0);
	free((void *)b);
}

Test(dhcp6, ipxe_rapid_commit_user_class)
{
	uint8_t mac[6];
	const uint8_t *b = parse_ok("iPXE Solicit", NULL);

	cr_assert(m.rapid_commit);
	cr_assert(m.is_ipxe);
	cr_assert_eq(m.n_user_class, 1);
	cr_assert(span_str(m.user_class[0], "iPXE"));
	cr_assert_eq(bf_dhcp6_duid_type(m.client_id.p, m.client_id.len), BF_DUID_LL);
	cr_assert_eq(bf_dhcp6_duid_mac(m.client_id.p, m.client_id.len, mac), 0);
	cr_assert_eq(mac[5], 0x56);
	cr_assert_arr_eq(m.nii, ((uint8_t[]){1, 3, 10}), 3);
	free((void *)b);
}

/* RFC 8415 21.15: several items; iPXE is one of them, "iPXEx" and "iPX" are not. */
Test(dhcp6, user_class_items)
{
	static const struct {
		const char *h;
		bool ipxe;
		unsigned n;
	} cases[] = {
		{SOL_CID "00 0f 00 10 00 05 6f 74 68 65 72 00 04 69 50 58 45 00 01 78", true, 3},
		{SOL_CID "00 0f 00 07 00 05 69 50 58 45 78", false, 1},
		{SOL_CID "00 0f 00 05 00 03 69 50 58", false, 1},
		{SOL_CID "00 0f 00 04 00 00 00 00", false, 2},
		/* 10 items: 8 kept, the last still looked at */
		{SOL_CID "00 0f 00 18 00*18 00 04 69 50 58 45", true, 8},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint8_t *b;
		size_t n = vec_bytes(cases[i].h, &b);
		cr_assert_eq(bf_dhcp6_parse(&m, b, n), 0, "case %zu", i);
		cr_expect_eq(m.is_ipxe, cases[i].ipxe, "case %zu", i);
		cr_expect_eq(m.n_user_class, cases[i].n, "case %zu", i);
		free(b);
	}
}

Test(dhcp6, renew_rebind_release_decline_confirm_inforeq)
{
	const uint8_t *b = parse_ok("Renew", NULL);
	cr_assert_eq(m.type, BF_DHCP6_RENEW);
	cr_assert_eq(m.ia_na[0].t1, 302400);
	cr_assert_eq(m.ia_na[0].addr[0].preferred, 604800);
	cr_assert_eq(m.ia_na[0].addr[0].valid, 2592000);
	free((void *)b);

	b = parse_ok("Rebind", NULL);
	cr_assert_eq(m.type, BF_DHCP6_REBIND);
	cr_assert_eq(m.elapsed, 3000);
	cr_assert_not(bf_dhcp6_has(&m, BF_O6_SERVERID));
	free((void *)b);

	b = parse_ok("Release", NULL);
	cr_assert_eq(m.type, BF_DHCP6_RELEASE);
	cr_assert_eq(m.ia_na[0].n_addr, 1);
	free((void *)b);
	b = parse_ok("Decline", NULL);
	cr_assert_eq(m.type, BF_DHCP6_DECLINE);
	free((void *)b);
	b = parse_ok("Confirm", NULL);
	cr_assert_eq(m.type, BF_DHCP6_CONFIRM);
	cr_assert_eq(m.ia_na[0].n_addr, 1);
	free((void *)b);

	b = parse_ok("Information-request", NULL);
	cr_assert_eq(m.type, BF_DHCP6_INFORMATION_REQUEST);
	cr_assert_eq(m.n_ia_seen, 0);
	cr_assert(bf_dhcp6_oro_has(&m, BF_O6_INFORMATION_REFRESH_TIME));
	free((void *)b);
}

Test(dhcp6, ia_ta_and_ia_pd)
{
	const uint8_t *b = parse_ok("IA_TA Solicit", NULL);
	cr_assert_eq(m.n_ia_ta, 1);
	cr_assert_eq(m.n_ia_na, 0);
	cr_assert_eq(m.ia_ta[0].type, BF_O6_IA_TA);
	cr_assert_eq(m.ia_ta[0].iaid, 1);
	cr_assert_eq(m.ia_ta[0].t1 + m.ia_ta[0].t2, 0);
	cr_assert_eq(m.ia_ta[0].n_addr, 1);
	free((void *)b);

	b = parse_ok("IA_PD Solicit", NULL);
	cr_assert_eq(m.n_ia_pd, 1);
	const struct bf_dhcp6_ia *pd = &m.ia_pd[0];
	cr_assert_eq(pd->iaid, 7);
	cr_assert_eq(pd->n_addr, 1);
	cr_assert_eq(pd->addr[0].plen, 56);
	cr_assert_arr_eq(pd->addr[0].addr,
			 ((uint8_t[]){0x20, 0x01, 0x0d, 0xb8, 0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}),
			 16);
	free((void *)b);

	/* The 9th IA is still counted. */
	b = parse_ok("8 IA_NAs", NULL);
	cr_assert_eq(m.n_ia_na, 8);
	free((void *)b);
	uint8_t *c;
	size_t n = vec_bytes(find_vec("9 IA_NAs")->hex, &c);
	cr_assert_eq(bf_dhcp6_parse(&m, c, n), BF_DHCP6_E_TOOMANY);
	cr_assert_eq(m.n_ia_seen, 9);
	cr_assert_eq(m.n_ia_na, 8);
	free(c);
}

Test(dhcp6, relay_forward_two_levels)
{
	const uint8_t *b = parse_ok("relay-forward, two levels", NULL);
	uint8_t a[16];

	cr_assert_eq(chain.n, 2);
	const struct bf_dhcp6_relay *r2 = &chain.layer[0], *r1 = &chain.layer[1];
	cr_assert_eq(r2->type, BF_DHCP6_RELAY_FORW);
	cr_assert_eq(r2->hop_count, 1);
	hex(LINK2, a, 16);
	cr_assert_arr_eq(r2->link, a, 16);
	hex(PEER_RELAY1, a, 16);
	cr_assert_arr_eq(r2->peer, a, 16);
	cr_assert(span_str(r2->interface_id, "eth1"));
	cr_assert_null(r2->lladdr.p);
	cr_assert_eq(r1->hop_count, 0);
	hex(LINK1, a, 16);
	cr_assert_arr_eq(r1->link, a, 16);
	hex(PEER_CLIENT, a, 16);
	cr_assert_arr_eq(r1->peer, a, 16);
	cr_assert(span_str(r1->interface_id, "vlan7"));
	cr_assert_eq(r1->lltype, 1);
	cr_assert(span_is(r1->lladdr, "52 54 00 12 34 56"));
	/* The inner message is the dhclient Solicit, in place in the packet. */
	cr_assert_eq(chain.inner.len, 56);
	cr_assert_eq(chain.inner.p, b + 161 - 56);
	cr_assert_eq(m.xid, 0xabcdef);
	cr_assert_eq(r2->relay_msg.len, 115);

	/* One layer alone. */
	struct bf_dhcp6_relay one;
	cr_assert_eq(bf_dhcp6_parse_relay(&one, b, 161), 0);
	cr_assert_eq(one.relay_msg.len, 115);
	cr_assert_eq(bf_dhcp6_parse_relay(&one, chain.inner.p, chain.inner.len), BF_DHCP6_E_TYPE);
	/* A message straight from a client: no layers, the whole message. */
	cr_assert_eq(bf_dhcp6_unwrap(&chain, chain.inner.p, chain.inner.len), 0);
	cr_assert_eq(chain.n, 0);
	cr_assert_eq(chain.inner.len, 56);
	free((void *)b);
}

/* Relay-forward nested depth times around a 22-byte Solicit (hop counts depth-1 .. 0). */
static size_t
nest(uint8_t *buf, size_t cap, unsigned depth)
{
	uint8_t inner[32];
	size_t in = hex(SOL_CID, inner, sizeof(inner));
	size_t total = in + depth * (34 + 4);
	struct bf_wr w;

	cr_assert_leq(total, cap);
	bf_wr_init(&w, buf, cap);
	for (unsigned i = 0; i < depth; i++) {
		bf_wr_u8(&w, BF_DHCP6_RELAY_FORW);
		bf_wr_u8(&w, (uint8_t)(depth - 1 - i));
		bf_wr_zero(&w, 32);
		bf_wr_be16(&w, BF_O6_RELAY_MSG);
		bf_wr_be16(&w, (uint16_t)(total - w.off - 2));
	}
	bf_wr_bytes(&w, inner, in);
	cr_assert_eq(w.off, total);
	cr_assert_eq(w.err, 0);
	return total;
}

Test(dhcp6, relay_nesting_limit)
{
	static uint8_t buf[2048];

	for (unsigned depth = 1; depth <= 40; depth++) {
		size_t n = nest(buf, sizeof(buf), depth);
		uint8_t *c = malloc(n);
		memcpy(c, buf, n);
		int rc = bf_dhcp6_unwrap(&chain, c, n);
		if (depth <= BF_DHCP6_HOP_COUNT_LIMIT) {
			cr_expect_eq(rc, 0, "depth %u: %d", depth, rc);
			cr_expect_eq(chain.n, depth);
			cr_expect_eq(chain.inner.len, 22);
			cr_expect_eq(chain.layer[0].hop_count, depth - 1);
		} else {
			cr_expect_eq(rc, BF_DHCP6_E_HOPS, "depth %u: %d", depth, rc);
		}
		free(c);
	}
}

Test(dhcp6, duid_helpers)
{
	static const struct {
		const char *h;
		int type, mac;
	} cases[] = {
		{"00 01 00 01 2c 3d 4e 5f 52 54 00 12 34 56", BF_DUID_LLT, 0},
		{"00 03 00 01 52 54 00 12 34 56", BF_DUID_LL, 0},
		{"00 02 00 00 01 57 01 02 03", BF_DUID_EN, -1},
		{DUID_UUID, BF_DUID_UUID, -1},
		{"00 04 00*15", -1, -1},	  /* UUID of 15 bytes */
		{"00 04 00*17", -1, -1},	  /* UUID of 17 bytes */
		{"00 01 00 01 2c 3d 4e 5f", -1, -1}, /* LLT without an address */
		{"00 03 00 01", -1, -1},		  /* LL without an address */
		{"00 02 00 00 01 57", -1, -1},	  /* EN without an identifier */
		{"00 01 00 06 2c 3d 4e 5f 52 54 00 12 34 56", BF_DUID_LLT, -1}, /* not Ethernet */
		{"00 03 00 01 52 54 00 12 34 56 78", BF_DUID_LL, -1},	  /* 7-byte address */
		{"00 03 00 20 aa*20", BF_DUID_LL, -1},			  /* InfiniBand */
		{"00 05 01 02", 0, -1},					  /* unknown type */
		{"00", -1, -1},
		{"00 02 aa*129", -1, -1}, /* 131 bytes */
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint8_t d[200], mac[6] = {0};
		size_t n = hex(cases[i].h, d, sizeof(d));
		cr_expect_eq(bf_dhcp6_duid_type(d, n), cases[i].type, "case %zu", i);
		cr_expect_eq(bf_dhcp6_duid_mac(d, n, mac), cases[i].mac, "case %zu", i);
		if (cases[i].mac == 0)
			cr_expect_arr_eq(mac, ((uint8_t[]){0x52, 0x54, 0x00, 0x12, 0x34, 0x56}), 6);
	}
	cr_assert_eq(bf_dhcp6_duid_type(NULL, 10), -1);
}

Test(dhcp6, strerror_names_every_error)
{
	for (int e = BF_DHCP6_E_NOSPACE; e <= 0; e++)
		cr_assert_str_neq(bf_dhcp6_strerror(e), "unknown error");
	cr_assert_str_eq(bf_dhcp6_strerror(-100), "unknown error");
}

/* ---- domain list encoder ---- */

Test(dhcp6, encode_domains)
{
	static const struct {
		const char *text;
		const char *want; /* hex, or NULL for E_NAME */
	} cases[] = {
		{"example.com", "07 65 78 61 6d 70 6c 65 03 63 6f 6d 00"},
		{"a.example,b.example",
		 "01 61 07 65 78 61 6d 70 6c 65 00 01 62 07 65 78 61 6d 70 6c 65 00"},
		{" a.example , b.example. ",
		 "01 61 07 65 78 61 6d 70 6c 65 00 01 62 07 65 78 61 6d 70 6c 65 00"},
		{"x_1-Y.lab", "05 78 5f 31 2d 59 03 6c 61 62 00"},
		{"", NULL},
		{" ", NULL},
		{",", NULL},
		{"a,", NULL},
		{",a", NULL},
		{"a,,b", NULL},
		{".", NULL},
		{".a", NULL},
		{"a..b", NULL},
		{"a..", NULL},
		{"a b", NULL},
		{"a.exa!mple", NULL},
		{"caf\xc3\xa9.example", NULL},
		{"a\tb", NULL},
	};
	uint8_t buf[300], want[300];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int n = bf_dhcp6_encode_domains(cases[i].text, buf, sizeof(buf));
		if (!cases[i].want) {
			cr_expect_eq(n, BF_DHCP6_E_NAME, "\"%s\": %d", cases[i].text, n);
			continue;
		}
		size_t wn = hex(cases[i].want, want, sizeof(want));
		cr_expect_eq(n, (int)wn, "\"%s\": %d", cases[i].text, n);
		if (n == (int)wn)
			cr_expect_arr_eq(buf, want, wn, "\"%s\"", cases[i].text);
	}
	cr_assert_eq(bf_dhcp6_encode_domains(NULL, buf, sizeof(buf)), BF_DHCP6_E_NAME);

	/* Labels of 63 and 64; names of 255 and 256 bytes on the wire. */
	char t[400];
	memset(t, 'a', 63);
	t[63] = '\0';
	cr_assert_eq(bf_dhcp6_encode_domains(t, buf, sizeof(buf)), 65);
	memset(t, 'a', 64);
	t[64] = '\0';
	cr_assert_eq(bf_dhcp6_encode_domains(t, buf, sizeof(buf)), BF_DHCP6_E_NAME);
	char a63[64];
	memset(a63, 'a', 63);
	a63[63] = '\0';
	snprintf(t, sizeof(t), "%s.%s.%s.%.61s", a63, a63, a63, a63);
	cr_assert_eq(strlen(t), 253);
	cr_assert_eq(bf_dhcp6_encode_domains(t, buf, sizeof(buf)), 255);
	strcat(t, "a");
	cr_assert_eq(bf_dhcp6_encode_domains(t, buf, sizeof(buf)), BF_DHCP6_E_NAME);

	/* Too small an output is reported, and nothing is written past it. */
	memset(buf, 0xee, sizeof(buf));
	cr_assert_eq(bf_dhcp6_encode_domains("example.com", buf, 12), BF_DHCP6_E_NOSPACE);
	cr_assert_eq(buf[12], 0xee);
	cr_assert_eq(bf_dhcp6_encode_domains("example.com", buf, 13), 13);
}

/* ---- builder ---- */

static void
expect_bytes(const uint8_t *got, size_t got_len, const char *want_hex)
{
	static uint8_t want[4096];
	size_t n = hex(want_hex, want, sizeof(want));
	cr_assert_eq(got_len, n, "length: got %zu want %zu", got_len, n);
	for (size_t i = 0; i < n; i++)
		cr_assert_eq(got[i], want[i], "byte %zu: got %02x want %02x", i, got[i], want[i]);
}

static const uint8_t server_duid[] = {0x00, 0x01, 0x00, 0x01, 0x2a, 0x00, 0x00,
				      0x01, 0x02, 0x00, 0x5e, 0x10, 0x00, 0x01};

static void
lease_ia(struct bf_dhcp6_ia *ia, uint32_t iaid)
{
	memset(ia, 0, sizeof(*ia));
	ia->type = BF_O6_IA_NA;
	ia->iaid = iaid;
	ia->t1 = 302400;
	ia->t2 = 483840;
	ia->n_addr = 1;
	hex(ADDR10, ia->addr[0].addr, 16);
	ia->addr[0].preferred = 604800;
	ia->addr[0].valid = 2592000;
}

#define EXPECT_ADVERTISE                                                                           \
	"02 5a 1b 2c " SID CID_UUID IA_NA_LEASE "00 07 00 01 ff "                                  \
	"00 3b 00 26 " URL_GRUB

/* ADVERTISE to the EDK2 Solicit: server id, client id, IA_NA, preference, URL. */
static int
build_advertise(struct bf_wr *w, const struct bf_dhcp6_msg *sol)
{
	struct bf_dhcp6_ia ia;

	lease_ia(&ia, sol->ia_na[0].iaid);
	bf_dhcp6_put_hdr(w, BF_DHCP6_ADVERTISE, sol->xid);
	bf_dhcp6_put_duid(w, BF_O6_SERVERID, server_duid, sizeof(server_duid));
	bf_dhcp6_put_duid(w, BF_O6_CLIENTID, sol->client_id.p, sol->client_id.len);
	bf_dhcp6_put_ia(w, &ia);
	bf_dhcp6_put_preference(w, 255);
	return bf_dhcp6_put_bootfile_url(w, "tftp://[3ffe:501:ffff:100::1]/grub.efi");
}

Test(dhcp6, build_advertise)
{
	struct bf_wr w;
	const uint8_t *b = parse_ok("EDK2 Solicit", NULL);

	bf_wr_init(&w, out, sizeof(out));
	cr_assert_eq(build_advertise(&w, &m), 0);
	cr_assert_eq(w.err, 0);
	expect_bytes(out, w.off, EXPECT_ADVERTISE);

	/* Parsed back. */
	size_t n = w.off;
	cr_assert_eq(bf_dhcp6_parse(&m, out, n), 0);
	cr_assert_eq(m.type, BF_DHCP6_ADVERTISE);
	cr_assert_eq(m.xid, 0x5a1b2c);
	cr_assert(span_is(m.server_id, SERVER_DUID));
	cr_assert(span_is(m.client_id, DUID_UUID));
	cr_assert_eq(m.preference, 255);
	cr_assert(span_str(m.bootfile_url, "tftp://[3ffe:501:ffff:100::1]/grub.efi"));
	cr_assert_eq(m.ia_na[0].addr[0].valid, 2592000);
	cr_assert_eq(bf_dhcp6_check_client(&m), BF_DHCP6_E_SERVERTYPE);
	free((void *)b);
}

#define EXPECT_REPLY                                                                               \
	"07 5a 1b 2d " SID CID_UUID IA_NA_LEASE "00 17 00 10 " ADDR1                               \
	"00 18 00 1f 04 74 65 73 74 07 65 78 61 6d 70 6c 65 03 63 6f 6d 00 "                       \
	"07 65 78 61 6d 70 6c 65 03 63 6f 6d 00 "                                                  \
	"00 3b 00 26 " URL_GRUB "00 3c 00 18 00 0d 63 6f 6e 73 6f 6c 65 3d 74 74 79 53 30 "        \
	"00 07 69 70 3d 64 68 63 70 "

static const char *const params[] = {"console=ttyS0", "ip=dhcp"};

/* REPLY to the EDK2 Request: IA_NA, DNS, domain search, bootfile URL and params. */
static void
build_reply(struct bf_wr *w, const struct bf_dhcp6_msg *req)
{
	struct bf_dhcp6_ia ia;
	uint8_t dns[1][16];

	hex(ADDR1, dns[0], 16);
	lease_ia(&ia, req->ia_na[0].iaid);
	cr_assert_eq(bf_dhcp6_put_hdr(w, BF_DHCP6_REPLY, req->xid), 0);
	cr_assert_eq(bf_dhcp6_put_duid(w, BF_O6_SERVERID, server_duid, sizeof(server_duid)), 0);
	cr_assert_eq(bf_dhcp6_put_duid(w, BF_O6_CLIENTID, req->client_id.p, req->client_id.len), 0);
	cr_assert_eq(bf_dhcp6_put_ia(w, &ia), 0);
	cr_assert_eq(bf_dhcp6_put_dns(w, (const uint8_t(*)[16])dns, 1), 0);
	cr_assert_eq(bf_dhcp6_put_domains(w, "test.example.com,example.com"), 0);
	cr_assert_eq(bf_dhcp6_put_bootfile_url(w, "tftp://[3ffe:501:ffff:100::1]/grub.efi"), 0);
	cr_assert_eq(bf_dhcp6_put_bootfile_params(w, params, 2), 0);
}

Test(dhcp6, build_reply_and_parse_back)
{
	struct bf_wr w;
	const uint8_t *b = parse_ok("EDK2 Request", NULL);

	bf_wr_init(&w, out, sizeof(out));
	build_reply(&w, &m);
	cr_assert_eq(w.err, 0);
	expect_bytes(out, w.off, EXPECT_REPLY);

	size_t n = w.off;
	cr_assert_eq(bf_dhcp6_parse(&m, out, n), 0);
	cr_assert_eq(m.type, BF_DHCP6_REPLY);
	cr_assert_eq(m.xid, 0x5a1b2d);
	cr_assert_eq(m.n_ia_na, 1);
	cr_assert_eq(m.ia_na[0].iaid, 0x00123456);
	cr_assert_eq(m.ia_na[0].t1, 302400);
	cr_assert_eq(m.ia_na[0].t2, 483840);
	cr_assert_eq(m.ia_na[0].n_addr, 1);
	cr_assert(span_is(m.dns, ADDR1));
	cr_assert_eq(m.domains.len, 31);
	cr_assert(span_str(m.bootfile_url, "tftp://[3ffe:501:ffff:100::1]/grub.efi"));
	cr_assert_eq(m.bootfile_param.len, 24);
	free((void *)b);
}

/* Every buffer shorter than the reply: reported, and nothing written past it. */
Test(dhcp6, build_overflow_never_writes_past_cap)
{
	static uint8_t full[1024], small[1024 + 16];
	struct bf_wr w;
	const uint8_t *b = parse_ok("EDK2 Request", NULL);

	bf_wr_init(&w, full, sizeof(full));
	build_reply(&w, &m);
	size_t n = w.off;
	cr_assert_eq(w.err, 0);

	for (size_t cap = 0; cap < n; cap++) {
		memset(small, 0xee, sizeof(small));
		bf_wr_init(&w, small, cap);
		struct bf_dhcp6_ia ia;
		uint8_t dns[1][16] = {{0}};
		lease_ia(&ia, 1);
		int rc = 0;
		rc |= bf_dhcp6_put_hdr(&w, BF_DHCP6_REPLY, m.xid);
		rc |= bf_dhcp6_put_duid(&w, BF_O6_SERVERID, server_duid, sizeof(server_duid));
		rc |= bf_dhcp6_put_duid(&w, BF_O6_CLIENTID, m.client_id.p, m.client_id.len);
		rc |= bf_dhcp6_put_ia(&w, &ia);
		rc |= bf_dhcp6_put_dns(&w, (const uint8_t(*)[16])dns, 1);
		rc |= bf_dhcp6_put_domains(&w, "test.example.com,example.com");
		rc |= bf_dhcp6_put_bootfile_url(&w, "tftp://[3ffe:501:ffff:100::1]/grub.efi");
		int last = bf_dhcp6_put_bootfile_params(&w, params, 2);
		cr_expect_eq(last, BF_DHCP6_E_NOSPACE, "cap %zu", cap);
		cr_expect_neq(rc | last, 0);
		cr_expect_eq(w.err, 1, "cap %zu", cap);
		cr_expect_leq(w.off, cap);
		for (size_t i = cap; i < sizeof(small); i++)
			cr_assert_eq(small[i], 0xee, "cap %zu: byte %zu written", cap, i);
	}
	free((void *)b);
}

Test(dhcp6, build_ia_status_pd_ta)
{
	struct bf_wr w;
	struct bf_dhcp6_ia ia;

	bf_wr_init(&w, out, sizeof(out));
	/* RFC 8415 18.3.2: no address for this IA, said inside the IA. */
	memset(&ia, 0, sizeof(ia));
	ia.type = BF_O6_IA_NA;
	ia.iaid = 1;
	ia.has_status = true;
	ia.status = BF_D6S_NO_ADDRS_AVAIL;
	ia.status_msg.p = (const uint8_t *)"no addresses";
	ia.status_msg.len = 12;
	cr_assert_eq(bf_dhcp6_put_ia(&w, &ia), 0);
	/* IA_PD with a delegated /56 and a success status inside the IAPREFIX. */
	memset(&ia, 0, sizeof(ia));
	ia.type = BF_O6_IA_PD;
	ia.iaid = 7;
	ia.t1 = 1800;
	ia.t2 = 2880;
	ia.n_addr = 1;
	ia.addr[0].plen = 56;
	hex("20 01 0d b8 ff 00 00*10", ia.addr[0].addr, 16);
	ia.addr[0].preferred = 3600;
	ia.addr[0].valid = 7200;
	ia.addr[0].has_status = true;
	cr_assert_eq(bf_dhcp6_put_ia(&w, &ia), 0);
	/* IA_TA: no T1/T2 on the wire. */
	memset(&ia, 0, sizeof(ia));
	ia.type = BF_O6_IA_TA;
	ia.iaid = 2;
	ia.n_addr = 1;
	hex(ADDR10, ia.addr[0].addr, 16);
	ia.addr[0].preferred = 600;
	ia.addr[0].valid = 1200;
	cr_assert_eq(bf_dhcp6_put_ia(&w, &ia), 0);
	cr_assert_eq(bf_dhcp6_put_status(&w, BF_D6S_SUCCESS, NULL), 0);
	cr_assert_eq(bf_dhcp6_put_info_refresh(&w, 21600), 0);
	cr_assert_eq(bf_dhcp6_put_opt(&w, BF_O6_RAPID_COMMIT, NULL, 0), 0);
	struct bf_dhcp6_span vc[1] = {{(const uint8_t *)"PXEClient", 9}};
	cr_assert_eq(bf_dhcp6_put_vendor_class(&w, 343, vc, 1), 0);
	expect_bytes(out, w.off,
		     "00 03 00 1e 00 00 00 01 00 00 00 00 00 00 00 00 "
		     "00 0d 00 0e 00 02 6e 6f 20 61 64 64 72 65 73 73 65 73 "
		     "00 19 00 2f 00 00 00 07 00 00 07 08 00 00 0b 40 "
		     "00 1a 00 1f 00 00 0e 10 00 00 1c 20 38 20 01 0d b8 ff 00 00*10 00 0d 00 02 00 00 "
		     "00 04 00 20 00 00 00 02 00 05 00 18 " ADDR10 "00 00 02 58 00 00 04 b0 "
		     "00 0d 00 02 00 00 "
		     "00 20 00 04 00 00 54 60 "
		     "00 0e 00 00 "
		     "00 10 00 0f 00 00 01 57 00 09 50 58 45 43 6c 69 65 6e 74");

	/* The same options after a Reply header parse back to the same values. */
	static uint8_t msg[512];
	struct bf_wr w2;
	bf_wr_init(&w2, msg, sizeof(msg));
	bf_dhcp6_put_hdr(&w2, BF_DHCP6_REPLY, 0xffffff);
	bf_wr_bytes(&w2, out, w.off);
	cr_assert_eq(w2.err, 0);
	cr_assert_eq(bf_dhcp6_parse(&m, msg, w2.off), 0);
	cr_assert_eq(m.xid, 0xffffff);
	cr_assert(m.ia_na[0].has_status);
	cr_assert_eq(m.ia_na[0].status, BF_D6S_NO_ADDRS_AVAIL);
	cr_assert(span_str(m.ia_na[0].status_msg, "no addresses"));
	cr_assert_eq(m.ia_pd[0].addr[0].plen, 56);
	cr_assert(m.ia_pd[0].addr[0].has_status);
	cr_assert_eq(m.ia_ta[0].addr[0].valid, 1200);
	cr_assert_eq(m.info_refresh, 21600);
	cr_assert(m.rapid_commit && m.is_pxe);
	cr_assert(bf_dhcp6_has(&m, BF_O6_STATUS_CODE));
	cr_assert_eq(m.status_msg.len, 0);
}

Test(dhcp6, build_rejects_bad_arguments)
{
	struct bf_wr w;
	struct bf_dhcp6_ia ia;
	uint8_t d[131] = {0};

#define FRESH() bf_wr_init(&w, out, sizeof(out))
	FRESH();
	cr_assert_eq(bf_dhcp6_put_hdr(&w, BF_DHCP6_REPLY, 0x1000000), BF_DHCP6_E_ARG);
	cr_assert_eq(w.err, 1);
	FRESH();
	cr_assert_eq(bf_dhcp6_put_hdr(&w, BF_DHCP6_RELAY_REPL, 1), BF_DHCP6_E_ARG);
	FRESH();
	cr_assert_eq(bf_dhcp6_put_duid(&w, BF_O6_CLIENTID, d, 1), BF_DHCP6_E_DUID);
	FRESH();
	cr_assert_eq(bf_dhcp6_put_duid(&w, BF_O6_CLIENTID, d, 131), BF_DHCP6_E_DUID);
	FRESH();
	cr_assert_eq(bf_dhcp6_put_duid(&w, BF_O6_IA_NA, d, 10), BF_DHCP6_E_ARG);
	FRESH();
	lease_ia(&ia, 1);
	ia.t1 = ia.t2 + 1;
	cr_assert_eq(bf_dhcp6_put_ia(&w, &ia), BF_DHCP6_E_ARG);
	FRESH();
	lease_ia(&ia, 1);
	ia.addr[0].preferred = ia.addr[0].valid + 1;
	cr_assert_eq(bf_dhcp6_put_ia(&w, &ia), BF_DHCP6_E_ARG);
	FRESH();
	lease_ia(&ia, 1);
	ia.type = BF_O6_IAADDR;
	cr_assert_eq(bf_dhcp6_put_ia(&w, &ia), BF_DHCP6_E_ARG);
	FRESH();
	lease_ia(&ia, 1);
	ia.n_addr = BF_DHCP6_MAX_ADDRS + 1;
	cr_assert_eq(bf_dhcp6_put_ia(&w, &ia), BF_DHCP6_E_ARG);
	FRESH();
	cr_assert_eq(bf_dhcp6_put_dns(&w, NULL, 0), BF_DHCP6_E_ARG);
	FRESH();
	cr_assert_eq(bf_dhcp6_put_domains(&w, "a..b"), BF_DHCP6_E_NAME);
	cr_assert_eq(w.err, 1);
	FRESH();
	cr_assert_eq(bf_dhcp6_put_bootfile_url(&w, ""), BF_DHCP6_E_ARG);
	FRESH();
	cr_assert_eq(bf_dhcp6_put_bootfile_params(&w, params, 0), BF_DHCP6_E_ARG);
	FRESH();
	cr_assert_eq(bf_dhcp6_put_opt(&w, 99, NULL, 1), BF_DHCP6_E_ARG);
	FRESH();
	static uint8_t big[70000];
	cr_assert_eq(bf_dhcp6_put_opt(&w, 99, big, 65536), BF_DHCP6_E_ARG);
	/* An option body over 65535 bytes cannot be closed. */
	struct bf_wr bw;
	bf_wr_init(&bw, big, sizeof(big));
	size_t mark = bf_dhcp6_opt_begin(&bw, 99);
	bf_wr_zero(&bw, 65536);
	cr_assert_eq(bf_dhcp6_opt_end(&bw, mark), BF_DHCP6_E_ARG);
	cr_assert_eq(bw.err, 1);
	/* Once failed, a writer stays failed. */
	cr_assert_eq(bf_dhcp6_put_preference(&bw, 1), BF_DHCP6_E_NOSPACE);
#undef FRESH
}

#define REPLY_40 "07 ab cd ef " SID CID_LLT
#define EXPECT_RELAY_REPL                                                                          \
	"0d 01 " LINK2 PEER_RELAY1 IFID_ETH1 "00 09 00 57 "                                       \
	"0d 00 " LINK1 PEER_CLIENT IFID_VLAN7 "00 09 00 28 " REPLY_40

Test(dhcp6, relay_reply_wrapping)
{
	static struct bf_dhcp6_chain back;
	struct bf_wr w;
	uint8_t inner[64];
	size_t in = hex(REPLY_40, inner, sizeof(inner));
	const uint8_t *b = parse_ok("relay-forward, two levels", NULL);

	cr_assert_eq(in, 40);
	bf_wr_init(&w, out, sizeof(out));
	cr_assert_eq(bf_dhcp6_wrap_reply(&w, &chain, inner, in), 0);
	/* 19.3: hop count, link and peer copied, INTERFACE_ID echoed, 79 not. */
	expect_bytes(out, w.off, EXPECT_RELAY_REPL);

	/* Unwrapped again: the same layers, as Relay-reply, around the same reply. */
	cr_assert_eq(bf_dhcp6_unwrap(&back, out, w.off), 0);
	cr_assert_eq(back.n, 2);
	for (unsigned i = 0; i < 2; i++) {
		cr_assert_eq(back.layer[i].type, BF_DHCP6_RELAY_REPL);
		cr_assert_eq(back.layer[i].hop_count, chain.layer[i].hop_count);
		cr_assert_arr_eq(back.layer[i].link, chain.layer[i].link, 16);
		cr_assert_arr_eq(back.layer[i].peer, chain.layer[i].peer, 16);
		cr_assert_eq(back.layer[i].interface_id.len, chain.layer[i].interface_id.len);
		cr_assert_arr_eq(back.layer[i].interface_id.p, chain.layer[i].interface_id.p,
				 chain.layer[i].interface_id.len);
	}
	cr_assert_eq(back.inner.len, in);
	cr_assert_arr_eq(back.inner.p, inner, in);
	cr_assert_eq(bf_dhcp6_parse(&m, back.inner.p, back.inner.len), 0);
	cr_assert_eq(m.type, BF_DHCP6_REPLY);

	/* No layers: the reply as is. Too small a buffer: reported, not overrun. */
	struct bf_dhcp6_chain none = {0};
	bf_wr_init(&w, out, sizeof(out));
	cr_assert_eq(bf_dhcp6_wrap_reply(&w, &none, inner, in), 0);
	expect_bytes(out, w.off, REPLY_40);
	for (size_t cap = 0; cap < 133; cap++) {
		memset(out, 0xee, 200);
		bf_wr_init(&w, out, cap);
		cr_expect_eq(bf_dhcp6_wrap_reply(&w, &chain, inner, in), BF_DHCP6_E_NOSPACE);
		cr_expect_eq(out[cap], 0xee, "cap %zu", cap);
	}
	bf_wr_init(&w, out, 133);
	cr_assert_eq(bf_dhcp6_wrap_reply(&w, &chain, inner, in), 0);
	/* A reply the codec would not accept as a message is refused. */
	bf_wr_init(&w, out, sizeof(out));
	cr_assert_eq(bf_dhcp6_wrap_reply(&w, &chain, inner, 3), BF_DHCP6_E_ARG);
	free((void *)b);
}

/* 32 layers wrap and unwrap; the Relay-reply to the deepest chain still parses. */
Test(dhcp6, relay_reply_32_layers)
{
	static uint8_t buf[2048], wrapped[4096];
	static struct bf_dhcp6_chain back;
	size_t n = nest(buf, sizeof(buf), BF_DHCP6_HOP_COUNT_LIMIT);
	uint8_t inner[64];
	size_t in = hex(REPLY_40, inner, sizeof(inner));
	struct bf_wr w;

	cr_assert_eq(bf_dhcp6_unwrap(&chain, buf, n), 0);
	bf_wr_init(&w, wrapped, sizeof(wrapped));
	cr_assert_eq(bf_dhcp6_wrap_reply(&w, &chain, inner, in), 0);
	cr_assert_eq(w.off, in + 32 * 38);
	cr_assert_eq(bf_dhcp6_unwrap(&back, wrapped, w.off), 0);
	cr_assert_eq(back.n, 32);
	cr_assert_eq(back.layer[0].hop_count, 31);
	cr_assert_eq(back.layer[31].hop_count, 0);
	cr_assert_arr_eq(back.inner.p, inner, in);
}
