/* SPDX-License-Identifier: MIT */
/*
 * The backend interface of the store (libgit2 refdb_backend.h, the SQLite
 * VFS): a table of primitive operations over one connection. The store
 * (store.c and the files beside it, see internal.h) builds every rule of the
 * store (history rows, versions, counters, transactions and their retries) from
 * these, once, for all backends; a backend only speaks its SQL dialect. Each
 * backend exports one const struct cs_store_ops.
 *
 * Conventions for every slot:
 *  - return 0 or a negative enum cs_err, with err filled (the database's own
 *    message appended);
 *  - CS_EAGAIN for transient failures (busy, serialization failure, deadlock,
 *    lost connection): store.c rolls back and retries the transaction;
 *  - CS_ENOTFOUND when a row addressed by key does not exist;
 *  - a slot that returns CS_ECONFLICT or CS_ENOTFOUND leaves the
 *    transaction usable: the store goes on after them (a backend whose
 *    engine aborts the transaction on a failed statement must avoid the
 *    failure, e.g. INSERT ... ON CONFLICT DO NOTHING);
 *  - strings passed in are borrowed for the call;
 *  - strings returned through a struct are allocated from the arena given, or
 *    with malloc when it is NULL (the caller then disposes the struct);
 *  - structs handed to callbacks are borrowed for the call only; a non-zero
 *    callback return stops the walk and is returned as is.
 * All slots are "must provide" unless marked optional.
 */
#ifndef CS_STORE_BACKEND_H
#define CS_STORE_BACKEND_H

#include "core/search.h"
#include "store/store.h"
#include "util/arena.h"

struct cs_store_conn;

/* One item of nft_write_many: a change's row and its history row. */
struct cs_nft_write {
	const struct cs_nft *next;  /* the new row, as nft_update takes it */
	int64_t expected_version;   /* the version next was derived from */
	struct cs_history *history; /* written only if the update matched;
	                               its id is set */
	int result;                 /* out: 0, or CS_ECONFLICT when no row
	                               matched (then nothing was written) */
};

struct cs_store_ops {
	/* URL scheme this backend serves: "sqlite", "postgres". */
	const char *scheme;

	/* Connect. url is the whole URL the user gave. */
	int (*open)(
	    struct cs_store_conn **out, const char *url, struct cs_error *err);
	/* Disconnect; accepts NULL. */
	void (*close)(struct cs_store_conn *c);
	/* Apply every embedded migration not yet recorded in
	 * schema_migrations, each in its own transaction. Refuse (CS_EINVAL) a
	 * database that holds other tables but is not ours. */
	int (*migrate)(
	    struct cs_store_conn *c, int64_t now, struct cs_error *err);
	int (*schema_version)(
	    struct cs_store_conn *c, int *out, struct cs_error *err);
	/* Optional: true when the connection can only read (a file that is
	 * read-only to us). NULL: never. */
	bool (*readonly)(const struct cs_store_conn *c);

	/* Transactions. begin(write) takes the write lock at once where the
	 * engine has one (SQLite BEGIN IMMEDIATE). Savepoints nest (the store
	 * uses two levels: a webhook in a batch, a change in a webhook);
	 * release and rollback_to act on the innermost, and rollback_to also
	 * releases it. */
	int (*begin)(struct cs_store_conn *c, bool write, struct cs_error *err);
	int (*commit)(struct cs_store_conn *c, struct cs_error *err);
	void (*rollback)(struct cs_store_conn *c);
	int (*savepoint)(struct cs_store_conn *c, struct cs_error *err);
	int (*release)(struct cs_store_conn *c, struct cs_error *err);
	int (*rollback_to)(struct cs_store_conn *c, struct cs_error *err);

