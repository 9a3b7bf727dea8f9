/* SPDX-License-Identifier: MIT */
/*
 * NMKR webhooks: verification (OpenSSL HMAC-SHA256, constant-time compare),
 * decoding (cJSON, names matched without regard to case as docs/upstream.md
 * §1.7 advises), and the sink that commits them in groups. See webhook.h.
 */
#include "service/webhook.h"

#include <cjson/cJSON.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "clients/nmkr.h"
#include "core/notify.h"
#include "core/webhook_rules.h"
#include "clients/nmkr_time.h"
#include "service/metrics.h"
#include "util/limits.h"
#include "util/log.h"
#include "util/str.h"
#include "util/time.h"
#include "util/vec.h"
#include "util/xalloc.h"
#include "util/banned.h"

/* ---- Signatures ------------------------------------------------------- */

void
cs_webhook_sign(const char *secret, const char *body, size_t len, char out[45])
{
	unsigned char mac[EVP_MAX_MD_SIZE];
	unsigned int maclen = 0;

	HMAC(EVP_sha256(), secret, (int)strlen(secret),
	    (const unsigned char *)body, len, mac, &maclen);
	EVP_EncodeBlock((unsigned char *)out, mac, (int)maclen);
	out[44] = '\0';
}

bool
cs_webhook_verify(
    const char *secret, const char *body, size_t len, const char *payload_hash)
{
	char want[45], got[45];
	size_t i, n;

	if (secret == NULL || payload_hash == NULL)
		return false;
	n = strlen(payload_hash);
	if (n != 44)
		return false; /* the length is public: no timing to hide */
	for (i = 0; i < n; i++) {
		got[i] = payload_hash[i];
		if (got[i] == ' ')
			got[i] = '+';
	}
	got[44] = '\0';
	cs_webhook_sign(secret, body, len, want);
	return CRYPTO_memcmp(want, got, 44) == 0;
}

/* ---- Project secrets, cached ----------------------------------------- */

struct secret {
	char project[CS_UID_LEN + 1];
	int64_t campaign_id;
	char *current;
	char *previous;
	int64_t rotated_at; /* previous is accepted for the grace after it */
};

struct secrets {
	pthread_mutex_t lock;
	struct cs_vec list; /* struct secret */
	int64_t loaded_at;  /* monotonic ms, 0: never */
	int64_t ttl_ms;
	int64_t grace_ms; /* < 0: previous secrets are refused */
};

static void
secrets_clear(struct secrets *s)
{
	size_t i;

	for (i = 0; i < s->list.len; i++) {
		struct secret *x = CS_VEC_AT(&s->list, struct secret, i);

		if (x->current != NULL)
			OPENSSL_cleanse(x->current, strlen(x->current));
		if (x->previous != NULL)
			OPENSSL_cleanse(x->previous, strlen(x->previous));
		free(x->current);
		free(x->previous);
	}
	s->list.len = 0;
}

static int
collect_secret(const struct cs_campaign *c, void *payload)
{
	struct secrets *s = payload;
	struct secret *x;

	x = cs_vec_push(&s->list);
	cs_str_copy(x->project, c->nmkr_project_uid, sizeof(x->project));
	cs_str_lower(x->project);
	x->campaign_id = c->id;
	x->current =
	    c->webhook_secret != NULL ? cs_xstrdup(c->webhook_secret) : NULL;
	x->previous = c->webhook_secret_prev != NULL
	                  ? cs_xstrdup(c->webhook_secret_prev)
	                  : NULL;
	x->rotated_at = c->webhook_rotated_at;
	return 0;
}

/* Reload when older than the TTL, or (force) older than 100 ms. */
static int
secrets_load(
    struct secrets *s, struct cs_store *store, bool force, struct cs_error *err)
{
	int64_t now = cs_mono_ms(), age = now - s->loaded_at;
	int error;

