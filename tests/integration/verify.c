/* SPDX-License-Identifier: MIT */
/*
 * Chain verification end to end: a real SQLite file, fake-blockfrost (and
 * fake-nmkr for the sync) over loopback. Each status, each failure mode and
 * its stop rule (asserted on the fake's request counts), the hour's cache,
 * the per-sync limit and its rotation, every page of holders, the shared
 * token bucket under load, and the command line.
 */
#include "test.h"

#include <pthread.h>

#include "clients/nmkr.h"
#include "service/import_nmkr.h"
#include "service/sync.h"
#include "service/verify.h"
#include "store/store.h"
#include "support/fakeproc.h"
#include "support/fixture.h"
#include "support/testhttp.h"
#include "util/limits.h"
#include "util/str.h"
#include "util/time.h"
#include "util/xalloc.h"

#define PID "bf-project-Zq81xT"
#define KEY "verify-test-key-41"
#define PROJECT "9e2d000a-ed53-4db4-819b-25cdab41fd47"
#define POLICY "b0d07d45fe9514f80213f4020e5a61241458be626841cde717cb38a7"

static struct cs_fakeproc bf;
static struct cs_fakeproc nmkr_fake;
static struct cs_store *store;
static int64_t campaign;
static char bf_api[96]; /* bf.base_url + "/api/v0" */

/* ---- fake-blockfrost ---------------------------------------------------- */

/* Start fake-blockfrost with extra flags (NULL-ended, may be NULL). */
static void
start_bf(const char *const *extra)
{
	char *bin = cs_build_path("tools/fake-blockfrost/fake-blockfrost");
	const char *argv[16] = {
	    bin, "--listen", "127.0.0.1:0", "--project-id", PID};
	size_t n = 5;

	while (extra != NULL && *extra != NULL && n < 15)
		argv[n++] = *extra++;
	argv[n] = NULL;
	cs_fakeproc_start(&bf, argv, NULL);
	snprintf(bf_api, sizeof(bf_api), "%s/api/v0", bf.base_url);
	free(bin);
}

static cJSON *
bf_call(const char *method, const char *path, const char *body)
{
	char url[512];

	snprintf(url, sizeof(url), "%s%s", bf.base_url, path);
	return cs_test_http_json(method, url, body);
}

static void
bf_do(const char *method, const char *path, const char *body)
{
	cJSON_Delete(bf_call(method, path, body));
}

static void
fault(const char *json)
{
	bf_do("POST", "/__fake/faults", json);
}

/* Mint asset to holder (NULL: the fake's derived holder). */
static void
mint(const char *asset, const char *holder)
{
	char *body;

	if (holder != NULL)
		body =
		    cs_xasprintf("{\"asset\":\"%s\",\"holders\":[{\"address\":"
		                 "\"%s\",\"quantity\":\"1\"}]}",
		        asset, holder);
	else
		body = cs_xasprintf("{\"asset\":\"%s\"}", asset);
	bf_do("POST", "/__fake/assets", body);
	free(body);
}

/* Mint asset to n holders, the first with first_qty, the rest rest_qty. */
static void
mint_many(const char *asset, int n, const char *first_qty, const char *rest_qty)
{
	cJSON *o = cJSON_CreateObject(), *hs, *h;
	char addr[64], *body;
	int i;

	cJSON_AddStringToObject(o, "asset", asset);
	hs = cJSON_AddArrayToObject(o, "holders");
	for (i = 0; i < n; i++) {
		snprintf(addr, sizeof(addr), "addr_test1qholder%04d", i);
		h = cJSON_CreateObject();
		cJSON_AddStringToObject(h, "address", addr);
		cJSON_AddStringToObject(
		    h, "quantity", i == 0 ? first_qty : rest_qty);
		cJSON_AddItemToArray(hs, h);
	}
	body = cJSON_PrintUnformatted(o);
	bf_do("POST", "/__fake/assets", body);
	cJSON_free(body);
	cJSON_Delete(o);
}

static void
burn(const char *asset)
{
	char path[256];

	snprintf(path, sizeof(path), "/__fake/assets/%s", asset);
	bf_do("DELETE", path, NULL);
}

static cJSON *
stats(void)
{
	return bf_call("GET", "/__fake/stats", NULL);
}

/* A counter of the fake: "total", "granted", "requests.assetsById",
 * "status.429", ... (0 when absent). */
static int64_t
stat(const char *name)
{
	cJSON *j = stats(), *v;
	char key[64];
	const char *dot = strchr(name, '.');
	int64_t n;

	if (dot != NULL) {
		snprintf(key, sizeof(key), "%.*s", (int)(dot - name), name);
		v = cJSON_GetObjectItem(cJSON_GetObjectItem(j, key), dot + 1);
	} else {
		v = cJSON_GetObjectItem(j, name);
	}
	n = cJSON_IsNumber(v) ? (int64_t)v->valuedouble : 0;
	cJSON_Delete(j);
	return n;
}

/* ---- Store -------------------------------------------------------------- */

/* POLICY + hex("Nft%04u"): an asset id as NMKR gives it. */
static char *
asset_of(unsigned i)
{
	char name[16], hex[40];
	size_t k;

	snprintf(name, sizeof(name), "Nft%04u", i);
	for (k = 0; name[k] != '\0'; k++)
		snprintf(hex + 2 * k, 3, "%02x", (unsigned char)name[k]);
	return cs_xasprintf("%s%s", POLICY, hex);
}

static struct cs_store *
open_store(const char *file)
{
	struct cs_store *s = NULL;
	char *path = cs_test_path(file), *url;

	url = cs_xasprintf("sqlite:%s", path);
	ASSERT_OK(cs_store_open(&s, url, TERR));
	free(url);
	free(path);
	return s;
}

/*
 * A campaign of n sold NFTs numbered 1..n; NFT i has asset id assets[i-1]
 * (NULL: asset_of(i)) and buyer buyers[i-1] (NULL or a NULL entry: none).
 */
static int64_t
make_campaign_in(struct cs_store *s, const char *name, unsigned seed,
    unsigned n, const char *const *assets, const char *const *buyers)
{
	struct cs_import_result res;
	struct cs_campaign c;
	struct cs_nft *nfts = cs_xcalloc(n, sizeof(*nfts));
	unsigned i;

	memset(&c, 0, sizeof(c));
	c.name = CS_UNCONST(name);
	c.nmkr_project_uid = CS_UNCONST(PROJECT);
	c.network = CS_NETWORK_PREPROD;
	c.max_nfts = 100000;
	ASSERT_OK(cs_store_campaign_create(s, &c, cs_now_ms(), TERR));
	for (i = 0; i < n; i++) {
		nfts[i].nft_uid = cs_fixture_uid(seed, i);
		nfts[i].name = cs_xasprintf("%s #%u", name, i + 1);
		nfts[i].nft_number = i + 1;
		nfts[i].status = CS_NFT_SOLD;
		nfts[i].asset_id = assets != NULL && assets[i] != NULL
		                       ? cs_xstrdup(assets[i])
		                       : asset_of(seed * 10000 + i + 1);
		nfts[i].sold_to = buyers != NULL && buyers[i] != NULL
		                      ? cs_xstrdup(buyers[i])
		                      : NULL;
	}
	ASSERT_OK(
	    cs_store_nft_import(s, c.id, nfts, n, cs_now_ms(), &res, TERR));
	ASSERT_EQ(res.inserted, n);
	for (i = 0; i < n; i++)
		cs_nft_dispose(&nfts[i]);
	free(nfts);
	return c.id;
}

