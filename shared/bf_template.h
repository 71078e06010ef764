/* SPDX-License-Identifier: MIT */
/*
 * Per-client boot files from templates: "{name}" placeholders replaced by
 * the client's values ("{{" is a literal "{"). Pure functions.
 *
 *   {mac} 52:54:00:12:34:56   {mac_hyphen} 52-54-00-12-34-56 (pxelinux 01-<mac>)
 *   {mac_hex} 525400123456    {ip} 10.77.0.100   {ip_hex} 0A4D0064 (pxelinux)
 *   {hostname} {arch} (option 93, decimal) {uuid} (32 hex digits) {server}
 */
#ifndef BF_TEMPLATE_H
#define BF_TEMPLATE_H

#include <stddef.h>
#include <stdint.h>

struct bf_tvars {
	uint8_t mac[6];
	uint32_t ip;		/* host order */
	uint32_t server;	/* host order */
	const char *hostname;	/* "" when unknown */
	int arch;		/* -1 when unknown: renders as "" */
	const uint8_t *uuid;	/* 16 bytes, or NULL: renders as "" */
};

/*
 * Check a template: every placeholder known and closed. Returns 0, or -1 with
 * *bad_off set to the offset of the offending '{'.
 */
int bf_template_check(const char *t, size_t len, size_t *bad_off);

/*
 * Render t[0..len) into out[0..cap) (NUL-terminated). Returns the rendered
 * length, or -1 if the template is malformed or the result does not fit.
 */
int bf_template_render(const char *t, size_t len, const struct bf_tvars *v, char *out,
		       size_t cap);

#endif
