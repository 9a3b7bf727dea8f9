/* SPDX-License-Identifier: MIT */
/*
 * Who holds a campaign's sync (service-internal; see sync.h for the owner
 * names): the claim that takes over a run whose owner on this host is
 * dead, and the heartbeat that keeps a live run from going stale on a
 * connection of its own, whatever the sync is doing meanwhile.
 */
#ifndef CS_SERVICE_SYNC_RUN_H
#define CS_SERVICE_SYNC_RUN_H

#include <stdbool.h>
#include <stdint.h>

#include "service/sync.h"

/**
 * Claim camp for a sync by env->owner. A run held by an owner that
 * cs_sync_owner_gone() says is dead is closed as abandoned (with a failed
 * sync_log row saying so, and a warning in the log) and the claim made
 * again; a run of another host is taken over only once it is stale
 * (CS_SYNC_RUN_STALE_MS without a heartbeat).
 *
 * @return as cs_store_sync_run_claim()
 */
CS_NODISCARD int cs_sync__claim(struct cs_sync_env *env,
    const struct cs_campaign *camp, const struct cs_sync_opts *opts,
    int64_t now, int64_t *run_id, struct cs_sync_run *running,
    struct cs_error *err);

struct cs_heartbeat;

/**
 * Beat run_id's heartbeat every CS_SYNC_HEARTBEAT_MS on a thread with its
 * own connection to store's database, until cs_sync__heartbeat_stop().
 *
 * @param out NULL when no thread could be started (an in-memory database,
 *        no connection): the run then beats only with its progress
 */
void cs_sync__heartbeat_start(
    struct cs_heartbeat **out, struct cs_store *store, int64_t run_id);

/** Whether a beat found the run closed by another process. */
bool cs_sync__heartbeat_lost(const struct cs_heartbeat *hb);

/** Stop the thread and close its connection. Accepts NULL. */
void cs_sync__heartbeat_stop(struct cs_heartbeat *hb);

#endif
