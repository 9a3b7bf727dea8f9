/* SPDX-License-Identifier: MIT */
/* The Blockfrost client; see blockfrost.h. */
#include "clients/blockfrost.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/limits.h"
#include "util/log.h"
#include "util/str.h"
#include "util/time.h"
#include "util/xalloc.h"
#include "util/banned.h"

struct cs_blockfrost {
	struct cs_http *http;
	char *header; /* "project_id: ID" */
	int64_t attempts;
	int64_t retry_after_ms; /* of the last answer; -1: none */
	int (*acquire)(void *payload, struct cs_error *err);
	void *acquire_payload;
};

/* ---- The process-wide token bucket ------------------------------------ */

static struct cs_http_limiter limiter;
static pthread_once_t limiter_once = PTHREAD_ONCE_INIT;

/*
 * What our bucket holds: Blockfrost's burst less a tenth of a second of
 * requests (at least one). Both buckets refill at the same rate, so
 * Blockfrost always has that much more than we think: a request that
 * reaches it sooner after the previous one than we sent it (jitter, a
 * connection made once) still finds a token there.
 */
static double
capacity(double rate, double burst)
{
	double headroom = rate / 10.0 > 1.0 ? rate / 10.0 : 1.0;

	return burst - headroom >= 1.0 ? burst - headroom : 1.0;
}

static void
limiter_init(void)
{
	cs_http_limiter_init(&limiter, CS_BF_RATE_PER_S,
	    capacity(CS_BF_RATE_PER_S, CS_BF_BURST));
}

void
cs_blockfrost_set_rate(double rate, double burst)
{
	pthread_once(&limiter_once, limiter_init);
	pthread_mutex_lock(&limiter.lock);
	cs_bucket_init(&limiter.bucket, rate > 0 ? rate : CS_BF_RATE_PER_S,
	    capacity(rate > 0 ? rate : CS_BF_RATE_PER_S,
	        burst >= 1 ? burst : CS_BF_BURST),
	    cs_mono_us());
	pthread_mutex_unlock(&limiter.lock);
}

/* ---- The client ------------------------------------------------------- */

const char *
cs_blockfrost_base_url(enum cs_network net)
{
	return net == CS_NETWORK_PREPROD
	           ? "https://cardano-preprod.blockfrost.io/api/v0"
	           : "https://cardano-mainnet.blockfrost.io/api/v0";
}

bool
cs_blockfrost_is_asset_id(const char *s)
{
	size_t len;

	if (s == NULL)
		return false;
	len = strlen(s);
	return len >= 56 && len <= CS_MAX_ASSET_ID && len % 2 == 0 &&
	       cs_str_is_hex_lower(s);
}

int
cs_blockfrost_new(struct cs_blockfrost **out,
    const struct cs_blockfrost_opts *opts, struct cs_error *err)
{
	struct cs_http_opts ho;
	const char *headers[2];
	struct cs_blockfrost *c;
	int error;

	*out = NULL;
	if (opts->project_id == NULL || *opts->project_id == '\0')
		return cs_error_set(err, CS_EINVAL,
		    "no Blockfrost project id: set BLOCKFROST_PROJECT_ID");
	if (strpbrk(opts->project_id, "\r\n") != NULL)
		return cs_error_set(err, CS_EINVAL,
		    "the Blockfrost project id holds a line break");
	pthread_once(&limiter_once, limiter_init);
	c = cs_xcalloc(1, sizeof(*c));
	c->header = cs_xasprintf("project_id: %s", opts->project_id);
	c->retry_after_ms = -1;
	c->acquire = opts->acquire;
	c->acquire_payload = opts->acquire_payload;
	cs_log_secret(opts->project_id);
	headers[0] = c->header;
	headers[1] = NULL;
	cs_http_opts_init(&ho);
	ho.name = "blockfrost";
	ho.base_url = opts->base_url != NULL
	                  ? opts->base_url
	                  : cs_blockfrost_base_url(opts->network);
	ho.headers = headers;
	ho.max_inflight = 1; /* one request at a time: the bucket paces */
	ho.total_timeout_ms = CS_BF_TOTAL_TIMEOUT_MS;
	if (opts->connect_timeout_ms > 0)
		ho.connect_timeout_ms = opts->connect_timeout_ms;
	if (opts->total_timeout_ms > 0)
		ho.total_timeout_ms = opts->total_timeout_ms;
	if (opts->max_retries >= 0)
		ho.backoff.max_retries = opts->max_retries;
	if (opts->backoff_base_ms > 0)
		ho.backoff.base_ms = opts->backoff_base_ms;
	ho.limiter = &limiter;
	ho.on_attempt = opts->on_attempt;
	ho.on_attempt_payload = opts->on_attempt_payload;
	error = cs_http_new(&c->http, &ho, err);
	if (error < 0) {
		cs_blockfrost_free(c);
		return error;
	}
	*out = c;
	return 0;
}

