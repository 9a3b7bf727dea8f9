/* SPDX-License-Identifier: MIT */
/*
 * NMKR's webhooks: the group commit of the webhooks that arrived together,
 * each with its event row and changes, and their pruning.
 */
#include "store/store.h"

#include "store/backend.h"
#include "store/internal.h"
#include "util/buf.h"
#include "util/limits.h"
#include "util/str.h"
#include "util/banned.h"

WALK_SHIM(webhook, struct cs_webhook_event, cs_webhook_event_cb)

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
		it->results[i] =
		    cs_store__apply_change(tx, &ch, now, NULL, &rowerr, &rc);
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
			error = cs_store__validate_change(
			    &items[i].changes[j], err);
			if (error < 0)
				return error;
		}
	}
	return cs_store__run_tx(store, true, now, webhook_tx, &a, err);
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
	return cs_store__prune_batches(
	    store, store->ops->webhook_prune, before, deleted, err);
}

int
cs_store_sync_report_prune(struct cs_store *store, int64_t before,
    int64_t *pruned, struct cs_error *err)
{
	int64_t n = 0, total = 0;
	int error;

	do {
		error = store->ops->report_prune(
		    store->conn, before, CS_WEBHOOK_PRUNE_BATCH, &n, err);
		if (error < 0)
			break;
		total += n;
	} while (n == CS_WEBHOOK_PRUNE_BATCH);
	if (pruned != NULL)
		*pruned = total;
	return error;
}
