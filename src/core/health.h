/* SPDX-License-Identifier: MIT */
/*
 * Health of a campaign from its last syncs (newest first): error when the
 * last one failed or three of them did; warning when any failed or was
 * partial, or the campaign was never synced; healthy otherwise. A
 * campaign's health (cs_health_campaign) also warns of open review items
 * and of no webhook registered at NMKR. Pure.
 */
#ifndef CS_CORE_HEALTH_H
#define CS_CORE_HEALTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/model.h"

enum cs_health {
	CS_HEALTH_HEALTHY = 0,
	CS_HEALTH_WARNING,
	CS_HEALTH_ERROR,
};

#define CS_HEALTH_WINDOW 10

struct cs_health_summary {
	enum cs_health health;
	size_t success, partial, failed;
	const char *reason; /* static text */
};

const char *cs_health_name(enum cs_health h);

/** recent: the statuses of the last syncs, newest first (n may be 0). */
void cs_health_of(
    const enum cs_sync_status *recent, size_t n, struct cs_health_summary *out);

/*
 * A campaign's health: the syncs' (cs_health_of), then a warning when
 * review items are open or no NMKR webhook is registered; the reason is
 * the weightiest cause (the syncs', then the reviews', then the webhook's).
 * open_reviews < 0 is read as none.
 */
void cs_health_campaign(const enum cs_sync_status *recent, size_t n,
    int64_t open_reviews, bool webhook_registered,
    struct cs_health_summary *out);

#endif
