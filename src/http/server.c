/* SPDX-License-Identifier: MIT */
/*
 * The libmicrohttpd glue. libmicrohttpd's event loop (epoll, a few
 * threads) reads and writes every connection, so an idle connection costs
 * no thread; handlers that wait (on the database, on the webhook writer's
 * commit, on NMKR) run on a pool of handler threads while their connection
 * is suspended, and resume it with the answer; /healthz, /metrics and the
 * static files answer at once on the event loop. Connections are capped
 * per client address (trusted proxies excepted) and in all; one that has
 * not sent its headers within the header timeout is closed. Then the route
 * table, admin tokens compared in constant time, body caps (413), the
 * per-client rate limit of public routes, and an orderly stop. See http.h.
 */
#include "http/internal.h"

#include <arpa/inet.h>
#include <malloc.h>
#include <netinet/in.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <openssl/sha.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "service/metrics.h"
#include "service/sync.h"
#include "util/limits.h"
#include "util/log.h"
#include "util/str.h"
#include "util/time.h"
#include "util/xalloc.h"
#include "util/banned.h"

/* Per request, from the first call of the access handler to the end. */
struct conn_ctx {
	struct cs_req req;
	const struct cs_route *route;
	struct cs_buf body;
	bool too_big;
	bool answered; /* refused before the body was read */
	bool done;     /* a handler thread answered: send req's response */
	/* A webhook refused as too big: a handler thread records it before
	 * the 413 goes out (recording waits for the writer's commit, which
	 * the event loop must not). */
	bool record_too_big;
	struct conn_ctx *next; /* in the handler threads' queue */
};

/* Per TCP connection (libmicrohttpd's socket context): what the per-client
 * cap counts and the header deadline. */
struct track {
	struct track *prev, *next;
	int fd;
	unsigned char key[16];
	bool counted;        /* in its client's count (not a trusted proxy) */
	int64_t deadline_ms; /* monotonic; 0 while a request is handled */
};

struct count {
	unsigned char key[16];
	unsigned n;
	struct count *next;
};

#define COUNT_BUCKETS 1024

struct cs_conns {
	pthread_mutex_t lock;
	struct track *head;
	struct count *buckets[COUNT_BUCKETS];
};

struct sleeper {
	struct MHD_Connection *conn;
	int64_t due_ms;
	struct sleeper *next;
};

struct cs_workers {
	pthread_mutex_t lock;
	pthread_cond_t work; /* handler threads wait for requests */
	pthread_cond_t idle; /* stop() waits for the queue to empty */
	pthread_cond_t tick; /* wakes the ticker to quit */
	struct conn_ctx *head, *tail;
	size_t busy;     /* handlers running */
	size_t sleeping; /* suspended by cs_server_sleep, until resumed */
	struct sleeper *sleepers;
	bool no_suspend; /* stopping: nothing may be suspended any more */
	bool quit;
	pthread_t *threads;
	size_t nthreads;
	pthread_t ticker;
	bool ticker_started;
};

void
cs_server_opts_init(struct cs_server_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->listen = "127.0.0.1:8080";
	o->database_url = "sqlite:campaign-sync.db";
	o->public_rate = 60;
	o->owner = "serve";
	o->pool_size = 16;
	o->webhook_refused_rate = CS_WEBHOOK_REFUSED_RATE_DEFAULT;
	o->webhook_retention_ms = CS_WEBHOOK_RETENTION_DEFAULT_S * 1000;
	o->report_retention_ms = CS_REPORT_RETENTION_DEFAULT_S * 1000;
}

static unsigned
or_default(unsigned v, unsigned def)
{
	return v > 0 ? v : def;
}

int
cs_server_port(const struct cs_server *s)
{
	return s->port;
}

const char *
cs_server_url(const struct cs_server *s)
{
	return s->url;
}

const char *
cs_server_generated_token(const struct cs_server *s)
{
	return s->token_generated ? s->admin_token : NULL;
}

/* ---- Addresses -------------------------------------------------------- */

static int
parse_listen(const char *listen, struct sockaddr_storage *ss, socklen_t *len,
    bool *loopback, struct cs_error *err)
{
	char host[128];
	const char *colon, *h = listen;
	int64_t port;
	size_t hl;

	memset(ss, 0, sizeof(*ss));
	if (listen[0] == '[') {
		const char *end = strchr(listen, ']');

		if (end == NULL || end[1] != ':')
			goto bad;
		h = listen + 1;
		hl = (size_t)(end - h);
		colon = end + 1;
	} else {
		colon = strrchr(listen, ':');
		if (colon == NULL)
			goto bad;
		hl = (size_t)(colon - listen);
	}
	if (hl == 0 || hl >= sizeof(host) ||
	    cs_str_to_i64(colon + 1, 0, 65535, &port) < 0)
		goto bad;
	memcpy(host, h, hl);
	host[hl] = '\0';
	if (strcmp(host, "localhost") == 0)
		cs_str_copy(host, "127.0.0.1", sizeof(host));
	if (listen[0] != '[') {
		struct sockaddr_in *in = (struct sockaddr_in *)ss;

		in->sin_family = AF_INET;
		in->sin_port = htons((uint16_t)port);
		if (inet_pton(AF_INET, host, &in->sin_addr) != 1)
			goto bad;
		*loopback = (ntohl(in->sin_addr.s_addr) >> 24) == 127;
		*len = sizeof(*in);
	} else {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;

		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons((uint16_t)port);
		if (inet_pton(AF_INET6, host, &in6->sin6_addr) != 1)
			goto bad;
		*loopback = memcmp(&in6->sin6_addr, &in6addr_loopback,
		                sizeof(in6addr_loopback)) == 0;
		*len = sizeof(*in6);
	}
	return 0;
bad:
	return cs_error_set(err, CS_EINVAL,
	    "listen address '%s' is not HOST:PORT (e.g. 127.0.0.1:8080 or "
	    "[::1]:8080)",
	    listen);
}

