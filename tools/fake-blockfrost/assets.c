/* SPDX-License-Identifier: MIT */
/*
 * fake-blockfrost's chain: assets with their holders and the mint
 * transactions behind them, changed only through the control interface
 * (mint, move, burn) or the seed file, and the /__fake/ endpoints for them.
 */
#include "bf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "jsonw.h"
#include "util/log.h"
#include "util/str.h"
#include "util/time.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define MAX_PATH 2048
#define MAX_SEGS 8
#define SEED_MAX_BYTES (256u * 1024u * 1024u)
#define MAX_ASSET_HEX 120

void
cs_fbf__init(struct fbf *f)
{
	memset(f, 0, sizeof(*f));
	pthread_rwlock_init(&f->lock, NULL);
	pthread_mutex_init(&f->lim_lock, NULL);
	cs_fmap_init(&f->assets);
	cs_fmap_init(&f->txs);
	cs_fmap_init(&f->clients);
	f->next_height = FBF_FIRST_BLOCK;
}

static void
holders_free(struct fbf_asset *a)
{
	size_t i;

	for (i = 0; i < a->nholders; i++) {
		free(a->holders[i].address);
		free(a->holders[i].quantity);
	}
	free(a->holders);
	a->holders = NULL;
	a->nholders = 0;
}

static void
asset_free(void *v)
{
	struct fbf_asset *a = v;

	if (a == NULL)
		return;
	holders_free(a);
	free(a->asset);
	free(a->policy_id);
	free(a->asset_name);
	free(a->onchain_metadata);
	free(a->onchain_metadata_standard);
	free(a);
}

static void
tx_free(void *v)
{
	struct fbf_tx *t = v;
	size_t i;

	if (t == NULL)
		return;
	for (i = 0; i < t->nassets; i++)
		free(t->assets[i]);
	free(t->assets);
	free(t);
}

void
cs_fbf__dispose(struct fbf *f)
{
	cs_fmap_dispose(&f->assets, asset_free);
	cs_fmap_dispose(&f->txs, tx_free);
	cs_fmap_dispose(&f->clients, free);
	free(f->win);
	pthread_rwlock_destroy(&f->lock);
	pthread_mutex_destroy(&f->lim_lock);
}

void
cs_fbf__write_asset(struct cs_jw *w, const struct fbf_asset *a)
{
	cs_jw_obj(w);
	cs_jw_kstr(w, "asset", a->asset);
	cs_jw_kstr(w, "policy_id", a->policy_id);
	cs_jw_kstr(w, "asset_name", a->asset_name);
	cs_jw_kstr(w, "fingerprint", a->fingerprint);
	cs_jw_kstr(w, "quantity", a->quantity);
	cs_jw_kstr(w, "initial_mint_tx_hash", a->initial_mint_tx);
	cs_jw_ki64(w, "mint_or_burn_count", a->mint_or_burn_count);
	cs_jw_key(w, "onchain_metadata");
	if (a->onchain_metadata != NULL)
		cs_jw_raw(w, a->onchain_metadata, strlen(a->onchain_metadata));
	else
		cs_jw_null(w);
	cs_jw_kstr(
	    w, "onchain_metadata_standard", a->onchain_metadata_standard);
	cs_jw_knull(w, "onchain_metadata_extra");
	cs_jw_knull(w, "metadata");
	cs_jw_obj_end(w);
}

/* Record that tx minted or burned unit, creating the tx in a new block. */
static void
tx_touch(struct fbf *f, const char *hash, const char *unit)
{
	struct fbf_tx *t = cs_fmap_get(&f->txs, hash);
	char seed[64];

	if (t == NULL) {
		t = cs_xcalloc(1, sizeof(*t));
		cs_str_copy(t->hash, hash, sizeof(t->hash));
		t->height = f->next_height++;
		snprintf(
		    seed, sizeof(seed), "block:%lld", (long long)t->height);
		cs_fake_hash_hex(seed, 32, t->block);
		t->time_s = cs_now_ms() / 1000;
		cs_fmap_put(&f->txs, t->hash, t);
	}
	t->assets =
	    cs_xreallocarray(t->assets, t->nassets + 1, sizeof(*t->assets));
	t->assets[t->nassets++] = cs_xstrdup(unit);
}

