/* SPDX-License-Identifier: MIT */
/* Unit tests of the rules of a change of one NFT (core/change_rules.c). */
#include "test.h"

#include <string.h>

#include "core/change_rules.h"
#include "util/str.h"

#define NOW 5000

/* An NFT of campaign 1 at version 3, in the given status with its fields. */
static struct cs_nft
nft(enum cs_nft_status st)
{
	struct cs_nft n;

	memset(&n, 0, sizeof(n));
	n.id = 10;
	n.campaign_id = 1;
	n.nft_uid = CS_UNCONST("uid-10");
	n.version = 3;
	n.status = st;
	n.last_modified_at = 100;
	n.last_modified_by = CS_SOURCE_ADMIN;
	n.last_synced_at = 50;
	if (st == CS_NFT_RESERVED) {
		n.reserved_by = CS_UNCONST("addr_a");
		n.reserved_until = 9000;
		n.claimed_by = CS_UNCONST("addr_a");
	} else if (st == CS_NFT_SOLD) {
		n.sold_to = CS_UNCONST("addr_buyer");
		n.tx_hash = CS_UNCONST("tx_old");
		n.sold_at = 700;
		n.sold_at_raw = CS_UNCONST("2025-01-01T00:00:00");
		n.claimed_by = CS_UNCONST("addr_a");
	}
	return n;
}

static struct cs_nft_change
change(enum cs_nft_status to)
{
	struct cs_nft_change ch = CS_NFT_CHANGE_INIT;

	ch.nft_id = 10;
	ch.new_status = to;
	return ch;
}

/* Which checks refuse, in which order: one row per branch. */
static const struct {
	const char *name;
	int64_t campaign_id;
	int only_if_status;
	int64_t expected_version;
	enum cs_change_verdict want;
} gates[] = {
    {"no_checks", 0, -1, -1, CS_CHANGE_WRITE},
    {"same_campaign", 1, -1, -1, CS_CHANGE_WRITE},
    {"other_campaign", 2, -1, -1, CS_CHANGE_OTHER_CAMPAIGN},
    {"in_status", 0, CS_NFT_AVAILABLE, -1, CS_CHANGE_WRITE},
    {"not_in_status", 0, CS_NFT_RESERVED, -1, CS_CHANGE_NOT_IN_STATUS},
    {"version_matches", 0, -1, 3, CS_CHANGE_WRITE},
    {"version_moved", 0, -1, 2, CS_CHANGE_STALE},
    /* The campaign is checked first, then the status, then the version. */
    {"campaign_before_status", 2, CS_NFT_SOLD, 2, CS_CHANGE_OTHER_CAMPAIGN},
    {"status_before_version", 1, CS_NFT_SOLD, 2, CS_CHANGE_NOT_IN_STATUS},
    {"all_pass", 1, CS_NFT_AVAILABLE, 3, CS_CHANGE_WRITE},
};

CS_TEST(core_change_rules__gates)
{
	struct cs_nft cur = nft(CS_NFT_AVAILABLE), next;
	struct cs_history h;
	struct cs_nft_change ch;
	enum cs_change_verdict v;
	size_t i;

	for (i = 0; i < sizeof(gates) / sizeof(gates[0]); i++) {
		ch = change(CS_NFT_RESERVED);
		ch.reserved_by = "addr_b";
		ch.reserved_until = 8000;
		ch.campaign_id = gates[i].campaign_id;
		ch.only_if_status = gates[i].only_if_status;
		ch.expected_version = gates[i].expected_version;
		v = cs_change_plan(&ch, &cur, NOW, &next, &h);
		if (v != gates[i].want)
			cs_test_fail(__FILE__, __LINE__, "%s: got %d, want %d",
			    gates[i].name, (int)v, (int)gates[i].want);
	}
}