	/* Campaigns. insert sets io->id; CS_ECONFLICT when the name is taken.
	 * get with for_update locks the row until the transaction ends (a
	 * no-op where the write transaction already serializes). */
	int (*campaign_insert)(struct cs_store_conn *c, struct cs_campaign *io,
	    struct cs_error *err);
	int (*campaign_get)(struct cs_store_conn *c, int64_t id,
	    bool for_update, struct cs_campaign *out, struct cs_error *err);
	int (*campaign_get_by_name)(struct cs_store_conn *c, const char *name,
	    struct cs_campaign *out, struct cs_error *err);
	int (*campaign_list)(struct cs_store_conn *c, cs_campaign_cb cb,
	    void *payload, struct cs_error *err);
	/* Write the editable fields of campaign_update() and updated_at. */
	int (*campaign_update)(struct cs_store_conn *c,
	    const struct cs_campaign *camp, int64_t now, struct cs_error *err);
	int (*campaign_set_status)(struct cs_store_conn *c, int64_t id,
	    enum cs_campaign_status status, int64_t now, struct cs_error *err);
	int (*campaign_set_counts)(struct cs_store_conn *c, int64_t id,
	    const struct cs_counts *counts, int64_t now, struct cs_error *err);
	/* Add delta to each counter. */
	int (*campaign_add_counts)(struct cs_store_conn *c, int64_t id,
	    const struct cs_counts *delta, int64_t now, struct cs_error *err);
	/* webhook_secret_prev = webhook_secret, webhook_secret = secret. */
	int (*campaign_rotate_secret)(struct cs_store_conn *c, int64_t id,
	    const char *secret, int64_t now, struct cs_error *err);
	int (*campaign_mark_synced)(struct cs_store_conn *c, int64_t id,
	    int64_t now, struct cs_error *err);
	/* Must provide. webhook_url = url; when secret differs from
	 * webhook_secret (NULLs compare equal), webhook_secret_prev =
	 * webhook_secret and webhook_rotated_at = now; webhook_secret =
	 * secret. url and secret may be NULL (cleared). CS_ENOTFOUND if no
	 * campaign has id. */
	int (*campaign_set_webhook)(struct cs_store_conn *c, int64_t id,
	    const char *url, const char *secret, int64_t now,
	    struct cs_error *err);
	/* Must provide. *out = webhook_url, a copy the caller frees (NULL
	 * when none). CS_ENOTFOUND if no campaign has id. */
	int (*campaign_webhook_url)(struct cs_store_conn *c, int64_t id,
	    char **out, struct cs_error *err);
	/* Delete the campaign; its NFTs, history, allow-list and reviews go
	 * with it, log rows keep a NULL campaign. */
	int (*campaign_delete)(
	    struct cs_store_conn *c, int64_t id, struct cs_error *err);
	int (*allowlist_clear)(
	    struct cs_store_conn *c, int64_t campaign_id, struct cs_error *err);
	/* Adding an address twice is not an error. */
	int (*allowlist_add)(struct cs_store_conn *c, int64_t campaign_id,
	    const char *address, struct cs_error *err);
	int (*allowlist_has)(struct cs_store_conn *c, int64_t campaign_id,
	    const char *address, bool *out, struct cs_error *err);

