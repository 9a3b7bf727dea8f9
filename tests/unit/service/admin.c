/* SPDX-License-Identifier: MIT */
/*
 * An operator's writes through the service (issue 17): the defaults the
 * API and the CLI share, and one log line per write naming who did it.
 */
#include "test.h"

#include <stdio.h>
#include <string.h>

#include "service/admin.h"
#include "util/limits.h"
#include "util/log.h"
#include "util/str.h"
#include "util/time.h"
#include "util/xalloc.h"

static FILE *logf_;

static void
capture(void)
{
	logf_ = tmpfile();
	ASSERT_TRUE(logf_ != NULL);
	cs_log_setup(CS_LOG_INFO, CS_LOG_TEXT, logf_);
}

/* What was logged so far (caller frees). */
static char *
logged(void)
{
	long n;
	char *s;

	fflush(logf_);
	n = ftell(logf_);
	s = cs_xcalloc(1, (size_t)n + 1);
	rewind(logf_);
	ASSERT_EQ(fread(s, 1, (size_t)n, logf_), (size_t)n);
	return s;
}

static void
release(void)
{
	cs_log_setup(CS_LOG_WARN, CS_LOG_TEXT, NULL);
	fclose(logf_);
}

static int64_t
campaign_with_nfts(struct cs_store *store, size_t n)
{
	struct cs_campaign c;
	struct cs_import_result res;
	struct cs_nft *nfts = cs_xcalloc(n, sizeof(*nfts));
	char uid[CS_UID_LEN + 16], name[32];
	size_t i;

	memset(&c, 0, sizeof(c));
	c.name = CS_UNCONST("Lab Rat");
	c.nmkr_project_uid = CS_UNCONST("9e2d000a-ed53-4db4-819b-25cdab41fd47");
	c.network = CS_NETWORK_PREPROD;
	c.max_nfts = 100;
	ASSERT_OK(cs_admin_campaign_create(
	    store, "api 10.0.0.7", &c, cs_now_ms(), TERR));
	for (i = 0; i < n; i++) {
		snprintf(uid, sizeof(uid), "00000000-0000-4000-8000-%012u",
		    (unsigned)(i + 1));
		snprintf(name, sizeof(name), "Lab Rat #%zu", i + 1);
		nfts[i].nft_uid = cs_xstrdup(uid);
		nfts[i].name = cs_xstrdup(name);
		nfts[i].nft_number = (int64_t)i + 1;
	}
	ASSERT_OK(
	    cs_store_nft_import(store, c.id, nfts, n, cs_now_ms(), &res, TERR));
	for (i = 0; i < n; i++)
		cs_nft_dispose(&nfts[i]);
	free(nfts);
	return c.id;
}

static int
last_history(const struct cs_history *h, void *payload)
{
	struct cs_history *out = payload;

	free(out->detail);
	*out = *h;
	out->detail = cs_xstrdup(h->detail);
	return 0;
}

