/* SPDX-License-Identifier: MIT */
/*
 * The sync's one transaction (its log row, every change in batches, review
 * items, asset ids, recounted counters), the history and the review queue.
 */
#include "store/store.h"

#include <stdlib.h>
#include <string.h>

#include "store/backend.h"
#include "store/internal.h"
#include "util/limits.h"
#include "util/log.h"
#include "util/str.h"
#include "util/xalloc.h"
#include "util/banned.h"

WALK_SHIM(sync_log, struct cs_sync_log, cs_sync_log_cb)
WALK_SHIM(history, struct cs_history, cs_history_cb)
WALK_SHIM(review, struct cs_review_item, cs_review_cb)

/* ---- Sync ------------------------------------------------------------- */

struct sync_apply_args {
	struct cs_sync_apply *apply;
	int64_t now;
};

struct id_at {
	int64_t id;
	size_t at;
};

static int
cmp_id_at(const void *a, const void *b)
{
	const struct id_at *p = a, *q = b;

	if (p->id != q->id)
		return (p->id > q->id) - (p->id < q->id);
	return (p->at > q->at) - (p->at < q->at);
}

/*
 * How many changes from `from` on make one batch: those that name their NFT
 * by id, at most CS_STORE_BATCH_MAX, and none twice (a second change of an NFT
 * must see the first one written, so it starts the next batch). 0 when the
 * change at `from` names its NFT by uid.
 */
static size_t
batch_extent(const struct cs_nft_change *changes, size_t nchanges, size_t from)
{
	struct id_at *v;
	size_t n = 0, i, end;

	while (n < CS_STORE_BATCH_MAX && from + n < nchanges &&
	       changes[from + n].nft_id != 0)
		n++;
	if (n < 2)
		return n;
	v = cs_xcalloc(n, sizeof(*v));
	for (i = 0; i < n; i++) {
		v[i].id = changes[from + i].nft_id;
		v[i].at = i;
	}
	qsort(v, n, sizeof(*v), cmp_id_at);
	end = n;
	for (i = 1; i < n; i++) {
		if (v[i].id == v[i - 1].id && v[i].at < end)
			end = v[i].at;
	}
	free(v);
	return end;
}

/* The arrays of one batch. */
struct batch {
	int64_t *ids;
	struct cs_nft *cur, *next;
	struct cs_history *hist;
	struct cs_nft_write *writes;
	size_t *at; /* the batch index of each write */
	size_t nwrites;
};

static void
batch_init(struct batch *b, size_t n)
{
	b->ids = cs_xcalloc(n, sizeof(*b->ids));
	b->cur = cs_xcalloc(n, sizeof(*b->cur));
	b->next = cs_xcalloc(n, sizeof(*b->next));
	b->hist = cs_xcalloc(n, sizeof(*b->hist));
	b->writes = cs_xcalloc(n, sizeof(*b->writes));
	b->at = cs_xcalloc(n, sizeof(*b->at));
	b->nwrites = 0;
}

static void
batch_dispose(struct batch *b)
{
	free(b->ids);
	free(b->cur);
	free(b->next);
	free(b->hist);
	free(b->writes);
	free(b->at);
}

/* Plan each change of the batch on its row, as cs_store__apply_change() does,
 * and queue the writes. */
static void
batch_plan(struct sync_apply_args *a, size_t from, size_t n, struct batch *b)
{
	struct cs_sync_apply *ap = a->apply;
	struct cs_error rowerr = CS_ERROR_INIT;
	enum cs_apply_result r;
	size_t i;
	int rc;

	for (i = 0; i < n; i++) {
		struct cs_nft_change ch = ap->changes[from + i];

		ch.sync_log_id = ap->log.id;
		if (b->cur[i].id == 0)
			r = cs_store__not_found(&ch, &rowerr, &rc);
		else
			r = cs_store__change_plan(&ch, &b->cur[i], a->now,
			    &b->next[i], &b->hist[i], &rowerr, &rc);
		ap->results[from + i] = r;
		if (r != CS_APPLY_OK)
			continue;
		b->writes[b->nwrites].next = &b->next[i];
		b->writes[b->nwrites].expected_version = b->cur[i].version;
		b->writes[b->nwrites].history = &b->hist[i];
		b->at[b->nwrites++] = i;
	}
}

/*
 * Changes from..from+n of the sync through the backend's nft_get_many and
 * nft_write_many: their rows read (and locked) in one go, each change
 * planned as cs_store__apply_change() plans it, the writes sent together. As in
 * apply_changes() without isolate, a refusal sets *failed; CS_EAGAIN (a
 * lost connection, a deadlock) is returned for the transaction to run
 * again.
 */
