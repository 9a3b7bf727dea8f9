/* SPDX-License-Identifier: MIT */
/* Syncs in the background, watched in memory; see sync_job.h. */
#include "service/sync_job.h"

#include <assert.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "service/encode.h"
#include "service/verify.h"
#include "util/limits.h"
#include "util/log.h"
#include "util/str.h"
#include "util/time.h"
#include "util/xalloc.h"
#include "util/banned.h"

struct job {
	struct cs_sync_jobs *jobs;
	int64_t campaign_id;
	bool force;
	bool full; /* walk all, whatever the counts allow */
	/* The start's handshake: start is the waiting caller's, until
	 * decided. */
	struct cs_sync_job_start *start;
	bool decided;
	/* What watchers see (under jobs->lock). */
	uint64_t seq;
	struct cs_sync_run run; /* phase static, owner borrowed */
	char outcome[16];
	char *report;
	int64_t last_wake_ms;
	int watchers; /* and the starter, until it saw decided */
	bool listed;  /* claimed: in jobs->list, watchable */
	bool ended;   /* its thread is done with it */
	struct job *next;
};

struct watch {
	uint64_t id;
	struct job *job;
	void (*wake)(void *payload);
	void *payload;
	struct watch *next;
};

struct cs_sync_jobs {
	struct cs_sync_jobs_env env;
	char *owner;
	pthread_mutex_t lock;
	pthread_cond_t cond; /* a start decided, a job ended */
	struct job *list;
	struct watch *watches;
	uint64_t next_watch;
	int running;
	bool stopping;
};

void
cs_sync_jobs_new(struct cs_sync_jobs **out, const struct cs_sync_jobs_env *env)
{
	struct cs_sync_jobs *j = cs_xcalloc(1, sizeof(*j));

	j->env = *env;
	j->owner = cs_xstrdup(env->owner != NULL ? env->owner : "serve");
	j->env.owner = j->owner;
	pthread_mutex_init(&j->lock, NULL);
	pthread_cond_init(&j->cond, NULL);
	*out = j;
}

static void
job_free(struct job *job)
{
	free(job->report);
	free(job);
}

/* Take job out of the list (lock held). */
static void
unlist(struct cs_sync_jobs *jobs, struct job *job)
{
	struct job **pp;

	for (pp = &jobs->list; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == job) {
			*pp = job->next;
			return;
		}
	}
}

void
cs_sync_jobs_drain(struct cs_sync_jobs *jobs)
{
	if (jobs == NULL)
		return;
	pthread_mutex_lock(&jobs->lock);
	jobs->stopping = true;
	while (jobs->running > 0)
		pthread_cond_wait(&jobs->cond, &jobs->lock);
	pthread_mutex_unlock(&jobs->lock);
}

void
cs_sync_jobs_free(struct cs_sync_jobs *jobs)
{
	struct watch *w;
	struct job *job;

	if (jobs == NULL)
		return;
	cs_sync_jobs_drain(jobs);
	while ((w = jobs->watches) != NULL) {
		jobs->watches = w->next;
		free(w);
	}
	while ((job = jobs->list) != NULL) {
		jobs->list = job->next;
		job_free(job);
	}
	pthread_cond_destroy(&jobs->cond);
	pthread_mutex_destroy(&jobs->lock);
	free(jobs->owner);
	free(jobs);
}

/* Wake the watchers of job (lock held), at most every
 * CS_SYNC_PROGRESS_EVERY_MS unless force: a stream sends what it sees. */
static void
changed(struct cs_sync_jobs *jobs, struct job *job, bool force)
{
	int64_t now = cs_mono_ms();
	struct watch *w;

	job->seq++;
	if (!force && now - job->last_wake_ms < CS_SYNC_PROGRESS_EVERY_MS)
		return;
	job->last_wake_ms = now;
	for (w = jobs->watches; w != NULL; w = w->next) {
		if (w->job == job)
			w->wake(w->payload);
	}
}

static void
on_claimed(int64_t run_id, void *payload)
{
	struct job *job = payload;
	struct cs_sync_jobs *jobs = job->jobs;

	pthread_mutex_lock(&jobs->lock);
	job->run.id = run_id;
	job->run.started_at = job->run.heartbeat_at = cs_now_ms();
	job->run.phase = CS_UNCONST("fetch");
	job->listed = true;
	job->next = jobs->list;
	jobs->list = job;
	job->start->claimed = true;
	job->start->run_id = run_id;
	job->start = NULL;
	job->decided = true;
	pthread_cond_broadcast(&jobs->cond);
	pthread_mutex_unlock(&jobs->lock);
}

