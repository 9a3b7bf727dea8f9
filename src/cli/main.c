/* SPDX-License-Identifier: MIT */
/*
 * campaign-sync: one binary, a static table of commands. Global flags may
 * come anywhere on the line (before "--"); configuration comes from the
 * environment with flags on top; exit codes follow sysexits(3).
 */
#include "cli/cli.h"

#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "clients/nmkr.h"
#include "cli/table.h"
#include "service/encode.h"
#include "service/sync.h"
#include "service/verify.h"
#include "util/log.h"
#include "util/str.h"
#include "util/time.h"
#include "util/banned.h"

/* The configuration's variables; usage() and the manual print them. */
static const struct cs_cli_var variables[] = {
    {"CS_DATABASE_URL",
        "sqlite:PATH (default sqlite:campaign-sync.db) or "
        "postgres://... (several instances on one PostgreSQL database)"},
    {"NMKR_API_KEY", "the NMKR Studio API key (never logged)"},
    {"NMKR_NETWORK", "mainnet (default) or preprod"},
    {"NEXT_PUBLIC_NMKR_NETWORK",
        "accepted for NMKR_NETWORK when that is unset"},
    {"NMKR_API_URL", "overrides the network's NMKR base URL (the fakes)"},
    {"NMKR_RATE_LIMIT",
        "NMKR requests per 10 s that this process allows itself, shared by "
        "all its NMKR clients (default 800, NMKR's limit; 0 turns it off)"},
    {"CS_SYNC_FULL_EVERY",
        "walk every page of NMKR's list every Nth sync of a campaign, not "
        "only the states' lists (default 0: not by count)"},
    {"CS_SYNC_FULL_HOURS",
        "walk every page of NMKR's list when a campaign's last full walk is "
        "older than this (default 24; 0: not by age)"},
    {"NMKR_TIMEZONE",
        "the IANA zone of NMKR's server clock, in which it writes selldate, "
        "reserveduntil and SaleDate without an offset (default UTC; read from "
        "tzdata at start, an unknown zone exits 78)"},
    {"TZDIR", "where the tzdata zone files are (default /usr/share/zoneinfo), "
              "as for the C library"},
    {"BLOCKFROST_PROJECT_ID",
        "the Blockfrost project id; chain verification is off without it "
        "(never logged)"},
    {"BLOCKFROST_NETWORK", "mainnet or preprod (default: NMKR_NETWORK)"},
    {"BLOCKFROST_API_URL", "overrides the network's Blockfrost base URL"},
    {"CS_LISTEN", "the address of serve (default 127.0.0.1:8080)"},
    {"CS_ADMIN_TOKEN",
        "the bearer token of the admin API (required off loopback; never "
        "logged)"},
    {"CS_SYNC_SCHEDULE",
        "5-field cron of the automatic sync (default */15 * * * *)"},
    {"CS_LOG_FORMAT", "text (default) or json"},
    {"CS_LOG_LEVEL", "debug, info (default), warn or error; -v and -q "
                     "override it"},
    {"CS_PUBLIC_RATE",
        "public requests per minute per client (default 60; 0 turns the "
        "limit off)"},
    {"CS_WEBHOOK_REFUSED_RATE",
        "refused webhooks per minute per client before 429 without storing "
        "(default 60; 0 turns the limit off)"},
    {"CS_WEBHOOK_RETENTION", "how long webhook events are kept unless a status "
                             "change points at them: seconds or a number with "
                             "s, m, h or d (default 30d; 0 keeps all)"},
    {"CS_ALERT_WEBHOOK",
        "a URL (Slack, Discord or any) that receives {\"text\": ...} when "
        "a sync fails, review items come in, or sales go on without NMKR "
        "webhooks (serve; unset: no alerts)"},
    {"CS_ALERT_EVERY",
        "at most one alert per cause and campaign this often (default 1h)"},
    {"CS_ALERT_WEBHOOK_SILENCE",
        "how long without an NMKR webhook, while syncs see sales, before "
        "an alert (default 6h; 0 turns it off)"},
    {"CS_REPORT_RETENTION",
        "how long a sync's stored report is kept (its log row, counts and "
        "the status history stay): seconds or a number with s, m, h or d "
        "(default 90d; 0 keeps all)"},
    {"CS_WEBHOOK_SECRET_GRACE",
        "seconds a rotated-out webhook secret is still accepted after "
        "webhook rotate (default 600; 0 refuses it at once)"},
    {"CS_WEBHOOK_GRACE_SECONDS",
        "how long a sale recorded by a webhook is deferred by the sync instead "
        "of judged against NMKR's cached list (default 60, 0 to 3600; 0 turns "
        "it off)"},
    {"CS_TRUSTED_PROXIES",
        "reverse proxies whose X-Forwarded-For names the client: addresses and "
        "networks, e.g. 127.0.0.1, 10.0.0.0/8 (default none)"},
    {"CS_MAX_CONNECTIONS", "open connections of serve in all (default 4096)"},
    {"CS_MAX_CLIENT_CONNECTIONS",
        "open connections per client address, an IPv6 /64 counting as one; "
        "trusted proxies are not capped (default 64)"},
    {"CS_HEADER_TIMEOUT", "seconds a connection has to send a request's "
                          "headers before it is closed (default 5)"},
    {"CS_MAX_SYNCS", "syncs run at once for HTTP requests; the next is "
                     "answered 503 with Retry-After (default 4)"},
    {"CS_BLOCKFROST_RATE",
        "Blockfrost's requests per second for the project (default 10)"},
    {"CS_CHAIN_SHARE",
        "the fraction of CS_BLOCKFROST_RATE that serve's background "
        "verifier spends, all instances of the database together "
        "(default 0.5; 0 turns it off)"},
    {"CS_CHAIN_RECHECK",
        "how long a chain check holds before the sale is checked again: "
        "90, 90s, 15m, 6h, 1d (default 1d)"},
    {"CS_FAKE_NMKR", "demo: the fake-nmkr program to run"},
    {"CS_FAKE_BLOCKFROST", "demo: the fake-blockfrost program to run"},
};

