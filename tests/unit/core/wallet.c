/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of wallet addresses (core/wallet.c): BIP-173's test vectors for
 * bech32 itself, CIP-19's test vectors for every Shelley address type, and
 * the strings a hostile client sends.
 */
#include "test.h"

#include <stdio.h>
#include <string.h>

#include "core/wallet.h"

/* CIP-19 "Test Vectors" (CIP-0019/README.md of cardano-foundation/CIPs):
 * one payment key, one stake key, one script, one pointer. */
#define M00                                                                    \
	"addr1qx2fxv2umyhttkxyxp8x0dlpdt3k6cwng5pxj3jhsydzer3n0d3vllmyqwsx5w"  \
	"ktcd8cc3sq835lu7drv2xwl2wywfgse35a3x"
#define M01                                                                    \
	"addr1z8phkx6acpnf78fuvxn0mkew3l0fd058hzquvz7w36x4gten0d3vllmyqwsx5w"  \
	"ktcd8cc3sq835lu7drv2xwl2wywfgs9yc0hh"
#define M02                                                                    \
	"addr1yx2fxv2umyhttkxyxp8x0dlpdt3k6cwng5pxj3jhsydzerkr0vd4msrxnuwncc"  \
	"dxlhdjar77j6lg0wypcc9uar5d2shs2z78ve"
#define M03                                                                    \
	"addr1x8phkx6acpnf78fuvxn0mkew3l0fd058hzquvz7w36x4gt7r0vd4msrxnuwncc"  \
	"dxlhdjar77j6lg0wypcc9uar5d2shskhj42g"
#define M04                                                                    \
	"addr1gx2fxv2umyhttkxyxp8x0dlpdt3k6cwng5pxj3jhsydzer5pnz75xxcrzqf96k"
#define M05                                                                    \
	"addr128phkx6acpnf78fuvxn0mkew3l0fd058hzquvz7w36x4gtupnz75xxcrtw79hu"
#define M06 "addr1vx2fxv2umyhttkxyxp8x0dlpdt3k6cwng5pxj3jhsydzers66hrl8"
#define M07 "addr1w8phkx6acpnf78fuvxn0mkew3l0fd058hzquvz7w36x4gtcyjy7wx"
#define M14 "stake1uyehkck0lajq8gr28t9uxnuvgcqrc6070x3k9r8048z8y5gh6ffgw"
#define M15 "stake178phkx6acpnf78fuvxn0mkew3l0fd058hzquvz7w36x4gtcccycj5"
#define T00                                                                    \
	"addr_test1qz2fxv2umyhttkxyxp8x0dlpdt3k6cwng5pxj3jhsydzer3n0d3vllmyq"  \
	"wsx5wktcd8cc3sq835lu7drv2xwl2wywfgs68faae"
#define T01                                                                    \
	"addr_test1zrphkx6acpnf78fuvxn0mkew3l0fd058hzquvz7w36x4gten0d3vllmyq"  \
	"wsx5wktcd8cc3sq835lu7drv2xwl2wywfgsxj90mg"
#define T02                                                                    \
	"addr_test1yz2fxv2umyhttkxyxp8x0dlpdt3k6cwng5pxj3jhsydzerkr0vd4msrxn"  \
	"uwnccdxlhdjar77j6lg0wypcc9uar5d2shsf5r8qx"
#define T03                                                                    \
	"addr_test1xrphkx6acpnf78fuvxn0mkew3l0fd058hzquvz7w36x4gt7r0vd4msrxn"  \
	"uwnccdxlhdjar77j6lg0wypcc9uar5d2shs4p04xh"
#define T04                                                                    \
	"addr_test1gz2fxv2umyhttkxyxp8x0dlpdt3k6cwng5pxj3jhsydzer5pnz75xxcrd"  \
	"w5vky"
#define T05                                                                    \
	"addr_test12rphkx6acpnf78fuvxn0mkew3l0fd058hzquvz7w36x4gtupnz75xxcry"  \
	"qrvmw"
