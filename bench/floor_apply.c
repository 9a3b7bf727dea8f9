/* SPDX-License-Identifier: MIT */
/*
 * cs-bench-apply: the floor of a sync's writes. Marks the first N NFTs of
 * a campaign's database (by number) sold the plainest durable way SQLite
 * offers: one transaction, two prepared statements (the NFT's status and
 * version, and a status_history row each), the store's pragmas (WAL,
 * synchronous=FULL, foreign keys). bench/run adds its time to curl's
 * fetching of the pages: what a sync that did nothing else would cost.
 *
 *   cs-bench-apply --db PATH --sold N
 *
 * Prints "applied N in MS ms" (the transaction alone).
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int
fail(sqlite3 *db, const char *what)
{
	fprintf(stderr, "cs-bench-apply: %s: %s\n", what, sqlite3_errmsg(db));
	sqlite3_close(db);
	return 1;
}

int
main(int argc, char **argv)
{
	const char *path = NULL;
	sqlite3 *db = NULL;
	sqlite3_stmt *ids = NULL, *upd = NULL, *hist = NULL;
	long n = -1, done = 0;
	sqlite3_int64 now = (sqlite3_int64)time(NULL) * 1000;
	double t0;
	int i;

	for (i = 1; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "--db") == 0)
			path = argv[i + 1];
		else if (strcmp(argv[i], "--sold") == 0)
			n = strtol(argv[i + 1], NULL, 10);
		else
			break;
	}
	if (i != argc || path == NULL || n < 0) {
		fprintf(stderr, "usage: cs-bench-apply --db PATH --sold N\n");
		return 64;
	}
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) !=
	    SQLITE_OK)
		return fail(db, path);
	if (sqlite3_exec(db,
	        "PRAGMA foreign_keys = ON; PRAGMA journal_mode = WAL; "
	        "PRAGMA synchronous = FULL",
	        NULL, NULL, NULL) != SQLITE_OK)
		return fail(db, "pragmas");
	if (sqlite3_prepare_v2(db,
	        "SELECT id, campaign_id, status FROM nfts "
	        "ORDER BY nft_number LIMIT ?1",
	        -1, &ids, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db,
	        "UPDATE nfts SET status = 'sold', version = version + 1, "
	        "last_modified_at = ?2, last_modified_by = 'manual_sync', "
	        "last_synced_at = ?2, sold_at = ?2 WHERE id = ?1",
	        -1, &upd, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db,
	        "INSERT INTO status_history (nft_id, campaign_id, "
	        "old_status, new_status, source, changed_at, detail) "
	        "VALUES (?1, ?2, ?3, 'sold', 'manual_sync', ?4, "
	        "'sold in NMKR')",
	        -1, &hist, NULL) != SQLITE_OK)
		return fail(db, "prepare");
	t0 = mono_ms();
	if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		return fail(db, "begin");
	sqlite3_bind_int64(ids, 1, n);
	while (sqlite3_step(ids) == SQLITE_ROW) {
		sqlite3_int64 id = sqlite3_column_int64(ids, 0);

		sqlite3_bind_int64(upd, 1, id);
		sqlite3_bind_int64(upd, 2, now);
		if (sqlite3_step(upd) != SQLITE_DONE)
			return fail(db, "update");
		sqlite3_reset(upd);
		sqlite3_bind_int64(hist, 1, id);
		sqlite3_bind_int64(hist, 2, sqlite3_column_int64(ids, 1));
		sqlite3_bind_text(hist, 3,
		    (const char *)sqlite3_column_text(ids, 2), -1,
		    SQLITE_TRANSIENT);
		sqlite3_bind_int64(hist, 4, now);
		if (sqlite3_step(hist) != SQLITE_DONE)
			return fail(db, "insert");
		sqlite3_reset(hist);
		done++;
	}
	if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		return fail(db, "commit");
	printf("applied %ld in %.1f ms\n", done, mono_ms() - t0);
	sqlite3_finalize(ids);
	sqlite3_finalize(upd);
	sqlite3_finalize(hist);
	sqlite3_close(db);
	return 0;
}
