/* SPDX-License-Identifier: MIT */
/* The SQLite backend: chain checks and the background verifier's queue. */
#include "store/sqlite/internal.h"

#include <stdlib.h>
#include <string.h>

#include "util/limits.h"
#include "util/str.h"
#include "util/xalloc.h"
#include "util/banned.h"

/* ---- Chain checks ----------------------------------------------------- */

static int
read_check(
    sqlite3_stmt *st, void *dst, struct cs_arena *a, struct cs_error *err)
{
	struct cs_chain_check *out = dst;

	memset(out, 0, sizeof(*out));
	out->asset_id = col_text(st, 0, a);
	out->nft_id = sqlite3_column_int64(st, 1);
	out->message = col_text(st, 3, a);
	out->addresses = col_text(st, 4, a);
	out->checked_at = sqlite3_column_int64(st, 5);
	if (cs_chain_status_parse(
	        (const char *)sqlite3_column_text(st, 2), &out->status) < 0)
		return cs_error_set(err, CS_EDB,
		    "chain check of %s is malformed", out->asset_id);
	return 0;
}

int
cs_sqlite__chain_get(struct cs_store_conn *c, const char *asset_id,
    struct cs_chain_check *out, struct cs_error *err)
{
	sqlite3_stmt *st;
	int error;

	error = cs_sqlite__stmt(c, K_GET, &st, err);
	if (error < 0)
		return error;
	bind_text(st, 1, asset_id);
	error = cs_sqlite__get_row(c, st, read_check, out, NULL, err);
	if (error == CS_ENOTFOUND)
		error = cs_error_set(
		    err, CS_ENOTFOUND, "no chain check of %s", asset_id);
	if (error < 0)
		cs_chain_check_dispose(out);
	return error;
}

int
cs_sqlite__chain_put(struct cs_store_conn *c, const struct cs_chain_check *k,
    struct cs_error *err)
{
	sqlite3_stmt *st;
	int error;

	error = cs_sqlite__stmt(c, K_PUT, &st, err);
	if (error < 0)
		return error;
	bind_text(st, 1, k->asset_id);
	bind_opt(st, 2, k->nft_id);
	bind_text(st, 3, cs_chain_status_name(k->status));
	bind_text(st, 4, k->message);
	bind_text(st, 5, k->addresses);
	sqlite3_bind_int64(st, 6, k->checked_at);
	return cs_sqlite__exec_stmt(c, st, err);
}

/* ---- The background verifier (migration 008) -------------------------- */

int
cs_sqlite__chain_claim(struct cs_store_conn *c, const char *owner, int64_t now,
    int64_t verified_before, int64_t other_before, int64_t lease_until,
    int64_t *ids, size_t *n, struct cs_error *err)
{
	sqlite3_stmt *st;
	size_t limit = *n, found = 0, k;
	int error, rc;

	*n = 0;
	error = cs_sqlite__stmt(c, Q_DUE, &st, err);
	if (error < 0)
		return error;
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_int64(st, 2, verified_before);
	sqlite3_bind_int64(st, 3, other_before);
	sqlite3_bind_int64(st, 4, (int64_t)limit);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && found < limit)
		ids[found++] = sqlite3_column_int64(st, 0);
	done(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return cs_sqlite__db_error(c, rc, err);
	for (k = 0; k < found; k++) {
		error = cs_sqlite__stmt(c, Q_LEASE, &st, err);
		if (error < 0)
			return error;
		sqlite3_bind_int64(st, 1, ids[k]);
		bind_text(st, 2, owner);
		sqlite3_bind_int64(st, 3, lease_until);
		sqlite3_bind_int64(st, 4, now);
		rc = sqlite3_step(st);
		if (rc == SQLITE_ROW)
			ids[(*n)++] = ids[k];
		while (rc == SQLITE_ROW)
			rc = sqlite3_step(st);
		done(st);
		if (rc != SQLITE_DONE)
			return cs_sqlite__db_error(c, rc, err);
	}
	return 0;
}

int
cs_sqlite__chain_coverage(struct cs_store_conn *c, int64_t campaign_id,
    int64_t fresh_after, int64_t recheck_ms, struct cs_chain_coverage *out,
    struct cs_error *err)
{
	sqlite3_stmt *st;
	int error, rc;

	error = cs_sqlite__stmt(c, Q_COVERAGE, &st, err);
	if (error < 0)
		return error;
	sqlite3_bind_int64(st, 1, campaign_id);
	sqlite3_bind_int64(st, 2, fresh_after);
	sqlite3_bind_int64(st, 3, recheck_ms);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		out->sold = sqlite3_column_int64(st, 0);
		out->verified = sqlite3_column_int64(st, 1);
		out->pending = sqlite3_column_int64(st, 2);
		out->mismatch = sqlite3_column_int64(st, 3);
		out->errors = sqlite3_column_int64(st, 4);
		out->unverified = sqlite3_column_int64(st, 5);
		out->oldest_due = sqlite3_column_int64(st, 6);
	} else {
		error = cs_sqlite__db_error(c, rc, err);
	}
	done(st);
	return error;
}

struct problem_walk {
	cs_chain_problem_cb cb;
	void *payload;
};

