/* SPDX-License-Identifier: MIT */
/*
 * NMKR webhooks (docs/product.md "Webhooks", docs/upstream.md §1.7): the body
 * is NotificationSaleClass, the query carries payloadHash = URL-encoded Base64
 * of HMAC-SHA256 over the raw body with the project's secret. Verified in
 * constant time against the campaign's secret (and the previous one during
 * rotation); every event is stored; a replay applies nothing twice;
 * transactionconfirmed sells the listed NFTs when its SaleType is a sale
 * (core/webhook_rules.h), transactioncanceled and addressexpired release
 * reservations. A refused event (not verified) is stored as its body's
 * digest and first bytes only (docs/internals/webhooks.md).
 *
 * Writes go through a sink: one writer thread that commits the webhooks
 * queued meanwhile in one transaction (group commit), and answers each only
 * once its change is durable.
 */
#ifndef CS_SERVICE_WEBHOOK_H
#define CS_SERVICE_WEBHOOK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/store.h"
#include "util/error.h"
#include "util/tz.h"

struct cs_webhook_sink;

struct cs_webhook_sink_opts {
	const char *store_url; /* the writer's own connection */
	size_t max_batch;      /* webhooks per transaction; 0: 512 */
	int64_t secret_ttl_ms; /* how long project secrets are cached */
	/* How long a rotated-out secret is accepted after
	 * webhook_rotated_at (CS_WEBHOOK_SECRET_GRACE); 0: the default,
	 * 600 s; < 0: not at all. The cache never outlives it. */
	int64_t secret_grace_ms;
	/* NMKR's clock, for a SaleDate without an offset (NMKR_TIMEZONE);
	 * borrowed, must outlive the sink; NULL: UTC. */
	const struct cs_tz *zone;
};

/** @param out caller owns, cs_webhook_sink_free() (which drains it). */
CS_NODISCARD int cs_webhook_sink_new(struct cs_webhook_sink **out,
    const struct cs_webhook_sink_opts *opts, struct cs_error *err);

/** Finish the queued work, stop the writer, close its connection. */
void cs_webhook_sink_free(struct cs_webhook_sink *sink);

/* What the HTTP layer answers. */
struct cs_webhook_reply {
	int status;       /* 200, 400, 401, 404, 429, 500, 503 */
	const char *code; /* error code for non-200 */
	char message[256];
	const char *outcome; /* applied, partial, failed, replay, ignored,
	                        not_a_sale, unknown_sale_type, rejected,
	                        invalid, unknown_project, rate_limited, error */
	bool refused;  /* not verified: counts against the client's refusals */
	bool recorded; /* (refused) stored; false with 429 */
	int64_t event_id;
	int64_t sync_log_id;
	size_t nfts;    /* listed in the event */
	size_t changed; /* NFTs whose row changed */
};

/**
 * Verify, record and apply one webhook; blocks until it is committed.
 *
 * @param body the raw body exactly as received (borrowed)
 * @param payload_hash the query's payloadHash, URL-decoded (may be NULL)
 * @param store a connection for reading campaigns (borrowed), or NULL: the
 *        sink's own (so that a caller waiting for the commit holds no
 *        connection of a pool)
 * @param over_limit the client is over its refused webhooks: a webhook
 *        refused now is answered 429 (rate_limited) and not stored; one
 *        that verifies is handled as always
 * @return 0 when *out says what to answer
 */
CS_NODISCARD int cs_webhook_handle(struct cs_webhook_sink *sink,
    struct cs_store *store, const char *body, size_t len,
    const char *payload_hash, int64_t now, bool over_limit,
    struct cs_webhook_reply *out);

/**
 * Record a webhook refused before it could be read (a body over the cap),
 * so that it is counted (cs_webhooks_total and cs_webhooks_refused_total
 * by outcome as reason); nothing is applied.
 */
void cs_webhook_record_refused(struct cs_webhook_sink *sink,
    const char *outcome, const char *detail, int64_t now);

/**
 * The signature NMKR puts in payloadHash (before URL encoding): Base64 of
 * HMAC-SHA256(key = secret, message = body). out gets 44 chars and a NUL.
 */
void cs_webhook_sign(
    const char *secret, const char *body, size_t len, char out[45]);

/**
 * Whether payload_hash is body's signature under secret, compared in
 * constant time. A '+' that a URL decoder turned into ' ' is accepted.
 */
bool cs_webhook_verify(
    const char *secret, const char *body, size_t len, const char *payload_hash);

#endif
