/* SPDX-License-Identifier: MIT */
/*
 * Alerts to an operator who is not watching the page (CS_ALERT_WEBHOOK):
 * a short JSON message, {"text": "..."} as Slack's and Discord's incoming
 * webhooks take it, POSTed when
 *   - a campaign's sync failed (its newest sync, manual or scheduled),
 *   - new items came into a campaign's review queue,
 *   - sales went on (the campaign's sold count grew) while no NMKR webhook
 *     has arrived for CS_ALERT_WEBHOOK_SILENCE: NMKR's notifications are
 *     not reaching us, and only syncs see the sales.
 * At most one message per cause and campaign per CS_ALERT_EVERY (what
 * happens meanwhile is said in the next one). Each message is recorded
 * in the store's alerts table (cs_store_alert_insert()), delivered or not:
 * an undelivered one once, however often it is tried again. serve's
 * sweeper looks once a minute (cs_alerter_check()); what was true when the
 * alerter started is its baseline, not an alert.
 */
#ifndef CS_SERVICE_ALERT_H
#define CS_SERVICE_ALERT_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"
#include "util/error.h"

struct cs_alerter;

struct cs_alert_opts {
	const char *url;            /* where to POST; borrowed */
	int64_t every_ms;           /* per cause and campaign; 0: 1 h */
	int64_t webhook_silence_ms; /* 0: 6 h; < 0: that cause off */
};

/** @param out caller owns, cs_alerter_free() */
CS_NODISCARD int cs_alerter_new(struct cs_alerter **out,
    const struct cs_alert_opts *opts, struct cs_error *err);

void cs_alerter_free(struct cs_alerter *a);

/**
 * Look at every campaign once and send what is due, and record it in
 * store. A message that cannot be delivered is logged and recorded with
 * the reason (without the URL, which holds a secret) and tried again at
 * the next check.
 *
 * @return how many messages were delivered
 */
int cs_alerter_check(struct cs_alerter *a, struct cs_store *store, int64_t now);

#endif
