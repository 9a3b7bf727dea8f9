/* SPDX-License-Identifier: MIT */
/*
 * webhook register|unregister|rotate|status: our webhook at NMKR, without
 * destroying the operator's other notifications (service/hook.c decides).
 */
#include "cli/cli.h"

#include <cjson/cJSON.h>
#include <getopt.h>
#include <string.h>

#include "clients/nmkr.h"
#include "service/hook.h"
#include "util/time.h"
#include "util/banned.h"

enum {
	OPT_FORCE = 256,
	OPT_SECRET,
	OPT_JSON,
};

struct flags {
	bool force, json;
	const char *secret;
};

static int
parse(struct cs_cli *cli, int argc, char **argv, bool secret_ok, bool json_ok,
    int nargs, const char *usage, struct flags *fl)
{
	static const struct option opts[] = {
	    {"force", no_argument, NULL, OPT_FORCE},
	    {"secret", required_argument, NULL, OPT_SECRET},
	    {"json", no_argument, NULL, OPT_JSON},
	    {NULL, 0, NULL, 0},
	};
	int opt;

	memset(fl, 0, sizeof(*fl));
	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case OPT_FORCE:
			fl->force = true;
			break;
		case OPT_SECRET:
			if (!secret_ok)
				goto usage;
			fl->secret = optarg;
			break;
		case OPT_JSON:
			if (!json_ok)
				goto usage;
			fl->json = true;
			break;
		default:
			goto usage;
		}
	}
	if (argc - optind == nargs)
		return 0;
usage:
	return cs_cli_failf(
	    cli, CS_EXIT_USAGE, "usage: campaign-sync %s", usage);
}

/* Print what NMKR lists besides ours, without secrets. */
static void
print_others(FILE *f, const struct cs_hook_result *r)
{
	const char *p = r->others_text, *nl;

	if (p == NULL)
		return;
	fprintf(f, "other notifications of the NMKR project:\n");
	while (*p != '\0') {
		nl = strchr(p, '\n');
		if (nl == NULL)
			nl = p + strlen(p);
		fprintf(f, "  %.*s\n", (int)(nl - p), p);
		p = *nl != '\0' ? nl + 1 : nl;
	}
}

/* Run one operation and say what it did; 65 (nothing sent) on refusal. */
static int
finish(struct cs_cli *cli, int error, const struct cs_error *err,
    const struct cs_hook_result *r, const char *done)
{
	if (error == CS_ECONFLICT) {
		print_others(cli->errout, r);
		return cs_cli_fail(cli, err);
	}
	if (error < 0)
		return cs_cli_fail(cli, err);
	fprintf(cli->out, "%s\n", done);
	if (r->action == CS_NOTIF_SEND && r->others > 0)
		fprintf(cli->out,
		    "kept NMKR's %zu other notification%s as they were; NMKR "
		    "gave %s a new secret\n",
		    r->others, r->others == 1 ? "" : "s",
		    r->others == 1 ? "it" : "each");
	if (r->siblings > 0)
		fprintf(cli->out,
		    "%zu other campaign%s on this NMKR project adopted the new "
		    "secret%s of %s webhook%s\n",
		    r->siblings, r->siblings == 1 ? "" : "s",
		    r->siblings == 1 ? "" : "s",
		    r->siblings == 1 ? "its" : "their",
		    r->siblings == 1 ? "" : "s");
	return CS_EXIT_OK;
}

