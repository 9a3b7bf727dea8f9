/* SPDX-License-Identifier: MIT */
/* Helpers for the tests of the fakes; see th.h. */
#include "th.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <sys/stat.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include "test.h"
#include "util/buf.h"
#include "util/time.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define MAX_BODY (64u * 1024u * 1024u)
#define MAX_ARGS 48

/* ---- Requests -------------------------------------------------------------
 */

static size_t
on_body(char *ptr, size_t size, size_t nmemb, void *userdata)
{
	struct cs_buf *b = userdata;

	return cs_buf_put(b, ptr, size * nmemb) < 0 ? 0 : size * nmemb;
}

void
th_request(struct th_resp *out, const char *method, const char *url,
    const char *const *headers, const char *body)
{
	struct cs_buf b = CS_BUF_INIT(MAX_BODY), h = CS_BUF_INIT(1024 * 1024);
	struct curl_slist *list = NULL;
	CURL *curl;
	int i;

	memset(out, 0, sizeof(*out));
	curl = curl_easy_init();
	if (curl == NULL)
		cs_test_fail(__FILE__, __LINE__, "curl_easy_init failed");
	for (i = 0; headers != NULL && headers[i] != NULL; i++)
		list = curl_slist_append(list, headers[i]);
	if (body != NULL)
		list =
		    curl_slist_append(list, "Content-Type: application/json");
	curl_easy_setopt(curl, CURLOPT_URL, url);
	curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method);
	if (body != NULL) {
		curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(
		    curl, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
	}
	curl_easy_setopt(curl, CURLOPT_HTTPHEADER, list);
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(curl, CURLOPT_WRITEDATA, &b);
	curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_body);
	curl_easy_setopt(curl, CURLOPT_HEADERDATA, &h);
	curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, 20000L);
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	out->curl_code = (int)curl_easy_perform(curl);
	curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &out->status);
	curl_easy_getinfo(curl, CURLINFO_TOTAL_TIME, &out->seconds);
	out->body = cs_buf_take(&b, &out->len);
	out->headers = cs_buf_take(&h, NULL);
	curl_slist_free_all(list);
	curl_easy_cleanup(curl);
}

void
th_get(struct th_resp *out, const char *url, const char *auth)
{
	char hdr[512];
	const char *headers[2] = {NULL, NULL};

	if (auth != NULL) {
		snprintf(hdr, sizeof(hdr), "Authorization: %s", auth);
		headers[0] = hdr;
	}
	th_request(out, "GET", url, headers, NULL);
}

void
th_resp_free(struct th_resp *r)
{
	free(r->body);
	free(r->headers);
	memset(r, 0, sizeof(*r));
}

bool
th_header(const struct th_resp *r, const char *name, char *out, size_t size)
{
	const char *line = r->headers, *end, *v;
	size_t n = strlen(name), len;

	while (line != NULL && *line != '\0') {
		end = strstr(line, "\r\n");
		if (end == NULL)
			end = line + strlen(line);
		if ((size_t)(end - line) > n && line[n] == ':' &&
		    strncasecmp(line, name, n) == 0) {
			v = line + n + 1;
			while (*v == ' ')
				v++;
			len = (size_t)(end - v);
			if (len >= size)
				len = size - 1;
			memcpy(out, v, len);
			out[len] = '\0';
			return true;
		}
		line = *end != '\0' ? end + 2 : end;
	}
	return false;
}

cJSON *
th_json(const struct th_resp *r)
{
	cJSON *doc = cJSON_ParseWithLength(r->body, r->len);

	if (doc == NULL)
		cs_test_fail(__FILE__, __LINE__,
		    "response (HTTP %ld) is not JSON: %.300s", r->status,
		    r->body);
	return doc;
}

const char *
th_str(const cJSON *obj, const char *key)
{
	return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(obj, key));
}

double
th_num(const cJSON *obj, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	if (!cJSON_IsNumber(v))
		cs_test_fail(
		    __FILE__, __LINE__, "no number member \"%s\"", key);
	return v->valuedouble;
}

