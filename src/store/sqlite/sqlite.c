/* SPDX-License-Identifier: MIT */
/*
 * The SQLite backend of the store: WAL, synchronous=FULL, foreign keys, a
 * busy timeout, BEGIN IMMEDIATE for writes, and prepared statements only
 * (each prepared once per connection and reused). The schema comes from the
 * embedded migrations in migrations/sqlite/.
 */
#include "store/sqlite/internal.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "util/embed.h"
#include "util/limits.h"
#include "util/str.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define APPLICATION_ID 1131636035 /* 'CSYC' */

extern const struct cs_embedded_file cs_sqlite_migrations[];

/* ---- Errors and statements ------------------------------------------- */

int
cs_sqlite__db_error(struct cs_store_conn *c, int rc, struct cs_error *err)
{
	int code;

	switch (rc & 0xff) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		code = CS_EAGAIN;
		break;
	case SQLITE_CONSTRAINT:
		code = (rc == SQLITE_CONSTRAINT_UNIQUE ||
		           rc == SQLITE_CONSTRAINT_PRIMARYKEY)
		           ? CS_ECONFLICT
		           : CS_EINVAL;
		break;
	case SQLITE_NOTADB:
		code = CS_EINVAL;
		break;
	case SQLITE_READONLY:
		/* Name the file: the operator fixes its mode or owner. */
		return cs_error_set(err, CS_EDB,
		    "sqlite: %s is read-only: read commands work, this one "
		    "writes (%s)",
		    c != NULL && c->path != NULL ? c->path : "the database",
		    c != NULL && c->db != NULL ? sqlite3_errmsg(c->db)
		                               : sqlite3_errstr(rc));
	default:
		code = CS_EDB;
	}
	return cs_error_set(err, code, "sqlite: %s",
	    c != NULL && c->db != NULL ? sqlite3_errmsg(c->db)
	                               : sqlite3_errstr(rc));
}

/* The prepared statement id, reset and with its bindings cleared. */
int
cs_sqlite__stmt(struct cs_store_conn *c, enum stmt_id id, sqlite3_stmt **out,
    struct cs_error *err)
{
	int rc;

	*out = NULL;
	if (c->stmts[id] == NULL) {
		rc = sqlite3_prepare_v3(c->db, cs_sqlite__sql[id], -1,
		    SQLITE_PREPARE_PERSISTENT, &c->stmts[id], NULL);
		if (rc != SQLITE_OK)
			return cs_sqlite__db_error(c, rc, err);
	}
	*out = c->stmts[id];
	return 0;
}

/* Step a statement that returns no row. */
int
cs_sqlite__exec_stmt(
    struct cs_store_conn *c, sqlite3_stmt *st, struct cs_error *err)
{
	int rc;

	rc = sqlite3_step(st);
	done(st);
	if (rc != SQLITE_DONE)
		return cs_sqlite__db_error(c, rc, err);
	return 0;
}

/* Step an UPDATE that must touch exactly one row. */
int
cs_sqlite__exec_one(
    struct cs_store_conn *c, sqlite3_stmt *st, struct cs_error *err)
{
	int error;

	error = cs_sqlite__exec_stmt(c, st, err);
	if (error == 0 && sqlite3_changes(c->db) == 0)
		return cs_error_set(err, CS_ENOTFOUND, "no such row");
	return error;
}

int
cs_sqlite__get_row(struct cs_store_conn *c, sqlite3_stmt *st,
    cs_sqlite_read_fn read, void *out, struct cs_arena *a, struct cs_error *err)
{
	int error, rc;

	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		error = read(st, out, a, err);
	else if (rc == SQLITE_DONE)
		error = CS_ENOTFOUND;
	else
		error = cs_sqlite__db_error(c, rc, err);
	done(st);
	return error;
}

int
cs_sqlite__walk_rows(struct cs_store_conn *c, sqlite3_stmt *st,
    cs_sqlite_row_fn each, void *payload, struct cs_error *err)
{
	int error = 0, rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		cs_arena_reset(&c->row);
		error = each(st, &c->row, payload, err);
		if (error != 0)
			break;
	}
	if (error == 0 && rc != SQLITE_DONE)
		error = cs_sqlite__db_error(c, rc, err);
	done(st);
	return error;
}

