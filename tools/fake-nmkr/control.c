/* SPDX-License-Identifier: MIT */
/*
 * fake-nmkr's control interface under /__fake/ (NFT states, adding and
 * removing NFTs, resets, signed webhooks) and its outgoing calls: webhooks
 * signed as NMKR signs them (docs/upstream.md §1.7) and mints/burns on
 * fake-blockfrost so the chain agrees with the sales.
 */
#include "nmkr.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "client.h"
#include "jsonw.h"
#include "util/log.h"
#include "util/str.h"
#include "util/time.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define MAX_PATH 2048
#define MAX_SEGS 8
#define CHAIN_TIMEOUT_MS 30000

static const char *
jstr(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static cJSON *
parse_body(const struct cs_fake_req *req, struct cs_fake_resp *out)
{
	cJSON *doc;

	if (req->body_len == 0)
		return cJSON_CreateObject();
	doc = cJSON_ParseWithLength(req->body, req->body_len);
	if (doc == NULL || !cJSON_IsObject(doc)) {
		cJSON_Delete(doc);
		cs_fake_resp_errorf(out, 400, "body must be a JSON object");
		return NULL;
	}
	return doc;
}

/* ---- fake-blockfrost -------------------------------------------------- */

/* The control root of --blockfrost: the URL without a trailing /api/v0. */
static char *
chain_root(const struct fnmkr *f)
{
	char *root = cs_xstrdup(f->opts.blockfrost);
	size_t len = strlen(root);

	while (len > 0 && root[len - 1] == '/')
		root[--len] = '\0';
	if (len >= 7 && strcmp(root + len - 7, "/api/v0") == 0)
		root[len - 7] = '\0';
	return root;
}

/* One asset object for POST /__fake/assets. */
static void
write_mint(struct cs_jw *w, const struct fnmkr *f, const struct fnmkr_nft *n)
{
	char addr[CS_FAKE_ADDRESS_MAX + 1], image[64];

	if (n->receiver == NULL)
		cs_fnmkr__buyer(f, n, addr);
	snprintf(image, sizeof(image), "ipfs://%s", n->ipfshash);
	cs_jw_obj(w);
	cs_jw_kstr(w, "asset", n->assetid);
	cs_jw_kstr(w, "fingerprint", n->fingerprint);
	cs_jw_key(w, "holders");
	cs_jw_arr(w);
	cs_jw_obj(w);
	cs_jw_kstr(w, "address", n->receiver != NULL ? n->receiver : addr);
	cs_jw_kstr(w, "quantity", "1");
	cs_jw_obj_end(w);
	cs_jw_arr_end(w);
	cs_jw_kstr(w, "initialMintTxHash", n->mint_tx);
	cs_jw_key(w, "onchainMetadata");
	cs_jw_obj(w);
	cs_jw_kstr(w, "name", n->displayname);
	cs_jw_kstr(w, "image", image);
	cs_jw_kstr(w, "mediaType", "image/png");
	cs_jw_obj_end(w);
	cs_jw_kstr(w, "onchainMetadataStandard", "CIP25v1");
	cs_jw_obj_end(w);
}

static int
chain_send(struct fnmkr *f, const char *method, const char *url,
    const char *body, size_t len, char *why, size_t whysize)
{
	struct cs_fake_post res;
	char hdr[300];
	const char *headers[2] = {NULL, NULL};
	int error;

	if (f->opts.blockfrost_project_id != NULL) {
		snprintf(hdr, sizeof(hdr), "project_id: %s",
		    f->opts.blockfrost_project_id);
		headers[0] = hdr;
	}
	error = cs_fake_send_json(&res, method, url, body, len, headers,
	    CHAIN_TIMEOUT_MS,
	    f->http != NULL ? cs_fakehttp_stopping(f->http) : NULL);
	if (error == 0 && (res.status < 200 || res.status > 299)) {
		snprintf(
		    why, whysize, "%s %s: HTTP %ld", method, url, res.status);
		error = -1;
	} else if (error < 0) {
		snprintf(why, whysize, "%s %s: %s", method, url, res.err);
	}
	cs_fake_post_dispose(&res);
	return error;
}

/*
 * Post the mints of the sold NFTs among uids and burn the burned ones.
 * @return 0, or -1 with why filled
 */
static int
chain_sync_uids(struct fnmkr *f, const char *const *uids, size_t n, char *why,
    size_t whysize)
{
	struct cs_jw w;
	const struct fnmkr_nft *nft;
	char *root = NULL, *url = NULL, *body = NULL, **burns = NULL;
	size_t i, nmint = 0, nburn = 0, len = 0;
	int error = 0;

	if (f->opts.blockfrost == NULL || n == 0)
		return 0;
	root = chain_root(f);
	burns = cs_xcalloc(n, sizeof(*burns));
	cs_jw_init(&w, CS_FAKE_MAX_RESPONSE);
	cs_jw_obj(&w);
	cs_jw_key(&w, "assets");
	cs_jw_arr(&w);
	pthread_rwlock_rdlock(&f->lock);
	for (i = 0; i < n; i++) {
		nft = cs_fnmkr__nft(f, uids[i]);
		if (nft == NULL)
			continue;
		if (nft->state == FNMKR_SOLD || nft->state == FNMKR_BURNED) {
			write_mint(&w, f, nft);
			nmint++;
		}
		if (nft->state == FNMKR_BURNED)
			burns[nburn++] = cs_xstrdup(nft->assetid);
	}
	pthread_rwlock_unlock(&f->lock);
	cs_jw_arr_end(&w);
	cs_jw_obj_end(&w);
	body = cs_jw_take(&w, &len);
	if (body == NULL) {
		snprintf(why, whysize, "mint batch too large");
		error = -1;
		goto out;
	}
	if (nmint > 0) {
		url = cs_xasprintf("%s/__fake/assets", root);
		error = chain_send(f, "POST", url, body, len, why, whysize);
		free(url);
		url = NULL;
		if (error < 0)
			goto out;
	}
	for (i = 0; i < nburn; i++) {
		url = cs_xasprintf("%s/__fake/assets/%s", root, burns[i]);
		error = chain_send(f, "DELETE", url, NULL, 0, why, whysize);
		free(url);
		url = NULL;
		if (error < 0)
			goto out;
	}
out:
	for (i = 0; i < nburn; i++)
		free(burns[i]);
	free(burns);
	free(body);
	free(root);
	return error;
}

void
cs_fnmkr__chain_sync(struct fnmkr *f, const char *const *uids, size_t n)
{
	char why[512];

	if (chain_sync_uids(f, uids, n, why, sizeof(why)) < 0)
		cs_log_warn("fake-nmkr", "blockfrost: %s", why);
}

int
cs_fnmkr__chain_sync_all(struct fnmkr *f, struct cs_error *err)
{
	const struct fnmkr_project *p;
	char **uids = NULL, why[512];
	size_t cap = FNMKR_MINT_BATCH, n = 0, i, j, total = 0;
	int error = 0;

	if (f->opts.blockfrost == NULL)
		return 0;
	uids = cs_xcalloc(cap, sizeof(*uids));
	/* Startup: no request threads yet, so the store is stable. */
	for (i = 0; i < f->nprojects && error == 0; i++) {
		p = f->projects[i];
		for (j = 0; j < p->len && error == 0; j++) {
			if (p->nfts[j]->state != FNMKR_SOLD &&
			    p->nfts[j]->state != FNMKR_BURNED)
				continue;
			uids[n++] = cs_xstrdup(p->nfts[j]->uid);
			if (n < cap && j + 1 < p->len)
				continue;
			error = chain_sync_uids(
			    f, (const char *const *)uids, n, why, sizeof(why));
			total += n;
			while (n > 0)
				free(uids[--n]);
		}
		if (n > 0 && error == 0) {
			error = chain_sync_uids(
			    f, (const char *const *)uids, n, why, sizeof(why));
			total += n;
		}
		while (n > 0)
			free(uids[--n]);
	}
	free(uids);
	if (error < 0)
		return cs_error_set(err, CS_EHTTP, "blockfrost: %s", why);
	cs_log_info("fake-nmkr", "minted %zu sold NFT(s) on %s", total,
	    f->opts.blockfrost);
	return 0;
}

/* ---- NFT control -------------------------------------------------------- */

static void
nft_state(struct fnmkr *f, struct cs_fake_resp *out, const char *uid,
    const struct cs_fake_req *req)
{
	struct fnmkr_nft *n;
	cJSON *doc = NULL;
	const cJSON *secs;
	const char *state_s, *uidp;
	char uidcopy[CS_FAKE_UID_LEN + 1], why[512];
	struct cs_jw w;
	int64_t reserve_ms = FNMKR_RESERVE_DEFAULT;
	int s;

	doc = parse_body(req, out);
	if (doc == NULL)
		return;
	state_s = jstr(doc, "state");
	s = cs_fnmkr__state_parse(state_s);
	if (s < 0) {
		cs_fake_resp_errorf(out, 400,
		    "state must be free, reserved, sold, error, burned or "
		    "blocked");
		goto out;
	}
	secs = cJSON_GetObjectItemCaseSensitive(doc, "reservedSeconds");
	if (cJSON_IsNumber(secs))
		reserve_ms = (int64_t)(secs->valuedouble * 1000.0);
	pthread_rwlock_wrlock(&f->lock);
	n = cs_fnmkr__nft(f, uid);
	if (n == NULL) {
		pthread_rwlock_unlock(&f->lock);
		cs_fake_resp_errorf(out, 404, "nft %s not found", uid);
		goto out;
	}
	cs_fnmkr__set_state(f, n, (enum fnmkr_state)s,
	    jstr(doc, "receiverAddress"), jstr(doc, "txHash"), reserve_ms,
	    cs_now_ms());
	cs_fnmkr__render(f, n);
	cs_fnmkr__reindex(n->project);
	cs_str_copy(uidcopy, n->uid, sizeof(uidcopy));
	pthread_rwlock_unlock(&f->lock);
	cs_log_info("fake-nmkr", "nft %s is now %s", uidcopy,
	    cs_fnmkr__state_name((enum fnmkr_state)s));
	cs_jw_init(&w, 64 * 1024);
	cs_jw_obj(&w);
	cs_jw_kstr(&w, "uid", uidcopy);
	cs_jw_kstr(&w, "state", cs_fnmkr__state_name((enum fnmkr_state)s));
	if (s == FNMKR_SOLD || s == FNMKR_BURNED) {
		uidp = uidcopy;
		if (chain_sync_uids(f, &uidp, 1, why, sizeof(why)) < 0) {
			cs_log_warn("fake-nmkr", "blockfrost: %s", why);
			cs_jw_kstr(&w, "chainError", why);
		}
	}
	cs_jw_obj_end(&w);
	cs_fake_resp_jw(out, 200, &w);
out:
	cJSON_Delete(doc);
}

static void
nft_list(
    struct fnmkr *f, struct cs_fake_resp *out, const struct cs_fake_req *req)
{
	const char *uid = cs_fake_req_arg(req, "project");
	const struct fnmkr_project *only = NULL, *p;
	const struct fnmkr_nft *n;
	struct cs_jw w;
	size_t i, j;

	cs_jw_init(&w, CS_FAKE_MAX_RESPONSE);
	pthread_rwlock_rdlock(&f->lock);
	if (uid != NULL) {
		only = cs_fnmkr__project(f, uid);
		if (only == NULL) {
			pthread_rwlock_unlock(&f->lock);
			cs_jw_dispose(&w);
			cs_fake_resp_errorf(
			    out, 404, "project %s not found", uid);
			return;
		}
	}
	cs_jw_arr(&w);
	for (i = 0; i < f->nprojects; i++) {
		p = f->projects[i];
		if (only != NULL && p != only)
			continue;
		for (j = 0; j < p->len; j++) {
			n = p->nfts[j];
			cs_jw_obj(&w);
			cs_jw_kstr(&w, "uid", n->uid);
			cs_jw_ki64(&w, "id", n->id);
			cs_jw_kstr(&w, "name", n->name);
			cs_jw_kstr(&w, "state", cs_fnmkr__state_name(n->state));
			cs_jw_kstr(&w, "project", p->uid);
			cs_jw_kstr(&w, "assetId", n->assetid);
			cs_jw_obj_end(&w);
		}
	}
	cs_jw_arr_end(&w);
	pthread_rwlock_unlock(&f->lock);
	cs_fake_resp_jw(out, 200, &w);
}

static void
nft_add(
    struct fnmkr *f, struct cs_fake_resp *out, const struct cs_fake_req *req)
{
	struct fnmkr_project *p;
	struct fnmkr_nft *n;
	const cJSON *count;
	const char *uid;
	cJSON *doc = NULL;
	struct cs_jw w;
	long k, want;

	doc = parse_body(req, out);
	if (doc == NULL)
		return;
	count = cJSON_GetObjectItemCaseSensitive(doc, "count");
	if (!cJSON_IsNumber(count) || count->valuedouble < 1 ||
	    count->valuedouble > FNMKR_MAX_ADD) {
		cs_fake_resp_errorf(
		    out, 400, "count must be 1..%d", FNMKR_MAX_ADD);
		goto out;
	}
	want = (long)count->valuedouble;
	uid = jstr(doc, "project");
	cs_jw_init(&w, CS_FAKE_MAX_RESPONSE);
	pthread_rwlock_wrlock(&f->lock);
	p = uid != NULL        ? cs_fnmkr__project(f, uid)
	    : f->nprojects > 0 ? f->projects[0]
	                       : NULL;
	if (p == NULL) {
		pthread_rwlock_unlock(&f->lock);
		cs_jw_dispose(&w);
		cs_fake_resp_errorf(out, 404, "project %s not found",
		    uid != NULL ? uid : "(none)");
		goto out;
	}
	cs_jw_obj(&w);
	cs_jw_ki64(&w, "added", want);
	cs_jw_key(&w, "uids");
	cs_jw_arr(&w);
	for (k = 0; k < want; k++) {
		n = cs_fnmkr__add_nft(f, p, NULL, NULL, NULL);
		cs_fnmkr__render(f, n);
		cs_jw_str(&w, n->uid);
	}
	cs_jw_arr_end(&w);
	cs_jw_obj_end(&w);
	cs_fnmkr__reindex(p);
	pthread_rwlock_unlock(&f->lock);
	cs_log_info("fake-nmkr", "added %ld nft(s)", want);
	cs_fake_resp_jw(out, 200, &w);
out:
	cJSON_Delete(doc);
}

static void
nft_delete(struct fnmkr *f, struct cs_fake_resp *out, const char *uid)
{
	struct fnmkr_project *p;
	struct fnmkr_nft *n;
	char copy[CS_FAKE_UID_LEN + 1];
	struct cs_jw w;

	pthread_rwlock_wrlock(&f->lock);
	n = cs_fnmkr__nft(f, uid);
	if (n == NULL) {
		pthread_rwlock_unlock(&f->lock);
		cs_fake_resp_errorf(out, 404, "nft %s not found", uid);
		return;
	}
	p = n->project;
	cs_str_copy(copy, n->uid, sizeof(copy));
	cs_fnmkr__remove_nft(f, n);
	cs_fnmkr__reindex(p);
	pthread_rwlock_unlock(&f->lock);
	cs_jw_init(&w, 4096);
	cs_jw_obj(&w);
	cs_jw_kstr(&w, "deleted", copy);
	cs_jw_obj_end(&w);
	cs_fake_resp_jw(out, 200, &w);
}

static void
project_list(struct fnmkr *f, struct cs_fake_resp *out)
{
	const struct fnmkr_project *p;
	struct cs_jw w;
	size_t i;

	cs_jw_init(&w, 1024 * 1024);
	cs_jw_arr(&w);
	pthread_rwlock_rdlock(&f->lock);
	for (i = 0; i < f->nprojects; i++) {
		p = f->projects[i];
		cs_jw_obj(&w);
		cs_jw_kstr(&w, "uid", p->uid);
		cs_jw_kstr(&w, "name", p->name);
		cs_jw_kstr(&w, "policyId", p->policy_id);
		cs_jw_ki64(&w, "nfts", (int64_t)p->len);
		cs_jw_ki64(&w, "reservationMinutes", p->reservation_minutes);
		cs_jw_obj_end(&w);
	}
	pthread_rwlock_unlock(&f->lock);
	cs_jw_arr_end(&w);
	cs_fake_resp_jw(out, 200, &w);
}

/* ---- Webhooks ----------------------------------------------------------- */

struct webhook {
	const char *url;
	const char *event;
	const char *tx;
	const char *receiver;
	const char *sale_type;
	bool has_price;
	int64_t price;
	bool apply;
};

static void
write_sale_body(const struct fnmkr *f, struct cs_jw *w,
    const struct webhook *wh, const struct fnmkr_project *p,
    struct fnmkr_nft *const *nfts, size_t n, int64_t now_ms)
{
	char date[48], dt[32], *token;
	const char *tx = wh->tx, *receiver = wh->receiver;
	bool confirmed = strcmp(wh->event, "transactionconfirmed") == 0;
	int64_t price = 0;
	size_t i;

	/* A sale's webhook carries the server's local time without an
	 * offset, as selldate does; only NMKR's test webhook (DateTime.Now
	 * through Newtonsoft) writes one. */
	cs_fnmkr__datetime(f, now_ms, dt);
	snprintf(date, sizeof(date), "%s", dt);
	for (i = 0; i < n; i++)
		price += nfts[i]->price;
	if (wh->has_price)
		price = wh->price;
	if (confirmed && n > 0) {
		if (tx == NULL && nfts[0]->mint_tx[0] != '\0')
			tx = nfts[0]->mint_tx;
		if (receiver == NULL)
			receiver = nfts[0]->receiver;
	}
	cs_jw_obj(w);
	cs_jw_kstr(w, "EventType", wh->event);
	cs_jw_kstr(w, "ProjectName", p->name);
	cs_jw_kstr(w, "ProjectUid", p->uid);
	cs_jw_kstr(w, "SaleType", wh->sale_type);
	cs_jw_kstr(w, "SaleDate", date);
	cs_jw_ki64(w, "Price", price);
	cs_jw_ki64_opt(w, "MintingCosts", confirmed, 2000000);
	cs_jw_knull(w, "SendbackCosts");
	cs_jw_knull(w, "NetworkFees");
	cs_jw_knull(w, "NMKRRewards");
	cs_jw_knull(w, "Discount");
	cs_jw_key(w, "NotificationSaleNfts");
	if (n == 0) {
		cs_jw_null(w);
	} else {
		cs_jw_arr(w);
		for (i = 0; i < n; i++) {
			token = cs_fnmkr__tokenname(nfts[i]);
			cs_jw_obj(w);
			cs_jw_ki64(w, "NftId", nfts[i]->id);
			cs_jw_kstr(w, "NftUid", nfts[i]->uid);
			cs_jw_kstr(w, "NftName", token);
			cs_jw_kstr(w, "NftNameInHex", nfts[i]->assetname);
			cs_jw_kstr(w, "AssetId", nfts[i]->assetid);
			cs_jw_kstr(w, "PolicyId", p->policy_id);
			cs_jw_ki64(w, "Count", 1);
			cs_jw_ki64(w, "Multiplier", 1);
			cs_jw_kstr(w, "Fingerprint", nfts[i]->fingerprint);
			cs_jw_obj_end(w);
			free(token);
		}
		cs_jw_arr_end(w);
	}
	cs_jw_kstr(w, "TxHash", tx);
	cs_jw_kstr(w, "ReceiverAddress", receiver);
	cs_jw_knull(w, "OriginatorAddress");
	cs_jw_knull(w, "StakeAddressReceiver");
	cs_jw_knull(w, "SenderAddress");
	cs_jw_knull(w, "DetailResults");
	cs_jw_knull(w, "Metadata");
	cs_jw_knull(w, "PreparedTransactionUid");
	cs_jw_knull(w, "CustomProperties");
	cs_jw_knull(w, "AddressExpiration");
	cs_jw_kstr(w, "BlockChain", "Cardano");
	cs_jw_knull(w, "DiscountCode");
	cs_jw_knull(w, "MetadataStandard");
	cs_jw_knull(w, "Cip68ReferenceTokenAddress");
	cs_jw_obj_end(w);
}

/*
 * Whether a confirmation of sale_type sells the NFTs it lists: the sale
 * values of TransactionTypes (NMKR's source,
 * NMKR.Shared/Enums/TransactionTypes.cs). Kept apart from the server's own
 * table on purpose: the fake says what NMKR does, the server decides what
 * it means.
 */
static bool
is_sale_type(const char *sale_type)
{
	static const char *const sales[] = {"paidonftaddress",
	    "paidonprojectaddress", "decentralmintandsale", "directsale",
	    "auction"};
	size_t i;

	for (i = 0; i < sizeof(sales) / sizeof(sales[0]); i++) {
		if (strcmp(sales[i], sale_type) == 0)
			return true;
	}
	return false;
}

/* The secret NMKR would sign with for url, or NULL. Needs the lock. */
static const char *
pick_secret(
    const struct fnmkr *f, const struct fnmkr_project *p, const char *url)
{
	size_t i;

	for (i = 0; i < p->nnotifs; i++) {
		if (strcmp(p->notifs[i].type, "webhook") == 0 &&
		    strcmp(p->notifs[i].address, url) == 0)
			return p->notifs[i].secret;
	}
	for (i = 0; i < p->nnotifs; i++) {
		if (strcmp(p->notifs[i].type, "webhook") == 0 &&
		    p->notifs[i].active)
			return p->notifs[i].secret;
	}
	return f->opts.webhook_secret;
}

static void
send_webhook(
    struct fnmkr *f, struct cs_fake_resp *out, const struct cs_fake_req *req)
{
	struct fnmkr_nft **nfts = NULL;
	struct fnmkr_project *p = NULL;
	struct webhook wh;
	struct cs_fake_post res;
	struct cs_jw w;
	const cJSON *uids, *it, *apply, *price;
	const char *puid, *secret, *body_override, *hash_override;
	char **touched = NULL, hash[64], enc[256], *body = NULL, *url = NULL;
	cJSON *doc = NULL;
	size_t n = 0, i, len = 0, ntouched = 0;
	int64_t now = cs_now_ms();
	int sent;

	memset(&res, 0, sizeof(res));
	doc = parse_body(req, out);
	if (doc == NULL)
		return;
	memset(&wh, 0, sizeof(wh));
	wh.url = jstr(doc, "url");
	wh.event = jstr(doc, "event");
	wh.tx = jstr(doc, "txHash");
	wh.receiver = jstr(doc, "receiverAddress");
	wh.sale_type = jstr(doc, "saleType");
	if (wh.sale_type == NULL)
		wh.sale_type = "paidonftaddress";
	price = cJSON_GetObjectItemCaseSensitive(doc, "price");
	if (cJSON_IsNumber(price)) {
		wh.has_price = true;
		wh.price = (int64_t)price->valuedouble;
	}
	apply = cJSON_GetObjectItemCaseSensitive(doc, "applyState");
	if (wh.url == NULL || wh.event == NULL || *wh.event == '\0' ||
	    !(cs_str_startswith(wh.url, "http://") ||
	        cs_str_startswith(wh.url, "https://"))) {
		cs_fake_resp_errorf(
		    out, 400, "url (http or https) and event are required");
		goto out;
	}
	/* A confirmed sale sells at NMKR; a confirmed payout, refund or
	 * mint-and-send changes no NFT's sale state there. */
	if (strcmp(wh.event, "transactionconfirmed") == 0)
		wh.apply = apply == NULL ? is_sale_type(wh.sale_type)
		                         : cJSON_IsTrue(apply);
	else
		wh.apply = cJSON_IsTrue(apply);
	uids = cJSON_GetObjectItemCaseSensitive(doc, "nftUids");
	if (uids != NULL && !cJSON_IsArray(uids)) {
		cs_fake_resp_errorf(out, 400, "nftUids must be an array");
		goto out;
	}
	nfts = cs_xcalloc((size_t)cJSON_GetArraySize(uids) + 1, sizeof(*nfts));
	touched =
	    cs_xcalloc((size_t)cJSON_GetArraySize(uids) + 1, sizeof(*touched));
	puid = jstr(doc, "project");

	pthread_rwlock_wrlock(&f->lock);
	cJSON_ArrayForEach(it, uids) {
		nfts[n] = cJSON_IsString(it) ? cs_fnmkr__nft(f, it->valuestring)
		                             : NULL;
		if (nfts[n] == NULL) {
			pthread_rwlock_unlock(&f->lock);
			cs_fake_resp_errorf(out, 404, "nft %s not found",
			    cJSON_IsString(it) ? it->valuestring : "?");
			goto out;
		}
		n++;
	}
	if (puid != NULL)
		p = cs_fnmkr__project(f, puid);
	else if (n > 0)
		p = nfts[0]->project;
	else if (f->nprojects > 0)
		p = f->projects[0];
	if (p == NULL) {
		pthread_rwlock_unlock(&f->lock);
		cs_fake_resp_errorf(out, 404, "project %s not found",
		    puid != NULL ? puid : "(none)");
		goto out;
	}
	secret = jstr(doc, "secret");
	if (secret == NULL)
		secret = pick_secret(f, p, wh.url);
	if (secret == NULL) {
		pthread_rwlock_unlock(&f->lock);
		cs_fake_resp_errorf(out, 409,
		    "no webhook secret: call UpdateNotifications, start with "
		    "--webhook-secret or pass \"secret\"");
		goto out;
	}
	secret = cs_xstrdup(secret);
	for (i = 0; wh.apply && i < n; i++) {
		if (strcmp(wh.event, "transactionconfirmed") == 0) {
			cs_fnmkr__set_state(f, nfts[i], FNMKR_SOLD, wh.receiver,
			    wh.tx, FNMKR_RESERVE_DEFAULT, now);
		} else if (nfts[i]->state == FNMKR_RESERVED) {
			cs_fnmkr__set_state(f, nfts[i], FNMKR_FREE, NULL, NULL,
			    FNMKR_RESERVE_DEFAULT, now);
		} else {
			continue;
		}
		cs_fnmkr__render(f, nfts[i]);
		touched[ntouched++] = cs_xstrdup(nfts[i]->uid);
		cs_fnmkr__reindex(nfts[i]->project);
	}
	body_override = jstr(doc, "body");
	if (body_override != NULL) {
		body = cs_xstrdup(body_override);
		len = strlen(body);
	} else {
		cs_jw_init(&w, CS_FAKE_MAX_RESPONSE);
		write_sale_body(f, &w, &wh, p, nfts, n, now);
		body = cs_jw_take(&w, &len);
	}
	pthread_rwlock_unlock(&f->lock);
	if (body == NULL) {
		free((char *)(uintptr_t)secret);
		cs_fake_resp_errorf(out, 500, "body too large");
		goto out;
	}
	if (strcmp(wh.event, "transactionconfirmed") == 0 && ntouched > 0)
		cs_fnmkr__chain_sync(f, (const char *const *)touched, ntouched);

	hash_override = jstr(doc, "payloadHash");
	if (hash_override != NULL)
		cs_str_copy(hash, hash_override, sizeof(hash));
	else
		cs_fake_hmac_b64(secret, body, len, hash);
	free((char *)(uintptr_t)secret);
	if (!cs_fake_urlencode_net(hash, enc, sizeof(enc))) {
		cs_fake_resp_errorf(out, 400, "payloadHash too long");
		goto out;
	}
	url = cs_xasprintf("%s%cpayloadHash=%s", wh.url,
	    strchr(wh.url, '?') != NULL ? '&' : '?', enc);
	sent = cs_fake_send_json(&res, "POST", url, body, len, NULL,
	    FNMKR_WEBHOOK_TIMEOUT_MS, cs_fakehttp_stopping(f->http));
	cs_log_info("fake-nmkr", "webhook %s for %zu nft(s): status %ld",
	    wh.event, n, res.status);
	cs_jw_init(&w, CS_FAKE_MAX_RESPONSE);
	cs_jw_obj(&w);
	cs_jw_ki64(&w, "status", res.status);
	cs_jw_kstr(&w, "body", res.body != NULL ? res.body : "");
	cs_jw_kstr(&w, "payloadHash", hash);
	cs_jw_kstr(&w, "sent", body);
	if (sent < 0)
		cs_jw_kstr(&w, "error", res.err);
	cs_jw_obj_end(&w);
	cs_fake_resp_jw(out, 200, &w);
out:
	cs_fake_post_dispose(&res);
	for (i = 0; i < ntouched; i++)
		free(touched[i]);
	free(touched);
	free(url);
	free(body);
	free(nfts);
	cJSON_Delete(doc);
}

/* ---- Dispatch ----------------------------------------------------------- */

void
cs_fnmkr__control(
    struct cs_fake_resp *out, const struct cs_fake_req *req, void *payload)
{
	struct fnmkr *f = payload;
	char path[MAX_PATH], *segs[MAX_SEGS];
	const char *m = req->method;
	int n;

	if (!cs_str_copy(path, req->path, sizeof(path)))
		return;
	n = cs_fake_split_path(path, segs, MAX_SEGS);
	if (n < 2 || strcmp(segs[0], "__fake") != 0)
		return;
	if (strcmp(segs[1], "nfts") == 0) {
		if (n == 2 && strcmp(m, "GET") == 0)
			nft_list(f, out, req);
		else if (n == 2 && strcmp(m, "POST") == 0)
			nft_add(f, out, req);
		else if (n == 3 && strcmp(m, "DELETE") == 0)
			nft_delete(f, out, segs[2]);
		else if (n == 4 && strcmp(segs[3], "state") == 0 &&
		         strcmp(m, "POST") == 0)
			nft_state(f, out, segs[2], req);
	} else if (n == 2 && strcmp(segs[1], "projects") == 0 &&
	           strcmp(m, "GET") == 0) {
		project_list(f, out);
	} else if (n == 2 && strcmp(segs[1], "webhook") == 0 &&
	           strcmp(m, "POST") == 0) {
		send_webhook(f, out, req);
	} else if (n == 2 && strcmp(segs[1], "cache") == 0 &&
	           strcmp(m, "DELETE") == 0) {
		cs_fnmkr__api_reset(f, false, true);
		cs_fake_resp_copy(out, 200, "{\"ok\":true}");
	} else if (n == 2 && strcmp(segs[1], "walk-events") == 0) {
		cs_fnmkr__walk_control(f, out, req);
	} else if (n == 2 && strcmp(segs[1], "reset") == 0 &&
	           strcmp(m, "POST") == 0) {
		cs_fnmkr__walk_reset();
		cs_fnmkr__api_reset(f, true, true);
		cs_fakehttp_reset(f->http, true, true, true);
		cs_fake_resp_copy(out, 200, "{\"ok\":true}");
	}
}
