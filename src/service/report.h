/* SPDX-License-Identifier: MIT */
/*
 * The SyncReport as the service builds it: a plain struct, filled by the
 * sync's phases and read by the metrics by field, not by name. encode.c
 * turns it into the JSON the API, the CLI and the stored log row share
 * (cs_json_sync_report()), with every list cut to a bound so that a
 * report stays small whatever the campaign's size: the full facts are in
 * the review queue and status_history.
 */
#ifndef CS_SERVICE_REPORT_H
#define CS_SERVICE_REPORT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "clients/nmkr.h"
#include "core/model.h"
#include "core/reconcile.h"
#include "core/smart.h"
#include "service/verify.h"
#include "util/arena.h"
#include "util/error.h"
#include "util/vec.h"

/* Strings are the report's own (its arena) unless said static. */
struct cs_report_discrepancy {
	const char *uid;
	const char *name;
	enum cs_issue issue;
	int db_status;           /* enum cs_nft_status, or -1 (not local) */
	const char *nmkr_status; /* NULL: not in NMKR */
};

struct cs_report_update {
	const char *name;
	bool ok;
	enum cs_nft_status from;
	enum cs_nft_status to;
	const char *error; /* static, or NULL */
};

struct cs_report_conflict {
	const char *uid;
	const char *name;
	enum cs_nft_status wanted;
	const char *reason; /* static */
};

struct cs_report_deferred {
	const char *uid;
	const char *name;
	enum cs_nft_status db_status;
	const char *nmkr_status;
	enum cs_source last_modified_by;
	int64_t age_ms;
	const char *reason; /* static */
};

struct cs_report_webhook {
	int64_t timestamp;
	enum cs_sync_status status;
	int64_t records;
	const char *errors; /* the log row's errors (a JSON array), or NULL */
};

struct cs_report_phase {
	const char *name; /* static */
	int64_t ms;
};

struct cs_sync_report {
	bool success;
	bool dry_run;
	int64_t synced_at;   /* ms */
	int64_t duration_ms; /* set last */
	int64_t sync_log_id; /* 0: none */
	struct cs_counts nmkr;
	struct cs_counts db; /* before the sync */
	size_t updated;
	size_t failed;
	size_t deferred_count;
	bool usage_known;
	struct cs_nmkr_usage usage;     /* walk_note not kept */
	bool chain_ran;                 /* the sync took the chain step */
	struct cs_verify_results chain; /* its results, owned */
	struct cs_vec discrepancies;    /* struct cs_report_discrepancy */
	struct cs_vec updates;          /* struct cs_report_update */
	struct cs_vec conflicts;        /* struct cs_report_conflict */
	struct cs_vec deferred;         /* struct cs_report_deferred */
	struct cs_vec webhooks;         /* struct cs_report_webhook */
	struct cs_vec warnings;         /* const char * */
	struct cs_vec errors;           /* const char * */
	struct cs_vec phases;           /* struct cs_report_phase */
	struct cs_arena strings;

	/* How the fetch read NMKR (docs/internals/sync.md, "The smart
	 * mode"): mode_known once it chose; smart, or a full walk of all;
	 * mode_reason why (CS_SMART_OK for the smart mode). */
	bool mode_known;
	bool smart;
	enum cs_smart_reason mode_reason;
};

void cs_sync_report_init(struct cs_sync_report *r, int64_t synced_at);
void cs_sync_report_dispose(struct cs_sync_report *r);

/** A copy of s in the report's arena (NULL stays NULL). */
const char *cs_report_str(struct cs_sync_report *r, const char *s);

void cs_report_warn(struct cs_sync_report *r, const char *fmt, ...)
    CS_PRINTF(2, 3);
void cs_report_vwarn(struct cs_sync_report *r, const char *fmt, va_list ap);
void cs_report_error(struct cs_sync_report *r, const char *msg);
void cs_report_phase(struct cs_sync_report *r, const char *name, int64_t ms);

#endif
