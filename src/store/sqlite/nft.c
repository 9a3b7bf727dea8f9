/* SPDX-License-Identifier: MIT */
/* The SQLite backend: NFTs and their history. */
#include "store/sqlite/internal.h"

#include <stdlib.h>
#include <string.h>

#include "util/limits.h"
#include "util/str.h"
#include "util/xalloc.h"
#include "util/banned.h"

/* ---- NFTs ------------------------------------------------------------- */

static int
read_nft(sqlite3_stmt *st, void *dst, struct cs_arena *a, struct cs_error *err)
{
	struct cs_nft *out = dst;
	const char *status, *by;

	memset(out, 0, sizeof(*out));
	out->id = sqlite3_column_int64(st, 0);
	out->campaign_id = sqlite3_column_int64(st, 1);
	out->nft_uid = col_text(st, 2, a);
	out->nft_number = sqlite3_column_int64(st, 3);
	out->name = col_text(st, 4, a);
	status = (const char *)sqlite3_column_text(st, 5);
	out->project_uid = col_text(st, 6, a);
	out->payment_url = col_text(st, 7, a);
	out->image_url = col_text(st, 8, a);
	out->asset_id = col_text(st, 9, a);
	out->created_at = sqlite3_column_int64(st, 10);
	out->last_modified_at = sqlite3_column_int64(st, 11);
	by = (const char *)sqlite3_column_text(st, 12);
	out->last_synced_at = sqlite3_column_int64(st, 13);
	out->version = sqlite3_column_int64(st, 14);
	out->reserved_by = col_text(st, 15, a);
	out->reserved_until = sqlite3_column_int64(st, 16);
	out->sold_to = col_text(st, 17, a);
	out->tx_hash = col_text(st, 18, a);
	out->sold_at = sqlite3_column_int64(st, 19);
	out->claimed_by = col_text(st, 20, a);
	out->sold_at_raw = col_text(st, 21, a);
	if (cs_nft_status_parse(status, &out->status) < 0 ||
	    cs_source_parse(by, &out->last_modified_by) < 0)
		return cs_error_set(err, CS_EDB,
		    "NFT %lld has a bad status or source", (long long)out->id);
	return 0;
}

int
cs_sqlite__nft_insert(
    struct cs_store_conn *c, struct cs_nft *io, struct cs_error *err)
{
	sqlite3_stmt *st;
	int error;

	error = cs_sqlite__stmt(c, N_INSERT, &st, err);
	if (error < 0)
		return error;
	sqlite3_bind_int64(st, 2, io->campaign_id);
	bind_text(st, 3, io->nft_uid);
	sqlite3_bind_int64(st, 4, io->nft_number);
	bind_text(st, 5, io->name);
	bind_text(st, 6, cs_nft_status_name(io->status));
	bind_text(st, 7, io->project_uid);
	bind_text(st, 8, io->payment_url);
	bind_text(st, 9, io->image_url);
	bind_text(st, 10, io->asset_id);
	sqlite3_bind_int64(st, 11, io->created_at);
	sqlite3_bind_int64(st, 12, io->last_modified_at);
	bind_text(st, 13, cs_source_name(io->last_modified_by));
	bind_opt(st, 14, io->last_synced_at);
	sqlite3_bind_int64(st, 15, io->version);
	bind_text(st, 16, io->reserved_by);
	bind_opt(st, 17, io->reserved_until);
	bind_text(st, 18, io->sold_to);
	bind_text(st, 19, io->tx_hash);
	bind_opt(st, 20, io->sold_at);
	bind_text(st, 21, io->claimed_by);
	bind_text(st, 22, io->sold_at_raw);
	error = cs_sqlite__exec_stmt(c, st, err);
	if (error < 0)
		return error;
	io->id = sqlite3_last_insert_rowid(c->db);
	return 0;
}

int
cs_sqlite__nft_get(struct cs_store_conn *c, int64_t id, const char *uid,
    struct cs_nft *out, struct cs_arena *arena, struct cs_error *err)
{
	sqlite3_stmt *st;
	int error;

	error = cs_sqlite__stmt(c, id != 0 ? N_GET_ID : N_GET_UID, &st, err);
	if (error < 0)
		return error;
	if (id != 0)
		sqlite3_bind_int64(st, 1, id);
	else
		bind_text(st, 1, uid);
	error = cs_sqlite__get_row(c, st, read_nft, out, arena, err);
	if (error == CS_ENOTFOUND)
		error = id != 0 ? cs_error_set(err, CS_ENOTFOUND, "no NFT %lld",
		                      (long long)id)
		                : cs_error_set(
		                      err, CS_ENOTFOUND, "no NFT '%s'", uid);
	if (error < 0 && arena == NULL)
		cs_nft_dispose(out);
	return error;
}

