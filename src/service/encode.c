/* SPDX-License-Identifier: MIT */
/* JSON encoders of the data model; see encode.h. */
#include "service/encode.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "service/health.h"
#include "service/report.h"
#include "service/report_keys.h"
#include "service/verify.h"
#include "store/store.h"
#include "util/banned.h"

void
cs_json_add_time(cJSON *obj, const char *name, int64_t ms)
{
	if (ms == 0)
		cJSON_AddNullToObject(obj, name);
	else
		cJSON_AddNumberToObject(obj, name, (double)ms);
}

void
cs_json_add_str(cJSON *obj, const char *name, const char *s)
{
	if (s == NULL)
		cJSON_AddNullToObject(obj, name);
	else
		cJSON_AddStringToObject(obj, name, s);
}

void
cs_json_add_int(cJSON *obj, const char *name, int64_t v)
{
	cJSON_AddNumberToObject(obj, name, (double)v);
}

static cJSON *
new_object(void)
{
	cJSON *o = cJSON_CreateObject();

	if (o == NULL)
		abort();
	return o;
}

/* Embed stored JSON text; text that does not parse is kept as a string. */
static void
add_raw_json(cJSON *obj, const char *name, const char *text)
{
	cJSON *v;

	if (text == NULL) {
		cJSON_AddNullToObject(obj, name);
		return;
	}
	v = cJSON_Parse(text);
	if (v == NULL)
		v = cJSON_CreateString(text);
	cJSON_AddItemToObject(obj, name, v);
}

cJSON *
cs_json_counts(const struct cs_counts *k)
{
	cJSON *o = new_object();

	cs_json_add_int(o, CS_RK_TOTAL, k->total);
	cs_json_add_int(o, CS_RK_AVAILABLE, k->available);
	cs_json_add_int(o, CS_RK_RESERVED, k->reserved);
	cs_json_add_int(o, CS_RK_SOLD, k->sold);
	return o;
}

cJSON *
cs_json_campaign(const struct cs_campaign *c)
{
	cJSON *o = new_object();

	cs_json_add_int(o, "id", c->id);
	cs_json_add_str(o, "name", c->name);
	cs_json_add_str(o, "description", c->description);
	cs_json_add_str(o, "nmkrProjectId", c->nmkr_project_uid);
	cs_json_add_str(o, "network", cs_network_name(c->network));
	cs_json_add_str(o, "status", cs_campaign_status_name(c->status));
	cs_json_add_int(o, "maxNFTs", c->max_nfts);
	cs_json_add_time(o, "startDate", c->start_date);
	cs_json_add_time(o, "endDate", c->end_date);
	cs_json_add_time(o, "createdAt", c->created_at);
	cs_json_add_time(o, "updatedAt", c->updated_at);
	cs_json_add_int(o, "totalNFTs", c->counts.total);
	cs_json_add_int(o, "availableNFTs", c->counts.available);
	cs_json_add_int(o, "reservedNFTs", c->counts.reserved);
	cs_json_add_int(o, "soldNFTs", c->counts.sold);
	cs_json_add_time(o, "lastSyncedAt", c->last_synced_at);
	cJSON_AddBoolToObject(o, "allowMultiple", c->allow_multiple);
	cJSON_AddBoolToObject(o, "hasAllowlist", c->has_allowlist);
	if (c->reservation_minutes != 0)
		cs_json_add_int(
		    o, "reservationMinutes", c->reservation_minutes);
	else
		cJSON_AddNullToObject(o, "reservationMinutes");
	cJSON_AddBoolToObject(
	    o, "webhookConfigured", c->webhook_secret != NULL);
	return o;
}

