/* SPDX-License-Identifier: MIT */
/* Shared test data: uids, store URLs per backend. */
#ifndef CS_TEST_FIXTURE_H
#define CS_TEST_FIXTURE_H

/** A GUID derived from (seed, i), the same every run; caller frees. */
char *cs_fixture_uid(unsigned seed, unsigned i);

/**
 * The store URL of this run, from CS_TEST_STORE: "memory" (default),
 * "file" (a new SQLite file in the test's temp dir) or "pg" (a fresh schema
 * on CS_TEST_PG_DSN; the test is skipped without it). Caller frees.
 */
char *cs_fixture_store_url(void);

/**
 * A URL for a new, empty schema on the PostgreSQL server dsn, dropped when
 * the test exits. Caller frees.
 */
char *cs_fixture_pg_url(const char *dsn);

#endif