/* The client of a request: cs_client_address() of its peer and, from a
 * trusted proxy, its X-Forwarded-For. */
static void
request_client(
    struct cs_server *s, struct MHD_Connection *conn, char *out, size_t size)
{
	const union MHD_ConnectionInfo *ci;
	const struct sockaddr *peer = NULL;
	const char *xff = NULL;

	ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (ci != NULL)
		peer = ci->client_addr;
	if (peer != NULL && cs_proxies_trust(s->proxies, peer))
		xff = MHD_lookup_connection_value(
		    conn, MHD_HEADER_KIND, "X-Forwarded-For");
	cs_client_address(s->proxies, peer, xff, out, size);
}

/* ---- Connections per client, header deadlines ------------------------- */

/* What the per-client cap counts: the address; for IPv6 its /64, which
 * one subscriber usually has whole. */
static bool
cap_key(const struct sockaddr *sa, unsigned char out[16])
{
	static const unsigned char mapped[12] = {
	    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

	if (!cs_client_key(sa, out))
		return false;
	if (memcmp(out, mapped, sizeof(mapped)) != 0)
		memset(out + 8, 0, 8);
	return true;
}

static struct count **
count_slot(struct cs_conns *c, const unsigned char key[16])
{
	struct count **pp;
	unsigned h = 2166136261u;
	size_t i;

	for (i = 0; i < 16; i++)
		h = (h ^ key[i]) * 16777619u;
	for (pp = &c->buckets[h % COUNT_BUCKETS]; *pp != NULL;
	     pp = &(*pp)->next) {
		if (memcmp((*pp)->key, key, 16) == 0)
			break;
	}
	return pp;
}

/* libmicrohttpd asks before it takes a connection: refuse a client that
 * holds its share already. Counted when the connection starts, so two
 * event threads accepting at once may let a client have one or two
 * more. */
static enum MHD_Result
on_accept(void *cls, const struct sockaddr *addr, socklen_t addrlen)
{
	struct cs_server *s = cls;
	unsigned char key[16];
	struct count **pp;
	unsigned n;

	(void)addrlen;
	if (cs_proxies_trust(s->proxies, addr) || !cap_key(addr, key))
		return MHD_YES;
	pthread_mutex_lock(&s->conns->lock);
	pp = count_slot(s->conns, key);
	n = *pp != NULL ? (*pp)->n : 0;
	pthread_mutex_unlock(&s->conns->lock);
	if (n < s->opts.max_client_connections)
		return MHD_YES;
	return MHD_NO;
}

static void
on_connection(void *cls, struct MHD_Connection *conn, void **socket_context,
    enum MHD_ConnectionNotificationCode code)
{
	struct cs_server *s = cls;
	struct cs_conns *c = s->conns;
	const union MHD_ConnectionInfo *ci;
	struct track *t = *socket_context;
	struct count **pp, *cnt;

	if (code == MHD_CONNECTION_NOTIFY_STARTED) {
		t = cs_xcalloc(1, sizeof(*t));
		ci = MHD_get_connection_info(
		    conn, MHD_CONNECTION_INFO_CONNECTION_FD);
		t->fd = ci != NULL ? ci->connect_fd : -1;
		ci = MHD_get_connection_info(
		    conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
		t->counted = ci != NULL &&
		             !cs_proxies_trust(s->proxies, ci->client_addr) &&
		             cap_key(ci->client_addr, t->key);
		t->deadline_ms =
		    cs_mono_ms() + (int64_t)s->opts.header_timeout_s * 1000;
		pthread_mutex_lock(&c->lock);
		t->next = c->head;
		if (c->head != NULL)
			c->head->prev = t;
		c->head = t;
		if (t->counted) {
			pp = count_slot(c, t->key);
			if (*pp == NULL) {
				*pp = cs_xcalloc(1, sizeof(**pp));
				memcpy((*pp)->key, t->key, 16);
			}
			(*pp)->n++;
		}
		pthread_mutex_unlock(&c->lock);
		*socket_context = t;
		return;
	}
	if (t == NULL)
		return;
	/* Closed: libmicrohttpd closes the socket after this returns, so
	 * the ticker never shuts down a descriptor that was reused. */
	pthread_mutex_lock(&c->lock);
	if (t->prev != NULL)
		t->prev->next = t->next;
	else
		c->head = t->next;
	if (t->next != NULL)
		t->next->prev = t->prev;
	if (t->counted) {
		pp = count_slot(c, t->key);
		if (*pp != NULL && --(*pp)->n == 0) {
			cnt = *pp;
			*pp = cnt->next;
			free(cnt);
		}
	}
	pthread_mutex_unlock(&c->lock);
	free(t);
	*socket_context = NULL;
}

/* A request's headers are in (deadline 0), or it ended and the next one's
 * headers are awaited (a deadline). */
static void
set_deadline(struct cs_server *s, struct MHD_Connection *conn, int64_t ms)
{
	const union MHD_ConnectionInfo *ci;
	struct track *t;

	ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	t = ci != NULL ? ci->socket_context : NULL;
	if (t == NULL)
		return;
	pthread_mutex_lock(&s->conns->lock);
	t->deadline_ms = ms > 0 ? cs_mono_ms() + ms : 0;
	pthread_mutex_unlock(&s->conns->lock);
}

/* Close the connections past their header deadline: shut the socket
 * down, and the event loop sees it end and closes it. */
static void
sweep_deadlines(struct cs_server *s)
{
	int64_t now = cs_mono_ms();
	struct track *t;

	pthread_mutex_lock(&s->conns->lock);
	for (t = s->conns->head; t != NULL; t = t->next) {
		if (t->deadline_ms != 0 && now >= t->deadline_ms &&
		    t->fd >= 0) {
			shutdown(t->fd, SHUT_RDWR);
			t->deadline_ms = 0;
		}
	}
	pthread_mutex_unlock(&s->conns->lock);
}

static void
conns_free(struct cs_conns *c)
{
	struct count *cnt;
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < COUNT_BUCKETS; i++) {
		while ((cnt = c->buckets[i]) != NULL) {
			c->buckets[i] = cnt->next;
			free(cnt);
		}
	}
	pthread_mutex_destroy(&c->lock);
	free(c);
}

/* ---- Authentication --------------------------------------------------- */

/* Compare digests, so that neither the content nor the length of the
 * token leaks through timing. */
static bool
token_ok(const char *want, const char *header)
{
	unsigned char a[SHA256_DIGEST_LENGTH], b[SHA256_DIGEST_LENGTH];
	const char *given;

	if (header == NULL || strncasecmp(header, "Bearer ", 7) != 0)
		return false;
	given = header + 7;
	SHA256((const unsigned char *)want, strlen(want), a);
	SHA256((const unsigned char *)given, strlen(given), b);
	return CRYPTO_memcmp(a, b, sizeof(a)) == 0;
}

/* ---- Dispatch --------------------------------------------------------- */

static enum MHD_Result
send_reply(struct cs_req *r)
{
	enum MHD_Result ret;

	if (r->resp == NULL)
		cs_reply_error(
		    r, 500, "internal", "the handler gave no answer");
	cs_metrics_http(r->status);
	cs_log_debug("http", "%s %s -> %d (%s)", r->method, r->path, r->status,
	    r->client);
	ret = MHD_queue_response(r->conn, (unsigned)r->status, r->resp);
	MHD_destroy_response(r->resp);
	r->resp = NULL;
	return ret;
}

static size_t
body_cap(unsigned flags)
{
	if (flags & CS_ROUTE_WEBHOOK)
		return CS_MAX_WEBHOOK_BODY;
	if (flags & CS_ROUTE_BIGBODY)
		return CS_MAX_CSV_FILE;
	return CS_MAX_ADMIN_BODY;
}

/* Checks made before the body is read: the route, the token, the rate,
 * a Content-Length over the cap. A refusal answers at once. */
static bool
admit(struct cs_server *s, struct cs_req *r, struct conn_ctx *ctx)
{
	const char *cl;
	bool known = false;
	int64_t len;
	int wait;

	ctx->route = cs_router_match(r->method, r->path, r, &known);
	if (ctx->route == NULL) {
		if (known) {
			char allow[128];

			cs_reply_error(r, 405, "method_not_allowed",
			    "%s is not allowed on %s", r->method, r->path);
			cs_router_allow(r->path, allow, sizeof(allow));
			cs_reply_header(r, "Allow", allow);
		} else
			cs_reply_error(r, 404, "not_found", "no such endpoint");
		return false;
	}
	if (!(ctx->route->flags & CS_ROUTE_PUBLIC) &&
	    !token_ok(s->admin_token, MHD_lookup_connection_value(r->conn,
	                                  MHD_HEADER_KIND, "Authorization"))) {
		cs_reply_error(r, 401, "unauthorized",
		    "this endpoint needs Authorization: Bearer <admin token>");
		cs_reply_header(r, "WWW-Authenticate", "Bearer");
		return false;
	}
	if ((ctx->route->flags & CS_ROUTE_LIMITED) && s->ratelimit != NULL) {
		wait = cs_ratelimit_take(
		    s->ratelimit, cs_req_client(r), cs_mono_us());
		if (wait > 0) {
			char secs[16];

			snprintf(secs, sizeof(secs), "%d", wait);
			cs_reply_error(r, 429, "rate_limited",
			    "too many requests from this address; try again "
			    "in %d s",
			    wait);
			cs_reply_header(r, "Retry-After", secs);
			return false;
		}
	}
	cl = MHD_lookup_connection_value(
	    r->conn, MHD_HEADER_KIND, "Content-Length");
	if (cl != NULL && cs_str_to_i64(cl, 0, INT64_MAX, &len) == 0 &&
	    (uint64_t)len > body_cap(ctx->route->flags)) {
		/* Counted and recorded as when the body runs over. */
		ctx->record_too_big =
		    (ctx->route->flags & CS_ROUTE_WEBHOOK) != 0;
		cs_reply_error(r, 413, "too_big", "the body is over %zu bytes",
		    body_cap(ctx->route->flags));
		return false;
	}
	cs_buf_init(&ctx->body, body_cap(ctx->route->flags));
	return true;
}

/* Handlers that never wait answer on the event loop; the others run on a
 * handler thread. */
static bool
runs_inline(const struct cs_route *route)
{
	return route->handler == cs_route_healthz ||
	       route->handler == cs_route_metrics ||
	       route->handler == cs_route_openapi ||
	       route->handler == cs_route_web;
}

/* Suspend the connection and queue its request for a handler thread;
 * false when stopping (nothing queued). */
static bool
dispatch(struct cs_server *s, struct conn_ctx *ctx)
{
	struct cs_workers *w = s->workers;

	pthread_mutex_lock(&w->lock);
	if (w->no_suspend) {
		pthread_mutex_unlock(&w->lock);
		return false;
	}
	MHD_suspend_connection(ctx->req.conn);
	ctx->next = NULL;
	if (w->tail != NULL)
		w->tail->next = ctx;
	else
		w->head = ctx;
	w->tail = ctx;
	pthread_cond_signal(&w->work);
	pthread_mutex_unlock(&w->lock);
	return true;
}

static void *
worker_main(void *payload)
{
	struct cs_server *s = payload;
	struct cs_workers *w = s->workers;
	struct conn_ctx *ctx;

	pthread_mutex_lock(&w->lock);
	for (;;) {
		while (w->head == NULL && !w->quit)
			pthread_cond_wait(&w->work, &w->lock);
		if (w->head == NULL)
			break;
		ctx = w->head;
		w->head = ctx->next;
		if (w->head == NULL)
			w->tail = NULL;
		w->busy++;
		pthread_mutex_unlock(&w->lock);
		if (ctx->record_too_big) /* the 413 is made already */
			cs_route_webhook_too_big(&ctx->req);
		else
			ctx->route->handler(&ctx->req);
		if (ctx->req.store != NULL)
			cs_pool_put(s->pool, ctx->req.store);
		ctx->req.store = NULL;
		ctx->done = true;
		/* The event loop takes it from here; ctx is its again. */
		MHD_resume_connection(ctx->req.conn);
		pthread_mutex_lock(&w->lock);
		w->busy--;
		pthread_cond_broadcast(&w->idle);
	}
	pthread_mutex_unlock(&w->lock);
	return NULL;
}

bool
cs_server_sleep(struct cs_server *s, struct MHD_Connection *conn, int64_t ms)
{
	struct cs_workers *w = s->workers;
	struct sleeper *z;

	pthread_mutex_lock(&w->lock);
	if (w->no_suspend) {
		pthread_mutex_unlock(&w->lock);
		return false;
	}
	MHD_suspend_connection(conn);
	z = cs_xcalloc(1, sizeof(*z));
	z->conn = conn;
	z->due_ms = cs_mono_ms() + ms;
	z->next = w->sleepers;
	w->sleepers = z;
	w->sleeping++;
	pthread_mutex_unlock(&w->lock);
	return true;
}

void
cs_server_wake(struct cs_server *s, struct MHD_Connection *conn)
{
	struct cs_workers *w = s->workers;
	struct sleeper *z;

	pthread_mutex_lock(&w->lock);
	for (z = w->sleepers; z != NULL; z = z->next) {
		if (z->conn == conn) {
			z->due_ms = 0;
			pthread_cond_signal(&w->tick);
			break;
		}
	}
	pthread_mutex_unlock(&w->lock);
}

/* Resume the sleepers that are due (all of them when stopping). */
static void
wake_sleepers(struct cs_workers *w)
{
	struct sleeper *due = NULL, **pp, *z;
	int64_t now = cs_mono_ms();
	size_t n = 0;

	pthread_mutex_lock(&w->lock);
	for (pp = &w->sleepers; (z = *pp) != NULL;) {
		if (z->due_ms <= now || w->no_suspend) {
			*pp = z->next;
			z->next = due;
			due = z;
		} else {
			pp = &z->next;
		}
	}
	pthread_mutex_unlock(&w->lock);
	while ((z = due) != NULL) {
		due = z->next;
		MHD_resume_connection(z->conn);
		free(z);
		n++;
	}
	if (n > 0) {
		pthread_mutex_lock(&w->lock);
		w->sleeping -= n;
		pthread_cond_broadcast(&w->idle);
		pthread_mutex_unlock(&w->lock);
	}
}

/* Every CS_SERVE_TICK_MS: header deadlines, sleepers. */
static void *
ticker_main(void *payload)
{
	struct cs_server *s = payload;
	struct cs_workers *w = s->workers;
	struct timespec ts;

	for (;;) {
		pthread_mutex_lock(&w->lock);
		if (w->quit) {
			pthread_mutex_unlock(&w->lock);
			break;
		}
		clock_gettime(CLOCK_MONOTONIC, &ts);
		ts.tv_nsec += CS_SERVE_TICK_MS * 1000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&w->tick, &w->lock, &ts);
		pthread_mutex_unlock(&w->lock);
		sweep_deadlines(s);
		wake_sleepers(w);
	}
	return NULL;
}

