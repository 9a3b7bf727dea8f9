/* SPDX-License-Identifier: MIT */
/*
 * sync CAMPAIGN|--all: one sync from the terminal, with a progress bar on a
 * TTY (phase, pages, NFTs), then the report as aligned tables (the seed's
 * sections) or --json. With BLOCKFROST_PROJECT_ID set, the sync verifies up
 * to --verify-limit sold NFTs on chain (never failing for it). Exit 0
 * success, 3 partial, 1 failed, 75 stopped by a signal.
 *
 * The run is claimed as "cli@HOST:PID", so a later sync on this host takes
 * it over at once if this process dies. SIGINT, SIGTERM and SIGHUP stop
 * the sync at its next phase boundary (nothing applied, the run closed as
 * interrupted); if it has not stopped within CS_SYNC_STOP_GRACE_MS, or at
 * a second signal, the run is closed on a connection of its own and the
 * process exits 75 at once (a transaction under way is rolled back).
 */
#include "cli/cli.h"

#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/table.h"
#include "clients/nmkr.h"
#include "service/encode.h"
#include "service/report_keys.h"
#include "service/sync.h"
#include "service/verify.h"
#include "util/limits.h"
#include "util/log.h"
#include "util/str.h"
#include "util/time.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define SHOW_ROWS 50
#define BAR_WIDTH 24

enum {
	OPT_ALL = 256,
	OPT_JSON,
	OPT_DRY_RUN,
	OPT_FORCE,
	OPT_FULL,
	OPT_QUIET_PROGRESS,
	OPT_VERIFY_LIMIT,
};

struct bar {
	FILE *f;
	bool shown;
};

static void
draw(const struct cs_sync_progress *p, void *payload)
{
	struct bar *b = payload;
	char cells[BAR_WIDTH * 3 + 1];
	size_t i, full = 0, off = 0;

	if (strcmp(p->phase, "done") == 0) {
		if (b->shown)
			fprintf(b->f, "\r\033[K");
		fflush(b->f);
		return;
	}
	if (p->pages_total > 0)
		full = (size_t)(p->pages_done * BAR_WIDTH / p->pages_total);
	for (i = 0; i < BAR_WIDTH; i++) {
		/* U+2588 full block, U+2591 light shade */
		const char *c = i < full ? "\xe2\x96\x88" : "\xe2\x96\x91";

		memcpy(cells + off, c, 3);
		off += 3;
	}
	cells[off] = '\0';
	fprintf(b->f, "\r\033[K%-8s %s %lld/%lld pages, %lld NFTs", p->phase,
	    cells, (long long)p->pages_done, (long long)p->pages_total,
	    (long long)p->nfts);
	fflush(b->f);
	b->shown = true;
}

/*
 * A field of a report by name (report_keys.h), or NULL. A report this
 * process just encoded (ours) must have every field the CLI reads: in a
 * debug build a missing or mistyped one is a bug and aborts with its name,
 * as a failed assert would, so that a rename in the encoder fails every
 * test that prints a report instead of printing 0. A logged warning would
 * not do: the tests compare stdout, and a line on stderr goes unseen. A
 * stored report (a debounced sync's) may come from an older version, so
 * for it, and in release builds, a missing field reads as nothing.
 */
static const cJSON *
field(bool ours, const cJSON *o, const char *name,
    cJSON_bool (*is)(const cJSON *))
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);

	if (is(v))
		return v;
#ifndef NDEBUG
	if (ours) {
		fprintf(stderr,
		    "campaign-sync: bug: the sync report's \"%s\" is %s\n",
		    name, v == NULL ? "missing" : "of another type");
		abort();
	}
#endif
	return NULL;
}

static cJSON_bool
is_text(const cJSON *v)
{
	return cJSON_IsString(v) || cJSON_IsNull(v);
}

