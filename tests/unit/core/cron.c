/* SPDX-License-Identifier: MIT */
/* Unit tests of the cron schedule parser and next-tick computation. */
#include "test.h"

#include "core/cron.h"
#include "util/time.h"

static int64_t
at(const char *iso)
{
	int64_t t = 0;

	ASSERT_OK(cs_time_parse_iso8601(iso, &t));
	return t;
}

static void
expect_next(const char *spec, const char *from, const char *want)
{
	struct cs_cron c;
	char got[CS_ISO8601_LEN];
	int64_t t;

	ASSERT_OK(cs_cron_parse(spec, &c, TERR));
	t = cs_cron_next(&c, at(from));
	cs_time_iso8601(t, got);
	if (t != at(want))
		cs_test_fail(__FILE__, __LINE__,
		    "'%s' after %s: got %s, want %s", spec, from, got, want);
}

CS_TEST(core_cron__every_fifteen_minutes)
{
	expect_next(
	    "*/15 * * * *", "2026-11-25T08:00:00Z", "2026-11-25T08:15:00Z");
	expect_next(
	    "*/15 * * * *", "2026-11-25T08:14:59Z", "2026-11-25T08:15:00Z");
	expect_next(
	    "*/15 * * * *", "2026-11-25T23:50:00Z", "2026-11-26T00:00:00Z");
}

CS_TEST(core_cron__fields)
{
	expect_next(
	    "0 3 * * *", "2026-11-25T08:00:00Z", "2026-11-26T03:00:00Z");
	expect_next(
	    "30 9-17/4 * * *", "2026-11-25T10:00:00Z", "2026-11-25T13:30:00Z");
	expect_next(
	    "5/20 * * * *", "2026-11-25T10:06:00Z", "2026-11-25T10:25:00Z");
	expect_next(
	    "0,30 * * * *", "2026-11-25T10:00:00Z", "2026-11-25T10:30:00Z");
	/* Mondays (1) and Sundays (7 and 0 both). */
	expect_next(
	    "0 12 * * 1", "2026-11-25T00:00:00Z", "2026-11-30T12:00:00Z");
	expect_next(
	    "0 12 * * 7", "2026-11-25T00:00:00Z", "2026-11-29T12:00:00Z");
	/* Both day fields restricted: either matches. */
	expect_next(
	    "0 0 1 * 5", "2026-11-25T00:00:00Z", "2026-11-27T00:00:00Z");
	expect_next(
	    "0 0 29 2 *", "2026-03-01T00:00:00Z", "2028-02-29T00:00:00Z");
	expect_next(
	    "59 23 31 12 *", "2026-11-25T00:00:00Z", "2026-12-31T23:59:00Z");
}

CS_TEST(core_cron__never)
{
	struct cs_cron c;

	ASSERT_OK(cs_cron_parse("0 0 30 2 *", &c, TERR));
	ASSERT_EQ(cs_cron_next(&c, at("2026-01-01T00:00:00Z")), -1);
}

CS_TEST(core_cron__bad_specs)
{
	static const char *const bad[] = {"", "* * * *", "* * * * * *",
	    "60 * * * *", "* 24 * * *", "* * 0 * *", "* * * 13 *", "* * * * 8",
	    "*/0 * * * *", "a * * * *", "1-0 * * * *", "1, * * * *",
	    "*/15x * * * *"};
	struct cs_cron c;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cs_error_clear(TERR);
		if (cs_cron_parse(bad[i], &c, TERR) != CS_EINVAL)
			cs_test_fail(
			    __FILE__, __LINE__, "'%s' was accepted", bad[i]);
		ASSERT_STR_CONTAINS(cs_test_err.msg, "cron schedule");
	}
}
