/* SPDX-License-Identifier: MIT */
/*
 * What the PostgreSQL backend's files share: the connection, the statement
 * ids (their text and parameter types are in sql.c), parameters and
 * columns, and the functions of the ops table, each defined in the file of
 * its concern:
 *
 *   pg.c        errors, statements, opening and migrations, transactions, the
 * ops table campaign.c  campaigns, counters, webhook settings, allow-lists
 *   nft.c       NFTs and their history
 *   batch.c     many NFTs at once (the sync's batches)
 *   sync.c      the sync log, the review queue, sync runs
 *   webhook.c   webhook events
 *   chain.c     chain checks and the background verifier's queue
 *   sql.c       the text and parameter types of every statement
 */
#ifndef CS_STORE_PG_INTERNAL_H
#define CS_STORE_PG_INTERNAL_H

#include <assert.h>
#include <inttypes.h>
#include <libpq-fe.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "store/backend.h"
#include "util/arena.h"

/* Parameter type OIDs (pg_type.h is a server header). */
#define OID_BOOL 16
#define OID_BYTEA 17
#define OID_INT8 20
#define OID_TEXT 25
#define OID_TEXT_ARRAY 1009
#define OID_INT8_ARRAY 1016

#define MAX_PARAMS 24
/* Columns of N_WRITE_MANY: the parameters of N_UPDATE and H_INSERT. */
#define WRITE_COLS 23

