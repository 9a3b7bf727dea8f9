/* SPDX-License-Identifier: MIT */
/*
 * Chain verification; see verify.h and docs/internals/verify.md. The
 * candidates are read first (a store walk holds its statement), then each
 * is answered from the cache or asked of Blockfrost, one at a time, with
 * the stop rules applied between them.
 */
#include "service/verify.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "service/encode.h"
#include "service/report.h"
#include "service/report_keys.h"
#include "util/log.h"
#include "util/str.h"
#include "util/time.h"
#include "util/xalloc.h"
#include "util/banned.h"

struct cs_verifier {
	struct cs_blockfrost *bf;
};

int
cs_verifier_new(struct cs_verifier **out, const struct cs_blockfrost_opts *opts,
    struct cs_error *err)
{
	struct cs_verifier *v;
	int error;

	*out = NULL;
	v = cs_xcalloc(1, sizeof(*v));
	error = cs_blockfrost_new(&v->bf, opts, err);
	if (error < 0) {
		free(v);
		return error;
	}
	*out = v;
	return 0;
}

void
cs_verifier_free(struct cs_verifier *v)
{
	if (v == NULL)
		return;
	cs_blockfrost_free(v->bf);
	free(v);
}

void
cs_verify_results_dispose(struct cs_verify_results *r)
{
	size_t i;

	if (r == NULL)
		return;
	for (i = 0; i < r->n; i++) {
		free(r->items[i].nft_uid);
		free(r->items[i].nft_name);
		free(r->items[i].asset_id);
		free(r->items[i].message);
		free(r->items[i].addresses);
	}
	free(r->items);
	memset(r, 0, sizeof(*r));
}

/* ---- Candidates ------------------------------------------------------- */

struct candidates {
	struct cs_nft *nfts;
	size_t n, cap;
};

static int
candidate_cb(const struct cs_nft *n, void *payload)
{
	struct candidates *c = payload;

	if (c->n == c->cap) {
		c->cap = c->cap != 0 ? c->cap * 2 : 16;
		c->nfts = cs_xreallocarray(c->nfts, c->cap, sizeof(*c->nfts));
	}
	cs_nft_copy(&c->nfts[c->n++], n);
	return 0;
}

static void
candidates_dispose(struct candidates *c)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		cs_nft_dispose(&c->nfts[i]);
	free(c->nfts);
	memset(c, 0, sizeof(*c));
}

/* ---- One NFT ---------------------------------------------------------- */

struct run {
	struct cs_verifier *v;
	struct cs_store *store;
	const struct cs_verify_opts *opts;
	int64_t now;
	struct cs_verify_results *out;
};

static void set_message(struct cs_verify_result *res, const char *fmt, ...)
    CS_PRINTF(2, 3);

