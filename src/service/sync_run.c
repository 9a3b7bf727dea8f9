/* SPDX-License-Identifier: MIT */
/*
 * Who holds a campaign's sync; see sync_run.h. A run's owner is
 * "NAME@HOST:PID", so a process on the same host can tell for certain
 * that the owner is gone (no such process) and take its run over at once;
 * a run of another host is judged by its heartbeat only, which a thread
 * beats every CS_SYNC_HEARTBEAT_MS while the sync runs.
 */
#include "service/sync_run.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "service/encode.h"
#include "util/limits.h"
#include "util/log.h"
#include "util/str.h"
#include "util/time.h"
#include "util/xalloc.h"
#include "util/banned.h"

static void
this_host(char *out, size_t size)
{
	char host[256];

	if (gethostname(host, sizeof(host)) != 0)
		cs_str_copy(host, "localhost", sizeof(host));
	host[sizeof(host) - 1] = '\0';
	snprintf(out, size, "%.*s", CS_OWNER_HOST_MAX, host);
}

void
cs_sync_owner_name(char *out, size_t size, const char *name)
{
	char host[CS_OWNER_HOST_MAX + 1];

	this_host(host, sizeof(host));
	snprintf(out, size, "%s@%s:%ld", name, host, (long)getpid());
}

bool
cs_sync_owner_gone(const char *owner)
{
	char host[CS_OWNER_HOST_MAX + 1];
	const char *at, *colon;
	char *end;
	long pid;

	if (owner == NULL)
		return false;
	at = strchr(owner, '@');
	colon = strrchr(owner, ':');
	if (at == NULL || colon == NULL || colon < at || colon[1] == '\0')
		return false;
	errno = 0;
	pid = strtol(colon + 1, &end, 10);
	if (errno != 0 || *end != '\0' || pid <= 0 || pid == (long)getpid())
		return false;
	this_host(host, sizeof(host));
	if ((size_t)(colon - at - 1) != strlen(host) ||
	    memcmp(at + 1, host, strlen(host)) != 0)
		return false;
	return kill((pid_t)pid, 0) < 0 && errno == ESRCH;
}

/* A failed sync_log row for the dead owner's run: the campaign's history
 * shows that a sync died, and when. */
static int64_t
record_abandoned(struct cs_sync_env *env, const struct cs_campaign *camp,
    const struct cs_sync_opts *opts, const struct cs_sync_run *dead,
    int64_t now)
{
	struct cs_error err = CS_ERROR_INIT;
	struct cs_sync_log l;
	cJSON *errs = cJSON_CreateArray();
	char *msg, *text;

	msg = cs_xasprintf("sync run %lld of %s was abandoned: its process "
	                   "ended in phase %s (%lld/%lld pages); taken over",
	    (long long)dead->id, dead->owner,
	    dead->phase != NULL ? dead->phase : "?", (long long)dead->done,
	    (long long)dead->total);
	cJSON_AddItemToArray(errs, cJSON_CreateString(msg));
	text = cs_json_print(errs, false);
	memset(&l, 0, sizeof(l));
	l.sync_type = opts->type;
	l.nmkr_project_uid = camp->nmkr_project_uid;
	l.campaign_id = camp->id;
	l.status = CS_SYNC_FAILED;
	l.errors = text;
	l.started_at = dead->started_at;
	l.completed_at = now;
	if (cs_store_sync_log_insert(env->store, &l, &err) < 0) {
		cs_log_warn("sync", "campaign %lld: %s", (long long)camp->id,
		    cs_error_msg(&err));
		l.id = 0;
	}
	cJSON_free(text);
	cJSON_Delete(errs);
	free(msg);
	return l.id;
}

int
cs_sync__claim(struct cs_sync_env *env, const struct cs_campaign *camp,
    const struct cs_sync_opts *opts, int64_t now, int64_t *run_id,
    struct cs_sync_run *running, struct cs_error *err)
{
	const char *owner = env->owner != NULL ? env->owner : "cli";
	struct cs_error cerr = CS_ERROR_INIT;
	int64_t log_id;
	int error;

