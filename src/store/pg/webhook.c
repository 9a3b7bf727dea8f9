/* SPDX-License-Identifier: MIT */
/* The PostgreSQL backend: webhook events. */
#include "store/pg/internal.h"

#include <limits.h>
#include <string.h>

#include "util/buf.h"
#include "util/limits.h"
#include "util/log.h"
#include "util/str.h"
#include "util/time.h"
#include "util/xalloc.h"
#include "util/banned.h"

/* ---- Webhook events --------------------------------------------------- */

int
cs_pg__webhook_insert(
    struct cs_store_conn *c, struct cs_webhook_event *io, struct cs_error *err)
{
	struct params p = {0};
	int error;

	if (io->raw_len > INT_MAX)
		return cs_error_set(err, CS_ETOOBIG, "webhook body too big");
	p_opt(&p, io->campaign_id);
	p_text(&p, io->project_uid);
	p_text(&p, io->event_type);
	p_text(&p, io->dedupe_key);
	p_text(&p, io->tx_hash);
	p_bytes(&p, io->raw_body != NULL ? io->raw_body : "", (int)io->raw_len);
	p_bool(&p, io->verified);
	p_text(&p, io->outcome);
	p_text(&p, io->detail);
	p_int(&p, io->received_at);
	p_opt(&p, io->sync_log_id);
	p_text(&p, io->body_sha256);
	p_int(&p, (int64_t)(io->body_len > 0 ? io->body_len : io->raw_len));
	error = cs_pg__exec_insert(c, W_INSERT, &p, &io->id, err);
	if (error == CS_ECONFLICT)
		return cs_error_set(err, CS_ECONFLICT,
		    "webhook event '%s' was received before",
		    io->dedupe_key != NULL ? io->dedupe_key : "");
	return error;
}

int
cs_pg__webhook_finish(struct cs_store_conn *c, int64_t id, const char *outcome,
    const char *detail, int64_t sync_log_id, struct cs_error *err)
{
	struct params p = {0};

	p_int(&p, id);
	p_text(&p, outcome);
	p_text(&p, detail);
	p_int(&p, sync_log_id);
	return cs_pg__exec_one(c, W_FINISH, &p, err);
}

int
cs_pg__webhook_prune(struct cs_store_conn *c, int64_t before, int64_t limit,
    int64_t *deleted, struct cs_error *err)
{
	struct params p = {0};
	PGresult *res;
	int error;

	*deleted = 0;
	p_int(&p, before);
	p_int(&p, limit);
	error = cs_pg__run(c, W_PRUNE, &p, &res, err);
	if (error < 0)
		return error;
	*deleted = (int64_t)strtoll(PQcmdTuples(res), NULL, 10);
	PQclear(res);
	return 0;
}

int
cs_pg__report_prune(struct cs_store_conn *c, int64_t before, int64_t limit,
    int64_t *pruned, struct cs_error *err)
{
	struct params p = {0};
	PGresult *res;
	int error;

	*pruned = 0;
	p_int(&p, before);
	p_int(&p, limit);
	error = cs_pg__run(c, L_PRUNE_REPORTS, &p, &res, err);
	if (error < 0)
		return error;
	*pruned = (int64_t)strtoll(PQcmdTuples(res), NULL, 10);
	PQclear(res);
	return 0;
}

struct webhook_walk {
	cs_webhook_event_cb cb;
	void *payload;
	bool with_body;
};

static int
each_webhook(const struct row *r, void *payload, struct cs_error *err)
{
	struct webhook_walk *w = payload;
	struct cs_webhook_event e;
	unsigned char *body;
	size_t len;
	int error;

	memset(&e, 0, sizeof(e));
	e.id = col_i64(r, 0);
	e.campaign_id = col_i64(r, 1);
	e.project_uid = col_text(r, 2);
	e.event_type = col_text(r, 3);
	e.dedupe_key = col_text(r, 4);
	e.tx_hash = col_text(r, 5);
	e.verified = col_bool(r, 6);
	e.outcome = col_text(r, 7);
	e.detail = col_text(r, 8);
	e.received_at = col_i64(r, 9);
	e.sync_log_id = col_i64(r, 10);
	e.body_sha256 = col_text(r, 11);
	e.body_len = (size_t)col_i64(r, 12);
	if (w->with_body) {
		/* Text results carry bytea hex-encoded. */
		body = PQunescapeBytea(
		    (const unsigned char *)PQgetvalue(r->res, r->i, 13), &len);
		if (body == NULL)
			return cs_error_set(
			    err, CS_EDB, "postgres: out of memory");
		e.raw_body = cs_xmalloc(len + 1);
		memcpy(e.raw_body, body, len);
		e.raw_body[len] = '\0';
		e.raw_len = len;
		PQfreemem(body);
	}
	error = w->cb(&e, w->payload);
	free(e.raw_body);
	return error;
}

int
cs_pg__webhook_list(struct cs_store_conn *c, int64_t campaign_id, int64_t limit,
    bool with_body, cs_webhook_event_cb cb, void *payload, struct cs_error *err)
{
	struct webhook_walk w = {cb, payload, with_body};
	struct params p = {0};

	p_int(&p, campaign_id);
	p_limit(&p, limit);
	return cs_pg__walk_rows(c, with_body ? W_LIST_BODY : W_LIST, &p,
	    each_webhook, &w, NULL, err);
}
