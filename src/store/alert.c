/* SPDX-License-Identifier: MIT */
/* The alerts sent to CS_ALERT_WEBHOOK: their record, list and pruning. */
#include "store/internal.h"

#include <string.h>

#include "util/str.h"
#include "util/banned.h"

WALK_SHIM(alert, struct cs_alert, cs_alert_cb)

int
cs_store_alert_insert(
    struct cs_store *store, struct cs_alert *io, struct cs_error *err)
{
	if (!cs_str_eq(io->cause, "sync_failed") &&
	    !cs_str_eq(io->cause, "new_reviews") &&
	    !cs_str_eq(io->cause, "webhooks_silent"))
		return cs_error_set(err, CS_EINVAL,
		    "an alert's cause is sync_failed, new_reviews or "
		    "webhooks_silent");
	if (io->text == NULL || io->text[0] == '\0')
		return cs_error_set(err, CS_EINVAL, "an alert has a text");
	/* A bare insert: not retried (a lost connection may have
	 * committed it). */
	return store->ops->alert_insert(store->conn, io, err);
}

int
cs_store_alert_list(struct cs_store *store, int64_t campaign_id, int64_t limit,
    cs_alert_cb cb, void *payload, struct cs_error *err)
{
	struct alert_walk w = {cb, payload, false};
	int error;

	RETRY_WALK(error, w,
	    store->ops->alert_list(
	        store->conn, campaign_id, limit, alert_shim, &w, err));
	return error;
}

int
cs_store_alert_prune(struct cs_store *store, int64_t before, int64_t *deleted,
    struct cs_error *err)
{
	return cs_store__prune_batches(
	    store, store->ops->alert_prune, before, deleted, err);
}
