/* SPDX-License-Identifier: MIT */
/* NMKR's GetNfts page decoder (cs_nmkr_decode_nfts), with and without the
 * arena parse; the items it keeps have a uid and a known or kept state. */
#include "fuzz.h"

#include <string.h>

#include "clients/nmkr_json.h"
#include "core/reconcile.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cs_remote_list list;
	struct cs_arena scratch = CS_ARENA_INIT;
	struct cs_error err = CS_ERROR_INIT;
	size_t count = 0, i;
	int arena;

	for (arena = 0; arena < 2; arena++) {
		cs_remote_list_init(&list);
		if (cs_nmkr_decode_nfts((const char *)data, size, 1, NULL,
		        &list, arena ? &scratch : NULL, &count, &err) == 0) {
			FUZZ_CHECK(count == list.items.len);
			for (i = 0; i < list.items.len; i++) {
				const struct cs_remote_nft *x =
				    (const struct cs_remote_nft *)
				        list.items.ptr +
				    i;

				FUZZ_CHECK(
				    x->uid != NULL && strlen(x->uid) == 36);
				FUZZ_CHECK(x->name != NULL);
			}
		} else {
			FUZZ_CHECK(err.code < 0 && err.msg[0] != '\0');
		}
		cs_remote_list_dispose(&list);
		cs_error_clear(&err);
	}
	cs_arena_dispose(&scratch);
	return 0;
}
