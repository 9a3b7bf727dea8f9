/* SPDX-License-Identifier: MIT */
/* Plain HTTP calls from tests (control interfaces of the fakes, the API). */
#ifndef CS_TEST_TESTHTTP_H
#define CS_TEST_TESTHTTP_H

#include <cjson/cJSON.h>

struct cs_test_resp {
	long status;
	char *body;
	char *headers;
};

/**
 * One request; aborts the test if no answer came. body may be NULL;
 * headers are "Name: value" lines, NULL-ended (may be NULL). Caller frees
 * with cs_test_resp_free().
 */
struct cs_test_resp cs_test_http(const char *method, const char *url,
    const char *body, const char *const *headers);

void cs_test_resp_free(struct cs_test_resp *r);

/** cs_test_http() that must answer 2xx, parsed as JSON (caller deletes). */
cJSON *cs_test_http_json(const char *method, const char *url, const char *body);

#endif
