/* SPDX-License-Identifier: MIT */
/*
 * A sync right after a webhook sale, against fake-nmkr with NMKR's result
 * cache on (issue 12): NMKR answers GetNfts from its cache for 20 s, so a
 * sync inside that window sees the NFT free although the webhook has just
 * said sold. Such a sale is deferred (a note in the report, no review
 * item) for CS_WEBHOOK_GRACE_SECONDS; after the window the usual rules
 * apply. The webhook is the fake's own, signed as NMKR signs it, handed to
 * the service as serve would.
 */
#include "test.h"

#include <string.h>

#include "clients/nmkr.h"
#include "service/import_nmkr.h"
#include "service/sync.h"
#include "service/webhook.h"
#include "store/store.h"
#include "support/fakeproc.h"
#include "support/fixture.h"
#include "support/testhttp.h"
#include "util/str.h"
#include "util/time.h"
#include "util/vec.h"
#include "util/xalloc.h"

#define KEY "cache-test-key-12"
#define SECRET "0123456789abcdef0123456789abcdef"
#define PROJECT "9e2d000a-ed53-4db4-819b-25cdab41fd47"

static struct cs_fakeproc fake;
static struct cs_store *store;
static struct cs_nmkr *nmkr;
static struct cs_webhook_sink *sink;
static int64_t campaign;

/* A campaign of 6 NFTs imported from fake-nmkr, whose answers are cached
 * cache_s seconds; the sync defers webhook sales for grace_ms. */
static struct cs_tz *zone;
static char *db_url;

/* tz: the zone of NMKR's clock, for the fake and the client (NULL: UTC). */
static void
setup_tz(const char *cache_s, int64_t grace_ms, const char *tz)
{
	char *bin = cs_build_path("tools/fake-nmkr/fake-nmkr");
	const char *argv[] = {bin, "--listen", "127.0.0.1:0", "--api-key", KEY,
	    "--project", PROJECT, "--nfts", "6", "--network", "preprod",
	    "--webhook-secret", SECRET, "--cache-seconds", cache_s, NULL, NULL,
	    NULL};
	struct cs_nmkr_opts o = CS_NMKR_OPTS_INIT;
	struct cs_webhook_sink_opts so;
	struct cs_nmkr_import_report rep;
	struct cs_campaign c;
	char *url;

	if (tz != NULL) {
		argv[15] = "--timezone";
		argv[16] = tz;
		ASSERT_OK(cs_tz_load(&zone, tz, TERR));
	}
	cs_fakeproc_start(&fake, argv, NULL);
	free(bin);
	url = cs_fixture_db_url("cache.db");
	ASSERT_OK(cs_store_open(&store, url, TERR));
	o.api_key = KEY;
	o.base_url = fake.base_url;
	o.backoff_base_ms = 10;
	o.webhook_grace_ms = grace_ms;
	o.zone = zone;
	ASSERT_OK(cs_nmkr_new(&nmkr, &o, TERR));
	memset(&c, 0, sizeof(c));
	c.name = CS_UNCONST("Cache Rat");
	c.nmkr_project_uid = CS_UNCONST(PROJECT);
	c.network = CS_NETWORK_PREPROD;
	c.max_nfts = 100;
	ASSERT_OK(cs_store_campaign_create(store, &c, cs_now_ms(), TERR));
	campaign = c.id;
	ASSERT_OK(cs_store_campaign_set_webhook_secret(
	    store, campaign, SECRET, cs_now_ms(), TERR));
	ASSERT_OK(cs_import_from_nmkr(
	    store, nmkr, campaign, cs_now_ms(), &rep, TERR));
	memset(&so, 0, sizeof(so));
	so.store_url = url;
	ASSERT_OK(cs_webhook_sink_new(&sink, &so, TERR));
	db_url = url;
}

static void
setup(const char *cache_s, int64_t grace_ms)
{
	setup_tz(cache_s, grace_ms, NULL);
}

