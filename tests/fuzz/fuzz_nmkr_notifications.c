/* SPDX-License-Identifier: MIT */
/* NMKR's webhook list (cs_nmkr_decode_notifications) and the message of an
 * NMKR error body (cs_nmkr_error_message), both read from any answer. */
#include "fuzz.h"

#include <string.h>

#include "clients/nmkr_json.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cs_nmkr_notification *list = NULL;
	struct cs_error err = CS_ERROR_INIT;
	char msg[64];
	size_t n = 0, i;

	if (cs_nmkr_decode_notifications(
	        (const char *)data, size, &list, &n, &err) == 0) {
		for (i = 0; i < n; i++)
			FUZZ_CHECK(
			    list[i].type != NULL && list[i].address != NULL);
	} else {
		FUZZ_CHECK(list == NULL && n == 0 && err.code < 0);
	}
	cs_nmkr_notifications_free(list, n);
	cs_nmkr_error_message((const char *)data, size, msg, sizeof(msg));
	FUZZ_CHECK(strlen(msg) < sizeof(msg));
	return 0;
}
