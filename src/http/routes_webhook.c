/* SPDX-License-Identifier: MIT */
/*
 * /api/campaigns/{id}/webhook: our webhook at NMKR. GET says whether NMKR
 * lists it and holds our secret; POST registers (adopt, send, or 409 while
 * other notifications exist unless force); DELETE unregisters; POST
 * .../webhook/rotate makes a new secret. service/hook.c decides.
 */
#include "http/internal.h"

#include <string.h>

#include "clients/nmkr.h"
#include "service/encode.h"
#include "service/hook.h"
#include "util/banned.h"

static bool
load(struct cs_req *r, struct cs_store **store, int64_t *id)
{
	if (!cs_req_id(r, 0, id))
		return false;
	*store = cs_req_store(r);
	return *store != NULL;
}

static int64_t
grace_ms(const struct cs_req *r)
{
	int64_t g = r->srv->opts.webhook_secret_grace_ms;

	return g != 0 ? g : CS_WEBHOOK_SECRET_GRACE_DEFAULT_MS;
}

/* The status of our webhook, as GET answers it and the others add to. */
static cJSON *
status_json(
    struct cs_req *r, struct cs_store *store, struct cs_nmkr *nmkr, int64_t id)
{
	struct cs_error err = CS_ERROR_INIT;
	struct cs_hook_status st;
	cJSON *o;

	if (cs_hook_status_get(
	        store, nmkr, id, r->now, grace_ms(r), &st, &err) < 0) {
		cs_reply_err(r, &err);
		return NULL;
	}
	o = cJSON_CreateObject();
	cJSON_AddBoolToObject(
	    o, "registered", st.url != NULL && st.secret_stored);
	if (st.url != NULL)
		cJSON_AddStringToObject(o, "url", st.url);
	else
		cJSON_AddNullToObject(o, "url");
	cJSON_AddBoolToObject(o, "secretStored", st.secret_stored);
	cJSON_AddBoolToObject(o, "listed", st.listed);
	cJSON_AddBoolToObject(o, "active", st.active);
	cJSON_AddBoolToObject(o, "secretMatches", st.secret_matches);
	cs_json_add_int(o, "otherNotifications", (int64_t)st.others);
	cJSON_AddBoolToObject(o, "previousAccepted", st.previous_valid);
	cs_json_add_time(o, "previousAcceptedUntil", st.previous_until);
	cs_json_add_time(o, "rotatedAt", st.rotated_at);
	cs_hook_status_dispose(&st);
	return o;
}

void
cs_route_campaign_webhook_status(struct cs_req *r)
{
	struct cs_store *store;
	struct cs_nmkr *nmkr;
	int64_t id;
	cJSON *o;

	if (!load(r, &store, &id))
		return;
	nmkr = cs_req_nmkr(r);
	if (nmkr == NULL)
		return;
	o = status_json(r, store, nmkr, id);
	if (o != NULL)
		cs_reply_json(r, 200, o);
	cs_nmkr_free(nmkr);
}

/* Answer an operation: 409 (nothing sent) or the status after it. */
static void
reply_done(struct cs_req *r, struct cs_store *store, struct cs_nmkr *nmkr,
    int64_t id, int error, const struct cs_error *err,
    const struct cs_hook_result *res)
{
	cJSON *o;

	if (error == CS_ECONFLICT) {
		cs_reply_error(r, 409, "other_notifications", "%s", err->msg);
		return;
	}
	if (error < 0) {
		cs_reply_err(r, err);
		return;
	}
	o = status_json(r, store, nmkr, id);
	if (o == NULL)
		return;
	cJSON_AddStringToObject(o, "action", cs_notif_action_name(res->action));
	cJSON_AddBoolToObject(o, "secretChanged", res->secret_changed);
	cs_reply_json(r, 200, o);
}

void
cs_route_campaign_webhook_register(struct cs_req *r)
{
	struct cs_error err = CS_ERROR_INIT;
	struct cs_hook_result res;
	struct cs_hook_opts ho;
	struct cs_store *store;
	struct cs_nmkr *nmkr = NULL;
	const cJSON *url, *secret, *force;
	cJSON *body;
	int64_t id;
	int error;

	memset(&res, 0, sizeof(res));
	body = cs_req_json(r);
	if (body == NULL)
		return;
	if (!load(r, &store, &id))
		goto done;
	url = cJSON_GetObjectItemCaseSensitive(body, "url");
	secret = cJSON_GetObjectItemCaseSensitive(body, "secret");
	force = cJSON_GetObjectItemCaseSensitive(body, "force");
	if (!cJSON_IsString(url) ||
	    (secret != NULL && !cJSON_IsString(secret)) ||
	    (force != NULL && !cJSON_IsBool(force))) {
		cs_reply_error(r, 400, "invalid",
		    "url is required: where NMKR should post its webhooks "
		    "(.../webhooks/nmkr); secret is a string, force a boolean");
		goto done;
	}
	nmkr = cs_req_nmkr(r);
	if (nmkr == NULL)
		goto done;
	ho.url = url->valuestring;
	ho.secret = secret != NULL && cJSON_IsString(secret)
	                ? secret->valuestring
	                : NULL;
	ho.force = cJSON_IsTrue(force);
	error = cs_hook_register(store, nmkr, id, &ho, r->now, &res, &err);
	reply_done(r, store, nmkr, id, error, &err, &res);
done:
	cs_hook_result_dispose(&res);
	cs_nmkr_free(nmkr);
	cJSON_Delete(body);
}

/* Unregister and rotate: the same request, another change at NMKR. */
typedef int (*hook_change_fn)(struct cs_store *store, struct cs_nmkr *nmkr,
    int64_t campaign_id, bool force, int64_t now, struct cs_hook_result *out,
    struct cs_error *err);

static void
hook_change(struct cs_req *r, hook_change_fn change)
{
	struct cs_error err = CS_ERROR_INIT;
	struct cs_hook_result res;
	struct cs_store *store;
	struct cs_nmkr *nmkr;
	int64_t id;
	int error;

	if (!load(r, &store, &id))
		return;
	nmkr = cs_req_nmkr(r);
	if (nmkr == NULL)
		return;
	error = change(
	    store, nmkr, id, cs_req_flag(r, "force"), r->now, &res, &err);
	reply_done(r, store, nmkr, id, error, &err, &res);
	cs_hook_result_dispose(&res);
	cs_nmkr_free(nmkr);
}

void
cs_route_campaign_webhook_unregister(struct cs_req *r)
{
	hook_change(r, cs_hook_unregister);
}

void
cs_route_campaign_webhook_rotate(struct cs_req *r)
{
	hook_change(r, cs_hook_rotate);
}
