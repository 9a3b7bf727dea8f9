/* SPDX-License-Identifier: MIT */
/*
 * The campaign-sync command line, run as a program against a real SQLite
 * file: the admin flow of the foundation issue and its bad-input cases
 * (one clear line, a sysexits code, and nothing changed).
 */
#include "test.h"

#include <ctype.h>
#include <stdarg.h>

#include <cjson/cJSON.h>
#include <sqlite3.h>

#include "support/fakeproc.h"
#include "support/fixture.h"
#include "util/xalloc.h"

#define PROJECT "9e2d000a-ed53-4db4-819b-25cdab41fd47"

struct run {
	int code;
	char *out;
	char *err;
};

static char *db_env;

/* Run campaign-sync with the arguments up to a NULL. */
static struct run
cs_(const char *first, ...)
{
	const char *argv[24] = {NULL};
	const char *env[2] = {NULL, NULL};
	struct run r;
	char *bin = cs_build_path("src/cli/campaign-sync");
	const char *a;
	va_list ap;
	size_t n = 1;

	if (db_env == NULL) {
		char *path = cs_test_path("cs.db");

		db_env = cs_xasprintf("CS_DATABASE_URL=sqlite:%s", path);
		free(path);
	}
	argv[0] = bin;
	va_start(ap, first);
	for (a = first; a != NULL && n < 23; a = va_arg(ap, const char *))
		argv[n++] = a;
	va_end(ap);
	env[0] = db_env;
	r.code = cs_test_run(argv, env, NULL, &r.out, &r.err);
	free(bin);
	return r;
}

#define cs(...) cs_(__VA_ARGS__, (const char *)NULL)
#define CS1(...) cs(__VA_ARGS__)
#define CS2(...) cs(__VA_ARGS__)
#define CS3(...) cs(__VA_ARGS__)
#define CS4(...) cs(__VA_ARGS__)
#define CS5(...) cs(__VA_ARGS__)
#define CS6(...) cs(__VA_ARGS__)

static void
run_free(struct run *r)
{
	free(r->out);
	free(r->err);
}

static void
expect_ok(struct run r)
{
	if (r.code != 0)
		cs_test_fail(__FILE__, __LINE__, "exit %d: %s", r.code, r.err);
	run_free(&r);
}

static char *
csv_path(void)
{
	return cs_xasprintf("%s/csv/lab-rat-100.csv", cs_test_fixtures());
}

static void
create_lab_rat(void)
{
	char *csv = csv_path();

	expect_ok(cs("campaign", "create", "--name", "Lab Rat", "--project",
	    PROJECT, "--max", "100"));
	expect_ok(CS5("inventory", "import", "Lab Rat", "--csv", csv));
	free(csv);
}

static cJSON *
json_of(struct run *r)
{
	cJSON *j = cJSON_Parse(r->out);

	if (j == NULL)
		cs_test_fail(__FILE__, __LINE__, "not JSON: %s", r->out);
	return j;
}

static int64_t
num(const cJSON *o, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);

	if (!cJSON_IsNumber(v))
		cs_test_fail(__FILE__, __LINE__, "no number %s", name);
	return (int64_t)v->valuedouble;
}

