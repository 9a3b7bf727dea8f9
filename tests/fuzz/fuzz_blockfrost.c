/* SPDX-License-Identifier: MIT */
/* The Blockfrost decoders: the first byte picks one (asset, holders page,
 * error message, the quantity and asset id checks), the rest is the body. */
#include "fuzz.h"

#include <string.h>

#include "clients/blockfrost.h"
#include "clients/blockfrost_json.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cs_error err = CS_ERROR_INIT;
	const char *body = (const char *)data + 1;
	size_t len = size - 1;

	if (size == 0)
		return 0;
	switch (data[0] % 4) {
	case 0: {
		struct cs_bf_asset a;

		if (cs_bf_decode_asset(body, len, &a, &err) == 0)
			FUZZ_CHECK(a.asset != NULL && a.quantity != NULL &&
			           cs_bf_is_quantity(a.quantity));
		else
			FUZZ_CHECK(err.code < 0 && err.msg[0] != '\0');
		cs_bf_asset_dispose(&a);
		break;
	}
	case 1: {
		struct cs_bf_holders h;
		size_t n1 = 0, n2 = 0;

		cs_bf_holders_init(&h);
		if (cs_bf_decode_holders(body, len, 1, &h, &n1, &err) < 0)
			FUZZ_CHECK(err.code < 0 && err.msg[0] != '\0');
		else
			FUZZ_CHECK(h.n <= n1);
		/* A second page appends. */
		if (cs_bf_decode_holders(body, len, 2, &h, &n2, &err) == 0)
			FUZZ_CHECK(h.n <= n1 + n2);
		cs_bf_holders_dispose(&h);
		break;
	}
	case 2: {
		char msg[48];

		cs_bf_error_message(body, len, msg, sizeof(msg));
		FUZZ_CHECK(strlen(msg) < sizeof(msg));
		break;
	}
	default: {
		char *s = malloc(len + 1);

		FUZZ_CHECK(s != NULL);
		memcpy(s, body, len);
		s[len] = '\0';
		(void)cs_bf_is_quantity(s);
		(void)cs_blockfrost_is_asset_id(s);
		free(s);
	}
	}
	return 0;
}
