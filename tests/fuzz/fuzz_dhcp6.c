/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target for the DHCPv6 codec (RFC 8415, 3646, 5970, 6939). The input is
 * parsed as a client message, as one relay message and as a relay chain.
 * Whatever parses must only point inside the input and respect the limits;
 * a Reply built from it (IAs echoed with lifetimes, client id, what the ORO
 * asks for, vendor class echoed) must parse back to the same values, and
 * wrapped into Relay-reply layers must unwrap to the same layers and bytes.
 * The input is also tried as domain list text: what the encoder accepts, the
 * parser accepts.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bf_dhcp6.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

/* An invariant of our own code failed: say where, then crash for the fuzzer. */
#define check(x) check_at((x), __LINE__)

static void
check_at(int ok, int line)
{
	if (ok)
		return;
	fprintf(stderr, "fuzz_dhcp6: invariant at line %d failed\n", line);
	abort();
}

static const uint8_t server_duid[] = {0x00, 0x01, 0x00, 0x01, 0x2a, 0x00, 0x00,
				      0x01, 0x02, 0x00, 0x5e, 0x10, 0x00, 0x01};
static const char *const params[] = {"console=ttyS0", "ip=dhcp", ""};
static const uint8_t dns[2][16] = {{0x3f, 0xfe, 0x05, 0x01, 0xff, 0xff, 0x01, 0x00, [15] = 1},
				   {0x3f, 0xfe, 0x05, 0x01, 0xff, 0xff, 0x01, 0x00, [15] = 2}};

static bool
span_eq(struct bf_dhcp6_span a, struct bf_dhcp6_span b)
{
	return a.len == b.len && (a.len == 0 || memcmp(a.p, b.p, a.len) == 0);
}

/* s lies within [d, d + n). */
static bool
inside(struct bf_dhcp6_span s, const uint8_t *d, size_t n)
{
	uintptr_t p = (uintptr_t)s.p, b = (uintptr_t)d;
	return s.len == 0 || (s.p && p >= b && p - b <= n && s.len <= n - (p - b));
}

static void
check_ia(const struct bf_dhcp6_ia *ia, uint16_t type, const uint8_t *d, size_t n)
{
	check(ia->type == type && ia->n_addr <= BF_DHCP6_MAX_ADDRS);
	check(!(ia->t1 && ia->t2 && ia->t1 > ia->t2));
	check(inside(ia->status_msg, d, n));
	for (unsigned i = 0; i < ia->n_addr; i++) {
		const struct bf_dhcp6_iaaddr *a = &ia->addr[i];
		check(a->preferred <= a->valid && a->plen <= 128);
		check(type == BF_O6_IA_PD || a->plen == 128);
		check(inside(a->status_msg, d, n));
	}
}

