/* SPDX-License-Identifier: MIT */
/*
 * fake-nmkr's upstream API: the /v2 endpoints as docs/upstream.md §1 describes
 * them, with NMKR's order of checks (rate limit, ASP.NET model validation,
 * API key, result cache, handler), its error bodies and its quirks (406 then
 * 404 for an unknown project, zeros for unknown GetCounts, 204 for no
 * notifications, rotating webhook secrets).
 */
#include "nmkr.h"

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
#define MAX_KEY 512
#define PROBLEM_JSON "application/problem+json; charset=utf-8"

enum endpoint {
	EP_GETNFTS,
	EP_GETCOUNTS,
	EP_PROJECTDETAILS,
	EP_NFTDETAILS,
	EP_GETNOTIFICATIONS,
	EP_UPDATENOTIFICATIONS,
	EP_COUNT,
};

const char *const cs_fnmkr__endpoints[] = {
    "GetNfts",
    "GetCounts",
    "GetProjectDetails",
    "GetNftDetailsById",
    "GetNotifications",
    "UpdateNotifications",
    NULL,
};

/* What NMKR's controller caches (NMKR's source, NMKR.Api/Controllers/v2/
 * and CheckCachedAccess.cs): every answer the controller gives (200, 401,
 * 404, 406), only its errors (GetNotifications: a cached 200 is not
 * replayed, 401s are kept 60 s), or nothing (POST). */
enum cache_rule {
	CACHE_NONE,
	CACHE_ALL,
	CACHE_ERRORS,
};

/* Path arguments after the endpoint name, and what NMKR caches. */
static const struct {
	int nargs;
	const char *method;
	enum cache_rule cache;
} routes[EP_COUNT] = {
    {4, "GET", CACHE_ALL},
    {1, "GET", CACHE_ALL},
    {1, "GET", CACHE_ALL},
    {1, "GET", CACHE_ALL},
    {1, "GET", CACHE_ERRORS},
    {1, "POST", CACHE_NONE},
};

/* GetNotifications keeps a cached 401 for 60 s instead of 20. */
#define NOTIFICATIONS_401_TTL_S 60

/* A client's fixed rate-limit window (AspNetCoreRateLimit). */
struct fnmkr_window {
	int64_t start_ms;
	int64_t count;
};

/* A cached answer. */
struct cached {
	int status;
	char *body;
	size_t len;
	const char *content_type;
	int64_t expires_ms;
};

static int
endpoint_index(const char *name)
{
	int i;

	for (i = 0; i < EP_COUNT; i++) {
		if (cs_str_ieq(name, cs_fnmkr__endpoints[i]))
			return i;
	}
	return -1;
}

const char *
cs_fnmkr__classify(const char *method, const char *path, void *payload)
{
	char buf[MAX_PATH], *segs[MAX_SEGS];
	int n, ep;

	(void)method;
	(void)payload;
	if (!cs_str_copy(buf, path, sizeof(buf)))
		return NULL;
	n = cs_fake_split_path(buf, segs, MAX_SEGS);
	if (n < 2 || !cs_str_ieq(segs[0], "v2"))
		return NULL;
	ep = endpoint_index(segs[1]);
	return ep >= 0 ? cs_fnmkr__endpoints[ep] : NULL;
}

/* ---- Bodies ------------------------------------------------------------- */

static void
api_error(struct cs_fake_resp *out, int http, int code, const char *msg)
{
	struct cs_jw w;

	cs_jw_init(&w, 64 * 1024);
	cs_jw_obj(&w);
	cs_jw_kstr(&w, "resultState", "Error");
	cs_jw_kstr(&w, "errorMessage", msg);
	cs_jw_ki64(&w, "errorCode", code);
	cs_jw_knull(&w, "innerErrorMessage");
	cs_jw_obj_end(&w);
	cs_fake_resp_jw(out, http, &w);
	out->content_type = CS_FAKE_JSON;
}

static void
cowboy(struct cs_fake_resp *out, int limit, int retry_after)
{
	char body[256];

	snprintf(body, sizeof(body),
	    "{\"message\":\"Whoa! Calm down, cowboy!\",\"details\":\"Quota "
	    "exceeded. Maximum allowed: %d per 10s. Please try again in %d "
	    "second(s).\"}",
	    limit, retry_after);
	cs_fake_resp_copy(out, 429, body);
	out->content_type = "application/json";
	out->retry_after = retry_after;
}

void
cs_fnmkr__error_body(
    struct cs_fake_resp *out, int status, int retry_after, void *payload)
{
	struct fnmkr *f = payload;
	const char *msg;
	int code = status;