cJSON *
cs_json_nft(const struct cs_nft *n)
{
	cJSON *o = new_object();

	cs_json_add_int(o, "id", n->id);
	cs_json_add_int(o, "campaignId", n->campaign_id);
	cs_json_add_str(o, "nftUid", n->nft_uid);
	cs_json_add_int(o, "nftNumber", n->nft_number);
	cs_json_add_str(o, "name", n->name);
	cs_json_add_str(o, "status", cs_nft_status_name(n->status));
	cs_json_add_str(o, "projectId", n->project_uid);
	cs_json_add_str(o, "paymentUrl", n->payment_url);
	cs_json_add_str(o, "imageUrl", n->image_url);
	cs_json_add_str(o, "assetId", n->asset_id);
	cs_json_add_time(o, "createdAt", n->created_at);
	cs_json_add_time(o, "lastModifiedAt", n->last_modified_at);
	cs_json_add_str(
	    o, "lastModifiedBy", cs_source_name(n->last_modified_by));
	cs_json_add_time(o, "lastSyncedAt", n->last_synced_at);
	cs_json_add_int(o, "version", n->version);
	cs_json_add_str(o, "reservedBy", n->reserved_by);
	cs_json_add_time(o, "reservedUntil", n->reserved_until);
	cs_json_add_str(o, "soldTo", n->sold_to);
	cs_json_add_str(o, "txHash", n->tx_hash);
	cs_json_add_time(o, "soldAt", n->sold_at);
	/* The text NMKR sent for it (selldate, SaleDate), before the zone
	 * NMKR_TIMEZONE names was applied: an operator can check both. */
	cs_json_add_str(o, "soldAtRaw", n->sold_at_raw);
	return o;
}

static void
add_opt_id(cJSON *o, const char *name, int64_t id)
{
	if (id == 0)
		cJSON_AddNullToObject(o, name);
	else
		cs_json_add_int(o, name, id);
}

cJSON *
cs_json_history(const struct cs_history *h)
{
	cJSON *o = new_object();

	cs_json_add_int(o, "id", h->id);
	cs_json_add_int(o, "nftId", h->nft_id);
	cs_json_add_int(o, "campaignId", h->campaign_id);
	cs_json_add_str(o, "oldStatus", cs_nft_status_name(h->old_status));
	cs_json_add_str(o, "newStatus", cs_nft_status_name(h->new_status));
	cs_json_add_str(o, "source", cs_source_name(h->source));
	cs_json_add_time(o, "changedAt", h->changed_at);
	add_opt_id(o, "syncLogId", h->sync_log_id);
	add_opt_id(o, "webhookEventId", h->webhook_event_id);
	cs_json_add_str(o, "detail", h->detail);
	return o;
}

cJSON *
cs_json_sync_log(const struct cs_sync_log *l)
{
	cJSON *o = new_object();

	cs_json_add_int(o, "id", l->id);
	cs_json_add_str(o, "syncType", cs_sync_type_name(l->sync_type));
	cs_json_add_str(o, "nmkrProjectId", l->nmkr_project_uid);
	add_opt_id(o, "campaignId", l->campaign_id);
	cs_json_add_str(o, "status", cs_sync_status_name(l->status));
	cs_json_add_int(o, "recordsSynced", l->records_synced);
	add_raw_json(o, "errors", l->errors);
	if (l->synced_data != NULL)
		add_raw_json(o, "syncedData", l->synced_data);
	cs_json_add_time(o, "syncStartedAt", l->started_at);
	cs_json_add_time(o, "syncCompletedAt", l->completed_at);
	return o;
}

cJSON *
cs_json_review(const struct cs_review_item *r)
{
	cJSON *o = new_object();

	cs_json_add_int(o, "id", r->id);
	cs_json_add_int(o, "campaignId", r->campaign_id);
	cs_json_add_int(o, "nftId", r->nft_id);
	cs_json_add_str(o, "nftUid", r->nft_uid);
	cs_json_add_str(o, "kind", r->kind);
	cs_json_add_str(o, "localStatus", cs_nft_status_name(r->local_status));
	cs_json_add_str(o, "remoteState", r->remote_state);
	cs_json_add_str(o, "detail", r->detail);
	cs_json_add_time(o, "createdAt", r->created_at);
	add_opt_id(o, "syncLogId", r->sync_log_id);
	cs_json_add_time(o, "resolvedAt", r->resolved_at);
	cs_json_add_str(o, "resolution", r->resolution);
	return o;
}

