/* SPDX-License-Identifier: MIT */
/* nft show|set-status. */
#include "cli/cli.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli/table.h"
#include "service/admin.h"
#include "service/encode.h"
#include "util/limits.h"
#include "util/str.h"
#include "util/time.h"
#include "util/banned.h"

enum {
	OPT_WALLET = 256,
	OPT_MINUTES,
	OPT_BUYER,
	OPT_TX,
	OPT_NOTE,
	OPT_JSON,
};

static int
history_cb(const struct cs_history *h, void *payload)
{
	struct cs_cli_list *acc = payload;
	char when[CS_ISO8601_LEN], ago[CS_AGO_LEN];

	if (acc->json != NULL) {
		cJSON_AddItemToArray(acc->json, cs_json_history(h));
		return 0;
	}
	cs_time_iso8601(h->changed_at, when);
	cs_time_ago(h->changed_at, cs_now_ms(), ago);
	cs_table_rowf(acc->table, "%s\t%s\t%s\t%s\t%s\t%s", when, ago,
	    cs_nft_status_name(h->old_status),
	    cs_nft_status_name(h->new_status), cs_source_name(h->source),
	    h->detail != NULL ? h->detail : "");
	return 0;
}

static int
show(struct cs_cli *cli, struct cs_store *store, const char *uid, bool json)
{
	static const char *const headers[] = {
	    "WHEN", "AGO", "FROM", "TO", "SOURCE", "DETAIL"};
	struct cs_history_query q = CS_HISTORY_QUERY_INIT;
	struct cs_error err = CS_ERROR_INIT;
	struct cs_cli_list acc = {NULL, NULL}; /* json: inside the NFT's */
	struct cs_nft n;
	char when[CS_ISO8601_LEN], ago[CS_AGO_LEN];
	int64_t now = cs_now_ms();
	cJSON *j = NULL;
	int code = 0;

	if (cs_store_nft_get(store, uid, &n, &err) < 0)
		return cs_cli_fail(cli, &err);
	q.nft_id = n.id;
	if (json) {
		j = cs_json_nft(&n);
		acc.json = cJSON_AddArrayToObject(j, "history");
	} else {
		acc.table = cs_table_new(6, headers);
	}
	if (cs_store_history_list(store, &q, history_cb, &acc, &err) < 0) {
		code = cs_cli_fail(cli, &err);
		goto out;
	}
	if (json) {
		cs_cli_print_json(cli, j);
		goto out;
	}
	fprintf(cli->out, "NFT #%lld %s (%s)\n  uid        %s\n",
	    (long long)n.nft_number, n.name, cs_nft_status_name(n.status),
	    n.nft_uid);
	fprintf(cli->out,
	    "  pay link   %s\n  version    %lld, last changed "
	    "by %s\n",
	    n.payment_url, (long long)n.version,
	    cs_source_name(n.last_modified_by));
	if (n.status == CS_NFT_RESERVED) {
		cs_time_iso8601(n.reserved_until, when);
		cs_time_ago(n.reserved_until, now, ago);
		fprintf(cli->out, "  reserved   by %s until %s%s%s%s\n",
		    n.reserved_by != NULL ? n.reserved_by : "(NMKR)",
		    n.reserved_until != 0 ? when : "(unknown)",
		    n.reserved_until != 0 ? " (" : "",
		    n.reserved_until != 0 ? ago : "",
		    n.reserved_until != 0 ? ")" : "");
	}
	if (n.status == CS_NFT_SOLD) {
		cs_time_iso8601(n.sold_at, when);
		cs_time_ago(n.sold_at, now, ago);
		fprintf(cli->out, "  sold       to %s at %s (%s), tx %s\n",
		    n.sold_to != NULL ? n.sold_to : "(unknown)", when, ago,
		    n.tx_hash != NULL ? n.tx_hash : "(unknown)");
		/* Beside the instant, the text it was read from: NMKR writes
		 * its server's local time without an offset. */
		if (n.sold_at_raw != NULL)
			fprintf(cli->out,
			    "  sold time  as NMKR wrote it: %s (%s%s)\n",
			    n.sold_at_raw,
			    strlen(n.sold_at_raw) > 10 &&
			            strpbrk(n.sold_at_raw + 10, "Z+-") != NULL
			        ? "with its offset"
			        : "no offset: read in NMKR_TIMEZONE, now ",
			    strlen(n.sold_at_raw) > 10 &&
			            strpbrk(n.sold_at_raw + 10, "Z+-") != NULL
			        ? ""
			        : cli->cfg.nmkr_timezone);
	}
	fputc('\n', cli->out);
	cs_table_print(acc.table, cli->out);
out:
	cJSON_Delete(j);
	cs_table_free(acc.table);
	cs_nft_dispose(&n);
	return code;
}

