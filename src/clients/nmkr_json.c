/* SPDX-License-Identifier: MIT */
/* NMKR response decoders; see nmkr_json.h. */
#include "clients/nmkr_json.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "clients/json.h"
#include "clients/nmkr_time.h"
#include "util/str.h"
#include "util/xalloc.h"
#include "util/banned.h"

void
cs_nmkr_project_dispose(struct cs_nmkr_project *p)
{
	free(p->uid);
	free(p->name);
	free(p->policy_id);
	memset(p, 0, sizeof(*p));
}

void
cs_nmkr_nft_dispose(struct cs_nmkr_nft *n)
{
	free(n->uid);
	free(n->name);
	free(n->state_word);
	free(n->receiver_address);
	free(n->asset_id);
	free(n->tx_hash);
	free(n->sold_at_raw);
	memset(n, 0, sizeof(*n));
}

void
cs_nmkr_notifications_free(struct cs_nmkr_notification *list, size_t n)
{
	size_t i;

	if (list == NULL)
		return;
	for (i = 0; i < n; i++) {
		free(list[i].type);
		free(list[i].address);
		free(list[i].secret);
	}
	free(list);
}

/*
 * An optional time: absent or null is 0; a string must be a time as NMKR
 * writes it (read in zone), anything else is an error naming ctx.name.
 */
static int
opt_time(const cJSON *v, const struct cs_tz *zone, const char *ctx,
    const char *name, int64_t *out, struct cs_error *err)
{
	struct cs_nmkr_time t;
	char field[96];
	int error;

	*out = 0;
	if (v == NULL || cJSON_IsNull(v))
		return 0;
	snprintf(field, sizeof(field), "%s.%s", ctx, name);
	if (!cJSON_IsString(v))
		return cs_error_set(err, CS_EPARSE,
		    "%s: expected a string, got %s", field,
		    cs_json_type_name(v));
	error = cs_nmkr_time_parse(v->valuestring, zone, field, &t, err);
	if (error == 0)
		*out = t.ms;
	return error;
}

/* An optional string: a wrong type is treated as absent. */
static const char *
opt_string(const cJSON *o, const char *name)
{
	const cJSON *v = cJSON_GetObjectItem(o, name);

	return v != NULL && cJSON_IsString(v) ? v->valuestring : NULL;
}

/* The fields of a GetNfts item that the sync reads. */
struct nft_fields {
	const cJSON *uid, *state, *displayname, *name, *asset_id, *id,
	    *selldate, *mint_tx;
};

/*
 * One pass over an item's members (GetNfts items have 21): looking each
 * field up by name would walk the list once per field. Names are matched
 * without regard to case, as ASP.NET would.
 */
static void
scan_item(const cJSON *item, struct nft_fields *f)
{
	const cJSON *m;

	memset(f, 0, sizeof(*f));
	cJSON_ArrayForEach(m, item) {
		const char *k = m->string;

		if (k == NULL)
			continue;
		switch (k[0] | 0x20) {
		case 'u':
			if (strcasecmp(k, "uid") == 0)
				f->uid = m;
			break;
		case 's':
			if (strcasecmp(k, "state") == 0)
				f->state = m;
			else if (strcasecmp(k, "selldate") == 0)
				f->selldate = m;
			break;
		case 'd':
			if (strcasecmp(k, "displayname") == 0)
				f->displayname = m;
			break;
		case 'n':
			if (strcasecmp(k, "name") == 0)
				f->name = m;
			break;
		case 'a':
			if (strcasecmp(k, "assetId") == 0)
				f->asset_id = m;
			break;
		case 'i':
			if (strcasecmp(k, "id") == 0)
				f->id = m;
			else if (strcasecmp(k, "initialMintTxHash") == 0)
				f->mint_tx = m;
			break;
		default:
			break;
		}
	}
}

/* A required string member: missing, null or another type is an error. */
static int
need_string(const cJSON *v, const char *ctx, const char *name, const char **out,
    struct cs_error *err)
{
	if (v == NULL || cJSON_IsNull(v))
		return cs_error_set(
		    err, CS_EPARSE, "%s.%s: missing", ctx, name);
	if (!cJSON_IsString(v))
		return cs_error_set(err, CS_EPARSE,
		    "%s.%s: expected a string, got %s", ctx, name,
		    cs_json_type_name(v));
	*out = v->valuestring;
	return 0;
}

