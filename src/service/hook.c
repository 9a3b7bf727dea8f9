/* SPDX-License-Identifier: MIT */
/*
 * Our webhook at NMKR: GetNotifications, the plan of core/notify.c, then
 * UpdateNotifications only when the plan says so. See hook.h.
 */
#include "service/hook.h"

#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clients/nmkr.h"
#include "util/buf.h"
#include "util/log.h"
#include "util/str.h"
#include "util/vec.h"
#include "util/xalloc.h"
#include "util/banned.h"

/* Room for the list of other notifications in an error message. */
#define MSG_LIST 120

void
cs_hook_result_dispose(struct cs_hook_result *r)
{
	if (r == NULL)
		return;
	free(r->others_text);
	memset(r, 0, sizeof(*r));
}

void
cs_hook_status_dispose(struct cs_hook_status *s)
{
	if (s == NULL)
		return;
	free(s->url);
	memset(s, 0, sizeof(*s));
}

static bool
secret_eq(const char *a, const char *b)
{
	size_t n;

	if (a == NULL || b == NULL)
		return false;
	n = strlen(a);
	if (n != strlen(b))
		return false; /* the length is no secret */
	return CRYPTO_memcmp(a, b, n) == 0;
}

static void
wipe_list(struct cs_nmkr_notification *list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (list[i].secret != NULL)
			OPENSSL_cleanse(list[i].secret, strlen(list[i].secret));
	}
	cs_nmkr_notifications_free(list, n);
}

/* The plan's view of NMKR's list (borrowed strings). */
static struct cs_notif_entry *
entries_of(const struct cs_nmkr_notification *list, size_t n)
{
	struct cs_notif_entry *e = cs_xcalloc(n + 1, sizeof(*e));
	size_t i;

	for (i = 0; i < n; i++) {
		e[i].type = list[i].type;
		e[i].address = list[i].address;
		e[i].active = list[i].active;
	}
	return e;
}

/* "type address (active)" per line for every entry but ours. */
static char *
others_text(const struct cs_nmkr_notification *list, size_t n, size_t ours)
{
	struct cs_buf b = CS_BUF_INIT(64 * 1024);
	size_t i;
	int error = 0;

	for (i = 0; error == 0 && i < n; i++) {
		if (i == ours)
			continue;
		error = cs_buf_printf(&b, "%s %s (%s)\n",
		    list[i].type != NULL ? list[i].type : "?",
		    list[i].address != NULL ? list[i].address : "?",
		    list[i].active ? "active" : "inactive");
	}
	if (b.len == 0) {
		cs_buf_reset(&b);
		return NULL;
	}
	return cs_buf_take(&b, NULL);
}

/* CS_ECONFLICT naming the others (as many as fit) and what would happen. */
static int
refuse(const char *verb, const struct cs_nmkr_notification *list, size_t n,
    size_t ours, size_t others, struct cs_error *err)
{
	char names[MSG_LIST + 1];
	size_t i, used = 0;
	int w;

	names[0] = '\0';
	for (i = 0; i < n; i++) {
		if (i == ours)
			continue;
		w = snprintf(names + used, sizeof(names) - used, "%s%s %s",
		    used > 0 ? ", " : "",
		    list[i].type != NULL ? list[i].type : "?",
		    list[i].address != NULL ? list[i].address : "?");
		if (w < 0 || (size_t)w >= sizeof(names) - used) {
			/* cut at the last whole entry */
			names[used] = '\0';
			if (used + 5 < sizeof(names))
				memcpy(names + used, ", ...", 6);
			break;
		}
		used += (size_t)w;
	}
	return cs_error_set(err, CS_ECONFLICT,
	    "the NMKR project has %zu other notification%s (%s): %s would give "
	    "%s a new secret, as NMKR replaces the whole list; nothing was "
	    "sent (force keeps them and rotates their secrets)",
	    others, others == 1 ? "" : "s", names, verb,
	    others == 1 ? "it" : "each of them");
}

/*
 * The URL that is ours in list: the stored one, or (registered before the
 * URL was stored) the webhook whose secret is ours. Borrowed; NULL if none.
 */
static const char *
our_url(const char *stored_url, const char *secret,
    const struct cs_nmkr_notification *list, size_t n)
{
	size_t i;

	if (stored_url != NULL)
		return stored_url;
	for (i = 0; secret != NULL && i < n; i++) {
		if (list[i].type != NULL &&
		    cs_str_ieq(list[i].type, "webhook") &&
		    secret_eq(list[i].secret, secret))
			return list[i].address;
	}
	return NULL;
}

