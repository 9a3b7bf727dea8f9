/* SPDX-License-Identifier: MIT */
/* campaign create|list|show|update|activate|deactivate|delete. */
#include "cli/cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli/table.h"
#include "core/wallet.h"
#include "service/admin.h"
#include "service/encode.h"
#include "service/verify.h"
#include "util/buf.h"
#include "util/limits.h"
#include "util/str.h"
#include "util/time.h"
#include "util/vec.h"
#include "util/xalloc.h"
#include "util/banned.h"

/* Flags shared by create and update; has_* says which were given. */
struct campaign_flags {
	const char *name, *project, *description, *network, *allowlist;
	const char *start, *end;
	int64_t max, minutes;
	bool has_max, has_minutes, allow_multiple, one_per_wallet, json;
};

enum {
	OPT_NAME = 256,
	OPT_PROJECT,
	OPT_MAX,
	OPT_DESCRIPTION,
	OPT_NETWORK,
	OPT_START,
	OPT_END,
	OPT_ALLOW_MULTIPLE,
	OPT_ONE_PER_WALLET,
	OPT_MINUTES,
	OPT_ALLOWLIST,
	OPT_JSON,
	OPT_FORCE,
};

static const struct option campaign_opts[] = {
    {"name", required_argument, NULL, OPT_NAME},
    {"project", required_argument, NULL, OPT_PROJECT},
    {"max", required_argument, NULL, OPT_MAX},
    {"description", required_argument, NULL, OPT_DESCRIPTION},
    {"network", required_argument, NULL, OPT_NETWORK},
    {"start", required_argument, NULL, OPT_START},
    {"end", required_argument, NULL, OPT_END},
    {"allow-multiple", no_argument, NULL, OPT_ALLOW_MULTIPLE},
    {"one-per-wallet", no_argument, NULL, OPT_ONE_PER_WALLET},
    {"reservation-minutes", required_argument, NULL, OPT_MINUTES},
    {"allowlist", required_argument, NULL, OPT_ALLOWLIST},
    {"json", no_argument, NULL, OPT_JSON},
    {NULL, 0, NULL, 0},
};

#define CAMPAIGN_FLAGS_HELP                                                    \
	"--name NAME               unique display name\n"                      \
	"--project UID             NMKR project uid\n"                         \
	"--max N                   most NFTs the campaign may hold\n"          \
	"--description TEXT        free text the page shows with the "         \
	"campaign\n"                                                           \
	"--network NET             mainnet or preprod (default: "              \
	"NMKR_NETWORK)\n"                                                      \
	"--start DATE, --end DATE  sale window, ISO-8601 (2026-12-01)\n"       \
	"--allow-multiple          several NFTs per wallet\n"                  \
	"--one-per-wallet          one NFT per wallet (the default)\n"         \
	"--reservation-minutes M   5 to 60 (default: NMKR's project "          \
	"setting, else 10)\n"                                                  \
	"--allowlist FILE          wallets allowed to reserve, one a "         \
	"line ('-' clears):\n"                                                 \
	"                          addr1/stake1 (mainnet) or addr_test1/\n"    \
	"                          stake_test1 (preprod) addresses\n"          \
	"--json                    print the campaign as JSON"

static int
parse_campaign_flags(
    struct cs_cli *cli, int argc, char **argv, struct campaign_flags *f)
{
	int c;

