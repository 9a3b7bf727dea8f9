/* SPDX-License-Identifier: MIT */
/*
 * The data-driven driver of the sync's comparison and policy: each folder
 * of tests/fixtures/scenarios holds local.json (the inventory, now, options),
 * remote.json (NMKR's list) and expect.json (the plan). CMake adds one test
 * per folder; CS_SCENARIO names it. A new regression is a new folder.
 */
#include "test.h"

#include <cjson/cJSON.h>

#include "core/reconcile.h"
#include "util/xalloc.h"

static cJSON *
load(const char *scenario, const char *file)
{
	char path[1024], *text;
	cJSON *j;

	snprintf(path, sizeof(path), "%s/scenarios/%s/%s", cs_test_fixtures(),
	    scenario, file);
	text = cs_test_read_file(path, NULL);
	if (text == NULL)
		cs_test_fail(__FILE__, __LINE__, "cannot read %s", path);
	j = cJSON_Parse(text);
	if (j == NULL)
		cs_test_fail(__FILE__, __LINE__, "%s is not JSON", path);
	free(text);
	return j;
}

static const char *
str(const cJSON *o, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static int64_t
num(const cJSON *o, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);

	return cJSON_IsNumber(v) ? (int64_t)v->valuedouble : 0;
}

static cJSON *
counts_json(const struct cs_counts *k)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddNumberToObject(o, "total", (double)k->total);
	cJSON_AddNumberToObject(o, "available", (double)k->available);
	cJSON_AddNumberToObject(o, "reserved", (double)k->reserved);
	cJSON_AddNumberToObject(o, "sold", (double)k->sold);
	return o;
}

/* The plan in expect.json's shape, to compare and to print on failure. */
static cJSON *
plan_json(const struct cs_plan *p, const cJSON *expect)
{
	cJSON *o = cJSON_CreateObject(), *list;
	size_t i;

	list = cJSON_AddArrayToObject(o, "discrepancies");
	for (i = 0; i < p->discrepancies.len; i++) {
		const struct cs_discrepancy *x =
		    CS_VEC_AT(&p->discrepancies, struct cs_discrepancy, i);
		cJSON *d = cJSON_CreateObject();

		cJSON_AddStringToObject(d, "uid", x->uid);
		cJSON_AddStringToObject(d, "issue", cs_issue_text(x->issue));
		cJSON_AddStringToObject(
		    d, "decision", cs_decision_name(x->decision));
		if (x->db_status >= 0)
			cJSON_AddStringToObject(d, "dbStatus",
			    cs_nft_status_name(
			        (enum cs_nft_status)x->db_status));
		else
			cJSON_AddNullToObject(d, "dbStatus");
		if (x->nmkr_state != NULL)
			cJSON_AddStringToObject(d, "nmkrStatus", x->nmkr_state);
		else
			cJSON_AddNullToObject(d, "nmkrStatus");
		if (x->issue == CS_ISSUE_STATUS_MISMATCH ||
		    x->issue == CS_ISSUE_UNSUPPORTED_STATE)
			cJSON_AddStringToObject(
			    d, "newStatus", cs_nft_status_name(x->new_status));
		if (x->reserved_until != 0)
			cJSON_AddNumberToObject(
			    d, "reservedUntil", (double)x->reserved_until);
		ASSERT_TRUE(x->reason != NULL && x->reason[0] != '\0');
		cJSON_AddItemToArray(list, d);
	}
	cJSON_AddItemToObject(o, "nmkr", counts_json(&p->nmkr));
	if (cJSON_GetObjectItem(expect, "nmkrFlagged") != NULL)
		cJSON_AddNumberToObject(
		    o, "nmkrFlagged", (double)p->nmkr_flagged);
	cJSON_AddItemToObject(o, "db", counts_json(&p->db));
	cJSON_AddNumberToObject(o, "assetFixes", (double)p->asset_fixes.len);
	return o;
}

CS_TEST_DRIVER(scenario__run)
{
	const char *name = getenv("CS_SCENARIO");
	cJSON *local, *remote, *expect, *got, *item;
	struct cs_local_nft *l;
	struct cs_remote_nft *r;
	struct cs_plan_opts opts;
	struct cs_plan plan;
	size_t nl, nr, i = 0;
	char *a, *b;

	if (name == NULL)
		cs_test_fail(__FILE__, __LINE__, "CS_SCENARIO is not set");
	local = load(name, "local.json");
	remote = load(name, "remote.json");
	expect = load(name, "expect.json");

	memset(&opts, 0, sizeof(opts));
	opts.now = num(local, "now");
	opts.grace_ms = num(local, "graceMs");
	opts.webhook_grace_ms = num(local, "webhookGraceMs");
	opts.reservation_minutes = (int)num(local, "reservationMinutes");
	ASSERT_OK(cs_source_parse(str(local, "source"), &opts.source));

	nl = (size_t)cJSON_GetArraySize(cJSON_GetObjectItem(local, "nfts"));
	l = cs_xcalloc(nl + 1, sizeof(*l));
	cJSON_ArrayForEach(item, cJSON_GetObjectItem(local, "nfts")) {
		l[i].id = (int64_t)i + 1;
		l[i].uid = str(item, "uid");
		l[i].name = str(item, "name");
		ASSERT_OK(
		    cs_nft_status_parse(str(item, "status"), &l[i].status));
		l[i].version = num(item, "version");
		l[i].reserved_until = num(item, "reservedUntil");
		l[i].last_modified_at = num(item, "lastModifiedAt");
		ASSERT_OK(cs_source_parse(
		    str(item, "lastModifiedBy"), &l[i].last_modified_by));
		l[i].has_asset_id =
		    cJSON_IsTrue(cJSON_GetObjectItem(item, "hasAssetId"));
		i++;
	}
	nr = (size_t)cJSON_GetArraySize(remote);
	r = cs_xcalloc(nr + 1, sizeof(*r));
	i = 0;
	cJSON_ArrayForEach(item, remote) {
		r[i].uid = str(item, "uid");
		r[i].name = str(item, "name");
		r[i].state = cs_remote_state_parse(str(item, "state"));
		r[i].state_word = str(item, "state");
		r[i].asset_id = str(item, "assetId");
		i++;
	}

	cs_plan_build(&plan, l, nl, r, nr, &opts);
	got = plan_json(&plan, expect);
	if (!cJSON_Compare(got, expect, true)) {
		a = cJSON_Print(got);
		b = cJSON_Print(expect);
		cs_test_fail(__FILE__, __LINE__,
		    "scenario %s: the plan differs\n-- got:\n%s\n-- "
		    "expected:\n%s",
		    name, a, b);
	}
	ASSERT_EQ(plan.applies + plan.keeps + plan.reviews + plan.reports +
	              plan.defers,
	    plan.discrepancies.len);
	cs_plan_dispose(&plan);
	cJSON_Delete(got);
	cJSON_Delete(local);
	cJSON_Delete(remote);
	cJSON_Delete(expect);
	free(l);
	free(r);
}

