/* SPDX-License-Identifier: MIT */
/*
 * The sync end to end: a real SQLite file, fake-nmkr over loopback, the
 * service as serve and the CLI call it. The seed's three integration tests
 * first, then the policy cases, the debounce and the one-at-a-time rule.
 */
#include "test.h"

#include <pthread.h>
#include <stdatomic.h>
#include <time.h>

#include "clients/nmkr.h"
#include "service/encode.h"
#include "service/import_nmkr.h"
#include "service/pool.h"
#include "service/sync_job.h"
#include "service/sync.h"
#include "store/store.h"
#include "support/fakeproc.h"
#include "support/fixture.h"
#include "support/testhttp.h"
#include "util/limits.h"
#include "util/str.h"
#include "util/time.h"
#include "util/xalloc.h"

#define KEY "sync-test-key-77"
#define PROJECT "9e2d000a-ed53-4db4-819b-25cdab41fd47"

static struct cs_fakeproc fake;
static struct cs_store *store;
static struct cs_nmkr *nmkr;
static int64_t campaign;
static const char *latency_ms = "0";    /* fake NMKR's, for the next setup */
static const char *cache_seconds = "0"; /* its result cache: off */

/* A campaign of n NFTs imported from a fake project of n, all free. */
static void
setup(const char *n)
{
	char *bin = cs_build_path("tools/fake-nmkr/fake-nmkr");
	const char *argv[] = {bin, "--listen", "127.0.0.1:0", "--api-key", KEY,
	    "--project", PROJECT, "--nfts", n, "--sold", "0", "--reserved", "0",
	    "--blocked", "0", "--network", "preprod", "--latency-ms",
	    latency_ms, "--cache-seconds", cache_seconds, NULL};
	struct cs_nmkr_opts o = CS_NMKR_OPTS_INIT;
	struct cs_nmkr_import_report rep;
	struct cs_campaign c;
	char *url;

	cs_fakeproc_start(&fake, argv, NULL);
	free(bin);
	url = cs_fixture_db_url("sync.db");
	ASSERT_OK(cs_store_open(&store, url, TERR));
	free(url);
	o.api_key = KEY;
	o.base_url = fake.base_url;
	o.backoff_base_ms = 10;
	ASSERT_OK(cs_nmkr_new(&nmkr, &o, TERR));
	memset(&c, 0, sizeof(c));
	c.name = CS_UNCONST("Lab Rat");
	c.nmkr_project_uid = CS_UNCONST(PROJECT);
	c.network = CS_NETWORK_PREPROD;
	c.max_nfts = atoi(n) > 1000 ? atoi(n) : 1000;
	ASSERT_OK(cs_store_campaign_create(store, &c, cs_now_ms(), TERR));
	campaign = c.id;
	ASSERT_OK(cs_import_from_nmkr(
	    store, nmkr, campaign, cs_now_ms(), &rep, TERR));
	ASSERT_EQ(rep.result.inserted, (size_t)atoi(n));
}

static void
teardown(void)
{
	cs_nmkr_free(nmkr);
	cs_store_free(store);
}

static void
control(const char *method, const char *path, const char *body)
{
	char url[512];
	cJSON *j;

	snprintf(url, sizeof(url), "%s%s", fake.base_url, path);
	j = cs_test_http_json(method, url, body);
	cJSON_Delete(j);
}

static void
set_state(const char *uid, const char *state)
{
	char path[128], body[64];

	snprintf(path, sizeof(path), "/__fake/nfts/%s/state", uid);
	snprintf(body, sizeof(body), "{\"state\":\"%s\"}", state);
	control("POST", path, body);
}

static int
uid_cb(const struct cs_nft *n, void *payload)
{
	*(char **)payload = cs_xstrdup(n->nft_uid);
	return 0;
}

/* The uid of NFT number n of the campaign. */
static char *
uid_of(int64_t number)
{
	struct cs_nft_query q = CS_NFT_QUERY_INIT;
	char *uid = NULL;

	q.campaign_id = campaign;
	q.after_number = number - 1;
	q.limit = 1;
	ASSERT_OK(cs_store_nft_list(store, &q, uid_cb, &uid, TERR));
	ASSERT_TRUE(uid != NULL);
	return uid;
}

/* Set by the tests of the walk of `all` (its checks and budget): the
 * default sync may read the state lists instead (the smart mode). */
static bool walk_all;
static bool any_size; /* the smart mode even where it costs more */

static struct cs_sync_result
sync_now(bool force, void (*hook)(void *), void *payload)
{
	struct cs_sync_env env = {store, nmkr, NULL, "test"};
	struct cs_sync_opts o;
	struct cs_sync_result r;

	cs_sync_opts_init(&o);
	o.force = force;
	o.full = walk_all;
	o.smart_any_size = any_size;
	o.before_apply = hook;
	o.before_apply_payload = payload;
	ASSERT_OK(cs_sync_campaign(&env, campaign, &o, &r, TERR));
	return r;
}

static int64_t
num(const cJSON *o, const char *name)
{
	return (int64_t)cJSON_GetNumberValue(cJSON_GetObjectItem(o, name));
}

static enum cs_nft_status
status_of(const char *uid, struct cs_nft *keep)
{
	struct cs_nft n;
	enum cs_nft_status s;

	ASSERT_OK(cs_store_nft_get(store, uid, &n, TERR));
	s = n.status;
	if (keep != NULL)
		*keep = n;
	else
		cs_nft_dispose(&n);
	return s;
}

struct hist {
	size_t n;
	struct cs_history last;
};

static int
hist_cb(const struct cs_history *h, void *payload)
{
	struct hist *x = payload;

	x->n++;
	x->last = *h;
	x->last.detail = NULL;
	return 0;
}

static struct hist
history(int64_t nft_id)
{
	struct cs_history_query q = CS_HISTORY_QUERY_INIT;
	struct hist h;

	memset(&h, 0, sizeof(h));
	q.nft_id = nft_id;
	if (nft_id == 0)
		q.campaign_id = campaign;
	ASSERT_OK(cs_store_history_list(store, &q, hist_cb, &h, TERR));
	return h;
}

CS_TEST(sync__seed_manual_sync_updates_the_sold_one)
{
	struct cs_sync_result r;
	struct cs_sync_log log;
	struct cs_campaign c;
	struct cs_nft n;
	struct hist h;
	char *uid;

	setup("3");
	uid = uid_of(2);
	set_state(uid, "sold");
	r = sync_now(false, NULL, NULL);
	ASSERT_EQ(r.status, CS_SYNC_SUCCESS);
	ASSERT_FALSE(r.debounced);
	ASSERT_TRUE(cJSON_IsTrue(cJSON_GetObjectItem(r.report, "success")));
	ASSERT_EQ(num(r.report, "updatedCount"), 1);
	ASSERT_EQ(num(r.report, "failedCount"), 0);
	ASSERT_EQ(
	    cJSON_GetArraySize(cJSON_GetObjectItem(r.report, "discrepancies")),
	    1);
	ASSERT_EQ(num(cJSON_GetObjectItem(r.report, "nmkrStats"), "sold"), 1);
	ASSERT_EQ(num(cJSON_GetObjectItem(r.report, "dbStats"), "sold"), 0);
	ASSERT_EQ(num(r.report, "syncLogId"), r.sync_log_id);

	ASSERT_EQ(status_of(uid, &n), CS_NFT_SOLD);
	ASSERT_EQ(n.last_modified_by, CS_SOURCE_MANUAL_SYNC);
	h = history(n.id);
	ASSERT_EQ(h.n, 1);
	ASSERT_EQ(h.last.source, CS_SOURCE_MANUAL_SYNC);
	ASSERT_EQ(h.last.sync_log_id, r.sync_log_id);
	cs_nft_dispose(&n);

	/* The log row: success, one record, the report kept. */
	ASSERT_OK(cs_store_sync_log_get(store, r.sync_log_id, &log, TERR));
	ASSERT_EQ(log.status, CS_SYNC_SUCCESS);
	ASSERT_EQ(log.records_synced, 1);
	ASSERT_EQ(log.sync_type, CS_SYNC_MANUAL);
	ASSERT_STR_CONTAINS(log.synced_data, "\"updatedCount\":1");
	cs_sync_log_dispose(&log);
	ASSERT_OK(cs_store_campaign_get(store, campaign, &c, TERR));
	ASSERT_EQ(c.counts.sold, 1);
	ASSERT_EQ(c.counts.available, 2);
	ASSERT_GT(c.last_synced_at, 0);
	cs_campaign_dispose(&c);
	cs_sync_result_dispose(&r);

	/* A second sync changes nothing. */
	r = sync_now(true, NULL, NULL);
	ASSERT_EQ(num(r.report, "updatedCount"), 0);
	ASSERT_EQ(
	    cJSON_GetArraySize(cJSON_GetObjectItem(r.report, "discrepancies")),
	    0);
	ASSERT_EQ(history(0).n, 1);
	cs_sync_result_dispose(&r);
	free(uid);
	teardown();
}

