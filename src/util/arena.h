/* SPDX-License-Identifier: MIT */
/*
 * A bump allocator for the many small strings of a large listing (100,000
 * NFTs): one free for all, and far less overhead than one malloc each.
 */
#ifndef CS_UTIL_ARENA_H
#define CS_UTIL_ARENA_H

#include <stddef.h>

struct cs_arena_block;

struct cs_arena {
	struct cs_arena_block *_head;
	size_t _used; /* bytes used in the head block */
	size_t total; /* bytes handed out, for accounting */
};

#define CS_ARENA_INIT                                                          \
	{                                                                      \
		NULL, 0, 0                                                     \
	}

void cs_arena_init(struct cs_arena *a);

/** Free every block; pointers from the arena become invalid. */
void cs_arena_dispose(struct cs_arena *a);

/** Forget every allocation but keep the newest block for reuse. */
void cs_arena_reset(struct cs_arena *a);

/** size bytes aligned for any type; valid until cs_arena_dispose(). */
void *cs_arena_alloc(struct cs_arena *a, size_t size);

/** Copy of s (NULL stays NULL), owned by the arena. */
char *cs_arena_strdup(struct cs_arena *a, const char *s);
char *cs_arena_strndup(struct cs_arena *a, const char *s, size_t n);

#endif
