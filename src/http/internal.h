/* SPDX-License-Identifier: MIT */
/*
 * Shared by the files of src/http: the server's state, one request as a
 * handler sees it, the route table's shape, and the reply helpers
 * (json_reply.c). Not for use outside src/http.
 */
#ifndef CS_HTTP_INTERNAL_H
#define CS_HTTP_INTERNAL_H

#include <cjson/cJSON.h>
#include <microhttpd.h>
#include <pthread.h>
#include <sys/socket.h>
#include <stdbool.h>
#include <stdint.h>

#include "http/http.h"
#include "service/pool.h"
#include "service/scheduler.h"
#include "service/sync_job.h"
#include "service/webhook.h"
#include "util/buf.h"
#include "util/error.h"

struct cs_ratelimit;
struct cs_proxies;
struct cs_conns;
struct cs_workers;

struct cs_server {
	struct cs_server_opts opts;
	struct MHD_Daemon *daemon;
	struct cs_pool *pool;
	struct cs_webhook_sink *sink;
	struct cs_scheduler *scheduler;
	struct cs_ratelimit *ratelimit;
	struct cs_ratelimit *refusals; /* refused webhooks per client */
	struct cs_nmkr_opts nmkr;
	bool has_nmkr;
	struct cs_blockfrost_opts blockfrost;
	bool has_blockfrost;
	char *admin_token;
	bool token_generated;
	char url[96];
	int port;
	char owner[64];

	/* Syncs started with ?async=1 (service/sync_job.h), which stop()
	 * waits for; stopping is under lock. */
	struct cs_sync_jobs *jobs;
	pthread_mutex_t lock;
	bool stopping;

	/* The event loop (server.c): CS_TRUSTED_PROXIES, the connections
	 * per client and their header deadlines, the handler threads and
	 * the connections asleep (suspended) until a time. */
	struct cs_proxies *proxies;
	struct cs_conns *conns;
	struct cs_workers *workers;
	/* Syncs running for HTTP requests, background or not (at most
	 * opts.max_syncs). */
	int syncs_running;
	/* /healthz answers from the last check of the health thread. */
	pthread_mutex_t health_lock;
	pthread_cond_t health_wake;
	pthread_t health_thread;
	bool health_started;
	bool health_quit;
	int health_version;
	int64_t health_ok_ms; /* monotonic time of the last good check */
	char health_error[160];
	const char *health_backend;
};

/* Route flags. */
#define CS_ROUTE_PUBLIC 0x1  /* no admin token */
#define CS_ROUTE_LIMITED 0x2 /* rate limited per client address */
#define CS_ROUTE_WEBHOOK 0x4 /* body up to CS_MAX_WEBHOOK_BODY */
#define CS_ROUTE_BIGBODY 0x8 /* body up to CS_MAX_CSV_FILE (CSV import) */

#define CS_MAX_PARAMS 3

struct cs_req {
	struct cs_server *srv;
	struct MHD_Connection *conn;
	const char *method;
	const char *path;
	char params[CS_MAX_PARAMS][128];
	int nparams;
	const char *body;
	size_t body_len;
	char client[64];        /* cs_req_client() */
	char actor[72];         /* cs_req_actor() */
	struct cs_store *store; /* borrowed from the pool on first use */
	int64_t now;
	/* The response, once a reply helper ran. */
	struct MHD_Response *resp;
	int status;
};

typedef void (*cs_handler)(struct cs_req *r);

struct cs_route {
	const char *method;
	const char *pattern; /* "{}" matches one path segment */
	cs_handler handler;
	unsigned flags;
};

/** The route for method and path, filling params; NULL if none.
 * *path_known says whether another method would have matched (405). */
const struct cs_route *cs_router_match(
    const char *method, const char *path, struct cs_req *r, bool *path_known);

/** The methods routed for path, as an Allow header value ("GET, HEAD"). */
void cs_router_allow(const char *path, char *out, size_t size);

/* ---- Replies (json_reply.c) ------------------------------------------ */

/** Answer status with a JSON body (takes ownership of body). */
void cs_reply_json(struct cs_req *r, int status, cJSON *body);

