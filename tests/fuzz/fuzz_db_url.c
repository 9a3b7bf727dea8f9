/* SPDX-License-Identifier: MIT */
/*
 * Database URLs and their redaction: the passwords that
 * cs_str_next_url_password() finds (spans inside the string, in order), the
 * URL shown with them hidden (cs_str_redact_url() at several sizes), and the
 * one scrubber (cs_str_scrub(), cs_log_redact()) given those passwords:
 * after it no password of 4 bytes or more is left (one that shares a byte
 * with the mark "[redacted]" aside: the mark itself would match), and the
 * text grew by at most one mark per password it held.
 */
#include "fuzz.h"

#include <string.h>

#include "util/log.h"
#include "util/str.h"

#define MAX_FOUND 16

static bool
checkable(const char *secret)
{
	return strlen(secret) >= CS_SECRET_WORD_LEN &&
	       strpbrk(secret, "[]") == NULL &&
	       strstr("[redacted]", secret) == NULL;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const size_t sizes[] = {1, 12, 64, 4096};
	const char *pos, *start, *last;
	char *url, *copy, *found[MAX_FOUND];
	size_t len, n = 0, i, end, minlen = 0;

	if (size > 4000)
		return 0;
	url = malloc(size + 1);
	FUZZ_CHECK(url != NULL);
	memcpy(url, data, size);
	url[size] = '\0';
	end = strlen(url);
	pos = url;
	last = url;
	while (cs_str_next_url_password(url, &pos, &start, &len)) {
		FUZZ_CHECK(start >= last && start + len <= url + end);
		FUZZ_CHECK(pos >= start + len && pos <= url + end);
		FUZZ_CHECK(n < 4096); /* it ends */
		if (n < MAX_FOUND) {
			found[n] = malloc(len + 1);
			FUZZ_CHECK(found[n] != NULL);
			memcpy(found[n], start, len);
			found[n][len] = '\0';
		}
		n++;
		last = start + len;
	}
	if (n > MAX_FOUND)
		n = MAX_FOUND;
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		char *out = malloc(sizes[i]);

		FUZZ_CHECK(out != NULL);
		cs_str_redact_url(url, out, sizes[i]);
		FUZZ_CHECK(strlen(out) < sizes[i]);
		free(out);
	}
	copy = malloc(end + 1);
	FUZZ_CHECK(copy != NULL);
	memcpy(copy, url, end + 1);
	cs_str_scrub(copy, end + 1, (const char *const *)found, n);
	for (i = 0; i < n; i++) {
		if (checkable(found[i]))
			FUZZ_CHECK(strstr(copy, found[i]) == NULL);
	}
	/* The logger's registry, with room to grow as a log line has: the
	 * same scrubber, which writes at most one mark per password. */
	free(copy);
	copy = malloc(2 * end + 256);
	FUZZ_CHECK(copy != NULL);
	for (i = 0; i < n; i++) {
		cs_log_secret(found[i]);
		if (found[i][0] != '\0' &&
		    (minlen == 0 || strlen(found[i]) < minlen))
			minlen = strlen(found[i]);
	}
	memcpy(copy, url, end + 1);
	cs_log_redact(copy, 2 * end + 256);
	if (minlen > 0)
		FUZZ_CHECK(strlen(copy) <= end + (end / minlen + 1) * 10);
	for (i = 0; i < n; i++) {
		if (checkable(found[i]))
			FUZZ_CHECK(strstr(copy, found[i]) == NULL);
		free(found[i]);
	}
	cs_log_secrets_clear();
	free(copy);
	free(url);
	return 0;
}
