/* SPDX-License-Identifier: MIT */
/*
 * The store contract: what every backend must do, written against store.h
 * only. CTest runs this binary once per backend: CS_TEST_STORE=memory
 * (sqlite::memory:), file (a SQLite file in a temp dir) or pg (a fresh schema
 * on the server in CS_TEST_PG_DSN; without it the run fails and says why).
 */
#include "test.h"

#include <ctype.h>
#include <sqlite3.h>

#include "store/store.h"
#include "support/fixture.h"
#include "util/arena.h"
#include "util/limits.h"
#include "util/str.h"
#include "util/time.h"
#include "util/xalloc.h"

#define PROJECT "9e2d000a-ed53-4db4-819b-25cdab41fd47"
/* Valid preprod addresses (support/fixture.h). */
#define W(n) cs_fixture_wallet(n)
#define STAKE(n) cs_fixture_stake(n)
#define NOW 1764000000000LL

static struct cs_store *
open_store(void)
{
	struct cs_store *s = NULL;
	char *url = cs_fixture_store_url();

	ASSERT_OK(cs_store_open(&s, url, TERR));
	free(url);
	return s;
}

static int64_t
make_campaign(struct cs_store *s, const char *name, int64_t max)
{
	struct cs_campaign c;

	memset(&c, 0, sizeof(c));
	c.name = CS_UNCONST(name);
	c.description = CS_UNCONST("test campaign");
	c.nmkr_project_uid = CS_UNCONST(PROJECT);
	c.network = CS_NETWORK_PREPROD;
	c.max_nfts = max;
	ASSERT_OK(cs_store_campaign_create(s, &c, NOW, TERR));
	ASSERT_GT(c.id, 0);
	return c.id;
}

/* n NFTs with uids derived from seed, all available. */
static void
import_n(struct cs_store *s, int64_t campaign, size_t n, unsigned seed,
    struct cs_import_result *res)
{
	struct cs_nft *nfts = cs_xcalloc(n, sizeof(*nfts));
	char **names = cs_xcalloc(n, sizeof(*names));
	char **uids = cs_xcalloc(n, sizeof(*uids));
	size_t i;

	for (i = 0; i < n; i++) {
		uids[i] = cs_fixture_uid(seed, (unsigned)i);
		names[i] = cs_xasprintf("Lab Rat #%zu", i + 1);
		nfts[i].nft_uid = uids[i];
		nfts[i].name = names[i];
		nfts[i].status = CS_NFT_AVAILABLE;
	}
	ASSERT_OK(cs_store_nft_import(s, campaign, nfts, n, NOW, res, TERR));
	for (i = 0; i < n; i++) {
		free(names[i]);
		free(uids[i]);
	}
	free(names);
	free(uids);
	free(nfts);
}

static void
assert_counts(struct cs_store *s, int64_t id, int64_t total, int64_t avail,
    int64_t reserved, int64_t sold)
{
	struct cs_campaign c;
	struct cs_counts live;

	ASSERT_OK(cs_store_campaign_get(s, id, &c, TERR));
	ASSERT_EQ(c.counts.total, total);
	ASSERT_EQ(c.counts.available, avail);
	ASSERT_EQ(c.counts.reserved, reserved);
	ASSERT_EQ(c.counts.sold, sold);
	cs_campaign_dispose(&c);
	/* The stored counters always equal a live count. */
	ASSERT_OK(cs_store_nft_counts(s, id, &live, TERR));
	ASSERT_EQ(live.total, total);
	ASSERT_EQ(live.available, avail);
	ASSERT_EQ(live.reserved, reserved);
	ASSERT_EQ(live.sold, sold);
}

struct history_acc {
	size_t n;
	struct cs_history last;
	char last_detail[128];
};

static int
history_cb(const struct cs_history *h, void *payload)
{
	struct history_acc *acc = payload;

	acc->n++;
	acc->last = *h;
	acc->last.detail = NULL;
	snprintf(acc->last_detail, sizeof(acc->last_detail), "%s",
	    h->detail != NULL ? h->detail : "");
	return 0;
}

static struct history_acc
history_of(struct cs_store *s, int64_t nft_id)
{
	struct cs_history_query q = CS_HISTORY_QUERY_INIT;
	struct history_acc acc;

	memset(&acc, 0, sizeof(acc));
	q.nft_id = nft_id;
	ASSERT_OK(cs_store_history_list(s, &q, history_cb, &acc, TERR));
	return acc;
}

CS_TEST(contract__open_migrates)
{
	struct cs_store *s = open_store();
	int v = 0;

	ASSERT_OK(cs_store_schema_version(s, &v, TERR));
	ASSERT_GE(v, 1);
	cs_store_free(s);
}

/* A busy writer must not keep a new connection out: opening an up to date
 * database takes no write lock (SQLite files only). */
