/* SPDX-License-Identifier: MIT */
/*
 * Campaigns: CRUD (getCampaignById), activation, counters
 * (syncCampaignCounters), allow-list, health, history, webhook activity and
 * registration, and the public view a site reads.
 */
#include "http/internal.h"

#include <stdlib.h>
#include <string.h>

#include "core/health.h"
#include "service/admin.h"
#include "service/encode.h"
#include "service/webhook.h"
#include "util/limits.h"
#include "util/str.h"
#include "util/xalloc.h"
#include "util/banned.h"

/* Load the campaign of path parameter 0; replies and returns false if
 * there is none. */
static bool
load(struct cs_req *r, struct cs_store **store, struct cs_campaign *c)
{
	struct cs_error err = CS_ERROR_INIT;
	int64_t id;

	memset(c, 0, sizeof(*c));
	if (!cs_req_id(r, 0, &id))
		return false;
	*store = cs_req_store(r);
	if (*store == NULL)
		return false;
	if (cs_store_campaign_get(*store, id, c, &err) < 0) {
		cs_reply_err(r, &err);
		return false;
	}
	return true;
}

static int
list_cb(const struct cs_campaign *c, void *payload)
{
	cJSON_AddItemToArray(payload, cs_json_campaign(c));
	return 0;
}

void
cs_route_campaigns_list(struct cs_req *r)
{
	struct cs_error err = CS_ERROR_INIT;
	struct cs_store *store = cs_req_store(r);
	cJSON *list;

	if (store == NULL)
		return;
	list = cJSON_CreateArray();
	if (cs_store_campaign_list(store, list_cb, list, &err) < 0) {
		cJSON_Delete(list);
		cs_reply_err(r, &err);
		return;
	}
	cs_reply_json(r, 200, list);
}

/*
 * Read the writable fields of a campaign from body into c; only the fields
 * present change. Strings become owned by c. Replies 400 and returns false
 * on a field of the wrong type.
 */
static bool
read_fields(struct cs_req *r, const cJSON *body, struct cs_campaign *c)
{
	static const struct {
		const char *name;
		int type; /* 0 string, 1 integer, 2 bool, 3 integer or null */
		int64_t max; /* of an integer's magnitude (the store checks
		                the real range) */
	} fields[] = {{"name", 0, 0}, {"description", 0, 0},
	    {"nmkrProjectId", 0, 0}, {"network", 0, 0},
	    {"maxNFTs", 1, CS_JSON_INT_MAX}, {"startDate", 3, CS_JSON_INT_MAX},
	    {"endDate", 3, CS_JSON_INT_MAX}, {"allowMultiple", 2, 0},
	    {"reservationMinutes", 3, INT32_MAX}};
	const cJSON *v;
	int64_t n;
	size_t i;

	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		v = cJSON_GetObjectItemCaseSensitive(body, fields[i].name);
		if (v == NULL)
			continue;
		if ((fields[i].type == 0 && !cJSON_IsString(v)) ||
		    (fields[i].type == 1 && !cJSON_IsNumber(v)) ||
		    (fields[i].type == 2 && !cJSON_IsBool(v)) ||
		    (fields[i].type == 3 && !cJSON_IsNumber(v) &&
		        !cJSON_IsNull(v))) {
			cs_reply_error(r, 400, "invalid",
			    "%s has the wrong type", fields[i].name);
			return false;
		}
		/* Integers only, and no cast of a double out of range. */
		if (cJSON_IsNumber(v) &&
		    !cs_json_int(v, -fields[i].max, fields[i].max, &n)) {
			cs_reply_error(r, 400, "invalid",
			    "%s must be an integer of at most %lld",
			    fields[i].name, (long long)fields[i].max);
			return false;
		}
	}
	v = cJSON_GetObjectItemCaseSensitive(body, "name");
	if (v != NULL) {
		free(c->name);
		c->name = cs_xstrdup(v->valuestring);
	}
	v = cJSON_GetObjectItemCaseSensitive(body, "description");
	if (v != NULL) {
		free(c->description);
		c->description = cs_xstrdup(v->valuestring);
	}
	v = cJSON_GetObjectItemCaseSensitive(body, "nmkrProjectId");
	if (v != NULL) {
		free(c->nmkr_project_uid);
		c->nmkr_project_uid = cs_xstrdup(v->valuestring);
		cs_str_lower(c->nmkr_project_uid);
	}
	v = cJSON_GetObjectItemCaseSensitive(body, "network");
	if (v != NULL && cs_network_parse(v->valuestring, &c->network) < 0) {
		cs_reply_error(
		    r, 400, "invalid", "network must be mainnet or preprod");
		return false;
	}
	v = cJSON_GetObjectItemCaseSensitive(body, "maxNFTs");
	if (v != NULL)
		c->max_nfts = (int64_t)v->valuedouble;
	v = cJSON_GetObjectItemCaseSensitive(body, "startDate");
	if (v != NULL)
		c->start_date = cJSON_IsNull(v) ? 0 : (int64_t)v->valuedouble;
	v = cJSON_GetObjectItemCaseSensitive(body, "endDate");
	if (v != NULL)
		c->end_date = cJSON_IsNull(v) ? 0 : (int64_t)v->valuedouble;
	v = cJSON_GetObjectItemCaseSensitive(body, "allowMultiple");
	if (v != NULL)
		c->allow_multiple = cJSON_IsTrue(v);
	v = cJSON_GetObjectItemCaseSensitive(body, "reservationMinutes");
	if (v != NULL) {
		/* 0 is how the store spells "unset"; here that is null. */
		if (cJSON_IsNumber(v) && v->valuedouble == 0) {
			cs_reply_error(r, 400, "invalid",
			    "reservationMinutes is %d to %d, or null for "
			    "NMKR's reservation time",
			    CS_RESERVATION_MIN_MIN, CS_RESERVATION_MAX_MIN);
			return false;
		}
		c->reservation_minutes =
		    cJSON_IsNull(v) ? 0 : (int)v->valuedouble;
	}
	return true;
}

