/* SPDX-License-Identifier: MIT */
/*
 * Configuration loader: a YAML file becomes a validated struct ctl_conf.
 *
 * The buffer is read three times, each pass stopping at the first error:
 *
 *  1. libyaml's event parser alone: YAML syntax errors, empty files, and
 *     more than one document.
 *  2. A walk of the same events against the libcyaml schema declared below
 *     (the schema is the only description of the format): unknown, duplicate
 *     and missing keys, node kinds (scalar, list, mapping), list sizes,
 *     integer and boolean spelling, string lengths. It records every node's
 *     path ("dhcp4.subnets[0].pools[1]") with its line and column, so later
 *     errors can name the position of the value they are about.
 *  3. libcyaml loads the YAML-shaped structs (y_*), which are then checked
 *     for meaning (addresses, ranges, duplicates, image references, files)
 *     and converted into the typed struct ctl_conf.
 *
 * libcyaml checks most of what pass 2 checks, but reports the position of
 * the previous node and accepts "1e3" as 1 and "-1" as 2^64-1 for unsigned
 * integers; pass 2 gives exact positions and strict numbers. If libcyaml
 * still refuses something, its own message is reported at the position of
 * the innermost node of its backtrace (captured through its log callback).
 *
 * Runs on the control thread; allocates with the system allocator.
 */
#include "control/config/ctl_conf.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <cyaml/cyaml.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml.h>

#include "bf_net.h"
#include "bf_dhcp6.h"
#include "bf_pxe.h"
#include "bf_template.h"
#include "bf_tftp.h"

#define CONF_MAX_FILE (16u << 20) /* ctl_conf_load refuses larger files */
#define CONF_MAX_PATH 256         /* node paths ("dhcp4.subnets[0].hosts[3].mac") */
#define CONF_LEASE_MIN 60
#define CONF_LEASE_MAX 2147483647u
#define RTE_DIM_(a) (sizeof(a) / sizeof((a)[0]))

/* ------------------------------------------------------------------------ */
/* The YAML shape, as libcyaml loads it. Optional scalars are pointers. */

struct y_iface {
	uint64_t port;
	char *ipv4;
	char *mac;
	uint64_t *mtu;
	char *kernel;
	char **ipv6;
	unsigned ipv6_count;
};

struct y_host {
	char *name;
	char *mac;
	char *client_id;
	char *uuid;
	char *address;
	char *boot_file;
	char *group;
};

struct y_subnet {
	char *subnet;
	char **pools;
	unsigned pools_count;
	char **routers;
	unsigned routers_count;
	char *router;
	char **dns;
	unsigned dns_count;
	char **ntp;
	unsigned ntp_count;
	char *domain;
	char *next_server;
	uint64_t *lease_time;
	struct y_host *hosts;
	unsigned hosts_count;
};

struct y_dhcp4 {
	int *authoritative;
	int *proxy;
	uint64_t *lease_time;
	uint64_t *max_lease_time;
	uint64_t *decline_time;
	char *lease_store;
	struct y_subnet *subnets;
	unsigned subnets_count;
};

struct y_rule {
	char *name;
	int *ipxe;
	uint64_t *arch;
	unsigned arch_count;
	char *vendor_class;
	char *file;
	char *next_server;
	char **params;
	unsigned params_count;
};

struct y_tftp_mc {
	int *enabled;
	char *group;
	uint64_t *port;
	uint64_t *ttl;
};

struct y_mtftp {
	int *enabled;
	char *ip;
	uint64_t *client_port;
	uint64_t *server_port;
	uint64_t *listen_delay;
	uint64_t *delay;
	uint64_t *ttl;
	char **files;
	unsigned files_count;
};

struct y_tftp {
	struct y_tftp_mc *multicast;
	uint64_t *max_blksize;
	uint64_t *max_window;
	uint64_t *timeout_ms;
	uint64_t *retries;
	uint64_t *max_sessions;
	uint64_t *per_source;
};

struct y_exception {
	uint64_t *rate;
	uint64_t *burst;
	char **ethertypes;
	unsigned ethertypes_count;
};

struct y_control {
	char *socket;
	char *group;
	char *metrics;
};

struct y_http {
	char **listen;
	unsigned listen_count;
	uint64_t *max_connections;
	uint64_t *timeout;
};

struct y_ra_prefix {
	char *prefix;
	int *on_link;
	int *autonomous;
	uint64_t *valid_lifetime;
	uint64_t *preferred_lifetime;
};

struct y_ra {
	int *managed;
	int *other;
	uint64_t *min_interval;
	uint64_t *max_interval;
	uint64_t *router_lifetime;
	uint64_t *hop_limit;
	uint64_t *reachable_time;
	uint64_t *retrans_timer;
	uint64_t *mtu;
	struct y_ra_prefix *prefixes;
	unsigned prefixes_count;
	char **dns;
	unsigned dns_count;
	uint64_t *dns_lifetime;
	char **domains;
	unsigned domains_count;
	uint64_t *domains_lifetime;
};

struct y_host6 {
	char *name;
	char *duid;
	char *mac;
	char *address;
	char *group;
};

struct y_subnet6 {
	char *prefix;
	struct y_host6 *hosts;
	unsigned hosts_count;
	char **pools;
	unsigned pools_count;
	char **pd_pools;
	unsigned pd_pools_count;
	char **dns;
	unsigned dns_count;
	char **domains;
	unsigned domains_count;
};

struct y_dhcp6 {
	uint64_t *preferred_lifetime;
	uint64_t *valid_lifetime;
	uint64_t *preference;
	int *rapid_commit;
	uint64_t *info_refresh;
	struct y_subnet6 *subnets;
	unsigned subnets_count;
};

struct y_image {
	char *name;
	char *file;
	char *content;
};

struct y_pxe_item {
	char *text;
	uint64_t *type;
	char *file;
};

struct y_pxe {
	char *prompt;
	char *multicast_discovery;
	uint64_t *timeout;
	struct y_pxe_item *menu;
	unsigned menu_count;
};

struct y_conf {
	struct y_pxe *pxe;
	struct y_mtftp *mtftp;
	struct y_image *templates; /* same shape as images: name, file | content */
	unsigned templates_count;
	struct y_iface *interfaces;
	unsigned interfaces_count;
	struct y_dhcp4 *dhcp4;
	struct y_rule *boot;
	unsigned boot_count;
	struct y_tftp *tftp;
	struct y_image *images;
	unsigned images_count;
	struct y_exception *exception;
	struct y_http *http;
	struct y_control *control;
	struct y_ra *ra;
	struct y_dhcp6 *dhcp6;
};

/* ------------------------------------------------------------------------ */
/* The schema. */

#define OPT CYAML_FLAG_OPTIONAL
#define PTR CYAML_FLAG_POINTER
#define STR_TOKEN 255 /* addresses, ranges, MACs: checked for meaning later */

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