	if (status == 429) {
		cowboy(out, f->opts.rate_limit > 0 ? f->opts.rate_limit : 800,
		    retry_after >= 0 ? retry_after : 1);
		return;
	}
	switch (status) {
	case 401:
		msg = "Apikey/Accesstoken is not correct";
		code = 1;
		break;
	case 404:
		msg = "Not found";
		break;
	case 406:
		msg = "Not acceptable";
		break;
	case 500:
		msg = "Internal server error";
		break;
	case 502:
		msg = "Bad gateway";
		break;
	case 503:
		msg = "Service unavailable";
		break;
	case 504:
		msg = "Gateway timeout";
		break;
	default:
		msg = "Error";
		break;
	}
	api_error(out, status, code, msg);
}

/* ASP.NET's automatic 400 for [Range] and binding failures. */
struct problem {
	const char *key[2];
	char msg[2][128];
	int n;
};

static void
problem_add(struct problem *pb, const char *key, const char *msg)
{
	if (pb->n == 2)
		return;
	pb->key[pb->n] = key;
	cs_str_copy(pb->msg[pb->n], msg, sizeof(pb->msg[0]));
	pb->n++;
}

static void
problem_send(struct cs_fake_resp *out, const struct problem *pb)
{
	struct cs_jw w;
	char trace[64], a[33], b[17];
	int i;

	cs_fake_random_hex(16, a);
	cs_fake_random_hex(8, b);
	snprintf(trace, sizeof(trace), "00-%s-%s-00", a, b);
	cs_jw_init(&w, 64 * 1024);
	cs_jw_obj(&w);
	cs_jw_kstr(
	    &w, "type", "https://tools.ietf.org/html/rfc7231#section-6.5.1");
	cs_jw_kstr(&w, "title", "One or more validation errors occurred.");
	cs_jw_ki64(&w, "status", 400);
	cs_jw_kstr(&w, "traceId", trace);
	cs_jw_key(&w, "errors");
	cs_jw_obj(&w);
	for (i = 0; i < pb->n; i++) {
		cs_jw_key(&w, pb->key[i]);
		cs_jw_arr(&w);
		cs_jw_str(&w, pb->msg[i]);
		cs_jw_arr_end(&w);
	}
	cs_jw_obj_end(&w);
	cs_jw_obj_end(&w);
	cs_fake_resp_jw(out, 400, &w);
	out->content_type = PROBLEM_JSON;
}

/* ---- Rate limit and cache ---------------------------------------------- */

/* @return true when ip is over the limit; *retry gets the seconds to wait */
static bool
rate_limited(struct fnmkr *f, const char *ip, int64_t now, int *retry)
{
	struct fnmkr_window *w;
	int64_t left;
	bool over;

	if (f->opts.rate_limit <= 0)
		return false;
	pthread_mutex_lock(&f->rate_lock);
	w = cs_fmap_get(&f->rate, ip);
	if (w == NULL) {
		w = cs_xcalloc(1, sizeof(*w));
		w->start_ms = now;
		cs_fmap_put(&f->rate, ip, w);
	}
	if (now - w->start_ms >= FNMKR_RATE_WINDOW_MS) {
		w->start_ms = now;
		w->count = 0;
	}
	w->count++;
	over = w->count > f->opts.rate_limit;
	left = w->start_ms + FNMKR_RATE_WINDOW_MS - now;
	pthread_mutex_unlock(&f->rate_lock);
	/* AspNetCoreRateLimit rounds to whole seconds, at least 1. */
	*retry = (int)((left + 500) / 1000);
	if (*retry < 1)
		*retry = 1;
	return over;
}

static void
cached_free(void *v)
{
	struct cached *c = v;

	if (c == NULL)
		return;
	free(c->body);
	free(c);
}

void
cs_fnmkr__api_reset(struct fnmkr *f, bool rate, bool cache)
{
	if (rate) {
		pthread_mutex_lock(&f->rate_lock);
		cs_fmap_dispose(&f->rate, free);
		pthread_mutex_unlock(&f->rate_lock);
	}
	if (cache) {
		pthread_mutex_lock(&f->cache_lock);
		cs_fmap_dispose(&f->cache, cached_free);
		pthread_mutex_unlock(&f->cache_lock);
	}
}

static bool
cache_get(
    struct fnmkr *f, const char *key, int64_t now, struct cs_fake_resp *out)
{
	struct cached *c;
	bool hit = false;

	pthread_mutex_lock(&f->cache_lock);
	c = cs_fmap_get(&f->cache, key);
	if (c != NULL && c->expires_ms <= now) {
		cached_free(cs_fmap_del(&f->cache, key));
		c = NULL;
	}
	if (c != NULL) {
		cs_fake_resp_take(out, c->status,
		    c->body != NULL ? cs_xstrndup(c->body, c->len) : NULL,
		    c->len);
		out->content_type = c->content_type;
		hit = true;
	}
	pthread_mutex_unlock(&f->cache_lock);
	return hit;
}