static void
reply_campaign(struct cs_req *r, struct cs_store *store, int status, int64_t id)
{
	struct cs_error err = CS_ERROR_INIT;
	struct cs_campaign c;

	if (cs_store_campaign_get(store, id, &c, &err) < 0) {
		cs_reply_err(r, &err);
		return;
	}
	cs_reply_json(r, status, cs_json_campaign(&c));
	cs_campaign_dispose(&c);
}

void
cs_route_campaigns_create(struct cs_req *r)
{
	struct cs_error err = CS_ERROR_INIT;
	struct cs_store *store;
	struct cs_campaign c;
	cJSON *body;

	memset(&c, 0, sizeof(c));
	body = cs_req_json(r);
	if (body == NULL)
		return;
	store = cs_req_store(r);
	if (store == NULL)
		goto out;
	if (cJSON_GetObjectItemCaseSensitive(body, "name") == NULL ||
	    cJSON_GetObjectItemCaseSensitive(body, "nmkrProjectId") == NULL ||
	    cJSON_GetObjectItemCaseSensitive(body, "maxNFTs") == NULL) {
		cs_reply_error(r, 400, "invalid",
		    "name, nmkrProjectId and maxNFTs are required");
		goto out;
	}
	if (!read_fields(r, body, &c))
		goto out;
	if (cs_admin_campaign_create(store, cs_req_actor(r), &c, r->now, &err) <
	    0)
		cs_reply_err(r, &err);
	else
		reply_campaign(r, store, 201, c.id);
out:
	cs_campaign_dispose(&c);
	cJSON_Delete(body);
}

void
cs_route_campaign_get(struct cs_req *r)
{
	struct cs_store *store;
	struct cs_campaign c;

	if (!load(r, &store, &c))
		return;
	cs_reply_json(r, 200, cs_json_campaign(&c));
	cs_campaign_dispose(&c);
}

void
cs_route_campaign_update(struct cs_req *r)
{
	struct cs_error err = CS_ERROR_INIT;
	struct cs_store *store;
	struct cs_campaign c;
	cJSON *body;

	body = cs_req_json(r);
	if (body == NULL)
		return;
	if (load(r, &store, &c) && read_fields(r, body, &c)) {
		if (cs_admin_campaign_update(
		        store, cs_req_actor(r), &c, r->now, &err) < 0)
			cs_reply_err(r, &err);
		else
			reply_campaign(r, store, 200, c.id);
	}
	cs_campaign_dispose(&c);
	cJSON_Delete(body);
}