	if (s->loaded_at != 0 && age < s->ttl_ms && (!force || age < 100))
		return 0;
	secrets_clear(s);
	error = cs_store_campaign_list(store, collect_secret, s, err);
	if (error == 0)
		s->loaded_at = now;
	return error;
}

/*
 * The campaign whose secret signed the body: current secrets first, then
 * previous ones (rotation) while within the grace after their rotation, by
 * now (the webhook's time). *known says whether any campaign has the
 * project. @return the campaign id, or 0
 */
static int64_t
secrets_match(struct secrets *s, const char *project, const char *body,
    size_t len, const char *hash, int64_t now, bool *known)
{
	size_t i;
	int pass;

	*known = false;
	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < s->list.len; i++) {
			struct secret *x =
			    CS_VEC_AT(&s->list, struct secret, i);

			if (strcasecmp(x->project, project) != 0)
				continue;
			*known = true;
			if (pass == 1 &&
			    !cs_notif_previous_valid(x->previous != NULL,
			        x->rotated_at, now, s->grace_ms))
				continue;
			if (cs_webhook_verify(
			        pass == 0 ? x->current : x->previous, body, len,
			        hash))
				return x->campaign_id;
		}
	}
	return 0;
}

/* ---- The sink --------------------------------------------------------- */

struct job {
	struct cs_webhook_apply item;
	struct cs_nft_change *changes;
	enum cs_apply_result *results;
	bool done;
	int error; /* the batch's transaction failed */
	struct job *next;
	pthread_cond_t *wake; /* its submitter waits on it */
};

struct cs_webhook_sink {
	struct cs_store *store;
	struct cs_store *reader; /* the secrets, for callers without one */
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t work; /* the writer waits for jobs */
	struct job *head, *tail;
	bool stopping;
	size_t max_batch;
	const struct cs_tz *zone; /* NMKR's clock; never NULL */
	struct secrets secrets;
	uint64_t batches, items; /* for the log at exit */
};

static void
commit_batch(struct cs_webhook_sink *s, struct job **jobs, size_t n)
{
	struct cs_webhook_apply *items;
	struct cs_error err = CS_ERROR_INIT;
	size_t i;
	int error;

	items = cs_xcalloc(n, sizeof(*items));
	for (i = 0; i < n; i++)
		items[i] = jobs[i]->item;
	error = cs_store_webhook_apply(s->store, items, n, cs_now_ms(), &err);
	if (error < 0)
		cs_log_error("webhook",
		    "a batch of %zu webhooks could not be "
		    "recorded: %s",
		    n, cs_error_msg(&err));
	pthread_mutex_lock(&s->lock);
	/* Wake the batch's submitters only, not every one waiting. */
	for (i = 0; i < n; i++) {
		jobs[i]->item = items[i];
		jobs[i]->error = error;
		jobs[i]->done = true;
		pthread_cond_signal(jobs[i]->wake);
	}
	s->batches++;
	s->items += n;
	pthread_mutex_unlock(&s->lock);
	free(items);
}

static void *
writer(void *payload)
{
	struct cs_webhook_sink *s = payload;
	struct job **batch = cs_xcalloc(s->max_batch, sizeof(*batch));
	size_t n;

	for (;;) {
		pthread_mutex_lock(&s->lock);
		while (s->head == NULL && !s->stopping)
			pthread_cond_wait(&s->work, &s->lock);
		if (s->head == NULL && s->stopping) {
			pthread_mutex_unlock(&s->lock);
			break;
		}
		/* Everything queued while the last commit ran goes in one. */
		for (n = 0; s->head != NULL && n < s->max_batch; n++) {
			batch[n] = s->head;
			s->head = s->head->next;
		}
		if (s->head == NULL)
			s->tail = NULL;
		pthread_mutex_unlock(&s->lock);
		commit_batch(s, batch, n);
	}
	free(batch);
	return NULL;
}