static int
webhook_register(struct cs_cli *cli, int argc, char **argv)
{
	static const char usage[] =
	    "webhook register [--force] [--secret S] CAMPAIGN URL";
	struct cs_error err = CS_ERROR_INIT;
	struct cs_hook_result res;
	struct cs_hook_opts ho;
	struct cs_campaign c;
	struct cs_store *store;
	struct cs_nmkr *nmkr = NULL;
	struct flags fl;
	char done[512];
	int code, error;

	code = parse(cli, argc, argv, true, false, 2, usage, &fl);
	if (code != 0)
		return code;
	code = cs_cli_campaign(cli, argv[optind], &store, &c);
	if (code != 0)
		return code;
	if (fl.secret == NULL) {
		nmkr = cs_cli_nmkr(cli, &code);
		if (nmkr == NULL)
			goto out;
	}
	ho.url = argv[optind + 1];
	ho.secret = fl.secret;
	ho.force = fl.force;
	error =
	    cs_hook_register(store, nmkr, c.id, &ho, cs_now_ms(), &res, &err);
	if (fl.secret != NULL)
		snprintf(done, sizeof(done),
		    "stored the secret typed in NMKR Studio for %s as the "
		    "webhook of %s (NMKR was not asked: check with webhook "
		    "status)",
		    ho.url, c.name);
	else if (res.action == CS_NOTIF_ADOPT)
		snprintf(done, sizeof(done),
		    "NMKR already lists %s: adopted its secret for %s%s; "
		    "nothing was sent",
		    ho.url, c.name,
		    res.secret_changed ? "" : " (the one we had)");
	else
		snprintf(done, sizeof(done),
		    "registered %s as the webhook of %s; the new secret is "
		    "stored (the previous one stays valid for the grace, "
		    "CS_WEBHOOK_SECRET_GRACE)",
		    ho.url, c.name);
	code = finish(cli, error, &err, &res, done);
	cs_hook_result_dispose(&res);
out:
	cs_nmkr_free(nmkr);
	cs_campaign_dispose(&c);
	return code;
}

/* unregister and rotate: CAMPAIGN and --force. */
static int
webhook_change(struct cs_cli *cli, int argc, char **argv, bool rotate)
{
	struct cs_error err = CS_ERROR_INIT;
	struct cs_hook_result res;
	struct cs_campaign c;
	struct cs_store *store;
	struct cs_nmkr *nmkr;
	struct flags fl;
	char done[512];
	int code, error;

	code = parse(cli, argc, argv, false, false, 1,
	    rotate ? "webhook rotate [--force] CAMPAIGN"
	           : "webhook unregister [--force] CAMPAIGN",
	    &fl);
	if (code != 0)
		return code;
	code = cs_cli_campaign(cli, argv[optind], &store, &c);
	if (code != 0)
		return code;
	nmkr = cs_cli_nmkr(cli, &code);
	if (nmkr == NULL)
		goto out;
	if (rotate) {
		error = cs_hook_rotate(
		    store, nmkr, c.id, fl.force, cs_now_ms(), &res, &err);
		snprintf(done, sizeof(done),
		    "NMKR made a new secret for the webhook of %s and it is "
		    "stored; the old one is accepted for the grace "
		    "(CS_WEBHOOK_SECRET_GRACE), then refused",
		    c.name);
	} else {
		error = cs_hook_unregister(
		    store, nmkr, c.id, fl.force, cs_now_ms(), &res, &err);
		snprintf(done, sizeof(done), "%s",
		    res.action == CS_NOTIF_SEND
		        ? "removed our webhook from NMKR's notifications"
		        : "NMKR did not list our webhook; forgot it here");
	}
	code = finish(cli, error, &err, &res, done);
	cs_hook_result_dispose(&res);
	cs_nmkr_free(nmkr);
out:
	cs_campaign_dispose(&c);
	return code;
}

static int
webhook_unregister(struct cs_cli *cli, int argc, char **argv)
{
	return webhook_change(cli, argc, argv, false);
}

static int
webhook_rotate(struct cs_cli *cli, int argc, char **argv)
{
	return webhook_change(cli, argc, argv, true);
}

