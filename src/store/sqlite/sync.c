/* SPDX-License-Identifier: MIT */
/* The SQLite backend: the sync log, the review queue, sync runs. */
#include "store/sqlite/internal.h"

#include <stdlib.h>
#include <string.h>

#include "util/limits.h"
#include "util/str.h"
#include "util/xalloc.h"
#include "util/banned.h"

/* ---- Sync log --------------------------------------------------------- */

static int
read_log(sqlite3_stmt *st, void *dst, struct cs_arena *a, struct cs_error *err)
{
	struct cs_sync_log *out = dst;

	memset(out, 0, sizeof(*out));
	out->id = sqlite3_column_int64(st, 0);
	if (cs_sync_type_parse((const char *)sqlite3_column_text(st, 1),
	        &out->sync_type) < 0 ||
	    cs_sync_status_parse(
	        (const char *)sqlite3_column_text(st, 4), &out->status) < 0)
		return cs_error_set(err, CS_EDB, "sync log %lld is malformed",
		    (long long)out->id);
	out->nmkr_project_uid = col_text(st, 2, a);
	out->campaign_id = sqlite3_column_int64(st, 3);
	out->records_synced = sqlite3_column_int64(st, 5);
	out->errors = col_text(st, 6, a);
	out->started_at = sqlite3_column_int64(st, 7);
	out->completed_at = sqlite3_column_int64(st, 8);
	out->synced_data = col_text(st, 9, a);
	return 0;
}

int
cs_sqlite__sync_log_insert(
    struct cs_store_conn *c, struct cs_sync_log *io, struct cs_error *err)
{
	sqlite3_stmt *st;
	int error;

	error = cs_sqlite__stmt(c, L_INSERT, &st, err);
	if (error < 0)
		return error;
	bind_text(st, 1, cs_sync_type_name(io->sync_type));
	bind_text(
	    st, 2, io->nmkr_project_uid != NULL ? io->nmkr_project_uid : "");
	bind_opt(st, 3, io->campaign_id);
	bind_text(st, 4, cs_sync_status_name(io->status));
	sqlite3_bind_int64(st, 5, io->records_synced);
	bind_text(st, 6, io->errors);
	bind_text(st, 7, io->synced_data);
	sqlite3_bind_int64(st, 8, io->started_at);
	sqlite3_bind_int64(st, 9, io->completed_at);
	error = cs_sqlite__exec_stmt(c, st, err);
	if (error < 0)
		return error;
	io->id = sqlite3_last_insert_rowid(c->db);
	return 0;
}

int
cs_sqlite__sync_log_update(
    struct cs_store_conn *c, const struct cs_sync_log *l, struct cs_error *err)
{
	sqlite3_stmt *st;
	int error;

	error = cs_sqlite__stmt(c, L_UPDATE, &st, err);
	if (error < 0)
		return error;
	sqlite3_bind_int64(st, 1, l->id);
	bind_text(st, 2, cs_sync_status_name(l->status));
	sqlite3_bind_int64(st, 3, l->records_synced);
	bind_text(st, 4, l->errors);
	bind_text(st, 5, l->synced_data);
	sqlite3_bind_int64(st, 6, l->completed_at);
	return cs_sqlite__exec_one(c, st, err);
}

int
cs_sqlite__sync_log_get(struct cs_store_conn *c, int64_t id,
    struct cs_sync_log *out, struct cs_error *err)
{
	sqlite3_stmt *st;
	int error;

	error = cs_sqlite__stmt(c, L_GET, &st, err);
	if (error < 0)
		return error;
	sqlite3_bind_int64(st, 1, id);
	error = cs_sqlite__get_row(c, st, read_log, out, NULL, err);
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
each_log(
    sqlite3_stmt *st, struct cs_arena *a, void *payload, struct cs_error *err)
{
	struct log_walk *w = payload;
	struct cs_sync_log l;
	int error;

	error = read_log(st, &l, a, err);
	return error != 0 ? error : w->cb(&l, w->payload);
}

int
cs_sqlite__sync_log_list(struct cs_store_conn *c,
    const struct cs_sync_log_query *q, cs_sync_log_cb cb, void *payload,
    struct cs_error *err)
{
	struct log_walk w = {cb, payload};
	sqlite3_stmt *st;
	int error;

