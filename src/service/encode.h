/* SPDX-License-Identifier: MIT */
/*
 * The JSON form of the data model, shared by the HTTP API and the CLI's
 * --json output so both say the same thing with the same names (the seed's
 * camelCase: nftUid, availableNFTs, syncStartedAt, ...). Times are ms since
 * the epoch, null when unset. Secrets are never encoded.
 */
#ifndef CS_SERVICE_ENCODE_H
#define CS_SERVICE_ENCODE_H

#include <cjson/cJSON.h>

#include "core/model.h"

/* Each returns a new object; the caller owns it (cJSON_Delete()). */
cJSON *cs_json_campaign(const struct cs_campaign *c);
cJSON *cs_json_counts(const struct cs_counts *k);
cJSON *cs_json_nft(const struct cs_nft *n);
cJSON *cs_json_history(const struct cs_history *h);
/** synced_data and errors, stored as JSON text, are embedded as JSON. */
cJSON *cs_json_sync_log(const struct cs_sync_log *l);
cJSON *cs_json_review(const struct cs_review_item *r);
cJSON *cs_json_sync_run(const struct cs_sync_run *r);
cJSON *cs_json_webhook_event(const struct cs_webhook_event *e);
cJSON *cs_json_chain_check(const struct cs_chain_check *c);

struct cs_alert;

/** An alert sent to CS_ALERT_WEBHOOK, or tried (store/store.h). */
cJSON *cs_json_alert(const struct cs_alert *a);

struct cs_campaign_health;

/**
 * A campaign's health (service/health.h): status, reason, the last sync's
 * time and status, the last success, open reviews, webhook registration
 * and the counts of the recent syncs.
 */
cJSON *cs_json_campaign_health(const struct cs_campaign_health *h);

struct cs_sync_report;

/**
 * The SyncReport (service/report.h) as the API answers it, the CLI prints
 * it and sync_log stores it. Each list holds its first max_items entries
 * at most; discrepancyCount and conflictCount give the whole, and
 * "truncated" (present only then) says a list was cut and where the rest
 * is (the review queue, status_history).
 */
cJSON *cs_json_sync_report(const struct cs_sync_report *r, size_t max_items);

/** A time in ms, or null when 0. Adds to obj under name. */
void cs_json_add_time(cJSON *obj, const char *name, int64_t ms);

/** A string, or null. */
void cs_json_add_str(cJSON *obj, const char *name, const char *s);

/** An integer (exact up to 2^53, which covers ms times and counts). */
void cs_json_add_int(cJSON *obj, const char *name, int64_t v);

/**
 * Print compactly (pretty when pretty); caller frees. Never NULL: cJSON
 * failing to allocate aborts like cs_xmalloc.
 */
char *cs_json_print(const cJSON *v, bool pretty);

/**
 * A count of a stored SyncReport (sync_log.synced_data): name is
 * "discrepancyCount", "conflictCount" and the like.
 *
 * @return 0, or CS_ENOTFOUND when report is NULL, not JSON or without a
 *         number called name
 */
CS_NODISCARD int cs_json_report_count(
    const char *report, const char *name, int64_t *out);

#endif