static void
make_campaign(unsigned n, const char *const *assets, const char *const *buyers)
{
	store = open_store("verify.db");
	campaign = make_campaign_in(store, "Lab Rat", 1, n, assets, buyers);
}

/* The asset id make_campaign() gave NFT number i. */
static char *
asset_no(unsigned i)
{
	return asset_of(10000 + i);
}

static struct cs_verifier *
verifier_with(const char *pid, long timeout_ms, int retries)
{
	struct cs_blockfrost_opts o = CS_BLOCKFROST_OPTS_INIT;
	struct cs_verifier *v = NULL;

	o.project_id = pid;
	o.base_url = bf_api;
	o.backoff_base_ms = 10;
	o.total_timeout_ms = timeout_ms;
	o.max_retries = retries;
	ASSERT_OK(cs_verifier_new(&v, &o, TERR));
	return v;
}

static struct cs_verifier *
verifier(void)
{
	return verifier_with(PID, 5000, -1);
}

/* Verify the campaign: limit 0 for all, now 0 for the clock. */
static struct cs_verify_results
run(struct cs_verifier *v, int64_t limit, int64_t now, bool refresh)
{
	struct cs_verify_opts o = CS_VERIFY_OPTS_INIT;
	struct cs_verify_results r;

	o.limit = limit;
	o.now = now;
	o.refresh = refresh;
	ASSERT_OK(cs_verify_campaign(v, store, campaign, &o, &r, TERR));
	return r;
}

static const struct cs_verify_result *
nft_no(const struct cs_verify_results *r, int64_t number)
{
	size_t i;

	for (i = 0; i < r->n; i++) {
		if (r->items[i].nft_number == number)
			return &r->items[i];
	}
	cs_test_fail(__FILE__, __LINE__, "NFT %lld not in the results",
	    (long long)number);
}

static void
teardown(void)
{
	cs_store_free(store);
	store = NULL;
}

/* ---- Statuses ----------------------------------------------------------- */

CS_TEST(verify__each_status)
{
	const char *buyers[] = {"addr_test1qbuyer0001", "addr_test1qbuyer0002",
	    NULL, NULL, NULL, NULL, NULL, NULL};
	char *a[9];
	const char *assets[8];
	struct cs_verify_results r;
	const struct cs_verify_result *x;
	struct cs_chain_check k;
	struct cs_verifier *v;
	cJSON *json, *item;
	unsigned i;

	start_bf(NULL);
	for (i = 1; i <= 8; i++)
		a[i] = asset_no(i);
	for (i = 0; i < 8; i++)
		assets[i] = a[i + 1];
	/* 7 looks like an asset id but is upper case; 8 is NMKR's token
	 * name, not its hex: neither is re-encoded, both are errors. */
	assets[6] = POLICY "4E667430303037";
	assets[7] = POLICY "Nft0008";
	make_campaign(8, assets, buyers);
	mint(a[1], "addr_test1qbuyer0001");   /* the buyer holds it */
	mint(a[2], "addr_test1qsomeoneelse"); /* moved on */
	mint(a[3], NULL);                     /* buyer unknown */
	/* 4 never minted */
	mint_many(a[5], 2, "1", "1"); /* two of them */
	mint(a[6], NULL);
	burn(a[6]);

	v = verifier();
	r = run(v, 0, 0, false);
	ASSERT_EQ(r.n, 8);
	ASSERT_EQ(r.verified, 3);
	ASSERT_EQ(r.pending, 1);
	ASSERT_EQ(r.errors, 4);
	ASSERT_FALSE(r.stopped);
	ASSERT_EQ(r.failed, 0);

	x = nft_no(&r, 1);
	ASSERT_EQ(x->status, CS_CHAIN_VERIFIED);
	ASSERT_STR_CONTAINS(
	    x->message, "held by the buyer addr_test1qbuyer0001");
	ASSERT_STR_EQ(x->addresses, "[\"addr_test1qbuyer0001\"]");
	x = nft_no(&r, 2);
	ASSERT_EQ(x->status, CS_CHAIN_VERIFIED);
	ASSERT_STR_CONTAINS(x->message,
	    "held by addr_test1qsomeoneelse, not the buyer "
	    "addr_test1qbuyer0002");
	x = nft_no(&r, 3);
	ASSERT_EQ(x->status, CS_CHAIN_VERIFIED);
	ASSERT_STR_CONTAINS(x->message, "minted, quantity 1; held by addr_");
	x = nft_no(&r, 4);
	ASSERT_EQ(x->status, CS_CHAIN_PENDING);
	ASSERT_STR_CONTAINS(x->message, "not minted yet");
	ASSERT_TRUE(x->addresses == NULL);
	x = nft_no(&r, 5);
	ASSERT_EQ(x->status, CS_CHAIN_ERROR);
	ASSERT_STR_CONTAINS(x->message, "quantity is 2, not 1");
	ASSERT_STR_CONTAINS(x->addresses, "addr_test1qholder0001");
	x = nft_no(&r, 6);
	ASSERT_EQ(x->status, CS_CHAIN_ERROR);
	ASSERT_STR_CONTAINS(x->message, "burned");
	x = nft_no(&r, 7);
	ASSERT_EQ(x->status, CS_CHAIN_ERROR);
	ASSERT_STR_CONTAINS(x->message, "not a Cardano asset id");
	x = nft_no(&r, 8);
	ASSERT_EQ(x->status, CS_CHAIN_ERROR);
	ASSERT_STR_CONTAINS(x->message, "not a Cardano asset id");

	/* Requests: an asset each for 1-6, holders for the minted 1, 2, 3
	 * and 5 (none for the burned one); nothing for 7 and 8. */
	ASSERT_EQ(stat("requests.assetsById"), 6);
	ASSERT_EQ(stat("requests.assetsAddresses"), 4);
	ASSERT_EQ(r.requests, 10);

	/* The report's form: currentAddresses only where holders are known. */
	json = cs_verify_results_json(&r);
	ASSERT_EQ(cJSON_GetArraySize(json), 8);
	cJSON_ArrayForEach(item, json) {
		const char *st =
		    cJSON_GetStringValue(cJSON_GetObjectItem(item, "status"));
		const cJSON *ca = cJSON_GetObjectItem(item, "currentAddresses");

		ASSERT_TRUE(cJSON_GetStringValue(
		                cJSON_GetObjectItem(item, "nftName")) != NULL);
		ASSERT_TRUE(cJSON_GetStringValue(
		                cJSON_GetObjectItem(item, "nftUid")) != NULL);
		ASSERT_TRUE(cJSON_GetStringValue(
		                cJSON_GetObjectItem(item, "message")) != NULL);
		if (strcmp(st, "verified") == 0)
			ASSERT_EQ(cJSON_GetArraySize(ca), 1);
		if (strcmp(st, "pending") == 0)
			ASSERT_TRUE(ca == NULL);
	}
	cJSON_Delete(json);

	/* Each answer is cached, keyed by asset id. */
	ASSERT_OK(cs_store_chain_check_get(store, a[1], &k, TERR));
	ASSERT_EQ(k.status, CS_CHAIN_VERIFIED);
	ASSERT_EQ(k.nft_id, nft_no(&r, 1)->nft_id);
	ASSERT_STR_EQ(k.addresses, "[\"addr_test1qbuyer0001\"]");
	cs_chain_check_dispose(&k);
	ASSERT_OK(cs_store_chain_check_get(store, a[4], &k, TERR));
	ASSERT_EQ(k.status, CS_CHAIN_PENDING);
	cs_chain_check_dispose(&k);

	cs_verify_results_dispose(&r);
	cs_verifier_free(v);
	for (i = 1; i <= 8; i++)
		free(a[i]);
	teardown();
}

