/* SPDX-License-Identifier: MIT */
/*
 * Chain checks and the background verifier's queue (migration 008): the
 * checks by asset id, due sales leased to one owner, the shared budget,
 * mint transactions.
 */
#include "store/store.h"

#include <stdlib.h>
#include <string.h>

#include "store/backend.h"
#include "store/internal.h"
#include "util/limits.h"
#include "util/str.h"
#include "util/time.h"
#include "util/xalloc.h"
#include "util/banned.h"

WALK_SHIM(nft, struct cs_nft, cs_nft_cb)

/* ---- Chain checks ----------------------------------------------------- */

int
cs_store_chain_check_get(struct cs_store *store, const char *asset_id,
    struct cs_chain_check *out, struct cs_error *err)
{
	int error;

	memset(out, 0, sizeof(*out));
	RETRY(error, store->ops->chain_get(store->conn, asset_id, out, err));
	return error;
}

int
cs_store_chain_check_put(struct cs_store *store, const struct cs_chain_check *c,
    struct cs_error *err)
{
	if (c->asset_id == NULL || *c->asset_id == '\0' ||
	    strlen(c->asset_id) > CS_MAX_ASSET_ID)
		return cs_error_set(err, CS_EINVAL, "bad asset id");
	int error;

	RETRY(error, store->ops->chain_put(store->conn, c, err));
	return error;
}

int
cs_store_chain_candidates(struct cs_store *store, int64_t campaign_id,
    int64_t limit, cs_nft_cb cb, void *payload, struct cs_error *err)
{
	struct nft_walk w = {cb, payload, false};
	int error;

	RETRY_WALK(error, w,
	    store->ops->chain_candidates(
	        store->conn, campaign_id, limit, nft_shim, &w, err));
	return error;
}

int
cs_store_nft_set_asset_id(struct cs_store *store, int64_t nft_id,
    const char *asset_id, struct cs_error *err)
{
	if (asset_id == NULL || !cs_str_is_hex_lower(asset_id) ||
	    strlen(asset_id) < 56 || strlen(asset_id) > CS_MAX_ASSET_ID)
		return cs_error_set(err, CS_EINVAL,
		    "asset id must be 56 to %d lowercase hex digits",
		    CS_MAX_ASSET_ID);
	int error;

	RETRY(error,
	    store->ops->nft_set_asset_id(store->conn, nft_id, asset_id, err));
	return error;
}

int
cs_store_sync_run_latest(struct cs_store *store, int64_t campaign_id,
    struct cs_sync_run *out, struct cs_error *err)
{
	int error;

	memset(out, 0, sizeof(*out));
	RETRY(
	    error, store->ops->run_latest(store->conn, campaign_id, out, err));
	return error;
}

/* ---- The background verifier (migration 008) ---------------------------- */

int
cs_store_chain_coverage(struct cs_store *store, int64_t campaign_id,
    int64_t now, int64_t recheck_ms, struct cs_chain_coverage *out,
    struct cs_error *err)
{
	int error;

	memset(out, 0, sizeof(*out));
	RETRY(error, store->ops->chain_coverage(store->conn, campaign_id,
	                 now - recheck_ms, recheck_ms, out, err));
	return error;
}

int
cs_store_chain_problems(struct cs_store *store, int64_t campaign_id,
    int64_t limit, cs_chain_problem_cb cb, void *payload, struct cs_error *err)
{
	int error;

	RETRY(error, store->ops->chain_problems(
	                 store->conn, campaign_id, limit, cb, payload, err));
	return error;
}

struct chain_claim_args {
	const char *owner;
	int64_t now, verified_before, other_before, lease_until;
	int64_t *ids;
	size_t limit, n;
};

static int
chain_claim_tx(struct tx *tx, void *payload, struct cs_error *err)
{
	struct chain_claim_args *a = payload;

	a->n = a->limit; /* again when the transaction is retried */
	return tx->s->ops->chain_claim(tx->s->conn, a->owner, a->now,
	    a->verified_before, a->other_before, a->lease_until, a->ids, &a->n,
	    err);
}

