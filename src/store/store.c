/* SPDX-License-Identifier: MIT */
/*
 * The store's rules, written once over the backend primitives of backend.h:
 * transactions with bounded retries, status changes with their history rows,
 * versions and counters, imports within max_nfts, the sync's one transaction,
 * review items and sync runs. See store.h for the contract.
 */
#include "store/store.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "core/paylink.h"
#include "core/wallet.h"
#include "store/backend.h"
#include "util/buf.h"
#include "util/limits.h"
#include "util/log.h"
#include "util/str.h"
#include "util/strmap.h"
#include "util/time.h"
#include "util/vec.h"
#include "util/xalloc.h"
#include "util/banned.h"

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

WALK_SHIM(campaign, struct cs_campaign, cs_campaign_cb)
WALK_SHIM(nft, struct cs_nft, cs_nft_cb)
WALK_SHIM(sync_log, struct cs_sync_log, cs_sync_log_cb)
WALK_SHIM(history, struct cs_history, cs_history_cb)
WALK_SHIM(review, struct cs_review_item, cs_review_cb)
WALK_SHIM(webhook, struct cs_webhook_event, cs_webhook_event_cb)

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

int
cs_store_schema_version(struct cs_store *store, int *out, struct cs_error *err)
{
	int error;

	RETRY(error, store->ops->schema_version(store->conn, out, err));
	return error;
}

/* ---- Transactions ----------------------------------------------------- */

static struct cs_counts *
delta_for(struct tx *tx, int64_t campaign_id)
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
static int
run_tx(struct cs_store *s, bool write, int64_t now, tx_fn fn, void *payload,
    struct cs_error *err)
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

/* ---- Campaigns -------------------------------------------------------- */

static int
validate_campaign(const struct cs_campaign *c, struct cs_error *err)
{
	if (c->name == NULL || *c->name == '\0')
		return cs_error_set(err, CS_EINVAL, "campaign name is empty");
	if (strlen(c->name) > CS_MAX_NAME)
		return cs_error_set(err, CS_EINVAL,
		    "campaign name is longer than %d bytes", CS_MAX_NAME);
	if (c->description != NULL &&
	    strlen(c->description) > CS_MAX_DESCRIPTION)
		return cs_error_set(err, CS_EINVAL,
		    "description is longer than %d bytes", CS_MAX_DESCRIPTION);
	if (!cs_str_is_uuid(c->nmkr_project_uid))
		return cs_error_set(err, CS_EINVAL,
		    "NMKR project uid '%s' is not a uid "
		    "(8-4-4-4-12 hex digits)",
		    c->nmkr_project_uid != NULL ? c->nmkr_project_uid : "");
	if (c->max_nfts < 0 || c->max_nfts > CS_MAX_NFTS_PER_CAMPAIGN)
		return cs_error_set(err, CS_EINVAL,
		    "max NFTs must be between 0 and %d",
		    CS_MAX_NFTS_PER_CAMPAIGN);
	if (c->start_date != 0 && c->end_date != 0 &&
	    c->end_date < c->start_date)
		return cs_error_set(
		    err, CS_EINVAL, "end date is before start date");
	if (c->reservation_minutes != 0 &&
	    (c->reservation_minutes < CS_RESERVATION_MIN_MIN ||
	        c->reservation_minutes > CS_RESERVATION_MAX_MIN))
		return cs_error_set(err, CS_EINVAL,
		    "reservation time must be %d to %d minutes",
		    CS_RESERVATION_MIN_MIN, CS_RESERVATION_MAX_MIN);
	return 0;
}

struct campaign_create_args {
	struct cs_campaign *c;
	int64_t now;
};

static int
campaign_create_tx(struct tx *tx, void *payload, struct cs_error *err)
{
	struct campaign_create_args *a = payload;

	a->c->id = 0;
	a->c->status = CS_CAMPAIGN_INACTIVE;
	a->c->created_at = a->now;
	a->c->updated_at = a->now;
	memset(&a->c->counts, 0, sizeof(a->c->counts));
	return tx->s->ops->campaign_insert(tx->s->conn, a->c, err);
}

int
cs_store_campaign_create(struct cs_store *store, struct cs_campaign *c,
    int64_t now, struct cs_error *err)
{
	struct campaign_create_args a = {c, now};
	int error;

	error = validate_campaign(c, err);
	if (error < 0)
		return error;
	return run_tx(store, true, now, campaign_create_tx, &a, err);
}

int
cs_store_campaign_get(struct cs_store *store, int64_t id,
    struct cs_campaign *out, struct cs_error *err)
{
	int error;

	memset(out, 0, sizeof(*out));
	RETRY(
	    error, store->ops->campaign_get(store->conn, id, false, out, err));
	return error;
}

int
cs_store_campaign_find(struct cs_store *store, const char *id_or_name,
    struct cs_campaign *out, struct cs_error *err)
{
	int64_t id;
	int error;

	memset(out, 0, sizeof(*out));
	if (cs_str_to_i64(id_or_name, 1, INT64_MAX, &id) == 0) {
		error =
		    store->ops->campaign_get(store->conn, id, false, out, err);
		if (error != CS_ENOTFOUND)
			return error;
	}
	error =
	    store->ops->campaign_get_by_name(store->conn, id_or_name, out, err);
	if (error == CS_ENOTFOUND)
		return cs_error_set(
		    err, CS_ENOTFOUND, "no campaign '%s'", id_or_name);
	return error;
}

int
cs_store_campaign_list(struct cs_store *store, cs_campaign_cb cb, void *payload,
    struct cs_error *err)
{
	struct campaign_walk w = {cb, payload, false};
	int error;

	RETRY_WALK(error, w,
	    store->ops->campaign_list(store->conn, campaign_shim, &w, err));
	return error;
}

struct campaign_update_args {
	const struct cs_campaign *c;
	int64_t now;
};

static int
campaign_update_tx(struct tx *tx, void *payload, struct cs_error *err)
{
	struct campaign_update_args *a = payload;
	struct cs_campaign cur;
	int error;

	memset(&cur, 0, sizeof(cur));
	error =
	    tx->s->ops->campaign_get(tx->s->conn, a->c->id, true, &cur, err);
	if (error < 0)
		return error;
	if (a->c->max_nfts < cur.counts.total)
		error = cs_error_set(err, CS_EINVAL,
		    "max NFTs %lld is below the %lld NFTs the campaign holds",
		    (long long)a->c->max_nfts, (long long)cur.counts.total);
	else
		error =
		    tx->s->ops->campaign_update(tx->s->conn, a->c, a->now, err);
	cs_campaign_dispose(&cur);
	return error;
}

int
cs_store_campaign_update(struct cs_store *store, const struct cs_campaign *c,
    int64_t now, struct cs_error *err)
{
	struct campaign_update_args a = {c, now};
	int error;

	error = validate_campaign(c, err);
	if (error < 0)
		return error;
	return run_tx(store, true, now, campaign_update_tx, &a, err);
}

struct campaign_status_args {
	int64_t id;
	enum cs_campaign_status status;
	int64_t now;
};

static int
campaign_status_tx(struct tx *tx, void *payload, struct cs_error *err)
{
	struct campaign_status_args *a = payload;
	struct cs_counts counts;
	int error;

	if (a->status == CS_CAMPAIGN_ACTIVE) {
		error =
		    tx->s->ops->nft_counts(tx->s->conn, a->id, &counts, err);
		if (error < 0)
			return error;
		if (counts.total == 0)
			return cs_error_set(err, CS_EINVAL,
			    "campaign has no NFTs: import its inventory "
			    "before activating it");
	}
	return tx->s->ops->campaign_set_status(
	    tx->s->conn, a->id, a->status, a->now, err);
}

int
cs_store_campaign_set_status(struct cs_store *store, int64_t id,
    enum cs_campaign_status status, int64_t now, struct cs_error *err)
{
	struct campaign_status_args a = {id, status, now};

	return run_tx(store, true, now, campaign_status_tx, &a, err);
}

struct campaign_delete_args {
	int64_t id;
	bool force;
};

static int
campaign_delete_tx(struct tx *tx, void *payload, struct cs_error *err)
{
	struct campaign_delete_args *a = payload;
	struct cs_counts counts;
	int error;

	error = tx->s->ops->nft_counts(tx->s->conn, a->id, &counts, err);
	if (error < 0)
		return error;
	if (counts.sold > 0 && !a->force)
		return cs_error_set(err, CS_ECONFLICT,
		    "campaign has %lld sold NFTs; delete it with force to "
		    "confirm",
		    (long long)counts.sold);
	return tx->s->ops->campaign_delete(tx->s->conn, a->id, err);
}

int
cs_store_campaign_delete(
    struct cs_store *store, int64_t id, bool force, struct cs_error *err)
{
	struct campaign_delete_args a = {id, force};

	return run_tx(store, true, cs_now_ms(), campaign_delete_tx, &a, err);
}

struct recount_args {
	int64_t id;
	int64_t now;
	struct cs_counts counts;
};

static int
recount_tx(struct tx *tx, void *payload, struct cs_error *err)
{
	struct recount_args *a = payload;
	struct cs_campaign c;
	int error;

	memset(&c, 0, sizeof(c));
	error = tx->s->ops->campaign_get(tx->s->conn, a->id, true, &c, err);
	cs_campaign_dispose(&c);
	if (error < 0)
		return error;
	error = tx->s->ops->nft_counts(tx->s->conn, a->id, &a->counts, err);
	if (error < 0)
		return error;
	return tx->s->ops->campaign_set_counts(
	    tx->s->conn, a->id, &a->counts, a->now, err);
}

