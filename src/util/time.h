/* SPDX-License-Identifier: MIT */
/*
 * Clocks and time formats. Times are milliseconds since the Unix epoch
 * (int64), as in the seed. Core code never calls the clocks; it is given now.
 */
#ifndef CS_UTIL_TIME_H
#define CS_UTIL_TIME_H

#include <stddef.h>
#include <stdint.h>

#include "util/error.h"

/** Wall clock, ms since the epoch. */
int64_t cs_now_ms(void);

/** Monotonic clock in ms, for durations and timeouts only. */
int64_t cs_mono_ms(void);

/** Monotonic clock in microseconds. */
int64_t cs_mono_us(void);

/** Sleep for ms milliseconds (restarts after signals). */
void cs_sleep_ms(int64_t ms);

#define CS_ISO8601_LEN 64

/** Format as "2026-11-25T08:00:00.123Z" into out. */
void cs_time_iso8601(int64_t ms, char out[CS_ISO8601_LEN]);

/**
 * Parse an ISO-8601 date-time as NMKR and .NET send it: "2025-10-01T12:00:00",
 * optional fraction, optional "Z" or "+02:00". Without a zone it is UTC.
 * @return 0 or CS_EPARSE
 */
CS_NODISCARD int cs_time_parse_iso8601(const char *s, int64_t *out);

/**
 * Parse an HTTP IMF-fixdate, "Wed, 21 Oct 2015 07:28:00 GMT" (RFC 9110).
 * @return 0 or CS_EPARSE
 */
CS_NODISCARD int cs_time_parse_http_date(const char *s, int64_t *out);

#define CS_AGO_LEN 32

/**
 * How long ago at was, seen at now, for people: "just now" (under 45 s),
 * "3 min ago", "5 h ago" (under 48 h), "12 days ago"; a time to come reads
 * "in 3 min", "in 5 h". at == 0 is "never". The page's fmtAgo() rounds
 * the same way. Pure: now is an input.
 */
void cs_time_ago(int64_t at, int64_t now, char out[CS_AGO_LEN]);

/** Days from 1970-01-01 to y-m-d (month 1 to 12) in the proleptic
 * Gregorian calendar; negative before 1970. Pure. */
int64_t cs_time_days_from_civil(int64_t y, int64_t m, int64_t d);

#endif
