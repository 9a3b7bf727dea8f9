/* SPDX-License-Identifier: MIT */
/*
 * The background verifier of serve (issue 18; docs/internals/verify.md "In
 * the background"): campaign-sync serve processes over one database
 * (SQLite, or PostgreSQL in integration.pg.chainq.*) and fake-blockfrost.
 * 300 sales, one minted by another transaction, are all checked without a
 * 429 and the odd one is a `mismatch`; two instances on PostgreSQL share the
 * budget (the fake's busiest second stays at the share) and the queue (each
 * NFT is leased once). The rates are 20 times Blockfrost's to keep the
 * tests near ten seconds; the sharing is shown by counts, not clocks.
 */
#include "test.h"

#include <unistd.h>

#include "store/store.h"
#include "support/fakeproc.h"
#include "support/fixture.h"
#include "support/testhttp.h"
#include "util/str.h"
#include "util/time.h"
#include "util/xalloc.h"

#define PID "bf-project-Cq72pL"
#define TOKEN "chainq-test-admin-token-31"
#define PROJECT "9e2d000a-ed53-4db4-819b-25cdab41fd47"
#define POLICY "b0d07d45fe9514f80213f4020e5a61241458be626841cde717cb38a7"
#define SALES 300
#define ODD 150 /* the NFT minted by another transaction */

static struct cs_fakeproc bf;
static char bf_api[96];
static char *db_url;

/* ---- fake-blockfrost ---------------------------------------------------- */

static void
start_bf(const char *rate)
{
	char *bin = cs_build_path("tools/fake-blockfrost/fake-blockfrost");
	const char *argv[] = {bin, "--listen", "127.0.0.1:0", "--project-id",
	    PID, "--rate", rate, "--burst", rate, NULL};

	cs_fakeproc_start(&bf, argv, NULL);
	snprintf(bf_api, sizeof(bf_api), "%s/api/v0", bf.base_url);
	free(bin);
}

static int64_t
stat(const char *name)
{
	char url[256], key[64];
	cJSON *j, *v;
	const char *dot = strchr(name, '.');
	int64_t n;

	snprintf(url, sizeof(url), "%s/__fake/stats", bf.base_url);
	j = cs_test_http_json("GET", url, NULL);
	if (dot != NULL) {
		snprintf(key, sizeof(key), "%.*s", (int)(dot - name), name);
		v = cJSON_GetObjectItem(cJSON_GetObjectItem(j, key), dot + 1);
	} else {
		v = cJSON_GetObjectItem(j, name);
	}
	n = cJSON_IsNumber(v) ? (int64_t)v->valuedouble : 0;
	cJSON_Delete(j);
	return n;
}

/* POLICY + hex("Nft%04u"), or with a CIP-68 label before the name. */
static char *
asset_of(unsigned i, const char *label)
{
	char name[16], hex[40];
	size_t k;

	snprintf(name, sizeof(name), "Nft%04u", i);
	for (k = 0; name[k] != '\0'; k++)
		snprintf(hex + 2 * k, 3, "%02x", (unsigned char)name[k]);
	return cs_xasprintf("%s%s%s", POLICY, label, hex);
}

/* The mint transaction NMKR reports for NFT i: 64 hex digits. */
static void
tx_of(unsigned i, char out[65])
{
	snprintf(out, 65, "%064u", i);
}

/*
 * A campaign of n sold NFTs on the database, NMKR's mint of each stored,
 * each minted on fake-blockfrost by that transaction except ODD (another).
 * NFT i's asset id has label labels[i % nlabels].
 */