struct purge {
	struct cs_fmap *map;
	int64_t now;
	char **dead;
	size_t ndead;
};

static void
collect_expired(const char *key, void *val, void *payload)
{
	struct purge *pg = payload;
	const struct cached *c = val;

	if (c->expires_ms <= pg->now)
		pg->dead[pg->ndead++] = cs_xstrdup(key);
}

static void
cache_put(struct fnmkr *f, const char *key, int status, const char *body,
    size_t len, const char *ctype, int64_t expires_ms, int64_t now)
{
	struct cached *c;
	struct purge pg;
	size_t i;

	c = cs_xcalloc(1, sizeof(*c));
	c->status = status;
	c->body = body != NULL ? cs_xstrndup(body, len) : NULL;
	c->len = body != NULL ? len : 0;
	c->content_type = ctype;
	c->expires_ms = expires_ms;
	pthread_mutex_lock(&f->cache_lock);
	if (f->cache.len >= FNMKR_CACHE_MAX_ENTRIES) {
		pg.map = &f->cache;
		pg.now = now;
		pg.dead = cs_xcalloc(f->cache.len, sizeof(*pg.dead));
		pg.ndead = 0;
		cs_fmap_each(&f->cache, collect_expired, &pg);
		for (i = 0; i < pg.ndead; i++) {
			cached_free(cs_fmap_del(&f->cache, pg.dead[i]));
			free(pg.dead[i]);
		}
		free(pg.dead);
		if (f->cache.len >= FNMKR_CACHE_MAX_ENTRIES)
			cs_fmap_dispose(&f->cache, cached_free);
	}
	cached_free(cs_fmap_put(&f->cache, key, c));
	pthread_mutex_unlock(&f->cache_lock);
}

/* ---- Authentication ----------------------------------------------------- */

enum auth {
	AUTH_OK,
	AUTH_MISSING,
	AUTH_WRONG,
};

/* The key as NMKR reads it: the header with every "Bearer " removed. */
static enum auth
check_key(const struct fnmkr *f, const struct cs_fake_req *req,
    bool apikey_header, char key[MAX_KEY])
{
	const char *h, *p;
	size_t o = 0;

	h = cs_fake_req_header(req, "Authorization");
	if ((h == NULL || *h == '\0') && apikey_header)
		h = cs_fake_req_header(req, "apikey");
	if (h == NULL || *h == '\0')
		return AUTH_MISSING;
	for (p = h; *p != '\0' && o < MAX_KEY - 1;) {
		if (strncmp(p, "Bearer ", 7) == 0) {
			p += 7;
			continue;
		}
		key[o++] = *p++;
	}
	key[o] = '\0';
	if (*p != '\0' || o == 0)
		return o == 0 ? AUTH_MISSING : AUTH_WRONG;
	return strcmp(key, f->opts.api_key) == 0 ? AUTH_OK : AUTH_WRONG;
}

/* ---- Handlers ----------------------------------------------------------- */

/* GetNfts' state, compared exactly as NMKR's C# `!=` does (so "FREE" and
 * "All" are unknown); blocked NFTs are listed only under all (docs/upstream.md
 * §1.3). -1 for a state NMKR refuses. */
static int
list_state(const char *name)
{
	int s;

	if (strcmp(name, "all") == 0)
		return FNMKR_ALL;
	for (s = 0; s < FNMKR_NSTATES; s++) {
		if (s != FNMKR_BLOCKED &&
		    strcmp(name, cs_fnmkr__state_name((enum fnmkr_state)s)) ==
		        0)
			return s;
	}
	return -1;
}

