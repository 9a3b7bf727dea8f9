/* SPDX-License-Identifier: MIT */
/*
 * The Blockfrost Cardano API client (docs/upstream.md §2): the
 * `project_id` header (never in a message or a log), the network's base URL
 * or BLOCKFROST_API_URL, and the two calls the chain verification needs.
 *
 * Every client of the process draws from ONE token bucket (Blockfrost's
 * limit is per IP: 10 requests/s, burst 500), shared across threads. It
 * holds a little less than the burst (one tenth of a second of requests,
 * at least one) so that the jitter between our send and Blockfrost's count
 * never makes a request early. 429 and 5xx are retried with backoff and
 * Retry-After is honoured (clients/http.c); 402 (daily quota), 418 (banned)
 * and 403 are never retried: they come back as errors with http_status set,
 * and the caller decides to stop.
 */
#ifndef CS_CLIENTS_BLOCKFROST_H
#define CS_CLIENTS_BLOCKFROST_H

#include <stdbool.h>
#include <stdint.h>

#include "clients/blockfrost_json.h"
#include "clients/http.h"
#include "core/model.h"

struct cs_blockfrost;

struct cs_blockfrost_opts {
	const char *project_id; /* required; never logged */
	enum cs_network network;
	const char *base_url;          /* overrides the network when not NULL */
	long connect_timeout_ms;       /* 0: default */
	long total_timeout_ms;         /* 0: CS_BF_TOTAL_TIMEOUT_MS */
	int max_retries;               /* -1: default */
	int64_t backoff_base_ms;       /* 0: default */
	cs_http_attempt_cb on_attempt; /* metrics, optional */
	void *on_attempt_payload;
};

#define CS_BLOCKFROST_OPTS_INIT                                                \
	{                                                                      \
		NULL, CS_NETWORK_MAINNET, NULL, 0, 0, -1, 0, NULL, NULL        \
	}

/**
 * https://cardano-mainnet.blockfrost.io/api/v0 or
 * https://cardano-preprod.blockfrost.io/api/v0
 */
const char *cs_blockfrost_base_url(enum cs_network net);

/**
 * Set the process-wide bucket: rate requests per second, burst capacity
 * (Blockfrost's numbers; the bucket keeps its headroom below burst). The
 * default is CS_BF_RATE_PER_S and CS_BF_BURST. Affects every client of the
 * process, existing or not; the bucket starts full. For tests and for
 * plans with other limits.
 */
void cs_blockfrost_set_rate(double rate, double burst);

/** True when s is an asset id: 56 to 120 lowercase hex digits, even. */
bool cs_blockfrost_is_asset_id(const char *s);

/**
 * @param out caller owns, cs_blockfrost_free()
 * @return 0, CS_EINVAL (no project id), CS_ERROR (libcurl)
 */
CS_NODISCARD int cs_blockfrost_new(struct cs_blockfrost **out,
    const struct cs_blockfrost_opts *opts, struct cs_error *err);

void cs_blockfrost_free(struct cs_blockfrost *c);

/**
 * GET /assets/{asset}.
 *
 * @param out caller owns, cs_bf_asset_dispose()
 * @return 0; CS_ENOTFOUND on 404 (never minted); CS_EINVAL (not an asset
 *         id: no request made); CS_ERATELIMIT (402, 418, or 429 after the
 *         retries), CS_EHTTP, CS_ETIMEOUT, CS_EPARSE, ... with
 *         err->http_status and Blockfrost's message in err
 */
CS_NODISCARD int cs_blockfrost_get_asset(struct cs_blockfrost *c,
    const char *asset_id, struct cs_bf_asset *out, struct cs_error *err);

/**
 * GET /assets/{asset}/addresses?count=100&page=N for N = 1, 2, ... until a
 * short or empty page (at most CS_BF_MAX_HOLDER_PAGES: then out->truncated).
 *
 * @param out initialized by the caller (cs_bf_holders_init()); on error it
 *        holds what was read before
 * @return as cs_blockfrost_get_asset()
 */
CS_NODISCARD int cs_blockfrost_get_holders(struct cs_blockfrost *c,
    const char *asset_id, struct cs_bf_holders *out, struct cs_error *err);

/** HTTP attempts made so far (retries included), for reports and tests. */
int64_t cs_blockfrost_attempts(const struct cs_blockfrost *c);

#endif