struct meddle {
	const char *uid;
};

/* A user reserves the NFT after the fetch, before the apply. */
static void
meddle(void *payload)
{
	struct meddle *m = payload;
	struct cs_nft_change ch = CS_NFT_CHANGE_INIT;

	ch.nft_uid = m->uid;
	ch.new_status = CS_NFT_RESERVED;
	ch.source = CS_SOURCE_USER;
	ch.reserved_by = "stake_test1meddler";
	ch.reserved_until = cs_now_ms() + 600000;
	ASSERT_OK(cs_store_nft_change(store, &ch, cs_now_ms(), NULL, TERR));
}

CS_TEST(sync__seed_change_during_sync_is_a_conflict)
{
	struct cs_sync_result r;
	struct meddle m;
	struct cs_nft n;
	const cJSON *conflict;
	char *uid;

	setup("3");
	uid = uid_of(1);
	set_state(uid, "sold");
	m.uid = uid;
	r = sync_now(false, meddle, &m);
	ASSERT_EQ(r.status, CS_SYNC_SUCCESS);
	ASSERT_EQ(num(r.report, "updatedCount"), 0);
	ASSERT_EQ(
	    cJSON_GetArraySize(cJSON_GetObjectItem(r.report, "conflicts")), 1);
	conflict =
	    cJSON_GetArrayItem(cJSON_GetObjectItem(r.report, "conflicts"), 0);
	ASSERT_STR_EQ(
	    cJSON_GetObjectItem(conflict, "nftUid")->valuestring, uid);
	/* Not overwritten: the reservation made meanwhile stands. */
	ASSERT_EQ(status_of(uid, &n), CS_NFT_RESERVED);
	ASSERT_STR_EQ(n.reserved_by, "stake_test1meddler");
	ASSERT_EQ(history(n.id).n, 1); /* the user's change only */
	cs_nft_dispose(&n);
	cs_sync_result_dispose(&r);

	/* The next sync applies the sale: remote sold wins. */
	r = sync_now(true, NULL, NULL);
	ASSERT_EQ(num(r.report, "updatedCount"), 1);
	ASSERT_EQ(status_of(uid, NULL), CS_NFT_SOLD);
	cs_sync_result_dispose(&r);
	free(uid);
	teardown();
}

static int
dump_cb(const struct cs_nft *n, void *payload)
{
	cJSON *j = cs_json_nft(n);

	cJSON_AddItemToArray(payload, j);
	return 0;
}

static char *
dump(void)
{
	struct cs_nft_query q = CS_NFT_QUERY_INIT;
	cJSON *all = cJSON_CreateArray(), *k;
	struct cs_campaign c;
	char *s;

	q.campaign_id = campaign;
	ASSERT_OK(cs_store_nft_list(store, &q, dump_cb, all, TERR));
	ASSERT_OK(cs_store_campaign_get(store, campaign, &c, TERR));
	k = cs_json_campaign(&c);
	cJSON_DeleteItemFromObject(k, "updatedAt");
	cJSON_AddItemToArray(all, k);
	cs_campaign_dispose(&c);
	s = cs_json_print(all, false);
	cJSON_Delete(all);
	return s;
}

CS_TEST(sync__seed_nmkr_500_changes_nothing)
{
	struct cs_sync_result r;
	struct cs_sync_log log;
	char *before, *after, *uid;
	const cJSON *errs;

	setup("120");
	uid = uid_of(7);
	set_state(uid, "sold");
	before = dump();
	control("POST", "/__fake/faults",
	    "{\"endpoint\":\"GetNfts\",\"status\":500,\"times\":-1}");
	r = sync_now(false, NULL, NULL);
	ASSERT_EQ(r.status, CS_SYNC_FAILED);
	ASSERT_FALSE(cJSON_IsTrue(cJSON_GetObjectItem(r.report, "success")));
	errs = cJSON_GetObjectItem(r.report, "errors");
	ASSERT_EQ(cJSON_GetArraySize(errs), 1);
	ASSERT_STR_CONTAINS(
	    cJSON_GetArrayItem(errs, 0)->valuestring, "HTTP 500");
	after = dump();
	ASSERT_STR_EQ(after, before);
	ASSERT_EQ(history(0).n, 0);
	/* Only the failed log row was written. */
	ASSERT_OK(cs_store_sync_log_get(store, r.sync_log_id, &log, TERR));
	ASSERT_EQ(log.status, CS_SYNC_FAILED);
	ASSERT_STR_CONTAINS(log.errors, "HTTP 500");
	cs_sync_log_dispose(&log);
	cs_sync_result_dispose(&r);

	/* A failed sync is not debounced: once NMKR recovers, it applies. */
	control("DELETE", "/__fake/faults", NULL);
	r = sync_now(false, NULL, NULL);
	ASSERT_EQ(r.status, CS_SYNC_SUCCESS);
	ASSERT_EQ(num(r.report, "updatedCount"), 1);
	cs_sync_result_dispose(&r);
	free(before);
	free(after);
	free(uid);
	teardown();
}

static bool has_warning(const cJSON *report, const char *needle);

static int64_t
fake_total(void)
{
	char url[512];
	cJSON *j;
	int64_t v;

	snprintf(url, sizeof(url), "%s/__fake/stats", fake.base_url);
	j = cs_test_http_json("GET", url, NULL);
	v = (int64_t)cJSON_GetNumberValue(cJSON_GetObjectItem(j, "total"));
	cJSON_Delete(j);
	return v;
}

static const char *
str_of(const cJSON *o, const char *name)
{
	const cJSON *v = cJSON_GetObjectItem(o, name);

	return cJSON_IsString(v) ? v->valuestring : "";
}

/* Issue 16: the default sync reads the state lists but the largest (free)
 * and infers free for the rest; a full walk after it changes nothing. A
 * blocked NFT (listed only under all) makes it walk, and says why. */
CS_TEST(sync__smart_mode_infers_the_largest_state)
{
	struct cs_sync_result r;
	const cJSON *calls;
	char *sold[3], *reserved;
	int i;

	walk_all = false;
	setup("2000");
	for (i = 0; i < 3; i++) {
		sold[i] = uid_of(10 + i);
		set_state(sold[i], "sold");
	}
	reserved = uid_of(20);
	set_state(reserved, "reserved");
	control("POST", "/__fake/stats/reset", NULL);
	r = sync_now(true, NULL, NULL);
	ASSERT_EQ(r.status, CS_SYNC_SUCCESS);
	ASSERT_STR_EQ(str_of(r.report, "mode"), "smart");
	ASSERT_STR_EQ(str_of(r.report, "modeReason"), "ok");
	calls = cJSON_GetObjectItem(r.report, "nmkrRequests");
	/* GetProjectDetails and GetCounts; reserved, sold and error, a page
	 * each; GetCounts again: 6, where the walk sends 2 + 41. */
	ASSERT_EQ(num(calls, "sent"), 6);
	ASSERT_EQ(fake_total(), 6);
	ASSERT_EQ(num(calls, "lists"), 3);
	ASSERT_EQ(num(calls, "walks"), 0);
	ASSERT_EQ(num(r.report, "updatedCount"), 4);
	ASSERT_EQ(
	    num(cJSON_GetObjectItem(r.report, "nmkrStats"), "total"), 2000);
	for (i = 0; i < 3; i++)
		ASSERT_EQ(status_of(sold[i], NULL), CS_NFT_SOLD);
	ASSERT_EQ(status_of(reserved, NULL), CS_NFT_RESERVED);
	cs_sync_result_dispose(&r);

	/* A full walk finds nothing left to do. */
	walk_all = true;
	r = sync_now(true, NULL, NULL);
	ASSERT_STR_EQ(str_of(r.report, "mode"), "full");
	ASSERT_STR_EQ(str_of(r.report, "modeReason"), "asked");
	ASSERT_EQ(num(r.report, "updatedCount"), 0);
	ASSERT_EQ(
	    num(cJSON_GetObjectItem(r.report, "nmkrRequests"), "walks"), 1);
	cs_sync_result_dispose(&r);

	/* A blocked NFT is listed only under all: nothing may be inferred. */
	walk_all = false;
	set_state(sold[0], "blocked");
	r = sync_now(true, NULL, NULL);
	ASSERT_STR_EQ(str_of(r.report, "mode"), "full");
	ASSERT_STR_EQ(str_of(r.report, "modeReason"), "blocked");
	cs_sync_result_dispose(&r);
	for (i = 0; i < 3; i++)
		free(sold[i]);
	free(reserved);
	teardown();
}

