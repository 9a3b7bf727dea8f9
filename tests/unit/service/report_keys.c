/* SPDX-License-Identifier: MIT */
/*
 * The names the CLI reads from an encoded SyncReport (report_keys.h) are
 * all in what encode.c writes, with the type the CLI expects: a fully
 * populated report is encoded and every name is looked up in it.
 */
#include "test.h"

#include "service/encode.h"
#include "service/report.h"
#include "service/report_keys.h"
#include "util/xalloc.h"

enum kind { NUM, STR, TEXT /* string or null */, BOOL, ARR, OBJ };

/* in: NULL for the report itself, else the object or list (each of whose
 * items) holding name; some: in a list, only some items have it. */
struct key {
	const char *in;
	const char *name;
	enum kind kind;
	bool some;
};

/* Every name cmd_sync.c and cmd_logs.c read. */
static const struct key keys[] = {
    {NULL, CS_RK_DURATION_MS, NUM, false},
    {NULL, CS_RK_NMKR_STATS, OBJ, false},
    {NULL, CS_RK_DB_STATS, OBJ, false},
    {NULL, CS_RK_DISCREPANCIES, ARR, false},
    {NULL, CS_RK_DISCREPANCY_COUNT, NUM, false},
    {NULL, CS_RK_UPDATE_RESULTS, ARR, false},
    {NULL, CS_RK_UPDATED_COUNT, NUM, false},
    {NULL, CS_RK_FAILED_COUNT, NUM, false},
    {NULL, CS_RK_RECENT_WEBHOOKS, ARR, false},
    {NULL, CS_RK_BLOCKCHAIN_RESULTS, ARR, false},
    {NULL, CS_RK_VERIFIED_COUNT, NUM, false},
    {NULL, CS_RK_PENDING_COUNT, NUM, false},
    {NULL, CS_RK_ERROR_COUNT, NUM, false},
    {NULL, CS_RK_DEFERRED, ARR, false},
    {NULL, CS_RK_DEFERRED_COUNT, NUM, false},
    {NULL, CS_RK_WARNINGS, ARR, false},
    {NULL, CS_RK_CONFLICTS, ARR, false},
    {NULL, CS_RK_CONFLICT_COUNT, NUM, false},
    {NULL, CS_RK_ERRORS, ARR, false},
    {NULL, CS_RK_PHASES, OBJ, false},
    {NULL, CS_RK_NMKR_REQUESTS, OBJ, false},
    {NULL, CS_RK_MODE, STR, false},
    {NULL, CS_RK_MODE_WHY, STR, false},
    {CS_RK_NMKR_STATS, CS_RK_TOTAL, NUM, false},
    {CS_RK_NMKR_STATS, CS_RK_AVAILABLE, NUM, false},
    {CS_RK_NMKR_STATS, CS_RK_RESERVED, NUM, false},
    {CS_RK_NMKR_STATS, CS_RK_SOLD, NUM, false},
    {CS_RK_DB_STATS, CS_RK_TOTAL, NUM, false},
    {CS_RK_DB_STATS, CS_RK_AVAILABLE, NUM, false},
    {CS_RK_DB_STATS, CS_RK_RESERVED, NUM, false},
    {CS_RK_DB_STATS, CS_RK_SOLD, NUM, false},
    {CS_RK_NMKR_REQUESTS, CS_RK_SENT, NUM, false},
    {CS_RK_NMKR_REQUESTS, CS_RK_FAILED, NUM, false},
    {CS_RK_NMKR_REQUESTS, CS_RK_REFUSED, NUM, false},
    {CS_RK_NMKR_REQUESTS, CS_RK_WALKS, NUM, false},
    {CS_RK_NMKR_REQUESTS, CS_RK_LISTS, NUM, false},
    {CS_RK_DISCREPANCIES, CS_RK_NFT_NAME, TEXT, false},
    {CS_RK_DISCREPANCIES, CS_RK_NFT_UID, TEXT, false},
    {CS_RK_DISCREPANCIES, CS_RK_ISSUE, STR, false},
    {CS_RK_DISCREPANCIES, CS_RK_DB_STATUS, TEXT, false},
    {CS_RK_DISCREPANCIES, CS_RK_NMKR_STATUS, TEXT, false},
    {CS_RK_UPDATE_RESULTS, CS_RK_NFT_NAME, TEXT, false},
    {CS_RK_UPDATE_RESULTS, CS_RK_OLD_STATUS, STR, false},
    {CS_RK_UPDATE_RESULTS, CS_RK_NEW_STATUS, STR, false},
    {CS_RK_UPDATE_RESULTS, CS_RK_SUCCESS, BOOL, false},
    {CS_RK_UPDATE_RESULTS, CS_RK_ERROR, STR, true},
    {CS_RK_CONFLICTS, CS_RK_NFT_NAME, TEXT, false},
    {CS_RK_CONFLICTS, CS_RK_NFT_UID, TEXT, false},
    {CS_RK_CONFLICTS, CS_RK_WANTED, STR, false},
    {CS_RK_CONFLICTS, CS_RK_REASON, STR, false},
    {CS_RK_DEFERRED, CS_RK_NFT_NAME, TEXT, false},
    {CS_RK_DEFERRED, CS_RK_NFT_UID, TEXT, false},
    {CS_RK_DEFERRED, CS_RK_NMKR_STATUS, TEXT, false},
    {CS_RK_DEFERRED, CS_RK_AGE_MS, NUM, false},
    {CS_RK_RECENT_WEBHOOKS, CS_RK_TIMESTAMP, NUM, false},
    {CS_RK_RECENT_WEBHOOKS, CS_RK_STATUS, STR, false},
    {CS_RK_RECENT_WEBHOOKS, CS_RK_RECORDS_SYNCED, NUM, false},
    {CS_RK_BLOCKCHAIN_RESULTS, CS_RK_NFT_NAME, TEXT, false},
    {CS_RK_BLOCKCHAIN_RESULTS, CS_RK_STATUS, STR, false},
    {CS_RK_BLOCKCHAIN_RESULTS, CS_RK_MESSAGE, TEXT, false},
};

