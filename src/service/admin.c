/* SPDX-License-Identifier: MIT */
/* An operator's writes; see admin.h. */
#include "service/admin.h"

#include <stdlib.h>
#include <string.h>

#include "util/limits.h"
#include "util/log.h"
#include "util/xalloc.h"
#include "util/banned.h"

static const char *
actor(cs_actor who)
{
	return who != NULL ? who : "operator";
}

int
cs_admin_campaign_create(struct cs_store *store, cs_actor who,
    struct cs_campaign *c, int64_t now, struct cs_error *err)
{
	int error = cs_store_campaign_create(store, c, now, err);

	if (error == 0)
		cs_log_info("admin", "%s: campaign %lld created (%s)",
		    actor(who), (long long)c->id, c->name);
	return error;
}

int
cs_admin_campaign_update(struct cs_store *store, cs_actor who,
    const struct cs_campaign *c, int64_t now, struct cs_error *err)
{
	int error = cs_store_campaign_update(store, c, now, err);

	if (error == 0)
		cs_log_info("admin", "%s: campaign %lld edited", actor(who),
		    (long long)c->id);
	return error;
}

int
cs_admin_campaign_delete(struct cs_store *store, cs_actor who, int64_t id,
    bool force, struct cs_error *err)
{
	int error = cs_store_campaign_delete(store, id, force, err);

	if (error == 0)
		cs_log_info("admin", "%s: campaign %lld deleted%s", actor(who),
		    (long long)id, force ? " (with its sales)" : "");
	return error;
}

int
cs_admin_campaign_set_status(struct cs_store *store, cs_actor who, int64_t id,
    enum cs_campaign_status status, int64_t now, struct cs_error *err)
{
	int error = cs_store_campaign_set_status(store, id, status, now, err);

	if (error == 0)
		cs_log_info("admin", "%s: campaign %lld %s", actor(who),
		    (long long)id,
		    status == CS_CAMPAIGN_ACTIVE ? "activated" : "deactivated");
	return error;
}

int
cs_admin_campaign_recount(struct cs_store *store, cs_actor who, int64_t id,
    int64_t now, struct cs_counts *out, struct cs_error *err)
{
	int error = cs_store_campaign_recount(store, id, now, out, err);

	if (error == 0)
		cs_log_info("admin",
		    "%s: campaign %lld recounted: %lld available, %lld "
		    "reserved, %lld sold",
		    actor(who), (long long)id, (long long)out->available,
		    (long long)out->reserved, (long long)out->sold);
	return error;
}

int
cs_admin_allowlist_set(struct cs_store *store, cs_actor who,
    int64_t campaign_id, const char *const *addresses, size_t n,
    struct cs_error *err)
{
	int error =
	    cs_store_allowlist_set(store, campaign_id, addresses, n, err);

	if (error == 0)
		cs_log_info("admin",
		    "%s: campaign %lld allow-list: %zu address%s", actor(who),
		    (long long)campaign_id, n, n == 1 ? "" : "es");
	return error;
}

int
cs_admin_nft_set_status(struct cs_store *store, cs_actor who,
    const struct cs_admin_status *s, int64_t now, struct cs_nft *after,
    struct cs_error *err)
{
	struct cs_nft_change ch = CS_NFT_CHANGE_INIT;
	int error;

	ch.nft_uid = s->nft_uid;
	ch.new_status = s->status;
	ch.expected_version = s->expected_version;
	ch.source = CS_SOURCE_ADMIN;
	ch.reserved_by = s->wallet;
	ch.reserved_until = s->reserved_until != 0
	                        ? s->reserved_until
	                        : now + CS_RESERVATION_DEFAULT_MIN * 60000LL;
	ch.sold_to = s->buyer;
	ch.tx_hash = s->tx_hash;
	ch.detail = s->note != NULL ? s->note : "set by an operator";
	error = cs_store_nft_change(store, &ch, now, after, err);
	if (error == 0)
		cs_log_info("admin", "%s: NFT %s set %s", actor(who),
		    s->nft_uid, cs_nft_status_name(s->status));
	return error;
}

