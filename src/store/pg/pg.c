/* SPDX-License-Identifier: MIT */
/*
 * The PostgreSQL backend of the store (libpq): READ COMMITTED write
 * transactions, row locks and advisory locks where backend.h asks for them so
 * that instances sharing one database serialize per campaign, and named
 * prepared statements only, each prepared once per connection on first use
 * and run in one round trip. Lost connections are reset and reported as
 * CS_EAGAIN so store.c retries the transaction. The schema comes from the
 * embedded migrations in migrations/pg/.
 */
#include "store/pg/internal.h"

#include <assert.h>
#include <inttypes.h>
#include <libpq-fe.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/embed.h"
#include "util/limits.h"
#include "util/log.h"
#include "util/str.h"
#include "util/time.h"
#include "util/xalloc.h"
#include "util/banned.h"

extern const struct cs_embedded_file cs_pg_migrations[];

/* Session advisory lock held while migrating ('CSYC', below the keys of
 * store/internal.h, which start at 1 << 40). */
#define MIGRATE_LOCK 1131636035
/* Marks schema_migrations as ours (SQLite has its application_id). */
#define MIGRATIONS_MARK "campaign-sync schema migrations"

/* ---- Errors ----------------------------------------------------------- */

/* The first line of text, without libpq's "ERROR:  " prefix. */
static void
first_line(
    const struct cs_store_conn *c, const char *text, char *out, size_t size)
{
	size_t n;

	if (text == NULL || *text == '\0')
		text = "unknown error";
	if (strncmp(text, "ERROR:  ", 8) == 0 ||
	    strncmp(text, "FATAL:  ", 8) == 0)
		text += 8;
	n = strcspn(text, "\n");
	if (n >= size)
		n = size - 1;
	memcpy(out, text, n);
	out[n] = '\0';
	cs_str_scrub(out, size, (const char *const *)c->secrets, c->nsecrets);
}

static bool
state_is(const char *state, const char *prefix)
{
	return state != NULL && strncmp(state, prefix, strlen(prefix)) == 0;
}

static void
forget_prepared(struct cs_store_conn *c)
{
	memset(c->prepared, 0, sizeof(c->prepared));
}

/* The session settings every connection (and reconnection) gets. */
static int
session_init(struct cs_store_conn *c, char *msg, size_t size)
{
	PGresult *res;
	int ok;

	res = PQexec(c->conn, "SET synchronous_commit = on");
	ok = res != NULL && PQresultStatus(res) == PGRES_COMMAND_OK;
	if (!ok)
		first_line(c, PQerrorMessage(c->conn), msg, size);
	PQclear(res);
	return ok ? 0 : -1;
}

/*
 * Map a failed statement to an error code and message. A lost connection is
 * reset at once and reported as CS_EAGAIN: the server rolled back whatever
 * transaction was open, so store.c may run it again.
 */
static int
pg_error(struct cs_store_conn *c, const PGresult *res, bool in_tx,
    struct cs_error *err)
{
	const char *state = NULL, *text = NULL;
	char msg[CS_ERROR_MSG_LEN], why[CS_ERROR_MSG_LEN];
	int code;

	if (res != NULL) {
		state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
		text = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
	}
	first_line(
	    c, text != NULL ? text : PQerrorMessage(c->conn), msg, sizeof(msg));
	if (PQstatus(c->conn) == CONNECTION_BAD || state == NULL ||
	    state_is(state, "08") || state_is(state, "57P")) {
		c->was_reset = true;
		if (in_tx)
			c->lost_tx = true;
		forget_prepared(c);
		PQreset(c->conn);
		if (PQstatus(c->conn) != CONNECTION_OK) {
			first_line(
			    c, PQerrorMessage(c->conn), why, sizeof(why));
			return cs_error_set(err, CS_EAGAIN,
			    "postgres: lost the connection (%s); reconnecting "
			    "failed: %s",
			    msg, why);
		}
		if (session_init(c, why, sizeof(why)) < 0)
			cs_log_warn(
			    "store", "postgres: after reconnecting: %s", why);
		return cs_error_set(err, CS_EAGAIN,
		    "postgres: lost the connection (%s); reconnected", msg);
	}
	if (state_is(state, "40001") || state_is(state, "40P01") ||
	    state_is(state, "55P03"))
		code = CS_EAGAIN;
	else if (state_is(state, "23505"))
		code = CS_ECONFLICT;
	else if (state_is(state, "23") || state_is(state, "22"))
		code = CS_EINVAL;
	else
		code = CS_EDB;
	return cs_error_set(err, code, "postgres: %s", msg);
}