static int
webhook_status(struct cs_cli *cli, int argc, char **argv)
{
	struct cs_error err = CS_ERROR_INIT;
	struct cs_hook_status st;
	struct cs_campaign c;
	struct cs_store *store;
	struct cs_nmkr *nmkr;
	struct flags fl;
	char when[CS_ISO8601_LEN], ago[CS_AGO_LEN];
	cJSON *j;
	int code;

	code = parse(cli, argc, argv, false, true, 1,
	    "webhook status [--json] CAMPAIGN", &fl);
	if (code != 0)
		return code;
	code = cs_cli_campaign(cli, argv[optind], &store, &c);
	if (code != 0)
		return code;
	nmkr = cs_cli_nmkr(cli, &code);
	if (nmkr == NULL)
		goto out;
	if (cs_hook_status_get(store, nmkr, c.id, cs_now_ms(),
	        cli->cfg.webhook_secret_grace_ms != 0
	            ? cli->cfg.webhook_secret_grace_ms
	            : CS_WEBHOOK_SECRET_GRACE_DEFAULT_MS,
	        &st, &err) < 0) {
		code = cs_cli_fail(cli, &err);
		goto free_nmkr;
	}
	if (fl.json) {
		j = cJSON_CreateObject();
		cJSON_AddBoolToObject(
		    j, "registered", st.url != NULL && st.secret_stored);
		if (st.url != NULL)
			cJSON_AddStringToObject(j, "url", st.url);
		else
			cJSON_AddNullToObject(j, "url");
		cJSON_AddBoolToObject(j, "secretStored", st.secret_stored);
		cJSON_AddBoolToObject(j, "listed", st.listed);
		cJSON_AddBoolToObject(j, "active", st.active);
		cJSON_AddBoolToObject(j, "secretMatches", st.secret_matches);
		cJSON_AddNumberToObject(
		    j, "otherNotifications", (double)st.others);
		cJSON_AddBoolToObject(j, "previousAccepted", st.previous_valid);
		cs_cli_print_json(cli, j);
		cJSON_Delete(j);
	} else {
		fprintf(cli->out, "webhook of %s: %s\n", c.name,
		    st.url != NULL ? st.url : "none registered");
		if (st.url != NULL)
			fprintf(cli->out, "  NMKR lists it: %s\n",
			    st.listed ? (st.active ? "yes, active"
			                           : "yes, but inactive")
			              : "no");
		fprintf(cli->out, "  stored secret: %s\n",
		    !st.secret_stored ? "none"
		    : !st.listed      ? "kept, but NMKR does not list our URL"
		    : st.secret_matches
		        ? "the one NMKR holds"
		        : "STALE: NMKR holds another one (run webhook "
		          "register again to adopt it)");
		fprintf(cli->out, "  other notifications at NMKR: %zu\n",
		    st.others);
		if (st.previous_valid) {
			cs_time_iso8601(st.previous_until, when);
			cs_time_ago(st.previous_until, cs_now_ms(), ago);
			fprintf(cli->out,
			    "  previous secret accepted until %s (%s)\n", when,
			    ago);
		}
	}
	if (st.url != NULL && (!st.listed || !st.secret_matches))
		code = CS_EXIT_DATAERR;
	cs_hook_status_dispose(&st);
free_nmkr:
	cs_nmkr_free(nmkr);
out:
	cs_campaign_dispose(&c);
	return code;
}

static const struct cs_cmd webhook_cmds[] = {
    {"register", webhook_register,
        "webhook register [--force] [--secret S] CAMPAIGN URL",
        "make URL (the server's /webhooks/nmkr) the campaign's webhook at "
        "NMKR and keep its secret. NMKR replaces a project's whole list of "
        "notifications on every update and gives each entry a new secret, "
        "so the list is read first: URL already listed -> its secret is "
        "adopted, nothing is sent; other notifications listed -> refused "
        "(exit 65, nothing sent)",
        "--force      keep the other notifications (same type, address and "
        "active flag) and add ours;\n"
        "             NMKR gives each of them a new secret\n"
        "--secret S   store S, the secret typed in NMKR Studio for URL, "
        "without calling NMKR"},
    {"unregister", webhook_unregister, "webhook unregister [--force] CAMPAIGN",
        "remove our webhook from NMKR's notifications, keeping the others; "
        "refused (exit 65, nothing sent) while others exist, since any "
        "update gives them new secrets",
        "--force      remove it anyway (the others keep their type, address "
        "and active flag, not their secrets)"},
    {"rotate", webhook_rotate, "webhook rotate [--force] CAMPAIGN",
        "have NMKR make a new secret for our webhook; the old one is "
        "accepted for CS_WEBHOOK_SECRET_GRACE seconds (default 600), then "
        "refused; refused (exit 65) while other notifications exist",
        "--force      rotate anyway (the others' secrets change too)"},
    {"status", webhook_status, "webhook status [--json] CAMPAIGN",
        "whether NMKR lists our webhook and holds the secret we keep "
        "(neither is printed); exit 65 when it does not",
        "--json       print {registered, url, secretStored, listed, active, "
        "secretMatches, otherNotifications, previousAccepted}"},
};

int
cs_cmd_webhook(struct cs_cli *cli, int argc, char **argv)
{
	return cs_cli_dispatch(cli, webhook_cmds,
	    sizeof(webhook_cmds) / sizeof(webhook_cmds[0]), "webhook", argc,
	    argv);
}

const struct cs_cmd *
cs_cmd_webhook_table(size_t *n)
{
	*n = sizeof(webhook_cmds) / sizeof(webhook_cmds[0]);
	return webhook_cmds;
}
