/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target for the PXE option 43 codec: decode; when that succeeds the
 * struct must re-encode, and decoding the encoding must give the same struct.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bf_pxe.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

static bool
same(const struct bf_pxe_opts *a, const struct bf_pxe_opts *b)
{
	if (a->has_mtftp != b->has_mtftp || a->mtftp_ip != b->mtftp_ip ||
	    a->mtftp_cport != b->mtftp_cport || a->mtftp_sport != b->mtftp_sport ||
	    a->mtftp_tmout != b->mtftp_tmout || a->mtftp_delay != b->mtftp_delay)
		return false;
	if (a->has_discovery_control != b->has_discovery_control ||
	    a->discovery_control != b->discovery_control ||
	    a->has_mcast_addr != b->has_mcast_addr || a->mcast_addr != b->mcast_addr)
		return false;
	if (a->n_servers != b->n_servers || a->n_menu != b->n_menu)
		return false;
	for (unsigned i = 0; i < a->n_servers; i++) {
		const struct bf_pxe_server *x = &a->servers[i], *y = &b->servers[i];
		if (x->type != y->type || x->n_ip != y->n_ip ||
		    memcmp(x->ip, y->ip, sizeof(x->ip[0]) * x->n_ip))
			return false;
	}
	for (unsigned i = 0; i < a->n_menu; i++) {
		const struct bf_pxe_menu_item *x = &a->menu[i], *y = &b->menu[i];
		if (x->type != y->type || x->len != y->len || memcmp(x->text, y->text, x->len))
			return false;
	}
	if (a->has_prompt != b->has_prompt || a->prompt_timeout != b->prompt_timeout ||
	    a->prompt_len != b->prompt_len || memcmp(a->prompt, b->prompt, a->prompt_len))
		return false;
	return a->has_boot_item == b->has_boot_item && a->boot_item_type == b->boot_item_type &&
	       a->boot_item_layer == b->boot_item_layer;
}

int
LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	static struct bf_pxe_opts a, b;
	static uint8_t enc[2048];

	if (bf_pxe_decode(&a, d, n) != 0)
		return 0;
	int len = bf_pxe_encode(&a, enc, sizeof(enc));
	if (len < 1)
		abort(); /* anything the decoder accepts must encode */
	/* Exact length: the encoding ends with END and nothing after it. */
	if (enc[len - 1] != 255)
		abort();
	if (bf_pxe_decode(&b, enc, (size_t)len) != 0 || !same(&a, &b))
		abort();
	/* A too-small buffer is refused, never overrun. */
	if (bf_pxe_encode(&a, enc, (size_t)len - 1) != BF_PXE_E_NOSPACE)
		abort();
	return 0;
}
