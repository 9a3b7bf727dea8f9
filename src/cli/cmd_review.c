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
#include "util/xalloc.h"
#include "util/banned.h"

enum {
	OPT_KIND = 256,
	OPT_ALL,
	OPT_ACTION,
	OPT_STATUS,
	OPT_JSON,
};

/*
 * review list reads the queue a page at a time (keyset, by id), so that its
 * memory is one page's whatever the queue's size (150,000 items after a
 * large sync). JSON is written item by item; the table takes two passes,
 * one to size its columns and one to print, so that its output is the
 * same as one table of every row.
 */
#define LIST_PAGE 1000

struct list_acc {
	struct cs_cli *cli;
	struct cs_table *table; /* NULL: JSON */
	size_t *widths;
	bool print; /* the second pass of the table; JSON always */
	bool header_done;
	int64_t now;
	int64_t last;  /* the id of the last item read */
	size_t page_n; /* items of the page */
	size_t n;      /* items of the pass */
};

/* One item as an element of a pretty-printed array ("[a, b]" in cJSON's
 * layout): printed inside an array of its own, without the brackets. */
static void
print_json_item(FILE *f, const struct cs_review_item *it, bool first)
{
	cJSON *one = cJSON_CreateArray();
	char *s;
	size_t len;

	cJSON_AddItemToArray(one, cs_json_review(it));
	s = cs_json_print(one, true);
	len = strlen(s);
	fputs(first ? "" : ", ", f);
	if (len >= 2)
		fwrite(s + 1, 1, len - 2, f);
	cJSON_free(s);
	cJSON_Delete(one);
}

static int
list_cb(const struct cs_review_item *it, void *payload)
{
	struct list_acc *acc = payload;
	char when[CS_AGO_LEN];

	acc->last = it->id;
	acc->page_n++;
	if (acc->table == NULL) {
		print_json_item(acc->cli->out, it, acc->n == 0);
		acc->n++;
		return 0;
	}
	acc->n++;
	cs_time_ago(it->created_at, acc->now, when);
	cs_table_rowf(acc->table, "%lld\t%s\t%s\t%s\t%s\t%s\t%s",
	    (long long)it->id, it->nft_uid != NULL ? it->nft_uid : "-",
	    it->kind != NULL ? it->kind : "-",
	    cs_nft_status_name(it->local_status),
	    it->remote_state != NULL ? it->remote_state : "-", when,
	    it->resolution != NULL ? it->resolution : "open");
	return 0;
}

/* One pass over every item q selects, a page at a time. */
static int
list_pass(struct cs_store *store, struct cs_review_query *q,
    struct list_acc *acc, struct cs_error *err)
{
	int error;

	q->after_id = 0;
	q->limit = LIST_PAGE;
	acc->n = 0;
	for (;;) {
		acc->page_n = 0;
		error = cs_store_review_page(store, q, list_cb, acc, err);
		if (error < 0)
			return error;
		if (acc->table != NULL && acc->print) {
			cs_table_print_widths(acc->table, acc->widths,
			    !acc->header_done, acc->cli->out);
			acc->header_done = true;
		} else if (acc->table != NULL) {
			cs_table_widen(acc->table, acc->widths);
		}
		if (acc->table != NULL)
			cs_table_clear(acc->table);
		if (acc->page_n < LIST_PAGE)
			return 0;
		q->after_id = acc->last;
	}
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
	struct cs_review_query q = CS_REVIEW_QUERY_INIT;
	struct cs_error err = CS_ERROR_INIT;
	struct list_acc acc;
	struct cs_campaign c;
	struct cs_store *store;
	bool json = false;
	int code, opt, error;

	memset(&acc, 0, sizeof(acc));
	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case OPT_KIND:
			q.kind = optarg;
			break;
		case OPT_ALL:
			q.open_only = false;
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
	q.campaign_id = c.id;
	acc.cli = cli;
	acc.now = cs_now_ms();
	if (json) {
		fputs("[", cli->out);
		error = list_pass(store, &q, &acc, &err);
		fputs("]\n", cli->out);
		goto out;
	}
	acc.table = cs_table_new(7, headers);
	acc.widths = cs_xcalloc(7, sizeof(*acc.widths));
	error = list_pass(store, &q, &acc, &err);
	if (error == 0 && acc.n == 0) {
		fprintf(cli->out, "%s\n",
		    q.open_only ? "no open review items" : "no review items");
		goto out;
	}
	acc.print = true;
	if (error == 0)
		error = list_pass(store, &q, &acc, &err);
out:
	if (error < 0)
		code = cs_cli_fail(cli, &err);
	free(acc.widths);
	cs_table_free(acc.table);
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
