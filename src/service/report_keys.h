/* SPDX-License-Identifier: MIT */
/*
 * The JSON names of the SyncReport's fields that its readers use: one
 * definition each, shared by the encoders (encode.c, verify.c) and the
 * CLI's text output (cmd_sync.c, cmd_logs.c), which reads the encoded
 * report because a debounced sync returns the stored one. A rename here
 * renames both sides; tests/unit/service/report_keys.c encodes a fully
 * populated report and checks that every name is there with its type.
 */
#ifndef CS_SERVICE_REPORT_KEYS_H
#define CS_SERVICE_REPORT_KEYS_H

/* The report object. */
#define CS_RK_DURATION_MS "durationMs"
#define CS_RK_NMKR_STATS "nmkrStats" /* struct cs_counts */
#define CS_RK_DB_STATS "dbStats"     /* struct cs_counts */
#define CS_RK_DISCREPANCIES "discrepancies"
#define CS_RK_DISCREPANCY_COUNT "discrepancyCount"
#define CS_RK_UPDATE_RESULTS "updateResults"
#define CS_RK_UPDATED_COUNT "updatedCount"
#define CS_RK_FAILED_COUNT "failedCount"
#define CS_RK_RECENT_WEBHOOKS "recentWebhooks"
#define CS_RK_BLOCKCHAIN_RESULTS "blockchainResults"
#define CS_RK_VERIFIED_COUNT "verifiedCount"
#define CS_RK_PENDING_COUNT "pendingCount"
#define CS_RK_ERROR_COUNT "errorCount"
#define CS_RK_DEFERRED "deferred"
#define CS_RK_DEFERRED_COUNT "deferredCount"
#define CS_RK_WARNINGS "warnings"
#define CS_RK_CONFLICTS "conflicts"
#define CS_RK_CONFLICT_COUNT "conflictCount"
#define CS_RK_ERRORS "errors"
#define CS_RK_PHASES "phases"
#define CS_RK_NMKR_REQUESTS "nmkrRequests" /* only when usage_known */
#define CS_RK_MODE "mode"                  /* only when mode_known */
#define CS_RK_MODE_WHY "modeWhy"           /* only when mode_known */

/* struct cs_counts (nmkrStats, dbStats). */
#define CS_RK_TOTAL "total"
#define CS_RK_AVAILABLE "available"
#define CS_RK_RESERVED "reserved"
#define CS_RK_SOLD "sold"

/* nmkrRequests. */
#define CS_RK_SENT "sent"
#define CS_RK_FAILED "failed"
#define CS_RK_REFUSED "refused"
#define CS_RK_WALKS "walks"
#define CS_RK_LISTS "lists"

/* The lists' items: discrepancies, updateResults, conflicts, deferred,
 * recentWebhooks and blockchainResults. */
#define CS_RK_NFT_NAME "nftName"
#define CS_RK_NFT_UID "nftUid"
#define CS_RK_ISSUE "issue"
#define CS_RK_DB_STATUS "dbStatus"     /* string or null */
#define CS_RK_NMKR_STATUS "nmkrStatus" /* string or null */
#define CS_RK_SUCCESS "success"
#define CS_RK_OLD_STATUS "oldStatus"
#define CS_RK_NEW_STATUS "newStatus"
#define CS_RK_ERROR "error" /* only when success is false */
#define CS_RK_WANTED "wanted"
#define CS_RK_REASON "reason"
#define CS_RK_AGE_MS "ageMs"
#define CS_RK_TIMESTAMP "timestamp"
#define CS_RK_STATUS "status"
#define CS_RK_RECORDS_SYNCED "recordsSynced"
#define CS_RK_MESSAGE "message"

#endif