CS_TEST(core_change_rules__reserve_sets_its_fields_and_history)
{
	struct cs_nft cur = nft(CS_NFT_AVAILABLE), next;
	struct cs_nft_change ch = change(CS_NFT_RESERVED);
	struct cs_history h;

	ch.source = CS_SOURCE_USER;
	ch.reserved_by = "addr_b";
	ch.reserved_until = 8000;
	ch.sold_to = "ignored";
	ch.tx_hash = "ignored";
	ch.sold_at = 1;
	ch.detail = "why";
	ch.sync_log_id = 4;
	ch.webhook_event_id = 5;
	ASSERT_EQ(cs_change_plan(&ch, &cur, NOW, &next, &h), CS_CHANGE_WRITE);
	ASSERT_EQ(next.status, CS_NFT_RESERVED);
	ASSERT_STR_EQ(next.reserved_by, "addr_b");
	ASSERT_EQ(next.reserved_until, 8000);
	ASSERT_STR_EQ(next.claimed_by, "addr_b");
	/* Sale fields are not allowed on a reserved NFT. */
	ASSERT_TRUE(next.sold_to == NULL);
	ASSERT_TRUE(next.tx_hash == NULL);
	ASSERT_EQ(next.sold_at, 0);
	ASSERT_EQ(next.version, 4);
	ASSERT_EQ(next.last_modified_at, NOW);
	ASSERT_EQ(next.last_modified_by, CS_SOURCE_USER);
	ASSERT_EQ(next.last_synced_at, 50); /* not a sync */
	ASSERT_EQ(h.nft_id, 10);
	ASSERT_EQ(h.campaign_id, 1);
	ASSERT_EQ(h.old_status, CS_NFT_AVAILABLE);
	ASSERT_EQ(h.new_status, CS_NFT_RESERVED);
	ASSERT_EQ(h.source, CS_SOURCE_USER);
	ASSERT_EQ(h.changed_at, NOW);
	ASSERT_EQ(h.sync_log_id, 4);
	ASSERT_EQ(h.webhook_event_id, 5);
	ASSERT_STR_EQ(h.detail, "why");
}

CS_TEST(core_change_rules__available_clears_everything)
{
	struct cs_nft cur = nft(CS_NFT_SOLD), next;
	struct cs_nft_change ch = change(CS_NFT_AVAILABLE);
	struct cs_history h;

	ch.reserved_by = "ignored";
	ch.reserved_until = 1;
	ASSERT_EQ(cs_change_plan(&ch, &cur, NOW, &next, &h), CS_CHANGE_WRITE);
	ASSERT_EQ(next.status, CS_NFT_AVAILABLE);
	ASSERT_TRUE(next.reserved_by == NULL);
	ASSERT_EQ(next.reserved_until, 0);
	ASSERT_TRUE(next.sold_to == NULL);
	ASSERT_TRUE(next.tx_hash == NULL);
	ASSERT_EQ(next.sold_at, 0);
	ASSERT_TRUE(next.sold_at_raw == NULL);
	ASSERT_TRUE(next.claimed_by == NULL);
	ASSERT_EQ(h.old_status, CS_NFT_SOLD);
}

CS_TEST(core_change_rules__first_sale)
{
	struct cs_nft cur = nft(CS_NFT_RESERVED), next;
	struct cs_nft_change ch = change(CS_NFT_SOLD);
	struct cs_history h;

	/* No time given: now, and no raw text. */
	ch.sold_to = "addr_c";
	ch.tx_hash = "tx_new";
	ch.sold_at_raw = "ignored without sold_at";
	ASSERT_EQ(cs_change_plan(&ch, &cur, NOW, &next, &h), CS_CHANGE_WRITE);
	ASSERT_STR_EQ(next.sold_to, "addr_c");
	ASSERT_STR_EQ(next.tx_hash, "tx_new");
	ASSERT_EQ(next.sold_at, NOW);
	ASSERT_TRUE(next.sold_at_raw == NULL);
	/* The wallet that reserved it keeps its claim; the reservation goes. */
	ASSERT_STR_EQ(next.claimed_by, "addr_a");
	ASSERT_TRUE(next.reserved_by == NULL);
	ASSERT_EQ(next.reserved_until, 0);

	/* A time given comes with its text. */
	ch.sold_at = 600;
	ch.sold_at_raw = "raw";
	ASSERT_EQ(cs_change_plan(&ch, &cur, NOW, &next, &h), CS_CHANGE_WRITE);
	ASSERT_EQ(next.sold_at, 600);
	ASSERT_STR_EQ(next.sold_at_raw, "raw");

	/* Not sold before: no buyer or transaction given stays none. */
	ch = change(CS_NFT_SOLD);
	ASSERT_EQ(cs_change_plan(&ch, &cur, NOW, &next, &h), CS_CHANGE_WRITE);
	ASSERT_TRUE(next.sold_to == NULL);
	ASSERT_TRUE(next.tx_hash == NULL);
}

