/* SPDX-License-Identifier: MIT */
/*
 * fake-nmkr against docs/upstream.md §1 and NMKR's official (2022) OpenAPI
 * spec: every endpoint's happy path and error bodies, the quirks (401 texts,
 * 406 vs 400 limits, 406-then-404, zero counts, paging end), the rate limit and
 * cache, every fault kind, the counters, the control interface and the
 * signed webhooks.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "th.h"
#include "test.h"
#include "util/time.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define NMKR_SPEC_FLAGS TH_ALLOW_EXTRA
#define BEARER "Bearer " TH_KEY

static const char *const nft_keys[] = {"id", "uid", "name", "displayname",
    "detaildata", "ipfsLink", "gatewayLink", "state", "minted", "policyId",
    "assetId", "assetname", "fingerprint", "initialMintTxHash", "series",
    "tokenamount", "price", "selldate", "paymentGatewayLinkForSpecificSale",
    "priceSolana", "priceAptos", NULL};

static const char *const count_keys[] = {"nftTotal", "sold", "free", "reserved",
    "error", "blocked", "totalTokens", "totalBlocked", "unknownOrBurnedState",
    NULL};

static const char *const project_keys[] = {"id", "projectname", "projecturl",
    "projectLogo", "state", "free", "sold", "reserved", "total", "blocked",
    "totalBlocked", "totalTokens", "error", "unknownOrBurnedState", "uid",
    "maxTokenSupply", "description", "addressReservationTime", "policyId",
    "enableCrossSaleOnPaymentGateway", "adaPayoutWalletAddress",
    "usdcPayoutWalletAddress", "enableFiatPayments", "paymentGatewaySaleStart",
    "enableDecentralPayments", "policyLocks", "royaltyAddress",
    "royaltyPercent", "lockslot", "disableManualMintingbutton",
    "disableRandomSales", "disableSpecificSales", "twitterHandle",
    "nmkrAccountOptions", "crossmintCollectiondId", "created", "blockchains",
    "solanaProjectDetails", "aptosProjectDetails", "solanaPayoutWalletAddress",
    NULL};

static const char *const detail_keys[] = {"id", "ipfshash", "state", "name",
    "displayname", "detaildata", "minted", "receiveraddress", "selldate",
    "soldby", "reserveduntil", "policyid", "assetid", "assetname",
    "fingerprint", "initialminttxhash", "title", "series", "ipfsGatewayAddress",
    "metadata", "singlePrice", "uid", "paymentGatewayLinkForSpecificSale",
    "sendBackCentralPaymentInLovelace", "priceInLovelaceCentralPayments",
    "uploadSource", "priceInLamportCentralPayments", "singlePriceSolana",
    "priceInOctsCentralPayments", "mintedOnBlockchain", "mintingfees", NULL};

static const char *const error_keys[] = {
    "resultState", "errorMessage", "errorCode", "innerErrorMessage", NULL};

static const char *const webhook_keys[] = {"EventType", "ProjectName",
    "ProjectUid", "SaleType", "SaleDate", "Price", "MintingCosts",
    "SendbackCosts", "NetworkFees", "NMKRRewards", "Discount",
    "NotificationSaleNfts", "TxHash", "ReceiverAddress", "OriginatorAddress",
    "StakeAddressReceiver", "SenderAddress", "DetailResults", "Metadata",
    "PreparedTransactionUid", "CustomProperties", "AddressExpiration",
    "BlockChain", "DiscountCode", "MetadataStandard",
    "Cip68ReferenceTokenAddress", NULL};

static const char *const sale_nft_keys[] = {"NftId", "NftUid", "NftName",
    "NftNameInHex", "AssetId", "PolicyId", "Count", "Multiplier", "Fingerprint",
    NULL};

#define GETNFTS_TPL "/v2/GetNfts/{projectuid}/{state}/{count}/{page}"

/* GET path on p with the test key; the response is left in r. */
static void get(struct th_resp *r, const struct cs_fakeproc *p,
    const char *auth, const char *fmt, ...) CS_PRINTF(4, 5);

static void
get(struct th_resp *r, const struct cs_fakeproc *p, const char *auth,
    const char *fmt, ...)
{
	char path[1024], *url;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(path, sizeof(path), fmt, ap);
	va_end(ap);
	url = th_url(p, "%s", path);
	th_get(r, url, auth);
	free(url);
}

static void
start_small(struct cs_fakeproc *p)
{
	static const char *const args[] = {"--nfts", "120", "--sold", "10",
	    "--reserved", "5", "--blocked", "3", NULL};

	th_start_nmkr(p, args);
}

static void
assert_api_error(
    const struct th_resp *r, long status, int code, const char *msg)
{
	cJSON *doc;

	ASSERT_EQ(r->status, status);
	doc = th_json(r);
	th_assert_keys(doc, error_keys);
	ASSERT_STR_EQ(th_str(doc, "resultState"), "Error");
	ASSERT_STR_EQ(th_str(doc, "errorMessage"), msg);
	ASSERT_EQ(th_num(doc, "errorCode"), code);
	ASSERT_TRUE(cJSON_IsNull(
	    cJSON_GetObjectItemCaseSensitive(doc, "innerErrorMessage")));
	cJSON_Delete(doc);
}

/* The first NFT uid in state state (via the control list). Caller frees. */
static char *
uid_in_state(const struct cs_fakeproc *p, const char *state)
{
	cJSON *list = th_control(p, "GET", "/__fake/nfts", NULL, 200);
	const cJSON *it;
	char *uid = NULL;

	cJSON_ArrayForEach(it, list) {
		if (strcmp(th_str(it, "state"), state) == 0) {
			uid = cs_xstrdup(th_str(it, "uid"));
			break;
		}
	}
	cJSON_Delete(list);
	if (uid == NULL)
		cs_test_fail(__FILE__, __LINE__, "no nft in state %s", state);
	return uid;
}

static void
set_state(const struct cs_fakeproc *p, const char *uid, const char *body)
{
	char path[128];
	cJSON *doc;

	snprintf(path, sizeof(path), "/__fake/nfts/%s/state", uid);
	doc = th_control(p, "POST", path, body, 200);
	ASSERT_STR_EQ(th_str(doc, "uid"), uid);
	cJSON_Delete(doc);
}

/* ---- GetNfts ------------------------------------------------------------ */

CS_TEST(getnfts__schema_and_fields)
{
	struct cs_fakeproc p;
	struct th_resp r;
	cJSON *doc;
	const cJSON *first, *it;
	char uid[37];

	start_small(&p);
	get(&r, &p, BEARER, "/v2/GetNfts/%s/all/50/1", TH_PROJECT);
	ASSERT_EQ(r.status, 200);
	TH_CHECK_SPEC(TH_SPEC_NMKR, "GET", GETNFTS_TPL, &r, NMKR_SPEC_FLAGS);
	doc = th_json(&r);
	ASSERT_TRUE(cJSON_IsArray(doc));
	ASSERT_EQ(cJSON_GetArraySize(doc), 50);
	cJSON_ArrayForEach(it, doc) {
		th_assert_keys(it, nft_keys);
	}
	first = cJSON_GetArrayItem(doc, 0);
	th_nft_uid(TH_PROJECT, 1, uid);
	ASSERT_STR_EQ(th_str(first, "uid"), uid);
	ASSERT_STR_EQ(th_str(first, "name"), "Camp0001");
	ASSERT_STR_EQ(th_str(first, "displayname"), "Campaign #1");
	ASSERT_STR_EQ(th_str(first, "state"), "sold");
	ASSERT_TRUE(
	    cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(first, "minted")));
	ASSERT_EQ(th_num(first, "tokenamount"), 0);
	ASSERT_EQ(th_num(first, "price"), 25000000);
	ASSERT_STR_EQ(th_str(first, "selldate"), "2025-10-01T12:00:00");
	ASSERT_STR_EQ(th_str(first, "assetname"), "43616d7030303031");
	ASSERT_EQ(strlen(th_str(first, "policyId")), 56);
	ASSERT_TRUE(strncmp(th_str(first, "assetId"), th_str(first, "policyId"),
	                56) == 0);
	ASSERT_STR_EQ(th_str(first, "assetId") + 56, "43616d7030303031");
	ASSERT_EQ(strlen(th_str(first, "initialMintTxHash")), 64);
	ASSERT_TRUE(strncmp(th_str(first, "fingerprint"), "asset1", 6) == 0);
	ASSERT_EQ(strlen(th_str(first, "fingerprint")), 44);
	ASSERT_TRUE(strncmp(th_str(first, "ipfsLink"), "ipfs://Qm", 9) == 0);
	ASSERT_STR_CONTAINS(
	    th_str(first, "gatewayLink"), "https://c-ipfs-gw.nmkr.io/ipfs/Qm");
	ASSERT_STR_CONTAINS(th_str(first, "paymentGatewayLinkForSpecificSale"),
	    "https://pay.nmkr.io/?p=9e2d000aed534db4819b25cdab41fd47&n=");
	ASSERT_TRUE(cJSON_IsNull(
	    cJSON_GetObjectItemCaseSensitive(first, "priceSolana")));
	ASSERT_TRUE(
	    cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(first, "series")));
	/* A free one: not minted, no sale date, no mint tx. */
	it = cJSON_GetArrayItem(doc, 20);
	ASSERT_STR_EQ(th_str(it, "state"), "free");
	ASSERT_TRUE(
	    cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(it, "selldate")));
	ASSERT_TRUE(cJSON_IsNull(
	    cJSON_GetObjectItemCaseSensitive(it, "initialMintTxHash")));
	cJSON_Delete(doc);
	th_resp_free(&r);
	ASSERT_EQ(cs_fakeproc_stop(&p), 0);
}

CS_TEST(getnfts__paging_end)
{
	static const int want[] = {50, 50, 20, 0};
	struct cs_fakeproc p;
	struct th_resp r;
	cJSON *doc;
	int page;

	start_small(&p);
	for (page = 1; page <= 4; page++) {
		get(&r, &p, BEARER, "/v2/GetNfts/%s/all/50/%d", TH_PROJECT,
		    page);
		ASSERT_EQ(r.status, 200);
		doc = th_json(&r);
		ASSERT_EQ(cJSON_GetArraySize(doc), want[page - 1]);
		if (page == 4)
			ASSERT_STR_EQ(r.body, "[]");
		cJSON_Delete(doc);
		th_resp_free(&r);
	}
	/* 102 free NFTs: 50, 50, 2. */
	get(&r, &p, BEARER, "/v2/GetNfts/%s/free/50/3", TH_PROJECT);
	doc = th_json(&r);
	ASSERT_EQ(cJSON_GetArraySize(doc), 2);
	cJSON_Delete(doc);
	th_resp_free(&r);
	get(&r, &p, BEARER, "/v2/GetNfts/%s/sold/50/1", TH_PROJECT);
	doc = th_json(&r);
	ASSERT_EQ(cJSON_GetArraySize(doc), 10);
	cJSON_Delete(doc);
	th_resp_free(&r);
	get(&r, &p, BEARER, "/v2/GetNfts/%s/reserved/50/1", TH_PROJECT);
	doc = th_json(&r);
	ASSERT_EQ(cJSON_GetArraySize(doc), 5);
	cJSON_Delete(doc);
	th_resp_free(&r);
	get(&r, &p, BEARER, "/v2/GetNfts/%s/error/50/1", TH_PROJECT);
	ASSERT_STR_EQ(r.body, "[]");
	th_resp_free(&r);
	get(&r, &p, BEARER, "/v2/GetNfts/%s/burned/50/1", TH_PROJECT);
	ASSERT_STR_EQ(r.body, "[]");
	th_resp_free(&r);
	cs_fakeproc_stop(&p);
}

