/* SPDX-License-Identifier: MIT */
/*
 * Alerts to a webhook URL (issue 14): a local receiver (cs_fakehttp on
 * loopback) takes the messages; each cause alerts once, is throttled, and
 * a message the receiver refuses is sent again at the next check. Each
 * try is stored (delivered or not) and `serve` lists them at
 * GET /api/campaigns/{id}/alerts.
 */
#include "test.h"

#include <cjson/cJSON.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fakehttp.h"
#include "support/fakeproc.h"
#include "support/testhttp.h"
#include "service/admin.h"
#include "service/alert.h"
#include "store/store.h"
#include "support/fixture.h"
#include "util/str.h"
#include "util/time.h"
#include "util/xalloc.h"

#define PROJECT "9e2d000a-ed53-4db4-819b-25cdab41fd47"

static pthread_mutex_t got_lock = PTHREAD_MUTEX_INITIALIZER;
static char *got[16];
static int ngot;
static int refuse; /* answer 500 to the next this many */

static const char *
classify(const char *method, const char *path, void *payload)
{
	(void)method;
	(void)path;
	(void)payload;
	return "hook";
}

static void
receive(struct cs_fake_resp *out, const struct cs_fake_req *req, void *p)
{
	cJSON *j = cJSON_Parse(req->body);
	const char *text = cJSON_GetStringValue(cJSON_GetObjectItem(j, "text"));

	(void)p;
	pthread_mutex_lock(&got_lock);
	if (refuse > 0) {
		refuse--;
		cs_fake_resp_copy(out, 500, "{}");
	} else {
		if (ngot < 16)
			got[ngot++] =
			    cs_xstrdup(text != NULL ? text : "(no text)");
		cs_fake_resp_copy(out, 200, "ok");
	}
	pthread_mutex_unlock(&got_lock);
	cJSON_Delete(j);
}

static void
error_body(struct cs_fake_resp *out, int status, int ra, void *p)
{
	(void)ra;
	(void)p;
	cs_fake_resp_copy(out, status, "{}");
}

static const char *
last(void)
{
	const char *s;

	pthread_mutex_lock(&got_lock);
	s = ngot > 0 ? got[ngot - 1] : "";
	pthread_mutex_unlock(&got_lock);
	return s;
}

struct stored {
	int n;
	char row[8][200]; /* "cause delivered error|text" */
};

static int
stored_cb(const struct cs_alert *x, void *payload)
{
	struct stored *s = payload;

	if (s->n < 8)
		snprintf(s->row[s->n], sizeof(s->row[0]), "%s %d %s|%s",
		    x->cause, x->delivered, x->error != NULL ? x->error : "-",
		    x->text);
	s->n++;
	return 0;
}

/* serve over db answers GET /api/campaigns/{id}/alerts with what the
 * alerter stored. */
static void
api_lists(const char *db, int64_t campaign)
{
	static const char *const auth[] = {
	    "Authorization: Bearer alert-test-token", NULL};
	char *bin = cs_build_path("src/cli/campaign-sync");
	char *e_db = cs_xasprintf("CS_DATABASE_URL=%s", db);
	const char *argv[] = {
	    bin, "serve", "--listen", "127.0.0.1:0", "--no-schedule", NULL};
	const char *env[] = {e_db, "CS_ADMIN_TOKEN=alert-test-token", NULL};
	struct cs_fakeproc srv;
	struct cs_test_resp r;
	cJSON *j, *first;
	char url[128];

	cs_fakeproc_start(&srv, argv, env);
	snprintf(url, sizeof(url), "%s/api/campaigns/%lld/alerts?limit=3",
	    srv.base_url, (long long)campaign);
	r = cs_test_http("GET", url, NULL, auth);
	ASSERT_EQ(r.status, 200);
	j = cJSON_Parse(r.body);
	ASSERT_EQ(cJSON_GetArraySize(j), 3);
	first = cJSON_GetArrayItem(j, 0);
	ASSERT_STR_EQ(cJSON_GetStringValue(cJSON_GetObjectItem(first, "cause")),
	    "new_reviews");
	ASSERT_TRUE(cJSON_IsTrue(cJSON_GetObjectItem(first, "delivered")));
	ASSERT_TRUE(cJSON_IsNull(cJSON_GetObjectItem(first, "error")));
	ASSERT_STR_CONTAINS(
	    cJSON_GetStringValue(cJSON_GetObjectItem(first, "text")),
	    "1 new review item in Lab Rat");
	ASSERT_STR_CONTAINS(cJSON_GetStringValue(cJSON_GetObjectItem(
	                        cJSON_GetArrayItem(j, 2), "error")),
	    "HTTP 500");
	cJSON_Delete(j);
	cs_test_resp_free(&r);
	snprintf(url, sizeof(url), "%s/api/campaigns/%lld/alerts", srv.base_url,
	    (long long)campaign + 1000);
	r = cs_test_http("GET", url, NULL, auth);
	ASSERT_EQ(r.status, 404);
	cs_test_resp_free(&r);
	ASSERT_EQ(cs_fakeproc_stop(&srv), 0);
	free(e_db);
	free(bin);
}

