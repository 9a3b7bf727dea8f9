/* SPDX-License-Identifier: MIT */
/*
 * A pool of store connections for a multi-threaded server: a struct
 * cs_store is one connection for one thread at a time, so each request
 * borrows one and gives it back. Connections open on first need, up to the
 * pool's size; a borrower waits when all are out, for as long as it said.
 */
#ifndef CS_SERVICE_POOL_H
#define CS_SERVICE_POOL_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

struct cs_pool;

/**
 * @param url borrowed until cs_pool_free()
 * @param out caller owns, cs_pool_free(); the first connection is opened
 *        (and the schema migrated) here, so a bad URL fails now
 */
CS_NODISCARD int cs_pool_new(
    struct cs_pool **out, const char *url, size_t size, struct cs_error *err);

/** Close every connection; all must have been given back. */
void cs_pool_free(struct cs_pool *p);

/** Borrow a connection (waits). @return 0 or the error of opening one */
CS_NODISCARD int cs_pool_get(
    struct cs_pool *p, struct cs_store **out, struct cs_error *err);

/**
 * Borrow a connection, waiting at most wait_ms (0: not at all; < 0: for as
 * long as it takes, as cs_pool_get()).
 *
 * @return 0, CS_EAGAIN when every connection stayed in use, or the error of
 *         opening one
 */
CS_NODISCARD int cs_pool_get_wait(struct cs_pool *p, struct cs_store **out,
    int64_t wait_ms, struct cs_error *err);

/** Give a connection back. */
void cs_pool_put(struct cs_pool *p, struct cs_store *s);

/** The URL the pool opens connections with (borrowed). */
const char *cs_pool_url(const struct cs_pool *p);

#endif
