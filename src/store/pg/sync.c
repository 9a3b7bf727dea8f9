/* SPDX-License-Identifier: MIT */
/* The PostgreSQL backend: the sync log, the review queue, sync runs. */
#include "store/pg/internal.h"

#include <string.h>

#include "util/buf.h"
#include "util/limits.h"
#include "util/log.h"
#include "util/str.h"
#include "util/time.h"
#include "util/xalloc.h"
#include "util/banned.h"

/* ---- Sync log --------------------------------------------------------- */

static int
read_log(const struct row *r, void *dst, struct cs_error *err)
{
	struct cs_sync_log *out = dst;

	memset(out, 0, sizeof(*out));
	out->id = col_i64(r, 0);
	if (cs_sync_type_parse(col_raw(r, 1), &out->sync_type) < 0 ||
	    cs_sync_status_parse(col_raw(r, 4), &out->status) < 0)
		return cs_error_set(err, CS_EDB, "sync log %lld is malformed",
		    (long long)out->id);
	out->nmkr_project_uid = col_text(r, 2);
	out->campaign_id = col_i64(r, 3);
	out->records_synced = col_i64(r, 5);
	out->errors = col_text(r, 6);
	out->started_at = col_i64(r, 7);
	out->completed_at = col_i64(r, 8);
	out->synced_data = col_text(r, 9);
	return 0;
}

int
cs_pg__sync_log_insert(
    struct cs_store_conn *c, struct cs_sync_log *io, struct cs_error *err)
{
	struct params p = {0};

	p_text(&p, cs_sync_type_name(io->sync_type));
	p_text(&p, io->nmkr_project_uid != NULL ? io->nmkr_project_uid : "");
	p_opt(&p, io->campaign_id);
	p_text(&p, cs_sync_status_name(io->status));
	p_int(&p, io->records_synced);
	p_text(&p, io->errors);
	p_text(&p, io->synced_data);
	p_int(&p, io->started_at);
	p_int(&p, io->completed_at);
	return cs_pg__exec_insert(c, L_INSERT, &p, &io->id, err);
}

int
cs_pg__sync_log_update(
    struct cs_store_conn *c, const struct cs_sync_log *l, struct cs_error *err)
{
	struct params p = {0};

	p_int(&p, l->id);
	p_text(&p, cs_sync_status_name(l->status));
	p_int(&p, l->records_synced);
	p_text(&p, l->errors);
	p_text(&p, l->synced_data);
	p_int(&p, l->completed_at);
	return cs_pg__exec_one(c, L_UPDATE, &p, err);
}

int
cs_pg__sync_log_get(struct cs_store_conn *c, int64_t id,
    struct cs_sync_log *out, struct cs_error *err)
{
	struct params p = {0};
	int error;

	p_int(&p, id);
	error = cs_pg__get_row(c, L_GET, &p, read_log, out, NULL, err);
	if (error == CS_ENOTFOUND)
		error = cs_error_set(
		    err, CS_ENOTFOUND, "no sync log %lld", (long long)id);
	if (error < 0)
		cs_sync_log_dispose(out);
	return error;
}

struct log_walk {
	cs_sync_log_cb cb;
	void *payload;
};

static int
each_log(const struct row *r, void *payload, struct cs_error *err)
{
	struct log_walk *w = payload;
	struct cs_sync_log l;
	int error;

	error = read_log(r, &l, err);
	return error != 0 ? error : w->cb(&l, w->payload);
}

int
cs_pg__sync_log_list(struct cs_store_conn *c, const struct cs_sync_log_query *q,
    cs_sync_log_cb cb, void *payload, struct cs_error *err)
{
	struct log_walk w = {cb, payload};
	struct params p = {0};

	p_text(&p, q->project_uid);
	p_int(&p, q->campaign_id);
	p_text(&p, q->status >= 0
	               ? cs_sync_status_name((enum cs_sync_status)q->status)
	               : NULL);
	p_text(&p, q->type >= 0 ? cs_sync_type_name((enum cs_sync_type)q->type)
	                        : NULL);
	p_int(&p, q->limit > 0 ? q->limit : 50);
	return cs_pg__walk_rows(c, q->with_data ? L_LIST_DATA : L_LIST, &p,
	    each_log, &w, NULL, err);
}

int
cs_pg__sync_log_recent(struct cs_store_conn *c, int64_t per_campaign,
    cs_sync_log_cb cb, void *payload, struct cs_error *err)
{
	struct log_walk w = {cb, payload};
	struct params p = {0};

	p_int(&p, per_campaign);
	return cs_pg__walk_rows(c, L_RECENT, &p, each_log, &w, NULL, err);
}