static bool
is(const cJSON *v, enum kind kind)
{
	switch (kind) {
	case NUM:
		return cJSON_IsNumber(v);
	case STR:
		return cJSON_IsString(v);
	case TEXT:
		return cJSON_IsString(v) || cJSON_IsNull(v);
	case BOOL:
		return cJSON_IsBool(v);
	case ARR:
		return cJSON_IsArray(v);
	case OBJ:
		return cJSON_IsObject(v);
	}
	return false;
}

/* A report with every optional part present and every list non-empty. */
static void
populate(struct cs_sync_report *r)
{
	struct cs_report_discrepancy *d;
	struct cs_report_update *u;
	struct cs_report_conflict *c;
	struct cs_report_deferred *f;
	struct cs_report_webhook *w;
	struct cs_verify_result *x;

	cs_sync_report_init(r, 1700000000000);
	r->success = true;
	r->duration_ms = 42;
	r->sync_log_id = 7;
	r->nmkr.total = 3;
	r->nmkr.sold = 1;
	r->db.total = 3;
	r->db.available = 3;

	d = cs_vec_push(&r->discrepancies);
	d->uid = cs_report_str(r, "uid-1");
	d->name = cs_report_str(r, "Rat #1");
	d->issue = CS_ISSUE_STATUS_MISMATCH;
	d->db_status = CS_NFT_AVAILABLE;
	d->nmkr_status = cs_report_str(r, "sold");
	d = cs_vec_push(&r->discrepancies);
	d->uid = cs_report_str(r, "uid-2");
	d->name = cs_report_str(r, "Rat #2");
	d->issue = CS_ISSUE_NOT_IN_DATABASE;
	d->db_status = -1;

	u = cs_vec_push(&r->updates);
	u->name = cs_report_str(r, "Rat #1");
	u->ok = true;
	u->from = CS_NFT_AVAILABLE;
	u->to = CS_NFT_SOLD;
	u = cs_vec_push(&r->updates);
	u->name = cs_report_str(r, "Rat #3");
	u->from = CS_NFT_AVAILABLE;
	u->to = CS_NFT_RESERVED;
	u->error = "the database said no";
	r->updated = 1;
	r->failed = 1;

	c = cs_vec_push(&r->conflicts);
	c->uid = cs_report_str(r, "uid-4");
	c->name = cs_report_str(r, "Rat #4");
	c->wanted = CS_NFT_SOLD;
	c->reason = "changed during the sync";

	f = cs_vec_push(&r->deferred);
	f->uid = cs_report_str(r, "uid-5");
	f->name = cs_report_str(r, "Rat #5");
	f->db_status = CS_NFT_SOLD;
	f->nmkr_status = cs_report_str(r, "free");
	f->last_modified_by = CS_SOURCE_WEBHOOK;
	f->age_ms = 5000;
	f->reason = "sold by a webhook moments ago";
	r->deferred_count = 1;

	w = cs_vec_push(&r->webhooks);
	w->timestamp = 1699999990000;
	w->status = CS_SYNC_SUCCESS;
	w->records = 1;

	r->chain_ran = true;
	r->chain.items = cs_xcalloc(1, sizeof(*r->chain.items));
	r->chain.n = 1;
	r->chain.verified = 1;
	x = &r->chain.items[0];
	x->nft_uid = cs_xstrdup("uid-1");
	x->nft_name = cs_xstrdup("Rat #1");
	x->status = CS_CHAIN_VERIFIED;
	x->message = cs_xstrdup("held by the buyer");

	r->usage_known = true;
	r->usage.sent = 4;
	r->usage.failed = 1;
	r->usage.refused = 1;
	r->usage.walks = 2;
	r->usage.lists = 3;
	r->mode_known = true;
	r->smart = false;
	r->mode_reason = CS_SMART_OK;

	cs_report_warn(r, "a warning");
	cs_report_error(r, "an error");
	cs_report_phase(r, "fetch", 10);
}

