/* SPDX-License-Identifier: MIT */
/*
 * syncCampaignPublic (POST /api/campaigns/{id}/sync, ?async=1 answers 202
 * and the progress streams as Server-Sent Events), the running sync's
 * progress, getRecentSyncLogs, one log row and its report's
 * discrepancies as CSV, the review queue.
 */
#include "http/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "service/admin.h"
#include "service/encode.h"
#include "service/export.h"
#include "service/sync.h"
#include "service/verify.h"
#include "util/limits.h"
#include "util/log.h"
#include "util/str.h"
#include "util/time.h"
#include "util/xalloc.h"
#include "util/banned.h"

struct cs_nmkr *
cs_req_nmkr(struct cs_req *r)
{
	struct cs_error err = CS_ERROR_INIT;
	struct cs_nmkr *c = NULL;

	if (!r->srv->has_nmkr) {
		cs_reply_error(r, 503, "not_configured",
		    "NMKR_API_KEY is not set on this server");
		return NULL;
	}
	if (cs_nmkr_new(&c, &r->srv->nmkr, &err) < 0) {
		cs_reply_err(r, &err);
		return NULL;
	}
	return c;
}

static void
reply_running(struct cs_req *r, const struct cs_sync_result *res)
{
	cJSON *body = cJSON_CreateObject(), *e;

	e = cJSON_AddObjectToObject(body, "error");
	cJSON_AddStringToObject(e, "code", "sync_running");
	cJSON_AddStringToObject(
	    e, "message", "a sync of this campaign is already running");
	if (res->running.id != 0)
		cJSON_AddItemToObject(
		    body, "running", cs_json_sync_run(&res->running));
	cs_reply_json(r, 409, body);
}

static void
reply_report(struct cs_req *r, struct cs_sync_result *res)
{
	cs_reply_json(r, 200, res->report);
	res->report = NULL;
	cs_reply_header(r, "X-Sync-Status", cs_sync_status_name(res->status));
	if (res->debounced)
		cs_reply_header(r, "X-Sync-Debounced", "true");
}

/* Whether campaign id exists; replies (404, 503) and returns false if not. */
static bool
campaign_known(struct cs_req *r, int64_t id)
{
	struct cs_error err = CS_ERROR_INIT;
	struct cs_store *store = cs_req_store(r);
	struct cs_campaign c;

	if (store == NULL)
		return false;
	if (cs_store_campaign_get(store, id, &c, &err) < 0) {
		cs_reply_err(r, &err);
		return false;
	}
	cs_campaign_dispose(&c);
	return true;
}

/* ---- The sync in the background -------------------------------------- */

/* ?async=1: 202 once the sync holds the campaign (service/sync_job.h). */
static void
sync_async(struct cs_req *r, int64_t id)
{
	struct cs_sync_job_start st;
	char path[128];
	cJSON *body;

	if (cs_sync_jobs_start(r->srv->jobs, id, cs_req_flag(r, "force"),
	        cs_req_flag(r, "full"), &st) < 0) {
		cs_server_sync_end(r->srv);
		cs_reply_error(r, 503, "stopping", "the server is stopping");
		return;
	}
	if (st.claimed) {
		snprintf(path, sizeof(path), "/api/campaigns/%lld/sync/events",
		    (long long)id);
		body = cJSON_CreateObject();
		cs_json_add_int(body, "runId", st.run_id);
		cs_json_add_int(body, "campaignId", id);
		cJSON_AddStringToObject(body, "events", path);
		path[strlen(path) - strlen("/events")] = '\0';
		cJSON_AddStringToObject(body, "progress", path);
		cs_reply_json(r, 202, body);
		cs_reply_header(r, "Location", path);
	} else if (st.error < 0 && st.err.code == CS_ECONFLICT) {
		reply_running(r, &st.res);
	} else if (st.error < 0) {
		cs_reply_err(r, &st.err);
	} else {
		/* Debounced: the last report, at once. */
		reply_report(r, &st.res);
	}
	cs_sync_result_dispose(&st.res);
}

