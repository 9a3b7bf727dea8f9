/* SPDX-License-Identifier: MIT */
/* Prometheus counters; see metrics.h. */
#include "service/metrics.h"

#include <stdatomic.h>
#include <string.h>

#include "util/banned.h"

static const double sync_buckets[] = {0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60};
#define NBUCKETS (sizeof(sync_buckets) / sizeof(sync_buckets[0]))

static const char *const webhook_outcomes[] = {"applied", "partial", "failed",
    "replay", "rejected", "invalid", "unknown_project", "ignored", "error",
    "too_big", "not_a_sale", "unknown_sale_type", "rate_limited"};
#define NOUTCOMES (sizeof(webhook_outcomes) / sizeof(webhook_outcomes[0]))

static const char *const upstreams[] = {"nmkr", "blockfrost"};
#define NUPSTREAMS 2

/* Status classes: 0 (no answer), 1xx..5xx, and a few exact codes. */
static const int exact[] = {
    200, 401, 402, 403, 404, 406, 418, 429, 500, 502, 503};
#define NEXACT (sizeof(exact) / sizeof(exact[0]))

static atomic_uint_fast64_t syncs[3];
static atomic_uint_fast64_t sync_hist[NBUCKETS + 1];
static atomic_uint_fast64_t sync_ms_sum;
static atomic_uint_fast64_t discrepancies, updates, conflicts;
static atomic_uint_fast64_t webhooks[NOUTCOMES];

/* Why webhooks were refused before they could be verified. */
static const char *const refusals[] = {"unsigned", "bad_signature",
    "unknown_project", "malformed", "too_big", "rate_limited"};
#define NREFUSALS (sizeof(refusals) / sizeof(refusals[0]))
static atomic_uint_fast64_t webhooks_refused[NREFUSALS];
static atomic_uint_fast64_t upstream[NUPSTREAMS][NEXACT + 7];
static atomic_uint_fast64_t reservations[5];
static atomic_uint_fast64_t http[6];
static atomic_uint_fast64_t sync_nmkr_sent, sync_nmkr_refused;
static atomic_uint_fast64_t sync_nmkr_open, sync_nmkr_rereads;
static atomic_uint_fast64_t sync_modes[2]; /* full, smart */

void
cs_metrics_sync_nmkr(
    int64_t sent, int64_t refused, bool circuit_open, int64_t rereads)
{
	atomic_fetch_add(&sync_nmkr_sent, (uint64_t)(sent > 0 ? sent : 0));
	atomic_fetch_add(
	    &sync_nmkr_refused, (uint64_t)(refused > 0 ? refused : 0));
	atomic_fetch_add(&sync_nmkr_open, circuit_open ? 1u : 0u);
	atomic_fetch_add(
	    &sync_nmkr_rereads, (uint64_t)(rereads > 0 ? rereads : 0));
}

void
cs_metrics_sync_mode(bool smart)
{
	atomic_fetch_add(&sync_modes[smart ? 1 : 0], 1);
}

void
cs_metrics_sync(
    enum cs_sync_status s, int64_t duration_ms, int64_t d, int64_t u, int64_t c)
{
	size_t i;

	if ((unsigned)s < 3)
		atomic_fetch_add(&syncs[s], 1);
	for (i = 0; i < NBUCKETS; i++) {
		if ((double)duration_ms / 1000.0 <= sync_buckets[i])
			break;
	}
	atomic_fetch_add(&sync_hist[i], 1);
	atomic_fetch_add(
	    &sync_ms_sum, (uint64_t)(duration_ms > 0 ? duration_ms : 0));
	atomic_fetch_add(&discrepancies, (uint64_t)(d > 0 ? d : 0));
	atomic_fetch_add(&updates, (uint64_t)(u > 0 ? u : 0));
	atomic_fetch_add(&conflicts, (uint64_t)(c > 0 ? c : 0));
}

void
cs_metrics_webhook(const char *outcome)
{
	size_t i;

	for (i = 0; i < NOUTCOMES; i++) {
		if (strcmp(webhook_outcomes[i], outcome) == 0) {
			atomic_fetch_add(&webhooks[i], 1);
			return;
		}
	}
}

void
cs_metrics_webhook_refused(const char *reason)
{
	size_t i;

	for (i = 0; i < NREFUSALS; i++) {
		if (strcmp(refusals[i], reason) == 0) {
			atomic_fetch_add(&webhooks_refused[i], 1);
			return;
		}
	}
}

