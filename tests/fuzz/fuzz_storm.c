/* SPDX-License-Identifier: MIT */
/*
 * The boot-storm engine (bench/storm/storm.c) fed arbitrary "server" frames.
 * Input: byte 0 selects the mode (bit 0: DHCP, else static addresses; bits
 * 1-4: window - 1; bit 6: IPv6 clients (DHCPv6, always); bit 5, IPv6 only:
 * leave the frames' checksums as they are; bit 7: cut DATA frames after their
 * headers), then frames as [len_hi][len_lo][delay_ms][frame...]. DHCP
 * replies get the xid of the client their chaddr names patched in, DHCPv6
 * ones the xid of the client whose DUID-LL their first option (the Client
 * Identifier) carries, and IPv6 UDP and ICMPv6 checksums are filled in
 * (unless bit 5; a frame whose xid was patched always), so the fuzzer
 * reaches the TFTP states. After every frame
 * the engine is asked for its frames; at the end time runs on until every
 * client has finished or failed. Checked: every frame it sends is a
 * well-formed Ethernet frame of at most STORM_FRAME_MAX bytes with consistent
 * IPv4/UDP or IPv6/UDP/ICMPv6 lengths, IPv6 checksums right, and the engine
 * always ends (bounded retries).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../bench/storm/storm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NCLIENTS 4
static uint8_t txbuf[16][STORM_FRAME_MAX];
static uint32_t xids[NCLIENTS];

static uint16_t
g16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* the IPv6 upper-layer checksum of the frame f (IPv6 header at f + 14, no extension headers),
 * its payload length pl taken as given */
static uint16_t
sum6(const uint8_t *f, uint32_t pl)
{
	uint32_t s = pl + f[20], i;
	for (i = 0; i < 32; i += 2)
		s += g16(f + 22 + i);
	for (i = 0; i + 1 < pl; i += 2)
		s += g16(f + 54 + i);
	if (pl & 1)
		s += (uint32_t)f[54 + pl - 1] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)s;
}

static void
check_frame6(const uint8_t *f, uint16_t len)
{
	uint32_t pl;
	if (len < 54 + 8)
		abort();
	pl = g16(f + 18);
	if (pl != len - 54u || f[14] >> 4 != 6 || sum6(f, pl) != 0xffff)
		abort();
	if (f[20] == 17 && (g16(f + 58) != pl || !g16(f + 60)))
		abort();
	if (f[20] != 17 && (f[20] != 58 || f[54] != 136 || f[21] != 255))
		abort();
}

/* a frame from the "server": fill in its IPv6 checksum where the lengths allow one */
static void
fix_sum6(uint8_t *f, uint32_t len)
{
	uint32_t pl, at;
	uint16_t c;
	if (len < 54 || f[12] != 0x86 || f[13] != 0xdd)
		return;
	pl = g16(f + 18);
	if (pl > len - 54)
		return;
	if (f[20] == 17 && pl >= 8)
		at = 54 + 6;
	else if (f[20] == 58 && pl >= 4)
		at = 54 + 2;
	else
		return;
	f[at] = f[at + 1] = 0;
	c = (uint16_t)~sum6(f, pl);
	if (!c && f[20] == 17)
		c = 0xffff;
	f[at] = (uint8_t)(c >> 8);
	f[at + 1] = (uint8_t)c;
}

static void
check_frame(const uint8_t *f, uint16_t len)
{
	if (len < 42 || len > STORM_FRAME_MAX)
		abort();
	uint16_t et = (uint16_t)(f[12] << 8 | f[13]);
	if (et == 0x86dd) {
		check_frame6(f, len);
		return;
	}
	if (et == 0x0806)
		return;
	if (et != 0x0800)
		abort();
	uint16_t iplen = (uint16_t)(f[16] << 8 | f[17]), ulen = (uint16_t)(f[38] << 8 | f[39]);
	if (iplen != len - 14 || ulen != iplen - 20)
		abort();
}