static const cyaml_schema_field_t y_dhcp4_fields[] = {
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

static const cyaml_schema_value_t y_conf_schema = {
    CYAML_VALUE_MAPPING(PTR, struct y_conf, y_conf_fields),
};

/* ------------------------------------------------------------------------ */
/* One load: the input, the first error, and the node positions of pass 2. */

struct node {
	char *path;
	const cyaml_schema_value_t *schema;
	unsigned line, col;   /* the value, 1-based */
	unsigned kline, kcol; /* its key when it is a mapping value, else 0 */
};

struct ld {
	const char *name;
	const char *buf;
	size_t len;
	char *err;
	size_t errlen;
	struct node *nodes;
	size_t n_nodes, cap_nodes;
	char path[CONF_MAX_PATH]; /* pass 2: path of the node being walked */
	size_t path_len;
	char qpath[CONF_MAX_PATH]; /* pass 3: path being asked about */
	char show[2][80];          /* user text made printable for messages */
	unsigned show_i;
	char *dir; /* directory of the config, for relative image paths */
};

static int __attribute__((format(printf, 4, 5)))
fail_at(struct ld *ld, unsigned line, unsigned col, const char *fmt, ...)
{
	if (!ld->err || !ld->errlen)
		return -1;
	int n =
	    snprintf(ld->err, ld->errlen, "%s:%u:%u: ", ld->name, line ? line : 1, col ? col : 1);
	if (n >= 0 && (size_t)n < ld->errlen) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(ld->err + n, ld->errlen - (size_t)n, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* User text for a message: control bytes replaced, cut at 64 bytes. */
static const char *
shown(struct ld *ld, const char *s, size_t len)
{
	char *o = ld->show[ld->show_i++ & 1];
	size_t n = 0;

	for (size_t i = 0; i < len && n < 64; i++) {
		unsigned char ch = (unsigned char)s[i];
		o[n++] = ch < 0x20 || ch == 0x7f ? '?' : (char)ch;
	}
	if (len > 64) {
		memcpy(o + n, "...", 3);
		n += 3;
	}
	o[n] = '\0';
	return o;
}

static const char *
shows(struct ld *ld, const char *s)
{
	return shown(ld, s, strlen(s));
}

static const struct node *
node_find(const struct ld *ld, const char *path)
{
	for (size_t i = 0; i < ld->n_nodes; i++)
		if (!strcmp(ld->nodes[i].path, path))
			return &ld->nodes[i];
	return NULL;
}

/* The last component of a path, for messages: "pools[1]", "lease_time". */
static const char *
path_label(const char *path)
{
	const char *dot = strrchr(path, '.');
	return dot ? dot + 1 : path;
}

static const char *__attribute__((format(printf, 2, 3))) pathf(struct ld *ld, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(ld->qpath, sizeof(ld->qpath), fmt, ap);
	va_end(ap);
	return ld->qpath;
}

/*
 * Fail at the node with this path (its key with at_key, when it has one). A
 * path not in the file (an absent optional key) falls back to its parent.
 */
static int __attribute__((format(printf, 4, 5)))
fail_node(struct ld *ld, const char *path, bool at_key, const char *fmt, ...)
{
	char p[CONF_MAX_PATH], msg[512];
	const struct node *nd = NULL;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(p, sizeof(p), "%s", path);
	for (;;) {
		nd = node_find(ld, p);
		if (nd || !p[0])
			break;
		char *cut = strrchr(p, '.');
		char *br = strrchr(p, '[');
		if (br > cut)
			cut = br;
		if (cut)
			*cut = '\0';
		else
			p[0] = '\0';
	}
	if (!nd)
		return fail_at(ld, 1, 1, "%s", msg);
	if (at_key && nd->kline)
		return fail_at(ld, nd->kline, nd->kcol, "%s", msg);
	return fail_at(ld, nd->line, nd->col, "%s", msg);
}

static unsigned
node_line(struct ld *ld, const char *path)
{
	const struct node *nd = node_find(ld, path);
	return nd ? nd->line : 0;
}

/* ------------------------------------------------------------------------ */
/* Pass 1: syntax. */

static int
yaml_fail(struct ld *ld, const yaml_parser_t *p)
{
	unsigned line = (unsigned)p->problem_mark.line + 1;
	unsigned col = (unsigned)p->problem_mark.column + 1;

	if (p->error == YAML_MEMORY_ERROR)
		return fail_at(ld, 1, 1, "out of memory");
	if (p->error == YAML_READER_ERROR) {
		/* Encoding errors carry a byte offset, not a mark. */
		size_t off = p->problem_offset < ld->len ? p->problem_offset : ld->len;
		line = 1;
		col = 1;
		for (size_t i = 0; i < off; i++) {
			if (ld->buf[i] == '\n') {
				line++;
				col = 1;
			} else {
				col++;
			}
		}
	}
	if (p->context)
		return fail_at(ld, line, col, "YAML syntax error: %s (%s at line %u)",
			       p->problem ? p->problem : "?", p->context,
			       (unsigned)p->context_mark.line + 1);
	return fail_at(ld, line, col, "YAML syntax error: %s", p->problem ? p->problem : "?");
}

static int
syntax_pass(struct ld *ld)
{
	yaml_parser_t p;
	yaml_event_t ev;
	unsigned docs = 0;
	int rc = 0;

	if (!yaml_parser_initialize(&p))
		return fail_at(ld, 1, 1, "out of memory");
	yaml_parser_set_input_string(&p, (const unsigned char *)ld->buf, ld->len);
	for (;;) {
		if (!yaml_parser_parse(&p, &ev)) {
			rc = yaml_fail(ld, &p);
			break;
		}
		yaml_event_type_t t = ev.type;
		if (t == YAML_DOCUMENT_START_EVENT && ++docs > 1)
			rc = fail_at(ld, (unsigned)ev.start_mark.line + 1,
				     (unsigned)ev.start_mark.column + 1,
				     "only one YAML document is allowed");
		yaml_event_delete(&ev);
		if (rc || t == YAML_STREAM_END_EVENT)
			break;
	}
	yaml_parser_delete(&p);
	if (!rc && !docs)
		rc =
		    fail_at(ld, 1, 1, "empty configuration (expected a mapping with 'interfaces')");
	return rc;
}

/* ------------------------------------------------------------------------ */
/* Pass 2: the events against the schema; records node positions. */

static size_t path_push(struct ld *ld, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static size_t
path_push(struct ld *ld, const char *fmt, ...)
{
	size_t old = ld->path_len;
	va_list ap;

	va_start(ap, fmt);
	int n = vsnprintf(ld->path + old, sizeof(ld->path) - old, fmt, ap);
	va_end(ap);
	if (n > 0)
		ld->path_len =
		    old + (size_t)n < sizeof(ld->path) ? old + (size_t)n : sizeof(ld->path) - 1;
	return old;
}

static void
path_pop(struct ld *ld, size_t old)
{
	ld->path_len = old;
	ld->path[old] = '\0';
}

static int
node_add(struct ld *ld, const cyaml_schema_value_t *s, const yaml_mark_t *m, const yaml_mark_t *key)
{
	if (ld->n_nodes == ld->cap_nodes) {
		size_t cap = ld->cap_nodes ? ld->cap_nodes * 2 : 64;
		struct node *nn = realloc(ld->nodes, cap * sizeof(*nn));
		if (!nn)
			return fail_at(ld, 1, 1, "out of memory");
		ld->nodes = nn;
		ld->cap_nodes = cap;
	}
	struct node *nd = &ld->nodes[ld->n_nodes];
	nd->path = strdup(ld->path);
	if (!nd->path)
		return fail_at(ld, 1, 1, "out of memory");
	nd->schema = s;
	nd->line = (unsigned)m->line + 1;
	nd->col = (unsigned)m->column + 1;
	nd->kline = key ? (unsigned)key->line + 1 : 0;
	nd->kcol = key ? (unsigned)key->column + 1 : 0;
	ld->n_nodes++;
	return 0;
}

static int
next_event(struct ld *ld, yaml_parser_t *p, yaml_event_t *ev)
{
	if (!yaml_parser_parse(p, ev))
		return yaml_fail(ld, p);
	return 0;
}

static int
fail_ev(struct ld *ld, const yaml_event_t *ev, const char *what)
{
	const char *label = ld->path[0] ? path_label(ld->path) : NULL;

	if (!label)
		return fail_at(ld, (unsigned)ev->start_mark.line + 1,
			       (unsigned)ev->start_mark.column + 1, "the top level must be %s",
			       what);
	return fail_at(ld, (unsigned)ev->start_mark.line + 1, (unsigned)ev->start_mark.column + 1,
		       "invalid value for '%s': expected %s", label, what);
}

static const char *
kind_word(const cyaml_schema_value_t *s)
{
	switch (s->type) {
	case CYAML_UINT:
		return "a number";
	case CYAML_ENUM:
		return "true or false";
	case CYAML_STRING:
		return "a string";
	case CYAML_MAPPING:
		return "a mapping";
	case CYAML_SEQUENCE:
	case CYAML_SEQUENCE_FIXED:
		return "a list";
	default:
		return "a value";
	}
}

/* Decimal only: cyaml would also take "0x10", "010" (8), "1e3" (1), "-1". */
static bool
uint_ok(const char *s, size_t len, uint32_t size)
{
	uint64_t v = 0, max = size >= 8 ? UINT64_MAX : (UINT64_C(1) << (8 * size)) - 1;

	if (!len || len > 20 || (s[0] == '0' && len > 1))
		return false;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		unsigned d = (unsigned)(s[i] - '0');
		if (v > (max - d) / 10)
			return false;
		v = v * 10 + d;
	}
	return true;
}

static int walk_node(struct ld *ld, yaml_parser_t *p, const cyaml_schema_value_t *s,
		     const yaml_event_t *ev, const yaml_mark_t *key);

static int
walk_mapping(struct ld *ld, yaml_parser_t *p, const cyaml_schema_value_t *s,
	     const yaml_event_t *start)
{
	const cyaml_schema_field_t *f = s->mapping.fields;
	uint64_t seen = 0;
	yaml_event_t k, v;
	int rc;

	for (;;) {
		if (next_event(ld, p, &k))
			return -1;
		if (k.type == YAML_MAPPING_END_EVENT) {
			yaml_event_delete(&k);
			break;
		}
		if (k.type != YAML_SCALAR_EVENT) {
			rc = fail_at(ld, (unsigned)k.start_mark.line + 1,
				     (unsigned)k.start_mark.column + 1,
				     "mapping keys must be plain words");
			yaml_event_delete(&k);
			return rc;
		}
		const char *kt = (const char *)k.data.scalar.value;
		size_t kl = k.data.scalar.length, i;
		for (i = 0; f[i].key; i++)
			if (strlen(f[i].key) == kl && !memcmp(f[i].key, kt, kl))
				break;
		rc = 0;
		if (!f[i].key)
			rc = fail_at(ld, (unsigned)k.start_mark.line + 1,
				     (unsigned)k.start_mark.column + 1, "unexpected key '%s'",
				     shown(ld, kt, kl));
		else if (seen & (UINT64_C(1) << i))
			rc = fail_at(ld, (unsigned)k.start_mark.line + 1,
				     (unsigned)k.start_mark.column + 1, "duplicate key '%s'",
				     f[i].key);
		yaml_mark_t km = k.start_mark;
		yaml_event_delete(&k);
		if (rc)
			return rc;
		seen |= UINT64_C(1) << i;

		size_t old = path_push(ld, ld->path_len ? ".%s" : "%s", f[i].key);
		if (next_event(ld, p, &v)) {
			path_pop(ld, old);
			return -1;
		}
		rc = walk_node(ld, p, &f[i].value, &v, &km);
		yaml_event_delete(&v);
		path_pop(ld, old);
		if (rc)
			return rc;
	}
	for (size_t i = 0; f[i].key; i++) {
		if ((seen & (UINT64_C(1) << i)) || (f[i].value.flags & CYAML_FLAG_OPTIONAL))
			continue;
		unsigned line = (unsigned)start->start_mark.line + 1;
		unsigned col = (unsigned)start->start_mark.column + 1;
		if (ld->path_len)
			return fail_at(ld, line, col, "missing required key '%s' in '%s'", f[i].key,
				       path_label(ld->path));
		return fail_at(ld, line, col, "missing required key '%s'", f[i].key);
	}
	return 0;
}

static int
walk_sequence(struct ld *ld, yaml_parser_t *p, const cyaml_schema_value_t *s,
	      const yaml_event_t *start)
{
	yaml_event_t e;
	uint32_t n = 0;
	int rc;

	for (;;) {
		if (next_event(ld, p, &e))
			return -1;
		if (e.type == YAML_SEQUENCE_END_EVENT) {
			yaml_event_delete(&e);
			break;
		}
		if (n >= s->sequence.max) {
			rc = fail_at(ld, (unsigned)e.start_mark.line + 1,
				     (unsigned)e.start_mark.column + 1,
				     "too many entries in '%s' (at most %u)", path_label(ld->path),
				     s->sequence.max);
			yaml_event_delete(&e);
			return rc;
		}
		size_t old = path_push(ld, "[%u]", n);
		rc = walk_node(ld, p, s->sequence.entry, &e, NULL);
		yaml_event_delete(&e);
		path_pop(ld, old);
		if (rc)
			return rc;
		n++;
	}
	if (n < s->sequence.min)
		return fail_at(ld, (unsigned)start->start_mark.line + 1,
			       (unsigned)start->start_mark.column + 1,
			       "'%s' needs at least %u entr%s", path_label(ld->path),
			       s->sequence.min, s->sequence.min == 1 ? "y" : "ies");
	return 0;
}

static int
walk_scalar(struct ld *ld, const cyaml_schema_value_t *s, const yaml_event_t *ev)
{
	const char *v = (const char *)ev->data.scalar.value;
	size_t len = ev->data.scalar.length;
	unsigned line = (unsigned)ev->start_mark.line + 1;
	unsigned col = (unsigned)ev->start_mark.column + 1;
	const char *label = path_label(ld->path);

	switch (s->type) {
	case CYAML_UINT:
		if (!uint_ok(v, len, s->data_size))
			return fail_at(
			    ld, line, col,
			    "invalid value for '%s': expected a decimal number, got '%s'", label,
			    shown(ld, v, len));
		return 0;
	case CYAML_ENUM:
		for (uint32_t i = 0; i < s->enumeration.count; i++) {
			const char *w = s->enumeration.strings[i].str;
			if (strlen(w) == len && !strncasecmp(w, v, len))
				return 0;
		}
		return fail_at(ld, line, col,
			       "invalid value for '%s': expected true or false, got '%s'", label,
			       shown(ld, v, len));
	case CYAML_STRING:
		if (memchr(v, '\0', len))
			return fail_at(ld, line, col, "invalid value for '%s': contains a NUL byte",
				       label);
		if (len < s->string.min)
			return fail_at(ld, line, col, "invalid value for '%s': empty", label);
		if (s->string.max != CYAML_UNLIMITED && len > s->string.max)
			return fail_at(ld, line, col,
				       "invalid value for '%s': too long (at most %u characters)",
				       label, s->string.max);
		return 0;
	default:
		return fail_at(ld, line, col, "internal error: unsupported schema type %d",
			       (int)s->type);
	}
}

static int
walk_node(struct ld *ld, yaml_parser_t *p, const cyaml_schema_value_t *s, const yaml_event_t *ev,
	  const yaml_mark_t *key)
{
	if (ev->type == YAML_ALIAS_EVENT)
		return fail_at(ld, (unsigned)ev->start_mark.line + 1,
			       (unsigned)ev->start_mark.column + 1, "aliases are not supported");
	if (node_add(ld, s, &ev->start_mark, key))
		return -1;
	switch (s->type) {
	case CYAML_MAPPING:
		if (ev->type != YAML_MAPPING_START_EVENT)
			return fail_ev(ld, ev, "a mapping");
		return walk_mapping(ld, p, s, ev);
	case CYAML_SEQUENCE:
	case CYAML_SEQUENCE_FIXED:
		if (ev->type != YAML_SEQUENCE_START_EVENT)
			return fail_ev(ld, ev, "a list");
		return walk_sequence(ld, p, s, ev);
	default:
		if (ev->type != YAML_SCALAR_EVENT)
			return fail_ev(ld, ev, kind_word(s));
		return walk_scalar(ld, s, ev);
	}
}

static int
schema_pass(struct ld *ld)
{
	yaml_parser_t p;
	yaml_event_t ev;
	int rc = 0;

	if (!yaml_parser_initialize(&p))
		return fail_at(ld, 1, 1, "out of memory");
	yaml_parser_set_input_string(&p, (const unsigned char *)ld->buf, ld->len);
	/* Pass 1 saw STREAM_START, DOCUMENT_START and a root node. */
	for (int i = 0; i < 2 && !rc; i++) {
		rc = next_event(ld, &p, &ev);
		if (!rc)
			yaml_event_delete(&ev);
	}
	if (!rc && !(rc = next_event(ld, &p, &ev))) {
		if (ev.type == YAML_SCALAR_EVENT && ev.data.scalar.length == 0)
			rc = fail_at(ld, (unsigned)ev.start_mark.line + 1,
				     (unsigned)ev.start_mark.column + 1,
				     "empty configuration (expected a mapping with 'interfaces')");
		else
			rc = walk_node(ld, &p, &y_conf_schema, &ev, NULL);
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&p);
	return rc;
}

/* ------------------------------------------------------------------------ */
/* Pass 3a: libcyaml. */

struct cy_log {
	char msg[256];      /* the first error message */
	unsigned line, col; /* innermost backtrace frame, 0 if none */
};

static void __attribute__((format(printf, 3, 0)))
cy_log_fn(cyaml_log_t level, void *ctx, const char *fmt, va_list args)
{
	struct cy_log *cl = ctx;
	char line[512];

	if (level < CYAML_LOG_ERROR)
		return;
	vsnprintf(line, sizeof(line), fmt, args);
	line[strcspn(line, "\n")] = '\0';
	const char *pos = strstr(line, "(line: ");
	if (pos) {
		unsigned l, c;
		if (!cl->line && sscanf(pos, "(line: %u, column: %u)", &l, &c) == 2) {
			cl->line = l;
			cl->col = c;
		}
		return;
	}
	if (strstr(line, "Backtrace:") || cl->msg[0])
		return;
	const char *m = !strncmp(line, "Load: ", 6) ? line + 6 : line;
	snprintf(cl->msg, sizeof(cl->msg), "%.200s", m);
}

static int
cyaml_pass(struct ld *ld, struct y_conf **y, const cyaml_config_t *cfg, struct cy_log *cl)
{
	cyaml_err_t e = cyaml_load_data((const uint8_t *)ld->buf, ld->len, cfg, &y_conf_schema,
					(cyaml_data_t **)y, NULL);
	if (e == CYAML_OK && *y)
		return 0;
	if (e == CYAML_OK)
		return fail_at(ld, 1, 1,
			       "empty configuration (expected a mapping with 'interfaces')");
	if (e == CYAML_ERR_OOM)
		return fail_at(ld, 1, 1, "out of memory");
	/* Pass 2 should have caught it: name the node at the backtrace's position. */
	const char *label = NULL;
	for (size_t i = 0; cl->line && i < ld->n_nodes; i++)
		if (ld->nodes[i].line == cl->line && ld->nodes[i].col == cl->col)
			label = path_label(ld->nodes[i].path);
	if (label && label[0])
		return fail_at(ld, cl->line, cl->col, "invalid value for '%s' (%s)", label,
			       cl->msg[0] ? cl->msg : cyaml_strerror(e));
	return fail_at(ld, cl->line, cl->col, "%s", cl->msg[0] ? cl->msg : cyaml_strerror(e));
}

/* ------------------------------------------------------------------------ */
/* Pass 3b: meaning, and conversion into struct ctl_conf. */

/* Overlap finding by sort and sweep: intervals [lo, hi], ord = document order. */
struct span {
	uint64_t lo, hi;
	size_t ord;
};

static int
span_cmp(const void *a, const void *b)
{
	const struct span *x = a, *y = b;

	if (x->lo != y->lo)
		return x->lo < y->lo ? -1 : 1;
	return x->ord < y->ord ? -1 : x->ord > y->ord;
}

/*
 * Among overlapping pairs, the later member (in document order) that comes
 * first; *first gets the other member. Returns SIZE_MAX when none overlap.
 * Sorts v.
 */
static size_t
span_overlap(struct span *v, size_t n, size_t *first)
{
	size_t best = SIZE_MAX, cur = 0;

	if (n < 2)
		return SIZE_MAX;
	qsort(v, n, sizeof(*v), span_cmp);
	for (size_t i = 1; i < n; i++) {
		if (v[i].lo <= v[cur].hi) {
			size_t a = v[i].ord, b = v[cur].ord;
			size_t later = a > b ? a : b;
			if (later < best) {
				best = later;
				*first = a > b ? b : a;
			}
		}
		if (v[i].hi > v[cur].hi)
			cur = i;
	}
	return best;
}

static uint32_t
prefix_mask(unsigned prefix)
{
	return prefix ? ~UINT32_C(0) << (32 - prefix) : 0;
}

/* "a.b.c.d/n", prefix 0..32, no leading zeros. */
static int
cidr_parse(const char *s, uint32_t *ip, uint8_t *prefix)
{
	const char *slash = strchr(s, '/');
	char a[16];
	size_t al = slash ? (size_t)(slash - s) : 0;

	if (!slash || al >= sizeof(a))
		return -1;
	memcpy(a, s, al);
	a[al] = '\0';
	if (bf_ip4_parse(a, ip))
		return -1;
	const char *d = slash + 1;
	size_t dl = strlen(d);
	if (!dl || dl > 2 || (dl == 2 && d[0] == '0') || d[0] < '0' || d[0] > '9' ||
	    (dl == 2 && (d[1] < '0' || d[1] > '9')))
		return -1;
	unsigned v = (unsigned)atoi(d);
	if (v > 32)
		return -1;
	*prefix = (uint8_t)v;
	return 0;
}

static void
trim(char *s)
{
	size_t n = strlen(s), i = 0;

	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		s[--n] = '\0';
	while (s[i] == ' ' || s[i] == '\t')
		i++;
	memmove(s, s + i, n - i + 1);
}

/* "a-b", blanks around '-' allowed. */
static int
range_parse(const char *s, uint32_t *first, uint32_t *last)
{
	char a[STR_TOKEN + 1], b[STR_TOKEN + 1];
	const char *dash = strchr(s, '-');

	if (!dash || (size_t)(dash - s) > STR_TOKEN || strlen(dash + 1) > STR_TOKEN)
		return -1;
	memcpy(a, s, (size_t)(dash - s));
	a[dash - s] = '\0';
	strcpy(b, dash + 1);
	trim(a);
	trim(b);
	return bf_ip4_parse(a, first) || bf_ip4_parse(b, last) ? -1 : 0;
}

/* A unicast MAC as a 48-bit number, for duplicate finding. */
static int
mac_parse_unicast(const char *s, uint8_t mac[6])
{
	static const uint8_t zero[6];

	if (bf_mac_parse(s, mac) || bf_mac_is_multicast(mac) || !memcmp(mac, zero, 6))
		return -1;
	return 0;
}

static uint64_t
mac_u64(const uint8_t mac[6])
{
	uint64_t v = 0;

	for (int i = 0; i < 6; i++)
		v = v << 8 | mac[i];
	return v;
}

/* Host and domain names: letters, digits, '-' and '.', not starting or ending with '-'/'.'. */
static bool
dns_name_ok(const char *s)
{
	size_t n = strlen(s);

	if (!n || s[0] == '-' || s[0] == '.' || s[n - 1] == '-' || s[n - 1] == '.')
		return false;
	for (size_t i = 0; i < n; i++) {
		char ch = s[i];
		bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
			  (ch >= '0' && ch <= '9') || ch == '-' || ch == '.';
		if (!ok || (ch == '.' && s[i + 1] == '.'))
			return false;
	}
	return true;
}

/* Group names (hosts' canary groups, the socket's group): [A-Za-z0-9._-]+. */
static bool
group_ok(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '-' || *s == '_' || *s == '.'))
			return false;
	return true;
}

static bool
printable(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return false;
	return true;
}

/* An optional number with default and bounds, checked at path. */
static int
num(struct ld *ld, const char *path, const uint64_t *v, uint64_t def, uint64_t lo, uint64_t hi,
    uint64_t *out)
{
	if (!v) {
		*out = def;
		return 0;
	}
	if (*v < lo || *v > hi)
		return fail_node(ld, path, false,
				 "'%s' must be between %" PRIu64 " and %" PRIu64 ", got %" PRIu64,
				 path_label(path), lo, hi, *v);
	*out = *v;
	return 0;
}

static int
ip_at(struct ld *ld, const char *path, const char *s, uint32_t *ip)
{
	if (bf_ip4_parse(s, ip))
		return fail_node(ld, path, false, "invalid IPv4 address '%s' for '%s'",
				 shows(ld, s), path_label(path));
	return 0;
}

/* "ADDR/PREFIX" for IPv6; prefix 1..128. */
static int
cidr6_parse(const char *s, uint8_t addr[16], uint8_t *prefix)
{
	const char *slash = strchr(s, '/');
	char host[INET6_ADDRSTRLEN];
	char *end;
	unsigned long p;

	if (!slash || (size_t)(slash - s) >= sizeof(host) || !isdigit((unsigned char)slash[1]))
		return -1;
	memcpy(host, s, (size_t)(slash - s));
	host[slash - s] = '\0';
	p = strtoul(slash + 1, &end, 10);
	if (*end || p < 1 || p > 128 || (slash[1] == '0' && slash[2]))
		return -1;
	*prefix = (uint8_t)p;
	return inet_pton(AF_INET6, host, addr) == 1 ? 0 : -1;
}

/* Unicast, not ::, ::1, link-local (derived from the MAC) or IPv4-mapped. */
static bool
ip6_usable(const uint8_t a[16])
{
	static const uint8_t zero[16];
	static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

	if (a[0] == 0xff || (a[0] == 0xfe && (a[1] & 0xc0) == 0x80) || !memcmp(a, mapped, 12))
		return false;
	return memcmp(a, zero, 15) != 0 || a[15] > 1;
}

/* A Linux interface name we create: no '/', ':', spaces or "." / "..". */
static bool
ifname_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 15 || !strcmp(s, ".") || !strcmp(s, ".."))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && !strchr("-_.", s[i]))
			return false;
	return true;
}

