/* SPDX-License-Identifier: MIT */
/*
 * The fakes' MHD glue: request collection with a body cap, dispatch to the
 * control or upstream handler, fault injection, counters and the request
 * ring. See fakehttp.h for the request pipeline.
 */
#include "fakehttp.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <cjson/cJSON.h>
#include <microhttpd.h>

#include "util/buf.h"
#include "util/log.h"
#include "util/str.h"
#include "util/time.h"
#include "util/vec.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define MAX_STATUS 600
#define MAX_ENDPOINTS 32
#define ENDPOINT_LEN 48
#define SLEEP_SLICE_MS 20

/* One injected fault; see POST /__fake/faults in docs/internals/fakes.md. */
struct fault {
	char endpoint[ENDPOINT_LEN]; /* a name from opts.endpoints or "*" */
	int status;                  /* 0 = keep the handler's answer */
	int times;                   /* left; -1 = until cleared */
	int delay_ms;
	int retry_after; /* < 0 = none */
	bool truncate;
	bool malformed;
	bool oversize;
	bool drop;
};

/* One recorded upstream request. */
struct rec {
	char method[16];
	char endpoint[ENDPOINT_LEN];
	char *path;
	char *query;
	char *authorization; /* NULL when the header was absent */
	char *project_id;
	size_t body_bytes;
	int status; /* 0 when the connection was dropped */
};

struct cs_fakehttp {
	struct cs_fakehttp_opts opts;
	struct MHD_Daemon *daemon;
	char host[64];
	int port;
	atomic_bool stopping;

	pthread_mutex_t lock; /* everything below */
	struct cs_vec faults; /* struct fault */
	size_t nendpoints;
	uint64_t ep_counts[MAX_ENDPOINTS + 1]; /* the last one is "other" */
	uint64_t status_counts[MAX_STATUS];
	uint64_t total;
	int64_t in_flight;
	int64_t max_in_flight;
	struct rec ring[CS_FAKE_RING_SIZE];
	size_t ring_next; /* slot the next record goes to */
	size_t ring_len;
};

/* Per-request state, created by the URI log callback. */
struct req_ctx {
	char *uri;          /* raw request target, query included */
	struct cs_buf body; /* capped at CS_FAKE_MAX_BODY */
	bool started;
	bool upstream; /* counted in in_flight */
	bool too_big;
};

/* How a fault changes the body of an answer. */
enum mangle {
	MANGLE_NONE,
	MANGLE_TRUNCATE,
	MANGLE_MALFORMED,
	MANGLE_OVERSIZE,
};

/* ---- Small helpers ---------------------------------------------------- */

void
cs_fakehttp_block_signals(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
}

int
cs_fake_parse_listen(const char *s, char host[64], int *port)
{
	const char *colon;
	struct in_addr addr;
	int64_t p;
	size_t n;

	colon = s != NULL ? strrchr(s, ':') : NULL;
	if (colon == NULL)
		return CS_EINVAL;
	n = (size_t)(colon - s);
	if (n == 0 || n >= 64)
		return CS_EINVAL;
	memcpy(host, s, n);
	host[n] = '\0';
	if (inet_pton(AF_INET, host, &addr) != 1)
		return CS_EINVAL;
	if (cs_str_to_i64(colon + 1, 0, 65535, &p) < 0)
		return CS_EINVAL;
	*port = (int)p;
	return 0;
}

bool
cs_fake_flag(
    int argc, char **argv, int *i, const char *flag, const char **value)
{
	size_t n = strlen(flag);
	const char *a = argv[*i];

	if (strncmp(a, flag, n) != 0)
		return false;
	if (a[n] == '=') {
		*value = a + n + 1;
		return true;
	}
	if (a[n] != '\0')
		return false;
	if (*i + 1 >= argc) {
		fprintf(stderr, "%s needs a value\n", flag);
		exit(64);
	}
	*value = argv[++*i];
	return true;
}

int64_t
cs_fake_flag_int(const char *flag, const char *s, int64_t min, int64_t max)
{
	int64_t out = 0;

	if (s == NULL || cs_str_to_i64(s, min, max, &out) < 0) {
		fprintf(stderr, "%s wants an integer in [%lld, %lld], got %s\n",
		    flag, (long long)min, (long long)max,
		    s != NULL ? s : "nothing");
		exit(64);
	}
	return out;
}

int
cs_fake_split_path(char *path, char **segs, int max)
{
	char *p = path, *start;
	int n = 0;

	while (*p != '\0') {
		while (*p == '/')
			p++;
		if (*p == '\0')
			break;
		start = p;
		while (*p != '\0' && *p != '/')
			p++;
		if (n == max)
			return -1;
		segs[n++] = start;
		if (*p == '/')
			*p++ = '\0';
	}
	return n;
}

