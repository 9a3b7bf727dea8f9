/* SPDX-License-Identifier: MIT */
/*
 * On-chain verification of sold NFTs through Blockfrost (docs/product.md "The
 * sync", step 8; docs/internals/verify.md). For each sold NFT with an asset
 * id, least recently checked first: GET /assets/{asset} and every page of
 * its holders. The result is `verified` (minted, quantity 1, holders known;
 * the message says whether the buyer holds it), `pending` (never minted:
 * 404) or `error` (burned, quantity other than 1, not an asset id, a
 * request that failed). Answers are cached in chain_checks for an hour;
 * failed requests are not, so those NFTs come first again next time.
 * Blockfrost's 402 (daily quota), 418 (banned), 403 (project id refused),
 * a 429 that outlasts the retries, and no answer at all stop the run: the
 * NFTs left are `error` with the reason, and no further request is made.
 */
#ifndef CS_SERVICE_VERIFY_H
#define CS_SERVICE_VERIFY_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdint.h>

#include "clients/blockfrost.h"
#include "core/model.h"
#include "store/store.h"
#include "util/limits.h"

/* Owns a Blockfrost client. Use it from one thread at a time; every
 * verifier of the process shares Blockfrost's token bucket. */
struct cs_verifier;

/* One NFT's result. */
struct cs_verify_result {
	int64_t nft_id;
	int64_t nft_number;
	char *nft_uid;
	char *nft_name;
	char *asset_id;
	enum cs_chain_status status;
	char *message;
	char *addresses;    /* JSON array of holder addresses, or NULL */
	int64_t checked_at; /* when Blockfrost was asked; 0 if it was not */
	bool cached;        /* reused from chain_checks, no request made */
};

struct cs_verify_results {
	struct cs_verify_result *items; /* least recently checked first */
	size_t n;
	size_t verified;
	size_t pending;
	size_t errors;
	size_t mismatch;  /* minted by another transaction than NMKR's */
	size_t cached;    /* items reused from the cache */
	size_t failed;    /* items whose requests failed (not cached) */
	size_t skipped;   /* items not checked after a stop */
	int64_t requests; /* HTTP attempts made, retries included */
	bool stopped;
	int stop_status;          /* the HTTP status that stopped it, or 0 */
	int64_t stop_retry_after; /* its Retry-After (ms), or -1 */
	char stop_reason[CS_ERROR_MSG_LEN];
	char first_failure[CS_ERROR_MSG_LEN];
};

struct cs_verify_opts {
	int64_t limit; /* NFTs at most; 0: every sold NFT with an asset id */
	int64_t now;   /* ms; 0: the clock. Judges and stamps the cache */
	bool refresh;  /* ask Blockfrost even when the cache is fresh */
};

#define CS_VERIFY_OPTS_INIT                                                    \
	{                                                                      \
		CS_VERIFY_PER_SYNC, 0, false                                   \
	}

/**
 * @param out caller owns, cs_verifier_free()
 * @param opts the Blockfrost client's (project id required)
 * @return 0, CS_EINVAL (no or bad project id), CS_ERROR
 */
CS_NODISCARD int cs_verifier_new(struct cs_verifier **out,
    const struct cs_blockfrost_opts *opts, struct cs_error *err);

/** Accepts NULL. */
void cs_verifier_free(struct cs_verifier *v);

/**
 * Verify a campaign's sold NFTs that have an asset id, least recently
 * checked first, at most opts->limit of them. Blockfrost's failures are
 * results, never the return value.
 *
 * @param out caller owns, cs_verify_results_dispose()
 * @return 0, CS_ENOTFOUND (no such campaign) or a store error
 */
CS_NODISCARD int cs_verify_campaign(struct cs_verifier *v,
    struct cs_store *store, int64_t campaign_id,
    const struct cs_verify_opts *opts, struct cs_verify_results *out,
    struct cs_error *err);

/**
 * Verify the given NFTs (borrowed), in order, as cs_verify_campaign() does
 * with its candidates: the cache (unless opts->refresh), the stop rules,
 * the mint comparison. opts->limit is not used.
 *
 * @param out caller owns, cs_verify_results_dispose()
 */
void cs_verify_nfts(struct cs_verifier *v, struct cs_store *store,
    const struct cs_nft *nfts, size_t n, const struct cs_verify_opts *opts,
    struct cs_verify_results *out);

void cs_verify_results_dispose(struct cs_verify_results *r);

/**
 * The SyncReport's blockchainResults: [{nftName, nftUid, status, message,
 * currentAddresses?}]. Caller owns the array (cJSON_Delete()).
 */
cJSON *cs_verify_results_json(const struct cs_verify_results *r);

/** Append to warnings (a JSON array) what an operator should know: a
 * stop, or checks that failed. */
void cs_verify_add_warnings(const struct cs_verify_results *r, cJSON *warnings);

/**
 * A verification on its own, as `verify --json` and POST .../verify answer
 * it: {campaignId, blockchainResults, verifiedCount, pendingCount,
 * errorCount, fromCache, requests, stopped, stopReason?, warnings}. Caller
 * owns the object.
 */
cJSON *cs_verify_report_json(
    int64_t campaign_id, const struct cs_verify_results *r);

struct cs_sync_report;

/**
 * The sync's step 8: verify at most limit NFTs (limit < 1: nothing) and
 * keep the results in report->chain (chain_ran), adding warnings to the
 * report. Never fails: a store error is a warning too.
 */
void cs_verify_for_sync(struct cs_verifier *v, struct cs_store *store,
    int64_t campaign_id, int limit, struct cs_sync_report *report);

/* ---- Coverage (the background verifier's; docs/internals/verify.md) --- */

/** Seconds the longest waiting unverified sale has been due (0: none). */
int64_t cs_verify_oldest_seconds(
    const struct cs_chain_coverage *c, int64_t now);

/** "1,980 of 2,000 sales verified, oldest pending 3 min[, 1 mismatch]
 * [, 2 errors][, 3 not minted yet]" or "..., none pending". */
void cs_verify_coverage_line(
    const struct cs_chain_coverage *c, int64_t now, char *out, size_t size);

/**
 * The coverage of a campaign (0: all) as `verify --status --json` and GET
 * /api/campaigns/{id}/chain give it: {campaignId, sold, verified, pending,
 * mismatch, errors, unverified, oldestPendingSeconds, recheckSeconds,
 * summary, problems: [{nftName, nftUid, assetId, status, message,
 * checkedAt}]} (mismatches first, at most CS_VERIFY_PROBLEMS).
 *
 * @param out caller owns (cJSON_Delete())
 */
CS_NODISCARD int cs_verify_coverage_json(struct cs_store *store,
    int64_t campaign_id, int64_t now, int64_t recheck_ms, cJSON **out,
    struct cs_error *err);

#endif