#define T06 "addr_test1vz2fxv2umyhttkxyxp8x0dlpdt3k6cwng5pxj3jhsydzerspjrlsz"
#define T07 "addr_test1wrphkx6acpnf78fuvxn0mkew3l0fd058hzquvz7w36x4gtcl6szpr"
#define T14 "stake_test1uqehkck0lajq8gr28t9uxnuvgcqrc6070x3k9r8048z8y5gssrtvn"
#define T15 "stake_test17rphkx6acpnf78fuvxn0mkew3l0fd058hzquvz7w36x4gtcljw6kf"

#define MAIN CS_NETWORK_MAINNET
#define TEST CS_NETWORK_PREPROD
#define PAY CS_WALLET_PAYMENT_ONLY
#define ANY CS_WALLET_PAYMENT_OR_STAKE

struct row {
	const char *in;
	enum cs_network net;
	enum cs_wallet_accept accept;
	enum cs_wallet_fault want;
	const char *stake; /* expected stake part; NULL: "" */
};

static const struct row rows[] = {
    /* Every CIP-19 type on its network; base addresses carry the stake
     * address of their delegation part (a key for 0 and 1, a script for 2
     * and 3: CIP-19's type-14 and type-15 vectors). */
    {M00, MAIN, PAY, CS_WALLET_OK, M14},
    {M01, MAIN, PAY, CS_WALLET_OK, M14},
    {M02, MAIN, PAY, CS_WALLET_OK, M15},
    {M03, MAIN, PAY, CS_WALLET_OK, M15},
    {M04, MAIN, PAY, CS_WALLET_OK, NULL},
    {M05, MAIN, PAY, CS_WALLET_OK, NULL},
    {M06, MAIN, PAY, CS_WALLET_OK, NULL},
    {M07, MAIN, PAY, CS_WALLET_OK, NULL},
    {T00, TEST, PAY, CS_WALLET_OK, T14},
    {T01, TEST, PAY, CS_WALLET_OK, T14},
    {T02, TEST, PAY, CS_WALLET_OK, T15},
    {T03, TEST, PAY, CS_WALLET_OK, T15},
    {T04, TEST, PAY, CS_WALLET_OK, NULL},
    {T05, TEST, PAY, CS_WALLET_OK, NULL},
    {T06, TEST, PAY, CS_WALLET_OK, NULL},
    {T07, TEST, PAY, CS_WALLET_OK, NULL},
    /* Stake addresses: allow-list entries only. */
    {M14, MAIN, ANY, CS_WALLET_OK, M14},
    {M15, MAIN, ANY, CS_WALLET_OK, M15},
    {T14, TEST, ANY, CS_WALLET_OK, T14},
    {T15, TEST, ANY, CS_WALLET_OK, T15},
    {T00, TEST, ANY, CS_WALLET_OK, T14},
    {M14, MAIN, PAY, CS_WALLET_STAKE_ONLY, NULL},
    {T15, TEST, PAY, CS_WALLET_STAKE_ONLY, NULL},
    /* The other network. */
    {T00, MAIN, PAY, CS_WALLET_WRONG_NETWORK, NULL},
    {M00, TEST, PAY, CS_WALLET_WRONG_NETWORK, NULL},
    {T14, MAIN, ANY, CS_WALLET_WRONG_NETWORK, NULL},
    {M14, TEST, PAY, CS_WALLET_WRONG_NETWORK, NULL},
    /* What any string used to pass for. */
    {"x", TEST, PAY, CS_WALLET_NOT_BECH32, NULL},
    {"", TEST, PAY, CS_WALLET_EMPTY, NULL},
    {NULL, TEST, PAY, CS_WALLET_EMPTY, NULL},
    {"<script>alert(1)</script>", TEST, PAY, CS_WALLET_NOT_BECH32, NULL},
    {"addr_test1 qz2f", TEST, PAY, CS_WALLET_NOT_BECH32, NULL},
    {"stake_test1a", TEST, ANY, CS_WALLET_NOT_BECH32, NULL},
    {"addr_test1buyer", TEST, PAY, CS_WALLET_NOT_BECH32, NULL},
    /* One character changed (the last one: a checksum character). */
    {"addr_test1vz2fxv2umyhttkxyxp8x0dlpdt3k6cwng5pxj3jhsydzerspjrlsq", TEST,
        PAY, CS_WALLET_CHECKSUM, NULL},
    /* Two characters swapped in the data. */
    {"addr_test1vz2fxv2umyhttkxyxp8x0dlpdt3k6cwng5pxj3jhsydzresspjrlsz"
     "",
        TEST, PAY, CS_WALLET_CHECKSUM, NULL},
    /* A truncated address. */
    {"addr_test1vz2fxv2umyhttkxyxp8x0dlpdt3k6cwng5pxj3jhsydzerspjrls", TEST,
        PAY, CS_WALLET_CHECKSUM, NULL},
    /* Mixed case; all upper is the same address as all lower. */
    {"addr_test1Vz2fxv2umyhttkxyxp8x0dlpdt3k6cwng5pxj3jhsydzerspjrlsz", TEST,
        PAY, CS_WALLET_MIXED_CASE, NULL},
    {"ADDR_TEST1VZ2FXV2UMYHTTKXYXP8X0DLPDT3K6CWNG5PXJ3JHSYDZERSPJRLSZ", TEST,
        PAY, CS_WALLET_OK, NULL},
    /* Bech32 but not Cardano: BIP-173's own valid vectors. */
    {"abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw", TEST, PAY,
        CS_WALLET_UNKNOWN_PREFIX, NULL},
    {"bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4", MAIN, PAY,
        CS_WALLET_UNKNOWN_PREFIX, NULL},
    /* Longer than a testnet base address. */
    {T00 "q", TEST, PAY, CS_WALLET_TOO_LONG, NULL},
};