CS_TEST(cli__admin_flow)
{
	struct run r;
	cJSON *list, *item, *camp;
	char uid[64];
	int64_t expect = 1;
	size_t n = 0;

	create_lab_rat();

	/* 100 available NFTs, in number order. */
	r = CS6(
	    "inventory", "list", "Lab Rat", "--status", "available", "--json");
	ASSERT_EQ(r.code, 0);
	list = json_of(&r);
	ASSERT_EQ(cJSON_GetArraySize(list), 100);
	cJSON_ArrayForEach(item, list) {
		ASSERT_EQ(num(item, "nftNumber"), expect++);
		ASSERT_STR_EQ(cJSON_GetObjectItem(item, "status")->valuestring,
		    "available");
		n++;
	}
	ASSERT_EQ(n, 100);
	snprintf(uid, sizeof(uid), "%s",
	    cJSON_GetObjectItem(cJSON_GetArrayItem(list, 0), "nftUid")
	        ->valuestring);
	cJSON_Delete(list);
	run_free(&r);

	/* Sold by an operator: a history row with source admin. */
	expect_ok(CS4("nft", "set-status", uid, "sold"));
	r = CS4("nft", "show", uid, "--json");
	ASSERT_EQ(r.code, 0);
	item = json_of(&r);
	ASSERT_STR_EQ(cJSON_GetObjectItem(item, "status")->valuestring, "sold");
	list = cJSON_GetObjectItem(item, "history");
	ASSERT_EQ(cJSON_GetArraySize(list), 1);
	ASSERT_STR_EQ(cJSON_GetObjectItem(cJSON_GetArrayItem(list, 0), "source")
	                  ->valuestring,
	    "admin");
	ASSERT_STR_EQ(
	    cJSON_GetObjectItem(cJSON_GetArrayItem(list, 0), "newStatus")
	        ->valuestring,
	    "sold");
	cJSON_Delete(item);
	run_free(&r);

	r = CS4("campaign", "show", "--json", "Lab Rat");
	ASSERT_EQ(r.code, 0);
	camp = json_of(&r);
	ASSERT_EQ(num(camp, "totalNFTs"), 100);
	ASSERT_EQ(num(camp, "availableNFTs"), 99);
	ASSERT_EQ(num(camp, "soldNFTs"), 1);
	ASSERT_EQ(num(camp, "reservedNFTs"), 0);
	ASSERT_STR_CONTAINS(r.out, "\"nmkrProjectId\"");
	cJSON_Delete(camp);
	run_free(&r);

	/* The human forms read well. */
	r = CS1("campaign");
	ASSERT_EQ(r.code, 64);
	run_free(&r);
	r = CS2("campaign", "list");
	ASSERT_EQ(r.code, 0);
	ASSERT_STR_CONTAINS(r.out, "Lab Rat");
	ASSERT_STR_CONTAINS(r.out, "AVAILABLE");
	run_free(&r);
	expect_ok(CS3("campaign", "activate", "Lab Rat"));
	r = CS3("campaign", "show", "1");
	ASSERT_STR_CONTAINS(r.out, "Lab Rat (active)");
	ASSERT_STR_CONTAINS(r.out, "99 available");
	run_free(&r);
}

CS_TEST(cli__every_table_of_the_spec)
{
	static const char *const tables[] = {"campaigns", "nfts", "sync_log",
	    "status_history", "webhook_events", "review_queue", "chain_checks",
	    "sync_runs", "schema_migrations"};
	char *path = cs_test_path("cs.db");
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	size_t i;

	expect_ok(CS1("migrate"));
	ASSERT_EQ(sqlite3_open(path, &db), SQLITE_OK);
	for (i = 0; i < sizeof(tables) / sizeof(tables[0]); i++) {
		ASSERT_EQ(
		    sqlite3_prepare_v2(db,
		        "SELECT COUNT(*) FROM "
		        "sqlite_master WHERE type = 'table' AND name = ?1",
		        -1, &st, NULL),
		    SQLITE_OK);
		sqlite3_bind_text(st, 1, tables[i], -1, SQLITE_STATIC);
		ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
		if (sqlite3_column_int(st, 0) != 1)
			cs_test_fail(
			    __FILE__, __LINE__, "no table %s", tables[i]);
		sqlite3_finalize(st);
	}
	/* WAL and the lowest-available index are real. */
	ASSERT_EQ(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &st, NULL),
	    SQLITE_OK);
	ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
	ASSERT_STR_EQ((const char *)sqlite3_column_text(st, 0), "wal");
	sqlite3_finalize(st);
	ASSERT_EQ(
	    sqlite3_prepare_v2(db,
	        "EXPLAIN QUERY PLAN SELECT id FROM "
	        "nfts WHERE campaign_id = 1 AND status = 'available' ORDER BY "
	        "nft_number LIMIT 1",
	        -1, &st, NULL),
	    SQLITE_OK);
	ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
	ASSERT_STR_CONTAINS((const char *)sqlite3_column_text(st, 3),
	    "nfts_by_campaign_status_number");
	sqlite3_finalize(st);
	sqlite3_close(db);
	free(path);
}

/* Each bad input: the exit code, one line naming the problem, and the
 * database as it was. */
