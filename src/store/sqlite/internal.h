/* SPDX-License-Identifier: MIT */
/*
 * What the SQLite backend's files share: the connection, the statement ids
 * (their text is in sql.c), the column helpers and the functions of the
 * ops table, each defined in the file of its concern:
 *
 *   sqlite.c    errors, statements, opening and migrations, transactions, the
 * ops table campaign.c  campaigns, counters, webhook settings, allow-lists
 *   nft.c       NFTs and their history
 *   sync.c      the sync log, the review queue, sync runs
 *   webhook.c   webhook events
 *   chain.c     chain checks and the background verifier's queue
 *   sql.c       the text of every statement
 */
#ifndef CS_STORE_SQLITE_INTERNAL_H
#define CS_STORE_SQLITE_INTERNAL_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/backend.h"
#include "util/arena.h"

enum stmt_id {
	S_BEGIN,
	S_BEGIN_W,
	S_COMMIT,
	S_ROLLBACK,
	S_SAVEPOINT,
	S_RELEASE,
	S_ROLLBACK_TO,
	S_VERSION,
	C_INSERT,
	C_GET,
	C_GET_BY_NAME,
	C_LIST,
	C_UPDATE,
	C_SET_STATUS,
	C_SET_COUNTS,
	C_ADD_COUNTS,
	C_ROTATE,
	C_SET_WEBHOOK,
	C_WEBHOOK_URL,
	C_MARK_SYNCED,
	C_DELETE,
	A_CLEAR,
	A_ADD,
	A_HAS,
	N_INSERT,
	N_GET_ID,
	N_GET_UID,
	N_LIST_ALL,
	N_LIST_STATUS,
	N_LIST_LOCAL,
	N_SEARCH,
	N_COUNTS,
	N_MAX,
	N_UPDATE,
	N_SET_URL,
	N_SET_ASSET,
	N_PICK,
	N_WALLET,
	N_EXPIRED,
	N_CANDIDATES,
	H_INSERT,
	H_LIST,
	L_INSERT,
	L_UPDATE,
	L_GET,
	L_LIST,
	L_LIST_DATA,
	L_RECENT,
	L_PRUNE,
	R_INSERT,
	R_GET,
	R_LIST,
	R_COUNT,
	R_CLOSE,
	U_INSERT,
	U_GET_ACTIVE,
	U_UPDATE,
	U_FINISH,
	U_LATEST,
	U_HEARTBEAT,
	U_CLOSE,
	W_INSERT,
	W_FINISH,
	W_LIST,
	W_LIST_BODY,
	W_PRUNE,
	A_INSERT,
	A_LIST,
	A_PRUNE,
	L_PRUNE_REPORTS,
	K_GET,
	K_PUT,
	Q_DUE,
	Q_LEASE,
	Q_COVERAGE,
	Q_PROBLEMS,
	Q_TAKE,
	Q_BUDGET,
	Q_BLOCK,
	Q_MINT_FILL,
	Q_MINT_GET,
	Q_RELEASE,
	S_COUNT
};

/* The text of each statement, by id (sql.c). */
extern const char *const cs_sqlite__sql[S_COUNT];

struct cs_store_conn {
	sqlite3 *db;
	sqlite3_stmt *stmts[S_COUNT];
	struct cs_arena row; /* strings of the row handed to a callback */
	char *path;
	bool readonly; /* the file is read-only to us: reads only */
};

static inline void
done(sqlite3_stmt *st)
{
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
}

static inline void
bind_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s == NULL)
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
}

/* 0 is "none" for optional times and ids. */
static inline void
bind_opt(sqlite3_stmt *st, int i, int64_t v)
{
	if (v == 0)
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_int64(st, i, v);
}

static inline char *
col_text(sqlite3_stmt *st, int i, struct cs_arena *a)
{
	const char *s = (const char *)sqlite3_column_text(st, i);

	if (s == NULL)
		return NULL;
	return cs_store__dup(a, s, (size_t)sqlite3_column_bytes(st, i));
}

/*
 * sqlite.c: an SQLite result code as an enum cs_err with sqlite's message
 * (db_error); the prepared statement of an id (stmt); stepping a statement
 * that returns no row (exec_stmt), or must change one (exec_one).
 */