CS_TEST(getnfts__order_by_id)
{
	struct cs_fakeproc p;
	struct th_resp r;
	cJSON *doc;
	const cJSON *it;
	double last = 0;
	int page, seen = 0;

	start_small(&p);
	for (page = 1; page <= 3; page++) {
		get(&r, &p, BEARER, "/v2/GetNfts/%s/all/50/%d?orderby=id",
		    TH_PROJECT, page);
		doc = th_json(&r);
		cJSON_ArrayForEach(it, doc) {
			ASSERT_GT(th_num(it, "id"), last);
			last = th_num(it, "id");
			seen++;
		}
		cJSON_Delete(doc);
		th_resp_free(&r);
	}
	ASSERT_EQ(seen, 120);
	get(&r, &p, BEARER, "/v2/GetNfts/%s/all/50/1?orderby=id_desc",
	    TH_PROJECT);
	doc = th_json(&r);
	ASSERT_EQ(th_num(cJSON_GetArrayItem(doc, 0), "id"), last);
	ASSERT_LT(th_num(cJSON_GetArrayItem(doc, 1), "id"), last);
	cJSON_Delete(doc);
	th_resp_free(&r);
	/* Sold ones by sale date: ascending, then descending. */
	get(&r, &p, BEARER, "/v2/GetNfts/%s/sold/50/1?orderby=selldate",
	    TH_PROJECT);
	doc = th_json(&r);
	ASSERT_EQ(cJSON_GetArraySize(doc), 10);
	ASSERT_LT(strcmp(th_str(cJSON_GetArrayItem(doc, 0), "selldate"),
	              th_str(cJSON_GetArrayItem(doc, 9), "selldate")),
	    0);
	cJSON_Delete(doc);
	th_resp_free(&r);
	get(&r, &p, BEARER, "/v2/GetNfts/%s/sold/50/1?orderby=selldate_desc",
	    TH_PROJECT);
	doc = th_json(&r);
	ASSERT_STR_EQ(th_str(cJSON_GetArrayItem(doc, 0), "selldate"),
	    "2025-10-01T12:09:00");
	cJSON_Delete(doc);
	th_resp_free(&r);
	cs_fakeproc_stop(&p);
}

CS_TEST(getnfts__bad_state)
{
	static const char *const states[] = {"blocked", "bogus", "Sold2", NULL};
	struct cs_fakeproc p;
	struct th_resp r;
	int i;

	start_small(&p);
	for (i = 0; states[i] != NULL; i++) {
		get(&r, &p, BEARER, "/v2/GetNfts/%s/%s/10/1", TH_PROJECT,
		    states[i]);
		assert_api_error(&r, 406, 20, "State not known");
		TH_CHECK_SPEC(
		    TH_SPEC_NMKR, "GET", GETNFTS_TPL, &r, NMKR_SPEC_FLAGS);
		th_resp_free(&r);
	}
	cs_fakeproc_stop(&p);
}

/* Each state's list holds exactly that state's NFTs, as many as GetCounts
 * says; blocked ones only under all; the state is compared exactly (NMKR's
 * C# `!=`): the smart sync relies on all three (docs/internals/sync.md). */
CS_TEST(getnfts__by_state_exact_and_counted)
{
	static const char *const states[] = {
	    "free", "reserved", "sold", "error", "burned", NULL};
	static const char *const refused[] = {"FREE", "All", "Sold", NULL};
	struct cs_fakeproc p;
	struct th_resp r;
	cJSON *counts, *doc;
	const cJSON *it;
	char uid[37];
	int i, page, n, all = 0, blocked_seen = 0;

	start_small(&p);
	th_nft_uid(TH_PROJECT, 20, uid);
	set_state(&p, uid, "{\"state\":\"burned\"}");
	th_nft_uid(TH_PROJECT, 21, uid);
	set_state(&p, uid, "{\"state\":\"error\"}");
	get(&r, &p, BEARER, "/v2/GetCounts/%s", TH_PROJECT);
	counts = th_json(&r);
	th_resp_free(&r);
	ASSERT_EQ(th_num(counts, "blocked"), 3);
	ASSERT_EQ(th_num(counts, "unknownOrBurnedState"), 1);
	ASSERT_EQ(th_num(counts, "error"), 1);
	/* §1.4: unknownOrBurnedState is what the named counts leave. */
	ASSERT_EQ(th_num(counts, "unknownOrBurnedState"),
	    th_num(counts, "totalTokens") - th_num(counts, "free") -
	        th_num(counts, "reserved") - th_num(counts, "error") -
	        th_num(counts, "blocked") - th_num(counts, "totalBlocked") -
	        th_num(counts, "sold"));
	for (i = 0; states[i] != NULL; i++) {
		n = 0;
		for (page = 1;; page++) {
			int len;

			get(&r, &p, BEARER, "/v2/GetNfts/%s/%s/50/%d",
			    TH_PROJECT, states[i], page);
			ASSERT_EQ(r.status, 200);
			doc = th_json(&r);
			len = cJSON_GetArraySize(doc);
			cJSON_ArrayForEach(it, doc) {
				ASSERT_STR_EQ(th_str(it, "state"), states[i]);
			}
			n += len;
			cJSON_Delete(doc);
			th_resp_free(&r);
			if (len < 50)
				break;
		}
		if (strcmp(states[i], "burned") == 0)
			ASSERT_EQ(n, th_num(counts, "unknownOrBurnedState"));
		else
			ASSERT_EQ(n, th_num(counts, states[i]));
		all += n;
	}
	for (page = 1; page <= 3; page++) {
		get(&r, &p, BEARER, "/v2/GetNfts/%s/all/50/%d", TH_PROJECT,
		    page);
		doc = th_json(&r);
		cJSON_ArrayForEach(it, doc) {
			if (strcmp(th_str(it, "state"), "blocked") == 0)
				blocked_seen++;
		}
		cJSON_Delete(doc);
		th_resp_free(&r);
	}
	ASSERT_EQ(blocked_seen, 3);
	ASSERT_EQ(all + blocked_seen, th_num(counts, "nftTotal"));
	for (i = 0; refused[i] != NULL; i++) {
		get(&r, &p, BEARER, "/v2/GetNfts/%s/%s/50/1", TH_PROJECT,
		    refused[i]);
		assert_api_error(&r, 406, 20, "State not known");
		th_resp_free(&r);
	}
	cJSON_Delete(counts);
	cs_fakeproc_stop(&p);
}

CS_TEST(getnfts__count_limits)
{
	struct cs_fakeproc p;
	struct th_resp r;
	cJSON *doc;
	const cJSON *errors;

	start_small(&p);
	get(&r, &p, BEARER, "/v2/GetNfts/%s/all/51/1", TH_PROJECT);
	assert_api_error(&r, 406, 20, "Count can not exceed 50");
	th_resp_free(&r);
	get(&r, &p, BEARER, "/v2/GetNfts/%s/all/100/1", TH_PROJECT);
	assert_api_error(&r, 406, 20, "Count can not exceed 50");
	th_resp_free(&r);
	get(&r, &p, BEARER, "/v2/GetNfts/%s/all/0/1", TH_PROJECT);
	ASSERT_EQ(r.status, 400);
	doc = th_json(&r);
	ASSERT_STR_EQ(
	    th_str(doc, "title"), "One or more validation errors occurred.");
	ASSERT_EQ(th_num(doc, "status"), 400);
	errors = cJSON_GetObjectItemCaseSensitive(doc, "errors");
	ASSERT_TRUE(cJSON_GetObjectItemCaseSensitive(errors, "count") != NULL);
	cJSON_Delete(doc);
	th_resp_free(&r);
	get(&r, &p, BEARER, "/v2/GetNfts/%s/all/101/1", TH_PROJECT);
	ASSERT_EQ(r.status, 400);
	th_resp_free(&r);
	get(&r, &p, BEARER, "/v2/GetNfts/%s/all/10/0", TH_PROJECT);
	ASSERT_EQ(r.status, 400);
	ASSERT_STR_CONTAINS(r.body, "\"page\"");
	th_resp_free(&r);
	get(&r, &p, BEARER, "/v2/GetNfts/%s/all/abc/1", TH_PROJECT);
	ASSERT_EQ(r.status, 400);
	ASSERT_STR_CONTAINS(r.body, "The value 'abc' is not valid.");
	th_resp_free(&r);
	cs_fakeproc_stop(&p);
}

CS_TEST(getnfts__bad_orderby)
{
	struct cs_fakeproc p;
	struct th_resp r;

	start_small(&p);
	get(&r, &p, BEARER, "/v2/GetNfts/%s/all/10/1?orderby=name", TH_PROJECT);
	assert_api_error(&r, 406, 22, "Orderby is not valid");
	th_resp_free(&r);
	cs_fakeproc_stop(&p);
}

CS_TEST(getnfts__unknown_project_406_then_404)
{
	static const char *const cache_on[] = {"--cache-seconds", "20", NULL};
	struct cs_fakeproc p;
	struct th_resp r;
	const char *other = "00000000-0000-4000-8000-000000000000";

	th_start_nmkr(&p, cache_on);
	get(&r, &p, BEARER, "/v2/GetNfts/%s/all/10/1", other);
	assert_api_error(&r, 406, 50, "Projectuid not known");
	TH_CHECK_SPEC(TH_SPEC_NMKR, "GET", GETNFTS_TPL, &r, NMKR_SPEC_FLAGS);
	th_resp_free(&r);
	get(&r, &p, BEARER, "/v2/GetNfts/%s/all/10/1", other);
	assert_api_error(&r, 404, 50, "Projectuid not known");
	TH_CHECK_SPEC(TH_SPEC_NMKR, "GET", GETNFTS_TPL, &r, NMKR_SPEC_FLAGS);
	th_resp_free(&r);
	/* Another page is another cache key: 406 again. */
	get(&r, &p, BEARER, "/v2/GetNfts/%s/all/10/2", other);
	ASSERT_EQ(r.status, 406);
	th_resp_free(&r);
	cs_fakeproc_stop(&p);
}

/* ---- Authentication ----------------------------------------------------- */

CS_TEST(auth__missing_and_wrong_key)
{
	struct cs_fakeproc p;
	struct th_resp r;

	start_small(&p);
	get(&r, &p, NULL, "/v2/GetNfts/%s/all/10/1", TH_PROJECT);
	assert_api_error(&r, 401, 1, "Apikey/Accesstoken is not valid");
	TH_CHECK_SPEC(TH_SPEC_NMKR, "GET", GETNFTS_TPL, &r, NMKR_SPEC_FLAGS);
	th_resp_free(&r);
	get(&r, &p, "Bearer nope", "/v2/GetCounts/%s", TH_PROJECT);
	assert_api_error(&r, 401, 1, "Apikey/Accesstoken is not correct");
	TH_CHECK_SPEC(TH_SPEC_NMKR, "GET", "/v2/GetCounts/{projectuid}", &r,
	    NMKR_SPEC_FLAGS);
	th_resp_free(&r);
	get(&r, &p, "Bearer ", "/v2/GetCounts/%s", TH_PROJECT);
	assert_api_error(&r, 401, 1, "Apikey/Accesstoken is not valid");
	th_resp_free(&r);
	/* The raw key without "Bearer " is accepted too. */
	get(&r, &p, TH_KEY, "/v2/GetCounts/%s", TH_PROJECT);
	ASSERT_EQ(r.status, 200);
	th_resp_free(&r);
	get(&r, &p, BEARER, "/v2/GetCounts/%s", TH_PROJECT);
	ASSERT_EQ(r.status, 200);
	th_resp_free(&r);
	cs_fakeproc_stop(&p);
}

CS_TEST(auth__apikey_header_for_project_details)
{
	static const char *const hdr[] = {"apikey: " TH_KEY, NULL};
	struct cs_fakeproc p;
	struct th_resp r;
	char *url;

	start_small(&p);
	url = th_url(&p, "/v2/GetProjectDetails/%s", TH_PROJECT);
	th_request(&r, "GET", url, hdr, NULL);
	ASSERT_EQ(r.status, 200);
	th_resp_free(&r);
	free(url);
	/* Only GetProjectDetails reads it. */
	url = th_url(&p, "/v2/GetCounts/%s", TH_PROJECT);
	th_request(&r, "GET", url, hdr, NULL);
	ASSERT_EQ(r.status, 401);
	th_resp_free(&r);
	free(url);
	cs_fakeproc_stop(&p);
}

/* ---- Other endpoints ---------------------------------------------------- */

