/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the Blockfrost decoders, from fixture bodies in
 * tests/fixtures/blockfrost/ (docs/upstream.md §2's examples), and of the
 * asset id check.
 */
#include "test.h"

#include "clients/blockfrost.h"
#include "clients/blockfrost_json.h"
#include "util/limits.h"
#include "util/xalloc.h"

#define POLICY "b0d07d45fe9514f80213f4020e5a61241458be626841cde717cb38a7"

/* A fixture's body; caller frees. */
static char *
fixture(const char *name, size_t *len)
{
	char *path = cs_xasprintf("%s/blockfrost/%s", cs_test_fixtures(), name);
	char *body = cs_test_read_file(path, len);

	if (body == NULL)
		cs_test_fail(__FILE__, __LINE__, "no fixture %s", path);
	free(path);
	return body;
}

static int
decode_asset(const char *body, struct cs_bf_asset *a)
{
	return cs_bf_decode_asset(body, strlen(body), a, TERR);
}

CS_TEST(clients_blockfrost_json__asset)
{
	struct cs_bf_asset a;
	size_t len;
	char *body = fixture("asset.json", &len);

	ASSERT_OK(cs_bf_decode_asset(body, len, &a, TERR));
	ASSERT_STR_EQ(a.asset, POLICY "6e7574636f696e");
	ASSERT_STR_EQ(a.policy_id, POLICY);
	ASSERT_STR_EQ(a.asset_name, "6e7574636f696e");
	ASSERT_STR_EQ(
	    a.fingerprint, "asset1pkpwyknlvul7az0xx8czhl60pyel45rpje4z8w");
	ASSERT_STR_EQ(a.quantity, "1");
	ASSERT_STR_EQ(a.initial_mint_tx_hash,
	    "6804edf9712d2b619edb6ac86861fe93a730693183a262b165fcc1ba1bc99cad");
	ASSERT_EQ(a.mint_or_burn_count, 1);
	cs_bf_asset_dispose(&a);
	ASSERT_TRUE(a.asset == NULL);
	free(body);
}

CS_TEST(clients_blockfrost_json__burned_asset_without_a_name)
{
	struct cs_bf_asset a;
	size_t len;
	char *body = fixture("asset_burned.json", &len);

	ASSERT_OK(cs_bf_decode_asset(body, len, &a, TERR));
	ASSERT_STR_EQ(a.asset, POLICY);
	ASSERT_TRUE(a.asset_name == NULL);
	ASSERT_STR_EQ(a.quantity, "0");
	ASSERT_EQ(a.mint_or_burn_count, 2);
	cs_bf_asset_dispose(&a);
	free(body);
}

CS_TEST(clients_blockfrost_json__quantity_must_be_a_string)
{
	struct cs_bf_asset a;
	size_t len;
	char *body = fixture("asset_quantity_number.json", &len);

	ASSERT_ERR(CS_EPARSE, cs_bf_decode_asset(body, len, &a, TERR));
	ASSERT_STR_CONTAINS(cs_test_err.msg, "asset.quantity");
	ASSERT_STR_CONTAINS(cs_test_err.msg, "expected a string");
	ASSERT_TRUE(a.asset == NULL);
	free(body);
}

CS_TEST(clients_blockfrost_json__bad_assets)
{
	struct cs_bf_asset a;

	ASSERT_ERR(CS_EPARSE, decode_asset("[]", &a));
	ASSERT_STR_CONTAINS(cs_test_err.msg, "expected a JSON object");
	ASSERT_ERR(CS_EPARSE, decode_asset("{\"asset\":\"ab\"", &a));
	ASSERT_STR_CONTAINS(cs_test_err.msg, "malformed JSON");
	ASSERT_ERR(CS_EPARSE,
	    decode_asset("{\"asset\":\"" POLICY "\",\"policy_id\":\"" POLICY
	                 "\",\"fingerprint\":\"asset1x\",\"quantity\":\"1\","
	                 "\"mint_or_burn_count\":1}",
	        &a));
	ASSERT_STR_CONTAINS(cs_test_err.msg, "asset.initial_mint_tx_hash");
	ASSERT_ERR(CS_EPARSE,
	    decode_asset("{\"asset\":\"" POLICY "\",\"policy_id\":\"" POLICY
	                 "\",\"fingerprint\":\"asset1x\",\"quantity\":\"-1\","
	                 "\"initial_mint_tx_hash\":\"ab\","
	                 "\"mint_or_burn_count\":1}",
	        &a));
	ASSERT_STR_CONTAINS(cs_test_err.msg, "is not a whole number");
	ASSERT_ERR(CS_EPARSE,
	    decode_asset("{\"asset\":\"" POLICY "\",\"policy_id\":\"" POLICY
	                 "\",\"fingerprint\":\"asset1x\",\"quantity\":\"1\","
	                 "\"initial_mint_tx_hash\":\"ab\","
	                 "\"mint_or_burn_count\":1.5}",
	        &a));
	ASSERT_STR_CONTAINS(cs_test_err.msg, "asset.mint_or_burn_count");
}

CS_TEST(clients_blockfrost_json__holders_pages_append)
{
	struct cs_bf_holders h;
	size_t len, count;
	char *body = fixture("addresses.json", &len);
	char *empty;

	cs_bf_holders_init(&h);
	ASSERT_OK(cs_bf_decode_holders(body, len, 1, &h, &count, TERR));
	ASSERT_EQ(count, 1);
	ASSERT_OK(cs_bf_decode_holders(body, len, 2, &h, &count, TERR));
	ASSERT_EQ(h.n, 2);
	ASSERT_STR_EQ(h.items[1].address,
	    "addr1qxqs59lphg8g6qndelq8xwqn60ag3aeyfcp33c2kdp46a09re5df3pzwwmyq"
	    "946axfcejy5n4x0y99wqpgtp2gd0k09qsgy6pz");
	ASSERT_STR_EQ(h.items[1].quantity, "1");
	free(body);
	empty = fixture("addresses_empty.json", &len);
	ASSERT_OK(cs_bf_decode_holders(empty, len, 3, &h, &count, TERR));
	ASSERT_EQ(count, 0);
	ASSERT_EQ(h.n, 2);
	free(empty);
	cs_bf_holders_dispose(&h);
	ASSERT_EQ(h.n, 0);
}

CS_TEST(clients_blockfrost_json__bad_holders)
{
	static const char *const bad[] = {
	    "{}",
	    "[1]",
	    "[{\"address\":\"addr1x\"}]",
	    "[{\"address\":\"addr1x\",\"quantity\":1}]",
	    "[{\"address\":\"\",\"quantity\":\"1\"}]",
	    "[{\"quantity\":\"1\"}]",
	    "[{\"address\":\"addr1x\",\"quantity\":\"1\"}",
	};
	struct cs_bf_holders h;
	size_t i, count;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cs_bf_holders_init(&h);
		ASSERT_ERR(CS_EPARSE, cs_bf_decode_holders(bad[i],
		                          strlen(bad[i]), 4, &h, &count, TERR));
		ASSERT_STR_CONTAINS(cs_test_err.msg, "addresses page 4");
		cs_bf_holders_dispose(&h);
	}
}

