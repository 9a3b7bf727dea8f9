/* SPDX-License-Identifier: MIT */
/*
 * Inventory import from NMKR Studio's CSV export (docs/upstream.md §1.10): the
 * header names the columns (Id, Uid, Tokenname, Displayname, ..., State,
 * AssetId, ...); RFC 4180 quoting, parsed by libcsv in strict mode.
 */
#ifndef CS_SERVICE_IMPORT_CSV_H
#define CS_SERVICE_IMPORT_CSV_H

#include <stddef.h>

#include "core/model.h"
#include "store/store.h"
#include "util/arena.h"

struct cs_csv_rows {
	struct cs_nft *nfts; /* strings owned by arena */
	size_t n;
	size_t rows;          /* data rows read */
	size_t skipped_state; /* error, blocked or burned: not for sale */
	char project[33];     /* from the payment links (p=), no dashes; "" if
	                         none has one */
	struct cs_arena arena;
};

/**
 * Parse an NMKR CSV export into NFTs ready for cs_store_nft_import(): name
 * from Displayname (else Tokenname), number from a "#N" in the display name
 * (else 0: the next free number), image_url "ipfs://<IpfsHash>", asset_id
 * from AssetId when it is lowercase hex, status from State (free:
 * available; reserved: reserved until now + reservation_ms, no wallet, so
 * the sweeper asks NMKR; sold: sold). Rows in error, blocked or burned are
 * counted and left out. The project is read from the rows'
 * SpecificPaymentGatewayLink (p=); two projects in one file are refused.
 * Any malformed line fails the whole parse with an error naming the line.
 *
 * @param out caller owns, cs_csv_rows_dispose()
 * @return 0, CS_EPARSE, CS_EINVAL
 */
CS_NODISCARD int cs_csv_parse_nmkr(const char *data, size_t len, int64_t now,
    int64_t reservation_ms, struct cs_csv_rows *out, struct cs_error *err);

void cs_csv_rows_dispose(struct cs_csv_rows *rows);

struct cs_csv_report {
	struct cs_import_result result;
	size_t rows;
	size_t skipped_state;
};

/** Import CSV text (an upload) into a campaign, as cs_import_csv_file:
 * an export whose payment links name another project than the campaign's
 * is refused (CS_EINVAL), nothing imported. */
CS_NODISCARD int cs_import_csv_data(struct cs_store *store, int64_t campaign_id,
    const char *data, size_t len, int64_t now, struct cs_csv_report *out,
    struct cs_error *err);

/**
 * Read a CSV file (capped at CS_MAX_CSV_FILE) and import it into a campaign,
 * incrementally, in one transaction.
 */
CS_NODISCARD int cs_import_csv_file(struct cs_store *store, int64_t campaign_id,
    const char *path, int64_t now, struct cs_csv_report *out,
    struct cs_error *err);

#endif
