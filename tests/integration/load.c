/* SPDX-License-Identifier: MIT */
/*
 * The server under concurrency, over real HTTP on loopback: 200 wallets
 * racing for 100 NFTs, and 500 webhooks arriving while a sync runs. What
 * must hold is exact: no NFT handed out twice, no sale lost, one history
 * row per change, counters equal to a live count.
 */
#include "test.h"

#include <curl/curl.h>
#ifdef CS_WITH_POSTGRES
#include <libpq-fe.h>
#endif
#include <signal.h>

#include "service/webhook.h"
#include "store/store.h"
#include "support/fakeproc.h"
#include "support/fixture.h"
#include "support/testhttp.h"
#include "util/buf.h"
#include "util/str.h"
#include "util/strmap.h"
#include "util/time.h"
#include "util/xalloc.h"

#define KEY "load-test-key-31"
#define TOKEN "load-test-admin-token-2718"
#define PROJECT "9e2d000a-ed53-4db4-819b-25cdab41fd47"

/* servers[0] is "the server"; a test may start a second instance on the
 * same database. */
static struct cs_fakeproc fake, servers[2];
#define server servers[0]
static char *db_url;

/* serve on the test's database and fake-nmkr, as owner (NULL: its default
 * name), with a schedule (5-field cron) or none. */
static void
start_serve(struct cs_fakeproc *p, const char *owner, const char *schedule)
{
	char *cs = cs_build_path("src/cli/campaign-sync");
	const char *argv[8] = {cs, "serve", "--listen", "127.0.0.1:0"};
	char *env_db, *env_url, *env_sched = NULL;
	const char *env[10];
	size_t n = 4;

	if (owner != NULL) {
		argv[n++] = "--owner";
		argv[n++] = owner;
	}
	if (schedule == NULL)
		argv[n++] = "--no-schedule";
	argv[n] = NULL;
	env_db = cs_xasprintf("CS_DATABASE_URL=%s", db_url);
	env_url = cs_xasprintf("NMKR_API_URL=%s", fake.base_url);
	env[0] = env_db;
	env[1] = env_url;
	env[2] = "NMKR_API_KEY=" KEY;
	env[3] = "CS_ADMIN_TOKEN=" TOKEN;
	env[4] = "CS_PUBLIC_RATE=0";
	env[5] = "CS_LOG_FORMAT=text";
	env[6] = "CS_LOG_LEVEL=debug";
	/* Every client of these tests is 127.0.0.1, 200 connections at
	 * once: over the per-client cap of a real server. */
	env[7] = "CS_MAX_CLIENT_CONNECTIONS=1000";
	env[8] = NULL;
	if (schedule != NULL) {
		env_sched = cs_xasprintf("CS_SYNC_SCHEDULE=%s", schedule);
		env[8] = env_sched;
	}
	env[9] = NULL;
	cs_fakeproc_start(p, argv, env);
	free(env_sched);
	free(env_db);
	free(env_url);
	free(cs);
}

/* fake-nmkr with nfts NFTs, then n serve instances on one database,
 * instance-a, instance-b, ...; with a schedule or none. */
static void
start_n(const char *nfts, size_t n, const char *schedule)
{
	char *fk = cs_build_path("tools/fake-nmkr/fake-nmkr");
	const char *fargv[] = {fk, "--listen", "127.0.0.1:0", "--api-key", KEY,
	    "--project", PROJECT, "--nfts", nfts, "--sold", "0", "--reserved",
	    "0", "--blocked", "0", "--rate-limit", "0", NULL};
	char owner[16];
	size_t i;

	cs_fakeproc_start(&fake, fargv, NULL);
	db_url = cs_fixture_db_url("load.db");
	for (i = 0; i < n; i++) {
		snprintf(owner, sizeof(owner), "instance-%c", (char)('a' + i));
		start_serve(&servers[i], owner, schedule);
	}
	free(fk);
}

static void
start(const char *nfts)
{
	start_n(nfts, 1, NULL);
}

static cJSON *
api(const char *method, const char *path, const char *body, long want)
{
	const char *headers[] = {"Authorization: Bearer " TOKEN, NULL};
	struct cs_test_resp r;
	char url[512];
	cJSON *j;

	snprintf(url, sizeof(url), "%s%s", server.base_url, path);
	r = cs_test_http(method, url, body, headers);
	if (r.status != want)
		cs_test_fail(__FILE__, __LINE__, "%s %s: %ld, want %ld: %s",
		    method, path, r.status, want, r.body);
	j = cJSON_Parse(r.body);
	cs_test_resp_free(&r);
	return j;
}

