/* SPDX-License-Identifier: MIT */
/*
 * Time zones from TZif files (RFC 8536, Debian's /usr/share/zoneinfo), for
 * reading times that NMKR writes in its server's local clock without an
 * offset. A zone is loaded once, at configuration time, into an immutable
 * table; converting with it is pure arithmetic on that table, so any number
 * of threads may share one zone. setenv("TZ") + mktime() would not do: TZ
 * is process-wide state, and serve converts on many threads.
 *
 * Why our own reader rather than a library: glibc offers only the TZ
 * global; ICU and GLib would pull a large dependency (and ICU its own copy
 * of the data) into the util layer for one function. The TZif format is
 * small and fixed, and the conversion rules are ours to choose and test
 * (gaps and overlaps, below).
 */
#ifndef CS_UTIL_TZ_H
#define CS_UTIL_TZ_H

#include <stddef.h>
#include <stdint.h>

#include "util/error.h"

struct cs_tz;

/* How a local time maps to instants in a zone. */
enum cs_tz_fold {
	CS_TZ_UNIQUE = 0, /* exactly one instant */
	CS_TZ_GAP,        /* skipped by a clock change: none */
	CS_TZ_OVERLAP,    /* repeated by a clock change: two */
};

/** The built-in UTC zone (never freed; no file needed). */
const struct cs_tz *cs_tz_utc(void);

/**
 * Load a zone by IANA name ("Europe/Berlin") from $TZDIR or
 * /usr/share/zoneinfo. "UTC", "Etc/UTC" and "Z" are the built-in zone.
 * Names are checked first: letters, digits, '_', '-', '+' and '/' only,
 * no "..", not absolute.
 *
 * @param out caller owns, cs_tz_free()
 * @return 0, CS_EINVAL (bad name, unknown zone, not a TZif file)
 */
CS_NODISCARD int cs_tz_load(
    struct cs_tz **out, const char *name, struct cs_error *err);

/**
 * Build a zone from the bytes of a TZif file (versions 1 to 4). Pure: no
 * I/O, no global state; fit for fuzzing.
 *
 * @param name kept for messages (copied, may be cut)
 * @param out caller owns, cs_tz_free()
 * @return 0 or CS_EPARSE naming what is wrong
 */
CS_NODISCARD int cs_tz_from_tzif(struct cs_tz **out, const char *name,
    const unsigned char *data, size_t len, struct cs_error *err);

/** Free a loaded zone; NULL and cs_tz_utc() are ignored. */
void cs_tz_free(struct cs_tz *tz);

/** The zone's name as loaded. Borrowed. */
const char *cs_tz_name(const struct cs_tz *tz);

/** The offset from UTC, in seconds east, in force at t (Unix seconds). */
int32_t cs_tz_offset_at(const struct cs_tz *tz, int64_t t);

/**
 * The instant (seconds since the epoch) of a local wall-clock time in tz,
 * given as seconds since 1970-01-01T00:00 local. Rules (as java.time
 * does): in an overlap, the earlier instant (the offset before the
 * change); in a gap, the local time read with the offset before the change
 * (so 02:30 in a 02:00 -> 03:00 gap is 03:30 after it).
 *
 * @param fold if not NULL, which case it was
 */
int64_t cs_tz_local_to_utc(
    const struct cs_tz *tz, int64_t local_s, enum cs_tz_fold *fold);

#endif
