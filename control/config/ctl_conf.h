/* SPDX-License-Identifier: MIT */
/*
 * config/: the configuration as loaded from YAML and validated: typed values,
 * no strings left to parse. Owns the schema, each section's validation and
 * conversion, `bootfarmd --check`, the boot-rule match both DHCP servers use,
 * and the operator's diff of two configurations. Built by ctl_conf_load() on
 * the control thread, then compiled into an immutable snapshot (slots/).
 * Never edited in place. Pure C with libcyaml: no DPDK, so unit tests and
 * the config fuzz target link it alone. Depends on nothing else in control/.
 */
#ifndef CTL_CONF_H
#define CTL_CONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "shared/bf_nd.h"

#define CTL_MAX_NAME 128	/* image names, boot files (PXE practice: <= 127) */
#define CTL_MAX_HOSTNAME 64
#define CTL_MAX_GROUP 32
#define CTL_MAX_DOMAIN 128
/* TFTP transfers per worker: a storm of 10,000 machines fits in one (~400 B each) */
#define CTL_TFTP_SESSIONS 16384
#define CTL_MAX_ADDRS 8		/* routers, DNS, NTP servers per subnet */
#define CTL_MAX_ARCH 16

#define CTL_MAX_IP6 4

struct ctl_conf_iface {
	uint16_t port;		/* DPDK port id */
	bool has_mac;
	uint8_t mac[6];		/* override of the port's own MAC */
	uint32_t ip4;		/* our address on the segment (host order) */
	uint8_t prefix4;	/* its prefix length */
	uint16_t mtu;		/* default 1500 */
	char kernel[16];	/* exception path: kernel interface name, empty: none */
	uint8_t n_ip6;		/* global/ULA addresses (the link-local comes from the MAC) */
	struct {
		uint8_t addr[16];
		uint8_t prefix;
	} ip6[CTL_MAX_IP6];
};

struct ctl_conf_range {
	uint32_t first, last;	/* inclusive, host order, first <= last */
};

#define CTL_MAX_CLIENT_ID 64

/* A reservation, matched by client identifier (61), then PXE UUID (97),
 * then hardware address: at least one is set. */
struct ctl_conf_host {
	char name[CTL_MAX_HOSTNAME];	/* sent as option 12 */
	bool has_mac;
	uint8_t mac[6];
	uint8_t cid_len;		/* 0: none */
	uint8_t cid[CTL_MAX_CLIENT_ID];	/* option 61 value, as on the wire */
	bool has_uuid;
	uint8_t uuid[16];		/* option 97 bytes after its type 0, as on the wire */
	bool has_ip;
	uint32_t ip;			/* fixed address (must be inside the subnet) */
	char boot_file[CTL_MAX_NAME];	/* empty: use the boot rules */
	char group[CTL_MAX_GROUP];	/* host group (canary), empty: none */
};

struct ctl_conf_subnet {
	uint32_t net;		/* network address, host order */
	uint8_t prefix;
	size_t n_ranges;
	struct ctl_conf_range *ranges;	/* inside the subnet, not overlapping */
	uint8_t n_routers, n_dns, n_ntp;
	uint32_t routers[CTL_MAX_ADDRS];
	uint32_t dns[CTL_MAX_ADDRS];
	uint32_t ntp[CTL_MAX_ADDRS];
	char domain[CTL_MAX_DOMAIN];	/* empty: none */
	uint32_t next_server;		/* 0: the interface's address */
	uint32_t lease_time;		/* 0: the global default */
	size_t n_hosts;
	struct ctl_conf_host *hosts;	/* unique MACs and addresses across the file */
};

#define CTL_MAX_BOOT_PARAMS 8

/* A boot rule: the first rule whose every given criterion matches wins. */
struct ctl_conf_boot_rule {
	char name[64];
	uint8_t n_arch;			/* 0: any architecture */
	uint16_t arch[CTL_MAX_ARCH];	/* option 93 / 61 codes */
	int8_t ipxe;			/* -1 any, 0 not iPXE, 1 iPXE (user class 77/175) */
	char vendor_prefix[64];		/* option 60 prefix, empty: any */
	char file[CTL_MAX_NAME];	/* boot file name sent (option 67 / file) */
	uint32_t next_server;		/* 0: the subnet's */
	uint8_t n_params;		/* DHCPv6 bootfile parameters (option 60) */
	char params[CTL_MAX_BOOT_PARAMS][128];
};

struct ctl_conf_image {
	char name[CTL_MAX_NAME];	/* the name clients request (canonical form) */
	char *path;			/* file to load (absolute), or NULL when inline */
	char *content;			/* inline content, or NULL */
	size_t content_len;
};

/* A PXE boot menu item (PXE 2.1 option 43 sub-options 8 and 9). */
struct ctl_conf_pxe_item {
	uint16_t type;			/* boot server type; 0 = boot from local disk */
	char text[256];
	char file[CTL_MAX_NAME];	/* what Boot Server Discovery for this type gets */
};

