/* SPDX-License-Identifier: MIT */
/* The PostgreSQL backend: NFTs and their history. */
#include "store/pg/internal.h"

#include <string.h>

#include "util/buf.h"
#include "util/limits.h"
#include "util/log.h"
#include "util/str.h"
#include "util/time.h"
#include "util/xalloc.h"
#include "util/banned.h"

/* ---- NFTs ------------------------------------------------------------- */

int
cs_pg__read_nft(const struct row *r, void *dst, struct cs_error *err)
{
	struct cs_nft *out = dst;

	memset(out, 0, sizeof(*out));
	out->id = col_i64(r, 0);
	if (cs_nft_status_parse(col_raw(r, 5), &out->status) < 0 ||
	    cs_source_parse(col_raw(r, 12), &out->last_modified_by) < 0)
		return cs_error_set(err, CS_EDB,
		    "NFT %lld has a bad status or source", (long long)out->id);
	out->campaign_id = col_i64(r, 1);
	out->nft_uid = col_text(r, 2);
	out->nft_number = col_i64(r, 3);
	out->name = col_text(r, 4);
	out->project_uid = col_text(r, 6);
	out->payment_url = col_text(r, 7);
	out->image_url = col_text(r, 8);
	out->asset_id = col_text(r, 9);
	out->created_at = col_i64(r, 10);
	out->last_modified_at = col_i64(r, 11);
	out->last_synced_at = col_i64(r, 13);
	out->version = col_i64(r, 14);
	out->reserved_by = col_text(r, 15);
	out->reserved_until = col_i64(r, 16);
	out->sold_to = col_text(r, 17);
	out->tx_hash = col_text(r, 18);
	out->sold_at = col_i64(r, 19);
	out->claimed_by = col_text(r, 20);
	out->sold_at_raw = col_text(r, 21);
	return 0;
}

/* Read the one NFT a query returns into out (CS_ENOTFOUND: no row). */
static int
get_nft(struct cs_store_conn *c, enum stmt_id id, const struct params *p,
    struct cs_nft *out, struct cs_arena *arena, const char *what,
    struct cs_error *err)
{
	int error;

	error = cs_pg__get_row(c, id, p, cs_pg__read_nft, out, arena, err);
	if (error == CS_ENOTFOUND)
		error = cs_error_set(err, CS_ENOTFOUND, "%s", what);
	if (error < 0 && arena == NULL)
		cs_nft_dispose(out);
	return error;
}

int
cs_pg__nft_insert(
    struct cs_store_conn *c, struct cs_nft *io, struct cs_error *err)
{
	struct params p = {0};

	p_int(&p, io->campaign_id);
	p_text(&p, io->nft_uid);
	p_int(&p, io->nft_number);
	p_text(&p, io->name);
	p_text(&p, cs_nft_status_name(io->status));
	p_text(&p, io->project_uid);
	p_text(&p, io->payment_url);
	p_text(&p, io->image_url);
	p_text(&p, io->asset_id);
	p_int(&p, io->created_at);
	p_int(&p, io->last_modified_at);
	p_text(&p, cs_source_name(io->last_modified_by));
	p_opt(&p, io->last_synced_at);
	p_int(&p, io->version);
	p_text(&p, io->reserved_by);
	p_opt(&p, io->reserved_until);
	p_text(&p, io->sold_to);
	p_text(&p, io->tx_hash);
	p_opt(&p, io->sold_at);
	p_text(&p, io->claimed_by);
	p_text(&p, io->sold_at_raw);
	return cs_pg__exec_insert(c, N_INSERT, &p, &io->id, err);
}

/*
 * Inside a transaction the row is locked until it ends: store/nft.c reads an
 * NFT, then writes it compare-and-set on the version it read. SQLite's write
 * transaction keeps others out in between; here, without the lock, a writer
 * committing in between would make a change that checks no version fail
 * with CS_ECONFLICT.
 */
int
cs_pg__nft_get(struct cs_store_conn *c, int64_t id, const char *uid,
    struct cs_nft *out, struct cs_arena *arena, struct cs_error *err)
{
	struct params p = {0};
	char what[CS_ERROR_MSG_LEN];
	bool lock = cs_pg__in_transaction(c);
	enum stmt_id which;

