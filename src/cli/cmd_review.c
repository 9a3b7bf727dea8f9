/* SPDX-License-Identifier: MIT */
/* review list|resolve: the review queue from the command line. */
#include "cli/cli.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli/table.h"
#include "service/admin.h"
#include "service/encode.h"
#include "util/str.h"
#include "util/time.h"
#include "util/banned.h"

enum {
	OPT_KIND = 256,
	OPT_ALL,
	OPT_ACTION,
	OPT_STATUS,
	OPT_JSON,
};

struct list_acc {
	struct cs_cli_list out;
	const char *kind;
};

static int
list_cb(const struct cs_review_item *it, void *payload)
{
	struct list_acc *acc = payload;
	char when[CS_AGO_LEN];

	if (acc->kind != NULL &&
	    (it->kind == NULL || strcmp(it->kind, acc->kind) != 0))
		return 0;
	if (acc->out.json != NULL) {
		cJSON_AddItemToArray(acc->out.json, cs_json_review(it));
		return 0;
	}
	cs_time_ago(it->created_at, cs_now_ms(), when);
	cs_table_rowf(acc->out.table, "%lld\t%s\t%s\t%s\t%s\t%s\t%s",
	    (long long)it->id, it->nft_uid != NULL ? it->nft_uid : "-",
	    it->kind != NULL ? it->kind : "-",
	    cs_nft_status_name(it->local_status),
	    it->remote_state != NULL ? it->remote_state : "-", when,
	    it->resolution != NULL ? it->resolution : "open");
	return 0;
}

static int
review_list(struct cs_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"kind", required_argument, NULL, OPT_KIND},
	    {"all", no_argument, NULL, OPT_ALL},
	    {"json", no_argument, NULL, OPT_JSON},
	    {NULL, 0, NULL, 0},
	};
	static const char *const headers[] = {
	    "ID", "NFT", "KIND", "HERE", "NMKR", "CREATED", "RESOLUTION"};
	struct cs_error err = CS_ERROR_INIT;
	struct list_acc acc;
	struct cs_campaign c;
	struct cs_store *store;
	bool json = false, all = false;
	int code, opt;

	memset(&acc, 0, sizeof(acc));
	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case OPT_KIND:
			acc.kind = optarg;
			break;
		case OPT_ALL:
			all = true;
			break;
		case OPT_JSON:
			json = true;
			break;
		default:
			return CS_EXIT_USAGE;
		}
	}
	if (optind + 1 != argc)
		return cs_cli_failf(cli, CS_EXIT_USAGE,
		    "review list takes one CAMPAIGN (id or name)");
	code = cs_cli_campaign(cli, argv[optind], &store, &c);
	if (code != 0)
		return code;
	cs_cli_list_init(&acc.out, json, 7, headers);
	if (cs_store_review_list(store, c.id, !all, list_cb, &acc, &err) < 0)
		code = cs_cli_fail(cli, &err);
	else
		cs_cli_list_print(cli, &acc.out,
		    all ? "no review items" : "no open review items");
	cs_cli_list_dispose(&acc.out);
	cs_campaign_dispose(&c);
	return code;
}

/* keep, apply, dismiss: the API's resolutions. */
static const char *
resolution_of(const char *action)
{
	if (action == NULL)
		return NULL;
	if (strcmp(action, "keep") == 0)
		return "keep_local";
	if (strcmp(action, "apply") == 0)
		return "apply_remote";
	if (strcmp(action, "dismiss") == 0)
		return "dismissed";
	return NULL;
}

static int
review_resolve(struct cs_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"action", required_argument, NULL, OPT_ACTION},
	    {"status", required_argument, NULL, OPT_STATUS},
	    {"all", no_argument, NULL, OPT_ALL},
	    {"kind", required_argument, NULL, OPT_KIND},
	    {NULL, 0, NULL, 0},
	};
	struct cs_error err = CS_ERROR_INIT;
	const char *resolution = NULL, *kind = NULL;
	struct cs_campaign c;
	struct cs_store *store;
	enum cs_nft_status st;
	int64_t id;
	size_t count;
	bool all = false;
	int code = 0, opt, status = -1;

	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case OPT_ACTION:
			resolution = resolution_of(optarg);
			if (resolution == NULL)
				return cs_cli_failf(cli, CS_EXIT_USAGE,
				    "--action is keep, apply or dismiss, not "
				    "'%s'",
				    optarg);
			break;
		case OPT_STATUS:
			if (cs_nft_status_parse(optarg, &st) < 0)
				return cs_cli_failf(cli, CS_EXIT_USAGE,
				    "--status must be available, reserved or "
				    "sold, not '%s'",
				    optarg);
			status = (int)st;
			break;
		case OPT_ALL:
			all = true;
			break;
		case OPT_KIND:
			kind = optarg;
			break;
		default:
			return CS_EXIT_USAGE;
		}
	}
	if (optind + 1 != argc || resolution == NULL || (kind != NULL && !all))
		return cs_cli_failf(cli, CS_EXIT_USAGE,
		    "usage: campaign-sync review resolve ID --action "
		    "keep|apply|dismiss, or review resolve CAMPAIGN --all "
		    "[--kind K] --action ...");
	if (!all) {
		if (cs_str_to_i64(argv[optind], 1, INT64_MAX, &id) < 0)
			return cs_cli_failf(cli, CS_EXIT_USAGE,
			    "ID is a review item's number, not '%s'",
			    argv[optind]);
		store = cs_cli_store(cli, &code);
		if (store == NULL)
			return code;
		if (cs_admin_review_resolve(store, "cli", id, resolution,
		        status, cs_now_ms(), &err) < 0)
			return cs_cli_fail(cli, &err);
		fprintf(cli->out, "review item %lld: %s\n", (long long)id,
		    resolution);
		return 0;
	}
	code = cs_cli_campaign(cli, argv[optind], &store, &c);
	if (code != 0)
		return code;
	if (cs_admin_review_resolve_all(store, "cli", c.id, kind, resolution,
	        status, -1, cs_now_ms(), &count, &err) < 0)
		code = cs_cli_fail(cli, &err);
	else
		fprintf(cli->out, "%zu review item%s of %s resolved: %s\n",
		    count, count == 1 ? "" : "s", c.name, resolution);
	cs_campaign_dispose(&c);
	return code;
}

static const struct cs_cmd review_cmds[] = {
    {"list", review_list, "review list CAMPAIGN [--kind K] [--all] [--json]",
        "the conflicts the sync would not settle alone (open ones)",
        "--kind K  only items of kind K (sold_downgrade, ...)\n"
        "--all     resolved items too\n"
        "--json    print JSON"},
    {"resolve", review_resolve,
        "review resolve ID --action keep|apply|dismiss [--status S], or "
        "review resolve CAMPAIGN --all [--kind K] --action ...",
        "close one review item, or every open one of a campaign (of a "
        "kind) in one transaction: all of them or none",
        "--action A  keep (the local status), apply (NMKR's state, as "
        "an\n"
        "            admin change with its history row) or dismiss\n"
        "--status S  with apply: write S instead of NMKR's state\n"
        "--all       every open item of CAMPAIGN\n"
        "--kind K    with --all: only items of kind K"},
};

int
cs_cmd_review(struct cs_cli *cli, int argc, char **argv)
{
	return cs_cli_dispatch(cli, review_cmds,
	    sizeof(review_cmds) / sizeof(review_cmds[0]), "review", argc, argv);
}

const struct cs_cmd *
cs_cmd_review_table(size_t *n)
{
	*n = sizeof(review_cmds) / sizeof(review_cmds[0]);
	return review_cmds;
}
