/* SPDX-License-Identifier: MIT */
/* An operator's writes; see admin.h. */
#include "service/admin.h"

#include <string.h>

#include "util/limits.h"
#include "util/log.h"
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

int
cs_admin_review_resolve(struct cs_store *store, cs_actor who, int64_t id,
    const char *resolution, int status, int64_t now, struct cs_error *err)
{
	struct cs_review_item item;
	enum cs_nft_status to = CS_NFT_AVAILABLE;
	int error;

	memset(&item, 0, sizeof(item));
	error = cs_store_review_get(store, id, &item, err);
	if (error < 0)
		return error;
	if (status >= 0)
		to = (enum cs_nft_status)status;
	else if (strcmp(resolution, "apply_remote") == 0 &&
	         cs_remote_state_status(
	             cs_remote_state_parse(item.remote_state), &to) < 0)
		error = cs_error_set(err, CS_EINVAL,
		    "NMKR's state '%s' has no local status: give one in "
		    "\"status\"",
		    item.remote_state != NULL ? item.remote_state : "");
	if (error == 0)
		error = cs_store_review_resolve(
		    store, id, resolution, to, now, err);
	if (error == 0)
		cs_log_info("admin", "%s: review item %lld resolved: %s",
		    actor(who), (long long)id, resolution);
	cs_review_item_dispose(&item);
	return error;
}