void
cs_route_sync(struct cs_req *r)
{
	struct cs_error err = CS_ERROR_INIT;
	struct cs_sync_result res;
	struct cs_sync_env env;
	struct cs_sync_opts o;
	struct cs_store *store;
	struct cs_nmkr *nmkr;
	int64_t id;

	if (!cs_req_id(r, 0, &id))
		return;
	if (!r->srv->has_nmkr) {
		cs_reply_error(r, 503, "not_configured",
		    "NMKR_API_KEY is not set on this server");
		return;
	}
	/* Each sync holds a database connection and a handler thread for
	 * its whole run: a few at once, and the rest of the API answers. */
	if (!cs_server_sync_begin(r))
		return;
	if (cs_req_flag(r, "async") && !cs_req_flag(r, "dryRun")) {
		sync_async(r, id); /* the job gives the slot back */
		return;
	}
	store = cs_req_store(r);
	nmkr = store != NULL ? cs_req_nmkr(r) : NULL;
	if (nmkr == NULL) {
		cs_server_sync_end(r->srv);
		return;
	}
	memset(&env, 0, sizeof(env));
	env.store = store;
	env.nmkr = nmkr;
	env.owner = r->srv->owner;
	cs_sync_opts_init(&o);
	o.force = cs_req_flag(r, "force");
	o.dry_run = cs_req_flag(r, "dryRun");
	o.full = cs_req_flag(r, "full"); /* walk all (docs/internals/sync.md) */
	if (!o.dry_run)
		env.verifier = cs_server_verifier(r->srv);
	if (cs_sync_campaign(&env, id, &o, &res, &err) < 0) {
		if (err.code == CS_ECONFLICT)
			reply_running(r, &res);
		else
			cs_reply_err(r, &err);
	} else {
		reply_report(r, &res);
	}
	cs_sync_result_dispose(&res);
	cs_verifier_free(env.verifier);
	cs_nmkr_free(nmkr);
	cs_server_sync_end(r->srv);
}

void
cs_route_sync_progress(struct cs_req *r)
{
	struct cs_error err = CS_ERROR_INIT;
	struct cs_store *store;
	struct cs_sync_run run;
	int64_t id;

	if (!cs_req_id(r, 0, &id))
		return;
	store = cs_req_store(r);
	if (store == NULL)
		return;
	if (cs_store_sync_run_latest(store, id, &run, &err) < 0) {
		cs_reply_err(r, &err);
		return;
	}
	cs_reply_json(r, 200, cs_json_sync_run(&run));
	cs_sync_run_dispose(&run);
}

/* ---- Server-Sent Events ---------------------------------------------- */

struct stream {
	struct cs_server *srv;
	struct MHD_Connection *conn;
	int64_t campaign_id;
	int64_t run_id;    /* the run followed; 0 until one is seen */
	char *last;        /* the last progress sent, whole */
	struct cs_buf out; /* bytes not yet written */
	size_t off;
	bool ended; /* nothing more after out */
	int64_t started_ms;
	int64_t quiet_since_ms;
	uint64_t watch; /* the sync job this process runs, or 0: the db */
	uint64_t seen;  /* the job's change seen last */
};

static void
event(struct stream *st, const char *name, const char *data)
{
	int error;

	error = cs_buf_printf(&st->out, "event: %s\ndata: %s\n\n", name, data);
	if (error < 0)
		st->ended = true;
}

static bool
stopping(struct cs_server *s)
{
	bool v;

	pthread_mutex_lock(&s->lock);
	v = s->stopping;
	pthread_mutex_unlock(&s->lock);
	return v;
}

/* Queue the run's progress if it is new. */
static void
send_progress(struct stream *st, const struct cs_sync_run *run)
{
	cJSON *j = cs_json_sync_run(run);
	char *text = cs_json_print(j, false);

	cJSON_Delete(j);
	if (st->last == NULL || strcmp(text, st->last) != 0) {
		event(st, "progress", text);
		free(st->last);
		st->last = cs_xstrdup(text);
	}
	cJSON_free(text);
}

