/* SPDX-License-Identifier: MIT */
/*
 * The sync's orchestration; see sync.h. The decisions are core's
 * (reconcile.c, policy.c); the writes are the store's one transaction
 * (cs_store_sync_apply); this file fetches, times the phases, records
 * progress and fills the SyncReport (report.h), which encode.c turns into
 * the seed's fields plus syncLogId, warnings, conflicts, errors and phases.
 */
#include "service/sync.h"

#include <errno.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/reconcile.h"
#include "core/smart.h"
#include "service/encode.h"
#include "service/metrics.h"
#include "service/report.h"
#include "service/sync_run.h"
#include "service/verify.h"
#include "util/limits.h"
#include "util/log.h"
#include "util/str.h"
#include "util/strmap.h"
#include "util/vec.h"
#include "util/time.h"
#include "util/xalloc.h"
#include "util/banned.h"

/* ---- Project details cache (5 minutes, process-wide) ----------------- */

struct cache_entry {
	char uid[CS_UID_LEN + 1];
	int64_t at;
	char name[CS_MAX_NAME + 1];
	int reservation_minutes;
	struct cs_nmkr_counts counts;
};

static struct cache_entry cache[CS_SYNC_PROJECT_CACHE_SLOTS];
static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;

void
cs_sync_cache_clear(void)
{
	pthread_mutex_lock(&cache_lock);
	memset(cache, 0, sizeof(cache));
	pthread_mutex_unlock(&cache_lock);
}

static bool
cache_get(const char *uid, int64_t now, struct cache_entry *out)
{
	bool hit = false;
	size_t i;

	pthread_mutex_lock(&cache_lock);
	for (i = 0; i < CS_SYNC_PROJECT_CACHE_SLOTS; i++) {
		if (strcmp(cache[i].uid, uid) == 0 &&
		    now - cache[i].at < CS_NMKR_DETAILS_CACHE_MS) {
			*out = cache[i];
			hit = true;
			break;
		}
	}
	pthread_mutex_unlock(&cache_lock);
	return hit;
}

int
cs_sync_project_minutes(const char *project_uid, int64_t now)
{
	struct cache_entry e;

	if (!cache_get(project_uid, now, &e))
		return 0;
	return e.reservation_minutes;
}

static void
cache_put(const struct cache_entry *e)
{
	size_t i, slot = 0;

	pthread_mutex_lock(&cache_lock);
	for (i = 0; i < CS_SYNC_PROJECT_CACHE_SLOTS; i++) {
		if (strcmp(cache[i].uid, e->uid) == 0) {
			slot = i;
			break;
		}
		if (cache[i].at < cache[slot].at)
			slot = i;
	}
	cache[slot] = *e;
	pthread_mutex_unlock(&cache_lock);
}

/* ---- The run ---------------------------------------------------------- */

struct run {
	struct cs_sync_env *env;
	const struct cs_sync_opts *opts;
	struct cs_campaign camp;
	int64_t run_id;
	int64_t t0_us;
	int64_t phase_us;
	int64_t last_progress_ms;
	struct cs_sync_progress progress;
	struct cs_sync_report rep;
	struct cs_remote_list remote;
	int64_t webhook_grace_ms; /* as the plan used it */
	struct cs_local_nft *local;
	size_t nlocal, caplocal;
	struct cs_arena local_arena;
	struct cs_strmap local_by_uid; /* uid to index in local, built by
	                                * the reader */
	struct cache_entry project;
	struct reader *reader;   /* while the inventory is read on a thread */
	struct cs_heartbeat *hb; /* while the run is claimed */
	bool interrupted;        /* opts->stop, or the run taken over */
	bool policy_full;        /* a full walk is due (full_is_due()) */
};

/* The inventory read that runs beside the fetch. Until done is set the
 * store belongs to it: progress() leaves sync_runs alone meanwhile. */
struct reader {
	pthread_t thread;
	struct run *r;
	int64_t campaign_id;
	int error;
	struct cs_error err;
	int64_t ms;
	atomic_bool done;
	bool started; /* on a thread of its own, not yet joined */
};

void
cs_sync_opts_init(struct cs_sync_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->type = CS_SYNC_MANUAL;
	o->debounce_ms = CS_SYNC_DEBOUNCE_MS;
	o->grace_ms = CS_RESERVATION_GRACE_MS;
	o->webhook_grace_ms = -1;
	o->verify_limit = CS_VERIFY_PER_SYNC;
}

void
cs_sync_result_dispose(struct cs_sync_result *r)
{
	if (r == NULL)
		return;
	cJSON_Delete(r->report);
	cs_sync_run_dispose(&r->running);
	memset(r, 0, sizeof(*r));
}

/* Report progress to the caller and, throttled, to sync_runs. */
static void
progress(struct run *r, const char *phase, bool force)
{
	struct cs_error err = CS_ERROR_INIT;
	int64_t now = cs_mono_ms();

	if (phase != NULL) {
		force = force || r->progress.phase == NULL ||
		        strcmp(r->progress.phase, phase) != 0;
		r->progress.phase = phase;
	}
	if (r->opts->progress != NULL)
		r->opts->progress(&r->progress, r->opts->payload);
	if (r->run_id == 0 ||
	    (!force && now - r->last_progress_ms < CS_SYNC_PROGRESS_EVERY_MS))
		return;
	if (r->reader != NULL && !atomic_load(&r->reader->done))
		return; /* the store is busy on the reader's thread */
	r->last_progress_ms = now;
	if (cs_store_sync_run_progress(r->env->store, r->run_id,
	        r->progress.phase, r->progress.pages_done,
	        r->progress.pages_total, cs_now_ms(), &err) < 0)
		cs_log_warn("sync", "progress of run %lld: %s",
		    (long long)r->run_id, cs_error_msg(&err));
}

static void
on_pages(int64_t done, int64_t total, int64_t nfts, void *payload)
{
	struct run *r = payload;

	r->progress.pages_done = done;
	r->progress.pages_total = total;
	r->progress.nfts = nfts;
	progress(r, NULL, done == total);
}

/* Close the phase that is running: record its time under name. */
static void
phase_done(struct run *r, const char *name)
{
	int64_t now = cs_mono_us();

	cs_report_phase(&r->rep, name, (now - r->phase_us) / 1000);
	r->phase_us = now;
}

/* The project's details and counts, from the cache or NMKR; *fresh says
 * the counts were asked now (the walk may check its pages against them). */
