/* SPDX-License-Identifier: MIT */
/* String-keyed hash map; see strmap.h. */
#include "util/strmap.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"
#include "util/banned.h"

static uint64_t
hash(const char *s)
{
	uint64_t h = 14695981039346656037ULL;

	for (; *s != '\0'; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return h;
}

void
cs_strmap_init(struct cs_strmap *m)
{
	memset(m, 0, sizeof(*m));
}

void
cs_strmap_dispose(struct cs_strmap *m)
{
	free(m->keys);
	free(m->hashes);
	free(m->values);
	memset(m, 0, sizeof(*m));
}

static void
insert(struct cs_strmap *m, const char *key, uint64_t h, size_t value)
{
	size_t i;

	for (i = (size_t)h & (m->cap - 1); m->keys[i] != NULL;
	     i = (i + 1) & (m->cap - 1))
		;
	m->keys[i] = key;
	m->hashes[i] = h;
	m->values[i] = value;
	m->len++;
}

/* Move the keys to a table of cap slots (a power of two). */
static void
rehash(struct cs_strmap *m, size_t cap)
{
	struct cs_strmap bigger;
	size_t i;

	bigger.cap = cap;
	bigger.len = 0;
	bigger.keys = cs_xcalloc(bigger.cap, sizeof(*bigger.keys));
	bigger.hashes = cs_xcalloc(bigger.cap, sizeof(*bigger.hashes));
	bigger.values = cs_xcalloc(bigger.cap, sizeof(*bigger.values));
	for (i = 0; i < m->cap; i++) {
		if (m->keys[i] != NULL)
			insert(&bigger, m->keys[i], m->hashes[i], m->values[i]);
	}
	free(m->keys);
	free(m->hashes);
	free(m->values);
	/* Field by field: clang 14's analyzer loses a struct copy here. */
	m->keys = bigger.keys;
	m->hashes = bigger.hashes;
	m->values = bigger.values;
	m->cap = bigger.cap;
	m->len = bigger.len;
}

static void
grow(struct cs_strmap *m)
{
	rehash(m, m->cap != 0 ? m->cap * 2 : 64);
}

void
cs_strmap_reserve(struct cs_strmap *m, size_t n)
{
	size_t cap = m->cap != 0 ? m->cap : 64;

	while ((n + 1) * 4 > cap * 3)
		cap *= 2;
	if (cap != m->cap)
		rehash(m, cap);
}

/* The slot of key, or of the empty slot where it would go. */
static size_t
find(const struct cs_strmap *m, const char *key, uint64_t h)
{
	size_t i;

	for (i = (size_t)h & (m->cap - 1); m->keys[i] != NULL;
	     i = (i + 1) & (m->cap - 1)) {
		if (m->hashes[i] == h && strcmp(m->keys[i], key) == 0)
			break;
	}
	return i;
}

bool
cs_strmap_put(struct cs_strmap *m, const char *key, size_t value)
{
	uint64_t h = hash(key);

	if ((m->len + 1) * 4 > m->cap * 3)
		grow(m);
	if (m->keys[find(m, key, h)] != NULL)
		return false;
	insert(m, key, h, value);
	return true;
}

bool
cs_strmap_get(const struct cs_strmap *m, const char *key, size_t *out)
{
	size_t i;

	if (m->cap == 0)
		return false;
	i = find(m, key, hash(key));
	if (m->keys[i] == NULL)
		return false;
	*out = m->values[i];
	return true;
}