CS_TEST(cli__bad_input_changes_nothing)
{
	struct run r, before, after;
	char *bad = cs_test_path("bad.csv");
	char *other = cs_test_path("other.db"), *url;
	sqlite3 *db;

	create_lab_rat();
	before = CS3("inventory", "list", "Lab Rat");

	r = CS3("campaign", "show", "Nope");
	ASSERT_EQ(r.code, 66);
	ASSERT_STR_EQ(r.err, "campaign-sync: no campaign 'Nope'\n");
	run_free(&r);

	r = cs("campaign", "create", "--name", "Lab Rat", "--project", PROJECT,
	    "--max", "5");
	ASSERT_EQ(r.code, 65);
	ASSERT_STR_CONTAINS(r.err, "a campaign named 'Lab Rat' exists");
	run_free(&r);

	r = CS4("nft", "set-status", "5c810e70-dc0e-40ff-98d0-67742f95918b",
	    "gone");
	ASSERT_EQ(r.code, 64);
	ASSERT_STR_CONTAINS(
	    r.err, "status must be available, reserved or sold");
	run_free(&r);

	r = CS4("nft", "set-status", "5c810e70-dc0e-40ff-98d0-67742f95918b",
	    "sold");
	ASSERT_EQ(r.code, 66);
	run_free(&r);

	{
		static const char text[] =
		    "Uid,Tokenname\n"
		    "5c810e70-dc0e-40ff-98d0-67742f95918b,A\n"
		    "5c810e70-dc0e-40ff-98d0-67742f95918c,\"B\n";

		cs_test_write_file(bad, text, sizeof(text) - 1);
	}
	expect_ok(cs("campaign", "create", "--name", "Pilot", "--project",
	    PROJECT, "--max", "5"));
	r = CS5("inventory", "import", "Pilot", "--csv", bad);
	ASSERT_EQ(r.code, 65);
	ASSERT_STR_EQ(r.err, "campaign-sync: line 3: a quoted field is never "
	                     "closed\n");
	run_free(&r);
	r = CS3("inventory", "list", "Pilot");
	ASSERT_STR_CONTAINS(r.out, "no NFTs in Pilot");
	run_free(&r);

	/* NFTs of another campaign, or more than max_nfts: refused whole. */
	{
		char *csv = csv_path(), *six = cs_test_path("six.csv");
		static const char text[] =
		    "Uid,Tokenname\n"
		    "00000000-0000-4000-8000-000000000001,A\n"
		    "00000000-0000-4000-8000-000000000002,B\n"
		    "00000000-0000-4000-8000-000000000003,C\n"
		    "00000000-0000-4000-8000-000000000004,D\n"
		    "00000000-0000-4000-8000-000000000005,E\n"
		    "00000000-0000-4000-8000-000000000006,F\n";

		r = CS5("inventory", "import", "Pilot", "--csv", csv);
		ASSERT_EQ(r.code, 65);
		ASSERT_STR_CONTAINS(r.err, "already belongs to campaign 1");
		run_free(&r);
		cs_test_write_file(six, text, sizeof(text) - 1);
		r = CS5("inventory", "import", "Pilot", "--csv", six);
		ASSERT_EQ(r.code, 65);
		ASSERT_STR_CONTAINS(r.err, "maximum of 5");
		run_free(&r);
		free(six);
		free(csv);
	}

	r = CS3("campaign", "activate", "Pilot");
	ASSERT_EQ(r.code, 65);
	ASSERT_STR_CONTAINS(r.err, "no NFTs");
	run_free(&r);

	/* The export of another NMKR project: refused whole. */
	{
		char *csv = csv_path();

		expect_ok(cs("campaign", "create", "--name", "Elsewhere",
		    "--project", "0b7e3c55-1111-4aaa-8bbb-123456789abc",
		    "--max", "100"));
		r = CS5("inventory", "import", "Elsewhere", "--csv", csv);
		ASSERT_EQ(r.code, 65);
		ASSERT_STR_CONTAINS(r.err,
		    "an export of NMKR project "
		    "9e2d000a-ed53-4db4-819b-25cdab41fd47");
		ASSERT_STR_CONTAINS(
		    r.err, "0b7e3c55-1111-4aaa-8bbb-123456789abc");
		run_free(&r);
		r = CS3("inventory", "list", "Elsewhere");
		ASSERT_STR_CONTAINS(r.out, "no NFTs in Elsewhere");
		run_free(&r);
		free(csv);
	}

	expect_ok(CS2("campaign", "list"));
	r = CS2("campaign", "frobnicate");
	ASSERT_EQ(r.code, 64);
	ASSERT_STR_CONTAINS(r.err, "unknown campaign command 'frobnicate'");
	run_free(&r);

	/* A database that is not ours is refused, and left alone. */
	ASSERT_EQ(sqlite3_open(other, &db), SQLITE_OK);
	ASSERT_EQ(sqlite3_exec(db, "CREATE TABLE mine (x)", NULL, NULL, NULL),
	    SQLITE_OK);
	sqlite3_close(db);
	url = cs_xasprintf("sqlite:%s", other);
	r = CS4("--db", url, "campaign", "list");
	ASSERT_EQ(r.code, 78);
	ASSERT_STR_CONTAINS(r.err, "is not a campaign-sync database");
	run_free(&r);
	ASSERT_EQ(sqlite3_open(other, &db), SQLITE_OK);
	ASSERT_EQ(sqlite3_exec(db, "SELECT * FROM campaigns", NULL, NULL, NULL),
	    SQLITE_ERROR);
	sqlite3_close(db);

	after = CS3("inventory", "list", "Lab Rat");
	ASSERT_STR_EQ(after.out, before.out);
	run_free(&before);
	run_free(&after);
	free(url);
	free(other);
	free(bad);
}

