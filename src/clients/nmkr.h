/* SPDX-License-Identifier: MIT */
/*
 * The NMKR Studio API v2 client (UPSTREAM.md section 1): Bearer key, the
 * network's base URL or NMKR_API_URL, and the calls the product needs. A
 * project's NFTs are listed with GetCounts, then GetNfts/{project}/all/50/
 * {page} ordered by id, with at most max_inflight pages in flight,
 * deduplicated by uid; a short page ends the walk. Errors carry the HTTP
 * status and NMKR's errorMessage; the key is never in a message or a log.
 */
#ifndef CS_CLIENTS_NMKR_H
#define CS_CLIENTS_NMKR_H

#include <stdbool.h>
#include <stddef.h>

#include "clients/http.h"
#include "clients/nmkr_json.h"
#include "core/model.h"
#include "core/reconcile.h"

struct cs_nmkr;

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
};

#define CS_NMKR_OPTS_INIT                                                      \
	{                                                                      \
		NULL, CS_NETWORK_MAINNET, NULL, 0, 0, 0, -1, 0, NULL, NULL     \
	}

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
 * @param counts if not NULL, GetCounts' answer to plan the pages with
 *        (else it is fetched)
 * @param out initialized by the caller (cs_remote_list_init())
 * @return 0, or the first page's error (nothing partial is kept)
 */
CS_NODISCARD int cs_nmkr_list_nfts(struct cs_nmkr *c, const char *project_uid,
    const struct cs_nmkr_counts *counts, struct cs_remote_list *out,
    cs_nmkr_progress_cb progress, void *payload, struct cs_error *err);

/** Current notifications (with their secrets). Caller owns *out. */
CS_NODISCARD int cs_nmkr_get_notifications(struct cs_nmkr *c,
    const char *project_uid, struct cs_nmkr_notification **out, size_t *n,
    struct cs_error *err);

/**
 * Replace a project's notifications with one active webhook to url; NMKR
 * answers with the new list, each entry with a new secret. Caller owns
 * *out.
 */
CS_NODISCARD int cs_nmkr_set_webhook(struct cs_nmkr *c, const char *project_uid,
    const char *url, struct cs_nmkr_notification **out, size_t *n,
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

/** Most requests in flight at once so far (for tests and benchmarks). */
int cs_nmkr_max_inflight_seen(const struct cs_nmkr *c);

#endif
