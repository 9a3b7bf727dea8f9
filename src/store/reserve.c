/* SPDX-License-Identifier: MIT */
/*
 * Reservations: the store holds the lock, reads the facts and applies the
 * change; what to read, refuse or take is core/reserve_rules.c.
 */
#include "store/store.h"

#include <string.h>

#include "core/wallet.h"
#include "store/backend.h"
#include "store/internal.h"
#include "util/limits.h"
#include "util/banned.h"

WALK_SHIM(nft, struct cs_nft, cs_nft_cb)

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
	error = cs_store__lock(tx, LOCK_RESERVE(a->campaign_id), err);
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
	r = cs_store__apply_change(tx, &ch, a->now, a->out, err, &rc);
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
	error = cs_store__run_tx(store, true, now, reserve_tx, &a, err);
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