int
cs_store_campaign_recount(struct cs_store *store, int64_t id, int64_t now,
    struct cs_counts *out, struct cs_error *err)
{
	struct recount_args a = {id, now, {0, 0, 0, 0}};
	int error;

	error = run_tx(store, true, now, recount_tx, &a, err);
	if (error == 0 && out != NULL)
		*out = a.counts;
	return error;
}

struct secret_args {
	int64_t id;
	const char *secret;
	int64_t now;
};

static int
secret_tx(struct tx *tx, void *payload, struct cs_error *err)
{
	struct secret_args *a = payload;

	return tx->s->ops->campaign_rotate_secret(
	    tx->s->conn, a->id, a->secret, a->now, err);
}

int
cs_store_campaign_set_webhook_secret(struct cs_store *store, int64_t id,
    const char *secret, int64_t now, struct cs_error *err)
{
	struct secret_args a = {id, secret, now};

	if (secret == NULL || strlen(secret) < 16)
		return cs_error_set(err, CS_EINVAL,
		    "webhook secret is shorter than 16 characters");
	return run_tx(store, true, now, secret_tx, &a, err);
}

struct set_webhook_args {
	int64_t id;
	const char *url, *secret;
	int64_t now;
};

static int
set_webhook_tx(struct tx *tx, void *payload, struct cs_error *err)
{
	struct set_webhook_args *a = payload;

	return tx->s->ops->campaign_set_webhook(
	    tx->s->conn, a->id, a->url, a->secret, a->now, err);
}

int
cs_store_campaign_set_webhook(struct cs_store *store, int64_t id,
    const char *url, const char *secret, int64_t now, struct cs_error *err)
{
	struct set_webhook_args a = {id, url, secret, now};

	if (secret != NULL && strlen(secret) < 16)
		return cs_error_set(err, CS_EINVAL,
		    "webhook secret is shorter than 16 characters");
	return run_tx(store, true, now, set_webhook_tx, &a, err);
}

int
cs_store_campaign_webhook_url(
    struct cs_store *store, int64_t id, char **out, struct cs_error *err)
{
	int error;

	*out = NULL;
	RETRY(
	    error, store->ops->campaign_webhook_url(store->conn, id, out, err));
	return error;
}

int
cs_store_campaign_mark_synced(
    struct cs_store *store, int64_t id, int64_t now, struct cs_error *err)
{
	int error;

	RETRY(
	    error, store->ops->campaign_mark_synced(store->conn, id, now, err));
	return error;
}

struct allowlist_args {
	int64_t campaign_id;
	const char *const *addresses;
	size_t n;
};

/* Entries are checked against the campaign's network (read in the same
 * transaction) and stored in their canonical form (core/wallet.h); a bad
 * entry rolls the whole list back. */
static int
allowlist_tx(struct tx *tx, void *payload, struct cs_error *err)
{
	struct allowlist_args *a = payload;
	enum cs_wallet_fault f;
	struct cs_campaign camp;
	struct cs_wallet w;
	size_t i;
	int error;

	memset(&camp, 0, sizeof(camp));
	error = tx->s->ops->campaign_get(
	    tx->s->conn, a->campaign_id, false, &camp, err);
	if (error < 0)
		return error;
	error = tx->s->ops->allowlist_clear(tx->s->conn, a->campaign_id, err);
	for (i = 0; error == 0 && i < a->n; i++) {
		f = cs_wallet_parse(a->addresses[i], camp.network,
		    CS_WALLET_PAYMENT_OR_STAKE, &w);
		if (f != CS_WALLET_OK)
			error = cs_error_set(err, CS_EINVAL,
			    "allow-list entry %zu: %s (this campaign is on "
			    "%s: %s1... or %s1...)",
			    i + 1, cs_wallet_fault_msg(f),
			    cs_network_name(camp.network),
			    camp.network == CS_NETWORK_MAINNET ? "addr"
			                                       : "addr_test",
			    camp.network == CS_NETWORK_MAINNET ? "stake"
			                                       : "stake_test");
		else
			error = tx->s->ops->allowlist_add(
			    tx->s->conn, a->campaign_id, w.address, err);
	}
	cs_campaign_dispose(&camp);
	return error;
}

int
cs_store_allowlist_set(struct cs_store *store, int64_t campaign_id,
    const char *const *addresses, size_t n, struct cs_error *err)
{
	struct allowlist_args a = {campaign_id, addresses, n};
	size_t i;

	for (i = 0; i < n; i++) {
		if (addresses[i] == NULL || *addresses[i] == '\0' ||
		    strlen(addresses[i]) > CS_MAX_WALLET)
			return cs_error_set(err, CS_EINVAL,
			    "allow-list entry %zu is not a wallet address",
			    i + 1);
	}
	return run_tx(store, true, cs_now_ms(), allowlist_tx, &a, err);
}

int
cs_store_allowlist_has(struct cs_store *store, int64_t campaign_id,
    const char *address, bool *out, struct cs_error *err)
{
	char canon[CS_MAX_WALLET + 1];
	size_t i;
	int error;

	if (address == NULL)
		return cs_error_set(err, CS_EINVAL, "no address");
	/* Entries are stored in lower case (core/wallet.h). */
	for (i = 0; address[i] != '\0' && i < CS_MAX_WALLET; i++)
		canon[i] = (char)tolower((unsigned char)address[i]);
	canon[i] = '\0';
	RETRY(error, store->ops->allowlist_has(
	                 store->conn, campaign_id, canon, out, err));
	return error;
}

/* ---- NFTs ------------------------------------------------------------- */

struct import_args {
	int64_t campaign_id;
	const struct cs_nft *nfts;
	size_t n;
	int64_t now;
	struct cs_import_result res;
};

static int
validate_import_nft(const struct cs_nft *n, size_t i, struct cs_error *err)
{
	if (!cs_str_is_uuid(n->nft_uid))
		return cs_error_set(err, CS_EINVAL,
		    "NFT %zu: uid '%s' is not a uid", i + 1,
		    n->nft_uid != NULL ? n->nft_uid : "");
	if (n->name == NULL || *n->name == '\0' ||
	    strlen(n->name) > CS_MAX_NAME)
		return cs_error_set(err, CS_EINVAL,
		    "NFT %zu (%s): name is empty or too long", i + 1,
		    n->nft_uid);
	if (n->nft_number < 0)
		return cs_error_set(err, CS_EINVAL,
		    "NFT %zu (%s): negative number", i + 1, n->nft_uid);
	return 0;
}

static enum cs_apply_result apply_change(struct tx *tx,
    const struct cs_nft_change *ch, int64_t now, struct cs_nft *after,
    struct cs_error *err, int *errcode);

/* An NFT imported in a state other than available gets there by a change,
 * so the state has its history row like any other. */
static int
import_state(struct tx *tx, const struct cs_nft *in, int64_t id, int64_t now,
    struct cs_error *err)
{
	struct cs_nft_change ch = CS_NFT_CHANGE_INIT;
	enum cs_apply_result r;
	int error;

	ch.nft_id = id;
	ch.new_status = in->status;
	ch.source = CS_SOURCE_ADMIN;
	ch.reserved_by = in->reserved_by;
	ch.reserved_until = in->reserved_until;
	ch.sold_to = in->sold_to;
	ch.tx_hash = in->tx_hash;
	ch.sold_at = in->sold_at;
	ch.sold_at_raw = in->sold_at_raw;
	ch.detail = "state at import";
	r = apply_change(tx, &ch, now, NULL, err, &error);
	if (r == CS_APPLY_OK || r == CS_APPLY_NOOP)
		return 0;
	return error < 0 ? error : CS_ERROR;
}