static int
conv_ifaces(struct ld *ld, const struct y_conf *y, struct ctl_conf *c)
{
	struct span *sp;
	size_t first, dup;

	c->ifaces = calloc(y->interfaces_count, sizeof(*c->ifaces));
	sp = calloc(y->interfaces_count, sizeof(*sp));
	if (!c->ifaces || !sp) {
		free(sp);
		return fail_at(ld, 1, 1, "out of memory");
	}
	c->n_ifaces = y->interfaces_count;
	for (size_t i = 0; i < c->n_ifaces; i++) {
		const struct y_iface *yi = &y->interfaces[i];
		struct ctl_conf_iface *ci = &c->ifaces[i];
		uint64_t v;

		if (num(ld, pathf(ld, "interfaces[%zu].port", i), &yi->port, 0, 0, UINT16_MAX, &v))
			goto fail;
		ci->port = (uint16_t)v;
		sp[i] = (struct span){v, v, i};
		if (cidr_parse(yi->ipv4, &ci->ip4, &ci->prefix4) || ci->prefix4 == 0) {
			fail_node(ld, pathf(ld, "interfaces[%zu].ipv4", i), false,
				  "invalid value for 'ipv4': expected address/prefix "
				  "(like 192.168.77.1/24), got '%s'",
				  shows(ld, yi->ipv4));
			goto fail;
		}
		if (ci->ip4 == 0 || ci->ip4 >> 28 >= 0xe || ci->ip4 >> 24 == 127) {
			fail_node(ld, pathf(ld, "interfaces[%zu].ipv4", i), false,
				  "'%s' is not a usable interface address", shows(ld, yi->ipv4));
			goto fail;
		}
		if (yi->mac) {
			if (mac_parse_unicast(yi->mac, ci->mac)) {
				fail_node(ld, pathf(ld, "interfaces[%zu].mac", i), false,
					  "invalid unicast MAC address '%s'", shows(ld, yi->mac));
				goto fail;
			}
			ci->has_mac = true;
		}
		if (num(ld, pathf(ld, "interfaces[%zu].mtu", i), yi->mtu, 1500, 576, 9000, &v))
			goto fail;
		ci->mtu = (uint16_t)v;
		for (unsigned k = 0; yi->ipv6 && k < yi->ipv6_count; k++) {
			if (cidr6_parse(yi->ipv6[k], ci->ip6[k].addr, &ci->ip6[k].prefix) ||
			    !ip6_usable(ci->ip6[k].addr)) {
				fail_node(ld, pathf(ld, "interfaces[%zu].ipv6[%u]", i, k), false,
					  "invalid value for 'ipv6': expected a unicast "
					  "address/prefix (like fd00:99::1/64), got '%s'",
					  shows(ld, yi->ipv6[k]));
				goto fail;
			}
			ci->n_ip6++;
		}
		if (yi->kernel) {
			if (!ifname_ok(yi->kernel)) {
				fail_node(ld, pathf(ld, "interfaces[%zu].kernel", i), false,
					  "invalid kernel interface name '%s' (1-15 characters: "
					  "letters, digits, '-', '_', '.')",
					  shows(ld, yi->kernel));
				goto fail;
			}
			for (size_t j = 0; j < i; j++)
				if (!strcmp(c->ifaces[j].kernel, yi->kernel)) {
					fail_node(ld, pathf(ld, "interfaces[%zu].kernel", i), false,
						  "kernel interface '%s' already used by interfaces[%zu]",
						  shows(ld, yi->kernel), j);
					goto fail;
				}
			snprintf(ci->kernel, sizeof(ci->kernel), "%s", yi->kernel);
		}
	}
	dup = span_overlap(sp, c->n_ifaces, &first);
	if (dup != SIZE_MAX) {
		unsigned l = node_line(ld, pathf(ld, "interfaces[%zu]", first));
		fail_node(ld, pathf(ld, "interfaces[%zu].port", dup), false,
			  "duplicate interface port %u (first at line %u)", c->ifaces[dup].port, l);
		goto fail;
	}
	free(sp);
	return 0;
fail:
	free(sp);
	return -1;
}

/* Image names, sorted, for uniqueness and for boot file references. */
struct name_ref {
	const char *name;
	size_t ord;
};

static int
name_cmp(const void *a, const void *b)
{
	const struct name_ref *x = a, *y = b;
	int r = strcmp(x->name, y->name);

	if (r)
		return r;
	return x->ord < y->ord ? -1 : x->ord > y->ord;
}

