/* SPDX-License-Identifier: MIT */
/* The PostgreSQL backend: chain checks and the background verifier's queue. */
#include "store/pg/internal.h"

#include <string.h>

#include "util/buf.h"
#include "util/limits.h"
#include "util/log.h"
#include "util/str.h"
#include "util/time.h"
#include "util/xalloc.h"
#include "util/banned.h"

/* ---- Chain checks ----------------------------------------------------- */

static int
read_check(const struct row *r, void *dst, struct cs_error *err)
{
	struct cs_chain_check *out = dst;

	memset(out, 0, sizeof(*out));
	out->asset_id = col_text(r, 0);
	out->nft_id = col_i64(r, 1);
	out->message = col_text(r, 3);
	out->addresses = col_text(r, 4);
	out->checked_at = col_i64(r, 5);
	if (cs_chain_status_parse(col_raw(r, 2), &out->status) < 0)
		return cs_error_set(err, CS_EDB,
		    "chain check of %s is malformed", out->asset_id);
	return 0;
}

int
cs_pg__chain_get(struct cs_store_conn *c, const char *asset_id,
    struct cs_chain_check *out, struct cs_error *err)
{
	struct params p = {0};
	int error;

	p_text(&p, asset_id);
	error = cs_pg__get_row(c, K_GET, &p, read_check, out, NULL, err);
	if (error == CS_ENOTFOUND)
		error = cs_error_set(
		    err, CS_ENOTFOUND, "no chain check of %s", asset_id);
	if (error < 0)
		cs_chain_check_dispose(out);
	return error;
}

int
cs_pg__chain_put(struct cs_store_conn *c, const struct cs_chain_check *k,
    struct cs_error *err)
{
	struct params p = {0};

	p_text(&p, k->asset_id);
	p_opt(&p, k->nft_id);
	p_text(&p, cs_chain_status_name(k->status));
	p_text(&p, k->message);
	p_text(&p, k->addresses);
	p_int(&p, k->checked_at);
	return cs_pg__exec_cmd(c, K_PUT, &p, err);
}

/* ---- The background verifier (migration 008) -------------------------- */

int
cs_pg__chain_claim(struct cs_store_conn *c, const char *owner, int64_t now,
    int64_t verified_before, int64_t other_before, int64_t lease_until,
    int64_t *ids, size_t *n, struct cs_error *err)
{
	struct row r = {NULL, 0, NULL, false};
	struct params p = {0};
	size_t limit = *n, found = 0, k;
	PGresult *res;
	int error;

	*n = 0;
	p_int(&p, now);
	p_int(&p, verified_before);
	p_int(&p, other_before);
	p_int(&p, (int64_t)limit);
	error = cs_pg__run(c, Q_DUE, &p, &res, err);
	if (error < 0)
		return error;
	r.res = res;
	for (r.i = 0; r.i < PQntuples(res) && found < limit; r.i++)
		ids[found++] = col_i64(&r, 0);
	PQclear(res);
	for (k = 0; k < found; k++) {
		memset(&p, 0, sizeof(p));
		p_int(&p, ids[k]);
		p_text(&p, owner);
		p_int(&p, lease_until);
		p_int(&p, now);
		error = cs_pg__run(c, Q_LEASE, &p, &res, err);
		if (error < 0)
			return error;
		if (PQntuples(res) > 0)
			ids[(*n)++] = ids[k];
		PQclear(res);
	}
	return 0;
}

int
cs_pg__chain_coverage(struct cs_store_conn *c, int64_t campaign_id,
    int64_t fresh_after, int64_t recheck_ms, struct cs_chain_coverage *out,
    struct cs_error *err)
{
	struct row r = {NULL, 0, NULL, false};
	struct params p = {0};
	PGresult *res;
	int error;

	p_int(&p, campaign_id);
	p_int(&p, fresh_after);
	p_int(&p, recheck_ms);
	error = cs_pg__run(c, Q_COVERAGE, &p, &res, err);
	if (error < 0)
		return error;
	r.res = res;
	if (PQntuples(res) > 0) {
		out->sold = col_i64(&r, 0);
		out->verified = col_i64(&r, 1);
		out->pending = col_i64(&r, 2);
		out->mismatch = col_i64(&r, 3);
		out->errors = col_i64(&r, 4);
		out->unverified = col_i64(&r, 5);
		out->oldest_due = col_i64(&r, 6);
	}
	PQclear(res);
	return 0;
}