static int
fetch_project(struct run *r, int64_t now, bool *fresh, struct cs_error *err)
{
	struct cs_nmkr_project p;
	struct cache_entry e;
	int error;

	*fresh = false;
	if (cache_get(r->camp.nmkr_project_uid, now, &r->project))
		return 0;
	memset(&e, 0, sizeof(e));
	cs_str_copy(e.uid, r->camp.nmkr_project_uid, sizeof(e.uid));
	error = cs_nmkr_get_project_and_counts(
	    r->env->nmkr, r->camp.nmkr_project_uid, &p, &e.counts, err);
	if (error == CS_ENOTFOUND)
		return cs_error_wrap(err, CS_ENOTFOUND,
		    "NMKR does not know project %s", r->camp.nmkr_project_uid);
	if (error < 0)
		return error;
	cs_str_copy(e.name, p.name != NULL ? p.name : "", sizeof(e.name));
	e.reservation_minutes = p.reservation_minutes;
	cs_nmkr_project_dispose(&p);
	e.at = now;
	cache_put(&e);
	r->project = e;
	*fresh = true;
	return 0;
}

static int
local_cb(const struct cs_local_nft *n, void *payload)
{
	struct run *r = payload;
	struct cs_local_nft *l;

	if (r->nlocal == r->caplocal) {
		r->caplocal = r->caplocal != 0 ? r->caplocal * 2 : 1024;
		r->local =
		    cs_xreallocarray(r->local, r->caplocal, sizeof(*r->local));
	}
	l = &r->local[r->nlocal++];
	*l = *n;
	l->uid = cs_arena_strdup(&r->local_arena, n->uid);
	l->name = cs_arena_strdup(&r->local_arena, n->name);
	return 0;
}

static void *
read_inventory(void *payload)
{
	struct reader *rd = payload;
	struct run *r = rd->r;
	int64_t t0 = cs_mono_ms();
	size_t i;

	/* Sized once from the campaign's counter: growing 100,000 entries by
	 * doubling cost more in fresh pages than the query. */
	if (r->camp.counts.total > 0 && r->caplocal == 0) {
		r->caplocal = (size_t)r->camp.counts.total + 64;
		r->local =
		    cs_xreallocarray(NULL, r->caplocal, sizeof(*r->local));
	}
	rd->error = cs_store_nft_local_list(
	    r->env->store, rd->campaign_id, local_cb, r, &rd->err);
	/* The index the smart mode and the plan look NFTs up in, built here
	 * while the pages still arrive. */
	if (rd->error == 0)
		cs_strmap_reserve(&r->local_by_uid, r->nlocal);
	for (i = 0; rd->error == 0 && i < r->nlocal; i++)
		cs_strmap_put(&r->local_by_uid, r->local[i].uid, i);
	rd->ms = cs_mono_ms() - t0;
	atomic_store(&rd->done, true);
	return NULL;
}

static void warnf(struct run *r, const char *fmt, ...) CS_PRINTF(2, 3);

static void
warnf(struct run *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cs_report_vwarn(&r->rep, fmt, ap);
	va_end(ap);
}

/* What the sync spent at NMKR (its client was reset when it began);
 * fetched: the fetch succeeded. */
static void
report_nmkr_usage(struct run *r, bool fetched)
{
	struct cs_nmkr_usage u;

	cs_nmkr_usage(r->env->nmkr, &u);
	r->rep.usage = u;
	r->rep.usage.walk_note = NULL; /* borrowed: not kept */
	r->rep.usage_known = true;
	if (fetched && u.walks > 1 && u.walk_note[0] != '\0')
		warnf(r, "%s: read %d times to have every NFT", u.walk_note,
		    u.walks);
	if (u.circuit_open)
		warnf(r,
		    "NMKR failed %d times in a row: the sync stopped asking "
		    "(%lld request%s sent, %lld not sent)",
		    CS_NMKR_BREAKER_FAILURES, (long long)u.sent,
		    u.sent == 1 ? "" : "s", (long long)u.refused);
	cs_metrics_sync_nmkr(
	    u.sent, u.refused, u.circuit_open, u.walks > 1 ? u.walks - 1 : 0);
}

/*
 * An NFT the policy would not judge yet (a sale a webhook just recorded,
 * against an NMKR list that may predate it): no change, no review item,
 * but said in the report with its age so an operator sees why.
 */
static void
deferred_entry(struct run *r, const struct cs_discrepancy *x, int64_t now)
{
	struct cs_report_deferred *d = cs_vec_push(&r->rep.deferred);
	const struct cs_local_nft *l = &r->local[x->local];

	d->uid = cs_report_str(&r->rep, x->uid);
	d->name = cs_report_str(&r->rep, x->name);
	d->db_status = (enum cs_nft_status)x->db_status;
	d->nmkr_status = cs_report_str(&r->rep, x->nmkr_state);
	d->last_modified_by = l->last_modified_by;
	d->age_ms = now - l->last_modified_at;
	d->reason = x->reason;
}

/*
 * The NFTs kept or sent to review, one warning per reason: each NFT by
 * name when a reason has a few, else how many and the first few, so that a
 * sync with 150,000 conflicts says so in one line (the review queue holds
 * every one of them).
 */
#define WARN_EACH 3

struct reason_group {
	const char *reason; /* static: compared by address */
	size_t n;
	const struct cs_discrepancy *first[WARN_EACH];
};

static void
group_reason(struct cs_vec *groups, const struct cs_discrepancy *x)
{
	struct reason_group *g = NULL;
	size_t i;

	for (i = 0; i < groups->len && g == NULL; i++) {
		struct reason_group *c =
		    CS_VEC_AT(groups, struct reason_group, i);

		if (c->reason == x->reason)
			g = c;
	}
	if (g == NULL) {
		g = cs_vec_push(groups);
		g->reason = x->reason;
	}
	if (g->n < WARN_EACH)
		g->first[g->n] = x;
	g->n++;
}

static void
warn_groups(struct run *r, const struct cs_vec *groups)
{
	size_t i, k;

	for (i = 0; i < groups->len; i++) {
		const struct reason_group *g =
		    CS_VEC_AT(groups, struct reason_group, i);
		char first[512];
		size_t used = 0;

		if (g->n <= WARN_EACH) {
			for (k = 0; k < g->n; k++)
				warnf(r, "%s (%s): %s", g->first[k]->name,
				    g->first[k]->uid, g->reason);
			continue;
		}
		first[0] = '\0';
		for (k = 0; k < WARN_EACH && used < sizeof(first); k++)
			used +=
			    (size_t)snprintf(first + used, sizeof(first) - used,
			        "%s%s (%s)", k > 0 ? ", " : "",
			        g->first[k]->name, g->first[k]->uid);
		warnf(
		    r, "%zu NFTs: %s (first: %s, ...)", g->n, g->reason, first);
	}
}

