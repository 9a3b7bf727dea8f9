/* SPDX-License-Identifier: MIT */
/*
 * The SQLite backend of the store: WAL, synchronous=FULL, foreign keys, a
 * busy timeout, BEGIN IMMEDIATE for writes, and prepared statements only
 * (each prepared once per connection and reused). The schema comes from the
 * embedded migrations in migrations/sqlite/.
 */
#include "store/backend.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "util/embed.h"
#include "util/limits.h"
#include "util/str.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define APPLICATION_ID 1131636035 /* 'CSYC' */

extern const struct cs_embedded_file cs_sqlite_migrations[];

#define CAMPAIGN_COLS                                                          \
	"id, name, description, nmkr_project_uid, network, status, "           \
	"max_nfts, start_date, end_date, created_at, updated_at, "             \
	"total_nfts, available_nfts, reserved_nfts, sold_nfts, "               \
	"last_synced_at, allow_multiple, reservation_minutes, "                \
	"webhook_secret, webhook_secret_prev, webhook_rotated_at, "            \
	"EXISTS (SELECT 1 FROM campaign_allowlist a "                          \
	"WHERE a.campaign_id = campaigns.id)"

#define NFT_COLS                                                               \
	"id, campaign_id, nft_uid, nft_number, name, status, project_uid, "    \
	"payment_url, image_url, asset_id, created_at, last_modified_at, "     \
	"last_modified_by, last_synced_at, version, reserved_by, "             \
	"reserved_until, sold_to, tx_hash, sold_at, claimed_by, sold_at_raw"

#define HISTORY_COLS                                                           \
	"id, nft_id, campaign_id, old_status, new_status, source, "            \
	"changed_at, sync_log_id, webhook_event_id, detail"

#define LOG_COLS                                                               \
	"id, sync_type, nmkr_project_uid, campaign_id, status, "               \
	"records_synced, errors, sync_started_at, sync_completed_at"

#define REVIEW_COLS                                                            \
	"r.id, r.campaign_id, r.nft_id, n.nft_uid, r.kind, r.local_status, "   \
	"r.remote_state, r.detail, r.created_at, r.sync_log_id, "              \
	"r.resolved_at, r.resolution"

#define WEBHOOK_COLS                                                           \
	"id, campaign_id, project_uid, event_type, dedupe_key, tx_hash, "      \
	"verified, outcome, detail, received_at, sync_log_id, body_sha256, "   \
	"COALESCE(body_len, length(raw_body))"

#define RUN_COLS                                                               \
	"id, campaign_id, owner, phase, done, total, started_at, "             \
	"heartbeat_at, finished_at, outcome, sync_log_id"

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
	L_PRUNE,
	R_INSERT,
	R_GET,
	R_LIST,
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

