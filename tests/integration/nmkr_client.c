/* SPDX-License-Identifier: MIT */
/*
 * The NMKR client against fake-nmkr over loopback: paging with bounded
 * concurrency, retries, Retry-After, caps, bad bodies, the exact request,
 * and the key kept out of logs and messages.
 */
#include "test.h"

#include "clients/nmkr.h"
#include "support/fakeproc.h"
#include "support/testhttp.h"
#include "util/log.h"
#include "util/str.h"
#include "util/time.h"
#include "util/xalloc.h"

#define KEY "test-key-5bT9q2"
#define PROJECT "9e2d000a-ed53-4db4-819b-25cdab41fd47"

static struct cs_fakeproc fake;

static void
start_fake(const char *nfts)
{
	char *bin = cs_build_path("tools/fake-nmkr/fake-nmkr");
	const char *argv[] = {bin, "--listen", "127.0.0.1:0", "--api-key", KEY,
	    "--project", PROJECT, "--nfts", nfts, "--sold", "3", "--reserved",
	    "2", "--blocked", "1", NULL};

	cs_fakeproc_start(&fake, argv, NULL);
	free(bin);
}

static struct cs_nmkr *
client(int inflight)
{
	struct cs_nmkr_opts o = CS_NMKR_OPTS_INIT;
	struct cs_nmkr *c = NULL;

	o.api_key = KEY;
	o.base_url = fake.base_url;
	o.max_inflight = inflight;
	o.backoff_base_ms = 20;
	o.total_timeout_ms = 5000;
	ASSERT_OK(cs_nmkr_new(&c, &o, TERR));
	return c;
}

static void
control(const char *method, const char *path, const char *body)
{
	char url[256];
	cJSON *j;

	snprintf(url, sizeof(url), "%s%s", fake.base_url, path);
	j = cs_test_http_json(method, url, body);
	cJSON_Delete(j);
}

static int64_t
stat_of(const char *name)
{
	char url[256];
	cJSON *j;
	int64_t v;

	snprintf(url, sizeof(url), "%s/__fake/stats", fake.base_url);
	j = cs_test_http_json("GET", url, NULL);
	v = (int64_t)cJSON_GetNumberValue(cJSON_GetObjectItem(j, name));
	cJSON_Delete(j);
	return v;
}

static int64_t
requests_of(const char *endpoint)
{
	char url[256];
	cJSON *j;
	int64_t v;

	snprintf(url, sizeof(url), "%s/__fake/stats", fake.base_url);
	j = cs_test_http_json("GET", url, NULL);
	v = (int64_t)cJSON_GetNumberValue(
	    cJSON_GetObjectItem(cJSON_GetObjectItem(j, "requests"), endpoint));
	cJSON_Delete(j);
	return v;
}

CS_TEST(nmkr__lists_10000_with_4_in_flight)
{
	struct cs_remote_list list;
	struct cs_nmkr *c;
	size_t i, sold = 0, blocked = 0;

	start_fake("10000");
	/* Each page waits, so the client's concurrency shows in the fake. */
	control("POST", "/__fake/faults",
	    "{\"endpoint\":\"GetNfts\",\"delayMs\":20,\"times\":-1}");
	c = client(4);
	cs_remote_list_init(&list);
	ASSERT_OK(cs_nmkr_list_nfts(c, PROJECT, NULL, &list, NULL, NULL, TERR));
	ASSERT_EQ(list.items.len, 10000);
	ASSERT_EQ(list.duplicates, 0);
	for (i = 0; i < list.items.len; i++) {
		const struct cs_remote_nft *x =
		    CS_VEC_AT(&list.items, struct cs_remote_nft, i);

		sold += x->state == CS_REMOTE_SOLD;
		blocked += x->state == CS_REMOTE_BLOCKED;
		ASSERT_TRUE(x->uid != NULL && strlen(x->uid) == 36);
	}
	ASSERT_EQ(sold, 3);
	ASSERT_EQ(blocked, 1);
	/* GetCounts once, then 200 pages of 50 (the last one full, so one
	 * more, empty, page ends the walk). */
	ASSERT_EQ(requests_of("GetCounts"), 1);
	ASSERT_EQ(requests_of("GetNfts"), 201);
	ASSERT_EQ(stat_of("maxInFlight"), 4);
	ASSERT_EQ(cs_nmkr_max_inflight_seen(c), 4);
	cs_remote_list_dispose(&list);
	cs_nmkr_free(c);
}