static void
report_discrepancies(struct run *r, const struct cs_plan *plan, int64_t now)
{
	struct cs_vec groups = CS_VEC_INIT(struct reason_group);
	size_t i, not_in_nmkr = 0, not_in_db = 0, flagged = 0;

	cs_vec_reserve(&r->rep.discrepancies, plan->discrepancies.len);
	for (i = 0; i < plan->discrepancies.len; i++) {
		const struct cs_discrepancy *x =
		    CS_VEC_AT(&plan->discrepancies, struct cs_discrepancy, i);
		struct cs_report_discrepancy *d =
		    cs_vec_push(&r->rep.discrepancies);

		d->uid = cs_report_str(&r->rep, x->uid);
		d->name = cs_report_str(&r->rep, x->name);
		d->issue = x->issue;
		d->db_status = x->db_status;
		d->nmkr_status = cs_report_str(&r->rep, x->nmkr_state);
		switch (x->decision) {
		case CS_DECIDE_KEEP:
		case CS_DECIDE_REVIEW:
			group_reason(&groups, x);
			break;
		case CS_DECIDE_DEFER:
			deferred_entry(r, x, now);
			break;
		default:
			break;
		}
		if (x->issue == CS_ISSUE_NOT_IN_NMKR)
			not_in_nmkr++;
		else if (x->issue == CS_ISSUE_NOT_IN_DATABASE)
			not_in_db++;
		else if (x->issue == CS_ISSUE_UNSUPPORTED_STATE)
			flagged++;
	}
	warn_groups(r, &groups);
	cs_vec_dispose(&groups);
	if (not_in_nmkr > 0)
		warnf(r,
		    "%zu NFT%s of the inventory %s not found in NMKR: "
		    "kept as %s; check the campaign's NMKR project",
		    not_in_nmkr, not_in_nmkr == 1 ? "" : "s",
		    not_in_nmkr == 1 ? "is" : "are",
		    not_in_nmkr == 1 ? "it is" : "they are");
	if (not_in_db > 0)
		warnf(r,
		    "%zu NFT%s in NMKR %s not in the inventory: add them "
		    "with 'campaign-sync inventory import %lld --from-nmkr'",
		    not_in_db, not_in_db == 1 ? "" : "s",
		    not_in_db == 1 ? "is" : "are", (long long)r->camp.id);
	if (plan->defers > 0) {
		r->rep.deferred_count = plan->defers;
		warnf(r,
		    "%zu NFT%s sold by a webhook within the last %llds: "
		    "deferred to the next sync, since NMKR's list may be an "
		    "answer it cached before the sale (see 'deferred')",
		    plan->defers, plan->defers == 1 ? "" : "s",
		    (long long)(r->webhook_grace_ms / 1000));
	}
	if (flagged > 0)
		warnf(r,
		    "%zu NFT%s %s an NMKR state with no local meaning "
		    "(error, blocked, burned): flagged, not applied",
		    flagged, flagged == 1 ? "" : "s",
		    flagged == 1 ? "has" : "have");
}

static void
update_entry(
    struct run *r, const struct cs_discrepancy *x, bool ok, const char *error)
{
	struct cs_report_update *u = cs_vec_push(&r->rep.updates);

	u->name = cs_report_str(&r->rep, x->name);
	u->ok = ok;
	u->from = (enum cs_nft_status)x->db_status;
	u->to = x->new_status;
	u->error = error;
}

static void
conflict_entry(
    struct run *r, const struct cs_discrepancy *x, const char *reason)
{
	struct cs_report_conflict *c = cs_vec_push(&r->rep.conflicts);

	c->uid = cs_report_str(&r->rep, x->uid);
	c->name = cs_report_str(&r->rep, x->name);
	c->wanted = x->new_status;
	c->reason = reason;
}

struct by_id {
	struct cs_nft_change ch;
	const struct cs_discrepancy *x;
};

static int
cmp_by_id(const void *a, const void *b)
{
	const struct by_id *p = a, *q = b;

	return (p->ch.nft_id > q->ch.nft_id) - (p->ch.nft_id < q->ch.nft_id);
}

/*
 * Apply in NFT id order: every writer that locks several NFTs (a sync, a
 * webhook batch) then takes their row locks in the same order, so two of
 * them never wait on each other in a circle.
 */
static void
sort_by_nft(struct cs_nft_change *changes, const struct cs_discrepancy **which,
    size_t n)
{
	struct by_id *v = cs_xcalloc(n + 1, sizeof(*v));
	size_t i;

	for (i = 0; i < n; i++) {
		v[i].ch = changes[i];
		v[i].x = which[i];
	}
	qsort(v, n, sizeof(*v), cmp_by_id);
	for (i = 0; i < n; i++) {
		changes[i] = v[i].ch;
		which[i] = v[i].x;
	}
	free(v);
}

/* Build the changes, apply them in one transaction, report the results. */
/*
 * NMKR's initialMintTxHash of the sold NFTs, stored where none is yet
 * (migration 008): the chain check compares Blockfrost's mint with it.
 * A failure is a warning; the sync's own writes are done.
 */
static void
learn_mints(struct run *r)
{
	struct cs_error err = CS_ERROR_INIT;
	struct cs_strmap at_of;
	int64_t *ids;
	const char **txs;
	size_t i, at, n = 0;

	cs_strmap_init(&at_of);
	for (i = 0; i < r->nlocal; i++)
		cs_strmap_put(&at_of, r->local[i].uid, i);
	ids = cs_xcalloc(r->remote.items.len + 1, sizeof(*ids));
	txs = cs_xcalloc(r->remote.items.len + 1, sizeof(*txs));
	for (i = 0; i < r->remote.items.len; i++) {
		const struct cs_remote_nft *x =
		    CS_VEC_AT(&r->remote.items, struct cs_remote_nft, i);

		if (x->mint_tx == NULL || x->state != CS_REMOTE_SOLD ||
		    !cs_strmap_get(&at_of, x->uid, &at))
			continue;
		ids[n] = r->local[at].id;
		txs[n++] = x->mint_tx;
	}
	/* One transaction: a row per sold NFT, a no-op once stored. */
	if (cs_store_nft_mint_fill_many(r->env->store, ids, txs, n, &err) < 0)
		warnf(r, "NMKR's mint transactions could not be stored: %s",
		    cs_error_msg(&err));
	cs_log_debug("sync", "campaign %lld: %zu mint transactions seen",
	    (long long)r->camp.id, n);
	free(ids);
	free(txs);
	cs_strmap_dispose(&at_of);
}