/* The exact requests: path, paging query and the project_id header. */
CS_TEST(verify__exact_requests)
{
	struct cs_verify_results r;
	struct cs_verifier *v;
	cJSON *reqs, *q;
	char *a1 = asset_no(1), *path;

	start_bf(NULL);
	make_campaign(1, NULL, NULL);
	mint(a1, NULL);
	v = verifier();
	r = run(v, 0, 0, false);
	ASSERT_EQ(r.verified, 1);
	reqs = bf_call("GET", "/__fake/requests", NULL);
	ASSERT_EQ(cJSON_GetArraySize(reqs), 2);
	q = cJSON_GetArrayItem(reqs, 0);
	path = cs_xasprintf("/api/v0/assets/%s", a1);
	ASSERT_STR_EQ(
	    cJSON_GetStringValue(cJSON_GetObjectItem(q, "path")), path);
	ASSERT_STR_EQ(
	    cJSON_GetStringValue(cJSON_GetObjectItem(q, "projectId")), PID);
	free(path);
	q = cJSON_GetArrayItem(reqs, 1);
	path = cs_xasprintf("/api/v0/assets/%s/addresses", a1);
	ASSERT_STR_EQ(
	    cJSON_GetStringValue(cJSON_GetObjectItem(q, "path")), path);
	ASSERT_STR_EQ(cJSON_GetStringValue(cJSON_GetObjectItem(q, "query")),
	    "count=100&page=1");
	free(path);
	cJSON_Delete(reqs);
	cs_verify_results_dispose(&r);
	cs_verifier_free(v);
	free(a1);
	teardown();
}

/* Owners may move an NFT: still verified, and the message says so. */
CS_TEST(verify__buyer_then_moved)
{
	const char *buyers[] = {"addr_test1qbuyer0001"};
	struct cs_verify_results r;
	struct cs_verifier *v;
	char *a1 = asset_no(1);
	int64_t now = cs_now_ms();

	start_bf(NULL);
	make_campaign(1, NULL, buyers);
	mint(a1, "addr_test1qbuyer0001");
	v = verifier();
	r = run(v, 0, now, false);
	ASSERT_EQ(r.items[0].status, CS_CHAIN_VERIFIED);
	ASSERT_STR_CONTAINS(r.items[0].message, "held by the buyer");
	cs_verify_results_dispose(&r);

	mint(a1, "addr_test1qnewowner"); /* moves it */
	r = run(v, 0, now + CS_CHAIN_CACHE_MS, false);
	ASSERT_EQ(r.items[0].status, CS_CHAIN_VERIFIED);
	ASSERT_FALSE(r.items[0].cached);
	ASSERT_STR_CONTAINS(r.items[0].message,
	    "held by addr_test1qnewowner, not the buyer addr_test1qbuyer0001");
	ASSERT_STR_EQ(r.items[0].addresses, "[\"addr_test1qnewowner\"]");
	cs_verify_results_dispose(&r);
	cs_verifier_free(v);
	free(a1);
	teardown();
}

/* ---- The cache ---------------------------------------------------------- */

CS_TEST(verify__cached_for_an_hour)
{
	struct cs_verify_results r;
	struct cs_verifier *v;
	int64_t now = cs_now_ms();
	char *a[4];
	unsigned i;

	start_bf(NULL);
	make_campaign(3, NULL, NULL);
	for (i = 1; i <= 3; i++) {
		a[i] = asset_no(i);
		mint(a[i], NULL);
	}
	v = verifier();
	r = run(v, 0, now, false);
	ASSERT_EQ(r.verified, 3);
	ASSERT_EQ(r.cached, 0);
	ASSERT_EQ(r.requests, 6);
	cs_verify_results_dispose(&r);

	/* Within the hour: no request at all, the same answers. */
	bf_do("POST", "/__fake/stats/reset", NULL);
	burn(a[2]);
	r = run(v, 0, now + CS_CHAIN_CACHE_MS - 1, false);
	ASSERT_EQ(stat("total"), 0);
	ASSERT_EQ(r.requests, 0);
	ASSERT_EQ(r.cached, 3);
	ASSERT_EQ(r.verified, 3);
	ASSERT_TRUE(r.items[0].cached);
	ASSERT_STR_CONTAINS(r.items[0].addresses, "addr_test1");
	cs_verify_results_dispose(&r);

	/* --refresh asks anyway. */
	r = run(v, 1, now + 10, true);
	ASSERT_EQ(r.n, 1);
	ASSERT_EQ(r.requests, 2);
	cs_verify_results_dispose(&r);

	/* An hour later Blockfrost is asked again and sees the burn. */
	r = run(v, 0, now + 10 + CS_CHAIN_CACHE_MS, false);
	ASSERT_EQ(r.cached, 0);
	ASSERT_EQ(r.verified, 2);
	ASSERT_EQ(r.errors, 1);
	ASSERT_STR_CONTAINS(nft_no(&r, 2)->message, "burned");
	cs_verify_results_dispose(&r);
	cs_verifier_free(v);
	for (i = 1; i <= 3; i++)
		free(a[i]);
	teardown();
}

/* ---- Failure modes and stop rules -------------------------------------- */

/* Every NFT after the first is "not checked" with the reason. */
static void
assert_rest_not_checked(const struct cs_verify_results *r, const char *why)
{
	size_t i;

	for (i = 1; i < r->n; i++) {
		ASSERT_EQ(r->items[i].status, CS_CHAIN_ERROR);
		ASSERT_STR_CONTAINS(r->items[i].message, "not checked: ");
		ASSERT_STR_CONTAINS(r->items[i].message, why);
	}
	ASSERT_EQ(r->skipped, r->n - 1);
	ASSERT_TRUE(r->stopped);
}

static void
mint_all(unsigned n)
{
	char *a;
	unsigned i;

	for (i = 1; i <= n; i++) {
		a = asset_no(i);
		mint(a, NULL);
		free(a);
	}
}

