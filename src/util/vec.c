/* SPDX-License-Identifier: MIT */
/* Growable array; see vec.h. */
#include "util/vec.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"
#include "util/banned.h"

void
cs_vec_init(struct cs_vec *v, size_t elem_size)
{
	v->ptr = NULL;
	v->len = 0;
	v->cap = 0;
	v->size = elem_size;
}

void
cs_vec_dispose(struct cs_vec *v)
{
	free(v->ptr);
	v->ptr = NULL;
	v->len = 0;
	v->cap = 0;
}

void
cs_vec_reserve(struct cs_vec *v, size_t n)
{
	size_t cap;

	if (v->len + n <= v->cap)
		return;
	cap = v->cap != 0 ? v->cap : 16;
	while (cap < v->len + n)
		cap *= 2;
	v->ptr = cs_xreallocarray(v->ptr, cap, v->size);
	v->cap = cap;
}

void *
cs_vec_push(struct cs_vec *v)
{
	void *slot;

	cs_vec_reserve(v, 1);
	slot = (char *)v->ptr + v->len * v->size;
	memset(slot, 0, v->size);
	v->len++;
	return slot;
}

void *
cs_vec_at(const struct cs_vec *v, size_t i)
{
	assert(i < v->len);
	return (char *)v->ptr + i * v->size;
}
