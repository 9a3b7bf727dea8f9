/* SPDX-License-Identifier: MIT */
/*
 * A string-keyed hash map (FNV-1a, chaining, doubling) for the fakes' NFT,
 * asset, cache and per-client tables. Keys are copied; values are borrowed
 * pointers the caller manages. Not thread-safe: callers hold their own lock.
 */
#ifndef CS_FAKEHTTP_MAP_H
#define CS_FAKEHTTP_MAP_H

#include <stddef.h>

struct cs_fmap_entry {
	char *key;
	void *val;
	struct cs_fmap_entry *next;
};

struct cs_fmap {
	struct cs_fmap_entry **slots;
	size_t nslots;
	size_t len;
};

typedef void (*cs_fmap_free_fn)(void *val);
typedef void (*cs_fmap_each_fn)(const char *key, void *val, void *payload);

void cs_fmap_init(struct cs_fmap *m);

/** Free every entry; free_val (may be NULL) is called on each value. */
void cs_fmap_dispose(struct cs_fmap *m, cs_fmap_free_fn free_val);

/** The value for key, or NULL. Borrowed. */
void *cs_fmap_get(const struct cs_fmap *m, const char *key);

/**
 * Set key to val. @return the value it replaced (the caller frees it), or
 * NULL
 */
void *cs_fmap_put(struct cs_fmap *m, const char *key, void *val);

/** Remove key. @return its value (the caller frees it), or NULL */
void *cs_fmap_del(struct cs_fmap *m, const char *key);

/** Call fn on every entry; fn must not change the map. */
void cs_fmap_each(const struct cs_fmap *m, cs_fmap_each_fn fn, void *payload);

#endif
