/* SPDX-License-Identifier: MIT */
/*
 * GET /api/sync-logs/{id}/discrepancies.csv against `campaign-sync serve`
 * on 127.0.0.1 port 0: a stored report's discrepancies, a header and a row
 * each; a report cut to its first CS_REPORT_LIST_MAX entries ends with a
 * row that says how many more there were and where they are; a log row
 * without a report, an unknown log and a missing token are refused.
 */
#include "test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "service/encode.h"
#include "service/report.h"
#include "store/store.h"
#include "support/fakeproc.h"
#include "support/fixture.h"
#include "support/testhttp.h"
#include "util/limits.h"
#include "util/str.h"
#include "util/time.h"
#include "util/xalloc.h"

#define TOKEN "report-csv-admin-token-2718"
#define PROJECT "9e2d000a-ed53-4db4-819b-25cdab41fd47"

#define HEAD                                                                   \
	"\"nft_uid\",\"nft_name\",\"issue\",\"db_status\",\"nmkr_status\"\n"

static struct cs_fakeproc serve;
static struct cs_store *store;
static int64_t campaign;

/* A sync log row holding a report of n discrepancies (NFT #1 to #n, every
 * third not in NMKR); its id. */
static int64_t
log_with_report(size_t n)
{
	struct cs_sync_report rep;
	struct cs_sync_log l;
	char name[64], uid[64];
	cJSON *json;
	size_t i;

	cs_sync_report_init(&rep, cs_now_ms());
	for (i = 1; i <= n; i++) {
		struct cs_report_discrepancy *d =
		    cs_vec_push(&rep.discrepancies);

		snprintf(name, sizeof(name), "Lab Rat #%zu", i);
		snprintf(uid, sizeof(uid), "uid-%06zu", i);
		d->uid = cs_report_str(&rep, uid);
		d->name = cs_report_str(&rep, name);
		if (i % 3 == 0) {
			d->issue = CS_ISSUE_NOT_IN_NMKR;
			d->db_status = CS_NFT_AVAILABLE;
			d->nmkr_status = NULL;
		} else {
			d->issue = CS_ISSUE_STATUS_MISMATCH;
			d->db_status = CS_NFT_SOLD;
			d->nmkr_status = "reserved";
		}
	}
	json = cs_json_sync_report(&rep, CS_REPORT_LIST_MAX);
	memset(&l, 0, sizeof(l));
	l.sync_type = CS_SYNC_MANUAL;
	l.nmkr_project_uid = CS_UNCONST(PROJECT);
	l.campaign_id = campaign;
	l.status = CS_SYNC_SUCCESS;
	l.synced_data = cs_json_print(json, false);
	l.started_at = l.completed_at = cs_now_ms();
	ASSERT_OK(cs_store_sync_log_insert(store, &l, TERR));
	cJSON_free(l.synced_data);
	cJSON_Delete(json);
	cs_sync_report_dispose(&rep);
	return l.id;
}

static void
setup(void)
{
	char *bin = cs_build_path("src/cli/campaign-sync");
	const char *argv[] = {
	    bin, "serve", "--listen", "127.0.0.1:0", "--no-schedule", NULL};
	const char *env[4];
	char *db_url = cs_fixture_db_url("report_csv.db");
	char *env_db = cs_xasprintf("CS_DATABASE_URL=%s", db_url);
	struct cs_campaign c;

	ASSERT_OK(cs_store_open(&store, db_url, TERR));
	memset(&c, 0, sizeof(c));
	c.name = CS_UNCONST("Lab Rat");
	c.nmkr_project_uid = CS_UNCONST(PROJECT);
	c.max_nfts = 2000;
	ASSERT_OK(cs_store_campaign_create(store, &c, cs_now_ms(), TERR));
	campaign = c.id;
	env[0] = env_db;
	env[1] = "CS_ADMIN_TOKEN=" TOKEN;
	env[2] = "CS_LOG_FORMAT=text";
	env[3] = NULL;
	cs_fakeproc_start(&serve, argv, env);
	free(env_db);
	free(db_url);
	free(bin);
}