/* Issue 16: every Nth sync walks all (CS_SYNC_FULL_EVERY), found from the
 * campaign's sync_log rows; the first, with no full walk before it, too. */
CS_TEST(sync__policy_walks_every_nth_sync)
{
	static const char *const want[] = {
	    "full", "smart", "smart", "full", "smart"};
	struct cs_sync_result r;
	size_t i;

	walk_all = false;
	setup("2000");
	cs_sync_set_full_policy(3, 0);
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		r = sync_now(true, NULL, NULL);
		ASSERT_EQ(r.status, CS_SYNC_SUCCESS);
		ASSERT_STR_EQ(str_of(r.report, "mode"), want[i]);
		if (strcmp(want[i], "full") == 0)
			ASSERT_STR_EQ(str_of(r.report, "modeReason"), "policy");
		cs_sync_result_dispose(&r);
	}
	/* By age: the last full walk is not 1 hour old. */
	cs_sync_set_full_policy(0, 1);
	r = sync_now(true, NULL, NULL);
	ASSERT_STR_EQ(str_of(r.report, "mode"), "smart");
	cs_sync_result_dispose(&r);
	cs_sync_set_full_policy(0, 0);
	teardown();
}

static uint64_t rng;

static uint32_t
rnd(uint32_t n)
{
	rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
	return (uint32_t)(rng >> 33) % n;
}

/*
 * Issue 16, against the fake (fixed seed, 1,000 cases on one campaign of 120
 * NFTs, 300 on PostgreSQL, the fake's cache off as in most tests here): NFTs
 * move between free, reserved, sold, error, blocked and burned, some during the
 * sync's reads (walk events: an NFT added or deleted after a list's first
 * page), and the default sync runs (smart at any size). Where it chose the
 * smart mode, a full walk right after it changes nothing: the database is what
 * a walk leaves. Where it fell back, the reason is one the counts explain.
 */
CS_TEST(sync__smart_equals_a_full_walk_randomized)
{
	static const char *const states[] = {
	    "free", "reserved", "sold", "error", "blocked", "burned"};
	static const char *const fallbacks[] = {"blocked", "unknown_state",
	    "total_differs", "counts_moved", "list_moved", "unknown_uid",
	    "asset_to_learn", NULL};
	struct cs_sync_result r;
	int cases, ncases = cs_fixture_db_is_pg() ? 300 : 1000;
	int smart = 0, full = 0, i, k;
	char *uids[120], body[96];
	char mode[16], why[32];
	bool known, added, odd[120] = {false};
	int k2;

	walk_all = false;
	any_size = true;
	setup("120");
	for (i = 0; i < 120; i++)
		uids[i] = uid_of(i + 1);
	rng = 16;
	for (cases = 0; cases < ncases; cases++) {
		int moves = (int)rnd(4);

		for (k = 0; k < moves; k++) {
			/* Blocked and burned rarely: they force a walk. */
			uint32_t s = rnd(40) == 0 ? 4 + rnd(2) : rnd(4);

			k2 = (int)rnd(120);
			set_state(uids[k2], states[s]);
			odd[k2] = s >= 4;
		}
		added = rnd(10) == 0;
		if (added) {
			snprintf(
			    body, sizeof(body), "{\"afterPage\":1,\"add\":1}");
			control("POST", "/__fake/walk-events", body);
		}
		r = sync_now(true, NULL, NULL);
		ASSERT_EQ(r.status, CS_SYNC_SUCCESS);
		cs_str_copy(mode, str_of(r.report, "mode"), sizeof(mode));
		cs_str_copy(why, str_of(r.report, "modeReason"), sizeof(why));
		cs_sync_result_dispose(&r);
		if (strcmp(mode, "smart") != 0) {
			known = false;
			for (k = 0; fallbacks[k] != NULL; k++)
				known = known || strcmp(why, fallbacks[k]) == 0;
			if (!known)
				fprintf(stderr, "case %d: %s\n", cases, why);
			ASSERT_TRUE(known);
			full++;
		} else {
			smart++;
			walk_all = true;
			r = sync_now(true, NULL, NULL);
			walk_all = false;
			ASSERT_EQ(r.status, CS_SYNC_SUCCESS);
			ASSERT_EQ(num(r.report, "updatedCount"), 0);
			cs_sync_result_dispose(&r);
		}
		/* Back to a project the counts explain: the NFT added is
		 * imported, the blocked and burned ones freed (often). */
		if (added) {
			struct cs_nmkr_import_report rep;

			ASSERT_OK(cs_import_from_nmkr(
			    store, nmkr, campaign, cs_now_ms(), &rep, TERR));
		}
		if (rnd(2) == 0) {
			for (i = 0; i < 120; i++) {
				if (odd[i])
					set_state(uids[i], "free");
				odd[i] = false;
			}
		}
	}
	fprintf(stderr, "%d cases against the fake: %d smart, %d full\n", cases,
	    smart, full);
	ASSERT_GT(smart, ncases / 4);
	for (i = 0; i < 120; i++)
		free(uids[i]);
	any_size = false;
	teardown();
}

/*
 * Issue 16, against NMKR's cache (the fake's 20 s, as NMKR's: GetCounts
 * and each page are entries of their own). Each case reads the project
 * once (a full walk or the default sync, drawn), which fills entries,
 * then moves NFTs (sales, reservations, releases, errors: never out of
 * sold or error, the circle docs/internals/sync.md names) and syncs again
 * by default inside the cache's life: that sync reads entries of two
 * generations, those filled before the moves and those it fills after.
 * Where it chose the smart mode it must have seen one moment: it changed
 * nothing (every entry from before the moves), or, the cache emptied, a
 * full walk right after it changes nothing (every entry from after).
 */
CS_TEST(sync__smart_under_nmkrs_cache_sees_one_moment)
{
	static const char *const states[] = {
	    "free", "reserved", "sold", "error"};
	struct cs_sync_result r;
	int cases, ncases = cs_fixture_db_is_pg() ? 100 : 300;
	int smart = 0, stale = 0, fresh = 0, fell = 0, i, k;
	char *uids[120];
	int state[120] = {0};
	int64_t updated;

	walk_all = false;
	any_size = true;
	cache_seconds = "20";
	setup("120");
	cache_seconds = "0";
	for (i = 0; i < 120; i++)
		uids[i] = uid_of(i + 1);
	rng = 61;
	for (cases = 0; cases < ncases; cases++) {
		int moves = 1 + (int)rnd(3);

		/* Now and then every NFT back to free, read by a walk. */
		if (cases % 40 == 0) {
			for (i = 0; i < 120; i++) {
				if (state[i] != 0)
					set_state(uids[i], "free");
				state[i] = 0;
			}
			control("DELETE", "/__fake/cache", NULL);
			walk_all = true;
			r = sync_now(true, NULL, NULL);
			ASSERT_EQ(r.status, CS_SYNC_SUCCESS);
			cs_sync_result_dispose(&r);
		}
		control("DELETE", "/__fake/cache", NULL);
		walk_all = rnd(2) == 0;
		r = sync_now(true, NULL, NULL);
		ASSERT_EQ(r.status, CS_SYNC_SUCCESS);
		cs_sync_result_dispose(&r);
		for (k = 0; k < moves; k++) {
			int s = (int)rnd(4);

			i = (int)rnd(120);
			if (state[i] >= 2 || s == state[i])
				continue; /* sold and error stay */
			set_state(uids[i], states[s]);
			state[i] = s;
		}
		walk_all = false;
		r = sync_now(true, NULL, NULL);
		ASSERT_EQ(r.status, CS_SYNC_SUCCESS);
		if (strcmp(str_of(r.report, "mode"), "smart") != 0) {
			fell++;
			cs_sync_result_dispose(&r);
			continue;
		}
		smart++;
		updated = num(r.report, "updatedCount");
		cs_sync_result_dispose(&r);
		if (updated == 0) {
			stale++; /* every entry was from before the moves */
			continue;
		}
		control("DELETE", "/__fake/cache", NULL);
		walk_all = true;
		r = sync_now(true, NULL, NULL);
		if (num(r.report, "updatedCount") != 0)
			fprintf(stderr,
			    "case %d: the smart sync saw a mixture\n", cases);
		ASSERT_EQ(num(r.report, "updatedCount"), 0);
		cs_sync_result_dispose(&r);
		fresh++;
	}
	fprintf(stderr,
	    "%d cases under the cache: %d smart (%d saw the moment before "
	    "the moves, %d after), %d walked\n",
	    cases, smart, stale, fresh, fell);
	ASSERT_GT(smart, ncases / 4);
	ASSERT_GT(fell, 0); /* the moves between entries were caught */
	for (i = 0; i < 120; i++)
		free(uids[i]);
	any_size = false;
	walk_all = false;
	teardown();
}

