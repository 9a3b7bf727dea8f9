/* SPDX-License-Identifier: MIT */
/*
 * A rotated-out webhook secret (issue 13 §3): accepted for the grace after
 * webhook_rotated_at, then refused, by the webhook sink that serve runs.
 * The webhook's time is an input (cs_webhook_handle's now), so the 600 s
 * default is driven exactly, without sleeping. A second sink on the same
 * database, loaded before the rotation (another serve), refuses it too once
 * a short grace has passed: its cache may not outlive the grace.
 */
#include "test.h"

#include <stdio.h>
#include <string.h>

#include "service/webhook.h"
#include "store/store.h"
#include "support/fixture.h"
#include "util/str.h"
#include "util/time.h"
#include "util/xalloc.h"

#define PROJECT "9e2d000a-ed53-4db4-819b-25cdab41fd47"
#define URL "https://sync.example.com/webhooks/nmkr"
#define OLD "0123456789abcdef0123456789abcdef"
#define NEW "fedcba9876543210fedcba9876543210"

static char *db_url;
static struct cs_store *store;
static int64_t campaign;

static void
setup(void)
{
	struct cs_campaign c;

	db_url = cs_fixture_db_url("grace.db");
	ASSERT_OK(cs_store_open(&store, db_url, TERR));
	memset(&c, 0, sizeof(c));
	c.name = CS_UNCONST("Hooked");
	c.nmkr_project_uid = CS_UNCONST(PROJECT);
	c.network = CS_NETWORK_PREPROD;
	c.max_nfts = 10;
	ASSERT_OK(cs_store_campaign_create(store, &c, cs_now_ms(), TERR));
	campaign = c.id;
}

static void
teardown(void)
{
	cs_store_free(store);
	free(db_url);
}

static struct cs_webhook_sink *
sink_new(int64_t grace_ms)
{
	struct cs_webhook_sink_opts o;
	struct cs_webhook_sink *s;

	memset(&o, 0, sizeof(o));
	o.store_url = db_url;
	o.secret_grace_ms = grace_ms;
	ASSERT_OK(cs_webhook_sink_new(&s, &o, TERR));
	return s;
}

/* The status a webhook signed with secret gets at time now. */
static int
send(struct cs_webhook_sink *s, const char *secret, int64_t now)
{
	static int n;
	struct cs_webhook_reply r;
	char body[256], hash[45];

	snprintf(body, sizeof(body),
	    "{\"EventType\":\"transactionconfirmed\",\"ProjectUid\":\"" PROJECT
	    "\",\"TxHash\":\"%064d\",\"NotificationSaleNfts\":[]}",
	    ++n);
	cs_webhook_sign(secret, body, strlen(body), hash);
	ASSERT_OK(cs_webhook_handle(
	    s, store, body, strlen(body), hash, now, false, &r));
	return r.status;
}

CS_TEST(hook_grace__previous_secret_until_the_grace_then_refused)
{
	struct cs_webhook_sink *s;
	int64_t t0, rotated;
	struct cs_campaign c;

	setup();
	t0 = cs_now_ms();
	ASSERT_OK(
	    cs_store_campaign_set_webhook(store, campaign, URL, OLD, t0, TERR));
	rotated = t0 + 1000;
	ASSERT_OK(cs_store_campaign_set_webhook(
	    store, campaign, URL, NEW, rotated, TERR));
	ASSERT_OK(cs_store_campaign_get(store, campaign, &c, TERR));
	ASSERT_EQ(c.webhook_rotated_at, rotated);
	cs_campaign_dispose(&c);

	s = sink_new(0); /* the default: 600 s */
	ASSERT_EQ(send(s, NEW, rotated), 200);
	ASSERT_EQ(send(s, OLD, rotated), 200);
	ASSERT_EQ(send(s, OLD, rotated + 600 * 1000), 200);
	ASSERT_EQ(send(s, OLD, rotated + 600 * 1000 + 1), 401);
	ASSERT_EQ(send(s, OLD, rotated + 3600 * 1000), 401);
	/* The current one is not bound by the grace. */
	ASSERT_EQ(send(s, NEW, rotated + 3600 * 1000), 200);
	cs_webhook_sink_free(s);

	/* A configured grace (CS_WEBHOOK_SECRET_GRACE=30). */
	s = sink_new(30 * 1000);
	ASSERT_EQ(send(s, OLD, rotated + 30 * 1000), 200);
	ASSERT_EQ(send(s, OLD, rotated + 30 * 1000 + 1), 401);
	cs_webhook_sink_free(s);
	/* No grace (CS_WEBHOOK_SECRET_GRACE=0). */
	s = sink_new(-1);
	ASSERT_EQ(send(s, OLD, rotated), 401);
	ASSERT_EQ(send(s, NEW, rotated), 200);
	cs_webhook_sink_free(s);
	teardown();
}

CS_TEST(hook_grace__a_sink_loaded_before_the_rotation_refuses_too)
{
	struct cs_webhook_sink *other;
	int64_t rotated;

	setup();
	ASSERT_OK(cs_store_campaign_set_webhook(
	    store, campaign, URL, OLD, cs_now_ms(), TERR));
	/* Another serve, its cache loaded with OLD as the current secret. */
	other = sink_new(300);
	ASSERT_EQ(send(other, OLD, cs_now_ms()), 200);
	rotated = cs_now_ms();
	ASSERT_OK(cs_store_campaign_set_webhook(
	    store, campaign, URL, NEW, rotated, TERR));
	/* Past the grace, on the real clock: OLD is refused, NEW taken. */
	cs_sleep_ms(450);
	ASSERT_EQ(send(other, OLD, cs_now_ms()), 401);
	ASSERT_EQ(send(other, NEW, cs_now_ms()), 200);
	cs_webhook_sink_free(other);
	teardown();
}
