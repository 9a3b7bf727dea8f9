/* SPDX-License-Identifier: MIT */
/*
 * doctor [CAMPAIGN]: what an operator checks before trusting a sync, one line
 * per check ("ok", "FAIL" or "skip" and why): the configuration, the
 * database, NMKR for each campaign (or the one named), Blockfrost when it is
 * configured, each campaign's webhook at NMKR (service/hook.c's status) and
 * the clock against NMKR's Date header. Nothing is written but a no-op
 * delete that proves the database takes writes.
 */
#include "cli/cli.h"

#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "clients/blockfrost.h"
#include "clients/nmkr.h"
#include "service/hook.h"
#include "util/log.h"
#include "util/time.h"
#include "util/vec.h"
#include "util/xalloc.h"
#include "util/banned.h"

/* NMKR's clock may differ from ours by this much: reservations last
 * minutes, and NMKR writes its times in its own clock. */
#define CLOCK_TOLERANCE_MS (30 * 1000)

/* A never-minted asset id: Blockfrost answers 404 once the project id is
 * accepted, 403 when it is not. */
#define NO_ASSET "00000000000000000000000000000000000000000000000000000000"

enum verdict { OK, FAIL, SKIP };

struct doctor {
	struct cs_cli *cli;
	int failed;
	struct cs_vec campaigns; /* struct cs_campaign, owned */
};

static void CS_PRINTF(3, 4)
    line(struct doctor *d, enum verdict v, const char *fmt, ...)
{
	static const char *const words[] = {"ok  ", "FAIL", "skip"};
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	cs_log_redact(msg, sizeof(msg));
	fprintf(d->cli->out, "%s  %s\n", words[v], msg);
	if (v == FAIL)
		d->failed++;
}

static void
check_config(struct doctor *d)
{
	const struct cs_config *c = &d->cli->cfg;

	if (c->nmkr_api_key == NULL) {
		line(d, FAIL, "configuration: NMKR_API_KEY is not set");
		return;
	}
	line(d, OK, "configuration: NMKR %s%s%s, database %s",
	    cs_network_name(c->nmkr_network),
	    c->nmkr_api_url != NULL ? " at " : "",
	    c->nmkr_api_url != NULL ? c->nmkr_api_url : "", c->database_url);
}

static int
campaign_cb(const struct cs_campaign *c, void *payload)
{
	struct doctor *d = payload;
	struct cs_campaign *copy = cs_vec_push(&d->campaigns);

	memset(copy, 0, sizeof(*copy));
	copy->id = c->id;
	copy->name = cs_xstrdup(c->name);
	copy->nmkr_project_uid = cs_xstrdup(c->nmkr_project_uid);
	return 0;
}

/* The database opens (which applies the migrations), answers, and takes a
 * write; then the campaigns to check. */
static struct cs_store *
check_database(struct doctor *d, const char *only)
{
	struct cs_error err = CS_ERROR_INIT;
	struct cs_campaign c;
	struct cs_store *store;
	int version = 0, code = 0;

	/* cs_cli_store() says why on stderr; the line says where. */
	store = cs_cli_store(d->cli, &code);
	if (store == NULL) {
		line(d, FAIL, "database: %s cannot be opened",
		    d->cli->cfg.database_url);
		return NULL;
	}
	if (cs_store_schema_version(store, &version, &err) < 0) {
		line(d, FAIL, "database: %s", cs_error_msg(&err));
		return NULL;
	}
	/* Deletes the sync logs older than 1970: none, but a write. */
	if (cs_store_sync_log_prune(store, 1, NULL, &err) < 0) {
		line(d, FAIL, "database: %s, schema %d, not writable: %s",
		    cs_store_backend_name(store), version, cs_error_msg(&err));
		return store;
	}
	line(d, OK, "database: %s, schema %d (up to date), writable",
	    cs_store_backend_name(store), version);
	if (only != NULL) {
		if (cs_store_campaign_find(store, only, &c, &err) < 0) {
			line(d, FAIL, "campaign %s: %s", only,
			    cs_error_msg(&err));
			return store;
		}
		campaign_cb(&c, d);
		cs_campaign_dispose(&c);
	} else if (cs_store_campaign_list(store, campaign_cb, d, &err) < 0) {
		line(d, FAIL, "database: %s", cs_error_msg(&err));
	}
	return store;
}

