/* SPDX-License-Identifier: MIT */
/* inventory import|list|repair-links. */
#include "cli/cli.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli/table.h"
#include "service/admin.h"
#include "service/encode.h"
#include "service/export.h"
#include "clients/nmkr.h"
#include "service/import_csv.h"
#include "service/import_nmkr.h"
#include "util/limits.h"
#include "util/str.h"
#include "util/time.h"
#include "util/banned.h"

enum {
	OPT_CSV = 256,
	OPT_FROM_NMKR,
	OPT_STATUS,
	OPT_LIMIT,
	OPT_AFTER,
	OPT_SEARCH,
	OPT_JSON,
};

static void
print_import(struct cs_cli *cli, const struct cs_campaign *c, bool json,
    size_t rows, const struct cs_import_result *res, size_t not_for_sale)
{
	cJSON *j;

	if (json) {
		j = cJSON_CreateObject();
		cs_json_add_int(j, "campaignId", c->id);
		cs_json_add_int(j, "rows", (int64_t)rows);
		cs_json_add_int(j, "inserted", (int64_t)res->inserted);
		cs_json_add_int(j, "skippedExisting", (int64_t)res->skipped);
		cs_json_add_int(j, "skippedNotForSale", (int64_t)not_for_sale);
		cs_cli_print_json(cli, j);
		cJSON_Delete(j);
		return;
	}
	fprintf(cli->out, "imported %zu NFTs into %s", res->inserted, c->name);
	if (res->inserted > 0)
		fprintf(cli->out, " (numbers %lld to %lld)",
		    (long long)res->first_number, (long long)res->last_number);
	fprintf(cli->out, "; %zu already present", res->skipped);
	if (not_for_sale > 0)
		fprintf(cli->out,
		    "; %zu not for sale in NMKR (error, blocked "
		    "or burned) left out",
		    not_for_sale);
	fputc('\n', cli->out);
}

static int
inventory_import(struct cs_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"csv", required_argument, NULL, OPT_CSV},
	    {"from-nmkr", no_argument, NULL, OPT_FROM_NMKR},
	    {"json", no_argument, NULL, OPT_JSON},
	    {NULL, 0, NULL, 0},
	};
	struct cs_error err = CS_ERROR_INIT;
	struct cs_nmkr_import_report nrep;
	struct cs_csv_report rep;
	struct cs_campaign c;
	struct cs_store *store;
	struct cs_nmkr *nmkr;
	const char *csv = NULL;
	bool json = false, from_nmkr = false;
	int code, opt;

	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (opt == OPT_CSV)
			csv = optarg;
		else if (opt == OPT_FROM_NMKR)
			from_nmkr = true;
		else if (opt == OPT_JSON)
			json = true;
		else
			return CS_EXIT_USAGE;
	}
	if (optind + 1 != argc || (csv == NULL) == !from_nmkr)
		return cs_cli_failf(cli, CS_EXIT_USAGE,
		    "usage: campaign-sync inventory import CAMPAIGN "
		    "--csv FILE | --from-nmkr");
	code = cs_cli_campaign(cli, argv[optind], &store, &c);
	if (code != 0)
		return code;
	if (csv != NULL) {
		if (cs_import_csv_file(
		        store, c.id, csv, cs_now_ms(), &rep, &err) < 0)
			code = cs_cli_fail(cli, &err);
		else
			print_import(cli, &c, json, rep.rows, &rep.result,
			    rep.skipped_state);
		goto out;
	}
	nmkr = cs_cli_nmkr(cli, &code);
	if (nmkr == NULL)
		goto out;
	if (cs_import_from_nmkr(store, nmkr, c.id, cs_now_ms(), &nrep, &err) <
	    0)
		code = cs_cli_fail(cli, &err);
	else
		print_import(cli, &c, json, nrep.listed, &nrep.result,
		    nrep.skipped_state);
	cs_nmkr_free(nmkr);
out:
	cs_campaign_dispose(&c);
	return code;
}

struct list_acc {
	struct cs_cli_list out;
	int64_t now;
};

