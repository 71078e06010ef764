/* SPDX-License-Identifier: MIT */
#include "bf_pxe.h"