static int
exec_sql(struct cs_store_conn *c, const char *text, struct cs_error *err)
{
	char *msg = NULL;
	int rc;

	rc = sqlite3_exec(c->db, text, NULL, NULL, &msg);
	if (rc != SQLITE_OK) {
		int error = cs_sqlite__db_error(c, rc, err);

		if (msg != NULL)
			cs_error_set(err, error, "sqlite: %s", msg);
		sqlite3_free(msg);
		return error;
	}
	return 0;
}

static int
run_simple(struct cs_store_conn *c, enum stmt_id id, struct cs_error *err)
{
	sqlite3_stmt *st;
	int error;

	error = cs_sqlite__stmt(c, id, &st, err);
	if (error < 0)
		return error;
	return cs_sqlite__exec_stmt(c, st, err);
}

/* ---- Opening and migrations ------------------------------------------ */

static const char *
path_of(const char *url)
{
	if (cs_str_startswith(url, "sqlite://"))
		return url + strlen("sqlite://");
	if (cs_str_startswith(url, "sqlite:"))
		return url + strlen("sqlite:");
	return url;
}

static void
sqlite_close(struct cs_store_conn *c)
{
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < S_COUNT; i++)
		sqlite3_finalize(c->stmts[i]);
	sqlite3_close_v2(c->db);
	cs_arena_dispose(&c->row);
	free(c->path);
	free(c);
}

/*
 * The file is read-only to us (its mode or owner): read commands still
 * work. A WAL database needs its -shm file, which a read-only directory
 * cannot hold: then it is opened immutable, reading what was last
 * checkpointed. Writes fail with SQLITE_READONLY, whose message names the
 * file (cs_sqlite__db_error).
 */
static int
open_readonly(struct cs_store_conn *c, struct cs_error *err)
{
	sqlite3_stmt *st = NULL;
	char *uri;
	int rc;

	c->readonly = true;
	rc = sqlite3_prepare_v2(
	    c->db, "SELECT COUNT(*) FROM sqlite_master", -1, &st, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc == SQLITE_ROW)
		return 0;
	sqlite3_close_v2(c->db);
	c->db = NULL;
	uri = sqlite3_mprintf("file:%s?immutable=1", c->path);
	rc = sqlite3_open_v2(uri, &c->db,
	    SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX, NULL);
	sqlite3_free(uri);
	if (rc != SQLITE_OK)
		return cs_error_set(err, CS_EDB,
		    "sqlite: cannot open %s (read-only): %s", c->path,
		    c->db != NULL ? sqlite3_errmsg(c->db) : sqlite3_errstr(rc));
	sqlite3_extended_result_codes(c->db, 1);
	return 0;
}

static int
sqlite_open(struct cs_store_conn **out, const char *url, struct cs_error *err)
{
	struct cs_store_conn *c;
	const char *path = path_of(url);
	bool memory = strcmp(path, ":memory:") == 0;
	int rc, error;

	*out = NULL;
	if (*path == '\0')
		return cs_error_set(err, CS_EINVAL, "sqlite: empty path");
	c = cs_xcalloc(1, sizeof(*c));
	cs_arena_init(&c->row);
	c->path = cs_xstrdup(path);
	rc = sqlite3_open_v2(path, &c->db,
	    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
	    NULL);
	if (rc != SQLITE_OK) {
		error = cs_error_set(err, CS_EDB, "sqlite: cannot open %s: %s",
		    path,
		    c->db != NULL ? sqlite3_errmsg(c->db) : sqlite3_errstr(rc));
		goto fail;
	}
	sqlite3_extended_result_codes(c->db, 1);
	sqlite3_busy_timeout(c->db, CS_DB_BUSY_TIMEOUT_MS);
	if (!memory && sqlite3_db_readonly(c->db, "main") == 1) {
		error = open_readonly(c, err);
		if (error < 0)
			goto fail;
	}
	/* The first read of the file: a file that is not SQLite fails here. */
	error = exec_sql(c, "PRAGMA foreign_keys = ON", err);
	if (error == 0 && !memory && !c->readonly)
		error = exec_sql(c, "PRAGMA journal_mode = WAL", err);
	if (error == 0)
		error = exec_sql(c, "PRAGMA synchronous = FULL", err);
	/* Savepoints' journals in memory: a batch of webhooks (a savepoint
	 * each, and one per change) otherwise spilled some 700 pages a
	 * transaction to a temporary file, 1,400 writes (strace). */
	if (error == 0)
		error = exec_sql(c, "PRAGMA temp_store = MEMORY", err);
	if (error == CS_EINVAL) /* SQLITE_NOTADB */
		error = cs_error_wrap(
		    err, CS_EINVAL, "%s is not a campaign-sync database", path);
	if (error < 0)
		goto fail;
	*out = c;
	return 0;
fail:
	sqlite_close(c);
	return error;
}

