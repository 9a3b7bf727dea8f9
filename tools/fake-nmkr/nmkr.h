/* SPDX-License-Identifier: MIT */
/*
 * fake-nmkr's internals: the in-memory NMKR Studio (projects, NFTs,
 * notifications), the upstream API handlers (api.c) and the control
 * interface (control.c). One read-write lock guards the store; upstream GETs
 * take it shared, control changes take it exclusive. Every NFT keeps its
 * GetNfts item pre-rendered and each project keeps id-ordered index arrays per
 * state, so a GetNfts page costs O(count) and never scans the project.
 */
#ifndef CS_FAKE_NMKR_H
#define CS_FAKE_NMKR_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "chain.h"
#include "fakehttp.h"
#include "map.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/tz.h"

#define FNMKR_DEFAULT_PROJECT "9e2d000a-ed53-4db4-819b-25cdab41fd47"
#define FNMKR_DEFAULT_PROJECT_NAME "Campaign"
#define FNMKR_DEFAULT_NAME_PREFIX "Camp"
#define FNMKR_DEFAULT_PRICE 25000000
#define FNMKR_DEFAULT_RESERVATION_MIN 10
#define FNMKR_FIRST_NFT_ID 1001
#define FNMKR_GATEWAY "https://c-ipfs-gw.nmkr.io/ipfs/"
#define FNMKR_PAY_MAINNET "https://pay.nmkr.io/?"
#define FNMKR_PAY_PREPROD "https://pay.preprod.nmkr.io/?"
#define FNMKR_SELLDATE_BASE_MS 1759320000000LL /* 2025-10-01T12:00:00Z */
#define FNMKR_RELEASE_GRACE_MS 60000           /* reserved -> free after */
#define FNMKR_DEFAULT_CACHE_SECONDS 20 /* NMKR.Api/CheckCachedAccess.cs */
#define FNMKR_RATE_WINDOW_MS 10000
#define FNMKR_CACHE_MAX_ENTRIES 50000
#define FNMKR_MINT_BATCH 500
#define FNMKR_WEBHOOK_TIMEOUT_MS 60000
#define FNMKR_MAX_ADD 1000000
#define FNMKR_RESERVE_DEFAULT INT64_MIN /* the project's reservation time */

enum fnmkr_state {
	FNMKR_FREE,
	FNMKR_RESERVED,
	FNMKR_SOLD,
	FNMKR_ERROR,
	FNMKR_BURNED,
	FNMKR_BLOCKED,
	FNMKR_NSTATES,
};

/* Index slot for "all" next to the per-state ones. */
#define FNMKR_ALL FNMKR_NSTATES

struct fnmkr_project;

struct fnmkr_nft {
	int32_t id;
	char uid[CS_FAKE_UID_LEN + 1];
	long index; /* 1-based number within the project */
	char *name; /* token name without the project prefix */
	char *displayname;
	char *detaildata; /* may be NULL */
	char *series;     /* may be NULL */
	char ipfshash[CS_FAKE_IPFS_LEN + 1];
	char *assetname; /* hex of prefix + name */
	char *assetid;   /* policy id + assetname */
	char fingerprint[CS_FAKE_FINGERPRINT_LEN + 1];
	enum fnmkr_state state;
	bool minted;
	char mint_tx[65];          /* "" = null */
	int64_t price;             /* lovelace */
	int64_t selldate_ms;       /* 0 = null */
	int64_t reserved_until_ms; /* 0 = null */
	char *receiver;            /* buyer address, NULL until sold */
	char *json;                /* the GetNfts item */
	size_t json_len;
	struct fnmkr_project *project;
};

struct fnmkr_notification {
	char type[16]; /* "webhook" or "email" */
	char *address;
	bool active;
	char secret[33];
};

struct fnmkr_index {
	struct fnmkr_nft **v;
	size_t len;
};

struct fnmkr_project {
	int32_t id;
	char uid[CS_FAKE_UID_LEN + 1];
	char *name;
	char *policy_id;
	char *token_prefix;
	char *name_prefix;
	char *description;
	int reservation_minutes;
	int64_t price;
	long next_index;
	char payout[CS_FAKE_ADDRESS_MAX + 1];
	struct fnmkr_nft **nfts; /* ascending id */
	size_t len, cap;
	int64_t counts[FNMKR_NSTATES];
	struct fnmkr_index by_id[FNMKR_NSTATES + 1];
	/* selldate orders, built on demand by readers under sell_lock */
	pthread_mutex_t sell_lock;
	bool sell_dirty;
	struct fnmkr_index by_sell[FNMKR_NSTATES + 1];
	struct fnmkr_notification *notifs;
	size_t nnotifs;
};

struct fnmkr_opts {
	const char *listen;
	const char *api_key;
	const char *project;
	long nfts, sold, reserved, blocked;
	const char *seed;
	int cache_seconds;
	int rate_limit;
	int latency_ms;
	int clock_offset_s; /* --clock-offset: our Date this far off */
	const char *blockfrost;
	const char *blockfrost_project_id;
	const char *webhook_secret;
	int reservation_minutes;
	bool mainnet;
	const char *timezone; /* the server clock's zone; NULL: UTC */
};

struct fnmkr {
	struct fnmkr_opts opts;
	const char *pay_base;
	const struct cs_tz *zone; /* opts.timezone, loaded */
	struct cs_fakehttp *http;

	pthread_rwlock_t lock; /* the store below */
	struct fnmkr_project **projects;
	size_t nprojects;
	struct cs_fmap nft_by_uid;     /* lowercase uid -> struct fnmkr_nft */
	struct cs_fmap project_by_uid; /* lowercase uid -> project */
	int32_t next_nft_id;
	atomic_llong next_expiry_ms; /* earliest reservation release */