static const char *
string_or_null(const cJSON *v)
{
	return v != NULL && cJSON_IsString(v) ? v->valuestring : NULL;
}

int
cs_nmkr_decode_nfts(const char *body, size_t len, int page,
    const struct cs_tz *zone, struct cs_remote_list *list,
    struct cs_arena *scratch, size_t *count, struct cs_error *err)
{
	char what[48], ctx[64];
	const char *uid, *state, *name, *asset;
	struct nft_fields f;
	struct cs_remote_nft *x;
	cJSON *doc = NULL;
	const cJSON *item;
	size_t i = 0;
	int64_t id;
	int error;

	*count = 0;
	snprintf(what, sizeof(what), "GetNfts page %d", page);
	error = scratch != NULL
	            ? cs_json_parse_arena(body, len, what, scratch, &doc, err)
	            : cs_json_parse(body, len, what, &doc, err);
	if (error < 0)
		return error;
	if (!cJSON_IsArray(doc)) {
		error = cs_error_set(
		    err, CS_EPARSE, "%s: expected a JSON array", what);
		goto out;
	}
	cJSON_ArrayForEach(item, doc) {
		if (!cJSON_IsObject(item)) {
			snprintf(ctx, sizeof(ctx), "%s[%zu]", what, i);
			error = cs_error_set(
			    err, CS_EPARSE, "%s: expected an object", ctx);
			goto out;
		}
		scan_item(item, &f);
		if (f.uid == NULL || f.state == NULL ||
		    !cJSON_IsString(f.uid) || !cJSON_IsString(f.state)) {
			snprintf(ctx, sizeof(ctx), "%s[%zu]", what, i);
			error = need_string(f.uid, ctx, "uid", &uid, err);
			if (error == 0)
				error = need_string(
				    f.state, ctx, "state", &state, err);
			goto out;
		}
		uid = f.uid->valuestring;
		state = f.state->valuestring;
		if (!cs_str_is_uuid(uid)) {
			error = cs_error_set(err, CS_EPARSE,
			    "%s[%zu].uid: '%.40s' is not a uid", what, i, uid);
			goto out;
		}
		id = 0;
		if (cJSON_IsNumber(f.id)) {
			snprintf(ctx, sizeof(ctx), "%s[%zu]", what, i);
			error = cs_json_to_int(f.id, ctx, "id", &id, err);
			if (error < 0)
				goto out;
		}
		x = cs_remote_list_add(list);
		x->uid = cs_arena_strdup(&list->arena, uid);
		cs_str_lower(CS_UNCONST(x->uid));
		name = string_or_null(f.displayname);
		if (name == NULL || *name == '\0')
			name = string_or_null(f.name);
		x->name =
		    cs_arena_strdup(&list->arena, name != NULL ? name : "");
		x->state = cs_remote_state_parse(state);
		if (x->state == CS_REMOTE_UNKNOWN)
			x->state_word =
			    cs_arena_strndup(&list->arena, state, 32);
		asset = string_or_null(f.asset_id);
		if (asset != NULL && cs_str_is_hex_lower(asset))
			x->asset_id = cs_arena_strdup(&list->arena, asset);
		x->nmkr_id = id;
		snprintf(ctx, sizeof(ctx), "%s[%zu]", what, i);
		error = opt_time(
		    f.selldate, zone, ctx, "selldate", &x->sold_at, err);
		if (error < 0)
			goto out;
		if (x->sold_at != 0)
			x->sold_at_raw = cs_arena_strndup(
			    &list->arena, f.selldate->valuestring, 40);
		asset = string_or_null(f.mint_tx);
		if (asset != NULL && *asset != '\0' && strlen(asset) <= 128 &&
		    cs_str_is_hex_lower(asset))
			x->mint_tx = cs_arena_strdup(&list->arena, asset);
		i++;
		(*count)++;
	}
out:
	cJSON_Delete(doc);
	if (scratch != NULL) {
		cs_json_arena_done();
		cs_arena_reset(scratch);
	}
	return error;
}

