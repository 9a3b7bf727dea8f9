/* SPDX-License-Identifier: MIT */
/*
 * The store: every read and write of campaign-sync's data, behind one
 * interface with pluggable backends (SQLite, PostgreSQL), picked by URL
 * scheme. The rules of docs/product.md "Data" are enforced here for every
 * caller, in the same transaction as the change that needs them:
 *
 *  - a change of an NFT's status (or of its reservation or sale fields) writes
 *    a status_history row and bumps the NFT's version;
 *  - reserved_by/reserved_until exist only on reserved NFTs, sold_to/tx_hash/
 *    sold_at only on sold ones (the schema checks it too);
 *  - a campaign's counters move with every change and are never edited by hand.
 *
 * A struct cs_store is one connection: use it from one thread at a time. Open
 * one per thread. Every function returns 0 or a negative enum cs_err and
 * fills err; transient failures (busy database, serialization failure) are
 * retried inside, a bounded number of times, before CS_EAGAIN escapes.
 */
#ifndef CS_STORE_STORE_H
#define CS_STORE_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/change_rules.h"
#include "core/model.h"
#include "core/reconcile.h"
#include "core/reserve_rules.h"
#include "util/error.h"

struct cs_store;

/**
 * Open a store and apply pending migrations.
 *
 * @param out caller owns *out, free with cs_store_free()
 * @param url "sqlite:PATH", "sqlite::memory:", a bare path (SQLite), or
 *        "postgres://..." / "postgresql://..."
 * @return 0, CS_EINVAL (unknown scheme, a file that is not ours), CS_EDB
 */
CS_NODISCARD int cs_store_open(
    struct cs_store **out, const char *url, struct cs_error *err);

/** Close the connection. Accepts NULL. */
void cs_store_free(struct cs_store *store);

/** "sqlite" or "postgres". */
const char *cs_store_backend_name(const struct cs_store *store);

/**
 * Open another connection to like's database (for another thread).
 *
 * @param out caller owns *out, free with cs_store_free()
 * @return 0, CS_EINVAL for an in-memory SQLite database (a second
 *         connection would be another database), or cs_store_open()'s
 */
CS_NODISCARD int cs_store_open_like(
    struct cs_store **out, const struct cs_store *like, struct cs_error *err);

/**
 * Whether the store can only read: a SQLite file that is read-only to
 * this process opens for the read commands (writes fail naming the file).
 */
bool cs_store_readonly(const struct cs_store *store);

/** Highest applied migration number. */
CS_NODISCARD int cs_store_schema_version(
    struct cs_store *store, int *out, struct cs_error *err);

/* ---- Campaigns -------------------------------------------------------- */

typedef int (*cs_campaign_cb)(const struct cs_campaign *c, void *payload);

/**
 * Create a campaign from c's name, description, nmkr_project_uid, network,
 * max_nfts, dates, allow_multiple and reservation_minutes. It starts
 * inactive with zero counters. On success c->id, created_at and updated_at
 * are set.
 *
 * @return 0, CS_EINVAL (bad field), CS_ECONFLICT (name taken)
 */
CS_NODISCARD int cs_store_campaign_create(struct cs_store *store,
    struct cs_campaign *c, int64_t now, struct cs_error *err);

/** @param out caller owns, release with cs_campaign_dispose(). */
CS_NODISCARD int cs_store_campaign_get(struct cs_store *store, int64_t id,
    struct cs_campaign *out, struct cs_error *err);

/**
 * Find a campaign by decimal id or by exact name (ids win when both match).
 *
 * @param out caller owns, release with cs_campaign_dispose()
 * @return 0 or CS_ENOTFOUND
 */
CS_NODISCARD int cs_store_campaign_find(struct cs_store *store,
    const char *id_or_name, struct cs_campaign *out, struct cs_error *err);

/** All campaigns by id. The callback's struct is borrowed for the call; a
 * non-zero return stops the walk and is returned. */
CS_NODISCARD int cs_store_campaign_list(struct cs_store *store,
    cs_campaign_cb cb, void *payload, struct cs_error *err);