CS_TEST(nmkr__walk_continues_past_stale_counts)
{
	struct cs_nmkr_counts stale = {0};
	struct cs_nmkr_usage u;
	struct cs_remote_list list;
	struct cs_nmkr *c;

	start_fake("120");
	c = client(2);
	stale.nft_total = 50; /* NMKR's counts lag: 120 are there */
	cs_remote_list_init(&list);
	ASSERT_OK(
	    cs_nmkr_list_nfts(c, PROJECT, &stale, &list, NULL, NULL, TERR));
	ASSERT_EQ(list.items.len, 120);
	/* Pages of 50: the second is full, so a third; 120 listed against
	 * counts of 50 is a list that moved, so it is read again, GetCounts
	 * first (120), in pages of 49: 3 more. */
	ASSERT_EQ(requests_of("GetNfts"), 3 + 3);
	ASSERT_EQ(requests_of("GetCounts"), 1);
	cs_nmkr_usage(c, &u);
	ASSERT_EQ(u.walks, 2);
	cs_remote_list_dispose(&list);
	cs_nmkr_free(c);
}

/* States' lists: their pages only, in one run, in the order asked,
 * deduplicated with the first kept, counted. */
CS_TEST(nmkr__lists_states)
{
	struct cs_nmkr_counts counts;
	struct cs_nmkr_usage u;
	struct cs_nmkr_state_list lists[3];
	struct cs_remote_list list;
	struct cs_nmkr *c;
	size_t i;

	start_fake("10000");
	c = client(4);
	cs_nmkr_usage_reset(c);
	ASSERT_OK(cs_nmkr_get_counts(c, PROJECT, &counts, TERR));
	ASSERT_EQ(counts.sold, 3);
	ASSERT_EQ(counts.reserved, 2);
	memset(lists, 0, sizeof(lists));
	lists[0].state = "reserved";
	lists[0].expected = counts.reserved;
	lists[1].state = "sold";
	lists[1].expected = counts.sold;
	/* The same list again: its NFTs are kept once, for the first. */
	lists[2].state = "reserved";
	lists[2].expected = counts.reserved;
	cs_remote_list_init(&list);
	ASSERT_OK(cs_nmkr_list_states(c, PROJECT, lists, 3, &list, TERR));
	ASSERT_EQ(list.items.len, 5);
	ASSERT_EQ(lists[0].listed, 2);
	ASSERT_EQ(lists[1].listed, 3);
	ASSERT_EQ(lists[2].listed, 0);
	ASSERT_EQ(list.duplicates, 2);
	for (i = 0; i < 3; i++)
		ASSERT_TRUE(lists[i].ordered);
	/* In the order of the lists, whatever order the pages came in. */
	for (i = 0; i < list.items.len; i++)
		ASSERT_EQ(
		    CS_VEC_AT(&list.items, struct cs_remote_nft, i)->state,
		    i < 2 ? CS_REMOTE_RESERVED : CS_REMOTE_SOLD);
	lists[0].state = "blocked";
	ASSERT_ERR(
	    CS_EINVAL, cs_nmkr_list_states(c, PROJECT, lists, 1, &list, TERR));
	ASSERT_EQ(requests_of("GetNfts"), 3);
	ASSERT_EQ(requests_of("GetCounts"), 1);
	cs_nmkr_usage(c, &u);
	ASSERT_EQ(u.sent, 4);
	ASSERT_EQ(u.lists, 3);
	ASSERT_EQ(u.walks, 0);
	cs_remote_list_dispose(&list);
	cs_nmkr_free(c);
}

/* A list whose count fills its last page: the short page after it is
 * asked with the others, and a list longer than its count is followed. */
CS_TEST(nmkr__lists_plan_the_page_that_ends_them)
{
	struct cs_nmkr_state_list l;
	struct cs_remote_list list;
	struct cs_nmkr *c;

	start_fake("10000");
	c = client(4);
	memset(&l, 0, sizeof(l));
	l.state = "free";
	l.expected = 50; /* one full page, though 9,994 are free */
	cs_remote_list_init(&list);
	ASSERT_OK(cs_nmkr_list_states(c, PROJECT, &l, 1, &list, TERR));
	ASSERT_EQ(l.listed, 9994);
	ASSERT_TRUE(l.ordered);
	/* 50 gives pages 1 and 2 at once, then one by one to page 200. */
	ASSERT_EQ(requests_of("GetNfts"), 200);
	cs_remote_list_dispose(&list);
	cs_nmkr_free(c);
}