static int
import_tx(struct tx *tx, void *payload, struct cs_error *err)
{
	struct import_args *a = payload;
	const struct cs_store_ops *ops = tx->s->ops;
	struct cs_campaign camp;
	struct cs_buf link = CS_BUF_INIT(CS_MAX_URL);
	struct cs_nft existing, row;
	struct cs_strmap seen;
	int64_t next;
	size_t i, fresh = 0;
	bool *skip = NULL;
	int error;

	cs_strmap_init(&seen);
	memset(&camp, 0, sizeof(camp));
	memset(&a->res, 0, sizeof(a->res));
	error =
	    ops->campaign_get(tx->s->conn, a->campaign_id, true, &camp, err);
	if (error < 0)
		goto out;
	skip = cs_xcalloc(a->n + 1, sizeof(*skip));
	for (i = 0; i < a->n; i++) {
		memset(&existing, 0, sizeof(existing));
		error = ops->nft_get(tx->s->conn, 0, a->nfts[i].nft_uid,
		    &existing, tx->arena, err);
		if (error == 0 && existing.campaign_id != a->campaign_id) {
			error = cs_error_set(err, CS_ECONFLICT,
			    "NFT %s already belongs to campaign %lld; nothing "
			    "was imported",
			    existing.nft_uid, (long long)existing.campaign_id);
			goto out;
		}
		if (error == 0) {
			skip[i] = true;
			continue;
		}
		if (error != CS_ENOTFOUND)
			goto out;
		/* The same uid twice in one input counts once. */
		if (!cs_strmap_put(&seen, a->nfts[i].nft_uid, i)) {
			skip[i] = true;
			continue;
		}
		fresh++;
	}
	error = 0;
	if (camp.counts.total + (int64_t)fresh > camp.max_nfts) {
		error = cs_error_set(err, CS_EINVAL,
		    "import of %zu new NFTs would pass the campaign's maximum "
		    "of %lld (it holds %lld); nothing was imported",
		    fresh, (long long)camp.max_nfts,
		    (long long)camp.counts.total);
		goto out;
	}
	error = ops->nft_max_number(tx->s->conn, a->campaign_id, &next, err);
	if (error < 0)
		goto out;
	for (i = 0; i < a->n; i++) {
		if (skip[i]) {
			a->res.skipped++;
			continue;
		}
		row = a->nfts[i];
		row.id = 0;
		row.campaign_id = a->campaign_id;
		if (row.nft_number == 0)
			row.nft_number = ++next;
		else if (row.nft_number > next)
			next = row.nft_number;
		row.status = CS_NFT_AVAILABLE;
		row.project_uid = camp.nmkr_project_uid;
		cs_buf_reset(&link);
		error = cs_paylink_specific(
		    &link, camp.network, camp.nmkr_project_uid, row.nft_uid);
		if (error < 0) {
			error = cs_error_set(err, CS_EINVAL,
			    "NFT %s: cannot build its payment link",
			    row.nft_uid);
			goto out;
		}
		row.payment_url = link.ptr;
		row.created_at = a->now;
		row.last_modified_at = a->now;
		row.last_modified_by = CS_SOURCE_ADMIN;
		row.last_synced_at = 0;
		row.version = 1;
		row.reserved_by = NULL;
		row.reserved_until = 0;
		row.sold_to = NULL;
		row.tx_hash = NULL;
		row.sold_at = 0;
		row.sold_at_raw = NULL;
		error = ops->nft_insert(tx->s->conn, &row, err);
		if (error == CS_ECONFLICT)
			error = cs_error_set(err, CS_ECONFLICT,
			    "NFT %s: number %lld is taken in this campaign",
			    row.nft_uid, (long long)row.nft_number);
		if (error < 0)
			goto out;
		if (a->nfts[i].status != CS_NFT_AVAILABLE) {
			error =
			    import_state(tx, &a->nfts[i], row.id, a->now, err);
			if (error < 0)
				goto out;
		}
		if (a->res.inserted == 0)
			a->res.first_number = row.nft_number;
		a->res.last_number = row.nft_number;
		a->res.inserted++;
		cs_counts_add(
		    delta_for(tx, a->campaign_id), CS_NFT_AVAILABLE, 1);
	}
out:
	cs_strmap_dispose(&seen);
	free(skip);
	cs_buf_dispose(&link);
	cs_campaign_dispose(&camp);
	return error;
}

int
cs_store_nft_import(struct cs_store *store, int64_t campaign_id,
    const struct cs_nft *nfts, size_t n, int64_t now,
    struct cs_import_result *out, struct cs_error *err)
{
	struct import_args a;
	size_t i;
	int error;

	for (i = 0; i < n; i++) {
		error = validate_import_nft(&nfts[i], i, err);
		if (error < 0)
			return error;
	}
	memset(&a, 0, sizeof(a));
	a.campaign_id = campaign_id;
	a.nfts = nfts;
	a.n = n;
	a.now = now;
	error = run_tx(store, true, now, import_tx, &a, err);
	if (error == 0 && out != NULL)
		*out = a.res;
	return error;
}

int
cs_store_nft_get(struct cs_store *store, const char *uid, struct cs_nft *out,
    struct cs_error *err)
{
	int error;

	memset(out, 0, sizeof(*out));
	error = store->ops->nft_get(store->conn, 0, uid, out, NULL, err);
	if (error == CS_ENOTFOUND)
		return cs_error_set(err, CS_ENOTFOUND, "no NFT '%s'", uid);
	return error;
}

int
cs_store_nft_get_by_id(struct cs_store *store, int64_t id, struct cs_nft *out,
    struct cs_error *err)
{
	memset(out, 0, sizeof(*out));
	return store->ops->nft_get(store->conn, id, NULL, out, NULL, err);
}

int
cs_store_nft_list(struct cs_store *store, const struct cs_nft_query *q,
    cs_nft_cb cb, void *payload, struct cs_error *err)
{
	struct nft_walk w = {cb, payload, false};
	int error;

	RETRY_WALK(
	    error, w, store->ops->nft_list(store->conn, q, nft_shim, &w, err));
	return error;
}

int
cs_store_nft_counts(struct cs_store *store, int64_t campaign_id,
    struct cs_counts *out, struct cs_error *err)
{
	int error;

	RETRY(
	    error, store->ops->nft_counts(store->conn, campaign_id, out, err));
	return error;
}

/*
 * The one place where an NFT changes, in two halves. change_plan() asks
 * core (core/change_rules.h) whether a change applies to the row read and
 * what the new row and its history row are, and words its refusals;
 * CS_APPLY_OK means "write them". change_written() moves the counters once
 * they are written compare-and-set. apply_change() does the whole for one
 * NFT; the sync's batches (apply_batch()) do it for many.
 */
static enum cs_apply_result
change_plan(const struct cs_nft_change *ch, const struct cs_nft *cur,
    int64_t now, struct cs_nft *next, struct cs_history *h,
    struct cs_error *err, int *errcode)
{
	*errcode = 0;
	switch (cs_change_plan(ch, cur, now, next, h)) {
	case CS_CHANGE_WRITE:
		return CS_APPLY_OK;
	case CS_CHANGE_OTHER_CAMPAIGN:
		*errcode = cs_error_set(err, CS_ENOTFOUND,
		    "NFT %s is not in campaign %lld", cur->nft_uid,
		    (long long)ch->campaign_id);
		return CS_APPLY_NOTFOUND;
	case CS_CHANGE_STALE:
		*errcode = cs_error_set(err, CS_ECONFLICT,
		    "NFT %s changed (version %lld, expected %lld)",
		    cur->nft_uid, (long long)cur->version,
		    (long long)ch->expected_version);
		return CS_APPLY_CONFLICT;
	case CS_CHANGE_NOT_IN_STATUS:
	case CS_CHANGE_SAME:
		break;
	}
	return CS_APPLY_NOOP;
}

static void
change_written(
    struct tx *tx, const struct cs_nft *cur, const struct cs_nft *next)
{
	if (next->status != cur->status) {
		struct cs_counts *d = delta_for(tx, cur->campaign_id);

		cs_counts_add(d, cur->status, -1);
		cs_counts_add(d, next->status, 1);
	}
}

static enum cs_apply_result
not_found(const struct cs_nft_change *ch, struct cs_error *err, int *errcode)
{
	*errcode = cs_error_set(err, CS_ENOTFOUND, "no NFT '%s'",
	    ch->nft_uid != NULL ? ch->nft_uid : "(by id)");
	return CS_APPLY_NOTFOUND;
}

/* One change of one NFT: read, plan, write the row compare-and-set and its
 * history row, move the counters. */
static enum cs_apply_result
apply_change(struct tx *tx, const struct cs_nft_change *ch, int64_t now,
    struct cs_nft *after, struct cs_error *err, int *errcode)
{
	const struct cs_store_ops *ops = tx->s->ops;
	struct cs_nft cur, next;
	struct cs_history h;
	enum cs_apply_result r;
	int error;

	*errcode = 0;
	memset(&cur, 0, sizeof(cur));
	error = ops->nft_get(
	    tx->s->conn, ch->nft_id, ch->nft_uid, &cur, tx->arena, err);
	if (error == CS_ENOTFOUND)
		return not_found(ch, err, errcode);
	if (error < 0) {
		*errcode = error;
		return CS_APPLY_FAILED;
	}
	r = change_plan(ch, &cur, now, &next, &h, err, errcode);
	if (r == CS_APPLY_NOOP && after != NULL)
		cs_nft_copy(after, &cur);
	if (r != CS_APPLY_OK)
		return r;
	error = ops->nft_update(tx->s->conn, &next, cur.version, err);
	if (error < 0) {
		*errcode = error;
		return error == CS_ECONFLICT ? CS_APPLY_CONFLICT
		                             : CS_APPLY_FAILED;
	}
	error = ops->history_insert(tx->s->conn, &h, err);
	if (error < 0) {
		*errcode = error;
		return CS_APPLY_FAILED;
	}
	change_written(tx, &cur, &next);
	if (after != NULL)
		cs_nft_copy(after, &next);
	return CS_APPLY_OK;
}

struct change_args {
	const struct cs_nft_change *ch;
	int64_t now;
	struct cs_nft *after;
};

static int
change_tx(struct tx *tx, void *payload, struct cs_error *err)
{
	struct change_args *a = payload;
	enum cs_apply_result r;
	int error;

	if (a->after != NULL)
		cs_nft_dispose(a->after);
	r = apply_change(tx, a->ch, a->now, a->after, err, &error);
	if (r == CS_APPLY_OK || r == CS_APPLY_NOOP)
		return 0;
	return error < 0 ? error : CS_ERROR;
}

