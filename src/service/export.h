/* SPDX-License-Identifier: MIT */
/*
 * The inventory as CSV (`inventory export`, GET .../inventory.csv): a
 * header row, then one row per NFT in number order, every field quoted
 * by libcsv's writer (RFC 4180).
 */
#ifndef CS_SERVICE_EXPORT_H
#define CS_SERVICE_EXPORT_H

#include <stdint.h>

#include "store/store.h"
#include "util/buf.h"
#include "util/error.h"

/** The columns, in order (the header row). */
extern const char *const cs_export_columns[];

/**
 * Append a campaign's NFTs (those of q: its status, its search) to out,
 * header first. q->limit and q->after_number are honoured.
 *
 * @return 0, CS_ETOOBIG when out's cap is reached, or a store error
 */
CS_NODISCARD int cs_export_inventory(struct cs_store *store,
    const struct cs_nft_query *q, struct cs_buf *out, struct cs_error *err);

#endif