/* Issue 12 section 4: a failing NMKR is not hammered. A permanent 500 on
 * every page of a 2,000-NFT project (40 pages): the sync stops after a few
 * consecutive failures and says how many requests it spent. */
CS_TEST(sync__failing_nmkr_spends_a_small_budget)
{
	struct cs_sync_result r;
	const cJSON *calls;
	int64_t sent;

	walk_all = true;
	setup("2000");
	control("POST", "/__fake/faults",
	    "{\"endpoint\":\"GetNfts\",\"status\":500,\"times\":-1}");
	control("POST", "/__fake/stats/reset", NULL);
	r = sync_now(true, NULL, NULL);
	ASSERT_EQ(r.status, CS_SYNC_FAILED);
	sent = fake_total();
	fprintf(stderr, "requests against a permanent 500, 2,000 NFTs: %lld\n",
	    (long long)sent);
	/* GetProjectDetails and GetCounts, then five failed attempts in a
	 * row and what was in flight beside the fifth: 2 + 5 + 3 at most. */
	ASSERT_LE(sent, 10);
	calls = cJSON_GetObjectItem(r.report, "nmkrRequests");
	ASSERT_TRUE(calls != NULL);
	ASSERT_EQ(num(calls, "sent"), sent);
	ASSERT_EQ(num(calls, "failed"), sent - 2);
	ASSERT_GT(num(calls, "refused"), 0);
	ASSERT_TRUE(cJSON_IsTrue(cJSON_GetObjectItem(calls, "circuitOpen")));
	ASSERT_STR_CONTAINS(
	    cJSON_GetArrayItem(cJSON_GetObjectItem(r.report, "errors"), 0)
	        ->valuestring,
	    "HTTP 500");
	cs_sync_result_dispose(&r);

	/* The next sync has a budget of its own: NMKR is back, it applies. */
	control("DELETE", "/__fake/faults", NULL);
	control("POST", "/__fake/stats/reset", NULL);
	r = sync_now(true, NULL, NULL);
	ASSERT_EQ(r.status, CS_SYNC_SUCCESS);
	calls = cJSON_GetObjectItem(r.report, "nmkrRequests");
	ASSERT_EQ(num(calls, "sent"), fake_total());
	ASSERT_EQ(num(calls, "failed"), 0);
	ASSERT_FALSE(cJSON_IsTrue(cJSON_GetObjectItem(calls, "circuitOpen")));
	ASSERT_EQ(num(calls, "walks"), 1);
	cs_sync_result_dispose(&r);
	teardown();
}

/* Issue 12 section 4: an NFT deleted at NMKR while the sync walks the pages
 * moves the later pages up by one (offset paging), so one live NFT is on no
 * page. The sync must not report success over that hole: it reads again.
 * 2,000 NFTs: with 4 pages in flight, pages 7 to 40 are surely built after
 * the deletion (made once page 2 is built). */
CS_TEST(sync__nft_deleted_mid_walk_leaves_no_hole)
{
	struct cs_sync_result r;
	const cJSON *d, *calls;
	char *gone, body[160];
	int not_found = 0;

	walk_all = true;
	setup("2000");
	gone = uid_of(3);
	snprintf(
	    body, sizeof(body), "{\"afterPage\":2,\"delete\":\"%s\"}", gone);
	control("POST", "/__fake/walk-events", body);
	r = sync_now(true, NULL, NULL);
	ASSERT_EQ(r.status, CS_SYNC_SUCCESS);
	cJSON_ArrayForEach(d, cJSON_GetObjectItem(r.report, "discrepancies")) {
		ASSERT_STR_EQ(cJSON_GetObjectItem(d, "issue")->valuestring,
		    "Not found in NMKR");
		ASSERT_STR_EQ(
		    cJSON_GetObjectItem(d, "nftUid")->valuestring, gone);
		not_found++;
	}
	ASSERT_EQ(not_found, 1);
	ASSERT_EQ(
	    num(cJSON_GetObjectItem(r.report, "nmkrStats"), "total"), 1999);
	calls = cJSON_GetObjectItem(r.report, "nmkrRequests");
	ASSERT_GE(num(calls, "walks"), 2);
	ASSERT_TRUE(has_warning(r.report, "changed while"));
	cs_sync_result_dispose(&r);
	free(gone);
	teardown();
}

/* A list that moves during every read (an NFT added after page 2 of each
 * of the three reads) fails the sync with the reason; nothing is applied. */
CS_TEST(sync__list_that_keeps_moving_fails_the_sync)
{
	struct cs_sync_result r;
	const cJSON *errs;
	char *uid;

	walk_all = true;
	setup("2000");
	uid = uid_of(5);
	set_state(uid, "sold");
	control("POST", "/__fake/walk-events",
	    "{\"afterPage\":2,\"add\":1,\"times\":3}");
	r = sync_now(true, NULL, NULL);
	ASSERT_EQ(r.status, CS_SYNC_FAILED);
	errs = cJSON_GetObjectItem(r.report, "errors");
	ASSERT_STR_CONTAINS(cJSON_GetArrayItem(errs, 0)->valuestring,
	    "kept changing while it was read");
	ASSERT_EQ(
	    num(cJSON_GetObjectItem(r.report, "nmkrRequests"), "walks"), 3);
	ASSERT_EQ(status_of(uid, NULL), CS_NFT_AVAILABLE);
	ASSERT_EQ(history(0).n, 0);
	cs_sync_result_dispose(&r);
	free(uid);
	teardown();
}

static bool
has_warning(const cJSON *report, const char *needle)
{
	const cJSON *w;

	cJSON_ArrayForEach(w, cJSON_GetObjectItem(report, "warnings")) {
		if (strstr(w->valuestring, needle) != NULL)
			return true;
	}
	return false;
}

struct review_count {
	size_t n;
	char kind[32];
};

static int
review_cb(const struct cs_review_item *r, void *payload)
{
	struct review_count *c = payload;

	c->n++;
	snprintf(c->kind, sizeof(c->kind), "%s", r->kind);
	return 0;
}