static int
validate_change(const struct cs_nft_change *ch, struct cs_error *err)
{
	if (ch->nft_id == 0 && ch->nft_uid == NULL)
		return cs_error_set(err, CS_EINVAL, "change names no NFT");
	if ((unsigned)ch->new_status >= CS_NFT_STATUS_COUNT)
		return cs_error_set(
		    err, CS_EINVAL, "bad status %d", (int)ch->new_status);
	if (ch->reserved_by != NULL && strlen(ch->reserved_by) > CS_MAX_WALLET)
		return cs_error_set(err, CS_EINVAL, "wallet address too long");
	if (ch->sold_to != NULL && strlen(ch->sold_to) > CS_MAX_WALLET)
		return cs_error_set(err, CS_EINVAL, "buyer address too long");
	return 0;
}

int
cs_store_nft_change(struct cs_store *store, const struct cs_nft_change *ch,
    int64_t now, struct cs_nft *after, struct cs_error *err)
{
	struct change_args a = {ch, now, after};
	int error;

	if (after != NULL)
		memset(after, 0, sizeof(*after));
	error = validate_change(ch, err);
	if (error < 0)
		return error;
	return run_tx(store, true, now, change_tx, &a, err);
}

struct repair_args {
	int64_t campaign_id;
	size_t changed;
	struct cs_vec fixes; /* struct fix */
	struct cs_campaign camp;
	struct cs_error *err;
	int error;
};

struct fix {
	int64_t id;
	char *url;
};

static int
repair_collect(const struct cs_nft *n, void *payload)
{
	struct repair_args *a = payload;
	struct cs_buf link = CS_BUF_INIT(CS_MAX_URL);
	struct fix *f;

	if (cs_paylink_specific(&link, a->camp.network,
	        a->camp.nmkr_project_uid, n->nft_uid) < 0) {
		cs_buf_dispose(&link);
		a->error = cs_error_set(a->err, CS_EINVAL,
		    "NFT %s: cannot build its payment link", n->nft_uid);
		return a->error;
	}
	if (!cs_str_eq(link.ptr, n->payment_url)) {
		f = cs_vec_push(&a->fixes);
		f->id = n->id;
		f->url = cs_buf_take(&link, NULL);
	}
	cs_buf_dispose(&link);
	return 0;
}

static int
repair_tx(struct tx *tx, void *payload, struct cs_error *err)
{
	struct repair_args *a = payload;
	struct cs_nft_query q = CS_NFT_QUERY_INIT;
	size_t i;
	int error;

	cs_campaign_dispose(&a->camp);
	for (i = 0; i < a->fixes.len; i++)
		free(CS_VEC_AT(&a->fixes, struct fix, i)->url);
	a->fixes.len = 0;
	error = tx->s->ops->campaign_get(
	    tx->s->conn, a->campaign_id, true, &a->camp, err);
	if (error < 0)
		return error;
	q.campaign_id = a->campaign_id;
	a->err = err;
	error = tx->s->ops->nft_list(tx->s->conn, &q, repair_collect, a, err);
	if (error < 0)
		return error;
	for (i = 0; i < a->fixes.len; i++) {
		struct fix *f = CS_VEC_AT(&a->fixes, struct fix, i);

		error = tx->s->ops->nft_set_payment_url(
		    tx->s->conn, f->id, f->url, err);
		if (error < 0)
			return error;
	}
	a->changed = a->fixes.len;
	return 0;
}

int
cs_store_nft_repair_links(struct cs_store *store, int64_t campaign_id,
    size_t *changed, struct cs_error *err)
{
	struct repair_args a;
	size_t i;
	int error;

	memset(&a, 0, sizeof(a));
	a.campaign_id = campaign_id;
	cs_vec_init(&a.fixes, sizeof(struct fix));
	error = run_tx(store, true, cs_now_ms(), repair_tx, &a, err);
	if (error == 0 && changed != NULL)
		*changed = a.changed;
	for (i = 0; i < a.fixes.len; i++)
		free(CS_VEC_AT(&a.fixes, struct fix, i)->url);
	cs_vec_dispose(&a.fixes);
	cs_campaign_dispose(&a.camp);
	return error;
}

/* ---- Sync ------------------------------------------------------------- */

struct sync_apply_args {
	struct cs_sync_apply *apply;
	int64_t now;
};

/* Changes per batch of the sync where the backend reads and writes many
 * NFTs at once (nft_get_many, nft_write_many): a call reads their rows, a
 * call writes them. */
#define BATCH_MAX 1000

struct id_at {
	int64_t id;
	size_t at;
};

static int
cmp_id_at(const void *a, const void *b)
{
	const struct id_at *p = a, *q = b;

	if (p->id != q->id)
		return (p->id > q->id) - (p->id < q->id);
	return (p->at > q->at) - (p->at < q->at);
}

/*
 * How many changes from `from` on make one batch: those that name their NFT
 * by id, at most BATCH_MAX, and none twice (a second change of an NFT must
 * see the first one written, so it starts the next batch). 0 when the
 * change at `from` names its NFT by uid.
 */
static size_t
batch_extent(const struct cs_nft_change *changes, size_t nchanges, size_t from)
{
	struct id_at *v;
	size_t n = 0, i, end;

	while (n < BATCH_MAX && from + n < nchanges &&
	       changes[from + n].nft_id != 0)
		n++;
	if (n < 2)
		return n;
	v = cs_xcalloc(n, sizeof(*v));
	for (i = 0; i < n; i++) {
		v[i].id = changes[from + i].nft_id;
		v[i].at = i;
	}
	qsort(v, n, sizeof(*v), cmp_id_at);
	end = n;
	for (i = 1; i < n; i++) {
		if (v[i].id == v[i - 1].id && v[i].at < end)
			end = v[i].at;
	}
	free(v);
	return end;
}

/* The arrays of one batch. */
struct batch {
	int64_t *ids;
	struct cs_nft *cur, *next;
	struct cs_history *hist;
	struct cs_nft_write *writes;
	size_t *at; /* the batch index of each write */
	size_t nwrites;
};

static void
batch_init(struct batch *b, size_t n)
{
	b->ids = cs_xcalloc(n, sizeof(*b->ids));
	b->cur = cs_xcalloc(n, sizeof(*b->cur));
	b->next = cs_xcalloc(n, sizeof(*b->next));
	b->hist = cs_xcalloc(n, sizeof(*b->hist));
	b->writes = cs_xcalloc(n, sizeof(*b->writes));
	b->at = cs_xcalloc(n, sizeof(*b->at));
	b->nwrites = 0;
}

static void
batch_dispose(struct batch *b)
{
	free(b->ids);
	free(b->cur);
	free(b->next);
	free(b->hist);
	free(b->writes);
	free(b->at);
}

/* Plan each change of the batch on its row, as apply_change() does, and
 * queue the writes. */
static void
batch_plan(struct sync_apply_args *a, size_t from, size_t n, struct batch *b)
{
	struct cs_sync_apply *ap = a->apply;
	struct cs_error rowerr = CS_ERROR_INIT;
	enum cs_apply_result r;
	size_t i;
	int rc;

	for (i = 0; i < n; i++) {
		struct cs_nft_change ch = ap->changes[from + i];

		ch.sync_log_id = ap->log.id;
		if (b->cur[i].id == 0)
			r = not_found(&ch, &rowerr, &rc);
		else
			r = change_plan(&ch, &b->cur[i], a->now, &b->next[i],
			    &b->hist[i], &rowerr, &rc);
		ap->results[from + i] = r;
		if (r != CS_APPLY_OK)
			continue;
		b->writes[b->nwrites].next = &b->next[i];
		b->writes[b->nwrites].expected_version = b->cur[i].version;
		b->writes[b->nwrites].history = &b->hist[i];
		b->at[b->nwrites++] = i;
	}
}

/*
 * Changes from..from+n of the sync through the backend's nft_get_many and
 * nft_write_many: their rows read (and locked) in one go, each change
 * planned as apply_change() plans it, the writes sent together. As in
 * apply_changes() without isolate, a refusal sets *failed; CS_EAGAIN (a
 * lost connection, a deadlock) is returned for the transaction to run
 * again.
 */
static int
apply_batch(struct tx *tx, struct sync_apply_args *a, size_t from, size_t n,
    struct cs_arena *arena, bool *failed, struct cs_error *err)
{
	struct cs_sync_apply *ap = a->apply;
	const struct cs_store_ops *ops = tx->s->ops;
	struct cs_error rowerr = CS_ERROR_INIT;
	struct batch b;
	size_t i, done = 0;
	int error;

	batch_init(&b, n);
	for (i = 0; i < n; i++)
		b.ids[i] = ap->changes[from + i].nft_id;
	error = ops->nft_get_many(tx->s->conn, b.ids, n, b.cur, arena, &rowerr);
	if (error < 0)
		goto out;
	batch_plan(a, from, n, &b);
	if (b.nwrites > 0)
		error = ops->nft_write_many(
		    tx->s->conn, b.writes, b.nwrites, &done, &rowerr);
	for (i = 0; i < done; i++) {
		if (b.writes[i].result == 0)
			change_written(tx, &b.cur[b.at[i]], &b.next[b.at[i]]);
		else
			ap->results[from + b.at[i]] = CS_APPLY_CONFLICT;
	}
out:
	if (error == CS_EAGAIN) {
		*err = rowerr;
	} else if (error < 0) {
		/* The pass is redone one change at a time, each in its
		 * savepoint, which finds and records the refused row. */
		cs_log_debug("store", "sync batch of %zu changes: %s", n,
		    cs_error_msg(&rowerr));
		*failed = true;
		error = 0;
	}
	batch_dispose(&b);
	return error;
}

