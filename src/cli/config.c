/* SPDX-License-Identifier: MIT */
/* Configuration from the environment; see config.h. */
#include "cli/config.h"

#include <stdlib.h>
#include <string.h>

#include "core/notify.h"
#include "util/limits.h"
#include "clients/nmkr.h"
#include "util/str.h"
#include "util/banned.h"

static const char *
env(const char *name)
{
	const char *v = getenv(name);

	return v != NULL && *v != '\0' ? v : NULL;
}

static int
network(const char *var, const char *value, enum cs_network *out,
    struct cs_error *err)
{
	if (value == NULL)
		return 0;
	if (cs_network_parse(value, out) < 0)
		return cs_error_set(err, CS_EINVAL,
		    "%s must be mainnet or preprod, not '%s'", var, value);
	return 0;
}

/* A duration: seconds, or a number followed by s, m, h or d; in ms
 * (CS_WEBHOOK_RETENTION, CS_CHAIN_RECHECK). */
static int
retention(const char *v, int64_t *out_ms)
{
	char num[32];
	size_t n = strlen(v);
	int64_t unit = 1, x;

	if (n == 0 || n >= sizeof(num))
		return -1;
	memcpy(num, v, n + 1);
	switch (num[n - 1]) {
	case 's':
		unit = 1;
		break;
	case 'm':
		unit = 60;
		break;
	case 'h':
		unit = 3600;
		break;
	case 'd':
		unit = 86400;
		break;
	default:
		n++;
		break;
	}
	num[n - 1] = '\0';
	if (cs_str_to_i64(num, 0, 100LL * 365 * 86400 / unit, &x) < 0)
		return -1;
	*out_ms = x * unit * 1000;
	return 0;
}

/* A positive count from the environment, or 0 when unset. */
static int
count(const char *var, int64_t max, unsigned *out, struct cs_error *err)
{
	const char *v = env(var);
	int64_t n;

	*out = 0;
	if (v == NULL)
		return 0;
	if (cs_str_to_i64(v, 1, max, &n) < 0)
		return cs_error_set(err, CS_EINVAL,
		    "%s must be a number from 1 to %lld, not '%s'", var,
		    (long long)max, v);
	*out = (unsigned)n;
	return 0;
}

/* serve's HTTP limits (README, configuration). */
/* The smart sync's policy: when a full walk is due (docs/internals/sync.md). */
static int
full_walks(struct cs_config *cfg, struct cs_error *err)
{
	const char *v;
	int64_t n;

	cfg->sync_full_every = 0;
	cfg->sync_full_hours = 24;
	v = env("CS_SYNC_FULL_EVERY");
	if (v != NULL) {
		if (cs_str_to_i64(v, 0, 1000000, &n) < 0)
			return cs_error_set(err, CS_EINVAL,
			    "CS_SYNC_FULL_EVERY must be 0 to 1000000 syncs, "
			    "not '%s'",
			    v);
		cfg->sync_full_every = (long)n;
	}
	v = env("CS_SYNC_FULL_HOURS");
	if (v != NULL) {
		if (cs_str_to_i64(v, 0, 8760, &n) < 0)
			return cs_error_set(err, CS_EINVAL,
			    "CS_SYNC_FULL_HOURS must be 0 to 8760 hours, not "
			    "'%s'",
			    v);
		cfg->sync_full_hours = (long)n;
	}
	return 0;
}

static int
http_limits(struct cs_config *cfg, struct cs_error *err)
{
	int error;

	cfg->trusted_proxies = env("CS_TRUSTED_PROXIES");
	error =
	    count("CS_MAX_CONNECTIONS", 1000000, &cfg->max_connections, err);
	if (error == 0)
		error = count("CS_MAX_CLIENT_CONNECTIONS", 1000000,
		    &cfg->max_client_connections, err);
	if (error == 0)
		error = count(
		    "CS_HEADER_TIMEOUT", 3600, &cfg->header_timeout_s, err);
	if (error == 0)
		error = count("CS_MAX_SYNCS", 1000, &cfg->max_syncs, err);
	return error;
}