static int
apply_batch(struct tx *tx, struct sync_apply_args *a, size_t from, size_t n,
    struct cs_arena *arena, bool *failed, struct cs_error *err)
{
	struct cs_sync_apply *ap = a->apply;
	const struct cs_store_ops *ops = tx->s->ops;
	struct cs_error rowerr = CS_ERROR_INIT;
	struct batch b;
	size_t i, done = 0;
	int error;

	batch_init(&b, n);
	for (i = 0; i < n; i++)
		b.ids[i] = ap->changes[from + i].nft_id;
	error = ops->nft_get_many(tx->s->conn, b.ids, n, b.cur, arena, &rowerr);
	if (error < 0)
		goto out;
	batch_plan(a, from, n, &b);
	if (b.nwrites > 0)
		error = ops->nft_write_many(
		    tx->s->conn, b.writes, b.nwrites, &done, &rowerr);
	for (i = 0; i < done; i++) {
		if (b.writes[i].result == 0)
			cs_store__change_written(
			    tx, &b.cur[b.at[i]], &b.next[b.at[i]]);
		else
			ap->results[from + b.at[i]] = CS_APPLY_CONFLICT;
	}
out:
	if (error == CS_EAGAIN) {
		*err = rowerr;
	} else if (error < 0) {
		/* The pass is redone one change at a time, each in its
		 * savepoint, which finds and records the refused row. */
		cs_log_debug("store", "sync batch of %zu changes: %s", n,
		    cs_error_msg(&rowerr));
		*failed = true;
		error = 0;
	}
	batch_dispose(&b);
	return error;
}

/* Change i of the sync alone; with isolate, in its own savepoint. */
static int
apply_one(struct tx *tx, struct sync_apply_args *a, size_t i, bool isolate,
    bool *failed, struct cs_error *err)
{
	struct cs_sync_apply *ap = a->apply;
	const struct cs_store_ops *ops = tx->s->ops;
	struct cs_error rowerr = CS_ERROR_INIT;
	struct cs_nft_change ch = ap->changes[i];
	int error, rc;

	ch.sync_log_id = ap->log.id;
	if (isolate) {
		error = ops->savepoint(tx->s->conn, err);
		if (error < 0)
			return error;
	}
	ap->results[i] =
	    cs_store__apply_change(tx, &ch, a->now, NULL, &rowerr, &rc);
	if (ap->results[i] == CS_APPLY_FAILED) {
		if (rc == CS_EAGAIN) {
			*err = rowerr;
			return rc;
		}
		*failed = true;
		if (!isolate)
			return 0;
		cs_log_warn("store", "sync change of NFT %lld: %s",
		    (long long)ch.nft_id, cs_error_msg(&rowerr));
		return ops->rollback_to(tx->s->conn, err);
	}
	return isolate ? ops->release(tx->s->conn, err) : 0;
}

/*
 * The sync's changes. With isolate, each runs in a savepoint: a change the
 * database refuses is rolled back alone and recorded. Without it, the first
 * refusal stops the pass and sets *failed, for the caller to redo it; the
 * changes then go in batches where the backend offers nft_get_many and
 * nft_write_many.
 */
static int
apply_changes(struct tx *tx, struct sync_apply_args *a, bool isolate,
    bool *failed, struct cs_error *err)
{
	struct cs_sync_apply *ap = a->apply;
	const struct cs_store_ops *ops = tx->s->ops;
	bool batched = !isolate && ops->nft_get_many != NULL &&
	               ops->nft_write_many != NULL;
	struct cs_arena arena;
	size_t i = 0, n;
	int error = 0;

	*failed = false;
	cs_arena_init(&arena);
	while (i < ap->nchanges && error == 0 && (isolate || !*failed)) {
		n = batched ? batch_extent(ap->changes, ap->nchanges, i) : 0;
		if (n > 0) {
			error = apply_batch(tx, a, i, n, &arena, failed, err);
			cs_arena_reset(&arena);
			i += n;
		} else {
			error = apply_one(tx, a, i, isolate, failed, err);
			i++;
		}
	}
	cs_arena_dispose(&arena);
	return error;
}

