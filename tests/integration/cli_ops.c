/* SPDX-License-Identifier: MIT */
/*
 * The command line for operators (issue 14): campaign-sync run as a program
 * against fake-nmkr (and fake-blockfrost), on SQLite or, with
 * CS_TEST_STORE=pg, PostgreSQL. Global flags anywhere on the line, logs that
 * name campaigns and count discrepancies and reviews, relative times, "not
 * configured" without Blockfrost, doctor, and discrepancies in NFT order.
 */
#include "test.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "support/fakeproc.h"
#include "support/fixture.h"
#include "support/testhttp.h"
#include "util/buf.h"
#include "util/xalloc.h"

#define KEY "ops-test-key"
#define PROJECT "9e2d000a-ed53-4db4-819b-25cdab41fd47"

struct run {
	int code;
	char *out;
	char *err;
};

static struct cs_fakeproc fake;
static char *bin, *db_url, *env_db, *env_url;
static const char *seed;         /* fake-nmkr's seed file for the next start */
static const char *clock_offset; /* its Date this many seconds off */
static const char *env[8];

static void
env_set(size_t i, const char *kv)
{
	env[i] = kv;
	env[i + 1] = NULL;
}

/* campaign-sync with the arguments up to a NULL, in env. */
static struct run
cs_(const char *first, ...)
{
	const char *argv[24] = {NULL};
	const char *a;
	struct run r;
	va_list ap;
	size_t n = 1;

	argv[0] = bin;
	va_start(ap, first);
	for (a = first; a != NULL && n < 23; a = va_arg(ap, const char *))
		argv[n++] = a;
	va_end(ap);
	r.code = cs_test_run(argv, env, NULL, &r.out, &r.err);
	return r;
}

#define cs(...) cs_(__VA_ARGS__, (const char *)NULL)

static void
run_free(struct run *r)
{
	free(r->out);
	free(r->err);
}

static void
expect_ok_(struct run r, int line)
{
	if (r.code != 0)
		cs_test_fail(
		    __FILE__, line, "exit %d: %s%s", r.code, r.out, r.err);
	run_free(&r);
}

#define expect_ok(r) expect_ok_(r, __LINE__)

/* fake-nmkr with a project of n free NFTs; the database, and the
 * environment pointing the program at both (no database in it when
 * with_db is false). */
static void
start(const char *n, bool with_db)
{
	char *fk = cs_build_path("tools/fake-nmkr/fake-nmkr");
	const char *fargv[] = {fk, "--listen", "127.0.0.1:0", "--api-key", KEY,
	    "--project", PROJECT, "--nfts", n, "--sold", "0", "--reserved", "0",
	    "--blocked", "0", "--rate-limit", "0", "--cache-seconds", "0", NULL,
	    NULL, NULL};
	char *seed_path = NULL;

	if (seed != NULL) {
		/* The seed's project instead of the flags'. */
		seed_path = cs_test_path("seed.json");
		cs_test_write_file(seed_path, seed, strlen(seed));
		fargv[5] = "--seed";
		fargv[6] = seed_path;
		fargv[7] = "--rate-limit";
		fargv[8] = "0";
		fargv[9] = "--cache-seconds";
		fargv[10] = "0";
		fargv[11] = NULL;
	}
	if (clock_offset != NULL) {
		fargv[seed != NULL ? 11 : 19] = "--clock-offset";
		fargv[seed != NULL ? 12 : 20] = clock_offset;
	}
	cs_fakeproc_start(&fake, fargv, NULL);
	free(seed_path);
	free(fk);
	bin = cs_build_path("src/cli/campaign-sync");
	db_url = cs_fixture_db_url("ops.db");
	env_db = cs_xasprintf("CS_DATABASE_URL=%s", db_url);
	env_url = cs_xasprintf("NMKR_API_URL=%s", fake.base_url);
	env[0] = env_url;
	env[1] = "NMKR_API_KEY=" KEY;
	env[2] = NULL;
	if (with_db)
		env_set(2, env_db);
}

