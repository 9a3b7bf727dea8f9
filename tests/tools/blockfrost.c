/* SPDX-License-Identifier: MIT */
/*
 * fake-blockfrost against docs/upstream.md §2 and Blockfrost's official OpenAPI
 * spec: assets, holders and transactions, the error bodies, the token
 * bucket, the daily quota, the auto-ban, the control interface, and
 * fake-nmkr minting its sold NFTs on it.
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

#define POLICY "b0d07d45fe9514f80213f4020e5a61241458be626841cde717cb38a7"
#define ASSET POLICY "43616d7030303031"
#define PID_HDR "project_id: " TH_BF_PROJECT

static const char *const asset_keys[] = {"asset", "policy_id", "asset_name",
    "fingerprint", "quantity", "initial_mint_tx_hash", "mint_or_burn_count",
    "onchain_metadata", "onchain_metadata_standard", "onchain_metadata_extra",
    "metadata", NULL};

static void bf_get(struct th_resp *r, const struct cs_fakeproc *p,
    const char *pid, const char *fmt, ...) CS_PRINTF(4, 5);

static void
bf_get(struct th_resp *r, const struct cs_fakeproc *p, const char *pid,
    const char *fmt, ...)
{
	char path[1024], hdr[256], *url;
	const char *headers[2] = {NULL, NULL};
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(path, sizeof(path), fmt, ap);
	va_end(ap);
	if (pid != NULL) {
		snprintf(hdr, sizeof(hdr), "project_id: %s", pid);
		headers[0] = hdr;
	}
	url = th_url(p, "%s", path);
	th_request(r, "GET", url, headers, NULL);
	free(url);
}

static void
assert_bf_error(const struct th_resp *r, long status, const char *error,
    const char *message)
{
	char want[256];

	ASSERT_EQ(r->status, status);
	snprintf(want, sizeof(want),
	    "{\"status_code\":%ld,\"error\":\"%s\",\"message\":\"%s\"}", status,
	    error, message);
	ASSERT_STR_EQ(r->body, want);
}

static void
mint(const struct cs_fakeproc *p, const char *body)
{
	cJSON *doc = th_control(p, "POST", "/__fake/assets", body, 200);

	cJSON_Delete(doc);
}

CS_TEST(asset__schema_and_fields)
{
	struct cs_fakeproc p;
	struct th_resp r;
	cJSON *doc;

	th_start_bf(&p, NULL);
	mint(&p,
	    "{\"asset\":\"" ASSET "\",\"holders\":[{\"address\":"
	    "\"addr_test1qabc\",\"quantity\":\"1\"}],\"initialMintTxHash\":"
	    "\"6804edf9712d2b619edb6ac86861fe93a730693183a262b165fcc1ba1bc99cad"
	    "\","
	    "\"onchainMetadata\":{\"name\":\"Camp "
	    "#1\",\"image\":\"ipfs://Qm\"}}");
	bf_get(&r, &p, TH_BF_PROJECT, "/api/v0/assets/%s", ASSET);
	ASSERT_EQ(r.status, 200);
	TH_CHECK_SPEC(TH_SPEC_BF, "GET", "/assets/{asset}", &r, 0);
	doc = th_json(&r);
	th_assert_keys(doc, asset_keys);
	ASSERT_STR_EQ(th_str(doc, "asset"), ASSET);
	ASSERT_STR_EQ(th_str(doc, "policy_id"), POLICY);
	ASSERT_STR_EQ(th_str(doc, "asset_name"), "43616d7030303031");
	ASSERT_STR_EQ(th_str(doc, "quantity"), "1");
	ASSERT_STR_EQ(th_str(doc, "initial_mint_tx_hash"),
	    "6804edf9712d2b619edb6ac86861fe93a730693183a262b165fcc1ba1bc99cad");
	ASSERT_EQ(th_num(doc, "mint_or_burn_count"), 1);
	ASSERT_STR_EQ(th_str(doc, "onchain_metadata_standard"), "CIP25v1");
	ASSERT_TRUE(strncmp(th_str(doc, "fingerprint"), "asset1", 6) == 0);
	ASSERT_TRUE(
	    cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(doc, "metadata")));
	cJSON_Delete(doc);
	th_resp_free(&r);
	/* The bare root works as a base path too. */
	bf_get(&r, &p, TH_BF_PROJECT, "/assets/%s", ASSET);
	ASSERT_EQ(r.status, 200);
	th_resp_free(&r);
	ASSERT_EQ(cs_fakeproc_stop(&p), 0);
}