	memset(f, 0, sizeof(*f));
	while ((c = getopt_long(argc, argv, "", campaign_opts, NULL)) != -1) {
		switch (c) {
		case OPT_NAME:
			f->name = optarg;
			break;
		case OPT_PROJECT:
			f->project = optarg;
			break;
		case OPT_MAX:
			if (cs_str_to_i64(optarg, 0, CS_MAX_NFTS_PER_CAMPAIGN,
			        &f->max) < 0)
				return cs_cli_failf(cli, CS_EXIT_USAGE,
				    "--max must be a number from 0 to %d",
				    CS_MAX_NFTS_PER_CAMPAIGN);
			f->has_max = true;
			break;
		case OPT_DESCRIPTION:
			f->description = optarg;
			break;
		case OPT_NETWORK:
			f->network = optarg;
			break;
		case OPT_START:
			f->start = optarg;
			break;
		case OPT_END:
			f->end = optarg;
			break;
		case OPT_ALLOW_MULTIPLE:
			f->allow_multiple = true;
			break;
		case OPT_ONE_PER_WALLET:
			f->one_per_wallet = true;
			break;
		case OPT_MINUTES:
			if (cs_str_to_i64(optarg, CS_RESERVATION_MIN_MIN,
			        CS_RESERVATION_MAX_MIN, &f->minutes) < 0)
				return cs_cli_failf(cli, CS_EXIT_USAGE,
				    "--reservation-minutes must be %d to %d",
				    CS_RESERVATION_MIN_MIN,
				    CS_RESERVATION_MAX_MIN);
			f->has_minutes = true;
			break;
		case OPT_ALLOWLIST:
			f->allowlist = optarg;
			break;
		case OPT_JSON:
			f->json = true;
			break;
		default:
			return CS_EXIT_USAGE;
		}
	}
	if (f->allow_multiple && f->one_per_wallet)
		return cs_cli_failf(cli, CS_EXIT_USAGE,
		    "--allow-multiple and --one-per-wallet disagree");
	return 0;
}

/* Apply the given flags to c (whose strings the caller owns). */
static int
apply_flags(
    struct cs_cli *cli, const struct campaign_flags *f, struct cs_campaign *c)
{
	if (f->name != NULL) {
		free(c->name);
		c->name = cs_xstrdup(f->name);
	}
	if (f->project != NULL) {
		free(c->nmkr_project_uid);
		c->nmkr_project_uid = cs_xstrdup(f->project);
		cs_str_lower(c->nmkr_project_uid);
	}
	if (f->description != NULL) {
		free(c->description);
		c->description = cs_xstrdup(f->description);
	}
	if (f->network != NULL && cs_network_parse(f->network, &c->network) < 0)
		return cs_cli_failf(cli, CS_EXIT_USAGE,
		    "--network must be mainnet or preprod, not '%s'",
		    f->network);
	if (f->has_max)
		c->max_nfts = f->max;
	if (f->start != NULL) {
		if (*f->start == '\0')
			c->start_date = 0;
		else if (cs_cli_parse_date(f->start, &c->start_date) < 0)
			return cs_cli_failf(cli, CS_EXIT_USAGE,
			    "--start '%s' is not a date (2026-12-01 or "
			    "2026-12-01T12:00:00Z)",
			    f->start);
	}
	if (f->end != NULL) {
		if (*f->end == '\0')
			c->end_date = 0;
		else if (cs_cli_parse_date(f->end, &c->end_date) < 0)
			return cs_cli_failf(cli, CS_EXIT_USAGE,
			    "--end '%s' is not a date", f->end);
	}
	if (f->allow_multiple)
		c->allow_multiple = true;
	if (f->one_per_wallet)
		c->allow_multiple = false;
	if (f->has_minutes)
		c->reservation_minutes = (int)f->minutes;
	return 0;
}

/* Read an allow-list file: one address a line, blanks and #comments
 * skipped. "-" means an empty list. Each address must be one of network
 * (core/wallet.h; the store checks it again): a bad one is named by its
 * line. */
static int
read_allowlist(struct cs_cli *cli, const char *path, enum cs_network network,
    struct cs_vec *out)
{
	char line[CS_MAX_WALLET + 64];
	enum cs_wallet_fault fault;
	struct cs_wallet w;
	size_t n = 0;
	FILE *f;