/* What any successfully parsed message satisfies. */
static void
check_msg(const struct bf_dhcp6_msg *m, const uint8_t *d, size_t n)
{
	check(m->type >= BF_DHCP6_SOLICIT && m->type <= BF_DHCP6_INFORMATION_REQUEST);
	check(m->xid <= 0xffffff);
	if (bf_dhcp6_has(m, BF_O6_CLIENTID))
		check(m->client_id.len >= 2 && m->client_id.len <= 130);
	if (bf_dhcp6_has(m, BF_O6_SERVERID))
		check(m->server_id.len >= 2 && m->server_id.len <= 130);
	check(inside(m->client_id, d, n) && inside(m->server_id, d, n));
	check(m->n_ia_na <= BF_DHCP6_MAX_IA && m->n_ia_ta <= BF_DHCP6_MAX_IA &&
	      m->n_ia_pd <= BF_DHCP6_MAX_IA);
	check(m->n_ia_seen == (unsigned)m->n_ia_na + m->n_ia_ta + m->n_ia_pd);
	for (unsigned i = 0; i < m->n_ia_na; i++)
		check_ia(&m->ia_na[i], BF_O6_IA_NA, d, n);
	for (unsigned i = 0; i < m->n_ia_ta; i++)
		check_ia(&m->ia_ta[i], BF_O6_IA_TA, d, n);
	for (unsigned i = 0; i < m->n_ia_pd; i++)
		check_ia(&m->ia_pd[i], BF_O6_IA_PD, d, n);
	check(m->oro.len == 2u * m->n_oro && inside(m->oro, d, n));
	check(m->dns.len % 16 == 0 && inside(m->dns, d, n));
	check(inside(m->domains, d, n) && inside(m->status_msg, d, n));
	check(inside(m->bootfile_url, d, n) && inside(m->bootfile_param, d, n));
	check(inside(m->lladdr, d, n) && m->lladdr.len <= BF_DHCP6_MAX_LLADDR);
	check(m->n_arch <= BF_DHCP6_MAX_ARCHS && m->n_user_class <= BF_DHCP6_MAX_ITEMS);
	for (unsigned i = 0; i < m->n_user_class; i++)
		check(inside(m->user_class[i], d, n));
	check(m->n_vendor_class <= BF_DHCP6_MAX_VCLASS && m->n_vendor_opts <= BF_DHCP6_MAX_VCLASS);
	for (unsigned i = 0; i < m->n_vendor_class; i++) {
		check(inside(m->vendor_class[i].data, d, n));
		check(m->vendor_class[i].n_items <= BF_DHCP6_MAX_VITEMS);
		for (unsigned j = 0; j < m->vendor_class[i].n_items; j++)
			check(inside(m->vendor_class[i].item[j], d, n));
		for (unsigned j = 0; j < i; j++)
			check(m->vendor_class[j].enterprise != m->vendor_class[i].enterprise);
	}
	for (unsigned i = 0; i < m->n_vendor_opts; i++)
		check(inside(m->vendor_opts[i].data, d, n));

	int rc = bf_dhcp6_check_client(m);
	check(rc <= 0 && rc >= BF_DHCP6_E_NOSPACE);
	if (bf_dhcp6_has(m, BF_O6_CLIENTID)) {
		uint8_t mac[6];
		int t = bf_dhcp6_duid_type(m->client_id.p, m->client_id.len);
		check(t >= -1 && t <= BF_DUID_UUID);
		if (bf_dhcp6_duid_mac(m->client_id.p, m->client_id.len, mac) == 0)
			check(t == BF_DUID_LLT || t == BF_DUID_LL);
	}
}

/* The IA as the server answers it: leased lifetimes, an address or a status. */
static void
answer_ia(struct bf_dhcp6_ia *ia)
{
	if (ia->type != BF_O6_IA_TA) {
		ia->t1 = 1800;
		ia->t2 = 2880;
	}
	for (unsigned i = 0; i < ia->n_addr; i++) {
		ia->addr[i].preferred = 3600;
		ia->addr[i].valid = 7200;
	}
	if (ia->n_addr || ia->has_status)
		return;
	if (ia->type == BF_O6_IA_PD) {
		ia->has_status = true;
		ia->status = BF_D6S_NO_PREFIX_AVAIL;
		return;
	}
	ia->n_addr = 1;
	memset(&ia->addr[0], 0, sizeof(ia->addr[0]));
	ia->addr[0].addr[0] = 0x20;
	ia->addr[0].addr[1] = 0x01;
	bf_put_be32(ia->addr[0].addr + 12, ia->iaid);
	ia->addr[0].plen = 128;
	ia->addr[0].preferred = 3600;
	ia->addr[0].valid = 7200;
}

static const struct bf_dhcp6_ia *
ia_at(const struct bf_dhcp6_msg *m, unsigned kind, unsigned i)
{
	return kind == 0 ? &m->ia_na[i] : kind == 1 ? &m->ia_ta[i] : &m->ia_pd[i];
}

static unsigned
ia_count(const struct bf_dhcp6_msg *m, unsigned kind)
{
	return kind == 0 ? m->n_ia_na : kind == 1 ? m->n_ia_ta : m->n_ia_pd;
}