const struct cs_cli_var *
cs_cli_variables(size_t *n)
{
	*n = sizeof(variables) / sizeof(variables[0]);
	return variables;
}

static const struct cs_cmd commands[] = {
    {"campaign", cs_cmd_campaign, "campaign <command> [...]",
        "campaign admin: create, list, show, update, activate, "
        "deactivate, delete",
        NULL},
    {"inventory", cs_cmd_inventory, "inventory <command> CAMPAIGN [...]",
        "a campaign's NFTs: import, list, repair-links", NULL},
    {"sync", cs_cmd_sync,
        "sync CAMPAIGN|--all [--json] [--dry-run] [--force] [--full] "
        "[--verify-limit N] [--quiet-progress]",
        "reconcile campaigns with NMKR now: exit 0 success, 3 partial, "
        "1 failed, 75 stopped (Ctrl-C, SIGTERM, SIGHUP: nothing applied, "
        "the run closed as interrupted)",
        "CAMPAIGN          id or name\n"
        "--all             every active campaign\n"
        "--json            print the SyncReport as JSON\n"
        "--dry-run         compare and plan, write nothing\n"
        "--force           skip the 10-second debounce\n"
        "--full            walk every page of NMKR's list, not only "
        "the states' lists\n"
        "--verify-limit N  chain checks per sync when "
        "BLOCKFROST_PROJECT_ID is set\n"
        "                  (default 10, at most 200; 0 turns them off)\n"
        "--quiet-progress  no progress bar even on a terminal"},
    {"serve", cs_cmd_serve,
        "serve [--listen ADDR] [--no-schedule] [--web-dir DIR] "
        "[--owner NAME]",
        "the HTTP server: API, Campaign Manager page, NMKR webhooks, "
        "scheduler, reservation sweeper and background chain verifier",
        "--listen ADDR    host:port (CS_LISTEN, default 127.0.0.1:8080; "
        "port 0 picks one)\n"
        "--no-schedule    no automatic syncs (CS_SYNC_SCHEDULE)\n"
        "--web-dir DIR    serve the page from DIR instead of the built-in "
        "copy (development)\n"
        "--owner NAME     this instance's name in sync_runs, unique among "
        "the instances\n"
        "                 (default serve@HOSTNAME:PID); at start it closes "
        "the syncs left\n"
        "                 unfinished by an earlier process of NAME, or by a "
        "dead process\n"
        "                 of this host\n"
        "With BLOCKFROST_PROJECT_ID, a background thread checks every sale "
        "on chain,\n"
        "new sales first, then each again after CS_CHAIN_RECHECK, spending "
        "CS_CHAIN_SHARE\n"
        "of CS_BLOCKFROST_RATE for all instances of the database together "
        "(see\n"
        "verify --status and /metrics)."},
    {"demo", cs_cmd_demo, "demo [--listen ADDR] [--dir DIR] [--nfts N]",
        "the whole system on this machine with fake NMKR and Blockfrost: "
        "prints the page's URL and admin token; Ctrl-C stops it",
        "--listen ADDR  the server's address (default 127.0.0.1:8080)\n"
        "--dir DIR      where the database and the fakes' logs go (default: "
        "a new directory in /tmp)\n"
        "--nfts N       NFTs in the sample campaign (default 120)"},
    {"webhook", cs_cmd_webhook, "webhook register CAMPAIGN URL",
        "register the server's webhook with NMKR and keep its secret", NULL},
    {"verify", cs_cmd_verify,
        "verify CAMPAIGN [--all | --limit N] [--refresh] [--json] | "
        "--status [--json]",
        "check sold NFTs on chain through Blockfrost: exit 0 when none "
        "is an error, 1 otherwise; --status: the coverage",
        "CAMPAIGN    id or name\n"
        "--limit N   at most N sold NFTs, least recently checked first "
        "(default 10)\n"
        "--all       every sold NFT with an asset id\n"
        "--refresh   ask Blockfrost even for results under an hour old\n"
        "--json      print the results as JSON\n"
        "--status    how many sales have a check younger than "
        "CS_CHAIN_RECHECK\n"
        "            (\"1,980 of 2,000 sales verified, oldest pending 3 "
        "min\"), and\n"
        "            the mismatches and errors; exit 1 when one is listed. "
        "Reads the\n"
        "            database only: serve's background verifier "
        "(CS_CHAIN_SHARE of\n"
        "            CS_BLOCKFROST_RATE) keeps it up.\n"
        "A mismatch is an asset minted by another transaction than "
        "NMKR's.\n"
        "Results under an hour old are reused without a request. "
        "Needs\n"
        "BLOCKFROST_PROJECT_ID (exit 78 without it), BLOCKFROST_NETWORK "
        "and\n"
        "optionally BLOCKFROST_API_URL."},
    {"nft", cs_cmd_nft, "nft <command> UID [...]", "one NFT: show, set-status",
        NULL},
    {"review", cs_cmd_review, "review <command> ...",
        "the review queue: list, resolve (one item, or all at once)", NULL},
    {"logs", cs_cmd_logs,
        "logs [--project P] [--campaign C] [--status S] [--type T] "
        "[--limit N] [--json]",
        "recent sync log entries, newest first (getRecentSyncLogs): "
        "when (\"3 min ago\"), the campaign's name, and each sync's "
        "discrepancies and review items",
        "--project P    NMKR project uid\n"
        "--campaign C   campaign id or name\n"
        "--status S     success, partial or failed\n"
        "--type T       webhook, api_pull or manual_sync\n"
        "--limit N      at most N entries (default 50)\n"
        "--json         print JSON"},
    {"doctor", cs_cmd_doctor, "doctor [CAMPAIGN]",
        "check the setup, one line per check (ok, FAIL or skip and why): "
        "exit 0 when none fails, 1 when one does",
        "CAMPAIGN   id or name: check only this campaign at NMKR "
        "(default: every one)\n"
        "Checks the configuration; the database (it opens, its schema is "
        "up to date,\n"
        "it takes a write); NMKR for each campaign (reachable, key "
        "accepted, project\n"
        "found); each campaign's webhook (NMKR lists our URL and holds "
        "the secret we\n"
        "keep, as webhook status); the clock against the Date of NMKR's "
        "answer\n"
        "(tolerance 30 s); Blockfrost when BLOCKFROST_PROJECT_ID is set "
        "(skipped, not\n"
        "failed, without it)."},
    {"migrate", cs_cmd_migrate, "migrate",
        "apply schema migrations (also done whenever the database is "
        "opened) and print the schema version",
        NULL},
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

const struct cs_cmd *
cs_cli_commands(size_t *n)
{
	*n = NCOMMANDS;
	return commands;
}

static void
usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: campaign-sync [--db URL] [--log-format text|json] "
	           "[-v | -q] <command> [...]\n\n");
	fprintf(f, "Keeps NFT campaign inventories true to NMKR Studio and "
	           "the Cardano chain.\n\ncommands:\n");
	for (i = 0; i < NCOMMANDS; i++)
		fprintf(
		    f, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fprintf(f, "\nThe global flags may come anywhere on the line, before "
	           "\"--\".\nEach command takes --help; `campaign-sync help "
	           "--man` "
	           "prints the manual.\nConfiguration comes from the "
	           "environment:\n");
	for (i = 0; i < sizeof(variables) / sizeof(variables[0]); i++)
		fprintf(f, "  %s\n", variables[i].name);
}

