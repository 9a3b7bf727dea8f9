/* SPDX-License-Identifier: MIT */
/*
 * cs_fakehttp: the HTTP server both fake upstreams are built on (curl's
 * sws.c idea). It runs a libmicrohttpd daemon on 127.0.0.1 with a thread per
 * connection, so injected latency never blocks another request, and adds what
 * every fake needs: a ring of the last 1000 upstream requests, per-endpoint
 * and per-status counters with the most requests in flight, fault injection
 * per endpoint name, global latency, and the shared control endpoints under
 * /__fake/ (faults, stats, requests). A fake supplies a classifier (path to
 * endpoint name), an upstream handler, a control handler and a function that
 * renders the upstream's own error body for a status.
 *
 * Upstream requests pass: stats, --latency-ms, the first matching fault,
 * then the handler; the fault may replace or mangle the response. Control
 * requests are never delayed, faulted, counted or recorded.
 */
#ifndef CS_FAKEHTTP_H
#define CS_FAKEHTTP_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "jsonw.h"
#include "util/error.h"

struct MHD_Connection;
struct cs_fakehttp;

#define CS_FAKE_CONTROL_PREFIX "/__fake/"
#define CS_FAKE_RING_SIZE 1000
#define CS_FAKE_MAX_BODY (4u * 1024u * 1024u)
#define CS_FAKE_MAX_RESPONSE (256u * 1024u * 1024u)
#define CS_FAKE_OVERSIZE_BYTES (16u * 1024u * 1024u)
#define CS_FAKE_JSON "application/json; charset=utf-8"

/* A received request. Every pointer is borrowed for the handler call. */
struct cs_fake_req {
	const char *method;
	const char *path;  /* percent-decoded, without the query */
	const char *query; /* raw query string without '?'; "" if none */
	const char *body;  /* NUL-terminated; "" if none */
	size_t body_len;
	const char *client_ip; /* the socket peer, e.g. "127.0.0.1" */
	const char *endpoint;  /* classifier's name; NULL for control */
	struct cs_fakehttp *server;
	struct MHD_Connection *_conn;
};

/* The answer a handler fills in. status 0 means "no handler matched". */
struct cs_fake_resp {
	int status;
	char *body; /* owned; NULL for an empty body */
	size_t len;
	const char *content_type; /* static; NULL = CS_FAKE_JSON if a body */
	int retry_after;          /* seconds for Retry-After; < 0 = none */
};

typedef void (*cs_fake_handler_fn)(
    struct cs_fake_resp *out, const struct cs_fake_req *req, void *payload);

/** Map a request to an endpoint name from opts.endpoints, or NULL. */
typedef const char *(*cs_fake_classify_fn)(
    const char *method, const char *path, void *payload);

/**
 * Fill out with the upstream's own error response for status (used by
 * injected faults); retry_after >= 0 when the fault asked for Retry-After.
 */
typedef void (*cs_fake_error_fn)(
    struct cs_fake_resp *out, int status, int retry_after, void *payload);

/** Append extra members to the /__fake/stats object. */
typedef void (*cs_fake_stats_fn)(struct cs_jw *w, void *payload);

/** Reset the fake's own counters (POST /__fake/stats/reset). */
typedef void (*cs_fake_reset_fn)(void *payload);

struct cs_fakehttp_opts {
	const char *name;             /* for log lines */
	const char *listen;           /* "127.0.0.1:PORT", PORT may be 0 */
	int latency_ms;               /* added to every upstream request */
	const char *const *endpoints; /* NULL-ended endpoint names */
	cs_fake_classify_fn classify; /* must provide */
	cs_fake_handler_fn upstream;  /* must provide */
	cs_fake_handler_fn control;   /* optional: other /__fake/ paths */
	cs_fake_error_fn error_body;  /* must provide */
	cs_fake_stats_fn stats_extra; /* optional */
	cs_fake_reset_fn stats_reset; /* optional */
	void *payload;                /* passed to every callback */
	int clock_offset_s; /* the Date header this far off our clock (a
	                       server whose clock is wrong); 0: MHD's own */
};

