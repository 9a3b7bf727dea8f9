/* SPDX-License-Identifier: MIT */
/* Streaming JSON writer; see jsonw.h. */
#include "jsonw.h"

#include <assert.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "util/banned.h"

static void
check(struct cs_jw *w, int error)
{
	if (error < 0 && w->err == 0)
		w->err = error;
}

/* A JSON string literal; runs of plain bytes are copied in one go. */
static void
put_string(struct cs_jw *w, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s, *run;
	char esc[6] = {'\\', 'u', '0', '0', 0, 0};

	check(w, cs_buf_putc(&w->buf, '"'));
	while (*p != '\0') {
		run = p;
		while (*p >= 0x20 && *p != '"' && *p != '\\')
			p++;
		if (p > run)
			check(w, cs_buf_put(&w->buf, run, (size_t)(p - run)));
		if (*p == '\0')
			break;
		switch (*p) {
		case '"':
			check(w, cs_buf_put(&w->buf, "\\\"", 2));
			break;
		case '\\':
			check(w, cs_buf_put(&w->buf, "\\\\", 2));
			break;
		case '\n':
			check(w, cs_buf_put(&w->buf, "\\n", 2));
			break;
		case '\r':
			check(w, cs_buf_put(&w->buf, "\\r", 2));
			break;
		case '\t':
			check(w, cs_buf_put(&w->buf, "\\t", 2));
			break;
		default:
			esc[4] = hex[*p >> 4];
			esc[5] = hex[*p & 15];
			check(w, cs_buf_put(&w->buf, esc, sizeof(esc)));
			break;
		}
		p++;
	}
	check(w, cs_buf_putc(&w->buf, '"'));
}

/* Place a comma before a value or key unless it follows a key. */
static void
sep(struct cs_jw *w)
{
	if (w->after_key) {
		w->after_key = false;
		return;
	}
	if (w->need_comma[w->depth])
		check(w, cs_buf_putc(&w->buf, ','));
	w->need_comma[w->depth] = 1;
}

void
cs_jw_init(struct cs_jw *w, size_t max)
{
	cs_buf_init(&w->buf, max);
	w->err = 0;
	w->depth = 0;
	w->after_key = false;
	w->need_comma[0] = 0;
}

void
cs_jw_dispose(struct cs_jw *w)
{
	cs_buf_dispose(&w->buf);
}

static void
open_(struct cs_jw *w, char c)
{
	sep(w);
	check(w, cs_buf_putc(&w->buf, c));
	assert(w->depth < CS_JW_MAX_DEPTH);
	w->depth++;
	w->need_comma[w->depth] = 0;
}

static void
close_(struct cs_jw *w, char c)
{
	assert(w->depth > 0);
	w->depth--;
	check(w, cs_buf_putc(&w->buf, c));
}

void
cs_jw_obj(struct cs_jw *w)
{
	open_(w, '{');
}

void
cs_jw_obj_end(struct cs_jw *w)
{
	close_(w, '}');
}

void
cs_jw_arr(struct cs_jw *w)
{
	open_(w, '[');
}

void
cs_jw_arr_end(struct cs_jw *w)
{
	close_(w, ']');
}

void
cs_jw_key(struct cs_jw *w, const char *key)
{
	sep(w);
	put_string(w, key);
	check(w, cs_buf_putc(&w->buf, ':'));
	w->after_key = true;
}

void
cs_jw_str(struct cs_jw *w, const char *s)
{
	sep(w);
	if (s == NULL)
		check(w, cs_buf_put(&w->buf, "null", 4));
	else
		put_string(w, s);
}

void
cs_jw_i64(struct cs_jw *w, int64_t v)
{
	sep(w);
	check(w, cs_buf_printf(&w->buf, "%" PRId64, v));
}

void
cs_jw_bool(struct cs_jw *w, bool v)
{
	sep(w);
	check(w, cs_buf_puts(&w->buf, v ? "true" : "false"));
}

void
cs_jw_null(struct cs_jw *w)
{
	sep(w);
	check(w, cs_buf_put(&w->buf, "null", 4));
}

void
cs_jw_raw(struct cs_jw *w, const char *json, size_t len)
{
	sep(w);
	check(w, cs_buf_put(&w->buf, json, len));
}

void
cs_jw_kstr(struct cs_jw *w, const char *key, const char *s)
{
	cs_jw_key(w, key);
	cs_jw_str(w, s);
}

void
cs_jw_ki64(struct cs_jw *w, const char *key, int64_t v)
{
	cs_jw_key(w, key);
	cs_jw_i64(w, v);
}

void
cs_jw_kbool(struct cs_jw *w, const char *key, bool v)
{
	cs_jw_key(w, key);
	cs_jw_bool(w, v);
}

void
cs_jw_knull(struct cs_jw *w, const char *key)
{
	cs_jw_key(w, key);
	cs_jw_null(w);
}

void
cs_jw_ki64_opt(struct cs_jw *w, const char *key, bool has, int64_t v)
{
	cs_jw_key(w, key);
	if (has)
		cs_jw_i64(w, v);
	else
		cs_jw_null(w);
}

char *
cs_jw_take(struct cs_jw *w, size_t *len_out)
{
	if (w->err != 0) {
		cs_buf_dispose(&w->buf);
		return NULL;
	}
	return cs_buf_take(&w->buf, len_out);
}
