/* SPDX-License-Identifier: MIT */
/*
 * The text and parameter types of every statement of the PostgreSQL
 * backend, by id: each is prepared once per connection, on first use.
 */
#include "store/pg/internal.h"

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

const struct stmt_def cs_pg__stmts[S_COUNT] = {
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
    /* What a sync compares (struct cs_local_nft), and the number that
     * pages it. */
    [N_LIST_LOCAL] = {"SELECT id, nft_uid, name, status, version, "
                      "reserved_until, last_modified_at, last_modified_by, "
                      "asset_id IS NOT NULL, nft_number FROM nfts "
                      "WHERE campaign_id = $1 AND nft_number > $2 "
                      "ORDER BY nft_number LIMIT $3",
        "iii"},
    [N_LIST_STATUS] = {"SELECT " NFT_COLS " FROM nfts "
                       "WHERE campaign_id = $1 AND status = $4 "
                       "AND nft_number > $2 ORDER BY nft_number LIMIT $3",
        "iiit"},
    /* $4 status or '', $5 uid prefix, $6 name pattern, $7 number or -1,
     * $8 wallet or tx hash. */
    [N_SEARCH] = {"SELECT " NFT_COLS " FROM nfts WHERE campaign_id = $1 "
                  "AND nft_number > $2 AND ($4 = '' OR status = $4) "
                  "AND (nft_uid LIKE $5 ESCAPE '\\' "
                  "OR name ILIKE $6 ESCAPE '\\' OR nft_number = $7 "
                  "OR reserved_by = $8 OR sold_to = $8 OR claimed_by = $8 "
                  "OR tx_hash = $8) ORDER BY nft_number LIMIT $3",
        "iiitttit"},
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
    [L_RECENT] = {"SELECT " LOG_COLS ", NULL FROM (SELECT " LOG_COLS ", "
                  "ROW_NUMBER() OVER (PARTITION BY campaign_id "
                  "ORDER BY sync_started_at DESC, id DESC) AS rn "
                  "FROM sync_log WHERE campaign_id IS NOT NULL "
                  "AND sync_type <> 'webhook') AS t WHERE rn <= $1 "
                  "ORDER BY campaign_id, rn",
        "i"},
    [L_PRUNE] = {"DELETE FROM sync_log WHERE sync_completed_at < $1", "i"},

    /* An open item of the same NFT and kind is a conflict that must not
     * abort the transaction: store/sync.c goes on after it. */
    [R_INSERT] = {"INSERT INTO review_queue (campaign_id, nft_id, kind, "
                  "local_status, remote_state, detail, created_at, "
                  "sync_log_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) "
                  "ON CONFLICT (nft_id, kind) WHERE resolved_at IS NULL "
                  "DO NOTHING RETURNING id",
        "iittttii"},
    [R_GET] = {"SELECT " REVIEW_COLS " FROM review_queue r "
               "JOIN nfts n ON n.id = r.nft_id WHERE r.id = $1",
        "i"},
    /* $3 kind or NULL, $4 the last id of the page before, $5 limit or
     * NULL: keyset pages in id order. */
    [R_LIST] = {"SELECT " REVIEW_COLS " FROM review_queue r "
                "JOIN nfts n ON n.id = r.nft_id "
                "WHERE ($1 = 0 OR r.campaign_id = $1) "
                "AND (NOT $2 OR r.resolved_at IS NULL) "
                "AND ($3::text IS NULL OR r.kind = $3) AND r.id > $4 "
                "ORDER BY r.id LIMIT $5",
        "ibtii"},
    [R_COUNT] = {"SELECT COUNT(*) FROM review_queue r "
                 "JOIN nfts n ON n.id = r.nft_id "
                 "WHERE ($1 = 0 OR r.campaign_id = $1) "
                 "AND (NOT $2 OR r.resolved_at IS NULL) "
                 "AND ($3::text IS NULL OR r.kind = $3)",
        "ibt"},
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
     * transaction: store/webhook.c then records the event as a
     * replay. */
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
    /* An alert of a campaign that is gone writes nothing (ENOTFOUND). */
    [A_INSERT] = {"INSERT INTO alerts (campaign_id, cause, text, sent_at, "
                  "delivered, error) SELECT $1, $2, $3, $4, $5, $6 "
                  "WHERE EXISTS (SELECT 1 FROM campaigns WHERE id = $1) "
                  "RETURNING id",
        "ittibt"},
    [A_LIST] = {"SELECT id, campaign_id, cause, text, sent_at, delivered, "
                "error FROM alerts WHERE ($1 = 0 OR campaign_id = $1) "
                "ORDER BY sent_at DESC, id DESC LIMIT $2",
        "ii"},
    [A_PRUNE] = {"DELETE FROM alerts WHERE id IN (SELECT id FROM alerts "
                 "WHERE sent_at < $1 ORDER BY sent_at LIMIT $2)",
        "ii"},
    [W_PRUNE] = {"DELETE FROM webhook_events WHERE id IN (SELECT e.id "
                 "FROM webhook_events e WHERE e.received_at < $1 "
                 "AND NOT EXISTS (SELECT 1 FROM status_history h "
                 "WHERE h.webhook_event_id = e.id) "
                 "ORDER BY e.received_at LIMIT $2)",
        "ii"},
    /* Old reports, a batch at a time; the rows stay. */
    [L_PRUNE_REPORTS] = {"UPDATE sync_log SET synced_data = NULL "
                         "WHERE id IN (SELECT id FROM sync_log "
                         "WHERE synced_data IS NOT NULL "
                         "AND sync_completed_at < $1 ORDER BY id LIMIT $2)",
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