	error =
	    cs_sqlite__stmt(c, q->with_data ? L_LIST_DATA : L_LIST, &st, err);
	if (error < 0)
		return error;
	bind_text(st, 1, q->project_uid);
	sqlite3_bind_int64(st, 2, q->campaign_id);
	bind_text(st, 3,
	    q->status >= 0 ? cs_sync_status_name((enum cs_sync_status)q->status)
	                   : NULL);
	bind_text(st, 4,
	    q->type >= 0 ? cs_sync_type_name((enum cs_sync_type)q->type)
	                 : NULL);
	sqlite3_bind_int64(st, 5, q->limit > 0 ? q->limit : 50);
	return cs_sqlite__walk_rows(c, st, each_log, &w, err);
}

int
cs_sqlite__sync_log_recent(struct cs_store_conn *c, int64_t per_campaign,
    cs_sync_log_cb cb, void *payload, struct cs_error *err)
{
	struct log_walk w = {cb, payload};
	sqlite3_stmt *st;
	int error;

	error = cs_sqlite__stmt(c, L_RECENT, &st, err);
	if (error < 0)
		return error;
	sqlite3_bind_int64(st, 1, per_campaign);
	return cs_sqlite__walk_rows(c, st, each_log, &w, err);
}

int
cs_sqlite__sync_log_prune(struct cs_store_conn *c, int64_t before,
    int64_t *deleted, struct cs_error *err)
{
	sqlite3_stmt *st;
	int error;

	error = cs_sqlite__stmt(c, L_PRUNE, &st, err);
	if (error < 0)
		return error;
	sqlite3_bind_int64(st, 1, before);
	error = cs_sqlite__exec_stmt(c, st, err);
	*deleted = error == 0 ? sqlite3_changes64(c->db) : 0;
	return error;
}

/* ---- Review queue ----------------------------------------------------- */

static int
read_review(
    sqlite3_stmt *st, void *dst, struct cs_arena *a, struct cs_error *err)
{
	struct cs_review_item *out = dst;

	memset(out, 0, sizeof(*out));
	out->id = sqlite3_column_int64(st, 0);
	out->campaign_id = sqlite3_column_int64(st, 1);
	out->nft_id = sqlite3_column_int64(st, 2);
	out->nft_uid = col_text(st, 3, a);
	out->kind = col_text(st, 4, a);
	if (cs_nft_status_parse((const char *)sqlite3_column_text(st, 5),
	        &out->local_status) < 0)
		return cs_error_set(err, CS_EDB,
		    "review item %lld is "
		    "malformed",
		    (long long)out->id);
	out->remote_state = col_text(st, 6, a);
	out->detail = col_text(st, 7, a);
	out->created_at = sqlite3_column_int64(st, 8);
	out->sync_log_id = sqlite3_column_int64(st, 9);
	out->resolved_at = sqlite3_column_int64(st, 10);
	out->resolution = col_text(st, 11, a);
	return 0;
}

int
cs_sqlite__review_insert(struct cs_store_conn *c,
    const struct cs_review_item *r, int64_t *id, struct cs_error *err)
{
	sqlite3_stmt *st;
	int error;

	error = cs_sqlite__stmt(c, R_INSERT, &st, err);
	if (error < 0)
		return error;
	sqlite3_bind_int64(st, 1, r->campaign_id);
	sqlite3_bind_int64(st, 2, r->nft_id);
	bind_text(st, 3, r->kind);
	bind_text(st, 4, cs_nft_status_name(r->local_status));
	bind_text(st, 5, r->remote_state);
	bind_text(st, 6, r->detail);
	sqlite3_bind_int64(st, 7, r->created_at);
	bind_opt(st, 8, r->sync_log_id);
	error = cs_sqlite__exec_stmt(c, st, err);
	if (error < 0)
		return error;
	*id = sqlite3_last_insert_rowid(c->db);
	return 0;
}

int
cs_sqlite__review_get(struct cs_store_conn *c, int64_t id,
    struct cs_review_item *out, struct cs_error *err)
{
	sqlite3_stmt *st;
	int error;

