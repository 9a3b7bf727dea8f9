/* SPDX-License-Identifier: MIT */
/*
 * Wallet addresses; see wallet.h. The bech32 code is hand-written after
 * BIP-173's reference implementation (polymod, prefix expansion, 5/8-bit
 * regrouping): no library Debian ships decodes bech32 with Cardano's longer
 * addresses, and the whole of it is these hundred lines.
 */
#include "core/wallet.h"

#include <string.h>

#include "core/pure.h"

static const char charset[] = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";

/* BIP-173: the checksum of a valid bech32 string makes this 1. */
static uint32_t
polymod_step(uint32_t chk, uint8_t v)
{
	static const uint32_t gen[5] = {
	    0x3b6a57b2u, 0x26508e6du, 0x1ea119fau, 0x3d4233ddu, 0x2a1462b3u};
	uint32_t top = chk >> 25;
	int i;

	chk = ((chk & 0x1ffffffu) << 5) ^ v;
	for (i = 0; i < 5; i++) {
		if ((top >> i) & 1u)
			chk ^= gen[i];
	}
	return chk;
}

static uint32_t
polymod_hrp(const char *hrp, size_t n)
{
	uint32_t chk = 1;
	size_t i;

	for (i = 0; i < n; i++)
		chk = polymod_step(chk, (uint8_t)((unsigned char)hrp[i] >> 5));
	chk = polymod_step(chk, 0);
	for (i = 0; i < n; i++)
		chk = polymod_step(chk, (uint8_t)((unsigned char)hrp[i] & 31));
	return chk;
}

static int
charset_value(char c)
{
	const char *p = strchr(charset, c);

	return c != '\0' && p != NULL ? (int)(p - charset) : -1;
}

static char
lower(char c)
{
	if (c >= 'A' && c <= 'Z')
		c = (char)(c - 'A' + 'a');
	return c;
}

int
cs_bech32_encode(
    char *out, size_t size, const char *hrp, const uint8_t *data, size_t len)
{
	uint8_t five[(CS_WALLET_MAX_BYTES * 8 + 4) / 5 + 8];
	size_t hlen = strlen(hrp), n = 0, i, o = 0;
	uint32_t acc = 0, chk;
	unsigned bits = 0;

	if (len > CS_WALLET_MAX_BYTES)
		return CS_ETOOBIG;
	for (i = 0; i < len; i++) {
		acc = (acc << 8) | data[i];
		bits += 8;
		while (bits >= 5) {
			bits -= 5;
			five[n++] = (uint8_t)((acc >> bits) & 31u);
		}
	}
	if (bits > 0)
		five[n++] = (uint8_t)((acc << (5 - bits)) & 31u);
	if (hlen + 1 + n + 6 + 1 > size)
		return CS_ETOOBIG;
	chk = polymod_hrp(hrp, hlen);
	for (i = 0; i < n; i++)
		chk = polymod_step(chk, five[i]);
	for (i = 0; i < 6; i++)
		chk = polymod_step(chk, 0);
	chk ^= 1;
	memcpy(out, hrp, hlen);
	o = hlen;
	out[o++] = '1';
	for (i = 0; i < n; i++)
		out[o++] = charset[five[i]];
	for (i = 0; i < 6; i++)
		out[o++] = charset[(chk >> (5 * (5 - i))) & 31u];
	out[o] = '\0';
	return 0;
}

