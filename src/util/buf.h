/* SPDX-License-Identifier: MIT */
/*
 * A growable byte buffer with a hard cap (curl dynbuf "toobig"). All input
 * from the network or a user goes into one; going over the cap fails with
 * CS_ETOOBIG and leaves the contents as they were. The contents are always
 * NUL-terminated (the terminator is not counted in len).
 */
#ifndef CS_UTIL_BUF_H
#define CS_UTIL_BUF_H

#include <stdarg.h>
#include <stddef.h>

#include "util/error.h"

struct cs_buf {
	char *ptr;  /* NULL until the first write */
	size_t len; /* bytes used, without the terminator */
	size_t cap; /* bytes allocated */
	size_t max; /* most bytes len may reach */
};

#define CS_BUF_INIT(max)                                                       \
	{                                                                      \
		NULL, 0, 0, (max)                                              \
	}

/** Initialize an embedded buffer that may hold up to max bytes. */
void cs_buf_init(struct cs_buf *b, size_t max);

/** Free the contents; the buffer may be reused after cs_buf_init(). */
void cs_buf_dispose(struct cs_buf *b);

/** Forget the contents but keep the allocation. */
void cs_buf_reset(struct cs_buf *b);

/** Append len bytes. @return 0 or CS_ETOOBIG */
CS_NODISCARD int cs_buf_put(struct cs_buf *b, const void *data, size_t len);

/** Append a NUL-terminated string. @return 0 or CS_ETOOBIG */
CS_NODISCARD int cs_buf_puts(struct cs_buf *b, const char *s);

/** Append one byte. @return 0 or CS_ETOOBIG */
CS_NODISCARD int cs_buf_putc(struct cs_buf *b, char c);

/** Append formatted text. @return 0 or CS_ETOOBIG */
CS_NODISCARD int cs_buf_printf(struct cs_buf *b, const char *fmt, ...)
    CS_PRINTF(2, 3);
CS_NODISCARD int cs_buf_vprintf(struct cs_buf *b, const char *fmt, va_list ap)
    CS_PRINTF(2, 0);

/**
 * Move the contents out: the caller owns the returned string (never NULL,
 * free with free()) and the buffer is empty again.
 */
char *cs_buf_take(struct cs_buf *b, size_t *len_out);

/** The contents as a string; "" when empty. Borrowed. */
const char *cs_buf_cstr(const struct cs_buf *b);

#endif
