/* SPDX-License-Identifier: MIT */
/* The NMKR Studio API v2 client; see nmkr.h. */
#include "clients/nmkr.h"

#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/limits.h"
#include "util/log.h"
#include "util/str.h"
#include "util/xalloc.h"
#include "util/banned.h"

struct cs_nmkr {
	struct cs_http *http;
	char *auth; /* "Authorization: Bearer KEY" */
};

const char *
cs_nmkr_base_url(enum cs_network net)
{
	return net == CS_NETWORK_PREPROD ? "https://studio-api.preprod.nmkr.io"
	                                 : "https://studio-api.nmkr.io";
}

int
cs_nmkr_new(
    struct cs_nmkr **out, const struct cs_nmkr_opts *opts, struct cs_error *err)
{
	struct cs_http_opts ho;
	const char *headers[2];
	struct cs_nmkr *c;
	int error;

	*out = NULL;
	if (opts->api_key == NULL || *opts->api_key == '\0')
		return cs_error_set(
		    err, CS_EINVAL, "no NMKR API key: set NMKR_API_KEY");
	if (strpbrk(opts->api_key, "\r\n") != NULL)
		return cs_error_set(
		    err, CS_EINVAL, "the NMKR API key holds a line break");
	c = cs_xcalloc(1, sizeof(*c));
	c->auth = cs_xasprintf("Authorization: Bearer %s", opts->api_key);
	cs_log_secret(opts->api_key);
	headers[0] = c->auth;
	headers[1] = NULL;
	cs_http_opts_init(&ho);
	ho.name = "nmkr";
	ho.base_url = opts->base_url != NULL ? opts->base_url
	                                     : cs_nmkr_base_url(opts->network);
	ho.headers = headers;
	if (opts->max_inflight > 0)
		ho.max_inflight = opts->max_inflight;
	if (opts->connect_timeout_ms > 0)
		ho.connect_timeout_ms = opts->connect_timeout_ms;
	if (opts->total_timeout_ms > 0)
		ho.total_timeout_ms = opts->total_timeout_ms;
	if (opts->max_retries >= 0)
		ho.backoff.max_retries = opts->max_retries;
	if (opts->backoff_base_ms > 0)
		ho.backoff.base_ms = opts->backoff_base_ms;
	ho.on_attempt = opts->on_attempt;
	ho.on_attempt_payload = opts->on_attempt_payload;
	error = cs_http_new(&c->http, &ho, err);
	if (error < 0) {
		cs_nmkr_free(c);
		return error;
	}
	*out = c;
	return 0;
}

void
cs_nmkr_free(struct cs_nmkr *c)
{
	if (c == NULL)
		return;
	cs_http_free(c->http);
	free(c->auth);
	free(c);
}

int
cs_nmkr_max_inflight_seen(const struct cs_nmkr *c)
{
	return cs_http_max_inflight_seen(c->http);
}

/* Check a project or NFT uid before it goes into a path. */
static int
check_uid(const char *what, const char *uid, struct cs_error *err)
{
	if (!cs_str_is_uuid(uid))
		return cs_error_set(err, CS_EINVAL, "%s '%s' is not a uid",
		    what, uid != NULL ? uid : "");
	return 0;
}

/* Add NMKR's own words to an HTTP error. */
static int
upstream_error(struct cs_http_req *r, struct cs_error *err)
{
	char msg[160];

	*err = r->err;
	cs_nmkr_error_message(
	    cs_buf_cstr(&r->body_out), r->body_out.len, msg, sizeof(msg));
	if (msg[0] != '\0')
		cs_error_appendf(err, ": %s", msg);
	return r->error;
}

static int
not_found(struct cs_error *err)
{
	if (err != NULL)
		err->code = CS_ENOTFOUND;
	return CS_ENOTFOUND;
}

static int
get(struct cs_nmkr *c, struct cs_http_req *r, struct cs_error *err)
{
	int error;

	error = cs_http_do(c->http, r);
	if (error < 0)
		return upstream_error(r, err);
	return 0;
}

int
cs_nmkr_get_counts(struct cs_nmkr *c, const char *project_uid,
    struct cs_nmkr_counts *out, struct cs_error *err)
{
	struct cs_http_req r;
	int error;