/* A finished run: its report (JSON text, or NULL), then the end. */
static void
send_end(struct stream *st, const struct cs_sync_run *run, const char *report)
{
	if (report != NULL)
		event(st, "report", report);
	else
		event(st, "done",
		    run->outcome != NULL
		        ? "{\"message\":\"the sync ended without a report\"}"
		        : "{}");
	st->ended = true;
}

/* The job of this process: what changed, from memory. */
static void
look_job(struct stream *st)
{
	struct cs_sync_job_view v;

	if (!cs_sync_jobs_look(st->srv->jobs, st->watch, st->seen, &v))
		return;
	st->seen = v.seq;
	send_progress(st, &v.run);
	if (v.run.finished_at != 0)
		send_end(st, &v.run, v.report);
	cs_sync_job_view_dispose(&v);
}

static void
wake_stream(void *payload)
{
	struct stream *st = payload;

	cs_server_wake(st->srv, st->conn);
}

/* A run of another process (or of none): one look at sync_runs. */
static void
poll_run(struct stream *st)
{
	struct cs_error err = CS_ERROR_INIT;
	struct cs_store *store = NULL;
	struct cs_sync_run run;
	struct cs_sync_log log;

	memset(&run, 0, sizeof(run));
	/* On the event loop: never wait for a connection, look again at the
	 * next poll. */
	if (cs_pool_get_wait(st->srv->pool, &store, 0, &err) < 0) {
		if (err.code == CS_EAGAIN)
			return;
		event(st, "error", "{\"code\":\"unavailable\"}");
		st->ended = true;
		return;
	}
	if (cs_store_sync_run_latest(store, st->campaign_id, &run, &err) < 0) {
		event(
		    st, "idle", "{\"message\":\"this campaign has no sync\"}");
		st->ended = true;
		goto out;
	}
	send_progress(st, &run);
	if (run.finished_at == 0)
		goto out;
	/* Finished: the report, then the end of the stream. */
	memset(&log, 0, sizeof(log));
	if (run.sync_log_id != 0 &&
	    cs_store_sync_log_get(store, run.sync_log_id, &log, &err) < 0)
		memset(&log, 0, sizeof(log)); /* then "done", no report */
	send_end(st, &run, log.synced_data);
	cs_sync_log_dispose(&log);
out:
	cs_sync_run_dispose(&run);
	cs_pool_put(st->srv->pool, store);
}

static ssize_t
stream_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct stream *st = cls;
	size_t n;
	int64_t now;

	(void)pos;
	/* On the event loop: when nothing is new, the connection sleeps
	 * (suspended, no thread held) until the job it watches changes (at
	 * most CS_SSE_WATCH_MS), or CS_SSE_POLL_MS when it reads the
	 * database. */
	while (st->off == st->out.len) {
		cs_buf_reset(&st->out);
		st->off = 0;
		if (st->ended)
			return MHD_CONTENT_READER_END_OF_STREAM;
		now = cs_mono_ms();
		if (stopping(st->srv) || now - st->started_ms > CS_SSE_MAX_MS) {
			event(st, "bye", "{}");
			st->ended = true;
			continue;
		}
		if (st->watch != 0)
			look_job(st);
		else
			poll_run(st);
		if (st->out.len == 0) {
			if (now - st->quiet_since_ms > CS_SSE_KEEPALIVE_MS) {
				if (cs_buf_puts(&st->out, ": keepalive\n\n") <
				    0)
					st->ended = true;
				st->quiet_since_ms = now;
			} else if (cs_server_sleep(st->srv, st->conn,
			               st->watch != 0 ? CS_SSE_WATCH_MS
			                              : CS_SSE_POLL_MS)) {
				return 0;
			} else { /* stopping */
				event(st, "bye", "{}");
				st->ended = true;
			}
		} else {
			st->quiet_since_ms = now;
		}
	}
	n = st->out.len - st->off;
	if (n > max)
		n = max;
	memcpy(buf, st->out.ptr + st->off, n);
	st->off += n;
	return (ssize_t)n;
}

