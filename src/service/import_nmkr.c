/* SPDX-License-Identifier: MIT */
/* Inventory import from NMKR itself; see import_nmkr.h. */
#include "service/import_nmkr.h"

#include <stdlib.h>
#include <string.h>

#include "util/limits.h"
#include "util/str.h"
#include "util/xalloc.h"
#include "util/banned.h"

static int
by_nmkr_id(const void *a, const void *b)
{
	const struct cs_remote_nft *x = a, *y = b;

	return (x->nmkr_id > y->nmkr_id) - (x->nmkr_id < y->nmkr_id);
}

int
cs_import_from_nmkr(struct cs_store *store, struct cs_nmkr *nmkr,
    int64_t campaign_id, int64_t now, struct cs_nmkr_import_report *out,
    struct cs_error *err)
{
	struct cs_remote_list list;
	struct cs_campaign camp;
	struct cs_nft *nfts = NULL;
	struct cs_remote_nft *items;
	size_t i, n = 0;
	int64_t reserve_ms;
	int error;

	memset(out, 0, sizeof(*out));
	cs_remote_list_init(&list);
	error = cs_store_campaign_get(store, campaign_id, &camp, err);
	if (error < 0)
		return error;
	reserve_ms = (int64_t)(camp.reservation_minutes != 0
	                           ? camp.reservation_minutes
	                           : CS_RESERVATION_DEFAULT_MIN) *
	             60000;
	error = cs_nmkr_list_nfts(
	    nmkr, camp.nmkr_project_uid, NULL, &list, NULL, NULL, err);
	if (error < 0)
		goto out;
	items = list.items.ptr;
	out->listed = list.items.len;
	/* Pages arrive in any order: number in NMKR's own order. */
	qsort(items, list.items.len, sizeof(*items), by_nmkr_id);
	nfts = cs_xcalloc(list.items.len + 1, sizeof(*nfts));
	for (i = 0; i < list.items.len; i++) {
		struct cs_nft *x = &nfts[n];

		switch (items[i].state) {
		case CS_REMOTE_FREE:
			x->status = CS_NFT_AVAILABLE;
			break;
		case CS_REMOTE_RESERVED:
			/* No wallet of ours: the sweeper asks NMKR later. */
			x->status = CS_NFT_RESERVED;
			x->reserved_until = now + reserve_ms;
			break;
		case CS_REMOTE_SOLD:
			x->status = CS_NFT_SOLD;
			x->sold_at = items[i].sold_at;
			break;
		default:
			out->skipped_state++;
			continue;
		}
		x->nft_uid = CS_UNCONST(items[i].uid);
		x->name =
		    CS_UNCONST(items[i].name != NULL && items[i].name[0] != '\0'
		                   ? items[i].name
		                   : items[i].uid);
		x->nft_number = cs_name_number(items[i].name);
		x->asset_id = CS_UNCONST(items[i].asset_id);
		n++;
	}
	error = cs_store_nft_import(
	    store, campaign_id, nfts, n, now, &out->result, err);
out:
	free(nfts);
	cs_remote_list_dispose(&list);
	cs_campaign_dispose(&camp);
	return error;
}
