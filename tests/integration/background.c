/* SPDX-License-Identifier: MIT */
/*
 * The background work of serve, driven directly: the scheduler's tick run
 * by two instances at once on one database (each campaign synced once),
 * and the sweeper's decisions for expired reservations against fake-nmkr.
 */
#include "test.h"

#include <pthread.h>

#include "clients/nmkr.h"
#include "service/import_nmkr.h"
#include "service/pool.h"
#include "service/reserve.h"
#include "service/scheduler.h"
#include "store/store.h"
#include "support/fakeproc.h"
#include "support/fixture.h"
#include "support/testhttp.h"
#include "util/log.h"
#include "util/str.h"
#include "util/time.h"
#include "util/xalloc.h"

#define KEY "background-key-9"
#define PROJECT "9e2d000a-ed53-4db4-819b-25cdab41fd47"

static struct cs_fakeproc fake;
static char *url;

static void
start_fake(const char *nfts)
{
	char *fk = cs_build_path("tools/fake-nmkr/fake-nmkr");
	const char *argv[] = {fk, "--listen", "127.0.0.1:0", "--api-key", KEY,
	    "--project", PROJECT, "--nfts", nfts, "--sold", "0", "--reserved",
	    "0", "--blocked", "0", NULL};

	cs_fakeproc_start(&fake, argv, NULL);
	url = cs_fixture_db_url("bg.db");
	free(fk);
}

static struct cs_nmkr_opts
nmkr_opts(void)
{
	struct cs_nmkr_opts o = CS_NMKR_OPTS_INIT;

	o.api_key = KEY;
	o.base_url = fake.base_url;
	o.backoff_base_ms = 10;
	o.max_retries = 1;
	return o;
}

static int64_t
campaign(struct cs_store *s, const char *name, bool active)
{
	struct cs_nmkr_opts no = nmkr_opts();
	struct cs_nmkr_import_report rep;
	struct cs_nmkr *n = NULL;
	struct cs_campaign c;

	memset(&c, 0, sizeof(c));
	c.name = CS_UNCONST(name);
	c.nmkr_project_uid = CS_UNCONST(PROJECT);
	c.max_nfts = 100;
	ASSERT_OK(cs_store_campaign_create(s, &c, cs_now_ms(), TERR));
	ASSERT_OK(cs_nmkr_new(&n, &no, TERR));
	if (strcmp(name, "first") == 0)
		ASSERT_OK(
		    cs_import_from_nmkr(s, n, c.id, cs_now_ms(), &rep, TERR));
	else {
		/* One NFT NMKR does not know, so it can be activated. */
		struct cs_import_result ir;
		struct cs_nft one;
		char uid[64];

		memset(&one, 0, sizeof(one));
		snprintf(uid, sizeof(uid),
		    "0000000%d-0000-4000-8000-000000000000", active ? 1 : 2);
		one.nft_uid = uid;
		one.name = CS_UNCONST(name);
		one.status = CS_NFT_AVAILABLE;
		ASSERT_OK(cs_store_nft_import(
		    s, c.id, &one, 1, cs_now_ms(), &ir, TERR));
		ASSERT_EQ(ir.inserted, 1);
	}
	cs_nmkr_free(n);
	if (active)
		ASSERT_OK(cs_store_campaign_set_status(
		    s, c.id, CS_CAMPAIGN_ACTIVE, cs_now_ms(), TERR));
	return c.id;
}

struct instance {
	struct cs_scheduler *sched;
	struct cs_pool *pool;
	int64_t at;
};

static void *
run_tick(void *payload)
{
	struct instance *in = payload;

	cs_scheduler_tick(in->sched, in->at);
	return NULL;
}

struct runs {
	int64_t since;
	size_t n;
};

/* 1 when the campaign's latest sync run started at or after since. */
static size_t
runs_since(struct cs_store *s, int64_t campaign, int64_t since)
{
	struct cs_sync_run run;
	size_t n = 0;

	if (cs_store_sync_run_latest(s, campaign, &run, NULL) == 0) {
		if (run.started_at >= since)
			n = 1;
		cs_sync_run_dispose(&run);
	}
	return n;
}

static int
count_pulls(const struct cs_sync_log *l, void *payload)
{
	struct runs *r = payload;

	if (l->sync_type == CS_SYNC_API_PULL && l->started_at >= r->since)
		r->n++;
	return 0;
}

/* Everything in f, from its start; caller frees. */
static char *
read_all(FILE *f)
{
	size_t len = 0, cap = 4096, n;
	char *buf = cs_xmalloc(cap);

	rewind(f);
	while ((n = fread(buf + len, 1, cap - len - 1, f)) > 0) {
		len += n;
		if (cap - len - 1 == 0)
			buf = cs_xrealloc(buf, cap *= 2);
	}
	buf[len] = '\0';
	return buf;
}