/* Change i of the sync alone; with isolate, in its own savepoint. */
static int
apply_one(struct tx *tx, struct sync_apply_args *a, size_t i, bool isolate,
    bool *failed, struct cs_error *err)
{
	struct cs_sync_apply *ap = a->apply;
	const struct cs_store_ops *ops = tx->s->ops;
	struct cs_error rowerr = CS_ERROR_INIT;
	struct cs_nft_change ch = ap->changes[i];
	int error, rc;

	ch.sync_log_id = ap->log.id;
	if (isolate) {
		error = ops->savepoint(tx->s->conn, err);
		if (error < 0)
			return error;
	}
	ap->results[i] = apply_change(tx, &ch, a->now, NULL, &rowerr, &rc);
	if (ap->results[i] == CS_APPLY_FAILED) {
		if (rc == CS_EAGAIN) {
			*err = rowerr;
			return rc;
		}
		*failed = true;
		if (!isolate)
			return 0;
		cs_log_warn("store", "sync change of NFT %lld: %s",
		    (long long)ch.nft_id, cs_error_msg(&rowerr));
		return ops->rollback_to(tx->s->conn, err);
	}
	return isolate ? ops->release(tx->s->conn, err) : 0;
}

/*
 * The sync's changes. With isolate, each runs in a savepoint: a change the
 * database refuses is rolled back alone and recorded. Without it, the first
 * refusal stops the pass and sets *failed, for the caller to redo it; the
 * changes then go in batches where the backend offers nft_get_many and
 * nft_write_many.
 */
static int
apply_changes(struct tx *tx, struct sync_apply_args *a, bool isolate,
    bool *failed, struct cs_error *err)
{
	struct cs_sync_apply *ap = a->apply;
	const struct cs_store_ops *ops = tx->s->ops;
	bool batched = !isolate && ops->nft_get_many != NULL &&
	               ops->nft_write_many != NULL;
	struct cs_arena arena;
	size_t i = 0, n;
	int error = 0;

	*failed = false;
	cs_arena_init(&arena);
	while (i < ap->nchanges && error == 0 && (isolate || !*failed)) {
		n = batched ? batch_extent(ap->changes, ap->nchanges, i) : 0;
		if (n > 0) {
			error = apply_batch(tx, a, i, n, &arena, failed, err);
			cs_arena_reset(&arena);
			i += n;
		} else {
			error = apply_one(tx, a, i, isolate, failed, err);
			i++;
		}
	}
	cs_arena_dispose(&arena);
	return error;
}

static int
sync_apply_tx(struct tx *tx, void *payload, struct cs_error *err)
{
	struct sync_apply_args *a = payload;
	struct cs_sync_apply *ap = a->apply;
	const struct cs_store_ops *ops = tx->s->ops;
	struct cs_campaign camp;
	bool failed = false;
	size_t i;
	int error;

	ap->reviews_added = 0;
	ap->log.id = 0;
	error = ops->sync_log_insert(tx->s->conn, &ap->log, err);
	if (error < 0)
		return error;
	/* Optimistically, without a savepoint per change (a change rarely
	 * fails); if one does, undo the pass and redo it with one savepoint
	 * per change, so the failed row is recorded and the rest go on. */
	error = ops->savepoint(tx->s->conn, err);
	if (error == 0)
		error = apply_changes(tx, a, false, &failed, err);
	if (error < 0)
		return error;
	if (failed) {
		error = ops->rollback_to(tx->s->conn, err);
		if (error == 0)
			error = apply_changes(tx, a, true, &failed, err);
	} else {
		error = ops->release(tx->s->conn, err);
	}
	if (error < 0)
		return error;
	for (i = 0; i < ap->nreviews; i++) {
		const struct cs_review_new *rn = &ap->reviews[i];
		struct cs_review_item r;
		int64_t id;

		memset(&r, 0, sizeof(r));
		r.campaign_id = ap->campaign_id;
		r.nft_id = rn->nft_id;
		r.kind = CS_UNCONST(rn->kind);
		r.local_status = rn->local_status;
		r.remote_state = CS_UNCONST(rn->remote_state);
		r.detail = CS_UNCONST(rn->detail);
		r.created_at = a->now;
		r.sync_log_id = ap->log.id;
		error = ops->review_insert(tx->s->conn, &r, &id, err);
		if (error == CS_ECONFLICT)
			continue; /* already open */
		if (error < 0)
			return error;
		ap->reviews_added++;
	}
	for (i = 0; i < ap->nassets; i++) {
		error = ops->nft_set_asset_id(tx->s->conn, ap->assets[i].nft_id,
		    ap->assets[i].asset_id, err);
		if (error < 0 && error != CS_ENOTFOUND)
			return error;
	}
	/* Deltas are superseded by the recount below. Lock the campaign
	 * first: a writer committing between the count and the write would
	 * otherwise be lost from the counters (where rows lock, PostgreSQL). */
	tx->deltas.len = 0;
	memset(&camp, 0, sizeof(camp));
	error =
	    ops->campaign_get(tx->s->conn, ap->campaign_id, true, &camp, err);
	cs_campaign_dispose(&camp);
	if (error < 0)
		return error;
	error = ops->nft_counts(tx->s->conn, ap->campaign_id, &ap->counts, err);
	if (error < 0)
		return error;
	return ops->campaign_set_counts(
	    tx->s->conn, ap->campaign_id, &ap->counts, a->now, err);
}

int
cs_store_sync_apply(struct cs_store *store, struct cs_sync_apply *apply,
    int64_t now, struct cs_error *err)
{
	struct sync_apply_args a = {apply, now};
	size_t i;
	int error;

	for (i = 0; i < apply->nchanges; i++) {
		error = validate_change(&apply->changes[i], err);
		if (error < 0)
			return error;
	}
	return run_tx(store, true, now, sync_apply_tx, &a, err);
}

int
cs_store_sync_log_insert(
    struct cs_store *store, struct cs_sync_log *l, struct cs_error *err)
{
	return store->ops->sync_log_insert(store->conn, l, err);
}

int
cs_store_sync_log_update(
    struct cs_store *store, const struct cs_sync_log *l, struct cs_error *err)
{
	int error;

	RETRY(error, store->ops->sync_log_update(store->conn, l, err));
	return error;
}

int
cs_store_sync_log_get(struct cs_store *store, int64_t id,
    struct cs_sync_log *out, struct cs_error *err)
{
	int error;

	memset(out, 0, sizeof(*out));
	RETRY(error, store->ops->sync_log_get(store->conn, id, out, err));
	return error;
}

int
cs_store_sync_log_list(struct cs_store *store,
    const struct cs_sync_log_query *q, cs_sync_log_cb cb, void *payload,
    struct cs_error *err)
{
	struct sync_log_walk w = {cb, payload, false};
	int error;

	RETRY_WALK(error, w,
	    store->ops->sync_log_list(store->conn, q, sync_log_shim, &w, err));
	return error;
}

int
cs_store_sync_log_prune(struct cs_store *store, int64_t before,
    int64_t *deleted, struct cs_error *err)
{
	int64_t n = 0;
	int error;

	error = store->ops->sync_log_prune(store->conn, before, &n, err);
	if (deleted != NULL)
		*deleted = n;
	return error;
}

/* ---- History ---------------------------------------------------------- */

int
cs_store_history_list(struct cs_store *store, const struct cs_history_query *q,
    cs_history_cb cb, void *payload, struct cs_error *err)
{
	struct history_walk w = {cb, payload, false};
	int error;

	RETRY_WALK(error, w,
	    store->ops->history_list(store->conn, q, history_shim, &w, err));
	return error;
}

/* ---- Review queue ----------------------------------------------------- */

int
cs_store_review_list(struct cs_store *store, int64_t campaign_id,
    bool open_only, cs_review_cb cb, void *payload, struct cs_error *err)
{
	struct review_walk w = {cb, payload, false};
	int error;

	RETRY_WALK(error, w,
	    store->ops->review_list(
	        store->conn, campaign_id, open_only, review_shim, &w, err));
	return error;
}

int
cs_store_review_get(struct cs_store *store, int64_t id,
    struct cs_review_item *out, struct cs_error *err)
{
	int error;

	memset(out, 0, sizeof(*out));
	RETRY(error, store->ops->review_get(store->conn, id, out, err));
	return error;
}

struct resolve_args {
	int64_t id;
	const char *resolution;
	enum cs_nft_status remote_status;
	int64_t now;
};

static int
resolve_tx(struct tx *tx, void *payload, struct cs_error *err)
{
	struct resolve_args *a = payload;
	struct cs_review_item r;
	struct cs_nft_change ch = CS_NFT_CHANGE_INIT;
	enum cs_apply_result res;
	int error, rc;

	memset(&r, 0, sizeof(r));
	error = tx->s->ops->review_get(tx->s->conn, a->id, &r, err);
	if (error < 0)
		goto out;
	if (r.resolved_at != 0) {
		error = cs_error_set(err, CS_ECONFLICT,
		    "review item %lld is already resolved (%s)",
		    (long long)a->id, r.resolution != NULL ? r.resolution : "");
		goto out;
	}
	error = tx->s->ops->review_close(
	    tx->s->conn, a->id, a->resolution, a->now, err);
	if (error < 0 || strcmp(a->resolution, "apply_remote") != 0)
		goto out;
	ch.nft_id = r.nft_id;
	ch.new_status = a->remote_status;
	ch.source = CS_SOURCE_ADMIN;
	ch.detail = "review resolved: apply remote state";
	res = apply_change(tx, &ch, a->now, NULL, err, &rc);
	if (res != CS_APPLY_OK && res != CS_APPLY_NOOP)
		error = rc < 0 ? rc : CS_ERROR;
out:
	cs_review_item_dispose(&r);
	return error;
}

