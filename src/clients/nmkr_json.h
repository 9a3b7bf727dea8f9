/* SPDX-License-Identifier: MIT */
/*
 * Decoders of NMKR Studio API v2 responses (docs/upstream.md §1) into
 * plain C structs. JSON stays here; nothing above sees a cJSON value.
 */
#ifndef CS_CLIENTS_NMKR_JSON_H
#define CS_CLIENTS_NMKR_JSON_H

#include <stddef.h>
#include <stdint.h>

#include "core/reconcile.h"
#include "util/error.h"
#include "util/tz.h"

/* GetCounts (NftCountsClass). */
struct cs_nmkr_counts {
	int64_t nft_total;
	int64_t sold;
	int64_t free;
	int64_t reserved;
	int64_t error;
	int64_t blocked;
	int64_t total_tokens;
	int64_t total_blocked;
	int64_t unknown_or_burned;
};

/* GetProjectDetails (NftProjectsDetails): what we use of it. */
struct cs_nmkr_project {
	char *uid;
	char *name;
	char *policy_id;
	int reservation_minutes; /* addressReservationTime; 0 if absent */
	int64_t total;
	int64_t free;
	int64_t reserved;
	int64_t sold;
};

void cs_nmkr_project_dispose(struct cs_nmkr_project *p);

/* GetNftDetailsById (NftDetailsClass, all-lowercase names). */
struct cs_nmkr_nft {
	char *uid;
	char *name;
	enum cs_remote_state state;
	char *state_word;
	char *receiver_address;
	char *asset_id;
	char *tx_hash;   /* initialminttxhash */
	int64_t sold_at; /* selldate */
	int64_t reserved_until;
	bool minted;
	char *sold_at_raw; /* selldate as NMKR wrote it, or NULL */
};

void cs_nmkr_nft_dispose(struct cs_nmkr_nft *n);

/* GetNotifications / UpdateNotifications entries. */
struct cs_nmkr_notification {
	char *type;
	char *address;
	char *secret;
	bool active;
};

void cs_nmkr_notifications_free(struct cs_nmkr_notification *list, size_t n);

/**
 * Append the items of one GetNfts page to list (strings into its arena).
 * Times (selldate) are read with cs_nmkr_time_parse(); a malformed one is
 * CS_EPARSE naming the item and the field.
 * @param page for messages
 * @param zone NMKR's clock (NMKR_TIMEZONE); NULL: UTC
 * @param scratch if not NULL, the parse tree is built there (and the arena
 *        reset after): much cheaper than a malloc per node
 * @param count out, how many items the page held
 */
CS_NODISCARD int cs_nmkr_decode_nfts(const char *body, size_t len, int page,
    const struct cs_tz *zone, struct cs_remote_list *list,
    struct cs_arena *scratch, size_t *count, struct cs_error *err);

CS_NODISCARD int cs_nmkr_decode_counts(const char *body, size_t len,
    struct cs_nmkr_counts *out, struct cs_error *err);

/** @param out caller owns, cs_nmkr_project_dispose() */
CS_NODISCARD int cs_nmkr_decode_project(const char *body, size_t len,
    struct cs_nmkr_project *out, struct cs_error *err);

/**
 * @param zone NMKR's clock for selldate and reserveduntil; NULL: UTC
 * @param out caller owns, cs_nmkr_nft_dispose()
 */
CS_NODISCARD int cs_nmkr_decode_nft(const char *body, size_t len,
    const struct cs_tz *zone, struct cs_nmkr_nft *out, struct cs_error *err);

/** An empty body (HTTP 204) is an empty list. Caller owns *out. */
CS_NODISCARD int cs_nmkr_decode_notifications(const char *body, size_t len,
    struct cs_nmkr_notification **out, size_t *n, struct cs_error *err);

/**
 * The message of an error body: ApiErrorResultClass's errorMessage and
 * errorCode, or the rate limiter's details. Writes "" when there is none.
 */
void cs_nmkr_error_message(
    const char *body, size_t len, char *out, size_t size);

#endif