	if (strcmp(path, "-") == 0)
		return 0;
	f = fopen(path, "r");
	if (f == NULL)
		return cs_cli_failf(cli, CS_EXIT_NOINPUT, "cannot open %s: %s",
		    path, strerror(errno));
	while (fgets(line, sizeof(line), f) != NULL) {
		char **slot;

		n++;
		if (strchr(line, '\n') == NULL && !feof(f)) {
			fclose(f);
			return cs_cli_failf(cli, CS_EXIT_DATAERR,
			    "%s line %zu: longer than a wallet address", path,
			    n);
		}
		cs_str_trim(line);
		if (line[0] == '\0' || line[0] == '#')
			continue;
		fault = cs_wallet_parse(
		    line, network, CS_WALLET_PAYMENT_OR_STAKE, &w);
		if (fault != CS_WALLET_OK) {
			fclose(f);
			return cs_cli_failf(cli, CS_EXIT_DATAERR,
			    "%s line %zu: %s (the campaign is on %s)", path, n,
			    cs_wallet_fault_msg(fault),
			    cs_network_name(network));
		}
		slot = cs_vec_push(out);
		*slot = cs_xstrdup(line);
	}
	fclose(f);
	return 0;
}

static void
free_strings(struct cs_vec *v)
{
	size_t i;

	for (i = 0; i < v->len; i++)
		free(*CS_VEC_AT(v, char *, i));
	cs_vec_dispose(v);
}

static int
set_allowlist(
    struct cs_cli *cli, struct cs_store *store, int64_t id, const char *path)
{
	struct cs_error err = CS_ERROR_INIT;
	struct cs_vec list = CS_VEC_INIT(char *);
	struct cs_campaign c;
	int code;

	if (cs_store_campaign_get(store, id, &c, &err) < 0)
		return cs_cli_fail(cli, &err);
	code = read_allowlist(cli, path, c.network, &list);
	cs_campaign_dispose(&c);
	if (code == 0 && cs_admin_allowlist_set(store, "cli", id,
	                     (const char *const *)list.ptr, list.len, &err) < 0)
		code = cs_cli_fail(cli, &err);
	free_strings(&list);
	return code;
}

static void
print_campaign(struct cs_cli *cli, const struct cs_campaign *c)
{
	char a[CS_ISO8601_LEN], b[CS_ISO8601_LEN], ago[CS_AGO_LEN];
	FILE *o = cli->out;

	fprintf(o, "Campaign %lld: %s (%s)\n", (long long)c->id, c->name,
	    cs_campaign_status_name(c->status));
	if (c->description != NULL && *c->description != '\0')
		fprintf(o, "  %s\n", c->description);
	fprintf(o, "  NMKR project       %s (%s)\n", c->nmkr_project_uid,
	    cs_network_name(c->network));
	fprintf(o,
	    "  NFTs               %lld of at most %lld: %lld "
	    "available, %lld reserved, %lld sold\n",
	    (long long)c->counts.total, (long long)c->max_nfts,
	    (long long)c->counts.available, (long long)c->counts.reserved,
	    (long long)c->counts.sold);
	if (c->start_date != 0 || c->end_date != 0) {
		cs_time_iso8601(c->start_date, a);
		cs_time_iso8601(c->end_date, b);
		fprintf(o, "  Sale window        %s to %s\n",
		    c->start_date != 0 ? a : "open",
		    c->end_date != 0 ? b : "open");
	}
	fprintf(o, "  Per wallet         %s%s\n",
	    c->allow_multiple ? "several NFTs" : "one NFT",
	    c->has_allowlist ? ", allow-listed wallets only" : "");
	if (c->reservation_minutes != 0)
		fprintf(o, "  Reservation time   %d minutes\n",
		    c->reservation_minutes);
	else
		fprintf(o,
		    "  Reservation time   NMKR's project setting "
		    "(default %d minutes)\n",
		    CS_RESERVATION_DEFAULT_MIN);
	fprintf(o, "  Webhook            %s\n",
	    c->webhook_secret != NULL ? "registered" : "not registered");
	if (c->last_synced_at != 0) {
		cs_time_iso8601(c->last_synced_at, a);
		cs_time_ago(c->last_synced_at, cs_now_ms(), ago);
		fprintf(o, "  Last synced        %s (%s)\n", a, ago);
	} else {
		fprintf(o, "  Last synced        never\n");
	}
}

/* The chain checks' coverage, or "not configured" without Blockfrost: no
 * row of zeros that reads as "nothing verified". */