/* The log lines about a campaign ("campaign ID<what>"). */
static int
count_lines(const char *log, int64_t campaign, const char *what)
{
	char needle[128];
	const char *p = log;
	int n = 0;

	snprintf(needle, sizeof(needle), "campaign %lld%s", (long long)campaign,
	    what);
	while ((p = strstr(p, needle)) != NULL) {
		n++;
		p += strlen(needle);
	}
	return n;
}

/* Two instances (two schedulers, each with its own pool, as two serve
 * processes have) take the same tick, driven with a fixed time: each
 * active campaign is synced once, by one of them, and the other logs why
 * it did not. Runs on SQLite and on PostgreSQL (integration.pg.*). */
CS_TEST(background__two_instances_one_sync_per_tick)
{
	struct cs_scheduler_opts so;
	struct cs_nmkr_opts no;
	struct instance a, b;
	struct cs_store *s = NULL;
	pthread_t ta, tb;
	int64_t first, second, idle, at;
	struct runs r;
	struct cs_sync_log_query q = CS_SYNC_LOG_QUERY_INIT;
	FILE *logf;
	char *log;

	start_fake("30");
	ASSERT_OK(cs_store_open(&s, url, TERR));
	first = campaign(s, "first", true);
	second = campaign(s, "second", true);
	idle = campaign(s, "idle", false);
	/* Slow pages, so the two instances overlap. */
	{
		char u[256];

		snprintf(u, sizeof(u), "%s/__fake/faults", fake.base_url);
		cJSON_Delete(cs_test_http_json("POST", u,
		    "{\"endpoint\":\"GetNfts\",\"delayMs\":100,\"times\":-1}"));
	}
	no = nmkr_opts();
	memset(&so, 0, sizeof(so));
	so.nmkr = &no;
	so.sweep_every_ms = -1;
	ASSERT_OK(cs_pool_new(&a.pool, url, 2, TERR));
	ASSERT_OK(cs_pool_new(&b.pool, url, 2, TERR));
	so.pool = a.pool;
	so.owner = "instance-a";
	ASSERT_OK(cs_scheduler_start(&a.sched, &so, TERR));
	so.pool = b.pool;
	so.owner = "instance-b";
	ASSERT_OK(cs_scheduler_start(&b.sched, &so, TERR));

	/* Both instances log into one file: one of them syncs each
	 * campaign, the other says why it did not. */
	logf = tmpfile();
	ASSERT_TRUE(logf != NULL);
	cs_log_setup(CS_LOG_DEBUG, CS_LOG_TEXT, logf);
	at = cs_now_ms();
	a.at = b.at = at;
	ASSERT_EQ(pthread_create(&ta, NULL, run_tick, &a), 0);
	ASSERT_EQ(pthread_create(&tb, NULL, run_tick, &b), 0);
	pthread_join(ta, NULL);
	pthread_join(tb, NULL);
	cs_log_setup(CS_LOG_INFO, CS_LOG_TEXT, stderr);
	log = read_all(logf);
	fclose(logf);
	ASSERT_EQ(count_lines(log, first, ": success"), 1);
	ASSERT_EQ(count_lines(log, second, ": success"), 1);
	ASSERT_EQ(count_lines(log, first, ": synced by another instance") +
	              count_lines(log, first, ": a sync is already running"),
	    1);
	ASSERT_EQ(count_lines(log, second, ": synced by another instance") +
	              count_lines(log, second, ": a sync is already running"),
	    1);
	ASSERT_EQ(count_lines(log, idle, ":"), 0);
	free(log);

	/* Each active campaign synced once for the tick, the inactive not. */
	r.since = at;
	r.n = 0;
	q.campaign_id = first;
	ASSERT_OK(cs_store_sync_log_list(s, &q, count_pulls, &r, TERR));
	ASSERT_EQ(r.n, 1);
	r.n = 0;
	q.campaign_id = second;
	ASSERT_OK(cs_store_sync_log_list(s, &q, count_pulls, &r, TERR));
	ASSERT_EQ(r.n, 1);
	ASSERT_EQ(runs_since(s, idle, at), 0);

	/* The same tick again: nothing; the next tick: once more each. */
	cs_scheduler_tick(a.sched, at);
	r.n = 0;
	q.campaign_id = first;
	ASSERT_OK(cs_store_sync_log_list(s, &q, count_pulls, &r, TERR));
	ASSERT_EQ(r.n, 1);
	cs_scheduler_tick(b.sched, cs_now_ms() + 1);
	r.n = 0;
	ASSERT_OK(cs_store_sync_log_list(s, &q, count_pulls, &r, TERR));
	ASSERT_EQ(r.n, 2);

	cs_scheduler_free(a.sched);
	cs_scheduler_free(b.sched);
	cs_pool_free(a.pool);
	cs_pool_free(b.pool);
	cs_store_free(s);
}