CS_TEST(verify__wrong_project_id_stops)
{
	struct cs_verify_results r;
	struct cs_chain_check k;
	struct cs_verifier *v;
	cJSON *warnings;
	char *a1 = asset_no(1), *w;

	start_bf(NULL);
	make_campaign(4, NULL, NULL);
	mint_all(4);
	v = verifier_with("not-the-project-id", 5000, -1);
	r = run(v, 0, 0, false);
	ASSERT_EQ(r.n, 4);
	ASSERT_EQ(r.errors, 4);
	ASSERT_STR_CONTAINS(r.items[0].message, "HTTP 403");
	ASSERT_STR_CONTAINS(r.items[0].message, "Invalid project token.");
	ASSERT_STR_NOT_CONTAINS(r.items[0].message, "not-the-project-id");
	assert_rest_not_checked(&r, "refused the project id");
	ASSERT_EQ(stat("total"), 1);
	ASSERT_EQ(stat("status.403"), 1);
	/* Nothing was learnt: nothing cached. */
	ASSERT_ERR(CS_ENOTFOUND, cs_store_chain_check_get(store, a1, &k, TERR));
	warnings = cJSON_CreateArray();
	cs_verify_add_warnings(&r, warnings);
	ASSERT_EQ(cJSON_GetArraySize(warnings), 1);
	w = cJSON_GetArrayItem(warnings, 0)->valuestring;
	ASSERT_STR_CONTAINS(w, "chain verification stopped");
	ASSERT_STR_CONTAINS(w, "3 NFTs not checked");
	cJSON_Delete(warnings);
	cs_verify_results_dispose(&r);
	cs_verifier_free(v);
	free(a1);
	teardown();
}

CS_TEST(verify__429_is_retried)
{
	struct cs_verify_results r;
	struct cs_verifier *v;
	int64_t t0;

	start_bf(NULL);
	make_campaign(2, NULL, NULL);
	mint_all(2);
	fault("{\"endpoint\":\"assetsById\",\"status\":429,\"times\":2}");
	v = verifier();
	r = run(v, 1, 0, false);
	ASSERT_EQ(r.verified, 1);
	ASSERT_EQ(stat("status.429"), 2);
	ASSERT_EQ(stat("requests.assetsById"), 3);
	ASSERT_EQ(r.requests, 4);
	cs_verify_results_dispose(&r);

	/* Retry-After is waited out. */
	fault("{\"endpoint\":\"assetsAddresses\",\"retryAfter\":1,"
	      "\"times\":1}");
	t0 = cs_mono_ms();
	r = run(v, 1, 0, false); /* the other NFT: never checked */
	ASSERT_GE(cs_mono_ms() - t0, 900);
	ASSERT_EQ(r.verified, 1);
	ASSERT_EQ(stat("status.429"), 3);
	cs_verify_results_dispose(&r);
	cs_verifier_free(v);
	teardown();
}

CS_TEST(verify__429_after_every_retry_stops)
{
	struct cs_verify_results r;
	struct cs_verifier *v;

	start_bf(NULL);
	make_campaign(3, NULL, NULL);
	mint_all(3);
	fault("{\"endpoint\":\"*\",\"status\":429,\"times\":-1}");
	v = verifier_with(PID, 5000, 2);
	r = run(v, 0, 0, false);
	ASSERT_STR_CONTAINS(r.items[0].message, "HTTP 429");
	ASSERT_STR_CONTAINS(r.items[0].message, "after 3 attempts");
	assert_rest_not_checked(&r, "kept answering 429");
	ASSERT_EQ(stat("total"), 3);
	cs_verify_results_dispose(&r);
	cs_verifier_free(v);
	teardown();
}

/* The daily quota (the fake's real one): the first 402 ends the run. */
CS_TEST(verify__402_stops_the_run)
{
	const char *flags[] = {"--daily-quota", "3", NULL};
	struct cs_verify_results r;
	struct cs_verifier *v;

	start_bf(flags);
	make_campaign(5, NULL, NULL);
	mint_all(5);
	v = verifier();
	r = run(v, 0, 0, false);
	/* NFT 1: two requests; NFT 2: its asset (the 3rd), then 402. */
	ASSERT_EQ(r.items[0].status, CS_CHAIN_VERIFIED);
	ASSERT_EQ(r.items[1].status, CS_CHAIN_ERROR);
	ASSERT_STR_CONTAINS(r.items[1].message, "HTTP 402");
	ASSERT_STR_CONTAINS(r.items[1].message, "Usage is over limit.");
	ASSERT_STR_CONTAINS(r.items[2].message, "not checked: ");
	ASSERT_STR_CONTAINS(r.items[2].message, "daily request quota");
	ASSERT_STR_CONTAINS(r.items[4].message, "daily request quota");
	ASSERT_TRUE(r.stopped);
	ASSERT_EQ(r.skipped, 3);
	ASSERT_EQ(r.verified, 1);
	ASSERT_EQ(r.errors, 4);
	ASSERT_EQ(stat("total"), 4);
	ASSERT_EQ(stat("granted"), 3);
	ASSERT_EQ(stat("status.402"), 1);
	ASSERT_EQ(r.requests, 4);
	cs_verify_results_dispose(&r);

	/* The next run tries once more, then stops again: NFT 1 is cached,
	 * NFT 2 (never answered) is asked first. */
	r = run(v, 0, 0, false);
	ASSERT_EQ(r.requests, 1);
	ASSERT_EQ(stat("total"), 5);
	ASSERT_TRUE(r.stopped);
	cs_verify_results_dispose(&r);
	cs_verifier_free(v);
	teardown();
}

CS_TEST(verify__418_stops_the_run)
{
	const char *flags[] = {
	    "--rate", "1", "--burst", "1", "--ban-after", "0", NULL};
	struct cs_verify_results r;
	struct cs_verifier *v;

	/* A 418 as a fault. */
	start_bf(NULL);
	make_campaign(4, NULL, NULL);
	mint_all(4);
	fault("{\"endpoint\":\"assetsById\",\"status\":418,\"times\":1}");
	v = verifier();
	r = run(v, 0, 0, false);
	ASSERT_STR_CONTAINS(r.items[0].message, "HTTP 418");
	ASSERT_STR_CONTAINS(
	    r.items[0].message, "IP has been auto-banned for flooding.");
	assert_rest_not_checked(&r, "banned this IP");
	ASSERT_EQ(stat("total"), 1);
	cs_verify_results_dispose(&r);
	cs_verifier_free(v);
	ASSERT_EQ(cs_fakeproc_stop(&bf), 0);

	/* The fake's real ban: a Blockfrost allowing 1 request and no
	 * limited request after the first 429 bans the retry. */
	start_bf(flags);
	mint_all(4);
	v = verifier();
	r = run(v, 0, 0, true);
	ASSERT_EQ(r.items[0].status, CS_CHAIN_ERROR);
	ASSERT_STR_CONTAINS(r.items[0].message, "HTTP 418");
	assert_rest_not_checked(&r, "banned this IP");
	ASSERT_EQ(stat("banned"), 1);
	ASSERT_EQ(stat("status.418"), 1);
	ASSERT_EQ(stat("total"), 3); /* granted, 429, then 418 */
	cs_verify_results_dispose(&r);
	cs_verifier_free(v);
	teardown();
}

CS_TEST(verify__timeout_stops_the_run)
{
	struct cs_verify_results r;
	struct cs_verifier *v;
	int64_t t0;

	start_bf(NULL);
	make_campaign(3, NULL, NULL);
	mint_all(3);
	fault("{\"endpoint\":\"assetsById\",\"delayMs\":3000,\"times\":-1}");
	v = verifier_with(PID, 300, 1);
	t0 = cs_mono_ms();
	r = run(v, 0, 0, false);
	ASSERT_LT(cs_mono_ms() - t0, 2500);
	ASSERT_STR_CONTAINS(r.items[0].message, "timed out after 2 attempts");
	assert_rest_not_checked(&r, "did not answer in time");
	ASSERT_EQ(stat("requests.assetsById"), 2);
	cs_verify_results_dispose(&r);
	cs_verifier_free(v);
	teardown();
}

