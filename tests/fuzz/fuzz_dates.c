/* SPDX-License-Identifier: MIT */
/* Dates from outside: ISO-8601 as NMKR sends it (cs_time_parse_iso8601),
 * HTTP dates and Retry-After (cs_time_parse_http_date,
 * cs_retry_after_parse). A parsed ISO time between years 1 and 9999
 * formats and parses back to itself. */
#include "fuzz.h"

#include <string.h>

#include "core/retry.h"
#include "util/time.h"

#define YEAR_1 (-62135596800000LL)
#define YEAR_10000 253402300800000LL

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s, iso[CS_ISO8601_LEN];
	int64_t t = 0, back = 0;

	s = malloc(size + 1);
	FUZZ_CHECK(s != NULL);
	memcpy(s, data, size);
	s[size] = '\0';
	if (cs_time_parse_iso8601(s, &t) == 0 && t >= YEAR_1 &&
	    t < YEAR_10000) {
		cs_time_iso8601(t, iso);
		FUZZ_CHECK(cs_time_parse_iso8601(iso, &back) == 0);
		FUZZ_CHECK(back == t);
	}
	if (cs_time_parse_http_date(s, &t) == 0)
		FUZZ_CHECK(t % 1000 == 0);
	FUZZ_CHECK(cs_retry_after_parse(s, 1764000000000LL) >= -1);
	free(s);
	return 0;
}