static int
apply(struct run *r, const struct cs_plan *plan, int64_t now,
    int64_t started_at, int64_t *log_id, size_t *updated, size_t *failed,
    struct cs_error *err)
{
	struct cs_nft_change *changes = NULL;
	enum cs_apply_result *results = NULL;
	struct cs_review_new *reviews = NULL;
	struct cs_asset_update *assets = NULL;
	const struct cs_discrepancy **which = NULL;
	struct cs_sync_apply ap;
	enum cs_source source = r->opts->type == CS_SYNC_MANUAL
	                            ? CS_SOURCE_MANUAL_SYNC
	                            : CS_SOURCE_AUTO_SYNC;
	size_t i, nch = 0, nrv = 0;
	int error;

	changes = cs_xcalloc(plan->applies + 1, sizeof(*changes));
	results = cs_xcalloc(plan->applies + 1, sizeof(*results));
	which = cs_xcalloc(plan->applies + 1, sizeof(*which));
	reviews = cs_xcalloc(plan->reviews + 1, sizeof(*reviews));
	assets = cs_xcalloc(plan->asset_fixes.len + 1, sizeof(*assets));
	for (i = 0; i < plan->discrepancies.len; i++) {
		const struct cs_discrepancy *x =
		    CS_VEC_AT(&plan->discrepancies, struct cs_discrepancy, i);
		const struct cs_local_nft *l;

		if (x->local == SIZE_MAX)
			continue;
		l = &r->local[x->local];
		if (x->decision == CS_DECIDE_APPLY) {
			struct cs_nft_change *ch = &changes[nch];
			const struct cs_remote_nft *rm = CS_VEC_AT(
			    &r->remote.items, struct cs_remote_nft, x->remote);

			*ch = (struct cs_nft_change)CS_NFT_CHANGE_INIT;
			ch->nft_id = l->id;
			ch->campaign_id = r->camp.id;
			ch->expected_version = l->version;
			ch->new_status = x->new_status;
			ch->source = source;
			ch->reserved_until = x->reserved_until;
			ch->sold_at = rm->sold_at;
			ch->sold_at_raw = rm->sold_at_raw;
			ch->detail = x->reason;
			which[nch++] = x;
		} else if (x->decision == CS_DECIDE_REVIEW) {
			reviews[nrv].nft_id = l->id;
			reviews[nrv].kind = "sold_downgrade";
			reviews[nrv].local_status = l->status;
			reviews[nrv].remote_state = x->nmkr_state;
			reviews[nrv].detail = x->reason;
			nrv++;
		}
	}
	sort_by_nft(changes, which, nch);
	for (i = 0; i < plan->asset_fixes.len; i++) {
		const struct cs_asset_fix *f =
		    CS_VEC_AT(&plan->asset_fixes, struct cs_asset_fix, i);

		assets[i].nft_id = r->local[f->local].id;
		assets[i].asset_id =
		    CS_VEC_AT(&r->remote.items, struct cs_remote_nft, f->remote)
		        ->asset_id;
	}

	memset(&ap, 0, sizeof(ap));
	ap.log.sync_type = r->opts->type;
	ap.log.nmkr_project_uid = r->camp.nmkr_project_uid;
	ap.log.campaign_id = r->camp.id;
	ap.log.status = CS_SYNC_SUCCESS;
	ap.log.started_at = started_at;
	ap.log.completed_at = now;
	ap.changes = changes;
	ap.nchanges = nch;
	ap.results = results;
	ap.reviews = reviews;
	ap.nreviews = nrv;
	ap.assets = assets;
	ap.nassets = plan->asset_fixes.len;
	ap.campaign_id = r->camp.id;
	error = cs_store_sync_apply(r->env->store, &ap, now, err);
	if (error < 0)
		goto out;
	*log_id = ap.log.id;
	learn_mints(r);
	for (i = 0; i < nch; i++) {
		const struct cs_discrepancy *x = which[i];

		switch (results[i]) {
		case CS_APPLY_OK:
		case CS_APPLY_NOOP:
			update_entry(r, x, true, NULL);
			(*updated)++;
			break;
		case CS_APPLY_CONFLICT:
			conflict_entry(r, x,
			    "changed while the sync ran (by a "
			    "webhook, a reservation or an "
			    "operator): left as it is");
			break;
		case CS_APPLY_NOTFOUND:
			conflict_entry(r, x, "deleted while the sync ran");
			break;
		case CS_APPLY_FAILED:
			update_entry(
			    r, x, false, "the database refused the change");
			(*failed)++;
			break;
		}
	}
	if (ap.reviews_added > 0)
		warnf(r, "%zu new item%s in the review queue", ap.reviews_added,
		    ap.reviews_added == 1 ? "" : "s");
out:
	free(changes);
	free(results);
	free(which);
	free(reviews);
	free(assets);
	return error;
}

static int webhook_cb(const struct cs_sync_log *l, void *payload);
static int last_report_cb(const struct cs_sync_log *l, void *payload);

static void
attach_webhooks(struct run *r)
{
	struct cs_sync_log_query q = CS_SYNC_LOG_QUERY_INIT;
	struct cs_error err = CS_ERROR_INIT;

	q.project_uid = r->camp.nmkr_project_uid;
	q.type = CS_SYNC_WEBHOOK;
	q.limit = CS_RECENT_WEBHOOKS;
	if (cs_store_sync_log_list(r->env->store, &q, webhook_cb, r, &err) < 0)
		warnf(r, "recent webhook activity could not be read: %s",
		    cs_error_msg(&err));
}

static int
webhook_cb(const struct cs_sync_log *l, void *payload)
{
	struct run *r = payload;
	struct cs_report_webhook *w = cs_vec_push(&r->rep.webhooks);

	w->timestamp = l->started_at;
	w->status = l->status;
	w->records = l->records_synced;
	w->errors = cs_report_str(&r->rep, l->errors);
	return 0;
}