CS_TEST(asset__never_minted_404)
{
	struct cs_fakeproc p;
	struct th_resp r;

	th_start_bf(&p, NULL);
	bf_get(&r, &p, TH_BF_PROJECT, "/api/v0/assets/%s", ASSET);
	assert_bf_error(&r, 404, "Not Found",
	    "The requested component has not been found.");
	TH_CHECK_SPEC(TH_SPEC_BF, "GET", "/assets/{asset}", &r, 0);
	th_resp_free(&r);
	bf_get(&r, &p, TH_BF_PROJECT, "/api/v0/assets/%s/addresses", ASSET);
	ASSERT_EQ(r.status, 404);
	th_resp_free(&r);
	cs_fakeproc_stop(&p);
}

CS_TEST(auth__403)
{
	struct cs_fakeproc p;
	struct th_resp r;

	th_start_bf(&p, NULL);
	bf_get(&r, &p, NULL, "/api/v0/assets/%s", ASSET);
	assert_bf_error(&r, 403, "Forbidden", "Invalid project token.");
	TH_CHECK_SPEC(TH_SPEC_BF, "GET", "/assets/{asset}", &r, 0);
	th_resp_free(&r);
	bf_get(&r, &p, "mainnetWrong", "/api/v0/assets/%s", ASSET);
	assert_bf_error(&r, 403, "Forbidden", "Invalid project token.");
	th_resp_free(&r);
	cs_fakeproc_stop(&p);
}

CS_TEST(addresses__schema_and_paging)
{
	struct cs_fakeproc p;
	struct th_resp r;
	cJSON *doc;
	static const int want[] = {2, 2, 1, 0};
	int page;

	th_start_bf(&p, NULL);
	mint(&p, "{\"asset\":\"" POLICY "\",\"holders\":["
	         "{\"address\":\"addr_test1a\",\"quantity\":\"10\"},"
	         "{\"address\":\"addr_test1b\",\"quantity\":\"20\"},"
	         "{\"address\":\"addr_test1c\",\"quantity\":\"30\"},"
	         "{\"address\":\"addr_test1d\",\"quantity\":\"40\"},"
	         "{\"address\":\"addr_test1e\",\"quantity\":\"50\"}]}");
	for (page = 1; page <= 4; page++) {
		bf_get(&r, &p, TH_BF_PROJECT,
		    "/api/v0/assets/%s/addresses?count=2&page=%d", POLICY,
		    page);
		ASSERT_EQ(r.status, 200);
		TH_CHECK_SPEC(
		    TH_SPEC_BF, "GET", "/assets/{asset}/addresses", &r, 0);
		doc = th_json(&r);
		ASSERT_EQ(cJSON_GetArraySize(doc), want[page - 1]);
		if (page == 1)
			ASSERT_STR_EQ(
			    th_str(cJSON_GetArrayItem(doc, 0), "address"),
			    "addr_test1a");
		cJSON_Delete(doc);
		th_resp_free(&r);
	}
	bf_get(&r, &p, TH_BF_PROJECT, "/api/v0/assets/%s/addresses?order=desc",
	    POLICY);
	doc = th_json(&r);
	ASSERT_EQ(cJSON_GetArraySize(doc), 5);
	ASSERT_STR_EQ(
	    th_str(cJSON_GetArrayItem(doc, 0), "address"), "addr_test1e");
	ASSERT_STR_EQ(th_str(cJSON_GetArrayItem(doc, 0), "quantity"), "50");
	cJSON_Delete(doc);
	th_resp_free(&r);
	/* A policy-only asset has a null asset_name. */
	bf_get(&r, &p, TH_BF_PROJECT, "/api/v0/assets/%s", POLICY);
	doc = th_json(&r);
	ASSERT_TRUE(
	    cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(doc, "asset_name")));
	ASSERT_STR_EQ(th_str(doc, "quantity"), "150");
	cJSON_Delete(doc);
	th_resp_free(&r);
	cs_fakeproc_stop(&p);
}