static bool
image_known(const struct name_ref *names, size_t n, const char *file)
{
	char canon[BF_TFTP_MAX_NAME + 1];

	if (bf_tftp_canon_name(file, strlen(file), canon, sizeof(canon)) < 0)
		return false;
	struct name_ref key = {canon, 0};
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int r = strcmp(names[mid].name, key.name);
		if (!r)
			return true;
		if (r < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

/* A boot file must be a configured image or a URL ("://"). */
static int
boot_file_check(struct ld *ld, const char *path, const char *file, const struct name_ref *names,
		size_t n_names)
{
	if (!file[0] || !printable(file))
		return fail_node(ld, path, false, "invalid boot file name '%s'", shows(ld, file));
	if (strstr(file, "://") || image_known(names, n_names, file))
		return 0;
	return fail_node(ld, path, false, "boot file '%s' is not a configured image (nor a URL)",
			 shows(ld, file));
}

static char *
join_path(const char *dir, const char *file)
{
	size_t dl = strlen(dir), fl = strlen(file);
	char *p = malloc(dl + fl + 2);

	if (!p)
		return NULL;
	memcpy(p, dir, dl);
	p[dl] = '/';
	memcpy(p + dl + 1, file, fl + 1);
	return p;
}

static int
image_file(struct ld *ld, size_t i, const char *file, char **out)
{
	const char *path = pathf(ld, "images[%zu].file", i);
	struct stat st;
	char *abs;
	int fd;

	if (!file[0])
		return fail_node(ld, path, false, "invalid value for 'file': empty");
	abs = file[0] == '/' ? strdup(file) : join_path(ld->dir, file);
	if (!abs)
		return fail_at(ld, 1, 1, "out of memory");
	fd = open(abs, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		int e = errno;
		fail_node(ld, path, false, "cannot open image file '%s' (%s)", shows(ld, abs),
			  strerror(e));
		free(abs);
		return -1;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		fail_node(ld, path, false, "image file '%s' is not a regular file", shows(ld, abs));
		close(fd);
		free(abs);
		return -1;
	}
	close(fd);
	*out = abs;
	return 0;
}

static int
conv_images(struct ld *ld, const struct y_conf *y, struct ctl_conf *c, struct name_ref **names_out)
{
	struct name_ref *names;
	size_t n = y->images_count;

	c->images = calloc(n ? n : 1, sizeof(*c->images));
	names = calloc(n ? n : 1, sizeof(*names));
	if (!c->images || !names) {
		free(names);
		return fail_at(ld, 1, 1, "out of memory");
	}
	c->n_images = n;
	*names_out = names;
	for (size_t i = 0; i < n; i++) {
		const struct y_image *yi = &y->images[i];
		struct ctl_conf_image *ci = &c->images[i];
		char canon[BF_TFTP_MAX_NAME + 1];
		int cl = bf_tftp_canon_name(yi->name, strlen(yi->name), canon, sizeof(canon));

		if (cl < 0)
			return fail_node(ld, pathf(ld, "images[%zu].name", i), false,
					 "invalid image name '%s' (empty, a '..' component, '\\' "
					 "or control characters)",
					 shows(ld, yi->name));
		if ((size_t)cl >= sizeof(ci->name))
			return fail_node(ld, pathf(ld, "images[%zu].name", i), false,
					 "image name '%s' too long (at most %d characters)",
					 shows(ld, yi->name), CTL_MAX_NAME - 1);
		memcpy(ci->name, canon, (size_t)cl + 1);
		names[i] = (struct name_ref){ci->name, i};
		if (!yi->file == !yi->content) {
			if (yi->file)
				return fail_node(ld, pathf(ld, "images[%zu].content", i), true,
						 "image '%s' has both 'file' and 'content' "
						 "(exactly one is needed)",
						 ci->name);
			return fail_node(ld, pathf(ld, "images[%zu]", i), false,
					 "image '%s' needs 'file' or 'content'", ci->name);
		}
		if (yi->content) {
			ci->content_len = strlen(yi->content);
			ci->content = malloc(ci->content_len + 1);
			if (!ci->content)
				return fail_at(ld, 1, 1, "out of memory");
			memcpy(ci->content, yi->content, ci->content_len + 1);
		} else if (image_file(ld, i, yi->file, &ci->path)) {
			return -1;
		}
	}
	if (n > 1) {
		size_t dup = SIZE_MAX, first = 0;
		qsort(names, n, sizeof(*names), name_cmp);
		for (size_t i = 1; i < n; i++) {
			if (strcmp(names[i].name, names[i - 1].name))
				continue;
			if (names[i].ord < dup) {
				dup = names[i].ord;
				first = names[i - 1].ord;
			}
		}
		if (dup != SIZE_MAX) {
			unsigned l = node_line(ld, pathf(ld, "images[%zu]", first));
			return fail_node(ld, pathf(ld, "images[%zu].name", dup), false,
					 "duplicate image name '%s' (first at line %u)",
					 c->images[dup].name, l);
		}
	}
	return 0;
}

static int
addr_list(struct ld *ld, size_t si, const char *key, char **v, unsigned n, uint32_t *out,
	  uint8_t *n_out)
{
	for (unsigned i = 0; i < n; i++)
		if (ip_at(ld, pathf(ld, "dhcp4.subnets[%zu].%s[%u]", si, key, i), v[i], &out[i]))
			return -1;
	*n_out = (uint8_t)n;
	return 0;
}

static int
conv_ranges(struct ld *ld, size_t si, const struct y_subnet *ys, struct ctl_conf_subnet *cs)
{
	uint32_t mask = prefix_mask(cs->prefix), bcast = cs->net | ~mask;
	struct span *sp;
	size_t first, dup;

	cs->ranges = calloc(ys->pools_count ? ys->pools_count : 1, sizeof(*cs->ranges));
	sp = calloc(ys->pools_count ? ys->pools_count : 1, sizeof(*sp));
	if (!cs->ranges || !sp) {
		free(sp);
		return fail_at(ld, 1, 1, "out of memory");
	}
	cs->n_ranges = ys->pools_count;
	for (size_t j = 0; j < cs->n_ranges; j++) {
		struct ctl_conf_range *r = &cs->ranges[j];
		const char *path = pathf(ld, "dhcp4.subnets[%zu].pools[%zu]", si, j);
		const char *txt = ys->pools[j];

		if (range_parse(txt, &r->first, &r->last)) {
			fail_node(ld, path, false,
				  "invalid pool '%s' (expected \"first-last\", "
				  "like 192.168.77.100-192.168.77.199)",
				  shows(ld, txt));
			goto fail;
		}
		if (r->first > r->last) {
			fail_node(ld, path, false, "invalid pool '%s': first address above last",
				  shows(ld, txt));
			goto fail;
		}
		bool in = (r->first & mask) == cs->net && (r->last & mask) == cs->net;
		/* /31 and /32 have no network or broadcast address (RFC 3021). */
		if (in && cs->prefix <= 30 && (r->first == cs->net || r->last == bcast))
			in = false;
		if (!in) {
			fail_node(ld, path, false,
				  "pool '%s' is outside the usable addresses of "
				  "subnet '%s'",
				  shows(ld, txt), shows(ld, ys->subnet));
			goto fail;
		}
		sp[j] = (struct span){r->first, r->last, j};
	}
	dup = span_overlap(sp, cs->n_ranges, &first);
	if (dup != SIZE_MAX) {
		unsigned l = node_line(ld, pathf(ld, "dhcp4.subnets[%zu].pools[%zu]", si, first));
		fail_node(ld, pathf(ld, "dhcp4.subnets[%zu].pools[%zu]", si, dup), false,
			  "pool '%s' overlaps pool '%s' (line %u)", shows(ld, ys->pools[dup]),
			  shows(ld, ys->pools[first]), l);
		goto fail;
	}
	free(sp);
	return 0;
fail:
	free(sp);
	return -1;
}

/* A converted list of n elements (at least one, so an empty list is not NULL);
 * NULL after reporting "out of memory". */
static void *
conf_list(struct ld *ld, size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);
	if (!p)
		fail_at(ld, 1, 1, "out of memory");
	return p;
}

/*
 * Hex digits, optionally separated by ':' or '-' between bytes ("01:52:54",
 * "0152-54", "8c8c6f7e-..."). Returns the byte count, or -1 if malformed or
 * longer than cap.
 */
static int
hex_bytes(const char *s, uint8_t *out, size_t cap)
{
	size_t n = 0;
	int hi = -1;

	for (; *s; s++) {
		int v;
		if (*s == ':' || *s == '-') {
			if (hi >= 0)
				return -1; /* a separator inside a byte */
			continue;
		}
		if (*s >= '0' && *s <= '9')
			v = *s - '0';
		else if (*s >= 'a' && *s <= 'f')
			v = *s - 'a' + 10;
		else if (*s >= 'A' && *s <= 'F')
			v = *s - 'A' + 10;
		else
			return -1;
		if (hi < 0) {
			hi = v;
			continue;
		}
		if (n == cap)
			return -1;
		out[n++] = (uint8_t)(hi << 4 | v);
		hi = -1;
	}
	return hi >= 0 ? -1 : (int)n;
}

static int
conv_hosts(struct ld *ld, size_t si, const struct y_subnet *ys, struct ctl_conf_subnet *cs,
	   const struct name_ref *names, size_t n_names)
{
	uint32_t mask = prefix_mask(cs->prefix), bcast = cs->net | ~mask;

	if (!(cs->hosts = conf_list(ld, ys->hosts_count, sizeof(*cs->hosts))))
		return -1;
	cs->n_hosts = ys->hosts_count;
	for (size_t j = 0; j < cs->n_hosts; j++) {
		const struct y_host *yh = &ys->hosts[j];
		struct ctl_conf_host *h = &cs->hosts[j];

		if (yh->name) {
			if (!dns_name_ok(yh->name))
				return fail_node(
				    ld, pathf(ld, "dhcp4.subnets[%zu].hosts[%zu].name", si, j),
				    false,
				    "invalid host name '%s' (letters, digits, '-' "
				    "and '.')",
				    shows(ld, yh->name));
			snprintf(h->name, sizeof(h->name), "%s", yh->name);
		}
		if (yh->group) {
			if (!group_ok(yh->group))
				return fail_node(
				    ld, pathf(ld, "dhcp4.subnets[%zu].hosts[%zu].group", si, j), false,
				    "invalid group '%s' (letters, digits, '-', '_' and '.')",
				    shows(ld, yh->group));
			snprintf(h->group, sizeof(h->group), "%s", yh->group);
		}
		if (!yh->mac && !yh->client_id && !yh->uuid)
			return fail_node(ld, pathf(ld, "dhcp4.subnets[%zu].hosts[%zu]", si, j), false,
					 "a host needs 'mac', 'client_id' or 'uuid'");
		if (yh->mac && mac_parse_unicast(yh->mac, h->mac))
			return fail_node(ld, pathf(ld, "dhcp4.subnets[%zu].hosts[%zu].mac", si, j),
					 false, "invalid unicast MAC address '%s'",
					 shows(ld, yh->mac));
		h->has_mac = yh->mac != NULL;
		if (yh->client_id) {
			int n = hex_bytes(yh->client_id, h->cid, sizeof(h->cid));
			if (n < 2)
				return fail_node(
				    ld, pathf(ld, "dhcp4.subnets[%zu].hosts[%zu].client_id", si, j),
				    false,
				    "invalid client_id '%s' (2 to 64 bytes in hex, e.g. "
				    "01:52:54:00:12:34:56)",
				    shows(ld, yh->client_id));
			h->cid_len = (uint8_t)n;
		}
		if (yh->uuid) {
			if (hex_bytes(yh->uuid, h->uuid, sizeof(h->uuid)) != 16)
				return fail_node(
				    ld, pathf(ld, "dhcp4.subnets[%zu].hosts[%zu].uuid", si, j), false,
				    "invalid uuid '%s' (16 bytes in hex as option 97 carries them, "
				    "dashes allowed)",
				    shows(ld, yh->uuid));
			h->has_uuid = true;
		}
		if (yh->address) {
			const char *path =
			    pathf(ld, "dhcp4.subnets[%zu].hosts[%zu].address", si, j);
			if (ip_at(ld, path, yh->address, &h->ip))
				return -1;
			if ((h->ip & mask) != cs->net ||
			    (cs->prefix <= 30 && (h->ip == cs->net || h->ip == bcast)))
				return fail_node(ld, path, false,
						 "host address %s is outside the "
						 "usable addresses of subnet '%s'",
						 shows(ld, yh->address), shows(ld, ys->subnet));
			h->has_ip = true;
		}
		if (yh->boot_file) {
			if (boot_file_check(
				ld, pathf(ld, "dhcp4.subnets[%zu].hosts[%zu].boot_file", si, j),
				yh->boot_file, names, n_names))
				return -1;
			snprintf(h->boot_file, sizeof(h->boot_file), "%s", yh->boot_file);
		}
	}
	return 0;
}

static int
conv_subnet(struct ld *ld, size_t si, const struct y_subnet *ys, struct ctl_conf_subnet *cs,
	    const struct ctl_conf *c, const struct name_ref *names, size_t n_names)
{
	uint64_t v;

	if (cidr_parse(ys->subnet, &cs->net, &cs->prefix) || cs->prefix == 0)
		return fail_node(ld, pathf(ld, "dhcp4.subnets[%zu].subnet", si), false,
				 "invalid subnet '%s' (expected network/prefix, like "
				 "192.168.77.0/24)",
				 shows(ld, ys->subnet));
	if (cs->net & ~prefix_mask(cs->prefix))
		return fail_node(ld, pathf(ld, "dhcp4.subnets[%zu].subnet", si), false,
				 "subnet '%s' has host bits set", shows(ld, ys->subnet));
	if (conv_ranges(ld, si, ys, cs))
		return -1;
	if (ys->router && ys->routers)
		return fail_node(ld, pathf(ld, "dhcp4.subnets[%zu].router", si), true,
				 "use either 'router' or 'routers', not both");
	if (ys->router) {
		if (ip_at(ld, pathf(ld, "dhcp4.subnets[%zu].router", si), ys->router,
			  &cs->routers[0]))
			return -1;
		cs->n_routers = 1;
	} else if (addr_list(ld, si, "routers", ys->routers, ys->routers_count, cs->routers,
			     &cs->n_routers)) {
		return -1;
	}
	if (addr_list(ld, si, "dns", ys->dns, ys->dns_count, cs->dns, &cs->n_dns) ||
	    addr_list(ld, si, "ntp", ys->ntp, ys->ntp_count, cs->ntp, &cs->n_ntp))
		return -1;
	if (ys->domain) {
		if (!dns_name_ok(ys->domain))
			return fail_node(ld, pathf(ld, "dhcp4.subnets[%zu].domain", si), false,
					 "invalid domain name '%s'", shows(ld, ys->domain));
		snprintf(cs->domain, sizeof(cs->domain), "%s", ys->domain);
	}
	if (ys->next_server && ip_at(ld, pathf(ld, "dhcp4.subnets[%zu].next_server", si),
				     ys->next_server, &cs->next_server))
		return -1;
	if (num(ld, pathf(ld, "dhcp4.subnets[%zu].lease_time", si), ys->lease_time, 0,
		CONF_LEASE_MIN, c->max_lease_time, &v))
		return -1;
	cs->lease_time = (uint32_t)v;
	return conv_hosts(ld, si, ys, cs, names, n_names);
}

/* "01:52:54" form of n bytes into out (3 * n + 1 bytes). */
static char *
hex_str(const uint8_t *p, size_t n, char *out)
{
	out[0] = 0;
	for (size_t i = 0; i < n; i++)
		sprintf(out + (i ? 3 * i - 1 : 0), i ? ":%02x" : "%02x", p[i]);
	return out;
}

/*
 * Report host number dup (where[] maps host numbers to subnet, host) as a
 * duplicate of host number first in field key; value is its text form.
 */
static int
fail_dup_host(struct ld *ld, const size_t *where, size_t first, size_t dup, const char *key,
	      const char *what, const char *value)
{
	unsigned l = node_line(ld, pathf(ld, "dhcp4.subnets[%zu].hosts[%zu].%s", where[2 * first],
					 where[2 * first + 1], key));
	return fail_node(ld,
			 pathf(ld, "dhcp4.subnets[%zu].hosts[%zu].%s", where[2 * dup],
			       where[2 * dup + 1], key),
			 false, "duplicate host %s %s (first at line %u)", what, value, l);
}

/* Subnets do not overlap; host MACs and fixed addresses are unique in the file. */
static int
check_unique(struct ld *ld, const struct ctl_conf *c)
{
	size_t n_hosts = 0, k = 0, first, dup;
	struct span *sp, *macs, *ips;
	size_t *where;
	int rc = 0;

	for (size_t i = 0; i < c->n_subnets; i++)
		n_hosts += c->subnets[i].n_hosts;
	sp = calloc(c->n_subnets + 1, sizeof(*sp));
	macs = calloc(n_hosts + 1, sizeof(*macs));
	ips = calloc(n_hosts + 1, sizeof(*ips));
	where = calloc(n_hosts + 1, 2 * sizeof(*where));
	if (!sp || !macs || !ips || !where) {
		rc = fail_at(ld, 1, 1, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < c->n_subnets; i++) {
		const struct ctl_conf_subnet *s = &c->subnets[i];
		sp[i] = (struct span){s->net, s->net | ~prefix_mask(s->prefix), i};
	}
	dup = span_overlap(sp, c->n_subnets, &first);
	if (dup != SIZE_MAX) {
		char a[16], b[16];
		unsigned l = node_line(ld, pathf(ld, "dhcp4.subnets[%zu].subnet", first));
		rc = fail_node(ld, pathf(ld, "dhcp4.subnets[%zu].subnet", dup), false,
			       "subnet %s/%u overlaps subnet %s/%u (line %u)",
			       bf_ip4_str(c->subnets[dup].net, a), c->subnets[dup].prefix,
			       bf_ip4_str(c->subnets[first].net, b), c->subnets[first].prefix, l);
		goto out;
	}
	size_t n_ips = 0, n_macs = 0;
	for (size_t i = 0; i < c->n_subnets; i++) {
		for (size_t j = 0; j < c->subnets[i].n_hosts; j++, k++) {
			const struct ctl_conf_host *h = &c->subnets[i].hosts[j];
			where[2 * k] = i;
			where[2 * k + 1] = j;
			if (h->has_mac) {
				uint64_t m = mac_u64(h->mac);
				macs[n_macs++] = (struct span){m, m, k};
			}
			if (h->has_ip)
				ips[n_ips++] = (struct span){h->ip, h->ip, k};
		}
	}
	dup = span_overlap(macs, n_macs, &first);
	if (dup != SIZE_MAX) {
		char mac[18];
		const struct ctl_conf_host *h = &c->subnets[where[2 * dup]].hosts[where[2 * dup + 1]];
		rc = fail_dup_host(ld, where, first, dup, "mac", "MAC", bf_mac_str(h->mac, mac));
		goto out;
	}
	dup = span_overlap(ips, n_ips, &first);
	if (dup != SIZE_MAX) {
		char ip[16];
		const struct ctl_conf_host *h = &c->subnets[where[2 * dup]].hosts[where[2 * dup + 1]];
		rc = fail_dup_host(ld, where, first, dup, "address", "address", bf_ip4_str(h->ip, ip));
		goto out;
	}
	/* Client identifiers and UUIDs: reservations by them are few; pairwise is fine. */
	for (size_t a = 0; a < n_hosts; a++) {
		const struct ctl_conf_host *ha = &c->subnets[where[2 * a]].hosts[where[2 * a + 1]];
		for (size_t b = a + 1; b < n_hosts && (ha->cid_len || ha->has_uuid); b++) {
			const struct ctl_conf_host *hb =
			    &c->subnets[where[2 * b]].hosts[where[2 * b + 1]];
			char hx[3 * CTL_MAX_CLIENT_ID + 1];
			if (ha->cid_len && ha->cid_len == hb->cid_len &&
			    memcmp(ha->cid, hb->cid, ha->cid_len) == 0) {
				rc = fail_dup_host(ld, where, a, b, "client_id", "client_id",
						   hex_str(ha->cid, ha->cid_len, hx));
				goto out;
			}
			if (ha->has_uuid && hb->has_uuid && memcmp(ha->uuid, hb->uuid, 16) == 0) {
				rc = fail_dup_host(ld, where, a, b, "uuid", "uuid",
						   hex_str(ha->uuid, 16, hx));
				goto out;
			}
		}
	}
out:
	free(sp);
	free(macs);
	free(ips);
	free(where);
	return rc;
}

static int
conv_dhcp4(struct ld *ld, const struct y_conf *y, struct ctl_conf *c, const struct name_ref *names,
	   size_t n_names)
{
	const struct y_dhcp4 *d = y->dhcp4;
	static const struct y_dhcp4 none;
	uint64_t v;

	if (!d)
		d = &none;
	c->authoritative = d->authoritative ? *d->authoritative != 0 : true;
	c->proxy = d->proxy ? *d->proxy != 0 : false;
	if (num(ld, "dhcp4.lease_time", d->lease_time, 3600, CONF_LEASE_MIN, CONF_LEASE_MAX, &v))
		return -1;
	c->lease_time = (uint32_t)v;
	if (num(ld, "dhcp4.max_lease_time", d->max_lease_time, 86400, CONF_LEASE_MIN,
		CONF_LEASE_MAX, &v))
		return -1;
	c->max_lease_time = (uint32_t)v;
	if (c->max_lease_time < c->lease_time)
		return fail_node(
		    ld, d->max_lease_time ? "dhcp4.max_lease_time" : "dhcp4.lease_time", false,
		    "max_lease_time (%" PRIu32 ") is below lease_time (%" PRIu32 ")",
		    c->max_lease_time, c->lease_time);
	if (num(ld, "dhcp4.decline_time", d->decline_time, 3600, CONF_LEASE_MIN, CONF_LEASE_MAX,
		&v))
		return -1;
	c->decline_time = (uint32_t)v;
	if (d->lease_store) {
		c->lease_store = d->lease_store[0] == '/' ? strdup(d->lease_store)
							 : join_path(ld->dir, d->lease_store);
		if (!c->lease_store)
			return fail_at(ld, 1, 1, "out of memory");
	}
	if (!(c->subnets = conf_list(ld, d->subnets_count, sizeof(*c->subnets))))
		return -1;
	c->n_subnets = d->subnets_count;
	for (size_t i = 0; i < c->n_subnets; i++)
		if (conv_subnet(ld, i, &d->subnets[i], &c->subnets[i], c, names, n_names))
			return -1;
	return check_unique(ld, c);
}

/* Read a small text file (a template) whole; NULL on failure (errno set). */
static char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	if (!f)
		return NULL;
	buf = malloc((1u << 20) + 1);
	size_t n = buf ? fread(buf, 1, 1u << 20, f) : 0;
	if (buf && (ferror(f) || !feof(f))) { /* unreadable, or over 1 MiB */
		free(buf);
		buf = NULL;
		errno = EFBIG;
	}
	fclose(f);
	if (buf) {
		buf[n] = 0;
		*len = n;
	}
	return buf;
}

/* Per-client boot file templates: placeholders checked here, rendered per client. */
static int
conv_templates(struct ld *ld, const struct y_conf *y, struct ctl_conf *c)
{
	if (!(c->templates = conf_list(ld, y->templates_count, sizeof(*c->templates))))
		return -1;
	for (size_t i = 0; i < y->templates_count; i++) {
		const struct y_image *yt = &y->templates[i];
		struct ctl_conf_template *t = &c->templates[i];
		size_t bad;

		if (!yt->file == !yt->content)
			return fail_node(ld, pathf(ld, "templates[%zu]", i), false,
					 "template '%s' needs exactly one of 'file' and 'content'",
					 shows(ld, yt->name));
		if (strlen(yt->name) >= sizeof(t->name) ||
		    bf_template_check(yt->name, strlen(yt->name), &bad))
			return fail_node(ld, pathf(ld, "templates[%zu].name", i), false,
					 "template name '%s': unknown or unclosed placeholder, or "
					 "too long",
					 shows(ld, yt->name));
		snprintf(t->name, sizeof(t->name), "%s", yt->name);
		c->n_templates++;
		if (yt->content) {
			t->len = strlen(yt->content);
			t->content = strdup(yt->content);
		} else {
			char *abs = yt->file[0] == '/' ? strdup(yt->file) : join_path(ld->dir, yt->file);
			t->content = abs ? slurp(abs, &t->len) : NULL;
			int e = errno;
			if (!t->content) {
				fail_node(ld, pathf(ld, "templates[%zu].file", i), false,
					  "cannot read template file '%s' (%s)", shows(ld, abs ? abs : ""),
					  strerror(e));
				free(abs);
				return -1;
			}
			free(abs);
		}
		if (!t->content)
			return fail_at(ld, 1, 1, "out of memory");
		if (bf_template_check(t->content, t->len, &bad))
			return fail_node(ld,
					 pathf(ld, "templates[%zu].%s", i,
					       yt->content ? "content" : "file"),
					 false,
					 "template '%s': unknown or unclosed placeholder at byte %zu "
					 "('{{' is a literal '{')",
					 shows(ld, yt->name), bad);
	}
	return 0;
}

/* The PXE menu; its option 43 must fit one option (ROMs do not join split ones). */
static int
conv_pxe(struct ld *ld, const struct y_conf *y, struct ctl_conf *c, const struct name_ref *names,
	 size_t n_names)
{
	const struct y_pxe *yp = y->pxe;
	struct bf_pxe_opts po;
	uint8_t enc[1024];
	uint64_t v;

	if (!yp)
		return 0;
	if (num(ld, "pxe.timeout", yp->timeout, 10, 0, 255, &v))
		return -1;
	c->pxe.timeout = (uint8_t)v;
	snprintf(c->pxe.prompt, sizeof(c->pxe.prompt), "%s", yp->prompt ? yp->prompt : "");
	if (yp->multicast_discovery) {
		if (ip_at(ld, "pxe.multicast_discovery", yp->multicast_discovery, &c->pxe.mcast))
			return -1;
		if ((c->pxe.mcast >> 28) != 0xe)
			return fail_node(ld, "pxe.multicast_discovery", false,
					 "'%s' is not a multicast address (224.0.0.0/4), e.g. "
					 "224.0.1.2",
					 shows(ld, yp->multicast_discovery));
		po.has_mcast_addr = true;
	}
	if (!(c->pxe.items = conf_list(ld, yp->menu_count, sizeof(*c->pxe.items))))
		return -1;
	c->pxe.n_items = yp->menu_count;
	memset(&po, 0, sizeof(po));
	for (size_t i = 0; i < yp->menu_count; i++) {
		const struct y_pxe_item *yi = &yp->menu[i];
		struct ctl_conf_pxe_item *it = &c->pxe.items[i];
		if (num(ld, pathf(ld, "pxe.menu[%zu].type", i), yi->type, 0, 0, 65535, &v))
			return -1;
		it->type = (uint16_t)v;
		for (size_t j = 0; j < i; j++)
			if (c->pxe.items[j].type == it->type)
				return fail_node(ld, pathf(ld, "pxe.menu[%zu].type", i), false,
						 "menu type %u is already used by item %zu",
						 it->type, j);
		snprintf(it->text, sizeof(it->text), "%s", yi->text);
		if (it->type && !yi->file)
			return fail_node(ld, pathf(ld, "pxe.menu[%zu]", i), false,
					 "menu item of type %u needs a 'file' (only type 0, "
					 "local boot, has none)",
					 it->type);
		if (it->type) {
			if (boot_file_check(ld, pathf(ld, "pxe.menu[%zu].file", i), yi->file, names,
					    n_names))
				return -1;
			snprintf(it->file, sizeof(it->file), "%s", yi->file);
		}
		po.menu[po.n_menu].type = it->type;
		po.menu[po.n_menu].len = (uint8_t)strlen(it->text);
		memcpy(po.menu[po.n_menu].text, it->text, strlen(it->text) + 1);
		if (it->type && po.n_servers < BF_PXE_MAX_SERVER_TYPES) {
			po.servers[po.n_servers].type = it->type;
			po.servers[po.n_servers].n_ip = 1;
			po.n_servers++;
		}
		po.n_menu++;
	}
	po.has_discovery_control = true;
	po.has_mtftp = y->mtftp && !(y->mtftp->enabled && !*y->mtftp->enabled); /* 19 bytes */
	po.has_prompt = c->pxe.prompt[0] != 0;
	po.prompt_len = (uint8_t)strlen(c->pxe.prompt);
	memcpy(po.prompt, c->pxe.prompt, po.prompt_len);
	int n = bf_pxe_encode(&po, enc, sizeof(enc));
	if (n < 0 || n > 255)
		return fail_node(ld, "pxe", false,
				 "the PXE menu needs %d bytes of option 43; PXE ROMs take at most "
				 "255: shorten texts or the prompt, or use fewer items",
				 n < 0 ? (int)sizeof(enc) : n);
	return 0;
}

static int
conv_rules(struct ld *ld, const struct y_conf *y, struct ctl_conf *c, const struct name_ref *names,
	   size_t n_names)
{
	if (!(c->rules = conf_list(ld, y->boot_count, sizeof(*c->rules))))
		return -1;
	c->n_rules = y->boot_count;
	for (size_t i = 0; i < c->n_rules; i++) {
		const struct y_rule *yr = &y->boot[i];
		struct ctl_conf_boot_rule *r = &c->rules[i];

		if (yr->name) {
			if (!yr->name[0] || !printable(yr->name))
				return fail_node(ld, pathf(ld, "boot[%zu].name", i), false,
						 "invalid rule name '%s'", shows(ld, yr->name));
			snprintf(r->name, sizeof(r->name), "%s", yr->name);
		} else {
			snprintf(r->name, sizeof(r->name), "rule%zu", i);
		}
		r->ipxe = (int8_t)(yr->ipxe ? (*yr->ipxe ? 1 : 0) : -1);
		for (unsigned j = 0; j < yr->arch_count; j++) {
			if (yr->arch[j] > UINT16_MAX)
				return fail_node(
				    ld, pathf(ld, "boot[%zu].arch[%u]", i, j), false,
				    "'arch' codes must be between 0 and 65535, got %" PRIu64,
				    yr->arch[j]);
			r->arch[j] = (uint16_t)yr->arch[j];
		}
		r->n_arch = (uint8_t)yr->arch_count;
		if (yr->vendor_class) {
			if (!yr->vendor_class[0] || !printable(yr->vendor_class))
				return fail_node(ld, pathf(ld, "boot[%zu].vendor_class", i), false,
						 "invalid vendor_class '%s'",
						 shows(ld, yr->vendor_class));
			snprintf(r->vendor_prefix, sizeof(r->vendor_prefix), "%s",
				 yr->vendor_class);
		}
		if (boot_file_check(ld, pathf(ld, "boot[%zu].file", i), yr->file, names, n_names))
			return -1;
		snprintf(r->file, sizeof(r->file), "%s", yr->file);
		if (yr->next_server && ip_at(ld, pathf(ld, "boot[%zu].next_server", i),
					     yr->next_server, &r->next_server))
			return -1;
		for (unsigned k = 0; yr->params && k < yr->params_count; k++) {
			if (!printable(yr->params[k]))
				return fail_node(ld, pathf(ld, "boot[%zu].params[%u]", i, k), false,
						 "invalid boot parameter '%s'",
						 shows(ld, yr->params[k]));
			snprintf(r->params[k], sizeof(r->params[k]), "%s", yr->params[k]);
			r->n_params++;
		}
	}
	return 0;
}

/* The largest value a struct ctl_conf_tftp member can hold, capped at want. */
#define FIT(member, want)                                                                          \
	((sizeof(member) >= 8 || (want) <= (UINT64_C(1) << (8 * sizeof(member))) - 1)              \
	     ? (uint64_t)(want)                                                                    \
	     : (UINT64_C(1) << (8 * sizeof(member))) - 1)

static int conv_tftp_mc(struct ld *ld, const struct y_tftp_mc *m, struct ctl_conf_tftp *ct);

static int
conv_tftp(struct ld *ld, const struct y_conf *y, struct ctl_conf *c)
{
	static const struct y_tftp none;
	const struct y_tftp *t = y->tftp ? y->tftp : &none;
	struct ctl_conf_tftp *ct = &c->tftp;
	uint64_t v;

	if (t->max_blksize && *t->max_blksize == 0) {
		ct->max_blksize = 0; /* explicit 0: from the MTU, as when absent */
	} else {
		if (num(ld, "tftp.max_blksize", t->max_blksize, 0, BF_TFTP_MIN_BLKSIZE,
			BF_TFTP_MAX_BLKSIZE, &v))
			return -1;
		ct->max_blksize = (uint16_t)v;
	}
	if (num(ld, "tftp.max_window", t->max_window, 64, 1, FIT(ct->max_window, 65535), &v))
		return -1;
	ct->max_window = (uint16_t)v;
	if (num(ld, "tftp.timeout_ms", t->timeout_ms, 1000, 10, FIT(ct->timeout_ms, 255000), &v))
		return -1;
	ct->timeout_ms = (__typeof__(ct->timeout_ms))v;
	if (num(ld, "tftp.retries", t->retries, 5, 1, 50, &v))
		return -1;
	ct->retries = (uint8_t)v;
	if (num(ld, "tftp.max_sessions", t->max_sessions, CTL_TFTP_SESSIONS, 1, 1048576, &v))
		return -1;
	ct->max_sessions = (uint32_t)v;
	if (num(ld, "tftp.per_source", t->per_source, 11, 1, FIT(ct->per_source, 65535), &v))
		return -1;
	ct->per_source = (uint16_t)v;
	return conv_tftp_mc(ld, t->multicast, ct);
}

/* MTFTP / multicast ports: any but the ones DHCP and TFTP answer on. */
static int
mc_port(struct ld *ld, const char *path, const uint64_t *p, uint64_t def, uint16_t *out)
{
	uint64_t v;

	if (num(ld, path, p, def, 1, 65535, &v))
		return -1;
	if (v == 67 || v == 68 || v == 69 || v == 546 || v == 547 || v == 4011)
		return fail_node(ld, path, false,
				 "'%s' %" PRIu64 " is a DHCP or TFTP port; pick another (e.g. 1758)",
				 path_label(path), v);
	*out = (uint16_t)v;
	return 0;
}

/* tftp.multicast: the RFC 2090 option, groups drawn from a range. */
static int
conv_tftp_mc(struct ld *ld, const struct y_tftp_mc *m, struct ctl_conf_tftp *ct)
{
	uint32_t ip;
	uint8_t prefix;
	uint64_t v;

	if (!m || (m->enabled && !*m->enabled))
		return 0;
	if (cidr_parse(m->group, &ip, &prefix))
		return fail_node(ld, "tftp.multicast.group", false,
				 "invalid group range '%s': expected ADDRESS/PREFIX, e.g. "
				 "239.255.2.0/24",
				 shows(ld, m->group));
	if ((ip >> 28) != 0xe || prefix < 4)
		return fail_node(ld, "tftp.multicast.group", false,
				 "'%s' is not inside 224.0.0.0/4 (multicast); use e.g. "
				 "239.255.2.0/24",
				 shows(ld, m->group));
	if ((ip & 0xffffff00u) == 0xe0000000u)
		return fail_node(ld, "tftp.multicast.group", false,
				 "'%s' overlaps 224.0.0.0/24 (link-local control groups)",
				 shows(ld, m->group));
	if (ip & ~prefix_mask(prefix))
		return fail_node(ld, "tftp.multicast.group", false,
				 "'%s' has host bits set; the range starts at its network address",
				 shows(ld, m->group));
	if (mc_port(ld, "tftp.multicast.port", m->port, 1758, &ct->mc_port) ||
	    num(ld, "tftp.multicast.ttl", m->ttl, 1, 1, 255, &v))
		return -1;
	ct->mc_ttl = (uint8_t)v;
	ct->mc = true;
	ct->mc_group = ip;
	ct->mc_prefix = prefix;
	return 0;
}

/* mtftp: PXE MTFTP; one group per file, from ip upwards. */
static int
conv_mtftp(struct ld *ld, const struct y_conf *y, struct ctl_conf *c, const struct name_ref *names,
	   size_t n_names)
{
	const struct y_mtftp *m = y->mtftp;
	struct ctl_conf_mtftp *cm = &c->mtftp;
	uint64_t v;

	if (!m || (m->enabled && !*m->enabled))
		return 0;
	if (ip_at(ld, "mtftp.ip", m->ip, &cm->ip))
		return -1;
	if ((cm->ip >> 28) != 0xe || (cm->ip & 0xffffff00u) == 0xe0000000u)
		return fail_node(ld, "mtftp.ip", false,
				 "'%s' is not a multicast address outside 224.0.0.0/24, e.g. "
				 "239.255.1.1",
				 shows(ld, m->ip));
	if ((uint64_t)cm->ip + m->files_count - 1 > 0xefffffffu)
		return fail_node(ld, "mtftp.ip", false,
				 "%u files need the groups %s and up, past 239.255.255.255",
				 m->files_count, shows(ld, m->ip));
	if (mc_port(ld, "mtftp.client_port", m->client_port, 1758, &cm->client_port) ||
	    mc_port(ld, "mtftp.server_port", m->server_port, 1759, &cm->server_port))
		return -1;
	if (num(ld, "mtftp.listen_delay", m->listen_delay, 2, 1, 255, &v))
		return -1;
	cm->listen_delay = (uint8_t)v;
	if (num(ld, "mtftp.delay", m->delay, 2, 1, 255, &v))
		return -1;
	cm->delay = (uint8_t)v;
	if (num(ld, "mtftp.ttl", m->ttl, 1, 1, 255, &v))
		return -1;
	cm->ttl = (uint8_t)v;
	for (unsigned i = 0; i < m->files_count; i++) {
		const char *path = pathf(ld, "mtftp.files[%u]", i);
		char canon[BF_TFTP_MAX_NAME + 1];
		if (!image_known(names, n_names, m->files[i]) ||
		    bf_tftp_canon_name(m->files[i], strlen(m->files[i]), canon, sizeof(canon)) < 0 ||
		    strlen(canon) >= CTL_MAX_NAME)
			return fail_node(ld, path, false, "'%s' is not a configured image",
					 shows(ld, m->files[i]));
		for (unsigned j = 0; j < i; j++)
			if (!strcmp(cm->files[j], canon))
				return fail_node(ld, path, false, "'%s' is already listed (files[%u])",
						 shows(ld, m->files[i]), j);
		snprintf(cm->files[i], sizeof(cm->files[i]), "%s", canon);
	}
	cm->n_files = (uint8_t)m->files_count;
	/* RFC 2090 streams must not share a PXE file's group and port */
	const struct ctl_conf_tftp *t = &c->tftp;
	if (t->mc && t->mc_port == cm->client_port &&
	    cm->ip <= (t->mc_group | ~prefix_mask(t->mc_prefix)) &&
	    cm->ip + cm->n_files - 1 >= t->mc_group)
		return fail_node(ld, "mtftp.ip", false,
				 "the MTFTP groups overlap tftp.multicast.group on the same "
				 "port %u",
				 cm->client_port);
	cm->enabled = true;
	return 0;
}

static int
conv_exception(struct ld *ld, const struct y_conf *y, struct ctl_conf *c)
{
	static const struct y_exception none;
	static const uint16_t def[] = {BF_ETHERTYPE_IPV4, BF_ETHERTYPE_ARP, BF_ETHERTYPE_IPV6};
	const struct y_exception *e = y->exception ? y->exception : &none;
	struct ctl_conf_exception *ce = &c->exception;
	uint64_t v;

	if (num(ld, "exception.rate", e->rate, 100000, 1, 100000000, &v))
		return -1;
	ce->rate = (uint32_t)v;
	if (num(ld, "exception.burst", e->burst, 2048, 1, 1000000, &v))
		return -1;
	ce->burst = (uint32_t)v;
	if (!e->ethertypes) {
		memcpy(ce->ethertypes, def, sizeof(def));
		ce->n_ethertypes = RTE_DIM_(def);
		return 0;
	}
	for (unsigned i = 0; i < e->ethertypes_count; i++) {
		const char *t = e->ethertypes[i];
		char *end;
		unsigned long et = 0;

		if (t[0] == '0' && (t[1] == 'x' || t[1] == 'X') && isxdigit((unsigned char)t[2]))
			et = strtoul(t + 2, &end, 16);
		else
			end = (char *)t;
		if (*end || et < 0x600 || et > 0xffff || et == BF_ETHERTYPE_VLAN)
			return fail_node(ld, pathf(ld, "exception.ethertypes[%u]", i), false,
					 "invalid ethertype '%s': expected hex 0x0600-0xffff "
					 "(like 0x88cc), not 0x8100",
					 shows(ld, t));
		ce->ethertypes[ce->n_ethertypes++] = (uint16_t)et;
	}
	return 0;
}

/* "ADDR:PORT" or "[ADDR6]:PORT". */
static int
listen_parse(const char *s, int *family, uint8_t addr[16], uint16_t *port)
{
	char host[64];
	const char *colon, *hs = s;
	size_t hl;
	char *end;
	unsigned long p;

	if (s[0] == '[') {
		const char *rb = strchr(s, ']');
		if (!rb || rb[1] != ':')
			return -1;
		hs = s + 1;
		hl = (size_t)(rb - hs);
		colon = rb + 1;
		*family = AF_INET6;
	} else {
		colon = strrchr(s, ':');
		if (!colon)
			return -1;
		hl = (size_t)(colon - s);
		*family = AF_INET;
	}
	if (hl == 0 || hl >= sizeof(host))
		return -1;
	memcpy(host, hs, hl);
	host[hl] = '\0';
	if (!isdigit((unsigned char)colon[1]))
		return -1;
	p = strtoul(colon + 1, &end, 10);
	if (*end || p == 0 || p > 65535)
		return -1;
	*port = (uint16_t)p;
	memset(addr, 0, 16);
	return inet_pton(*family, host, addr) == 1 ? 0 : -1;
}

static int
conv_http(struct ld *ld, const struct y_conf *y, struct ctl_conf *c)
{
	static const struct y_http none;
	const struct y_http *h = y->http ? y->http : &none;
	struct ctl_conf_http *ch = &c->http;
	uint64_t v;

	for (unsigned i = 0; h->listen && i < h->listen_count; i++) {
		if (listen_parse(h->listen[i], &ch->listen[i].family, ch->listen[i].addr,
				 &ch->listen[i].port))
			return fail_node(ld, pathf(ld, "http.listen[%u]", i), false,
					 "invalid listen address '%s': expected ADDRESS:PORT or "
					 "[IPV6]:PORT (like 10.77.0.1:80 or [::]:80)",
					 shows(ld, h->listen[i]));
		for (unsigned j = 0; j < i; j++)
			if (ch->listen[j].family == ch->listen[i].family &&
			    ch->listen[j].port == ch->listen[i].port &&
			    !memcmp(ch->listen[j].addr, ch->listen[i].addr, 16))
				return fail_node(ld, pathf(ld, "http.listen[%u]", i), false,
						 "listen address '%s' given twice",
						 shows(ld, h->listen[i]));
		snprintf(ch->listen[i].text, sizeof(ch->listen[i].text), "%s", h->listen[i]);
		ch->n_listen++;
	}
	if (num(ld, "http.max_connections", h->max_connections, 1024, 1, 65536, &v))
		return -1;
	ch->max_connections = (uint32_t)v;
	if (num(ld, "http.timeout", h->timeout, 30, 1, 3600, &v))
		return -1;
	ch->timeout_s = (uint32_t)v;
	return 0;
}

static int
conv_control(struct ld *ld, const struct y_conf *y, struct ctl_conf *c)
{
	static const struct y_control none;
	const struct y_control *yc = y->control ? y->control : &none;
	struct ctl_conf_control *cc = &c->control;
	const char *m = yc->metrics ? yc->metrics : "127.0.0.1:9310";

	if (yc->socket && yc->socket[0] != '/')
		return fail_node(ld, pathf(ld, "control.socket"), false,
				 "the socket path '%s' must be absolute", shows(ld, yc->socket));
	snprintf(cc->socket, sizeof(cc->socket), "%s",
		 yc->socket ? yc->socket : "/run/bootfarm/bootfarm.sock");
	if (yc->group) {
		if (!group_ok(yc->group))
			return fail_node(ld, pathf(ld, "control.group"), false,
					 "invalid group name '%s'", shows(ld, yc->group));
		snprintf(cc->group, sizeof(cc->group), "%s", yc->group);
	}
	cc->metrics_default = !yc->metrics;
	if (strcmp(m, "off") == 0)
		return 0;
	if (listen_parse(m, &cc->metrics_family, cc->metrics_addr, &cc->metrics_port))
		return fail_node(ld, pathf(ld, "control.metrics"), false,
				 "invalid metrics address '%s': expected ADDRESS:PORT, [IPV6]:PORT "
				 "or off",
				 shows(ld, m));
	snprintf(cc->metrics_text, sizeof(cc->metrics_text), "%s", m);
	cc->metrics = true;
	return 0;
}

static bool
ybool(const int *v, bool def)
{
	return v ? *v != 0 : def;
}

static int
conv_ra(struct ld *ld, const struct y_conf *y, struct ctl_conf *c)
{
	const struct y_ra *r = y->ra;
	struct ctl_conf_ra *cr = &c->ra;
	struct bf_ra_conf *ra = &cr->ra;
	uint64_t v;

	if (!r)
		return 0;
	cr->enabled = true;
	ra->managed = ybool(r->managed, false);
	ra->other = ybool(r->other, false);
	if (num(ld, "ra.max_interval", r->max_interval, 600, 4, 1800, &v))
		return -1;
	cr->max_interval_s = (uint32_t)v;
	uint64_t min_def = v / 3 < 3 ? 3 : v / 3;
	if (num(ld, "ra.min_interval", r->min_interval, min_def, 3, v * 3 / 4, &v))
		return -1;
	cr->min_interval_s = (uint32_t)v;
	if (num(ld, "ra.router_lifetime", r->router_lifetime, 0, 0, 9000, &v))
		return -1;
	ra->router_lifetime = (uint16_t)v;
	if (num(ld, "ra.hop_limit", r->hop_limit, 64, 0, 255, &v))
		return -1;
	ra->cur_hop_limit = (uint8_t)v;
	if (num(ld, "ra.reachable_time", r->reachable_time, 0, 0, 3600000, &v))
		return -1;
	ra->reachable_time = (uint32_t)v;
	if (num(ld, "ra.retrans_timer", r->retrans_timer, 0, 0, UINT32_MAX, &v))
		return -1;
	ra->retrans_timer = (uint32_t)v;
	if (r->mtu && *r->mtu == 0) {
		ra->mtu = 0;
	} else {
		if (num(ld, "ra.mtu", r->mtu, 0, 1280, 65535, &v))
			return -1;
		ra->mtu = (uint32_t)v;
	}
	for (unsigned i = 0; r->prefixes && i < r->prefixes_count; i++) {
		const struct y_ra_prefix *yp = &r->prefixes[i];
		struct bf_nd_prefix *pf = &ra->prefix[i];
		uint8_t len;

		if (cidr6_parse(yp->prefix, pf->prefix, &len))
			return fail_node(ld, pathf(ld, "ra.prefixes[%u].prefix", i), false,
					 "invalid prefix '%s' (expected like fd00:99::/64)",
					 shows(ld, yp->prefix));
		pf->len = len;
		pf->on_link = ybool(yp->on_link, true);
		pf->autonomous = ybool(yp->autonomous, true);
		if (num(ld, pathf(ld, "ra.prefixes[%u].valid_lifetime", i), yp->valid_lifetime,
			86400, 0, UINT32_MAX, &v))
			return -1;
		pf->valid = (uint32_t)v;
		if (num(ld, pathf(ld, "ra.prefixes[%u].preferred_lifetime", i),
			yp->preferred_lifetime, pf->valid < 14400 ? pf->valid : 14400, 0, pf->valid,
			&v))
			return -1;
		pf->preferred = (uint32_t)v;
		ra->n_prefix++;
	}
	for (unsigned i = 0; r->dns && i < r->dns_count; i++) {
		if (inet_pton(AF_INET6, r->dns[i], ra->rdnss[i]) != 1)
			return fail_node(ld, pathf(ld, "ra.dns[%u]", i), false,
					 "invalid IPv6 address '%s'", shows(ld, r->dns[i]));
		ra->n_rdnss++;
	}
	/* RFC 8106 5.1: at least MaxRtrAdvInterval; 3 x is its recommendation */
	if (num(ld, "ra.dns_lifetime", r->dns_lifetime, 3ull * cr->max_interval_s,
		cr->max_interval_s, UINT32_MAX, &v))
		return -1;
	ra->rdnss_lifetime = (uint32_t)v;
	for (unsigned i = 0; r->domains && i < r->domains_count; i++) {
		snprintf(ra->dnssl[i], sizeof(ra->dnssl[i]), "%s", r->domains[i]);
		ra->n_dnssl++;
	}
	if (num(ld, "ra.domains_lifetime", r->domains_lifetime, 3ull * cr->max_interval_s,
		cr->max_interval_s, UINT32_MAX, &v))
		return -1;
	ra->dnssl_lifetime = (uint32_t)v;
	const char *why = bf_ra_conf_check(ra, cr->min_interval_s, cr->max_interval_s);
	if (why)
		return fail_node(ld, "ra", true, "invalid router advertisement: %s", why);
	return 0;
}

static int
conv_subnet6(struct ld *ld, size_t si, const struct y_subnet6 *ys, struct ctl_conf_subnet6 *cs)
{
	const char *path = pathf(ld, "dhcp6.subnets[%zu].prefix", si);

	if (cidr6_parse(ys->prefix, cs->prefix, &cs->plen) || cs->plen > 120 ||
	    !bf_ip6_in_prefix(cs->prefix, cs->prefix, cs->plen))
		return fail_node(ld, path, false,
				 "invalid prefix '%s' (expected like fd00:99::/64, no host bits)",
				 shows(ld, ys->prefix));
	for (unsigned j = 0; ys->pools && j < ys->pools_count; j++) {
		const char *t = ys->pools[j], *dash = strchr(t, '-');
		char a[INET6_ADDRSTRLEN];
		path = pathf(ld, "dhcp6.subnets[%zu].pools[%u]", si, j);
		if (!dash || (size_t)(dash - t) >= sizeof(a))
			return fail_node(ld, path, false,
					 "invalid pool '%s' (expected \"first-last\", like "
					 "fd00:99::100-fd00:99::1ff)",
					 shows(ld, t));
		memcpy(a, t, (size_t)(dash - t));
		a[dash - t] = '\0';
		if (inet_pton(AF_INET6, a, cs->pools[j].first) != 1 ||
		    inet_pton(AF_INET6, dash + 1, cs->pools[j].last) != 1)
			return fail_node(ld, path, false, "invalid pool '%s'", shows(ld, t));
		if (memcmp(cs->pools[j].first, cs->pools[j].last, 16) > 0 ||
		    !bf_ip6_in_prefix(cs->pools[j].first, cs->prefix, cs->plen) ||
		    !bf_ip6_in_prefix(cs->pools[j].last, cs->prefix, cs->plen) ||
		    memcmp(cs->pools[j].first, cs->pools[j].last, 8) != 0)
			return fail_node(ld, path, false,
					 "pool '%s' must lie inside prefix '%s', first <= last, "
					 "within one /64",
					 shows(ld, t), shows(ld, ys->prefix));
		cs->n_pools++;
	}
	for (unsigned j = 0; ys->pd_pools && j < ys->pd_pools_count; j++) {
		const char *t = ys->pd_pools[j], *dash = strchr(t, '-'), *slash = strrchr(t, '/');
		char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN];
		char *end;
		unsigned long len = slash ? strtoul(slash + 1, &end, 10) : 0;
		path = pathf(ld, "dhcp6.subnets[%zu].pd_pools[%u]", si, j);
		if (!dash || !slash || slash < dash || *end || len < 32 || len > 64 ||
		    (size_t)(dash - t) >= sizeof(a) || (size_t)(slash - dash - 1) >= sizeof(b))
			return fail_node(ld, path, false,
					 "invalid prefix pool '%s' (expected \"first-last/length\", "
					 "like 3ffe:501:ffff:100::-3ffe:501:ffff:111::/64, length "
					 "32..64)",
					 shows(ld, t));
		memcpy(a, t, (size_t)(dash - t));
		a[dash - t] = '\0';
		memcpy(b, dash + 1, (size_t)(slash - dash - 1));
		b[slash - dash - 1] = '\0';
		if (inet_pton(AF_INET6, a, cs->pd[j].first) != 1 ||
		    inet_pton(AF_INET6, b, cs->pd[j].last) != 1 ||
		    memcmp(cs->pd[j].first, cs->pd[j].last, 16) > 0 ||
		    !bf_ip6_in_prefix(cs->pd[j].first, cs->pd[j].first, (uint8_t)len) ||
		    !bf_ip6_in_prefix(cs->pd[j].last, cs->pd[j].last, (uint8_t)len))
			return fail_node(ld, path, false,
					 "invalid prefix pool '%s': first <= last, no bits past /%lu",
					 shows(ld, t), len);
		cs->pd[j].len = (uint8_t)len;
		cs->n_pd++;
	}
	for (unsigned j = 0; ys->dns && j < ys->dns_count; j++) {
		if (inet_pton(AF_INET6, ys->dns[j], cs->dns[j]) != 1)
			return fail_node(ld, pathf(ld, "dhcp6.subnets[%zu].dns[%u]", si, j), false,
					 "invalid IPv6 address '%s'", shows(ld, ys->dns[j]));
		cs->n_dns++;
	}
	if (!(cs->hosts = conf_list(ld, ys->hosts_count, sizeof(*cs->hosts))))
		return -1;
	for (unsigned j = 0; j < ys->hosts_count; j++) {
		const struct y_host6 *yh = &ys->hosts[j];
		struct ctl_conf_host6 *h = &cs->hosts[j];
		if (yh->name)
			snprintf(h->name, sizeof(h->name), "%s", yh->name);
		if (yh->group) {
			if (!group_ok(yh->group))
				return fail_node(ld, pathf(ld, "dhcp6.subnets[%zu].hosts[%u].group", si, j),
						 false,
						 "invalid group '%s' (letters, digits, '-', '_' and '.')",
						 shows(ld, yh->group));
			snprintf(h->group, sizeof(h->group), "%s", yh->group);
		}
		if (yh->duid) {
			int n = hex_bytes(yh->duid, h->duid, sizeof(h->duid));
			if (n < 2 || bf_dhcp6_duid_type(h->duid, (size_t)n) < 0)
				return fail_node(ld, pathf(ld, "dhcp6.subnets[%zu].hosts[%u].duid", si, j),
						 false, "invalid DUID '%s' (hex bytes, 2..130)",
						 shows(ld, yh->duid));
			h->duid_len = (uint8_t)n;
		}
		if (yh->mac) {
			if (mac_parse_unicast(yh->mac, h->mac))
				return fail_node(ld, pathf(ld, "dhcp6.subnets[%zu].hosts[%u].mac", si, j),
						 false, "invalid unicast MAC address '%s'",
						 shows(ld, yh->mac));
			h->has_mac = true;
		}
		if (!h->duid_len && !h->has_mac)
			return fail_node(ld, pathf(ld, "dhcp6.subnets[%zu].hosts[%u]", si, j), false,
					 "a DHCPv6 host needs 'duid' or 'mac'");
		if (inet_pton(AF_INET6, yh->address, h->addr) != 1 ||
		    !bf_ip6_in_prefix(h->addr, cs->prefix, cs->plen))
			return fail_node(ld, pathf(ld, "dhcp6.subnets[%zu].hosts[%u].address", si, j),
					 false, "host address '%s' is not inside prefix '%s'",
					 shows(ld, yh->address), shows(ld, ys->prefix));
		for (unsigned k = 0; k < j; k++) {
			const struct ctl_conf_host6 *o = &cs->hosts[k];
			if (!memcmp(o->addr, h->addr, 16) ||
			    (h->duid_len && o->duid_len == h->duid_len &&
			     !memcmp(o->duid, h->duid, h->duid_len)) ||
			    (h->has_mac && o->has_mac && !memcmp(o->mac, h->mac, 6)))
				return fail_node(ld,
						 pathf(ld, "dhcp6.subnets[%zu].hosts[%u]", si, j), false,
						 "host repeats the address, DUID or MAC of hosts[%u]", k);
		}
		cs->n_hosts++;
	}
	size_t off = 0;
	for (unsigned j = 0; ys->domains && j < ys->domains_count; j++)
		off += (size_t)snprintf(cs->domains + off, sizeof(cs->domains) - off, "%s%s",
					j ? "," : "", ys->domains[j]);
	uint8_t wire[512];
	if (off >= sizeof(cs->domains) ||
	    (off && bf_dhcp6_encode_domains(cs->domains, wire, sizeof(wire)) < 0))
		return fail_node(ld, pathf(ld, "dhcp6.subnets[%zu].domains", si), false,
				 "invalid domain names (labels of 1..63 letters, digits, '-')");
	return 0;
}

