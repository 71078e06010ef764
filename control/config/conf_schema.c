/* SPDX-License-Identifier: MIT */
/*
 * The YAML format: the libcyaml schema of every section, over the y_* structs
 * of conf_internal.h. The only description of the format: pass 2 of the
 * loader walks it for keys, kinds, list sizes and string lengths, libcyaml
 * loads by it; meaning (addresses, ranges, references) is checked by each
 * section's conv_*. All static but the root, y_conf_schema.
 */
#include "control/config/conf_internal.h"

#include <limits.h>

#include "bf_tftp.h"

#define OPT CYAML_FLAG_OPTIONAL
#define PTR CYAML_FLAG_POINTER

static const cyaml_strval_t y_bool_strings[] = {
    {"true", 1}, {"false", 0}, {"yes", 1}, {"no", 0}, {"on", 1}, {"off", 0},
};

static const cyaml_schema_value_t y_token = {
    CYAML_VALUE_STRING(PTR, char, 0, STR_TOKEN),
};

static const cyaml_schema_value_t y_param = {
    CYAML_VALUE_STRING(PTR, char, 1, 127),
};

static const cyaml_schema_value_t y_u64 = {
    CYAML_VALUE_UINT(CYAML_FLAG_DEFAULT, uint64_t),
};

static const cyaml_schema_field_t y_iface_fields[] = {
    CYAML_FIELD_UINT("port", CYAML_FLAG_DEFAULT, struct y_iface, port),
    CYAML_FIELD_STRING_PTR("ipv4", PTR, struct y_iface, ipv4, 0, STR_TOKEN),
    CYAML_FIELD_STRING_PTR("mac", PTR | OPT, struct y_iface, mac, 0, STR_TOKEN),
    CYAML_FIELD_UINT_PTR("mtu", OPT, struct y_iface, mtu),
    CYAML_FIELD_STRING_PTR("kernel", PTR | OPT, struct y_iface, kernel, 1, 15),
    CYAML_FIELD_SEQUENCE("ipv6", PTR | OPT, struct y_iface, ipv6, &y_token, 0, CTL_MAX_IP6),
    CYAML_FIELD_END,
};

static const cyaml_schema_value_t y_iface_schema = {
    CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT, struct y_iface, y_iface_fields),
};

static const cyaml_schema_field_t y_host_fields[] = {
    CYAML_FIELD_STRING_PTR("name", PTR | OPT, struct y_host, name, 0, CTL_MAX_HOSTNAME - 1),
    CYAML_FIELD_STRING_PTR("mac", PTR | OPT, struct y_host, mac, 0, STR_TOKEN),
    CYAML_FIELD_STRING_PTR("client_id", PTR | OPT, struct y_host, client_id, 0, 200),
    CYAML_FIELD_STRING_PTR("uuid", PTR | OPT, struct y_host, uuid, 0, 64),
    CYAML_FIELD_STRING_PTR("address", PTR | OPT, struct y_host, address, 0, STR_TOKEN),
    CYAML_FIELD_STRING_PTR("boot_file", PTR | OPT, struct y_host, boot_file, 0, CTL_MAX_NAME - 1),
    CYAML_FIELD_STRING_PTR("group", PTR | OPT, struct y_host, group, 1, CTL_MAX_GROUP - 1),
    CYAML_FIELD_END,
};

static const cyaml_schema_value_t y_host_schema = {
    CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT, struct y_host, y_host_fields),
};

static const cyaml_schema_field_t y_subnet_fields[] = {
    CYAML_FIELD_STRING_PTR("subnet", PTR, struct y_subnet, subnet, 0, STR_TOKEN),
    CYAML_FIELD_SEQUENCE("pools", PTR | OPT, struct y_subnet, pools, &y_token, 0, CYAML_UNLIMITED),
    CYAML_FIELD_SEQUENCE("routers", PTR | OPT, struct y_subnet, routers, &y_token, 0,
			 CTL_MAX_ADDRS),
    CYAML_FIELD_STRING_PTR("router", PTR | OPT, struct y_subnet, router, 0, STR_TOKEN),
    CYAML_FIELD_SEQUENCE("dns", PTR | OPT, struct y_subnet, dns, &y_token, 0, CTL_MAX_ADDRS),
    CYAML_FIELD_SEQUENCE("ntp", PTR | OPT, struct y_subnet, ntp, &y_token, 0, CTL_MAX_ADDRS),
    CYAML_FIELD_STRING_PTR("domain", PTR | OPT, struct y_subnet, domain, 0, CTL_MAX_DOMAIN - 1),
    CYAML_FIELD_STRING_PTR("next_server", PTR | OPT, struct y_subnet, next_server, 0, STR_TOKEN),
    CYAML_FIELD_UINT_PTR("lease_time", OPT, struct y_subnet, lease_time),
    CYAML_FIELD_SEQUENCE("hosts", PTR | OPT, struct y_subnet, hosts, &y_host_schema, 0,
			 CYAML_UNLIMITED),
    CYAML_FIELD_END,
};

