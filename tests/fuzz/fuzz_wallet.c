/* SPDX-License-Identifier: MIT */
/* Wallets from buyers and allow-lists (cs_wallet_parse, core/wallet.c):
 * whatever is accepted is canonical (lower case, no longer than the
 * limit), parses again to itself, and its bech32 decodes and re-encodes to
 * the same text. */
#include "fuzz.h"

#include <ctype.h>
#include <string.h>

#include "core/wallet.h"

static void
check_accepted(const char *s, enum cs_network net, enum cs_wallet_accept acc)
{
	struct cs_wallet w, again;
	char hrp[16], text[CS_WALLET_MAX_CHARS + 1];
	uint8_t data[CS_WALLET_MAX_BYTES];
	size_t len = 0, i;

	if (cs_wallet_parse(s, net, acc, &w) != CS_WALLET_OK)
		return;
	FUZZ_CHECK(strlen(w.address) <= CS_WALLET_MAX_CHARS);
	for (i = 0; w.address[i] != '\0'; i++)
		FUZZ_CHECK(!isupper((unsigned char)w.address[i]));
	FUZZ_CHECK(acc == CS_WALLET_PAYMENT_OR_STAKE || !w.is_stake);
	FUZZ_CHECK(
	    cs_wallet_parse(w.address, net, acc, &again) == CS_WALLET_OK);
	FUZZ_CHECK(strcmp(again.address, w.address) == 0);
	FUZZ_CHECK(strcmp(again.stake, w.stake) == 0);
	FUZZ_CHECK(cs_bech32_decode(w.address, CS_WALLET_MAX_CHARS, hrp,
	               sizeof(hrp), data, sizeof(data), &len) == CS_WALLET_OK);
	FUZZ_CHECK(cs_bech32_encode(text, sizeof(text), hrp, data, len) == 0);
	FUZZ_CHECK(strcmp(text, w.address) == 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	FUZZ_CHECK(s != NULL);
	memcpy(s, data, size);
	s[size] = '\0';
	check_accepted(s, CS_NETWORK_MAINNET, CS_WALLET_PAYMENT_ONLY);
	check_accepted(s, CS_NETWORK_PREPROD, CS_WALLET_PAYMENT_ONLY);
	check_accepted(s, CS_NETWORK_MAINNET, CS_WALLET_PAYMENT_OR_STAKE);
	check_accepted(s, CS_NETWORK_PREPROD, CS_WALLET_PAYMENT_OR_STAKE);
	free(s);
	return 0;
}
