/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target for the DHCPv4 codec (RFC 2131, 2132, 3396): parse; when that
 * succeeds, build a reply honouring the client's option 55 and 57 with a PXE
 * option 43, check the size bounds, re-parse the reply and check that every
 * option that made it into the reply carries exactly the value that was set.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bf_dhcp4.h"
#include "bf_pxe.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

/* An invariant of our own code failed: say where, then crash for the fuzzer. */
#define check(x) check_at((x), __LINE__)

static void
check_at(int ok, int line)
{
	if (ok)
		return;
	fprintf(stderr, "fuzz_dhcp4: invariant at line %d failed\n", line);
	abort();
}

static void
fill_pxe(struct bf_pxe_opts *o, uint32_t seed)
{
	memset(o, 0, sizeof(*o));
	o->has_discovery_control = true;
	o->discovery_control = BF_PXE_DC_NO_MCAST;
	o->n_servers = 1;
	o->servers[0].type = 0x8000;
	o->servers[0].n_ip = 1;
	o->servers[0].ip[0] = 0xC0A80001;
	/* Some inputs get a large menu so option 43 exceeds 255 bytes and splits. */
	o->n_menu = (seed & 1) ? 10 : 2;
	for (unsigned i = 0; i < o->n_menu; i++) {
		o->menu[i].type = (uint16_t)(0x8000 + i);
		o->menu[i].len = 22;
		memset(o->menu[i].text, 'a' + (int)i, 22);
	}
	o->has_prompt = true;
	o->prompt_timeout = 10;
	o->prompt_len = 6;
	memcpy(o->prompt, "Select", 6);
}

int
LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	static struct bf_dhcp4_msg m, r;
	static struct bf_dhcp4_optset s;
	static uint8_t out[BF_DHCP4_MAX_LEN];
	struct bf_dhcp4_hdr h;
	struct bf_pxe_opts po;
	uint8_t o43[1024];
	size_t prl_len = 0, len;

	if (bf_dhcp4_parse(&m, d, n) != 0)
		return 0;

	memset(&h, 0, sizeof(h));
	h.op = 2;
	h.htype = m.htype;
	h.hlen = m.hlen;
	h.xid = m.xid;
	h.flags = m.flags;
	h.yiaddr = 0xC0A80A32;
	h.siaddr = 0xC0A80001;
	memcpy(h.chaddr, m.chaddr, sizeof(h.chaddr));
	if (m.xid & 2) /* file in use: no overload into it */
		memcpy(h.file, "pxelinux.0", 11);
	if (m.xid & 4)
		memcpy(h.sname, "boot", 5);

	bf_dhcp4_optset_init(&s);
	check(bf_dhcp4_optset_put_u8(&s, BF_O4_MSG_TYPE, BF_DHCPOFFER) == 0);
	check(bf_dhcp4_optset_put_u32(&s, BF_O4_SERVER_ID, 0xC0A80001) == 0);
	check(bf_dhcp4_optset_put_u32(&s, BF_O4_SUBNET_MASK, 0xFFFFFF00) == 0);
	check(bf_dhcp4_optset_put_u32(&s, BF_O4_ROUTER, 0xC0A80001) == 0);
	check(bf_dhcp4_optset_put_u32(&s, BF_O4_LEASE_TIME, 3600) == 0);
	check(bf_dhcp4_optset_put(&s, BF_O4_VENDOR_CLASS, "PXEClient", 9) == 0);
	check(bf_dhcp4_optset_put(&s, BF_O4_BOOTFILE, "undionly.kpxe", 13) == 0);
	fill_pxe(&po, m.xid);
	int n43 = bf_pxe_encode(&po, o43, sizeof(o43));
	check(n43 > 0);
	check(bf_dhcp4_optset_put(&s, BF_O4_VENDOR, o43, (size_t)n43) == 0);
	const uint8_t *uuid = bf_dhcp4_get(&m, BF_O4_UUID, &len);
	if (uuid)
		check(bf_dhcp4_optset_put(&s, BF_O4_UUID, uuid, len) == 0);
	const uint8_t *prl = bf_dhcp4_get(&m, BF_O4_PRL, &prl_len);

	int rl = bf_dhcp4_build(out, sizeof(out), &h, &s, prl, prl_len, m.max_size);
	check(rl > 0);
	size_t limit = m.max_size > 576 ? m.max_size : 576;
	check((size_t)rl <= limit && rl >= BF_DHCP4_BOOTP_MIN);
	check(bf_dhcp4_parse(&r, out, (size_t)rl) == 0);
	check(r.msg_type == BF_DHCPOFFER && r.xid == m.xid);
	check(bf_dhcp4_has(&r, BF_O4_SERVER_ID) && r.server_id == 0xC0A80001);
	/* Whatever was sent is exactly what was set; nothing else appears. */
	for (unsigned c = 1; c < 255; c++) {
		if (!bf_dhcp4_has(&r, (uint8_t)c) || c == BF_O4_OVERLOAD)
			continue;
		check(s.present[c >> 3] & (1u << (c & 7)));
		const uint8_t *v = bf_dhcp4_get(&r, (uint8_t)c, &len);
		check(len == s.opt[c].len && memcmp(v, s.data + s.opt[c].off, len) == 0);
	}
	if (h.file[0])
		check(!(r.overload & 1) && memcmp(r.file, "pxelinux.0", 11) == 0);
	if (h.sname[0])
		check(!(r.overload & 2) && memcmp(r.sname, "boot", 5) == 0);
	return 0;
}
