/* SPDX-License-Identifier: MIT */
/* Blockfrost response decoders; see blockfrost_json.h. */
#include "clients/blockfrost_json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clients/json.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define MAX_QUANTITY_DIGITS 78

void
cs_bf_asset_dispose(struct cs_bf_asset *a)
{
	free(a->asset);
	free(a->policy_id);
	free(a->asset_name);
	free(a->fingerprint);
	free(a->quantity);
	free(a->initial_mint_tx_hash);
	memset(a, 0, sizeof(*a));
}

void
cs_bf_holders_init(struct cs_bf_holders *h)
{
	memset(h, 0, sizeof(*h));
}

void
cs_bf_holders_dispose(struct cs_bf_holders *h)
{
	size_t i;

	for (i = 0; i < h->n; i++) {
		free(h->items[i].address);
		free(h->items[i].quantity);
	}
	free(h->items);
	cs_bf_holders_init(h);
}

bool
cs_bf_is_quantity(const char *s)
{
	size_t n;

	if (s == NULL || *s == '\0')
		return false;
	n = strspn(s, "0123456789");
	return s[n] == '\0' && n <= MAX_QUANTITY_DIGITS;
}

const char *
cs_bf_quantity_norm(const char *s)
{
	while (s[0] == '0' && s[1] != '\0')
		s++;
	return s;
}

/* A quantity field: a string of digits (Blockfrost never sends a number). */
static int
get_quantity(
    const cJSON *obj, const char *ctx, const char **out, struct cs_error *err)
{
	int error;

	error = cs_json_get_string(obj, "quantity", true, ctx, out, err);
	if (error < 0)
		return error;
	if (!cs_bf_is_quantity(*out))
		return cs_error_set(err, CS_EPARSE,
		    "%s.quantity: '%.40s' is not a whole number", ctx, *out);
	return 0;
}

int
cs_bf_decode_asset(
    const char *body, size_t len, struct cs_bf_asset *out, struct cs_error *err)
{
	static const char ctx[] = "asset";
	const char *asset = NULL, *policy = NULL, *name = NULL;
	const char *fingerprint = NULL, *quantity = NULL, *tx = NULL;
	int64_t count = 0;
	cJSON *doc = NULL;
	int error;

	memset(out, 0, sizeof(*out));
	error = cs_json_parse_shape(body, len, ctx, false, &doc, err);
	if (error < 0)
		return error;
	error = cs_json_get_string(doc, "asset", true, ctx, &asset, err);
	if (error == 0)
		error = cs_json_get_string(
		    doc, "policy_id", true, ctx, &policy, err);
	if (error == 0)
		error = cs_json_get_string(
		    doc, "asset_name", false, ctx, &name, err);
	if (error == 0)
		error = cs_json_get_string(
		    doc, "fingerprint", true, ctx, &fingerprint, err);
	if (error == 0)
		error = get_quantity(doc, ctx, &quantity, err);
	if (error == 0)
		error = cs_json_get_string(
		    doc, "initial_mint_tx_hash", true, ctx, &tx, err);
	if (error == 0)
		error = cs_json_get_int(
		    doc, "mint_or_burn_count", true, ctx, &count, err);
	if (error < 0)
		goto out;
	out->asset = cs_xstrdup_null(asset);
	out->policy_id = cs_xstrdup_null(policy);
	out->asset_name =
	    name != NULL && *name != '\0' ? cs_xstrdup_null(name) : NULL;
	out->fingerprint = cs_xstrdup_null(fingerprint);
	out->quantity = cs_xstrdup_null(quantity);
	out->initial_mint_tx_hash = cs_xstrdup_null(tx);
	out->mint_or_burn_count = count;
out:
	cJSON_Delete(doc);
	return error;
}

int
cs_bf_decode_holders(const char *body, size_t len, int page,
    struct cs_bf_holders *list, size_t *count, struct cs_error *err)
{
	char what[48], ctx[64];
	const char *address = NULL, *quantity = NULL;
	const cJSON *item;
	cJSON *doc = NULL;
	size_t i = 0;
	int error;

	*count = 0;
	snprintf(what, sizeof(what), "addresses page %d", page);
	error = cs_json_parse_shape(body, len, what, true, &doc, err);
	if (error < 0)
		return error;
	cJSON_ArrayForEach(item, doc) {
		snprintf(ctx, sizeof(ctx), "%s[%zu]", what, i);
		if (!cJSON_IsObject(item)) {
			error = cs_error_set(
			    err, CS_EPARSE, "%s: expected an object", ctx);
			goto out;
		}
		error = cs_json_get_string(
		    item, "address", true, ctx, &address, err);
		if (error == 0)
			error = get_quantity(item, ctx, &quantity, err);
		if (error < 0)
			goto out;
		if (*address == '\0') {
			error = cs_error_set(
			    err, CS_EPARSE, "%s.address: empty", ctx);
			goto out;
		}
		if (list->n == list->cap) {
			list->cap = list->cap != 0 ? list->cap * 2 : 8;
			list->items = cs_xreallocarray(
			    list->items, list->cap, sizeof(*list->items));
		}
		list->items[list->n].address = cs_xstrdup(address);
		list->items[list->n].quantity = cs_xstrdup(quantity);
		list->n++;
		i++;
	}
	*count = i;
out:
	cJSON_Delete(doc);
	return error;
}

void
cs_bf_error_message(const char *body, size_t len, char *out, size_t size)
{
	const char *msg;
	cJSON *doc;

	out[0] = '\0';
	if (body == NULL || len == 0)
		return;
	doc = cJSON_ParseWithLength(body, len);
	if (!cJSON_IsObject(doc)) {
		cJSON_Delete(doc);
		return;
	}
	msg = cJSON_GetStringValue(cJSON_GetObjectItem(doc, "message"));
	if (msg == NULL || *msg == '\0')
		msg = cJSON_GetStringValue(cJSON_GetObjectItem(doc, "error"));
	if (msg != NULL)
		snprintf(out, size, "%s", msg);
	cJSON_Delete(doc);
}
