/* SPDX-License-Identifier: MIT */
/*
 * Five-field cron schedules (minute hour day-of-month month day-of-week, in
 * UTC), as CS_SYNC_SCHEDULE gives them: "*", numbers, ranges "a-b", lists
 * "a,b", steps "* /n" and "a-b/n"; day-of-week 0-7 with 0 and 7 Sunday;
 * when both day fields are restricted, a day matching either matches (as
 * Vixie cron does). Pure: times are passed in.
 */
#ifndef CS_CORE_CRON_H
#define CS_CORE_CRON_H

#include <stdbool.h>
#include <stdint.h>

#include "util/error.h"

struct cs_cron {
	uint64_t minutes; /* bit m: minute m */
	uint32_t hours;
	uint32_t mdays;  /* bits 1..31 */
	uint16_t months; /* bits 1..12 */
	uint8_t wdays;   /* bits 0..6, Sunday 0 */
	bool mday_any;
	bool wday_any;
};

/**
 * Parse a schedule. @return 0 or CS_EINVAL, with err naming the field
 */
CS_NODISCARD int cs_cron_parse(
    const char *spec, struct cs_cron *out, struct cs_error *err);

/**
 * The first minute strictly after t (ms since the epoch) that matches, in
 * ms; -1 if none within about four years (e.g. "0 0 30 2 *").
 */
int64_t cs_cron_next(const struct cs_cron *c, int64_t t);

#endif