/* start() and a campaign "Lab Rat" of the fake's n NFTs. */
static void
setup(const char *n)
{
	start(n, true);
	expect_ok(cs("campaign", "create", "--name", "Lab Rat", "--project",
	    PROJECT, "--max", "100"));
	expect_ok(cs("inventory", "import", "Lab Rat", "--from-nmkr"));
}

static void
teardown(void)
{
	ASSERT_EQ(cs_fakeproc_stop(&fake), 0);
	free(env_db);
	free(env_url);
	free(db_url);
	free(bin);
}

/* The uid of NFT number `number` of Lab Rat. Caller frees. */
static char *
uid_of(int number)
{
	struct run r = cs("inventory", "list", "Lab Rat", "--json");
	cJSON *list = cJSON_Parse(r.out), *item;
	char *uid = NULL;

	ASSERT_EQ(r.code, 0);
	cJSON_ArrayForEach(item, list) {
		if (cJSON_GetNumberValue(
		        cJSON_GetObjectItem(item, "nftNumber")) == number)
			uid = cs_xstrdup(cJSON_GetStringValue(
			    cJSON_GetObjectItem(item, "nftUid")));
	}
	cJSON_Delete(list);
	run_free(&r);
	ASSERT_TRUE(uid != NULL);
	return uid;
}

/* The cell of a table (cli/table.c: columns two spaces apart, under their
 * headers) under header, in the first row holding needle. Caller
 * frees. */
static char *
cell(const char *table, const char *needle, const char *header)
{
	const char *h = strstr(table, header), *row = strstr(table, needle);
	const char *end, *line;
	size_t col;

	ASSERT_TRUE(h != NULL && row != NULL);
	for (line = h; line > table && line[-1] != '\n'; line--)
		;
	col = (size_t)(h - line);
	while (row > table && row[-1] != '\n')
		row--;
	ASSERT_TRUE(strlen(row) > col);
	row += col;
	end = strstr(row, "  ");
	if (end == NULL || strchr(row, '\n') < end)
		end = strchr(row, '\n');
	return cs_xstrndup(row, (size_t)(end - row));
}

#define ASSERT_CELL(table, needle, header, want)                               \
	do {                                                                   \
		char *c_ = cell(table, needle, header);                        \
		ASSERT_STR_EQ(c_, want);                                       \
		free(c_);                                                      \
	} while (0)

/* NFTs 1 to k sold here by hand while NMKR has them free: a sync finds k
 * discrepancies and puts k items in the review queue. */
static void
sell_here(int k)
{
	char *uid;
	int i;

	for (i = 1; i <= k; i++) {
		uid = uid_of(i);
		expect_ok(cs("nft", "set-status", uid, "sold"));
		free(uid);
	}
}

/* The global flags work after the command and its sub-command, and "--"
 * ends them. */
CS_TEST(cli_ops__global_flags_anywhere)
{
	struct run r;

	start("3", false);
	/* No database in the environment: --db names it, wherever it is. */
	expect_ok(cs("campaign", "create", "--name", "Lab Rat", "--project",
	    PROJECT, "--max", "10", "--db", db_url));
	r = cs("campaign", "list", "-v", "--db", db_url, "-q");
	ASSERT_EQ(r.code, 0);
	ASSERT_STR_CONTAINS(r.out, "Lab Rat");
	run_free(&r);
	r = cs("campaign", "show", "Lab Rat", "--log-format=json",
	    "--db=" /* the value in the same word */, "--json");
	ASSERT_NE(r.code, 0); /* an empty --db= is no database */
	run_free(&r);
	env_set(2, env_db);
	r = cs("logs", "--limit", "5", "-v", "--log-format", "json");
	ASSERT_EQ(r.code, 0);
	run_free(&r);
	r = cs("logs", "--log-format", "yaml");
	ASSERT_EQ(r.code, 64);
	ASSERT_STR_CONTAINS(r.err, "--log-format is text or json");
	run_free(&r);
	r = cs("campaign", "list", "--db");
	ASSERT_EQ(r.code, 64);
	ASSERT_STR_CONTAINS(r.err, "--db needs a value");
	run_free(&r);
	/* After "--" a -v is the command's: the campaign's name here. */
	r = cs("campaign", "show", "--", "-v");
	ASSERT_EQ(r.code, 66);
	run_free(&r);
	teardown();
}