/* Our entry's secret in list (borrowed), or NULL. */
static const char *
secret_for(const struct cs_nmkr_notification *list, size_t n, const char *url)
{
	struct cs_notif_entry e;
	size_t i;

	for (i = 0; i < n; i++) {
		e.type = list[i].type;
		e.address = list[i].address;
		e.active = list[i].active;
		if (cs_notif_is_ours(&e, url))
			return list[i].secret;
	}
	return NULL;
}

struct siblings {
	const struct cs_campaign *self;
	struct cs_vec ids; /* int64_t */
};

static int
collect_sibling(const struct cs_campaign *c, void *payload)
{
	struct siblings *s = payload;

	if (c->id != s->self->id && c->webhook_secret != NULL &&
	    cs_str_ieq(c->nmkr_project_uid, s->self->nmkr_project_uid))
		*(int64_t *)cs_vec_push(&s->ids) = c->id;
	return 0;
}

/*
 * Our other campaigns on the same NMKR project had their secrets rotated
 * by the update too: each adopts what NMKR now lists for its URL (its old
 * secret stays accepted for the grace). @return how many adopted
 */
static size_t
adopt_siblings(struct cs_store *store, const struct cs_campaign *c,
    const struct cs_nmkr_notification *fresh, size_t nf, int64_t now)
{
	struct cs_error err = CS_ERROR_INIT;
	struct siblings s;
	const char *secret;
	char *url;
	size_t i, adopted = 0;

	s.self = c;
	cs_vec_init(&s.ids, sizeof(int64_t));
	if (cs_store_campaign_list(store, collect_sibling, &s, &err) < 0)
		cs_log_warn("webhook", "campaigns of project %s not read: %s",
		    c->nmkr_project_uid, cs_error_msg(&err));
	for (i = 0; i < s.ids.len; i++) {
		int64_t id = *CS_VEC_AT(&s.ids, int64_t, i);

		url = NULL;
		if (cs_store_campaign_webhook_url(store, id, &url, &err) < 0 ||
		    url == NULL) {
			free(url);
			continue;
		}
		secret = secret_for(fresh, nf, url);
		if (secret != NULL && cs_store_campaign_set_webhook(store, id,
		                          url, secret, now, &err) == 0)
			adopted++;
		free(url);
	}
	cs_vec_dispose(&s.ids);
	if (adopted > 0)
		cs_log_info("webhook",
		    "%zu other campaign%s of project %s adopted the secrets "
		    "NMKR gave their webhooks",
		    adopted, adopted == 1 ? "" : "s", c->nmkr_project_uid);
	return adopted;
}

/*
 * Send the plan's list (UpdateNotifications), re-read it
 * (GetNotifications) and store the secret NMKR now holds for url (or clear
 * ours when !ours_after).
 */
static int
send_plan(struct cs_store *store, struct cs_nmkr *nmkr,
    const struct cs_campaign *c, const struct cs_nmkr_notification *list,
    size_t n, const struct cs_notif_plan *plan, const char *url,
    bool ours_after, int64_t now, struct cs_hook_result *out,
    struct cs_error *err)
{
	struct cs_nmkr_notification *send = NULL, *answer = NULL, *fresh = NULL;
	size_t i, k = 0, na = 0, nf = 0;
	const char *secret;
	int error;

	send = cs_xcalloc(n + 1, sizeof(*send));
	for (i = 0; i < n; i++) {
		if (plan->keep[i])
			send[k++] = list[i]; /* borrowed fields */
	}
	if (plan->add_ours) {
		send[k].type = CS_UNCONST("webhook");
		send[k].address = CS_UNCONST(url);
		send[k].active = true;
		k++;
	}
	error = cs_nmkr_update_notifications(
	    nmkr, c->nmkr_project_uid, send, k, &answer, &na, err);
	if (error < 0)
		goto out;
	cs_log_info("webhook",
	    "NMKR project %s: sent %zu notification%s (%zu kept as they were)",
	    c->nmkr_project_uid, k, k == 1 ? "" : "s", out->others);
	error = cs_nmkr_get_notifications(
	    nmkr, c->nmkr_project_uid, &fresh, &nf, err);
	if (error < 0)
		goto out;
	for (i = 0; i < nf; i++) {
		if (fresh[i].secret != NULL)
			cs_log_secret(fresh[i].secret);
	}
	out->action = CS_NOTIF_SEND;
	out->siblings = adopt_siblings(store, c, fresh, nf, now);
	if (!ours_after) {
		error = cs_store_campaign_set_webhook(
		    store, c->id, NULL, NULL, now, err);
		out->secret_changed = c->webhook_secret != NULL;
		goto out;
	}
	secret = secret_for(fresh, nf, url);
	if (secret == NULL) {
		error = cs_error_set(err, CS_EPARSE,
		    "NMKR does not list %s after the update", url);
		goto out;
	}
	out->secret_changed = !secret_eq(secret, c->webhook_secret);
	error =
	    cs_store_campaign_set_webhook(store, c->id, url, secret, now, err);
out:
	free(send);
	wipe_list(answer, na);
	wipe_list(fresh, nf);
	return error;
}

