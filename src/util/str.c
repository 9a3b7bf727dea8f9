/* SPDX-License-Identifier: MIT */
/* String helpers; see str.h. */
#include "util/str.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/xalloc.h"
#include "util/banned.h"

int
cs_str_to_i64(const char *s, int64_t min, int64_t max, int64_t *out)
{
	char *end = NULL;
	long long v;

	if (s == NULL || *s == '\0' || isspace((unsigned char)*s))
		return CS_EINVAL;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0')
		return CS_EINVAL;
	if (v < min || v > max)
		return CS_EINVAL;
	*out = (int64_t)v;
	return 0;
}

int
cs_i64_from_double(double d, int64_t min, int64_t max, int64_t *out)
{
	int64_t v;

	/* -2^63 <= d < 2^63, compared as doubles (both exact): only then is
	 * the cast defined. NaN fails every comparison. */
	if (!(d >= -9223372036854775808.0 && d < 9223372036854775808.0))
		return CS_EINVAL;
	v = (int64_t)d;
	if ((double)v != d || v < min || v > max)
		return CS_EINVAL;
	*out = v;
	return 0;
}

bool
cs_str_eq(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

bool
cs_str_ieq(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcasecmp(a, b) == 0;
}

bool
cs_str_startswith(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

bool
cs_str_copy(char *dst, const char *src, size_t dstsize)
{
	size_t len;

	if (dstsize == 0)
		return false;
	len = strlen(src);
	if (len >= dstsize) {
		memcpy(dst, src, dstsize - 1);
		dst[dstsize - 1] = '\0';
		return false;
	}
	memcpy(dst, src, len + 1);
	return true;
}

bool
cs_str_is_uuid(const char *s)
{
	size_t i;

	if (s == NULL || strlen(s) != 36)
		return false;
	for (i = 0; i < 36; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return false;
		} else if (!isxdigit((unsigned char)s[i])) {
			return false;
		}
	}
	return true;
}

void
cs_str_uuid_nodash(const char *uuid, char out[33])
{
	size_t i, j = 0;

	for (i = 0; uuid[i] != '\0' && j < 32; i++) {
		if (uuid[i] == '-')
			continue;
		out[j++] = (char)tolower((unsigned char)uuid[i]);
	}
	out[j] = '\0';
}

void
cs_str_lower(char *s)
{
	for (; *s != '\0'; s++)
		*s = (char)tolower((unsigned char)*s);
}

bool
cs_str_is_hex_lower(const char *s)
{
	if (s == NULL || *s == '\0')
		return false;
	for (; *s != '\0'; s++) {
		if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f')))
			return false;
	}
	return true;
}

int
cs_buf_put_json_string(struct cs_buf *b, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p;
	int error;

	error = cs_buf_putc(b, '"');
	for (p = (const unsigned char *)s; error == 0 && *p != '\0'; p++) {
		switch (*p) {
		case '"':
			error = cs_buf_put(b, "\\\"", 2);
			break;
		case '\\':
			error = cs_buf_put(b, "\\\\", 2);
			break;
		case '\n':
			error = cs_buf_put(b, "\\n", 2);
			break;
		case '\r':
			error = cs_buf_put(b, "\\r", 2);
			break;
		case '\t':
			error = cs_buf_put(b, "\\t", 2);
			break;
		default:
			if (*p < 0x20) {
				char esc[6] = {'\\', 'u', '0', '0',
				    hex[*p >> 4], hex[*p & 15]};
				error = cs_buf_put(b, esc, sizeof(esc));
			} else {
				error = cs_buf_putc(b, (char)*p);
			}
		}
	}
	if (error == 0)
		error = cs_buf_putc(b, '"');
	return error;
}

char *
cs_str_trim(char *s)
{
	size_t len;
	char *start = s;

	while (isspace((unsigned char)*start))
		start++;
	len = strlen(start);
	while (len > 0 && isspace((unsigned char)start[len - 1]))
		len--;
	memmove(s, start, len);
	s[len] = '\0';
	return s;
}

/* A password in scheme://user:PASSWORD@host/...?password=VALUE. */
static bool
uri_password(const char *url, const char **pos, const char **start, size_t *len)
{
	static const char key[] = "password=";
	const char *auth = strstr(url, "://"), *end, *at = NULL, *colon, *k;

	/* The authority ends at the first '/' (as libpq reads it), its user
	 * part at its last '@'. */
	auth += 3;
	end = auth + strcspn(auth, "/");
	for (k = auth; k < end; k++) {
		if (*k == '@')
			at = k;
	}
	colon = at != NULL ? memchr(auth, ':', (size_t)(at - auth)) : NULL;
	if (colon != NULL && *pos <= colon) {
		*start = colon + 1;
		*len = (size_t)(at - *start);
		*pos = at;
		return true;
	}
	k = strstr(*pos, key);
	if (k == NULL)
		return false;
	*start = k + sizeof(key) - 1;
	*len = strcspn(*start, "& ");
	*pos = *start + *len;
	return true;
}

/* A value of a libpq keyword/value string from p: 'quoted' (with its
 * quotes) or unquoted up to an unescaped space; backslash escapes. */
static const char *
conninfo_value_end(const char *p)
{
	bool quoted = *p == '\'';

	if (quoted)
		p++;
	while (*p != '\0') {
		if (*p == '\\' && p[1] != '\0') {
			p += 2;
			continue;
		}
		if (quoted && *p == '\'')
			return p + 1;
		if (!quoted && isspace((unsigned char)*p))
			return p;
		p++;
	}
	return p;
}

/* The password of a libpq keyword/value string ("host=db password=x"). */
static bool
conninfo_password(const char **pos, const char **start, size_t *len)
{
	static const char key[] = "password";
	const char *p = *pos, *k, *v;
	size_t klen;

	for (;;) {
		while (isspace((unsigned char)*p))
			p++;
		if (*p == '\0')
			return false;
		k = p;
		while (*p != '\0' && *p != '=' && !isspace((unsigned char)*p))
			p++;
		klen = (size_t)(p - k);
		while (isspace((unsigned char)*p))
			p++;
		if (*p != '=')
			continue; /* not key=value: libpq refuses it */
		p++;
		while (isspace((unsigned char)*p))
			p++;
		v = p;
		p = conninfo_value_end(v);
		if (klen == sizeof(key) - 1 && memcmp(k, key, klen) == 0) {
			*start = v;
			*len = (size_t)(p - v);
			*pos = p;
			return true;
		}
	}
}

bool
cs_str_next_url_password(
    const char *url, const char **pos, const char **start, size_t *len)
{
	if (strstr(url, "://") != NULL)
		return uri_password(url, pos, start, len);
	return conninfo_password(pos, start, len);
}

void
cs_str_redact_url(const char *url, char *out, size_t size)
{
	static const char mark[] = "[redacted]";
	const char *p = url, *pos = url, *start;
	size_t n = 0, len;

#define PUT(src, l)                                                            \
	do {                                                                   \
		size_t l_ = (l);                                               \
		if (n + l_ >= size)                                            \
			l_ = size - 1 - n;                                     \
		memcpy(out + n, (src), l_);                                    \
		n += l_;                                                       \
	} while (0)

	if (size == 0)
		return;
	while (cs_str_next_url_password(url, &pos, &start, &len)) {
		PUT(p, (size_t)(start - p));
		PUT(mark, sizeof(mark) - 1);
		p = start + len;
	}
	PUT(p, strlen(p));
	out[n] = '\0';
#undef PUT
}

/* The secret of the n that matches at s[i] (the longest), or 0. */
static size_t
secret_at(const char *s, size_t i, const char *const *secrets, size_t n)
{
	size_t k, len, best = 0;

	for (k = 0; k < n; k++) {
		const char *x = secrets[k];

		if (x == NULL || x[0] != s[i])
			continue;
		len = strlen(x);
		if (len <= best || strncmp(s + i, x, len) != 0)
			continue;
		if (len < CS_SECRET_WORD_LEN &&
		    ((i > 0 && isalnum((unsigned char)s[i - 1])) ||
		        isalnum((unsigned char)s[i + len])))
			continue;
		best = len;
	}
	return best;
}

void
cs_str_scrub(char *s, size_t size, const char *const *secrets, size_t n)
{
	static const char mark[] = "[redacted]";
	size_t i = 0, o = 0, len;
	char *out;

	if (size == 0 || n == 0)
		return;
	out = cs_xmalloc(size);
	while (s[i] != '\0') {
		len = secret_at(s, i, secrets, n);
		if (len > 0) {
			if (o + sizeof(mark) - 1 >= size)
				break;
			memcpy(out + o, mark, sizeof(mark) - 1);
			o += sizeof(mark) - 1;
			i += len;
		} else {
			if (o + 1 >= size)
				break;
			out[o++] = s[i++];
		}
	}
	out[o] = '\0';
	memcpy(s, out, o + 1);
	free(out);
}