static int
sync_apply_tx(struct tx *tx, void *payload, struct cs_error *err)
{
	struct sync_apply_args *a = payload;
	struct cs_sync_apply *ap = a->apply;
	const struct cs_store_ops *ops = tx->s->ops;
	struct cs_campaign camp;
	bool failed = false;
	size_t i;
	int error;

	ap->reviews_added = 0;
	ap->log.id = 0;
	error = ops->sync_log_insert(tx->s->conn, &ap->log, err);
	if (error < 0)
		return error;
	/* Optimistically, without a savepoint per change (a change rarely
	 * fails); if one does, undo the pass and redo it with one savepoint
	 * per change, so the failed row is recorded and the rest go on. */
	error = ops->savepoint(tx->s->conn, err);
	if (error == 0)
		error = apply_changes(tx, a, false, &failed, err);
	if (error < 0)
		return error;
	if (failed) {
		error = ops->rollback_to(tx->s->conn, err);
		if (error == 0)
			error = apply_changes(tx, a, true, &failed, err);
	} else {
		error = ops->release(tx->s->conn, err);
	}
	if (error < 0)
		return error;
	for (i = 0; i < ap->nreviews; i++) {
		const struct cs_review_new *rn = &ap->reviews[i];
		struct cs_review_item r;
		int64_t id;

		memset(&r, 0, sizeof(r));
		r.campaign_id = ap->campaign_id;
		r.nft_id = rn->nft_id;
		r.kind = CS_UNCONST(rn->kind);
		r.local_status = rn->local_status;
		r.remote_state = CS_UNCONST(rn->remote_state);
		r.detail = CS_UNCONST(rn->detail);
		r.created_at = a->now;
		r.sync_log_id = ap->log.id;
		error = ops->review_insert(tx->s->conn, &r, &id, err);
		if (error == CS_ECONFLICT)
			continue; /* already open */
		if (error < 0)
			return error;
		ap->reviews_added++;
	}
	for (i = 0; i < ap->nassets; i++) {
		error = ops->nft_set_asset_id(tx->s->conn, ap->assets[i].nft_id,
		    ap->assets[i].asset_id, err);
		if (error < 0 && error != CS_ENOTFOUND)
			return error;
	}
	/* Deltas are superseded by the recount below. Lock the campaign
	 * first: a writer committing between the count and the write would
	 * otherwise be lost from the counters (where rows lock, PostgreSQL). */
	tx->deltas.len = 0;
	memset(&camp, 0, sizeof(camp));
	error =
	    ops->campaign_get(tx->s->conn, ap->campaign_id, true, &camp, err);
	cs_campaign_dispose(&camp);
	if (error < 0)
		return error;
	error = ops->nft_counts(tx->s->conn, ap->campaign_id, &ap->counts, err);
	if (error < 0)
		return error;
	return ops->campaign_set_counts(
	    tx->s->conn, ap->campaign_id, &ap->counts, a->now, err);
}

int
cs_store_sync_apply(struct cs_store *store, struct cs_sync_apply *apply,
    int64_t now, struct cs_error *err)
{
	struct sync_apply_args a = {apply, now};
	size_t i;
	int error;

	for (i = 0; i < apply->nchanges; i++) {
		error = cs_store__validate_change(&apply->changes[i], err);
		if (error < 0)
			return error;
	}
	return cs_store__run_tx(store, true, now, sync_apply_tx, &a, err);
}

int
cs_store_sync_log_insert(
    struct cs_store *store, struct cs_sync_log *l, struct cs_error *err)
{
	return store->ops->sync_log_insert(store->conn, l, err);
}

int
cs_store_sync_log_update(
    struct cs_store *store, const struct cs_sync_log *l, struct cs_error *err)
{
	int error;

	RETRY(error, store->ops->sync_log_update(store->conn, l, err));
	return error;
}

int
cs_store_sync_log_get(struct cs_store *store, int64_t id,
    struct cs_sync_log *out, struct cs_error *err)
{
	int error;

	memset(out, 0, sizeof(*out));
	RETRY(error, store->ops->sync_log_get(store->conn, id, out, err));
	return error;
}

int
cs_store_sync_log_recent(struct cs_store *store, int64_t per_campaign,
    cs_sync_log_cb cb, void *payload, struct cs_error *err)
{
	struct sync_log_walk w = {cb, payload, false};
	int error;

	RETRY_WALK(error, w,
	    store->ops->sync_log_recent(
	        store->conn, per_campaign, sync_log_shim, &w, err));
	return error;
}

int
cs_store_sync_log_list(struct cs_store *store,
    const struct cs_sync_log_query *q, cs_sync_log_cb cb, void *payload,
    struct cs_error *err)
{
	struct sync_log_walk w = {cb, payload, false};
	int error;

	RETRY_WALK(error, w,
	    store->ops->sync_log_list(store->conn, q, sync_log_shim, &w, err));
	return error;
}

int
cs_store_sync_log_prune(struct cs_store *store, int64_t before,
    int64_t *deleted, struct cs_error *err)
{
	int64_t n = 0;
	int error;

	error = store->ops->sync_log_prune(store->conn, before, &n, err);
	if (deleted != NULL)
		*deleted = n;
	return error;
}