/* A bad answer or a 5xx is that NFT's error; the run goes on, and the
 * failed one is asked first next time (it was not cached). */
CS_TEST(verify__bad_answers_do_not_stop)
{
	struct cs_verify_results r;
	struct cs_chain_check k;
	struct cs_verifier *v;
	cJSON *warnings;
	char *a1 = asset_no(1);
	size_t i;

	start_bf(NULL);
	make_campaign(3, NULL, NULL);
	mint_all(3);
	fault("{\"endpoint\":\"assetsById\",\"malformed\":true,\"times\":1}");
	v = verifier_with(PID, 5000, 1);
	r = run(v, 0, 0, false);
	ASSERT_FALSE(r.stopped);
	ASSERT_EQ(r.items[0].status, CS_CHAIN_ERROR);
	ASSERT_STR_CONTAINS(r.items[0].message, "malformed JSON");
	ASSERT_EQ(r.verified, 2);
	ASSERT_EQ(r.failed, 1);
	ASSERT_ERR(CS_ENOTFOUND, cs_store_chain_check_get(store, a1, &k, TERR));
	warnings = cJSON_CreateArray();
	cs_verify_add_warnings(&r, warnings);
	ASSERT_STR_CONTAINS(
	    cJSON_GetArrayItem(warnings, 0)->valuestring, "1 check failed");
	cJSON_Delete(warnings);
	cs_verify_results_dispose(&r);

	r = run(v, 1, 0, false);
	ASSERT_EQ(r.items[0].nft_number, 1);
	ASSERT_EQ(r.items[0].status, CS_CHAIN_VERIFIED);
	cs_verify_results_dispose(&r);

	/* 500s after every retry: each NFT an error with Blockfrost's
	 * message, none stops the run. */
	fault("{\"endpoint\":\"assetsAddresses\",\"status\":500,"
	      "\"times\":-1}");
	bf_do("POST", "/__fake/stats/reset", NULL);
	r = run(v, 0, 0, true);
	ASSERT_FALSE(r.stopped);
	ASSERT_EQ(r.errors, 3);
	for (i = 0; i < r.n; i++) {
		ASSERT_STR_CONTAINS(r.items[i].message,
		    "HTTP 500 on holders page 1 after 2 attempts");
		ASSERT_STR_CONTAINS(r.items[i].message,
		    "An unexpected response was received from the backend.");
	}
	ASSERT_EQ(stat("requests.assetsAddresses"), 6);
	cs_verify_results_dispose(&r);
	cs_verifier_free(v);
	free(a1);
	teardown();
}

/* ---- Holders: every page ------------------------------------------------ */

static int64_t
count_queries(const char *query)
{
	cJSON *reqs = bf_call("GET", "/__fake/requests", NULL), *q;
	int64_t n = 0;

	cJSON_ArrayForEach(q, reqs) {
		const char *s =
		    cJSON_GetStringValue(cJSON_GetObjectItem(q, "query"));

		n += s != NULL && strcmp(s, query) == 0;
	}
	cJSON_Delete(reqs);
	return n;
}

CS_TEST(verify__every_page_of_holders)
{
	struct cs_verify_results r;
	const struct cs_verify_result *x;
	struct cs_verifier *v;
	cJSON *addrs;
	char *a[5];
	unsigned i;

	start_bf(NULL);
	make_campaign(4, NULL, NULL);
	for (i = 1; i <= 4; i++)
		a[i] = asset_no(i);
	mint_many(a[1], 250, "1", "1"); /* 3 pages */
	mint_many(a[2], 100, "1", "1"); /* a full page, then an empty one */
	mint(a[3], NULL);               /* one short page */
	mint_many(a[4], 120, "1", "0"); /* supply 1 over 2 pages */
	v = verifier();
	r = run(v, 0, 0, false);

	x = nft_no(&r, 1);
	ASSERT_EQ(x->status, CS_CHAIN_ERROR);
	ASSERT_STR_CONTAINS(x->message, "quantity is 250, not 1");
	ASSERT_STR_CONTAINS(x->message, "250 holders");
	addrs = cJSON_Parse(x->addresses);
	ASSERT_EQ(cJSON_GetArraySize(addrs), 250);
	ASSERT_STR_EQ(cJSON_GetArrayItem(addrs, 249)->valuestring,
	    "addr_test1qholder0249");
	cJSON_Delete(addrs);
	x = nft_no(&r, 2);
	ASSERT_STR_CONTAINS(x->message, "100 holders");
	x = nft_no(&r, 3);
	ASSERT_EQ(x->status, CS_CHAIN_VERIFIED);
	x = nft_no(&r, 4);
	ASSERT_EQ(x->status, CS_CHAIN_VERIFIED);
	ASSERT_STR_CONTAINS(x->message,
	    "held by addr_test1qholder0000 (and 119 other addresses)");
	addrs = cJSON_Parse(x->addresses);
	ASSERT_EQ(cJSON_GetArraySize(addrs), 120);
	cJSON_Delete(addrs);

	ASSERT_EQ(stat("requests.assetsAddresses"), 3 + 2 + 1 + 2);
	ASSERT_EQ(count_queries("count=100&page=1"), 4);
	ASSERT_EQ(count_queries("count=100&page=2"), 3);
	ASSERT_EQ(count_queries("count=100&page=3"), 1);
	cs_verify_results_dispose(&r);
	cs_verifier_free(v);
	for (i = 1; i <= 4; i++)
		free(a[i]);
	teardown();
}

/* ---- The rate ----------------------------------------------------------- */

struct worker {
	pthread_t thread;
	unsigned seed;
	char db[32];
	size_t verified;
	int error;
};

static void *
work(void *payload)
{
	struct worker *w = payload;
	struct cs_verify_opts o = CS_VERIFY_OPTS_INIT;
	struct cs_error err = CS_ERROR_INIT;
	struct cs_verify_results r;
	struct cs_store *s = open_store(w->db);
	struct cs_verifier *v = verifier();
	int64_t id = make_campaign_in(s, "Load", w->seed, 300, NULL, NULL);

	o.limit = 0;
	w->error = cs_verify_campaign(v, s, id, &o, &r, &err);
	if (w->error == 0) {
		w->verified = r.verified;
		cs_verify_results_dispose(&r);
	} else {
		fprintf(stderr, "worker %u: %s\n", w->seed, cs_error_msg(&err));
	}
	cs_verifier_free(v);
	cs_store_free(s);
	return NULL;
}

/*
 * 600 verifications (1,200 requests) from two threads, each with its own
 * verifier: the process's one bucket keeps both under what Blockfrost
 * allows. Both buckets are 10 times faster than Blockfrost's (100/s,
 * burst 200) to keep the test near 10 s; the fake says whether we ever
 * went over.
 */
