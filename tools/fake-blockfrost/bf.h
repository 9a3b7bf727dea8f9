/* SPDX-License-Identifier: MIT */
/*
 * fake-blockfrost's internals: the asset and transaction store with its
 * control interface (assets.c) and the API with Blockfrost's limits
 * (api.c): a token bucket per client, a daily quota, and the auto-ban for
 * clients that keep sending while limited. A read-write lock guards the
 * store; a mutex guards the limiter.
 */
#ifndef CS_FAKE_BF_H
#define CS_FAKE_BF_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "chain.h"
#include "fakehttp.h"
#include "map.h"
#include "util/error.h"

#define FBF_FIRST_BLOCK 10000000
#define FBF_SHELLEY_OFFSET_S 1591566291 /* block_time - slot on mainnet */
#define FBF_WINDOW_MAX (1u << 20)       /* granted timestamps kept */

struct fbf_holder {
	char *address;
	char *quantity; /* decimal string */
};

struct fbf_asset {
	char *asset;
	char *policy_id;
	char *asset_name; /* NULL for an empty name */
	char fingerprint[CS_FAKE_FINGERPRINT_LEN + 1];
	char quantity[32];
	char initial_mint_tx[65];
	int64_t mint_or_burn_count;
	char *onchain_metadata; /* JSON text or NULL */
	char *onchain_metadata_standard;
	struct fbf_holder *holders;
	size_t nholders;
};

struct fbf_tx {
	char hash[65];
	char block[65];
	int64_t height;
	int64_t time_s;
	char **assets; /* minted or burned units */
	size_t nassets;
};

struct fbf_opts {
	const char *listen;
	const char *project_id;
	int rate;            /* tokens per second; 0 = no rate limit */
	int burst;           /* bucket size */
	int64_t daily_quota; /* 0 = none */
	int ban_after;
	int latency_ms;
	const char *seed;
};

struct fbf {
	struct fbf_opts opts;
	struct cs_fakehttp *http;

	pthread_rwlock_t lock; /* assets, txs */
	struct cs_fmap assets; /* asset id -> struct fbf_asset */
	struct cs_fmap txs;    /* hash -> struct fbf_tx */
	int64_t next_height;

	pthread_mutex_t lim_lock; /* everything below */
	struct cs_fmap clients;   /* ip -> struct fbf_client */
	int64_t day;              /* UTC day number of day_used */
	int64_t day_used;
	uint64_t granted;
	int64_t *win; /* granted times (us), a ring */
	size_t win_cap, win_head, win_len;
	int64_t max_per_s;
};

/* Store and control (assets.c). */

void cs_fbf__init(struct fbf *f);
void cs_fbf__dispose(struct fbf *f);

/** Load --seed ({"assets":[...]} as POST /__fake/assets takes). */
CS_NODISCARD int cs_fbf__seed(struct fbf *f, struct cs_error *err);

/** Write the Blockfrost asset object. Needs the read lock. */
void cs_fbf__write_asset(struct cs_jw *w, const struct fbf_asset *a);

void cs_fbf__control(
    struct cs_fake_resp *out, const struct cs_fake_req *req, void *payload);

/* API (api.c). */

extern const char *const cs_fbf__endpoints[];

const char *cs_fbf__classify(
    const char *method, const char *path, void *payload);
void cs_fbf__upstream(
    struct cs_fake_resp *out, const struct cs_fake_req *req, void *payload);
void cs_fbf__error_body(
    struct cs_fake_resp *out, int status, int retry_after, void *payload);
void cs_fbf__stats_extra(struct cs_jw *w, void *payload);
void cs_fbf__stats_reset(void *payload);

/** Forget buckets, bans, the daily count and the per-second maximum. */
void cs_fbf__limits_reset(struct fbf *f);

#endif
