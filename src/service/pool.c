/* SPDX-License-Identifier: MIT */
/* Store connection pool; see pool.h. */
#include "service/pool.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#include "util/xalloc.h"
#include "util/banned.h"

struct cs_pool {
	char *url;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct cs_store **idle;
	size_t nidle;
	size_t open;
	size_t size;
};

int
cs_pool_new(
    struct cs_pool **out, const char *url, size_t size, struct cs_error *err)
{
	pthread_condattr_t attr;
	struct cs_pool *p;
	struct cs_store *s = NULL;
	int error;

	*out = NULL;
	error = cs_store_open(&s, url, err);
	if (error < 0)
		return error;
	p = cs_xcalloc(1, sizeof(*p));
	p->url = cs_xstrdup(url);
	p->size = size > 0 ? size : 1;
	p->idle = cs_xcalloc(p->size, sizeof(*p->idle));
	pthread_mutex_init(&p->lock, NULL);
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&p->cond, &attr);
	pthread_condattr_destroy(&attr);
	p->idle[p->nidle++] = s;
	p->open = 1;
	*out = p;
	return 0;
}

void
cs_pool_free(struct cs_pool *p)
{
	if (p == NULL)
		return;
	while (p->nidle > 0)
		cs_store_free(p->idle[--p->nidle]);
	pthread_cond_destroy(&p->cond);
	pthread_mutex_destroy(&p->lock);
	free(p->idle);
	free(p->url);
	free(p);
}

int
cs_pool_get(struct cs_pool *p, struct cs_store **out, struct cs_error *err)
{
	return cs_pool_get_wait(p, out, -1, err);
}

int
cs_pool_get_wait(struct cs_pool *p, struct cs_store **out, int64_t wait_ms,
    struct cs_error *err)
{
	struct timespec until;
	int error;

	*out = NULL;
	if (wait_ms > 0) {
		clock_gettime(CLOCK_MONOTONIC, &until);
		until.tv_sec += (time_t)(wait_ms / 1000);
		until.tv_nsec += (long)(wait_ms % 1000) * 1000000L;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
	}
	pthread_mutex_lock(&p->lock);
	while (p->nidle == 0 && p->open >= p->size) {
		if (wait_ms == 0 || (wait_ms > 0 &&
		                        pthread_cond_timedwait(&p->cond,
		                            &p->lock, &until) == ETIMEDOUT &&
		                        p->nidle == 0 && p->open >= p->size)) {
			pthread_mutex_unlock(&p->lock);
			return cs_error_set(err, CS_EAGAIN,
			    "all %zu database connections are in use", p->size);
		}
		if (wait_ms < 0)
			pthread_cond_wait(&p->cond, &p->lock);
	}
	if (p->nidle > 0) {
		*out = p->idle[--p->nidle];
		pthread_mutex_unlock(&p->lock);
		return 0;
	}
	p->open++; /* reserve the slot, open outside the lock */
	pthread_mutex_unlock(&p->lock);
	error = cs_store_open(out, p->url, err);
	if (error < 0) {
		pthread_mutex_lock(&p->lock);
		p->open--;
		pthread_cond_signal(&p->cond);
		pthread_mutex_unlock(&p->lock);
	}
	return error;
}

void
cs_pool_put(struct cs_pool *p, struct cs_store *s)
{
	if (s == NULL)
		return;
	pthread_mutex_lock(&p->lock);
	p->idle[p->nidle++] = s;
	pthread_cond_signal(&p->cond);
	pthread_mutex_unlock(&p->lock);
}

const char *
cs_pool_url(const struct cs_pool *p)
{
	return p->url;
}
