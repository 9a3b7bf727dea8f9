/* SPDX-License-Identifier: MIT */
/* Deterministic identifiers and their encodings; see chain.h. */
#include "chain.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include "util/banned.h"

#define BECH32_MAX_VALUES 256

static const char bech32_charset[] = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";

void
cs_fake_sha256(const void *data, size_t len, unsigned char out[32])
{
	SHA256(data, len, out);
}

void
cs_fake_hex(const unsigned char *in, size_t len, char *out)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < len; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 15];
	}
	out[2 * len] = '\0';
}

void
cs_fake_hash_hex(const char *seed, size_t nbytes, char *out)
{
	unsigned char md[32];

	if (nbytes > sizeof(md))
		nbytes = sizeof(md);
	cs_fake_sha256(seed, strlen(seed), md);
	cs_fake_hex(md, nbytes, out);
}

void
cs_fake_uid(const char *seed, char out[CS_FAKE_UID_LEN + 1])
{
	unsigned char md[32];
	char hex[33];

	cs_fake_sha256(seed, strlen(seed), md);
	md[6] = (unsigned char)((md[6] & 0x0f) | 0x40);
	md[8] = (unsigned char)((md[8] & 0x3f) | 0x80);
	cs_fake_hex(md, 16, hex);
	snprintf(out, CS_FAKE_UID_LEN + 1, "%.8s-%.4s-%.4s-%.4s-%.12s", hex,
	    hex + 8, hex + 12, hex + 16, hex + 20);
}

void
cs_fake_nft_uid(const char *project_uid, long i, char out[CS_FAKE_UID_LEN + 1])
{
	char seed[128];

	snprintf(seed, sizeof(seed), "%s:%ld", project_uid, i);
	cs_fake_uid(seed, out);
}

bool
cs_fake_hexstr(const char *s, char *out, size_t outsize)
{
	size_t len = strlen(s);

	if (outsize == 0 || len > (outsize - 1) / 2) {
		if (outsize > 0)
			out[0] = '\0';
		return false;
	}
	cs_fake_hex((const unsigned char *)s, len, out);
	return true;
}

static uint32_t
bech32_polymod(const unsigned char *v, size_t n)
{
	static const uint32_t gen[5] = {
	    0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3};
	uint32_t chk = 1, top;
	size_t i;
	int j;

	for (i = 0; i < n; i++) {
		top = chk >> 25;
		chk = ((chk & 0x1ffffff) << 5) ^ v[i];
		for (j = 0; j < 5; j++) {
			if ((top >> j) & 1)
				chk ^= gen[j];
		}
	}
	return chk;
}

bool
cs_fake_bech32(const char *hrp, const unsigned char *data, size_t len,
    char *out, size_t outsize)
{
	unsigned char v[BECH32_MAX_VALUES];
	size_t hlen = strlen(hrp), n = 0, ndata, i, o = 0;
	uint32_t acc = 0, mod;
	int bits = 0;

	ndata = (len * 8 + 4) / 5;
	if (2 * hlen + 1 + ndata + 6 > sizeof(v) ||
	    hlen + 1 + ndata + 6 + 1 > outsize)
		return false;
	for (i = 0; i < hlen; i++)
		v[n++] = (unsigned char)(hrp[i] >> 5);
	v[n++] = 0;
	for (i = 0; i < hlen; i++)
		v[n++] = (unsigned char)(hrp[i] & 31);
	for (i = 0; i < len; i++) {
		acc = (acc << 8) | data[i];
		bits += 8;
		while (bits >= 5) {
			bits -= 5;
			v[n++] = (unsigned char)((acc >> bits) & 31);
		}
	}
	if (bits > 0)
		v[n++] = (unsigned char)((acc << (5 - bits)) & 31);
	memset(v + n, 0, 6);
	mod = bech32_polymod(v, n + 6) ^ 1;
	for (i = 0; i < 6; i++)
		v[n + i] = (unsigned char)((mod >> (5 * (5 - i))) & 31);
	n += 6;
	memcpy(out, hrp, hlen);
	o = hlen;
	out[o++] = '1';
	for (i = 2 * hlen + 1; i < n; i++)
		out[o++] = bech32_charset[v[i]];
	out[o] = '\0';
	return true;
}