static bool
valid_asset_id(const char *s)
{
	size_t len = strlen(s);

	return len >= 56 && len <= MAX_ASSET_HEX && len % 2 == 0 &&
	       cs_str_is_hex_lower(s);
}

/*
 * Mint asset o (or move it: replace its holders). @return 1 minted,
 * 2 moved, or a negative code with why filled. Needs the write lock.
 */
static int
apply_mint(struct fbf *f, const cJSON *o, char *why, size_t whysize)
{
	const cJSON *id, *holders, *h, *tx, *meta, *std;
	struct fbf_asset *a;
	struct fbf_holder *list = NULL;
	size_t n = 0, i;
	int64_t total = 0, q;
	char seed[MAX_ASSET_HEX + 16], addr[CS_FAKE_ADDRESS_MAX + 1], txbuf[65];
	const char *addr_s, *qty_s;
	int result;

	id = cJSON_GetObjectItemCaseSensitive(o, "asset");
	if (!cJSON_IsString(id) || !valid_asset_id(id->valuestring)) {
		snprintf(why, whysize,
		    "asset must be 56 hex chars of policy id plus an even "
		    "number (up to 64) of lowercase hex chars of name");
		return CS_EINVAL;
	}
	holders = cJSON_GetObjectItemCaseSensitive(o, "holders");
	if (holders != NULL && !cJSON_IsArray(holders)) {
		snprintf(why, whysize, "holders must be an array");
		return CS_EINVAL;
	}
	list =
	    cs_xcalloc((size_t)cJSON_GetArraySize(holders) + 1, sizeof(*list));
	cJSON_ArrayForEach(h, holders) {
		addr_s = cJSON_GetStringValue(
		    cJSON_GetObjectItemCaseSensitive(h, "address"));
		qty_s = cJSON_GetStringValue(
		    cJSON_GetObjectItemCaseSensitive(h, "quantity"));
		if (qty_s == NULL)
			qty_s = "1";
		if (addr_s == NULL || *addr_s == '\0' ||
		    cs_str_to_i64(qty_s, 0, INT64_MAX / 2, &q) < 0) {
			snprintf(why, whysize,
			    "a holder is {\"address\":A,\"quantity\":\"N\"}");
			for (i = 0; i < n; i++) {
				free(list[i].address);
				free(list[i].quantity);
			}
			free(list);
			return CS_EINVAL;
		}
		total += q;
		list[n].address = cs_xstrdup(addr_s);
		list[n].quantity = cs_xstrdup(qty_s);
		n++;
	}
	if (n == 0) {
		snprintf(seed, sizeof(seed), "holder:%s", id->valuestring);
		cs_fake_address(seed, false, addr);
		list[0].address = cs_xstrdup(addr);
		list[0].quantity = cs_xstrdup("1");
		n = 1;
		total = 1;
	}
	a = cs_fmap_get(&f->assets, id->valuestring);
	if (a == NULL) {
		a = cs_xcalloc(1, sizeof(*a));
		a->asset = cs_xstrdup(id->valuestring);
		a->policy_id = cs_xstrndup(a->asset, 56);
		a->asset_name =
		    a->asset[56] != '\0' ? cs_xstrdup(a->asset + 56) : NULL;
		cs_fake_fingerprint(a->asset, a->fingerprint);
		cs_fmap_put(&f->assets, a->asset, a);
	}
	if (a->mint_or_burn_count == 0 || strcmp(a->quantity, "0") == 0) {
		/* A first mint, or a mint after a burn. */
		tx = cJSON_GetObjectItemCaseSensitive(o, "initialMintTxHash");
		if (cJSON_IsString(tx) && *tx->valuestring != '\0') {
			cs_str_copy(txbuf, tx->valuestring, sizeof(txbuf));
		} else {
			snprintf(seed, sizeof(seed), "mint:%s:%lld", a->asset,
			    (long long)a->mint_or_burn_count);
			cs_fake_hash_hex(seed, 32, txbuf);
		}
		if (a->mint_or_burn_count == 0)
			cs_str_copy(a->initial_mint_tx, txbuf,
			    sizeof(a->initial_mint_tx));
		tx_touch(f, txbuf, a->asset);
		a->mint_or_burn_count++;
		result = 1;
	} else {
		result = 2;
	}
	holders_free(a);
	a->holders = list;
	a->nholders = n;
	snprintf(a->quantity, sizeof(a->quantity), "%lld", (long long)total);
	meta = cJSON_GetObjectItemCaseSensitive(o, "onchainMetadata");
	if (meta != NULL && !cJSON_IsNull(meta)) {
		free(a->onchain_metadata);
		a->onchain_metadata = cJSON_PrintUnformatted(meta);
	}
	std = cJSON_GetObjectItemCaseSensitive(o, "onchainMetadataStandard");
	if (cJSON_IsString(std)) {
		free(a->onchain_metadata_standard);
		a->onchain_metadata_standard = cs_xstrdup(std->valuestring);
	} else if (a->onchain_metadata != NULL &&
	           a->onchain_metadata_standard == NULL) {
		a->onchain_metadata_standard = cs_xstrdup("CIP25v1");
	}
	return result;
}