int
cs_fake_read_file(
    const char *path, size_t max, char **out, size_t *len, struct cs_error *err)
{
	struct cs_buf b = CS_BUF_INIT(max);
	char chunk[65536];
	FILE *f = NULL;
	size_t n;
	int error = CS_ERROR;

	*out = NULL;
	f = fopen(path, "rb");
	if (f == NULL) {
		cs_error_set(err, CS_ERROR, "cannot open %s", path);
		goto out;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		if (cs_buf_put(&b, chunk, n) < 0) {
			cs_error_set(err, CS_ETOOBIG, "%s is too large", path);
			goto out;
		}
	}
	if (ferror(f)) {
		cs_error_set(err, CS_ERROR, "cannot read %s", path);
		goto out;
	}
	*out = cs_buf_take(&b, len);
	error = 0;
out:
	if (f != NULL)
		fclose(f);
	cs_buf_dispose(&b);
	return error;
}

const char *
cs_fake_req_header(const struct cs_fake_req *r, const char *name)
{
	return MHD_lookup_connection_value(r->_conn, MHD_HEADER_KIND, name);
}

const char *
cs_fake_req_arg(const struct cs_fake_req *r, const char *name)
{
	return MHD_lookup_connection_value(
	    r->_conn, MHD_GET_ARGUMENT_KIND, name);
}

void
cs_fake_resp_dispose(struct cs_fake_resp *r)
{
	free(r->body);
	r->body = NULL;
	r->len = 0;
	r->status = 0;
	r->content_type = NULL;
	r->retry_after = -1;
}

void
cs_fake_resp_take(struct cs_fake_resp *r, int status, char *body, size_t len)
{
	free(r->body);
	r->status = status;
	r->body = body;
	r->len = body != NULL ? len : 0;
}

void
cs_fake_resp_copy(struct cs_fake_resp *r, int status, const char *body)
{
	if (body == NULL)
		cs_fake_resp_take(r, status, NULL, 0);
	else
		cs_fake_resp_take(r, status, cs_xstrdup(body), strlen(body));
}

void
cs_fake_resp_jw(struct cs_fake_resp *r, int status, struct cs_jw *w)
{
	size_t len = 0;
	char *text = cs_jw_take(w, &len);

	if (text == NULL)
		cs_fake_resp_copy(r, 500, "{\"error\":\"response too large\"}");
	else
		cs_fake_resp_take(r, status, text, len);
}

void
cs_fake_resp_errorf(struct cs_fake_resp *r, int status, const char *fmt, ...)
{
	struct cs_jw w;
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	cs_jw_init(&w, 4096);
	cs_jw_obj(&w);
	cs_jw_kstr(&w, "error", msg);
	cs_jw_obj_end(&w);
	cs_fake_resp_jw(r, status, &w);
	r->content_type = CS_FAKE_JSON;
}

void
cs_fakehttp_sleep(struct cs_fakehttp *h, int64_t ms)
{
	int64_t end = cs_mono_ms() + ms, left;

	while (!atomic_load(&h->stopping)) {
		left = end - cs_mono_ms();
		if (left <= 0)
			break;
		cs_sleep_ms(left < SLEEP_SLICE_MS ? left : SLEEP_SLICE_MS);
	}
}

const atomic_bool *
cs_fakehttp_stopping(const struct cs_fakehttp *h)
{
	return &h->stopping;
}

static bool
is_control(const char *path)
{
	return cs_str_startswith(path, CS_FAKE_CONTROL_PREFIX) ||
	       strcmp(path, "/__fake") == 0;
}

/* ---- The oversize body ------------------------------------------------ */

static pthread_once_t oversize_once = PTHREAD_ONCE_INIT;
static char *oversize_body;
static size_t oversize_len;

/* A valid JSON array of ~16 MiB: 1 KiB strings of 'x'. */
static void
build_oversize(void)
{
	const size_t elem = 1024; /* '"' + 1021 x + '"' + ',' */
	size_t n = CS_FAKE_OVERSIZE_BYTES / elem, i, o = 0;

	oversize_body = cs_xmalloc(n * elem + 2);
	oversize_body[o++] = '[';
	for (i = 0; i < n; i++) {
		oversize_body[o++] = '"';
		memset(oversize_body + o, 'x', elem - 3);
		o += elem - 3;
		oversize_body[o++] = '"';
		if (i + 1 < n)
			oversize_body[o++] = ',';
	}
	oversize_body[o++] = ']';
	oversize_len = o;
}

/* ---- Faults ----------------------------------------------------------- */

