/* SPDX-License-Identifier: MIT */
/* The SQLite backend: campaigns, counters, webhook settings, allow-lists. */
#include "store/sqlite/internal.h"

#include <stdlib.h>
#include <string.h>

#include "util/limits.h"
#include "util/str.h"
#include "util/xalloc.h"
#include "util/banned.h"

/* ---- Campaigns -------------------------------------------------------- */

static int
read_campaign(
    sqlite3_stmt *st, void *dst, struct cs_arena *a, struct cs_error *err)
{
	struct cs_campaign *out = dst;
	const char *network, *status;

	memset(out, 0, sizeof(*out));
	out->id = sqlite3_column_int64(st, 0);
	out->name = col_text(st, 1, a);
	out->description = col_text(st, 2, a);
	out->nmkr_project_uid = col_text(st, 3, a);
	network = (const char *)sqlite3_column_text(st, 4);
	status = (const char *)sqlite3_column_text(st, 5);
	if (cs_network_parse(network, &out->network) < 0 ||
	    cs_campaign_status_parse(status, &out->status) < 0)
		return cs_error_set(err, CS_EDB,
		    "campaign %lld has a bad network or status",
		    (long long)out->id);
	out->max_nfts = sqlite3_column_int64(st, 6);
	out->start_date = sqlite3_column_int64(st, 7);
	out->end_date = sqlite3_column_int64(st, 8);
	out->created_at = sqlite3_column_int64(st, 9);
	out->updated_at = sqlite3_column_int64(st, 10);
	out->counts.total = sqlite3_column_int64(st, 11);
	out->counts.available = sqlite3_column_int64(st, 12);
	out->counts.reserved = sqlite3_column_int64(st, 13);
	out->counts.sold = sqlite3_column_int64(st, 14);
	out->last_synced_at = sqlite3_column_int64(st, 15);
	out->allow_multiple = sqlite3_column_int(st, 16) != 0;
	out->reservation_minutes = sqlite3_column_int(st, 17);
	out->webhook_secret = col_text(st, 18, a);
	out->webhook_secret_prev = col_text(st, 19, a);
	out->webhook_rotated_at = sqlite3_column_int64(st, 20);
	out->has_allowlist = sqlite3_column_int(st, 21) != 0;
	return 0;
}

int
cs_sqlite__campaign_insert(
    struct cs_store_conn *c, struct cs_campaign *io, struct cs_error *err)
{
	sqlite3_stmt *st;
	int error;

	error = cs_sqlite__stmt(c, C_INSERT, &st, err);
	if (error < 0)
		return error;
	bind_text(st, 1, io->name);
	bind_text(st, 2, io->description != NULL ? io->description : "");
	bind_text(st, 3, io->nmkr_project_uid);
	bind_text(st, 4, cs_network_name(io->network));
	bind_text(st, 5, cs_campaign_status_name(io->status));
	sqlite3_bind_int64(st, 6, io->max_nfts);
	bind_opt(st, 7, io->start_date);
	bind_opt(st, 8, io->end_date);
	sqlite3_bind_int64(st, 9, io->created_at);
	sqlite3_bind_int64(st, 10, io->updated_at);
	sqlite3_bind_int(st, 11, io->allow_multiple);
	bind_opt(st, 12, io->reservation_minutes);
	error = cs_sqlite__exec_stmt(c, st, err);
	if (error == CS_ECONFLICT)
		return cs_error_set(err, CS_ECONFLICT,
		    "a campaign named '%s' exists", io->name);
	if (error < 0)
		return error;
	io->id = sqlite3_last_insert_rowid(c->db);
	return 0;
}

static int
get_campaign(struct cs_store_conn *c, enum stmt_id id, int64_t key,
    const char *name, struct cs_campaign *out, struct cs_error *err)
{
	sqlite3_stmt *st;
	int error;

	error = cs_sqlite__stmt(c, id, &st, err);
	if (error < 0)
		return error;
	if (name != NULL)
		bind_text(st, 1, name);
	else
		sqlite3_bind_int64(st, 1, key);
	error = cs_sqlite__get_row(c, st, read_campaign, out, NULL, err);
	if (error == CS_ENOTFOUND)
		error = name != NULL ? cs_error_set(err, CS_ENOTFOUND,
		                           "no campaign '%s'", name)
		                     : cs_error_set(err, CS_ENOTFOUND,
		                           "no campaign %lld", (long long)key);
	if (error < 0)
		cs_campaign_dispose(out);
	return error;
}

