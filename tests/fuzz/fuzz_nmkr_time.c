/* SPDX-License-Identifier: MIT */
/* NMKR's times (cs_nmkr_time_parse, clients/nmkr_time.c): selldate,
 * reserveduntil and a webhook's SaleDate, read in UTC and in a zone with
 * daylight saving time. A time that carries its offset is the same instant
 * whatever the zone; one without is an hour or two apart at most. A refusal
 * says why, naming the field. */
#include "fuzz.h"

#include <string.h>

#include "clients/nmkr_time.h"
#include "util/tz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct cs_tz *berlin;
	static int loaded;
	struct cs_error err = CS_ERROR_INIT;
	struct cs_nmkr_time utc, local;
	char *s;
	int a, b;

	if (!loaded) {
		loaded = 1;
		if (cs_tz_load(&berlin, "Europe/Berlin", &err) < 0)
			berlin = NULL; /* no tzdata here: UTC twice */
		cs_error_clear(&err);
	}
	s = malloc(size + 1);
	FUZZ_CHECK(s != NULL);
	memcpy(s, data, size);
	s[size] = '\0';
	a = cs_nmkr_time_parse(s, NULL, "selldate", &utc, &err);
	if (a < 0)
		FUZZ_CHECK(strstr(err.msg, "selldate") != NULL);
	cs_error_clear(&err);
	b = cs_nmkr_time_parse(s, berlin, "selldate", &local, &err);
	cs_error_clear(&err);
	FUZZ_CHECK((a == 0) == (b == 0));
	if (a == 0) {
		FUZZ_CHECK(utc.had_offset == local.had_offset);
		if (utc.had_offset)
			FUZZ_CHECK(utc.ms == local.ms);
		else
			FUZZ_CHECK(utc.ms - local.ms <= 2 * 3600 * 1000 &&
			           local.ms - utc.ms <= 2 * 3600 * 1000);
	}
	free(s);
	return 0;
}
