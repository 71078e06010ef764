/* SPDX-License-Identifier: MIT */
/*
 * Canary selection (shared/bf_canary.h) and the configuration diff
 * (control/ctl_diff.c) as an operator relies on them: a share picks a stable,
 * monotonic, even set of machines; a diff names what changed in operator
 * terms and nothing else.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "control/config/ctl_conf.h"
#include "shared/bf_canary.h"

static void
mac_of(uint32_t i, uint8_t m[6])
{
	/* one vendor's consecutive NICs: the worst case for a weak hash */
	m[0] = 0x52, m[1] = 0x54, m[2] = 0x00;
	m[3] = (uint8_t)(i >> 16), m[4] = (uint8_t)(i >> 8), m[5] = (uint8_t)i;
}

Test(canary, share_is_even_over_consecutive_macs)
{
	const uint32_t n = 100000;
	static const uint32_t shares[] = {10000, 100000, 250000, 500000};
	for (size_t s = 0; s < sizeof(shares) / sizeof(shares[0]); s++) {
		uint32_t in = 0;
		for (uint32_t i = 0; i < n; i++) {
			uint8_t m[6];
			mac_of(i, m);
			in += bf_canary_in_share(m, 6, shares[s]);
		}
		double want = (double)n * shares[s] / BF_CANARY_PPM;
		/* within 5 standard deviations of a binomial draw (variance < want) */
		double var = want * (1 - (double)shares[s] / BF_CANARY_PPM);
		double d = (double)in - want;
		cr_expect(d * d < 25 * var,
			  "share %u ppm: %u of %u machines (expected about %.0f)", shares[s], in, n,
			  want);
	}
}

Test(canary, selection_is_stable_and_monotonic)
{
	for (uint32_t i = 0; i < 20000; i++) {
		uint8_t m[6];
		mac_of(i * 7919u, m);
		uint32_t pos = bf_canary_pos(m, 6);
		cr_assert_lt(pos, BF_CANARY_PPM);
		cr_assert_eq(pos, bf_canary_pos(m, 6), "same MAC, same position");
		/* raising the share only adds machines */
		bool at10 = bf_canary_in_share(m, 6, 100000), at20 = bf_canary_in_share(m, 6, 200000);
		cr_assert(!at10 || at20, "a machine in a 10%% canary must stay in a 20%% one");
		cr_assert(!bf_canary_in_share(m, 6, 0), "share 0 takes nobody");
		cr_assert(bf_canary_in_share(m, 6, BF_CANARY_PPM), "share 100%% takes everyone");
	}
}

Test(canary, duid_keys_spread_too)
{
	/* DHCPv6 clients without a MAC are placed by their DUID */
	uint32_t in = 0;
	for (uint32_t i = 0; i < 10000; i++) {
		uint8_t duid[18] = {0, 4}; /* DUID-UUID */
		memcpy(duid + 2, &i, sizeof(i));
		in += bf_canary_in_share(duid, sizeof(duid), 500000);
	}
	cr_expect(in > 4700 && in < 5300, "%u of 10000 DUIDs in a 50%% share", in);
}

/* ---- diff ---- */

struct collected {
	size_t n;
	char lines[64][600];
};

static void
collect(const struct ctl_change *ch, void *arg)
{
	struct collected *c = arg;
	if (c->n < 64)
		snprintf(c->lines[c->n++], sizeof(c->lines[0]), "%c %s %s%s%s", ch->op, ch->kind,
			 ch->name, ch->detail[0] ? ": " : "", ch->detail);
}

static struct ctl_conf *
load(const char *yaml)
{
	char err[1024];
	struct ctl_conf *c = NULL;
	int rc = ctl_conf_load_buf("diff.yaml", yaml, strlen(yaml), &c, err, sizeof(err));
	cr_assert_eq(rc, 0, "config: %s", err);
	return c;
}

static bool
has(const struct collected *c, const char *line)
{
	for (size_t i = 0; i < c->n; i++)
		if (!strcmp(c->lines[i], line))
			return true;
	return false;
}

static const char conf_a[] =
    "interfaces: [{port: 0, ipv4: 10.0.0.1/24}]\n"
    "dhcp4:\n"
    "  lease_time: 600\n"
    "  subnets:\n"
    "    - subnet: 10.0.0.0/24\n"
    "      pools: [10.0.0.100-10.0.0.200]\n"
    "      hosts:\n"
    "        - {name: n1, mac: '52:54:00:00:00:01', address: 10.0.0.11}\n"
    "        - {name: n2, mac: '52:54:00:00:00:02', address: 10.0.0.12, group: rack1}\n"
    "    - subnet: 10.9.0.0/24\n"
    "      pools: [10.9.0.100-10.9.0.200]\n"
    "boot:\n"
    "  - {name: efi, arch: [7], file: ipxe.efi}\n"
    "  - {name: bios, file: undionly.kpxe}\n"
    "images:\n"
    "  - {name: ipxe.efi, content: 'old'}\n"
    "  - {name: undionly.kpxe, content: 'x'}\n";