/* Load the campaign and NMKR's list of its project. */
static int
load(struct cs_store *store, struct cs_nmkr *nmkr, int64_t campaign_id,
    struct cs_campaign *c, struct cs_nmkr_notification **list, size_t *n,
    struct cs_error *err)
{
	size_t i;
	int error;

	*list = NULL;
	*n = 0;
	error = cs_store_campaign_get(store, campaign_id, c, err);
	if (error < 0)
		return error;
	if (c->webhook_secret != NULL)
		cs_log_secret(c->webhook_secret);
	error =
	    cs_nmkr_get_notifications(nmkr, c->nmkr_project_uid, list, n, err);
	for (i = 0; error == 0 && i < *n; i++) {
		if ((*list)[i].secret != NULL)
			cs_log_secret((*list)[i].secret);
	}
	if (error < 0)
		cs_campaign_dispose(c);
	return error;
}

/* Register, unregister or rotate. */
static int
run(struct cs_store *store, struct cs_nmkr *nmkr, int64_t campaign_id,
    enum cs_notif_op op, const char *want_url, bool force, int64_t now,
    struct cs_hook_result *out, struct cs_error *err)
{
	static const char *const verbs[] = {
	    "registering", "unregistering", "rotating"};
	struct cs_nmkr_notification *list = NULL;
	struct cs_notif_entry *entries = NULL;
	struct cs_notif_plan plan;
	struct cs_campaign c;
	char *stored = NULL;
	const char *url = want_url, *secret;
	size_t n = 0;
	int error;

	memset(&plan, 0, sizeof(plan));
	error = load(store, nmkr, campaign_id, &c, &list, &n, err);
	if (error < 0)
		goto done;
	if (op != CS_NOTIF_REGISTER) {
		error =
		    cs_store_campaign_webhook_url(store, c.id, &stored, err);
		if (error < 0)
			goto out;
		url = our_url(stored, c.webhook_secret, list, n);
		if (url == NULL && op == CS_NOTIF_UNREGISTER &&
		    c.webhook_secret != NULL) {
			/* Ours is gone at NMKR: forget it here too. */
			out->action = CS_NOTIF_NOTHING;
			out->secret_changed = true;
			error = cs_store_campaign_set_webhook(
			    store, c.id, NULL, NULL, now, err);
			goto out;
		}
		if (url == NULL) {
			error = cs_error_set(err, CS_ENOTFOUND,
			    "campaign %s has no webhook registered", c.name);
			goto out;
		}
	}
	entries = entries_of(list, n);
	error = cs_notif_plan_build(op, entries, n, url, force, &plan);
	if (error < 0) {
		error = cs_error_set(err, CS_EINVAL, "a webhook URL is needed");
		goto out;
	}
	out->others = plan.others;
	out->others_text = others_text(list, n, plan.ours);
	switch (plan.action) {
	case CS_NOTIF_REFUSE:
		error = refuse(verbs[op], list, n, plan.ours, plan.others, err);
		break;
	case CS_NOTIF_MISSING:
		error = cs_error_set(err, CS_ENOTFOUND,
		    "NMKR does not list %s for this project: register it again",
		    url);
		break;
	case CS_NOTIF_NOTHING:
		out->action = CS_NOTIF_NOTHING;
		out->secret_changed = c.webhook_secret != NULL;
		error = cs_store_campaign_set_webhook(
		    store, c.id, NULL, NULL, now, err);
		break;
	case CS_NOTIF_ADOPT:
		secret = list[plan.ours].secret;
		if (secret == NULL || strlen(secret) < 16) {
			error = cs_error_set(err, CS_EPARSE,
			    "NMKR lists %s without a usable secret", url);
			break;
		}
		out->action = CS_NOTIF_ADOPT;
		out->secret_changed = !secret_eq(secret, c.webhook_secret);
		error = cs_store_campaign_set_webhook(
		    store, c.id, url, secret, now, err);
		break;
	case CS_NOTIF_SEND:
		error = send_plan(store, nmkr, &c, list, n, &plan, url,
		    op != CS_NOTIF_UNREGISTER, now, out, err);
		break;
	}
out:
	cs_notif_plan_dispose(&plan);
	free(entries);
	free(stored);
	wipe_list(list, n);
	cs_campaign_dispose(&c);
done:
	return error;
}