CS_TEST(nmkr__exact_request)
{
	struct cs_nmkr_counts k;
	struct cs_nmkr *c;
	char url[256];
	cJSON *reqs, *last;

	start_fake("10");
	c = client(4);
	ASSERT_OK(cs_nmkr_get_counts(c, PROJECT, &k, TERR));
	ASSERT_EQ(k.nft_total, 10);
	ASSERT_EQ(k.sold, 3);
	ASSERT_EQ(k.reserved, 2);
	ASSERT_EQ(k.blocked, 1);
	snprintf(url, sizeof(url), "%s/__fake/requests", fake.base_url);
	reqs = cs_test_http_json("GET", url, NULL);
	last = cJSON_GetArrayItem(reqs, cJSON_GetArraySize(reqs) - 1);
	ASSERT_STR_EQ(cJSON_GetObjectItem(last, "method")->valuestring, "GET");
	ASSERT_STR_EQ(cJSON_GetObjectItem(last, "path")->valuestring,
	    "/v2/GetCounts/" PROJECT);
	ASSERT_STR_EQ(cJSON_GetObjectItem(last, "authorization")->valuestring,
	    "Bearer " KEY);
	cJSON_Delete(reqs);
	cs_nmkr_free(c);
}

CS_TEST(nmkr__retry_after_is_waited_out)
{
	struct cs_nmkr_counts k;
	struct cs_nmkr *c;
	int64_t t0;

	start_fake("10");
	control("POST", "/__fake/faults",
	    "{\"endpoint\":\"GetCounts\",\"status\":429,\"times\":1,"
	    "\"retryAfter\":1}");
	c = client(4);
	t0 = cs_mono_ms();
	ASSERT_OK(cs_nmkr_get_counts(c, PROJECT, &k, TERR));
	ASSERT_GE(cs_mono_ms() - t0, 950);
	ASSERT_EQ(k.nft_total, 10);
	ASSERT_EQ(requests_of("GetCounts"), 2);
	cs_nmkr_free(c);
}

CS_TEST(nmkr__two_500s_then_success)
{
	struct cs_remote_list list;
	struct cs_nmkr *c;

	start_fake("60");
	control("POST", "/__fake/faults",
	    "{\"endpoint\":\"GetNfts\",\"status\":500,\"times\":2}");
	c = client(1);
	cs_remote_list_init(&list);
	ASSERT_OK(cs_nmkr_list_nfts(c, PROJECT, NULL, &list, NULL, NULL, TERR));
	ASSERT_EQ(list.items.len, 60);
	ASSERT_EQ(requests_of("GetNfts"), 4); /* 2 failures, pages 1 and 2 */
	cs_remote_list_dispose(&list);
	cs_nmkr_free(c);
}

CS_TEST(nmkr__permanent_500_fails_with_status)
{
	struct cs_remote_list list;
	struct cs_nmkr *c;

	start_fake("60");
	control("POST", "/__fake/faults",
	    "{\"endpoint\":\"GetNfts\",\"status\":500,\"times\":-1}");
	c = client(4);
	cs_remote_list_init(&list);
	ASSERT_ERR(CS_EHTTP,
	    cs_nmkr_list_nfts(c, PROJECT, NULL, &list, NULL, NULL, TERR));
	ASSERT_EQ(cs_test_err.http_status, 500);
	ASSERT_STR_CONTAINS(cs_test_err.msg, "HTTP 500");
	/* Five failed attempts in a row open the circuit: nothing more is
	 * sent, what was in flight finishes. */
	ASSERT_STR_CONTAINS(cs_test_err.msg, "the circuit");
	ASSERT_LE(requests_of("GetNfts"), 5 + 3);
	ASSERT_EQ(list.items.len, 0); /* nothing partial */
	cs_remote_list_dispose(&list);
	cs_nmkr_free(c);
}

/* Every NMKR client of the process draws from one bucket: at 100
 * requests per 10 s (a burst of 10, then 9 a second), two clients asking
 * 15 times each wait about (30 - 10) / 9 s together; two buckets of their
 * own would let each through in about 0.6 s. */
CS_TEST(nmkr__clients_share_one_bucket)
{
	struct cs_nmkr_counts k;
	struct cs_nmkr *a, *b;
	int64_t t0, ms;
	int i;

	start_fake("10");
	cs_nmkr_set_rate(100);
	a = client(4);
	b = client(4);
	t0 = cs_mono_ms();
	for (i = 0; i < 15; i++) {
		ASSERT_OK(cs_nmkr_get_counts(a, PROJECT, &k, TERR));
		ASSERT_OK(cs_nmkr_get_counts(b, PROJECT, &k, TERR));
	}
	ms = cs_mono_ms() - t0;
	ASSERT_GE(ms, 1800);
	ASSERT_LE(ms, 20000);
	ASSERT_EQ(requests_of("GetCounts"), 30);
	cs_nmkr_free(a);
	cs_nmkr_free(b);
}

