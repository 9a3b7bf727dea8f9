/* SPDX-License-Identifier: MIT */
/* String-keyed hash map; see map.h. */
#include "map.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"
#include "util/banned.h"

#define INITIAL_SLOTS 64

static uint64_t
hash(const char *s)
{
	uint64_t h = 1469598103934665603ull;

	for (; *s != '\0'; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ull;
	}
	return h;
}

void
cs_fmap_init(struct cs_fmap *m)
{
	m->slots = NULL;
	m->nslots = 0;
	m->len = 0;
}

void
cs_fmap_dispose(struct cs_fmap *m, cs_fmap_free_fn free_val)
{
	struct cs_fmap_entry *e, *next;
	size_t i;

	for (i = 0; i < m->nslots; i++) {
		for (e = m->slots[i]; e != NULL; e = next) {
			next = e->next;
			if (free_val != NULL)
				free_val(e->val);
			free(e->key);
			free(e);
		}
	}
	free(m->slots);
	cs_fmap_init(m);
}

static struct cs_fmap_entry **
find(const struct cs_fmap *m, const char *key)
{
	struct cs_fmap_entry **pp;

	if (m->nslots == 0)
		return NULL;
	pp = &m->slots[hash(key) & (m->nslots - 1)];
	while (*pp != NULL && strcmp((*pp)->key, key) != 0)
		pp = &(*pp)->next;
	return pp;
}

static void
grow(struct cs_fmap *m)
{
	struct cs_fmap_entry **slots, *e, *next;
	size_t n, i, h;

	n = m->nslots == 0 ? INITIAL_SLOTS : m->nslots * 2;
	slots = cs_xcalloc(n, sizeof(*slots));
	for (i = 0; i < m->nslots; i++) {
		for (e = m->slots[i]; e != NULL; e = next) {
			next = e->next;
			h = hash(e->key) & (n - 1);
			e->next = slots[h];
			slots[h] = e;
		}
	}
	free(m->slots);
	m->slots = slots;
	m->nslots = n;
}

void *
cs_fmap_get(const struct cs_fmap *m, const char *key)
{
	struct cs_fmap_entry **pp = find(m, key);

	return pp != NULL && *pp != NULL ? (*pp)->val : NULL;
}

void *
cs_fmap_put(struct cs_fmap *m, const char *key, void *val)
{
	struct cs_fmap_entry **pp, *e;
	void *old;

	pp = find(m, key);
	if (pp != NULL && *pp != NULL) {
		old = (*pp)->val;
		(*pp)->val = val;
		return old;
	}
	if (pp == NULL || m->len + 1 > m->nslots * 3 / 4) {
		grow(m);
		pp = find(m, key);
	}
	e = cs_xmalloc(sizeof(*e));
	e->key = cs_xstrdup(key);
	e->val = val;
	e->next = NULL;
	*pp = e;
	m->len++;
	return NULL;
}

void *
cs_fmap_del(struct cs_fmap *m, const char *key)
{
	struct cs_fmap_entry **pp = find(m, key), *e;
	void *val;

	if (pp == NULL || *pp == NULL)
		return NULL;
	e = *pp;
	*pp = e->next;
	val = e->val;
	free(e->key);
	free(e);
	m->len--;
	return val;
}

void
cs_fmap_each(const struct cs_fmap *m, cs_fmap_each_fn fn, void *payload)
{
	struct cs_fmap_entry *e;
	size_t i;

	for (i = 0; i < m->nslots; i++) {
		for (e = m->slots[i]; e != NULL; e = e->next)
			fn(e->key, e->val, payload);
	}
}