	/* NFTs. insert writes every field of io and sets io->id; CS_ECONFLICT
	 * when the uid or the (campaign, number) pair exists. */
	int (*nft_insert)(
	    struct cs_store_conn *c, struct cs_nft *io, struct cs_error *err);
	/* By id when id != 0, else by uid. */
	int (*nft_get)(struct cs_store_conn *c, int64_t id, const char *uid,
	    struct cs_nft *out, struct cs_arena *arena, struct cs_error *err);
	int (*nft_list)(struct cs_store_conn *c, const struct cs_nft_query *q,
	    cs_nft_cb cb, void *payload, struct cs_error *err);
	/* The campaign's NFTs as struct cs_local_nft, in number order. */
	int (*nft_local_list)(struct cs_store_conn *c, int64_t campaign_id,
	    cs_local_nft_cb cb, void *payload, struct cs_error *err);
	/* The same, of the NFTs the terms match (q->search is not read). */
	int (*nft_search)(struct cs_store_conn *c, const struct cs_nft_query *q,
	    const struct cs_search_terms *t, cs_nft_cb cb, void *payload,
	    struct cs_error *err);
	int (*nft_counts)(struct cs_store_conn *c, int64_t campaign_id,
	    struct cs_counts *out, struct cs_error *err);
	/* Highest nft_number of the campaign, 0 when empty. */
	int (*nft_max_number)(struct cs_store_conn *c, int64_t campaign_id,
	    int64_t *out, struct cs_error *err);
	/* Write status, reservation and sale fields, last_modified_at/by,
	 * last_synced_at and version from n, where id = n->id and version =
	 * expected_version; CS_ECONFLICT when no row matched. */
	int (*nft_update)(struct cs_store_conn *c, const struct cs_nft *n,
	    int64_t expected_version, struct cs_error *err);
	int (*nft_set_payment_url)(struct cs_store_conn *c, int64_t id,
	    const char *url, struct cs_error *err);
	int (*nft_set_asset_id)(struct cs_store_conn *c, int64_t id,
	    const char *asset_id, struct cs_error *err);
	/* The available NFT with the lowest number (CS_ENOTFOUND if none). A
	 * backend with row locks may lock it (FOR UPDATE). */
	int (*nft_pick_available)(struct cs_store_conn *c, int64_t campaign_id,
	    struct cs_nft *out, struct cs_arena *arena, struct cs_error *err);
	/* NFTs of the campaign claimed_by wallet that are sold, or reserved
	 * with reserved_until after now. */
	int (*nft_wallet_count)(struct cs_store_conn *c, int64_t campaign_id,
	    const char *wallet, int64_t now, int64_t *out,
	    struct cs_error *err);
	/* Reserved NFTs with reserved_until before now, oldest first. */
	int (*nft_expired)(struct cs_store_conn *c, int64_t now, int64_t limit,
	    cs_nft_cb cb, void *payload, struct cs_error *err);
	/* Sold NFTs of a campaign with an asset id, ordered by their
	 * chain_checks.checked_at (none first), then nft_number. */
	int (*chain_candidates)(struct cs_store_conn *c, int64_t campaign_id,
	    int64_t limit, cs_nft_cb cb, void *payload, struct cs_error *err);

	/* Optional, with nft_write_many (both or neither): what the sync's
	 * batches use instead of nft_get, nft_update and history_insert one
	 * NFT at a time, where each call costs a round trip to a server.
	 *
	 * nft_get_many reads the NFTs ids[0..n) (any order, repeats allowed)
	 * in one go: out[i] gets the row of ids[i] as nft_get would give it
	 * (strings from arena, or malloc when NULL), or is zeroed (id 0)
	 * when there is none. Inside a transaction it locks the rows as
	 * nft_get does, in id order. */
	int (*nft_get_many)(struct cs_store_conn *c, const int64_t *ids,
	    size_t n, struct cs_nft *out, struct cs_arena *arena,
	    struct cs_error *err);
	/* For each item in order: nft_update(next, expected_version), then,
	 * only if a row matched, history_insert(history); the same effects
	 * as those calls one after the other, in as few round trips as the
	 * engine allows. The items name distinct NFTs. Returns 0 with each
	 * item's result set and *done = n. A failure other than "no row
	 * matched" stops it and is returned, *done saying how many items
	 * are known done (0 where the engine writes them in one statement);
	 * the transaction may then be unusable until rollback_to. */
	int (*nft_write_many)(struct cs_store_conn *c,
	    struct cs_nft_write *items, size_t n, size_t *done,
	    struct cs_error *err);

	/* History. insert sets io->id. list is oldest first. */
	int (*history_insert)(struct cs_store_conn *c, struct cs_history *io,
	    struct cs_error *err);
	int (*history_list)(struct cs_store_conn *c,
	    const struct cs_history_query *q, cs_history_cb cb, void *payload,
	    struct cs_error *err);

	/* Sync log. insert sets io->id; list is newest first. */
	int (*sync_log_insert)(struct cs_store_conn *c, struct cs_sync_log *io,
	    struct cs_error *err);
	int (*sync_log_update)(struct cs_store_conn *c,
	    const struct cs_sync_log *l, struct cs_error *err);
	int (*sync_log_get)(struct cs_store_conn *c, int64_t id,
	    struct cs_sync_log *out, struct cs_error *err);
	int (*sync_log_list)(struct cs_store_conn *c,
	    const struct cs_sync_log_query *q, cs_sync_log_cb cb, void *payload,
	    struct cs_error *err);
	/* The last per_campaign non-webhook rows of each campaign, by
	 * campaign id then newest first; synced_data is not read. */
	int (*sync_log_recent)(struct cs_store_conn *c, int64_t per_campaign,
	    cs_sync_log_cb cb, void *payload, struct cs_error *err);
	int (*sync_log_prune)(struct cs_store_conn *c, int64_t before,
	    int64_t *deleted, struct cs_error *err);

