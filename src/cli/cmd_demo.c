/* SPDX-License-Identifier: MIT */
/*
 * demo: the whole system on one machine with no accounts. Starts the fake
 * NMKR and Blockfrost (programs of this project, found beside this binary in
 * the build tree or through CS_FAKE_NMKR and CS_FAKE_BLOCKFROST), seeds a
 * sample campaign in a fresh SQLite file, registers the webhook, serves the
 * Campaign Manager and prints its URL and admin token. Ctrl-C stops it all.
 */
#include "cli/cli.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "clients/nmkr.h"
#include "http/http.h"
#include "service/admin.h"
#include "service/hook.h"
#include "service/import_nmkr.h"
#include "service/sync.h"
#include "service/verify.h"
#include "service/webhook.h"
#include "util/str.h"
#include "util/time.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define DEMO_PROJECT "3f2c7a10-5b1e-4c8d-9a6f-0d4e2b7c9a11"
#define DEMO_KEY "demo-nmkr-key"
#define DEMO_BF_ID "preprodDemoProjectId"
#define CS_DEMO_UID_LEN 64

extern char **environ;

enum {
	OPT_LISTEN = 256,
	OPT_DIR,
	OPT_NFTS,
};

struct child {
	pid_t pid;
	char url[80];
};

/* The fake's path: the environment, else beside this binary in the build
 * tree (src/cli/campaign-sync -> tools/NAME/NAME), else where the package
 * installs it (CS_LIBEXECDIR). */
static char *
fake_path(const char *env, const char *name)
{
	char self[PATH_MAX], *slash, *path;
	ssize_t n;
	const char *v = getenv(env);

	if (v != NULL && *v != '\0')
		return cs_xstrdup(v);
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n <= 0)
		return NULL;
	self[n] = '\0';
	slash = strrchr(self, '/'); /* .../src/cli/campaign-sync */
	if (slash == NULL)
		return NULL;
	*slash = '\0';
	path = cs_xasprintf("%s/../../tools/%s/%s", self, name, name);
	if (access(path, X_OK) == 0)
		return path;
	free(path);
	return cs_xasprintf("%s/%s", CS_LIBEXECDIR, name);
}

/* Start a fake with its stdout on a pipe; read its "listening on" line. */
static int
start_child(
    struct cs_cli *cli, struct child *c, char *const argv[], const char *log)
{
	posix_spawn_file_actions_t fa;
	char line[256];
	size_t len = 0;
	int out[2], rc;
	int64_t deadline = cs_mono_ms() + 10000;