static const cyaml_schema_value_t y_subnet_schema = {
    CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT, struct y_subnet, y_subnet_fields),
};

static const cyaml_schema_field_t y_limits4_fields[] = {
    CYAML_FIELD_UINT_PTR("leases_per_circuit", OPT, struct y_limits4, leases_per_circuit),
    CYAML_FIELD_UINT_PTR("leases_per_relay", OPT, struct y_limits4, leases_per_relay),
    CYAML_FIELD_UINT_PTR("leases_per_port", OPT, struct y_limits4, leases_per_port),
    CYAML_FIELD_UINT_PTR("new_per_second", OPT, struct y_limits4, new_per_second),
    CYAML_FIELD_END,
};

static const cyaml_schema_field_t y_dhcp4_fields[] = {
    CYAML_FIELD_MAPPING_PTR("limits", OPT, struct y_dhcp4, limits, y_limits4_fields),
    CYAML_FIELD_ENUM_PTR("authoritative", OPT | CYAML_FLAG_STRICT | CYAML_FLAG_CASE_INSENSITIVE,
			 struct y_dhcp4, authoritative, y_bool_strings,
			 CYAML_ARRAY_LEN(y_bool_strings)),
    CYAML_FIELD_ENUM_PTR("proxy", OPT | CYAML_FLAG_STRICT | CYAML_FLAG_CASE_INSENSITIVE,
			 struct y_dhcp4, proxy, y_bool_strings, CYAML_ARRAY_LEN(y_bool_strings)),
    CYAML_FIELD_UINT_PTR("lease_time", OPT, struct y_dhcp4, lease_time),
    CYAML_FIELD_UINT_PTR("max_lease_time", OPT, struct y_dhcp4, max_lease_time),
    CYAML_FIELD_UINT_PTR("decline_time", OPT, struct y_dhcp4, decline_time),
    CYAML_FIELD_STRING_PTR("lease_store", PTR | OPT, struct y_dhcp4, lease_store, 1, 4095),
    CYAML_FIELD_SEQUENCE("subnets", PTR | OPT, struct y_dhcp4, subnets, &y_subnet_schema, 0,
			 CYAML_UNLIMITED),
    CYAML_FIELD_END,
};

static const cyaml_schema_field_t y_rule_fields[] = {
    CYAML_FIELD_STRING_PTR("name", PTR | OPT, struct y_rule, name, 0,
			   sizeof(((struct ctl_conf_boot_rule *)NULL)->name) - 1),
    CYAML_FIELD_ENUM_PTR("ipxe", OPT | CYAML_FLAG_STRICT | CYAML_FLAG_CASE_INSENSITIVE,
			 struct y_rule, ipxe, y_bool_strings, CYAML_ARRAY_LEN(y_bool_strings)),
    CYAML_FIELD_SEQUENCE("arch", PTR | OPT, struct y_rule, arch, &y_u64, 0, CTL_MAX_ARCH),
    CYAML_FIELD_STRING_PTR("vendor_class", PTR | OPT, struct y_rule, vendor_class, 0,
			   sizeof(((struct ctl_conf_boot_rule *)NULL)->vendor_prefix) - 1),
    CYAML_FIELD_STRING_PTR("file", PTR, struct y_rule, file, 0, CTL_MAX_NAME - 1),
    CYAML_FIELD_STRING_PTR("next_server", PTR | OPT, struct y_rule, next_server, 0, STR_TOKEN),
    CYAML_FIELD_SEQUENCE("params", PTR | OPT, struct y_rule, params, &y_param, 0,
			 CTL_MAX_BOOT_PARAMS),
    CYAML_FIELD_END,
};

static const cyaml_schema_value_t y_rule_schema = {
    CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT, struct y_rule, y_rule_fields),
};

static const cyaml_schema_field_t y_tftp_mc_fields[] = {
    CYAML_FIELD_ENUM_PTR("enabled", OPT | CYAML_FLAG_STRICT | CYAML_FLAG_CASE_INSENSITIVE,
			 struct y_tftp_mc, enabled, y_bool_strings,
			 CYAML_ARRAY_LEN(y_bool_strings)),
    CYAML_FIELD_STRING_PTR("group", PTR, struct y_tftp_mc, group, 0, STR_TOKEN),
    CYAML_FIELD_UINT_PTR("port", OPT, struct y_tftp_mc, port),
    CYAML_FIELD_UINT_PTR("ttl", OPT, struct y_tftp_mc, ttl),
    CYAML_FIELD_END,
};