/* Write the failed log row of a sync that could not fetch. */
static void
record_failure(struct run *r, int64_t started_at, const struct cs_error *why,
    int64_t *log_id)
{
	struct cs_error err = CS_ERROR_INIT;
	struct cs_sync_log l;
	cJSON *errs = cJSON_CreateArray();
	char *text;

	cJSON_AddItemToArray(errs, cJSON_CreateString(cs_error_msg(why)));
	text = cs_json_print(errs, false);
	memset(&l, 0, sizeof(l));
	l.sync_type = r->opts->type;
	l.nmkr_project_uid = r->camp.nmkr_project_uid;
	l.campaign_id = r->camp.id;
	l.status = CS_SYNC_FAILED;
	l.errors = text;
	l.started_at = started_at;
	l.completed_at = cs_now_ms();
	if (cs_store_sync_log_insert(r->env->store, &l, &err) < 0)
		cs_log_error("sync",
		    "campaign %lld: cannot record the failed "
		    "sync: %s",
		    (long long)r->camp.id, cs_error_msg(&err));
	*log_id = l.id;
	cJSON_free(text);
	cJSON_Delete(errs);
}

/* Whether the sync must stop before its apply: opts->stop was set (a
 * signal), or the heartbeat found the run closed by another process. It
 * then writes its failed log row, and the run is closed as interrupted. */
static bool
interrupted(struct run *r, int64_t started_at, int64_t *log_id)
{
	struct cs_error why = CS_ERROR_INIT;

	if (r->opts->stop != NULL && atomic_load(r->opts->stop))
		cs_error_set(&why, CS_ERROR,
		    "interrupted (the process was asked to stop) before "
		    "anything was applied: nothing written");
	else if (cs_sync__heartbeat_lost(r->hb))
		cs_error_set(&why, CS_ERROR,
		    "sync run %lld was closed by another process before "
		    "anything was applied: nothing written",
		    (long long)r->run_id);
	else
		return false;
	r->interrupted = true;
	cs_log_warn("sync", "campaign %lld: %s", (long long)r->camp.id,
	    cs_error_msg(&why));
	cs_report_error(&r->rep, cs_error_msg(&why));
	if (!r->opts->dry_run)
		record_failure(r, started_at, &why, log_id);
	return true;
}

/* The last finished, not failed, sync of the campaign within the window. */
static int
debounced(struct run *r, int64_t now, struct cs_sync_result *out)
{
	struct cs_sync_log_query q = CS_SYNC_LOG_QUERY_INIT;
	struct cs_error err = CS_ERROR_INIT;
	struct cs_sync_log last;
	int found = 0;

	memset(&last, 0, sizeof(last));
	q.campaign_id = r->camp.id;
	q.limit = 5;
	q.with_data = true;
	if (cs_store_sync_log_list(
	        r->env->store, &q, last_report_cb, &last, &err) < 0)
		return 0;
	if (last.id != 0 && now - last.completed_at < r->opts->debounce_ms &&
	    last.synced_data != NULL) {
		out->report = cJSON_Parse(last.synced_data);
		if (out->report != NULL) {
			out->debounced = true;
			out->status = last.status;
			out->sync_log_id = last.id;
			found = 1;
		}
	}
	cs_sync_log_dispose(&last);
	return found;
}

static int
last_report_cb(const struct cs_sync_log *l, void *payload)
{
	struct cs_sync_log *last = payload;

	if (l->sync_type == CS_SYNC_WEBHOOK || l->status == CS_SYNC_FAILED)
		return 0;
	last->id = l->id;
	last->status = l->status;
	last->completed_at = l->completed_at;
	last->synced_data =
	    l->synced_data != NULL ? cs_xstrdup(l->synced_data) : NULL;
	return 1; /* the newest one is enough */
}

static void
release_lists(struct run *r)
{
	cs_remote_list_dispose(&r->remote);
	cs_remote_list_init(&r->remote);
	free(r->local);
	r->local = NULL;
	r->nlocal = r->caplocal = 0;
	cs_strmap_dispose(&r->local_by_uid);
	cs_strmap_init(&r->local_by_uid);
	cs_arena_dispose(&r->local_arena);
}

/*
 * glibc keeps what a thread frees in that thread's arena, and serve's
 * handler threads and each sync's own threads share up to 8 arenas a core;
 * with the trim threshold serve sets (http/server.c), an arena gives back
 * nothing under 64 MiB at its top, and nothing in its middle ever. So each
 * big sync left its peak in the arena it ran on, and the next one, landing
 * on another arena, added its own: 223 MiB after 12 syncs of 60,000 NFTs
 * (docs/internals/soak.md). malloc_trim(0) walks every arena and gives
 * their free pages back; it takes a few milliseconds, once a big sync.
 */
static void
trim(size_t held)
{
#ifdef __GLIBC__
	if (held >= CS_SYNC_TRIM_AFTER_NFTS)
		(void)malloc_trim(0);
#else
	(void)held;
#endif
}

static void
run_dispose(struct run *r)
{
	cs_campaign_dispose(&r->camp);
	release_lists(r);
	cs_sync_report_dispose(&r->rep);
}

/* ---- When a full walk is due ------------------------------------------ */

static atomic_int full_every, full_hours;

void
cs_sync_set_full_policy(int every, int hours)
{
	atomic_store(&full_every, every > 0 ? every : 0);
	atomic_store(&full_hours, hours > 0 ? hours : 0);
}

struct full_scan {
	int since;       /* syncs with a mode since the last full walk */
	int64_t last_at; /* that walk's end, 0: none seen */
	bool found;
};

static int
full_scan_cb(const struct cs_sync_log *l, void *payload)
{
	struct full_scan *fs = payload;
	const cJSON *mode;
	cJSON *doc;

	if (fs->found || l->synced_data == NULL ||
	    (l->status != CS_SYNC_SUCCESS && l->status != CS_SYNC_PARTIAL))
		return 0;
	doc = cJSON_Parse(l->synced_data);
	mode = cJSON_GetObjectItemCaseSensitive(doc, "mode");
	if (cJSON_IsString(mode)) {
		if (strcmp(mode->valuestring, "full") == 0) {
			fs->found = true;
			fs->last_at = l->completed_at;
		} else {
			fs->since++;
		}
	}
	cJSON_Delete(doc);
	return 0;
}

/* Whether the policy asks for a full walk now: the campaign's newest
 * sync_log rows (newest first) back to its last full walk. A campaign
 * with none among them is due. */