CS_TEST(core_change_rules__sold_again_keeps_the_sale)
{
	struct cs_nft cur = nft(CS_NFT_SOLD), next;
	struct cs_nft_change ch = change(CS_NFT_SOLD);
	struct cs_history h;

	/* Nothing new: the same row, so nothing to write. */
	ASSERT_EQ(cs_change_plan(&ch, &cur, NOW, &next, &h), CS_CHANGE_SAME);

	/* A later time does not move the recorded one, nor its text. */
	ch.sold_at = 900;
	ch.sold_at_raw = "later";
	ASSERT_EQ(cs_change_plan(&ch, &cur, NOW, &next, &h), CS_CHANGE_SAME);

	/* A buyer and transaction given replace the ones recorded. */
	ch.sold_to = "addr_d";
	ch.tx_hash = "tx_d";
	ASSERT_EQ(cs_change_plan(&ch, &cur, NOW, &next, &h), CS_CHANGE_WRITE);
	ASSERT_STR_EQ(next.sold_to, "addr_d");
	ASSERT_STR_EQ(next.tx_hash, "tx_d");
	ASSERT_EQ(next.sold_at, 700);
	ASSERT_STR_EQ(next.sold_at_raw, "2025-01-01T00:00:00");
	ASSERT_EQ(h.old_status, CS_NFT_SOLD);
	ASSERT_EQ(h.new_status, CS_NFT_SOLD);

	/* Sold with no time recorded: the time given is taken. */
	cur.sold_at = 0;
	cur.sold_at_raw = NULL;
	ch = change(CS_NFT_SOLD);
	ch.sold_at = 900;
	ch.sold_at_raw = "later";
	ASSERT_EQ(cs_change_plan(&ch, &cur, NOW, &next, &h), CS_CHANGE_WRITE);
	ASSERT_EQ(next.sold_at, 900);
	ASSERT_STR_EQ(next.sold_at_raw, "later");
	ASSERT_STR_EQ(next.sold_to, "addr_buyer");
	ASSERT_STR_EQ(next.tx_hash, "tx_old");
}

/* Each field that differs makes a write; none makes CS_CHANGE_SAME. */
CS_TEST(core_change_rules__same_is_field_by_field)
{
	struct cs_nft cur = nft(CS_NFT_RESERVED), next;
	struct cs_nft_change ch = change(CS_NFT_RESERVED);
	struct cs_history h;

	ch.reserved_by = "addr_a";
	ch.reserved_until = 9000;
	ASSERT_EQ(cs_change_plan(&ch, &cur, NOW, &next, &h), CS_CHANGE_SAME);
	ch.reserved_until = 9001;
	ASSERT_EQ(cs_change_plan(&ch, &cur, NOW, &next, &h), CS_CHANGE_WRITE);
	ch.reserved_until = 9000;
	ch.reserved_by = "addr_b";
	ASSERT_EQ(cs_change_plan(&ch, &cur, NOW, &next, &h), CS_CHANGE_WRITE);
	/* A claim that differs alone is a change too. */
	ch.reserved_by = "addr_a";
	cur.claimed_by = NULL;
	ASSERT_EQ(cs_change_plan(&ch, &cur, NOW, &next, &h), CS_CHANGE_WRITE);
	cur = nft(CS_NFT_AVAILABLE);
	ch = change(CS_NFT_AVAILABLE);
	ASSERT_EQ(cs_change_plan(&ch, &cur, NOW, &next, &h), CS_CHANGE_SAME);
}

CS_TEST(core_change_rules__sync_sources_stamp_last_synced)
{
	static const struct {
		enum cs_source source;
		bool sync;
	} sources[] = {
	    {CS_SOURCE_USER, false},
	    {CS_SOURCE_ADMIN, false},
	    {CS_SOURCE_WEBHOOK, false},
	    {CS_SOURCE_MANUAL_SYNC, true},
	    {CS_SOURCE_AUTO_SYNC, true},
	    {CS_SOURCE_BLOCKCHAIN, false},
	    {CS_SOURCE_EXPIRY, false},
	};
	struct cs_nft cur = nft(CS_NFT_AVAILABLE), next;
	struct cs_nft_change ch = change(CS_NFT_SOLD);
	struct cs_history h;
	size_t i;

	for (i = 0; i < sizeof(sources) / sizeof(sources[0]); i++) {
		ch.source = sources[i].source;
		ASSERT_EQ(cs_source_is_sync(ch.source), sources[i].sync);
		ASSERT_EQ(
		    cs_change_plan(&ch, &cur, NOW, &next, &h), CS_CHANGE_WRITE);
		ASSERT_EQ(next.last_synced_at, sources[i].sync ? NOW : 50);
		ASSERT_EQ(next.last_modified_by, sources[i].source);
	}
}
