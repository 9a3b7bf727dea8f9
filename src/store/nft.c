/* SPDX-License-Identifier: MIT */
/*
 * NFTs and inventory: imports within max_nfts, reads, and the one place
 * where an NFT changes (the rules are core/change_rules.c), with its
 * history row, version and counter move; payment link repairs.
 */
#include "store/store.h"

#include <stdlib.h>
#include <string.h>

#include "core/paylink.h"
#include "store/backend.h"
#include "store/internal.h"
#include "util/buf.h"
#include "util/limits.h"
#include "util/str.h"
#include "util/strmap.h"
#include "util/time.h"
#include "util/vec.h"
#include "util/xalloc.h"
#include "util/banned.h"

WALK_SHIM(nft, struct cs_nft, cs_nft_cb)
WALK_SHIM(local, struct cs_local_nft, cs_local_nft_cb)

/* ---- NFTs ------------------------------------------------------------- */

struct import_args {
	int64_t campaign_id;
	const struct cs_nft *nfts;
	size_t n;
	int64_t now;
	struct cs_import_result res;
};

static int
validate_import_nft(const struct cs_nft *n, size_t i, struct cs_error *err)
{
	if (!cs_str_is_uuid(n->nft_uid))
		return cs_error_set(err, CS_EINVAL,
		    "NFT %zu: uid '%s' is not a uid", i + 1,
		    n->nft_uid != NULL ? n->nft_uid : "");
	if (n->name == NULL || *n->name == '\0' ||
	    strlen(n->name) > CS_MAX_NAME)
		return cs_error_set(err, CS_EINVAL,
		    "NFT %zu (%s): name is empty or too long", i + 1,
		    n->nft_uid);
	if (n->nft_number < 0)
		return cs_error_set(err, CS_EINVAL,
		    "NFT %zu (%s): negative number", i + 1, n->nft_uid);
	return 0;
}

/* An NFT imported in a state other than available gets there by a change,
 * so the state has its history row like any other. */
static int
import_state(struct tx *tx, const struct cs_nft *in, int64_t id, int64_t now,
    struct cs_error *err)
{
	struct cs_nft_change ch = CS_NFT_CHANGE_INIT;
	enum cs_apply_result r;
	int error;

	ch.nft_id = id;
	ch.new_status = in->status;
	ch.source = CS_SOURCE_ADMIN;
	ch.reserved_by = in->reserved_by;
	ch.reserved_until = in->reserved_until;
	ch.sold_to = in->sold_to;
	ch.tx_hash = in->tx_hash;
	ch.sold_at = in->sold_at;
	ch.sold_at_raw = in->sold_at_raw;
	ch.detail = "state at import";
	r = cs_store__apply_change(tx, &ch, now, NULL, err, &error);
	if (r == CS_APPLY_OK || r == CS_APPLY_NOOP)
		return 0;
	return error < 0 ? error : CS_ERROR;
}

