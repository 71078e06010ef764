/* SPDX-License-Identifier: MIT */
#include "bf_dhcp4.h"
