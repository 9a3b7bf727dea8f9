/* SPDX-License-Identifier: MIT */
/* A campaign's health from the store; see health.h. */
#include "service/health.h"

#include <string.h>

#include "util/banned.h"

struct review_count {
	int64_t campaign_id;
	int64_t count;
};

/* One campaign's last syncs, newest first. */
struct recent {
	int64_t campaign_id;
	enum cs_sync_status status[CS_HEALTH_WINDOW];
	size_t n;
	int64_t last_at;
	int64_t last_success_at;
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

/* Add a sync (newest first within its campaign) to r. */
static void
recent_add(struct recent *r, const struct cs_sync_log *l)
{
	if (l->sync_type == CS_SYNC_WEBHOOK || r->n == CS_HEALTH_WINDOW)
		return;
	if (r->n == 0)
		r->last_at = l->completed_at;
	if (r->last_success_at == 0 && l->status != CS_SYNC_FAILED)
		r->last_success_at = l->completed_at;
	r->status[r->n++] = l->status;
}

static int
recent_cb(const struct cs_sync_log *l, void *payload)
{
	struct cs_vec *v = payload;
	struct recent *r =
	    v->len > 0 ? CS_VEC_AT(v, struct recent, v->len - 1) : NULL;

	if (r == NULL || r->campaign_id != l->campaign_id) {
		r = cs_vec_push(v);
		r->campaign_id = l->campaign_id;
	}
	recent_add(r, l);
	return 0;
}

int
cs_health_facts_read(
    struct cs_store *store, struct cs_health_facts *out, struct cs_error *err)
{
	int error;

	cs_vec_init(&out->_reviews, sizeof(struct review_count));
	cs_vec_init(&out->_syncs, sizeof(struct recent));
	error =
	    cs_store_review_list(store, 0, true, count_cb, &out->_reviews, err);
	if (error == 0)
		error = cs_store_sync_log_recent(
		    store, CS_HEALTH_WINDOW, recent_cb, &out->_syncs, err);
	return error;
}

static void
health_of(const struct recent *r, int64_t open_reviews, bool webhook_registered,
    struct cs_campaign_health *out)
{
	memset(out, 0, sizeof(*out));
	if (r != NULL && r->n > 0) {
		out->last_sync_at = r->last_at;
		out->last_sync_status = r->status[0];
		out->last_success_at = r->last_success_at;
	}
	out->open_reviews = open_reviews;
	out->webhook_registered = webhook_registered;
	cs_health_campaign(r != NULL ? r->status : NULL, r != NULL ? r->n : 0,
	    open_reviews, webhook_registered, &out->summary);
}

void
cs_health_facts_of(const struct cs_health_facts *facts, int64_t campaign_id,
    bool webhook_registered, struct cs_campaign_health *out)
{
	const struct review_count *k;
	const struct recent *r = NULL, *x;
	int64_t open = 0;
	size_t i;

	for (i = 0; i < facts->_reviews.len; i++) {
		k = CS_VEC_AT(&facts->_reviews, struct review_count, i);
		if (k->campaign_id == campaign_id)
			open = k->count;
	}
	for (i = 0; i < facts->_syncs.len; i++) {
		x = CS_VEC_AT(&facts->_syncs, struct recent, i);
		if (x->campaign_id == campaign_id)
			r = x;
	}
	health_of(r, open, webhook_registered, out);
}

void
cs_health_facts_dispose(struct cs_health_facts *facts)
{
	if (facts == NULL)
		return;
	cs_vec_dispose(&facts->_reviews);
	cs_vec_dispose(&facts->_syncs);
}

static int
sync_cb(const struct cs_sync_log *l, void *payload)
{
	recent_add(payload, l);
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
    bool webhook_registered, struct cs_campaign_health *out,
    struct cs_error *err)
{
	struct cs_sync_log_query q = CS_SYNC_LOG_QUERY_INIT;
	struct recent r;
	int64_t open = 0;
	int error;

	memset(&r, 0, sizeof(r));
	r.campaign_id = campaign_id;
	q.campaign_id = campaign_id;
	q.limit = 50; /* webhook rows are skipped: read past them */
	error = cs_store_sync_log_list(store, &q, sync_cb, &r, err);
	if (error == 0)
		error = cs_store_review_list(
		    store, campaign_id, true, open_cb, &open, err);
	if (error == 0)
		health_of(&r, open, webhook_registered, out);
	return error;
}
