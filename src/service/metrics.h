/* SPDX-License-Identifier: MIT */
/*
 * Process-wide counters for /metrics, rendered as Prometheus text: syncs
 * (by result, with a duration histogram), discrepancies, updates,
 * conflicts, webhooks by outcome, upstream requests by status, reservations
 * by outcome, API responses by status. Lock-free (atomics); any thread.
 */
#ifndef CS_SERVICE_METRICS_H
#define CS_SERVICE_METRICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/model.h"
#include "store/store.h"
#include "util/buf.h"

void cs_metrics_sync(enum cs_sync_status s, int64_t duration_ms,
    int64_t discrepancies, int64_t updates, int64_t conflicts);

/**
 * What one sync spent at NMKR: requests sent (retries included), requests
 * refused unsent by the open circuit, whether the circuit opened, and
 * re-reads of a list that moved (walks beyond the first).
 */
void cs_metrics_sync_nmkr(
    int64_t sent, int64_t refused, bool circuit_open, int64_t rereads);

/** A sync's fetch: the smart mode (state lists and an inference) or a
 * full walk of `all` (docs/internals/sync.md, "The smart mode"). */
void cs_metrics_sync_mode(bool smart);

/** outcome: applied, partial, failed, replay, rejected, invalid,
 * unknown_project, ignored, error, too_big, not_a_sale, unknown_sale_type,
 * rate_limited. */
void cs_metrics_webhook(const char *outcome);

/** A webhook refused before it was verified, by reason: unsigned,
 * bad_signature, unknown_project, malformed, too_big, rate_limited (over
 * the client's refusals: not stored). */
void cs_metrics_webhook_refused(const char *reason);

/** An upstream attempt (an http.h attempt callback fits). */
void cs_metrics_upstream(
    const char *name, int status, int64_t elapsed_us, void *payload);

void cs_metrics_reservation(enum cs_reserve_outcome o);

void cs_metrics_http(int status);

/** Append the Prometheus text exposition. @return 0 or CS_ETOOBIG */
CS_NODISCARD int cs_metrics_render(struct cs_buf *out);

/**
 * Append the chain coverage gauges, cs_chain_unverified (sold NFTs never
 * checked or last checked before the re-check period) and
 * cs_chain_oldest_unverified_seconds (how long the longest waiting one has
 * been due; 0 when none), and cs_chain_mismatches.
 */
CS_NODISCARD int cs_metrics_render_chain(
    struct cs_buf *out, const struct cs_chain_coverage *c, int64_t now);

#endif
