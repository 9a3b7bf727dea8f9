/* SPDX-License-Identifier: MIT */
/*
 * Fresh PostgreSQL schemas for tests: each cs_fixture_pg_url() creates an
 * empty schema on the server of CS_TEST_PG_DSN and returns a URL whose
 * search_path points at it; the schemas are dropped when the test exits.
 * Schema names carry the backend pid of the connection that made them, so a
 * test that died without cleaning up is cleaned up by the next one.
 */
#include "support/fixture.h"

#include <libpq-fe.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define SCHEMA_PREFIX "cs_t_"
#define MAX_SCHEMAS 64

static PGconn *admin;
static pid_t owner;
static char *schemas[MAX_SCHEMAS];
static size_t nschemas;

static void
exec_or_fail(PGconn *conn, const char *sql)
{
	PGresult *res = PQexec(conn, sql);

	if (PQresultStatus(res) != PGRES_COMMAND_OK &&
	    PQresultStatus(res) != PGRES_TUPLES_OK) {
		fprintf(stderr, "postgres fixture: %s: %s", sql,
		    PQerrorMessage(conn));
		PQclear(res);
		exit(1);
	}
	PQclear(res);
}

/* Run sql, ignoring failure (cleanup races with other test processes). */
static void
exec_quiet(PGconn *conn, const char *sql)
{
	PQclear(PQexec(conn, sql));
}

static void
drop_schemas(void)
{
	size_t i;
	char *id, *sql;

	if (admin == NULL || getpid() != owner)
		return; /* a forked child: the schemas are its parent's */
	if (PQstatus(admin) != CONNECTION_OK)
		PQreset(admin); /* the server restarted under the test */
	/* A connection left inside a transaction must not hang the exit. */
	exec_quiet(admin, "SET lock_timeout = '10s'");
	for (i = 0; i < nschemas; i++) {
		id = PQescapeIdentifier(admin, schemas[i], strlen(schemas[i]));
		if (id != NULL) {
			sql = cs_xasprintf(
			    "DROP SCHEMA IF EXISTS %s CASCADE", id);
			exec_quiet(admin, sql);
			free(sql);
			PQfreemem(id);
		}
		free(schemas[i]);
	}
	nschemas = 0;
	PQfinish(admin);
	admin = NULL;
}

/* Drop the schemas of test processes whose connection is gone (crashed or
 * killed before their atexit ran). */
static void
drop_orphans(PGconn *conn)
{
	PGresult *res;
	char *id, *sql;
	int i, n;

	res = PQexec(conn, "SELECT nspname FROM pg_catalog.pg_namespace "
	                   "WHERE nspname ~ '^" SCHEMA_PREFIX "[0-9]+_[0-9]+$' "
	                   "AND split_part(nspname, '_', 3)::int NOT IN "
	                   "(SELECT pid FROM pg_catalog.pg_stat_activity)");
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		PQclear(res);
		return;
	}
	n = PQntuples(res);
	for (i = 0; i < n; i++) {
		id = PQescapeIdentifier(conn, PQgetvalue(res, i, 0),
		    (size_t)PQgetlength(res, i, 0));
		if (id == NULL)
			continue;
		sql = cs_xasprintf("DROP SCHEMA IF EXISTS %s CASCADE", id);
		exec_quiet(conn, sql);
		free(sql);
		PQfreemem(id);
	}
	PQclear(res);
}

char *
cs_fixture_pg_url(const char *dsn)
{
	char *name, *id, *sql;

	if (strncmp(dsn, "postgres://", 11) != 0 &&
	    strncmp(dsn, "postgresql://", 13) != 0) {
		fprintf(stderr, "CS_TEST_PG_DSN must be a postgres:// or "
		                "postgresql:// URL\n");
		exit(1);
	}
	if (nschemas == MAX_SCHEMAS) {
		fprintf(stderr,
		    "postgres fixture: more than %d schemas in "
		    "one test\n",
		    MAX_SCHEMAS);
		exit(1);
	}
	if (admin == NULL) {
		admin = PQconnectdb(dsn);
		if (PQstatus(admin) != CONNECTION_OK) {
			fprintf(stderr,
			    "postgres fixture: cannot connect to "
			    "CS_TEST_PG_DSN: %s",
			    PQerrorMessage(admin));
			exit(1);
		}
		exec_or_fail(admin, "SET client_min_messages = warning");
		drop_orphans(admin);
		owner = getpid();
		atexit(drop_schemas);
	}
	name =
	    cs_xasprintf(SCHEMA_PREFIX "%d_%zu", PQbackendPID(admin), nschemas);
	id = PQescapeIdentifier(admin, name, strlen(name));
	if (id == NULL) {
		fprintf(stderr, "postgres fixture: %s", PQerrorMessage(admin));
		exit(1);
	}
	sql = cs_xasprintf("CREATE SCHEMA %s", id);
	exec_or_fail(admin, sql);
	free(sql);
	PQfreemem(id);
	schemas[nschemas++] = name;
	/* The name is [a-z0-9_]: nothing to percent-encode but the '='. */
	return cs_xasprintf("%s%soptions=-csearch_path%%3D%s", dsn,
	    strchr(dsn, '?') != NULL ? "&" : "?", name);
}

void
cs_fixture_pg_exec(const char *url, const char *sql)
{
	PGconn *conn = PQconnectdb(url);
	PGresult *res;

	if (PQstatus(conn) != CONNECTION_OK)
		cs_test_fail(__FILE__, __LINE__, "cannot connect: %s",
		    PQerrorMessage(conn));
	res = PQexec(conn, sql);
	if (PQresultStatus(res) != PGRES_COMMAND_OK &&
	    PQresultStatus(res) != PGRES_TUPLES_OK)
		cs_test_fail(
		    __FILE__, __LINE__, "%s: %s", sql, PQerrorMessage(conn));
	PQclear(res);
	PQfinish(conn);
}