int
cs_pg__sync_log_prune(struct cs_store_conn *c, int64_t before, int64_t *deleted,
    struct cs_error *err)
{
	struct params p = {0};
	PGresult *res;
	int error;

	*deleted = 0;
	p_int(&p, before);
	error = cs_pg__run(c, L_PRUNE, &p, &res, err);
	if (error < 0)
		return error;
	*deleted = (int64_t)strtoll(PQcmdTuples(res), NULL, 10);
	PQclear(res);
	return 0;
}

/* ---- Review queue ----------------------------------------------------- */

static int
read_review(const struct row *r, void *dst, struct cs_error *err)
{
	struct cs_review_item *out = dst;

	memset(out, 0, sizeof(*out));
	out->id = col_i64(r, 0);
	if (cs_nft_status_parse(col_raw(r, 5), &out->local_status) < 0)
		return cs_error_set(err, CS_EDB,
		    "review item %lld is malformed", (long long)out->id);
	out->campaign_id = col_i64(r, 1);
	out->nft_id = col_i64(r, 2);
	out->nft_uid = col_text(r, 3);
	out->kind = col_text(r, 4);
	out->remote_state = col_text(r, 6);
	out->detail = col_text(r, 7);
	out->created_at = col_i64(r, 8);
	out->sync_log_id = col_i64(r, 9);
	out->resolved_at = col_i64(r, 10);
	out->resolution = col_text(r, 11);
	return 0;
}

int
cs_pg__review_insert(struct cs_store_conn *c, const struct cs_review_item *r,
    int64_t *id, struct cs_error *err)
{
	struct params p = {0};
	int error;

	p_int(&p, r->campaign_id);
	p_int(&p, r->nft_id);
	p_text(&p, r->kind);
	p_text(&p, cs_nft_status_name(r->local_status));
	p_text(&p, r->remote_state);
	p_text(&p, r->detail);
	p_int(&p, r->created_at);
	p_opt(&p, r->sync_log_id);
	error = cs_pg__exec_insert(c, R_INSERT, &p, id, err);
	if (error == CS_ECONFLICT)
		return cs_error_set(err, CS_ECONFLICT,
		    "NFT %lld has an open review item of kind %s",
		    (long long)r->nft_id, r->kind != NULL ? r->kind : "");
	return error;
}

int
cs_pg__review_get(struct cs_store_conn *c, int64_t id,
    struct cs_review_item *out, struct cs_error *err)
{
	struct params p = {0};
	int error;

	p_int(&p, id);
	error = cs_pg__get_row(c, R_GET, &p, read_review, out, NULL, err);
	if (error == CS_ENOTFOUND)
		error = cs_error_set(
		    err, CS_ENOTFOUND, "no review item %lld", (long long)id);
	if (error < 0)
		cs_review_item_dispose(out);
	return error;
}

struct review_walk {
	const struct cs_review_query *q;
	cs_review_cb cb;
	void *payload;
	int64_t *last; /* the page's: the id of the last item handed out */
};

static int
each_review(const struct row *r, void *payload, struct cs_error *err)
{
	struct review_walk *w = payload;
	struct cs_review_item item;
	int error;

	error = read_review(r, &item, err);
	if (error != 0)
		return error;
	*w->last = item.id;
	return w->cb(&item, w->payload);
}

static void
p_review_query(struct params *p, const struct cs_review_query *q)
{
	p_int(p, q->campaign_id);
	p_bool(p, q->open_only);
	if (q->kind != NULL)
		p_text(p, q->kind);
	else
		p_null(p);
}

static int
review_page(struct cs_store_conn *c, void *ctx, int64_t after, int64_t want,
    int *rows, int64_t *last, struct cs_error *err)
{
	struct review_walk *w = ctx;
	struct params p = {0};

	w->last = last;
	p_review_query(&p, w->q);
	p_int(&p, after);
	p_int(&p, want);
	return cs_pg__walk_rows(c, R_LIST, &p, each_review, w, rows, err);
}

/* In keyset pages by id (cs_pg__walk_pages), so that a queue of 150,000
 * items is never one result in memory. */
int
cs_pg__review_list(struct cs_store_conn *c, const struct cs_review_query *q,
    cs_review_cb cb, void *payload, struct cs_error *err)
{
	struct review_walk w = {q, cb, payload, NULL};

	return cs_pg__walk_pages(
	    c, q->after_id, q->limit, review_page, &w, err);
}

int
cs_pg__review_count(struct cs_store_conn *c, const struct cs_review_query *q,
    int64_t *out, struct cs_error *err)
{
	struct params p = {0};

	p_review_query(&p, q);
	return cs_pg__query_i64(c, R_COUNT, &p, out, err);
}

