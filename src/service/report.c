/* SPDX-License-Identifier: MIT */
/* The SyncReport's struct: see report.h; its JSON is in encode.c. */
#include "service/report.h"

#include <stdio.h>
#include <string.h>

void
cs_sync_report_init(struct cs_sync_report *r, int64_t synced_at)
{
	memset(r, 0, sizeof(*r));
	r->success = true;
	r->synced_at = synced_at;
	cs_vec_init(&r->discrepancies, sizeof(struct cs_report_discrepancy));
	cs_vec_init(&r->updates, sizeof(struct cs_report_update));
	cs_vec_init(&r->conflicts, sizeof(struct cs_report_conflict));
	cs_vec_init(&r->deferred, sizeof(struct cs_report_deferred));
	cs_vec_init(&r->webhooks, sizeof(struct cs_report_webhook));
	cs_vec_init(&r->warnings, sizeof(const char *));
	cs_vec_init(&r->errors, sizeof(const char *));
	cs_vec_init(&r->phases, sizeof(struct cs_report_phase));
	cs_arena_init(&r->strings);
}

void
cs_sync_report_dispose(struct cs_sync_report *r)
{
	if (r == NULL)
		return;
	cs_vec_dispose(&r->discrepancies);
	cs_vec_dispose(&r->updates);
	cs_vec_dispose(&r->conflicts);
	cs_vec_dispose(&r->deferred);
	cs_vec_dispose(&r->webhooks);
	cs_vec_dispose(&r->warnings);
	cs_vec_dispose(&r->errors);
	cs_vec_dispose(&r->phases);
	if (r->chain_ran)
		cs_verify_results_dispose(&r->chain);
	cs_arena_dispose(&r->strings);
	memset(r, 0, sizeof(*r));
}

const char *
cs_report_str(struct cs_sync_report *r, const char *s)
{
	return s != NULL ? cs_arena_strdup(&r->strings, s) : NULL;
}

void
cs_report_vwarn(struct cs_sync_report *r, const char *fmt, va_list ap)
{
	char msg[768];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	*(const char **)cs_vec_push(&r->warnings) = cs_report_str(r, msg);
}

void
cs_report_warn(struct cs_sync_report *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cs_report_vwarn(r, fmt, ap);
	va_end(ap);
}

void
cs_report_error(struct cs_sync_report *r, const char *msg)
{
	*(const char **)cs_vec_push(&r->errors) = cs_report_str(r, msg);
	r->success = false;
}

void
cs_report_phase(struct cs_sync_report *r, const char *name, int64_t ms)
{
	struct cs_report_phase *p = cs_vec_push(&r->phases);

	p->name = name;
	p->ms = ms;
}
