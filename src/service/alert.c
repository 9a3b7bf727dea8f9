/* SPDX-License-Identifier: MIT */
/* Alerts to a webhook URL; see alert.h. */
#include "service/alert.h"

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clients/http.h"
#include "service/encode.h"
#include "util/limits.h"
#include "util/log.h"
#include "util/str.h"
#include "util/xalloc.h"
#include "util/banned.h"

enum cause { SYNC_FAILED, NEW_REVIEWS, WEBHOOKS_SILENT, NCAUSES };

/* The names of the causes in the alerts table and the API. */
static const char *const cause_names[NCAUSES] = {
    [SYNC_FAILED] = "sync_failed",
    [NEW_REVIEWS] = "new_reviews",
    [WEBHOOKS_SILENT] = "webhooks_silent",
};

/* What the alerter knows of one campaign. */
struct seen {
	int64_t campaign_id;
	int64_t failed_log;    /* newest failed sync looked at */
	int64_t reviews;       /* open review items at the last look */
	int64_t sold;          /* sold count when webhooks last spoke */
	int64_t sent[NCAUSES]; /* when each cause was last sent */
	bool failing[NCAUSES]; /* its last try was not delivered (recorded) */
};

struct cs_alerter {
	struct cs_alert_opts opts;
	char *url;
	struct cs_http *http;
	struct seen *seen;
	size_t nseen;
};

int
cs_alerter_new(struct cs_alerter **out, const struct cs_alert_opts *opts,
    struct cs_error *err)
{
	static const char *const headers[] = {
	    "Content-Type: application/json", NULL};
	struct cs_http_opts ho;
	struct cs_alerter *a;
	int error;

	*out = NULL;
	a = cs_xcalloc(1, sizeof(*a));
	a->opts = *opts;
	a->url = cs_xstrdup(opts->url);
	cs_log_secret(a->url); /* a Slack or Discord URL is its own key */
	if (a->opts.every_ms <= 0)
		a->opts.every_ms = CS_ALERT_EVERY_DEFAULT_MS;
	if (a->opts.webhook_silence_ms == 0)
		a->opts.webhook_silence_ms = CS_ALERT_SILENCE_DEFAULT_MS;
	cs_http_opts_init(&ho);
	ho.name = "alert";
	ho.base_url = a->url;
	ho.headers = headers;
	ho.max_inflight = 1;
	ho.total_timeout_ms = CS_ALERT_TIMEOUT_MS;
	/* A couple of quick retries: the sweeper waits on them, and what
	 * is not delivered is sent again at its next check anyway. */
	ho.backoff.base_ms = 200;
	ho.backoff.max_ms = 1000;
	ho.backoff.max_retries = 2;
	ho.backoff.retry_after_max_ms = 1000;
	ho.max_body = 64 * 1024;
	error = cs_http_new(&a->http, &ho, err);
	if (error < 0) {
		cs_alerter_free(a);
		return error;
	}
	*out = a;
	return 0;
}

void
cs_alerter_free(struct cs_alerter *a)
{
	if (a == NULL)
		return;
	cs_http_free(a->http);
	free(a->url);
	free(a->seen);
	free(a);
}

/* POST {"text": text}. @return true when delivered (2xx); else why, in
 * why (scrubbed of the URL, which is a secret) */
static bool
post(struct cs_alerter *a, const char *text, char *why, size_t whysize)
{
	struct cs_http_req r;
	cJSON *o = cJSON_CreateObject();
	char *body;
	bool ok;

	cJSON_AddStringToObject(o, "text", text);
	body = cs_json_print(o, false);
	cJSON_Delete(o);
	memset(&r, 0, sizeof(r));
	r.method = "POST";
	r.body = body;
	r.body_len = strlen(body);
	ok = cs_http_do(a->http, &r) == 0 && r.status >= 200 && r.status < 300;
	if (!ok) {
		if (r.status >= 100)
			snprintf(why, whysize, "HTTP %d", r.status);
		else
			snprintf(why, whysize, "%s", cs_error_msg(&r.err));
		cs_log_redact(why, whysize);
		cs_log_warn("alert", "not delivered (%s): %s", why, text);
	} else
		cs_log_info("alert", "sent: %s", text);
	cs_http_req_dispose(&r);
	cJSON_free(body);
	return ok;
}

