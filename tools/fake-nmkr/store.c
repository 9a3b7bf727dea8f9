/* SPDX-License-Identifier: MIT */
/*
 * fake-nmkr's store: projects and NFTs seeded from flags and a seed file,
 * state changes with NMKR's side effects (sale date, buyer, mint tx,
 * reservation expiry), the pre-rendered GetNfts items and the per-state index
 * arrays that make a page O(count). See nmkr.h for the locking rules.
 */
#include "nmkr.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "jsonw.h"
#include "util/log.h"
#include "util/str.h"
#include "util/time.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define SEED_MAX_BYTES (256u * 1024u * 1024u)

static const char *const state_names[FNMKR_NSTATES] = {
    "free",
    "reserved",
    "sold",
    "error",
    "burned",
    "blocked",
};

const char *
cs_fnmkr__state_name(enum fnmkr_state s)
{
	return (unsigned)s < FNMKR_NSTATES ? state_names[s] : "error";
}

int
cs_fnmkr__state_parse(const char *name)
{
	int i;

	for (i = 0; name != NULL && i < FNMKR_NSTATES; i++) {
		if (cs_str_ieq(name, state_names[i]))
			return i;
	}
	return -1;
}

void
cs_fnmkr__init(struct fnmkr *f)
{
	memset(f, 0, sizeof(*f));
	pthread_rwlock_init(&f->lock, NULL);
	pthread_mutex_init(&f->rate_lock, NULL);
	pthread_mutex_init(&f->cache_lock, NULL);
	cs_fmap_init(&f->nft_by_uid);
	cs_fmap_init(&f->project_by_uid);
	cs_fmap_init(&f->rate);
	cs_fmap_init(&f->cache);
	f->next_nft_id = FNMKR_FIRST_NFT_ID;
	atomic_init(&f->next_expiry_ms, INT64_MAX);
}

static void
nft_free(struct fnmkr_nft *n)
{
	if (n == NULL)
		return;
	free(n->name);
	free(n->displayname);
	free(n->detaildata);
	free(n->series);
	free(n->assetname);
	free(n->assetid);
	free(n->receiver);
	free(n->json);
	free(n);
}

static void
project_free(struct fnmkr_project *p)
{
	size_t i;

	for (i = 0; i < p->len; i++)
		nft_free(p->nfts[i]);
	for (i = 0; i <= FNMKR_NSTATES; i++) {
		free(p->by_id[i].v);
		free(p->by_sell[i].v);
	}
	for (i = 0; i < p->nnotifs; i++)
		free(p->notifs[i].address);
	free(p->notifs);
	free(p->nfts);
	free(p->name);
	free(p->policy_id);
	free(p->token_prefix);
	free(p->name_prefix);
	free(p->description);
	pthread_mutex_destroy(&p->sell_lock);
	free(p);
}

void
cs_fnmkr__dispose(struct fnmkr *f)
{
	size_t i;

	for (i = 0; i < f->nprojects; i++)
		project_free(f->projects[i]);
	free(f->projects);
	cs_fmap_dispose(&f->nft_by_uid, NULL);
	cs_fmap_dispose(&f->project_by_uid, NULL);
	cs_fmap_dispose(&f->rate, free);
	cs_fnmkr__api_reset(f, false, true);
	cs_fmap_dispose(&f->cache, NULL);
	pthread_rwlock_destroy(&f->lock);
	pthread_mutex_destroy(&f->rate_lock);
	pthread_mutex_destroy(&f->cache_lock);
}

static void
lower_key(const char *uid, char out[CS_FAKE_UID_LEN + 1])
{
	cs_str_copy(out, uid, CS_FAKE_UID_LEN + 1);
	cs_str_lower(out);
}

struct fnmkr_project *
cs_fnmkr__project(const struct fnmkr *f, const char *uid)
{
	char key[CS_FAKE_UID_LEN + 1];

	if (strlen(uid) > CS_FAKE_UID_LEN)
		return NULL;
	lower_key(uid, key);
	return cs_fmap_get(&f->project_by_uid, key);
}

struct fnmkr_nft *
cs_fnmkr__nft(const struct fnmkr *f, const char *uid)
{
	char key[CS_FAKE_UID_LEN + 1];

	if (strlen(uid) > CS_FAKE_UID_LEN)
		return NULL;
	lower_key(uid, key);
	return cs_fmap_get(&f->nft_by_uid, key);
}

