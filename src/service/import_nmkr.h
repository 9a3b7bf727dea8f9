/* SPDX-License-Identifier: MIT */
/*
 * populateCampaignInventory: add the NMKR project's NFTs that the campaign
 * lacks, numbered (from "#N" in the display name, else in NMKR's id order),
 * with payment links for the campaign's network. Incremental: uids already
 * present are skipped; the import is refused whole if it would pass
 * max_nfts.
 */
#ifndef CS_SERVICE_IMPORT_NMKR_H
#define CS_SERVICE_IMPORT_NMKR_H

#include "clients/nmkr.h"
#include "store/store.h"

struct cs_nmkr_import_report {
	struct cs_import_result result;
	size_t listed;        /* NFTs NMKR listed */
	size_t skipped_state; /* error, blocked, burned: not for sale */
};

CS_NODISCARD int cs_import_from_nmkr(struct cs_store *store,
    struct cs_nmkr *nmkr, int64_t campaign_id, int64_t now,
    struct cs_nmkr_import_report *out, struct cs_error *err);

#endif