static struct cs_test_resp
get_csv(int64_t log_id, bool with_token)
{
	const char *headers[] = {"Authorization: Bearer " TOKEN, NULL};
	char url[256];

	snprintf(url, sizeof(url), "%s/api/sync-logs/%lld/discrepancies.csv",
	    serve.base_url, (long long)log_id);
	return cs_test_http("GET", url, NULL, with_token ? headers : NULL);
}

static size_t
lines_of(const char *s)
{
	size_t n = 0;

	for (; (s = strchr(s, '\n')) != NULL; s++)
		n++;
	return n;
}

CS_TEST(report_csv__lists_every_discrepancy_of_the_report)
{
	struct cs_test_resp r;
	int64_t id;

	setup();
	id = log_with_report(12);
	r = get_csv(id, true);
	ASSERT_EQ(r.status, 200);
	ASSERT_STR_CONTAINS(r.headers, "text/csv");
	ASSERT_STR_CONTAINS(r.headers, "X-Discrepancies-Listed: 12");
	ASSERT_STR_CONTAINS(r.headers, "X-Discrepancies-Total: 12");
	ASSERT_TRUE(strncmp(r.body, HEAD, strlen(HEAD)) == 0);
	ASSERT_EQ(lines_of(r.body), 13);
	ASSERT_STR_CONTAINS(r.body,
	    "\n\"uid-000001\",\"Lab Rat #1\","
	    "\"Status mismatch\",\"sold\",\"reserved\"\n");
	/* Not in NMKR: its NMKR status is empty. */
	ASSERT_STR_CONTAINS(r.body,
	    "\n\"uid-000003\",\"Lab Rat #3\","
	    "\"Not found in NMKR\",\"available\",\"\"\n");
	ASSERT_STR_NOT_CONTAINS(r.body, "not listed");
	cs_test_resp_free(&r);
	ASSERT_EQ(cs_fakeproc_stop(&serve), 0);
	cs_store_free(store);
}

CS_TEST(report_csv__a_cut_report_says_how_many_more)
{
	struct cs_test_resp r;
	int64_t id;

	setup();
	id = log_with_report(CS_REPORT_LIST_MAX + 250);
	r = get_csv(id, true);
	ASSERT_EQ(r.status, 200);
	ASSERT_STR_CONTAINS(r.headers, "X-Discrepancies-Listed: 1000");
	ASSERT_STR_CONTAINS(r.headers, "X-Discrepancies-Total: 1250");
	/* The header, 1,000 rows, and the note. */
	ASSERT_EQ(lines_of(r.body), 1 + CS_REPORT_LIST_MAX + 1);
	ASSERT_STR_CONTAINS(r.body, "\"Lab Rat #1000\"");
	ASSERT_STR_NOT_CONTAINS(r.body, "\"Lab Rat #1001\"");
	ASSERT_STR_CONTAINS(r.body,
	    "\n\"\",\"250 more not stored in this report: see the review "
	    "queue and each NFT's status history\",\"(not "
	    "listed)\",\"\",\"\"\n");
	cs_test_resp_free(&r);
	ASSERT_EQ(cs_fakeproc_stop(&serve), 0);
	cs_store_free(store);
}

CS_TEST(report_csv__refuses_logs_without_a_report_and_no_token)
{
	struct cs_test_resp r;
	struct cs_sync_log l;
	int64_t id;

	setup();
	id = log_with_report(2);
	memset(&l, 0, sizeof(l));
	l.sync_type = CS_SYNC_WEBHOOK;
	l.nmkr_project_uid = CS_UNCONST(PROJECT);
	l.campaign_id = campaign;
	l.status = CS_SYNC_SUCCESS;
	l.started_at = l.completed_at = cs_now_ms();
	ASSERT_OK(cs_store_sync_log_insert(store, &l, TERR));
	r = get_csv(l.id, true);
	ASSERT_EQ(r.status, 404);
	ASSERT_STR_CONTAINS(r.body, "no sync report");
	cs_test_resp_free(&r);
	r = get_csv(999999, true);
	ASSERT_EQ(r.status, 404);
	cs_test_resp_free(&r);
	r = get_csv(id, false);
	ASSERT_EQ(r.status, 401);
	ASSERT_STR_NOT_CONTAINS(r.body, "Lab Rat");
	cs_test_resp_free(&r);
	ASSERT_EQ(cs_fakeproc_stop(&serve), 0);
	cs_store_free(store);
}