int
cs_nmkr_decode_counts(const char *body, size_t len, struct cs_nmkr_counts *out,
    struct cs_error *err)
{
	static const char ctx[] = "GetCounts";
	cJSON *doc = NULL;
	int error;

	memset(out, 0, sizeof(*out));
	error = cs_json_parse_shape(body, len, ctx, false, &doc, err);
	if (error < 0)
		return error;
	error =
	    cs_json_get_int(doc, "nftTotal", true, ctx, &out->nft_total, err);
	if (error == 0)
		error =
		    cs_json_get_int(doc, "sold", true, ctx, &out->sold, err);
	if (error == 0)
		error =
		    cs_json_get_int(doc, "free", true, ctx, &out->free, err);
	if (error == 0)
		error = cs_json_get_int(
		    doc, "reserved", true, ctx, &out->reserved, err);
	if (error == 0)
		error =
		    cs_json_get_int(doc, "error", false, ctx, &out->error, err);
	if (error == 0)
		error = cs_json_get_int(
		    doc, "blocked", false, ctx, &out->blocked, err);
	if (error == 0)
		error = cs_json_get_int(
		    doc, "totalTokens", false, ctx, &out->total_tokens, err);
	if (error == 0)
		error = cs_json_get_int(
		    doc, "totalBlocked", false, ctx, &out->total_blocked, err);
	if (error == 0)
		error = cs_json_get_int(doc, "unknownOrBurnedState", false, ctx,
		    &out->unknown_or_burned, err);
	cJSON_Delete(doc);
	return error;
}

int
cs_nmkr_decode_project(const char *body, size_t len,
    struct cs_nmkr_project *out, struct cs_error *err)
{
	static const char ctx[] = "GetProjectDetails";
	const char *uid = NULL, *name = NULL;
	int64_t minutes = 0;
	cJSON *doc = NULL;
	int error;

	memset(out, 0, sizeof(*out));
	error = cs_json_parse_shape(body, len, ctx, false, &doc, err);
	if (error < 0)
		return error;
	error = cs_json_get_string(doc, "uid", true, ctx, &uid, err);
	if (error == 0)
		error = cs_json_get_int(
		    doc, "addressReservationTime", false, ctx, &minutes, err);
	if (error == 0)
		error =
		    cs_json_get_int(doc, "total", false, ctx, &out->total, err);
	if (error == 0)
		error =
		    cs_json_get_int(doc, "free", false, ctx, &out->free, err);
	if (error == 0)
		error = cs_json_get_int(
		    doc, "reserved", false, ctx, &out->reserved, err);
	if (error == 0)
		error =
		    cs_json_get_int(doc, "sold", false, ctx, &out->sold, err);
	if (error < 0)
		goto out;
	name = opt_string(doc, "projectname");
	out->uid = cs_xstrdup_null(uid);
	out->name = cs_xstrdup_null(name);
	out->policy_id = cs_xstrdup_null(opt_string(doc, "policyId"));
	out->reservation_minutes =
	    minutes > 0 && minutes <= 24 * 60 ? (int)minutes : 0;
out:
	cJSON_Delete(doc);
	return error;
}

int
cs_nmkr_decode_nft(const char *body, size_t len, const struct cs_tz *zone,
    struct cs_nmkr_nft *out, struct cs_error *err)
{
	static const char ctx[] = "GetNftDetailsById";
	const char *uid = NULL, *state = NULL;
	cJSON *doc = NULL;
	int error;