/**
 * Write c's editable fields (name, description, nmkr_project_uid, network,
 * max_nfts, dates, allow_multiple, reservation_minutes). Status, counters and
 * secrets have their own functions. max_nfts may not drop below total.
 */
CS_NODISCARD int cs_store_campaign_update(struct cs_store *store,
    const struct cs_campaign *c, int64_t now, struct cs_error *err);

/**
 * Activate or deactivate. Activation of a campaign without NFTs is refused
 * with CS_EINVAL.
 */
CS_NODISCARD int cs_store_campaign_set_status(struct cs_store *store,
    int64_t id, enum cs_campaign_status status, int64_t now,
    struct cs_error *err);

/**
 * Delete a campaign and its NFTs. A campaign with sold NFTs is refused with
 * CS_ECONFLICT unless force is set.
 */
CS_NODISCARD int cs_store_campaign_delete(
    struct cs_store *store, int64_t id, bool force, struct cs_error *err);

/**
 * Recount a campaign's counters from its NFTs (the seed's
 * syncCampaignCounters) and store them; out may be NULL.
 */
CS_NODISCARD int cs_store_campaign_recount(struct cs_store *store, int64_t id,
    int64_t now, struct cs_counts *out, struct cs_error *err);

/**
 * Store a new webhook secret; the current one becomes the previous one,
 * which webhooks may still use during rotation. Borrowed secret.
 */
CS_NODISCARD int cs_store_campaign_set_webhook_secret(struct cs_store *store,
    int64_t id, const char *secret, int64_t now, struct cs_error *err);

/**
 * Store the URL we registered at NMKR as the campaign's webhook and its
 * secret, in one transaction. When the secret changes, the current one
 * becomes the previous one, stamped now (webhook_rotated_at): webhooks
 * signed with it are accepted for the grace after that, then refused. url
 * and secret NULL clear them (unregister: the current secret becomes the
 * previous one). Borrowed strings. A secret shorter than 16 characters is
 * CS_EINVAL.
 */
CS_NODISCARD int cs_store_campaign_set_webhook(struct cs_store *store,
    int64_t id, const char *url, const char *secret, int64_t now,
    struct cs_error *err);

/**
 * The URL we registered at NMKR as the campaign's webhook.
 * @param out caller owns, free(); NULL when none is registered
 * @return 0, CS_ENOTFOUND without such a campaign
 */
CS_NODISCARD int cs_store_campaign_webhook_url(
    struct cs_store *store, int64_t id, char **out, struct cs_error *err);

/** Stamp the time of the last successful sync. */
CS_NODISCARD int cs_store_campaign_mark_synced(
    struct cs_store *store, int64_t id, int64_t now, struct cs_error *err);

/** Replace a campaign's allow-list (n may be 0 to clear). Borrowed input. */
CS_NODISCARD int cs_store_allowlist_set(struct cs_store *store,
    int64_t campaign_id, const char *const *addresses, size_t n,
    struct cs_error *err);

/** Whether address is on the campaign's allow-list. */
CS_NODISCARD int cs_store_allowlist_has(struct cs_store *store,
    int64_t campaign_id, const char *address, bool *out, struct cs_error *err);

/* ---- NFTs ------------------------------------------------------------- */

typedef int (*cs_nft_cb)(const struct cs_nft *n, void *payload);

struct cs_import_result {
	size_t inserted;
	size_t skipped; /* uid already present */
	int64_t first_number;
	int64_t last_number;
};

/**
 * Add NFTs to a campaign in one transaction (populateCampaignInventory).
 * Each input needs nft_uid, name, payment_url; nft_number 0 means "next
 * free number". Uids already in this campaign are skipped; a uid of
 * another campaign fails the import (CS_ECONFLICT). If the NFTs that
 * remain would take the campaign past max_nfts, nothing is added and
 * CS_EINVAL says by how many. Inserted NFTs start available, version 1,
 * last modified by admin; an input whose status is reserved or sold (with
 * its reservation or sale fields) then moves there by a recorded change
 * ("state at import"), so the history shows how it got there.
 *
 * @param nfts borrowed
 */
