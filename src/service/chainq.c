/* SPDX-License-Identifier: MIT */
/* The background verifier; see chainq.h and docs/internals/verify.md. */
#include "service/chainq.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "service/verify.h"
#include "util/log.h"
#include "util/str.h"
#include "util/time.h"
#include "util/xalloc.h"
#include "util/banned.h"

struct cs_chainq {
	struct cs_chainq_opts opts;
	struct cs_blockfrost_opts bf;
	char owner[128];
	int64_t retry_ms;
	struct cs_store *store; /* the thread's, while it runs a batch */
	pthread_mutex_t lock;
	pthread_cond_t wake;
	bool stopping;
	pthread_t thread;
	bool started;
};

/* Sleep until the wall clock reaches until (ms), or a stop. @return false
 * when stopping. */
static bool
wait_until(struct cs_chainq *q, int64_t until)
{
	struct timespec ts;
	bool go;

	ts.tv_sec = (time_t)(until / 1000);
	ts.tv_nsec = (long)(until % 1000) * 1000000L;
	pthread_mutex_lock(&q->lock);
	while (!q->stopping && cs_now_ms() < until) {
		if (pthread_cond_timedwait(&q->wake, &q->lock, &ts) ==
		    ETIMEDOUT)
			break;
	}
	go = !q->stopping;
	pthread_mutex_unlock(&q->lock);
	return go;
}

/*
 * Before each request: one token of the shared budget. Taking may go into
 * debt (the row says how long to wait); while the budget is blocked, wait
 * for the end of the block. A stop ends the wait as an error that stops
 * the run (its NFTs are not cached: their leases expire).
 */
static int
acquire(void *payload, struct cs_error *err)
{
	struct cs_chainq *q = payload;
	int64_t wait_ms, blocked_until;
	char reason[CS_ERROR_MSG_LEN];
	int error;

	for (;;) {
		error = cs_store_chain_budget_take(q->store, cs_now_ms(),
		    q->opts.rate, 1.0, &wait_ms, &blocked_until, reason,
		    sizeof(reason), err);
		if (error == CS_ERATELIMIT) {
			cs_error_clear(err);
			if (!wait_until(q, blocked_until))
				break;
			continue;
		}
		if (error < 0)
			return error;
		if (wait_ms == 0 || wait_until(q, cs_now_ms() + wait_ms))
			return 0;
		break;
	}
	/* No answer is what stops a run without a status. */
	return cs_error_set(err, CS_ETIMEOUT, "stopping");
}

/* The first UTC midnight after now (ms). */
static int64_t
next_midnight(int64_t now)
{
	const int64_t day = 24LL * 3600 * 1000;

	return (now / day + 1) * day;
}

/* A run that Blockfrost stopped: block every instance's budget. */
static void
block(struct cs_chainq *q, const struct cs_verify_results *r)
{
	struct cs_error err = CS_ERROR_INIT;
	int64_t now = cs_now_ms(), until;

	switch (r->stop_status) {
	case 429:
		until = now + (r->stop_retry_after >= 0 ? r->stop_retry_after
		                                        : 30000);
		break;
	case 402:
		until = next_midnight(now);
		break;
	case 418:
		until = now + 24LL * 3600 * 1000;
		break;
	case 403:
		until = now + 3600 * 1000;
		break;
	default: /* no answer */
		until = now + 60000;
		break;
	}
	cs_log_warn("chain",
	    "background verification paused for %lld s on every instance: %s",
	    (long long)((until - now) / 1000), r->stop_reason);
	if (cs_store_chain_budget_block(q->store, until, r->stop_reason, &err) <
	    0)
		cs_log_error(
		    "chain", "cannot block the budget: %s", cs_error_msg(&err));
}

struct batch {
	struct cs_nft nfts[CS_CHAIN_BATCH];
	size_t n;
};

static int
claimed(const struct cs_nft *n, void *payload)
{
	struct batch *b = payload;

	if (b->n < CS_CHAIN_BATCH)
		cs_nft_copy(&b->nfts[b->n++], n);
	return 0;
}