static void
teardown(void)
{
	cs_webhook_sink_free(sink);
	cs_nmkr_free(nmkr);
	cs_store_free(store);
	cs_fakeproc_stop(&fake);
	cs_tz_free(zone);
	zone = NULL;
	free(db_url);
	db_url = NULL;
}

static int
uid_cb(const struct cs_nft *n, void *payload)
{
	struct cs_vec *v = payload;

	*(char **)cs_vec_push(v) = cs_xstrdup(n->nft_uid);
	return 0;
}

/* The first n uids of the campaign; caller frees each and the array. */
static char **
uids(size_t n)
{
	struct cs_nft_query q = CS_NFT_QUERY_INIT;
	struct cs_vec v = CS_VEC_INIT(char *);

	q.campaign_id = campaign;
	q.limit = (int64_t)n;
	ASSERT_OK(cs_store_nft_list(store, &q, uid_cb, &v, TERR));
	ASSERT_EQ(v.len, n);
	return v.ptr;
}

/* NMKR sells the NFTs and sends its webhook (signed with the project's
 * secret); serve's receiver hands it to the sink. The fake's own delivery
 * goes nowhere (port 1): the body and its payloadHash come back to us. */
static void
webhook_sale(char **list, size_t n)
{
	char url[256], body[1024];
	struct cs_webhook_reply reply;
	size_t i, o;
	cJSON *doc;
	const char *sent, *hash;

	o = (size_t)snprintf(body, sizeof(body),
	    "{\"url\":\"http://127.0.0.1:1/hook\","
	    "\"event\":\"transactionconfirmed\",\"nftUids\":[");
	for (i = 0; i < n; i++)
		o += (size_t)snprintf(body + o, sizeof(body) - o, "%s\"%s\"",
		    i > 0 ? "," : "", list[i]);
	snprintf(body + o, sizeof(body) - o, "]}");
	snprintf(url, sizeof(url), "%s/__fake/webhook", fake.base_url);
	doc = cs_test_http_json("POST", url, body);
	sent = cJSON_GetStringValue(cJSON_GetObjectItem(doc, "sent"));
	hash = cJSON_GetStringValue(cJSON_GetObjectItem(doc, "payloadHash"));
	ASSERT_TRUE(sent != NULL && hash != NULL);
	memset(&reply, 0, sizeof(reply));
	ASSERT_OK(cs_webhook_handle(
	    sink, store, sent, strlen(sent), hash, cs_now_ms(), false, &reply));
	ASSERT_EQ(reply.status, 200);
	cJSON_Delete(doc);
}

static struct cs_sync_result
sync_now(void)
{
	struct cs_sync_env env = {store, nmkr, NULL, "test"};
	struct cs_sync_opts o;
	struct cs_sync_result r;

	cs_sync_opts_init(&o);
	o.force = true;
	ASSERT_OK(cs_sync_campaign(&env, campaign, &o, &r, TERR));
	ASSERT_EQ(r.status, CS_SYNC_SUCCESS);
	return r;
}

static int
review_cb(const struct cs_review_item *r, void *payload)
{
	(void)r;
	(*(size_t *)payload)++;
	return 0;
}

static size_t
open_reviews(void)
{
	size_t n = 0;

	ASSERT_OK(
	    cs_store_review_list(store, campaign, true, review_cb, &n, TERR));
	return n;
}

static int64_t
num(const cJSON *o, const char *name)
{
	return (int64_t)cJSON_GetNumberValue(cJSON_GetObjectItem(o, name));
}

static bool
warned(const cJSON *report, const char *needle)
{
	const cJSON *w;

	cJSON_ArrayForEach(w, cJSON_GetObjectItem(report, "warnings")) {
		if (strstr(w->valuestring, needle) != NULL)
			return true;
	}
	return false;
}

static void
free_uids(char **list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(list[i]);
	free(list);
}

/* `campaign-sync sync` at once is debounced: it prints the report just
 * stored, whose deferred NFTs get a table of their own. */
