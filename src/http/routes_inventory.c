/* SPDX-License-Identifier: MIT */
/*
 * Inventory: getCampaignInventory (keyset pages by NFT number),
 * populateCampaignInventory (from NMKR or an uploaded CSV export), payment
 * link repair, one NFT with its history and last chain check,
 * updateNFTStatus.
 */
#include "http/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "service/admin.h"
#include "service/encode.h"
#include "service/export.h"
#include "service/import_csv.h"
#include "service/import_nmkr.h"
#include "util/limits.h"
#include "util/str.h"
#include "util/banned.h"

struct page {
	cJSON *items;
	int64_t skip; /* rows of the pages before (?page=) */
	int64_t last;
	int64_t n;
};

static int
page_cb(const struct cs_nft *n, void *payload)
{
	struct page *p = payload;

	if (p->skip > 0) {
		p->skip--;
		return 0;
	}
	cJSON_AddItemToArray(p->items, cs_json_nft(n));
	p->last = n->nft_number;
	p->n++;
	return 0;
}

void
cs_route_inventory(struct cs_req *r)
{
	struct cs_nft_query q = CS_NFT_QUERY_INIT;
	struct cs_error err = CS_ERROR_INIT;
	const char *status = cs_req_query(r, "status");
	const char *after = cs_req_query(r, "after");
	const char *limit = cs_req_query(r, "limit");
	const char *search = cs_req_query(r, "q");
	const char *pageno = cs_req_query(r, "page");
	struct cs_campaign c;
	struct cs_store *store;
	enum cs_nft_status st;
	int64_t page = 1, per_page;
	struct page p;
	cJSON *body;

	if (!cs_req_id(r, 0, &q.campaign_id))
		return;
	store = cs_req_store(r);
	if (store == NULL)
		return;
	if (status != NULL && *status != '\0') {
		if (cs_nft_status_parse(status, &st) < 0) {
			cs_reply_error(r, 400, "invalid",
			    "status must be available, reserved or sold");
			return;
		}
		q.status = (int)st;
	}
	q.limit = CS_API_PAGE_DEFAULT;
	if ((after != NULL &&
	        cs_str_to_i64(after, 0, INT64_MAX, &q.after_number) < 0) ||
	    (limit != NULL &&
	        cs_str_to_i64(limit, 1, CS_API_PAGE_MAX, &q.limit) < 0)) {
		cs_reply_error(r, 400, "invalid",
		    "after is an NFT number and limit 1 to %d",
		    CS_API_PAGE_MAX);
		return;
	}
	/* A page by its number, to jump to it: the pages before it are
	 * read and skipped (keyset paging with after stays the cheap way
	 * to walk on). */
	if (pageno != NULL &&
	    (after != NULL ||
	        cs_str_to_i64(pageno, 1, CS_API_PAGE_NUMBER_MAX, &page) < 0)) {
		cs_reply_error(r, 400, "invalid",
		    "page is 1 to %d, and not given with after",
		    CS_API_PAGE_NUMBER_MAX);
		return;
	}
	if (search != NULL && *search != '\0')
		q.search = search;
	if (cs_store_campaign_get(store, q.campaign_id, &c, &err) < 0) {
		cs_reply_err(r, &err);
		return;
	}
	memset(&p, 0, sizeof(p));
	per_page = q.limit;
	p.skip = (page - 1) * per_page;
	q.limit += p.skip;
	p.items = cJSON_CreateArray();
	if (cs_store_nft_list(store, &q, page_cb, &p, &err) < 0) {
		cJSON_Delete(p.items);
		cs_campaign_dispose(&c);
		cs_reply_err(r, &err);
		return;
	}
	body = cJSON_CreateObject();
	cJSON_AddItemToObject(body, "items", p.items);
	if (p.n > 0 && p.n == q.limit - (page - 1) * per_page)
		cs_json_add_int(body, "nextAfter", p.last);
	else
		cJSON_AddNullToObject(body, "nextAfter");
	cJSON_AddItemToObject(body, "counts", cs_json_counts(&c.counts));
	cs_campaign_dispose(&c);
	cs_reply_json(r, 200, body);
}