/* help CMD [SUB]: that command's usage and help (a group's list of
 * sub-commands without SUB). */
static int
help_command(const char *name, const char *sub)
{
	const struct cs_cmd *table;
	size_t i, n;

	table = cs_cli_group_table(name, &n);
	if (table != NULL && sub != NULL) {
		for (i = 0; i < n; i++) {
			if (strcmp(table[i].name, sub) == 0) {
				cs_cli_usage(stdout, &table[i]);
				return CS_EXIT_OK;
			}
		}
		fprintf(
		    stderr, "campaign-sync: no command '%s %s'\n", name, sub);
		return CS_EXIT_USAGE;
	}
	for (i = 0; i < NCOMMANDS; i++) {
		if (strcmp(commands[i].name, name) != 0)
			continue;
		cs_cli_usage(stdout, &commands[i]);
		if (table != NULL) {
			printf("\ncommands:\n");
			for (size_t k = 0; k < n; k++)
				printf("  %s\n", table[k].usage);
		}
		return CS_EXIT_OK;
	}
	fprintf(stderr, "campaign-sync: no command '%s'\n", name);
	return CS_EXIT_USAGE;
}

/* help, help CMD [SUB], help --man, help --completion SHELL. */
static int
help(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "--man") == 0) {
		cs_cli_print_manual(stdout);
		return CS_EXIT_OK;
	}
	if (argc >= 2 &&
	    (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		printf("usage: campaign-sync help [CMD [SUB] | --man | "
		       "--completion bash|zsh]\n\nthe commands, one "
		       "command's help, the manual page, or a completion "
		       "script\n");
		return CS_EXIT_OK;
	}
	if (argc >= 2 && strcmp(argv[1], "--completion") == 0) {
		if (argc < 3 || cs_cli_print_completion(stdout, argv[2]) < 0) {
			fprintf(stderr, "campaign-sync: help --completion "
			                "takes bash or zsh\n");
			return CS_EXIT_USAGE;
		}
		return CS_EXIT_OK;
	}
	if (argc >= 2)
		return help_command(argv[1], argc >= 3 ? argv[2] : NULL);
	usage(stdout);
	return CS_EXIT_OK;
}

