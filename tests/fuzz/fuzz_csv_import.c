/* SPDX-License-Identifier: MIT */
/* NMKR's CSV export (cs_csv_parse_nmkr), then the import of what it parsed
 * into a campaign on sqlite::memory: (cs_import_csv_data). */
#include "fuzz.h"

#include <string.h>

#include "service/import_csv.h"
#include "store/store.h"
#include "util/str.h"

#define NOW 1764000000000LL

static struct cs_store *store;
static int64_t campaign;

static void
setup(void)
{
	struct cs_error err = CS_ERROR_INIT;
	struct cs_campaign c;

	FUZZ_CHECK(cs_store_open(&store, "sqlite::memory:", &err) == 0);
	memset(&c, 0, sizeof(c));
	c.name = CS_UNCONST("fuzz");
	c.nmkr_project_uid = CS_UNCONST("9d7c3c1e-5b7a-4f2e-8a61-0c2b3d4e5f60");
	c.max_nfts = 1000000;
	FUZZ_CHECK(cs_store_campaign_create(store, &c, NOW, &err) == 0);
	campaign = c.id;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cs_error err = CS_ERROR_INIT;
	struct cs_csv_report rep;
	struct cs_csv_rows rows;
	size_t i;

	if (store == NULL)
		setup();
	if (cs_csv_parse_nmkr(
	        (const char *)data, size, NOW, 60000, &rows, &err) == 0) {
		FUZZ_CHECK(rows.n + rows.skipped_state <= rows.rows);
		for (i = 0; i < rows.n; i++)
			FUZZ_CHECK(rows.nfts[i].nft_uid != NULL);
	} else {
		FUZZ_CHECK(err.code < 0 && err.msg[0] != '\0');
	}
	cs_csv_rows_dispose(&rows);
	cs_error_clear(&err);
	if (cs_import_csv_data(
	        store, campaign, (const char *)data, size, NOW, &rep, &err) < 0)
		FUZZ_CHECK(err.code < 0 && err.msg[0] != '\0');
	return 0;
}