static void
get_nfts(struct fnmkr *f, struct cs_fake_resp *out, char **args,
    const struct cs_fake_req *req, const char *cache_key, int64_t now,
    bool *cacheable)
{
	struct cs_buf b = CS_BUF_INIT(CS_FAKE_MAX_RESPONSE);
	struct fnmkr_project *p;
	const char *orderby = cs_fake_req_arg(req, "orderby");
	bool by_sell = false, desc = false;
	int64_t count = 0, page = 0;
	size_t len = 0;
	int state;
	char *text;

	/* Model validation has run already; count and page are in range. */
	if (cs_str_to_i64(args[2], 1, 100, &count) < 0 ||
	    cs_str_to_i64(args[3], 1, INT32_MAX, &page) < 0) {
		api_error(out, 500, 500, "Internal server error");
		return;
	}
	state = list_state(args[1]);
	if (state < 0) {
		api_error(out, 406, 20, "State not known");
		return;
	}
	if (count > 50) {
		api_error(out, 406, 20, "Count can not exceed 50");
		return;
	}
	if (orderby == NULL || *orderby == '\0' || cs_str_ieq(orderby, "id")) {
		/* the default */
	} else if (cs_str_ieq(orderby, "id_desc")) {
		desc = true;
	} else if (cs_str_ieq(orderby, "selldate")) {
		by_sell = true;
	} else if (cs_str_ieq(orderby, "selldate_desc")) {
		by_sell = true;
		desc = true;
	} else {
		api_error(out, 406, 22, "Orderby is not valid");
		return;
	}
	pthread_rwlock_rdlock(&f->lock);
	p = cs_fnmkr__project(f, args[0]);
	if (p == NULL) {
		pthread_rwlock_unlock(&f->lock);
		/* NMKR caches this answer with status 404 (docs/upstream.md
		 * §1.3): a client asking again within the cache time gets 404.
		 */
		api_error(out, 406, 50, "Projectuid not known");
		if (f->opts.cache_seconds > 0)
			cache_put(f, cache_key, 404, out->body, out->len,
			    out->content_type,
			    now + (int64_t)f->opts.cache_seconds * 1000, now);
		*cacheable = false;
		return;
	}
	if (cs_fnmkr__page(p, state, by_sell, desc, count, page, &b) < 0) {
		pthread_rwlock_unlock(&f->lock);
		cs_buf_dispose(&b);
		api_error(out, 500, 500, "Internal server error");
		return;
	}
	pthread_rwlock_unlock(&f->lock);
	text = cs_buf_take(&b, &len);
	cs_fake_resp_take(out, 200, text, len);
	out->content_type = CS_FAKE_JSON;
	cs_fnmkr__walk_page_built(f, args[0], page);
}

static void
get_counts(struct fnmkr *f, struct cs_fake_resp *out, const char *uid)
{
	const struct fnmkr_project *p;
	int64_t c[FNMKR_NSTATES], total = 0;
	struct cs_jw w;

	memset(c, 0, sizeof(c));
	pthread_rwlock_rdlock(&f->lock);
	p = cs_fnmkr__project(f, uid);
	if (p != NULL) {
		memcpy(c, p->counts, sizeof(c));
		total = (int64_t)p->len;
	}
	pthread_rwlock_unlock(&f->lock);
	cs_jw_init(&w, 64 * 1024);
	cs_jw_obj(&w);
	cs_jw_ki64(&w, "nftTotal", total);
	cs_jw_ki64(&w, "sold", c[FNMKR_SOLD]);
	cs_jw_ki64(&w, "free", c[FNMKR_FREE]);
	cs_jw_ki64(&w, "reserved", c[FNMKR_RESERVED]);
	cs_jw_ki64(&w, "error", c[FNMKR_ERROR]);
	cs_jw_ki64(&w, "blocked", c[FNMKR_BLOCKED]);
	cs_jw_ki64(&w, "totalTokens", total);
	cs_jw_ki64(&w, "totalBlocked", 0);
	cs_jw_ki64(&w, "unknownOrBurnedState", c[FNMKR_BURNED]);
	cs_jw_obj_end(&w);
	cs_fake_resp_jw(out, 200, &w);
	out->content_type = CS_FAKE_JSON;
}