bool
cs_pg__in_transaction(const struct cs_store_conn *c)
{
	PGTransactionStatusType ts = PQtransactionStatus(c->conn);

	return ts == PQTRANS_INTRANS || ts == PQTRANS_INERROR ||
	       ts == PQTRANS_ACTIVE;
}

/* ---- Statements ------------------------------------------------------- */

static void
stmt_name(enum stmt_id id, char *out, size_t size)
{
	snprintf(out, size, "cs_%d", (int)id);
}

static int
prepare(
    struct cs_store_conn *c, enum stmt_id id, bool in_tx, struct cs_error *err)
{
	Oid types[MAX_PARAMS];
	const char *t = cs_pg__stmts[id].types;
	char name[16];
	PGresult *res;
	int i, n = (int)strlen(t), error = 0;

	if (c->prepared[id])
		return 0;
	assert(cs_pg__stmts[id].sql != NULL && n <= MAX_PARAMS);
	for (i = 0; i < n; i++) {
		switch (t[i]) {
		case 'i':
			types[i] = OID_INT8;
			break;
		case 'b':
			types[i] = OID_BOOL;
			break;
		case 'y':
			types[i] = OID_BYTEA;
			break;
		case 'I':
			types[i] = OID_INT8_ARRAY;
			break;
		case 'T':
			types[i] = OID_TEXT_ARRAY;
			break;
		default:
			types[i] = OID_TEXT;
		}
	}
	stmt_name(id, name, sizeof(name));
	res = PQprepare(c->conn, name, cs_pg__stmts[id].sql, n, types);
	if (res == NULL || PQresultStatus(res) != PGRES_COMMAND_OK)
		error = pg_error(c, res, in_tx, err);
	else
		c->prepared[id] = true;
	PQclear(res);
	return error;
}

/*
 * Run statement id with p (NULL: no parameters). On success *out holds the
 * result (the caller clears it); on failure it is NULL.
 */
int
cs_pg__run(struct cs_store_conn *c, enum stmt_id id, const struct params *p,
    PGresult **out, struct cs_error *err)
{
	char name[16];
	PGresult *res;
	ExecStatusType st;
	bool in_tx;
	int error;

	*out = NULL;
	c->was_reset = false;
	if (c->lost_tx)
		return cs_error_set(err, CS_EAGAIN,
		    "postgres: the connection was lost during this "
		    "transaction");
	assert((p != NULL ? p->n : 0) == (int)strlen(cs_pg__stmts[id].types));
	/* Asked now: once the connection is lost the status is unknown. */
	in_tx = cs_pg__in_transaction(c);
	error = prepare(c, id, in_tx, err);
	if (error < 0)
		return error;
	stmt_name(id, name, sizeof(name));
	res = PQexecPrepared(c->conn, name, p != NULL ? p->n : 0,
	    p != NULL ? p->values : NULL, p != NULL ? p->lengths : NULL,
	    p != NULL ? p->formats : NULL, 0);
	st = res != NULL ? PQresultStatus(res) : PGRES_FATAL_ERROR;
	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
		error = pg_error(c, res, in_tx, err);
		PQclear(res);
		return error;
	}
	*out = res;
	return 0;
}