int cs_sqlite__db_error(struct cs_store_conn *c, int rc, struct cs_error *err);
int cs_sqlite__stmt(struct cs_store_conn *c, enum stmt_id id,
    sqlite3_stmt **out, struct cs_error *err);
int cs_sqlite__exec_stmt(
    struct cs_store_conn *c, sqlite3_stmt *st, struct cs_error *err);
int cs_sqlite__exec_one(
    struct cs_store_conn *c, sqlite3_stmt *st, struct cs_error *err);

/** Read the current row of st into the struct out points at, its strings
 * from a (NULL: allocated, the caller owns them). */
typedef int (*cs_sqlite_read_fn)(
    sqlite3_stmt *st, void *out, struct cs_arena *a, struct cs_error *err);

/**
 * Step the bound statement st for one row and read it with read into out;
 * st is reset after.
 *
 * @return 0, CS_ENOTFOUND when there is no row (err untouched: the caller
 *         says what is missing), or the error of the step or of read
 */
int cs_sqlite__get_row(struct cs_store_conn *c, sqlite3_stmt *st,
    cs_sqlite_read_fn read, void *out, struct cs_arena *a,
    struct cs_error *err);

/** One row of a walk: read it (strings from a) and hand it on; non-zero
 * stops the walk. */
typedef int (*cs_sqlite_row_fn)(
    sqlite3_stmt *st, struct cs_arena *a, void *payload, struct cs_error *err);

/**
 * Step the bound statement st and hand each row to each, its strings in
 * the connection's row arena (reset before each row), until one returns
 * non-zero, which is returned; st is reset after.
 */
int cs_sqlite__walk_rows(struct cs_store_conn *c, sqlite3_stmt *st,
    cs_sqlite_row_fn each, void *payload, struct cs_error *err);

/*
 * The slots of cs_store_sqlite_ops, by the file of their concern; backend.h
 * documents each.
 */

/* campaign.c */
int cs_sqlite__campaign_insert(
    struct cs_store_conn *c, struct cs_campaign *io, struct cs_error *err);
int cs_sqlite__campaign_get(struct cs_store_conn *c, int64_t id,
    bool for_update, struct cs_campaign *out, struct cs_error *err);
int cs_sqlite__campaign_get_by_name(struct cs_store_conn *c, const char *name,
    struct cs_campaign *out, struct cs_error *err);
int cs_sqlite__campaign_list(struct cs_store_conn *c, cs_campaign_cb cb,
    void *payload, struct cs_error *err);
int cs_sqlite__campaign_update(struct cs_store_conn *c,
    const struct cs_campaign *camp, int64_t now, struct cs_error *err);
int cs_sqlite__campaign_set_status(struct cs_store_conn *c, int64_t id,
    enum cs_campaign_status status, int64_t now, struct cs_error *err);
int cs_sqlite__campaign_set_counts(struct cs_store_conn *c, int64_t id,
    const struct cs_counts *counts, int64_t now, struct cs_error *err);
int cs_sqlite__campaign_add_counts(struct cs_store_conn *c, int64_t id,
    const struct cs_counts *delta, int64_t now, struct cs_error *err);
int cs_sqlite__campaign_rotate_secret(struct cs_store_conn *c, int64_t id,
    const char *secret, int64_t now, struct cs_error *err);
int cs_sqlite__campaign_set_webhook(struct cs_store_conn *c, int64_t id,
    const char *url, const char *secret, int64_t now, struct cs_error *err);
int cs_sqlite__campaign_webhook_url(
    struct cs_store_conn *c, int64_t id, char **out, struct cs_error *err);
int cs_sqlite__campaign_mark_synced(
    struct cs_store_conn *c, int64_t id, int64_t now, struct cs_error *err);
int cs_sqlite__campaign_delete(
    struct cs_store_conn *c, int64_t id, struct cs_error *err);
int cs_sqlite__allowlist_clear(
    struct cs_store_conn *c, int64_t campaign_id, struct cs_error *err);
int cs_sqlite__allowlist_add(struct cs_store_conn *c, int64_t campaign_id,
    const char *address, struct cs_error *err);
int cs_sqlite__allowlist_has(struct cs_store_conn *c, int64_t campaign_id,
    const char *address, bool *out, struct cs_error *err);

