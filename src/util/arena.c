/* SPDX-License-Identifier: MIT */
/* Bump allocator; see arena.h. */
#include "util/arena.h"

#include <stdalign.h>
#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"
#include "util/banned.h"

#define BLOCK_SIZE (64u * 1024u)

struct cs_arena_block {
	struct cs_arena_block *next;
	size_t size;
	alignas(max_align_t) unsigned char data[];
};

void
cs_arena_init(struct cs_arena *a)
{
	a->_head = NULL;
	a->_used = 0;
	a->total = 0;
}

void
cs_arena_dispose(struct cs_arena *a)
{
	struct cs_arena_block *b, *next;

	for (b = a->_head; b != NULL; b = next) {
		next = b->next;
		free(b);
	}
	cs_arena_init(a);
}

void
cs_arena_reset(struct cs_arena *a)
{
	struct cs_arena_block *b, *next;

	if (a->_head == NULL)
		return;
	for (b = a->_head->next; b != NULL; b = next) {
		next = b->next;
		free(b);
	}
	a->_head->next = NULL;
	a->_used = 0;
	a->total = 0;
}

void *
cs_arena_alloc(struct cs_arena *a, size_t size)
{
	const size_t align = alignof(max_align_t);
	struct cs_arena_block *b;
	size_t off;

	off = (a->_used + align - 1) & ~(align - 1);
	if (a->_head == NULL || off + size > a->_head->size) {
		size_t bsize = size > BLOCK_SIZE ? size : BLOCK_SIZE;

		b = cs_xmalloc(sizeof(*b) + bsize);
		b->size = bsize;
		b->next = a->_head;
		a->_head = b;
		off = 0;
	}
	a->_used = off + size;
	a->total += size;
	return a->_head->data + off;
}

char *
cs_arena_strndup(struct cs_arena *a, const char *s, size_t n)
{
	char *p;
	size_t len;

	if (s == NULL)
		return NULL;
	len = strnlen(s, n);
	p = cs_arena_alloc(a, len + 1);
	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

char *
cs_arena_strdup(struct cs_arena *a, const char *s)
{
	if (s == NULL)
		return NULL;
	return cs_arena_strndup(a, s, strlen(s));
}