CS_TEST(addresses__bad_paging_400)
{
	static const char *const queries[] = {"count=0", "count=101", "page=0",
	    "order=sideways", "count=abc", NULL};
	struct cs_fakeproc p;
	struct th_resp r;
	int i;

	th_start_bf(&p, NULL);
	mint(&p, "{\"asset\":\"" ASSET "\"}");
	for (i = 0; queries[i] != NULL; i++) {
		bf_get(&r, &p, TH_BF_PROJECT, "/api/v0/assets/%s/addresses?%s",
		    ASSET, queries[i]);
		assert_bf_error(&r, 400, "Bad Request",
		    "Backend did not understand your request.");
		TH_CHECK_SPEC(
		    TH_SPEC_BF, "GET", "/assets/{asset}/addresses", &r, 0);
		th_resp_free(&r);
	}
	cs_fakeproc_stop(&p);
}

CS_TEST(control__mint_move_burn)
{
	struct cs_fakeproc p;
	struct th_resp r;
	cJSON *doc;
	char path[256];

	th_start_bf(&p, NULL);
	mint(&p, "{\"asset\":\"" ASSET "\",\"holders\":[{\"address\":"
	         "\"addr_test1first\",\"quantity\":\"1\"}]}");
	mint(&p, "{\"asset\":\"" ASSET "\",\"holders\":[{\"address\":"
	         "\"addr_test1second\",\"quantity\":\"1\"}]}");
	bf_get(&r, &p, TH_BF_PROJECT, "/api/v0/assets/%s/addresses", ASSET);
	doc = th_json(&r);
	ASSERT_EQ(cJSON_GetArraySize(doc), 1);
	ASSERT_STR_EQ(
	    th_str(cJSON_GetArrayItem(doc, 0), "address"), "addr_test1second");
	cJSON_Delete(doc);
	th_resp_free(&r);
	bf_get(&r, &p, TH_BF_PROJECT, "/api/v0/assets/%s", ASSET);
	doc = th_json(&r);
	ASSERT_EQ(th_num(doc, "mint_or_burn_count"), 1); /* a move */
	cJSON_Delete(doc);
	th_resp_free(&r);
	snprintf(path, sizeof(path), "/__fake/assets/%s", ASSET);
	doc = th_control(&p, "DELETE", path, NULL, 200);
	ASSERT_STR_EQ(th_str(doc, "quantity"), "0");
	cJSON_Delete(doc);
	bf_get(&r, &p, TH_BF_PROJECT, "/api/v0/assets/%s", ASSET);
	ASSERT_EQ(r.status, 200);
	TH_CHECK_SPEC(TH_SPEC_BF, "GET", "/assets/{asset}", &r, 0);
	doc = th_json(&r);
	ASSERT_STR_EQ(th_str(doc, "quantity"), "0");
	ASSERT_EQ(th_num(doc, "mint_or_burn_count"), 2);
	cJSON_Delete(doc);
	th_resp_free(&r);
	bf_get(&r, &p, TH_BF_PROJECT, "/api/v0/assets/%s/addresses", ASSET);
	ASSERT_STR_EQ(r.body, "[]");
	th_resp_free(&r);
	doc =
	    th_control(&p, "DELETE", "/__fake/assets/" POLICY "00", NULL, 404);
	cJSON_Delete(doc);
	doc = th_control(
	    &p, "POST", "/__fake/assets", "{\"asset\":\"xyz\"}", 400);
	cJSON_Delete(doc);
	cs_fakeproc_stop(&p);
}

