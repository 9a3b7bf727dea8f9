/* SPDX-License-Identifier: MIT */
/*
 * The OpenAPI validator the fake tests rely on: that it accepts what the
 * schemas allow, rejects what they do not, and names the failing JSON path.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "th.h"
#include "test.h"
#include "util/banned.h"

static const char spec_text[] =
    "{\"openapi\":\"3.0.1\",\"paths\":{\"/things/{id}\":{\"get\":{"
    "\"responses\":{\"200\":{\"content\":{\"text/plain\":{\"schema\":"
    "{\"type\":\"string\"}},\"application/json\":{\"schema\":{\"type\":"
    "\"array\",\"items\":{\"$ref\":\"#/components/schemas/Thing\"}}}}},"
    "\"404\":{\"$ref\":\"#/components/responses/NotFound\"}}}}},"
    "\"components\":{\"responses\":{\"NotFound\":{\"content\":{"
    "\"application/json\":{\"schema\":{\"type\":\"object\",\"required\":"
    "[\"status_code\"],\"properties\":{\"status_code\":{\"type\":"
    "\"integer\"}}}}}}},\"schemas\":{\"Thing\":{\"type\":\"object\","
    "\"required\":[\"id\"],\"additionalProperties\":false,\"properties\":{"
    "\"id\":{\"type\":\"integer\",\"format\":\"int32\"},"
    "\"big\":{\"type\":\"integer\",\"format\":\"int64\"},"
    "\"ratio\":{\"type\":\"number\"},"
    "\"name\":{\"type\":\"string\",\"nullable\":true},"
    "\"when\":{\"type\":\"string\",\"format\":\"date-time\"},"
    "\"state\":{\"$ref\":\"#/components/schemas/State\"},"
    "\"tags\":{\"type\":\"array\",\"items\":{\"type\":\"string\"}},"
    "\"any\":{\"oneOf\":[{\"type\":\"string\"},{\"type\":\"boolean\"}]},"
    "\"both\":{\"allOf\":[{\"type\":\"object\",\"required\":[\"a\"]},"
    "{\"type\":\"object\",\"required\":[\"b\"]}]}}},"
    "\"State\":{\"type\":\"string\",\"enum\":[\"Ok\",\"Error\"]}}}}";

static cJSON *
spec(void)
{
	cJSON *doc = cJSON_Parse(spec_text);

	ASSERT_TRUE(doc != NULL);
	return doc;
}

/* Validate body against GET /things/{id} 200; returns the rc. */
static int
check(const cJSON *doc, const char *body, unsigned flags, struct cs_error *err)
{
	cs_error_clear(err);
	return cs_openapi_check_response(
	    doc, "GET", "/things/{id}", 200, body, strlen(body), flags, err);
}

CS_TEST(validator__accepts_valid)
{
	struct cs_error err = CS_ERROR_INIT;
	cJSON *doc = spec();

	ASSERT_EQ(check(doc,
	              "[{\"id\":1,\"big\":9007199254740992,\"ratio\":1.5,"
	              "\"name\":null,\"when\":\"2025-10-01T12:00:00\","
	              "\"state\":\"Ok\",\"tags\":[\"a\"],\"any\":true,"
	              "\"both\":{\"a\":1,\"b\":2}},{\"id\":2,\"ratio\":2}]",
	              0, &err),
	    0);
	cJSON_Delete(doc);
}

