/* SPDX-License-Identifier: MIT */
/* The SQLite backend: webhook events. */
#include "store/sqlite/internal.h"

#include <stdlib.h>
#include <string.h>

#include "util/limits.h"
#include "util/str.h"
#include "util/xalloc.h"
#include "util/banned.h"

/* ---- Webhook events --------------------------------------------------- */

int
cs_sqlite__webhook_insert(
    struct cs_store_conn *c, struct cs_webhook_event *io, struct cs_error *err)
{
	sqlite3_stmt *st;
	int error;

	error = cs_sqlite__stmt(c, W_INSERT, &st, err);
	if (error < 0)
		return error;
	bind_opt(st, 1, io->campaign_id);
	bind_text(st, 2, io->project_uid);
	bind_text(st, 3, io->event_type);
	bind_text(st, 4, io->dedupe_key);
	bind_text(st, 5, io->tx_hash);
	sqlite3_bind_blob64(st, 6, io->raw_body != NULL ? io->raw_body : "",
	    io->raw_len, SQLITE_STATIC);
	sqlite3_bind_int(st, 7, io->verified);
	bind_text(st, 8, io->outcome);
	bind_text(st, 9, io->detail);
	sqlite3_bind_int64(st, 10, io->received_at);
	bind_opt(st, 11, io->sync_log_id);
	bind_text(st, 12, io->body_sha256);
	sqlite3_bind_int64(st, 13,
	    (sqlite3_int64)(io->body_len > 0 ? io->body_len : io->raw_len));
	error = cs_sqlite__exec_stmt(c, st, err);
	if (error < 0)
		return error;
	io->id = sqlite3_last_insert_rowid(c->db);
	return 0;
}

int
cs_sqlite__webhook_finish(struct cs_store_conn *c, int64_t id,
    const char *outcome, const char *detail, int64_t sync_log_id,
    struct cs_error *err)
{
	sqlite3_stmt *st;
	int error;

	error = cs_sqlite__stmt(c, W_FINISH, &st, err);
	if (error < 0)
		return error;
	sqlite3_bind_int64(st, 1, id);
	bind_text(st, 2, outcome);
	bind_text(st, 3, detail);
	sqlite3_bind_int64(st, 4, sync_log_id);
	return cs_sqlite__exec_one(c, st, err);
}

int
cs_sqlite__webhook_prune(struct cs_store_conn *c, int64_t before, int64_t limit,
    int64_t *deleted, struct cs_error *err)
{
	sqlite3_stmt *st;
	int error;

	*deleted = 0;
	error = cs_sqlite__stmt(c, W_PRUNE, &st, err);
	if (error < 0)
		return error;
	sqlite3_bind_int64(st, 1, before);
	sqlite3_bind_int64(st, 2, limit);
	error = cs_sqlite__exec_stmt(c, st, err);
	*deleted = error == 0 ? sqlite3_changes64(c->db) : 0;
	return error;
}

int
cs_sqlite__report_prune(struct cs_store_conn *c, int64_t before, int64_t limit,
    int64_t *pruned, struct cs_error *err)
{
	sqlite3_stmt *st;
	int error;

	*pruned = 0;
	error = cs_sqlite__stmt(c, L_PRUNE_REPORTS, &st, err);
	if (error < 0)
		return error;
	sqlite3_bind_int64(st, 1, before);
	sqlite3_bind_int64(st, 2, limit);
	error = cs_sqlite__exec_stmt(c, st, err);
	*pruned = error == 0 ? sqlite3_changes64(c->db) : 0;
	return error;
}

struct webhook_walk {
	cs_webhook_event_cb cb;
	void *payload;
	bool with_body;
};

static int
each_webhook(
    sqlite3_stmt *st, struct cs_arena *a, void *payload, struct cs_error *err)
{
	struct webhook_walk *w = payload;
	struct cs_webhook_event e;

	(void)err;
	memset(&e, 0, sizeof(e));
	e.id = sqlite3_column_int64(st, 0);
	e.campaign_id = sqlite3_column_int64(st, 1);
	e.project_uid = col_text(st, 2, a);
	e.event_type = col_text(st, 3, a);
	e.dedupe_key = col_text(st, 4, a);
	e.tx_hash = col_text(st, 5, a);
	e.verified = sqlite3_column_int(st, 6) != 0;
	e.outcome = col_text(st, 7, a);
	e.detail = col_text(st, 8, a);
	e.received_at = sqlite3_column_int64(st, 9);
	e.sync_log_id = sqlite3_column_int64(st, 10);
	e.body_sha256 = col_text(st, 11, a);
	e.body_len = (size_t)sqlite3_column_int64(st, 12);
	if (w->with_body) {
		const void *b = sqlite3_column_blob(st, 13);

		e.raw_len = (size_t)sqlite3_column_bytes(st, 13);
		e.raw_body = cs_arena_alloc(a, e.raw_len + 1);
		if (e.raw_len > 0)
			memcpy(e.raw_body, b, e.raw_len);
		e.raw_body[e.raw_len] = '\0';
	}
	return w->cb(&e, w->payload);
}

int
cs_sqlite__webhook_list(struct cs_store_conn *c, int64_t campaign_id,
    int64_t limit, bool with_body, cs_webhook_event_cb cb, void *payload,
    struct cs_error *err)
{
	struct webhook_walk w = {cb, payload, with_body};
	sqlite3_stmt *st;
	int error;

	error = cs_sqlite__stmt(c, with_body ? W_LIST_BODY : W_LIST, &st, err);
	if (error < 0)
		return error;
	sqlite3_bind_int64(st, 1, campaign_id);
	sqlite3_bind_int64(st, 2, limit > 0 ? limit : -1);
	return cs_sqlite__walk_rows(c, st, each_webhook, &w, err);
}
