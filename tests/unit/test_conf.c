/* SPDX-License-Identifier: MIT */
/*
 * Configuration loader: the demo and a full file land field by field; a table
 * of bad files, each with its exact "file:line:column: reason" prefix.
 * Files live in tests/unit/conf/, found through BF_SRCDIR.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "bf_net.h"
#include "control/config/ctl_conf.h"

#ifndef BF_SRCDIR
#error "BF_SRCDIR must name the source root"
#endif

#define CONF_DIR BF_SRCDIR "/tests/unit/conf/"

static uint32_t
ip(const char *s)
{
	uint32_t v = 0;

	cr_assert_eq(bf_ip4_parse(s, &v), 0, "bad test address %s", s);
	return v;
}

static struct ctl_conf *
load_ok(const char *path)
{
	struct ctl_conf *c = NULL;
	char err[512] = "";

	int rc = ctl_conf_load(path, &c, err, sizeof(err));
	cr_assert_eq(rc, 0, "%s: %s", path, err);
	cr_assert_not_null(c);
	return c;
}

static const struct ctl_conf_image *
image(const struct ctl_conf *c, const char *name)
{
	for (size_t i = 0; i < c->n_images; i++)
		if (!strcmp(c->images[i].name, name))
			return &c->images[i];
	return NULL;
}

Test(conf, demo_loads)
{
	struct ctl_conf *c = load_ok(BF_SRCDIR "/demo/bootfarm.yaml");
	const uint8_t mac0[6] = {0x02, 0, 0, 0, 0, 0x01};
	const uint8_t mac1[6] = {0x00, 0xd0, 0xb7, 0x1b, 0x12, 0xed};
	const uint8_t mac2[6] = {0x00, 0xd0, 0xb7, 0x1b, 0x12, 0xee};

	cr_expect_str_eq(c->path, BF_SRCDIR "/demo/bootfarm.yaml");
	cr_assert_eq(c->n_ifaces, 1);
	cr_expect_eq(c->ifaces[0].port, 0);
	cr_expect_eq(c->ifaces[0].ip4, ip("192.168.77.1"));
	cr_expect_eq(c->ifaces[0].prefix4, 24);
	cr_expect(c->ifaces[0].has_mac);
	cr_expect_arr_eq(c->ifaces[0].mac, mac0, 6);
	cr_expect_eq(c->ifaces[0].mtu, 1500);

	cr_expect(c->authoritative);
	cr_expect_eq(c->lease_time, 3600);
	cr_expect_eq(c->max_lease_time, 86400);
	cr_assert_eq(c->n_subnets, 1);
	const struct ctl_conf_subnet *s = &c->subnets[0];
	cr_expect_eq(s->net, ip("192.168.77.0"));
	cr_expect_eq(s->prefix, 24);
	cr_assert_eq(s->n_ranges, 2);
	cr_expect_eq(s->ranges[0].first, ip("192.168.77.100"));
	cr_expect_eq(s->ranges[0].last, ip("192.168.77.199"));
	cr_expect_eq(s->ranges[1].first, ip("192.168.77.200"));
	cr_expect_eq(s->ranges[1].last, ip("192.168.77.219"));
	cr_assert_eq(s->n_routers, 1);
	cr_expect_eq(s->routers[0], ip("192.168.77.1"));
	cr_assert_eq(s->n_dns, 2);
	cr_expect_eq(s->dns[0], ip("192.168.77.1"));
	cr_expect_eq(s->dns[1], ip("192.168.77.2"));
	cr_assert_eq(s->n_ntp, 1);
	cr_expect_eq(s->ntp[0], ip("192.168.77.1"));
	cr_expect_str_eq(s->domain, "lab.example");
	cr_expect_eq(s->next_server, ip("192.168.77.1"));
	cr_expect_eq(s->lease_time, 600);
	cr_assert_eq(s->n_hosts, 2);
	cr_expect_str_eq(s->hosts[0].name, "n011");
	cr_expect_arr_eq(s->hosts[0].mac, mac1, 6);
	cr_expect(s->hosts[0].has_ip);
	cr_expect_eq(s->hosts[0].ip, ip("192.168.77.31"));
	cr_expect_str_eq(s->hosts[0].boot_file, "");
	cr_expect_str_eq(s->hosts[1].name, "n012");
	cr_expect_arr_eq(s->hosts[1].mac, mac2, 6);
	cr_expect_eq(s->hosts[1].ip, ip("192.168.77.32"));
	cr_expect_str_eq(s->hosts[1].boot_file, "menu.ipxe");

	cr_assert_eq(c->n_rules, 2);
	cr_expect_str_eq(c->rules[0].name, "ipxe-script");
	cr_expect_eq(c->rules[0].ipxe, 1);
	cr_expect_eq(c->rules[0].n_arch, 0);
	cr_expect_str_eq(c->rules[0].vendor_prefix, "");
	cr_expect_str_eq(c->rules[0].file, "boot.ipxe");
	cr_expect_eq(c->rules[0].next_server, 0);
	cr_expect_str_eq(c->rules[1].name, "uefi-http");
	cr_expect_eq(c->rules[1].ipxe, -1);
	cr_assert_eq(c->rules[1].n_arch, 1);
	cr_expect_eq(c->rules[1].arch[0], 16);
	cr_expect_str_eq(c->rules[1].vendor_prefix, "HTTPClient");
	cr_expect_str_eq(c->rules[1].file, "http://192.168.77.1/ipxe.efi");
	cr_expect_eq(c->rules[1].next_server, ip("192.168.77.1"));

	cr_expect_eq(c->tftp.max_blksize, 1468);
	cr_expect_eq(c->tftp.max_window, 64);
	cr_expect_eq(c->tftp.timeout_ms, 1000);
	cr_expect_eq(c->tftp.retries, 5);
	cr_expect_eq(c->tftp.max_sessions, 16384);
	cr_expect_eq(c->tftp.per_source, 11);

	cr_assert_eq(c->n_images, 2);
	const struct ctl_conf_image *im = image(c, "boot.ipxe");
	cr_assert_not_null(im);
	cr_expect_null(im->path);
	cr_assert_not_null(im->content);
	cr_expect_eq(im->content_len, strlen(im->content));
	cr_expect_eq(strncmp(im->content, "#!ipxe\n", 7), 0);
	cr_expect_neq(strstr(im->content, "chain tftp://${next-server}/menu.ipxe\n"), NULL);
	im = image(c, "menu.ipxe");
	cr_assert_not_null(im);
	cr_expect_null(im->content);
	cr_expect_str_eq(im->path, BF_SRCDIR "/demo/menu.ipxe");
	ctl_conf_free(c);
}

Test(conf, full_every_field)
{
	struct ctl_conf *c = load_ok(CONF_DIR "full.yaml");
	const uint8_t m_if[6] = {0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0x01};
	const uint8_t m_a[6] = {0x00, 0x11, 0x22, 0x33, 0x44, 0x55};
	const uint8_t m_b[6] = {0x00, 0x11, 0x22, 0x33, 0x44, 0x56};
	const uint8_t m_c[6] = {0x0a, 0, 0, 0, 0, 0x02};

	cr_assert_eq(c->n_ifaces, 2);
	cr_expect_eq(c->ifaces[0].port, 3);
	cr_expect_str_eq(c->ifaces[0].kernel, "bf-3.k");
	cr_expect_str_eq(c->ifaces[1].kernel, "");
	cr_assert_eq(c->ifaces[0].n_ip6, 2);
	cr_expect_eq(c->ifaces[0].ip6[0].addr[0], 0xfd);
	cr_expect_eq(c->ifaces[0].ip6[0].addr[15], 1);
	cr_expect_eq(c->ifaces[0].ip6[0].prefix, 64);
	cr_expect_eq(c->ifaces[0].ip6[1].addr[1], 0x01);
	cr_expect_eq(c->ifaces[0].ip6[1].addr[15], 5);
	cr_expect_eq(c->ifaces[0].ip6[1].prefix, 48);
	cr_expect_eq(c->ifaces[1].n_ip6, 0);
	cr_expect_eq(c->exception.rate, 5000);
	cr_expect_eq(c->exception.burst, 64);
	cr_expect_eq(c->exception.n_ethertypes, 3);
	cr_expect_eq(c->exception.ethertypes[2], 0x88cc);
	cr_assert_eq(c->http.n_listen, 3);
	cr_expect_eq(c->http.listen[0].family, AF_INET);
	cr_expect_eq(c->http.listen[0].port, 8080);
	cr_expect_eq(memcmp(c->http.listen[0].addr, "\x0a\x01\x00\x01", 4), 0);
	cr_expect_eq(c->http.listen[1].family, AF_INET6);
	cr_expect_eq(c->http.listen[1].addr[0], 0xfd);
	cr_expect_eq(c->http.listen[1].addr[15], 1);
	cr_expect_eq(c->http.listen[2].port, 81);
	cr_expect_eq(c->http.max_connections, 10);
	cr_expect_eq(c->http.timeout_s, 5);
	cr_expect_eq(c->http.per_source, 3);
	cr_expect_eq(c->limits4.per_circuit, 2);
	cr_expect_eq(c->limits4.per_relay, 300);
	cr_expect_eq(c->limits4.per_port, 40);
	cr_expect_eq(c->limits4.new_per_s, 5);
	cr_expect_eq(c->http.header_timeout_s, 2);
	cr_expect(c->dhcp6.enabled);
	cr_expect_eq(c->dhcp6.preferred, 1800);
	cr_expect_eq(c->dhcp6.valid, 3600);
	cr_expect_eq(c->dhcp6.preference, 7);
	cr_expect_not(c->dhcp6.rapid_commit);
	cr_expect_eq(c->dhcp6.info_refresh, 600);
	cr_assert_eq(c->dhcp6.n_subnets, 1);
	const struct ctl_conf_subnet6 *s6 = &c->dhcp6.subnets[0];
	cr_expect_eq(s6->plen, 64);
	cr_expect_eq(s6->n_pools, 1);
	cr_expect_eq(s6->pools[0].first[15], 0x10);
	cr_expect_eq(s6->pools[0].last[15], 0xff);
	cr_assert_eq(s6->n_pd, 1);
	cr_expect_eq(s6->pd[0].len, 56);
	cr_expect_eq(s6->pd[0].last[5], 0xff);
	cr_expect_eq(s6->n_dns, 1);
	cr_expect_str_eq(s6->domains, "lab.example,b.example");
	cr_assert_eq(s6->n_hosts, 2);
	cr_expect_eq(s6->hosts[0].duid_len, 10);
	cr_expect_not(s6->hosts[0].has_mac);
	cr_expect_eq(s6->hosts[0].addr[15], 5);
	cr_expect(s6->hosts[1].has_mac);
	cr_expect_eq(s6->hosts[1].mac[5], 2);
	cr_expect_eq(c->rules[1].n_params, 2);
	cr_expect_str_eq(c->rules[1].params[1], "ip=dhcp");
	cr_expect(c->ra.enabled);
	cr_expect(c->ra.ra.managed);
	cr_expect_not(c->ra.ra.other);
	cr_expect_eq(c->ra.min_interval_s, 30);
	cr_expect_eq(c->ra.max_interval_s, 120);
	cr_expect_eq(c->ra.ra.mtu, 9000);
	cr_assert_eq(c->ra.ra.n_prefix, 1);
	cr_expect_eq(c->ra.ra.prefix[0].len, 64);
	cr_expect(c->ra.ra.prefix[0].on_link);
	cr_expect_not(c->ra.ra.prefix[0].autonomous);
	cr_expect_eq(c->ra.ra.prefix[0].valid, 600);
	cr_expect_eq(c->ra.ra.prefix[0].preferred, 300);
	cr_expect_eq(c->ra.ra.n_rdnss, 1);
	cr_expect_eq(c->ra.ra.rdnss_lifetime, 360);
	cr_expect_str_eq(c->ra.ra.dnssl[0], "lab.example");
	cr_expect_eq(c->ifaces[0].ip4, ip("10.1.0.1"));
	cr_expect_eq(c->ifaces[0].prefix4, 16);
	cr_expect(c->ifaces[0].has_mac);
	cr_expect_arr_eq(c->ifaces[0].mac, m_if, 6);
	cr_expect_eq(c->ifaces[0].mtu, 9000);
	cr_expect_eq(c->ifaces[1].port, 1);
	cr_expect_eq(c->ifaces[1].ip4, ip("172.16.5.1"));
	cr_expect_eq(c->ifaces[1].prefix4, 30);
	cr_expect_not(c->ifaces[1].has_mac);
	cr_expect_eq(c->ifaces[1].mtu, 1500);

	cr_expect_not(c->authoritative);
	cr_expect_eq(c->lease_time, 120);
	cr_expect_eq(c->max_lease_time, 7200);
	cr_assert_eq(c->n_subnets, 2);

	const struct ctl_conf_subnet *s = &c->subnets[0];
	cr_expect_eq(s->net, ip("10.1.0.0"));
	cr_expect_eq(s->prefix, 16);
	cr_assert_eq(s->n_ranges, 2);
	cr_expect_eq(s->ranges[0].first, ip("10.1.1.0"));
	cr_expect_eq(s->ranges[0].last, ip("10.1.1.255"));
	cr_expect_eq(s->ranges[1].first, ip("10.1.2.10"));
	cr_expect_eq(s->ranges[1].last, ip("10.1.2.20"));
	cr_assert_eq(s->n_routers, 1);
	cr_expect_eq(s->routers[0], ip("10.1.0.1"));
	cr_assert_eq(s->n_dns, 2);
	cr_expect_eq(s->dns[1], ip("10.1.0.3"));
	cr_assert_eq(s->n_ntp, 1);
	cr_expect_eq(s->ntp[0], ip("10.1.0.4"));
	cr_expect_str_eq(s->domain, "farm.example.org");
	cr_expect_eq(s->next_server, ip("10.1.0.9"));
	cr_expect_eq(s->lease_time, 7200);
	cr_assert_eq(s->n_hosts, 2);
	cr_expect_str_eq(s->hosts[0].name, "alpha-1");
	cr_expect_arr_eq(s->hosts[0].mac, m_a, 6);
	cr_expect(s->hosts[0].has_ip);
	cr_expect_eq(s->hosts[0].ip, ip("10.1.9.9"));
	cr_expect_str_eq(s->hosts[0].boot_file, "/pxe//special.kpxe");
	cr_expect_str_eq(s->hosts[1].name, "");
	cr_expect_arr_eq(s->hosts[1].mac, m_b, 6);
	cr_expect_not(s->hosts[1].has_ip);
	cr_expect_str_eq(s->hosts[1].boot_file, "");

	s = &c->subnets[1];
	cr_expect_eq(s->net, ip("192.168.200.0"));
	cr_expect_eq(s->prefix, 24);
	cr_expect_eq(s->n_ranges, 0);
	cr_assert_eq(s->n_routers, 2);
	cr_expect_eq(s->routers[0], ip("192.168.200.1"));
	cr_expect_eq(s->routers[1], ip("192.168.200.254"));
	cr_expect_eq(s->n_dns, 0);
	cr_expect_eq(s->n_ntp, 0);
	cr_expect_str_eq(s->domain, "");
	cr_expect_eq(s->next_server, 0);
	cr_expect_eq(s->lease_time, 0);
	cr_assert_eq(s->n_hosts, 1);
	cr_expect_str_eq(s->hosts[0].name, "beta");
	cr_expect_arr_eq(s->hosts[0].mac, m_c, 6);
	cr_expect_str_eq(s->hosts[0].boot_file, "http://10.1.0.9/x.efi");

	cr_assert_eq(c->n_rules, 2);
	cr_expect_str_eq(c->rules[0].name, "rule0");
	cr_expect_eq(c->rules[0].ipxe, 0);
	cr_assert_eq(c->rules[0].n_arch, 3);
	cr_expect_eq(c->rules[0].arch[0], 0);
	cr_expect_eq(c->rules[0].arch[1], 7);
	cr_expect_eq(c->rules[0].arch[2], 65535);
	cr_expect_str_eq(c->rules[0].vendor_prefix, "PXEClient");
	cr_expect_str_eq(c->rules[0].file, "pxe/special.kpxe");
	cr_expect_eq(c->rules[0].next_server, ip("10.1.0.8"));
	cr_expect_str_eq(c->rules[1].name, "any");
	cr_expect_eq(c->rules[1].ipxe, -1);
	cr_expect_str_eq(c->rules[1].file, "boot.ipxe");

	cr_expect_eq(c->tftp.max_blksize, 8192);
	cr_expect_eq(c->tftp.max_window, 16);
	cr_expect_eq(c->tftp.timeout_ms, 500);
	cr_expect_eq(c->tftp.retries, 50);
	cr_expect_eq(c->tftp.max_sessions, 1048576);
	cr_expect_eq(c->tftp.per_source, 2);

	/* Image names are stored canonical. */
	cr_assert_eq(c->n_images, 2);
	cr_expect_str_eq(c->images[0].name, "pxe/special.kpxe");
	cr_expect_str_eq(c->images[0].path, CONF_DIR "img/special.kpxe");
	cr_expect_null(c->images[0].content);
	cr_expect_str_eq(c->images[1].name, "boot.ipxe");
	cr_expect_null(c->images[1].path);
	cr_expect_str_eq(c->images[1].content, "#!ipxe\nshell\n");
	cr_expect_eq(c->images[1].content_len, 13);
	ctl_conf_free(c);
}

