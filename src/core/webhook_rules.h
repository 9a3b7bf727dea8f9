/* SPDX-License-Identifier: MIT */
/*
 * What an NMKR webhook means, decided from its data alone: which SaleType
 * is a sale (only sales mark NFTs sold), and which TxHash is one. Pure.
 */
#ifndef CS_CORE_WEBHOOK_RULES_H
#define CS_CORE_WEBHOOK_RULES_H

#include <stdbool.h>

enum cs_sale_class {
	CS_SALE_IS_SALE = 0, /* a buyer paid: the NFTs are sold */
	CS_SALE_NOT_SALE,    /* mint-and-send, payout, refund, burn, ... */
	CS_SALE_UNKNOWN,     /* not a value we can decide: leave to the sync */
};

/* The outcome a webhook_events row gets for each class that applies
 * nothing: "not_a_sale", "unknown_sale_type"; NULL for a sale. */
const char *cs_sale_class_outcome(enum cs_sale_class c);

/**
 * Classify a transactionconfirmed by its SaleType, the name of a value of
 * NMKR's TransactionTypes enum (NMKR's source,
 * NMKR.Shared/Enums/TransactionTypes.cs), written by Newtonsoft's
 * StringEnumConverter exactly as declared (lower case). Names are matched
 * without regard to case, as the rest of the notification is.
 *
 * Sales: paidonftaddress, paidonprojectaddress, decentralmintandsale,
 * directsale, auction. Unknown: fiatpayment (a label only: fiat orders are
 * saved as mintfromcustomeraddress), NULL (absent, or not a string: the
 * converter writes a number for a value outside the enum), and any name
 * not in the enum. Every other value of the enum is not a sale.
 */
enum cs_sale_class cs_sale_type_classify(const char *sale_type);

/* Cardano's transaction id: a Blake2b-256 hash, 64 hex digits. */
#define CS_TX_HASH_LEN 64

/** Whether tx is a Cardano transaction id: exactly 64 hex digits. */
bool cs_tx_hash_valid(const char *tx);

#endif
