/* SPDX-License-Identifier: MIT */
/*
 * Configuration: the environment of docs/product.md, with command-line flags on
 * top. Secrets (API keys, the admin token) are registered with the logger so
 * they are scrubbed from every line, and are never printed.
 */
#ifndef CS_CLI_CONFIG_H
#define CS_CLI_CONFIG_H

#include <stdbool.h>

#include "core/model.h"
#include "util/log.h"
#include "util/tz.h"

struct cs_config {
	const char *database_url;     /* CS_DATABASE_URL */
	const char *nmkr_api_key;     /* NMKR_API_KEY */
	enum cs_network nmkr_network; /* NMKR_NETWORK, NEXT_PUBLIC_... */
	const char *nmkr_api_url;     /* NMKR_API_URL, overrides the network */
	long nmkr_rate_limit; /* NMKR_RATE_LIMIT, requests per 10 s; 0 off */
	const char *blockfrost_project_id;
	enum cs_network blockfrost_network;
	const char *blockfrost_api_url;
	const char *listen;            /* CS_LISTEN */
	const char *admin_token;       /* CS_ADMIN_TOKEN */
	const char *sync_schedule;     /* CS_SYNC_SCHEDULE */
	enum cs_log_format log_format; /* CS_LOG_FORMAT */
	long public_rate;              /* CS_PUBLIC_RATE, per minute; 0 off */
	enum cs_log_level log_level;
	int64_t webhook_secret_grace_ms; /* CS_WEBHOOK_SECRET_GRACE; -1: none */
	/* CS_WEBHOOK_RETENTION: webhook events older than this are pruned
	 * (those a history row points at stay); 0: kept forever. */
	int64_t webhook_retention_ms;
	/* CS_REPORT_RETENTION: stored sync reports older than this are
	 * dropped (the log rows stay); 0: kept forever. */
	int64_t report_retention_ms;
	/* CS_WEBHOOK_REFUSED_RATE: refused webhooks a minute per client
	 * before 429; 0 off. */
	long webhook_refused_rate;
	/* Alerts (service/alert.h): CS_ALERT_WEBHOOK, NULL off; at most one
	 * per cause and campaign per CS_ALERT_EVERY; silent NMKR webhooks
	 * for CS_ALERT_WEBHOOK_SILENCE while sales go on (-1: off). */
	const char *alert_url;
	int64_t alert_every_ms;
	int64_t alert_silence_ms;
	/* The HTTP layer's limits (serve); 0: the server's default. */
	const char *trusted_proxies;     /* CS_TRUSTED_PROXIES */
	unsigned max_connections;        /* CS_MAX_CONNECTIONS */
	unsigned max_client_connections; /* CS_MAX_CLIENT_CONNECTIONS */
	unsigned header_timeout_s;       /* CS_HEADER_TIMEOUT */
	unsigned max_syncs;              /* CS_MAX_SYNCS */
	/* NMKR_TIMEZONE (default UTC): loaded once here, immutable, kept for
	 * the life of the process. */
	const char *nmkr_timezone;
	const struct cs_tz *nmkr_zone;
	int64_t webhook_grace_ms; /* CS_WEBHOOK_GRACE_SECONDS, default 60 */
	/* A full walk of NMKR's list every Nth sync of a campaign
	 * (CS_SYNC_FULL_EVERY, 0: never by count) and when the last is
	 * older than CS_SYNC_FULL_HOURS (default 24, 0: never by age). */
	long sync_full_every;
	long sync_full_hours;
	double blockfrost_rate;   /* CS_BLOCKFROST_RATE: the plan's req/s */
	double chain_share;       /* CS_CHAIN_SHARE: of it, in the background */
	int64_t chain_recheck_ms; /* CS_CHAIN_RECHECK */
};

/**
 * Fill cfg from the environment and defaults. Strings are borrowed from the
 * environment (valid for the life of the process).
 *
 * @return 0 or CS_EINVAL naming the bad variable (exit 78)
 */
CS_NODISCARD int cs_config_from_env(
    struct cs_config *cfg, struct cs_error *err);

/** Register every secret of cfg with the logger's scrubber. */
void cs_config_register_secrets(const struct cs_config *cfg);

#endif