static const char *const sql[S_COUNT] = {
    [S_BEGIN] = "BEGIN",
    [S_BEGIN_W] = "BEGIN IMMEDIATE",
    [S_COMMIT] = "COMMIT",
    [S_ROLLBACK] = "ROLLBACK",
    [S_SAVEPOINT] = "SAVEPOINT cs_sp",
    [S_RELEASE] = "RELEASE cs_sp",
    [S_ROLLBACK_TO] = "ROLLBACK TO cs_sp",
    [S_VERSION] = "SELECT COALESCE(MAX(version), 0) FROM schema_migrations",

    [C_INSERT] = "INSERT INTO campaigns (name, description, "
                 "nmkr_project_uid, network, status, max_nfts, start_date, "
                 "end_date, created_at, updated_at, allow_multiple, "
                 "reservation_minutes) VALUES "
                 "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    [C_GET] = "SELECT " CAMPAIGN_COLS " FROM campaigns WHERE id = ?1",
    [C_GET_BY_NAME] = "SELECT " CAMPAIGN_COLS " FROM campaigns WHERE name = ?1",
    [C_LIST] = "SELECT " CAMPAIGN_COLS " FROM campaigns ORDER BY id",
    [C_UPDATE] = "UPDATE campaigns SET name = ?2, description = ?3, "
                 "nmkr_project_uid = ?4, network = ?5, max_nfts = ?6, "
                 "start_date = ?7, end_date = ?8, allow_multiple = ?9, "
                 "reservation_minutes = ?10, updated_at = ?11 WHERE id = ?1",
    [C_SET_STATUS] = "UPDATE campaigns SET status = ?2, updated_at = ?3 "
                     "WHERE id = ?1",
    [C_SET_COUNTS] = "UPDATE campaigns SET total_nfts = ?2, "
                     "available_nfts = ?3, reserved_nfts = ?4, "
                     "sold_nfts = ?5, updated_at = ?6 WHERE id = ?1",
    [C_ADD_COUNTS] = "UPDATE campaigns SET total_nfts = total_nfts + ?2, "
                     "available_nfts = available_nfts + ?3, "
                     "reserved_nfts = reserved_nfts + ?4, "
                     "sold_nfts = sold_nfts + ?5, updated_at = ?6 "
                     "WHERE id = ?1",
    [C_ROTATE] = "UPDATE campaigns SET webhook_secret_prev = "
                 "webhook_secret, webhook_secret = ?2, "
                 "webhook_rotated_at = ?3, updated_at = ?3 WHERE id = ?1",
    [C_SET_WEBHOOK] = "UPDATE campaigns SET webhook_secret_prev = CASE "
                      "WHEN webhook_secret IS ?3 THEN webhook_secret_prev "
                      "ELSE webhook_secret END, webhook_rotated_at = CASE "
                      "WHEN webhook_secret IS ?3 THEN webhook_rotated_at "
                      "ELSE ?4 END, webhook_secret = ?3, "
                      "webhook_url = ?2, updated_at = ?4 WHERE id = ?1",
    [C_WEBHOOK_URL] = "SELECT webhook_url FROM campaigns WHERE id = ?1",
    [C_MARK_SYNCED] = "UPDATE campaigns SET last_synced_at = ?2 "
                      "WHERE id = ?1",
    [C_DELETE] = "DELETE FROM campaigns WHERE id = ?1",
    [A_CLEAR] = "DELETE FROM campaign_allowlist WHERE campaign_id = ?1",
    [A_ADD] = "INSERT OR IGNORE INTO campaign_allowlist "
              "(campaign_id, address) VALUES (?1, ?2)",
    [A_HAS] = "SELECT 1 FROM campaign_allowlist "
              "WHERE campaign_id = ?1 AND address = ?2",

    [N_INSERT] = "INSERT INTO nfts (" NFT_COLS ") VALUES (NULL, ?2, ?3, "
                 "?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, "
                 "?16, ?17, ?18, ?19, ?20, ?21, ?22)",
    [N_GET_ID] = "SELECT " NFT_COLS " FROM nfts WHERE id = ?1",
    [N_GET_UID] = "SELECT " NFT_COLS " FROM nfts WHERE nft_uid = ?1",
    [N_LIST_ALL] = "SELECT " NFT_COLS " FROM nfts WHERE campaign_id = ?1 "
                   "AND nft_number > ?2 ORDER BY nft_number LIMIT ?3",
    [N_LIST_STATUS] = "SELECT " NFT_COLS " FROM nfts "
                      "WHERE campaign_id = ?1 AND status = ?4 "
                      "AND nft_number > ?2 ORDER BY nft_number LIMIT ?3",
    [N_COUNTS] = "SELECT status, COUNT(*) FROM nfts WHERE campaign_id = ?1 "
                 "GROUP BY status",
    [N_MAX] = "SELECT COALESCE(MAX(nft_number), 0) FROM nfts "
              "WHERE campaign_id = ?1",
    [N_UPDATE] = "UPDATE nfts SET status = ?3, reserved_by = ?4, "
                 "reserved_until = ?5, sold_to = ?6, tx_hash = ?7, "
                 "sold_at = ?8, last_modified_at = ?9, "
                 "last_modified_by = ?10, last_synced_at = ?11, "
                 "version = ?12, claimed_by = ?13, sold_at_raw = ?14 "
                 "WHERE id = ?1 AND version = ?2",
    [N_SET_URL] = "UPDATE nfts SET payment_url = ?2 WHERE id = ?1",
    [N_SET_ASSET] = "UPDATE nfts SET asset_id = ?2 WHERE id = ?1",
    [N_PICK] = "SELECT " NFT_COLS " FROM nfts WHERE campaign_id = ?1 "
               "AND status = 'available' ORDER BY nft_number LIMIT 1",
    [N_WALLET] = "SELECT COUNT(*) FROM nfts WHERE campaign_id = ?1 "
                 "AND claimed_by = ?2 AND (status = 'sold' OR "
                 "(status = 'reserved' AND reserved_until > ?3))",
    [N_EXPIRED] = "SELECT " NFT_COLS " FROM nfts WHERE status = 'reserved' "
                  "AND reserved_until < ?1 ORDER BY reserved_until LIMIT ?2",
    [N_CANDIDATES] = "SELECT n.id, n.campaign_id, n.nft_uid, n.nft_number, "
                     "n.name, n.status, n.project_uid, n.payment_url, "
                     "n.image_url, n.asset_id, n.created_at, "
                     "n.last_modified_at, n.last_modified_by, "
                     "n.last_synced_at, n.version, n.reserved_by, "
                     "n.reserved_until, n.sold_to, n.tx_hash, n.sold_at, "
                     "n.claimed_by, n.sold_at_raw FROM nfts n "
                     "LEFT JOIN chain_checks k "
                     "ON k.asset_id = n.asset_id WHERE n.campaign_id = ?1 "
                     "AND n.status = 'sold' AND n.asset_id IS NOT NULL "
                     "ORDER BY k.checked_at IS NOT NULL, k.checked_at, "
                     "n.nft_number LIMIT ?2",

    [H_INSERT] = "INSERT INTO status_history (nft_id, campaign_id, "
                 "old_status, new_status, source, changed_at, sync_log_id, "
                 "webhook_event_id, detail) VALUES "
                 "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    [H_LIST] = "SELECT " HISTORY_COLS " FROM status_history "
               "WHERE (?1 = 0 OR nft_id = ?1) "
               "AND (?2 = 0 OR campaign_id = ?2) "
               "AND (?3 = 0 OR sync_log_id = ?3) ORDER BY id LIMIT ?4",

    [L_INSERT] = "INSERT INTO sync_log (sync_type, nmkr_project_uid, "
                 "campaign_id, status, records_synced, errors, synced_data, "
                 "sync_started_at, sync_completed_at) VALUES "
                 "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    [L_UPDATE] = "UPDATE sync_log SET status = ?2, records_synced = ?3, "
                 "errors = ?4, synced_data = ?5, sync_completed_at = ?6 "
                 "WHERE id = ?1",
    [L_GET] = "SELECT " LOG_COLS ", synced_data FROM sync_log "
              "WHERE id = ?1",
    [L_LIST] = "SELECT " LOG_COLS ", NULL FROM sync_log "
               "WHERE (?1 IS NULL OR nmkr_project_uid = ?1) "
               "AND (?2 = 0 OR campaign_id = ?2) "
               "AND (?3 IS NULL OR status = ?3) "
               "AND (?4 IS NULL OR sync_type = ?4) "
               "ORDER BY sync_started_at DESC, id DESC LIMIT ?5",
    [L_LIST_DATA] = "SELECT " LOG_COLS ", synced_data FROM sync_log "
                    "WHERE (?1 IS NULL OR nmkr_project_uid = ?1) "
                    "AND (?2 = 0 OR campaign_id = ?2) "
                    "AND (?3 IS NULL OR status = ?3) "
                    "AND (?4 IS NULL OR sync_type = ?4) "
                    "ORDER BY sync_started_at DESC, id DESC LIMIT ?5",
    [L_PRUNE] = "DELETE FROM sync_log WHERE sync_completed_at < ?1",

    [R_INSERT] = "INSERT INTO review_queue (campaign_id, nft_id, kind, "
                 "local_status, remote_state, detail, created_at, "
                 "sync_log_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    [R_GET] = "SELECT " REVIEW_COLS " FROM review_queue r "
              "JOIN nfts n ON n.id = r.nft_id WHERE r.id = ?1",
    [R_LIST] = "SELECT " REVIEW_COLS " FROM review_queue r "
               "JOIN nfts n ON n.id = r.nft_id "
               "WHERE (?1 = 0 OR r.campaign_id = ?1) "
               "AND (?2 = 0 OR r.resolved_at IS NULL) ORDER BY r.id",
    [R_CLOSE] = "UPDATE review_queue SET resolved_at = ?2, "
                "resolution = ?3 WHERE id = ?1 AND resolved_at IS NULL",

    [U_INSERT] = "INSERT INTO sync_runs (campaign_id, owner, phase, done, "
                 "total, started_at, heartbeat_at) VALUES "
                 "(?1, ?2, ?3, 0, 0, ?4, ?4)",
    [U_GET_ACTIVE] = "SELECT " RUN_COLS " FROM sync_runs "
                     "WHERE campaign_id = ?1 AND finished_at IS NULL",
    [U_UPDATE] = "UPDATE sync_runs SET phase = ?2, done = ?3, total = ?4, "
                 "heartbeat_at = ?5 WHERE id = ?1",
    [U_FINISH] = "UPDATE sync_runs SET finished_at = ?2, outcome = ?3, "
                 "sync_log_id = NULLIF(?4, 0), heartbeat_at = ?2 "
                 "WHERE id = ?1",
    [U_LATEST] = "SELECT " RUN_COLS " FROM sync_runs WHERE campaign_id = ?1 "
                 "ORDER BY started_at DESC, id DESC LIMIT 1",
    [U_HEARTBEAT] = "UPDATE sync_runs SET heartbeat_at = ?2 "
                    "WHERE id = ?1 AND finished_at IS NULL",
    [U_CLOSE] = "UPDATE sync_runs SET finished_at = ?2, outcome = ?3, "
                "sync_log_id = NULLIF(?4, 0), heartbeat_at = ?2 "
                "WHERE id = ?1 AND finished_at IS NULL",

    [W_INSERT] = "INSERT INTO webhook_events (campaign_id, project_uid, "
                 "event_type, dedupe_key, tx_hash, raw_body, verified, "
                 "outcome, detail, received_at, sync_log_id, "
                 "body_sha256, body_len) VALUES "
                 "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
    [W_FINISH] = "UPDATE webhook_events SET outcome = ?2, detail = ?3, "
                 "sync_log_id = NULLIF(?4, 0) WHERE id = ?1",
    [W_LIST] = "SELECT " WEBHOOK_COLS ", NULL FROM webhook_events "
               "WHERE (?1 = 0 OR campaign_id = ?1) "
               "ORDER BY received_at DESC, id DESC LIMIT ?2",
    [W_LIST_BODY] = "SELECT " WEBHOOK_COLS ", raw_body FROM webhook_events "
                    "WHERE (?1 = 0 OR campaign_id = ?1) "
                    "ORDER BY received_at DESC, id DESC LIMIT ?2",
    /* Oldest first, a batch at a time; an event a history row points at
     * stays (status_history_by_webhook finds them). */
    [W_PRUNE] = "DELETE FROM webhook_events WHERE id IN (SELECT e.id "
                "FROM webhook_events e WHERE e.received_at < ?1 "
                "AND NOT EXISTS (SELECT 1 FROM status_history h "
                "WHERE h.webhook_event_id = e.id) "
                "ORDER BY e.received_at LIMIT ?2)",

    [K_GET] = "SELECT asset_id, nft_id, status, message, addresses, "
              "checked_at FROM chain_checks WHERE asset_id = ?1",
    [K_PUT] = "INSERT INTO chain_checks (asset_id, nft_id, status, message, "
              "addresses, checked_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6) "
              "ON CONFLICT (asset_id) DO UPDATE SET nft_id = excluded.nft_id, "
              "status = excluded.status, message = excluded.message, "
              "addresses = excluded.addresses, "
              "checked_at = excluded.checked_at",

    /* The background verifier (migration 008). */
    [Q_DUE] = "SELECT n.id FROM nfts n "
              "LEFT JOIN chain_checks k ON k.asset_id = n.asset_id "
              "LEFT JOIN chain_leases l ON l.nft_id = n.id "
              "WHERE n.status = 'sold' AND n.asset_id IS NOT NULL "
              "AND (l.nft_id IS NULL OR l.lease_until <= ?1) "
              "AND (k.checked_at IS NULL OR (k.status IN ('verified', "
              "'mismatch') AND k.checked_at <= ?2) OR (k.status IN "
              "('pending', 'error') AND k.checked_at <= ?3)) "
              "ORDER BY k.checked_at IS NOT NULL, k.checked_at, n.id "
              "LIMIT ?4",
    [Q_LEASE] = "INSERT INTO chain_leases (nft_id, owner, lease_until) "
                "VALUES (?1, ?2, ?3) ON CONFLICT (nft_id) DO UPDATE SET "
                "owner = excluded.owner, lease_until = excluded.lease_until "
                "WHERE chain_leases.lease_until <= ?4 RETURNING nft_id",
    [Q_COVERAGE] =
        "SELECT COUNT(*), "
        "COALESCE(SUM(CASE WHEN k.checked_at > ?2 AND k.status = "
        "'verified' THEN 1 ELSE 0 END), 0), "
        "COALESCE(SUM(CASE WHEN k.checked_at > ?2 AND k.status = "
        "'pending' THEN 1 ELSE 0 END), 0), "
        "COALESCE(SUM(CASE WHEN k.checked_at > ?2 AND k.status = "
        "'mismatch' THEN 1 ELSE 0 END), 0), "
        "COALESCE(SUM(CASE WHEN k.checked_at > ?2 AND k.status = "
        "'error' THEN 1 ELSE 0 END), 0), "
        "COALESCE(SUM(CASE WHEN k.checked_at IS NULL OR k.checked_at <= ?2 "
        "THEN 1 ELSE 0 END), 0), "
        "COALESCE(MIN(CASE WHEN k.checked_at IS NULL THEN "
        "COALESCE(n.sold_at, n.last_modified_at) WHEN k.checked_at <= ?2 "
        "THEN k.checked_at + ?3 END), 0) "
        "FROM nfts n LEFT JOIN chain_checks k ON k.asset_id = n.asset_id "
        "WHERE n.status = 'sold' AND (?1 = 0 OR n.campaign_id = ?1)",
    [Q_PROBLEMS] = "SELECT k.asset_id, k.nft_id, k.status, k.message, "
                   "k.addresses, k.checked_at, n.nft_uid, n.name "
                   "FROM nfts n JOIN chain_checks k "
                   "ON k.asset_id = n.asset_id WHERE n.status = 'sold' "
                   "AND (?1 = 0 OR n.campaign_id = ?1) "
                   "AND k.status IN ('mismatch', 'error') "
                   "ORDER BY k.status = 'error', k.checked_at DESC, n.id "
                   "LIMIT ?2",
    [Q_TAKE] = "UPDATE chain_budget SET millitokens = MIN(?3, millitokens + "
               "MAX(?1 - updated_ms, 0) * ?2 / 1000) - 1000, "
               "updated_ms = MAX(updated_ms, ?1) "
               "WHERE id = 1 AND blocked_until <= ?1 RETURNING millitokens",
    [Q_BUDGET] = "SELECT blocked_until, blocked_reason FROM chain_budget "
                 "WHERE id = 1",
    [Q_BLOCK] = "UPDATE chain_budget SET blocked_until = ?1, "
                "blocked_reason = ?2 WHERE id = 1 AND blocked_until < ?1",
    [Q_MINT_FILL] = "UPDATE nfts SET nmkr_mint_tx = ?2 WHERE id = ?1 "
                    "AND nmkr_mint_tx IS NULL",
    [Q_MINT_GET] = "SELECT nmkr_mint_tx FROM nfts WHERE id = ?1",
    [Q_RELEASE] = "DELETE FROM chain_leases WHERE nft_id = ?1 AND owner = ?2",
};

struct cs_store_conn {
	sqlite3 *db;
	sqlite3_stmt *stmts[S_COUNT];
	struct cs_arena row; /* strings of the row handed to a callback */
	char *path;
};

/* ---- Errors and statements ------------------------------------------- */

static int
db_error(struct cs_store_conn *c, int rc, struct cs_error *err)
{
	int code;

	switch (rc & 0xff) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		code = CS_EAGAIN;
		break;
	case SQLITE_CONSTRAINT:
		code = (rc == SQLITE_CONSTRAINT_UNIQUE ||
		           rc == SQLITE_CONSTRAINT_PRIMARYKEY)
		           ? CS_ECONFLICT
		           : CS_EINVAL;
		break;
	case SQLITE_NOTADB:
		code = CS_EINVAL;
		break;
	default:
		code = CS_EDB;
	}
	return cs_error_set(err, code, "sqlite: %s",
	    c != NULL && c->db != NULL ? sqlite3_errmsg(c->db)
	                               : sqlite3_errstr(rc));
}

/* The prepared statement id, reset and with its bindings cleared. */
static int
stmt(struct cs_store_conn *c, enum stmt_id id, sqlite3_stmt **out,
    struct cs_error *err)
{
	int rc;

	*out = NULL;
	if (c->stmts[id] == NULL) {
		rc = sqlite3_prepare_v3(c->db, sql[id], -1,
		    SQLITE_PREPARE_PERSISTENT, &c->stmts[id], NULL);
		if (rc != SQLITE_OK)
			return db_error(c, rc, err);
	}
	*out = c->stmts[id];
	return 0;
}

static void
done(sqlite3_stmt *st)
{
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
}

static void
bind_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s == NULL)
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
}

/* 0 is "none" for optional times and ids. */
static void
bind_opt(sqlite3_stmt *st, int i, int64_t v)
{
	if (v == 0)
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_int64(st, i, v);
}

static char *
col_text(sqlite3_stmt *st, int i, struct cs_arena *a)
{
	const char *s = (const char *)sqlite3_column_text(st, i);

	if (s == NULL)
		return NULL;
	return cs_store__dup(a, s, (size_t)sqlite3_column_bytes(st, i));
}