int
cs_store_review_resolve(struct cs_store *store, int64_t id,
    const char *resolution, enum cs_nft_status remote_status, int64_t now,
    struct cs_error *err)
{
	struct resolve_args a = {id, resolution, remote_status, now};

	if (!cs_str_eq(resolution, "keep_local") &&
	    !cs_str_eq(resolution, "apply_remote") &&
	    !cs_str_eq(resolution, "dismissed"))
		return cs_error_set(err, CS_EINVAL,
		    "resolution must be keep_local, apply_remote or dismissed");
	return run_tx(store, true, now, resolve_tx, &a, err);
}

/* ---- Sync runs -------------------------------------------------------- */

struct claim_args {
	int64_t campaign_id;
	const char *owner;
	int64_t now;
	int64_t stale_ms;
	int64_t since;
	int64_t run_id;
	struct cs_sync_run *running;
};

/* Advisory lock keys: one namespace per kind of work on a campaign. */
#define LOCK_SYNC(id) (((int64_t)1 << 40) | (id))
#define LOCK_RESERVE(id) (((int64_t)2 << 40) | (id))

static int
lock(struct tx *tx, int64_t key, struct cs_error *err)
{
	if (tx->s->ops->advisory_lock == NULL)
		return 0;
	return tx->s->ops->advisory_lock(tx->s->conn, key, err);
}

static int
claim_tx(struct tx *tx, void *payload, struct cs_error *err)
{
	struct claim_args *a = payload;
	const struct cs_store_ops *ops = tx->s->ops;
	struct cs_sync_run cur, run;
	struct cs_campaign camp;
	int error;

	error = lock(tx, LOCK_SYNC(a->campaign_id), err);
	if (error < 0)
		return error;
	memset(&camp, 0, sizeof(camp));
	error =
	    ops->campaign_get(tx->s->conn, a->campaign_id, true, &camp, err);
	cs_campaign_dispose(&camp);
	if (error < 0)
		return error;
	if (a->since != 0) {
		memset(&cur, 0, sizeof(cur));
		error = ops->run_latest(tx->s->conn, a->campaign_id, &cur, err);
		if (error == 0 && cur.started_at >= a->since) {
			cs_sync_run_dispose(&cur);
			return cs_error_set(err, CS_EINVAL,
			    "campaign %lld was already synced in this period",
			    (long long)a->campaign_id);
		}
		cs_sync_run_dispose(&cur);
		if (error < 0 && error != CS_ENOTFOUND)
			return error;
	}
	memset(&cur, 0, sizeof(cur));
	error = ops->run_get_active(tx->s->conn, a->campaign_id, &cur, err);
	if (error == 0) {
		if (a->now - cur.heartbeat_at <= a->stale_ms) {
			if (a->running != NULL) {
				cs_sync_run_dispose(a->running);
				*a->running = cur;
			} else {
				cs_sync_run_dispose(&cur);
			}
			return cs_error_set(err, CS_ECONFLICT,
			    "a sync of this campaign is already running");
		}
		cs_log_warn("store",
		    "closing abandoned sync run %lld of "
		    "campaign %lld (no heartbeat for %lld ms)",
		    (long long)cur.id, (long long)a->campaign_id,
		    (long long)(a->now - cur.heartbeat_at));
		error = ops->run_finish(
		    tx->s->conn, cur.id, "abandoned", 0, a->now, err);
		cs_sync_run_dispose(&cur);
		if (error < 0)
			return error;
	} else if (error != CS_ENOTFOUND) {
		return error;
	}
	memset(&run, 0, sizeof(run));
	run.campaign_id = a->campaign_id;
	run.owner = CS_UNCONST(a->owner);
	run.phase = CS_UNCONST("starting");
	run.started_at = a->now;
	run.heartbeat_at = a->now;
	error = ops->run_insert(tx->s->conn, &run, err);
	if (error == CS_ECONFLICT)
		error = cs_error_set(err, CS_ECONFLICT,
		    "a sync of this campaign is already running");
	a->run_id = run.id;
	return error;
}

int
cs_store_sync_run_claim(struct cs_store *store, int64_t campaign_id,
    const char *owner, int64_t now, int64_t stale_ms, int64_t since,
    int64_t *run_id, struct cs_sync_run *running, struct cs_error *err)
{
	struct claim_args a = {
	    campaign_id, owner, now, stale_ms, since, 0, running};
	int error;

	if (running != NULL)
		memset(running, 0, sizeof(*running));
	error = run_tx(store, true, now, claim_tx, &a, err);
	*run_id = a.run_id;
	return error;
}

int
cs_store_sync_run_progress(struct cs_store *store, int64_t run_id,
    const char *phase, int64_t done, int64_t total, int64_t now,
    struct cs_error *err)
{
	int error;

	RETRY(error, store->ops->run_update(
	                 store->conn, run_id, phase, done, total, now, err));
	return error;
}

int
cs_store_sync_run_finish(struct cs_store *store, int64_t run_id,
    const char *outcome, int64_t sync_log_id, int64_t now, struct cs_error *err)
{
	int error;

	RETRY(error, store->ops->run_finish(
	                 store->conn, run_id, outcome, sync_log_id, now, err));
	return error;
}

int
cs_store_sync_run_heartbeat(
    struct cs_store *store, int64_t run_id, int64_t now, struct cs_error *err)
{
	int error;

	RETRY(error, store->ops->run_heartbeat(store->conn, run_id, now, err));
	return error;
}

int
cs_store_sync_run_close(struct cs_store *store, int64_t run_id,
    const char *outcome, int64_t sync_log_id, int64_t now, struct cs_error *err)
{
	int error;

	RETRY(error, store->ops->run_close(
	                 store->conn, run_id, outcome, sync_log_id, now, err));
	return error;
}

int
cs_store_sync_run_active(struct cs_store *store, int64_t campaign_id,
    struct cs_sync_run *out, struct cs_error *err)
{
	int error;

	memset(out, 0, sizeof(*out));
	RETRY(error,
	    store->ops->run_get_active(store->conn, campaign_id, out, err));
	return error;
}

/* ---- Webhooks --------------------------------------------------------- */

static void
put_error_json(struct cs_buf *b, const char *msg)
{
	int error;

	error = cs_buf_putc(b, b->len == 0 ? '[' : ',');
	if (error == 0)
		error = cs_buf_put_json_string(b, msg);
	(void)error; /* a cut list of errors is still a list of errors */
}

/* Record one webhook and apply its changes; inside the item's savepoint. */
static int
webhook_item(struct tx *tx, struct cs_webhook_apply *it, int64_t now,
    struct cs_error *err)
{
	const struct cs_store_ops *ops = tx->s->ops;
	struct cs_webhook_event *ev = &it->event;
	struct cs_buf errors = CS_BUF_INIT(64 * 1024);
	size_t i, ok = 0, bad = 0;
	const char *outcome;
	int error;

	if (ev->outcome == NULL)
		ev->outcome = CS_UNCONST("applied");
	error = ops->webhook_insert(tx->s->conn, ev, err);
	if (error == CS_ECONFLICT && ev->dedupe_key != NULL) {
		it->replay = true;
		ev->dedupe_key = NULL;
		ev->outcome = CS_UNCONST("replay");
		/* The first row has the whole body: a replay keeps its first
		 * bytes (body_len and body_sha256 still describe it all). */
		if (ev->body_len == 0)
			ev->body_len = ev->raw_len;
		if (ev->raw_len > CS_WEBHOOK_KEPT_PREFIX)
			ev->raw_len = CS_WEBHOOK_KEPT_PREFIX;
		error = ops->webhook_insert(tx->s->conn, ev, err);
		return error;
	}
	if (error < 0 || !ev->verified || it->nchanges == 0)
		return error;

	it->log.id = 0;
	it->log.sync_type = CS_SYNC_WEBHOOK;
	it->log.status = CS_SYNC_SUCCESS;
	it->log.started_at = it->log.started_at != 0 ? it->log.started_at : now;
	it->log.completed_at = now;
	it->log.records_synced = 0;
	error = ops->sync_log_insert(tx->s->conn, &it->log, err);
	if (error < 0)
		goto out;
	for (i = 0; i < it->nchanges; i++) {
		struct cs_nft_change ch = it->changes[i];
		struct cs_error rowerr = CS_ERROR_INIT;
		int rc;

		ch.webhook_event_id = ev->id;
		ch.sync_log_id = it->log.id;
		error = ops->savepoint(tx->s->conn, err);
		if (error < 0)
			goto out;
		it->results[i] = apply_change(tx, &ch, now, NULL, &rowerr, &rc);
		if (rc == CS_EAGAIN) {
			*err = rowerr;
			error = rc;
			goto out;
		}
		if (it->results[i] == CS_APPLY_OK ||
		    it->results[i] == CS_APPLY_NOOP) {
			ok += it->results[i] == CS_APPLY_OK;
			error = ops->release(tx->s->conn, err);
		} else {
			bad++;
			put_error_json(&errors, cs_error_msg(&rowerr));
			error = ops->rollback_to(tx->s->conn, err);
		}
		if (error < 0)
			goto out;
	}
	if (errors.len > 0 && cs_buf_putc(&errors, ']') < 0)
		cs_buf_reset(&errors);
	it->log.records_synced = (int64_t)ok;
	it->log.status = bad == 0              ? CS_SYNC_SUCCESS
	                 : bad == it->nchanges ? CS_SYNC_FAILED
	                                       : CS_SYNC_PARTIAL;
	it->log.errors = errors.len > 0 ? errors.ptr : NULL;
	error = ops->sync_log_update(tx->s->conn, &it->log, err);
	if (error < 0)
		goto out;
	outcome = bad == 0                         ? "applied"
	          : ok == 0 && bad == it->nchanges ? "failed"
	                                           : "partial";
	error = ops->webhook_finish(tx->s->conn, ev->id, outcome,
	    errors.len > 0 ? errors.ptr : NULL, it->log.id, err);
	ev->outcome = CS_UNCONST(outcome);
out:
	it->log.errors = NULL;
	cs_buf_dispose(&errors);
	return error;
}

