/* SPDX-License-Identifier: MIT */
/*
 * The PostgreSQL backend of the store (libpq): READ COMMITTED write
 * transactions, row locks and advisory locks where backend.h asks for them so
 * that instances sharing one database serialize per campaign, and named
 * prepared statements only, each prepared once per connection on first use
 * and run in one round trip. Lost connections are reset and reported as
 * CS_EAGAIN so store.c retries the transaction. The schema comes from the
 * embedded migrations in migrations/pg/.
 */
#include "store/backend.h"

#include <assert.h>
#include <inttypes.h>
#include <libpq-fe.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/embed.h"
#include "util/limits.h"
#include "util/log.h"
#include "util/str.h"
#include "util/time.h"
#include "util/xalloc.h"
#include "util/banned.h"

extern const struct cs_embedded_file cs_pg_migrations[];

/* Session advisory lock held while migrating ('CSYC', below the keys of
 * store.c, which start at 1 << 40). */
#define MIGRATE_LOCK 1131636035
/* Marks schema_migrations as ours (SQLite has its application_id). */
#define MIGRATIONS_MARK "campaign-sync schema migrations"

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
/* Rows per query of a listing (pg_nft_list). */
#define LIST_PAGE 1000

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

#define NFT_COLS_N                                                             \
	"n.id, n.campaign_id, n.nft_uid, n.nft_number, n.name, n.status, "     \
	"n.project_uid, n.payment_url, n.image_url, n.asset_id, "              \
	"n.created_at, n.last_modified_at, n.last_modified_by, "               \
	"n.last_synced_at, n.version, n.reserved_by, n.reserved_until, "       \
	"n.sold_to, n.tx_hash, n.sold_at, n.claimed_by, n.sold_at_raw"

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

#define LOG_FILTER                                                             \
	"WHERE ($1 IS NULL OR nmkr_project_uid = $1) "                         \
	"AND ($2 = 0 OR campaign_id = $2) "                                    \
	"AND ($3 IS NULL OR status = $3) "                                     \
	"AND ($4 IS NULL OR sync_type = $4) "                                  \
	"ORDER BY sync_started_at DESC, id DESC LIMIT $5"

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

