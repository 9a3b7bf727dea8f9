/* SPDX-License-Identifier: MIT */
/*
 * Chain verification on demand (POST /api/campaigns/{id}/verify), its
 * coverage (GET /api/campaigns/{id}/chain), and the
 * verifiers the server hands to syncs. A verifier owns a Blockfrost client,
 * so each sync or request makes its own; every verifier of the process
 * shares Blockfrost's token bucket (clients/blockfrost.c).
 */
#include "http/internal.h"

#include "service/verify.h"
#include "util/limits.h"
#include "util/log.h"
#include "util/str.h"
#include "util/banned.h"

struct cs_verifier *
cs_server_verifier(struct cs_server *s)
{
	struct cs_error err = CS_ERROR_INIT;
	struct cs_verifier *v = NULL;

	if (!s->has_blockfrost)
		return NULL;
	if (cs_verifier_new(&v, &s->blockfrost, &err) < 0) {
		cs_log_warn(
		    "verify", "no chain verification: %s", cs_error_msg(&err));
		return NULL;
	}
	return v;
}

void
cs_route_verify(struct cs_req *r)
{
	struct cs_verify_opts o = CS_VERIFY_OPTS_INIT;
	struct cs_error err = CS_ERROR_INIT;
	struct cs_verify_results res;
	struct cs_verifier *v;
	struct cs_store *store;
	const char *limit;
	int64_t id;

	if (!cs_req_id(r, 0, &id))
		return;
	limit = cs_req_query(r, "limit");
	if (limit != NULL &&
	    cs_str_to_i64(limit, 1, CS_VERIFY_HTTP_MAX, &o.limit) < 0) {
		cs_reply_error(r, 400, "bad_request",
		    "limit is a number from 1 to %d", CS_VERIFY_HTTP_MAX);
		return;
	}
	if (!r->srv->has_blockfrost) {
		cs_reply_error(r, 503, "not_configured",
		    "BLOCKFROST_PROJECT_ID is not set on this server");
		return;
	}
	store = cs_req_store(r);
	if (store == NULL)
		return;
	v = cs_server_verifier(r->srv);
	if (v == NULL) {
		cs_reply_error(r, 503, "not_configured",
		    "the Blockfrost settings are not usable: see the log");
		return;
	}
	o.now = r->now;
	o.refresh = cs_req_flag(r, "refresh");
	if (cs_verify_campaign(v, store, id, &o, &res, &err) < 0) {
		cs_reply_err(r, &err);
		cs_verifier_free(v);
		return;
	}
	cs_reply_json(r, 200, cs_verify_report_json(id, &res));
	cs_verify_results_dispose(&res);
	cs_verifier_free(v);
}

/* GET /api/campaigns/{id}/chain: the background verifier's coverage. */
void
cs_route_chain_coverage(struct cs_req *r)
{
	struct cs_error err = CS_ERROR_INIT;
	struct cs_campaign camp;
	struct cs_store *store;
	cJSON *body = NULL;
	int64_t id;

	if (!cs_req_id(r, 0, &id))
		return;
	store = cs_req_store(r);
	if (store == NULL)
		return;
	if (cs_store_campaign_get(store, id, &camp, &err) < 0) {
		cs_reply_err(r, &err);
		return;
	}
	cs_campaign_dispose(&camp);
	if (cs_verify_coverage_json(store, id, r->now,
	        r->srv->opts.chain_recheck_ms > 0
	            ? r->srv->opts.chain_recheck_ms
	            : 24LL * 3600 * 1000,
	        &body, &err) < 0) {
		cs_reply_err(r, &err);
		return;
	}
	cJSON_AddBoolToObject(body, "background",
	    r->srv->has_blockfrost && r->srv->opts.chain_rate > 0);
	cs_reply_json(r, 200, body);
}