CS_TEST(clients_blockfrost_json__error_messages)
{
	static const char *const names[] = {"error_402.json", "error_403.json",
	    "error_404.json", "error_418.json"};
	static const char *const want[] = {"Usage is over limit.",
	    "Invalid project token.",
	    "The requested component has not been found.",
	    "IP has been auto-banned for flooding."};
	char msg[128], *body;
	size_t i, len;

	for (i = 0; i < 4; i++) {
		body = fixture(names[i], &len);
		cs_bf_error_message(body, len, msg, sizeof(msg));
		ASSERT_STR_EQ(msg, want[i]);
		free(body);
	}
	cs_bf_error_message(
	    "{\"error\":\"Bad Request\"}", 23, msg, sizeof(msg));
	ASSERT_STR_EQ(msg, "Bad Request");
	cs_bf_error_message("<html>", 6, msg, sizeof(msg));
	ASSERT_STR_EQ(msg, "");
	cs_bf_error_message("", 0, msg, sizeof(msg));
	ASSERT_STR_EQ(msg, "");
}

CS_TEST(clients_blockfrost_json__quantities)
{
	ASSERT_TRUE(cs_bf_is_quantity("0"));
	ASSERT_TRUE(cs_bf_is_quantity("45000000000000000000000"));
	ASSERT_FALSE(cs_bf_is_quantity(""));
	ASSERT_FALSE(cs_bf_is_quantity("1.0"));
	ASSERT_FALSE(cs_bf_is_quantity(" 1"));
	ASSERT_STR_EQ(cs_bf_quantity_norm("0001"), "1");
	ASSERT_STR_EQ(cs_bf_quantity_norm("000"), "0");
	ASSERT_STR_EQ(cs_bf_quantity_norm("10"), "10");
}

CS_TEST(clients_blockfrost__asset_ids)
{
	char longest[CS_MAX_ASSET_ID + 3];

	ASSERT_TRUE(cs_blockfrost_is_asset_id(POLICY));
	ASSERT_TRUE(cs_blockfrost_is_asset_id(POLICY "6e7574636f696e"));
	/* A name that looks like hex is NMKR's id as is, never re-encoded. */
	ASSERT_TRUE(cs_blockfrost_is_asset_id(POLICY "00"));
	ASSERT_FALSE(cs_blockfrost_is_asset_id(NULL));
	ASSERT_FALSE(cs_blockfrost_is_asset_id(""));
	ASSERT_FALSE(cs_blockfrost_is_asset_id("b0d07d45"));
	ASSERT_FALSE(cs_blockfrost_is_asset_id(POLICY "6E75"));
	ASSERT_FALSE(cs_blockfrost_is_asset_id(POLICY "6e7"));
	ASSERT_FALSE(cs_blockfrost_is_asset_id(POLICY ".Camp0001"));
	memset(longest, 'a', CS_MAX_ASSET_ID);
	longest[CS_MAX_ASSET_ID] = '\0';
	ASSERT_TRUE(cs_blockfrost_is_asset_id(longest));
	longest[CS_MAX_ASSET_ID] = 'a';
	longest[CS_MAX_ASSET_ID + 1] = 'a';
	longest[CS_MAX_ASSET_ID + 2] = '\0';
	ASSERT_FALSE(cs_blockfrost_is_asset_id(longest));
}

CS_TEST(clients_blockfrost__base_urls)
{
	ASSERT_STR_EQ(cs_blockfrost_base_url(CS_NETWORK_MAINNET),
	    "https://cardano-mainnet.blockfrost.io/api/v0");
	ASSERT_STR_EQ(cs_blockfrost_base_url(CS_NETWORK_PREPROD),
	    "https://cardano-preprod.blockfrost.io/api/v0");
}
