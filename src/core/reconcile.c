/* SPDX-License-Identifier: MIT */
/*
 * The comparison (the sync's step 4): a hash join of NMKR's list with the
 * inventory by uid, in linear time; each difference goes through the policy
 * (policy.c). See reconcile.h.
 */
#include "core/reconcile.h"

#include <stdlib.h>
#include <string.h>

#include "util/strmap.h"
#include "util/xalloc.h"
#include "core/pure.h"

void
cs_remote_list_init(struct cs_remote_list *l)
{
	cs_vec_init(&l->items, sizeof(struct cs_remote_nft));
	cs_arena_init(&l->arena);
	l->duplicates = 0;
}

void
cs_remote_list_dispose(struct cs_remote_list *l)
{
	cs_vec_dispose(&l->items);
	cs_arena_dispose(&l->arena);
	l->duplicates = 0;
}

struct cs_remote_nft *
cs_remote_list_add(struct cs_remote_list *l)
{
	return cs_vec_push(&l->items);
}

void
cs_remote_list_dedupe(struct cs_remote_list *l)
{
	struct cs_remote_nft *items = l->items.ptr;
	struct cs_strmap seen;
	size_t i, kept = 0;

	cs_strmap_init(&seen);
	for (i = 0; i < l->items.len; i++) {
		if (!cs_strmap_put(&seen, items[i].uid, i)) {
			l->duplicates++;
			continue;
		}
		items[kept++] = items[i];
	}
	/* The map points at uids in the arena, not at items: safe to move. */
	l->items.len = kept;
	cs_strmap_dispose(&seen);
}

const char *
cs_issue_text(enum cs_issue i)
{
	switch (i) {
	case CS_ISSUE_STATUS_MISMATCH:
		return "Status mismatch";
	case CS_ISSUE_NOT_IN_NMKR:
		return "Not found in NMKR";
	case CS_ISSUE_NOT_IN_DATABASE:
		return "Not in database";
	case CS_ISSUE_UNSUPPORTED_STATE:
		return "Unsupported NMKR state";
	}
	return "?";
}

const char *
cs_decision_name(enum cs_decision d)
{
	switch (d) {
	case CS_DECIDE_APPLY:
		return "apply";
	case CS_DECIDE_KEEP:
		return "keep";
	case CS_DECIDE_REVIEW:
		return "review";
	case CS_DECIDE_REPORT:
		return "report";
	case CS_DECIDE_DEFER:
		return "defer";
	}
	return "?";
}

static void
count_remote(struct cs_plan *p, enum cs_remote_state s)
{
	switch (s) {
	case CS_REMOTE_FREE:
		cs_counts_add(&p->nmkr, CS_NFT_AVAILABLE, 1);
		break;
	case CS_REMOTE_RESERVED:
		cs_counts_add(&p->nmkr, CS_NFT_RESERVED, 1);
		break;
	case CS_REMOTE_SOLD:
		cs_counts_add(&p->nmkr, CS_NFT_SOLD, 1);
		break;
	default:
		p->nmkr.total++;
		p->nmkr_flagged++;
	}
}

static struct cs_discrepancy *
add(struct cs_plan *p, enum cs_issue issue, enum cs_decision d)
{
	struct cs_discrepancy *x = cs_vec_push(&p->discrepancies);

	x->issue = issue;
	x->decision = d;
	x->db_status = -1;
	x->local = SIZE_MAX;
	x->remote = SIZE_MAX;
	switch (d) {
	case CS_DECIDE_APPLY:
		p->applies++;
		break;
	case CS_DECIDE_KEEP:
		p->keeps++;
		break;
	case CS_DECIDE_REVIEW:
		p->reviews++;
		break;
	case CS_DECIDE_REPORT:
		p->reports++;
		break;
	case CS_DECIDE_DEFER:
		p->defers++;
		break;
	}
	return x;
}

static const char *
remote_word(const struct cs_remote_nft *r)
{
	if (r->state == CS_REMOTE_UNKNOWN && r->state_word != NULL)
		return r->state_word;
	return cs_remote_state_name(r->state);
}

void
cs_plan_build(struct cs_plan *out, const struct cs_local_nft *local,
    size_t nlocal, const struct cs_remote_nft *remote, size_t nremote,
    const struct cs_plan_opts *opts)
{
	struct cs_strmap own;
	const struct cs_strmap *by_uid = opts->local_by_uid;
	struct cs_discrepancy *x;
	struct cs_verdict v;
	bool *seen;
	size_t i, li;

	memset(out, 0, sizeof(*out));
	cs_vec_init(&out->discrepancies, sizeof(struct cs_discrepancy));
	cs_vec_init(&out->asset_fixes, sizeof(struct cs_asset_fix));
	cs_strmap_init(&own);
	seen = cs_xcalloc(nlocal + 1, sizeof(*seen));
	for (i = 0; i < nlocal; i++) {
		if (by_uid == NULL)
			cs_strmap_put(&own, local[i].uid, i);
		cs_counts_add(&out->db, local[i].status, 1);
	}
	if (by_uid == NULL)
		by_uid = &own;

	for (i = 0; i < nremote; i++) {
		const struct cs_remote_nft *r = &remote[i];

		count_remote(out, r->state);
		if (!cs_strmap_get(by_uid, r->uid, &li)) {
			x = add(
			    out, CS_ISSUE_NOT_IN_DATABASE, CS_DECIDE_REPORT);
			x->uid = r->uid;
			x->name = r->name;
			x->nmkr_state = remote_word(r);
			x->remote = i;
			x->reason = "in NMKR but not in the inventory: add it "
			            "with 'inventory import'";
			continue;
		}
		seen[li] = true;
		if (!local[li].has_asset_id && r->asset_id != NULL) {
			struct cs_asset_fix *f = cs_vec_push(&out->asset_fixes);

			f->local = li;
			f->remote = i;
		}
		if (!cs_policy_decide(&local[li], r->state, opts, &v))
			continue;
		x = add(out, v.issue, v.decision);
		x->uid = local[li].uid;
		x->name = local[li].name;
		x->db_status = (int)local[li].status;
		x->nmkr_state = remote_word(r);
		x->new_status = v.new_status;
		x->reserved_until = v.reserved_until;
		x->reason = v.reason;
		x->local = li;
		x->remote = i;
	}

	for (i = 0; i < nlocal; i++) {
		if (seen[i])
			continue;
		x = add(out, CS_ISSUE_NOT_IN_NMKR, CS_DECIDE_REPORT);
		x->uid = local[i].uid;
		x->name = local[i].name;
		x->db_status = (int)local[i].status;
		x->local = i;
		x->reason = "in the inventory but not in NMKR: kept as it is";
	}
	free(seen);
	cs_strmap_dispose(&own);
}

void
cs_plan_dispose(struct cs_plan *p)
{
	cs_vec_dispose(&p->discrepancies);
	cs_vec_dispose(&p->asset_fixes);
}