static int
list_cb(const struct cs_nft *n, void *payload)
{
	struct list_acc *acc = payload;
	char until[64] = "";

	if (acc->out.json != NULL) {
		cJSON_AddItemToArray(acc->out.json, cs_json_nft(n));
		return 0;
	}
	if (n->status == CS_NFT_RESERVED && n->reserved_until != 0) {
		int64_t left = (n->reserved_until - acc->now) / 1000;

		if (left > 0)
			snprintf(until, sizeof(until), "%lldm%02llds left",
			    (long long)(left / 60), (long long)(left % 60));
		else
			snprintf(until, sizeof(until), "expired");
	}
	cs_table_rowf(acc->out.table, "%lld\t%s\t%s\t%s\t%s\t%s",
	    (long long)n->nft_number, n->nft_uid, n->name,
	    cs_nft_status_name(n->status),
	    n->status == CS_NFT_RESERVED
	        ? (n->reserved_by != NULL ? n->reserved_by : "(in NMKR)")
	    : n->status == CS_NFT_SOLD && n->sold_to != NULL ? n->sold_to
	                                                     : "-",
	    until[0] != '\0' ? until : "-");
	return 0;
}

static int
inventory_list(struct cs_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"status", required_argument, NULL, OPT_STATUS},
	    {"limit", required_argument, NULL, OPT_LIMIT},
	    {"after", required_argument, NULL, OPT_AFTER},
	    {"search", required_argument, NULL, OPT_SEARCH},
	    {"json", no_argument, NULL, OPT_JSON},
	    {NULL, 0, NULL, 0},
	};
	static const char *const headers[] = {
	    "NUMBER", "UID", "NAME", "STATUS", "WALLET", "RESERVATION"};
	struct cs_nft_query q = CS_NFT_QUERY_INIT;
	struct cs_error err = CS_ERROR_INIT;
	struct list_acc acc;
	char empty[CS_MAX_NAME + 256];
	struct cs_campaign c;
	struct cs_store *store;
	enum cs_nft_status st;
	bool json = false;
	int code, opt;

	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case OPT_STATUS:
			if (cs_nft_status_parse(optarg, &st) < 0)
				return cs_cli_failf(cli, CS_EXIT_USAGE,
				    "--status must be available, reserved or "
				    "sold, not '%s'",
				    optarg);
			q.status = (int)st;
			break;
		case OPT_LIMIT:
			if (cs_str_to_i64(optarg, 1, INT32_MAX, &q.limit) < 0)
				return cs_cli_failf(cli, CS_EXIT_USAGE,
				    "--limit must be a positive number");
			break;
		case OPT_AFTER:
			if (cs_str_to_i64(
			        optarg, 0, INT64_MAX, &q.after_number) < 0)
				return cs_cli_failf(cli, CS_EXIT_USAGE,
				    "--after must be an NFT number");
			break;
		case OPT_SEARCH:
			q.search = optarg;
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
		    "inventory list takes one CAMPAIGN (id or name)");
	code = cs_cli_campaign(cli, argv[optind], &store, &c);
	if (code != 0)
		return code;
	q.campaign_id = c.id;
	acc.now = cs_now_ms();
	cs_cli_list_init(&acc.out, json, 6, headers);
	snprintf(empty, sizeof(empty), "no NFTs%s%s in %s%s%s%s",
	    q.status >= 0 ? " " : "",
	    q.status >= 0 ? cs_nft_status_name((enum cs_nft_status)q.status)
	                  : "",
	    c.name, q.search != NULL ? " match '" : "",
	    q.search != NULL ? q.search : "", q.search != NULL ? "'" : "");
	if (cs_store_nft_list(store, &q, list_cb, &acc, &err) < 0)
		code = cs_cli_fail(cli, &err);
	else
		cs_cli_list_print(cli, &acc.out, empty);
	cs_cli_list_dispose(&acc.out);
	cs_campaign_dispose(&c);
	return code;
}

static int
inventory_repair_links(struct cs_cli *cli, int argc, char **argv)
{
	struct cs_error err = CS_ERROR_INIT;
	struct cs_campaign c;
	struct cs_store *store;
	size_t changed = 0;
	int code;

	if (argc != 2)
		return cs_cli_failf(cli, CS_EXIT_USAGE,
		    "inventory repair-links takes one CAMPAIGN (id or name)");
	code = cs_cli_campaign(cli, argv[1], &store, &c);
	if (code != 0)
		return code;
	if (cs_admin_repair_links(store, "cli", c.id, &changed, &err) < 0)
		code = cs_cli_fail(cli, &err);
	else
		fprintf(cli->out, "rebuilt %zu payment links of %s for %s\n",
		    changed, c.name, cs_network_name(c.network));
	cs_campaign_dispose(&c);
	return code;
}

