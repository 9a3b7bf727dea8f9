/* SPDX-License-Identifier: MIT */
/*
 * Per-client token buckets for the public routes: per_minute requests a
 * minute with a burst of the same size. Buckets of clients not seen for ten
 * minutes are dropped when the table fills.
 */
#include "http/internal.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "core/retry.h"
#include "util/limits.h"
#include "util/str.h"
#include "util/xalloc.h"
#include "util/banned.h"

struct slot {
	char client[64];
	struct cs_bucket bucket;
	int64_t seen_us;
};

struct cs_ratelimit {
	pthread_mutex_t lock;
	double rate; /* per second */
	double burst;
	struct slot *slots;
	size_t used;
};

struct cs_ratelimit *
cs_ratelimit_new(long per_minute)
{
	struct cs_ratelimit *l = cs_xcalloc(1, sizeof(*l));

	pthread_mutex_init(&l->lock, NULL);
	l->rate = (double)per_minute / 60.0;
	l->burst = (double)per_minute;
	l->slots = cs_xcalloc(CS_RATELIMIT_SLOTS, sizeof(*l->slots));
	return l;
}

void
cs_ratelimit_free(struct cs_ratelimit *l)
{
	if (l == NULL)
		return;
	pthread_mutex_destroy(&l->lock);
	free(l->slots);
	free(l);
}

static struct slot *
slot_for(struct cs_ratelimit *l, const char *client, int64_t now)
{
	struct slot *free_slot = NULL;
	size_t i;

	for (i = 0; i < l->used; i++) {
		if (strcmp(l->slots[i].client, client) == 0)
			return &l->slots[i];
		if (free_slot == NULL &&
		    now - l->slots[i].seen_us > CS_RATELIMIT_IDLE_US)
			free_slot = &l->slots[i];
	}
	if (free_slot == NULL) {
		if (l->used == CS_RATELIMIT_SLOTS)
			free_slot = &l->slots[(size_t)now % CS_RATELIMIT_SLOTS];
		else
			free_slot = &l->slots[l->used++];
	}
	cs_str_copy(free_slot->client, client, sizeof(free_slot->client));
	cs_bucket_init(&free_slot->bucket, l->rate, l->burst, now);
	return free_slot;
}

int
cs_ratelimit_peek(struct cs_ratelimit *l, const char *client, int64_t now)
{
	struct cs_bucket b;
	int64_t wait;

	pthread_mutex_lock(&l->lock);
	b = slot_for(l, client, now)->bucket;
	pthread_mutex_unlock(&l->lock);
	wait = cs_bucket_take(&b, now);
	if (wait <= 0)
		return 0;
	return (int)((wait + 999999) / 1000000);
}

int
cs_ratelimit_take(struct cs_ratelimit *l, const char *client, int64_t now)
{
	struct slot *s;
	int64_t wait;

	pthread_mutex_lock(&l->lock);
	s = slot_for(l, client, now);
	s->seen_us = now;
	wait = cs_bucket_take(&s->bucket, now);
	pthread_mutex_unlock(&l->lock);
	if (wait <= 0)
		return 0;
	return (int)((wait + 999999) / 1000000);
}