static bool
known_endpoint(const struct cs_fakehttp *h, const char *name)
{
	size_t i;

	if (strcmp(name, "*") == 0)
		return true;
	for (i = 0; i < h->nendpoints; i++) {
		if (strcmp(h->opts.endpoints[i], name) == 0)
			return true;
	}
	return false;
}

/* Copy out and consume the first fault for endpoint; false if none. */
static bool
take_fault(struct cs_fakehttp *h, const char *endpoint, struct fault *out)
{
	struct fault *f;
	bool found = false;
	size_t i;

	pthread_mutex_lock(&h->lock);
	for (i = 0; i < h->faults.len; i++) {
		f = CS_VEC_AT(&h->faults, struct fault, i);
		if (strcmp(f->endpoint, "*") != 0 &&
		    strcmp(f->endpoint, endpoint) != 0)
			continue;
		*out = *f;
		found = true;
		if (f->times > 0 && --f->times == 0) {
			memmove(f, f + 1, (h->faults.len - i - 1) * sizeof(*f));
			h->faults.len--;
		}
		break;
	}
	pthread_mutex_unlock(&h->lock);
	return found;
}

static int
json_int(const cJSON *o, const char *key, int min, int max, int dflt, int *out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	if (v == NULL || cJSON_IsNull(v)) {
		*out = dflt;
		return 0;
	}
	if (!cJSON_IsNumber(v) || v->valuedouble < min ||
	    v->valuedouble > max ||
	    v->valuedouble != (double)(int)v->valuedouble)
		return CS_EINVAL;
	*out = (int)v->valuedouble;
	return 0;
}

static int
json_flag(const cJSON *o, const char *key, bool *out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	if (v == NULL || cJSON_IsNull(v)) {
		*out = false;
		return 0;
	}
	if (!cJSON_IsBool(v))
		return CS_EINVAL;
	*out = cJSON_IsTrue(v);
	return 0;
}

static int
parse_fault(const struct cs_fakehttp *h, const cJSON *o, struct fault *f,
    char *why, size_t whysize)
{
	const cJSON *ep;

	memset(f, 0, sizeof(*f));
	if (!cJSON_IsObject(o)) {
		snprintf(why, whysize, "a fault is a JSON object");
		return CS_EINVAL;
	}
	ep = cJSON_GetObjectItemCaseSensitive(o, "endpoint");
	if (ep == NULL) {
		cs_str_copy(f->endpoint, "*", sizeof(f->endpoint));
	} else if (!cJSON_IsString(ep) || !known_endpoint(h, ep->valuestring)) {
		snprintf(why, whysize, "unknown endpoint");
		return CS_EINVAL;
	} else {
		cs_str_copy(f->endpoint, ep->valuestring, sizeof(f->endpoint));
	}
	if (json_int(o, "status", 100, 599, 0, &f->status) < 0 ||
	    json_int(o, "times", -1, 1000000, 1, &f->times) < 0 ||
	    json_int(o, "delayMs", 0, 600000, 0, &f->delay_ms) < 0 ||
	    json_int(o, "retryAfter", 0, 86400, -1, &f->retry_after) < 0 ||
	    json_flag(o, "truncate", &f->truncate) < 0 ||
	    json_flag(o, "malformed", &f->malformed) < 0 ||
	    json_flag(o, "oversize", &f->oversize) < 0 ||
	    json_flag(o, "drop", &f->drop) < 0) {
		snprintf(why, whysize, "bad fault field");
		return CS_EINVAL;
	}
	if (f->times == 0) {
		snprintf(why, whysize, "times must be positive or -1");
		return CS_EINVAL;
	}
	if (f->retry_after >= 0 && f->status == 0)
		f->status = 429;
	if (f->status == 0 && f->delay_ms == 0 && !f->truncate &&
	    !f->malformed && !f->oversize && !f->drop) {
		snprintf(why, whysize, "the fault does nothing");
		return CS_EINVAL;
	}
	return 0;
}

static void
write_fault(struct cs_jw *w, const struct fault *f)
{
	cs_jw_obj(w);
	cs_jw_kstr(w, "endpoint", f->endpoint);
	if (f->status != 0)
		cs_jw_ki64(w, "status", f->status);
	cs_jw_ki64(w, "times", f->times);
	if (f->delay_ms != 0)
		cs_jw_ki64(w, "delayMs", f->delay_ms);
	if (f->retry_after >= 0)
		cs_jw_ki64(w, "retryAfter", f->retry_after);
	if (f->truncate)
		cs_jw_kbool(w, "truncate", true);
	if (f->malformed)
		cs_jw_kbool(w, "malformed", true);
	if (f->oversize)
		cs_jw_kbool(w, "oversize", true);
	if (f->drop)
		cs_jw_kbool(w, "drop", true);
	cs_jw_obj_end(w);
}

