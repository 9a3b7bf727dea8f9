/* SPDX-License-Identifier: MIT */
/* NMKR's GetProjectDetails decoder (cs_nmkr_decode_project). */
#include "fuzz.h"

#include "clients/nmkr_json.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cs_nmkr_project p;
	struct cs_error err = CS_ERROR_INIT;

	if (cs_nmkr_decode_project((const char *)data, size, &p, &err) == 0) {
		FUZZ_CHECK(p.uid != NULL);
		FUZZ_CHECK(p.reservation_minutes >= 0 &&
		           p.reservation_minutes <= 24 * 60);
	} else {
		FUZZ_CHECK(err.code < 0 && err.msg[0] != '\0');
	}
	cs_nmkr_project_dispose(&p);
	return 0;
}