CS_TEST(getcounts__schema_and_unknown_zeros)
{
	struct cs_fakeproc p;
	struct th_resp r;
	cJSON *doc;
	const cJSON *it;

	start_small(&p);
	get(&r, &p, BEARER, "/v2/GetCounts/%s", TH_PROJECT);
	ASSERT_EQ(r.status, 200);
	TH_CHECK_SPEC(TH_SPEC_NMKR, "GET", "/v2/GetCounts/{projectuid}", &r,
	    NMKR_SPEC_FLAGS);
	doc = th_json(&r);
	th_assert_keys(doc, count_keys);
	ASSERT_EQ(th_num(doc, "nftTotal"), 120);
	ASSERT_EQ(th_num(doc, "sold"), 10);
	ASSERT_EQ(th_num(doc, "free"), 102);
	ASSERT_EQ(th_num(doc, "reserved"), 5);
	ASSERT_EQ(th_num(doc, "blocked"), 3);
	ASSERT_EQ(th_num(doc, "totalTokens"), 120);
	ASSERT_EQ(th_num(doc, "unknownOrBurnedState"), 0);
	cJSON_Delete(doc);
	th_resp_free(&r);
	get(&r, &p, BEARER, "/v2/GetCounts/%s",
	    "11111111-2222-4333-8444-555555555555");
	ASSERT_EQ(r.status, 200);
	doc = th_json(&r);
	th_assert_keys(doc, count_keys);
	cJSON_ArrayForEach(it, doc) {
		ASSERT_EQ(it->valuedouble, 0);
	}
	cJSON_Delete(doc);
	th_resp_free(&r);
	cs_fakeproc_stop(&p);
}

CS_TEST(projectdetails__schema_and_404)
{
	static const char *const args[] = {
	    "--nfts", "30", "--sold", "4", "--reservation-minutes", "20", NULL};
	struct cs_fakeproc p;
	struct th_resp r;
	cJSON *doc;

	th_start_nmkr(&p, args);
	get(&r, &p, BEARER, "/v2/GetProjectDetails/%s", TH_PROJECT);
	ASSERT_EQ(r.status, 200);
	TH_CHECK_SPEC(TH_SPEC_NMKR, "GET", "/v2/GetProjectDetails/{projectuid}",
	    &r, NMKR_SPEC_FLAGS);
	doc = th_json(&r);
	th_assert_keys(doc, project_keys);
	ASSERT_TRUE(
	    cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(doc, "state")));
	ASSERT_EQ(th_num(doc, "addressReservationTime"), 20);
	ASSERT_EQ(th_num(doc, "total"), 30);
	ASSERT_EQ(th_num(doc, "sold"), 4);
	ASSERT_STR_EQ(th_str(doc, "uid"), TH_PROJECT);
	cJSON_Delete(doc);
	th_resp_free(&r);
	get(&r, &p, BEARER, "/v2/GetProjectDetails/%s",
	    "11111111-2222-4333-8444-555555555555");
	assert_api_error(&r, 404, 404, "Project not found");
	TH_CHECK_SPEC(TH_SPEC_NMKR, "GET", "/v2/GetProjectDetails/{projectuid}",
	    &r, NMKR_SPEC_FLAGS);
	th_resp_free(&r);
	cs_fakeproc_stop(&p);
}

CS_TEST(nftdetails__schema_sold_reserved_404)
{
	struct cs_fakeproc p;
	struct th_resp r;
	cJSON *doc;
	char *sold, *reserved;

	start_small(&p);
	sold = uid_in_state(&p, "sold");
	reserved = uid_in_state(&p, "reserved");
	get(&r, &p, BEARER, "/v2/GetNftDetailsById/%s", sold);
	ASSERT_EQ(r.status, 200);
	TH_CHECK_SPEC(TH_SPEC_NMKR, "GET", "/v2/GetNftDetailsById/{nftuid}", &r,
	    NMKR_SPEC_FLAGS);
	doc = th_json(&r);
	th_assert_keys(doc, detail_keys);
	ASSERT_STR_EQ(th_str(doc, "uid"), sold);
	ASSERT_STR_EQ(th_str(doc, "state"), "sold");
	ASSERT_TRUE(strncmp(th_str(doc, "receiveraddress"), "addr1", 5) == 0);
	ASSERT_EQ(strlen(th_str(doc, "initialminttxhash")), 64);
	ASSERT_STR_CONTAINS(th_str(doc, "metadata"), "\"721\"");
	ASSERT_STR_EQ(th_str(doc, "mintedOnBlockchain"), "Cardano");
	ASSERT_TRUE(cJSON_IsNull(
	    cJSON_GetObjectItemCaseSensitive(doc, "reserveduntil")));
	cJSON_Delete(doc);
	th_resp_free(&r);
	get(&r, &p, BEARER, "/v2/GetNftDetailsById/%s", reserved);
	doc = th_json(&r);
	ASSERT_STR_EQ(th_str(doc, "state"), "reserved");
	ASSERT_TRUE(th_str(doc, "reserveduntil") != NULL);
	ASSERT_TRUE(cJSON_IsNull(
	    cJSON_GetObjectItemCaseSensitive(doc, "receiveraddress")));
	cJSON_Delete(doc);
	th_resp_free(&r);
	get(&r, &p, BEARER, "/v2/GetNftDetailsById/%s",
	    "11111111-2222-4333-8444-555555555555");
	assert_api_error(&r, 404, 404, "Nft not found");
	TH_CHECK_SPEC(TH_SPEC_NMKR, "GET", "/v2/GetNftDetailsById/{nftuid}", &r,
	    NMKR_SPEC_FLAGS);
	th_resp_free(&r);
	free(sold);
	free(reserved);
	cs_fakeproc_stop(&p);
}

CS_TEST(network__preprod_links)
{
	static const char *const args[] = {
	    "--nfts", "3", "--sold", "1", "--network", "preprod", NULL};
	struct cs_fakeproc p;
	struct th_resp r;
	cJSON *doc;
	char uid[37], want[256], nodash[33];
	int i, o = 0;

	th_start_nmkr(&p, args);
	get(&r, &p, BEARER, "/v2/GetNfts/%s/all/10/1", TH_PROJECT);
	doc = th_json(&r);
	th_nft_uid(TH_PROJECT, 2, uid);
	for (i = 0; uid[i] != '\0'; i++) {
		if (uid[i] != '-')
			nodash[o++] = uid[i];
	}
	nodash[o] = '\0';
	snprintf(want, sizeof(want),
	    "https://pay.preprod.nmkr.io/?p=9e2d000aed534db4819b25cdab41fd47"
	    "&n=%s",
	    nodash);
	ASSERT_STR_EQ(th_str(cJSON_GetArrayItem(doc, 1),
	                  "paymentGatewayLinkForSpecificSale"),
	    want);
	cJSON_Delete(doc);
	th_resp_free(&r);
	th_nft_uid(TH_PROJECT, 1, uid);
	get(&r, &p, BEARER, "/v2/GetNftDetailsById/%s", uid);
	doc = th_json(&r);
	ASSERT_TRUE(
	    strncmp(th_str(doc, "receiveraddress"), "addr_test1", 10) == 0);
	cJSON_Delete(doc);
	th_resp_free(&r);
	cs_fakeproc_stop(&p);
}

/* ---- Notifications ------------------------------------------------------ */

static cJSON *
update_notifications(const struct cs_fakeproc *p, const char *project,
    const char *body, long expect)
{
	static const char *const hdr[] = {"Authorization: " BEARER, NULL};
	struct th_resp r;
	char *url = th_url(p, "/v2/UpdateNotifications/%s", project);
	cJSON *doc;

	th_request(&r, "POST", url, hdr, body);
	free(url);
	if (r.status != expect)
		cs_test_fail(__FILE__, __LINE__, "UpdateNotifications: %ld %s",
		    r.status, r.body);
	if (expect == 204) {
		/* NMKR's Ok-with-null: no body at all */
		ASSERT_EQ(r.len, 0);
		th_resp_free(&r);
		return NULL;
	}
	doc = th_json(&r);
	th_resp_free(&r);
	return doc;
}