static void
list_faults(struct cs_fakehttp *h, struct cs_fake_resp *out)
{
	struct cs_jw w;
	size_t i;

	cs_jw_init(&w, 1024 * 1024);
	cs_jw_obj(&w);
	cs_jw_key(&w, "faults");
	cs_jw_arr(&w);
	pthread_mutex_lock(&h->lock);
	for (i = 0; i < h->faults.len; i++)
		write_fault(&w, CS_VEC_AT(&h->faults, struct fault, i));
	pthread_mutex_unlock(&h->lock);
	cs_jw_arr_end(&w);
	cs_jw_obj_end(&w);
	cs_fake_resp_jw(out, 200, &w);
}

static void
add_faults(struct cs_fakehttp *h, struct cs_fake_resp *out,
    const struct cs_fake_req *req)
{
	cJSON *doc = NULL;
	const cJSON *item;
	struct fault *parsed = NULL;
	size_t n = 0, i;
	char why[128];

	doc = cJSON_ParseWithLength(req->body, req->body_len);
	if (doc == NULL) {
		cs_fake_resp_errorf(out, 400, "body is not JSON");
		goto out;
	}
	if (cJSON_IsArray(doc)) {
		parsed = cs_xcalloc(
		    (size_t)cJSON_GetArraySize(doc) + 1, sizeof(*parsed));
		cJSON_ArrayForEach(item, doc) {
			if (parse_fault(h, item, &parsed[n], why, sizeof(why)) <
			    0) {
				cs_fake_resp_errorf(out, 400, "%s", why);
				goto out;
			}
			n++;
		}
	} else {
		parsed = cs_xcalloc(1, sizeof(*parsed));
		if (parse_fault(h, doc, &parsed[0], why, sizeof(why)) < 0) {
			cs_fake_resp_errorf(out, 400, "%s", why);
			goto out;
		}
		n = 1;
	}
	pthread_mutex_lock(&h->lock);
	for (i = 0; i < n; i++)
		*(struct fault *)cs_vec_push(&h->faults) = parsed[i];
	pthread_mutex_unlock(&h->lock);
	cs_log_info(h->opts.name, "%zu fault(s) added", n);
	list_faults(h, out);
out:
	free(parsed);
	cJSON_Delete(doc);
}

/* ---- Counters and the request ring ------------------------------------ */

static void
rec_dispose(struct rec *r)
{
	free(r->path);
	free(r->query);
	free(r->authorization);
	free(r->project_id);
	memset(r, 0, sizeof(*r));
}

static void
count_request(struct cs_fakehttp *h, const char *endpoint)
{
	size_t i;

	pthread_mutex_lock(&h->lock);
	for (i = 0; i < h->nendpoints; i++) {
		if (strcmp(h->opts.endpoints[i], endpoint) == 0)
			break;
	}
	h->ep_counts[i]++;
	h->total++;
	pthread_mutex_unlock(&h->lock);
}

static void
record(struct cs_fakehttp *h, const struct cs_fake_req *req, int status)
{
	struct rec r;

	memset(&r, 0, sizeof(r));
	cs_str_copy(r.method, req->method, sizeof(r.method));
	cs_str_copy(r.endpoint, req->endpoint, sizeof(r.endpoint));
	r.path = cs_xstrdup(req->path);
	r.query = cs_xstrdup(req->query);
	r.authorization =
	    cs_xstrdup_null(cs_fake_req_header(req, "Authorization"));
	r.project_id = cs_xstrdup_null(cs_fake_req_header(req, "project_id"));
	r.body_bytes = req->body_len;
	r.status = status;
	pthread_mutex_lock(&h->lock);
	if (status >= 0 && status < MAX_STATUS)
		h->status_counts[status]++;
	rec_dispose(&h->ring[h->ring_next]);
	h->ring[h->ring_next] = r;
	h->ring_next = (h->ring_next + 1) % CS_FAKE_RING_SIZE;
	if (h->ring_len < CS_FAKE_RING_SIZE)
		h->ring_len++;
	pthread_mutex_unlock(&h->lock);
}

void
cs_fakehttp_reset(struct cs_fakehttp *h, bool faults, bool stats, bool requests)
{
	size_t i;

	pthread_mutex_lock(&h->lock);
	if (faults)
		h->faults.len = 0;
	if (stats) {
		memset(h->ep_counts, 0, sizeof(h->ep_counts));
		memset(h->status_counts, 0, sizeof(h->status_counts));
		h->total = 0;
		h->max_in_flight = h->in_flight;
	}
	if (requests) {
		for (i = 0; i < CS_FAKE_RING_SIZE; i++)
			rec_dispose(&h->ring[i]);
		h->ring_next = 0;
		h->ring_len = 0;
	}
	pthread_mutex_unlock(&h->lock);
}

