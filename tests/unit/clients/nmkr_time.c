/* SPDX-License-Identifier: MIT */
/* Unit tests of src/clients/nmkr_time.c: the forms NMKR writes, the zone,
 * and malformed times as errors naming the field. */
#include "test.h"

#include <string.h>

#include "clients/nmkr_json.h"
#include "clients/nmkr_time.h"
#include "util/time.h"

static int64_t
iso(const char *s)
{
	int64_t ms;

	ASSERT_OK(cs_time_parse_iso8601(s, &ms));
	return ms;
}

CS_TEST(clients_nmkr_time__forms_nmkr_writes)
{
	static const struct {
		const char *text, *utc;
		bool had_offset;
	} rows[] = {
	    {"2025-10-01T12:00:00", "2025-10-01T12:00:00Z", false},
	    {"2025-10-01T12:00:00.5", "2025-10-01T12:00:00.500Z", false},
	    {"2025-10-01T12:00:00.12", "2025-10-01T12:00:00.120Z", false},
	    {"2025-10-01T12:00:00.1234567", "2025-10-01T12:00:00.123Z", false},
	    {"2025-10-01T12:00:00.9999999", "2025-10-01T12:00:00.999Z", false},
	    {"2025-10-01T12:00:00Z", "2025-10-01T12:00:00Z", true},
	    {"2025-10-01T12:00:00.1234567Z", "2025-10-01T12:00:00.123Z", true},
	    {"2025-10-01T12:00:00+02:00", "2025-10-01T10:00:00Z", true},
	    {"2025-10-01T12:00:00.1234567+02:00", "2025-10-01T10:00:00.123Z",
	        true},
	    {"2025-10-01T12:00:00-05:30", "2025-10-01T17:30:00Z", true},
	    {"2025-10-01T12:00:00+0200", "2025-10-01T10:00:00Z", true},
	    {"2024-02-29T00:00:00", "2024-02-29T00:00:00Z", false},
	    {"0001-01-01T00:00:00", "0001-01-01T00:00:00Z", false},
	};
	struct cs_error err = CS_ERROR_INIT;
	struct cs_nmkr_time t;
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		ASSERT_OK(cs_nmkr_time_parse(
		    rows[i].text, NULL, "selldate", &t, &err));
		ASSERT_EQ(t.ms, iso(rows[i].utc));
		ASSERT_EQ(t.had_offset, rows[i].had_offset);
	}
}

CS_TEST(clients_nmkr_time__zone_applies_only_without_offset)
{
	struct cs_error err = CS_ERROR_INIT;
	struct cs_nmkr_time t;
	struct cs_tz *berlin = NULL;

	ASSERT_OK(cs_tz_load(&berlin, "Europe/Berlin", &err));
	ASSERT_OK(cs_nmkr_time_parse(
	    "2025-10-01T12:00:00.1234567", berlin, "selldate", &t, &err));
	ASSERT_EQ(t.ms, iso("2025-10-01T10:00:00.123Z"));
	ASSERT_OK(cs_nmkr_time_parse(
	    "2025-12-01T12:00:00", berlin, "selldate", &t, &err));
	ASSERT_EQ(t.ms, iso("2025-12-01T11:00:00Z"));
	/* An offset in the text wins over the zone. */
	ASSERT_OK(cs_nmkr_time_parse(
	    "2025-10-01T12:00:00+00:00", berlin, "SaleDate", &t, &err));
	ASSERT_EQ(t.ms, iso("2025-10-01T12:00:00Z"));
	ASSERT_OK(cs_nmkr_time_parse(
	    "2026-10-25T02:30:00", berlin, "reserveduntil", &t, &err));
	ASSERT_EQ(t.fold, CS_TZ_OVERLAP);
	ASSERT_EQ(t.ms, iso("2026-10-25T00:30:00Z"));
	cs_tz_free(berlin);
}

CS_TEST(clients_nmkr_time__malformed_is_an_error_naming_the_field)
{
	static const char *const bad[] = {"", "yesterday", "2025-10-01",
	    "2025-10-01T12:00", "2025-10-01 12:00:00", "2025-10-01t12:00:00",
	    "2025-13-01T12:00:00", "2025-00-01T12:00:00", "2025-02-29T12:00:00",
	    "2025-04-31T12:00:00", "0000-01-01T00:00:00", "2025-10-01T24:00:00",
	    "2025-10-01T12:60:00", "2025-10-01T12:00:60",
	    "2025-10-01T12:00:00.", "2025-10-01T12:00:00.12345678",
	    "2025-10-01T12:00:00+15:00", "2025-10-01T12:00:00+02:60",
	    "2025-10-01T12:00:00+2", "2025-10-01T12:00:00Z ",
	    "2025-10-01T12:00:00ZZ", "+2025-10-01T12:00:00",
	    "2025-1-01T12:00:00", "2025-10-01T12:00:00.1x",
	    "2025-10-01T12:00:00\n", NULL};
	struct cs_error err = CS_ERROR_INIT;
	struct cs_nmkr_time t;
	size_t i;

	for (i = 0; bad[i] != NULL; i++) {
		cs_error_clear(&err);
		memset(&t, 0x5a, sizeof(t));
		if (cs_nmkr_time_parse(bad[i], NULL, "selldate", &t, &err) !=
		    CS_EPARSE)
			cs_test_fail(
			    __FILE__, __LINE__, "'%s' was accepted", bad[i]);
		ASSERT_STR_CONTAINS(cs_error_msg(&err), "selldate");
	}
	ASSERT_ERR(
	    CS_EPARSE, cs_nmkr_time_parse(NULL, NULL, "SaleDate", &t, &err));
	ASSERT_STR_CONTAINS(cs_error_msg(&err), "SaleDate");
	/* Control bytes are not copied into the message. */
	ASSERT_ERR(CS_EPARSE, cs_nmkr_time_parse("2025\x1b[31m", NULL,
	                          "reserveduntil", &t, &err));
	ASSERT_STR_NOT_CONTAINS(cs_error_msg(&err), "\x1b");
	/* err may be NULL. */
	ASSERT_ERR(CS_EPARSE, cs_nmkr_time_parse("x", NULL, NULL, &t, NULL));
}