void
th_assert_keys(const cJSON *obj, const char *const *keys)
{
	const cJSON *it;
	int i = 0;

	if (!cJSON_IsObject(obj))
		cs_test_fail(__FILE__, __LINE__, "not an object");
	cJSON_ArrayForEach(it, obj) {
		if (keys[i] == NULL)
			cs_test_fail(__FILE__, __LINE__,
			    "unexpected member \"%s\" at position %d",
			    it->string, i);
		if (strcmp(it->string, keys[i]) != 0)
			cs_test_fail(__FILE__, __LINE__,
			    "member %d is \"%s\", expected \"%s\"", i,
			    it->string, keys[i]);
		i++;
	}
	if (keys[i] != NULL)
		cs_test_fail(
		    __FILE__, __LINE__, "member \"%s\" is missing", keys[i]);
}

/* ---- The record of answers ---------------------------------------------
 */

static FILE *answers; /* CS_FAKE_ANSWERS, see th.h */

static void
close_answers(void)
{
	if (answers != NULL)
		fclose(answers);
	answers = NULL;
}

/* Open the file the answers are recorded to, emptied first. Each CS_TEST
 * runs in a process of its own, so one file holds one test's answers. */
static void
open_answers(const char *file, int line)
{
	const char *to = getenv("CS_FAKE_ANSWERS");
	char *own = NULL, *dir = NULL, *slash;

	if (to != NULL && strcmp(to, "-") == 0)
		cs_test_fail(file, line,
		    "this test is not in the fixture fake_answers, so no one "
		    "would validate its answers: call TH_CHECK_SPEC in the "
		    "body of its CS_TEST (tests/tools/CMakeLists.txt)");
	if (to == NULL || *to == '\0') {
		own = cs_test_path("answers.jsonl");
		to = own;
	} else {
		dir = cs_xstrdup(to);
		slash = strrchr(dir, '/');
		if (slash != NULL && slash != dir) {
			*slash = '\0';
			if (mkdir(dir, 0755) < 0 && errno != EEXIST)
				cs_test_fail(file, line, "mkdir %s: %s", dir,
				    strerror(errno));
		}
	}
	answers = fopen(to, "w");
	if (answers == NULL)
		cs_test_fail(file, line, "%s: %s", to, strerror(errno));
	atexit(close_answers);
	free(dir);
	free(own);
}

void
th_record_answer(const char *file, int line, const char *spec,
    const char *method, const char *path_tpl, const struct th_resp *r,
    unsigned flags)
{
	cJSON *rec = cJSON_CreateObject();
	char at[256], type[128];
	char *text;

	if (answers == NULL)
		open_answers(file, line);
	snprintf(at, sizeof(at), "%s:%d", file, line);
	cJSON_AddStringToObject(rec, "at", at);
	cJSON_AddStringToObject(rec, "spec", spec);
	cJSON_AddStringToObject(rec, "method", method);
	cJSON_AddStringToObject(rec, "path", path_tpl);
	cJSON_AddNumberToObject(rec, "status", (double)r->status);
	if (th_header(r, "Content-Type", type, sizeof(type)))
		cJSON_AddStringToObject(rec, "type", type);
	cJSON_AddNumberToObject(rec, "len", (double)r->len);
	cJSON_AddStringToObject(rec, "body", r->body);
	cJSON_AddBoolToObject(rec, "extra", (flags & TH_ALLOW_EXTRA) != 0);
	text = cJSON_PrintUnformatted(rec);
	if (text == NULL || fputs(text, answers) == EOF ||
	    fputc('\n', answers) == EOF || fflush(answers) == EOF)
		cs_test_fail(file, line, "cannot record an answer");
	free(text);
	cJSON_Delete(rec);
}

/* ---- Fakes ----------------------------------------------------------------
 */