static void
print_chain(
    struct cs_cli *cli, struct cs_store *store, const struct cs_campaign *c)
{
	struct cs_error err = CS_ERROR_INIT;
	struct cs_chain_coverage cov;
	int64_t now = cs_now_ms();
	char line[256];

	if (cli->cfg.blockfrost_project_id == NULL) {
		fprintf(cli->out, "  Chain checks       not configured "
		                  "(BLOCKFROST_PROJECT_ID is not set)\n");
		return;
	}
	if (cs_store_chain_coverage(
	        store, c->id, now, cli->cfg.chain_recheck_ms, &cov, &err) < 0) {
		fprintf(cli->out, "  Chain checks       unknown: %s\n",
		    cs_error_msg(&err));
		return;
	}
	cs_verify_coverage_line(&cov, now, line, sizeof(line));
	fprintf(cli->out, "  Chain checks       %s\n", line);
}

static int
show_one(struct cs_cli *cli, struct cs_store *store, int64_t id, bool json)
{
	struct cs_error err = CS_ERROR_INIT;
	struct cs_campaign c;
	cJSON *j;

	if (cs_store_campaign_get(store, id, &c, &err) < 0)
		return cs_cli_fail(cli, &err);
	if (json) {
		j = cs_json_campaign(&c);
		cs_cli_print_json(cli, j);
		cJSON_Delete(j);
	} else {
		print_campaign(cli, &c);
		print_chain(cli, store, &c);
	}
	cs_campaign_dispose(&c);
	return CS_EXIT_OK;
}

static int
campaign_create(struct cs_cli *cli, int argc, char **argv)
{
	struct cs_error err = CS_ERROR_INIT;
	struct campaign_flags f;
	struct cs_campaign c;
	struct cs_store *store;
	int code;

	code = parse_campaign_flags(cli, argc, argv, &f);
	if (code != 0)
		return code;
	if (optind < argc)
		return cs_cli_failf(cli, CS_EXIT_USAGE,
		    "unexpected argument '%s'", argv[optind]);
	if (f.name == NULL || f.project == NULL || !f.has_max)
		return cs_cli_failf(cli, CS_EXIT_USAGE,
		    "campaign create needs --name, --project and --max");
	memset(&c, 0, sizeof(c));
	c.network = cli->cfg.nmkr_network;
	code = apply_flags(cli, &f, &c);
	if (code != 0)
		goto out;
	store = cs_cli_store(cli, &code);
	if (store == NULL)
		goto out;
	if (cs_admin_campaign_create(store, "cli", &c, cs_now_ms(), &err) < 0) {
		code = cs_cli_fail(cli, &err);
		goto out;
	}
	if (f.allowlist != NULL) {
		code = set_allowlist(cli, store, c.id, f.allowlist);
		if (code != 0)
			goto out;
	}
	if (!f.json)
		fprintf(cli->out, "created campaign %lld: %s\n",
		    (long long)c.id, c.name);
	else
		code = show_one(cli, store, c.id, true);
out:
	cs_campaign_dispose(&c);
	return code;
}

static int
campaign_update(struct cs_cli *cli, int argc, char **argv)
{
	struct cs_error err = CS_ERROR_INIT;
	struct campaign_flags f;
	struct cs_campaign c;
	struct cs_store *store;
	int code;

	memset(&c, 0, sizeof(c));
	code = parse_campaign_flags(cli, argc, argv, &f);
	if (code != 0)
		return code;
	if (optind + 1 != argc)
		return cs_cli_failf(cli, CS_EXIT_USAGE,
		    "campaign update takes one CAMPAIGN (id or name)");
	code = cs_cli_campaign(cli, argv[optind], &store, &c);
	if (code != 0)
		return code;
	code = apply_flags(cli, &f, &c);
	if (code != 0)
		goto out;
	if (cs_admin_campaign_update(store, "cli", &c, cs_now_ms(), &err) < 0) {
		code = cs_cli_fail(cli, &err);
		goto out;
	}
	if (f.allowlist != NULL) {
		code = set_allowlist(cli, store, c.id, f.allowlist);
		if (code != 0)
			goto out;
	}
	if (f.json)
		code = show_one(cli, store, c.id, true);
	else
		fprintf(cli->out, "updated campaign %lld: %s\n",
		    (long long)c.id, c.name);
out:
	cs_campaign_dispose(&c);
	return code;
}