static void
cli_shows_deferred(int n)
{
	char *bin = cs_build_path("src/cli/campaign-sync");
	char *e_db = cs_xasprintf("CS_DATABASE_URL=%s", db_url);
	char *e_url = cs_xasprintf("NMKR_API_URL=%s", fake.base_url);
	char *id = cs_xasprintf("%lld", (long long)campaign);
	char want[32], *out = NULL, *err = NULL;
	const char *argv[] = {bin, "sync", id, NULL};
	const char *env[] = {e_db, e_url, "NMKR_API_KEY=" KEY, NULL};
	int code = cs_test_run(argv, env, NULL, &out, &err);

	if (code != 0)
		cs_test_fail(__FILE__, __LINE__, "exit %d: %s", code, err);
	snprintf(want, sizeof(want), "Deferred (%d: ", n);
	ASSERT_STR_CONTAINS(out, want);
	free(out);
	free(err);
	free(id);
	free(e_url);
	free(e_db);
	free(bin);
}

/* Cache 4 s, grace 8 s (more than the cache): three webhook sales, then a
 * sync at once reads NMKR's cached "free" and defers them (no review
 * item); once NMKR's cache has expired, a sync finds them sold in NMKR
 * too, and nothing is left to say. */
CS_TEST(webhook_cache__sale_in_the_cache_window_is_deferred)
{
	struct cs_sync_result r;
	const cJSON *d;
	char **list;
	size_t i;

	setup("4", 8000);
	list = uids(3);
	r = sync_now(); /* fills NMKR's cache: all free */
	cs_sync_result_dispose(&r);
	webhook_sale(list, 3);

	r = sync_now();
	ASSERT_EQ(open_reviews(), 0);
	ASSERT_EQ(num(r.report, "deferredCount"), 3);
	d = cJSON_GetObjectItem(r.report, "deferred");
	ASSERT_EQ(cJSON_GetArraySize(d), 3);
	for (i = 0; i < 3; i++) {
		const cJSON *e = cJSON_GetArrayItem(d, (int)i);

		ASSERT_STR_EQ(
		    cJSON_GetStringValue(cJSON_GetObjectItem(e, "nmkrStatus")),
		    "free");
		ASSERT_STR_EQ(cJSON_GetStringValue(
		                  cJSON_GetObjectItem(e, "lastModifiedBy")),
		    "webhook");
		ASSERT_LT(num(e, "ageMs"), 8000);
	}
	ASSERT_TRUE(warned(r.report, "deferred to the next sync"));
	ASSERT_EQ(num(cJSON_GetObjectItem(r.report, "dbStats"), "sold"), 3);
	cs_sync_result_dispose(&r);
	cli_shows_deferred(3);

	cs_sleep_ms(4100); /* NMKR's cache expires; the grace has not */
	r = sync_now();
	ASSERT_EQ(open_reviews(), 0);
	ASSERT_EQ(num(r.report, "deferredCount"), 0);
	ASSERT_EQ(
	    cJSON_GetArraySize(cJSON_GetObjectItem(r.report, "discrepancies")),
	    0);
	cs_sync_result_dispose(&r);
	free_uids(list, 3);
	teardown();
}

/* The window is bounded: with a grace shorter than NMKR's cache (20 s
 * here), a sale NMKR still does not show once the grace is over goes to
 * the review queue as before; with the grace off (0), at once (what every
 * sync right after a webhook sale did before the grace existed). */
CS_TEST(webhook_cache__after_the_window_the_usual_rules)
{
	struct cs_sync_result r;
	char **list;

	setup("20", 3000);
	list = uids(2);
	r = sync_now();
	cs_sync_result_dispose(&r);
	webhook_sale(list, 1);
	r = sync_now();
	ASSERT_EQ(open_reviews(), 0);
	ASSERT_EQ(num(r.report, "deferredCount"), 1);
	cs_sync_result_dispose(&r);

	cs_sleep_ms(3100);
	r = sync_now(); /* NMKR still answers from its cache: free */
	ASSERT_EQ(num(r.report, "deferredCount"), 0);
	ASSERT_EQ(open_reviews(), 1);
	ASSERT_TRUE(warned(r.report, "sold here but not in NMKR"));
	cs_sync_result_dispose(&r);
	free_uids(list, 2);
	teardown();
}