/* Mint a body: one asset object, or {"assets":[...]}. */
static int
mint_doc(struct fbf *f, const cJSON *doc, size_t *minted, size_t *moved,
    char *why, size_t whysize)
{
	const cJSON *arr, *it;
	int rc;

	arr = cJSON_GetObjectItemCaseSensitive(doc, "assets");
	if (arr == NULL) {
		rc = apply_mint(f, doc, why, whysize);
		if (rc < 0)
			return rc;
		*(rc == 1 ? minted : moved) += 1;
		return 0;
	}
	if (!cJSON_IsArray(arr)) {
		snprintf(why, whysize, "assets must be an array");
		return CS_EINVAL;
	}
	cJSON_ArrayForEach(it, arr) {
		rc = apply_mint(f, it, why, whysize);
		if (rc < 0)
			return rc;
		*(rc == 1 ? minted : moved) += 1;
	}
	return 0;
}

int
cs_fbf__seed(struct fbf *f, struct cs_error *err)
{
	cJSON *doc = NULL;
	char *text = NULL, why[256];
	size_t len = 0, minted = 0, moved = 0;
	int error;

	if (f->opts.seed == NULL)
		return 0;
	error =
	    cs_fake_read_file(f->opts.seed, SEED_MAX_BYTES, &text, &len, err);
	if (error < 0)
		goto out;
	doc = cJSON_ParseWithLength(text, len);
	if (!cJSON_IsObject(doc)) {
		error = cs_error_set(err, CS_EPARSE,
		    "seed: %s is not a JSON "
		    "object",
		    f->opts.seed);
		goto out;
	}
	error = mint_doc(f, doc, &minted, &moved, why, sizeof(why));
	if (error < 0) {
		cs_error_set(err, error, "seed: %s", why);
		goto out;
	}
	cs_log_info("fake-blockfrost", "seeded %zu asset(s)", minted);
out:
	cJSON_Delete(doc);
	free(text);
	return error;
}

/* ---- Control ------------------------------------------------------------ */

static void
control_mint(
    struct fbf *f, struct cs_fake_resp *out, const struct cs_fake_req *req)
{
	cJSON *doc = NULL;
	const cJSON *id;
	const struct fbf_asset *a;
	struct cs_jw w;
	size_t minted = 0, moved = 0;
	char why[256];
	int error;

	doc = cJSON_ParseWithLength(req->body, req->body_len);
	if (!cJSON_IsObject(doc)) {
		cs_fake_resp_errorf(out, 400, "body must be a JSON object");
		goto out;
	}
	cs_jw_init(&w, CS_FAKE_MAX_RESPONSE);
	pthread_rwlock_wrlock(&f->lock);
	error = mint_doc(f, doc, &minted, &moved, why, sizeof(why));
	if (error < 0) {
		pthread_rwlock_unlock(&f->lock);
		cs_jw_dispose(&w);
		cs_fake_resp_errorf(out, 400, "%s", why);
		goto out;
	}
	id = cJSON_GetObjectItemCaseSensitive(doc, "asset");
	a = cJSON_IsString(id) ? cs_fmap_get(&f->assets, id->valuestring)
	                       : NULL;
	if (a != NULL) {
		cs_fbf__write_asset(&w, a);
	} else {
		cs_jw_obj(&w);
		cs_jw_ki64(&w, "minted", (int64_t)minted);
		cs_jw_ki64(&w, "moved", (int64_t)moved);
		cs_jw_obj_end(&w);
	}
	pthread_rwlock_unlock(&f->lock);
	cs_log_info(
	    "fake-blockfrost", "minted %zu, moved %zu asset(s)", minted, moved);
	cs_fake_resp_jw(out, 200, &w);
out:
	cJSON_Delete(doc);
}