struct webhook_args {
	struct cs_webhook_apply *items;
	size_t n;
	int64_t now;
};

static int
webhook_tx(struct tx *tx, void *payload, struct cs_error *err)
{
	struct webhook_args *a = payload;
	const struct cs_store_ops *ops = tx->s->ops;
	size_t i;
	int error;

	for (i = 0; i < a->n; i++) {
		struct cs_webhook_apply *it = &a->items[i];
		struct cs_webhook_event saved = it->event;

		it->replay = false;
		it->error = 0;
		cs_error_clear(&it->err);
		error = ops->savepoint(tx->s->conn, err);
		if (error < 0)
			return error;
		error = webhook_item(tx, it, a->now, &it->err);
		if (error == CS_EAGAIN) {
			*err = it->err;
			it->event = saved;
			return error;
		}
		if (error == 0) {
			error = ops->release(tx->s->conn, err);
			if (error < 0)
				return error;
			continue;
		}
		/* The item failed: undo it, keep the event as received. */
		it->error = error;
		error = ops->rollback_to(tx->s->conn, err);
		if (error < 0)
			return error;
		it->event = saved;
		it->event.dedupe_key = NULL;
		it->event.outcome = CS_UNCONST("error");
		it->event.detail = it->err.msg;
		error = ops->webhook_insert(tx->s->conn, &it->event, err);
		if (error < 0)
			return error;
	}
	return 0;
}

int
cs_store_webhook_apply(struct cs_store *store, struct cs_webhook_apply *items,
    size_t n, int64_t now, struct cs_error *err)
{
	struct webhook_args a = {items, n, now};
	size_t i, j;
	int error;

	for (i = 0; i < n; i++) {
		if (items[i].event.raw_body == NULL)
			return cs_error_set(
			    err, CS_EINVAL, "webhook %zu has no body", i);
		for (j = 0; j < items[i].nchanges; j++) {
			error = validate_change(&items[i].changes[j], err);
			if (error < 0)
				return error;
		}
	}
	return run_tx(store, true, now, webhook_tx, &a, err);
}

int
cs_store_webhook_event_list(struct cs_store *store, int64_t campaign_id,
    int64_t limit, bool with_body, cs_webhook_event_cb cb, void *payload,
    struct cs_error *err)
{
	struct webhook_walk w = {cb, payload, false};
	int error;

	RETRY_WALK(error, w,
	    store->ops->webhook_list(store->conn, campaign_id, limit, with_body,
	        webhook_shim, &w, err));
	return error;
}

int
cs_store_webhook_prune(struct cs_store *store, int64_t before, int64_t *deleted,
    struct cs_error *err)
{
	int64_t n = 0, total = 0;
	int error;

	do {
		error = store->ops->webhook_prune(
		    store->conn, before, CS_WEBHOOK_PRUNE_BATCH, &n, err);
		if (error < 0)
			break;
		total += n;
	} while (n == CS_WEBHOOK_PRUNE_BATCH);
	if (deleted != NULL)
		*deleted = total;
	return error;
}

/* ---- Reservations ----------------------------------------------------- */

struct reserve_args {
	int64_t campaign_id;
	const char *wallet;
	int minutes;
	int64_t now;
	struct cs_nft *out;
	enum cs_reserve_outcome outcome;
};

/* The wallet is listed by its address, or by the stake address a base
 * address delegates to. */
static int
read_listed(struct tx *tx, int64_t campaign_id, const struct cs_wallet *w,
    bool *listed, struct cs_error *err)
{
	int error;

	error = tx->s->ops->allowlist_has(
	    tx->s->conn, campaign_id, w->address, listed, err);
	if (error == 0 && !*listed && w->stake[0] != '\0')
		error = tx->s->ops->allowlist_has(
		    tx->s->conn, campaign_id, w->stake, listed, err);
	return error;
}

/* Read the fact the reservation's next step asks for into f. */
static int
read_fact(struct tx *tx, const struct reserve_args *a,
    const struct cs_wallet *w, enum cs_reserve_step step,
    struct cs_reserve_facts *f, struct cs_nft *pick, struct cs_error *err)
{
	const struct cs_store_ops *ops = tx->s->ops;
	int error = CS_ERROR;

	switch (step) {
	case CS_RESERVE_READ_LISTED:
		error = read_listed(tx, a->campaign_id, w, &f->listed, err);
		f->listed_read = true;
		break;
	case CS_RESERVE_READ_HELD:
		error = ops->nft_wallet_count(tx->s->conn, a->campaign_id,
		    w->address, a->now, &f->held, err);
		f->held_read = true;
		break;
	case CS_RESERVE_READ_PICK:
		error = ops->nft_pick_available(
		    tx->s->conn, a->campaign_id, pick, tx->arena, err);
		f->available = error == 0;
		f->pick_read = true;
		if (error == CS_ENOTFOUND)
			error = 0;
		break;
	case CS_RESERVE_REFUSE:
	case CS_RESERVE_TAKE:
		break;
	}
	return error;
}

/*
 * The reservation: the lock, the rows and the change are the store's; what
 * to read next, whether to refuse and what to take is core's
 * (core/reserve_rules.h), asked after each fact read.
 */
static int
reserve_tx(struct tx *tx, void *payload, struct cs_error *err)
{
	struct reserve_args *a = payload;
	const struct cs_store_ops *ops = tx->s->ops;
	struct cs_reserve_facts facts = CS_RESERVE_FACTS_INIT;
	struct cs_reserve_decision d;
	struct cs_nft_change ch;
	struct cs_campaign camp;
	struct cs_nft pick;
	enum cs_apply_result r;
	enum cs_wallet_fault f;
	struct cs_wallet w;
	int error, rc;

	a->outcome = CS_RESERVE_OK;
	cs_nft_dispose(a->out);
	error = lock(tx, LOCK_RESERVE(a->campaign_id), err);
	if (error < 0)
		return error;
	/* No row lock on the campaign: the advisory lock serializes
	 * reservers, and a lock taken before the NFT's would invert the
	 * NFT-then-campaign order every change follows (a deadlock). */
	memset(&camp, 0, sizeof(camp));
	memset(&pick, 0, sizeof(pick));
	error =
	    ops->campaign_get(tx->s->conn, a->campaign_id, false, &camp, err);
	if (error < 0)
		return error;
	/* Which strings are a wallet is core's rule (core/wallet.h); from
	 * here on the wallet is its canonical form. */
	f = cs_wallet_parse(
	    a->wallet, camp.network, CS_WALLET_PAYMENT_ONLY, &w);
	if (f != CS_WALLET_OK) {
		error = cs_error_set(err, CS_EINVAL,
		    "wallet: %s (this campaign is on %s: %s1...)",
		    cs_wallet_fault_msg(f), cs_network_name(camp.network),
		    camp.network == CS_NETWORK_MAINNET ? "addr" : "addr_test");
		goto out;
	}
	facts.now = a->now;
	facts.status = camp.status;
	facts.start_date = camp.start_date;
	facts.end_date = camp.end_date;
	facts.has_allowlist = camp.has_allowlist;
	facts.allow_multiple = camp.allow_multiple;
	for (d = cs_reserve_decide(&facts);
	     d.step != CS_RESERVE_REFUSE && d.step != CS_RESERVE_TAKE;
	     d = cs_reserve_decide(&facts)) {
		error = read_fact(tx, a, &w, d.step, &facts, &pick, err);
		if (error < 0)
			goto out;
	}
	if (d.step == CS_RESERVE_REFUSE) {
		a->outcome = d.outcome;
		error = cs_error_set(err, CS_ECONFLICT, "%s", d.reason);
		goto out;
	}
	cs_reserve_change(&ch, &pick, w.address, a->minutes, a->now);
	r = apply_change(tx, &ch, a->now, a->out, err, &rc);
	if (r == CS_APPLY_CONFLICT)
		error = CS_EAGAIN; /* raced with a writer outside the lock */
	else if (r != CS_APPLY_OK)
		error = rc < 0 ? rc : CS_ERROR;
out:
	cs_campaign_dispose(&camp);
	return error;
}