static char *
reserve_expired(struct cs_store *s, int64_t campaign, const char *wallet)
{
	enum cs_reserve_outcome why;
	struct cs_nft n;
	char *uid;

	/* Reserved two hours ago for five minutes: long expired. */
	ASSERT_OK(cs_store_reservation_take(s, campaign, wallet, 5,
	    cs_now_ms() - 2 * 3600 * 1000, &n, &why, TERR));
	uid = cs_xstrdup(n.nft_uid);
	cs_nft_dispose(&n);
	return uid;
}

static void
fake_state(const char *uid, const char *body)
{
	char u[256];

	snprintf(u, sizeof(u), "%s/__fake/nfts/%s/state", fake.base_url, uid);
	cJSON_Delete(cs_test_http_json("POST", u, body));
}

CS_TEST(background__sweeper_asks_nmkr_first)
{
	struct cs_nmkr_opts no;
	struct cs_sweep_report rep;
	struct cs_nmkr *n = NULL;
	struct cs_store *s = NULL;
	struct cs_nft x;
	char *sold, *freed, *held, *asked;
	int64_t id;

	start_fake("10");
	ASSERT_OK(cs_store_open(&s, url, TERR));
	id = campaign(s, "first", true);
	no = nmkr_opts();
	ASSERT_OK(cs_nmkr_new(&n, &no, TERR));
	sold = reserve_expired(s, id, cs_fixture_wallet_mainnet(1));
	freed = reserve_expired(s, id, cs_fixture_wallet_mainnet(2));
	held = reserve_expired(s, id, cs_fixture_wallet_mainnet(3));
	fake_state(sold, "{\"state\":\"sold\",\"receiverAddress\":"
	                 "\"addr_test1buyer\",\"txHash\":\"ab\"}");
	fake_state(held, "{\"state\":\"reserved\",\"reservedSeconds\":600}");

	ASSERT_OK(cs_sweep_expired(s, n, cs_now_ms(), 100, &rep, TERR));
	ASSERT_EQ(rep.expired, 3);
	ASSERT_EQ(rep.sold, 1);
	ASSERT_EQ(rep.released, 1);
	ASSERT_EQ(rep.kept, 1);
	/* The missed sale is applied with its buyer. */
	ASSERT_OK(cs_store_nft_get(s, sold, &x, TERR));
	ASSERT_EQ(x.status, CS_NFT_SOLD);
	ASSERT_STR_EQ(x.sold_to, "addr_test1buyer");
	ASSERT_EQ(x.last_modified_by, CS_SOURCE_AUTO_SYNC);
	cs_nft_dispose(&x);
	ASSERT_OK(cs_store_nft_get(s, freed, &x, TERR));
	ASSERT_EQ(x.status, CS_NFT_AVAILABLE);
	ASSERT_EQ(x.last_modified_by, CS_SOURCE_EXPIRY);
	cs_nft_dispose(&x);
	ASSERT_OK(cs_store_nft_get(s, held, &x, TERR));
	ASSERT_EQ(x.status, CS_NFT_RESERVED);
	cs_nft_dispose(&x);

	/* NMKR unreachable: keep, ask again next round. */
	asked = reserve_expired(s, id, cs_fixture_wallet_mainnet(4));
	{
		char u[256];

		snprintf(u, sizeof(u), "%s/__fake/faults", fake.base_url);
		cJSON_Delete(cs_test_http_json("POST", u,
		    "{\"endpoint\":\"GetNftDetailsById\",\"status\":500,"
		    "\"times\":-1}"));
	}
	ASSERT_OK(cs_sweep_expired(s, n, cs_now_ms(), 100, &rep, TERR));
	ASSERT_EQ(rep.kept, 2);
	ASSERT_EQ(rep.released, 0);
	ASSERT_OK(cs_store_nft_get(s, asked, &x, TERR));
	ASSERT_EQ(x.status, CS_NFT_RESERVED);
	cs_nft_dispose(&x);
	/* Without an NMKR key there is nobody to ask: released. */
	ASSERT_OK(cs_sweep_expired(s, NULL, cs_now_ms(), 100, &rep, TERR));
	ASSERT_EQ(rep.released, 2);
	ASSERT_OK(cs_store_campaign_recount(s, id, cs_now_ms(), NULL, TERR));
	cs_nmkr_free(n);
	cs_store_free(s);
	free(sold);
	free(freed);
	free(held);
	free(asked);
}

