/* SPDX-License-Identifier: MIT */
/* Unit tests of the reservation policy (core/reserve_rules.c). */
#include "test.h"

#include <string.h>

#include "core/reserve_rules.h"

#define NOW 1000000
#define T true
#define F false

/*
 * One row per branch of cs_reserve_decide(): the facts read so far and the
 * step it must ask for (with the refusal's outcome).
 */
static const struct {
	const char *name;
	enum cs_campaign_status status;
	int64_t start_date, end_date;
	bool has_allowlist, allow_multiple;
	bool listed_read, listed, held_read;
	int64_t held;
	bool pick_read, available;
	enum cs_reserve_step want;
	enum cs_reserve_outcome outcome;
} table[] = {
    {"inactive", CS_CAMPAIGN_INACTIVE, 0, 0, F, T, F, F, F, 0, F, F,
        CS_RESERVE_REFUSE, CS_RESERVE_INACTIVE},
    /* Inactive wins over every later fact. */
    {"inactive_even_if_all_else_holds", CS_CAMPAIGN_INACTIVE, 0, 0, T, F, T, T,
        T, 0, T, T, CS_RESERVE_REFUSE, CS_RESERVE_INACTIVE},
    {"before_start", CS_CAMPAIGN_ACTIVE, NOW + 1, 0, F, T, F, F, F, 0, F, F,
        CS_RESERVE_REFUSE, CS_RESERVE_INACTIVE},
    {"after_end", CS_CAMPAIGN_ACTIVE, 0, NOW - 1, F, T, F, F, F, 0, F, F,
        CS_RESERVE_REFUSE, CS_RESERVE_INACTIVE},
    /* The window includes both of its ends. */
    {"at_start", CS_CAMPAIGN_ACTIVE, NOW, 0, F, T, F, F, F, 0, F, F,
        CS_RESERVE_READ_PICK, CS_RESERVE_OK},
    {"at_end", CS_CAMPAIGN_ACTIVE, 0, NOW, F, T, F, F, F, 0, F, F,
        CS_RESERVE_READ_PICK, CS_RESERVE_OK},
    {"inside_window", CS_CAMPAIGN_ACTIVE, NOW - 5, NOW + 5, F, T, F, F, F, 0, F,
        F, CS_RESERVE_READ_PICK, CS_RESERVE_OK},
    {"allowlist_unread", CS_CAMPAIGN_ACTIVE, 0, 0, T, T, F, F, F, 0, F, F,
        CS_RESERVE_READ_LISTED, CS_RESERVE_OK},
    {"not_listed", CS_CAMPAIGN_ACTIVE, 0, 0, T, T, T, F, F, 0, F, F,
        CS_RESERVE_REFUSE, CS_RESERVE_NOT_ELIGIBLE},
    {"listed", CS_CAMPAIGN_ACTIVE, 0, 0, T, T, T, T, F, 0, F, F,
        CS_RESERVE_READ_PICK, CS_RESERVE_OK},
    /* Without an allow-list, listed is never asked nor looked at. */
    {"no_allowlist_ignores_listed", CS_CAMPAIGN_ACTIVE, 0, 0, F, T, T, F, F, 0,
        F, F, CS_RESERVE_READ_PICK, CS_RESERVE_OK},
    {"one_per_wallet_unread", CS_CAMPAIGN_ACTIVE, 0, 0, F, F, F, F, F, 0, F, F,
        CS_RESERVE_READ_HELD, CS_RESERVE_OK},
    {"one_per_wallet_holds", CS_CAMPAIGN_ACTIVE, 0, 0, F, F, F, F, T, 1, F, F,
        CS_RESERVE_REFUSE, CS_RESERVE_WALLET_LIMIT},
    {"one_per_wallet_free", CS_CAMPAIGN_ACTIVE, 0, 0, F, F, F, F, T, 0, F, F,
        CS_RESERVE_READ_PICK, CS_RESERVE_OK},
    /* allow_multiple: what the wallet holds does not count. */
    {"multiple_ignores_held", CS_CAMPAIGN_ACTIVE, 0, 0, F, T, F, F, T, 3, F, F,
        CS_RESERVE_READ_PICK, CS_RESERVE_OK},
    /* The allow-list is asked before the holdings. */
    {"allowlist_before_held", CS_CAMPAIGN_ACTIVE, 0, 0, T, F, F, F, F, 0, F, F,
        CS_RESERVE_READ_LISTED, CS_RESERVE_OK},
    {"listed_then_held", CS_CAMPAIGN_ACTIVE, 0, 0, T, F, T, T, F, 0, F, F,
        CS_RESERVE_READ_HELD, CS_RESERVE_OK},
    {"sold_out", CS_CAMPAIGN_ACTIVE, 0, 0, F, T, F, F, F, 0, T, F,
        CS_RESERVE_REFUSE, CS_RESERVE_SOLD_OUT},
    {"take", CS_CAMPAIGN_ACTIVE, 0, 0, F, T, F, F, F, 0, T, T, CS_RESERVE_TAKE,
        CS_RESERVE_OK},
    {"take_after_every_check", CS_CAMPAIGN_ACTIVE, NOW - 1, NOW + 1, T, F, T, T,
        T, 0, T, T, CS_RESERVE_TAKE, CS_RESERVE_OK},
};