/* logs names the campaign and counts each sync's discrepancies and review
 * items; human output says how long ago, --json is as before. */
CS_TEST(cli_ops__logs_name_campaigns_and_count)
{
	struct run r;
	cJSON *j, *first;

	setup("5");
	sell_here(2);
	r = cs("sync", "Lab Rat", "--quiet-progress");
	ASSERT_TRUE(r.code == 0 || r.code == 3);
	run_free(&r);

	r = cs("logs");
	ASSERT_EQ(r.code, 0);
	ASSERT_STR_CONTAINS(r.out, "CAMPAIGN");
	ASSERT_STR_CONTAINS(r.out, "DISCREPANCIES");
	ASSERT_STR_CONTAINS(r.out, "REVIEWS");
	/* The sync's row: 2 discrepancies, 2 review items. */
	ASSERT_CELL(r.out, "manual_sync", "CAMPAIGN", "Lab Rat");
	ASSERT_CELL(r.out, "manual_sync", "STARTED", "just now");
	ASSERT_CELL(r.out, "manual_sync", "DISCREPANCIES", "2");
	ASSERT_CELL(r.out, "manual_sync", "REVIEWS", "2");
	run_free(&r);

	r = cs("logs", "--json");
	ASSERT_EQ(r.code, 0);
	j = cJSON_Parse(r.out);
	first = cJSON_GetArrayItem(j, 0);
	ASSERT_TRUE(cJSON_IsNumber(cJSON_GetObjectItem(first, "campaignId")));
	ASSERT_TRUE(cJSON_GetObjectItem(first, "campaignName") == NULL);
	ASSERT_TRUE(
	    cJSON_IsNumber(cJSON_GetObjectItem(first, "syncStartedAt")));
	ASSERT_STR_NOT_CONTAINS(r.out, "ago");
	cJSON_Delete(j);
	run_free(&r);
	teardown();
}

/* What NMKR lists for the project is replaced by body (its secrets new). */
static void
nmkr_set(const char *body)
{
	const char *hdr[] = {"Authorization: Bearer " KEY, NULL};
	struct cs_test_resp r;
	char url[256];

	snprintf(url, sizeof(url), "%s/v2/UpdateNotifications/%s",
	    fake.base_url, PROJECT);
	r = cs_test_http("POST", url, body, hdr);
	ASSERT_EQ(r.status, 200);
	cs_test_resp_free(&r);
}

/* doctor: one line per check; exit 0 only when none fails. Blockfrost is
 * skipped ("not configured") without its project id, checked with it. */