struct problem_walk {
	cs_chain_problem_cb cb;
	void *payload;
};

static int
each_problem(const struct row *r, void *payload, struct cs_error *err)
{
	struct problem_walk *w = payload;
	struct cs_chain_check k;

	(void)err;
	memset(&k, 0, sizeof(k));
	k.asset_id = col_text(r, 0);
	k.nft_id = col_i64(r, 1);
	if (cs_chain_status_parse(col_raw(r, 2), &k.status) < 0)
		k.status = CS_CHAIN_ERROR;
	k.message = col_text(r, 3);
	k.addresses = col_text(r, 4);
	k.checked_at = col_i64(r, 5);
	return w->cb(&k, col_raw(r, 6), col_raw(r, 7), w->payload);
}

int
cs_pg__chain_problems(struct cs_store_conn *c, int64_t campaign_id,
    int64_t limit, cs_chain_problem_cb cb, void *payload, struct cs_error *err)
{
	struct problem_walk w = {cb, payload};
	struct params p = {0};

	p_int(&p, campaign_id);
	p_limit(&p, limit);
	return cs_pg__walk_rows(c, Q_PROBLEMS, &p, each_problem, &w, NULL, err);
}

int
cs_pg__chain_budget_take(struct cs_store_conn *c, int64_t now,
    int64_t rate_milli, int64_t cap_milli, int64_t *millitokens,
    int64_t *blocked_until, char *reason, size_t size, struct cs_error *err)
{
	struct row r = {NULL, 0, NULL, false};
	struct params p = {0};
	PGresult *res;
	int error;

	p_int(&p, now);
	p_int(&p, rate_milli);
	p_int(&p, cap_milli);
	error = cs_pg__run(c, Q_TAKE, &p, &res, err);
	if (error < 0)
		return error;
	r.res = res;
	if (PQntuples(res) > 0) {
		*millitokens = col_i64(&r, 0);
		PQclear(res);
		return 0;
	}
	PQclear(res);
	error = cs_pg__run(c, Q_BUDGET, NULL, &res, err);
	if (error < 0)
		return error;
	r.res = res;
	if (PQntuples(res) > 0) {
		*blocked_until = col_i64(&r, 0);
		cs_str_copy(
		    reason, col_raw(&r, 1) != NULL ? col_raw(&r, 1) : "", size);
		error = cs_error_set(err, CS_ERATELIMIT,
		    "the chain budget is blocked: %s", reason);
	} else {
		error = cs_error_set(err, CS_EDB, "no chain_budget row");
	}
	PQclear(res);
	return error;
}

int
cs_pg__chain_budget_block(struct cs_store_conn *c, int64_t until,
    const char *reason, struct cs_error *err)
{
	struct params p = {0};

	p_int(&p, until);
	p_text(&p, reason);
	return cs_pg__exec_cmd(c, Q_BLOCK, &p, err);
}

int
cs_pg__chain_release(struct cs_store_conn *c, const char *owner, int64_t nft_id,
    struct cs_error *err)
{
	struct params p = {0};

	p_int(&p, nft_id);
	p_text(&p, owner);
	return cs_pg__exec_cmd(c, Q_RELEASE, &p, err);
}

int
cs_pg__nft_mint_fill(
    struct cs_store_conn *c, int64_t id, const char *tx, struct cs_error *err)
{
	struct params p = {0};

	p_int(&p, id);
	p_text(&p, tx);
	return cs_pg__exec_cmd(c, Q_MINT_FILL, &p, err);
}

int
cs_pg__nft_mint_get(
    struct cs_store_conn *c, int64_t id, char **out, struct cs_error *err)
{
	struct row r = {NULL, 0, NULL, false};
	struct params p = {0};
	PGresult *res;
	int error;

	p_int(&p, id);
	error = cs_pg__run(c, Q_MINT_GET, &p, &res, err);
	if (error < 0)
		return error;
	r.res = res;
	if (PQntuples(res) > 0)
		*out = col_text(&r, 0);
	else
		error = cs_error_set(
		    err, CS_ENOTFOUND, "no NFT %lld", (long long)id);
	PQclear(res);
	return error;
}
