/* SPDX-License-Identifier: MIT */
/*
 * An HTTP client over the libcurl multi interface for the upstream APIs:
 * at most max_inflight requests at once, connect and total timeouts,
 * retries with exponential backoff and full jitter on 5xx, 429, timeouts and
 * dropped connections, Retry-After honoured on 429 and 503 (the whole client
 * pauses), response bodies capped, an optional token bucket shared by
 * every client of the process, and an optional circuit breaker that stops
 * sending after a run of failed attempts. Used by one thread at a time.
 */
#ifndef CS_CLIENTS_HTTP_H
#define CS_CLIENTS_HTTP_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/retry.h"
#include "util/buf.h"
#include "util/error.h"

struct cs_http;
struct cs_http_req;

/* A token bucket that several clients (and threads) share. */
struct cs_http_limiter {
	pthread_mutex_t lock;
	struct cs_bucket bucket;
};

/** Initialize a limiter of rate tokens per second and burst capacity. */
void cs_http_limiter_init(struct cs_http_limiter *l, double rate, double burst);

/* Called after every attempt, for metrics. status is 0 without an answer. */
typedef void (*cs_http_attempt_cb)(
    const char *name, int status, int64_t elapsed_us, void *payload);

struct cs_http_opts {
	const char *name;           /* for messages and logs: "nmkr" */
	const char *base_url;       /* e.g. "https://studio-api.nmkr.io" */
	const char *const *headers; /* "Name: value", NULL-ended; borrowed */
	int max_inflight;
	long connect_timeout_ms;
	long total_timeout_ms;
	size_t max_body;
	struct cs_backoff backoff;
	struct cs_http_limiter *limiter; /* optional; borrowed */
	cs_http_attempt_cb on_attempt;   /* optional */
	void *on_attempt_payload;
	/* The circuit breaker: after this many failed attempts in a row (5xx,
	 * 429, timeouts, dropped connections; a 2xx resets the run) nothing
	 * more is sent until cs_http_usage_reset(). 0: no breaker. */
	int breaker_failures;
};

/* What the client has spent since cs_http_new() or cs_http_usage_reset(). */
struct cs_http_usage {
	int64_t sent;    /* attempts sent, retries included */
	int64_t failed;  /* attempts without a 2xx answer */
	int64_t refused; /* requests failed unsent: the circuit was open */
	bool circuit_open;
};

/** Defaults from util/limits.h; set name, base_url and headers. */
void cs_http_opts_init(struct cs_http_opts *o);

/* Called once per request when it is finally done (after any retries). It
 * may submit more requests to the same client. */
typedef void (*cs_http_cb)(struct cs_http *h, struct cs_http_req *r);

struct cs_http_req {
	/* In. */
	const char *method; /* NULL: GET */
	char path[1024];    /* appended to base_url, query included */
	const char *body;   /* POST body, borrowed until done */
	size_t body_len;
	cs_http_cb cb;
	void *payload;

	/* Out, valid in the callback. */
	int error; /* 0 or a negative enum cs_err */
	struct cs_error err;
	int status; /* last HTTP status, 0 if none */
	struct cs_buf body_out;
	int attempts;

	/* Private. */
	int64_t _not_before_us;
	int64_t _started_us;
	int64_t _retry_after_ms;
	int64_t _date_ms; /* the answer's Date header, or 0 */
	bool _too_big;
	void *_easy;
	struct cs_http_req *_next;
};

/**
 * @param out caller owns, cs_http_free()
 * @return 0 or CS_ERROR (libcurl could not start)
 */
CS_NODISCARD int cs_http_new(struct cs_http **out,
    const struct cs_http_opts *opts, struct cs_error *err);

void cs_http_free(struct cs_http *h);

/**
 * Queue r (owned by the caller, untouched until its callback) to start as
 * soon as a slot, the limiter and any pause allow. Resets r's outputs.
 */
void cs_http_submit(struct cs_http *h, struct cs_http_req *r);

/**
 * Run until every submitted request, including those the callbacks submit,
 * is done. @return 0, or CS_ERROR if the multi interface itself failed
 */
CS_NODISCARD int cs_http_run(struct cs_http *h, struct cs_error *err);

/**
 * Fail every request not yet done with code and message (their callbacks
 * run from cs_http_run()). For an upstream that says stop (Blockfrost 402,
 * 418).
 */
void cs_http_cancel_all(struct cs_http *h, int code, const char *why);

/**
 * Fail every request not yet sent with code and message; those in flight
 * finish (their callbacks, like the failed ones', run from cs_http_run()).
 */
void cs_http_cancel_waiting(struct cs_http *h, int code, const char *why);

/**
 * One request, synchronously: submit r and run. r->cb may be NULL.
 * @return r->error
 */
CS_NODISCARD int cs_http_do(struct cs_http *h, struct cs_http_req *r);

/** Free r's response body. */
void cs_http_req_dispose(struct cs_http_req *r);

/** Most requests that were in flight at once since cs_http_new(). */
int cs_http_max_inflight_seen(const struct cs_http *h);

/** The Date header (ms) of the last answer that had one, or 0: the
 * server's clock, to a second. */
int64_t cs_http_last_date(const struct cs_http *h);

/** What was spent since cs_http_new() or the last cs_http_usage_reset(). */
void cs_http_usage(const struct cs_http *h, struct cs_http_usage *out);

/** Zero the usage and close the circuit (a new budget). */
void cs_http_usage_reset(struct cs_http *h);

#endif