/* Run a statement that returns nothing we read. */
int
cs_pg__exec_cmd(struct cs_store_conn *c, enum stmt_id id,
    const struct params *p, struct cs_error *err)
{
	PGresult *res;
	int error;

	error = cs_pg__run(c, id, p, &res, err);
	PQclear(res);
	return error;
}

/* Run an UPDATE or DELETE that must touch a row (CS_ENOTFOUND if none). */
int
cs_pg__exec_one(struct cs_store_conn *c, enum stmt_id id,
    const struct params *p, struct cs_error *err)
{
	PGresult *res;
	int error;

	error = cs_pg__run(c, id, p, &res, err);
	if (error == 0 && strcmp(PQcmdTuples(res), "0") == 0)
		error = cs_error_set(err, CS_ENOTFOUND, "no such row");
	PQclear(res);
	return error;
}

/* Run an INSERT ... RETURNING id; no row back (ON CONFLICT DO NOTHING) is
 * CS_ECONFLICT. */
int
cs_pg__exec_insert(struct cs_store_conn *c, enum stmt_id id,
    const struct params *p, int64_t *out, struct cs_error *err)
{
	struct row r = {NULL, 0, NULL, false};
	PGresult *res;
	int error;

	error = cs_pg__run(c, id, p, &res, err);
	if (error < 0)
		return error;
	if (PQntuples(res) == 0) {
		error =
		    cs_error_set(err, CS_ECONFLICT, "postgres: the row exists");
	} else {
		r.res = res;
		*out = col_i64(&r, 0);
	}
	PQclear(res);
	return error;
}

/* Run a query of one integer (0 when it returns no row). */
int
cs_pg__query_i64(struct cs_store_conn *c, enum stmt_id id,
    const struct params *p, int64_t *out, struct cs_error *err)
{
	struct row r = {NULL, 0, NULL, false};
	PGresult *res;
	int error;

	*out = 0;
	error = cs_pg__run(c, id, p, &res, err);
	if (error < 0)
		return error;
	if (PQntuples(res) > 0) {
		r.res = res;
		*out = col_i64(&r, 0);
	}
	PQclear(res);
	return 0;
}

int
cs_pg__get_row(struct cs_store_conn *c, enum stmt_id id, const struct params *p,
    cs_pg_read_fn read, void *out, struct cs_arena *arena, struct cs_error *err)
{
	struct row r = {NULL, 0, NULL, false};
	PGresult *res;
	int error;

	r.arena = arena;
	error = cs_pg__run(c, id, p, &res, err);
	if (error < 0)
		return error;
	r.res = res;
	error = PQntuples(res) > 0 ? read(&r, out, err) : CS_ENOTFOUND;
	PQclear(res);
	return error;
}

int
cs_pg__walk_rows(struct cs_store_conn *c, enum stmt_id id,
    const struct params *p, cs_pg_row_fn each, void *payload, int *rows,
    struct cs_error *err)
{
	struct row r = {NULL, 0, NULL, true};
	PGresult *res;
	int error, n;

	error = cs_pg__run(c, id, p, &res, err);
	if (error < 0)
		return error;
	r.res = res;
	n = PQntuples(res);
	if (rows != NULL)
		*rows = n;
	for (r.i = 0; r.i < n && error == 0; r.i++)
		error = each(&r, payload, err);
	PQclear(res);
	return error;
}

/* See internal.h. */
int
cs_pg__walk_pages(struct cs_store_conn *c, int64_t after, int64_t limit,
    cs_pg_page_fn page, void *ctx, struct cs_error *err)
{
	int64_t left = limit, want, last;
	int error, rows, attempt;
	bool first = true;

	for (;;) {
		want = limit > 0 && left < CS_PG_LIST_PAGE ? left
		                                           : CS_PG_LIST_PAGE;
		last = after;
		rows = 0;
		for (attempt = 0;; attempt++) {
			error = page(c, ctx, after, want, &rows, &last, err);
			if (error != CS_EAGAIN || first || rows > 0 ||
			    c->lost_tx || cs_pg__in_transaction(c) ||
			    attempt >= CS_DB_MAX_RETRIES)
				break;
			cs_sleep_ms(5 << attempt);
		}
		if (error != 0)
			return error;
		first = false;
		if (limit > 0)
			left -= rows;
		if (rows < want || (limit > 0 && left == 0))
			return 0;
		after = last;
	}
}