static enum MHD_Result
on_access(void *cls, struct MHD_Connection *conn, const char *url,
    const char *method, const char *version, const char *upload_data,
    size_t *upload_data_size, void **con_cls)
{
	struct cs_server *s = cls;
	struct conn_ctx *ctx = *con_cls;
	struct cs_req *r;
	enum MHD_Result ret;

	(void)version;
	(void)upload_data;
	if (ctx == NULL) {
		/* The headers are in: no header deadline while the request
		 * is handled. */
		set_deadline(s, conn, 0);
		ctx = cs_xcalloc(1, sizeof(*ctx));
		*con_cls = ctx;
		r = &ctx->req;
		r->srv = s;
		r->conn = conn;
		r->method = method;
		r->path = url;
		r->now = cs_now_ms();
		request_client(s, conn, r->client, sizeof(r->client));
		if (!admit(s, r, ctx)) {
			/* libmicrohttpd calls again, as the first time, when
			 * the handler thread resumes the connection. */
			if (ctx->record_too_big && dispatch(s, ctx))
				return MHD_YES;
			ctx->answered = true;
			return send_reply(r);
		}
		return MHD_YES;
	}
	r = &ctx->req;
	if (ctx->done) { /* a handler thread answered */
		ctx->answered = true;
		ctx->done = false;
		return send_reply(r);
	}
	if (ctx->answered)
		return MHD_YES; /* drain what the client still sends */
	if (*upload_data_size > 0) {
		if (!ctx->too_big &&
		    cs_buf_put(&ctx->body, upload_data, *upload_data_size) < 0)
			ctx->too_big = true;
		*upload_data_size = 0;
		return MHD_YES;
	}
	/* The whole request is here. */
	if (ctx->too_big) {
		cs_reply_error(r, 413, "too_big", "the body is over %zu bytes",
		    ctx->body.max);
		ctx->record_too_big =
		    (ctx->route->flags & CS_ROUTE_WEBHOOK) != 0;
		if (ctx->record_too_big && dispatch(s, ctx))
			return MHD_YES;
		return send_reply(r);
	}
	r->body = cs_buf_cstr(&ctx->body);
	r->body_len = ctx->body.len;
	if (s->opts.bench_floor &&
	    ctx->route->handler == cs_route_webhook_nmkr) {
		cs_reply_bytes(
		    r, 200, "application/json", "{\"outcome\":\"floor\"}", 19);
		return send_reply(r);
	}
	if (runs_inline(ctx->route)) {
		ctx->route->handler(r);
		ret = send_reply(r);
		if (r->store != NULL)
			cs_pool_put(s->pool, r->store);
		r->store = NULL;
		return ret;
	}
	if (!dispatch(s, ctx)) {
		cs_reply_error(r, 503, "stopping", "the server is stopping");
		cs_reply_header(r, "Retry-After", "5");
		return send_reply(r);
	}
	return MHD_YES;
}

