/* SPDX-License-Identifier: MIT */
/*
 * Our webhook at NMKR: register, unregister, rotate and check it without
 * destroying the operator's other notifications. NMKR's UpdateNotifications
 * replaces the project's whole list and gives every saved entry a new
 * secret, so each operation reads GetNotifications first and lets the pure
 * plan (core/notify.h) decide: adopt what is there, send, or refuse while
 * other notifications exist (unless forced, which keeps them as they are
 * and rotates their secrets). After an update the secrets are re-read with
 * GetNotifications, which NMKR never serves from its cache.
 */
#ifndef CS_SERVICE_HOOK_H
#define CS_SERVICE_HOOK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/notify.h"
#include "store/store.h"
#include "util/error.h"

struct cs_nmkr;

struct cs_hook_opts {
	const char *url;    /* register: our URL (.../webhooks/nmkr) */
	const char *secret; /* register: a secret typed in the Studio UI;
	                       stored as is, nothing is asked of NMKR */
	bool force;         /* keep the other notifications and update */
};

/* What an operation did. */
struct cs_hook_result {
	enum cs_notif_action action; /* adopt, send, nothing (or refuse) */
	bool secret_changed;         /* the stored secret is a new one */
	size_t others;               /* NMKR's other notifications */
	size_t siblings; /* our other campaigns on the project that adopted
	                    the secrets NMKR gave their webhooks */
	/* The other notifications, one "type address (active|inactive)" per
	 * line; never their secrets. NULL when none. Owned, see dispose. */
	char *others_text;
};

void cs_hook_result_dispose(struct cs_hook_result *r);

/**
 * Register opts->url as the campaign's webhook. With opts->secret: store
 * it and the URL without calling NMKR. Otherwise read GetNotifications:
 * our URL listed -> adopt its secret (nothing sent); no other entry ->
 * send ours; others -> CS_ECONFLICT with nothing sent (out->others_text
 * lists them), or with force send them unchanged plus ours. The secret NMKR
 * holds for our URL is then stored; a changed one moves the old secret to
 * previous (accepted for the grace). After any update, our other campaigns
 * on the same project adopt the new secrets of their URLs.
 *
 * @param out filled also on CS_ECONFLICT; dispose with
 *        cs_hook_result_dispose()
 */
CS_NODISCARD int cs_hook_register(struct cs_store *store, struct cs_nmkr *nmkr,
    int64_t campaign_id, const struct cs_hook_opts *opts, int64_t now,
    struct cs_hook_result *out, struct cs_error *err);

/**
 * Remove our entry at NMKR (same rules as register: refused while others
 * exist unless forced) and forget the URL; the last secret stays previous
 * for webhooks in flight. Our URL not listed: nothing is sent.
 * CS_ENOTFOUND when no webhook is registered.
 */
CS_NODISCARD int cs_hook_unregister(struct cs_store *store,
    struct cs_nmkr *nmkr, int64_t campaign_id, bool force, int64_t now,
    struct cs_hook_result *out, struct cs_error *err);

/**
 * A new secret at NMKR for our entry (UpdateNotifications, same rules),
 * re-read and stored; the old one becomes previous, accepted for the grace
 * after now. CS_ENOTFOUND when no webhook is registered or NMKR does not
 * list ours.
 */
CS_NODISCARD int cs_hook_rotate(struct cs_store *store, struct cs_nmkr *nmkr,
    int64_t campaign_id, bool force, int64_t now, struct cs_hook_result *out,
    struct cs_error *err);

struct cs_hook_status {
	char *url;              /* ours as stored; NULL: none. Owned */
	bool secret_stored;     /* we hold a current secret */
	bool listed;            /* NMKR lists our URL as a webhook */
	bool active;            /* ... and it is active */
	bool secret_matches;    /* the stored secret is the one NMKR holds */
	size_t others;          /* NMKR's other notifications */
	bool previous_valid;    /* a rotated-out secret is still accepted */
	int64_t previous_until; /* until then (ms); 0 when none */
	int64_t rotated_at;     /* ms; 0: never */
};

void cs_hook_status_dispose(struct cs_hook_status *s);

/**
 * Compare what we hold with what NMKR lists (GetNotifications). Secrets are
 * compared in constant time and never copied out. A campaign registered
 * before the URL was stored finds its entry by the secret.
 *
 * @param grace_ms how long a rotated-out secret is accepted
 */
CS_NODISCARD int cs_hook_status_get(struct cs_store *store,
    struct cs_nmkr *nmkr, int64_t campaign_id, int64_t now, int64_t grace_ms,
    struct cs_hook_status *out, struct cs_error *err);

#endif