static bool
full_is_due(struct run *r, int64_t now)
{
	struct cs_sync_log_query q = CS_SYNC_LOG_QUERY_INIT;
	struct cs_error err = CS_ERROR_INIT;
	struct full_scan fs;
	int every = atomic_load(&full_every), hours = atomic_load(&full_hours);

	if (every == 0 && hours == 0)
		return false;
	memset(&fs, 0, sizeof(fs));
	q.campaign_id = r->camp.id;
	q.with_data = true;
	q.limit = every > 200 ? every : 200;
	if (cs_store_sync_log_list(r->env->store, &q, full_scan_cb, &fs, &err) <
	    0) {
		cs_log_warn("sync", "campaign %lld: the last full walk: %s",
		    (long long)r->camp.id, cs_error_msg(&err));
		return false;
	}
	if (!fs.found)
		return true;
	if (every > 0 && fs.since + 1 >= every)
		return true;
	return hours > 0 && now - fs.last_at >= (int64_t)hours * 3600000;
}

/* Wait for the inventory read (once). */
static void
join_reader(struct run *r)
{
	if (r->reader != NULL && r->reader->started) {
		pthread_join(r->reader->thread, NULL);
		r->reader->started = false;
	}
}

static void
smart_counts(struct cs_smart_counts *out, const struct cs_nmkr_counts *c)
{
	memset(out, 0, sizeof(*out));
	out->total = c->nft_total;
	out->state[CS_SMART_FREE] = c->free;
	out->state[CS_SMART_RESERVED] = c->reserved;
	out->state[CS_SMART_SOLD] = c->sold;
	out->state[CS_SMART_ERROR] = c->error;
	out->blocked = c->blocked;
	out->total_tokens = c->total_tokens;
	out->total_blocked = c->total_blocked;
	out->unknown_or_burned = c->unknown_or_burned;
}

static enum cs_remote_state
remote_state_of(enum cs_smart_state s)
{
	return s == CS_SMART_RESERVED ? CS_REMOTE_RESERVED : CS_REMOTE_FREE;
}

/*
 * The smart mode (docs/internals/sync.md, "The smart mode"): every state's
 * list but plan->infer's, GetCounts again, then the inventory; when
 * cs_smart_check() finds the inference exact, each local NFT no list
 * holds is added to r->remote in the inferred state. Returns 0 and sets
 * *reason; CS_SMART_OK means r->remote is whole, anything else that the
 * caller walks `all` instead (r->remote is then empty).
 */
static int
fetch_smart(struct run *r, const struct cs_smart_plan *plan,
    const struct cs_smart_counts *before, enum cs_smart_reason *reason,
    struct cs_error *err)
{
	struct cs_nmkr_state_list lists[CS_SMART_NSTATES];
	enum cs_smart_state which[CS_SMART_NSTATES];
	struct cs_nmkr_counts again;
	struct cs_smart_counts after;
	struct cs_smart_seen seen;
	struct cs_strmap listed_uids;
	size_t i, at, n = 0;
	int s, error;

	memset(&seen, 0, sizeof(seen));
	memset(lists, 0, sizeof(lists));
	for (s = 0; s < CS_SMART_NSTATES; s++) {
		if (!plan->list[s])
			continue;
		which[n] = (enum cs_smart_state)s;
		lists[n].state = cs_smart_state_name((enum cs_smart_state)s);
		lists[n].expected = before->state[s];
		n++;
	}
	error = cs_nmkr_list_states(
	    r->env->nmkr, r->camp.nmkr_project_uid, lists, n, &r->remote, err);
	if (error < 0)
		return error;
	for (i = 0; i < n; i++) {
		seen.listed[which[i]] = lists[i].listed;
		seen.ordered[which[i]] = lists[i].ordered;
	}
	error = cs_nmkr_get_counts(
	    r->env->nmkr, r->camp.nmkr_project_uid, &again, err);
	if (error < 0)
		return error;
	smart_counts(&after, &again);
	join_reader(r);
	if (r->reader != NULL && r->reader->error < 0) {
		*reason = CS_SMART_OK; /* the caller reports the read's error */
		return 0;
	}
	cs_strmap_init(&listed_uids);
	for (i = 0; i < r->remote.items.len; i++) {
		const struct cs_remote_nft *x =
		    CS_VEC_AT(&r->remote.items, struct cs_remote_nft, i);

		cs_strmap_put(&listed_uids, x->uid, i);
		if (!cs_strmap_get(&r->local_by_uid, x->uid, &at))
			seen.unknown_uids++;
	}
	seen.local = (int64_t)r->nlocal;
	for (i = 0; i < r->nlocal; i++) {
		if (!cs_strmap_get(&listed_uids, r->local[i].uid, &at) &&
		    !r->local[i].has_asset_id)
			seen.inferred_without_asset++;
	}
	*reason = cs_smart_check(plan, before, &after, &seen);
	if (*reason == CS_SMART_OK) {
		for (i = 0; i < r->nlocal; i++) {
			struct cs_remote_nft *x;

			if (cs_strmap_get(&listed_uids, r->local[i].uid, &at))
				continue;
			/* The strings are the inventory's: its arena lives
			 * as long as the list (release_lists()). */
			x = cs_remote_list_add(&r->remote);
			x->uid = r->local[i].uid;
			x->name = r->local[i].name;
			x->state = remote_state_of(plan->infer);
		}
	} else {
		cs_remote_list_dispose(&r->remote);
		cs_remote_list_init(&r->remote);
	}
	cs_strmap_dispose(&listed_uids);
	return 0;
}

/*
 * NMKR's NFTs into r->remote: the smart mode when the counts allow it
 * (fresh ones: asked now, or asked again here), else the walk of `all`;
 * the report says which and why.
 */
static int
fetch_nfts(struct run *r, bool fresh, struct cs_error *err)
{
	struct cs_smart_counts before;
	struct cs_smart_plan plan;
	enum cs_smart_reason reason;
	int error;

	r->rep.mode_known = true;
	if (r->opts->full || r->opts->full_due || r->policy_full) {
		reason =
		    r->opts->full ? CS_SMART_ASKED_FULL : CS_SMART_POLICY_FULL;
		goto walk;
	}
	if (!fresh) {
		error = cs_nmkr_get_counts(r->env->nmkr,
		    r->camp.nmkr_project_uid, &r->project.counts, err);
		if (error < 0)
			return error;
		fresh = true;
	}
	smart_counts(&before, &r->project.counts);
	cs_smart_plan_build(
	    &plan, &before, CS_NMKR_PAGE_SIZE, r->opts->smart_any_size);
	reason = plan.reason;
	if (plan.smart) {
		error = fetch_smart(r, &plan, &before, &reason, err);
		if (error < 0)
			return error;
		if (reason == CS_SMART_OK) {
			r->rep.smart = true;
			r->rep.mode_reason = reason;
			cs_metrics_sync_mode(true);
			return 0;
		}
		/* The lists were read after these counts: ask again. */
		fresh = false;
	}
walk:
	r->rep.smart = false;
	r->rep.mode_reason = reason;
	cs_metrics_sync_mode(false);
	if (reason != CS_SMART_ASKED_FULL && reason != CS_SMART_NOT_CHEAPER)
		cs_log_info("sync", "campaign %lld: a full walk: %s",
		    (long long)r->camp.id, cs_smart_reason_text(reason));
	return cs_nmkr_list_nfts(r->env->nmkr, r->camp.nmkr_project_uid,
	    fresh ? &r->project.counts : NULL, &r->remote, on_pages, r, err);
}