static void
on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
    enum MHD_RequestTerminationCode toe)
{
	struct cs_server *s = cls;
	struct conn_ctx *ctx = *con_cls;

	/* The next request's headers must come within the idle timeout, a
	 * trickle of bytes or not. */
	if (toe == MHD_REQUEST_TERMINATED_COMPLETED_OK)
		set_deadline(s, conn, (int64_t)s->opts.idle_timeout_s * 1000);
	if (ctx == NULL)
		return;
	cs_buf_dispose(&ctx->body);
	if (ctx->req.resp != NULL)
		MHD_destroy_response(ctx->req.resp);
	free(ctx);
	*con_cls = NULL;
}

static void
on_mhd_log(void *cls, const char *fmt, va_list ap)
{
	char msg[512];
	size_t n;

	(void)cls;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	n = strlen(msg);
	while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == '\r'))
		msg[--n] = '\0';
	cs_log_warn("http", "%s", msg);
}

/* ---- Syncs for HTTP requests ------------------------------------------ */

bool
cs_server_sync_begin(struct cs_req *r)
{
	struct cs_server *s = r->srv;
	bool ok;

	pthread_mutex_lock(&s->lock);
	ok = s->syncs_running < (int)s->opts.max_syncs;
	if (ok)
		s->syncs_running++;
	pthread_mutex_unlock(&s->lock);
	if (!ok) {
		cs_reply_error(r, 503, "too_many_syncs",
		    "%u syncs are running already, the most this server runs "
		    "at once (CS_MAX_SYNCS); try again later",
		    s->opts.max_syncs);
		cs_reply_header(r, "Retry-After", "10");
	}
	return ok;
}

