/* SPDX-License-Identifier: MIT */
/*
 * fake-blockfrost's API (docs/upstream.md §2): /assets/{asset},
 * /assets/{asset}/addresses and /txs/{hash} under /api/v0 or the root, with
 * Blockfrost's error bodies and limits. Checks run in this order: auto-ban
 * (418), project_id (403), daily quota (402), token bucket (429), handler.
 */
#include "bf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonw.h"
#include "util/log.h"
#include "util/str.h"
#include "util/time.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define MAX_PATH 2048
#define MAX_SEGS 8
#define MAX_PAGE 21474836

enum endpoint {
	EP_ASSET,
	EP_ADDRESSES,
	EP_TX,
	EP_ROOT,
	EP_HEALTH,
	EP_NONE,
};

const char *const cs_fbf__endpoints[] = {
    "assetsById",
    "assetsAddresses",
    "txs",
    "root",
    "health",
    NULL,
};

/* A client's token bucket and ban state. */
struct fbf_client {
	double tokens;
	int64_t last_us;
	int64_t limited; /* 402/429 answers since the last granted request */
	bool banned;
};

/* Split the path (without /api/v0) and name the endpoint. */
static enum endpoint
route(char *path, char **segs, int *nsegs)
{
	int n = cs_fake_split_path(path, segs, MAX_SEGS), off = 0;

	if (n >= 2 && strcmp(segs[0], "api") == 0 && strcmp(segs[1], "v0") == 0)
		off = 2;
	n -= off;
	memmove(segs, segs + off, (size_t)(n > 0 ? n : 0) * sizeof(*segs));
	*nsegs = n;
	if (n == 0)
		return EP_ROOT;
	if (n == 1 && strcmp(segs[0], "health") == 0)
		return EP_HEALTH;
	if (n == 2 && strcmp(segs[0], "assets") == 0)
		return EP_ASSET;
	if (n == 3 && strcmp(segs[0], "assets") == 0 &&
	    strcmp(segs[2], "addresses") == 0)
		return EP_ADDRESSES;
	if (n == 2 && strcmp(segs[0], "txs") == 0)
		return EP_TX;
	return EP_NONE;
}

const char *
cs_fbf__classify(const char *method, const char *path, void *payload)
{
	char buf[MAX_PATH], *segs[MAX_SEGS];
	enum endpoint ep;
	int n;

	(void)method;
	(void)payload;
	if (!cs_str_copy(buf, path, sizeof(buf)))
		return NULL;
	ep = route(buf, segs, &n);
	return ep != EP_NONE ? cs_fbf__endpoints[ep] : NULL;
}

/* ---- Errors ------------------------------------------------------------- */

static void
bf_error(struct cs_fake_resp *out, int status)
{
	const char *error, *message;
	struct cs_jw w;

	switch (status) {
	case 400:
		error = "Bad Request";
		message = "Backend did not understand your request.";
		break;
	case 402:
		error = "Project Over Limit";
		message = "Usage is over limit.";
		break;
	case 403:
		error = "Forbidden";
		message = "Invalid project token.";
		break;
	case 404:
		error = "Not Found";
		message = "The requested component has not been found.";
		break;
	case 418:
		error = "Requested Banned";
		message = "IP has been auto-banned for flooding.";
		break;
	case 425:
		error = "Mempool Full";
		message = "Mempool is full, please try resubmitting again "
		          "later.";
		break;
	case 429:
		error = "Project Over Limit";
		message = "Usage is over limit.";
		break;
	case 502:
		error = "Bad Gateway";
		message = "An unexpected response was received from the "
		          "backend.";
		break;
	case 503:
		error = "Service Unavailable";
		message = "An unexpected response was received from the "
		          "backend.";
		break;
	default:
		error = "Internal Server Error";
		message = "An unexpected response was received from the "
		          "backend.";
		break;
	}
	cs_jw_init(&w, 4096);
	cs_jw_obj(&w);
	cs_jw_ki64(&w, "status_code", status);
	cs_jw_kstr(&w, "error", error);
	cs_jw_kstr(&w, "message", message);
	cs_jw_obj_end(&w);
	cs_fake_resp_jw(out, status, &w);
	out->content_type = CS_FAKE_JSON;
}