int
cs_sqlite__campaign_get(struct cs_store_conn *c, int64_t id, bool for_update,
    struct cs_campaign *out, struct cs_error *err)
{
	(void)for_update; /* BEGIN IMMEDIATE already serializes writers */
	return get_campaign(c, C_GET, id, NULL, out, err);
}

int
cs_sqlite__campaign_get_by_name(struct cs_store_conn *c, const char *name,
    struct cs_campaign *out, struct cs_error *err)
{
	return get_campaign(c, C_GET_BY_NAME, 0, name, out, err);
}

struct campaign_walk {
	cs_campaign_cb cb;
	void *payload;
};

static int
each_campaign(
    sqlite3_stmt *st, struct cs_arena *a, void *payload, struct cs_error *err)
{
	struct campaign_walk *w = payload;
	struct cs_campaign camp;
	int error;

	error = read_campaign(st, &camp, a, err);
	return error != 0 ? error : w->cb(&camp, w->payload);
}

int
cs_sqlite__campaign_list(struct cs_store_conn *c, cs_campaign_cb cb,
    void *payload, struct cs_error *err)
{
	struct campaign_walk w = {cb, payload};
	sqlite3_stmt *st;
	int error;

	error = cs_sqlite__stmt(c, C_LIST, &st, err);
	if (error < 0)
		return error;
	return cs_sqlite__walk_rows(c, st, each_campaign, &w, err);
}

int
cs_sqlite__campaign_update(struct cs_store_conn *c,
    const struct cs_campaign *camp, int64_t now, struct cs_error *err)
{
	sqlite3_stmt *st;
	int error;

	error = cs_sqlite__stmt(c, C_UPDATE, &st, err);
	if (error < 0)
		return error;
	sqlite3_bind_int64(st, 1, camp->id);
	bind_text(st, 2, camp->name);
	bind_text(st, 3, camp->description != NULL ? camp->description : "");
	bind_text(st, 4, camp->nmkr_project_uid);
	bind_text(st, 5, cs_network_name(camp->network));
	sqlite3_bind_int64(st, 6, camp->max_nfts);
	bind_opt(st, 7, camp->start_date);
	bind_opt(st, 8, camp->end_date);
	sqlite3_bind_int(st, 9, camp->allow_multiple);
	bind_opt(st, 10, camp->reservation_minutes);
	sqlite3_bind_int64(st, 11, now);
	error = cs_sqlite__exec_one(c, st, err);
	if (error == CS_ECONFLICT)
		return cs_error_set(err, CS_ECONFLICT,
		    "a campaign named '%s' exists", camp->name);
	if (error == CS_ENOTFOUND)
		return cs_error_set(
		    err, CS_ENOTFOUND, "no campaign %lld", (long long)camp->id);
	return error;
}

int
cs_sqlite__campaign_set_status(struct cs_store_conn *c, int64_t id,
    enum cs_campaign_status status, int64_t now, struct cs_error *err)
{
	sqlite3_stmt *st;
	int error;

	error = cs_sqlite__stmt(c, C_SET_STATUS, &st, err);
	if (error < 0)
		return error;
	sqlite3_bind_int64(st, 1, id);
	bind_text(st, 2, cs_campaign_status_name(status));
	sqlite3_bind_int64(st, 3, now);
	error = cs_sqlite__exec_one(c, st, err);
	if (error == CS_ENOTFOUND)
		return cs_error_set(
		    err, CS_ENOTFOUND, "no campaign %lld", (long long)id);
	return error;
}

static int
counts_stmt(struct cs_store_conn *c, enum stmt_id which, int64_t id,
    const struct cs_counts *k, int64_t now, struct cs_error *err)
{
	sqlite3_stmt *st;
	int error;

	error = cs_sqlite__stmt(c, which, &st, err);
	if (error < 0)
		return error;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, k->total);
	sqlite3_bind_int64(st, 3, k->available);
	sqlite3_bind_int64(st, 4, k->reserved);
	sqlite3_bind_int64(st, 5, k->sold);
	sqlite3_bind_int64(st, 6, now);
	return cs_sqlite__exec_one(c, st, err);
}

int
cs_sqlite__campaign_set_counts(struct cs_store_conn *c, int64_t id,
    const struct cs_counts *counts, int64_t now, struct cs_error *err)
{
	return counts_stmt(c, C_SET_COUNTS, id, counts, now, err);
}

int
cs_sqlite__campaign_add_counts(struct cs_store_conn *c, int64_t id,
    const struct cs_counts *delta, int64_t now, struct cs_error *err)
{
	return counts_stmt(c, C_ADD_COUNTS, id, delta, now, err);
}

