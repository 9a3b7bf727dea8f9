/* SPDX-License-Identifier: MIT */
/*
 * A campaign's health as the page and the API show it, read from the
 * store and decided by core/health.h: its last syncs (webhook rows
 * aside), its open review items and whether a webhook is registered at
 * NMKR. GET /api/campaigns/{id}/health and the items of GET
 * /api/campaigns answer the same thing, both from here.
 */
#ifndef CS_SERVICE_HEALTH_H
#define CS_SERVICE_HEALTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/health.h"
#include "store/store.h"
#include "util/error.h"
#include "util/vec.h"

struct cs_campaign_health {
	struct cs_health_summary summary;
	int64_t last_sync_at;                 /* 0: never synced */
	enum cs_sync_status last_sync_status; /* when last_sync_at != 0 */
	int64_t last_success_at;              /* 0: none in the window */
	int64_t open_reviews;
	bool webhook_registered;
};

/* Open review items of each campaign, read in one walk of the queue. */
struct cs_review_counts {
	struct cs_vec _v; /* of {int64_t campaign_id, count} */
};

/** Count the open review items of every campaign. Dispose with
 * cs_review_counts_dispose(). */
CS_NODISCARD int cs_review_counts_read(
    struct cs_store *store, struct cs_review_counts *out, struct cs_error *err);

/** Open review items of campaign_id (0 when none). */
int64_t cs_review_counts_of(
    const struct cs_review_counts *k, int64_t campaign_id);

void cs_review_counts_dispose(struct cs_review_counts *k);

/**
 * The health of campaign campaign_id, whose webhook is registered or not
 * (cs_campaign's webhook_secret). open_reviews < 0: count them here;
 * otherwise the caller counted them (cs_review_counts_read for a list).
 */
CS_NODISCARD int cs_campaign_health_get(struct cs_store *store,
    int64_t campaign_id, bool webhook_registered, int64_t open_reviews,
    struct cs_campaign_health *out, struct cs_error *err);

#endif