CS_TEST(verify__rate_600_never_over_the_bucket)
{
	const char *flags[] = {"--rate", "100", "--burst", "200", NULL};
	struct worker w[2];
	cJSON *body = cJSON_CreateObject(), *list, *o;
	char *text, *a;
	unsigned i, k;

	start_bf(flags);
	list = cJSON_AddArrayToObject(body, "assets");
	for (k = 0; k < 2; k++) {
		for (i = 1; i <= 300; i++) {
			a = asset_of((k + 2) * 10000 + i);
			o = cJSON_CreateObject();
			cJSON_AddStringToObject(o, "asset", a);
			cJSON_AddItemToArray(list, o);
			free(a);
		}
	}
	text = cJSON_PrintUnformatted(body);
	bf_do("POST", "/__fake/assets", text);
	cJSON_free(text);
	cJSON_Delete(body);
	cs_blockfrost_set_rate(100, 200);
	for (k = 0; k < 2; k++) {
		memset(&w[k], 0, sizeof(w[k]));
		w[k].seed = k + 2;
		snprintf(w[k].db, sizeof(w[k].db), "load%u.db", k);
		ASSERT_EQ(pthread_create(&w[k].thread, NULL, work, &w[k]), 0);
	}
	for (k = 0; k < 2; k++) {
		pthread_join(w[k].thread, NULL);
		ASSERT_OK(w[k].error);
		ASSERT_EQ(w[k].verified, 300);
	}
	ASSERT_EQ(stat("status.429"), 0);
	ASSERT_EQ(stat("banned"), 0);
	ASSERT_EQ(stat("granted"), 1200);
	ASSERT_EQ(stat("total"), 1200);
	/* A bucket of 100/s and 200 grants at most 300 in any second. */
	ASSERT_LE(stat("maxPerSecond"), 300);
	ASSERT_GT(stat("maxPerSecond"), 100);
}

/* ---- The sync ----------------------------------------------------------- */

static struct cs_nmkr *nmkr;

/* fake-nmkr minting its 5 sold NFTs (of 8) on fake-blockfrost, and a
 * campaign imported from it. */
static void
setup_sync(void)
{
	char *bin = cs_build_path("tools/fake-nmkr/fake-nmkr");
	const char *argv[] = {bin, "--listen", "127.0.0.1:0", "--api-key", KEY,
	    "--project", PROJECT, "--nfts", "8", "--sold", "5", "--network",
	    "preprod", "--blockfrost", bf_api, "--blockfrost-project-id", PID,
	    NULL};
	struct cs_nmkr_opts o = CS_NMKR_OPTS_INIT;
	struct cs_nmkr_import_report rep;
	struct cs_campaign c;

	start_bf(NULL);
	cs_fakeproc_start(&nmkr_fake, argv, NULL);
	free(bin);
	store = open_store("sync.db");
	o.api_key = KEY;
	o.base_url = nmkr_fake.base_url;
	o.backoff_base_ms = 10;
	ASSERT_OK(cs_nmkr_new(&nmkr, &o, TERR));
	memset(&c, 0, sizeof(c));
	c.name = CS_UNCONST("Lab Rat");
	c.nmkr_project_uid = CS_UNCONST(PROJECT);
	c.network = CS_NETWORK_PREPROD;
	c.max_nfts = 1000;
	ASSERT_OK(cs_store_campaign_create(store, &c, cs_now_ms(), TERR));
	campaign = c.id;
	ASSERT_OK(cs_import_from_nmkr(
	    store, nmkr, campaign, cs_now_ms(), &rep, TERR));
	ASSERT_EQ(rep.result.inserted, 8);
	ASSERT_EQ(stat("total"), 0); /* minting is control, not counted */
}

static struct cs_sync_result
sync_with(struct cs_verifier *v, int limit, bool dry_run)
{
	struct cs_sync_env env = {store, nmkr, v, "test"};
	struct cs_sync_opts o;
	struct cs_sync_result r;

	cs_sync_opts_init(&o);
	o.force = true;
	o.dry_run = dry_run;
	o.verify_limit = limit;
	ASSERT_OK(cs_sync_campaign(&env, campaign, &o, &r, TERR));
	return r;
}

static int64_t
num(const cJSON *o, const char *name)
{
	return (int64_t)cJSON_GetNumberValue(cJSON_GetObjectItem(o, name));
}

static bool
has_warning(const cJSON *report, const char *needle)
{
	const cJSON *w;

	cJSON_ArrayForEach(w, cJSON_GetObjectItem(report, "warnings")) {
		if (strstr(w->valuestring, needle) != NULL)
			return true;
	}
	return false;
}

CS_TEST(verify__sync_limit_and_rotation)
{
	struct cs_sync_result r;
	struct cs_sync_log log;
	struct cs_verifier *v;
	const cJSON *list, *item;
	char seen[5][CS_UID_LEN + 1];
	size_t nseen = 0, i;
	int round;

	setup_sync();
	v = verifier();
	memset(seen, 0, sizeof(seen));
	for (round = 0; round < 3; round++) {
		r = sync_with(v, 2, false);
		ASSERT_EQ(r.status, CS_SYNC_SUCCESS);
		list = cJSON_GetObjectItem(r.report, "blockchainResults");
		ASSERT_EQ(cJSON_GetArraySize(list), 2);
		ASSERT_EQ(num(r.report, "verifiedCount"), 2);
		ASSERT_EQ(num(r.report, "pendingCount"), 0);
		ASSERT_EQ(num(r.report, "errorCount"), 0);
		ASSERT_TRUE(cJSON_IsNumber(cJSON_GetObjectItem(
		    cJSON_GetObjectItem(r.report, "phases"), "verify")));
		cJSON_ArrayForEach(item, list) {
			const char *uid = cJSON_GetStringValue(
			    cJSON_GetObjectItem(item, "nftUid"));

			ASSERT_STR_EQ(cJSON_GetStringValue(
			                  cJSON_GetObjectItem(item, "status")),
			    "verified");
			ASSERT_EQ(cJSON_GetArraySize(cJSON_GetObjectItem(
			              item, "currentAddresses")),
			    1);
			for (i = 0; i < nseen; i++) {
				if (strcmp(seen[i], uid) == 0)
					break;
			}
			if (i == nseen)
				cs_str_copy(
				    seen[nseen++], uid, sizeof(seen[0]));
		}
		/* The report is stored with them. */
		ASSERT_OK(
		    cs_store_sync_log_get(store, r.sync_log_id, &log, TERR));
		ASSERT_STR_CONTAINS(
		    log.synced_data, "\"blockchainResults\":[{");
		cs_sync_log_dispose(&log);
		cs_sync_result_dispose(&r);
	}
	/* Three syncs of 2 covered all 5 sold NFTs, least recently checked
	 * first; the sixth check was a cache hit. */
	ASSERT_EQ(nseen, 5);
	ASSERT_EQ(stat("requests.assetsById"), 5);
	cs_verifier_free(v);
	cs_nmkr_free(nmkr);
	teardown();
}