/* Step a statement that returns no row. */
static int
exec_stmt(struct cs_store_conn *c, sqlite3_stmt *st, struct cs_error *err)
{
	int rc;

	rc = sqlite3_step(st);
	done(st);
	if (rc != SQLITE_DONE)
		return db_error(c, rc, err);
	return 0;
}

/* Step an UPDATE that must touch exactly one row. */
static int
exec_one(struct cs_store_conn *c, sqlite3_stmt *st, struct cs_error *err)
{
	int error;

	error = exec_stmt(c, st, err);
	if (error == 0 && sqlite3_changes(c->db) == 0)
		return cs_error_set(err, CS_ENOTFOUND, "no such row");
	return error;
}

static int
exec_sql(struct cs_store_conn *c, const char *text, struct cs_error *err)
{
	char *msg = NULL;
	int rc;

	rc = sqlite3_exec(c->db, text, NULL, NULL, &msg);
	if (rc != SQLITE_OK) {
		int error = db_error(c, rc, err);

		if (msg != NULL)
			cs_error_set(err, error, "sqlite: %s", msg);
		sqlite3_free(msg);
		return error;
	}
	return 0;
}

static int
run_simple(struct cs_store_conn *c, enum stmt_id id, struct cs_error *err)
{
	sqlite3_stmt *st;
	int error;

	error = stmt(c, id, &st, err);
	if (error < 0)
		return error;
	return exec_stmt(c, st, err);
}

/* ---- Opening and migrations ------------------------------------------ */

static const char *
path_of(const char *url)
{
	if (cs_str_startswith(url, "sqlite://"))
		return url + strlen("sqlite://");
	if (cs_str_startswith(url, "sqlite:"))
		return url + strlen("sqlite:");
	return url;
}

static void
sqlite_close(struct cs_store_conn *c)
{
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < S_COUNT; i++)
		sqlite3_finalize(c->stmts[i]);
	sqlite3_close_v2(c->db);
	cs_arena_dispose(&c->row);
	free(c->path);
	free(c);
}

static int
sqlite_open(struct cs_store_conn **out, const char *url, struct cs_error *err)
{
	struct cs_store_conn *c;
	const char *path = path_of(url);
	bool memory = strcmp(path, ":memory:") == 0;
	int rc, error;

	*out = NULL;
	if (*path == '\0')
		return cs_error_set(err, CS_EINVAL, "sqlite: empty path");
	c = cs_xcalloc(1, sizeof(*c));
	cs_arena_init(&c->row);
	c->path = cs_xstrdup(path);
	rc = sqlite3_open_v2(path, &c->db,
	    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
	    NULL);
	if (rc != SQLITE_OK) {
		error = cs_error_set(err, CS_EDB, "sqlite: cannot open %s: %s",
		    path,
		    c->db != NULL ? sqlite3_errmsg(c->db) : sqlite3_errstr(rc));
		goto fail;
	}
	sqlite3_extended_result_codes(c->db, 1);
	sqlite3_busy_timeout(c->db, CS_DB_BUSY_TIMEOUT_MS);
	/* The first read of the file: a file that is not SQLite fails here. */
	error = exec_sql(c, "PRAGMA foreign_keys = ON", err);
	if (error == 0 && !memory)
		error = exec_sql(c, "PRAGMA journal_mode = WAL", err);
	if (error == 0)
		error = exec_sql(c, "PRAGMA synchronous = FULL", err);
	/* Savepoints' journals in memory: a batch of webhooks (a savepoint
	 * each, and one per change) otherwise spilled some 700 pages a
	 * transaction to a temporary file, 1,400 writes (strace). */
	if (error == 0)
		error = exec_sql(c, "PRAGMA temp_store = MEMORY", err);
	if (error == CS_EINVAL) /* SQLITE_NOTADB */
		error = cs_error_wrap(
		    err, CS_EINVAL, "%s is not a campaign-sync database", path);
	if (error < 0)
		goto fail;
	*out = c;
	return 0;
fail:
	sqlite_close(c);
	return error;
}

static int
query_int(struct cs_store_conn *c, const char *text, int64_t *out,
    struct cs_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc;

	rc = sqlite3_prepare_v2(c->db, text, -1, &st, NULL);
	if (rc != SQLITE_OK)
		return db_error(c, rc, err);
	rc = sqlite3_step(st);
	*out = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_error(c, rc, err);
	return 0;
}

/* A database is ours if it is empty or carries our application id. */
static int
check_ours(struct cs_store_conn *c, struct cs_error *err)
{
	int64_t app_id, tables;
	int error;

	error = query_int(c, "PRAGMA application_id", &app_id, err);
	if (error == 0)
		error = query_int(c,
		    "SELECT COUNT(*) FROM sqlite_master "
		    "WHERE type = 'table'",
		    &tables, err);
	if (error < 0)
		return cs_error_wrap(err, CS_EINVAL,
		    "%s is not a campaign-sync database", c->path);
	if (tables > 0 && app_id != APPLICATION_ID)
		return cs_error_set(err, CS_EINVAL,
		    "%s is not a campaign-sync database (it holds other "
		    "tables)",
		    c->path);
	return 0;
}

static int
migration_number(const char *name)
{
	int n = 0;

	for (; *name >= '0' && *name <= '9'; name++)
		n = n * 10 + (*name - '0');
	return n;
}

/* The schema's version, read without a lock; -1 when there is none yet. */
static int
current_version(struct cs_store_conn *c, int64_t *out)
{
	sqlite3_stmt *st = NULL;
	int rc;

	*out = -1;
	rc = sqlite3_prepare_v2(c->db,
	    "SELECT COALESCE(MAX(version), 0) FROM schema_migrations", -1, &st,
	    NULL);
	if (rc == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		*out = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return *out >= 0 ? 0 : -1;
}

static int
sqlite_migrate(struct cs_store_conn *c, int64_t now, struct cs_error *err)
{
	const struct cs_embedded_file *m;
	sqlite3_stmt *st = NULL;
	int64_t have, count, n;
	char q[96];
	int error, rc;

	error = check_ours(c, err);
	if (error < 0)
		return error;
	/* Up to date: no write lock, which a busy writer would make us wait
	 * for (every pooled connection opens through here). Up to date is
	 * every migration recorded, not only the highest: numbers are handed
	 * out to branches that merge in any order, so a lower one may come
	 * after a higher one was applied. */
	for (n = 0, m = cs_sqlite_migrations; m[1].name != NULL; m++)
		n++;
	if (current_version(c, &have) == 0 &&
	    have >= migration_number(m->name) &&
	    query_int(c, "SELECT COUNT(*) FROM schema_migrations", &count,
	        NULL) == 0 &&
	    count >= n + 1)
		return 0;
	for (m = cs_sqlite_migrations; m->name != NULL; m++) {
		int number = migration_number(m->name);

		error = exec_sql(c, "BEGIN IMMEDIATE", err);
		if (error < 0)
			return error;
		error = exec_sql(c,
		    "CREATE TABLE IF NOT EXISTS "
		    "schema_migrations (version INTEGER PRIMARY KEY, "
		    "name TEXT NOT NULL, applied_at INTEGER NOT NULL)",
		    err);
		sqlite3_snprintf((int)sizeof(q), q,
		    "SELECT COUNT(*) FROM schema_migrations WHERE version = %d",
		    number);
		if (error == 0)
			error = query_int(c, q, &have, err);
		/* have: whether this one is recorded (see above) */
		if (error == 0 && have == 0) {
			error = exec_sql(c, (const char *)m->data, err);
			if (error < 0)
				cs_error_wrap(
				    err, error, "migration %s failed", m->name);
		}
		if (error == 0 && have == 0) {
			rc = sqlite3_prepare_v2(c->db,
			    "INSERT INTO schema_migrations VALUES (?1, ?2, ?3)",
			    -1, &st, NULL);
			if (rc == SQLITE_OK) {
				sqlite3_bind_int(st, 1, number);
				sqlite3_bind_text(
				    st, 2, m->name, -1, SQLITE_STATIC);
				sqlite3_bind_int64(st, 3, now);
				rc = sqlite3_step(st);
				if (rc == SQLITE_DONE)
					rc = SQLITE_OK;
			}
			sqlite3_finalize(st);
			st = NULL;
			if (rc != SQLITE_OK)
				error = db_error(c, rc, err);
		}
		if (error == 0)
			error = exec_sql(c, "COMMIT", err);
		if (error < 0) {
			sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
			return error;
		}
	}
	return 0;
}

static int
sqlite_schema_version(struct cs_store_conn *c, int *out, struct cs_error *err)
{
	sqlite3_stmt *st;
	int error, rc;

	error = stmt(c, S_VERSION, &st, err);
	if (error < 0)
		return error;
	rc = sqlite3_step(st);
	*out = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
	done(st);
	return rc == SQLITE_ROW ? 0 : db_error(c, rc, err);
}

/* ---- Transactions ----------------------------------------------------- */

static int
sqlite_begin(struct cs_store_conn *c, bool write, struct cs_error *err)
{
	return run_simple(c, write ? S_BEGIN_W : S_BEGIN, err);
}

static int
sqlite_commit(struct cs_store_conn *c, struct cs_error *err)
{
	return run_simple(c, S_COMMIT, err);
}

static void
sqlite_rollback(struct cs_store_conn *c)
{
	if (!sqlite3_get_autocommit(c->db))
		run_simple(c, S_ROLLBACK, NULL);
}

static int
sqlite_savepoint(struct cs_store_conn *c, struct cs_error *err)
{
	return run_simple(c, S_SAVEPOINT, err);
}

static int
sqlite_release(struct cs_store_conn *c, struct cs_error *err)
{
	return run_simple(c, S_RELEASE, err);
}

static int
sqlite_rollback_to(struct cs_store_conn *c, struct cs_error *err)
{
	int error;

	error = run_simple(c, S_ROLLBACK_TO, err);
	if (error == 0)
		error = run_simple(c, S_RELEASE, err);
	return error;
}

/* ---- Campaigns -------------------------------------------------------- */

static int
read_campaign(struct cs_store_conn *c, sqlite3_stmt *st,
    struct cs_campaign *out, struct cs_arena *a, struct cs_error *err)
{
	const char *network, *status;

	memset(out, 0, sizeof(*out));
	out->id = sqlite3_column_int64(st, 0);
	out->name = col_text(st, 1, a);
	out->description = col_text(st, 2, a);
	out->nmkr_project_uid = col_text(st, 3, a);
	network = (const char *)sqlite3_column_text(st, 4);
	status = (const char *)sqlite3_column_text(st, 5);
	if (cs_network_parse(network, &out->network) < 0 ||
	    cs_campaign_status_parse(status, &out->status) < 0)
		return cs_error_set(err, CS_EDB,
		    "campaign %lld has a bad network or status",
		    (long long)out->id);
	out->max_nfts = sqlite3_column_int64(st, 6);
	out->start_date = sqlite3_column_int64(st, 7);
	out->end_date = sqlite3_column_int64(st, 8);
	out->created_at = sqlite3_column_int64(st, 9);
	out->updated_at = sqlite3_column_int64(st, 10);
	out->counts.total = sqlite3_column_int64(st, 11);
	out->counts.available = sqlite3_column_int64(st, 12);
	out->counts.reserved = sqlite3_column_int64(st, 13);
	out->counts.sold = sqlite3_column_int64(st, 14);
	out->last_synced_at = sqlite3_column_int64(st, 15);
	out->allow_multiple = sqlite3_column_int(st, 16) != 0;
	out->reservation_minutes = sqlite3_column_int(st, 17);
	out->webhook_secret = col_text(st, 18, a);
	out->webhook_secret_prev = col_text(st, 19, a);
	out->webhook_rotated_at = sqlite3_column_int64(st, 20);
	out->has_allowlist = sqlite3_column_int(st, 21) != 0;
	(void)c;
	return 0;
}

static int
sqlite_campaign_insert(
    struct cs_store_conn *c, struct cs_campaign *io, struct cs_error *err)
{
	sqlite3_stmt *st;
	int error;

	error = stmt(c, C_INSERT, &st, err);
	if (error < 0)
		return error;
	bind_text(st, 1, io->name);
	bind_text(st, 2, io->description != NULL ? io->description : "");
	bind_text(st, 3, io->nmkr_project_uid);
	bind_text(st, 4, cs_network_name(io->network));
	bind_text(st, 5, cs_campaign_status_name(io->status));
	sqlite3_bind_int64(st, 6, io->max_nfts);
	bind_opt(st, 7, io->start_date);
	bind_opt(st, 8, io->end_date);
	sqlite3_bind_int64(st, 9, io->created_at);
	sqlite3_bind_int64(st, 10, io->updated_at);
	sqlite3_bind_int(st, 11, io->allow_multiple);
	bind_opt(st, 12, io->reservation_minutes);
	error = exec_stmt(c, st, err);
	if (error == CS_ECONFLICT)
		return cs_error_set(err, CS_ECONFLICT,
		    "a campaign named '%s' exists", io->name);
	if (error < 0)
		return error;
	io->id = sqlite3_last_insert_rowid(c->db);
	return 0;
}

static int
get_campaign(struct cs_store_conn *c, enum stmt_id id, int64_t key,
    const char *name, struct cs_campaign *out, struct cs_error *err)
{
	sqlite3_stmt *st;
	int error, rc;

	error = stmt(c, id, &st, err);
	if (error < 0)
		return error;
	if (name != NULL)
		bind_text(st, 1, name);
	else
		sqlite3_bind_int64(st, 1, key);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		error = read_campaign(c, st, out, NULL, err);
	else if (rc == SQLITE_DONE)
		error = name != NULL ? cs_error_set(err, CS_ENOTFOUND,
		                           "no campaign '%s'", name)
		                     : cs_error_set(err, CS_ENOTFOUND,
		                           "no campaign %lld", (long long)key);
	else
		error = db_error(c, rc, err);
	done(st);
	if (error < 0)
		cs_campaign_dispose(out);
	return error;
}

static int
sqlite_campaign_get(struct cs_store_conn *c, int64_t id, bool for_update,
    struct cs_campaign *out, struct cs_error *err)
{
	(void)for_update; /* BEGIN IMMEDIATE already serializes writers */
	return get_campaign(c, C_GET, id, NULL, out, err);
}

static int
sqlite_campaign_get_by_name(struct cs_store_conn *c, const char *name,
    struct cs_campaign *out, struct cs_error *err)
{
	return get_campaign(c, C_GET_BY_NAME, 0, name, out, err);
}

static int
sqlite_campaign_list(struct cs_store_conn *c, cs_campaign_cb cb, void *payload,
    struct cs_error *err)
{
	struct cs_campaign camp;
	sqlite3_stmt *st;
	int error, rc;

	error = stmt(c, C_LIST, &st, err);
	if (error < 0)
		return error;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		cs_arena_reset(&c->row);
		error = read_campaign(c, st, &camp, &c->row, err);
		if (error == 0)
			error = cb(&camp, payload);
		if (error != 0)
			break;
	}
	if (error == 0 && rc != SQLITE_DONE)
		error = db_error(c, rc, err);
	done(st);
	return error;
}

