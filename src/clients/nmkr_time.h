/* SPDX-License-Identifier: MIT */
/*
 * The one reader of the times NMKR sends: GetNfts' and GetNftDetailsById's
 * selldate and reserveduntil, the webhook's SaleDate. NMKR writes them with
 * .NET: "2025-10-01T12:00:00", up to 7 fractional digits (ticks), and an
 * offset only when the value carried one ("+02:00", or "Z"). Without an
 * offset the time is the NMKR server's local clock (NMKR's source:
 * DateTime.Now, read back from MySQL without a kind), read here in the zone
 * configured as NMKR_TIMEZONE. Pure: no I/O, no clock, no global state.
 */
#ifndef CS_CLIENTS_NMKR_TIME_H
#define CS_CLIENTS_NMKR_TIME_H

#include <stdbool.h>
#include <stdint.h>

#include "util/error.h"
#include "util/tz.h"

struct cs_nmkr_time {
	int64_t ms;           /* the instant, ms since the epoch (UTC) */
	bool had_offset;      /* the text said its offset (or Z) */
	enum cs_tz_fold fold; /* without an offset: gap or overlap in zone */
};

/**
 * Parse one time as NMKR writes it.
 *
 * Accepted: YYYY-MM-DDTHH:MM:SS, then optionally '.' and 1 to 7 digits,
 * then optionally 'Z', +HH:MM, -HH:MM, +HHMM or -HHMM (at most 14 h).
 * Years 0001 to 9999; days checked against the month (leap years too);
 * seconds 00 to 59. Nothing may follow. A fraction finer than a
 * millisecond is cut (not rounded). Without an offset, the wall-clock
 * time is read in zone (cs_tz_local_to_utc(): a gap or an overlap takes
 * the offset before the change).
 *
 * @param text NUL-terminated; NULL is an error
 * @param zone NULL: UTC
 * @param field names the field in the error message ("selldate")
 * @param out filled only on success
 * @param err may be NULL; the message names field and quotes the text
 *        (at most 40 bytes, control bytes shown as '?')
 * @return 0 or CS_EPARSE
 */
CS_NODISCARD int cs_nmkr_time_parse(const char *text, const struct cs_tz *zone,
    const char *field, struct cs_nmkr_time *out, struct cs_error *err);

#endif
