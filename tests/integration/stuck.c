/* SPDX-License-Identifier: MIT */
/*
 * Stuck runs (issue 13, finding 5): a CLI sync killed mid-walk (fake NMKR
 * slow to answer) does not block the next sync, CLI or API; SIGTERM and
 * SIGHUP stop it cleanly; a run of another host is taken over after three
 * missed heartbeats and not before. Time is driven by backdating runs, not
 * by waiting for them to go stale.
 */
#include "test.h"

#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "service/import_nmkr.h"
#include "service/sync.h"
#include "store/store.h"
#include "support/fakeproc.h"
#include "support/fixture.h"
#include "support/testhttp.h"
#include "util/limits.h"
#include "util/str.h"
#include "util/time.h"
#include "util/xalloc.h"

#define KEY "stuck-test-key-5150"
#define TOKEN "stuck-test-admin-token-8086"
#define PROJECT "9e2d000a-ed53-4db4-819b-25cdab41fd47"

static struct cs_fakeproc fake, serve;
static struct cs_store *store;
static char *db_url;
static int64_t campaign;

static void
control(const char *method, const char *path, const char *body)
{
	char url[512];

	snprintf(url, sizeof(url), "%s%s", fake.base_url, path);
	cJSON_Delete(cs_test_http_json(method, url, body));
}

/* Every GetNfts page answers after ms (0: at once). */
static void
slow_pages(int ms)
{
	char body[128];

	control("DELETE", "/__fake/faults", NULL);
	if (ms == 0)
		return;
	snprintf(body, sizeof(body),
	    "{\"endpoint\":\"GetNfts\",\"delayMs\":%d,\"times\":-1}", ms);
	control("POST", "/__fake/faults", body);
}

struct uids {
	char *v[20];
	size_t n;
};

static int
uid_cb(const struct cs_nft *n, void *payload)
{
	struct uids *u = payload;

	if (u->n < 20)
		u->v[u->n++] = cs_xstrdup(n->nft_uid);
	return 0;
}

/* A campaign "Lab Rat" of 200 NFTs imported from fake-nmkr, of which NMKR
 * then sells 20: a sync has 20 changes to apply. */
static void
setup(void)
{
	char *bin = cs_build_path("tools/fake-nmkr/fake-nmkr");
	const char *argv[] = {bin, "--listen", "127.0.0.1:0", "--api-key", KEY,
	    "--project", PROJECT, "--nfts", "200", "--sold", "0", "--reserved",
	    "0", "--blocked", "0", "--rate-limit", "0", NULL};
	struct cs_nmkr_opts o = CS_NMKR_OPTS_INIT;
	struct cs_nmkr_import_report rep;
	struct cs_nft_query q = CS_NFT_QUERY_INIT;
	struct cs_nmkr *nmkr = NULL;
	struct cs_campaign c;
	struct uids u;
	char path[128];
	size_t i;

	cs_fakeproc_start(&fake, argv, NULL);
	free(bin);
	db_url = cs_fixture_db_url("stuck.db");
	ASSERT_OK(cs_store_open(&store, db_url, TERR));
	o.api_key = KEY;
	o.base_url = fake.base_url;
	ASSERT_OK(cs_nmkr_new(&nmkr, &o, TERR));
	memset(&c, 0, sizeof(c));
	c.name = CS_UNCONST("Lab Rat");
	c.nmkr_project_uid = CS_UNCONST(PROJECT);
	c.max_nfts = 1000;
	ASSERT_OK(cs_store_campaign_create(store, &c, cs_now_ms(), TERR));
	campaign = c.id;
	ASSERT_OK(cs_import_from_nmkr(
	    store, nmkr, campaign, cs_now_ms(), &rep, TERR));
	ASSERT_EQ(rep.result.inserted, 200);
	cs_nmkr_free(nmkr);
	memset(&u, 0, sizeof(u));
	q.campaign_id = campaign;
	q.limit = 20;
	ASSERT_OK(cs_store_nft_list(store, &q, uid_cb, &u, TERR));
	ASSERT_EQ(u.n, 20);
	for (i = 0; i < u.n; i++) {
		snprintf(path, sizeof(path), "/__fake/nfts/%s/state", u.v[i]);
		control("POST", path, "{\"state\":\"sold\"}");
		free(u.v[i]);
	}
}

