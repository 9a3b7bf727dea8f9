/* SPDX-License-Identifier: MIT */
/*
 * The background verifier of serve (docs/internals/verify.md "In the
 * background"): one thread that leases due sold NFTs from the store's queue
 * (never checked first, then re-checks), verifies them on Blockfrost, and
 * paces every request on the budget shared by all instances of the database
 * (the chain_budget row). A 429 blocks that budget for its Retry-After, a
 * 402 until midnight UTC, a 418 for a day: every instance waits.
 */
#ifndef CS_SERVICE_CHAINQ_H
#define CS_SERVICE_CHAINQ_H

#include <stddef.h>
#include <stdint.h>

#include "clients/blockfrost.h"
#include "service/pool.h"
#include "util/error.h"
#include "util/limits.h"

struct cs_chainq;

struct cs_chainq_opts {
	struct cs_pool *pool;                        /* borrowed */
	const struct cs_blockfrost_opts *blockfrost; /* copied */
	const char *owner;                           /* this instance */
	double rate;        /* requests/s for every instance together; > 0 */
	int64_t recheck_ms; /* verified/mismatch again after; 0: a day */
	int64_t idle_ms;    /* look again when nothing is due; 0: 5 s */
};

/** Start the thread. @param out caller owns, cs_chainq_stop() */
CS_NODISCARD int cs_chainq_start(struct cs_chainq **out,
    const struct cs_chainq_opts *opts, struct cs_error *err);

/** Stop and join: a request under way finishes; leases left expire. */
void cs_chainq_stop(struct cs_chainq *q);

#endif
