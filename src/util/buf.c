/* SPDX-License-Identifier: MIT */
/* Capped growable buffer; see buf.h. */
#include "util/buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"
#include "util/banned.h"

void
cs_buf_init(struct cs_buf *b, size_t max)
{
	b->ptr = NULL;
	b->len = 0;
	b->cap = 0;
	b->max = max;
}

void
cs_buf_dispose(struct cs_buf *b)
{
	free(b->ptr);
	b->ptr = NULL;
	b->len = 0;
	b->cap = 0;
}

void
cs_buf_reset(struct cs_buf *b)
{
	b->len = 0;
	if (b->ptr != NULL)
		b->ptr[0] = '\0';
}

static int
grow(struct cs_buf *b, size_t extra)
{
	size_t need, cap;

	if (extra > b->max || b->len > b->max - extra)
		return CS_ETOOBIG;
	need = b->len + extra + 1;
	if (need <= b->cap)
		return 0;
	cap = b->cap != 0 ? b->cap : 64;
	while (cap < need)
		cap = cap > ((size_t)-1) / 2 ? need : cap * 2;
	if (cap > b->max + 1)
		cap = b->max + 1;
	b->ptr = cs_xrealloc(b->ptr, cap);
	b->cap = cap;
	return 0;
}

int
cs_buf_put(struct cs_buf *b, const void *data, size_t len)
{
	int error;

	error = grow(b, len);
	if (error < 0)
		return error;
	if (len != 0)
		memcpy(b->ptr + b->len, data, len);
	b->len += len;
	b->ptr[b->len] = '\0';
	return 0;
}

int
cs_buf_puts(struct cs_buf *b, const char *s)
{
	return cs_buf_put(b, s, strlen(s));
}

int
cs_buf_putc(struct cs_buf *b, char c)
{
	return cs_buf_put(b, &c, 1);
}

int
cs_buf_vprintf(struct cs_buf *b, const char *fmt, va_list ap)
{
	va_list ap2;
	int n, error;

	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		return CS_ERROR;
	error = grow(b, (size_t)n);
	if (error < 0)
		return error;
	vsnprintf(b->ptr + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
	return 0;
}

int
cs_buf_printf(struct cs_buf *b, const char *fmt, ...)
{
	va_list ap;
	int error;

	va_start(ap, fmt);
	error = cs_buf_vprintf(b, fmt, ap);
	va_end(ap);
	return error;
}

char *
cs_buf_take(struct cs_buf *b, size_t *len_out)
{
	char *p;

	if (b->ptr == NULL)
		p = cs_xstrdup("");
	else
		p = b->ptr;
	if (len_out != NULL)
		*len_out = b->len;
	b->ptr = NULL;
	b->len = 0;
	b->cap = 0;
	return p;
}

const char *
cs_buf_cstr(const struct cs_buf *b)
{
	return b->ptr != NULL ? b->ptr : "";
}
