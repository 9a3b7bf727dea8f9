/* SPDX-License-Identifier: MIT */
/*
 * The public routes: a wallet's reservation (rate limited per client
 * address) and NMKR's webhooks (signed).
 */
#include "http/internal.h"

#include <stdio.h>
#include <string.h>

#include "service/encode.h"
#include "service/metrics.h"
#include "service/reserve.h"
#include "service/webhook.h"
#include "util/limits.h"
#include "util/time.h"
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
		cs_reply_error(r, 400, "invalid_wallet",
		    "wallet is required: the buyer's Cardano address "
		    "(addr1... on mainnet, addr_test1... on preprod)");
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
	if (error == CS_EINVAL) {
		/* Not an address of the campaign's network (core/wallet.h):
		 * the message says why, never echoing the input. */
		cs_reply_error(
		    r, 400, "invalid_wallet", "%s", cs_error_msg(&err));
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

/* Seconds until the client may have a webhook refused and stored again;
 * 0 when it may now. */
static int
refusals_wait(struct cs_req *r)
{
	if (r->srv->refusals == NULL)
		return 0;
	return cs_ratelimit_peek(
	    r->srv->refusals, cs_req_client(r), cs_mono_us());
}

static void
refusal_taken(struct cs_req *r)
{
	if (r->srv->refusals != NULL)
		(void)cs_ratelimit_take(
		    r->srv->refusals, cs_req_client(r), cs_mono_us());
}

void
cs_route_webhook_too_big(struct cs_req *r)
{
	if (refusals_wait(r) > 0) {
		cs_metrics_webhook("rate_limited");
		cs_metrics_webhook_refused("rate_limited");
		return;
	}
	cs_webhook_record_refused(
	    r->srv->sink, "too_big", "body over the cap", r->now);
	refusal_taken(r);
}

void
cs_route_webhook_nmkr(struct cs_req *r)
{
	struct cs_webhook_reply w;
	cJSON *body;
	char secs[16];
	int wait;

	/* No pooled connection (NULL: the sink's own for the secrets): the
	 * wait for the group commit holds none, so every webhook in flight
	 * can join the same commit. A client over its refused webhooks is
	 * still heard: a webhook that verifies is handled; one refused is
	 * answered 429, not stored. */
	wait = refusals_wait(r);
	if (cs_webhook_handle(r->srv->sink, NULL, r->body, r->body_len,
	        cs_req_query(r, "payloadHash"), r->now, wait > 0, &w) < 0 ||
	    w.status == 0) {
		cs_reply_error(
		    r, 500, "internal", "the webhook was not handled");
		return;
	}
	if (w.refused && w.recorded)
		refusal_taken(r);
	if (w.status != 200) {
		cs_reply_error(r, w.status, w.code, "%s", w.message);
		if (w.status == 429) {
			snprintf(secs, sizeof(secs), "%d", wait > 0 ? wait : 1);
			cs_reply_header(r, "Retry-After", secs);
		}
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