static void
write_stats(struct cs_fakehttp *h, struct cs_fake_resp *out)
{
	struct cs_jw w;
	char key[16];
	size_t i;

	cs_jw_init(&w, 1024 * 1024);
	cs_jw_obj(&w);
	pthread_mutex_lock(&h->lock);
	cs_jw_key(&w, "requests");
	cs_jw_obj(&w);
	for (i = 0; i < h->nendpoints; i++)
		cs_jw_ki64(&w, h->opts.endpoints[i], (int64_t)h->ep_counts[i]);
	if (h->ep_counts[h->nendpoints] > 0)
		cs_jw_ki64(&w, "other", (int64_t)h->ep_counts[h->nendpoints]);
	cs_jw_obj_end(&w);
	cs_jw_ki64(&w, "total", (int64_t)h->total);
	cs_jw_ki64(&w, "inFlight", h->in_flight);
	cs_jw_ki64(&w, "maxInFlight", h->max_in_flight);
	cs_jw_key(&w, "status");
	cs_jw_obj(&w);
	for (i = 0; i < MAX_STATUS; i++) {
		if (h->status_counts[i] == 0)
			continue;
		snprintf(key, sizeof(key), "%zu", i);
		cs_jw_ki64(&w, key, (int64_t)h->status_counts[i]);
	}
	cs_jw_obj_end(&w);
	pthread_mutex_unlock(&h->lock);
	if (h->opts.stats_extra != NULL)
		h->opts.stats_extra(&w, h->opts.payload);
	cs_jw_obj_end(&w);
	cs_fake_resp_jw(out, 200, &w);
}

static void
write_requests(struct cs_fakehttp *h, struct cs_fake_resp *out,
    const struct cs_fake_req *req)
{
	const char *limit_s = cs_fake_req_arg(req, "limit");
	int64_t limit = CS_FAKE_RING_SIZE;
	const struct rec *r;
	struct cs_jw w;
	size_t n, i, start;

	if (limit_s != NULL &&
	    cs_str_to_i64(limit_s, 0, CS_FAKE_RING_SIZE, &limit) < 0) {
		cs_fake_resp_errorf(
		    out, 400, "limit must be 0..%d", CS_FAKE_RING_SIZE);
		return;
	}
	cs_jw_init(&w, 64 * 1024 * 1024);
	cs_jw_arr(&w);
	pthread_mutex_lock(&h->lock);
	n = h->ring_len < (size_t)limit ? h->ring_len : (size_t)limit;
	start = (h->ring_next + CS_FAKE_RING_SIZE - n) % CS_FAKE_RING_SIZE;
	for (i = 0; i < n; i++) {
		r = &h->ring[(start + i) % CS_FAKE_RING_SIZE];
		cs_jw_obj(&w);
		cs_jw_kstr(&w, "method", r->method);
		cs_jw_kstr(&w, "path", r->path);
		cs_jw_kstr(&w, "query", r->query);
		cs_jw_kstr(&w, "authorization", r->authorization);
		cs_jw_kstr(&w, "projectId", r->project_id);
		cs_jw_ki64(&w, "bodyBytes", (int64_t)r->body_bytes);
		cs_jw_kstr(&w, "endpoint", r->endpoint);
		cs_jw_ki64(&w, "status", r->status);
		cs_jw_obj_end(&w);
	}
	pthread_mutex_unlock(&h->lock);
	cs_jw_arr_end(&w);
	cs_fake_resp_jw(out, 200, &w);
}

/* The control endpoints every fake has. @return false if not one of them */
static bool
control_builtin(struct cs_fakehttp *h, struct cs_fake_resp *out,
    const struct cs_fake_req *req)
{
	const char *p = req->path, *m = req->method;

	if (strcmp(p, "/__fake/stats") == 0 && strcmp(m, "GET") == 0) {
		write_stats(h, out);
	} else if (strcmp(p, "/__fake/stats/reset") == 0 &&
	           strcmp(m, "POST") == 0) {
		cs_fakehttp_reset(h, false, true, false);
		if (h->opts.stats_reset != NULL)
			h->opts.stats_reset(h->opts.payload);
		cs_fake_resp_copy(out, 200, "{\"ok\":true}");
	} else if (strcmp(p, "/__fake/faults") == 0) {
		if (strcmp(m, "GET") == 0) {
			list_faults(h, out);
		} else if (strcmp(m, "POST") == 0) {
			add_faults(h, out, req);
		} else if (strcmp(m, "DELETE") == 0) {
			cs_fakehttp_reset(h, true, false, false);
			cs_log_info(h->opts.name, "faults cleared");
			list_faults(h, out);
		} else {
			cs_fake_resp_errorf(out, 405, "method not allowed");
		}
	} else if (strcmp(p, "/__fake/requests") == 0) {
		if (strcmp(m, "GET") == 0) {
			write_requests(h, out, req);
		} else if (strcmp(m, "DELETE") == 0) {
			cs_fakehttp_reset(h, false, false, true);
			cs_fake_resp_copy(out, 200, "{\"ok\":true}");
		} else {
			cs_fake_resp_errorf(out, 405, "method not allowed");
		}
	} else {
		return false;
	}
	return true;
}

