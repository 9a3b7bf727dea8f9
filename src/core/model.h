/* SPDX-License-Identifier: MIT */
/*
 * The data model shared by every layer: campaigns, NFTs, what NMKR says about
 * them, and the records the store keeps (history, sync log, webhook events,
 * review items, chain checks, sync runs). Plain structs, no I/O.
 *
 * Times are milliseconds since the epoch; 0 means "none" (NULL in the
 * database). Strings are NUL-terminated UTF-8; NULL means "none". Who owns a
 * struct's strings is said by the function that filled it: either the caller
 * (release with the matching cs_*_dispose()) or an arena or callback scope.
 */
#ifndef CS_CORE_MODEL_H
#define CS_CORE_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/error.h"

/* Local status of an NFT in our inventory. */
enum cs_nft_status {
	CS_NFT_AVAILABLE = 0,
	CS_NFT_RESERVED,
	CS_NFT_SOLD,
};
#define CS_NFT_STATUS_COUNT 3

/* Who made a change; also the priority order of the seed (see policy.h). */
enum cs_source {
	CS_SOURCE_USER = 0,
	CS_SOURCE_ADMIN,
	CS_SOURCE_WEBHOOK,
	CS_SOURCE_MANUAL_SYNC,
	CS_SOURCE_AUTO_SYNC,
	CS_SOURCE_BLOCKCHAIN,
	CS_SOURCE_EXPIRY,
};

/* An NFT's state in NMKR (docs/upstream.md §1.3). */
enum cs_remote_state {
	CS_REMOTE_FREE = 0,
	CS_REMOTE_RESERVED,
	CS_REMOTE_SOLD,
	CS_REMOTE_ERROR,
	CS_REMOTE_BLOCKED,
	CS_REMOTE_BURNED,
	CS_REMOTE_UNKNOWN, /* a state word we do not know */
};

enum cs_campaign_status {
	CS_CAMPAIGN_ACTIVE = 0,
	CS_CAMPAIGN_INACTIVE,
};

enum cs_network {
	CS_NETWORK_MAINNET = 0,
	CS_NETWORK_PREPROD,
};

enum cs_sync_type {
	CS_SYNC_WEBHOOK = 0,
	CS_SYNC_API_PULL,
	CS_SYNC_MANUAL,
};

enum cs_sync_status {
	CS_SYNC_SUCCESS = 0,
	CS_SYNC_PARTIAL,
	CS_SYNC_FAILED,
};

/* Names as stored and shown ("available", "manual_sync", ...). */
const char *cs_nft_status_name(enum cs_nft_status v);
const char *cs_source_name(enum cs_source v);
const char *cs_remote_state_name(enum cs_remote_state s);
const char *cs_campaign_status_name(enum cs_campaign_status v);
const char *cs_network_name(enum cs_network v);
const char *cs_sync_type_name(enum cs_sync_type v);
const char *cs_sync_status_name(enum cs_sync_status v);

/* Parsers for the same words; each returns 0 or CS_EINVAL. */
CS_NODISCARD int cs_nft_status_parse(const char *s, enum cs_nft_status *out);
CS_NODISCARD int cs_source_parse(const char *s, enum cs_source *out);
/** Any word parses: unknown ones become CS_REMOTE_UNKNOWN. Case-insensitive. */
enum cs_remote_state cs_remote_state_parse(const char *s);

/** The local status of an NMKR state (free, reserved, sold), or CS_EINVAL
 * for one with no local meaning (error, blocked, burned, unknown). */
int cs_remote_state_status(enum cs_remote_state s, enum cs_nft_status *out);
CS_NODISCARD int cs_campaign_status_parse(
    const char *s, enum cs_campaign_status *out);
CS_NODISCARD int cs_network_parse(const char *s, enum cs_network *out);
CS_NODISCARD int cs_sync_type_parse(const char *s, enum cs_sync_type *out);
CS_NODISCARD int cs_sync_status_parse(const char *s, enum cs_sync_status *out);

/**
 * The edition number in a display name such as "Lab Rat #12" (the last
 * '#' followed by digits only), or 0 when there is none.
 */
int64_t cs_name_number(const char *name);

/* Counters of a campaign, always derived from its NFTs. */
struct cs_counts {
	int64_t total;
	int64_t available;
	int64_t reserved;
	int64_t sold;
};

/** Add one NFT of status s to c (delta may be +1 or -1). */
void cs_counts_add(struct cs_counts *c, enum cs_nft_status s, int64_t delta);

struct cs_campaign {
	int64_t id;
	char *name;
	char *description;
	char *nmkr_project_uid;
	enum cs_network network;
	enum cs_campaign_status status;
	int64_t max_nfts;
	int64_t start_date;
	int64_t end_date;
	int64_t created_at;
	int64_t updated_at;
	struct cs_counts counts;
	int64_t last_synced_at;
	bool allow_multiple;       /* several NFTs per wallet */
	bool has_allowlist;        /* reservations need a listed wallet */
	int reservation_minutes;   /* 0: not known yet, use the default */
	char *webhook_secret;      /* never shown or logged */
	char *webhook_secret_prev; /* accepted during rotation */
	int64_t webhook_rotated_at;
};

/** Free the strings of a caller-owned campaign and zero it. */
void cs_campaign_dispose(struct cs_campaign *c);