static int
conv_dhcp6(struct ld *ld, const struct y_conf *y, struct ctl_conf *c)
{
	const struct y_dhcp6 *d = y->dhcp6;
	struct ctl_conf_dhcp6 *cd = &c->dhcp6;
	uint64_t v;

	if (!d)
		return 0;
	cd->enabled = true;
	if (num(ld, "dhcp6.valid_lifetime", d->valid_lifetime, 7200, 60, UINT32_MAX - 1, &v))
		return -1;
	cd->valid = (uint32_t)v;
	if (num(ld, "dhcp6.preferred_lifetime", d->preferred_lifetime, cd->valid / 2, 30, cd->valid,
		&v))
		return -1;
	cd->preferred = (uint32_t)v;
	if (num(ld, "dhcp6.preference", d->preference, 255, 0, 255, &v))
		return -1;
	cd->preference = (uint8_t)v;
	cd->rapid_commit = ybool(d->rapid_commit, true);
	if (num(ld, "dhcp6.info_refresh", d->info_refresh, 86400, 600, UINT32_MAX - 1, &v))
		return -1;
	cd->info_refresh = (uint32_t)v;
	if (!(cd->subnets = conf_list(ld, d->subnets_count, sizeof(*cd->subnets))))
		return -1;
	for (size_t i = 0; i < d->subnets_count; i++) {
		cd->n_subnets++; /* counted first: ctl_conf_free frees a half-converted one too */
		if (conv_subnet6(ld, i, &d->subnets[i], &cd->subnets[i]))
			return -1;
	}
	return 0;
}