CS_TEST(admin__status_change_defaults_and_its_log_line)
{
	struct cs_admin_status s = CS_ADMIN_STATUS_INIT;
	struct cs_history_query q = CS_HISTORY_QUERY_INIT;
	struct cs_history h;
	struct cs_store *store;
	struct cs_nft after;
	int64_t now = cs_now_ms(), id;
	char *log;

	capture();
	ASSERT_OK(cs_store_open(&store, "sqlite::memory:", TERR));
	id = campaign_with_nfts(store, 2);

	s.nft_uid = "00000000-0000-4000-8000-000000000001";
	s.status = CS_NFT_RESERVED;
	s.wallet = "addr_test1qz2fxv2umyhttkxyxp8x0dlpdt3k6cwng5pxj3jhsydzer"
	           "3jcu5d8ps7zex2k2xt3uqxgjqnnj83ws8lhrn648jjxtwq2ytjqp";
	ASSERT_OK(cs_admin_nft_set_status(store, "cli", &s, now, &after, TERR));
	ASSERT_EQ(after.status, CS_NFT_RESERVED);
	ASSERT_EQ(after.last_modified_by, CS_SOURCE_ADMIN);
	/* No time given: the default reservation. */
	ASSERT_EQ(
	    after.reserved_until, now + CS_RESERVATION_DEFAULT_MIN * 60000LL);
	cs_nft_dispose(&after);

	memset(&h, 0, sizeof(h));
	q.campaign_id = id;
	ASSERT_OK(cs_store_history_list(store, &q, last_history, &h, TERR));
	ASSERT_STR_EQ(h.detail, "set by an operator");
	ASSERT_EQ(h.source, CS_SOURCE_ADMIN);
	free(h.detail);

	ASSERT_OK(cs_admin_campaign_set_status(
	    store, "api 10.0.0.7", id, CS_CAMPAIGN_INACTIVE, now, TERR));
	log = logged();
	ASSERT_STR_CONTAINS(log, "api 10.0.0.7: campaign 1 created");
	ASSERT_STR_CONTAINS(log,
	    "cli: NFT 00000000-0000-4000-8000-000000000001 "
	    "set reserved");
	ASSERT_STR_CONTAINS(log, "api 10.0.0.7: campaign 1 deactivated");
	free(log);

	/* A refused write logs nothing. */
	s.status = CS_NFT_SOLD;
	s.nft_uid = "00000000-0000-4000-8000-000000000099";
	ASSERT_ERR(CS_ENOTFOUND,
	    cs_admin_nft_set_status(store, "cli", &s, now, NULL, TERR));
	log = logged();
	ASSERT_TRUE(strstr(log, "000000000099") == NULL);
	free(log);
	cs_store_free(store);
	release();
}

CS_TEST(admin__nmkr_states_with_a_local_status)
{
	static const struct {
		const char *state;
		int ok;
		enum cs_nft_status want;
	} cases[] = {{"free", 1, CS_NFT_AVAILABLE},
	    {"reserved", 1, CS_NFT_RESERVED}, {"sold", 1, CS_NFT_SOLD},
	    {"error", 0, CS_NFT_AVAILABLE}, {"blocked", 0, CS_NFT_AVAILABLE},
	    {"burned", 0, CS_NFT_AVAILABLE}, {"what", 0, CS_NFT_AVAILABLE}};
	enum cs_nft_status got;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int rc = cs_remote_state_status(
		    cs_remote_state_parse(cases[i].state), &got);

		ASSERT_EQ(rc == 0, cases[i].ok);
		if (cases[i].ok)
			ASSERT_EQ(got, cases[i].want);
	}
}

struct open_acc {
	size_t n;
	int64_t ids[8];
	char states[8][16];
};

static int
open_cb(const struct cs_review_item *it, void *payload)
{
	struct open_acc *a = payload;

	if (a->n < 8) {
		a->ids[a->n] = it->id;
		snprintf(a->states[a->n], sizeof(a->states[0]), "%s",
		    it->remote_state);
	}
	a->n++;
	return 0;
}

static struct open_acc
open_items(struct cs_store *store, int64_t id)
{
	struct open_acc a;

	memset(&a, 0, sizeof(a));
	ASSERT_OK(cs_store_review_list(store, id, true, open_cb, &a, TERR));
	return a;
}

/*
 * The review queue at scale (issue 14): every open item of a kind
 * resolved at once, in one transaction, all or none; the count the
 * operator confirmed must still hold.
 */