static const char *
bootfile(const struct bf_dhcp6_msg *m)
{
	if (m->is_ipxe)
		return "http://[3ffe:501:ffff:100::1]/start.ipxe";
	if (m->n_arch && m->arch[0] == 0)
		return "tftp://[3ffe:501:ffff:100::1]/undionly.kpxe";
	return "tftp://[3ffe:501:ffff:100::1]/ipxe.efi";
}

/* A Reply to m into buf; returns its length, or a negative error. */
static int
build_reply(const struct bf_dhcp6_msg *m, uint8_t *buf, size_t cap)
{
	struct bf_wr w;
	struct bf_dhcp6_ia ia;

	bf_wr_init(&w, buf, cap);
	check(bf_dhcp6_put_hdr(&w, BF_DHCP6_REPLY, m->xid) == 0);
	check(bf_dhcp6_put_duid(&w, BF_O6_SERVERID, server_duid, sizeof(server_duid)) == 0);
	if (bf_dhcp6_has(m, BF_O6_CLIENTID))
		check(bf_dhcp6_put_duid(&w, BF_O6_CLIENTID, m->client_id.p, m->client_id.len) == 0);
	for (unsigned k = 0; k < 3; k++) {
		for (unsigned i = 0; i < ia_count(m, k); i++) {
			ia = *ia_at(m, k, i);
			answer_ia(&ia);
			int rc = bf_dhcp6_put_ia(&w, &ia);
			if (rc)
				return rc; /* only an IA option over 65535 bytes */
		}
	}
	if (m->rapid_commit && m->type == BF_DHCP6_SOLICIT)
		check(bf_dhcp6_put_opt(&w, BF_O6_RAPID_COMMIT, NULL, 0) == 0);
	if (bf_dhcp6_oro_has(m, BF_O6_DNS_SERVERS))
		check(bf_dhcp6_put_dns(&w, dns, 2) == 0);
	if (bf_dhcp6_oro_has(m, BF_O6_DOMAIN_LIST))
		check(bf_dhcp6_put_domains(&w, "lab.example, example.com.") == 0);
	if (bf_dhcp6_oro_has(m, BF_O6_BOOTFILE_URL))
		check(bf_dhcp6_put_bootfile_url(&w, bootfile(m)) == 0);
	if (bf_dhcp6_oro_has(m, BF_O6_BOOTFILE_PARAM))
		check(bf_dhcp6_put_bootfile_params(&w, params, 3) == 0);
	if (bf_dhcp6_oro_has(m, BF_O6_INFORMATION_REFRESH_TIME))
		check(bf_dhcp6_put_info_refresh(&w, 21600) == 0);
	if (m->n_vendor_class) {
		const struct bf_dhcp6_vendor *v = &m->vendor_class[0];
		check(bf_dhcp6_put_vendor_class(&w, v->enterprise, v->item, v->n_items) == 0);
	}
	check(bf_dhcp6_put_status(&w, BF_D6S_SUCCESS, "ok") == 0);
	check(!w.err && w.off <= cap);
	return (int)w.off;
}