static const struct stmt_def stmts[S_COUNT] = {
    /* A read transaction sees one snapshot, as SQLite's BEGIN does. */
    [S_BEGIN] = {"BEGIN ISOLATION LEVEL REPEATABLE READ", ""},
    [S_BEGIN_W] = {"BEGIN ISOLATION LEVEL READ COMMITTED", ""},
    [S_COMMIT] = {"COMMIT", ""},
    [S_ROLLBACK] = {"ROLLBACK", ""},
    [S_SAVEPOINT] = {"SAVEPOINT cs_sp", ""},
    [S_RELEASE] = {"RELEASE SAVEPOINT cs_sp", ""},
    [S_ROLLBACK_TO] = {"ROLLBACK TO SAVEPOINT cs_sp", ""},
    [S_VERSION] = {"SELECT COALESCE(MAX(version), 0) "
                   "FROM schema_migrations",
        ""},
    [S_XACT_LOCK] = {"SELECT pg_advisory_xact_lock($1)", "i"},

    [M_LOCK] = {"SELECT pg_advisory_lock($1)", "i"},
    [M_UNLOCK] = {"SELECT pg_advisory_unlock($1)", "i"},
    /* The schema we create in, how many tables it holds, and the mark
     * on its schema_migrations (NULL when there is none). */
    [M_STATE] = {"SELECT current_schema(), current_database(), "
                 "(SELECT COUNT(*) FROM pg_catalog.pg_tables "
                 "WHERE schemaname = current_schema()), "
                 "(SELECT COALESCE(obj_description(c.oid, 'pg_class'), '') "
                 "FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace s "
                 "ON s.oid = c.relnamespace WHERE s.nspname = "
                 "current_schema() AND c.relname = 'schema_migrations' "
                 "AND c.relkind = 'r')",
        ""},
    [M_RECORD] = {"INSERT INTO schema_migrations (version, name, "
                  "applied_at) VALUES ($1, $2, $3)",
        "iti"},
    /* Whether one version is recorded: numbers are handed out to
     * branches that merge in any order, so a lower one may come after a
     * higher one was applied. */
    [M_APPLIED] = {"SELECT COUNT(*) FROM schema_migrations WHERE version = "
                   "$1",
        "i"},

    [C_INSERT] = {"INSERT INTO campaigns (name, description, "
                  "nmkr_project_uid, network, status, max_nfts, start_date, "
                  "end_date, created_at, updated_at, allow_multiple, "
                  "reservation_minutes) VALUES "
                  "($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) "
                  "RETURNING id",
        "tttttiiiiibi"},
    [C_GET] = {"SELECT " CAMPAIGN_COLS " FROM campaigns WHERE id = $1", "i"},
    /* NO KEY UPDATE: the lock an UPDATE of the row takes, which leaves
     * foreign key checks of inserts elsewhere (KEY SHARE) alone. */
    [C_GET_LOCK] = {"SELECT " CAMPAIGN_COLS " FROM campaigns "
                    "WHERE id = $1 FOR NO KEY UPDATE",
        "i"},
    [C_GET_BY_NAME] = {"SELECT " CAMPAIGN_COLS
                       " FROM campaigns WHERE name = $1",
        "t"},
    [C_LIST] = {"SELECT " CAMPAIGN_COLS " FROM campaigns ORDER BY id", ""},
    [C_UPDATE] = {"UPDATE campaigns SET name = $2, description = $3, "
                  "nmkr_project_uid = $4, network = $5, max_nfts = $6, "
                  "start_date = $7, end_date = $8, allow_multiple = $9, "
                  "reservation_minutes = $10, updated_at = $11 "
                  "WHERE id = $1",
        "ittttiiibii"},
    [C_SET_STATUS] = {"UPDATE campaigns SET status = $2, updated_at = $3 "
                      "WHERE id = $1",
        "iti"},
    [C_SET_COUNTS] = {"UPDATE campaigns SET total_nfts = $2, "
                      "available_nfts = $3, reserved_nfts = $4, "
                      "sold_nfts = $5, updated_at = $6 WHERE id = $1",
        "iiiiii"},
    [C_ADD_COUNTS] = {"UPDATE campaigns SET total_nfts = total_nfts + $2, "
                      "available_nfts = available_nfts + $3, "
                      "reserved_nfts = reserved_nfts + $4, "
                      "sold_nfts = sold_nfts + $5, updated_at = $6 "
                      "WHERE id = $1",
        "iiiiii"},
    [C_ROTATE] = {"UPDATE campaigns SET webhook_secret_prev = "
                  "webhook_secret, webhook_secret = $2, "
                  "webhook_rotated_at = $3, updated_at = $3 WHERE id = $1",
        "iti"},
    [C_SET_WEBHOOK] = {"UPDATE campaigns SET webhook_secret_prev = CASE "
                       "WHEN webhook_secret IS NOT DISTINCT FROM $3 THEN "
                       "webhook_secret_prev ELSE webhook_secret END, "
                       "webhook_rotated_at = CASE WHEN webhook_secret IS "
                       "NOT DISTINCT FROM $3 THEN webhook_rotated_at "
                       "ELSE $4 END, webhook_secret = $3, "
                       "webhook_url = $2, updated_at = $4 WHERE id = $1",
        "itti"},
    [C_WEBHOOK_URL] = {"SELECT webhook_url FROM campaigns WHERE id = $1", "i"},
    [C_MARK_SYNCED] = {"UPDATE campaigns SET last_synced_at = $2 "
                       "WHERE id = $1",
        "ii"},
    [C_DELETE] = {"DELETE FROM campaigns WHERE id = $1", "i"},
    [A_CLEAR] = {"DELETE FROM campaign_allowlist WHERE campaign_id = $1", "i"},
    [A_ADD] = {"INSERT INTO campaign_allowlist (campaign_id, address) "
               "VALUES ($1, $2) ON CONFLICT DO NOTHING",
        "it"},
    [A_HAS] = {"SELECT 1 FROM campaign_allowlist "
               "WHERE campaign_id = $1 AND address = $2",
        "it"},

    [N_INSERT] = {"INSERT INTO nfts (campaign_id, nft_uid, nft_number, "
                  "name, status, project_uid, payment_url, image_url, "
                  "asset_id, created_at, last_modified_at, "
                  "last_modified_by, last_synced_at, version, reserved_by, "
                  "reserved_until, sold_to, tx_hash, sold_at, claimed_by, "
                  "sold_at_raw) "
                  "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, "
                  "$12, $13, $14, $15, $16, $17, $18, $19, $20, $21) "
                  "RETURNING id",
        "itittttttiitiitittitt"},
    [N_GET_ID] = {"SELECT " NFT_COLS " FROM nfts WHERE id = $1", "i"},
    [N_GET_UID] = {"SELECT " NFT_COLS " FROM nfts WHERE nft_uid = $1", "t"},
    [N_GET_ID_LOCK] = {"SELECT " NFT_COLS " FROM nfts WHERE id = $1 "
                       "FOR NO KEY UPDATE",
        "i"},
    [N_GET_UID_LOCK] = {"SELECT " NFT_COLS " FROM nfts WHERE nft_uid = $1 "
                        "FOR NO KEY UPDATE",
        "t"},
    /* Locks in id order, as the sync orders its changes. */
    [N_GET_MANY] = {"SELECT " NFT_COLS " FROM nfts WHERE id = ANY($1) "
                    "ORDER BY id",
        "I"},
    [N_GET_MANY_LOCK] = {"SELECT " NFT_COLS " FROM nfts WHERE id = ANY($1) "
                         "ORDER BY id FOR NO KEY UPDATE",
        "I"},
    [N_LIST_ALL] = {"SELECT " NFT_COLS " FROM nfts WHERE campaign_id = $1 "
                    "AND nft_number > $2 ORDER BY nft_number LIMIT $3",
        "iii"},
    [N_LIST_STATUS] = {"SELECT " NFT_COLS " FROM nfts "
                       "WHERE campaign_id = $1 AND status = $4 "
                       "AND nft_number > $2 ORDER BY nft_number LIMIT $3",
        "iiit"},
    [N_COUNTS] = {"SELECT status, COUNT(*) FROM nfts "
                  "WHERE campaign_id = $1 GROUP BY status",
        "i"},
    [N_MAX] = {"SELECT COALESCE(MAX(nft_number), 0) FROM nfts "
               "WHERE campaign_id = $1",
        "i"},
    [N_UPDATE] = {"UPDATE nfts SET status = $3, reserved_by = $4, "
                  "reserved_until = $5, sold_to = $6, tx_hash = $7, "
                  "sold_at = $8, last_modified_at = $9, "
                  "last_modified_by = $10, last_synced_at = $11, "
                  "version = $12, claimed_by = $13, sold_at_raw = $14 "
                  "WHERE id = $1 AND version = $2",
        "iittittiitiitt"},
    /* N_UPDATE and H_INSERT for many NFTs (distinct ids), their
     * parameters as arrays: a history row for each row the
     * compare-and-set updated, in the items' order. */
    [N_WRITE_MANY] = {"WITH i AS (SELECT * FROM unnest($1, $2, $3, $4, $5, "
                      "$6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, "
                      "$17, $18, $19, $20, $21, $22, $23) WITH ORDINALITY "
                      "AS t(id, expected_version, status, reserved_by, "
                      "reserved_until, sold_to, tx_hash, sold_at, "
                      "last_modified_at, last_modified_by, last_synced_at, "
                      "version, claimed_by, sold_at_raw, h_nft_id, "
                      "h_campaign_id, "
                      "h_old_status, h_new_status, h_source, h_changed_at, "
                      "h_sync_log_id, h_webhook_event_id, h_detail, ord)), "
                      "u AS (UPDATE nfts n SET status = i.status, "
                      "reserved_by = i.reserved_by, "
                      "reserved_until = i.reserved_until, "
                      "sold_to = i.sold_to, tx_hash = i.tx_hash, "
                      "sold_at = i.sold_at, "
                      "last_modified_at = i.last_modified_at, "
                      "last_modified_by = i.last_modified_by, "
                      "last_synced_at = i.last_synced_at, "
                      "version = i.version, claimed_by = i.claimed_by, "
                      "sold_at_raw = i.sold_at_raw "
                      "FROM i WHERE n.id = i.id "
                      "AND n.version = i.expected_version RETURNING n.id) "
                      "INSERT INTO status_history (nft_id, campaign_id, "
                      "old_status, new_status, source, changed_at, "
                      "sync_log_id, webhook_event_id, detail) "
                      "SELECT i.h_nft_id, i.h_campaign_id, i.h_old_status, "
                      "i.h_new_status, i.h_source, i.h_changed_at, "
                      "i.h_sync_log_id, i.h_webhook_event_id, i.h_detail "
                      "FROM i JOIN u ON u.id = i.id ORDER BY i.ord "
                      "RETURNING nft_id, id",
        "IITTITTIITIITT"
        "IITTTIIIT"},
    [N_SET_URL] = {"UPDATE nfts SET payment_url = $2 WHERE id = $1", "it"},
    [N_SET_ASSET] = {"UPDATE nfts SET asset_id = $2 WHERE id = $1", "it"},
    /* Locks the row it hands out; a writer holding it is waited for and
     * the row re-checked, so the lowest available number still wins. */
    [N_PICK] = {"SELECT " NFT_COLS " FROM nfts WHERE campaign_id = $1 "
                "AND status = 'available' ORDER BY nft_number LIMIT 1 "
                "FOR NO KEY UPDATE",
        "i"},
    [N_WALLET] = {"SELECT COUNT(*) FROM nfts WHERE campaign_id = $1 "
                  "AND claimed_by = $2 AND (status = 'sold' OR "
                  "(status = 'reserved' AND reserved_until > $3))",
        "iti"},
    /* Ties in id order, as SQLite's walk of nfts_by_status gives. */
    [N_EXPIRED] = {"SELECT " NFT_COLS " FROM nfts "
                   "WHERE status = 'reserved' AND reserved_until < $1 "
                   "ORDER BY reserved_until, id LIMIT $2",
        "ii"},
    [N_CANDIDATES] = {"SELECT " NFT_COLS_N " FROM nfts n "
                      "LEFT JOIN chain_checks k ON k.asset_id = n.asset_id "
                      "WHERE n.campaign_id = $1 AND n.status = 'sold' "
                      "AND n.asset_id IS NOT NULL "
                      "ORDER BY k.checked_at ASC NULLS FIRST, n.nft_number "
                      "LIMIT $2",
        "ii"},

    [H_INSERT] = {"INSERT INTO status_history (nft_id, campaign_id, "
                  "old_status, new_status, source, changed_at, sync_log_id, "
                  "webhook_event_id, detail) VALUES "
                  "($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
        "iitttiiit"},
    [H_LIST] = {"SELECT " HISTORY_COLS " FROM status_history "
                "WHERE ($1 = 0 OR nft_id = $1) "
                "AND ($2 = 0 OR campaign_id = $2) "
                "AND ($3 = 0 OR sync_log_id = $3) ORDER BY id LIMIT $4",
        "iiii"},

    [L_INSERT] = {"INSERT INTO sync_log (sync_type, nmkr_project_uid, "
                  "campaign_id, status, records_synced, errors, synced_data, "
                  "sync_started_at, sync_completed_at) VALUES "
                  "($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
        "ttitittii"},
    [L_UPDATE] = {"UPDATE sync_log SET status = $2, records_synced = $3, "
                  "errors = $4, synced_data = $5, sync_completed_at = $6 "
                  "WHERE id = $1",
        "ititti"},
    [L_GET] = {"SELECT " LOG_COLS ", synced_data FROM sync_log "
               "WHERE id = $1",
        "i"},
    [L_LIST] = {"SELECT " LOG_COLS ", NULL FROM sync_log " LOG_FILTER, "titti"},
    [L_LIST_DATA] = {"SELECT " LOG_COLS
                     ", synced_data FROM sync_log " LOG_FILTER,
        "titti"},
    [L_PRUNE] = {"DELETE FROM sync_log WHERE sync_completed_at < $1", "i"},

    /* An open item of the same NFT and kind is a conflict that must not
     * abort the transaction: store.c goes on after it. */
    [R_INSERT] = {"INSERT INTO review_queue (campaign_id, nft_id, kind, "
                  "local_status, remote_state, detail, created_at, "
                  "sync_log_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) "
                  "ON CONFLICT (nft_id, kind) WHERE resolved_at IS NULL "
                  "DO NOTHING RETURNING id",
        "iittttii"},
    [R_GET] = {"SELECT " REVIEW_COLS " FROM review_queue r "
               "JOIN nfts n ON n.id = r.nft_id WHERE r.id = $1",
        "i"},
    [R_LIST] = {"SELECT " REVIEW_COLS " FROM review_queue r "
                "JOIN nfts n ON n.id = r.nft_id "
                "WHERE ($1 = 0 OR r.campaign_id = $1) "
                "AND (NOT $2 OR r.resolved_at IS NULL) ORDER BY r.id",
        "ib"},
    [R_CLOSE] = {"UPDATE review_queue SET resolved_at = $2, "
                 "resolution = $3 WHERE id = $1 AND resolved_at IS NULL",
        "iit"},

    [U_INSERT] = {"INSERT INTO sync_runs (campaign_id, owner, phase, done, "
                  "total, started_at, heartbeat_at) VALUES "
                  "($1, $2, $3, 0, 0, $4, $4) RETURNING id",
        "itti"},
    [U_GET_ACTIVE] = {"SELECT " RUN_COLS " FROM sync_runs "
                      "WHERE campaign_id = $1 AND finished_at IS NULL",
        "i"},
    [U_UPDATE] = {"UPDATE sync_runs SET phase = $2, done = $3, "
                  "total = $4, heartbeat_at = $5 WHERE id = $1",
        "itiii"},
    [U_FINISH] = {"UPDATE sync_runs SET finished_at = $2, outcome = $3, "
                  "sync_log_id = NULLIF($4, 0), heartbeat_at = $2 "
                  "WHERE id = $1",
        "iiti"},
    [U_LATEST] = {"SELECT " RUN_COLS " FROM sync_runs "
                  "WHERE campaign_id = $1 "
                  "ORDER BY started_at DESC, id DESC LIMIT 1",
        "i"},
    [U_HEARTBEAT] = {"UPDATE sync_runs SET heartbeat_at = $2 "
                     "WHERE id = $1 AND finished_at IS NULL",
        "ii"},
    [U_CLOSE] = {"UPDATE sync_runs SET finished_at = $2, outcome = $3, "
                 "sync_log_id = NULLIF($4, 0), heartbeat_at = $2 "
                 "WHERE id = $1 AND finished_at IS NULL",
        "iiti"},

    /* A taken dedupe key is a conflict that must not abort the
     * transaction: store.c then records the event as a replay. */
    [W_INSERT] = {"INSERT INTO webhook_events (campaign_id, project_uid, "
                  "event_type, dedupe_key, tx_hash, raw_body, verified, "
                  "outcome, detail, received_at, sync_log_id, "
                  "body_sha256, body_len) VALUES "
                  "($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) "
                  "ON CONFLICT (dedupe_key) DO NOTHING RETURNING id",
        "ittttybttiiti"},
    [W_FINISH] = {"UPDATE webhook_events SET outcome = $2, detail = $3, "
                  "sync_log_id = NULLIF($4, 0) WHERE id = $1",
        "itti"},
    [W_LIST] = {"SELECT " WEBHOOK_COLS " FROM webhook_events "
                "WHERE ($1 = 0 OR campaign_id = $1) "
                "ORDER BY received_at DESC, id DESC LIMIT $2",
        "ii"},
    [W_LIST_BODY] = {"SELECT " WEBHOOK_COLS ", raw_body "
                     "FROM webhook_events "
                     "WHERE ($1 = 0 OR campaign_id = $1) "
                     "ORDER BY received_at DESC, id DESC LIMIT $2",
        "ii"},
    /* Oldest first, a batch at a time; an event a history row points at
     * stays (status_history_by_webhook finds them). */
    [W_PRUNE] = {"DELETE FROM webhook_events WHERE id IN (SELECT e.id "
                 "FROM webhook_events e WHERE e.received_at < $1 "
                 "AND NOT EXISTS (SELECT 1 FROM status_history h "
                 "WHERE h.webhook_event_id = e.id) "
                 "ORDER BY e.received_at LIMIT $2)",
        "ii"},

    [K_GET] = {"SELECT asset_id, nft_id, status, message, addresses, "
               "checked_at FROM chain_checks WHERE asset_id = $1",
        "t"},
    [K_PUT] = {"INSERT INTO chain_checks (asset_id, nft_id, status, "
               "message, addresses, checked_at) "
               "VALUES ($1, $2, $3, $4, $5, $6) "
               "ON CONFLICT (asset_id) DO UPDATE SET "
               "nft_id = excluded.nft_id, status = excluded.status, "
               "message = excluded.message, "
               "addresses = excluded.addresses, "
               "checked_at = excluded.checked_at",
        "tittti"},

    /* The background verifier (migration 008). FOR UPDATE OF n SKIP
     * LOCKED: two instances claiming at once take different NFTs; the
     * lease's ON CONFLICT ... WHERE is the last word. */
    [Q_DUE] = {"SELECT n.id FROM nfts n "
               "LEFT JOIN chain_checks k ON k.asset_id = n.asset_id "
               "LEFT JOIN chain_leases l ON l.nft_id = n.id "
               "WHERE n.status = 'sold' AND n.asset_id IS NOT NULL "
               "AND (l.nft_id IS NULL OR l.lease_until <= $1) "
               "AND (k.checked_at IS NULL OR (k.status IN ('verified', "
               "'mismatch') AND k.checked_at <= $2) OR (k.status IN "
               "('pending', 'error') AND k.checked_at <= $3)) "
               "ORDER BY k.checked_at NULLS FIRST, n.id LIMIT $4 "
               "FOR UPDATE OF n SKIP LOCKED",
        "iiii"},
    [Q_LEASE] = {"INSERT INTO chain_leases (nft_id, owner, lease_until) "
                 "VALUES ($1, $2, $3) ON CONFLICT (nft_id) DO UPDATE SET "
                 "owner = excluded.owner, "
                 "lease_until = excluded.lease_until "
                 "WHERE chain_leases.lease_until <= $4 RETURNING nft_id",
        "itii"},
    [Q_COVERAGE] =
        {"SELECT COUNT(*), "
         "COALESCE(SUM(CASE WHEN k.checked_at > $2 AND k.status = "
         "'verified' THEN 1 ELSE 0 END), 0), "
         "COALESCE(SUM(CASE WHEN k.checked_at > $2 AND k.status = "
         "'pending' THEN 1 ELSE 0 END), 0), "
         "COALESCE(SUM(CASE WHEN k.checked_at > $2 AND k.status = "
         "'mismatch' THEN 1 ELSE 0 END), 0), "
         "COALESCE(SUM(CASE WHEN k.checked_at > $2 AND k.status = "
         "'error' THEN 1 ELSE 0 END), 0), "
         "COALESCE(SUM(CASE WHEN k.checked_at IS NULL OR "
         "k.checked_at <= $2 THEN 1 ELSE 0 END), 0), "
         "COALESCE(MIN(CASE WHEN k.checked_at IS NULL THEN "
         "COALESCE(n.sold_at, n.last_modified_at) WHEN k.checked_at <= $2 "
         "THEN k.checked_at + $3 END), 0) "
         "FROM nfts n LEFT JOIN chain_checks k ON k.asset_id = n.asset_id "
         "WHERE n.status = 'sold' AND ($1 = 0 OR n.campaign_id = $1)",
            "iii"},
    [Q_PROBLEMS] = {"SELECT k.asset_id, k.nft_id, k.status, k.message, "
                    "k.addresses, k.checked_at, n.nft_uid, n.name "
                    "FROM nfts n JOIN chain_checks k "
                    "ON k.asset_id = n.asset_id WHERE n.status = 'sold' "
                    "AND ($1 = 0 OR n.campaign_id = $1) "
                    "AND k.status IN ('mismatch', 'error') "
                    "ORDER BY k.status = 'error', k.checked_at DESC, n.id "
                    "LIMIT $2",
        "ii"},
    /* The bucket refills on the database's clock: instances need not
     * agree on the time. */
    [Q_TAKE] = {"WITH t AS (SELECT (EXTRACT(EPOCH FROM clock_timestamp()) "
                "* 1000)::bigint AS now) "
                "UPDATE chain_budget b SET millitokens = LEAST($3, "
                "b.millitokens + GREATEST(t.now - b.updated_ms, 0) * $2 / "
                "1000) - 1000, updated_ms = GREATEST(b.updated_ms, t.now) "
                "FROM t WHERE b.id = 1 AND b.blocked_until <= $1 "
                "RETURNING b.millitokens",
        "iii"},
    [Q_BUDGET] = {"SELECT blocked_until, blocked_reason FROM chain_budget "
                  "WHERE id = 1",
        ""},
    [Q_BLOCK] = {"UPDATE chain_budget SET blocked_until = $1, "
                 "blocked_reason = $2 WHERE id = 1 AND blocked_until < $1",
        "it"},
    [Q_MINT_FILL] = {"UPDATE nfts SET nmkr_mint_tx = $2 WHERE id = $1 "
                     "AND nmkr_mint_tx IS NULL",
        "it"},
    [Q_MINT_GET] = {"SELECT nmkr_mint_tx FROM nfts WHERE id = $1", "i"},
    [Q_RELEASE] = {"DELETE FROM chain_leases WHERE nft_id = $1 AND owner = $2",
        "it"},
};

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

static void
p_null(struct params *p)
{
	assert(p->n < MAX_PARAMS);
	p->values[p->n] = NULL;
	p->lengths[p->n] = 0;
	p->formats[p->n] = 0;
	p->n++;
}

static void
p_text(struct params *p, const char *s)
{
	assert(p->n < MAX_PARAMS);
	p->values[p->n] = s;
	p->lengths[p->n] = 0;
	p->formats[p->n] = 0;
	p->n++;
}

