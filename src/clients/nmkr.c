/* SPDX-License-Identifier: MIT */
/* The NMKR Studio API v2 client; see nmkr.h. */
#include "clients/nmkr.h"

#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/limits.h"
#include "util/log.h"
#include "util/str.h"
#include "util/strmap.h"
#include "util/time.h"
#include "util/tz.h"
#include "util/xalloc.h"
#include "util/banned.h"

struct cs_nmkr {
	struct cs_http *http;
	char *auth; /* "Authorization: Bearer KEY" */
	int walks;  /* since the last cs_nmkr_usage_reset() */
	int lists;  /* state lists read, same */
	char walk_note[CS_NMKR_NOTE_MAX];
	const struct cs_tz *zone; /* NMKR_TIMEZONE; never NULL */
	int64_t webhook_grace_ms; /* with its default applied */
};

/* ---- The process-wide token bucket ------------------------------------ */

static struct cs_http_limiter limiter;
static pthread_once_t limiter_once = PTHREAD_ONCE_INIT;
static bool limiter_off;

/*
 * NMKR counts requests in a fixed window of 10 s per client IP. A bucket of
 * burst b refilled at r per second lets at most b + 10r through in any
 * 10 s, so b is a tenth of the limit and r fills the rest: no window of
 * NMKR's, wherever it starts, sees more than the limit from this process.
 */
static void
limiter_set(double per_window)
{
	double burst = per_window / 10.0 >= 1.0 ? per_window / 10.0 : 1.0;
	double rate = (per_window - burst) / CS_NMKR_RATE_WINDOW_S;

	cs_bucket_init(
	    &limiter.bucket, rate > 0.1 ? rate : 0.1, burst, cs_mono_us());
}

static void
limiter_init(void)
{
	cs_http_limiter_init(&limiter, 1.0, 1.0);
	limiter_set(CS_NMKR_RATE_LIMIT);
}

void
cs_nmkr_set_rate(int per_10s)
{
	pthread_once(&limiter_once, limiter_init);
	pthread_mutex_lock(&limiter.lock);
	limiter_off = per_10s <= 0;
	if (!limiter_off)
		limiter_set((double)per_10s);
	pthread_mutex_unlock(&limiter.lock);
}

static struct cs_http_limiter *
limiter_get(void)
{
	bool off;

	pthread_once(&limiter_once, limiter_init);
	pthread_mutex_lock(&limiter.lock);
	off = limiter_off;
	pthread_mutex_unlock(&limiter.lock);
	return off ? NULL : &limiter;
}

/* ---- The client ------------------------------------------------------- */

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
	c->zone = opts->zone != NULL ? opts->zone : cs_tz_utc();
	c->webhook_grace_ms = opts->webhook_grace_ms >= 0
	                          ? opts->webhook_grace_ms
	                          : CS_NMKR_WEBHOOK_GRACE_DEFAULT_MS;
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
	ho.limiter = limiter_get();
	ho.breaker_failures = opts->breaker_failures > 0
	                          ? opts->breaker_failures
	                          : CS_NMKR_BREAKER_FAILURES;
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

const struct cs_tz *
cs_nmkr_zone(const struct cs_nmkr *c)
{
	return c->zone;
}

int64_t
cs_nmkr_webhook_grace_ms(const struct cs_nmkr *c)
{
	return c->webhook_grace_ms;
}

int64_t
cs_nmkr_server_date(const struct cs_nmkr *c)
{
	return cs_http_last_date(c->http);
}

int
cs_nmkr_max_inflight_seen(const struct cs_nmkr *c)
{
	return cs_http_max_inflight_seen(c->http);
}

void
cs_nmkr_usage(const struct cs_nmkr *c, struct cs_nmkr_usage *out)
{
	struct cs_http_usage u;

	cs_http_usage(c->http, &u);
	memset(out, 0, sizeof(*out));
	out->sent = u.sent;
	out->failed = u.failed;
	out->refused = u.refused;
	out->circuit_open = u.circuit_open;
	out->walks = c->walks;
	out->lists = c->lists;
	out->walk_note = c->walk_note;
}

