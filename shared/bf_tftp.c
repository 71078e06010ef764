/* SPDX-License-Identifier: MIT */
#include "bf_tftp.h"