int
cs_sqlite__campaign_rotate_secret(struct cs_store_conn *c, int64_t id,
    const char *secret, int64_t now, struct cs_error *err)
{
	sqlite3_stmt *st;
	int error;

	error = cs_sqlite__stmt(c, C_ROTATE, &st, err);
	if (error < 0)
		return error;
	sqlite3_bind_int64(st, 1, id);
	bind_text(st, 2, secret);
	sqlite3_bind_int64(st, 3, now);
	return cs_sqlite__exec_one(c, st, err);
}

int
cs_sqlite__campaign_set_webhook(struct cs_store_conn *c, int64_t id,
    const char *url, const char *secret, int64_t now, struct cs_error *err)
{
	sqlite3_stmt *st;
	int error;

	error = cs_sqlite__stmt(c, C_SET_WEBHOOK, &st, err);
	if (error < 0)
		return error;
	sqlite3_bind_int64(st, 1, id);
	bind_text(st, 2, url);
	bind_text(st, 3, secret);
	sqlite3_bind_int64(st, 4, now);
	return cs_sqlite__exec_one(c, st, err);
}

int
cs_sqlite__campaign_webhook_url(
    struct cs_store_conn *c, int64_t id, char **out, struct cs_error *err)
{
	const char *url;
	sqlite3_stmt *st;
	int error, rc;

	*out = NULL;
	error = cs_sqlite__stmt(c, C_WEBHOOK_URL, &st, err);
	if (error < 0)
		return error;
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		url = (const char *)sqlite3_column_text(st, 0);
		*out = url != NULL ? cs_xstrdup(url) : NULL;
	} else if (rc == SQLITE_DONE) {
		error = cs_error_set(err, CS_ENOTFOUND,
		    "campaign %lld not found", (long long)id);
	} else {
		error = cs_sqlite__db_error(c, rc, err);
	}
	done(st);
	return error;
}

static int
id_time_stmt(struct cs_store_conn *c, enum stmt_id which, int64_t id,
    int64_t now, struct cs_error *err)
{
	sqlite3_stmt *st;
	int error;

	error = cs_sqlite__stmt(c, which, &st, err);
	if (error < 0)
		return error;
	sqlite3_bind_int64(st, 1, id);
	if (now != 0)
		sqlite3_bind_int64(st, 2, now);
	return cs_sqlite__exec_one(c, st, err);
}

int
cs_sqlite__campaign_mark_synced(
    struct cs_store_conn *c, int64_t id, int64_t now, struct cs_error *err)
{
	return id_time_stmt(c, C_MARK_SYNCED, id, now, err);
}

int
cs_sqlite__campaign_delete(
    struct cs_store_conn *c, int64_t id, struct cs_error *err)
{
	int error;

	error = id_time_stmt(c, C_DELETE, id, 0, err);
	if (error == CS_ENOTFOUND)
		return cs_error_set(
		    err, CS_ENOTFOUND, "no campaign %lld", (long long)id);
	return error;
}

int
cs_sqlite__allowlist_clear(
    struct cs_store_conn *c, int64_t campaign_id, struct cs_error *err)
{
	sqlite3_stmt *st;
	int error;

	error = cs_sqlite__stmt(c, A_CLEAR, &st, err);
	if (error < 0)
		return error;
	sqlite3_bind_int64(st, 1, campaign_id);
	return cs_sqlite__exec_stmt(c, st, err);
}

int
cs_sqlite__allowlist_add(struct cs_store_conn *c, int64_t campaign_id,
    const char *address, struct cs_error *err)
{
	sqlite3_stmt *st;
	int error;

	error = cs_sqlite__stmt(c, A_ADD, &st, err);
	if (error < 0)
		return error;
	sqlite3_bind_int64(st, 1, campaign_id);
	bind_text(st, 2, address);
	return cs_sqlite__exec_stmt(c, st, err);
}

int
cs_sqlite__allowlist_has(struct cs_store_conn *c, int64_t campaign_id,
    const char *address, bool *out, struct cs_error *err)
{
	sqlite3_stmt *st;
	int error, rc;

	error = cs_sqlite__stmt(c, A_HAS, &st, err);
	if (error < 0)
		return error;
	sqlite3_bind_int64(st, 1, campaign_id);
	bind_text(st, 2, address);
	rc = sqlite3_step(st);
	*out = rc == SQLITE_ROW;
	done(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return cs_sqlite__db_error(c, rc, err);
	return 0;
}