static void
drain(struct storm *s, uint64_t t)
{
	uint8_t *p[16];
	uint16_t l[16];
	unsigned n, i;
	for (i = 0; i < 16; i++)
		p[i] = txbuf[i];
	while ((n = storm_tx(s, t, p, l, 16))) {
		for (i = 0; i < n; i++) {
			check_frame(txbuf[i], l[i]);
			/* remember each client's xid from its DISCOVER/REQUEST */
			if (l[i] >= 42 + 240 && txbuf[i][12] == 8 && txbuf[i][37] == 67) {
				uint8_t c = txbuf[i][42 + 28 + 5];
				if (c < NCLIENTS)
					memcpy(&xids[c], txbuf[i] + 42 + 4, 4);
			}
			/* ... from its Solicit/Request: the DUID-LL's last byte names it */
			if (l[i] >= 80 && txbuf[i][12] == 0x86 && g16(txbuf[i] + 56) == 547) {
				uint8_t c = txbuf[i][79];
				if (c < NCLIENTS)
					memcpy(&xids[c], txbuf[i] + 62, 4);
			}
		}
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct storm_cfg cfg = {
		.clients = NCLIENTS, .blksize = 512, .mac_base = {0x02, 0x5b, 0, 0, 0, 0},
		.timeout_ms = 100, .retries = 3, .seed = 1,
	};
	static uint8_t frame[STORM_FRAME_MAX + 64];
	struct storm *s;
	uint64_t t = 0;
	size_t off = 1;
	int k;
	if (size < 1)
		return 0;
	cfg.dhcp = data[0] & 1;
	cfg.v6 = data[0] & 0x40;
	if (cfg.v6)
		cfg.dhcp = true; /* IPv6 clients always use DHCPv6 */
	cfg.window = (uint16_t)(((data[0] >> 1) & 15) + 1);
	if (!cfg.dhcp) {
		cfg.ip_base = 0x0a4d0164;
		cfg.server_ip = 0x0a4d0001;
		cfg.files[0] = "a";
		cfg.files[1] = "b";
		cfg.n_files = 2;
	}
	memset(xids, 0, sizeof xids);
	s = storm_new(&cfg);
	if (!s)
		abort();
	drain(s, t);
	while (off + 3 <= size) {
		uint32_t len = (uint32_t)(data[off] << 8 | data[off + 1]) % (STORM_FRAME_MAX + 1);
		uint32_t wire = len;
		t += (uint64_t)data[off + 2] * 1000000ull;
		off += 3;
		if (len > size - off)
			len = (uint32_t)(size - off);
		memcpy(frame, data + off, len);
		off += len;
		/* a DHCP reply: the xid of the client it names */
		if (len >= 42 + 240 && frame[12] == 8 && frame[13] == 0 && frame[37] == 68) {
			uint8_t c = frame[42 + 28 + 5];
			if (c < NCLIENTS)
				memcpy(frame + 42 + 4, &xids[c], 4);
		}
		/* a DHCPv6 reply whose first option is a Client Identifier: that client's xid (and
		 * then its checksum again, whatever bit 5 says) */
		bool patched = false;
		if (cfg.v6 && len >= 80 && frame[12] == 0x86 && frame[13] == 0xdd && frame[20] == 17 &&
		    g16(frame + 56) == 546 && g16(frame + 66) == 1 && g16(frame + 68) == 10) {
			uint8_t c = frame[79];
			if (c < NCLIENTS) {
				memcpy(frame + 63, (const uint8_t *)&xids[c] + 1, 3);
				patched = true;
			}
		}
		if (cfg.v6 && (!(data[0] & 0x20) || patched))
			fix_sum6(frame, len);
		/* a DATA frame cut after its headers, as the mode (a) driver may pass it */
		if (len > 46 && (data[0] & 0x80) && frame[12] == 8 && frame[42] == 0 && frame[43] == 3)
			len = 46;
		if (len > 66 && (data[0] & 0x80) && frame[12] == 0x86 && frame[62] == 0 && frame[63] == 3)
			len = 66;
		storm_rx(s, frame, len, wire, t);
		drain(s, t);
	}
	/* time runs on: every client must end (retries are bounded) */
	for (k = 0; k < 2000 && !storm_done(s); k++) {
		t += 50 * 1000000ull;
		drain(s, t);
	}
	if (!storm_done(s))
		abort();
	struct storm_stats st;
	storm_stats(s, &st);
	if (st.booted + st.failed != NCLIENTS)
		abort();
	(void)storm_ttb_percentile(s, 99);
	storm_free(s);
	return 0;
}