CS_TEST(core_wallet__table)
{
	struct cs_wallet w;
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct row *r = &rows[i];
		enum cs_wallet_fault f =
		    cs_wallet_parse(r->in, r->net, r->accept, &w);

		if (f != r->want) {
			fprintf(stderr,
			    "row %zu (%s): fault %d (%s), want %d\n", i,
			    r->in != NULL ? r->in : "NULL", (int)f,
			    cs_wallet_fault_msg(f), (int)r->want);
			ASSERT_EQ(f, r->want);
		}
		if (f != CS_WALLET_OK) {
			ASSERT_STR_EQ(w.address, "");
			continue;
		}
		ASSERT_STR_EQ(w.stake, r->stake != NULL ? r->stake : "");
		ASSERT_EQ(strlen(w.address), strlen(r->in));
	}
}

/* Upper case in, lower case out: one address is one buyer. */
CS_TEST(core_wallet__canonical_is_lower_case)
{
	struct cs_wallet a, b;
	char upper[sizeof(T00)];
	size_t i;

	for (i = 0; i < sizeof(T00); i++)
		upper[i] =
		    (char)(T00[i] >= 'a' && T00[i] <= 'z' ? T00[i] - 'a' + 'A'
		                                          : T00[i]);
	ASSERT_EQ(cs_wallet_parse(T00, TEST, PAY, &a), CS_WALLET_OK);
	ASSERT_EQ(cs_wallet_parse(upper, TEST, PAY, &b), CS_WALLET_OK);
	ASSERT_STR_EQ(a.address, T00);
	ASSERT_STR_EQ(b.address, T00);
	ASSERT_STR_EQ(b.stake, T14);
	ASSERT_EQ(a.header, 0x00);
	ASSERT_FALSE(a.is_stake);
	ASSERT_EQ(cs_wallet_parse(M14, MAIN, ANY, &a), CS_WALLET_OK);
	ASSERT_TRUE(a.is_stake);
	ASSERT_EQ(a.header, 0xe1);
}