/* ---- Sending ---------------------------------------------------------- */

/* A body that stops after half its bytes, though Content-Length is full. */
struct truncated {
	char *body;
	size_t half;
};

static ssize_t
truncated_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct truncated *t = cls;
	size_t n;

	if (pos >= t->half)
		return MHD_CONTENT_READER_END_WITH_ERROR;
	n = t->half - (size_t)pos;
	if (n > max)
		n = max;
	memcpy(buf, t->body + pos, n);
	return (ssize_t)n;
}

static void
truncated_free(void *cls)
{
	struct truncated *t = cls;

	free(t->body);
	free(t);
}

/* Replace the body with its first half: never valid JSON for an object or
 * array. */
static void
make_malformed(struct cs_fake_resp *r)
{
	if (r->len < 4) {
		cs_fake_resp_copy(r, 200, "[{\"id\":");
	} else {
		r->len /= 2;
		r->body[r->len] = '\0';
		r->status = 200;
	}
	r->content_type = CS_FAKE_JSON;
}

/* An IMF-fixdate (RFC 9110) offset_s off the real clock. */
static void
date_header(struct MHD_Response *mr, int offset_s)
{
	time_t t = time(NULL) + offset_s;
	char date[64];
	struct tm tm;

	if (gmtime_r(&t, &tm) != NULL &&
	    strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S GMT", &tm) > 0)
		MHD_add_response_header(mr, "Date", date);
}

static enum MHD_Result
send_resp(struct MHD_Connection *conn, struct cs_fake_resp *r,
    enum mangle mangle, int clock_offset_s)
{
	struct MHD_Response *mr = NULL;
	struct truncated *t;
	enum MHD_Result ret;
	char num[32];

	if (mangle == MANGLE_OVERSIZE) {
		pthread_once(&oversize_once, build_oversize);
		cs_fake_resp_dispose(r);
		r->status = 200;
		mr = MHD_create_response_from_buffer(
		    oversize_len, oversize_body, MHD_RESPMEM_PERSISTENT);
	} else if (mangle == MANGLE_TRUNCATE) {
		if (r->len < 2)
			cs_fake_resp_take(r, r->status,
			    cs_xstrdup("[{\"truncated\":true}]"), 20);
		t = cs_xmalloc(sizeof(*t));
		t->body = r->body;
		t->half = r->len / 2;
		mr = MHD_create_response_from_callback(
		    r->len, 4096, truncated_read, t, truncated_free);
		if (mr == NULL)
			truncated_free(t);
		r->body = NULL;
	} else if (r->body != NULL) {
		mr = MHD_create_response_from_buffer(
		    r->len, r->body, MHD_RESPMEM_MUST_FREE);
		if (mr != NULL)
			r->body = NULL;
	} else {
		mr = MHD_create_response_from_buffer(
		    0, (void *)(uintptr_t) "", MHD_RESPMEM_PERSISTENT);
	}
	if (mr == NULL) {
		cs_fake_resp_dispose(r);
		return MHD_NO;
	}
	if (r->content_type != NULL)
		MHD_add_response_header(mr, "Content-Type", r->content_type);
	else if (r->len > 0 || mangle == MANGLE_OVERSIZE)
		MHD_add_response_header(mr, "Content-Type", CS_FAKE_JSON);
	if (r->retry_after >= 0) {
		snprintf(num, sizeof(num), "%d", r->retry_after);
		MHD_add_response_header(mr, "Retry-After", num);
	}
	if (clock_offset_s != 0)
		date_header(mr, clock_offset_s);
	ret = MHD_queue_response(conn, (unsigned int)r->status, mr);
	MHD_destroy_response(mr);
	cs_fake_resp_dispose(r);
	return ret;
}

/* ---- Dispatch --------------------------------------------------------- */

static void
client_ip(struct MHD_Connection *conn, char *out, size_t size)
{
	const union MHD_ConnectionInfo *ci;
	const struct sockaddr *sa;

	cs_str_copy(out, "unknown", size);
	ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (ci == NULL || ci->client_addr == NULL)
		return;
	sa = ci->client_addr;
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *in = (const void *)sa;

		inet_ntop(AF_INET, &in->sin_addr, out, (socklen_t)size);
	} else if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const void *)sa;

		inet_ntop(AF_INET6, &in6->sin6_addr, out, (socklen_t)size);
	}
}