void
cs_blockfrost_free(struct cs_blockfrost *c)
{
	if (c == NULL)
		return;
	cs_http_free(c->http);
	free(c->header);
	free(c);
}

int64_t
cs_blockfrost_last_retry_after(const struct cs_blockfrost *c)
{
	return c->retry_after_ms;
}

int64_t
cs_blockfrost_attempts(const struct cs_blockfrost *c)
{
	return c->attempts;
}

/*
 * The error of a finished request, in Blockfrost's words: the status, what
 * was asked ("the asset", "holders page 2"), the attempts, and the error
 * body's message. A 404 is CS_ENOTFOUND.
 */
static int
request_error(struct cs_http_req *r, const char *what, struct cs_error *err)
{
	char msg[160];
	int code = r->error;

	if (r->status == 0 || (code != CS_EHTTP && code != CS_ERATELIMIT)) {
		if (err != NULL)
			*err = r->err;
		return code;
	}
	if (r->status == 404)
		code = CS_ENOTFOUND;
	cs_bf_error_message(
	    cs_buf_cstr(&r->body_out), r->body_out.len, msg, sizeof(msg));
	return cs_error_set_http(err, code, r->status,
	    "blockfrost: HTTP %d on %s after %d attempt%s%s%s", r->status, what,
	    r->attempts, r->attempts == 1 ? "" : "s",
	    msg[0] != '\0' ? ": " : "", msg);
}

static int
get(struct cs_blockfrost *c, struct cs_http_req *r, const char *what,
    struct cs_error *err)
{
	int error;

	if (c->acquire != NULL) {
		error = c->acquire(c->acquire_payload, err);
		if (error != 0)
			return error < 0 ? error : CS_ERROR;
	}
	error = cs_http_do(c->http, r);
	c->attempts += r->attempts;
	c->retry_after_ms = r->_retry_after_ms;
	if (error < 0)
		return request_error(r, what, err);
	return 0;
}

static int
check_asset_id(const char *asset_id, struct cs_error *err)
{
	if (!cs_blockfrost_is_asset_id(asset_id))
		return cs_error_set(err, CS_EINVAL,
		    "not a Cardano asset id: '%.130s'",
		    asset_id != NULL ? asset_id : "");
	return 0;
}

int
cs_blockfrost_get_asset(struct cs_blockfrost *c, const char *asset_id,
    struct cs_bf_asset *out, struct cs_error *err)
{
	struct cs_http_req r;
	int error;

	memset(out, 0, sizeof(*out));
	error = check_asset_id(asset_id, err);
	if (error < 0)
		return error;
	memset(&r, 0, sizeof(r));
	snprintf(r.path, sizeof(r.path), "/assets/%s", asset_id);
	error = get(c, &r, "the asset", err);
	if (error == 0)
		error = cs_bf_decode_asset(
		    cs_buf_cstr(&r.body_out), r.body_out.len, out, err);
	cs_http_req_dispose(&r);
	return error;
}

int
cs_blockfrost_get_holders(struct cs_blockfrost *c, const char *asset_id,
    struct cs_bf_holders *out, struct cs_error *err)
{
	struct cs_http_req r;
	char what[32];
	size_t count = 0;
	int page, error;

	error = check_asset_id(asset_id, err);
	if (error < 0)
		return error;
	memset(&r, 0, sizeof(r));
	for (page = 1; page <= CS_BF_MAX_HOLDER_PAGES; page++) {
		snprintf(r.path, sizeof(r.path),
		    "/assets/%s/addresses?count=%d&page=%d", asset_id,
		    CS_BF_PAGE_SIZE, page);
		snprintf(what, sizeof(what), "holders page %d", page);
		error = get(c, &r, what, err);
		if (error == 0)
			error = cs_bf_decode_holders(cs_buf_cstr(&r.body_out),
			    r.body_out.len, page, out, &count, err);
		if (error < 0 || count < CS_BF_PAGE_SIZE)
			break;
	}
	if (error == 0 && page > CS_BF_MAX_HOLDER_PAGES) {
		out->truncated = true;
		cs_log_warn("blockfrost",
		    "%s: more than %d holders; only the first %d read",
		    asset_id, CS_BF_MAX_HOLDER_PAGES * CS_BF_PAGE_SIZE,
		    CS_BF_MAX_HOLDER_PAGES * CS_BF_PAGE_SIZE);
	}
	cs_http_req_dispose(&r);
	return error;
}