	error = cs_sqlite__stmt(c, R_GET, &st, err);
	if (error < 0)
		return error;
	sqlite3_bind_int64(st, 1, id);
	error = cs_sqlite__get_row(c, st, read_review, out, NULL, err);
	if (error == CS_ENOTFOUND)
		error = cs_error_set(
		    err, CS_ENOTFOUND, "no review item %lld", (long long)id);
	if (error < 0)
		cs_review_item_dispose(out);
	return error;
}

struct review_walk {
	cs_review_cb cb;
	void *payload;
};

static int
each_review(
    sqlite3_stmt *st, struct cs_arena *a, void *payload, struct cs_error *err)
{
	struct review_walk *w = payload;
	struct cs_review_item r;
	int error;

	error = read_review(st, &r, a, err);
	return error != 0 ? error : w->cb(&r, w->payload);
}

static void
bind_review_query(sqlite3_stmt *st, const struct cs_review_query *q)
{
	sqlite3_bind_int64(st, 1, q->campaign_id);
	sqlite3_bind_int(st, 2, q->open_only);
	bind_text(st, 3, q->kind);
}

int
cs_sqlite__review_list(struct cs_store_conn *c, const struct cs_review_query *q,
    cs_review_cb cb, void *payload, struct cs_error *err)
{
	struct review_walk w = {cb, payload};
	sqlite3_stmt *st;
	int error;

	error = cs_sqlite__stmt(c, R_LIST, &st, err);
	if (error < 0)
		return error;
	bind_review_query(st, q);
	sqlite3_bind_int64(st, 4, q->after_id);
	sqlite3_bind_int64(st, 5, q->limit > 0 ? q->limit : -1);
	return cs_sqlite__walk_rows(c, st, each_review, &w, err);
}

int
cs_sqlite__review_count(struct cs_store_conn *c,
    const struct cs_review_query *q, int64_t *out, struct cs_error *err)
{
	sqlite3_stmt *st;
	int error, rc;

	error = cs_sqlite__stmt(c, R_COUNT, &st, err);
	if (error < 0)
		return error;
	bind_review_query(st, q);
	rc = sqlite3_step(st);
	*out = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	done(st);
	return rc == SQLITE_ROW ? 0 : cs_sqlite__db_error(c, rc, err);
}

int
cs_sqlite__review_close(struct cs_store_conn *c, int64_t id,
    const char *resolution, int64_t now, struct cs_error *err)
{
	sqlite3_stmt *st;
	int error;

	error = cs_sqlite__stmt(c, R_CLOSE, &st, err);
	if (error < 0)
		return error;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, now);
	bind_text(st, 3, resolution);
	error = cs_sqlite__exec_one(c, st, err);
	if (error == CS_ENOTFOUND)
		return cs_error_set(err, CS_ECONFLICT,
		    "review item %lld is not open", (long long)id);
	return error;
}

/* ---- Sync runs -------------------------------------------------------- */

int
cs_sqlite__run_insert(
    struct cs_store_conn *c, struct cs_sync_run *io, struct cs_error *err)
{
	sqlite3_stmt *st;
	int error;

	error = cs_sqlite__stmt(c, U_INSERT, &st, err);
	if (error < 0)
		return error;
	sqlite3_bind_int64(st, 1, io->campaign_id);
	bind_text(st, 2, io->owner);
	bind_text(st, 3, io->phase);
	sqlite3_bind_int64(st, 4, io->started_at);
	error = cs_sqlite__exec_stmt(c, st, err);
	if (error < 0)
		return error;
	io->id = sqlite3_last_insert_rowid(c->db);
	return 0;
}

