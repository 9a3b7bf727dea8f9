/* SPDX-License-Identifier: MIT */
/* The PostgreSQL backend: campaigns, counters, webhook settings, allow-lists.
 */
#include "store/pg/internal.h"

#include <string.h>

#include "util/buf.h"
#include "util/limits.h"
#include "util/log.h"
#include "util/str.h"
#include "util/time.h"
#include "util/xalloc.h"
#include "util/banned.h"

/* ---- Campaigns -------------------------------------------------------- */

static int
read_campaign(const struct row *r, void *dst, struct cs_error *err)
{
	struct cs_campaign *out = dst;

	memset(out, 0, sizeof(*out));
	out->id = col_i64(r, 0);
	if (cs_network_parse(col_raw(r, 4), &out->network) < 0 ||
	    cs_campaign_status_parse(col_raw(r, 5), &out->status) < 0)
		return cs_error_set(err, CS_EDB,
		    "campaign %lld has a bad network or status",
		    (long long)out->id);
	out->name = col_text(r, 1);
	out->description = col_text(r, 2);
	out->nmkr_project_uid = col_text(r, 3);
	out->max_nfts = col_i64(r, 6);
	out->start_date = col_i64(r, 7);
	out->end_date = col_i64(r, 8);
	out->created_at = col_i64(r, 9);
	out->updated_at = col_i64(r, 10);
	out->counts.total = col_i64(r, 11);
	out->counts.available = col_i64(r, 12);
	out->counts.reserved = col_i64(r, 13);
	out->counts.sold = col_i64(r, 14);
	out->last_synced_at = col_i64(r, 15);
	out->allow_multiple = col_bool(r, 16);
	out->reservation_minutes = (int)col_i64(r, 17);
	out->webhook_secret = col_text(r, 18);
	out->webhook_secret_prev = col_text(r, 19);
	out->webhook_rotated_at = col_i64(r, 20);
	out->has_allowlist = col_bool(r, 21);
	return 0;
}

int
cs_pg__campaign_insert(
    struct cs_store_conn *c, struct cs_campaign *io, struct cs_error *err)
{
	struct params p = {0};
	int error;

	p_text(&p, io->name);
	p_text(&p, io->description != NULL ? io->description : "");
	p_text(&p, io->nmkr_project_uid);
	p_text(&p, cs_network_name(io->network));
	p_text(&p, cs_campaign_status_name(io->status));
	p_int(&p, io->max_nfts);
	p_opt(&p, io->start_date);
	p_opt(&p, io->end_date);
	p_int(&p, io->created_at);
	p_int(&p, io->updated_at);
	p_bool(&p, io->allow_multiple);
	p_opt(&p, io->reservation_minutes);
	error = cs_pg__exec_insert(c, C_INSERT, &p, &io->id, err);
	if (error == CS_ECONFLICT)
		return cs_error_set(err, CS_ECONFLICT,
		    "a campaign named '%s' exists", io->name);
	return error;
}

static int
get_campaign(struct cs_store_conn *c, enum stmt_id id, int64_t key,
    const char *name, struct cs_campaign *out, struct cs_error *err)
{
	struct params p = {0};
	int error;

	if (name != NULL)
		p_text(&p, name);
	else
		p_int(&p, key);
	error = cs_pg__get_row(c, id, &p, read_campaign, out, NULL, err);
	if (error == CS_ENOTFOUND && name != NULL)
		error =
		    cs_error_set(err, CS_ENOTFOUND, "no campaign '%s'", name);
	else if (error == CS_ENOTFOUND)
		error = cs_error_set(
		    err, CS_ENOTFOUND, "no campaign %lld", (long long)key);
	if (error < 0)
		cs_campaign_dispose(out);
	return error;
}

int
cs_pg__campaign_get(struct cs_store_conn *c, int64_t id, bool for_update,
    struct cs_campaign *out, struct cs_error *err)
{
	return get_campaign(
	    c, for_update ? C_GET_LOCK : C_GET, id, NULL, out, err);
}

int
cs_pg__campaign_get_by_name(struct cs_store_conn *c, const char *name,
    struct cs_campaign *out, struct cs_error *err)
{
	return get_campaign(c, C_GET_BY_NAME, 0, name, out, err);
}

struct campaign_walk {
	cs_campaign_cb cb;
	void *payload;
};

static int
each_campaign(const struct row *r, void *payload, struct cs_error *err)
{
	struct campaign_walk *w = payload;
	struct cs_campaign camp;
	int error;

	error = read_campaign(r, &camp, err);
	return error != 0 ? error : w->cb(&camp, w->payload);
}

int
cs_pg__campaign_list(struct cs_store_conn *c, cs_campaign_cb cb, void *payload,
    struct cs_error *err)
{
	struct campaign_walk w = {cb, payload};

	return cs_pg__walk_rows(c, C_LIST, NULL, each_campaign, &w, NULL, err);
}

