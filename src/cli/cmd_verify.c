/* SPDX-License-Identifier: MIT */
/*
 * verify CAMPAIGN [--all | --limit N] [--refresh] [--json]: chain
 * verification only; verify CAMPAIGN --status [--json]: the coverage the
 * background verifier keeps
 * (docs/internals/verify.md). Prints a table of results and the counts, or
 * JSON. Exit 0 when no result is `error`, 1 when one is (a stop included),
 * 78 without BLOCKFROST_PROJECT_ID.
 */
#include "cli/cli.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/table.h"
#include "service/encode.h"
#include "service/verify.h"
#include "util/str.h"
#include "util/time.h"
#include "util/banned.h"

enum {
	OPT_ALL = 256,
	OPT_LIMIT,
	OPT_JSON,
	OPT_REFRESH,
	OPT_STATUS,
};

/* A check's time for people: "2026-12-04 18:00 UTC, 3 min ago". */
static void
when(int64_t ms, char *out, size_t size)
{
	time_t t = (time_t)(ms / 1000);
	char ago[CS_AGO_LEN];
	struct tm tm;
	size_t n;

	if (gmtime_r(&t, &tm) == NULL) {
		cs_str_copy(out, "?", size);
		return;
	}
	n = strftime(out, size, "%Y-%m-%d %H:%M UTC", &tm);
	if (n == 0) {
		cs_str_copy(out, "?", size);
		return;
	}
	cs_time_ago(ms, cs_now_ms(), ago);
	snprintf(out + n, size - n, ", %s", ago);
}

/*
 * --status: the background verifier's coverage, as the page shows it, from
 * the database alone (no Blockfrost settings needed). Exit 1 when a
 * mismatch or an error is listed.
 */
static int
print_status(struct cs_cli *cli, struct cs_store *store,
    const struct cs_campaign *c, bool json)
{
	static const char *const headers[] = {
	    "NFT", "STATUS", "CHECKED", "MESSAGE"};
	struct cs_error err = CS_ERROR_INIT;
	const cJSON *p, *list;
	struct cs_table *t;
	cJSON *doc;
	char at[64];
	int64_t now = cs_now_ms(), problems;

	if (cs_verify_coverage_json(
	        store, c->id, now, cli->cfg.chain_recheck_ms, &doc, &err) < 0)
		return cs_cli_fail(cli, &err);
	list = cJSON_GetObjectItem(doc, "problems");
	problems = cJSON_GetArraySize(list);
	if (json) {
		cs_json_add_str(doc, "campaign", c->name);
		cs_cli_print_json(cli, doc);
	} else if (cli->cfg.blockfrost_project_id == NULL &&
	           cJSON_GetNumberValue(cJSON_GetObjectItem(doc, "verified")) ==
	               0 &&
	           problems == 0) {
		/* Zeros here would read as "nothing verified yet". */
		fprintf(cli->out,
		    "Chain coverage of %s (campaign %lld): not configured "
		    "(BLOCKFROST_PROJECT_ID is not set: no sale is checked on "
		    "chain)\n",
		    c->name, (long long)c->id);
	} else {
		fprintf(cli->out,
		    "Chain coverage of %s (campaign %lld): %s%s\n", c->name,
		    (long long)c->id,
		    cJSON_GetStringValue(cJSON_GetObjectItem(doc, "summary")),
		    cli->cfg.blockfrost_project_id == NULL
		        ? " (from earlier checks: BLOCKFROST_PROJECT_ID is not "
		          "set now)"
		        : "");
		if (problems > 0) {
			fputc('\n', cli->out);
			t = cs_table_new(4, headers);
			cJSON_ArrayForEach(p, list) {
				const char *cells[4];

				when((int64_t)cJSON_GetNumberValue(
				         cJSON_GetObjectItem(p, "checkedAt")),
				    at, sizeof(at));
				cells[0] = cJSON_GetStringValue(
				    cJSON_GetObjectItem(p, "nftName"));
				cells[1] = cJSON_GetStringValue(
				    cJSON_GetObjectItem(p, "status"));
				cells[2] = at;
				cells[3] = cJSON_GetStringValue(
				    cJSON_GetObjectItem(p, "message"));
				cs_table_row(t, cells);
			}
			cs_table_print(t, cli->out);
			cs_table_free(t);
		}
	}
	cJSON_Delete(doc);
	return problems > 0 ? CS_EXIT_FAILED : CS_EXIT_OK;
}