	pthread_mutex_t rate_lock;
	struct cs_fmap rate; /* client ip -> struct fnmkr_window */

	pthread_mutex_t cache_lock;
	struct cs_fmap cache; /* key + "\n" + target -> cached answer */
};

/* Store (store.c). Functions that change the store need the write lock. */

const char *cs_fnmkr__state_name(enum fnmkr_state s);
/** @return the state, or -1 when name is not one */
int cs_fnmkr__state_parse(const char *name);

void cs_fnmkr__init(struct fnmkr *f);
void cs_fnmkr__dispose(struct fnmkr *f);

/** Seed from the flags and --seed. @return 0 or an error */
CS_NODISCARD int cs_fnmkr__seed(struct fnmkr *f, struct cs_error *err);

/** Project by uid (any case), or NULL. */
struct fnmkr_project *cs_fnmkr__project(const struct fnmkr *f, const char *uid);
/** NFT by uid (any case), or NULL. */
struct fnmkr_nft *cs_fnmkr__nft(const struct fnmkr *f, const char *uid);

/**
 * Append the project's next NFT (state free; uid, name and displayname
 * derived when NULL). The caller renders it and reindexes the project.
 */
struct fnmkr_nft *cs_fnmkr__add_nft(struct fnmkr *f, struct fnmkr_project *p,
    const char *uid, const char *name, const char *displayname);

/** Remove and free an NFT; the caller reindexes. */
void cs_fnmkr__remove_nft(struct fnmkr *f, struct fnmkr_nft *n);

/**
 * Move an NFT to a state, filling sale, mint and reservation fields the way
 * NMKR does; receiver and tx_hash may be NULL (derived). reserve_ms is the
 * reservation length for "reserved" (may be negative, for a reservation that
 * already ran out; FNMKR_RESERVE_DEFAULT: the project's minutes). The
 * caller renders the NFT and reindexes the project.
 */
void cs_fnmkr__set_state(struct fnmkr *f, struct fnmkr_nft *n,
    enum fnmkr_state s, const char *receiver, const char *tx_hash,
    int64_t reserve_ms, int64_t now_ms);

/** Re-render n's GetNfts item. */
void cs_fnmkr__render(const struct fnmkr *f, struct fnmkr_nft *n);

/** Rebuild a project's counts and id indices. */
void cs_fnmkr__reindex(struct fnmkr_project *p);

/** Release reservations that ran out; needs the write lock. */
void cs_fnmkr__sweep(struct fnmkr *f, int64_t now_ms);

/**
 * Append GetNfts page (1-based) of count items to b. state is an index slot
 * (FNMKR_ALL for all); desc and by_selldate pick the order. Needs the read
 * lock. @return 0 or CS_ETOOBIG
 */
CS_NODISCARD int cs_fnmkr__page(struct fnmkr_project *p, int state,
    bool by_selldate, bool desc, int64_t count, int64_t page, struct cs_buf *b);

/** The NotificationSaleNfts token name: prefix + name. Caller frees. */
char *cs_fnmkr__tokenname(const struct fnmkr_nft *n);

/** "2025-10-01T12:00:00" (UTC, no zone, as NMKR sends DateTime). */
/* A time as NMKR writes it: the server's local wall clock (--timezone,
 * default UTC), no offset, no fraction (MySQL datetime). */
void cs_fnmkr__datetime(const struct fnmkr *f, int64_t ms, char out[32]);

/** The buyer address derived for an NFT. */
void cs_fnmkr__buyer(const struct fnmkr *f, const struct fnmkr_nft *n,
    char out[CS_FAKE_ADDRESS_MAX + 1]);

/** The mint tx hash derived for an NFT. */
void cs_fnmkr__mint_tx(const struct fnmkr_nft *n, char out[65]);

/** The CIP-25 metadata JSON of an NFT. Caller frees. */
char *cs_fnmkr__metadata(const struct fnmkr_nft *n);

/* Upstream API (api.c). */

extern const char *const cs_fnmkr__endpoints[];

const char *cs_fnmkr__classify(
    const char *method, const char *path, void *payload);
void cs_fnmkr__upstream(
    struct cs_fake_resp *out, const struct cs_fake_req *req, void *payload);
void cs_fnmkr__error_body(
    struct cs_fake_resp *out, int status, int retry_after, void *payload);

/** Forget rate-limit windows and cached answers. */
void cs_fnmkr__api_reset(struct fnmkr *f, bool rate, bool cache);

/* Control interface and outgoing calls (control.c). */

void cs_fnmkr__control(
    struct cs_fake_resp *out, const struct cs_fake_req *req, void *payload);

/**
 * Tell fake-blockfrost about the sold NFTs among nfts (holders, mint tx) and
 * the burned ones. Call without the store lock; takes it shared.
 */
void cs_fnmkr__chain_sync(struct fnmkr *f, const char *const *uids, size_t n);

/** Mint every seeded sold NFT on fake-blockfrost in batches. */
CS_NODISCARD int cs_fnmkr__chain_sync_all(
    struct fnmkr *f, struct cs_error *err);

/* Walk events (walk.c): a change made right after a GetNfts page. */

/** GET, POST and DELETE /__fake/walk-events. */
void cs_fnmkr__walk_control(
    struct fnmkr *f, struct cs_fake_resp *out, const struct cs_fake_req *req);

/** Forget every pending event. */
void cs_fnmkr__walk_reset(void);

/**
 * GetNfts built page (1-based) of project_uid: apply the events due after
 * it. Call without the store lock; takes it exclusive.
 */
void cs_fnmkr__walk_page_built(
    struct fnmkr *f, const char *project_uid, int64_t page);

#endif
