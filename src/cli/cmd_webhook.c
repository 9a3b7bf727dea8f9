/* SPDX-License-Identifier: MIT */
/* webhook register CAMPAIGN URL: UpdateNotifications, keep the secret. */
#include "cli/cli.h"

#include <string.h>

#include "clients/nmkr.h"
#include "service/webhook.h"
#include "util/time.h"
#include "util/banned.h"

static int
webhook_register(struct cs_cli *cli, int argc, char **argv)
{
	struct cs_error err = CS_ERROR_INIT;
	struct cs_campaign c;
	struct cs_store *store;
	struct cs_nmkr *nmkr;
	int code = 0;

	if (argc != 3)
		return cs_cli_failf(cli, CS_EXIT_USAGE,
		    "usage: campaign-sync webhook register CAMPAIGN URL");
	store = cs_cli_store(cli, &code);
	if (store == NULL)
		return code;
	if (cs_store_campaign_find(store, argv[1], &c, &err) < 0)
		return cs_cli_fail(cli, &err);
	nmkr = cs_cli_nmkr(cli, &code);
	if (nmkr == NULL)
		goto out;
	if (cs_webhook_register(store, nmkr, c.id, argv[2], cs_now_ms(), &err) <
	    0)
		code = cs_cli_fail(cli, &err);
	else
		fprintf(cli->out,
		    "registered %s as the webhook of %s; the new "
		    "secret is stored (the previous one stays "
		    "valid for webhooks in flight)\n",
		    argv[2], c.name);
	cs_nmkr_free(nmkr);
out:
	cs_campaign_dispose(&c);
	return code;
}

static const struct cs_cmd webhook_cmds[] = {
    {"register", webhook_register, "webhook register CAMPAIGN URL",
        "tell NMKR to post the project's notifications to URL (the "
        "server's /webhooks/nmkr) and keep the secret it returns",
        NULL},
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
