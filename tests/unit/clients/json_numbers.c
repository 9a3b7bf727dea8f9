/* SPDX-License-Identifier: MIT */
/*
 * Issue 13: JSON numbers that become integers. A cast of NaN (what cJSON
 * gives for a missing field) or of 1e300 to an integer is undefined; every
 * decoder goes through one checked conversion and names the field.
 */
#include "test.h"

#include "clients/json.h"
#include "clients/nmkr_json.h"
#include "core/reconcile.h"

#define UID "0f4b7f5e-2a4c-4c0e-9b6a-3f5d2e1c0a9b"

static int
project(const char *body, struct cs_nmkr_project *p)
{
	return cs_nmkr_decode_project(body, strlen(body), p, TERR);
}

CS_TEST(clients_json__project_counts_are_checked)
{
	struct cs_nmkr_project p;

	/* Missing counts are 0 (they were a cast of NaN). */
	ASSERT_OK(project("{\"uid\":\"" UID "\"}", &p));
	ASSERT_EQ(p.total, 0);
	ASSERT_EQ(p.sold, 0);
	cs_nmkr_project_dispose(&p);
	ASSERT_OK(project("{\"uid\":\"" UID "\",\"total\":12,\"sold\":3}", &p));
	ASSERT_EQ(p.total, 12);
	ASSERT_EQ(p.sold, 3);
	cs_nmkr_project_dispose(&p);
	ASSERT_ERR(
	    CS_EPARSE, project("{\"uid\":\"" UID "\",\"total\":1e300}", &p));
	ASSERT_STR_CONTAINS(cs_error_msg(TERR), "GetProjectDetails.total");
	cs_nmkr_project_dispose(&p);
	ASSERT_ERR(
	    CS_EPARSE, project("{\"uid\":\"" UID "\",\"free\":-1e999}", &p));
	ASSERT_STR_CONTAINS(cs_error_msg(TERR), "GetProjectDetails.free");
	cs_nmkr_project_dispose(&p);
	ASSERT_ERR(
	    CS_EPARSE, project("{\"uid\":\"" UID "\",\"sold\":2.5}", &p));
	ASSERT_STR_CONTAINS(cs_error_msg(TERR), "GetProjectDetails.sold");
	cs_nmkr_project_dispose(&p);
	ASSERT_ERR(CS_EPARSE,
	    project(
	        "{\"uid\":\"" UID "\",\"addressReservationTime\":1e300}", &p));
	cs_nmkr_project_dispose(&p);
}

CS_TEST(clients_json__nft_ids_are_checked)
{
	static const char big[] = "[{\"uid\":\"" UID "\",\"state\":\"free\","
	                          "\"id\":1e300}]";
	static const char ok[] = "[{\"uid\":\"" UID "\",\"state\":\"free\","
	                         "\"id\":4711}]";
	struct cs_remote_list list;
	size_t count = 0;

	cs_remote_list_init(&list);
	ASSERT_OK(cs_nmkr_decode_nfts(
	    ok, sizeof(ok) - 1, 1, NULL, &list, NULL, &count, TERR));
	ASSERT_EQ(count, 1);
	ASSERT_EQ(list.items.len, 1);
	ASSERT_EQ(((struct cs_remote_nft *)list.items.ptr)[0].nmkr_id, 4711);
	ASSERT_ERR(CS_EPARSE, cs_nmkr_decode_nfts(big, sizeof(big) - 1, 1, NULL,
	                          &list, NULL, &count, TERR));
	ASSERT_STR_CONTAINS(cs_error_msg(TERR), "[0].id");
	cs_remote_list_dispose(&list);
}

CS_TEST(clients_json__get_int_range)
{
	cJSON *doc =
	    cJSON_Parse("{\"a\":9223372036854775807,\"b\":-9223372036854775808,"
	                "\"c\":1e19,\"d\":\"7\",\"e\":3}");
	int64_t v = 5;

	ASSERT_TRUE(doc != NULL);
	/* 2^63 as a double: out of range, though it compares equal to
	 * (double)INT64_MAX. */
	ASSERT_ERR(CS_EPARSE, cs_json_get_int(doc, "a", true, "x", &v, TERR));
	ASSERT_STR_CONTAINS(cs_error_msg(TERR), "x.a: expected an integer");
	ASSERT_OK(cs_json_get_int(doc, "b", true, "x", &v, TERR));
	ASSERT_EQ(v, INT64_MIN);
	ASSERT_ERR(CS_EPARSE, cs_json_get_int(doc, "c", true, "x", &v, TERR));
	ASSERT_ERR(CS_EPARSE, cs_json_get_int(doc, "d", true, "x", &v, TERR));
	ASSERT_STR_CONTAINS(cs_error_msg(TERR), "got a string");
	ASSERT_OK(cs_json_get_int(doc, "e", true, "x", &v, TERR));
	ASSERT_EQ(v, 3);
	cJSON_Delete(doc);
}

CS_TEST(clients_json__error_code_out_of_range)
{
	static const char body[] =
	    "{\"errorMessage\":\"boom\",\"errorCode\":1e300}";
	char out[128];

	cs_nmkr_error_message(body, sizeof(body) - 1, out, sizeof(out));
	ASSERT_STR_EQ(out, "boom");
}
