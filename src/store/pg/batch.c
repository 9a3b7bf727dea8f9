/* SPDX-License-Identifier: MIT */
/* The PostgreSQL backend: many NFTs at once (the sync's batches). */
#include "store/pg/internal.h"

#include <string.h>

#include "util/buf.h"
#include "util/limits.h"
#include "util/log.h"
#include "util/str.h"
#include "util/time.h"
#include "util/xalloc.h"
#include "util/banned.h"

/* ---- Many NFTs at once (the sync's batches) -------------------------- */

struct id_pos {
	int64_t id;
	size_t pos;
};

static int
cmp_id_pos(const void *a, const void *b)
{
	const struct id_pos *p = a, *q = b;

	return (p->id > q->id) - (p->id < q->id);
}

/* The first index of sorted v[0..n) whose id is not below id. */
static size_t
lower_bound(const struct id_pos *v, size_t n, int64_t id)
{
	size_t lo = 0, hi = n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (v[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The int8[] literal "{1,2,3}" of ids; caller frees. */
static char *
id_array(const int64_t *ids, size_t n)
{
	size_t cap = n * 21 + 3, len = 0, i;
	char *s = cs_xmalloc(cap);

	s[len++] = '{';
	for (i = 0; i < n; i++) {
		if (i > 0)
			s[len++] = ',';
		len += (size_t)snprintf(s + len, cap - len, "%" PRId64, ids[i]);
	}
	s[len++] = '}';
	s[len] = '\0';
	return s;
}

/* Read each row of res into the out[] of every position asking its id. */
static int
scatter_nfts(PGresult *res, const struct id_pos *v, size_t n,
    struct cs_nft *out, struct cs_arena *arena, struct cs_error *err)
{
	struct row r = {NULL, 0, NULL, false};
	int64_t id;
	size_t k;
	int rows, error = 0;

	r.res = res;
	r.arena = arena;
	rows = PQntuples(res);
	for (r.i = 0; r.i < rows && error == 0; r.i++) {
		id = col_i64(&r, 0);
		for (k = lower_bound(v, n, id); k < n && v[k].id == id; k++) {
			error = cs_pg__read_nft(&r, &out[v[k].pos], err);
			if (error < 0)
				break;
		}
	}
	return error;
}

/*
 * One query for n NFTs (WHERE id = ANY), locking them in id order inside a
 * transaction as pg_nft_get does one at a time.
 */
int
cs_pg__nft_get_many(struct cs_store_conn *c, const int64_t *ids, size_t n,
    struct cs_nft *out, struct cs_arena *arena, struct cs_error *err)
{
	struct params p = {0};
	struct id_pos *v = NULL;
	PGresult *res = NULL;
	char *list = NULL;
	size_t i;
	int error;

	memset(out, 0, n * sizeof(*out));
	if (n == 0)
		return 0;
	list = id_array(ids, n);
	p_text(&p, list);
	error = cs_pg__run(c,
	    cs_pg__in_transaction(c) ? N_GET_MANY_LOCK : N_GET_MANY, &p, &res,
	    err);
	if (error < 0)
		goto out;
	v = cs_xcalloc(n, sizeof(*v));
	for (i = 0; i < n; i++) {
		v[i].id = ids[i];
		v[i].pos = i;
	}
	qsort(v, n, sizeof(*v), cmp_id_pos);
	error = scatter_nfts(res, v, n, out, arena, err);
out:
	if (error < 0) {
		for (i = 0; arena == NULL && i < n; i++)
			cs_nft_dispose(&out[i]);
		memset(out, 0, n * sizeof(*out));
	}
	PQclear(res);
	free(v);
	free(list);
	return error;
}

/* Append v to an array literal: NULL, or v in double quotes with a
 * backslash before each double quote and backslash (valid for int8[] as
 * for text[]). */
static int
array_put(struct cs_buf *b, const char *v, bool first)
{
	size_t n;
	int error;

	error = cs_buf_putc(b, first ? '{' : ',');
	if (error == 0 && v == NULL)
		return cs_buf_puts(b, "NULL");
	if (error == 0)
		error = cs_buf_putc(b, '"');
	while (error == 0 && *v != '\0') {
		n = strcspn(v, "\"\\");
		error = cs_buf_put(b, v, n);
		v += n;
		if (error == 0 && *v != '\0') {
			error = cs_buf_putc(b, '\\');
			if (error == 0)
				error = cs_buf_putc(b, *v++);
		}
	}
	if (error == 0)
		error = cs_buf_putc(b, '"');
	return error;
}

/*
 * The columns of N_WRITE_MANY as array literals, one per parameter of
 * N_UPDATE and H_INSERT: each item's values are exactly the ones those take.
 */
static int
write_arrays(struct cs_buf *cols, const struct cs_nft_write *items, size_t n)
{
	size_t i;
	int j, error = 0;

	for (i = 0; i < n && error == 0; i++) {
		struct params p = {0};

		cs_pg__update_params(
		    &p, items[i].next, items[i].expected_version);
		cs_pg__history_params(&p, items[i].history);
		assert(p.n == WRITE_COLS);
		for (j = 0; j < WRITE_COLS && error == 0; j++)
			error = array_put(&cols[j], p.values[j], i == 0);
	}
	for (j = 0; j < WRITE_COLS && error == 0; j++)
		error = cs_buf_putc(&cols[j], '}');
	return error;
}

/* The result of each item from the history rows written (nft_id, id):
 * an item without one matched no row. */
static void
write_results(PGresult *res, struct cs_nft_write *items, size_t n)
{
	struct row r = {NULL, 0, NULL, false};
	struct id_pos *v = cs_xcalloc(n, sizeof(*v));
	int64_t id;
	size_t i, k;
	int rows;

	for (i = 0; i < n; i++) {
		v[i].id = items[i].next->id;
		v[i].pos = i;
		items[i].result = CS_ECONFLICT;
	}
	qsort(v, n, sizeof(*v), cmp_id_pos);
	r.res = res;
	rows = PQntuples(res);
	for (r.i = 0; r.i < rows; r.i++) {
		id = col_i64(&r, 0);
		k = lower_bound(v, n, id);
		if (k < n && v[k].id == id) {
			items[v[k].pos].result = 0;
			items[v[k].pos].history->id = col_i64(&r, 1);
		}
	}
	free(v);
}

/*
 * Every write in one statement (N_WRITE_MANY): the compare-and-set
 * updates joined to the items, and a history row for each row updated, in
 * the items' order. One round trip and one statement for the lot: a
 * statement per NFT, even pipelined, cost the server about twice the time
 * per row. It succeeds or fails whole, so a failure reports no item done.
 */
int
cs_pg__nft_write_many(struct cs_store_conn *c, struct cs_nft_write *items,
    size_t n, size_t *done, struct cs_error *err)
{
	struct cs_buf cols[WRITE_COLS];
	struct params p = {0};
	PGresult *res = NULL;
	int j, error;

	*done = 0;
	if (n == 0)
		return 0;
	for (j = 0; j < WRITE_COLS; j++)
		cs_buf_init(&cols[j], CS_PG_ARRAY_MAX);
	error = write_arrays(cols, items, n);
	if (error < 0)
		error = cs_error_set(
		    err, error, "postgres: %zu writes are too many", n);
	for (j = 0; j < WRITE_COLS && error == 0; j++)
		p_text(&p, cs_buf_cstr(&cols[j]));
	if (error == 0)
		error = cs_pg__run(c, N_WRITE_MANY, &p, &res, err);
	if (error == 0) {
		write_results(res, items, n);
		*done = n;
	}
	PQclear(res);
	for (j = 0; j < WRITE_COLS; j++)
		cs_buf_dispose(&cols[j]);
	return error;
}