static int
query_int(struct cs_store_conn *c, const char *text, int64_t *out,
    struct cs_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc;

	rc = sqlite3_prepare_v2(c->db, text, -1, &st, NULL);
	if (rc != SQLITE_OK)
		return cs_sqlite__db_error(c, rc, err);
	rc = sqlite3_step(st);
	*out = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return cs_sqlite__db_error(c, rc, err);
	return 0;
}

/* A database is ours if it is empty or carries our application id. */
static int
check_ours(struct cs_store_conn *c, struct cs_error *err)
{
	int64_t app_id = 0, tables = 0;
	int error;

	error = query_int(c, "PRAGMA application_id", &app_id, err);
	if (error == 0)
		error = query_int(c,
		    "SELECT COUNT(*) FROM sqlite_master "
		    "WHERE type = 'table'",
		    &tables, err);
	if (error < 0)
		return cs_error_wrap(err, CS_EINVAL,
		    "%s is not a campaign-sync database", c->path);
	if (tables > 0 && app_id != APPLICATION_ID)
		return cs_error_set(err, CS_EINVAL,
		    "%s is not a campaign-sync database (it holds other "
		    "tables)",
		    c->path);
	return 0;
}

static int
migration_number(const char *name)
{
	int n = 0;

	for (; *name >= '0' && *name <= '9'; name++)
		n = n * 10 + (*name - '0');
	return n;
}