/* A campaign filled from the fake and active: its id. */
static int64_t
campaign(size_t max)
{
	char body[256];
	cJSON *j;
	int64_t id;

	snprintf(body, sizeof(body),
	    "{\"name\":\"Load\",\"nmkrProjectId\":\"%s\",\"maxNFTs\":%zu}",
	    PROJECT, max);
	j = api("POST", "/api/campaigns", body, 201);
	id = (int64_t)cJSON_GetNumberValue(cJSON_GetObjectItem(j, "id"));
	cJSON_Delete(j);
	snprintf(
	    body, sizeof(body), "/api/campaigns/%lld/import", (long long)id);
	cJSON_Delete(api("POST", body, "{\"source\":\"nmkr\"}", 200));
	snprintf(
	    body, sizeof(body), "/api/campaigns/%lld/activate", (long long)id);
	cJSON_Delete(api("POST", body, NULL, 200));
	return id;
}

/* n requests at once, all in flight together (curl multi, one connection
 * each). Bodies and URLs borrowed; statuses and bodies out. */
struct burst {
	CURL *easy;
	struct curl_slist *headers;
	struct cs_buf body;
	long status;
};

static size_t
collect(char *data, size_t size, size_t n, void *payload)
{
	return cs_buf_put(payload, data, size * n) < 0 ? 0 : size * n;
}

static void
burst(struct burst *b, size_t n, char **urls, char **bodies)
{
	CURLM *m = curl_multi_init();
	int running = 1;
	size_t i;

	curl_multi_setopt(m, CURLMOPT_MAX_TOTAL_CONNECTIONS, (long)n);
	for (i = 0; i < n; i++) {
		cs_buf_init(&b[i].body, 1 << 20);
		b[i].easy = curl_easy_init();
		b[i].headers =
		    curl_slist_append(NULL, "Content-Type: application/json");
		curl_easy_setopt(b[i].easy, CURLOPT_URL, urls[i]);
		curl_easy_setopt(b[i].easy, CURLOPT_POSTFIELDS, bodies[i]);
		curl_easy_setopt(b[i].easy, CURLOPT_HTTPHEADER, b[i].headers);
		curl_easy_setopt(b[i].easy, CURLOPT_WRITEFUNCTION, collect);
		curl_easy_setopt(b[i].easy, CURLOPT_WRITEDATA, &b[i].body);
		curl_easy_setopt(b[i].easy, CURLOPT_TIMEOUT, 60L);
		curl_easy_setopt(b[i].easy, CURLOPT_FORBID_REUSE, 1L);
		curl_multi_add_handle(m, b[i].easy);
	}
	while (running > 0) {
		curl_multi_perform(m, &running);
		if (running > 0)
			curl_multi_poll(m, NULL, 0, 100, NULL);
	}
	for (i = 0; i < n; i++) {
		curl_easy_getinfo(
		    b[i].easy, CURLINFO_RESPONSE_CODE, &b[i].status);
		curl_multi_remove_handle(m, b[i].easy);
		curl_easy_cleanup(b[i].easy);
		curl_slist_free_all(b[i].headers);
	}
	curl_multi_cleanup(m);
}

static void
burst_free(struct burst *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		cs_buf_dispose(&b[i].body);
}

static void
assert_counters(struct cs_store *s, int64_t id)
{
	struct cs_campaign c;
	struct cs_counts live;

	ASSERT_OK(cs_store_campaign_get(s, id, &c, TERR));
	ASSERT_OK(cs_store_nft_counts(s, id, &live, TERR));
	ASSERT_EQ(c.counts.total, live.total);
	ASSERT_EQ(c.counts.available, live.available);
	ASSERT_EQ(c.counts.reserved, live.reserved);
	ASSERT_EQ(c.counts.sold, live.sold);
	cs_campaign_dispose(&c);
}

struct history_count {
	int64_t *per_nft; /* indexed by nft id */
	size_t cap;
	size_t rows;
	size_t sales; /* rows into sold from another status */
};

static int
count_history(const struct cs_history *h, void *payload)
{
	struct history_count *hc = payload;

	if ((size_t)h->nft_id < hc->cap)
		hc->per_nft[h->nft_id]++;
	hc->rows++;
	if (h->new_status == CS_NFT_SOLD && h->old_status != CS_NFT_SOLD)
		hc->sales++;
	return 0;
}

