/* SPDX-License-Identifier: MIT */
/* CS_SYNC_SCHEDULE (cs_cron_parse), then the next runs (cs_cron_next):
 * each is later than the time asked, or -1. */
#include "fuzz.h"

#include <string.h>

#include "core/cron.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int64_t at[] = {
	    0, 1764000000000LL, 951782400000LL, 4102444740000LL, -1};
	struct cs_error err = CS_ERROR_INIT;
	struct cs_cron c;
	char *spec;
	size_t i;
	int64_t next;

	spec = malloc(size + 1);
	FUZZ_CHECK(spec != NULL);
	memcpy(spec, data, size);
	spec[size] = '\0';
	if (cs_cron_parse(spec, &c, &err) == 0) {
		for (i = 0; i < sizeof(at) / sizeof(at[0]); i++) {
			next = cs_cron_next(&c, at[i]);
			FUZZ_CHECK(next == -1 || next > at[i]);
			FUZZ_CHECK(next == -1 || next % 60000 == 0);
		}
	} else {
		FUZZ_CHECK(err.code < 0 && err.msg[0] != '\0');
	}
	free(spec);
	return 0;
}