static int
sqlite_campaign_update(struct cs_store_conn *c, const struct cs_campaign *camp,
    int64_t now, struct cs_error *err)
{
	sqlite3_stmt *st;
	int error;

	error = stmt(c, C_UPDATE, &st, err);
	if (error < 0)
		return error;
	sqlite3_bind_int64(st, 1, camp->id);
	bind_text(st, 2, camp->name);
	bind_text(st, 3, camp->description != NULL ? camp->description : "");
	bind_text(st, 4, camp->nmkr_project_uid);
	bind_text(st, 5, cs_network_name(camp->network));
	sqlite3_bind_int64(st, 6, camp->max_nfts);
	bind_opt(st, 7, camp->start_date);
	bind_opt(st, 8, camp->end_date);
	sqlite3_bind_int(st, 9, camp->allow_multiple);
	bind_opt(st, 10, camp->reservation_minutes);
	sqlite3_bind_int64(st, 11, now);
	error = exec_one(c, st, err);
	if (error == CS_ECONFLICT)
		return cs_error_set(err, CS_ECONFLICT,
		    "a campaign named '%s' exists", camp->name);
	if (error == CS_ENOTFOUND)
		return cs_error_set(
		    err, CS_ENOTFOUND, "no campaign %lld", (long long)camp->id);
	return error;
}

static int
sqlite_campaign_set_status(struct cs_store_conn *c, int64_t id,
    enum cs_campaign_status status, int64_t now, struct cs_error *err)
{
	sqlite3_stmt *st;
	int error;

	error = stmt(c, C_SET_STATUS, &st, err);
	if (error < 0)
		return error;
	sqlite3_bind_int64(st, 1, id);
	bind_text(st, 2, cs_campaign_status_name(status));
	sqlite3_bind_int64(st, 3, now);
	error = exec_one(c, st, err);
	if (error == CS_ENOTFOUND)
		return cs_error_set(
		    err, CS_ENOTFOUND, "no campaign %lld", (long long)id);
	return error;
}

static int
counts_stmt(struct cs_store_conn *c, enum stmt_id which, int64_t id,
    const struct cs_counts *k, int64_t now, struct cs_error *err)
{
	sqlite3_stmt *st;
	int error;

	error = stmt(c, which, &st, err);
	if (error < 0)
		return error;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, k->total);
	sqlite3_bind_int64(st, 3, k->available);
	sqlite3_bind_int64(st, 4, k->reserved);
	sqlite3_bind_int64(st, 5, k->sold);
	sqlite3_bind_int64(st, 6, now);
	return exec_one(c, st, err);
}

static int
sqlite_campaign_set_counts(struct cs_store_conn *c, int64_t id,
    const struct cs_counts *counts, int64_t now, struct cs_error *err)
{
	return counts_stmt(c, C_SET_COUNTS, id, counts, now, err);
}

static int
sqlite_campaign_add_counts(struct cs_store_conn *c, int64_t id,
    const struct cs_counts *delta, int64_t now, struct cs_error *err)
{
	return counts_stmt(c, C_ADD_COUNTS, id, delta, now, err);
}

static int
sqlite_campaign_rotate_secret(struct cs_store_conn *c, int64_t id,
    const char *secret, int64_t now, struct cs_error *err)
{
	sqlite3_stmt *st;
	int error;

	error = stmt(c, C_ROTATE, &st, err);
	if (error < 0)
		return error;
	sqlite3_bind_int64(st, 1, id);
	bind_text(st, 2, secret);
	sqlite3_bind_int64(st, 3, now);
	return exec_one(c, st, err);
}

static int
sqlite_campaign_set_webhook(struct cs_store_conn *c, int64_t id,
    const char *url, const char *secret, int64_t now, struct cs_error *err)
{
	sqlite3_stmt *st;
	int error;

	error = stmt(c, C_SET_WEBHOOK, &st, err);
	if (error < 0)
		return error;
	sqlite3_bind_int64(st, 1, id);
	bind_text(st, 2, url);
	bind_text(st, 3, secret);
	sqlite3_bind_int64(st, 4, now);
	return exec_one(c, st, err);
}

static int
sqlite_campaign_webhook_url(
    struct cs_store_conn *c, int64_t id, char **out, struct cs_error *err)
{
	const char *url;
	sqlite3_stmt *st;
	int error, rc;

	*out = NULL;
	error = stmt(c, C_WEBHOOK_URL, &st, err);
	if (error < 0)
		return error;
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		url = (const char *)sqlite3_column_text(st, 0);
		*out = url != NULL ? cs_xstrdup(url) : NULL;
	} else if (rc == SQLITE_DONE) {
		error = cs_error_set(err, CS_ENOTFOUND,
		    "campaign %lld not found", (long long)id);
	} else {
		error = db_error(c, rc, err);
	}
	done(st);
	return error;
}

static int
id_time_stmt(struct cs_store_conn *c, enum stmt_id which, int64_t id,
    int64_t now, struct cs_error *err)
{
	sqlite3_stmt *st;
	int error;

	error = stmt(c, which, &st, err);
	if (error < 0)
		return error;
	sqlite3_bind_int64(st, 1, id);
	if (now != 0)
		sqlite3_bind_int64(st, 2, now);
	return exec_one(c, st, err);
}

static int
sqlite_campaign_mark_synced(
    struct cs_store_conn *c, int64_t id, int64_t now, struct cs_error *err)
{
	return id_time_stmt(c, C_MARK_SYNCED, id, now, err);
}

static int
sqlite_campaign_delete(
    struct cs_store_conn *c, int64_t id, struct cs_error *err)
{
	int error;

	error = id_time_stmt(c, C_DELETE, id, 0, err);
	if (error == CS_ENOTFOUND)
		return cs_error_set(
		    err, CS_ENOTFOUND, "no campaign %lld", (long long)id);
	return error;
}

static int
sqlite_allowlist_clear(
    struct cs_store_conn *c, int64_t campaign_id, struct cs_error *err)
{
	sqlite3_stmt *st;
	int error;

	error = stmt(c, A_CLEAR, &st, err);
	if (error < 0)
		return error;
	sqlite3_bind_int64(st, 1, campaign_id);
	return exec_stmt(c, st, err);
}

static int
sqlite_allowlist_add(struct cs_store_conn *c, int64_t campaign_id,
    const char *address, struct cs_error *err)
{
	sqlite3_stmt *st;
	int error;

	error = stmt(c, A_ADD, &st, err);
	if (error < 0)
		return error;
	sqlite3_bind_int64(st, 1, campaign_id);
	bind_text(st, 2, address);
	return exec_stmt(c, st, err);
}