/* Send text for cause unless one was sent within every_ms, and record
 * the try in the alerts table, delivered or not (the page lists them). */
static int
alert(struct cs_alerter *a, struct cs_store *store, struct seen *s,
    enum cause c, int64_t now, const char *text)
{
	struct cs_error err = CS_ERROR_INIT;
	struct cs_alert rec;
	char why[256] = "";
	bool ok;

	if (s->sent[c] != 0 && now - s->sent[c] < a->opts.every_ms)
		return 0;
	ok = post(a, text, why, sizeof(why));
	/* A receiver that is down is tried at every check: its first
	 * failure is recorded, then the delivery. */
	if (!ok && s->failing[c])
		return -1;
	s->failing[c] = !ok;
	memset(&rec, 0, sizeof(rec));
	rec.campaign_id = s->campaign_id;
	rec.cause = cause_names[c];
	rec.text = text;
	rec.sent_at = now;
	rec.delivered = ok;
	rec.error = ok ? NULL : why;
	if (cs_store_alert_insert(store, &rec, &err) < 0)
		cs_log_warn("alert", "not recorded: %s", cs_error_msg(&err));
	if (!ok)
		return -1;
	s->sent[c] = now;
	return 1;
}

static struct seen *
seen_of(struct cs_alerter *a, int64_t campaign_id, bool *fresh)
{
	size_t i;

	*fresh = false;
	for (i = 0; i < a->nseen; i++) {
		if (a->seen[i].campaign_id == campaign_id)
			return &a->seen[i];
	}
	a->seen = cs_xreallocarray(a->seen, a->nseen + 1, sizeof(*a->seen));
	memset(&a->seen[a->nseen], 0, sizeof(a->seen[0]));
	a->seen[a->nseen].campaign_id = campaign_id;
	*fresh = true;
	return &a->seen[a->nseen++];
}

/* Walks: the newest sync (not webhook) of a campaign, the newest webhook
 * of a project, the open review items. */
struct newest {
	bool syncs_only; /* in: skip the webhooks' rows */
	int64_t id;
	int64_t at;
	enum cs_sync_status status;
	char error[200];
	bool any;
};

static int
newest_cb(const struct cs_sync_log *l, void *payload)
{
	struct newest *n = payload;
	cJSON *errs;

	if (n->syncs_only && l->sync_type == CS_SYNC_WEBHOOK)
		return 0;
	n->any = true;
	n->id = l->id;
	n->at = l->started_at;
	n->status = l->status;
	n->error[0] = '\0';
	errs = l->errors != NULL ? cJSON_Parse(l->errors) : NULL;
	if (errs != NULL) {
		const char *e =
		    cJSON_GetStringValue(cJSON_GetArrayItem(errs, 0));

		snprintf(n->error, sizeof(n->error), "%s", e != NULL ? e : "");
		cJSON_Delete(errs);
	}
	return 1; /* the newest is enough */
}

static int
count_cb(const struct cs_review_item *it, void *payload)
{
	(void)it;
	(*(int64_t *)payload)++;
	return 0;
}

/* What a check needs of a campaign (the list's rows are borrowed). */
struct camp {
	int64_t id;
	char name[CS_MAX_NAME + 1];
	char project[CS_UID_LEN + 1];
	int64_t sold;
};

struct campaigns {
	struct camp *v;
	size_t n;
};

static int
campaign_cb(const struct cs_campaign *c, void *payload)
{
	struct campaigns *cs = payload;
	struct camp *x;

	cs->v = cs_xreallocarray(cs->v, cs->n + 1, sizeof(*cs->v));
	x = &cs->v[cs->n++];
	x->id = c->id;
	cs_str_copy(x->name, c->name != NULL ? c->name : "", sizeof(x->name));
	cs_str_copy(x->project,
	    c->nmkr_project_uid != NULL ? c->nmkr_project_uid : "",
	    sizeof(x->project));
	x->sold = c->counts.sold;
	return 0;
}