static void
get_project_details(struct fnmkr *f, struct cs_fake_resp *out, const char *uid)
{
	const struct fnmkr_project *p;
	struct cs_jw w;
	const int64_t *c;
	int64_t total;

	cs_jw_init(&w, 64 * 1024);
	pthread_rwlock_rdlock(&f->lock);
	p = cs_fnmkr__project(f, uid);
	if (p == NULL) {
		pthread_rwlock_unlock(&f->lock);
		cs_jw_dispose(&w);
		api_error(out, 404, 404, "Project not found");
		return;
	}
	c = p->counts;
	total = (int64_t)p->len;
	cs_jw_obj(&w);
	cs_jw_ki64(&w, "id", p->id);
	cs_jw_kstr(&w, "projectname", p->name);
	cs_jw_knull(&w, "projecturl");
	cs_jw_knull(&w, "projectLogo");
	cs_jw_knull(&w, "state");
	cs_jw_ki64(&w, "free", c[FNMKR_FREE]);
	cs_jw_ki64(&w, "sold", c[FNMKR_SOLD]);
	cs_jw_ki64(&w, "reserved", c[FNMKR_RESERVED]);
	cs_jw_ki64(&w, "total", total);
	cs_jw_ki64(&w, "blocked", c[FNMKR_BLOCKED]);
	cs_jw_ki64(&w, "totalBlocked", 0);
	cs_jw_ki64(&w, "totalTokens", total);
	cs_jw_ki64(&w, "error", c[FNMKR_ERROR]);
	cs_jw_ki64(&w, "unknownOrBurnedState", c[FNMKR_BURNED]);
	cs_jw_kstr(&w, "uid", p->uid);
	cs_jw_ki64(&w, "maxTokenSupply", 1);
	cs_jw_kstr(&w, "description", p->description);
	cs_jw_ki64(&w, "addressReservationTime", p->reservation_minutes);
	cs_jw_kstr(&w, "policyId", p->policy_id);
	cs_jw_kbool(&w, "enableCrossSaleOnPaymentGateway", false);
	cs_jw_kstr(&w, "adaPayoutWalletAddress", p->payout);
	cs_jw_knull(&w, "usdcPayoutWalletAddress");
	cs_jw_kbool(&w, "enableFiatPayments", false);
	cs_jw_knull(&w, "paymentGatewaySaleStart");
	cs_jw_kbool(&w, "enableDecentralPayments", false);
	cs_jw_kstr(&w, "policyLocks", "2030-12-31T00:00:00Z");
	cs_jw_knull(&w, "royaltyAddress");
	cs_jw_knull(&w, "royaltyPercent");
	cs_jw_ki64(&w, "lockslot", 215999999);
	cs_jw_kbool(&w, "disableManualMintingbutton", false);
	cs_jw_kbool(&w, "disableRandomSales", false);
	cs_jw_kbool(&w, "disableSpecificSales", false);
	cs_jw_knull(&w, "twitterHandle");
	cs_jw_kstr(&w, "nmkrAccountOptions", "none");
	cs_jw_knull(&w, "crossmintCollectiondId");
	cs_jw_kstr(&w, "created", "2025-01-01T00:00:00");
	cs_jw_key(&w, "blockchains");
	cs_jw_arr(&w);
	cs_jw_str(&w, "Cardano");
	cs_jw_arr_end(&w);
	cs_jw_knull(&w, "solanaProjectDetails");
	cs_jw_knull(&w, "aptosProjectDetails");
	cs_jw_knull(&w, "solanaPayoutWalletAddress");
	cs_jw_obj_end(&w);
	pthread_rwlock_unlock(&f->lock);
	cs_fake_resp_jw(out, 200, &w);
	out->content_type = CS_FAKE_JSON;
}

static void
get_nft_details(struct fnmkr *f, struct cs_fake_resp *out, const char *uid)
{
	const struct fnmkr_nft *n;
	const struct fnmkr_project *p;
	struct cs_jw w;
	char buf[512], date[32], pnd[33], nnd[33], *meta;

	cs_jw_init(&w, 1024 * 1024);
	pthread_rwlock_rdlock(&f->lock);
	n = cs_fnmkr__nft(f, uid);
	if (n == NULL) {
		pthread_rwlock_unlock(&f->lock);
		cs_jw_dispose(&w);
		api_error(out, 404, 404, "Nft not found");
		return;
	}
	p = n->project;
	cs_jw_obj(&w);
	cs_jw_ki64(&w, "id", n->id);
	cs_jw_kstr(&w, "ipfshash", n->ipfshash);
	cs_jw_kstr(&w, "state", cs_fnmkr__state_name(n->state));
	cs_jw_kstr(&w, "name", n->name);
	cs_jw_kstr(&w, "displayname", n->displayname);
	cs_jw_kstr(&w, "detaildata", n->detaildata);
	cs_jw_kbool(&w, "minted", n->minted);
	cs_jw_kstr(&w, "receiveraddress",
	    n->state == FNMKR_SOLD || n->state == FNMKR_BURNED ? n->receiver
	                                                       : NULL);
	if (n->selldate_ms != 0) {
		cs_fnmkr__datetime(f, n->selldate_ms, date);
		cs_jw_kstr(&w, "selldate", date);
	} else {
		cs_jw_knull(&w, "selldate");
	}
	cs_jw_knull(&w, "soldby");
	if (n->state == FNMKR_RESERVED && n->reserved_until_ms != 0) {
		cs_fnmkr__datetime(f, n->reserved_until_ms, date);
		cs_jw_kstr(&w, "reserveduntil", date);
	} else {
		cs_jw_knull(&w, "reserveduntil");
	}
	cs_jw_kstr(&w, "policyid", p->policy_id);
	cs_jw_kstr(&w, "assetid", n->assetid);
	cs_jw_kstr(&w, "assetname", n->assetname);
	cs_jw_kstr(&w, "fingerprint", n->fingerprint);
	cs_jw_kstr(
	    &w, "initialminttxhash", n->mint_tx[0] != '\0' ? n->mint_tx : NULL);
	cs_jw_knull(&w, "title");
	cs_jw_kstr(&w, "series", n->series);
	snprintf(buf, sizeof(buf), "%s%s", FNMKR_GATEWAY, n->ipfshash);
	cs_jw_kstr(&w, "ipfsGatewayAddress", buf);
	meta = cs_fnmkr__metadata(n);
	cs_jw_kstr(&w, "metadata", meta);
	free(meta);
	cs_jw_ki64(&w, "singlePrice", n->price);
	cs_jw_kstr(&w, "uid", n->uid);
	cs_str_uuid_nodash(p->uid, pnd);
	cs_str_uuid_nodash(n->uid, nnd);
	snprintf(buf, sizeof(buf), "%sp=%s&n=%s", f->pay_base, pnd, nnd);
	cs_jw_kstr(&w, "paymentGatewayLinkForSpecificSale", buf);
	cs_jw_ki64(&w, "sendBackCentralPaymentInLovelace", 0);
	cs_jw_ki64(&w, "priceInLovelaceCentralPayments", n->price);
	cs_jw_knull(&w, "uploadSource");
	cs_jw_knull(&w, "priceInLamportCentralPayments");
	cs_jw_knull(&w, "singlePriceSolana");
	cs_jw_knull(&w, "priceInOctsCentralPayments");
	cs_jw_kstr(&w, "mintedOnBlockchain", "Cardano");
	cs_jw_knull(&w, "mintingfees");
	cs_jw_obj_end(&w);
	pthread_rwlock_unlock(&f->lock);
	cs_fake_resp_jw(out, 200, &w);
	out->content_type = CS_FAKE_JSON;
}