static int
sqlite_allowlist_has(struct cs_store_conn *c, int64_t campaign_id,
    const char *address, bool *out, struct cs_error *err)
{
	sqlite3_stmt *st;
	int error, rc;

	error = stmt(c, A_HAS, &st, err);
	if (error < 0)
		return error;
	sqlite3_bind_int64(st, 1, campaign_id);
	bind_text(st, 2, address);
	rc = sqlite3_step(st);
	*out = rc == SQLITE_ROW;
	done(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_error(c, rc, err);
	return 0;
}

/* ---- NFTs ------------------------------------------------------------- */

static int
read_nft(sqlite3_stmt *st, struct cs_nft *out, struct cs_arena *a,
    struct cs_error *err)
{
	const char *status, *by;

	memset(out, 0, sizeof(*out));
	out->id = sqlite3_column_int64(st, 0);
	out->campaign_id = sqlite3_column_int64(st, 1);
	out->nft_uid = col_text(st, 2, a);
	out->nft_number = sqlite3_column_int64(st, 3);
	out->name = col_text(st, 4, a);
	status = (const char *)sqlite3_column_text(st, 5);
	out->project_uid = col_text(st, 6, a);
	out->payment_url = col_text(st, 7, a);
	out->image_url = col_text(st, 8, a);
	out->asset_id = col_text(st, 9, a);
	out->created_at = sqlite3_column_int64(st, 10);
	out->last_modified_at = sqlite3_column_int64(st, 11);
	by = (const char *)sqlite3_column_text(st, 12);
	out->last_synced_at = sqlite3_column_int64(st, 13);
	out->version = sqlite3_column_int64(st, 14);
	out->reserved_by = col_text(st, 15, a);
	out->reserved_until = sqlite3_column_int64(st, 16);
	out->sold_to = col_text(st, 17, a);
	out->tx_hash = col_text(st, 18, a);
	out->sold_at = sqlite3_column_int64(st, 19);
	out->claimed_by = col_text(st, 20, a);
	out->sold_at_raw = col_text(st, 21, a);
	if (cs_nft_status_parse(status, &out->status) < 0 ||
	    cs_source_parse(by, &out->last_modified_by) < 0)
		return cs_error_set(err, CS_EDB,
		    "NFT %lld has a bad status or source", (long long)out->id);
	return 0;
}

static int
sqlite_nft_insert(
    struct cs_store_conn *c, struct cs_nft *io, struct cs_error *err)
{
	sqlite3_stmt *st;
	int error;

	error = stmt(c, N_INSERT, &st, err);
	if (error < 0)
		return error;
	sqlite3_bind_int64(st, 2, io->campaign_id);
	bind_text(st, 3, io->nft_uid);
	sqlite3_bind_int64(st, 4, io->nft_number);
	bind_text(st, 5, io->name);
	bind_text(st, 6, cs_nft_status_name(io->status));
	bind_text(st, 7, io->project_uid);
	bind_text(st, 8, io->payment_url);
	bind_text(st, 9, io->image_url);
	bind_text(st, 10, io->asset_id);
	sqlite3_bind_int64(st, 11, io->created_at);
	sqlite3_bind_int64(st, 12, io->last_modified_at);
	bind_text(st, 13, cs_source_name(io->last_modified_by));
	bind_opt(st, 14, io->last_synced_at);
	sqlite3_bind_int64(st, 15, io->version);
	bind_text(st, 16, io->reserved_by);
	bind_opt(st, 17, io->reserved_until);
	bind_text(st, 18, io->sold_to);
	bind_text(st, 19, io->tx_hash);
	bind_opt(st, 20, io->sold_at);
	bind_text(st, 21, io->claimed_by);
	bind_text(st, 22, io->sold_at_raw);
	error = exec_stmt(c, st, err);
	if (error < 0)
		return error;
	io->id = sqlite3_last_insert_rowid(c->db);
	return 0;
}

static int
sqlite_nft_get(struct cs_store_conn *c, int64_t id, const char *uid,
    struct cs_nft *out, struct cs_arena *arena, struct cs_error *err)
{
	sqlite3_stmt *st;
	int error, rc;

	error = stmt(c, id != 0 ? N_GET_ID : N_GET_UID, &st, err);
	if (error < 0)
		return error;
	if (id != 0)
		sqlite3_bind_int64(st, 1, id);
	else
		bind_text(st, 1, uid);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		error = read_nft(st, out, arena, err);
	else if (rc == SQLITE_DONE)
		error = id != 0 ? cs_error_set(err, CS_ENOTFOUND, "no NFT %lld",
		                      (long long)id)
		                : cs_error_set(
		                      err, CS_ENOTFOUND, "no NFT '%s'", uid);
	else
		error = db_error(c, rc, err);
	done(st);
	if (error < 0 && arena == NULL)
		cs_nft_dispose(out);
	return error;
}

/* Hand each row of a bound NFT query to cb, then reset the statement. */
static int
walk_nfts(struct cs_store_conn *c, sqlite3_stmt *st, cs_nft_cb cb,
    void *payload, struct cs_error *err)
{
	struct cs_nft n;
	int error = 0, rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		cs_arena_reset(&c->row);
		error = read_nft(st, &n, &c->row, err);
		if (error == 0)
			error = cb(&n, payload);
		if (error != 0)
			break;
	}
	if (error == 0 && rc != SQLITE_DONE)
		error = db_error(c, rc, err);
	done(st);
	return error;
}

static int
sqlite_nft_list(struct cs_store_conn *c, const struct cs_nft_query *q,
    cs_nft_cb cb, void *payload, struct cs_error *err)
{
	sqlite3_stmt *st;
	int error;

	error = stmt(c, q->status >= 0 ? N_LIST_STATUS : N_LIST_ALL, &st, err);
	if (error < 0)
		return error;
	sqlite3_bind_int64(st, 1, q->campaign_id);
	sqlite3_bind_int64(st, 2, q->after_number);
	sqlite3_bind_int64(st, 3, q->limit > 0 ? q->limit : -1);
	if (q->status >= 0)
		bind_text(
		    st, 4, cs_nft_status_name((enum cs_nft_status)q->status));
	return walk_nfts(c, st, cb, payload, err);
}

static int
sqlite_nft_counts(struct cs_store_conn *c, int64_t campaign_id,
    struct cs_counts *out, struct cs_error *err)
{
	enum cs_nft_status s;
	sqlite3_stmt *st;
	int error, rc;

	memset(out, 0, sizeof(*out));
	error = stmt(c, N_COUNTS, &st, err);
	if (error < 0)
		return error;
	sqlite3_bind_int64(st, 1, campaign_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (cs_nft_status_parse(
		        (const char *)sqlite3_column_text(st, 0), &s) < 0)
			continue;
		cs_counts_add(out, s, sqlite3_column_int64(st, 1));
	}
	done(st);
	if (rc != SQLITE_DONE)
		return db_error(c, rc, err);
	return 0;
}

static int
sqlite_nft_max_number(struct cs_store_conn *c, int64_t campaign_id,
    int64_t *out, struct cs_error *err)
{
	sqlite3_stmt *st;
	int error, rc;

	error = stmt(c, N_MAX, &st, err);
	if (error < 0)
		return error;
	sqlite3_bind_int64(st, 1, campaign_id);
	rc = sqlite3_step(st);
	*out = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	done(st);
	return rc == SQLITE_ROW ? 0 : db_error(c, rc, err);
}

static int
sqlite_nft_update(struct cs_store_conn *c, const struct cs_nft *n,
    int64_t expected_version, struct cs_error *err)
{
	sqlite3_stmt *st;
	int error;

	error = stmt(c, N_UPDATE, &st, err);
	if (error < 0)
		return error;
	sqlite3_bind_int64(st, 1, n->id);
	sqlite3_bind_int64(st, 2, expected_version);
	bind_text(st, 3, cs_nft_status_name(n->status));
	bind_text(st, 4, n->reserved_by);
	bind_opt(st, 5, n->reserved_until);
	bind_text(st, 6, n->sold_to);
	bind_text(st, 7, n->tx_hash);
	bind_opt(st, 8, n->sold_at);
	sqlite3_bind_int64(st, 9, n->last_modified_at);
	bind_text(st, 10, cs_source_name(n->last_modified_by));
	bind_opt(st, 11, n->last_synced_at);
	sqlite3_bind_int64(st, 12, n->version);
	bind_text(st, 13, n->claimed_by);
	bind_text(st, 14, n->sold_at_raw);
	error = exec_one(c, st, err);
	if (error == CS_ENOTFOUND)
		return cs_error_set(err, CS_ECONFLICT,
		    "NFT %lld changed under us (version %lld moved on)",
		    (long long)n->id, (long long)expected_version);
	return error;
}

static int
sqlite_nft_set_payment_url(
    struct cs_store_conn *c, int64_t id, const char *url, struct cs_error *err)
{
	sqlite3_stmt *st;
	int error;

	error = stmt(c, N_SET_URL, &st, err);
	if (error < 0)
		return error;
	sqlite3_bind_int64(st, 1, id);
	bind_text(st, 2, url);
	return exec_one(c, st, err);
}

static int
sqlite_nft_set_asset_id(struct cs_store_conn *c, int64_t id,
    const char *asset_id, struct cs_error *err)
{
	sqlite3_stmt *st;
	int error;

	error = stmt(c, N_SET_ASSET, &st, err);
	if (error < 0)
		return error;
	sqlite3_bind_int64(st, 1, id);
	bind_text(st, 2, asset_id);
	return exec_one(c, st, err);
}

static int
sqlite_nft_pick_available(struct cs_store_conn *c, int64_t campaign_id,
    struct cs_nft *out, struct cs_arena *arena, struct cs_error *err)
{
	sqlite3_stmt *st;
	int error, rc;

	error = stmt(c, N_PICK, &st, err);
	if (error < 0)
		return error;
	sqlite3_bind_int64(st, 1, campaign_id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		error = read_nft(st, out, arena, err);
	else if (rc == SQLITE_DONE)
		error = cs_error_set(err, CS_ENOTFOUND, "no available NFT");
	else
		error = db_error(c, rc, err);
	done(st);
	if (error < 0 && arena == NULL)
		cs_nft_dispose(out);
	return error;
}

static int
sqlite_nft_wallet_count(struct cs_store_conn *c, int64_t campaign_id,
    const char *wallet, int64_t now, int64_t *out, struct cs_error *err)
{
	sqlite3_stmt *st;
	int error, rc;

	error = stmt(c, N_WALLET, &st, err);
	if (error < 0)
		return error;
	sqlite3_bind_int64(st, 1, campaign_id);
	bind_text(st, 2, wallet);
	sqlite3_bind_int64(st, 3, now);
	rc = sqlite3_step(st);
	*out = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	done(st);
	return rc == SQLITE_ROW ? 0 : db_error(c, rc, err);
}

static int
sqlite_nft_expired(struct cs_store_conn *c, int64_t now, int64_t limit,
    cs_nft_cb cb, void *payload, struct cs_error *err)
{
	sqlite3_stmt *st;
	int error;

	error = stmt(c, N_EXPIRED, &st, err);
	if (error < 0)
		return error;
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_int64(st, 2, limit > 0 ? limit : -1);
	return walk_nfts(c, st, cb, payload, err);
}

static int
sqlite_chain_candidates(struct cs_store_conn *c, int64_t campaign_id,
    int64_t limit, cs_nft_cb cb, void *payload, struct cs_error *err)
{
	sqlite3_stmt *st;
	int error;

	error = stmt(c, N_CANDIDATES, &st, err);
	if (error < 0)
		return error;
	sqlite3_bind_int64(st, 1, campaign_id);
	sqlite3_bind_int64(st, 2, limit > 0 ? limit : -1);
	return walk_nfts(c, st, cb, payload, err);
}

/* ---- History ---------------------------------------------------------- */

static int
sqlite_history_insert(
    struct cs_store_conn *c, struct cs_history *io, struct cs_error *err)
{
	sqlite3_stmt *st;
	int error;

