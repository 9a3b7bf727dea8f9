/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of src/util/tz.c: TZif zones from Debian's tzdata, the
 * conversion of local times (gaps, overlaps, the footer's rule after the
 * last transition), bad names and bad files, and agreement with glibc for
 * every zone of zone1970.tab.
 */
/* tm_gmtoff, to compare with glibc. */
#define _DEFAULT_SOURCE
#include "test.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/tz.h"
#include "util/time.h"
#include "util/xalloc.h"

/* Seconds since the epoch of a UTC or local wall-clock "Y-M-DTh:m:s". */
static int64_t
wall(const char *iso)
{
	int64_t ms;

	ASSERT_OK(cs_time_parse_iso8601(iso, &ms));
	return ms / 1000;
}

static struct cs_tz *
load(const char *name)
{
	struct cs_error err = CS_ERROR_INIT;
	struct cs_tz *tz = NULL;

	if (cs_tz_load(&tz, name, &err) < 0)
		cs_test_fail(__FILE__, __LINE__, "%s", cs_error_msg(&err));
	return tz;
}

struct row {
	const char *zone;
	const char *local;
	const char *utc;
	enum cs_tz_fold fold;
};

CS_TEST(util_tz__local_to_utc_table)
{
	static const struct row rows[] = {
	    {"Europe/Berlin", "2026-07-01T12:00:00", "2026-07-01T10:00:00Z",
	        CS_TZ_UNIQUE},
	    {"Europe/Berlin", "2026-01-15T12:00:00", "2026-01-15T11:00:00Z",
	        CS_TZ_UNIQUE},
	    /* 02:00 -> 03:00 on 29 March: 02:30 does not exist; read with
	     * the offset before (+01:00), it is 03:30 CEST. */
	    {"Europe/Berlin", "2026-03-29T02:30:00", "2026-03-29T01:30:00Z",
	        CS_TZ_GAP},
	    {"Europe/Berlin", "2026-03-29T01:59:59", "2026-03-29T00:59:59Z",
	        CS_TZ_UNIQUE},
	    {"Europe/Berlin", "2026-03-29T03:00:00", "2026-03-29T01:00:00Z",
	        CS_TZ_UNIQUE},
	    /* 03:00 -> 02:00 on 25 October: 02:30 happens twice; the
	     * first (CEST) is taken. */
	    {"Europe/Berlin", "2026-10-25T02:30:00", "2026-10-25T00:30:00Z",
	        CS_TZ_OVERLAP},
	    {"Europe/Berlin", "2026-10-25T03:00:00", "2026-10-25T02:00:00Z",
	        CS_TZ_UNIQUE},
	    /* After the file's last transition (2037): the footer's rule. */
	    {"Europe/Berlin", "2050-07-01T12:00:00", "2050-07-01T10:00:00Z",
	        CS_TZ_UNIQUE},
	    {"Europe/Berlin", "2050-12-01T12:00:00", "2050-12-01T11:00:00Z",
	        CS_TZ_UNIQUE},
	    {"Europe/Berlin", "2050-03-27T02:30:00", "2050-03-27T01:30:00Z",
	        CS_TZ_GAP},
	    {"Europe/Berlin", "2050-10-30T02:30:00", "2050-10-30T00:30:00Z",
	        CS_TZ_OVERLAP},
	    /* Before the first transition: local mean time, +00:53:28. */
	    {"Europe/Berlin", "1890-01-01T00:53:28", "1890-01-01T00:00:00Z",
	        CS_TZ_UNIQUE},
	    {"America/New_York", "2026-07-04T12:00:00", "2026-07-04T16:00:00Z",
	        CS_TZ_UNIQUE},
	    {"America/New_York", "2026-03-08T02:30:00", "2026-03-08T07:30:00Z",
	        CS_TZ_GAP},
	    {"America/New_York", "2026-11-01T01:30:00", "2026-11-01T05:30:00Z",
	        CS_TZ_OVERLAP},
	    /* Southern hemisphere, a 30-minute change. */
	    {"Australia/Lord_Howe", "2026-01-15T12:00:00",
	        "2026-01-15T01:00:00Z", CS_TZ_UNIQUE},
	    {"Australia/Lord_Howe", "2026-07-15T12:00:00",
	        "2026-07-15T01:30:00Z", CS_TZ_UNIQUE},
	    {"Asia/Kolkata", "2026-05-01T05:30:00", "2026-05-01T00:00:00Z",
	        CS_TZ_UNIQUE},
	    {"UTC", "2026-05-01T05:30:00", "2026-05-01T05:30:00Z",
	        CS_TZ_UNIQUE},
	};
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct cs_tz *tz = load(rows[i].zone);
		enum cs_tz_fold fold;
		int64_t got =
		    cs_tz_local_to_utc(tz, wall(rows[i].local), &fold);

		if (got != wall(rows[i].utc) || fold != rows[i].fold) {
			char g[CS_ISO8601_LEN];

			cs_time_iso8601(got * 1000, g);
			cs_test_fail(__FILE__, __LINE__,
			    "%s %s: got %s (fold %d), want %s (fold %d)",
			    rows[i].zone, rows[i].local, g, (int)fold,
			    rows[i].utc, (int)rows[i].fold);
		}
		cs_tz_free(tz);
	}
}