void
cs_server_sync_end(struct cs_server *s)
{
	pthread_mutex_lock(&s->lock);
	s->syncs_running--;
	pthread_mutex_unlock(&s->lock);
}

/* ---- Health ----------------------------------------------------------- */

static void
health_check(struct cs_server *s, struct cs_store *store)
{
	struct cs_error err = CS_ERROR_INIT;
	int version = 0;
	int error;

	error = cs_store_schema_version(store, &version, &err);
	pthread_mutex_lock(&s->health_lock);
	if (error == 0) {
		s->health_ok_ms = cs_mono_ms();
		s->health_version = version;
		s->health_backend = cs_store_backend_name(store);
		s->health_error[0] = '\0';
	} else {
		cs_str_copy(s->health_error, cs_error_msg(&err),
		    sizeof(s->health_error));
	}
	pthread_mutex_unlock(&s->health_lock);
}

/* Checks the database once a second on its own connection, so that
 * /healthz answers at once, whatever holds the pool. */
static void *
health_main(void *payload)
{
	struct cs_server *s = payload;
	struct cs_error err = CS_ERROR_INIT;
	struct cs_store *store = NULL;
	struct timespec ts;
	bool quit = false;

	while (!quit) {
		if (store == NULL &&
		    cs_store_open(&store, s->opts.database_url, &err) < 0) {
			pthread_mutex_lock(&s->health_lock);
			cs_str_copy(s->health_error, cs_error_msg(&err),
			    sizeof(s->health_error));
			pthread_mutex_unlock(&s->health_lock);
			cs_error_clear(&err);
		}
		if (store != NULL)
			health_check(s, store);
		pthread_mutex_lock(&s->health_lock);
		clock_gettime(CLOCK_MONOTONIC, &ts);
		ts.tv_sec += CS_HEALTH_EVERY_MS / 1000;
		if (!s->health_quit)
			pthread_cond_timedwait(
			    &s->health_wake, &s->health_lock, &ts);
		quit = s->health_quit;
		pthread_mutex_unlock(&s->health_lock);
	}
	cs_store_free(store);
	return NULL;
}