/* nft.c */
int cs_sqlite__nft_insert(
    struct cs_store_conn *c, struct cs_nft *io, struct cs_error *err);
int cs_sqlite__nft_get(struct cs_store_conn *c, int64_t id, const char *uid,
    struct cs_nft *out, struct cs_arena *arena, struct cs_error *err);
int cs_sqlite__nft_local_list(struct cs_store_conn *c, int64_t campaign_id,
    cs_local_nft_cb cb, void *payload, struct cs_error *err);
int cs_sqlite__nft_list(struct cs_store_conn *c, const struct cs_nft_query *q,
    cs_nft_cb cb, void *payload, struct cs_error *err);
int cs_sqlite__nft_search(struct cs_store_conn *c, const struct cs_nft_query *q,
    const struct cs_search_terms *t, cs_nft_cb cb, void *payload,
    struct cs_error *err);
int cs_sqlite__nft_counts(struct cs_store_conn *c, int64_t campaign_id,
    struct cs_counts *out, struct cs_error *err);
int cs_sqlite__nft_max_number(struct cs_store_conn *c, int64_t campaign_id,
    int64_t *out, struct cs_error *err);
int cs_sqlite__nft_update(struct cs_store_conn *c, const struct cs_nft *n,
    int64_t expected_version, struct cs_error *err);
int cs_sqlite__nft_set_payment_url(
    struct cs_store_conn *c, int64_t id, const char *url, struct cs_error *err);
int cs_sqlite__nft_set_asset_id(struct cs_store_conn *c, int64_t id,
    const char *asset_id, struct cs_error *err);
int cs_sqlite__nft_pick_available(struct cs_store_conn *c, int64_t campaign_id,
    struct cs_nft *out, struct cs_arena *arena, struct cs_error *err);
int cs_sqlite__nft_wallet_count(struct cs_store_conn *c, int64_t campaign_id,
    const char *wallet, int64_t now, int64_t *out, struct cs_error *err);
int cs_sqlite__nft_expired(struct cs_store_conn *c, int64_t now, int64_t limit,
    cs_nft_cb cb, void *payload, struct cs_error *err);
int cs_sqlite__chain_candidates(struct cs_store_conn *c, int64_t campaign_id,
    int64_t limit, cs_nft_cb cb, void *payload, struct cs_error *err);
int cs_sqlite__history_insert(
    struct cs_store_conn *c, struct cs_history *io, struct cs_error *err);
int cs_sqlite__history_list(struct cs_store_conn *c,
    const struct cs_history_query *q, cs_history_cb cb, void *payload,
    struct cs_error *err);

/* sync.c */
int cs_sqlite__sync_log_insert(
    struct cs_store_conn *c, struct cs_sync_log *io, struct cs_error *err);
int cs_sqlite__sync_log_update(
    struct cs_store_conn *c, const struct cs_sync_log *l, struct cs_error *err);
int cs_sqlite__sync_log_get(struct cs_store_conn *c, int64_t id,
    struct cs_sync_log *out, struct cs_error *err);
int cs_sqlite__sync_log_recent(struct cs_store_conn *c, int64_t per_campaign,
    cs_sync_log_cb cb, void *payload, struct cs_error *err);
int cs_sqlite__sync_log_list(struct cs_store_conn *c,
    const struct cs_sync_log_query *q, cs_sync_log_cb cb, void *payload,
    struct cs_error *err);
int cs_sqlite__sync_log_prune(struct cs_store_conn *c, int64_t before,
    int64_t *deleted, struct cs_error *err);
int cs_sqlite__review_insert(struct cs_store_conn *c,
    const struct cs_review_item *r, int64_t *id, struct cs_error *err);
int cs_sqlite__review_get(struct cs_store_conn *c, int64_t id,
    struct cs_review_item *out, struct cs_error *err);
int cs_sqlite__review_list(struct cs_store_conn *c,
    const struct cs_review_query *q, cs_review_cb cb, void *payload,
    struct cs_error *err);
int cs_sqlite__review_count(struct cs_store_conn *c,
    const struct cs_review_query *q, int64_t *out, struct cs_error *err);