static enum MHD_Result
dispatch(struct cs_fakehttp *h, struct MHD_Connection *conn, const char *url,
    const char *method, struct req_ctx *rc)
{
	struct cs_fake_resp resp = {0, NULL, 0, NULL, -1};
	struct cs_fake_req req;
	struct fault f;
	enum mangle mangle = MANGLE_NONE;
	const char *q, *endpoint;
	char ip[64];
	bool faulted;

	memset(&req, 0, sizeof(req));
	client_ip(conn, ip, sizeof(ip));
	q = strchr(rc->uri, '?');
	req.method = method;
	req.path = url;
	req.query = q != NULL ? q + 1 : "";
	req.body = cs_buf_cstr(&rc->body);
	req.body_len = rc->body.len;
	req.client_ip = ip;
	req.server = h;
	req._conn = conn;

	if (!rc->upstream) {
		if (rc->too_big)
			cs_fake_resp_errorf(&resp, 413, "body too large");
		else if (!control_builtin(h, &resp, &req) &&
		         h->opts.control != NULL)
			h->opts.control(&resp, &req, h->opts.payload);
		if (resp.status == 0)
			cs_fake_resp_errorf(&resp, 404,
			    "no control endpoint %s %s", method, url);
		return send_resp(
		    conn, &resp, MANGLE_NONE, h->opts.clock_offset_s);
	}

	endpoint = h->opts.classify(method, url, h->opts.payload);
	req.endpoint = endpoint != NULL ? endpoint : "other";
	count_request(h, req.endpoint);
	if (h->opts.latency_ms > 0)
		cs_fakehttp_sleep(h, h->opts.latency_ms);
	faulted = take_fault(h, req.endpoint, &f);
	if (faulted && f.delay_ms > 0)
		cs_fakehttp_sleep(h, f.delay_ms);
	if (faulted && f.drop) {
		record(h, &req, 0);
		return MHD_NO;
	}
	if (rc->too_big) {
		resp.status = 413;
	} else if (faulted && f.status != 0) {
		h->opts.error_body(
		    &resp, f.status, f.retry_after, h->opts.payload);
		resp.status = f.status;
		if (f.retry_after >= 0)
			resp.retry_after = f.retry_after;
	} else {
		h->opts.upstream(&resp, &req, h->opts.payload);
		if (resp.status == 0)
			resp.status = 404;
	}
	if (faulted) {
		if (f.oversize)
			mangle = MANGLE_OVERSIZE;
		else if (f.malformed)
			make_malformed(&resp);
		else if (f.truncate)
			mangle = MANGLE_TRUNCATE;
	}
	record(h, &req, mangle == MANGLE_OVERSIZE ? 200 : resp.status);
	return send_resp(conn, &resp, mangle, h->opts.clock_offset_s);
}

static void *
on_uri(void *cls, const char *uri, struct MHD_Connection *conn)
{
	struct req_ctx *rc;

	(void)cls;
	(void)conn;
	rc = cs_xcalloc(1, sizeof(*rc));
	rc->uri = cs_xstrdup(uri);
	cs_buf_init(&rc->body, CS_FAKE_MAX_BODY);
	return rc;
}

static void
on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
    enum MHD_RequestTerminationCode toe)
{
	struct cs_fakehttp *h = cls;
	struct req_ctx *rc = *con_cls;

	(void)conn;
	(void)toe;
	if (rc == NULL)
		return;
	if (rc->upstream) {
		pthread_mutex_lock(&h->lock);
		h->in_flight--;
		pthread_mutex_unlock(&h->lock);
	}
	cs_buf_dispose(&rc->body);
	free(rc->uri);
	free(rc);
	*con_cls = NULL;
}

