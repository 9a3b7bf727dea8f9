/* SPDX-License-Identifier: MIT */
/* The rules of a change of one NFT; see change_rules.h. */
#include "core/change_rules.h"

#include <string.h>

#include "util/str.h"
#include "core/pure.h"

bool
cs_source_is_sync(enum cs_source s)
{
	return s == CS_SOURCE_MANUAL_SYNC || s == CS_SOURCE_AUTO_SYNC;
}

/* The fields the new status allows; the rest cleared. */
static void
plan_fields(const struct cs_nft_change *ch, const struct cs_nft *cur,
    int64_t now, struct cs_nft *next)
{
	bool was_sold = cur->status == CS_NFT_SOLD;

	next->status = ch->new_status;
	next->reserved_by = NULL;
	next->reserved_until = 0;
	next->sold_to = NULL;
	next->tx_hash = NULL;
	next->sold_at = 0;
	next->sold_at_raw = NULL;
	next->claimed_by = NULL;
	if (ch->new_status == CS_NFT_RESERVED) {
		next->reserved_by = CS_UNCONST(ch->reserved_by);
		next->reserved_until = ch->reserved_until;
		next->claimed_by = CS_UNCONST(ch->reserved_by);
	} else if (ch->new_status == CS_NFT_SOLD) {
		/* The wallet that reserved it here keeps its claim. */
		next->claimed_by = cur->claimed_by;
		next->sold_to = ch->sold_to != NULL ? CS_UNCONST(ch->sold_to)
		                : was_sold          ? cur->sold_to
		                                    : NULL;
		next->tx_hash = ch->tx_hash != NULL ? CS_UNCONST(ch->tx_hash)
		                : was_sold          ? cur->tx_hash
		                                    : NULL;
		/* A sale's time, once recorded, stays: the sync (NMKR's
		 * selldate) and the webhook (its SaleDate) would otherwise
		 * take turns rewriting it. */
		next->sold_at = was_sold && cur->sold_at != 0 ? cur->sold_at
		                : ch->sold_at != 0            ? ch->sold_at
		                                              : now;
		/* The text NMKR wrote goes with the time it was read as. */
		next->sold_at_raw =
		    was_sold && cur->sold_at != 0
		        ? cur->sold_at_raw
		        : (ch->sold_at != 0 ? CS_UNCONST(ch->sold_at_raw)
		                            : NULL);
	}
}

static bool
same_state(const struct cs_nft *a, const struct cs_nft *b)
{
	return a->status == b->status &&
	       cs_str_eq(a->reserved_by, b->reserved_by) &&
	       a->reserved_until == b->reserved_until &&
	       cs_str_eq(a->sold_to, b->sold_to) &&
	       cs_str_eq(a->tx_hash, b->tx_hash) && a->sold_at == b->sold_at &&
	       cs_str_eq(a->sold_at_raw, b->sold_at_raw) &&
	       cs_str_eq(a->claimed_by, b->claimed_by);
}

enum cs_change_verdict
cs_change_plan(const struct cs_nft_change *ch, const struct cs_nft *cur,
    int64_t now, struct cs_nft *next, struct cs_history *h)
{
	if (ch->campaign_id != 0 && cur->campaign_id != ch->campaign_id)
		return CS_CHANGE_OTHER_CAMPAIGN;
	if (ch->only_if_status >= 0 && (int)cur->status != ch->only_if_status)
		return CS_CHANGE_NOT_IN_STATUS;
	if (ch->expected_version >= 0 && cur->version != ch->expected_version)
		return CS_CHANGE_STALE;

	*next = *cur;
	plan_fields(ch, cur, now, next);
	if (same_state(next, cur))
		return CS_CHANGE_SAME;
	next->version = cur->version + 1;
	next->last_modified_at = now;
	next->last_modified_by = ch->source;
	if (cs_source_is_sync(ch->source))
		next->last_synced_at = now;

	memset(h, 0, sizeof(*h));
	h->nft_id = cur->id;
	h->campaign_id = cur->campaign_id;
	h->old_status = cur->status;
	h->new_status = next->status;
	h->source = ch->source;
	h->changed_at = now;
	h->sync_log_id = ch->sync_log_id;
	h->webhook_event_id = ch->webhook_event_id;
	h->detail = CS_UNCONST(ch->detail);
	return CS_CHANGE_WRITE;
}