Test(conf, minimal_defaults)
{
	struct ctl_conf *c = load_ok(CONF_DIR "minimal.yaml");
	cr_expect_eq(c->exception.rate, 100000);
	cr_expect_eq(c->exception.burst, 2048);
	cr_expect_eq(c->exception.n_ethertypes, 3);
	cr_expect_eq(c->exception.ethertypes[2], 0x86dd);
	cr_expect_eq(c->http.n_listen, 0);
	cr_expect_not(c->ra.enabled);
	cr_expect_not(c->dhcp6.enabled);
	cr_expect_eq(c->http.max_connections, 4096);
	cr_expect_eq(c->http.timeout_s, 30);
	cr_expect_eq(c->http.per_source, 64);
	cr_expect_eq(c->limits4.per_port, 0); /* no limits unless asked */
	cr_expect_eq(c->limits4.new_per_s, 0);
	cr_expect_eq(c->http.header_timeout_s, 10);
	cr_expect_str_eq(c->ifaces[0].kernel, "");

	cr_assert_eq(c->n_ifaces, 1);
	cr_expect_not(c->ifaces[0].has_mac);
	cr_expect_eq(c->ifaces[0].mtu, 1500);
	cr_expect(c->authoritative);
	cr_expect_eq(c->lease_time, 3600);
	cr_expect_eq(c->max_lease_time, 86400);
	cr_expect_eq(c->n_subnets, 0);
	cr_expect_eq(c->n_rules, 0);
	cr_expect_eq(c->n_images, 0);
	cr_expect_eq(c->tftp.max_blksize, 0);
	cr_expect_eq(c->tftp.max_window, 64);
	cr_expect_eq(c->tftp.timeout_ms, 1000);
	cr_expect_eq(c->tftp.retries, 5);
	cr_expect_eq(c->tftp.max_sessions, 16384);
	cr_expect_eq(c->tftp.per_source, 11);
	ctl_conf_free(c);
}