void
cs_nmkr_usage_reset(struct cs_nmkr *c)
{
	cs_http_usage_reset(c->http);
	c->walks = 0;
	c->lists = 0;
	c->walk_note[0] = '\0';
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
		error = cs_nmkr_decode_nft(cs_buf_cstr(&r.body_out),
		    r.body_out.len, c->zone, out, err);
	cs_http_req_dispose(&r);
	return error;
}

/* ---- Listing a project ------------------------------------------------ */

/* What one page held: its first and last NMKR id and how many items. */
struct edge {
	int64_t first, last;
	size_t at; /* where its items begin in the list */
	size_t n;
	bool done;
	bool no_ids; /* an item without an id: the ids are not checked */
};

struct walk {
	struct cs_nmkr *c;
	const char *project;
	const char *state; /* GetNfts' state: "all", or one state's list */
	int size;          /* GetNfts count: 50, then 49, 48 (new cache keys) */
	struct cs_remote_list *list;
	struct cs_http_req **reqs; /* one per page; each alone, since a
	                            * queued request must not move */
	struct edge *edges;        /* by page - 1 */
	size_t nreqs, capreqs;
	int64_t planned; /* pages submitted */
	int64_t done;
	bool ended;                   /* the last planned page was short */
	bool descending;              /* ids went down inside a page */
	struct cs_nmkr_counts counts; /* GetCounts just before this walk */
	int error;
	struct cs_error err;
	cs_nmkr_progress_cb progress;
	void *payload;
	struct cs_arena scratch; /* parse trees, one page at a time */
};

static void on_page(struct cs_http *h, struct cs_http_req *r);

/*
 * The pages a list of n NFTs takes, the short one that ends it included:
 * when n fills its last page, the page after it is planned from the start
 * (it would be asked anyway) instead of costing a round trip of its own.
 */
static int64_t
plan_pages(int64_t n, int size)
{
	return n > 0 ? n / size + 1 : 1;
}

static void
submit_page(struct walk *w, int64_t page)
{
	struct cs_http_req *r;

	if (w->nreqs == w->capreqs) {
		w->capreqs = w->capreqs != 0 ? w->capreqs * 2 : 64;
		w->reqs =
		    cs_xreallocarray(w->reqs, w->capreqs, sizeof(*w->reqs));
		w->edges =
		    cs_xreallocarray(w->edges, w->capreqs, sizeof(*w->edges));
	}
	r = cs_xcalloc(1, sizeof(*r));
	memset(&w->edges[w->nreqs], 0, sizeof(w->edges[w->nreqs]));
	w->reqs[w->nreqs++] = r;
	snprintf(r->path, sizeof(r->path),
	    "/v2/GetNfts/%s/%s/%d/%lld?orderby=id", w->project, w->state,
	    w->size, (long long)page);
	r->cb = on_page;
	r->payload = w;
	w->planned = page > w->planned ? page : w->planned;
	cs_http_submit(w->c->http, r);
}

static void
fail_walk(struct cs_http *h, struct walk *w, int error)
{
	w->error = error;
	/* No more pages are sent; those in flight finish and are dropped. */
	cs_http_cancel_waiting(h, CS_ERROR, "listing stopped");
}

/* Decoding runs here, on the transfer thread, while the other requests
 * stay in flight: a page decodes in a fraction of a request's time. */
