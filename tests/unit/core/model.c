/* SPDX-License-Identifier: MIT */
/* Unit tests of the data model's words and of payment links. */
#include "test.h"

#include "core/model.h"
#include "core/paylink.h"

CS_TEST(core_model__words_round_trip)
{
	enum cs_nft_status st;
	enum cs_source src;
	enum cs_sync_type ty;

	ASSERT_OK(cs_nft_status_parse("reserved", &st));
	ASSERT_EQ(st, CS_NFT_RESERVED);
	ASSERT_STR_EQ(cs_nft_status_name(CS_NFT_SOLD), "sold");
	ASSERT_ERR(CS_EINVAL, cs_nft_status_parse("Sold", &st));
	ASSERT_ERR(CS_EINVAL, cs_nft_status_parse(NULL, &st));
	ASSERT_OK(cs_source_parse("manual_sync", &src));
	ASSERT_EQ(src, CS_SOURCE_MANUAL_SYNC);
	ASSERT_STR_EQ(cs_source_name(CS_SOURCE_EXPIRY), "expiry");
	ASSERT_OK(cs_sync_type_parse("api_pull", &ty));
	ASSERT_EQ(ty, CS_SYNC_API_PULL);
	/* NMKR states are read case-insensitively; unknown ones flagged. */
	ASSERT_EQ(cs_remote_state_parse("Sold"), CS_REMOTE_SOLD);
	ASSERT_EQ(cs_remote_state_parse("blocked"), CS_REMOTE_BLOCKED);
	ASSERT_EQ(cs_remote_state_parse("burned"), CS_REMOTE_BURNED);
	ASSERT_EQ(cs_remote_state_parse("minting"), CS_REMOTE_UNKNOWN);
	ASSERT_EQ(cs_remote_state_parse(NULL), CS_REMOTE_UNKNOWN);
}

CS_TEST(core_model__counts_move)
{
	struct cs_counts k = {0, 0, 0, 0};

	cs_counts_add(&k, CS_NFT_AVAILABLE, 3);
	cs_counts_add(&k, CS_NFT_AVAILABLE, -1);
	cs_counts_add(&k, CS_NFT_SOLD, 1);
	ASSERT_EQ(k.total, 3);
	ASSERT_EQ(k.available, 2);
	ASSERT_EQ(k.sold, 1);
	ASSERT_EQ(k.reserved, 0);
}

/* Issue 14: the CLI lists a report's discrepancies in NFT number order,
 * as the page does ("#2" before "#10"). */
CS_TEST(core_model__name_number_orders_nfts)
{
	int64_t n = 0;

	ASSERT_TRUE(cs_nft_name_number("Lab Rat #12", &n));
	ASSERT_EQ(n, 12);
	ASSERT_TRUE(cs_nft_name_number("Rat 7b", &n));
	ASSERT_EQ(n, 7);
	ASSERT_FALSE(cs_nft_name_number("Rat", &n));
	ASSERT_FALSE(cs_nft_name_number(NULL, &n));
	ASSERT_LT(cs_nft_name_cmp("Rat #2", "b", "Rat #10", "a"), 0);
	ASSERT_GT(cs_nft_name_cmp("Rat #10", "a", "Rat #2", "b"), 0);
	ASSERT_LT(cs_nft_name_cmp("Rat #3", "a", "Rat #3", "b"), 0);
	ASSERT_LT(cs_nft_name_cmp("Rat #999", "z", "Rat", "a"), 0);
	ASSERT_GT(cs_nft_name_cmp(NULL, "a", "Rat #1", "b"), 0);
}

CS_TEST(core_paylink__per_network)
{
	struct cs_buf b = CS_BUF_INIT(256);

	ASSERT_OK(cs_paylink_specific(&b, CS_NETWORK_MAINNET,
	    "9e2d000a-ed53-4db4-819b-25cdab41fd47",
	    "5C810E70-DC0E-40FF-98D0-67742F95918B"));
	ASSERT_STR_EQ(b.ptr, "https://pay.nmkr.io/?p=9e2d000aed534db4819b25cdab"
	                     "41fd47&n=5c810e70dc0e40ff98d067742f95918b");
	cs_buf_reset(&b);
	ASSERT_OK(cs_paylink_specific(&b, CS_NETWORK_PREPROD,
	    "9e2d000a-ed53-4db4-819b-25cdab41fd47",
	    "5c810e70-dc0e-40ff-98d0-67742f95918b"));
	ASSERT_STR_CONTAINS(b.ptr, "https://pay.preprod.nmkr.io/?p=");
	cs_buf_reset(&b);
	ASSERT_ERR(
	    CS_EINVAL, cs_paylink_specific(&b, CS_NETWORK_MAINNET, "not-a-uid",
	                   "5c810e70-dc0e-40ff-98d0-67742f95918b"));
	cs_buf_dispose(&b);
}

