/* SPDX-License-Identifier: MIT */
/*
 * What the store's files share and no caller sees, as libgit2's odb and
 * refdb share theirs: the store and its transaction, the retry loops of
 * single operations, and the steps of a change. The files:
 *
 *   store.c     opening by URL, transactions with bounded retries, locks
 *   campaign.c  campaigns, counters, webhook secrets, allow-lists
 *   nft.c       imports, reads, the change of one NFT, link repairs
 *   sync.c      the sync's one transaction, history, review queue
 *   sync_run.c  sync runs: claim, progress, heartbeat, close
 *   webhook.c   the webhooks' group commit, events, pruning
 *   reserve.c   reservations
 *   chain.c     chain checks and the background verifier's queue
 *   alert.c     the alerts sent, their list and pruning
 */
#ifndef CS_STORE_INTERNAL_H
#define CS_STORE_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "store/backend.h"
#include "store/store.h"
#include "util/arena.h"
#include "util/limits.h"
#include "util/time.h"
#include "util/vec.h"

struct cs_store {
	const struct cs_store_ops *ops;
	struct cs_store_conn *conn;
	char *url; /* for cs_store_open_like() */
	bool in_tx;
	/* The transactions' scratch memory, reset after each: its first
	 * block is reused, so a busy writer does not allocate per commit. */
	struct cs_arena scratch;
};

/* State of one transaction: counter moves to write before commit. */
struct tx {
	struct cs_store *s;
	struct cs_arena *arena; /* s->scratch */
	struct cs_vec deltas;   /* struct delta */
};

struct delta {
	int64_t campaign_id;
	struct cs_counts d;
};

typedef int (*tx_fn)(struct tx *tx, void *payload, struct cs_error *err);

/*
 * Single operations outside a transaction retry on CS_EAGAIN as well, when
 * they are idempotent (reads, updates by key, upserts; never a bare insert,
 * which a lost connection may have committed). A walk (a list with a
 * callback) is retried only while no row was handed out, so no caller sees
 * a row twice.
 */
#define RETRY(error, expr)                                                     \
	do {                                                                   \
		int attempt_;                                                  \
		for (attempt_ = 0;; attempt_++) {                              \
			(error) = (expr);                                      \
			if ((error) != CS_EAGAIN ||                            \
			    attempt_ >= CS_DB_MAX_RETRIES)                     \
				break;                                         \
			cs_sleep_ms(5 << attempt_);                            \
		}                                                              \
	} while (0)

/* A backend's delete of rows older than before, at most limit of them. */
typedef int (*cs_store__prune_op)(struct cs_store_conn *c, int64_t before,
    int64_t limit, int64_t *deleted, struct cs_error *err);

/*
 * Run prune in batches of CS_WEBHOOK_PRUNE_BATCH (each its own short
 * write) until a batch comes back short; *deleted (may be NULL) gets the
 * rows deleted in all, also when a later batch fails.
 */
static inline int
cs_store__prune_batches(struct cs_store *store, cs_store__prune_op prune,
    int64_t before, int64_t *deleted, struct cs_error *err)
{
	int64_t n = 0, total = 0;
	int error;

	do {
		error =
		    prune(store->conn, before, CS_WEBHOOK_PRUNE_BATCH, &n, err);
		if (error < 0)
			break;
		total += n;
	} while (n == CS_WEBHOOK_PRUNE_BATCH);
	if (deleted != NULL)
		*deleted = total;
	return error;
}

#define RETRY_WALK(error, w, expr)                                             \
	do {                                                                   \
		int attempt_;                                                  \
		for (attempt_ = 0;; attempt_++) {                              \
			(w).delivered = false;                                 \
			(error) = (expr);                                      \
			if ((error) != CS_EAGAIN || (w).delivered ||           \
			    attempt_ >= CS_DB_MAX_RETRIES)                     \
				break;                                         \
			cs_sleep_ms(5 << attempt_);                            \
		}                                                              \
	} while (0)

#define WALK_SHIM(kind, type, cbtype)                                          \
	struct kind##_walk {                                                   \
		cbtype cb;                                                     \
		void *payload;                                                 \
		bool delivered;                                                \
	};                                                                     \
	static int kind##_shim(const type *row, void *payload)                 \
	{                                                                      \
		struct kind##_walk *w = payload;                               \
                                                                               \
		w->delivered = true;                                           \
		return w->cb(row, w->payload);                                 \
	}

/* Advisory lock keys: one namespace per kind of work on a campaign. */
#define LOCK_SYNC(id) (((int64_t)1 << 40) | (id))
#define LOCK_RESERVE(id) (((int64_t)2 << 40) | (id))

/* Take the advisory lock key for the rest of the transaction (a no-op on
 * a backend without them, whose transactions are serialized). */
int cs_store__lock(struct tx *tx, int64_t key, struct cs_error *err);

/*
 * Run fn in a transaction; retry the whole of it on CS_EAGAIN a bounded
 * number of times, with a short growing pause. fn must be safe to run again:
 * it may only change state through the transaction.
 */
int cs_store__run_tx(struct cs_store *s, bool write, int64_t now, tx_fn fn,
    void *payload, struct cs_error *err);

/** The counter moves of campaign_id in this transaction (borrowed). */
struct cs_counts *cs_store__delta_for(struct tx *tx, int64_t campaign_id);

/** Whether a change is well formed (an NFT named, a status, short fields). */
int cs_store__validate_change(
    const struct cs_nft_change *ch, struct cs_error *err);

/*
 * A change of one NFT, in its steps (nft.c). change_plan() asks core
 * whether the change applies to the row read and what the new row and its
 * history row are, and words its refusals in err and *errcode;
 * change_written() moves the counters once they are written; not_found()
 * words a missing NFT; apply_change() does the whole for one NFT: read,
 * plan, write compare-and-set with its history row, move the counters.
 *
 * @param after if not NULL, receives the NFT as it now is (caller owns)
 */
enum cs_apply_result cs_store__change_plan(const struct cs_nft_change *ch,
    const struct cs_nft *cur, int64_t now, struct cs_nft *next,
    struct cs_history *h, struct cs_error *err, int *errcode);
void cs_store__change_written(
    struct tx *tx, const struct cs_nft *cur, const struct cs_nft *next);
enum cs_apply_result cs_store__not_found(
    const struct cs_nft_change *ch, struct cs_error *err, int *errcode);
enum cs_apply_result cs_store__apply_change(struct tx *tx,
    const struct cs_nft_change *ch, int64_t now, struct cs_nft *after,
    struct cs_error *err, int *errcode);

#endif