void
cs_fbf__error_body(
    struct cs_fake_resp *out, int status, int retry_after, void *payload)
{
	(void)retry_after;
	(void)payload;
	bf_error(out, status);
}

/* ---- Limits ------------------------------------------------------------- */

/* Note a granted request at now_us in the 1-second window. Holds lim_lock. */
static void
window_push(struct fbf *f, int64_t now_us)
{
	size_t i, n;
	int64_t *grown;

	while (f->win_len > 0 && f->win[f->win_head] <= now_us - 1000000) {
		f->win_head = (f->win_head + 1) % f->win_cap;
		f->win_len--;
	}
	if (f->win_len == f->win_cap) {
		if (f->win_cap >= FBF_WINDOW_MAX) {
			/* Full: forget the oldest rather than grow. */
			f->win_head = (f->win_head + 1) % f->win_cap;
			f->win_len--;
		} else {
			n = f->win_cap != 0 ? f->win_cap * 2 : 1024;
			grown = cs_xcalloc(n, sizeof(*grown));
			for (i = 0; i < f->win_len; i++)
				grown[i] =
				    f->win[(f->win_head + i) % f->win_cap];
			free(f->win);
			f->win = grown;
			f->win_cap = n;
			f->win_head = 0;
		}
	}
	f->win[(f->win_head + f->win_len) % f->win_cap] = now_us;
	f->win_len++;
	if ((int64_t)f->win_len > f->max_per_s)
		f->max_per_s = (int64_t)f->win_len;
}

/* @return 0 to serve, or 402, 418 or 429 */
static int
limit(struct fbf *f, const char *ip)
{
	struct fbf_client *c;
	int64_t now_us = cs_mono_us(), day = cs_now_ms() / 86400000;
	double refill;
	int status = 0;

	pthread_mutex_lock(&f->lim_lock);
	c = cs_fmap_get(&f->clients, ip);
	if (c == NULL) {
		c = cs_xcalloc(1, sizeof(*c));
		c->tokens = f->opts.burst;
		c->last_us = now_us;
		cs_fmap_put(&f->clients, ip, c);
	}
	if (c->banned) {
		status = 418;
		goto out;
	}
	refill = (double)(now_us - c->last_us) / 1e6 * f->opts.rate;
	c->tokens += refill;
	if (c->tokens > f->opts.burst)
		c->tokens = f->opts.burst;
	c->last_us = now_us;
	if (day != f->day) {
		f->day = day;
		f->day_used = 0;
	}
	if (f->opts.daily_quota > 0 && f->day_used >= f->opts.daily_quota)
		status = 402;
	else if (f->opts.rate > 0 && c->tokens < 1.0)
		status = 429;
	if (status != 0) {
		/* The first limited answer is fair; ban_after more ban. */
		c->limited++;
		if (c->limited - 1 > f->opts.ban_after) {
			c->banned = true;
			status = 418;
			cs_log_warn("fake-blockfrost", "auto-banned %s", ip);
		}
		goto out;
	}
	if (f->opts.rate > 0)
		c->tokens -= 1.0;
	c->limited = 0;
	f->day_used++;
	f->granted++;
	window_push(f, now_us);
out:
	pthread_mutex_unlock(&f->lim_lock);
	return status;
}

void
cs_fbf__limits_reset(struct fbf *f)
{
	pthread_mutex_lock(&f->lim_lock);
	cs_fmap_dispose(&f->clients, free);
	f->day_used = 0;
	f->granted = 0;
	f->win_len = 0;
	f->win_head = 0;
	f->max_per_s = 0;
	pthread_mutex_unlock(&f->lim_lock);
}

void
cs_fbf__stats_reset(void *payload)
{
	struct fbf *f = payload;

	pthread_mutex_lock(&f->lim_lock);
	f->granted = 0;
	f->max_per_s = 0;
	f->win_len = 0;
	f->win_head = 0;
	pthread_mutex_unlock(&f->lim_lock);
}

struct ban_count {
	int64_t n;
};

static void
count_banned(const char *key, void *val, void *payload)
{
	const struct fbf_client *c = val;
	struct ban_count *bc = payload;

	(void)key;
	if (c->banned)
		bc->n++;
}

