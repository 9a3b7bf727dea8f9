/* SPDX-License-Identifier: MIT */
/*
 * When to retry an upstream request and how long to wait: exponential
 * backoff with full jitter, Retry-After honoured, and a token bucket for
 * rate limits. Pure: the caller passes time and randomness in.
 */
#ifndef CS_CORE_RETRY_H
#define CS_CORE_RETRY_H

#include <stdbool.h>
#include <stdint.h>

#include "util/error.h"

/* What a finished attempt looked like. */
enum cs_attempt {
	CS_ATTEMPT_OK,      /* a 2xx answer */
	CS_ATTEMPT_HTTP,    /* an answer with status */
	CS_ATTEMPT_TIMEOUT, /* connect or transfer timed out */
	CS_ATTEMPT_DROPPED, /* connection refused, reset or cut short */
	CS_ATTEMPT_FATAL,   /* do not retry (too big, bad URL, ...) */
};

struct cs_backoff {
	int64_t base_ms;            /* first delay */
	int64_t max_ms;             /* cap on any computed delay */
	int max_retries;            /* retries after the first attempt */
	int64_t retry_after_max_ms; /* cap on a server's Retry-After */
};

/** Whether an attempt of this kind (with this status) may be retried:
 * 5xx, 429, timeouts and dropped connections; never other 4xx. */
bool cs_retry_wanted(enum cs_attempt kind, int status);

/**
 * The delay before retry number attempt (1 for the first retry): a uniform
 * draw in [0, min(max, base * 2^(attempt-1))] from rnd (any 32-bit value),
 * or the server's Retry-After (ms, -1 if none) when it gave one, capped.
 */
int64_t cs_retry_delay(const struct cs_backoff *b, int attempt,
    int64_t retry_after_ms, uint32_t rnd);

/**
 * Parse a Retry-After value: delay-seconds or an HTTP-date, relative to
 * now (ms since the epoch). @return ms to wait (0 or more), or -1.
 */
int64_t cs_retry_after_parse(const char *value, int64_t now);

/* A token bucket: rate tokens per second, at most burst banked. */
struct cs_bucket {
	double rate;
	double burst;
	double tokens;
	int64_t last_us; /* time of the last refill, microseconds */
};

void cs_bucket_init(
    struct cs_bucket *b, double rate, double burst, int64_t now_us);

/**
 * Take one token at now_us. @return 0 when taken, else the microseconds to
 * wait until one will be there (nothing is taken).
 */
int64_t cs_bucket_take(struct cs_bucket *b, int64_t now_us);

#endif