bool
cs_server_health(struct cs_server *s, int *version, const char **backend,
    char *error, size_t size)
{
	int64_t age;
	bool ok;

	pthread_mutex_lock(&s->health_lock);
	age = cs_mono_ms() - s->health_ok_ms;
	ok = s->health_ok_ms != 0 && age <= CS_HEALTH_STALE_MS;
	*version = s->health_version;
	*backend = s->health_backend;
	if (s->health_error[0] != '\0')
		cs_str_copy(error, s->health_error, size);
	else
		snprintf(error, size, "no answer for %lld s",
		    (long long)(age / 1000));
	pthread_mutex_unlock(&s->health_lock);
	return ok;
}

/* ---- Start and stop --------------------------------------------------- */

static char *
random_token(void)
{
	unsigned char raw[24];
	char *out = cs_xmalloc(sizeof(raw) * 2 + 1);
	size_t i;

	if (RAND_bytes(raw, sizeof(raw)) != 1)
		abort();
	for (i = 0; i < sizeof(raw); i++)
		snprintf(out + i * 2, 3, "%02x", raw[i]);
	return out;
}

/* The syncs an earlier process of this instance left unfinished. */
static int
recover(struct cs_server *s, struct cs_error *err)
{
	struct cs_store *store = NULL;
	size_t closed = 0;
	int error;

	error = cs_pool_get(s->pool, &store, err);
	if (error == 0)
		error =
		    cs_sync_recover(store, s->owner, cs_now_ms(), &closed, err);
	if (error == 0)
		health_check(
		    s, store); /* /healthz has an answer from the start */
	cs_pool_put(s->pool, store);
	if (closed > 0)
		cs_log_info("serve",
		    "closed %zu unfinished sync run%s of processes that are "
		    "gone (this is %s)",
		    closed, closed == 1 ? "" : "s", s->owner);
	return error;
}

/* Raise the soft limit of open files to the hard one: each connection is
 * a descriptor. The connection limit stays under what is allowed. */
static unsigned
connection_limit(unsigned wanted)
{
	struct rlimit rl;
	rlim_t room;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return wanted;
	if (rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
			getrlimit(RLIMIT_NOFILE, &rl);
	}
	if (rl.rlim_cur == RLIM_INFINITY)
		return wanted;
	/* The database, the logs, the handlers' own sockets. */
	room = rl.rlim_cur > 256 ? rl.rlim_cur - 256 : rl.rlim_cur / 2;
	if ((rlim_t)wanted > room) {
		cs_log_warn("serve",
		    "at most %llu connections: the limit of open files is "
		    "%llu",
		    (unsigned long long)room, (unsigned long long)rl.rlim_cur);
		return (unsigned)room;
	}
	return wanted;
}

/* glibc gives the top of a thread's heap back to the kernel as soon as
 * 128 KiB are free there (madvise), and each time every CPU running the
 * process flushes its TLB: with 64 handler threads allocating and freeing
 * per request, that was a third of serve's time under webhook load (perf,
 * bench/run webhooks). Keep up to TRIM_THRESHOLD free at the top of each
 * heap instead (CS_MALLOC_TRIM_THRESHOLD): far above what requests free,
 * below what a big sync does.
 *
 * Each thread allocates from an arena of its own, up to 8 a core, and a
 * thread's arena keeps what the thread freed: its top up to the threshold,
 * and free chunks in its middle until malloc_trim(0), which the sync calls
 * after a big one (service/sync.c) but which does not shrink the top of a
 * thread's arena. Each API sync runs on new threads that land on the next
 * arena in turn, so each big sync left its peak in another one: 223 MiB
 * after 12 syncs of 60,000 NFTs on 2 cores, 16 arenas, and as much again
 * on a machine with more cores (docs/internals/soak.md). CS_MALLOC_ARENAS
 * arenas bound that to a few syncs' worth on any machine. */

static void
tune_malloc(void)
{
#ifdef M_TRIM_THRESHOLD
	mallopt(M_TRIM_THRESHOLD, CS_MALLOC_TRIM_THRESHOLD);
#endif
#ifdef M_ARENA_MAX
	mallopt(M_ARENA_MAX, CS_MALLOC_ARENAS);
#endif
}

static int
start_threads(struct cs_server *s, struct cs_error *err)
{
	struct cs_workers *w;
	pthread_condattr_t attr;
	size_t i;

	tune_malloc();
	w = cs_xcalloc(1, sizeof(*w));
	s->workers = w;
	pthread_mutex_init(&w->lock, NULL);
	pthread_cond_init(&w->work, NULL);
	pthread_cond_init(&w->idle, NULL);
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&w->tick, &attr);
	pthread_cond_init(&s->health_wake, &attr);
	pthread_condattr_destroy(&attr);
	w->threads = cs_xcalloc(s->opts.http_workers, sizeof(*w->threads));
	for (i = 0; i < s->opts.http_workers; i++) {
		if (pthread_create(&w->threads[i], NULL, worker_main, s) != 0)
			return cs_error_set(
			    err, CS_ERROR, "cannot start the handler threads");
		w->nthreads++;
	}
	if (pthread_create(&w->ticker, NULL, ticker_main, s) != 0)
		return cs_error_set(err, CS_ERROR, "cannot start a thread");
	w->ticker_started = true;
	if (pthread_create(&s->health_thread, NULL, health_main, s) != 0)
		return cs_error_set(err, CS_ERROR, "cannot start a thread");
	s->health_started = true;
	return 0;
}