/** Answer {"error":{"code","message"}}. */
void cs_reply_error(struct cs_req *r, int status, const char *code,
    const char *fmt, ...) CS_PRINTF(4, 5);

/** Answer an error from its code: 404, 409, 400, 413, 502, 503, 500. */
void cs_reply_err(struct cs_req *r, const struct cs_error *err);

/** Answer with bytes (copied) and a content type. */
void cs_reply_bytes(struct cs_req *r, int status, const char *type,
    const void *data, size_t len);

/** Add a header to the response made by the last reply. */
void cs_reply_header(struct cs_req *r, const char *name, const char *value);

/* ---- Request helpers --------------------------------------------------- */

/** A query argument, URL-decoded, or NULL. */
const char *cs_req_query(struct cs_req *r, const char *name);

/** Path parameter i as a positive id; replies 404 and returns false if it
 * is not one. */
bool cs_req_id(struct cs_req *r, int i, int64_t *out);

/** The body as a JSON object; replies 400 and returns NULL otherwise.
 * Caller owns the result. */
cJSON *cs_req_json(struct cs_req *r);

/** The request's store connection; replies 503 and returns NULL if none
 * can be had. */
struct cs_store *cs_req_store(struct cs_req *r);

/** A query flag: "1", "true" or "yes". */
bool cs_req_flag(struct cs_req *r, const char *name);

/* The largest integer a JSON number (a double) holds exactly: 2^53. */
#define CS_JSON_INT_MAX 9007199254740992LL

/** v as an integer from min to max (within +-CS_JSON_INT_MAX); false,
 * with *out untouched, when it is not a number, has a fraction or is out
 * of range. */
bool cs_json_int(const cJSON *v, int64_t min, int64_t max, int64_t *out);

/* ---- Route groups ------------------------------------------------------ */

void cs_route_healthz(struct cs_req *r);
void cs_route_metrics(struct cs_req *r);
void cs_route_openapi(struct cs_req *r);
void cs_route_web(struct cs_req *r);

void cs_route_campaigns_list(struct cs_req *r);
void cs_route_campaigns_create(struct cs_req *r);
void cs_route_campaign_get(struct cs_req *r);
void cs_route_campaign_update(struct cs_req *r);
void cs_route_campaign_delete(struct cs_req *r);
void cs_route_campaign_activate(struct cs_req *r);
void cs_route_campaign_deactivate(struct cs_req *r);
void cs_route_campaign_counters(struct cs_req *r);
void cs_route_campaign_allowlist(struct cs_req *r);
void cs_route_campaign_health(struct cs_req *r);
void cs_route_campaign_history(struct cs_req *r);
void cs_route_campaign_series(struct cs_req *r);
void cs_route_campaign_webhook_register(struct cs_req *r);
void cs_route_campaign_webhook_status(struct cs_req *r);
void cs_route_campaign_webhook_unregister(struct cs_req *r);
void cs_route_campaign_webhook_rotate(struct cs_req *r);
void cs_route_campaign_webhooks(struct cs_req *r);
void cs_route_campaign_alerts(struct cs_req *r);
void cs_route_public_campaign(struct cs_req *r);

void cs_route_inventory(struct cs_req *r);
void cs_route_inventory_csv(struct cs_req *r);
void cs_route_sync_log_discrepancies_csv(struct cs_req *r);
void cs_route_import(struct cs_req *r);
void cs_route_repair_links(struct cs_req *r);
void cs_route_nft_get(struct cs_req *r);
void cs_route_nft_status(struct cs_req *r);

void cs_route_sync(struct cs_req *r);
void cs_route_sync_progress(struct cs_req *r);
void cs_route_sync_events(struct cs_req *r);
void cs_route_sync_logs(struct cs_req *r);
void cs_route_sync_log_get(struct cs_req *r);

void cs_route_verify(struct cs_req *r);
void cs_route_chain_coverage(struct cs_req *r);

void cs_route_review_list(struct cs_req *r);
void cs_route_review_resolve(struct cs_req *r);
void cs_route_review_resolve_all(struct cs_req *r);

