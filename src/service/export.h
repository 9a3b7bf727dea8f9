/* SPDX-License-Identifier: MIT */
/*
 * The inventory as CSV (`inventory export`, GET .../inventory.csv): a
 * header row, then one row per NFT in number order; and a sync report's
 * discrepancies (GET /api/sync-logs/{id}/discrepancies.csv). Every field
 * is quoted by libcsv's writer (RFC 4180).
 */
#ifndef CS_SERVICE_EXPORT_H
#define CS_SERVICE_EXPORT_H

#include <stddef.h>
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

/** The columns of a report's discrepancies, in order (the header row). */
extern const char *const cs_export_discrepancy_columns[];

struct cs_export_counts {
	size_t listed; /* rows written (the report's list) */
	size_t total;  /* discrepancies the sync found */
};

/**
 * Append the discrepancies of a stored sync report (a sync log's
 * synced_data, JSON text of len bytes, borrowed) to out as CSV: a header
 * row, then one row per listed discrepancy. A report lists the first
 * CS_REPORT_LIST_MAX of them: when the sync found more, one last row has
 * an empty nft_uid, the issue "(not listed)" and, as its nft_name, how
 * many more and where they are (the review queue, the status history).
 * counts says how many were listed and found.
 *
 * @return 0, CS_ENOTFOUND when report holds no report, CS_ETOOBIG when
 *         out's cap is reached
 */
CS_NODISCARD int cs_export_discrepancies(const char *report, size_t len,
    struct cs_buf *out, struct cs_export_counts *counts, struct cs_error *err);

#endif