static void
env_of(const char *env[4], char **env_db, char **env_url)
{
	*env_db = cs_xasprintf("CS_DATABASE_URL=%s", db_url);
	*env_url = cs_xasprintf("NMKR_API_URL=%s", fake.base_url);
	env[0] = *env_db;
	env[1] = *env_url;
	env[2] = "NMKR_API_KEY=" KEY;
	env[3] = NULL;
}

/* `campaign-sync sync "Lab Rat" --force` in the background; its output
 * goes to log (a path). */
static pid_t
spawn_sync(const char *log)
{
	char *bin = cs_build_path("src/cli/campaign-sync");
	const char *argv[] = {bin, "sync", "Lab Rat", "--force", NULL};
	const char *env[4], *tsan_opts;
	char *env_db, *env_url, opts[512];
	pid_t pid;
	size_t i;
	int fd;

	env_of(env, &env_db, &env_url);
	pid = fork();
	ASSERT_TRUE(pid >= 0);
	if (pid == 0) {
		fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
			close(fd);
		}
		for (i = 0; env[i] != NULL; i++) {
			const char *eq = strchr(env[i], '=');
			char name[64];

			snprintf(name, sizeof(name), "%.*s", (int)(eq - env[i]),
			    env[i]);
			setenv(name, eq + 1, 1);
		}
		/* A sync stopped the hard way exits with its threads running,
		 * on purpose: not a leak for ThreadSanitizer to fail on. */
		tsan_opts = getenv("TSAN_OPTIONS");
		snprintf(opts, sizeof(opts), "%s%sreport_thread_leaks=0",
		    tsan_opts != NULL ? tsan_opts : "",
		    tsan_opts != NULL && *tsan_opts != '\0' ? ":" : "");
		setenv("TSAN_OPTIONS", opts, 1);
		execv(argv[0], (char *const *)(uintptr_t)argv);
		_exit(127);
	}
	free(env_db);
	free(env_url);
	free(bin);
	return pid;
}

/* The exit status of pid (128+signal when killed), waiting up to ms. */
static int
wait_exit(pid_t pid, int64_t ms)
{
	int64_t until = cs_mono_ms() + ms;
	int status;

	for (;;) {
		pid_t got = waitpid(pid, &status, WNOHANG);

		if (got == pid)
			return WIFEXITED(status) ? WEXITSTATUS(status)
			                         : 128 + WTERMSIG(status);
		if (cs_mono_ms() > until) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			cs_test_fail(__FILE__, __LINE__,
			    "process %ld still running after %lld ms",
			    (long)pid, (long long)ms);
		}
		cs_sleep_ms(20);
	}
}

/* Wait until the campaign has an unfinished run in phase fetch; it is
 * returned (caller disposes). */
static struct cs_sync_run
wait_fetching(void)
{
	int64_t until = cs_mono_ms() + 10000;
	struct cs_sync_run run;

	for (;;) {
		if (cs_store_sync_run_active(store, campaign, &run, TERR) ==
		    0) {
			if (run.phase != NULL &&
			    strcmp(run.phase, "fetch") == 0)
				return run;
			cs_sync_run_dispose(&run);
		}
		if (cs_mono_ms() > until)
			cs_test_fail(__FILE__, __LINE__, "no sync is fetching");
		cs_sleep_ms(20);
	}
}

static char *
read_log(const char *path)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = fopen(path, "r");
	char buf[4096];
	size_t n;

	ASSERT_TRUE(f != NULL);
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0) {
		text = cs_xrealloc(text, len + n + 1);
		memcpy(text + len, buf, n);
		len += n;
	}
	fclose(f);
	if (text == NULL)
		text = cs_xstrdup("");
	text[len] = '\0';
	return text;
}

/* The latest run is closed with outcome, and nothing of the sync was
 * applied: no sale, no history row. */
static void
assert_closed_unapplied(int64_t run_id, const char *outcome)
{
	struct cs_sync_run run;
	struct cs_campaign c;

	ASSERT_OK(cs_store_sync_run_latest(store, campaign, &run, TERR));
	ASSERT_EQ(run.id, run_id);
	ASSERT_GT(run.finished_at, 0);
	ASSERT_STR_EQ(run.outcome, outcome);
	cs_sync_run_dispose(&run);
	ASSERT_OK(cs_store_campaign_get(store, campaign, &c, TERR));
	ASSERT_EQ(c.counts.sold, 0);
	ASSERT_EQ(c.counts.available, 200);
	cs_campaign_dispose(&c);
}