CS_TEST(sync__policy_cases)
{
	struct cs_nft_change ch = CS_NFT_CHANGE_INIT;
	struct review_count rc;
	struct cs_sync_result r;
	enum cs_reserve_outcome why;
	struct cs_nft n;
	char *reserved_here, *sold_here, *blocked, *gone, *reserved_there;
	char path[128];

	setup("8");
	reserved_here = uid_of(1);
	sold_here = uid_of(2);
	blocked = uid_of(3);
	gone = uid_of(4);
	reserved_there = uid_of(5);

	/* A live local reservation (the lowest number: #1). */
	ASSERT_OK(cs_store_campaign_set_status(
	    store, campaign, CS_CAMPAIGN_ACTIVE, cs_now_ms(), TERR));
	ASSERT_OK(cs_store_reservation_take(store, campaign,
	    cs_fixture_wallet(1), 10, cs_now_ms(), &n, &why, TERR));
	ASSERT_STR_EQ(n.nft_uid, reserved_here);
	cs_nft_dispose(&n);
	/* Sold here by an operator; NMKR still says free. */
	ch.nft_uid = sold_here;
	ch.new_status = CS_NFT_SOLD;
	ASSERT_OK(cs_store_nft_change(store, &ch, cs_now_ms(), NULL, TERR));
	set_state(blocked, "blocked");
	snprintf(path, sizeof(path), "/__fake/nfts/%s", gone);
	control("DELETE", path, NULL);
	set_state(reserved_there, "reserved");
	control("POST", "/__fake/nfts", "{\"count\":2}");

	r = sync_now(false, NULL, NULL);
	ASSERT_EQ(r.status, CS_SYNC_SUCCESS);
	/* Only the NMKR reservation is applied. */
	ASSERT_EQ(num(r.report, "updatedCount"), 1);
	ASSERT_EQ(status_of(reserved_here, NULL), CS_NFT_RESERVED);
	ASSERT_EQ(status_of(sold_here, NULL), CS_NFT_SOLD);
	ASSERT_EQ(status_of(blocked, NULL), CS_NFT_AVAILABLE);
	ASSERT_EQ(status_of(gone, NULL), CS_NFT_AVAILABLE);
	ASSERT_EQ(status_of(reserved_there, &n), CS_NFT_RESERVED);
	ASSERT_TRUE(n.reserved_by == NULL); /* reserved in NMKR, not here */
	ASSERT_GT(n.reserved_until, cs_now_ms());
	cs_nft_dispose(&n);
	ASSERT_TRUE(has_warning(r.report, "live local reservation kept"));
	ASSERT_TRUE(has_warning(r.report, "never downgraded"));
	ASSERT_TRUE(has_warning(r.report, "not found in NMKR"));
	ASSERT_TRUE(has_warning(r.report, "2 NFTs in NMKR are not in the "
	                                  "inventory"));
	ASSERT_TRUE(has_warning(r.report, "flagged, not applied"));
	ASSERT_TRUE(has_warning(r.report, "1 new item in the review queue"));
	memset(&rc, 0, sizeof(rc));
	ASSERT_OK(
	    cs_store_review_list(store, campaign, true, review_cb, &rc, TERR));
	ASSERT_EQ(rc.n, 1);
	ASSERT_STR_EQ(rc.kind, "sold_downgrade");
	cs_sync_result_dispose(&r);

	/* Again: the open review item is not duplicated. */
	r = sync_now(true, NULL, NULL);
	ASSERT_EQ(num(r.report, "updatedCount"), 0);
	memset(&rc, 0, sizeof(rc));
	ASSERT_OK(
	    cs_store_review_list(store, campaign, true, review_cb, &rc, TERR));
	ASSERT_EQ(rc.n, 1);
	cs_sync_result_dispose(&r);
	free(reserved_here);
	free(sold_here);
	free(blocked);
	free(gone);
	free(reserved_there);
	teardown();
}

CS_TEST(sync__debounce_and_one_at_a_time)
{
	struct cs_sync_env env;
	struct cs_sync_opts o;
	struct cs_sync_result r, again;
	int64_t run = 0;

	setup("3");
	r = sync_now(false, NULL, NULL);
	again = sync_now(false, NULL, NULL);
	ASSERT_TRUE(again.debounced);
	ASSERT_EQ(again.sync_log_id, r.sync_log_id);
	ASSERT_EQ(num(again.report, "syncLogId"), r.sync_log_id);
	cs_sync_result_dispose(&again);
	cs_sync_result_dispose(&r);

	/* Another instance holds the campaign: 409 with its progress. */
	ASSERT_OK(cs_store_sync_run_claim(store, campaign, "other-instance",
	    cs_now_ms(), 600000, 0, &run, NULL, TERR));
	ASSERT_OK(cs_store_sync_run_progress(
	    store, run, "fetch", 7, 40, cs_now_ms(), TERR));
	memset(&env, 0, sizeof(env));
	env.store = store;
	env.nmkr = nmkr;
	env.owner = "test";
	cs_sync_opts_init(&o);
	o.force = true;
	ASSERT_ERR(
	    CS_ECONFLICT, cs_sync_campaign(&env, campaign, &o, &r, TERR));
	ASSERT_STR_EQ(r.running.owner, "other-instance");
	ASSERT_STR_EQ(r.running.phase, "fetch");
	ASSERT_EQ(r.running.done, 7);
	cs_sync_result_dispose(&r);
	ASSERT_OK(cs_store_sync_run_finish(
	    store, run, "success", 0, cs_now_ms(), TERR));
	r = sync_now(true, NULL, NULL);
	ASSERT_EQ(r.status, CS_SYNC_SUCCESS);
	cs_sync_result_dispose(&r);
	ASSERT_ERR(CS_ENOTFOUND, cs_sync_campaign(&env, 999, &o, &r, TERR));
	teardown();
}

CS_TEST(sync__dry_run_writes_nothing)
{
	struct cs_sync_env env = {NULL, NULL, NULL, "test"};
	struct cs_sync_opts o;
	struct cs_sync_result r;
	char *before, *after, *uid;

	setup("5");
	uid = uid_of(3);
	set_state(uid, "sold");
	before = dump();
	env.store = store;
	env.nmkr = nmkr;
	cs_sync_opts_init(&o);
	o.dry_run = true;
	ASSERT_OK(cs_sync_campaign(&env, campaign, &o, &r, TERR));
	ASSERT_TRUE(cJSON_IsTrue(cJSON_GetObjectItem(r.report, "dryRun")));
	ASSERT_EQ(
	    cJSON_GetArraySize(cJSON_GetObjectItem(r.report, "discrepancies")),
	    1);
	ASSERT_EQ(r.sync_log_id, 0);
	after = dump();
	ASSERT_STR_EQ(after, before);
	cs_sync_result_dispose(&r);
	free(before);
	free(after);
	free(uid);
	teardown();
}

CS_TEST(sync__cli_exit_codes)
{
	char *bin = cs_build_path("src/cli/campaign-sync");
	char *db = cs_fixture_db_url("sync.db"), *env_db, *env_url;
	const char *env[4];
	const char *argv[5] = {bin, "sync", "Lab Rat", NULL, NULL};
	char *out = NULL, *errout = NULL, *uid;
	cJSON *j;
	int code;

	setup("4");
	uid = uid_of(1);
	set_state(uid, "sold");
	env_db = cs_xasprintf("CS_DATABASE_URL=%s", db);
	env_url = cs_xasprintf("NMKR_API_URL=%s", fake.base_url);
	env[0] = env_db;
	env[1] = env_url;
	env[2] = "NMKR_API_KEY=" KEY;
	env[3] = NULL;
	code = cs_test_run(argv, env, NULL, &out, &errout);
	ASSERT_EQ(code, 0);
	ASSERT_STR_CONTAINS(out, "Sync of Lab Rat (campaign 1): success");
	ASSERT_STR_CONTAINS(out, "NMKR requests: ");
	ASSERT_STR_CONTAINS(out, " sent, 0 failed; ");
	ASSERT_STR_CONTAINS(out, "Status mismatch");
	ASSERT_STR_CONTAINS(out, "Updates (1 applied, 0 failed)");
	ASSERT_STR_NOT_CONTAINS(out, KEY);
	ASSERT_STR_NOT_CONTAINS(errout, KEY);
	free(out);
	free(errout);

	argv[3] = "--json";
	argv[2] = "1";
	code = cs_test_run(argv, env, NULL, &out, &errout);
	ASSERT_EQ(code, 0);
	j = cJSON_Parse(out);
	ASSERT_TRUE(j != NULL);
	ASSERT_TRUE(cJSON_IsTrue(cJSON_GetObjectItem(j, "success")));
	cJSON_Delete(j);
	free(out);
	free(errout);

	control("POST", "/__fake/faults",
	    "{\"endpoint\":\"*\",\"status\":500,\"times\":-1}");
	argv[3] = "--force";
	code = cs_test_run(argv, env, NULL, &out, &errout);
	ASSERT_EQ(code, 1);
	ASSERT_STR_CONTAINS(out, "failed");
	ASSERT_STR_CONTAINS(out, "HTTP 500");
	free(out);
	free(errout);

	env[2] = NULL;
	code = cs_test_run(argv, env, NULL, &out, &errout);
	ASSERT_EQ(code, 78);
	ASSERT_STR_CONTAINS(errout, "NMKR_API_KEY is not set");
	free(out);
	free(errout);
	free(env_db);
	free(env_url);
	free(db);
	free(bin);
	free(uid);
	teardown();
}