static void
p_int(struct params *p, int64_t v)
{
	assert(p->n < MAX_PARAMS);
	snprintf(p->num[p->n], sizeof(p->num[0]), "%" PRId64, v);
	p_text(p, p->num[p->n]);
}

/* 0 is "none" for optional times and ids. */
static void
p_opt(struct params *p, int64_t v)
{
	if (v == 0)
		p_null(p);
	else
		p_int(p, v);
}

/* A limit of 0 or less is no limit (LIMIT NULL). */
static void
p_limit(struct params *p, int64_t v)
{
	if (v <= 0)
		p_null(p);
	else
		p_int(p, v);
}

static void
p_bool(struct params *p, bool b)
{
	p_text(p, b ? "t" : "f");
}

static void
p_bytes(struct params *p, const char *data, int len)
{
	assert(p->n < MAX_PARAMS);
	p->values[p->n] = data;
	p->lengths[p->n] = len;
	p->formats[p->n] = 1;
	p->n++;
}

static int64_t
col_i64(const struct row *r, int col)
{
	if (PQgetisnull(r->res, r->i, col))
		return 0;
	return (int64_t)strtoll(PQgetvalue(r->res, r->i, col), NULL, 10);
}

static bool
col_bool(const struct row *r, int col)
{
	return !PQgetisnull(r->res, r->i, col) &&
	       PQgetvalue(r->res, r->i, col)[0] == 't';
}

/* The column's text, NULL for NULL (for parsing; owned by the result). */
static const char *
col_raw(const struct row *r, int col)
{
	if (PQgetisnull(r->res, r->i, col))
		return NULL;
	return PQgetvalue(r->res, r->i, col);
}

static char *
col_text(const struct row *r, int col)
{
	if (PQgetisnull(r->res, r->i, col))
		return NULL;
	if (r->borrow)
		return PQgetvalue(r->res, r->i, col);
	return cs_store__dup(r->arena, PQgetvalue(r->res, r->i, col),
	    (size_t)PQgetlength(r->res, r->i, col));
}

/* ---- Errors ----------------------------------------------------------- */

/* The first line of text, without libpq's "ERROR:  " prefix. */
static void
first_line(
    const struct cs_store_conn *c, const char *text, char *out, size_t size)
{
	size_t n;

	if (text == NULL || *text == '\0')
		text = "unknown error";
	if (strncmp(text, "ERROR:  ", 8) == 0)
		text += 8;
	else if (strncmp(text, "FATAL:  ", 8) == 0)
		text += 8;
	n = strcspn(text, "\n");
	if (n >= size)
		n = size - 1;
	memcpy(out, text, n);
	out[n] = '\0';
	cs_str_scrub(out, size, (const char *const *)c->secrets, c->nsecrets);
}

static bool
state_is(const char *state, const char *prefix)
{
	return state != NULL && strncmp(state, prefix, strlen(prefix)) == 0;
}

static void
forget_prepared(struct cs_store_conn *c)
{
	memset(c->prepared, 0, sizeof(c->prepared));
}

/* The session settings every connection (and reconnection) gets. */
static int
session_init(struct cs_store_conn *c, char *msg, size_t size)
{
	PGresult *res;
	int ok;

	res = PQexec(c->conn, "SET synchronous_commit = on");
	ok = res != NULL && PQresultStatus(res) == PGRES_COMMAND_OK;
	if (!ok)
		first_line(c, PQerrorMessage(c->conn), msg, size);
	PQclear(res);
	return ok ? 0 : -1;
}

/*
 * Map a failed statement to an error code and message. A lost connection is
 * reset at once and reported as CS_EAGAIN: the server rolled back whatever
 * transaction was open, so store.c may run it again.
 */
static int
pg_error(struct cs_store_conn *c, const PGresult *res, bool in_tx,
    struct cs_error *err)
{
	const char *state = NULL, *text = NULL;
	char msg[CS_ERROR_MSG_LEN], why[CS_ERROR_MSG_LEN];
	int code;

	if (res != NULL) {
		state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
		text = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
	}
	first_line(
	    c, text != NULL ? text : PQerrorMessage(c->conn), msg, sizeof(msg));
	if (PQstatus(c->conn) == CONNECTION_BAD || state == NULL ||
	    state_is(state, "08") || state_is(state, "57P")) {
		c->was_reset = true;
		if (in_tx)
			c->lost_tx = true;
		forget_prepared(c);
		PQreset(c->conn);
		if (PQstatus(c->conn) != CONNECTION_OK) {
			first_line(
			    c, PQerrorMessage(c->conn), why, sizeof(why));
			return cs_error_set(err, CS_EAGAIN,
			    "postgres: lost the connection (%s); reconnecting "
			    "failed: %s",
			    msg, why);
		}
		if (session_init(c, why, sizeof(why)) < 0)
			cs_log_warn(
			    "store", "postgres: after reconnecting: %s", why);
		return cs_error_set(err, CS_EAGAIN,
		    "postgres: lost the connection (%s); reconnected", msg);
	}
	if (state_is(state, "40001") || state_is(state, "40P01") ||
	    state_is(state, "55P03"))
		code = CS_EAGAIN;
	else if (state_is(state, "23505"))
		code = CS_ECONFLICT;
	else if (state_is(state, "23") || state_is(state, "22"))
		code = CS_EINVAL;
	else
		code = CS_EDB;
	return cs_error_set(err, code, "postgres: %s", msg);
}

static bool
in_transaction(const struct cs_store_conn *c)
{
	PGTransactionStatusType ts = PQtransactionStatus(c->conn);

	return ts == PQTRANS_INTRANS || ts == PQTRANS_INERROR ||
	       ts == PQTRANS_ACTIVE;
}

/* ---- Statements ------------------------------------------------------- */

static void
stmt_name(enum stmt_id id, char *out, size_t size)
{
	snprintf(out, size, "cs_%d", (int)id);
}

static int
prepare(
    struct cs_store_conn *c, enum stmt_id id, bool in_tx, struct cs_error *err)
{
	Oid types[MAX_PARAMS];
	const char *t = stmts[id].types;
	char name[16];
	PGresult *res;
	int i, n = (int)strlen(t), error = 0;

	if (c->prepared[id])
		return 0;
	assert(stmts[id].sql != NULL && n <= MAX_PARAMS);
	for (i = 0; i < n; i++) {
		switch (t[i]) {
		case 'i':
			types[i] = OID_INT8;
			break;
		case 'b':
			types[i] = OID_BOOL;
			break;
		case 'y':
			types[i] = OID_BYTEA;
			break;
		case 'I':
			types[i] = OID_INT8_ARRAY;
			break;
		case 'T':
			types[i] = OID_TEXT_ARRAY;
			break;
		default:
			types[i] = OID_TEXT;
		}
	}
	stmt_name(id, name, sizeof(name));
	res = PQprepare(c->conn, name, stmts[id].sql, n, types);
	if (res == NULL || PQresultStatus(res) != PGRES_COMMAND_OK)
		error = pg_error(c, res, in_tx, err);
	else
		c->prepared[id] = true;
	PQclear(res);
	return error;
}

/*
 * Run statement id with p (NULL: no parameters). On success *out holds the
 * result (the caller clears it); on failure it is NULL.
 */
static int
run(struct cs_store_conn *c, enum stmt_id id, const struct params *p,
    PGresult **out, struct cs_error *err)
{
	char name[16];
	PGresult *res;
	ExecStatusType st;
	bool in_tx;
	int error;

	*out = NULL;
	c->was_reset = false;
	if (c->lost_tx)
		return cs_error_set(err, CS_EAGAIN,
		    "postgres: the connection was lost during this "
		    "transaction");
	assert((p != NULL ? p->n : 0) == (int)strlen(stmts[id].types));
	/* Asked now: once the connection is lost the status is unknown. */
	in_tx = in_transaction(c);
	error = prepare(c, id, in_tx, err);
	if (error < 0)
		return error;
	stmt_name(id, name, sizeof(name));
	res = PQexecPrepared(c->conn, name, p != NULL ? p->n : 0,
	    p != NULL ? p->values : NULL, p != NULL ? p->lengths : NULL,
	    p != NULL ? p->formats : NULL, 0);
	st = res != NULL ? PQresultStatus(res) : PGRES_FATAL_ERROR;
	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
		error = pg_error(c, res, in_tx, err);
		PQclear(res);
		return error;
	}
	*out = res;
	return 0;
}

/* Run a statement that returns nothing we read. */
static int
exec_cmd(struct cs_store_conn *c, enum stmt_id id, const struct params *p,
    struct cs_error *err)
{
	PGresult *res;
	int error;

	error = run(c, id, p, &res, err);
	PQclear(res);
	return error;
}

/* Run an UPDATE or DELETE that must touch a row (CS_ENOTFOUND if none). */
static int
exec_one(struct cs_store_conn *c, enum stmt_id id, const struct params *p,
    struct cs_error *err)
{
	PGresult *res;
	int error;

	error = run(c, id, p, &res, err);
	if (error == 0 && strcmp(PQcmdTuples(res), "0") == 0)
		error = cs_error_set(err, CS_ENOTFOUND, "no such row");
	PQclear(res);
	return error;
}

/* Run an INSERT ... RETURNING id; no row back (ON CONFLICT DO NOTHING) is
 * CS_ECONFLICT. */
static int
exec_insert(struct cs_store_conn *c, enum stmt_id id, const struct params *p,
    int64_t *out, struct cs_error *err)
{
	struct row r = {NULL, 0, NULL, false};
	PGresult *res;
	int error;

	error = run(c, id, p, &res, err);
	if (error < 0)
		return error;
	if (PQntuples(res) == 0) {
		error =
		    cs_error_set(err, CS_ECONFLICT, "postgres: the row exists");
	} else {
		r.res = res;
		*out = col_i64(&r, 0);
	}
	PQclear(res);
	return error;
}

/* Run a query of one integer (0 when it returns no row). */
static int
query_i64(struct cs_store_conn *c, enum stmt_id id, const struct params *p,
    int64_t *out, struct cs_error *err)
{
	struct row r = {NULL, 0, NULL, false};
	PGresult *res;
	int error;

	*out = 0;
	error = run(c, id, p, &res, err);
	if (error < 0)
		return error;
	if (PQntuples(res) > 0) {
		r.res = res;
		*out = col_i64(&r, 0);
	}
	PQclear(res);
	return 0;
}

/* Constant SQL outside the statement table: migration scripts and the
 * schema_migrations table. */
static int
exec_script(struct cs_store_conn *c, const char *text, struct cs_error *err)
{
	PGresult *res;
	ExecStatusType st;
	bool in_tx = in_transaction(c);
	int error = 0;

	res = PQexec(c->conn, text);
	st = res != NULL ? PQresultStatus(res) : PGRES_FATAL_ERROR;
	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
		error = pg_error(c, res, in_tx, err);
	PQclear(res);
	return error;
}

/* ---- Opening and migrations ------------------------------------------ */

/* Drop notices ("relation exists, skipping"): they would go to stderr. */
static void
on_notice(void *arg, const char *message)
{
	(void)arg;
	cs_log_debug(
	    "store", "postgres: %.*s", (int)strcspn(message, "\n"), message);
}

static void
add_secret(struct cs_store_conn *c, const char *s, size_t len)
{
	size_t i;

	if (len == 0)
		return;
	for (i = 0; i < c->nsecrets; i++) {
		if (strncmp(c->secrets[i], s, len) == 0 &&
		    c->secrets[i][len] == '\0')
			return;
	}
	c->secrets =
	    cs_xreallocarray(c->secrets, c->nsecrets + 1, sizeof(*c->secrets));
	c->secrets[c->nsecrets++] = cs_xstrndup(s, len);
}

/* The passwords of url as written (the one reading of a URL's passwords,
 * cs_str_next_url_password()) and as libpq decodes them, so no message
 * shows either. */
static void
find_secrets(struct cs_store_conn *c, const char *url)
{
	PQconninfoOption *opts, *o;
	const char *pos = url, *start;
	size_t len;

	while (cs_str_next_url_password(url, &pos, &start, &len))
		add_secret(c, start, len);
	opts = PQconninfoParse(url, NULL);
	for (o = opts; o != NULL && o->keyword != NULL; o++) {
		if (strcmp(o->keyword, "password") == 0 && o->val != NULL)
			add_secret(c, o->val, strlen(o->val));
	}
	PQconninfoFree(opts);
}

static void
pg_close(struct cs_store_conn *c)
{
	size_t i;

	if (c == NULL)
		return;
	PQfinish(c->conn);
	for (i = 0; i < c->nsecrets; i++)
		free(c->secrets[i]);
	free(c->secrets);
	free(c);
}