int
cs_sync_campaign(struct cs_sync_env *env, int64_t campaign_id,
    const struct cs_sync_opts *opts, struct cs_sync_result *out,
    struct cs_error *err)
{
	struct cs_error fetch_err = CS_ERROR_INIT;
	struct reader reader;
	struct cs_plan_opts popts;
	struct cs_plan plan;
	struct cs_sync_log log;
	struct run r;
	int64_t started_at = cs_now_ms(), log_id = 0;
	size_t updated = 0, failed = 0, held = 0;
	bool planned = false, fresh = false, built = false;
	char *text = NULL;
	int error;

	memset(out, 0, sizeof(*out));
	memset(&r, 0, sizeof(r));
	memset(&plan, 0, sizeof(plan));
	memset(&reader, 0, sizeof(reader));
	r.env = env;
	r.opts = opts;
	r.t0_us = r.phase_us = cs_mono_us();
	cs_remote_list_init(&r.remote);
	cs_arena_init(&r.local_arena);
	cs_strmap_init(&r.local_by_uid);
	cs_sync_report_init(&r.rep, started_at);

	/* 1. The campaign, the debounce, the claim. */
	error = cs_store_campaign_get(env->store, campaign_id, &r.camp, err);
	if (error < 0)
		goto out;
	if (!opts->force && !opts->dry_run && opts->debounce_ms > 0 &&
	    debounced(&r, started_at, out)) {
		error = 0;
		goto out;
	}
	if (!opts->dry_run) {
		error = cs_sync__claim(env, &r.camp, opts, started_at,
		    &r.run_id, &out->running, err);
		if (error == CS_EINVAL && opts->tick != 0) {
			out->skipped = true;
			error = 0;
			goto out;
		}
		if (error < 0)
			goto out;
		cs_sync__heartbeat_start(&r.hb, env->store, r.run_id);
		if (opts->on_claimed != NULL)
			opts->on_claimed(r.run_id, opts->on_claimed_payload);
	}
	built = true;
	/* One budget per sync: the requests it sends are counted from here,
	 * and a circuit opened by an earlier sync is closed. */
	cs_nmkr_usage_reset(env->nmkr);

	/* 2 and 3. NMKR's pages, and meanwhile the inventory (one walk of
	 * the store: one query on SQLite, pages of 1,000 on PostgreSQL) on a
	 * thread of its own: the read hides behind the requests. */
	progress(&r, "fetch", true);
	/* Before the reader takes the store. */
	if (!opts->full && !opts->full_due)
		r.policy_full = full_is_due(&r, started_at);
	reader.r = &r;
	reader.campaign_id = campaign_id;
	atomic_store(&reader.done, false);
	r.reader = &reader;
	if (pthread_create(&reader.thread, NULL, read_inventory, &reader) != 0)
		read_inventory(&reader); /* no thread: read first, then */
	else
		reader.started = true;
	error = fetch_project(&r, started_at, &fresh, &fetch_err);
	/* Counts from the cache may be minutes old: asked again. */
	if (error == 0)
		error = fetch_nfts(&r, fresh, &fetch_err);
	phase_done(&r, "fetch");
	report_nmkr_usage(&r, error == 0);
	join_reader(&r);
	r.reader = NULL;
	held = r.nlocal > r.remote.items.len ? r.nlocal : r.remote.items.len;
	cs_report_phase(&r.rep, "read", reader.ms);
	if (error == 0 && reader.error < 0) {
		*err = reader.err;
		error = reader.error;
		goto out;
	}
	if (error == 0 && interrupted(&r, started_at, &log_id)) {
		out->status = CS_SYNC_FAILED;
		goto finish;
	}
	if (error < 0) {
		/* Nothing but the failed log row is written. */
		cs_log_warn("sync", "campaign %lld: fetch failed: %s",
		    (long long)campaign_id, cs_error_msg(&fetch_err));
		cs_report_error(&r.rep, cs_error_msg(&fetch_err));
		out->status = CS_SYNC_FAILED;
		if (!opts->dry_run)
			record_failure(&r, started_at, &fetch_err, &log_id);
		goto finish;
	}

	/* 4 and 5. Compare and decide. */
	progress(&r, "compare", true);
	memset(&popts, 0, sizeof(popts));
	popts.now = cs_now_ms();
	popts.grace_ms = opts->grace_ms;
	popts.webhook_grace_ms = opts->webhook_grace_ms >= 0
	                             ? opts->webhook_grace_ms
	                             : cs_nmkr_webhook_grace_ms(env->nmkr);
	r.webhook_grace_ms = popts.webhook_grace_ms;
	popts.reservation_minutes =
	    r.camp.reservation_minutes != 0      ? r.camp.reservation_minutes
	    : r.project.reservation_minutes != 0 ? r.project.reservation_minutes
	                                         : CS_RESERVATION_DEFAULT_MIN;
	popts.source = opts->type == CS_SYNC_MANUAL ? CS_SOURCE_MANUAL_SYNC
	                                            : CS_SOURCE_AUTO_SYNC;
	popts.local_by_uid = &r.local_by_uid;
	cs_plan_build(&plan, r.local, r.nlocal, r.remote.items.ptr,
	    r.remote.items.len, &popts);
	planned = true;
	r.rep.nmkr = plan.nmkr;
	r.rep.db = plan.db;
	report_discrepancies(&r, &plan, popts.now);
	phase_done(&r, "compare");

	/* 6. Everything in one transaction. */
	progress(&r, "apply", true);
	if (opts->dry_run) {
		r.rep.dry_run = true;
		warnf(&r, "dry run: %zu change%s planned, nothing written",
		    plan.applies, plan.applies == 1 ? "" : "s");
	} else {
		if (opts->before_apply != NULL)
			opts->before_apply(opts->before_apply_payload);
		error = apply(&r, &plan, cs_now_ms(), started_at, &log_id,
		    &updated, &failed, err);
		if (error < 0)
			goto out;
	}
	phase_done(&r, "apply");
	/* The lists are done with: their memory goes before the report's. */
	cs_plan_dispose(&plan);
	planned = false;
	release_lists(&r);