static void
stream_free(void *cls)
{
	struct stream *st = cls;

	if (st->watch != 0)
		cs_sync_jobs_unwatch(st->srv->jobs, st->watch);
	cs_buf_dispose(&st->out);
	free(st->last);
	free(st);
}

void
cs_route_sync_events(struct cs_req *r)
{
	struct MHD_Response *resp;
	struct stream *st;
	int64_t id;

	if (!cs_req_id(r, 0, &id) || !campaign_known(r, id))
		return;
	st = cs_xcalloc(1, sizeof(*st));
	st->srv = r->srv;
	st->conn = r->conn;
	st->campaign_id = id;
	st->started_ms = st->quiet_since_ms = cs_mono_ms();
	cs_buf_init(&st->out, CS_MAX_SYNC_REPORT);
	resp = MHD_create_response_from_callback(
	    MHD_SIZE_UNKNOWN, 16 * 1024, stream_read, st, stream_free);
	if (resp == NULL) {
		stream_free(st);
		cs_reply_error(r, 500, "internal", "cannot stream");
		return;
	}
	MHD_add_response_header(resp, "Content-Type", "text/event-stream");
	MHD_add_response_header(resp, "Cache-Control", "no-store");
	MHD_add_response_header(resp, "X-Accel-Buffering", "no");
	if (r->resp != NULL)
		MHD_destroy_response(r->resp);
	r->resp = resp;
	r->status = 200;
	/* A sync this process runs is watched in memory; any other is read
	 * from sync_runs. */
	st->watch = cs_sync_jobs_watch(r->srv->jobs, id, wake_stream, st);
}

/* ---- Logs and the review queue ---------------------------------------- */

static int
log_cb(const struct cs_sync_log *l, void *payload)
{
	cJSON_AddItemToArray(payload, cs_json_sync_log(l));
	return 0;
}

void
cs_route_sync_logs(struct cs_req *r)
{
	struct cs_sync_log_query q = CS_SYNC_LOG_QUERY_INIT;
	struct cs_error err = CS_ERROR_INIT;
	const char *v;
	struct cs_store *store;
	enum cs_sync_status st;
	enum cs_sync_type ty;
	cJSON *list;

	q.project_uid = cs_req_query(r, "project");
	v = cs_req_query(r, "campaign");
	if (v != NULL && cs_str_to_i64(v, 1, INT64_MAX, &q.campaign_id) < 0)
		goto bad;
	v = cs_req_query(r, "status");
	if (v != NULL) {
		if (cs_sync_status_parse(v, &st) < 0)
			goto bad;
		q.status = (int)st;
	}
	v = cs_req_query(r, "type");
	if (v != NULL) {
		if (cs_sync_type_parse(v, &ty) < 0)
			goto bad;
		q.type = (int)ty;
	}
	v = cs_req_query(r, "limit");
	if (v != NULL && cs_str_to_i64(v, 1, 1000, &q.limit) < 0)
		goto bad;
	q.with_data = cs_req_flag(r, "withData");
	store = cs_req_store(r);
	if (store == NULL)
		return;
	list = cJSON_CreateArray();
	if (cs_store_sync_log_list(store, &q, log_cb, list, &err) < 0) {
		cJSON_Delete(list);
		cs_reply_err(r, &err);
		return;
	}
	cs_reply_json(r, 200, list);
	return;
bad:
	cs_reply_error(r, 400, "invalid",
	    "filters: project=UID campaign=ID status=success|partial|failed "
	    "type=webhook|api_pull|manual_sync limit=1..1000");
}

void
cs_route_sync_log_get(struct cs_req *r)
{
	struct cs_error err = CS_ERROR_INIT;
	struct cs_store *store;
	struct cs_sync_log l;
	int64_t id;

	if (!cs_req_id(r, 0, &id))
		return;
	store = cs_req_store(r);
	if (store == NULL)
		return;
	if (cs_store_sync_log_get(store, id, &l, &err) < 0) {
		cs_reply_err(r, &err);
		return;
	}
	cs_reply_json(r, 200, cs_json_sync_log(&l));
	cs_sync_log_dispose(&l);
}