CS_NODISCARD int cs_store_nft_import(struct cs_store *store,
    int64_t campaign_id, const struct cs_nft *nfts, size_t n, int64_t now,
    struct cs_import_result *out, struct cs_error *err);

/** @param out caller owns, release with cs_nft_dispose(). */
CS_NODISCARD int cs_store_nft_get(struct cs_store *store, const char *uid,
    struct cs_nft *out, struct cs_error *err);

CS_NODISCARD int cs_store_nft_get_by_id(struct cs_store *store, int64_t id,
    struct cs_nft *out, struct cs_error *err);

struct cs_nft_query {
	int64_t campaign_id;
	int status;           /* an enum cs_nft_status, or -1 for all */
	int64_t after_number; /* keyset paging: numbers greater than this */
	int64_t limit;        /* 0: no limit */
	const char *search;   /* NULL, or what core/search.h matches */
};

#define CS_NFT_QUERY_INIT                                                      \
	{                                                                      \
		0, -1, 0, 0, NULL                                              \
	}

/**
 * A campaign's NFTs in number order. The callback's struct and its strings
 * are borrowed for the call; a non-zero return stops and is returned.
 */
CS_NODISCARD int cs_store_nft_list(struct cs_store *store,
    const struct cs_nft_query *q, cs_nft_cb cb, void *payload,
    struct cs_error *err);

typedef int (*cs_local_nft_cb)(const struct cs_local_nft *n, void *payload);

/**
 * A campaign's NFTs as a sync compares them (struct cs_local_nft: nine of
 * the 22 columns, no copy of a row), in number order: the sync's read of
 * its inventory. The struct and its strings are borrowed for the call; a
 * non-zero return stops and is returned.
 */
CS_NODISCARD int cs_store_nft_local_list(struct cs_store *store,
    int64_t campaign_id, cs_local_nft_cb cb, void *payload,
    struct cs_error *err);

/** Counts of a campaign's NFTs by status, read live (not the counters). */
CS_NODISCARD int cs_store_nft_counts(struct cs_store *store,
    int64_t campaign_id, struct cs_counts *out, struct cs_error *err);

/* struct cs_nft_change and its rules: core/change_rules.h. */

/**
 * Apply one change in its own transaction, with its history row and counter
 * move. A change that would alter nothing is a success that writes nothing.
 *
 * @param after if not NULL, receives the NFT as it now is (caller owns,
 *        cs_nft_dispose())
 * @return 0, CS_ENOTFOUND (no such NFT, or not in campaign_id),
 *         CS_ECONFLICT (version moved on)
 */
CS_NODISCARD int cs_store_nft_change(struct cs_store *store,
    const struct cs_nft_change *ch, int64_t now, struct cs_nft *after,
    struct cs_error *err);

/**
 * Rebuild every payment link of a campaign for its network and project.
 * @param changed out, how many links differed
 */
CS_NODISCARD int cs_store_nft_repair_links(struct cs_store *store,
    int64_t campaign_id, size_t *changed, struct cs_error *err);

/* ---- Sync ------------------------------------------------------------- */

/* Results of the changes of cs_store_sync_apply(), one per change. */
enum cs_apply_result {
	CS_APPLY_OK = 0,   /* applied, history written */
	CS_APPLY_NOOP,     /* nothing to change */
	CS_APPLY_CONFLICT, /* version moved on: left alone */
	CS_APPLY_NOTFOUND, /* the NFT is gone */
	CS_APPLY_FAILED,   /* the database refused this row */
};

struct cs_review_new {
	int64_t nft_id;
	const char *kind;
	enum cs_nft_status local_status;
	const char *remote_state;
	const char *detail;
};

struct cs_asset_update {
	int64_t nft_id;
	const char *asset_id;
};

