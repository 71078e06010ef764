/* SPDX-License-Identifier: MIT */
/* The boot rule a client matches: shared by the DHCPv4 and DHCPv6 servers. */
#include <string.h>

#include "control/config/ctl_conf.h"

const struct ctl_conf_boot_rule *
ctl_match_rule(const struct ctl_conf *conf, bool is_ipxe, const uint16_t *arch, const uint8_t *vc,
	       size_t vlen)
{
	for (size_t i = 0; i < conf->n_rules; i++) {
		const struct ctl_conf_boot_rule *r = &conf->rules[i];
		if (r->ipxe >= 0 && r->ipxe != (int8_t)is_ipxe)
			continue;
		if (r->n_arch) {
			bool hit = false;
			for (uint8_t k = 0; k < r->n_arch && arch; k++)
				hit |= r->arch[k] == *arch;
			if (!hit)
				continue;
		}
		size_t plen = strlen(r->vendor_prefix);
		if (plen && (!vc || vlen < plen || memcmp(vc, r->vendor_prefix, plen) != 0))
			continue;
		return r;
	}
	return NULL;
}