/* The schema's version, read without a lock; -1 when there is none yet. */
static int
current_version(struct cs_store_conn *c, int64_t *out)
{
	sqlite3_stmt *st = NULL;
	int rc;

	*out = -1;
	rc = sqlite3_prepare_v2(c->db,
	    "SELECT COALESCE(MAX(version), 0) FROM schema_migrations", -1, &st,
	    NULL);
	if (rc == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		*out = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return *out >= 0 ? 0 : -1;
}

static int
sqlite_migrate(struct cs_store_conn *c, int64_t now, struct cs_error *err)
{
	const struct cs_embedded_file *m;
	sqlite3_stmt *st = NULL;
	int64_t have = -1, count = 0, n;
	char q[96];
	int error, rc;

	error = check_ours(c, err);
	if (error < 0)
		return error;
	/* Up to date: no write lock, which a busy writer would make us wait
	 * for (every pooled connection opens through here). Up to date is
	 * every migration recorded, not only the highest: numbers are handed
	 * out to branches that merge in any order, so a lower one may come
	 * after a higher one was applied. */
	for (n = 0, m = cs_sqlite_migrations; m[1].name != NULL; m++)
		n++;
	if (current_version(c, &have) == 0 &&
	    have >= migration_number(m->name) &&
	    query_int(c, "SELECT COUNT(*) FROM schema_migrations", &count,
	        NULL) == 0 &&
	    count >= n + 1)
		return 0;
	for (m = cs_sqlite_migrations; m->name != NULL; m++) {
		int number = migration_number(m->name);

		error = exec_sql(c, "BEGIN IMMEDIATE", err);
		if (error < 0)
			return error;
		error = exec_sql(c,
		    "CREATE TABLE IF NOT EXISTS "
		    "schema_migrations (version INTEGER PRIMARY KEY, "
		    "name TEXT NOT NULL, applied_at INTEGER NOT NULL)",
		    err);
		sqlite3_snprintf((int)sizeof(q), q,
		    "SELECT COUNT(*) FROM schema_migrations WHERE version = %d",
		    number);
		if (error == 0)
			error = query_int(c, q, &have, err);
		/* have: whether this one is recorded (see above) */
		if (error == 0 && have == 0) {
			error = exec_sql(c, (const char *)m->data, err);
			if (error < 0)
				cs_error_wrap(
				    err, error, "migration %s failed", m->name);
		}
		if (error == 0 && have == 0) {
			rc = sqlite3_prepare_v2(c->db,
			    "INSERT INTO schema_migrations VALUES (?1, ?2, ?3)",
			    -1, &st, NULL);
			if (rc == SQLITE_OK) {
				sqlite3_bind_int(st, 1, number);
				sqlite3_bind_text(
				    st, 2, m->name, -1, SQLITE_STATIC);
				sqlite3_bind_int64(st, 3, now);
				rc = sqlite3_step(st);
				if (rc == SQLITE_DONE)
					rc = SQLITE_OK;
			}
			sqlite3_finalize(st);
			st = NULL;
			if (rc != SQLITE_OK)
				error = cs_sqlite__db_error(c, rc, err);
		}
		if (error == 0)
			error = exec_sql(c, "COMMIT", err);
		if (error < 0) {
			sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
			return error;
		}
	}
	return 0;
}

static int
sqlite_schema_version(struct cs_store_conn *c, int *out, struct cs_error *err)
{
	sqlite3_stmt *st;
	int error, rc;

	error = cs_sqlite__stmt(c, S_VERSION, &st, err);
	if (error < 0)
		return error;
	rc = sqlite3_step(st);
	*out = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
	done(st);
	return rc == SQLITE_ROW ? 0 : cs_sqlite__db_error(c, rc, err);
}

/* ---- Transactions ----------------------------------------------------- */

static int
sqlite_begin(struct cs_store_conn *c, bool write, struct cs_error *err)
{
	return run_simple(c, write ? S_BEGIN_W : S_BEGIN, err);
}

static int
sqlite_commit(struct cs_store_conn *c, struct cs_error *err)
{
	return run_simple(c, S_COMMIT, err);
}

static void
sqlite_rollback(struct cs_store_conn *c)
{
	if (!sqlite3_get_autocommit(c->db))
		run_simple(c, S_ROLLBACK, NULL);
}

static int
sqlite_savepoint(struct cs_store_conn *c, struct cs_error *err)
{
	return run_simple(c, S_SAVEPOINT, err);
}

static int
sqlite_release(struct cs_store_conn *c, struct cs_error *err)
{
	return run_simple(c, S_RELEASE, err);
}

static int
sqlite_rollback_to(struct cs_store_conn *c, struct cs_error *err)
{
	int error;

	error = run_simple(c, S_ROLLBACK_TO, err);
	if (error == 0)
		error = run_simple(c, S_RELEASE, err);
	return error;
}

static bool
sqlite_readonly(const struct cs_store_conn *c)
{
	return c->readonly;
}

const struct cs_store_ops cs_store_sqlite_ops = {
    .scheme = "sqlite",
    .open = sqlite_open,
    .close = sqlite_close,
    .readonly = sqlite_readonly,
    .migrate = sqlite_migrate,
    .schema_version = sqlite_schema_version,
    .begin = sqlite_begin,
    .commit = sqlite_commit,
    .rollback = sqlite_rollback,
    .savepoint = sqlite_savepoint,
    .release = sqlite_release,
    .rollback_to = sqlite_rollback_to,
    .campaign_insert = cs_sqlite__campaign_insert,
    .campaign_get = cs_sqlite__campaign_get,
    .campaign_get_by_name = cs_sqlite__campaign_get_by_name,
    .campaign_list = cs_sqlite__campaign_list,
    .campaign_update = cs_sqlite__campaign_update,
    .campaign_set_status = cs_sqlite__campaign_set_status,
    .campaign_set_counts = cs_sqlite__campaign_set_counts,
    .campaign_add_counts = cs_sqlite__campaign_add_counts,
    .campaign_rotate_secret = cs_sqlite__campaign_rotate_secret,
    .campaign_mark_synced = cs_sqlite__campaign_mark_synced,
    .campaign_set_webhook = cs_sqlite__campaign_set_webhook,
    .campaign_webhook_url = cs_sqlite__campaign_webhook_url,
    .campaign_delete = cs_sqlite__campaign_delete,
    .allowlist_clear = cs_sqlite__allowlist_clear,
    .allowlist_add = cs_sqlite__allowlist_add,
    .allowlist_has = cs_sqlite__allowlist_has,
    .nft_insert = cs_sqlite__nft_insert,
    .nft_get = cs_sqlite__nft_get,
    .nft_list = cs_sqlite__nft_list,
    .nft_local_list = cs_sqlite__nft_local_list,
    .nft_search = cs_sqlite__nft_search,
    .nft_counts = cs_sqlite__nft_counts,
    .nft_max_number = cs_sqlite__nft_max_number,
    .nft_update = cs_sqlite__nft_update,
    .nft_set_payment_url = cs_sqlite__nft_set_payment_url,
    .nft_set_asset_id = cs_sqlite__nft_set_asset_id,
    .nft_pick_available = cs_sqlite__nft_pick_available,
    .nft_wallet_count = cs_sqlite__nft_wallet_count,
    .nft_expired = cs_sqlite__nft_expired,
    .chain_candidates = cs_sqlite__chain_candidates,
    .history_insert = cs_sqlite__history_insert,
    .history_list = cs_sqlite__history_list,
    .sync_log_insert = cs_sqlite__sync_log_insert,
    .sync_log_update = cs_sqlite__sync_log_update,
    .sync_log_get = cs_sqlite__sync_log_get,
    .sync_log_list = cs_sqlite__sync_log_list,
    .sync_log_recent = cs_sqlite__sync_log_recent,
    .sync_log_prune = cs_sqlite__sync_log_prune,
    .review_insert = cs_sqlite__review_insert,
    .review_get = cs_sqlite__review_get,
    .review_list = cs_sqlite__review_list,
    .review_count = cs_sqlite__review_count,
    .review_close = cs_sqlite__review_close,
    .run_insert = cs_sqlite__run_insert,
    .run_get_active = cs_sqlite__run_get_active,
    .run_update = cs_sqlite__run_update,
    .run_finish = cs_sqlite__run_finish,
    .run_latest = cs_sqlite__run_latest,
    .run_heartbeat = cs_sqlite__run_heartbeat,
    .run_close = cs_sqlite__run_close,
    .webhook_insert = cs_sqlite__webhook_insert,
    .webhook_finish = cs_sqlite__webhook_finish,
    .webhook_list = cs_sqlite__webhook_list,
    .webhook_prune = cs_sqlite__webhook_prune,
    .report_prune = cs_sqlite__report_prune,
    .alert_insert = cs_sqlite__alert_insert,
    .alert_list = cs_sqlite__alert_list,
    .alert_prune = cs_sqlite__alert_prune,
    .chain_get = cs_sqlite__chain_get,
    .chain_put = cs_sqlite__chain_put,
    .chain_claim = cs_sqlite__chain_claim,
    .chain_coverage = cs_sqlite__chain_coverage,
    .chain_problems = cs_sqlite__chain_problems,
    .chain_budget_take = cs_sqlite__chain_budget_take,
    .chain_budget_block = cs_sqlite__chain_budget_block,
    .chain_release = cs_sqlite__chain_release,
    .nft_mint_fill = cs_sqlite__nft_mint_fill,
    .nft_mint_get = cs_sqlite__nft_mint_get,
    .advisory_lock = NULL,
};
