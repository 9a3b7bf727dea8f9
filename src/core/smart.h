/* SPDX-License-Identifier: MIT */
/*
 * The smart sync's decision (docs/internals/sync.md, "The smart mode"):
 * from NMKR's GetCounts, whether a sync may list every state but one and
 * infer that one for the NFTs not listed, and, once the lists are read,
 * whether the inference is exact. Pure: counts and numbers in, a verdict
 * out; anything it cannot prove is a full walk of `all`, with the reason.
 */
#ifndef CS_CORE_SMART_H
#define CS_CORE_SMART_H

#include <stdbool.h>
#include <stdint.h>

/* The states GetNfts lists one by one (docs/upstream.md §1.3). */
enum cs_smart_state {
	CS_SMART_FREE = 0,
	CS_SMART_RESERVED,
	CS_SMART_SOLD,
	CS_SMART_ERROR,
	CS_SMART_NSTATES
};

/* GetCounts as the decision needs it (docs/upstream.md §1.4). */
struct cs_smart_counts {
	int64_t total; /* nftTotal */
	int64_t state[CS_SMART_NSTATES];
	int64_t blocked;
	int64_t total_tokens;
	int64_t total_blocked;
	int64_t unknown_or_burned;
};

enum cs_smart_reason {
	CS_SMART_OK = 0,        /* smart, exact */
	CS_SMART_ASKED_FULL,    /* --full, ?full=1 */
	CS_SMART_POLICY_FULL,   /* every Nth sync or once a day */
	CS_SMART_MULTI_SUPPLY,  /* counts count tokens, not NFTs */
	CS_SMART_BLOCKED,       /* blocked NFTs are listed only under all */
	CS_SMART_UNKNOWN_STATE, /* unknownOrBurnedState > 0 */
	CS_SMART_UNCOUNTED,     /* the states do not add up to nftTotal */
	CS_SMART_NOT_CHEAPER,   /* the lists cost as much as the walk */
	CS_SMART_TOTAL_DIFFERS, /* nftTotal is not our number of NFTs */
	CS_SMART_COUNTS_MOVED, /* GetCounts changed while the lists were read */
	CS_SMART_LIST_SHORT,   /* a list does not hold its count */
	CS_SMART_UNKNOWN_UID,  /* a listed uid is not in the inventory */
	CS_SMART_ASSET_TO_LEARN /* an inferred NFT has no asset id here */
};

/** A sentence for the report ("blocked NFTs are listed only under all"). */
const char *cs_smart_reason_text(enum cs_smart_reason r);

/** The word for the report and the metrics: "ok", "asked", "blocked"... */
const char *cs_smart_reason_name(enum cs_smart_reason r);

/** GetNfts' word for a state: "free", "reserved", "sold", "error". */
const char *cs_smart_state_name(enum cs_smart_state s);

/* What the counts allow, before any list is read. */
struct cs_smart_plan {
	bool smart;
	enum cs_smart_reason reason;
	enum cs_smart_state infer; /* the state not listed */
	bool list[CS_SMART_NSTATES];
	int64_t requests_smart; /* lists' pages and a second GetCounts */
	int64_t requests_full;  /* the walk's pages */
};

/**
 * Whether counts let a sync list all states but one. Only free or reserved
 * is inferred, the larger: an NFT inferred carries nothing but its state,
 * and a sold one's sale date and mint transaction come only from a list.
 * The smart mode is chosen only when it sends fewer requests than the
 * walk of `all` in pages of page_size, unless any_size.
 */
void cs_smart_plan_build(struct cs_smart_plan *out,
    const struct cs_smart_counts *counts, int page_size, bool any_size);

/* What the lists found, to judge the inference by. */
struct cs_smart_seen {
	int64_t listed[CS_SMART_NSTATES]; /* distinct uids each list held */
	bool ordered[CS_SMART_NSTATES];   /* its pages fit (ids rise) */
	int64_t local;        /* NFTs of the campaign in the inventory */
	int64_t unknown_uids; /* listed uids the inventory lacks */
	int64_t inferred_without_asset; /* unlisted local NFTs with no
	                                 * asset id (a walk would learn it) */
};

/**
 * Whether the inference is exact: before are the counts the plan was made
 * from, after GetCounts asked again once every list was read.
 *
 * @return CS_SMART_OK, or the first condition that fails
 */
enum cs_smart_reason cs_smart_check(const struct cs_smart_plan *plan,
    const struct cs_smart_counts *before, const struct cs_smart_counts *after,
    const struct cs_smart_seen *seen);

#endif