/* Constant SQL outside the statement table: migration scripts and the
 * schema_migrations table. */
static int
exec_script(struct cs_store_conn *c, const char *text, struct cs_error *err)
{
	PGresult *res;
	ExecStatusType st;
	bool in_tx = cs_pg__in_transaction(c);
	int error = 0;

	res = PQexec(c->conn, text);
	st = res != NULL ? PQresultStatus(res) : PGRES_FATAL_ERROR;
	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
		error = pg_error(c, res, in_tx, err);
	PQclear(res);
	return error;
}

/* ---- Opening and migrations ------------------------------------------ */

/* Drop notices ("relation exists, skipping"): they would go to stderr. */
static void
on_notice(void *arg, const char *message)
{
	(void)arg;
	cs_log_debug(
	    "store", "postgres: %.*s", (int)strcspn(message, "\n"), message);
}

static void
add_secret(struct cs_store_conn *c, const char *s, size_t len)
{
	size_t i;

	if (len == 0)
		return;
	for (i = 0; i < c->nsecrets; i++) {
		if (strncmp(c->secrets[i], s, len) == 0 &&
		    c->secrets[i][len] == '\0')
			return;
	}
	c->secrets =
	    cs_xreallocarray(c->secrets, c->nsecrets + 1, sizeof(*c->secrets));
	c->secrets[c->nsecrets++] = cs_xstrndup(s, len);
}

/* The passwords of url as written (the one reading of a URL's passwords,
 * cs_str_next_url_password()) and as libpq decodes them, so no message
 * shows either. */
static void
find_secrets(struct cs_store_conn *c, const char *url)
{
	PQconninfoOption *opts, *o;
	const char *pos = url, *start;
	size_t len;

	while (cs_str_next_url_password(url, &pos, &start, &len))
		add_secret(c, start, len);
	opts = PQconninfoParse(url, NULL);
	for (o = opts; o != NULL && o->keyword != NULL; o++) {
		if (strcmp(o->keyword, "password") == 0 && o->val != NULL)
			add_secret(c, o->val, strlen(o->val));
	}
	PQconninfoFree(opts);
}

static void
pg_close(struct cs_store_conn *c)
{
	size_t i;

	if (c == NULL)
		return;
	PQfinish(c->conn);
	for (i = 0; i < c->nsecrets; i++)
		free(c->secrets[i]);
	free(c->secrets);
	free(c);
}

static int
pg_open(struct cs_store_conn **out, const char *url, struct cs_error *err)
{
	/* Ours come before the URL's, which may override them, except the
	 * encoding: every string of the program is UTF-8. */
	static const char *const keys[] = {"application_name",
	    "connect_timeout", "dbname", "client_encoding", NULL};
	const char *values[] = {"campaign-sync", "10", url, "UTF8", NULL};
	struct cs_store_conn *c;
	char msg[CS_ERROR_MSG_LEN];
	char *perr = NULL;
	PQconninfoOption *opts;
	int error;

	*out = NULL;
	c = cs_xcalloc(1, sizeof(*c));
	find_secrets(c, url);
	opts = PQconninfoParse(url, &perr);
	PQconninfoFree(opts);
	if (opts == NULL) {
		first_line(
		    c, perr != NULL ? perr : "out of memory", msg, sizeof(msg));
		PQfreemem(perr);
		error = cs_error_set(
		    err, CS_EINVAL, "postgres: bad database url: %s", msg);
		goto fail;
	}
	c->conn = PQconnectdbParams(keys, values, 1);
	if (c->conn == NULL) {
		error = cs_error_set(err, CS_EDB, "postgres: out of memory");
		goto fail;
	}
	if (PQstatus(c->conn) != CONNECTION_OK) {
		first_line(c, PQerrorMessage(c->conn), msg, sizeof(msg));
		error = cs_error_set(
		    err, CS_EDB, "postgres: cannot connect: %s", msg);
		goto fail;
	}
	PQsetNoticeProcessor(c->conn, on_notice, NULL);
	if (session_init(c, msg, sizeof(msg)) < 0) {
		error = cs_error_set(err, CS_EDB, "postgres: %s", msg);
		goto fail;
	}
	*out = c;
	return 0;
fail:
	pg_close(c);
	return error;
}