/* A stored report's discrepancies as CSV (service/export.h); the headers
 * say how many it lists and how many the sync found. */
void
cs_route_sync_log_discrepancies_csv(struct cs_req *r)
{
	struct cs_error err = CS_ERROR_INIT;
	struct cs_buf out = CS_BUF_INIT(CS_MAX_EXPORT);
	struct cs_export_counts n;
	struct cs_store *store;
	struct cs_sync_log l;
	char text[96];
	int64_t id;

	if (!cs_req_id(r, 0, &id))
		return;
	store = cs_req_store(r);
	if (store == NULL)
		return;
	if (cs_store_sync_log_get(store, id, &l, &err) < 0) {
		cs_reply_err(r, &err);
		return;
	}
	if (cs_export_discrepancies(l.synced_data,
	        l.synced_data != NULL ? strlen(l.synced_data) : 0, &out, &n,
	        &err) < 0) {
		cs_reply_err(r, &err);
		goto out;
	}
	cs_reply_bytes(r, 200, "text/csv; charset=utf-8", out.ptr, out.len);
	snprintf(text, sizeof(text),
	    "attachment; filename=\"sync-%lld-discrepancies.csv\"",
	    (long long)id);
	cs_reply_header(r, "Content-Disposition", text);
	snprintf(text, sizeof(text), "%zu", n.listed);
	cs_reply_header(r, "X-Discrepancies-Listed", text);
	snprintf(text, sizeof(text), "%zu", n.total);
	cs_reply_header(r, "X-Discrepancies-Total", text);
out:
	cs_buf_dispose(&out);
	cs_sync_log_dispose(&l);
}

struct review_page {
	cJSON *items;
	int64_t want; /* items of the page; one more tells there are more */
	int64_t n;
	int64_t last;
	bool more;
};

static int
review_page_cb(const struct cs_review_item *item, void *payload)
{
	struct review_page *p = payload;

	if (p->n == p->want) {
		p->more = true;
		return 0;
	}
	cJSON_AddItemToArray(p->items, cs_json_review(item));
	p->last = item->id;
	p->n++;
	return 0;
}

/* A page of a campaign's review queue in id order (keyset: after the
 * previous page's nextAfter), with the total of what matches, so that a
 * queue of 150,000 items is never one document. */
void
cs_route_review_list(struct cs_req *r)
{
	struct cs_review_query q = CS_REVIEW_QUERY_INIT;
	struct cs_error err = CS_ERROR_INIT;
	const char *open = cs_req_query(r, "open");
	const char *after = cs_req_query(r, "after");
	const char *limit = cs_req_query(r, "limit");
	struct cs_store *store;
	struct review_page p;
	int64_t total = 0;
	cJSON *body;

	if (!cs_req_id(r, 0, &q.campaign_id) ||
	    !campaign_known(r, q.campaign_id))
		return;
	memset(&p, 0, sizeof(p));
	p.want = CS_API_PAGE_DEFAULT;
	if ((after != NULL &&
	        cs_str_to_i64(after, 0, INT64_MAX, &q.after_id) < 0) ||
	    (limit != NULL &&
	        cs_str_to_i64(limit, 1, CS_API_PAGE_MAX, &p.want) < 0)) {
		cs_reply_error(r, 400, "invalid",
		    "after is a review item id and limit 1 to %d",
		    CS_API_PAGE_MAX);
		return;
	}
	store = cs_req_store(r);
	q.open_only = open == NULL || strcmp(open, "0") != 0;
	q.kind = cs_req_query(r, "kind");
	if (q.kind != NULL && *q.kind == '\0')
		q.kind = NULL;
	q.limit = p.want + 1;
	if (cs_store_review_count(store, &q, &total, &err) < 0) {
		cs_reply_err(r, &err);
		return;
	}
	p.items = cJSON_CreateArray();
	if (cs_store_review_page(store, &q, review_page_cb, &p, &err) < 0) {
		cJSON_Delete(p.items);
		cs_reply_err(r, &err);
		return;
	}
	body = cJSON_CreateObject();
	cJSON_AddItemToObject(body, "items", p.items);
	cs_json_add_int(body, "total", total);
	if (p.more)
		cs_json_add_int(body, "nextAfter", p.last);
	else
		cJSON_AddNullToObject(body, "nextAfter");
	cs_reply_json(r, 200, body);
}

