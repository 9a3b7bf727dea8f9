/* SPDX-License-Identifier: MIT */
/* Shared test data: uids, store URLs per backend. */
#ifndef CS_TEST_FIXTURE_H
#define CS_TEST_FIXTURE_H

/** A GUID derived from (seed, i), the same every run; caller frees. */
char *cs_fixture_uid(unsigned seed, unsigned i);

/* Wallet addresses for tests, valid bech32 (core/wallet.h), the same every
 * run: a CIP-19 base address (type 0) whose key hashes derive from n, and
 * the stake address of its delegation part. Borrowed: each (kind, n) string
 * lives until the process exits; any thread may ask. n < 4096. */
#define CS_FIXTURE_WALLETS 4096
/** A preprod payment address (addr_test1...). */
const char *cs_fixture_wallet(unsigned n);
/** The stake address (stake_test1...) cs_fixture_wallet(n) delegates to. */
const char *cs_fixture_stake(unsigned n);
/** A mainnet payment address (addr1...). */
const char *cs_fixture_wallet_mainnet(unsigned n);

/**
 * The store URL of this run, from CS_TEST_STORE: "memory" (default),
 * "file" (a new SQLite file in the test's temp dir) or "pg" (a fresh schema
 * on CS_TEST_PG_DSN; without it the test fails and says why, with
 * CS_CANNOT_RUN()). Caller frees.
 */
char *cs_fixture_store_url(void);

/**
 * A URL for a new, empty schema on the PostgreSQL server dsn, dropped when
 * the test exits. Caller frees.
 */
char *cs_fixture_pg_url(const char *dsn);

#include <stdbool.h>

/**
 * The database called name for an integration test, on the backend of
 * CS_TEST_STORE: "pg" gives a schema on CS_TEST_PG_DSN (without it the test
 * fails and says why), anything else a SQLite file in the test's temp dir. The
 * same name gives the same database for the whole test. Caller frees.
 */
char *cs_fixture_db_url(const char *name);

/** Whether cs_fixture_db_url() gives PostgreSQL in this run. */
bool cs_fixture_db_is_pg(void);

/** Run SQL (the backend's dialect) on a database of cs_fixture_db_url();
 * aborts the test when it fails. */
void cs_fixture_db_exec(const char *url, const char *sql);

/** As cs_fixture_db_exec() for a postgres URL. */
void cs_fixture_pg_exec(const char *url, const char *sql);

#endif