int
cs_cli_exit_code(int err_code)
{
	switch (err_code) {
	case CS_OK:
		return CS_EXIT_OK;
	case CS_EINVAL:
	case CS_ECONFLICT:
	case CS_EPARSE:
	case CS_ETOOBIG:
		return CS_EXIT_DATAERR;
	case CS_ENOTFOUND:
		return CS_EXIT_NOINPUT;
	case CS_EHTTP:
	case CS_ERATELIMIT:
	case CS_ETIMEOUT:
		return CS_EXIT_UNAVAILABLE;
	case CS_EDB:
		return CS_EXIT_IOERR;
	case CS_EAGAIN:
		return CS_EXIT_TEMPFAIL;
	default:
		return CS_EXIT_SOFTWARE;
	}
}

int
cs_cli_fail(struct cs_cli *cli, const struct cs_error *err)
{
	char msg[CS_ERROR_MSG_LEN + 32];

	snprintf(msg, sizeof(msg), "%s", cs_error_msg(err));
	cs_log_redact(msg, sizeof(msg));
	fprintf(cli->errout, "campaign-sync: %s\n", msg);
	return cs_cli_exit_code(err->code);
}

int
cs_cli_failf(struct cs_cli *cli, int code, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	cs_log_redact(msg, sizeof(msg));
	fprintf(cli->errout, "campaign-sync: %s\n", msg);
	return code;
}