static void
control_burn(struct fbf *f, struct cs_fake_resp *out, const char *id)
{
	struct fbf_asset *a;
	struct cs_jw w;
	char seed[MAX_ASSET_HEX + 32], tx[65];

	cs_jw_init(&w, 1024 * 1024);
	pthread_rwlock_wrlock(&f->lock);
	a = cs_fmap_get(&f->assets, id);
	if (a == NULL) {
		pthread_rwlock_unlock(&f->lock);
		cs_jw_dispose(&w);
		cs_fake_resp_errorf(out, 404, "asset %s was never minted", id);
		return;
	}
	if (strcmp(a->quantity, "0") != 0) {
		snprintf(seed, sizeof(seed), "burn:%s:%lld", a->asset,
		    (long long)a->mint_or_burn_count);
		cs_fake_hash_hex(seed, 32, tx);
		tx_touch(f, tx, a->asset);
		a->mint_or_burn_count++;
		cs_str_copy(a->quantity, "0", sizeof(a->quantity));
		holders_free(a);
	}
	cs_fbf__write_asset(&w, a);
	pthread_rwlock_unlock(&f->lock);
	cs_log_info("fake-blockfrost", "burned %s", id);
	cs_fake_resp_jw(out, 200, &w);
}

struct list_ctx {
	struct cs_jw *w;
};

static void
list_one(const char *key, void *val, void *payload)
{
	struct list_ctx *lc = payload;
	const struct fbf_asset *a = val;

	(void)key;
	cs_jw_obj(lc->w);
	cs_jw_kstr(lc->w, "asset", a->asset);
	cs_jw_kstr(lc->w, "quantity", a->quantity);
	cs_jw_ki64(lc->w, "holders", (int64_t)a->nholders);
	cs_jw_obj_end(lc->w);
}

static void
control_list(struct fbf *f, struct cs_fake_resp *out)
{
	struct cs_jw w;
	struct list_ctx lc = {&w};

	cs_jw_init(&w, CS_FAKE_MAX_RESPONSE);
	cs_jw_arr(&w);
	pthread_rwlock_rdlock(&f->lock);
	cs_fmap_each(&f->assets, list_one, &lc);
	pthread_rwlock_unlock(&f->lock);
	cs_jw_arr_end(&w);
	cs_fake_resp_jw(out, 200, &w);
}

void
cs_fbf__control(
    struct cs_fake_resp *out, const struct cs_fake_req *req, void *payload)
{
	struct fbf *f = payload;
	char path[MAX_PATH], *segs[MAX_SEGS];
	const char *m = req->method;
	int n;

	if (!cs_str_copy(path, req->path, sizeof(path)))
		return;
	n = cs_fake_split_path(path, segs, MAX_SEGS);
	if (n < 2 || strcmp(segs[0], "__fake") != 0)
		return;
	if (strcmp(segs[1], "assets") == 0) {
		if (n == 2 && strcmp(m, "POST") == 0)
			control_mint(f, out, req);
		else if (n == 2 && strcmp(m, "GET") == 0)
			control_list(f, out);
		else if (n == 3 && strcmp(m, "DELETE") == 0)
			control_burn(f, out, segs[2]);
	} else if (n == 2 && strcmp(segs[1], "reset") == 0 &&
	           strcmp(m, "POST") == 0) {
		cs_fbf__limits_reset(f);
		cs_fakehttp_reset(f->http, true, true, true);
		cs_log_info("fake-blockfrost", "reset limits, bans, stats and "
		                               "faults");
		cs_fake_resp_copy(out, 200, "{\"ok\":true}");
	}
}