	error = stmt(c, H_INSERT, &st, err);
	if (error < 0)
		return error;
	sqlite3_bind_int64(st, 1, io->nft_id);
	sqlite3_bind_int64(st, 2, io->campaign_id);
	bind_text(st, 3, cs_nft_status_name(io->old_status));
	bind_text(st, 4, cs_nft_status_name(io->new_status));
	bind_text(st, 5, cs_source_name(io->source));
	sqlite3_bind_int64(st, 6, io->changed_at);
	bind_opt(st, 7, io->sync_log_id);
	bind_opt(st, 8, io->webhook_event_id);
	bind_text(st, 9, io->detail);
	error = exec_stmt(c, st, err);
	if (error < 0)
		return error;
	io->id = sqlite3_last_insert_rowid(c->db);
	return 0;
}

static int
sqlite_history_list(struct cs_store_conn *c, const struct cs_history_query *q,
    cs_history_cb cb, void *payload, struct cs_error *err)
{
	struct cs_history h;
	sqlite3_stmt *st;
	int error, rc;

	error = stmt(c, H_LIST, &st, err);
	if (error < 0)
		return error;
	sqlite3_bind_int64(st, 1, q->nft_id);
	sqlite3_bind_int64(st, 2, q->campaign_id);
	sqlite3_bind_int64(st, 3, q->sync_log_id);
	sqlite3_bind_int64(st, 4, q->limit > 0 ? q->limit : -1);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		cs_arena_reset(&c->row);
		memset(&h, 0, sizeof(h));
		h.id = sqlite3_column_int64(st, 0);
		h.nft_id = sqlite3_column_int64(st, 1);
		h.campaign_id = sqlite3_column_int64(st, 2);
		if (cs_nft_status_parse(
		        (const char *)sqlite3_column_text(st, 3),
		        &h.old_status) < 0 ||
		    cs_nft_status_parse(
		        (const char *)sqlite3_column_text(st, 4),
		        &h.new_status) < 0 ||
		    cs_source_parse((const char *)sqlite3_column_text(st, 5),
		        &h.source) < 0) {
			error = cs_error_set(err, CS_EDB,
			    "history row %lld is malformed", (long long)h.id);
			break;
		}
		h.changed_at = sqlite3_column_int64(st, 6);
		h.sync_log_id = sqlite3_column_int64(st, 7);
		h.webhook_event_id = sqlite3_column_int64(st, 8);
		h.detail = col_text(st, 9, &c->row);
		error = cb(&h, payload);
		if (error != 0)
			break;
	}
	if (error == 0 && rc != SQLITE_DONE)
		error = db_error(c, rc, err);
	done(st);
	return error;
}

/* ---- Sync log --------------------------------------------------------- */

static int
read_log(sqlite3_stmt *st, struct cs_sync_log *out, struct cs_arena *a,
    struct cs_error *err)
{
	memset(out, 0, sizeof(*out));
	out->id = sqlite3_column_int64(st, 0);
	if (cs_sync_type_parse((const char *)sqlite3_column_text(st, 1),
	        &out->sync_type) < 0 ||
	    cs_sync_status_parse(
	        (const char *)sqlite3_column_text(st, 4), &out->status) < 0)
		return cs_error_set(err, CS_EDB, "sync log %lld is malformed",
		    (long long)out->id);
	out->nmkr_project_uid = col_text(st, 2, a);
	out->campaign_id = sqlite3_column_int64(st, 3);
	out->records_synced = sqlite3_column_int64(st, 5);
	out->errors = col_text(st, 6, a);
	out->started_at = sqlite3_column_int64(st, 7);
	out->completed_at = sqlite3_column_int64(st, 8);
	out->synced_data = col_text(st, 9, a);
	return 0;
}

static int
sqlite_sync_log_insert(
    struct cs_store_conn *c, struct cs_sync_log *io, struct cs_error *err)
{
	sqlite3_stmt *st;
	int error;

	error = stmt(c, L_INSERT, &st, err);
	if (error < 0)
		return error;
	bind_text(st, 1, cs_sync_type_name(io->sync_type));
	bind_text(
	    st, 2, io->nmkr_project_uid != NULL ? io->nmkr_project_uid : "");
	bind_opt(st, 3, io->campaign_id);
	bind_text(st, 4, cs_sync_status_name(io->status));
	sqlite3_bind_int64(st, 5, io->records_synced);
	bind_text(st, 6, io->errors);
	bind_text(st, 7, io->synced_data);
	sqlite3_bind_int64(st, 8, io->started_at);
	sqlite3_bind_int64(st, 9, io->completed_at);
	error = exec_stmt(c, st, err);
	if (error < 0)
		return error;
	io->id = sqlite3_last_insert_rowid(c->db);
	return 0;
}

static int
sqlite_sync_log_update(
    struct cs_store_conn *c, const struct cs_sync_log *l, struct cs_error *err)
{
	sqlite3_stmt *st;
	int error;

	error = stmt(c, L_UPDATE, &st, err);
	if (error < 0)
		return error;
	sqlite3_bind_int64(st, 1, l->id);
	bind_text(st, 2, cs_sync_status_name(l->status));
	sqlite3_bind_int64(st, 3, l->records_synced);
	bind_text(st, 4, l->errors);
	bind_text(st, 5, l->synced_data);
	sqlite3_bind_int64(st, 6, l->completed_at);
	return exec_one(c, st, err);
}

static int
sqlite_sync_log_get(struct cs_store_conn *c, int64_t id,
    struct cs_sync_log *out, struct cs_error *err)
{
	sqlite3_stmt *st;
	int error, rc;

	error = stmt(c, L_GET, &st, err);
	if (error < 0)
		return error;
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		error = read_log(st, out, NULL, err);
	else if (rc == SQLITE_DONE)
		error = cs_error_set(
		    err, CS_ENOTFOUND, "no sync log %lld", (long long)id);
	else
		error = db_error(c, rc, err);
	done(st);
	if (error < 0)
		cs_sync_log_dispose(out);
	return error;
}

static int
sqlite_sync_log_list(struct cs_store_conn *c, const struct cs_sync_log_query *q,
    cs_sync_log_cb cb, void *payload, struct cs_error *err)
{
	struct cs_sync_log l;
	sqlite3_stmt *st;
	int error, rc;

	error = stmt(c, q->with_data ? L_LIST_DATA : L_LIST, &st, err);
	if (error < 0)
		return error;
	bind_text(st, 1, q->project_uid);
	sqlite3_bind_int64(st, 2, q->campaign_id);
	bind_text(st, 3,
	    q->status >= 0 ? cs_sync_status_name((enum cs_sync_status)q->status)
	                   : NULL);
	bind_text(st, 4,
	    q->type >= 0 ? cs_sync_type_name((enum cs_sync_type)q->type)
	                 : NULL);
	sqlite3_bind_int64(st, 5, q->limit > 0 ? q->limit : 50);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		cs_arena_reset(&c->row);
		error = read_log(st, &l, &c->row, err);
		if (error == 0)
			error = cb(&l, payload);
		if (error != 0)
			break;
	}
	if (error == 0 && rc != SQLITE_DONE)
		error = db_error(c, rc, err);
	done(st);
	return error;
}

static int
sqlite_sync_log_prune(struct cs_store_conn *c, int64_t before, int64_t *deleted,
    struct cs_error *err)
{
	sqlite3_stmt *st;
	int error;

	error = stmt(c, L_PRUNE, &st, err);
	if (error < 0)
		return error;
	sqlite3_bind_int64(st, 1, before);
	error = exec_stmt(c, st, err);
	*deleted = error == 0 ? sqlite3_changes64(c->db) : 0;
	return error;
}

/* ---- Review queue ----------------------------------------------------- */

static int
read_review(sqlite3_stmt *st, struct cs_review_item *out, struct cs_arena *a,
    struct cs_error *err)
{
	memset(out, 0, sizeof(*out));
	out->id = sqlite3_column_int64(st, 0);
	out->campaign_id = sqlite3_column_int64(st, 1);
	out->nft_id = sqlite3_column_int64(st, 2);
	out->nft_uid = col_text(st, 3, a);
	out->kind = col_text(st, 4, a);
	if (cs_nft_status_parse((const char *)sqlite3_column_text(st, 5),
	        &out->local_status) < 0)
		return cs_error_set(err, CS_EDB,
		    "review item %lld is "
		    "malformed",
		    (long long)out->id);
	out->remote_state = col_text(st, 6, a);
	out->detail = col_text(st, 7, a);
	out->created_at = sqlite3_column_int64(st, 8);
	out->sync_log_id = sqlite3_column_int64(st, 9);
	out->resolved_at = sqlite3_column_int64(st, 10);
	out->resolution = col_text(st, 11, a);
	return 0;
}

static int
sqlite_review_insert(struct cs_store_conn *c, const struct cs_review_item *r,
    int64_t *id, struct cs_error *err)
{
	sqlite3_stmt *st;
	int error;

	error = stmt(c, R_INSERT, &st, err);
	if (error < 0)
		return error;
	sqlite3_bind_int64(st, 1, r->campaign_id);
	sqlite3_bind_int64(st, 2, r->nft_id);
	bind_text(st, 3, r->kind);
	bind_text(st, 4, cs_nft_status_name(r->local_status));
	bind_text(st, 5, r->remote_state);
	bind_text(st, 6, r->detail);
	sqlite3_bind_int64(st, 7, r->created_at);
	bind_opt(st, 8, r->sync_log_id);
	error = exec_stmt(c, st, err);
	if (error < 0)
		return error;
	*id = sqlite3_last_insert_rowid(c->db);
	return 0;
}

static int
sqlite_review_get(struct cs_store_conn *c, int64_t id,
    struct cs_review_item *out, struct cs_error *err)
{
	sqlite3_stmt *st;
	int error, rc;

	error = stmt(c, R_GET, &st, err);
	if (error < 0)
		return error;
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		error = read_review(st, out, NULL, err);
	else if (rc == SQLITE_DONE)
		error = cs_error_set(
		    err, CS_ENOTFOUND, "no review item %lld", (long long)id);
	else
		error = db_error(c, rc, err);
	done(st);
	if (error < 0)
		cs_review_item_dispose(out);
	return error;
}

static int
sqlite_review_list(struct cs_store_conn *c, int64_t campaign_id, bool open_only,
    cs_review_cb cb, void *payload, struct cs_error *err)
{
	struct cs_review_item r;
	sqlite3_stmt *st;
	int error, rc;

	error = stmt(c, R_LIST, &st, err);
	if (error < 0)
		return error;
	sqlite3_bind_int64(st, 1, campaign_id);
	sqlite3_bind_int(st, 2, open_only);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		cs_arena_reset(&c->row);
		error = read_review(st, &r, &c->row, err);
		if (error == 0)
			error = cb(&r, payload);
		if (error != 0)
			break;
	}
	if (error == 0 && rc != SQLITE_DONE)
		error = db_error(c, rc, err);
	done(st);
	return error;
}