void
cs_fake_address(
    const char *seed, bool mainnet, char out[CS_FAKE_ADDRESS_MAX + 1])
{
	unsigned char raw[57], md[32];
	char buf[256];

	raw[0] = mainnet ? 0x01 : 0x00;
	snprintf(buf, sizeof(buf), "pay:%s", seed);
	cs_fake_sha256(buf, strlen(buf), md);
	memcpy(raw + 1, md, 28);
	snprintf(buf, sizeof(buf), "stake:%s", seed);
	cs_fake_sha256(buf, strlen(buf), md);
	memcpy(raw + 29, md, 28);
	if (!cs_fake_bech32(mainnet ? "addr" : "addr_test", raw, sizeof(raw),
	        out, CS_FAKE_ADDRESS_MAX + 1))
		out[0] = '\0';
}

void
cs_fake_fingerprint(
    const char *asset_hex, char out[CS_FAKE_FINGERPRINT_LEN + 1])
{
	unsigned char md[32];

	cs_fake_sha256(asset_hex, strlen(asset_hex), md);
	if (!cs_fake_bech32("asset", md, 20, out, CS_FAKE_FINGERPRINT_LEN + 1))
		out[0] = '\0';
}

void
cs_fake_ipfs_hash(const char *seed, char out[CS_FAKE_IPFS_LEN + 1])
{
	static const char alphabet[] =
	    "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
	unsigned char mh[34], digits[64] = {0};
	size_t ndigits = 0, i, j, o = 0;

	mh[0] = 0x12; /* sha2-256 */
	mh[1] = 0x20; /* 32 bytes */
	cs_fake_sha256(seed, strlen(seed), mh + 2);
	/* Base58: repeated division of the big number by 58. */
	for (i = 0; i < sizeof(mh); i++) {
		unsigned int carry = mh[i];

		for (j = 0; j < ndigits; j++) {
			carry += (unsigned int)digits[j] << 8;
			digits[j] = (unsigned char)(carry % 58);
			carry /= 58;
		}
		while (carry > 0 && ndigits < sizeof(digits)) {
			digits[ndigits++] = (unsigned char)(carry % 58);
			carry /= 58;
		}
	}
	/* The multihash starts with 0x12, so there are no leading zeros. */
	for (i = ndigits; i > 0 && o < CS_FAKE_IPFS_LEN; i--)
		out[o++] = alphabet[digits[i - 1]];
	out[o] = '\0';
}

void
cs_fake_random_hex(size_t nbytes, char *out)
{
	unsigned char raw[64];
	size_t i;

	if (nbytes > sizeof(raw))
		nbytes = sizeof(raw);
	if (RAND_bytes(raw, (int)nbytes) != 1) {
		/* Not security-relevant in a fake; fall back to rand(). */
		for (i = 0; i < nbytes; i++)
			raw[i] =
			    (unsigned char)rand(); /* NOLINT(cert-msc30-c) */
	}
	cs_fake_hex(raw, nbytes, out);
}

void
cs_fake_hmac_b64(const char *key, const void *msg, size_t len, char out[45])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;

	HMAC(EVP_sha256(), key, (int)strlen(key), msg, len, md, &mdlen);
	EVP_EncodeBlock((unsigned char *)out, md, (int)mdlen);
}

bool
cs_fake_urlencode_net(const char *s, char *out, size_t outsize)
{
	static const char digits[] = "0123456789abcdef";
	const unsigned char *p;
	size_t o = 0;

	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (o + 4 > outsize)
			return false;
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || strchr("-_.!*()", *p) != NULL) {
			out[o++] = (char)*p;
		} else if (*p == ' ') {
			out[o++] = '+';
		} else {
			out[o++] = '%';
			out[o++] = digits[*p >> 4];
			out[o++] = digits[*p & 15];
		}
	}
	if (o + 1 > outsize)
		return false;
	out[o] = '\0';
	return true;
}