struct nft_walk {
	cs_nft_cb cb;
	void *payload;
};

static int
each_nft(
    sqlite3_stmt *st, struct cs_arena *a, void *payload, struct cs_error *err)
{
	struct nft_walk *w = payload;
	struct cs_nft n;
	int error;

	error = read_nft(st, &n, a, err);
	return error != 0 ? error : w->cb(&n, w->payload);
}

/* Hand each row of a bound NFT query to cb, then reset the statement. */
static int
walk_nfts(struct cs_store_conn *c, sqlite3_stmt *st, cs_nft_cb cb,
    void *payload, struct cs_error *err)
{
	struct nft_walk w = {cb, payload};

	return cs_sqlite__walk_rows(c, st, each_nft, &w, err);
}

int
cs_sqlite__nft_list(struct cs_store_conn *c, const struct cs_nft_query *q,
    cs_nft_cb cb, void *payload, struct cs_error *err)
{
	sqlite3_stmt *st;
	int error;

	error = cs_sqlite__stmt(
	    c, q->status >= 0 ? N_LIST_STATUS : N_LIST_ALL, &st, err);
	if (error < 0)
		return error;
	sqlite3_bind_int64(st, 1, q->campaign_id);
	sqlite3_bind_int64(st, 2, q->after_number);
	sqlite3_bind_int64(st, 3, q->limit > 0 ? q->limit : -1);
	if (q->status >= 0)
		bind_text(
		    st, 4, cs_nft_status_name((enum cs_nft_status)q->status));
	return walk_nfts(c, st, cb, payload, err);
}

struct local_walk {
	cs_local_nft_cb cb;
	void *payload;
};

/* A row of N_LIST_LOCAL, its strings SQLite's own until the next step. */
static int
each_local(
    sqlite3_stmt *st, struct cs_arena *a, void *payload, struct cs_error *err)
{
	struct local_walk *w = payload;
	struct cs_local_nft l;

	(void)a;
	l.id = sqlite3_column_int64(st, 0);
	l.uid = (const char *)sqlite3_column_text(st, 1);
	l.name = (const char *)sqlite3_column_text(st, 2);
	l.version = sqlite3_column_int64(st, 4);
	l.reserved_until = sqlite3_column_int64(st, 5);
	l.last_modified_at = sqlite3_column_int64(st, 6);
	l.has_asset_id = sqlite3_column_int(st, 8) != 0;
	if (cs_nft_status_parse(
	        (const char *)sqlite3_column_text(st, 3), &l.status) < 0 ||
	    cs_source_parse((const char *)sqlite3_column_text(st, 7),
	        &l.last_modified_by) < 0)
		return cs_error_set(err, CS_EDB,
		    "NFT %lld has a bad status or source", (long long)l.id);
	return w->cb(&l, w->payload);
}

int
cs_sqlite__nft_local_list(struct cs_store_conn *c, int64_t campaign_id,
    cs_local_nft_cb cb, void *payload, struct cs_error *err)
{
	struct local_walk w = {cb, payload};
	sqlite3_stmt *st;
	int error;

	error = cs_sqlite__stmt(c, N_LIST_LOCAL, &st, err);
	if (error < 0)
		return error;
	sqlite3_bind_int64(st, 1, campaign_id);
	return cs_sqlite__walk_rows(c, st, each_local, &w, err);
}

int
cs_sqlite__nft_search(struct cs_store_conn *c, const struct cs_nft_query *q,
    const struct cs_search_terms *t, cs_nft_cb cb, void *payload,
    struct cs_error *err)
{
	sqlite3_stmt *st;
	int error;

	error = cs_sqlite__stmt(c, N_SEARCH, &st, err);
	if (error < 0)
		return error;
	sqlite3_bind_int64(st, 1, q->campaign_id);
	sqlite3_bind_int64(st, 2, q->after_number);
	sqlite3_bind_int64(st, 3, q->limit > 0 ? q->limit : -1);
	bind_text(st, 4,
	    q->status >= 0 ? cs_nft_status_name((enum cs_nft_status)q->status)
	                   : "");
	bind_text(st, 5, t->uid_prefix);
	bind_text(st, 6, t->name_like);
	sqlite3_bind_int64(st, 7, t->number);
	bind_text(st, 8, t->exact);
	return walk_nfts(c, st, cb, payload, err);
}

