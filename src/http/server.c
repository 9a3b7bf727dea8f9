/* SPDX-License-Identifier: MIT */
/*
 * The libmicrohttpd glue: a thread per connection (a handler may wait on
 * the database or on the webhook writer's commit without holding up other
 * connections), the route table, admin tokens compared in constant time,
 * body caps (413), the per-client rate limit of public routes, and an
 * orderly stop. See http.h.
 */
#include "http/internal.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <openssl/sha.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "service/metrics.h"
#include "service/sync.h"
#include "util/limits.h"
#include "util/log.h"
#include "util/str.h"
#include "util/time.h"
#include "util/xalloc.h"
#include "util/banned.h"

/* Per connection, from the first call of the access handler to the end. */
struct conn_ctx {
	const struct cs_route *route;
	struct cs_buf body;
	bool too_big;
	bool answered; /* refused before the body was read */
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

static void
client_address(struct MHD_Connection *conn, char *out, size_t size)
{
	const union MHD_ConnectionInfo *ci;
	const struct sockaddr *sa;

	cs_str_copy(out, "?", size);
	ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (ci == NULL || ci->client_addr == NULL)
		return;
	sa = ci->client_addr;
	if (sa->sa_family == AF_INET)
		inet_ntop(AF_INET,
		    &((const struct sockaddr_in *)(const void *)sa)->sin_addr,
		    out, (socklen_t)size);
	else if (sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6,
		    &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr,
		    out, (socklen_t)size);
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
		wait = cs_ratelimit_take(s->ratelimit, r->client, cs_mono_us());
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
		if (ctx->route->flags & CS_ROUTE_WEBHOOK)
			cs_route_webhook_too_big(r);
		cs_reply_error(r, 413, "too_big", "the body is over %zu bytes",
		    body_cap(ctx->route->flags));
		return false;
	}
	cs_buf_init(&ctx->body, body_cap(ctx->route->flags));
	return true;
}

static enum MHD_Result
on_access(void *cls, struct MHD_Connection *conn, const char *url,
    const char *method, const char *version, const char *upload_data,
    size_t *upload_data_size, void **con_cls)
{
	struct cs_server *s = cls;
	struct conn_ctx *ctx = *con_cls;
	struct cs_req r;
	enum MHD_Result ret;

	(void)version;
	memset(&r, 0, sizeof(r));
	r.srv = s;
	r.conn = conn;
	r.method = method;
	r.path = url;
	r.now = cs_now_ms();
	client_address(conn, r.client, sizeof(r.client));
	if (ctx == NULL) {
		ctx = cs_xcalloc(1, sizeof(*ctx));
		*con_cls = ctx;
		if (!admit(s, &r, ctx)) {
			ctx->answered = true;
			return send_reply(&r);
		}
		return MHD_YES;
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
	cs_router_match(method, url, &r, &(bool){false});
	if (ctx->too_big) {
		if (ctx->route->flags & CS_ROUTE_WEBHOOK)
			cs_route_webhook_too_big(&r);
		cs_reply_error(&r, 413, "too_big", "the body is over %zu bytes",
		    ctx->body.max);
		return send_reply(&r);
	}
	r.body = cs_buf_cstr(&ctx->body);
	r.body_len = ctx->body.len;
	ctx->route->handler(&r);
	ret = send_reply(&r);
	if (r.store != NULL)
		cs_pool_put(s->pool, r.store);
	return ret;
}

static void
on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
    enum MHD_RequestTerminationCode toe)
{
	struct conn_ctx *ctx = *con_cls;

	(void)cls;
	(void)conn;
	(void)toe;
	if (ctx == NULL)
		return;
	cs_buf_dispose(&ctx->body);
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
	cs_pool_put(s->pool, store);
	if (closed > 0)
		cs_log_info("serve",
		    "closed %zu unfinished sync run%s of processes that are "
		    "gone (this is %s)",
		    closed, closed == 1 ? "" : "s", s->owner);
	return error;
}

int
cs_server_start(struct cs_server **out, const struct cs_server_opts *opts,
    struct cs_error *err)
{
	struct cs_webhook_sink_opts so;
	struct cs_scheduler_opts sched;
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
	pthread_cond_init(&s->idle, NULL);
	error = cs_pool_new(&s->pool, opts->database_url,
	    opts->pool_size > 0 ? opts->pool_size : 16, err);
	if (error < 0)
		goto fail;
	error = recover(s, err);
	if (error < 0)
		goto fail;
	memset(&so, 0, sizeof(so));
	so.store_url = opts->database_url;
	so.secret_grace_ms = opts->webhook_secret_grace_ms;
	error = cs_webhook_sink_new(&s->sink, &so, err);
	if (error < 0)
		goto fail;
	if (opts->public_rate > 0)
		s->ratelimit = cs_ratelimit_new(opts->public_rate);
	if (opts->webhook_refused_rate > 0)
		s->refusals = cs_ratelimit_new(opts->webhook_refused_rate);
	s->daemon = MHD_start_daemon(
	    MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD |
	        MHD_USE_POLL | MHD_USE_ITC | MHD_USE_ERROR_LOG,
	    0, NULL, NULL, on_access, s, MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log,
	    NULL, MHD_OPTION_SOCK_ADDR, &ss, MHD_OPTION_NOTIFY_COMPLETED,
	    on_completed, s, MHD_OPTION_CONNECTION_LIMIT, (unsigned)1000,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)120, MHD_OPTION_END);
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

void
cs_server_stop(struct cs_server *s)
{
	if (s == NULL)
		return;
	pthread_mutex_lock(&s->lock);
	if (s->stopping) {
		pthread_mutex_unlock(&s->lock);
		return;
	}
	s->stopping = true;
	pthread_mutex_unlock(&s->lock);
	/* No new connections; those open finish their requests. */
	if (s->daemon != NULL)
		MHD_quiesce_daemon(s->daemon);
	pthread_mutex_lock(&s->lock);
	while (s->async_running > 0)
		pthread_cond_wait(&s->idle, &s->lock);
	pthread_mutex_unlock(&s->lock);
	cs_scheduler_free(s->scheduler);
	s->scheduler = NULL;
	if (s->daemon != NULL)
		MHD_stop_daemon(s->daemon);
	s->daemon = NULL;
	cs_webhook_sink_free(s->sink);
	s->sink = NULL;
}

void
cs_server_free(struct cs_server *s)
{
	if (s == NULL)
		return;
	cs_server_stop(s);
	cs_pool_free(s->pool);
	cs_ratelimit_free(s->ratelimit);
	cs_ratelimit_free(s->refusals);
	if (s->admin_token != NULL)
		OPENSSL_cleanse(s->admin_token, strlen(s->admin_token));
	free(s->admin_token);
	pthread_cond_destroy(&s->idle);
	pthread_mutex_destroy(&s->lock);
	free(s);
}