/* populateCampaignInventory from the command line: a 1,000-NFT project. */
CS_TEST(sync__cli_import_from_nmkr_1000)
{
	char *bin = cs_build_path("src/cli/campaign-sync");
	char *fk = cs_build_path("tools/fake-nmkr/fake-nmkr");
	const char *fargv[] = {fk, "--listen", "127.0.0.1:0", "--api-key", KEY,
	    "--project", PROJECT, "--nfts", "1000", "--sold", "40",
	    "--reserved", "5", "--blocked", "3", NULL};
	char *db = cs_fixture_db_url("import.db"), *env_db, *env_url;
	const char *env[4];
	const char *create[] = {bin, "campaign", "create", "--name", "Big",
	    "--project", PROJECT, "--max", "1000", NULL};
	const char *import[] = {
	    bin, "inventory", "import", "Big", "--from-nmkr", "--json", NULL};
	const char *show[] = {bin, "campaign", "show", "Big", "--json", NULL};
	char *out = NULL, *errout = NULL;
	cJSON *j;

	cs_fakeproc_start(&fake, fargv, NULL);
	env_db = cs_xasprintf("CS_DATABASE_URL=%s", db);
	env_url = cs_xasprintf("NMKR_API_URL=%s", fake.base_url);
	env[0] = env_db;
	env[1] = env_url;
	env[2] = "NMKR_API_KEY=" KEY;
	env[3] = NULL;
	ASSERT_EQ(cs_test_run(create, env, NULL, &out, &errout), 0);
	free(out);
	free(errout);
	ASSERT_EQ(cs_test_run(import, env, NULL, &out, &errout), 0);
	j = cJSON_Parse(out);
	ASSERT_EQ(num(j, "rows"), 1000);
	ASSERT_EQ(num(j, "inserted"), 997);
	ASSERT_EQ(num(j, "skippedNotForSale"), 3); /* the blocked ones */
	cJSON_Delete(j);
	free(out);
	free(errout);
	ASSERT_EQ(cs_test_run(show, env, NULL, &out, &errout), 0);
	j = cJSON_Parse(out);
	ASSERT_EQ(num(j, "totalNFTs"), 997);
	ASSERT_EQ(num(j, "soldNFTs"), 40);
	ASSERT_EQ(num(j, "reservedNFTs"), 5);
	ASSERT_EQ(num(j, "availableNFTs"), 952);
	cJSON_Delete(j);
	free(out);
	free(errout);
	/* Incremental: again, nothing new. */
	ASSERT_EQ(cs_test_run(import, env, NULL, &out, &errout), 0);
	j = cJSON_Parse(out);
	ASSERT_EQ(num(j, "inserted"), 0);
	ASSERT_EQ(num(j, "skippedExisting"), 997);
	cJSON_Delete(j);
	free(out);
	free(errout);
	free(env_db);
	free(env_url);
	free(db);
	free(fk);
	free(bin);
}

/* Seed edge case 4: a row the database refuses is recorded, the rest go
 * on, and the sync is partial (exit 3). A trigger plays the refusal. */
CS_TEST(sync__refused_row_makes_it_partial)
{
	char *bin = cs_build_path("src/cli/campaign-sync");
	char *db = cs_fixture_db_url("sync.db"), *env_db, *env_url;
	const char *argv[] = {bin, "sync", "Lab Rat", "--force", NULL};
	const char *env[4];
	char *u1, *u2, *u3, *out = NULL, *errout = NULL;
	struct cs_sync_result r;
	const cJSON *u;
	int refused = 0;

	setup("4");
	u1 = uid_of(1);
	u2 = uid_of(2);
	u3 = uid_of(3);
	set_state(u1, "sold");
	set_state(u2, "sold");
	set_state(u3, "sold");
	if (cs_fixture_db_is_pg())
		cs_fixture_db_exec(db,
		    "CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql "
		    "AS $$ BEGIN RAISE EXCEPTION 'refused by a test trigger'; "
		    "END $$; CREATE TRIGGER refuse BEFORE UPDATE OF status ON "
		    "nfts FOR EACH ROW WHEN (NEW.nft_number = 2) EXECUTE "
		    "FUNCTION refuse()");
	else
		cs_fixture_db_exec(db,
		    "CREATE TRIGGER refuse BEFORE UPDATE OF status "
		    "ON nfts WHEN NEW.nft_number = 2 BEGIN SELECT RAISE(ABORT, "
		    "'refused by a test trigger'); END");

	r = sync_now(false, NULL, NULL);
	ASSERT_EQ(r.status, CS_SYNC_PARTIAL);
	ASSERT_EQ(num(r.report, "updatedCount"), 2);
	ASSERT_EQ(num(r.report, "failedCount"), 1);
	cJSON_ArrayForEach(u, cJSON_GetObjectItem(r.report, "updateResults")) {
		if (!cJSON_IsTrue(cJSON_GetObjectItem(u, "success"))) {
			refused++;
			ASSERT_TRUE(
			    cJSON_IsString(cJSON_GetObjectItem(u, "error")));
		}
	}
	ASSERT_EQ(refused, 1);
	ASSERT_EQ(status_of(u1, NULL), CS_NFT_SOLD);
	ASSERT_EQ(status_of(u2, NULL), CS_NFT_AVAILABLE);
	ASSERT_EQ(status_of(u3, NULL), CS_NFT_SOLD);
	ASSERT_EQ(history(0).n, 2);
	cs_sync_result_dispose(&r);

	env_db = cs_xasprintf("CS_DATABASE_URL=%s", db);
	env_url = cs_xasprintf("NMKR_API_URL=%s", fake.base_url);
	env[0] = env_db;
	env[1] = env_url;
	env[2] = "NMKR_API_KEY=" KEY;
	env[3] = NULL;
	ASSERT_EQ(cs_test_run(argv, env, NULL, &out, &errout), 3);
	ASSERT_STR_CONTAINS(out, ": partial in");
	ASSERT_STR_CONTAINS(out, "Updates (0 applied, 1 failed)");
	free(out);
	free(errout);
	free(env_db);
	free(env_url);
	free(u1);
	free(u2);
	free(u3);
	free(db);
	free(bin);
	teardown();
}

struct walk_ids {
	int64_t *ids;
	size_t n;
};

static int
id_cb(const struct cs_nft *n, void *payload)
{
	struct walk_ids *w = payload;

	w->ids[w->n++] = n->id;
	return 0;
}

/*
 * A sync of 1,200 conflicts (sold here, free in NMKR: each one to the
 * review queue) answers and stores a report of bounded size: its lists
 * hold the first CS_REPORT_LIST_MAX, the counts the whole, the per-NFT
 * warnings are one line, and the review queue holds every one.
 */
#define MANY 1200

static int
count_review(const struct cs_review_item *it, void *payload)
{
	(void)it;
	(*(size_t *)payload)++;
	return 0;
}

CS_TEST(sync__big_report_is_bounded)
{
	struct cs_nft_query q = CS_NFT_QUERY_INIT;
	struct walk_ids w = {cs_xcalloc(MANY, sizeof(int64_t)), 0};
	struct cs_sync_result r;
	struct cs_sync_log log;
	const cJSON *list, *warn;
	size_t i, reviews = 0, grouped = 0;

	setup("1200");
	q.campaign_id = campaign;
	ASSERT_OK(cs_store_nft_list(store, &q, id_cb, &w, TERR));
	ASSERT_EQ(w.n, (size_t)MANY);
	for (i = 0; i < w.n; i++) {
		struct cs_nft_change ch = CS_NFT_CHANGE_INIT;

		ch.nft_id = w.ids[i];
		ch.new_status = CS_NFT_SOLD;
		ch.source = CS_SOURCE_ADMIN;
		ch.sold_to = "addr_test1big";
		/* Old enough that the sync judges it. */
		ASSERT_OK(cs_store_nft_change(
		    store, &ch, cs_now_ms() - 3600000, NULL, TERR));
	}
	free(w.ids);

	r = sync_now(true, NULL, NULL);
	ASSERT_EQ(r.status, CS_SYNC_SUCCESS);
	list = cJSON_GetObjectItem(r.report, "discrepancies");
	ASSERT_EQ(cJSON_GetArraySize(list), CS_REPORT_LIST_MAX);
	ASSERT_EQ(num(r.report, "discrepancyCount"), MANY);
	ASSERT_TRUE(cJSON_IsString(cJSON_GetObjectItem(r.report, "truncated")));
	/* One line for the 1,200, not 1,200 lines. */
	cJSON_ArrayForEach(warn, cJSON_GetObjectItem(r.report, "warnings")) {
		if (strstr(warn->valuestring, "1200 NFTs: sold here") != NULL)
			grouped++;
	}
	ASSERT_EQ(grouped, 1);
	ASSERT_TRUE(
	    cJSON_GetArraySize(cJSON_GetObjectItem(r.report, "warnings")) < 10);
	/* Every one is in the review queue. */
	ASSERT_OK(cs_store_review_list(
	    store, campaign, true, count_review, &reviews, TERR));
	ASSERT_EQ(reviews, (size_t)MANY);
	/* What is stored is what was answered, and small. */
	ASSERT_OK(cs_store_sync_log_get(store, r.sync_log_id, &log, TERR));
	ASSERT_TRUE(log.synced_data != NULL);
	fprintf(stderr, "stored report of %d discrepancies: %zu bytes\n", MANY,
	    strlen(log.synced_data));
	ASSERT_TRUE(strlen(log.synced_data) < 1024 * 1024);
	ASSERT_TRUE(
	    strstr(log.synced_data, "\"discrepancyCount\":1200") != NULL);
	cs_sync_log_dispose(&log);
	cs_sync_result_dispose(&r);
	teardown();
}