static void
print_results(FILE *f, const struct cs_campaign *c,
    const struct cs_verify_results *r, const cJSON *warnings)
{
	static const char *const headers[] = {
	    "NFT", "UID", "STATUS", "MESSAGE"};
	const cJSON *w;
	struct cs_table *t;
	size_t i;

	fprintf(f,
	    "Chain verification of %s (campaign %lld): %zu verified, %zu "
	    "pending, %zu error%s\n",
	    c->name, (long long)c->id, r->verified, r->pending, r->errors,
	    r->errors == 1 ? "" : "s");
	if (r->n == 0) {
		fprintf(f, "no sold NFT with an asset id to verify (asset ids "
		           "come from NMKR: run a sync)\n");
	} else {
		fputc('\n', f);
		t = cs_table_new(4, headers);
		for (i = 0; i < r->n; i++) {
			const struct cs_verify_result *x = &r->items[i];
			const char *cells[4] = {x->nft_name, x->nft_uid,
			    cs_chain_status_name(x->status), x->message};

			cs_table_row(t, cells);
		}
		cs_table_print(t, f);
		cs_table_free(t);
		fprintf(f,
		    "\n%zu NFT%s checked: %zu from the cache (under an hour "
		    "old), %lld request%s to Blockfrost\n",
		    r->n, r->n == 1 ? "" : "s", r->cached,
		    (long long)r->requests, r->requests == 1 ? "" : "s");
	}
	if (cJSON_GetArraySize(warnings) > 0) {
		fprintf(f, "\nWarnings\n");
		cJSON_ArrayForEach(w, warnings)
			fprintf(f, "- %s\n", w->valuestring);
	}
}

int
cs_cmd_verify(struct cs_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"all", no_argument, NULL, OPT_ALL},
	    {"limit", required_argument, NULL, OPT_LIMIT},
	    {"json", no_argument, NULL, OPT_JSON},
	    {"refresh", no_argument, NULL, OPT_REFRESH},
	    {"status", no_argument, NULL, OPT_STATUS},
	    {NULL, 0, NULL, 0},
	};
	struct cs_verify_opts vo = CS_VERIFY_OPTS_INIT;
	struct cs_error err = CS_ERROR_INIT;
	struct cs_verify_results res;
	struct cs_verifier *v = NULL;
	struct cs_store *store;
	struct cs_campaign c;
	cJSON *warnings = NULL, *doc;
	bool all = false, json = false, limited = false, status = false;
	int64_t limit = CS_VERIFY_PER_SYNC;
	int code = 0, opt;

	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case OPT_ALL:
			all = true;
			break;
		case OPT_LIMIT:
			if (cs_str_to_i64(optarg, 1, CS_MAX_NFTS_PER_CAMPAIGN,
			        &limit) < 0)
				return cs_cli_failf(cli, CS_EXIT_USAGE,
				    "--limit must be a number from 1 to %d",
				    CS_MAX_NFTS_PER_CAMPAIGN);
			limited = true;
			break;
		case OPT_JSON:
			json = true;
			break;
		case OPT_REFRESH:
			vo.refresh = true;
			break;
		case OPT_STATUS:
			status = true;
			break;
		default:
			return CS_EXIT_USAGE;
		}
	}
	if (optind + 1 != argc || (all && limited) ||
	    (status && (all || limited || vo.refresh)))
		return cs_cli_failf(cli, CS_EXIT_USAGE,
		    "usage: campaign-sync verify CAMPAIGN [--all | --limit N] "
		    "[--refresh] [--json] | --status [--json]");
	if (status) {
		code = cs_cli_campaign(cli, argv[optind], &store, &c);
		if (code != 0)
			return code;
		code = print_status(cli, store, &c, json);
		cs_campaign_dispose(&c);
		return code;
	}
	v = cs_cli_verifier(cli, &code);
	if (v == NULL)
		return code;
	code = cs_cli_campaign(cli, argv[optind], &store, &c);
	if (code != 0)
		goto out;
	vo.limit = all ? 0 : limit;
	if (cs_verify_campaign(v, store, c.id, &vo, &res, &err) < 0) {
		code = cs_cli_fail(cli, &err);
		cs_campaign_dispose(&c);
		goto out;
	}
	warnings = cJSON_CreateArray();
	cs_verify_add_warnings(&res, warnings);
	if (json) {
		doc = cs_verify_report_json(c.id, &res);
		cs_json_add_str(doc, "campaign", c.name);
		cs_cli_print_json(cli, doc);
		cJSON_Delete(doc);
	} else {
		print_results(cli->out, &c, &res, warnings);
	}
	code = res.errors > 0 ? CS_EXIT_FAILED : CS_EXIT_OK;
	cs_verify_results_dispose(&res);
	cs_campaign_dispose(&c);
out:
	cJSON_Delete(warnings);
	cs_verifier_free(v);
	return code;
}