int
cs_webhook_sink_new(struct cs_webhook_sink **out,
    const struct cs_webhook_sink_opts *opts, struct cs_error *err)
{
	struct cs_webhook_sink *s;
	int error;

	*out = NULL;
	s = cs_xcalloc(1, sizeof(*s));
	error = cs_store_open(&s->store, opts->store_url, err);
	if (error == 0)
		error = cs_store_open(&s->reader, opts->store_url, err);
	if (error < 0) {
		cs_store_free(s->store);
		free(s);
		return error;
	}
	s->max_batch = opts->max_batch > 0 ? opts->max_batch : CS_WEBHOOK_BATCH;
	s->zone = opts->zone != NULL ? opts->zone : cs_tz_utc();
	pthread_mutex_init(&s->lock, NULL);
	pthread_cond_init(&s->work, NULL);
	pthread_mutex_init(&s->secrets.lock, NULL);
	cs_vec_init(&s->secrets.list, sizeof(struct secret));
	s->secrets.ttl_ms =
	    opts->secret_ttl_ms > 0 ? opts->secret_ttl_ms : 5000;
	s->secrets.grace_ms = opts->secret_grace_ms != 0
	                          ? opts->secret_grace_ms
	                          : CS_WEBHOOK_SECRET_GRACE_DEFAULT_MS;
	/* A cache loaded before a rotation elsewhere holds the old secret as
	 * current: it must not outlive the grace. */
	if (s->secrets.grace_ms >= 0 && s->secrets.ttl_ms > s->secrets.grace_ms)
		s->secrets.ttl_ms =
		    s->secrets.grace_ms > 0 ? s->secrets.grace_ms : 1;
	if (pthread_create(&s->thread, NULL, writer, s) != 0) {
		cs_store_free(s->reader);
		cs_store_free(s->store);
		free(s);
		return cs_error_set(
		    err, CS_ERROR, "cannot start the webhook writer thread");
	}
	*out = s;
	return 0;
}

void
cs_webhook_sink_free(struct cs_webhook_sink *s)
{
	if (s == NULL)
		return;
	pthread_mutex_lock(&s->lock);
	s->stopping = true;
	pthread_cond_broadcast(&s->work);
	pthread_mutex_unlock(&s->lock);
	pthread_join(s->thread, NULL);
	if (s->items > 0)
		cs_log_info("webhook",
		    "%llu webhooks committed in %llu "
		    "transactions",
		    (unsigned long long)s->items,
		    (unsigned long long)s->batches);
	secrets_clear(&s->secrets);
	cs_vec_dispose(&s->secrets.list);
	pthread_mutex_destroy(&s->secrets.lock);
	pthread_cond_destroy(&s->work);
	pthread_mutex_destroy(&s->lock);
	cs_store_free(s->reader);
	cs_store_free(s->store);
	free(s);
}

/* Queue a job and wait for the commit that carries it. */
static int
submit(struct cs_webhook_sink *s, struct job *j)
{
	pthread_cond_t wake;

	pthread_mutex_lock(&s->lock);
	if (s->stopping) {
		pthread_mutex_unlock(&s->lock);
		return CS_EAGAIN;
	}
	pthread_cond_init(&wake, NULL);
	j->wake = &wake;
	j->next = NULL;
	if (s->tail != NULL)
		s->tail->next = j;
	else
		s->head = j;
	s->tail = j;
	pthread_cond_signal(&s->work);
	while (!j->done)
		pthread_cond_wait(&wake, &s->lock);
	pthread_mutex_unlock(&s->lock);
	pthread_cond_destroy(&wake);
	return j->error;
}

/* ---- One webhook ------------------------------------------------------ */