static int
migration_number(const char *name)
{
	int n = 0;

	for (; *name >= '0' && *name <= '9'; name++)
		n = n * 10 + (*name - '0');
	return n;
}

/*
 * Whether the schema we create in is ours: empty, or holding our marked
 * schema_migrations. *fresh is set when schema_migrations must be made.
 */
static int
check_ours(struct cs_store_conn *c, bool *fresh, struct cs_error *err)
{
	struct row r = {NULL, 0, NULL, false};
	PGresult *res;
	const char *schema, *db, *mark;
	int64_t tables;
	int error;

	*fresh = false;
	error = cs_pg__run(c, M_STATE, NULL, &res, err);
	if (error < 0)
		return error;
	r.res = res;
	schema = col_raw(&r, 0);
	db = col_raw(&r, 1);
	tables = col_i64(&r, 2);
	mark = col_raw(&r, 3);
	if (schema == NULL)
		error = cs_error_set(err, CS_EINVAL,
		    "postgres: no schema of the search_path exists to create "
		    "tables in");
	else if (tables == 0)
		*fresh = true;
	else if (mark == NULL || strcmp(mark, MIGRATIONS_MARK) != 0)
		error = cs_error_set(err, CS_EINVAL,
		    "schema \"%s\" of database \"%s\" is not a campaign-sync "
		    "database (it holds other tables)",
		    schema, db != NULL ? db : "?");
	PQclear(res);
	return error;
}

/* One migration in its own transaction, if not applied yet. */
static int
migrate_one(struct cs_store_conn *c, const struct cs_embedded_file *m,
    bool *fresh, int64_t now, struct cs_error *err)
{
	struct params p = {0}, q = {0};
	int64_t have = 0;
	int number = migration_number(m->name);
	int error;

	p_int(&q, number);
	error = cs_pg__exec_cmd(c, S_BEGIN_W, NULL, err);
	if (error < 0)
		return error;
	if (*fresh) {
		error = exec_script(c,
		    "CREATE TABLE schema_migrations (version INTEGER PRIMARY "
		    "KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL); "
		    "COMMENT ON TABLE schema_migrations IS '" MIGRATIONS_MARK
		    "'",
		    err);
	}
	if (error == 0)
		error = cs_pg__query_i64(c, M_APPLIED, &q, &have, err);
	if (error == 0 && have == 0) {
		error = exec_script(c, (const char *)m->data, err);
		if (error < 0)
			cs_error_wrap(
			    err, error, "migration %s failed", m->name);
	}
	if (error == 0 && have == 0) {
		p_int(&p, number);
		p_text(&p, m->name);
		p_int(&p, now);
		error = cs_pg__exec_cmd(c, M_RECORD, &p, err);
	}
	if (error == 0)
		error = cs_pg__exec_cmd(c, S_COMMIT, NULL, err);
	if (error < 0) {
		c->lost_tx = false;
		if (cs_pg__in_transaction(c))
			(void)exec_script(c, "ROLLBACK", NULL);
		return error;
	}
	*fresh = false;
	return 0;
}