void
cs_fbf__stats_extra(struct cs_jw *w, void *payload)
{
	struct fbf *f = payload;
	struct ban_count bc = {0};

	pthread_mutex_lock(&f->lim_lock);
	cs_fmap_each(&f->clients, count_banned, &bc);
	cs_jw_ki64(w, "granted", (int64_t)f->granted);
	cs_jw_ki64(w, "maxPerSecond", f->max_per_s);
	cs_jw_ki64(w, "dailyUsed", f->day_used);
	cs_jw_ki64(w, "banned", bc.n);
	pthread_mutex_unlock(&f->lim_lock);
}

/* ---- Handlers ----------------------------------------------------------- */

static void
get_asset(struct fbf *f, struct cs_fake_resp *out, const char *id)
{
	const struct fbf_asset *a;
	struct cs_jw w;

	cs_jw_init(&w, 1024 * 1024);
	pthread_rwlock_rdlock(&f->lock);
	a = cs_fmap_get(&f->assets, id);
	if (a == NULL) {
		pthread_rwlock_unlock(&f->lock);
		cs_jw_dispose(&w);
		bf_error(out, 404);
		return;
	}
	cs_fbf__write_asset(&w, a);
	pthread_rwlock_unlock(&f->lock);
	cs_fake_resp_jw(out, 200, &w);
	out->content_type = CS_FAKE_JSON;
}

/* count, page and order as Blockfrost validates them. */
static bool
paging(const struct cs_fake_req *req, int64_t *count, int64_t *page, bool *desc)
{
	const char *c = cs_fake_req_arg(req, "count");
	const char *p = cs_fake_req_arg(req, "page");
	const char *o = cs_fake_req_arg(req, "order");

	*count = 100;
	*page = 1;
	*desc = false;
	if (c != NULL && cs_str_to_i64(c, 1, 100, count) < 0)
		return false;
	if (p != NULL && cs_str_to_i64(p, 1, MAX_PAGE, page) < 0)
		return false;
	if (o != NULL) {
		if (strcmp(o, "desc") == 0)
			*desc = true;
		else if (strcmp(o, "asc") != 0)
			return false;
	}
	return true;
}

static void
get_addresses(struct fbf *f, struct cs_fake_resp *out, const char *id,
    const struct cs_fake_req *req)
{
	const struct fbf_asset *a;
	const struct fbf_holder *h;
	int64_t count, page, start, k;
	struct cs_jw w;
	bool desc;

	if (!paging(req, &count, &page, &desc)) {
		bf_error(out, 400);
		return;
	}
	cs_jw_init(&w, CS_FAKE_MAX_RESPONSE);
	pthread_rwlock_rdlock(&f->lock);
	a = cs_fmap_get(&f->assets, id);
	if (a == NULL) {
		pthread_rwlock_unlock(&f->lock);
		cs_jw_dispose(&w);
		bf_error(out, 404);
		return;
	}
	cs_jw_arr(&w);
	start = (page - 1) * count;
	for (k = start; k < start + count && k < (int64_t)a->nholders; k++) {
		h = &a->holders[desc ? (int64_t)a->nholders - 1 - k : k];
		cs_jw_obj(&w);
		cs_jw_kstr(&w, "address", h->address);
		cs_jw_kstr(&w, "quantity", h->quantity);
		cs_jw_obj_end(&w);
	}
	cs_jw_arr_end(&w);
	pthread_rwlock_unlock(&f->lock);
	cs_fake_resp_jw(out, 200, &w);
	out->content_type = CS_FAKE_JSON;
}

