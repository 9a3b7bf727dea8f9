/* SPDX-License-Identifier: MIT */
/* The inventory as CSV; see export.h. */
#include "service/export.h"

#include <cJSON.h>
#include <csv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/time.h"
#include "util/xalloc.h"
#include "util/banned.h"

const char *const cs_export_columns[] = {"number", "uid", "name", "status",
    "reserved_by", "reserved_until", "sold_to", "sold_at", "tx_hash",
    "asset_id", "payment_url", "last_modified_by", "last_modified_at", NULL};

/* One field, quoted by libcsv (every field: RFC 4180 allows it, and no
 * rule of ours decides which need it), then sep. */
static int
field(struct cs_buf *out, const char *s, char sep)
{
	size_t n = s != NULL ? strlen(s) : 0, need;
	char *q;
	int error;

	need = csv_write(NULL, 0, s != NULL ? s : "", n);
	q = cs_xmalloc(need);
	csv_write(q, need, s != NULL ? s : "", n);
	error = cs_buf_put(out, q, need);
	free(q);
	return error < 0 ? error : cs_buf_putc(out, sep);
}

static void
iso(int64_t ms, char out[CS_ISO8601_LEN])
{
	if (ms == 0)
		out[0] = '\0';
	else
		cs_time_iso8601(ms, out);
}

struct walk {
	struct cs_buf *out;
	int error;
};

static int
row_cb(const struct cs_nft *n, void *payload)
{
	struct walk *w = payload;
	char num[24], until[CS_ISO8601_LEN], sold[CS_ISO8601_LEN],
	    changed[CS_ISO8601_LEN];
	const char *cells[13];
	size_t i;

	snprintf(num, sizeof(num), "%lld", (long long)n->nft_number);
	iso(n->reserved_until, until);
	iso(n->sold_at, sold);
	iso(n->last_modified_at, changed);
	cells[0] = num;
	cells[1] = n->nft_uid;
	cells[2] = n->name;
	cells[3] = cs_nft_status_name(n->status);
	cells[4] = n->reserved_by;
	cells[5] = until;
	cells[6] = n->sold_to;
	cells[7] = sold;
	cells[8] = n->tx_hash;
	cells[9] = n->asset_id;
	cells[10] = n->payment_url;
	cells[11] = cs_source_name(n->last_modified_by);
	cells[12] = changed;
	for (i = 0; i < 13 && w->error == 0; i++)
		w->error = field(w->out, cells[i], i == 12 ? '\n' : ',');
	return w->error; /* CS_ETOOBIG stops the walk */
}

int
cs_export_inventory(struct cs_store *store, const struct cs_nft_query *q,
    struct cs_buf *out, struct cs_error *err)
{
	struct walk w = {out, 0};
	size_t i;
	int error;

	for (i = 0; cs_export_columns[i] != NULL && w.error == 0; i++)
		w.error = field(out, cs_export_columns[i],
		    cs_export_columns[i + 1] != NULL ? ',' : '\n');
	if (w.error < 0)
		return cs_error_set(err, w.error, "the export is too big");
	error = cs_store_nft_list(store, q, row_cb, &w, err);
	if (w.error < 0)
		return cs_error_set(
		    err, w.error, "the export is over its %zu bytes", out->max);
	return error;
}

const char *const cs_export_discrepancy_columns[] = {
    "nft_uid", "nft_name", "issue", "db_status", "nmkr_status", NULL};

/* A string field of o, or "" (null: not local, not in NMKR). */
static const char *
str_of(const cJSON *o, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);

	return cJSON_IsString(v) ? v->valuestring : "";
}

static int
row(struct cs_buf *out, const char *const *cells)
{
	size_t i;
	int error = 0;

	for (i = 0; cells[i] != NULL && error == 0; i++)
		error = field(out, cells[i], cells[i + 1] != NULL ? ',' : '\n');
	return error;
}

int
cs_export_discrepancies(const char *report, size_t len, struct cs_buf *out,
    struct cs_export_counts *counts, struct cs_error *err)
{
	const cJSON *list, *total, *d;
	cJSON *doc = NULL;
	char note[160];
	const char *cells[6];
	int error;

	memset(counts, 0, sizeof(*counts));
	doc = report != NULL ? cJSON_ParseWithLength(report, len) : NULL;
	list = cJSON_GetObjectItemCaseSensitive(doc, "discrepancies");
	if (!cJSON_IsArray(list)) {
		error = cs_error_set(
		    err, CS_ENOTFOUND, "this sync log holds no sync report");
		goto out;
	}
	error = row(out, cs_export_discrepancy_columns);
	cJSON_ArrayForEach(d, list) {
		if (error < 0)
			break;
		cells[0] = str_of(d, "nftUid");
		cells[1] = str_of(d, "nftName");
		cells[2] = str_of(d, "issue");
		cells[3] = str_of(d, "dbStatus");
		cells[4] = str_of(d, "nmkrStatus");
		cells[5] = NULL;
		error = row(out, cells);
		counts->listed++;
	}
	total = cJSON_GetObjectItemCaseSensitive(doc, "discrepancyCount");
	counts->total = cJSON_IsNumber(total) && total->valuedouble > 0
	                    ? (size_t)total->valuedouble
	                    : counts->listed;
	if (counts->total < counts->listed)
		counts->total = counts->listed;
	if (error == 0 && counts->total > counts->listed) {
		/* The stored report kept the first entries only: one last
		 * row says so, where a reader of the file sees it. */
		snprintf(note, sizeof(note),
		    "%zu more not stored in this report: see the review "
		    "queue and each NFT's status history",
		    counts->total - counts->listed);
		cells[0] = "";
		cells[1] = note;
		cells[2] = "(not listed)";
		cells[3] = "";
		cells[4] = "";
		error = row(out, cells);
	}
	if (error < 0)
		error = cs_error_set(
		    err, error, "the CSV is over its %zu bytes", out->max);
out:
	cJSON_Delete(doc);
	return error;
}
