/* SPDX-License-Identifier: MIT */
/*
 * The NMKR Studio API v2 client (docs/upstream.md §1): Bearer key, the
 * network's base URL or NMKR_API_URL, and the calls the product needs. A
 * project's NFTs are listed with GetCounts, then GetNfts/{project}/all/50/
 * {page} ordered by id, with at most max_inflight pages in flight,
 * deduplicated by uid; a short page ends the walk, and a walk that does not
 * fit together is read again (cs_nmkr_list_nfts()). Every client of the
 * process draws from one token bucket (NMKR's 800 requests per 10 s), and
 * each has a circuit breaker: after CS_NMKR_BREAKER_FAILURES failed attempts
 * in a row it sends nothing more until cs_nmkr_usage_reset(). Errors carry
 * the HTTP status and NMKR's errorMessage; the key is never in a message or
 * a log.
 */
#ifndef CS_CLIENTS_NMKR_H
#define CS_CLIENTS_NMKR_H

#include <stdbool.h>
#include <stddef.h>

#include "clients/http.h"
#include "clients/nmkr_json.h"
#include "core/model.h"
#include "core/reconcile.h"
#include "util/limits.h"

struct cs_nmkr;
struct cs_tz;

struct cs_nmkr_opts {
	const char *api_key; /* required; never logged */
	enum cs_network network;
	const char *base_url;          /* overrides the network when not NULL */
	int max_inflight;              /* 0: 4 */
	long connect_timeout_ms;       /* 0: default */
	long total_timeout_ms;         /* 0: default */
	int max_retries;               /* -1: default */
	int64_t backoff_base_ms;       /* 0: default */
	cs_http_attempt_cb on_attempt; /* metrics, optional */
	void *on_attempt_payload;
	int breaker_failures; /* 0: CS_NMKR_BREAKER_FAILURES */
	/* The zone of NMKR's server clock, in which it writes selldate,
	 * reserveduntil and SaleDate without an offset (NMKR_TIMEZONE);
	 * borrowed, must outlive the client; NULL: UTC. */
	const struct cs_tz *zone;
	/* How long after a webhook's sale NMKR's answers may still predate
	 * it (its result cache is 20 s): the sync defers such a sale rather
	 * than judge it (CS_WEBHOOK_GRACE_SECONDS). -1: 60 s; 0: never. */
	int64_t webhook_grace_ms;
};

#define CS_NMKR_OPTS_INIT                                                      \
	{                                                                      \
		NULL, CS_NETWORK_MAINNET, NULL, 0, 0, 0, -1, 0, NULL, NULL, 0, \
		    NULL, -1                                                   \
	}

/*
 * What a client spent since cs_nmkr_new() or cs_nmkr_usage_reset(): one
 * sync's budget when the sync resets it first.
 */
struct cs_nmkr_usage {
	int64_t sent;          /* requests sent, retries included */
	int64_t failed;        /* of them, without a 2xx answer */
	int64_t refused;       /* requests not sent: the circuit was open */
	bool circuit_open;     /* CS_NMKR_BREAKER_FAILURES in a row failed */
	int walks;             /* reads of a project's pages (see list_nfts) */
	int lists;             /* reads of one state's list (list_state) */
	const char *walk_note; /* why a list was read again; "" if not.
	                        * Borrowed, valid until the next call */
};

/**
 * Set the process-wide token bucket every NMKR client draws from (created
 * with CS_NMKR_RATE_LIMIT): per_10s requests in any 10 s window, as NMKR's
 * own limit counts them (a tenth as burst, the rest refilled evenly). 0 or
 * less: no limit for clients created from now on (benchmarks against a fake
 * without one). Call before creating clients.
 */
void cs_nmkr_set_rate(int per_10s);

/** https://studio-api.nmkr.io or https://studio-api.preprod.nmkr.io */
const char *cs_nmkr_base_url(enum cs_network net);

/** @param out caller owns, cs_nmkr_free() */
CS_NODISCARD int cs_nmkr_new(struct cs_nmkr **out,
    const struct cs_nmkr_opts *opts, struct cs_error *err);

void cs_nmkr_free(struct cs_nmkr *c);

CS_NODISCARD int cs_nmkr_get_counts(struct cs_nmkr *c, const char *project_uid,
    struct cs_nmkr_counts *out, struct cs_error *err);

/** @param out caller owns, cs_nmkr_project_dispose() */
CS_NODISCARD int cs_nmkr_get_project(struct cs_nmkr *c, const char *project_uid,
    struct cs_nmkr_project *out, struct cs_error *err);

/**
 * GetProjectDetails and GetCounts together, both in flight at once (one
 * round trip instead of two before a sync can plan its pages).
 *
 * @param project caller owns, cs_nmkr_project_dispose()
 */
CS_NODISCARD int cs_nmkr_get_project_and_counts(struct cs_nmkr *c,
    const char *project_uid, struct cs_nmkr_project *project,
    struct cs_nmkr_counts *counts, struct cs_error *err);