cJSON *
cs_json_sync_run(const struct cs_sync_run *r)
{
	cJSON *o = new_object();

	cs_json_add_int(o, "id", r->id);
	cs_json_add_int(o, "campaignId", r->campaign_id);
	cs_json_add_str(o, "owner", r->owner);
	cs_json_add_str(o, "phase", r->phase);
	cs_json_add_int(o, "done", r->done);
	cs_json_add_int(o, "total", r->total);
	cs_json_add_time(o, "startedAt", r->started_at);
	cs_json_add_time(o, "heartbeatAt", r->heartbeat_at);
	cs_json_add_time(o, "finishedAt", r->finished_at);
	cs_json_add_str(o, "outcome", r->outcome);
	add_opt_id(o, "syncLogId", r->sync_log_id);
	return o;
}

cJSON *
cs_json_webhook_event(const struct cs_webhook_event *e)
{
	cJSON *o = new_object();

	cs_json_add_int(o, "id", e->id);
	add_opt_id(o, "campaignId", e->campaign_id);
	cs_json_add_str(o, "projectUid", e->project_uid);
	cs_json_add_str(o, "eventType", e->event_type);
	cs_json_add_str(o, "txHash", e->tx_hash);
	cJSON_AddBoolToObject(o, "verified", e->verified);
	cs_json_add_str(o, "outcome", e->outcome);
	cs_json_add_str(o, "detail", e->detail);
	cs_json_add_time(o, "receivedAt", e->received_at);
	add_opt_id(o, "syncLogId", e->sync_log_id);
	cs_json_add_str(o, "bodySha256", e->body_sha256);
	cs_json_add_int(o, "bodyLength",
	    (int64_t)(e->body_len > 0 ? e->body_len : e->raw_len));
	return o;
}

cJSON *
cs_json_alert(const struct cs_alert *a)
{
	cJSON *o = new_object();

	cs_json_add_int(o, "id", a->id);
	cs_json_add_int(o, "campaignId", a->campaign_id);
	cs_json_add_str(o, "cause", a->cause);
	cs_json_add_str(o, "text", a->text);
	cs_json_add_time(o, "sentAt", a->sent_at);
	cJSON_AddBoolToObject(o, "delivered", a->delivered);
	cs_json_add_str(o, "error", a->error);
	return o;
}

cJSON *
cs_json_chain_check(const struct cs_chain_check *c)
{
	cJSON *o = new_object();

	cs_json_add_str(o, "assetId", c->asset_id);
	add_opt_id(o, "nftId", c->nft_id);
	cs_json_add_str(o, "status", cs_chain_status_name(c->status));
	cs_json_add_str(o, "message", c->message);
	add_raw_json(o, "currentAddresses", c->addresses);
	cs_json_add_time(o, "checkedAt", c->checked_at);
	return o;
}

cJSON *
cs_json_campaign_health(const struct cs_campaign_health *h)
{
	cJSON *o = new_object(), *recent;

	cs_json_add_str(o, "status", cs_health_name(h->summary.health));
	cs_json_add_str(o, "reason", h->summary.reason);
	cs_json_add_time(o, "lastSyncAt", h->last_sync_at);
	cs_json_add_str(o, "lastSyncStatus",
	    h->last_sync_at != 0 ? cs_sync_status_name(h->last_sync_status)
	                         : NULL);
	cs_json_add_time(o, "lastSuccessAt", h->last_success_at);
	cs_json_add_int(o, "openReviews", h->open_reviews);
	cJSON_AddBoolToObject(o, "webhookRegistered", h->webhook_registered);
	recent = cJSON_AddObjectToObject(o, "recent");
	cs_json_add_int(recent, "success", (int64_t)h->summary.success);
	cs_json_add_int(recent, "partial", (int64_t)h->summary.partial);
	cs_json_add_int(recent, "failed", (int64_t)h->summary.failed);
	return o;
}

char *
cs_json_print(const cJSON *v, bool pretty)
{
	char *s = pretty ? cJSON_Print(v) : cJSON_PrintUnformatted(v);

	if (s == NULL) {
		fprintf(stderr, "campaign-sync: out of memory printing JSON\n");
		abort();
	}
	return s;
}

