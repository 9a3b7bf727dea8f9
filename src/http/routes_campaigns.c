/* SPDX-License-Identifier: MIT */
/*
 * Campaigns: CRUD (getCampaignById), activation, counters
 * (syncCampaignCounters), allow-list, health, history and its series over
 * time, webhook activity and
 * registration, and the public view a site reads.
 */
#include "http/internal.h"

#include <stdlib.h>
#include <string.h>

#include "core/series.h"
#include "service/admin.h"
#include "service/encode.h"
#include "service/health.h"
#include "service/webhook.h"
#include "util/limits.h"
#include "util/str.h"
#include "util/vec.h"
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

/* Each campaign with its health, whose facts (open review items, last
 * syncs) are read for all campaigns at once. */
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
	struct cs_health_facts facts;
	struct cs_campaign_health h;
	struct cs_store *store = cs_req_store(r);
	cJSON *list = NULL, *item;
	const cJSON *id, *hook;

	if (store == NULL)
		return;
	if (cs_health_facts_read(store, &facts, &err) < 0) {
		cs_reply_err(r, &err);
		goto out;
	}
	list = cJSON_CreateArray();
	if (cs_store_campaign_list(store, list_cb, list, &err) < 0) {
		cs_reply_err(r, &err);
		goto out;
	}
	cJSON_ArrayForEach(item, list) {
		id = cJSON_GetObjectItemCaseSensitive(item, "id");
		hook =
		    cJSON_GetObjectItemCaseSensitive(item, "webhookConfigured");
		cs_health_facts_of(
		    &facts, (int64_t)id->valuedouble, cJSON_IsTrue(hook), &h);
		cJSON_AddItemToObject(
		    item, "health", cs_json_campaign_health(&h));
	}
	cs_reply_json(r, 200, list);
	list = NULL;
out:
	cJSON_Delete(list);
	cs_health_facts_dispose(&facts);
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

void
cs_route_campaign_health(struct cs_req *r)
{
	struct cs_error err = CS_ERROR_INIT;
	struct cs_campaign_health h;
	struct cs_store *store;
	struct cs_campaign c;

	if (!load(r, &store, &c))
		return;
	if (cs_campaign_health_get(
	        store, c.id, c.webhook_secret != NULL, &h, &err) < 0)
		cs_reply_err(r, &err);
	else
		cs_reply_json(r, 200, cs_json_campaign_health(&h));
	cs_campaign_dispose(&c);
}

static int
history_cb(const struct cs_history *h, void *payload)
{
	cJSON_AddItemToArray(payload, cs_json_history(h));
	return 0;
}

/* ?limit= from 1 to max into *n (left as it is without one); replies 400
 * and returns false when it is not such a number. */
static bool
query_limit(struct cs_req *r, int64_t max, int64_t *n)
{
	const char *limit = cs_req_query(r, "limit");

	if (limit != NULL && cs_str_to_i64(limit, 1, max, n) < 0) {
		cs_reply_error(r, 400, "invalid", "limit must be 1 to %lld",
		    (long long)max);
		return false;
	}
	return true;
}

void
cs_route_campaign_history(struct cs_req *r)
{
	struct cs_history_query q = CS_HISTORY_QUERY_INIT;
	struct cs_error err = CS_ERROR_INIT;
	struct cs_store *store;
	struct cs_campaign c;
	cJSON *list;

	if (!load(r, &store, &c))
		return;
	q.campaign_id = c.id;
	q.limit = 1000;
	if (!query_limit(r, 10000, &q.limit))
		goto out;
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
change_cb(const struct cs_history *h, void *payload)
{
	struct cs_series_change *c = cs_vec_push(payload);

	c->at = h->changed_at;
	c->old_status = h->old_status;
	c->new_status = h->new_status;
	return 0;
}

/* GET /api/campaigns/{id}/series: sales and the counts over time, from the
 * whole status history (core/series.h). */
void
cs_route_campaign_series(struct cs_req *r)
{
	struct cs_history_query q = CS_HISTORY_QUERY_INIT;
	struct cs_series_point pts[CS_SERIES_MAX_POINTS];
	struct cs_vec v = CS_VEC_INIT(struct cs_series_change);
	struct cs_error err = CS_ERROR_INIT;
	struct cs_store *store;
	struct cs_campaign c;
	cJSON *body, *list, *o;
	int64_t period;
	size_t n, i;

	if (!load(r, &store, &c))
		return;
	q.campaign_id = c.id;
	if (cs_store_history_list(store, &q, change_cb, &v, &err) < 0) {
		cs_reply_err(r, &err);
		goto out;
	}
	n = cs_series_build(v.ptr, v.len, r->now, &c.counts, pts, &period);
	body = cJSON_CreateObject();
	cs_json_add_int(body, "periodMs", period);
	cs_json_add_int(body, "changes", (int64_t)v.len);
	cJSON_AddItemToObject(body, "counts", cs_json_counts(&c.counts));
	list = cJSON_AddArrayToObject(body, "points");
	for (i = 0; i < n; i++) {
		o = cJSON_CreateObject();
		cs_json_add_int(o, "at", pts[i].at);
		cs_json_add_int(o, "sales", pts[i].sales);
		cs_json_add_int(o, "available", pts[i].available);
		cs_json_add_int(o, "reserved", pts[i].reserved);
		cs_json_add_int(o, "sold", pts[i].sold);
		cJSON_AddItemToArray(list, o);
	}
	cs_reply_json(r, 200, body);
out:
	cs_vec_dispose(&v);
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
	int64_t n = 50;
	cJSON *list;

	if (!load(r, &store, &c))
		return;
	if (!query_limit(r, 1000, &n))
		goto out;
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

static int
alert_cb(const struct cs_alert *a, void *payload)
{
	cJSON_AddItemToArray(payload, cs_json_alert(a));
	return 0;
}

void
cs_route_campaign_alerts(struct cs_req *r)
{
	struct cs_error err = CS_ERROR_INIT;
	struct cs_store *store;
	struct cs_campaign c;
	int64_t n = 20;
	cJSON *list;

	if (!load(r, &store, &c))
		return;
	if (!query_limit(r, 1000, &n))
		goto out;
	list = cJSON_CreateArray();
	if (cs_store_alert_list(store, c.id, n, alert_cb, list, &err) < 0) {
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