static int64_t
setup(unsigned n, const char *const *labels, size_t nlabels)
{
	struct cs_store *s = NULL;
	struct cs_import_result res;
	struct cs_campaign c;
	struct cs_nft *nfts = cs_xcalloc(n, sizeof(*nfts)), got;
	cJSON *body = cJSON_CreateObject(), *list, *o;
	char tx[65], url[256], *text;
	unsigned i;

	ASSERT_OK(cs_store_open(&s, db_url, TERR));
	memset(&c, 0, sizeof(c));
	c.name = CS_UNCONST("Lab Rat");
	c.nmkr_project_uid = CS_UNCONST(PROJECT);
	c.network = CS_NETWORK_PREPROD;
	c.max_nfts = 100000;
	ASSERT_OK(cs_store_campaign_create(s, &c, cs_now_ms(), TERR));
	for (i = 0; i < n; i++) {
		nfts[i].nft_uid = cs_fixture_uid(7, i);
		nfts[i].name = cs_xasprintf("Lab Rat #%u", i + 1);
		nfts[i].nft_number = i + 1;
		nfts[i].status = CS_NFT_SOLD;
		nfts[i].asset_id = asset_of(i + 1, labels[i % nlabels]);
	}
	ASSERT_OK(
	    cs_store_nft_import(s, c.id, nfts, n, cs_now_ms(), &res, TERR));
	ASSERT_EQ(res.inserted, n);
	list = cJSON_AddArrayToObject(body, "assets");
	for (i = 0; i < n; i++) {
		ASSERT_OK(cs_store_nft_get(s, nfts[i].nft_uid, &got, TERR));
		tx_of(i + 1, tx);
		ASSERT_OK(cs_store_nft_mint_fill(s, got.id, tx, TERR));
		cs_nft_dispose(&got);
		o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "asset", nfts[i].asset_id);
		if (i + 1 == ODD)
			snprintf(tx, sizeof(tx), "%064d", 0); /* not NMKR's */
		cJSON_AddStringToObject(o, "initialMintTxHash", tx);
		cJSON_AddItemToArray(list, o);
		cs_nft_dispose(&nfts[i]);
	}
	free(nfts);
	text = cJSON_PrintUnformatted(body);
	snprintf(url, sizeof(url), "%s/__fake/assets", bf.base_url);
	cJSON_Delete(cs_test_http_json("POST", url, text));
	cJSON_free(text);
	cJSON_Delete(body);
	cs_store_free(s);
	return c.id;
}

/* ---- serve ------------------------------------------------------------- */

/* campaign-sync serve named owner, the background verifier at share of
 * Blockfrost's rate (the fake's). */
static void
start_serve(struct cs_fakeproc *p, const char *owner, const char *rate,
    const char *share)
{
	char *bin = cs_build_path("src/cli/campaign-sync");
	const char *argv[] = {bin, "serve", "--listen", "127.0.0.1:0",
	    "--no-schedule", "--owner", owner, NULL};
	char *e_db = cs_xasprintf("CS_DATABASE_URL=%s", db_url);
	char *e_bf = cs_xasprintf("BLOCKFROST_API_URL=%s", bf_api);
	char *e_rate = cs_xasprintf("CS_BLOCKFROST_RATE=%s", rate);
	char *e_share = cs_xasprintf("CS_CHAIN_SHARE=%s", share);
	const char *env[] = {e_db, e_bf, e_rate, e_share,
	    "BLOCKFROST_PROJECT_ID=" PID, "BLOCKFROST_NETWORK=preprod",
	    "CS_ADMIN_TOKEN=" TOKEN, "CS_LOG_LEVEL=debug", NULL};

	cs_fakeproc_start(p, argv, env);
	free(e_db);
	free(e_bf);
	free(e_rate);
	free(e_share);
	free(bin);
}

/* A gauge of serve's /metrics, or -1 when absent. */
static int64_t
gauge(const struct cs_fakeproc *p, const char *name)
{
	struct cs_test_resp r;
	char url[256], *at;
	int64_t v = -1;
	size_t len = strlen(name);

	snprintf(url, sizeof(url), "%s/metrics", p->base_url);
	r = cs_test_http("GET", url, NULL, NULL);
	ASSERT_EQ(r.status, 200);
	for (at = r.body; (at = strstr(at, name)) != NULL; at += len) {
		if ((at == r.body || at[-1] == '\n') && at[len] == ' ') {
			v = strtoll(at + len + 1, NULL, 10);
			break;
		}
	}
	cs_test_resp_free(&r);
	return v;
}

/* Wait until serve reports every sale checked (at most limit_s). */
static void
wait_covered(const struct cs_fakeproc *p, int limit_s)
{
	int64_t until = cs_now_ms() + (int64_t)limit_s * 1000, left = -1;

	while (cs_now_ms() < until) {
		left = gauge(p, "cs_chain_unverified");
		if (left == 0)
			return;
		cs_sleep_ms(200);
	}
	cs_test_fail(__FILE__, __LINE__,
	    "%lld sales still unverified after %d s", (long long)left, limit_s);
}