static bool
is_hex32(const char *s)
{
	size_t i;

	if (s == NULL || strlen(s) != 32)
		return false;
	for (i = 0; i < 32; i++) {
		if (!((s[i] >= '0' && s[i] <= '9') ||
		        (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	}
	return true;
}

CS_TEST(notifications__update_rotates_secrets)
{
	static const char *const keys[] = {
	    "notificationType", "address", "isActive", "secret", NULL};
	const char *body = "[{\"notificationType\":\"webhook\","
	                   "\"address\":\"https://example.com/hook\","
	                   "\"isActive\":true}]";
	struct cs_fakeproc p;
	struct th_resp r;
	cJSON *a, *b, *doc;
	const cJSON *ea, *eb;

	start_small(&p);
	get(&r, &p, BEARER, "/v2/GetNotifications/%s", TH_PROJECT);
	ASSERT_EQ(r.status, 204);
	ASSERT_EQ(r.len, 0);
	th_resp_free(&r);
	a = update_notifications(&p, TH_PROJECT, body, 200);
	ASSERT_EQ(cJSON_GetArraySize(a), 1);
	ea = cJSON_GetArrayItem(a, 0);
	th_assert_keys(ea, keys);
	ASSERT_STR_EQ(th_str(ea, "notificationType"), "webhook");
	ASSERT_STR_EQ(th_str(ea, "address"), "https://example.com/hook");
	ASSERT_TRUE(is_hex32(th_str(ea, "secret")));
	b = update_notifications(&p, TH_PROJECT, body, 200);
	eb = cJSON_GetArrayItem(b, 0);
	ASSERT_TRUE(is_hex32(th_str(eb, "secret")));
	ASSERT_TRUE(strcmp(th_str(ea, "secret"), th_str(eb, "secret")) != 0);
	get(&r, &p, BEARER, "/v2/GetNotifications/%s", TH_PROJECT);
	ASSERT_EQ(r.status, 200);
	doc = th_json(&r);
	ASSERT_STR_EQ(
	    th_str(cJSON_GetArrayItem(doc, 0), "secret"), th_str(eb, "secret"));
	cJSON_Delete(doc);
	th_resp_free(&r);
	cJSON_Delete(a);
	cJSON_Delete(b);

	doc = update_notifications(&p, TH_PROJECT,
	    "[{\"notificationType\":\"webhook\",\"address\":\"not a url\","
	    "\"isActive\":true}]",
	    406);
	ASSERT_EQ(th_num(doc, "errorCode"), 432);
	ASSERT_STR_EQ(th_str(doc, "errorMessage"),
	    "Notifications: Address is not a valid url");
	cJSON_Delete(doc);
	doc = update_notifications(
	    &p, "11111111-2222-4333-8444-555555555555", body, 404);
	ASSERT_EQ(th_num(doc, "errorCode"), 553);
	ASSERT_STR_EQ(th_str(doc, "errorMessage"), "Project UID not found");
	cJSON_Delete(doc);
	/* [] clears them: NMKR answers the empty list it reads back (null)
	 * with StatusCode(200, null), which ASP.NET's no-content formatter
	 * sends as 204 with an empty body; GetNotifications is 204 too. */
	doc = update_notifications(&p, TH_PROJECT, "[]", 204);
	ASSERT_TRUE(doc == NULL);
	get(&r, &p, BEARER, "/v2/GetNotifications/%s", TH_PROJECT);
	ASSERT_EQ(r.status, 204);
	th_resp_free(&r);
	cs_fakeproc_stop(&p);
}

/*
 * NMKR's GetNotifications answers Ok(null) (204, empty body) for a project
 * without notifications and also for a project it does not know: no 404
 * (NMKR's source, SaveProjectFunctions.GetNotifications).
 */
CS_TEST(notifications__unknown_project_is_204)
{
	struct cs_fakeproc p;
	struct th_resp r;

	start_small(&p);
	get(&r, &p, BEARER, "/v2/GetNotifications/%s",
	    "11111111-2222-4333-8444-555555555555");
	ASSERT_EQ(r.status, 204);
	ASSERT_EQ(r.len, 0);
	th_resp_free(&r);
	cs_fakeproc_stop(&p);
}

/*
 * UpdateNotifications keeps exactly what was sent (type, address, active
 * flag, in order; e-mails and inactive entries too) and gives every entry
 * a new secret, the ones sent again unchanged included.
 */
CS_TEST(notifications__update_keeps_entries_and_rotates_all)
{
	const char *body =
	    "[{\"notificationType\":\"email\",\"address\":\"ops@example.com\","
	    "\"isActive\":false},"
	    "{\"notificationType\":\"webhook\","
	    "\"address\":\"https://other.example.com/h?x=1\","
	    "\"isActive\":true}]";
	struct cs_fakeproc p;
	struct th_resp r;
	cJSON *a, *b;
	const cJSON *ea, *eb;
	int i;

	start_small(&p);
	a = update_notifications(&p, TH_PROJECT, body, 200);
	b = update_notifications(&p, TH_PROJECT, body, 200);
	ASSERT_EQ(cJSON_GetArraySize(b), 2);
	for (i = 0; i < 2; i++) {
		ea = cJSON_GetArrayItem(a, i);
		eb = cJSON_GetArrayItem(b, i);
		ASSERT_STR_EQ(th_str(ea, "notificationType"),
		    th_str(eb, "notificationType"));
		ASSERT_STR_EQ(th_str(ea, "address"), th_str(eb, "address"));
		ASSERT_TRUE(is_hex32(th_str(eb, "secret")));
		ASSERT_TRUE(
		    strcmp(th_str(ea, "secret"), th_str(eb, "secret")) != 0);
	}
	eb = cJSON_GetArrayItem(b, 0);
	ASSERT_STR_EQ(th_str(eb, "notificationType"), "email");
	ASSERT_STR_EQ(th_str(eb, "address"), "ops@example.com");
	ASSERT_TRUE(cJSON_IsFalse(cJSON_GetObjectItem(eb, "isActive")));
	eb = cJSON_GetArrayItem(b, 1);
	ASSERT_STR_EQ(th_str(eb, "address"), "https://other.example.com/h?x=1");
	ASSERT_TRUE(cJSON_IsTrue(cJSON_GetObjectItem(eb, "isActive")));
	/* GetNotifications right after the update holds the new secrets. */
	get(&r, &p, BEARER, "/v2/GetNotifications/%s", TH_PROJECT);
	ASSERT_EQ(r.status, 200);
	cJSON_Delete(a);
	a = th_json(&r);
	th_resp_free(&r);
	for (i = 0; i < 2; i++)
		ASSERT_STR_EQ(th_str(cJSON_GetArrayItem(a, i), "secret"),
		    th_str(cJSON_GetArrayItem(b, i), "secret"));
	cJSON_Delete(a);
	cJSON_Delete(b);
	cs_fakeproc_stop(&p);
}

/*
 * NMKR never caches GetNotifications' 200 answers (only a failed key check,
 * 401, for 60 s: NMKR's source, GetNotificationsController.cs and
 * CheckCachedAccess.cs), so a read right after UpdateNotifications holds
 * the new secrets even while the result cache is on.
 */
CS_TEST(notifications__never_served_from_the_cache)
{
	static const char *const args[] = {
	    "--nfts", "3", "--cache-seconds", "20", NULL};
	const char *body = "[{\"notificationType\":\"webhook\","
	                   "\"address\":\"https://example.com/hook\","
	                   "\"isActive\":true}]";
	struct cs_fakeproc p;
	struct th_resp r;
	cJSON *a, *doc;

	th_start_nmkr(&p, args);
	get(&r, &p, BEARER, "/v2/GetNotifications/%s", TH_PROJECT);
	ASSERT_EQ(r.status, 204);
	th_resp_free(&r);
	a = update_notifications(&p, TH_PROJECT, body, 200);
	get(&r, &p, BEARER, "/v2/GetNotifications/%s", TH_PROJECT);
	ASSERT_EQ(r.status, 200);
	doc = th_json(&r);
	th_resp_free(&r);
	ASSERT_STR_EQ(th_str(cJSON_GetArrayItem(doc, 0), "secret"),
	    th_str(cJSON_GetArrayItem(a, 0), "secret"));
	cJSON_Delete(doc);
	cJSON_Delete(a);
	a = update_notifications(&p, TH_PROJECT, body, 200);
	get(&r, &p, BEARER, "/v2/GetNotifications/%s", TH_PROJECT);
	doc = th_json(&r);
	th_resp_free(&r);
	ASSERT_STR_EQ(th_str(cJSON_GetArrayItem(doc, 0), "secret"),
	    th_str(cJSON_GetArrayItem(a, 0), "secret"));
	cJSON_Delete(doc);
	cJSON_Delete(a);
	cs_fakeproc_stop(&p);
}

/* ---- Rate limit and cache ----------------------------------------------- */

CS_TEST(ratelimit__429_after_limit)
{
	static const char *const args[] = {
	    "--nfts", "3", "--rate-limit", "5", NULL};
	static const char *const other_ip[] = {
	    "Authorization: " BEARER, "X-Real-IP: 127.0.0.9", NULL};
	struct cs_fakeproc p;
	struct th_resp r;
	char retry[32], *url;
	cJSON *doc;
	int i;
	long secs;

	th_start_nmkr(&p, args);
	for (i = 0; i < 5; i++) {
		get(&r, &p, BEARER, "/v2/GetCounts/%s", TH_PROJECT);
		ASSERT_EQ(r.status, 200);
		th_resp_free(&r);
	}
	get(&r, &p, BEARER, "/v2/GetCounts/%s", TH_PROJECT);
	ASSERT_EQ(r.status, 429);
	ASSERT_TRUE(th_header(&r, "Retry-After", retry, sizeof(retry)));
	secs = strtol(retry, NULL, 10);
	ASSERT_GE(secs, 1);
	ASSERT_LE(secs, 10);
	{
		char want[256];

		snprintf(want, sizeof(want),
		    "{\"message\":\"Whoa! Calm down, cowboy!\",\"details\":"
		    "\"Quota exceeded. Maximum allowed: 5 per 10s. Please try "
		    "again in %ld second(s).\"}",
		    secs);
		ASSERT_STR_EQ(r.body, want);
	}
	ASSERT_TRUE(th_header(&r, "Content-Type", retry, sizeof(retry)));
	ASSERT_STR_EQ(retry, "application/json");
	th_resp_free(&r);
	/* Another client (X-Real-IP, as NMKR's limiter reads it) is fine. */
	url = th_url(&p, "/v2/GetCounts/%s", TH_PROJECT);
	th_request(&r, "GET", url, other_ip, NULL);
	ASSERT_EQ(r.status, 200);
	th_resp_free(&r);
	free(url);
	/* Control is never limited. */
	doc = th_control(&p, "GET", "/__fake/stats", NULL, 200);
	ASSERT_EQ(
	    th_num(cJSON_GetObjectItemCaseSensitive(doc, "status"), "429"), 1);
	cJSON_Delete(doc);
	cs_fakeproc_stop(&p);
}

static double
sold_count(const struct cs_fakeproc *p)
{
	struct th_resp r;
	cJSON *doc;
	double n;

	get(&r, p, BEARER, "/v2/GetCounts/%s", TH_PROJECT);
	doc = th_json(&r);
	n = th_num(doc, "sold");
	cJSON_Delete(doc);
	th_resp_free(&r);
	return n;
}

CS_TEST(cache__on_hides_changes_until_expiry)
{
	static const char *const args[] = {
	    "--nfts", "5", "--sold", "1", "--cache-seconds", "1", NULL};
	struct cs_fakeproc p;
	char *uid;

	th_start_nmkr(&p, args);
	ASSERT_EQ(sold_count(&p), 1);
	uid = uid_in_state(&p, "free");
	set_state(&p, uid, "{\"state\":\"sold\"}");
	ASSERT_EQ(sold_count(&p), 1); /* cached */
	cs_sleep_ms(1100);
	ASSERT_EQ(sold_count(&p), 2);
	free(uid);
	cs_fakeproc_stop(&p);
}

CS_TEST(cache__off_shows_changes_at_once)
{
	static const char *const args[] = {"--nfts", "5", "--sold", "1", NULL};
	struct cs_fakeproc p;
	char *uid;

	th_start_nmkr(&p, args);
	ASSERT_EQ(sold_count(&p), 1);
	uid = uid_in_state(&p, "free");
	set_state(&p, uid, "{\"state\":\"sold\"}");
	ASSERT_EQ(sold_count(&p), 2);
	free(uid);
	cs_fakeproc_stop(&p);
}

/* The first item of GetNfts/{project}/all/{count}/1{query}: its state. */
static char *
first_state(const struct cs_fakeproc *p, const char *count, const char *query,
    const char *const *hdr)
{
	struct th_resp r;
	char *url, *state;
	cJSON *doc;

	url = th_url(p, "/v2/GetNfts/%s/all/%s/1%s", TH_PROJECT, count, query);
	th_request(&r, "GET", url, hdr, NULL);
	ASSERT_EQ(r.status, 200);
	doc = th_json(&r);
	state = cs_xstrdup(th_str(cJSON_GetArrayItem(doc, 0), "state"));
	cJSON_Delete(doc);
	th_resp_free(&r);
	free(url);
	return state;
}

/* Started as a person would, without --cache-seconds (through env(1), so
 * the test support does not turn the cache off): NMKR's 20 s apply. */
CS_TEST(cache__on_by_default_for_20_seconds)
{
	char *bin = cs_build_path("tools/fake-nmkr/fake-nmkr");
	const char *argv[] = {"/usr/bin/env", bin, "--listen", "127.0.0.1:0",
	    "--api-key", TH_KEY, "--nfts", "5", "--sold", "1", NULL};
	struct cs_fakeproc p;
	char *uid, *log;

	cs_fakeproc_start(&p, argv, NULL);
	ASSERT_EQ(sold_count(&p), 1);
	uid = uid_in_state(&p, "free");
	set_state(&p, uid, "{\"state\":\"sold\"}");
	ASSERT_EQ(sold_count(&p), 1); /* NMKR's cached answer */
	log = cs_fakeproc_log(&p);
	ASSERT_TRUE(strstr(log, "cache 20s") != NULL);
	free(log);
	free(uid);
	free(bin);
	cs_fakeproc_stop(&p);
}

/* Errors are cached and replayed as NMKR's controllers do: a 404 for an
 * NFT that exists a moment later stays a 404 until the entry expires. */
CS_TEST(cache__errors_replayed_until_expiry)
{
	static const char *const args[] = {
	    "--nfts", "5", "--cache-seconds", "1", NULL};
	struct cs_fakeproc p;
	struct th_resp r;
	cJSON *doc;
	char uid[37];

	th_start_nmkr(&p, args);
	th_nft_uid(TH_PROJECT, 6, uid); /* the next NFT the fake adds */
	get(&r, &p, BEARER, "/v2/GetNftDetailsById/%s", uid);
	assert_api_error(&r, 404, 404, "Nft not found");
	th_resp_free(&r);
	doc = th_control(&p, "POST", "/__fake/nfts", "{\"count\":1}", 200);
	ASSERT_STR_EQ(
	    cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(doc, "uids"), 0)
	        ->valuestring,
	    uid);
	cJSON_Delete(doc);
	get(&r, &p, BEARER, "/v2/GetNftDetailsById/%s", uid);
	assert_api_error(&r, 404, 404, "Nft not found"); /* replayed */
	th_resp_free(&r);
	/* A wrong key's 401 is cached under that key, not the right one's. */
	get(&r, &p, "Bearer nope", "/v2/GetCounts/%s", TH_PROJECT);
	ASSERT_EQ(r.status, 401);
	th_resp_free(&r);
	get(&r, &p, BEARER, "/v2/GetCounts/%s", TH_PROJECT);
	ASSERT_EQ(r.status, 200);
	th_resp_free(&r);
	cs_sleep_ms(1100);
	get(&r, &p, BEARER, "/v2/GetNftDetailsById/%s", uid);
	ASSERT_EQ(r.status, 200);
	th_resp_free(&r);
	cs_fakeproc_stop(&p);
}

/* The key is the controller, the API key and the controller's parameters
 * as bound (count 010 is 10; no orderby is orderby=id), not the client. */
CS_TEST(cache__keyed_by_key_and_parameters_not_client)
{
	static const char *const args[] = {
	    "--nfts", "30", "--cache-seconds", "20", NULL};
	static const char *const other_ip[] = {"X-Real-IP: 127.0.0.9", NULL};
	static const char *const bearer[] = {"Authorization: " BEARER, NULL};
	static const char *const raw_key[] = {"Authorization: " TH_KEY, NULL};
	struct cs_fakeproc p;
	struct th_resp r;
	char uid[37], *st;
	const char *auth_other[] = {
	    "Authorization: " BEARER, other_ip[0], NULL};

	th_start_nmkr(&p, args);
	st = first_state(&p, "10", "", bearer);
	ASSERT_STR_EQ(st, "free");
	free(st);
	th_nft_uid(TH_PROJECT, 1, uid);
	set_state(&p, uid, "{\"state\":\"sold\"}");

	/* Same entry: stale. */
	st = first_state(&p, "10", "", bearer);
	ASSERT_STR_EQ(st, "free");
	free(st);
	st = first_state(&p, "10", "?orderby=id", bearer);
	ASSERT_STR_EQ(st, "free");
	free(st);
	st = first_state(&p, "010", "", bearer);
	ASSERT_STR_EQ(st, "free");
	free(st);
	st = first_state(&p, "10", "", auth_other);
	ASSERT_STR_EQ(st, "free");
	free(st);
	/* "Bearer " is removed before the key is used: same key. */
	st = first_state(&p, "10", "", raw_key);
	ASSERT_STR_EQ(st, "free");
	free(st);

	/* Other parameters: fresh. */
	st = first_state(&p, "11", "", bearer);
	ASSERT_STR_EQ(st, "sold");
	free(st);
	get(&r, &p, BEARER, "/v2/GetNftDetailsById/%s", uid);
	ASSERT_EQ(r.status, 200);
	ASSERT_TRUE(strstr(r.body, "\"state\":\"sold\"") != NULL);
	th_resp_free(&r);
	cs_fakeproc_stop(&p);
}

/* GetNotifications replays only cached errors: a list just changed by
 * UpdateNotifications shows at once, cache or not. */
CS_TEST(cache__notifications_not_replayed)
{
	static const char *const args[] = {"--cache-seconds", "20", NULL};
	const char *body = "[{\"notificationType\":\"webhook\","
	                   "\"address\":\"https://example.com/hook\","
	                   "\"isActive\":true}]";
	struct cs_fakeproc p;
	struct th_resp r;
	cJSON *doc;

	th_start_nmkr(&p, args);
	get(&r, &p, BEARER, "/v2/GetNotifications/%s", TH_PROJECT);
	ASSERT_EQ(r.status, 204);
	th_resp_free(&r);
	doc = update_notifications(&p, TH_PROJECT, body, 200);
	cJSON_Delete(doc);
	get(&r, &p, BEARER, "/v2/GetNotifications/%s", TH_PROJECT);
	ASSERT_EQ(r.status, 200);
	th_resp_free(&r);
	cs_fakeproc_stop(&p);
}

/* ---- Faults ---------------------------------------------------------------
 */

CS_TEST(faults__status_times)
{
	struct cs_fakeproc p;
	struct th_resp r;
	cJSON *doc;
	int i;

	start_small(&p);
	doc = th_control(&p, "POST", "/__fake/faults",
	    "{\"endpoint\":\"GetNfts\",\"status\":500,\"times\":2}", 200);
	cJSON_Delete(doc);
	for (i = 0; i < 2; i++) {
		get(&r, &p, BEARER, "/v2/GetNfts/%s/all/10/1", TH_PROJECT);
		assert_api_error(&r, 500, 500, "Internal server error");
		th_resp_free(&r);
	}
	get(&r, &p, BEARER, "/v2/GetNfts/%s/all/10/1", TH_PROJECT);
	ASSERT_EQ(r.status, 200);
	th_resp_free(&r);
	/* Other endpoints were never affected; "*" hits them all. */
	doc = th_control(&p, "POST", "/__fake/faults",
	    "{\"endpoint\":\"*\",\"status\":502}", 200);
	cJSON_Delete(doc);
	get(&r, &p, BEARER, "/v2/GetCounts/%s", TH_PROJECT);
	ASSERT_EQ(r.status, 502);
	th_resp_free(&r);
	get(&r, &p, BEARER, "/v2/GetCounts/%s", TH_PROJECT);
	ASSERT_EQ(r.status, 200);
	th_resp_free(&r);
	/* An unknown endpoint name is refused. */
	doc = th_control(&p, "POST", "/__fake/faults",
	    "{\"endpoint\":\"GetEverything\",\"status\":500}", 400);
	cJSON_Delete(doc);
	cs_fakeproc_stop(&p);
}

CS_TEST(faults__until_cleared)
{
	struct cs_fakeproc p;
	struct th_resp r;
	cJSON *doc;
	int i;

	start_small(&p);
	doc = th_control(&p, "POST", "/__fake/faults",
	    "{\"endpoint\":\"GetCounts\",\"status\":503,\"times\":-1}", 200);
	cJSON_Delete(doc);
	for (i = 0; i < 5; i++) {
		get(&r, &p, BEARER, "/v2/GetCounts/%s", TH_PROJECT);
		ASSERT_EQ(r.status, 503);
		th_resp_free(&r);
	}
	doc = th_control(&p, "DELETE", "/__fake/faults", NULL, 200);
	ASSERT_EQ(
	    cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(doc, "faults")),
	    0);
	cJSON_Delete(doc);
	get(&r, &p, BEARER, "/v2/GetCounts/%s", TH_PROJECT);
	ASSERT_EQ(r.status, 200);
	th_resp_free(&r);
	cs_fakeproc_stop(&p);
}

CS_TEST(faults__retry_after)
{
	struct cs_fakeproc p;
	struct th_resp r;
	char v[32];
	cJSON *doc;

	start_small(&p);
	doc = th_control(&p, "POST", "/__fake/faults",
	    "[{\"endpoint\":\"GetNfts\",\"status\":429,\"retryAfter\":7},"
	    "{\"endpoint\":\"GetNfts\",\"status\":503,\"retryAfter\":3}]",
	    200);
	cJSON_Delete(doc);
	get(&r, &p, BEARER, "/v2/GetNfts/%s/all/10/1", TH_PROJECT);
	ASSERT_EQ(r.status, 429);
	ASSERT_TRUE(th_header(&r, "Retry-After", v, sizeof(v)));
	ASSERT_STR_EQ(v, "7");
	ASSERT_STR_EQ(r.body,
	    "{\"message\":\"Whoa! Calm down, cowboy!\",\"details\":\"Quota "
	    "exceeded. Maximum allowed: 800 per 10s. Please try again in 7 "
	    "second(s).\"}");
	th_resp_free(&r);
	get(&r, &p, BEARER, "/v2/GetNfts/%s/all/10/1", TH_PROJECT);
	ASSERT_EQ(r.status, 503);
	ASSERT_TRUE(th_header(&r, "Retry-After", v, sizeof(v)));
	ASSERT_STR_EQ(v, "3");
	assert_api_error(&r, 503, 503, "Service unavailable");
	th_resp_free(&r);
	cs_fakeproc_stop(&p);
}

CS_TEST(faults__delay)
{
	struct cs_fakeproc p;
	struct th_resp r;
	cJSON *doc;

	start_small(&p);
	doc = th_control(&p, "POST", "/__fake/faults",
	    "{\"endpoint\":\"GetNfts\",\"delayMs\":400}", 200);
	cJSON_Delete(doc);
	get(&r, &p, BEARER, "/v2/GetCounts/%s", TH_PROJECT);
	ASSERT_LT(r.seconds * 1000, 300);
	th_resp_free(&r);
	get(&r, &p, BEARER, "/v2/GetNfts/%s/all/10/1", TH_PROJECT);
	ASSERT_EQ(r.status, 200);
	ASSERT_GE(r.seconds * 1000, 390);
	th_resp_free(&r);
	get(&r, &p, BEARER, "/v2/GetNfts/%s/all/10/1", TH_PROJECT);
	ASSERT_LT(r.seconds * 1000, 300);
	th_resp_free(&r);
	cs_fakeproc_stop(&p);
}

CS_TEST(faults__truncate)
{
	struct cs_fakeproc p;
	struct th_resp r;
	cJSON *doc;

	start_small(&p);
	doc = th_control(&p, "POST", "/__fake/faults",
	    "{\"endpoint\":\"GetNfts\",\"truncate\":true}", 200);
	cJSON_Delete(doc);
	get(&r, &p, BEARER, "/v2/GetNfts/%s/all/50/1", TH_PROJECT);
	ASSERT_EQ(r.status, 200);
	ASSERT_EQ(r.curl_code, CURLE_PARTIAL_FILE);
	ASSERT_GT(r.len, 0);
	th_resp_free(&r);
	get(&r, &p, BEARER, "/v2/GetNfts/%s/all/50/1", TH_PROJECT);
	ASSERT_EQ(r.curl_code, CURLE_OK);
	th_resp_free(&r);
	cs_fakeproc_stop(&p);
}

CS_TEST(faults__malformed)
{
	struct cs_fakeproc p;
	struct th_resp r;
	cJSON *doc;

	start_small(&p);
	doc = th_control(&p, "POST", "/__fake/faults",
	    "{\"endpoint\":\"GetCounts\",\"malformed\":true}", 200);
	cJSON_Delete(doc);
	get(&r, &p, BEARER, "/v2/GetCounts/%s", TH_PROJECT);
	ASSERT_EQ(r.status, 200);
	ASSERT_EQ(r.curl_code, CURLE_OK);
	ASSERT_GT(r.len, 0);
	doc = cJSON_ParseWithLength(r.body, r.len);
	ASSERT_TRUE(doc == NULL);
	th_resp_free(&r);
	cs_fakeproc_stop(&p);
}

CS_TEST(faults__oversize)
{
	struct cs_fakeproc p;
	struct th_resp r;
	cJSON *doc;

	start_small(&p);
	doc = th_control(&p, "POST", "/__fake/faults",
	    "{\"endpoint\":\"GetNfts\",\"oversize\":true}", 200);
	cJSON_Delete(doc);
	get(&r, &p, BEARER, "/v2/GetNfts/%s/all/50/1", TH_PROJECT);
	ASSERT_EQ(r.status, 200);
	ASSERT_EQ(r.curl_code, CURLE_OK);
	ASSERT_GE(r.len, 16u * 1024u * 1024u - 4096u);
	doc = th_json(&r);
	ASSERT_TRUE(cJSON_IsArray(doc));
	cJSON_Delete(doc);
	th_resp_free(&r);
	cs_fakeproc_stop(&p);
}

CS_TEST(faults__drop)
{
	struct cs_fakeproc p;
	struct th_resp r;
	cJSON *doc;

	start_small(&p);
	doc = th_control(&p, "POST", "/__fake/faults",
	    "{\"endpoint\":\"GetNftDetailsById\",\"drop\":true}", 200);
	cJSON_Delete(doc);
	get(&r, &p, BEARER, "/v2/GetNftDetailsById/%s", "x");
	ASSERT_EQ(r.status, 0);
	ASSERT_EQ(r.curl_code, CURLE_GOT_NOTHING);
	th_resp_free(&r);
	doc = th_control(&p, "GET", "/__fake/stats", NULL, 200);
	ASSERT_EQ(
	    th_num(cJSON_GetObjectItemCaseSensitive(doc, "status"), "0"), 1);
	cJSON_Delete(doc);
	cs_fakeproc_stop(&p);
}

/* ---- Counters and recording --------------------------------------------- */

static size_t
discard(char *ptr, size_t size, size_t nmemb, void *userdata)
{
	(void)ptr;
	(void)userdata;
	return size * nmemb;
}

CS_TEST(stats__max_in_flight)
{
	struct cs_fakeproc p;
	CURLM *multi;
	CURL *easy[8];
	struct curl_slist *hdr;
	cJSON *doc;
	const cJSON *req;
	char *url;
	int i, running = 1;

	start_small(&p);
	doc = th_control(&p, "POST", "/__fake/faults",
	    "{\"endpoint\":\"GetCounts\",\"delayMs\":600,\"times\":-1}", 200);
	cJSON_Delete(doc);
	url = th_url(&p, "/v2/GetCounts/%s", TH_PROJECT);
	hdr = curl_slist_append(NULL, "Authorization: " BEARER);
	multi = curl_multi_init();
	for (i = 0; i < 8; i++) {
		easy[i] = curl_easy_init();
		curl_easy_setopt(easy[i], CURLOPT_URL, url);
		curl_easy_setopt(easy[i], CURLOPT_HTTPHEADER, hdr);
		curl_easy_setopt(easy[i], CURLOPT_WRITEFUNCTION, discard);
		curl_multi_add_handle(multi, easy[i]);
	}
	while (running > 0) {
		curl_multi_perform(multi, &running);
		if (running > 0)
			curl_multi_poll(multi, NULL, 0, 100, NULL);
	}
	for (i = 0; i < 8; i++) {
		long status = 0;

		curl_easy_getinfo(easy[i], CURLINFO_RESPONSE_CODE, &status);
		ASSERT_EQ(status, 200);
		curl_multi_remove_handle(multi, easy[i]);
		curl_easy_cleanup(easy[i]);
	}
	curl_multi_cleanup(multi);
	curl_slist_free_all(hdr);
	free(url);
	doc = th_control(&p, "GET", "/__fake/stats", NULL, 200);
	ASSERT_EQ(th_num(doc, "maxInFlight"), 8);
	ASSERT_EQ(th_num(doc, "inFlight"), 0);
	req = cJSON_GetObjectItemCaseSensitive(doc, "requests");
	ASSERT_EQ(th_num(req, "GetCounts"), 8);
	ASSERT_EQ(th_num(req, "GetNfts"), 0);
	ASSERT_EQ(th_num(doc, "total"), 8);
	ASSERT_EQ(
	    th_num(cJSON_GetObjectItemCaseSensitive(doc, "status"), "200"), 8);
	cJSON_Delete(doc);
	doc = th_control(&p, "POST", "/__fake/stats/reset", NULL, 200);
	cJSON_Delete(doc);
	doc = th_control(&p, "GET", "/__fake/stats", NULL, 200);
	ASSERT_EQ(th_num(doc, "total"), 0);
	ASSERT_EQ(th_num(doc, "maxInFlight"), 0);
	cJSON_Delete(doc);
	cs_fakeproc_stop(&p);
}

CS_TEST(requests__recorded)
{
	static const char *const keys[] = {"method", "path", "query",
	    "authorization", "projectId", "bodyBytes", "endpoint", "status",
	    NULL};
	struct cs_fakeproc p;
	struct th_resp r;
	cJSON *doc;
	const cJSON *last;

	start_small(&p);
	get(&r, &p, BEARER, "/v2/GetCounts/%s", TH_PROJECT);
	th_resp_free(&r);
	get(&r, &p, NULL, "/v2/GetNfts/%s/all/7/2?orderby=id_desc", TH_PROJECT);
	th_resp_free(&r);
	doc = th_control(&p, "GET", "/__fake/requests?limit=1", NULL, 200);
	ASSERT_EQ(cJSON_GetArraySize(doc), 1);
	last = cJSON_GetArrayItem(doc, 0);
	th_assert_keys(last, keys);
	ASSERT_STR_EQ(th_str(last, "method"), "GET");
	ASSERT_STR_EQ(th_str(last, "endpoint"), "GetNfts");
	ASSERT_STR_EQ(th_str(last, "query"), "orderby=id_desc");
	ASSERT_TRUE(cJSON_IsNull(
	    cJSON_GetObjectItemCaseSensitive(last, "authorization")));
	ASSERT_EQ(th_num(last, "status"), 401);
	cJSON_Delete(doc);
	doc = th_control(&p, "GET", "/__fake/requests", NULL, 200);
	ASSERT_EQ(cJSON_GetArraySize(doc), 2);
	ASSERT_STR_EQ(
	    th_str(cJSON_GetArrayItem(doc, 0), "authorization"), BEARER);
	ASSERT_EQ(th_num(cJSON_GetArrayItem(doc, 0), "bodyBytes"), 0);
	cJSON_Delete(doc);
	cs_fakeproc_stop(&p);
}

CS_TEST(latency__flag_delays_upstream_only)
{
	static const char *const args[] = {
	    "--nfts", "3", "--latency-ms", "300", NULL};
	struct cs_fakeproc p;
	struct th_resp r;
	char *url;

	th_start_nmkr(&p, args);
	get(&r, &p, BEARER, "/v2/GetCounts/%s", TH_PROJECT);
	ASSERT_GE(r.seconds * 1000, 290);
	th_resp_free(&r);
	url = th_url(&p, "/__fake/stats");
	th_get(&r, url, NULL);
	ASSERT_LT(r.seconds * 1000, 200);
	th_resp_free(&r);
	free(url);
	cs_fakeproc_stop(&p);
}

/* ---- Control ------------------------------------------------------------ */

CS_TEST(control__state_changes)
{
	static const char *const args[] = {"--nfts", "10", NULL};
	struct cs_fakeproc p;
	struct th_resp r;
	cJSON *doc;
	char uid[37];

	th_start_nmkr(&p, args);
	th_nft_uid(TH_PROJECT, 3, uid);
	set_state(&p, uid,
	    "{\"state\":\"sold\",\"receiverAddress\":"
	    "\"addr1qbuyer\",\"txHash\":\"ab12\"}");
	get(&r, &p, BEARER, "/v2/GetNftDetailsById/%s", uid);
	doc = th_json(&r);
	ASSERT_STR_EQ(th_str(doc, "state"), "sold");
	ASSERT_STR_EQ(th_str(doc, "receiveraddress"), "addr1qbuyer");
	ASSERT_STR_EQ(th_str(doc, "initialminttxhash"), "ab12");
	ASSERT_TRUE(th_str(doc, "selldate") != NULL);
	cJSON_Delete(doc);
	th_resp_free(&r);
	th_nft_uid(TH_PROJECT, 4, uid);
	set_state(&p, uid, "{\"state\":\"blocked\"}");
	th_nft_uid(TH_PROJECT, 5, uid);
	set_state(&p, uid, "{\"state\":\"burned\"}");
	th_nft_uid(TH_PROJECT, 6, uid);
	set_state(&p, uid, "{\"state\":\"error\"}");
	th_nft_uid(TH_PROJECT, 7, uid);
	set_state(&p, uid, "{\"state\":\"reserved\"}");
	get(&r, &p, BEARER, "/v2/GetCounts/%s", TH_PROJECT);
	doc = th_json(&r);
	ASSERT_EQ(th_num(doc, "sold"), 1);
	ASSERT_EQ(th_num(doc, "blocked"), 1);
	ASSERT_EQ(th_num(doc, "error"), 1);
	ASSERT_EQ(th_num(doc, "reserved"), 1);
	ASSERT_EQ(th_num(doc, "free"), 5);
	ASSERT_EQ(th_num(doc, "unknownOrBurnedState"), 1);
	cJSON_Delete(doc);
	th_resp_free(&r);
	/* blocked shows only under all; burned has its own state. */
	get(&r, &p, BEARER, "/v2/GetNfts/%s/burned/10/1", TH_PROJECT);
	doc = th_json(&r);
	ASSERT_EQ(cJSON_GetArraySize(doc), 1);
	cJSON_Delete(doc);
	th_resp_free(&r);
	/* Back to free clears the sale. */
	th_nft_uid(TH_PROJECT, 3, uid);
	set_state(&p, uid, "{\"state\":\"free\"}");
	get(&r, &p, BEARER, "/v2/GetNftDetailsById/%s", uid);
	doc = th_json(&r);
	ASSERT_TRUE(
	    cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(doc, "selldate")));
	cJSON_Delete(doc);
	th_resp_free(&r);
	doc = th_control(&p, "POST",
	    "/__fake/nfts/00000000-0000-4000-8000-000000000000/state",
	    "{\"state\":\"sold\"}", 404);
	ASSERT_TRUE(th_str(doc, "error") != NULL);
	cJSON_Delete(doc);
	doc = th_control(
	    &p, "POST", "/__fake/nfts/x/state", "{\"state\":\"nope\"}", 400);
	cJSON_Delete(doc);
	cs_fakeproc_stop(&p);
}