/* Reachable, key accepted, project found, from GetProjectDetails. */
static bool
check_nmkr(struct doctor *d, struct cs_nmkr *nmkr, const struct cs_campaign *c)
{
	struct cs_error err = CS_ERROR_INIT;
	struct cs_nmkr_project p;
	int error;

	memset(&p, 0, sizeof(p));
	error = cs_nmkr_get_project(nmkr, c->nmkr_project_uid, &p, &err);
	if (error == 0)
		line(d, OK,
		    "nmkr %s: reachable, key accepted, project %s found (%lld "
		    "NFTs)",
		    c->name, p.name != NULL ? p.name : c->nmkr_project_uid,
		    (long long)p.total);
	else if (err.http_status == 401 || err.http_status == 403)
		line(d, FAIL, "nmkr %s: reachable, but the key is refused (%d)",
		    c->name, err.http_status);
	else if (error == CS_ENOTFOUND || err.http_status == 404)
		line(d, FAIL, "nmkr %s: key accepted, but no project %s",
		    c->name, c->nmkr_project_uid);
	else
		line(d, FAIL, "nmkr %s: %s", c->name, cs_error_msg(&err));
	cs_nmkr_project_dispose(&p);
	return error == 0;
}

/* NMKR lists our URL and holds the secret we keep (webhook status). */
static void
check_webhook(struct doctor *d, struct cs_store *store, struct cs_nmkr *nmkr,
    const struct cs_campaign *c)
{
	struct cs_error err = CS_ERROR_INIT;
	struct cs_hook_status st;
	int64_t grace = d->cli->cfg.webhook_secret_grace_ms != 0
	                    ? d->cli->cfg.webhook_secret_grace_ms
	                    : CS_WEBHOOK_SECRET_GRACE_DEFAULT_MS;

	if (cs_hook_status_get(
	        store, nmkr, c->id, cs_now_ms(), grace, &st, &err) < 0) {
		line(d, FAIL, "webhook %s: %s", c->name, cs_error_msg(&err));
		return;
	}
	if (st.url == NULL)
		line(d, FAIL,
		    "webhook %s: none registered (campaign-sync webhook "
		    "register CAMPAIGN URL)",
		    c->name);
	else if (!st.listed)
		line(d, FAIL, "webhook %s: NMKR does not list %s", c->name,
		    st.url);
	else if (!st.secret_stored || !st.secret_matches)
		line(d, FAIL,
		    "webhook %s: NMKR lists %s, but holds another secret "
		    "(webhook register again to adopt it)",
		    c->name, st.url);
	else
		line(d, OK, "webhook %s: NMKR lists %s%s, with our secret",
		    c->name, st.url, st.active ? "" : " (inactive)");
	cs_hook_status_dispose(&st);
}

/* Our clock against the Date header of NMKR's last answer. */
static void
check_clock(struct doctor *d, int64_t theirs, int64_t ours)
{
	int64_t skew = ours - theirs;

	if (theirs == 0) {
		line(
		    d, SKIP, "clock: NMKR sent no Date header to compare with");
		return;
	}
	if (skew < 0)
		skew = -skew;
	line(d, skew <= CLOCK_TOLERANCE_MS ? OK : FAIL,
	    "clock: ours is %lld s %s NMKR's (tolerance %d s)",
	    (long long)(skew / 1000), ours >= theirs ? "ahead of" : "behind",
	    CLOCK_TOLERANCE_MS / 1000);
}