/** @param out caller owns, cs_nmkr_nft_dispose(). CS_ENOTFOUND on 404. */
CS_NODISCARD int cs_nmkr_get_nft(struct cs_nmkr *c, const char *nft_uid,
    struct cs_nmkr_nft *out, struct cs_error *err);

/* Called as pages arrive: pages done, pages planned (grows if NMKR has
 * more than GetCounts said), NFTs so far. */
typedef void (*cs_nmkr_progress_cb)(
    int64_t pages_done, int64_t pages_total, int64_t nfts, void *payload);

/**
 * Every NFT of a project (state "all", ordered by id), deduplicated.
 *
 * NMKR pages by offset, so an NFT deleted while the pages are read moves
 * every later page up by one and a live NFT is on none of them. The walk
 * checks itself: ids must rise from each page to the next (only the last
 * page short), and the NFTs listed must be as many as GetCounts said just
 * before the first page was asked (a hole leaves one fewer). If not, the
 * list is read again, GetCounts first, with a page size one smaller (49,
 * then 48: NMKR caches each answer 20 s per count and page, so the same
 * pages would come back unchanged), and a read is kept once it agrees with
 * its counts or with the read before it. After CS_NMKR_MAX_WALKS reads that
 * disagree the walk fails with CS_ECONFLICT: never a list with a hole.
 * cs_nmkr_usage() says how many reads and why. Not seen: a deletion and an
 * addition within the same read (the count comes out right).
 *
 * @param counts if not NULL, GetCounts' answer received just before this
 *        call: it plans the pages and is the check's reference; else
 *        GetCounts is asked first
 * @param out initialized by the caller (cs_remote_list_init())
 * @return 0, the first page's error, or CS_ECONFLICT (nothing partial is
 *         kept)
 */
CS_NODISCARD int cs_nmkr_list_nfts(struct cs_nmkr *c, const char *project_uid,
    const struct cs_nmkr_counts *counts, struct cs_remote_list *out,
    cs_nmkr_progress_cb progress, void *payload, struct cs_error *err);

/** One state's list for cs_nmkr_list_states(). */
struct cs_nmkr_state_list {
	const char *state; /* "free", "reserved", "sold", "error", "burned" */
	int64_t expected;  /* GetCounts' number: plans the pages */
	int64_t listed;    /* out: its uids kept in the list */
	bool ordered;      /* out: ids rise from page to page, only the
	                    * last page is short */
};

/**
 * Every NFT NMKR lists in each of n states (GetNfts/{project}/{state}/50/
 * {page}, ordered by id), appended to out as if the lists were read one
 * after another, then deduplicated by uid with the earlier kept (an NFT
 * that moved from one list to another while they were read counts once,
 * for the first). The pages of every list are sent together, at most the
 * client's limit in flight: the small lists cost no round trip of their
 * own. Pages are planned from each list's expected count, and a list goes
 * on while its last page is full. Read once: whether the lists are whole
 * is the caller's to judge (core/smart.h), with each list's listed and
 * ordered and the counts. Each page is a request in cs_nmkr_usage(), and
 * each state one of its lists.
 *
 * @param out initialized by the caller; on error it may hold part of the
 *        pages (the caller drops it)
 */
CS_NODISCARD int cs_nmkr_list_states(struct cs_nmkr *c, const char *project_uid,
    struct cs_nmkr_state_list *lists, size_t n, struct cs_remote_list *out,
    struct cs_error *err);

/** Current notifications (with their secrets). Caller owns *out. */
CS_NODISCARD int cs_nmkr_get_notifications(struct cs_nmkr *c,
    const char *project_uid, struct cs_nmkr_notification **out, size_t *n,
    struct cs_error *err);

/**
 * Replace a project's notifications with list (nlist entries, may be 0 to
 * clear; each entry's type, address and active flag are sent, its secret
 * is not). NMKR answers with the new list, every entry with a new secret,
 * the ones sent unchanged included. Caller owns *out.
 */
CS_NODISCARD int cs_nmkr_update_notifications(struct cs_nmkr *c,
    const char *project_uid, const struct cs_nmkr_notification *list,
    size_t nlist, struct cs_nmkr_notification **out, size_t *n,
    struct cs_error *err);

/** The zone NMKR's times are read in (never NULL: UTC by default). */
const struct cs_tz *cs_nmkr_zone(const struct cs_nmkr *c);

/** opts.webhook_grace_ms with its default applied (0: never defer). */
int64_t cs_nmkr_webhook_grace_ms(const struct cs_nmkr *c);

/** Most requests in flight at once so far (for tests and benchmarks). */
/** NMKR's clock: the Date header (ms) of its last answer, 0 before one. */
int64_t cs_nmkr_server_date(const struct cs_nmkr *c);

int cs_nmkr_max_inflight_seen(const struct cs_nmkr *c);

/** What c spent since it was made or last reset. */
void cs_nmkr_usage(const struct cs_nmkr *c, struct cs_nmkr_usage *out);

/** Zero the usage and close the circuit: a new budget (each sync's). */
void cs_nmkr_usage_reset(struct cs_nmkr *c);

#endif
