/* SPDX-License-Identifier: MIT */
/* logs: getRecentSyncLogs. */
#include "cli/cli.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli/table.h"
#include "service/encode.h"
#include "service/report_keys.h"
#include "util/str.h"
#include "util/time.h"
#include "util/vec.h"
#include "util/xalloc.h"
#include "util/banned.h"

enum {
	OPT_PROJECT = 256,
	OPT_CAMPAIGN,
	OPT_STATUS,
	OPT_TYPE,
	OPT_LIMIT,
	OPT_JSON,
};

/* What the human table adds to each row: the campaign's name and each
 * sync's review items (by sync log id, ascending). */
struct names {
	struct cs_vec ids;   /* int64_t, ascending */
	struct cs_vec names; /* char *, owned, parallel to ids */
};

struct tally {
	int64_t sync_log_id;
	int64_t reviews;
};

struct acc {
	struct cs_cli_list list;
	struct names campaigns;
	struct cs_vec reviews; /* struct tally, by sync_log_id */
	int64_t now;
};

static int
campaign_cb(const struct cs_campaign *c, void *payload)
{
	struct names *n = payload;

	*(int64_t *)cs_vec_push(&n->ids) = c->id;
	*(char **)cs_vec_push(&n->names) = cs_xstrdup(c->name);
	return 0;
}

static const char *
name_of(const struct names *n, int64_t id)
{
	size_t i;

	for (i = 0; i < n->ids.len; i++)
		if (*CS_VEC_AT(&n->ids, int64_t, i) == id)
			return *CS_VEC_AT(&n->names, char *, i);
	return NULL;
}

static int
cmp_tally(const void *a, const void *b)
{
	const struct tally *x = a, *y = b;

	return (x->sync_log_id > y->sync_log_id) -
	       (x->sync_log_id < y->sync_log_id);
}

static int
review_cb(const struct cs_review_item *r, void *payload)
{
	struct cs_vec *v = payload;
	struct tally *t;

	if (r->sync_log_id == 0)
		return 0;
	t = cs_vec_push(v);
	t->sync_log_id = r->sync_log_id;
	t->reviews = 1;
	return 0;
}

/* Sort the tallies and fold each sync's items into one. */
static void
tally_fold(struct cs_vec *v)
{
	struct tally *t, *last = NULL;
	size_t i, n = 0;

	if (v->len == 0)
		return;
	qsort(cs_vec_at(v, 0), v->len, sizeof(struct tally), cmp_tally);
	for (i = 0; i < v->len; i++) {
		t = CS_VEC_AT(v, struct tally, i);
		if (last != NULL && last->sync_log_id == t->sync_log_id) {
			last->reviews++;
			continue;
		}
		last = CS_VEC_AT(v, struct tally, n++);
		*last = *t;
	}
	v->len = n;
}

static int64_t
reviews_of(const struct cs_vec *v, int64_t sync_log_id)
{
	const struct tally key = {sync_log_id, 0}, *t = NULL;

	if (v->len > 0)
		t = bsearch(&key, cs_vec_at(v, 0), v->len, sizeof(struct tally),
		    cmp_tally);
	return t != NULL ? t->reviews : 0;
}

static int
log_cb(const struct cs_sync_log *l, void *payload)
{
	struct acc *acc = payload;
	char when[CS_AGO_LEN], id[32] = "-", disc[24] = "-";
	const char *name;
	int64_t n;

	if (acc->list.json != NULL) {
		cJSON_AddItemToArray(acc->list.json, cs_json_sync_log(l));
		return 0;
	}
	cs_time_ago(l->started_at, acc->now, when);
	/* A deleted campaign's rows keep its id. */
	name = name_of(&acc->campaigns, l->campaign_id);
	if (name == NULL && l->campaign_id != 0)
		snprintf(id, sizeof(id), "%lld", (long long)l->campaign_id);
	if (cs_json_report_count(l->synced_data, CS_RK_DISCREPANCY_COUNT, &n) ==
	    0)
		snprintf(disc, sizeof(disc), "%lld", (long long)n);
	cs_table_rowf(acc->list.table,
	    "%lld\t%s\t%s\t%s\t%s\t%lld\t%s\t%lld\t%lldms\t%s",
	    (long long)l->id, when, cs_sync_type_name(l->sync_type),
	    cs_sync_status_name(l->status), name != NULL ? name : id,
	    (long long)l->records_synced, disc,
	    (long long)reviews_of(&acc->reviews, l->id),
	    (long long)(l->completed_at - l->started_at),
	    l->errors != NULL ? l->errors : "");
	return 0;
}

/* Campaign names and review counts for the human table. */
static int
acc_load(struct acc *acc, struct cs_store *store, int64_t campaign_id,
    struct cs_error *err)
{
	int error;

	error =
	    cs_store_campaign_list(store, campaign_cb, &acc->campaigns, err);
	if (error == 0)
		error = cs_store_review_list(
		    store, campaign_id, false, review_cb, &acc->reviews, err);
	tally_fold(&acc->reviews);
	return error;
}

static void
acc_dispose(struct acc *acc)
{
	size_t i;

	for (i = 0; i < acc->campaigns.names.len; i++)
		free(*CS_VEC_AT(&acc->campaigns.names, char *, i));
	cs_vec_dispose(&acc->campaigns.names);
	cs_vec_dispose(&acc->campaigns.ids);
	cs_vec_dispose(&acc->reviews);
	cs_cli_list_dispose(&acc->list);
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
	    "CAMPAIGN", "RECORDS", "DISCREPANCIES", "REVIEWS", "TOOK",
	    "ERRORS"};
	struct cs_sync_log_query q = CS_SYNC_LOG_QUERY_INIT;
	struct cs_error err = CS_ERROR_INIT;
	struct acc acc;
	struct cs_campaign c;
	struct cs_store *store;
	const char *campaign = NULL;
	enum cs_sync_status st;
	enum cs_sync_type ty;
	bool json = false;
	int code = 0, error, opt;

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
	/* The table counts each sync's discrepancies in its report. */
	q.with_data = true;
	memset(&acc, 0, sizeof(acc));
	cs_vec_init(&acc.campaigns.ids, sizeof(int64_t));
	cs_vec_init(&acc.campaigns.names, sizeof(char *));
	cs_vec_init(&acc.reviews, sizeof(struct tally));
	acc.now = cs_now_ms();
	cs_cli_list_init(&acc.list, json, 10, headers);
	error = json ? 0 : acc_load(&acc, store, q.campaign_id, &err);
	if (error == 0)
		error = cs_store_sync_log_list(store, &q, log_cb, &acc, &err);
	if (error < 0)
		code = cs_cli_fail(cli, &err);
	else
		cs_cli_list_print(cli, &acc.list, "no sync log entries");
	acc_dispose(&acc);
	return code;
}
