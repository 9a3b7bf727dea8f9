/* SPDX-License-Identifier: MIT */
/*
 * Included last in every core .c file: poisons the clock, file and socket
 * calls, so core stays a function of its inputs (now is passed in).
 */
#ifndef CS_CORE_PURE_H
#define CS_CORE_PURE_H

#include "util/banned.h"

#if defined(__GNUC__)
#pragma GCC poison fopen open socket connect clock_gettime gettimeofday time
#pragma GCC poison rand srand random getenv
#endif

#endif