/* ---- Derived values ----------------------------------------------------- */

char *
cs_fnmkr__tokenname(const struct fnmkr_nft *n)
{
	return cs_xasprintf("%s%s", n->project->token_prefix, n->name);
}

void
cs_fnmkr__datetime(const struct fnmkr *f, int64_t ms, char out[32])
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;

	if (f->zone != NULL)
		t += cs_tz_offset_at(f->zone, (int64_t)t);

	gmtime_r(&t, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%S", &tm);
}

void
cs_fnmkr__buyer(const struct fnmkr *f, const struct fnmkr_nft *n,
    char out[CS_FAKE_ADDRESS_MAX + 1])
{
	char seed[64];

	snprintf(seed, sizeof(seed), "buyer:%s", n->uid);
	cs_fake_address(seed, f->opts.mainnet, out);
}

void
cs_fnmkr__mint_tx(const struct fnmkr_nft *n, char out[65])
{
	char seed[64];

	snprintf(seed, sizeof(seed), "mint:%s", n->uid);
	cs_fake_hash_hex(seed, 32, out);
}

char *
cs_fnmkr__metadata(const struct fnmkr_nft *n)
{
	struct cs_jw w;
	char *token = cs_fnmkr__tokenname(n), *out;
	char image[64];

	snprintf(image, sizeof(image), "ipfs://%s", n->ipfshash);
	cs_jw_init(&w, 1024 * 1024);
	cs_jw_obj(&w);
	cs_jw_key(&w, "721");
	cs_jw_obj(&w);
	cs_jw_key(&w, n->project->policy_id);
	cs_jw_obj(&w);
	cs_jw_key(&w, token);
	cs_jw_obj(&w);
	cs_jw_kstr(&w, "name", n->displayname);
	cs_jw_kstr(&w, "image", image);
	cs_jw_kstr(&w, "mediaType", "image/png");
	cs_jw_obj_end(&w);
	cs_jw_obj_end(&w);
	cs_jw_kstr(&w, "version", "1.0");
	cs_jw_obj_end(&w);
	cs_jw_obj_end(&w);
	out = cs_jw_take(&w, NULL);
	free(token);
	return out != NULL ? out : cs_xstrdup("{}");
}

void
cs_fnmkr__render(const struct fnmkr *f, struct fnmkr_nft *n)
{
	const struct fnmkr_project *p = n->project;
	struct cs_jw w;
	char buf[512], date[32], pnd[33], nnd[33];

	cs_jw_init(&w, 1024 * 1024);
	cs_jw_obj(&w);
	cs_jw_ki64(&w, "id", n->id);
	cs_jw_kstr(&w, "uid", n->uid);
	cs_jw_kstr(&w, "name", n->name);
	cs_jw_kstr(&w, "displayname", n->displayname);
	cs_jw_kstr(&w, "detaildata", n->detaildata);
	snprintf(buf, sizeof(buf), "ipfs://%s", n->ipfshash);
	cs_jw_kstr(&w, "ipfsLink", buf);
	snprintf(buf, sizeof(buf), "%s%s", FNMKR_GATEWAY, n->ipfshash);
	cs_jw_kstr(&w, "gatewayLink", buf);
	cs_jw_kstr(&w, "state", cs_fnmkr__state_name(n->state));
	cs_jw_kbool(&w, "minted", n->minted);
	cs_jw_kstr(&w, "policyId", p->policy_id);
	cs_jw_kstr(&w, "assetId", n->assetid);
	cs_jw_kstr(&w, "assetname", n->assetname);
	cs_jw_kstr(&w, "fingerprint", n->fingerprint);
	cs_jw_kstr(
	    &w, "initialMintTxHash", n->mint_tx[0] != '\0' ? n->mint_tx : NULL);
	cs_jw_kstr(&w, "series", n->series);
	cs_jw_ki64(&w, "tokenamount", 0);
	cs_jw_ki64(&w, "price", n->price);
	if (n->selldate_ms != 0) {
		cs_fnmkr__datetime(f, n->selldate_ms, date);
		cs_jw_kstr(&w, "selldate", date);
	} else {
		cs_jw_knull(&w, "selldate");
	}
	cs_str_uuid_nodash(p->uid, pnd);
	cs_str_uuid_nodash(n->uid, nnd);
	snprintf(buf, sizeof(buf), "%sp=%s&n=%s", f->pay_base, pnd, nnd);
	cs_jw_kstr(&w, "paymentGatewayLinkForSpecificSale", buf);
	cs_jw_knull(&w, "priceSolana");
	cs_jw_knull(&w, "priceAptos");
	cs_jw_obj_end(&w);
	free(n->json);
	n->json = cs_jw_take(&w, &n->json_len);
	if (n->json == NULL) {
		n->json = cs_xstrdup("{}");
		n->json_len = 2;
	}
}