/* file, then the exact expected "LINE:COLUMN: reason..." prefix after "path:". */
static const struct bad_case {
	const char *file;
	const char *want;
} bad_cases[] = {
    {"bad-syntax.yaml", "4:4: YAML syntax error: did not find expected '-' indicator"},
    {"bad-unknown-key.yaml", "7:7: unexpected key 'rnage'"},
    {"bad-type.yaml", "7:16: invalid value for 'routers': expected a list"},
    {"bad-number.yaml", "2:11: invalid value for 'port': expected a decimal number, got 'zero'"},
    {"bad-exponent.yaml", "4:10: invalid value for 'mtu': expected a decimal number, got '1e3'"},
    {"bad-bool.yaml", "5:18: invalid value for 'authoritative': expected true or false"},
    {"bad-ip.yaml", "7:28: invalid IPv4 address '192.168.777.2' for 'dns[1]'"},
    {"bad-cidr.yaml", "3:11: invalid value for 'ipv4': expected address/prefix"},
    {"bad-hostbits.yaml", "6:15: subnet '192.168.77.1/24' has host bits set"},
    {"bad-range-outside.yaml",
     "9:11: pool '192.168.77.200-192.168.78.5' is outside the usable addresses"},
    {"bad-range-overlap.yaml", "10:11: pool '192.168.77.150 - 192.168.77.160' overlaps pool "
			       "'192.168.77.100-192.168.77.150' (line 8)"},
    {"bad-dup-mac.yaml", "12:16: duplicate host MAC 00:d0:b7:1b:12:ed (first at line 8)"},
    {"bad-dup-address.yaml", "13:20: duplicate host address 192.168.77.31 (first at line 9)"},
    {"bad-host-outside.yaml", "9:20: host address 192.168.78.31 is outside"},
    {"bad-unknown-image.yaml", "9:11: boot file 'undionly.kpxe' is not a configured image"},
    {"bad-host-boot-file.yaml", "9:22: boot file '../etc/passwd' is not a configured image"},
    {"bad-missing-file.yaml", "6:11: cannot open image file '" CONF_DIR
			      "no-such-dir/undionly.kpxe' (No such file or directory)"},
    {"bad-image-dir.yaml", "6:11: image file '" CONF_DIR "img' is not a regular file"},
    {"bad-file-and-content.yaml", "7:5: image 'boot.ipxe' has both 'file' and 'content'"},
    {"bad-image-none.yaml", "5:5: image 'boot.ipxe' needs 'file' or 'content'"},
    {"bad-image-name.yaml", "5:11: invalid image name '../secret'"},
    {"bad-dup-image.yaml", "7:11: duplicate image name 'boot.ipxe' (first at line 5)"},
    {"bad-missing-key.yaml", "4:5: missing required key 'ipv4' in 'interfaces[1]'"},
    {"bad-missing-interfaces.yaml", "2:1: missing required key 'interfaces'"},
    {"bad-no-interfaces.yaml", "1:13: 'interfaces' needs at least 1 entry"},
    {"bad-lease-time.yaml", "5:15: 'lease_time' must be between 60 and 2147483647, got 30"},
    {"bad-max-lease.yaml", "6:19: max_lease_time (3600) is below lease_time (7200)"},
    {"bad-tftp.yaml", "6:16: 'max_blksize' must be between 8 and 65464, got 7"},
    {"bad-arch.yaml", "5:16: 'arch' codes must be between 0 and 65535, got 65536"},
    {"bad-empty.yaml", "1:1: empty configuration"},
    {"bad-dup-port.yaml", "6:11: duplicate interface port 0 (first at line 2)"},
    {"bad-subnet-overlap.yaml", "8:15: subnet 10.20.0.0/16 overlaps subnet 10.0.0.0/8 (line 6)"},
    {"bad-dup-key.yaml", "4:5: duplicate key 'port'"},
    {"bad-too-many.yaml", "7:86: too many entries in 'dns' (at most 8)"},
    {"bad-not-mapping.yaml", "1:1: the top level must be a mapping"},
    {"bad-alias.yaml", "5:5: aliases are not supported"},
    {"bad-two-docs.yaml", "4:1: only one YAML document is allowed"},
    {"bad-router-both.yaml", "8:7: use either 'router' or 'routers', not both"},
    {"bad-mac.yaml", "4:10: invalid unicast MAC address '01:00:5e:00:00:01'"},
    {"bad-hostname.yaml", "8:17: invalid host name 'bad_name'"},
    {"bad-dhcp6-pool.yaml", "7:15: pool 'fd00:2::10-fd00:2::ff' must lie inside prefix"},
    {"bad-dhcp6-host.yaml", "9:11: host repeats the address, DUID or MAC of hosts[0]"},
    {"bad-ra-interval.yaml", "6:17: 'min_interval' must be between 3 and 75, got 90"},
    {"bad-ipv6.yaml", "4:28: invalid value for 'ipv6': expected a unicast address/prefix"},
    {"bad-kernel-name.yaml", "4:13: invalid kernel interface name 'bf/0'"},
    {"bad-kernel-dup.yaml", "7:13: kernel interface 'bf0' already used by interfaces[0]"},
    {"bad-ethertype.yaml", "6:26: invalid ethertype '0x8100'"},
    {"bad-exc-rate.yaml", "5:9: 'rate' must be between 1 and 100000000, got 0"},
    {"bad-http-listen.yaml", "5:31: invalid listen address '[fd00::1]80'"},
    {"bad-http-dup.yaml", "7:7: listen address '[fd00:0::1]:80' given twice"},
};