CS_TEST(webhook_cache__grace_off_reviews_at_once)
{
	struct cs_sync_result r;
	char **list;

	setup("20", 0);
	list = uids(3);
	r = sync_now();
	cs_sync_result_dispose(&r);
	webhook_sale(list, 3);
	r = sync_now();
	ASSERT_EQ(num(r.report, "deferredCount"), 0);
	ASSERT_EQ(open_reviews(), 3);
	cs_sync_result_dispose(&r);
	free_uids(list, 3);
	teardown();
}

/*
 * NMKR_TIMEZONE end to end: fake-nmkr writes selldate in Europe/Berlin
 * without an offset, as NMKR's servers would if they ran there; the sync
 * reads it in that zone, and `nft show` shows the instant and the text
 * it came from (as the JSON does). Read as UTC it would be an hour off.
 */
CS_TEST(nmkr_times__selldate_read_in_nmkr_timezone)
{
	char *bin = cs_build_path("src/cli/campaign-sync");
	char *e_db, *out = NULL, *err = NULL, path[128], **list;
	const char *argv[] = {bin, "nft", "show", NULL, NULL, NULL};
	const char *env[] = {NULL, "NMKR_TIMEZONE=Europe/Berlin", NULL};
	const char *const hdr[] = {"Authorization: Bearer " KEY, NULL};
	struct cs_sync_result r;
	struct cs_nft n;
	struct cs_test_resp t;
	cJSON *doc, *j;
	int64_t t0, t1;
	const char *raw;

	setup_tz("0", 60000, "Europe/Berlin");
	list = uids(1);
	snprintf(path, sizeof(path), "%s/__fake/nfts/%s/state", fake.base_url,
	    list[0]);
	t0 = cs_now_ms();
	doc = cs_test_http_json("POST", path, "{\"state\":\"sold\"}");
	t1 = cs_now_ms();
	cJSON_Delete(doc);
	r = sync_now();
	cs_sync_result_dispose(&r);

	snprintf(path, sizeof(path), "%s/v2/GetNftDetailsById/%s",
	    fake.base_url, list[0]);
	t = cs_test_http("GET", path, NULL, hdr);
	ASSERT_EQ(t.status, 200);
	j = cJSON_Parse(t.body);
	raw = cJSON_GetStringValue(cJSON_GetObjectItem(j, "selldate"));
	ASSERT_TRUE(raw != NULL && strchr(raw, '+') == NULL);

	ASSERT_OK(cs_store_nft_get(store, list[0], &n, TERR));
	ASSERT_EQ(n.status, CS_NFT_SOLD);
	ASSERT_STR_EQ(n.sold_at_raw, raw);
	/* The fake writes whole seconds: within the request, to the second
	 * (read as UTC it would be an hour off). */
	ASSERT_GE(n.sold_at, t0 - t0 % 1000);
	ASSERT_LE(n.sold_at, t1);
	cs_nft_dispose(&n);

	e_db = cs_xasprintf("CS_DATABASE_URL=%s", db_url);
	env[0] = e_db;
	argv[3] = list[0];
	ASSERT_EQ(cs_test_run(argv, env, NULL, &out, &err), 0);
	ASSERT_STR_CONTAINS(out, "as NMKR wrote it: ");
	ASSERT_STR_CONTAINS(out, raw);
	ASSERT_STR_CONTAINS(out, "Europe/Berlin");
	free(out);
	free(err);
	argv[4] = "--json";
	ASSERT_EQ(cs_test_run(argv, env, NULL, &out, &err), 0);
	doc = cJSON_Parse(out);
	ASSERT_STR_EQ(
	    cJSON_GetStringValue(cJSON_GetObjectItem(doc, "soldAtRaw")), raw);
	ASSERT_TRUE(cJSON_IsNumber(cJSON_GetObjectItem(doc, "soldAt")));
	cJSON_Delete(doc);
	free(out);
	free(err);
	cJSON_Delete(j);
	cs_test_resp_free(&t);
	free(e_db);
	free(bin);
	free_uids(list, 1);
	teardown();
}