static const cyaml_schema_field_t y_mtftp_fields[] = {
    CYAML_FIELD_ENUM_PTR("enabled", OPT | CYAML_FLAG_STRICT | CYAML_FLAG_CASE_INSENSITIVE,
			 struct y_mtftp, enabled, y_bool_strings, CYAML_ARRAY_LEN(y_bool_strings)),
    CYAML_FIELD_STRING_PTR("ip", PTR, struct y_mtftp, ip, 0, STR_TOKEN),
    CYAML_FIELD_UINT_PTR("client_port", OPT, struct y_mtftp, client_port),
    CYAML_FIELD_UINT_PTR("server_port", OPT, struct y_mtftp, server_port),
    CYAML_FIELD_UINT_PTR("listen_delay", OPT, struct y_mtftp, listen_delay),
    CYAML_FIELD_UINT_PTR("delay", OPT, struct y_mtftp, delay),
    CYAML_FIELD_UINT_PTR("ttl", OPT, struct y_mtftp, ttl),
    CYAML_FIELD_SEQUENCE("files", PTR, struct y_mtftp, files, &y_token, 1, CTL_MAX_MTFTP_FILES),
    CYAML_FIELD_END,
};

static const cyaml_schema_field_t y_tftp_fields[] = {
    CYAML_FIELD_MAPPING_PTR("multicast", OPT, struct y_tftp, multicast, y_tftp_mc_fields),
    CYAML_FIELD_UINT_PTR("max_blksize", OPT, struct y_tftp, max_blksize),
    CYAML_FIELD_UINT_PTR("max_window", OPT, struct y_tftp, max_window),
    CYAML_FIELD_UINT_PTR("timeout_ms", OPT, struct y_tftp, timeout_ms),
    CYAML_FIELD_UINT_PTR("retries", OPT, struct y_tftp, retries),
    CYAML_FIELD_UINT_PTR("max_sessions", OPT, struct y_tftp, max_sessions),
    CYAML_FIELD_UINT_PTR("per_source", OPT, struct y_tftp, per_source),
    CYAML_FIELD_END,
};

static const cyaml_schema_field_t y_exception_fields[] = {
    CYAML_FIELD_UINT_PTR("rate", OPT, struct y_exception, rate),
    CYAML_FIELD_UINT_PTR("burst", OPT, struct y_exception, burst),
    CYAML_FIELD_SEQUENCE("ethertypes", PTR | OPT, struct y_exception, ethertypes, &y_token, 0,
			 CTL_MAX_ETHERTYPES),
    CYAML_FIELD_END,
};

static const cyaml_schema_field_t y_control_fields[] = {
    CYAML_FIELD_STRING_PTR("socket", PTR | OPT, struct y_control, socket, 1, 107),
    CYAML_FIELD_STRING_PTR("group", PTR | OPT, struct y_control, group, 1, 63),
    CYAML_FIELD_STRING_PTR("metrics", PTR | OPT, struct y_control, metrics, 0, STR_TOKEN),
    CYAML_FIELD_END,
};

static const cyaml_schema_field_t y_http_fields[] = {
    CYAML_FIELD_SEQUENCE("listen", PTR | OPT, struct y_http, listen, &y_token, 0, CTL_MAX_LISTEN),
    CYAML_FIELD_UINT_PTR("max_connections", OPT, struct y_http, max_connections),
    CYAML_FIELD_UINT_PTR("timeout", OPT, struct y_http, timeout),
    CYAML_FIELD_UINT_PTR("per_source", OPT, struct y_http, per_source),
    CYAML_FIELD_UINT_PTR("header_timeout", OPT, struct y_http, header_timeout),
    CYAML_FIELD_END,
};

#define Y_BOOL_PTR(key, type, member)                                                              \
	CYAML_FIELD_ENUM_PTR(key, OPT | CYAML_FLAG_STRICT | CYAML_FLAG_CASE_INSENSITIVE, type,     \
			     member, y_bool_strings, CYAML_ARRAY_LEN(y_bool_strings))