CS_TEST(control__add_list_delete)
{
	static const char *const args[] = {"--nfts", "2", NULL};
	struct cs_fakeproc p;
	cJSON *doc;
	char uid[37], path[128];

	th_start_nmkr(&p, args);
	doc = th_control(&p, "POST", "/__fake/nfts", "{\"count\":3}", 200);
	ASSERT_EQ(th_num(doc, "added"), 3);
	th_nft_uid(TH_PROJECT, 3, uid);
	ASSERT_STR_EQ(
	    cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(doc, "uids"), 0)
	        ->valuestring,
	    uid);
	cJSON_Delete(doc);
	doc = th_control(
	    &p, "GET", "/__fake/nfts?project=" TH_PROJECT, NULL, 200);
	ASSERT_EQ(cJSON_GetArraySize(doc), 5);
	ASSERT_STR_EQ(th_str(cJSON_GetArrayItem(doc, 4), "name"), "Camp0005");
	ASSERT_STR_EQ(th_str(cJSON_GetArrayItem(doc, 4), "state"), "free");
	cJSON_Delete(doc);
	snprintf(path, sizeof(path), "/__fake/nfts/%s", uid);
	doc = th_control(&p, "DELETE", path, NULL, 200);
	ASSERT_STR_EQ(th_str(doc, "deleted"), uid);
	cJSON_Delete(doc);
	doc = th_control(&p, "DELETE", path, NULL, 404);
	cJSON_Delete(doc);
	doc = th_control(&p, "GET", "/__fake/nfts", NULL, 200);
	ASSERT_EQ(cJSON_GetArraySize(doc), 4);
	cJSON_Delete(doc);
	cs_fakeproc_stop(&p);
}