/* A transient failure is retried within the budget and the walk recovers;
 * a success between failures starts the run of failures again. */
CS_TEST(nmkr__transient_failures_do_not_open_the_circuit)
{
	struct cs_remote_list list;
	struct cs_nmkr_usage u;
	struct cs_nmkr *c;

	start_fake("600");
	control("POST", "/__fake/faults",
	    "{\"endpoint\":\"GetNfts\",\"status\":503,\"times\":4}");
	c = client(1);
	cs_remote_list_init(&list);
	ASSERT_OK(cs_nmkr_list_nfts(c, PROJECT, NULL, &list, NULL, NULL, TERR));
	ASSERT_EQ(list.items.len, 600);
	cs_nmkr_usage(c, &u);
	ASSERT_FALSE(u.circuit_open);
	ASSERT_EQ(u.failed, 4);
	ASSERT_EQ(u.sent, 1 + 4 + 13); /* GetCounts, 4 failures, 13 pages */
	ASSERT_EQ(u.walks, 1);
	cs_remote_list_dispose(&list);
	cs_nmkr_free(c);
}

/* Issue 12 section 4: NFT 3 is deleted right after page 2 is built. With
 * 4 pages in flight, every page from 7 on is built after that and has moved
 * up by one, so a live NFT is on no page (where depends on which of pages
 * 1 to 6 were built before). The walk sees its pages and counts disagree,
 * reads again with pages of 49 and has every live NFT. */
CS_TEST(nmkr__deleted_mid_walk_is_read_again)
{
	struct cs_remote_list list;
	struct cs_nmkr_usage u;
	struct cs_nmkr *c;
	char url[256], body[160];
	const cJSON *it;
	cJSON *live;
	size_t i, found = 0;
	const char *gone;

	start_fake("2000");
	snprintf(url, sizeof(url), "%s/__fake/nfts", fake.base_url);
	live = cs_test_http_json("GET", url, NULL);
	gone = cJSON_GetObjectItem(cJSON_GetArrayItem(live, 2), "uid")
	           ->valuestring;
	snprintf(
	    body, sizeof(body), "{\"afterPage\":2,\"delete\":\"%s\"}", gone);
	control("POST", "/__fake/walk-events", body);
	c = client(4);
	cs_remote_list_init(&list);
	ASSERT_OK(cs_nmkr_list_nfts(c, PROJECT, NULL, &list, NULL, NULL, TERR));
	ASSERT_EQ(list.items.len, 1999);
	cJSON_ArrayForEach(it, live) {
		const char *uid = cJSON_GetObjectItem(it, "uid")->valuestring;
		bool listed = false;

		for (i = 0; i < list.items.len && !listed; i++)
			listed = strcmp(CS_VEC_AT(&list.items,
			                    struct cs_remote_nft, i)
			                    ->uid,
			             uid) == 0;
		ASSERT_TRUE(listed == (strcmp(uid, gone) != 0));
		found += listed;
	}
	ASSERT_EQ(found, 1999);
	cs_nmkr_usage(c, &u);
	ASSERT_EQ(u.walks, 2);
	/* The counts disagree with the pages, or (when a page in flight
	 * beside page 2 was built after the deletion) two pages overlap. */
	ASSERT_STR_CONTAINS(u.walk_note, "changed while it was read");
	ASSERT_EQ(requests_of("GetCounts"), 2);
	cJSON_Delete(live);
	cs_remote_list_dispose(&list);
	cs_nmkr_free(c);
}

/* A list that moves on every read is not used: one NFT is added after
 * page 2 of each read, so no read agrees with its counts nor with the read
 * before it. After three reads the walk fails; nothing partial is kept. */