/* 200 wallets ask for 100 NFTs at once, spread over the instances. */
static void
race(size_t instances)
{
	struct cs_history_query hq = CS_HISTORY_QUERY_INIT;
	struct history_count hc;
	struct burst *b = cs_xcalloc(200, sizeof(*b));
	char *urls[200], *bodies[200];
	struct cs_strmap seen;
	struct cs_store *s = NULL;
	size_t i, created = 0, sold_out = 0;
	int64_t id;

	start_n("100", instances, NULL);
	id = campaign(100);
	for (i = 0; i < 200; i++) {
		urls[i] = cs_xasprintf("%s/api/campaigns/%lld/reservations",
		    servers[i % instances].base_url, (long long)id);
		bodies[i] = cs_xasprintf("{\"wallet\":\"%s\"}",
		    cs_fixture_wallet_mainnet((unsigned)i));
	}
	burst(b, 200, urls, bodies);
	cs_strmap_init(&seen);
	for (i = 0; i < 200; i++) {
		cJSON *j = cJSON_Parse(cs_buf_cstr(&b[i].body));

		ASSERT_TRUE(j != NULL);
		if (b[i].status == 201) {
			const char *uid =
			    cJSON_GetObjectItem(j, "nftUid")->valuestring;

			created++;
			/* Each NFT handed out once. */
			if (!cs_strmap_put(&seen, cs_xstrdup(uid), i))
				cs_test_fail(__FILE__, __LINE__,
				    "NFT %s handed out twice", uid);
		} else {
			ASSERT_EQ(b[i].status, 409);
			ASSERT_STR_EQ(
			    cJSON_GetObjectItem(
			        cJSON_GetObjectItem(j, "error"), "code")
			        ->valuestring,
			    "sold_out");
			sold_out++;
		}
		cJSON_Delete(j);
	}
	ASSERT_EQ(created, 100);
	ASSERT_EQ(sold_out, 100);

	/* The database agrees: 100 reserved, one history row each. */
	ASSERT_OK(cs_store_open(&s, db_url, TERR));
	assert_counters(s, id);
	memset(&hc, 0, sizeof(hc));
	hc.cap = 1000;
	hc.per_nft = cs_xcalloc(hc.cap, sizeof(*hc.per_nft));
	hq.campaign_id = id;
	ASSERT_OK(cs_store_history_list(s, &hq, count_history, &hc, TERR));
	ASSERT_EQ(hc.rows, 100);
	for (i = 0; i < hc.cap; i++)
		ASSERT_LE(hc.per_nft[i], 1);
	{
		struct cs_campaign c;

		ASSERT_OK(cs_store_campaign_get(s, id, &c, TERR));
		ASSERT_EQ(c.counts.reserved, 100);
		ASSERT_EQ(c.counts.available, 0);
		cs_campaign_dispose(&c);
	}
	cs_store_free(s);
	for (i = 0; i < 200; i++) {
		free(urls[i]);
		free(bodies[i]);
	}
	for (i = 0; i < seen.cap; i++)
		free(CS_UNCONST(seen.keys[i]));
	cs_strmap_dispose(&seen);
	burst_free(b, 200);
	free(b);
	free(hc.per_nft);
	for (i = 0; i < instances; i++)
		ASSERT_EQ(cs_fakeproc_stop(&servers[i]), 0);
}

CS_TEST(load__200_wallets_race_for_100_nfts)
{
	race(1);
}

/* Two serve instances on one database, 100 requests to each. */
CS_TEST(load__two_instances_200_wallets_100_nfts)
{
	race(2);
}

struct uids {
	char **v;
	size_t n;
};

static int
uid_cb(const struct cs_nft *n, void *payload)
{
	struct uids *u = payload;

	u->v[u->n++] = cs_xstrdup(n->nft_uid);
	return 0;
}