static void
write_notifications(struct cs_jw *w, const struct fnmkr_project *p)
{
	size_t i;

	cs_jw_arr(w);
	for (i = 0; i < p->nnotifs; i++) {
		cs_jw_obj(w);
		cs_jw_kstr(w, "notificationType", p->notifs[i].type);
		cs_jw_kstr(w, "address", p->notifs[i].address);
		cs_jw_kbool(w, "isActive", p->notifs[i].active);
		cs_jw_kstr(w, "secret", p->notifs[i].secret);
		cs_jw_obj_end(w);
	}
	cs_jw_arr_end(w);
}

static void
get_notifications(struct fnmkr *f, struct cs_fake_resp *out, const char *uid)
{
	const struct fnmkr_project *p;
	struct cs_jw w;

	pthread_rwlock_rdlock(&f->lock);
	p = cs_fnmkr__project(f, uid);
	if (p == NULL || p->nnotifs == 0) {
		pthread_rwlock_unlock(&f->lock);
		/* NMKR answers Ok(null) for both, an unknown project too (no
		 * 404): ASP.NET sends 204 with an empty body. */
		cs_fake_resp_take(out, 204, NULL, 0);
		return;
	}
	cs_jw_init(&w, 1024 * 1024);
	write_notifications(&w, p);
	pthread_rwlock_unlock(&f->lock);
	cs_fake_resp_jw(out, 200, &w);
	out->content_type = CS_FAKE_JSON;
}

static bool
valid_url(const char *s)
{
	const char *host;

	if (cs_str_startswith(s, "https://"))
		host = s + 8;
	else if (cs_str_startswith(s, "http://"))
		host = s + 7;
	else
		return false;
	return *host != '\0' && *host != '/' && strchr(s, ' ') == NULL;
}

static bool
valid_email(const char *s)
{
	const char *at = strchr(s, '@');

	return at != NULL && at != s && strchr(at + 1, '.') != NULL &&
	       strchr(s, ' ') == NULL;
}