CS_TEST(cli_ops__doctor)
{
	char *bfbin = cs_build_path("tools/fake-blockfrost/fake-blockfrost");
	const char *bfargv[] = {bfbin, "--listen", "127.0.0.1:0",
	    "--project-id", "preprodDoctor0123456789", NULL};
	struct cs_fakeproc bf;
	char *env_bf = NULL;
	struct run r;

	setup("3");
	/* No webhook yet: that check fails, the others pass. */
	r = cs("doctor");
	ASSERT_EQ(r.code, 1);
	ASSERT_STR_CONTAINS(r.out, "ok    configuration: ");
	ASSERT_STR_CONTAINS(r.out, "ok    database: ");
	ASSERT_STR_CONTAINS(r.out, "writable");
	ASSERT_STR_CONTAINS(r.out, "ok    nmkr Lab Rat: reachable, key "
	                           "accepted, project ");
	ASSERT_STR_CONTAINS(r.out, "FAIL  webhook Lab Rat: none registered");
	ASSERT_STR_CONTAINS(r.out, "ok    clock: ");
	ASSERT_STR_CONTAINS(r.out, "(tolerance 30 s)");
	ASSERT_STR_CONTAINS(r.out, "skip  blockfrost: not configured");
	ASSERT_STR_CONTAINS(r.out, "1 check failed");
	run_free(&r);

	expect_ok(cs("webhook", "register", "Lab Rat",
	    "https://sync.example.com/webhooks/nmkr"));
	cs_fakeproc_start(&bf, bfargv, NULL);
	env_bf = cs_xasprintf("BLOCKFROST_API_URL=%s", bf.base_url);
	env_set(3, env_bf);
	env_set(4, "BLOCKFROST_PROJECT_ID=preprodDoctor0123456789");
	r = cs("doctor", "Lab Rat");
	ASSERT_EQ(r.code, 0);
	ASSERT_STR_CONTAINS(r.out, "ok    webhook Lab Rat: NMKR lists "
	                           "https://sync.example.com/webhooks/nmkr");
	ASSERT_STR_CONTAINS(r.out, "ok    blockfrost: reachable");
	ASSERT_STR_CONTAINS(r.out, "every check passed");
	ASSERT_STR_NOT_CONTAINS(r.out, "preprodDoctor0123456789");
	run_free(&r);

	/* A wrong Blockfrost project id, and NMKR holding another secret. */
	env_set(4, "BLOCKFROST_PROJECT_ID=preprodWrong0123456789");
	nmkr_set("[{\"notificationType\":\"webhook\",\"address\":"
	         "\"https://sync.example.com/webhooks/nmkr\","
	         "\"isActive\":true}]");
	r = cs("doctor");
	ASSERT_EQ(r.code, 1);
	ASSERT_STR_CONTAINS(r.out, "FAIL  blockfrost: the project id is "
	                           "refused");
	ASSERT_STR_CONTAINS(r.out, "FAIL  webhook Lab Rat: NMKR lists "
	                           "https://sync.example.com/webhooks/nmkr, "
	                           "but holds another secret");
	ASSERT_STR_CONTAINS(r.out, "2 checks failed");
	run_free(&r);

	/* A refused key, and a campaign that does not exist. */
	env[1] = "NMKR_API_KEY=not-the-key";
	r = cs("doctor", "Lab Rat");
	ASSERT_EQ(r.code, 1);
	ASSERT_STR_CONTAINS(r.out, "FAIL  nmkr Lab Rat: reachable, but the "
	                           "key is refused");
	ASSERT_STR_CONTAINS(r.out, "skip  clock: NMKR did not answer");
	ASSERT_STR_NOT_CONTAINS(r.out, "not-the-key");
	run_free(&r);
	r = cs("doctor", "Nope");
	ASSERT_EQ(r.code, 1);
	ASSERT_STR_CONTAINS(r.out, "FAIL  campaign Nope: ");
	run_free(&r);
	r = cs("doctor", "a", "b");
	ASSERT_EQ(r.code, 64);
	run_free(&r);

	ASSERT_EQ(cs_fakeproc_stop(&bf), 0);
	free(env_bf);
	free(bfbin);
	teardown();
}

/* Human output says how long ago (logs, campaign list and show, nft
 * show) and "not configured" instead of zeros without Blockfrost; --json
 * keeps its numbers. */