struct cs_sync_apply {
	/* In: the log row to write; out: log.id. */
	struct cs_sync_log log;
	const struct cs_nft_change *changes;
	size_t nchanges;
	enum cs_apply_result *results; /* out, nchanges entries */
	const struct cs_review_new *reviews;
	size_t nreviews;
	size_t reviews_added; /* out: new open items (others already open) */
	const struct cs_asset_update *assets; /* asset ids learnt from NMKR */
	size_t nassets;
	int64_t campaign_id;     /* counters of this campaign are recounted */
	struct cs_counts counts; /* out: the campaign's counters after */
};

/**
 * Write a sync's outcome in one transaction: the sync_log row, every change
 * (compare-and-set, each with its history row pointing at the log row), the
 * review items, asset ids, and the recounted campaign counters. A change
 * the database refuses is recorded in results and the rest go on. The
 * changes' own sync_log_id fields are ignored: they get the new log row's
 * id.
 */
CS_NODISCARD int cs_store_sync_apply(struct cs_store *store,
    struct cs_sync_apply *apply, int64_t now, struct cs_error *err);

/** Insert a sync_log row (l->id set on return); strings borrowed. */
CS_NODISCARD int cs_store_sync_log_insert(
    struct cs_store *store, struct cs_sync_log *l, struct cs_error *err);

/** Update status, records_synced, errors, synced_data and completed_at. */
CS_NODISCARD int cs_store_sync_log_update(
    struct cs_store *store, const struct cs_sync_log *l, struct cs_error *err);

/** @param out caller owns, cs_sync_log_dispose(). */
CS_NODISCARD int cs_store_sync_log_get(struct cs_store *store, int64_t id,
    struct cs_sync_log *out, struct cs_error *err);

typedef int (*cs_sync_log_cb)(const struct cs_sync_log *l, void *payload);

struct cs_sync_log_query {
	const char *project_uid; /* NULL: any */
	int64_t campaign_id;     /* 0: any */
	int status;              /* an enum cs_sync_status, or -1 */
	int type;                /* an enum cs_sync_type, or -1 */
	int64_t limit;           /* 0: 50, as the seed */
	bool with_data;          /* also read synced_data */
};

#define CS_SYNC_LOG_QUERY_INIT                                                 \
	{                                                                      \
		NULL, 0, -1, -1, 0, false                                      \
	}

/** Newest first (getRecentSyncLogs). Borrowed rows. */
CS_NODISCARD int cs_store_sync_log_list(struct cs_store *store,
    const struct cs_sync_log_query *q, cs_sync_log_cb cb, void *payload,
    struct cs_error *err);

/**
 * The last per_campaign syncs of every campaign, webhook rows aside (the
 * syncs health is read from), in one query: by campaign id, each
 * campaign's newest first. Rows of no campaign are left out. Borrowed rows
 * (without synced_data).
 */
CS_NODISCARD int cs_store_sync_log_recent(struct cs_store *store,
    int64_t per_campaign, cs_sync_log_cb cb, void *payload,
    struct cs_error *err);

/**
 * Delete sync_log rows older than before. History rows stay; their
 * sync_log_id becomes NULL. @param deleted out, may be NULL
 */
CS_NODISCARD int cs_store_sync_log_prune(struct cs_store *store, int64_t before,
    int64_t *deleted, struct cs_error *err);

/* ---- History ---------------------------------------------------------- */

typedef int (*cs_history_cb)(const struct cs_history *h, void *payload);

struct cs_history_query {
	int64_t nft_id;      /* 0: any */
	int64_t campaign_id; /* 0: any */
	int64_t sync_log_id; /* 0: any */
	int64_t limit;       /* 0: no limit */
};

#define CS_HISTORY_QUERY_INIT                                                  \
	{                                                                      \
		0, 0, 0, 0                                                     \
	}

/** Oldest first. Borrowed rows. */
CS_NODISCARD int cs_store_history_list(struct cs_store *store,
    const struct cs_history_query *q, cs_history_cb cb, void *payload,
    struct cs_error *err);

/* ---- Review queue ----------------------------------------------------- */

