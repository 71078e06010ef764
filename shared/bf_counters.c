/* SPDX-License-Identifier: MIT */
#include "bf_counters.h"

const char *const bf_ctr_name[BF_CTR__COUNT] = {
#define BF_CTR(name, help) #name,
#include "bf_counters.def"
#undef BF_CTR
};

const char *const bf_ctr_help[BF_CTR__COUNT] = {
#define BF_CTR(name, help) help,
#include "bf_counters.def"
#undef BF_CTR
};