struct problems {
	size_t n;
	int64_t nft_id;
	enum cs_chain_status status;
	char message[256];
};

static int
problem_cb(const struct cs_chain_check *k, const char *uid, const char *name,
    void *payload)
{
	struct problems *p = payload;

	(void)uid;
	(void)name;
	if (p->n++ == 0) {
		p->nft_id = k->nft_id;
		p->status = k->status;
		cs_str_copy(p->message, k->message != NULL ? k->message : "",
		    sizeof(p->message));
	}
	return 0;
}

/* The coverage and problems as the database has them after the run. */
static void
assert_outcome(int64_t campaign, unsigned n)
{
	struct cs_store *s = NULL;
	struct cs_chain_coverage cov;
	struct problems p;
	struct cs_nft odd;
	char *uid = cs_fixture_uid(7, ODD - 1);

	ASSERT_OK(cs_store_open(&s, db_url, TERR));
	ASSERT_OK(cs_store_chain_coverage(
	    s, campaign, cs_now_ms(), 86400000, &cov, TERR));
	ASSERT_EQ(cov.sold, n);
	ASSERT_EQ(cov.unverified, 0);
	ASSERT_EQ(cov.verified, n - 1);
	ASSERT_EQ(cov.mismatch, 1);
	ASSERT_EQ(cov.errors, 0);
	memset(&p, 0, sizeof(p));
	ASSERT_OK(
	    cs_store_chain_problems(s, campaign, 10, problem_cb, &p, TERR));
	ASSERT_EQ(p.n, 1);
	ASSERT_OK(cs_store_nft_get(s, uid, &odd, TERR));
	ASSERT_EQ(p.nft_id, odd.id);
	ASSERT_EQ(p.status, CS_CHAIN_MISMATCH);
	ASSERT_STR_CONTAINS(p.message, "not by NMKR's");
	cs_nft_dispose(&odd);
	free(uid);
	cs_store_free(s);
}

/* How many NFTs an instance checked: the sum of its log's batches. */
static int64_t
checked_by(const struct cs_fakeproc *p)
{
	char *log = cs_fakeproc_log(p), *at;
	int64_t n = 0;

	for (at = log; (at = strstr(at, "batch of ")) != NULL; at++)
		n += strtoll(at + strlen("batch of "), NULL, 10);
	free(log);
	return n;
}

/* verify CAMPAIGN --status [--json], as the operator runs it. */
static void
assert_status_command(void)
{
	char *bin = cs_build_path("src/cli/campaign-sync");
	char *e_db = cs_xasprintf("CS_DATABASE_URL=%s", db_url);
	const char *env[] = {e_db, NULL};
	const char *argv[] = {bin, "verify", "Lab Rat", "--status", NULL, NULL};
	char *out = NULL, *errout = NULL;
	cJSON *j, *p;

	/* A mismatch is a problem: exit 1, and it is listed. */
	ASSERT_EQ(cs_test_run(argv, env, NULL, &out, &errout), 1);
	ASSERT_STR_CONTAINS(out, "299 of 300 sales verified, none pending, "
	                         "1 mismatch");
	ASSERT_STR_CONTAINS(out, "Lab Rat #150");
	ASSERT_STR_CONTAINS(out, "mismatch");
	free(out);
	free(errout);
	argv[4] = "--json";
	ASSERT_EQ(cs_test_run(argv, env, NULL, &out, &errout), 1);
	j = cJSON_Parse(out);
	ASSERT_TRUE(j != NULL);
	ASSERT_EQ(cJSON_GetNumberValue(cJSON_GetObjectItem(j, "sold")), 300);
	ASSERT_EQ(
	    cJSON_GetNumberValue(cJSON_GetObjectItem(j, "verified")), 299);
	ASSERT_EQ(cJSON_GetNumberValue(cJSON_GetObjectItem(j, "mismatch")), 1);
	ASSERT_EQ(
	    cJSON_GetNumberValue(cJSON_GetObjectItem(j, "unverified")), 0);
	p = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "problems"), 0);
	ASSERT_STR_EQ(
	    cJSON_GetStringValue(cJSON_GetObjectItem(p, "status")), "mismatch");
	ASSERT_STR_EQ(cJSON_GetStringValue(cJSON_GetObjectItem(p, "nftName")),
	    "Lab Rat #150");
	cJSON_Delete(j);
	free(out);
	free(errout);
	free(e_db);
	free(bin);
}