int
cs_pg__review_close(struct cs_store_conn *c, int64_t id, const char *resolution,
    int64_t now, struct cs_error *err)
{
	struct params p = {0};
	int error;

	p_int(&p, id);
	p_int(&p, now);
	p_text(&p, resolution);
	error = cs_pg__exec_one(c, R_CLOSE, &p, err);
	if (error == CS_ENOTFOUND)
		return cs_error_set(err, CS_ECONFLICT,
		    "review item %lld is not open", (long long)id);
	return error;
}

/* ---- Sync runs -------------------------------------------------------- */

int
cs_pg__run_insert(
    struct cs_store_conn *c, struct cs_sync_run *io, struct cs_error *err)
{
	struct params p = {0};

	p_int(&p, io->campaign_id);
	p_text(&p, io->owner);
	p_text(&p, io->phase);
	p_int(&p, io->started_at);
	return cs_pg__exec_insert(c, U_INSERT, &p, &io->id, err);
}

static int
read_run(const struct row *r, void *dst, struct cs_error *err)
{
	struct cs_sync_run *out = dst;

	(void)err;
	memset(out, 0, sizeof(*out));
	out->id = col_i64(r, 0);
	out->campaign_id = col_i64(r, 1);
	out->owner = col_text(r, 2);
	out->phase = col_text(r, 3);
	out->done = col_i64(r, 4);
	out->total = col_i64(r, 5);
	out->started_at = col_i64(r, 6);
	out->heartbeat_at = col_i64(r, 7);
	out->finished_at = col_i64(r, 8);
	out->outcome = col_text(r, 9);
	out->sync_log_id = col_i64(r, 10);
	return 0;
}

/* Read the one run a query returns (caller owns, malloc'd strings);
 * CS_ENOTFOUND, with err left to the caller, when there is none. */
static int
get_run(struct cs_store_conn *c, enum stmt_id id, int64_t campaign_id,
    struct cs_sync_run *out, struct cs_error *err)
{
	struct params p = {0};

	p_int(&p, campaign_id);
	return cs_pg__get_row(c, id, &p, read_run, out, NULL, err);
}

int
cs_pg__run_get_active(struct cs_store_conn *c, int64_t campaign_id,
    struct cs_sync_run *out, struct cs_error *err)
{
	int error;

	error = get_run(c, U_GET_ACTIVE, campaign_id, out, err);
	if (error == CS_ENOTFOUND)
		return cs_error_set(err, CS_ENOTFOUND,
		    "no running sync of campaign %lld", (long long)campaign_id);
	return error;
}

int
cs_pg__run_update(struct cs_store_conn *c, int64_t id, const char *phase,
    int64_t done, int64_t total, int64_t now, struct cs_error *err)
{
	struct params p = {0};

	p_int(&p, id);
	p_text(&p, phase);
	p_int(&p, done);
	p_int(&p, total);
	p_int(&p, now);
	return cs_pg__exec_one(c, U_UPDATE, &p, err);
}

int
cs_pg__run_finish(struct cs_store_conn *c, int64_t id, const char *outcome,
    int64_t sync_log_id, int64_t now, struct cs_error *err)
{
	struct params p = {0};

	p_int(&p, id);
	p_int(&p, now);
	p_text(&p, outcome);
	p_int(&p, sync_log_id);
	return cs_pg__exec_one(c, U_FINISH, &p, err);
}

int
cs_pg__run_heartbeat(
    struct cs_store_conn *c, int64_t id, int64_t now, struct cs_error *err)
{
	struct params p = {0};

	p_int(&p, id);
	p_int(&p, now);
	return cs_pg__exec_one(c, U_HEARTBEAT, &p, err);
}

int
cs_pg__run_close(struct cs_store_conn *c, int64_t id, const char *outcome,
    int64_t sync_log_id, int64_t now, struct cs_error *err)
{
	struct params p = {0};

	p_int(&p, id);
	p_int(&p, now);
	p_text(&p, outcome);
	p_int(&p, sync_log_id);
	return cs_pg__exec_one(c, U_CLOSE, &p, err);
}

int
cs_pg__run_latest(struct cs_store_conn *c, int64_t campaign_id,
    struct cs_sync_run *out, struct cs_error *err)
{
	int error;

	error = get_run(c, U_LATEST, campaign_id, out, err);
	if (error == CS_ENOTFOUND)
		return cs_error_set(err, CS_ENOTFOUND,
		    "campaign %lld has never been synced",
		    (long long)campaign_id);
	return error;
}