struct cs_nft {
	int64_t id;
	int64_t campaign_id;
	char *nft_uid;
	int64_t nft_number;
	char *name;
	enum cs_nft_status status;
	char *project_uid;
	char *payment_url;
	char *image_url;
	char *asset_id;
	int64_t created_at;
	int64_t last_modified_at;
	enum cs_source last_modified_by;
	int64_t last_synced_at;
	int64_t version;
	char *reserved_by;
	int64_t reserved_until;
	char *sold_to;
	char *tx_hash;
	int64_t sold_at;
	char *claimed_by;  /* wallet that reserved it here; kept once sold */
	char *sold_at_raw; /* sold_at as NMKR wrote it (selldate, SaleDate),
	                      before NMKR_TIMEZONE was applied; NULL if none */
};

/** Free the strings of a caller-owned NFT and zero it. */
void cs_nft_dispose(struct cs_nft *n);

/** Deep copy: dst (caller owns, cs_nft_dispose()) gets src's fields. */
void cs_nft_copy(struct cs_nft *dst, const struct cs_nft *src);

/* One row of status_history. */
struct cs_history {
	int64_t id;
	int64_t nft_id;
	int64_t campaign_id;
	enum cs_nft_status old_status;
	enum cs_nft_status new_status;
	enum cs_source source;
	int64_t changed_at;
	int64_t sync_log_id;      /* 0 if none */
	int64_t webhook_event_id; /* 0 if none */
	char *detail;
};

/* One row of sync_log (the seed's nmkrSyncLog). */
struct cs_sync_log {
	int64_t id;
	enum cs_sync_type sync_type;
	char *nmkr_project_uid;
	int64_t campaign_id; /* 0 if unknown (a webhook for no campaign) */
	enum cs_sync_status status;
	int64_t records_synced;
	char *errors;      /* JSON array of strings, or NULL */
	char *synced_data; /* JSON (the SyncReport for syncs), or NULL */
	int64_t started_at;
	int64_t completed_at;
};

void cs_sync_log_dispose(struct cs_sync_log *l);

/* One row of webhook_events. */
struct cs_webhook_event {
	int64_t id;
	int64_t campaign_id; /* 0 if the project is not ours */
	char *project_uid;
	char *event_type;
	char *dedupe_key; /* NULL for events that were not verified */
	char *tx_hash;
	char *raw_body; /* the body, or its first bytes (see body_len) */
	size_t raw_len;
	char *body_sha256; /* of the whole body, 64 hex; NULL in old rows */
	size_t body_len;   /* of the whole body; 0 in old rows: raw_len */
	bool verified;
	char *outcome; /* applied, replay, rejected, invalid, ignored, error */
	char *detail;
	int64_t received_at;
	int64_t sync_log_id;
};

void cs_webhook_event_dispose(struct cs_webhook_event *e);

/* An item of review_queue: a conflict the system refused to settle. */
struct cs_review_item {
	int64_t id;
	int64_t campaign_id;
	int64_t nft_id;
	char *nft_uid;
	char *kind; /* e.g. "sold_downgrade" */
	enum cs_nft_status local_status;
	char *remote_state;
	char *detail;
	int64_t created_at;
	int64_t sync_log_id;
	int64_t resolved_at; /* 0 while open */
	char *resolution;    /* keep_local, apply_remote, dismissed */
};

void cs_review_item_dispose(struct cs_review_item *r);

enum cs_chain_status {
	CS_CHAIN_VERIFIED = 0,
	CS_CHAIN_PENDING,
	CS_CHAIN_ERROR,
	CS_CHAIN_MISMATCH, /* minted by another transaction than NMKR's */
};

const char *cs_chain_status_name(enum cs_chain_status v);
CS_NODISCARD int cs_chain_status_parse(
    const char *s, enum cs_chain_status *out);

/* One row of chain_checks, a Blockfrost result cached per asset. */
struct cs_chain_check {
	char *asset_id;
	int64_t nft_id;
	enum cs_chain_status status;
	char *message;
	char *addresses; /* JSON array of holder addresses, or NULL */
	int64_t checked_at;
};

void cs_chain_check_dispose(struct cs_chain_check *c);

/* One row of sync_runs: the progress of a sync, readable anywhere. */
struct cs_sync_run {
	int64_t id;
	int64_t campaign_id;
	char *owner; /* instance that runs it */
	char *phase;
	int64_t done;
	int64_t total;
	int64_t started_at;
	int64_t heartbeat_at;
	int64_t finished_at; /* 0 while running */
	char *outcome; /* success, partial, failed, abandoned, interrupted */
	int64_t sync_log_id;
};

void cs_sync_run_dispose(struct cs_sync_run *r);

/**
 * The NFT number a name ends with ("Lab Rat #12" -> 12, "Rat 7b" -> 7), as
 * the report page sorts by: the last run of digits. False when the name
 * has none (or is NULL); such names sort after the numbered ones.
 */
bool cs_nft_name_number(const char *name, int64_t *out);

/** qsort order of two NFT names by cs_nft_name_number(), numbered ones
 * first, ties (and unnumbered ones) by tiebreak (a uid), then by name. */
int cs_nft_name_cmp(const char *a, const char *a_tiebreak, const char *b,
    const char *b_tiebreak);

#endif