int
cs_sqlite__nft_counts(struct cs_store_conn *c, int64_t campaign_id,
    struct cs_counts *out, struct cs_error *err)
{
	enum cs_nft_status s;
	sqlite3_stmt *st;
	int error, rc;

	memset(out, 0, sizeof(*out));
	error = cs_sqlite__stmt(c, N_COUNTS, &st, err);
	if (error < 0)
		return error;
	sqlite3_bind_int64(st, 1, campaign_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (cs_nft_status_parse(
		        (const char *)sqlite3_column_text(st, 0), &s) < 0)
			continue;
		cs_counts_add(out, s, sqlite3_column_int64(st, 1));
	}
	done(st);
	if (rc != SQLITE_DONE)
		return cs_sqlite__db_error(c, rc, err);
	return 0;
}

int
cs_sqlite__nft_max_number(struct cs_store_conn *c, int64_t campaign_id,
    int64_t *out, struct cs_error *err)
{
	sqlite3_stmt *st;
	int error, rc;

	error = cs_sqlite__stmt(c, N_MAX, &st, err);
	if (error < 0)
		return error;
	sqlite3_bind_int64(st, 1, campaign_id);
	rc = sqlite3_step(st);
	*out = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	done(st);
	return rc == SQLITE_ROW ? 0 : cs_sqlite__db_error(c, rc, err);
}

int
cs_sqlite__nft_update(struct cs_store_conn *c, const struct cs_nft *n,
    int64_t expected_version, struct cs_error *err)
{
	sqlite3_stmt *st;
	int error;

	error = cs_sqlite__stmt(c, N_UPDATE, &st, err);
	if (error < 0)
		return error;
	sqlite3_bind_int64(st, 1, n->id);
	sqlite3_bind_int64(st, 2, expected_version);
	bind_text(st, 3, cs_nft_status_name(n->status));
	bind_text(st, 4, n->reserved_by);
	bind_opt(st, 5, n->reserved_until);
	bind_text(st, 6, n->sold_to);
	bind_text(st, 7, n->tx_hash);
	bind_opt(st, 8, n->sold_at);
	sqlite3_bind_int64(st, 9, n->last_modified_at);
	bind_text(st, 10, cs_source_name(n->last_modified_by));
	bind_opt(st, 11, n->last_synced_at);
	sqlite3_bind_int64(st, 12, n->version);
	bind_text(st, 13, n->claimed_by);
	bind_text(st, 14, n->sold_at_raw);
	error = cs_sqlite__exec_one(c, st, err);
	if (error == CS_ENOTFOUND)
		return cs_error_set(err, CS_ECONFLICT,
		    "NFT %lld changed under us (version %lld moved on)",
		    (long long)n->id, (long long)expected_version);
	return error;
}

int
cs_sqlite__nft_set_payment_url(
    struct cs_store_conn *c, int64_t id, const char *url, struct cs_error *err)
{
	sqlite3_stmt *st;
	int error;

	error = cs_sqlite__stmt(c, N_SET_URL, &st, err);
	if (error < 0)
		return error;
	sqlite3_bind_int64(st, 1, id);
	bind_text(st, 2, url);
	return cs_sqlite__exec_one(c, st, err);
}

int
cs_sqlite__nft_set_asset_id(struct cs_store_conn *c, int64_t id,
    const char *asset_id, struct cs_error *err)
{
	sqlite3_stmt *st;
	int error;

	error = cs_sqlite__stmt(c, N_SET_ASSET, &st, err);
	if (error < 0)
		return error;
	sqlite3_bind_int64(st, 1, id);
	bind_text(st, 2, asset_id);
	return cs_sqlite__exec_one(c, st, err);
}

int
cs_sqlite__nft_pick_available(struct cs_store_conn *c, int64_t campaign_id,
    struct cs_nft *out, struct cs_arena *arena, struct cs_error *err)
{
	sqlite3_stmt *st;
	int error;

	error = cs_sqlite__stmt(c, N_PICK, &st, err);
	if (error < 0)
		return error;
	sqlite3_bind_int64(st, 1, campaign_id);
	error = cs_sqlite__get_row(c, st, read_nft, out, arena, err);
	if (error == CS_ENOTFOUND)
		error = cs_error_set(err, CS_ENOTFOUND, "no available NFT");
	if (error < 0 && arena == NULL)
		cs_nft_dispose(out);
	return error;
}