/* A background sync's chain verifier, and the end of its slot. */
static struct cs_verifier *
job_verifier(void *payload)
{
	return cs_server_verifier(payload);
}

static void
job_end(void *payload)
{
	cs_server_sync_end(payload);
}

int
cs_server_start(struct cs_server **out, const struct cs_server_opts *opts,
    struct cs_error *err)
{
	struct cs_webhook_sink_opts so;
	struct cs_scheduler_opts sched;
	struct cs_sync_jobs_env jenv;
	struct sockaddr_storage ss;
	const union MHD_DaemonInfo *di;
	struct cs_server *s;
	socklen_t sslen = 0;
	bool loopback = false;
	char host[64];
	int error;

	*out = NULL;
	error = parse_listen(opts->listen, &ss, &sslen, &loopback, err);
	if (error < 0)
		return error;
	if (!loopback &&
	    (opts->admin_token == NULL || strlen(opts->admin_token) < 16))
		return cs_error_set(err, CS_EINVAL,
		    "refusing to listen on %s without an admin token of 16 "
		    "characters or more: set CS_ADMIN_TOKEN",
		    opts->listen);
	s = cs_xcalloc(1, sizeof(*s));
	s->opts = *opts;
	s->opts.pool_size =
	    opts->pool_size > 0 ? opts->pool_size : CS_SERVE_POOL_SIZE;
	s->opts.http_threads =
	    or_default(opts->http_threads, CS_SERVE_LOOP_THREADS);
	/* Most of them wait on the webhook writer's commit; the more wait,
	 * the more webhooks each commit carries. */
	s->opts.http_workers =
	    or_default(opts->http_workers, CS_SERVE_HANDLERS);
	s->opts.max_connections = connection_limit(
	    or_default(opts->max_connections, CS_SERVE_MAX_CONNECTIONS));
	s->opts.max_client_connections = or_default(
	    opts->max_client_connections, CS_SERVE_MAX_CLIENT_CONNECTIONS);
	s->opts.header_timeout_s =
	    or_default(opts->header_timeout_s, CS_SERVE_HEADER_TIMEOUT_S);
	s->opts.idle_timeout_s =
	    or_default(opts->idle_timeout_s, CS_SERVE_IDLE_TIMEOUT_S);
	s->opts.max_syncs = or_default(opts->max_syncs, CS_SERVE_MAX_SYNCS);
	if (s->opts.pool_wait_ms <= 0)
		s->opts.pool_wait_ms = CS_SERVE_POOL_WAIT_MS;
	if (opts->admin_token != NULL) {
		s->admin_token = cs_xstrdup(opts->admin_token);
	} else {
		s->admin_token = random_token();
		s->token_generated = true;
	}
	cs_log_secret(s->admin_token);
	cs_str_copy(s->owner, opts->owner != NULL ? opts->owner : "serve",
	    sizeof(s->owner));
	if (opts->nmkr != NULL) {
		s->nmkr = *opts->nmkr;
		s->nmkr.on_attempt = cs_metrics_upstream;
		s->has_nmkr = true;
	}
	if (opts->blockfrost != NULL) {
		s->blockfrost = *opts->blockfrost;
		s->blockfrost.on_attempt = cs_metrics_upstream;
		s->has_blockfrost = true;
	}
	pthread_mutex_init(&s->lock, NULL);
	pthread_mutex_init(&s->health_lock, NULL);
	s->conns = cs_xcalloc(1, sizeof(*s->conns));
	pthread_mutex_init(&s->conns->lock, NULL);
	error = cs_proxies_parse(opts->trusted_proxies, &s->proxies, err);
	if (error < 0)
		goto fail;
	error =
	    cs_pool_new(&s->pool, opts->database_url, s->opts.pool_size, err);
	if (error < 0)
		goto fail;
	error = recover(s, err);
	if (error < 0)
		goto fail;
	memset(&jenv, 0, sizeof(jenv));
	jenv.pool = s->pool;
	jenv.pool_wait_ms = s->opts.pool_wait_ms;
	jenv.nmkr = s->nmkr;
	jenv.owner = s->owner;
	jenv.verifier = job_verifier;
	jenv.on_end = job_end;
	jenv.payload = s;
	cs_sync_jobs_new(&s->jobs, &jenv);
	memset(&so, 0, sizeof(so));
	so.store_url = opts->database_url;
	so.secret_grace_ms = opts->webhook_secret_grace_ms;
	so.zone = opts->nmkr != NULL ? opts->nmkr->zone : NULL;
	error = cs_webhook_sink_new(&s->sink, &so, err);
	if (error < 0)
		goto fail;
	if (opts->public_rate > 0)
		s->ratelimit = cs_ratelimit_new(opts->public_rate);
	if (opts->webhook_refused_rate > 0)
		s->refusals = cs_ratelimit_new(opts->webhook_refused_rate);
	error = start_threads(s, err);
	if (error < 0)
		goto fail;
	s->daemon =
	    MHD_start_daemon(MHD_USE_EPOLL_INTERNAL_THREAD |
	                         MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG,
	        0, on_accept, s, on_access, s, MHD_OPTION_EXTERNAL_LOGGER,
	        on_mhd_log, NULL, MHD_OPTION_SOCK_ADDR, &ss,
	        MHD_OPTION_THREAD_POOL_SIZE, s->opts.http_threads,
	        MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
	        MHD_OPTION_NOTIFY_CONNECTION, on_connection, s,
	        MHD_OPTION_CONNECTION_LIMIT, s->opts.max_connections,
	        MHD_OPTION_CONNECTION_TIMEOUT, s->opts.idle_timeout_s,
	        MHD_OPTION_END);
	if (s->daemon == NULL) {
		error = cs_error_set(err, CS_ERROR,
		    "cannot listen on %s (in use, or not an address of this "
		    "machine)",
		    opts->listen);
		goto fail;
	}
	di = MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
	s->port = di != NULL ? di->port : 0;
	if (ss.ss_family == AF_INET6) {
		inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&ss)->sin6_addr,
		    host, sizeof(host));
		snprintf(
		    s->url, sizeof(s->url), "http://[%s]:%d", host, s->port);
	} else {
		inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr, host,
		    sizeof(host));
		snprintf(s->url, sizeof(s->url), "http://%s:%d", host, s->port);
	}
	if (!opts->no_background) {
		memset(&sched, 0, sizeof(sched));
		sched.pool = s->pool;
		sched.nmkr = s->has_nmkr ? &s->nmkr : NULL;
		sched.blockfrost = s->has_blockfrost ? &s->blockfrost : NULL;
		sched.owner = s->owner;
		sched.schedule = opts->schedule;
		sched.sweep_every_ms = opts->sweep_every_ms;
		sched.webhook_retention_ms = opts->webhook_retention_ms;
		sched.report_retention_ms = opts->report_retention_ms;
		sched.alert.url = opts->alert_url;
		sched.alert.every_ms = opts->alert_every_ms;
		sched.alert.webhook_silence_ms = opts->alert_silence_ms;
		sched.chain_rate = opts->chain_rate;
		sched.chain_recheck_ms = opts->chain_recheck_ms;
		error = cs_scheduler_start(&s->scheduler, &sched, err);
		if (error < 0)
			goto fail;
	}
	*out = s;
	return 0;