static int
sqlite_review_close(struct cs_store_conn *c, int64_t id, const char *resolution,
    int64_t now, struct cs_error *err)
{
	sqlite3_stmt *st;
	int error;

	error = stmt(c, R_CLOSE, &st, err);
	if (error < 0)
		return error;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, now);
	bind_text(st, 3, resolution);
	error = exec_one(c, st, err);
	if (error == CS_ENOTFOUND)
		return cs_error_set(err, CS_ECONFLICT,
		    "review item %lld is not open", (long long)id);
	return error;
}

/* ---- Sync runs -------------------------------------------------------- */

static int
sqlite_run_insert(
    struct cs_store_conn *c, struct cs_sync_run *io, struct cs_error *err)
{
	sqlite3_stmt *st;
	int error;

	error = stmt(c, U_INSERT, &st, err);
	if (error < 0)
		return error;
	sqlite3_bind_int64(st, 1, io->campaign_id);
	bind_text(st, 2, io->owner);
	bind_text(st, 3, io->phase);
	sqlite3_bind_int64(st, 4, io->started_at);
	error = exec_stmt(c, st, err);
	if (error < 0)
		return error;
	io->id = sqlite3_last_insert_rowid(c->db);
	return 0;
}

static void
read_run(sqlite3_stmt *st, struct cs_sync_run *out)
{
	memset(out, 0, sizeof(*out));
	out->id = sqlite3_column_int64(st, 0);
	out->campaign_id = sqlite3_column_int64(st, 1);
	out->owner = col_text(st, 2, NULL);
	out->phase = col_text(st, 3, NULL);
	out->done = sqlite3_column_int64(st, 4);
	out->total = sqlite3_column_int64(st, 5);
	out->started_at = sqlite3_column_int64(st, 6);
	out->heartbeat_at = sqlite3_column_int64(st, 7);
	out->finished_at = sqlite3_column_int64(st, 8);
	out->outcome = col_text(st, 9, NULL);
	out->sync_log_id = sqlite3_column_int64(st, 10);
}

static int
sqlite_run_get_active(struct cs_store_conn *c, int64_t campaign_id,
    struct cs_sync_run *out, struct cs_error *err)
{
	sqlite3_stmt *st;
	int error, rc;

	error = stmt(c, U_GET_ACTIVE, &st, err);
	if (error < 0)
		return error;
	sqlite3_bind_int64(st, 1, campaign_id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		read_run(st, out);
	} else if (rc == SQLITE_DONE) {
		error = cs_error_set(err, CS_ENOTFOUND,
		    "no running sync of campaign %lld", (long long)campaign_id);
	} else {
		error = db_error(c, rc, err);
	}
	done(st);
	return error;
}

static int
sqlite_run_update(struct cs_store_conn *c, int64_t id, const char *phase,
    int64_t done_, int64_t total, int64_t now, struct cs_error *err)
{
	sqlite3_stmt *st;
	int error;

	error = stmt(c, U_UPDATE, &st, err);
	if (error < 0)
		return error;
	sqlite3_bind_int64(st, 1, id);
	bind_text(st, 2, phase);
	sqlite3_bind_int64(st, 3, done_);
	sqlite3_bind_int64(st, 4, total);
	sqlite3_bind_int64(st, 5, now);
	return exec_one(c, st, err);
}

static int
sqlite_run_finish(struct cs_store_conn *c, int64_t id, const char *outcome,
    int64_t sync_log_id, int64_t now, struct cs_error *err)
{
	sqlite3_stmt *st;
	int error;

	error = stmt(c, U_FINISH, &st, err);
	if (error < 0)
		return error;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, now);
	bind_text(st, 3, outcome);
	sqlite3_bind_int64(st, 4, sync_log_id);
	return exec_one(c, st, err);
}

static int
sqlite_run_heartbeat(
    struct cs_store_conn *c, int64_t id, int64_t now, struct cs_error *err)
{
	sqlite3_stmt *st;
	int error;

	error = stmt(c, U_HEARTBEAT, &st, err);
	if (error < 0)
		return error;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, now);
	return exec_one(c, st, err);
}

static int
sqlite_run_close(struct cs_store_conn *c, int64_t id, const char *outcome,
    int64_t sync_log_id, int64_t now, struct cs_error *err)
{
	sqlite3_stmt *st;
	int error;

	error = stmt(c, U_CLOSE, &st, err);
	if (error < 0)
		return error;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, now);
	bind_text(st, 3, outcome);
	sqlite3_bind_int64(st, 4, sync_log_id);
	return exec_one(c, st, err);
}

static int
sqlite_run_latest(struct cs_store_conn *c, int64_t campaign_id,
    struct cs_sync_run *out, struct cs_error *err)
{
	sqlite3_stmt *st;
	int error, rc;

	error = stmt(c, U_LATEST, &st, err);
	if (error < 0)
		return error;
	sqlite3_bind_int64(st, 1, campaign_id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		read_run(st, out);
	else if (rc == SQLITE_DONE)
		error = cs_error_set(err, CS_ENOTFOUND,
		    "campaign %lld has never been synced",
		    (long long)campaign_id);
	else
		error = db_error(c, rc, err);
	done(st);
	return error;
}

/* ---- Webhook events --------------------------------------------------- */

static int
sqlite_webhook_insert(
    struct cs_store_conn *c, struct cs_webhook_event *io, struct cs_error *err)
{
	sqlite3_stmt *st;
	int error;

	error = stmt(c, W_INSERT, &st, err);
	if (error < 0)
		return error;
	bind_opt(st, 1, io->campaign_id);
	bind_text(st, 2, io->project_uid);
	bind_text(st, 3, io->event_type);
	bind_text(st, 4, io->dedupe_key);
	bind_text(st, 5, io->tx_hash);
	sqlite3_bind_blob64(st, 6, io->raw_body != NULL ? io->raw_body : "",
	    io->raw_len, SQLITE_STATIC);
	sqlite3_bind_int(st, 7, io->verified);
	bind_text(st, 8, io->outcome);
	bind_text(st, 9, io->detail);
	sqlite3_bind_int64(st, 10, io->received_at);
	bind_opt(st, 11, io->sync_log_id);
	bind_text(st, 12, io->body_sha256);
	sqlite3_bind_int64(st, 13,
	    (sqlite3_int64)(io->body_len > 0 ? io->body_len : io->raw_len));
	error = exec_stmt(c, st, err);
	if (error < 0)
		return error;
	io->id = sqlite3_last_insert_rowid(c->db);
	return 0;
}

static int
sqlite_webhook_finish(struct cs_store_conn *c, int64_t id, const char *outcome,
    const char *detail, int64_t sync_log_id, struct cs_error *err)
{
	sqlite3_stmt *st;
	int error;

	error = stmt(c, W_FINISH, &st, err);
	if (error < 0)
		return error;
	sqlite3_bind_int64(st, 1, id);
	bind_text(st, 2, outcome);
	bind_text(st, 3, detail);
	sqlite3_bind_int64(st, 4, sync_log_id);
	return exec_one(c, st, err);
}

static int
sqlite_webhook_prune(struct cs_store_conn *c, int64_t before, int64_t limit,
    int64_t *deleted, struct cs_error *err)
{
	sqlite3_stmt *st;
	int error;

	*deleted = 0;
	error = stmt(c, W_PRUNE, &st, err);
	if (error < 0)
		return error;
	sqlite3_bind_int64(st, 1, before);
	sqlite3_bind_int64(st, 2, limit);
	error = exec_stmt(c, st, err);
	*deleted = error == 0 ? sqlite3_changes64(c->db) : 0;
	return error;
}

static int
sqlite_webhook_list(struct cs_store_conn *c, int64_t campaign_id, int64_t limit,
    bool with_body, cs_webhook_event_cb cb, void *payload, struct cs_error *err)
{
	struct cs_webhook_event e;
	sqlite3_stmt *st;
	int error, rc;

	error = stmt(c, with_body ? W_LIST_BODY : W_LIST, &st, err);
	if (error < 0)
		return error;
	sqlite3_bind_int64(st, 1, campaign_id);
	sqlite3_bind_int64(st, 2, limit > 0 ? limit : -1);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		cs_arena_reset(&c->row);
		memset(&e, 0, sizeof(e));
		e.id = sqlite3_column_int64(st, 0);
		e.campaign_id = sqlite3_column_int64(st, 1);
		e.project_uid = col_text(st, 2, &c->row);
		e.event_type = col_text(st, 3, &c->row);
		e.dedupe_key = col_text(st, 4, &c->row);
		e.tx_hash = col_text(st, 5, &c->row);
		e.verified = sqlite3_column_int(st, 6) != 0;
		e.outcome = col_text(st, 7, &c->row);
		e.detail = col_text(st, 8, &c->row);
		e.received_at = sqlite3_column_int64(st, 9);
		e.sync_log_id = sqlite3_column_int64(st, 10);
		e.body_sha256 = col_text(st, 11, &c->row);
		e.body_len = (size_t)sqlite3_column_int64(st, 12);
		if (with_body) {
			const void *b = sqlite3_column_blob(st, 13);

			e.raw_len = (size_t)sqlite3_column_bytes(st, 13);
			e.raw_body = cs_arena_alloc(&c->row, e.raw_len + 1);
			if (e.raw_len > 0)
				memcpy(e.raw_body, b, e.raw_len);
			e.raw_body[e.raw_len] = '\0';
		}
		error = cb(&e, payload);
		if (error != 0)
			break;
	}
	if (error == 0 && rc != SQLITE_DONE)
		error = db_error(c, rc, err);
	done(st);
	return error;
}

/* ---- Chain checks ----------------------------------------------------- */

static int
sqlite_chain_get(struct cs_store_conn *c, const char *asset_id,
    struct cs_chain_check *out, struct cs_error *err)
{
	sqlite3_stmt *st;
	int error, rc;

	error = stmt(c, K_GET, &st, err);
	if (error < 0)
		return error;
	bind_text(st, 1, asset_id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		memset(out, 0, sizeof(*out));
		out->asset_id = col_text(st, 0, NULL);
		out->nft_id = sqlite3_column_int64(st, 1);
		if (cs_chain_status_parse(
		        (const char *)sqlite3_column_text(st, 2),
		        &out->status) < 0)
			error = cs_error_set(err, CS_EDB,
			    "chain check of %s is malformed", asset_id);
		out->message = col_text(st, 3, NULL);
		out->addresses = col_text(st, 4, NULL);
		out->checked_at = sqlite3_column_int64(st, 5);
	} else if (rc == SQLITE_DONE) {
		error = cs_error_set(
		    err, CS_ENOTFOUND, "no chain check of %s", asset_id);
	} else {
		error = db_error(c, rc, err);
	}
	done(st);
	if (error < 0)
		cs_chain_check_dispose(out);
	return error;
}

static int
sqlite_chain_put(struct cs_store_conn *c, const struct cs_chain_check *k,
    struct cs_error *err)
{
	sqlite3_stmt *st;
	int error;