static int
pg_open(struct cs_store_conn **out, const char *url, struct cs_error *err)
{
	/* Ours come before the URL's, which may override them, except the
	 * encoding: every string of the program is UTF-8. */
	static const char *const keys[] = {"application_name",
	    "connect_timeout", "dbname", "client_encoding", NULL};
	const char *values[] = {"campaign-sync", "10", url, "UTF8", NULL};
	struct cs_store_conn *c;
	char msg[CS_ERROR_MSG_LEN];
	char *perr = NULL;
	PQconninfoOption *opts;
	int error;

	*out = NULL;
	c = cs_xcalloc(1, sizeof(*c));
	find_secrets(c, url);
	opts = PQconninfoParse(url, &perr);
	PQconninfoFree(opts);
	if (opts == NULL) {
		first_line(
		    c, perr != NULL ? perr : "out of memory", msg, sizeof(msg));
		PQfreemem(perr);
		error = cs_error_set(
		    err, CS_EINVAL, "postgres: bad database url: %s", msg);
		goto fail;
	}
	c->conn = PQconnectdbParams(keys, values, 1);
	if (c->conn == NULL) {
		error = cs_error_set(err, CS_EDB, "postgres: out of memory");
		goto fail;
	}
	if (PQstatus(c->conn) != CONNECTION_OK) {
		first_line(c, PQerrorMessage(c->conn), msg, sizeof(msg));
		error = cs_error_set(
		    err, CS_EDB, "postgres: cannot connect: %s", msg);
		goto fail;
	}
	PQsetNoticeProcessor(c->conn, on_notice, NULL);
	if (session_init(c, msg, sizeof(msg)) < 0) {
		error = cs_error_set(err, CS_EDB, "postgres: %s", msg);
		goto fail;
	}
	*out = c;
	return 0;
fail:
	pg_close(c);
	return error;
}

static int
migration_number(const char *name)
{
	int n = 0;

	for (; *name >= '0' && *name <= '9'; name++)
		n = n * 10 + (*name - '0');
	return n;
}

/*
 * Whether the schema we create in is ours: empty, or holding our marked
 * schema_migrations. *fresh is set when schema_migrations must be made.
 */
static int
check_ours(struct cs_store_conn *c, bool *fresh, struct cs_error *err)
{
	struct row r = {NULL, 0, NULL, false};
	PGresult *res;
	const char *schema, *db, *mark;
	int64_t tables;
	int error;

	*fresh = false;
	error = run(c, M_STATE, NULL, &res, err);
	if (error < 0)
		return error;
	r.res = res;
	schema = col_raw(&r, 0);
	db = col_raw(&r, 1);
	tables = col_i64(&r, 2);
	mark = col_raw(&r, 3);
	if (schema == NULL)
		error = cs_error_set(err, CS_EINVAL,
		    "postgres: no schema of the search_path exists to create "
		    "tables in");
	else if (tables == 0)
		*fresh = true;
	else if (mark == NULL || strcmp(mark, MIGRATIONS_MARK) != 0)
		error = cs_error_set(err, CS_EINVAL,
		    "schema \"%s\" of database \"%s\" is not a campaign-sync "
		    "database (it holds other tables)",
		    schema, db != NULL ? db : "?");
	PQclear(res);
	return error;
}

/* One migration in its own transaction, if not applied yet. */
static int
migrate_one(struct cs_store_conn *c, const struct cs_embedded_file *m,
    bool *fresh, int64_t now, struct cs_error *err)
{
	struct params p = {0}, q = {0};
	int64_t have = 0;
	int number = migration_number(m->name);
	int error;

	p_int(&q, number);
	error = exec_cmd(c, S_BEGIN_W, NULL, err);
	if (error < 0)
		return error;
	if (*fresh) {
		error = exec_script(c,
		    "CREATE TABLE schema_migrations (version INTEGER PRIMARY "
		    "KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL); "
		    "COMMENT ON TABLE schema_migrations IS '" MIGRATIONS_MARK
		    "'",
		    err);
	}
	if (error == 0)
		error = query_i64(c, M_APPLIED, &q, &have, err);
	if (error == 0 && have == 0) {
		error = exec_script(c, (const char *)m->data, err);
		if (error < 0)
			cs_error_wrap(
			    err, error, "migration %s failed", m->name);
	}
	if (error == 0 && have == 0) {
		p_int(&p, number);
		p_text(&p, m->name);
		p_int(&p, now);
		error = exec_cmd(c, M_RECORD, &p, err);
	}
	if (error == 0)
		error = exec_cmd(c, S_COMMIT, NULL, err);
	if (error < 0) {
		c->lost_tx = false;
		if (in_transaction(c))
			(void)exec_script(c, "ROLLBACK", NULL);
		return error;
	}
	*fresh = false;
	return 0;
}

static int
pg_migrate(struct cs_store_conn *c, int64_t now, struct cs_error *err)
{
	const struct cs_embedded_file *m;
	struct params p = {0};
	bool fresh = false;
	int error;

	/* Instances starting together take turns. */
	p_int(&p, MIGRATE_LOCK);
	error = exec_cmd(c, M_LOCK, &p, err);
	if (error < 0)
		return error;
	error = check_ours(c, &fresh, err);
	for (m = cs_pg_migrations; error == 0 && m->name != NULL; m++)
		error = migrate_one(c, m, &fresh, now, err);
	/* (A reconnected session holds no lock; unlocking is harmless.) */
	if (PQstatus(c->conn) == CONNECTION_OK)
		(void)exec_cmd(c, M_UNLOCK, &p, NULL);
	return error;
}

static int
pg_schema_version(struct cs_store_conn *c, int *out, struct cs_error *err)
{
	int64_t v = 0;
	int error;

	error = query_i64(c, S_VERSION, NULL, &v, err);
	*out = (int)v;
	return error;
}

/* ---- Transactions ----------------------------------------------------- */

static int
pg_begin(struct cs_store_conn *c, bool write, struct cs_error *err)
{
	c->lost_tx = false;
	return exec_cmd(c, write ? S_BEGIN_W : S_BEGIN, NULL, err);
}

static int
pg_commit(struct cs_store_conn *c, struct cs_error *err)
{
	int error;

	/* COMMIT of a failed transaction "succeeds" as a ROLLBACK. */
	if (PQtransactionStatus(c->conn) == PQTRANS_INERROR)
		return cs_error_set(err, CS_EDB,
		    "postgres: the transaction was aborted by an earlier "
		    "error");
	error = exec_cmd(c, S_COMMIT, NULL, err);
	/* Lost while committing, the transaction may have been applied:
	 * running it again could apply it twice, so no CS_EAGAIN here. */
	if (error == CS_EAGAIN && c->was_reset)
		error = cs_error_set(err, CS_EDB,
		    "postgres: connection lost during commit; the transaction "
		    "may or may not have been applied");
	return error;
}

static void
pg_rollback(struct cs_store_conn *c)
{
	c->lost_tx = false;
	if (in_transaction(c))
		(void)exec_cmd(c, S_ROLLBACK, NULL, NULL);
}

static int
pg_savepoint(struct cs_store_conn *c, struct cs_error *err)
{
	return exec_cmd(c, S_SAVEPOINT, NULL, err);
}

static int
pg_release(struct cs_store_conn *c, struct cs_error *err)
{
	return exec_cmd(c, S_RELEASE, NULL, err);
}

static int
pg_rollback_to(struct cs_store_conn *c, struct cs_error *err)
{
	int error;

	error = exec_cmd(c, S_ROLLBACK_TO, NULL, err);
	if (error == 0)
		error = exec_cmd(c, S_RELEASE, NULL, err);
	return error;
}

static int
pg_advisory_lock(struct cs_store_conn *c, int64_t key, struct cs_error *err)
{
	struct params p = {0};

	p_int(&p, key);
	return exec_cmd(c, S_XACT_LOCK, &p, err);
}

/* ---- Campaigns -------------------------------------------------------- */

static int
read_campaign(
    const struct row *r, struct cs_campaign *out, struct cs_error *err)
{
	memset(out, 0, sizeof(*out));
	out->id = col_i64(r, 0);
	if (cs_network_parse(col_raw(r, 4), &out->network) < 0 ||
	    cs_campaign_status_parse(col_raw(r, 5), &out->status) < 0)
		return cs_error_set(err, CS_EDB,
		    "campaign %lld has a bad network or status",
		    (long long)out->id);
	out->name = col_text(r, 1);
	out->description = col_text(r, 2);
	out->nmkr_project_uid = col_text(r, 3);
	out->max_nfts = col_i64(r, 6);
	out->start_date = col_i64(r, 7);
	out->end_date = col_i64(r, 8);
	out->created_at = col_i64(r, 9);
	out->updated_at = col_i64(r, 10);
	out->counts.total = col_i64(r, 11);
	out->counts.available = col_i64(r, 12);
	out->counts.reserved = col_i64(r, 13);
	out->counts.sold = col_i64(r, 14);
	out->last_synced_at = col_i64(r, 15);
	out->allow_multiple = col_bool(r, 16);
	out->reservation_minutes = (int)col_i64(r, 17);
	out->webhook_secret = col_text(r, 18);
	out->webhook_secret_prev = col_text(r, 19);
	out->webhook_rotated_at = col_i64(r, 20);
	out->has_allowlist = col_bool(r, 21);
	return 0;
}

static int
pg_campaign_insert(
    struct cs_store_conn *c, struct cs_campaign *io, struct cs_error *err)
{
	struct params p = {0};
	int error;

	p_text(&p, io->name);
	p_text(&p, io->description != NULL ? io->description : "");
	p_text(&p, io->nmkr_project_uid);
	p_text(&p, cs_network_name(io->network));
	p_text(&p, cs_campaign_status_name(io->status));
	p_int(&p, io->max_nfts);
	p_opt(&p, io->start_date);
	p_opt(&p, io->end_date);
	p_int(&p, io->created_at);
	p_int(&p, io->updated_at);
	p_bool(&p, io->allow_multiple);
	p_opt(&p, io->reservation_minutes);
	error = exec_insert(c, C_INSERT, &p, &io->id, err);
	if (error == CS_ECONFLICT)
		return cs_error_set(err, CS_ECONFLICT,
		    "a campaign named '%s' exists", io->name);
	return error;
}

static int
get_campaign(struct cs_store_conn *c, enum stmt_id id, int64_t key,
    const char *name, struct cs_campaign *out, struct cs_error *err)
{
	struct row r = {NULL, 0, NULL, false};
	struct params p = {0};
	PGresult *res;
	int error;

	if (name != NULL)
		p_text(&p, name);
	else
		p_int(&p, key);
	error = run(c, id, &p, &res, err);
	if (error < 0)
		return error;
	r.res = res;
	if (PQntuples(res) > 0)
		error = read_campaign(&r, out, err);
	else if (name != NULL)
		error =
		    cs_error_set(err, CS_ENOTFOUND, "no campaign '%s'", name);
	else
		error = cs_error_set(
		    err, CS_ENOTFOUND, "no campaign %lld", (long long)key);
	PQclear(res);
	if (error < 0)
		cs_campaign_dispose(out);
	return error;
}

static int
pg_campaign_get(struct cs_store_conn *c, int64_t id, bool for_update,
    struct cs_campaign *out, struct cs_error *err)
{
	return get_campaign(
	    c, for_update ? C_GET_LOCK : C_GET, id, NULL, out, err);
}

static int
pg_campaign_get_by_name(struct cs_store_conn *c, const char *name,
    struct cs_campaign *out, struct cs_error *err)
{
	return get_campaign(c, C_GET_BY_NAME, 0, name, out, err);
}

static int
pg_campaign_list(struct cs_store_conn *c, cs_campaign_cb cb, void *payload,
    struct cs_error *err)
{
	struct row r = {NULL, 0, NULL, true};
	struct cs_campaign camp;
	PGresult *res;
	int error, n;

	error = run(c, C_LIST, NULL, &res, err);
	if (error < 0)
		return error;
	r.res = res;
	n = PQntuples(res);
	for (r.i = 0; r.i < n; r.i++) {
		error = read_campaign(&r, &camp, err);
		if (error == 0)
			error = cb(&camp, payload);
		if (error != 0)
			break;
	}
	PQclear(res);
	return error;
}

static int
pg_campaign_update(struct cs_store_conn *c, const struct cs_campaign *camp,
    int64_t now, struct cs_error *err)
{
	struct params p = {0};
	int error;

	p_int(&p, camp->id);
	p_text(&p, camp->name);
	p_text(&p, camp->description != NULL ? camp->description : "");
	p_text(&p, camp->nmkr_project_uid);
	p_text(&p, cs_network_name(camp->network));
	p_int(&p, camp->max_nfts);
	p_opt(&p, camp->start_date);
	p_opt(&p, camp->end_date);
	p_bool(&p, camp->allow_multiple);
	p_opt(&p, camp->reservation_minutes);
	p_int(&p, now);
	error = exec_one(c, C_UPDATE, &p, err);
	if (error == CS_ECONFLICT)
		return cs_error_set(err, CS_ECONFLICT,
		    "a campaign named '%s' exists", camp->name);
	if (error == CS_ENOTFOUND)
		return cs_error_set(
		    err, CS_ENOTFOUND, "no campaign %lld", (long long)camp->id);
	return error;
}

static int
pg_campaign_set_status(struct cs_store_conn *c, int64_t id,
    enum cs_campaign_status status, int64_t now, struct cs_error *err)
{
	struct params p = {0};
	int error;

	p_int(&p, id);
	p_text(&p, cs_campaign_status_name(status));
	p_int(&p, now);
	error = exec_one(c, C_SET_STATUS, &p, err);
	if (error == CS_ENOTFOUND)
		return cs_error_set(
		    err, CS_ENOTFOUND, "no campaign %lld", (long long)id);
	return error;
}