typedef int (*cs_review_cb)(const struct cs_review_item *r, void *payload);

/** Items of a campaign (0: all), open ones only when open_only. */
CS_NODISCARD int cs_store_review_list(struct cs_store *store,
    int64_t campaign_id, bool open_only, cs_review_cb cb, void *payload,
    struct cs_error *err);

/* Which review items a page or a count reads, in id order. */
struct cs_review_query {
	int64_t campaign_id; /* 0: any */
	bool open_only;
	const char *kind; /* NULL: any; borrowed */
	int64_t after_id; /* keyset paging: ids greater than this */
	int64_t limit;    /* 0: no limit */
};

#define CS_REVIEW_QUERY_INIT                                                   \
	{                                                                      \
		0, true, NULL, 0, 0                                            \
	}

/**
 * The items q selects, in id order: at most q->limit of them, after
 * q->after_id. The callback's struct and its strings are borrowed for the
 * call; a non-zero return stops and is returned.
 */
CS_NODISCARD int cs_store_review_page(struct cs_store *store,
    const struct cs_review_query *q, cs_review_cb cb, void *payload,
    struct cs_error *err);

/**
 * How many items q selects, whatever its after_id and limit: the total a
 * paged listing shows.
 */
CS_NODISCARD int cs_store_review_count(struct cs_store *store,
    const struct cs_review_query *q, int64_t *out, struct cs_error *err);

/** @param out caller owns, cs_review_item_dispose(). */
CS_NODISCARD int cs_store_review_get(struct cs_store *store, int64_t id,
    struct cs_review_item *out, struct cs_error *err);

/**
 * Close an open item with resolution "keep_local", "dismissed" or
 * "apply_remote". apply_remote changes the NFT to remote_status as source
 * admin, in the same transaction. @return CS_ECONFLICT if already resolved
 */
/* One item of a bulk resolution. */
struct cs_review_resolution {
	int64_t id;
	const char *resolution;
	enum cs_nft_status remote_status; /* for apply_remote */
};

/**
 * Resolve every item as cs_store_review_resolve() does one, in one
 * transaction: all of them or, on the first refusal (one already
 * resolved, one whose NFT refuses the change), none.
 */
CS_NODISCARD int cs_store_review_resolve_many(struct cs_store *store,
    const struct cs_review_resolution *items, size_t n, int64_t now,
    struct cs_error *err);

CS_NODISCARD int cs_store_review_resolve(struct cs_store *store, int64_t id,
    const char *resolution, enum cs_nft_status remote_status, int64_t now,
    struct cs_error *err);

/* ---- Sync runs -------------------------------------------------------- */

/**
 * Claim the right to sync a campaign: insert a running sync_runs row. A run
 * whose heartbeat is older than stale_ms is closed as abandoned first.
 *
 * @param since if not 0, also refuse when a run started at or after this
 *        time (a scheduler tick already served by another instance)
 * @param run_id out
 * @param running if not NULL and a live run holds the campaign, receives it
 *        (caller owns, cs_sync_run_dispose())
 * @return 0, CS_ECONFLICT when a live run exists, CS_EINVAL ("already
 *         synced") when since refused it, CS_ENOTFOUND (no campaign)
 */
CS_NODISCARD int cs_store_sync_run_claim(struct cs_store *store,
    int64_t campaign_id, const char *owner, int64_t now, int64_t stale_ms,
    int64_t since, int64_t *run_id, struct cs_sync_run *running,
    struct cs_error *err);

/** Record progress and refresh the heartbeat. */
CS_NODISCARD int cs_store_sync_run_progress(struct cs_store *store,
    int64_t run_id, const char *phase, int64_t done, int64_t total, int64_t now,
    struct cs_error *err);

/** Close a run with its outcome and log row (0 if none). */
CS_NODISCARD int cs_store_sync_run_finish(struct cs_store *store,
    int64_t run_id, const char *outcome, int64_t sync_log_id, int64_t now,
    struct cs_error *err);