/* NMKR_TIMEZONE is loaded when the configuration is read: a zone that
 * does not exist, or a name that is not one, is a configuration error
 * (78) naming the variable, before any command runs. */
CS_TEST(cli__bad_nmkr_timezone_is_a_configuration_error)
{
	static const char *const bad[] = {"NMKR_TIMEZONE=Mars/Olympus",
	    "NMKR_TIMEZONE=../../etc/passwd", "CS_WEBHOOK_GRACE_SECONDS=soon",
	    "CS_WEBHOOK_GRACE_SECONDS=-1", NULL};
	char *bin = cs_build_path("src/cli/campaign-sync");
	const char *argv[] = {bin, "campaign", "list", NULL};
	const char *env[3] = {NULL, NULL, NULL};
	char *out, *err;
	size_t i;

	expect_ok(CS2("campaign", "list")); /* sets db_env */
	env[0] = db_env;
	for (i = 0; bad[i] != NULL; i++) {
		env[1] = bad[i];
		ASSERT_EQ(cs_test_run(argv, env, NULL, &out, &err), 78);
		ASSERT_STR_CONTAINS(
		    err, i < 2 ? "NMKR_TIMEZONE" : "CS_WEBHOOK_GRACE_SECONDS");
		free(out);
		free(err);
	}
	env[1] = "NMKR_TIMEZONE=Europe/Berlin";
	ASSERT_EQ(cs_test_run(argv, env, NULL, &out, &err), 0);
	free(out);
	free(err);
	free(bin);
}

CS_TEST(cli__delete_guards_sales)
{
	struct run r, list;
	cJSON *j;
	char uid[64];

	create_lab_rat();
	list = CS5("inventory", "list", "Lab Rat", "--limit", "1");
	run_free(&list);
	list = cs("inventory", "list", "Lab Rat", "--limit", "1", "--json");
	j = json_of(&list);
	snprintf(uid, sizeof(uid), "%s",
	    cJSON_GetObjectItem(cJSON_GetArrayItem(j, 0), "nftUid")
	        ->valuestring);
	cJSON_Delete(j);
	run_free(&list);
	expect_ok(CS4("nft", "set-status", uid, "sold"));
	r = CS3("campaign", "delete", "Lab Rat");
	ASSERT_EQ(r.code, 65);
	ASSERT_STR_CONTAINS(r.err, "1 sold NFTs");
	run_free(&r);
	expect_ok(CS3("campaign", "show", "Lab Rat"));
	r = CS4("campaign", "delete", "Lab Rat", "--force");
	ASSERT_EQ(r.code, 0);
	ASSERT_STR_CONTAINS(r.out, "its 100 NFTs");
	run_free(&r);
	r = CS3("campaign", "show", "Lab Rat");
	ASSERT_EQ(r.code, 66);
	run_free(&r);
}