int
cs_sqlite__nft_wallet_count(struct cs_store_conn *c, int64_t campaign_id,
    const char *wallet, int64_t now, int64_t *out, struct cs_error *err)
{
	sqlite3_stmt *st;
	int error, rc;

	error = cs_sqlite__stmt(c, N_WALLET, &st, err);
	if (error < 0)
		return error;
	sqlite3_bind_int64(st, 1, campaign_id);
	bind_text(st, 2, wallet);
	sqlite3_bind_int64(st, 3, now);
	rc = sqlite3_step(st);
	*out = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	done(st);
	return rc == SQLITE_ROW ? 0 : cs_sqlite__db_error(c, rc, err);
}

int
cs_sqlite__nft_expired(struct cs_store_conn *c, int64_t now, int64_t limit,
    cs_nft_cb cb, void *payload, struct cs_error *err)
{
	sqlite3_stmt *st;
	int error;

	error = cs_sqlite__stmt(c, N_EXPIRED, &st, err);
	if (error < 0)
		return error;
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_int64(st, 2, limit > 0 ? limit : -1);
	return walk_nfts(c, st, cb, payload, err);
}

int
cs_sqlite__chain_candidates(struct cs_store_conn *c, int64_t campaign_id,
    int64_t limit, cs_nft_cb cb, void *payload, struct cs_error *err)
{
	sqlite3_stmt *st;
	int error;

	error = cs_sqlite__stmt(c, N_CANDIDATES, &st, err);
	if (error < 0)
		return error;
	sqlite3_bind_int64(st, 1, campaign_id);
	sqlite3_bind_int64(st, 2, limit > 0 ? limit : -1);
	return walk_nfts(c, st, cb, payload, err);
}

/* ---- History ---------------------------------------------------------- */

int
cs_sqlite__history_insert(
    struct cs_store_conn *c, struct cs_history *io, struct cs_error *err)
{
	sqlite3_stmt *st;
	int error;

	error = cs_sqlite__stmt(c, H_INSERT, &st, err);
	if (error < 0)
		return error;
	sqlite3_bind_int64(st, 1, io->nft_id);
	sqlite3_bind_int64(st, 2, io->campaign_id);
	bind_text(st, 3, cs_nft_status_name(io->old_status));
	bind_text(st, 4, cs_nft_status_name(io->new_status));
	bind_text(st, 5, cs_source_name(io->source));
	sqlite3_bind_int64(st, 6, io->changed_at);
	bind_opt(st, 7, io->sync_log_id);
	bind_opt(st, 8, io->webhook_event_id);
	bind_text(st, 9, io->detail);
	error = cs_sqlite__exec_stmt(c, st, err);
	if (error < 0)
		return error;
	io->id = sqlite3_last_insert_rowid(c->db);
	return 0;
}

struct history_walk {
	cs_history_cb cb;
	void *payload;
};

static int
each_history(
    sqlite3_stmt *st, struct cs_arena *a, void *payload, struct cs_error *err)
{
	struct history_walk *w = payload;
	struct cs_history h;

	memset(&h, 0, sizeof(h));
	h.id = sqlite3_column_int64(st, 0);
	h.nft_id = sqlite3_column_int64(st, 1);
	h.campaign_id = sqlite3_column_int64(st, 2);
	if (cs_nft_status_parse(
	        (const char *)sqlite3_column_text(st, 3), &h.old_status) < 0 ||
	    cs_nft_status_parse(
	        (const char *)sqlite3_column_text(st, 4), &h.new_status) < 0 ||
	    cs_source_parse(
	        (const char *)sqlite3_column_text(st, 5), &h.source) < 0)
		return cs_error_set(err, CS_EDB,
		    "history row %lld is malformed", (long long)h.id);
	h.changed_at = sqlite3_column_int64(st, 6);
	h.sync_log_id = sqlite3_column_int64(st, 7);
	h.webhook_event_id = sqlite3_column_int64(st, 8);
	h.detail = col_text(st, 9, a);
	return w->cb(&h, w->payload);
}

int
cs_sqlite__history_list(struct cs_store_conn *c,
    const struct cs_history_query *q, cs_history_cb cb, void *payload,
    struct cs_error *err)
{
	struct history_walk w = {cb, payload};
	sqlite3_stmt *st;
	int error;

	error = cs_sqlite__stmt(c, H_LIST, &st, err);
	if (error < 0)
		return error;
	sqlite3_bind_int64(st, 1, q->nft_id);
	sqlite3_bind_int64(st, 2, q->campaign_id);
	sqlite3_bind_int64(st, 3, q->sync_log_id);
	sqlite3_bind_int64(st, 4, q->limit > 0 ? q->limit : -1);
	return cs_sqlite__walk_rows(c, st, each_history, &w, err);
}