/* ---- The SyncReport ----------------------------------------------------- */

static const char *
status_or_null(int s)
{
	return s >= 0 ? cs_nft_status_name((enum cs_nft_status)s) : NULL;
}

static cJSON *
discrepancy_json(const struct cs_report_discrepancy *x)
{
	cJSON *d = new_object();

	cs_json_add_str(d, CS_RK_NFT_UID, x->uid);
	cs_json_add_str(d, CS_RK_NFT_NAME, x->name);
	cs_json_add_str(d, CS_RK_ISSUE, cs_issue_text(x->issue));
	cs_json_add_str(d, CS_RK_DB_STATUS, status_or_null(x->db_status));
	cs_json_add_str(d, CS_RK_NMKR_STATUS, x->nmkr_status);
	return d;
}

static cJSON *
update_json(const struct cs_report_update *x)
{
	cJSON *u = new_object();

	cJSON_AddBoolToObject(u, CS_RK_SUCCESS, x->ok);
	cs_json_add_str(u, CS_RK_NFT_NAME, x->name);
	cs_json_add_str(u, CS_RK_OLD_STATUS, cs_nft_status_name(x->from));
	cs_json_add_str(u, CS_RK_NEW_STATUS, cs_nft_status_name(x->to));
	if (x->error != NULL)
		cs_json_add_str(u, CS_RK_ERROR, x->error);
	return u;
}

static cJSON *
conflict_json(const struct cs_report_conflict *x)
{
	cJSON *c = new_object();

	cs_json_add_str(c, CS_RK_NFT_UID, x->uid);
	cs_json_add_str(c, CS_RK_NFT_NAME, x->name);
	cs_json_add_str(c, CS_RK_WANTED, cs_nft_status_name(x->wanted));
	cs_json_add_str(c, CS_RK_REASON, x->reason);
	return c;
}

static cJSON *
deferred_json(const struct cs_report_deferred *x)
{
	cJSON *d = new_object();

	cs_json_add_str(d, CS_RK_NFT_UID, x->uid);
	cs_json_add_str(d, CS_RK_NFT_NAME, x->name);
	cs_json_add_str(d, CS_RK_DB_STATUS, cs_nft_status_name(x->db_status));
	cs_json_add_str(d, CS_RK_NMKR_STATUS, x->nmkr_status);
	cs_json_add_str(
	    d, "lastModifiedBy", cs_source_name(x->last_modified_by));
	cs_json_add_int(d, CS_RK_AGE_MS, x->age_ms);
	cs_json_add_str(d, CS_RK_REASON, x->reason);
	return d;
}

static cJSON *
webhook_json(const struct cs_report_webhook *x)
{
	cJSON *w = new_object(), *errors = NULL;

	cs_json_add_int(w, CS_RK_TIMESTAMP, x->timestamp);
	cs_json_add_str(w, CS_RK_STATUS, cs_sync_status_name(x->status));
	cs_json_add_int(w, CS_RK_RECORDS_SYNCED, x->records);
	if (x->errors != NULL)
		errors = cJSON_Parse(x->errors);
	if (!cJSON_IsArray(errors)) {
		cJSON_Delete(errors);
		errors = cJSON_CreateArray();
	}
	cJSON_AddItemToObject(w, CS_RK_ERRORS, errors);
	return w;
}

static cJSON *
strings_json(const struct cs_vec *v, size_t max)
{
	cJSON *a = cJSON_CreateArray();
	size_t i;

	for (i = 0; i < v->len && i < max; i++)
		cJSON_AddItemToArray(
		    a, cJSON_CreateString(*CS_VEC_AT(v, const char *, i)));
	return a;
}

/* The first max items of v, each made by one; *cut is set when some are
 * left out. */
static cJSON *
list_json(
    const struct cs_vec *v, size_t max, cJSON *(*one)(const void *), bool *cut)
{
	cJSON *a = cJSON_CreateArray();
	size_t i;

	for (i = 0; i < v->len && i < max; i++)
		cJSON_AddItemToArray(a, one(cs_vec_at(v, i)));
	if (v->len > max)
		*cut = true;
	return a;
}