static int
convert(struct ld *ld, const struct y_conf *y, struct ctl_conf *c)
{
	struct name_ref *names = NULL;
	int rc;

	/* Images first: boot rules and hosts refer to them. */
	rc = conv_images(ld, y, c, &names);
	if (!rc) {
		/* Sorted by conv_images (n > 1); a single name needs no sorting. */
		rc = conv_ifaces(ld, y, c) || conv_dhcp4(ld, y, c, names, c->n_images) ||
			     conv_rules(ld, y, c, names, c->n_images) || conv_tftp(ld, y, c) ||
			     conv_pxe(ld, y, c, names, c->n_images) ||
			     conv_mtftp(ld, y, c, names, c->n_images) || conv_templates(ld, y, c) ||
			     conv_exception(ld, y, c) || conv_http(ld, y, c) || conv_control(ld, y, c) || conv_ra(ld, y, c) ||
			     conv_dhcp6(ld, y, c)
			 ? -1
			 : 0;
	}
	free(names);
	return rc;
}

/* The directory of the config file, absolute, for relative image paths. */
static char *
conf_dir(const char *name)
{
	const char *slash = strrchr(name, '/');
	size_t dl = slash ? (size_t)(slash - name) : 0;
	char *d;

	if (slash && name[0] == '/') {
		d = malloc(dl + 2);
		if (d) {
			memcpy(d, name, dl ? dl : 1);
			d[dl ? dl : 1] = '\0';
		}
		return d;
	}
	char *cwd = getcwd(NULL, 0);
	if (!cwd)
		return NULL;
	if (!slash)
		return cwd;
	d = malloc(strlen(cwd) + dl + 2);
	if (d)
		sprintf(d, "%s/%.*s", cwd, (int)dl, name);
	free(cwd);
	return d;
}