/* ---- Projects and NFTs ------------------------------------------------ */

static struct fnmkr_project *
project_new(struct fnmkr *f, const char *uid, const char *name)
{
	struct fnmkr_project *p;
	char seed[128], policy[57];

	p = cs_xcalloc(1, sizeof(*p));
	p->id = (int32_t)f->nprojects + 1;
	lower_key(uid, p->uid);
	p->name = cs_xstrdup(name);
	snprintf(seed, sizeof(seed), "policy:%s", p->uid);
	cs_fake_hash_hex(seed, 28, policy);
	p->policy_id = cs_xstrdup(policy);
	p->token_prefix = cs_xstrdup("");
	p->name_prefix = cs_xstrdup(FNMKR_DEFAULT_NAME_PREFIX);
	p->description = NULL;
	p->reservation_minutes = f->opts.reservation_minutes;
	p->price = FNMKR_DEFAULT_PRICE;
	p->next_index = 1;
	snprintf(seed, sizeof(seed), "payout:%s", p->uid);
	cs_fake_address(seed, f->opts.mainnet, p->payout);
	pthread_mutex_init(&p->sell_lock, NULL);
	p->sell_dirty = true;
	f->projects = cs_xreallocarray(
	    f->projects, f->nprojects + 1, sizeof(*f->projects));
	f->projects[f->nprojects++] = p;
	cs_fmap_put(&f->project_by_uid, p->uid, p);
	return p;
}

struct fnmkr_nft *
cs_fnmkr__add_nft(struct fnmkr *f, struct fnmkr_project *p, const char *uid,
    const char *name, const char *displayname)
{
	struct fnmkr_nft *n;
	char *token;
	size_t hexlen;

	n = cs_xcalloc(1, sizeof(*n));
	n->project = p;
	n->id = f->next_nft_id++;
	n->index = p->next_index++;
	if (uid != NULL)
		lower_key(uid, n->uid);
	else
		cs_fake_nft_uid(p->uid, n->index, n->uid);
	n->name = name != NULL
	              ? cs_xstrdup(name)
	              : cs_xasprintf("%s%04ld", p->name_prefix, n->index);
	n->displayname = displayname != NULL
	                     ? cs_xstrdup(displayname)
	                     : cs_xasprintf("%s #%ld", p->name, n->index);
	n->price = p->price;
	n->state = FNMKR_FREE;
	token = cs_fnmkr__tokenname(n);
	hexlen = 2 * strlen(token) + 1;
	n->assetname = cs_xmalloc(hexlen);
	if (!cs_fake_hexstr(token, n->assetname, hexlen))
		n->assetname[0] = '\0';
	n->assetid = cs_xasprintf("%s%s", p->policy_id, n->assetname);
	cs_fake_fingerprint(n->assetid, n->fingerprint);
	{
		char seed[64];

		snprintf(seed, sizeof(seed), "ipfs:%s", n->uid);
		cs_fake_ipfs_hash(seed, n->ipfshash);
	}
	free(token);
	if (p->len == p->cap) {
		p->cap = p->cap != 0 ? p->cap * 2 : 64;
		p->nfts = cs_xreallocarray(p->nfts, p->cap, sizeof(*p->nfts));
	}
	p->nfts[p->len++] = n;
	cs_fmap_put(&f->nft_by_uid, n->uid, n);
	return n;
}

void
cs_fnmkr__remove_nft(struct fnmkr *f, struct fnmkr_nft *n)
{
	struct fnmkr_project *p = n->project;
	size_t lo = 0, hi = p->len, mid;

	/* nfts is sorted by id: binary search. */
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (p->nfts[mid]->id < n->id)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < p->len && p->nfts[lo] == n) {
		memmove(&p->nfts[lo], &p->nfts[lo + 1],
		    (p->len - lo - 1) * sizeof(*p->nfts));
		p->len--;
	}
	cs_fmap_del(&f->nft_by_uid, n->uid);
	nft_free(n);
}