/* The Reply parsed back (r) carries exactly what build_reply put from m. */
static void
check_reply(const struct bf_dhcp6_msg *m, const struct bf_dhcp6_msg *r)
{
	struct bf_dhcp6_span sd = {server_duid, sizeof(server_duid)};

	check(r->type == BF_DHCP6_REPLY && r->xid == m->xid);
	check(span_eq(r->server_id, sd));
	check(bf_dhcp6_has(r, BF_O6_CLIENTID) == bf_dhcp6_has(m, BF_O6_CLIENTID));
	check(span_eq(r->client_id, m->client_id));
	for (unsigned k = 0; k < 3; k++) {
		check(ia_count(r, k) == ia_count(m, k));
		for (unsigned i = 0; i < ia_count(m, k); i++) {
			struct bf_dhcp6_ia want = *ia_at(m, k, i);
			const struct bf_dhcp6_ia *got = ia_at(r, k, i);
			answer_ia(&want);
			check(got->iaid == want.iaid && got->t1 == want.t1 && got->t2 == want.t2);
			check(got->n_addr == want.n_addr && got->has_status == want.has_status);
			check(!want.has_status || (got->status == want.status &&
						   span_eq(got->status_msg, want.status_msg)));
			for (unsigned j = 0; j < want.n_addr; j++) {
				const struct bf_dhcp6_iaaddr *ga = &got->addr[j],
							     *wa = &want.addr[j];
				check(memcmp(ga->addr, wa->addr, 16) == 0 && ga->plen == wa->plen);
				check(ga->preferred == 3600 && ga->valid == 7200);
				check(ga->has_status == wa->has_status);
				check(!wa->has_status || (ga->status == wa->status &&
							  span_eq(ga->status_msg, wa->status_msg)));
			}
		}
	}
	check(r->rapid_commit == (m->rapid_commit && m->type == BF_DHCP6_SOLICIT));
	check(bf_dhcp6_has(r, BF_O6_DNS_SERVERS) == bf_dhcp6_oro_has(m, BF_O6_DNS_SERVERS));
	check(!bf_dhcp6_has(r, BF_O6_DNS_SERVERS) ||
	      (r->dns.len == 32 && memcmp(r->dns.p, dns, 32) == 0));
	check(bf_dhcp6_has(r, BF_O6_DOMAIN_LIST) == bf_dhcp6_oro_has(m, BF_O6_DOMAIN_LIST));
	check(!bf_dhcp6_has(r, BF_O6_DOMAIN_LIST) || r->domains.len == 26);
	check(bf_dhcp6_has(r, BF_O6_BOOTFILE_URL) == bf_dhcp6_oro_has(m, BF_O6_BOOTFILE_URL));
	check(!bf_dhcp6_has(r, BF_O6_BOOTFILE_URL) ||
	      (r->bootfile_url.len == strlen(bootfile(m)) &&
	       memcmp(r->bootfile_url.p, bootfile(m), r->bootfile_url.len) == 0));
	check(!bf_dhcp6_has(r, BF_O6_BOOTFILE_PARAM) || r->bootfile_param.len == 26);
	check(!bf_dhcp6_has(r, BF_O6_INFORMATION_REFRESH_TIME) || r->info_refresh == 21600);
	check(r->n_vendor_class == (m->n_vendor_class ? 1 : 0));
	if (m->n_vendor_class) {
		const struct bf_dhcp6_vendor *gv = &r->vendor_class[0], *wv = &m->vendor_class[0];
		check(gv->enterprise == wv->enterprise && gv->n_items == wv->n_items);
		for (unsigned i = 0; i < wv->n_items; i++)
			check(span_eq(gv->item[i], wv->item[i]));
	}
	check(!r->is_ipxe && r->status == BF_D6S_SUCCESS && r->status_msg.len == 2);
	check(bf_dhcp6_check_client(r) == BF_DHCP6_E_SERVERTYPE);
}

/* Reply to a parsed message; returns the reply's length (0 if it could not be built). */
static size_t
reply_round_trip(const struct bf_dhcp6_msg *m, uint8_t *buf, size_t cap, size_t in_len)
{
	static struct bf_dhcp6_msg r;

	int len = build_reply(m, buf, cap);
	/* Only an IA over 65535 bytes fails, and only from an input near that size. */
	check(len > 0 || in_len > 60000);
	if (len <= 0)
		return 0;
	int rc = bf_dhcp6_parse(&r, buf, (size_t)len);
	check(rc == 0);
	check_msg(&r, buf, (size_t)len);
	check_reply(m, &r);
	return (size_t)len;
}

