/* SPDX-License-Identifier: MIT */
/* Small string helpers: range-checked number parsing, bounded copies, JSON
 * escaping. */
#ifndef CS_UTIL_STR_H
#define CS_UTIL_STR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"
#include "util/error.h"

/*
 * Drop const from a borrowed string placed in a struct whose char * fields
 * are owned elsewhere (the struct is only read by the callee).
 */
#define CS_UNCONST(p) ((char *)(uintptr_t)(p))

/**
 * Parse a whole decimal integer in [min, max] (no sign games, no trailing
 * bytes). @return 0 or CS_EINVAL
 */
CS_NODISCARD int cs_str_to_i64(
    const char *s, int64_t min, int64_t max, int64_t *out);

/** strcmp() == 0, with NULL equal only to NULL. */
bool cs_str_eq(const char *a, const char *b);

/** ASCII case-insensitive equality. */
bool cs_str_ieq(const char *a, const char *b);

/** True when s starts with prefix. */
bool cs_str_startswith(const char *s, const char *prefix);

/** Copy into dst of size dstsize, always terminated. @return false if cut. */
bool cs_str_copy(char *dst, const char *src, size_t dstsize);

/** True for a canonical GUID "8-4-4-4-12" of hex digits (either case). */
bool cs_str_is_uuid(const char *s);

/** Copy a GUID without its dashes, lower case, into out[33]. */
void cs_str_uuid_nodash(const char *uuid, char out[33]);

/** Lower-case ASCII in place. */
void cs_str_lower(char *s);

/** True when s is non-empty and all lowercase hex digits. */
bool cs_str_is_hex_lower(const char *s);

/**
 * Append s to b as a JSON string literal, quotes included. Control bytes are
 * escaped; other bytes pass through (the caller supplies UTF-8).
 * @return 0 or CS_ETOOBIG
 */
CS_NODISCARD int cs_buf_put_json_string(struct cs_buf *b, const char *s);

/** Remove leading and trailing ASCII space in place; returns s. */
char *cs_str_trim(char *s);

/**
 * The next password in a database URL or connection string, searching from
 * *pos (start with *pos = url): the one of scheme://user:PASSWORD@host/...
 * (the user part ends at the authority's last '@', as libpq reads it),
 * then each password=VALUE (ended by '&' or a space). Sets *start and *len
 * and moves *pos past it. @return false when there is none left
 */
bool cs_str_next_url_password(
    const char *url, const char **pos, const char **start, size_t *len);

/**
 * A database URL or connection string fit to show: the password of
 * scheme://user:PASSWORD@host/... and every password=VALUE (ended by '&'
 * or a space) become "[redacted]". Truncated to size.
 */
void cs_str_redact_url(const char *url, char *out, size_t size);

#endif