	memset(out, 0, sizeof(*out));
	error = check_uid("project", project_uid, err);
	if (error < 0)
		return error;
	memset(&r, 0, sizeof(r));
	snprintf(r.path, sizeof(r.path), "/v2/GetCounts/%s", project_uid);
	error = get(c, &r, err);
	if (error == 0)
		error = cs_nmkr_decode_counts(
		    cs_buf_cstr(&r.body_out), r.body_out.len, out, err);
	cs_http_req_dispose(&r);
	return error;
}

int
cs_nmkr_get_project(struct cs_nmkr *c, const char *project_uid,
    struct cs_nmkr_project *out, struct cs_error *err)
{
	struct cs_http_req r;
	int error;

	memset(out, 0, sizeof(*out));
	error = check_uid("project", project_uid, err);
	if (error < 0)
		return error;
	memset(&r, 0, sizeof(r));
	snprintf(
	    r.path, sizeof(r.path), "/v2/GetProjectDetails/%s", project_uid);
	error = get(c, &r, err);
	if (error == CS_EHTTP && r.status == 404)
		error = not_found(err);
	if (error == 0)
		error = cs_nmkr_decode_project(
		    cs_buf_cstr(&r.body_out), r.body_out.len, out, err);
	cs_http_req_dispose(&r);
	return error;
}

int
cs_nmkr_get_project_and_counts(struct cs_nmkr *c, const char *project_uid,
    struct cs_nmkr_project *project, struct cs_nmkr_counts *counts,
    struct cs_error *err)
{
	struct cs_http_req rp, rc;
	int error;

	memset(project, 0, sizeof(*project));
	memset(counts, 0, sizeof(*counts));
	error = check_uid("project", project_uid, err);
	if (error < 0)
		return error;
	memset(&rp, 0, sizeof(rp));
	memset(&rc, 0, sizeof(rc));
	snprintf(
	    rp.path, sizeof(rp.path), "/v2/GetProjectDetails/%s", project_uid);
	snprintf(rc.path, sizeof(rc.path), "/v2/GetCounts/%s", project_uid);
	cs_http_submit(c->http, &rp);
	cs_http_submit(c->http, &rc);
	error = cs_http_run(c->http, err);
	if (error < 0)
		goto out;
	if (rp.error < 0) {
		error = upstream_error(&rp, err);
		if (error == CS_EHTTP && rp.status == 404)
			error = not_found(err);
		goto out;
	}
	if (rc.error < 0) {
		error = upstream_error(&rc, err);
		goto out;
	}
	error = cs_nmkr_decode_project(
	    cs_buf_cstr(&rp.body_out), rp.body_out.len, project, err);
	if (error == 0)
		error = cs_nmkr_decode_counts(
		    cs_buf_cstr(&rc.body_out), rc.body_out.len, counts, err);
	if (error < 0)
		cs_nmkr_project_dispose(project);
out:
	cs_http_req_dispose(&rp);
	cs_http_req_dispose(&rc);
	return error;
}

int
cs_nmkr_get_nft(struct cs_nmkr *c, const char *nft_uid, struct cs_nmkr_nft *out,
    struct cs_error *err)
{
	struct cs_http_req r;
	int error;

	memset(out, 0, sizeof(*out));
	error = check_uid("NFT", nft_uid, err);
	if (error < 0)
		return error;
	memset(&r, 0, sizeof(r));
	snprintf(r.path, sizeof(r.path), "/v2/GetNftDetailsById/%s", nft_uid);
	error = get(c, &r, err);
	if (error == CS_EHTTP && r.status == 404)
		error = not_found(err);
	if (error == 0)
		error = cs_nmkr_decode_nft(
		    cs_buf_cstr(&r.body_out), r.body_out.len, out, err);
	cs_http_req_dispose(&r);
	return error;
}

/* ---- Listing a project ------------------------------------------------ */

struct walk {
	struct cs_nmkr *c;
	const char *project;
	struct cs_remote_list *list;
	struct cs_http_req **reqs; /* one per page; each alone, since a
	                            * queued request must not move */
	size_t nreqs, capreqs;
	int64_t planned; /* pages submitted */
	int64_t done;
	bool ended; /* the last planned page was short */
	int error;
	struct cs_error err;
	cs_nmkr_progress_cb progress;
	void *payload;
	struct cs_arena scratch; /* parse trees, one page at a time */
};

static void on_page(struct cs_http *h, struct cs_http_req *r);