struct cs_store *
cs_cli_store(struct cs_cli *cli, int *exit_code)
{
	struct cs_error err = CS_ERROR_INIT;
	int error;

	if (cli->store != NULL)
		return cli->store;
	error = cs_store_open(&cli->store, cli->cfg.database_url, &err);
	if (error < 0) {
		/* A database we cannot use is a configuration problem. */
		cs_cli_fail(cli, &err);
		*exit_code = error == CS_EINVAL ? CS_EXIT_CONFIG
		                                : cs_cli_exit_code(error);
		return NULL;
	}
	return cli->store;
}

int
cs_cli_campaign(struct cs_cli *cli, const char *ref, struct cs_store **storep,
    struct cs_campaign *out)
{
	struct cs_error err = CS_ERROR_INIT;
	int code = 0;

	*storep = cs_cli_store(cli, &code);
	if (*storep == NULL)
		return code;
	if (cs_store_campaign_find(*storep, ref, out, &err) < 0)
		return cs_cli_fail(cli, &err);
	return 0;
}

struct cs_nmkr *
cs_cli_nmkr(struct cs_cli *cli, int *exit_code)
{
	struct cs_nmkr_opts o = CS_NMKR_OPTS_INIT;
	struct cs_error err = CS_ERROR_INIT;
	struct cs_nmkr *c = NULL;

	if (cli->cfg.nmkr_api_key == NULL) {
		*exit_code = cs_cli_failf(cli, CS_EXIT_CONFIG,
		    "NMKR_API_KEY is not set: the NMKR API needs a key");
		return NULL;
	}
	o.api_key = cli->cfg.nmkr_api_key;
	o.network = cli->cfg.nmkr_network;
	o.base_url = cli->cfg.nmkr_api_url;
	o.zone = cli->cfg.nmkr_zone;
	o.webhook_grace_ms = cli->cfg.webhook_grace_ms;
	if (cs_nmkr_new(&c, &o, &err) < 0) {
		cs_cli_fail(cli, &err);
		*exit_code = CS_EXIT_CONFIG;
		return NULL;
	}
	return c;
}

struct cs_verifier *
cs_cli_verifier(struct cs_cli *cli, int *exit_code)
{
	struct cs_blockfrost_opts o = CS_BLOCKFROST_OPTS_INIT;
	struct cs_error err = CS_ERROR_INIT;
	struct cs_verifier *v = NULL;

	if (cli->cfg.blockfrost_project_id == NULL) {
		*exit_code = cs_cli_failf(cli, CS_EXIT_CONFIG,
		    "BLOCKFROST_PROJECT_ID is not set: chain verification "
		    "needs a Blockfrost project id");
		return NULL;
	}
	o.project_id = cli->cfg.blockfrost_project_id;
	o.network = cli->cfg.blockfrost_network;
	o.base_url = cli->cfg.blockfrost_api_url;
	if (cs_verifier_new(&v, &o, &err) < 0) {
		cs_cli_fail(cli, &err);
		*exit_code = CS_EXIT_CONFIG;
		return NULL;
	}
	return v;
}

void
cs_cli_usage(FILE *f, const struct cs_cmd *cmd)
{
	const char *p, *nl;

	fprintf(f, "usage: campaign-sync %s\n\n%s\n", cmd->usage, cmd->summary);
	if (cmd->help == NULL)
		return;
	fputc('\n', f);
	for (p = cmd->help; *p != '\0'; p = nl + 1) {
		nl = strchr(p, '\n');
		if (nl == NULL) {
			fprintf(f, "  %s\n", p);
			break;
		}
		fprintf(f, "  %.*s\n", (int)(nl - p), p);
	}
}

bool
cs_cli_wants_help(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			break;
		if (strcmp(argv[i], "-h") == 0 ||
		    strcmp(argv[i], "--help") == 0)
			return true;
	}
	return false;
}