int
ctl_conf_load_buf(const char *name, const char *buf, size_t len, struct ctl_conf **out, char *err,
		  size_t errlen)
{
	struct ld *ld = calloc(1, sizeof(*ld));
	struct cy_log cl = {.msg = ""};
	cyaml_config_t cfg = {
	    .log_fn = cy_log_fn,
	    .log_ctx = &cl,
	    .mem_fn = cyaml_mem,
	    .log_level = CYAML_LOG_ERROR,
	    .flags = CYAML_CFG_NO_ALIAS,
	};
	struct y_conf *y = NULL;
	struct ctl_conf *c = NULL;
	int rc = -1;

	if (err && errlen)
		err[0] = '\0';
	if (!ld) {
		if (err && errlen)
			snprintf(err, errlen, "%s: out of memory", name ? name : "(config)");
		return -1;
	}
	ld->name = name ? name : "(config)";
	ld->buf = buf ? buf : "";
	ld->len = buf ? len : 0;
	ld->err = err;
	ld->errlen = errlen;
	if (syntax_pass(ld) || schema_pass(ld) || cyaml_pass(ld, &y, &cfg, &cl))
		goto out;
	ld->dir = conf_dir(ld->name);
	c = calloc(1, sizeof(*c));
	if (!ld->dir || !c || !(c->path = strdup(ld->name))) {
		fail_at(ld, 1, 1, "out of memory");
		goto out;
	}
	if (convert(ld, y, c))
		goto out;
	*out = c;
	c = NULL;
	rc = 0;
out:
	ctl_conf_free(c);
	if (y)
		cyaml_free(&cfg, &y_conf_schema, y, 0);
	for (size_t i = 0; i < ld->n_nodes; i++)
		free(ld->nodes[i].path);
	free(ld->nodes);
	free(ld->dir);
	free(ld);
	return rc;
}

