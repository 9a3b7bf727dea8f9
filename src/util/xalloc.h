/* SPDX-License-Identifier: MIT */
/*
 * Allocation wrappers that log and abort on exhaustion (tmux xmalloc.c). We
 * are a program with a supervisor; no caller checks for NULL.
 */
#ifndef CS_UTIL_XALLOC_H
#define CS_UTIL_XALLOC_H

#include <stddef.h>

#include "util/error.h"

void *cs_xmalloc(size_t size);
void *cs_xcalloc(size_t nmemb, size_t size);
/** Reallocates an array of nmemb elements of size bytes, checking overflow. */
void *cs_xreallocarray(void *ptr, size_t nmemb, size_t size);
void *cs_xrealloc(void *ptr, size_t size);
char *cs_xstrdup(const char *s);

/** cs_xstrdup(), or NULL for NULL. */
char *cs_xstrdup_null(const char *s);
char *cs_xstrndup(const char *s, size_t n);
/** Caller owns the result, free with free(). */
char *cs_xasprintf(const char *fmt, ...) CS_PRINTF(1, 2);

#endif