/* GET /api/campaigns/{id}/chain, what the page shows. */
static void
assert_chain_route(const struct cs_fakeproc *p, int64_t campaign)
{
	const char *headers[] = {"Authorization: Bearer " TOKEN, NULL};
	struct cs_test_resp r;
	char url[256];
	cJSON *j;

	snprintf(url, sizeof(url), "%s/api/campaigns/%lld/chain", p->base_url,
	    (long long)campaign);
	r = cs_test_http("GET", url, NULL, headers);
	ASSERT_EQ(r.status, 200);
	j = cJSON_Parse(r.body);
	ASSERT_TRUE(j != NULL);
	ASSERT_STR_EQ(cJSON_GetStringValue(cJSON_GetObjectItem(j, "summary")),
	    "299 of 300 sales verified, none pending, 1 mismatch");
	ASSERT_TRUE(cJSON_IsTrue(cJSON_GetObjectItem(j, "background")));
	ASSERT_EQ(cJSON_GetArraySize(cJSON_GetObjectItem(j, "problems")), 1);
	cJSON_Delete(j);
	cs_test_resp_free(&r);
}

/* ---- Tests ------------------------------------------------------------- */

/*
 * 300 sales, one minted by another transaction, every fifth with a CIP-68
 * user-token label and every fifth with a reference-token label: serve
 * checks them all in the background, at its share of the fake's rate,
 * without one 429, and the odd one is a mismatch.
 */
CS_TEST(chainq__serve_verifies_300_in_the_background)
{
	const char *labels[] = {"", "000de140", "", "000643b0", ""};
	struct cs_fakeproc serve;
	int64_t campaign;

	db_url = cs_fixture_db_url("chainq.db");
	start_bf("200");
	campaign = setup(SALES, labels, 5);
	start_serve(&serve, "one", "200", "0.5");
	wait_covered(&serve, 60);
	ASSERT_EQ(gauge(&serve, "cs_chain_oldest_unverified_seconds"), 0);
	ASSERT_EQ(gauge(&serve, "cs_chain_mismatches"), 1);
	assert_chain_route(&serve, campaign);
	ASSERT_EQ(cs_fakeproc_stop(&serve), 0); /* SIGTERM: a clean stop */

	/* Asset and holders of each, but only the asset of the mismatch. */
	ASSERT_EQ(stat("status.429"), 0);
	ASSERT_EQ(stat("banned"), 0);
	ASSERT_EQ(stat("granted"), 2 * SALES - 1);
	ASSERT_EQ(stat("requests.assetsById"), SALES);
	fprintf(
	    stderr, "busiest second %lld\n", (long long)stat("maxPerSecond"));
	/* Half of the fake's 200/s (a token at most saved up, and jitter). */
	ASSERT_LE(stat("maxPerSecond"), 120);
	assert_outcome(campaign, SALES);
	assert_status_command();
}

/*
 * Two serve processes on one PostgreSQL database: one budget (the fake's
 * busiest second stays near the share of one, where two budgets would give
 * twice that) and one queue (each NFT checked once, by one of them, and
 * both took some).
 */
CS_TEST(chainq__two_instances_share_budget_and_queue)
{
	const char *labels[] = {""};
	struct cs_fakeproc one, two;
	int64_t campaign, a, b;

	db_url = cs_fixture_db_url("chainq.db");
	if (!cs_fixture_db_is_pg())
		CS_CANNOT_RUN("two instances share a PostgreSQL database");
	start_bf("200");
	campaign = setup(SALES, labels, 1);
	start_serve(&one, "one", "200", "0.5");
	start_serve(&two, "two", "200", "0.5");
	wait_covered(&one, 60);
	ASSERT_EQ(gauge(&two, "cs_chain_unverified"), 0);
	ASSERT_EQ(cs_fakeproc_stop(&one), 0);
	ASSERT_EQ(cs_fakeproc_stop(&two), 0);
	a = checked_by(&one);
	b = checked_by(&two);

	fprintf(stderr,
	    "checked: %lld by one, %lld by two; busiest second %lld\n",
	    (long long)a, (long long)b, (long long)stat("maxPerSecond"));
	ASSERT_EQ(stat("status.429"), 0);
	ASSERT_EQ(stat("granted"), 2 * SALES - 1); /* nothing twice */
	ASSERT_LE(stat("maxPerSecond"), 120);
	ASSERT_EQ(a + b, SALES);
	ASSERT_GT(a, 0);
	ASSERT_GT(b, 0);
	assert_outcome(campaign, SALES);
}