static enum MHD_Result
on_access(void *cls, struct MHD_Connection *conn, const char *url,
    const char *method, const char *version, const char *upload_data,
    size_t *upload_data_size, void **con_cls)
{
	struct cs_fakehttp *h = cls;
	struct req_ctx *rc = *con_cls;
	enum MHD_Result ret;

	(void)version;
	if (rc == NULL)
		return MHD_NO;
	if (!rc->started) {
		rc->started = true;
		if (!is_control(url)) {
			rc->upstream = true;
			pthread_mutex_lock(&h->lock);
			h->in_flight++;
			if (h->in_flight > h->max_in_flight)
				h->max_in_flight = h->in_flight;
			pthread_mutex_unlock(&h->lock);
		}
		return MHD_YES;
	}
	if (*upload_data_size > 0) {
		if (!rc->too_big &&
		    cs_buf_put(&rc->body, upload_data, *upload_data_size) < 0)
			rc->too_big = true;
		*upload_data_size = 0;
		return MHD_YES;
	}
	ret = dispatch(h, conn, url, method, rc);
	/* The answer is queued: the request is no longer in flight. Counting
	 * it down here, not in on_completed, means a client that has read
	 * the whole answer never sees it still counted. */
	if (rc->upstream) {
		rc->upstream = false;
		pthread_mutex_lock(&h->lock);
		h->in_flight--;
		pthread_mutex_unlock(&h->lock);
	}
	return ret;
}

/* ---- Life cycle ------------------------------------------------------- */

int
cs_fakehttp_new(struct cs_fakehttp **out, const struct cs_fakehttp_opts *opts,
    struct cs_error *err)
{
	struct cs_fakehttp *h = NULL;
	struct sockaddr_in sin;
	const union MHD_DaemonInfo *di;
	int error = CS_ERROR;

	*out = NULL;
	cs_fakehttp_block_signals();
	h = cs_xcalloc(1, sizeof(*h));
	h->opts = *opts;
	atomic_init(&h->stopping, false);
	pthread_mutex_init(&h->lock, NULL);
	cs_vec_init(&h->faults, sizeof(struct fault));
	while (
	    opts->endpoints != NULL && opts->endpoints[h->nendpoints] != NULL)
		h->nendpoints++;
	if (h->nendpoints > MAX_ENDPOINTS) {
		error = cs_error_set(err, CS_EINVAL, "too many endpoints");
		goto out;
	}
	if (cs_fake_parse_listen(opts->listen, h->host, &h->port) < 0) {
		error = cs_error_set(err, CS_EINVAL,
		    "--listen wants 127.0.0.1:PORT, got %s",
		    opts->listen != NULL ? opts->listen : "nothing");
		goto out;
	}
	/* Handlers may read *out (through the fake's state) once the daemon
	 * runs, so publish it before any MHD thread starts. */
	*out = h;
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)h->port);
	inet_pton(AF_INET, h->host, &sin.sin_addr);
	h->daemon = MHD_start_daemon(MHD_USE_THREAD_PER_CONNECTION |
	                                 MHD_USE_INTERNAL_POLLING_THREAD |
	                                 MHD_USE_POLL | MHD_USE_ERROR_LOG,
	    (uint16_t)h->port, NULL, NULL, on_access, h, MHD_OPTION_SOCK_ADDR,
	    (struct sockaddr *)&sin, MHD_OPTION_URI_LOG_CALLBACK, on_uri, h,
	    MHD_OPTION_NOTIFY_COMPLETED, on_completed, h,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned int)1000,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)300,
	    MHD_OPTION_LISTEN_BACKLOG_SIZE, (unsigned int)1024, MHD_OPTION_END);
	if (h->daemon == NULL) {
		error = cs_error_set(
		    err, CS_ERROR, "cannot listen on %s", opts->listen);
		goto out;
	}
	di = MHD_get_daemon_info(h->daemon, MHD_DAEMON_INFO_BIND_PORT);
	if (di == NULL || di->port == 0) {
		error = cs_error_set(err, CS_ERROR, "cannot learn the port");
		goto out;
	}
	h->port = di->port;
	h = NULL;
	error = 0;
out:
	if (h != NULL) {
		*out = NULL;
		cs_fakehttp_free(h);
	}
	return error;
}

int
cs_fakehttp_port(const struct cs_fakehttp *h)
{
	return h->port;
}

void
cs_fakehttp_announce(const struct cs_fakehttp *h)
{
	printf("listening on %s:%d\n", h->host, h->port);
	fflush(stdout);
}

int
cs_fakehttp_wait(struct cs_fakehttp *h)
{
	sigset_t set;
	int sig = 0;

	(void)h;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	while (sigwait(&set, &sig) != 0)
		;
	return sig;
}

void
cs_fakehttp_free(struct cs_fakehttp *h)
{
	size_t i;

	if (h == NULL)
		return;
	atomic_store(&h->stopping, true);
	if (h->daemon != NULL)
		MHD_stop_daemon(h->daemon);
	for (i = 0; i < CS_FAKE_RING_SIZE; i++)
		rec_dispose(&h->ring[i]);
	cs_vec_dispose(&h->faults);
	pthread_mutex_destroy(&h->lock);
	free(h);
}
