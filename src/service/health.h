/* SPDX-License-Identifier: MIT */
/*
 * A campaign's health as the page and the API show it, read from the
 * store and decided by core/health.h: its last syncs (webhook rows
 * aside), its open review items and whether a webhook is registered at
 * NMKR. GET /api/campaigns/{id}/health and the items of GET
 * /api/campaigns answer the same thing, both from here; for the list,
 * every campaign's facts come from two queries (cs_health_facts_read).
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

/* The facts of every campaign: open review items and last syncs. */
struct cs_health_facts {
	struct cs_vec _reviews; /* of {campaign_id, count} */
	struct cs_vec _syncs;   /* of one campaign's last syncs */
};

/**
 * Read every campaign's facts in two queries (the open review queue, and
 * the last CS_HEALTH_WINDOW syncs of each campaign). Dispose with
 * cs_health_facts_dispose(), also after an error.
 */
CS_NODISCARD int cs_health_facts_read(
    struct cs_store *store, struct cs_health_facts *out, struct cs_error *err);

/** The health of campaign_id from facts (borrowed). */
void cs_health_facts_of(const struct cs_health_facts *facts,
    int64_t campaign_id, bool webhook_registered,
    struct cs_campaign_health *out);

void cs_health_facts_dispose(struct cs_health_facts *facts);

/**
 * The health of one campaign, whose webhook is registered or not
 * (cs_campaign's webhook_secret): its last syncs and open review items.
 */
CS_NODISCARD int cs_campaign_health_get(struct cs_store *store,
    int64_t campaign_id, bool webhook_registered,
    struct cs_campaign_health *out, struct cs_error *err);

#endif