	if (access(argv[0], X_OK) != 0)
		return cs_cli_failf(cli, CS_EXIT_UNAVAILABLE,
		    "%s not found: build it (make demo does) or set the path "
		    "in the environment",
		    argv[0]);
	if (pipe(out) != 0)
		return CS_EXIT_SOFTWARE;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, out[1], 1);
	posix_spawn_file_actions_addclose(&fa, out[0]);
	posix_spawn_file_actions_addopen(
	    &fa, 2, log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	rc = posix_spawn(&c->pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(out[1]);
	if (rc != 0) {
		close(out[0]);
		return cs_cli_failf(cli, CS_EXIT_UNAVAILABLE,
		    "cannot start %s: %s", argv[0], strerror(rc));
	}
	while (len < sizeof(line) - 1) {
		struct pollfd p = {out[0], POLLIN, 0};
		int64_t left = deadline - cs_mono_ms();

		if (left <= 0 || poll(&p, 1, (int)left) <= 0 ||
		    read(out[0], line + len, 1) != 1 || line[len] == '\n')
			break;
		len++;
	}
	line[len] = '\0';
	/* Its stdout is not read again: let writes to it fail quietly. */
	close(out[0]);
	if (strncmp(line, "listening on 127.0.0.1:", 23) != 0 ||
	    len - 13 >= sizeof(c->url) - 7)
		return cs_cli_failf(cli, CS_EXIT_UNAVAILABLE,
		    "%s did not start (see %s)", argv[0], log);
	/* "http://" and the address: checked to fit above. */
	snprintf(c->url, sizeof(c->url), "http://%.*s",
	    (int)(sizeof(c->url) - 8), line + 13);
	return 0;
}

static void
stop_child(struct child *c)
{
	if (c->pid <= 0)
		return;
	kill(c->pid, SIGTERM);
	waitpid(c->pid, NULL, 0);
	c->pid = 0;
}

static int
uid_cb(const struct cs_nft *n, void *payload)
{
	cs_str_copy(payload, n->nft_uid, CS_DEMO_UID_LEN);
	return 1; /* the first is enough */
}

/* The sample campaign: created, filled from the fake NMKR, activated, its
 * webhook registered, synced once. uid receives its first available NFT,
 * for the commands the demo prints. */
static int
seed(struct cs_cli *cli, const char *db, const char *nmkr_url,
    const struct cs_blockfrost_opts *bo, const char *server_url,
    char uid[CS_DEMO_UID_LEN])
{
	struct cs_nft_query q = CS_NFT_QUERY_INIT;
	struct cs_nmkr_opts no = CS_NMKR_OPTS_INIT;
	struct cs_verifier *verifier = NULL;
	struct cs_nmkr_import_report rep = {0};
	struct cs_error err = CS_ERROR_INIT;
	struct cs_sync_result res;
	struct cs_sync_opts so;
	struct cs_sync_env env;
	struct cs_store *store = NULL;
	struct cs_nmkr *nmkr = NULL;
	struct cs_campaign c;
	char *hook = NULL;
	int error;

	memset(&c, 0, sizeof(c));
	no.api_key = DEMO_KEY;
	no.base_url = nmkr_url;
	no.network = CS_NETWORK_PREPROD;
	error = cs_store_open(&store, db, &err);
	if (error == 0)
		error = cs_nmkr_new(&nmkr, &no, &err);
	if (error == 0)
		error = cs_verifier_new(&verifier, bo, &err);
	if (error < 0)
		goto out;
	c.name = CS_UNCONST("Lab Rat");
	c.description = CS_UNCONST("Commemorative NFTs for the first lab "
	                           "rats (a demo on fake upstreams)");
	c.nmkr_project_uid = CS_UNCONST(DEMO_PROJECT);
	c.network = CS_NETWORK_PREPROD;
	c.max_nfts = 200;
	error = cs_admin_campaign_create(store, "demo", &c, cs_now_ms(), &err);
	if (error == 0)
		error = cs_import_from_nmkr(
		    store, nmkr, c.id, cs_now_ms(), &rep, &err);
	if (error == 0)
		error = cs_admin_campaign_set_status(
		    store, "demo", c.id, CS_CAMPAIGN_ACTIVE, cs_now_ms(), &err);
	if (error < 0)
		goto out;
	hook = cs_xasprintf("%s/webhooks/nmkr", server_url);
	{
		struct cs_hook_opts ho = {hook, NULL, false};
		struct cs_hook_result hr;

		error = cs_hook_register(
		    store, nmkr, c.id, &ho, cs_now_ms(), &hr, &err);
		cs_hook_result_dispose(&hr);
	}
	if (error < 0)
		goto out;
	memset(&env, 0, sizeof(env));
	env.store = store;
	env.nmkr = nmkr;
	env.verifier = verifier;
	env.owner = "demo";
	cs_sync_opts_init(&so);
	error = cs_sync_campaign(&env, c.id, &so, &res, &err);
	cs_sync_result_dispose(&res);
	if (error < 0)
		goto out;
	q.campaign_id = c.id;
	q.status = CS_NFT_AVAILABLE;
	q.limit = 1;
	error = cs_store_nft_list(store, &q, uid_cb, uid, &err);
	if (error == 1)
		error = 0;
	fprintf(cli->out,
	    "seeded campaign %lld 'Lab Rat' with %zu NFTs from "
	    "the fake NMKR; webhook registered\n",
	    (long long)c.id, rep.result.inserted);
out:
	if (error < 0)
		cs_cli_fail(cli, &err);
	free(hook);
	cs_verifier_free(verifier);
	cs_nmkr_free(nmkr);
	cs_store_free(store);
	return error < 0 ? CS_EXIT_SOFTWARE : 0;
}

/* What is running and the commands to try, with a real NFT's uid and the
 * environment that points campaign-sync at the demo. */
static void
print_running(struct cs_cli *cli, struct cs_server *srv,
    const struct child *nmkr, const struct child *bf, const char *db,
    const char *url_db, const char *bf_api, const char *uid)
{
	fprintf(cli->out,
	    "\ncampaign-sync demo is running\n\n"
	    "  Campaign Manager  %s/\n"
	    "  admin token       %s\n"
	    "  fake NMKR         %s (control: %s/__fake/...)\n"
	    "  fake Blockfrost   %s/api/v0\n"
	    "  database          %s\n\n",
	    cs_server_url(srv),
	    cs_server_generated_token(srv) != NULL
	        ? cs_server_generated_token(srv)
	        : "(CS_ADMIN_TOKEN)",
	    nmkr->url, nmkr->url, bf->url, db);
	fprintf(cli->out,
	    "Sell an NFT in the fake NMKR, then press Sync in the page:\n"
	    "  curl -X POST %s/__fake/nfts/%s/state -d "
	    "'{\"state\":\"sold\"}'\n"
	    "(like NMKR, the fake caches its answers for 20 s: a sync "
	    "sees the sale once that has passed)\n"
	    "Or have NMKR send a signed webhook:\n"
	    "  curl -X POST %s/__fake/webhook -d "
	    "'{\"url\":\"%s/webhooks/nmkr\","
	    "\"event\":\"transactionconfirmed\",\"nftUids\":[\"%s\"]}'\n\n",
	    nmkr->url, uid, nmkr->url, cs_server_url(srv), uid);
	/* The demo's keys are the fakes' own, not secrets. */
	fprintf(cli->out,
	    "Drive the command line against the demo from another shell:\n"
	    "  export CS_DATABASE_URL=%s NMKR_API_URL=%s "
	    "NMKR_API_KEY=%s NMKR_NETWORK=preprod "
	    "BLOCKFROST_API_URL=%s BLOCKFROST_PROJECT_ID=%s "
	    "BLOCKFROST_NETWORK=preprod\n"
	    "  campaign-sync campaign show 'Lab Rat'\n"
	    "  campaign-sync nft show %s\n"
	    "  campaign-sync sync 'Lab Rat'\n"
	    "  campaign-sync doctor\n\n"
	    "Ctrl-C stops everything.\n",
	    url_db, nmkr->url, DEMO_KEY, bf_api, DEMO_BF_ID, uid);
}

int
cs_cmd_demo(struct cs_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"listen", required_argument, NULL, OPT_LISTEN},
	    {"dir", required_argument, NULL, OPT_DIR},
	    {"nfts", required_argument, NULL, OPT_NFTS},
	    {NULL, 0, NULL, 0},
	};
	struct cs_error err = CS_ERROR_INIT;
	struct child bf = {0, ""}, nmkr = {0, ""};
	struct cs_server_opts so;
	struct cs_nmkr_opts no = CS_NMKR_OPTS_INIT;
	struct cs_blockfrost_opts bo = CS_BLOCKFROST_OPTS_INIT;
	struct cs_server *srv = NULL;
	const char *listen = "127.0.0.1:8080", *nfts = "120";
	char dir[PATH_MAX] = "", *db = NULL, *log_bf = NULL, *log_nm = NULL;
	char *bf_bin = NULL, *nm_bin = NULL, *bf_api = NULL, *url_db = NULL;
	char uid[CS_DEMO_UID_LEN] = "";
	bool made_dir = false;
	sigset_t set;
	int c, code = 0, sig;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case OPT_LISTEN:
			listen = optarg;
			break;
		case OPT_DIR:
			cs_str_copy(dir, optarg, sizeof(dir));
			break;
		case OPT_NFTS:
			nfts = optarg;
			break;
		default:
			return CS_EXIT_USAGE;
		}
	}
	if (dir[0] == '\0') {
		snprintf(dir, sizeof(dir), "/tmp/campaign-sync-demo.XXXXXX");
		if (mkdtemp(dir) == NULL)
			return cs_cli_failf(cli, CS_EXIT_SOFTWARE,
			    "cannot make a directory: %s", strerror(errno));
		made_dir = true;
	} else if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
		return cs_cli_failf(cli, CS_EXIT_SOFTWARE, "cannot make %s: %s",
		    dir, strerror(errno));
	}
	db = cs_xasprintf("%s/demo.db", dir);
	url_db = cs_xasprintf("sqlite:%s", db);
	unlink(db); /* a fresh start each time */
	log_bf = cs_xasprintf("%s/fake-blockfrost.log", dir);
	log_nm = cs_xasprintf("%s/fake-nmkr.log", dir);
	bf_bin = fake_path("CS_FAKE_BLOCKFROST", "fake-blockfrost");
	nm_bin = fake_path("CS_FAKE_NMKR", "fake-nmkr");
	if (bf_bin == NULL || nm_bin == NULL) {
		code = cs_cli_failf(cli, CS_EXIT_UNAVAILABLE,
		    "cannot find the fakes: set CS_FAKE_NMKR and "
		    "CS_FAKE_BLOCKFROST");
		goto out;
	}
	cs_cli_block_signals(&set);
	{
		char *const a[] = {bf_bin, CS_UNCONST("--listen"),
		    CS_UNCONST("127.0.0.1:0"), CS_UNCONST("--project-id"),
		    CS_UNCONST(DEMO_BF_ID), NULL};

		code = start_child(cli, &bf, a, log_bf);
		if (code != 0)
			goto out;
	}
	bf_api = cs_xasprintf("%s/api/v0", bf.url);
	{
		char *const a[] = {nm_bin, CS_UNCONST("--listen"),
		    CS_UNCONST("127.0.0.1:0"), CS_UNCONST("--api-key"),
		    CS_UNCONST(DEMO_KEY), CS_UNCONST("--project"),
		    CS_UNCONST(DEMO_PROJECT), CS_UNCONST("--nfts"),
		    CS_UNCONST(nfts), CS_UNCONST("--sold"), CS_UNCONST("12"),
		    CS_UNCONST("--reserved"), CS_UNCONST("3"),
		    CS_UNCONST("--blocked"), CS_UNCONST("2"),
		    CS_UNCONST("--network"), CS_UNCONST("preprod"),
		    CS_UNCONST("--latency-ms"), CS_UNCONST("40"),
		    CS_UNCONST("--blockfrost"), bf_api,
		    CS_UNCONST("--blockfrost-project-id"),
		    CS_UNCONST(DEMO_BF_ID), NULL};

		code = start_child(cli, &nmkr, a, log_nm);
		if (code != 0)
			goto out;
	}

	cs_server_opts_init(&so);
	so.listen = listen;
	so.database_url = url_db;
	so.admin_token = cli->cfg.admin_token;
	so.schedule = cli->cfg.sync_schedule;
	so.public_rate = cli->cfg.public_rate;
	so.owner = "demo";
	no.api_key = DEMO_KEY;
	no.base_url = nmkr.url;
	no.network = CS_NETWORK_PREPROD;
	so.nmkr = &no;
	bo.project_id = DEMO_BF_ID;
	bo.network = CS_NETWORK_PREPROD;
	bo.base_url = bf_api;
	so.blockfrost = &bo;
	if (cs_server_start(&srv, &so, &err) < 0) {
		code = cs_cli_fail(cli, &err);
		goto out;
	}
	/* First, as serve does, for whoever started us. */
	fprintf(cli->out, "listening on %s\n", cs_server_url(srv));
	fflush(cli->out);
	code = seed(cli, url_db, nmkr.url, &bo, cs_server_url(srv), uid);
	if (code != 0)
		goto out;
	print_running(cli, srv, &nmkr, &bf, db, url_db, bf_api, uid);
	fflush(cli->out);
	sigwait(&set, &sig);
	fprintf(cli->out,
	    "\nstopping: the server and both fakes are stopped; left behind "
	    "in %s: demo.db,\nfake-nmkr.log and fake-blockfrost.log "
	    "(%s; rm -r %s removes them)\n",
	    dir,
	    made_dir ? "a new directory of this run"
	             : "the next demo in it starts a new demo.db",
	    dir);
out:
	cs_server_stop(srv);
	cs_server_free(srv);
	stop_child(&nmkr);
	stop_child(&bf);
	free(bf_api);
	free(bf_bin);
	free(nm_bin);
	free(log_bf);
	free(log_nm);
	free(url_db);
	free(db);
	return code;
}