/* The decoders read every time through cs_nmkr_time_parse(), in the
 * configured zone, and a malformed one fails the page naming the item and
 * the field (it used to be dropped in silence, and read as UTC). */
CS_TEST(clients_nmkr_time__decoders_use_the_zone_and_name_the_field)
{
	static const char page[] =
	    "[{\"id\":1,\"uid\":\"aaaaaaaa-0000-4000-8000-000000000001\","
	    "\"state\":\"sold\",\"name\":\"A\","
	    "\"selldate\":\"2025-10-01T12:00:00.1234567\"},"
	    "{\"id\":2,\"uid\":\"aaaaaaaa-0000-4000-8000-000000000002\","
	    "\"state\":\"free\",\"name\":\"B\",\"selldate\":null}]";
	static const char bad[] =
	    "[{\"id\":1,\"uid\":\"aaaaaaaa-0000-4000-8000-000000000001\","
	    "\"state\":\"sold\",\"name\":\"A\","
	    "\"selldate\":\"2025-10-01T25:00:00\"}]";
	static const char detail[] =
	    "{\"uid\":\"aaaaaaaa-0000-4000-8000-000000000001\","
	    "\"state\":\"reserved\",\"minted\":false,\"selldate\":null,"
	    "\"reserveduntil\":\"2025-12-01T12:10:00\"}";
	static const char sold[] =
	    "{\"uid\":\"aaaaaaaa-0000-4000-8000-000000000001\","
	    "\"state\":\"sold\",\"minted\":true,"
	    "\"selldate\":\"2025-12-01T12:10:00\",\"reserveduntil\":null}";
	static const char bad_detail[] =
	    "{\"uid\":\"aaaaaaaa-0000-4000-8000-000000000001\","
	    "\"state\":\"reserved\",\"minted\":false,"
	    "\"reserveduntil\":\"soon\"}";
	struct cs_error err = CS_ERROR_INIT;
	struct cs_remote_list list;
	struct cs_remote_nft *items;
	struct cs_nmkr_nft n;
	struct cs_tz *berlin = NULL;
	size_t count = 0;

	ASSERT_OK(cs_tz_load(&berlin, "Europe/Berlin", &err));
	cs_remote_list_init(&list);
	ASSERT_OK(cs_nmkr_decode_nfts(
	    page, sizeof(page) - 1, 1, berlin, &list, NULL, &count, &err));
	ASSERT_EQ(count, 2);
	items = list.items.ptr;
	ASSERT_EQ(items[0].sold_at, iso("2025-10-01T10:00:00.123Z"));
	ASSERT_STR_EQ(items[0].sold_at_raw, "2025-10-01T12:00:00.1234567");
	ASSERT_EQ(items[1].sold_at, 0);
	ASSERT_TRUE(items[1].sold_at_raw == NULL);
	cs_remote_list_dispose(&list);

	cs_remote_list_init(&list);
	ASSERT_ERR(CS_EPARSE, cs_nmkr_decode_nfts(bad, sizeof(bad) - 1, 3,
	                          berlin, &list, NULL, &count, &err));
	ASSERT_STR_CONTAINS(cs_error_msg(&err), "GetNfts page 3[0].selldate");
	cs_remote_list_dispose(&list);

	ASSERT_OK(
	    cs_nmkr_decode_nft(detail, sizeof(detail) - 1, berlin, &n, &err));
	ASSERT_EQ(n.reserved_until, iso("2025-12-01T11:10:00Z"));
	ASSERT_EQ(n.sold_at, 0);
	ASSERT_TRUE(n.sold_at_raw == NULL);
	cs_nmkr_nft_dispose(&n);
	ASSERT_OK(cs_nmkr_decode_nft(sold, sizeof(sold) - 1, berlin, &n, &err));
	ASSERT_EQ(n.sold_at, iso("2025-12-01T11:10:00Z"));
	ASSERT_STR_EQ(n.sold_at_raw, "2025-12-01T12:10:00");
	ASSERT_EQ(n.reserved_until, 0);
	cs_nmkr_nft_dispose(&n);
	ASSERT_ERR(CS_EPARSE, cs_nmkr_decode_nft(bad_detail,
	                          sizeof(bad_detail) - 1, NULL, &n, &err));
	ASSERT_STR_CONTAINS(
	    cs_error_msg(&err), "GetNftDetailsById.reserveduntil");
	cs_tz_free(berlin);
}