/* ---- History ---------------------------------------------------------- */

int
cs_store_history_list(struct cs_store *store, const struct cs_history_query *q,
    cs_history_cb cb, void *payload, struct cs_error *err)
{
	struct history_walk w = {cb, payload, false};
	int error;

	RETRY_WALK(error, w,
	    store->ops->history_list(store->conn, q, history_shim, &w, err));
	return error;
}

/* ---- Review queue ----------------------------------------------------- */

int
cs_store_review_list(struct cs_store *store, int64_t campaign_id,
    bool open_only, cs_review_cb cb, void *payload, struct cs_error *err)
{
	struct cs_review_query q = CS_REVIEW_QUERY_INIT;

	q.campaign_id = campaign_id;
	q.open_only = open_only;
	return cs_store_review_page(store, &q, cb, payload, err);
}

int
cs_store_review_page(struct cs_store *store, const struct cs_review_query *q,
    cs_review_cb cb, void *payload, struct cs_error *err)
{
	struct review_walk w = {cb, payload, false};
	int error;

	RETRY_WALK(error, w,
	    store->ops->review_list(store->conn, q, review_shim, &w, err));
	return error;
}

int
cs_store_review_count(struct cs_store *store, const struct cs_review_query *q,
    int64_t *out, struct cs_error *err)
{
	int error;

	*out = 0;
	RETRY(error, store->ops->review_count(store->conn, q, out, err));
	return error;
}

int
cs_store_review_get(struct cs_store *store, int64_t id,
    struct cs_review_item *out, struct cs_error *err)
{
	int error;

	memset(out, 0, sizeof(*out));
	RETRY(error, store->ops->review_get(store->conn, id, out, err));
	return error;
}

struct resolve_args {
	const struct cs_review_resolution *items;
	size_t n;
	int64_t now;
};

static int
resolve_one(struct tx *tx, const struct cs_review_resolution *a, int64_t now,
    struct cs_error *err)
{
	struct cs_review_item r;
	struct cs_nft_change ch = CS_NFT_CHANGE_INIT;
	enum cs_apply_result res;
	int error, rc;

	memset(&r, 0, sizeof(r));
	error = tx->s->ops->review_get(tx->s->conn, a->id, &r, err);
	if (error < 0)
		goto out;
	if (r.resolved_at != 0) {
		error = cs_error_set(err, CS_ECONFLICT,
		    "review item %lld is already resolved (%s)",
		    (long long)a->id, r.resolution != NULL ? r.resolution : "");
		goto out;
	}
	error = tx->s->ops->review_close(
	    tx->s->conn, a->id, a->resolution, now, err);
	if (error < 0 || strcmp(a->resolution, "apply_remote") != 0)
		goto out;
	ch.nft_id = r.nft_id;
	ch.new_status = a->remote_status;
	ch.source = CS_SOURCE_ADMIN;
	ch.detail = "review resolved: apply remote state";
	res = cs_store__apply_change(tx, &ch, now, NULL, err, &rc);
	if (res != CS_APPLY_OK && res != CS_APPLY_NOOP)
		error = rc < 0 ? rc : CS_ERROR;
out:
	cs_review_item_dispose(&r);
	return error;
}

static int
resolve_tx(struct tx *tx, void *payload, struct cs_error *err)
{
	struct resolve_args *a = payload;
	size_t i;
	int error = 0;

	for (i = 0; i < a->n && error == 0; i++)
		error = resolve_one(tx, &a->items[i], a->now, err);
	return error;
}

int
cs_store_review_resolve_many(struct cs_store *store,
    const struct cs_review_resolution *items, size_t n, int64_t now,
    struct cs_error *err)
{
	struct resolve_args a = {items, n, now};
	size_t i;

	for (i = 0; i < n; i++) {
		if (!cs_str_eq(items[i].resolution, "keep_local") &&
		    !cs_str_eq(items[i].resolution, "apply_remote") &&
		    !cs_str_eq(items[i].resolution, "dismissed"))
			return cs_error_set(err, CS_EINVAL,
			    "resolution must be keep_local, apply_remote or "
			    "dismissed");
	}
	if (n == 0)
		return 0;
	return cs_store__run_tx(store, true, now, resolve_tx, &a, err);
}

int
cs_store_review_resolve(struct cs_store *store, int64_t id,
    const char *resolution, enum cs_nft_status remote_status, int64_t now,
    struct cs_error *err)
{
	struct cs_review_resolution one = {id, resolution, remote_status};

	return cs_store_review_resolve_many(store, &one, 1, now, err);
}
