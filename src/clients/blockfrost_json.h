/* SPDX-License-Identifier: MIT */
/*
 * Decoders of Blockfrost responses (docs/upstream.md §2) into plain C
 * structs: the asset object of GET /assets/{asset}, one page of GET
 * /assets/{asset}/addresses, and the error body. JSON stays here; nothing
 * above sees a cJSON value. Quantities stay strings of decimal digits, as
 * Blockfrost sends them (they may pass 2^64).
 */
#ifndef CS_CLIENTS_BLOCKFROST_JSON_H
#define CS_CLIENTS_BLOCKFROST_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/error.h"

/* GET /assets/{asset}: what the verification reads of it. */
struct cs_bf_asset {
	char *asset;                /* policy id + hex name */
	char *policy_id;            /* 56 hex */
	char *asset_name;           /* hex; NULL for an empty name */
	char *fingerprint;          /* asset1... (CIP-14) */
	char *quantity;             /* current supply, decimal; "0" burned */
	char *initial_mint_tx_hash; /* hex */
	int64_t mint_or_burn_count;
};

/** Free the strings of a caller-owned asset and zero it. */
void cs_bf_asset_dispose(struct cs_bf_asset *a);

/* One holder of GET /assets/{asset}/addresses. */
struct cs_bf_holder {
	char *address;  /* bech32 */
	char *quantity; /* decimal */
};

/* The holders of an asset, in Blockfrost's order, every page appended. */
struct cs_bf_holders {
	struct cs_bf_holder *items;
	size_t n;
	size_t cap;
	bool truncated; /* more pages than CS_BF_MAX_HOLDER_PAGES */
};

void cs_bf_holders_init(struct cs_bf_holders *h);

/** Free every holder and reset h to empty. */
void cs_bf_holders_dispose(struct cs_bf_holders *h);

/**
 * Decode an asset object. Required: asset, policy_id, fingerprint,
 * quantity (a string of digits: a number is an error), initial_mint_tx_hash
 * and mint_or_burn_count; asset_name may be null; the rest is ignored.
 *
 * @param out caller owns, cs_bf_asset_dispose() (zeroed on error)
 * @return 0 or CS_EPARSE naming the field
 */
CS_NODISCARD int cs_bf_decode_asset(const char *body, size_t len,
    struct cs_bf_asset *out, struct cs_error *err);

/**
 * Append the holders of one addresses page to list.
 *
 * @param page for messages
 * @param count out, how many the page held (a short page ends the walk)
 * @return 0 or CS_EPARSE (list keeps the earlier pages' holders)
 */
CS_NODISCARD int cs_bf_decode_holders(const char *body, size_t len, int page,
    struct cs_bf_holders *list, size_t *count, struct cs_error *err);

/**
 * The message of a Blockfrost error body {status_code, error, message}:
 * message, else error. Writes "" when the body has neither.
 */
void cs_bf_error_message(const char *body, size_t len, char *out, size_t size);

/** True when s is a decimal string of 1 to 78 digits (u256 fits). */
bool cs_bf_is_quantity(const char *s);

/** A quantity without its leading zeros ("0" stays "0"); borrowed from s. */
const char *cs_bf_quantity_norm(const char *s);

#endif
