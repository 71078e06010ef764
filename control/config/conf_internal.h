/* SPDX-License-Identifier: MIT */
/*
 * config/ inside: the private interface of the configuration compiler
 * (ctl_conf_load in ctl_conf.h; nothing outside config/ includes this file).
 * One file a job; calls run down this list, never up:
 *
 *   conf_load.c      the loader: pass 1 (YAML syntax), pass 2 (the events
 *                    against the schema, recording node positions), pass 3
 *                    (libcyaml, then convert() calls each section's conv_*),
 *                    ctl_conf_load, ctl_conf_load_buf, ctl_conf_free
 *   conf_iface.c     interfaces
 *   conf_dhcp4.c     dhcp4: subnets, pools, hosts, uniqueness across the file
 *   conf_dhcp6.c     dhcp6: prefixes, pools, prefix pools, hosts
 *   conf_tftp.c      tftp, its RFC 2090 multicast option, mtftp
 *   conf_services.c  exception path, http, control socket and metrics, ra
 *   conf_boot.c      images and the image-name lookups hosts, rules, the PXE
 *                    menu and mtftp use; templates, the PXE menu, boot rules
 *   conf_util.c      parse and check helpers more than one section uses
 *   conf_err.c       where an error is: "file:line:column: text" at the node
 *                    of a path ("dhcp4.subnets[0].pools[1]")
 *   conf_schema.c    the YAML format: the libcyaml schema, data for conf_load.c
 *
 * A helper that one section uses stays static in its file; those shared
 * carry a conf_ prefix, each section's entry point is conv_<section>.
 *
 * The schema tables are one file rather than next to each section's
 * conversion: libcyaml sizes a nested mapping or list by its struct
 * (CYAML_FIELD_MAPPING_PTR and CYAML_FIELD_SEQUENCE take sizeof the member's
 * type), so the root table needs every section's struct complete, and the
 * conversions need the same structs: they are shared here either way. Kept
 * together, the tables give the whole format in one reading and stay static
 * but for the root, y_conf_schema.
 */
#ifndef CONF_INTERNAL_H
#define CONF_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cyaml/cyaml.h>

#include "control/config/ctl_conf.h"

#define CONF_MAX_PATH 256 /* node paths ("dhcp4.subnets[0].hosts[3].mac") */
#define STR_TOKEN 255     /* addresses, ranges, MACs: checked for meaning later */

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

struct y_limits4 {
	uint64_t *leases_per_circuit;
	uint64_t *leases_per_relay;
	uint64_t *leases_per_port;
	uint64_t *new_per_second;
};

struct y_dhcp4 {
	struct y_limits4 *limits;
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
	uint64_t *per_source;
	uint64_t *header_timeout;
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

/* The root of the schema (conf_schema.c): a struct y_conf. */
extern const cyaml_schema_value_t y_conf_schema;

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

/* Overlap finding by sort and sweep: intervals [lo, hi], ord = document order. */
struct span {
	uint64_t lo, hi;
	size_t ord;
};

/* Image names, sorted, for uniqueness and for boot file references. */
struct name_ref {
	const char *name;
	size_t ord;
};

/* conf_err.c: error position and messages; each fail returns -1. */
int conf_fail_at(struct ld *ld, unsigned line, unsigned col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
int conf_fail_node(struct ld *ld, const char *path, bool at_key, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
unsigned conf_node_line(struct ld *ld, const char *path);
const char *conf_pathf(struct ld *ld, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
const char *conf_path_label(const char *path);
const char *conf_shown(struct ld *ld, const char *s, size_t len);
const char *conf_shows(struct ld *ld, const char *s);

/* conf_util.c: shared parse and check helpers. */
size_t conf_span_overlap(struct span *v, size_t n, size_t *first);
uint32_t conf_prefix_mask(unsigned prefix);
int conf_cidr_parse(const char *s, uint32_t *ip, uint8_t *prefix);
int conf_cidr6_parse(const char *s, uint8_t addr[16], uint8_t *prefix);
int conf_mac_parse_unicast(const char *s, uint8_t mac[6]);
bool conf_group_ok(const char *s);
bool conf_printable(const char *s);
int conf_num(struct ld *ld, const char *path, const uint64_t *v, uint64_t def, uint64_t lo,
	     uint64_t hi, uint64_t *out);
int conf_ip_at(struct ld *ld, const char *path, const char *s, uint32_t *ip);
int conf_hex_bytes(const char *s, uint8_t *out, size_t cap);
char *conf_join_path(const char *dir, const char *file);
void *conf_list(struct ld *ld, size_t n, size_t size);
bool conf_bool(const int *v, bool def);

/* conf_boot.c: images first (names sorted for the lookups), then what refers to them. */
int conv_images(struct ld *ld, const struct y_conf *y, struct ctl_conf *c,
		struct name_ref **names_out);
bool conf_image_known(const struct name_ref *names, size_t n, const char *file);
int conf_boot_file_check(struct ld *ld, const char *path, const char *file,
			 const struct name_ref *names, size_t n_names);
int conv_templates(struct ld *ld, const struct y_conf *y, struct ctl_conf *c);
int conv_pxe(struct ld *ld, const struct y_conf *y, struct ctl_conf *c,
	     const struct name_ref *names, size_t n_names);
int conv_rules(struct ld *ld, const struct y_conf *y, struct ctl_conf *c,
	       const struct name_ref *names, size_t n_names);

/* The other sections, in the order convert() calls them. */
int conv_ifaces(struct ld *ld, const struct y_conf *y, struct ctl_conf *c);
int conv_dhcp4(struct ld *ld, const struct y_conf *y, struct ctl_conf *c,
	       const struct name_ref *names, size_t n_names);
int conv_tftp(struct ld *ld, const struct y_conf *y, struct ctl_conf *c);
int conv_mtftp(struct ld *ld, const struct y_conf *y, struct ctl_conf *c,
	       const struct name_ref *names, size_t n_names);
int conv_exception(struct ld *ld, const struct y_conf *y, struct ctl_conf *c);
int conv_http(struct ld *ld, const struct y_conf *y, struct ctl_conf *c);
int conv_control(struct ld *ld, const struct y_conf *y, struct ctl_conf *c);
int conv_ra(struct ld *ld, const struct y_conf *y, struct ctl_conf *c);
int conv_dhcp6(struct ld *ld, const struct y_conf *y, struct ctl_conf *c);

#endif