/*
 * NMKR_TIMEZONE: the zone of NMKR's server clock. Loaded once, here, into
 * an immutable table that every thread may read (util/tz.h); a process
 * has one configuration, so the zone lives as long as the process.
 */
static struct cs_tz *loaded_zone;

/* At exit: the zone is the process's, but leak checkers count it. */
static void
free_zone(void)
{
	cs_tz_free(loaded_zone);
	loaded_zone = NULL;
}

static int
load_zone(struct cs_config *cfg, struct cs_error *err)
{
	struct cs_error zerr = CS_ERROR_INIT;
	struct cs_tz *tz = NULL;

	cfg->nmkr_timezone = env("NMKR_TIMEZONE");
	if (cfg->nmkr_timezone == NULL)
		cfg->nmkr_timezone = "UTC";
	if (cs_tz_load(&tz, cfg->nmkr_timezone, &zerr) < 0)
		return cs_error_set(
		    err, CS_EINVAL, "NMKR_TIMEZONE: %s", cs_error_msg(&zerr));
	cfg->nmkr_zone = tz;
	if (loaded_zone == NULL)
		atexit(free_zone);
	cs_tz_free(loaded_zone);
	loaded_zone = tz;
	return 0;
}

/* The background verifier's variables (docs/internals/verify.md). */
static int
chain_config(struct cs_config *cfg, struct cs_error *err)
{
	const char *v;
	char *end;

	cfg->blockfrost_rate = CS_BF_RATE_PER_S;
	v = env("CS_BLOCKFROST_RATE");
	if (v != NULL) {
		cfg->blockfrost_rate = strtod(v, &end);
		if (end == v || *end != '\0' || !(cfg->blockfrost_rate > 0) ||
		    cfg->blockfrost_rate > 100000)
			return cs_error_set(err, CS_EINVAL,
			    "CS_BLOCKFROST_RATE must be Blockfrost's requests "
			    "per second (above 0), not '%s'",
			    v);
	}
	cfg->chain_share = 0.5;
	v = env("CS_CHAIN_SHARE");
	if (v != NULL) {
		cfg->chain_share = strtod(v, &end);
		if (end == v || *end != '\0' || !(cfg->chain_share >= 0) ||
		    cfg->chain_share > 1)
			return cs_error_set(err, CS_EINVAL,
			    "CS_CHAIN_SHARE must be a fraction from 0 (off) to "
			    "1, not '%s'",
			    v);
	}
	cfg->chain_recheck_ms = 24LL * 3600 * 1000;
	v = env("CS_CHAIN_RECHECK");
	if (v != NULL) {
		if (retention(v, &cfg->chain_recheck_ms) < 0 ||
		    cfg->chain_recheck_ms < 1000)
			return cs_error_set(err, CS_EINVAL,
			    "CS_CHAIN_RECHECK must be a period of 1 s or more "
			    "(90, 90s, 15m, 6h, 1d), not '%s'",
			    v);
	}
	return 0;
}