static void
submit_page(struct walk *w, int64_t page)
{
	struct cs_http_req *r;

	if (w->nreqs == w->capreqs) {
		w->capreqs = w->capreqs != 0 ? w->capreqs * 2 : 64;
		w->reqs =
		    cs_xreallocarray(w->reqs, w->capreqs, sizeof(*w->reqs));
	}
	r = cs_xcalloc(1, sizeof(*r));
	w->reqs[w->nreqs++] = r;
	snprintf(r->path, sizeof(r->path),
	    "/v2/GetNfts/%s/all/%d/%lld?orderby=id", w->project,
	    CS_NMKR_PAGE_SIZE, (long long)page);
	r->cb = on_page;
	r->payload = w;
	w->planned = page > w->planned ? page : w->planned;
	cs_http_submit(w->c->http, r);
}

static void
fail_walk(struct cs_http *h, struct walk *w, int error)
{
	w->error = error;
	cs_http_cancel_all(h, CS_ERROR, "listing stopped");
}

/* Decoding runs here, on the transfer thread, while the other requests
 * stay in flight: a page decodes in a fraction of a request's time. */
static void
on_page(struct cs_http *h, struct cs_http_req *r)
{
	struct walk *w = r->payload;
	const char *q = strrchr(r->path, '/');
	int64_t page = 0;
	size_t count = 0;
	int error;

	if (w->error < 0)
		goto out; /* already failed: drain */
	if (q != NULL)
		page = strtoll(q + 1, NULL, 10);
	if (r->error < 0) {
		fail_walk(h, w, upstream_error(r, &w->err));
		goto out;
	}
	error = cs_nmkr_decode_nfts(cs_buf_cstr(&r->body_out), r->body_out.len,
	    (int)page, w->list, &w->scratch, &count, &w->err);
	if (error < 0) {
		fail_walk(h, w, error);
		goto out;
	}
	w->done++;
	if (page == w->planned) {
		if (count < CS_NMKR_PAGE_SIZE)
			w->ended = true;
		else if (w->planned < CS_NMKR_MAX_PAGES)
			/* The last planned page was full: NMKR has more than
			 * its counts said. Keep walking until a short page. */
			submit_page(w, w->planned + 1);
	}
	if (w->progress != NULL)
		w->progress(w->done, w->planned, (int64_t)w->list->items.len,
		    w->payload);
out:
	cs_http_req_dispose(r);
}

int
cs_nmkr_list_nfts(struct cs_nmkr *c, const char *project_uid,
    const struct cs_nmkr_counts *counts, struct cs_remote_list *out,
    cs_nmkr_progress_cb progress, void *payload, struct cs_error *err)
{
	struct cs_nmkr_counts k;
	struct walk w;
	int64_t pages, p;
	size_t i;
	int error;

	error = check_uid("project", project_uid, err);
	if (error < 0)
		return error;
	if (counts == NULL) {
		error = cs_nmkr_get_counts(c, project_uid, &k, err);
		if (error < 0)
			return error;
		counts = &k;
	}
	memset(&w, 0, sizeof(w));
	w.c = c;
	w.project = project_uid;
	w.list = out;
	w.progress = progress;
	w.payload = payload;
	cs_arena_init(&w.scratch);
	pages = (counts->nft_total + CS_NMKR_PAGE_SIZE - 1) / CS_NMKR_PAGE_SIZE;
	if (pages < 1)
		pages = 1;
	if (pages > CS_NMKR_MAX_PAGES)
		pages = CS_NMKR_MAX_PAGES;
	for (p = 1; p <= pages; p++)
		submit_page(&w, p);
	if (progress != NULL)
		progress(0, w.planned, 0, payload);
	error = cs_http_run(c->http, err);
	for (i = 0; i < w.nreqs; i++)
		free(w.reqs[i]);
	free(w.reqs);
	cs_arena_dispose(&w.scratch);
	if (error == 0 && w.error < 0) {
		*err = w.err;
		error = w.error;
	}
	if (error < 0) {
		/* Nothing partial: a failed walk leaves an empty list. */
		cs_remote_list_dispose(out);
		cs_remote_list_init(out);
		return error;
	}
	cs_remote_list_dedupe(out);
	if (out->duplicates > 0)
		cs_log_info("nmkr",
		    "project %s: %zu NFTs listed twice while "
		    "walking the pages (deduplicated)",
		    project_uid, out->duplicates);
	return 0;
}