	/* 7. Recent webhook activity. */
	progress(&r, "webhooks", true);
	attach_webhooks(&r);
	phase_done(&r, "webhooks");

	/* 8. The chain: see verify.c (optional; never fails the sync). */
	if (env->verifier != NULL && !opts->dry_run && opts->verify_limit > 0 &&
	    (opts->stop == NULL || !atomic_load(opts->stop))) {
		int limit = opts->verify_limit < CS_VERIFY_PER_SYNC_MAX
		                ? opts->verify_limit
		                : CS_VERIFY_PER_SYNC_MAX;

		progress(&r, "verify", true);
		cs_verify_for_sync(
		    env->verifier, env->store, campaign_id, limit, &r.rep);
		phase_done(&r, "verify");
	}
	out->status = failed > 0 ? CS_SYNC_PARTIAL : CS_SYNC_SUCCESS;

finish:
	/* 9. The log row and the report. */
	progress(&r, "record", true);
	r.rep.updated = updated;
	r.rep.failed = failed;
	r.rep.sync_log_id = log_id;
	phase_done(&r, "record");
	r.rep.duration_ms = (cs_mono_us() - r.t0_us) / 1000;
	out->report = cs_json_sync_report(&r.rep, CS_REPORT_LIST_MAX);
	if (log_id != 0) {
		struct cs_error lerr = CS_ERROR_INIT;

		text = cs_json_print(out->report, false);
		memset(&log, 0, sizeof(log));
		log.id = log_id;
		log.status = out->status;
		log.records_synced = (int64_t)updated;
		log.errors =
		    r.rep.errors.len > 0
		        ? cs_json_print(
		              cJSON_GetObjectItem(out->report, "errors"), false)
		        : NULL;
		log.synced_data = text;
		log.completed_at = cs_now_ms();
		if (cs_store_sync_log_update(env->store, &log, &lerr) < 0)
			cs_log_error("sync",
			    "campaign %lld: cannot record the "
			    "report: %s",
			    (long long)campaign_id, cs_error_msg(&lerr));
		cJSON_free(log.errors);
		if (out->status != CS_SYNC_FAILED &&
		    cs_store_campaign_mark_synced(
		        env->store, campaign_id, log.completed_at, &lerr) < 0)
			cs_log_warn("sync", "campaign %lld: %s",
			    (long long)campaign_id, cs_error_msg(&lerr));
	}
	out->sync_log_id = log_id;
	error = 0;
out:
	/* No beat after the run is closed: it would find it closed. */
	cs_sync__heartbeat_stop(r.hb);
	out->interrupted = r.interrupted;
	if (r.run_id != 0) {
		struct cs_error ferr = CS_ERROR_INIT;
		const char *outcome = r.interrupted ? "interrupted"
		                      : error < 0
		                          ? "failed"
		                          : cs_sync_status_name(out->status);

		/* A run taken over is someone else's to close. */
		if (cs_store_sync_run_close(env->store, r.run_id, outcome,
		        log_id, cs_now_ms(), &ferr) < 0 &&
		    ferr.code != CS_ENOTFOUND)
			cs_log_error("sync", "run %lld: %s",
			    (long long)r.run_id, cs_error_msg(&ferr));
	}
	if (built && out->report != NULL)
		cs_metrics_sync(out->status, r.rep.duration_ms,
		    (int64_t)r.rep.discrepancies.len, (int64_t)r.rep.updated,
		    (int64_t)r.rep.conflicts.len);
	if (out->report != NULL) {
		r.progress.phase = "done";
		if (opts->progress != NULL)
			opts->progress(&r.progress, opts->payload);
	}
	if (planned)
		cs_plan_dispose(&plan);
	cJSON_free(text);
	run_dispose(&r);
	trim(held);
	return error;
}

static int
campaign_id_cb(const struct cs_campaign *c, void *payload)
{
	*(int64_t *)cs_vec_push(payload) = c->id;
	return 0;
}

/* Split "NAME@HOST:PID"; false when owner is not of that form. */
static bool
owner_parts(const char *owner, const char **host, size_t *hostlen, long *pid)
{
	const char *at = strchr(owner, '@'), *colon = strrchr(owner, ':');
	char *end;

	if (at == NULL || colon == NULL || colon < at || colon[1] == '\0')
		return false;
	errno = 0;
	*pid = strtol(colon + 1, &end, 10);
	if (errno != 0 || *end != '\0' || *pid <= 0)
		return false;
	*host = at + 1;
	*hostlen = (size_t)(colon - at - 1);
	return true;
}

bool
cs_sync_owner_dead(const char *run_owner, const char *self)
{
	const char *h1, *h2;
	size_t l1, l2;
	long p1, p2;

	if (run_owner == NULL || self == NULL)
		return false;
	if (strcmp(run_owner, self) == 0)
		return true;
	if (!owner_parts(run_owner, &h1, &l1, &p1) ||
	    !owner_parts(self, &h2, &l2, &p2) || l1 != l2 ||
	    memcmp(h1, h2, l1) != 0 || p1 == p2)
		return false;
	return kill((pid_t)p1, 0) < 0 && errno == ESRCH;
}

int
cs_sync_recover(struct cs_store *store, const char *self, int64_t now,
    size_t *closed, struct cs_error *err)
{
	struct cs_vec ids = CS_VEC_INIT(int64_t);
	struct cs_sync_run run;
	size_t i, n = 0;
	int error;

	error = cs_store_campaign_list(store, campaign_id_cb, &ids, err);
	for (i = 0; error == 0 && i < ids.len; i++) {
		int64_t id = *CS_VEC_AT(&ids, int64_t, i);

		error = cs_store_sync_run_latest(store, id, &run, err);
		if (error == CS_ENOTFOUND) {
			cs_error_clear(err);
			error = 0;
			continue;
		}
		if (error < 0)
			break;
		if (run.finished_at == 0 &&
		    cs_sync_owner_dead(run.owner, self)) {
			cs_log_warn("sync",
			    "campaign %lld: closing sync run %lld, left "
			    "unfinished by %s, which is gone",
			    (long long)id, (long long)run.id, run.owner);
			error = cs_store_sync_run_finish(
			    store, run.id, "abandoned", 0, now, err);
			n += error == 0;
		}
		cs_sync_run_dispose(&run);
	}
	cs_vec_dispose(&ids);
	if (closed != NULL)
		*closed = n;
	return error;
}