static int
pg_migrate(struct cs_store_conn *c, int64_t now, struct cs_error *err)
{
	const struct cs_embedded_file *m;
	struct params p = {0};
	bool fresh = false;
	int error;

	/* Instances starting together take turns. */
	p_int(&p, MIGRATE_LOCK);
	error = cs_pg__exec_cmd(c, M_LOCK, &p, err);
	if (error < 0)
		return error;
	error = check_ours(c, &fresh, err);
	for (m = cs_pg_migrations; error == 0 && m->name != NULL; m++)
		error = migrate_one(c, m, &fresh, now, err);
	/* (A reconnected session holds no lock; unlocking is harmless.) */
	if (PQstatus(c->conn) == CONNECTION_OK)
		(void)cs_pg__exec_cmd(c, M_UNLOCK, &p, NULL);
	return error;
}

static int
pg_schema_version(struct cs_store_conn *c, int *out, struct cs_error *err)
{
	int64_t v = 0;
	int error;

	error = cs_pg__query_i64(c, S_VERSION, NULL, &v, err);
	*out = (int)v;
	return error;
}

/* ---- Transactions ----------------------------------------------------- */

static int
pg_begin(struct cs_store_conn *c, bool write, struct cs_error *err)
{
	c->lost_tx = false;
	return cs_pg__exec_cmd(c, write ? S_BEGIN_W : S_BEGIN, NULL, err);
}

static int
pg_commit(struct cs_store_conn *c, struct cs_error *err)
{
	int error;

	/* COMMIT of a failed transaction "succeeds" as a ROLLBACK. */
	if (PQtransactionStatus(c->conn) == PQTRANS_INERROR)
		return cs_error_set(err, CS_EDB,
		    "postgres: the transaction was aborted by an earlier "
		    "error");
	error = cs_pg__exec_cmd(c, S_COMMIT, NULL, err);
	/* Lost while committing, the transaction may have been applied:
	 * running it again could apply it twice, so no CS_EAGAIN here. */
	if (error == CS_EAGAIN && c->was_reset)
		error = cs_error_set(err, CS_EDB,
		    "postgres: connection lost during commit; the transaction "
		    "may or may not have been applied");
	return error;
}

static void
pg_rollback(struct cs_store_conn *c)
{
	c->lost_tx = false;
	if (cs_pg__in_transaction(c))
		(void)cs_pg__exec_cmd(c, S_ROLLBACK, NULL, NULL);
}

static int
pg_savepoint(struct cs_store_conn *c, struct cs_error *err)
{
	return cs_pg__exec_cmd(c, S_SAVEPOINT, NULL, err);
}

static int
pg_release(struct cs_store_conn *c, struct cs_error *err)
{
	return cs_pg__exec_cmd(c, S_RELEASE, NULL, err);
}

static int
pg_rollback_to(struct cs_store_conn *c, struct cs_error *err)
{
	int error;

	error = cs_pg__exec_cmd(c, S_ROLLBACK_TO, NULL, err);
	if (error == 0)
		error = cs_pg__exec_cmd(c, S_RELEASE, NULL, err);
	return error;
}

static int
pg_advisory_lock(struct cs_store_conn *c, int64_t key, struct cs_error *err)
{
	struct params p = {0};

	p_int(&p, key);
	return cs_pg__exec_cmd(c, S_XACT_LOCK, &p, err);
}

