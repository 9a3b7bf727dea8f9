/* SPDX-License-Identifier: MIT */
/*
 * The comparison of NMKR's list with the inventory (the sync's step 4) and
 * the plan the policy makes of it (step 5). Pure: given both lists and now,
 * cs_plan_build() always says the same thing, so scenario tests drive it
 * with data (tests/fixtures/scenarios/).
 */
#ifndef CS_CORE_RECONCILE_H
#define CS_CORE_RECONCILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/model.h"
#include "util/arena.h"
#include "util/vec.h"

struct cs_strmap;

/* One NFT as NMKR's GetNfts lists it; strings owned by the list's arena. */
struct cs_remote_nft {
	const char *uid;
	const char *name; /* displayname, else name */
	enum cs_remote_state state;
	const char *state_word; /* as sent, for states we do not know */
	const char *asset_id;   /* NULL if NMKR has none */
	int64_t nmkr_id;
	int64_t sold_at;         /* selldate, 0 if none */
	const char *sold_at_raw; /* selldate as NMKR wrote it, or NULL */
	const char *mint_tx;     /* initialMintTxHash, NULL if none */
};

struct cs_remote_list {
	struct cs_vec items; /* struct cs_remote_nft */
	struct cs_arena arena;
	size_t duplicates; /* dropped by cs_remote_list_dedupe() */
};

void cs_remote_list_init(struct cs_remote_list *l);
void cs_remote_list_dispose(struct cs_remote_list *l);

/** A new zeroed item (valid until the next add). */
struct cs_remote_nft *cs_remote_list_add(struct cs_remote_list *l);

/** Drop items whose uid appeared before; keeps the first. */
void cs_remote_list_dedupe(struct cs_remote_list *l);

/* One NFT of the inventory, as much of it as the comparison needs. */
struct cs_local_nft {
	int64_t id;
	const char *uid;
	const char *name;
	enum cs_nft_status status;
	int64_t version;
	int64_t reserved_until;
	int64_t last_modified_at;
	enum cs_source last_modified_by;
	bool has_asset_id;
};

/* What was found (the seed's issue strings, see cs_issue_text()). */
enum cs_issue {
	CS_ISSUE_STATUS_MISMATCH,
	CS_ISSUE_NOT_IN_NMKR,
	CS_ISSUE_NOT_IN_DATABASE,
	CS_ISSUE_UNSUPPORTED_STATE,
};

/* What the policy decided. */
enum cs_decision {
	CS_DECIDE_APPLY,  /* write new_status */
	CS_DECIDE_KEEP,   /* keep the local state, with a warning */
	CS_DECIDE_REVIEW, /* refuse to settle alone: the review queue */
	CS_DECIDE_REPORT, /* nothing to do but say it */
	CS_DECIDE_DEFER,  /* too fresh to judge: the next sync decides */
};

const char *cs_issue_text(enum cs_issue i);
const char *cs_decision_name(enum cs_decision d);

struct cs_discrepancy {
	const char *uid;
	const char *name;
	enum cs_issue issue;
	int db_status;          /* enum cs_nft_status, or -1 (not local) */
	const char *nmkr_state; /* NMKR's word, or NULL (not remote) */
	enum cs_decision decision;
	enum cs_nft_status new_status; /* for APPLY */
	int64_t reserved_until;        /* for APPLY to reserved */
	const char *reason;            /* static text */
	size_t local;                  /* index in the local list or SIZE_MAX */
	size_t remote; /* index in the remote list or SIZE_MAX */
};

/* A local NFT that lacks the asset id NMKR knows. */
struct cs_asset_fix {
	size_t local;
	size_t remote;
};

struct cs_plan_opts {
	int64_t now;
	int64_t grace_ms;        /* a change this recent is "live" */
	int reservation_minutes; /* for NFTs NMKR shows reserved */
	enum cs_source source;   /* manual_sync or auto_sync */
	/* A sale by a webhook this recent is not judged against NMKR's list,
	 * which may be an answer NMKR cached before the sale (20 s): the
	 * difference is deferred to a later sync. 0: never deferred. */
	int64_t webhook_grace_ms;
	/* Optional: local's uids to their indexes, when the caller has it
	 * (the sync builds it beside the fetch); else the plan builds it. */
	const struct cs_strmap *local_by_uid;
};

struct cs_plan {
	struct cs_vec discrepancies; /* struct cs_discrepancy */
	struct cs_vec asset_fixes;   /* struct cs_asset_fix */
	struct cs_counts nmkr;       /* NMKR's list: free counted available */
	struct cs_counts db;         /* the inventory as read */
	size_t nmkr_flagged;         /* error, blocked, burned, unknown */
	size_t applies, keeps, reviews, reports, defers;
};

/**
 * Compare and decide. local and remote are borrowed; the plan points into
 * them (uids, names), so they must outlive it. remote must be deduplicated.
 */
void cs_plan_build(struct cs_plan *out, const struct cs_local_nft *local,
    size_t nlocal, const struct cs_remote_nft *remote, size_t nremote,
    const struct cs_plan_opts *opts);

void cs_plan_dispose(struct cs_plan *p);

/*
 * The policy for one NFT present on both sides whose states differ (seed
 * edge case 5 and enhancement 5). Exposed for unit tests.
 */
struct cs_verdict {
	enum cs_issue issue;
	enum cs_decision decision;
	enum cs_nft_status new_status;
	int64_t reserved_until;
	const char *reason;
};

/** @return false when the two agree (no discrepancy). */
bool cs_policy_decide(const struct cs_local_nft *l, enum cs_remote_state r,
    const struct cs_plan_opts *opts, struct cs_verdict *out);

/** Rank of a source in the priority blockchain > webhook > sync > user. */
int cs_policy_rank(enum cs_source s);

#endif
