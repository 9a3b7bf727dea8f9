/* SPDX-License-Identifier: MIT */
/* Campaigns, their counters and settings, and allow-lists. */
#include "store/store.h"

#include <ctype.h>
#include <string.h>

#include "core/wallet.h"
#include "store/backend.h"
#include "store/internal.h"
#include "util/limits.h"
#include "util/str.h"
#include "util/time.h"
#include "util/banned.h"

WALK_SHIM(campaign, struct cs_campaign, cs_campaign_cb)

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
	return cs_store__run_tx(store, true, now, campaign_create_tx, &a, err);
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
	return cs_store__run_tx(store, true, now, campaign_update_tx, &a, err);
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

	return cs_store__run_tx(store, true, now, campaign_status_tx, &a, err);
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

	return cs_store__run_tx(
	    store, true, cs_now_ms(), campaign_delete_tx, &a, err);
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

	error = cs_store__run_tx(store, true, now, recount_tx, &a, err);
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
	return cs_store__run_tx(store, true, now, secret_tx, &a, err);
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
	return cs_store__run_tx(store, true, now, set_webhook_tx, &a, err);
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
	return cs_store__run_tx(
	    store, true, cs_now_ms(), allowlist_tx, &a, err);
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