int
cs_hook_register(struct cs_store *store, struct cs_nmkr *nmkr,
    int64_t campaign_id, const struct cs_hook_opts *opts, int64_t now,
    struct cs_hook_result *out, struct cs_error *err)
{
	struct cs_campaign c;
	int error;

	memset(out, 0, sizeof(*out));
	if (opts->url == NULL || (!cs_str_startswith(opts->url, "https://") &&
	                             !cs_str_startswith(opts->url, "http://")))
		return cs_error_set(err, CS_EINVAL,
		    "webhook URL must start with https:// or http://");
	if (opts->secret == NULL)
		return run(store, nmkr, campaign_id, CS_NOTIF_REGISTER,
		    opts->url, opts->force, now, out, err);
	/* A secret typed in the Studio UI: NMKR is not asked. */
	cs_log_secret(opts->secret);
	error = cs_store_campaign_get(store, campaign_id, &c, err);
	if (error < 0)
		return error;
	out->action = CS_NOTIF_ADOPT;
	out->secret_changed = !secret_eq(opts->secret, c.webhook_secret);
	error = cs_store_campaign_set_webhook(
	    store, campaign_id, opts->url, opts->secret, now, err);
	cs_campaign_dispose(&c);
	return error;
}

int
cs_hook_unregister(struct cs_store *store, struct cs_nmkr *nmkr,
    int64_t campaign_id, bool force, int64_t now, struct cs_hook_result *out,
    struct cs_error *err)
{
	memset(out, 0, sizeof(*out));
	return run(store, nmkr, campaign_id, CS_NOTIF_UNREGISTER, NULL, force,
	    now, out, err);
}

int
cs_hook_rotate(struct cs_store *store, struct cs_nmkr *nmkr,
    int64_t campaign_id, bool force, int64_t now, struct cs_hook_result *out,
    struct cs_error *err)
{
	memset(out, 0, sizeof(*out));
	return run(store, nmkr, campaign_id, CS_NOTIF_ROTATE, NULL, force, now,
	    out, err);
}

int
cs_hook_status_get(struct cs_store *store, struct cs_nmkr *nmkr,
    int64_t campaign_id, int64_t now, int64_t grace_ms,
    struct cs_hook_status *out, struct cs_error *err)
{
	struct cs_nmkr_notification *list = NULL;
	struct cs_notif_entry e;
	struct cs_campaign c;
	char *stored = NULL;
	const char *url;
	size_t n = 0, i;
	int error;

	memset(out, 0, sizeof(*out));
	error = load(store, nmkr, campaign_id, &c, &list, &n, err);
	if (error < 0)
		return error;
	error = cs_store_campaign_webhook_url(store, c.id, &stored, err);
	if (error < 0)
		goto out;
	url = our_url(stored, c.webhook_secret, list, n);
	out->url = url != NULL ? cs_xstrdup(url) : NULL;
	out->secret_stored = c.webhook_secret != NULL;
	out->rotated_at = c.webhook_rotated_at;
	out->previous_valid = cs_notif_previous_valid(
	    c.webhook_secret_prev != NULL, c.webhook_rotated_at, now, grace_ms);
	if (out->previous_valid)
		out->previous_until = c.webhook_rotated_at + grace_ms;
	for (i = 0; i < n; i++) {
		e.type = list[i].type;
		e.address = list[i].address;
		e.active = list[i].active;
		if (url != NULL && !out->listed && cs_notif_is_ours(&e, url)) {
			out->listed = true;
			out->active = list[i].active;
			out->secret_matches =
			    secret_eq(list[i].secret, c.webhook_secret);
		} else {
			out->others++;
		}
	}
out:
	free(stored);
	wipe_list(list, n);
	cs_campaign_dispose(&c);
	return error;
}
