/* SPDX-License-Identifier: MIT */
/*
 * The libcurl multi loop: a FIFO of waiting requests, up to max_inflight
 * easy handles on the multi, and a retry policy from core/retry.c. See
 * http.h.
 */
#include "clients/http.h"

#include <curl/curl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/limits.h"
#include "util/log.h"
#include "util/time.h"
#include "util/xalloc.h"
#include "util/banned.h"

struct cs_http {
	struct cs_http_opts opts;
	char *base_url;
	CURLM *multi;
	struct curl_slist *headers;
	struct curl_slist *post_headers;
	struct cs_http_req *wait_head, *wait_tail; /* FIFO */
	struct cs_http_req **active; /* in flight, max_inflight slots */
	int inflight;
	int max_seen;
	int64_t pause_until_us; /* Retry-After on 429/503 pauses everything */
	int64_t last_date_ms;   /* the Date header of the last answer, or 0 */
	uint32_t rnd;
	struct cs_http_req *done_head; /* finished, callbacks to run */
	struct cs_http_usage usage;
	int run; /* failed attempts in a row */
	/* cs_http_cancel_waiting() until this run ends: nothing new starts. */
	bool draining;
	int drain_code;
	const char *drain_why;
	/* Why the circuit opened: the failure that opened it. */
	int open_code;
	int open_status;
	char open_why[200];
};

static void push_done(struct cs_http *h, struct cs_http_req *r);

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static CURLcode curl_init_rc;