/* BIP-173's vectors: bech32 itself, outside Cardano's prefixes. */
CS_TEST(core_wallet__bech32_vectors)
{
	static const char *const valid[] = {"A12UEL5L", "a12uel5l",
	    "abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw",
	    "split1checkupstagehandshakeupstreamerranterredcaperred2y9e3w",
	    "?1ezyfcl"};
	static const struct {
		const char *in;
		enum cs_wallet_fault want;
	} invalid[] = {
	    {"pzry9x0s0muk", CS_WALLET_NOT_BECH32},  /* no separator */
	    {"1pzry9x0s0muk", CS_WALLET_NOT_BECH32}, /* empty prefix */
	    {"x1b4n0q5v", CS_WALLET_NOT_BECH32},     /* 'b' is not bech32 */
	    {"li1dgmt3", CS_WALLET_NOT_BECH32},      /* checksum too short */
	    {"A1G7SGD8", CS_WALLET_CHECKSUM},   /* upper-case prefix hashed */
	    {"10a06t8", CS_WALLET_NOT_BECH32},  /* empty prefix */
	    {"1qzzfhee", CS_WALLET_NOT_BECH32}, /* empty prefix */
	    {"a12UEL5L", CS_WALLET_MIXED_CASE},
	    /* bech32m (BIP-350) is not bech32: Cardano uses bech32. */
	    {"a1lqfn3a", CS_WALLET_CHECKSUM},
	    {"abcdef1l7aum6echk45nj3s0wdvt2fg8x9yrzpqzd3ryx",
	        CS_WALLET_CHECKSUM},
	};
	uint8_t data[CS_WALLET_MAX_BYTES];
	char hrp[96];
	size_t i, n;

	for (i = 0; i < sizeof(valid) / sizeof(valid[0]); i++) {
		enum cs_wallet_fault f = cs_bech32_decode(
		    valid[i], 90, hrp, sizeof(hrp), data, sizeof(data), &n);

		if (f != CS_WALLET_OK)
			fprintf(stderr, "valid[%zu] %s: %d\n", i, valid[i], f);
		ASSERT_EQ(f, CS_WALLET_OK);
	}
	for (i = 0; i < sizeof(invalid) / sizeof(invalid[0]); i++) {
		enum cs_wallet_fault f = cs_bech32_decode(invalid[i].in, 90,
		    hrp, sizeof(hrp), data, sizeof(data), &n);

		if (f != invalid[i].want)
			fprintf(stderr, "invalid[%zu] %s: %d\n", i,
			    invalid[i].in, f);
		ASSERT_EQ(f, invalid[i].want);
	}
}

/* Encoding known bytes gives CIP-19's strings back, and decodes to them. */
CS_TEST(core_wallet__encode_round_trip)
{
	uint8_t bytes[CS_WALLET_MAX_BYTES], back[CS_WALLET_MAX_BYTES];
	char out[CS_WALLET_MAX_CHARS + 1], hrp[16];
	size_t n, i;

	/* Decode the mainnet base address, re-encode under the testnet
	 * prefix with the testnet tag: CIP-19's testnet vector. */
	ASSERT_EQ(cs_bech32_decode(M00, CS_WALLET_MAX_CHARS, hrp, sizeof(hrp),
	              bytes, sizeof(bytes), &n),
	    CS_WALLET_OK);
	ASSERT_STR_EQ(hrp, "addr");
	ASSERT_EQ(n, 57);
	ASSERT_EQ(bytes[0], 0x01);
	bytes[0] = 0x00;
	ASSERT_OK(cs_bech32_encode(out, sizeof(out), "addr_test", bytes, n));
	ASSERT_STR_EQ(out, T00);
	ASSERT_EQ(strlen(out), CS_WALLET_MAX_CHARS);
	ASSERT_ERR(CS_ETOOBIG,
	    cs_bech32_encode(out, CS_WALLET_MAX_CHARS, "addr_test", bytes, n));
	/* Any bytes survive the round trip. */
	for (i = 0; i < sizeof(bytes); i++)
		bytes[i] = (uint8_t)(i * 37 + 11);
	for (n = 0; n <= sizeof(bytes); n++) {
		size_t got;

		ASSERT_OK(cs_bech32_encode(out, sizeof(out), "x", bytes, n));
		ASSERT_EQ(cs_bech32_decode(out, CS_WALLET_MAX_CHARS, hrp,
		              sizeof(hrp), back, sizeof(back), &got),
		    CS_WALLET_OK);
		ASSERT_EQ(got, n);
		ASSERT_EQ(memcmp(back, bytes, n), 0);
	}
}