	/* Review queue. insert sets *id; CS_ECONFLICT when an open item for
	 * the same NFT and kind exists. close: CS_ECONFLICT if not open. */
	int (*review_insert)(struct cs_store_conn *c,
	    const struct cs_review_item *r, int64_t *id, struct cs_error *err);
	int (*review_get)(struct cs_store_conn *c, int64_t id,
	    struct cs_review_item *out, struct cs_error *err);
	/* list: the items q selects, in id order, after q->after_id and at
	 * most q->limit (0: all); count: how many q selects, whatever its
	 * after_id and limit. */
	int (*review_list)(struct cs_store_conn *c,
	    const struct cs_review_query *q, cs_review_cb cb, void *payload,
	    struct cs_error *err);
	int (*review_count)(struct cs_store_conn *c,
	    const struct cs_review_query *q, int64_t *out,
	    struct cs_error *err);
	int (*review_close)(struct cs_store_conn *c, int64_t id,
	    const char *resolution, int64_t now, struct cs_error *err);

	/* Webhook events. insert writes every field of io and sets io->id;
	 * CS_ECONFLICT when its dedupe_key exists. finish sets outcome,
	 * detail and sync_log_id (0: none). list is newest first; raw_body is
	 * read only when with_body. */
	int (*webhook_insert)(struct cs_store_conn *c,
	    struct cs_webhook_event *io, struct cs_error *err);
	int (*webhook_finish)(struct cs_store_conn *c, int64_t id,
	    const char *outcome, const char *detail, int64_t sync_log_id,
	    struct cs_error *err);
	int (*webhook_list)(struct cs_store_conn *c, int64_t campaign_id,
	    int64_t limit, bool with_body, cs_webhook_event_cb cb,
	    void *payload, struct cs_error *err);
	/* Delete at most limit events received before `before` that no
	 * status_history row points at, oldest first, in one statement
	 * (outside a transaction: it commits on its own); *deleted says how
	 * many went. */
	int (*webhook_prune)(struct cs_store_conn *c, int64_t before,
	    int64_t limit, int64_t *deleted, struct cs_error *err);
	/* Set synced_data NULL in at most limit sync_log rows completed
	 * before `before`, oldest first, in one statement. */
	int (*report_prune)(struct cs_store_conn *c, int64_t before,
	    int64_t limit, int64_t *pruned, struct cs_error *err);

	/* Alerts. insert sets io->id (CS_ENOTFOUND: no such campaign); list
	 * is newest first, of every campaign when campaign_id is 0, at most
	 * limit (<= 0: all); prune deletes at most limit rows sent before
	 * `before`, oldest first, in one statement. */
	int (*alert_insert)(
	    struct cs_store_conn *c, struct cs_alert *io, struct cs_error *err);
	int (*alert_list)(struct cs_store_conn *c, int64_t campaign_id,
	    int64_t limit, cs_alert_cb cb, void *payload, struct cs_error *err);
	int (*alert_prune)(struct cs_store_conn *c, int64_t before,
	    int64_t limit, int64_t *deleted, struct cs_error *err);

	/* Chain checks, one row per asset id; put inserts or replaces. */
	int (*chain_get)(struct cs_store_conn *c, const char *asset_id,
	    struct cs_chain_check *out, struct cs_error *err);
	int (*chain_put)(struct cs_store_conn *c,
	    const struct cs_chain_check *check, struct cs_error *err);