/* ---- Notifications ---------------------------------------------------- */

int
cs_nmkr_get_notifications(struct cs_nmkr *c, const char *project_uid,
    struct cs_nmkr_notification **out, size_t *n, struct cs_error *err)
{
	struct cs_http_req r;
	int error;

	*out = NULL;
	*n = 0;
	error = check_uid("project", project_uid, err);
	if (error < 0)
		return error;
	memset(&r, 0, sizeof(r));
	snprintf(
	    r.path, sizeof(r.path), "/v2/GetNotifications/%s", project_uid);
	error = get(c, &r, err);
	if (error == 0)
		error = cs_nmkr_decode_notifications(
		    cs_buf_cstr(&r.body_out), r.body_out.len, out, n, err);
	cs_http_req_dispose(&r);
	return error;
}

int
cs_nmkr_set_webhook(struct cs_nmkr *c, const char *project_uid, const char *url,
    struct cs_nmkr_notification **out, size_t *n, struct cs_error *err)
{
	struct cs_http_req r;
	cJSON *body = NULL, *entry;
	char *text = NULL;
	int error;

	*out = NULL;
	*n = 0;
	error = check_uid("project", project_uid, err);
	if (error < 0)
		return error;
	if (url == NULL || (!cs_str_startswith(url, "https://") &&
	                       !cs_str_startswith(url, "http://")))
		return cs_error_set(err, CS_EINVAL,
		    "webhook URL must start with https:// or http://");
	body = cJSON_CreateArray();
	entry = cJSON_CreateObject();
	cJSON_AddStringToObject(entry, "notificationType", "webhook");
	cJSON_AddStringToObject(entry, "address", url);
	cJSON_AddBoolToObject(entry, "isActive", true);
	cJSON_AddItemToArray(body, entry);
	text = cJSON_PrintUnformatted(body);
	if (text == NULL) {
		error = cs_error_set(err, CS_ERROR, "out of memory");
		goto out;
	}
	memset(&r, 0, sizeof(r));
	r.method = "POST";
	r.body = text;
	r.body_len = strlen(text);
	snprintf(
	    r.path, sizeof(r.path), "/v2/UpdateNotifications/%s", project_uid);
	error = get(c, &r, err);
	if (error == 0)
		error = cs_nmkr_decode_notifications(
		    cs_buf_cstr(&r.body_out), r.body_out.len, out, n, err);
	cs_http_req_dispose(&r);
out:
	cJSON_free(text);
	cJSON_Delete(body);
	return error;
}

int
cs_nmkr_update_notifications(struct cs_nmkr *c, const char *project_uid,
    const struct cs_nmkr_notification *list, size_t nlist,
    struct cs_nmkr_notification **out, size_t *n, struct cs_error *err)
{
	struct cs_http_req r;
	cJSON *body = NULL, *entry;
	char *text = NULL;
	size_t i;
	int error;

	*out = NULL;
	*n = 0;
	error = check_uid("project", project_uid, err);
	if (error < 0)
		return error;
	body = cJSON_CreateArray();
	for (i = 0; i < nlist; i++) {
		if (list[i].type == NULL || list[i].address == NULL) {
			error = cs_error_set(err, CS_EINVAL,
			    "notification %zu has no type or address", i);
			goto out;
		}
		entry = cJSON_CreateObject();
		cJSON_AddStringToObject(
		    entry, "notificationType", list[i].type);
		cJSON_AddStringToObject(entry, "address", list[i].address);
		cJSON_AddBoolToObject(entry, "isActive", list[i].active);
		cJSON_AddItemToArray(body, entry);
	}
	text = cJSON_PrintUnformatted(body);
	if (text == NULL) {
		error = cs_error_set(err, CS_ERROR, "out of memory");
		goto out;
	}
	memset(&r, 0, sizeof(r));
	r.method = "POST";
	r.body = text;
	r.body_len = strlen(text);
	snprintf(
	    r.path, sizeof(r.path), "/v2/UpdateNotifications/%s", project_uid);
	error = get(c, &r, err);
	if (error == 0)
		error = cs_nmkr_decode_notifications(
		    cs_buf_cstr(&r.body_out), r.body_out.len, out, n, err);
	cs_http_req_dispose(&r);
out:
	cJSON_free(text);
	cJSON_Delete(body);
	return error;
}