#define CS_FAKEHTTP_OPTS_INIT                                                  \
	{                                                                      \
		"fake", "127.0.0.1:0", 0, NULL, NULL, NULL, NULL, NULL, NULL,  \
		    NULL, NULL, 0                                              \
	}

/**
 * Block SIGINT, SIGTERM and SIGPIPE in the calling thread. Call first in
 * main, before anything may start a thread, so cs_fakehttp_wait() can take
 * the signals with sigwait().
 */
void cs_fakehttp_block_signals(void);

/**
 * Start the daemon.
 *
 * @param out caller owns *out, free with cs_fakehttp_free(); it is set
 *        before the first request can arrive, so handlers may read it
 * @param opts borrowed; the strings and endpoint list must outlive *out
 * @return 0, CS_EINVAL for a bad listen address, CS_ERROR if MHD failed
 */
CS_NODISCARD int cs_fakehttp_new(struct cs_fakehttp **out,
    const struct cs_fakehttp_opts *opts, struct cs_error *err);

/** The bound port. */
int cs_fakehttp_port(const struct cs_fakehttp *h);

/** Print "listening on 127.0.0.1:N\n" on stdout and flush it. */
void cs_fakehttp_announce(const struct cs_fakehttp *h);

/** Block until SIGINT or SIGTERM; @return the signal number */
int cs_fakehttp_wait(struct cs_fakehttp *h);

/** Stop the daemon (waits for running handlers) and free. NULL is fine. */
void cs_fakehttp_free(struct cs_fakehttp *h);

/** Sleep ms milliseconds, returning early once the server is stopping. */
void cs_fakehttp_sleep(struct cs_fakehttp *h, int64_t ms);

/** Borrowed flag that turns true when the server stops (for curl). */
const atomic_bool *cs_fakehttp_stopping(const struct cs_fakehttp *h);

/** Clear faults, counters and the request ring (each when asked). */
void cs_fakehttp_reset(
    struct cs_fakehttp *h, bool faults, bool stats, bool requests);

/** A request header (case-insensitive name), or NULL. Borrowed. */
const char *cs_fake_req_header(const struct cs_fake_req *r, const char *name);

/** A decoded query argument, or NULL. Borrowed. */
const char *cs_fake_req_arg(const struct cs_fake_req *r, const char *name);

/** Answer status with a copy of body (NULL for none). */
void cs_fake_resp_copy(struct cs_fake_resp *r, int status, const char *body);

/** Answer status with body, taking ownership of it (malloc'd). */
void cs_fake_resp_take(
    struct cs_fake_resp *r, int status, char *body, size_t len);

/**
 * Answer status with the writer's text (the writer is emptied). A writer
 * that overflowed becomes a 500.
 */
void cs_fake_resp_jw(struct cs_fake_resp *r, int status, struct cs_jw *w);

/** A control-interface error: {"error":"<message>"}. */
void cs_fake_resp_errorf(
    struct cs_fake_resp *r, int status, const char *fmt, ...) CS_PRINTF(3, 4);

/** Free the body and reset to "no answer". */
void cs_fake_resp_dispose(struct cs_fake_resp *r);

/**
 * Parse "HOST:PORT" where HOST is an IPv4 literal (127.0.0.1 expected).
 * @return 0 or CS_EINVAL
 */
CS_NODISCARD int cs_fake_parse_listen(const char *s, char host[64], int *port);

/**
 * Match "--flag value" or "--flag=value" at argv[*i], advancing *i past
 * the value. A flag without its value is a usage error: exit 64.
 */
bool cs_fake_flag(
    int argc, char **argv, int *i, const char *flag, const char **value);

/** An integer command-line value for flag in [min, max]; otherwise a usage
 * error on stderr and exit 64. */
int64_t cs_fake_flag_int(
    const char *flag, const char *s, int64_t min, int64_t max);

/**
 * Split path into at most max segments in place (empty segments dropped).
 * @return the number of segments, or -1 if there were more than max
 */
int cs_fake_split_path(char *path, char **segs, int max);

/**
 * Read a whole file (NUL-terminated). @return 0 or CS_ERROR; caller frees
 * *out
 */
CS_NODISCARD int cs_fake_read_file(const char *path, size_t max, char **out,
    size_t *len, struct cs_error *err);

#endif