/** The campaign's most recent run, finished or not. @return 0 or
 * CS_ENOTFOUND; out: caller owns, cs_sync_run_dispose() */
CS_NODISCARD int cs_store_sync_run_latest(struct cs_store *store,
    int64_t campaign_id, struct cs_sync_run *out, struct cs_error *err);

/**
 * Refresh an unfinished run's heartbeat (a thread beside the sync, on a
 * connection of its own). @return 0, or CS_ENOTFOUND when the run is
 * finished: another process closed it, the claim is lost
 */
CS_NODISCARD int cs_store_sync_run_heartbeat(
    struct cs_store *store, int64_t run_id, int64_t now, struct cs_error *err);

/**
 * Close a run as cs_store_sync_run_finish() does, only if it is still
 * unfinished: for a run taken over from a dead owner, or closed by a
 * process being stopped. @return 0, or CS_ENOTFOUND when it was finished
 */
CS_NODISCARD int cs_store_sync_run_close(struct cs_store *store, int64_t run_id,
    const char *outcome, int64_t sync_log_id, int64_t now,
    struct cs_error *err);

/** The running sync of a campaign. @return 0 or CS_ENOTFOUND */
CS_NODISCARD int cs_store_sync_run_active(struct cs_store *store,
    int64_t campaign_id, struct cs_sync_run *out, struct cs_error *err);

/* ---- Webhooks --------------------------------------------------------- */

/*
 * One received webhook to record and apply. The event row is always stored.
 * A verified event with a dedupe key seen before is a replay: stored with
 * outcome "replay" and no key, nothing applied. Otherwise, when changes are
 * given, a sync_log row (type webhook) is written and each change applied
 * with webhook_event_id and sync_log_id pointing at the two rows.
 */
struct cs_webhook_apply {
	struct cs_webhook_event event;       /* in; out: id, outcome */
	struct cs_sync_log log;              /* in: template; out: id, status */
	const struct cs_nft_change *changes; /* by uid, campaign_id set */
	size_t nchanges;
	enum cs_apply_result *results; /* out, nchanges entries */
	bool replay;                   /* out */
	int error;                     /* out: 0 or this item's error */
	struct cs_error err;           /* out: its message */
};

/**
 * Record and apply a batch of webhooks in ONE transaction (group commit):
 * each item in its own savepoint, so one item's failure (its error and err
 * set, its outcome "error") leaves the others applied. Returns 0 when the
 * transaction committed, whatever the items' own outcomes.
 */
CS_NODISCARD int cs_store_webhook_apply(struct cs_store *store,
    struct cs_webhook_apply *items, size_t n, int64_t now,
    struct cs_error *err);

/* ---- Alerts ------------------------------------------------------------ */

/** An alert sent to CS_ALERT_WEBHOOK, or tried (service/alert.h). */
struct cs_alert {
	int64_t id;
	int64_t campaign_id;
	const char *cause; /* sync_failed, new_reviews, webhooks_silent */
	const char *text;  /* the message's text */
	int64_t sent_at;   /* ms: when it was sent or tried */
	bool delivered;    /* the receiver answered 2xx */
	const char *error; /* why not, or NULL */
};

typedef int (*cs_alert_cb)(const struct cs_alert *a, void *payload);

/**
 * Record an alert; sets io->id. The strings are copied.
 *
 * @return 0, CS_EINVAL (an unknown cause, no text), CS_ENOTFOUND (no such
 *         campaign: the row is not written) or CS_EDB
 */
CS_NODISCARD int cs_store_alert_insert(
    struct cs_store *store, struct cs_alert *io, struct cs_error *err);

/**
 * A campaign's alerts (campaign_id 0: every campaign's), newest first, at
 * most limit (<= 0: all). Borrowed rows, valid during the callback.
 */
CS_NODISCARD int cs_store_alert_list(struct cs_store *store,
    int64_t campaign_id, int64_t limit, cs_alert_cb cb, void *payload,
    struct cs_error *err);

