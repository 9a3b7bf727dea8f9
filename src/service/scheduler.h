/* SPDX-License-Identifier: MIT */
/*
 * The background work of serve: the scheduler, which syncs every active
 * campaign as api_pull at each tick of CS_SYNC_SCHEDULE, never two at once
 * for a campaign and never twice for one tick across instances (the claim's
 * tick check); and the sweeper, every minute. Each runs on its own thread
 * with its own store connection and NMKR client.
 */
#ifndef CS_SERVICE_SCHEDULER_H
#define CS_SERVICE_SCHEDULER_H

#include <stdbool.h>

#include "clients/blockfrost.h"
#include "clients/nmkr.h"
#include "core/cron.h"
#include "service/alert.h"
#include "service/pool.h"

struct cs_scheduler;

struct cs_scheduler_opts {
	struct cs_pool *pool;            /* borrowed */
	const struct cs_nmkr_opts *nmkr; /* NULL: no key, no syncs */
	/* Blockfrost for the syncs' chain step; NULL: none. */
	const struct cs_blockfrost_opts *blockfrost;
	const char *owner;      /* this instance */
	const char *schedule;   /* 5-field cron; NULL: no syncs */
	int64_t sweep_every_ms; /* 0: 60 s; < 0: no sweeper */
	/* The sweeper also deletes webhook events older than this
	 * (cs_store_webhook_prune); 0: none. */
	int64_t webhook_retention_ms;
	/* And the stored reports of syncs older than this
	 * (cs_store_sync_report_prune), and the alerts sent before then
	 * (cs_store_alert_prune); 0: none. */
	int64_t report_retention_ms;
	/* Alerts, checked after each sweep; alert.url NULL: none. */
	struct cs_alert_opts alert;
	/* The background verifier (service/chainq.h), with blockfrost:
	 * requests/s shared by every instance (0: off), re-check period. */
	double chain_rate;
	int64_t chain_recheck_ms;
};

/** Start the threads. @param out caller owns, cs_scheduler_free() */
CS_NODISCARD int cs_scheduler_start(struct cs_scheduler **out,
    const struct cs_scheduler_opts *opts, struct cs_error *err);

/**
 * What the schedule does at each tick, now: sync every active campaign as
 * api_pull for the tick at (ms), skipping campaigns another instance has
 * synced since at. For an operator's "sync everything now", and tests.
 * The background verifier (chain_rate > 0) is the third thread.
 */
void cs_scheduler_tick(struct cs_scheduler *s, int64_t at);

/** Stop: a sync that runs finishes (its transaction is all or nothing). */
void cs_scheduler_free(struct cs_scheduler *s);

#endif
