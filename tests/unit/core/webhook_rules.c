/* SPDX-License-Identifier: MIT */
/* Unit tests of what an NMKR webhook means (core/webhook_rules.c). */
#include "test.h"

#include "core/webhook_rules.h"

/*
 * Every value of TransactionTypes in NMKR's source
 * (NMKR.Shared/Enums/TransactionTypes.cs), as its StringEnumConverter
 * writes them, with the class each must get.
 */
static const struct {
	const char *sale_type;
	enum cs_sale_class want;
} table[] = {
    {"paidonftaddress", CS_SALE_IS_SALE},
    {"mintfromcustomeraddress", CS_SALE_NOT_SALE},
    {"paidtocustomeraddress", CS_SALE_NOT_SALE},
    {"paidfromnftaddress", CS_SALE_NOT_SALE},
    {"consolitecustomeraddress", CS_SALE_NOT_SALE},
    {"paidfailedtransactiontocustomeraddress", CS_SALE_NOT_SALE},
    {"doublepaymentsendbacktobuyer", CS_SALE_NOT_SALE},
    {"paidonprojectaddress", CS_SALE_IS_SALE},
    {"fiatpayment", CS_SALE_UNKNOWN},
    {"mintfromnftmakeraddress", CS_SALE_NOT_SALE},
    {"burning", CS_SALE_NOT_SALE},
    {"decentralmintandsend", CS_SALE_NOT_SALE},
    {"decentralmintandsale", CS_SALE_IS_SALE},
    {"royaltsplit", CS_SALE_NOT_SALE},
    {"unknown", CS_SALE_NOT_SALE},
    {"directsale", CS_SALE_IS_SALE},
    {"auction", CS_SALE_IS_SALE},
    {"buymints", CS_SALE_NOT_SALE},
    {"refundmints", CS_SALE_NOT_SALE},
};

CS_TEST(core_webhook_rules__every_sale_type_of_the_enum)
{
	size_t i, sales = 0;

	/* 19 values in the enum: all of them, and no more. */
	ASSERT_EQ(sizeof(table) / sizeof(table[0]), 19);
	for (i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		if (cs_sale_type_classify(table[i].sale_type) != table[i].want)
			cs_test_fail(__FILE__, __LINE__, "%s: got %d, want %d",
			    table[i].sale_type,
			    (int)cs_sale_type_classify(table[i].sale_type),
			    (int)table[i].want);
		sales += table[i].want == CS_SALE_IS_SALE;
	}
	ASSERT_EQ(sales, 5);
}

CS_TEST(core_webhook_rules__case_and_values_outside_the_enum)
{
	/* Names are matched without regard to case. */
	ASSERT_EQ(cs_sale_type_classify("PAIDonftaddress"), CS_SALE_IS_SALE);
	ASSERT_EQ(cs_sale_type_classify("BURNING"), CS_SALE_NOT_SALE);
	ASSERT_EQ(cs_sale_type_classify("FiatPayment"), CS_SALE_UNKNOWN);
	/* Absent (or a number, which the handler sees as NULL), empty,
	 * padded, made up: left to the sync. */
	ASSERT_EQ(cs_sale_type_classify(NULL), CS_SALE_UNKNOWN);
	ASSERT_EQ(cs_sale_type_classify(""), CS_SALE_UNKNOWN);
	ASSERT_EQ(cs_sale_type_classify("paidonftaddress "), CS_SALE_UNKNOWN);
	ASSERT_EQ(cs_sale_type_classify("random"), CS_SALE_UNKNOWN);
	ASSERT_EQ(cs_sale_type_classify("sale"), CS_SALE_UNKNOWN);
	/* The outcome recorded for each class that applies nothing. */
	ASSERT_TRUE(cs_sale_class_outcome(CS_SALE_IS_SALE) == NULL);
	ASSERT_STR_EQ(cs_sale_class_outcome(CS_SALE_NOT_SALE), "not_a_sale");
	ASSERT_STR_EQ(
	    cs_sale_class_outcome(CS_SALE_UNKNOWN), "unknown_sale_type");
}

CS_TEST(core_webhook_rules__tx_hash)
{
	char long_tx[200];
	size_t i;

	ASSERT_TRUE(cs_tx_hash_valid("8d3a1f0c6e2b4a5d9f7e1c3b5a7d9e1f"
	                             "2a4c6e8b0d1f3a5c7e9b1d3f5a7c9e1b"));
	ASSERT_TRUE(cs_tx_hash_valid("8D3A1F0C6E2B4A5D9F7E1C3B5A7D9E1F"
	                             "2A4C6E8B0D1F3A5C7E9B1D3F5A7C9E1B"));
	/* 63 and 65 digits, a non-hex digit, empty, NULL. */
	ASSERT_FALSE(cs_tx_hash_valid("8d3a1f0c6e2b4a5d9f7e1c3b5a7d9e1f"
	                              "2a4c6e8b0d1f3a5c7e9b1d3f5a7c9e1"));
	ASSERT_FALSE(cs_tx_hash_valid("8d3a1f0c6e2b4a5d9f7e1c3b5a7d9e1f"
	                              "2a4c6e8b0d1f3a5c7e9b1d3f5a7c9e1b0"));
	ASSERT_FALSE(cs_tx_hash_valid("8d3a1f0c6e2b4a5d9f7e1c3b5a7d9e1f"
	                              "2a4c6e8b0d1f3a5c7e9b1d3f5a7c9e1g"));
	ASSERT_FALSE(cs_tx_hash_valid(""));
	ASSERT_FALSE(cs_tx_hash_valid(NULL));
	for (i = 0; i < sizeof(long_tx) - 1; i++)
		long_tx[i] = 'a';
	long_tx[sizeof(long_tx) - 1] = '\0';
	ASSERT_FALSE(cs_tx_hash_valid(long_tx));
}
