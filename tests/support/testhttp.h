/* SPDX-License-Identifier: MIT */
/* Plain HTTP calls from tests (control interfaces of the fakes, the API). */
#ifndef CS_TEST_TESTHTTP_H
#define CS_TEST_TESTHTTP_H

#include <cjson/cJSON.h>

#include <stddef.h>

struct cs_test_resp {
	long status;
	char *body;
	size_t len; /* of body */
	char *headers;
};

/**
 * One request exactly as given: body of len bytes (NULL: none), headers
 * "Name: value" lines, NULL-ended (may be NULL), nothing added; at most
 * timeout_s seconds. Aborts the test if no answer came. Caller frees with
 * cs_test_resp_free().
 */
struct cs_test_resp cs_test_http_raw(const char *method, const char *url,
    const char *body, size_t len, const char *const *headers, long timeout_s);

/**
 * cs_test_http_raw() of a JSON body (a string, or NULL) with its
 * Content-Type, within 60 s.
 */
struct cs_test_resp cs_test_http(const char *method, const char *url,
    const char *body, const char *const *headers);

void cs_test_resp_free(struct cs_test_resp *r);

/** cs_test_http() that must answer 2xx, parsed as JSON (caller deletes). */
cJSON *cs_test_http_json(const char *method, const char *url, const char *body);

#endif