CS_TEST(cli__update_and_repair_links)
{
	struct run r;
	cJSON *j;

	create_lab_rat();
	r = cs("campaign", "update", "Lab Rat", "--network", "preprod", "--max",
	    "150", "--json");
	ASSERT_EQ(r.code, 0);
	j = json_of(&r);
	ASSERT_EQ(num(j, "maxNFTs"), 150);
	ASSERT_STR_EQ(
	    cJSON_GetObjectItem(j, "network")->valuestring, "preprod");
	cJSON_Delete(j);
	run_free(&r);
	r = CS3("inventory", "repair-links", "Lab Rat");
	ASSERT_EQ(r.code, 0);
	ASSERT_STR_CONTAINS(r.out, "rebuilt 100 payment links");
	run_free(&r);
	r = cs("inventory", "list", "Lab Rat", "--limit", "1", "--json");
	ASSERT_STR_CONTAINS(r.out, "https://pay.preprod.nmkr.io/?p=");
	run_free(&r);
	r = CS3("inventory", "repair-links", "Lab Rat");
	ASSERT_STR_CONTAINS(r.out, "rebuilt 0 payment links");
	run_free(&r);
	r = cs("campaign", "update", "Lab Rat", "--max", "50");
	ASSERT_EQ(r.code, 65);
	ASSERT_STR_CONTAINS(r.err, "below the 100 NFTs");
	run_free(&r);
}

CS_TEST(cli__logs_empty_and_filters)
{
	struct run r;

	r = CS1("logs");
	ASSERT_EQ(r.code, 0);
	ASSERT_STR_CONTAINS(r.out, "no sync log entries");
	run_free(&r);
	r = CS3("logs", "--status", "weird");
	ASSERT_EQ(r.code, 64);
	run_free(&r);
	r = CS2("logs", "--json");
	ASSERT_EQ(r.code, 0);
	ASSERT_STR_EQ(r.out, "[]\n");
	run_free(&r);
}

/* The webhook settings are read and checked at start, as every other. */
CS_TEST(cli__webhook_settings_are_checked)
{
	static const char *const bad[] = {"3 weeks", "30x", "-1", "d", "1.5h"};
	static const char *const good[] = {"0", "3600", "90m", "12h", "30d"};
	struct run r;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ASSERT_EQ(setenv("CS_WEBHOOK_RETENTION", bad[i], 1), 0);
		r = CS2("campaign", "list");
		ASSERT_EQ(r.code, 78);
		ASSERT_STR_CONTAINS(r.err, "CS_WEBHOOK_RETENTION");
		run_free(&r);
	}
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		ASSERT_EQ(setenv("CS_WEBHOOK_RETENTION", good[i], 1), 0);
		expect_ok(CS2("campaign", "list"));
	}
	ASSERT_EQ(setenv("CS_WEBHOOK_REFUSED_RATE", "many", 1), 0);
	r = CS2("campaign", "list");
	ASSERT_EQ(r.code, 78);
	ASSERT_STR_CONTAINS(r.err, "CS_WEBHOOK_REFUSED_RATE");
	run_free(&r);
	ASSERT_EQ(setenv("CS_WEBHOOK_REFUSED_RATE", "0", 1), 0);
	expect_ok(CS2("campaign", "list"));
}

/* An allow-list file holds addresses of the campaign's network; a bad
 * line is named and nothing changes; entries are stored lower case. */