CS_TEST(verify__sync_survives_blockfrost)
{
	struct cs_sync_result r;
	struct cs_verifier *v;

	setup_sync();
	v = verifier();

	/* Banned: the sync succeeds, its chain results say why. */
	fault("{\"endpoint\":\"*\",\"status\":418,\"times\":-1}");
	r = sync_with(v, 3, false);
	ASSERT_EQ(r.status, CS_SYNC_SUCCESS);
	ASSERT_TRUE(cJSON_IsTrue(cJSON_GetObjectItem(r.report, "success")));
	ASSERT_EQ(num(r.report, "errorCount"), 3);
	ASSERT_EQ(num(r.report, "verifiedCount"), 0);
	ASSERT_TRUE(has_warning(r.report, "chain verification stopped"));
	ASSERT_TRUE(has_warning(r.report, "banned"));
	ASSERT_EQ(
	    cJSON_GetArraySize(cJSON_GetObjectItem(r.report, "errors")), 0);
	ASSERT_EQ(stat("total"), 1);
	cs_sync_result_dispose(&r);

	/* Unreachable: the same. */
	ASSERT_EQ(cs_fakeproc_stop(&bf), 0);
	r = sync_with(v, 3, false);
	ASSERT_EQ(r.status, CS_SYNC_SUCCESS);
	ASSERT_EQ(num(r.report, "errorCount"), 3);
	ASSERT_TRUE(has_warning(r.report, "could not be reached"));
	cs_sync_result_dispose(&r);

	/* A dry run and a limit of 0 leave the chain alone. */
	r = sync_with(v, 3, true);
	ASSERT_EQ(cJSON_GetArraySize(
	              cJSON_GetObjectItem(r.report, "blockchainResults")),
	    0);
	ASSERT_TRUE(cJSON_GetObjectItem(cJSON_GetObjectItem(r.report, "phases"),
	                "verify") == NULL);
	cs_sync_result_dispose(&r);
	r = sync_with(v, 0, false);
	ASSERT_TRUE(cJSON_GetObjectItem(cJSON_GetObjectItem(r.report, "phases"),
	                "verify") == NULL);
	cs_sync_result_dispose(&r);
	cs_verifier_free(v);
	cs_nmkr_free(nmkr);
	teardown();
}

/* ---- The command line --------------------------------------------------- */

CS_TEST(verify__cli)
{
	char *bin = cs_build_path("src/cli/campaign-sync");
	char *db = cs_test_path("sync.db"), *env_db, *env_url, *env_bf;
	const char *env[7];
	const char *verify[] = {bin, "verify", "Lab Rat", NULL, NULL, NULL};
	const char *sync[] = {bin, "sync", "Lab Rat", "--force", "--json",
	    "--verify-limit", "2", NULL};
	char *out = NULL, *errout = NULL;
	cJSON *j, *nfts, *n;
	char path[256];

	setup_sync();
	cs_nmkr_free(nmkr);
	env_db = cs_xasprintf("CS_DATABASE_URL=sqlite:%s", db);
	env_url = cs_xasprintf("NMKR_API_URL=%s", nmkr_fake.base_url);
	env_bf = cs_xasprintf("BLOCKFROST_API_URL=%s", bf_api);
	env[0] = env_db;
	env[1] = env_url;
	env[2] = "NMKR_API_KEY=" KEY;
	env[3] = env_bf;
	env[4] = NULL;

	/* No project id: a configuration error. */
	ASSERT_EQ(cs_test_run(verify, env, NULL, &out, &errout), 78);
	ASSERT_STR_CONTAINS(errout, "BLOCKFROST_PROJECT_ID is not set");
	free(out);
	free(errout);

	env[4] = "BLOCKFROST_PROJECT_ID=" PID;
	env[5] = "BLOCKFROST_NETWORK=preprod";
	env[6] = NULL;
	verify[3] = "--limit";
	verify[4] = "2";
	ASSERT_EQ(cs_test_run(verify, env, NULL, &out, &errout), 0);
	ASSERT_STR_CONTAINS(out, "Chain verification of Lab Rat (campaign 1): "
	                         "2 verified, 0 pending, 0 errors");
	ASSERT_STR_CONTAINS(out, "2 NFTs checked: 0 from the cache");
	ASSERT_STR_NOT_CONTAINS(out, PID);
	ASSERT_STR_NOT_CONTAINS(errout, PID);
	free(out);
	free(errout);

	verify[2] = "1";
	verify[3] = "--all";
	verify[4] = "--json";
	ASSERT_EQ(cs_test_run(verify, env, NULL, &out, &errout), 0);
	j = cJSON_Parse(out);
	ASSERT_TRUE(j != NULL);
	ASSERT_EQ(num(j, "verifiedCount"), 5);
	ASSERT_EQ(num(j, "fromCache"), 2);
	ASSERT_EQ(num(j, "requests"), 6);
	ASSERT_EQ(
	    cJSON_GetArraySize(cJSON_GetObjectItem(j, "blockchainResults")), 5);
	cJSON_Delete(j);
	free(out);
	free(errout);

	/* Burn one on chain: cached, still verified; --refresh sees it and
	 * the exit code says so. */
	nfts = bf_call("GET", "/__fake/assets", NULL);
	n = cJSON_GetArrayItem(nfts, 0);
	snprintf(path, sizeof(path), "/__fake/assets/%s",
	    cJSON_GetStringValue(cJSON_GetObjectItem(n, "asset")));
	cJSON_Delete(nfts);
	bf_do("DELETE", path, NULL);
	verify[4] = NULL;
	ASSERT_EQ(cs_test_run(verify, env, NULL, &out, &errout), 0);
	free(out);
	free(errout);
	verify[4] = "--refresh";
	ASSERT_EQ(cs_test_run(verify, env, NULL, &out, &errout), 1);
	ASSERT_STR_CONTAINS(out, "4 verified, 0 pending, 1 error");
	ASSERT_STR_CONTAINS(out, "burned");
	free(out);
	free(errout);

	/* Usage. */
	verify[3] = "--all";
	verify[4] = "--limit";
	verify[5] = "3";
	ASSERT_EQ(cs_test_run(verify, env, NULL, &out, &errout), 64);
	free(out);
	free(errout);

	/* A sync with verification shows the results in its report. */
	ASSERT_EQ(cs_test_run(sync, env, NULL, &out, &errout), 0);
	j = cJSON_Parse(out);
	ASSERT_TRUE(j != NULL);
	ASSERT_EQ(
	    cJSON_GetArraySize(cJSON_GetObjectItem(j, "blockchainResults")), 2);
	cJSON_Delete(j);
	ASSERT_STR_NOT_CONTAINS(errout, PID);
	free(out);
	free(errout);
	sync[6] = "0";
	ASSERT_EQ(cs_test_run(sync, env, NULL, &out, &errout), 0);
	j = cJSON_Parse(out);
	ASSERT_EQ(
	    cJSON_GetArraySize(cJSON_GetObjectItem(j, "blockchainResults")), 0);
	cJSON_Delete(j);
	free(out);
	free(errout);
	/* A sync's chain step is bounded (it writes no heartbeat). */
	sync[6] = "201";
	ASSERT_EQ(cs_test_run(sync, env, NULL, &out, &errout), 64);
	ASSERT_STR_CONTAINS(errout, "from 0 to 200");
	free(out);
	free(errout);

	free(env_db);
	free(env_url);
	free(env_bf);
	free(db);
	free(bin);
	teardown();
}

/* ---- serve ----------------------------------------------------------------
 * The server's syncs run the chain step, and POST .../verify answers on its
 * own; without Blockfrost settings the endpoint says so. */

#define TOKEN "verify-test-admin-token-77"

static struct cs_fakeproc server;

