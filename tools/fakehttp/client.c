/* SPDX-License-Identifier: MIT */
/* Outgoing JSON POSTs with libcurl; see client.h. */
#include "client.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "util/buf.h"
#include "util/xalloc.h"
#include "util/banned.h"

static size_t
on_data(char *ptr, size_t size, size_t nmemb, void *userdata)
{
	struct cs_buf *b = userdata;
	size_t n = size * nmemb;

	if (cs_buf_put(b, ptr, n) < 0)
		return 0;
	return n;
}

static int
on_progress(void *clientp, curl_off_t dltotal, curl_off_t dlnow,
    curl_off_t ultotal, curl_off_t ulnow)
{
	const atomic_bool *cancel = clientp;

	(void)dltotal;
	(void)dlnow;
	(void)ultotal;
	(void)ulnow;
	return cancel != NULL && atomic_load(cancel) ? 1 : 0;
}

int
cs_fake_send_json(struct cs_fake_post *out, const char *method, const char *url,
    const char *body, size_t len, const char *const *headers, long timeout_ms,
    const atomic_bool *cancel)
{
	struct cs_buf resp = CS_BUF_INIT(CS_FAKE_CLIENT_MAX_RESPONSE);
	struct curl_slist *hdrs = NULL, *tmp;
	CURL *curl = NULL;
	CURLcode rc;
	int i, error = -1;

	memset(out, 0, sizeof(*out));
	curl = curl_easy_init();
	if (curl == NULL) {
		snprintf(out->err, sizeof(out->err), "curl_easy_init failed");
		goto out;
	}
	tmp = curl_slist_append(hdrs, "Content-Type: application/json");
	if (tmp == NULL)
		goto out;
	hdrs = tmp;
	for (i = 0; headers != NULL && headers[i] != NULL; i++) {
		tmp = curl_slist_append(hdrs, headers[i]);
		if (tmp == NULL)
			goto out;
		hdrs = tmp;
	}
	curl_easy_setopt(curl, CURLOPT_URL, url);
	if (body != NULL) {
		curl_easy_setopt(curl, CURLOPT_POST, 1L);
		curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(
		    curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
	}
	if (strcmp(method, body != NULL ? "POST" : "GET") != 0)
		curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(curl, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, timeout_ms);
	curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, 5000L);
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(curl, CURLOPT_WRITEDATA, &resp);
	curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, on_progress);
	curl_easy_setopt(curl, CURLOPT_XFERINFODATA, (void *)(uintptr_t)cancel);
	curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
	rc = curl_easy_perform(curl);
	if (rc != CURLE_OK) {
		snprintf(
		    out->err, sizeof(out->err), "%s", curl_easy_strerror(rc));
		goto out;
	}
	curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &out->status);
	error = 0;
out:
	out->body = cs_buf_take(&resp, &out->len);
	curl_slist_free_all(hdrs);
	if (curl != NULL)
		curl_easy_cleanup(curl);
	return error;
}

void
cs_fake_post_dispose(struct cs_fake_post *p)
{
	free(p->body);
	p->body = NULL;
	p->len = 0;
}

void
cs_fake_client_global_init(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
}