static void
update_notifications(struct fnmkr *f, struct cs_fake_resp *out, const char *uid,
    const struct cs_fake_req *req)
{
	struct fnmkr_notification *list = NULL;
	struct fnmkr_project *p;
	struct problem pb;
	const cJSON *it, *type, *addr, *active;
	cJSON *doc = NULL;
	struct cs_jw w;
	size_t n = 0, i;

	memset(&pb, 0, sizeof(pb));
	doc = cJSON_ParseWithLength(req->body, req->body_len);
	if (doc == NULL || !cJSON_IsArray(doc)) {
		problem_add(&pb, "$",
		    "The JSON value could not be converted to "
		    "System.Collections.Generic.List`1[NotificationsClassV2].");
		problem_send(out, &pb);
		goto out;
	}
	pthread_rwlock_wrlock(&f->lock);
	p = cs_fnmkr__project(f, uid);
	if (p == NULL) {
		pthread_rwlock_unlock(&f->lock);
		api_error(out, 404, 553, "Project UID not found");
		goto out;
	}
	list = cs_xcalloc((size_t)cJSON_GetArraySize(doc) + 1, sizeof(*list));
	cJSON_ArrayForEach(it, doc) {
		type = cJSON_GetObjectItem(it, "notificationType");
		addr = cJSON_GetObjectItem(it, "address");
		active = cJSON_GetObjectItem(it, "isActive");
		if (!cJSON_IsString(type) || !cJSON_IsString(addr) ||
		    (!cs_str_ieq(type->valuestring, "webhook") &&
		        !cs_str_ieq(type->valuestring, "email"))) {
			pthread_rwlock_unlock(&f->lock);
			problem_add(&pb, "$[0].notificationType",
			    "The JSON value could not be converted to "
			    "NotificationTypes.");
			problem_send(out, &pb);
			goto out;
		}
		if (cs_str_ieq(type->valuestring, "webhook") &&
		    !valid_url(addr->valuestring)) {
			pthread_rwlock_unlock(&f->lock);
			api_error(out, 406, 432,
			    "Notifications: Address is not a valid url");
			goto out;
		}
		if (cs_str_ieq(type->valuestring, "email") &&
		    !valid_email(addr->valuestring)) {
			pthread_rwlock_unlock(&f->lock);
			api_error(out, 406, 436,
			    "Notifications: Address is not a valid email "
			    "address");
			goto out;
		}
		cs_str_copy(
		    list[n].type, type->valuestring, sizeof(list[n].type));
		cs_str_lower(list[n].type);
		list[n].address = cs_xstrdup(addr->valuestring);
		list[n].active = cJSON_IsTrue(active);
		/* Guid.NewGuid().ToString("N"): 32 lowercase hex chars. */
		cs_fake_random_hex(16, list[n].secret);
		n++;
	}
	for (i = 0; i < p->nnotifs; i++)
		free(p->notifs[i].address);
	free(p->notifs);
	p->notifs = list;
	p->nnotifs = n;
	list = NULL;
	n = 0;
	if (p->nnotifs == 0) {
		pthread_rwlock_unlock(&f->lock);
		/* NMKR answers StatusCode(200, null) (the list it reads back
		 * is null); ASP.NET's no-content formatter sends 204. */
		cs_log_info("fake-nmkr", "notifications of %s cleared", uid);
		cs_fake_resp_take(out, 204, NULL, 0);
		goto out;
	}
	cs_jw_init(&w, 1024 * 1024);
	write_notifications(&w, p);
	pthread_rwlock_unlock(&f->lock);
	cs_log_info(
	    "fake-nmkr", "notifications of %s replaced (%zu)", uid, p->nnotifs);
	cs_fake_resp_jw(out, 200, &w);
	out->content_type = CS_FAKE_JSON;
out:
	for (i = 0; i < n; i++)
		free(list[i].address);
	free(list);
	cJSON_Delete(doc);
}

/* ---- Dispatch ----------------------------------------------------------- */

static bool
validate_nfts_args(struct cs_fake_resp *out, char **args)
{
	struct problem pb;
	char msg[128];
	int64_t v;

	memset(&pb, 0, sizeof(pb));
	if (cs_str_to_i64(args[2], INT32_MIN, INT32_MAX, &v) < 0) {
		snprintf(msg, sizeof(msg), "The value '%.64s' is not valid.",
		    args[2]);
		problem_add(&pb, "count", msg);
	} else if (v < 1 || v > 100) {
		problem_add(
		    &pb, "count", "The field count must be between 1 and 100.");
	}
	if (cs_str_to_i64(args[3], INT32_MIN, INT32_MAX, &v) < 0) {
		snprintf(msg, sizeof(msg), "The value '%.64s' is not valid.",
		    args[3]);
		problem_add(&pb, "page", msg);
	} else if (v < 1) {
		problem_add(&pb, "page",
		    "The field page must be between 1 and 2147483647.");
	}
	if (pb.n == 0)
		return true;
	problem_send(out, &pb);
	return false;
}

/*
 * The API key as NMKR's controllers read it before any check: the
 * Authorization header with "Bearer " removed ("" when there is none;
 * GetProjectDetails also reads the apikey header). Written into buf.
 */
static const char *
key_as_read(const struct cs_fake_req *req, int ep, char buf[MAX_KEY])
{
	const char *h, *p;
	size_t o = 0;

	h = cs_fake_req_header(req, "Authorization");
	if ((h == NULL || *h == '\0') && ep == EP_PROJECTDETAILS)
		h = cs_fake_req_header(req, "apikey");
	for (p = h != NULL ? h : ""; *p != '\0' && o < MAX_KEY - 1;) {
		if (strncmp(p, "Bearer ", 7) == 0) {
			p += 7;
			continue;
		}
		buf[o++] = *p++;
	}
	buf[o] = '\0';
	return buf;
}

/*
 * NMKR's result cache key: "result_" + the controller's class name + "_" +
 * the API key + "_" + the controller's parameters (NMKR's source,
 * CheckCachedAccess.cs and each controller's apiparameter). For GetNfts
 * that is project + state + count + "-" + page + "_" + orderby (default
 * "id"), the numbers as bound (so "050" and "50" share an entry); for the
 * others the one path argument. The client's address is not part of it.
 */