/* A webhook body as NMKR's test sender builds it, for one NFT. */
static char *
sale_body(const char *uid, size_t i)
{
	return cs_xasprintf(
	    "{\"EventType\":\"transactionconfirmed\",\"ProjectName\":\"Load\","
	    "\"ProjectUid\":\"%s\",\"SaleType\":\"paidonftaddress\","
	    "\"SaleDate\":\"2026-11-25T12:00:00+00:00\",\"Price\":10000000,"
	    "\"MintingCosts\":2000000,\"SendbackCosts\":null,"
	    "\"NetworkFees\":null,\"NMKRRewards\":null,\"Discount\":null,"
	    "\"NotificationSaleNfts\":[{\"NftId\":%zu,\"NftUid\":\"%s\","
	    "\"NftName\":\"n\",\"NftNameInHex\":\"6e\",\"AssetId\":null,"
	    "\"PolicyId\":null,\"Count\":1,\"Multiplier\":1,"
	    "\"Fingerprint\":null}],"
	    "\"TxHash\":\"%064zx\",\"ReceiverAddress\":\"addr_test1buyer%zu\","
	    "\"OriginatorAddress\":null,\"StakeAddressReceiver\":null,"
	    "\"SenderAddress\":null,\"DetailResults\":null,\"Metadata\":null,"
	    "\"PreparedTransactionUid\":null,\"CustomProperties\":null,"
	    "\"AddressExpiration\":null,\"BlockChain\":\"Cardano\","
	    "\"DiscountCode\":null,\"MetadataStandard\":null,"
	    "\"Cip68ReferenceTokenAddress\":null}",
	    PROJECT, i + 1, uid, i + 1, i);
}

static char *
url_encode(const char *s)
{
	CURL *e = curl_easy_init();
	char *enc = curl_easy_escape(e, s, 0), *out = cs_xstrdup(enc);

	curl_free(enc);
	curl_easy_cleanup(e);
	return out;
}