/*
 * A sync in the background (serve's ?async=1) is watched in memory: the
 * watcher is woken at its changes and sees its progress and, at the end,
 * its report, without reading sync_runs; a second start while it runs is
 * refused with its progress; draining waits for it and refuses more.
 */
struct watcher {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int wakes;
};

static void
on_wake(void *payload)
{
	struct watcher *w = payload;

	pthread_mutex_lock(&w->lock);
	w->wakes++;
	pthread_cond_signal(&w->cond);
	pthread_mutex_unlock(&w->lock);
}

static atomic_int jobs_ended;

static void
on_job_end(void *payload)
{
	(void)payload;
	atomic_fetch_add(&jobs_ended, 1);
}

CS_TEST(sync__background_job_is_watched_in_memory)
{
	struct watcher w = {
	    PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0};
	struct cs_sync_jobs_env env;
	struct cs_sync_job_start st, again;
	struct cs_sync_job_view v;
	struct cs_sync_jobs *jobs;
	struct cs_pool *pool;
	uint64_t watch, seen = 0;
	int64_t deadline, run_id;
	size_t views = 0;
	bool finished = false;
	char *url;

	latency_ms = "60"; /* 5 round trips (the smart mode): some 300 ms */
	setup("2000");
	latency_ms = "0";
	url = cs_fixture_db_url("sync.db");
	ASSERT_OK(cs_pool_new(&pool, url, 4, TERR));
	memset(&env, 0, sizeof(env));
	env.pool = pool;
	env.pool_wait_ms = 5000;
	env.nmkr = (struct cs_nmkr_opts)CS_NMKR_OPTS_INIT;
	env.nmkr.api_key = KEY;
	env.nmkr.base_url = fake.base_url;
	env.owner = "jobs-test";
	env.on_end = on_job_end;
	cs_sync_jobs_new(&jobs, &env);

	/* full: a walk of all, as ?async=1&full=1 asks. */
	ASSERT_OK(cs_sync_jobs_start(jobs, campaign, true, true, &st));
	ASSERT_TRUE(st.claimed);
	run_id = st.run_id;
	ASSERT_GT(run_id, 0);
	cs_sync_result_dispose(&st.res);
	watch = cs_sync_jobs_watch(jobs, campaign, on_wake, &w);
	ASSERT_GT(watch, 0);
	ASSERT_EQ(cs_sync_jobs_watch(jobs, campaign + 1, on_wake, &w), 0);

	/* Another start while it runs: refused, with its progress. */
	ASSERT_OK(cs_sync_jobs_start(jobs, campaign, true, false, &again));
	ASSERT_FALSE(again.claimed);
	ASSERT_EQ(again.error, CS_ECONFLICT);
	ASSERT_EQ(again.res.running.id, run_id);
	cs_sync_result_dispose(&again.res);

	deadline = cs_mono_ms() + 30000;
	while (!finished && cs_mono_ms() < deadline) {
		if (cs_sync_jobs_look(jobs, watch, seen, &v)) {
			ASSERT_GT(v.seq, seen);
			seen = v.seq;
			views++;
			ASSERT_EQ(v.run.id, run_id);
			ASSERT_STR_EQ(v.run.owner, "jobs-test");
			if (v.run.finished_at != 0) {
				finished = true;
				ASSERT_STR_EQ(v.run.outcome, "success");
				ASSERT_STR_EQ(v.run.phase, "done");
				ASSERT_TRUE(v.report != NULL);
				ASSERT_TRUE(strstr(v.report,
				                "\"success\":true") != NULL);
				ASSERT_TRUE(strstr(v.report,
				                "\"mode\":\"full\"") != NULL);
			} else {
				ASSERT_TRUE(v.report == NULL);
			}
			cs_sync_job_view_dispose(&v);
			continue;
		}
		/* Nothing new: wait for a wake (or look again soon). */
		pthread_mutex_lock(&w.lock);
		if (w.wakes == 0) {
			struct timespec ts;

			clock_gettime(CLOCK_REALTIME, &ts);
			ts.tv_nsec += 100 * 1000000L;
			if (ts.tv_nsec >= 1000000000L) {
				ts.tv_sec++;
				ts.tv_nsec -= 1000000000L;
			}
			pthread_cond_timedwait(&w.cond, &w.lock, &ts);
		}
		w.wakes = 0;
		pthread_mutex_unlock(&w.lock);
	}
	ASSERT_TRUE(finished);
	ASSERT_GE(views, 2); /* progress while it ran, then its end */
	/* Nothing new after the end. */
	ASSERT_FALSE(cs_sync_jobs_look(jobs, watch, seen, &v));
	cs_sync_jobs_unwatch(jobs, watch);

	cs_sync_jobs_drain(jobs);
	ASSERT_EQ(atomic_load(&jobs_ended), 2);
	/* Ended and unwatched: gone from memory; and no new start. */
	ASSERT_EQ(cs_sync_jobs_watch(jobs, campaign, on_wake, &w), 0);
	ASSERT_ERR(
	    CS_EAGAIN, cs_sync_jobs_start(jobs, campaign, true, false, &st));
	cs_sync_jobs_free(jobs);
	cs_pool_free(pool);
	free(url);
	teardown();
}

/* The review queue from the command line (issue 14): list (by kind, as
 * JSON), resolve one, resolve the rest at once. */
static int
run_cli(const char *const *args, char **out)
{
	char *bin = cs_build_path("src/cli/campaign-sync");
	char *db = cs_fixture_db_url("sync.db");
	char *env_db = cs_xasprintf("CS_DATABASE_URL=%s", db);
	const char *env[] = {env_db, NULL};
	const char *argv[12];
	char *errout = NULL;
	size_t i;
	int code;

	argv[0] = bin;
	for (i = 0; args[i] != NULL && i < 10; i++)
		argv[i + 1] = args[i];
	argv[i + 1] = NULL;
	code = cs_test_run(argv, env, NULL, out, &errout);
	if (code != 0)
		fprintf(stderr, "%s", errout != NULL ? errout : "");
	free(errout);
	free(env_db);
	free(db);
	free(bin);
	return code;
}