static int
import_tx(struct tx *tx, void *payload, struct cs_error *err)
{
	struct import_args *a = payload;
	const struct cs_store_ops *ops = tx->s->ops;
	struct cs_campaign camp;
	struct cs_buf link = CS_BUF_INIT(CS_MAX_URL);
	struct cs_nft existing, row;
	struct cs_strmap seen;
	int64_t next;
	size_t i, fresh = 0;
	bool *skip = NULL;
	int error;

	cs_strmap_init(&seen);
	memset(&camp, 0, sizeof(camp));
	memset(&a->res, 0, sizeof(a->res));
	error =
	    ops->campaign_get(tx->s->conn, a->campaign_id, true, &camp, err);
	if (error < 0)
		goto out;
	skip = cs_xcalloc(a->n + 1, sizeof(*skip));
	for (i = 0; i < a->n; i++) {
		memset(&existing, 0, sizeof(existing));
		error = ops->nft_get(tx->s->conn, 0, a->nfts[i].nft_uid,
		    &existing, tx->arena, err);
		if (error == 0 && existing.campaign_id != a->campaign_id) {
			error = cs_error_set(err, CS_ECONFLICT,
			    "NFT %s already belongs to campaign %lld; nothing "
			    "was imported",
			    existing.nft_uid, (long long)existing.campaign_id);
			goto out;
		}
		if (error == 0) {
			skip[i] = true;
			continue;
		}
		if (error != CS_ENOTFOUND)
			goto out;
		/* The same uid twice in one input counts once. */
		if (!cs_strmap_put(&seen, a->nfts[i].nft_uid, i)) {
			skip[i] = true;
			continue;
		}
		fresh++;
	}
	if (camp.counts.total + (int64_t)fresh > camp.max_nfts) {
		error = cs_error_set(err, CS_EINVAL,
		    "import of %zu new NFTs would pass the campaign's maximum "
		    "of %lld (it holds %lld); nothing was imported",
		    fresh, (long long)camp.max_nfts,
		    (long long)camp.counts.total);
		goto out;
	}
	error = ops->nft_max_number(tx->s->conn, a->campaign_id, &next, err);
	if (error < 0)
		goto out;
	for (i = 0; i < a->n; i++) {
		if (skip[i]) {
			a->res.skipped++;
			continue;
		}
		row = a->nfts[i];
		row.id = 0;
		row.campaign_id = a->campaign_id;
		if (row.nft_number == 0)
			row.nft_number = ++next;
		else if (row.nft_number > next)
			next = row.nft_number;
		row.status = CS_NFT_AVAILABLE;
		row.project_uid = camp.nmkr_project_uid;
		cs_buf_reset(&link);
		error = cs_paylink_specific(
		    &link, camp.network, camp.nmkr_project_uid, row.nft_uid);
		if (error < 0) {
			error = cs_error_set(err, CS_EINVAL,
			    "NFT %s: cannot build its payment link",
			    row.nft_uid);
			goto out;
		}
		row.payment_url = link.ptr;
		row.created_at = a->now;
		row.last_modified_at = a->now;
		row.last_modified_by = CS_SOURCE_ADMIN;
		row.last_synced_at = 0;
		row.version = 1;
		row.reserved_by = NULL;
		row.reserved_until = 0;
		row.sold_to = NULL;
		row.tx_hash = NULL;
		row.sold_at = 0;
		row.sold_at_raw = NULL;
		error = ops->nft_insert(tx->s->conn, &row, err);
		if (error == CS_ECONFLICT)
			error = cs_error_set(err, CS_ECONFLICT,
			    "NFT %s: number %lld is taken in this campaign",
			    row.nft_uid, (long long)row.nft_number);
		if (error < 0)
			goto out;
		if (a->nfts[i].status != CS_NFT_AVAILABLE) {
			error =
			    import_state(tx, &a->nfts[i], row.id, a->now, err);
			if (error < 0)
				goto out;
		}
		if (a->res.inserted == 0)
			a->res.first_number = row.nft_number;
		a->res.last_number = row.nft_number;
		a->res.inserted++;
		cs_counts_add(cs_store__delta_for(tx, a->campaign_id),
		    CS_NFT_AVAILABLE, 1);
	}
out:
	cs_strmap_dispose(&seen);
	free(skip);
	cs_buf_dispose(&link);
	cs_campaign_dispose(&camp);
	return error;
}

int
cs_store_nft_import(struct cs_store *store, int64_t campaign_id,
    const struct cs_nft *nfts, size_t n, int64_t now,
    struct cs_import_result *out, struct cs_error *err)
{
	struct import_args a;
	size_t i;
	int error;

	for (i = 0; i < n; i++) {
		error = validate_import_nft(&nfts[i], i, err);
		if (error < 0)
			return error;
	}
	memset(&a, 0, sizeof(a));
	a.campaign_id = campaign_id;
	a.nfts = nfts;
	a.n = n;
	a.now = now;
	error = cs_store__run_tx(store, true, now, import_tx, &a, err);
	if (error == 0 && out != NULL)
		*out = a.res;
	return error;
}

int
cs_store_nft_get(struct cs_store *store, const char *uid, struct cs_nft *out,
    struct cs_error *err)
{
	int error;

	memset(out, 0, sizeof(*out));
	error = store->ops->nft_get(store->conn, 0, uid, out, NULL, err);
	if (error == CS_ENOTFOUND)
		return cs_error_set(err, CS_ENOTFOUND, "no NFT '%s'", uid);
	return error;
}

int
cs_store_nft_get_by_id(struct cs_store *store, int64_t id, struct cs_nft *out,
    struct cs_error *err)
{
	memset(out, 0, sizeof(*out));
	return store->ops->nft_get(store->conn, id, NULL, out, NULL, err);
}

int
cs_store_nft_list(struct cs_store *store, const struct cs_nft_query *q,
    cs_nft_cb cb, void *payload, struct cs_error *err)
{
	struct nft_walk w = {cb, payload, false};
	struct cs_search_terms t;
	int error;

	if (q->search != NULL) {
		if (cs_search_terms(q->search, &t) < 0)
			return cs_error_set(err, CS_EINVAL,
			    "a search is 1 to %d characters", CS_SEARCH_MAX);
		RETRY_WALK(error, w,
		    store->ops->nft_search(
		        store->conn, q, &t, nft_shim, &w, err));
		return error;
	}
	RETRY_WALK(
	    error, w, store->ops->nft_list(store->conn, q, nft_shim, &w, err));
	return error;
}