void
cs_route_campaign_delete(struct cs_req *r)
{
	struct cs_error err = CS_ERROR_INIT;
	struct cs_store *store;
	struct cs_campaign c;
	cJSON *body;

	if (!load(r, &store, &c))
		return;
	if (cs_admin_campaign_delete(store, cs_req_actor(r), c.id,
	        cs_req_flag(r, "force"), &err) < 0) {
		if (err.code == CS_ECONFLICT)
			cs_reply_error(r, 409, "has_sales",
			    "%s; repeat with ?force=1 to confirm",
			    cs_error_msg(&err));
		else
			cs_reply_err(r, &err);
	} else {
		body = cJSON_CreateObject();
		cJSON_AddBoolToObject(body, "deleted", true);
		cs_json_add_int(body, "id", c.id);
		cs_json_add_int(body, "nfts", c.counts.total);
		cs_reply_json(r, 200, body);
	}
	cs_campaign_dispose(&c);
}

static void
set_status(struct cs_req *r, enum cs_campaign_status status)
{
	struct cs_error err = CS_ERROR_INIT;
	struct cs_store *store;
	struct cs_campaign c;

	if (!load(r, &store, &c))
		return;
	if (cs_admin_campaign_set_status(
	        store, cs_req_actor(r), c.id, status, r->now, &err) < 0) {
		if (err.code == CS_EINVAL)
			cs_reply_error(
			    r, 409, "no_inventory", "%s", cs_error_msg(&err));
		else
			cs_reply_err(r, &err);
	} else {
		reply_campaign(r, store, 200, c.id);
	}
	cs_campaign_dispose(&c);
}

void
cs_route_campaign_activate(struct cs_req *r)
{
	set_status(r, CS_CAMPAIGN_ACTIVE);
}

void
cs_route_campaign_deactivate(struct cs_req *r)
{
	set_status(r, CS_CAMPAIGN_INACTIVE);
}

void
cs_route_campaign_counters(struct cs_req *r)
{
	struct cs_error err = CS_ERROR_INIT;
	struct cs_store *store;
	struct cs_campaign c;
	struct cs_counts k;
	cJSON *body;

	if (!load(r, &store, &c))
		return;
	if (cs_admin_campaign_recount(
	        store, cs_req_actor(r), c.id, r->now, &k, &err) < 0) {
		cs_reply_err(r, &err);
	} else {
		body = cJSON_CreateObject();
		cJSON_AddBoolToObject(body, "success", true);
		cJSON_AddItemToObject(body, "counters", cs_json_counts(&k));
		cs_reply_json(r, 200, body);
	}
	cs_campaign_dispose(&c);
}

void
cs_route_campaign_allowlist(struct cs_req *r)
{
	struct cs_error err = CS_ERROR_INIT;
	struct cs_store *store;
	struct cs_campaign c;
	const cJSON *list, *v;
	const char **addrs = NULL;
	cJSON *body = NULL;
	size_t n = 0;

	memset(&c, 0, sizeof(c));
	body = cs_req_json(r);
	if (body == NULL || !load(r, &store, &c))
		goto out;
	list = cJSON_GetObjectItemCaseSensitive(body, "addresses");
	if (!cJSON_IsArray(list)) {
		cs_reply_error(r, 400, "invalid",
		    "addresses must be an array of wallet addresses");
		goto out;
	}
	addrs =
	    cs_xcalloc((size_t)cJSON_GetArraySize(list) + 1, sizeof(*addrs));
	cJSON_ArrayForEach(v, list) {
		if (!cJSON_IsString(v)) {
			cs_reply_error(
			    r, 400, "invalid", "addresses must be strings");
			goto out;
		}
		addrs[n++] = v->valuestring;
	}
	if (cs_admin_allowlist_set(
	        store, cs_req_actor(r), c.id, addrs, n, &err) < 0)
		cs_reply_err(r, &err);
	else
		reply_campaign(r, store, 200, c.id);
out:
	free(addrs);
	cs_campaign_dispose(&c);
	cJSON_Delete(body);
}

struct health_acc {
	enum cs_sync_status recent[CS_HEALTH_WINDOW];
	size_t n;
	int64_t last_at;
	int64_t last_success_at;
};

static int
health_cb(const struct cs_sync_log *l, void *payload)
{
	struct health_acc *h = payload;

	if (l->sync_type == CS_SYNC_WEBHOOK || h->n == CS_HEALTH_WINDOW)
		return 0;
	if (h->n == 0)
		h->last_at = l->completed_at;
	if (h->last_success_at == 0 && l->status != CS_SYNC_FAILED)
		h->last_success_at = l->completed_at;
	h->recent[h->n++] = l->status;
	return 0;
}