static const cyaml_schema_field_t y_ra_prefix_fields[] = {
    CYAML_FIELD_STRING_PTR("prefix", PTR, struct y_ra_prefix, prefix, 0, STR_TOKEN),
    Y_BOOL_PTR("on_link", struct y_ra_prefix, on_link),
    Y_BOOL_PTR("autonomous", struct y_ra_prefix, autonomous),
    CYAML_FIELD_UINT_PTR("valid_lifetime", OPT, struct y_ra_prefix, valid_lifetime),
    CYAML_FIELD_UINT_PTR("preferred_lifetime", OPT, struct y_ra_prefix, preferred_lifetime),
    CYAML_FIELD_END,
};

static const cyaml_schema_value_t y_ra_prefix_schema = {
    CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT, struct y_ra_prefix, y_ra_prefix_fields),
};

static const cyaml_schema_field_t y_ra_fields[] = {
    Y_BOOL_PTR("managed", struct y_ra, managed),
    Y_BOOL_PTR("other", struct y_ra, other),
    CYAML_FIELD_UINT_PTR("min_interval", OPT, struct y_ra, min_interval),
    CYAML_FIELD_UINT_PTR("max_interval", OPT, struct y_ra, max_interval),
    CYAML_FIELD_UINT_PTR("router_lifetime", OPT, struct y_ra, router_lifetime),
    CYAML_FIELD_UINT_PTR("hop_limit", OPT, struct y_ra, hop_limit),
    CYAML_FIELD_UINT_PTR("reachable_time", OPT, struct y_ra, reachable_time),
    CYAML_FIELD_UINT_PTR("retrans_timer", OPT, struct y_ra, retrans_timer),
    CYAML_FIELD_UINT_PTR("mtu", OPT, struct y_ra, mtu),
    CYAML_FIELD_SEQUENCE("prefixes", PTR | OPT, struct y_ra, prefixes, &y_ra_prefix_schema, 0,
			 BF_RA_MAX_PREFIX),
    CYAML_FIELD_SEQUENCE("dns", PTR | OPT, struct y_ra, dns, &y_token, 0, BF_RA_MAX_RDNSS),
    CYAML_FIELD_UINT_PTR("dns_lifetime", OPT, struct y_ra, dns_lifetime),
    CYAML_FIELD_SEQUENCE("domains", PTR | OPT, struct y_ra, domains, &y_token, 0,
			 BF_RA_MAX_DNSSL),
    CYAML_FIELD_UINT_PTR("domains_lifetime", OPT, struct y_ra, domains_lifetime),
    CYAML_FIELD_END,
};

static const cyaml_schema_field_t y_host6_fields[] = {
    CYAML_FIELD_STRING_PTR("name", PTR | OPT, struct y_host6, name, 0, CTL_MAX_HOSTNAME - 1),
    CYAML_FIELD_STRING_PTR("duid", PTR | OPT, struct y_host6, duid, 0, 400),
    CYAML_FIELD_STRING_PTR("mac", PTR | OPT, struct y_host6, mac, 0, STR_TOKEN),
    CYAML_FIELD_STRING_PTR("address", PTR, struct y_host6, address, 0, STR_TOKEN),
    CYAML_FIELD_STRING_PTR("group", PTR | OPT, struct y_host6, group, 1, CTL_MAX_GROUP - 1),
    CYAML_FIELD_END,
};

static const cyaml_schema_value_t y_host6_schema = {
    CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT, struct y_host6, y_host6_fields),
};

static const cyaml_schema_field_t y_subnet6_fields[] = {
    CYAML_FIELD_SEQUENCE("hosts", PTR | OPT, struct y_subnet6, hosts, &y_host6_schema, 0,
			 CYAML_UNLIMITED),
    CYAML_FIELD_STRING_PTR("prefix", PTR, struct y_subnet6, prefix, 0, STR_TOKEN),
    CYAML_FIELD_SEQUENCE("pools", PTR | OPT, struct y_subnet6, pools, &y_token, 0, CTL_MAX_POOLS6),
    CYAML_FIELD_SEQUENCE("pd_pools", PTR | OPT, struct y_subnet6, pd_pools, &y_token, 0,
			 CTL_MAX_POOLS6),
    CYAML_FIELD_SEQUENCE("dns", PTR | OPT, struct y_subnet6, dns, &y_token, 0, CTL_MAX_ADDRS),
    CYAML_FIELD_SEQUENCE("domains", PTR | OPT, struct y_subnet6, domains, &y_token, 0, 8),
    CYAML_FIELD_END,
};

static const cyaml_schema_value_t y_subnet6_schema = {
    CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT, struct y_subnet6, y_subnet6_fields),
};

