/* SPDX-License-Identifier: MIT */
/*
 * The reservation policy, decided from facts the store read: the campaign
 * must be active and within its sale dates; with an allow-list the wallet
 * must be on it; unless the campaign allows several, a wallet that holds
 * one is refused; then the first available NFT is taken. Pure: the store
 * holds the transaction and the lock, reads each fact when
 * cs_reserve_decide() asks for it, and applies the decision.
 */
#ifndef CS_CORE_RESERVE_RULES_H
#define CS_CORE_RESERVE_RULES_H

#include <stdbool.h>
#include <stdint.h>

#include "core/change_rules.h"
#include "core/model.h"

enum cs_reserve_outcome {
	CS_RESERVE_OK = 0,
	CS_RESERVE_SOLD_OUT,     /* no available NFT */
	CS_RESERVE_NOT_ELIGIBLE, /* wallet not on the allow-list */
	CS_RESERVE_WALLET_LIMIT, /* wallet already holds one */
	CS_RESERVE_INACTIVE,     /* campaign inactive or outside its dates */
};

/** The outcome's name in the API and the metrics ("reserved", ...). */
const char *cs_reserve_outcome_name(enum cs_reserve_outcome o);

/*
 * What the store knows so far. The campaign's fields are read first; the
 * others are read when the decision asks for them, and their *_read flag
 * set.
 */
struct cs_reserve_facts {
	int64_t now;
	enum cs_campaign_status status;
	int64_t start_date; /* 0: none */
	int64_t end_date;   /* 0: none */
	bool has_allowlist;
	bool allow_multiple;
	bool listed_read;
	bool listed; /* the wallet (or its stake address) is on the list */
	bool held_read;
	int64_t held; /* NFTs of the campaign the wallet holds */
	bool pick_read;
	bool available; /* an available NFT was picked */
};

#define CS_RESERVE_FACTS_INIT                                                  \
	{                                                                      \
		0, CS_CAMPAIGN_ACTIVE, 0, 0, false, false, false, false,       \
		    false, 0, false, false                                     \
	}

/* The next step of a reservation. */
enum cs_reserve_step {
	CS_RESERVE_READ_LISTED, /* read whether the wallet is listed */
	CS_RESERVE_READ_HELD,   /* count what the wallet holds */
	CS_RESERVE_READ_PICK,   /* pick the lowest-numbered available NFT */
	CS_RESERVE_REFUSE,      /* refuse: outcome and reason say why */
	CS_RESERVE_TAKE,        /* reserve the picked NFT */
};

struct cs_reserve_decision {
	enum cs_reserve_step step;
	enum cs_reserve_outcome outcome; /* CS_RESERVE_REFUSE: why */
	const char *reason;              /* CS_RESERVE_REFUSE: static text */
};

/**
 * The next step given the facts read so far. Checks, in order: active,
 * sale dates (start_date <= now <= end_date, each if set), allow-list,
 * one per wallet, an NFT available.
 */
struct cs_reserve_decision cs_reserve_decide(const struct cs_reserve_facts *f);

/**
 * The change that reserves the NFT pick (id, version) for wallet until
 * now + minutes, compare-and-set on the version read, by source user.
 *
 * @param out reserved_by is borrowed from wallet
 */
void cs_reserve_change(struct cs_nft_change *out, const struct cs_nft *pick,
    const char *wallet, int minutes, int64_t now);

#endif