static int
each_problem(
    sqlite3_stmt *st, struct cs_arena *a, void *payload, struct cs_error *err)
{
	struct problem_walk *w = payload;
	struct cs_chain_check k;

	(void)a;
	(void)err;
	memset(&k, 0, sizeof(k));
	k.asset_id = CS_UNCONST((const char *)sqlite3_column_text(st, 0));
	k.nft_id = sqlite3_column_int64(st, 1);
	if (cs_chain_status_parse(
	        (const char *)sqlite3_column_text(st, 2), &k.status) < 0)
		k.status = CS_CHAIN_ERROR;
	k.message = CS_UNCONST((const char *)sqlite3_column_text(st, 3));
	k.addresses = CS_UNCONST((const char *)sqlite3_column_text(st, 4));
	k.checked_at = sqlite3_column_int64(st, 5);
	return w->cb(&k, (const char *)sqlite3_column_text(st, 6),
	    (const char *)sqlite3_column_text(st, 7), w->payload);
}

int
cs_sqlite__chain_problems(struct cs_store_conn *c, int64_t campaign_id,
    int64_t limit, cs_chain_problem_cb cb, void *payload, struct cs_error *err)
{
	struct problem_walk w = {cb, payload};
	sqlite3_stmt *st;
	int error;

	error = cs_sqlite__stmt(c, Q_PROBLEMS, &st, err);
	if (error < 0)
		return error;
	sqlite3_bind_int64(st, 1, campaign_id);
	sqlite3_bind_int64(st, 2, limit > 0 ? limit : -1);
	return cs_sqlite__walk_rows(c, st, each_problem, &w, err);
}

int
cs_sqlite__chain_budget_take(struct cs_store_conn *c, int64_t now,
    int64_t rate_milli, int64_t cap_milli, int64_t *millitokens,
    int64_t *blocked_until, char *reason, size_t size, struct cs_error *err)
{
	sqlite3_stmt *st;
	bool taken = false;
	int error, rc;

	error = cs_sqlite__stmt(c, Q_TAKE, &st, err);
	if (error < 0)
		return error;
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_int64(st, 2, rate_milli);
	sqlite3_bind_int64(st, 3, cap_milli);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		taken = true;
		*millitokens = sqlite3_column_int64(st, 0);
		rc = sqlite3_step(st);
	}
	done(st);
	if (rc != SQLITE_DONE)
		return cs_sqlite__db_error(c, rc, err);
	if (taken)
		return 0;
	error = cs_sqlite__stmt(c, Q_BUDGET, &st, err);
	if (error < 0)
		return error;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*blocked_until = sqlite3_column_int64(st, 0);
		cs_str_copy(reason,
		    sqlite3_column_text(st, 1) != NULL
		        ? (const char *)sqlite3_column_text(st, 1)
		        : "",
		    size);
		error = cs_error_set(err, CS_ERATELIMIT,
		    "the chain budget is blocked: %s", reason);
	} else {
		error = rc == SQLITE_DONE
		            ? cs_error_set(err, CS_EDB, "no chain_budget row")
		            : cs_sqlite__db_error(c, rc, err);
	}
	done(st);
	return error;
}

int
cs_sqlite__chain_budget_block(struct cs_store_conn *c, int64_t until,
    const char *reason, struct cs_error *err)
{
	sqlite3_stmt *st;
	int error;

	error = cs_sqlite__stmt(c, Q_BLOCK, &st, err);
	if (error < 0)
		return error;
	sqlite3_bind_int64(st, 1, until);
	bind_text(st, 2, reason);
	return cs_sqlite__exec_stmt(c, st, err);
}

int
cs_sqlite__chain_release(struct cs_store_conn *c, const char *owner,
    int64_t nft_id, struct cs_error *err)
{
	sqlite3_stmt *st;
	int error;

	error = cs_sqlite__stmt(c, Q_RELEASE, &st, err);
	if (error < 0)
		return error;
	sqlite3_bind_int64(st, 1, nft_id);
	bind_text(st, 2, owner);
	return cs_sqlite__exec_stmt(c, st, err);
}

int
cs_sqlite__nft_mint_fill(
    struct cs_store_conn *c, int64_t id, const char *tx, struct cs_error *err)
{
	sqlite3_stmt *st;
	int error;

	error = cs_sqlite__stmt(c, Q_MINT_FILL, &st, err);
	if (error < 0)
		return error;
	sqlite3_bind_int64(st, 1, id);
	bind_text(st, 2, tx);
	return cs_sqlite__exec_stmt(c, st, err);
}

int
cs_sqlite__nft_mint_get(
    struct cs_store_conn *c, int64_t id, char **out, struct cs_error *err)
{
	sqlite3_stmt *st;
	int error, rc;

	error = cs_sqlite__stmt(c, Q_MINT_GET, &st, err);
	if (error < 0)
		return error;
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*out = col_text(st, 0, NULL);
	else if (rc == SQLITE_DONE)
		error = cs_error_set(
		    err, CS_ENOTFOUND, "no NFT %lld", (long long)id);
	else
		error = cs_sqlite__db_error(c, rc, err);
	done(st);
	return error;
}