	memset(out, 0, sizeof(*out));
	error = cs_json_parse_shape(body, len, ctx, false, &doc, err);
	if (error < 0)
		return error;
	error = cs_json_get_string(doc, "uid", true, ctx, &uid, err);
	if (error == 0)
		error =
		    cs_json_get_string(doc, "state", true, ctx, &state, err);
	if (error == 0)
		error = cs_json_get_bool(
		    doc, "minted", false, ctx, &out->minted, err);
	if (error == 0)
		error = opt_time(cJSON_GetObjectItem(doc, "selldate"), zone,
		    ctx, "selldate", &out->sold_at, err);
	if (error == 0)
		error = opt_time(cJSON_GetObjectItem(doc, "reserveduntil"),
		    zone, ctx, "reserveduntil", &out->reserved_until, err);
	if (error < 0)
		goto out;
	out->uid = cs_xstrdup_null(uid);
	cs_str_lower(out->uid);
	out->name = cs_xstrdup_null(opt_string(doc, "displayname"));
	if (out->name == NULL)
		out->name = cs_xstrdup_null(opt_string(doc, "name"));
	out->state = cs_remote_state_parse(state);
	out->state_word = cs_xstrdup_null(state);
	out->receiver_address =
	    cs_xstrdup_null(opt_string(doc, "receiveraddress"));
	out->asset_id = cs_xstrdup_null(opt_string(doc, "assetid"));
	out->tx_hash = cs_xstrdup_null(opt_string(doc, "initialminttxhash"));
	if (out->sold_at != 0)
		out->sold_at_raw = cs_xstrdup_null(opt_string(doc, "selldate"));
out:
	cJSON_Delete(doc);
	return error;
}

int
cs_nmkr_decode_notifications(const char *body, size_t len,
    struct cs_nmkr_notification **out, size_t *n, struct cs_error *err)
{
	static const char what[] = "GetNotifications";
	struct cs_nmkr_notification *list = NULL;
	const char *type = NULL, *address = NULL, *secret = NULL;
	cJSON *doc = NULL;
	const cJSON *item;
	char ctx[48];
	size_t i = 0;
	bool active = false;
	int error;

	*out = NULL;
	*n = 0;
	if (len == 0)
		return 0;
	error = cs_json_parse(body, len, what, &doc, err);
	if (error < 0)
		return error;
	if (cJSON_IsNull(doc))
		goto out;
	if (!cJSON_IsArray(doc)) {
		error = cs_error_set(
		    err, CS_EPARSE, "%s: expected a JSON array", what);
		goto out;
	}
	list = cs_xcalloc((size_t)cJSON_GetArraySize(doc) + 1, sizeof(*list));
	cJSON_ArrayForEach(item, doc) {
		snprintf(ctx, sizeof(ctx), "%s[%zu]", what, i);
		error = cs_json_get_string(
		    item, "notificationType", true, ctx, &type, err);
		if (error == 0)
			error = cs_json_get_string(
			    item, "address", true, ctx, &address, err);
		if (error == 0)
			error = cs_json_get_string(
			    item, "secret", false, ctx, &secret, err);
		if (error == 0)
			error = cs_json_get_bool(
			    item, "isActive", false, ctx, &active, err);
		if (error < 0)
			goto out;
		list[i].type = cs_xstrdup_null(type);
		list[i].address = cs_xstrdup_null(address);
		list[i].secret = cs_xstrdup_null(secret);
		list[i].active = active;
		i++;
	}
	*out = list;
	*n = i;
	list = NULL;
out:
	cs_nmkr_notifications_free(list, i);
	cJSON_Delete(doc);
	return error;
}

void
cs_nmkr_error_message(const char *body, size_t len, char *out, size_t size)
{
	const char *msg, *details;
	const cJSON *item;
	cJSON *doc;
	int64_t code;

	out[0] = '\0';
	if (len == 0)
		return;
	doc = cJSON_ParseWithLength(body, len);
	if (doc == NULL)
		return;
	msg = opt_string(doc, "errorMessage");
	details = opt_string(doc, "details");
	item = cJSON_GetObjectItem(doc, "errorCode");
	if (msg != NULL && cJSON_IsNumber(item) &&
	    cs_i64_from_double(item->valuedouble, INT_MIN, INT_MAX, &code) == 0)
		snprintf(out, size, "%s (NMKR error %d)", msg, (int)code);
	else {
		/* The first of errorMessage, details and title. */
		if (msg == NULL)
			msg = details;
		if (msg == NULL)
			msg = opt_string(doc, "title");
		if (msg != NULL)
			snprintf(out, size, "%s", msg);
	}
	cJSON_Delete(doc);
}