/* The whole inventory (of a status, of a search) as CSV, to download. */
void
cs_route_inventory_csv(struct cs_req *r)
{
	struct cs_nft_query q = CS_NFT_QUERY_INIT;
	struct cs_error err = CS_ERROR_INIT;
	struct cs_buf out = CS_BUF_INIT(CS_MAX_EXPORT);
	const char *status = cs_req_query(r, "status");
	const char *search = cs_req_query(r, "q");
	struct cs_campaign c;
	struct cs_store *store;
	enum cs_nft_status st;
	char disposition[96];

	if (!cs_req_id(r, 0, &q.campaign_id))
		return;
	store = cs_req_store(r);
	if (store == NULL)
		return;
	if (status != NULL && *status != '\0') {
		if (cs_nft_status_parse(status, &st) < 0) {
			cs_reply_error(r, 400, "invalid",
			    "status must be available, reserved or sold");
			return;
		}
		q.status = (int)st;
	}
	if (search != NULL && *search != '\0')
		q.search = search;
	if (cs_store_campaign_get(store, q.campaign_id, &c, &err) < 0) {
		cs_reply_err(r, &err);
		return;
	}
	cs_campaign_dispose(&c);
	if (cs_export_inventory(store, &q, &out, &err) < 0) {
		cs_buf_dispose(&out);
		cs_reply_err(r, &err);
		return;
	}
	cs_reply_bytes(r, 200, "text/csv; charset=utf-8", out.ptr, out.len);
	snprintf(disposition, sizeof(disposition),
	    "attachment; filename=\"campaign-%lld-inventory.csv\"",
	    (long long)q.campaign_id);
	cs_reply_header(r, "Content-Disposition", disposition);
	cs_buf_dispose(&out);
}

static void
reply_import(struct cs_req *r, int64_t campaign, size_t rows,
    const struct cs_import_result *res, size_t not_for_sale)
{
	cJSON *body = cJSON_CreateObject();

	cs_json_add_int(body, "campaignId", campaign);
	cs_json_add_int(body, "rows", (int64_t)rows);
	cs_json_add_int(body, "inserted", (int64_t)res->inserted);
	cs_json_add_int(body, "skippedExisting", (int64_t)res->skipped);
	cs_json_add_int(body, "skippedNotForSale", (int64_t)not_for_sale);
	if (res->inserted > 0) {
		cs_json_add_int(body, "firstNumber", res->first_number);
		cs_json_add_int(body, "lastNumber", res->last_number);
	}
	cs_reply_json(r, 200, body);
}

void
cs_route_import(struct cs_req *r)
{
	struct cs_error err = CS_ERROR_INIT;
	struct cs_nmkr_import_report nrep;
	struct cs_csv_report crep;
	struct cs_store *store;
	struct cs_nmkr *nmkr;
	const char *type;
	int64_t id;

	if (!cs_req_id(r, 0, &id))
		return;
	store = cs_req_store(r);
	if (store == NULL)
		return;
	type = MHD_lookup_connection_value(
	    r->conn, MHD_HEADER_KIND, "Content-Type");
	if (type != NULL && strncasecmp(type, "text/csv", 8) == 0) {
		if (cs_import_csv_data(store, id, r->body, r->body_len, r->now,
		        &crep, &err) < 0)
			cs_reply_err(r, &err);
		else
			reply_import(
			    r, id, crep.rows, &crep.result, crep.skipped_state);
		return;
	}
	if (r->body_len > 0) {
		cJSON *body = cs_req_json(r);
		const cJSON *src;

		if (body == NULL)
			return;
		src = cJSON_GetObjectItemCaseSensitive(body, "source");
		if (!cJSON_IsString(src) ||
		    strcmp(src->valuestring, "nmkr") != 0) {
			cJSON_Delete(body);
			cs_reply_error(r, 400, "invalid",
			    "send {\"source\":\"nmkr\"}, or the CSV export "
			    "with Content-Type: text/csv");
			return;
		}
		cJSON_Delete(body);
	}
	nmkr = cs_req_nmkr(r);
	if (nmkr == NULL)
		return;
	if (cs_import_from_nmkr(store, nmkr, id, r->now, &nrep, &err) < 0)
		cs_reply_err(r, &err);
	else
		reply_import(
		    r, id, nrep.listed, &nrep.result, nrep.skipped_state);
	cs_nmkr_free(nmkr);
}

void
cs_route_repair_links(struct cs_req *r)
{
	struct cs_error err = CS_ERROR_INIT;
	struct cs_store *store;
	size_t changed = 0;
	int64_t id;
	cJSON *body;

	if (!cs_req_id(r, 0, &id))
		return;
	store = cs_req_store(r);
	if (store == NULL)
		return;
	if (cs_admin_repair_links(store, cs_req_actor(r), id, &changed, &err) <
	    0) {
		cs_reply_err(r, &err);
		return;
	}
	body = cJSON_CreateObject();
	cs_json_add_int(body, "changed", (int64_t)changed);
	cs_reply_json(r, 200, body);
}

static int
history_cb(const struct cs_history *h, void *payload)
{
	cJSON_AddItemToArray(payload, cs_json_history(h));
	return 0;
}

/* The last chain check of n's asset (the sync's or the background
 * verifier's), or null when it has none. */
static int
add_chain_check(cJSON *body, struct cs_store *store, const struct cs_nft *n,
    struct cs_error *err)
{
	struct cs_chain_check k;
	int error;