static void
on_progress(const struct cs_sync_progress *p, void *payload)
{
	struct job *job = payload;
	struct cs_sync_jobs *jobs = job->jobs;
	bool moved;

	pthread_mutex_lock(&jobs->lock);
	if (job->listed) {
		moved = job->run.phase == NULL || p->phase == NULL ||
		        strcmp(job->run.phase, p->phase) != 0;
		if (p->phase != NULL)
			job->run.phase = CS_UNCONST(p->phase);
		job->run.done = p->pages_done;
		job->run.total = p->pages_total;
		job->run.heartbeat_at = cs_now_ms();
		changed(jobs, job, moved || p->pages_done == p->pages_total);
	}
	pthread_mutex_unlock(&jobs->lock);
}

/* The sync, with what a job needs from the pool and the configuration. */
static void
job_sync(struct job *job, struct cs_sync_result *res, int *error,
    struct cs_error *err)
{
	struct cs_sync_jobs *jobs = job->jobs;
	struct cs_store *store = NULL;
	struct cs_nmkr *nmkr = NULL;
	struct cs_sync_env env;
	struct cs_sync_opts o;

	memset(&env, 0, sizeof(env));
	*error = cs_pool_get_wait(
	    jobs->env.pool, &store, jobs->env.pool_wait_ms, err);
	if (*error == 0)
		*error = cs_nmkr_new(&nmkr, &jobs->env.nmkr, err);
	if (*error == 0) {
		env.store = store;
		env.nmkr = nmkr;
		env.verifier = jobs->env.verifier != NULL
		                   ? jobs->env.verifier(jobs->env.payload)
		                   : NULL;
		env.owner = jobs->owner;
		cs_sync_opts_init(&o);
		o.force = job->force;
		o.full = job->full;
		o.on_claimed = on_claimed;
		o.on_claimed_payload = job;
		o.progress = on_progress;
		o.payload = job;
		*error = cs_sync_campaign(&env, job->campaign_id, &o, res, err);
		if (*error < 0)
			cs_log_warn("sync", "campaign %lld: %s",
			    (long long)job->campaign_id, cs_error_msg(err));
		cs_verifier_free(env.verifier);
	}
	cs_nmkr_free(nmkr);
	if (store != NULL)
		cs_pool_put(jobs->env.pool, store);
}

static void *
job_main(void *payload)
{
	struct job *job = payload;
	struct cs_sync_jobs *jobs = job->jobs;
	struct cs_error err = CS_ERROR_INIT;
	struct cs_sync_result res;
	char *report = NULL;
	int error;

	memset(&res, 0, sizeof(res));
	job_sync(job, &res, &error, &err);
	if (res.report != NULL && job->start == NULL)
		report = cs_json_print(res.report, false);

	pthread_mutex_lock(&jobs->lock);
	if (!job->decided) {
		/* Ended before it held the campaign: the caller's answer. */
		assert(job->start != NULL); /* the caller's until decided */
		job->start->error = error;
		job->start->err = err;
		job->start->res = res;
		memset(&res, 0, sizeof(res));
		job->start = NULL;
		job->decided = true;
		pthread_cond_broadcast(&jobs->cond);
	} else {
		cs_str_copy(job->outcome,
		    res.interrupted ? "interrupted"
		    : error < 0     ? "failed"
		                    : cs_sync_status_name(res.status),
		    sizeof(job->outcome));
		job->run.outcome = job->outcome;
		job->run.phase = CS_UNCONST("done");
		job->run.finished_at = cs_now_ms();
		job->run.sync_log_id = res.sync_log_id;
		job->report = report;
		report = NULL;
		changed(jobs, job, true);
	}
	pthread_mutex_unlock(&jobs->lock);
	cs_sync_result_dispose(&res);
	free(report);

	if (jobs->env.on_end != NULL)
		jobs->env.on_end(jobs->env.payload);
	pthread_mutex_lock(&jobs->lock);
	job->ended = true;
	if (job->watchers == 0) {
		unlist(jobs, job);
		job_free(job);
	}
	jobs->running--;
	pthread_cond_broadcast(&jobs->cond);
	pthread_mutex_unlock(&jobs->lock);
	return NULL;
}