static void
on_page(struct cs_http *h, struct cs_http_req *r)
{
	struct walk *w = r->payload;
	const char *q = strrchr(r->path, '/');
	const struct cs_remote_nft *items;
	struct edge *e;
	int64_t page = 0;
	size_t count = 0, i, len;
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
	    (int)page, w->c->zone, w->list, &w->scratch, &count, &w->err);
	if (error < 0) {
		fail_walk(h, w, error);
		goto out;
	}
	/* The page's items are the list's last count ones. */
	if (page >= 1 && (size_t)page <= w->nreqs) {
		e = &w->edges[page - 1];
		items = w->list->items.ptr;
		len = w->list->items.len;
		e->at = len - count;
		e->n = count;
		e->done = true;
		if (count > 0) {
			e->first = items[len - count].nmkr_id;
			e->last = items[len - 1].nmkr_id;
		}
		for (i = len - count; i < len; i++) {
			if (items[i].nmkr_id <= 0)
				e->no_ids = true;
			else if (i > len - count &&
			         items[i].nmkr_id <= items[i - 1].nmkr_id)
				w->descending = true;
		}
	}
	w->done++;
	if (page == w->planned) {
		if (count < (size_t)w->size)
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

/*
 * Whether the pages fit together as one list ordered by id: ids rise
 * inside each page and from each page to the next, and only the last
 * non-empty page is short. A page that starts at or below the previous
 * page's last id, or a short page before a full one, means the list moved
 * between the two pages. Writes the first misfit into note.
 */
static bool
edges_fit(const struct walk *w, char *note, size_t size)
{
	size_t i;

	if (w->descending) {
		snprintf(note, size, "ids do not rise inside a page");
		return false;
	}
	for (i = 1; i < w->nreqs; i++) {
		const struct edge *a = &w->edges[i - 1], *b = &w->edges[i];

		if (b->n == 0)
			continue;
		if (a->n < (size_t)w->size) {
			snprintf(note, size,
			    "page %zu held %zu of %d, yet page %zu held %zu", i,
			    a->n, w->size, i + 1, b->n);
			return false;
		}
		if (!a->no_ids && !b->no_ids && a->last >= b->first) {
			snprintf(note, size,
			    "page %zu starts at id %lld, not above page %zu's "
			    "last id %lld",
			    i + 1, (long long)b->first, i, (long long)a->last);
			return false;
		}
	}
	return true;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Whether two listings hold the same uids. */
static bool
same_uids(const struct cs_remote_list *a, const struct cs_remote_list *b)
{
	const struct cs_remote_nft *x = a->items.ptr, *y = b->items.ptr;
	const char **u, **v;
	size_t i, n = a->items.len;
	bool same = true;

	if (n != b->items.len)
		return false;
	u = cs_xcalloc(n + 1, sizeof(*u));
	v = cs_xcalloc(n + 1, sizeof(*v));
	for (i = 0; i < n; i++) {
		u[i] = x[i].uid;
		v[i] = y[i].uid;
	}
	qsort(u, n, sizeof(*u), cmp_str);
	qsort(v, n, sizeof(*v), cmp_str);
	for (i = 0; i < n && same; i++)
		same = strcmp(u[i], v[i]) == 0;
	free(u);
	free(v);
	return same;
}

/*
 * One walk of GetNfts/{project}/all/{size}/{page} from page 1, planned for
 * hint NFTs; with_counts first asks GetCounts (into w->counts), answered
 * before any page is asked: the reference the pages are checked against
 * must be older than every page. out is deduplicated; w is left for the
 * caller to judge.
 */
static int
walk_once(struct walk *w, int64_t hint, bool with_counts, struct cs_error *err)
{
	int64_t pages, p;
	size_t i;
	int error;

	if (with_counts) {
		error = cs_nmkr_get_counts(w->c, w->project, &w->counts, err);
		if (error < 0)
			return error;
		if (w->counts.nft_total > hint)
			hint = w->counts.nft_total;
	}
	pages = plan_pages(hint, w->size);
	if (pages > CS_NMKR_MAX_PAGES)
		pages = CS_NMKR_MAX_PAGES;
	cs_arena_init(&w->scratch);
	for (p = 1; p <= pages; p++)
		submit_page(w, p);
	if (w->progress != NULL)
		w->progress(0, w->planned, 0, w->payload);
	error = cs_http_run(w->c->http, err);
	for (i = 0; i < w->nreqs; i++)
		free(w->reqs[i]);
	cs_arena_dispose(&w->scratch);
	if (error == 0 && w->error < 0) {
		*err = w->err;
		error = w->error;
	}
	if (error == 0)
		cs_remote_list_dedupe(w->list);
	return error;
}

int
cs_nmkr_list_nfts(struct cs_nmkr *c, const char *project_uid,
    const struct cs_nmkr_counts *counts, struct cs_remote_list *out,
    cs_nmkr_progress_cb progress, void *payload, struct cs_error *err)
{
	struct cs_remote_list prev;
	struct cs_nmkr_counts none;
	struct walk w;
	char why[CS_NMKR_NOTE_MAX / 2] = "";
	int64_t hint, listed[CS_NMKR_MAX_WALKS];
	bool with_counts = counts == NULL, have_prev = false, fit;
	int n, error;

	error = check_uid("project", project_uid, err);
	if (error < 0)
		return error;
	if (counts == NULL) {
		memset(&none, 0, sizeof(none));
		counts = &none;
	}
	hint = counts->nft_total;
	cs_remote_list_init(&prev);
	memset(&w, 0, sizeof(w));
	for (n = 0; n < CS_NMKR_MAX_WALKS; n++) {
		struct edge *edges = w.edges;
		struct cs_http_req **reqs = w.reqs;
		size_t cap = w.capreqs;

		memset(&w, 0, sizeof(w));
		w.edges = edges; /* reused from walk to walk */
		w.reqs = reqs;
		w.capreqs = cap;
		w.c = c;
		w.project = project_uid;
		w.state = "all";
		w.size = CS_NMKR_PAGE_SIZE - n;
		w.list = out;
		w.progress = progress;
		w.payload = payload;
		w.counts = *counts;
		error = walk_once(&w, hint, with_counts, err);
		c->walks++;
		if (error < 0)
			goto out;
		listed[n] = (int64_t)out->items.len;
		fit = edges_fit(&w, why, sizeof(why));
		if (fit && listed[n] == w.counts.nft_total)
			break; /* the pages and the counts agree */
		if (have_prev && same_uids(&prev, out))
			break; /* two walks saw the same list */
		if (fit)
			snprintf(why, sizeof(why),
			    "GetCounts says %lld NFTs, the pages held %lld",
			    (long long)w.counts.nft_total,
			    (long long)listed[n]);
		cs_log_info("nmkr",
		    "project %s: the list moved while it was read (%s): "
		    "reading it again",
		    project_uid, why);
		snprintf(c->walk_note, sizeof(c->walk_note),
		    "NMKR's list of project %s changed while it was read (%s)",
		    project_uid, why);
		/* Keep this walk to compare the next with. */
		cs_remote_list_dispose(&prev);
		prev = *out;
		have_prev = true;
		cs_remote_list_init(out);
		hint = listed[n] > w.counts.nft_total ? listed[n]
		                                      : w.counts.nft_total;
		with_counts = true;
	}
	if (n == CS_NMKR_MAX_WALKS) {
		error = cs_error_set(err, CS_ECONFLICT,
		    "NMKR's list of project %s kept changing while it was "
		    "read: %d reads disagreed (the first listed %lld NFTs, "
		    "the last %lld: %s); nothing of it is used, sync again",
		    project_uid, CS_NMKR_MAX_WALKS, (long long)listed[0],
		    (long long)listed[CS_NMKR_MAX_WALKS - 1], why);
		goto out;
	}
	if (out->duplicates > 0)
		cs_log_info("nmkr",
		    "project %s: %zu NFTs listed twice while "
		    "walking the pages (deduplicated)",
		    project_uid, out->duplicates);
out:
	free(w.reqs);
	free(w.edges);
	cs_remote_list_dispose(&prev);
	if (error < 0) {
		/* Nothing partial: a failed walk leaves an empty list. */
		cs_remote_list_dispose(out);
		cs_remote_list_init(out);
	}
	return error;
}

static bool
listable_state(const char *state)
{
	return strcmp(state, "free") == 0 || strcmp(state, "reserved") == 0 ||
	       strcmp(state, "sold") == 0 || strcmp(state, "error") == 0 ||
	       strcmp(state, "burned") == 0;
}

/*
 * The lists' items, appended to out from base on in the order their pages
 * arrived, put in the order of a read one list after another (list by
 * list, page by page), then deduplicated with the earlier one kept: each
 * list's listed is the number of its uids kept.
 */
static void
order_lists(struct cs_remote_list *out, size_t base, struct walk *w,
    struct cs_nmkr_state_list *lists, size_t n)
{
	struct cs_remote_nft *items = out->items.ptr, *sorted;
	struct cs_strmap seen;
	size_t k, p, i, j = 0, kept = base, total = out->items.len - base;

	sorted = cs_xcalloc(total + 1, sizeof(*sorted));
	for (k = 0; k < n; k++) {
		for (p = 0; p < w[k].nreqs; p++) {
			const struct edge *e = &w[k].edges[p];

			if (e->n == 0)
				continue; /* an empty page: items may be NULL */
			memcpy(
			    sorted + j, items + e->at, e->n * sizeof(*items));
			j += e->n;
		}
	}
	/* Every item came from one page of one list. */
	if (j > 0)
		memcpy(items + base, sorted, j * sizeof(*items));
	cs_strmap_init(&seen);
	for (i = 0; i < base; i++)
		(void)cs_strmap_put(&seen, items[i].uid, i);
	i = base;
	for (k = 0; k < n; k++) {
		size_t end = i;

		for (p = 0; p < w[k].nreqs; p++)
			end += w[k].edges[p].n;
		lists[k].listed = 0;
		for (; i < end; i++) {
			if (!cs_strmap_put(&seen, items[i].uid, i)) {
				out->duplicates++;
				continue;
			}
			items[kept++] = items[i];
			lists[k].listed++;
		}
	}
	out->items.len = kept;
	cs_strmap_dispose(&seen);
	free(sorted);
}

int
cs_nmkr_list_states(struct cs_nmkr *c, const char *project_uid,
    struct cs_nmkr_state_list *lists, size_t n, struct cs_remote_list *out,
    struct cs_error *err)
{
	struct walk *w;
	char why[CS_NMKR_NOTE_MAX / 2] = "";
	size_t k, i, base = out->items.len;
	int64_t pages, p;
	int error;

	error = check_uid("project", project_uid, err);
	if (error < 0)
		return error;
	for (k = 0; k < n; k++) {
		if (!listable_state(lists[k].state))
			return cs_error_set(err, CS_EINVAL,
			    "GetNfts lists no state '%s'", lists[k].state);
	}
	w = cs_xcalloc(n + 1, sizeof(*w));
	for (k = 0; k < n; k++) {
		w[k].c = c;
		w[k].project = project_uid;
		w[k].state = lists[k].state;
		w[k].size = CS_NMKR_PAGE_SIZE;
		w[k].list = out;
		cs_arena_init(&w[k].scratch);
		pages = plan_pages(lists[k].expected, w[k].size);
		if (pages > CS_NMKR_MAX_PAGES)
			pages = CS_NMKR_MAX_PAGES;
		for (p = 1; p <= pages; p++)
			submit_page(&w[k], p);
	}
	/* One run: the small lists' pages ride along with the large one's. */
	error = cs_http_run(c->http, err);
	for (k = 0; k < n; k++) {
		for (i = 0; i < w[k].nreqs; i++)
			free(w[k].reqs[i]);
		cs_arena_dispose(&w[k].scratch);
		if (error == 0 && w[k].error < 0) {
			*err = w[k].err;
			error = w[k].error;
		}
		c->lists++;
	}
	if (error == 0) {
		order_lists(out, base, w, lists, n);
		for (k = 0; k < n; k++)
			lists[k].ordered = edges_fit(&w[k], why, sizeof(why));
	}
	for (k = 0; k < n; k++) {
		free(w[k].reqs);
		free(w[k].edges);
	}
	free(w);
	return error;
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
