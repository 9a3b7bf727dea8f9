/* SPDX-License-Identifier: MIT */
/* A campaign's health from the store; see health.h. */
#include "service/health.h"

#include <string.h>

#include "util/banned.h"

struct review_count {
	int64_t campaign_id;
	int64_t count;
};

static int
count_cb(const struct cs_review_item *item, void *payload)
{
	struct cs_vec *v = payload;
	struct review_count *k;
	size_t i;

	/* Campaigns are few: a linear look-up, newest entry first. */
	for (i = v->len; i > 0; i--) {
		k = CS_VEC_AT(v, struct review_count, i - 1);
		if (k->campaign_id == item->campaign_id) {
			k->count++;
			return 0;
		}
	}
	k = cs_vec_push(v);
	k->campaign_id = item->campaign_id;
	k->count = 1;
	return 0;
}

int
cs_review_counts_read(
    struct cs_store *store, struct cs_review_counts *out, struct cs_error *err)
{
	int error;

	cs_vec_init(&out->_v, sizeof(struct review_count));
	error = cs_store_review_list(store, 0, true, count_cb, &out->_v, err);
	if (error < 0)
		cs_vec_dispose(&out->_v);
	return error;
}

int64_t
cs_review_counts_of(const struct cs_review_counts *k, int64_t campaign_id)
{
	const struct review_count *e;
	size_t i;

	for (i = 0; i < k->_v.len; i++) {
		e = CS_VEC_AT(&k->_v, struct review_count, i);
		if (e->campaign_id == campaign_id)
			return e->count;
	}
	return 0;
}

void
cs_review_counts_dispose(struct cs_review_counts *k)
{
	if (k != NULL)
		cs_vec_dispose(&k->_v);
}

struct acc {
	enum cs_sync_status recent[CS_HEALTH_WINDOW];
	size_t n;
	struct cs_campaign_health *out;
};

static int
sync_cb(const struct cs_sync_log *l, void *payload)
{
	struct acc *a = payload;

	if (l->sync_type == CS_SYNC_WEBHOOK || a->n == CS_HEALTH_WINDOW)
		return 0;
	if (a->n == 0) {
		a->out->last_sync_at = l->completed_at;
		a->out->last_sync_status = l->status;
	}
	if (a->out->last_success_at == 0 && l->status != CS_SYNC_FAILED)
		a->out->last_success_at = l->completed_at;
	a->recent[a->n++] = l->status;
	return 0;
}

static int
open_cb(const struct cs_review_item *item, void *payload)
{
	(void)item;
	(*(int64_t *)payload)++;
	return 0;
}

int
cs_campaign_health_get(struct cs_store *store, int64_t campaign_id,
    bool webhook_registered, int64_t open_reviews,
    struct cs_campaign_health *out, struct cs_error *err)
{
	struct cs_sync_log_query q = CS_SYNC_LOG_QUERY_INIT;
	struct acc a;
	int error;

	memset(out, 0, sizeof(*out));
	memset(&a, 0, sizeof(a));
	a.out = out;
	q.campaign_id = campaign_id;
	q.limit = 50; /* webhook rows are skipped: read past them */
	error = cs_store_sync_log_list(store, &q, sync_cb, &a, err);
	if (error < 0)
		return error;
	if (open_reviews < 0) {
		open_reviews = 0;
		error = cs_store_review_list(
		    store, campaign_id, true, open_cb, &open_reviews, err);
		if (error < 0)
			return error;
	}
	out->open_reviews = open_reviews;
	out->webhook_registered = webhook_registered;
	cs_health_campaign(a.recent, a.n, out->open_reviews,
	    out->webhook_registered, &out->summary);
	return 0;
}