/* inventory export: the CSV of inventory list, whole, to stdout. */
static int
inventory_export(struct cs_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"status", required_argument, NULL, OPT_STATUS},
	    {"search", required_argument, NULL, OPT_SEARCH},
	    {"csv", no_argument, NULL, OPT_CSV},
	    {NULL, 0, NULL, 0},
	};
	struct cs_nft_query q = CS_NFT_QUERY_INIT;
	struct cs_error err = CS_ERROR_INIT;
	struct cs_buf out = CS_BUF_INIT(CS_MAX_EXPORT);
	struct cs_campaign c;
	struct cs_store *store;
	enum cs_nft_status st;
	int code, opt;

	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case OPT_STATUS:
			if (cs_nft_status_parse(optarg, &st) < 0)
				return cs_cli_failf(cli, CS_EXIT_USAGE,
				    "--status must be available, reserved or "
				    "sold, not '%s'",
				    optarg);
			q.status = (int)st;
			break;
		case OPT_SEARCH:
			q.search = optarg;
			break;
		case OPT_CSV:
			break; /* the only format */
		default:
			return CS_EXIT_USAGE;
		}
	}
	if (optind + 1 != argc)
		return cs_cli_failf(cli, CS_EXIT_USAGE,
		    "inventory export takes one CAMPAIGN (id or name)");
	code = cs_cli_campaign(cli, argv[optind], &store, &c);
	if (code != 0)
		return code;
	q.campaign_id = c.id;
	if (cs_export_inventory(store, &q, &out, &err) < 0)
		code = cs_cli_fail(cli, &err);
	else if (fwrite(out.ptr, 1, out.len, cli->out) != out.len)
		code = cs_cli_failf(cli, CS_EXIT_IOERR, "cannot write the CSV");
	cs_buf_dispose(&out);
	cs_campaign_dispose(&c);
	return code;
}

static const struct cs_cmd inventory_cmds[] = {
    {"import", inventory_import,
        "inventory import CAMPAIGN --csv FILE [--json]",
        "add NFTs from NMKR Studio's CSV export; skips uids already "
        "present and refuses to pass the campaign's maximum",
        "--csv FILE  the export (\"Export Token Info as CSV\")\n"
        "--json      print the counts as JSON"},
    {"list", inventory_list,
        "inventory list CAMPAIGN [--status S] [--search TEXT] [--limit N] "
        "[--after N] [--json]",
        "a campaign's NFTs in number order (getCampaignInventory)",
        "--status S     available, reserved or sold\n"
        "--search TEXT  a uid or its beginning, part of a name, a number\n"
        "               (12 or #12), a whole wallet or transaction hash\n"
        "--limit N      at most N NFTs\n"
        "--after N      NFTs numbered above N (paging)\n"
        "--json         print JSON"},
    {"export", inventory_export,
        "inventory export CAMPAIGN [--csv] [--status S] [--search TEXT]",
        "every NFT of a campaign as CSV on standard output: a header row, "
        "then one row per NFT in number order",
        "--csv          the format (the only one)\n"
        "--status S     available, reserved or sold\n"
        "--search TEXT  as inventory list --search"},
    {"repair-links", inventory_repair_links, "inventory repair-links CAMPAIGN",
        "rebuild every payment link for the campaign's network and "
        "project",
        NULL},
};

int
cs_cmd_inventory(struct cs_cli *cli, int argc, char **argv)
{
	return cs_cli_dispatch(cli, inventory_cmds,
	    sizeof(inventory_cmds) / sizeof(inventory_cmds[0]), "inventory",
	    argc, argv);
}

const struct cs_cmd *
cs_cmd_inventory_table(size_t *n)
{
	*n = sizeof(inventory_cmds) / sizeof(inventory_cmds[0]);
	return inventory_cmds;
}
