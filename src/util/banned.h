/* SPDX-License-Identifier: MIT */
/*
 * Functions that are too easy to misuse, poisoned at compile time (curl's
 * %banfunc as a pragma). Include this header last in every .c file.
 */
#ifndef CS_UTIL_BANNED_H
#define CS_UTIL_BANNED_H

#if defined(__GNUC__)
#pragma GCC poison sprintf vsprintf strcpy strcat strncat gets atoi atol
#endif

#endif
