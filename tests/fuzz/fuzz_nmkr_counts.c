/* SPDX-License-Identifier: MIT */
/* NMKR's GetCounts decoder (cs_nmkr_decode_counts). */
#include "fuzz.h"

#include "clients/nmkr_json.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cs_nmkr_counts c;
	struct cs_error err = CS_ERROR_INIT;

	if (cs_nmkr_decode_counts((const char *)data, size, &c, &err) < 0)
		FUZZ_CHECK(err.code < 0 && err.msg[0] != '\0');
	return 0;
}