int
ctl_conf_load(const char *path, struct ctl_conf **out, char *err, size_t errlen)
{
	struct stat st;
	char *buf = NULL;
	size_t len = 0;
	int fd, e, rc;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		e = errno;
		goto fail;
	}
	if (fstat(fd, &st)) {
		e = errno;
		goto fail;
	}
	if (!S_ISREG(st.st_mode)) {
		e = EINVAL;
		goto fail;
	}
	if ((uint64_t)st.st_size > CONF_MAX_FILE) {
		e = EFBIG;
		goto fail;
	}
	buf = malloc((size_t)st.st_size + 1);
	if (!buf) {
		e = ENOMEM;
		goto fail;
	}
	while (len < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + len, (size_t)st.st_size - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			e = errno;
			goto fail;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	rc = ctl_conf_load_buf(path, buf, len, out, err, errlen);
	free(buf);
	return rc;
fail:
	if (fd >= 0)
		close(fd);
	free(buf);
	if (err && errlen)
		snprintf(err, errlen, "%s: cannot read configuration (%s)", path,
			 e == EINVAL ? "not a regular file" : strerror(e));
	return -1;
}

void
ctl_conf_free(struct ctl_conf *c)
{
	if (!c)
		return;
	free(c->path);
	free(c->lease_store);
	free(c->ifaces);
	for (size_t i = 0; i < c->n_subnets; i++) {
		free(c->subnets[i].ranges);
		free(c->subnets[i].hosts);
	}
	free(c->subnets);
	for (size_t i = 0; i < c->dhcp6.n_subnets; i++)
		free(c->dhcp6.subnets[i].hosts);
	free(c->dhcp6.subnets);
	free(c->rules);
	free(c->pxe.items);
	for (size_t i = 0; i < c->n_templates; i++)
		free(c->templates[i].content);
	free(c->templates);
	for (size_t i = 0; i < c->n_images; i++) {
		free(c->images[i].path);
		free(c->images[i].content);
	}
	free(c->images);
	free(c);
}