/* The ids of a GetNfts page, in order. */
static size_t
page_ids(const struct cs_fakeproc *p, int page, int64_t *ids, size_t max)
{
	struct th_resp r;
	const cJSON *it;
	cJSON *doc;
	size_t n = 0;

	get(&r, p, BEARER, "/v2/GetNfts/%s/all/50/%d?orderby=id", TH_PROJECT,
	    page);
	ASSERT_EQ(r.status, 200);
	doc = th_json(&r);
	cJSON_ArrayForEach(it, doc) {
		ASSERT_TRUE(n < max);
		ids[n++] = (int64_t)th_num(it, "id");
	}
	cJSON_Delete(doc);
	th_resp_free(&r);
	return n;
}

CS_TEST(control__walk_events_delete_and_add_mid_walk)
{
	static const char *const args[] = {"--nfts", "120", NULL};
	struct cs_fakeproc p;
	int64_t ids[60];
	char uid[37], body[160];
	cJSON *doc, *ev;

	th_start_nmkr(&p, args);
	th_nft_uid(TH_PROJECT, 3, uid);
	snprintf(body, sizeof(body),
	    "[{\"afterPage\":1,\"delete\":\"%s\"},"
	    "{\"afterPage\":2,\"add\":1}]",
	    uid);
	doc = th_control(&p, "POST", "/__fake/walk-events", body, 200);
	ev = cJSON_GetObjectItemCaseSensitive(doc, "events");
	ASSERT_EQ(cJSON_GetArraySize(ev), 2);
	ASSERT_STR_EQ(th_str(cJSON_GetArrayItem(ev, 0), "delete"), uid);
	ASSERT_STR_EQ(th_str(cJSON_GetArrayItem(ev, 0), "project"), TH_PROJECT);
	ASSERT_EQ(th_num(cJSON_GetArrayItem(ev, 1), "add"), 1);
	ASSERT_EQ(th_num(doc, "fired"), 0);
	cJSON_Delete(doc);

	/* Page 1 is built before the deletion: NFT 3 (id 1003) is on it. */
	ASSERT_EQ(page_ids(&p, 1, ids, 60), 50);
	ASSERT_EQ(ids[2], 1003);
	ASSERT_EQ(ids[49], 1050);
	doc = th_control(&p, "GET", "/__fake/walk-events", NULL, 200);
	ASSERT_EQ(
	    cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(doc, "events")),
	    1);
	ASSERT_EQ(th_num(doc, "fired"), 1);
	cJSON_Delete(doc);
	/* The later pages moved up by one: id 1051 is on no page. */
	ASSERT_EQ(page_ids(&p, 2, ids, 60), 50);
	ASSERT_EQ(ids[0], 1052);
	ASSERT_EQ(ids[49], 1101);
	/* After page 2 one NFT was added, at the end (the highest id). */
	ASSERT_EQ(page_ids(&p, 3, ids, 60), 20);
	ASSERT_EQ(ids[0], 1102);
	ASSERT_EQ(ids[19], 1121);
	/* Each event fired once: page 1 again changes nothing. */
	ASSERT_EQ(page_ids(&p, 1, ids, 60), 50);
	ASSERT_EQ(ids[2], 1004);
	doc = th_control(&p, "GET", "/__fake/nfts", NULL, 200);
	ASSERT_EQ(cJSON_GetArraySize(doc), 120);
	cJSON_Delete(doc);

	/* Bad events; DELETE and reset forget pending ones. */
	doc = th_control(&p, "POST", "/__fake/walk-events",
	    "{\"afterPage\":0,\"add\":1}", 400);
	cJSON_Delete(doc);
	doc = th_control(
	    &p, "POST", "/__fake/walk-events", "{\"afterPage\":1}", 400);
	cJSON_Delete(doc);
	doc = th_control(&p, "POST", "/__fake/walk-events",
	    "{\"afterPage\":1,\"delete\":\"" TH_PROJECT "x\"}", 404);
	cJSON_Delete(doc);
	doc = th_control(&p, "POST", "/__fake/walk-events",
	    "{\"afterPage\":1,\"add\":2}", 200);
	cJSON_Delete(doc);
	doc = th_control(&p, "DELETE", "/__fake/walk-events", NULL, 200);
	ASSERT_EQ(
	    cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(doc, "events")),
	    0);
	cJSON_Delete(doc);
	doc = th_control(&p, "POST", "/__fake/walk-events",
	    "{\"afterPage\":1,\"add\":2}", 200);
	cJSON_Delete(doc);
	doc = th_control(&p, "POST", "/__fake/reset", NULL, 200);
	cJSON_Delete(doc);
	ASSERT_EQ(page_ids(&p, 3, ids, 60), 20);
	doc = th_control(&p, "GET", "/__fake/walk-events", NULL, 200);
	ASSERT_EQ(
	    cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(doc, "events")),
	    0);
	cJSON_Delete(doc);
	/* times: the next builds of the page, each one a change. */
	doc = th_control(&p, "POST", "/__fake/walk-events",
	    "{\"afterPage\":1,\"add\":1,\"times\":0}", 400);
	cJSON_Delete(doc);
	doc = th_control(&p, "POST", "/__fake/walk-events",
	    "{\"afterPage\":3,\"add\":1,\"times\":2}", 200);
	ASSERT_EQ(
	    th_num(cJSON_GetArrayItem(
	               cJSON_GetObjectItemCaseSensitive(doc, "events"), 0),
	        "times"),
	    2);
	cJSON_Delete(doc);
	ASSERT_EQ(page_ids(&p, 3, ids, 60), 20);
	ASSERT_EQ(page_ids(&p, 3, ids, 60), 21);
	ASSERT_EQ(page_ids(&p, 3, ids, 60), 22);
	ASSERT_EQ(page_ids(&p, 3, ids, 60), 22);
	ASSERT_EQ(cs_fakeproc_stop(&p), 0);
}