CS_TEST(txs__mint_tx)
{
	struct cs_fakeproc p;
	struct th_resp r;
	cJSON *doc;
	const char *tx =
	    "1e043f100dce12d107f679685acd2fc0610e10f72a92d412794c9773d11d8477";

	th_start_bf(&p, NULL);
	mint(&p, "{\"asset\":\"" ASSET "\",\"initialMintTxHash\":"
	         "\"1e043f100dce12d107f679685acd2fc0610e10f72a92d412794c9773d11"
	         "d8477\"}");
	bf_get(&r, &p, TH_BF_PROJECT, "/api/v0/txs/%s", tx);
	ASSERT_EQ(r.status, 200);
	TH_CHECK_SPEC(TH_SPEC_BF, "GET", "/txs/{hash}", &r, 0);
	doc = th_json(&r);
	ASSERT_STR_EQ(th_str(doc, "hash"), tx);
	ASSERT_EQ(th_num(doc, "asset_mint_or_burn_count"), 1);
	ASSERT_STR_CONTAINS(r.body, ASSET);
	cJSON_Delete(doc);
	th_resp_free(&r);
	bf_get(&r, &p, TH_BF_PROJECT, "/api/v0/txs/%064d", 0);
	ASSERT_EQ(r.status, 404);
	th_resp_free(&r);
	cs_fakeproc_stop(&p);
}

CS_TEST(ratelimit__429_after_burst)
{
	static const char *const args[] = {
	    "--burst", "5", "--rate", "2", "--ban-after", "100", NULL};
	struct cs_fakeproc p;
	struct th_resp r;
	cJSON *doc;
	int i;

	th_start_bf(&p, args);
	for (i = 0; i < 5; i++) {
		bf_get(&r, &p, TH_BF_PROJECT, "/api/v0/health");
		ASSERT_EQ(r.status, 200);
		th_resp_free(&r);
	}
	bf_get(&r, &p, TH_BF_PROJECT, "/api/v0/assets/%s", ASSET);
	assert_bf_error(&r, 429, "Project Over Limit", "Usage is over limit.");
	TH_CHECK_SPEC(TH_SPEC_BF, "GET", "/assets/{asset}", &r, 0);
	th_resp_free(&r);
	/* 2 tokens/s: one comes back within 0.6 s. */
	cs_sleep_ms(600);
	bf_get(&r, &p, TH_BF_PROJECT, "/api/v0/health");
	ASSERT_EQ(r.status, 200);
	th_resp_free(&r);
	doc = th_control(&p, "GET", "/__fake/stats", NULL, 200);
	ASSERT_EQ(
	    th_num(cJSON_GetObjectItemCaseSensitive(doc, "status"), "429"), 1);
	ASSERT_EQ(th_num(doc, "granted"), 6);
	ASSERT_GE(th_num(doc, "maxPerSecond"), 5);
	cJSON_Delete(doc);
	cs_fakeproc_stop(&p);
}

CS_TEST(quota__402_when_daily_quota_is_used)
{
	static const char *const args[] = {"--daily-quota", "3", NULL};
	struct cs_fakeproc p;
	struct th_resp r;
	int i;

	th_start_bf(&p, args);
	for (i = 0; i < 3; i++) {
		bf_get(&r, &p, TH_BF_PROJECT, "/api/v0/health");
		ASSERT_EQ(r.status, 200);
		th_resp_free(&r);
	}
	bf_get(&r, &p, TH_BF_PROJECT, "/api/v0/health");
	assert_bf_error(&r, 402, "Project Over Limit", "Usage is over limit.");
	th_resp_free(&r);
	cs_fakeproc_stop(&p);
}

