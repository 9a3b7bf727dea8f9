/* SPDX-License-Identifier: MIT */
/* logs: getRecentSyncLogs. */
#include "cli/cli.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli/table.h"
#include "service/encode.h"
#include "util/str.h"
#include "util/time.h"
#include "util/banned.h"

enum {
	OPT_PROJECT = 256,
	OPT_CAMPAIGN,
	OPT_STATUS,
	OPT_TYPE,
	OPT_LIMIT,
	OPT_JSON,
};

static int
log_cb(const struct cs_sync_log *l, void *payload)
{
	struct cs_cli_list *acc = payload;
	char when[CS_ISO8601_LEN], campaign[32] = "-";

	if (acc->json != NULL) {
		cJSON_AddItemToArray(acc->json, cs_json_sync_log(l));
		return 0;
	}
	cs_time_iso8601(l->started_at, when);
	if (l->campaign_id != 0)
		snprintf(campaign, sizeof(campaign), "%lld",
		    (long long)l->campaign_id);
	cs_table_rowf(acc->table, "%lld\t%s\t%s\t%s\t%s\t%lld\t%lldms\t%s",
	    (long long)l->id, when, cs_sync_type_name(l->sync_type),
	    cs_sync_status_name(l->status), campaign,
	    (long long)l->records_synced,
	    (long long)(l->completed_at - l->started_at),
	    l->errors != NULL ? l->errors : "");
	return 0;
}

int
cs_cmd_logs(struct cs_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"project", required_argument, NULL, OPT_PROJECT},
	    {"campaign", required_argument, NULL, OPT_CAMPAIGN},
	    {"status", required_argument, NULL, OPT_STATUS},
	    {"type", required_argument, NULL, OPT_TYPE},
	    {"limit", required_argument, NULL, OPT_LIMIT},
	    {"json", no_argument, NULL, OPT_JSON},
	    {NULL, 0, NULL, 0},
	};
	static const char *const headers[] = {"ID", "STARTED", "TYPE", "STATUS",
	    "CAMPAIGN", "RECORDS", "TOOK", "ERRORS"};
	struct cs_sync_log_query q = CS_SYNC_LOG_QUERY_INIT;
	struct cs_error err = CS_ERROR_INIT;
	struct cs_cli_list acc;
	struct cs_campaign c;
	struct cs_store *store;
	const char *campaign = NULL;
	enum cs_sync_status st;
	enum cs_sync_type ty;
	bool json = false;
	int code = 0, opt;

	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case OPT_PROJECT:
			q.project_uid = optarg;
			break;
		case OPT_CAMPAIGN:
			campaign = optarg;
			break;
		case OPT_STATUS:
			if (cs_sync_status_parse(optarg, &st) < 0)
				return cs_cli_failf(cli, CS_EXIT_USAGE,
				    "--status must be success, partial or "
				    "failed, not '%s'",
				    optarg);
			q.status = (int)st;
			break;
		case OPT_TYPE:
			if (cs_sync_type_parse(optarg, &ty) < 0)
				return cs_cli_failf(cli, CS_EXIT_USAGE,
				    "--type must be webhook, api_pull or "
				    "manual_sync, not '%s'",
				    optarg);
			q.type = (int)ty;
			break;
		case OPT_LIMIT:
			if (cs_str_to_i64(optarg, 1, 10000, &q.limit) < 0)
				return cs_cli_failf(cli, CS_EXIT_USAGE,
				    "--limit must be 1 to 10000");
			break;
		case OPT_JSON:
			json = true;
			break;
		default:
			return CS_EXIT_USAGE;
		}
	}
	if (optind != argc)
		return cs_cli_failf(cli, CS_EXIT_USAGE,
		    "logs takes no arguments besides its flags");
	if (campaign != NULL) {
		code = cs_cli_campaign(cli, campaign, &store, &c);
		if (code != 0)
			return code;
		q.campaign_id = c.id;
		cs_campaign_dispose(&c);
	}
	store = cs_cli_store(cli, &code);
	if (store == NULL)
		return code;
	q.with_data = json;
	cs_cli_list_init(&acc, json, 8, headers);
	if (cs_store_sync_log_list(store, &q, log_cb, &acc, &err) < 0)
		code = cs_cli_fail(cli, &err);
	else
		cs_cli_list_print(cli, &acc, "no sync log entries");
	cs_cli_list_dispose(&acc);
	return code;
}