CS_TEST(sync__cli_review_list_and_resolve)
{
	const char *list_json[] = {"review", "list", "Lab Rat", "--kind",
	    "sold_downgrade", "--json", NULL};
	const char *list_other[] = {
	    "review", "list", "Lab Rat", "--kind", "other", NULL};
	const char *bulk[] = {"review", "resolve", "Lab Rat", "--all", "--kind",
	    "sold_downgrade", "--action", "apply", NULL};
	const char *bad[] = {
	    "review", "resolve", "1", "--action", "maybe", NULL};
	const char *one[5] = {"review", "resolve", NULL, "--action", NULL};
	struct cs_nft_change ch = CS_NFT_CHANGE_INIT;
	struct cs_sync_result r;
	char *out = NULL, *uid, idbuf[32];
	cJSON *j;
	int64_t n;

	setup("5");
	for (n = 1; n <= 3; n++) {
		uid = uid_of(n);
		ch = (struct cs_nft_change)CS_NFT_CHANGE_INIT;
		ch.nft_uid = uid;
		ch.new_status = CS_NFT_SOLD;
		ch.source = CS_SOURCE_ADMIN;
		ASSERT_OK(cs_store_nft_change(
		    store, &ch, cs_now_ms() - 3600000, NULL, TERR));
		free(uid);
	}
	r = sync_now(true, NULL, NULL);
	cs_sync_result_dispose(&r);

	ASSERT_EQ(run_cli(list_json, &out), 0);
	j = cJSON_Parse(out);
	ASSERT_EQ(cJSON_GetArraySize(j), 3);
	snprintf(idbuf, sizeof(idbuf), "%lld",
	    (long long)cJSON_GetNumberValue(
	        cJSON_GetObjectItem(cJSON_GetArrayItem(j, 0), "id")));
	cJSON_Delete(j);
	free(out);
	ASSERT_EQ(run_cli(list_other, &out), 0);
	ASSERT_STR_CONTAINS(out, "no open review items");
	free(out);
	ASSERT_EQ(run_cli(bad, &out), 64);
	free(out);

	one[2] = idbuf;
	one[4] = "keep";
	ASSERT_EQ(run_cli((const char *const[]){one[0], one[1], one[2], one[3],
	                      one[4], NULL},
	              &out),
	    0);
	ASSERT_STR_CONTAINS(out, "keep_local");
	free(out);
	ASSERT_EQ(run_cli(bulk, &out), 0);
	ASSERT_STR_CONTAINS(out, "2 review items of Lab Rat resolved: "
	                         "apply_remote");
	free(out);
	/* Two to NMKR's "free", the kept one still sold. */
	uid = uid_of(1);
	ASSERT_EQ(status_of(uid, NULL), CS_NFT_SOLD);
	free(uid);
	uid = uid_of(2);
	ASSERT_EQ(status_of(uid, NULL), CS_NFT_AVAILABLE);
	free(uid);
	uid = uid_of(3);
	ASSERT_EQ(status_of(uid, NULL), CS_NFT_AVAILABLE);
	free(uid);
	teardown();
}

struct nft_ids {
	int64_t *v;
	size_t n;
};

static int
nft_id_cb(const struct cs_nft *n, void *payload)
{
	struct nft_ids *ids = payload;

	ids->v[ids->n++] = n->id;
	return 0;
}

/* review list reads the queue in pages of 1,000: 2,345 items, each once
 * in id order as JSON, and one table whose columns line up across the
 * pages (the ids go from one digit to four). */
CS_TEST(sync__cli_review_list_pages)
{
	const char *list_json[] = {"review", "list", "Lab Rat", "--json", NULL};
	const char *list_text[] = {"review", "list", "Lab Rat", NULL};
	struct cs_nft_query nq = CS_NFT_QUERY_INIT;
	struct cs_review_new *rv;
	struct cs_sync_apply ap;
	struct nft_ids ids;
	const cJSON *it;
	char *out = NULL, *line, *end, *at;
	long col = -1;
	int64_t prev = 0;
	size_t i, lines = 0;
	cJSON *j;

	setup("2345");
	ids.v = cs_xcalloc(2345, sizeof(*ids.v));
	ids.n = 0;
	nq.campaign_id = campaign;
	ASSERT_OK(cs_store_nft_list(store, &nq, nft_id_cb, &ids, TERR));
	ASSERT_EQ(ids.n, 2345);
	rv = cs_xcalloc(ids.n, sizeof(*rv));
	for (i = 0; i < ids.n; i++) {
		rv[i].nft_id = ids.v[i];
		rv[i].kind = "sold_downgrade";
		rv[i].local_status = CS_NFT_SOLD;
		rv[i].remote_state = "free";
	}
	memset(&ap, 0, sizeof(ap));
	ap.log.sync_type = CS_SYNC_MANUAL;
	ap.log.nmkr_project_uid = CS_UNCONST(PROJECT);
	ap.log.campaign_id = campaign;
	ap.reviews = rv;
	ap.nreviews = ids.n;
	ap.campaign_id = campaign;
	ASSERT_OK(cs_store_sync_apply(store, &ap, cs_now_ms(), TERR));
	ASSERT_EQ(ap.reviews_added, 2345);

	ASSERT_EQ(run_cli(list_json, &out), 0);
	j = cJSON_Parse(out);
	ASSERT_TRUE(cJSON_IsArray(j));
	ASSERT_EQ(cJSON_GetArraySize(j), 2345);
	cJSON_ArrayForEach(it, j) {
		ASSERT_GT((int64_t)cJSON_GetNumberValue(
		              cJSON_GetObjectItem(it, "id")),
		    prev);
		prev = (int64_t)cJSON_GetNumberValue(
		    cJSON_GetObjectItem(it, "id"));
	}
	cJSON_Delete(j);
	free(out);

	ASSERT_EQ(run_cli(list_text, &out), 0);
	ASSERT_TRUE(strncmp(out, "ID ", 3) == 0);
	for (line = out; *line != '\0'; line = end + 1) {
		end = strchr(line, '\n');
		ASSERT_TRUE(end != NULL);
		*end = '\0';
		at = strstr(line, lines == 0 ? "KIND" : "sold_downgrade");
		ASSERT_TRUE(at != NULL);
		if (col < 0)
			col = at - line;
		ASSERT_EQ(at - line, col);
		lines++;
	}
	ASSERT_EQ(lines, 2346); /* the headers and 2,345 items */
	free(out);
	free(rv);
	free(ids.v);
	teardown();
}

/* `inventory export`: a header, a row per NFT in number order, quoting
 * as RFC 4180 wants it (a name with a comma and a quote). */
CS_TEST(sync__cli_inventory_export)
{
	const char *all[] = {"inventory", "export", "Lab Rat", "--csv", NULL};
	const char *sold[] = {
	    "inventory", "export", "Lab Rat", "--status", "sold", NULL};
	const char *search[] = {
	    "inventory", "export", "Lab Rat", "--search", "#4", NULL};
	struct cs_import_result res;
	struct cs_nft odd;
	char *out = NULL, *line;
	size_t lines = 0;

	setup("3");
	memset(&odd, 0, sizeof(odd));
	odd.nft_uid = CS_UNCONST("0b7c1c52-5a3e-4c4f-9d55-1e0a4d0c7e21");
	odd.name = CS_UNCONST("Rat \"Big\", the 4th");
	odd.status = CS_NFT_AVAILABLE;
	ASSERT_OK(cs_store_nft_import(
	    store, campaign, &odd, 1, cs_now_ms(), &res, TERR));
	ASSERT_EQ(res.inserted, 1);

	ASSERT_EQ(run_cli(all, &out), 0);
	ASSERT_TRUE(
	    strncmp(out,
	        "\"number\",\"uid\",\"name\",\"status\",\"reserved_by\","
	        "\"reserved_until\",\"sold_to\",\"sold_at\",\"tx_hash\","
	        "\"asset_id\",\"payment_url\",\"last_modified_by\","
	        "\"last_modified_at\"\n",
	        strlen("\"number\",\"uid\",\"name\",\"status\",\"reserved_"
	               "by\",\"reserved_until\",\"sold_to\",\"sold_at\","
	               "\"tx_hash\",\"asset_id\",\"payment_url\",\"last_"
	               "modified_by\",\"last_modified_at\"\n")) == 0);
	for (line = out; (line = strchr(line, '\n')) != NULL; line++)
		lines++;
	ASSERT_EQ(lines, 5); /* the header and 4 NFTs */
	ASSERT_STR_CONTAINS(out, "\n\"1\",\"");
	ASSERT_STR_CONTAINS(out,
	    "\n\"4\",\"0b7c1c52-5a3e-4c4f-9d55-1e0a4d0c7e21\","
	    "\"Rat \"\"Big\"\", the 4th\",\"available\"");
	free(out);
	ASSERT_EQ(run_cli(sold, &out), 0);
	ASSERT_TRUE(strchr(out, '\n') == out + strlen(out) - 1); /* header */
	free(out);
	ASSERT_EQ(run_cli(search, &out), 0);
	ASSERT_STR_CONTAINS(out, "\n\"4\",");
	ASSERT_STR_NOT_CONTAINS(out, "\n\"1\",");
	free(out);
	teardown();
}