static void
curl_init(void)
{
	curl_init_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

void
cs_http_limiter_init(struct cs_http_limiter *l, double rate, double burst)
{
	pthread_mutex_init(&l->lock, NULL);
	cs_bucket_init(&l->bucket, rate, burst, cs_mono_us());
}

void
cs_http_opts_init(struct cs_http_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->name = "http";
	o->max_inflight = CS_NMKR_DEFAULT_INFLIGHT;
	o->connect_timeout_ms = CS_HTTP_CONNECT_TIMEOUT_MS;
	o->total_timeout_ms = CS_HTTP_TOTAL_TIMEOUT_MS;
	o->max_body = CS_MAX_API_RESPONSE;
	o->backoff.base_ms = CS_HTTP_BACKOFF_BASE_MS;
	o->backoff.max_ms = CS_HTTP_BACKOFF_MAX_MS;
	o->backoff.max_retries = CS_HTTP_MAX_RETRIES;
	o->backoff.retry_after_max_ms = CS_HTTP_RETRY_AFTER_MAX_MS;
}

int
cs_http_new(
    struct cs_http **out, const struct cs_http_opts *opts, struct cs_error *err)
{
	struct cs_http *h;
	const char *const *hd;
	size_t len;

	*out = NULL;
	pthread_once(&curl_once, curl_init);
	if (curl_init_rc != CURLE_OK)
		return cs_error_set(err, CS_ERROR, "libcurl: %s",
		    curl_easy_strerror(curl_init_rc));
	h = cs_xcalloc(1, sizeof(*h));
	h->opts = *opts;
	if (h->opts.max_inflight < 1)
		h->opts.max_inflight = 1;
	h->active =
	    cs_xcalloc((size_t)h->opts.max_inflight, sizeof(*h->active));
	h->base_url = cs_xstrdup(opts->base_url != NULL ? opts->base_url : "");
	len = strlen(h->base_url);
	while (len > 0 && h->base_url[len - 1] == '/')
		h->base_url[--len] = '\0';
	h->multi = curl_multi_init();
	if (h->multi == NULL) {
		cs_http_free(h);
		return cs_error_set(err, CS_ERROR, "libcurl: no multi handle");
	}
	curl_multi_setopt(h->multi, CURLMOPT_MAX_TOTAL_CONNECTIONS,
	    (long)h->opts.max_inflight);
	for (hd = opts->headers; hd != NULL && *hd != NULL; hd++) {
		h->headers = curl_slist_append(h->headers, *hd);
		h->post_headers = curl_slist_append(h->post_headers, *hd);
	}
	/* No "Expect: 100-continue" round trip for small JSON bodies. */
	h->headers = curl_slist_append(h->headers, "Accept: application/json");
	h->post_headers =
	    curl_slist_append(h->post_headers, "Accept: application/json");
	h->post_headers = curl_slist_append(
	    h->post_headers, "Content-Type: application/json");
	h->post_headers = curl_slist_append(h->post_headers, "Expect:");
	h->rnd = (uint32_t)cs_mono_us() ^ (uint32_t)(uintptr_t)h;
	*out = h;
	return 0;
}

static void
detach(struct cs_http *h, struct cs_http_req *r)
{
	int i;

	if (r->_easy == NULL)
		return;
	curl_multi_remove_handle(h->multi, r->_easy);
	curl_easy_cleanup(r->_easy);
	r->_easy = NULL;
	for (i = 0; i < h->opts.max_inflight; i++) {
		if (h->active[i] == r)
			h->active[i] = NULL;
	}
	h->inflight--;
}

void
cs_http_free(struct cs_http *h)
{
	if (h == NULL)
		return;
	cs_http_cancel_all(h, CS_ERROR, "client closed");
	if (h->multi != NULL)
		curl_multi_cleanup(h->multi);
	curl_slist_free_all(h->headers);
	curl_slist_free_all(h->post_headers);
	free(h->active);
	free(h->base_url);
	free(h);
}

int64_t
cs_http_last_date(const struct cs_http *h)
{
	return h->last_date_ms;
}

int
cs_http_max_inflight_seen(const struct cs_http *h)
{
	return h->max_seen;
}

void
cs_http_usage(const struct cs_http *h, struct cs_http_usage *out)
{
	*out = h->usage;
}

void
cs_http_usage_reset(struct cs_http *h)
{
	memset(&h->usage, 0, sizeof(h->usage));
	h->run = 0;
}

/* Fail every waiting request unsent: the circuit is open. */
static void
refuse_waiting(struct cs_http *h)
{
	struct cs_http_req *r;

	while ((r = h->wait_head) != NULL) {
		h->wait_head = r->_next;
		r->error =
		    cs_error_set_http(&r->err, h->open_code, h->open_status,
		        "%s: not sent: %d failed attempts in a row opened the "
		        "circuit (the last: %s)",
		        h->opts.name, h->opts.breaker_failures, h->open_why);
		h->usage.refused++;
		push_done(h, r);
	}
	h->wait_tail = NULL;
}

static uint32_t
next_rand(struct cs_http *h)
{
	uint32_t x = h->rnd;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	h->rnd = x;
	return x;
}

static void
push_wait(struct cs_http *h, struct cs_http_req *r)
{
	r->_next = NULL;
	if (h->wait_tail != NULL)
		h->wait_tail->_next = r;
	else
		h->wait_head = r;
	h->wait_tail = r;
}

static void
push_done(struct cs_http *h, struct cs_http_req *r)
{
	r->_next = h->done_head;
	h->done_head = r;
}

void
cs_http_submit(struct cs_http *h, struct cs_http_req *r)
{
	r->error = 0;
	cs_error_clear(&r->err);
	r->status = 0;
	r->attempts = 0;
	r->_date_ms = 0;
	if (r->body_out.max == 0)
		cs_buf_init(&r->body_out, h->opts.max_body);
	cs_buf_reset(&r->body_out);
	r->_not_before_us = 0;
	r->_retry_after_ms = -1;
	r->_too_big = false;
	r->_easy = NULL;
	push_wait(h, r);
}

void
cs_http_req_dispose(struct cs_http_req *r)
{
	cs_buf_dispose(&r->body_out);
}

static size_t
on_body(char *data, size_t size, size_t n, void *payload)
{
	struct cs_http_req *r = payload;

	if (cs_buf_put(&r->body_out, data, size * n) < 0) {
		r->_too_big = true;
		return 0; /* aborts the transfer */
	}
	return size * n;
}

static size_t
on_header(char *data, size_t size, size_t n, void *payload)
{
	struct cs_http_req *r = payload;
	size_t len = size * n;
	char value[128];

	if (len > 12 && strncasecmp(data, "Retry-After:", 12) == 0) {
		size_t vlen = len - 12;

		if (vlen >= sizeof(value))
			vlen = sizeof(value) - 1;
		memcpy(value, data + 12, vlen);
		value[vlen] = '\0';
		value[strcspn(value, "\r\n")] = '\0';
		r->_retry_after_ms = cs_retry_after_parse(value, cs_now_ms());
	} else if (len > 5 && strncasecmp(data, "Date:", 5) == 0) {
		size_t vlen = len - 5;

		if (vlen >= sizeof(value))
			vlen = sizeof(value) - 1;
		memcpy(value, data + 5, vlen);
		value[vlen] = '\0';
		value[strcspn(value, "\r\n")] = '\0';
		if (cs_time_parse_http_date(
		        value + strspn(value, " \t"), &r->_date_ms) < 0)
			r->_date_ms = 0;
	}
	return len;
}

static int
start(struct cs_http *h, struct cs_http_req *r)
{
	char url[CS_MAX_URL + 1024];
	CURL *e;

	snprintf(url, sizeof(url), "%s%s", h->base_url, r->path);
	e = curl_easy_init();
	if (e == NULL)
		return CS_ERROR;
	curl_easy_setopt(e, CURLOPT_URL, url);
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_USERAGENT, "campaign-sync/0.1");
	curl_easy_setopt(
	    e, CURLOPT_CONNECTTIMEOUT_MS, h->opts.connect_timeout_ms);
	curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, h->opts.total_timeout_ms);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, r);
	curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(e, CURLOPT_HEADERDATA, r);
	curl_easy_setopt(e, CURLOPT_PRIVATE, r);
	curl_easy_setopt(
	    e, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)h->opts.max_body);
	if (r->method != NULL && strcmp(r->method, "GET") != 0) {
		curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, r->method);
		curl_easy_setopt(
		    e, CURLOPT_POSTFIELDS, r->body != NULL ? r->body : "");
		curl_easy_setopt(
		    e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)r->body_len);
		curl_easy_setopt(e, CURLOPT_HTTPHEADER, h->post_headers);
	} else {
		curl_easy_setopt(e, CURLOPT_HTTPHEADER, h->headers);
	}
	cs_buf_reset(&r->body_out);
	r->_too_big = false;
	r->_retry_after_ms = -1;
	r->_started_us = cs_mono_us();
	r->attempts++;
	h->usage.sent++;
	if (curl_multi_add_handle(h->multi, e) != CURLM_OK) {
		curl_easy_cleanup(e);
		return CS_ERROR;
	}
	r->_easy = e;
	for (int i = 0; i < h->opts.max_inflight; i++) {
		if (h->active[i] == NULL) {
			h->active[i] = r;
			break;
		}
	}
	h->inflight++;
	if (h->inflight > h->max_seen)
		h->max_seen = h->inflight;
	return 0;
}