static void
note_expiry(struct fnmkr *f, int64_t release_ms)
{
	long long cur = atomic_load(&f->next_expiry_ms);

	while (release_ms < cur &&
	       !atomic_compare_exchange_weak(
	           &f->next_expiry_ms, &cur, (long long)release_ms))
		;
}

void
cs_fnmkr__set_state(struct fnmkr *f, struct fnmkr_nft *n, enum fnmkr_state s,
    const char *receiver, const char *tx_hash, int64_t reserve_ms,
    int64_t now_ms)
{
	char addr[CS_FAKE_ADDRESS_MAX + 1];
	enum fnmkr_state old = n->state;

	n->state = s;
	switch (s) {
	case FNMKR_SOLD:
		if (old != FNMKR_SOLD || n->selldate_ms == 0)
			n->selldate_ms = now_ms;
		if (receiver != NULL && *receiver != '\0') {
			free(n->receiver);
			n->receiver = cs_xstrdup(receiver);
		} else if (n->receiver == NULL) {
			cs_fnmkr__buyer(f, n, addr);
			n->receiver = cs_xstrdup(addr);
		}
		if (tx_hash != NULL && *tx_hash != '\0')
			cs_str_copy(n->mint_tx, tx_hash, sizeof(n->mint_tx));
		else if (n->mint_tx[0] == '\0')
			cs_fnmkr__mint_tx(n, n->mint_tx);
		n->minted = true;
		n->reserved_until_ms = 0;
		break;
	case FNMKR_BURNED:
		if (n->mint_tx[0] == '\0')
			cs_fnmkr__mint_tx(n, n->mint_tx);
		n->minted = true;
		n->reserved_until_ms = 0;
		break;
	case FNMKR_RESERVED:
		if (reserve_ms == FNMKR_RESERVE_DEFAULT)
			reserve_ms =
			    (int64_t)n->project->reservation_minutes * 60000;
		n->reserved_until_ms = now_ms + reserve_ms;
		note_expiry(f, n->reserved_until_ms + FNMKR_RELEASE_GRACE_MS);
		/* FALLTHROUGH */
	default:
		if (s != FNMKR_RESERVED)
			n->reserved_until_ms = 0;
		n->selldate_ms = 0;
		free(n->receiver);
		n->receiver = NULL;
		n->minted = false;
		n->mint_tx[0] = '\0';
		break;
	}
}

void
cs_fnmkr__reindex(struct fnmkr_project *p)
{
	struct fnmkr_nft *n;
	size_t i;
	int s;

	memset(p->counts, 0, sizeof(p->counts));
	for (s = 0; s <= FNMKR_NSTATES; s++) {
		p->by_id[s].v = cs_xreallocarray(
		    p->by_id[s].v, p->len + 1, sizeof(*p->by_id[s].v));
		p->by_id[s].len = 0;
	}
	for (i = 0; i < p->len; i++) {
		n = p->nfts[i];
		p->counts[n->state]++;
		p->by_id[n->state].v[p->by_id[n->state].len++] = n;
		p->by_id[FNMKR_ALL].v[p->by_id[FNMKR_ALL].len++] = n;
	}
	pthread_mutex_lock(&p->sell_lock);
	p->sell_dirty = true;
	pthread_mutex_unlock(&p->sell_lock);
}