/* Adapters: list_json's callback takes a const void *. */
#define CS_ONE(fn, type)                                                       \
	static cJSON *fn##_any(const void *p)                                  \
	{                                                                      \
		return fn((const type *)p);                                    \
	}
CS_ONE(discrepancy_json, struct cs_report_discrepancy)
CS_ONE(update_json, struct cs_report_update)
CS_ONE(conflict_json, struct cs_report_conflict)
CS_ONE(deferred_json, struct cs_report_deferred)
CS_ONE(webhook_json, struct cs_report_webhook)
#undef CS_ONE

/* Each issue's whole count, from every discrepancy (the list is cut). */
static cJSON *
issue_counts_json(const struct cs_vec *v)
{
	static const enum cs_issue issues[] = {CS_ISSUE_STATUS_MISMATCH,
	    CS_ISSUE_NOT_IN_NMKR, CS_ISSUE_NOT_IN_DATABASE,
	    CS_ISSUE_UNSUPPORTED_STATE};
	int64_t n[sizeof(issues) / sizeof(issues[0])] = {0};
	cJSON *o = new_object();
	size_t i, k;

	for (i = 0; i < v->len; i++) {
		const struct cs_report_discrepancy *d =
		    CS_VEC_AT(v, struct cs_report_discrepancy, i);

		for (k = 0; k < sizeof(issues) / sizeof(issues[0]); k++)
			if (d->issue == issues[k])
				n[k]++;
	}
	for (k = 0; k < sizeof(issues) / sizeof(issues[0]); k++)
		if (n[k] > 0)
			cs_json_add_int(o, cs_issue_text(issues[k]), n[k]);
	return o;
}

/* The database after the sync: the counts before it plus every update it
 * applied (the report holds them all; only their JSON list is cut). */
static cJSON *
db_after_json(const struct cs_sync_report *r)
{
	struct cs_counts after = r->db;
	size_t i;

	for (i = 0; i < r->updates.len; i++) {
		const struct cs_report_update *u =
		    CS_VEC_AT(&r->updates, struct cs_report_update, i);

		if (!u->ok || u->from == u->to)
			continue;
		cs_counts_add(&after, u->from, -1);
		cs_counts_add(&after, u->to, 1);
	}
	return cs_json_counts(&after);
}