static void
failed_sync(struct cs_store *store, int64_t campaign, const char *why)
{
	struct cs_sync_log l;
	char errors[256];

	snprintf(errors, sizeof(errors), "[\"%s\"]", why);
	memset(&l, 0, sizeof(l));
	l.sync_type = CS_SYNC_API_PULL;
	l.nmkr_project_uid = CS_UNCONST(PROJECT);
	l.campaign_id = campaign;
	l.status = CS_SYNC_FAILED;
	l.errors = errors;
	l.started_at = l.completed_at = cs_now_ms();
	ASSERT_OK(cs_store_sync_log_insert(store, &l, TERR));
}

CS_TEST(alert__each_cause_once_then_throttled)
{
	static const char *const endpoints[] = {"hook", NULL};
	struct cs_fakehttp_opts fo = CS_FAKEHTTP_OPTS_INIT;
	struct cs_alert_opts ao;
	struct cs_fakehttp *recv;
	struct cs_alerter *a;
	struct cs_store *store;
	struct cs_campaign c;
	struct cs_import_result res;
	struct cs_admin_status st = CS_ADMIN_STATUS_INIT;
	struct cs_nft nfts[2];
	struct cs_review_new rv;
	struct cs_sync_apply ap;
	struct cs_nft n;
	struct stored stored;
	char url[64], *db;
	int64_t now = cs_now_ms();

	fo.name = "alert-receiver";
	fo.endpoints = endpoints;
	fo.classify = classify;
	fo.upstream = receive;
	fo.error_body = error_body;
	ASSERT_OK(cs_fakehttp_new(&recv, &fo, TERR));
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/hooks/T000/B000",
	    cs_fakehttp_port(recv));

	db = cs_fixture_db_url("alert.db");
	ASSERT_OK(cs_store_open(&store, db, TERR));
	memset(&c, 0, sizeof(c));
	c.name = CS_UNCONST("Lab Rat");
	c.nmkr_project_uid = CS_UNCONST(PROJECT);
	c.network = CS_NETWORK_PREPROD;
	c.max_nfts = 10;
	ASSERT_OK(cs_store_campaign_create(store, &c, now, TERR));
	memset(nfts, 0, sizeof(nfts));
	nfts[0].nft_uid = CS_UNCONST("0b7c1c52-5a3e-4c4f-9d55-1e0a4d0c7e21");
	nfts[0].name = CS_UNCONST("Lab Rat #1");
	nfts[1].nft_uid = CS_UNCONST("0b7c1c52-5a3e-4c4f-9d55-1e0a4d0c7e22");
	nfts[1].name = CS_UNCONST("Lab Rat #2");
	ASSERT_OK(cs_store_nft_import(store, c.id, nfts, 2, now, &res, TERR));

	memset(&ao, 0, sizeof(ao));
	ao.url = url;
	ao.every_ms = 3600000;
	ao.webhook_silence_ms = 1; /* no webhook ever: silent at once */
	ASSERT_OK(cs_alerter_new(&a, &ao, TERR));

	/* What was true before is the baseline: a failure, no alert. */
	failed_sync(store, c.id, "old failure");
	ASSERT_EQ(cs_alerter_check(a, store, now), 0);
	ASSERT_EQ(ngot, 0);

	/* A sync fails: one message; the same failure is not said twice. */
	failed_sync(store, c.id, "NMKR answered 500");
	ASSERT_EQ(cs_alerter_check(a, store, now + 1000), 1);
	ASSERT_STR_EQ(last(), "campaign-sync: the sync of Lab Rat failed: "
	                      "NMKR answered 500");
	ASSERT_EQ(cs_alerter_check(a, store, now + 2000), 0);
	/* Another failure within CS_ALERT_EVERY: throttled, then said. */
	failed_sync(store, c.id, "NMKR answered 503");
	ASSERT_EQ(cs_alerter_check(a, store, now + 3000), 0);
	ASSERT_EQ(cs_alerter_check(a, store, now + 3601000), 1);
	ASSERT_STR_CONTAINS(last(), "NMKR answered 503");

	/* A review item comes in. The receiver refuses the first try: it is
	 * sent at the next check. */
	st.nft_uid = nfts[0].nft_uid;
	st.status = CS_NFT_SOLD;
	ASSERT_OK(cs_admin_nft_set_status(store, "cli", &st, now, &n, TERR));
	memset(&rv, 0, sizeof(rv));
	rv.nft_id = n.id;
	rv.kind = "sold_downgrade";
	rv.local_status = CS_NFT_SOLD;
	rv.remote_state = "free";
	cs_nft_dispose(&n);
	memset(&ap, 0, sizeof(ap));
	ap.log.sync_type = CS_SYNC_MANUAL;
	ap.log.nmkr_project_uid = CS_UNCONST(PROJECT);
	ap.log.campaign_id = c.id;
	ap.reviews = &rv;
	ap.nreviews = 1;
	ap.campaign_id = c.id;
	ASSERT_OK(cs_store_sync_apply(store, &ap, now, TERR));
	/* The receiver refuses the review's message and its retries (3
	 * attempts): not delivered, said at the next check. The check also
	 * finds the sale (sold 0 -> 1) and no webhook ever: that message is
	 * delivered. */
	pthread_mutex_lock(&got_lock);
	refuse = 3;
	pthread_mutex_unlock(&got_lock);
	ASSERT_EQ(cs_alerter_check(a, store, now + 3602000), 1);
	ASSERT_STR_CONTAINS(last(), "1 sale of Lab Rat seen by syncs, but no "
	                            "NMKR webhook");
	ASSERT_EQ(cs_alerter_check(a, store, now + 3603000), 1);
	ASSERT_STR_EQ(last(),
	    "campaign-sync: 1 new review item in Lab Rat "
	    "(1 open): campaign-sync review list \"Lab Rat\"");
	ASSERT_EQ(cs_alerter_check(a, store, now + 3604000), 0);
	ASSERT_EQ(ngot, 4);

	/* Every try is stored, newest first: the refused one once, with
	 * why (and not the receiver's URL, which is a secret). */
	memset(&stored, 0, sizeof(stored));
	ASSERT_OK(
	    cs_store_alert_list(store, c.id, 0, stored_cb, &stored, TERR));
	ASSERT_EQ(stored.n, 5);
	ASSERT_STR_CONTAINS(
	    stored.row[0], "new_reviews 1 -|campaign-sync: 1 new");
	ASSERT_STR_CONTAINS(stored.row[1], "webhooks_silent 1 -|");
	ASSERT_STR_CONTAINS(stored.row[2], "new_reviews 0 ");
	ASSERT_STR_CONTAINS(stored.row[2], "HTTP 500");
	ASSERT_TRUE(strstr(stored.row[2], "hooks/T000") == NULL);
	ASSERT_STR_CONTAINS(stored.row[3], "sync_failed 1 -|");
	ASSERT_STR_CONTAINS(stored.row[3], "NMKR answered 503");
	ASSERT_STR_CONTAINS(stored.row[4], "NMKR answered 500");
	api_lists(db, c.id);

	cs_alerter_free(a);
	cs_store_free(store);
	free(db);
	cs_fakehttp_free(recv);
	for (int i = 0; i < ngot; i++)
		free(got[i]);
}
