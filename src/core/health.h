/* SPDX-License-Identifier: MIT */
/*
 * Sync health of a campaign from its last syncs (newest first): error when
 * the last one failed or three of them did; warning when any failed or was
 * partial, or the campaign was never synced; healthy otherwise. Pure.
 */
#ifndef CS_CORE_HEALTH_H
#define CS_CORE_HEALTH_H

#include <stddef.h>

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

#endif