/* A string field, or NULL (also for JSON null, as in dbStatus). */
static const char *
jstr(bool ours, const cJSON *o, const char *name)
{
	const cJSON *v = field(ours, o, name, is_text);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static long long
jnum(bool ours, const cJSON *o, const char *name)
{
	const cJSON *v = field(ours, o, name, cJSON_IsNumber);

	return v != NULL ? (long long)v->valuedouble : 0;
}

static const cJSON *
jarr(bool ours, const cJSON *o, const char *name)
{
	return field(ours, o, name, cJSON_IsArray);
}

static const cJSON *
jobj(bool ours, const cJSON *o, const char *name)
{
	return field(ours, o, name, cJSON_IsObject);
}

/* The rows not shown: n in the report's list, of total in all (a stored
 * report keeps the first CS_REPORT_LIST_MAX of each list). */
static void
more(FILE *f, int n, long long total)
{
	if (total > n)
		fprintf(f,
		    "... and %lld more (the report lists the first %d; the "
		    "review queue and the history have them all)\n",
		    total - SHOW_ROWS, n);
	else if (n > SHOW_ROWS)
		fprintf(f, "... and %d more (see --json)\n", n - SHOW_ROWS);
}

/* A list's whole size: the report's count of it when it has one. */
static long long
total_of(bool ours, const cJSON *r, const char *count, int n)
{
	const cJSON *v = field(ours, r, count, cJSON_IsNumber);

	return v != NULL ? (long long)v->valuedouble : n;
}

/* qsort has no payload, so the order reads leniently; the rows printed
 * next read the same names strictly. */
static int
cmp_number(const void *a, const void *b)
{
	const cJSON *x = *(const cJSON *const *)a,
	            *y = *(const cJSON *const *)b;

	return cs_nft_name_cmp(jstr(false, x, CS_RK_NFT_NAME),
	    jstr(false, x, CS_RK_NFT_UID), jstr(false, y, CS_RK_NFT_NAME),
	    jstr(false, y, CS_RK_NFT_UID));
}

/* The n items of a report's list in NFT number order, as the page shows
 * them. Caller frees the array (the items stay list's). */
static const cJSON **
by_number(const cJSON *list, size_t n)
{
	const cJSON **v = cs_xcalloc(n, sizeof(*v));
	const cJSON *item;
	size_t i = 0;

	cJSON_ArrayForEach(item, list) {
		if (i < n)
			v[i++] = item;
	}
	qsort(v, i, sizeof(*v), cmp_number);
	return v;
}

static void
print_report(FILE *f, const struct cs_campaign *c,
    const struct cs_sync_result *res, bool chain_configured)
{
	static const char *const stats_h[] = {"", "NMKR", "DATABASE"};
	static const char *const disc_h[] = {
	    "NFT", "UID", "ISSUE", "DATABASE", "NMKR"};
	static const char *const upd_h[] = {"NFT", "FROM", "TO", "RESULT"};
	static const char *const conf_h[] = {"NFT", "UID", "WANTED", "WHY"};
	static const char *const def_h[] = {"NFT", "UID", "NMKR", "AGE"};
	static const char *const hook_h[] = {"WHEN", "STATUS", "RECORDS"};
	static const char *const chain_h[] = {"NFT", "STATUS", "MESSAGE"};
	static const char *const rows[] = {
	    "total", "available", "reserved", "sold"};
	static const char *const row_keys[] = {
	    CS_RK_TOTAL, CS_RK_AVAILABLE, CS_RK_RESERVED, CS_RK_SOLD};
	const cJSON *r = res->report, *nmkr, *db, *item, *list, *calls;
	bool ours = !res->debounced;
	const cJSON *mode, *why, **sorted;
	struct cs_table *t;
	char when[CS_ISO8601_LEN];
	size_t i;
	int n;

	fprintf(f, "Sync of %s (campaign %lld): %s in %lld ms%s", c->name,
	    (long long)c->id, cs_sync_status_name(res->status),
	    jnum(ours, r, CS_RK_DURATION_MS),
	    res->debounced ? " (the last sync's "
	                     "report: run again with "
	                     "--force)"
	                   : "");
	if (res->sync_log_id != 0)
		fprintf(f, ", sync log %lld", (long long)res->sync_log_id);
	fprintf(f, "\n");
	/* Optional: only a sync that reached NMKR has them. */
	calls = jobj(false, r, CS_RK_NMKR_REQUESTS);
	if (calls != NULL) {
		fprintf(f, "NMKR requests: %lld sent, %lld failed",
		    jnum(ours, calls, CS_RK_SENT),
		    jnum(ours, calls, CS_RK_FAILED));
		if (jnum(ours, calls, CS_RK_REFUSED) > 0)
			fprintf(f, ", %lld not sent (circuit open)",
			    jnum(ours, calls, CS_RK_REFUSED));
		if (jnum(ours, calls, CS_RK_WALKS) > 1)
			fprintf(f, "; the list was read %lld times",
			    jnum(ours, calls, CS_RK_WALKS));
		mode = field(false, r, CS_RK_MODE, cJSON_IsString);
		why = field(false, r, CS_RK_MODE_WHY, cJSON_IsString);
		if (cJSON_IsString(mode) &&
		    strcmp(mode->valuestring, "smart") == 0)
			fprintf(f, "; smart: %lld states' lists",
			    jnum(ours, calls, CS_RK_LISTS));
		else if (cJSON_IsString(mode) && cJSON_IsString(why))
			fprintf(f, "; a full walk: %s", why->valuestring);
		fprintf(f, "\n");
	}
	fprintf(f, "\n");

	nmkr = jobj(ours, r, CS_RK_NMKR_STATS);
	db = jobj(ours, r, CS_RK_DB_STATS);
	t = cs_table_new(3, stats_h);
	for (i = 0; i < 4; i++)
		cs_table_rowf(t, "%s\t%lld\t%lld", rows[i],
		    jnum(ours, nmkr, row_keys[i]), jnum(ours, db, row_keys[i]));
	cs_table_print(t, f);
	cs_table_free(t);

	list = jarr(ours, r, CS_RK_DISCREPANCIES);
	n = cJSON_GetArraySize(list);
	fprintf(f, "\nDiscrepancies (%lld)\n",
	    total_of(ours, r, CS_RK_DISCREPANCY_COUNT, n));
	if (n > 0) {
		t = cs_table_new(5, disc_h);
		sorted = by_number(list, (size_t)n);
		for (i = 0; i < (size_t)n && i < SHOW_ROWS; i++) {
			const char *cells[5] = {
			    jstr(ours, sorted[i], CS_RK_NFT_NAME),
			    jstr(ours, sorted[i], CS_RK_NFT_UID),
			    jstr(ours, sorted[i], CS_RK_ISSUE),
			    jstr(ours, sorted[i], CS_RK_DB_STATUS),
			    jstr(ours, sorted[i], CS_RK_NMKR_STATUS)};

			cs_table_row(t, cells);
		}
		free(sorted);
		cs_table_print(t, f);
		cs_table_free(t);
		more(f, n, total_of(ours, r, CS_RK_DISCREPANCY_COUNT, n));
	}

	list = jarr(ours, r, CS_RK_UPDATE_RESULTS);
	n = cJSON_GetArraySize(list);
	fprintf(f, "\nUpdates (%lld applied, %lld failed)\n",
	    jnum(ours, r, CS_RK_UPDATED_COUNT),
	    jnum(ours, r, CS_RK_FAILED_COUNT));
	if (n > 0) {
		t = cs_table_new(4, upd_h);
		i = 0;
		cJSON_ArrayForEach(item, list) {
			const char *cells[4] = {
			    jstr(ours, item, CS_RK_NFT_NAME),
			    jstr(ours, item, CS_RK_OLD_STATUS),
			    jstr(ours, item, CS_RK_NEW_STATUS),
			    cJSON_IsTrue(
			        field(ours, item, CS_RK_SUCCESS, cJSON_IsBool))
			        ? "updated"
			        : jstr(ours, item, CS_RK_ERROR)};

			if (i++ < SHOW_ROWS)
				cs_table_row(t, cells);
		}
		cs_table_print(t, f);
		cs_table_free(t);
		more(f, n,
		    jnum(ours, r, CS_RK_UPDATED_COUNT) +
		        jnum(ours, r, CS_RK_FAILED_COUNT));
	}

	list = jarr(ours, r, CS_RK_CONFLICTS);
	n = cJSON_GetArraySize(list);
	if (n > 0) {
		fprintf(f,
		    "\nConflicts (%d: changed during the sync, left "
		    "alone)\n",
		    n);
		t = cs_table_new(4, conf_h);
		i = 0;
		cJSON_ArrayForEach(item, list) {
			const char *cells[4] = {
			    jstr(ours, item, CS_RK_NFT_NAME),
			    jstr(ours, item, CS_RK_NFT_UID),
			    jstr(ours, item, CS_RK_WANTED),
			    jstr(ours, item, CS_RK_REASON)};

			if (i++ < SHOW_ROWS)
				cs_table_row(t, cells);
		}
		cs_table_print(t, f);
		cs_table_free(t);
		more(f, n, total_of(ours, r, CS_RK_CONFLICT_COUNT, n));
	}

	list = jarr(ours, r, CS_RK_DEFERRED);
	n = cJSON_GetArraySize(list);
	if (n > 0) {
		fprintf(f,
		    "\nDeferred (%d: sold by a webhook moments ago; NMKR's "
		    "list may predate the sale, the next sync decides)\n",
		    n);
		t = cs_table_new(4, def_h);
		i = 0;
		cJSON_ArrayForEach(item, list) {
			char age[32];
			const char *cells[4] = {
			    jstr(ours, item, CS_RK_NFT_NAME),
			    jstr(ours, item, CS_RK_NFT_UID),
			    jstr(ours, item, CS_RK_NMKR_STATUS), age};

			snprintf(age, sizeof(age), "%llds",
			    jnum(ours, item, CS_RK_AGE_MS) / 1000);
			if (i++ < SHOW_ROWS)
				cs_table_row(t, cells);
		}
		cs_table_print(t, f);
		cs_table_free(t);
		more(f, n, total_of(ours, r, CS_RK_DEFERRED_COUNT, n));
	}

	list = jarr(ours, r, CS_RK_WARNINGS);
	if (cJSON_GetArraySize(list) > 0) {
		fprintf(f, "\nWarnings\n");
		cJSON_ArrayForEach(item, list)
			fprintf(f, "- %s\n", item->valuestring);
	}
	list = jarr(ours, r, CS_RK_ERRORS);
	if (cJSON_GetArraySize(list) > 0) {
		fprintf(f, "\nErrors\n");
		cJSON_ArrayForEach(item, list)
			fprintf(f, "- %s\n", item->valuestring);
	}

	list = jarr(ours, r, CS_RK_RECENT_WEBHOOKS);
	n = cJSON_GetArraySize(list);
	fprintf(f, "\nWebhook activity (%d recent)\n", n);
	if (n > 0) {
		t = cs_table_new(3, hook_h);
		cJSON_ArrayForEach(item, list) {
			cs_time_ago(jnum(ours, item, CS_RK_TIMESTAMP),
			    cs_now_ms(), when);
			cs_table_rowf(t, "%s\t%s\t%lld", when,
			    jstr(ours, item, CS_RK_STATUS),
			    jnum(ours, item, CS_RK_RECORDS_SYNCED));
		}
		cs_table_print(t, f);
		cs_table_free(t);
	}

	list = jarr(ours, r, CS_RK_BLOCKCHAIN_RESULTS);
	if (!chain_configured)
		fprintf(f, "\nChain verification: not configured "
		           "(BLOCKFROST_PROJECT_ID is not set)\n");
	else
		fprintf(f,
		    "\nChain verification: %lld verified, %lld pending, %lld "
		    "errors\n",
		    jnum(ours, r, CS_RK_VERIFIED_COUNT),
		    jnum(ours, r, CS_RK_PENDING_COUNT),
		    jnum(ours, r, CS_RK_ERROR_COUNT));
	if (cJSON_GetArraySize(list) > 0) {
		t = cs_table_new(3, chain_h);
		cJSON_ArrayForEach(item, list) {
			const char *cells[3] = {
			    jstr(ours, item, CS_RK_NFT_NAME),
			    jstr(ours, item, CS_RK_STATUS),
			    jstr(ours, item, CS_RK_MESSAGE)};

			cs_table_row(t, cells);
		}
		cs_table_print(t, f);
		cs_table_free(t);
	}

	fprintf(f, "\nPhases:");
	cJSON_ArrayForEach(item, jobj(ours, r, CS_RK_PHASES))
		fprintf(f, " %s %lld ms", item->string,
		    (long long)item->valuedouble);
	fputc('\n', f);
}

static int
exit_for(enum cs_sync_status s)
{
	switch (s) {
	case CS_SYNC_SUCCESS:
		return CS_EXIT_OK;
	case CS_SYNC_PARTIAL:
		return CS_EXIT_PARTIAL;
	case CS_SYNC_FAILED:
		return CS_EXIT_FAILED;
	}
	return CS_EXIT_SOFTWARE;
}

struct flags {
	bool all, json, dry_run, force, quiet, full;
	int verify_limit;
};

/* The thread that waits for the stop signals (blocked in every thread). */
struct stopper {
	pthread_t thread;
	sigset_t set;
	struct cs_store *store; /* borrowed: its URL, for a connection */
	atomic_bool stop;       /* the sync reads it (cs_sync_opts.stop) */
	atomic_bool quit;       /* the command is done */
	atomic_int signo;
	atomic_llong run_id; /* the claimed run, 0 outside a sync */
};

/* Too late for the sync to stop by itself: close its run here, exit. */
static void
stop_now(struct stopper *s)
{
	struct cs_error err = CS_ERROR_INIT;
	long long run = atomic_load(&s->run_id);

	if (run != 0 && cs_sync_run_interrupt(s->store, run, &err) == 0)
		fprintf(stderr,
		    "campaign-sync: stopped: sync run %lld closed as "
		    "interrupted\n",
		    run);
	else if (run != 0 && err.code != CS_ENOTFOUND)
		fprintf(stderr, "campaign-sync: stopped; sync run %lld: %s\n",
		    run, cs_error_msg(&err));
	_exit(CS_EXIT_TEMPFAIL);
}

static void *
watch(void *payload)
{
	struct stopper *s = payload;
	const struct timespec tick = {0, 50 * 1000 * 1000};
	int64_t deadline = 0;
	int sig;

	while (!atomic_load(&s->quit)) {
		sig = sigtimedwait(&s->set, NULL, &tick);
		if (sig > 0 && !atomic_load(&s->stop)) {
			atomic_store(&s->signo, sig);
			atomic_store(&s->stop, true);
			fprintf(stderr,
			    "campaign-sync: %s: stopping the sync at its next "
			    "step (again to stop at once)\n",
			    strsignal(sig));
			deadline = cs_mono_ms() + CS_SYNC_STOP_GRACE_MS;
			continue;
		}
		if (atomic_load(&s->quit))
			break;
		if (sig > 0 || (deadline != 0 && cs_mono_ms() >= deadline &&
		                   atomic_load(&s->run_id) != 0))
			stop_now(s);
	}
	return NULL;
}

/* Block the stop signals in this thread and every thread it starts, and
 * wait for them on a thread of their own. */
static void
stopper_start(struct stopper *s)
{
	memset(s, 0, sizeof(*s));
	atomic_init(&s->stop, false);
	atomic_init(&s->quit, false);
	atomic_init(&s->signo, 0);
	atomic_init(&s->run_id, 0);
	sigemptyset(&s->set);
	sigaddset(&s->set, SIGINT);
	sigaddset(&s->set, SIGTERM);
	sigaddset(&s->set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &s->set, NULL);
	if (pthread_create(&s->thread, NULL, watch, s) != 0) {
		/* No watcher: the signals kill as before (the run is taken
		 * over by the next sync on this host). */
		pthread_sigmask(SIG_UNBLOCK, &s->set, NULL);
		atomic_store(&s->quit, true);
	}
}

static void
stopper_end(struct stopper *s)
{
	if (atomic_exchange(&s->quit, true))
		return;
	pthread_join(s->thread, NULL);
}

static void
remember_run(int64_t run_id, void *payload)
{
	struct stopper *s = payload;

	atomic_store(&s->run_id, (long long)run_id);
}

static int
sync_one(struct cs_cli *cli, struct cs_sync_env *env, const struct flags *fl,
    struct stopper *st, const struct cs_campaign *c, cJSON *all_reports)
{
	struct cs_error err = CS_ERROR_INIT;
	struct cs_sync_result res;
	struct cs_sync_opts o;
	struct bar bar = {stderr, false};
	int code, error;

	if (atomic_load(&st->stop))
		return cs_cli_failf(cli, CS_EXIT_TEMPFAIL,
		    "%s: not synced: stopped by %s", c->name,
		    strsignal(atomic_load(&st->signo)));
	cs_sync_opts_init(&o);
	o.type = CS_SYNC_MANUAL;
	o.dry_run = fl->dry_run;
	o.force = fl->force;
	o.full = fl->full;
	o.verify_limit = fl->verify_limit;
	o.stop = &st->stop;
	o.on_claimed = remember_run;
	o.on_claimed_payload = st;
	if (!fl->quiet && isatty(fileno(stderr))) {
		o.progress = draw;
		o.payload = &bar;
	}
	error = cs_sync_campaign(env, c->id, &o, &res, &err);
	atomic_store(&st->run_id, 0);
	if (error < 0) {
		if (err.code == CS_ECONFLICT && res.running.phase != NULL)
			code = cs_cli_failf(cli, CS_EXIT_TEMPFAIL,
			    "%s: a sync is already running (%s, %lld/%lld, "
			    "started by %s)",
			    c->name, res.running.phase,
			    (long long)res.running.done,
			    (long long)res.running.total,
			    res.running.owner != NULL ? res.running.owner
			                              : "?");
		else
			code = cs_cli_fail(cli, &err);
		cs_sync_result_dispose(&res);
		return code;
	}
	if (all_reports != NULL) {
		cJSON_AddItemToArray(all_reports, res.report);
		res.report = NULL;
	} else if (fl->json) {
		cs_cli_print_json(cli, res.report);
	} else {
		print_report(
		    cli->out, c, &res, cli->cfg.blockfrost_project_id != NULL);
	}
	code = exit_for(res.status);
	if (res.interrupted || atomic_load(&st->stop))
		code =
		    cs_cli_failf(cli, CS_EXIT_TEMPFAIL, "%s: sync stopped%s%s",
		        c->name, atomic_load(&st->signo) != 0 ? " by " : "",
		        atomic_load(&st->signo) != 0
		            ? strsignal(atomic_load(&st->signo))
		            : "");
	cs_sync_result_dispose(&res);
	return code;
}

struct active {
	int64_t ids[4096];
	size_t n;
};

static int
active_cb(const struct cs_campaign *c, void *payload)
{
	struct active *a = payload;

	if (c->status == CS_CAMPAIGN_ACTIVE && a->n < 4096)
		a->ids[a->n++] = c->id;
	return 0;
}

/* The worse of two sync exit codes: failed > partial > success. */
static int
worse(int a, int b)
{
	static const int order[] = {
	    CS_EXIT_OK, CS_EXIT_PARTIAL, CS_EXIT_FAILED};
	int ra = 3, rb = 3, i;

	for (i = 0; i < 3; i++) {
		if (order[i] == a)
			ra = i;
		if (order[i] == b)
			rb = i;
	}
	return ra >= rb ? a : b;
}

int
cs_cmd_sync(struct cs_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"all", no_argument, NULL, OPT_ALL},
	    {"json", no_argument, NULL, OPT_JSON},
	    {"dry-run", no_argument, NULL, OPT_DRY_RUN},
	    {"force", no_argument, NULL, OPT_FORCE},
	    {"full", no_argument, NULL, OPT_FULL},
	    {"quiet-progress", no_argument, NULL, OPT_QUIET_PROGRESS},
	    {"verify-limit", required_argument, NULL, OPT_VERIFY_LIMIT},
	    {NULL, 0, NULL, 0},
	};
	struct cs_error err = CS_ERROR_INIT;
	char owner[64];
	struct cs_sync_env env;
	struct stopper st;
	struct cs_campaign c;
	struct active *act = NULL;
	struct flags fl;
	cJSON *reports = NULL;
	int64_t limit;
	size_t i;
	int code = 0, opt, one;

	memset(&env, 0, sizeof(env));
	memset(&fl, 0, sizeof(fl));
	fl.verify_limit = CS_VERIFY_PER_SYNC;
	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case OPT_ALL:
			fl.all = true;
			break;
		case OPT_JSON:
			fl.json = true;
			break;
		case OPT_DRY_RUN:
			fl.dry_run = true;
			break;
		case OPT_FORCE:
			fl.force = true;
			break;
		case OPT_FULL:
			fl.full = true;
			break;
		case OPT_QUIET_PROGRESS:
			fl.quiet = true;
			break;
		case OPT_VERIFY_LIMIT:
			if (cs_str_to_i64(
			        optarg, 0, CS_VERIFY_PER_SYNC_MAX, &limit) < 0)
				return cs_cli_failf(cli, CS_EXIT_USAGE,
				    "--verify-limit must be a number from 0 "
				    "to %d (campaign-sync verify --all checks "
				    "them all)",
				    CS_VERIFY_PER_SYNC_MAX);
			fl.verify_limit = (int)limit;
			break;
		default:
			return CS_EXIT_USAGE;
		}
	}
	if (fl.all == (optind < argc) || optind + 1 < argc)
		return cs_cli_failf(cli, CS_EXIT_USAGE,
		    "usage: campaign-sync sync CAMPAIGN|--all [--json] "
		    "[--dry-run] [--force] [--full] [--verify-limit N]");
	cs_sync_owner_name(owner, sizeof(owner), "cli");
	env.owner = owner;
	if (!fl.all) {
		code = cs_cli_campaign(cli, argv[optind], &env.store, &c);
		if (code != 0)
			return code;
	}
	env.store = cs_cli_store(cli, &code);
	if (env.store == NULL)
		return code;
	env.nmkr = cs_cli_nmkr(cli, &code);
	/* The chain step runs when Blockfrost is configured. */
	if (env.nmkr != NULL && cli->cfg.blockfrost_project_id != NULL &&
	    fl.verify_limit > 0) {
		env.verifier = cs_cli_verifier(cli, &code);
		if (env.verifier == NULL) {
			cs_nmkr_free(env.nmkr);
			env.nmkr = NULL;
		}
	}
	if (env.nmkr == NULL) {
		if (!fl.all)
			cs_campaign_dispose(&c);
		return code;
	}
	/* From here a signal stops the sync cleanly. */
	stopper_start(&st);
	st.store = env.store;
	if (!fl.all) {
		code = sync_one(cli, &env, &fl, &st, &c, NULL);
		cs_campaign_dispose(&c);
		goto out;
	}
	act = calloc(1, sizeof(*act));
	if (act == NULL ||
	    cs_store_campaign_list(env.store, active_cb, act, &err) < 0) {
		code = cs_cli_fail(cli, &err);
		goto out;
	}
	if (fl.json)
		reports = cJSON_CreateArray();
	for (i = 0; i < act->n && !atomic_load(&st.stop); i++) {
		if (cs_store_campaign_get(env.store, act->ids[i], &c, &err) <
		    0) {
			code = cs_cli_fail(cli, &err);
			continue;
		}
		if (!fl.json && i > 0)
			fputc('\n', cli->out);
		one = sync_one(cli, &env, &fl, &st, &c, reports);
		code = i == 0 ? one : worse(code, one);
		cs_campaign_dispose(&c);
	}
	if (reports != NULL)
		cs_cli_print_json(cli, reports);
	if (act->n == 0 && !fl.json)
		fprintf(cli->out, "no active campaigns to sync\n");
out:
	stopper_end(&st);
	cJSON_Delete(reports);
	free(act);
	cs_verifier_free(env.verifier);
	cs_nmkr_free(env.nmkr);
	return code;
}