	error = stmt(c, K_PUT, &st, err);
	if (error < 0)
		return error;
	bind_text(st, 1, k->asset_id);
	bind_opt(st, 2, k->nft_id);
	bind_text(st, 3, cs_chain_status_name(k->status));
	bind_text(st, 4, k->message);
	bind_text(st, 5, k->addresses);
	sqlite3_bind_int64(st, 6, k->checked_at);
	return exec_stmt(c, st, err);
}

/* ---- The background verifier (migration 008) -------------------------- */

static int
sqlite_chain_claim(struct cs_store_conn *c, const char *owner, int64_t now,
    int64_t verified_before, int64_t other_before, int64_t lease_until,
    int64_t *ids, size_t *n, struct cs_error *err)
{
	sqlite3_stmt *st;
	size_t limit = *n, found = 0, k;
	int error, rc;

	*n = 0;
	error = stmt(c, Q_DUE, &st, err);
	if (error < 0)
		return error;
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_int64(st, 2, verified_before);
	sqlite3_bind_int64(st, 3, other_before);
	sqlite3_bind_int64(st, 4, (int64_t)limit);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && found < limit)
		ids[found++] = sqlite3_column_int64(st, 0);
	done(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_error(c, rc, err);
	for (k = 0; k < found; k++) {
		error = stmt(c, Q_LEASE, &st, err);
		if (error < 0)
			return error;
		sqlite3_bind_int64(st, 1, ids[k]);
		bind_text(st, 2, owner);
		sqlite3_bind_int64(st, 3, lease_until);
		sqlite3_bind_int64(st, 4, now);
		rc = sqlite3_step(st);
		if (rc == SQLITE_ROW)
			ids[(*n)++] = ids[k];
		while (rc == SQLITE_ROW)
			rc = sqlite3_step(st);
		done(st);
		if (rc != SQLITE_DONE)
			return db_error(c, rc, err);
	}
	return 0;
}

static int
sqlite_chain_coverage(struct cs_store_conn *c, int64_t campaign_id,
    int64_t fresh_after, int64_t recheck_ms, struct cs_chain_coverage *out,
    struct cs_error *err)
{
	sqlite3_stmt *st;
	int error, rc;

	error = stmt(c, Q_COVERAGE, &st, err);
	if (error < 0)
		return error;
	sqlite3_bind_int64(st, 1, campaign_id);
	sqlite3_bind_int64(st, 2, fresh_after);
	sqlite3_bind_int64(st, 3, recheck_ms);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		out->sold = sqlite3_column_int64(st, 0);
		out->verified = sqlite3_column_int64(st, 1);
		out->pending = sqlite3_column_int64(st, 2);
		out->mismatch = sqlite3_column_int64(st, 3);
		out->errors = sqlite3_column_int64(st, 4);
		out->unverified = sqlite3_column_int64(st, 5);
		out->oldest_due = sqlite3_column_int64(st, 6);
	} else {
		error = db_error(c, rc, err);
	}
	done(st);
	return error;
}

static int
sqlite_chain_problems(struct cs_store_conn *c, int64_t campaign_id,
    int64_t limit, cs_chain_problem_cb cb, void *payload, struct cs_error *err)
{
	struct cs_chain_check k;
	sqlite3_stmt *st;
	int error, rc;

	error = stmt(c, Q_PROBLEMS, &st, err);
	if (error < 0)
		return error;
	sqlite3_bind_int64(st, 1, campaign_id);
	sqlite3_bind_int64(st, 2, limit > 0 ? limit : -1);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		memset(&k, 0, sizeof(k));
		k.asset_id =
		    CS_UNCONST((const char *)sqlite3_column_text(st, 0));
		k.nft_id = sqlite3_column_int64(st, 1);
		if (cs_chain_status_parse(
		        (const char *)sqlite3_column_text(st, 2), &k.status) <
		    0)
			k.status = CS_CHAIN_ERROR;
		k.message =
		    CS_UNCONST((const char *)sqlite3_column_text(st, 3));
		k.addresses =
		    CS_UNCONST((const char *)sqlite3_column_text(st, 4));
		k.checked_at = sqlite3_column_int64(st, 5);
		error = cb(&k, (const char *)sqlite3_column_text(st, 6),
		    (const char *)sqlite3_column_text(st, 7), payload);
		if (error != 0)
			break;
	}
	if (error == 0 && rc != SQLITE_DONE)
		error = db_error(c, rc, err);
	done(st);
	return error;
}

static int
sqlite_chain_budget_take(struct cs_store_conn *c, int64_t now,
    int64_t rate_milli, int64_t cap_milli, int64_t *millitokens,
    int64_t *blocked_until, char *reason, size_t size, struct cs_error *err)
{
	sqlite3_stmt *st;
	bool taken = false;
	int error, rc;

	error = stmt(c, Q_TAKE, &st, err);
	if (error < 0)
		return error;
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_int64(st, 2, rate_milli);
	sqlite3_bind_int64(st, 3, cap_milli);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		taken = true;
		*millitokens = sqlite3_column_int64(st, 0);
		rc = sqlite3_step(st);
	}
	done(st);
	if (rc != SQLITE_DONE)
		return db_error(c, rc, err);
	if (taken)
		return 0;
	error = stmt(c, Q_BUDGET, &st, err);
	if (error < 0)
		return error;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*blocked_until = sqlite3_column_int64(st, 0);
		cs_str_copy(reason,
		    sqlite3_column_text(st, 1) != NULL
		        ? (const char *)sqlite3_column_text(st, 1)
		        : "",
		    size);
		error = cs_error_set(err, CS_ERATELIMIT,
		    "the chain budget is blocked: %s", reason);
	} else {
		error = rc == SQLITE_DONE
		            ? cs_error_set(err, CS_EDB, "no chain_budget row")
		            : db_error(c, rc, err);
	}
	done(st);
	return error;
}

static int
sqlite_chain_budget_block(struct cs_store_conn *c, int64_t until,
    const char *reason, struct cs_error *err)
{
	sqlite3_stmt *st;
	int error;

	error = stmt(c, Q_BLOCK, &st, err);
	if (error < 0)
		return error;
	sqlite3_bind_int64(st, 1, until);
	bind_text(st, 2, reason);
	return exec_stmt(c, st, err);
}

static int
sqlite_chain_release(struct cs_store_conn *c, const char *owner, int64_t nft_id,
    struct cs_error *err)
{
	sqlite3_stmt *st;
	int error;

	error = stmt(c, Q_RELEASE, &st, err);
	if (error < 0)
		return error;
	sqlite3_bind_int64(st, 1, nft_id);
	bind_text(st, 2, owner);
	return exec_stmt(c, st, err);
}

static int
sqlite_nft_mint_fill(
    struct cs_store_conn *c, int64_t id, const char *tx, struct cs_error *err)
{
	sqlite3_stmt *st;
	int error;

	error = stmt(c, Q_MINT_FILL, &st, err);
	if (error < 0)
		return error;
	sqlite3_bind_int64(st, 1, id);
	bind_text(st, 2, tx);
	return exec_stmt(c, st, err);
}

static int
sqlite_nft_mint_get(
    struct cs_store_conn *c, int64_t id, char **out, struct cs_error *err)
{
	sqlite3_stmt *st;
	int error, rc;

	error = stmt(c, Q_MINT_GET, &st, err);
	if (error < 0)
		return error;
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*out = col_text(st, 0, NULL);
	else if (rc == SQLITE_DONE)
		error = cs_error_set(
		    err, CS_ENOTFOUND, "no NFT %lld", (long long)id);
	else
		error = db_error(c, rc, err);
	done(st);
	return error;
}

const struct cs_store_ops cs_store_sqlite_ops = {
    .scheme = "sqlite",
    .open = sqlite_open,
    .close = sqlite_close,
    .migrate = sqlite_migrate,
    .schema_version = sqlite_schema_version,
    .begin = sqlite_begin,
    .commit = sqlite_commit,
    .rollback = sqlite_rollback,
    .savepoint = sqlite_savepoint,
    .release = sqlite_release,
    .rollback_to = sqlite_rollback_to,
    .campaign_insert = sqlite_campaign_insert,
    .campaign_get = sqlite_campaign_get,
    .campaign_get_by_name = sqlite_campaign_get_by_name,
    .campaign_list = sqlite_campaign_list,
    .campaign_update = sqlite_campaign_update,
    .campaign_set_status = sqlite_campaign_set_status,
    .campaign_set_counts = sqlite_campaign_set_counts,
    .campaign_add_counts = sqlite_campaign_add_counts,
    .campaign_rotate_secret = sqlite_campaign_rotate_secret,
    .campaign_mark_synced = sqlite_campaign_mark_synced,
    .campaign_set_webhook = sqlite_campaign_set_webhook,
    .campaign_webhook_url = sqlite_campaign_webhook_url,
    .campaign_delete = sqlite_campaign_delete,
    .allowlist_clear = sqlite_allowlist_clear,
    .allowlist_add = sqlite_allowlist_add,
    .allowlist_has = sqlite_allowlist_has,
    .nft_insert = sqlite_nft_insert,
    .nft_get = sqlite_nft_get,
    .nft_list = sqlite_nft_list,
    .nft_counts = sqlite_nft_counts,
    .nft_max_number = sqlite_nft_max_number,
    .nft_update = sqlite_nft_update,
    .nft_set_payment_url = sqlite_nft_set_payment_url,
    .nft_set_asset_id = sqlite_nft_set_asset_id,
    .nft_pick_available = sqlite_nft_pick_available,
    .nft_wallet_count = sqlite_nft_wallet_count,
    .nft_expired = sqlite_nft_expired,
    .chain_candidates = sqlite_chain_candidates,
    .history_insert = sqlite_history_insert,
    .history_list = sqlite_history_list,
    .sync_log_insert = sqlite_sync_log_insert,
    .sync_log_update = sqlite_sync_log_update,
    .sync_log_get = sqlite_sync_log_get,
    .sync_log_list = sqlite_sync_log_list,
    .sync_log_prune = sqlite_sync_log_prune,
    .review_insert = sqlite_review_insert,
    .review_get = sqlite_review_get,
    .review_list = sqlite_review_list,
    .review_close = sqlite_review_close,
    .run_insert = sqlite_run_insert,
    .run_get_active = sqlite_run_get_active,
    .run_update = sqlite_run_update,
    .run_finish = sqlite_run_finish,
    .run_latest = sqlite_run_latest,
    .run_heartbeat = sqlite_run_heartbeat,
    .run_close = sqlite_run_close,
    .webhook_insert = sqlite_webhook_insert,
    .webhook_finish = sqlite_webhook_finish,
    .webhook_list = sqlite_webhook_list,
    .webhook_prune = sqlite_webhook_prune,
    .chain_get = sqlite_chain_get,
    .chain_put = sqlite_chain_put,
    .chain_claim = sqlite_chain_claim,
    .chain_coverage = sqlite_chain_coverage,
    .chain_problems = sqlite_chain_problems,
    .chain_budget_take = sqlite_chain_budget_take,
    .chain_budget_block = sqlite_chain_budget_block,
    .chain_release = sqlite_chain_release,
    .nft_mint_fill = sqlite_nft_mint_fill,
    .nft_mint_get = sqlite_nft_mint_get,
    .advisory_lock = NULL,
};
