/* SPDX-License-Identifier: MIT */
/*
 * A hash map from borrowed strings to indexes (open addressing, FNV-1a):
 * for joining 100,000 NMKR uids with the inventory in linear time. Keys are
 * not copied and must outlive the map.
 */
#ifndef CS_UTIL_STRMAP_H
#define CS_UTIL_STRMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct cs_strmap {
	const char **keys;
	uint64_t *hashes; /* of each key: most mismatches cost no strcmp */
	size_t *values;
	size_t cap; /* a power of two */
	size_t len;
};

void cs_strmap_init(struct cs_strmap *m);
void cs_strmap_dispose(struct cs_strmap *m);

/**
 * Insert key -> value unless key is present. @return true if inserted,
 * false if the key was there (its value is left alone).
 */
bool cs_strmap_put(struct cs_strmap *m, const char *key, size_t value);

/** Room for n keys in all, so that they go in without growing. */
void cs_strmap_reserve(struct cs_strmap *m, size_t n);

/** The value of key into *out. @return false if absent. */
bool cs_strmap_get(const struct cs_strmap *m, const char *key, size_t *out);

#endif