/**
 * Delete the alerts sent before `before`, in batches as
 * cs_store_webhook_prune(). @param deleted out, may be NULL
 */
CS_NODISCARD int cs_store_alert_prune(struct cs_store *store, int64_t before,
    int64_t *deleted, struct cs_error *err);

typedef int (*cs_webhook_event_cb)(
    const struct cs_webhook_event *e, void *payload);

/** Newest first, without raw bodies unless with_body. Borrowed rows. */
CS_NODISCARD int cs_store_webhook_event_list(struct cs_store *store,
    int64_t campaign_id, int64_t limit, bool with_body, cs_webhook_event_cb cb,
    void *payload, struct cs_error *err);

/**
 * Delete the webhook events received before `before` that no status_history
 * row points at: refused ones, replays, those that changed nothing. An
 * event that changed an NFT stays as long as its history row does (and
 * history rows are never deleted here). Runs in batches of
 * CS_WEBHOOK_PRUNE_BATCH rows, each committed on its own, so that the
 * webhook writer waits for one batch at most.
 *
 * @param deleted out, may be NULL: how many events went
 */
CS_NODISCARD int cs_store_webhook_prune(struct cs_store *store, int64_t before,
    int64_t *deleted, struct cs_error *err);

/**
 * Drop the stored report (synced_data) of syncs completed before `before`,
 * in batches as cs_store_webhook_prune(): the log row stays, with its
 * status, counts and errors, and status_history is never touched.
 *
 * @param pruned out, may be NULL: how many reports went
 */
CS_NODISCARD int cs_store_sync_report_prune(struct cs_store *store,
    int64_t before, int64_t *pruned, struct cs_error *err);

/* ---- Reservations ----------------------------------------------------- */

/* enum cs_reserve_outcome and the policy: core/reserve_rules.h. */

/**
 * Atomically reserve the lowest-numbered available NFT of a campaign for
 * wallet until now + minutes (a change by source user, with history). The
 * campaign must be active and within its dates; with an allow-list the
 * wallet must be on it; unless allow_multiple, a wallet holding a live
 * reservation or a purchase made through us is refused.
 *
 * @param out the reserved NFT (caller owns, cs_nft_dispose())
 * @param outcome out, why a refusal was made
 * @return 0 (outcome OK), CS_ECONFLICT (a refusal: see outcome),
 *         CS_ENOTFOUND (no campaign)
 */
CS_NODISCARD int cs_store_reservation_take(struct cs_store *store,
    int64_t campaign_id, const char *wallet, int minutes, int64_t now,
    struct cs_nft *out, enum cs_reserve_outcome *outcome, struct cs_error *err);

/**
 * Reserved NFTs whose reserved_until is before now, any campaign, oldest
 * first, at most limit. Borrowed rows.
 */
CS_NODISCARD int cs_store_reservations_expired(struct cs_store *store,
    int64_t now, int64_t limit, cs_nft_cb cb, void *payload,
    struct cs_error *err);

/* ---- Chain checks ----------------------------------------------------- */

/** @param out caller owns, cs_chain_check_dispose(). */
CS_NODISCARD int cs_store_chain_check_get(struct cs_store *store,
    const char *asset_id, struct cs_chain_check *out, struct cs_error *err);

/** Insert or replace the row of c->asset_id. */
CS_NODISCARD int cs_store_chain_check_put(struct cs_store *store,
    const struct cs_chain_check *c, struct cs_error *err);

/**
 * Sold NFTs of a campaign that have an asset id, least recently checked
 * first (never checked first of all, then by number). Borrowed rows.
 */
CS_NODISCARD int cs_store_chain_candidates(struct cs_store *store,
    int64_t campaign_id, int64_t limit, cs_nft_cb cb, void *payload,
    struct cs_error *err);

/**
 * Set an NFT's asset id (from NMKR's assetId) when it has none or another.
 * Not a status change: no history row, no version bump.
 */
CS_NODISCARD int cs_store_nft_set_asset_id(struct cs_store *store,
    int64_t nft_id, const char *asset_id, struct cs_error *err);