/* Claim and check one batch. @return the NFTs checked (0: none due). */
static size_t
one_batch(struct cs_chainq *q, struct cs_verifier *v)
{
	struct cs_verify_opts o = CS_VERIFY_OPTS_INIT;
	struct cs_error err = CS_ERROR_INIT;
	struct cs_verify_results res;
	struct batch b;
	size_t i, n;

	memset(&b, 0, sizeof(b));
	if (cs_store_chain_claim(q->store, q->owner, cs_now_ms(),
	        q->opts.recheck_ms, q->retry_ms, CS_CHAIN_LEASE_MS,
	        CS_CHAIN_BATCH, claimed, &b, &err) < 0) {
		cs_log_error("chain", "claim: %s", cs_error_msg(&err));
		return 0;
	}
	if (b.n == 0)
		return 0;
	o.refresh = true; /* due means the cache is not fresh enough */
	cs_verify_nfts(v, q->store, b.nfts, b.n, &o, &res);
	cs_log_debug("chain",
	    "batch of %zu checked: %zu verified, %zu pending, %zu mismatches, "
	    "%zu "
	    "errors (%lld requests)",
	    res.n, res.verified, res.pending, res.mismatch, res.errors,
	    (long long)res.requests);
	/* A stop of ours (the thread is stopping) blocks nobody. */
	if (res.stopped && wait_until(q, cs_now_ms()))
		block(q, &res);
	/* What a stop left unchecked is due again as soon as the block
	 * ends, not when the leases would (a failure without a stop keeps
	 * its lease: that is its delay before another try). */
	for (i = 0; res.stopped && i < b.n; i++) {
		if (cs_store_chain_release(
		        q->store, q->owner, b.nfts[i].id, &err) < 0) {
			cs_log_warn("chain", "release: %s", cs_error_msg(&err));
			break;
		}
	}
	n = b.n;
	cs_verify_results_dispose(&res);
	for (i = 0; i < b.n; i++)
		cs_nft_dispose(&b.nfts[i]);
	return n;
}

static void *
loop(void *payload)
{
	struct cs_chainq *q = payload;
	struct cs_error err = CS_ERROR_INIT;
	struct cs_verifier *v = NULL;
	size_t n;

	if (cs_verifier_new(&v, &q->bf, &err) < 0) {
		cs_log_error("chain", "no background verification: %s",
		    cs_error_msg(&err));
		return NULL;
	}
	cs_log_info("chain",
	    "background verification: %.2f requests/s shared by every "
	    "instance, re-checks after %lld s",
	    q->opts.rate, (long long)(q->opts.recheck_ms / 1000));
	while (wait_until(q, cs_now_ms())) {
		cs_error_clear(&err);
		if (cs_pool_get(q->opts.pool, &q->store, &err) < 0) {
			cs_log_error("chain", "%s", cs_error_msg(&err));
			if (!wait_until(q, cs_now_ms() + q->opts.idle_ms))
				break;
			continue;
		}
		n = one_batch(q, v);
		cs_pool_put(q->opts.pool, q->store);
		q->store = NULL;
		if (n == 0 && !wait_until(q, cs_now_ms() + q->opts.idle_ms))
			break;
	}
	cs_verifier_free(v);
	return NULL;
}

int
cs_chainq_start(struct cs_chainq **out, const struct cs_chainq_opts *opts,
    struct cs_error *err)
{
	struct cs_chainq *q;

	*out = NULL;
	if (opts->rate <= 0 || opts->blockfrost == NULL)
		return cs_error_set(
		    err, CS_EINVAL, "background verification: no rate");
	q = cs_xcalloc(1, sizeof(*q));
	q->opts = *opts;
	q->bf = *opts->blockfrost;
	/* One request per token: the loop, not the client, retries. */
	q->bf.max_retries = 0;
	q->bf.acquire = acquire;
	q->bf.acquire_payload = q;
	cs_str_copy(q->owner, opts->owner != NULL ? opts->owner : "serve",
	    sizeof(q->owner));
	if (q->opts.recheck_ms <= 0)
		q->opts.recheck_ms = CS_CHAIN_RECHECK_DEFAULT_MS;
	if (q->opts.idle_ms <= 0)
		q->opts.idle_ms = CS_CHAIN_IDLE_MS;
	q->retry_ms = q->opts.recheck_ms < CS_CHAIN_RETRY_MAX_MS
	                  ? q->opts.recheck_ms
	                  : CS_CHAIN_RETRY_MAX_MS;
	q->opts.owner = q->owner;
	pthread_mutex_init(&q->lock, NULL);
	pthread_cond_init(&q->wake, NULL);
	if (pthread_create(&q->thread, NULL, loop, q) != 0) {
		pthread_cond_destroy(&q->wake);
		pthread_mutex_destroy(&q->lock);
		free(q);
		return cs_error_set(err, CS_ERROR, "cannot start a thread");
	}
	q->started = true;
	*out = q;
	return 0;
}

void
cs_chainq_stop(struct cs_chainq *q)
{
	if (q == NULL)
		return;
	pthread_mutex_lock(&q->lock);
	q->stopping = true;
	pthread_cond_broadcast(&q->wake);
	pthread_mutex_unlock(&q->lock);
	if (q->started)
		pthread_join(q->thread, NULL);
	pthread_cond_destroy(&q->wake);
	pthread_mutex_destroy(&q->lock);
	free(q);
}