int
cs_store_chain_claim(struct cs_store *store, const char *owner, int64_t now,
    int64_t recheck_ms, int64_t retry_ms, int64_t lease_ms, size_t limit,
    cs_nft_cb cb, void *payload, struct cs_error *err)
{
	struct chain_claim_args a;
	struct cs_nft n;
	size_t i;
	int error;

	if (owner == NULL || *owner == '\0' || limit == 0)
		return cs_error_set(err, CS_EINVAL, "claim: no owner or limit");
	memset(&a, 0, sizeof(a));
	a.owner = owner;
	a.now = now;
	a.verified_before = now - recheck_ms;
	a.other_before = now - retry_ms;
	a.lease_until = now + lease_ms;
	a.ids = cs_xcalloc(limit, sizeof(*a.ids));
	a.limit = limit;
	error = cs_store__run_tx(store, true, now, chain_claim_tx, &a, err);
	for (i = 0; error == 0 && i < a.n; i++) {
		error = cs_store_nft_get_by_id(store, a.ids[i], &n, err);
		if (error == CS_ENOTFOUND) { /* deleted meanwhile */
			cs_error_clear(err);
			error = 0;
			continue;
		}
		if (error < 0)
			break;
		error = cb(&n, payload);
		cs_nft_dispose(&n);
	}
	free(a.ids);
	return error;
}

int
cs_store_chain_budget_take(struct cs_store *store, int64_t now, double rate,
    double burst, int64_t *wait_ms, int64_t *blocked_until, char *reason,
    size_t size, struct cs_error *err)
{
	int64_t rate_milli = (int64_t)(rate * 1000.0);
	int64_t cap_milli = (int64_t)(burst * 1000.0);
	int64_t left = 0;
	int error;

	*wait_ms = 0;
	*blocked_until = 0;
	if (size > 0)
		reason[0] = '\0';
	if (rate_milli < 1)
		return cs_error_set(err, CS_EINVAL, "budget: rate must be > 0");
	if (cap_milli < 1000)
		cap_milli = 1000;
	RETRY(error, store->ops->chain_budget_take(store->conn, now, rate_milli,
	                 cap_milli, &left, blocked_until, reason, size, err));
	if (error == 0 && left < 0)
		*wait_ms = (-left * 1000 + rate_milli - 1) / rate_milli;
	return error;
}

int
cs_store_chain_budget_block(struct cs_store *store, int64_t until,
    const char *reason, struct cs_error *err)
{
	int error;

	RETRY(error,
	    store->ops->chain_budget_block(store->conn, until, reason, err));
	return error;
}

int
cs_store_nft_mint_fill(struct cs_store *store, int64_t nft_id, const char *tx,
    struct cs_error *err)
{
	int error;

	if (tx == NULL || *tx == '\0' || strlen(tx) > 128 ||
	    !cs_str_is_hex_lower(tx))
		return cs_error_set(err, CS_EINVAL,
		    "a mint transaction is lowercase hex digits");
	RETRY(error, store->ops->nft_mint_fill(store->conn, nft_id, tx, err));
	return error;
}

int
cs_store_nft_mint_get(
    struct cs_store *store, int64_t nft_id, char **out, struct cs_error *err)
{
	int error;

	*out = NULL;
	RETRY(error, store->ops->nft_mint_get(store->conn, nft_id, out, err));
	return error;
}

int
cs_store_chain_release(struct cs_store *store, const char *owner,
    int64_t nft_id, struct cs_error *err)
{
	int error;

	RETRY(
	    error, store->ops->chain_release(store->conn, owner, nft_id, err));
	return error;
}

struct mint_fill_args {
	const int64_t *ids;
	const char *const *txs;
	size_t n;
};

static int
mint_fill_tx(struct tx *tx, void *payload, struct cs_error *err)
{
	struct mint_fill_args *a = payload;
	size_t i;
	int error = 0;

	for (i = 0; i < a->n && error == 0; i++)
		error = tx->s->ops->nft_mint_fill(
		    tx->s->conn, a->ids[i], a->txs[i], err);
	return error;
}

int
cs_store_nft_mint_fill_many(struct cs_store *store, const int64_t *nft_ids,
    const char *const *txs, size_t n, struct cs_error *err)
{
	struct mint_fill_args a = {nft_ids, txs, n};
	size_t i;

	for (i = 0; i < n; i++) {
		if (txs[i] == NULL || *txs[i] == '\0' || strlen(txs[i]) > 128 ||
		    !cs_str_is_hex_lower(txs[i]))
			return cs_error_set(err, CS_EINVAL,
			    "a mint transaction is lowercase hex digits");
	}
	if (n == 0)
		return 0;
	return cs_store__run_tx(
	    store, true, cs_now_ms(), mint_fill_tx, &a, err);
}