/* Whether the limiter lets one more request start; else the wait in us. */
static int64_t
limiter_wait(struct cs_http *h, int64_t now)
{
	struct cs_http_limiter *l = h->opts.limiter;
	int64_t wait;

	if (l == NULL)
		return 0;
	pthread_mutex_lock(&l->lock);
	wait = cs_bucket_take(&l->bucket, now);
	pthread_mutex_unlock(&l->lock);
	return wait;
}

/* Start what may start; return the microseconds until the next waiting
 * request could (or -1 if none waits). */
static int64_t
start_ready(struct cs_http *h)
{
	struct cs_http_req **pp, *r;
	int64_t now = cs_mono_us(), next = -1, wait;

	if (h->usage.circuit_open) {
		refuse_waiting(h);
		return -1;
	}
	if (h->draining) {
		/* Retries of what was in flight are not sent either. */
		cs_http_cancel_waiting(h, h->drain_code, h->drain_why);
		return -1;
	}
	if (h->pause_until_us > now)
		return h->wait_head != NULL ? h->pause_until_us - now : -1;
	pp = &h->wait_head;
	while ((r = *pp) != NULL && h->inflight < h->opts.max_inflight) {
		if (r->_not_before_us > now) {
			if (next < 0 || r->_not_before_us - now < next)
				next = r->_not_before_us - now;
			pp = &r->_next;
			continue;
		}
		wait = limiter_wait(h, now);
		if (wait > 0)
			return next < 0 || wait < next ? wait : next;
		*pp = r->_next;
		if (h->wait_tail == r) {
			struct cs_http_req *t = h->wait_head;

			while (t != NULL && t->_next != NULL)
				t = t->_next;
			h->wait_tail = t;
		}
		if (start(h, r) < 0) {
			r->error = cs_error_set(&r->err, CS_ERROR,
			    "%s: cannot start a request", h->opts.name);
			push_done(h, r);
		}
	}
	if (r != NULL && h->inflight >= h->opts.max_inflight)
		return -1; /* a finishing transfer wakes us */
	return next;
}

static enum cs_attempt
classify(CURLcode rc, struct cs_http_req *r, long status)
{
	if (rc == CURLE_OK)
		return status >= 200 && status <= 299 ? CS_ATTEMPT_OK
		                                      : CS_ATTEMPT_HTTP;
	if (r->_too_big || rc == CURLE_FILESIZE_EXCEEDED)
		return CS_ATTEMPT_FATAL;
	switch (rc) {
	case CURLE_OPERATION_TIMEDOUT:
		return CS_ATTEMPT_TIMEOUT;
	case CURLE_COULDNT_CONNECT:
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
	case CURLE_GOT_NOTHING:
	case CURLE_PARTIAL_FILE:
	case CURLE_HTTP2:
	case CURLE_HTTP2_STREAM:
		return CS_ATTEMPT_DROPPED;
	default:
		return CS_ATTEMPT_FATAL;
	}
}