/* The failed sync_log row run points at holds text among its errors. */
static void
assert_run_log(int64_t run_id, const char *text)
{
	struct cs_sync_run run;
	struct cs_sync_log l;

	ASSERT_OK(cs_store_sync_run_latest(store, campaign, &run, TERR));
	if (run.id != run_id) {
		/* Not the latest any more: look it up through the log. */
		cs_sync_run_dispose(&run);
		cs_test_fail(__FILE__, __LINE__, "run %lld is not the latest",
		    (long long)run_id);
	}
	ASSERT_GT(run.sync_log_id, 0);
	ASSERT_OK(cs_store_sync_log_get(store, run.sync_log_id, &l, TERR));
	ASSERT_EQ(l.status, CS_SYNC_FAILED);
	ASSERT_TRUE(l.errors != NULL);
	ASSERT_STR_CONTAINS(l.errors, text);
	cs_sync_log_dispose(&l);
	cs_sync_run_dispose(&run);
}

/* A sync that ran to the end: 20 sales applied. */
static void
assert_synced(void)
{
	struct cs_campaign c;

	ASSERT_OK(cs_store_campaign_get(store, campaign, &c, TERR));
	ASSERT_EQ(c.counts.sold, 20);
	ASSERT_EQ(c.counts.available, 180);
	cs_campaign_dispose(&c);
}

struct find {
	const char *text;
	size_t found;
};

static int
find_cb(const struct cs_sync_log *l, void *payload)
{
	struct find *f = payload;

	if (l->status == CS_SYNC_FAILED && l->errors != NULL &&
	    strstr(l->errors, f->text) != NULL)
		f->found++;
	return 0;
}

/* How many failed sync_log rows of the campaign hold text. */
static size_t
failed_logs_with(const char *text)
{
	struct cs_sync_log_query q = CS_SYNC_LOG_QUERY_INIT;
	struct find f = {text, 0};

	q.campaign_id = campaign;
	q.status = CS_SYNC_FAILED;
	ASSERT_OK(cs_store_sync_log_list(store, &q, find_cb, &f, TERR));
	return f.found;
}

/* Start a CLI sync (NMKR answering each page after page_ms), wait until
 * it fetches, kill -9 it; the dead run is returned (caller disposes). */
static struct cs_sync_run
kill_a_cli_sync(int page_ms)
{
	char *log = cs_test_path("killed.log");
	char host[64], want[96], abandoned[128];
	struct cs_sync_run dead;
	pid_t pid;

	slow_pages(page_ms);
	pid = spawn_sync(log);
	dead = wait_fetching();
	/* Its owner names this host and its pid. */
	gethostname(host, sizeof(host));
	host[sizeof(host) - 1] = '\0';
	snprintf(want, sizeof(want), "cli@%.40s:%ld", host, (long)pid);
	ASSERT_STR_EQ(dead.owner, want);
	kill(pid, SIGKILL);
	ASSERT_EQ(wait_exit(pid, 5000), 128 + SIGKILL);
	snprintf(abandoned, sizeof(abandoned), "sync run %lld of %s",
	    (long long)dead.id, dead.owner);
	ASSERT_EQ(failed_logs_with(abandoned), 0);
	slow_pages(0);
	free(log);
	return dead;
}

/* The dead run was closed by a taker: a failed log row names it, and a
 * newer run (the taker's) finished with success. */
static void
assert_taken_over(const struct cs_sync_run *dead)
{
	struct cs_sync_run run;
	char abandoned[128];

	snprintf(abandoned, sizeof(abandoned), "sync run %lld of %s",
	    (long long)dead->id, dead->owner);
	ASSERT_EQ(failed_logs_with(abandoned), 1);
	ASSERT_OK(cs_store_sync_run_latest(store, campaign, &run, TERR));
	ASSERT_GT(run.id, dead->id);
	ASSERT_STR_EQ(run.outcome, "success");
	cs_sync_run_dispose(&run);
	ASSERT_ERR(CS_ENOTFOUND,
	    cs_store_sync_run_active(store, campaign, &run, TERR));
	assert_synced();
}

/* kill -9 of a CLI sync mid-walk: a new CLI sync starts at once (not
 * after 10 minutes) and closes the dead run as abandoned. */