int
cs_cli_dispatch(struct cs_cli *cli, const struct cs_cmd *table, size_t n,
    const char *group, int argc, char **argv)
{
	size_t i;

	if (argc >= 2) {
		for (i = 0; i < n; i++) {
			if (strcmp(argv[1], table[i].name) != 0)
				continue;
			if (cs_cli_wants_help(argc - 1, argv + 1)) {
				cs_cli_usage(cli->out, &table[i]);
				return CS_EXIT_OK;
			}
			optind = 0; /* reset getopt for the sub-command */
			return table[i].fn(cli, argc - 1, argv + 1);
		}
	}
	if (argc >= 2 && strcmp(argv[1], "--help") != 0 &&
	    strcmp(argv[1], "-h") != 0 && strcmp(argv[1], "help") != 0)
		fprintf(cli->errout, "campaign-sync: unknown %s command '%s'\n",
		    group, argv[1]);
	fprintf(argc >= 2 ? cli->out : cli->errout,
	    "usage: campaign-sync %s <command> [...]\n\ncommands:\n", group);
	for (i = 0; i < n; i++)
		fprintf(argc >= 2 ? cli->out : cli->errout, "  %s\n",
		    table[i].usage);
	if (argc >= 2 &&
	    (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	        strcmp(argv[1], "help") == 0))
		return CS_EXIT_OK;
	return CS_EXIT_USAGE;
}

int
cs_cli_parse_date(const char *s, int64_t *out)
{
	return cs_time_parse_iso8601(s, out);
}

void
cs_cli_print_json(struct cs_cli *cli, const cJSON *v)
{
	char *s = cs_json_print(v, true);

	fprintf(cli->out, "%s\n", s);
	cJSON_free(s);
}

void
cs_cli_list_init(
    struct cs_cli_list *l, bool json, size_t ncols, const char *const *headers)
{
	l->json = json ? cJSON_CreateArray() : NULL;
	l->table = json ? NULL : cs_table_new(ncols, headers);
}

void
cs_cli_list_print(
    struct cs_cli *cli, const struct cs_cli_list *l, const char *empty)
{
	if (l->json != NULL)
		cs_cli_print_json(cli, l->json);
	else if (cs_table_rows(l->table) == 0)
		fprintf(cli->out, "%s\n", empty);
	else
		cs_table_print(l->table, cli->out);
}

void
cs_cli_list_dispose(struct cs_cli_list *l)
{
	cJSON_Delete(l->json);
	cs_table_free(l->table);
	memset(l, 0, sizeof(*l));
}

static int
migrate_report(struct cs_cli *cli)
{
	struct cs_error err = CS_ERROR_INIT;
	struct cs_store *store;
	int version = 0, code = 0;

	store = cs_cli_store(cli, &code);
	if (store == NULL)
		return code;
	if (cs_store_schema_version(store, &version, &err) < 0)
		return cs_cli_fail(cli, &err);
	fprintf(cli->out, "schema version %d (%s)\n", version,
	    cs_store_backend_name(store));
	return CS_EXIT_OK;
}

int
cs_cmd_migrate(struct cs_cli *cli, int argc, char **argv)
{
	(void)argv;
	if (argc > 1)
		return cs_cli_failf(
		    cli, CS_EXIT_USAGE, "migrate takes no arguments");
	return migrate_report(cli);
}

/* Apply one global flag at argv[*i] (advancing *i past a separate value);
 * 1 when it was one, 0 when not, or a usage exit code (negated). */