int
cs_admin_repair_links(struct cs_store *store, cs_actor who, int64_t campaign_id,
    size_t *changed, struct cs_error *err)
{
	int error = cs_store_nft_repair_links(store, campaign_id, changed, err);

	if (error == 0 && *changed > 0)
		cs_log_info("admin",
		    "%s: campaign %lld: %zu pay link%s repaired", actor(who),
		    (long long)campaign_id, *changed, *changed == 1 ? "" : "s");
	return error;
}

/* The status a resolution writes for item: status when given (>= 0),
 * else, for apply_remote, NMKR's state as the item saw it. */
static int
resolution_status(const struct cs_review_item *item, const char *resolution,
    int status, enum cs_nft_status *to, struct cs_error *err)
{
	*to = CS_NFT_AVAILABLE;
	if (status >= 0) {
		*to = (enum cs_nft_status)status;
		return 0;
	}
	if (strcmp(resolution, "apply_remote") != 0 ||
	    cs_remote_state_status(
	        cs_remote_state_parse(item->remote_state), to) == 0)
		return 0;
	return cs_error_set(err, CS_EINVAL,
	    "review item %lld: NMKR's state '%s' has no local status: give "
	    "one in \"status\"",
	    (long long)item->id,
	    item->remote_state != NULL ? item->remote_state : "");
}

int
cs_admin_review_resolve(struct cs_store *store, cs_actor who, int64_t id,
    const char *resolution, int status, int64_t now, struct cs_error *err)
{
	struct cs_review_item item;
	enum cs_nft_status to;
	int error;

	memset(&item, 0, sizeof(item));
	error = cs_store_review_get(store, id, &item, err);
	if (error < 0)
		return error;
	error = resolution_status(&item, resolution, status, &to, err);
	if (error == 0)
		error = cs_store_review_resolve(
		    store, id, resolution, to, now, err);
	if (error == 0)
		cs_log_info("admin", "%s: review item %lld resolved: %s",
		    actor(who), (long long)id, resolution);
	cs_review_item_dispose(&item);
	return error;
}

struct open_items {
	const char *kind;
	const char *resolution;
	int status;
	struct cs_review_resolution *v;
	size_t n, cap;
	int error;
	struct cs_error *err;
};

static int
open_item_cb(const struct cs_review_item *item, void *payload)
{
	struct open_items *o = payload;
	struct cs_review_resolution *r;
	enum cs_nft_status to;

	if (o->kind != NULL &&
	    (item->kind == NULL || strcmp(item->kind, o->kind) != 0))
		return 0;
	o->error =
	    resolution_status(item, o->resolution, o->status, &to, o->err);
	if (o->error < 0)
		return 1; /* stop: the whole is refused */
	if (o->n == o->cap) {
		o->cap = o->cap != 0 ? o->cap * 2 : 64;
		o->v = cs_xreallocarray(o->v, o->cap, sizeof(*o->v));
	}
	r = &o->v[o->n++];
	r->id = item->id;
	r->resolution = o->resolution;
	r->remote_status = to;
	return 0;
}

int
cs_admin_review_resolve_all(struct cs_store *store, cs_actor who,
    int64_t campaign_id, const char *kind, const char *resolution, int status,
    int64_t expected, int64_t now, size_t *count, struct cs_error *err)
{
	struct open_items o;
	int error;

	memset(&o, 0, sizeof(o));
	o.kind = kind;
	o.resolution = resolution;
	o.status = status;
	o.err = err;
	*count = 0;
	error = cs_store_review_list(
	    store, campaign_id, true, open_item_cb, &o, err);
	if (o.error < 0)
		error = o.error; /* the callback stopped the walk (1) */
	if (error == 0 && expected >= 0 && (int64_t)o.n != expected)
		error = cs_error_set(err, CS_ECONFLICT,
		    "%zu open item%s match now, not the %lld confirmed: "
		    "nothing resolved; look again",
		    o.n, o.n == 1 ? "" : "s", (long long)expected);
	if (error == 0)
		error = cs_store_review_resolve_many(store, o.v, o.n, now, err);
	if (error == 0) {
		*count = o.n;
		cs_log_info("admin",
		    "%s: campaign %lld: %zu review item%s%s%s resolved: %s",
		    actor(who), (long long)campaign_id, o.n,
		    o.n == 1 ? "" : "s", kind != NULL ? " of kind " : "",
		    kind != NULL ? kind : "", resolution);
	}
	free(o.v);
	return error;
}