void cs_route_reserve(struct cs_req *r);
void cs_route_webhook_nmkr(struct cs_req *r);

/* ---- Client addresses (client.c) -------------------------------------- */

/**
 * The client a request comes from, as the per-client rate limits and caps
 * count it: the address of the TCP peer, or, when that peer is a trusted
 * proxy (CS_TRUSTED_PROXIES), the last address of X-Forwarded-For that is
 * not one (each trusted hop vouches for the one before it; a hop that is
 * not an address stops the walk). Printed as inet_ntop() does, IPv4-mapped
 * IPv6 as IPv4. Computed once per request by the server.
 */
const char *cs_req_client(const struct cs_req *r);

/** Who asks, for the service's log of an operator's writes: "api ADDR". */
const char *cs_req_actor(struct cs_req *r);

/** The computation behind cs_req_client(): out gets "?" when peer is not
 * IPv4 or IPv6. forwarded_for may be NULL. */
void cs_client_address(const struct cs_proxies *p, const struct sockaddr *peer,
    const char *forwarded_for, char *out, size_t size);

/** Parse CS_TRUSTED_PROXIES: addresses and CIDR networks separated by
 * commas or spaces ("10.0.0.1, 10.0.0.0/8 fd00::/8"). NULL or "": none.
 * @param out caller owns, cs_proxies_free() */
CS_NODISCARD int cs_proxies_parse(
    const char *list, struct cs_proxies **out, struct cs_error *err);

void cs_proxies_free(struct cs_proxies *p);

/** Whether sa is a trusted proxy (p may be NULL: none is). */
bool cs_proxies_trust(const struct cs_proxies *p, const struct sockaddr *sa);

/** sa as 16 bytes (IPv4 as IPv4-mapped IPv6); false if neither family. */
bool cs_client_key(const struct sockaddr *sa, unsigned char out[16]);

/* ---- Rate limiting (ratelimit.c) -------------------------------------- */

struct cs_ratelimit *cs_ratelimit_new(long per_minute);
void cs_ratelimit_free(struct cs_ratelimit *l);

/** Take a token for client; 0 when allowed, else the seconds to wait. */
int cs_ratelimit_take(
    struct cs_ratelimit *l, const char *client, int64_t now_us);

/** As cs_ratelimit_take() without taking: whether client has a token. */
int cs_ratelimit_peek(
    struct cs_ratelimit *l, const char *client, int64_t now_us);

/** A webhook body over the cap (413): recorded and counted as refused,
 * or only counted when the client is over its refused webhooks. */
void cs_route_webhook_too_big(struct cs_req *r);

/* ---- Sync runs in the background (routes_sync.c) ---------------------- */

/** Take one of the opts.max_syncs slots of syncs run for HTTP requests;
 * false, with a 503 and Retry-After, when all are taken. */
bool cs_server_sync_begin(struct cs_req *r);

/** Give a slot of cs_server_sync_begin() back. */
void cs_server_sync_end(struct cs_server *s);

/**
 * Suspend conn (from its access handler or content reader) and resume it
 * after ms milliseconds, so that a stream that waits holds no thread of
 * the event loop. False when the server is stopping: nothing suspended.
 */
/**
 * Resume a connection that sleeps (cs_server_sleep()) now, as if its time
 * had come; nothing when it does not sleep. Any thread.
 */
void cs_server_wake(struct cs_server *s, struct MHD_Connection *conn);

bool cs_server_sleep(
    struct cs_server *s, struct MHD_Connection *conn, int64_t ms);

/** The last database check of the health thread: true when it answered
 * within the last few seconds; else error says why. */
bool cs_server_health(struct cs_server *s, int *version, const char **backend,
    char *error, size_t size);

/** An NMKR client for a request (NULL and a reply when not configured). */
struct cs_nmkr *cs_req_nmkr(struct cs_req *r);

struct cs_verifier;

/** A chain verifier for one sync or one request, or NULL when Blockfrost
 * is not configured (or the verifier cannot be made: logged). */
struct cs_verifier *cs_server_verifier(struct cs_server *s);

#endif