int
cs_store_reservation_take(struct cs_store *store, int64_t campaign_id,
    const char *wallet, int minutes, int64_t now, struct cs_nft *out,
    enum cs_reserve_outcome *outcome, struct cs_error *err)
{
	struct reserve_args a = {
	    campaign_id, wallet, minutes, now, out, CS_RESERVE_OK};
	int error;

	memset(out, 0, sizeof(*out));
	*outcome = CS_RESERVE_OK;
	if (wallet == NULL || *wallet == '\0' || strlen(wallet) > CS_MAX_WALLET)
		return cs_error_set(err, CS_EINVAL,
		    "wallet must be 1 to %d characters", CS_MAX_WALLET);
	if (minutes <= 0 || minutes > 24 * 60)
		return cs_error_set(
		    err, CS_EINVAL, "bad reservation time %d minutes", minutes);
	error = run_tx(store, true, now, reserve_tx, &a, err);
	*outcome = a.outcome;
	if (error < 0)
		cs_nft_dispose(out);
	return error;
}

int
cs_store_reservations_expired(struct cs_store *store, int64_t now,
    int64_t limit, cs_nft_cb cb, void *payload, struct cs_error *err)
{
	struct nft_walk w = {cb, payload, false};
	int error;

	RETRY_WALK(error, w,
	    store->ops->nft_expired(
	        store->conn, now, limit, nft_shim, &w, err));
	return error;
}

/* ---- Chain checks ----------------------------------------------------- */

int
cs_store_chain_check_get(struct cs_store *store, const char *asset_id,
    struct cs_chain_check *out, struct cs_error *err)
{
	int error;

	memset(out, 0, sizeof(*out));
	RETRY(error, store->ops->chain_get(store->conn, asset_id, out, err));
	return error;
}

int
cs_store_chain_check_put(struct cs_store *store, const struct cs_chain_check *c,
    struct cs_error *err)
{
	if (c->asset_id == NULL || *c->asset_id == '\0' ||
	    strlen(c->asset_id) > CS_MAX_ASSET_ID)
		return cs_error_set(err, CS_EINVAL, "bad asset id");
	int error;

	RETRY(error, store->ops->chain_put(store->conn, c, err));
	return error;
}

int
cs_store_chain_candidates(struct cs_store *store, int64_t campaign_id,
    int64_t limit, cs_nft_cb cb, void *payload, struct cs_error *err)
{
	struct nft_walk w = {cb, payload, false};
	int error;

	RETRY_WALK(error, w,
	    store->ops->chain_candidates(
	        store->conn, campaign_id, limit, nft_shim, &w, err));
	return error;
}

int
cs_store_nft_set_asset_id(struct cs_store *store, int64_t nft_id,
    const char *asset_id, struct cs_error *err)
{
	if (asset_id == NULL || !cs_str_is_hex_lower(asset_id) ||
	    strlen(asset_id) < 56 || strlen(asset_id) > CS_MAX_ASSET_ID)
		return cs_error_set(err, CS_EINVAL,
		    "asset id must be 56 to %d lowercase hex digits",
		    CS_MAX_ASSET_ID);
	int error;

	RETRY(error,
	    store->ops->nft_set_asset_id(store->conn, nft_id, asset_id, err));
	return error;
}

int
cs_store_sync_run_latest(struct cs_store *store, int64_t campaign_id,
    struct cs_sync_run *out, struct cs_error *err)
{
	int error;

	memset(out, 0, sizeof(*out));
	RETRY(
	    error, store->ops->run_latest(store->conn, campaign_id, out, err));
	return error;
}

/* ---- The background verifier (migration 008) ---------------------------- */

int
cs_store_chain_coverage(struct cs_store *store, int64_t campaign_id,
    int64_t now, int64_t recheck_ms, struct cs_chain_coverage *out,
    struct cs_error *err)
{
	int error;

	memset(out, 0, sizeof(*out));
	RETRY(error, store->ops->chain_coverage(store->conn, campaign_id,
	                 now - recheck_ms, recheck_ms, out, err));
	return error;
}

int
cs_store_chain_problems(struct cs_store *store, int64_t campaign_id,
    int64_t limit, cs_chain_problem_cb cb, void *payload, struct cs_error *err)
{
	int error;

	RETRY(error, store->ops->chain_problems(
	                 store->conn, campaign_id, limit, cb, payload, err));
	return error;
}

struct chain_claim_args {
	const char *owner;
	int64_t now, verified_before, other_before, lease_until;
	int64_t *ids;
	size_t limit, n;
};

static int
chain_claim_tx(struct tx *tx, void *payload, struct cs_error *err)
{
	struct chain_claim_args *a = payload;

	a->n = a->limit; /* again when the transaction is retried */
	return tx->s->ops->chain_claim(tx->s->conn, a->owner, a->now,
	    a->verified_before, a->other_before, a->lease_until, a->ids, &a->n,
	    err);
}

int
cs_store_chain_claim(struct cs_store *store, const char *owner, int64_t now,
    int64_t recheck_ms, int64_t retry_ms, int64_t lease_ms, size_t limit,
    cs_nft_cb cb, void *payload, struct cs_error *err)
{
	struct chain_claim_args a;
	struct cs_nft n;
	size_t i;
	int error;

	if (owner == NULL || *owner == '\0' || limit == 0)
		return cs_error_set(err, CS_EINVAL, "claim: no owner or limit");
	memset(&a, 0, sizeof(a));
	a.owner = owner;
	a.now = now;
	a.verified_before = now - recheck_ms;
	a.other_before = now - retry_ms;
	a.lease_until = now + lease_ms;
	a.ids = cs_xcalloc(limit, sizeof(*a.ids));
	a.limit = limit;
	error = run_tx(store, true, now, chain_claim_tx, &a, err);
	for (i = 0; error == 0 && i < a.n; i++) {
		error = cs_store_nft_get_by_id(store, a.ids[i], &n, err);
		if (error == CS_ENOTFOUND) { /* deleted meanwhile */
			cs_error_clear(err);
			error = 0;
			continue;
		}
		if (error < 0)
			break;
		error = cb(&n, payload);
		cs_nft_dispose(&n);
	}
	free(a.ids);
	return error;
}

int
cs_store_chain_budget_take(struct cs_store *store, int64_t now, double rate,
    double burst, int64_t *wait_ms, int64_t *blocked_until, char *reason,
    size_t size, struct cs_error *err)
{
	int64_t rate_milli = (int64_t)(rate * 1000.0);
	int64_t cap_milli = (int64_t)(burst * 1000.0);
	int64_t left = 0;
	int error;

	*wait_ms = 0;
	*blocked_until = 0;
	if (size > 0)
		reason[0] = '\0';
	if (rate_milli < 1)
		return cs_error_set(err, CS_EINVAL, "budget: rate must be > 0");
	if (cap_milli < 1000)
		cap_milli = 1000;
	RETRY(error, store->ops->chain_budget_take(store->conn, now, rate_milli,
	                 cap_milli, &left, blocked_until, reason, size, err));
	if (error == 0 && left < 0)
		*wait_ms = (-left * 1000 + rate_milli - 1) / rate_milli;
	return error;
}

int
cs_store_chain_budget_block(struct cs_store *store, int64_t until,
    const char *reason, struct cs_error *err)
{
	int error;

	RETRY(error,
	    store->ops->chain_budget_block(store->conn, until, reason, err));
	return error;
}

int
cs_store_nft_mint_fill(struct cs_store *store, int64_t nft_id, const char *tx,
    struct cs_error *err)
{
	int error;

	if (tx == NULL || *tx == '\0' || strlen(tx) > 128 ||
	    !cs_str_is_hex_lower(tx))
		return cs_error_set(err, CS_EINVAL,
		    "a mint transaction is lowercase hex digits");
	RETRY(error, store->ops->nft_mint_fill(store->conn, nft_id, tx, err));
	return error;
}

int
cs_store_nft_mint_get(
    struct cs_store *store, int64_t nft_id, char **out, struct cs_error *err)
{
	int error;

	*out = NULL;
	RETRY(error, store->ops->nft_mint_get(store->conn, nft_id, out, err));
	return error;
}

int
cs_store_chain_release(struct cs_store *store, const char *owner,
    int64_t nft_id, struct cs_error *err)
{
	int error;

	RETRY(
	    error, store->ops->chain_release(store->conn, owner, nft_id, err));
	return error;
}

struct mint_fill_args {
	const int64_t *ids;
	const char *const *txs;
	size_t n;
};

static int
mint_fill_tx(struct tx *tx, void *payload, struct cs_error *err)
{
	struct mint_fill_args *a = payload;
	size_t i;
	int error = 0;

	for (i = 0; i < a->n && error == 0; i++)
		error = tx->s->ops->nft_mint_fill(
		    tx->s->conn, a->ids[i], a->txs[i], err);
	return error;
}

int
cs_store_nft_mint_fill_many(struct cs_store *store, const int64_t *nft_ids,
    const char *const *txs, size_t n, struct cs_error *err)
{
	struct mint_fill_args a = {nft_ids, txs, n};
	size_t i;

	for (i = 0; i < n; i++) {
		if (txs[i] == NULL || *txs[i] == '\0' || strlen(txs[i]) > 128 ||
		    !cs_str_is_hex_lower(txs[i]))
			return cs_error_set(err, CS_EINVAL,
			    "a mint transaction is lowercase hex digits");
	}
	if (n == 0)
		return 0;
	return run_tx(store, true, cs_now_ms(), mint_fill_tx, &a, err);
}