int cs_sqlite__review_close(struct cs_store_conn *c, int64_t id,
    const char *resolution, int64_t now, struct cs_error *err);
int cs_sqlite__run_insert(
    struct cs_store_conn *c, struct cs_sync_run *io, struct cs_error *err);
int cs_sqlite__run_get_active(struct cs_store_conn *c, int64_t campaign_id,
    struct cs_sync_run *out, struct cs_error *err);
int cs_sqlite__run_update(struct cs_store_conn *c, int64_t id,
    const char *phase, int64_t done_, int64_t total, int64_t now,
    struct cs_error *err);
int cs_sqlite__run_finish(struct cs_store_conn *c, int64_t id,
    const char *outcome, int64_t sync_log_id, int64_t now,
    struct cs_error *err);
int cs_sqlite__run_heartbeat(
    struct cs_store_conn *c, int64_t id, int64_t now, struct cs_error *err);
int cs_sqlite__run_close(struct cs_store_conn *c, int64_t id,
    const char *outcome, int64_t sync_log_id, int64_t now,
    struct cs_error *err);
int cs_sqlite__run_latest(struct cs_store_conn *c, int64_t campaign_id,
    struct cs_sync_run *out, struct cs_error *err);

/* webhook.c */
int cs_sqlite__webhook_insert(
    struct cs_store_conn *c, struct cs_webhook_event *io, struct cs_error *err);
int cs_sqlite__webhook_finish(struct cs_store_conn *c, int64_t id,
    const char *outcome, const char *detail, int64_t sync_log_id,
    struct cs_error *err);
int cs_sqlite__webhook_prune(struct cs_store_conn *c, int64_t before,
    int64_t limit, int64_t *deleted, struct cs_error *err);
int cs_sqlite__report_prune(struct cs_store_conn *c, int64_t before,
    int64_t limit, int64_t *pruned, struct cs_error *err);
int cs_sqlite__webhook_list(struct cs_store_conn *c, int64_t campaign_id,
    int64_t limit, bool with_body, cs_webhook_event_cb cb, void *payload,
    struct cs_error *err);

/* alert.c */
int cs_sqlite__alert_insert(
    struct cs_store_conn *c, struct cs_alert *io, struct cs_error *err);
int cs_sqlite__alert_list(struct cs_store_conn *c, int64_t campaign_id,
    int64_t limit, cs_alert_cb cb, void *payload, struct cs_error *err);
int cs_sqlite__alert_prune(struct cs_store_conn *c, int64_t before,
    int64_t limit, int64_t *deleted, struct cs_error *err);

/* chain.c */
int cs_sqlite__chain_get(struct cs_store_conn *c, const char *asset_id,
    struct cs_chain_check *out, struct cs_error *err);
int cs_sqlite__chain_put(struct cs_store_conn *c,
    const struct cs_chain_check *k, struct cs_error *err);
int cs_sqlite__chain_claim(struct cs_store_conn *c, const char *owner,
    int64_t now, int64_t verified_before, int64_t other_before,
    int64_t lease_until, int64_t *ids, size_t *n, struct cs_error *err);
int cs_sqlite__chain_coverage(struct cs_store_conn *c, int64_t campaign_id,
    int64_t fresh_after, int64_t recheck_ms, struct cs_chain_coverage *out,
    struct cs_error *err);
int cs_sqlite__chain_problems(struct cs_store_conn *c, int64_t campaign_id,
    int64_t limit, cs_chain_problem_cb cb, void *payload, struct cs_error *err);
int cs_sqlite__chain_budget_take(struct cs_store_conn *c, int64_t now,
    int64_t rate_milli, int64_t cap_milli, int64_t *millitokens,
    int64_t *blocked_until, char *reason, size_t size, struct cs_error *err);
int cs_sqlite__chain_budget_block(struct cs_store_conn *c, int64_t until,
    const char *reason, struct cs_error *err);
int cs_sqlite__chain_release(struct cs_store_conn *c, const char *owner,
    int64_t nft_id, struct cs_error *err);
int cs_sqlite__nft_mint_fill(
    struct cs_store_conn *c, int64_t id, const char *tx, struct cs_error *err);
int cs_sqlite__nft_mint_get(
    struct cs_store_conn *c, int64_t id, char **out, struct cs_error *err);

#endif
