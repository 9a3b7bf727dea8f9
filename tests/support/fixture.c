/* SPDX-License-Identifier: MIT */
/* Shared test data; see fixture.h. */
#include "support/fixture.h"

#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/wallet.h"
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

/* kind 0: preprod payment, 1: preprod stake, 2: mainnet payment. */
static const char *
fixture_address(unsigned kind, unsigned n)
{
	static char *cache[3][CS_FIXTURE_WALLETS];
	static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
	uint8_t b[57];
	uint32_t st = n * 2246822519u + 7u;
	char out[CS_WALLET_MAX_CHARS + 1];
	const char *hrp = kind == 0   ? "addr_test"
	                  : kind == 1 ? "stake_test"
	                              : "addr";
	size_t i, len = 57;

	ASSERT_LT(n, CS_FIXTURE_WALLETS);
	pthread_mutex_lock(&lock);
	if (cache[kind][n] == NULL) {
		for (i = 1; i < 57; i++)
			b[i] = (uint8_t)cs_test_rand(&st);
		b[0] = kind == 2 ? 0x01 : 0x00; /* base address, key/key */
		if (kind == 1) {
			/* Stake key address: header 0xe0 | tag, the base
			 * address's second hash. */
			memmove(b + 1, b + 29, 28);
			b[0] = 0xe0;
			len = 29;
		}
		ASSERT_OK(cs_bech32_encode(out, sizeof(out), hrp, b, len));
		cache[kind][n] = cs_xstrdup(out);
	}
	pthread_mutex_unlock(&lock);
	return cache[kind][n];
}

const char *
cs_fixture_wallet(unsigned n)
{
	return fixture_address(0, n);
}

const char *
cs_fixture_stake(unsigned n)
{
	return fixture_address(1, n);
}

const char *
cs_fixture_wallet_mainnet(unsigned n)
{
	return fixture_address(2, n);
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