cJSON *
cs_json_sync_report(const struct cs_sync_report *r, size_t max_items)
{
	cJSON *o = new_object(), *phases, *u;
	bool cut = false;
	size_t i;

	cJSON_AddBoolToObject(o, CS_RK_SUCCESS, r->success);
	cs_json_add_int(o, "syncedAt", r->synced_at);
	cs_json_add_int(o, CS_RK_DURATION_MS, r->duration_ms);
	cJSON_AddItemToObject(o, CS_RK_NMKR_STATS, cs_json_counts(&r->nmkr));
	cJSON_AddItemToObject(o, CS_RK_DB_STATS, cs_json_counts(&r->db));
	if (r->success && !r->dry_run)
		cJSON_AddItemToObject(o, "dbStatsAfter", db_after_json(r));
	cJSON_AddItemToObject(o, CS_RK_DISCREPANCIES,
	    list_json(
	        &r->discrepancies, max_items, discrepancy_json_any, &cut));
	cs_json_add_int(
	    o, CS_RK_DISCREPANCY_COUNT, (int64_t)r->discrepancies.len);
	cJSON_AddItemToObject(
	    o, "issueCounts", issue_counts_json(&r->discrepancies));
	cJSON_AddItemToObject(o, CS_RK_UPDATE_RESULTS,
	    list_json(&r->updates, max_items, update_json_any, &cut));
	cs_json_add_int(o, CS_RK_UPDATED_COUNT, (int64_t)r->updated);
	cs_json_add_int(o, CS_RK_FAILED_COUNT, (int64_t)r->failed);
	cJSON_AddItemToObject(o, CS_RK_RECENT_WEBHOOKS,
	    list_json(&r->webhooks, max_items, webhook_json_any, &cut));
	if (r->chain_ran) {
		cJSON_AddItemToObject(o, CS_RK_BLOCKCHAIN_RESULTS,
		    cs_verify_results_json(&r->chain));
		cs_json_add_int(
		    o, CS_RK_VERIFIED_COUNT, (int64_t)r->chain.verified);
		cs_json_add_int(
		    o, CS_RK_PENDING_COUNT, (int64_t)r->chain.pending);
		cs_json_add_int(o, CS_RK_ERROR_COUNT, (int64_t)r->chain.errors);
		cs_json_add_int(o, "mismatchCount", (int64_t)r->chain.mismatch);
	} else {
		cJSON_AddArrayToObject(o, CS_RK_BLOCKCHAIN_RESULTS);
		cs_json_add_int(o, CS_RK_VERIFIED_COUNT, 0);
		cs_json_add_int(o, CS_RK_PENDING_COUNT, 0);
		cs_json_add_int(o, CS_RK_ERROR_COUNT, 0);
	}
	if (r->sync_log_id != 0)
		cs_json_add_int(o, "syncLogId", r->sync_log_id);
	else
		cJSON_AddNullToObject(o, "syncLogId");
	cJSON_AddItemToObject(o, CS_RK_DEFERRED,
	    list_json(&r->deferred, max_items, deferred_json_any, &cut));
	cs_json_add_int(o, CS_RK_DEFERRED_COUNT, (int64_t)r->deferred_count);
	cJSON_AddItemToObject(
	    o, CS_RK_WARNINGS, strings_json(&r->warnings, max_items));
	if (r->warnings.len > max_items)
		cut = true;
	cJSON_AddItemToObject(o, CS_RK_CONFLICTS,
	    list_json(&r->conflicts, max_items, conflict_json_any, &cut));
	cs_json_add_int(o, CS_RK_CONFLICT_COUNT, (int64_t)r->conflicts.len);
	cJSON_AddItemToObject(
	    o, CS_RK_ERRORS, strings_json(&r->errors, max_items));
	phases = cJSON_AddObjectToObject(o, CS_RK_PHASES);
	for (i = 0; i < r->phases.len; i++) {
		const struct cs_report_phase *p =
		    CS_VEC_AT(&r->phases, struct cs_report_phase, i);

		cs_json_add_int(phases, p->name, p->ms);
	}
	if (r->usage_known) {
		u = cJSON_AddObjectToObject(o, CS_RK_NMKR_REQUESTS);
		cs_json_add_int(u, CS_RK_SENT, r->usage.sent);
		cs_json_add_int(u, CS_RK_FAILED, r->usage.failed);
		cs_json_add_int(u, CS_RK_REFUSED, r->usage.refused);
		cJSON_AddBoolToObject(u, "circuitOpen", r->usage.circuit_open);
		cs_json_add_int(u, CS_RK_WALKS, r->usage.walks);
		cs_json_add_int(u, CS_RK_LISTS, r->usage.lists);
	}
	if (r->mode_known) {
		cs_json_add_str(o, CS_RK_MODE, r->smart ? "smart" : "full");
		cs_json_add_str(
		    o, "modeReason", cs_smart_reason_name(r->mode_reason));
		cs_json_add_str(
		    o, CS_RK_MODE_WHY, cs_smart_reason_text(r->mode_reason));
	}
	if (r->dry_run)
		cJSON_AddBoolToObject(o, "dryRun", true);
	if (cut)
		cs_json_add_str(o, "truncated",
		    "lists hold their first entries only: every NFT kept or "
		    "sent for review is in the review queue, every change in "
		    "the status history");
	return o;
}

int
cs_json_report_count(const char *report, const char *name, int64_t *out)
{
	cJSON *doc = NULL;
	const cJSON *v;
	int error = CS_ENOTFOUND;

	if (report == NULL)
		return CS_ENOTFOUND;
	doc = cJSON_Parse(report);
	v = cJSON_GetObjectItemCaseSensitive(doc, name);
	if (cJSON_IsNumber(v) && v->valuedouble >= 0) {
		*out = (int64_t)v->valuedouble;
		error = 0;
	}
	cJSON_Delete(doc);
	return error;
}