CS_TEST(core_reserve_rules__every_branch)
{
	struct cs_reserve_facts f = CS_RESERVE_FACTS_INIT;
	struct cs_reserve_decision d;
	size_t i;

	for (i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		f.now = NOW;
		f.status = table[i].status;
		f.start_date = table[i].start_date;
		f.end_date = table[i].end_date;
		f.has_allowlist = table[i].has_allowlist;
		f.allow_multiple = table[i].allow_multiple;
		f.listed_read = table[i].listed_read;
		f.listed = table[i].listed;
		f.held_read = table[i].held_read;
		f.held = table[i].held;
		f.pick_read = table[i].pick_read;
		f.available = table[i].available;
		d = cs_reserve_decide(&f);
		if (d.step != table[i].want || d.outcome != table[i].outcome)
			cs_test_fail(__FILE__, __LINE__,
			    "%s: got step %d outcome %d, want %d %d",
			    table[i].name, (int)d.step, (int)d.outcome,
			    (int)table[i].want, (int)table[i].outcome);
		/* A refusal says why; no other step has a reason. */
		if ((d.step == CS_RESERVE_REFUSE) != (d.reason != NULL))
			cs_test_fail(__FILE__, __LINE__, "%s: reason %s",
			    table[i].name, d.reason ? d.reason : "(none)");
	}
}

CS_TEST(core_reserve_rules__reasons)
{
	struct cs_reserve_facts f = CS_RESERVE_FACTS_INIT;

	f.now = NOW;
	f.allow_multiple = true;
	f.status = CS_CAMPAIGN_INACTIVE;
	ASSERT_STR_EQ(
	    cs_reserve_decide(&f).reason, "the campaign is not active");
	f.status = CS_CAMPAIGN_ACTIVE;
	f.end_date = NOW - 1;
	ASSERT_STR_EQ(cs_reserve_decide(&f).reason,
	    "the campaign is outside its sale dates");
	f.end_date = 0;
	f.has_allowlist = true;
	f.listed_read = true;
	ASSERT_STR_CONTAINS(cs_reserve_decide(&f).reason, "allow-list");
	f.has_allowlist = false;
	f.allow_multiple = false;
	f.held_read = true;
	f.held = 1;
	ASSERT_STR_CONTAINS(cs_reserve_decide(&f).reason, "already holds");
	f.held = 0;
	f.pick_read = true;
	ASSERT_STR_CONTAINS(cs_reserve_decide(&f).reason, "sold out");
}

/* Asking and answering in turn ends, after at most three reads. */
CS_TEST(core_reserve_rules__reads_end)
{
	struct cs_reserve_facts f = CS_RESERVE_FACTS_INIT;
	struct cs_reserve_decision d;
	int reads = 0;

	f.now = NOW;
	f.has_allowlist = true;
	for (d = cs_reserve_decide(&f);
	     d.step != CS_RESERVE_TAKE && d.step != CS_RESERVE_REFUSE;
	     d = cs_reserve_decide(&f)) {
		ASSERT_LT(reads, 3);
		reads++;
		if (d.step == CS_RESERVE_READ_LISTED) {
			f.listed_read = true;
			f.listed = true;
		} else if (d.step == CS_RESERVE_READ_HELD) {
			f.held_read = true;
		} else {
			f.pick_read = true;
			f.available = true;
		}
	}
	ASSERT_EQ(d.step, CS_RESERVE_TAKE);
	ASSERT_EQ(reads, 3);
}

CS_TEST(core_reserve_rules__change)
{
	struct cs_nft pick;
	struct cs_nft_change ch;

	memset(&pick, 0, sizeof(pick));
	pick.id = 42;
	pick.version = 7;
	cs_reserve_change(&ch, &pick, "addr_test1xyz", 15, NOW);
	ASSERT_EQ(ch.nft_id, 42);
	ASSERT_TRUE(ch.nft_uid == NULL);
	ASSERT_EQ(ch.expected_version, 7);
	ASSERT_EQ(ch.only_if_status, -1);
	ASSERT_EQ(ch.campaign_id, 0);
	ASSERT_EQ(ch.new_status, CS_NFT_RESERVED);
	ASSERT_EQ(ch.source, CS_SOURCE_USER);
	ASSERT_STR_EQ(ch.reserved_by, "addr_test1xyz");
	ASSERT_EQ(ch.reserved_until, NOW + 15 * 60 * 1000);
	ASSERT_STR_EQ(ch.detail, "reserved for a wallet");
}

CS_TEST(core_reserve_rules__outcome_names)
{
	ASSERT_STR_EQ(cs_reserve_outcome_name(CS_RESERVE_OK), "reserved");
	ASSERT_STR_EQ(cs_reserve_outcome_name(CS_RESERVE_SOLD_OUT), "sold_out");
	ASSERT_STR_EQ(
	    cs_reserve_outcome_name(CS_RESERVE_NOT_ELIGIBLE), "not_eligible");
	ASSERT_STR_EQ(
	    cs_reserve_outcome_name(CS_RESERVE_WALLET_LIMIT), "wallet_limit");
	ASSERT_STR_EQ(
	    cs_reserve_outcome_name(CS_RESERVE_INACTIVE), "campaign_inactive");
	ASSERT_STR_EQ(
	    cs_reserve_outcome_name((enum cs_reserve_outcome)99), "?");
}
