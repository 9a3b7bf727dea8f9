/* SPDX-License-Identifier: MIT */
/*
 * campaign-sync serve: the JSON API, the Campaign Manager page, NMKR's
 * webhooks, /healthz and /metrics over libmicrohttpd, with the scheduler and
 * the sweeper running beside it. A static route table maps method and path
 * to one handler; handlers parse, validate, call the service and encode
 * JSON. Every error is {"error":{"code","message"}} with its status.
 */
#ifndef CS_HTTP_HTTP_H
#define CS_HTTP_HTTP_H

#include <stdbool.h>
#include <stdint.h>

#include "clients/blockfrost.h"
#include "clients/nmkr.h"
#include "util/error.h"

struct cs_server;

struct cs_server_opts {
	const char *listen; /* "127.0.0.1:8080", "[::1]:0", "0.0.0.0:80" */
	const char *database_url;
	const char *admin_token;         /* required off loopback */
	const struct cs_nmkr_opts *nmkr; /* NULL: no NMKR key */
	const char *schedule;            /* cron; NULL: no automatic sync */
	long public_rate;       /* public requests per minute per client */
	const char *owner;      /* instance name in sync_runs */
	size_t pool_size;       /* store connections; 0: 16 */
	int64_t sweep_every_ms; /* 0: 60 s; < 0: no sweeper */
	bool no_background;     /* no scheduler, no sweeper (tests) */
	const char *web_dir;    /* serve the page from disk (development) */
	/* Refused webhooks a minute from one client before they are answered
	 * 429 and no longer stored; 0: no limit. */
	long webhook_refused_rate;
	/* Webhook events older than this go (those a history row points at
	 * stay), pruned by the sweeper; 0: kept forever. */
	int64_t webhook_retention_ms;
	/* Stored sync reports older than this are dropped; 0: kept. */
	int64_t report_retention_ms;
	/* Alerts (service/alert.h), checked by the sweeper; url NULL: off. */
	const char *alert_url;
	int64_t alert_every_ms;
	int64_t alert_silence_ms;
	/* Blockfrost, for the chain step of syncs and POST .../verify; NULL:
	 * no chain verification. */
	const struct cs_blockfrost_opts *blockfrost;
	/* How long a rotated-out webhook secret is accepted after the
	 * rotation (CS_WEBHOOK_SECRET_GRACE); 0: 600 s; < 0: not at all. */
	int64_t webhook_secret_grace_ms;
	/* The HTTP layer; 0 picks the default. */
	const char *trusted_proxies;     /* CS_TRUSTED_PROXIES; NULL: none */
	unsigned http_threads;           /* event loop threads; 0: 2 */
	unsigned http_workers;           /* handler threads; 0: 64 */
	unsigned max_connections;        /* in all; 0: 4096 */
	unsigned max_client_connections; /* per client address; 0: 64 */
	unsigned header_timeout_s;       /* to send a request's headers; 0: 5 */
	unsigned idle_timeout_s; /* idle connection, between requests; 0: 30 */
	unsigned max_syncs;      /* syncs run for HTTP requests; 0: 4 */
	int64_t pool_wait_ms; /* a handler's wait for a connection; 0: 10 s */
	/* Benchmarks only (bench/floor_serve.c; no flag or variable sets it):
	 * POST /webhooks/nmkr answers 200 at once, verifying and storing
	 * nothing, so that bench/run measures the floor of the webhook rate
	 * through the same server. */
	bool bench_floor;
	/* The background verifier (with blockfrost): requests/s for every
	 * instance together, 0: off; re-check period, 0: a day. */
	double chain_rate;
	int64_t chain_recheck_ms;
};

void cs_server_opts_init(struct cs_server_opts *o);

/**
 * Open the store, start the threads, bind and listen. Refuses a
 * non-loopback address without an admin token (CS_EINVAL).
 *
 * @param out caller owns, cs_server_stop() then cs_server_free()
 */
CS_NODISCARD int cs_server_start(struct cs_server **out,
    const struct cs_server_opts *opts, struct cs_error *err);

/** The port bound (useful with port 0). */
int cs_server_port(const struct cs_server *s);

/** The URL to print: "http://127.0.0.1:8080". */
const char *cs_server_url(const struct cs_server *s);

/**
 * The admin token the server made up because none was configured (it
 * listens on loopback only then), or NULL. For the operator's eyes: print
 * it once on the terminal, never in a log.
 */
const char *cs_server_generated_token(const struct cs_server *s);

/**
 * Stop accepting connections, let running syncs finish (their transactions
 * are all or nothing), answer what is in flight, stop the background
 * threads, drain the webhook writer. Idempotent.
 */
void cs_server_stop(struct cs_server *s);

void cs_server_free(struct cs_server *s);

#endif