static void
start_serve(bool with_blockfrost)
{
	char *bin = cs_build_path("src/cli/campaign-sync");
	char *db = cs_test_path("sync.db"), *env_db, *env_url, *env_bf;
	const char *argv[] = {
	    bin, "serve", "--listen", "127.0.0.1:0", "--no-schedule", NULL};
	const char *env[10];

	/* No background verifier here: the counts below are the requests'. */
	env_db = cs_xasprintf("CS_DATABASE_URL=sqlite:%s", db);
	env_url = cs_xasprintf("NMKR_API_URL=%s", nmkr_fake.base_url);
	env_bf = cs_xasprintf("BLOCKFROST_API_URL=%s", bf_api);
	env[0] = env_db;
	env[1] = env_url;
	env[2] = "NMKR_API_KEY=" KEY;
	env[3] = "CS_ADMIN_TOKEN=" TOKEN;
	env[4] = "CS_LOG_LEVEL=debug";
	env[5] = env_bf;
	env[6] = with_blockfrost ? "BLOCKFROST_PROJECT_ID=" PID : NULL;
	env[7] = "BLOCKFROST_NETWORK=preprod";
	env[8] = "CS_CHAIN_SHARE=0";
	env[9] = NULL;
	cs_fakeproc_start(&server, argv, env);
	free(env_db);
	free(env_url);
	free(env_bf);
	free(db);
	free(bin);
}

static cJSON *
serve_post(const char *path, long want)
{
	const char *headers[] = {"Authorization: Bearer " TOKEN, NULL};
	struct cs_test_resp r;
	char url[512];
	cJSON *j;

	snprintf(url, sizeof(url), "%s%s", server.base_url, path);
	r = cs_test_http("POST", url, NULL, headers);
	if (r.status != want)
		cs_test_fail(__FILE__, __LINE__, "POST %s: %ld, want %ld: %s",
		    path, r.status, want, r.body);
	j = cJSON_Parse(r.body);
	ASSERT_TRUE(j != NULL);
	cs_test_resp_free(&r);
	return j;
}

CS_TEST(verify__serve)
{
	int64_t before;
	char *log;
	cJSON *j;

	setup_sync();
	cs_nmkr_free(nmkr);
	start_serve(true);

	/* A sync through the API verifies the 5 sales (default limit 10). */
	j = serve_post("/api/campaigns/1/sync?force=1", 200);
	ASSERT_EQ(num(j, "verifiedCount"), 5);
	ASSERT_EQ(num(j, "errorCount"), 0);
	ASSERT_EQ(
	    cJSON_GetArraySize(cJSON_GetObjectItem(j, "blockchainResults")), 5);
	cJSON_Delete(j);

	/* On demand: the hour's cache answers, no request made. */
	before = stat("total");
	j = serve_post("/api/campaigns/1/verify", 200);
	ASSERT_EQ(num(j, "verifiedCount"), 5);
	ASSERT_EQ(num(j, "fromCache"), 5);
	ASSERT_EQ(num(j, "requests"), 0);
	ASSERT_TRUE(cJSON_IsFalse(cJSON_GetObjectItem(j, "stopped")));
	cJSON_Delete(j);
	ASSERT_EQ(stat("total"), before);

	/* refresh asks Blockfrost: asset and holders for each of 2. */
	j = serve_post("/api/campaigns/1/verify?limit=2&refresh=1", 200);
	ASSERT_EQ(
	    cJSON_GetArraySize(cJSON_GetObjectItem(j, "blockchainResults")), 2);
	ASSERT_EQ(num(j, "fromCache"), 0);
	ASSERT_EQ(num(j, "requests"), 4);
	cJSON_Delete(j);
	ASSERT_EQ(stat("total"), before + 4);

	/* Blockfrost refuses the project: the run stops, said in the body. */
	bf_do("POST", "/__fake/faults",
	    "{\"endpoint\":\"assetsById\",\"status\":403,\"times\":-1}");
	j = serve_post("/api/campaigns/1/verify?limit=3&refresh=1", 200);
	ASSERT_TRUE(cJSON_IsTrue(cJSON_GetObjectItem(j, "stopped")));
	ASSERT_EQ(num(j, "errorCount"), 3);
	ASSERT_TRUE(cJSON_GetObjectItem(j, "stopReason") != NULL);
	ASSERT_EQ(cJSON_GetArraySize(cJSON_GetObjectItem(j, "warnings")), 1);
	cJSON_Delete(j);
	bf_do("DELETE", "/__fake/faults", NULL);

	cJSON_Delete(serve_post("/api/campaigns/1/verify?limit=0", 400));
	cJSON_Delete(serve_post("/api/campaigns/1/verify?limit=101", 400));
	cJSON_Delete(serve_post("/api/campaigns/99/verify", 404));

	log = cs_fakeproc_log(&server);
	ASSERT_STR_CONTAINS(log, "chain checks on");
	ASSERT_STR_NOT_CONTAINS(log, PID);
	free(log);
	ASSERT_EQ(cs_fakeproc_stop(&server), 0);

	/* Without a project id: the endpoint says what is missing. */
	start_serve(false);
	j = serve_post("/api/campaigns/1/verify", 503);
	ASSERT_STR_CONTAINS(cJSON_GetStringValue(cJSON_GetObjectItem(
	                        cJSON_GetObjectItem(j, "error"), "message")),
	    "BLOCKFROST_PROJECT_ID");
	cJSON_Delete(j);
}

/* The sync stores NMKR's initialMintTxHash of the sold NFTs (GetNfts),
 * once; fake-nmkr minted them on fake-blockfrost by that transaction, so
 * the check says verified, not mismatch. */
CS_TEST(verify__sync_learns_the_mints)
{
	struct cs_sync_result r;
	struct cs_verify_results res;
	struct cs_verifier *v;
	char sql[256], *tx = NULL, *path, *url;
	int64_t odd;
	size_t i;

	setup_sync();
	r = sync_with(NULL, 0, false);
	cs_sync_result_dispose(&r);
	v = verifier();
	res = run(v, 0, 0, true);
	ASSERT_EQ(res.n, 5);
	ASSERT_EQ(res.verified, 5);
	ASSERT_EQ(res.mismatch, 0);
	for (i = 0; i < res.n; i++) {
		ASSERT_OK(cs_store_nft_mint_get(
		    store, res.items[i].nft_id, &tx, TERR));
		ASSERT_TRUE(tx != NULL);
		ASSERT_EQ(strlen(tx), 64);
		ASSERT_TRUE(cs_str_is_hex_lower(tx));
		free(tx);
	}
	/* Another mint than the stored one: mismatch, never verified. */
	snprintf(sql, sizeof(sql),
	    "UPDATE nfts SET nmkr_mint_tx = '%064d' WHERE id = %lld", 7,
	    (long long)res.items[0].nft_id);
	path = cs_test_path("sync.db");
	url = cs_xasprintf("sqlite:%s", path);
	cs_fixture_db_exec(url, sql);
	free(url);
	free(path);
	odd = res.items[0].nft_id;
	cs_verify_results_dispose(&res);
	res = run(v, 0, 0, true);
	ASSERT_EQ(res.verified, 4);
	ASSERT_EQ(res.mismatch, 1);
	for (i = 0; i < res.n; i++) {
		if (res.items[i].status != CS_CHAIN_MISMATCH)
			continue;
		ASSERT_EQ(res.items[i].nft_id, odd);
		ASSERT_STR_CONTAINS(res.items[i].message, "not by NMKR's");
	}
	cs_verify_results_dispose(&res);
	cs_verifier_free(v);
	cs_nmkr_free(nmkr);
	teardown();
}