CS_TEST(cli__allowlist_file_is_checked)
{
	char *good = cs_test_path("good.txt"), *bad = cs_test_path("bad.txt");
	char *text, *upper_stake = cs_xstrdup(cs_fixture_stake(1));
	struct run r;
	cJSON *j;
	size_t i;

	for (i = 0; upper_stake[i] != '\0'; i++)
		upper_stake[i] = (char)toupper((unsigned char)upper_stake[i]);
	expect_ok(cs("campaign", "create", "--name", "Listed", "--project",
	    PROJECT, "--max", "5", "--network", "preprod"));
	text = cs_xasprintf(
	    "# buyers\n%s\n\n%s\n", upper_stake, cs_fixture_wallet(2));
	cs_test_write_file(good, text, strlen(text));
	free(text);
	text = cs_xasprintf("%s\nstake_test1nonsense\n", cs_fixture_wallet(3));
	cs_test_write_file(bad, text, strlen(text));
	free(text);

	expect_ok(CS5("campaign", "update", "Listed", "--allowlist", good));
	r = CS5("campaign", "update", "Listed", "--allowlist", bad);
	ASSERT_EQ(r.code, 65);
	ASSERT_STR_CONTAINS(r.err, "bad.txt line 2: not a bech32");
	run_free(&r);
	/* The mainnet form of a wallet on a preprod campaign. */
	text = cs_xasprintf("%s\n", cs_fixture_wallet_mainnet(3));
	cs_test_write_file(bad, text, strlen(text));
	free(text);
	r = CS5("campaign", "update", "Listed", "--allowlist", bad);
	ASSERT_EQ(r.code, 65);
	ASSERT_STR_CONTAINS(r.err, "other network");
	run_free(&r);

	r = CS4("campaign", "show", "Listed", "--json");
	ASSERT_EQ(r.code, 0);
	j = json_of(&r);
	ASSERT_TRUE(cJSON_IsTrue(cJSON_GetObjectItem(j, "hasAllowlist")));
	cJSON_Delete(j);
	run_free(&r);
	/* The good list stayed, in lower case. */
	{
		char *path = cs_test_path("cs.db");
		sqlite3 *db = NULL;
		sqlite3_stmt *st = NULL;

		ASSERT_EQ(sqlite3_open(path, &db), SQLITE_OK);
		ASSERT_EQ(sqlite3_prepare_v2(db,
		              "SELECT address FROM campaign_allowlist "
		              "ORDER BY address",
		              -1, &st, NULL),
		    SQLITE_OK);
		ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
		ASSERT_STR_EQ((const char *)sqlite3_column_text(st, 0),
		    cs_fixture_wallet(2));
		ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
		ASSERT_STR_EQ((const char *)sqlite3_column_text(st, 0),
		    cs_fixture_stake(1));
		ASSERT_EQ(sqlite3_step(st), SQLITE_DONE);
		sqlite3_finalize(st);
		sqlite3_close(db);
		free(path);
	}
	free(upper_stake);
	free(good);
	free(bad);
}

/* `help CMD [SUB]` prints that command's help, as CMD --help does; every
 * command and sub-command answers --help with 0 (issue 14). */
CS_TEST(cli__help_of_a_command)
{
	static const char *const plain[] = {
	    "sync", "serve", "logs", "migrate", "verify", "demo"};
	static const char *const groups[][2] = {{"campaign", "create"},
	    {"inventory", "export"}, {"nft", "set-status"},
	    {"review", "resolve"}, {"webhook", "register"}};
	struct run r, h;
	size_t i;

	for (i = 0; i < sizeof(plain) / sizeof(plain[0]); i++) {
		r = cs(plain[i], "--help");
		ASSERT_EQ(r.code, 0);
		h = cs("help", plain[i]);
		ASSERT_EQ(h.code, 0);
		ASSERT_STR_EQ(h.out, r.out);
		ASSERT_STR_CONTAINS(h.out, "usage: campaign-sync ");
		run_free(&r);
		run_free(&h);
	}
	for (i = 0; i < sizeof(groups) / sizeof(groups[0]); i++) {
		r = cs(groups[i][0], groups[i][1], "--help");
		ASSERT_EQ(r.code, 0);
		h = cs("help", groups[i][0], groups[i][1]);
		ASSERT_EQ(h.code, 0);
		ASSERT_STR_EQ(h.out, r.out);
		run_free(&r);
		run_free(&h);
		h = cs("help", groups[i][0]);
		ASSERT_EQ(h.code, 0);
		ASSERT_STR_CONTAINS(h.out, groups[i][1]);
		run_free(&h);
	}
	h = cs("help", "nope");
	ASSERT_EQ(h.code, 64);
	ASSERT_STR_CONTAINS(h.err, "no command 'nope'");
	run_free(&h);
	h = cs("help", "review", "nope");
	ASSERT_EQ(h.code, 64);
	run_free(&h);
}