static int
json_only_flags(
    struct cs_cli *cli, int argc, char **argv, bool *json, bool *force)
{
	static const struct option opts[] = {
	    {"json", no_argument, NULL, OPT_JSON},
	    {"force", no_argument, NULL, OPT_FORCE},
	    {NULL, 0, NULL, 0},
	};
	int c;

	*json = false;
	if (force != NULL)
		*force = false;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == OPT_JSON && json != NULL)
			*json = true;
		else if (c == OPT_FORCE && force != NULL)
			*force = true;
		else
			return cs_cli_failf(cli, CS_EXIT_USAGE,
			    "see 'campaign-sync %s --help'", argv[0]);
	}
	return 0;
}

static int
campaign_show(struct cs_cli *cli, int argc, char **argv)
{
	struct cs_campaign c;
	struct cs_store *store;
	bool json;
	int code;

	code = json_only_flags(cli, argc, argv, &json, NULL);
	if (code != 0)
		return code;
	if (optind + 1 != argc)
		return cs_cli_failf(cli, CS_EXIT_USAGE,
		    "campaign show takes one CAMPAIGN (id or name)");
	code = cs_cli_campaign(cli, argv[optind], &store, &c);
	if (code != 0)
		return code;
	code = show_one(cli, store, c.id, json);
	cs_campaign_dispose(&c);
	return code;
}

static int
list_cb(const struct cs_campaign *c, void *payload)
{
	struct cs_cli_list *acc = payload;
	char ago[CS_AGO_LEN];

	if (acc->json != NULL) {
		cJSON_AddItemToArray(acc->json, cs_json_campaign(c));
		return 0;
	}
	cs_time_ago(c->last_synced_at, cs_now_ms(), ago);
	cs_table_rowf(acc->table,
	    "%lld\t%s\t%s\t%s\t%lld/%lld\t%lld\t%lld\t%lld\t%s",
	    (long long)c->id, c->name, cs_campaign_status_name(c->status),
	    cs_network_name(c->network), (long long)c->counts.total,
	    (long long)c->max_nfts, (long long)c->counts.available,
	    (long long)c->counts.reserved, (long long)c->counts.sold, ago);
	return 0;
}

static int
campaign_list(struct cs_cli *cli, int argc, char **argv)
{
	static const char *const headers[] = {"ID", "NAME", "STATUS", "NETWORK",
	    "NFTS", "AVAILABLE", "RESERVED", "SOLD", "LAST SYNC"};
	struct cs_error err = CS_ERROR_INIT;
	struct cs_cli_list acc;
	struct cs_store *store;
	bool json;
	int code;

	code = json_only_flags(cli, argc, argv, &json, NULL);
	if (code != 0)
		return code;
	if (optind != argc)
		return cs_cli_failf(
		    cli, CS_EXIT_USAGE, "campaign list takes no arguments");
	store = cs_cli_store(cli, &code);
	if (store == NULL)
		return code;
	cs_cli_list_init(&acc, json, 9, headers);
	if (cs_store_campaign_list(store, list_cb, &acc, &err) < 0)
		code = cs_cli_fail(cli, &err);
	else
		cs_cli_list_print(cli, &acc,
		    "no campaigns yet: create one with 'campaign-sync campaign "
		    "create'");
	cs_cli_list_dispose(&acc);
	return code;
}

static int
set_status(
    struct cs_cli *cli, int argc, char **argv, enum cs_campaign_status status)
{
	struct cs_error err = CS_ERROR_INIT;
	struct cs_campaign c;
	struct cs_store *store;
	bool json;
	int code;