static int
read_run(sqlite3_stmt *st, void *dst, struct cs_arena *a, struct cs_error *err)
{
	struct cs_sync_run *out = dst;

	(void)a;
	(void)err;
	memset(out, 0, sizeof(*out));
	out->id = sqlite3_column_int64(st, 0);
	out->campaign_id = sqlite3_column_int64(st, 1);
	out->owner = col_text(st, 2, NULL);
	out->phase = col_text(st, 3, NULL);
	out->done = sqlite3_column_int64(st, 4);
	out->total = sqlite3_column_int64(st, 5);
	out->started_at = sqlite3_column_int64(st, 6);
	out->heartbeat_at = sqlite3_column_int64(st, 7);
	out->finished_at = sqlite3_column_int64(st, 8);
	out->outcome = col_text(st, 9, NULL);
	out->sync_log_id = sqlite3_column_int64(st, 10);
	return 0;
}

int
cs_sqlite__run_get_active(struct cs_store_conn *c, int64_t campaign_id,
    struct cs_sync_run *out, struct cs_error *err)
{
	sqlite3_stmt *st;
	int error;

	error = cs_sqlite__stmt(c, U_GET_ACTIVE, &st, err);
	if (error < 0)
		return error;
	sqlite3_bind_int64(st, 1, campaign_id);
	error = cs_sqlite__get_row(c, st, read_run, out, NULL, err);
	if (error == CS_ENOTFOUND)
		error = cs_error_set(err, CS_ENOTFOUND,
		    "no running sync of campaign %lld", (long long)campaign_id);
	return error;
}

int
cs_sqlite__run_update(struct cs_store_conn *c, int64_t id, const char *phase,
    int64_t done_, int64_t total, int64_t now, struct cs_error *err)
{
	sqlite3_stmt *st;
	int error;

	error = cs_sqlite__stmt(c, U_UPDATE, &st, err);
	if (error < 0)
		return error;
	sqlite3_bind_int64(st, 1, id);
	bind_text(st, 2, phase);
	sqlite3_bind_int64(st, 3, done_);
	sqlite3_bind_int64(st, 4, total);
	sqlite3_bind_int64(st, 5, now);
	return cs_sqlite__exec_one(c, st, err);
}

int
cs_sqlite__run_finish(struct cs_store_conn *c, int64_t id, const char *outcome,
    int64_t sync_log_id, int64_t now, struct cs_error *err)
{
	sqlite3_stmt *st;
	int error;

	error = cs_sqlite__stmt(c, U_FINISH, &st, err);
	if (error < 0)
		return error;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, now);
	bind_text(st, 3, outcome);
	sqlite3_bind_int64(st, 4, sync_log_id);
	return cs_sqlite__exec_one(c, st, err);
}

int
cs_sqlite__run_heartbeat(
    struct cs_store_conn *c, int64_t id, int64_t now, struct cs_error *err)
{
	sqlite3_stmt *st;
	int error;

	error = cs_sqlite__stmt(c, U_HEARTBEAT, &st, err);
	if (error < 0)
		return error;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, now);
	return cs_sqlite__exec_one(c, st, err);
}

int
cs_sqlite__run_close(struct cs_store_conn *c, int64_t id, const char *outcome,
    int64_t sync_log_id, int64_t now, struct cs_error *err)
{
	sqlite3_stmt *st;
	int error;

	error = cs_sqlite__stmt(c, U_CLOSE, &st, err);
	if (error < 0)
		return error;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, now);
	bind_text(st, 3, outcome);
	sqlite3_bind_int64(st, 4, sync_log_id);
	return cs_sqlite__exec_one(c, st, err);
}

int
cs_sqlite__run_latest(struct cs_store_conn *c, int64_t campaign_id,
    struct cs_sync_run *out, struct cs_error *err)
{
	sqlite3_stmt *st;
	int error;

	error = cs_sqlite__stmt(c, U_LATEST, &st, err);
	if (error < 0)
		return error;
	sqlite3_bind_int64(st, 1, campaign_id);
	error = cs_sqlite__get_row(c, st, read_run, out, NULL, err);
	if (error == CS_ENOTFOUND)
		error = cs_error_set(err, CS_ENOTFOUND,
		    "campaign %lld has never been synced",
		    (long long)campaign_id);
	return error;
}