	if (id != 0) {
		p_int(&p, id);
		snprintf(what, sizeof(what), "no NFT %lld", (long long)id);
	} else {
		p_text(&p, uid);
		snprintf(
		    what, sizeof(what), "no NFT '%s'", uid != NULL ? uid : "");
	}
	if (id != 0)
		which = lock ? N_GET_ID_LOCK : N_GET_ID;
	else
		which = lock ? N_GET_UID_LOCK : N_GET_UID;
	return get_nft(c, which, &p, out, arena, what, err);
}

struct nft_walk {
	cs_nft_cb cb;
	void *payload;
	int64_t *last_number;
};

static int
each_nft(const struct row *r, void *payload, struct cs_error *err)
{
	struct nft_walk *w = payload;
	struct cs_nft n;
	int error;

	error = cs_pg__read_nft(r, &n, err);
	if (error == 0 && w->last_number != NULL)
		*w->last_number = n.nft_number;
	return error != 0 ? error : w->cb(&n, w->payload);
}

/* Hand each row of an NFT query to cb; *rows and *last_number (when not
 * NULL) say how many rows the query gave and the number of the last one
 * handed out. */
static int
walk_nfts(struct cs_store_conn *c, enum stmt_id id, const struct params *p,
    cs_nft_cb cb, void *payload, int *rows, int64_t *last_number,
    struct cs_error *err)
{
	struct nft_walk w = {cb, payload, last_number};

	return cs_pg__walk_rows(c, id, p, each_nft, &w, rows, err);
}

struct list_ctx {
	const struct cs_nft_query *q;
	cs_nft_cb cb;
	void *payload;
};

static int
list_page(struct cs_store_conn *c, void *ctx, int64_t after, int64_t want,
    int *rows, int64_t *last, struct cs_error *err)
{
	struct list_ctx *l = ctx;
	struct params p = {0};

	p_int(&p, l->q->campaign_id);
	p_int(&p, after);
	p_int(&p, want);
	if (l->q->status >= 0)
		p_text(
		    &p, cs_nft_status_name((enum cs_nft_status)l->q->status));
	return walk_nfts(c, l->q->status >= 0 ? N_LIST_STATUS : N_LIST_ALL, &p,
	    l->cb, l->payload, rows, last, err);
}

int
cs_pg__nft_list(struct cs_store_conn *c, const struct cs_nft_query *q,
    cs_nft_cb cb, void *payload, struct cs_error *err)
{
	struct list_ctx l = {q, cb, payload};

	return cs_pg__walk_pages(
	    c, q->after_number, q->limit, list_page, &l, err);
}

struct local_ctx {
	int64_t campaign_id;
	cs_local_nft_cb cb;
	void *payload;
	int64_t *last; /* the page's */
};

/* A row of N_LIST_LOCAL, its strings the result's. */
static int
each_local(const struct row *r, void *payload, struct cs_error *err)
{
	struct local_ctx *l = payload;
	struct cs_local_nft n;

	n.id = col_i64(r, 0);
	n.uid = col_raw(r, 1);
	n.name = col_raw(r, 2);
	n.version = col_i64(r, 4);
	n.reserved_until = col_i64(r, 5);
	n.last_modified_at = col_i64(r, 6);
	n.has_asset_id = col_bool(r, 8);
	*l->last = col_i64(r, 9);
	if (cs_nft_status_parse(col_raw(r, 3), &n.status) < 0 ||
	    cs_source_parse(col_raw(r, 7), &n.last_modified_by) < 0)
		return cs_error_set(err, CS_EDB,
		    "NFT %lld has a bad status or source", (long long)n.id);
	return l->cb(&n, l->payload);
}

static int
local_page(struct cs_store_conn *c, void *ctx, int64_t after, int64_t want,
    int *rows, int64_t *last, struct cs_error *err)
{
	struct local_ctx *l = ctx;
	struct params p = {0};

	l->last = last;
	p_int(&p, l->campaign_id);
	p_int(&p, after);
	p_int(&p, want);
	return cs_pg__walk_rows(c, N_LIST_LOCAL, &p, each_local, l, rows, err);
}

