/* SPDX-License-Identifier: MIT */
/*
 * What the webhook load (cs-webhook-load) and the soak (cs-soak) both send:
 * NMKR's "transactionconfirmed" notification of one NFT's sale, signed as
 * NMKR signs it, for the uids a file lists.
 */
#ifndef CS_BENCH_SALE_H
#define CS_BENCH_SALE_H

#include <curl/curl.h>
#include <stddef.h>

#include "util/buf.h"

/** The uids of path, one a line (caller frees each and the array), or NULL
 * after perror(). */
char **cs_bench_read_uids(const char *path, size_t *n);

/**
 * The notification of sale i of uid into body (reset first): NFT tag<i+1>,
 * buyer addr_test1q<tag in lower case><i>, the transaction tx_hash.
 *
 * @return 0 or CS_ETOOBIG
 */
int cs_bench_sale_body(struct cs_buf *body, const char *project,
    const char *tag, const char *uid, size_t i, const char *tx_hash);

/** "?payloadHash=" and body's signature with secret, URL-escaped, after
 * base (caller frees). */
char *cs_bench_signed_url(CURL *easy, const char *base, const char *secret,
    const struct cs_buf *body);

#endif
