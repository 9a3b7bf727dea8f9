/* SPDX-License-Identifier: MIT */
/* NMKR's GetNftDetailsById decoder (cs_nmkr_decode_nft). */
#include "fuzz.h"

#include "clients/nmkr_json.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cs_nmkr_nft n;
	struct cs_error err = CS_ERROR_INIT;

	if (cs_nmkr_decode_nft((const char *)data, size, NULL, &n, &err) == 0)
		FUZZ_CHECK(n.uid != NULL && n.state_word != NULL);
	else
		FUZZ_CHECK(err.code < 0 && err.msg[0] != '\0');
	cs_nmkr_nft_dispose(&n);
	return 0;
}