int
cs_pg__nft_local_list(struct cs_store_conn *c, int64_t campaign_id,
    cs_local_nft_cb cb, void *payload, struct cs_error *err)
{
	struct local_ctx l = {campaign_id, cb, payload, NULL};

	return cs_pg__walk_pages(c, 0, 0, local_page, &l, err);
}

/* A search's rows come in one query: the API and the page ask for a page
 * of at most CS_API_PAGE_MAX; `inventory list --search` for all of them,
 * which a search keeps few. */
int
cs_pg__nft_search(struct cs_store_conn *c, const struct cs_nft_query *q,
    const struct cs_search_terms *t, cs_nft_cb cb, void *payload,
    struct cs_error *err)
{
	struct params p = {0};
	int rows = 0;

	p_int(&p, q->campaign_id);
	p_int(&p, q->after_number);
	if (q->limit > 0)
		p_int(&p, q->limit);
	else
		p_null(&p); /* LIMIT NULL: no limit */
	p_text(&p, q->status >= 0
	               ? cs_nft_status_name((enum cs_nft_status)q->status)
	               : "");
	p_text(&p, t->uid_prefix);
	p_text(&p, t->name_like);
	p_int(&p, t->number);
	p_text(&p, t->exact);
	return walk_nfts(c, N_SEARCH, &p, cb, payload, &rows, NULL, err);
}

int
cs_pg__nft_counts(struct cs_store_conn *c, int64_t campaign_id,
    struct cs_counts *out, struct cs_error *err)
{
	struct row r = {NULL, 0, NULL, false};
	struct params p = {0};
	enum cs_nft_status s;
	PGresult *res;
	int error, n;

	memset(out, 0, sizeof(*out));
	p_int(&p, campaign_id);
	error = cs_pg__run(c, N_COUNTS, &p, &res, err);
	if (error < 0)
		return error;
	r.res = res;
	n = PQntuples(res);
	for (r.i = 0; r.i < n; r.i++) {
		if (cs_nft_status_parse(col_raw(&r, 0), &s) < 0)
			continue;
		cs_counts_add(out, s, col_i64(&r, 1));
	}
	PQclear(res);
	return 0;
}

int
cs_pg__nft_max_number(struct cs_store_conn *c, int64_t campaign_id,
    int64_t *out, struct cs_error *err)
{
	struct params p = {0};

	p_int(&p, campaign_id);
	return cs_pg__query_i64(c, N_MAX, &p, out, err);
}

/* The parameters of N_UPDATE, and the first 14 columns of N_WRITE_MANY. */
void
cs_pg__update_params(
    struct params *p, const struct cs_nft *n, int64_t expected_version)
{
	p_int(p, n->id);
	p_int(p, expected_version);
	p_text(p, cs_nft_status_name(n->status));
	p_text(p, n->reserved_by);
	p_opt(p, n->reserved_until);
	p_text(p, n->sold_to);
	p_text(p, n->tx_hash);
	p_opt(p, n->sold_at);
	p_int(p, n->last_modified_at);
	p_text(p, cs_source_name(n->last_modified_by));
	p_opt(p, n->last_synced_at);
	p_int(p, n->version);
	p_text(p, n->claimed_by);
	p_text(p, n->sold_at_raw);
}

/* The parameters of H_INSERT, and the last 9 columns of N_WRITE_MANY. */
void
cs_pg__history_params(struct params *p, const struct cs_history *h)
{
	p_int(p, h->nft_id);
	p_int(p, h->campaign_id);
	p_text(p, cs_nft_status_name(h->old_status));
	p_text(p, cs_nft_status_name(h->new_status));
	p_text(p, cs_source_name(h->source));
	p_int(p, h->changed_at);
	p_opt(p, h->sync_log_id);
	p_opt(p, h->webhook_event_id);
	p_text(p, h->detail);
}

int
cs_pg__nft_update(struct cs_store_conn *c, const struct cs_nft *n,
    int64_t expected_version, struct cs_error *err)
{
	struct params p = {0};
	int error;

	cs_pg__update_params(&p, n, expected_version);
	error = cs_pg__exec_one(c, N_UPDATE, &p, err);
	if (error == CS_ENOTFOUND)
		return cs_error_set(err, CS_ECONFLICT,
		    "NFT %lld changed under us (version %lld moved on)",
		    (long long)n->id, (long long)expected_version);
	return error;
}

