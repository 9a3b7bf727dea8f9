/* SPDX-License-Identifier: MIT */
/* Backoff, Retry-After and token bucket; see retry.h. */
#include "core/retry.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "util/str.h"
#include "util/time.h"
#include "core/pure.h"

bool
cs_retry_wanted(enum cs_attempt kind, int status)
{
	switch (kind) {
	case CS_ATTEMPT_TIMEOUT:
	case CS_ATTEMPT_DROPPED:
		return true;
	case CS_ATTEMPT_HTTP:
		return status == 429 || (status >= 500 && status <= 599);
	case CS_ATTEMPT_OK:
	case CS_ATTEMPT_FATAL:
		return false;
	}
	return false;
}

int64_t
cs_retry_delay(const struct cs_backoff *b, int attempt, int64_t retry_after_ms,
    uint32_t rnd)
{
	int64_t cap = b->base_ms;
	int i;

	if (retry_after_ms >= 0)
		return retry_after_ms < b->retry_after_max_ms
		           ? retry_after_ms
		           : b->retry_after_max_ms;
	for (i = 1; i < attempt && cap < b->max_ms; i++)
		cap *= 2;
	if (cap > b->max_ms)
		cap = b->max_ms;
	/* Full jitter: spread retries of many clients over the window. */
	return (int64_t)((uint64_t)rnd % (uint64_t)(cap + 1));
}

int64_t
cs_retry_after_parse(const char *value, int64_t now)
{
	int64_t secs, t;

	if (value == NULL)
		return -1;
	while (isspace((unsigned char)*value))
		value++;
	if (cs_str_to_i64(value, 0, 86400 * 365, &secs) == 0)
		return secs * 1000;
	if (cs_time_parse_http_date(value, &t) < 0)
		return -1;
	return t > now ? t - now : 0;
}

void
cs_bucket_init(struct cs_bucket *b, double rate, double burst, int64_t now_us)
{
	b->rate = rate;
	b->burst = burst;
	b->tokens = burst;
	b->last_us = now_us;
}

int64_t
cs_bucket_take(struct cs_bucket *b, int64_t now_us)
{
	double missing;

	if (now_us > b->last_us) {
		b->tokens += (double)(now_us - b->last_us) * b->rate / 1e6;
		if (b->tokens > b->burst)
			b->tokens = b->burst;
		b->last_us = now_us;
	}
	if (b->tokens >= 1.0) {
		b->tokens -= 1.0;
		return 0;
	}
	missing = 1.0 - b->tokens;
	return (int64_t)(missing * 1e6 / b->rate) + 1;
}
