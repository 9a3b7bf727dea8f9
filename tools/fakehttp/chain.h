/* SPDX-License-Identifier: MIT */
/*
 * Deterministic Cardano-looking identifiers for the fakes: NFT uids, policy
 * ids, transaction hashes, bech32 addresses, CIP-14-shaped fingerprints and
 * IPFS CIDv0 hashes. Every value is a pure function of a seed string (through
 * SHA-256), so two runs, or the two fakes, derive the same values. The
 * encodings (bech32 checksums, base58) are real; the hashes behind them are
 * not Cardano's (see docs/internals/fakes.md).
 */
#ifndef CS_FAKEHTTP_CHAIN_H
#define CS_FAKEHTTP_CHAIN_H

#include <stdbool.h>
#include <stddef.h>

#define CS_FAKE_UID_LEN 36         /* 8-4-4-4-12 */
#define CS_FAKE_FINGERPRINT_LEN 44 /* "asset1" + 38 */
#define CS_FAKE_IPFS_LEN 46        /* "Qm" + 44 */
#define CS_FAKE_ADDRESS_MAX 112    /* "addr_test1" + 98 */

/** SHA-256 of len bytes. */
void cs_fake_sha256(const void *data, size_t len, unsigned char out[32]);

/** Lowercase hex of len bytes into out[2 * len + 1]. */
void cs_fake_hex(const unsigned char *in, size_t len, char *out);

/** Lowercase hex of the first nbytes of SHA-256(seed): out[2 * nbytes + 1]. */
void cs_fake_hash_hex(const char *seed, size_t nbytes, char *out);

/**
 * A v4-style GUID from SHA-256(seed): the first 16 bytes, with the version
 * nibble set to 4 and the variant bits to 10, lowercase 8-4-4-4-12.
 */
void cs_fake_uid(const char *seed, char out[CS_FAKE_UID_LEN + 1]);

/** The uid of seeded NFT i (1-based) of a project: cs_fake_uid("P:i"). */
void cs_fake_nft_uid(
    const char *project_uid, long i, char out[CS_FAKE_UID_LEN + 1]);

/**
 * Lowercase hex of the bytes of s into out (at most outsize - 1 chars).
 * @return false if it did not fit (out is then empty)
 */
bool cs_fake_hexstr(const char *s, char *out, size_t outsize);

/**
 * Bech32 (BIP-173, no length limit) of len 8-bit bytes under hrp.
 * @return false if out is too small
 */
bool cs_fake_bech32(const char *hrp, const unsigned char *data, size_t len,
    char *out, size_t outsize);

/**
 * A Shelley base address (header 0x00 testnet / 0x01 mainnet, then 28 + 28
 * bytes from SHA-256("pay:" seed) and SHA-256("stake:" seed)), bech32 with
 * hrp addr_test or addr.
 */
void cs_fake_address(
    const char *seed, bool mainnet, char out[CS_FAKE_ADDRESS_MAX + 1]);

/**
 * An "asset1…" fingerprint: bech32("asset", first 20 bytes of
 * SHA-256(asset_hex)). CIP-14 uses blake2b-160 of the raw bytes instead.
 */
void cs_fake_fingerprint(
    const char *asset_hex, char out[CS_FAKE_FINGERPRINT_LEN + 1]);

/** A CIDv0 ("Qm…", base58 of the sha2-256 multihash of SHA-256(seed)). */
void cs_fake_ipfs_hash(const char *seed, char out[CS_FAKE_IPFS_LEN + 1]);

/** nbytes random bytes (OpenSSL RAND_bytes) as lowercase hex. */
void cs_fake_random_hex(size_t nbytes, char *out);

/**
 * Base64 of HMAC-SHA256(key, msg) into out (45 bytes: 44 chars and NUL), as
 * NMKR computes a webhook's payloadHash.
 */
void cs_fake_hmac_b64(
    const char *key, const void *msg, size_t len, char out[45]);

/**
 * URL-encode like .NET's HttpUtility.UrlEncode: unreserved bytes
 * (A-Z a-z 0-9 - _ . ! * ( )) stay, space becomes '+', the rest becomes
 * lowercase %xx. @return false if out is too small
 */
bool cs_fake_urlencode_net(const char *s, char *out, size_t outsize);

#endif