static void
relay_round_trip(const uint8_t *d, size_t n)
{
	static struct bf_dhcp6_chain c, back;
	static struct bf_dhcp6_msg m;
	static uint8_t reply[2 * BF_DHCP6_MAX_LEN], wrapped[4 * BF_DHCP6_MAX_LEN];

	if (bf_dhcp6_unwrap(&c, d, n) != 0)
		return;
	check(c.n <= BF_DHCP6_HOP_COUNT_LIMIT && c.inner.len >= 4 && inside(c.inner, d, n));
	for (unsigned i = 0; i < c.n; i++) {
		const struct bf_dhcp6_relay *rl = &c.layer[i];
		check(rl->type == c.layer[0].type && rl->hop_count <= BF_DHCP6_HOP_COUNT_LIMIT);
		check(inside(rl->relay_msg, d, n) && inside(rl->interface_id, d, n));
		check(inside(rl->remote_id, d, n) && inside(rl->lladdr, d, n));
		check(rl->relay_msg.len >= 4);
	}
	if (c.n == 0 || bf_dhcp6_parse(&m, c.inner.p, c.inner.len) != 0)
		return;
	check_msg(&m, d, n);
	size_t len = reply_round_trip(&m, reply, sizeof(reply), n);
	if (!len)
		return;

	struct bf_wr w;
	bf_wr_init(&w, wrapped, sizeof(wrapped));
	int rc = bf_dhcp6_wrap_reply(&w, &c, reply, len);
	/* A RELAY_MSG over 65535 bytes needs a reply and interface ids that large. */
	check(rc == 0 || (rc == BF_DHCP6_E_ARG && len + n > 60000));
	if (rc)
		return;
	check(bf_dhcp6_unwrap(&back, wrapped, w.off) == 0);
	check(back.n == c.n);
	for (unsigned i = 0; i < c.n; i++) {
		const struct bf_dhcp6_relay *a = &back.layer[i], *b = &c.layer[i];
		check(a->type == BF_DHCP6_RELAY_REPL && a->hop_count == b->hop_count);
		check(memcmp(a->link, b->link, 16) == 0 && memcmp(a->peer, b->peer, 16) == 0);
		check(span_eq(a->interface_id, b->interface_id));
		check(a->lladdr.len == 0 && a->remote_id.len == 0);
	}
	check(back.inner.len == len && memcmp(back.inner.p, reply, len) == 0);
}

/* The input as domain list text: the encoder's output always parses. */
static void
domains_round_trip(const uint8_t *d, size_t n)
{
	static char text[600];
	static uint8_t enc[1024], msg[2048];
	static struct bf_dhcp6_msg m;
	size_t tn = n < sizeof(text) - 1 ? n : sizeof(text) - 1;

	memcpy(text, d, tn);
	text[tn] = '\0';
	int len = bf_dhcp6_encode_domains(text, enc, sizeof(enc));
	check(len == BF_DHCP6_E_NAME || (len > 0 && (size_t)len <= sizeof(enc)));
	if (len <= 0)
		return;
	/* One byte less room: out of space, not a bad name. */
	check(bf_dhcp6_encode_domains(text, enc, (size_t)len - 1) == BF_DHCP6_E_NOSPACE);
	check(bf_dhcp6_encode_domains(text, enc, (size_t)len) == len);

	struct bf_wr w;
	bf_wr_init(&w, msg, sizeof(msg));
	bf_dhcp6_put_hdr(&w, BF_DHCP6_REPLY, 1);
	check(bf_dhcp6_put_domains(&w, text) == 0);
	check(w.off == 4 + 4 + (size_t)len && memcmp(msg + 8, enc, (size_t)len) == 0);
	check(bf_dhcp6_parse(&m, msg, w.off) == 0);
	check(m.domains.len == (size_t)len);
}

int
LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	static struct bf_dhcp6_msg m;
	static struct bf_dhcp6_relay rl;
	static uint8_t reply[2 * BF_DHCP6_MAX_LEN];

	if (bf_dhcp6_parse(&m, d, n) == 0) {
		check_msg(&m, d, n);
		reply_round_trip(&m, reply, sizeof(reply), n);
	}
	if (bf_dhcp6_parse_relay(&rl, d, n) == 0) {
		check(inside(rl.relay_msg, d, n) && rl.relay_msg.len >= 4);
		check(inside(rl.interface_id, d, n) && rl.lladdr.len <= BF_DHCP6_MAX_LLADDR);
	}
	relay_round_trip(d, n);
	domains_round_trip(d, n);
	return 0;
}