struct ctl_conf_pxe {
	char prompt[201];		/* empty: no prompt (sub-option 10) */
	uint8_t timeout;		/* prompt seconds: 0 first item at once, 255 wait */
	uint32_t mcast;			/* multicast discovery address (sub-option 7), 0: none */
	size_t n_items;			/* 0: no menu, clients boot the boot file at once */
	struct ctl_conf_pxe_item *items;
};

/* A per-client boot file: name and content with placeholders (bf_template.h). */
struct ctl_conf_template {
	char name[CTL_MAX_NAME];
	char *content;		/* loaded at config load (inline or from a file) */
	size_t len;
};

struct ctl_conf_tftp {
	uint16_t max_blksize;	/* cap on negotiated blksize (default: from MTU) */
	uint16_t max_window;	/* cap on windowsize (default 64) */
	uint32_t timeout_ms;	/* retransmit timeout without a timeout option (1000) */
	uint8_t retries;	/* retransmissions before abort (5) */
	uint32_t max_sessions;	/* per worker (4096) */
	uint16_t per_source;	/* concurrent transfers per client IP (11) */
	/* RFC 2090 multicast option (tftp.multicast) */
	bool mc;		/* answer the "multicast" option with a stream */
	uint32_t mc_group;	/* first group of the range (host order) */
	uint8_t mc_prefix;	/* the range's prefix length: 2^(32 - prefix) groups */
	uint16_t mc_port;	/* UDP port of the groups (default 1758) */
	uint8_t mc_ttl;		/* TTL of group DATA (default 1) */
};

/* PXE MTFTP (mtftp:): announced in option 43 sub-options 1-5. */
#define CTL_MAX_MTFTP_FILES 16
struct ctl_conf_mtftp {
	bool enabled;
	uint32_t ip;		/* MTFTP-IP of files[0]; files[i] stream to ip + i */
	uint16_t client_port;	/* MTFTP-CPORT (default 1758) */
	uint16_t server_port;	/* MTFTP-SPORT (default 1759) */
	uint8_t listen_delay;	/* MTFTP-TMOUT, s (default 2) */
	uint8_t delay;		/* MTFTP-DELAY, s (default 2) */
	uint8_t ttl;		/* TTL of group DATA (default 1) */
	uint8_t n_files;
	char files[CTL_MAX_MTFTP_FILES][CTL_MAX_NAME];	/* canonical image names */
};

/* The exception path to the kernel (interfaces[].kernel). */
#define CTL_MAX_ETHERTYPES 16
struct ctl_conf_exception {
	uint32_t rate;		/* frames/s per interface to the kernel (default 100000) */
	uint32_t burst;		/* token bucket depth (default 2048) */
	uint8_t n_ethertypes;
	uint16_t ethertypes[CTL_MAX_ETHERTYPES]; /* passed up (default IPv4, ARP, IPv6) */
};

/* The operator's side (control:): bootfarmctl's socket and Prometheus metrics.
 * Start-only settings. */
struct ctl_conf_control {
	char socket[108];	/* UNIX socket path (default /run/bootfarm/bootfarm.sock) */
	char group[64];		/* group allowed besides root, empty: root only */
	bool metrics;		/* Prometheus endpoint on (default on, 127.0.0.1:9310) */
	bool metrics_default;	/* not configured: a busy port is a warning, not fatal */
	int metrics_family;
	uint8_t metrics_addr[16];
	uint16_t metrics_port;
	char metrics_text[64];
};

/* The built-in HTTP image server (control plane, through the kernel). */
#define CTL_MAX_LISTEN 8
struct ctl_conf_http {
	uint8_t n_listen;	/* 0: no HTTP server */
	struct {
		int family;	/* AF_INET or AF_INET6 */
		uint8_t addr[16]; /* network order: 4 bytes (v4) or 16 (v6) */
		uint16_t port;
		char text[64];	/* as written, for messages */
	} listen[CTL_MAX_LISTEN];
	uint32_t max_connections; /* per listen address (default 4096) */
	uint32_t timeout_s;	/* idle connection timeout (default 30) */
	uint32_t per_source;	/* connections one client address may hold (default 64) */
	uint32_t header_timeout_s; /* a request's headers complete within (default 10) */
};

/* Router Advertisements on every interface with IPv6 addresses (ra:). */
struct ctl_conf_ra {
	bool enabled;			/* ra: present */
	uint32_t min_interval_s;	/* MinRtrAdvInterval */
	uint32_t max_interval_s;	/* MaxRtrAdvInterval */
	struct bf_ra_conf ra;		/* what each RA says (the SLLA is the port's MAC) */
};

/* DHCPv6 (dhcp6:): stateful addresses from pools, boot URLs by the boot rules. */
#define CTL_MAX_POOLS6 8
/* A DHCPv6 reservation: matched by DUID, else by MAC (from a DUID-LL/LLT,
 * the client link-layer address option 79, or a relay's option 79). */
struct ctl_conf_host6 {
	char name[CTL_MAX_HOSTNAME];
	uint8_t duid_len;	/* 0: none */
	uint8_t duid[130];
	bool has_mac;
	uint8_t mac[6];
	uint8_t addr[16];	/* inside the subnet's prefix */
	char group[CTL_MAX_GROUP];	/* host group (canary), empty: none */
};