CS_TEST(contract__open_beside_a_writer)
{
	char *url = cs_fixture_store_url();
	struct cs_store *s = NULL, *t = NULL;
	sqlite3 *db = NULL;
	int64_t t0;
	int v = 0;

	if (strncmp(url, "sqlite:", 7) != 0 || strstr(url, ":memory:") != NULL)
		CS_CANNOT_RUN("a SQLite file only");
	ASSERT_OK(cs_store_open(&s, url, TERR));
	ASSERT_EQ(sqlite3_open(url + 7, &db), SQLITE_OK);
	ASSERT_EQ(
	    sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
	t0 = cs_now_ms();
	ASSERT_OK(cs_store_open(&t, url, TERR));
	ASSERT_LT(cs_now_ms() - t0, 1000); /* not the 5 s busy timeout */
	ASSERT_OK(cs_store_schema_version(t, &v, TERR)); /* and it reads */
	ASSERT_GE(v, 1);
	sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_close(db);
	cs_store_free(t);
	cs_store_free(s);
	free(url);
}

CS_TEST(contract__campaign_create_and_find)
{
	struct cs_store *s = open_store();
	struct cs_campaign c;
	char idbuf[32];
	int64_t id = make_campaign(s, "Lab Rat", 100);

	ASSERT_OK(cs_store_campaign_get(s, id, &c, TERR));
	ASSERT_STR_EQ(c.name, "Lab Rat");
	ASSERT_STR_EQ(c.description, "test campaign");
	ASSERT_STR_EQ(c.nmkr_project_uid, PROJECT);
	ASSERT_EQ(c.network, CS_NETWORK_PREPROD);
	ASSERT_EQ(c.status, CS_CAMPAIGN_INACTIVE);
	ASSERT_EQ(c.max_nfts, 100);
	ASSERT_EQ(c.created_at, NOW);
	ASSERT_EQ(c.counts.total, 0);
	ASSERT_TRUE(c.webhook_secret == NULL);
	cs_campaign_dispose(&c);

	ASSERT_OK(cs_store_campaign_find(s, "Lab Rat", &c, TERR));
	ASSERT_EQ(c.id, id);
	cs_campaign_dispose(&c);
	snprintf(idbuf, sizeof(idbuf), "%lld", (long long)id);
	ASSERT_OK(cs_store_campaign_find(s, idbuf, &c, TERR));
	ASSERT_STR_EQ(c.name, "Lab Rat");
	cs_campaign_dispose(&c);
	ASSERT_ERR(CS_ENOTFOUND, cs_store_campaign_find(s, "Nope", &c, TERR));
	ASSERT_STR_CONTAINS(cs_test_err.msg, "Nope");
	ASSERT_ERR(CS_ENOTFOUND, cs_store_campaign_get(s, 999, &c, TERR));
	cs_store_free(s);
}

static int
count_cb(const struct cs_campaign *c, void *payload)
{
	(void)c;
	(*(int *)payload)++;
	return 0;
}

CS_TEST(contract__campaign_duplicate_name)
{
	struct cs_store *s = open_store();
	struct cs_campaign c;
	int n = 0;

	make_campaign(s, "Lab Rat", 10);
	memset(&c, 0, sizeof(c));
	c.name = CS_UNCONST("Lab Rat");
	c.nmkr_project_uid = CS_UNCONST(PROJECT);
	c.max_nfts = 5;
	ASSERT_ERR(CS_ECONFLICT, cs_store_campaign_create(s, &c, NOW, TERR));
	ASSERT_STR_CONTAINS(cs_test_err.msg, "Lab Rat");
	ASSERT_OK(cs_store_campaign_list(s, count_cb, &n, TERR));
	ASSERT_EQ(n, 1);
	cs_store_free(s);
}

CS_TEST(contract__campaign_validation)
{
	struct cs_store *s = open_store();
	struct cs_campaign c;
	int n = 0;

	memset(&c, 0, sizeof(c));
	c.name = CS_UNCONST("X");
	c.nmkr_project_uid = CS_UNCONST("not-a-uid");
	c.max_nfts = 5;
	ASSERT_ERR(CS_EINVAL, cs_store_campaign_create(s, &c, NOW, TERR));
	c.nmkr_project_uid = CS_UNCONST(PROJECT);
	c.max_nfts = -1;
	ASSERT_ERR(CS_EINVAL, cs_store_campaign_create(s, &c, NOW, TERR));
	c.max_nfts = 5;
	c.start_date = NOW;
	c.end_date = NOW - 1;
	ASSERT_ERR(CS_EINVAL, cs_store_campaign_create(s, &c, NOW, TERR));
	c.end_date = 0;
	c.reservation_minutes = 3;
	ASSERT_ERR(CS_EINVAL, cs_store_campaign_create(s, &c, NOW, TERR));
	c.name = CS_UNCONST("");
	c.reservation_minutes = 10;
	ASSERT_ERR(CS_EINVAL, cs_store_campaign_create(s, &c, NOW, TERR));
	ASSERT_OK(cs_store_campaign_list(s, count_cb, &n, TERR));
	ASSERT_EQ(n, 0);
	cs_store_free(s);
}

CS_TEST(contract__campaign_update)
{
	struct cs_store *s = open_store();
	struct cs_campaign c;
	struct cs_import_result res;
	int64_t id = make_campaign(s, "Lab Rat", 10);

	make_campaign(s, "Pilot Program", 10);
	import_n(s, id, 5, 1, &res);
	ASSERT_OK(cs_store_campaign_get(s, id, &c, TERR));
	free(c.description);
	c.description = cs_xstrdup("new words");
	c.max_nfts = 20;
	c.allow_multiple = true;
	c.reservation_minutes = 15;
	ASSERT_OK(cs_store_campaign_update(s, &c, NOW + 1, TERR));
	cs_campaign_dispose(&c);
	ASSERT_OK(cs_store_campaign_get(s, id, &c, TERR));
	ASSERT_STR_EQ(c.description, "new words");
	ASSERT_EQ(c.max_nfts, 20);
	ASSERT_TRUE(c.allow_multiple);
	ASSERT_EQ(c.reservation_minutes, 15);
	ASSERT_EQ(c.updated_at, NOW + 1);
	ASSERT_EQ(c.counts.total, 5);

	/* Below what it holds, or onto another's name: refused. */
	c.max_nfts = 4;
	ASSERT_ERR(CS_EINVAL, cs_store_campaign_update(s, &c, NOW, TERR));
	c.max_nfts = 20;
	free(c.name);
	c.name = cs_xstrdup("Pilot Program");
	ASSERT_ERR(CS_ECONFLICT, cs_store_campaign_update(s, &c, NOW, TERR));
	cs_campaign_dispose(&c);
	ASSERT_OK(cs_store_campaign_get(s, id, &c, TERR));
	ASSERT_STR_EQ(c.name, "Lab Rat");
	cs_campaign_dispose(&c);
	cs_store_free(s);
}

CS_TEST(contract__campaign_activate_needs_inventory)
{
	struct cs_store *s = open_store();
	struct cs_campaign c;
	struct cs_import_result res;
	int64_t id = make_campaign(s, "Lab Rat", 10);

	ASSERT_ERR(CS_EINVAL,
	    cs_store_campaign_set_status(s, id, CS_CAMPAIGN_ACTIVE, NOW, TERR));
	ASSERT_STR_CONTAINS(cs_test_err.msg, "no NFTs");
	import_n(s, id, 3, 2, &res);
	ASSERT_OK(
	    cs_store_campaign_set_status(s, id, CS_CAMPAIGN_ACTIVE, NOW, TERR));
	ASSERT_OK(cs_store_campaign_get(s, id, &c, TERR));
	ASSERT_EQ(c.status, CS_CAMPAIGN_ACTIVE);
	cs_campaign_dispose(&c);
	ASSERT_OK(cs_store_campaign_set_status(
	    s, id, CS_CAMPAIGN_INACTIVE, NOW, TERR));
	ASSERT_OK(cs_store_campaign_get(s, id, &c, TERR));
	ASSERT_EQ(c.status, CS_CAMPAIGN_INACTIVE);
	cs_campaign_dispose(&c);
	ASSERT_ERR(CS_ENOTFOUND, cs_store_campaign_set_status(
	                             s, 999, CS_CAMPAIGN_INACTIVE, NOW, TERR));
	cs_store_free(s);
}

CS_TEST(contract__campaign_delete_guards_sales)
{
	struct cs_store *s = open_store();
	struct cs_campaign c;
	struct cs_import_result res;
	struct cs_nft_change ch = CS_NFT_CHANGE_INIT;
	struct cs_nft n;
	char *uid;
	int64_t id = make_campaign(s, "Lab Rat", 10);
	int64_t other = make_campaign(s, "Empty", 10);

	import_n(s, id, 3, 3, &res);
	uid = cs_fixture_uid(3, 0);
	ch.nft_uid = uid;
	ch.new_status = CS_NFT_SOLD;
	ASSERT_OK(cs_store_nft_change(s, &ch, NOW, NULL, TERR));
	ASSERT_ERR(CS_ECONFLICT, cs_store_campaign_delete(s, id, false, TERR));
	ASSERT_STR_CONTAINS(cs_test_err.msg, "1 sold");
	ASSERT_OK(cs_store_campaign_get(s, id, &c, TERR));
	cs_campaign_dispose(&c);
	ASSERT_OK(cs_store_campaign_delete(s, other, false, TERR));
	ASSERT_OK(cs_store_campaign_delete(s, id, true, TERR));
	ASSERT_ERR(CS_ENOTFOUND, cs_store_campaign_get(s, id, &c, TERR));
	ASSERT_ERR(CS_ENOTFOUND, cs_store_nft_get(s, uid, &n, TERR));
	ASSERT_ERR(CS_ENOTFOUND, cs_store_campaign_delete(s, id, true, TERR));
	free(uid);
	cs_store_free(s);
}

struct nft_acc {
	size_t n;
	int64_t numbers[256];
	char first_url[256];
	int statuses[3];
};

static int
nft_cb(const struct cs_nft *n, void *payload)
{
	struct nft_acc *acc = payload;

	if (acc->n == 0)
		snprintf(acc->first_url, sizeof(acc->first_url), "%s",
		    n->payment_url);
	if (acc->n < 256)
		acc->numbers[acc->n] = n->nft_number;
	acc->statuses[n->status]++;
	acc->n++;
	return 0;
}

CS_TEST(contract__import_numbers_links_and_counters)
{
	struct cs_store *s = open_store();
	struct cs_import_result res;
	struct cs_nft_query q = CS_NFT_QUERY_INIT;
	struct nft_acc acc;
	struct cs_nft n;
	char *uid;
	size_t i;
	int64_t id = make_campaign(s, "Lab Rat", 100);

	import_n(s, id, 100, 4, &res);
	ASSERT_EQ(res.inserted, 100);
	ASSERT_EQ(res.skipped, 0);
	ASSERT_EQ(res.first_number, 1);
	ASSERT_EQ(res.last_number, 100);
	assert_counts(s, id, 100, 100, 0, 0);

	memset(&acc, 0, sizeof(acc));
	q.campaign_id = id;
	ASSERT_OK(cs_store_nft_list(s, &q, nft_cb, &acc, TERR));
	ASSERT_EQ(acc.n, 100);
	for (i = 0; i < 100; i++)
		ASSERT_EQ(acc.numbers[i], (int64_t)i + 1);
	/* The campaign is on preprod: the link is for its pay window. */
	ASSERT_STR_CONTAINS(acc.first_url,
	    "https://pay.preprod.nmkr.io/"
	    "?p=9e2d000aed534db4819b25cdab41fd47&n=");

	uid = cs_fixture_uid(4, 41);
	ASSERT_OK(cs_store_nft_get(s, uid, &n, TERR));
	ASSERT_EQ(n.nft_number, 42);
	ASSERT_EQ(n.status, CS_NFT_AVAILABLE);
	ASSERT_EQ(n.version, 1);
	ASSERT_EQ(n.last_modified_by, CS_SOURCE_ADMIN);
	ASSERT_STR_EQ(n.project_uid, PROJECT);
	ASSERT_STR_EQ(n.name, "Lab Rat #42");
	cs_nft_dispose(&n);
	free(uid);

	/* Incremental: the same 100 again are all skipped. */
	import_n(s, id, 100, 4, &res);
	ASSERT_EQ(res.inserted, 0);
	ASSERT_EQ(res.skipped, 100);
	assert_counts(s, id, 100, 100, 0, 0);
	cs_store_free(s);
}

CS_TEST(contract__import_respects_max)
{
	struct cs_store *s = open_store();
	struct cs_import_result res;
	struct cs_nft nfts[3];
	char *uids[3];
	size_t i;
	int64_t other, id = make_campaign(s, "Lab Rat", 5);

	import_n(s, id, 4, 5, &res);
	memset(nfts, 0, sizeof(nfts));
	for (i = 0; i < 3; i++) {
		uids[i] = cs_fixture_uid(6, (unsigned)i);
		nfts[i].nft_uid = uids[i];
		nfts[i].name = CS_UNCONST("More");
	}
	ASSERT_ERR(
	    CS_EINVAL, cs_store_nft_import(s, id, nfts, 3, NOW, &res, TERR));
	ASSERT_STR_CONTAINS(cs_test_err.msg, "maximum of 5");
	assert_counts(s, id, 4, 4, 0, 0);
	/* One fits; a uid given twice counts once. */
	nfts[1].nft_uid = uids[0];
	ASSERT_OK(cs_store_nft_import(s, id, nfts, 2, NOW, &res, TERR));
	ASSERT_EQ(res.inserted, 1);
	ASSERT_EQ(res.skipped, 1);
	assert_counts(s, id, 5, 5, 0, 0);
	/* A uid of another campaign is refused, not skipped. */
	other = make_campaign(s, "Other", 5);
	ASSERT_ERR(CS_ECONFLICT,
	    cs_store_nft_import(s, other, nfts, 1, NOW, &res, TERR));
	ASSERT_STR_CONTAINS(cs_test_err.msg, "already belongs");
	assert_counts(s, other, 0, 0, 0, 0);
	for (i = 0; i < 3; i++)
		free(uids[i]);
	cs_store_free(s);
}

CS_TEST(contract__import_rejects_bad_rows_whole)
{
	struct cs_store *s = open_store();
	struct cs_import_result res;
	struct cs_nft nfts[2];
	char *uid = cs_fixture_uid(7, 0);
	int64_t id = make_campaign(s, "Lab Rat", 5);

	memset(nfts, 0, sizeof(nfts));
	nfts[0].nft_uid = uid;
	nfts[0].name = CS_UNCONST("Good");
	nfts[1].nft_uid = CS_UNCONST("bad uid");
	nfts[1].name = CS_UNCONST("Bad");
	ASSERT_ERR(
	    CS_EINVAL, cs_store_nft_import(s, id, nfts, 2, NOW, &res, TERR));
	ASSERT_STR_CONTAINS(cs_test_err.msg, "NFT 2");
	assert_counts(s, id, 0, 0, 0, 0);
	/* A taken number rolls back the whole import. */
	nfts[1].nft_uid = cs_fixture_uid(7, 1);
	nfts[0].nft_number = 3;
	nfts[1].nft_number = 3;
	ASSERT_ERR(
	    CS_ECONFLICT, cs_store_nft_import(s, id, nfts, 2, NOW, &res, TERR));
	assert_counts(s, id, 0, 0, 0, 0);
	free(nfts[1].nft_uid);
	free(uid);
	cs_store_free(s);
}

CS_TEST(contract__import_state_is_recorded)
{
	struct cs_store *s = open_store();
	struct cs_import_result res;
	struct cs_nft nfts[2], n;
	struct history_acc h;
	char *u0 = cs_fixture_uid(8, 0), *u1 = cs_fixture_uid(8, 1);
	int64_t id = make_campaign(s, "Lab Rat", 5);

	memset(nfts, 0, sizeof(nfts));
	nfts[0].nft_uid = u0;
	nfts[0].name = CS_UNCONST("A");
	nfts[1].nft_uid = u1;
	nfts[1].name = CS_UNCONST("B");
	nfts[1].status = CS_NFT_SOLD;
	ASSERT_OK(cs_store_nft_import(s, id, nfts, 2, NOW, &res, TERR));
	assert_counts(s, id, 2, 1, 0, 1);
	ASSERT_OK(cs_store_nft_get(s, u1, &n, TERR));
	ASSERT_EQ(n.status, CS_NFT_SOLD);
	ASSERT_EQ(n.sold_at, NOW);
	h = history_of(s, n.id);
	ASSERT_EQ(h.n, 1);
	ASSERT_EQ(h.last.old_status, CS_NFT_AVAILABLE);
	ASSERT_EQ(h.last.new_status, CS_NFT_SOLD);
	ASSERT_EQ(h.last.source, CS_SOURCE_ADMIN);
	ASSERT_STR_EQ(h.last_detail, "state at import");
	cs_nft_dispose(&n);
	free(u0);
	free(u1);
	cs_store_free(s);
}

CS_TEST(contract__change_writes_history_and_fields)
{
	struct cs_store *s = open_store();
	struct cs_import_result res;
	struct cs_nft_change ch = CS_NFT_CHANGE_INIT;
	struct cs_nft n;
	struct history_acc h;
	char *uid = cs_fixture_uid(9, 0);
	int64_t id = make_campaign(s, "Lab Rat", 5);

	import_n(s, id, 3, 9, &res);

	/* available -> reserved: wallet and deadline set. */
	ch.nft_uid = uid;
	ch.new_status = CS_NFT_RESERVED;
	ch.source = CS_SOURCE_USER;
	ch.reserved_by = "stake_test1uwallet";
	ch.reserved_until = NOW + 600000;
	ch.sold_to = "ignored for a reservation";
	ASSERT_OK(cs_store_nft_change(s, &ch, NOW + 1, &n, TERR));
	ASSERT_EQ(n.status, CS_NFT_RESERVED);
	ASSERT_STR_EQ(n.reserved_by, "stake_test1uwallet");
	ASSERT_EQ(n.reserved_until, NOW + 600000);
	ASSERT_TRUE(n.sold_to == NULL);
	ASSERT_EQ(n.version, 2);
	ASSERT_EQ(n.last_modified_by, CS_SOURCE_USER);
	ASSERT_EQ(n.last_modified_at, NOW + 1);
	cs_nft_dispose(&n);
	assert_counts(s, id, 3, 2, 1, 0);

	/* reserved -> sold: reservation cleared, sale recorded. */
	ch = (struct cs_nft_change)CS_NFT_CHANGE_INIT;
	ch.nft_uid = uid;
	ch.new_status = CS_NFT_SOLD;
	ch.source = CS_SOURCE_WEBHOOK;
	ch.sold_to = "addr_test1buyer";
	ch.tx_hash = "00ff";
	ASSERT_OK(cs_store_nft_change(s, &ch, NOW + 2, &n, TERR));
	ASSERT_TRUE(n.reserved_by == NULL);
	ASSERT_EQ(n.reserved_until, 0);
	ASSERT_STR_EQ(n.sold_to, "addr_test1buyer");
	ASSERT_STR_EQ(n.tx_hash, "00ff");
	ASSERT_EQ(n.sold_at, NOW + 2);
	ASSERT_EQ(n.version, 3);
	cs_nft_dispose(&n);
	assert_counts(s, id, 3, 2, 0, 1);

	/* The same again changes nothing and writes no history. */
	ASSERT_OK(cs_store_nft_change(s, &ch, NOW + 3, &n, TERR));
	ASSERT_EQ(n.version, 3);
	h = history_of(s, n.id);
	ASSERT_EQ(h.n, 2);
	ASSERT_EQ(h.last.source, CS_SOURCE_WEBHOOK);
	ASSERT_EQ(h.last.old_status, CS_NFT_RESERVED);
	ASSERT_EQ(h.last.new_status, CS_NFT_SOLD);
	ASSERT_EQ(h.last.changed_at, NOW + 2);
	cs_nft_dispose(&n);

	/* sold -> sold: another source's sale time does not rewrite the
	 * recorded one (no history row for it alone); a buyer does. */
	ch.sold_at = NOW + 99;
	ASSERT_OK(cs_store_nft_change(s, &ch, NOW + 3, &n, TERR));
	ASSERT_EQ(n.sold_at, NOW + 2);
	ASSERT_EQ(n.version, 3);
	cs_nft_dispose(&n);
	ch.sold_to = "addr_test1otherbuyer";
	ASSERT_OK(cs_store_nft_change(s, &ch, NOW + 4, &n, TERR));
	ASSERT_STR_EQ(n.sold_to, "addr_test1otherbuyer");
	ASSERT_EQ(n.sold_at, NOW + 2);
	ASSERT_EQ(n.version, 4);
	ASSERT_EQ(history_of(s, n.id).n, 3);
	cs_nft_dispose(&n);
	assert_counts(s, id, 3, 2, 0, 1);

	/* sold -> available: the sale fields go. */
	ch = (struct cs_nft_change)CS_NFT_CHANGE_INIT;
	ch.nft_uid = uid;
	ch.new_status = CS_NFT_AVAILABLE;
	ASSERT_OK(cs_store_nft_change(s, &ch, NOW + 5, &n, TERR));
	ASSERT_TRUE(n.sold_to == NULL && n.tx_hash == NULL);
	ASSERT_EQ(n.sold_at, 0);
	ASSERT_EQ(n.version, 5);
	cs_nft_dispose(&n);
	assert_counts(s, id, 3, 3, 0, 0);
	ASSERT_OK(cs_store_nft_get(s, uid, &n, TERR));
	ASSERT_EQ(history_of(s, n.id).n, 4);
	cs_nft_dispose(&n);

	ch.nft_uid = "00000000-0000-0000-0000-000000000000";
	ASSERT_ERR(CS_ENOTFOUND, cs_store_nft_change(s, &ch, NOW, NULL, TERR));
	free(uid);
	cs_store_free(s);
}

CS_TEST(contract__change_compare_and_set)
{
	struct cs_store *s = open_store();
	struct cs_import_result res;
	struct cs_nft_change ch = CS_NFT_CHANGE_INIT;
	struct cs_nft n;
	char *uid = cs_fixture_uid(10, 0);
	int64_t id = make_campaign(s, "Lab Rat", 5);

	import_n(s, id, 1, 10, &res);
	ch.nft_uid = uid;
	ch.new_status = CS_NFT_SOLD;
	ch.expected_version = 2; /* it is at 1 */
	ASSERT_ERR(CS_ECONFLICT, cs_store_nft_change(s, &ch, NOW, NULL, TERR));
	ASSERT_OK(cs_store_nft_get(s, uid, &n, TERR));
	ASSERT_EQ(n.status, CS_NFT_AVAILABLE);
	ASSERT_EQ(n.version, 1);
	ASSERT_EQ(history_of(s, n.id).n, 0);
	cs_nft_dispose(&n);
	assert_counts(s, id, 1, 1, 0, 0);
	ch.expected_version = 1;
	ASSERT_OK(cs_store_nft_change(s, &ch, NOW, NULL, TERR));
	assert_counts(s, id, 1, 0, 0, 1);
	free(uid);
	cs_store_free(s);
}

CS_TEST(contract__list_by_status_and_pages)
{
	struct cs_store *s = open_store();
	struct cs_import_result res;
	struct cs_nft_query q = CS_NFT_QUERY_INIT;
	struct cs_nft_change ch = CS_NFT_CHANGE_INIT;
	struct nft_acc acc;
	char *uid;
	unsigned i;
	int64_t id = make_campaign(s, "Lab Rat", 50);
	int64_t other = make_campaign(s, "Other", 50);

	import_n(s, id, 20, 11, &res);
	import_n(s, other, 5, 12, &res);
	for (i = 0; i < 20; i += 4) {
		uid = cs_fixture_uid(11, i);
		ch.nft_uid = uid;
		ch.new_status = CS_NFT_SOLD;
		ASSERT_OK(cs_store_nft_change(s, &ch, NOW, NULL, TERR));
		free(uid);
	}
	q.campaign_id = id;
	q.status = CS_NFT_SOLD;
	memset(&acc, 0, sizeof(acc));
	ASSERT_OK(cs_store_nft_list(s, &q, nft_cb, &acc, TERR));
	ASSERT_EQ(acc.n, 5);
	ASSERT_EQ(acc.numbers[0], 1);
	ASSERT_EQ(acc.numbers[4], 17);
	q.status = CS_NFT_AVAILABLE;
	q.after_number = 10;
	q.limit = 3;
	memset(&acc, 0, sizeof(acc));
	ASSERT_OK(cs_store_nft_list(s, &q, nft_cb, &acc, TERR));
	ASSERT_EQ(acc.n, 3);
	ASSERT_EQ(acc.numbers[0], 11);
	ASSERT_EQ(acc.numbers[1], 12);
	ASSERT_EQ(acc.numbers[2], 14);
	q.status = -1;
	q.after_number = 0;
	q.limit = 0;
	q.campaign_id = other;
	memset(&acc, 0, sizeof(acc));
	ASSERT_OK(cs_store_nft_list(s, &q, nft_cb, &acc, TERR));
	ASSERT_EQ(acc.n, 5);
	ASSERT_EQ(acc.statuses[CS_NFT_AVAILABLE], 5);
	assert_counts(s, id, 20, 15, 0, 5);
	cs_store_free(s);
}

/* The numbers q's search finds in campaign id (count, and the first). */
static size_t
search(struct cs_store *s, int64_t id, const char *text, int status,
    int64_t *first)
{
	struct cs_nft_query q = CS_NFT_QUERY_INIT;
	struct nft_acc acc;

	memset(&acc, 0, sizeof(acc));
	q.campaign_id = id;
	q.search = text;
	q.status = status;
	ASSERT_OK(cs_store_nft_list(s, &q, nft_cb, &acc, TERR));
	if (first != NULL)
		*first = acc.n > 0 ? acc.numbers[0] : 0;
	return acc.n;
}

/* An operator's search (core/search.h): uid prefix, name, number, wallet,
 * tx hash; LIKE's wildcards are plain text; one campaign only. */
CS_TEST(contract__search_inventory)
{
	struct cs_store *s = open_store();
	struct cs_import_result res;
	struct cs_nft_change ch = CS_NFT_CHANGE_INIT;
	struct cs_nft_query q = CS_NFT_QUERY_INIT;
	struct cs_nft n7;
	char *uid7 = cs_fixture_uid(21, 6), *uid9 = cs_fixture_uid(21, 8);
	char prefix[16], upper[CS_UID_LEN + 1];
	const char *tx = "ab34000000000000000000000000000000000000000000000000"
	                 "000000000001";
	struct nft_acc acc;
	int64_t first, id = make_campaign(s, "Lab Rat", 50);
	int64_t other = make_campaign(s, "Other", 50);
	size_t i;

	import_n(s, id, 12, 21, &res);
	import_n(s, other, 12, 22, &res);
	ch.nft_uid = uid7;
	ch.new_status = CS_NFT_SOLD;
	ch.sold_to = W(3);
	ch.tx_hash = tx;
	ASSERT_OK(cs_store_nft_change(s, &ch, NOW, NULL, TERR));
	ch = (struct cs_nft_change)CS_NFT_CHANGE_INIT;
	ch.nft_uid = uid9;
	ch.new_status = CS_NFT_RESERVED;
	ch.reserved_by = W(4);
	ch.reserved_until = NOW + 600000;
	ASSERT_OK(cs_store_nft_change(s, &ch, NOW, NULL, TERR));
	ASSERT_OK(cs_store_nft_get(s, uid7, &n7, TERR));
	ASSERT_EQ(n7.nft_number, 7);
	cs_nft_dispose(&n7);

	/* A uid, whole or its beginning, in any case. */
	ASSERT_EQ(search(s, id, uid7, -1, &first), 1);
	ASSERT_EQ(first, 7);
	memcpy(prefix, uid7, 13);
	prefix[13] = '\0';
	ASSERT_GE(search(s, id, prefix, -1, &first), 1);
	for (i = 0; uid7[i] != '\0'; i++)
		upper[i] = (char)toupper((unsigned char)uid7[i]);
	upper[i] = '\0';
	ASSERT_EQ(search(s, id, upper, -1, &first), 1);
	ASSERT_EQ(first, 7);
	/* A name, part of it, any case: "#1" is in #1, #10, #11, #12. */
	ASSERT_EQ(search(s, id, "lab rat #1", -1, &first), 4);
	ASSERT_EQ(first, 1);
	/* A number, with or without '#' (bare, it may also begin a uid). */
	ASSERT_EQ(search(s, id, "#9", -1, &first), 1);
	ASSERT_EQ(first, 9);
	ASSERT_GE(search(s, id, "9", -1, NULL), 1);
	ASSERT_EQ(search(s, id, " #12 ", -1, &first), 1);
	ASSERT_EQ(first, 12);
	/* A wallet, a transaction hash: whole. */
	ASSERT_EQ(search(s, id, W(3), -1, &first), 1);
	ASSERT_EQ(first, 7);
	ASSERT_EQ(search(s, id, W(4), -1, &first), 1);
	ASSERT_EQ(first, 9);
	ASSERT_EQ(search(s, id, tx, -1, &first), 1);
	ASSERT_EQ(first, 7);
	ASSERT_EQ(search(s, id, "ab34", -1, NULL), 0);
	/* With a status. */
	ASSERT_EQ(search(s, id, "Lab Rat", CS_NFT_SOLD, &first), 1);
	ASSERT_EQ(first, 7);
	ASSERT_EQ(search(s, id, "Lab Rat", -1, NULL), 12);
	/* LIKE's wildcards match themselves only. */
	ASSERT_EQ(search(s, id, "%", -1, NULL), 0);
	ASSERT_EQ(search(s, id, "_", -1, NULL), 0);
	ASSERT_EQ(search(s, id, "Lab%Rat", -1, NULL), 0);
	/* Never another campaign's. */
	ASSERT_EQ(search(s, other, uid7, -1, NULL), 0);
	/* Paging as a listing: after and limit. */
	memset(&acc, 0, sizeof(acc));
	q.campaign_id = id;
	q.search = "lab";
	q.after_number = 4;
	q.limit = 3;
	ASSERT_OK(cs_store_nft_list(s, &q, nft_cb, &acc, TERR));
	ASSERT_EQ(acc.n, 3);
	ASSERT_EQ(acc.numbers[0], 5);
	ASSERT_EQ(acc.numbers[2], 7);
	/* Empty or too long: refused. */
	q.search = "  ";
	ASSERT_ERR(CS_EINVAL, cs_store_nft_list(s, &q, nft_cb, &acc, TERR));
	free(uid7);
	free(uid9);
	cs_store_free(s);
}

/* Numbers of a listing, checked in order as they come. */
struct order_acc {
	size_t n;
	int64_t first, last;
	bool ordered;
	size_t stop_at; /* 0: never stop */
};

static int
order_cb(const struct cs_nft *n, void *payload)
{
	struct order_acc *acc = payload;

	if (acc->n == 0)
		acc->first = n->nft_number;
	else if (n->nft_number <= acc->last)
		acc->ordered = false;
	acc->last = n->nft_number;
	acc->n++;
	return acc->n == acc->stop_at ? 42 : 0;
}

static struct order_acc
list_numbers(struct cs_store *s, int64_t campaign, int status, int64_t after,
    int64_t limit, size_t stop_at, int expect)
{
	struct cs_nft_query q = CS_NFT_QUERY_INIT;
	struct order_acc acc;

	memset(&acc, 0, sizeof(acc));
	acc.ordered = true;
	acc.stop_at = stop_at;
	q.campaign_id = campaign;
	q.status = status;
	q.after_number = after;
	q.limit = limit;
	ASSERT_EQ(cs_store_nft_list(s, &q, order_cb, &acc, TERR), expect);
	ASSERT_TRUE(acc.ordered);
	return acc;
}

/* Listings longer than a backend's page (PostgreSQL reads 1,000 rows a
 * query): every row once, in number order, limits and stops exact. */
CS_TEST(contract__list_spans_pages)
{
	struct cs_store *s = open_store();
	struct cs_import_result res;
	struct cs_nft_change ch = CS_NFT_CHANGE_INIT;
	struct order_acc acc;
	char *uid;
	unsigned i;
	int64_t id = make_campaign(s, "Lab Rat", 3000);

	import_n(s, id, 2345, 30, &res);
	for (i = 0; i < 2345; i += 7) {
		uid = cs_fixture_uid(30, i);
		ch.nft_uid = uid;
		ch.new_status = CS_NFT_SOLD;
		ASSERT_OK(cs_store_nft_change(s, &ch, NOW, NULL, TERR));
		free(uid);
	}
	acc = list_numbers(s, id, -1, 0, 0, 0, 0);
	ASSERT_EQ(acc.n, 2345);
	ASSERT_EQ(acc.first, 1);
	ASSERT_EQ(acc.last, 2345);
	acc = list_numbers(s, id, -1, 999, 1001, 0, 0);
	ASSERT_EQ(acc.n, 1001);
	ASSERT_EQ(acc.first, 1000);
	ASSERT_EQ(acc.last, 2000);
	acc = list_numbers(s, id, -1, 0, 2000, 0, 0);
	ASSERT_EQ(acc.n, 2000);
	ASSERT_EQ(acc.last, 2000);
	acc = list_numbers(s, id, -1, 2000, 0, 0, 0);
	ASSERT_EQ(acc.n, 345);
	ASSERT_EQ(acc.first, 2001);
	acc = list_numbers(s, id, CS_NFT_SOLD, 0, 0, 0, 0);
	ASSERT_EQ(acc.n, 335);
	ASSERT_EQ(acc.first, 1);
	ASSERT_EQ(acc.last, 2339);
	acc = list_numbers(s, id, CS_NFT_AVAILABLE, 0, 0, 0, 0);
	ASSERT_EQ(acc.n, 2345 - 335);
	/* A callback's non-zero return stops the walk and is returned. */
	acc = list_numbers(s, id, -1, 0, 0, 1500, 42);
	ASSERT_EQ(acc.n, 1500);
	ASSERT_EQ(acc.last, 1500);
	assert_counts(s, id, 2345, 2345 - 335, 0, 335);
	cs_store_free(s);
}

/* What the sync reads of the inventory: the nine fields of struct
 * cs_local_nft, each as the whole listing has it, in number order, across
 * PostgreSQL's pages, and a non-zero return stops the walk. */
struct local_acc {
	struct cs_nft *want; /* the whole listing, in number order */
	size_t nwant, n, stop_at;
	struct cs_arena arena;
};

static int
keep_cb(const struct cs_nft *n, void *payload)
{
	struct local_acc *acc = payload;

	ASSERT_TRUE(acc->nwant < 1200);
	acc->want[acc->nwant] = *n;
	acc->want[acc->nwant].nft_uid =
	    cs_arena_strdup(&acc->arena, n->nft_uid);
	acc->want[acc->nwant].name = cs_arena_strdup(&acc->arena, n->name);
	acc->want[acc->nwant].asset_id =
	    n->asset_id != NULL ? CS_UNCONST("") : NULL;
	acc->nwant++;
	return 0;
}

static int
local_cb(const struct cs_local_nft *l, void *payload)
{
	struct local_acc *acc = payload;
	const struct cs_nft *w;

	ASSERT_TRUE(acc->n < acc->nwant);
	w = &acc->want[acc->n++];
	ASSERT_EQ(l->id, w->id);
	ASSERT_STR_EQ(l->uid, w->nft_uid);
	ASSERT_STR_EQ(l->name, w->name);
	ASSERT_EQ(l->status, w->status);
	ASSERT_EQ(l->version, w->version);
	ASSERT_EQ(l->reserved_until, w->reserved_until);
	ASSERT_EQ(l->last_modified_at, w->last_modified_at);
	ASSERT_EQ(l->last_modified_by, w->last_modified_by);
	ASSERT_EQ(l->has_asset_id, w->asset_id != NULL);
	return acc->n == acc->stop_at ? 42 : 0;
}

CS_TEST(contract__local_list_is_the_listing_slimmed)
{
	struct cs_store *s = open_store();
	struct cs_import_result res;
	struct cs_nft_query q = CS_NFT_QUERY_INIT;
	struct local_acc acc;
	struct cs_nft n;
	char asset[57 + 16];
	unsigned i;
	int64_t id = make_campaign(s, "Lab Rat", 1200), other;

	memset(&acc, 0, sizeof(acc));
	cs_arena_init(&acc.arena);
	acc.want = cs_xcalloc(1200, sizeof(*acc.want));
	import_n(s, id, 1100, 31, &res);
	other = make_campaign(s, "Other", 10);
	import_n(s, other, 5, 32, &res);
	for (i = 0; i < 1100; i += 9) {
		struct cs_nft_change ch = CS_NFT_CHANGE_INIT;
		char *uid = cs_fixture_uid(31, i);

		ch.nft_uid = uid;
		ch.new_status = i % 2 ? CS_NFT_RESERVED : CS_NFT_SOLD;
		ch.source = i % 4 ? CS_SOURCE_WEBHOOK : CS_SOURCE_AUTO_SYNC;
		ch.reserved_by = W(1);
		ch.reserved_until = NOW + 600000 + i;
		ASSERT_OK(cs_store_nft_change(s, &ch, NOW + i, &n, TERR));
		if (i % 3 == 0) {
			snprintf(asset, sizeof(asset), "%056x%08x", 0, i);
			ASSERT_OK(
			    cs_store_nft_set_asset_id(s, n.id, asset, TERR));
		}
		cs_nft_dispose(&n);
		free(uid);
	}
	q.campaign_id = id;
	ASSERT_OK(cs_store_nft_list(s, &q, keep_cb, &acc, TERR));
	ASSERT_EQ(acc.nwant, 1100);
	ASSERT_OK(cs_store_nft_local_list(s, id, local_cb, &acc, TERR));
	ASSERT_EQ(acc.n, 1100);
	acc.n = 0;
	acc.stop_at = 1050;
	ASSERT_EQ(cs_store_nft_local_list(s, id, local_cb, &acc, TERR), 42);
	ASSERT_EQ(acc.n, 1050);
	free(acc.want);
	cs_arena_dispose(&acc.arena);
	cs_store_free(s);
}

struct log_acc {
	size_t n;
	int64_t ids[16];
	int status[16];
	char data[256];
};

static int
log_cb(const struct cs_sync_log *l, void *payload)
{
	struct log_acc *acc = payload;

	if (acc->n < 16) {
		acc->ids[acc->n] = l->id;
		acc->status[acc->n] = (int)l->status;
	}
	if (acc->n == 0)
		snprintf(acc->data, sizeof(acc->data), "%s",
		    l->synced_data != NULL ? l->synced_data : "");
	acc->n++;
	return 0;
}

CS_TEST(contract__sync_apply_one_transaction)
{
	struct cs_store *s = open_store();
	struct cs_import_result res;
	struct cs_sync_apply ap;
	struct cs_nft_change ch[4];
	struct cs_review_new rv[1];
	enum cs_apply_result results[4];
	struct cs_nft n0, n1;
	struct cs_history_query hq = CS_HISTORY_QUERY_INIT;
	struct history_acc h;
	struct cs_sync_log log;
	char *u0 = cs_fixture_uid(13, 0), *u1 = cs_fixture_uid(13, 1);
	char *u2 = cs_fixture_uid(13, 2);
	size_t i;
	int64_t id = make_campaign(s, "Lab Rat", 10);

	import_n(s, id, 5, 13, &res);
	ASSERT_OK(cs_store_nft_get(s, u0, &n0, TERR));
	ASSERT_OK(cs_store_nft_get(s, u1, &n1, TERR));
	for (i = 0; i < 4; i++)
		ch[i] = (struct cs_nft_change)CS_NFT_CHANGE_INIT;
	ch[0].nft_id = n0.id; /* sold in NMKR */
	ch[0].expected_version = n0.version;
	ch[0].new_status = CS_NFT_SOLD;
	ch[0].source = CS_SOURCE_MANUAL_SYNC;
	ch[1].nft_id = n1.id; /* stale version: conflict */
	ch[1].expected_version = n1.version + 5;
	ch[1].new_status = CS_NFT_SOLD;
	ch[1].source = CS_SOURCE_MANUAL_SYNC;
	ch[2].nft_uid = "00000000-0000-0000-0000-000000000001"; /* gone */
	ch[2].new_status = CS_NFT_SOLD;
	ch[2].source = CS_SOURCE_MANUAL_SYNC;
	ch[3].nft_uid = u2; /* reserved in NMKR */
	ch[3].new_status = CS_NFT_RESERVED;
	ch[3].source = CS_SOURCE_MANUAL_SYNC;
	ch[3].reserved_until = NOW + 60000;
	rv[0].nft_id = n1.id;
	rv[0].kind = "sold_downgrade";
	rv[0].local_status = CS_NFT_SOLD;
	rv[0].remote_state = "free";
	rv[0].detail = "NMKR says free";

	memset(&ap, 0, sizeof(ap));
	ap.log.sync_type = CS_SYNC_MANUAL;
	ap.log.nmkr_project_uid = CS_UNCONST(PROJECT);
	ap.log.campaign_id = id;
	ap.log.status = CS_SYNC_PARTIAL;
	ap.log.records_synced = 2;
	ap.log.started_at = NOW;
	ap.log.completed_at = NOW + 5;
	ap.changes = ch;
	ap.nchanges = 4;
	ap.results = results;
	ap.reviews = rv;
	ap.nreviews = 1;
	ap.campaign_id = id;
	ASSERT_OK(cs_store_sync_apply(s, &ap, NOW + 5, TERR));
	ASSERT_GT(ap.log.id, 0);
	ASSERT_EQ(results[0], CS_APPLY_OK);
	ASSERT_EQ(results[1], CS_APPLY_CONFLICT);
	ASSERT_EQ(results[2], CS_APPLY_NOTFOUND);
	ASSERT_EQ(results[3], CS_APPLY_OK);
	ASSERT_EQ(ap.reviews_added, 1);
	ASSERT_EQ(ap.counts.total, 5);
	ASSERT_EQ(ap.counts.sold, 1);
	ASSERT_EQ(ap.counts.reserved, 1);
	assert_counts(s, id, 5, 3, 1, 1);

	/* History rows point at the log row. */
	hq.sync_log_id = ap.log.id;
	memset(&h, 0, sizeof(h));
	ASSERT_OK(cs_store_history_list(s, &hq, history_cb, &h, TERR));
	ASSERT_EQ(h.n, 2);
	ASSERT_EQ(h.last.source, CS_SOURCE_MANUAL_SYNC);
	ASSERT_OK(cs_store_sync_log_get(s, ap.log.id, &log, TERR));
	ASSERT_EQ(log.status, CS_SYNC_PARTIAL);
	ASSERT_EQ(log.records_synced, 2);
	ASSERT_EQ(log.campaign_id, id);
	cs_sync_log_dispose(&log);
	cs_nft_dispose(&n0);
	ASSERT_OK(cs_store_nft_get(s, u0, &n0, TERR));
	ASSERT_EQ(n0.last_synced_at, NOW + 5);
	ASSERT_EQ(n0.last_modified_by, CS_SOURCE_MANUAL_SYNC);

	/* The same review again stays one open item. */
	ap.nchanges = 0;
	ASSERT_OK(cs_store_sync_apply(s, &ap, NOW + 6, TERR));
	ASSERT_EQ(ap.reviews_added, 0);

	cs_nft_dispose(&n0);
	cs_nft_dispose(&n1);
	free(u0);
	free(u1);
	free(u2);
	cs_store_free(s);
}

/* The ids of a campaign's NFTs by number (ids[number - 1]). */
struct ids_acc {
	int64_t *ids;
	size_t n;
};

static int
ids_cb(const struct cs_nft *n, void *payload)
{
	struct ids_acc *acc = payload;

	acc->ids[n->nft_number - 1] = n->id;
	acc->n++;
	return 0;
}

/* The NFT ids of history rows, in id order. */
struct hist_ids {
	int64_t ids[4096];
	size_t n;
};

static int
hist_ids_cb(const struct cs_history *h, void *payload)
{
	struct hist_ids *acc = payload;

	if (acc->n < 4096)
		acc->ids[acc->n] = h->nft_id;
	acc->n++;
	return 0;
}

/* A sync's changes and the results they must give. */
struct plan_acc {
	struct cs_nft_change ch[2600];
	enum cs_apply_result want[2600];
	size_t n;
};

static struct cs_nft_change *
plan_push(struct plan_acc *p, int64_t nft_id, enum cs_apply_result want)
{
	struct cs_nft_change *ch = &p->ch[p->n];

	*ch = (struct cs_nft_change)CS_NFT_CHANGE_INIT;
	ch->nft_id = nft_id;
	ch->expected_version = 1;
	ch->new_status = CS_NFT_SOLD;
	ch->source = CS_SOURCE_MANUAL_SYNC;
	ch->detail = "sold in NMKR";
	p->want[p->n++] = want;
	return ch;
}

static void
sync_apply_n(struct cs_store *s, int64_t campaign,
    const struct cs_nft_change *ch, size_t n, enum cs_apply_result *results,
    struct cs_sync_apply *ap)
{
	memset(ap, 0, sizeof(*ap));
	ap->log.sync_type = CS_SYNC_MANUAL;
	ap->log.nmkr_project_uid = CS_UNCONST(PROJECT);
	ap->log.campaign_id = campaign;
	ap->log.status = CS_SYNC_SUCCESS;
	ap->log.started_at = NOW;
	ap->log.completed_at = NOW + 5;
	ap->changes = ch;
	ap->nchanges = n;
	ap->results = results;
	ap->campaign_id = campaign;
	ASSERT_OK(cs_store_sync_apply(s, ap, NOW + 5, TERR));
}

#define ODD_WALLET "addr_\"q\"\\{x},NULL \xc3\xbc"
#define ODD_DETAIL "quote \" backslash \\ brace } comma, NULL \xc3\xbc"

/*
 * A sync of 2,500 changes, more than a backend's batch (PostgreSQL reads
 * and writes 1,000 NFTs a statement): every result as one change at a time
 * gives it, the same NFT twice, changes by uid among those by id, values
 * that need quoting, and history rows in the changes' order.
 */
CS_TEST(contract__sync_apply_batches)
{
	static struct plan_acc p;
	static enum cs_apply_result results[2600];
	struct cs_store *s = open_store();
	struct cs_import_result res;
	struct cs_nft_query q = CS_NFT_QUERY_INIT;
	struct cs_history_query hq = CS_HISTORY_QUERY_INIT;
	struct cs_sync_apply ap;
	struct ids_acc ids;
	struct hist_ids hist;
	struct history_acc h;
	struct cs_nft n;
	struct cs_nft_change *ch;
	char *uid1500 = cs_fixture_uid(31, 1500);
	int64_t id = make_campaign(s, "Lab Rat", 3000);
	int64_t other = make_campaign(s, "Other", 10);
	int64_t other_id, twice;
	size_t k, i, ok = 0, sold = 0, j;

	import_n(s, id, 2600, 31, &res);
	import_n(s, other, 1, 32, &res);
	ids.ids = cs_xcalloc(2601, sizeof(*ids.ids));
	ids.n = 0;
	q.campaign_id = other;
	ASSERT_OK(cs_store_nft_list(s, &q, ids_cb, &ids, TERR));
	other_id = ids.ids[0];
	q.campaign_id = id;
	ids.n = 0;
	ASSERT_OK(cs_store_nft_list(s, &q, ids_cb, &ids, TERR));
	ASSERT_EQ(ids.n, 2600);
	twice = ids.ids[30];

	p.n = 0;
	for (k = 0; k < 2500; k++) {
		if (k == 30) {
			ch = plan_push(&p, twice, CS_APPLY_OK);
			ch->new_status = CS_NFT_RESERVED;
			ch->reserved_by = "addr_test1w";
			ch->reserved_until = NOW + 1000;
			continue;
		}
		ch = plan_push(&p, ids.ids[k], CS_APPLY_OK);
		ch->campaign_id = id;
		ch->sold_at = NOW - (int64_t)k;
		if (k % 103 == 9) {
			ch->only_if_status = CS_NFT_RESERVED;
			p.want[p.n - 1] = CS_APPLY_NOOP;
		} else if (k % 97 == 5) {
			ch->expected_version = 7;
			p.want[p.n - 1] = CS_APPLY_CONFLICT;
		} else if (k % 101 == 7) {
			ch->new_status = CS_NFT_AVAILABLE;
			p.want[p.n - 1] = CS_APPLY_NOOP;
		} else if (k == 1200) {
			ch->new_status = CS_NFT_RESERVED;
			ch->reserved_by = ODD_WALLET;
			ch->reserved_until = NOW + 2000;
			ch->detail = ODD_DETAIL;
		} else if (k == 1500) {
			ch->nft_id = 0;
			ch->nft_uid = uid1500;
		}
		if (k == 10) /* gone */
			plan_push(
			    &p, ids.ids[2599] + 100000, CS_APPLY_NOTFOUND);
		if (k == 20) { /* of another campaign */
			ch = plan_push(&p, other_id, CS_APPLY_NOTFOUND);
			ch->campaign_id = id;
		}
		if (k == 40) { /* the same NFT again: reserved, now sold */
			ch = plan_push(&p, twice, CS_APPLY_OK);
			ch->expected_version = 2;
			ch->sold_to = "addr_test1buyer";
		}
	}
	sync_apply_n(s, id, p.ch, p.n, results, &ap);
	for (i = 0; i < p.n; i++) {
		if (results[i] != p.want[i])
			fprintf(stderr, "change %zu (NFT %lld): %d, want %d\n",
			    i, (long long)p.ch[i].nft_id, (int)results[i],
			    (int)p.want[i]);
		ASSERT_EQ(results[i], p.want[i]);
	}

	/* One history row per change applied, in the changes' order. */
	memset(&hist, 0, sizeof(hist));
	hq.sync_log_id = ap.log.id;
	ASSERT_OK(cs_store_history_list(s, &hq, hist_ids_cb, &hist, TERR));
	for (i = 0, j = 0; i < p.n; i++) {
		if (p.want[i] != CS_APPLY_OK)
			continue;
		ok++;
		ASSERT_EQ(hist.ids[j],
		    p.ch[i].nft_id != 0 ? p.ch[i].nft_id : ids.ids[1500]);
		j++;
	}
	ASSERT_EQ(hist.n, ok);

	/* The NFT changed twice went through both. */
	ASSERT_OK(cs_store_nft_get_by_id(s, twice, &n, TERR));
	ASSERT_EQ(n.status, CS_NFT_SOLD);
	ASSERT_EQ(n.version, 3);
	ASSERT_STR_EQ(n.claimed_by, "addr_test1w");
	ASSERT_STR_EQ(n.sold_to, "addr_test1buyer");
	cs_nft_dispose(&n);
	h = history_of(s, twice);
	ASSERT_EQ(h.n, 2);
	ASSERT_EQ(h.last.old_status, CS_NFT_RESERVED);

	/* Values that need quoting come back as they went. */
	ASSERT_OK(cs_store_nft_get_by_id(s, ids.ids[1200], &n, TERR));
	ASSERT_EQ(n.status, CS_NFT_RESERVED);
	ASSERT_STR_EQ(n.reserved_by, ODD_WALLET);
	ASSERT_STR_EQ(n.claimed_by, ODD_WALLET);
	ASSERT_EQ(n.reserved_until, NOW + 2000);
	ASSERT_EQ(n.sold_at, 0);
	ASSERT_EQ(n.tx_hash, NULL);
	cs_nft_dispose(&n);
	h = history_of(s, ids.ids[1200]);
	ASSERT_EQ(h.n, 1);
	ASSERT_STR_EQ(h.last_detail, ODD_DETAIL);

	/* A sale, a conflict, a no-op. */
	ASSERT_OK(cs_store_nft_get_by_id(s, ids.ids[2499], &n, TERR));
	ASSERT_EQ(n.status, CS_NFT_SOLD);
	ASSERT_EQ(n.version, 2);
	ASSERT_EQ(n.sold_at, NOW - 2499);
	ASSERT_EQ(n.last_synced_at, NOW + 5);
	ASSERT_EQ(n.last_modified_by, CS_SOURCE_MANUAL_SYNC);
	ASSERT_EQ(n.sold_to, NULL);
	cs_nft_dispose(&n);
	ASSERT_OK(cs_store_nft_get_by_id(s, ids.ids[5], &n, TERR));
	ASSERT_EQ(n.status, CS_NFT_AVAILABLE);
	ASSERT_EQ(n.version, 1);
	cs_nft_dispose(&n);
	ASSERT_EQ(history_of(s, ids.ids[5]).n, 0);
	ASSERT_EQ(history_of(s, ids.ids[7]).n, 0);
	ASSERT_EQ(history_of(s, ids.ids[9]).n, 0);

	/* Counters: every change that sold an NFT, the two reserved. */
	for (i = 0; i < p.n; i++) {
		if (p.want[i] == CS_APPLY_OK &&
		    p.ch[i].new_status == CS_NFT_SOLD)
			sold++;
	}
	ASSERT_EQ(ap.counts.sold, (int64_t)sold);
	ASSERT_EQ(ap.counts.reserved, 1);
	assert_counts(s, id, 2600, 2600 - (int64_t)sold - 1, 1, (int64_t)sold);
	assert_counts(s, other, 1, 1, 0, 0);
	free(ids.ids);
	free(uid1500);
	cs_store_free(s);
}

/* A row the database refuses in the middle of a batch: it alone is left
 * out and recorded; the rest are written (a trigger plays the refusal, so
 * not on sqlite::memory:, which no second connection reaches). */
CS_TEST(contract__sync_apply_refused_row_in_a_batch)
{
	static struct plan_acc p;
	static enum cs_apply_result results[64];
	char *url = cs_fixture_store_url();
	struct cs_store *s = NULL;
	struct cs_nft_query q = CS_NFT_QUERY_INIT;
	struct cs_import_result res;
	struct cs_sync_apply ap;
	struct ids_acc ids;
	struct cs_nft n;
	size_t k;
	int64_t id;

	if (strcmp(url, "sqlite::memory:") == 0) {
		free(url);
		CS_CANNOT_RUN("a trigger needs a second connection");
	}
	ASSERT_OK(cs_store_open(&s, url, TERR));
	id = make_campaign(s, "Lab Rat", 50);
	import_n(s, id, 30, 33, &res);
	if (cs_fixture_db_is_pg())
		cs_fixture_db_exec(url,
		    "CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql "
		    "AS $$ BEGIN RAISE EXCEPTION 'refused by a test trigger'; "
		    "END $$; CREATE TRIGGER refuse BEFORE UPDATE OF status ON "
		    "nfts FOR EACH ROW WHEN (NEW.nft_number = 17) EXECUTE "
		    "FUNCTION refuse()");
	else
		cs_fixture_db_exec(url,
		    "CREATE TRIGGER refuse BEFORE UPDATE OF status "
		    "ON nfts WHEN NEW.nft_number = 17 BEGIN SELECT "
		    "RAISE(ABORT, "
		    "'refused by a test trigger'); END");
	ids.ids = cs_xcalloc(31, sizeof(*ids.ids));
	ids.n = 0;
	q.campaign_id = id;
	ASSERT_OK(cs_store_nft_list(s, &q, ids_cb, &ids, TERR));
	p.n = 0;
	for (k = 0; k < 30; k++)
		plan_push(
		    &p, ids.ids[k], k == 16 ? CS_APPLY_FAILED : CS_APPLY_OK);
	sync_apply_n(s, id, p.ch, p.n, results, &ap);
	for (k = 0; k < 30; k++)
		ASSERT_EQ(results[k], p.want[k]);
	ASSERT_OK(cs_store_nft_get_by_id(s, ids.ids[16], &n, TERR));
	ASSERT_EQ(n.status, CS_NFT_AVAILABLE);
	ASSERT_EQ(n.version, 1);
	cs_nft_dispose(&n);
	ASSERT_EQ(history_of(s, ids.ids[16]).n, 0);
	ASSERT_EQ(history_of(s, ids.ids[17]).n, 1);
	assert_counts(s, id, 30, 1, 0, 29);
	free(ids.ids);
	free(url);
	cs_store_free(s);
}

/*
 * The sale time's text as NMKR wrote it (issue 12) travels with sold_at:
 * stored with a sale, kept while the recorded time stays, cleared when the
 * NFT is no longer sold; the same through the sync's batched writes (the
 * PostgreSQL backend writes them as arrays).
 */
CS_TEST(contract__sale_time_text_kept_with_sold_at)
{
	static struct plan_acc p;
	static enum cs_apply_result results[8];
	struct cs_store *s = open_store();
	struct cs_import_result res;
	struct cs_nft_change ch = CS_NFT_CHANGE_INIT;
	struct cs_nft_query q = CS_NFT_QUERY_INIT;
	struct cs_sync_apply ap;
	struct ids_acc ids;
	struct cs_nft n;
	struct cs_nft_change *c;
	char *uid = cs_fixture_uid(41, 0);
	int64_t id = make_campaign(s, "Lab Rat", 10);

	import_n(s, id, 4, 41, &res);
	ch.nft_uid = uid;
	ch.new_status = CS_NFT_SOLD;
	ch.source = CS_SOURCE_WEBHOOK;
	ch.sold_at = NOW - 7200000;
	ch.sold_at_raw = "2026-11-25T10:00:00.1234567";
	ASSERT_OK(cs_store_nft_change(s, &ch, NOW, &n, TERR));
	ASSERT_EQ(n.sold_at, NOW - 7200000);
	ASSERT_STR_EQ(n.sold_at_raw, "2026-11-25T10:00:00.1234567");
	cs_nft_dispose(&n);
	ASSERT_OK(cs_store_nft_get(s, uid, &n, TERR));
	ASSERT_STR_EQ(n.sold_at_raw, "2026-11-25T10:00:00.1234567");
	cs_nft_dispose(&n);
	/* Another source's time for the same sale: both stay as recorded. */
	ch.sold_at = NOW + 5;
	ch.sold_at_raw = "2026-11-25T12:00:00+02:00";
	ch.sold_to = "addr_test1buyer";
	ASSERT_OK(cs_store_nft_change(s, &ch, NOW + 1, &n, TERR));
	ASSERT_EQ(n.sold_at, NOW - 7200000);
	ASSERT_STR_EQ(n.sold_at_raw, "2026-11-25T10:00:00.1234567");
	cs_nft_dispose(&n);
	/* No longer sold: gone with the time. */
	ch = (struct cs_nft_change)CS_NFT_CHANGE_INIT;
	ch.nft_uid = uid;
	ch.new_status = CS_NFT_AVAILABLE;
	ASSERT_OK(cs_store_nft_change(s, &ch, NOW + 2, &n, TERR));
	ASSERT_TRUE(n.sold_at_raw == NULL);
	cs_nft_dispose(&n);
	/* A sale without NMKR's time (0: now) has no text either. */
	ch.new_status = CS_NFT_SOLD;
	ch.sold_at_raw = "ignored without sold_at";
	ASSERT_OK(cs_store_nft_change(s, &ch, NOW + 3, &n, TERR));
	ASSERT_EQ(n.sold_at, NOW + 3);
	ASSERT_TRUE(n.sold_at_raw == NULL);
	cs_nft_dispose(&n);

	ids.ids = cs_xcalloc(5, sizeof(*ids.ids));
	ids.n = 0;
	q.campaign_id = id;
	ASSERT_OK(cs_store_nft_list(s, &q, ids_cb, &ids, TERR));
	ASSERT_EQ(ids.n, 4);
	p.n = 0;
	c = plan_push(&p, ids.ids[1], CS_APPLY_OK);
	c->sold_at = NOW - 1000;
	c->sold_at_raw = "2026-11-25T11:59:59";
	c = plan_push(&p, ids.ids[2], CS_APPLY_OK);
	c->sold_at = NOW - 2000;
	c->sold_at_raw = ODD_WALLET; /* quoting, as any text */
	c = plan_push(&p, ids.ids[3], CS_APPLY_OK);
	sync_apply_n(s, id, p.ch, p.n, results, &ap);
	ASSERT_OK(cs_store_nft_get_by_id(s, ids.ids[1], &n, TERR));
	ASSERT_EQ(n.sold_at, NOW - 1000);
	ASSERT_STR_EQ(n.sold_at_raw, "2026-11-25T11:59:59");
	cs_nft_dispose(&n);
	ASSERT_OK(cs_store_nft_get_by_id(s, ids.ids[2], &n, TERR));
	ASSERT_STR_EQ(n.sold_at_raw, ODD_WALLET);
	cs_nft_dispose(&n);
	ASSERT_OK(cs_store_nft_get_by_id(s, ids.ids[3], &n, TERR));
	ASSERT_EQ(n.status, CS_NFT_SOLD);
	ASSERT_TRUE(n.sold_at_raw == NULL);
	cs_nft_dispose(&n);
	free(ids.ids);
	free(uid);
	cs_store_free(s);
}

CS_TEST(contract__sync_log_filters_and_prune)
{
	struct cs_store *s = open_store();
	struct cs_sync_log_query q = CS_SYNC_LOG_QUERY_INIT;
	struct cs_sync_log l;
	struct log_acc acc;
	struct cs_import_result res;
	struct cs_nft_change ch = CS_NFT_CHANGE_INIT;
	struct cs_history_query hq = CS_HISTORY_QUERY_INIT;
	struct history_acc h;
	char *uid = cs_fixture_uid(14, 0);
	int64_t deleted = 0;
	int i;
	int64_t id = make_campaign(s, "Lab Rat", 10);

	import_n(s, id, 1, 14, &res);
	for (i = 0; i < 6; i++) {
		memset(&l, 0, sizeof(l));
		l.sync_type = i % 2 ? CS_SYNC_WEBHOOK : CS_SYNC_MANUAL;
		l.nmkr_project_uid = CS_UNCONST(i < 4 ? PROJECT : "other");
		l.campaign_id = i < 4 ? id : 0;
		l.status = i == 3 ? CS_SYNC_FAILED : CS_SYNC_SUCCESS;
		l.started_at = NOW + i * 1000;
		l.completed_at = NOW + i * 1000 + 10;
		l.synced_data = CS_UNCONST(i == 5 ? "{\"n\":5}" : NULL);
		ASSERT_OK(cs_store_sync_log_insert(s, &l, TERR));
		if (i == 0) {
			ch.nft_uid = uid;
			ch.new_status = CS_NFT_SOLD;
			ch.sync_log_id = l.id;
			ASSERT_OK(cs_store_nft_change(s, &ch, NOW, NULL, TERR));
		}
	}
	memset(&acc, 0, sizeof(acc));
	ASSERT_OK(cs_store_sync_log_list(s, &q, log_cb, &acc, TERR));
	ASSERT_EQ(acc.n, 6);
	ASSERT_GT(acc.ids[0], acc.ids[1]); /* newest first */
	ASSERT_STR_EQ(acc.data, "");       /* without with_data */
	q.with_data = true;
	q.limit = 1;
	memset(&acc, 0, sizeof(acc));
	ASSERT_OK(cs_store_sync_log_list(s, &q, log_cb, &acc, TERR));
	ASSERT_EQ(acc.n, 1);
	ASSERT_STR_EQ(acc.data, "{\"n\":5}");
	q = (struct cs_sync_log_query)CS_SYNC_LOG_QUERY_INIT;
	q.project_uid = PROJECT;
	q.status = CS_SYNC_FAILED;
	memset(&acc, 0, sizeof(acc));
	ASSERT_OK(cs_store_sync_log_list(s, &q, log_cb, &acc, TERR));
	ASSERT_EQ(acc.n, 1);
	q.status = -1;
	q.type = CS_SYNC_WEBHOOK;
	memset(&acc, 0, sizeof(acc));
	ASSERT_OK(cs_store_sync_log_list(s, &q, log_cb, &acc, TERR));
	ASSERT_EQ(acc.n, 2);

	/* Pruning old logs keeps the history of status changes. */
	ASSERT_OK(cs_store_sync_log_prune(s, NOW + 2500, &deleted, TERR));
	ASSERT_EQ(deleted, 3);
	q = (struct cs_sync_log_query)CS_SYNC_LOG_QUERY_INIT;
	memset(&acc, 0, sizeof(acc));
	ASSERT_OK(cs_store_sync_log_list(s, &q, log_cb, &acc, TERR));
	ASSERT_EQ(acc.n, 3);
	hq.campaign_id = id;
	memset(&h, 0, sizeof(h));
	ASSERT_OK(cs_store_history_list(s, &hq, history_cb, &h, TERR));
	ASSERT_EQ(h.n, 1);
	ASSERT_EQ(h.last.sync_log_id, 0);
	free(uid);
	cs_store_free(s);
}

struct recent_acc {
	size_t n;
	int64_t campaign[32];
	int64_t started[32];
	bool webhook;
};

static int
recent_cb(const struct cs_sync_log *l, void *payload)
{
	struct recent_acc *acc = payload;

	if (l->sync_type == CS_SYNC_WEBHOOK)
		acc->webhook = true;
	if (acc->n < 32) {
		acc->campaign[acc->n] = l->campaign_id;
		acc->started[acc->n] = l->started_at;
	}
	acc->n++;
	return 0;
}

/* The last syncs of every campaign at once (the campaign list's health):
 * at most per_campaign of each, by campaign, newest first, no webhook
 * rows and no rows of no campaign. */
CS_TEST(contract__sync_log_recent_per_campaign)
{
	struct cs_store *s = open_store();
	struct recent_acc acc;
	struct cs_sync_log l;
	int64_t a = make_campaign(s, "Lab Rat", 10);
	int64_t b = make_campaign(s, "Pilot", 10);
	int64_t c = make_campaign(s, "Never synced", 10);
	size_t i;

	for (i = 0; i < 16; i++) {
		memset(&l, 0, sizeof(l));
		/* a: 12 syncs and 3 webhook rows; b: 1 sync; one of none */
		l.sync_type =
		    i >= 12 && i < 15 ? CS_SYNC_WEBHOOK : CS_SYNC_MANUAL;
		l.nmkr_project_uid = CS_UNCONST(PROJECT);
		l.campaign_id = i < 15 ? a : b;
		l.status = CS_SYNC_SUCCESS;
		l.started_at = NOW + (int64_t)i * 1000;
		l.completed_at = l.started_at + 10;
		ASSERT_OK(cs_store_sync_log_insert(s, &l, TERR));
	}
	memset(&l, 0, sizeof(l));
	l.sync_type = CS_SYNC_MANUAL;
	l.nmkr_project_uid = CS_UNCONST("other");
	l.status = CS_SYNC_FAILED;
	l.started_at = NOW + 99000;
	l.completed_at = NOW + 99010;
	ASSERT_OK(cs_store_sync_log_insert(s, &l, TERR));
	memset(&l, 0, sizeof(l));
	l.sync_type = CS_SYNC_API_PULL;
	l.nmkr_project_uid = CS_UNCONST(PROJECT);
	l.campaign_id = b;
	l.status = CS_SYNC_PARTIAL;
	l.started_at = NOW - 5000; /* older than b's first */
	l.completed_at = NOW - 4990;
	ASSERT_OK(cs_store_sync_log_insert(s, &l, TERR));

	memset(&acc, 0, sizeof(acc));
	ASSERT_OK(cs_store_sync_log_recent(s, 10, recent_cb, &acc, TERR));
	ASSERT_EQ(acc.n, 12);
	ASSERT_TRUE(!acc.webhook);
	for (i = 0; i < 10; i++) {
		ASSERT_EQ(acc.campaign[i], a);
		ASSERT_EQ(acc.started[i], NOW + (int64_t)(11 - i) * 1000);
	}
	ASSERT_EQ(acc.campaign[10], b);
	ASSERT_EQ(acc.started[10], NOW + 15000);
	ASSERT_EQ(acc.campaign[11], b);
	ASSERT_EQ(acc.started[11], NOW - 5000);
	memset(&acc, 0, sizeof(acc));
	ASSERT_OK(cs_store_sync_log_recent(s, 1, recent_cb, &acc, TERR));
	ASSERT_EQ(acc.n, 2);
	ASSERT_EQ(acc.started[0], NOW + 11000);
	ASSERT_EQ(acc.started[1], NOW + 15000);
	(void)c;
	cs_store_free(s);
}

/* Old reports go, their rows stay (issue 19): a batch at a time. */
CS_TEST(contract__sync_report_prune_keeps_the_rows)
{
	struct cs_store *s = open_store();
	struct cs_sync_log_query q = CS_SYNC_LOG_QUERY_INIT;
	struct cs_sync_log l;
	struct log_acc acc;
	int64_t pruned = -1, ids[4];
	int i;
	int64_t id = make_campaign(s, "Lab Rat", 10);

	for (i = 0; i < 4; i++) {
		memset(&l, 0, sizeof(l));
		l.sync_type = CS_SYNC_MANUAL;
		l.nmkr_project_uid = CS_UNCONST(PROJECT);
		l.campaign_id = id;
		l.status = CS_SYNC_SUCCESS;
		l.records_synced = i;
		l.started_at = NOW + i * 1000;
		l.completed_at = NOW + i * 1000 + 10;
		l.synced_data = CS_UNCONST("{\"n\":1}");
		ASSERT_OK(cs_store_sync_log_insert(s, &l, TERR));
		ids[i] = l.id;
	}
	ASSERT_OK(cs_store_sync_report_prune(s, NOW + 2500, &pruned, TERR));
	ASSERT_EQ(pruned, 3);
	for (i = 0; i < 4; i++) {
		ASSERT_OK(cs_store_sync_log_get(s, ids[i], &l, TERR));
		ASSERT_EQ(l.records_synced, i);
		ASSERT_EQ(l.synced_data == NULL, i < 3);
		cs_sync_log_dispose(&l);
	}
	q.campaign_id = id;
	memset(&acc, 0, sizeof(acc));
	ASSERT_OK(cs_store_sync_log_list(s, &q, log_cb, &acc, TERR));
	ASSERT_EQ(acc.n, 4);
	/* Again: nothing left to drop. */
	ASSERT_OK(cs_store_sync_report_prune(s, NOW + 2500, &pruned, TERR));
	ASSERT_EQ(pruned, 0);
	cs_store_free(s);
}

struct alert_acc {
	size_t n;
	char seen[8][160]; /* "campaign cause delivered error: text" */
};

static int
alert_cb(const struct cs_alert *a, void *payload)
{
	struct alert_acc *acc = payload;

	if (acc->n < 8)
		snprintf(acc->seen[acc->n], sizeof(acc->seen[0]),
		    "%lld %s %d %s: %s", (long long)a->campaign_id, a->cause,
		    a->delivered, a->error != NULL ? a->error : "-", a->text);
	acc->n++;
	return 0;
}

CS_TEST(contract__alerts_recorded_listed_pruned)
{
	struct cs_store *s = open_store();
	struct cs_alert a;
	struct alert_acc acc;
	int64_t deleted = -1;
	int64_t lab = make_campaign(s, "Lab Rat", 10);
	int64_t pilot = make_campaign(s, "Pilot", 10);

	memset(&a, 0, sizeof(a));
	a.campaign_id = lab;
	a.cause = "sync_failed";
	a.text = "the sync of Lab Rat failed";
	a.sent_at = NOW;
	a.delivered = true;
	ASSERT_OK(cs_store_alert_insert(s, &a, TERR));
	ASSERT_GT(a.id, 0);
	a.cause = "new_reviews";
	a.text = "2 new review items in Lab Rat";
	a.sent_at = NOW + 1000;
	a.delivered = false;
	a.error = "alert: HTTP 500 after 3 attempts";
	ASSERT_OK(cs_store_alert_insert(s, &a, TERR));
	a.campaign_id = pilot;
	a.cause = "webhooks_silent";
	a.text = "1 sale of Pilot seen by syncs";
	a.sent_at = NOW + 2000;
	a.delivered = true;
	a.error = NULL;
	ASSERT_OK(cs_store_alert_insert(s, &a, TERR));
	/* An unknown cause, no text, a campaign that is not there. */
	a.cause = "weather";
	ASSERT_ERR(CS_EINVAL, cs_store_alert_insert(s, &a, NULL));
	a.cause = "sync_failed";
	a.text = "";
	ASSERT_ERR(CS_EINVAL, cs_store_alert_insert(s, &a, NULL));
	a.text = "x";
	a.campaign_id = pilot + 1000;
	ASSERT_ERR(CS_ENOTFOUND, cs_store_alert_insert(s, &a, NULL));

	/* A campaign's, newest first; every campaign's; a limit. */
	memset(&acc, 0, sizeof(acc));
	ASSERT_OK(cs_store_alert_list(s, lab, 0, alert_cb, &acc, TERR));
	ASSERT_EQ(acc.n, 2);
	ASSERT_STR_CONTAINS(acc.seen[0], "new_reviews 0 alert: HTTP 500");
	ASSERT_STR_CONTAINS(acc.seen[0], ": 2 new review items in Lab Rat");
	ASSERT_STR_CONTAINS(acc.seen[1], "sync_failed 1 -: the sync of");
	memset(&acc, 0, sizeof(acc));
	ASSERT_OK(cs_store_alert_list(s, 0, 0, alert_cb, &acc, TERR));
	ASSERT_EQ(acc.n, 3);
	ASSERT_STR_CONTAINS(acc.seen[0], "webhooks_silent");
	memset(&acc, 0, sizeof(acc));
	ASSERT_OK(cs_store_alert_list(s, 0, 1, alert_cb, &acc, TERR));
	ASSERT_EQ(acc.n, 1);

	/* By age: the two oldest go. */
	ASSERT_OK(cs_store_alert_prune(s, NOW + 1500, &deleted, TERR));
	ASSERT_EQ(deleted, 2);
	memset(&acc, 0, sizeof(acc));
	ASSERT_OK(cs_store_alert_list(s, 0, 0, alert_cb, &acc, TERR));
	ASSERT_EQ(acc.n, 1);
	ASSERT_OK(cs_store_alert_prune(s, NOW + 1500, &deleted, TERR));
	ASSERT_EQ(deleted, 0);
	/* A campaign deleted takes its alerts along. */
	ASSERT_OK(cs_store_campaign_delete(s, pilot, false, TERR));
	memset(&acc, 0, sizeof(acc));
	ASSERT_OK(cs_store_alert_list(s, 0, 0, alert_cb, &acc, TERR));
	ASSERT_EQ(acc.n, 0);
	cs_store_free(s);
}

struct review_acc {
	size_t n;
	int64_t id;
	char uid[40];
};

static int
review_cb(const struct cs_review_item *r, void *payload)
{
	struct review_acc *acc = payload;

	acc->n++;
	acc->id = r->id;
	snprintf(acc->uid, sizeof(acc->uid), "%s", r->nft_uid);
	return 0;
}

CS_TEST(contract__review_resolve)
{
	struct cs_store *s = open_store();
	struct cs_import_result res;
	struct cs_sync_apply ap;
	struct cs_review_new rv;
	struct cs_nft_change ch = CS_NFT_CHANGE_INIT;
	struct review_acc acc;
	struct cs_review_item item;
	struct cs_nft n;
	struct history_acc h;
	char *uid = cs_fixture_uid(15, 0);
	int64_t id = make_campaign(s, "Lab Rat", 10);

	import_n(s, id, 2, 15, &res);
	ch.nft_uid = uid;
	ch.new_status = CS_NFT_SOLD;
	ASSERT_OK(cs_store_nft_change(s, &ch, NOW, &n, TERR));
	memset(&ap, 0, sizeof(ap));
	memset(&rv, 0, sizeof(rv));
	rv.nft_id = n.id;
	rv.kind = "sold_downgrade";
	rv.local_status = CS_NFT_SOLD;
	rv.remote_state = "free";
	ap.log.sync_type = CS_SYNC_MANUAL;
	ap.log.nmkr_project_uid = CS_UNCONST(PROJECT);
	ap.log.campaign_id = id;
	ap.reviews = &rv;
	ap.nreviews = 1;
	ap.campaign_id = id;
	ASSERT_OK(cs_store_sync_apply(s, &ap, NOW, TERR));
	memset(&acc, 0, sizeof(acc));
	ASSERT_OK(cs_store_review_list(s, id, true, review_cb, &acc, TERR));
	ASSERT_EQ(acc.n, 1);
	ASSERT_STR_EQ(acc.uid, uid);
	ASSERT_OK(cs_store_review_get(s, acc.id, &item, TERR));
	ASSERT_STR_EQ(item.kind, "sold_downgrade");
	ASSERT_EQ(item.local_status, CS_NFT_SOLD);
	ASSERT_EQ(item.resolved_at, 0);
	cs_review_item_dispose(&item);

	ASSERT_ERR(CS_EINVAL, cs_store_review_resolve(s, acc.id, "maybe",
	                          CS_NFT_AVAILABLE, NOW, TERR));
	ASSERT_OK(cs_store_review_resolve(
	    s, acc.id, "apply_remote", CS_NFT_AVAILABLE, NOW + 1, TERR));
	ASSERT_ERR(
	    CS_ECONFLICT, cs_store_review_resolve(s, acc.id, "keep_local",
	                      CS_NFT_AVAILABLE, NOW + 2, TERR));
	cs_nft_dispose(&n);
	ASSERT_OK(cs_store_nft_get(s, uid, &n, TERR));
	ASSERT_EQ(n.status, CS_NFT_AVAILABLE);
	h = history_of(s, n.id);
	ASSERT_EQ(h.n, 2);
	ASSERT_EQ(h.last.source, CS_SOURCE_ADMIN);
	ASSERT_STR_CONTAINS(h.last_detail, "review");
	assert_counts(s, id, 2, 2, 0, 0);
	memset(&acc, 0, sizeof(acc));
	ASSERT_OK(cs_store_review_list(s, id, true, review_cb, &acc, TERR));
	ASSERT_EQ(acc.n, 0);
	ASSERT_OK(cs_store_review_list(s, 0, false, review_cb, &acc, TERR));
	ASSERT_EQ(acc.n, 1);
	cs_nft_dispose(&n);
	free(uid);
	cs_store_free(s);
}

struct review_pager {
	int64_t last;     /* the id of the last item seen */
	size_t n;         /* items of the page */
	size_t seen;      /* items of every page */
	const char *kind; /* each item is of it, if not NULL */
	int64_t campaign_id;
};

static int
review_page_cb(const struct cs_review_item *r, void *payload)
{
	struct review_pager *pg = payload;

	/* Once each, in id order, of the campaign and kind asked. */
	ASSERT_GT(r->id, pg->last);
	ASSERT_EQ(r->campaign_id, pg->campaign_id);
	if (pg->kind != NULL)
		ASSERT_STR_EQ(r->kind, pg->kind);
	ASSERT_EQ(r->resolved_at, 0);
	pg->last = r->id;
	pg->n++;
	pg->seen++;
	return 0;
}

struct id_acc {
	int64_t *ids;
	size_t n;
};

static int
nft_id_cb(const struct cs_nft *n, void *payload)
{
	struct id_acc *acc = payload;

	acc->ids[acc->n++] = n->id;
	return 0;
}

/* Walk q in pages of limit; return how many items were seen. */
static size_t
walk_review_pages(
    struct cs_store *s, struct cs_review_query *q, int64_t limit, size_t *pages)
{
	struct review_pager pg;

	memset(&pg, 0, sizeof(pg));
	pg.kind = q->kind;
	pg.campaign_id = q->campaign_id;
	q->limit = limit;
	*pages = 0;
	for (;;) {
		q->after_id = pg.last;
		pg.n = 0;
		ASSERT_OK(
		    cs_store_review_page(s, q, review_page_cb, &pg, TERR));
		ASSERT_LE(pg.n, (size_t)limit);
		if (pg.n == 0)
			break;
		(*pages)++;
		if (pg.n < (size_t)limit)
			break;
	}
	return pg.seen;
}

CS_TEST(contract__review_pages)
{
	struct cs_store *s = open_store();
	struct cs_nft_query nq = CS_NFT_QUERY_INIT;
	struct cs_review_query q = CS_REVIEW_QUERY_INIT;
	struct cs_import_result res;
	struct cs_sync_apply ap;
	struct cs_review_new *rv;
	struct review_acc one;
	struct id_acc ids;
	size_t i, n = 0, pages;
	int64_t total;
	int64_t id = make_campaign(s, "Lab Rat", 3000);
	int64_t other = make_campaign(s, "Other Rat", 10);

	/* 2,345 items of one kind, one NFT in three with a second kind
	 * (782), and items of another campaign that no page shows. */
	import_n(s, id, 2345, 17, &res);
	import_n(s, other, 5, 18, &res);
	ids.ids = cs_xcalloc(2350, sizeof(*ids.ids));
	ids.n = 0;
	nq.campaign_id = id;
	ASSERT_OK(cs_store_nft_list(s, &nq, nft_id_cb, &ids, TERR));
	nq.campaign_id = other;
	ASSERT_OK(cs_store_nft_list(s, &nq, nft_id_cb, &ids, TERR));
	ASSERT_EQ(ids.n, 2350);
	rv = cs_xcalloc(2350 + 782, sizeof(*rv));
	for (i = 0; i < 2345; i++) {
		rv[n].nft_id = ids.ids[i];
		rv[n].kind = "sold_downgrade";
		rv[n].local_status = CS_NFT_AVAILABLE;
		rv[n].remote_state = "sold";
		n++;
		if (i % 3 == 0) {
			rv[n] = rv[n - 1];
			rv[n].kind = "price_mismatch";
			n++;
		}
	}
	ASSERT_EQ(n, 2345 + 782);
	memset(&ap, 0, sizeof(ap));
	ap.log.sync_type = CS_SYNC_MANUAL;
	ap.log.nmkr_project_uid = CS_UNCONST(PROJECT);
	ap.log.campaign_id = id;
	ap.reviews = rv;
	ap.nreviews = n;
	ap.campaign_id = id;
	ASSERT_OK(cs_store_sync_apply(s, &ap, NOW, TERR));
	ASSERT_EQ(ap.reviews_added, n);
	for (i = 0; i < 5; i++) {
		rv[i].nft_id = ids.ids[2345 + i];
		rv[i].kind = "sold_downgrade";
	}
	memset(&ap, 0, sizeof(ap));
	ap.log.sync_type = CS_SYNC_MANUAL;
	ap.log.nmkr_project_uid = CS_UNCONST(PROJECT);
	ap.log.campaign_id = other;
	ap.reviews = rv;
	ap.nreviews = 5;
	ap.campaign_id = other;
	ASSERT_OK(cs_store_sync_apply(s, &ap, NOW, TERR));
	ASSERT_EQ(ap.reviews_added, 5);

	/* Every item once, in id order, with the right totals. */
	q.campaign_id = id;
	ASSERT_OK(cs_store_review_count(s, &q, &total, TERR));
	ASSERT_EQ(total, 2345 + 782);
	ASSERT_EQ(walk_review_pages(s, &q, 100, &pages), 2345 + 782);
	ASSERT_EQ(pages, 32);
	ASSERT_EQ(walk_review_pages(s, &q, 1000, &pages), 2345 + 782);
	ASSERT_EQ(pages, 4);
	/* A count ignores where a page starts and how long it is. */
	ASSERT_OK(cs_store_review_count(s, &q, &total, TERR));
	ASSERT_EQ(total, 2345 + 782);

	/* The kind filter, in the pages and in the total. */
	q.kind = "sold_downgrade";
	ASSERT_OK(cs_store_review_count(s, &q, &total, TERR));
	ASSERT_EQ(total, 2345);
	ASSERT_EQ(walk_review_pages(s, &q, 100, &pages), 2345);
	ASSERT_EQ(pages, 24);
	q.kind = "price_mismatch";
	ASSERT_OK(cs_store_review_count(s, &q, &total, TERR));
	ASSERT_EQ(total, 782);
	ASSERT_EQ(walk_review_pages(s, &q, 500, &pages), 782);
	ASSERT_EQ(pages, 2);
	q.kind = "no_such_kind";
	ASSERT_OK(cs_store_review_count(s, &q, &total, TERR));
	ASSERT_EQ(total, 0);
	ASSERT_EQ(walk_review_pages(s, &q, 100, &pages), 0);
	ASSERT_EQ(pages, 0);

	/* A resolved item leaves the open pages and stays in the others. */
	q.kind = NULL;
	q.after_id = 0;
	q.limit = 1;
	memset(&one, 0, sizeof(one));
	ASSERT_OK(cs_store_review_page(s, &q, review_cb, &one, TERR));
	ASSERT_EQ(one.n, 1);
	ASSERT_OK(cs_store_review_resolve(
	    s, one.id, "keep_local", CS_NFT_AVAILABLE, NOW + 1, TERR));
	ASSERT_OK(cs_store_review_count(s, &q, &total, TERR));
	ASSERT_EQ(total, 2345 + 782 - 1);
	ASSERT_EQ(walk_review_pages(s, &q, 100, &pages), 2345 + 782 - 1);
	q.open_only = false;
	ASSERT_OK(cs_store_review_count(s, &q, &total, TERR));
	ASSERT_EQ(total, 2345 + 782);
	q.campaign_id = 0;
	ASSERT_OK(cs_store_review_count(s, &q, &total, TERR));
	ASSERT_EQ(total, 2345 + 782 + 5);

	free(rv);
	free(ids.ids);
	cs_store_free(s);
}

CS_TEST(contract__sync_run_claim)
{
	struct cs_store *s = open_store();
	struct cs_sync_run running;
	int64_t run = 0, run2 = 0;
	int64_t id = make_campaign(s, "Lab Rat", 10);

	ASSERT_OK(cs_store_sync_run_claim(
	    s, id, "a", NOW, 60000, 0, &run, &running, TERR));
	ASSERT_GT(run, 0);
	ASSERT_OK(cs_store_sync_run_progress(
	    s, run, "fetch", 3, 10, NOW + 1000, TERR));
	ASSERT_ERR(CS_ECONFLICT, cs_store_sync_run_claim(s, id, "b", NOW + 2000,
	                             60000, 0, &run2, &running, TERR));
	ASSERT_STR_EQ(running.phase, "fetch");
	ASSERT_EQ(running.done, 3);
	ASSERT_EQ(running.total, 10);
	ASSERT_STR_EQ(running.owner, "a");
	cs_sync_run_dispose(&running);

	/* A run silent past the stale limit is taken over. */
	ASSERT_OK(cs_store_sync_run_claim(
	    s, id, "b", NOW + 100000, 60000, 0, &run2, NULL, TERR));
	ASSERT_NE(run2, run);
	ASSERT_OK(cs_store_sync_run_active(s, id, &running, TERR));
	ASSERT_STR_EQ(running.owner, "b");
	cs_sync_run_dispose(&running);
	ASSERT_OK(cs_store_sync_run_finish(
	    s, run2, "success", 0, NOW + 100001, TERR));
	ASSERT_ERR(
	    CS_ENOTFOUND, cs_store_sync_run_active(s, id, &running, TERR));
	ASSERT_OK(cs_store_sync_run_claim(
	    s, id, "c", NOW + 100002, 60000, 0, &run, NULL, TERR));
	ASSERT_ERR(CS_ENOTFOUND, cs_store_sync_run_claim(s, 999, "c", NOW,
	                             60000, 0, &run2, NULL, TERR));
	ASSERT_EQ(run2, 0);
	/* A tick already served (a run started since) is refused. */
	ASSERT_OK(
	    cs_store_sync_run_finish(s, run, "success", 0, NOW + 100003, TERR));
	ASSERT_ERR(CS_EINVAL, cs_store_sync_run_claim(s, id, "d", NOW + 100004,
	                          60000, NOW + 100000, &run2, NULL, TERR));
	ASSERT_OK(cs_store_sync_run_claim(
	    s, id, "d", NOW + 100005, 60000, NOW + 100005, &run2, NULL, TERR));
	cs_store_free(s);
}

/* The heartbeat and the conditional close: what lets a run be taken
 * over from a dead owner, and lets a live one notice it was. */
CS_TEST(contract__sync_run_heartbeat_and_close)
{
	struct cs_store *s = open_store();
	struct cs_sync_run running;
	int64_t run = 0, run2 = 0;
	int64_t id = make_campaign(s, "Lab Rat", 10);

	ASSERT_OK(cs_store_sync_run_claim(
	    s, id, "cli@host-a:4242", NOW, 30000, 0, &run, NULL, TERR));
	/* Beats keep the run fresh: past the stale limit from its start,
	 * not from its last beat. */
	ASSERT_OK(cs_store_sync_run_heartbeat(s, run, NOW + 25000, TERR));
	ASSERT_ERR(CS_ECONFLICT, cs_store_sync_run_claim(s, id, "b",
	                             NOW + 50000, 30000, 0, &run2, NULL, TERR));
	ASSERT_OK(cs_store_sync_run_active(s, id, &running, TERR));
	ASSERT_EQ(running.heartbeat_at, NOW + 25000);
	ASSERT_STR_EQ(running.phase, "starting"); /* a beat is no progress */
	cs_sync_run_dispose(&running);
	/* Closed by someone else: the owner's next beat learns it. */
	ASSERT_OK(
	    cs_store_sync_run_close(s, run, "abandoned", 0, NOW + 50001, TERR));
	ASSERT_ERR(CS_ENOTFOUND,
	    cs_store_sync_run_heartbeat(s, run, NOW + 50002, TERR));
	ASSERT_ERR(CS_ENOTFOUND, cs_store_sync_run_close(s, run, "interrupted",
	                             0, NOW + 50003, TERR));
	ASSERT_OK(cs_store_sync_run_latest(s, id, &running, TERR));
	ASSERT_STR_EQ(running.outcome, "abandoned");
	ASSERT_EQ(running.finished_at, NOW + 50001);
	cs_sync_run_dispose(&running);
	ASSERT_OK(cs_store_sync_run_claim(
	    s, id, "b", NOW + 50004, 30000, 0, &run2, NULL, TERR));
	ASSERT_ERR(CS_ENOTFOUND,
	    cs_store_sync_run_heartbeat(s, 999999, NOW + 50005, TERR));
	cs_store_free(s);
}

CS_TEST(contract__repair_links_follow_network)
{
	struct cs_store *s = open_store();
	struct cs_import_result res;
	struct cs_campaign c;
	struct cs_nft n;
	char *uid = cs_fixture_uid(16, 0);
	size_t changed = 99;
	int64_t id = make_campaign(s, "Lab Rat", 10);

	import_n(s, id, 4, 16, &res);
	ASSERT_OK(cs_store_nft_repair_links(s, id, &changed, TERR));
	ASSERT_EQ(changed, 0);
	ASSERT_OK(cs_store_campaign_get(s, id, &c, TERR));
	c.network = CS_NETWORK_MAINNET;
	ASSERT_OK(cs_store_campaign_update(s, &c, NOW, TERR));
	cs_campaign_dispose(&c);
	ASSERT_OK(cs_store_nft_repair_links(s, id, &changed, TERR));
	ASSERT_EQ(changed, 4);
	ASSERT_OK(cs_store_nft_get(s, uid, &n, TERR));
	ASSERT_STR_CONTAINS(n.payment_url, "https://pay.nmkr.io/?p=");
	cs_nft_dispose(&n);
	free(uid);
	cs_store_free(s);
}

CS_TEST(contract__allowlist_and_secret)
{
	struct cs_store *s = open_store();
	const char *list[] = {STAKE(1), W(2), STAKE(1)};
	struct cs_campaign c;
	bool has = false;
	int64_t id = make_campaign(s, "Lab Rat", 10);

	ASSERT_OK(cs_store_allowlist_set(s, id, list, 3, TERR));
	ASSERT_OK(cs_store_allowlist_has(s, id, W(2), &has, TERR));
	ASSERT_TRUE(has);
	ASSERT_OK(cs_store_allowlist_has(s, id, STAKE(1), &has, TERR));
	ASSERT_TRUE(has);
	ASSERT_OK(cs_store_allowlist_has(s, id, STAKE(3), &has, TERR));
	ASSERT_FALSE(has);
	ASSERT_OK(cs_store_campaign_get(s, id, &c, TERR));
	ASSERT_TRUE(c.has_allowlist);
	cs_campaign_dispose(&c);
	ASSERT_OK(cs_store_allowlist_set(s, id, NULL, 0, TERR));
	ASSERT_OK(cs_store_campaign_get(s, id, &c, TERR));
	ASSERT_FALSE(c.has_allowlist);
	cs_campaign_dispose(&c);

	ASSERT_ERR(CS_EINVAL,
	    cs_store_campaign_set_webhook_secret(s, id, "short", NOW, TERR));
	ASSERT_OK(cs_store_campaign_set_webhook_secret(
	    s, id, "0123456789abcdef0123456789abcdef", NOW, TERR));
	ASSERT_OK(cs_store_campaign_set_webhook_secret(
	    s, id, "fedcba9876543210fedcba9876543210", NOW + 1, TERR));
	ASSERT_OK(cs_store_campaign_get(s, id, &c, TERR));
	ASSERT_STR_EQ(c.webhook_secret, "fedcba9876543210fedcba9876543210");
	ASSERT_STR_EQ(
	    c.webhook_secret_prev, "0123456789abcdef0123456789abcdef");
	ASSERT_EQ(c.webhook_rotated_at, NOW + 1);
	cs_campaign_dispose(&c);
	cs_store_free(s);
}

/*
 * Our webhook URL and its secret (issue 12): a changed secret moves the
 * current one to previous and stamps the rotation; the same secret again
 * (an adopted webhook) changes neither; clearing keeps the last secret as
 * the previous one for webhooks in flight.
 */
CS_TEST(contract__webhook_url_and_secret)
{
	struct cs_store *s = open_store();
	int64_t id = make_campaign(s, "Hooked", 10);
	struct cs_campaign c;
	char *url = NULL;

	ASSERT_OK(cs_store_campaign_webhook_url(s, id, &url, TERR));
	ASSERT_TRUE(url == NULL);
	ASSERT_ERR(CS_ENOTFOUND,
	    cs_store_campaign_webhook_url(s, id + 1000, &url, NULL));
	ASSERT_ERR(CS_ENOTFOUND,
	    cs_store_campaign_set_webhook(s, id + 1000, "https://a.example/h",
	        "0123456789abcdef0123456789abcdef", NOW, NULL));
	ASSERT_ERR(CS_EINVAL, cs_store_campaign_set_webhook(s, id,
	                          "https://a.example/h", "short", NOW, NULL));

	ASSERT_OK(cs_store_campaign_set_webhook(s, id, "https://a.example/h",
	    "0123456789abcdef0123456789abcdef", NOW, TERR));
	ASSERT_OK(cs_store_campaign_webhook_url(s, id, &url, TERR));
	ASSERT_STR_EQ(url, "https://a.example/h");
	free(url);
	ASSERT_OK(cs_store_campaign_get(s, id, &c, TERR));
	ASSERT_STR_EQ(c.webhook_secret, "0123456789abcdef0123456789abcdef");
	ASSERT_TRUE(c.webhook_secret_prev == NULL);
	ASSERT_EQ(c.webhook_rotated_at, NOW);
	cs_campaign_dispose(&c);

	/* The same secret (adopted again): no rotation. */
	ASSERT_OK(cs_store_campaign_set_webhook(s, id, "https://a.example/h",
	    "0123456789abcdef0123456789abcdef", NOW + 5, TERR));
	ASSERT_OK(cs_store_campaign_get(s, id, &c, TERR));
	ASSERT_TRUE(c.webhook_secret_prev == NULL);
	ASSERT_EQ(c.webhook_rotated_at, NOW);
	cs_campaign_dispose(&c);

	/* A new one: the old becomes previous, stamped. */
	ASSERT_OK(cs_store_campaign_set_webhook(s, id, "https://b.example/h",
	    "fedcba9876543210fedcba9876543210", NOW + 7, TERR));
	ASSERT_OK(cs_store_campaign_get(s, id, &c, TERR));
	ASSERT_STR_EQ(c.webhook_secret, "fedcba9876543210fedcba9876543210");
	ASSERT_STR_EQ(
	    c.webhook_secret_prev, "0123456789abcdef0123456789abcdef");
	ASSERT_EQ(c.webhook_rotated_at, NOW + 7);
	cs_campaign_dispose(&c);
	ASSERT_OK(cs_store_campaign_webhook_url(s, id, &url, TERR));
	ASSERT_STR_EQ(url, "https://b.example/h");
	free(url);

	/* Unregistered: nothing current, the last one previous. */
	ASSERT_OK(
	    cs_store_campaign_set_webhook(s, id, NULL, NULL, NOW + 9, TERR));
	ASSERT_OK(cs_store_campaign_get(s, id, &c, TERR));
	ASSERT_TRUE(c.webhook_secret == NULL);
	ASSERT_STR_EQ(
	    c.webhook_secret_prev, "fedcba9876543210fedcba9876543210");
	ASSERT_EQ(c.webhook_rotated_at, NOW + 9);
	cs_campaign_dispose(&c);
	ASSERT_OK(cs_store_campaign_webhook_url(s, id, &url, TERR));
	ASSERT_TRUE(url == NULL);
	cs_store_free(s);
}

CS_TEST(contract__recount_repairs)
{
	struct cs_store *s = open_store();
	struct cs_import_result res;
	struct cs_counts k;
	int64_t id = make_campaign(s, "Lab Rat", 10);

	import_n(s, id, 7, 17, &res);
	ASSERT_OK(cs_store_campaign_recount(s, id, NOW, &k, TERR));
	ASSERT_EQ(k.total, 7);
	ASSERT_EQ(k.available, 7);
	assert_counts(s, id, 7, 7, 0, 0);
	ASSERT_ERR(
	    CS_ENOTFOUND, cs_store_campaign_recount(s, 999, NOW, &k, TERR));
	cs_store_free(s);
}

static struct cs_webhook_apply
webhook_item(const char *key, const char *body, bool verified,
    const struct cs_nft_change *changes, size_t n,
    enum cs_apply_result *results)
{
	struct cs_webhook_apply it;

	memset(&it, 0, sizeof(it));
	it.event.project_uid = CS_UNCONST(PROJECT);
	it.event.event_type = CS_UNCONST("transactionconfirmed");
	it.event.dedupe_key = CS_UNCONST(key);
	it.event.raw_body = CS_UNCONST(body);
	it.event.raw_len = strlen(body);
	it.event.verified = verified;
	it.event.outcome = CS_UNCONST(verified ? NULL : "rejected");
	it.event.received_at = NOW;
	it.log.nmkr_project_uid = CS_UNCONST(PROJECT);
	it.changes = changes;
	it.nchanges = n;
	it.results = results;
	return it;
}

struct event_acc {
	size_t n;
	char outcomes[8][16];
	size_t body_len;
};

static int
event_cb(const struct cs_webhook_event *e, void *payload)
{
	struct event_acc *acc = payload;

	if (acc->n < 8)
		snprintf(acc->outcomes[acc->n], 16, "%s", e->outcome);
	acc->body_len += e->raw_len;
	acc->n++;
	return 0;
}

CS_TEST(contract__webhook_apply_replay_and_isolation)
{
	struct cs_store *s = open_store();
	struct cs_import_result res;
	struct cs_nft_change ch[3];
	enum cs_apply_result r1[2], r2[1], r3[1], r4[1];
	struct cs_webhook_apply items[4];
	struct event_acc acc;
	struct cs_nft n;
	struct history_acc h;
	char *u0 = cs_fixture_uid(18, 0), *u1 = cs_fixture_uid(18, 1);
	size_t i;
	int64_t id = make_campaign(s, "Lab Rat", 10);

	import_n(s, id, 3, 18, &res);
	for (i = 0; i < 3; i++) {
		ch[i] = (struct cs_nft_change)CS_NFT_CHANGE_INIT;
		ch[i].campaign_id = id;
		ch[i].new_status = CS_NFT_SOLD;
		ch[i].source = CS_SOURCE_WEBHOOK;
		ch[i].sold_to = "addr_test1buyer";
		ch[i].tx_hash = "abcd";
	}
	ch[0].nft_uid = u0;
	ch[1].nft_uid = "00000000-0000-0000-0000-00000000dead"; /* unknown */
	ch[2].nft_uid = u1;
	items[0] = webhook_item("k1", "{\"a\":1}", true, ch, 2, r1);
	items[1] =
	    webhook_item("k1", "{\"a\":1}", true, ch, 1, r2); /* replay */
	items[2] = webhook_item(NULL, "{\"forged\":1}", false, ch + 2, 1, r3);
	items[3] = webhook_item("k2", "{\"b\":2}", true, ch + 2, 1, r4);
	ASSERT_OK(cs_store_webhook_apply(s, items, 4, NOW, TERR));

	ASSERT_FALSE(items[0].replay);
	ASSERT_EQ(r1[0], CS_APPLY_OK);
	ASSERT_EQ(r1[1], CS_APPLY_NOTFOUND);
	ASSERT_EQ(items[0].log.status, CS_SYNC_PARTIAL);
	ASSERT_EQ(items[0].log.records_synced, 1);
	ASSERT_STR_EQ(items[0].event.outcome, "partial");
	ASSERT_TRUE(items[1].replay);
	ASSERT_FALSE(items[2].replay);
	ASSERT_EQ(items[3].log.status, CS_SYNC_SUCCESS);

	/* The forged one applied nothing; the replay applied nothing twice. */
	ASSERT_OK(cs_store_nft_get(s, u0, &n, TERR));
	ASSERT_EQ(n.status, CS_NFT_SOLD);
	ASSERT_STR_EQ(n.sold_to, "addr_test1buyer");
	h = history_of(s, n.id);
	ASSERT_EQ(h.n, 1);
	ASSERT_EQ(h.last.webhook_event_id, items[0].event.id);
	ASSERT_EQ(h.last.sync_log_id, items[0].log.id);
	cs_nft_dispose(&n);
	ASSERT_OK(cs_store_nft_get(s, u1, &n, TERR));
	ASSERT_EQ(n.status, CS_NFT_SOLD); /* by k2, not by the forged one */
	ASSERT_EQ(history_of(s, n.id).n, 1);
	cs_nft_dispose(&n);
	assert_counts(s, id, 3, 1, 0, 2);

	/* Every event is stored, replays and rejects included. */
	memset(&acc, 0, sizeof(acc));
	ASSERT_OK(
	    cs_store_webhook_event_list(s, 0, 0, true, event_cb, &acc, TERR));
	ASSERT_EQ(acc.n, 4);
	ASSERT_STR_EQ(acc.outcomes[0], "applied");
	ASSERT_STR_EQ(acc.outcomes[1], "rejected");
	ASSERT_STR_EQ(acc.outcomes[2], "replay");
	ASSERT_STR_EQ(acc.outcomes[3], "partial");
	ASSERT_EQ(acc.body_len, 7 + 7 + 12 + 7);

	/* A replay in a later batch is still a replay. */
	items[0] = webhook_item("k2", "{\"b\":2}", true, ch + 2, 1, r4);
	ASSERT_OK(cs_store_webhook_apply(s, items, 1, NOW + 1, TERR));
	ASSERT_TRUE(items[0].replay);
	free(u0);
	free(u1);
	cs_store_free(s);
}

/* The events left, oldest first: their outcomes, bodies and lengths. */
struct kept_acc {
	size_t n;
	char outcomes[8][24];
	size_t raw_len[8], body_len[8];
	char sha[8][65];
};

static int
kept_cb(const struct cs_webhook_event *e, void *payload)
{
	struct kept_acc *acc = payload;
	size_t i;

	if (acc->n == 8)
		return 0;
	/* Newest first: shift, so that index 0 is the oldest. */
	for (i = acc->n; i > 0; i--) {
		memcpy(acc->outcomes[i], acc->outcomes[i - 1], 24);
		acc->raw_len[i] = acc->raw_len[i - 1];
		acc->body_len[i] = acc->body_len[i - 1];
		memcpy(acc->sha[i], acc->sha[i - 1], 65);
	}
	snprintf(acc->outcomes[0], 24, "%s", e->outcome);
	acc->raw_len[0] = e->raw_len;
	acc->body_len[0] = e->body_len;
	snprintf(acc->sha[0], 65, "%s",
	    e->body_sha256 != NULL ? e->body_sha256 : "");
	acc->n++;
	return 0;
}

CS_TEST(contract__webhook_prune_keeps_what_history_points_at)
{
	struct cs_store *s = open_store();
	struct cs_import_result res;
	struct cs_nft_change ch = CS_NFT_CHANGE_INIT;
	enum cs_apply_result r[1];
	struct cs_webhook_apply it[5];
	struct kept_acc acc;
	struct cs_nft n;
	char *u0 = cs_fixture_uid(29, 0);
	char big[1024];
	int64_t id = make_campaign(s, "Lab Rat", 10), deleted = -1;
	int64_t day = 24LL * 3600 * 1000;
	size_t i;

	import_n(s, id, 2, 29, &res);
	ch.nft_uid = u0;
	ch.campaign_id = id;
	ch.new_status = CS_NFT_SOLD;
	ch.source = CS_SOURCE_WEBHOOK;
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	/* Old: a sale that changed an NFT, its replay, a refused one, a
	 * sale that changed nothing (no history row). New: a refused one. */
	it[0] = webhook_item("old-sale", big, true, &ch, 1, r);
	it[1] = webhook_item("old-sale", big, true, &ch, 1, r);
	it[2] = webhook_item(NULL, "{\"junk\":1}", false, NULL, 0, NULL);
	it[3] = webhook_item("old-noop", "{}", true, NULL, 0, NULL);
	it[4] = webhook_item(NULL, "{\"junk\":2}", false, NULL, 0, NULL);
	for (i = 0; i < 5; i++) {
		it[i].event.received_at = NOW - (i < 4 ? 40 * day : day);
		it[i].event.body_sha256 =
		    CS_UNCONST("0123456789abcdef0123456789abcdef"
		               "0123456789abcdef0123456789abcdef");
		it[i].event.body_len = it[i].event.raw_len;
	}
	/* A refused body: its first bytes, and the whole one's length. */
	it[2].event.body_len = 300000;
	ASSERT_OK(cs_store_webhook_apply(s, it, 5, NOW, TERR));
	ASSERT_TRUE(it[1].replay);

	memset(&acc, 0, sizeof(acc));
	ASSERT_OK(
	    cs_store_webhook_event_list(s, 0, 0, true, kept_cb, &acc, TERR));
	ASSERT_EQ(acc.n, 5);
	ASSERT_STR_EQ(acc.outcomes[0], "applied");
	ASSERT_EQ(acc.raw_len[0], sizeof(big) - 1);
	ASSERT_EQ(acc.body_len[0], sizeof(big) - 1);
	ASSERT_STR_EQ(acc.sha[0], it[0].event.body_sha256);
	/* A replay keeps the first bytes; the first row has it all. */
	ASSERT_STR_EQ(acc.outcomes[1], "replay");
	ASSERT_EQ(acc.raw_len[1], CS_WEBHOOK_KEPT_PREFIX);
	ASSERT_EQ(acc.body_len[1], sizeof(big) - 1);
	ASSERT_STR_EQ(acc.outcomes[2], "rejected");
	ASSERT_EQ(acc.raw_len[2], strlen("{\"junk\":1}"));
	ASSERT_EQ(acc.body_len[2], 300000);

	/* Prune what is older than 30 days. */
	ASSERT_OK(cs_store_webhook_prune(s, NOW - 30 * day, &deleted, TERR));
	ASSERT_EQ(deleted, 3);
	memset(&acc, 0, sizeof(acc));
	ASSERT_OK(
	    cs_store_webhook_event_list(s, 0, 0, false, kept_cb, &acc, TERR));
	ASSERT_EQ(acc.n, 2);
	ASSERT_STR_EQ(acc.outcomes[0], "applied");  /* history points at it */
	ASSERT_STR_EQ(acc.outcomes[1], "rejected"); /* the recent one */
	/* The history row and the NFT are untouched. */
	ASSERT_OK(cs_store_nft_get(s, u0, &n, TERR));
	ASSERT_EQ(n.status, CS_NFT_SOLD);
	ASSERT_EQ(history_of(s, n.id).n, 1);
	ASSERT_EQ(history_of(s, n.id).last.webhook_event_id, it[0].event.id);
	cs_nft_dispose(&n);
	/* Again: nothing more goes; NULL deleted is fine. */
	ASSERT_OK(cs_store_webhook_prune(s, NOW - 30 * day, &deleted, TERR));
	ASSERT_EQ(deleted, 0);
	ASSERT_OK(cs_store_webhook_prune(s, NOW, NULL, TERR));
	memset(&acc, 0, sizeof(acc));
	ASSERT_OK(
	    cs_store_webhook_event_list(s, 0, 0, false, kept_cb, &acc, TERR));
	ASSERT_EQ(acc.n, 1);
	free(u0);
	cs_store_free(s);
}

CS_TEST(contract__webhook_prune_in_batches)
{
	struct cs_store *s = open_store();
	struct cs_webhook_apply *it;
	size_t i, n = CS_WEBHOOK_PRUNE_BATCH * 2 + 5;
	int64_t deleted = 0;
	struct kept_acc acc;

	it = cs_xcalloc(n, sizeof(*it));
	for (i = 0; i < n; i++) {
		it[i] = webhook_item(NULL, "{}", false, NULL, 0, NULL);
		it[i].event.received_at = NOW - 1000 - (int64_t)i;
	}
	ASSERT_OK(cs_store_webhook_apply(s, it, n, NOW, TERR));
	it[0] = webhook_item(NULL, "{}", false, NULL, 0, NULL);
	ASSERT_OK(cs_store_webhook_apply(s, it, 1, NOW, TERR));
	ASSERT_OK(cs_store_webhook_prune(s, NOW - 500, &deleted, TERR));
	ASSERT_EQ(deleted, (int64_t)n);
	memset(&acc, 0, sizeof(acc));
	ASSERT_OK(
	    cs_store_webhook_event_list(s, 0, 0, false, kept_cb, &acc, TERR));
	ASSERT_EQ(acc.n, 1);
	free(it);
	cs_store_free(s);
}

CS_TEST(contract__webhook_release_only_if_reserved)
{
	struct cs_store *s = open_store();
	struct cs_import_result res;
	struct cs_nft_change ch = CS_NFT_CHANGE_INIT;
	enum cs_apply_result r[1];
	struct cs_webhook_apply it;
	struct cs_nft n;
	enum cs_reserve_outcome why;
	int64_t id = make_campaign(s, "Lab Rat", 10);

	import_n(s, id, 2, 19, &res);
	ASSERT_OK(
	    cs_store_campaign_set_status(s, id, CS_CAMPAIGN_ACTIVE, NOW, TERR));
	ASSERT_OK(
	    cs_store_reservation_take(s, id, W(9), 10, NOW, &n, &why, TERR));
	ch.nft_uid = n.nft_uid;
	ch.campaign_id = id;
	ch.new_status = CS_NFT_AVAILABLE;
	ch.only_if_status = CS_NFT_RESERVED;
	ch.source = CS_SOURCE_WEBHOOK;
	it = webhook_item("cancel-1", "{}", true, &ch, 1, r);
	ASSERT_OK(cs_store_webhook_apply(s, &it, 1, NOW, TERR));
	ASSERT_EQ(r[0], CS_APPLY_OK);
	assert_counts(s, id, 2, 2, 0, 0);
	/* Sold meanwhile: a late cancel leaves it sold. */
	ch.new_status = CS_NFT_SOLD;
	ch.only_if_status = -1;
	ASSERT_OK(cs_store_nft_change(s, &ch, NOW, NULL, TERR));
	ch.new_status = CS_NFT_AVAILABLE;
	ch.only_if_status = CS_NFT_RESERVED;
	it = webhook_item("cancel-2", "{}", true, &ch, 1, r);
	ASSERT_OK(cs_store_webhook_apply(s, &it, 1, NOW, TERR));
	ASSERT_EQ(r[0], CS_APPLY_NOOP);
	assert_counts(s, id, 2, 1, 0, 1);
	cs_nft_dispose(&n);
	cs_store_free(s);
}

CS_TEST(contract__reservations)
{
	struct cs_store *s = open_store();
	struct cs_import_result res;
	struct cs_campaign c;
	struct cs_nft n;
	struct nft_acc acc;
	enum cs_reserve_outcome why;
	const char *list[] = {W(1), W(2), W(3)};
	int64_t id = make_campaign(s, "Lab Rat", 10);

	import_n(s, id, 2, 20, &res);
	ASSERT_ERR(CS_ECONFLICT,
	    cs_store_reservation_take(s, id, W(1), 10, NOW, &n, &why, TERR));
	ASSERT_EQ(why, CS_RESERVE_INACTIVE);
	ASSERT_OK(
	    cs_store_campaign_set_status(s, id, CS_CAMPAIGN_ACTIVE, NOW, TERR));
	ASSERT_OK(cs_store_allowlist_set(s, id, list, 3, TERR));
	ASSERT_ERR(CS_ECONFLICT,
	    cs_store_reservation_take(s, id, W(26), 10, NOW, &n, &why, TERR));
	ASSERT_EQ(why, CS_RESERVE_NOT_ELIGIBLE);

	ASSERT_OK(
	    cs_store_reservation_take(s, id, W(1), 10, NOW, &n, &why, TERR));
	ASSERT_EQ(why, CS_RESERVE_OK);
	ASSERT_EQ(n.nft_number, 1); /* lowest number first */
	ASSERT_EQ(n.status, CS_NFT_RESERVED);
	ASSERT_STR_EQ(n.reserved_by, W(1));
	ASSERT_EQ(n.reserved_until, NOW + 600000);
	ASSERT_EQ(n.last_modified_by, CS_SOURCE_USER);
	ASSERT_TRUE(n.payment_url != NULL);
	cs_nft_dispose(&n);
	ASSERT_ERR(CS_ECONFLICT,
	    cs_store_reservation_take(s, id, W(1), 10, NOW, &n, &why, TERR));
	ASSERT_EQ(why, CS_RESERVE_WALLET_LIMIT);
	ASSERT_OK(
	    cs_store_reservation_take(s, id, W(2), 10, NOW, &n, &why, TERR));
	ASSERT_EQ(n.nft_number, 2);
	cs_nft_dispose(&n);
	ASSERT_ERR(CS_ECONFLICT,
	    cs_store_reservation_take(s, id, W(3), 10, NOW, &n, &why, TERR));
	ASSERT_EQ(why, CS_RESERVE_SOLD_OUT);
	assert_counts(s, id, 2, 0, 2, 0);

	/* Expired ones are listed for the sweeper, oldest first. */
	memset(&acc, 0, sizeof(acc));
	ASSERT_OK(cs_store_reservations_expired(
	    s, NOW + 600001, 10, nft_cb, &acc, TERR));
	ASSERT_EQ(acc.n, 2);
	memset(&acc, 0, sizeof(acc));
	ASSERT_OK(cs_store_reservations_expired(
	    s, NOW + 599999, 10, nft_cb, &acc, TERR));
	ASSERT_EQ(acc.n, 0);

	/* After expiry the wallet may reserve again; with allow_multiple a
	 * wallet may hold several. */
	ASSERT_OK(cs_store_campaign_get(s, id, &c, TERR));
	c.allow_multiple = true;
	ASSERT_OK(cs_store_campaign_update(s, &c, NOW, TERR));
	cs_campaign_dispose(&c);
	ASSERT_ERR(CS_EINVAL,
	    cs_store_reservation_take(s, id, "", 10, NOW, &n, &why, TERR));
	ASSERT_ERR(CS_ENOTFOUND,
	    cs_store_reservation_take(s, 999, W(1), 10, NOW, &n, &why, TERR));
	cs_store_free(s);
}

/* Upper case of a string, in a buffer the test owns. */
static char *
upper(const char *in)
{
	char *out = cs_xstrdup(in);
	size_t i;

	for (i = 0; out[i] != '\0'; i++)
		if (out[i] >= 'a' && out[i] <= 'z')
			out[i] = (char)(out[i] - 'a' + 'A');
	return out;
}

/* Only Cardano addresses of the campaign's network are wallets; one
 * address is one buyer whatever its case (issue 13, finding 4). */
CS_TEST(contract__reservation_wallets)
{
	struct cs_store *s = open_store();
	struct cs_import_result res;
	enum cs_reserve_outcome why;
	struct cs_nft n;
	char *up = upper(W(1)), *bad = cs_xstrdup(W(2));
	int64_t id = make_campaign(s, "Lab Rat", 10);

	import_n(s, id, 4, 21, &res);
	ASSERT_OK(
	    cs_store_campaign_set_status(s, id, CS_CAMPAIGN_ACTIVE, NOW, TERR));
	/* Anything that is not an address of preprod. */
	ASSERT_ERR(CS_EINVAL,
	    cs_store_reservation_take(s, id, "x", 10, NOW, &n, &why, TERR));
	ASSERT_STR_CONTAINS(cs_test_err.msg, "not a bech32");
	ASSERT_ERR(CS_EINVAL,
	    cs_store_reservation_take(
	        s, id, "<script>alert(1)</script>", 10, NOW, &n, &why, TERR));
	bad[strlen(bad) - 1] = bad[strlen(bad) - 1] == 'q' ? 'p' : 'q';
	ASSERT_ERR(CS_EINVAL,
	    cs_store_reservation_take(s, id, bad, 10, NOW, &n, &why, TERR));
	ASSERT_STR_CONTAINS(cs_test_err.msg, "checksum");
	ASSERT_ERR(CS_EINVAL,
	    cs_store_reservation_take(
	        s, id, cs_fixture_wallet_mainnet(1), 10, NOW, &n, &why, TERR));
	ASSERT_STR_CONTAINS(cs_test_err.msg, "other network");
	ASSERT_ERR(CS_EINVAL, cs_store_reservation_take(
	                          s, id, STAKE(1), 10, NOW, &n, &why, TERR));
	ASSERT_STR_CONTAINS(cs_test_err.msg, "stake address");
	assert_counts(s, id, 4, 4, 0, 0);

	/* Upper case is the same buyer: stored lower case, one per wallet. */
	ASSERT_OK(
	    cs_store_reservation_take(s, id, up, 10, NOW, &n, &why, TERR));
	ASSERT_STR_EQ(n.reserved_by, W(1));
	cs_nft_dispose(&n);
	ASSERT_ERR(CS_ECONFLICT,
	    cs_store_reservation_take(s, id, W(1), 10, NOW, &n, &why, TERR));
	ASSERT_EQ(why, CS_RESERVE_WALLET_LIMIT);
	ASSERT_ERR(CS_ECONFLICT,
	    cs_store_reservation_take(s, id, up, 10, NOW, &n, &why, TERR));
	ASSERT_EQ(why, CS_RESERVE_WALLET_LIMIT);
	assert_counts(s, id, 4, 3, 1, 0);
	free(up);
	free(bad);
	cs_store_free(s);
}

/* Allow-list entries: validated against the campaign's network, stored
 * lower case; a stake address admits the base addresses delegating to it. */
CS_TEST(contract__allowlist_wallets)
{
	struct cs_store *s = open_store();
	struct cs_import_result res;
	enum cs_reserve_outcome why;
	struct cs_nft n;
	char *up_stake = upper(STAKE(5)), *up_wallet = upper(W(6));
	const char *list[] = {up_stake, up_wallet};
	const char *bad[] = {W(7), "stake_test1a"};
	const char *other_net[] = {cs_fixture_wallet_mainnet(7)};
	bool has = false;
	int64_t id = make_campaign(s, "Lab Rat", 10);

	import_n(s, id, 4, 22, &res);
	ASSERT_OK(
	    cs_store_campaign_set_status(s, id, CS_CAMPAIGN_ACTIVE, NOW, TERR));
	ASSERT_OK(cs_store_allowlist_set(s, id, list, 2, TERR));
	ASSERT_OK(cs_store_allowlist_has(s, id, STAKE(5), &has, TERR));
	ASSERT_TRUE(has);
	ASSERT_OK(cs_store_allowlist_has(s, id, W(6), &has, TERR));
	ASSERT_TRUE(has);
	/* A bad entry refuses the whole list; the old one stays. */
	ASSERT_ERR(CS_EINVAL, cs_store_allowlist_set(s, id, bad, 2, TERR));
	ASSERT_STR_CONTAINS(cs_test_err.msg, "allow-list entry 2");
	ASSERT_ERR(
	    CS_EINVAL, cs_store_allowlist_set(s, id, other_net, 1, TERR));
	ASSERT_STR_CONTAINS(cs_test_err.msg, "other network");
	ASSERT_OK(cs_store_allowlist_has(s, id, W(6), &has, TERR));
	ASSERT_TRUE(has);

	/* W(5) delegates to STAKE(5): admitted by the stake entry. */
	ASSERT_OK(
	    cs_store_reservation_take(s, id, W(5), 10, NOW, &n, &why, TERR));
	ASSERT_STR_EQ(n.reserved_by, W(5));
	cs_nft_dispose(&n);
	/* W(6) is listed by its own address. */
	ASSERT_OK(
	    cs_store_reservation_take(s, id, W(6), 10, NOW, &n, &why, TERR));
	cs_nft_dispose(&n);
	/* W(7) delegates elsewhere and is not listed. */
	ASSERT_ERR(CS_ECONFLICT,
	    cs_store_reservation_take(s, id, W(7), 10, NOW, &n, &why, TERR));
	ASSERT_EQ(why, CS_RESERVE_NOT_ELIGIBLE);
	free(up_stake);
	free(up_wallet);
	cs_store_free(s);
}

/* Migration 004 lowers the wallets stored before wallets had one form:
 * an upper-case reservation then holds one-per-wallet, and allow-list
 * entries differing only in case become one. */
CS_TEST(contract__migration_lowers_wallets)
{
	struct cs_store *s = NULL;
	struct cs_import_result res;
	enum cs_reserve_outcome why;
	struct cs_nft n;
	char *url = cs_fixture_db_url("wallet-case.db");
	char *up_w = upper(W(1)), *up_s = upper(STAKE(5)), *mixed, *sql;
	int64_t id;

	ASSERT_OK(cs_store_open(&s, url, TERR));
	id = make_campaign(s, "Lab Rat", 10);
	import_n(s, id, 3, 23, &res);
	ASSERT_OK(
	    cs_store_campaign_set_status(s, id, CS_CAMPAIGN_ACTIVE, NOW, TERR));
	cs_store_free(s);
	/* As an older version stored them: the buyer's address in upper
	 * case, on the allow-list too, and one stake address three times in
	 * different cases. */
	mixed = cs_xstrdup(STAKE(5));
	mixed[0] = 'S';
	sql = cs_xasprintf(
	    "UPDATE nfts SET status = 'reserved', reserved_by = '%s', "
	    "claimed_by = '%s', reserved_until = %lld WHERE campaign_id = "
	    "%lld AND nft_number = 1; "
	    "INSERT INTO campaign_allowlist (campaign_id, address) VALUES "
	    "(%lld, '%s'), (%lld, '%s'), (%lld, '%s'), (%lld, '%s'); "
	    "DELETE FROM schema_migrations WHERE version = 4;",
	    up_w, up_w, (long long)(NOW + 600000), (long long)id, (long long)id,
	    up_s, (long long)id, mixed, (long long)id, STAKE(5), (long long)id,
	    up_w);
	cs_fixture_db_exec(url, sql);

	ASSERT_OK(cs_store_open(&s, url, TERR));
	/* Listed (lowered) and holding one (lowered): one per wallet. */
	ASSERT_ERR(CS_ECONFLICT, cs_store_reservation_take(
	                             s, id, W(1), 10, NOW + 1, &n, &why, TERR));
	ASSERT_EQ(why, CS_RESERVE_WALLET_LIMIT);
	/* The stake entry, lowered, admits the address delegating to it. */
	ASSERT_OK(cs_store_reservation_take(
	    s, id, W(5), 10, NOW + 1, &n, &why, TERR));
	ASSERT_STR_EQ(n.reserved_by, W(5));
	cs_nft_dispose(&n);
	cs_store_free(s);
	free(sql);
	free(mixed);
	free(up_s);
	free(up_w);
	free(url);
}

CS_TEST(contract__chain_checks_rotation)
{
	struct cs_store *s = open_store();
	struct cs_import_result res;
	struct cs_nft_change ch = CS_NFT_CHANGE_INIT;
	struct cs_chain_check k, got;
	struct nft_acc acc;
	struct cs_nft n;
	char *uid, asset[80];
	unsigned i;
	int64_t id = make_campaign(s, "Lab Rat", 10);

	import_n(s, id, 4, 21, &res);
	for (i = 0; i < 3; i++) {
		uid = cs_fixture_uid(21, i);
		ASSERT_OK(cs_store_nft_get(s, uid, &n, TERR));
		snprintf(asset, sizeof(asset), "%056d%02x", 0, i + 1);
		ASSERT_OK(cs_store_nft_set_asset_id(s, n.id, asset, TERR));
		ch.nft_uid = uid;
		ch.new_status = CS_NFT_SOLD;
		ASSERT_OK(cs_store_nft_change(s, &ch, NOW, NULL, TERR));
		cs_nft_dispose(&n);
		free(uid);
	}
	ASSERT_ERR(CS_EINVAL, cs_store_nft_set_asset_id(s, 1, "XYZ", TERR));
	memset(&acc, 0, sizeof(acc));
	ASSERT_OK(cs_store_chain_candidates(s, id, 10, nft_cb, &acc, TERR));
	ASSERT_EQ(acc.n, 3);
	ASSERT_EQ(acc.numbers[0], 1);

	/* Checked ones go to the back, oldest check first. */
	memset(&k, 0, sizeof(k));
	snprintf(asset, sizeof(asset), "%056d%02x", 0, 1);
	k.asset_id = asset;
	k.status = CS_CHAIN_VERIFIED;
	k.message = CS_UNCONST("minted, 1 holder");
	k.addresses = CS_UNCONST("[\"addr_test1\"]");
	k.checked_at = NOW + 5;
	ASSERT_OK(cs_store_chain_check_put(s, &k, TERR));
	snprintf(asset, sizeof(asset), "%056d%02x", 0, 2);
	k.status = CS_CHAIN_PENDING;
	k.checked_at = NOW + 1;
	ASSERT_OK(cs_store_chain_check_put(s, &k, TERR));
	memset(&acc, 0, sizeof(acc));
	ASSERT_OK(cs_store_chain_candidates(s, id, 10, nft_cb, &acc, TERR));
	ASSERT_EQ(acc.numbers[0], 3);
	ASSERT_EQ(acc.numbers[1], 2);
	ASSERT_EQ(acc.numbers[2], 1);
	memset(&acc, 0, sizeof(acc));
	ASSERT_OK(cs_store_chain_candidates(s, id, 1, nft_cb, &acc, TERR));
	ASSERT_EQ(acc.n, 1);

	/* put replaces. */
	k.status = CS_CHAIN_ERROR;
	k.message = CS_UNCONST("boom");
	ASSERT_OK(cs_store_chain_check_put(s, &k, TERR));
	ASSERT_OK(cs_store_chain_check_get(s, asset, &got, TERR));
	ASSERT_EQ(got.status, CS_CHAIN_ERROR);
	ASSERT_STR_EQ(got.message, "boom");
	ASSERT_STR_EQ(got.addresses, "[\"addr_test1\"]");
	cs_chain_check_dispose(&got);
	ASSERT_ERR(CS_ENOTFOUND, cs_store_chain_check_get(s, "ff", &got, TERR));
	cs_store_free(s);
}

/* ---- The background verifier's queue, budget and coverage (008) ---------- */

/* n sold NFTs of a new campaign with asset ids %056d%02x of base+i. */
static int64_t
sold_with_assets(struct cs_store *s, const char *name, unsigned seed,
    unsigned n, unsigned base)
{
	struct cs_nft_change ch = CS_NFT_CHANGE_INIT;
	struct cs_import_result res;
	struct cs_nft x;
	char *uid, asset[80];
	unsigned i;
	int64_t id = make_campaign(s, name, 100);

	import_n(s, id, n, seed, &res);
	for (i = 0; i < n; i++) {
		uid = cs_fixture_uid(seed, i);
		ASSERT_OK(cs_store_nft_get(s, uid, &x, TERR));
		snprintf(asset, sizeof(asset), "%056d%02x", 0, base + i);
		ASSERT_OK(cs_store_nft_set_asset_id(s, x.id, asset, TERR));
		ch.nft_uid = uid;
		ch.new_status = CS_NFT_SOLD;
		ASSERT_OK(cs_store_nft_change(s, &ch, NOW, NULL, TERR));
		cs_nft_dispose(&x);
		free(uid);
	}
	return id;
}

static void
put_check(
    struct cs_store *s, unsigned asset_no, enum cs_chain_status st, int64_t at)
{
	struct cs_chain_check k;
	char asset[80];

	memset(&k, 0, sizeof(k));
	snprintf(asset, sizeof(asset), "%056d%02x", 0, asset_no);
	k.asset_id = asset;
	k.status = st;
	k.message = CS_UNCONST("m");
	k.checked_at = at;
	ASSERT_OK(cs_store_chain_check_put(s, &k, TERR));
}

CS_TEST(contract__chain_queue_leases)
{
	struct cs_store *s = open_store();
	struct nft_acc a, b;
	struct cs_nft five;
	char *uid;
	const int64_t day = 86400000, ten_min = 600000, lease = 120000;

	sold_with_assets(s, "Queue", 31, 5, 1);
	/* 1 verified yesterday (due), 2 verified now (not due), 3 pending
	 * 11 min ago (due), 4 mismatch now (not due), 5 never checked. */
	put_check(s, 1, CS_CHAIN_VERIFIED, NOW - day - 1);
	put_check(s, 2, CS_CHAIN_VERIFIED, NOW);
	put_check(s, 3, CS_CHAIN_PENDING, NOW - ten_min - 60000);
	put_check(s, 4, CS_CHAIN_MISMATCH, NOW);

	/* Never checked first, then the oldest check; leased ones are not
	 * handed out again until their lease ends. */
	memset(&a, 0, sizeof(a));
	ASSERT_OK(cs_store_chain_claim(
	    s, "one", NOW, day, ten_min, lease, 2, nft_cb, &a, TERR));
	ASSERT_EQ(a.n, 2);
	ASSERT_EQ(a.numbers[0], 5);
	ASSERT_EQ(a.numbers[1], 1);
	memset(&b, 0, sizeof(b));
	ASSERT_OK(cs_store_chain_claim(
	    s, "two", NOW, day, ten_min, lease, 10, nft_cb, &b, TERR));
	ASSERT_EQ(b.n, 1);
	ASSERT_EQ(b.numbers[0], 3);
	memset(&b, 0, sizeof(b));
	ASSERT_OK(cs_store_chain_claim(
	    s, "two", NOW + 1000, day, ten_min, lease, 10, nft_cb, &b, TERR));
	ASSERT_EQ(b.n, 0);
	/* A lease that ran out: the NFT is due again (no check was made). */
	memset(&b, 0, sizeof(b));
	ASSERT_OK(cs_store_chain_claim(
	    s, "two", NOW + lease, day, ten_min, lease, 10, nft_cb, &b, TERR));
	ASSERT_EQ(b.n, 3);
	/* Released by its owner: due again at once; not by another. */
	uid = cs_fixture_uid(31, 4);
	ASSERT_OK(cs_store_nft_get(s, uid, &five, TERR));
	free(uid);
	ASSERT_OK(cs_store_chain_release(s, "one", five.id, TERR));
	memset(&b, 0, sizeof(b));
	ASSERT_OK(cs_store_chain_claim(s, "three", NOW + lease + 1, day,
	    ten_min, lease, 10, nft_cb, &b, TERR));
	ASSERT_EQ(b.n, 0);
	ASSERT_OK(cs_store_chain_release(s, "two", five.id, TERR));
	ASSERT_OK(cs_store_chain_claim(s, "three", NOW + lease + 1, day,
	    ten_min, lease, 10, nft_cb, &b, TERR));
	ASSERT_EQ(b.n, 1);
	ASSERT_EQ(b.numbers[0], 5);
	cs_nft_dispose(&five);
	ASSERT_ERR(CS_EINVAL, cs_store_chain_claim(s, "", NOW, day, ten_min,
	                          lease, 10, nft_cb, &b, TERR));
	cs_store_free(s);
}

CS_TEST(contract__chain_coverage)
{
	struct cs_store *s = open_store();
	struct cs_chain_coverage c;
	const int64_t day = 86400000;
	int64_t one = sold_with_assets(s, "Cover", 32, 6, 1);
	int64_t two = sold_with_assets(s, "Other", 33, 2, 20);

	put_check(s, 1, CS_CHAIN_VERIFIED, NOW - 10);
	put_check(s, 2, CS_CHAIN_VERIFIED, NOW - day - 5000); /* stale */
	put_check(s, 3, CS_CHAIN_MISMATCH, NOW - 20);
	put_check(s, 4, CS_CHAIN_ERROR, NOW - 30);
	put_check(s, 5, CS_CHAIN_PENDING, NOW - 40);
	/* 6 never checked (sold at NOW). */
	ASSERT_OK(cs_store_chain_coverage(s, one, NOW + 60000, day, &c, TERR));
	ASSERT_EQ(c.sold, 6);
	ASSERT_EQ(c.verified, 1);
	ASSERT_EQ(c.mismatch, 1);
	ASSERT_EQ(c.errors, 1);
	ASSERT_EQ(c.pending, 1);
	ASSERT_EQ(c.unverified, 2);
	/* Due since: 2 at its check + a day, 6 at its sale (NOW): 2's. */
	ASSERT_EQ(c.oldest_due, NOW - 5000);
	ASSERT_OK(cs_store_chain_coverage(s, two, NOW, day, &c, TERR));
	ASSERT_EQ(c.sold, 2);
	ASSERT_EQ(c.unverified, 2);
	ASSERT_OK(cs_store_chain_coverage(s, 0, NOW + 60000, day, &c, TERR));
	ASSERT_EQ(c.sold, 8);
	ASSERT_EQ(c.unverified, 4);
	cs_store_free(s);
}

struct problem_acc {
	size_t n;
	enum cs_chain_status first;
	char first_name[64];
};

static int
problem_cb(const struct cs_chain_check *k, const char *uid, const char *name,
    void *payload)
{
	struct problem_acc *p = payload;

	ASSERT_TRUE(uid != NULL);
	if (p->n++ == 0) {
		p->first = k->status;
		cs_str_copy(p->first_name, name, sizeof(p->first_name));
	}
	return 0;
}

CS_TEST(contract__chain_problems)
{
	struct cs_store *s = open_store();
	struct problem_acc p;
	int64_t id = sold_with_assets(s, "Problems", 34, 3, 1);

	put_check(s, 1, CS_CHAIN_ERROR, NOW);
	put_check(s, 2, CS_CHAIN_MISMATCH, NOW - 10);
	put_check(s, 3, CS_CHAIN_VERIFIED, NOW);
	memset(&p, 0, sizeof(p));
	ASSERT_OK(cs_store_chain_problems(s, id, 10, problem_cb, &p, TERR));
	ASSERT_EQ(p.n, 2);
	ASSERT_EQ(p.first, CS_CHAIN_MISMATCH); /* mismatches first */
	ASSERT_STR_EQ(p.first_name, "Lab Rat #2");
	cs_store_free(s);
}

CS_TEST(contract__chain_budget)
{
	struct cs_store *s = open_store();
	int64_t wait, until;
	char why[128];
	int i;

	/* 4 per second, 2 saved up at most: 2 at once, then each waits a
	 * quarter second more (the debt is the queue). */
	for (i = 0; i < 2; i++) {
		ASSERT_OK(cs_store_chain_budget_take(
		    s, NOW, 4, 2, &wait, &until, why, sizeof(why), TERR));
		ASSERT_EQ(wait, 0);
	}
	ASSERT_OK(cs_store_chain_budget_take(
	    s, NOW, 4, 2, &wait, &until, why, sizeof(why), TERR));
	ASSERT_GT(wait, 0);
	ASSERT_LE(wait, 250);
	ASSERT_OK(cs_store_chain_budget_take(
	    s, NOW, 4, 2, &wait, &until, why, sizeof(why), TERR));
	ASSERT_GT(wait, 250);
	ASSERT_LE(wait, 500);

	/* A block stops every taker until it ends; it never shortens. */
	ASSERT_OK(
	    cs_store_chain_budget_block(s, NOW + 30000, "HTTP 429", TERR));
	ASSERT_OK(cs_store_chain_budget_block(s, NOW + 10, "shorter", TERR));
	ASSERT_ERR(
	    CS_ERATELIMIT, cs_store_chain_budget_take(s, NOW + 1000, 4, 2,
	                       &wait, &until, why, sizeof(why), TERR));
	ASSERT_EQ(until, NOW + 30000);
	ASSERT_STR_EQ(why, "HTTP 429");
	ASSERT_OK(cs_store_chain_budget_take(
	    s, NOW + 30000, 4, 2, &wait, &until, why, sizeof(why), TERR));
	cs_store_free(s);
}

CS_TEST(contract__nft_mint_tx)
{
	struct cs_store *s = open_store();
	struct cs_import_result res;
	struct cs_nft n;
	char *uid = cs_fixture_uid(35, 0), *tx = NULL;
	int64_t id = make_campaign(s, "Mint", 10);

	import_n(s, id, 1, 35, &res);
	ASSERT_OK(cs_store_nft_get(s, uid, &n, TERR));
	ASSERT_OK(cs_store_nft_mint_get(s, n.id, &tx, TERR));
	ASSERT_TRUE(tx == NULL);
	ASSERT_OK(cs_store_nft_mint_fill(s, n.id, "aa01", TERR));
	/* Stored once: a later value does not replace it. */
	ASSERT_OK(cs_store_nft_mint_fill(s, n.id, "bb02", TERR));
	ASSERT_OK(cs_store_nft_mint_get(s, n.id, &tx, TERR));
	ASSERT_STR_EQ(tx, "aa01");
	free(tx);
	ASSERT_ERR(CS_EINVAL, cs_store_nft_mint_fill(s, n.id, "XYZ", TERR));
	ASSERT_ERR(CS_ENOTFOUND, cs_store_nft_mint_get(s, 999999, &tx, TERR));
	cs_nft_dispose(&n);
	free(uid);
	cs_store_free(s);
}