CS_TEST(validator__names_the_failing_path)
{
	struct cs_error err = CS_ERROR_INIT;
	cJSON *doc = spec();

	ASSERT_EQ(
	    check(doc, "[{\"id\":1},{\"id\":\"2\"}]", 0, &err), CS_EINVAL);
	ASSERT_STR_CONTAINS(err.msg, "$[1].id: expected integer, got string");
	ASSERT_EQ(check(doc, "[{\"id\":1.5}]", 0, &err), CS_EINVAL);
	ASSERT_STR_CONTAINS(err.msg, "$[0].id: expected integer");
	ASSERT_EQ(check(doc, "[{\"id\":4294967296}]", 0, &err), CS_EINVAL);
	ASSERT_STR_CONTAINS(err.msg, "int32");
	ASSERT_EQ(check(doc, "[{}]", 0, &err), CS_EINVAL);
	ASSERT_STR_CONTAINS(err.msg, "$[0]: required property \"id\"");
	ASSERT_EQ(
	    check(doc, "[{\"id\":1,\"state\":\"ok\"}]", 0, &err), CS_EINVAL);
	ASSERT_STR_CONTAINS(err.msg, "$[0].state: \"ok\" is not one of");
	ASSERT_EQ(
	    check(doc, "[{\"id\":1,\"ratio\":null}]", 0, &err), CS_EINVAL);
	ASSERT_STR_CONTAINS(err.msg, "$[0].ratio: null is not allowed");
	ASSERT_EQ(
	    check(doc, "[{\"id\":1,\"tags\":[\"a\",3]}]", 0, &err), CS_EINVAL);
	ASSERT_STR_CONTAINS(err.msg, "$[0].tags[1]");
	ASSERT_EQ(check(doc, "[{\"id\":1,\"when\":\"yesterday\"}]", 0, &err),
	    CS_EINVAL);
	ASSERT_EQ(check(doc, "[{\"id\":1,\"any\":3}]", 0, &err), CS_EINVAL);
	ASSERT_STR_CONTAINS(err.msg, "oneOf");
	ASSERT_EQ(
	    check(doc, "[{\"id\":1,\"both\":{\"a\":1}}]", 0, &err), CS_EINVAL);
	ASSERT_STR_CONTAINS(err.msg, "$[0].both: required property \"b\"");
	ASSERT_EQ(check(doc, "{\"id\":1}", 0, &err), CS_EINVAL);
	ASSERT_STR_CONTAINS(err.msg, "$: expected array");
	ASSERT_EQ(check(doc, "[{\"id\":1", 0, &err), CS_EPARSE);
	cJSON_Delete(doc);
}

CS_TEST(validator__additional_properties)
{
	struct cs_error err = CS_ERROR_INIT;
	cJSON *doc = spec();

	ASSERT_EQ(
	    check(doc, "[{\"id\":1,\"newer\":true}]", 0, &err), CS_EINVAL);
	ASSERT_STR_CONTAINS(err.msg, "$[0].newer: property not allowed");
	ASSERT_EQ(check(doc, "[{\"id\":1,\"newer\":true}]",
	              CS_OPENAPI_ALLOW_EXTRA, &err),
	    0);
	cJSON_Delete(doc);
}

CS_TEST(validator__response_lookup)
{
	struct cs_error err = CS_ERROR_INIT;
	cJSON *doc = spec();

	/* application/json wins over text/plain; $ref responses resolve. */
	ASSERT_TRUE(cs_openapi_response_schema(
	                doc, "get", "/things/{id}", 200) != NULL);
	ASSERT_EQ(cs_openapi_check_response(doc, "GET", "/things/{id}", 404,
	              "{\"status_code\":404}", 19, 0, &err),
	    0);
	ASSERT_EQ(cs_openapi_check_response(
	              doc, "GET", "/things/{id}", 500, "{}", 2, 0, &err),
	    CS_ENOTFOUND);
	ASSERT_EQ(cs_openapi_check_response(
	              doc, "POST", "/things/{id}", 200, "[]", 2, 0, &err),
	    CS_ENOTFOUND);
	cJSON_Delete(doc);
}

CS_TEST(validator__official_specs_load)
{
	const cJSON *nmkr = th_spec_nmkr(), *bf = th_spec_bf();

	ASSERT_TRUE(cs_openapi_response_schema(nmkr, "GET",
	                "/v2/GetNfts/{projectuid}/{state}/{count}/{page}",
	                200) != NULL);
	ASSERT_TRUE(cs_openapi_response_schema(nmkr, "GET",
	                "/v2/GetCounts/{projectuid}", 401) != NULL);
	ASSERT_TRUE(cs_openapi_response_schema(
	                bf, "GET", "/assets/{asset}", 429) != NULL);
	ASSERT_TRUE(cs_openapi_response_schema(
	                bf, "GET", "/assets/{asset}/addresses", 200) != NULL);
	/* The 2022 NMKR export has no notification endpoints. */
	ASSERT_TRUE(cs_openapi_response_schema(nmkr, "GET",
	                "/v2/GetNotifications/{projectuid}", 200) == NULL);
}