void
cs_route_campaign_health(struct cs_req *r)
{
	struct cs_sync_log_query q = CS_SYNC_LOG_QUERY_INIT;
	struct cs_error err = CS_ERROR_INIT;
	struct cs_health_summary hs;
	struct health_acc h;
	struct cs_store *store;
	struct cs_campaign c;
	cJSON *body, *counts;

	if (!load(r, &store, &c))
		return;
	memset(&h, 0, sizeof(h));
	q.campaign_id = c.id;
	q.limit = 50; /* webhook rows are skipped: read past them */
	if (cs_store_sync_log_list(store, &q, health_cb, &h, &err) < 0) {
		cs_reply_err(r, &err);
		goto out;
	}
	cs_health_of(h.recent, h.n, &hs);
	body = cJSON_CreateObject();
	cJSON_AddStringToObject(body, "status", cs_health_name(hs.health));
	cJSON_AddStringToObject(body, "reason", hs.reason);
	cs_json_add_time(body, "lastSyncAt", h.last_at);
	cs_json_add_time(body, "lastSuccessAt", h.last_success_at);
	counts = cJSON_AddObjectToObject(body, "recent");
	cs_json_add_int(counts, "success", (int64_t)hs.success);
	cs_json_add_int(counts, "partial", (int64_t)hs.partial);
	cs_json_add_int(counts, "failed", (int64_t)hs.failed);
	cs_reply_json(r, 200, body);
out:
	cs_campaign_dispose(&c);
}

static int
history_cb(const struct cs_history *h, void *payload)
{
	cJSON_AddItemToArray(payload, cs_json_history(h));
	return 0;
}

void
cs_route_campaign_history(struct cs_req *r)
{
	struct cs_history_query q = CS_HISTORY_QUERY_INIT;
	struct cs_error err = CS_ERROR_INIT;
	struct cs_store *store;
	struct cs_campaign c;
	const char *limit = cs_req_query(r, "limit");
	cJSON *list;

	if (!load(r, &store, &c))
		return;
	q.campaign_id = c.id;
	q.limit = 1000;
	if (limit != NULL && cs_str_to_i64(limit, 1, 10000, &q.limit) < 0) {
		cs_reply_error(r, 400, "invalid", "limit must be 1 to 10000");
		goto out;
	}
	list = cJSON_CreateArray();
	if (cs_store_history_list(store, &q, history_cb, list, &err) < 0) {
		cJSON_Delete(list);
		cs_reply_err(r, &err);
	} else {
		cs_reply_json(r, 200, list);
	}
out:
	cs_campaign_dispose(&c);
}

static int
event_cb(const struct cs_webhook_event *e, void *payload)
{
	cJSON_AddItemToArray(payload, cs_json_webhook_event(e));
	return 0;
}

void
cs_route_campaign_webhooks(struct cs_req *r)
{
	struct cs_error err = CS_ERROR_INIT;
	struct cs_store *store;
	struct cs_campaign c;
	const char *limit = cs_req_query(r, "limit");
	int64_t n = 50;
	cJSON *list;

	if (!load(r, &store, &c))
		return;
	if (limit != NULL && cs_str_to_i64(limit, 1, 1000, &n) < 0) {
		cs_reply_error(r, 400, "invalid", "limit must be 1 to 1000");
		goto out;
	}
	list = cJSON_CreateArray();
	if (cs_store_webhook_event_list(
	        store, c.id, n, false, event_cb, list, &err) < 0) {
		cJSON_Delete(list);
		cs_reply_err(r, &err);
	} else {
		cs_reply_json(r, 200, list);
	}
out:
	cs_campaign_dispose(&c);
}

void
cs_route_public_campaign(struct cs_req *r)
{
	struct cs_store *store;
	struct cs_campaign c;
	cJSON *body;

	if (!load(r, &store, &c))
		return;
	body = cJSON_CreateObject();
	cs_json_add_int(body, "id", c.id);
	cs_json_add_str(body, "name", c.name);
	cs_json_add_str(body, "description", c.description);
	cs_json_add_str(body, "status", cs_campaign_status_name(c.status));
	cs_json_add_time(body, "startDate", c.start_date);
	cs_json_add_time(body, "endDate", c.end_date);
	cs_json_add_int(body, "totalNFTs", c.counts.total);
	cs_json_add_int(body, "availableNFTs", c.counts.available);
	cs_json_add_int(body, "soldNFTs", c.counts.sold);
	cJSON_AddBoolToObject(body, "allowlisted", c.has_allowlist);
	cs_reply_json(r, 200, body);
	cs_campaign_dispose(&c);
}
