/* SPDX-License-Identifier: MIT */
/* The SQLite backend: the alerts sent. */
#include "store/sqlite/internal.h"

#include <string.h>

#include "util/banned.h"

int
cs_sqlite__alert_insert(
    struct cs_store_conn *c, struct cs_alert *io, struct cs_error *err)
{
	sqlite3_stmt *st;
	int error;

	error = cs_sqlite__stmt(c, A_INSERT, &st, err);
	if (error < 0)
		return error;
	sqlite3_bind_int64(st, 1, io->campaign_id);
	bind_text(st, 2, io->cause);
	bind_text(st, 3, io->text);
	sqlite3_bind_int64(st, 4, io->sent_at);
	sqlite3_bind_int(st, 5, io->delivered);
	bind_text(st, 6, io->error);
	error = cs_sqlite__exec_stmt(c, st, err);
	if (error < 0)
		return error;
	if (sqlite3_changes64(c->db) == 0)
		return cs_error_set(err, CS_ENOTFOUND, "no campaign %lld",
		    (long long)io->campaign_id);
	io->id = sqlite3_last_insert_rowid(c->db);
	return 0;
}

struct alert_walk {
	cs_alert_cb cb;
	void *payload;
};

static int
each_alert(
    sqlite3_stmt *st, struct cs_arena *a, void *payload, struct cs_error *err)
{
	struct alert_walk *w = payload;
	struct cs_alert x;

	(void)err;
	memset(&x, 0, sizeof(x));
	x.id = sqlite3_column_int64(st, 0);
	x.campaign_id = sqlite3_column_int64(st, 1);
	x.cause = col_text(st, 2, a);
	x.text = col_text(st, 3, a);
	x.sent_at = sqlite3_column_int64(st, 4);
	x.delivered = sqlite3_column_int(st, 5) != 0;
	x.error = col_text(st, 6, a);
	return w->cb(&x, w->payload);
}

int
cs_sqlite__alert_list(struct cs_store_conn *c, int64_t campaign_id,
    int64_t limit, cs_alert_cb cb, void *payload, struct cs_error *err)
{
	struct alert_walk w = {cb, payload};
	sqlite3_stmt *st;
	int error;

	error = cs_sqlite__stmt(c, A_LIST, &st, err);
	if (error < 0)
		return error;
	sqlite3_bind_int64(st, 1, campaign_id);
	sqlite3_bind_int64(st, 2, limit > 0 ? limit : -1);
	return cs_sqlite__walk_rows(c, st, each_alert, &w, err);
}

int
cs_sqlite__alert_prune(struct cs_store_conn *c, int64_t before, int64_t limit,
    int64_t *deleted, struct cs_error *err)
{
	sqlite3_stmt *st;
	int error;

	*deleted = 0;
	error = cs_sqlite__stmt(c, A_PRUNE, &st, err);
	if (error < 0)
		return error;
	sqlite3_bind_int64(st, 1, before);
	sqlite3_bind_int64(st, 2, limit);
	error = cs_sqlite__exec_stmt(c, st, err);
	*deleted = error == 0 ? sqlite3_changes64(c->db) : 0;
	return error;
}