CS_TEST(seed__file_with_two_projects)
{
	const char *seed =
	    "{\"projects\":[{\"uid\":\"aaaaaaaa-0000-4000-8000-000000000001\","
	    "\"name\":\"Alpha\",\"reservationMinutes\":15,\"nfts\":["
	    "{\"name\":\"A1\",\"displayname\":\"Alpha "
	    "one\",\"state\":\"sold\"},"
	    "{\"uid\":\"aaaaaaaa-0000-4000-8000-0000000000ff\",\"name\":\"A2\","
	    "\"state\":\"reserved\"}]},"
	    "{\"uid\":\"bbbbbbbb-0000-4000-8000-000000000002\",\"name\":"
	    "\"Beta\","
	    "\"count\":7,\"sold\":2,\"blocked\":1}]}";
	const char *args[] = {"--seed", NULL, NULL};
	struct cs_fakeproc p;
	struct th_resp r;
	cJSON *doc;
	char *path = cs_test_path("seed.json");

	cs_test_write_file(path, seed, strlen(seed));
	args[1] = path;
	th_start_nmkr(&p, args);
	get(&r, &p, BEARER, "/v2/GetNfts/%s/all/10/1",
	    "aaaaaaaa-0000-4000-8000-000000000001");
	doc = th_json(&r);
	ASSERT_EQ(cJSON_GetArraySize(doc), 2);
	ASSERT_STR_EQ(
	    th_str(cJSON_GetArrayItem(doc, 0), "displayname"), "Alpha one");
	ASSERT_STR_EQ(th_str(cJSON_GetArrayItem(doc, 1), "uid"),
	    "aaaaaaaa-0000-4000-8000-0000000000ff");
	ASSERT_STR_EQ(th_str(cJSON_GetArrayItem(doc, 1), "state"), "reserved");
	cJSON_Delete(doc);
	th_resp_free(&r);
	get(&r, &p, BEARER, "/v2/GetProjectDetails/%s",
	    "aaaaaaaa-0000-4000-8000-000000000001");
	doc = th_json(&r);
	ASSERT_EQ(th_num(doc, "addressReservationTime"), 15);
	ASSERT_STR_EQ(th_str(doc, "projectname"), "Alpha");
	cJSON_Delete(doc);
	th_resp_free(&r);
	get(&r, &p, BEARER, "/v2/GetCounts/%s",
	    "bbbbbbbb-0000-4000-8000-000000000002");
	doc = th_json(&r);
	ASSERT_EQ(th_num(doc, "nftTotal"), 7);
	ASSERT_EQ(th_num(doc, "sold"), 2);
	ASSERT_EQ(th_num(doc, "blocked"), 1);
	ASSERT_EQ(th_num(doc, "free"), 4);
	cJSON_Delete(doc);
	th_resp_free(&r);
	/* No --project and a seed: the default project is not created. */
	get(&r, &p, BEARER, "/v2/GetProjectDetails/%s", TH_PROJECT);
	ASSERT_EQ(r.status, 404);
	th_resp_free(&r);
	free(path);
	cs_fakeproc_stop(&p);
}

CS_TEST(sigterm__exits_zero)
{
	struct cs_fakeproc p;

	start_small(&p);
	ASSERT_EQ(cs_fakeproc_stop(&p), 0);
}

CS_TEST(logs__never_show_the_key)
{
	static const char *const args[] = {
	    "--nfts", "3", "--webhook-secret", "websecret-5678", NULL};
	struct cs_fakeproc p;
	struct th_resp r;
	char *log;

	th_start_nmkr(&p, args);
	get(&r, &p, BEARER, "/v2/GetCounts/%s", TH_PROJECT);
	th_resp_free(&r);
	get(&r, &p, "Bearer wrong-key-9999", "/v2/GetCounts/%s", TH_PROJECT);
	th_resp_free(&r);
	cs_fakeproc_stop(&p);
	log = cs_fakeproc_log(&p);
	ASSERT_STR_NOT_CONTAINS(log, TH_KEY);
	ASSERT_STR_NOT_CONTAINS(log, "websecret-5678");
	ASSERT_STR_NOT_CONTAINS(log, "wrong-key-9999");
	free(log);
}

/* ---- Webhooks ----------------------------------------------------------- */

static char *
register_hook(const struct cs_fakeproc *p, const char *url)
{
	char body[512];
	cJSON *doc;
	char *secret;

	snprintf(body, sizeof(body),
	    "[{\"notificationType\":\"webhook\",\"address\":\"%s\","
	    "\"isActive\":true}]",
	    url);
	doc = update_notifications(p, TH_PROJECT, body, 200);
	secret = cs_xstrdup(th_str(cJSON_GetArrayItem(doc, 0), "secret"));
	cJSON_Delete(doc);
	return secret;
}

CS_TEST(webhook__signed_body_and_state)
{
	static const char *const args[] = {"--nfts", "5", NULL};
	struct cs_fakeproc p;
	struct th_receiver *rx;
	struct th_resp r;
	cJSON *doc, *sent;
	const cJSON *nfts, *n0;
	char hook[128], *secret, body[512], uid[37], mac[64];
	const char *raw;
	size_t rawlen;

	th_start_nmkr(&p, args);
	rx = th_receiver_start(200);
	snprintf(hook, sizeof(hook), "http://127.0.0.1:%d/hook",
	    th_receiver_port(rx));
	secret = register_hook(&p, hook);
	th_nft_uid(TH_PROJECT, 2, uid);
	snprintf(body, sizeof(body),
	    "{\"url\":\"%s\",\"event\":\"transactionconfirmed\","
	    "\"nftUids\":[\"%s\"],\"txHash\":\"%s\","
	    "\"receiverAddress\":\"addr1qxbuyer\"}",
	    hook, uid,
	    "0016df817c3364daa7f08133385cf6f50a4a7dcaffbbcfa49ecc33d556552c50");
	doc = th_control(&p, "POST", "/__fake/webhook", body, 200);
	ASSERT_EQ(th_num(doc, "status"), 200);
	ASSERT_STR_EQ(th_str(doc, "body"), "ok");
	ASSERT_TRUE(th_receiver_wait(rx, 1, 5000));
	raw = th_receiver_body(rx, &rawlen);
	ASSERT_STR_EQ(th_str(doc, "sent"), raw);
	ASSERT_STR_EQ(th_receiver_content_type(rx), "application/json");
	/* payloadHash = Base64(HMAC-SHA256(secret, raw body)), url-encoded. */
	th_hmac_b64(secret, raw, rawlen, mac);
	ASSERT_STR_EQ(th_receiver_hash(rx), mac);
	ASSERT_STR_EQ(th_str(doc, "payloadHash"), mac);
	ASSERT_STR_CONTAINS(th_receiver_uri(rx), "/hook?payloadHash=");
	ASSERT_STR_NOT_CONTAINS(th_receiver_uri(rx), "+");
	ASSERT_STR_NOT_CONTAINS(th_receiver_uri(rx), "="
	                                             "=");
	sent = cJSON_ParseWithLength(raw, rawlen);
	ASSERT_TRUE(sent != NULL);
	th_assert_keys(sent, webhook_keys);
	ASSERT_STR_EQ(th_str(sent, "EventType"), "transactionconfirmed");
	ASSERT_STR_EQ(th_str(sent, "ProjectUid"), TH_PROJECT);
	ASSERT_STR_EQ(th_str(sent, "ProjectName"), "Campaign");
	ASSERT_STR_EQ(th_str(sent, "ReceiverAddress"), "addr1qxbuyer");
	ASSERT_STR_EQ(th_str(sent, "BlockChain"), "Cardano");
	ASSERT_EQ(th_num(sent, "Price"), 25000000);
	ASSERT_TRUE(cJSON_IsNull(
	    cJSON_GetObjectItemCaseSensitive(sent, "SendbackCosts")));
	nfts = cJSON_GetObjectItemCaseSensitive(sent, "NotificationSaleNfts");
	ASSERT_EQ(cJSON_GetArraySize(nfts), 1);
	n0 = cJSON_GetArrayItem(nfts, 0);
	th_assert_keys(n0, sale_nft_keys);
	ASSERT_STR_EQ(th_str(n0, "NftUid"), uid);
	ASSERT_STR_EQ(th_str(n0, "NftName"), "Camp0002");
	ASSERT_STR_EQ(th_str(n0, "NftNameInHex"), "43616d7030303032");
	ASSERT_EQ(th_num(n0, "Count"), 1);
	ASSERT_EQ(th_num(n0, "Multiplier"), 1);
	cJSON_Delete(sent);
	cJSON_Delete(doc);
	/* A confirmed sale also marks the NFT sold. */
	get(&r, &p, BEARER, "/v2/GetNftDetailsById/%s", uid);
	doc = th_json(&r);
	ASSERT_STR_EQ(th_str(doc, "state"), "sold");
	ASSERT_STR_EQ(th_str(doc, "receiveraddress"), "addr1qxbuyer");
	cJSON_Delete(doc);
	th_resp_free(&r);
	th_receiver_stop(rx);
	free(secret);
	cs_fakeproc_stop(&p);
}

/* NMKR writes selldate, reserveduntil and a sale's SaleDate from its
 * server's local clock without an offset: with --timezone the fake does
 * the same (Asia/Kolkata: +05:30, no DST). */
