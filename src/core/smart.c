/* SPDX-License-Identifier: MIT */
/*
 * The smart sync's decision: see smart.h and docs/internals/sync.md ("The
 * smart mode") for why each condition is needed.
 */
#include "core/smart.h"

#include <string.h>

#include "core/pure.h"
#include "util/banned.h"

static const char *const state_names[CS_SMART_NSTATES] = {
    "free", "reserved", "sold", "error"};

static const struct {
	const char *name;
	const char *text;
} reasons[] = {
    [CS_SMART_OK] = {"ok", "the counts allow an exact inference"},
    [CS_SMART_ASKED_FULL] = {"asked", "a full walk was asked for"},
    [CS_SMART_POLICY_FULL] = {"policy",
        "a full walk is due (CS_SYNC_FULL_EVERY, CS_SYNC_FULL_HOURS)"},
    [CS_SMART_MULTI_SUPPLY] = {"multi_supply",
        "the project counts tokens, not NFTs (totalTokens is not "
        "nftTotal)"},
    [CS_SMART_BLOCKED] = {"blocked", "blocked NFTs are listed only under all"},
    [CS_SMART_UNKNOWN_STATE] = {"unknown_state",
        "NFTs in an unknown or burned state (unknownOrBurnedState)"},
    [CS_SMART_UNCOUNTED] = {"uncounted",
        "GetCounts' states do not add up to nftTotal"},
    [CS_SMART_NOT_CHEAPER] = {"not_cheaper",
        "the state lists would cost as many requests as the walk"},
    [CS_SMART_TOTAL_DIFFERS] = {"total_differs",
        "NMKR's nftTotal is not the inventory's number of NFTs"},
    [CS_SMART_COUNTS_MOVED] = {"counts_moved",
        "GetCounts changed while the lists were read"},
    [CS_SMART_LIST_SHORT] = {"list_moved",
        "a state's list did not hold its count or moved while read"},
    [CS_SMART_UNKNOWN_UID] = {"unknown_uid",
        "a listed NFT is not in the inventory"},
    [CS_SMART_ASSET_TO_LEARN] = {"asset_to_learn",
        "an NFT to infer has no asset id here (a walk learns it)"},
};

const char *
cs_smart_reason_text(enum cs_smart_reason r)
{
	return (unsigned)r < sizeof(reasons) / sizeof(reasons[0])
	           ? reasons[r].text
	           : "?";
}

const char *
cs_smart_reason_name(enum cs_smart_reason r)
{
	return (unsigned)r < sizeof(reasons) / sizeof(reasons[0])
	           ? reasons[r].name
	           : "?";
}

const char *
cs_smart_state_name(enum cs_smart_state s)
{
	return (unsigned)s < CS_SMART_NSTATES ? state_names[s] : "?";
}

/* A list's requests: its pages, and one more when the last is full (a
 * short page ends a list, so an exact multiple asks for an empty one). */
static int64_t
list_requests(int64_t n, int page_size)
{
	return n / page_size + 1;
}

void
cs_smart_plan_build(struct cs_smart_plan *out, const struct cs_smart_counts *c,
    int page_size, bool any_size)
{
	int64_t sum = 0;
	int s;

	memset(out, 0, sizeof(*out));
	if (page_size < 1)
		page_size = 1;
	out->requests_full = list_requests(c->total, page_size);
	out->infer = c->state[CS_SMART_RESERVED] > c->state[CS_SMART_FREE]
	                 ? CS_SMART_RESERVED
	                 : CS_SMART_FREE;
	out->requests_smart = 1; /* GetCounts after the lists */
	for (s = 0; s < CS_SMART_NSTATES; s++) {
		sum += c->state[s];
		out->list[s] = s != (int)out->infer;
		if (out->list[s])
			out->requests_smart +=
			    list_requests(c->state[s], page_size);
	}
	if (c->total_tokens != c->total)
		out->reason = CS_SMART_MULTI_SUPPLY;
	else if (c->blocked != 0 || c->total_blocked != 0)
		out->reason = CS_SMART_BLOCKED;
	else if (c->unknown_or_burned != 0)
		out->reason = CS_SMART_UNKNOWN_STATE;
	else if (sum != c->total)
		out->reason = CS_SMART_UNCOUNTED;
	else if (!any_size && out->requests_smart >= out->requests_full)
		out->reason = CS_SMART_NOT_CHEAPER;
	else
		out->reason = CS_SMART_OK;
	out->smart = out->reason == CS_SMART_OK;
}

static bool
same_counts(const struct cs_smart_counts *a, const struct cs_smart_counts *b)
{
	int s;

	if (a->total != b->total || a->blocked != b->blocked ||
	    a->total_tokens != b->total_tokens ||
	    a->total_blocked != b->total_blocked ||
	    a->unknown_or_burned != b->unknown_or_burned)
		return false;
	for (s = 0; s < CS_SMART_NSTATES; s++) {
		if (a->state[s] != b->state[s])
			return false;
	}
	return true;
}

enum cs_smart_reason
cs_smart_check(const struct cs_smart_plan *plan,
    const struct cs_smart_counts *before, const struct cs_smart_counts *after,
    const struct cs_smart_seen *seen)
{
	int s;

	if (!plan->smart)
		return plan->reason;
	if (!same_counts(before, after))
		return CS_SMART_COUNTS_MOVED;
	if (before->total != seen->local)
		return CS_SMART_TOTAL_DIFFERS;
	for (s = 0; s < CS_SMART_NSTATES; s++) {
		if (plan->list[s] &&
		    (seen->listed[s] != before->state[s] || !seen->ordered[s]))
			return CS_SMART_LIST_SHORT;
	}
	if (seen->unknown_uids != 0)
		return CS_SMART_UNKNOWN_UID;
	if (seen->inferred_without_asset != 0)
		return CS_SMART_ASSET_TO_LEARN;
	return CS_SMART_OK;
}
