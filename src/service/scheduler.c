/* SPDX-License-Identifier: MIT */
/* The scheduler and the sweeper threads; see scheduler.h. */
#include "service/scheduler.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "service/chainq.h"
#include "service/reserve.h"
#include "service/sync.h"
#include "service/verify.h"
#include "util/limits.h"
#include "util/log.h"
#include "util/time.h"
#include "util/vec.h"
#include "util/xalloc.h"
#include "util/banned.h"

struct cs_scheduler {
	struct cs_scheduler_opts opts;
	struct cs_nmkr_opts nmkr;
	bool has_nmkr;
	struct cs_blockfrost_opts blockfrost;
	bool has_blockfrost;
	struct cs_cron cron;
	bool has_cron;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	bool stopping;
	pthread_t cron_thread, sweep_thread;
	bool cron_started, sweep_started;
	struct cs_chainq *chain;    /* the background verifier, or NULL */
	struct cs_alerter *alerter; /* the sweeper's alone, or NULL */
};

/* Sleep until the wall clock reaches until (ms), or a stop. @return false
 * when stopping. */
static bool
wait_until(struct cs_scheduler *s, int64_t until)
{
	struct timespec ts;
	bool go;

	ts.tv_sec = (time_t)(until / 1000);
	ts.tv_nsec = (long)(until % 1000) * 1000000L;
	pthread_mutex_lock(&s->lock);
	while (!s->stopping && cs_now_ms() < until) {
		if (pthread_cond_timedwait(&s->wake, &s->lock, &ts) ==
		    ETIMEDOUT)
			break;
	}
	go = !s->stopping;
	pthread_mutex_unlock(&s->lock);
	return go;
}

static bool
is_stopping(struct cs_scheduler *s)
{
	bool v;

	pthread_mutex_lock(&s->lock);
	v = s->stopping;
	pthread_mutex_unlock(&s->lock);
	return v;
}

static int
active_cb(const struct cs_campaign *c, void *payload)
{
	if (c->status == CS_CAMPAIGN_ACTIVE)
		*(int64_t *)cs_vec_push(payload) = c->id;
	return 0;
}

/* One tick: every active campaign, one after the other. */
void
cs_scheduler_tick(struct cs_scheduler *s, int64_t at)
{
	struct cs_vec ids = CS_VEC_INIT(int64_t);
	struct cs_error err = CS_ERROR_INIT;
	struct cs_store *store = NULL;
	struct cs_nmkr *nmkr = NULL;
	struct cs_verifier *verifier = NULL;
	struct cs_sync_env env;
	struct cs_sync_opts o;
	struct cs_sync_result r;
	size_t i;

	if (!s->has_nmkr) {
		cs_log_warn("scheduler", "tick skipped: no NMKR_API_KEY");
		return;
	}
	if (cs_pool_get(s->opts.pool, &store, &err) < 0 ||
	    cs_store_campaign_list(store, active_cb, &ids, &err) < 0 ||
	    cs_nmkr_new(&nmkr, &s->nmkr, &err) < 0) {
		cs_log_error(
		    "scheduler", "tick skipped: %s", cs_error_msg(&err));
		goto out;
	}
	/* Without a verifier the syncs skip the chain step, nothing more. */
	if (s->has_blockfrost &&
	    cs_verifier_new(&verifier, &s->blockfrost, &err) < 0) {
		cs_log_warn("scheduler", "no chain verification this tick: %s",
		    cs_error_msg(&err));
		cs_error_clear(&err);
	}
	memset(&env, 0, sizeof(env));
	env.store = store;
	env.nmkr = nmkr;
	env.verifier = verifier;
	env.owner = s->opts.owner;
	for (i = 0; i < ids.len && !is_stopping(s); i++) {
		int64_t id = *CS_VEC_AT(&ids, int64_t, i);

		cs_sync_opts_init(&o);
		o.type = CS_SYNC_API_PULL;
		o.force = true; /* the schedule is not a button press */
		o.tick = at;
		cs_error_clear(&err);
		if (cs_sync_campaign(&env, id, &o, &r, &err) < 0) {
			if (err.code == CS_ECONFLICT)
				cs_log_info("scheduler",
				    "campaign %lld: a sync is already running",
				    (long long)id);
			else
				cs_log_error("scheduler", "campaign %lld: %s",
				    (long long)id, cs_error_msg(&err));
		} else if (r.skipped) {
			cs_log_debug("scheduler",
			    "campaign %lld: synced by another instance this "
			    "tick",
			    (long long)id);
		} else {
			cs_log_info("scheduler",
			    "campaign %lld: %s (sync log %lld)", (long long)id,
			    cs_sync_status_name(r.status),
			    (long long)r.sync_log_id);
		}
		cs_sync_result_dispose(&r);
	}
out:
	cs_verifier_free(verifier);
	cs_nmkr_free(nmkr);
	cs_pool_put(s->opts.pool, store);
	cs_vec_dispose(&ids);
}