CS_TEST(load__500_webhooks_during_a_sync)
{
	struct cs_nft_query q = CS_NFT_QUERY_INIT;
	struct cs_history_query hq = CS_HISTORY_QUERY_INIT;
	struct burst *b = cs_xcalloc(500, sizeof(*b));
	char *urls[500], *bodies[500], path[256], *log;
	struct history_count hc;
	struct cs_campaign c;
	struct cs_store *s = NULL;
	struct uids u;
	cJSON *j;
	size_t i, applied = 0;
	int64_t id, batches = 0, items = 0;

	start("600");
	id = campaign(600);
	snprintf(
	    path, sizeof(path), "/api/campaigns/%lld/webhook", (long long)id);
	{
		char body[256];

		snprintf(body, sizeof(body), "{\"url\":\"%s/webhooks/nmkr\"}",
		    server.base_url);
		cJSON_Delete(api("POST", path, body, 200));
	}
	ASSERT_OK(cs_store_open(&s, db_url, TERR));
	ASSERT_OK(cs_store_campaign_get(s, id, &c, TERR));
	ASSERT_TRUE(c.webhook_secret != NULL);
	u.v = cs_xcalloc(600, sizeof(*u.v));
	u.n = 0;
	q.campaign_id = id;
	ASSERT_OK(cs_store_nft_list(s, &q, uid_cb, &u, TERR));
	ASSERT_EQ(u.n, 600);

	/* The sync's pages each wait, so the webhooks land during it. */
	{
		char url[256];
		cJSON *f;

		snprintf(url, sizeof(url), "%s/__fake/faults", fake.base_url);
		f = cs_test_http_json("POST", url,
		    "{\"endpoint\":\"GetNfts\",\"delayMs\":150,\"times\":-1}");
		cJSON_Delete(f);
	}
	/* NMKR has them sold too, to the buyers and in the transactions the
	 * webhooks name, as it would when it sends them: whichever of the
	 * sync and the webhook comes second has nothing left to change. */
	for (i = 0; i < 500; i++) {
		char url[256], body[256];
		cJSON *f;

		snprintf(url, sizeof(url), "%s/__fake/nfts/%s/state",
		    fake.base_url, u.v[i]);
		snprintf(body, sizeof(body),
		    "{\"state\":\"sold\",\"receiverAddress\":"
		    "\"addr_test1buyer%zu\",\"txHash\":\"%064zx\"}",
		    i, i + 1);
		f = cs_test_http_json("POST", url, body);
		ASSERT_STR_EQ(
		    cJSON_GetStringValue(cJSON_GetObjectItem(f, "state")),
		    "sold");
		cJSON_Delete(f);
	}
	for (i = 0; i < 500; i++) {
		char sig[45], *enc;

		bodies[i] = sale_body(u.v[i], i);
		cs_webhook_sign(
		    c.webhook_secret, bodies[i], strlen(bodies[i]), sig);
		enc = url_encode(sig);
		urls[i] = cs_xasprintf(
		    "%s/webhooks/nmkr?payloadHash=%s", server.base_url, enc);
		free(enc);
	}
	snprintf(path, sizeof(path), "/api/campaigns/%lld/sync?async=1&force=1",
	    (long long)id);
	j = api("POST", path, NULL, 202);
	cJSON_Delete(j);
	burst(b, 500, urls, bodies);
	for (i = 0; i < 500; i++) {
		if (b[i].status != 200)
			cs_test_fail(__FILE__, __LINE__, "webhook %zu: %ld %s",
			    i, b[i].status, cs_buf_cstr(&b[i].body));
		applied +=
		    strstr(cs_buf_cstr(&b[i].body), "\"changed\":1") != NULL;
	}
	ASSERT_EQ(applied, 500);

	/* Wait for the sync to end, then check every sale and its row. */
	{
		int64_t until = cs_mono_ms() + 30000;
		struct cs_sync_run run;

		for (;;) {
			ASSERT_OK(cs_store_sync_run_latest(s, id, &run, TERR));
			if (run.finished_at != 0)
				break;
			cs_sync_run_dispose(&run);
			ASSERT_LT(cs_mono_ms(), until);
			cs_sleep_ms(50);
		}
		ASSERT_STR_EQ(run.outcome, "success");
		cs_sync_run_dispose(&run);
	}
	for (i = 0; i < 500; i++) {
		struct cs_nft n;

		char buyer[64], tx[65];

		ASSERT_OK(cs_store_nft_get(s, u.v[i], &n, TERR));
		if (n.status != CS_NFT_SOLD)
			cs_test_fail(__FILE__, __LINE__, "NFT %zu (%s) is %s",
			    i, u.v[i], cs_nft_status_name(n.status));
		/* The webhook's buyer and transaction, whichever came first. */
		snprintf(buyer, sizeof(buyer), "addr_test1buyer%zu", i);
		snprintf(tx, sizeof(tx), "%064zx", i + 1);
		ASSERT_STR_EQ(n.sold_to, buyer);
		ASSERT_STR_EQ(n.tx_hash, tx);
		cs_nft_dispose(&n);
	}
	memset(&hc, 0, sizeof(hc));
	hc.cap = 2000;
	hc.per_nft = cs_xcalloc(hc.cap, sizeof(*hc.per_nft));
	hq.campaign_id = id;
	ASSERT_OK(cs_store_history_list(s, &hq, count_history, &hc, TERR));
	/* One sale row per NFT, none lost or doubled. When the sync sold an
	 * NFT first (NMKR's list has no buyer), its webhook adds the buyer:
	 * a second row, sold to sold. Nothing else. */
	ASSERT_EQ(hc.sales, 500);
	ASSERT_LE(hc.rows, 1000);
	for (i = 0; i < hc.cap; i++)
		ASSERT_LE(hc.per_nft[i], 2);
	assert_counters(s, id);
	cs_campaign_dispose(&c);
	cs_store_free(s);

	/* Group commit: fewer transactions than webhooks. */
	ASSERT_EQ(cs_fakeproc_stop(&server), 0);
	log = cs_fakeproc_log(&server);
	{
		const char *p = strstr(log, "webhooks committed in ");

		ASSERT_TRUE(p != NULL);
		p--; /* back over the space to the start of the number */
		while (p > log && p[-1] != ' ')
			p--;
		ASSERT_EQ(sscanf(p, "%lld webhooks committed in %lld",
		              (long long *)&items, (long long *)&batches),
		    2);
	}
	ASSERT_EQ(items, 500);
	ASSERT_LT(batches, 500);
	fprintf(
	    stderr, "500 webhooks in %lld transactions\n", (long long)batches);
	for (i = 0; i < 500; i++) {
		free(urls[i]);
		free(bodies[i]);
	}
	for (i = 0; i < u.n; i++)
		free(u.v[i]);
	free(u.v);
	free(log);
	burst_free(b, 500);
	free(b);
	free(hc.per_nft);
}

/* Issue 13: a libpq keyword/value string was opened as a SQLite file named
 * after it, and a quoted password was logged half redacted. Now it is
 * PostgreSQL's, and the password is hidden whole. */
