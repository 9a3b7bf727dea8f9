/* SPDX-License-Identifier: MIT */
/* Shared test data; see fixture.h. */
#include "support/fixture.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test.h"
#include "util/xalloc.h"

char *
cs_fixture_uid(unsigned seed, unsigned i)
{
	uint32_t st = seed * 2654435761u + i * 40503u + 1u;
	uint32_t a = cs_test_rand(&st), b = cs_test_rand(&st);
	uint32_t c = cs_test_rand(&st), d = cs_test_rand(&st);

	return cs_xasprintf("%08x-%04x-4%03x-8%03x-%04x%08x", a ^ i, b & 0xffff,
	    (b >> 16) & 0xfff, c & 0xfff, (c >> 16) & 0xffff, d ^ seed);
}

char *
cs_fixture_store_url(void)
{
	const char *kind = getenv("CS_TEST_STORE");
	static unsigned counter;

	if (kind == NULL || strcmp(kind, "memory") == 0)
		return cs_xstrdup("sqlite::memory:");
	if (strcmp(kind, "file") == 0) {
		char *path, *url;

		path =
		    cs_xasprintf("%s/store-%u.db", cs_test_tmpdir(), counter++);
		url = cs_xasprintf("sqlite:%s", path);
		free(path);
		return url;
	}
	if (strcmp(kind, "pg") == 0) {
		const char *dsn = getenv("CS_TEST_PG_DSN");

		if (dsn == NULL || *dsn == '\0')
			CS_CANNOT_RUN(
			    "CS_TEST_PG_DSN is not set (make test starts "
			    "a PostgreSQL cluster and sets it)");
#ifdef CS_WITH_POSTGRES
		return cs_fixture_pg_url(dsn);
#else
		CS_CANNOT_RUN("built without the PostgreSQL backend");
#endif
	}
	fprintf(stderr, "unknown CS_TEST_STORE=%s\n", kind);
	exit(2);
}

bool
cs_fixture_db_is_pg(void)
{
	const char *kind = getenv("CS_TEST_STORE");

	return kind != NULL && strcmp(kind, "pg") == 0;
}

char *
cs_fixture_db_url(const char *name)
{
	static struct {
		char *name, *url;
	} made[16];
	static size_t nmade;
	const char *dsn;
	char *path, *url;
	size_t i;

	if (!cs_fixture_db_is_pg()) {
		path = cs_test_path(name);
		url = cs_xasprintf("sqlite:%s", path);
		free(path);
		return url;
	}
	for (i = 0; i < nmade; i++) {
		if (strcmp(made[i].name, name) == 0)
			return cs_xstrdup(made[i].url);
	}
	dsn = getenv("CS_TEST_PG_DSN");
	if (dsn == NULL || *dsn == '\0')
		CS_CANNOT_RUN("CS_TEST_PG_DSN is not set (make test starts a "
		              "PostgreSQL cluster and sets it)");
#ifdef CS_WITH_POSTGRES
	if (nmade == sizeof(made) / sizeof(made[0])) {
		fprintf(stderr, "fixture: too many databases in one test\n");
		exit(1);
	}
	made[nmade].name = cs_xstrdup(name);
	made[nmade].url = cs_fixture_pg_url(dsn);
	return cs_xstrdup(made[nmade++].url);
#else
	CS_CANNOT_RUN("built without the PostgreSQL backend");
#endif
}

void
cs_fixture_db_exec(const char *url, const char *sql)
{
	sqlite3 *db = NULL;
	char *msg = NULL;

	if (strncmp(url, "sqlite:", 7) != 0) {
#ifdef CS_WITH_POSTGRES
		cs_fixture_pg_exec(url, sql);
		return;
#else
		cs_test_fail(__FILE__, __LINE__, "not a SQLite URL: %s", url);
#endif
	}
	if (sqlite3_open(url + 7, &db) != SQLITE_OK ||
	    sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
		cs_test_fail(__FILE__, __LINE__, "%s: %s", sql,
		    msg != NULL ? msg : sqlite3_errmsg(db));
	sqlite3_free(msg);
	sqlite3_close(db);
}