CS_TEST(nmkr__list_that_keeps_moving_fails)
{
	struct cs_remote_list list;
	struct cs_nmkr_usage u;
	struct cs_nmkr *c;

	start_fake("300");
	control("POST", "/__fake/walk-events",
	    "{\"afterPage\":2,\"add\":1,\"times\":3}");
	c = client(1);
	cs_remote_list_init(&list);
	ASSERT_ERR(CS_ECONFLICT,
	    cs_nmkr_list_nfts(c, PROJECT, NULL, &list, NULL, NULL, TERR));
	ASSERT_STR_CONTAINS(cs_test_err.msg, "kept changing while it was read");
	ASSERT_STR_CONTAINS(cs_test_err.msg, "3 reads disagreed");
	ASSERT_EQ(list.items.len, 0);
	cs_nmkr_usage(c, &u);
	ASSERT_EQ(u.walks, 3);
	cs_remote_list_dispose(&list);
	cs_nmkr_free(c);
}

CS_TEST(nmkr__bad_bodies_are_parse_errors)
{
	struct cs_remote_list list;
	struct cs_nmkr_counts k;
	struct cs_nmkr *c;

	start_fake("60");
	c = client(4);
	control("POST", "/__fake/faults",
	    "{\"endpoint\":\"GetNfts\",\"malformed\":true,\"times\":-1}");
	cs_remote_list_init(&list);
	ASSERT_ERR(CS_EPARSE,
	    cs_nmkr_list_nfts(c, PROJECT, NULL, &list, NULL, NULL, TERR));
	ASSERT_STR_CONTAINS(cs_test_err.msg, "malformed JSON");
	control("DELETE", "/__fake/faults", NULL);
	control("POST", "/__fake/faults",
	    "{\"endpoint\":\"GetCounts\",\"truncate\":true,\"times\":-1}");
	ASSERT_ERR(CS_EPARSE, cs_nmkr_get_counts(c, PROJECT, &k, TERR));
	ASSERT_STR_CONTAINS(cs_test_err.msg, "truncated");
	/* Five truncations in a row opened the circuit: a new budget. */
	cs_nmkr_usage_reset(c);
	control("DELETE", "/__fake/faults", NULL);
	control("POST", "/__fake/faults",
	    "{\"endpoint\":\"GetCounts\",\"oversize\":true,\"times\":1}");
	ASSERT_ERR(CS_ETOOBIG, cs_nmkr_get_counts(c, PROJECT, &k, TERR));
	ASSERT_STR_CONTAINS(cs_test_err.msg, "larger than");
	/* A dropped connection is retried. */
	control("POST", "/__fake/faults",
	    "{\"endpoint\":\"GetCounts\",\"drop\":true,\"times\":1}");
	ASSERT_OK(cs_nmkr_get_counts(c, PROJECT, &k, TERR));
	ASSERT_EQ(k.nft_total, 60);
	cs_remote_list_dispose(&list);
	cs_nmkr_free(c);
}

CS_TEST(nmkr__errors_carry_nmkr_words)
{
	struct cs_nmkr_opts o = CS_NMKR_OPTS_INIT;
	struct cs_nmkr_project p;
	struct cs_nmkr_nft n;
	struct cs_nmkr_counts k;
	struct cs_nmkr *c = NULL, *bad = NULL;

	start_fake("10");
	c = client(4);
	ASSERT_ERR(CS_ENOTFOUND,
	    cs_nmkr_get_project(
	        c, "00000000-0000-4000-8000-000000000000", &p, TERR));
	ASSERT_STR_CONTAINS(cs_test_err.msg, "Project not found");
	ASSERT_ERR(CS_ENOTFOUND,
	    cs_nmkr_get_nft(
	        c, "00000000-0000-4000-8000-000000000000", &n, TERR));
	ASSERT_STR_CONTAINS(cs_test_err.msg, "Nft not found");
	ASSERT_ERR(CS_EINVAL, cs_nmkr_get_counts(c, "../etc", &k, TERR));

	o.api_key = "wrong-key-8c1";
	o.base_url = fake.base_url;
	ASSERT_OK(cs_nmkr_new(&bad, &o, TERR));
	ASSERT_ERR(CS_EHTTP, cs_nmkr_get_counts(bad, PROJECT, &k, TERR));
	ASSERT_EQ(cs_test_err.http_status, 401);
	ASSERT_STR_CONTAINS(cs_test_err.msg, "Apikey/Accesstoken is not "
	                                     "correct");
	ASSERT_STR_NOT_CONTAINS(cs_test_err.msg, "wrong-key-8c1");
	cs_nmkr_free(bad);
	cs_nmkr_free(c);
}