static int
global_flag(struct cs_cli *cli, int argc, char **argv, int *i)
{
	const char *a = argv[*i], *val = NULL;
	size_t n;

	if (strcmp(a, "-v") == 0 || strcmp(a, "--verbose") == 0) {
		cli->cfg.log_level = CS_LOG_DEBUG;
		return 1;
	}
	if (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0) {
		cli->cfg.log_level = CS_LOG_ERROR;
		return 1;
	}
	if (strncmp(a, "--db", 4) == 0 && (a[4] == '\0' || a[4] == '='))
		n = 4;
	else if (strncmp(a, "--log-format", 12) == 0 &&
	         (a[12] == '\0' || a[12] == '='))
		n = 12;
	else
		return 0;
	if (a[n] == '=') {
		val = a + n + 1;
	} else if (*i + 1 < argc) {
		*i += 1;
		val = argv[*i];
	} else {
		fprintf(
		    stderr, "campaign-sync: %.*s needs a value\n", (int)n, a);
		return -CS_EXIT_USAGE;
	}
	if (n == 4) {
		cli->cfg.database_url = val;
		return 1;
	}
	if (cs_log_format_parse(val, &cli->cfg.log_format) < 0) {
		fprintf(
		    stderr, "campaign-sync: --log-format is text or json\n");
		return -CS_EXIT_USAGE;
	}
	return 1;
}

/*
 * The global flags (--db, --log-format, -v, -q) anywhere on the line, not
 * only before the command: applied and taken out of argv, so that the
 * commands never see them. "--" ends them; what follows is left as is.
 * Returns 0 or a usage exit code.
 */
static int
take_global_flags(struct cs_cli *cli, int *argc, char **argv)
{
	int i, j = 1, r;

	for (i = 1; i < *argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			break;
		r = global_flag(cli, *argc, argv, &i);
		if (r < 0)
			return -r;
		if (r == 0)
			argv[j++] = argv[i];
	}
	for (; i < *argc; i++)
		argv[j++] = argv[i];
	argv[j] = NULL;
	*argc = j;
	return 0;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"help", no_argument, NULL, 'h'},
	    {"version", no_argument, NULL, 'V'},
	    {NULL, 0, NULL, 0},
	};
	struct cs_error err = CS_ERROR_INIT;
	struct cs_cli cli;
	size_t i, nsub;
	int c, code;

	memset(&cli, 0, sizeof(cli));
	cli.out = stdout;
	cli.errout = stderr;
	if (cs_config_from_env(&cli.cfg, &err) < 0) {
		fprintf(stderr, "campaign-sync: %s\n", cs_error_msg(&err));
		return CS_EXIT_CONFIG;
	}
	/* Another plan than Blockfrost's 10/s: the process's bucket too. */
	if (cli.cfg.blockfrost_rate != CS_BF_RATE_PER_S)
		cs_blockfrost_set_rate(cli.cfg.blockfrost_rate, CS_BF_BURST);
	code = take_global_flags(&cli, &argc, argv);
	if (code != 0)
		return code;
	/* "+": stop at the first non-option, the command. */
	while ((c = getopt_long(argc, argv, "+hV", opts, NULL)) != -1) {
		switch (c) {
		case 'h':
			usage(stdout);
			return CS_EXIT_OK;
		case 'V':
			printf("%s\n", cs_cli_version());
			return CS_EXIT_OK;
		default:
			usage(stderr);
			return CS_EXIT_USAGE;
		}
	}
	cs_log_setup(cli.cfg.log_level, cli.cfg.log_format, stderr);
	cs_config_register_secrets(&cli.cfg);
	cs_nmkr_set_rate((int)cli.cfg.nmkr_rate_limit);
	cs_sync_set_full_policy(
	    (int)cli.cfg.sync_full_every, (int)cli.cfg.sync_full_hours);
	if (optind >= argc) {
		usage(stderr);
		return CS_EXIT_USAGE;
	}
	if (strcmp(argv[optind], "help") == 0)
		return help(argc - optind, argv + optind);
	for (i = 0; i < NCOMMANDS; i++) {
		if (strcmp(argv[optind], commands[i].name) != 0)
			continue;
		/* A group (campaign, nft, ...) answers --help itself, with
		 * its sub-commands; every other command here. */
		if (cs_cli_group_table(commands[i].name, &nsub) == NULL &&
		    cs_cli_wants_help(argc - optind, argv + optind)) {
			cs_cli_usage(stdout, &commands[i]);
			return CS_EXIT_OK;
		}
		argv += optind;
		argc -= optind;
		optind = 0;
		code = commands[i].fn(&cli, argc, argv);
		cs_store_free(cli.store);
		fflush(stdout);
		return code;
	}
	fprintf(stderr, "campaign-sync: unknown command '%s'\n", argv[optind]);
	usage(stderr);
	return CS_EXIT_USAGE;
}