/* The seed's own three unit tests, in code as well as in data. */
static struct cs_plan
plan_one(enum cs_nft_status local, const char *remote_state, bool present)
{
	struct cs_local_nft l = {
	    1, "A", "A #1", local, 1, 0, 0, CS_SOURCE_ADMIN, true};
	struct cs_remote_nft r = {
	    "A", "A #1", CS_REMOTE_FREE, NULL, NULL, 1, 0, NULL, NULL};
	struct cs_plan_opts o = {
	    1764000000000LL, 120000, 10, CS_SOURCE_MANUAL_SYNC, 0, NULL};
	struct cs_plan p;

	r.state = cs_remote_state_parse(remote_state);
	cs_plan_build(&p, &l, 1, &r, present ? 1 : 0, &o);
	return p;
}

CS_TEST(core_reconcile__seed_unit_tests)
{
	struct cs_plan p;
	const struct cs_discrepancy *x;

	p = plan_one(CS_NFT_AVAILABLE, "sold", true);
	ASSERT_EQ(p.discrepancies.len, 1);
	cs_plan_dispose(&p);

	p = plan_one(CS_NFT_AVAILABLE, "sold", false);
	x = CS_VEC_AT(&p.discrepancies, struct cs_discrepancy, 0);
	ASSERT_STR_EQ(cs_issue_text(x->issue), "Not found in NMKR");
	cs_plan_dispose(&p);

	p = plan_one(CS_NFT_SOLD, "sold", true);
	ASSERT_EQ(p.applies, 0);
	ASSERT_EQ(p.discrepancies.len, 0);
	cs_plan_dispose(&p);
}

CS_TEST(core_reconcile__dedupe_keeps_first)
{
	struct cs_remote_list list;
	struct cs_remote_nft *x;
	const char *uids[] = {"u1", "u2", "u1", "u3", "u2"};
	size_t i;

	cs_remote_list_init(&list);
	for (i = 0; i < 5; i++) {
		x = cs_remote_list_add(&list);
		x->uid = cs_arena_strdup(&list.arena, uids[i]);
		x->nmkr_id = (int64_t)i;
	}
	cs_remote_list_dedupe(&list);
	ASSERT_EQ(list.items.len, 3);
	ASSERT_EQ(list.duplicates, 2);
	ASSERT_EQ(CS_VEC_AT(&list.items, struct cs_remote_nft, 0)->nmkr_id, 0);
	ASSERT_STR_EQ(
	    CS_VEC_AT(&list.items, struct cs_remote_nft, 2)->uid, "u3");
	cs_remote_list_dispose(&list);
}

CS_TEST(core_reconcile__large_join_is_linear)
{
	/* 100,000 on each side with every tenth different: the join must
	 * find exactly the 10,000 (a quadratic join would time out). */
	enum { N = 100000 };
	struct cs_local_nft *l = cs_xcalloc(N, sizeof(*l));
	struct cs_remote_nft *r = cs_xcalloc(N, sizeof(*r));
	struct cs_plan_opts o = {
	    1764000000000LL, 120000, 10, CS_SOURCE_AUTO_SYNC, 0, NULL};
	struct cs_plan p;
	char(*uids)[40] = cs_xcalloc(N, 40);
	size_t i;

	for (i = 0; i < N; i++) {
		snprintf(uids[i], 40, "%08zx-0000-4000-8000-000000000000", i);
		l[i].uid = uids[i];
		l[i].name = "x";
		l[i].status = CS_NFT_AVAILABLE;
		l[i].has_asset_id = true;
		r[N - 1 - i].uid = uids[i];
		r[N - 1 - i].state =
		    i % 10 == 0 ? CS_REMOTE_SOLD : CS_REMOTE_FREE;
	}
	cs_plan_build(&p, l, N, r, N, &o);
	ASSERT_EQ(p.applies, N / 10);
	ASSERT_EQ(p.discrepancies.len, N / 10);
	ASSERT_EQ(p.nmkr.sold, N / 10);
	cs_plan_dispose(&p);
	free(uids);
	free(l);
	free(r);
}
