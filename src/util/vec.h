/* SPDX-License-Identifier: MIT */
/* A growable array of fixed-size elements. */
#ifndef CS_UTIL_VEC_H
#define CS_UTIL_VEC_H

#include <stddef.h>

struct cs_vec {
	void *ptr;
	size_t len;  /* elements in use */
	size_t cap;  /* elements allocated */
	size_t size; /* bytes per element */
};

#define CS_VEC_INIT(type)                                                      \
	{                                                                      \
		NULL, 0, 0, sizeof(type)                                       \
	}

void cs_vec_init(struct cs_vec *v, size_t elem_size);
void cs_vec_dispose(struct cs_vec *v);

/** Make room for n more elements without changing len. */
void cs_vec_reserve(struct cs_vec *v, size_t n);

/** Append one zeroed element and return it (valid until the next push). */
void *cs_vec_push(struct cs_vec *v);

/** Element i, borrowed. */
void *cs_vec_at(const struct cs_vec *v, size_t i);

#define CS_VEC_AT(v, type, i) ((type *)cs_vec_at((v), (i)))

#endif