CS_TEST(load__keyword_database_url_is_postgres)
{
#ifdef CS_WITH_POSTGRES
	char *cs = cs_build_path("src/cli/campaign-sync");
	const char *argv[] = {
	    cs, "serve", "--listen", "127.0.0.1:0", "--no-schedule", NULL};
	const char *env[4];
	PQconninfoOption *opts, *o;
	struct cs_buf kw = CS_BUF_INIT(4096);
	const char *v;
	char *url, *log;

	if (!cs_fixture_db_is_pg())
		CS_CANNOT_RUN("PostgreSQL only");
	url = cs_fixture_db_url("load.db");
	opts = PQconninfoParse(url, NULL);
	ASSERT_TRUE(opts != NULL);
	ASSERT_OK(cs_buf_puts(&kw, "CS_DATABASE_URL="));
	for (o = opts; o->keyword != NULL; o++) {
		if (o->val == NULL || strcmp(o->keyword, "password") == 0)
			continue;
		ASSERT_OK(cs_buf_printf(&kw, "%s = '", o->keyword));
		for (v = o->val; *v != '\0'; v++) {
			if (*v == '\'' || *v == '\\')
				ASSERT_OK(cs_buf_putc(&kw, '\\'));
			ASSERT_OK(cs_buf_putc(&kw, *v));
		}
		ASSERT_OK(cs_buf_puts(&kw, "' "));
	}
	PQconninfoFree(opts);
	ASSERT_OK(cs_buf_puts(&kw, "password='pw with spaces and \\'quotes'"));
	env[0] = cs_buf_cstr(&kw);
	env[1] = "CS_ADMIN_TOKEN=" TOKEN;
	env[2] = "CS_LOG_LEVEL=debug";
	env[3] = NULL;
	cs_fakeproc_start(&server, argv, env);
	ASSERT_EQ(cs_fakeproc_stop(&server), 0);
	log = cs_fakeproc_log(&server);
	ASSERT_STR_CONTAINS(log, "password=[redacted]");
	ASSERT_STR_CONTAINS(log, "dbname = ");
	ASSERT_STR_NOT_CONTAINS(log, "spaces");
	ASSERT_STR_NOT_CONTAINS(log, "quotes");
	free(log);
	cs_buf_dispose(&kw);
	free(url);
	free(cs);
#else
	CS_CANNOT_RUN("built without PostgreSQL");
#endif
}

/* A password in CS_DATABASE_URL never reaches the log, though serve logs
 * the URL it opened. PostgreSQL only (a SQLite URL has none); the test
 * server trusts local connections, so any password is accepted. */
CS_TEST(load__database_password_is_not_logged)
{
	char *cs = cs_build_path("src/cli/campaign-sync");
	const char *argv[] = {
	    cs, "serve", "--listen", "127.0.0.1:0", "--no-schedule", NULL};
	const char *env[4];
	char *url, *env_db, *log;

	if (!cs_fixture_db_is_pg())
		CS_CANNOT_RUN("a SQLite URL has no password");
	url = cs_fixture_db_url("load.db");
	/* In the query, and in the user part with a '?' in it (libpq reads
	 * the user part up to the '@'). */
	ASSERT_TRUE(strncmp(url, "postgresql:///", 14) == 0);
	env_db = cs_xasprintf("CS_DATABASE_URL=postgresql://cs-pg:Se?cr3t-user-"
	                      "part@/%s&password=hunter2-in-the-url",
	    url + 14);
	env[0] = env_db;
	env[1] = "CS_ADMIN_TOKEN=" TOKEN;
	env[2] = "CS_LOG_LEVEL=debug";
	env[3] = NULL;
	cs_fakeproc_start(&server, argv, env);
	ASSERT_EQ(cs_fakeproc_stop(&server), 0);
	log = cs_fakeproc_log(&server);
	ASSERT_STR_CONTAINS(log, "password=[redacted]");
	ASSERT_STR_CONTAINS(log, "postgresql://cs-pg:[redacted]@/");
	ASSERT_STR_NOT_CONTAINS(log, "hunter2");
	ASSERT_STR_NOT_CONTAINS(log, "Se?cr3t");
	free(log);
	free(env_db);
	free(url);
	free(cs);
}

/* A campaign of 200 whose first 20 NMKR has sold, and a sync of it that
 * is slow to fetch (a second a page), started in the background. */
