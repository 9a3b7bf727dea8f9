/* SPDX-License-Identifier: MIT */
/*
 * Wallet addresses: which strings are a buyer's wallet, in which one form
 * they are stored, and how an allow-list entry matches a reserving wallet.
 *
 * A wallet is a Cardano Shelley address in bech32 (CIP-19, prefixes of
 * CIP-5): `addr` on mainnet, `addr_test` on preprod, with a valid BIP-173
 * checksum (bech32, not bech32m) and Cardano's longer length (a testnet
 * base address is 108 characters, over BIP-173's 90). Bech32 is either all
 * upper or all lower case; the stored, canonical form is lower case, so one
 * address is one buyer however it was typed. Allow-list entries may also be
 * stake addresses (`stake`, `stake_test`); a base address (CIP-19 header
 * types 0 to 3) matches the stake address of its delegation part.
 */
#ifndef CS_CORE_WALLET_H
#define CS_CORE_WALLET_H

#include <stddef.h>
#include <stdint.h>

#include "core/model.h"

/* The longest address accepted, in characters: a testnet base address
 * (10 characters of prefix and separator, 92 of data, 6 of checksum). */
#define CS_WALLET_MAX_CHARS 108
/* The longest payload accepted, in bytes (a base address: header and two
 * 28-byte hashes). */
#define CS_WALLET_MAX_BYTES 57

/* What a string may be. */
enum cs_wallet_accept {
	CS_WALLET_PAYMENT_ONLY = 0, /* a reservation's wallet */
	CS_WALLET_PAYMENT_OR_STAKE, /* an allow-list entry */
};

/* Why a string is not an acceptable address. */
enum cs_wallet_fault {
	CS_WALLET_OK = 0,
	CS_WALLET_EMPTY,
	CS_WALLET_TOO_LONG,
	CS_WALLET_MIXED_CASE,
	CS_WALLET_NOT_BECH32, /* no separator, a character outside bech32 */
	CS_WALLET_CHECKSUM,
	CS_WALLET_UNKNOWN_PREFIX, /* not addr, addr_test, stake, stake_test */
	CS_WALLET_WRONG_NETWORK,  /* a prefix of the other network */
	CS_WALLET_STAKE_ONLY,     /* a stake address where a wallet is needed */
	CS_WALLET_BAD_PAYLOAD,    /* header, network tag or length wrong */
};

struct cs_wallet {
	char address[CS_WALLET_MAX_CHARS + 1]; /* canonical: lower case */
	/* The stake address of a base address's delegation part, or of the
	 * stake address itself; "" when there is none (enterprise, pointer). */
	char stake[CS_WALLET_MAX_CHARS + 1];
	bool is_stake;  /* a stake (reward) address */
	uint8_t header; /* CIP-19 header byte */
};

/**
 * Parse s as an address of network.
 *
 * @param out filled when the result is CS_WALLET_OK (zeroed otherwise)
 * @return CS_WALLET_OK or why s is refused
 */
enum cs_wallet_fault cs_wallet_parse(const char *s, enum cs_network network,
    enum cs_wallet_accept accept, struct cs_wallet *out);

/** A one-line, lower-case explanation of a fault, for API answers. */
const char *cs_wallet_fault_msg(enum cs_wallet_fault f);

/**
 * BIP-173 bech32 encoding of data (bytes) under hrp (lower case).
 *
 * @return 0, or CS_ETOOBIG when out (size bytes, with the NUL) is short
 */
CS_NODISCARD int cs_bech32_encode(
    char *out, size_t size, const char *hrp, const uint8_t *data, size_t len);

/**
 * BIP-173 bech32 decoding with a maximum length of max_chars. hrp receives
 * the lower-case prefix, data the bytes (8-bit groups; the padding must be
 * zero bits, fewer than 5).
 *
 * @return CS_WALLET_OK, or EMPTY, TOO_LONG, MIXED_CASE, NOT_BECH32,
 *         CHECKSUM, BAD_PAYLOAD (data does not fit or bad padding)
 */
enum cs_wallet_fault cs_bech32_decode(const char *s, size_t max_chars,
    char *hrp, size_t hrp_size, uint8_t *data, size_t data_size,
    size_t *data_len);

#endif
