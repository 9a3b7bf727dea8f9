/* SPDX-License-Identifier: MIT */
/*
 * Outgoing HTTP for the fakes (libcurl easy): signed webhook POSTs from
 * fake-nmkr and its mint calls to fake-blockfrost's control interface.
 * Call curl_global_init() in main before any thread starts.
 */
#ifndef CS_FAKEHTTP_CLIENT_H
#define CS_FAKEHTTP_CLIENT_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#define CS_FAKE_CLIENT_MAX_RESPONSE (1024u * 1024u)

struct cs_fake_post {
	long status; /* HTTP status, 0 if no response */
	char *body;  /* response body, NUL-terminated; never NULL after a
	                call; free with cs_fake_post_dispose() */
	size_t len;
	char err[256]; /* curl's message when status is 0 */
};

/**
 * Send method (POST, DELETE, ...) to url with body (len bytes, may be NULL
 * for none) as Content-Type: application/json and the extra headers
 * ("Name: value", NULL-ended, may be NULL), waiting at most timeout_ms. The
 * response body is kept up to 1 MiB.
 *
 * @param cancel polled during the transfer; a true value aborts it (may be
 *        NULL)
 * @return 0 when a response arrived, -1 otherwise (out->err says why)
 */
int cs_fake_send_json(struct cs_fake_post *out, const char *method,
    const char *url, const char *body, size_t len, const char *const *headers,
    long timeout_ms, const atomic_bool *cancel);

void cs_fake_post_dispose(struct cs_fake_post *p);

/** curl_global_init(); call in main before any thread starts. */
void cs_fake_client_global_init(void);

#endif