Test(conf, bad_files)
{
	for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		const struct bad_case *b = &bad_cases[i];
		struct ctl_conf *c = (struct ctl_conf *)&bad_cases; /* must stay untouched */
		char path[512], want[1024], err[512];

		snprintf(path, sizeof(path), "%s%s", CONF_DIR, b->file);
		snprintf(want, sizeof(want), "%s:%s", path, b->want);
		memset(err, 'x', sizeof(err));
		int rc = ctl_conf_load(path, &c, err, sizeof(err));
		cr_expect_eq(rc, -1, "%s loaded", b->file);
		cr_expect_eq(c, (struct ctl_conf *)&bad_cases, "%s: *out changed", b->file);
		cr_expect_not_null(memchr(err, '\0', sizeof(err)), "%s: err not terminated",
				   b->file);
		cr_expect_eq(strncmp(err, want, strlen(want)), 0, "%s:\n  got  %s\n  want %s...",
			     b->file, err, want);
		cr_expect_null(strchr(err, '\n'), "%s: more than one line", b->file);
	}
}

Test(conf, nonexistent_path)
{
	struct ctl_conf *c = NULL;
	char err[256];

	cr_assert_eq(ctl_conf_load("/nonexistent/bootfarm.yaml", &c, err, sizeof(err)), -1);
	cr_expect_null(c);
	cr_expect_str_eq(err, "/nonexistent/bootfarm.yaml: cannot read configuration "
			      "(No such file or directory)");
	cr_assert_eq(ctl_conf_load(CONF_DIR, &c, err, sizeof(err)), -1);
	cr_expect_str_eq(err, CONF_DIR ": cannot read configuration (not a regular file)");
}

