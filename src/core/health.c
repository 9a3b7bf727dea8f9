/* SPDX-License-Identifier: MIT */
/* Sync health; see health.h. */
#include "core/health.h"

#include "core/pure.h"

const char *
cs_health_name(enum cs_health h)
{
	switch (h) {
	case CS_HEALTH_HEALTHY:
		return "healthy";
	case CS_HEALTH_WARNING:
		return "warning";
	case CS_HEALTH_ERROR:
		return "error";
	}
	return "?";
}

void
cs_health_of(
    const enum cs_sync_status *recent, size_t n, struct cs_health_summary *out)
{
	size_t i;

	out->success = out->partial = out->failed = 0;
	if (n > CS_HEALTH_WINDOW)
		n = CS_HEALTH_WINDOW;
	for (i = 0; i < n; i++) {
		if (recent[i] == CS_SYNC_SUCCESS)
			out->success++;
		else if (recent[i] == CS_SYNC_PARTIAL)
			out->partial++;
		else
			out->failed++;
	}
	if (n == 0) {
		out->health = CS_HEALTH_WARNING;
		out->reason = "never synced";
	} else if (recent[0] == CS_SYNC_FAILED) {
		out->health = CS_HEALTH_ERROR;
		out->reason = "the last sync failed";
	} else if (out->failed >= 3) {
		out->health = CS_HEALTH_ERROR;
		out->reason = "three or more of the last syncs failed";
	} else if (out->failed > 0 || out->partial > 0) {
		out->health = CS_HEALTH_WARNING;
		out->reason = "a recent sync failed or was partial";
	} else {
		out->health = CS_HEALTH_HEALTHY;
		out->reason = "the recent syncs succeeded";
	}
}

void
cs_health_campaign(const enum cs_sync_status *recent, size_t n,
    int64_t open_reviews, bool webhook_registered,
    struct cs_health_summary *out)
{
	cs_health_of(recent, n, out);
	if (out->health != CS_HEALTH_HEALTHY)
		return;
	if (open_reviews > 0) {
		out->health = CS_HEALTH_WARNING;
		out->reason = open_reviews == 1 ? "a review item is open"
		                                : "review items are open";
	} else if (!webhook_registered) {
		out->health = CS_HEALTH_WARNING;
		out->reason = "no NMKR webhook is registered";
	}
}
