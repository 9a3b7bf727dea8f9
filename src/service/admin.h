/* SPDX-License-Identifier: MIT */
/*
 * An operator's writes, the same for the HTTP API and the CLI: campaigns
 * (create, edit, delete, activate, recount, allow-list), an NFT's status,
 * the pay links, a review item's resolution. Each is one store
 * transaction with the store's rules; here are the defaults and the
 * decisions the two front ends shared (an operator's change is source
 * admin, a reservation lasts CS_RESERVATION_DEFAULT_MIN unless told, a
 * review's "apply_remote" writes NMKR's state), and one log line per
 * write that says who did what ("admin: api 10.0.0.7: campaign 3
 * deactivated"), so that an operator's action is in the log beside the
 * sync's and the webhooks'.
 *
 * Reads stay plain store lookups (store.h): nothing is decided on them.
 */
#ifndef CS_SERVICE_ADMIN_H
#define CS_SERVICE_ADMIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/model.h"
#include "store/store.h"
#include "util/error.h"

/* Who asks: "api 10.0.0.7" or "cli" (for the log line only). */
typedef const char *cs_actor;

CS_NODISCARD int cs_admin_campaign_create(struct cs_store *store, cs_actor who,
    struct cs_campaign *c, int64_t now, struct cs_error *err);

CS_NODISCARD int cs_admin_campaign_update(struct cs_store *store, cs_actor who,
    const struct cs_campaign *c, int64_t now, struct cs_error *err);

/** CS_ECONFLICT: it has sales and force is not set. */
CS_NODISCARD int cs_admin_campaign_delete(struct cs_store *store, cs_actor who,
    int64_t id, bool force, struct cs_error *err);

/** CS_EINVAL: activating a campaign without NFTs. */
CS_NODISCARD int cs_admin_campaign_set_status(struct cs_store *store,
    cs_actor who, int64_t id, enum cs_campaign_status status, int64_t now,
    struct cs_error *err);

CS_NODISCARD int cs_admin_campaign_recount(struct cs_store *store, cs_actor who,
    int64_t id, int64_t now, struct cs_counts *out, struct cs_error *err);

/** Replace the allow-list (n 0: none, anyone may reserve). */
CS_NODISCARD int cs_admin_allowlist_set(struct cs_store *store, cs_actor who,
    int64_t campaign_id, const char *const *addresses, size_t n,
    struct cs_error *err);

/* An operator's status change of one NFT. */
struct cs_admin_status {
	const char *nft_uid;
	enum cs_nft_status status;
	int64_t expected_version; /* -1: no compare-and-set */
	const char *wallet;       /* reserved: who holds it */
	int64_t reserved_until;   /* 0: now + CS_RESERVATION_DEFAULT_MIN */
	const char *buyer;        /* sold: to whom */
	const char *tx_hash;
	const char *note; /* NULL: "set by an operator" */
};

#define CS_ADMIN_STATUS_INIT                                                   \
	{                                                                      \
		NULL, CS_NFT_AVAILABLE, -1, NULL, 0, NULL, NULL, NULL          \
	}

/** @param after if not NULL, the NFT as it now is (cs_nft_dispose()) */
CS_NODISCARD int cs_admin_nft_set_status(struct cs_store *store, cs_actor who,
    const struct cs_admin_status *s, int64_t now, struct cs_nft *after,
    struct cs_error *err);

CS_NODISCARD int cs_admin_repair_links(struct cs_store *store, cs_actor who,
    int64_t campaign_id, size_t *changed, struct cs_error *err);

/**
 * Resolve a review item: keep_local, dismissed, or apply_remote, which
 * writes status when it is >= 0 and else NMKR's state as the item saw it.
 *
 * @return 0; CS_EINVAL (with a message) for an unknown resolution or an
 *         NMKR state with no local status and no status given;
 *         CS_ENOTFOUND; CS_ECONFLICT (already resolved)
 */
CS_NODISCARD int cs_admin_review_resolve(struct cs_store *store, cs_actor who,
    int64_t id, const char *resolution, int status, int64_t now,
    struct cs_error *err);

/**
 * Resolve every open item of a campaign (of one kind, or of every kind
 * when kind is NULL) the same way, in one transaction with a history row
 * for each NFT it changes: all of them or none. apply_remote writes each
 * item's NMKR state unless status >= 0; one with no local status refuses
 * the whole (CS_EINVAL). expected >= 0 is the count the operator
 * confirmed: another count refuses (CS_ECONFLICT), nothing resolved.
 *
 * @param count how many were resolved (0 when none was open)
 */
CS_NODISCARD int cs_admin_review_resolve_all(struct cs_store *store,
    cs_actor who, int64_t campaign_id, const char *kind, const char *resolution,
    int status, int64_t expected, int64_t now, size_t *count,
    struct cs_error *err);

#endif