static void *
cron_loop(void *payload)
{
	struct cs_scheduler *s = payload;
	int64_t next = cs_now_ms();

	for (;;) {
		next = cs_cron_next(&s->cron, next);
		if (next < 0) {
			cs_log_warn("scheduler", "the schedule never fires");
			return NULL;
		}
		if (!wait_until(s, next))
			return NULL;
		cs_scheduler_tick(s, next);
	}
}

/* Old webhook events go, a batch at a time (cs_store_webhook_prune). */
static void
prune_webhooks(struct cs_scheduler *s, struct cs_store *store)
{
	struct cs_error err = CS_ERROR_INIT;
	int64_t deleted = 0;

	if (s->opts.webhook_retention_ms <= 0 || store == NULL)
		return;
	if (cs_store_webhook_prune(store,
	        cs_now_ms() - s->opts.webhook_retention_ms, &deleted, &err) < 0)
		cs_log_error(
		    "sweeper", "webhook events: %s", cs_error_msg(&err));
	else if (deleted > 0)
		cs_log_info("sweeper",
		    "%lld webhook events older than %lld s deleted",
		    (long long)deleted,
		    (long long)(s->opts.webhook_retention_ms / 1000));
}

/* Old syncs' stored reports go; their rows stay. */
static void
prune_reports(struct cs_scheduler *s, struct cs_store *store)
{
	struct cs_error err = CS_ERROR_INIT;
	int64_t pruned = 0;

	if (s->opts.report_retention_ms <= 0 || store == NULL)
		return;
	if (cs_store_sync_report_prune(store,
	        cs_now_ms() - s->opts.report_retention_ms, &pruned, &err) < 0)
		cs_log_error("sweeper", "sync reports: %s", cs_error_msg(&err));
	else if (pruned > 0)
		cs_log_info("sweeper",
		    "%lld sync reports older than %lld s dropped (their log "
		    "rows stay)",
		    (long long)pruned,
		    (long long)(s->opts.report_retention_ms / 1000));
}

/* Alerts go with the reports, after CS_REPORT_RETENTION. */
static void
prune_alerts(struct cs_scheduler *s, struct cs_store *store)
{
	struct cs_error err = CS_ERROR_INIT;
	int64_t deleted = 0;

	if (s->opts.report_retention_ms <= 0 || store == NULL)
		return;
	if (cs_store_alert_prune(store,
	        cs_now_ms() - s->opts.report_retention_ms, &deleted, &err) < 0)
		cs_log_error("sweeper", "alerts: %s", cs_error_msg(&err));
	else if (deleted > 0)
		cs_log_info("sweeper", "%lld alerts older than %lld s deleted",
		    (long long)deleted,
		    (long long)(s->opts.report_retention_ms / 1000));
}

