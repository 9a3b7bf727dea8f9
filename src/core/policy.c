/* SPDX-License-Identifier: MIT */
/*
 * The sync policy (docs/product.md "The sync", step 5): remote sold always
 * wins; local sold is never downgraded automatically; a live local reservation
 * is kept against a remote free; a recent change by a higher-priority source is
 * kept against a possibly stale NMKR answer (its results are cached 20 s);
 * a sale a webhook just recorded is not judged against such an answer at
 * all (deferred); NMKR states with no local meaning are flagged, never
 * applied.
 */
#include "core/reconcile.h"

#include "core/pure.h"

int
cs_policy_rank(enum cs_source s)
{
	switch (s) {
	case CS_SOURCE_BLOCKCHAIN:
		return 4;
	case CS_SOURCE_WEBHOOK:
	case CS_SOURCE_ADMIN:
		return 3;
	case CS_SOURCE_MANUAL_SYNC:
	case CS_SOURCE_AUTO_SYNC:
		return 2;
	case CS_SOURCE_USER:
	case CS_SOURCE_EXPIRY:
		return 1;
	}
	return 0;
}

static bool
recent(const struct cs_local_nft *l, const struct cs_plan_opts *o)
{
	return o->now - l->last_modified_at < o->grace_ms;
}

static void
verdict(struct cs_verdict *out, enum cs_decision d, enum cs_nft_status s,
    const char *reason)
{
	out->issue = CS_ISSUE_STATUS_MISMATCH;
	out->decision = d;
	out->new_status = s;
	out->reserved_until = 0;
	out->reason = reason;
}

bool
cs_policy_decide(const struct cs_local_nft *l, enum cs_remote_state r,
    const struct cs_plan_opts *o, struct cs_verdict *out)
{
	enum cs_nft_status want;

	switch (r) {
	case CS_REMOTE_FREE:
		want = CS_NFT_AVAILABLE;
		break;
	case CS_REMOTE_RESERVED:
		want = CS_NFT_RESERVED;
		break;
	case CS_REMOTE_SOLD:
		want = CS_NFT_SOLD;
		break;
	default:
		verdict(out, CS_DECIDE_REPORT, l->status,
		    "NMKR state with no local meaning: flagged, not applied");
		out->issue = CS_ISSUE_UNSUPPORTED_STATE;
		return true;
	}
	if (want == l->status)
		return false;

	if (want == CS_NFT_SOLD) {
		verdict(out, CS_DECIDE_APPLY, CS_NFT_SOLD,
		    "sold in NMKR: a sale always wins");
		return true;
	}
	if (l->status == CS_NFT_SOLD &&
	    l->last_modified_by == CS_SOURCE_WEBHOOK &&
	    o->now - l->last_modified_at < o->webhook_grace_ms) {
		/* NMKR sent the webhook as the sale confirmed, but GetNfts may
		 * answer from its cache (20 s) for a while yet: a review item
		 * now would be a false alarm. The next sync judges it. */
		verdict(out, CS_DECIDE_DEFER, CS_NFT_SOLD,
		    "sold by a webhook moments ago; NMKR's list may be a "
		    "cached answer from before the sale: deferred to the next "
		    "sync");
		return true;
	}
	if (l->status == CS_NFT_SOLD) {
		verdict(out, CS_DECIDE_REVIEW, CS_NFT_SOLD,
		    "sold here but not in NMKR: never downgraded "
		    "automatically, sent to the review queue");
		return true;
	}
	if (l->status == CS_NFT_RESERVED && want == CS_NFT_AVAILABLE) {
		if (l->reserved_until > o->now || recent(l, o)) {
			verdict(out, CS_DECIDE_KEEP, CS_NFT_RESERVED,
			    "live local reservation kept although NMKR shows "
			    "the NFT free");
			return true;
		}
		verdict(out, CS_DECIDE_APPLY, CS_NFT_AVAILABLE,
		    "reservation expired and NMKR shows the NFT free");
		return true;
	}
	/* Local available, NMKR reserved: someone is paying in NMKR Pay,
	 * unless a higher source just freed it and NMKR's answer is stale.
	 * Version 1 is a row as imported: nobody has decided anything. */
	if (l->version > 1 && recent(l, o) &&
	    cs_policy_rank(l->last_modified_by) > cs_policy_rank(o->source)) {
		verdict(out, CS_DECIDE_KEEP, CS_NFT_AVAILABLE,
		    "recent change by a higher-priority source kept against "
		    "NMKR's possibly cached answer");
		return true;
	}
	verdict(out, CS_DECIDE_APPLY, CS_NFT_RESERVED,
	    "reserved in NMKR (a payment is under way)");
	out->reserved_until = o->now + (int64_t)o->reservation_minutes * 60000;
	return true;
}