static int
check_campaign(struct cs_alerter *a, struct cs_store *store,
    const struct camp *c, int64_t now)
{
	struct cs_sync_log_query q = CS_SYNC_LOG_QUERY_INIT;
	struct cs_error err = CS_ERROR_INIT;
	struct newest sync, hook;
	struct seen *s;
	int64_t open = 0;
	char text[1024];
	bool fresh;
	int sent = 0, rc;

	memset(&sync, 0, sizeof(sync));
	memset(&hook, 0, sizeof(hook));
	sync.syncs_only = true;
	q.campaign_id = c->id;
	q.limit = 50;
	if (cs_store_sync_log_list(store, &q, newest_cb, &sync, &err) < 0)
		return 0;
	q = (struct cs_sync_log_query)CS_SYNC_LOG_QUERY_INIT;
	q.project_uid = c->project;
	q.type = CS_SYNC_WEBHOOK;
	q.limit = 1;
	if (cs_store_sync_log_list(store, &q, newest_cb, &hook, &err) < 0)
		return 0;
	if (cs_store_review_list(store, c->id, true, count_cb, &open, &err) < 0)
		return 0;

	s = seen_of(a, c->id, &fresh);
	if (fresh) { /* the baseline */
		s->failed_log =
		    sync.any && sync.status == CS_SYNC_FAILED ? sync.id : 0;
		s->reviews = open;
		s->sold = c->sold;
		return 0;
	}
	if (sync.any && sync.status == CS_SYNC_FAILED &&
	    sync.id > s->failed_log) {
		snprintf(text, sizeof(text),
		    "campaign-sync: the sync of %s failed: %s", c->name,
		    sync.error[0] != '\0' ? sync.error : "see its report");
		rc = alert(a, store, s, SYNC_FAILED, now, text);
		if (rc > 0) /* throttled or undelivered: said later */
			s->failed_log = sync.id;
		sent += rc > 0;
	}
	if (open > s->reviews) {
		snprintf(text, sizeof(text),
		    "campaign-sync: %lld new review item%s in %s (%lld open): "
		    "campaign-sync review list \"%s\"",
		    (long long)(open - s->reviews),
		    open - s->reviews == 1 ? "" : "s", c->name, (long long)open,
		    c->name);
		rc = alert(a, store, s, NEW_REVIEWS, now, text);
		if (rc > 0)
			s->reviews = open;
		sent += rc > 0;
	} else {
		s->reviews = open; /* resolved ones leave the count */
	}
	/* Webhooks heard within the silence: the sales are theirs. */
	if (a->opts.webhook_silence_ms < 0 ||
	    (hook.any && now - hook.at < a->opts.webhook_silence_ms)) {
		s->sold = c->sold;
	} else if (c->sold > s->sold) {
		snprintf(text, sizeof(text),
		    "campaign-sync: %lld sale%s of %s seen by syncs, but no "
		    "NMKR webhook for %lld min: check 'campaign-sync webhook "
		    "status \"%s\"'",
		    (long long)(c->sold - s->sold),
		    c->sold - s->sold == 1 ? "" : "s", c->name,
		    (long long)(a->opts.webhook_silence_ms / 60000), c->name);
		rc = alert(a, store, s, WEBHOOKS_SILENT, now, text);
		if (rc > 0)
			s->sold = c->sold;
		sent += rc > 0;
	}
	return sent;
}

int
cs_alerter_check(struct cs_alerter *a, struct cs_store *store, int64_t now)
{
	struct cs_error err = CS_ERROR_INIT;
	struct campaigns cs = {NULL, 0};
	size_t i;
	int sent = 0;

	if (cs_store_campaign_list(store, campaign_cb, &cs, &err) < 0) {
		cs_log_warn("alert", "%s", cs_error_msg(&err));
		return 0;
	}
	for (i = 0; i < cs.n; i++) {
		sent += check_campaign(a, store, &cs.v[i], now);
	}
	free(cs.v);
	return sent;
}