static int
counts_stmt(struct cs_store_conn *c, enum stmt_id which, int64_t id,
    const struct cs_counts *k, int64_t now, struct cs_error *err)
{
	struct params p = {0};

	p_int(&p, id);
	p_int(&p, k->total);
	p_int(&p, k->available);
	p_int(&p, k->reserved);
	p_int(&p, k->sold);
	p_int(&p, now);
	return exec_one(c, which, &p, err);
}

static int
pg_campaign_set_counts(struct cs_store_conn *c, int64_t id,
    const struct cs_counts *counts, int64_t now, struct cs_error *err)
{
	return counts_stmt(c, C_SET_COUNTS, id, counts, now, err);
}

static int
pg_campaign_add_counts(struct cs_store_conn *c, int64_t id,
    const struct cs_counts *delta, int64_t now, struct cs_error *err)
{
	return counts_stmt(c, C_ADD_COUNTS, id, delta, now, err);
}

static int
pg_campaign_rotate_secret(struct cs_store_conn *c, int64_t id,
    const char *secret, int64_t now, struct cs_error *err)
{
	struct params p = {0};

	p_int(&p, id);
	p_text(&p, secret);
	p_int(&p, now);
	return exec_one(c, C_ROTATE, &p, err);
}

static int
pg_campaign_set_webhook(struct cs_store_conn *c, int64_t id, const char *url,
    const char *secret, int64_t now, struct cs_error *err)
{
	struct params p = {0};

	p_int(&p, id);
	p_text(&p, url);
	p_text(&p, secret);
	p_int(&p, now);
	return exec_one(c, C_SET_WEBHOOK, &p, err);
}

static int
pg_campaign_webhook_url(
    struct cs_store_conn *c, int64_t id, char **out, struct cs_error *err)
{
	struct params p = {0};
	PGresult *res;
	int error;

	*out = NULL;
	p_int(&p, id);
	error = run(c, C_WEBHOOK_URL, &p, &res, err);
	if (error < 0)
		return error;
	if (PQntuples(res) == 0)
		error = cs_error_set(err, CS_ENOTFOUND,
		    "campaign %lld not found", (long long)id);
	else if (!PQgetisnull(res, 0, 0))
		*out = cs_xstrdup(PQgetvalue(res, 0, 0));
	PQclear(res);
	return error;
}

static int
pg_campaign_mark_synced(
    struct cs_store_conn *c, int64_t id, int64_t now, struct cs_error *err)
{
	struct params p = {0};

	p_int(&p, id);
	p_int(&p, now);
	return exec_one(c, C_MARK_SYNCED, &p, err);
}

static int
pg_campaign_delete(struct cs_store_conn *c, int64_t id, struct cs_error *err)
{
	struct params p = {0};
	int error;

	p_int(&p, id);
	error = exec_one(c, C_DELETE, &p, err);
	if (error == CS_ENOTFOUND)
		return cs_error_set(
		    err, CS_ENOTFOUND, "no campaign %lld", (long long)id);
	return error;
}

static int
pg_allowlist_clear(
    struct cs_store_conn *c, int64_t campaign_id, struct cs_error *err)
{
	struct params p = {0};

	p_int(&p, campaign_id);
	return exec_cmd(c, A_CLEAR, &p, err);
}

static int
pg_allowlist_add(struct cs_store_conn *c, int64_t campaign_id,
    const char *address, struct cs_error *err)
{
	struct params p = {0};

	p_int(&p, campaign_id);
	p_text(&p, address);
	return exec_cmd(c, A_ADD, &p, err);
}

static int
pg_allowlist_has(struct cs_store_conn *c, int64_t campaign_id,
    const char *address, bool *out, struct cs_error *err)
{
	struct params p = {0};
	PGresult *res;
	int error;

	*out = false;
	p_int(&p, campaign_id);
	p_text(&p, address);
	error = run(c, A_HAS, &p, &res, err);
	if (error < 0)
		return error;
	*out = PQntuples(res) > 0;
	PQclear(res);
	return 0;
}

/* ---- NFTs ------------------------------------------------------------- */

static int
read_nft(const struct row *r, struct cs_nft *out, struct cs_error *err)
{
	memset(out, 0, sizeof(*out));
	out->id = col_i64(r, 0);
	if (cs_nft_status_parse(col_raw(r, 5), &out->status) < 0 ||
	    cs_source_parse(col_raw(r, 12), &out->last_modified_by) < 0)
		return cs_error_set(err, CS_EDB,
		    "NFT %lld has a bad status or source", (long long)out->id);
	out->campaign_id = col_i64(r, 1);
	out->nft_uid = col_text(r, 2);
	out->nft_number = col_i64(r, 3);
	out->name = col_text(r, 4);
	out->project_uid = col_text(r, 6);
	out->payment_url = col_text(r, 7);
	out->image_url = col_text(r, 8);
	out->asset_id = col_text(r, 9);
	out->created_at = col_i64(r, 10);
	out->last_modified_at = col_i64(r, 11);
	out->last_synced_at = col_i64(r, 13);
	out->version = col_i64(r, 14);
	out->reserved_by = col_text(r, 15);
	out->reserved_until = col_i64(r, 16);
	out->sold_to = col_text(r, 17);
	out->tx_hash = col_text(r, 18);
	out->sold_at = col_i64(r, 19);
	out->claimed_by = col_text(r, 20);
	out->sold_at_raw = col_text(r, 21);
	return 0;
}

/* Read the one NFT a query returns into out (CS_ENOTFOUND: no row). */
static int
get_nft(struct cs_store_conn *c, enum stmt_id id, const struct params *p,
    struct cs_nft *out, struct cs_arena *arena, const char *what,
    struct cs_error *err)
{
	struct row r = {NULL, 0, NULL, false};
	PGresult *res;
	int error;

	r.arena = arena;
	error = run(c, id, p, &res, err);
	if (error < 0)
		return error;
	r.res = res;
	if (PQntuples(res) > 0)
		error = read_nft(&r, out, err);
	else
		error = cs_error_set(err, CS_ENOTFOUND, "%s", what);
	PQclear(res);
	if (error < 0 && arena == NULL)
		cs_nft_dispose(out);
	return error;
}

static int
pg_nft_insert(struct cs_store_conn *c, struct cs_nft *io, struct cs_error *err)
{
	struct params p = {0};

	p_int(&p, io->campaign_id);
	p_text(&p, io->nft_uid);
	p_int(&p, io->nft_number);
	p_text(&p, io->name);
	p_text(&p, cs_nft_status_name(io->status));
	p_text(&p, io->project_uid);
	p_text(&p, io->payment_url);
	p_text(&p, io->image_url);
	p_text(&p, io->asset_id);
	p_int(&p, io->created_at);
	p_int(&p, io->last_modified_at);
	p_text(&p, cs_source_name(io->last_modified_by));
	p_opt(&p, io->last_synced_at);
	p_int(&p, io->version);
	p_text(&p, io->reserved_by);
	p_opt(&p, io->reserved_until);
	p_text(&p, io->sold_to);
	p_text(&p, io->tx_hash);
	p_opt(&p, io->sold_at);
	p_text(&p, io->claimed_by);
	p_text(&p, io->sold_at_raw);
	return exec_insert(c, N_INSERT, &p, &io->id, err);
}

/*
 * Inside a transaction the row is locked until it ends: store.c reads an NFT,
 * then writes it compare-and-set on the version it read. SQLite's write
 * transaction keeps others out in between; here, without the lock, a writer
 * committing in between would make a change that checks no version fail
 * with CS_ECONFLICT.
 */
static int
pg_nft_get(struct cs_store_conn *c, int64_t id, const char *uid,
    struct cs_nft *out, struct cs_arena *arena, struct cs_error *err)
{
	struct params p = {0};
	char what[CS_ERROR_MSG_LEN];
	bool lock = in_transaction(c);
	enum stmt_id which;

	if (id != 0) {
		p_int(&p, id);
		snprintf(what, sizeof(what), "no NFT %lld", (long long)id);
	} else {
		p_text(&p, uid);
		snprintf(
		    what, sizeof(what), "no NFT '%s'", uid != NULL ? uid : "");
	}
	if (id != 0)
		which = lock ? N_GET_ID_LOCK : N_GET_ID;
	else
		which = lock ? N_GET_UID_LOCK : N_GET_UID;
	return get_nft(c, which, &p, out, arena, what, err);
}

/* Hand each row of an NFT query to cb; *rows and *last_number (when not
 * NULL) say how many rows the query gave and the number of the last one
 * handed out. */
static int
walk_nfts(struct cs_store_conn *c, enum stmt_id id, const struct params *p,
    cs_nft_cb cb, void *payload, int *rows, int64_t *last_number,
    struct cs_error *err)
{
	struct row r = {NULL, 0, NULL, true};
	struct cs_nft n;
	PGresult *res;
	int error, nrows;

	error = run(c, id, p, &res, err);
	if (error < 0)
		return error;
	r.res = res;
	nrows = PQntuples(res);
	if (rows != NULL)
		*rows = nrows;
	for (r.i = 0; r.i < nrows; r.i++) {
		error = read_nft(&r, &n, err);
		if (error == 0 && last_number != NULL)
			*last_number = n.nft_number;
		if (error == 0)
			error = cb(&n, payload);
		if (error != 0)
			break;
	}
	PQclear(res);
	return error;
}

/* One page of a listing: rows after number after, at most want of them. */
static int
list_page(struct cs_store_conn *c, const struct cs_nft_query *q, int64_t after,
    int64_t want, cs_nft_cb cb, void *payload, int *rows, int64_t *last,
    struct cs_error *err)
{
	struct params p = {0};

	p_int(&p, q->campaign_id);
	p_int(&p, after);
	p_int(&p, want);
	if (q->status >= 0)
		p_text(&p, cs_nft_status_name((enum cs_nft_status)q->status));
	return walk_nfts(c, q->status >= 0 ? N_LIST_STATUS : N_LIST_ALL, &p, cb,
	    payload, rows, last, err);
}

/*
 * A listing in pages of LIST_PAGE rows, by keyset on nft_number (unique in
 * a campaign and never changed, so no row comes twice or is skipped): libpq
 * holds a whole result in memory, and 100,000 NFTs in one took 60 MiB. Each
 * page is read whole before its callbacks, so a callback may use the store.
 * The first page's failure is the caller's to retry (store.c retries a walk
 * that handed out nothing); a later page lost with its connection outside a
 * transaction is asked again from where the walk stopped.
 */
static int
pg_nft_list(struct cs_store_conn *c, const struct cs_nft_query *q, cs_nft_cb cb,
    void *payload, struct cs_error *err)
{
	int64_t after = q->after_number, left = q->limit, want, last;
	int error, rows, attempt;
	bool first = true;

	for (;;) {
		want = q->limit > 0 && left < LIST_PAGE ? left : LIST_PAGE;
		last = after;
		rows = 0;
		for (attempt = 0;; attempt++) {
			error = list_page(
			    c, q, after, want, cb, payload, &rows, &last, err);
			if (error != CS_EAGAIN || first || rows > 0 ||
			    c->lost_tx || in_transaction(c) ||
			    attempt >= CS_DB_MAX_RETRIES)
				break;
			cs_sleep_ms(5 << attempt);
		}
		if (error != 0)
			return error;
		first = false;
		if (q->limit > 0)
			left -= rows;
		if (rows < want || (q->limit > 0 && left == 0))
			return 0;
		after = last;
	}
}

static int
pg_nft_counts(struct cs_store_conn *c, int64_t campaign_id,
    struct cs_counts *out, struct cs_error *err)
{
	struct row r = {NULL, 0, NULL, false};
	struct params p = {0};
	enum cs_nft_status s;
	PGresult *res;
	int error, n;

	memset(out, 0, sizeof(*out));
	p_int(&p, campaign_id);
	error = run(c, N_COUNTS, &p, &res, err);
	if (error < 0)
		return error;
	r.res = res;
	n = PQntuples(res);
	for (r.i = 0; r.i < n; r.i++) {
		if (cs_nft_status_parse(col_raw(&r, 0), &s) < 0)
			continue;
		cs_counts_add(out, s, col_i64(&r, 1));
	}
	PQclear(res);
	return 0;
}

static int
pg_nft_max_number(struct cs_store_conn *c, int64_t campaign_id, int64_t *out,
    struct cs_error *err)
{
	struct params p = {0};

	p_int(&p, campaign_id);
	return query_i64(c, N_MAX, &p, out, err);
}

/* The parameters of N_UPDATE, and the first 14 columns of N_WRITE_MANY. */
static void
update_params(
    struct params *p, const struct cs_nft *n, int64_t expected_version)
{
	p_int(p, n->id);
	p_int(p, expected_version);
	p_text(p, cs_nft_status_name(n->status));
	p_text(p, n->reserved_by);
	p_opt(p, n->reserved_until);
	p_text(p, n->sold_to);
	p_text(p, n->tx_hash);
	p_opt(p, n->sold_at);
	p_int(p, n->last_modified_at);
	p_text(p, cs_source_name(n->last_modified_by));
	p_opt(p, n->last_synced_at);
	p_int(p, n->version);
	p_text(p, n->claimed_by);
	p_text(p, n->sold_at_raw);
}