struct ctl_conf_subnet6 {
	uint8_t prefix[16];
	uint8_t plen;
	uint8_t n_pools;
	struct {
		uint8_t first[16], last[16]; /* inclusive, inside the prefix, first <= last */
	} pools[CTL_MAX_POOLS6];
	uint8_t n_pd;		/* prefix delegation (IA_PD) pools */
	struct {
		uint8_t first[16], last[16]; /* the first and last delegated prefix */
		uint8_t len;		/* delegated prefix length, 32..64 */
	} pd[CTL_MAX_POOLS6];
	uint8_t n_dns;
	uint8_t dns[CTL_MAX_ADDRS][16];
	char domains[512];	/* "a.example,b.example" (checked), empty: none */
	size_t n_hosts;
	struct ctl_conf_host6 *hosts;	/* unique DUIDs, MACs and addresses in the subnet */
};

struct ctl_conf_dhcp6 {
	bool enabled;
	uint32_t preferred;	/* preferred lifetime, s (default 3600) */
	uint32_t valid;		/* valid lifetime, s (default 7200) */
	uint8_t preference;	/* Advertise preference (default 255) */
	bool rapid_commit;	/* honour Rapid Commit (default true) */
	uint32_t info_refresh;	/* Information-Request answers (default 86400) */
	size_t n_subnets;
	struct ctl_conf_subnet6 *subnets;
};

struct ctl_conf {
	char *path;			/* the file it came from */
	size_t n_ifaces;
	struct ctl_conf_iface *ifaces;
	bool authoritative;		/* NAK requests for addresses we cannot give */
	bool proxy;			/* ProxyDHCP: answer PXE clients only, no addresses */
	uint32_t lease_time;		/* default 3600 */
	uint32_t max_lease_time;	/* default 86400 */
	uint32_t decline_time;		/* a DECLINEd address rests this long (3600) */
	/* dhcp4.limits (0: none): leases a client origin may hold at once, by
	 * relay option 82 (circuit/remote id), by relay address (giaddr), or by
	 * the port a directly attached client is on; new leases per second per
	 * origin. A reservation or a client with a lease is never limited. */
	struct ctl_conf_limits4 {
		uint32_t per_circuit, per_relay, per_port, new_per_s;
	} limits4;
	char *lease_store;		/* LMDB directory for durable leases, NULL: memory only */
	size_t n_subnets;
	struct ctl_conf_subnet *subnets;
	size_t n_rules;
	struct ctl_conf_boot_rule *rules;
	size_t n_images;
	struct ctl_conf_image *images;
	struct ctl_conf_tftp tftp;
	struct ctl_conf_pxe pxe;
	struct ctl_conf_mtftp mtftp;
	struct ctl_conf_exception exception;
	struct ctl_conf_http http;
	struct ctl_conf_control control;
	struct ctl_conf_ra ra;
	struct ctl_conf_dhcp6 dhcp6;
	size_t n_templates;
	struct ctl_conf_template *templates;
};

/*
 * Load, validate and type-convert a YAML file. On success returns 0 and
 * *out (free with ctl_conf_free). On failure returns -1 and writes one line
 * "FILE:LINE:COLUMN: reason" into err (errlen bytes) naming the offending
 * node; nothing is allocated.
 */
int ctl_conf_load(const char *path, struct ctl_conf **out, char *err, size_t errlen);

/* Same, from a buffer; name is used in messages and to resolve relative paths. */
int ctl_conf_load_buf(const char *name, const char *buf, size_t len, struct ctl_conf **out,
		      char *err, size_t errlen);

void ctl_conf_free(struct ctl_conf *c);


/* The first boot rule matching a client (iPXE or not, its first architecture
 * code or NULL, its vendor class bytes or NULL): DHCPv4 and DHCPv6 alike. */
const struct ctl_conf_boot_rule *ctl_match_rule(const struct ctl_conf *conf, bool is_ipxe,
						const uint16_t *arch, const uint8_t *vc, size_t vlen);

/*
 * What differs between two configurations, in operator terms: subnets,
 * reservations, boot rules, images and settings (bootfarmctl diff).
 */
/* An image as compiled: its name, size and content digest. */
struct ctl_diff_image {
	const char *name;
	uint64_t len;
	uint64_t digest;
};

struct ctl_change {
	const char *kind;	/* "subnet", "host", "rule", "image", "subnet6", "host6", "setting" */
	char op;		/* '+' added, '-' removed, '~' changed */
	char name[160];
	char detail[320];	/* what changed ("" for added/removed) */
};

/* Call fn for each difference from a to b (images sorted by name or not).
 * Returns the number of differences. */
size_t ctl_diff(const struct ctl_conf *a, const struct ctl_diff_image *ia, size_t na,
		const struct ctl_conf *b, const struct ctl_diff_image *ib, size_t nb,
		void (*fn)(const struct ctl_change *ch, void *arg), void *arg);

#endif