static void
set_message(struct cs_verify_result *res, const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		n = 0;
	s = cs_xmalloc((size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	va_end(ap);
	free(res->message);
	res->message = s;
}

/*
 * Whether a failed request means Blockfrost will answer nothing else in
 * this run, and why. 402 and 418 are Blockfrost's own "stop"; a 429 that
 * outlasted every retry would earn a ban if we went on; a refused project
 * id refuses every request; no answer at all (a timeout, no connection)
 * would cost each NFT left the whole timeout.
 */
static bool
stops_the_run(const struct cs_error *err, char *why, size_t size)
{
	switch (err->http_status) {
	case 402:
		snprintf(why, size,
		    "Blockfrost's daily request quota is used up (HTTP 402)");
		return true;
	case 418:
		snprintf(why, size,
		    "Blockfrost has banned this IP for flooding (HTTP 418)");
		return true;
	case 429:
		snprintf(why, size,
		    "Blockfrost kept answering 429 (over its rate limit) "
		    "after every retry");
		return true;
	case 403:
		snprintf(why, size,
		    "Blockfrost refused the project id (HTTP 403): check "
		    "BLOCKFROST_PROJECT_ID and BLOCKFROST_NETWORK");
		return true;
	case 0:
		break;
	default:
		return false;
	}
	if (err->code == CS_ETIMEOUT) {
		snprintf(why, size, "Blockfrost did not answer in time");
		return true;
	}
	if (err->code == CS_EHTTP) {
		snprintf(
		    why, size, "Blockfrost could not be reached (no answer)");
		return true;
	}
	return false;
}

/* A request failed: the NFT is an error, not cached; maybe stop. */
static void
failed(struct run *r, struct cs_verify_result *res, const struct cs_error *err)
{
	char msg[CS_ERROR_MSG_LEN + 32];

	snprintf(msg, sizeof(msg), "%s", cs_error_msg(err));
	cs_log_redact(msg, sizeof(msg));
	res->status = CS_CHAIN_ERROR;
	set_message(res, "%s", msg);
	r->out->failed++;
	if (r->out->first_failure[0] == '\0')
		cs_str_copy(
		    r->out->first_failure, msg, sizeof(r->out->first_failure));
	if (stops_the_run(
	        err, r->out->stop_reason, sizeof(r->out->stop_reason))) {
		r->out->stopped = true;
		r->out->stop_status = err->http_status;
		r->out->stop_retry_after =
		    cs_blockfrost_last_retry_after(r->v->bf);
		cs_log_warn(
		    "verify", "stopping: %s (%s)", r->out->stop_reason, msg);
	} else {
		cs_log_info("verify", "%s: %s", res->asset_id, msg);
	}
}

/* The holders as a JSON array of addresses; caller frees. */
static char *
addresses_json(const struct cs_bf_holders *h)
{
	cJSON *a = cJSON_CreateArray();
	char *s;
	size_t i;

	for (i = 0; i < h->n; i++)
		cJSON_AddItemToArray(
		    a, cJSON_CreateString(h->items[i].address));
	s = cs_json_print(a, false);
	cJSON_Delete(a);
	return s;
}

/* The holder to name: the first with a quantity that is not 0. */
static const struct cs_bf_holder *
main_holder(const struct cs_bf_holders *h)
{
	size_t i;

	for (i = 0; i < h->n; i++) {
		if (strcmp(cs_bf_quantity_norm(h->items[i].quantity), "0") != 0)
			return &h->items[i];
	}
	return h->n > 0 ? &h->items[0] : NULL;
}

static bool
holds(const struct cs_bf_holders *h, const char *address)
{
	size_t i;

	for (i = 0; i < h->n; i++) {
		if (strcmp(h->items[i].address, address) == 0 &&
		    strcmp(cs_bf_quantity_norm(h->items[i].quantity), "0") != 0)
			return true;
	}
	return false;
}

/* A minted asset of supply 1 with its holders known. */
static void
verified(struct cs_verify_result *res, const struct cs_bf_holders *h,
    const char *buyer)
{
	const struct cs_bf_holder *main = main_holder(h);
	char others[48] = "";

	if (h->n > 1)
		snprintf(others, sizeof(others), " (and %zu other address%s)",
		    h->n - 1, h->n == 2 ? "" : "es");
	res->status = CS_CHAIN_VERIFIED;
	if (buyer == NULL || *buyer == '\0')
		set_message(res, "minted, quantity 1; held by %s%s",
		    main->address, others);
	else if (holds(h, buyer))
		set_message(res, "minted, quantity 1; held by the buyer %s%s",
		    buyer, others);
	else
		set_message(res,
		    "minted, quantity 1; held by %s%s, not the "
		    "buyer %s",
		    main->address, others, buyer);
}

/*
 * NMKR's initialMintTxHash of the NFT (learnt from GetNfts) against
 * Blockfrost's initial_mint_tx_hash: another transaction minted the asset,
 * so the sale is not what NMKR says. Unknown on either side: no judgement.
 * @return true when the result is `mismatch`.
 */
static bool
mint_differs(
    struct run *r, struct cs_verify_result *res, const struct cs_bf_asset *a)
{
	struct cs_error err = CS_ERROR_INIT;
	char *nmkr = NULL;
	bool differs;

	if (a->initial_mint_tx_hash == NULL || *a->initial_mint_tx_hash == '\0')
		return false;
	if (cs_store_nft_mint_get(r->store, res->nft_id, &nmkr, &err) < 0) {
		cs_log_warn("verify", "mint of NFT %lld: %s",
		    (long long)res->nft_id, cs_error_msg(&err));
		return false;
	}
	differs = nmkr != NULL && strcmp(nmkr, a->initial_mint_tx_hash) != 0;
	if (differs) {
		res->status = CS_CHAIN_MISMATCH;
		set_message(res,
		    "minted by transaction %.64s, not by NMKR's %.64s: "
		    "another mint of this asset id",
		    a->initial_mint_tx_hash, nmkr);
	}
	free(nmkr);
	return differs;
}

/*
 * Ask Blockfrost about one asset. @return true when the result is an
 * answer to keep in the cache, false when a request failed.
 */
static bool
ask(struct run *r, struct cs_verify_result *res, const char *buyer)
{
	struct cs_error err = CS_ERROR_INIT;
	struct cs_bf_holders h;
	struct cs_bf_asset a;
	const char *q;
	bool keep = true;
	int error;

	cs_bf_holders_init(&h);
	res->checked_at = r->now;
	error = cs_blockfrost_get_asset(r->v->bf, res->asset_id, &a, &err);
	if (error == CS_ENOTFOUND) {
		res->status = CS_CHAIN_PENDING;
		set_message(res, "not minted yet: Blockfrost does not know "
		                 "the asset (HTTP 404)");
		goto out;
	}
	if (error < 0) {
		failed(r, res, &err);
		keep = false;
		goto out;
	}
	if (strcmp(a.asset, res->asset_id) != 0) {
		cs_error_set(&err, CS_EPARSE,
		    "blockfrost answered for another asset (%.130s)", a.asset);
		failed(r, res, &err);
		keep = false;
		goto out;
	}
	if (mint_differs(r, res, &a))
		goto out;
	q = cs_bf_quantity_norm(a.quantity);
	if (strcmp(q, "0") == 0) {
		res->status = CS_CHAIN_ERROR;
		set_message(res,
		    "burned: the supply is 0 (%lld mints and burns)",
		    (long long)a.mint_or_burn_count);
		goto out;
	}
	error = cs_blockfrost_get_holders(r->v->bf, res->asset_id, &h, &err);
	if (error < 0) {
		failed(r, res, &err);
		keep = false;
		goto out;
	}
	res->addresses = addresses_json(&h);
	if (strcmp(q, "1") != 0) {
		res->status = CS_CHAIN_ERROR;
		set_message(res,
		    "quantity is %.40s, not 1: not a unique NFT (%zu holder%s)",
		    q, h.n, h.n == 1 ? "" : "s");
	} else if (h.n == 0) {
		res->status = CS_CHAIN_ERROR;
		set_message(res, "minted, quantity 1, but Blockfrost lists no "
		                 "holder");
	} else {
		verified(res, &h, buyer);
	}
	if (h.truncated) {
		char *m = cs_xasprintf("%s (only the first %d holders read)",
		    res->message, CS_BF_MAX_HOLDER_PAGES * CS_BF_PAGE_SIZE);

		free(res->message);
		res->message = m;
	}
out:
	cs_bf_holders_dispose(&h);
	cs_bf_asset_dispose(&a);
	return keep;
}

/* A fresh enough chain_checks row of this asset: reuse it. */
static bool
from_cache(struct run *r, struct cs_verify_result *res)
{
	struct cs_error err = CS_ERROR_INIT;
	struct cs_chain_check k;
	bool hit;

	if (r->opts->refresh || strlen(res->asset_id) > CS_MAX_ASSET_ID)
		return false;
	if (cs_store_chain_check_get(r->store, res->asset_id, &k, &err) < 0) {
		if (err.code != CS_ENOTFOUND)
			cs_log_warn("verify", "cache of %s: %s", res->asset_id,
			    cs_error_msg(&err));
		return false;
	}
	hit = k.checked_at <= r->now &&
	      r->now - k.checked_at < CS_CHAIN_CACHE_MS &&
	      (k.nft_id == 0 || k.nft_id == res->nft_id);
	if (hit) {
		res->status = k.status;
		res->message = k.message;
		res->addresses = k.addresses;
		res->checked_at = k.checked_at;
		res->cached = true;
		k.message = NULL;
		k.addresses = NULL;
	}
	cs_chain_check_dispose(&k);
	return hit;
}

static void
remember(struct run *r, const struct cs_verify_result *res)
{
	struct cs_error err = CS_ERROR_INIT;
	struct cs_chain_check k;

	if (*res->asset_id == '\0' || strlen(res->asset_id) > CS_MAX_ASSET_ID)
		return;
	memset(&k, 0, sizeof(k));
	k.asset_id = res->asset_id;
	k.nft_id = res->nft_id;
	k.status = res->status;
	k.message = res->message;
	k.addresses = res->addresses;
	k.checked_at = r->now;
	if (cs_store_chain_check_put(r->store, &k, &err) < 0)
		cs_log_warn("verify", "cannot cache the check of %s: %s",
		    res->asset_id, cs_error_msg(&err));
}

static void
check_one(struct run *r, const struct cs_nft *n, struct cs_verify_result *res)
{
	res->nft_id = n->id;
	res->nft_number = n->nft_number;
	res->nft_uid = cs_xstrdup(n->nft_uid);
	res->nft_name = cs_xstrdup(n->name != NULL ? n->name : "");
	res->asset_id = cs_xstrdup(n->asset_id);
	if (!cs_blockfrost_is_asset_id(n->asset_id)) {
		/* Never re-encoded or guessed at: NMKR's id as stored. */
		res->status = CS_CHAIN_ERROR;
		set_message(res,
		    "not a Cardano asset id: '%.130s' is not 56 to %d "
		    "lowercase hex digits (policy id + hex asset name)",
		    n->asset_id, CS_MAX_ASSET_ID);
		res->checked_at = r->now;
		remember(r, res);
		return;
	}
	if (r->out->stopped) {
		res->status = CS_CHAIN_ERROR;
		set_message(res, "not checked: %s; verification stopped",
		    r->out->stop_reason);
		r->out->skipped++;
		return;
	}
	if (from_cache(r, res)) {
		r->out->cached++;
		return;
	}
	if (ask(r, res, n->sold_to))
		remember(r, res);
}

/* ---- Runs ------------------------------------------------------------- */

void
cs_verify_nfts(struct cs_verifier *v, struct cs_store *store,
    const struct cs_nft *nfts, size_t n, const struct cs_verify_opts *opts,
    struct cs_verify_results *out)
{
	struct run r;
	int64_t before;
	size_t i;

	memset(out, 0, sizeof(*out));
	memset(&r, 0, sizeof(r));
	r.v = v;
	r.store = store;
	r.opts = opts;
	r.now = opts->now != 0 ? opts->now : cs_now_ms();
	r.out = out;
	before = cs_blockfrost_attempts(v->bf);
	out->items = cs_xcalloc(n + 1, sizeof(*out->items));
	for (i = 0; i < n; i++) {
		check_one(&r, &nfts[i], &out->items[i]);
		out->n++;
		switch (out->items[i].status) {
		case CS_CHAIN_VERIFIED:
			out->verified++;
			break;
		case CS_CHAIN_PENDING:
			out->pending++;
			break;
		case CS_CHAIN_ERROR:
			out->errors++;
			break;
		case CS_CHAIN_MISMATCH:
			out->mismatch++;
			break;
		}
	}
	out->requests = cs_blockfrost_attempts(v->bf) - before;
}

int
cs_verify_campaign(struct cs_verifier *v, struct cs_store *store,
    int64_t campaign_id, const struct cs_verify_opts *opts,
    struct cs_verify_results *out, struct cs_error *err)
{
	struct cs_campaign camp;
	struct candidates c;
	int error;

	memset(out, 0, sizeof(*out));
	memset(&c, 0, sizeof(c));
	error = cs_store_campaign_get(store, campaign_id, &camp, err);
	if (error < 0)
		return error;
	cs_campaign_dispose(&camp);
	error = cs_store_chain_candidates(store, campaign_id,
	    opts->limit > 0 ? opts->limit : 0, candidate_cb, &c, err);
	if (error < 0)
		goto out;
	cs_verify_nfts(v, store, c.nfts, c.n, opts, out);
	cs_log_info("verify",
	    "campaign %lld: %zu checked (%zu verified, %zu pending, %zu "
	    "mismatches, %zu errors; %zu from the cache), %lld requests",
	    (long long)campaign_id, out->n, out->verified, out->pending,
	    out->mismatch, out->errors, out->cached, (long long)out->requests);
out:
	candidates_dispose(&c);
	return error;
}

cJSON *
cs_verify_results_json(const struct cs_verify_results *r)
{
	cJSON *list = cJSON_CreateArray(), *o, *addrs;
	size_t i;

	for (i = 0; i < r->n; i++) {
		const struct cs_verify_result *x = &r->items[i];

		o = cJSON_CreateObject();
		cs_json_add_str(o, CS_RK_NFT_NAME, x->nft_name);
		cs_json_add_str(o, CS_RK_NFT_UID, x->nft_uid);
		cs_json_add_str(
		    o, CS_RK_STATUS, cs_chain_status_name(x->status));
		cs_json_add_str(o, CS_RK_MESSAGE, x->message);
		addrs = x->addresses != NULL ? cJSON_Parse(x->addresses) : NULL;
		if (cJSON_IsArray(addrs))
			cJSON_AddItemToObject(o, "currentAddresses", addrs);
		else
			cJSON_Delete(addrs);
		cJSON_AddItemToArray(list, o);
	}
	return list;
}

static void add_warning(cJSON *warnings, const char *fmt, ...) CS_PRINTF(2, 3);

static void
add_warning(cJSON *warnings, const char *fmt, ...)
{
	char msg[768];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	cJSON_AddItemToArray(warnings, cJSON_CreateString(msg));
}

void
cs_verify_add_warnings(const struct cs_verify_results *r, cJSON *warnings)
{
	if (r->stopped)
		add_warning(warnings,
		    "chain verification stopped: %s; %zu NFT%s not checked "
		    "(%s)",
		    r->stop_reason, r->skipped, r->skipped == 1 ? "" : "s",
		    r->first_failure);
	else if (r->failed > 0)
		add_warning(warnings,
		    "chain verification: %zu check%s failed and will be "
		    "tried again first (%s)",
		    r->failed, r->failed == 1 ? "" : "s", r->first_failure);
}

cJSON *
cs_verify_report_json(int64_t campaign_id, const struct cs_verify_results *r)
{
	cJSON *o = cJSON_CreateObject();

	cs_json_add_int(o, "campaignId", campaign_id);
	cJSON_AddItemToObject(
	    o, "blockchainResults", cs_verify_results_json(r));
	cs_json_add_int(o, "verifiedCount", (int64_t)r->verified);
	cs_json_add_int(o, "pendingCount", (int64_t)r->pending);
	cs_json_add_int(o, "errorCount", (int64_t)r->errors);
	cs_json_add_int(o, "mismatchCount", (int64_t)r->mismatch);
	cs_json_add_int(o, "fromCache", (int64_t)r->cached);
	cs_json_add_int(o, "requests", r->requests);
	cJSON_AddBoolToObject(o, "stopped", r->stopped);
	if (r->stopped)
		cs_json_add_str(o, "stopReason", r->stop_reason);
	cs_verify_add_warnings(r, cJSON_AddArrayToObject(o, "warnings"));
	return o;
}

void
cs_verify_for_sync(struct cs_verifier *v, struct cs_store *store,
    int64_t campaign_id, int limit, struct cs_sync_report *report)
{
	struct cs_verify_opts o = CS_VERIFY_OPTS_INIT;
	struct cs_error err = CS_ERROR_INIT;
	cJSON *warnings, *w;

	if (limit < 1)
		return;
	o.limit = limit;
	if (cs_verify_campaign(
	        v, store, campaign_id, &o, &report->chain, &err) < 0) {
		cs_log_warn("verify", "campaign %lld: %s",
		    (long long)campaign_id, cs_error_msg(&err));
		cs_report_warn(report, "chain verification could not run: %s",
		    cs_error_msg(&err));
		return;
	}
	report->chain_ran = true;
	warnings = cJSON_CreateArray();
	cs_verify_add_warnings(&report->chain, warnings);
	cJSON_ArrayForEach(w, warnings)
		cs_report_warn(report, "%s", w->valuestring);
	cJSON_Delete(warnings);
}

/* ---- Coverage ----------------------------------------------------------- */

/* n with thousands separators: 1,980. */
static void
thousands(int64_t n, char *out, size_t size)
{
	char digits[32], buf[48];
	size_t len, i, k = 0;

	snprintf(digits, sizeof(digits), "%lld", (long long)(n < 0 ? 0 : n));
	len = strlen(digits);
	for (i = 0; i < len && k + 2 < sizeof(buf); i++) {
		if (i > 0 && (len - i) % 3 == 0)
			buf[k++] = ',';
		buf[k++] = digits[i];
	}
	buf[k] = '\0';
	cs_str_copy(out, buf, size);
}

/* A wait for people: "40 s", "3 min", "5 h", "2 d". */
static void
age(int64_t seconds, char *out, size_t size)
{
	if (seconds < 60)
		snprintf(out, size, "%lld s", (long long)seconds);
	else if (seconds < 3600)
		snprintf(out, size, "%lld min", (long long)(seconds / 60));
	else if (seconds < 86400 * 2)
		snprintf(out, size, "%lld h", (long long)(seconds / 3600));
	else
		snprintf(out, size, "%lld d", (long long)(seconds / 86400));
}

int64_t
cs_verify_oldest_seconds(const struct cs_chain_coverage *c, int64_t now)
{
	return c->oldest_due > 0 && now > c->oldest_due
	           ? (now - c->oldest_due) / 1000
	           : 0;
}

void
cs_verify_coverage_line(
    const struct cs_chain_coverage *c, int64_t now, char *out, size_t size)
{
	char v[32], s[32], a[32], extra[96] = "";
	size_t k = 0;

	thousands(c->verified, v, sizeof(v));
	thousands(c->sold, s, sizeof(s));
	if (c->mismatch > 0)
		k += (size_t)snprintf(extra + k, sizeof(extra) - k,
		    ", %lld mismatch%s", (long long)c->mismatch,
		    c->mismatch == 1 ? "" : "es");
	if (c->errors > 0 && k < sizeof(extra))
		k += (size_t)snprintf(extra + k, sizeof(extra) - k,
		    ", %lld error%s", (long long)c->errors,
		    c->errors == 1 ? "" : "s");
	if (c->pending > 0 && k < sizeof(extra))
		snprintf(extra + k, sizeof(extra) - k, ", %lld not minted yet",
		    (long long)c->pending);
	if (c->unverified > 0) {
		age(cs_verify_oldest_seconds(c, now), a, sizeof(a));
		snprintf(out, size,
		    "%s of %s sales verified, oldest pending %s%s", v, s, a,
		    extra);
	} else {
		snprintf(out, size, "%s of %s sales verified, none pending%s",
		    v, s, extra);
	}
}

static int
problem_json(const struct cs_chain_check *k, const char *uid, const char *name,
    void *payload)
{
	cJSON *o = cJSON_CreateObject();

	cs_json_add_str(o, "nftName", name != NULL ? name : "");
	cs_json_add_str(o, "nftUid", uid != NULL ? uid : "");
	cs_json_add_str(o, "assetId", k->asset_id);
	cs_json_add_str(o, "status", cs_chain_status_name(k->status));
	cs_json_add_str(o, "message", k->message != NULL ? k->message : "");
	cs_json_add_int(o, "checkedAt", k->checked_at);
	cJSON_AddItemToArray(payload, o);
	return 0;
}

int
cs_verify_coverage_json(struct cs_store *store, int64_t campaign_id,
    int64_t now, int64_t recheck_ms, cJSON **out, struct cs_error *err)
{
	struct cs_chain_coverage c;
	char line[256];
	cJSON *o, *problems;
	int error;

	*out = NULL;
	error = cs_store_chain_coverage(
	    store, campaign_id, now, recheck_ms, &c, err);
	if (error < 0)
		return error;
	o = cJSON_CreateObject();
	cs_json_add_int(o, "campaignId", campaign_id);
	cs_json_add_int(o, "sold", c.sold);
	cs_json_add_int(o, "verified", c.verified);
	cs_json_add_int(o, "pending", c.pending);
	cs_json_add_int(o, "mismatch", c.mismatch);
	cs_json_add_int(o, "errors", c.errors);
	cs_json_add_int(o, "unverified", c.unverified);
	cs_json_add_int(o, "oldestPendingSeconds",
	    c.unverified > 0 ? cs_verify_oldest_seconds(&c, now) : 0);
	cs_json_add_int(o, "recheckSeconds", recheck_ms / 1000);
	cs_verify_coverage_line(&c, now, line, sizeof(line));
	cs_json_add_str(o, "summary", line);
	problems = cJSON_AddArrayToObject(o, "problems");
	error = cs_store_chain_problems(store, campaign_id, CS_VERIFY_PROBLEMS,
	    problem_json, problems, err);
	if (error < 0) {
		cJSON_Delete(o);
		return error;
	}
	*out = o;
	return 0;
}