CS_TEST(timezone__local_times_without_offset)
{
	static const char *const utc_args[] = {
	    "--nfts", "3", "--sold", "1", NULL};
	static const char *const ist_args[] = {
	    "--nfts", "3", "--sold", "1", "--timezone", "Asia/Kolkata", NULL};
	struct cs_fakeproc pu, pi;
	struct th_receiver *rx;
	struct th_resp r;
	char *uid, hook[128], body[512], *secret;
	const char *raw, *sd;
	int64_t t_utc, t_ist, now = cs_now_ms();
	size_t rawlen;
	cJSON *doc, *sent;

	th_start_nmkr(&pu, utc_args);
	th_start_nmkr(&pi, ist_args);
	uid = uid_in_state(&pu, "sold");
	get(&r, &pu, BEARER, "/v2/GetNftDetailsById/%s", uid);
	doc = th_json(&r);
	ASSERT_OK(cs_time_parse_iso8601(th_str(doc, "selldate"), &t_utc));
	cJSON_Delete(doc);
	th_resp_free(&r);
	get(&r, &pi, BEARER, "/v2/GetNftDetailsById/%s", uid);
	doc = th_json(&r);
	ASSERT_TRUE(strchr(th_str(doc, "selldate"), '+') == NULL);
	ASSERT_OK(cs_time_parse_iso8601(th_str(doc, "selldate"), &t_ist));
	cJSON_Delete(doc);
	th_resp_free(&r);
	ASSERT_EQ(t_ist - t_utc, 19800000);

	rx = th_receiver_start(200);
	snprintf(hook, sizeof(hook), "http://127.0.0.1:%d/hook",
	    th_receiver_port(rx));
	secret = register_hook(&pi, hook);
	free(uid);
	uid = uid_in_state(&pi, "free");
	snprintf(body, sizeof(body),
	    "{\"url\":\"%s\",\"event\":\"transactionconfirmed\","
	    "\"nftUids\":[\"%s\"]}",
	    hook, uid);
	doc = th_control(&pi, "POST", "/__fake/webhook", body, 200);
	ASSERT_TRUE(th_receiver_wait(rx, 1, 5000));
	raw = th_receiver_body(rx, &rawlen);
	sent = cJSON_ParseWithLength(raw, rawlen);
	ASSERT_TRUE(sent != NULL);
	sd = th_str(sent, "SaleDate");
	ASSERT_TRUE(strchr(sd, '+') == NULL && strchr(sd, 'Z') == NULL);
	ASSERT_OK(cs_time_parse_iso8601(sd, &t_ist));
	ASSERT_LT(t_ist - (now + 19800000), 10000);
	ASSERT_GT(t_ist - (now + 19800000), -10000);
	cJSON_Delete(sent);
	cJSON_Delete(doc);
	th_receiver_stop(rx);
	free(secret);
	free(uid);
	cs_fakeproc_stop(&pi);
	cs_fakeproc_stop(&pu);
}

CS_TEST(webhook__forged_and_overridden)
{
	static const char *const args[] = {
	    "--nfts", "3", "--webhook-secret", "flag-secret-0001", NULL};
	struct cs_fakeproc p;
	struct th_receiver *rx;
	struct th_resp r;
	cJSON *doc;
	char hook[160], body[512], mac[64], uid[37];
	const char *raw;
	size_t rawlen;

	th_start_nmkr(&p, args);
	rx = th_receiver_start(202);
	snprintf(hook, sizeof(hook), "http://127.0.0.1:%d/in?src=nmkr",
	    th_receiver_port(rx));
	th_nft_uid(TH_PROJECT, 1, uid);
	/* No notification registered: --webhook-secret signs. */
	snprintf(body, sizeof(body),
	    "{\"url\":\"%s\",\"event\":\"addressexpired\",\"nftUids\":[\"%s\"]"
	    "}",
	    hook, uid);
	doc = th_control(&p, "POST", "/__fake/webhook", body, 200);
	ASSERT_EQ(th_num(doc, "status"), 202);
	ASSERT_TRUE(th_receiver_wait(rx, 1, 5000));
	raw = th_receiver_body(rx, &rawlen);
	th_hmac_b64("flag-secret-0001", raw, rawlen, mac);
	ASSERT_STR_EQ(th_receiver_hash(rx), mac);
	ASSERT_STR_CONTAINS(th_receiver_uri(rx), "/in?src=nmkr&payloadHash=");
	cJSON_Delete(doc);
	/* Not applied: addressexpired leaves a free NFT alone. */
	get(&r, &p, BEARER, "/v2/GetNftDetailsById/%s", uid);
	ASSERT_STR_CONTAINS(r.body, "\"state\":\"free\"");
	th_resp_free(&r);

	/* A forged hash does not verify. */
	snprintf(body, sizeof(body),
	    "{\"url\":\"%s\",\"event\":\"transactionconfirmed\","
	    "\"nftUids\":[\"%s\"],\"payloadHash\":\"Zm9yZ2VkIGhhc2g=\","
	    "\"applyState\":false}",
	    hook, uid);
	doc = th_control(&p, "POST", "/__fake/webhook", body, 200);
	ASSERT_TRUE(th_receiver_wait(rx, 2, 5000));
	raw = th_receiver_body(rx, &rawlen);
	th_hmac_b64("flag-secret-0001", raw, rawlen, mac);
	ASSERT_STR_EQ(th_receiver_hash(rx), "Zm9yZ2VkIGhhc2g=");
	ASSERT_TRUE(strcmp(th_receiver_hash(rx), mac) != 0);
	ASSERT_STR_CONTAINS(
	    th_receiver_uri(rx), "payloadHash=Zm9yZ2VkIGhhc2g%3d");
	cJSON_Delete(doc);
	get(&r, &p, BEARER, "/v2/GetNftDetailsById/%s", uid);
	ASSERT_STR_CONTAINS(r.body, "\"state\":\"free\"");
	th_resp_free(&r);

	/* A raw body and a secret override. */
	snprintf(body, sizeof(body),
	    "{\"url\":\"%s\",\"event\":\"transactionconfirmed\","
	    "\"body\":\"{\\\"EventType\\\":\\\"x\\\"}\",\"secret\":\"other\","
	    "\"applyState\":false}",
	    hook);
	doc = th_control(&p, "POST", "/__fake/webhook", body, 200);
	ASSERT_TRUE(th_receiver_wait(rx, 3, 5000));
	raw = th_receiver_body(rx, &rawlen);
	ASSERT_STR_EQ(raw, "{\"EventType\":\"x\"}");
	th_hmac_b64("other", raw, rawlen, mac);
	ASSERT_STR_EQ(th_receiver_hash(rx), mac);
	cJSON_Delete(doc);
	th_receiver_stop(rx);
	cs_fakeproc_stop(&p);
}

CS_TEST(webhook__unreachable_receiver)
{
	static const char *const args[] = {
	    "--nfts", "2", "--webhook-secret", "s3cr3t-abcd", NULL};
	struct cs_fakeproc p;
	cJSON *doc;

	th_start_nmkr(&p, args);
	/* Port 9 (discard) is closed on the loopback. */
	doc = th_control(&p, "POST", "/__fake/webhook",
	    "{\"url\":\"http://127.0.0.1:9/"
	    "x\",\"event\":\"transactioncanceled\"}",
	    200);
	ASSERT_EQ(th_num(doc, "status"), 0);
	ASSERT_TRUE(th_str(doc, "error") != NULL);
	cJSON_Delete(doc);
	cs_fakeproc_stop(&p);
}

CS_TEST(control__reservation_expires)
{
	static const char *const args[] = {"--nfts", "4", NULL};
	struct cs_fakeproc p;
	struct th_resp r;
	cJSON *doc;
	char uid[37], late[37];

	th_start_nmkr(&p, args);
	th_nft_uid(TH_PROJECT, 1, uid);
	th_nft_uid(TH_PROJECT, 2, late);
	/* Ran out 61 s ago: past NMKR's one-minute grace, so released. */
	set_state(&p, uid, "{\"state\":\"reserved\",\"reservedSeconds\":-61}");
	set_state(&p, late, "{\"state\":\"reserved\"}");
	get(&r, &p, BEARER, "/v2/GetCounts/%s", TH_PROJECT);
	doc = th_json(&r);
	ASSERT_EQ(th_num(doc, "reserved"), 1);
	ASSERT_EQ(th_num(doc, "free"), 3);
	cJSON_Delete(doc);
	th_resp_free(&r);
	get(&r, &p, BEARER, "/v2/GetNftDetailsById/%s", late);
	doc = th_json(&r);
	ASSERT_STR_EQ(th_str(doc, "state"), "reserved");
	ASSERT_TRUE(th_str(doc, "reserveduntil") != NULL);
	cJSON_Delete(doc);
	th_resp_free(&r);
	cs_fakeproc_stop(&p);
}

CS_TEST(webhook__canceled_releases_when_asked)
{
	static const char *const args[] = {"--nfts", "3", "--reserved", "1",
	    "--webhook-secret", "secret-for-cancel", NULL};
	struct cs_fakeproc p;
	struct th_receiver *rx;
	struct th_resp r;
	cJSON *doc, *sent;
	char body[512], uid[37];
	const char *raw;
	size_t rawlen;

	th_start_nmkr(&p, args);
	rx = th_receiver_start(200);
	th_nft_uid(TH_PROJECT, 1, uid);
	snprintf(body, sizeof(body),
	    "{\"url\":\"http://127.0.0.1:%d/h\",\"event\":"
	    "\"transactioncanceled\",\"nftUids\":[\"%s\"],\"applyState\":true}",
	    th_receiver_port(rx), uid);
	doc = th_control(&p, "POST", "/__fake/webhook", body, 200);
	ASSERT_EQ(th_num(doc, "status"), 200);
	cJSON_Delete(doc);
	ASSERT_TRUE(th_receiver_wait(rx, 1, 5000));
	raw = th_receiver_body(rx, &rawlen);
	sent = cJSON_ParseWithLength(raw, rawlen);
	ASSERT_TRUE(sent != NULL);
	ASSERT_STR_EQ(th_str(sent, "EventType"), "transactioncanceled");
	ASSERT_TRUE(
	    cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(sent, "TxHash")));
	ASSERT_TRUE(cJSON_IsNull(
	    cJSON_GetObjectItemCaseSensitive(sent, "MintingCosts")));
	cJSON_Delete(sent);
	get(&r, &p, BEARER, "/v2/GetNftDetailsById/%s", uid);
	ASSERT_STR_CONTAINS(r.body, "\"state\":\"free\"");
	th_resp_free(&r);
	th_receiver_stop(rx);
	cs_fakeproc_stop(&p);
}

/* The sender sends any SaleType; only a sale changes the NFT at NMKR. */
CS_TEST(webhook__only_a_sale_type_sells_at_the_fake)
{
	static const char *const args[] = {"--nfts", "3", "--sold", "0",
	    "--webhook-secret", "secret-for-sale-types", NULL};
	static const char *const types[] = {
	    "doublepaymentsendbacktobuyer", "directsale", "burning"};
	static const char *const want[] = {"free", "sold", "free"};
	struct cs_fakeproc p;
	struct th_receiver *rx;
	struct th_resp r;
	cJSON *doc, *sent;
	char body[512], uid[37];
	const char *raw;
	size_t rawlen, i;

	th_start_nmkr(&p, args);
	rx = th_receiver_start(200);
	for (i = 0; i < 3; i++) {
		th_nft_uid(TH_PROJECT, (long)i + 1, uid);
		snprintf(body, sizeof(body),
		    "{\"url\":\"http://127.0.0.1:%d/h\",\"event\":"
		    "\"transactionconfirmed\",\"nftUids\":[\"%s\"],"
		    "\"saleType\":\"%s\"}",
		    th_receiver_port(rx), uid, types[i]);
		doc = th_control(&p, "POST", "/__fake/webhook", body, 200);
		ASSERT_EQ(th_num(doc, "status"), 200);
		cJSON_Delete(doc);
		ASSERT_TRUE(th_receiver_wait(rx, (int)i + 1, 5000));
		raw = th_receiver_body(rx, &rawlen);
		sent = cJSON_ParseWithLength(raw, rawlen);
		ASSERT_TRUE(sent != NULL);
		ASSERT_STR_EQ(th_str(sent, "SaleType"), types[i]);
		cJSON_Delete(sent);
		get(&r, &p, BEARER, "/v2/GetNftDetailsById/%s", uid);
		doc = th_json(&r);
		ASSERT_STR_EQ(th_str(doc, "state"), want[i]);
		cJSON_Delete(doc);
		th_resp_free(&r);
	}
	th_receiver_stop(rx);
	cs_fakeproc_stop(&p);
}