static int
nft_show(struct cs_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"json", no_argument, NULL, OPT_JSON},
	    {NULL, 0, NULL, 0},
	};
	struct cs_store *store;
	bool json = false;
	int code = 0, opt;

	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (opt != OPT_JSON)
			return CS_EXIT_USAGE;
		json = true;
	}
	if (optind + 1 != argc)
		return cs_cli_failf(
		    cli, CS_EXIT_USAGE, "nft show takes one NFT uid");
	store = cs_cli_store(cli, &code);
	if (store == NULL)
		return code;
	return show(cli, store, argv[optind], json);
}

static int
nft_set_status(struct cs_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"wallet", required_argument, NULL, OPT_WALLET},
	    {"minutes", required_argument, NULL, OPT_MINUTES},
	    {"buyer", required_argument, NULL, OPT_BUYER},
	    {"tx", required_argument, NULL, OPT_TX},
	    {"note", required_argument, NULL, OPT_NOTE},
	    {"json", no_argument, NULL, OPT_JSON},
	    {NULL, 0, NULL, 0},
	};
	struct cs_admin_status ch = CS_ADMIN_STATUS_INIT;
	struct cs_error err = CS_ERROR_INIT;
	struct cs_store *store;
	struct cs_nft after;
	int64_t minutes = CS_RESERVATION_DEFAULT_MIN, now = cs_now_ms();
	bool json = false;
	int code = 0, opt;

	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case OPT_WALLET:
			ch.wallet = optarg;
			break;
		case OPT_MINUTES:
			if (cs_str_to_i64(optarg, 1, 24 * 60, &minutes) < 0)
				return cs_cli_failf(cli, CS_EXIT_USAGE,
				    "--minutes must be 1 to 1440");
			break;
		case OPT_BUYER:
			ch.buyer = optarg;
			break;
		case OPT_TX:
			ch.tx_hash = optarg;
			break;
		case OPT_NOTE:
			ch.note = optarg;
			break;
		case OPT_JSON:
			json = true;
			break;
		default:
			return CS_EXIT_USAGE;
		}
	}
	if (optind + 2 != argc)
		return cs_cli_failf(cli, CS_EXIT_USAGE,
		    "usage: campaign-sync nft set-status UID STATUS");
	if (cs_nft_status_parse(argv[optind + 1], &ch.status) < 0)
		return cs_cli_failf(cli, CS_EXIT_USAGE,
		    "status must be available, reserved or sold, not '%s'",
		    argv[optind + 1]);
	store = cs_cli_store(cli, &code);
	if (store == NULL)
		return code;
	ch.nft_uid = argv[optind];
	ch.reserved_until = now + minutes * 60 * 1000;
	if (cs_admin_nft_set_status(store, "cli", &ch, now, &after, &err) < 0)
		return cs_cli_fail(cli, &err);
	if (json) {
		code = show(cli, store, after.nft_uid, true);
	} else {
		fprintf(cli->out, "%s (#%lld %s) is %s\n", after.nft_uid,
		    (long long)after.nft_number, after.name,
		    cs_nft_status_name(after.status));
	}
	cs_nft_dispose(&after);
	return code;
}

static const struct cs_cmd nft_cmds[] = {
    {"show", nft_show, "nft show UID [--json]",
        "one NFT with its history of status changes", "--json  print JSON"},
    {"set-status", nft_set_status,
        "nft set-status UID available|reserved|sold [--wallet W] "
        "[--minutes M] [--buyer ADDR] [--tx HASH] [--note TEXT] [--json]",
        "change one NFT's status by hand (updateNFTStatus), recorded with "
        "source admin",
        "--wallet W    who holds a reservation\n"
        "--minutes M   reservation length (default 10)\n"
        "--buyer ADDR  who bought it\n"
        "--tx HASH     the sale's transaction\n"
        "--note TEXT   kept in the history row\n"
        "--json        print the NFT as JSON"},
};

int
cs_cmd_nft(struct cs_cli *cli, int argc, char **argv)
{
	return cs_cli_dispatch(cli, nft_cmds,
	    sizeof(nft_cmds) / sizeof(nft_cmds[0]), "nft", argc, argv);
}

const struct cs_cmd *
cs_cmd_nft_table(size_t *n)
{
	*n = sizeof(nft_cmds) / sizeof(nft_cmds[0]);
	return nft_cmds;
}
