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

/**
 * The one conversion of a double (a JSON number) to an integer: d must be
 * whole and in [min, max]. NaN, infinities, fractions and values out of
 * range (a cast of which is undefined behaviour) are refused, and *out is
 * left alone. @return 0 or CS_EINVAL
 */
CS_NODISCARD int cs_i64_from_double(
    double d, int64_t min, int64_t max, int64_t *out);

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
 * *pos (start with *pos = url). A URL (scheme://...) has the one of
 * scheme://user:PASSWORD@host/... (the user part ends at the authority's
 * last '@', as libpq reads it), then each password=VALUE (ended by '&' or a
 * space). A libpq keyword/value string has the value of each password
 * keyword, read as libpq reads it: spaces around '=' allowed, a quoted value
 * ('a b', backslash escapes) spans its quotes, an unquoted one ends at a
 * space not escaped by a backslash, an unterminated quote runs to the end.
 * Sets *start and *len to the value as written and moves *pos past it.
 * @return false when there is none left
 */
bool cs_str_next_url_password(
    const char *url, const char **pos, const char **start, size_t *len);

/**
 * A database URL or connection string fit to show: every password that
 * cs_str_next_url_password() finds becomes "[redacted]". Truncated to size.
 */
void cs_str_redact_url(const char *url, char *out, size_t size);

/** Secrets shorter than this are scrubbed only where they stand alone. */
#define CS_SECRET_WORD_LEN 4

/**
 * The program's one secret scrubber: every occurrence in s of each of the n
 * secrets becomes "[redacted]", in place, in one pass from left to right (a
 * replacement is never searched again, so a secret that is part of the mark
 * cannot loop). A secret shorter than CS_SECRET_WORD_LEN bytes is replaced
 * only where no letter or digit touches it, since it would eat ordinary
 * text. The result is cut to size - 1 bytes, never inside a mark (a secret
 * that does not fit is dropped, not shown). NULL and empty secrets are
 * skipped. The logger (cs_log_redact()) and the store's messages use it.
 *
 * @param s a string of at most size - 1 bytes, changed in place
 */
void cs_str_scrub(char *s, size_t size, const char *const *secrets, size_t n);

#endif