static void *
sweep_loop(void *payload)
{
	struct cs_scheduler *s = payload;
	struct cs_sweep_report rep;
	struct cs_error err;
	struct cs_store *store;
	struct cs_nmkr *nmkr;
	int64_t every =
	    s->opts.sweep_every_ms > 0 ? s->opts.sweep_every_ms : 60000;

	while (wait_until(s, cs_now_ms() + every)) {
		cs_error_clear(&err);
		store = NULL;
		nmkr = NULL;
		if (cs_pool_get(s->opts.pool, &store, &err) < 0 ||
		    (s->has_nmkr && cs_nmkr_new(&nmkr, &s->nmkr, &err) < 0) ||
		    cs_sweep_expired(store, nmkr, cs_now_ms(), CS_SWEEP_LIMIT,
		        &rep, &err) < 0)
			cs_log_error("sweeper", "%s", cs_error_msg(&err));
		else if (rep.expired > 0)
			cs_log_info("sweeper",
			    "%zu expired reservations: %zu "
			    "released, %zu sold in NMKR, %zu kept, %zu changed "
			    "meanwhile",
			    rep.expired, rep.released, rep.sold, rep.kept,
			    rep.conflicts);
		prune_webhooks(s, store);
		prune_reports(s, store);
		prune_alerts(s, store);
		if (s->alerter != NULL && store != NULL)
			(void)cs_alerter_check(s->alerter, store, cs_now_ms());
		cs_nmkr_free(nmkr);
		cs_pool_put(s->opts.pool, store);
	}
	return NULL;
}

int
cs_scheduler_start(struct cs_scheduler **out,
    const struct cs_scheduler_opts *opts, struct cs_error *err)
{
	struct cs_scheduler *s;
	int error;

	*out = NULL;
	s = cs_xcalloc(1, sizeof(*s));
	s->opts = *opts;
	if (opts->nmkr != NULL) {
		s->nmkr = *opts->nmkr;
		s->has_nmkr = true;
	}
	if (opts->blockfrost != NULL) {
		s->blockfrost = *opts->blockfrost;
		s->has_blockfrost = true;
	}
	if (opts->schedule != NULL && s->has_nmkr) {
		error = cs_cron_parse(opts->schedule, &s->cron, err);
		if (error < 0) {
			free(s);
			return error;
		}
		s->has_cron = true;
	}
	pthread_mutex_init(&s->lock, NULL);
	pthread_cond_init(&s->wake, NULL);
	if (s->has_cron) {
		if (pthread_create(&s->cron_thread, NULL, cron_loop, s) == 0)
			s->cron_started = true;
	} else {
		cs_log_warn("scheduler", "no automatic sync: %s",
		    s->has_nmkr ? "no schedule" : "NMKR_API_KEY is not set");
	}
	if (opts->alert.url != NULL) {
		struct cs_error aerr = CS_ERROR_INIT;

		if (cs_alerter_new(&s->alerter, &opts->alert, &aerr) < 0)
			cs_log_error(
			    "scheduler", "no alerts: %s", cs_error_msg(&aerr));
	}
	if (opts->sweep_every_ms >= 0 &&
	    pthread_create(&s->sweep_thread, NULL, sweep_loop, s) == 0)
		s->sweep_started = true;
	if (s->has_blockfrost && opts->chain_rate > 0) {
		struct cs_chainq_opts co;
		struct cs_error cerr = CS_ERROR_INIT;

		memset(&co, 0, sizeof(co));
		co.pool = opts->pool;
		co.blockfrost = &s->blockfrost;
		co.owner = opts->owner;
		co.rate = opts->chain_rate;
		co.recheck_ms = opts->chain_recheck_ms;
		if (cs_chainq_start(&s->chain, &co, &cerr) < 0)
			cs_log_error("scheduler", "%s", cs_error_msg(&cerr));
	}
	*out = s;
	return 0;
}

void
cs_scheduler_free(struct cs_scheduler *s)
{
	if (s == NULL)
		return;
	pthread_mutex_lock(&s->lock);
	s->stopping = true;
	pthread_cond_broadcast(&s->wake);
	pthread_mutex_unlock(&s->lock);
	cs_chainq_stop(s->chain);
	if (s->cron_started)
		pthread_join(s->cron_thread, NULL);
	if (s->sweep_started)
		pthread_join(s->sweep_thread, NULL);
	cs_alerter_free(s->alerter);
	pthread_cond_destroy(&s->wake);
	pthread_mutex_destroy(&s->lock);
	free(s);
}