	if (n->asset_id == NULL) {
		cJSON_AddNullToObject(body, "chainCheck");
		return 0;
	}
	memset(&k, 0, sizeof(k));
	error = cs_store_chain_check_get(store, n->asset_id, &k, err);
	if (error == CS_ENOTFOUND) {
		cs_error_clear(err);
		cJSON_AddNullToObject(body, "chainCheck");
		return 0;
	}
	if (error < 0)
		return error;
	cJSON_AddItemToObject(body, "chainCheck", cs_json_chain_check(&k));
	cs_chain_check_dispose(&k);
	return 0;
}

static void
reply_nft(struct cs_req *r, struct cs_store *store, const char *uid)
{
	struct cs_history_query q = CS_HISTORY_QUERY_INIT;
	struct cs_error err = CS_ERROR_INIT;
	struct cs_nft n;
	cJSON *body;

	if (cs_store_nft_get(store, uid, &n, &err) < 0) {
		cs_reply_err(r, &err);
		return;
	}
	body = cs_json_nft(&n);
	q.nft_id = n.id;
	if (cs_store_history_list(store, &q, history_cb,
	        cJSON_AddArrayToObject(body, "history"), &err) < 0 ||
	    add_chain_check(body, store, &n, &err) < 0) {
		cJSON_Delete(body);
		cs_reply_err(r, &err);
	} else {
		cs_reply_json(r, 200, body);
	}
	cs_nft_dispose(&n);
}

void
cs_route_nft_get(struct cs_req *r)
{
	struct cs_store *store = cs_req_store(r);

	if (store != NULL)
		reply_nft(r, store, r->params[0]);
}

static const char *
opt_string(const cJSON *o, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* The optional members of a status change have their types, or 400: an
 * expectedVersion that is not an integer must not turn compare-and-set
 * off unnoticed. */
static bool
check_types(struct cs_req *r, const cJSON *body)
{
	static const char *const strings[] = {
	    "wallet", "buyer", "txHash", "note"};
	static const char *const ints[] = {"expectedVersion", "reservedUntil"};
	const cJSON *v;
	int64_t n;
	size_t i;

	for (i = 0; i < sizeof(strings) / sizeof(strings[0]); i++) {
		v = cJSON_GetObjectItemCaseSensitive(body, strings[i]);
		if (v != NULL && !cJSON_IsString(v) && !cJSON_IsNull(v)) {
			cs_reply_error(r, 400, "invalid", "%s must be a string",
			    strings[i]);
			return false;
		}
	}
	for (i = 0; i < sizeof(ints) / sizeof(ints[0]); i++) {
		v = cJSON_GetObjectItemCaseSensitive(body, ints[i]);
		if (v != NULL && !cJSON_IsNull(v) &&
		    !cs_json_int(v, 0, CS_JSON_INT_MAX, &n)) {
			cs_reply_error(r, 400, "invalid",
			    "%s must be a non-negative integer", ints[i]);
			return false;
		}
	}
	return true;
}

/* updateNFTStatus: an operator's change, recorded with source admin. */
void
cs_route_nft_status(struct cs_req *r)
{
	struct cs_admin_status ch = CS_ADMIN_STATUS_INIT;
	struct cs_error err = CS_ERROR_INIT;
	struct cs_store *store;
	const cJSON *v;
	cJSON *body;

	body = cs_req_json(r);
	if (body == NULL)
		return;
	store = cs_req_store(r);
	if (store == NULL)
		goto out;
	v = cJSON_GetObjectItemCaseSensitive(body, "status");
	if (!cJSON_IsString(v) ||
	    cs_nft_status_parse(v->valuestring, &ch.status) < 0) {
		cs_reply_error(r, 400, "invalid",
		    "status must be available, reserved or sold");
		goto out;
	}
	if (!check_types(r, body))
		goto out;
	v = cJSON_GetObjectItemCaseSensitive(body, "expectedVersion");
	if (cJSON_IsNumber(v))
		ch.expected_version = (int64_t)v->valuedouble;
	ch.nft_uid = r->params[0];
	ch.wallet = opt_string(body, "wallet");
	v = cJSON_GetObjectItemCaseSensitive(body, "reservedUntil");
	if (cJSON_IsNumber(v))
		ch.reserved_until = (int64_t)v->valuedouble;
	ch.buyer = opt_string(body, "buyer");
	ch.tx_hash = opt_string(body, "txHash");
	ch.note = opt_string(body, "note");
	if (cs_admin_nft_set_status(
	        store, cs_req_actor(r), &ch, r->now, NULL, &err) < 0)
		cs_reply_err(r, &err);
	else
		reply_nft(r, store, r->params[0]);
out:
	cJSON_Delete(body);
}