CS_TEST(cli_ops__relative_times_and_not_configured)
{
	struct run r;
	char *uid;

	setup("3");
	r = cs("campaign", "list");
	ASSERT_EQ(r.code, 0);
	ASSERT_CELL(r.out, "Lab Rat", "LAST SYNC", "never");
	run_free(&r);
	sell_here(1);
	r = cs("sync", "Lab Rat", "--quiet-progress");
	ASSERT_TRUE(r.code == 0 || r.code == 3);
	ASSERT_STR_CONTAINS(r.out, "Chain verification: not configured "
	                           "(BLOCKFROST_PROJECT_ID is not set)");
	ASSERT_STR_NOT_CONTAINS(r.out, "0 verified");
	run_free(&r);

	r = cs("campaign", "list");
	ASSERT_CELL(r.out, "Lab Rat", "LAST SYNC", "just now");
	run_free(&r);
	r = cs("campaign", "show", "Lab Rat");
	ASSERT_EQ(r.code, 0);
	ASSERT_STR_CONTAINS(r.out, "Z (just now)\n");
	ASSERT_STR_CONTAINS(r.out, "Chain checks       not configured");
	run_free(&r);
	r = cs("campaign", "show", "Lab Rat", "--json");
	ASSERT_STR_NOT_CONTAINS(r.out, "just now");
	ASSERT_STR_NOT_CONTAINS(r.out, "not configured");
	run_free(&r);

	uid = uid_of(1);
	r = cs("nft", "show", uid);
	ASSERT_EQ(r.code, 0);
	ASSERT_STR_CONTAINS(r.out, "(just now), tx");
	ASSERT_CELL(r.out, "set by an operator", "AGO", "just now");
	run_free(&r);
	r = cs("nft", "show", uid, "--json");
	ASSERT_STR_NOT_CONTAINS(r.out, "just now");
	run_free(&r);
	r = cs("review", "list", "Lab Rat");
	ASSERT_EQ(r.code, 0);
	ASSERT_CELL(r.out, uid, "CREATED", "just now");
	run_free(&r);
	free(uid);

	r = cs("verify", "Lab Rat", "--status");
	ASSERT_EQ(r.code, 0);
	ASSERT_STR_CONTAINS(r.out, "not configured (BLOCKFROST_PROJECT_ID is "
	                           "not set");
	ASSERT_STR_NOT_CONTAINS(r.out, "0 of 1");
	run_free(&r);
	r = cs("verify", "Lab Rat", "--status", "--json");
	ASSERT_EQ(r.code, 0);
	ASSERT_STR_CONTAINS(r.out, "\"sold\":");
	run_free(&r);
	teardown();
}

/* A sync's report lists its discrepancies by NFT number, #2 before #10,
 * whatever order NMKR lists them in: here NMKR's first NFT is "Rat #12". */
CS_TEST(cli_ops__discrepancies_in_number_order)
{
	const char *at, *prev = NULL;
	char name[32], *uid;
	struct cs_buf doc;
	struct run r;
	int i;

	cs_buf_init(&doc, 1 << 16);
	ASSERT_OK(cs_buf_printf(
	    &doc, "{\"projects\":[{\"uid\":\"%s\",\"nfts\":[", PROJECT));
	for (i = 12; i >= 1; i--)
		ASSERT_OK(cs_buf_printf(&doc,
		    "%s{\"name\":\"Rat%02d\",\"displayname\":\"Rat #%d\"}",
		    i == 12 ? "" : ",", i, i));
	ASSERT_OK(cs_buf_printf(&doc, "]}]}"));
	seed = cs_buf_cstr(&doc);
	setup("12");
	seed = NULL;
	cs_buf_dispose(&doc);
	for (i = 1; i <= 12; i++) {
		uid = uid_of(i);
		expect_ok(cs("nft", "set-status", uid, "sold"));
		free(uid);
	}
	r = cs("sync", "Lab Rat", "--quiet-progress");
	ASSERT_TRUE(r.code == 0 || r.code == 3);
	ASSERT_STR_CONTAINS(r.out, "Discrepancies (12)");
	for (i = 1; i <= 12; i++) {
		snprintf(name, sizeof(name), "\nRat #%d ", i);
		at = strstr(strstr(r.out, "Discrepancies (12)"), name);
		ASSERT_TRUE(at != NULL);
		if (prev != NULL && at < prev)
			cs_test_fail(__FILE__, __LINE__, "#%d before #%d:\n%s",
			    i, i - 1, r.out);
		prev = at;
	}
	run_free(&r);
	teardown();
}

/* campaign-sync as a user to whom the file is read-only: as is when we
 * are not root, else through setpriv as nobody (root writes anything). */