int
cs_config_from_env(struct cs_config *cfg, struct cs_error *err)
{
	const char *v;
	int64_t rate, grace;
	int error;

	memset(cfg, 0, sizeof(*cfg));
	cfg->database_url = env("CS_DATABASE_URL");
	if (cfg->database_url == NULL)
		cfg->database_url = "sqlite:campaign-sync.db";
	/* Each password of the URL is a secret the log scrubs, and the log
	 * holds CS_LOG_MAX_SECRETS: a URL names a few at most. */
	{
		const char *pos = cfg->database_url, *start;
		size_t len, n = 0;

		while (cs_str_next_url_password(
		    cfg->database_url, &pos, &start, &len))
			n++;
		if (n > CS_DB_URL_MAX_PASSWORDS)
			return cs_error_set(err, CS_EINVAL,
			    "CS_DATABASE_URL names %zu passwords; at most %d",
			    n, CS_DB_URL_MAX_PASSWORDS);
	}
	cfg->nmkr_api_key = env("NMKR_API_KEY");
	cfg->nmkr_network = CS_NETWORK_MAINNET;
	v = env("NMKR_NETWORK");
	if (v == NULL)
		v = env("NEXT_PUBLIC_NMKR_NETWORK");
	error =
	    network(env("NMKR_NETWORK") != NULL ? "NMKR_NETWORK"
	                                        : "NEXT_PUBLIC_NMKR_NETWORK",
	        v, &cfg->nmkr_network, err);
	if (error < 0)
		return error;
	cfg->nmkr_api_url = env("NMKR_API_URL");
	cfg->nmkr_rate_limit = CS_NMKR_RATE_LIMIT;
	v = env("NMKR_RATE_LIMIT");
	if (v != NULL) {
		if (cs_str_to_i64(v, 0, 1000000, &rate) < 0)
			return cs_error_set(err, CS_EINVAL,
			    "NMKR_RATE_LIMIT must be a number of requests per "
			    "10 s (0 turns it off), not '%s'",
			    v);
		cfg->nmkr_rate_limit = (long)rate;
	}
	cfg->blockfrost_project_id = env("BLOCKFROST_PROJECT_ID");
	cfg->blockfrost_network = cfg->nmkr_network;
	error = network("BLOCKFROST_NETWORK", env("BLOCKFROST_NETWORK"),
	    &cfg->blockfrost_network, err);
	if (error < 0)
		return error;
	cfg->blockfrost_api_url = env("BLOCKFROST_API_URL");
	cfg->listen = env("CS_LISTEN");
	if (cfg->listen == NULL)
		cfg->listen = "127.0.0.1:8080";
	cfg->admin_token = env("CS_ADMIN_TOKEN");
	cfg->sync_schedule = env("CS_SYNC_SCHEDULE");
	if (cfg->sync_schedule == NULL)
		cfg->sync_schedule = "*/15 * * * *";
	cfg->log_format = CS_LOG_TEXT;
	v = env("CS_LOG_FORMAT");
	if (v != NULL && cs_log_format_parse(v, &cfg->log_format) < 0)
		return cs_error_set(err, CS_EINVAL,
		    "CS_LOG_FORMAT must be text or json, not '%s'", v);
	cfg->public_rate = 60;
	v = env("CS_PUBLIC_RATE");
	if (v != NULL) {
		if (cs_str_to_i64(v, 0, 1000000, &rate) < 0)
			return cs_error_set(err, CS_EINVAL,
			    "CS_PUBLIC_RATE must be a number of requests per "
			    "minute (0 turns it off), not '%s'",
			    v);
		cfg->public_rate = (long)rate;
	}
	if (cs_notif_parse_grace(env("CS_WEBHOOK_SECRET_GRACE"),
	        &cfg->webhook_secret_grace_ms) < 0)
		return cs_error_set(err, CS_EINVAL,
		    "CS_WEBHOOK_SECRET_GRACE must be a number of seconds (0 "
		    "refuses a rotated-out secret at once), not '%s'",
		    env("CS_WEBHOOK_SECRET_GRACE"));
	cfg->webhook_retention_ms = CS_WEBHOOK_RETENTION_DEFAULT_S * 1000;
	v = env("CS_WEBHOOK_RETENTION");
	if (v != NULL && retention(v, &cfg->webhook_retention_ms) < 0)
		return cs_error_set(err, CS_EINVAL,
		    "CS_WEBHOOK_RETENTION must be seconds, or a number "
		    "followed "
		    "by s, m, h or d (30d); 0 keeps webhook events forever; "
		    "not "
		    "'%s'",
		    v);
	cfg->alert_url = env("CS_ALERT_WEBHOOK");
	if (cfg->alert_url != NULL && *cfg->alert_url == '\0')
		cfg->alert_url = NULL;
	if (cfg->alert_url != NULL &&
	    strncmp(cfg->alert_url, "https://", 8) != 0 &&
	    strncmp(cfg->alert_url, "http://", 7) != 0)
		return cs_error_set(err, CS_EINVAL,
		    "CS_ALERT_WEBHOOK must be an http:// or https:// URL");
	if (cfg->alert_url != NULL)
		cs_log_secret(cfg->alert_url);
	cfg->alert_every_ms = CS_ALERT_EVERY_DEFAULT_MS;
	v = env("CS_ALERT_EVERY");
	if (v != NULL && (retention(v, &cfg->alert_every_ms) < 0 ||
	                     cfg->alert_every_ms <= 0))
		return cs_error_set(err, CS_EINVAL,
		    "CS_ALERT_EVERY must be seconds, or a number followed by "
		    "s, m, h or d (1h), not '%s'",
		    v);
	cfg->alert_silence_ms = CS_ALERT_SILENCE_DEFAULT_MS;
	v = env("CS_ALERT_WEBHOOK_SILENCE");
	if (v != NULL && retention(v, &cfg->alert_silence_ms) < 0)
		return cs_error_set(err, CS_EINVAL,
		    "CS_ALERT_WEBHOOK_SILENCE must be seconds, or a number "
		    "followed by s, m, h or d (6h; 0 turns it off), not '%s'",
		    v);
	if (v != NULL && cfg->alert_silence_ms == 0)
		cfg->alert_silence_ms = -1;
	cfg->report_retention_ms = CS_REPORT_RETENTION_DEFAULT_S * 1000;
	v = env("CS_REPORT_RETENTION");
	if (v != NULL && retention(v, &cfg->report_retention_ms) < 0)
		return cs_error_set(err, CS_EINVAL,
		    "CS_REPORT_RETENTION must be seconds, or a number followed "
		    "by s, m, h or d (90d); 0 keeps every report; not '%s'",
		    v);
	cfg->webhook_refused_rate = CS_WEBHOOK_REFUSED_RATE_DEFAULT;
	v = env("CS_WEBHOOK_REFUSED_RATE");
	if (v != NULL) {
		if (cs_str_to_i64(v, 0, 1000000, &rate) < 0)
			return cs_error_set(err, CS_EINVAL,
			    "CS_WEBHOOK_REFUSED_RATE must be a number of "
			    "refused "
			    "webhooks a minute per client (0 turns the limit "
			    "off), not '%s'",
			    v);
		cfg->webhook_refused_rate = (long)rate;
	}
	error = chain_config(cfg, err);
	if (error < 0)
		return error;
	cfg->log_level = CS_LOG_INFO;
	v = env("CS_LOG_LEVEL");
	if (v != NULL && cs_log_level_parse(v, &cfg->log_level) < 0)
		return cs_error_set(err, CS_EINVAL,
		    "CS_LOG_LEVEL must be debug, info, warn or error, not '%s'",
		    v);
	cfg->webhook_grace_ms = CS_NMKR_WEBHOOK_GRACE_DEFAULT_MS;
	v = env("CS_WEBHOOK_GRACE_SECONDS");
	if (v != NULL) {
		if (cs_str_to_i64(v, 0, 3600, &grace) < 0)
			return cs_error_set(err, CS_EINVAL,
			    "CS_WEBHOOK_GRACE_SECONDS must be 0 to 3600 "
			    "seconds, not '%s'",
			    v);
		cfg->webhook_grace_ms = grace * 1000;
	}
	error = full_walks(cfg, err);
	if (error < 0)
		return error;
	error = http_limits(cfg, err);
	if (error < 0)
		return error;
	return load_zone(cfg, err);
}

/* Register the passwords of a database URL as they are written there. */
static void
register_url_password(const char *url)
{
	const char *pos = url, *start;
	char pw[256];
	size_t len;

	while (
	    url != NULL && cs_str_next_url_password(url, &pos, &start, &len)) {
		if (len < sizeof(pw)) {
			memcpy(pw, start, len);
			pw[len] = '\0';
			cs_log_secret(pw);
		}
	}
}

void
cs_config_register_secrets(const struct cs_config *cfg)
{
	cs_log_secret(cfg->nmkr_api_key);
	cs_log_secret(cfg->blockfrost_project_id);
	cs_log_secret(cfg->admin_token);
	register_url_password(cfg->database_url);
}