static int64_t
slow_sync_of_20_sales(void)
{
	struct cs_nft_query q = CS_NFT_QUERY_INIT;
	struct cs_store *s = NULL;
	struct uids u;
	char url[256], path[128];
	int64_t id;
	size_t i;

	start("200");
	id = campaign(200);
	ASSERT_OK(cs_store_open(&s, db_url, TERR));
	u.v = cs_xcalloc(200, sizeof(*u.v));
	u.n = 0;
	q.campaign_id = id;
	ASSERT_OK(cs_store_nft_list(s, &q, uid_cb, &u, TERR));
	cs_store_free(s);
	for (i = 0; i < 20; i++) {
		snprintf(url, sizeof(url), "%s/__fake/nfts/%s/state",
		    fake.base_url, u.v[i]);
		cJSON_Delete(
		    cs_test_http_json("POST", url, "{\"state\":\"sold\"}"));
	}
	for (i = 0; i < u.n; i++)
		free(u.v[i]);
	free(u.v);
	snprintf(url, sizeof(url), "%s/__fake/faults", fake.base_url);
	cJSON_Delete(cs_test_http_json("POST", url,
	    "{\"endpoint\":\"GetNfts\",\"delayMs\":1000,\"times\":-1}"));
	snprintf(path, sizeof(path), "/api/campaigns/%lld/sync?async=1&force=1",
	    (long long)id);
	cJSON_Delete(api("POST", path, NULL, 202));
	cs_sleep_ms(300); /* fetching now */
	return id;
}

static size_t
history_rows(struct cs_store *s, int64_t campaign)
{
	struct cs_history_query hq = CS_HISTORY_QUERY_INIT;
	struct history_count hc;

	memset(&hc, 0, sizeof(hc));
	hq.campaign_id = campaign;
	ASSERT_OK(cs_store_history_list(s, &hq, count_history, &hc, TERR));
	return hc.rows;
}

/* SIGTERM while a sync runs: serve lets it finish, then exits 0. */
CS_TEST(load__sigterm_lets_a_running_sync_finish)
{
	struct cs_store *s = NULL;
	struct cs_sync_run run;
	struct cs_campaign c;
	int64_t id = slow_sync_of_20_sales(), t0;

	t0 = cs_mono_ms();
	ASSERT_EQ(cs_fakeproc_stop(&server), 0);
	/* It waited for the fetch (a second a page) rather than cut it. */
	ASSERT_GT(cs_mono_ms() - t0, 400);
	ASSERT_OK(cs_store_open(&s, db_url, TERR));
	ASSERT_OK(cs_store_sync_run_latest(s, id, &run, TERR));
	ASSERT_GT(run.finished_at, 0);
	ASSERT_STR_EQ(run.outcome, "success");
	cs_sync_run_dispose(&run);
	ASSERT_OK(cs_store_campaign_get(s, id, &c, TERR));
	ASSERT_EQ(c.counts.sold, 20);
	cs_campaign_dispose(&c);
	ASSERT_EQ(history_rows(s, id), 20);
	assert_counters(s, id);
	cs_store_free(s);
}

/* A crash (SIGKILL) mid-sync: nothing half-applied. Another instance is
 * refused a new sync while the dead run is younger than
 * CS_SYNC_RUN_STALE_MS, and the refusal says which run, of which instance,
 * and when it was last heard from; the crashed instance, started again,
 * closes its run and syncs at once. */
CS_TEST(load__crash_mid_sync_leaves_the_database_as_it_was)
{
	struct cs_store *s = NULL;
	struct cs_sync_run run;
	struct cs_campaign c;
	char path[128];
	cJSON *j, *running;
	int64_t id = slow_sync_of_20_sales();
	char *log;

	kill(server.pid, SIGKILL);
	ASSERT_EQ(cs_fakeproc_stop(&server), 128 + SIGKILL);
	ASSERT_OK(cs_store_open(&s, db_url, TERR));
	ASSERT_OK(cs_store_campaign_get(s, id, &c, TERR));
	ASSERT_EQ(c.counts.sold, 0);
	ASSERT_EQ(c.counts.available, 200);
	cs_campaign_dispose(&c);
	ASSERT_EQ(history_rows(s, id), 0);
	assert_counters(s, id);
	ASSERT_OK(cs_store_sync_run_latest(s, id, &run, TERR));
	ASSERT_EQ(run.finished_at, 0);
	cs_sync_run_dispose(&run);
	cs_store_free(s);

	/* Another instance (its default name): the dead run is named in the
	 * 409. */
	start_serve(&server, NULL, NULL);
	snprintf(path, sizeof(path), "/api/campaigns/%lld/sync?force=1",
	    (long long)id);
	j = api("POST", path, NULL, 409);
	running = cJSON_GetObjectItem(j, "running");
	ASSERT_TRUE(
	    cJSON_IsNumber(cJSON_GetObjectItem(running, "heartbeatAt")));
	ASSERT_TRUE(cJSON_IsNull(cJSON_GetObjectItem(running, "finishedAt")));
	ASSERT_STR_EQ(
	    cJSON_GetStringValue(cJSON_GetObjectItem(running, "owner")),
	    "instance-a");
	cJSON_Delete(j);
	ASSERT_EQ(cs_fakeproc_stop(&server), 0);

	/* The instance itself, restarted under its name, closes the run it
	 * left, and the campaign syncs at once: the 20 sales come in. */
	start_serve(&server, "instance-a", NULL);
	cJSON_Delete(api("POST", path, NULL, 200));
	ASSERT_OK(cs_store_open(&s, db_url, TERR));
	ASSERT_OK(cs_store_campaign_get(s, id, &c, TERR));
	ASSERT_EQ(c.counts.sold, 20);
	cs_campaign_dispose(&c);
	ASSERT_EQ(history_rows(s, id), 20);
	assert_counters(s, id);
	cs_store_free(s);
	log = cs_fakeproc_log(&server);
	ASSERT_STR_CONTAINS(log, "closed 1 unfinished sync run of processes "
	                         "that are gone (this is instance-a)");
	free(log);
	ASSERT_EQ(cs_fakeproc_stop(&server), 0);
}

