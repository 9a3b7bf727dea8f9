/* SPDX-License-Identifier: MIT */
/*
 * Syncs in the background (serve's POST .../sync?async=1): each runs on a
 * thread of its own, with a store connection of the pool and a client of
 * its own. The caller learns at once whether the sync will run (it holds
 * the campaign: its run id), was refused (another sync runs: its
 * progress), or was debounced (the last report). While it runs, its
 * progress is kept here in memory: a Server-Sent Events stream watches it
 * and is woken at each change, instead of reading sync_runs again and
 * again. A sync of another process (the scheduler of another instance, a
 * CLI) is not here: such a stream reads the database.
 *
 * Threads: docs/internals/threads.md. One lock guards the jobs; a
 * watcher's wake() is called with it held, so it must only signal.
 */
#ifndef CS_SERVICE_SYNC_JOB_H
#define CS_SERVICE_SYNC_JOB_H

#include <stdbool.h>
#include <stdint.h>

#include "clients/nmkr.h"
#include "service/pool.h"
#include "service/sync.h"

struct cs_sync_jobs;
struct cs_verifier;

struct cs_sync_jobs_env {
	struct cs_pool *pool;     /* borrowed */
	int64_t pool_wait_ms;     /* a job waits this long for a connection */
	struct cs_nmkr_opts nmkr; /* each job makes its client from it */
	const char *owner;        /* this instance, for sync_runs */
	/* A chain verifier for a job (NULL: no chain step), freed by the
	 * job with cs_verifier_free(). */
	struct cs_verifier *(*verifier)(void *payload);
	/* Called once per started job, after it ended, on its thread. */
	void (*on_end)(void *payload);
	void *payload;
};

/** @param out caller owns, cs_sync_jobs_free() */
void cs_sync_jobs_new(
    struct cs_sync_jobs **out, const struct cs_sync_jobs_env *env);

/** Refuse new jobs and wait for the running ones. NULL is fine. */
void cs_sync_jobs_drain(struct cs_sync_jobs *jobs);

/** Drain, and free (after every watcher unwatched). NULL is fine. */
void cs_sync_jobs_free(struct cs_sync_jobs *jobs);

/* How a start ended. */
struct cs_sync_job_start {
	bool claimed; /* the sync runs: run_id; its progress is watched */
	int64_t run_id;
	int error; /* not claimed: < 0 (CS_ECONFLICT: res.running), or 0
	              and res is the debounced last report */
	struct cs_error err;
	struct cs_sync_result res; /* owned, cs_sync_result_dispose() */
};

/**
 * Start a sync of campaign_id on a thread (force: past the debounce; full:
 * a walk of `all`, see cs_sync_opts) and wait until it holds the campaign
 * or ended early.
 *
 * @return 0, or CS_EAGAIN when stopping or no thread can start (nothing
 *         started; on_end is not called)
 */
CS_NODISCARD int cs_sync_jobs_start(struct cs_sync_jobs *jobs,
    int64_t campaign_id, bool force, bool full, struct cs_sync_job_start *out);

/* What a watcher sees of a job. */
struct cs_sync_job_view {
	uint64_t seq;           /* grows with each change */
	struct cs_sync_run run; /* as sync_runs would show it; owned */
	char *report;           /* finished: the report's JSON, or NULL */
};

void cs_sync_job_view_dispose(struct cs_sync_job_view *v);

/**
 * Watch the job of campaign_id in this process: wake(payload) is called
 * (with the jobs' lock held: only signal) at each change and at its end.
 *
 * @return a watch id (> 0), or 0 when this process runs no sync of it
 */
uint64_t cs_sync_jobs_watch(struct cs_sync_jobs *jobs, int64_t campaign_id,
    void (*wake)(void *payload), void *payload);

/** Stop watching; no wake() runs after it returns. */
void cs_sync_jobs_unwatch(struct cs_sync_jobs *jobs, uint64_t watch);

/**
 * The watched job as it is now, if it changed since seq seen.
 *
 * @return true when out was filled (caller owns, cs_sync_job_view_dispose)
 */
bool cs_sync_jobs_look(struct cs_sync_jobs *jobs, uint64_t watch, uint64_t seen,
    struct cs_sync_job_view *out);

#endif