static void
start(struct cs_fakeproc *p, const char *rel, const char *flag,
    const char *value, const char *const *args)
{
	const char *argv[MAX_ARGS];
	char *path = cs_build_path(rel);
	int n = 0, i;

	argv[n++] = path;
	argv[n++] = "--listen";
	argv[n++] = "127.0.0.1:0";
	argv[n++] = flag;
	argv[n++] = value;
	for (i = 0; args != NULL && args[i] != NULL && n < MAX_ARGS - 1; i++)
		argv[n++] = args[i];
	argv[n] = NULL;
	cs_fakeproc_start(p, argv, NULL);
	free(path);
}

void
th_start_nmkr(struct cs_fakeproc *p, const char *const *args)
{
	start(p, "tools/fake-nmkr/fake-nmkr", "--api-key", TH_KEY, args);
}

void
th_start_bf(struct cs_fakeproc *p, const char *const *args)
{
	start(p, "tools/fake-blockfrost/fake-blockfrost", "--project-id",
	    TH_BF_PROJECT, args);
}

char *
th_url(const struct cs_fakeproc *p, const char *fmt, ...)
{
	struct cs_buf b = CS_BUF_INIT(64 * 1024);
	va_list ap;

	if (cs_buf_puts(&b, p->base_url) < 0)
		abort();
	va_start(ap, fmt);
	if (cs_buf_vprintf(&b, fmt, ap) < 0)
		abort();
	va_end(ap);
	return cs_buf_take(&b, NULL);
}

cJSON *
th_control(const struct cs_fakeproc *p, const char *method, const char *path,
    const char *body, long expect)
{
	struct th_resp r;
	char *url = th_url(p, "%s", path);
	cJSON *doc = NULL;

	th_request(&r, method, url, NULL, body);
	if (r.status != expect)
		cs_test_fail(__FILE__, __LINE__,
		    "%s %s: HTTP %ld (curl %d), expected %ld: %.500s", method,
		    path, r.status, r.curl_code, expect, r.body);
	if (r.len > 0)
		doc = th_json(&r);
	th_resp_free(&r);
	free(url);
	return doc;
}

void
th_nft_uid(const char *project, long i, char out[37])
{
	unsigned char md[32];
	char seed[128], hex[33];
	int k;

	snprintf(seed, sizeof(seed), "%s:%ld", project, i);
	SHA256((const unsigned char *)seed, strlen(seed), md);
	md[6] = (unsigned char)((md[6] & 0x0f) | 0x40);
	md[8] = (unsigned char)((md[8] & 0x3f) | 0x80);
	for (k = 0; k < 16; k++)
		snprintf(hex + 2 * k, 3, "%02x", md[k]);
	snprintf(out, 37, "%.8s-%.4s-%.4s-%.4s-%.12s", hex, hex + 8, hex + 12,
	    hex + 16, hex + 20);
}

void
th_hmac_b64(const char *key, const char *msg, size_t len, char out[64])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;

	HMAC(EVP_sha256(), key, (int)strlen(key), (const unsigned char *)msg,
	    len, md, &mdlen);
	EVP_EncodeBlock((unsigned char *)out, md, (int)mdlen);
}

/* ---- Webhook receiver -----------------------------------------------------
 */

struct th_receiver {
	struct MHD_Daemon *d;
	int port;
	int reply;
	pthread_mutex_t lock;
	int count;
	char *body;
	size_t len;
	char *uri;
	char *hash;
	char *ctype;
};

struct rx_req {
	char *uri;
	struct cs_buf body;
	bool started;
};

static void *
rx_uri(void *cls, const char *uri, struct MHD_Connection *conn)
{
	struct rx_req *q = cs_xcalloc(1, sizeof(*q));

	(void)cls;
	(void)conn;
	q->uri = cs_xstrdup(uri);
	cs_buf_init(&q->body, 1024 * 1024);
	return q;
}

static void
rx_done(void *cls, struct MHD_Connection *conn, void **con_cls,
    enum MHD_RequestTerminationCode toe)
{
	struct rx_req *q = *con_cls;