/* Index of a status among the exact codes, then its class. */
static size_t
status_slot(int status)
{
	size_t i;

	for (i = 0; i < NEXACT; i++) {
		if (exact[i] == status)
			return i;
	}
	if (status < 100 || status > 599)
		return NEXACT; /* no answer */
	return NEXACT + 1 + (size_t)(status / 100 - 1);
}

void
cs_metrics_upstream(
    const char *name, int status, int64_t elapsed_us, void *payload)
{
	size_t u = strcmp(name, "blockfrost") == 0 ? 1 : 0;

	(void)elapsed_us;
	(void)payload;
	atomic_fetch_add(&upstream[u][status_slot(status)], 1);
}

void
cs_metrics_reservation(enum cs_reserve_outcome o)
{
	if ((unsigned)o < 5)
		atomic_fetch_add(&reservations[o], 1);
}

void
cs_metrics_http(int status)
{
	int c = status / 100;

	atomic_fetch_add(&http[c >= 1 && c <= 5 ? c : 0], 1);
}

static unsigned long long
get(atomic_uint_fast64_t *v)
{
	return (unsigned long long)atomic_load(v);
}

int
cs_metrics_render(struct cs_buf *b)
{
	static const char *const results[] = {"success", "partial", "failed"};
	static const char *const classes[] = {
	    "none", "1xx", "2xx", "3xx", "4xx", "5xx"};
	unsigned long long cum = 0;
	size_t i, u;
	int e = 0;

	e |= cs_buf_puts(b, "# HELP cs_syncs_total Syncs by result.\n"
	                    "# TYPE cs_syncs_total counter\n");
	for (i = 0; i < 3; i++)
		e |= cs_buf_printf(b, "cs_syncs_total{result=\"%s\"} %llu\n",
		    results[i], get(&syncs[i]));
	e |= cs_buf_puts(b, "# HELP cs_sync_duration_seconds Time of a sync.\n"
	                    "# TYPE cs_sync_duration_seconds histogram\n");
	for (i = 0; i < NBUCKETS; i++) {
		cum += get(&sync_hist[i]);
		e |= cs_buf_printf(b,
		    "cs_sync_duration_seconds_bucket{le=\"%g\"} %llu\n",
		    sync_buckets[i], cum);
	}
	cum += get(&sync_hist[NBUCKETS]);
	e |= cs_buf_printf(b,
	    "cs_sync_duration_seconds_bucket{le=\"+Inf\"} %llu\n"
	    "cs_sync_duration_seconds_sum %.3f\n"
	    "cs_sync_duration_seconds_count %llu\n",
	    cum, (double)get(&sync_ms_sum) / 1000.0, cum);
	e |= cs_buf_printf(b,
	    "# HELP cs_sync_discrepancies_total Differences found by syncs.\n"
	    "# TYPE cs_sync_discrepancies_total counter\n"
	    "cs_sync_discrepancies_total %llu\n"
	    "# HELP cs_sync_updates_total NFT changes applied by syncs.\n"
	    "# TYPE cs_sync_updates_total counter\n"
	    "cs_sync_updates_total %llu\n"
	    "# HELP cs_sync_conflicts_total Changes skipped: the NFT moved "
	    "during the sync.\n"
	    "# TYPE cs_sync_conflicts_total counter\n"
	    "cs_sync_conflicts_total %llu\n",
	    get(&discrepancies), get(&updates), get(&conflicts));
	e |= cs_buf_printf(b,
	    "# HELP cs_sync_nmkr_requests_total Requests syncs sent to NMKR "
	    "(retries included).\n"
	    "# TYPE cs_sync_nmkr_requests_total counter\n"
	    "cs_sync_nmkr_requests_total %llu\n"
	    "# HELP cs_sync_nmkr_refused_total Requests syncs did not send: "
	    "the circuit was open.\n"
	    "# TYPE cs_sync_nmkr_refused_total counter\n"
	    "cs_sync_nmkr_refused_total %llu\n"
	    "# HELP cs_sync_nmkr_circuit_open_total Syncs whose circuit "
	    "opened after failures in a row.\n"
	    "# TYPE cs_sync_nmkr_circuit_open_total counter\n"
	    "cs_sync_nmkr_circuit_open_total %llu\n"
	    "# HELP cs_sync_nmkr_rereads_total NMKR lists read again: they "
	    "moved while read.\n"
	    "# TYPE cs_sync_nmkr_rereads_total counter\n"
	    "cs_sync_nmkr_rereads_total %llu\n",
	    get(&sync_nmkr_sent), get(&sync_nmkr_refused), get(&sync_nmkr_open),
	    get(&sync_nmkr_rereads));
	e |= cs_buf_printf(b,
	    "# HELP cs_sync_mode_total Syncs by how they read NMKR: smart "
	    "(state lists and an inference) or full (every page of all).\n"
	    "# TYPE cs_sync_mode_total counter\n"
	    "cs_sync_mode_total{mode=\"smart\"} %llu\n"
	    "cs_sync_mode_total{mode=\"full\"} %llu\n",
	    get(&sync_modes[1]), get(&sync_modes[0]));
	e |= cs_buf_puts(b, "# HELP cs_webhooks_total NMKR webhooks by "
	                    "outcome.\n# TYPE cs_webhooks_total counter\n");
	for (i = 0; i < NOUTCOMES; i++)
		e |=
		    cs_buf_printf(b, "cs_webhooks_total{outcome=\"%s\"} %llu\n",
		        webhook_outcomes[i], get(&webhooks[i]));
	e |= cs_buf_puts(b, "# HELP cs_webhooks_refused_total Webhooks refused "
	                    "before they were verified, by reason.\n"
	                    "# TYPE cs_webhooks_refused_total counter\n");
	for (i = 0; i < NREFUSALS; i++)
		e |= cs_buf_printf(b,
		    "cs_webhooks_refused_total{reason=\"%s\"} %llu\n",
		    refusals[i], get(&webhooks_refused[i]));
	e |= cs_buf_puts(b, "# HELP cs_upstream_requests_total Requests to "
	                    "NMKR and Blockfrost by status.\n"
	                    "# TYPE cs_upstream_requests_total counter\n");
	for (u = 0; u < NUPSTREAMS; u++) {
		for (i = 0; i < NEXACT; i++)
			e |= cs_buf_printf(b,
			    "cs_upstream_requests_total{upstream=\"%s\","
			    "status=\"%d\"} %llu\n",
			    upstreams[u], exact[i], get(&upstream[u][i]));
		for (i = 0; i < 6; i++)
			e |= cs_buf_printf(b,
			    "cs_upstream_requests_total{upstream=\"%s\","
			    "status=\"%s\"} %llu\n",
			    upstreams[u], i == 0 ? "none" : classes[i],
			    get(&upstream[u][NEXACT + i]));
	}
	e |= cs_buf_puts(b, "# HELP cs_reservations_total Reservation "
	                    "requests by outcome.\n"
	                    "# TYPE cs_reservations_total counter\n");
	for (i = 0; i < 5; i++)
		e |= cs_buf_printf(b,
		    "cs_reservations_total{outcome=\"%s\"} %llu\n",
		    cs_reserve_outcome_name((enum cs_reserve_outcome)i),
		    get(&reservations[i]));
	e |= cs_buf_puts(b, "# HELP cs_http_responses_total API responses by "
	                    "status class.\n"
	                    "# TYPE cs_http_responses_total counter\n");
	for (i = 1; i < 6; i++)
		e |= cs_buf_printf(b,
		    "cs_http_responses_total{class=\"%s\"} %llu\n", classes[i],
		    get(&http[i]));
	return e != 0 ? CS_ETOOBIG : 0;
}

int
cs_metrics_render_chain(
    struct cs_buf *b, const struct cs_chain_coverage *c, int64_t now)
{
	int64_t oldest = c->oldest_due > 0 && now > c->oldest_due
	                     ? (now - c->oldest_due) / 1000
	                     : 0;
	int e;

	e = cs_buf_printf(b,
	    "# HELP cs_chain_unverified Sold NFTs never checked on chain, or "
	    "last checked before the re-check period.\n"
	    "# TYPE cs_chain_unverified gauge\n"
	    "cs_chain_unverified %lld\n"
	    "# HELP cs_chain_oldest_unverified_seconds How long the longest "
	    "waiting unverified sale has been due.\n"
	    "# TYPE cs_chain_oldest_unverified_seconds gauge\n"
	    "cs_chain_oldest_unverified_seconds %lld\n"
	    "# HELP cs_chain_mismatches Sold NFTs minted by another "
	    "transaction than NMKR's.\n"
	    "# TYPE cs_chain_mismatches gauge\n"
	    "cs_chain_mismatches %lld\n",
	    (long long)c->unverified, (long long)oldest,
	    (long long)c->mismatch);
	return e != 0 ? CS_ETOOBIG : 0;
}