/* The parameters of H_INSERT, and the last 9 columns of N_WRITE_MANY. */
static void
history_params(struct params *p, const struct cs_history *h)
{
	p_int(p, h->nft_id);
	p_int(p, h->campaign_id);
	p_text(p, cs_nft_status_name(h->old_status));
	p_text(p, cs_nft_status_name(h->new_status));
	p_text(p, cs_source_name(h->source));
	p_int(p, h->changed_at);
	p_opt(p, h->sync_log_id);
	p_opt(p, h->webhook_event_id);
	p_text(p, h->detail);
}

static int
pg_nft_update(struct cs_store_conn *c, const struct cs_nft *n,
    int64_t expected_version, struct cs_error *err)
{
	struct params p = {0};
	int error;

	update_params(&p, n, expected_version);
	error = exec_one(c, N_UPDATE, &p, err);
	if (error == CS_ENOTFOUND)
		return cs_error_set(err, CS_ECONFLICT,
		    "NFT %lld changed under us (version %lld moved on)",
		    (long long)n->id, (long long)expected_version);
	return error;
}

/* ---- Many NFTs at once (the sync's batches) -------------------------- */

struct id_pos {
	int64_t id;
	size_t pos;
};

static int
cmp_id_pos(const void *a, const void *b)
{
	const struct id_pos *p = a, *q = b;

	return (p->id > q->id) - (p->id < q->id);
}