static int
cmp_selldate(const void *a, const void *b)
{
	const struct fnmkr_nft *x = *(struct fnmkr_nft *const *)a;
	const struct fnmkr_nft *y = *(struct fnmkr_nft *const *)b;

	/* MySQL ascending order: NULL (0) first, ties by id. */
	if (x->selldate_ms != y->selldate_ms)
		return x->selldate_ms < y->selldate_ms ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

/* Build the selldate orders; caller holds sell_lock and the read lock. */
static void
build_sell(struct fnmkr_project *p)
{
	struct fnmkr_index *all = &p->by_sell[FNMKR_ALL];
	struct fnmkr_nft *n;
	size_t i;
	int s;

	for (s = 0; s <= FNMKR_NSTATES; s++) {
		p->by_sell[s].v = cs_xreallocarray(
		    p->by_sell[s].v, p->len + 1, sizeof(*p->by_sell[s].v));
		p->by_sell[s].len = 0;
	}
	if (p->len > 0)
		memcpy(all->v, p->nfts, p->len * sizeof(*p->nfts));
	all->len = p->len;
	qsort(all->v, all->len, sizeof(*all->v), cmp_selldate);
	for (i = 0; i < all->len; i++) {
		n = all->v[i];
		p->by_sell[n->state].v[p->by_sell[n->state].len++] = n;
	}
	p->sell_dirty = false;
}

int
cs_fnmkr__page(struct fnmkr_project *p, int state, bool by_selldate, bool desc,
    int64_t count, int64_t page, struct cs_buf *b)
{
	const struct fnmkr_index *ix;
	const struct fnmkr_nft *n;
	int64_t start, end, k;
	int error;

	if (by_selldate) {
		pthread_mutex_lock(&p->sell_lock);
		if (p->sell_dirty)
			build_sell(p);
		ix = &p->by_sell[state];
	} else {
		ix = &p->by_id[state];
	}
	start = (page - 1) * count;
	end = start + count;
	if (start > (int64_t)ix->len)
		start = (int64_t)ix->len;
	if (end > (int64_t)ix->len)
		end = (int64_t)ix->len;
	error = cs_buf_put(b, "[", 1);
	for (k = start; error == 0 && k < end; k++) {
		n = ix->v[desc ? (int64_t)ix->len - 1 - k : k];
		if (k > start)
			error = cs_buf_putc(b, ',');
		if (error == 0)
			error = cs_buf_put(b, n->json, n->json_len);
	}
	if (error == 0)
		error = cs_buf_putc(b, ']');
	if (by_selldate)
		pthread_mutex_unlock(&p->sell_lock);
	return error;
}

void
cs_fnmkr__sweep(struct fnmkr *f, int64_t now_ms)
{
	struct fnmkr_project *p;
	struct fnmkr_nft *n;
	int64_t next = INT64_MAX, release;
	size_t i, j, released;

	for (i = 0; i < f->nprojects; i++) {
		p = f->projects[i];
		released = 0;
		for (j = 0; j < p->len; j++) {
			n = p->nfts[j];
			if (n->state != FNMKR_RESERVED)
				continue;
			release = n->reserved_until_ms + FNMKR_RELEASE_GRACE_MS;
			if (release <= now_ms) {
				cs_fnmkr__set_state(f, n, FNMKR_FREE, NULL,
				    NULL, FNMKR_RESERVE_DEFAULT, now_ms);
				cs_fnmkr__render(f, n);
				released++;
			} else if (release < next) {
				next = release;
			}
		}
		if (released > 0) {
			cs_fnmkr__reindex(p);
			cs_log_info("fake-nmkr",
			    "released %zu expired reservation(s) in %s",
			    released, p->uid);
		}
	}
	atomic_store(&f->next_expiry_ms, next);
}

/* ---- Seeding ------------------------------------------------------------ */

static const char *
jstr(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static int
jint(const cJSON *o, const char *key, int64_t min, int64_t max, int64_t dflt,
    int64_t *out, struct cs_error *err)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	*out = dflt;
	if (v == NULL || cJSON_IsNull(v))
		return 0;
	if (!cJSON_IsNumber(v) || v->valuedouble < (double)min ||
	    v->valuedouble > (double)max)
		return cs_error_set(err, CS_EINVAL,
		    "seed: %s must be a number in [%lld, %lld]", key,
		    (long long)min, (long long)max);
	*out = (int64_t)v->valuedouble;
	return 0;
}

/* Give a new NFT its seeded state and render it. */
static void
seeded_state(struct fnmkr *f, struct fnmkr_nft *n, enum fnmkr_state s,
    const char *receiver, const char *tx, int64_t now_ms)
{
	if (s != FNMKR_FREE)
		cs_fnmkr__set_state(
		    f, n, s, receiver, tx, FNMKR_RESERVE_DEFAULT, now_ms);
	if (s == FNMKR_SOLD)
		n->selldate_ms =
		    FNMKR_SELLDATE_BASE_MS + (int64_t)(n->index - 1) * 60000;
	cs_fnmkr__render(f, n);
}

/* Add count NFTs: the first sold, then reserved, blocked, the rest free. */
static void
generate(struct fnmkr *f, struct fnmkr_project *p, long count, long sold,
    long reserved, long blocked, int64_t now_ms)
{
	struct fnmkr_nft *n;
	enum fnmkr_state s;
	long k;

	for (k = 0; k < count; k++) {
		if (k < sold)
			s = FNMKR_SOLD;
		else if (k < sold + reserved)
			s = FNMKR_RESERVED;
		else if (k < sold + reserved + blocked)
			s = FNMKR_BLOCKED;
		else
			s = FNMKR_FREE;
		n = cs_fnmkr__add_nft(f, p, NULL, NULL, NULL);
		seeded_state(f, n, s, NULL, NULL, now_ms);
	}
}

static int
seed_notifications(
    struct fnmkr_project *p, const cJSON *arr, struct cs_error *err)
{
	const cJSON *it, *active;
	const char *type, *addr, *secret;
	struct fnmkr_notification *nt;

	if (arr == NULL)
		return 0;
	if (!cJSON_IsArray(arr))
		return cs_error_set(
		    err, CS_EINVAL, "seed: notifications must be an array");
	cJSON_ArrayForEach(it, arr) {
		type = jstr(it, "notificationType");
		addr = jstr(it, "address");
		secret = jstr(it, "secret");
		active = cJSON_GetObjectItemCaseSensitive(it, "isActive");
		if (type == NULL || addr == NULL)
			return cs_error_set(err, CS_EINVAL,
			    "seed: a notification needs notificationType and "
			    "address");
		p->notifs = cs_xreallocarray(
		    p->notifs, p->nnotifs + 1, sizeof(*p->notifs));
		nt = &p->notifs[p->nnotifs++];
		memset(nt, 0, sizeof(*nt));
		cs_str_copy(nt->type, type, sizeof(nt->type));
		cs_str_lower(nt->type);
		nt->address = cs_xstrdup(addr);
		nt->active = active == NULL || cJSON_IsTrue(active);
		cs_str_copy(nt->secret, secret != NULL ? secret : "",
		    sizeof(nt->secret));
	}
	return 0;
}

static int
seed_nft_list(struct fnmkr *f, struct fnmkr_project *p, const cJSON *arr,
    int64_t now_ms, struct cs_error *err)
{
	const cJSON *it;
	const char *state_s;
	struct fnmkr_nft *n;
	int64_t price;
	int s, error;

	if (!cJSON_IsArray(arr))
		return cs_error_set(
		    err, CS_EINVAL, "seed: nfts must be an array");
	cJSON_ArrayForEach(it, arr) {
		if (!cJSON_IsObject(it))
			return cs_error_set(
			    err, CS_EINVAL, "seed: an nft must be an object");
		if (jstr(it, "uid") != NULL &&
		    cs_fnmkr__nft(f, jstr(it, "uid")) != NULL)
			return cs_error_set(err, CS_EINVAL,
			    "seed: duplicate nft uid %s", jstr(it, "uid"));
		if (jstr(it, "uid") != NULL &&
		    strlen(jstr(it, "uid")) > CS_FAKE_UID_LEN)
			return cs_error_set(
			    err, CS_EINVAL, "seed: nft uid too long");
		state_s = jstr(it, "state");
		s = state_s != NULL ? cs_fnmkr__state_parse(state_s)
		                    : FNMKR_FREE;
		if (s < 0)
			return cs_error_set(
			    err, CS_EINVAL, "seed: unknown state %s", state_s);
		error =
		    jint(it, "price", 0, INT64_MAX / 2, p->price, &price, err);
		if (error < 0)
			return error;
		n = cs_fnmkr__add_nft(f, p, jstr(it, "uid"), jstr(it, "name"),
		    jstr(it, "displayname"));
		n->price = price;
		if (jstr(it, "detaildata") != NULL)
			n->detaildata = cs_xstrdup(jstr(it, "detaildata"));
		if (jstr(it, "series") != NULL)
			n->series = cs_xstrdup(jstr(it, "series"));
		seeded_state(f, n, (enum fnmkr_state)s,
		    jstr(it, "receiverAddress"), jstr(it, "txHash"), now_ms);
	}
	return 0;
}

static void
set_str(char **dst, const char *src)
{
	if (src == NULL)
		return;
	free(*dst);
	*dst = cs_xstrdup(src);
}

static int
seed_project(
    struct fnmkr *f, const cJSON *pj, int64_t now_ms, struct cs_error *err)
{
	struct fnmkr_project *p;
	const char *uid = jstr(pj, "uid"), *name;
	const cJSON *nfts;
	int64_t minutes, price, count, sold, reserved, blocked;
	int error;

	if (!cJSON_IsObject(pj) || uid == NULL || *uid == '\0' ||
	    strlen(uid) > CS_FAKE_UID_LEN)
		return cs_error_set(err, CS_EINVAL,
		    "seed: every project needs a uid (at most 36 chars)");
	if (cs_fnmkr__project(f, uid) != NULL)
		return cs_error_set(
		    err, CS_EINVAL, "seed: duplicate project %s", uid);
	name = jstr(pj, "name");
	p = project_new(
	    f, uid, name != NULL ? name : FNMKR_DEFAULT_PROJECT_NAME);
	set_str(&p->policy_id, jstr(pj, "policyId"));
	set_str(&p->token_prefix, jstr(pj, "tokenPrefix"));
	set_str(&p->name_prefix, jstr(pj, "namePrefix"));
	set_str(&p->description, jstr(pj, "description"));
	error = jint(pj, "reservationMinutes", 1, 1440,
	    f->opts.reservation_minutes, &minutes, err);
	if (error == 0)
		error = jint(pj, "price", 0, INT64_MAX / 2, FNMKR_DEFAULT_PRICE,
		    &price, err);
	if (error == 0)
		error = jint(pj, "count", 0, 10000000, 0, &count, err);
	if (error == 0)
		error = jint(pj, "sold", 0, 10000000, 0, &sold, err);
	if (error == 0)
		error = jint(pj, "reserved", 0, 10000000, 0, &reserved, err);
	if (error == 0)
		error = jint(pj, "blocked", 0, 10000000, 0, &blocked, err);
	if (error < 0)
		return error;
	p->reservation_minutes = (int)minutes;
	p->price = price;
	error = seed_notifications(
	    p, cJSON_GetObjectItemCaseSensitive(pj, "notifications"), err);
	if (error < 0)
		return error;
	nfts = cJSON_GetObjectItemCaseSensitive(pj, "nfts");
	if (nfts != NULL) {
		error = seed_nft_list(f, p, nfts, now_ms, err);
		if (error < 0)
			return error;
	}
	generate(f, p, (long)count, (long)sold, (long)reserved, (long)blocked,
	    now_ms);
	cs_fnmkr__reindex(p);
	return 0;
}

static int
seed_file(
    struct fnmkr *f, const char *path, int64_t now_ms, struct cs_error *err)
{
	cJSON *doc = NULL;
	const cJSON *projects, *pj;
	char *text = NULL;
	size_t len = 0;
	int error;

	error = cs_fake_read_file(path, SEED_MAX_BYTES, &text, &len, err);
	if (error < 0)
		goto out;
	doc = cJSON_ParseWithLength(text, len);
	if (doc == NULL) {
		error =
		    cs_error_set(err, CS_EPARSE, "seed: %s is not JSON", path);
		goto out;
	}
	projects = cJSON_GetObjectItemCaseSensitive(doc, "projects");
	if (!cJSON_IsArray(projects)) {
		error = cs_error_set(err, CS_EINVAL,
		    "seed: %s needs a \"projects\" array", path);
		goto out;
	}
	cJSON_ArrayForEach(pj, projects) {
		error = seed_project(f, pj, now_ms, err);
		if (error < 0)
			goto out;
	}
	error = 0;
out:
	cJSON_Delete(doc);
	free(text);
	return error;
}

int
cs_fnmkr__seed(struct fnmkr *f, struct cs_error *err)
{
	struct fnmkr_project *p;
	const char *uid = f->opts.project;
	int64_t now = cs_now_ms();
	int error;

	if (f->opts.seed != NULL) {
		error = seed_file(f, f->opts.seed, now, err);
		if (error < 0)
			return error;
	}
	if (uid == NULL && f->opts.seed == NULL)
		uid = FNMKR_DEFAULT_PROJECT;
	if (uid == NULL)
		return 0;
	if (strlen(uid) > CS_FAKE_UID_LEN)
		return cs_error_set(
		    err, CS_EINVAL, "--project: a uid has at most 36 chars");
	if (cs_fnmkr__project(f, uid) != NULL) {
		cs_log_warn("fake-nmkr",
		    "--project %s is in the seed file; the seed wins", uid);
		return 0;
	}
	p = project_new(f, uid, FNMKR_DEFAULT_PROJECT_NAME);
	generate(f, p, f->opts.nfts, f->opts.sold, f->opts.reserved,
	    f->opts.blocked, now);
	cs_fnmkr__reindex(p);
	return 0;
}