fail:
	cs_server_stop(s);
	cs_server_free(s);
	return error;
}

/* Wait until no request is queued or handled and no connection sleeps,
 * with nothing suspended from now on (at most 60 s: a handler stuck on an
 * upstream is not waited for forever). */
static void
drain_workers(struct cs_workers *w)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += 60;
	pthread_mutex_lock(&w->lock);
	w->no_suspend = true;
	pthread_cond_broadcast(&w->tick);
	while (w->head != NULL || w->busy > 0 || w->sleeping > 0) {
		if (pthread_cond_timedwait(&w->idle, &w->lock, &ts) != 0)
			break;
	}
	pthread_mutex_unlock(&w->lock);
}

static void
stop_threads(struct cs_server *s)
{
	struct cs_workers *w = s->workers;
	size_t i;

	if (s->health_started) {
		pthread_mutex_lock(&s->health_lock);
		s->health_quit = true;
		pthread_cond_broadcast(&s->health_wake);
		pthread_mutex_unlock(&s->health_lock);
		pthread_join(s->health_thread, NULL);
		s->health_started = false;
	}
	if (w == NULL)
		return;
	pthread_mutex_lock(&w->lock);
	w->quit = true;
	w->no_suspend = true;
	pthread_cond_broadcast(&w->work);
	pthread_cond_broadcast(&w->tick);
	pthread_mutex_unlock(&w->lock);
	for (i = 0; i < w->nthreads; i++)
		pthread_join(w->threads[i], NULL);
	w->nthreads = 0;
	if (w->ticker_started)
		pthread_join(w->ticker, NULL);
	w->ticker_started = false;
}

void
cs_server_stop(struct cs_server *s)
{
	MHD_socket listen_fd = MHD_INVALID_SOCKET;

	if (s == NULL)
		return;
	pthread_mutex_lock(&s->lock);
	if (s->stopping) {
		pthread_mutex_unlock(&s->lock);
		return;
	}
	s->stopping = true;
	pthread_mutex_unlock(&s->lock);
	/* No new connections; those open finish their requests. The
	 * listening socket is ours to close once the daemon is stopped. */
	if (s->daemon != NULL)
		listen_fd = MHD_quiesce_daemon(s->daemon);
	cs_sync_jobs_drain(s->jobs);
	cs_scheduler_free(s->scheduler);
	s->scheduler = NULL;
	/* libmicrohttpd must not stop with a connection suspended: the
	 * handlers finish, the streams say goodbye. */
	if (s->workers != NULL)
		drain_workers(s->workers);
	if (s->daemon != NULL)
		MHD_stop_daemon(s->daemon);
	s->daemon = NULL;
	if (listen_fd != MHD_INVALID_SOCKET)
		close(listen_fd);
	stop_threads(s);
	cs_webhook_sink_free(s->sink);
	s->sink = NULL;
}

void
cs_server_free(struct cs_server *s)
{
	struct cs_workers *w;

	if (s == NULL)
		return;
	cs_server_stop(s);
	w = s->workers;
	if (w != NULL) {
		free(w->threads);
		pthread_cond_destroy(&w->tick);
		pthread_cond_destroy(&w->idle);
		pthread_cond_destroy(&w->work);
		pthread_mutex_destroy(&w->lock);
		free(w);
		pthread_cond_destroy(&s->health_wake);
	}
	conns_free(s->conns);
	cs_proxies_free(s->proxies);
	cs_pool_free(s->pool);
	cs_ratelimit_free(s->ratelimit);
	cs_ratelimit_free(s->refusals);
	if (s->admin_token != NULL)
		OPENSSL_cleanse(s->admin_token, strlen(s->admin_token));
	free(s->admin_token);
	pthread_mutex_destroy(&s->health_lock);
	cs_sync_jobs_free(s->jobs); /* after the streams that watch them */
	pthread_mutex_destroy(&s->lock);
	free(s);
}