static const char *
jstr(const cJSON *o, const char *name)
{
	const cJSON *v = cJSON_GetObjectItem(o, name);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static void reply(struct cs_webhook_reply *r, int status, const char *code,
    const char *outcome, const char *fmt, ...) CS_PRINTF(5, 6);

static void
reply(struct cs_webhook_reply *r, int status, const char *code,
    const char *outcome, const char *fmt, ...)
{
	va_list ap;

	r->status = status;
	r->code = code;
	r->outcome = outcome;
	va_start(ap, fmt);
	vsnprintf(r->message, sizeof(r->message), fmt, ap);
	va_end(ap);
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The SHA-256 of data as 64 lower-case hex digits and a NUL. */
static void
sha256_hex(const void *data, size_t len, char out[65])
{
	unsigned char digest[SHA256_DIGEST_LENGTH];
	size_t i;

	SHA256((const unsigned char *)data, len, digest);
	for (i = 0; i < sizeof(digest); i++)
		snprintf(out + i * 2, 3, "%02x", digest[i]);
}

/* The key that recognises a replay: event, tx and NFTs when NMKR names a
 * transaction, else the body's SHA-256. A key longer than
 * CS_WEBHOOK_MAX_KEY (many NFTs) is replaced by its own SHA-256, so that
 * it fits a unique index (PostgreSQL's B-tree takes about 2.7 KB). */
static char *
dedupe_key(const char *event, const char *tx, char **uids, size_t n,
    const char *body_sha256)
{
	struct cs_buf b = CS_BUF_INIT(CS_WEBHOOK_MAX_NFTS * 64 + 512);
	char hex[65];
	size_t i;
	int error = 0;

	if (tx != NULL && *tx != '\0') {
		qsort(uids, n, sizeof(*uids), cmp_str);
		error = cs_buf_printf(&b, "%s:%s", event, tx);
		for (i = 0; error == 0 && i < n; i++)
			error = cs_buf_printf(
			    &b, "%c%s", i == 0 ? ':' : ',', uids[i]);
		if (error == 0 && b.len <= CS_WEBHOOK_MAX_KEY)
			return cs_buf_take(&b, NULL);
		if (error == 0) {
			sha256_hex(b.ptr, b.len, hex);
			cs_buf_dispose(&b);
			return cs_xasprintf("key-sha256:%s", hex);
		}
		cs_buf_reset(&b);
	}
	cs_buf_dispose(&b);
	return cs_xasprintf("sha256:%s", body_sha256);
}

/*
 * Store an event that applies nothing (rejected, invalid, ...). A refused
 * event (not verified) keeps only the first CS_WEBHOOK_KEPT_PREFIX bytes
 * of its body beside the whole body's digest and length: anyone can send
 * one, and 1,000 bodies of 256 KiB must not cost 256 MB of disk.
 */
static int
record_only(struct cs_webhook_sink *s, const char *body, size_t len,
    const char *project, const char *event, const char *outcome,
    const char *detail, int64_t campaign_id, bool verified, int64_t now,
    int64_t *event_id)
{
	char sha[65];
	struct job j;
	int error;

	memset(&j, 0, sizeof(j));
	if (body == NULL)
		len = 0;
	sha256_hex(body != NULL ? body : "", len, sha);
	j.item.event.campaign_id = campaign_id;
	j.item.event.project_uid = CS_UNCONST(project);
	j.item.event.event_type = CS_UNCONST(event);
	j.item.event.raw_body = CS_UNCONST(body != NULL ? body : "");
	j.item.event.raw_len = !verified && len > CS_WEBHOOK_KEPT_PREFIX
	                           ? CS_WEBHOOK_KEPT_PREFIX
	                           : len;
	j.item.event.body_sha256 = sha;
	j.item.event.body_len = len;
	j.item.event.verified = verified;
	j.item.event.outcome = CS_UNCONST(outcome);
	j.item.event.detail = CS_UNCONST(detail);
	j.item.event.received_at = now;
	error = submit(s, &j);
	*event_id = j.item.event.id;
	return error;
}

void
cs_webhook_record_refused(struct cs_webhook_sink *sink, const char *outcome,
    const char *detail, int64_t now)
{
	int64_t id;

	cs_metrics_webhook(outcome);
	cs_metrics_webhook_refused(outcome);
	if (record_only(sink, "", 0, NULL, NULL, outcome, detail, 0, false, now,
	        &id) < 0)
		cs_log_warn("webhook", "could not record a refused webhook");
}

/*
 * A webhook refused before it was verified (malformed, unknown project,
 * unsigned, bad signature): counted by reason and recorded as its digest
 * and first bytes; unless the client is over its refusals, when it is
 * answered 429 instead and not stored at all.
 */
static int
refuse(struct cs_webhook_sink *s, struct cs_webhook_reply *out, bool over_limit,
    const char *reason, const char *body, size_t len, const char *project,
    const char *event, int64_t now)
{
	out->refused = true;
	if (over_limit) {
		cs_metrics_webhook_refused("rate_limited");
		reply(out, 429, "rate_limited", "rate_limited",
		    "too many refused webhooks from this address: this one "
		    "(%s) was not recorded",
		    reason);
		return 0;
	}
	cs_metrics_webhook_refused(reason);
	out->recorded = true;
	return record_only(s, body, len, project, event, out->outcome,
	    out->message, 0, false, now, &out->event_id);
}

/*
 * The sale's time from SaleDate, read as NMKR writes it (in its server's
 * zone when there is no offset). The sale stands without it: a missing or
 * malformed SaleDate is logged and the receipt time is used instead.
 */
static int64_t
sale_date(const struct cs_webhook_sink *s, const char *text)
{
	struct cs_error err = CS_ERROR_INIT;
	struct cs_nmkr_time t;

	if (text == NULL)
		return 0;
	if (cs_nmkr_time_parse(text, s->zone, "SaleDate", &t, &err) < 0) {
		cs_log_warn("webhook", "%s", cs_error_msg(&err));
		return 0;
	}
	return t.ms;
}

int
cs_webhook_handle(struct cs_webhook_sink *s, struct cs_store *store,
    const char *body, size_t len, const char *payload_hash, int64_t now,
    bool over_limit, struct cs_webhook_reply *out)
{
	struct cs_error err = CS_ERROR_INIT;
	const char *event, *project, *tx, *buyer, *sale_type, *outcome = NULL;
	const cJSON *nfts, *item;
	char **uids = NULL, *key = NULL, project_lc[CS_UID_LEN + 1];
	char sha[65], detail[256];
	cJSON *doc = NULL;
	struct job j;
	enum cs_sale_class sale;
	int64_t campaign = 0, sold_at = 0;
	const char *sold_raw = NULL;
	size_t i, n = 0;
	bool known = false, sell, release;
	int error = 0;

	memset(out, 0, sizeof(*out));
	memset(&j, 0, sizeof(j));
	detail[0] = '\0';
	if (store == NULL)
		store = s->reader; /* used under secrets.lock only */
	doc = cJSON_ParseWithLength(body, len);
	if (doc == NULL || !cJSON_IsObject(doc)) {
		reply(out, 400, "invalid_json", "invalid",
		    "the body is not a JSON object");
		error = refuse(s, out, over_limit, "malformed", body, len, NULL,
		    NULL, now);
		goto out;
	}
	event = jstr(doc, "EventType");
	project = jstr(doc, "ProjectUid");
	if (event == NULL || project == NULL || !cs_str_is_uuid(project)) {
		reply(out, 400, "invalid_notification", "invalid",
		    "EventType and ProjectUid are required");
		error = refuse(s, out, over_limit, "malformed", body, len, NULL,
		    event != NULL && strlen(event) <= 64 ? event : NULL, now);
		goto out;
	}
	cs_str_copy(project_lc, project, sizeof(project_lc));
	cs_str_lower(project_lc);

	/* Whose secret signed it? A miss reloads the secrets once, in case
	 * the webhook was just registered (or its secret rotated). */
	pthread_mutex_lock(&s->secrets.lock);
	error = secrets_load(&s->secrets, store, false, &err);
	if (error == 0)
		campaign = secrets_match(&s->secrets, project_lc, body, len,
		    payload_hash, now, &known);
	if (error == 0 && campaign == 0) {
		error = secrets_load(&s->secrets, store, true, &err);
		if (error == 0)
			campaign = secrets_match(&s->secrets, project_lc, body,
			    len, payload_hash, now, &known);
	}
	pthread_mutex_unlock(&s->secrets.lock);
	if (error < 0) {
		reply(out, 503, "unavailable", "error",
		    "the webhook could not be checked: %s", cs_error_msg(&err));
		goto out;
	}
	if (!known) {
		reply(out, 404, "unknown_project", "unknown_project",
		    "no campaign has NMKR project %s", project_lc);
		error = refuse(s, out, over_limit, "unknown_project", body, len,
		    project_lc, strlen(event) <= 64 ? event : NULL, now);
		goto out;
	}
	if (campaign == 0) {
		reply(out, 401, "bad_signature", "rejected",
		    payload_hash == NULL ? "payloadHash is missing"
		                         : "payloadHash does not match");
		error = refuse(s, out, over_limit,
		    payload_hash == NULL ? "unsigned" : "bad_signature", body,
		    len, project_lc, strlen(event) <= 64 ? event : NULL, now);
		goto out;
	}

	sell = strcasecmp(event, "transactionconfirmed") == 0;
	release = strcasecmp(event, "transactioncanceled") == 0 ||
	          strcasecmp(event, "addressexpired") == 0;
	tx = jstr(doc, "TxHash");
	nfts = cJSON_GetObjectItem(doc, "NotificationSaleNfts");
	/* Signed by NMKR, yet not what NMKR sends: refused whole (400), and
	 * recorded, so that the next sync settles what it names. */
	if (tx != NULL && *tx != '\0' && !cs_tx_hash_valid(tx)) {
		reply(out, 400, "invalid_tx_hash", "invalid",
		    "TxHash is not a Cardano transaction id (%d hex digits): "
		    "nothing applied",
		    CS_TX_HASH_LEN);
		error = record_only(s, body, len, project_lc, event, "invalid",
		    out->message, campaign, true, now, &out->event_id);
		goto out;
	}
	if (cJSON_GetArraySize(nfts) > CS_WEBHOOK_MAX_NFTS) {
		reply(out, 400, "too_many_nfts", "invalid",
		    "the notification lists %d NFTs, more than %d: nothing "
		    "applied; the next sync reads them",
		    cJSON_GetArraySize(nfts), CS_WEBHOOK_MAX_NFTS);
		error = record_only(s, body, len, project_lc, event, "invalid",
		    out->message, campaign, true, now, &out->event_id);
		goto out;
	}
	/* Only sales sell: NMKR confirms every transaction of the project
	 * (payouts, refunds, mint-and-send, burns) with this event. */
	if (sell) {
		sale_type = jstr(doc, "SaleType");
		sale = cs_sale_type_classify(sale_type);
		outcome = cs_sale_class_outcome(sale);
		if (sale != CS_SALE_IS_SALE) {
			sell = false;
			snprintf(detail, sizeof(detail), "SaleType %.64s %s",
			    sale_type != NULL ? sale_type : "(none)",
			    sale == CS_SALE_NOT_SALE
			        ? "is not a sale: no NFT changed"
			        : "is not known: no NFT changed, the next "
			          "sync settles them");
		}
	}
	buyer = jstr(doc, "ReceiverAddress");
	if (buyer == NULL || *buyer == '\0')
		buyer = jstr(doc, "StakeAddressReceiver");
	if (buyer != NULL && strlen(buyer) > CS_MAX_WALLET)
		buyer = NULL;
	sold_at = sale_date(s, jstr(doc, "SaleDate"));
	sold_raw = sold_at != 0 ? jstr(doc, "SaleDate") : NULL;
	uids = cs_xcalloc((size_t)cJSON_GetArraySize(nfts) + 1, sizeof(*uids));
	cJSON_ArrayForEach(item, nfts) {
		const char *uid = jstr(item, "NftUid");

		if (uid == NULL)
			continue;
		uids[n] = cs_xstrdup(uid);
		cs_str_lower(uids[n]);
		n++;
	}
	out->nfts = n;
	sha256_hex(body, len, sha);
	key = dedupe_key(event, tx, uids, n, sha);

	j.item.event.campaign_id = campaign;
	j.item.event.project_uid = project_lc;
	j.item.event.event_type = CS_UNCONST(event);
	j.item.event.dedupe_key = key;
	j.item.event.tx_hash = CS_UNCONST(tx);
	j.item.event.raw_body = CS_UNCONST(body);
	j.item.event.raw_len = len;
	j.item.event.body_sha256 = sha;
	j.item.event.body_len = len;
	j.item.event.verified = true;
	if (sell || release)
		outcome = NULL;
	else if (outcome == NULL)
		outcome = "ignored";
	j.item.event.outcome = CS_UNCONST(outcome);
	j.item.event.detail = detail[0] != '\0' ? detail : NULL;
	j.item.event.received_at = now;
	j.item.log.nmkr_project_uid = project_lc;
	j.item.log.campaign_id = campaign;
	j.item.log.started_at = now;
	if (sell || release) {
		j.changes = cs_xcalloc(n + 1, sizeof(*j.changes));
		j.results = cs_xcalloc(n + 1, sizeof(*j.results));
		for (i = 0; i < n; i++) {
			struct cs_nft_change *ch = &j.changes[i];

			*ch = (struct cs_nft_change)CS_NFT_CHANGE_INIT;
			ch->nft_uid = uids[i];
			ch->campaign_id = campaign;
			ch->source = CS_SOURCE_WEBHOOK;
			if (sell) {
				ch->new_status = CS_NFT_SOLD;
				ch->sold_to = buyer;
				ch->tx_hash = tx;
				ch->sold_at = sold_at;
				ch->sold_at_raw = sold_raw;
				ch->detail = "transactionconfirmed";
			} else {
				ch->new_status = CS_NFT_AVAILABLE;
				ch->only_if_status = CS_NFT_RESERVED;
				ch->detail = event;
			}
		}
		j.item.changes = j.changes;
		j.item.nchanges = n;
		j.item.results = j.results;
	}
	error = submit(s, &j);
	if (error < 0) {
		reply(out, 503, "unavailable", "error",
		    "the webhook could not be recorded; try again");
		goto out;
	}
	out->event_id = j.item.event.id;
	out->sync_log_id = j.item.log.id;
	if (j.item.error < 0) {
		reply(out, 500, "internal", "error", "%s",
		    cs_error_msg(&j.item.err));
		goto out;
	}
	for (i = 0; !j.item.replay && i < j.item.nchanges; i++)
		out->changed += j.results[i] == CS_APPLY_OK;
	reply(out, 200, NULL, j.item.replay ? "replay" : j.item.event.outcome,
	    "%s",
	    j.item.replay       ? "already received: nothing applied again"
	    : detail[0] != '\0' ? detail
	                        : "recorded");
out:
	if (out->outcome != NULL)
		cs_metrics_webhook(out->outcome);
	if (error < 0 && out->status == 0)
		reply(out, 503, "unavailable", "error",
		    "the webhook could not be recorded; try again");
	for (i = 0; i < n; i++)
		free(uids[i]);
	free(uids);
	free(key);
	free(j.changes);
	free(j.results);
	cJSON_Delete(doc);
	return 0;
}