enum cs_wallet_fault
cs_bech32_decode(const char *s, size_t max_chars, char *hrp, size_t hrp_size,
    uint8_t *data, size_t data_size, size_t *data_len)
{
	size_t len, sep, i, n = 0;
	bool has_lower = false, has_upper = false;
	uint32_t chk, acc = 0;
	unsigned bits = 0;
	int v;

	*data_len = 0;
	if (s == NULL || *s == '\0')
		return CS_WALLET_EMPTY;
	len = strnlen(s, max_chars + 1);
	if (len > max_chars)
		return CS_WALLET_TOO_LONG;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 33 || c > 126)
			return CS_WALLET_NOT_BECH32;
		has_lower = has_lower || (c >= 'a' && c <= 'z');
		has_upper = has_upper || (c >= 'A' && c <= 'Z');
	}
	if (has_lower && has_upper)
		return CS_WALLET_MIXED_CASE;
	/* The separator is the last '1': the prefix may contain ones. */
	sep = len;
	for (i = len; i > 0; i--) {
		if (s[i - 1] == '1') {
			sep = i - 1;
			break;
		}
	}
	if (sep == len || sep == 0 || len - sep - 1 < 6 || sep >= hrp_size)
		return CS_WALLET_NOT_BECH32;
	for (i = 0; i < sep; i++)
		hrp[i] = lower(s[i]);
	hrp[sep] = '\0';
	chk = polymod_hrp(hrp, sep);
	for (i = sep + 1; i < len; i++) {
		v = charset_value(lower(s[i]));
		if (v < 0)
			return CS_WALLET_NOT_BECH32;
		chk = polymod_step(chk, (uint8_t)v);
		if (i >= len - 6)
			continue; /* the checksum: not data */
		acc = (acc << 5) | (uint32_t)v;
		bits += 5;
		if (bits >= 8) {
			bits -= 8;
			if (n < data_size)
				data[n] = (uint8_t)((acc >> bits) & 0xffu);
			n++;
		}
	}
	if (chk != 1)
		return CS_WALLET_CHECKSUM;
	/* Too long for data, or BIP-173's convertbits without padding
	 * refuses it: more than 4 left-over bits, or any of them set. */
	if (n > data_size || bits >= 5 || (acc & ((1u << bits) - 1u)) != 0)
		return CS_WALLET_BAD_PAYLOAD;
	*data_len = n;
	return CS_WALLET_OK;
}

/* The CIP-19 header types. */
#define TYPE_BASE_MAX 3
#define TYPE_POINTER_KEY 4
#define TYPE_POINTER_SCRIPT 5
#define TYPE_ENTERPRISE_KEY 6
#define TYPE_ENTERPRISE_SCRIPT 7
#define TYPE_STAKE_KEY 14
#define TYPE_STAKE_SCRIPT 15
#define HASH_LEN 28

/* A pointer: three variable-length naturals (7 bits a byte, high bit set
 * on all but the last), nothing after them. */
static bool
pointer_ok(const uint8_t *p, size_t n)
{
	size_t i = 0;
	int k;

	for (k = 0; k < 3; k++) {
		size_t start = i;

		while (i < n && (p[i] & 0x80u) != 0)
			i++;
		if (i == n || i - start >= 10)
			return false;
		i++;
	}
	return i == n;
}

static enum cs_wallet_fault
check_payload(const uint8_t *d, size_t n, bool stake_prefix, uint8_t net_tag)
{
	unsigned type;

	if (n == 0)
		return CS_WALLET_BAD_PAYLOAD;
	type = d[0] >> 4;
	if ((d[0] & 0x0fu) != net_tag)
		return CS_WALLET_BAD_PAYLOAD;
	if (stake_prefix)
		return (type == TYPE_STAKE_KEY || type == TYPE_STAKE_SCRIPT) &&
		               n == 1 + HASH_LEN
		           ? CS_WALLET_OK
		           : CS_WALLET_BAD_PAYLOAD;
	if (type <= TYPE_BASE_MAX)
		return n == 1 + 2 * HASH_LEN ? CS_WALLET_OK
		                             : CS_WALLET_BAD_PAYLOAD;
	if (type == TYPE_POINTER_KEY || type == TYPE_POINTER_SCRIPT)
		return n > 1 + HASH_LEN &&
		               pointer_ok(d + 1 + HASH_LEN, n - 1 - HASH_LEN)
		           ? CS_WALLET_OK
		           : CS_WALLET_BAD_PAYLOAD;
	if (type == TYPE_ENTERPRISE_KEY || type == TYPE_ENTERPRISE_SCRIPT)
		return n == 1 + HASH_LEN ? CS_WALLET_OK : CS_WALLET_BAD_PAYLOAD;
	return CS_WALLET_BAD_PAYLOAD; /* Byron (8) in bech32, or reserved */
}