int
cs_pg__nft_set_payment_url(
    struct cs_store_conn *c, int64_t id, const char *url, struct cs_error *err)
{
	struct params p = {0};

	p_int(&p, id);
	p_text(&p, url);
	return cs_pg__exec_one(c, N_SET_URL, &p, err);
}

int
cs_pg__nft_set_asset_id(struct cs_store_conn *c, int64_t id,
    const char *asset_id, struct cs_error *err)
{
	struct params p = {0};

	p_int(&p, id);
	p_text(&p, asset_id);
	return cs_pg__exec_one(c, N_SET_ASSET, &p, err);
}

int
cs_pg__nft_pick_available(struct cs_store_conn *c, int64_t campaign_id,
    struct cs_nft *out, struct cs_arena *arena, struct cs_error *err)
{
	struct params p = {0};

	p_int(&p, campaign_id);
	return get_nft(c, N_PICK, &p, out, arena, "no available NFT", err);
}

int
cs_pg__nft_wallet_count(struct cs_store_conn *c, int64_t campaign_id,
    const char *wallet, int64_t now, int64_t *out, struct cs_error *err)
{
	struct params p = {0};

	p_int(&p, campaign_id);
	p_text(&p, wallet);
	p_int(&p, now);
	return cs_pg__query_i64(c, N_WALLET, &p, out, err);
}

int
cs_pg__nft_expired(struct cs_store_conn *c, int64_t now, int64_t limit,
    cs_nft_cb cb, void *payload, struct cs_error *err)
{
	struct params p = {0};

	p_int(&p, now);
	p_limit(&p, limit);
	return walk_nfts(c, N_EXPIRED, &p, cb, payload, NULL, NULL, err);
}

int
cs_pg__chain_candidates(struct cs_store_conn *c, int64_t campaign_id,
    int64_t limit, cs_nft_cb cb, void *payload, struct cs_error *err)
{
	struct params p = {0};

	p_int(&p, campaign_id);
	p_limit(&p, limit);
	return walk_nfts(c, N_CANDIDATES, &p, cb, payload, NULL, NULL, err);
}

/* ---- History ---------------------------------------------------------- */

int
cs_pg__history_insert(
    struct cs_store_conn *c, struct cs_history *io, struct cs_error *err)
{
	struct params p = {0};

	cs_pg__history_params(&p, io);
	return cs_pg__exec_insert(c, H_INSERT, &p, &io->id, err);
}

struct history_walk {
	cs_history_cb cb;
	void *payload;
};

static int
each_history(const struct row *r, void *payload, struct cs_error *err)
{
	struct history_walk *w = payload;
	struct cs_history h;

	memset(&h, 0, sizeof(h));
	h.id = col_i64(r, 0);
	if (cs_nft_status_parse(col_raw(r, 3), &h.old_status) < 0 ||
	    cs_nft_status_parse(col_raw(r, 4), &h.new_status) < 0 ||
	    cs_source_parse(col_raw(r, 5), &h.source) < 0)
		return cs_error_set(err, CS_EDB,
		    "history row %lld is malformed", (long long)h.id);
	h.nft_id = col_i64(r, 1);
	h.campaign_id = col_i64(r, 2);
	h.changed_at = col_i64(r, 6);
	h.sync_log_id = col_i64(r, 7);
	h.webhook_event_id = col_i64(r, 8);
	h.detail = col_text(r, 9);
	return w->cb(&h, w->payload);
}

int
cs_pg__history_list(struct cs_store_conn *c, const struct cs_history_query *q,
    cs_history_cb cb, void *payload, struct cs_error *err)
{
	struct history_walk w = {cb, payload};
	struct params p = {0};

	p_int(&p, q->nft_id);
	p_int(&p, q->campaign_id);
	p_int(&p, q->sync_log_id);
	p_limit(&p, q->limit);
	return cs_pg__walk_rows(c, H_LIST, &p, each_history, &w, NULL, err);
}