/* The final error of a request whose last attempt was kind. */
static void
fail(
    struct cs_http *h, struct cs_http_req *r, enum cs_attempt kind, CURLcode rc)
{
	const char *name = h->opts.name;

	if (r->_too_big || rc == CURLE_FILESIZE_EXCEEDED) {
		r->error = cs_error_set(&r->err, CS_ETOOBIG,
		    "%s: response to %s is larger than %zu bytes", name,
		    r->path, h->opts.max_body);
	} else if (kind == CS_ATTEMPT_HTTP) {
		int code =
		    r->status == 429 || r->status == 402 || r->status == 418
		        ? CS_ERATELIMIT
		        : CS_EHTTP;

		r->error = cs_error_set_http(&r->err, code, r->status,
		    "%s: HTTP %d from %s after %d attempt%s", name, r->status,
		    r->path, r->attempts, r->attempts == 1 ? "" : "s");
	} else if (kind == CS_ATTEMPT_TIMEOUT) {
		r->error = cs_error_set(&r->err, CS_ETIMEOUT,
		    "%s: %s timed out after %d attempt%s", name, r->path,
		    r->attempts, r->attempts == 1 ? "" : "s");
	} else if (rc == CURLE_PARTIAL_FILE) {
		r->error = cs_error_set(&r->err, CS_EPARSE,
		    "%s: truncated response to %s (the connection closed "
		    "early, %d attempt%s)",
		    name, r->path, r->attempts, r->attempts == 1 ? "" : "s");
	} else {
		r->error = cs_error_set(&r->err,
		    kind == CS_ATTEMPT_DROPPED ? CS_EHTTP : CS_ERROR,
		    "%s: %s: %s (%d attempt%s)", name, r->path,
		    curl_easy_strerror(rc), r->attempts,
		    r->attempts == 1 ? "" : "s");
	}
}

static void
finished(struct cs_http *h, CURL *e, CURLcode rc)
{
	struct cs_http_req *r = NULL;
	enum cs_attempt kind;
	int64_t elapsed, delay;
	long status = 0;

	curl_easy_getinfo(e, CURLINFO_PRIVATE, (char **)&r);
	curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
	detach(h, r);
	elapsed = cs_mono_us() - r->_started_us;
	r->status = (int)status;
	if (r->_date_ms != 0)
		h->last_date_ms = r->_date_ms;
	kind = classify(rc, r, status);
	if (h->opts.on_attempt != NULL)
		h->opts.on_attempt(h->opts.name, (int)status, elapsed,
		    h->opts.on_attempt_payload);
	cs_log_debug(h->opts.name, "%s %s -> %ld (%s, %lld us, attempt %d)",
	    r->method != NULL ? r->method : "GET", r->path, status,
	    rc == CURLE_OK ? "ok" : curl_easy_strerror(rc), (long long)elapsed,
	    r->attempts);
	if (kind == CS_ATTEMPT_OK) {
		h->run = 0;
		push_done(h, r);
		return;
	}
	h->usage.failed++;
	if (!cs_retry_wanted(kind, (int)status)) {
		h->run = 0; /* an answer: the upstream is there */
	} else if (h->opts.breaker_failures > 0 &&
	           ++h->run >= h->opts.breaker_failures &&
	           !h->usage.circuit_open) {
		/* Open the circuit: this request fails as it is, and nothing
		 * waiting is sent; what is in flight finishes. */
		fail(h, r, kind, rc);
		h->usage.circuit_open = true;
		h->open_code = r->error;
		h->open_status = r->err.http_status;
		if (kind == CS_ATTEMPT_HTTP)
			snprintf(h->open_why, sizeof(h->open_why),
			    "HTTP %ld from %.160s", status, r->path);
		else
			snprintf(h->open_why, sizeof(h->open_why), "%.190s",
			    r->err.msg);
		cs_log_warn(h->opts.name,
		    "%d failed attempts in a row (the last: %s): no more "
		    "requests are sent",
		    h->run, h->open_why);
		cs_error_appendf(&r->err,
		    "; %d failed attempts in a row opened the circuit: "
		    "nothing more is sent",
		    h->run);
		/* Its callback runs first (the done list is a stack): the
		 * caller sees the failure itself before the refusals. */
		refuse_waiting(h);
		push_done(h, r);
		return;
	}
	if (cs_retry_wanted(kind, (int)status) && !h->usage.circuit_open &&
	    r->attempts <= h->opts.backoff.max_retries) {
		int64_t ra =
		    (status == 429 || status == 503) ? r->_retry_after_ms : -1;

		delay = cs_retry_delay(
		    &h->opts.backoff, r->attempts, ra, next_rand(h));
		if (ra >= 0) {
			/* The server asked everyone to wait. */
			int64_t until = cs_mono_us() + delay * 1000;

			if (until > h->pause_until_us)
				h->pause_until_us = until;
			cs_log_info(h->opts.name,
			    "HTTP %ld: waiting %lld ms as "
			    "Retry-After asks",
			    status, (long long)delay);
		}
		r->_not_before_us = cs_mono_us() + delay * 1000;
		push_wait(h, r);
		return;
	}
	fail(h, r, kind, rc);
	if (h->usage.circuit_open && cs_retry_wanted(kind, (int)status))
		cs_error_appendf(&r->err, "; not retried: the circuit is open");
	push_done(h, r);
}

