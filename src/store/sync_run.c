/* SPDX-License-Identifier: MIT */
/* Sync runs: who holds a campaign's sync, its progress and heartbeat. */
#include "store/store.h"

#include <string.h>

#include "store/backend.h"
#include "store/internal.h"
#include "util/log.h"
#include "util/str.h"
#include "util/banned.h"

/* ---- Sync runs -------------------------------------------------------- */

struct claim_args {
	int64_t campaign_id;
	const char *owner;
	int64_t now;
	int64_t stale_ms;
	int64_t since;
	int64_t run_id;
	struct cs_sync_run *running;
};

static int
claim_tx(struct tx *tx, void *payload, struct cs_error *err)
{
	struct claim_args *a = payload;
	const struct cs_store_ops *ops = tx->s->ops;
	struct cs_sync_run cur, run;
	struct cs_campaign camp;
	int error;

	error = cs_store__lock(tx, LOCK_SYNC(a->campaign_id), err);
	if (error < 0)
		return error;
	memset(&camp, 0, sizeof(camp));
	error =
	    ops->campaign_get(tx->s->conn, a->campaign_id, true, &camp, err);
	cs_campaign_dispose(&camp);
	if (error < 0)
		return error;
	if (a->since != 0) {
		memset(&cur, 0, sizeof(cur));
		error = ops->run_latest(tx->s->conn, a->campaign_id, &cur, err);
		if (error == 0 && cur.started_at >= a->since) {
			cs_sync_run_dispose(&cur);
			return cs_error_set(err, CS_EINVAL,
			    "campaign %lld was already synced in this period",
			    (long long)a->campaign_id);
		}
		cs_sync_run_dispose(&cur);
		if (error < 0 && error != CS_ENOTFOUND)
			return error;
	}
	memset(&cur, 0, sizeof(cur));
	error = ops->run_get_active(tx->s->conn, a->campaign_id, &cur, err);
	if (error == 0) {
		if (a->now - cur.heartbeat_at <= a->stale_ms) {
			if (a->running != NULL) {
				cs_sync_run_dispose(a->running);
				*a->running = cur;
			} else {
				cs_sync_run_dispose(&cur);
			}
			return cs_error_set(err, CS_ECONFLICT,
			    "a sync of this campaign is already running");
		}
		cs_log_warn("store",
		    "closing abandoned sync run %lld of "
		    "campaign %lld (no heartbeat for %lld ms)",
		    (long long)cur.id, (long long)a->campaign_id,
		    (long long)(a->now - cur.heartbeat_at));
		error = ops->run_finish(
		    tx->s->conn, cur.id, "abandoned", 0, a->now, err);
		cs_sync_run_dispose(&cur);
		if (error < 0)
			return error;
	} else if (error != CS_ENOTFOUND) {
		return error;
	}
	memset(&run, 0, sizeof(run));
	run.campaign_id = a->campaign_id;
	run.owner = CS_UNCONST(a->owner);
	run.phase = CS_UNCONST("starting");
	run.started_at = a->now;
	run.heartbeat_at = a->now;
	error = ops->run_insert(tx->s->conn, &run, err);
	if (error == CS_ECONFLICT)
		error = cs_error_set(err, CS_ECONFLICT,
		    "a sync of this campaign is already running");
	a->run_id = run.id;
	return error;
}

int
cs_store_sync_run_claim(struct cs_store *store, int64_t campaign_id,
    const char *owner, int64_t now, int64_t stale_ms, int64_t since,
    int64_t *run_id, struct cs_sync_run *running, struct cs_error *err)
{
	struct claim_args a = {
	    campaign_id, owner, now, stale_ms, since, 0, running};
	int error;

	if (running != NULL)
		memset(running, 0, sizeof(*running));
	error = cs_store__run_tx(store, true, now, claim_tx, &a, err);
	*run_id = a.run_id;
	return error;
}

int
cs_store_sync_run_progress(struct cs_store *store, int64_t run_id,
    const char *phase, int64_t done, int64_t total, int64_t now,
    struct cs_error *err)
{
	int error;

	RETRY(error, store->ops->run_update(
	                 store->conn, run_id, phase, done, total, now, err));
	return error;
}

int
cs_store_sync_run_finish(struct cs_store *store, int64_t run_id,
    const char *outcome, int64_t sync_log_id, int64_t now, struct cs_error *err)
{
	int error;

	RETRY(error, store->ops->run_finish(
	                 store->conn, run_id, outcome, sync_log_id, now, err));
	return error;
}

int
cs_store_sync_run_heartbeat(
    struct cs_store *store, int64_t run_id, int64_t now, struct cs_error *err)
{
	int error;

	RETRY(error, store->ops->run_heartbeat(store->conn, run_id, now, err));
	return error;
}

int
cs_store_sync_run_close(struct cs_store *store, int64_t run_id,
    const char *outcome, int64_t sync_log_id, int64_t now, struct cs_error *err)
{
	int error;

	RETRY(error, store->ops->run_close(
	                 store->conn, run_id, outcome, sync_log_id, now, err));
	return error;
}

int
cs_store_sync_run_active(struct cs_store *store, int64_t campaign_id,
    struct cs_sync_run *out, struct cs_error *err)
{
	int error;

	memset(out, 0, sizeof(*out));
	RETRY(error,
	    store->ops->run_get_active(store->conn, campaign_id, out, err));
	return error;
}