CS_TEST(service_report_keys__cli_names_are_encoded)
{
	struct cs_sync_report r;
	cJSON *doc;
	size_t i;

	populate(&r);
	doc = cs_json_sync_report(&r, 50);
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		const struct key *k = &keys[i];
		const cJSON *in = doc, *item, *v;
		size_t has = 0;

		if (k->in != NULL)
			in = cJSON_GetObjectItemCaseSensitive(doc, k->in);
		if (!cJSON_IsArray(in)) {
			v = cJSON_GetObjectItemCaseSensitive(in, k->name);
			if (!is(v, k->kind))
				fprintf(stderr, "%s.%s: missing or mistyped\n",
				    k->in != NULL ? k->in : "report", k->name);
			ASSERT_TRUE(is(v, k->kind));
			continue;
		}
		ASSERT_GT(cJSON_GetArraySize(in), 0);
		cJSON_ArrayForEach(item, in) {
			v = cJSON_GetObjectItemCaseSensitive(item, k->name);
			if (v == NULL && k->some)
				continue;
			if (!is(v, k->kind))
				fprintf(stderr,
				    "%s[].%s: missing or mistyped\n", k->in,
				    k->name);
			ASSERT_TRUE(is(v, k->kind));
			has++;
		}
		ASSERT_GT(has, 0);
	}
	cJSON_Delete(doc);
	cs_sync_report_dispose(&r);
}

/* The null a missing status encodes to is what the CLI's jstr accepts. */
CS_TEST(service_report_keys__missing_status_is_null)
{
	struct cs_sync_report r;
	const cJSON *list, *v;
	cJSON *doc;

	populate(&r);
	doc = cs_json_sync_report(&r, 50);
	list = cJSON_GetObjectItemCaseSensitive(doc, CS_RK_DISCREPANCIES);
	v = cJSON_GetObjectItemCaseSensitive(
	    cJSON_GetArrayItem(list, 1), CS_RK_DB_STATUS);
	ASSERT_TRUE(cJSON_IsNull(v));
	v = cJSON_GetObjectItemCaseSensitive(
	    cJSON_GetArrayItem(list, 1), CS_RK_NMKR_STATUS);
	ASSERT_TRUE(cJSON_IsNull(v));
	cJSON_Delete(doc);
	cs_sync_report_dispose(&r);
}