/* One signed sale listing n NFTs, sent to the server: its status and
 * answer (caller frees). */
static struct cs_test_resp
send_many(const char *secret, char **uids, size_t n)
{
	struct cs_buf b = CS_BUF_INIT(1u << 20);
	char sig[45], *enc, *u;
	struct cs_test_resp r;
	size_t i;

	ASSERT_OK(cs_buf_printf(&b,
	    "{\"EventType\":\"transactionconfirmed\",\"ProjectUid\":\"%s\","
	    "\"SaleType\":\"paidonftaddress\",\"TxHash\":\"%064x\","
	    "\"NotificationSaleNfts\":[",
	    PROJECT, 77));
	for (i = 0; i < n; i++)
		ASSERT_OK(cs_buf_printf(
		    &b, "%s{\"NftUid\":\"%s\"}", i == 0 ? "" : ",", uids[i]));
	ASSERT_OK(cs_buf_puts(&b, "]}"));
	cs_webhook_sign(secret, cs_buf_cstr(&b), b.len, sig);
	enc = url_encode(sig);
	u = cs_xasprintf(
	    "%s/webhooks/nmkr?payloadHash=%s", server.base_url, enc);
	r = cs_test_http("POST", u, cs_buf_cstr(&b), NULL);
	free(u);
	free(enc);
	cs_buf_dispose(&b);
	return r;
}

/* A sale of many NFTs at once is taken whole and recognised when it comes
 * again, on every backend: its replay key must fit a unique index. */
CS_TEST(load__one_webhook_sells_300_nfts)
{
	struct cs_nft_query q = CS_NFT_QUERY_INIT;
	struct cs_test_resp r;
	struct cs_campaign c;
	struct cs_store *s = NULL;
	struct uids u;
	char path[128];
	size_t i;
	int64_t id;

	start("300");
	id = campaign(300);
	snprintf(
	    path, sizeof(path), "/api/campaigns/%lld/webhook", (long long)id);
	{
		char body[256];

		snprintf(body, sizeof(body), "{\"url\":\"%s/webhooks/nmkr\"}",
		    server.base_url);
		cJSON_Delete(api("POST", path, body, 200));
	}
	ASSERT_OK(cs_store_open(&s, db_url, TERR));
	ASSERT_OK(cs_store_campaign_get(s, id, &c, TERR));
	u.v = cs_xcalloc(300, sizeof(*u.v));
	u.n = 0;
	q.campaign_id = id;
	ASSERT_OK(cs_store_nft_list(s, &q, uid_cb, &u, TERR));
	ASSERT_EQ(u.n, 300);
	r = send_many(c.webhook_secret, u.v, u.n);
	ASSERT_EQ(r.status, 200);
	ASSERT_STR_CONTAINS(r.body, "\"outcome\":\"applied\"");
	ASSERT_STR_CONTAINS(r.body, "\"changed\":300");
	cs_test_resp_free(&r);
	r = send_many(c.webhook_secret, u.v, u.n);
	ASSERT_EQ(r.status, 200);
	ASSERT_STR_CONTAINS(r.body, "\"outcome\":\"replay\"");
	cs_test_resp_free(&r);
	for (i = 0; i < u.n; i++)
		free(u.v[i]);
	free(u.v);
	cs_campaign_dispose(&c);
	cs_store_free(s);
	ASSERT_EQ(cs_fakeproc_stop(&server), 0);
	ASSERT_EQ(cs_fakeproc_stop(&fake), 0);
}