/* Every open item (of a kind) of a campaign, resolved alike: all or none,
 * and only if as many match as the operator was told ("expected"). */
void
cs_route_review_resolve_all(struct cs_req *r)
{
	struct cs_error err = CS_ERROR_INIT;
	struct cs_store *store;
	enum cs_nft_status to;
	const cJSON *res, *st, *kind, *exp;
	int64_t id, expected = -1;
	size_t count = 0;
	cJSON *body, *out;
	int status = -1;

	if (!cs_req_id(r, 0, &id) || !campaign_known(r, id))
		return;
	body = cs_req_json(r);
	if (body == NULL)
		return;
	store = cs_req_store(r);
	res = cJSON_GetObjectItemCaseSensitive(body, "resolution");
	kind = cJSON_GetObjectItemCaseSensitive(body, "kind");
	st = cJSON_GetObjectItemCaseSensitive(body, "status");
	exp = cJSON_GetObjectItemCaseSensitive(body, "expected");
	if (!cJSON_IsString(res) || (kind != NULL && !cJSON_IsString(kind)) ||
	    (exp != NULL && !cs_json_int(exp, 0, CS_JSON_INT_MAX, &expected))) {
		cs_reply_error(r, 400, "invalid",
		    "resolution is keep_local, apply_remote or dismissed; kind "
		    "a string; expected a count");
		goto out;
	}
	if (cJSON_IsString(st)) {
		if (cs_nft_status_parse(st->valuestring, &to) < 0) {
			cs_reply_error(r, 400, "invalid",
			    "status must be available, reserved or sold");
			goto out;
		}
		status = (int)to;
	}
	if (cs_admin_review_resolve_all(store, cs_req_actor(r), id,
	        kind != NULL ? kind->valuestring : NULL, res->valuestring,
	        status, expected, r->now, &count, &err) < 0) {
		cs_reply_err(r, &err);
		goto out;
	}
	out = cJSON_CreateObject();
	cs_json_add_int(out, "resolved", (int64_t)count);
	cs_reply_json(r, 200, out);
out:
	cJSON_Delete(body);
}

void
cs_route_review_resolve(struct cs_req *r)
{
	struct cs_error err = CS_ERROR_INIT;
	struct cs_review_item item;
	struct cs_store *store;
	enum cs_nft_status to;
	const cJSON *res, *st;
	cJSON *body;
	int64_t id;
	int status = -1;

	memset(&item, 0, sizeof(item));
	if (!cs_req_id(r, 0, &id))
		return;
	body = cs_req_json(r);
	if (body == NULL)
		return;
	store = cs_req_store(r);
	if (store == NULL)
		goto out;
	res = cJSON_GetObjectItemCaseSensitive(body, "resolution");
	if (!cJSON_IsString(res)) {
		cs_reply_error(r, 400, "invalid",
		    "resolution is keep_local, apply_remote or dismissed");
		goto out;
	}
	st = cJSON_GetObjectItemCaseSensitive(body, "status");
	if (cJSON_IsString(st)) {
		if (cs_nft_status_parse(st->valuestring, &to) < 0) {
			cs_reply_error(r, 400, "invalid",
			    "status must be available, reserved or sold");
			goto out;
		}
		status = (int)to;
	}
	if (cs_admin_review_resolve(store, cs_req_actor(r), id,
	        res->valuestring, status, r->now, &err) < 0) {
		cs_reply_err(r, &err);
		goto out;
	}
	if (cs_store_review_get(store, id, &item, &err) < 0)
		cs_reply_err(r, &err);
	else
		cs_reply_json(r, 200, cs_json_review(&item));
out:
	cs_review_item_dispose(&item);
	cJSON_Delete(body);
}