static int
run_as_reader(const char *url, const char *a0, const char *a1, const char *a2,
    char **out, char **errout)
{
	char *db = cs_xasprintf("CS_DATABASE_URL=%s", url);
	const char *renv[] = {db, NULL};
	const char *argv[12];
	size_t n = 0;
	int code;

	if (geteuid() == 0) {
		if (access("/usr/bin/setpriv", X_OK) != 0)
			CS_CANNOT_RUN("root, and no setpriv to read the "
			              "database as another user");
		argv[n++] = "/usr/bin/setpriv";
		argv[n++] = "--reuid=65534";
		argv[n++] = "--regid=65534";
		argv[n++] = "--clear-groups";
	}
	argv[n++] = bin;
	argv[n++] = a0;
	argv[n++] = a1;
	argv[n++] = a2;
	argv[n] = NULL;
	code = cs_test_run(argv, renv, NULL, out, errout);
	free(db);
	return code;
}

/* A database file that is read-only to us (and in a read-only directory,
 * so that SQLite cannot make its -shm file) serves the read commands; a
 * write command fails naming the file. */
CS_TEST(cli_ops__read_only_database)
{
	char dir[] = "/tmp/cs-ro.XXXXXX", *path, *url, *out, *errout;

	ASSERT_TRUE(mkdtemp(dir) != NULL);
	ASSERT_EQ(chmod(dir, 0755), 0);
	path = cs_xasprintf("%s/ro.db", dir);
	url = cs_xasprintf("sqlite:%s", path);
	start("3", false);
	free(env_db);
	env_db = cs_xasprintf("CS_DATABASE_URL=%s", url);
	env_set(2, env_db);
	expect_ok(cs("campaign", "create", "--name", "Lab Rat", "--project",
	    PROJECT, "--max", "100"));
	expect_ok(cs("inventory", "import", "Lab Rat", "--from-nmkr"));
	ASSERT_EQ(chmod(path, 0444), 0);
	ASSERT_EQ(chmod(dir, 0555), 0);

	ASSERT_EQ(
	    run_as_reader(url, "campaign", "list", NULL, &out, &errout), 0);
	ASSERT_STR_CONTAINS(out, "Lab Rat");
	free(out);
	free(errout);
	ASSERT_EQ(
	    run_as_reader(url, "inventory", "list", "Lab Rat", &out, &errout),
	    0);
	ASSERT_STR_CONTAINS(out, "Campaign #3");
	free(out);
	free(errout);
	ASSERT_EQ(run_as_reader(url, "logs", NULL, NULL, &out, &errout), 0);
	free(out);
	free(errout);
	ASSERT_EQ(run_as_reader(
	              url, "campaign", "activate", "Lab Rat", &out, &errout),
	    74);
	ASSERT_STR_CONTAINS(errout, path);
	ASSERT_STR_CONTAINS(errout, "is read-only");
	free(out);
	free(errout);
	/* serve writes all the time: it refuses to start. */
	ASSERT_EQ(run_as_reader(
	              url, "serve", "--listen", "127.0.0.1:0", &out, &errout),
	    74);
	ASSERT_STR_CONTAINS(errout, "serve needs a database it can write");
	ASSERT_STR_CONTAINS(errout, path);
	free(out);
	free(errout);

	ASSERT_EQ(chmod(dir, 0755), 0);
	ASSERT_EQ(chmod(path, 0644), 0);
	unlink(path);
	rmdir(dir);
	free(url);
	free(path);
	teardown();
}

/* NMKR's clock two minutes ahead of ours: the clock check fails, and says
 * by how much and what it tolerates. */
CS_TEST(cli_ops__doctor_clock)
{
	struct run r;

	clock_offset = "120";
	setup("3");
	clock_offset = NULL;
	expect_ok(cs("webhook", "register", "Lab Rat",
	    "https://sync.example.com/webhooks/nmkr"));
	r = cs("doctor");
	ASSERT_EQ(r.code, 1);
	ASSERT_STR_CONTAINS(r.out, "ok    webhook Lab Rat: ");
	ASSERT_STR_CONTAINS(r.out, "FAIL  clock: ours is 1"); /* 119 or 120 */
	ASSERT_STR_CONTAINS(r.out, " s behind NMKR's (tolerance 30 s)");
	ASSERT_STR_CONTAINS(r.out, "1 check failed");
	run_free(&r);
	teardown();
}
