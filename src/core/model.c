/* SPDX-License-Identifier: MIT */
/* Names, parsers and dispose functions of the data model; see model.h. */
#include "core/model.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/str.h"
#include "util/xalloc.h"
#include "core/pure.h"

static const char *const nft_status_names[] = {"available", "reserved", "sold"};
static const char *const source_names[] = {"user", "admin", "webhook",
    "manual_sync", "auto_sync", "blockchain", "expiry"};
static const char *const remote_state_names[] = {
    "free", "reserved", "sold", "error", "blocked", "burned", "unknown"};
static const char *const campaign_status_names[] = {"active", "inactive"};
static const char *const network_names[] = {"mainnet", "preprod"};
static const char *const sync_type_names[] = {
    "webhook", "api_pull", "manual_sync"};
static const char *const sync_status_names[] = {"success", "partial", "failed"};
static const char *const chain_status_names[] = {
    "verified", "pending", "error", "mismatch"};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static const char *
name_of(const char *const *names, size_t n, unsigned v)
{
	return v < n ? names[v] : "?";
}

static int
index_of(const char *const *names, size_t n, const char *s, unsigned *out)
{
	size_t i;

	if (s == NULL)
		return CS_EINVAL;
	for (i = 0; i < n; i++) {
		if (strcmp(names[i], s) == 0) {
			*out = (unsigned)i;
			return 0;
		}
	}
	return CS_EINVAL;
}

/* type names a type, which takes no parentheses. */
/* NOLINTBEGIN(bugprone-macro-parentheses) */
#define DEFINE_NAMES(fn_name, fn_parse, type, table)                           \
	const char *fn_name(type v)                                            \
	{                                                                      \
		return name_of(table, NELEM(table), (unsigned)v);              \
	}                                                                      \
	int fn_parse(const char *s, type *out)                                 \
	{                                                                      \
		unsigned v;                                                    \
		int error = index_of(table, NELEM(table), s, &v);              \
		if (error == 0)                                                \
			*out = (type)v;                                        \
		return error;                                                  \
	}
/* NOLINTEND(bugprone-macro-parentheses) */

DEFINE_NAMES(cs_nft_status_name, cs_nft_status_parse, enum cs_nft_status,
    nft_status_names)
DEFINE_NAMES(cs_source_name, cs_source_parse, enum cs_source, source_names)
DEFINE_NAMES(cs_campaign_status_name, cs_campaign_status_parse,
    enum cs_campaign_status, campaign_status_names)
DEFINE_NAMES(cs_network_name, cs_network_parse, enum cs_network, network_names)
DEFINE_NAMES(
    cs_sync_type_name, cs_sync_type_parse, enum cs_sync_type, sync_type_names)
DEFINE_NAMES(cs_sync_status_name, cs_sync_status_parse, enum cs_sync_status,
    sync_status_names)
DEFINE_NAMES(cs_chain_status_name, cs_chain_status_parse, enum cs_chain_status,
    chain_status_names)

const char *
cs_remote_state_name(enum cs_remote_state s)
{
	return name_of(
	    remote_state_names, NELEM(remote_state_names), (unsigned)s);
}

enum cs_remote_state
cs_remote_state_parse(const char *s)
{
	size_t i;

	if (s == NULL)
		return CS_REMOTE_UNKNOWN;
	for (i = 0; i < (size_t)CS_REMOTE_UNKNOWN; i++) {
		if (strcasecmp(remote_state_names[i], s) == 0)
			return (enum cs_remote_state)i;
	}
	return CS_REMOTE_UNKNOWN;
}

int
cs_remote_state_status(enum cs_remote_state s, enum cs_nft_status *out)
{
	switch (s) {
	case CS_REMOTE_FREE:
		*out = CS_NFT_AVAILABLE;
		return 0;
	case CS_REMOTE_RESERVED:
		*out = CS_NFT_RESERVED;
		return 0;
	case CS_REMOTE_SOLD:
		*out = CS_NFT_SOLD;
		return 0;
	default:
		return CS_EINVAL;
	}
}

int64_t
cs_name_number(const char *name)
{
	const char *hash = name != NULL ? strrchr(name, '#') : NULL;
	int64_t n;

	if (hash == NULL || cs_str_to_i64(hash + 1, 1, INT32_MAX, &n) < 0)
		return 0;
	return n;
}

void
cs_counts_add(struct cs_counts *c, enum cs_nft_status s, int64_t delta)
{
	c->total += delta;
	switch (s) {
	case CS_NFT_AVAILABLE:
		c->available += delta;
		break;
	case CS_NFT_RESERVED:
		c->reserved += delta;
		break;
	case CS_NFT_SOLD:
		c->sold += delta;
		break;
	}
}