Test(conf, buffer_names_and_tiny_err)
{
	static const char good[] = "interfaces:\n  - {port: 7, ipv4: 10.0.0.1/8}\n"
				   "images:\n  - {name: a, file: img/special.kpxe}\n";
	static const char bad[] = "interfaces:\n  - {port: 7, ipv4: 10.0.0.1/33}\n";
	struct ctl_conf *c = NULL;
	char err[16];

	/* Relative image paths resolve against the directory of name. */
	cr_assert_eq(
	    ctl_conf_load_buf(CONF_DIR "virtual.yaml", good, strlen(good), &c, err, sizeof(err)),
	    0);
	cr_expect_str_eq(c->path, CONF_DIR "virtual.yaml");
	cr_expect_eq(c->ifaces[0].port, 7);
	cr_expect_str_eq(c->images[0].path, CONF_DIR "img/special.kpxe");
	ctl_conf_free(c);
	c = NULL;

	/* A short buffer truncates the message but stays a C string. */
	cr_assert_eq(ctl_conf_load_buf("x.yaml", bad, strlen(bad), &c, err, sizeof(err)), -1);
	cr_expect_str_eq(err, "x.yaml:2:21: in");
	cr_expect_null(c);
	cr_assert_eq(ctl_conf_load_buf("x.yaml", bad, strlen(bad), &c, NULL, 0), -1);
	cr_assert_eq(ctl_conf_load_buf("x.yaml", NULL, 0, &c, err, sizeof(err)), -1);
	ctl_conf_free(NULL);
}