CS_TEST(stuck__killed_cli_sync_is_taken_over_by_the_cli)
{
	char *bin = cs_build_path("src/cli/campaign-sync");
	const char *argv[] = {bin, "sync", "Lab Rat", "--force", NULL};
	char *env_db, *env_url, *out = NULL, *errout = NULL;
	struct cs_sync_run dead;
	const char *env[4];

	setup();
	dead = kill_a_cli_sync(5000);
	env_of(env, &env_db, &env_url);
	ASSERT_EQ(cs_test_run(argv, env, NULL, &out, &errout), 0);
	ASSERT_STR_CONTAINS(out, "success");
	ASSERT_STR_CONTAINS(errout, "taking over sync run");
	ASSERT_STR_CONTAINS(errout, dead.owner);
	assert_taken_over(&dead);
	cs_sync_run_dispose(&dead);
	free(out);
	free(errout);
	free(env_db);
	free(env_url);
	free(bin);
	cs_store_free(store);
}

/* The same for a sync asked of a serve that was already running (so its
 * start-up recovery did not see the dead run): 200 at once, not 409. */
CS_TEST(stuck__killed_cli_sync_is_taken_over_by_the_api)
{
	char *bin = cs_build_path("src/cli/campaign-sync");
	const char *argv[] = {
	    bin, "serve", "--listen", "127.0.0.1:0", "--no-schedule", NULL};
	const char *headers[] = {"Authorization: Bearer " TOKEN, NULL};
	const char *env[8];
	char *env_db, *env_url, url[256];
	struct cs_test_resp r;
	struct cs_sync_run dead;

	setup();
	env_of(env, &env_db, &env_url);
	env[3] = "CS_ADMIN_TOKEN=" TOKEN;
	env[4] = "CS_LOG_FORMAT=text";
	env[5] = NULL;
	cs_fakeproc_start(&serve, argv, env);
	dead = kill_a_cli_sync(5000);
	snprintf(url, sizeof(url), "%s/api/campaigns/%lld/sync?force=1",
	    serve.base_url, (long long)campaign);
	r = cs_test_http("POST", url, NULL, headers);
	ASSERT_EQ(r.status, 200);
	cs_test_resp_free(&r);
	assert_taken_over(&dead);
	ASSERT_EQ(cs_fakeproc_stop(&serve), 0);
	cs_sync_run_dispose(&dead);
	free(env_db);
	free(env_url);
	free(bin);
	cs_store_free(store);
}

/* A signal mid-walk: the sync stops with nothing applied, its run closed
 * as interrupted, exit 75. SIGTERM while the fetch ends within the grace:
 * the sync stops by itself at the end of the fetch (its failed log row
 * says so). SIGHUP while NMKR keeps it waiting longer: the run is closed
 * for it and the process exits within the grace. */
CS_TEST(stuck__signals_stop_a_cli_sync_cleanly)
{
	char *log = cs_test_path("stopped.log"), *text;
	struct cs_sync_run run;
	int64_t t0, took;
	pid_t pid;

	setup();
	slow_pages(600); /* the fetch ends well within the grace */
	pid = spawn_sync(log);
	run = wait_fetching();
	kill(pid, SIGTERM);
	ASSERT_EQ(wait_exit(pid, 10000), 75);
	assert_closed_unapplied(run.id, "interrupted");
	assert_run_log(run.id, "interrupted");
	text = read_log(log);
	ASSERT_STR_CONTAINS(text, "stopping the sync");
	ASSERT_STR_CONTAINS(text, "sync stopped by Terminated");
	free(text);
	cs_sync_run_dispose(&run);

	slow_pages(30000);
	pid = spawn_sync(log);
	run = wait_fetching();
	t0 = cs_mono_ms();
	kill(pid, SIGHUP);
	ASSERT_EQ(wait_exit(pid, 10000), 75);
	took = cs_mono_ms() - t0;
	ASSERT_GE(took, CS_SYNC_STOP_GRACE_MS - 100);
	ASSERT_LT(took, CS_SYNC_STOP_GRACE_MS + 3000);
	assert_closed_unapplied(run.id, "interrupted");
	text = read_log(log);
	ASSERT_STR_CONTAINS(text, "Hangup: stopping the sync");
	ASSERT_STR_CONTAINS(text, "closed as interrupted");
	free(text);
	cs_sync_run_dispose(&run);

	/* The database is as it was: the next sync applies everything. */
	slow_pages(0);
	pid = spawn_sync(log);
	ASSERT_EQ(wait_exit(pid, 20000), 0);
	assert_synced();
	free(log);
	cs_store_free(store);
}

/* A run of another host: taken over once three heartbeats are missed
 * (CS_SYNC_RUN_STALE_MS), refused before; a dead owner of this host is
 * taken over whatever its heartbeat. Time is driven by backdating. */
