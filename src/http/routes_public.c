/* SPDX-License-Identifier: MIT */
/*
 * The public routes: a wallet's reservation (rate limited per client
 * address) and NMKR's webhooks (signed).
 */
#include "http/internal.h"

#include <string.h>

#include "service/encode.h"
#include "service/reserve.h"
#include "service/webhook.h"
#include "util/limits.h"
#include "util/banned.h"

void
cs_route_reserve(struct cs_req *r)
{
	struct cs_error err = CS_ERROR_INIT;
	enum cs_reserve_outcome why;
	struct cs_store *store;
	const cJSON *wallet;
	struct cs_nft n;
	cJSON *body, *out;
	int64_t id;
	int error;

	if (!cs_req_id(r, 0, &id))
		return;
	body = cs_req_json(r);
	if (body == NULL)
		return;
	wallet = cJSON_GetObjectItemCaseSensitive(body, "wallet");
	if (!cJSON_IsString(wallet) || wallet->valuestring[0] == '\0' ||
	    strlen(wallet->valuestring) > CS_MAX_WALLET) {
		cs_reply_error(r, 400, "invalid",
		    "wallet is required: the buyer's stake or payment "
		    "address");
		goto out;
	}
	store = cs_req_store(r);
	if (store == NULL)
		goto out;
	error =
	    cs_reserve(store, id, wallet->valuestring, r->now, &n, &why, &err);
	if (error == CS_ECONFLICT) {
		cs_reply_error(r, why == CS_RESERVE_NOT_ELIGIBLE ? 403 : 409,
		    cs_reserve_outcome_name(why), "%s", cs_error_msg(&err));
		goto out;
	}
	if (error < 0) {
		cs_reply_err(r, &err);
		goto out;
	}
	out = cJSON_CreateObject();
	cs_json_add_int(out, "campaignId", id);
	cs_json_add_str(out, "nftUid", n.nft_uid);
	cs_json_add_int(out, "nftNumber", n.nft_number);
	cs_json_add_str(out, "name", n.name);
	cs_json_add_str(out, "paymentUrl", n.payment_url);
	cs_json_add_str(out, "imageUrl", n.image_url);
	cs_json_add_str(out, "wallet", n.reserved_by);
	cs_json_add_time(out, "reservedUntil", n.reserved_until);
	cs_reply_json(r, 201, out);
	cs_nft_dispose(&n);
out:
	cJSON_Delete(body);
}

void
cs_route_webhook_nmkr(struct cs_req *r)
{
	struct cs_webhook_reply w;
	cJSON *body;

	/* No pooled connection (NULL: the sink's own for the secrets): the
	 * wait for the group commit holds none, so every webhook in flight
	 * can join the same commit. */
	if (cs_webhook_handle(r->srv->sink, NULL, r->body, r->body_len,
	        cs_req_query(r, "payloadHash"), r->now, &w) < 0 ||
	    w.status == 0) {
		cs_reply_error(
		    r, 500, "internal", "the webhook was not handled");
		return;
	}
	if (w.status != 200) {
		cs_reply_error(r, w.status, w.code, "%s", w.message);
		return;
	}
	body = cJSON_CreateObject();
	cJSON_AddStringToObject(body, "outcome", w.outcome);
	cJSON_AddBoolToObject(body, "replay", strcmp(w.outcome, "replay") == 0);
	cs_json_add_int(body, "eventId", w.event_id);
	if (w.sync_log_id != 0)
		cs_json_add_int(body, "syncLogId", w.sync_log_id);
	cs_json_add_int(body, "nfts", (int64_t)w.nfts);
	cs_json_add_int(body, "changed", (int64_t)w.changed);
	cs_reply_json(r, 200, body);
}