	code = json_only_flags(cli, argc, argv, &json, NULL);
	if (code != 0)
		return code;
	if (optind + 1 != argc)
		return cs_cli_failf(cli, CS_EXIT_USAGE,
		    "%s takes one CAMPAIGN (id or name)", argv[0]);
	code = cs_cli_campaign(cli, argv[optind], &store, &c);
	if (code != 0)
		return code;
	if (cs_admin_campaign_set_status(
	        store, "cli", c.id, status, cs_now_ms(), &err) < 0)
		code = cs_cli_fail(cli, &err);
	else if (json)
		code = show_one(cli, store, c.id, true);
	else
		fprintf(cli->out, "campaign %lld (%s) is %s\n", (long long)c.id,
		    c.name, cs_campaign_status_name(status));
	cs_campaign_dispose(&c);
	return code;
}

static int
campaign_activate(struct cs_cli *cli, int argc, char **argv)
{
	return set_status(cli, argc, argv, CS_CAMPAIGN_ACTIVE);
}

static int
campaign_deactivate(struct cs_cli *cli, int argc, char **argv)
{
	return set_status(cli, argc, argv, CS_CAMPAIGN_INACTIVE);
}

static int
campaign_delete(struct cs_cli *cli, int argc, char **argv)
{
	struct cs_error err = CS_ERROR_INIT;
	struct cs_campaign c;
	struct cs_store *store;
	bool json, force;
	int code;

	code = json_only_flags(cli, argc, argv, &json, &force);
	if (code != 0)
		return code;
	if (optind + 1 != argc)
		return cs_cli_failf(cli, CS_EXIT_USAGE,
		    "campaign delete takes one CAMPAIGN (id or name)");
	code = cs_cli_campaign(cli, argv[optind], &store, &c);
	if (code != 0)
		return code;
	if (cs_admin_campaign_delete(store, "cli", c.id, force, &err) < 0)
		code = cs_cli_fail(cli, &err);
	else
		fprintf(cli->out,
		    "deleted campaign %lld (%s) and its %lld "
		    "NFTs\n",
		    (long long)c.id, c.name, (long long)c.counts.total);
	cs_campaign_dispose(&c);
	return code;
}

static const struct cs_cmd campaign_cmds[] = {
    {"create", campaign_create,
        "campaign create --name NAME --project UID --max N "
        "[--description TEXT] [--network NET] [--start DATE] [--end DATE] "
        "[--allow-multiple | --one-per-wallet] [--reservation-minutes M] "
        "[--allowlist FILE] [--json]",
        "create an inactive campaign", CAMPAIGN_FLAGS_HELP},
    {"list", campaign_list, "campaign list [--json]",
        "every campaign with its counters", "--json  print JSON"},
    {"show", campaign_show, "campaign show CAMPAIGN [--json]",
        "one campaign (by id or name) and its counters", "--json  print JSON"},
    {"update", campaign_update,
        "campaign update CAMPAIGN [--name NAME] [--project UID] [--max N] "
        "[--description TEXT] [--network NET] [--start DATE] [--end DATE] "
        "[--allow-multiple | --one-per-wallet] [--reservation-minutes M] "
        "[--allowlist FILE] [--json]",
        "change a campaign's settings (only the flags given)",
        CAMPAIGN_FLAGS_HELP},
    {"activate", campaign_activate, "campaign activate CAMPAIGN",
        "start selling: refused while the campaign has no NFTs", NULL},
    {"deactivate", campaign_deactivate, "campaign deactivate CAMPAIGN",
        "stop handing out NFTs", NULL},
    {"delete", campaign_delete, "campaign delete CAMPAIGN [--force]",
        "delete a campaign and its NFTs; refused while it has sold NFTs "
        "unless --force",
        "--force  also delete a campaign with sold NFTs"},
};

int
cs_cmd_campaign(struct cs_cli *cli, int argc, char **argv)
{
	return cs_cli_dispatch(cli, campaign_cmds,
	    sizeof(campaign_cmds) / sizeof(campaign_cmds[0]), "campaign", argc,
	    argv);
}

const struct cs_cmd *
cs_cmd_campaign_table(size_t *n)
{
	*n = sizeof(campaign_cmds) / sizeof(campaign_cmds[0]);
	return campaign_cmds;
}