CS_TEST(nmkr__details_and_notifications)
{
	struct cs_nmkr_notification *list = NULL, *again = NULL;
	struct cs_nmkr_notification ours = {CS_UNCONST("webhook"),
	    CS_UNCONST("https://example.test/hook"), NULL, true};
	struct cs_remote_list all;
	struct cs_nmkr_project p;
	struct cs_nmkr_nft n;
	struct cs_nmkr *c;
	size_t nl = 0, na = 0, i;
	const struct cs_remote_nft *sold = NULL;

	start_fake("20");
	c = client(4);
	ASSERT_OK(cs_nmkr_get_project(c, PROJECT, &p, TERR));
	ASSERT_STR_EQ(p.uid, PROJECT);
	ASSERT_EQ(p.reservation_minutes, 10);
	ASSERT_TRUE(p.policy_id != NULL && strlen(p.policy_id) == 56);
	cs_nmkr_project_dispose(&p);

	cs_remote_list_init(&all);
	ASSERT_OK(cs_nmkr_list_nfts(c, PROJECT, NULL, &all, NULL, NULL, TERR));
	for (i = 0; i < all.items.len; i++) {
		const struct cs_remote_nft *x =
		    CS_VEC_AT(&all.items, struct cs_remote_nft, i);

		if (x->state == CS_REMOTE_SOLD)
			sold = x;
	}
	ASSERT_TRUE(sold != NULL);
	ASSERT_TRUE(sold->asset_id != NULL);
	ASSERT_GT(sold->sold_at, 0);
	ASSERT_OK(cs_nmkr_get_nft(c, sold->uid, &n, TERR));
	ASSERT_EQ(n.state, CS_REMOTE_SOLD);
	ASSERT_STR_EQ(n.asset_id, sold->asset_id);
	cs_nmkr_nft_dispose(&n);
	cs_remote_list_dispose(&all);

	/* None yet: 204 and an empty list. */
	ASSERT_OK(cs_nmkr_get_notifications(c, PROJECT, &list, &nl, TERR));
	ASSERT_EQ(nl, 0);
	ASSERT_OK(cs_nmkr_update_notifications(
	    c, PROJECT, &ours, 1, &list, &nl, TERR));
	ASSERT_EQ(nl, 1);
	ASSERT_STR_EQ(list[0].address, "https://example.test/hook");
	ASSERT_EQ(strlen(list[0].secret), 32);
	/* Updating again rotates the secret. */
	ASSERT_OK(cs_nmkr_update_notifications(
	    c, PROJECT, &ours, 1, &again, &na, TERR));
	ASSERT_EQ(na, 1);
	ASSERT_TRUE(strcmp(list[0].secret, again[0].secret) != 0);
	cs_nmkr_notifications_free(list, nl);
	ASSERT_OK(cs_nmkr_get_notifications(c, PROJECT, &list, &nl, TERR));
	ASSERT_STR_EQ(list[0].secret, again[0].secret);
	cs_nmkr_notifications_free(list, nl);
	cs_nmkr_notifications_free(again, na);
	/* NMKR refuses an address that is not a URL: 406, code 432. */
	ours.address = CS_UNCONST("ftp://x");
	ASSERT_ERR(CS_EHTTP, cs_nmkr_update_notifications(
	                         c, PROJECT, &ours, 1, &list, &nl, TERR));
	ASSERT_STR_CONTAINS(cs_error_msg(TERR), "not a valid url");
	cs_nmkr_free(c);
}

CS_TEST(nmkr__key_never_logged)
{
	char *path = cs_test_path("client.log"), *text;
	struct cs_remote_list list;
	struct cs_nmkr_counts k;
	struct cs_nmkr *c;
	FILE *f = fopen(path, "w");

	start_fake("60");
	cs_log_setup(CS_LOG_DEBUG, CS_LOG_TEXT, f);
	c = client(4);
	control("POST", "/__fake/faults",
	    "{\"endpoint\":\"*\",\"status\":503,\"times\":2}");
	ASSERT_OK(cs_nmkr_get_counts(c, PROJECT, &k, TERR));
	cs_remote_list_init(&list);
	ASSERT_OK(cs_nmkr_list_nfts(c, PROJECT, NULL, &list, NULL, NULL, TERR));
	cs_log_info("test", "a careless line with the key " KEY);
	fclose(f);
	cs_log_setup(CS_LOG_INFO, CS_LOG_TEXT, NULL);
	text = cs_test_read_file(path, NULL);
	ASSERT_STR_CONTAINS(
	    text, "/v2/GetNfts/"); /* debug lines were written */
	ASSERT_STR_CONTAINS(text, "-> 503");
	ASSERT_STR_NOT_CONTAINS(text, KEY);
	cs_remote_list_dispose(&list);
	cs_nmkr_free(c);
	free(text);
	free(path);
}