static void
get_tx(struct fbf *f, struct cs_fake_resp *out, const char *hash)
{
	const struct fbf_tx *t;
	struct cs_jw w;
	size_t i;

	cs_jw_init(&w, 1024 * 1024);
	pthread_rwlock_rdlock(&f->lock);
	t = cs_fmap_get(&f->txs, hash);
	if (t == NULL) {
		pthread_rwlock_unlock(&f->lock);
		cs_jw_dispose(&w);
		bf_error(out, 404);
		return;
	}
	cs_jw_obj(&w);
	cs_jw_kstr(&w, "hash", t->hash);
	cs_jw_kstr(&w, "block", t->block);
	cs_jw_ki64(&w, "block_height", t->height);
	cs_jw_ki64(&w, "block_time", t->time_s);
	cs_jw_ki64(&w, "slot", t->time_s - FBF_SHELLEY_OFFSET_S);
	cs_jw_ki64(&w, "index", 0);
	cs_jw_key(&w, "output_amount");
	cs_jw_arr(&w);
	cs_jw_obj(&w);
	cs_jw_kstr(&w, "unit", "lovelace");
	cs_jw_kstr(&w, "quantity", "1500000");
	cs_jw_obj_end(&w);
	for (i = 0; i < t->nassets; i++) {
		cs_jw_obj(&w);
		cs_jw_kstr(&w, "unit", t->assets[i]);
		cs_jw_kstr(&w, "quantity", "1");
		cs_jw_obj_end(&w);
	}
	cs_jw_arr_end(&w);
	cs_jw_kstr(&w, "fees", "185000");
	cs_jw_kstr(&w, "deposit", "0");
	cs_jw_ki64(&w, "size", 600);
	cs_jw_knull(&w, "invalid_before");
	cs_jw_knull(&w, "invalid_hereafter");
	cs_jw_ki64(&w, "utxo_count", 2);
	cs_jw_ki64(&w, "withdrawal_count", 0);
	cs_jw_ki64(&w, "mir_cert_count", 0);
	cs_jw_ki64(&w, "delegation_count", 0);
	cs_jw_ki64(&w, "stake_cert_count", 0);
	cs_jw_ki64(&w, "pool_update_count", 0);
	cs_jw_ki64(&w, "pool_retire_count", 0);
	cs_jw_ki64(&w, "asset_mint_or_burn_count", (int64_t)t->nassets);
	cs_jw_ki64(&w, "redeemer_count", 0);
	cs_jw_kbool(&w, "valid_contract", true);
	cs_jw_kstr(&w, "treasury_donation", "0");
	cs_jw_obj_end(&w);
	pthread_rwlock_unlock(&f->lock);
	cs_fake_resp_jw(out, 200, &w);
	out->content_type = CS_FAKE_JSON;
}

void
cs_fbf__upstream(
    struct cs_fake_resp *out, const struct cs_fake_req *req, void *payload)
{
	struct fbf *f = payload;
	char path[MAX_PATH], *segs[MAX_SEGS];
	const char *ip, *pid;
	enum endpoint ep;
	int n, status;

	ip = cs_fake_req_header(req, "X-Real-IP");
	if (ip == NULL || *ip == '\0')
		ip = req->client_ip;
	pthread_mutex_lock(&f->lim_lock);
	{
		const struct fbf_client *c = cs_fmap_get(&f->clients, ip);

		status = c != NULL && c->banned ? 418 : 0;
	}
	pthread_mutex_unlock(&f->lim_lock);
	if (status != 0) {
		bf_error(out, status);
		return;
	}
	pid = cs_fake_req_header(req, "project_id");
	if (pid == NULL || strcmp(pid, f->opts.project_id) != 0) {
		bf_error(out, 403);
		return;
	}
	status = limit(f, ip);
	if (status != 0) {
		bf_error(out, status);
		return;
	}
	if (!cs_str_copy(path, req->path, sizeof(path))) {
		bf_error(out, 404);
		return;
	}
	ep = route(path, segs, &n);
	if (ep != EP_NONE && strcmp(req->method, "GET") != 0) {
		bf_error(out, 400);
		return;
	}
	switch (ep) {
	case EP_ASSET:
		get_asset(f, out, segs[1]);
		break;
	case EP_ADDRESSES:
		get_addresses(f, out, segs[1], req);
		break;
	case EP_TX:
		get_tx(f, out, segs[1]);
		break;
	case EP_ROOT:
		cs_fake_resp_copy(out, 200,
		    "{\"url\":\"https://blockfrost.io/"
		    "\",\"version\":\"0.1.91\"}");
		out->content_type = CS_FAKE_JSON;
		break;
	case EP_HEALTH:
		cs_fake_resp_copy(out, 200, "{\"is_healthy\":true}");
		out->content_type = CS_FAKE_JSON;
		break;
	default:
		bf_error(out, 404);
		break;
	}
}