/* Reservations by client identifier and PXE UUID; lease store and decline time. */
Test(conf, identity_reservations_and_lease_keys)
{
	static const char head[] =
	    "interfaces:\n  - {port: 0, ipv4: 10.1.0.1/24}\n"
	    "dhcp4:\n  lease_store: leases\n  decline_time: 120\n  subnets:\n"
	    "    - subnet: 10.1.0.0/24\n      hosts:\n";
	static const char good[] =
	    "        - {name: a, client_id: \"01:52:54:00:12:34:56\", address: 10.1.0.5}\n"
	    "        - {name: b, uuid: 8c8c6f7e-0011-2233-4455-66778899aabb}\n"
	    "        - {name: c, mac: 02:00:00:00:00:07, uuid: 00112233445566778899AABBCCDDEEFF}\n";
	char buf[2048], err[256];
	struct ctl_conf *c = NULL;

	snprintf(buf, sizeof(buf), "%s%s", head, good);
	cr_assert_eq(ctl_conf_load_buf("/etc/bf/x.yaml", buf, strlen(buf), &c, err, sizeof(err)), 0,
		     "%s", err);
	cr_expect_str_eq(c->lease_store, "/etc/bf/leases");
	cr_expect_eq(c->decline_time, 120);
	const struct ctl_conf_host *h = c->subnets[0].hosts;
	cr_expect_eq(h[0].cid_len, 7);
	cr_expect_eq(h[0].cid[0], 1);
	cr_expect_eq(h[0].cid[6], 0x56);
	cr_expect_not(h[0].has_mac);
	cr_expect_not(h[0].has_uuid);
	cr_expect(h[1].has_uuid && h[1].uuid[0] == 0x8c && h[1].uuid[15] == 0xbb);
	cr_expect(h[2].has_mac && h[2].has_uuid && h[2].uuid[15] == 0xff);
	ctl_conf_free(c);

	static const struct {
		const char *hosts, *want;
	} bad[] = {
	    {"        - {name: a}\n", "x.yaml:9:11: a host needs 'mac', 'client_id' or 'uuid'"},
	    {"        - {uuid: 0011}\n", "x.yaml:9:18: invalid uuid '0011'"},
	    {"        - {client_id: \"01\"}\n", "x.yaml:9:23: invalid client_id '01'"},
	    {"        - {client_id: \"01:0\"}\n", "x.yaml:9:23: invalid client_id '01:0'"},
	    {"        - {client_id: \"01:02\"}\n        - {client_id: \"0102\"}\n",
	     "x.yaml:10:23: duplicate host client_id 01:02 (first at line 9)"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(buf, sizeof(buf), "%s%s", head, bad[i].hosts);
		c = NULL;
		cr_assert_eq(ctl_conf_load_buf("x.yaml", buf, strlen(buf), &c, err, sizeof(err)), -1,
			     "case %zu", i);
		cr_expect(strncmp(err, bad[i].want, strlen(bad[i].want)) == 0, "case %zu: got '%s'",
			  i, err);
	}
}

/* PXE menu: multicast discovery address, item rules, option 43 size bound. */
Test(conf, pxe_menu)
{
	static const char head[] = "interfaces:\n  - {port: 0, ipv4: 10.1.0.1/24}\n"
				   "images:\n  - {name: a.0, content: x}\n";
	static const struct {
		const char *pxe, *want; /* want NULL: loads */
	} tab[] = {
	    {"pxe:\n  multicast_discovery: 224.0.1.2\n  menu:\n    - {type: 0, text: Local}\n"
	     "    - {type: 1, text: Install, file: a.0}\n",
	     NULL},
	    {"pxe:\n  multicast_discovery: 10.0.0.1\n", "x.yaml:6:24: '10.0.0.1' is not a multicast"},
	    {"pxe:\n  menu:\n    - {type: 1, text: Install}\n",
	     "x.yaml:7:7: menu item of type 1 needs a 'file'"},
	    {"pxe:\n  menu:\n    - {type: 1, text: A, file: a.0}\n    - {type: 1, text: B, file: a.0}\n",
	     "x.yaml:8:14: menu type 1 is already used by item 0"},
	    {"pxe:\n  menu:\n    - {type: 1, text: A, file: nope}\n",
	     "x.yaml:7:32: boot file 'nope' is not a configured image"},
	};
	char buf[1024], err[256];

	for (size_t i = 0; i < sizeof(tab) / sizeof(tab[0]); i++) {
		struct ctl_conf *c = NULL;
		snprintf(buf, sizeof(buf), "%s%s", head, tab[i].pxe);
		int rc = ctl_conf_load_buf("x.yaml", buf, strlen(buf), &c, err, sizeof(err));
		if (!tab[i].want) {
			cr_assert_eq(rc, 0, "case %zu: %s", i, err);
			cr_expect_eq(c->pxe.mcast, 0xe0000102);
			cr_expect_eq(c->pxe.n_items, 2);
			cr_expect_str_eq(c->pxe.items[1].file, "a.0");
			ctl_conf_free(c);
			continue;
		}
		cr_assert_eq(rc, -1, "case %zu", i);
		cr_expect(strncmp(err, tab[i].want, strlen(tab[i].want)) == 0, "case %zu: got '%s'", i,
			  err);
	}
}

/* Multicast TFTP: mtftp: (PXE MTFTP, option 43 sub-options 1-5) and tftp.multicast (RFC 2090). */
Test(conf, mtftp)
{
	static const char head[] = "interfaces:\n  - {port: 0, ipv4: 10.1.0.1/24}\n"
				   "images:\n  - {name: a.0, content: x}\n  - {name: b.0, content: y}\n";
	static const struct {
		const char *y, *want; /* want NULL: loads */
	} tab[] = {
	    {"mtftp:\n  ip: 239.255.1.1\n  files: [ a.0, /b.0 ]\n"
	     "tftp:\n  multicast: {group: 239.255.2.0/24}\n",
	     NULL},
	    {"mtftp:\n  ip: 10.0.0.1\n  files: [ a.0 ]\n",
	     "x.yaml:7:7: '10.0.0.1' is not a multicast address outside 224.0.0.0/24"},
	    {"mtftp:\n  ip: 224.0.0.9\n  files: [ a.0 ]\n",
	     "x.yaml:7:7: '224.0.0.9' is not a multicast address outside 224.0.0.0/24"},
	    {"mtftp:\n  ip: 239.255.255.255\n  files: [ a.0, b.0 ]\n",
	     "x.yaml:7:7: 2 files need the groups 239.255.255.255 and up, past 239.255.255.255"},
	    {"mtftp:\n  ip: 239.255.1.1\n  files: [ a.0, nope ]\n",
	     "x.yaml:8:17: 'nope' is not a configured image"},
	    {"mtftp:\n  ip: 239.255.1.1\n  files: [ a.0, ./a.0 ]\n",
	     "x.yaml:8:17: './a.0' is already listed (files[0])"},
	    {"mtftp:\n  ip: 239.255.1.1\n  server_port: 69\n  files: [ a.0 ]\n",
	     "x.yaml:8:16: 'server_port' 69 is a DHCP or TFTP port"},
	    {"mtftp:\n  ip: 239.255.1.1\n  listen_delay: 0\n  files: [ a.0 ]\n",
	     "x.yaml:8:17: 'listen_delay' must be between 1 and 255, got 0"},
	    {"mtftp:\n  ip: 239.255.1.1\n  files: []\n", "x.yaml:8:10: 'files' needs at least 1 entry"},
	    {"mtftp:\n  files: [ a.0 ]\n", "x.yaml:7:3: missing required key 'ip' in 'mtftp'"},
	    {"tftp:\n  multicast: {group: 10.0.0.0/24}\n",
	     "x.yaml:7:22: '10.0.0.0/24' is not inside 224.0.0.0/4"},
	    {"tftp:\n  multicast: {group: 239.255.2.1/24}\n",
	     "x.yaml:7:22: '239.255.2.1/24' has host bits set"},
	    {"tftp:\n  multicast: {group: 239.255.2.0}\n",
	     "x.yaml:7:22: invalid group range '239.255.2.0'"},
	    {"tftp:\n  multicast: {group: 239.255.2.0/24, port: 67}\n",
	     "x.yaml:7:44: 'port' 67 is a DHCP or TFTP port"},
	    {"mtftp:\n  ip: 239.255.2.7\n  files: [ a.0 ]\n"
	     "tftp:\n  multicast: {group: 239.255.2.0/24}\n",
	     "x.yaml:7:7: the MTFTP groups overlap tftp.multicast.group on the same port 1758"},
	    /* off: not checked, not used */
	    {"mtftp:\n  enabled: false\n  ip: 10.0.0.1\n  files: [ a.0 ]\n", NULL},
	};
	char buf[1024], err[256];

	for (size_t i = 0; i < sizeof(tab) / sizeof(tab[0]); i++) {
		struct ctl_conf *c = NULL;
		snprintf(buf, sizeof(buf), "%s%s", head, tab[i].y);
		int rc = ctl_conf_load_buf("x.yaml", buf, strlen(buf), &c, err, sizeof(err));
		if (!tab[i].want) {
			cr_assert_eq(rc, 0, "case %zu: %s", i, err);
			if (i == 0) {
				cr_expect(c->mtftp.enabled);
				cr_expect_eq(c->mtftp.ip, 0xefff0101);
				cr_expect_eq(c->mtftp.client_port, 1758);
				cr_expect_eq(c->mtftp.server_port, 1759);
				cr_expect_eq(c->mtftp.listen_delay, 2);
				cr_expect_eq(c->mtftp.delay, 2);
				cr_expect_eq(c->mtftp.ttl, 1);
				cr_expect_eq(c->mtftp.n_files, 2);
				cr_expect_str_eq(c->mtftp.files[1], "b.0", "canonical name");
				cr_expect(c->tftp.mc);
				cr_expect_eq(c->tftp.mc_group, 0xefff0200);
				cr_expect_eq(c->tftp.mc_prefix, 24);
				cr_expect_eq(c->tftp.mc_port, 1758);
				cr_expect_eq(c->tftp.mc_ttl, 1);
			} else {
				cr_expect(!c->mtftp.enabled && !c->tftp.mc, "case %zu: off", i);
			}
			ctl_conf_free(c);
			continue;
		}
		cr_assert_eq(rc, -1, "case %zu", i);
		cr_expect(strncmp(err, tab[i].want, strlen(tab[i].want)) == 0,
			  "case %zu:\n  got  '%s'\n  want '%s'", i, err, tab[i].want);
	}
}
