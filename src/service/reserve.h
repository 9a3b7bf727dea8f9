/* SPDX-License-Identifier: MIT */
/*
 * Reservations (docs/product.md "Reservations"): the public request for an NFT,
 * and the sweeper that ends expired ones. A reservation lasts the campaign's
 * reservation time, else NMKR's addressReservationTime (as the last sync
 * read it), else 10 minutes. The sweeper asks NMKR about each expired
 * reservation's NFT before releasing it, and applies a sale it finds there
 * (the missed-webhook fallback).
 */
#ifndef CS_SERVICE_RESERVE_H
#define CS_SERVICE_RESERVE_H

#include <stddef.h>
#include <stdint.h>

#include "clients/nmkr.h"
#include "store/store.h"

/** The minutes a reservation of this campaign lasts (5 to 60). */
int cs_reserve_minutes(const struct cs_campaign *c, int64_t now);

/**
 * Reserve the lowest-numbered available NFT for wallet; see
 * cs_store_reservation_take() for the outcomes.
 *
 * @param out caller owns, cs_nft_dispose()
 */
CS_NODISCARD int cs_reserve(struct cs_store *store, int64_t campaign_id,
    const char *wallet, int64_t now, struct cs_nft *out,
    enum cs_reserve_outcome *outcome, struct cs_error *err);

struct cs_sweep_report {
	size_t expired;   /* reservations past their time */
	size_t released;  /* back to available */
	size_t sold;      /* NMKR had sold them: applied with the buyer */
	size_t kept;      /* NMKR still holds them, or could not be asked */
	size_t conflicts; /* changed meanwhile: left alone */
};

/**
 * One round of the sweeper over at most limit expired reservations.
 * @param nmkr may be NULL (no API key): expired reservations are released
 */
CS_NODISCARD int cs_sweep_expired(struct cs_store *store, struct cs_nmkr *nmkr,
    int64_t now, int64_t limit, struct cs_sweep_report *out,
    struct cs_error *err);

#endif