int
cs_store_nft_local_list(struct cs_store *store, int64_t campaign_id,
    cs_local_nft_cb cb, void *payload, struct cs_error *err)
{
	struct local_walk w = {cb, payload, false};
	int error;

	RETRY_WALK(error, w,
	    store->ops->nft_local_list(
	        store->conn, campaign_id, local_shim, &w, err));
	return error;
}

int
cs_store_nft_counts(struct cs_store *store, int64_t campaign_id,
    struct cs_counts *out, struct cs_error *err)
{
	int error;

	RETRY(
	    error, store->ops->nft_counts(store->conn, campaign_id, out, err));
	return error;
}

/*
 * The one place where an NFT changes, in two halves. cs_store__change_plan()
 * asks core (core/change_rules.h) whether a change applies to the row read and
 * what the new row and its history row are, and words its refusals;
 * CS_APPLY_OK means "write them". cs_store__change_written() moves the counters
 * once they are written compare-and-set. cs_store__apply_change() does the
 * whole for one NFT; the sync's batches (apply_batch()) do it for many.
 */
enum cs_apply_result
cs_store__change_plan(const struct cs_nft_change *ch, const struct cs_nft *cur,
    int64_t now, struct cs_nft *next, struct cs_history *h,
    struct cs_error *err, int *errcode)
{
	*errcode = 0;
	switch (cs_change_plan(ch, cur, now, next, h)) {
	case CS_CHANGE_WRITE:
		return CS_APPLY_OK;
	case CS_CHANGE_OTHER_CAMPAIGN:
		*errcode = cs_error_set(err, CS_ENOTFOUND,
		    "NFT %s is not in campaign %lld", cur->nft_uid,
		    (long long)ch->campaign_id);
		return CS_APPLY_NOTFOUND;
	case CS_CHANGE_STALE:
		*errcode = cs_error_set(err, CS_ECONFLICT,
		    "NFT %s changed (version %lld, expected %lld)",
		    cur->nft_uid, (long long)cur->version,
		    (long long)ch->expected_version);
		return CS_APPLY_CONFLICT;
	case CS_CHANGE_NOT_IN_STATUS:
	case CS_CHANGE_SAME:
		break;
	}
	return CS_APPLY_NOOP;
}

void
cs_store__change_written(
    struct tx *tx, const struct cs_nft *cur, const struct cs_nft *next)
{
	if (next->status != cur->status) {
		struct cs_counts *d = cs_store__delta_for(tx, cur->campaign_id);

		cs_counts_add(d, cur->status, -1);
		cs_counts_add(d, next->status, 1);
	}
}

enum cs_apply_result
cs_store__not_found(
    const struct cs_nft_change *ch, struct cs_error *err, int *errcode)
{
	*errcode = cs_error_set(err, CS_ENOTFOUND, "no NFT '%s'",
	    ch->nft_uid != NULL ? ch->nft_uid : "(by id)");
	return CS_APPLY_NOTFOUND;
}

/* One change of one NFT: read, plan, write the row compare-and-set and its
 * history row, move the counters. */
enum cs_apply_result
cs_store__apply_change(struct tx *tx, const struct cs_nft_change *ch,
    int64_t now, struct cs_nft *after, struct cs_error *err, int *errcode)
{
	const struct cs_store_ops *ops = tx->s->ops;
	struct cs_nft cur, next;
	struct cs_history h;
	enum cs_apply_result r;
	int error;

	*errcode = 0;
	memset(&cur, 0, sizeof(cur));
	error = ops->nft_get(
	    tx->s->conn, ch->nft_id, ch->nft_uid, &cur, tx->arena, err);
	if (error == CS_ENOTFOUND)
		return cs_store__not_found(ch, err, errcode);
	if (error < 0) {
		*errcode = error;
		return CS_APPLY_FAILED;
	}
	r = cs_store__change_plan(ch, &cur, now, &next, &h, err, errcode);
	if (r == CS_APPLY_NOOP && after != NULL)
		cs_nft_copy(after, &cur);
	if (r != CS_APPLY_OK)
		return r;
	error = ops->nft_update(tx->s->conn, &next, cur.version, err);
	if (error < 0) {
		*errcode = error;
		return error == CS_ECONFLICT ? CS_APPLY_CONFLICT
		                             : CS_APPLY_FAILED;
	}
	error = ops->history_insert(tx->s->conn, &h, err);
	if (error < 0) {
		*errcode = error;
		return CS_APPLY_FAILED;
	}
	cs_store__change_written(tx, &cur, &next);
	if (after != NULL)
		cs_nft_copy(after, &next);
	return CS_APPLY_OK;
}

struct change_args {
	const struct cs_nft_change *ch;
	int64_t now;
	struct cs_nft *after;
};