int
cs_pg__campaign_update(struct cs_store_conn *c, const struct cs_campaign *camp,
    int64_t now, struct cs_error *err)
{
	struct params p = {0};
	int error;

	p_int(&p, camp->id);
	p_text(&p, camp->name);
	p_text(&p, camp->description != NULL ? camp->description : "");
	p_text(&p, camp->nmkr_project_uid);
	p_text(&p, cs_network_name(camp->network));
	p_int(&p, camp->max_nfts);
	p_opt(&p, camp->start_date);
	p_opt(&p, camp->end_date);
	p_bool(&p, camp->allow_multiple);
	p_opt(&p, camp->reservation_minutes);
	p_int(&p, now);
	error = cs_pg__exec_one(c, C_UPDATE, &p, err);
	if (error == CS_ECONFLICT)
		return cs_error_set(err, CS_ECONFLICT,
		    "a campaign named '%s' exists", camp->name);
	if (error == CS_ENOTFOUND)
		return cs_error_set(
		    err, CS_ENOTFOUND, "no campaign %lld", (long long)camp->id);
	return error;
}

int
cs_pg__campaign_set_status(struct cs_store_conn *c, int64_t id,
    enum cs_campaign_status status, int64_t now, struct cs_error *err)
{
	struct params p = {0};
	int error;

	p_int(&p, id);
	p_text(&p, cs_campaign_status_name(status));
	p_int(&p, now);
	error = cs_pg__exec_one(c, C_SET_STATUS, &p, err);
	if (error == CS_ENOTFOUND)
		return cs_error_set(
		    err, CS_ENOTFOUND, "no campaign %lld", (long long)id);
	return error;
}

static int
counts_stmt(struct cs_store_conn *c, enum stmt_id which, int64_t id,
    const struct cs_counts *k, int64_t now, struct cs_error *err)
{
	struct params p = {0};

	p_int(&p, id);
	p_int(&p, k->total);
	p_int(&p, k->available);
	p_int(&p, k->reserved);
	p_int(&p, k->sold);
	p_int(&p, now);
	return cs_pg__exec_one(c, which, &p, err);
}

int
cs_pg__campaign_set_counts(struct cs_store_conn *c, int64_t id,
    const struct cs_counts *counts, int64_t now, struct cs_error *err)
{
	return counts_stmt(c, C_SET_COUNTS, id, counts, now, err);
}

int
cs_pg__campaign_add_counts(struct cs_store_conn *c, int64_t id,
    const struct cs_counts *delta, int64_t now, struct cs_error *err)
{
	return counts_stmt(c, C_ADD_COUNTS, id, delta, now, err);
}

int
cs_pg__campaign_rotate_secret(struct cs_store_conn *c, int64_t id,
    const char *secret, int64_t now, struct cs_error *err)
{
	struct params p = {0};

	p_int(&p, id);
	p_text(&p, secret);
	p_int(&p, now);
	return cs_pg__exec_one(c, C_ROTATE, &p, err);
}

int
cs_pg__campaign_set_webhook(struct cs_store_conn *c, int64_t id,
    const char *url, const char *secret, int64_t now, struct cs_error *err)
{
	struct params p = {0};

	p_int(&p, id);
	p_text(&p, url);
	p_text(&p, secret);
	p_int(&p, now);
	return cs_pg__exec_one(c, C_SET_WEBHOOK, &p, err);
}

int
cs_pg__campaign_webhook_url(
    struct cs_store_conn *c, int64_t id, char **out, struct cs_error *err)
{
	struct params p = {0};
	PGresult *res;
	int error;

	*out = NULL;
	p_int(&p, id);
	error = cs_pg__run(c, C_WEBHOOK_URL, &p, &res, err);
	if (error < 0)
		return error;
	if (PQntuples(res) == 0)
		error = cs_error_set(err, CS_ENOTFOUND,
		    "campaign %lld not found", (long long)id);
	else if (!PQgetisnull(res, 0, 0))
		*out = cs_xstrdup(PQgetvalue(res, 0, 0));
	PQclear(res);
	return error;
}

int
cs_pg__campaign_mark_synced(
    struct cs_store_conn *c, int64_t id, int64_t now, struct cs_error *err)
{
	struct params p = {0};

	p_int(&p, id);
	p_int(&p, now);
	return cs_pg__exec_one(c, C_MARK_SYNCED, &p, err);
}

int
cs_pg__campaign_delete(
    struct cs_store_conn *c, int64_t id, struct cs_error *err)
{
	struct params p = {0};
	int error;

	p_int(&p, id);
	error = cs_pg__exec_one(c, C_DELETE, &p, err);
	if (error == CS_ENOTFOUND)
		return cs_error_set(
		    err, CS_ENOTFOUND, "no campaign %lld", (long long)id);
	return error;
}

int
cs_pg__allowlist_clear(
    struct cs_store_conn *c, int64_t campaign_id, struct cs_error *err)
{
	struct params p = {0};

	p_int(&p, campaign_id);
	return cs_pg__exec_cmd(c, A_CLEAR, &p, err);
}

int
cs_pg__allowlist_add(struct cs_store_conn *c, int64_t campaign_id,
    const char *address, struct cs_error *err)
{
	struct params p = {0};

	p_int(&p, campaign_id);
	p_text(&p, address);
	return cs_pg__exec_cmd(c, A_ADD, &p, err);
}

int
cs_pg__allowlist_has(struct cs_store_conn *c, int64_t campaign_id,
    const char *address, bool *out, struct cs_error *err)
{
	struct params p = {0};
	PGresult *res;
	int error;

	*out = false;
	p_int(&p, campaign_id);
	p_text(&p, address);
	error = cs_pg__run(c, A_HAS, &p, &res, err);
	if (error < 0)
		return error;
	*out = PQntuples(res) > 0;
	PQclear(res);
	return 0;
}