#include "core/health.h"

CS_TEST(core_health__from_recent_syncs)
{
	static const enum cs_sync_status good[] = {
	    CS_SYNC_SUCCESS, CS_SYNC_SUCCESS};
	static const enum cs_sync_status one_bad[] = {
	    CS_SYNC_SUCCESS, CS_SYNC_PARTIAL, CS_SYNC_SUCCESS};
	static const enum cs_sync_status last_failed[] = {
	    CS_SYNC_FAILED, CS_SYNC_SUCCESS};
	static const enum cs_sync_status three_failed[] = {
	    CS_SYNC_SUCCESS, CS_SYNC_FAILED, CS_SYNC_FAILED, CS_SYNC_FAILED};
	struct cs_health_summary h;

	cs_health_of(NULL, 0, &h);
	ASSERT_EQ(h.health, CS_HEALTH_WARNING);
	cs_health_of(good, 2, &h);
	ASSERT_EQ(h.health, CS_HEALTH_HEALTHY);
	ASSERT_EQ(h.success, 2);
	cs_health_of(one_bad, 3, &h);
	ASSERT_EQ(h.health, CS_HEALTH_WARNING);
	ASSERT_EQ(h.partial, 1);
	cs_health_of(last_failed, 2, &h);
	ASSERT_EQ(h.health, CS_HEALTH_ERROR);
	cs_health_of(three_failed, 4, &h);
	ASSERT_EQ(h.health, CS_HEALTH_ERROR);
	ASSERT_EQ(h.failed, 3);
	ASSERT_STR_EQ(cs_health_name(h.health), "error");
}

CS_TEST(core_health__reviews_and_webhook)
{
	static const enum cs_sync_status good[] = {
	    CS_SYNC_SUCCESS, CS_SYNC_SUCCESS};
	static const enum cs_sync_status last_failed[] = {
	    CS_SYNC_FAILED, CS_SYNC_SUCCESS};
	struct cs_health_summary h;

	cs_health_campaign(good, 2, 0, true, &h);
	ASSERT_EQ(h.health, CS_HEALTH_HEALTHY);
	cs_health_campaign(good, 2, 3, true, &h);
	ASSERT_EQ(h.health, CS_HEALTH_WARNING);
	ASSERT_STR_EQ(h.reason, "review items are open");
	cs_health_campaign(good, 2, 1, false, &h);
	ASSERT_STR_EQ(h.reason, "a review item is open");
	cs_health_campaign(good, 2, 0, false, &h);
	ASSERT_EQ(h.health, CS_HEALTH_WARNING);
	ASSERT_STR_EQ(h.reason, "no NMKR webhook is registered");
	cs_health_campaign(good, 2, -1, true, &h);
	ASSERT_EQ(h.health, CS_HEALTH_HEALTHY);
	/* The syncs' cause weighs more. */
	cs_health_campaign(last_failed, 2, 5, false, &h);
	ASSERT_EQ(h.health, CS_HEALTH_ERROR);
	ASSERT_STR_EQ(h.reason, "the last sync failed");
	cs_health_campaign(NULL, 0, 5, false, &h);
	ASSERT_STR_EQ(h.reason, "never synced");
}

CS_TEST(core_paylink__project_of_a_link)
{
	char p[33];

	ASSERT_TRUE(
	    cs_paylink_project("https://pay.preprod.nmkr.io/"
	                       "?p=9E2D000AED534DB4819B25CDAB41FD47"
	                       "&n=21a1cf7797c644f78978d707853669f5&tc=1",
	        p));
	ASSERT_STR_EQ(p, "9e2d000aed534db4819b25cdab41fd47");
	ASSERT_TRUE(cs_paylink_project("https://pay.nmkr.io/?n=1&tc=1"
	                               "&p=9e2d000aed534db4819b25cdab41fd47",
	    p));
	/* None, too short, too long, not hex, n= only, no query. */
	ASSERT_FALSE(cs_paylink_project("https://pay.nmkr.io/?n=1", p));
	ASSERT_FALSE(cs_paylink_project(
	    "https://pay.nmkr.io/?p=9e2d000aed534db4819b25cdab41fd4", p));
	ASSERT_FALSE(cs_paylink_project(
	    "https://pay.nmkr.io/?p=9e2d000aed534db4819b25cdab41fd477", p));
	ASSERT_FALSE(cs_paylink_project(
	    "https://pay.nmkr.io/?p=9e2d000aed534db4819b25cdab41fdzz", p));
	ASSERT_FALSE(cs_paylink_project(
	    "https://pay.nmkr.io/?np=9e2d000aed534db4819b25cdab41fd47", p));
	ASSERT_FALSE(cs_paylink_project("https://pay.nmkr.io/", p));
	ASSERT_FALSE(cs_paylink_project("", p));
	ASSERT_FALSE(cs_paylink_project(NULL, p));
}