static int
change_tx(struct tx *tx, void *payload, struct cs_error *err)
{
	struct change_args *a = payload;
	enum cs_apply_result r;
	int error;

	if (a->after != NULL)
		cs_nft_dispose(a->after);
	r = cs_store__apply_change(tx, a->ch, a->now, a->after, err, &error);
	if (r == CS_APPLY_OK || r == CS_APPLY_NOOP)
		return 0;
	return error < 0 ? error : CS_ERROR;
}

int
cs_store__validate_change(const struct cs_nft_change *ch, struct cs_error *err)
{
	if (ch->nft_id == 0 && ch->nft_uid == NULL)
		return cs_error_set(err, CS_EINVAL, "change names no NFT");
	if ((unsigned)ch->new_status >= CS_NFT_STATUS_COUNT)
		return cs_error_set(
		    err, CS_EINVAL, "bad status %d", (int)ch->new_status);
	if (ch->reserved_by != NULL && strlen(ch->reserved_by) > CS_MAX_WALLET)
		return cs_error_set(err, CS_EINVAL, "wallet address too long");
	if (ch->sold_to != NULL && strlen(ch->sold_to) > CS_MAX_WALLET)
		return cs_error_set(err, CS_EINVAL, "buyer address too long");
	return 0;
}

int
cs_store_nft_change(struct cs_store *store, const struct cs_nft_change *ch,
    int64_t now, struct cs_nft *after, struct cs_error *err)
{
	struct change_args a = {ch, now, after};
	int error;

	if (after != NULL)
		memset(after, 0, sizeof(*after));
	error = cs_store__validate_change(ch, err);
	if (error < 0)
		return error;
	return cs_store__run_tx(store, true, now, change_tx, &a, err);
}

struct repair_args {
	int64_t campaign_id;
	size_t changed;
	struct cs_vec fixes; /* struct fix */
	struct cs_campaign camp;
	struct cs_error *err;
	int error;
};

struct fix {
	int64_t id;
	char *url;
};

static int
repair_collect(const struct cs_nft *n, void *payload)
{
	struct repair_args *a = payload;
	struct cs_buf link = CS_BUF_INIT(CS_MAX_URL);
	struct fix *f;

	if (cs_paylink_specific(&link, a->camp.network,
	        a->camp.nmkr_project_uid, n->nft_uid) < 0) {
		cs_buf_dispose(&link);
		a->error = cs_error_set(a->err, CS_EINVAL,
		    "NFT %s: cannot build its payment link", n->nft_uid);
		return a->error;
	}
	if (!cs_str_eq(link.ptr, n->payment_url)) {
		f = cs_vec_push(&a->fixes);
		f->id = n->id;
		f->url = cs_buf_take(&link, NULL);
	}
	cs_buf_dispose(&link);
	return 0;
}

static int
repair_tx(struct tx *tx, void *payload, struct cs_error *err)
{
	struct repair_args *a = payload;
	struct cs_nft_query q = CS_NFT_QUERY_INIT;
	size_t i;
	int error;

	cs_campaign_dispose(&a->camp);
	for (i = 0; i < a->fixes.len; i++)
		free(CS_VEC_AT(&a->fixes, struct fix, i)->url);
	a->fixes.len = 0;
	error = tx->s->ops->campaign_get(
	    tx->s->conn, a->campaign_id, true, &a->camp, err);
	if (error < 0)
		return error;
	q.campaign_id = a->campaign_id;
	a->err = err;
	error = tx->s->ops->nft_list(tx->s->conn, &q, repair_collect, a, err);
	if (error < 0)
		return error;
	for (i = 0; i < a->fixes.len; i++) {
		struct fix *f = CS_VEC_AT(&a->fixes, struct fix, i);

		error = tx->s->ops->nft_set_payment_url(
		    tx->s->conn, f->id, f->url, err);
		if (error < 0)
			return error;
	}
	a->changed = a->fixes.len;
	return 0;
}

int
cs_store_nft_repair_links(struct cs_store *store, int64_t campaign_id,
    size_t *changed, struct cs_error *err)
{
	struct repair_args a;
	size_t i;
	int error;

	memset(&a, 0, sizeof(a));
	a.campaign_id = campaign_id;
	cs_vec_init(&a.fixes, sizeof(struct fix));
	error = cs_store__run_tx(store, true, cs_now_ms(), repair_tx, &a, err);
	if (error == 0 && changed != NULL)
		*changed = a.changed;
	for (i = 0; i < a.fixes.len; i++)
		free(CS_VEC_AT(&a.fixes, struct fix, i)->url);
	cs_vec_dispose(&a.fixes);
	cs_campaign_dispose(&a.camp);
	return error;
}
