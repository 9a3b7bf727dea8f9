/* SPDX-License-Identifier: MIT */
/* Table tests of the smart sync's decision (core/smart.c). */
#include "test.h"

#include <string.h>

#include "core/smart.h"

/* free, reserved, sold, error; blocked, unknownOrBurned; totalTokens
 * (-1: as nftTotal); want */
static const struct {
	int64_t st[CS_SMART_NSTATES];
	int64_t blocked, burned, tokens, total_blocked;
	bool any_size;
	enum cs_smart_reason want;
	enum cs_smart_state infer;
} plans[] = {
    /* a new campaign: mostly free; lists sold, reserved, error */
    {{98000, 30, 1970, 0}, 0, 0, -1, 0, false, CS_SMART_OK, CS_SMART_FREE},
    /* mostly reserved (a drop in progress) */
    {{10, 9000, 500, 0}, 0, 0, -1, 0, false, CS_SMART_OK, CS_SMART_RESERVED},
    /* sold out: sold is never inferred, and free is too small to save */
    {{10, 0, 99990, 0}, 0, 0, -1, 0, false, CS_SMART_NOT_CHEAPER,
        CS_SMART_FREE},
    {{900, 10, 90, 0}, 1, 0, -1, 0, false, CS_SMART_BLOCKED, CS_SMART_FREE},
    {{900, 10, 90, 0}, 0, 0, -1, 3, false, CS_SMART_BLOCKED, CS_SMART_FREE},
    {{900, 10, 89, 0}, 0, 1, -1, 0, false, CS_SMART_UNKNOWN_STATE,
        CS_SMART_FREE},
    {{900, 10, 90, 0}, 0, 0, 5000, 0, false, CS_SMART_MULTI_SUPPLY,
        CS_SMART_FREE},
    /* small: one page of all beats four lists, unless any size */
    {{40, 1, 1, 0}, 0, 0, -1, 0, false, CS_SMART_NOT_CHEAPER, CS_SMART_FREE},
    {{40, 1, 1, 0}, 0, 0, -1, 0, true, CS_SMART_OK, CS_SMART_FREE},
};

static void
counts_of(struct cs_smart_counts *c, size_t i)
{
	int s;

	memset(c, 0, sizeof(*c));
	for (s = 0; s < CS_SMART_NSTATES; s++) {
		c->state[s] = plans[i].st[s];
		c->total += plans[i].st[s];
	}
	c->total += plans[i].blocked + plans[i].burned + plans[i].total_blocked;
	c->blocked = plans[i].blocked;
	c->unknown_or_burned = plans[i].burned;
	c->total_blocked = plans[i].total_blocked;
	c->total_tokens = plans[i].tokens < 0 ? c->total : plans[i].tokens;
}

CS_TEST(core_smart__plans)
{
	struct cs_smart_counts c;
	struct cs_smart_plan p;
	size_t i;

	for (i = 0; i < sizeof(plans) / sizeof(plans[0]); i++) {
		counts_of(&c, i);
		cs_smart_plan_build(&p, &c, 50, plans[i].any_size);
		if (p.reason != plans[i].want)
			cs_test_fail(__FILE__, __LINE__,
			    "case %zu: %s, want %s", i,
			    cs_smart_reason_name(p.reason),
			    cs_smart_reason_name(plans[i].want));
		ASSERT_EQ(p.smart, plans[i].want == CS_SMART_OK);
		ASSERT_EQ(p.infer, plans[i].infer);
		ASSERT_TRUE(!p.list[p.infer]);
	}
}

CS_TEST(core_smart__the_bench_case_costs_under_100_requests)
{
	struct cs_smart_counts c;
	struct cs_smart_plan p;

	counts_of(&c, 0);
	cs_smart_plan_build(&p, &c, 50, false);
	/* 1,970 sold: 40 pages; 30 reserved: 1; error: 1; GetCounts: 1 */
	ASSERT_EQ(p.requests_smart, 43);
	ASSERT_EQ(p.requests_full, 2001);
}

/* The checks after the lists, one failing condition at a time. */
CS_TEST(core_smart__checks)
{
	struct cs_smart_counts before, after;
	struct cs_smart_seen seen, ok;
	struct cs_smart_plan p;
	int s;

	counts_of(&before, 1); /* reserved inferred */
	cs_smart_plan_build(&p, &before, 50, false);
	ASSERT_TRUE(p.smart);
	memset(&ok, 0, sizeof(ok));
	for (s = 0; s < CS_SMART_NSTATES; s++) {
		ok.listed[s] = p.list[s] ? before.state[s] : 0;
		ok.ordered[s] = true;
	}
	ok.local = before.total;
	after = before;
	ASSERT_EQ(cs_smart_check(&p, &before, &after, &ok), CS_SMART_OK);

	after.state[CS_SMART_SOLD]++;
	after.state[CS_SMART_RESERVED]--;
	ASSERT_EQ(
	    cs_smart_check(&p, &before, &after, &ok), CS_SMART_COUNTS_MOVED);
	after = before;
	seen = ok;
	seen.local--;
	ASSERT_EQ(
	    cs_smart_check(&p, &before, &after, &seen), CS_SMART_TOTAL_DIFFERS);
	seen = ok;
	seen.listed[CS_SMART_SOLD]--;
	ASSERT_EQ(
	    cs_smart_check(&p, &before, &after, &seen), CS_SMART_LIST_SHORT);
	seen = ok;
	seen.ordered[CS_SMART_FREE] = false;
	ASSERT_EQ(
	    cs_smart_check(&p, &before, &after, &seen), CS_SMART_LIST_SHORT);
	seen = ok;
	seen.ordered[CS_SMART_RESERVED] = false; /* not listed: not judged */
	ASSERT_EQ(cs_smart_check(&p, &before, &after, &seen), CS_SMART_OK);
	seen = ok;
	seen.unknown_uids = 1;
	ASSERT_EQ(
	    cs_smart_check(&p, &before, &after, &seen), CS_SMART_UNKNOWN_UID);
	seen = ok;
	seen.inferred_without_asset = 2;
	ASSERT_EQ(cs_smart_check(&p, &before, &after, &seen),
	    CS_SMART_ASSET_TO_LEARN);
	/* A plan that said no keeps its reason. */
	counts_of(&before, 3);
	cs_smart_plan_build(&p, &before, 50, false);
	ASSERT_EQ(cs_smart_check(&p, &before, &before, &ok), CS_SMART_BLOCKED);
}