static const char conf_b[] =
    "interfaces: [{port: 0, ipv4: 10.0.0.1/24}]\n"
    "dhcp4:\n"
    "  lease_time: 900\n"
    "  subnets:\n"
    "    - subnet: 10.0.0.0/24\n"
    "      pools: [10.0.0.100-10.0.0.150]\n"
    "      hosts:\n"
    "        - {name: n1, mac: '52:54:00:00:00:01', address: 10.0.0.21}\n"
    "        - {name: n3, mac: '52:54:00:00:00:03', address: 10.0.0.13}\n"
    "    - subnet: 10.8.0.0/24\n"
    "      pools: [10.8.0.100-10.8.0.200]\n"
    "boot:\n"
    "  - {name: efi, arch: [7], file: ipxe-new.efi}\n"
    "  - {name: bios, file: undionly.kpxe}\n"
    "  - {name: arm, arch: [11], file: ipxe.efi}\n"
    "images:\n"
    "  - {name: ipxe.efi, content: 'old'}\n"
    "  - {name: ipxe-new.efi, content: 'new!'}\n"
    "  - {name: undionly.kpxe, content: 'x'}\n";

Test(diff, names_every_change_in_operator_terms)
{
	struct ctl_conf *a = load(conf_a), *b = load(conf_b);
	const struct ctl_diff_image ia[] = {{"ipxe.efi", 3, 0x1111}, {"undionly.kpxe", 1, 0x2222}};
	const struct ctl_diff_image ib[] = {
	    {"ipxe.efi", 3, 0x1112}, {"ipxe-new.efi", 4, 0x3333}, {"undionly.kpxe", 1, 0x2222}};
	struct collected c = {0};

	size_t n = ctl_diff(a, ia, 2, b, ib, 3, collect, &c);
	for (size_t i = 0; i < c.n; i++)
		cr_log_info("%s", c.lines[i]);
	cr_assert(has(&c, "~ setting global: dhcp4.lease_time 600 -> 900"));
	cr_assert(has(&c, "~ subnet 10.0.0.0/24: pools"));
	cr_assert(has(&c, "~ host n1 (52:54:00:00:00:01): address 10.0.0.11 -> 10.0.0.21"));
	cr_assert(has(&c, "- host n2 (52:54:00:00:00:02)"));
	cr_assert(has(&c, "+ host n3 (52:54:00:00:00:03)"));
	cr_assert(has(&c, "+ subnet 10.8.0.0/24"));
	cr_assert(has(&c, "- subnet 10.9.0.0/24"));
	cr_assert(has(&c, "~ rule efi: file ipxe.efi -> ipxe-new.efi"));
	cr_assert(has(&c, "+ rule arm"));
	cr_assert(has(&c, "+ image ipxe-new.efi"));
	cr_assert(has(&c, "~ image ipxe.efi: digest 0000000000001111 -> 0000000000001112"));
	cr_assert_eq(n, 11, "exactly the 11 changes, got %zu", n);
	cr_assert_eq(c.n, n);
	ctl_conf_free(a);
	ctl_conf_free(b);
}

Test(diff, identical_configurations_differ_in_nothing)
{
	struct ctl_conf *a = load(conf_a), *b = load(conf_a);
	const struct ctl_diff_image ia[] = {{"ipxe.efi", 3, 0x1111}, {"undionly.kpxe", 1, 0x2222}};
	struct collected c = {0};

	cr_assert_eq(ctl_diff(a, ia, 2, b, ia, 2, collect, &c), 0, "first: %s", c.lines[0]);
	ctl_conf_free(a);
	ctl_conf_free(b);
}

Test(diff, a_moved_rule_is_a_change)
{
	/* the first matching rule wins: reordering changes who boots what */
	struct ctl_conf *a = load(conf_a);
	char swapped[sizeof(conf_a)];
	snprintf(swapped, sizeof(swapped), "%s", conf_a);
	char *e = strstr(swapped, "  - {name: efi"), *bi = strstr(swapped, "  - {name: bios");
	char *bi_end = bi ? strchr(bi, '\n') : NULL;
	char l1[128], l2[128];
	if (!e || !bi_end) { /* the fixture has both rules, one per line */
		cr_assert_fail("fixture rules not found");
		return;
	}
	snprintf(l1, sizeof(l1), "%.*s", (int)(bi - e), e);
	snprintf(l2, sizeof(l2), "%.*s", (int)(bi_end + 1 - bi), bi);
	snprintf(e, sizeof(swapped) - (size_t)(e - swapped), "%s%s%s", l2, l1, bi_end + 1);
	struct ctl_conf *b = load(swapped);
	struct collected c = {0};

	ctl_diff(a, NULL, 0, b, NULL, 0, collect, &c);
	cr_assert(has(&c, "~ rule efi: position 1 -> 2"), "got %zu: %s", c.n, c.lines[0]);
	cr_assert(has(&c, "~ rule bios: position 2 -> 1"));
	ctl_conf_free(a);
	ctl_conf_free(b);
}

Test(diff, host_group_change_is_shown)
{
	struct ctl_conf *a = load(conf_a);
	char b_yaml[sizeof(conf_a) + 16];
	snprintf(b_yaml, sizeof(b_yaml), "%s", conf_a);
	char *g = strstr(b_yaml, "group: rack1");
	memcpy(g, "group: rack2", 12);
	struct ctl_conf *b = load(b_yaml);
	struct collected c = {0};

	cr_assert_eq(ctl_diff(a, NULL, 0, b, NULL, 0, collect, &c), 1);
	cr_assert_str_eq(c.lines[0], "~ host n2 (52:54:00:00:00:02): group rack1 -> rack2");
	ctl_conf_free(a);
	ctl_conf_free(b);
}