CS_TEST(admin__review_resolve_all_or_none)
{
	static const char *const remote[] = {"free", "free", "blocked"};
	struct cs_review_new rv[3];
	struct cs_sync_apply ap;
	struct cs_review_resolution two[2];
	struct cs_store *store;
	struct open_acc open;
	struct cs_nft n;
	size_t i, count = 99;
	int64_t now = cs_now_ms(), id;
	char uid[64];

	capture();
	ASSERT_OK(cs_store_open(&store, "sqlite::memory:", TERR));
	id = campaign_with_nfts(store, 3);
	memset(rv, 0, sizeof(rv));
	for (i = 0; i < 3; i++) {
		struct cs_admin_status s = CS_ADMIN_STATUS_INIT;

		snprintf(uid, sizeof(uid), "00000000-0000-4000-8000-%012u",
		    (unsigned)(i + 1));
		s.nft_uid = uid;
		s.status = CS_NFT_SOLD;
		ASSERT_OK(
		    cs_admin_nft_set_status(store, "cli", &s, now, &n, TERR));
		rv[i].nft_id = n.id;
		rv[i].kind = "sold_downgrade";
		rv[i].local_status = CS_NFT_SOLD;
		rv[i].remote_state = remote[i];
		cs_nft_dispose(&n);
	}
	memset(&ap, 0, sizeof(ap));
	ap.log.sync_type = CS_SYNC_MANUAL;
	ap.log.nmkr_project_uid =
	    CS_UNCONST("9e2d000a-ed53-4db4-819b-25cdab41fd47");
	ap.log.campaign_id = id;
	ap.reviews = rv;
	ap.nreviews = 3;
	ap.campaign_id = id;
	ASSERT_OK(cs_store_sync_apply(store, &ap, now, TERR));
	open = open_items(store, id);
	ASSERT_EQ(open.n, 3);

	/* "blocked" has no local status: the whole is refused. */
	ASSERT_ERR(
	    CS_EINVAL, cs_admin_review_resolve_all(store, "cli", id, NULL,
	                   "apply_remote", -1, -1, now, &count, TERR));
	ASSERT_STR_CONTAINS(cs_error_msg(TERR), "blocked");
	ASSERT_EQ(count, 0);
	ASSERT_EQ(open_items(store, id).n, 3);
	/* Another kind: nothing matches, nothing done. */
	ASSERT_OK(cs_admin_review_resolve_all(store, "cli", id, "other_kind",
	    "dismissed", -1, -1, now, &count, TERR));
	ASSERT_EQ(count, 0);
	/* The operator confirmed 2, 3 match: refused. */
	ASSERT_ERR(CS_ECONFLICT,
	    cs_admin_review_resolve_all(store, "cli", id, "sold_downgrade",
	        "keep_local", -1, 2, now, &count, TERR));
	ASSERT_EQ(open_items(store, id).n, 3);

	/* In the store: one already resolved in the batch undoes the rest. */
	ASSERT_OK(cs_admin_review_resolve(
	    store, "cli", open.ids[2], "keep_local", -1, now, TERR));
	two[0] = (struct cs_review_resolution){
	    open.ids[0], "apply_remote", CS_NFT_AVAILABLE};
	two[1] = (struct cs_review_resolution){
	    open.ids[2], "dismissed", CS_NFT_AVAILABLE};
	ASSERT_ERR(CS_ECONFLICT,
	    cs_store_review_resolve_many(store, two, 2, now, TERR));
	ASSERT_EQ(open_items(store, id).n, 2);
	ASSERT_OK(cs_store_nft_get(
	    store, "00000000-0000-4000-8000-000000000001", &n, TERR));
	ASSERT_EQ(n.status, CS_NFT_SOLD); /* the first was rolled back */
	cs_nft_dispose(&n);

	/* The two left, as confirmed: both to NMKR's "free". */
	ASSERT_OK(cs_admin_review_resolve_all(store, "api 10.0.0.7", id,
	    "sold_downgrade", "apply_remote", -1, 2, now, &count, TERR));
	ASSERT_EQ(count, 2);
	ASSERT_EQ(open_items(store, id).n, 0);
	for (i = 1; i <= 2; i++) {
		snprintf(uid, sizeof(uid), "00000000-0000-4000-8000-%012u",
		    (unsigned)i);
		ASSERT_OK(cs_store_nft_get(store, uid, &n, TERR));
		ASSERT_EQ(n.status, CS_NFT_AVAILABLE);
		ASSERT_EQ(n.last_modified_by, CS_SOURCE_ADMIN);
		cs_nft_dispose(&n);
	}
	{
		char *log = logged();

		ASSERT_STR_CONTAINS(log, "api 10.0.0.7: campaign 1: 2 review "
		                         "items of kind sold_downgrade "
		                         "resolved: apply_remote");
		free(log);
	}
	cs_store_free(store);
	release();
}
