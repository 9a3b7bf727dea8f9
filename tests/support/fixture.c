/* SPDX-License-Identifier: MIT */
/* Shared test data; see fixture.h. */
#include "support/fixture.h"

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
			CS_SKIP("CS_TEST_PG_DSN is not set: PostgreSQL tests "
			        "skipped (CI sets it)");
#ifdef CS_WITH_POSTGRES
		return cs_fixture_pg_url(dsn);
#else
		CS_SKIP("built without the PostgreSQL backend");
#endif
	}
	fprintf(stderr, "unknown CS_TEST_STORE=%s\n", kind);
	exit(2);
}
