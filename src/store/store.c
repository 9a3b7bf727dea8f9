/* SPDX-License-Identifier: MIT */
/*
 * The store's frame: opening a backend by URL and running transactions
 * with bounded retries, with the counter moves they gather. The rules
 * themselves are in the files beside it (see internal.h); store.h is the
 * contract.
 */
#include "store/store.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "store/backend.h"
#include "store/internal.h"
#include "util/limits.h"
#include "util/log.h"
#include "util/str.h"
#include "util/time.h"
#include "util/vec.h"
#include "util/xalloc.h"
#include "util/banned.h"

static const struct cs_store_ops *const backends[] = {
    &cs_store_sqlite_ops,
#ifdef CS_WITH_POSTGRES
    &cs_store_pg_ops,
#endif
};

char *
cs_store__dup(struct cs_arena *arena, const char *s, size_t len)
{
	if (s == NULL)
		return NULL;
	if (arena != NULL)
		return cs_arena_strndup(arena, s, len);
	return cs_xstrndup(s, len);
}

/* ---- Opening ---------------------------------------------------------- */

/*
 * A libpq keyword/value string ("host=db password=x dbname=cs"): a word,
 * spaces allowed, then '='. Such a string was once opened as a SQLite path,
 * creating a file named after the password; a path of that shape needs the
 * "sqlite:" prefix.
 */
static bool
is_conninfo(const char *url)
{
	const char *p = url;

	while (isspace((unsigned char)*p))
		p++;
	if (!isalpha((unsigned char)*p) && *p != '_')
		return false;
	while (isalnum((unsigned char)*p) || *p == '_')
		p++;
	while (isspace((unsigned char)*p))
		p++;
	return *p == '=';
}

static const struct cs_store_ops *
backend_for(const char *url)
{
	size_t i;
	const char *scheme = "sqlite";

	if (cs_str_startswith(url, "postgres://") ||
	    cs_str_startswith(url, "postgresql://") ||
	    (!cs_str_startswith(url, "sqlite:") && is_conninfo(url)))
		scheme = "postgres";
	else if (strchr(url, ':') != NULL &&
	         !cs_str_startswith(url, "sqlite:") &&
	         strstr(url, "://") != NULL)
		return NULL;
	for (i = 0; i < sizeof(backends) / sizeof(backends[0]); i++) {
		if (strcmp(backends[i]->scheme, scheme) == 0)
			return backends[i];
	}
	return NULL;
}

int
cs_store_open(struct cs_store **out, const char *url, struct cs_error *err)
{
	const struct cs_store_ops *ops;
	struct cs_store *s = NULL;
	int error;

	*out = NULL;
	if (url == NULL || *url == '\0')
		return cs_error_set(err, CS_EINVAL, "empty database url");
	ops = backend_for(url);
	if (ops == NULL)
		return cs_error_set(err, CS_EINVAL,
		    "unsupported database url (use sqlite:PATH, "
		    "postgres://... or host=... dbname=...)");
	s = cs_xcalloc(1, sizeof(*s));
	s->ops = ops;
	s->url = cs_xstrdup(url);
	cs_arena_init(&s->scratch);
	error = ops->open(&s->conn, url, err);
	if (error < 0)
		goto out;
	error = ops->migrate(s->conn, cs_now_ms(), err);
	if (error < 0)
		goto out;
	*out = s;
	s = NULL;
out:
	cs_store_free(s);
	return error;
}

void
cs_store_free(struct cs_store *store)
{
	if (store == NULL)
		return;
	if (store->conn != NULL)
		store->ops->close(store->conn);
	cs_arena_dispose(&store->scratch);
	free(store->url);
	free(store);
}

int
cs_store_open_like(
    struct cs_store **out, const struct cs_store *like, struct cs_error *err)
{
	*out = NULL;
	if (strstr(like->url, ":memory:") != NULL ||
	    strstr(like->url, "mode=memory") != NULL)
		return cs_error_set(err, CS_EINVAL,
		    "an in-memory database has no second connection");
	return cs_store_open(out, like->url, err);
}

const char *
cs_store_backend_name(const struct cs_store *store)
{
	return store->ops->scheme;
}

bool
cs_store_readonly(const struct cs_store *store)
{
	return store->ops->readonly != NULL &&
	       store->ops->readonly(store->conn);
}

int
cs_store_schema_version(struct cs_store *store, int *out, struct cs_error *err)
{
	int error;

	RETRY(error, store->ops->schema_version(store->conn, out, err));
	return error;
}

/* ---- Transactions ----------------------------------------------------- */

struct cs_counts *
cs_store__delta_for(struct tx *tx, int64_t campaign_id)
{
	struct delta *d;
	size_t i;

	for (i = 0; i < tx->deltas.len; i++) {
		d = CS_VEC_AT(&tx->deltas, struct delta, i);
		if (d->campaign_id == campaign_id)
			return &d->d;
	}
	d = cs_vec_push(&tx->deltas);
	d->campaign_id = campaign_id;
	return &d->d;
}

static int
flush_deltas(struct tx *tx, int64_t now, struct cs_error *err)
{
	const struct delta *d;
	size_t i;
	int error;

	for (i = 0; i < tx->deltas.len; i++) {
		d = CS_VEC_AT(&tx->deltas, struct delta, i);
		if (d->d.total == 0 && d->d.available == 0 &&
		    d->d.reserved == 0 && d->d.sold == 0)
			continue;
		error = tx->s->ops->campaign_add_counts(
		    tx->s->conn, d->campaign_id, &d->d, now, err);
		if (error < 0)
			return error;
	}
	return 0;
}

/*
 * Run fn in a transaction; retry the whole of it on CS_EAGAIN a bounded
 * number of times, with a short growing pause. fn must be safe to run again:
 * it may only change state through the transaction.
 */
int
cs_store__run_tx(struct cs_store *s, bool write, int64_t now, tx_fn fn,
    void *payload, struct cs_error *err)
{
	struct tx tx;
	int attempt, error = 0;

	if (s->in_tx)
		return cs_error_set(err, CS_ERROR, "nested store transaction");
	for (attempt = 0; attempt <= CS_DB_MAX_RETRIES; attempt++) {
		if (attempt > 0) {
			cs_log_debug("store", "retrying transaction (%s)",
			    cs_error_msg(err));
			cs_sleep_ms(5 << attempt);
		}
		tx.s = s;
		tx.arena = &s->scratch;
		cs_vec_init(&tx.deltas, sizeof(struct delta));
		error = s->ops->begin(s->conn, write, err);
		if (error == 0) {
			s->in_tx = true;
			error = fn(&tx, payload, err);
			if (error == 0)
				error = flush_deltas(&tx, now, err);
			if (error == 0)
				error = s->ops->commit(s->conn, err);
			if (error < 0)
				s->ops->rollback(s->conn);
			s->in_tx = false;
		}
		cs_vec_dispose(&tx.deltas);
		cs_arena_reset(&s->scratch);
		if (error != CS_EAGAIN)
			break;
	}
	return error;
}

int
cs_store__lock(struct tx *tx, int64_t key, struct cs_error *err)
{
	if (tx->s->ops->advisory_lock == NULL)
		return 0;
	return tx->s->ops->advisory_lock(tx->s->conn, key, err);
}