/* ---- The background verifier (migration 008) ---------------------------- */

/* Chain coverage of sold NFTs. A check is fresh when it is younger than
 * the re-check period; the first five counts are of fresh checks. */
struct cs_chain_coverage {
	int64_t sold;
	int64_t verified;
	int64_t pending;
	int64_t mismatch;
	int64_t errors;
	int64_t unverified; /* never checked, or the last check is not fresh */
	int64_t oldest_due; /* ms: since when the longest waiting one is due
	                       (its sale, or its last check + the period);
	                       0 when none waits */
};

/**
 * Coverage of one campaign's sold NFTs (campaign_id 0: all campaigns), a
 * check being fresh when checked_at > now - recheck_ms.
 */
CS_NODISCARD int cs_store_chain_coverage(struct cs_store *store,
    int64_t campaign_id, int64_t now, int64_t recheck_ms,
    struct cs_chain_coverage *out, struct cs_error *err);

typedef int (*cs_chain_problem_cb)(const struct cs_chain_check *k,
    const char *nft_uid, const char *nft_name, void *payload);

/** Sold NFTs whose last check is `mismatch` or `error`, mismatches first,
 * then the newest check. Borrowed rows. */
CS_NODISCARD int cs_store_chain_problems(struct cs_store *store,
    int64_t campaign_id, int64_t limit, cs_chain_problem_cb cb, void *payload,
    struct cs_error *err);

/**
 * Lease up to limit due NFTs (of every campaign) to owner until
 * now + lease_ms, in one transaction, and hand them to cb (borrowed).
 * Due: sold with an asset id, not leased, and never checked (first), or
 * verified/mismatch checked recheck_ms ago or more, or pending/error
 * checked retry_ms ago or more. On PostgreSQL the rows are taken with
 * FOR UPDATE SKIP LOCKED and the lease is written only where none is
 * live, so two instances never take the same NFT.
 */
CS_NODISCARD int cs_store_chain_claim(struct cs_store *store, const char *owner,
    int64_t now, int64_t recheck_ms, int64_t retry_ms, int64_t lease_ms,
    size_t limit, cs_nft_cb cb, void *payload, struct cs_error *err);

/**
 * Take one request from the shared budget (the chain_budget row): rate
 * requests per second, at most burst saved up. Taking may go into debt:
 * *wait_ms is how long to wait before sending (0: now). CS_ERATELIMIT
 * while blocked (*blocked_until, ms; reason). On PostgreSQL the bucket
 * refills on the database's clock, so instances need not agree on time.
 */
CS_NODISCARD int cs_store_chain_budget_take(struct cs_store *store, int64_t now,
    double rate, double burst, int64_t *wait_ms, int64_t *blocked_until,
    char *reason, size_t size, struct cs_error *err);

/** Block the shared budget until (ms; extends, never shortens). */
CS_NODISCARD int cs_store_chain_budget_block(struct cs_store *store,
    int64_t until, const char *reason, struct cs_error *err);

/** End owner's lease of an NFT now (a batch that Blockfrost stopped: its
 * NFTs are due again when the budget's block ends). */
CS_NODISCARD int cs_store_chain_release(struct cs_store *store,
    const char *owner, int64_t nft_id, struct cs_error *err);

/** Record NMKR's initialMintTxHash of an NFT when none is stored. */
CS_NODISCARD int cs_store_nft_mint_fill(struct cs_store *store, int64_t nft_id,
    const char *tx, struct cs_error *err);

/** cs_store_nft_mint_fill() for n NFTs in one transaction (a sync's). */
CS_NODISCARD int cs_store_nft_mint_fill_many(struct cs_store *store,
    const int64_t *nft_ids, const char *const *txs, size_t n,
    struct cs_error *err);

/** NMKR's initialMintTxHash as stored: *out NULL when unknown; caller
 * frees. */
CS_NODISCARD int cs_store_nft_mint_get(
    struct cs_store *store, int64_t nft_id, char **out, struct cs_error *err);

#endif
