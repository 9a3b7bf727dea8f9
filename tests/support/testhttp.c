/* SPDX-License-Identifier: MIT */
/* Plain HTTP calls from tests; see testhttp.h. */
#include "support/testhttp.h"

#include <curl/curl.h>
#include <stdlib.h>
#include <string.h>

#include "test.h"
#include "util/buf.h"

static size_t
collect(char *data, size_t size, size_t n, void *payload)
{
	if (cs_buf_put(payload, data, size * n) < 0)
		return 0;
	return size * n;
}

struct cs_test_resp
cs_test_http_raw(const char *method, const char *url, const char *body,
    size_t len, const char *const *headers, long timeout_s)
{
	struct cs_buf b = CS_BUF_INIT(64u << 20), h = CS_BUF_INIT(1u << 20);
	struct curl_slist *list = NULL;
	struct cs_test_resp r;
	CURLcode rc;
	CURL *e;

	e = curl_easy_init();
	if (e == NULL)
		abort();
	for (; headers != NULL && *headers != NULL; headers++)
		list = curl_slist_append(list, *headers);
	curl_easy_setopt(e, CURLOPT_URL, url);
	curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, list);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_TIMEOUT, timeout_s);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, &b);
	curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, collect);
	curl_easy_setopt(e, CURLOPT_HEADERDATA, &h);
	if (body != NULL) {
		curl_easy_setopt(e, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(
		    e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
	}
	rc = curl_easy_perform(e);
	if (rc != CURLE_OK)
		cs_test_fail(__FILE__, __LINE__, "%s %s: %s", method, url,
		    curl_easy_strerror(rc));
	curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &r.status);
	curl_easy_cleanup(e);
	curl_slist_free_all(list);
	r.body = cs_buf_take(&b, &r.len);
	r.headers = cs_buf_take(&h, NULL);
	return r;
}

struct cs_test_resp
cs_test_http(const char *method, const char *url, const char *body,
    const char *const *headers)
{
	const char *all[32];
	size_t n = 0;

	for (; headers != NULL && *headers != NULL; headers++) {
		if (n == sizeof(all) / sizeof(all[0]) - 2)
			cs_test_fail(__FILE__, __LINE__, "too many headers");
		all[n++] = *headers;
	}
	if (body != NULL)
		all[n++] = "Content-Type: application/json";
	all[n] = NULL;
	return cs_test_http_raw(
	    method, url, body, body != NULL ? strlen(body) : 0, all, 60);
}

void
cs_test_resp_free(struct cs_test_resp *r)
{
	free(r->body);
	free(r->headers);
	r->body = r->headers = NULL;
	r->len = 0;
}

cJSON *
cs_test_http_json(const char *method, const char *url, const char *body)
{
	struct cs_test_resp r = cs_test_http(method, url, body, NULL);
	cJSON *j;

	if (r.status < 200 || r.status > 299)
		cs_test_fail(__FILE__, __LINE__, "%s %s: HTTP %ld: %s", method,
		    url, r.status, r.body);
	j = cJSON_Parse(r.body);
	if (j == NULL && r.body[0] != '\0')
		cs_test_fail(__FILE__, __LINE__, "%s %s: not JSON: %s", method,
		    url, r.body);
	cs_test_resp_free(&r);
	return j;
}