CS_TEST(ban__418_after_flooding)
{
	static const char *const args[] = {
	    "--burst", "2", "--rate", "1", "--ban-after", "3", NULL};
	struct cs_fakeproc p;
	struct th_resp r;
	cJSON *doc;
	int i;

	th_start_bf(&p, args);
	for (i = 0; i < 2; i++) {
		bf_get(&r, &p, TH_BF_PROJECT, "/api/v0/health");
		ASSERT_EQ(r.status, 200);
		th_resp_free(&r);
	}
	/* The first 429 and three more while limited... */
	for (i = 0; i < 4; i++) {
		bf_get(&r, &p, TH_BF_PROJECT, "/api/v0/health");
		ASSERT_EQ(r.status, 429);
		th_resp_free(&r);
	}
	/* ...then the ban, which waiting does not lift. */
	bf_get(&r, &p, TH_BF_PROJECT, "/api/v0/assets/%s", ASSET);
	assert_bf_error(&r, 418, "Requested Banned",
	    "IP has been auto-banned for flooding.");
	TH_CHECK_SPEC(TH_SPEC_BF, "GET", "/assets/{asset}", &r, 0);
	th_resp_free(&r);
	cs_sleep_ms(1100);
	bf_get(&r, &p, TH_BF_PROJECT, "/api/v0/health");
	ASSERT_EQ(r.status, 418);
	th_resp_free(&r);
	doc = th_control(&p, "GET", "/__fake/stats", NULL, 200);
	ASSERT_EQ(th_num(doc, "banned"), 1);
	cJSON_Delete(doc);
	doc = th_control(&p, "POST", "/__fake/reset", NULL, 200);
	cJSON_Delete(doc);
	bf_get(&r, &p, TH_BF_PROJECT, "/api/v0/health");
	ASSERT_EQ(r.status, 200);
	th_resp_free(&r);
	cs_fakeproc_stop(&p);
}

CS_TEST(faults__status_and_truncate)
{
	struct cs_fakeproc p;
	struct th_resp r;
	cJSON *doc;

	th_start_bf(&p, NULL);
	mint(&p, "{\"asset\":\"" ASSET "\"}");
	doc = th_control(&p, "POST", "/__fake/faults",
	    "[{\"endpoint\":\"assetsById\",\"status\":500},"
	    "{\"endpoint\":\"assetsAddresses\",\"truncate\":true}]",
	    200);
	cJSON_Delete(doc);
	bf_get(&r, &p, TH_BF_PROJECT, "/api/v0/assets/%s", ASSET);
	assert_bf_error(&r, 500, "Internal Server Error",
	    "An unexpected response was received from the backend.");
	TH_CHECK_SPEC(TH_SPEC_BF, "GET", "/assets/{asset}", &r, 0);
	th_resp_free(&r);
	bf_get(&r, &p, TH_BF_PROJECT, "/api/v0/assets/%s/addresses", ASSET);
	ASSERT_EQ(r.curl_code, CURLE_PARTIAL_FILE);
	th_resp_free(&r);
	doc = th_control(&p, "GET", "/__fake/requests", NULL, 200);
	ASSERT_EQ(cJSON_GetArraySize(doc), 2);
	ASSERT_STR_EQ(
	    th_str(cJSON_GetArrayItem(doc, 0), "projectId"), TH_BF_PROJECT);
	ASSERT_STR_EQ(
	    th_str(cJSON_GetArrayItem(doc, 1), "endpoint"), "assetsAddresses");
	cJSON_Delete(doc);
	cs_fakeproc_stop(&p);
}