/* The first index of sorted v[0..n) whose id is not below id. */
static size_t
lower_bound(const struct id_pos *v, size_t n, int64_t id)
{
	size_t lo = 0, hi = n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (v[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The int8[] literal "{1,2,3}" of ids; caller frees. */
static char *
id_array(const int64_t *ids, size_t n)
{
	size_t cap = n * 21 + 3, len = 0, i;
	char *s = cs_xmalloc(cap);

	s[len++] = '{';
	for (i = 0; i < n; i++) {
		if (i > 0)
			s[len++] = ',';
		len += (size_t)snprintf(s + len, cap - len, "%" PRId64, ids[i]);
	}
	s[len++] = '}';
	s[len] = '\0';
	return s;
}

/* Read each row of res into the out[] of every position asking its id. */
static int
scatter_nfts(PGresult *res, const struct id_pos *v, size_t n,
    struct cs_nft *out, struct cs_arena *arena, struct cs_error *err)
{
	struct row r = {NULL, 0, NULL, false};
	int64_t id;
	size_t k;
	int rows, error = 0;

	r.res = res;
	r.arena = arena;
	rows = PQntuples(res);
	for (r.i = 0; r.i < rows && error == 0; r.i++) {
		id = col_i64(&r, 0);
		for (k = lower_bound(v, n, id); k < n && v[k].id == id; k++) {
			error = read_nft(&r, &out[v[k].pos], err);
			if (error < 0)
				break;
		}
	}
	return error;
}

/*
 * One query for n NFTs (WHERE id = ANY), locking them in id order inside a
 * transaction as pg_nft_get does one at a time.
 */
static int
pg_nft_get_many(struct cs_store_conn *c, const int64_t *ids, size_t n,
    struct cs_nft *out, struct cs_arena *arena, struct cs_error *err)
{
	struct params p = {0};
	struct id_pos *v = NULL;
	PGresult *res = NULL;
	char *list = NULL;
	size_t i;
	int error;

	memset(out, 0, n * sizeof(*out));
	if (n == 0)
		return 0;
	list = id_array(ids, n);
	p_text(&p, list);
	error = run(
	    c, in_transaction(c) ? N_GET_MANY_LOCK : N_GET_MANY, &p, &res, err);
	if (error < 0)
		goto out;
	v = cs_xcalloc(n, sizeof(*v));
	for (i = 0; i < n; i++) {
		v[i].id = ids[i];
		v[i].pos = i;
	}
	qsort(v, n, sizeof(*v), cmp_id_pos);
	error = scatter_nfts(res, v, n, out, arena, err);
out:
	if (error < 0) {
		for (i = 0; arena == NULL && i < n; i++)
			cs_nft_dispose(&out[i]);
		memset(out, 0, n * sizeof(*out));
	}
	PQclear(res);
	free(v);
	free(list);
	return error;
}

/* Most bytes of one array parameter of N_WRITE_MANY. */
#define ARRAY_MAX (64 * 1024 * 1024)

/* Append v to an array literal: NULL, or v in double quotes with a
 * backslash before each double quote and backslash (valid for int8[] as
 * for text[]). */
static int
array_put(struct cs_buf *b, const char *v, bool first)
{
	size_t n;
	int error;

	error = cs_buf_putc(b, first ? '{' : ',');
	if (error == 0 && v == NULL)
		return cs_buf_puts(b, "NULL");
	if (error == 0)
		error = cs_buf_putc(b, '"');
	while (error == 0 && *v != '\0') {
		n = strcspn(v, "\"\\");
		error = cs_buf_put(b, v, n);
		v += n;
		if (error == 0 && *v != '\0') {
			error = cs_buf_putc(b, '\\');
			if (error == 0)
				error = cs_buf_putc(b, *v++);
		}
	}
	if (error == 0)
		error = cs_buf_putc(b, '"');
	return error;
}

/*
 * The columns of N_WRITE_MANY as array literals, one per parameter of
 * N_UPDATE and H_INSERT: each item's values are exactly the ones those take.
 */
static int
write_arrays(struct cs_buf *cols, const struct cs_nft_write *items, size_t n)
{
	size_t i;
	int j, error = 0;

	for (i = 0; i < n && error == 0; i++) {
		struct params p = {0};

		update_params(&p, items[i].next, items[i].expected_version);
		history_params(&p, items[i].history);
		assert(p.n == WRITE_COLS);
		for (j = 0; j < WRITE_COLS && error == 0; j++)
			error = array_put(&cols[j], p.values[j], i == 0);
	}
	for (j = 0; j < WRITE_COLS && error == 0; j++)
		error = cs_buf_putc(&cols[j], '}');
	return error;
}

/* The result of each item from the history rows written (nft_id, id):
 * an item without one matched no row. */
static void
write_results(PGresult *res, struct cs_nft_write *items, size_t n)
{
	struct row r = {NULL, 0, NULL, false};
	struct id_pos *v = cs_xcalloc(n, sizeof(*v));
	int64_t id;
	size_t i, k;
	int rows;

	for (i = 0; i < n; i++) {
		v[i].id = items[i].next->id;
		v[i].pos = i;
		items[i].result = CS_ECONFLICT;
	}
	qsort(v, n, sizeof(*v), cmp_id_pos);
	r.res = res;
	rows = PQntuples(res);
	for (r.i = 0; r.i < rows; r.i++) {
		id = col_i64(&r, 0);
		k = lower_bound(v, n, id);
		if (k < n && v[k].id == id) {
			items[v[k].pos].result = 0;
			items[v[k].pos].history->id = col_i64(&r, 1);
		}
	}
	free(v);
}

/*
 * Every write in one statement (N_WRITE_MANY): the compare-and-set
 * updates joined to the items, and a history row for each row updated, in
 * the items' order. One round trip and one statement for the lot: a
 * statement per NFT, even pipelined, cost the server about twice the time
 * per row. It succeeds or fails whole, so a failure reports no item done.
 */
static int
pg_nft_write_many(struct cs_store_conn *c, struct cs_nft_write *items, size_t n,
    size_t *done, struct cs_error *err)
{
	struct cs_buf cols[WRITE_COLS];
	struct params p = {0};
	PGresult *res = NULL;
	int j, error;

	*done = 0;
	if (n == 0)
		return 0;
	for (j = 0; j < WRITE_COLS; j++)
		cs_buf_init(&cols[j], ARRAY_MAX);
	error = write_arrays(cols, items, n);
	if (error < 0)
		error = cs_error_set(
		    err, error, "postgres: %zu writes are too many", n);
	for (j = 0; j < WRITE_COLS && error == 0; j++)
		p_text(&p, cs_buf_cstr(&cols[j]));
	if (error == 0)
		error = run(c, N_WRITE_MANY, &p, &res, err);
	if (error == 0) {
		write_results(res, items, n);
		*done = n;
	}
	PQclear(res);
	for (j = 0; j < WRITE_COLS; j++)
		cs_buf_dispose(&cols[j]);
	return error;
}

static int
pg_nft_set_payment_url(
    struct cs_store_conn *c, int64_t id, const char *url, struct cs_error *err)
{
	struct params p = {0};

	p_int(&p, id);
	p_text(&p, url);
	return exec_one(c, N_SET_URL, &p, err);
}

static int
pg_nft_set_asset_id(struct cs_store_conn *c, int64_t id, const char *asset_id,
    struct cs_error *err)
{
	struct params p = {0};

	p_int(&p, id);
	p_text(&p, asset_id);
	return exec_one(c, N_SET_ASSET, &p, err);
}

static int
pg_nft_pick_available(struct cs_store_conn *c, int64_t campaign_id,
    struct cs_nft *out, struct cs_arena *arena, struct cs_error *err)
{
	struct params p = {0};

	p_int(&p, campaign_id);
	return get_nft(c, N_PICK, &p, out, arena, "no available NFT", err);
}

static int
pg_nft_wallet_count(struct cs_store_conn *c, int64_t campaign_id,
    const char *wallet, int64_t now, int64_t *out, struct cs_error *err)
{
	struct params p = {0};

	p_int(&p, campaign_id);
	p_text(&p, wallet);
	p_int(&p, now);
	return query_i64(c, N_WALLET, &p, out, err);
}

static int
pg_nft_expired(struct cs_store_conn *c, int64_t now, int64_t limit,
    cs_nft_cb cb, void *payload, struct cs_error *err)
{
	struct params p = {0};

	p_int(&p, now);
	p_limit(&p, limit);
	return walk_nfts(c, N_EXPIRED, &p, cb, payload, NULL, NULL, err);
}

static int
pg_chain_candidates(struct cs_store_conn *c, int64_t campaign_id, int64_t limit,
    cs_nft_cb cb, void *payload, struct cs_error *err)
{
	struct params p = {0};

	p_int(&p, campaign_id);
	p_limit(&p, limit);
	return walk_nfts(c, N_CANDIDATES, &p, cb, payload, NULL, NULL, err);
}

/* ---- History ---------------------------------------------------------- */

static int
pg_history_insert(
    struct cs_store_conn *c, struct cs_history *io, struct cs_error *err)
{
	struct params p = {0};

	history_params(&p, io);
	return exec_insert(c, H_INSERT, &p, &io->id, err);
}

static int
pg_history_list(struct cs_store_conn *c, const struct cs_history_query *q,
    cs_history_cb cb, void *payload, struct cs_error *err)
{
	struct row r = {NULL, 0, NULL, true};
	struct params p = {0};
	struct cs_history h;
	PGresult *res;
	int error, n;

	p_int(&p, q->nft_id);
	p_int(&p, q->campaign_id);
	p_int(&p, q->sync_log_id);
	p_limit(&p, q->limit);
	error = run(c, H_LIST, &p, &res, err);
	if (error < 0)
		return error;
	r.res = res;
	n = PQntuples(res);
	for (r.i = 0; r.i < n; r.i++) {
		memset(&h, 0, sizeof(h));
		h.id = col_i64(&r, 0);
		if (cs_nft_status_parse(col_raw(&r, 3), &h.old_status) < 0 ||
		    cs_nft_status_parse(col_raw(&r, 4), &h.new_status) < 0 ||
		    cs_source_parse(col_raw(&r, 5), &h.source) < 0) {
			error = cs_error_set(err, CS_EDB,
			    "history row %lld is malformed", (long long)h.id);
			break;
		}
		h.nft_id = col_i64(&r, 1);
		h.campaign_id = col_i64(&r, 2);
		h.changed_at = col_i64(&r, 6);
		h.sync_log_id = col_i64(&r, 7);
		h.webhook_event_id = col_i64(&r, 8);
		h.detail = col_text(&r, 9);
		error = cb(&h, payload);
		if (error != 0)
			break;
	}
	PQclear(res);
	return error;
}

/* ---- Sync log --------------------------------------------------------- */

static int
read_log(const struct row *r, struct cs_sync_log *out, struct cs_error *err)
{
	memset(out, 0, sizeof(*out));
	out->id = col_i64(r, 0);
	if (cs_sync_type_parse(col_raw(r, 1), &out->sync_type) < 0 ||
	    cs_sync_status_parse(col_raw(r, 4), &out->status) < 0)
		return cs_error_set(err, CS_EDB, "sync log %lld is malformed",
		    (long long)out->id);
	out->nmkr_project_uid = col_text(r, 2);
	out->campaign_id = col_i64(r, 3);
	out->records_synced = col_i64(r, 5);
	out->errors = col_text(r, 6);
	out->started_at = col_i64(r, 7);
	out->completed_at = col_i64(r, 8);
	out->synced_data = col_text(r, 9);
	return 0;
}

static int
pg_sync_log_insert(
    struct cs_store_conn *c, struct cs_sync_log *io, struct cs_error *err)
{
	struct params p = {0};

	p_text(&p, cs_sync_type_name(io->sync_type));
	p_text(&p, io->nmkr_project_uid != NULL ? io->nmkr_project_uid : "");
	p_opt(&p, io->campaign_id);
	p_text(&p, cs_sync_status_name(io->status));
	p_int(&p, io->records_synced);
	p_text(&p, io->errors);
	p_text(&p, io->synced_data);
	p_int(&p, io->started_at);
	p_int(&p, io->completed_at);
	return exec_insert(c, L_INSERT, &p, &io->id, err);
}

static int
pg_sync_log_update(
    struct cs_store_conn *c, const struct cs_sync_log *l, struct cs_error *err)
{
	struct params p = {0};

	p_int(&p, l->id);
	p_text(&p, cs_sync_status_name(l->status));
	p_int(&p, l->records_synced);
	p_text(&p, l->errors);
	p_text(&p, l->synced_data);
	p_int(&p, l->completed_at);
	return exec_one(c, L_UPDATE, &p, err);
}

static int
pg_sync_log_get(struct cs_store_conn *c, int64_t id, struct cs_sync_log *out,
    struct cs_error *err)
{
	struct row r = {NULL, 0, NULL, false};
	struct params p = {0};
	PGresult *res;
	int error;

	p_int(&p, id);
	error = run(c, L_GET, &p, &res, err);
	if (error < 0)
		return error;
	r.res = res;
	if (PQntuples(res) > 0)
		error = read_log(&r, out, err);
	else
		error = cs_error_set(
		    err, CS_ENOTFOUND, "no sync log %lld", (long long)id);
	PQclear(res);
	if (error < 0)
		cs_sync_log_dispose(out);
	return error;
}

static int
pg_sync_log_list(struct cs_store_conn *c, const struct cs_sync_log_query *q,
    cs_sync_log_cb cb, void *payload, struct cs_error *err)
{
	struct row r = {NULL, 0, NULL, true};
	struct params p = {0};
	struct cs_sync_log l;
	PGresult *res;
	int error, n;

	p_text(&p, q->project_uid);
	p_int(&p, q->campaign_id);
	p_text(&p, q->status >= 0
	               ? cs_sync_status_name((enum cs_sync_status)q->status)
	               : NULL);
	p_text(&p, q->type >= 0 ? cs_sync_type_name((enum cs_sync_type)q->type)
	                        : NULL);
	p_int(&p, q->limit > 0 ? q->limit : 50);
	error = run(c, q->with_data ? L_LIST_DATA : L_LIST, &p, &res, err);
	if (error < 0)
		return error;
	r.res = res;
	n = PQntuples(res);
	for (r.i = 0; r.i < n; r.i++) {
		error = read_log(&r, &l, err);
		if (error == 0)
			error = cb(&l, payload);
		if (error != 0)
			break;
	}
	PQclear(res);
	return error;
}

static int
pg_sync_log_prune(struct cs_store_conn *c, int64_t before, int64_t *deleted,
    struct cs_error *err)
{
	struct params p = {0};
	PGresult *res;
	int error;

	*deleted = 0;
	p_int(&p, before);
	error = run(c, L_PRUNE, &p, &res, err);
	if (error < 0)
		return error;
	*deleted = (int64_t)strtoll(PQcmdTuples(res), NULL, 10);
	PQclear(res);
	return 0;
}

/* ---- Review queue ----------------------------------------------------- */

static int
read_review(
    const struct row *r, struct cs_review_item *out, struct cs_error *err)
{
	memset(out, 0, sizeof(*out));
	out->id = col_i64(r, 0);
	if (cs_nft_status_parse(col_raw(r, 5), &out->local_status) < 0)
		return cs_error_set(err, CS_EDB,
		    "review item %lld is malformed", (long long)out->id);
	out->campaign_id = col_i64(r, 1);
	out->nft_id = col_i64(r, 2);
	out->nft_uid = col_text(r, 3);
	out->kind = col_text(r, 4);
	out->remote_state = col_text(r, 6);
	out->detail = col_text(r, 7);
	out->created_at = col_i64(r, 8);
	out->sync_log_id = col_i64(r, 9);
	out->resolved_at = col_i64(r, 10);
	out->resolution = col_text(r, 11);
	return 0;
}

static int
pg_review_insert(struct cs_store_conn *c, const struct cs_review_item *r,
    int64_t *id, struct cs_error *err)
{
	struct params p = {0};
	int error;

	p_int(&p, r->campaign_id);
	p_int(&p, r->nft_id);
	p_text(&p, r->kind);
	p_text(&p, cs_nft_status_name(r->local_status));
	p_text(&p, r->remote_state);
	p_text(&p, r->detail);
	p_int(&p, r->created_at);
	p_opt(&p, r->sync_log_id);
	error = exec_insert(c, R_INSERT, &p, id, err);
	if (error == CS_ECONFLICT)
		return cs_error_set(err, CS_ECONFLICT,
		    "NFT %lld has an open review item of kind %s",
		    (long long)r->nft_id, r->kind != NULL ? r->kind : "");
	return error;
}

static int
pg_review_get(struct cs_store_conn *c, int64_t id, struct cs_review_item *out,
    struct cs_error *err)
{
	struct row r = {NULL, 0, NULL, false};
	struct params p = {0};
	PGresult *res;
	int error;

	p_int(&p, id);
	error = run(c, R_GET, &p, &res, err);
	if (error < 0)
		return error;
	r.res = res;
	if (PQntuples(res) > 0)
		error = read_review(&r, out, err);
	else
		error = cs_error_set(
		    err, CS_ENOTFOUND, "no review item %lld", (long long)id);
	PQclear(res);
	if (error < 0)
		cs_review_item_dispose(out);
	return error;
}

static int
pg_review_list(struct cs_store_conn *c, int64_t campaign_id, bool open_only,
    cs_review_cb cb, void *payload, struct cs_error *err)
{
	struct row r = {NULL, 0, NULL, true};
	struct params p = {0};
	struct cs_review_item item;
	PGresult *res;
	int error, n;

	p_int(&p, campaign_id);
	p_bool(&p, open_only);
	error = run(c, R_LIST, &p, &res, err);
	if (error < 0)
		return error;
	r.res = res;
	n = PQntuples(res);
	for (r.i = 0; r.i < n; r.i++) {
		error = read_review(&r, &item, err);
		if (error == 0)
			error = cb(&item, payload);
		if (error != 0)
			break;
	}
	PQclear(res);
	return error;
}

static int
pg_review_close(struct cs_store_conn *c, int64_t id, const char *resolution,
    int64_t now, struct cs_error *err)
{
	struct params p = {0};
	int error;

	p_int(&p, id);
	p_int(&p, now);
	p_text(&p, resolution);
	error = exec_one(c, R_CLOSE, &p, err);
	if (error == CS_ENOTFOUND)
		return cs_error_set(err, CS_ECONFLICT,
		    "review item %lld is not open", (long long)id);
	return error;
}

/* ---- Sync runs -------------------------------------------------------- */

static int
pg_run_insert(
    struct cs_store_conn *c, struct cs_sync_run *io, struct cs_error *err)
{
	struct params p = {0};

	p_int(&p, io->campaign_id);
	p_text(&p, io->owner);
	p_text(&p, io->phase);
	p_int(&p, io->started_at);
	return exec_insert(c, U_INSERT, &p, &io->id, err);
}

/* Read the one run a query returns (caller owns, malloc'd strings);
 * CS_ENOTFOUND, with err left to the caller, when there is none. */
static int
get_run(struct cs_store_conn *c, enum stmt_id id, int64_t campaign_id,
    struct cs_sync_run *out, struct cs_error *err)
{
	struct row r = {NULL, 0, NULL, false};
	struct params p = {0};
	PGresult *res;
	int error;

	p_int(&p, campaign_id);
	error = run(c, id, &p, &res, err);
	if (error < 0)
		return error;
	r.res = res;
	if (PQntuples(res) > 0) {
		memset(out, 0, sizeof(*out));
		out->id = col_i64(&r, 0);
		out->campaign_id = col_i64(&r, 1);
		out->owner = col_text(&r, 2);
		out->phase = col_text(&r, 3);
		out->done = col_i64(&r, 4);
		out->total = col_i64(&r, 5);
		out->started_at = col_i64(&r, 6);
		out->heartbeat_at = col_i64(&r, 7);
		out->finished_at = col_i64(&r, 8);
		out->outcome = col_text(&r, 9);
		out->sync_log_id = col_i64(&r, 10);
	} else {
		error = CS_ENOTFOUND;
	}
	PQclear(res);
	return error;
}

static int
pg_run_get_active(struct cs_store_conn *c, int64_t campaign_id,
    struct cs_sync_run *out, struct cs_error *err)
{
	int error;

	error = get_run(c, U_GET_ACTIVE, campaign_id, out, err);
	if (error == CS_ENOTFOUND)
		return cs_error_set(err, CS_ENOTFOUND,
		    "no running sync of campaign %lld", (long long)campaign_id);
	return error;
}

static int
pg_run_update(struct cs_store_conn *c, int64_t id, const char *phase,
    int64_t done, int64_t total, int64_t now, struct cs_error *err)
{
	struct params p = {0};

	p_int(&p, id);
	p_text(&p, phase);
	p_int(&p, done);
	p_int(&p, total);
	p_int(&p, now);
	return exec_one(c, U_UPDATE, &p, err);
}

static int
pg_run_finish(struct cs_store_conn *c, int64_t id, const char *outcome,
    int64_t sync_log_id, int64_t now, struct cs_error *err)
{
	struct params p = {0};

	p_int(&p, id);
	p_int(&p, now);
	p_text(&p, outcome);
	p_int(&p, sync_log_id);
	return exec_one(c, U_FINISH, &p, err);
}

static int
pg_run_heartbeat(
    struct cs_store_conn *c, int64_t id, int64_t now, struct cs_error *err)
{
	struct params p = {0};

	p_int(&p, id);
	p_int(&p, now);
	return exec_one(c, U_HEARTBEAT, &p, err);
}

static int
pg_run_close(struct cs_store_conn *c, int64_t id, const char *outcome,
    int64_t sync_log_id, int64_t now, struct cs_error *err)
{
	struct params p = {0};

	p_int(&p, id);
	p_int(&p, now);
	p_text(&p, outcome);
	p_int(&p, sync_log_id);
	return exec_one(c, U_CLOSE, &p, err);
}

static int
pg_run_latest(struct cs_store_conn *c, int64_t campaign_id,
    struct cs_sync_run *out, struct cs_error *err)
{
	int error;

	error = get_run(c, U_LATEST, campaign_id, out, err);
	if (error == CS_ENOTFOUND)
		return cs_error_set(err, CS_ENOTFOUND,
		    "campaign %lld has never been synced",
		    (long long)campaign_id);
	return error;
}

/* ---- Webhook events --------------------------------------------------- */

static int
pg_webhook_insert(
    struct cs_store_conn *c, struct cs_webhook_event *io, struct cs_error *err)
{
	struct params p = {0};
	int error;

	if (io->raw_len > INT_MAX)
		return cs_error_set(err, CS_ETOOBIG, "webhook body too big");
	p_opt(&p, io->campaign_id);
	p_text(&p, io->project_uid);
	p_text(&p, io->event_type);
	p_text(&p, io->dedupe_key);
	p_text(&p, io->tx_hash);
	p_bytes(&p, io->raw_body != NULL ? io->raw_body : "", (int)io->raw_len);
	p_bool(&p, io->verified);
	p_text(&p, io->outcome);
	p_text(&p, io->detail);
	p_int(&p, io->received_at);
	p_opt(&p, io->sync_log_id);
	p_text(&p, io->body_sha256);
	p_int(&p, (int64_t)(io->body_len > 0 ? io->body_len : io->raw_len));
	error = exec_insert(c, W_INSERT, &p, &io->id, err);
	if (error == CS_ECONFLICT)
		return cs_error_set(err, CS_ECONFLICT,
		    "webhook event '%s' was received before",
		    io->dedupe_key != NULL ? io->dedupe_key : "");
	return error;
}

static int
pg_webhook_finish(struct cs_store_conn *c, int64_t id, const char *outcome,
    const char *detail, int64_t sync_log_id, struct cs_error *err)
{
	struct params p = {0};

	p_int(&p, id);
	p_text(&p, outcome);
	p_text(&p, detail);
	p_int(&p, sync_log_id);
	return exec_one(c, W_FINISH, &p, err);
}

static int
pg_webhook_prune(struct cs_store_conn *c, int64_t before, int64_t limit,
    int64_t *deleted, struct cs_error *err)
{
	struct params p = {0};
	PGresult *res;
	int error;

	*deleted = 0;
	p_int(&p, before);
	p_int(&p, limit);
	error = run(c, W_PRUNE, &p, &res, err);
	if (error < 0)
		return error;
	*deleted = (int64_t)strtoll(PQcmdTuples(res), NULL, 10);
	PQclear(res);
	return 0;
}

static int
pg_webhook_list(struct cs_store_conn *c, int64_t campaign_id, int64_t limit,
    bool with_body, cs_webhook_event_cb cb, void *payload, struct cs_error *err)
{
	struct row r = {NULL, 0, NULL, true};
	struct params p = {0};
	struct cs_webhook_event e;
	unsigned char *body;
	PGresult *res;
	size_t len;
	int error, n;

	p_int(&p, campaign_id);
	p_limit(&p, limit);
	error = run(c, with_body ? W_LIST_BODY : W_LIST, &p, &res, err);
	if (error < 0)
		return error;
	r.res = res;
	n = PQntuples(res);
	for (r.i = 0; r.i < n; r.i++) {
		memset(&e, 0, sizeof(e));
		e.id = col_i64(&r, 0);
		e.campaign_id = col_i64(&r, 1);
		e.project_uid = col_text(&r, 2);
		e.event_type = col_text(&r, 3);
		e.dedupe_key = col_text(&r, 4);
		e.tx_hash = col_text(&r, 5);
		e.verified = col_bool(&r, 6);
		e.outcome = col_text(&r, 7);
		e.detail = col_text(&r, 8);
		e.received_at = col_i64(&r, 9);
		e.sync_log_id = col_i64(&r, 10);
		e.body_sha256 = col_text(&r, 11);
		e.body_len = (size_t)col_i64(&r, 12);
		if (with_body) {
			/* Text results carry bytea hex-encoded. */
			body = PQunescapeBytea(
			    (const unsigned char *)PQgetvalue(res, r.i, 13),
			    &len);
			if (body == NULL) {
				error = cs_error_set(
				    err, CS_EDB, "postgres: out of memory");
				break;
			}
			e.raw_body = cs_xmalloc(len + 1);
			memcpy(e.raw_body, body, len);
			e.raw_body[len] = '\0';
			e.raw_len = len;
			PQfreemem(body);
		}
		error = cb(&e, payload);
		free(e.raw_body);
		if (error != 0)
			break;
	}
	PQclear(res);
	return error;
}

/* ---- Chain checks ----------------------------------------------------- */

static int
pg_chain_get(struct cs_store_conn *c, const char *asset_id,
    struct cs_chain_check *out, struct cs_error *err)
{
	struct row r = {NULL, 0, NULL, false};
	struct params p = {0};
	PGresult *res;
	int error;

	p_text(&p, asset_id);
	error = run(c, K_GET, &p, &res, err);
	if (error < 0)
		return error;
	r.res = res;
	if (PQntuples(res) > 0) {
		memset(out, 0, sizeof(*out));
		out->asset_id = col_text(&r, 0);
		out->nft_id = col_i64(&r, 1);
		if (cs_chain_status_parse(col_raw(&r, 2), &out->status) < 0)
			error = cs_error_set(err, CS_EDB,
			    "chain check of %s is malformed", asset_id);
		out->message = col_text(&r, 3);
		out->addresses = col_text(&r, 4);
		out->checked_at = col_i64(&r, 5);
	} else {
		error = cs_error_set(
		    err, CS_ENOTFOUND, "no chain check of %s", asset_id);
	}
	PQclear(res);
	if (error < 0)
		cs_chain_check_dispose(out);
	return error;
}

static int
pg_chain_put(struct cs_store_conn *c, const struct cs_chain_check *k,
    struct cs_error *err)
{
	struct params p = {0};

	p_text(&p, k->asset_id);
	p_opt(&p, k->nft_id);
	p_text(&p, cs_chain_status_name(k->status));
	p_text(&p, k->message);
	p_text(&p, k->addresses);
	p_int(&p, k->checked_at);
	return exec_cmd(c, K_PUT, &p, err);
}

/* ---- The background verifier (migration 008) -------------------------- */

static int
pg_chain_claim(struct cs_store_conn *c, const char *owner, int64_t now,
    int64_t verified_before, int64_t other_before, int64_t lease_until,
    int64_t *ids, size_t *n, struct cs_error *err)
{
	struct row r = {NULL, 0, NULL, false};
	struct params p = {0};
	size_t limit = *n, found = 0, k;
	PGresult *res;
	int error;

	*n = 0;
	p_int(&p, now);
	p_int(&p, verified_before);
	p_int(&p, other_before);
	p_int(&p, (int64_t)limit);
	error = run(c, Q_DUE, &p, &res, err);
	if (error < 0)
		return error;
	r.res = res;
	for (r.i = 0; r.i < PQntuples(res) && found < limit; r.i++)
		ids[found++] = col_i64(&r, 0);
	PQclear(res);
	for (k = 0; k < found; k++) {
		memset(&p, 0, sizeof(p));
		p_int(&p, ids[k]);
		p_text(&p, owner);
		p_int(&p, lease_until);
		p_int(&p, now);
		error = run(c, Q_LEASE, &p, &res, err);
		if (error < 0)
			return error;
		if (PQntuples(res) > 0)
			ids[(*n)++] = ids[k];
		PQclear(res);
	}
	return 0;
}

static int
pg_chain_coverage(struct cs_store_conn *c, int64_t campaign_id,
    int64_t fresh_after, int64_t recheck_ms, struct cs_chain_coverage *out,
    struct cs_error *err)
{
	struct row r = {NULL, 0, NULL, false};
	struct params p = {0};
	PGresult *res;
	int error;

	p_int(&p, campaign_id);
	p_int(&p, fresh_after);
	p_int(&p, recheck_ms);
	error = run(c, Q_COVERAGE, &p, &res, err);
	if (error < 0)
		return error;
	r.res = res;
	if (PQntuples(res) > 0) {
		out->sold = col_i64(&r, 0);
		out->verified = col_i64(&r, 1);
		out->pending = col_i64(&r, 2);
		out->mismatch = col_i64(&r, 3);
		out->errors = col_i64(&r, 4);
		out->unverified = col_i64(&r, 5);
		out->oldest_due = col_i64(&r, 6);
	}
	PQclear(res);
	return 0;
}

static int
pg_chain_problems(struct cs_store_conn *c, int64_t campaign_id, int64_t limit,
    cs_chain_problem_cb cb, void *payload, struct cs_error *err)
{
	struct row r = {NULL, 0, NULL, true};
	struct params p = {0};
	struct cs_chain_check k;
	PGresult *res;
	int error;

	p_int(&p, campaign_id);
	p_limit(&p, limit);
	error = run(c, Q_PROBLEMS, &p, &res, err);
	if (error < 0)
		return error;
	r.res = res;
	for (r.i = 0; r.i < PQntuples(res) && error == 0; r.i++) {
		memset(&k, 0, sizeof(k));
		k.asset_id = col_text(&r, 0);
		k.nft_id = col_i64(&r, 1);
		if (cs_chain_status_parse(col_raw(&r, 2), &k.status) < 0)
			k.status = CS_CHAIN_ERROR;
		k.message = col_text(&r, 3);
		k.addresses = col_text(&r, 4);
		k.checked_at = col_i64(&r, 5);
		error = cb(&k, col_raw(&r, 6), col_raw(&r, 7), payload);
	}
	PQclear(res);
	return error;
}

static int
pg_chain_budget_take(struct cs_store_conn *c, int64_t now, int64_t rate_milli,
    int64_t cap_milli, int64_t *millitokens, int64_t *blocked_until,
    char *reason, size_t size, struct cs_error *err)
{
	struct row r = {NULL, 0, NULL, false};
	struct params p = {0};
	PGresult *res;
	int error;

	p_int(&p, now);
	p_int(&p, rate_milli);
	p_int(&p, cap_milli);
	error = run(c, Q_TAKE, &p, &res, err);
	if (error < 0)
		return error;
	r.res = res;
	if (PQntuples(res) > 0) {
		*millitokens = col_i64(&r, 0);
		PQclear(res);
		return 0;
	}
	PQclear(res);
	error = run(c, Q_BUDGET, NULL, &res, err);
	if (error < 0)
		return error;
	r.res = res;
	if (PQntuples(res) > 0) {
		*blocked_until = col_i64(&r, 0);
		cs_str_copy(
		    reason, col_raw(&r, 1) != NULL ? col_raw(&r, 1) : "", size);
		error = cs_error_set(err, CS_ERATELIMIT,
		    "the chain budget is blocked: %s", reason);
	} else {
		error = cs_error_set(err, CS_EDB, "no chain_budget row");
	}
	PQclear(res);
	return error;
}

static int
pg_chain_budget_block(struct cs_store_conn *c, int64_t until,
    const char *reason, struct cs_error *err)
{
	struct params p = {0};

	p_int(&p, until);
	p_text(&p, reason);
	return exec_cmd(c, Q_BLOCK, &p, err);
}

static int
pg_chain_release(struct cs_store_conn *c, const char *owner, int64_t nft_id,
    struct cs_error *err)
{
	struct params p = {0};

	p_int(&p, nft_id);
	p_text(&p, owner);
	return exec_cmd(c, Q_RELEASE, &p, err);
}

static int
pg_nft_mint_fill(
    struct cs_store_conn *c, int64_t id, const char *tx, struct cs_error *err)
{
	struct params p = {0};

	p_int(&p, id);
	p_text(&p, tx);
	return exec_cmd(c, Q_MINT_FILL, &p, err);
}

static int
pg_nft_mint_get(
    struct cs_store_conn *c, int64_t id, char **out, struct cs_error *err)
{
	struct row r = {NULL, 0, NULL, false};
	struct params p = {0};
	PGresult *res;
	int error;

	p_int(&p, id);
	error = run(c, Q_MINT_GET, &p, &res, err);
	if (error < 0)
		return error;
	r.res = res;
	if (PQntuples(res) > 0)
		*out = col_text(&r, 0);
	else
		error = cs_error_set(
		    err, CS_ENOTFOUND, "no NFT %lld", (long long)id);
	PQclear(res);
	return error;
}

const struct cs_store_ops cs_store_pg_ops = {
    .scheme = "postgres",
    .open = pg_open,
    .close = pg_close,
    .migrate = pg_migrate,
    .schema_version = pg_schema_version,
    .begin = pg_begin,
    .commit = pg_commit,
    .rollback = pg_rollback,
    .savepoint = pg_savepoint,
    .release = pg_release,
    .rollback_to = pg_rollback_to,
    .campaign_insert = pg_campaign_insert,
    .campaign_get = pg_campaign_get,
    .campaign_get_by_name = pg_campaign_get_by_name,
    .campaign_list = pg_campaign_list,
    .campaign_update = pg_campaign_update,
    .campaign_set_status = pg_campaign_set_status,
    .campaign_set_counts = pg_campaign_set_counts,
    .campaign_add_counts = pg_campaign_add_counts,
    .campaign_rotate_secret = pg_campaign_rotate_secret,
    .campaign_mark_synced = pg_campaign_mark_synced,
    .campaign_set_webhook = pg_campaign_set_webhook,
    .campaign_webhook_url = pg_campaign_webhook_url,
    .campaign_delete = pg_campaign_delete,
    .allowlist_clear = pg_allowlist_clear,
    .allowlist_add = pg_allowlist_add,
    .allowlist_has = pg_allowlist_has,
    .nft_insert = pg_nft_insert,
    .nft_get = pg_nft_get,
    .nft_list = pg_nft_list,
    .nft_counts = pg_nft_counts,
    .nft_max_number = pg_nft_max_number,
    .nft_update = pg_nft_update,
    .nft_get_many = pg_nft_get_many,
    .nft_write_many = pg_nft_write_many,
    .nft_set_payment_url = pg_nft_set_payment_url,
    .nft_set_asset_id = pg_nft_set_asset_id,
    .nft_pick_available = pg_nft_pick_available,
    .nft_wallet_count = pg_nft_wallet_count,
    .nft_expired = pg_nft_expired,
    .chain_candidates = pg_chain_candidates,
    .history_insert = pg_history_insert,
    .history_list = pg_history_list,
    .sync_log_insert = pg_sync_log_insert,
    .sync_log_update = pg_sync_log_update,
    .sync_log_get = pg_sync_log_get,
    .sync_log_list = pg_sync_log_list,
    .sync_log_prune = pg_sync_log_prune,
    .review_insert = pg_review_insert,
    .review_get = pg_review_get,
    .review_list = pg_review_list,
    .review_close = pg_review_close,
    .run_insert = pg_run_insert,
    .run_get_active = pg_run_get_active,
    .run_update = pg_run_update,
    .run_finish = pg_run_finish,
    .run_latest = pg_run_latest,
    .run_heartbeat = pg_run_heartbeat,
    .run_close = pg_run_close,
    .webhook_insert = pg_webhook_insert,
    .webhook_finish = pg_webhook_finish,
    .webhook_list = pg_webhook_list,
    .webhook_prune = pg_webhook_prune,
    .chain_get = pg_chain_get,
    .chain_put = pg_chain_put,
    .chain_claim = pg_chain_claim,
    .chain_coverage = pg_chain_coverage,
    .chain_problems = pg_chain_problems,
    .chain_budget_take = pg_chain_budget_take,
    .chain_budget_block = pg_chain_budget_block,
    .chain_release = pg_chain_release,
    .nft_mint_fill = pg_nft_mint_fill,
    .nft_mint_get = pg_nft_mint_get,
    .advisory_lock = pg_advisory_lock,
};