static void
fault(const char *json)
{
	char url[256];

	snprintf(url, sizeof(url), "%s/__fake/faults", bf.base_url);
	cJSON_Delete(cs_test_http_json("POST", url, json));
}

/*
 * A 429 with Retry-After pauses the background for that long, then it goes
 * on: one 429 in all, every sale checked, no ban.
 */
CS_TEST(chainq__429_pauses_as_blockfrost_asks)
{
	const char *labels[] = {""};
	struct cs_fakeproc serve;
	char *log;

	db_url = cs_fixture_db_url("chainq.db");
	start_bf("200");
	setup(20, labels, 1);
	fault("{\"endpoint\":\"assetsById\",\"status\":429,\"retryAfter\":1}");
	start_serve(&serve, "one", "200", "0.5");
	wait_covered(&serve, 30);
	ASSERT_EQ(cs_fakeproc_stop(&serve), 0);
	ASSERT_EQ(stat("status.429"), 1);
	ASSERT_EQ(stat("banned"), 0);
	log = cs_fakeproc_log(&serve);
	ASSERT_STR_CONTAINS(log, "paused for 1 s on every instance");
	free(log);
}

/*
 * A 402 (the daily quota) stops the background until midnight UTC, on
 * every instance: after the one request that met it, neither this serve
 * nor another started later asks Blockfrost anything.
 */
CS_TEST(chainq__402_stops_every_instance)
{
	const char *labels[] = {""};
	struct cs_fakeproc one, two;
	char *log;

	db_url = cs_fixture_db_url("chainq.db");
	start_bf("200");
	setup(20, labels, 1);
	fault("{\"endpoint\":\"*\",\"status\":402,\"times\":-1}");
	start_serve(&one, "one", "200", "0.5");
	while (stat("total") < 1)
		cs_sleep_ms(50);
	cs_sleep_ms(1000);
	ASSERT_EQ(stat("total"), 1);
	ASSERT_EQ(gauge(&one, "cs_chain_unverified"), 20);
	ASSERT_EQ(cs_fakeproc_stop(&one), 0);
	log = cs_fakeproc_log(&one);
	ASSERT_STR_CONTAINS(log, "daily request quota");
	free(log);
	start_serve(&two, "two", "200", "0.5");
	cs_sleep_ms(1000);
	ASSERT_EQ(stat("total"), 1);
	ASSERT_EQ(cs_fakeproc_stop(&two), 0);
}

/* Settings out of range are refused before anything starts. */
CS_TEST(chainq__bad_settings_are_refused)
{
	char *bin = cs_build_path("src/cli/campaign-sync");
	const char *argv[] = {bin, "migrate", NULL};
	const char *share[] = {"CS_CHAIN_SHARE=2", NULL};
	const char *recheck[] = {"CS_CHAIN_RECHECK=soon", NULL};
	const char *rate[] = {"CS_BLOCKFROST_RATE=0", NULL};
	char *out = NULL, *errout = NULL;

	ASSERT_EQ(cs_test_run(argv, share, NULL, &out, &errout), 78);
	ASSERT_STR_CONTAINS(errout, "CS_CHAIN_SHARE must be a fraction");
	free(out);
	free(errout);
	ASSERT_EQ(cs_test_run(argv, recheck, NULL, &out, &errout), 78);
	ASSERT_STR_CONTAINS(errout, "CS_CHAIN_RECHECK must be a period");
	free(out);
	free(errout);
	ASSERT_EQ(cs_test_run(argv, rate, NULL, &out, &errout), 78);
	ASSERT_STR_CONTAINS(errout, "CS_BLOCKFROST_RATE must be");
	free(out);
	free(errout);
	free(bin);
}