enum stmt_id {
	S_BEGIN,
	S_BEGIN_W,
	S_COMMIT,
	S_ROLLBACK,
	S_SAVEPOINT,
	S_RELEASE,
	S_ROLLBACK_TO,
	S_VERSION,
	S_XACT_LOCK,
	M_LOCK,
	M_UNLOCK,
	M_STATE,
	M_RECORD,
	M_APPLIED,
	C_INSERT,
	C_GET,
	C_GET_LOCK,
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
	N_GET_ID_LOCK,
	N_GET_UID_LOCK,
	N_GET_MANY,
	N_GET_MANY_LOCK,
	N_LIST_ALL,
	N_LIST_STATUS,
	N_LIST_LOCAL,
	N_SEARCH,
	N_COUNTS,
	N_MAX,
	N_UPDATE,
	N_WRITE_MANY,
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

/*
 * Every statement, with one letter per parameter for its type: i int8,
 * t text, b boolean, y bytea (sent in binary), I int8[] and T text[] (array
 * literals). Declaring the types keeps "$1 IS NULL" and "$1 = 0"
 * unambiguous and lets the planner use indexes.
 */
struct stmt_def {
	const char *sql;
	const char *types;
};

/* Every statement, by id (sql.c). */
extern const struct stmt_def cs_pg__stmts[S_COUNT];

struct cs_store_conn {
	PGconn *conn;
	bool prepared[S_COUNT];
	/* The connection was lost inside the current transaction: every
	 * statement fails with CS_EAGAIN until rollback. */
	bool lost_tx;
	/* The last failure reset the connection. */
	bool was_reset;
	/* The passwords of the URL, as written and decoded, never shown. */
	char **secrets;
	size_t nsecrets;
};

/* Parameters of one statement, as text except bytea (binary). */
struct params {
	int n;
	const char *values[MAX_PARAMS];
	int lengths[MAX_PARAMS];
	int formats[MAX_PARAMS];
	char num[MAX_PARAMS][24];
};

/* One row of a result being read into a struct. */
struct row {
	const PGresult *res;
	int i;
	struct cs_arena *arena;
	bool borrow; /* point into res: the struct is lent to a callback */
};

/* ---- Parameters and columns ------------------------------------------ */

static inline void
p_null(struct params *p)
{
	assert(p->n < MAX_PARAMS);
	p->values[p->n] = NULL;
	p->lengths[p->n] = 0;
	p->formats[p->n] = 0;
	p->n++;
}

static inline void
p_text(struct params *p, const char *s)
{
	assert(p->n < MAX_PARAMS);
	p->values[p->n] = s;
	p->lengths[p->n] = 0;
	p->formats[p->n] = 0;
	p->n++;
}

static inline void
p_int(struct params *p, int64_t v)
{
	assert(p->n < MAX_PARAMS);
	snprintf(p->num[p->n], sizeof(p->num[0]), "%" PRId64, v);
	p_text(p, p->num[p->n]);
}

/* 0 is "none" for optional times and ids. */
static inline void
p_opt(struct params *p, int64_t v)
{
	if (v == 0)
		p_null(p);
	else
		p_int(p, v);
}

/* A limit of 0 or less is no limit (LIMIT NULL). */
static inline void
p_limit(struct params *p, int64_t v)
{
	if (v <= 0)
		p_null(p);
	else
		p_int(p, v);
}

static inline void
p_bool(struct params *p, bool b)
{
	p_text(p, b ? "t" : "f");
}

static inline void
p_bytes(struct params *p, const char *data, int len)
{
	assert(p->n < MAX_PARAMS);
	p->values[p->n] = data;
	p->lengths[p->n] = len;
	p->formats[p->n] = 1;
	p->n++;
}

static inline int64_t
col_i64(const struct row *r, int col)
{
	if (PQgetisnull(r->res, r->i, col))
		return 0;
	return (int64_t)strtoll(PQgetvalue(r->res, r->i, col), NULL, 10);
}

static inline bool
col_bool(const struct row *r, int col)
{
	return !PQgetisnull(r->res, r->i, col) &&
	       PQgetvalue(r->res, r->i, col)[0] == 't';
}

/* The column's text, NULL for NULL (for parsing; owned by the result). */
static inline const char *
col_raw(const struct row *r, int col)
{
	if (PQgetisnull(r->res, r->i, col))
		return NULL;
	return PQgetvalue(r->res, r->i, col);
}

static inline char *
col_text(const struct row *r, int col)
{
	if (PQgetisnull(r->res, r->i, col))
		return NULL;
	if (r->borrow)
		return PQgetvalue(r->res, r->i, col);
	return cs_store__dup(r->arena, PQgetvalue(r->res, r->i, col),
	    (size_t)PQgetlength(r->res, r->i, col));
}

/*
 * pg.c: whether a transaction is open; running a prepared statement for
 * its result (run), for no rows (exec_cmd), for exactly one row changed
 * (exec_one), for the id an INSERT returns (exec_insert) or for one
 * integer (query_i64).
 */
bool cs_pg__in_transaction(const struct cs_store_conn *c);
int cs_pg__run(struct cs_store_conn *c, enum stmt_id id, const struct params *p,
    PGresult **out, struct cs_error *err);
int cs_pg__exec_cmd(struct cs_store_conn *c, enum stmt_id id,
    const struct params *p, struct cs_error *err);
int cs_pg__exec_one(struct cs_store_conn *c, enum stmt_id id,
    const struct params *p, struct cs_error *err);
int cs_pg__exec_insert(struct cs_store_conn *c, enum stmt_id id,
    const struct params *p, int64_t *out, struct cs_error *err);
/** Read row r into the struct out points at; strings per r->arena. */
typedef int (*cs_pg_read_fn)(
    const struct row *r, void *out, struct cs_error *err);

/**
 * Run statement id with p and read its first row with read into out, its
 * strings from arena (NULL: allocated, the caller owns them).
 *
 * @return 0, CS_ENOTFOUND when there is no row (err untouched: the caller
 *         says what is missing), or the error of the statement or of read
 */
int cs_pg__get_row(struct cs_store_conn *c, enum stmt_id id,
    const struct params *p, cs_pg_read_fn read, void *out,
    struct cs_arena *arena, struct cs_error *err);

/** One row of a walk: read it and hand it on; non-zero stops the walk. */
typedef int (*cs_pg_row_fn)(
    const struct row *r, void *payload, struct cs_error *err);

/**
 * Run statement id with p and hand each row to each, borrowed (its
 * strings point into the result, valid during the call), until one
 * returns non-zero, which is returned.
 *
 * @param rows out, may be NULL: how many rows the statement returned
 */
int cs_pg__walk_rows(struct cs_store_conn *c, enum stmt_id id,
    const struct params *p, cs_pg_row_fn each, void *payload, int *rows,
    struct cs_error *err);
/*
 * One page of a listing: rows after key after, at most want of them;
 * *rows says how many came and *last the key of the last one handed out.
 */
typedef int (*cs_pg_page_fn)(struct cs_store_conn *c, void *ctx, int64_t after,
    int64_t want, int *rows, int64_t *last, struct cs_error *err);

/*
 * A listing in pages of CS_PG_LIST_PAGE rows, by keyset on a key that is
 * unique and never changes (nft_number in a campaign, a review item's id),
 * so no row comes twice or is skipped: libpq holds a whole result in
 * memory, and 100,000 NFTs in one took 60 MiB. Each page is read whole
 * before its callbacks, so a callback may use the store. The first page's
 * failure is the caller's to retry (the store retries a walk that handed
 * out nothing); a later page lost with its connection outside a
 * transaction is asked again from where the walk stopped. limit 0: all.
 */
int cs_pg__walk_pages(struct cs_store_conn *c, int64_t after, int64_t limit,
    cs_pg_page_fn page, void *ctx, struct cs_error *err);
int cs_pg__query_i64(struct cs_store_conn *c, enum stmt_id id,
    const struct params *p, int64_t *out, struct cs_error *err);

/*
 * The slots of cs_store_pg_ops, by the file of their concern; backend.h
 * documents each.
 */

/* campaign.c */
int cs_pg__campaign_insert(
    struct cs_store_conn *c, struct cs_campaign *io, struct cs_error *err);
int cs_pg__campaign_get(struct cs_store_conn *c, int64_t id, bool for_update,
    struct cs_campaign *out, struct cs_error *err);
int cs_pg__campaign_get_by_name(struct cs_store_conn *c, const char *name,
    struct cs_campaign *out, struct cs_error *err);
int cs_pg__campaign_list(struct cs_store_conn *c, cs_campaign_cb cb,
    void *payload, struct cs_error *err);
int cs_pg__campaign_update(struct cs_store_conn *c,
    const struct cs_campaign *camp, int64_t now, struct cs_error *err);
int cs_pg__campaign_set_status(struct cs_store_conn *c, int64_t id,
    enum cs_campaign_status status, int64_t now, struct cs_error *err);
int cs_pg__campaign_set_counts(struct cs_store_conn *c, int64_t id,
    const struct cs_counts *counts, int64_t now, struct cs_error *err);
int cs_pg__campaign_add_counts(struct cs_store_conn *c, int64_t id,
    const struct cs_counts *delta, int64_t now, struct cs_error *err);
int cs_pg__campaign_rotate_secret(struct cs_store_conn *c, int64_t id,
    const char *secret, int64_t now, struct cs_error *err);
int cs_pg__campaign_set_webhook(struct cs_store_conn *c, int64_t id,
    const char *url, const char *secret, int64_t now, struct cs_error *err);
int cs_pg__campaign_webhook_url(
    struct cs_store_conn *c, int64_t id, char **out, struct cs_error *err);
int cs_pg__campaign_mark_synced(
    struct cs_store_conn *c, int64_t id, int64_t now, struct cs_error *err);
int cs_pg__campaign_delete(
    struct cs_store_conn *c, int64_t id, struct cs_error *err);
int cs_pg__allowlist_clear(
    struct cs_store_conn *c, int64_t campaign_id, struct cs_error *err);
int cs_pg__allowlist_add(struct cs_store_conn *c, int64_t campaign_id,
    const char *address, struct cs_error *err);
int cs_pg__allowlist_has(struct cs_store_conn *c, int64_t campaign_id,
    const char *address, bool *out, struct cs_error *err);

/* nft.c (read_nft, update_params and history_params serve batch.c too) */
int cs_pg__read_nft(const struct row *r, void *dst, struct cs_error *err);
int cs_pg__nft_insert(
    struct cs_store_conn *c, struct cs_nft *io, struct cs_error *err);
int cs_pg__nft_get(struct cs_store_conn *c, int64_t id, const char *uid,
    struct cs_nft *out, struct cs_arena *arena, struct cs_error *err);
int cs_pg__nft_local_list(struct cs_store_conn *c, int64_t campaign_id,
    cs_local_nft_cb cb, void *payload, struct cs_error *err);
int cs_pg__nft_list(struct cs_store_conn *c, const struct cs_nft_query *q,
    cs_nft_cb cb, void *payload, struct cs_error *err);
int cs_pg__nft_search(struct cs_store_conn *c, const struct cs_nft_query *q,
    const struct cs_search_terms *t, cs_nft_cb cb, void *payload,
    struct cs_error *err);
int cs_pg__nft_counts(struct cs_store_conn *c, int64_t campaign_id,
    struct cs_counts *out, struct cs_error *err);
int cs_pg__nft_max_number(struct cs_store_conn *c, int64_t campaign_id,
    int64_t *out, struct cs_error *err);
void cs_pg__update_params(
    struct params *p, const struct cs_nft *n, int64_t expected_version);
void cs_pg__history_params(struct params *p, const struct cs_history *h);
int cs_pg__nft_update(struct cs_store_conn *c, const struct cs_nft *n,
    int64_t expected_version, struct cs_error *err);
int cs_pg__history_insert(
    struct cs_store_conn *c, struct cs_history *io, struct cs_error *err);
int cs_pg__history_list(struct cs_store_conn *c,
    const struct cs_history_query *q, cs_history_cb cb, void *payload,
    struct cs_error *err);

/* batch.c */
int cs_pg__nft_get_many(struct cs_store_conn *c, const int64_t *ids, size_t n,
    struct cs_nft *out, struct cs_arena *arena, struct cs_error *err);
int cs_pg__nft_write_many(struct cs_store_conn *c, struct cs_nft_write *items,
    size_t n, size_t *done, struct cs_error *err);
int cs_pg__nft_set_payment_url(
    struct cs_store_conn *c, int64_t id, const char *url, struct cs_error *err);
int cs_pg__nft_set_asset_id(struct cs_store_conn *c, int64_t id,
    const char *asset_id, struct cs_error *err);
int cs_pg__nft_pick_available(struct cs_store_conn *c, int64_t campaign_id,
    struct cs_nft *out, struct cs_arena *arena, struct cs_error *err);
int cs_pg__nft_wallet_count(struct cs_store_conn *c, int64_t campaign_id,
    const char *wallet, int64_t now, int64_t *out, struct cs_error *err);
int cs_pg__nft_expired(struct cs_store_conn *c, int64_t now, int64_t limit,
    cs_nft_cb cb, void *payload, struct cs_error *err);
int cs_pg__chain_candidates(struct cs_store_conn *c, int64_t campaign_id,
    int64_t limit, cs_nft_cb cb, void *payload, struct cs_error *err);

/* sync.c */
int cs_pg__sync_log_insert(
    struct cs_store_conn *c, struct cs_sync_log *io, struct cs_error *err);
int cs_pg__sync_log_update(
    struct cs_store_conn *c, const struct cs_sync_log *l, struct cs_error *err);
int cs_pg__sync_log_get(struct cs_store_conn *c, int64_t id,
    struct cs_sync_log *out, struct cs_error *err);
int cs_pg__sync_log_recent(struct cs_store_conn *c, int64_t per_campaign,
    cs_sync_log_cb cb, void *payload, struct cs_error *err);
int cs_pg__sync_log_list(struct cs_store_conn *c,
    const struct cs_sync_log_query *q, cs_sync_log_cb cb, void *payload,
    struct cs_error *err);
int cs_pg__sync_log_prune(struct cs_store_conn *c, int64_t before,
    int64_t *deleted, struct cs_error *err);
int cs_pg__review_insert(struct cs_store_conn *c,
    const struct cs_review_item *r, int64_t *id, struct cs_error *err);
int cs_pg__review_get(struct cs_store_conn *c, int64_t id,
    struct cs_review_item *out, struct cs_error *err);
int cs_pg__review_list(struct cs_store_conn *c, const struct cs_review_query *q,
    cs_review_cb cb, void *payload, struct cs_error *err);
int cs_pg__review_count(struct cs_store_conn *c,
    const struct cs_review_query *q, int64_t *out, struct cs_error *err);
int cs_pg__review_close(struct cs_store_conn *c, int64_t id,
    const char *resolution, int64_t now, struct cs_error *err);
int cs_pg__run_insert(
    struct cs_store_conn *c, struct cs_sync_run *io, struct cs_error *err);
int cs_pg__run_get_active(struct cs_store_conn *c, int64_t campaign_id,
    struct cs_sync_run *out, struct cs_error *err);
int cs_pg__run_update(struct cs_store_conn *c, int64_t id, const char *phase,
    int64_t done, int64_t total, int64_t now, struct cs_error *err);
int cs_pg__run_finish(struct cs_store_conn *c, int64_t id, const char *outcome,
    int64_t sync_log_id, int64_t now, struct cs_error *err);
int cs_pg__run_heartbeat(
    struct cs_store_conn *c, int64_t id, int64_t now, struct cs_error *err);
int cs_pg__run_close(struct cs_store_conn *c, int64_t id, const char *outcome,
    int64_t sync_log_id, int64_t now, struct cs_error *err);
int cs_pg__run_latest(struct cs_store_conn *c, int64_t campaign_id,
    struct cs_sync_run *out, struct cs_error *err);

/* webhook.c */
int cs_pg__webhook_insert(
    struct cs_store_conn *c, struct cs_webhook_event *io, struct cs_error *err);
int cs_pg__webhook_finish(struct cs_store_conn *c, int64_t id,
    const char *outcome, const char *detail, int64_t sync_log_id,
    struct cs_error *err);
int cs_pg__webhook_prune(struct cs_store_conn *c, int64_t before, int64_t limit,
    int64_t *deleted, struct cs_error *err);
int cs_pg__report_prune(struct cs_store_conn *c, int64_t before, int64_t limit,
    int64_t *pruned, struct cs_error *err);
int cs_pg__webhook_list(struct cs_store_conn *c, int64_t campaign_id,
    int64_t limit, bool with_body, cs_webhook_event_cb cb, void *payload,
    struct cs_error *err);

/* alert.c */
int cs_pg__alert_insert(
    struct cs_store_conn *c, struct cs_alert *io, struct cs_error *err);
int cs_pg__alert_list(struct cs_store_conn *c, int64_t campaign_id,
    int64_t limit, cs_alert_cb cb, void *payload, struct cs_error *err);
int cs_pg__alert_prune(struct cs_store_conn *c, int64_t before, int64_t limit,
    int64_t *deleted, struct cs_error *err);

/* chain.c */
int cs_pg__chain_get(struct cs_store_conn *c, const char *asset_id,
    struct cs_chain_check *out, struct cs_error *err);
int cs_pg__chain_put(struct cs_store_conn *c, const struct cs_chain_check *k,
    struct cs_error *err);
int cs_pg__chain_claim(struct cs_store_conn *c, const char *owner, int64_t now,
    int64_t verified_before, int64_t other_before, int64_t lease_until,
    int64_t *ids, size_t *n, struct cs_error *err);
int cs_pg__chain_coverage(struct cs_store_conn *c, int64_t campaign_id,
    int64_t fresh_after, int64_t recheck_ms, struct cs_chain_coverage *out,
    struct cs_error *err);
int cs_pg__chain_problems(struct cs_store_conn *c, int64_t campaign_id,
    int64_t limit, cs_chain_problem_cb cb, void *payload, struct cs_error *err);
int cs_pg__chain_budget_take(struct cs_store_conn *c, int64_t now,
    int64_t rate_milli, int64_t cap_milli, int64_t *millitokens,
    int64_t *blocked_until, char *reason, size_t size, struct cs_error *err);
int cs_pg__chain_budget_block(struct cs_store_conn *c, int64_t until,
    const char *reason, struct cs_error *err);
int cs_pg__chain_release(struct cs_store_conn *c, const char *owner,
    int64_t nft_id, struct cs_error *err);
int cs_pg__nft_mint_fill(
    struct cs_store_conn *c, int64_t id, const char *tx, struct cs_error *err);
int cs_pg__nft_mint_get(
    struct cs_store_conn *c, int64_t id, char **out, struct cs_error *err);

#endif