CS_TEST(nmkr__mints_sold_nfts)
{
	struct cs_fakeproc bf, nm;
	struct th_resp r;
	cJSON *doc, *details;
	char uid[37], path[256], bfurl[128], hdr[64];
	const char *nargs[] = {"--nfts", "6", "--sold", "2", "--network",
	    "preprod", "--blockfrost", NULL, "--blockfrost-project-id",
	    TH_BF_PROJECT, NULL};
	const char *auth[] = {hdr, NULL};
	char *url, *text;
	int i;

	th_start_bf(&bf, NULL);
	snprintf(bfurl, sizeof(bfurl), "%s/api/v0", bf.base_url);
	nargs[7] = bfurl;
	th_start_nmkr(&nm, nargs);
	snprintf(hdr, sizeof(hdr), "Authorization: Bearer %s", TH_KEY);
	/* The seeded sold NFTs are on chain, held by their buyers. */
	for (i = 1; i <= 3; i++) {
		th_nft_uid(TH_PROJECT, i, uid);
		if (i == 3) {
			snprintf(
			    path, sizeof(path), "/__fake/nfts/%s/state", uid);
			doc = th_control(
			    &nm, "POST", path, "{\"state\":\"sold\"}", 200);
			ASSERT_TRUE(th_str(doc, "chainError") == NULL);
			cJSON_Delete(doc);
		}
		url = th_url(&nm, "/v2/GetNftDetailsById/%s", uid);
		th_request(&r, "GET", url, auth, NULL);
		free(url);
		details = th_json(&r);
		th_resp_free(&r);
		bf_get(&r, &bf, TH_BF_PROJECT, "/api/v0/assets/%s",
		    th_str(details, "assetid"));
		ASSERT_EQ(r.status, 200);
		doc = th_json(&r);
		ASSERT_STR_EQ(th_str(doc, "quantity"), "1");
		ASSERT_STR_EQ(th_str(doc, "initial_mint_tx_hash"),
		    th_str(details, "initialminttxhash"));
		ASSERT_STR_EQ(
		    th_str(doc, "fingerprint"), th_str(details, "fingerprint"));
		cJSON_Delete(doc);
		th_resp_free(&r);
		bf_get(&r, &bf, TH_BF_PROJECT, "/api/v0/assets/%s/addresses",
		    th_str(details, "assetid"));
		doc = th_json(&r);
		ASSERT_STR_EQ(th_str(cJSON_GetArrayItem(doc, 0), "address"),
		    th_str(details, "receiveraddress"));
		ASSERT_TRUE(
		    strncmp(th_str(cJSON_GetArrayItem(doc, 0), "address"),
		        "addr_test1", 10) == 0);
		cJSON_Delete(doc);
		th_resp_free(&r);
		cJSON_Delete(details);
	}
	/* A free NFT is not on chain. */
	th_nft_uid(TH_PROJECT, 4, uid);
	url = th_url(&nm, "/v2/GetNftDetailsById/%s", uid);
	th_request(&r, "GET", url, auth, NULL);
	free(url);
	details = th_json(&r);
	th_resp_free(&r);
	bf_get(&r, &bf, TH_BF_PROJECT, "/api/v0/assets/%s",
	    th_str(details, "assetid"));
	ASSERT_EQ(r.status, 404);
	th_resp_free(&r);
	cJSON_Delete(details);
	/* Burning in fake-nmkr burns on chain. */
	th_nft_uid(TH_PROJECT, 1, uid);
	snprintf(path, sizeof(path), "/__fake/nfts/%s/state", uid);
	doc = th_control(&nm, "POST", path, "{\"state\":\"burned\"}", 200);
	cJSON_Delete(doc);
	doc = th_control(&bf, "GET", "/__fake/assets", NULL, 200);
	ASSERT_EQ(cJSON_GetArraySize(doc), 3);
	text = cJSON_PrintUnformatted(doc);
	ASSERT_STR_CONTAINS(text, "\"quantity\":\"0\"");
	free(text);
	cJSON_Delete(doc);
	cs_fakeproc_stop(&nm);
	cs_fakeproc_stop(&bf);
}
