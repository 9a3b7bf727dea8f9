/* SPDX-License-Identifier: MIT */
/*
 * Helpers for the tests of the fakes: libcurl requests, starting fake-nmkr
 * and fake-blockfrost, control calls, the record of answers to hold against
 * the official specs, key-order checks and a webhook receiver (an MHD daemon
 * in the test process). Every helper fails the test on an unexpected error,
 * so tests read as a list of checks.
 */
#ifndef CS_TEST_TOOLS_TH_H
#define CS_TEST_TOOLS_TH_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

#include "support/fakeproc.h"
#include "util/error.h"

#define TH_KEY "test-api-key-1234"
#define TH_BF_PROJECT "preprodTestProjectId"
#define TH_PROJECT "9e2d000a-ed53-4db4-819b-25cdab41fd47"

struct th_resp {
	long status;   /* 0 when no response */
	int curl_code; /* CURLcode of the transfer */
	char *body;    /* NUL-terminated; never NULL */
	size_t len;
	char *headers;  /* the raw response header block */
	double seconds; /* total transfer time */
};

/**
 * Send method to url with extra headers ("Name: value", NULL-ended, may be
 * NULL) and body (may be NULL). Transport errors are recorded, not fatal.
 */
void th_request(struct th_resp *out, const char *method, const char *url,
    const char *const *headers, const char *body);

/** GET url with "Authorization: <auth>" unless auth is NULL. */
void th_get(struct th_resp *out, const char *url, const char *auth);

void th_resp_free(struct th_resp *r);

/** Copy a response header's value (case-insensitive) into out. */
bool th_header(
    const struct th_resp *r, const char *name, char *out, size_t size);

/** Parse the body; fails the test if it is not JSON. Caller frees. */
cJSON *th_json(const struct th_resp *r);

/** A string member of obj, or NULL. Borrowed. */
const char *th_str(const cJSON *obj, const char *key);

/** A number member of obj; fails the test if missing. */
double th_num(const cJSON *obj, const char *key);

/** Fail unless obj's members are exactly keys (NULL-ended), in order. */
void th_assert_keys(const cJSON *obj, const char *const *keys);

/* The official specs (tests/fixtures/specs/), by the names
 * tests/tools/CMakeLists.txt gives tests/e2e/validate-fakes.mjs. */
#define TH_SPEC_NMKR "nmkr"
#define TH_SPEC_BF "blockfrost"

/*
 * Allow members the spec closes with "additionalProperties": false. NMKR's
 * spec is a 2022 export that marks every schema closed although the live
 * API has added fields since (docs/upstream.md §0), so its newer fields
 * must be allowed.
 */
#define TH_ALLOW_EXTRA 0x1u

/**
 * Record the response r to method on path_tpl (as written in the spec, e.g.
 * "/v2/GetCounts/{projectuid}"), to be held against the spec named spec
 * (TH_SPEC_NMKR, TH_SPEC_BF) by the CTest test tools.openapi.answers once
 * the test has run: validate-fakes.mjs says what it checks. One JSON line
 * in CS_FAKE_ANSWERS, else in answers.jsonl in the test's directory; fails
 * the test if it cannot be written. Call it in the body of the CS_TEST:
 * that is how tests/tools/CMakeLists.txt knows the test records answers.
 *
 * @param flags TH_ALLOW_EXTRA or 0
 */
#define TH_CHECK_SPEC(spec, method, path_tpl, r, flags)                        \
	th_record_answer(__FILE__, __LINE__, spec, method, path_tpl, r, flags)

void th_record_answer(const char *file, int line, const char *spec,
    const char *method, const char *path_tpl, const struct th_resp *r,
    unsigned flags);

/**
 * Start fake-nmkr with --listen 127.0.0.1:0 --api-key TH_KEY and args
 * (NULL-ended, may be NULL).
 */
void th_start_nmkr(struct cs_fakeproc *p, const char *const *args);

/** Start fake-blockfrost with --project-id TH_BF_PROJECT and args. */
void th_start_bf(struct cs_fakeproc *p, const char *const *args);

/**
 * A control call to p; fails unless the status is expect. @return the
 * parsed body (caller frees), or NULL for an empty body
 */
cJSON *th_control(const struct cs_fakeproc *p, const char *method,
    const char *path, const char *body, long expect);

/** base_url + path, formatted. Caller frees. */
char *th_url(const struct cs_fakeproc *p, const char *fmt, ...) CS_PRINTF(2, 3);

/** The NFT uid formula, computed independently of the fake. */
void th_nft_uid(const char *project, long i, char out[37]);

/** Base64 HMAC-SHA256 of msg under key. */
void th_hmac_b64(const char *key, const char *msg, size_t len, char out[64]);

/* A webhook receiver: answers every POST with reply_status. */
struct th_receiver;

struct th_receiver *th_receiver_start(int reply_status);
int th_receiver_port(const struct th_receiver *r);

/** Wait until count requests arrived; false on timeout. */
bool th_receiver_wait(struct th_receiver *r, int count, int timeout_ms);

/* The last request. Borrowed until the next request or stop. */
const char *th_receiver_body(struct th_receiver *r, size_t *len);
const char *th_receiver_uri(struct th_receiver *r);
const char *th_receiver_hash(struct th_receiver *r); /* payloadHash, decoded */
const char *th_receiver_content_type(struct th_receiver *r);

void th_receiver_stop(struct th_receiver *r);

#endif
