/* SPDX-License-Identifier: MIT */
/*
 * The rules of a change of one NFT, decided from the row as read and the
 * change asked for: whether it applies (campaign, only_if_status, expected
 * version), which fields the new status keeps, whether anything changes at
 * all, and the history row. Pure: the store reads the row, calls
 * cs_change_plan() and writes what it says, compare-and-set.
 */
#ifndef CS_CORE_CHANGE_RULES_H
#define CS_CORE_CHANGE_RULES_H

#include <stdbool.h>
#include <stdint.h>

#include "core/model.h"

/*
 * A change of one NFT. Fields that the new status does not allow are cleared
 * whatever is passed (reserved_* unless reserved, sold fields unless sold).
 */
struct cs_nft_change {
	int64_t nft_id; /* or 0 and nft_uid */
	const char *nft_uid;
	int64_t campaign_id;      /* if not 0, the NFT must belong to it */
	int64_t expected_version; /* compare-and-set; -1 to skip the check */
	int only_if_status;       /* an enum cs_nft_status the NFT must be in,
	                             or -1; otherwise the change is a no-op */
	enum cs_nft_status new_status;
	enum cs_source source;
	const char *reserved_by;
	int64_t reserved_until;
	const char *sold_to;
	const char *tx_hash;
	int64_t sold_at;          /* 0: now, when the change makes it sold */
	const char *detail;       /* kept in the history row */
	int64_t sync_log_id;      /* cause, 0 if none */
	int64_t webhook_event_id; /* cause, 0 if none */
	/* sold_at as NMKR wrote it, kept with it (a sale's recorded time
	 * stays, and its text with it); NULL if none. */
	const char *sold_at_raw;
};

#define CS_NFT_CHANGE_INIT                                                     \
	{                                                                      \
		0, NULL, 0, -1, -1, CS_NFT_AVAILABLE, CS_SOURCE_ADMIN, NULL,   \
		    0, NULL, NULL, 0, NULL, 0, 0, NULL                         \
	}

/* What cs_change_plan() decided, in the order it checks. */
enum cs_change_verdict {
	CS_CHANGE_WRITE = 0,      /* write next and its history row */
	CS_CHANGE_OTHER_CAMPAIGN, /* the NFT is not in ch->campaign_id */
	CS_CHANGE_NOT_IN_STATUS,  /* not in ch->only_if_status: a no-op */
	CS_CHANGE_STALE,          /* version is not ch->expected_version */
	CS_CHANGE_SAME,           /* the change would alter nothing */
};

/** Whether a change by s is one of the sync's (it sets last_synced_at). */
bool cs_source_is_sync(enum cs_source s);

/**
 * Plan the change ch of the NFT cur at time now.
 *
 * With CS_CHANGE_WRITE, next is the row to write (version + 1) and h its
 * history row; otherwise neither is meaningful. The new status keeps only
 * the fields it allows: a reservation its wallet and end (and the claim),
 * a sale its buyer, transaction and time, where a sale's recorded time
 * (and its raw text) stays once written and the claim of the wallet that
 * reserved it is kept; every other status clears them.
 *
 * @param next out; its strings are borrowed from cur and ch
 * @param h out; detail is borrowed from ch
 */
enum cs_change_verdict cs_change_plan(const struct cs_nft_change *ch,
    const struct cs_nft *cur, int64_t now, struct cs_nft *next,
    struct cs_history *h);

#endif
