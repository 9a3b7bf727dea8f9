/* SPDX-License-Identifier: MIT */
/* What an NMKR webhook means; see webhook_rules.h. */
#include "core/webhook_rules.h"

#include <stddef.h>
#include <strings.h>

#include "core/pure.h"

/*
 * Every value of TransactionTypes in NMKR's source
 * (NMKR.Shared/Enums/TransactionTypes.cs), in its order, with what a
 * confirmation of it means for the NFTs it lists.
 */
static const struct {
	const char *name;
	enum cs_sale_class cls;
} sale_types[] = {
    {"paidonftaddress", CS_SALE_IS_SALE},          /* buyer paid the NFT */
    {"mintfromcustomeraddress", CS_SALE_NOT_SALE}, /* mint and send */
    {"paidtocustomeraddress", CS_SALE_NOT_SALE},   /* payout */
    {"paidfromnftaddress", CS_SALE_NOT_SALE},      /* housekeeping */
    {"consolitecustomeraddress", CS_SALE_NOT_SALE},
    {"paidfailedtransactiontocustomeraddress", CS_SALE_NOT_SALE}, /* refund */
    {"doublepaymentsendbacktobuyer", CS_SALE_NOT_SALE},           /* refund */
    {"paidonprojectaddress", CS_SALE_IS_SALE}, /* buyer paid a pay-in */
    {"fiatpayment", CS_SALE_UNKNOWN},          /* label only */
    {"mintfromnftmakeraddress", CS_SALE_NOT_SALE},
    {"burning", CS_SALE_NOT_SALE}, {"decentralmintandsend", CS_SALE_NOT_SALE},
    {"decentralmintandsale", CS_SALE_IS_SALE},
    {"royaltsplit", CS_SALE_NOT_SALE}, /* payout */
    {"unknown", CS_SALE_NOT_SALE}, {"directsale", CS_SALE_IS_SALE},
    {"auction", CS_SALE_IS_SALE},
    {"buymints", CS_SALE_NOT_SALE},    /* mint credits, no NFT */
    {"refundmints", CS_SALE_NOT_SALE}, /* mint credits, no NFT */
};

const char *
cs_sale_class_outcome(enum cs_sale_class c)
{
	switch (c) {
	case CS_SALE_IS_SALE:
		return NULL;
	case CS_SALE_NOT_SALE:
		return "not_a_sale";
	case CS_SALE_UNKNOWN:
		break;
	}
	return "unknown_sale_type";
}

enum cs_sale_class
cs_sale_type_classify(const char *sale_type)
{
	size_t i;

	if (sale_type == NULL)
		return CS_SALE_UNKNOWN;
	for (i = 0; i < sizeof(sale_types) / sizeof(sale_types[0]); i++) {
		if (strcasecmp(sale_types[i].name, sale_type) == 0)
			return sale_types[i].cls;
	}
	return CS_SALE_UNKNOWN;
}

bool
cs_tx_hash_valid(const char *tx)
{
	size_t i;

	if (tx == NULL)
		return false;
	for (i = 0; tx[i] != '\0'; i++) {
		char c = tx[i];

		if (i == CS_TX_HASH_LEN ||
		    !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
		        (c >= 'A' && c <= 'F')))
			return false;
	}
	return i == CS_TX_HASH_LEN;
}
