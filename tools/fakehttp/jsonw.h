/* SPDX-License-Identifier: MIT */
/*
 * A streaming JSON writer for the fakes. Upstream bodies must keep the field
 * order of the real APIs and send nulls as null, and the hot GetNfts path must
 * be cheap, so the fakes write JSON text directly instead of building cJSON
 * trees. Commas are placed by the writer; a failed append (over the cap) is
 * remembered and reported once by cs_jw_take().
 */
#ifndef CS_FAKEHTTP_JSONW_H
#define CS_FAKEHTTP_JSONW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"

#define CS_JW_MAX_DEPTH 32

struct cs_jw {
	struct cs_buf buf;
	int err;        /* first append error, 0 if none */
	int depth;      /* open objects and arrays */
	bool after_key; /* a key was written; its value comes next */
	unsigned char need_comma[CS_JW_MAX_DEPTH + 1];
};

/** Start an empty document of at most max bytes. */
void cs_jw_init(struct cs_jw *w, size_t max);

/** Free the text; the writer may be reused after cs_jw_init(). */
void cs_jw_dispose(struct cs_jw *w);

void cs_jw_obj(struct cs_jw *w);
void cs_jw_obj_end(struct cs_jw *w);
void cs_jw_arr(struct cs_jw *w);
void cs_jw_arr_end(struct cs_jw *w);

/** Write a key; the next value call writes its value. */
void cs_jw_key(struct cs_jw *w, const char *key);

/** A string value; NULL writes null. */
void cs_jw_str(struct cs_jw *w, const char *s);
void cs_jw_i64(struct cs_jw *w, int64_t v);
void cs_jw_bool(struct cs_jw *w, bool v);
void cs_jw_null(struct cs_jw *w);

/** A value that is already JSON text (len bytes). */
void cs_jw_raw(struct cs_jw *w, const char *json, size_t len);

/* Key and value in one call. */
void cs_jw_kstr(struct cs_jw *w, const char *key, const char *s);
void cs_jw_ki64(struct cs_jw *w, const char *key, int64_t v);
void cs_jw_kbool(struct cs_jw *w, const char *key, bool v);
void cs_jw_knull(struct cs_jw *w, const char *key);

/** An int64 that may be absent: has == false writes null. */
void cs_jw_ki64_opt(struct cs_jw *w, const char *key, bool has, int64_t v);

/**
 * Move the text out. Caller owns the result, free with free(); NULL when an
 * append failed (the text is then discarded).
 */
char *cs_jw_take(struct cs_jw *w, size_t *len_out);

#endif