int
cs_sync_jobs_start(struct cs_sync_jobs *jobs, int64_t campaign_id, bool force,
    bool full, struct cs_sync_job_start *out)
{
	struct job *job;
	pthread_attr_t attr;
	pthread_t t;
	int rc;

	memset(out, 0, sizeof(*out));
	job = cs_xcalloc(1, sizeof(*job));
	job->jobs = jobs;
	job->campaign_id = campaign_id;
	job->force = force;
	job->full = full;
	job->start = out;
	job->run.campaign_id = campaign_id;
	job->run.owner = jobs->owner;
	/* The waiting caller holds the job as a watcher does, until it saw
	 * decided: the job may end and be freed before it wakes. */
	job->watchers = 1;

	pthread_mutex_lock(&jobs->lock);
	if (jobs->stopping) {
		pthread_mutex_unlock(&jobs->lock);
		free(job);
		return CS_EAGAIN;
	}
	jobs->running++;
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	rc = pthread_create(&t, &attr, job_main, job);
	pthread_attr_destroy(&attr);
	if (rc != 0) {
		jobs->running--;
		pthread_cond_broadcast(&jobs->cond);
		pthread_mutex_unlock(&jobs->lock);
		free(job);
		return CS_EAGAIN;
	}
	while (!job->decided)
		pthread_cond_wait(&jobs->cond, &jobs->lock);
	if (--job->watchers == 0 && job->ended) {
		unlist(jobs, job);
		job_free(job);
	}
	pthread_mutex_unlock(&jobs->lock);
	return 0;
}

uint64_t
cs_sync_jobs_watch(struct cs_sync_jobs *jobs, int64_t campaign_id,
    void (*wake)(void *payload), void *payload)
{
	struct watch *w;
	struct job *job;
	uint64_t id = 0;

	pthread_mutex_lock(&jobs->lock);
	for (job = jobs->list; job != NULL; job = job->next) {
		if (job->campaign_id == campaign_id)
			break; /* the newest first */
	}
	if (job != NULL) {
		w = cs_xcalloc(1, sizeof(*w));
		w->id = id = ++jobs->next_watch;
		w->job = job;
		w->wake = wake;
		w->payload = payload;
		w->next = jobs->watches;
		jobs->watches = w;
		job->watchers++;
	}
	pthread_mutex_unlock(&jobs->lock);
	return id;
}

void
cs_sync_jobs_unwatch(struct cs_sync_jobs *jobs, uint64_t watch)
{
	struct watch **pp, *w;

	pthread_mutex_lock(&jobs->lock);
	for (pp = &jobs->watches; (w = *pp) != NULL; pp = &w->next) {
		if (w->id != watch)
			continue;
		*pp = w->next;
		if (--w->job->watchers == 0 && w->job->ended) {
			unlist(jobs, w->job);
			job_free(w->job);
		}
		free(w);
		break;
	}
	pthread_mutex_unlock(&jobs->lock);
}

bool
cs_sync_jobs_look(struct cs_sync_jobs *jobs, uint64_t watch, uint64_t seen,
    struct cs_sync_job_view *out)
{
	struct watch *w;
	bool found = false;

	memset(out, 0, sizeof(*out));
	pthread_mutex_lock(&jobs->lock);
	for (w = jobs->watches; w != NULL && w->id != watch; w = w->next)
		;
	if (w != NULL && w->job->seq != seen) {
		const struct cs_sync_run *r = &w->job->run;

		out->seq = w->job->seq;
		out->run = *r;
		out->run.owner = cs_xstrdup(r->owner);
		out->run.phase = r->phase != NULL ? cs_xstrdup(r->phase) : NULL;
		out->run.outcome =
		    r->outcome != NULL ? cs_xstrdup(r->outcome) : NULL;
		out->report =
		    w->job->report != NULL ? cs_xstrdup(w->job->report) : NULL;
		found = true;
	}
	pthread_mutex_unlock(&jobs->lock);
	return found;
}

void
cs_sync_job_view_dispose(struct cs_sync_job_view *v)
{
	cs_sync_run_dispose(&v->run);
	free(v->report);
	memset(v, 0, sizeof(*v));
}