/* A TZif v2 file with no transitions, only the footer: every answer
 * comes from the POSIX rule. */
static size_t
footer_only(unsigned char *buf, const char *posix, int32_t off)
{
	size_t n = 0, i;
	int pass;

	for (pass = 0; pass < 2; pass++) {
		memcpy(buf + n, "TZif2", 5);
		memset(buf + n + 5, 0, 15);
		n += 20;
		/* isut, isstd, leap, time, type, char */
		for (i = 0; i < 6; i++) {
			uint32_t v = i == 4 ? 1 : i == 5 ? 4 : 0;

			buf[n++] = (unsigned char)(v >> 24);
			buf[n++] = (unsigned char)(v >> 16);
			buf[n++] = (unsigned char)(v >> 8);
			buf[n++] = (unsigned char)v;
		}
		buf[n++] = (unsigned char)((uint32_t)off >> 24);
		buf[n++] = (unsigned char)((uint32_t)off >> 16);
		buf[n++] = (unsigned char)((uint32_t)off >> 8);
		buf[n++] = (unsigned char)off;
		buf[n++] = 0;
		buf[n++] = 0;
		memcpy(buf + n, "CET", 4);
		n += 4;
	}
	n += (size_t)snprintf((char *)buf + n, 128, "\n%s\n", posix);
	return n;
}

CS_TEST(util_tz__footer_rules)
{
	struct cs_error err = CS_ERROR_INIT;
	unsigned char buf[512];
	struct cs_tz *tz = NULL;
	enum cs_tz_fold fold;
	size_t n;

	n = footer_only(buf, "CET-1CEST,M3.5.0,M10.5.0/3", 3600);
	ASSERT_OK(cs_tz_from_tzif(&tz, "test", buf, n, &err));
	ASSERT_EQ(cs_tz_local_to_utc(tz, wall("2026-07-01T12:00:00"), &fold),
	    wall("2026-07-01T10:00:00Z"));
	ASSERT_EQ(cs_tz_local_to_utc(tz, wall("2026-03-29T02:30:00"), &fold),
	    wall("2026-03-29T01:30:00Z"));
	ASSERT_EQ(fold, CS_TZ_GAP);
	ASSERT_EQ(cs_tz_offset_at(tz, wall("2026-10-25T00:59:59Z")), 7200);
	ASSERT_EQ(cs_tz_offset_at(tz, wall("2026-10-25T01:00:00Z")), 3600);
	cs_tz_free(tz);
	/* Julian days (J60 is 1 March, leap year or not) and plain days. */
	n = footer_only(buf, "XST-2XDT,J60/0,300/0", 7200);
	ASSERT_OK(cs_tz_from_tzif(&tz, "test", buf, n, &err));
	ASSERT_EQ(cs_tz_offset_at(tz, wall("2028-02-29T12:00:00Z")), 7200);
	ASSERT_EQ(cs_tz_offset_at(tz, wall("2028-03-01T12:00:00Z")), 10800);
	/* Day 300 counted from 0 is 28 October (2027 is not leap). */
	ASSERT_EQ(cs_tz_offset_at(tz, wall("2027-10-27T12:00:00Z")), 10800);
	ASSERT_EQ(cs_tz_offset_at(tz, wall("2027-10-28T12:00:00Z")), 7200);
	cs_tz_free(tz);
	/* Southern rule (start after end), quoted names. */
	n = footer_only(buf, "<+1030>-10:30<+11>-11,M10.1.0,M4.1.0", 37800);
	ASSERT_OK(cs_tz_from_tzif(&tz, "test", buf, n, &err));
	ASSERT_EQ(cs_tz_offset_at(tz, wall("2040-01-15T00:00:00Z")), 39600);
	ASSERT_EQ(cs_tz_offset_at(tz, wall("2040-07-15T00:00:00Z")), 37800);
	cs_tz_free(tz);
	n = footer_only(buf, "nonsense", 0);
	ASSERT_ERR(CS_EPARSE, cs_tz_from_tzif(&tz, "test", buf, n, &err));
	ASSERT_STR_CONTAINS(cs_error_msg(&err), "footer");
}