static int
count_event(const struct cs_webhook_event *e, void *payload)
{
	(void)e;
	(*(size_t *)payload)++;
	return 0;
}

static size_t
events(struct cs_store *s)
{
	size_t n = 0;

	ASSERT_OK(
	    cs_store_webhook_event_list(s, 0, 0, false, count_event, &n, TERR));
	return n;
}

static int
count_alert(const struct cs_alert *a, void *payload)
{
	(void)a;
	(*(size_t *)payload)++;
	return 0;
}

static size_t
alerts(struct cs_store *s)
{
	size_t n = 0;

	ASSERT_OK(cs_store_alert_list(s, 0, 0, count_alert, &n, TERR));
	return n;
}

/* The sweeper deletes the alerts sent before the reports' retention. */
CS_TEST(background__sweeper_prunes_old_alerts)
{
	struct cs_scheduler_opts so;
	struct cs_scheduler *sched = NULL;
	struct cs_pool *pool = NULL;
	struct cs_store *s = NULL;
	struct cs_campaign c;
	struct cs_alert a;
	int64_t now = cs_now_ms(), deadline;

	url = cs_fixture_db_url("prune-alerts.db");
	ASSERT_OK(cs_store_open(&s, url, TERR));
	memset(&c, 0, sizeof(c));
	c.name = CS_UNCONST("Lab Rat");
	c.nmkr_project_uid = CS_UNCONST("9e2d000a-ed53-4db4-819b-25cdab41fd47");
	c.network = CS_NETWORK_PREPROD;
	c.max_nfts = 10;
	ASSERT_OK(cs_store_campaign_create(s, &c, now, TERR));
	memset(&a, 0, sizeof(a));
	a.campaign_id = c.id;
	a.cause = "sync_failed";
	a.text = "the sync of Lab Rat failed";
	a.sent_at = now - 3 * 3600 * 1000; /* 3 h old */
	a.delivered = true;
	ASSERT_OK(cs_store_alert_insert(s, &a, TERR));
	a.sent_at = now;
	ASSERT_OK(cs_store_alert_insert(s, &a, TERR));
	ASSERT_EQ(alerts(s), 2);

	ASSERT_OK(cs_pool_new(&pool, url, 2, TERR));
	memset(&so, 0, sizeof(so));
	so.pool = pool;
	so.owner = "pruner";
	so.sweep_every_ms = 50;
	so.report_retention_ms = 3600 * 1000; /* 1 h */
	ASSERT_OK(cs_scheduler_start(&sched, &so, TERR));
	deadline = cs_now_ms() + 5000;
	while (alerts(s) > 1 && cs_now_ms() < deadline)
		cs_sleep_ms(20);
	cs_scheduler_free(sched);
	ASSERT_EQ(alerts(s), 1);
	cs_pool_free(pool);
	cs_store_free(s);
}

/* The sweeper of serve prunes webhook events past the retention. */
CS_TEST(background__sweeper_prunes_old_webhook_events)
{
	struct cs_scheduler_opts so;
	struct cs_scheduler *sched = NULL;
	struct cs_webhook_apply it[2];
	struct cs_pool *pool = NULL;
	struct cs_store *s = NULL;
	int64_t now = cs_now_ms(), deadline;
	size_t i;

	url = cs_fixture_db_url("prune.db");
	ASSERT_OK(cs_store_open(&s, url, TERR));
	memset(it, 0, sizeof(it));
	for (i = 0; i < 2; i++) {
		it[i].event.raw_body = CS_UNCONST("{}");
		it[i].event.raw_len = 2;
		it[i].event.outcome = CS_UNCONST("rejected");
	}
	it[0].event.received_at = now - 3 * 3600 * 1000; /* 3 h old */
	it[1].event.received_at = now;
	ASSERT_OK(cs_store_webhook_apply(s, it, 2, now, TERR));
	ASSERT_EQ(events(s), 2);

	ASSERT_OK(cs_pool_new(&pool, url, 2, TERR));
	memset(&so, 0, sizeof(so));
	so.pool = pool;
	so.owner = "pruner";
	so.sweep_every_ms = 50;
	so.webhook_retention_ms = 3600 * 1000; /* 1 h */
	ASSERT_OK(cs_scheduler_start(&sched, &so, TERR));
	deadline = cs_now_ms() + 5000;
	while (events(s) > 1 && cs_now_ms() < deadline)
		cs_sleep_ms(20);
	cs_scheduler_free(sched);
	ASSERT_EQ(events(s), 1);
	cs_pool_free(pool);
	cs_store_free(s);
}
