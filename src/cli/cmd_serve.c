/* SPDX-License-Identifier: MIT */
/*
 * serve: the HTTP server until SIGTERM or SIGINT, then an orderly stop
 * (exit 0). The first line on stdout says where it listens.
 */
#include "cli/cli.h"

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "http/http.h"
#include "service/sync.h"
#include "util/log.h"
#include "util/str.h"
#include "util/banned.h"

enum {
	OPT_LISTEN = 256,
	OPT_WEB_DIR,
	OPT_NO_SCHEDULE,
	OPT_OWNER,
};

/* Fill server options from the configuration; nmkr and bf are where the
 * upstreams' options live (they must outlive the server). */
void
cs_cli_server_opts(struct cs_cli *cli, struct cs_server_opts *o,
    struct cs_nmkr_opts *nmkr, struct cs_blockfrost_opts *bf)
{
	cs_server_opts_init(o);
	o->listen = cli->cfg.listen;
	o->database_url = cli->cfg.database_url;
	o->admin_token = cli->cfg.admin_token;
	o->schedule = cli->cfg.sync_schedule;
	o->public_rate = cli->cfg.public_rate;
	o->webhook_secret_grace_ms = cli->cfg.webhook_secret_grace_ms;
	o->webhook_refused_rate = cli->cfg.webhook_refused_rate;
	o->webhook_retention_ms = cli->cfg.webhook_retention_ms;
	o->report_retention_ms = cli->cfg.report_retention_ms;
	o->alert_url = cli->cfg.alert_url;
	o->alert_every_ms = cli->cfg.alert_every_ms;
	o->alert_silence_ms = cli->cfg.alert_silence_ms;
	o->trusted_proxies = cli->cfg.trusted_proxies;
	o->max_connections = cli->cfg.max_connections;
	o->max_client_connections = cli->cfg.max_client_connections;
	o->header_timeout_s = cli->cfg.header_timeout_s;
	o->max_syncs = cli->cfg.max_syncs;
	if (cli->cfg.nmkr_api_key != NULL) {
		*nmkr = (struct cs_nmkr_opts)CS_NMKR_OPTS_INIT;
		nmkr->api_key = cli->cfg.nmkr_api_key;
		nmkr->network = cli->cfg.nmkr_network;
		nmkr->base_url = cli->cfg.nmkr_api_url;
		nmkr->zone = cli->cfg.nmkr_zone;
		nmkr->webhook_grace_ms = cli->cfg.webhook_grace_ms;
		o->nmkr = nmkr;
	}
	if (cli->cfg.blockfrost_project_id != NULL) {
		*bf = (struct cs_blockfrost_opts)CS_BLOCKFROST_OPTS_INIT;
		bf->project_id = cli->cfg.blockfrost_project_id;
		bf->network = cli->cfg.blockfrost_network;
		bf->base_url = cli->cfg.blockfrost_api_url;
		o->blockfrost = bf;
		o->chain_rate = cli->cfg.chain_share * cli->cfg.blockfrost_rate;
		o->chain_recheck_ms = cli->cfg.chain_recheck_ms;
	}
}

/* Block the stop signals in every thread; the caller waits for them. */
void
cs_cli_block_signals(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, set, NULL);
	signal(SIGPIPE, SIG_IGN);
}

static void
default_owner(char *out, size_t size)
{
	/* "serve@HOST:PID": another process on this host can tell that it
	 * is gone and take its runs over (cs_sync_owner_gone()). */
	cs_sync_owner_name(out, size, "serve");
}

/* The read commands work on a read-only database file; serve writes (the
 * scheduler, webhooks, the sweeper), so it refuses one at start. */
static int
refuse_readonly(struct cs_cli *cli)
{
	struct cs_store *store;
	int code = 0;

	store = cs_cli_store(cli, &code);
	if (store == NULL)
		return code;
	if (cs_store_readonly(store))
		code = cs_cli_failf(cli, CS_EXIT_IOERR,
		    "serve needs a database it can write: %s is read-only",
		    cli->cfg.database_url);
	cs_store_free(store);
	cli->store = NULL;
	return code;
}

int
cs_cmd_serve(struct cs_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"listen", required_argument, NULL, OPT_LISTEN},
	    {"web-dir", required_argument, NULL, OPT_WEB_DIR},
	    {"no-schedule", no_argument, NULL, OPT_NO_SCHEDULE},
	    {"owner", required_argument, NULL, OPT_OWNER},
	    {NULL, 0, NULL, 0},
	};
	struct cs_error err = CS_ERROR_INIT;
	struct cs_server_opts o;
	struct cs_nmkr_opts nmkr;
	struct cs_blockfrost_opts bf;
	struct cs_server *srv = NULL;
	char owner[64], db[512];
	sigset_t set;
	int c, code, sig = 0;

	cs_cli_server_opts(cli, &o, &nmkr, &bf);
	/* serve@HOST:PID: at start, an instance closes the runs that a dead
	 * process of this host left (cs_sync_recover). */
	default_owner(owner, sizeof(owner));
	o.owner = owner;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case OPT_LISTEN:
			o.listen = optarg;
			break;
		case OPT_WEB_DIR:
			o.web_dir = optarg;
			break;
		case OPT_NO_SCHEDULE:
			o.schedule = NULL;
			break;
		case OPT_OWNER:
			if (strlen(optarg) >= sizeof(owner) ||
			    optarg[0] == '\0')
				return cs_cli_failf(cli, CS_EXIT_USAGE,
				    "--owner takes a name of 1 to %zu bytes",
				    sizeof(owner) - 1);
			o.owner = optarg;
			break;
		default:
			return CS_EXIT_USAGE;
		}
	}
	if (optind != argc)
		return cs_cli_failf(cli, CS_EXIT_USAGE,
		    "serve takes no arguments besides its flags");
	code = refuse_readonly(cli);
	if (code != 0)
		return code;
	cs_cli_block_signals(&set);
	if (cs_server_start(&srv, &o, &err) < 0) {
		cs_cli_fail(cli, &err);
		return err.code == CS_EINVAL ? CS_EXIT_CONFIG
		                             : CS_EXIT_UNAVAILABLE;
	}
	fprintf(cli->out, "listening on %s\n", cs_server_url(srv));
	if (cs_server_generated_token(srv) != NULL)
		fprintf(cli->out,
		    "admin token (made up: set CS_ADMIN_TOKEN "
		    "to choose one): %s\n",
		    cs_server_generated_token(srv));
	fflush(cli->out);
	cs_str_redact_url(o.database_url, db, sizeof(db));
	cs_log_info("serve",
	    "listening on %s (database %s, schedule %s, chain checks %s)",
	    cs_server_url(srv), db,
	    o.schedule != NULL && o.nmkr != NULL ? o.schedule : "off",
	    o.blockfrost != NULL ? "on" : "off");
	sigwait(&set, &sig);
	cs_log_info("serve", "signal %d: stopping", sig);
	cs_server_stop(srv);
	cs_server_free(srv);
	cs_log_info("serve", "stopped");
	return CS_EXIT_OK;
}