void
cs_campaign_dispose(struct cs_campaign *c)
{
	if (c == NULL)
		return;
	free(c->name);
	free(c->description);
	free(c->nmkr_project_uid);
	free(c->webhook_secret);
	free(c->webhook_secret_prev);
	memset(c, 0, sizeof(*c));
}

void
cs_nft_dispose(struct cs_nft *n)
{
	if (n == NULL)
		return;
	free(n->nft_uid);
	free(n->name);
	free(n->project_uid);
	free(n->payment_url);
	free(n->image_url);
	free(n->asset_id);
	free(n->reserved_by);
	free(n->sold_to);
	free(n->tx_hash);
	free(n->claimed_by);
	free(n->sold_at_raw);
	memset(n, 0, sizeof(*n));
}

void
cs_nft_copy(struct cs_nft *dst, const struct cs_nft *src)
{
	*dst = *src;
	dst->nft_uid = cs_xstrdup_null(src->nft_uid);
	dst->name = cs_xstrdup_null(src->name);
	dst->project_uid = cs_xstrdup_null(src->project_uid);
	dst->payment_url = cs_xstrdup_null(src->payment_url);
	dst->image_url = cs_xstrdup_null(src->image_url);
	dst->asset_id = cs_xstrdup_null(src->asset_id);
	dst->reserved_by = cs_xstrdup_null(src->reserved_by);
	dst->sold_to = cs_xstrdup_null(src->sold_to);
	dst->tx_hash = cs_xstrdup_null(src->tx_hash);
	dst->claimed_by = cs_xstrdup_null(src->claimed_by);
	dst->sold_at_raw = cs_xstrdup_null(src->sold_at_raw);
}

void
cs_sync_log_dispose(struct cs_sync_log *l)
{
	if (l == NULL)
		return;
	free(l->nmkr_project_uid);
	free(l->errors);
	free(l->synced_data);
	memset(l, 0, sizeof(*l));
}

void
cs_webhook_event_dispose(struct cs_webhook_event *e)
{
	if (e == NULL)
		return;
	free(e->project_uid);
	free(e->event_type);
	free(e->dedupe_key);
	free(e->tx_hash);
	free(e->raw_body);
	free(e->body_sha256);
	free(e->outcome);
	free(e->detail);
	memset(e, 0, sizeof(*e));
}

void
cs_review_item_dispose(struct cs_review_item *r)
{
	if (r == NULL)
		return;
	free(r->nft_uid);
	free(r->kind);
	free(r->remote_state);
	free(r->detail);
	free(r->resolution);
	memset(r, 0, sizeof(*r));
}

void
cs_chain_check_dispose(struct cs_chain_check *c)
{
	if (c == NULL)
		return;
	free(c->asset_id);
	free(c->message);
	free(c->addresses);
	memset(c, 0, sizeof(*c));
}

void
cs_sync_run_dispose(struct cs_sync_run *r)
{
	if (r == NULL)
		return;
	free(r->owner);
	free(r->phase);
	free(r->outcome);
	memset(r, 0, sizeof(*r));
}

bool
cs_nft_name_number(const char *name, int64_t *out)
{
	const char *end, *start;
	int64_t n = 0;

	if (name == NULL)
		return false;
	for (end = name + strlen(name); end > name; end--)
		if (end[-1] >= '0' && end[-1] <= '9')
			break;
	if (end == name)
		return false;
	for (start = end; start > name; start--)
		if (start[-1] < '0' || start[-1] > '9')
			break;
	/* 18 digits at most: past that it is no NFT number. */
	if (end - start > 18)
		start = end - 18;
	for (; start < end; start++)
		n = n * 10 + (*start - '0');
	*out = n;
	return true;
}

static int
str_cmp(const char *a, const char *b)
{
	return strcmp(a != NULL ? a : "", b != NULL ? b : "");
}

int
cs_nft_name_cmp(const char *a, const char *a_tiebreak, const char *b,
    const char *b_tiebreak)
{
	int64_t x = 0, y = 0;
	bool hx = cs_nft_name_number(a, &x), hy = cs_nft_name_number(b, &y);
	int c;

	if (hx != hy)
		return hx ? -1 : 1;
	if (x != y)
		return x < y ? -1 : 1;
	c = str_cmp(a_tiebreak, b_tiebreak);
	return c != 0 ? c : str_cmp(a, b);
}