const struct cs_store_ops cs_store_pg_ops = {
    .scheme = "postgres",
    .open = pg_open,
    .close = pg_close,
    .migrate = pg_migrate,
    .schema_version = pg_schema_version,
    .begin = pg_begin,
    .commit = pg_commit,
    .rollback = pg_rollback,
    .savepoint = pg_savepoint,
    .release = pg_release,
    .rollback_to = pg_rollback_to,
    .campaign_insert = cs_pg__campaign_insert,
    .campaign_get = cs_pg__campaign_get,
    .campaign_get_by_name = cs_pg__campaign_get_by_name,
    .campaign_list = cs_pg__campaign_list,
    .campaign_update = cs_pg__campaign_update,
    .campaign_set_status = cs_pg__campaign_set_status,
    .campaign_set_counts = cs_pg__campaign_set_counts,
    .campaign_add_counts = cs_pg__campaign_add_counts,
    .campaign_rotate_secret = cs_pg__campaign_rotate_secret,
    .campaign_mark_synced = cs_pg__campaign_mark_synced,
    .campaign_set_webhook = cs_pg__campaign_set_webhook,
    .campaign_webhook_url = cs_pg__campaign_webhook_url,
    .campaign_delete = cs_pg__campaign_delete,
    .allowlist_clear = cs_pg__allowlist_clear,
    .allowlist_add = cs_pg__allowlist_add,
    .allowlist_has = cs_pg__allowlist_has,
    .nft_insert = cs_pg__nft_insert,
    .nft_get = cs_pg__nft_get,
    .nft_list = cs_pg__nft_list,
    .nft_local_list = cs_pg__nft_local_list,
    .nft_search = cs_pg__nft_search,
    .nft_counts = cs_pg__nft_counts,
    .nft_max_number = cs_pg__nft_max_number,
    .nft_update = cs_pg__nft_update,
    .nft_get_many = cs_pg__nft_get_many,
    .nft_write_many = cs_pg__nft_write_many,
    .nft_set_payment_url = cs_pg__nft_set_payment_url,
    .nft_set_asset_id = cs_pg__nft_set_asset_id,
    .nft_pick_available = cs_pg__nft_pick_available,
    .nft_wallet_count = cs_pg__nft_wallet_count,
    .nft_expired = cs_pg__nft_expired,
    .chain_candidates = cs_pg__chain_candidates,
    .history_insert = cs_pg__history_insert,
    .history_list = cs_pg__history_list,
    .sync_log_insert = cs_pg__sync_log_insert,
    .sync_log_update = cs_pg__sync_log_update,
    .sync_log_get = cs_pg__sync_log_get,
    .sync_log_list = cs_pg__sync_log_list,
    .sync_log_recent = cs_pg__sync_log_recent,
    .sync_log_prune = cs_pg__sync_log_prune,
    .review_insert = cs_pg__review_insert,
    .review_get = cs_pg__review_get,
    .review_list = cs_pg__review_list,
    .review_count = cs_pg__review_count,
    .review_close = cs_pg__review_close,
    .run_insert = cs_pg__run_insert,
    .run_get_active = cs_pg__run_get_active,
    .run_update = cs_pg__run_update,
    .run_finish = cs_pg__run_finish,
    .run_latest = cs_pg__run_latest,
    .run_heartbeat = cs_pg__run_heartbeat,
    .run_close = cs_pg__run_close,
    .webhook_insert = cs_pg__webhook_insert,
    .webhook_finish = cs_pg__webhook_finish,
    .webhook_list = cs_pg__webhook_list,
    .webhook_prune = cs_pg__webhook_prune,
    .report_prune = cs_pg__report_prune,
    .alert_insert = cs_pg__alert_insert,
    .alert_list = cs_pg__alert_list,
    .alert_prune = cs_pg__alert_prune,
    .chain_get = cs_pg__chain_get,
    .chain_put = cs_pg__chain_put,
    .chain_claim = cs_pg__chain_claim,
    .chain_coverage = cs_pg__chain_coverage,
    .chain_problems = cs_pg__chain_problems,
    .chain_budget_take = cs_pg__chain_budget_take,
    .chain_budget_block = cs_pg__chain_budget_block,
    .chain_release = cs_pg__chain_release,
    .nft_mint_fill = cs_pg__nft_mint_fill,
    .nft_mint_get = cs_pg__nft_mint_get,
    .advisory_lock = pg_advisory_lock,
};