static const cyaml_schema_field_t y_dhcp6_fields[] = {
    CYAML_FIELD_UINT_PTR("preferred_lifetime", OPT, struct y_dhcp6, preferred_lifetime),
    CYAML_FIELD_UINT_PTR("valid_lifetime", OPT, struct y_dhcp6, valid_lifetime),
    CYAML_FIELD_UINT_PTR("preference", OPT, struct y_dhcp6, preference),
    Y_BOOL_PTR("rapid_commit", struct y_dhcp6, rapid_commit),
    CYAML_FIELD_UINT_PTR("info_refresh", OPT, struct y_dhcp6, info_refresh),
    CYAML_FIELD_SEQUENCE("subnets", PTR | OPT, struct y_dhcp6, subnets, &y_subnet6_schema, 0,
			 CYAML_UNLIMITED),
    CYAML_FIELD_END,
};

static const cyaml_schema_field_t y_image_fields[] = {
    CYAML_FIELD_STRING_PTR("name", PTR, struct y_image, name, 0, BF_TFTP_MAX_NAME),
    CYAML_FIELD_STRING_PTR("file", PTR | OPT, struct y_image, file, 0, PATH_MAX - 1),
    CYAML_FIELD_STRING_PTR("content", PTR | OPT, struct y_image, content, 0, CYAML_UNLIMITED),
    CYAML_FIELD_END,
};

static const cyaml_schema_value_t y_image_schema = {
    CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT, struct y_image, y_image_fields),
};

static const cyaml_schema_field_t y_pxe_item_fields[] = {
    CYAML_FIELD_STRING_PTR("text", PTR, struct y_pxe_item, text, 1, 255),
    CYAML_FIELD_UINT_PTR("type", CYAML_FLAG_DEFAULT, struct y_pxe_item, type),
    CYAML_FIELD_STRING_PTR("file", PTR | OPT, struct y_pxe_item, file, 0, CTL_MAX_NAME - 1),
    CYAML_FIELD_END,
};

static const cyaml_schema_value_t y_pxe_item_schema = {
    CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT, struct y_pxe_item, y_pxe_item_fields),
};

static const cyaml_schema_field_t y_pxe_fields[] = {
    CYAML_FIELD_STRING_PTR("prompt", PTR | OPT, struct y_pxe, prompt, 0, 200),
    CYAML_FIELD_STRING_PTR("multicast_discovery", PTR | OPT, struct y_pxe, multicast_discovery, 0,
			   STR_TOKEN),
    CYAML_FIELD_UINT_PTR("timeout", OPT, struct y_pxe, timeout),
    CYAML_FIELD_SEQUENCE("menu", PTR | OPT, struct y_pxe, menu, &y_pxe_item_schema, 0, 16),
    CYAML_FIELD_END,
};

static const cyaml_schema_field_t y_conf_fields[] = {
    CYAML_FIELD_MAPPING_PTR("pxe", OPT, struct y_conf, pxe, y_pxe_fields),
    CYAML_FIELD_MAPPING_PTR("mtftp", OPT, struct y_conf, mtftp, y_mtftp_fields),
    CYAML_FIELD_SEQUENCE("templates", PTR | OPT, struct y_conf, templates, &y_image_schema, 0,
			 1024),
    CYAML_FIELD_SEQUENCE("interfaces", PTR, struct y_conf, interfaces, &y_iface_schema, 1,
			 CYAML_UNLIMITED),
    CYAML_FIELD_MAPPING_PTR("dhcp4", OPT, struct y_conf, dhcp4, y_dhcp4_fields),
    CYAML_FIELD_SEQUENCE("boot", PTR | OPT, struct y_conf, boot, &y_rule_schema, 0,
			 CYAML_UNLIMITED),
    CYAML_FIELD_MAPPING_PTR("tftp", OPT, struct y_conf, tftp, y_tftp_fields),
    CYAML_FIELD_SEQUENCE("images", PTR | OPT, struct y_conf, images, &y_image_schema, 0,
			 CYAML_UNLIMITED),
    CYAML_FIELD_MAPPING_PTR("exception", OPT, struct y_conf, exception, y_exception_fields),
    CYAML_FIELD_MAPPING_PTR("http", OPT, struct y_conf, http, y_http_fields),
    CYAML_FIELD_MAPPING_PTR("control", OPT, struct y_conf, control, y_control_fields),
    CYAML_FIELD_MAPPING_PTR("ra", OPT, struct y_conf, ra, y_ra_fields),
    CYAML_FIELD_MAPPING_PTR("dhcp6", OPT, struct y_conf, dhcp6, y_dhcp6_fields),
    CYAML_FIELD_END,
};

const cyaml_schema_value_t y_conf_schema = {
    CYAML_VALUE_MAPPING(PTR, struct y_conf, y_conf_fields),
};