static char *
nmkr_cache_key(int ep, const char *key, char **args, const char *orderby)
{
	int64_t count = 0, page = 0;

	if (ep != EP_GETNFTS)
		return cs_xasprintf("result_%sController_%s_%s",
		    cs_fnmkr__endpoints[ep], key, args[0]);
	/* Model validation has run: both are in range. */
	if (cs_str_to_i64(args[2], INT32_MIN, INT32_MAX, &count) < 0 ||
	    cs_str_to_i64(args[3], INT32_MIN, INT32_MAX, &page) < 0)
		count = page = 0;
	return cs_xasprintf("result_GetNftsController_%s_%s%s%lld-%lld_%s", key,
	    args[0], args[1], (long long)count, (long long)page,
	    orderby != NULL ? orderby : "id");
}

void
cs_fnmkr__upstream(
    struct cs_fake_resp *out, const struct cs_fake_req *req, void *payload)
{
	struct fnmkr *f = payload;
	char path[MAX_PATH], *segs[MAX_SEGS], key[MAX_KEY], *cache_key = NULL;
	const char *ip;
	bool cacheable;
	int64_t now = cs_mono_ms(), wall = cs_now_ms();
	int n, ep, retry = 0;
	enum auth auth;

	if (wall >= atomic_load(&f->next_expiry_ms)) {
		pthread_rwlock_wrlock(&f->lock);
		cs_fnmkr__sweep(f, wall);
		pthread_rwlock_unlock(&f->lock);
	}
	ip = cs_fake_req_header(req, "X-Real-IP");
	if (ip == NULL || *ip == '\0')
		ip = req->client_ip;
	if (rate_limited(f, ip, now, &retry)) {
		cowboy(out, f->opts.rate_limit, retry);
		return;
	}
	if (!cs_str_copy(path, req->path, sizeof(path)))
		return;
	n = cs_fake_split_path(path, segs, MAX_SEGS);
	if (n < 2 || !cs_str_ieq(segs[0], "v2"))
		return;
	ep = endpoint_index(segs[1]);
	if (ep < 0 || n != 2 + routes[ep].nargs)
		return;
	if (strcmp(req->method, routes[ep].method) != 0) {
		cs_fake_resp_take(out, 405, NULL, 0);
		return;
	}
	if (ep == EP_GETNFTS && !validate_nfts_args(out, segs + 2))
		return;
	if (routes[ep].cache != CACHE_NONE && f->opts.cache_seconds > 0) {
		cache_key = nmkr_cache_key(ep, key_as_read(req, ep, key),
		    segs + 2, cs_fake_req_arg(req, "orderby"));
		if (cache_get(f, cache_key, now, out)) {
			if (routes[ep].cache == CACHE_ALL || out->status != 200)
				goto out;
			cs_fake_resp_dispose(out);
		}
	}
	auth = check_key(f, req, ep == EP_PROJECTDETAILS, key);
	if (auth != AUTH_OK) {
		api_error(out, 401, 1,
		    auth == AUTH_MISSING ? "Apikey/Accesstoken is not valid"
		                         : "Apikey/Accesstoken is not correct");
		if (cache_key != NULL)
			cache_put(f, cache_key, out->status, out->body,
			    out->len, out->content_type,
			    now + (ep == EP_GETNOTIFICATIONS
			                  ? NOTIFICATIONS_401_TTL_S * 1000
			                  : (int64_t)f->opts.cache_seconds *
			                        1000),
			    now);
		goto out;
	}
	cacheable = cache_key != NULL && routes[ep].cache == CACHE_ALL;
	switch (ep) {
	case EP_GETNFTS:
		get_nfts(f, out, segs + 2, req, cache_key, now, &cacheable);
		break;
	case EP_GETCOUNTS:
		get_counts(f, out, segs[2]);
		break;
	case EP_PROJECTDETAILS:
		get_project_details(f, out, segs[2]);
		break;
	case EP_NFTDETAILS:
		get_nft_details(f, out, segs[2]);
		break;
	case EP_GETNOTIFICATIONS:
		get_notifications(f, out, segs[2]);
		break;
	default:
		update_notifications(f, out, segs[2], req);
		break;
	}
	/* The controller caches what it answers, errors included; a 500
	 * (an exception) never reaches SetCachedResult. */
	if (cacheable && (out->status == 200 || out->status == 401 ||
	                     out->status == 404 || out->status == 406))
		cache_put(f, cache_key, out->status, out->body, out->len,
		    out->content_type,
		    now + (int64_t)f->opts.cache_seconds * 1000, now);
out:
	free(cache_key);
}