CS_TEST(stuck__other_hosts_go_stale_after_three_beats)
{
	struct cs_sync_env env;
	struct cs_sync_opts o;
	struct cs_sync_result res;
	struct cs_nmkr_opts no = CS_NMKR_OPTS_INIT;
	struct cs_sync_run run;
	char self[64], host[64], gone[96];
	int64_t fresh = 0, stale = 0, dead = 0, now;

	ASSERT_EQ(CS_SYNC_RUN_STALE_MS, 3 * CS_SYNC_HEARTBEAT_MS);
	setup();
	no.api_key = KEY;
	no.base_url = fake.base_url;
	memset(&env, 0, sizeof(env));
	env.store = store;
	ASSERT_OK(cs_nmkr_new(&env.nmkr, &no, TERR));
	cs_sync_owner_name(self, sizeof(self), "serve");
	env.owner = self;
	cs_sync_opts_init(&o);
	o.force = true;

	/* Heard from two beats ago: alive, refused. */
	now = cs_now_ms();
	ASSERT_OK(cs_store_sync_run_claim(store, campaign,
	    "serve@other-host:4242", now - 2 * CS_SYNC_HEARTBEAT_MS,
	    CS_SYNC_RUN_STALE_MS, 0, &fresh, NULL, TERR));
	ASSERT_ERR(
	    CS_ECONFLICT, cs_sync_campaign(&env, campaign, &o, &res, TERR));
	ASSERT_STR_EQ(res.running.owner, "serve@other-host:4242");
	cs_sync_result_dispose(&res);
	ASSERT_OK(cs_store_sync_run_close(
	    store, fresh, "success", 0, cs_now_ms(), TERR));

	/* Silent for three beats and a little: taken over. */
	now = cs_now_ms();
	ASSERT_OK(cs_store_sync_run_claim(store, campaign,
	    "serve@other-host:4242", now - CS_SYNC_RUN_STALE_MS - 1000,
	    CS_SYNC_RUN_STALE_MS, 0, &stale, NULL, TERR));
	ASSERT_OK(cs_sync_campaign(&env, campaign, &o, &res, TERR));
	ASSERT_EQ(res.status, CS_SYNC_SUCCESS);
	cs_sync_result_dispose(&res);
	ASSERT_OK(cs_store_sync_run_latest(store, campaign, &run, TERR));
	ASSERT_GT(run.id, stale);
	ASSERT_STR_EQ(run.outcome, "success");
	cs_sync_run_dispose(&run);

	/* This host, a pid that runs nothing, heard from just now: taken
	 * over at once. */
	gethostname(host, sizeof(host));
	host[sizeof(host) - 1] = '\0';
	snprintf(gone, sizeof(gone), "cli@%.40s:4194305", host);
	ASSERT_OK(cs_store_sync_run_claim(store, campaign, gone, cs_now_ms(),
	    CS_SYNC_RUN_STALE_MS, 0, &dead, NULL, TERR));
	ASSERT_OK(cs_sync_campaign(&env, campaign, &o, &res, TERR));
	cs_sync_result_dispose(&res);
	ASSERT_EQ(failed_logs_with("was abandoned"), 1);
	ASSERT_OK(cs_store_sync_run_latest(store, campaign, &run, TERR));
	ASSERT_GT(run.id, dead);
	cs_sync_run_dispose(&run);

	cs_nmkr_free(env.nmkr);
	cs_store_free(store);
}

/* The heartbeat thread keeps a live run fresh while the sync waits on
 * NMKR, and a beat that finds the run closed by another process stops the
 * sync before it applies anything. */
CS_TEST(stuck__a_run_closed_by_another_process_applies_nothing)
{
	char *log = cs_test_path("lost.log"), *text;
	struct cs_sync_run run;
	pid_t pid;

	setup();
	/* Longer than a beat: the run is closed behind the sync's back,
	 * and its next beat learns it. */
	slow_pages(CS_SYNC_HEARTBEAT_MS + 1000);
	pid = spawn_sync(log);
	run = wait_fetching();
	ASSERT_OK(cs_store_sync_run_close(
	    store, run.id, "abandoned", 0, cs_now_ms(), TERR));
	ASSERT_EQ(wait_exit(pid, 30000), 75);
	assert_closed_unapplied(run.id, "abandoned");
	text = read_log(log);
	ASSERT_STR_CONTAINS(text, "was closed by another process");
	free(text);
	cs_sync_run_dispose(&run);
	free(log);
	cs_store_free(store);
}
