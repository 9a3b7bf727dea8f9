/* SPDX-License-Identifier: MIT */
/*
 * The text of every statement of the SQLite backend, by id: each is
 * prepared once per connection, on first use, and reused.
 */
#include "store/sqlite/internal.h"

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

const char *const cs_sqlite__sql[S_COUNT] = {
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
    /* What a sync compares (struct cs_local_nft). */
    [N_LIST_LOCAL] = "SELECT id, nft_uid, name, status, version, "
                     "reserved_until, last_modified_at, last_modified_by, "
                     "asset_id IS NOT NULL FROM nfts WHERE campaign_id = ?1 "
                     "ORDER BY nft_number",
    [N_LIST_STATUS] = "SELECT " NFT_COLS " FROM nfts "
                      "WHERE campaign_id = ?1 AND status = ?4 "
                      "AND nft_number > ?2 ORDER BY nft_number LIMIT ?3",
    /* ?4 status or '', ?5 uid prefix, ?6 name pattern (LIKE is
     * case-blind for ASCII), ?7 number or -1, ?8 wallet or tx hash. */
    [N_SEARCH] = "SELECT " NFT_COLS " FROM nfts WHERE campaign_id = ?1 "
                 "AND nft_number > ?2 AND (?4 = '' OR status = ?4) "
                 "AND (nft_uid LIKE ?5 ESCAPE '\\' "
                 "OR name LIKE ?6 ESCAPE '\\' OR nft_number = ?7 "
                 "OR reserved_by = ?8 OR sold_to = ?8 OR claimed_by = ?8 "
                 "OR tx_hash = ?8) ORDER BY nft_number LIMIT ?3",
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
    [L_RECENT] = "SELECT " LOG_COLS ", NULL FROM (SELECT " LOG_COLS ", "
                 "ROW_NUMBER() OVER (PARTITION BY campaign_id "
                 "ORDER BY sync_started_at DESC, id DESC) AS rn "
                 "FROM sync_log WHERE campaign_id IS NOT NULL "
                 "AND sync_type <> 'webhook') AS t WHERE rn <= ?1 "
                 "ORDER BY campaign_id, rn",
    [L_PRUNE] = "DELETE FROM sync_log WHERE sync_completed_at < ?1",

    [R_INSERT] = "INSERT INTO review_queue (campaign_id, nft_id, kind, "
                 "local_status, remote_state, detail, created_at, "
                 "sync_log_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    [R_GET] = "SELECT " REVIEW_COLS " FROM review_queue r "
              "JOIN nfts n ON n.id = r.nft_id WHERE r.id = ?1",
    /* ?3 kind or NULL, ?4 the last id of the page before, ?5 limit
     * or -1: keyset pages in id order. */
    [R_LIST] = "SELECT " REVIEW_COLS " FROM review_queue r "
               "JOIN nfts n ON n.id = r.nft_id "
               "WHERE (?1 = 0 OR r.campaign_id = ?1) "
               "AND (?2 = 0 OR r.resolved_at IS NULL) "
               "AND (?3 IS NULL OR r.kind = ?3) AND r.id > ?4 "
               "ORDER BY r.id LIMIT ?5",
    [R_COUNT] = "SELECT COUNT(*) FROM review_queue r "
                "JOIN nfts n ON n.id = r.nft_id "
                "WHERE (?1 = 0 OR r.campaign_id = ?1) "
                "AND (?2 = 0 OR r.resolved_at IS NULL) "
                "AND (?3 IS NULL OR r.kind = ?3)",
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
    /* An alert of a campaign that is gone writes nothing (ENOTFOUND). */
    [A_INSERT] = "INSERT INTO alerts (campaign_id, cause, text, sent_at, "
                 "delivered, error) SELECT ?1, ?2, ?3, ?4, ?5, ?6 "
                 "WHERE EXISTS (SELECT 1 FROM campaigns WHERE id = ?1)",
    [A_LIST] = "SELECT id, campaign_id, cause, text, sent_at, delivered, "
               "error FROM alerts WHERE (?1 = 0 OR campaign_id = ?1) "
               "ORDER BY sent_at DESC, id DESC LIMIT ?2",
    [A_PRUNE] = "DELETE FROM alerts WHERE id IN (SELECT id FROM alerts "
                "WHERE sent_at < ?1 ORDER BY sent_at LIMIT ?2)",
    /* Oldest first, a batch at a time; an event a history row points at
     * stays (status_history_by_webhook finds them). */
    [W_PRUNE] = "DELETE FROM webhook_events WHERE id IN (SELECT e.id "
                "FROM webhook_events e WHERE e.received_at < ?1 "
                "AND NOT EXISTS (SELECT 1 FROM status_history h "
                "WHERE h.webhook_event_id = e.id) "
                "ORDER BY e.received_at LIMIT ?2)",
    /* Old reports, a batch at a time; the rows stay. */
    [L_PRUNE_REPORTS] = "UPDATE sync_log SET synced_data = NULL "
                        "WHERE id IN (SELECT id FROM sync_log "
                        "WHERE synced_data IS NOT NULL "
                        "AND sync_completed_at < ?1 ORDER BY id LIMIT ?2)",

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