	error = cs_store_sync_run_claim(env->store, camp->id, owner, now,
	    CS_SYNC_RUN_STALE_MS, opts->tick, run_id, running, err);
	if (error != CS_ECONFLICT || running->id == 0 ||
	    !cs_sync_owner_gone(running->owner))
		return error;
	cs_log_warn("sync",
	    "campaign %lld: taking over sync run %lld of %s, whose process "
	    "is gone (phase %s, heartbeat %lld ms ago)",
	    (long long)camp->id, (long long)running->id, running->owner,
	    running->phase != NULL ? running->phase : "?",
	    (long long)(now - running->heartbeat_at));
	log_id = record_abandoned(env, camp, opts, running, now);
	error = cs_store_sync_run_close(
	    env->store, running->id, "abandoned", log_id, now, &cerr);
	if (error < 0 && error != CS_ENOTFOUND) {
		*err = cerr;
		return error;
	}
	/* Closed here or by another taker meanwhile: claim again. */
	cs_sync_run_dispose(running);
	memset(running, 0, sizeof(*running));
	cs_error_clear(err);
	return cs_store_sync_run_claim(env->store, camp->id, owner, now,
	    CS_SYNC_RUN_STALE_MS, opts->tick, run_id, running, err);
}

/* ---- The heartbeat ---------------------------------------------------- */

struct cs_heartbeat {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool stop;
	atomic_bool lost;
	struct cs_store *store; /* the thread's own connection */
	int64_t run_id;
};

static void *
beat(void *payload)
{
	struct cs_heartbeat *hb = payload;
	struct cs_error err = CS_ERROR_INIT;
	struct timespec until;
	int error;

	pthread_mutex_lock(&hb->lock);
	while (!hb->stop) {
		clock_gettime(CLOCK_MONOTONIC, &until);
		until.tv_sec += CS_SYNC_HEARTBEAT_MS / 1000;
		until.tv_nsec += (long)(CS_SYNC_HEARTBEAT_MS % 1000) * 1000000L;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		while (!hb->stop && pthread_cond_timedwait(&hb->cond, &hb->lock,
		                        &until) != ETIMEDOUT)
			;
		if (hb->stop)
			break;
		pthread_mutex_unlock(&hb->lock);
		cs_error_clear(&err);
		error = cs_store_sync_run_heartbeat(
		    hb->store, hb->run_id, cs_now_ms(), &err);
		pthread_mutex_lock(&hb->lock);
		if (error == CS_ENOTFOUND) {
			cs_log_warn("sync",
			    "run %lld was closed by another process: this "
			    "sync no longer holds its campaign",
			    (long long)hb->run_id);
			atomic_store(&hb->lost, true);
			break;
		}
		if (error < 0)
			cs_log_warn("sync", "heartbeat of run %lld: %s",
			    (long long)hb->run_id, cs_error_msg(&err));
	}
	pthread_mutex_unlock(&hb->lock);
	return NULL;
}

void
cs_sync__heartbeat_start(
    struct cs_heartbeat **out, struct cs_store *store, int64_t run_id)
{
	struct cs_error err = CS_ERROR_INIT;
	struct cs_heartbeat *hb;
	pthread_condattr_t attr;

	*out = NULL;
	hb = cs_xcalloc(1, sizeof(*hb));
	if (cs_store_open_like(&hb->store, store, &err) < 0) {
		if (err.code != CS_EINVAL)
			cs_log_warn("sync",
			    "run %lld beats only with its progress: %s",
			    (long long)run_id, cs_error_msg(&err));
		free(hb);
		return;
	}
	hb->run_id = run_id;
	atomic_init(&hb->lost, false);
	pthread_mutex_init(&hb->lock, NULL);
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&hb->cond, &attr);
	pthread_condattr_destroy(&attr);
	if (pthread_create(&hb->thread, NULL, beat, hb) != 0) {
		cs_log_warn(
		    "sync", "run %lld: no heartbeat thread", (long long)run_id);
		pthread_cond_destroy(&hb->cond);
		pthread_mutex_destroy(&hb->lock);
		cs_store_free(hb->store);
		free(hb);
		return;
	}
	*out = hb;
}

bool
cs_sync__heartbeat_lost(const struct cs_heartbeat *hb)
{
	return hb != NULL && atomic_load(&hb->lost);
}

void
cs_sync__heartbeat_stop(struct cs_heartbeat *hb)
{
	if (hb == NULL)
		return;
	pthread_mutex_lock(&hb->lock);
	hb->stop = true;
	pthread_cond_signal(&hb->cond);
	pthread_mutex_unlock(&hb->lock);
	pthread_join(hb->thread, NULL);
	pthread_cond_destroy(&hb->cond);
	pthread_mutex_destroy(&hb->lock);
	cs_store_free(hb->store);
	free(hb);
}

int
cs_sync_run_interrupt(
    struct cs_store *like, int64_t run_id, struct cs_error *err)
{
	struct cs_store *own = NULL;
	int error;

	error = cs_store_open_like(&own, like, err);
	if (error == 0)
		error = cs_store_sync_run_close(
		    own, run_id, "interrupted", 0, cs_now_ms(), err);
	cs_store_free(own);
	return error;
}
