/* SPDX-License-Identifier: MIT */
/*
 * The sync (docs/product.md "The sync", steps 1 to 9): load the campaign,
 * debounce and claim it, fetch NMKR's list, read the inventory in one query,
 * compare and decide (core), apply everything in one transaction, attach recent
 * webhook activity, verify on chain when a verifier is given, record the log
 * and return the SyncReport. A fetch that fails writes nothing but the
 * failed log row.
 */
#ifndef CS_SERVICE_SYNC_H
#define CS_SERVICE_SYNC_H

#include <cjson/cJSON.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "clients/nmkr.h"
#include "core/model.h"
#include "store/store.h"

struct cs_verifier;

/* Progress, as sync_runs records it and a terminal or SSE shows it. */
struct cs_sync_progress {
	const char *phase; /* fetch, read, compare, apply, webhooks, verify,
	                      record, done */
	int64_t pages_done;
	int64_t pages_total;
	int64_t nfts;
};

typedef void (*cs_sync_progress_cb)(
    const struct cs_sync_progress *p, void *payload);

struct cs_sync_env {
	struct cs_store *store;       /* borrowed */
	struct cs_nmkr *nmkr;         /* borrowed */
	struct cs_verifier *verifier; /* borrowed; NULL: no chain step */
	const char *owner;            /* this instance, for sync_runs */
};

struct cs_sync_opts {
	enum cs_sync_type type; /* manual_sync or api_pull */
	bool dry_run;           /* plan and report, write nothing */
	bool force;             /* skip the debounce */
	int64_t debounce_ms;
	int64_t grace_ms; /* see cs_plan_opts */
	/* A webhook's sale this recent is deferred, not judged (see
	 * cs_plan_opts); -1: the NMKR client's (CS_WEBHOOK_GRACE_SECONDS). */
	int64_t webhook_grace_ms;
	int verify_limit; /* chain checks per sync, at most
	                     CS_VERIFY_PER_SYNC_MAX; 0: none */
	cs_sync_progress_cb progress;
	void *payload;
	/* Called after the fetch and the read, before the apply: lets a test
	 * change a row in between, as a webhook would. */
	void (*before_apply)(void *payload);
	void *before_apply_payload;
	/* Called once the campaign is claimed (run_id), before the fetch:
	 * lets an API answer 202 only for a sync that will run. */
	void (*on_claimed)(int64_t run_id, void *payload);
	void *on_claimed_payload;
	/* A scheduler tick: skip the campaign if a run started since then
	 * (another instance served this tick). 0: no such check. */
	int64_t tick;
	/* When set (a signal, from another thread), the sync stops at its
	 * next phase boundary before the apply: nothing is written but a
	 * failed log row, and the run is closed as "interrupted". May be
	 * NULL. */
	const atomic_bool *stop;
	/* Walk `all` whatever the counts allow (sync --full, ?full=1); the
	 * default is the smart mode where it is exact (docs/internals/sync.md,
	 * "The smart mode"). */
	bool full;
	/* A full walk is due by policy (CS_SYNC_FULL_EVERY,
	 * CS_SYNC_FULL_HOURS): said so in the report. */
	bool full_due;
	/* Choose the smart mode even when it costs as many requests as the
	 * walk (tests, on small campaigns). */
	bool smart_any_size;
};

/**
 * When the default sync walks every page anyway (process-wide, set once at
 * start from CS_SYNC_FULL_EVERY and CS_SYNC_FULL_HOURS): every Nth sync of
 * a campaign, or when its last full walk is older than hours, as its
 * sync_log rows say. 0 turns either off; both 0 (the default): never.
 */
void cs_sync_set_full_policy(int every, int hours);

/** Defaults: manual, debounce 10 s, grace 2 min, the NMKR client's webhook
 * grace, 10 chain checks. */
void cs_sync_opts_init(struct cs_sync_opts *o);

struct cs_sync_result {
	enum cs_sync_status status;
	bool debounced; /* the report is the last sync's */
	bool skipped;   /* a run already served opts->tick */
	int64_t sync_log_id;
	cJSON *report; /* the SyncReport; owned, cs_sync_result_dispose */
	struct cs_sync_run running; /* when the sync was refused (409) */
	bool interrupted; /* stopped by opts->stop, or its run taken over */
};

void cs_sync_result_dispose(struct cs_sync_result *r);

/**
 * Sync one campaign.
 *
 * @return 0 when a report was made (check out->status: a sync whose fetch
 *         failed is a report with status failed), CS_ENOTFOUND (no such
 *         campaign), CS_ECONFLICT (a sync of it is running: out->running
 *         holds its progress), or a store error
 */
CS_NODISCARD int cs_sync_campaign(struct cs_sync_env *env, int64_t campaign_id,
    const struct cs_sync_opts *opts, struct cs_sync_result *out,
    struct cs_error *err);

/**
 * Whether a run's owner is certainly dead, judged by the process self:
 * the same name (an earlier process under it: names are unique among the
 * processes alive), or "NAME@HOST:PID" of this host whose PID is not ours
 * and runs no process any more. Anything else may be alive.
 */
bool cs_sync_owner_dead(const char *run_owner, const char *self);

/**
 * This process's name in sync_runs: "NAME@HOST:PID" (the host cut to 40
 * bytes), so that another process on this host can tell it is gone.
 */
void cs_sync_owner_name(char *out, size_t size, const char *name);

/**
 * Whether owner is "NAME@HOST:PID" of this host with a PID that is not
 * this process's and runs nothing: its run can be taken over at once.
 * Anything else (another host, another form, a live PID) may be alive.
 */
bool cs_sync_owner_gone(const char *owner);

/**
 * Close, as abandoned, the unfinished runs whose owners are certainly dead
 * (cs_sync_owner_dead()): a process that crashed or was killed mid-sync, so
 * that its campaigns can be synced at once instead of after
 * CS_SYNC_RUN_STALE_MS. Call at start, before self syncs anything.
 *
 * @param closed how many were closed (may be NULL)
 */
CS_NODISCARD int cs_sync_recover(struct cs_store *store, const char *self,
    int64_t now, size_t *closed, struct cs_error *err);

/**
 * Close run_id as "interrupted" on a connection of its own, opened like
 * store's (the caller's may be busy in the sync it stops): a CLI sync
 * that a signal could not stop in time.
 *
 * @return 0, CS_ENOTFOUND (already closed, or taken over), or an error
 */
CS_NODISCARD int cs_sync_run_interrupt(
    struct cs_store *like, int64_t run_id, struct cs_error *err);

/** Forget cached project details (tests; an operator's forced refresh). */
void cs_sync_cache_clear(void);

/** NMKR's reservation time of a project (addressReservationTime) as the
 * last sync saw it within the cache's lifetime, or 0 if unknown. */
int cs_sync_project_minutes(const char *project_uid, int64_t now);

#endif