static void
run_callbacks(struct cs_http *h)
{
	struct cs_http_req *r;

	while ((r = h->done_head) != NULL) {
		h->done_head = r->_next;
		r->_next = NULL;
		if (r->cb != NULL)
			r->cb(h, r);
	}
}

int
cs_http_run(struct cs_http *h, struct cs_error *err)
{
	CURLMsg *msg;
	CURLMcode mc;
	int running, left, timeout_ms;
	int64_t next_us;
	long curl_timeout;
	bool ended;

	h->draining = false;
	for (;;) {
		run_callbacks(h);
		next_us = start_ready(h);
		run_callbacks(h);
		if (h->inflight == 0 && h->wait_head == NULL &&
		    h->done_head == NULL) {
			h->draining = false;
			return 0;
		}
		mc = curl_multi_perform(h->multi, &running);
		if (mc != CURLM_OK)
			return cs_error_set(err, CS_ERROR, "libcurl: %s",
			    curl_multi_strerror(mc));
		ended = false;
		while ((msg = curl_multi_info_read(h->multi, &left)) != NULL) {
			if (msg->msg == CURLMSG_DONE) {
				finished(h, msg->easy_handle, msg->data.result);
				ended = true;
			}
		}
		/* A transfer that ended may have queued a retry: next_us is
		 * stale, so plan again before sleeping on it. */
		if (h->done_head != NULL || ended)
			continue;
		timeout_ms = 1000;
		if (curl_multi_timeout(h->multi, &curl_timeout) == CURLM_OK &&
		    curl_timeout >= 0 && curl_timeout < timeout_ms)
			timeout_ms = (int)curl_timeout;
		if (next_us >= 0 && next_us / 1000 < timeout_ms)
			timeout_ms = (int)(next_us / 1000) + 1;
		if (h->inflight == 0) {
			/* Nothing to poll: only waiting out a delay. */
			cs_sleep_ms(timeout_ms);
			continue;
		}
		mc = curl_multi_poll(h->multi, NULL, 0, timeout_ms, NULL);
		if (mc != CURLM_OK)
			return cs_error_set(err, CS_ERROR, "libcurl: %s",
			    curl_multi_strerror(mc));
	}
}

void
cs_http_cancel_waiting(struct cs_http *h, int code, const char *why)
{
	struct cs_http_req *r;

	h->draining = true;
	h->drain_code = code;
	h->drain_why = why;
	while ((r = h->wait_head) != NULL) {
		h->wait_head = r->_next;
		r->error =
		    cs_error_set(&r->err, code, "%s: %s", h->opts.name, why);
		push_done(h, r);
	}
	h->wait_tail = NULL;
}

void
cs_http_cancel_all(struct cs_http *h, int code, const char *why)
{
	struct cs_http_req *r;
	int i;

	while ((r = h->wait_head) != NULL) {
		h->wait_head = r->_next;
		r->error =
		    cs_error_set(&r->err, code, "%s: %s", h->opts.name, why);
		push_done(h, r);
	}
	h->wait_tail = NULL;
	for (i = 0; i < h->opts.max_inflight; i++) {
		r = h->active[i];
		if (r == NULL)
			continue;
		detach(h, r);
		r->error =
		    cs_error_set(&r->err, code, "%s: %s", h->opts.name, why);
		push_done(h, r);
	}
}

static void
noop_cb(struct cs_http *h, struct cs_http_req *r)
{
	(void)h;
	(void)r;
}

int
cs_http_do(struct cs_http *h, struct cs_http_req *r)
{
	struct cs_error err = CS_ERROR_INIT;

	if (r->cb == NULL)
		r->cb = noop_cb;
	cs_http_submit(h, r);
	if (cs_http_run(h, &err) < 0) {
		r->err = err;
		r->error = err.code;
	}
	return r->error;
}