	(void)cls;
	(void)conn;
	(void)toe;
	if (q == NULL)
		return;
	cs_buf_dispose(&q->body);
	free(q->uri);
	free(q);
	*con_cls = NULL;
}

static char *
dup_or_empty(const char *s)
{
	return cs_xstrdup(s != NULL ? s : "");
}

static enum MHD_Result
rx_access(void *cls, struct MHD_Connection *conn, const char *url,
    const char *method, const char *version, const char *data, size_t *size,
    void **con_cls)
{
	struct th_receiver *r = cls;
	struct rx_req *q = *con_cls;
	struct MHD_Response *resp;
	enum MHD_Result ret;

	(void)url;
	(void)method;
	(void)version;
	if (!q->started) {
		q->started = true;
		return MHD_YES;
	}
	if (*size > 0) {
		if (cs_buf_put(&q->body, data, *size) < 0)
			return MHD_NO;
		*size = 0;
		return MHD_YES;
	}
	pthread_mutex_lock(&r->lock);
	free(r->body);
	free(r->uri);
	free(r->hash);
	free(r->ctype);
	r->body = cs_buf_take(&q->body, &r->len);
	r->uri = cs_xstrdup(q->uri);
	r->hash = dup_or_empty(MHD_lookup_connection_value(
	    conn, MHD_GET_ARGUMENT_KIND, "payloadHash"));
	r->ctype = dup_or_empty(
	    MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Type"));
	r->count++;
	pthread_mutex_unlock(&r->lock);
	resp = MHD_create_response_from_buffer(
	    2, (void *)(uintptr_t) "ok", MHD_RESPMEM_PERSISTENT);
	ret = MHD_queue_response(conn, (unsigned int)r->reply, resp);
	MHD_destroy_response(resp);
	return ret;
}

struct th_receiver *
th_receiver_start(int reply_status)
{
	struct th_receiver *r = cs_xcalloc(1, sizeof(*r));
	struct sockaddr_in sin;
	const union MHD_DaemonInfo *di;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	r->reply = reply_status;
	pthread_mutex_init(&r->lock, NULL);
	r->d =
	    MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD |
	                         MHD_USE_THREAD_PER_CONNECTION | MHD_USE_POLL,
	        0, NULL, NULL, rx_access, r, MHD_OPTION_SOCK_ADDR,
	        (struct sockaddr *)&sin, MHD_OPTION_URI_LOG_CALLBACK, rx_uri, r,
	        MHD_OPTION_NOTIFY_COMPLETED, rx_done, r, MHD_OPTION_END);
	if (r->d == NULL)
		cs_test_fail(__FILE__, __LINE__, "cannot start the receiver");
	di = MHD_get_daemon_info(r->d, MHD_DAEMON_INFO_BIND_PORT);
	r->port = di != NULL ? di->port : 0;
	return r;
}

int
th_receiver_port(const struct th_receiver *r)
{
	return r->port;
}

bool
th_receiver_wait(struct th_receiver *r, int count, int timeout_ms)
{
	int64_t end = cs_mono_ms() + timeout_ms;
	int have;

	for (;;) {
		pthread_mutex_lock(&r->lock);
		have = r->count;
		pthread_mutex_unlock(&r->lock);
		if (have >= count)
			return true;
		if (cs_mono_ms() > end)
			return false;
		cs_sleep_ms(5);
	}
}

const char *
th_receiver_body(struct th_receiver *r, size_t *len)
{
	if (len != NULL)
		*len = r->len;
	return r->body;
}

const char *
th_receiver_uri(struct th_receiver *r)
{
	return r->uri;
}

const char *
th_receiver_hash(struct th_receiver *r)
{
	return r->hash;
}

const char *
th_receiver_content_type(struct th_receiver *r)
{
	return r->ctype;
}

void
th_receiver_stop(struct th_receiver *r)
{
	if (r == NULL)
		return;
	MHD_stop_daemon(r->d);
	free(r->body);
	free(r->uri);
	free(r->hash);
	free(r->ctype);
	pthread_mutex_destroy(&r->lock);
	free(r);
}