CS_TEST(util_tz__bad_names_and_files)
{
	static const char *const names[] = {"Mars/Olympus", "../etc/passwd",
	    "/etc/localtime", "Europe/../../etc/passwd", "Europe/Berlin\n", "",
	    "Europe", NULL};
	struct cs_error err = CS_ERROR_INIT;
	struct cs_tz *tz = NULL;
	unsigned char buf[512];
	char *text;
	size_t i, len = 0;

	for (i = 0; names[i] != NULL; i++) {
		cs_error_clear(&err);
		ASSERT_ERR(CS_EINVAL, cs_tz_load(&tz, names[i], &err));
		ASSERT_TRUE(tz == NULL);
		ASSERT_TRUE(cs_error_msg(&err)[0] != '\0');
	}
	ASSERT_ERR(CS_EPARSE,
	    cs_tz_from_tzif(&tz, "x", (const unsigned char *)"hello", 5, &err));
	ASSERT_STR_CONTAINS(cs_error_msg(&err), "not a TZif file");
	/* Every cut of a real file is refused or read; never a crash. */
	text = cs_test_read_file("/usr/share/zoneinfo/Europe/Berlin", &len);
	ASSERT_TRUE(text != NULL && len > 100);
	for (i = 0; i < len; i += 7) {
		if (cs_tz_from_tzif(
		        &tz, "cut", (unsigned char *)text, i, &err) == 0)
			cs_tz_free(tz);
	}
	free(text);
	memset(buf, 0xff, sizeof(buf));
	memcpy(buf, "TZif2", 5);
	ASSERT_ERR(
	    CS_EPARSE, cs_tz_from_tzif(&tz, "x", buf, sizeof(buf), &err));
	/* The built-in UTC needs no file. */
	ASSERT_OK(cs_tz_load(&tz, "UTC", &err));
	ASSERT_TRUE(tz == cs_tz_utc());
	cs_tz_free(tz);
}

/* Every zone of zone1970.tab agrees with glibc's reading of the same
 * files, each month from 1975 to 2045. TZ is process-wide, which is fine
 * in a test process of one thread (and why the product does not use it). */
CS_TEST(util_tz__agrees_with_glibc)
{
	FILE *f = fopen("/usr/share/zoneinfo/zone1970.tab", "r");
	char line[512], *name, *save;
	size_t zones = 0;

	ASSERT_TRUE(f != NULL);
	while (fgets(line, sizeof(line), f) != NULL) {
		struct cs_tz *tz;
		int64_t t;

		if (line[0] == '#' || strtok_r(line, "\t", &save) == NULL ||
		    strtok_r(NULL, "\t", &save) == NULL)
			continue;
		name = strtok_r(NULL, "\t\n", &save);
		if (name == NULL)
			continue;
		tz = load(name);
		setenv("TZ", name, 1);
		tzset();
		for (t = wall("1975-01-01T00:00:00Z");
		     t < wall("2045-01-01T00:00:00Z"); t += 30 * 86400 + 3607) {
			time_t tt = (time_t)t;
			struct tm tm;

			localtime_r(&tt, &tm);
			if (cs_tz_offset_at(tz, t) != (int32_t)tm.tm_gmtoff)
				cs_test_fail(__FILE__, __LINE__,
				    "%s at %lld: %d, glibc %ld", name,
				    (long long)t, (int)cs_tz_offset_at(tz, t),
				    (long)tm.tm_gmtoff);
			/* And back: a local time that is not in a fold
			 * maps to the instant it came from. */
			{
				enum cs_tz_fold fold;
				int64_t back = cs_tz_local_to_utc(
				    tz, t + tm.tm_gmtoff, &fold);

				if (fold == CS_TZ_UNIQUE && back != t)
					cs_test_fail(__FILE__, __LINE__,
					    "%s at %lld: back %lld", name,
					    (long long)t, (long long)back);
			}
		}
		cs_tz_free(tz);
		zones++;
	}
	fclose(f);
	ASSERT_GT(zones, 300);
}

/* One zone, shared by threads that convert at once (serve's case): the
 * table is read only, so every thread gets what one thread alone gets.
 * Run under the tsan preset, this is also the data-race check. */
struct worker {
	const struct cs_tz *tz;
	int64_t sum;
};

static void *
convert_many(void *payload)
{
	struct worker *w = payload;
	int64_t t, local = 1767225600; /* 2026-01-01T00:00 */
	int i;

	for (i = 0; i < 200000; i++) {
		t = cs_tz_local_to_utc(w->tz, local + (int64_t)i * 1801, NULL);
		w->sum += t % 100003;
	}
	return NULL;
}

CS_TEST(util_tz__shared_by_threads)
{
	struct worker w[4], alone;
	pthread_t th[4];
	struct cs_tz *tz = load("Europe/Berlin");
	int i;

	alone.tz = tz;
	alone.sum = 0;
	convert_many(&alone);
	for (i = 0; i < 4; i++) {
		w[i].tz = tz;
		w[i].sum = 0;
		ASSERT_EQ(pthread_create(&th[i], NULL, convert_many, &w[i]), 0);
	}
	for (i = 0; i < 4; i++) {
		ASSERT_EQ(pthread_join(th[i], NULL), 0);
		ASSERT_EQ(w[i].sum, alone.sum);
	}
	cs_tz_free(tz);
}