enum cs_wallet_fault
cs_wallet_parse(const char *s, enum cs_network network,
    enum cs_wallet_accept accept, struct cs_wallet *out)
{
	const bool mainnet = network == CS_NETWORK_MAINNET;
	const char *addr_hrp = mainnet ? "addr" : "addr_test";
	const char *stake_hrp = mainnet ? "stake" : "stake_test";
	const uint8_t net_tag = mainnet ? 1 : 0;
	uint8_t d[CS_WALLET_MAX_BYTES], sk[1 + HASH_LEN];
	enum cs_wallet_fault f;
	char hrp[16];
	bool stake_prefix;
	size_t n, i;

	memset(out, 0, sizeof(*out));
	f = cs_bech32_decode(
	    s, CS_WALLET_MAX_CHARS, hrp, sizeof(hrp), d, sizeof(d), &n);
	/* A bad payload under a foreign prefix is a foreign address. */
	if (f != CS_WALLET_OK && f != CS_WALLET_BAD_PAYLOAD)
		return f;
	stake_prefix = strcmp(hrp, stake_hrp) == 0;
	if (strcmp(hrp, addr_hrp) != 0 && !stake_prefix) {
		if (strcmp(hrp, "addr") == 0 || strcmp(hrp, "addr_test") == 0 ||
		    strcmp(hrp, "stake") == 0 || strcmp(hrp, "stake_test") == 0)
			return CS_WALLET_WRONG_NETWORK;
		return CS_WALLET_UNKNOWN_PREFIX;
	}
	if (stake_prefix && accept == CS_WALLET_PAYMENT_ONLY)
		return CS_WALLET_STAKE_ONLY;
	if (f != CS_WALLET_OK)
		return f;
	f = check_payload(d, n, stake_prefix, net_tag);
	if (f != CS_WALLET_OK)
		return f;
	for (i = 0; s[i] != '\0'; i++)
		out->address[i] = lower(s[i]);
	out->address[i] = '\0';
	out->header = d[0];
	out->is_stake = stake_prefix;
	if (stake_prefix) {
		memcpy(out->stake, out->address, i + 1);
	} else if ((d[0] >> 4) <= TYPE_BASE_MAX) {
		/* Types 2 and 3 delegate to a script: stake type 15. */
		sk[0] =
		    (uint8_t)(((d[0] & 0x20u) != 0 ? 0xf0u : 0xe0u) | net_tag);
		memcpy(sk + 1, d + 1 + HASH_LEN, HASH_LEN);
		if (cs_bech32_encode(out->stake, sizeof(out->stake), stake_hrp,
		        sk, sizeof(sk)) < 0)
			return CS_WALLET_BAD_PAYLOAD; /* cannot happen: fits */
	}
	return CS_WALLET_OK;
}

const char *
cs_wallet_fault_msg(enum cs_wallet_fault f)
{
	switch (f) {
	case CS_WALLET_OK:
		return "a valid address";
	case CS_WALLET_EMPTY:
		return "the address is empty";
	case CS_WALLET_TOO_LONG:
		return "longer than any Cardano address accepted (108 "
		       "characters)";
	case CS_WALLET_MIXED_CASE:
		return "mixes upper and lower case (bech32 is all one or the "
		       "other)";
	case CS_WALLET_NOT_BECH32:
		return "not a bech32 Cardano address";
	case CS_WALLET_CHECKSUM:
		return "the checksum is wrong (a typo, or a truncated address)";
	case CS_WALLET_UNKNOWN_PREFIX:
		return "not a Cardano address (its prefix is not addr, "
		       "addr_test, stake or stake_test)";
	case CS_WALLET_WRONG_NETWORK:
		return "an address of the other network than the campaign's";
	case CS_WALLET_STAKE_ONLY:
		return "a stake address, not a payment address";
	case CS_WALLET_BAD_PAYLOAD:
		return "not a Shelley address of this network (header, "
		       "network tag or length)";
	}
	return "not a valid address";
}