static void
check_blockfrost(struct doctor *d)
{
	struct cs_blockfrost_opts o = CS_BLOCKFROST_OPTS_INIT;
	struct cs_error err = CS_ERROR_INIT;
	struct cs_blockfrost *bf = NULL;
	struct cs_bf_asset a;
	int error;

	if (d->cli->cfg.blockfrost_project_id == NULL) {
		line(d, SKIP,
		    "blockfrost: not configured (BLOCKFROST_PROJECT_ID is not "
		    "set: no chain checks)");
		return;
	}
	o.project_id = d->cli->cfg.blockfrost_project_id;
	o.network = d->cli->cfg.blockfrost_network;
	o.base_url = d->cli->cfg.blockfrost_api_url;
	o.max_retries = 0;
	if (cs_blockfrost_new(&bf, &o, &err) < 0) {
		line(d, FAIL, "blockfrost: %s", cs_error_msg(&err));
		return;
	}
	memset(&a, 0, sizeof(a));
	error = cs_blockfrost_get_asset(bf, NO_ASSET, &a, &err);
	if (error == 0 || error == CS_ENOTFOUND)
		line(d, OK, "blockfrost: reachable, project id accepted (%s)",
		    cs_network_name(o.network));
	else if (err.http_status == 401 || err.http_status == 403)
		line(d, FAIL, "blockfrost: the project id is refused (%d)",
		    err.http_status);
	else
		line(d, FAIL, "blockfrost: %s", cs_error_msg(&err));
	if (error == 0)
		cs_bf_asset_dispose(&a);
	cs_blockfrost_free(bf);
}

/* NMKR, each campaign's webhook, and the clock from NMKR's answers. */
static void
check_upstream(struct doctor *d, struct cs_store *store)
{
	struct cs_nmkr_opts o = CS_NMKR_OPTS_INIT;
	struct cs_error err = CS_ERROR_INIT;
	struct cs_nmkr *nmkr = NULL;
	const struct cs_campaign *c;
	int64_t date = 0, at = 0;
	size_t i;

	if (d->cli->cfg.nmkr_api_key == NULL) {
		line(d, SKIP, "nmkr: no key to call NMKR with");
		return;
	}
	o.api_key = d->cli->cfg.nmkr_api_key;
	o.network = d->cli->cfg.nmkr_network;
	o.base_url = d->cli->cfg.nmkr_api_url;
	o.zone = d->cli->cfg.nmkr_zone;
	o.max_retries = 0;
	if (cs_nmkr_new(&nmkr, &o, &err) < 0) {
		line(d, FAIL, "nmkr: %s", cs_error_msg(&err));
		return;
	}
	if (d->campaigns.len == 0)
		line(d, SKIP,
		    "nmkr: no campaign, so no NMKR project to ask "
		    "for");
	for (i = 0; i < d->campaigns.len; i++) {
		c = CS_VEC_AT(&d->campaigns, struct cs_campaign, i);
		if (!check_nmkr(d, nmkr, c)) {
			line(d, SKIP, "webhook %s: NMKR did not answer",
			    c->name);
			continue;
		}
		if (date == 0) {
			date = cs_nmkr_server_date(nmkr);
			at = cs_now_ms();
		}
		check_webhook(d, store, nmkr, c);
	}
	if (d->campaigns.len > 0 && date == 0)
		line(d, SKIP, "clock: NMKR did not answer");
	else if (date != 0)
		check_clock(d, date, at);
	cs_nmkr_free(nmkr);
}

int
cs_cmd_doctor(struct cs_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {{NULL, 0, NULL, 0}};
	struct doctor d;
	struct cs_store *store;
	size_t i;

	/* No flag of its own: any is a usage error, as is a second word. */
	if (getopt_long(argc, argv, "", opts, NULL) != -1 || argc - optind > 1)
		return cs_cli_failf(cli, CS_EXIT_USAGE,
		    "usage: campaign-sync doctor [CAMPAIGN]");
	memset(&d, 0, sizeof(d));
	d.cli = cli;
	cs_vec_init(&d.campaigns, sizeof(struct cs_campaign));
	check_config(&d);
	store = check_database(&d, optind < argc ? argv[optind] : NULL);
	if (store != NULL)
		check_upstream(&d, store);
	else
		line(&d, SKIP,
		    "nmkr, webhooks, clock: no database to read the "
		    "campaigns from");
	check_blockfrost(&d);
	for (i = 0; i < d.campaigns.len; i++)
		cs_campaign_dispose(
		    CS_VEC_AT(&d.campaigns, struct cs_campaign, i));
	cs_vec_dispose(&d.campaigns);
	if (d.failed > 0) {
		fprintf(cli->out, "%d check%s failed\n", d.failed,
		    d.failed == 1 ? "" : "s");
		return CS_EXIT_FAILED;
	}
	fprintf(cli->out, "every check passed\n");
	return CS_EXIT_OK;
}