	/* Sync runs. insert sets io->id; CS_ECONFLICT while another run of the
	 * campaign is unfinished. latest is the run with the greatest
	 * started_at, finished or not (CS_ENOTFOUND if none). */
	int (*run_insert)(struct cs_store_conn *c, struct cs_sync_run *io,
	    struct cs_error *err);
	int (*run_get_active)(struct cs_store_conn *c, int64_t campaign_id,
	    struct cs_sync_run *out, struct cs_error *err);
	int (*run_update)(struct cs_store_conn *c, int64_t id,
	    const char *phase, int64_t done, int64_t total, int64_t now,
	    struct cs_error *err);
	int (*run_finish)(struct cs_store_conn *c, int64_t id,
	    const char *outcome, int64_t sync_log_id, int64_t now,
	    struct cs_error *err);
	int (*run_latest)(struct cs_store_conn *c, int64_t campaign_id,
	    struct cs_sync_run *out, struct cs_error *err);
	/* Must provide. heartbeat_at = now on the run while it is
	 * unfinished; CS_ENOTFOUND once it is finished (closed by another
	 * process: its claim is lost). */
	int (*run_heartbeat)(struct cs_store_conn *c, int64_t id, int64_t now,
	    struct cs_error *err);
	/* Must provide. As run_finish, only while the run is unfinished;
	 * CS_ENOTFOUND when it was finished already. */
	int (*run_close)(struct cs_store_conn *c, int64_t id,
	    const char *outcome, int64_t sync_log_id, int64_t now,
	    struct cs_error *err);

	/* Optional: an exclusive lock on key held until the transaction ends
	 * (pg_advisory_xact_lock), so that instances sharing one database
	 * serialize work on a campaign. NULL where write transactions are
	 * serialized anyway (SQLite). */
	int (*advisory_lock)(
	    struct cs_store_conn *c, int64_t key, struct cs_error *err);

	/* The background verifier's queue and budget (migration 008;
	 * docs/internals/verify.md "In the background"). */
	/* Lease up to *n (in) due NFTs to owner until lease_until: sold, with
	 * an asset id, not leased after now, and never checked, or verified
	 * or mismatch before verified_before, or pending or error before
	 * other_before; never checked first, then the oldest check. A row
	 * leased by another meanwhile is not taken. ids gets the leased. */
	int (*chain_claim)(struct cs_store_conn *c, const char *owner,
	    int64_t now, int64_t verified_before, int64_t other_before,
	    int64_t lease_until, int64_t *ids, size_t *n, struct cs_error *err);
	int (*chain_coverage)(struct cs_store_conn *c, int64_t campaign_id,
	    int64_t fresh_after, int64_t recheck_ms,
	    struct cs_chain_coverage *out, struct cs_error *err);
	int (*chain_problems)(struct cs_store_conn *c, int64_t campaign_id,
	    int64_t limit, cs_chain_problem_cb cb, void *payload,
	    struct cs_error *err);
	/* Take one token (1000 millitokens), allowing debt; *millitokens gets
	 * what is left (< 0: wait). CS_ERATELIMIT when blocked: *blocked_until
	 * and reason say until when and why. now judges the block only (PG
	 * refills on the database's clock). */
	int (*chain_budget_take)(struct cs_store_conn *c, int64_t now,
	    int64_t rate_milli, int64_t cap_milli, int64_t *millitokens,
	    int64_t *blocked_until, char *reason, size_t size,
	    struct cs_error *err);
	int (*chain_budget_block)(struct cs_store_conn *c, int64_t until,
	    const char *reason, struct cs_error *err);
	/* Delete owner's lease of the NFT (none: not an error). */
	int (*chain_release)(struct cs_store_conn *c, const char *owner,
	    int64_t nft_id, struct cs_error *err);
	/* nfts.nmkr_mint_tx: fill sets it only where it is NULL; get gives
	 * NULL when unknown (caller frees). */
	int (*nft_mint_fill)(struct cs_store_conn *c, int64_t id,
	    const char *tx, struct cs_error *err);
	int (*nft_mint_get)(struct cs_store_conn *c, int64_t id, char **out,
	    struct cs_error *err);
};

/* Copy a string into the arena, or with malloc when arena is NULL; NULL
 * stays NULL. For backends filling structs. */
char *cs_store__dup(struct cs_arena *arena, const char *s, size_t len);

extern const struct cs_store_ops cs_store_sqlite_ops;
#ifdef CS_WITH_POSTGRES
extern const struct cs_store_ops cs_store_pg_ops;
#endif

#endif
