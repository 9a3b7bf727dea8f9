/* SPDX-License-Identifier: MIT */
/* The reservation policy; see reserve_rules.h. */
#include "core/reserve_rules.h"

#include <stddef.h>

#include "core/pure.h"

const char *
cs_reserve_outcome_name(enum cs_reserve_outcome o)
{
	switch (o) {
	case CS_RESERVE_OK:
		return "reserved";
	case CS_RESERVE_SOLD_OUT:
		return "sold_out";
	case CS_RESERVE_NOT_ELIGIBLE:
		return "not_eligible";
	case CS_RESERVE_WALLET_LIMIT:
		return "wallet_limit";
	case CS_RESERVE_INACTIVE:
		return "campaign_inactive";
	}
	return "?";
}

static struct cs_reserve_decision
step(enum cs_reserve_step s)
{
	struct cs_reserve_decision d = {s, CS_RESERVE_OK, NULL};

	return d;
}

static struct cs_reserve_decision
refuse(enum cs_reserve_outcome o, const char *reason)
{
	struct cs_reserve_decision d = {CS_RESERVE_REFUSE, o, reason};

	return d;
}

struct cs_reserve_decision
cs_reserve_decide(const struct cs_reserve_facts *f)
{
	if (f->status != CS_CAMPAIGN_ACTIVE)
		return refuse(
		    CS_RESERVE_INACTIVE, "the campaign is not active");
	if ((f->start_date != 0 && f->now < f->start_date) ||
	    (f->end_date != 0 && f->now > f->end_date))
		return refuse(CS_RESERVE_INACTIVE,
		    "the campaign is outside its sale dates");
	if (f->has_allowlist && !f->listed_read)
		return step(CS_RESERVE_READ_LISTED);
	if (f->has_allowlist && !f->listed)
		return refuse(CS_RESERVE_NOT_ELIGIBLE,
		    "this wallet is not on the campaign's allow-list");
	if (!f->allow_multiple && !f->held_read)
		return step(CS_RESERVE_READ_HELD);
	if (!f->allow_multiple && f->held > 0)
		return refuse(CS_RESERVE_WALLET_LIMIT,
		    "this wallet already holds an NFT of the campaign");
	if (!f->pick_read)
		return step(CS_RESERVE_READ_PICK);
	if (!f->available)
		return refuse(CS_RESERVE_SOLD_OUT,
		    "sold out: no NFT of the campaign is available");
	return step(CS_RESERVE_TAKE);
}

void
cs_reserve_change(struct cs_nft_change *out, const struct cs_nft *pick,
    const char *wallet, int minutes, int64_t now)
{
	struct cs_nft_change ch = CS_NFT_CHANGE_INIT;

	ch.nft_id = pick->id;
	ch.expected_version = pick->version;
	ch.new_status = CS_NFT_RESERVED;
	ch.source = CS_SOURCE_USER;
	ch.reserved_by = wallet;
	ch.reserved_until = now + (int64_t)minutes * 60 * 1000;
	ch.detail = "reserved for a wallet";
	*out = ch;
}
