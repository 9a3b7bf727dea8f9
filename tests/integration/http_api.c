/* SPDX-License-Identifier: MIT */
/*
 * The HTTP API over real HTTP on loopback (issue 6): `campaign-sync serve`
 * on a SQLite file against fake-nmkr, every path and method of
 * docs/openapi.yaml with its happy path and its documented errors. Every
 * answer of the server is recorded, one JSON line each, to CS_API_ANSWERS
 * (else answers.jsonl in the test's directory), and the CTest test
 * api.openapi.answers holds them all against the document afterwards
 * (tests/e2e/validate-answers.mjs). No answer and no line of the server's
 * log may hold a secret (the admin token, the NMKR key, a webhook secret).
 * Every test ends by stopping the server with SIGTERM, which must exit 0.
 */
#include "test.h"

#include <ctype.h>
#include <errno.h>
#include <curl/curl.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <strings.h>
#include <sys/stat.h>

#include "core/wallet.h"
#include "support/fakeproc.h"
#include "support/fixture.h"
#include "support/testhttp.h"
#include "util/buf.h"
#include "util/str.h"
#include "util/time.h"
#include "util/xalloc.h"

#define TOKEN "api-test-admin-token-5f1c9a7e"
#define KEY "api-test-nmkr-key-77c2d0"
#define PROJECT "9e2d000a-ed53-4db4-819b-25cdab41fd47"
#define UNKNOWN_PROJECT "0b7e3c55-1111-4aaa-8bbb-123456789abc"
#define STAKE "stake_test1uqfu74w3wh4gfzu8m6e7j987h4lq9r3t7ef5gaw497uu85qsqfy27"
/* Valid preprod addresses (support/fixture.h). */
#define W(n) cs_fixture_wallet(n)

/* ---- The servers ------------------------------------------------------- */

static struct cs_fakeproc fake, srv, bf;
static char bf_api[96];          /* fake-blockfrost's /api/v0 when one runs */
static const char *serve_owner;  /* serve --owner, when set */
static const char *serve_env[3]; /* more environment for serve ("K=V") */
#define BF_PID "api-test-blockfrost-3f9a1c"
static cJSON *doc;         /* docs/openapi.yaml, see api_doc() */
static FILE *answers;      /* where the answers are recorded */
static struct cs_buf seen; /* every body the server answered */
static char *secrets[16];  /* never in a body or in the log */
static size_t nsecrets;

static void
add_secret(const char *s)
{
	ASSERT_TRUE(nsecrets < sizeof(secrets) / sizeof(secrets[0]));
	secrets[nsecrets++] = cs_xstrdup(s);
}

/* Open the file the answers are recorded to (see the top of this file):
 * emptied at the first start of the process, appended to at the next. */
static void
open_answers(void)
{
	static bool opened;
	const char *to = getenv("CS_API_ANSWERS");
	char *own = NULL, *dir, *slash;

	if (to == NULL || *to == '\0') {
		own = cs_test_path("answers.jsonl");
		to = own;
	} else {
		dir = cs_xstrdup(to);
		slash = strrchr(dir, '/');
		if (slash != NULL && slash != dir) {
			*slash = '\0';
			if (mkdir(dir, 0755) < 0 && errno != EEXIST)
				cs_test_fail(__FILE__, __LINE__, "mkdir %s: %s",
				    dir, strerror(errno));
		}
		free(dir);
	}
	answers = fopen(to, opened ? "a" : "w");
	opened = true;
	if (answers == NULL)
		cs_test_fail(__FILE__, __LINE__, "%s: %s", to, strerror(errno));
	free(own);
}

/* One record: an answer or a value to hold against a schema. Takes
 * ownership of rec. */
static void
record_take(const char *file, int line, cJSON *rec)
{
	char at[256];
	char *text;

	snprintf(at, sizeof(at), "%s:%d", file, line);
	cJSON_AddStringToObject(rec, "at", at);
	text = cJSON_PrintUnformatted(rec);
	if (answers == NULL || text == NULL || fputs(text, answers) == EOF ||
	    fputc('\n', answers) == EOF || fflush(answers) == EOF)
		cs_test_fail(file, line, "cannot record an answer");
	free(text);
	cJSON_Delete(rec);
}

/* docs/openapi.yaml as JSON (the test api.openapi.json writes it), for the
 * tests that walk its paths; freed by finish(). */
static const cJSON *
api_doc(void)
{
	char *text;

	if (doc != NULL)
		return doc;
	text = cs_test_read_file(CS_API_DOC_JSON, NULL);
	if (text == NULL)
		cs_test_fail(__FILE__, __LINE__,
		    "%s is missing: the CTest test api.openapi.json writes it "
		    "(node, tests/e2e/openapi-json.mjs)",
		    CS_API_DOC_JSON);
	doc = cJSON_Parse(text);
	if (doc == NULL)
		cs_test_fail(
		    __FILE__, __LINE__, "%s: not JSON", CS_API_DOC_JSON);
	free(text);
	return doc;
}

static void
start_fake(const char *nfts)
{
	char *bin = cs_build_path("tools/fake-nmkr/fake-nmkr");
	const char *argv[] = {bin, "--listen", "127.0.0.1:0", "--api-key", KEY,
	    "--project", PROJECT, "--nfts", nfts, "--network", "preprod",
	    "--rate-limit", "0", NULL, NULL, NULL, NULL, NULL};

	if (bf_api[0] != '\0') {
		argv[13] = "--blockfrost";
		argv[14] = bf_api;
		argv[15] = "--blockfrost-project-id";
		argv[16] = BF_PID;
	}
	cs_fakeproc_start(&fake, argv, NULL);
	free(bin);
}

/* fake-blockfrost, which the next start_fake() mints sales on and the
 * next start_server() verifies against. */
static void
start_blockfrost(void)
{
	char *bin = cs_build_path("tools/fake-blockfrost/fake-blockfrost");
	const char *argv[] = {
	    bin, "--listen", "127.0.0.1:0", "--project-id", BF_PID, NULL};

	cs_fakeproc_start(&bf, argv, NULL);
	snprintf(bf_api, sizeof(bf_api), "%s/api/v0", bf.base_url);
	free(bin);
}

/* serve with the given NMKR key (NULL: none) and public rate (requests a
 * minute). */
static void
start_server(const char *key, const char *rate)
{
	char *bin = cs_build_path("src/cli/campaign-sync");
	char *db = cs_test_path("api.db");
	char *e_db = cs_xasprintf("CS_DATABASE_URL=sqlite:%s", db);
	char *e_url = cs_xasprintf("NMKR_API_URL=%s", fake.base_url);
	char *e_key = cs_xasprintf("NMKR_API_KEY=%s", key != NULL ? key : "");
	char *e_rate = cs_xasprintf("CS_PUBLIC_RATE=%s", rate);
	char *e_bf = cs_xasprintf("BLOCKFROST_API_URL=%s", bf_api);
	const char *argv[] = {bin, "-v", "serve", "--listen", "127.0.0.1:0",
	    "--no-schedule", NULL, NULL, NULL};
	const char *env[] = {e_db, e_url, e_key, e_rate,
	    "CS_ADMIN_TOKEN=" TOKEN, "NMKR_NETWORK=preprod",
	    "CS_LOG_FORMAT=text", NULL, NULL, NULL, NULL, NULL, NULL};
	size_t i, n = 7;

	if (serve_owner != NULL) {
		argv[6] = "--owner";
		argv[7] = serve_owner;
	}
	if (bf_api[0] != '\0') {
		env[n++] = e_bf;
		env[n++] = "BLOCKFROST_PROJECT_ID=" BF_PID;
	}
	for (i = 0; i < 3 && serve_env[i] != NULL; i++)
		env[n++] = serve_env[i];
	cs_fakeproc_start(&srv, argv, env);
	free(e_bf);
	free(bin);
	free(db);
	free(e_db);
	free(e_url);
	free(e_key);
	free(e_rate);
}

/* fake-nmkr with nfts NFTs, serve on a fresh database, the recording. */
static void
start_with(const char *nfts, const char *rate)
{
	open_answers();
	cs_buf_init(&seen, 256u << 20);
	add_secret(TOKEN);
	add_secret(KEY);
	start_fake(nfts);
	start_server(KEY, rate);
}

static void
start(void)
{
	start_with("10", "0");
}

/* Stop serve (SIGTERM: exit 0), then check that no secret got out. */
static void
finish(void)
{
	char *log;
	size_t i;

	ASSERT_EQ(cs_fakeproc_stop(&srv), 0);
	log = cs_fakeproc_log(&srv);
	ASSERT_STR_CONTAINS(log, "stopped");
	for (i = 0; i < nsecrets; i++) {
		if (strstr(log, secrets[i]) != NULL)
			cs_test_fail(__FILE__, __LINE__,
			    "secret %zu is in the server's log", i);
		if (strstr(cs_buf_cstr(&seen), secrets[i]) != NULL)
			cs_test_fail(__FILE__, __LINE__,
			    "secret %zu is in a response body", i);
		free(secrets[i]);
	}
	nsecrets = 0;
	free(log);
	ASSERT_EQ(cs_fakeproc_stop(&fake), 0);
	cs_buf_dispose(&seen);
	cJSON_Delete(doc);
	doc = NULL;
	if (answers != NULL && fclose(answers) == EOF)
		cs_test_fail(__FILE__, __LINE__, "cannot record an answer");
	answers = NULL;
}

/* ---- HTTP -------------------------------------------------------------- */

enum auth { NO_AUTH, ADMIN, BAD_AUTH };

struct resp {
	long status;
	char *body;
	size_t len;
	char *headers;
	cJSON *json; /* the body, when it is JSON */
};

/* How a body is sent: with "Expect: 100-continue" (the server may refuse
 * it before it is sent), chunked (no Content-Length). */
#define SEND_EXPECT 0x1u
#define SEND_CHUNKED 0x2u

/* One request; type is the body's Content-Type (NULL: none). */
static struct resp
send_req(const char *method, const char *url, const char *body, size_t len,
    const char *type, enum auth auth, unsigned flags)
{
	const char *headers[5];
	struct cs_test_resp t;
	struct resp r;
	char line[256];
	size_t n = 0;

	memset(&r, 0, sizeof(r));
	if (auth == ADMIN)
		headers[n++] = "Authorization: Bearer " TOKEN;
	else if (auth == BAD_AUTH)
		headers[n++] =
		    "Authorization: Bearer not-the-admin-token-at-all";
	if (type != NULL) {
		snprintf(line, sizeof(line), "Content-Type: %s", type);
		headers[n++] = line;
	}
	headers[n++] = flags & SEND_EXPECT ? "Expect: 100-continue" : "Expect:";
	if (flags & SEND_CHUNKED)
		headers[n++] = "Transfer-Encoding: chunked";
	headers[n] = NULL;
	t = cs_test_http_raw(method, url, body, len, headers, 20);
	r.status = t.status;
	r.body = t.body;
	r.len = t.len;
	r.headers = t.headers;
	return r;
}

static void
resp_free(struct resp *r)
{
	free(r->body);
	free(r->headers);
	cJSON_Delete(r->json);
	memset(r, 0, sizeof(*r));
}

/* The value of a response header (the last one of that name), copied into
 * out; NULL when absent. */
static const char *
header(const struct resp *r, const char *name, char *out, size_t size)
{
	const char *p = r->headers, *found = NULL, *end;
	size_t n = strlen(name), len;

	while (p != NULL && *p != '\0') {
		if (strncasecmp(p, name, n) == 0 && p[n] == ':')
			found = p + n + 1;
		p = strchr(p, '\n');
		if (p != NULL)
			p++;
	}
	if (found == NULL)
		return NULL;
	while (*found == ' ')
		found++;
	end = found + strcspn(found, "\r\n");
	len = (size_t)(end - found);
	if (len >= size)
		len = size - 1;
	memcpy(out, found, len);
	out[len] = '\0';
	return out;
}

/* ---- The record ------------------------------------------------------- */

/* Record value, to be held against "#/components/schemas/<name>". */
static void
check_schema(const char *file, int line, const char *name, const cJSON *value,
    const char *what)
{
	cJSON *rec = cJSON_CreateObject();
	char *text = cJSON_PrintUnformatted(value);

	cJSON_AddStringToObject(rec, "schema", name);
	cJSON_AddStringToObject(rec, "what", what);
	cJSON_AddStringToObject(rec, "body", text != NULL ? text : "");
	free(text);
	record_take(file, line, rec);
}

/*
 * Record an answer of the server, to be held against the document
 * (validate-answers.mjs says what it checks), and keep its body for the
 * secret check. A JSON body is parsed here, since the tests read it.
 */
static void
check_resp(const char *file, int line, const char *method, const char *path,
    struct resp *r)
{
	cJSON *rec = cJSON_CreateObject();
	char type[128] = "";
	bool has_type;

	if (cs_buf_put(&seen, r->body, r->len) < 0 ||
	    cs_buf_putc(&seen, '\n') < 0)
		cs_test_fail(file, line, "too many bodies to keep");
	has_type = header(r, "Content-Type", type, sizeof(type)) != NULL;
	cJSON_AddStringToObject(rec, "method", method);
	cJSON_AddStringToObject(rec, "path", path);
	cJSON_AddNumberToObject(rec, "status", (double)r->status);
	if (has_type)
		cJSON_AddStringToObject(rec, "type", type);
	cJSON_AddNumberToObject(rec, "len", (double)r->len);
	cJSON_AddStringToObject(rec, "body", r->body != NULL ? r->body : "");
	record_take(file, line, rec);
	if (has_type && strncmp(type, "application/json", 16) == 0) {
		r->json = cJSON_ParseWithLength(r->body, r->len);
		if (r->json == NULL)
			cs_test_fail(file, line, "%s %s -> %ld: not JSON: %s",
			    method, path, r->status, r->body);
	}
}

/* A request to the server, checked against the document. */
static struct resp
call_flags_at(const char *file, int line, const char *method, const char *path,
    const char *body, const char *type, enum auth auth, unsigned flags)
{
	char url[2048];
	struct resp r;

	snprintf(url, sizeof(url), "%s%s", srv.base_url, path);
	r = send_req(method, url, body, body != NULL ? strlen(body) : 0,
	    body != NULL && type == NULL ? "application/json" : type, auth,
	    flags);
	check_resp(file, line, method, path, &r);
	return r;
}

static struct resp
call_at(const char *file, int line, const char *method, const char *path,
    const char *body, const char *type, enum auth auth)
{
	return call_flags_at(file, line, method, path, body, type, auth, 0);
}

#define CALL(method, path, body, auth)                                         \
	call_at(__FILE__, __LINE__, method, path, body, NULL, auth)

/* An admin request that must answer status; returns its JSON (caller
 * deletes; NULL when the body is not JSON). */
static cJSON *
api_at(const char *file, int line, const char *method, const char *path,
    const char *body, long status)
{
	struct resp r = call_at(file, line, method, path, body, NULL, ADMIN);
	cJSON *j;

	if (r.status != status)
		cs_test_fail(file, line, "%s %s: HTTP %ld, expected %ld: %s",
		    method, path, r.status, status, r.body);
	j = r.json;
	r.json = NULL;
	resp_free(&r);
	return j;
}

#define API(method, path, body, status)                                        \
	api_at(__FILE__, __LINE__, method, path, body, status)

/* An admin request that must fail with status and error code. */
static void
api_err_at(const char *file, int line, const char *method, const char *path,
    const char *body, long status, const char *code)
{
	cJSON *j = api_at(file, line, method, path, body, status);
	const char *got = cJSON_GetStringValue(
	    cJSON_GetObjectItem(cJSON_GetObjectItem(j, "error"), "code"));

	if (code != NULL && (got == NULL || strcmp(got, code) != 0))
		cs_test_fail(file, line, "%s %s: error code %s, expected %s",
		    method, path, got != NULL ? got : "(none)", code);
	cJSON_Delete(j);
}

#define API_ERR(method, path, body, status, code)                              \
	api_err_at(__FILE__, __LINE__, method, path, body, status, code)

/* A path from a format (rotating buffers: a few may be live at once). */
static const char *P(const char *fmt, ...) CS_PRINTF(1, 2);

static const char *
P(const char *fmt, ...)
{
	static char bufs[8][1024];
	static int next;
	char *b = bufs[next++ % 8];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(b, sizeof(bufs[0]), fmt, ap);
	va_end(ap);
	return b;
}

static int64_t
num(const cJSON *o, const char *name)
{
	const cJSON *v = cJSON_GetObjectItem(o, name);

	if (!cJSON_IsNumber(v))
		cs_test_fail(__FILE__, __LINE__, "%s is not a number", name);
	return (int64_t)v->valuedouble;
}

static const char *
str(const cJSON *o, const char *name)
{
	return cJSON_GetStringValue(cJSON_GetObjectItem(o, name));
}

static const char *
err_code(const cJSON *j)
{
	return str(cJSON_GetObjectItem(j, "error"), "code");
}

static const char *
err_msg(const cJSON *j)
{
	const char *m = str(cJSON_GetObjectItem(j, "error"), "message");

	return m != NULL ? m : "";
}

/* ---- Fixtures ---------------------------------------------------------- */

static int64_t
create_campaign(const char *name, const char *project, int max)
{
	cJSON *c = API("POST", "/api/campaigns",
	    P("{\"name\":\"%s\",\"nmkrProjectId\":\"%s\",\"maxNFTs\":%d,"
	      "\"network\":\"preprod\"}",
	        name, project, max),
	    201);
	int64_t id = num(c, "id");

	cJSON_Delete(c);
	return id;
}

/* A campaign with the fake's NFTs imported. */
static int64_t
campaign_with_nfts(const char *name)
{
	int64_t id = create_campaign(name, PROJECT, 1000);

	cJSON_Delete(API(
	    "POST", P("/api/campaigns/%lld/import", (long long)id), NULL, 200));
	return id;
}

/* The uid of NFT number n of a campaign; caller frees. */
static char *
uid_of(int64_t campaign, int64_t n)
{
	cJSON *page = API("GET",
	    P("/api/campaigns/%lld/nfts?after=%lld&limit=1",
	        (long long)campaign, (long long)(n - 1)),
	    NULL, 200);
	cJSON *item = cJSON_GetArrayItem(cJSON_GetObjectItem(page, "items"), 0);
	char *uid;

	ASSERT_TRUE(item != NULL);
	ASSERT_EQ(num(item, "nftNumber"), n);
	uid = cs_xstrdup(str(item, "nftUid"));
	cJSON_Delete(page);
	return uid;
}

static cJSON *
nft(const char *uid)
{
	return API("GET", P("/api/nfts/%s", uid), NULL, 200);
}

static cJSON *
fake_call(const char *method, const char *path, const char *body)
{
	char url[512];

	snprintf(url, sizeof(url), "%s%s", fake.base_url, path);
	return cs_test_http_json(method, url, body);
}

static void
fake_state(const char *uid, const char *state)
{
	cJSON_Delete(fake_call("POST", P("/__fake/nfts/%s/state", uid),
	    P("{\"state\":\"%s\"}", state)));
}

static void
fake_fault(const char *fault)
{
	cJSON_Delete(fake_call("POST", "/__fake/faults", fault));
}

/* The secrets of the project's notifications at the fake (NMKR keeps
 * them); each is added to the secrets that must not get out. Returns the
 * first; caller frees. */
static char *
nmkr_secret(void)
{
	const char *hdr[] = {"Authorization: Bearer " KEY, NULL};
	struct cs_test_resp r;
	cJSON *list, *it;
	char *first = NULL;

	r = cs_test_http("GET",
	    P("%s/v2/GetNotifications/%s", fake.base_url, PROJECT), NULL, hdr);
	ASSERT_EQ(r.status, 200);
	list = cJSON_Parse(r.body);
	ASSERT_TRUE(cJSON_IsArray(list));
	cJSON_ArrayForEach(it, list) {
		add_secret(str(it, "secret"));
		if (first == NULL)
			first = cs_xstrdup(str(it, "secret"));
	}
	ASSERT_TRUE(first != NULL);
	cJSON_Delete(list);
	cs_test_resp_free(&r);
	return first;
}

/*
 * Ask the fake to send a signed webhook (POST /__fake/webhook with the
 * given members); the server's answer comes back in "status" and "body"
 * and is checked against the document here. Returns the server's answer as
 * JSON (caller deletes) and its status in *status.
 */
static cJSON *
webhook_at(const char *file, int line, const char *members, long *status)
{
	char *req = cs_xasprintf(
	    "{\"url\":\"%s/webhooks/nmkr\",%s}", srv.base_url, members);
	cJSON *out = fake_call("POST", "/__fake/webhook", req);
	struct resp r;
	cJSON *j;

	free(req);
	memset(&r, 0, sizeof(r));
	r.status = (long)num(out, "status");
	r.body = cs_xstrdup(str(out, "body") != NULL ? str(out, "body") : "");
	r.len = strlen(r.body);
	r.headers = cs_xstrdup("Content-Type: application/json\r\n");
	check_resp(file, line, "POST", "/webhooks/nmkr", &r);
	*status = r.status;
	j = r.json;
	r.json = NULL;
	resp_free(&r);
	cJSON_Delete(out);
	return j;
}

#define WEBHOOK(members, status) webhook_at(__FILE__, __LINE__, members, status)

/* One series of /metrics ("cs_syncs_total{result=\"success\"}"). */
static double
metric(const char *series)
{
	struct resp r = CALL("GET", "/metrics", NULL, NO_AUTH);
	const char *p = r.body;
	size_t n = strlen(series);
	double v = -1;

	ASSERT_EQ(r.status, 200);
	while (p != NULL && *p != '\0') {
		if (strncmp(p, series, n) == 0 && p[n] == ' ') {
			v = strtod(p + n + 1, NULL);
			break;
		}
		p = strchr(p, '\n');
		if (p != NULL)
			p++;
	}
	resp_free(&r);
	if (v < 0)
		cs_test_fail(__FILE__, __LINE__, "no series %s", series);
	return v;
}

static size_t
array_size(const cJSON *a)
{
	ASSERT_TRUE(cJSON_IsArray(a));
	return (size_t)cJSON_GetArraySize(a);
}

/* ---- Server-Sent Events ------------------------------------------------ */

struct sse {
	char name[32];
	cJSON *data;
};

/* Parse a whole event stream into at most max events; returns how many. */
static size_t
sse_parse(const char *text, struct sse *out, size_t max)
{
	struct cs_buf data = CS_BUF_INIT(64u << 20);
	char name[32] = "message";
	const char *p = text, *end;
	size_t n = 0, len;

	while (*p != '\0') {
		end = p + strcspn(p, "\n");
		len = (size_t)(end - p);
		if (len == 0) {
			if (data.len > 0 && n < max) {
				cs_str_copy(out[n].name, name, sizeof(name));
				out[n].data = cJSON_Parse(cs_buf_cstr(&data));
				if (out[n].data == NULL)
					cs_test_fail(__FILE__, __LINE__,
					    "event %s: data not JSON: %s", name,
					    cs_buf_cstr(&data));
				n++;
			}
			cs_buf_reset(&data);
			cs_str_copy(name, "message", sizeof(name));
		} else if (strncmp(p, "event: ", 7) == 0) {
			snprintf(
			    name, sizeof(name), "%.*s", (int)(len - 7), p + 7);
		} else if (strncmp(p, "data: ", 6) == 0) {
			if ((data.len > 0 && cs_buf_putc(&data, '\n') < 0) ||
			    cs_buf_put(&data, p + 6, len - 6) < 0)
				abort();
		} else if (p[0] != ':') {
			cs_test_fail(__FILE__, __LINE__,
			    "not an event stream line: %.*s", (int)len, p);
		}
		p = *end == '\n' ? end + 1 : end;
	}
	cs_buf_dispose(&data);
	return n;
}

/* ======================================================================== */

CS_TEST(http_api__meta_healthz_metrics_openapi)
{
	struct resp r;
	char type[128];
	cJSON *j;
	char *file;
	size_t len;

	start();
	j = API("GET", "/healthz", NULL, 200);
	ASSERT_STR_EQ(str(j, "status"), "ok");
	ASSERT_STR_EQ(str(j, "database"), "sqlite");
	ASSERT_GT(num(j, "schemaVersion"), 0);
	cJSON_Delete(j);
	/* Public: no token needed, a wrong one changes nothing. */
	r = CALL("GET", "/healthz", NULL, BAD_AUTH);
	ASSERT_EQ(r.status, 200);
	resp_free(&r);

	r = CALL("GET", "/metrics", NULL, NO_AUTH);
	ASSERT_EQ(r.status, 200);
	ASSERT_STR_CONTAINS(
	    header(&r, "Content-Type", type, sizeof(type)), "text/plain");
	ASSERT_STR_CONTAINS(r.body, "# TYPE cs_syncs_total counter");
	ASSERT_STR_CONTAINS(r.body, "cs_syncs_total{result=\"success\"} 0");
	ASSERT_STR_CONTAINS(r.body, "cs_webhooks_total{outcome=\"applied\"}");
	resp_free(&r);

	/* The document served is the one in docs/. */
	r = CALL("GET", "/openapi.yaml", NULL, NO_AUTH);
	ASSERT_EQ(r.status, 200);
	ASSERT_STR_CONTAINS(
	    header(&r, "Content-Type", type, sizeof(type)), "application/yaml");
	file = cs_test_read_file(CS_SOURCE_DIR "/docs/openapi.yaml", &len);
	ASSERT_TRUE(file != NULL);
	ASSERT_EQ(r.len, len);
	ASSERT_TRUE(memcmp(r.body, file, len) == 0);
	free(file);
	resp_free(&r);

	API_ERR("POST", "/healthz", "{}", 405, "method_not_allowed");
	API_ERR("DELETE", "/metrics", NULL, 405, "method_not_allowed");
	API_ERR("GET", "/api/no-such-thing", NULL, 404, "not_found");
	API_ERR(
	    "GET", "/api/campaigns/1/no-such-thing", NULL, 404, "not_found");
	finish();
}

CS_TEST(http_api__page_route_answers_without_crashing)
{
	struct resp r;
	long root;
	char type[128];

	start();
	r = CALL("GET", "/", NULL, NO_AUTH);
	root = r.status;
	ASSERT_TRUE(root == 200 || root == 404);
	if (root == 200)
		ASSERT_STR_CONTAINS(
		    header(&r, "Content-Type", type, sizeof(type)),
		    "text/html");
	else
		ASSERT_STR_EQ(err_code(r.json), "not_found");
	resp_free(&r);
	r = CALL("GET", "/index.html", NULL, NO_AUTH);
	ASSERT_EQ(r.status, root);
	resp_free(&r);
	API_ERR("GET", "/no-such-file.js", NULL, 404, "not_found");
	API_ERR("GET", "/..%2f..%2fetc%2fpasswd", NULL, 404, "not_found");
	API_ERR("GET", "/%2e%2e", NULL, 404, "not_found");
	API_ERR("POST", "/index.html", "{}", 405, "method_not_allowed");
	/* Still up. */
	cJSON_Delete(API("GET", "/healthz", NULL, 200));
	finish();
}

/* Every operation of the document, with {id} and {uid} filled in. */
static const char *
fill(const char *tpl, const char *id, const char *uid)
{
	static char out[512];
	const char *p = tpl;
	size_t n = 0;

	while (*p != '\0' && n < sizeof(out) - 64) {
		if (strncmp(p, "{id}", 4) == 0) {
			n += (size_t)snprintf(
			    out + n, sizeof(out) - n, "%s", id);
			p += 4;
		} else if (strncmp(p, "{uid}", 5) == 0) {
			n += (size_t)snprintf(
			    out + n, sizeof(out) - n, "%s", uid);
			p += 5;
		} else {
			out[n++] = *p++;
		}
	}
	out[n] = '\0';
	return out;
}

static bool
is_public(const cJSON *op)
{
	const cJSON *sec = cJSON_GetObjectItem(op, "security");

	return cJSON_IsArray(sec) && cJSON_GetArraySize(sec) == 0;
}

static void
upper(const char *m, char out[16])
{
	size_t i;

	for (i = 0; i < 15 && m[i] != '\0'; i++)
		out[i] = (char)(m[i] & ~0x20);
	out[i] = '\0';
}

CS_TEST(http_api__admin_routes_need_the_token)
{
	const cJSON *paths, *p, *op;
	char method[16];
	const char *path;
	struct resp r;
	char www[64];
	size_t admin = 0, open = 0;

	start();
	paths = cJSON_GetObjectItem(api_doc(), "paths");
	cJSON_ArrayForEach(p, paths) {
		cJSON_ArrayForEach(op, p) {
			if (strcmp(op->string, "parameters") == 0)
				continue;
			upper(op->string, method);
			path = fill(p->string, "1", "no-such-uid");
			if (!is_public(op)) {
				admin++;
				r = CALL(method, path, "{}", NO_AUTH);
				if (r.status != 401)
					cs_test_fail(__FILE__, __LINE__,
					    "%s %s without a token: %ld",
					    method, path, r.status);
				ASSERT_STR_EQ(err_code(r.json), "unauthorized");
				ASSERT_STR_EQ(header(&r, "WWW-Authenticate",
				                  www, sizeof(www)),
				    "Bearer");
				resp_free(&r);
				r = CALL(method, path, "{}", BAD_AUTH);
				if (r.status != 401)
					cs_test_fail(__FILE__, __LINE__,
					    "%s %s with a wrong token: %ld",
					    method, path, r.status);
				resp_free(&r);
			} else {
				open++;
				r = CALL(method, path, NULL, NO_AUTH);
				if (r.status == 401 && r.json != NULL &&
				    strcmp(err_code(r.json), "unauthorized") ==
				        0)
					cs_test_fail(__FILE__, __LINE__,
					    "%s %s is public but wants a token",
					    method, path);
				resp_free(&r);
			}
		}
	}
	ASSERT_GE(admin, 25);
	ASSERT_GE(open, 6);
	/* The scheme is Bearer; anything else is refused too. */
	{
		char url[256];
		struct cs_test_resp t;
		const char *basic[] = {"Authorization: Basic " TOKEN, NULL};
		const char *raw[] = {"Authorization: " TOKEN, NULL};

		snprintf(url, sizeof(url), "%s/api/campaigns", srv.base_url);
		t = cs_test_http("GET", url, NULL, basic);
		ASSERT_EQ(t.status, 401);
		cs_test_resp_free(&t);
		t = cs_test_http("GET", url, NULL, raw);
		ASSERT_EQ(t.status, 401);
		cs_test_resp_free(&t);
	}
	finish();
}

/* The methods of a path item as an Allow value (HEAD too with GET). */
static char *
documented_methods(const cJSON *item, char out[128])
{
	static const char *const order[] = {
	    "get", "post", "put", "patch", "delete"};
	size_t i, n = 0;
	char m[16];

	out[0] = '\0';
	for (i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		if (cJSON_GetObjectItem(item, order[i]) == NULL)
			continue;
		upper(order[i], m);
		n += (size_t)snprintf(
		    out + n, 128 - n, "%s%s", n > 0 ? ", " : "", m);
	}
	if (cJSON_GetObjectItem(item, "get") != NULL)
		snprintf(out + n, 128 - n, ", HEAD");
	return out;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* "POST, GET" -> "GET POST" (sorted, in place). */
static char *
sorted_methods(char *list)
{
	char copy[128], *words[16], *save = NULL, *w;
	size_t n = 0, i, len = 0;

	cs_str_copy(copy, list, sizeof(copy));
	for (w = strtok_r(copy, ", ", &save); w != NULL && n < 16;
	     w = strtok_r(NULL, ", ", &save))
		words[n++] = w;
	qsort(words, n, sizeof(words[0]), cmp_str);
	list[0] = '\0';
	for (i = 0; i < n; i++)
		len += (size_t)snprintf(
		    list + len, 128 - len, "%s%s", i > 0 ? " " : "", words[i]);
	return list;
}

CS_TEST(http_api__every_documented_operation_is_routed)
{
	static const char *const methods[] = {
	    "GET", "POST", "PUT", "PATCH", "DELETE"};
	const cJSON *paths, *p, *op;
	char method[16], allow[128], want[128];
	const char *path;
	struct resp r;
	size_t i;

	start();
	paths = cJSON_GetObjectItem(api_doc(), "paths");
	cJSON_ArrayForEach(p, paths) {
		/* Documented methods reach a handler: any answer but 405 or
		 * the router's "no such endpoint". */
		cJSON_ArrayForEach(op, p) {
			if (strcmp(op->string, "parameters") == 0)
				continue;
			upper(op->string, method);
			path = fill(p->string, "999999", "no-such-uid");
			r = CALL(method, path, NULL, ADMIN);
			if (r.status == 405 ||
			    (r.body != NULL &&
			        strstr(r.body, "no such endpoint") != NULL))
				cs_test_fail(__FILE__, __LINE__,
				    "%s %s is documented but not routed: "
				    "%ld %s",
				    method, path, r.status, r.body);
			resp_free(&r);
		}
		/* The others are 405. */
		for (i = 0; i < sizeof(methods) / sizeof(methods[0]); i++) {
			char lower[16];
			size_t k;

			for (k = 0; methods[i][k] != '\0'; k++)
				lower[k] = (char)(methods[i][k] | 0x20);
			lower[k] = '\0';
			if (cJSON_GetObjectItem(p, lower) != NULL)
				continue;
			path = fill(p->string, "1", "no-such-uid");
			r = CALL(methods[i], path, NULL, ADMIN);
			if (r.status != 405)
				cs_test_fail(__FILE__, __LINE__,
				    "%s %s: %ld, expected 405", methods[i],
				    path, r.status);
			ASSERT_STR_EQ(err_code(r.json), "method_not_allowed");
			/* Allow: the documented methods (and HEAD). */
			ASSERT_TRUE(
			    header(&r, "Allow", allow, sizeof(allow)) != NULL);
			ASSERT_STR_EQ(sorted_methods(allow),
			    sorted_methods(documented_methods(p, want)));
			resp_free(&r);
		}
	}
	finish();
}

CS_TEST(http_api__campaign_crud)
{
	cJSON *c, *list;
	int64_t id, other;
	char big[300], *desc, *body;

	start();
	list = API("GET", "/api/campaigns", NULL, 200);
	ASSERT_EQ(array_size(list), 0);
	cJSON_Delete(list);

	c = API("POST", "/api/campaigns",
	    "{\"name\":\"Lab Rat\",\"description\":\"the first\","
	    "\"nmkrProjectId\":\"" PROJECT "\",\"maxNFTs\":100,"
	    "\"network\":\"preprod\",\"startDate\":null,\"endDate\":"
	    "4102444800000,\"allowMultiple\":true,\"reservationMinutes\":15}",
	    201);
	id = num(c, "id");
	ASSERT_STR_EQ(str(c, "name"), "Lab Rat");
	ASSERT_STR_EQ(str(c, "description"), "the first");
	ASSERT_STR_EQ(str(c, "nmkrProjectId"), PROJECT);
	ASSERT_STR_EQ(str(c, "network"), "preprod");
	ASSERT_STR_EQ(str(c, "status"), "inactive");
	ASSERT_EQ(num(c, "maxNFTs"), 100);
	ASSERT_EQ(num(c, "endDate"), 4102444800000LL);
	ASSERT_TRUE(cJSON_IsNull(cJSON_GetObjectItem(c, "startDate")));
	ASSERT_EQ(num(c, "totalNFTs"), 0);
	ASSERT_EQ(num(c, "reservationMinutes"), 15);
	ASSERT_TRUE(cJSON_IsTrue(cJSON_GetObjectItem(c, "allowMultiple")));
	ASSERT_TRUE(cJSON_IsFalse(cJSON_GetObjectItem(c, "webhookConfigured")));
	cJSON_Delete(c);

	/* Errors of create. */
	API_ERR("POST", "/api/campaigns",
	    "{\"name\":\"Lab Rat\",\"nmkrProjectId\":\"" PROJECT
	    "\",\"maxNFTs\":5}",
	    409, NULL);
	API_ERR("POST", "/api/campaigns", "{\"name\":\"No project\"}", 400,
	    "invalid");
	API_ERR("POST", "/api/campaigns", "{\"name\":", 400, "invalid_json");
	API_ERR("POST", "/api/campaigns", "[1,2]", 400, "invalid_json");
	API_ERR("POST", "/api/campaigns", NULL, 400, "invalid");
	API_ERR("POST", "/api/campaigns",
	    "{\"name\":7,\"nmkrProjectId\":\"" PROJECT "\",\"maxNFTs\":5}", 400,
	    "invalid");
	API_ERR("POST", "/api/campaigns",
	    "{\"name\":\"Neg\",\"nmkrProjectId\":\"" PROJECT
	    "\",\"maxNFTs\":-1}",
	    400, NULL);
	API_ERR("POST", "/api/campaigns",
	    "{\"name\":\"Net\",\"nmkrProjectId\":\"" PROJECT
	    "\",\"maxNFTs\":5,\"network\":\"testnet\"}",
	    400, "invalid");
	API_ERR("POST", "/api/campaigns",
	    "{\"name\":\"Short\",\"nmkrProjectId\":\"" PROJECT
	    "\",\"maxNFTs\":5,\"reservationMinutes\":4}",
	    400, NULL);
	API_ERR("POST", "/api/campaigns",
	    "{\"name\":\"Long\",\"nmkrProjectId\":\"" PROJECT
	    "\",\"maxNFTs\":5,\"reservationMinutes\":61}",
	    400, NULL);
	API_ERR("POST", "/api/campaigns",
	    "{\"name\":\"Zero\",\"nmkrProjectId\":\"" PROJECT
	    "\",\"maxNFTs\":5,\"reservationMinutes\":0}",
	    400, "invalid");
	API_ERR("POST", "/api/campaigns",
	    "{\"name\":\"\",\"nmkrProjectId\":\"" PROJECT "\",\"maxNFTs\":5}",
	    400, NULL);
	API_ERR("POST", "/api/campaigns",
	    "{\"name\":\"Uid\",\"nmkrProjectId\":\"project-7\","
	    "\"maxNFTs\":5}",
	    400, "invalid");
	API_ERR("POST", "/api/campaigns",
	    "{\"name\":\"Dates\",\"nmkrProjectId\":\"" PROJECT
	    "\",\"maxNFTs\":5,\"startDate\":2000,\"endDate\":1000}",
	    400, "invalid");
	API_ERR("POST", "/api/campaigns",
	    "{\"name\":\"Huge\",\"nmkrProjectId\":\"" PROJECT
	    "\",\"maxNFTs\":1000001}",
	    400, "invalid");
	/* Integers are integers, and a huge one is refused, not cast. */
	API_ERR("POST", "/api/campaigns",
	    "{\"name\":\"Half\",\"nmkrProjectId\":\"" PROJECT
	    "\",\"maxNFTs\":1.5}",
	    400, "invalid");
	API_ERR("POST", "/api/campaigns",
	    "{\"name\":\"Vast\",\"nmkrProjectId\":\"" PROJECT
	    "\",\"maxNFTs\":1e300}",
	    400, "invalid");
	API_ERR("POST", "/api/campaigns",
	    "{\"name\":\"Forever\",\"nmkrProjectId\":\"" PROJECT
	    "\",\"maxNFTs\":5,\"reservationMinutes\":1e12}",
	    400, "invalid");
	API_ERR("POST", "/api/campaigns",
	    "{\"name\":\"Then\",\"nmkrProjectId\":\"" PROJECT
	    "\",\"maxNFTs\":5,\"startDate\":\"2026-01-01\"}",
	    400, "invalid");
	desc = cs_xmalloc(4100);
	memset(desc, 'd', 4001);
	desc[4001] = '\0';
	body = cs_xasprintf("{\"name\":\"Wordy\",\"nmkrProjectId\":\"" PROJECT
	                    "\",\"maxNFTs\":5,\"description\":\"%s\"}",
	    desc);
	API_ERR("POST", "/api/campaigns", body, 400, "invalid");
	free(body);
	free(desc);
	memset(big, 'n', 250);
	big[250] = '\0';
	API_ERR("POST", "/api/campaigns",
	    P("{\"name\":\"%s\",\"nmkrProjectId\":\"" PROJECT
	      "\",\"maxNFTs\":5}",
	        big),
	    400, NULL);

	/* Read. */
	c = API("GET", P("/api/campaigns/%lld", (long long)id), NULL, 200);
	ASSERT_STR_EQ(str(c, "name"), "Lab Rat");
	cJSON_Delete(c);
	API_ERR("GET", "/api/campaigns/999999", NULL, 404, "not_found");
	API_ERR("GET", "/api/campaigns/abc", NULL, 404, "not_found");
	API_ERR("GET", "/api/campaigns/0", NULL, 404, "not_found");
	other = create_campaign("Pilot Program", PROJECT, 10);
	list = API("GET", "/api/campaigns", NULL, 200);
	ASSERT_EQ(array_size(list), 2);
	ASSERT_EQ(num(cJSON_GetArrayItem(list, 0), "id"), id);
	ASSERT_EQ(num(cJSON_GetArrayItem(list, 1), "id"), other);
	cJSON_Delete(list);

	/* Update: only the fields given. */
	c = API("PATCH", P("/api/campaigns/%lld", (long long)id),
	    "{\"description\":\"changed\",\"maxNFTs\":200,"
	    "\"reservationMinutes\":null,\"endDate\":null}",
	    200);
	ASSERT_STR_EQ(str(c, "name"), "Lab Rat");
	ASSERT_STR_EQ(str(c, "description"), "changed");
	ASSERT_EQ(num(c, "maxNFTs"), 200);
	ASSERT_TRUE(cJSON_IsNull(cJSON_GetObjectItem(c, "reservationMinutes")));
	ASSERT_TRUE(cJSON_IsNull(cJSON_GetObjectItem(c, "endDate")));
	ASSERT_TRUE(cJSON_IsTrue(cJSON_GetObjectItem(c, "allowMultiple")));
	cJSON_Delete(c);
	API_ERR("PATCH", P("/api/campaigns/%lld", (long long)other),
	    "{\"name\":\"Lab Rat\"}", 409, NULL);
	API_ERR("PATCH", P("/api/campaigns/%lld", (long long)id),
	    "{\"maxNFTs\":\"many\"}", 400, "invalid");
	API_ERR("PATCH", P("/api/campaigns/%lld", (long long)id), "{oops", 400,
	    "invalid_json");
	API_ERR("PATCH", P("/api/campaigns/%lld", (long long)id),
	    "{\"network\":\"moon\"}", 400, "invalid");
	API_ERR("PATCH", "/api/campaigns/999999", "{\"description\":\"x\"}",
	    404, "not_found");

	/* Delete. */
	c = API(
	    "DELETE", P("/api/campaigns/%lld", (long long)other), NULL, 200);
	ASSERT_TRUE(cJSON_IsTrue(cJSON_GetObjectItem(c, "deleted")));
	ASSERT_EQ(num(c, "id"), other);
	ASSERT_EQ(num(c, "nfts"), 0);
	cJSON_Delete(c);
	API_ERR("DELETE", P("/api/campaigns/%lld", (long long)other), NULL, 404,
	    "not_found");
	API_ERR("GET", P("/api/campaigns/%lld", (long long)other), NULL, 404,
	    "not_found");
	list = API("GET", "/api/campaigns", NULL, 200);
	ASSERT_EQ(array_size(list), 1);
	cJSON_Delete(list);
	finish();
}

CS_TEST(http_api__campaign_delete_with_sales_needs_force)
{
	int64_t id;
	char *uid;
	cJSON *c;

	start();
	id = campaign_with_nfts("Sold Some");
	uid = uid_of(id, 3);
	cJSON_Delete(API("POST", P("/api/nfts/%s/status", uid),
	    "{\"status\":\"sold\",\"buyer\":\"addr_test1buyer\"}", 200));
	API_ERR("DELETE", P("/api/campaigns/%lld", (long long)id), NULL, 409,
	    "has_sales");
	API_ERR("DELETE", P("/api/campaigns/%lld?force=0", (long long)id), NULL,
	    409, "has_sales");
	/* Nothing went. */
	c = API("GET", P("/api/campaigns/%lld", (long long)id), NULL, 200);
	ASSERT_EQ(num(c, "totalNFTs"), 10);
	ASSERT_EQ(num(c, "soldNFTs"), 1);
	cJSON_Delete(c);
	c = API("DELETE", P("/api/campaigns/%lld?force=1", (long long)id), NULL,
	    200);
	ASSERT_EQ(num(c, "nfts"), 10);
	cJSON_Delete(c);
	API_ERR("GET", P("/api/nfts/%s", uid), NULL, 404, "not_found");
	free(uid);
	finish();
}

CS_TEST(http_api__campaign_activate_deactivate_counters)
{
	int64_t id;
	cJSON *c, *k;

	start();
	id = create_campaign("Empty", PROJECT, 100);
	API_ERR("POST", P("/api/campaigns/%lld/activate", (long long)id), NULL,
	    409, "no_inventory");
	cJSON_Delete(API(
	    "POST", P("/api/campaigns/%lld/import", (long long)id), NULL, 200));
	c = API("POST", P("/api/campaigns/%lld/activate", (long long)id), NULL,
	    200);
	ASSERT_STR_EQ(str(c, "status"), "active");
	cJSON_Delete(c);
	c = API("POST", P("/api/campaigns/%lld/deactivate", (long long)id),
	    NULL, 200);
	ASSERT_STR_EQ(str(c, "status"), "inactive");
	cJSON_Delete(c);
	API_ERR(
	    "POST", "/api/campaigns/999999/activate", NULL, 404, "not_found");
	API_ERR(
	    "POST", "/api/campaigns/999999/deactivate", NULL, 404, "not_found");

	c = API("POST", P("/api/campaigns/%lld/counters", (long long)id), NULL,
	    200);
	ASSERT_TRUE(cJSON_IsTrue(cJSON_GetObjectItem(c, "success")));
	k = cJSON_GetObjectItem(c, "counters");
	ASSERT_EQ(num(k, "total"), 10);
	ASSERT_EQ(num(k, "available"), 10);
	ASSERT_EQ(num(k, "reserved"), 0);
	ASSERT_EQ(num(k, "sold"), 0);
	cJSON_Delete(c);
	API_ERR(
	    "POST", "/api/campaigns/999999/counters", NULL, 404, "not_found");
	finish();
}

/* The numbers of a page's items as "15,16,17"; caller frees. */
static char *
page_numbers(const cJSON *page)
{
	const cJSON *item;
	char buf[512];
	size_t n = 0;

	buf[0] = '\0';
	cJSON_ArrayForEach(item, cJSON_GetObjectItem(page, "items")) {
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s%lld",
		    n > 0 ? "," : "", (long long)num(item, "nftNumber"));
		ASSERT_LT(n, sizeof(buf));
	}
	return cs_xstrdup(buf);
}

/* ?page=N jumps to a page, of all NFTs or of a status. */
CS_TEST(http_api__inventory_jump_to_a_page)
{
	static const int sold[] = {2, 4, 6, 8, 10};
	cJSON *page;
	char *nums, *uid;
	size_t i;
	int64_t id;

	start_with("25", "0");
	id = campaign_with_nfts("Jumped");
	page = API("GET",
	    P("/api/campaigns/%lld/nfts?limit=7&page=3", (long long)id), NULL,
	    200);
	nums = page_numbers(page);
	ASSERT_STR_EQ(nums, "15,16,17,18,19,20,21");
	ASSERT_EQ(num(page, "nextAfter"), 21);
	free(nums);
	cJSON_Delete(page);
	page = API("GET",
	    P("/api/campaigns/%lld/nfts?limit=7&page=4", (long long)id), NULL,
	    200);
	nums = page_numbers(page);
	ASSERT_STR_EQ(nums, "22,23,24,25");
	ASSERT_TRUE(cJSON_IsNull(cJSON_GetObjectItem(page, "nextAfter")));
	free(nums);
	cJSON_Delete(page);
	page = API("GET",
	    P("/api/campaigns/%lld/nfts?limit=7&page=5", (long long)id), NULL,
	    200);
	ASSERT_EQ(array_size(cJSON_GetObjectItem(page, "items")), 0);
	ASSERT_TRUE(cJSON_IsNull(cJSON_GetObjectItem(page, "nextAfter")));
	cJSON_Delete(page);
	for (i = 0; i < sizeof(sold) / sizeof(sold[0]); i++) {
		uid = uid_of(id, sold[i]);
		cJSON_Delete(API("POST", P("/api/nfts/%s/status", uid),
		    "{\"status\":\"sold\"}", 200));
		free(uid);
	}
	page = API("GET",
	    P("/api/campaigns/%lld/nfts?status=sold&limit=2&page=2",
	        (long long)id),
	    NULL, 200);
	nums = page_numbers(page);
	ASSERT_STR_EQ(nums, "6,8");
	ASSERT_EQ(num(page, "nextAfter"), 8);
	free(nums);
	cJSON_Delete(page);
	API_ERR("GET", P("/api/campaigns/%lld/nfts?page=0", (long long)id),
	    NULL, 400, "invalid");
	API_ERR("GET", P("/api/campaigns/%lld/nfts?page=x", (long long)id),
	    NULL, 400, "invalid");
	API_ERR("GET",
	    P("/api/campaigns/%lld/nfts?page=2&after=3", (long long)id), NULL,
	    400, "invalid");
	finish();
}

CS_TEST(http_api__inventory_pages_walk_every_nft_once)
{
	char longq[128];
	int64_t id, after = -1, seen_n = 0, pages = 0;
	cJSON *page, *item, *next;

	start_with("25", "0");
	id = campaign_with_nfts("Paged");
	for (;;) {
		page = API("GET",
		    after < 0
		        ? P("/api/campaigns/%lld/nfts?limit=7", (long long)id)
		        : P("/api/campaigns/%lld/nfts?limit=7&after=%lld",
		              (long long)id, (long long)after),
		    NULL, 200);
		pages++;
		ASSERT_EQ(
		    num(cJSON_GetObjectItem(page, "counts"), "total"), 25);
		cJSON_ArrayForEach(item, cJSON_GetObjectItem(page, "items")) {
			seen_n++;
			ASSERT_EQ(num(item, "nftNumber"), seen_n);
			ASSERT_EQ(num(item, "campaignId"), id);
			ASSERT_STR_EQ(str(item, "status"), "available");
			ASSERT_STR_CONTAINS(str(item, "paymentUrl"),
			    "https://pay.preprod.nmkr.io/");
		}
		next = cJSON_GetObjectItem(page, "nextAfter");
		if (cJSON_IsNull(next)) {
			cJSON_Delete(page);
			break;
		}
		after = (int64_t)next->valuedouble;
		ASSERT_EQ(after, seen_n);
		cJSON_Delete(page);
		ASSERT_LT(pages, 10);
	}
	ASSERT_EQ(seen_n, 25);
	ASSERT_EQ(pages, 4);

	/* The default page, the status filter, the end. */
	page =
	    API("GET", P("/api/campaigns/%lld/nfts", (long long)id), NULL, 200);
	ASSERT_EQ(array_size(cJSON_GetObjectItem(page, "items")), 25);
	ASSERT_TRUE(cJSON_IsNull(cJSON_GetObjectItem(page, "nextAfter")));
	cJSON_Delete(page);
	page =
	    API("GET", P("/api/campaigns/%lld/nfts?status=sold", (long long)id),
	        NULL, 200);
	ASSERT_EQ(array_size(cJSON_GetObjectItem(page, "items")), 0);
	cJSON_Delete(page);
	page = API("GET", P("/api/campaigns/%lld/nfts?after=25", (long long)id),
	    NULL, 200);
	ASSERT_EQ(array_size(cJSON_GetObjectItem(page, "items")), 0);
	cJSON_Delete(page);

	/* A search: by number ("#7", URL-encoded), nothing, too long. */
	page = API("GET", P("/api/campaigns/%lld/nfts?q=%%237", (long long)id),
	    NULL, 200);
	ASSERT_EQ(array_size(cJSON_GetObjectItem(page, "items")), 1);
	ASSERT_EQ(num(cJSON_GetArrayItem(cJSON_GetObjectItem(page, "items"), 0),
	              "nftNumber"),
	    7);
	ASSERT_EQ(num(cJSON_GetObjectItem(page, "counts"), "total"), 25);
	cJSON_Delete(page);
	page = API("GET",
	    P("/api/campaigns/%lld/nfts?q=nothing-like-it", (long long)id),
	    NULL, 200);
	ASSERT_EQ(array_size(cJSON_GetObjectItem(page, "items")), 0);
	cJSON_Delete(page);
	memset(longq, 'x', 121);
	longq[121] = '\0';
	API_ERR("GET", P("/api/campaigns/%lld/nfts?q=%s", (long long)id, longq),
	    NULL, 400, "invalid");

	/* The CSV: a header and a row each; with a search, its rows. */
	{
		struct resp csv = CALL("GET",
		    P("/api/campaigns/%lld/inventory.csv", (long long)id), NULL,
		    ADMIN);
		size_t lines = 0;
		const char *c;

		ASSERT_EQ(csv.status, 200);
		ASSERT_TRUE(strncmp(csv.body, "\"number\",\"uid\",", 14) == 0);
		for (c = csv.body; (c = strchr(c, '\n')) != NULL; c++)
			lines++;
		ASSERT_EQ(lines, 26);
		resp_free(&csv);
		csv = CALL("GET",
		    P("/api/campaigns/%lld/inventory.csv?q=%%2325",
		        (long long)id),
		    NULL, ADMIN);
		ASSERT_EQ(csv.status, 200);
		ASSERT_STR_CONTAINS(csv.body, "\n\"25\",");
		ASSERT_STR_NOT_CONTAINS(csv.body, "\n\"1\",");
		resp_free(&csv);
		API_ERR("GET", "/api/campaigns/999999/inventory.csv", NULL, 404,
		    "not_found");
	}

	/* Bad query values. */
	API_ERR("GET", P("/api/campaigns/%lld/nfts?limit=0", (long long)id),
	    NULL, 400, "invalid");
	API_ERR("GET", P("/api/campaigns/%lld/nfts?limit=1001", (long long)id),
	    NULL, 400, "invalid");
	API_ERR("GET", P("/api/campaigns/%lld/nfts?limit=ten", (long long)id),
	    NULL, 400, "invalid");
	API_ERR("GET", P("/api/campaigns/%lld/nfts?after=-1", (long long)id),
	    NULL, 400, "invalid");
	API_ERR("GET", P("/api/campaigns/%lld/nfts?status=gone", (long long)id),
	    NULL, 400, "invalid");
	API_ERR("GET", "/api/campaigns/999999/nfts", NULL, 404, "not_found");
	finish();
}

CS_TEST(http_api__import_from_nmkr)
{
	int64_t id, small;
	cJSON *j;

	start();
	id = create_campaign("Imported", PROJECT, 100);
	j = API(
	    "POST", P("/api/campaigns/%lld/import", (long long)id), NULL, 200);
	ASSERT_EQ(num(j, "campaignId"), id);
	ASSERT_EQ(num(j, "rows"), 10);
	ASSERT_EQ(num(j, "inserted"), 10);
	ASSERT_EQ(num(j, "skippedExisting"), 0);
	ASSERT_EQ(num(j, "skippedNotForSale"), 0);
	ASSERT_EQ(num(j, "firstNumber"), 1);
	ASSERT_EQ(num(j, "lastNumber"), 10);
	cJSON_Delete(j);
	/* Incremental: two more at NMKR, the rest skipped. */
	cJSON_Delete(fake_call("POST", "/__fake/nfts", "{\"count\":2}"));
	j = API("POST", P("/api/campaigns/%lld/import", (long long)id),
	    "{\"source\":\"nmkr\"}", 200);
	ASSERT_EQ(num(j, "inserted"), 2);
	ASSERT_EQ(num(j, "skippedExisting"), 10);
	ASSERT_EQ(num(j, "firstNumber"), 11);
	ASSERT_EQ(num(j, "lastNumber"), 12);
	cJSON_Delete(j);

	API_ERR("POST", P("/api/campaigns/%lld/import", (long long)id),
	    "{\"source\":\"csv\"}", 400, "invalid");
	API_ERR("POST", P("/api/campaigns/%lld/import", (long long)id),
	    "{\"source\":", 400, "invalid_json");
	API_ERR("POST", "/api/campaigns/999999/import", NULL, 404, "not_found");
	/* Over maxNFTs: refused whole. */
	small = create_campaign("Small", PROJECT, 5);
	API_ERR("POST", P("/api/campaigns/%lld/import", (long long)small), NULL,
	    409, NULL);
	j = API("GET", P("/api/campaigns/%lld", (long long)small), NULL, 200);
	ASSERT_EQ(num(j, "totalNFTs"), 0);
	cJSON_Delete(j);
	/* NMKR failing: 502, nothing written. */
	fake_fault("{\"endpoint\":\"GetNfts\",\"status\":401,\"times\":-1}");
	j = API("POST", P("/api/campaigns/%lld/import", (long long)small), NULL,
	    502);
	ASSERT_STR_EQ(err_code(j), "upstream");
	cJSON_Delete(j);
	finish();
}

CS_TEST(http_api__import_from_csv_upload)
{
	char *path = cs_xasprintf("%s/csv/lab-rat-100.csv", cs_test_fixtures());
	char *csv = cs_test_read_file(path, NULL), *big;
	int64_t id, small;
	size_t cap = 64u * 1024u * 1024u;
	struct resp r;
	cJSON *j, *page, *it;

	ASSERT_TRUE(csv != NULL);
	start();
	/* The export of project 9e2d000a-…: 100 free NFTs. */
	id = create_campaign("Lab Rat CSV", PROJECT, 1000);
	r = call_at(__FILE__, __LINE__, "POST",
	    P("/api/campaigns/%lld/import", (long long)id), csv, "text/csv",
	    ADMIN);
	if (r.status != 200)
		cs_test_fail(
		    __FILE__, __LINE__, "CSV import: %ld %s", r.status, r.body);
	ASSERT_EQ(num(r.json, "campaignId"), id);
	ASSERT_EQ(num(r.json, "rows"), 100);
	ASSERT_EQ(num(r.json, "inserted"), 100);
	ASSERT_EQ(num(r.json, "skippedExisting"), 0);
	ASSERT_EQ(num(r.json, "skippedNotForSale"), 0);
	ASSERT_EQ(num(r.json, "firstNumber"), 1);
	ASSERT_EQ(num(r.json, "lastNumber"), 100);
	resp_free(&r);
	page = API("GET", P("/api/campaigns/%lld/nfts?limit=10", (long long)id),
	    NULL, 200);
	it = cJSON_GetArrayItem(cJSON_GetObjectItem(page, "items"), 0);
	ASSERT_STR_EQ(
	    str(it, "nftUid"), "21a1cf77-97c6-44f7-8978-d707853669f5");
	ASSERT_STR_EQ(str(it, "projectId"), PROJECT);
	/* The link is built for the campaign's network. */
	ASSERT_STR_EQ(str(it, "paymentUrl"),
	    "https://pay.preprod.nmkr.io/?p=9e2d000aed534db4819b25cdab41fd47"
	    "&n=21a1cf7797c644f78978d707853669f5");
	/* Number 10 has a quoted Detaildata with a comma in it. */
	it = cJSON_GetArrayItem(cJSON_GetObjectItem(page, "items"), 9);
	ASSERT_EQ(num(it, "nftNumber"), 10);
	ASSERT_STR_EQ(
	    str(it, "nftUid"), "6f45481a-d9b8-4bfc-8b13-b0ff51aafaf0");
	cJSON_Delete(page);

	/* Again (a charset parameter is fine): everything exists. */
	r = call_at(__FILE__, __LINE__, "POST",
	    P("/api/campaigns/%lld/import", (long long)id), csv,
	    "text/csv; charset=utf-8", ADMIN);
	ASSERT_EQ(r.status, 200);
	ASSERT_EQ(num(r.json, "inserted"), 0);
	ASSERT_EQ(num(r.json, "skippedExisting"), 100);
	ASSERT_TRUE(cJSON_GetObjectItem(r.json, "firstNumber") == NULL);
	resp_free(&r);
	j = API("GET", P("/api/campaigns/%lld", (long long)id), NULL, 200);
	ASSERT_EQ(num(j, "totalNFTs"), 100);
	ASSERT_EQ(num(j, "availableNFTs"), 100);
	cJSON_Delete(j);

	/* Over maxNFTs: refused whole. */
	small = create_campaign("Lab Rat small", PROJECT, 50);
	r = call_at(__FILE__, __LINE__, "POST",
	    P("/api/campaigns/%lld/import", (long long)small), csv, "text/csv",
	    ADMIN);
	ASSERT_EQ(r.status, 409);
	resp_free(&r);
	j = API("GET", P("/api/campaigns/%lld", (long long)small), NULL, 200);
	ASSERT_EQ(num(j, "totalNFTs"), 0);
	cJSON_Delete(j);
	/* Not a CSV export. */
	r = call_at(__FILE__, __LINE__, "POST",
	    P("/api/campaigns/%lld/import", (long long)id),
	    "this,is\nnot,nmkr\n", "text/csv", ADMIN);
	ASSERT_EQ(r.status, 400);
	resp_free(&r);
	r = call_at(__FILE__, __LINE__, "POST", "/api/campaigns/999999/import",
	    csv, "text/csv", ADMIN);
	ASSERT_EQ(r.status, 404);
	resp_free(&r);
	/* Over the 64 MiB of a CSV file: refused before it is sent. */
	big = cs_xmalloc(cap + 2);
	memset(big, 'a', cap + 1);
	big[cap + 1] = '\0';
	r = call_flags_at(__FILE__, __LINE__, "POST",
	    P("/api/campaigns/%lld/import", (long long)id), big, "text/csv",
	    ADMIN, SEND_EXPECT);
	ASSERT_EQ(r.status, 413);
	ASSERT_STR_EQ(err_code(r.json), "too_big");
	resp_free(&r);
	free(big);
	free(csv);
	free(path);
	finish();
}

CS_TEST(http_api__repair_links)
{
	int64_t id;
	cJSON *j;

	start();
	id = campaign_with_nfts("Links");
	j = API("POST", P("/api/campaigns/%lld/repair-links", (long long)id),
	    NULL, 200);
	ASSERT_GE(num(j, "changed"), 0);
	cJSON_Delete(j);
	/* The links are those of the campaign's network. */
	cJSON_Delete(API("PATCH", P("/api/campaigns/%lld", (long long)id),
	    "{\"network\":\"mainnet\"}", 200));
	j = API("POST", P("/api/campaigns/%lld/repair-links", (long long)id),
	    NULL, 200);
	ASSERT_EQ(num(j, "changed"), 10);
	cJSON_Delete(j);
	API_ERR("POST", "/api/campaigns/999999/repair-links", NULL, 404,
	    "not_found");
	finish();
}

CS_TEST(http_api__sync_blocking_report_and_debounce)
{
	int64_t id, log_id;
	struct resp r;
	char h[64], *uid;
	const cJSON *d, *u;
	cJSON *j, *log;

	start();
	id = campaign_with_nfts("Synced");
	uid = uid_of(id, 2);
	fake_state(uid, "sold");
	r = CALL(
	    "POST", P("/api/campaigns/%lld/sync", (long long)id), NULL, ADMIN);
	ASSERT_EQ(r.status, 200);
	ASSERT_STR_EQ(header(&r, "X-Sync-Status", h, sizeof(h)), "success");
	ASSERT_TRUE(header(&r, "X-Sync-Debounced", h, sizeof(h)) == NULL);
	j = r.json;
	check_schema(__FILE__, __LINE__, "SyncReport", j, "the report");
	/* The seed's names. */
	ASSERT_TRUE(cJSON_IsTrue(cJSON_GetObjectItem(j, "success")));
	ASSERT_GT(num(j, "syncedAt"), 0);
	ASSERT_GE(num(j, "durationMs"), 0);
	ASSERT_EQ(num(cJSON_GetObjectItem(j, "nmkrStats"), "sold"), 1);
	ASSERT_EQ(num(cJSON_GetObjectItem(j, "nmkrStats"), "total"), 10);
	ASSERT_EQ(num(cJSON_GetObjectItem(j, "dbStats"), "available"), 10);
	ASSERT_EQ(array_size(cJSON_GetObjectItem(j, "discrepancies")), 1);
	d = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "discrepancies"), 0);
	ASSERT_STR_EQ(str(d, "nftUid"), uid);
	ASSERT_STR_EQ(str(d, "issue"), "Status mismatch");
	ASSERT_STR_EQ(str(d, "dbStatus"), "available");
	ASSERT_STR_EQ(str(d, "nmkrStatus"), "sold");
	ASSERT_EQ(array_size(cJSON_GetObjectItem(j, "updateResults")), 1);
	u = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "updateResults"), 0);
	ASSERT_TRUE(cJSON_IsTrue(cJSON_GetObjectItem(u, "success")));
	ASSERT_STR_EQ(str(u, "oldStatus"), "available");
	ASSERT_STR_EQ(str(u, "newStatus"), "sold");
	ASSERT_EQ(num(j, "updatedCount"), 1);
	ASSERT_EQ(num(j, "failedCount"), 0);
	ASSERT_TRUE(cJSON_IsArray(cJSON_GetObjectItem(j, "recentWebhooks")));
	ASSERT_TRUE(cJSON_IsArray(cJSON_GetObjectItem(j, "blockchainResults")));
	ASSERT_EQ(num(j, "verifiedCount"), 0);
	ASSERT_EQ(num(j, "pendingCount"), 0);
	ASSERT_EQ(num(j, "errorCount"), 0);
	ASSERT_TRUE(cJSON_IsObject(cJSON_GetObjectItem(j, "phases")));
	ASSERT_GE(num(cJSON_GetObjectItem(j, "nmkrRequests"), "sent"), 2);
	log_id = num(j, "syncLogId");
	ASSERT_GT(log_id, 0);
	resp_free(&r);
	j = nft(uid);
	ASSERT_STR_EQ(str(j, "status"), "sold");
	ASSERT_STR_EQ(str(j, "lastModifiedBy"), "manual_sync");
	cJSON_Delete(j);

	/* Within 10 s: the same report, marked debounced. */
	r = CALL(
	    "POST", P("/api/campaigns/%lld/sync", (long long)id), NULL, ADMIN);
	ASSERT_EQ(r.status, 200);
	ASSERT_STR_EQ(header(&r, "X-Sync-Debounced", h, sizeof(h)), "true");
	ASSERT_EQ(num(r.json, "syncLogId"), log_id);
	resp_free(&r);
	/* Unless forced. */
	r = CALL("POST", P("/api/campaigns/%lld/sync?force=1", (long long)id),
	    NULL, ADMIN);
	ASSERT_EQ(r.status, 200);
	ASSERT_TRUE(header(&r, "X-Sync-Debounced", h, sizeof(h)) == NULL);
	ASSERT_GT(num(r.json, "syncLogId"), log_id);
	ASSERT_EQ(num(r.json, "updatedCount"), 0);
	resp_free(&r);
	/* full=1: every page of all, whatever the counts allow. */
	r = CALL("POST",
	    P("/api/campaigns/%lld/sync?force=1&full=1", (long long)id), NULL,
	    ADMIN);
	ASSERT_EQ(r.status, 200);
	ASSERT_STR_EQ(str(r.json, "mode"), "full");
	ASSERT_STR_EQ(str(r.json, "modeReason"), "asked");
	ASSERT_EQ(num(r.json, "updatedCount"), 0);
	resp_free(&r);
	/* Every sync counted by mode (a small campaign is walked: its
	 * lists would cost more than its pages). */
	ASSERT_EQ(metric("cs_sync_mode_total{mode=\"full\"}") +
	              metric("cs_sync_mode_total{mode=\"smart\"}"),
	    metric("cs_syncs_total{result=\"success\"}"));

	/* The log row holds the report. */
	log =
	    API("GET", P("/api/sync-logs/%lld", (long long)log_id), NULL, 200);
	ASSERT_STR_EQ(str(log, "syncType"), "manual_sync");
	ASSERT_STR_EQ(str(log, "status"), "success");
	ASSERT_EQ(num(log, "recordsSynced"), 1);
	ASSERT_EQ(num(log, "campaignId"), id);
	ASSERT_EQ(
	    num(cJSON_GetObjectItem(log, "syncedData"), "syncLogId"), log_id);
	cJSON_Delete(log);
	API_ERR("POST", "/api/campaigns/999999/sync", NULL, 404, "not_found");
	ASSERT_GE(metric("cs_syncs_total{result=\"success\"}"), 2);
	/* Each sync's NMKR requests: at least its pages and counts. */
	ASSERT_GE(metric("cs_sync_nmkr_requests_total"), 4);
	ASSERT_EQ(metric("cs_sync_nmkr_circuit_open_total"), 0);
	free(uid);
	finish();
}

CS_TEST(http_api__sync_dry_run_writes_nothing)
{
	int64_t id;
	cJSON *j, *logs;
	char *uid;

	start();
	id = campaign_with_nfts("Dry");
	uid = uid_of(id, 4);
	fake_state(uid, "sold");
	j = API("POST", P("/api/campaigns/%lld/sync?dryRun=1", (long long)id),
	    NULL, 200);
	ASSERT_TRUE(cJSON_IsTrue(cJSON_GetObjectItem(j, "dryRun")));
	ASSERT_EQ(array_size(cJSON_GetObjectItem(j, "discrepancies")), 1);
	ASSERT_EQ(num(j, "updatedCount"), 0);
	ASSERT_TRUE(cJSON_IsNull(cJSON_GetObjectItem(j, "syncLogId")));
	cJSON_Delete(j);
	/* dryRun with async is still a dry run, answered at once. */
	j = API("POST",
	    P("/api/campaigns/%lld/sync?dryRun=true&async=1", (long long)id),
	    NULL, 200);
	ASSERT_TRUE(cJSON_IsTrue(cJSON_GetObjectItem(j, "dryRun")));
	cJSON_Delete(j);
	j = nft(uid);
	ASSERT_STR_EQ(str(j, "status"), "available");
	ASSERT_EQ(array_size(cJSON_GetObjectItem(j, "history")), 0);
	cJSON_Delete(j);
	logs = API("GET", "/api/sync-logs", NULL, 200);
	ASSERT_EQ(array_size(logs), 0);
	cJSON_Delete(logs);
	j = API("GET", P("/api/campaigns/%lld", (long long)id), NULL, 200);
	ASSERT_TRUE(cJSON_IsNull(cJSON_GetObjectItem(j, "lastSyncedAt")));
	cJSON_Delete(j);
	API_ERR("GET", P("/api/campaigns/%lld/sync", (long long)id), NULL, 404,
	    "not_found");
	/* A real sync after it is not debounced by it. */
	j = API(
	    "POST", P("/api/campaigns/%lld/sync", (long long)id), NULL, 200);
	ASSERT_EQ(num(j, "updatedCount"), 1);
	cJSON_Delete(j);
	free(uid);
	finish();
}

CS_TEST(http_api__sync_async_streams_progress_then_the_report)
{
	struct sse ev[64];
	size_t n, i, progress = 0;
	int64_t id, run_id, log_id;
	struct resp r;
	char loc[128];
	cJSON *j, *log, *running;
	const cJSON *report = NULL;

	start();
	id = campaign_with_nfts("Async");
	/* NMKR is slow: the sync stays running for a while. */
	fake_fault("{\"endpoint\":\"GetNfts\",\"delayMs\":1500,\"times\":1}");
	r = CALL("POST", P("/api/campaigns/%lld/sync?async=1", (long long)id),
	    NULL, ADMIN);
	ASSERT_EQ(r.status, 202);
	run_id = num(r.json, "runId");
	ASSERT_GT(run_id, 0);
	ASSERT_EQ(num(r.json, "campaignId"), id);
	ASSERT_STR_EQ(str(r.json, "events"),
	    P("/api/campaigns/%lld/sync/events", (long long)id));
	ASSERT_STR_EQ(str(r.json, "progress"),
	    P("/api/campaigns/%lld/sync", (long long)id));
	ASSERT_STR_EQ(header(&r, "Location", loc, sizeof(loc)),
	    P("/api/campaigns/%lld/sync", (long long)id));
	resp_free(&r);

	/* One at a time: 409 with the running one's progress. */
	j = API(
	    "POST", P("/api/campaigns/%lld/sync", (long long)id), NULL, 409);
	ASSERT_STR_EQ(err_code(j), "sync_running");
	running = cJSON_GetObjectItem(j, "running");
	ASSERT_EQ(num(running, "id"), run_id);
	ASSERT_TRUE(cJSON_IsNull(cJSON_GetObjectItem(running, "finishedAt")));
	cJSON_Delete(j);
	j = API("POST",
	    P("/api/campaigns/%lld/sync?async=1&force=1", (long long)id), NULL,
	    409);
	ASSERT_STR_EQ(err_code(j), "sync_running");
	cJSON_Delete(j);
	j = API("GET", P("/api/campaigns/%lld/sync", (long long)id), NULL, 200);
	ASSERT_EQ(num(j, "id"), run_id);
	ASSERT_TRUE(cJSON_IsNull(cJSON_GetObjectItem(j, "finishedAt")));
	cJSON_Delete(j);

	/* The stream: progress while it runs, then the report, then EOF. */
	r = CALL("GET", P("/api/campaigns/%lld/sync/events", (long long)id),
	    NULL, ADMIN);
	ASSERT_EQ(r.status, 200);
	n = sse_parse(r.body, ev, 64);
	ASSERT_GE(n, 2);
	for (i = 0; i < n; i++) {
		if (strcmp(ev[i].name, "progress") == 0) {
			ASSERT_TRUE(report == NULL);
			check_schema(__FILE__, __LINE__, "SyncRun", ev[i].data,
			    "a progress event");
			ASSERT_EQ(num(ev[i].data, "id"), run_id);
			progress++;
		} else if (strcmp(ev[i].name, "report") == 0) {
			ASSERT_TRUE(report == NULL);
			report = ev[i].data;
			check_schema(__FILE__, __LINE__, "SyncReport", report,
			    "the report event");
		} else {
			cs_test_fail(__FILE__, __LINE__, "unexpected event %s",
			    ev[i].name);
		}
	}
	ASSERT_GE(progress, 1);
	ASSERT_TRUE(report != NULL);
	ASSERT_STR_EQ(ev[n - 1].name, "report");
	log_id = num(report, "syncLogId");
	log =
	    API("GET", P("/api/sync-logs/%lld", (long long)log_id), NULL, 200);
	ASSERT_TRUE(cJSON_Compare(
	    cJSON_GetObjectItem(log, "syncedData"), report, true));
	cJSON_Delete(log);
	for (i = 0; i < n; i++)
		cJSON_Delete(ev[i].data);
	resp_free(&r);

	/* Finished now. */
	j = API("GET", P("/api/campaigns/%lld/sync", (long long)id), NULL, 200);
	ASSERT_GT(num(j, "finishedAt"), 0);
	ASSERT_STR_EQ(str(j, "outcome"), "success");
	ASSERT_EQ(num(j, "syncLogId"), log_id);
	cJSON_Delete(j);
	finish();
}

CS_TEST(http_api__sync_progress_and_events_of_an_unsynced_campaign)
{
	struct sse ev[8];
	struct resp r;
	int64_t id;
	size_t n;

	start();
	id = create_campaign("Never", PROJECT, 10);
	API_ERR("GET", P("/api/campaigns/%lld/sync", (long long)id), NULL, 404,
	    "not_found");
	r = CALL("GET", P("/api/campaigns/%lld/sync/events", (long long)id),
	    NULL, ADMIN);
	ASSERT_EQ(r.status, 200);
	n = sse_parse(r.body, ev, 8);
	ASSERT_EQ(n, 1);
	ASSERT_STR_EQ(ev[0].name, "idle");
	cJSON_Delete(ev[0].data);
	resp_free(&r);
	API_ERR("GET", "/api/campaigns/999999/sync", NULL, 404, "not_found");
	API_ERR(
	    "GET", "/api/campaigns/999999/sync/events", NULL, 404, "not_found");
	finish();
}

CS_TEST(http_api__sync_logs_filters)
{
	int64_t a, b;
	cJSON *list, *it;

	start();
	a = campaign_with_nfts("Logs A");
	b = create_campaign("Logs B", UNKNOWN_PROJECT, 10);
	cJSON_Delete(API(
	    "POST", P("/api/campaigns/%lld/sync", (long long)a), NULL, 200));
	/* A failed one: NMKR refuses the key for the counts. */
	fake_fault("{\"endpoint\":\"*\",\"status\":401,\"times\":-1}");
	it =
	    API("POST", P("/api/campaigns/%lld/sync", (long long)b), NULL, 200);
	ASSERT_TRUE(cJSON_IsFalse(cJSON_GetObjectItem(it, "success")));
	ASSERT_GE(array_size(cJSON_GetObjectItem(it, "errors")), 1);
	cJSON_Delete(it);
	cJSON_Delete(fake_call("DELETE", "/__fake/faults", NULL));

	list = API("GET", "/api/sync-logs", NULL, 200);
	ASSERT_EQ(array_size(list), 2);
	/* Newest first, no report without withData. */
	ASSERT_EQ(num(cJSON_GetArrayItem(list, 0), "campaignId"), b);
	ASSERT_TRUE(cJSON_GetObjectItem(
	                cJSON_GetArrayItem(list, 0), "syncedData") == NULL);
	cJSON_Delete(list);
	list = API("GET", "/api/sync-logs?status=failed", NULL, 200);
	ASSERT_EQ(array_size(list), 1);
	ASSERT_STR_EQ(str(cJSON_GetArrayItem(list, 0), "status"), "failed");
	cJSON_Delete(list);
	list = API(
	    "GET", P("/api/sync-logs?campaign=%lld", (long long)a), NULL, 200);
	ASSERT_EQ(array_size(list), 1);
	ASSERT_STR_EQ(str(cJSON_GetArrayItem(list, 0), "status"), "success");
	cJSON_Delete(list);
	list = API("GET", "/api/sync-logs?project=" UNKNOWN_PROJECT, NULL, 200);
	ASSERT_EQ(array_size(list), 1);
	cJSON_Delete(list);
	list = API("GET", "/api/sync-logs?type=manual_sync&limit=1&withData=1",
	    NULL, 200);
	ASSERT_EQ(array_size(list), 1);
	ASSERT_TRUE(cJSON_IsObject(
	    cJSON_GetObjectItem(cJSON_GetArrayItem(list, 0), "syncedData")));
	cJSON_Delete(list);
	list = API("GET", "/api/sync-logs?type=webhook", NULL, 200);
	ASSERT_EQ(array_size(list), 0);
	cJSON_Delete(list);

	API_ERR("GET", "/api/sync-logs?status=great", NULL, 400, "invalid");
	API_ERR("GET", "/api/sync-logs?type=other", NULL, 400, "invalid");
	API_ERR("GET", "/api/sync-logs?limit=0", NULL, 400, "invalid");
	API_ERR("GET", "/api/sync-logs?limit=1001", NULL, 400, "invalid");
	API_ERR("GET", "/api/sync-logs?campaign=x", NULL, 400, "invalid");
	API_ERR("GET", "/api/sync-logs/999999", NULL, 404, "not_found");
	API_ERR("GET", "/api/sync-logs/abc", NULL, 404, "not_found");
	finish();
}

CS_TEST(http_api__health)
{
	int64_t id;
	cJSON *h;

	start();
	id = campaign_with_nfts("Healthy");
	h = API(
	    "GET", P("/api/campaigns/%lld/health", (long long)id), NULL, 200);
	ASSERT_STR_EQ(str(h, "status"), "warning");
	ASSERT_STR_EQ(str(h, "reason"), "never synced");
	ASSERT_TRUE(cJSON_IsNull(cJSON_GetObjectItem(h, "lastSyncAt")));
	cJSON_Delete(h);
	cJSON_Delete(API(
	    "POST", P("/api/campaigns/%lld/sync", (long long)id), NULL, 200));
	/* The sync succeeded, but no webhook is registered at NMKR. */
	h = API(
	    "GET", P("/api/campaigns/%lld/health", (long long)id), NULL, 200);
	ASSERT_STR_EQ(str(h, "status"), "warning");
	ASSERT_STR_EQ(str(h, "reason"), "no NMKR webhook is registered");
	ASSERT_TRUE(cJSON_IsFalse(cJSON_GetObjectItem(h, "webhookRegistered")));
	ASSERT_EQ(num(h, "openReviews"), 0);
	ASSERT_STR_EQ(str(h, "lastSyncStatus"), "success");
	cJSON_Delete(h);
	cJSON_Delete(
	    API("POST", P("/api/campaigns/%lld/webhook", (long long)id),
	        P("{\"url\":\"%s/webhooks/nmkr\"}", srv.base_url), 200));
	h = API(
	    "GET", P("/api/campaigns/%lld/health", (long long)id), NULL, 200);
	ASSERT_STR_EQ(str(h, "status"), "healthy");
	ASSERT_TRUE(cJSON_IsTrue(cJSON_GetObjectItem(h, "webhookRegistered")));
	ASSERT_EQ(num(cJSON_GetObjectItem(h, "recent"), "success"), 1);
	ASSERT_GT(num(h, "lastSuccessAt"), 0);
	cJSON_Delete(h);
	fake_fault("{\"endpoint\":\"*\",\"status\":401,\"times\":-1}");
	cJSON_Delete(API("POST",
	    P("/api/campaigns/%lld/sync?force=1", (long long)id), NULL, 200));
	h = API(
	    "GET", P("/api/campaigns/%lld/health", (long long)id), NULL, 200);
	ASSERT_STR_EQ(str(h, "status"), "error");
	ASSERT_STR_EQ(str(h, "reason"), "the last sync failed");
	ASSERT_EQ(num(cJSON_GetObjectItem(h, "recent"), "failed"), 1);
	ASSERT_STR_EQ(str(h, "lastSyncStatus"), "failed");
	ASSERT_GE(num(h, "lastSyncAt"), num(h, "lastSuccessAt"));
	cJSON_Delete(h);
	API_ERR("GET", "/api/campaigns/999999/health", NULL, 404, "not_found");
	finish();
}

CS_TEST(http_api__history)
{
	int64_t id;
	cJSON *list, *row;
	char *a, *b;

	start();
	id = campaign_with_nfts("History");
	list = API(
	    "GET", P("/api/campaigns/%lld/history", (long long)id), NULL, 200);
	ASSERT_EQ(array_size(list), 0);
	cJSON_Delete(list);
	a = uid_of(id, 1);
	b = uid_of(id, 2);
	cJSON_Delete(API("POST", P("/api/nfts/%s/status", a),
	    "{\"status\":\"reserved\",\"wallet\":\"" STAKE "\"}", 200));
	cJSON_Delete(API("POST", P("/api/nfts/%s/status", b),
	    "{\"status\":\"sold\",\"note\":\"sold at the booth\"}", 200));
	cJSON_Delete(API("POST", P("/api/nfts/%s/status", a),
	    "{\"status\":\"available\"}", 200));
	list = API(
	    "GET", P("/api/campaigns/%lld/history", (long long)id), NULL, 200);
	ASSERT_EQ(array_size(list), 3);
	/* Oldest first. */
	row = cJSON_GetArrayItem(list, 0);
	ASSERT_STR_EQ(str(row, "oldStatus"), "available");
	ASSERT_STR_EQ(str(row, "newStatus"), "reserved");
	ASSERT_STR_EQ(str(row, "source"), "admin");
	ASSERT_EQ(num(row, "campaignId"), id);
	row = cJSON_GetArrayItem(list, 1);
	ASSERT_STR_EQ(str(row, "newStatus"), "sold");
	ASSERT_STR_EQ(str(row, "detail"), "sold at the booth");
	row = cJSON_GetArrayItem(list, 2);
	ASSERT_STR_EQ(str(row, "oldStatus"), "reserved");
	ASSERT_STR_EQ(str(row, "newStatus"), "available");
	cJSON_Delete(list);
	list = API("GET",
	    P("/api/campaigns/%lld/history?limit=1", (long long)id), NULL, 200);
	ASSERT_EQ(array_size(list), 1);
	cJSON_Delete(list);
	API_ERR("GET", P("/api/campaigns/%lld/history?limit=0", (long long)id),
	    NULL, 400, "invalid");
	API_ERR("GET",
	    P("/api/campaigns/%lld/history?limit=10001", (long long)id), NULL,
	    400, "invalid");
	API_ERR("GET", "/api/campaigns/999999/history", NULL, 404, "not_found");
	free(a);
	free(b);
	finish();
}

/* The alerts the alerter stored (tests/integration/alert.c sends them;
 * here they are written into serve's database): newest first, a limit,
 * an undelivered one with why. */
CS_TEST(http_api__alerts)
{
	char *db, *sql;
	sqlite3 *h = NULL;
	int64_t id;
	cJSON *list, *row;

	start();
	id = campaign_with_nfts("Alerted");
	list = API(
	    "GET", P("/api/campaigns/%lld/alerts", (long long)id), NULL, 200);
	ASSERT_EQ(array_size(list), 0);
	cJSON_Delete(list);
	db = cs_test_path("api.db");
	ASSERT_EQ(sqlite3_open(db, &h), SQLITE_OK);
	sqlite3_busy_timeout(h, 5000);
	sql = cs_xasprintf(
	    "INSERT INTO alerts (campaign_id, cause, text, sent_at, delivered, "
	    "error) VALUES (%lld, 'sync_failed', 'the sync of Alerted failed', "
	    "1764000000000, 1, NULL), (%lld, 'new_reviews', '2 new review "
	    "items in Alerted', 1764000060000, 0, 'HTTP 500')",
	    (long long)id, (long long)id);
	ASSERT_EQ(sqlite3_exec(h, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(h);
	free(sql);
	free(db);
	list = API(
	    "GET", P("/api/campaigns/%lld/alerts", (long long)id), NULL, 200);
	ASSERT_EQ(array_size(list), 2);
	row = cJSON_GetArrayItem(list, 0);
	ASSERT_STR_EQ(str(row, "cause"), "new_reviews");
	ASSERT_FALSE(cJSON_IsTrue(cJSON_GetObjectItem(row, "delivered")));
	ASSERT_STR_EQ(str(row, "error"), "HTTP 500");
	ASSERT_EQ(num(row, "sentAt"), 1764000060000LL);
	row = cJSON_GetArrayItem(list, 1);
	ASSERT_STR_EQ(str(row, "cause"), "sync_failed");
	ASSERT_TRUE(cJSON_IsNull(cJSON_GetObjectItem(row, "error")));
	ASSERT_EQ(num(row, "campaignId"), id);
	cJSON_Delete(list);
	list = API("GET",
	    P("/api/campaigns/%lld/alerts?limit=1", (long long)id), NULL, 200);
	ASSERT_EQ(array_size(list), 1);
	cJSON_Delete(list);
	API_ERR("GET", P("/api/campaigns/%lld/alerts?limit=0", (long long)id),
	    NULL, 400, "invalid");
	API_ERR("GET", "/api/campaigns/999999/alerts", NULL, 404, "not_found");
	finish();
}

/* The series over time: no point before any change; then the sales and
 * the counts at the end of each period, the last one equal to now's. */
CS_TEST(http_api__series)
{
	const cJSON *pts, *pt, *last;
	int64_t id, sales = 0;
	cJSON *j;
	char *a, *b;

	start();
	id = campaign_with_nfts("Series");
	j = API(
	    "GET", P("/api/campaigns/%lld/series", (long long)id), NULL, 200);
	ASSERT_EQ(array_size(cJSON_GetObjectItem(j, "points")), 0);
	ASSERT_EQ(num(j, "periodMs"), 0);
	cJSON_Delete(j);
	a = uid_of(id, 1);
	b = uid_of(id, 2);
	cJSON_Delete(API("POST", P("/api/nfts/%s/status", a),
	    "{\"status\":\"reserved\",\"wallet\":\"" STAKE "\"}", 200));
	cJSON_Delete(API(
	    "POST", P("/api/nfts/%s/status", b), "{\"status\":\"sold\"}", 200));
	j = API(
	    "GET", P("/api/campaigns/%lld/series", (long long)id), NULL, 200);
	ASSERT_EQ(num(j, "changes"), 2);
	ASSERT_EQ(num(j, "periodMs"), 3600000);
	pts = cJSON_GetObjectItem(j, "points");
	ASSERT_TRUE(array_size(pts) >= 1 && array_size(pts) <= 2);
	cJSON_ArrayForEach(pt, pts) {
		sales += num(pt, "sales");
	}
	ASSERT_EQ(sales, 1);
	last = cJSON_GetArrayItem(pts, (int)array_size(pts) - 1);
	ASSERT_EQ(num(last, "available"), 8);
	ASSERT_EQ(num(last, "reserved"), 1);
	ASSERT_EQ(num(last, "sold"), 1);
	ASSERT_EQ(num(cJSON_GetObjectItem(j, "counts"), "sold"), 1);
	cJSON_Delete(j);
	API_ERR("GET", "/api/campaigns/999999/series", NULL, 404, "not_found");
	free(a);
	free(b);
	finish();
}

CS_TEST(http_api__nft_get_and_status)
{
	int64_t id, version;
	cJSON *j, *h;
	char *uid;

	start();
	id = campaign_with_nfts("Status");
	uid = uid_of(id, 5);
	j = nft(uid);
	ASSERT_STR_EQ(str(j, "nftUid"), uid);
	ASSERT_EQ(num(j, "nftNumber"), 5);
	ASSERT_EQ(num(j, "campaignId"), id);
	ASSERT_STR_EQ(str(j, "status"), "available");
	ASSERT_STR_EQ(str(j, "projectId"), PROJECT);
	ASSERT_EQ(array_size(cJSON_GetObjectItem(j, "history")), 0);
	version = num(j, "version");
	cJSON_Delete(j);
	API_ERR("GET", "/api/nfts/no-such-uid", NULL, 404, "not_found");

	/* Reserved for a wallet, with compare-and-set. */
	j = API("POST", P("/api/nfts/%s/status", uid),
	    P("{\"status\":\"reserved\",\"wallet\":\"" STAKE
	      "\",\"expectedVersion\":%lld}",
	        (long long)version),
	    200);
	ASSERT_STR_EQ(str(j, "status"), "reserved");
	ASSERT_STR_EQ(str(j, "reservedBy"), STAKE);
	ASSERT_GT(num(j, "reservedUntil"), 0);
	ASSERT_STR_EQ(str(j, "lastModifiedBy"), "admin");
	ASSERT_GT(num(j, "version"), version);
	h = cJSON_GetObjectItem(j, "history");
	ASSERT_EQ(array_size(h), 1);
	ASSERT_STR_EQ(str(cJSON_GetArrayItem(h, 0), "source"), "admin");
	cJSON_Delete(j);
	/* The version moved on: 409, and nothing changed. */
	API_ERR("POST", P("/api/nfts/%s/status", uid),
	    P("{\"status\":\"sold\",\"expectedVersion\":%lld}",
	        (long long)version),
	    409, NULL);
	j = nft(uid);
	ASSERT_STR_EQ(str(j, "status"), "reserved");
	version = num(j, "version");
	cJSON_Delete(j);

	/* Sold, with buyer and transaction. */
	j = API("POST", P("/api/nfts/%s/status", uid),
	    P("{\"status\":\"sold\",\"buyer\":\"addr_test1qbuyer\","
	      "\"txHash\":\"%064d\",\"expectedVersion\":%lld}",
	        7, (long long)version),
	    200);
	ASSERT_STR_EQ(str(j, "status"), "sold");
	ASSERT_STR_EQ(str(j, "soldTo"), "addr_test1qbuyer");
	ASSERT_STR_EQ(str(j, "txHash"), P("%064d", 7));
	ASSERT_TRUE(cJSON_IsNull(cJSON_GetObjectItem(j, "reservedBy")));
	ASSERT_EQ(array_size(cJSON_GetObjectItem(j, "history")), 2);
	cJSON_Delete(j);

	API_ERR("POST", P("/api/nfts/%s/status", uid), "{\"status\":\"gone\"}",
	    400, "invalid");
	/* A version that is not an integer does not turn the check off. */
	API_ERR("POST", P("/api/nfts/%s/status", uid),
	    "{\"status\":\"available\",\"expectedVersion\":\"1\"}", 400,
	    "invalid");
	API_ERR("POST", P("/api/nfts/%s/status", uid),
	    "{\"status\":\"available\",\"expectedVersion\":1.5}", 400,
	    "invalid");
	API_ERR("POST", P("/api/nfts/%s/status", uid),
	    "{\"status\":\"reserved\",\"wallet\":7}", 400, "invalid");
	j = nft(uid);
	ASSERT_STR_EQ(str(j, "status"), "sold");
	cJSON_Delete(j);
	API_ERR("POST", P("/api/nfts/%s/status", uid), "{}", 400, "invalid");
	API_ERR("POST", P("/api/nfts/%s/status", uid), "{\"status\":", 400,
	    "invalid_json");
	API_ERR("POST", P("/api/nfts/%s/status", uid), NULL, 400, "invalid");
	API_ERR("POST", "/api/nfts/no-such-uid/status", "{\"status\":\"sold\"}",
	    404, "not_found");
	free(uid);
	finish();
}

/* The items of a page of the review queue, which holds them all here. */
static size_t
review_size(const cJSON *page)
{
	size_t n = array_size(cJSON_GetObjectItem(page, "items"));

	ASSERT_EQ(num(page, "total"), (int64_t)n);
	ASSERT_TRUE(cJSON_IsNull(cJSON_GetObjectItem(page, "nextAfter")));
	return n;
}

/* A review item: sold here, free at NMKR, and a sync. */
static int64_t
review_item(int64_t campaign, int64_t number)
{
	cJSON *list, *it;
	char *uid = uid_of(campaign, number);
	int64_t id = 0;

	cJSON_Delete(API("POST", P("/api/nfts/%s/status", uid),
	    "{\"status\":\"sold\"}", 200));
	fake_state(uid, "free");
	cJSON_Delete(API("POST",
	    P("/api/campaigns/%lld/sync?force=1", (long long)campaign), NULL,
	    200));
	list = API("GET", P("/api/campaigns/%lld/review", (long long)campaign),
	    NULL, 200);
	cJSON_ArrayForEach(it, cJSON_GetObjectItem(list, "items")) {
		if (strcmp(str(it, "nftUid"), uid) == 0)
			id = num(it, "id");
	}
	cJSON_Delete(list);
	ASSERT_GT(id, 0);
	free(uid);
	return id;
}

/* The item of campaign id in GET /api/campaigns; caller deletes list. */
static const cJSON *
listed_campaign(cJSON **list, int64_t id)
{
	const cJSON *it;

	*list = API("GET", "/api/campaigns", NULL, 200);
	cJSON_ArrayForEach(it, *list) {
		if (num(it, "id") == id)
			return it;
	}
	ASSERT_TRUE(!"campaign listed");
	return NULL;
}

/* The campaign list answers each campaign's health, the same as
 * /health: open review items and the webhook count, not only syncs. */
CS_TEST(http_api__campaign_list_health)
{
	const cJSON *item, *lh;
	cJSON *list, *h;
	int64_t id, other;

	start();
	id = campaign_with_nfts("Listed");
	other = create_campaign("Never synced", PROJECT, 10);
	item = listed_campaign(&list, id);
	lh = cJSON_GetObjectItem(item, "health");
	ASSERT_STR_EQ(str(lh, "status"), "warning");
	ASSERT_STR_EQ(str(lh, "reason"), "never synced");
	ASSERT_TRUE(cJSON_IsNull(cJSON_GetObjectItem(lh, "lastSyncStatus")));
	cJSON_Delete(list);
	cJSON_Delete(
	    API("POST", P("/api/campaigns/%lld/webhook", (long long)id),
	        P("{\"url\":\"%s/webhooks/nmkr\"}", srv.base_url), 200));
	(void)review_item(id, 6);
	(void)review_item(id, 7);
	item = listed_campaign(&list, id);
	lh = cJSON_GetObjectItem(item, "health");
	ASSERT_STR_EQ(str(lh, "status"), "warning");
	ASSERT_STR_EQ(str(lh, "reason"), "review items are open");
	ASSERT_EQ(num(lh, "openReviews"), 2);
	ASSERT_TRUE(cJSON_IsTrue(cJSON_GetObjectItem(lh, "webhookRegistered")));
	ASSERT_STR_EQ(str(lh, "lastSyncStatus"), "success");
	ASSERT_GT(num(lh, "lastSyncAt"), 0);
	h = API(
	    "GET", P("/api/campaigns/%lld/health", (long long)id), NULL, 200);
	ASSERT_STR_EQ(str(h, "status"), str(lh, "status"));
	ASSERT_STR_EQ(str(h, "reason"), str(lh, "reason"));
	ASSERT_EQ(num(h, "openReviews"), 2);
	cJSON_Delete(h);
	cJSON_Delete(list);
	/* Resolved, the campaign is healthy; the other one is counted alone. */
	cJSON_Delete(
	    API("POST", P("/api/campaigns/%lld/review/resolve", (long long)id),
	        "{\"resolution\":\"keep_local\",\"expected\":2}", 200));
	item = listed_campaign(&list, id);
	ASSERT_STR_EQ(
	    str(cJSON_GetObjectItem(item, "health"), "status"), "healthy");
	ASSERT_EQ(num(cJSON_GetObjectItem(item, "health"), "openReviews"), 0);
	cJSON_Delete(list);
	item = listed_campaign(&list, other);
	lh = cJSON_GetObjectItem(item, "health");
	ASSERT_EQ(num(lh, "openReviews"), 0);
	ASSERT_TRUE(
	    cJSON_IsFalse(cJSON_GetObjectItem(lh, "webhookRegistered")));
	cJSON_Delete(list);
	finish();
}

CS_TEST(http_api__review_list_and_resolve)
{
	int64_t id, item, item2;
	cJSON *list, *it, *j;
	char *uid;

	start();
	id = campaign_with_nfts("Review");
	list = API(
	    "GET", P("/api/campaigns/%lld/review", (long long)id), NULL, 200);
	ASSERT_EQ(review_size(list), 0);
	cJSON_Delete(list);
	item = review_item(id, 6);
	list = API(
	    "GET", P("/api/campaigns/%lld/review", (long long)id), NULL, 200);
	ASSERT_EQ(review_size(list), 1);
	it = cJSON_GetArrayItem(cJSON_GetObjectItem(list, "items"), 0);
	ASSERT_EQ(num(it, "campaignId"), id);
	ASSERT_STR_EQ(str(it, "localStatus"), "sold");
	ASSERT_STR_EQ(str(it, "remoteState"), "free");
	ASSERT_TRUE(cJSON_IsNull(cJSON_GetObjectItem(it, "resolvedAt")));
	ASSERT_GT(num(it, "syncLogId"), 0);
	cJSON_Delete(list);

	API_ERR("POST", P("/api/review/%lld/resolve", (long long)item),
	    "{\"resolution\":\"maybe\"}", 400, "invalid");
	API_ERR("POST", P("/api/review/%lld/resolve", (long long)item), "{}",
	    400, "invalid");
	API_ERR("POST", P("/api/review/%lld/resolve", (long long)item),
	    "{\"resolution\":\"apply_remote\",\"status\":\"lost\"}", 400,
	    "invalid");
	API_ERR("POST", P("/api/review/%lld/resolve", (long long)item), "{",
	    400, "invalid_json");
	API_ERR("POST", "/api/review/999999/resolve",
	    "{\"resolution\":\"dismissed\"}", 404, "not_found");
	j = API("POST", P("/api/review/%lld/resolve", (long long)item),
	    "{\"resolution\":\"keep_local\"}", 200);
	ASSERT_STR_EQ(str(j, "resolution"), "keep_local");
	ASSERT_GT(num(j, "resolvedAt"), 0);
	cJSON_Delete(j);
	/* Twice: 409. */
	API_ERR("POST", P("/api/review/%lld/resolve", (long long)item),
	    "{\"resolution\":\"dismissed\"}", 409, NULL);
	list = API(
	    "GET", P("/api/campaigns/%lld/review", (long long)id), NULL, 200);
	ASSERT_EQ(review_size(list), 0);
	cJSON_Delete(list);
	list = API("GET", P("/api/campaigns/%lld/review?open=0", (long long)id),
	    NULL, 200);
	ASSERT_EQ(review_size(list), 1);
	cJSON_Delete(list);
	uid = uid_of(id, 6);
	j = nft(uid);
	ASSERT_STR_EQ(str(j, "status"), "sold");
	cJSON_Delete(j);
	free(uid);

	/* apply_remote writes NMKR's state, as an admin change. */
	item2 = review_item(id, 7);
	j = API("POST", P("/api/review/%lld/resolve", (long long)item2),
	    "{\"resolution\":\"apply_remote\"}", 200);
	ASSERT_STR_EQ(str(j, "resolution"), "apply_remote");
	cJSON_Delete(j);
	uid = uid_of(id, 7);
	j = nft(uid);
	ASSERT_STR_EQ(str(j, "status"), "available");
	ASSERT_STR_EQ(str(j, "lastModifiedBy"), "admin");
	cJSON_Delete(j);
	free(uid);
	API_ERR("GET", "/api/campaigns/999999/review", NULL, 404, "not_found");
	finish();
}

/* A review page of campaign id: kind may be NULL, after 0; checks its
 * size, total and cursor and returns the cursor (0: null). */
static int64_t
review_page(int64_t id, const char *kind, int64_t after, int limit, size_t want,
    int64_t total, int64_t *last)
{
	cJSON *page, *it, *next;
	int64_t prev = after, cursor;

	page = API("GET",
	    P("/api/campaigns/%lld/review?limit=%d&after=%lld%s%s",
	        (long long)id, limit, (long long)after,
	        kind != NULL ? "&kind=" : "", kind != NULL ? kind : ""),
	    NULL, 200);
	ASSERT_EQ(array_size(cJSON_GetObjectItem(page, "items")), want);
	ASSERT_EQ(num(page, "total"), total);
	cJSON_ArrayForEach(it, cJSON_GetObjectItem(page, "items")) {
		ASSERT_GT(num(it, "id"), prev);
		if (kind != NULL)
			ASSERT_STR_EQ(str(it, "kind"), kind);
		prev = num(it, "id");
	}
	*last = prev;
	next = cJSON_GetObjectItem(page, "nextAfter");
	ASSERT_TRUE(next != NULL);
	cursor = cJSON_IsNull(next) ? 0 : num(page, "nextAfter");
	if (cursor != 0)
		ASSERT_EQ(cursor, prev);
	cJSON_Delete(page);
	return cursor;
}

/* 1,200 open items of a kind (and 300 of another) in pages of 500:
 * 500, 500, 200, each with the whole total, the cursor null at the end. */
CS_TEST(http_api__review_pages)
{
	int64_t id, after, last;
	char *db, *sql;
	sqlite3 *h;
	cJSON *page;

	start_with("1200", "0");
	id = create_campaign("Paged", PROJECT, 2000);
	cJSON_Delete(API(
	    "POST", P("/api/campaigns/%lld/import", (long long)id), NULL, 200));
	db = cs_test_path("api.db");
	ASSERT_EQ(sqlite3_open(db, &h), SQLITE_OK);
	sqlite3_busy_timeout(h, 5000);
	sql = cs_xasprintf(
	    "INSERT INTO review_queue (campaign_id, nft_id, kind, "
	    "local_status, remote_state, created_at) SELECT campaign_id, id, "
	    "'sold_downgrade', 'sold', 'free', 1764000000000 FROM nfts "
	    "WHERE campaign_id = %lld; "
	    "INSERT INTO review_queue (campaign_id, nft_id, kind, "
	    "local_status, remote_state, created_at) SELECT campaign_id, id, "
	    "'price_mismatch', 'sold', 'free', 1764000000000 FROM nfts "
	    "WHERE campaign_id = %lld AND nft_number %% 4 = 0",
	    (long long)id, (long long)id);
	ASSERT_EQ(sqlite3_exec(h, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(h);
	free(sql);
	free(db);

	after = review_page(id, "sold_downgrade", 0, 500, 500, 1200, &last);
	ASSERT_EQ(after, last);
	after = review_page(id, "sold_downgrade", after, 500, 500, 1200, &last);
	ASSERT_GT(after, 0);
	after = review_page(id, "sold_downgrade", after, 500, 200, 1200, &last);
	ASSERT_EQ(after, 0);
	/* Every kind: 1,500 in three pages, the last one full. */
	after = review_page(id, NULL, 0, 1000, 1000, 1500, &last);
	after = review_page(id, NULL, after, 500, 500, 1500, &last);
	ASSERT_EQ(after, 0);
	after = review_page(id, "price_mismatch", 0, 1000, 300, 300, &last);
	ASSERT_EQ(after, 0);
	/* Past the end: an empty page, the same total. */
	after = review_page(id, NULL, last, 100, 0, 1500, &last);
	ASSERT_EQ(after, 0);
	/* No limit: the default of 100. */
	page = API(
	    "GET", P("/api/campaigns/%lld/review", (long long)id), NULL, 200);
	ASSERT_EQ(array_size(cJSON_GetObjectItem(page, "items")), 100);
	ASSERT_EQ(num(page, "total"), 1500);
	ASSERT_GT(num(page, "nextAfter"), 0);
	cJSON_Delete(page);

	API_ERR("GET", P("/api/campaigns/%lld/review?limit=0", (long long)id),
	    NULL, 400, "invalid");
	API_ERR("GET",
	    P("/api/campaigns/%lld/review?limit=1001", (long long)id), NULL,
	    400, "invalid");
	API_ERR("GET", P("/api/campaigns/%lld/review?limit=x", (long long)id),
	    NULL, 400, "invalid");
	API_ERR("GET", P("/api/campaigns/%lld/review?after=-1", (long long)id),
	    NULL, 400, "invalid");
	finish();
}

/* The review queue at scale: a kind's open items, resolved at once after a
 * confirmation of their count. */
CS_TEST(http_api__review_resolve_all)
{
	int64_t id;
	cJSON *list, *j;
	char *uid;
	int n;

	start();
	id = campaign_with_nfts("Bulk");
	for (n = 3; n <= 6; n++)
		(void)review_item(id, n);
	list = API("GET",
	    P("/api/campaigns/%lld/review?kind=sold_downgrade", (long long)id),
	    NULL, 200);
	ASSERT_EQ(review_size(list), 4);
	cJSON_Delete(list);
	list = API("GET",
	    P("/api/campaigns/%lld/review?kind=other", (long long)id), NULL,
	    200);
	ASSERT_EQ(review_size(list), 0);
	cJSON_Delete(list);
	/* Told 3, 4 match: nothing done. */
	API_ERR("POST", P("/api/campaigns/%lld/review/resolve", (long long)id),
	    "{\"resolution\":\"apply_remote\",\"kind\":\"sold_downgrade\","
	    "\"expected\":3}",
	    409, NULL);
	API_ERR("POST", P("/api/campaigns/%lld/review/resolve", (long long)id),
	    "{\"resolution\":\"maybe\"}", 400, "invalid");
	API_ERR("POST", P("/api/campaigns/%lld/review/resolve", (long long)id),
	    "{\"resolution\":\"dismissed\",\"expected\":-1}", 400, "invalid");
	API_ERR("POST", "/api/campaigns/999999/review/resolve",
	    "{\"resolution\":\"dismissed\"}", 404, "not_found");
	j = API("POST", P("/api/campaigns/%lld/review/resolve", (long long)id),
	    "{\"resolution\":\"apply_remote\",\"kind\":\"sold_downgrade\","
	    "\"expected\":4}",
	    200);
	ASSERT_EQ(num(j, "resolved"), 4);
	cJSON_Delete(j);
	list = API(
	    "GET", P("/api/campaigns/%lld/review", (long long)id), NULL, 200);
	ASSERT_EQ(review_size(list), 0);
	cJSON_Delete(list);
	for (n = 3; n <= 6; n++) {
		uid = uid_of(id, n);
		j = nft(uid);
		ASSERT_STR_EQ(str(j, "status"), "available");
		ASSERT_STR_EQ(str(j, "lastModifiedBy"), "admin");
		cJSON_Delete(j);
		free(uid);
	}
	/* Nothing open: 0, not an error. */
	j = API("POST", P("/api/campaigns/%lld/review/resolve", (long long)id),
	    "{\"resolution\":\"dismissed\"}", 200);
	ASSERT_EQ(num(j, "resolved"), 0);
	cJSON_Delete(j);
	finish();
}

CS_TEST(http_api__allowlist)
{
	int64_t id;
	cJSON *c;
	char long_addr[200];

	start();
	id = campaign_with_nfts("Listed");
	c = API("PUT", P("/api/campaigns/%lld/allowlist", (long long)id),
	    P("{\"addresses\":[\"" STAKE "\",\"%s\"]}", W(2)), 200);
	ASSERT_TRUE(cJSON_IsTrue(cJSON_GetObjectItem(c, "hasAllowlist")));
	cJSON_Delete(c);
	c = API(
	    "GET", P("/api/public/campaigns/%lld", (long long)id), NULL, 200);
	ASSERT_TRUE(cJSON_IsTrue(cJSON_GetObjectItem(c, "allowlisted")));
	cJSON_Delete(c);
	API_ERR("PUT", P("/api/campaigns/%lld/allowlist", (long long)id),
	    "{\"addresses\":\"" STAKE "\"}", 400, "invalid");
	API_ERR("PUT", P("/api/campaigns/%lld/allowlist", (long long)id),
	    "{\"addresses\":[1]}", 400, "invalid");
	API_ERR("PUT", P("/api/campaigns/%lld/allowlist", (long long)id), "{}",
	    400, "invalid");
	API_ERR("PUT", P("/api/campaigns/%lld/allowlist", (long long)id),
	    "{\"addresses\":[\"\"]}", 400, NULL);
	memset(long_addr, 'a', 129);
	long_addr[129] = '\0';
	API_ERR("PUT", P("/api/campaigns/%lld/allowlist", (long long)id),
	    P("{\"addresses\":[\"%s\"]}", long_addr), 400, NULL);
	API_ERR("PUT", P("/api/campaigns/%lld/allowlist", (long long)id),
	    "{\"addresses\":", 400, "invalid_json");
	/* Entries are Cardano addresses of the campaign's network. */
	API_ERR("PUT", P("/api/campaigns/%lld/allowlist", (long long)id),
	    "{\"addresses\":[\"" STAKE "\",\"stake_test1other\"]}", 400,
	    "invalid");
	API_ERR("PUT", P("/api/campaigns/%lld/allowlist", (long long)id),
	    P("{\"addresses\":[\"%s\"]}", cs_fixture_wallet_mainnet(1)), 400,
	    "invalid");
	API_ERR("PUT", "/api/campaigns/999999/allowlist", "{\"addresses\":[]}",
	    404, "not_found");
	/* The failed calls changed nothing; an empty list clears it. */
	c = API("GET", P("/api/campaigns/%lld", (long long)id), NULL, 200);
	ASSERT_TRUE(cJSON_IsTrue(cJSON_GetObjectItem(c, "hasAllowlist")));
	cJSON_Delete(c);
	c = API("PUT", P("/api/campaigns/%lld/allowlist", (long long)id),
	    "{\"addresses\":[]}", 200);
	ASSERT_TRUE(cJSON_IsFalse(cJSON_GetObjectItem(c, "hasAllowlist")));
	cJSON_Delete(c);
	finish();
}

/* A public reservation request (no token). */
static struct resp
reserve_at(const char *file, int line, int64_t campaign, const char *body)
{
	return call_at(file, line, "POST",
	    P("/api/campaigns/%lld/reservations", (long long)campaign), body,
	    NULL, NO_AUTH);
}

static cJSON *
reserve_expect_at(const char *file, int line, int64_t campaign,
    const char *wallet, long status, const char *code)
{
	struct resp r =
	    reserve_at(file, line, campaign, P("{\"wallet\":\"%s\"}", wallet));
	cJSON *j;

	if (r.status != status)
		cs_test_fail(file, line,
		    "reserve for %s: %ld, expected %ld: %s", wallet, r.status,
		    status, r.body);
	if (code != NULL && strcmp(err_code(r.json), code) != 0)
		cs_test_fail(file, line, "reserve for %s: %s, expected %s",
		    wallet, err_code(r.json), code);
	j = r.json;
	r.json = NULL;
	resp_free(&r);
	return j;
}

#define RESERVE(campaign, wallet, status, code)                                \
	reserve_expect_at(__FILE__, __LINE__, campaign, wallet, status, code)

CS_TEST(http_api__reservations)
{
	int64_t id, before, t0;
	struct resp r;
	char long_wallet[200];
	cJSON *j, *c;

	start_with("3", "0");
	id = campaign_with_nfts("Reserve");
	cJSON_Delete(RESERVE(id, W(1), 409, "campaign_inactive"));
	cJSON_Delete(API("POST",
	    P("/api/campaigns/%lld/activate", (long long)id), NULL, 200));
	before = metric("cs_reservations_total{outcome=\"reserved\"}");

	t0 = cs_now_ms();
	j = RESERVE(id, W(1), 201, NULL);
	ASSERT_EQ(num(j, "campaignId"), id);
	ASSERT_EQ(num(j, "nftNumber"), 1);
	ASSERT_STR_EQ(str(j, "wallet"), W(1));
	ASSERT_STR_CONTAINS(
	    str(j, "paymentUrl"), "https://pay.preprod.nmkr.io/");
	ASSERT_TRUE(str(j, "name") != NULL && str(j, "name")[0] != '\0');
	/* The default reservation time, 10 minutes. */
	ASSERT_GE(num(j, "reservedUntil"), t0 + 10 * 60000 - 1000);
	ASSERT_LE(num(j, "reservedUntil"), cs_now_ms() + 10 * 60000 + 1000);
	cJSON_Delete(j);
	cJSON_Delete(RESERVE(id, W(1), 409, "wallet_limit"));
	j = RESERVE(id, W(2), 201, NULL);
	ASSERT_EQ(num(j, "nftNumber"), 2);
	cJSON_Delete(j);
	j = RESERVE(id, W(3), 201, NULL);
	ASSERT_EQ(num(j, "nftNumber"), 3);
	cJSON_Delete(j);
	cJSON_Delete(RESERVE(id, W(4), 409, "sold_out"));
	c = API("GET", P("/api/campaigns/%lld", (long long)id), NULL, 200);
	ASSERT_EQ(num(c, "reservedNFTs"), 3);
	ASSERT_EQ(num(c, "availableNFTs"), 0);
	cJSON_Delete(c);
	ASSERT_EQ(
	    metric("cs_reservations_total{outcome=\"reserved\"}"), before + 3);

	/* Bad wallets and bodies. */
	r = reserve_at(__FILE__, __LINE__, id, "{}");
	ASSERT_EQ(r.status, 400);
	resp_free(&r);
	r = reserve_at(__FILE__, __LINE__, id, "{\"wallet\":\"\"}");
	ASSERT_EQ(r.status, 400);
	resp_free(&r);
	r = reserve_at(__FILE__, __LINE__, id, "{\"wallet\":42}");
	ASSERT_EQ(r.status, 400);
	resp_free(&r);
	memset(long_wallet, 's', 129);
	long_wallet[129] = '\0';
	r = reserve_at(
	    __FILE__, __LINE__, id, P("{\"wallet\":\"%s\"}", long_wallet));
	ASSERT_EQ(r.status, 400);
	resp_free(&r);
	r = reserve_at(__FILE__, __LINE__, id, "{\"wallet\":");
	ASSERT_EQ(r.status, 400);
	ASSERT_STR_EQ(err_code(r.json), "invalid_json");
	resp_free(&r);
	r = reserve_at(__FILE__, __LINE__, id, NULL);
	ASSERT_EQ(r.status, 400);
	resp_free(&r);
	cJSON_Delete(RESERVE(999999, W(1), 404, "not_found"));
	finish();
}

/* Only Cardano addresses of the campaign's network are wallets, and one
 * address is one buyer whatever its case (issue 13, finding 4). */
CS_TEST(http_api__reservation_wallets)
{
	char up[CS_WALLET_MAX_CHARS + 1], typo[CS_WALLET_MAX_CHARS + 1];
	struct resp r;
	int64_t id;
	size_t i;
	cJSON *j, *c;

	start_with("5", "0");
	id = campaign_with_nfts("Wallets");
	cJSON_Delete(API("POST",
	    P("/api/campaigns/%lld/activate", (long long)id), NULL, 200));
	snprintf(typo, sizeof(typo), "%s", W(1));
	typo[strlen(typo) - 1] = typo[strlen(typo) - 1] == 'q' ? 'p' : 'q';
	cJSON_Delete(RESERVE(id, "x", 400, "invalid_wallet"));
	j = RESERVE(id, "<script>alert(1)</script>", 400, "invalid_wallet");
	ASSERT_STR_NOT_CONTAINS(err_msg(j), "script");
	cJSON_Delete(j);
	j = RESERVE(id, typo, 400, "invalid_wallet");
	ASSERT_STR_CONTAINS(err_msg(j), "checksum");
	cJSON_Delete(j);
	j = RESERVE(id, cs_fixture_wallet_mainnet(1), 400, "invalid_wallet");
	ASSERT_STR_CONTAINS(err_msg(j), "other network");
	ASSERT_STR_CONTAINS(err_msg(j), "preprod");
	cJSON_Delete(j);
	j = RESERVE(id, STAKE, 400, "invalid_wallet");
	ASSERT_STR_CONTAINS(err_msg(j), "stake address");
	cJSON_Delete(j);
	r = reserve_at(__FILE__, __LINE__, id, "{\"wallet\":\"\"}");
	ASSERT_EQ(r.status, 400);
	ASSERT_STR_EQ(err_code(r.json), "invalid_wallet");
	resp_free(&r);
	/* Nothing was reserved by all that. */
	c = API("GET", P("/api/campaigns/%lld", (long long)id), NULL, 200);
	ASSERT_EQ(num(c, "reservedNFTs"), 0);
	cJSON_Delete(c);

	/* The same address in upper case is the same buyer. */
	for (i = 0; W(1)[i] != '\0'; i++)
		up[i] = (char)toupper((unsigned char)W(1)[i]);
	up[i] = '\0';
	j = RESERVE(id, up, 201, NULL);
	ASSERT_STR_EQ(str(j, "wallet"), W(1));
	cJSON_Delete(j);
	cJSON_Delete(RESERVE(id, W(1), 409, "wallet_limit"));
	cJSON_Delete(RESERVE(id, up, 409, "wallet_limit"));
	c = API("GET", P("/api/campaigns/%lld", (long long)id), NULL, 200);
	ASSERT_EQ(num(c, "reservedNFTs"), 1);
	cJSON_Delete(c);
	finish();
}

CS_TEST(http_api__reservations_allowlist_and_multiple)
{
	int64_t id;
	cJSON *j;

	start_with("4", "0");
	id = campaign_with_nfts("Eligible");
	cJSON_Delete(API("PATCH", P("/api/campaigns/%lld", (long long)id),
	    "{\"allowMultiple\":true,\"reservationMinutes\":5}", 200));
	cJSON_Delete(API("POST",
	    P("/api/campaigns/%lld/activate", (long long)id), NULL, 200));
	/* A stake address admits the base addresses delegating to it. */
	cJSON_Delete(
	    API("PUT", P("/api/campaigns/%lld/allowlist", (long long)id),
	        P("{\"addresses\":[\"%s\"]}", cs_fixture_stake(1)), 200));
	cJSON_Delete(RESERVE(id, W(2), 403, "not_eligible"));
	j = RESERVE(id, W(1), 201, NULL);
	ASSERT_EQ(num(j, "nftNumber"), 1);
	ASSERT_LE(num(j, "reservedUntil"), cs_now_ms() + 5 * 60000 + 1000);
	cJSON_Delete(j);
	/* allowMultiple: the same wallet again. */
	j = RESERVE(id, W(1), 201, NULL);
	ASSERT_EQ(num(j, "nftNumber"), 2);
	cJSON_Delete(j);
	/* Outside the sale dates: inactive. */
	cJSON_Delete(API("PATCH", P("/api/campaigns/%lld", (long long)id),
	    "{\"endDate\":1000}", 200));
	cJSON_Delete(RESERVE(id, W(1), 409, "campaign_inactive"));
	finish();
}

CS_TEST(http_api__public_campaign)
{
	int64_t id;
	struct resp r;
	cJSON *j;

	start();
	id = campaign_with_nfts("Public View");
	r = CALL("GET", P("/api/public/campaigns/%lld", (long long)id), NULL,
	    NO_AUTH);
	ASSERT_EQ(r.status, 200);
	j = r.json;
	ASSERT_EQ(num(j, "id"), id);
	ASSERT_STR_EQ(str(j, "name"), "Public View");
	ASSERT_STR_EQ(str(j, "status"), "inactive");
	ASSERT_EQ(num(j, "totalNFTs"), 10);
	ASSERT_EQ(num(j, "availableNFTs"), 10);
	ASSERT_EQ(num(j, "soldNFTs"), 0);
	ASSERT_TRUE(cJSON_IsFalse(cJSON_GetObjectItem(j, "allowlisted")));
	/* What is the operator's stays out. */
	ASSERT_TRUE(cJSON_GetObjectItem(j, "nmkrProjectId") == NULL);
	ASSERT_TRUE(cJSON_GetObjectItem(j, "webhookConfigured") == NULL);
	resp_free(&r);
	r = CALL("GET", "/api/public/campaigns/999999", NULL, NO_AUTH);
	ASSERT_EQ(r.status, 404);
	resp_free(&r);
	r = CALL("GET", "/api/public/campaigns/x", NULL, NO_AUTH);
	ASSERT_EQ(r.status, 404);
	resp_free(&r);
	finish();
}

CS_TEST(http_api__public_rate_limit)
{
	int64_t id;
	struct resp r;
	char ra[32];
	int i;

	start_with("10", "3");
	id = campaign_with_nfts("Limited");
	for (i = 0; i < 3; i++) {
		r = CALL("GET", P("/api/public/campaigns/%lld", (long long)id),
		    NULL, NO_AUTH);
		ASSERT_EQ(r.status, 200);
		resp_free(&r);
	}
	r = CALL("GET", P("/api/public/campaigns/%lld", (long long)id), NULL,
	    NO_AUTH);
	ASSERT_EQ(r.status, 429);
	ASSERT_STR_EQ(err_code(r.json), "rate_limited");
	ASSERT_TRUE(header(&r, "Retry-After", ra, sizeof(ra)) != NULL);
	ASSERT_GE(strtol(ra, NULL, 10), 1);
	ASSERT_LE(strtol(ra, NULL, 10), 20);
	resp_free(&r);
	/* Reservations share the client's bucket. */
	r = reserve_at(__FILE__, __LINE__, id, "{\"wallet\":\"stake_test1x\"}");
	ASSERT_EQ(r.status, 429);
	ASSERT_TRUE(header(&r, "Retry-After", ra, sizeof(ra)) != NULL);
	resp_free(&r);
	/* Admin and meta routes are not limited. */
	for (i = 0; i < 5; i++) {
		cJSON_Delete(API(
		    "GET", P("/api/campaigns/%lld", (long long)id), NULL, 200));
		cJSON_Delete(API("GET", "/healthz", NULL, 200));
	}
	/* The bucket refills at 3 a minute (one every 20 s): still empty. */
	r = CALL("GET", P("/api/public/campaigns/%lld", (long long)id), NULL,
	    NO_AUTH);
	ASSERT_EQ(r.status, 429);
	resp_free(&r);
	finish();
}

CS_TEST(http_api__webhook_registration)
{
	int64_t id;
	cJSON *j, *list;
	char *secret;
	const char *hdr[] = {"Authorization: Bearer " KEY, NULL};
	struct cs_test_resp t;

	start();
	id = create_campaign("Hooked", PROJECT, 100);
	j = API("POST", P("/api/campaigns/%lld/webhook", (long long)id),
	    P("{\"url\":\"%s/webhooks/nmkr\"}", srv.base_url), 200);
	ASSERT_TRUE(cJSON_IsTrue(cJSON_GetObjectItem(j, "registered")));
	ASSERT_STR_EQ(str(j, "url"), P("%s/webhooks/nmkr", srv.base_url));
	cJSON_Delete(j);
	secret = nmkr_secret();
	/* NMKR has our URL, and the campaign knows it has a secret. */
	t = cs_test_http("GET",
	    P("%s/v2/GetNotifications/%s", fake.base_url, PROJECT), NULL, hdr);
	list = cJSON_Parse(t.body);
	ASSERT_EQ(array_size(list), 1);
	ASSERT_STR_EQ(str(cJSON_GetArrayItem(list, 0), "address"),
	    P("%s/webhooks/nmkr", srv.base_url));
	cJSON_Delete(list);
	cs_test_resp_free(&t);
	j = API("GET", P("/api/campaigns/%lld", (long long)id), NULL, 200);
	ASSERT_TRUE(cJSON_IsTrue(cJSON_GetObjectItem(j, "webhookConfigured")));
	cJSON_Delete(j);

	API_ERR("POST", P("/api/campaigns/%lld/webhook", (long long)id), "{}",
	    400, "invalid");
	API_ERR("POST", P("/api/campaigns/%lld/webhook", (long long)id),
	    "{\"url\":", 400, "invalid_json");
	API_ERR("POST", "/api/campaigns/999999/webhook",
	    "{\"url\":\"http://127.0.0.1:1/webhooks/nmkr\"}", 404, "not_found");
	API_ERR("POST", P("/api/campaigns/%lld/webhook", (long long)id),
	    "{\"url\":\"not a url\"}", 400, "invalid");
	/* Registering again adopts what NMKR lists: nothing is sent. */
	j = API("POST", P("/api/campaigns/%lld/webhook", (long long)id),
	    P("{\"url\":\"%s/webhooks/nmkr\"}", srv.base_url), 200);
	ASSERT_STR_EQ(str(j, "action"), "adopt");
	ASSERT_TRUE(cJSON_IsFalse(cJSON_GetObjectItem(j, "secretChanged")));
	ASSERT_TRUE(cJSON_IsTrue(cJSON_GetObjectItem(j, "secretMatches")));
	cJSON_Delete(j);
	/* NMKR refuses a rotation: 502, and the secret stays. */
	fake_fault("{\"endpoint\":\"UpdateNotifications\",\"status\":406}");
	API_ERR("POST", P("/api/campaigns/%lld/webhook/rotate", (long long)id),
	    NULL, 502, "upstream");
	j = API("GET", P("/api/campaigns/%lld", (long long)id), NULL, 200);
	ASSERT_TRUE(cJSON_IsTrue(cJSON_GetObjectItem(j, "webhookConfigured")));
	cJSON_Delete(j);
	free(secret);
	finish();
}

/* Set the project's notifications at the fake as the operator would. */
static void
nmkr_notifications_set(const char *body)
{
	const char *hdr[] = {"Authorization: Bearer " KEY, NULL};
	struct cs_test_resp t;

	t = cs_test_http("POST",
	    P("%s/v2/UpdateNotifications/%s", fake.base_url, PROJECT), body,
	    hdr);
	ASSERT_EQ(t.status, 200);
	cs_test_resp_free(&t);
}

/*
 * GET, POST (adopt, refuse, force), POST .../rotate and DELETE of
 * /api/campaigns/{id}/webhook, each answer checked against the document;
 * the operator's e-mail alert survives, no secret is ever answered.
 */
CS_TEST(http_api__webhook_status_refusal_force_rotate_unregister)
{
	static const char others[] =
	    "[{\"notificationType\":\"email\",\"address\":\"ops@example.com\","
	    "\"isActive\":false}]";
	const char *hdr[] = {"Authorization: Bearer " KEY, NULL};
	struct cs_test_resp t;
	char *path, *hook, *first;
	cJSON *j, *list;
	int64_t id;

	start();
	id = create_campaign("Hooked", PROJECT, 100);
	path = cs_xasprintf("/api/campaigns/%lld/webhook", (long long)id);
	hook = cs_xasprintf("{\"url\":\"%s/webhooks/nmkr\"}", srv.base_url);
	/* Nothing registered yet. */
	j = API("GET", path, NULL, 200);
	ASSERT_TRUE(cJSON_IsFalse(cJSON_GetObjectItem(j, "registered")));
	ASSERT_TRUE(cJSON_IsNull(cJSON_GetObjectItem(j, "url")));
	cJSON_Delete(j);
	API_ERR("POST", P("/api/campaigns/%lld/webhook/rotate", (long long)id),
	    NULL, 404, "not_found");
	/* An e-mail alert at NMKR: refused, nothing sent. */
	nmkr_notifications_set(others);
	API_ERR("POST", path, hook, 409, "other_notifications");
	j = API("GET", path, NULL, 200);
	ASSERT_TRUE(cJSON_IsFalse(cJSON_GetObjectItem(j, "secretStored")));
	ASSERT_EQ(num(j, "otherNotifications"), 1);
	cJSON_Delete(j);
	/* force: ours added, the alert kept. */
	j = API("POST", path,
	    P("{\"url\":\"%s/webhooks/nmkr\",\"force\":true}", srv.base_url),
	    200);
	ASSERT_STR_EQ(str(j, "action"), "send");
	ASSERT_TRUE(cJSON_IsTrue(cJSON_GetObjectItem(j, "registered")));
	ASSERT_TRUE(cJSON_IsTrue(cJSON_GetObjectItem(j, "secretMatches")));
	cJSON_Delete(j);
	t = cs_test_http("GET",
	    P("%s/v2/GetNotifications/%s", fake.base_url, PROJECT), NULL, hdr);
	list = cJSON_Parse(t.body);
	ASSERT_EQ(array_size(list), 2);
	ASSERT_STR_EQ(
	    str(cJSON_GetArrayItem(list, 0), "address"), "ops@example.com");
	ASSERT_TRUE(cJSON_IsFalse(
	    cJSON_GetObjectItem(cJSON_GetArrayItem(list, 0), "isActive")));
	cJSON_Delete(list);
	cs_test_resp_free(&t);
	first = nmkr_secret(); /* the alert's; all are secrets now */
	free(first);
	/* Rotation and unregistering need force too. */
	API_ERR("POST", P("/api/campaigns/%lld/webhook/rotate", (long long)id),
	    NULL, 409, "other_notifications");
	API_ERR("DELETE", path, NULL, 409, "other_notifications");
	j = API("POST",
	    P("/api/campaigns/%lld/webhook/rotate?force=1", (long long)id),
	    NULL, 200);
	ASSERT_TRUE(cJSON_IsTrue(cJSON_GetObjectItem(j, "secretChanged")));
	ASSERT_TRUE(cJSON_IsTrue(cJSON_GetObjectItem(j, "previousAccepted")));
	ASSERT_TRUE(cJSON_IsTrue(cJSON_GetObjectItem(j, "secretMatches")));
	cJSON_Delete(j);
	free(nmkr_secret());
	j = API("DELETE", P("%s?force=1", path), NULL, 200);
	ASSERT_STR_EQ(str(j, "action"), "send");
	ASSERT_TRUE(cJSON_IsFalse(cJSON_GetObjectItem(j, "registered")));
	cJSON_Delete(j);
	t = cs_test_http("GET",
	    P("%s/v2/GetNotifications/%s", fake.base_url, PROJECT), NULL, hdr);
	list = cJSON_Parse(t.body);
	ASSERT_EQ(array_size(list), 1);
	ASSERT_STR_EQ(
	    str(cJSON_GetArrayItem(list, 0), "address"), "ops@example.com");
	cJSON_Delete(list);
	cs_test_resp_free(&t);
	free(hook);
	free(path);
	finish();
}

/* A campaign with NFTs, active, with our webhook registered at NMKR. */
static int64_t
hooked_campaign(const char *name)
{
	int64_t id = campaign_with_nfts(name);

	cJSON_Delete(
	    API("POST", P("/api/campaigns/%lld/webhook", (long long)id),
	        P("{\"url\":\"%s/webhooks/nmkr\"}", srv.base_url), 200));
	free(nmkr_secret());
	return id;
}

static size_t
history_rows(const char *uid)
{
	cJSON *j = nft(uid);
	size_t n = array_size(cJSON_GetObjectItem(j, "history"));

	cJSON_Delete(j);
	return n;
}

CS_TEST(http_api__webhooks_valid_replay_forged_malformed)
{
	int64_t id;
	long status;
	char *uid, *other, *secret, *members;
	double applied, replays, rejected, invalid;
	cJSON *j, *h, *events;

	start();
	id = hooked_campaign("Webhooks");
	secret = nmkr_secret();
	uid = uid_of(id, 1);
	other = uid_of(id, 2);
	applied = metric("cs_webhooks_total{outcome=\"applied\"}");
	replays = metric("cs_webhooks_total{outcome=\"replay\"}");
	rejected = metric("cs_webhooks_total{outcome=\"rejected\"}");
	invalid = metric("cs_webhooks_total{outcome=\"invalid\"}");

	/* Valid: sold, with buyer and transaction, one history row. */
	members = cs_xasprintf(
	    "\"event\":\"transactionconfirmed\",\"project\":\"" PROJECT "\","
	    "\"nftUids\":[\"%s\"],\"txHash\":\"%064d\","
	    "\"receiverAddress\":\"addr_test1qwebhookbuyer\"",
	    uid, 42);
	j = WEBHOOK(members, &status);
	ASSERT_EQ(status, 200);
	ASSERT_STR_EQ(str(j, "outcome"), "applied");
	ASSERT_TRUE(cJSON_IsFalse(cJSON_GetObjectItem(j, "replay")));
	ASSERT_EQ(num(j, "nfts"), 1);
	ASSERT_EQ(num(j, "changed"), 1);
	ASSERT_GT(num(j, "eventId"), 0);
	cJSON_Delete(j);
	j = nft(uid);
	ASSERT_STR_EQ(str(j, "status"), "sold");
	ASSERT_STR_EQ(str(j, "soldTo"), "addr_test1qwebhookbuyer");
	ASSERT_STR_EQ(str(j, "txHash"), P("%064d", 42));
	ASSERT_STR_EQ(str(j, "lastModifiedBy"), "webhook");
	h = cJSON_GetObjectItem(j, "history");
	ASSERT_EQ(array_size(h), 1);
	ASSERT_STR_EQ(str(cJSON_GetArrayItem(h, 0), "source"), "webhook");
	ASSERT_GT(num(cJSON_GetArrayItem(h, 0), "webhookEventId"), 0);
	cJSON_Delete(j);

	/* Replayed: 200, replay, nothing applied twice. */
	j = WEBHOOK(members, &status);
	ASSERT_EQ(status, 200);
	ASSERT_TRUE(cJSON_IsTrue(cJSON_GetObjectItem(j, "replay")));
	ASSERT_STR_EQ(str(j, "outcome"), "replay");
	ASSERT_EQ(num(j, "changed"), 0);
	cJSON_Delete(j);
	ASSERT_EQ(history_rows(uid), 1);
	free(members);

	/* Forged: 401 and nothing changed. */
	members = cs_xasprintf(
	    "\"event\":\"transactionconfirmed\",\"project\":\"" PROJECT "\","
	    "\"nftUids\":[\"%s\"],\"secret\":\"not-the-secret-of-anyone\","
	    "\"applyState\":false",
	    other);
	j = WEBHOOK(members, &status);
	ASSERT_EQ(status, 401);
	ASSERT_STR_EQ(err_code(j), "bad_signature");
	cJSON_Delete(j);
	free(members);
	j = nft(other);
	ASSERT_STR_EQ(str(j, "status"), "available");
	ASSERT_EQ(array_size(cJSON_GetObjectItem(j, "history")), 0);
	cJSON_Delete(j);
	/* Forged by a payloadHash that is not the body's. */
	members = cs_xasprintf(
	    "\"event\":\"transactionconfirmed\",\"project\":\"" PROJECT "\","
	    "\"nftUids\":[\"%s\"],\"payloadHash\":\"AAAA\","
	    "\"applyState\":false",
	    other);
	j = WEBHOOK(members, &status);
	ASSERT_EQ(status, 401);
	cJSON_Delete(j);
	free(members);
	ASSERT_EQ(history_rows(other), 0);

	/* Malformed JSON, signed with the right secret: 400. */
	members = cs_xasprintf("\"event\":\"transactionconfirmed\","
	                       "\"project\":\"" PROJECT "\","
	                       "\"body\":\"{\\\"EventType\\\":\"");
	j = WEBHOOK(members, &status);
	ASSERT_EQ(status, 400);
	ASSERT_STR_EQ(err_code(j), "invalid_json");
	cJSON_Delete(j);
	free(members);
	/* An unknown project: 404. */
	members = cs_xasprintf(
	    "\"event\":\"transactionconfirmed\",\"project\":\"" PROJECT "\","
	    "\"body\":\"{\\\"EventType\\\":\\\"transactionconfirmed\\\","
	    "\\\"ProjectUid\\\":\\\"" UNKNOWN_PROJECT "\\\"}\"");
	j = WEBHOOK(members, &status);
	ASSERT_EQ(status, 404);
	ASSERT_STR_EQ(err_code(j), "unknown_project");
	cJSON_Delete(j);
	free(members);
	/* Another event is recorded and changes nothing. */
	members = cs_xasprintf(
	    "\"event\":\"transactionfinished\",\"project\":\"" PROJECT "\","
	    "\"nftUids\":[\"%s\"]",
	    other);
	j = WEBHOOK(members, &status);
	ASSERT_EQ(status, 200);
	ASSERT_STR_EQ(str(j, "outcome"), "ignored");
	cJSON_Delete(j);
	free(members);
	ASSERT_EQ(history_rows(other), 0);

	/* The events, newest first, without bodies. */
	events = API(
	    "GET", P("/api/campaigns/%lld/webhooks", (long long)id), NULL, 200);
	/* The verified ones: those refused never reached the campaign. */
	ASSERT_EQ(array_size(events), 3);
	ASSERT_STR_EQ(str(cJSON_GetArrayItem(events, 0), "outcome"), "ignored");
	ASSERT_STR_EQ(str(cJSON_GetArrayItem(events, 1), "outcome"), "replay");
	ASSERT_STR_EQ(str(cJSON_GetArrayItem(events, 2), "outcome"), "applied");
	ASSERT_STR_EQ(
	    str(cJSON_GetArrayItem(events, 2), "txHash"), P("%064d", 42));
	ASSERT_GT(num(cJSON_GetArrayItem(events, 2), "syncLogId"), 0);
	cJSON_Delete(events);
	events =
	    API("GET", P("/api/campaigns/%lld/webhooks?limit=1", (long long)id),
	        NULL, 200);
	ASSERT_EQ(array_size(events), 1);
	cJSON_Delete(events);
	API_ERR("GET", P("/api/campaigns/%lld/webhooks?limit=0", (long long)id),
	    NULL, 400, "invalid");
	API_ERR(
	    "GET", "/api/campaigns/999999/webhooks", NULL, 404, "not_found");
	/* A webhook sync log row per event applied. */
	events = API("GET", "/api/sync-logs?type=webhook", NULL, 200);
	ASSERT_GE(array_size(events), 1);
	cJSON_Delete(events);

	/* The counters moved. */
	ASSERT_EQ(
	    metric("cs_webhooks_total{outcome=\"applied\"}"), applied + 1);
	ASSERT_EQ(metric("cs_webhooks_total{outcome=\"replay\"}"), replays + 1);
	ASSERT_EQ(
	    metric("cs_webhooks_total{outcome=\"rejected\"}"), rejected + 2);
	ASSERT_GE(
	    metric("cs_webhooks_total{outcome=\"invalid\"}"), invalid + 1);
	free(uid);
	free(other);
	free(secret);
	finish();
}

CS_TEST(http_api__webhook_secret_rotation)
{
	int64_t id;
	long status;
	char *first, *second, *a, *b, *c;
	cJSON *j;

	start();
	id = hooked_campaign("Rotation");
	first = nmkr_secret();
	cJSON_Delete(API("POST",
	    P("/api/campaigns/%lld/webhook/rotate", (long long)id), NULL, 200));
	second = nmkr_secret();
	ASSERT_TRUE(strcmp(first, second) != 0);
	a = uid_of(id, 1);
	b = uid_of(id, 2);
	c = uid_of(id, 3);
	/* The new secret (the fake's default now). */
	j = WEBHOOK(
	    P("\"event\":\"transactionconfirmed\",\"project\":\"" PROJECT
	      "\",\"nftUids\":[\"%s\"]",
	        a),
	    &status);
	ASSERT_EQ(status, 200);
	ASSERT_EQ(num(j, "changed"), 1);
	cJSON_Delete(j);
	/* The previous one, for webhooks signed before the rotation. */
	j = WEBHOOK(
	    P("\"event\":\"transactionconfirmed\",\"project\":\"" PROJECT
	      "\",\"nftUids\":[\"%s\"],\"secret\":\"%s\"",
	        b, first),
	    &status);
	ASSERT_EQ(status, 200);
	ASSERT_EQ(num(j, "changed"), 1);
	cJSON_Delete(j);
	/* Anything else is still refused. */
	j = WEBHOOK(
	    P("\"event\":\"transactionconfirmed\",\"project\":\"" PROJECT
	      "\",\"nftUids\":[\"%s\"],\"secret\":\"%s-\","
	      "\"applyState\":false",
	        c, second),
	    &status);
	ASSERT_EQ(status, 401);
	cJSON_Delete(j);
	ASSERT_EQ(history_rows(c), 0);
	free(first);
	free(second);
	free(a);
	free(b);
	free(c);
	finish();
}

CS_TEST(http_api__bodies_over_the_caps_are_413)
{
	size_t admin_cap = 64u * 1024u, hook_cap = 256u * 1024u;
	char *body = cs_xmalloc(hook_cap + 4096), *members;
	int64_t id;
	long status;
	struct resp r;
	cJSON *j;
	double too_big;

	start();
	id = hooked_campaign("Capped");
	/* Admin: 64 KiB. A JSON object just over it. */
	memset(body, ' ', admin_cap + 16);
	body[0] = '{';
	body[admin_cap + 15] = '}';
	body[admin_cap + 16] = '\0';
	API_ERR("POST", "/api/campaigns", body, 413, "too_big");
	API_ERR("PATCH", P("/api/campaigns/%lld", (long long)id), body, 413,
	    "too_big");
	API_ERR("PUT", P("/api/campaigns/%lld/allowlist", (long long)id), body,
	    413, "too_big");
	API_ERR("POST", P("/api/campaigns/%lld/webhook", (long long)id), body,
	    413, "too_big");
	API_ERR("POST", "/api/nfts/any-uid/status", body, 413, "too_big");
	API_ERR("POST", "/api/review/1/resolve", body, 413, "too_big");
	/* Sent without a Content-Length, it is cut off while read. */
	r = call_flags_at(__FILE__, __LINE__, "POST", "/api/campaigns", body,
	    NULL, ADMIN, SEND_CHUNKED);
	ASSERT_EQ(r.status, 413);
	resp_free(&r);
	/* At the cap is fine (and then only the content matters). */
	body[admin_cap - 1] = '}';
	body[admin_cap] = '\0';
	API_ERR(
	    "PATCH", P("/api/campaigns/%lld", (long long)id), body, 200, NULL);
	/* Reservations are public, but the admin cap holds there too. */
	body[admin_cap - 1] = ' ';
	body[admin_cap] = ' ';
	body[admin_cap + 15] = '}';
	body[admin_cap + 16] = '\0';
	r = reserve_at(__FILE__, __LINE__, id, body);
	ASSERT_EQ(r.status, 413);
	resp_free(&r);

	/* Webhooks: 256 KiB, refused and counted. */
	too_big = metric("cs_webhooks_total{outcome=\"too_big\"}");
	memset(body, 'x', hook_cap + 100);
	body[hook_cap + 100] = '\0';
	members = cs_xasprintf("\"event\":\"transactionconfirmed\","
	                       "\"project\":\"" PROJECT "\",\"body\":\"%s\"",
	    body);
	j = WEBHOOK(members, &status);
	ASSERT_EQ(status, 413);
	ASSERT_STR_EQ(err_code(j), "too_big");
	cJSON_Delete(j);
	free(members);
	ASSERT_EQ(
	    metric("cs_webhooks_total{outcome=\"too_big\"}"), too_big + 1);
	/* Chunked, refused while read: counted the same. */
	r = call_flags_at(__FILE__, __LINE__, "POST",
	    "/webhooks/nmkr?payloadHash=AAAA", body, NULL, NO_AUTH,
	    SEND_CHUNKED);
	ASSERT_EQ(r.status, 413);
	ASSERT_STR_EQ(err_code(r.json), "too_big");
	resp_free(&r);
	ASSERT_EQ(
	    metric("cs_webhooks_total{outcome=\"too_big\"}"), too_big + 2);
	/* Under 256 KiB is read (and then only the content matters). */
	memset(body, ' ', 200u * 1024u);
	body[0] = '{';
	body[200u * 1024u - 1] = '}';
	body[200u * 1024u] = '\0';
	r = CALL("POST", "/webhooks/nmkr?payloadHash=AAAA", body, NO_AUTH);
	ASSERT_EQ(r.status, 400);
	resp_free(&r);
	free(body);
	finish();
}

CS_TEST(http_api__serve_refuses_a_public_address_without_a_token)
{
	char *bin = cs_build_path("src/cli/campaign-sync");
	char *db = cs_test_path("refuse.db");
	char *e_db = cs_xasprintf("CS_DATABASE_URL=sqlite:%s", db);
	const char *argv[] = {"/usr/bin/timeout", "10", bin, "serve",
	    "--listen", "0.0.0.0:0", "--no-schedule", NULL};
	const char *env[] = {e_db, "CS_ADMIN_TOKEN=", NULL};
	const char *short_env[] = {e_db, "CS_ADMIN_TOKEN=short", NULL};
	char *out = NULL, *errout = NULL;
	int rc;

	rc = cs_test_run(argv, env, NULL, &out, &errout);
	ASSERT_EQ(rc, 78);
	ASSERT_STR_NOT_CONTAINS(out, "listening");
	ASSERT_STR_CONTAINS(errout, "0.0.0.0:0");
	ASSERT_STR_CONTAINS(errout, "CS_ADMIN_TOKEN");
	free(out);
	free(errout);
	/* A token too short to guard a public address is refused too. */
	rc = cs_test_run(argv, short_env, NULL, &out, &errout);
	ASSERT_EQ(rc, 78);
	ASSERT_STR_CONTAINS(errout, "CS_ADMIN_TOKEN");
	free(out);
	free(errout);
	free(e_db);
	free(db);
	free(bin);
}

CS_TEST(http_api__secrets_stay_out_of_answers_and_the_log)
{
	int64_t id;
	cJSON *j;
	char *text;

	/* serve holds an NMKR key the fake does not accept: the errors
	 * that follow must not quote it. */
	open_answers();
	cs_buf_init(&seen, 256u << 20);
	add_secret(TOKEN);
	add_secret(KEY);
	add_secret("wrong-but-secret-nmkr-key-31337");
	start_fake("5");
	start_server("wrong-but-secret-nmkr-key-31337", "0");
	id = create_campaign("Keyless", PROJECT, 100);
	j = API(
	    "POST", P("/api/campaigns/%lld/sync", (long long)id), NULL, 200);
	ASSERT_TRUE(cJSON_IsFalse(cJSON_GetObjectItem(j, "success")));
	text = cJSON_PrintUnformatted(cJSON_GetObjectItem(j, "errors"));
	ASSERT_STR_CONTAINS(text, "401");
	free(text);
	cJSON_Delete(j);
	API_ERR("POST", P("/api/campaigns/%lld/import", (long long)id), NULL,
	    502, "upstream");
	API_ERR("POST", P("/api/campaigns/%lld/webhook", (long long)id),
	    P("{\"url\":\"%s/webhooks/nmkr\"}", srv.base_url), 502, "upstream");
	j = API("GET", "/api/sync-logs?withData=1", NULL, 200);
	cJSON_Delete(j);
	/* A token in the query or a body is not echoed either. */
	cJSON_Delete(API("GET", "/api/campaigns?token=" TOKEN, NULL, 200));
	API_ERR("POST", "/api/campaigns", "{\"name\":\"" TOKEN "\"}", 400,
	    "invalid");
	finish();
}

CS_TEST(http_api__without_an_nmkr_key)
{
	char *path = cs_xasprintf("%s/csv/lab-rat-100.csv", cs_test_fixtures());
	char *csv = cs_test_read_file(path, NULL);
	struct resp r;
	int64_t id;

	open_answers();
	cs_buf_init(&seen, 256u << 20);
	add_secret(TOKEN);
	add_secret(KEY);
	start_fake("5");
	start_server(NULL, "0");
	id = create_campaign("No Key", PROJECT, 1000);
	API_ERR("POST", P("/api/campaigns/%lld/sync", (long long)id), NULL, 503,
	    "not_configured");
	API_ERR("POST", P("/api/campaigns/%lld/sync?async=1", (long long)id),
	    NULL, 503, "not_configured");
	API_ERR("POST", P("/api/campaigns/%lld/import", (long long)id), NULL,
	    503, "not_configured");
	API_ERR("POST", P("/api/campaigns/%lld/webhook", (long long)id),
	    P("{\"url\":\"%s/webhooks/nmkr\"}", srv.base_url), 503,
	    "not_configured");
	/* What needs no NMKR still works. */
	r = call_at(__FILE__, __LINE__, "POST",
	    P("/api/campaigns/%lld/import", (long long)id), csv, "text/csv",
	    ADMIN);
	ASSERT_EQ(r.status, 200);
	ASSERT_EQ(num(r.json, "inserted"), 100);
	resp_free(&r);
	cJSON_Delete(API("POST",
	    P("/api/campaigns/%lld/activate", (long long)id), NULL, 200));
	cJSON_Delete(RESERVE(id, W(1), 201, NULL));
	free(csv);
	free(path);
	finish();
}

/* Chain verification on demand: the sales the fake minted on fake-blockfrost
 * are verified, then come from the hour's cache; the errors. Without
 * Blockfrost settings the endpoint is 503 (without_an_nmkr_key and the
 * other tests run without them). */
CS_TEST(http_api__verify_on_demand)
{
	int64_t id;
	cJSON *j;

	start_blockfrost();
	open_answers();
	cs_buf_init(&seen, 256u << 20);
	add_secret(TOKEN);
	add_secret(KEY);
	add_secret(BF_PID);
	start_fake("10");
	start_server(KEY, "0");
	id = campaign_with_nfts("Chain");
	/* Sell three in NMKR (minted on chain), then sync them in. */
	{
		char *u1 = uid_of(id, 1), *u2 = uid_of(id, 2),
		     *u3 = uid_of(id, 3);

		fake_state(u1, "sold");
		fake_state(u2, "sold");
		fake_state(u3, "sold");
		free(u1);
		free(u2);
		free(u3);
	}
	j = API("POST", P("/api/campaigns/%lld/sync?force=1", (long long)id),
	    NULL, 200);
	ASSERT_EQ(num(j, "verifiedCount"), 3);
	cJSON_Delete(j);

	j = API("POST", P("/api/campaigns/%lld/verify?limit=2", (long long)id),
	    NULL, 200);
	ASSERT_EQ(array_size(cJSON_GetObjectItem(j, "blockchainResults")), 2);
	ASSERT_EQ(num(j, "verifiedCount"), 2);
	ASSERT_EQ(num(j, "fromCache"), 2);
	ASSERT_EQ(num(j, "requests"), 0);
	cJSON_Delete(j);
	j = API("POST",
	    P("/api/campaigns/%lld/verify?refresh=1", (long long)id), NULL,
	    200);
	ASSERT_EQ(num(j, "verifiedCount"), 3);
	ASSERT_EQ(num(j, "fromCache"), 0);
	ASSERT_TRUE(num(j, "requests") >= 6);
	cJSON_Delete(j);
	/* One NFT answers its last chain check; an unsold one has none. */
	{
		char *u1 = uid_of(id, 1), *u5 = uid_of(id, 5);
		const cJSON *k;

		j = nft(u1);
		k = cJSON_GetObjectItem(j, "chainCheck");
		ASSERT_STR_EQ(str(k, "status"), "verified");
		ASSERT_STR_EQ(str(k, "assetId"), str(j, "assetId"));
		ASSERT_GT(num(k, "checkedAt"), 0);
		ASSERT_GT(array_size(cJSON_GetObjectItem(j, "history")), 0);
		cJSON_Delete(j);
		j = nft(u5);
		ASSERT_TRUE(cJSON_IsNull(cJSON_GetObjectItem(j, "chainCheck")));
		cJSON_Delete(j);
		free(u1);
		free(u5);
	}

	API_ERR("POST", P("/api/campaigns/%lld/verify?limit=0", (long long)id),
	    NULL, 400, "bad_request");
	API_ERR("POST", P("/api/campaigns/%lld/verify?limit=x", (long long)id),
	    NULL, 400, "bad_request");
	API_ERR("POST", "/api/campaigns/999/verify", NULL, 404, NULL);
	finish();
	ASSERT_EQ(cs_fakeproc_stop(&bf), 0);
}

/* The stream sends every change of the run, the last one too (finished,
 * its outcome), with the longest owner name an instance may have. */
CS_TEST(http_api__sync_events_long_progress)
{
	struct sse ev[64];
	const cJSON *last = NULL;
	size_t n, i;
	int64_t id;
	struct resp r;

	serve_owner =
	    "instance-with-the-longest-owner-name-it-may-have-0123456789abc";
	start();
	id = campaign_with_nfts("Long");
	fake_fault("{\"endpoint\":\"GetNfts\",\"delayMs\":600,\"times\":1}");
	r = CALL("POST", P("/api/campaigns/%lld/sync?async=1", (long long)id),
	    NULL, ADMIN);
	ASSERT_EQ(r.status, 202);
	resp_free(&r);
	r = CALL("GET", P("/api/campaigns/%lld/sync/events", (long long)id),
	    NULL, ADMIN);
	ASSERT_EQ(r.status, 200);
	n = sse_parse(r.body, ev, 64);
	for (i = 0; i < n; i++) {
		if (strcmp(ev[i].name, "progress") == 0)
			last = ev[i].data;
	}
	ASSERT_TRUE(last != NULL);
	ASSERT_STR_EQ(str(last, "owner"), serve_owner);
	ASSERT_STR_EQ(str(last, "outcome"), "success");
	ASSERT_TRUE(cJSON_IsNumber(cJSON_GetObjectItem(last, "finishedAt")));
	for (i = 0; i < n; i++)
		cJSON_Delete(ev[i].data);
	resp_free(&r);
	finish();
}

/* ---- Webhook events: meaning, size, limits (issues 12 and 13) ---------- */

/* Members for the fake's webhook sender that make it sign and send body
 * as it is. Caller frees. */
static char *
body_members(const char *body)
{
	cJSON *s = cJSON_CreateString(body);
	char *quoted = cJSON_PrintUnformatted(s);
	char *m = cs_xasprintf("\"event\":\"transactionconfirmed\","
	                       "\"project\":\"" PROJECT "\",\"body\":%s,"
	                       "\"applyState\":false",
	    quoted);

	cJSON_free(quoted);
	cJSON_Delete(s);
	return m;
}

/* The answer to a transactionconfirmed of uid with sale_type (NULL: the
 * fake's default), checked against the document. */
static cJSON *
confirm_at(const char *file, int line, const char *uid, const char *sale_type,
    int tx, long *status)
{
	char *m = cs_xasprintf(
	    "\"event\":\"transactionconfirmed\",\"project\":\"" PROJECT "\","
	    "\"nftUids\":[\"%s\"],\"txHash\":\"%064d\"%s%s%s",
	    uid, tx, sale_type != NULL ? ",\"saleType\":\"" : "",
	    sale_type != NULL ? sale_type : "", sale_type != NULL ? "\"" : "");
	cJSON *j = webhook_at(file, line, m, status);

	free(m);
	return j;
}

#define CONFIRM(uid, sale_type, tx, status)                                    \
	confirm_at(__FILE__, __LINE__, uid, sale_type, tx, status)

/* The campaign's newest webhook event (caller deletes). */
static cJSON *
newest_event(int64_t id)
{
	cJSON *events =
	    API("GET", P("/api/campaigns/%lld/webhooks?limit=1", (long long)id),
	        NULL, 200);
	cJSON *e = cJSON_DetachItemFromArray(events, 0);

	ASSERT_TRUE(e != NULL);
	cJSON_Delete(events);
	return e;
}

CS_TEST(http_api__webhook_only_sales_sell)
{
	static const char *const sales[] = {"paidonftaddress",
	    "paidonprojectaddress", "decentralmintandsale", "directsale",
	    "auction"};
	static const char *const not_sales[] = {"mintfromcustomeraddress",
	    "mintfromnftmakeraddress", "decentralmintandsend",
	    "paidtocustomeraddress", "royaltsplit",
	    "doublepaymentsendbacktobuyer",
	    "paidfailedtransactiontocustomeraddress", "burning",
	    "consolitecustomeraddress", "paidfromnftaddress", "buymints",
	    "refundmints", "unknown"};
	int64_t id;
	long status;
	size_t i;
	char *uid, *spare, *m;
	double not_a_sale, unknown;
	cJSON *j, *e;

	start();
	id = hooked_campaign("Sale types");
	not_a_sale = metric("cs_webhooks_total{outcome=\"not_a_sale\"}");
	unknown = metric("cs_webhooks_total{outcome=\"unknown_sale_type\"}");

	/* Not a sale: recorded with the reason, no NFT changes. */
	uid = uid_of(id, 1);
	for (i = 0; i < sizeof(not_sales) / sizeof(not_sales[0]); i++) {
		j = CONFIRM(uid, not_sales[i], (int)i + 1, &status);
		ASSERT_EQ(status, 200);
		ASSERT_STR_EQ(str(j, "outcome"), "not_a_sale");
		ASSERT_EQ(num(j, "nfts"), 1);
		ASSERT_EQ(num(j, "changed"), 0);
		cJSON_Delete(j);
		e = newest_event(id);
		ASSERT_STR_EQ(str(e, "outcome"), "not_a_sale");
		ASSERT_STR_CONTAINS(str(e, "detail"), not_sales[i]);
		ASSERT_TRUE(cJSON_IsNull(cJSON_GetObjectItem(e, "syncLogId")));
		cJSON_Delete(e);
	}
	j = nft(uid);
	ASSERT_STR_EQ(str(j, "status"), "available");
	ASSERT_EQ(array_size(cJSON_GetObjectItem(j, "history")), 0);
	cJSON_Delete(j);
	/* Replayed, a non-sale is still a replay. */
	j = CONFIRM(uid, "burning", 8, &status);
	ASSERT_STR_EQ(str(j, "outcome"), "replay");
	cJSON_Delete(j);
	ASSERT_EQ(metric("cs_webhooks_total{outcome=\"not_a_sale\"}"),
	    not_a_sale + (double)(sizeof(not_sales) / sizeof(not_sales[0])));

	/* Each sale sells, whatever the case NMKR writes it in. */
	for (i = 0; i < sizeof(sales) / sizeof(sales[0]); i++) {
		spare = uid_of(id, (int64_t)i + 2);
		j = CONFIRM(spare, sales[i], 100 + (int)i, &status);
		ASSERT_EQ(status, 200);
		ASSERT_STR_EQ(str(j, "outcome"), "applied");
		ASSERT_EQ(num(j, "changed"), 1);
		cJSON_Delete(j);
		j = nft(spare);
		ASSERT_STR_EQ(str(j, "status"), "sold");
		cJSON_Delete(j);
		free(spare);
	}

	/* Unknown (fiatpayment, a value outside the enum, none at all):
	 * recorded, nothing changed, left to the next sync, which reads
	 * what NMKR says (here: sold). */
	spare = uid_of(id, 9);
	j = CONFIRM(spare, "fiatpayment", 200, &status);
	ASSERT_EQ(status, 200);
	ASSERT_STR_EQ(str(j, "outcome"), "unknown_sale_type");
	ASSERT_EQ(num(j, "changed"), 0);
	cJSON_Delete(j);
	j = CONFIRM(spare, "newsaletypeofnextyear", 201, &status);
	ASSERT_STR_EQ(str(j, "outcome"), "unknown_sale_type");
	cJSON_Delete(j);
	e = newest_event(id);
	ASSERT_STR_CONTAINS(str(e, "detail"), "newsaletypeofnextyear");
	ASSERT_STR_CONTAINS(str(e, "detail"), "next sync");
	cJSON_Delete(e);
	m = body_members("{\"EventType\":\"transactionconfirmed\","
	                 "\"ProjectUid\":\"" PROJECT "\",\"SaleType\":7,"
	                 "\"NotificationSaleNfts\":[{\"NftUid\":\"x\"}]}");
	j = WEBHOOK(m, &status);
	ASSERT_EQ(status, 200);
	ASSERT_STR_EQ(str(j, "outcome"), "unknown_sale_type");
	cJSON_Delete(j);
	free(m);
	ASSERT_EQ(metric("cs_webhooks_total{outcome=\"unknown_sale_type\"}"),
	    unknown + 3);
	j = nft(spare);
	ASSERT_STR_EQ(str(j, "status"), "available");
	cJSON_Delete(j);
	fake_state(spare, "sold");
	cJSON_Delete(API(
	    "POST", P("/api/campaigns/%lld/sync", (long long)id), NULL, 200));
	j = nft(spare);
	ASSERT_STR_EQ(str(j, "status"), "sold");
	cJSON_Delete(j);
	free(spare);
	free(uid);
	finish();
}

CS_TEST(http_api__webhook_tx_hash_and_nft_count_are_capped)
{
	struct cs_buf b = CS_BUF_INIT(1u << 20);
	int64_t id;
	long status;
	size_t i;
	char *uid, *m;
	cJSON *j, *e;

	start();
	id = hooked_campaign("Caps");
	uid = uid_of(id, 1);

	/* A TxHash that is not 64 hex digits: refused, recorded. */
	m = cs_xasprintf(
	    "\"event\":\"transactionconfirmed\",\"project\":\"" PROJECT "\","
	    "\"nftUids\":[\"%s\"],\"txHash\":\"%065d\",\"applyState\":false",
	    uid, 1);
	j = WEBHOOK(m, &status);
	ASSERT_EQ(status, 400);
	ASSERT_STR_EQ(err_code(j), "invalid_tx_hash");
	cJSON_Delete(j);
	free(m);
	for (i = 0; i < 20000; i++)
		ASSERT_OK(cs_buf_putc(&b, "0123456789abcdef"[i % 16]));
	m = cs_xasprintf(
	    "\"event\":\"transactionconfirmed\",\"project\":\"" PROJECT "\","
	    "\"nftUids\":[\"%s\"],\"txHash\":\"%s\",\"applyState\":false",
	    uid, cs_buf_cstr(&b));
	j = WEBHOOK(m, &status);
	ASSERT_EQ(status, 400);
	ASSERT_STR_EQ(err_code(j), "invalid_tx_hash");
	cJSON_Delete(j);
	free(m);
	e = newest_event(id);
	ASSERT_STR_EQ(str(e, "outcome"), "invalid");
	ASSERT_TRUE(cJSON_IsNull(cJSON_GetObjectItem(e, "txHash")));
	ASSERT_STR_CONTAINS(str(e, "detail"), "TxHash");
	cJSON_Delete(e);

	/* 1,001 NFTs: refused whole, not cut to 1,000. */
	cs_buf_reset(&b);
	ASSERT_OK(cs_buf_printf(&b,
	    "{\"EventType\":\"transactionconfirmed\",\"ProjectUid\":\"" PROJECT
	    "\",\"SaleType\":\"paidonftaddress\",\"TxHash\":\"%064d\","
	    "\"NotificationSaleNfts\":[{\"NftUid\":\"%s\"}",
	    7, uid));
	for (i = 1; i < 1001; i++)
		ASSERT_OK(cs_buf_printf(
		    &b, ",{\"NftUid\":\"00000000-0000-4000-8000-%012zu\"}", i));
	ASSERT_OK(cs_buf_puts(&b, "]}"));
	m = body_members(cs_buf_cstr(&b));
	j = WEBHOOK(m, &status);
	ASSERT_EQ(status, 400);
	ASSERT_STR_EQ(err_code(j), "too_many_nfts");
	ASSERT_STR_CONTAINS(
	    str(cJSON_GetObjectItem(j, "error"), "message"), "1001");
	cJSON_Delete(j);
	free(m);
	j = nft(uid);
	ASSERT_STR_EQ(str(j, "status"), "available");
	cJSON_Delete(j);
	e = newest_event(id);
	ASSERT_STR_EQ(str(e, "outcome"), "invalid");
	cJSON_Delete(e);

	/* 1,000 are taken, every one (its replay key is hashed to fit). */
	cs_buf_reset(&b);
	ASSERT_OK(cs_buf_printf(&b,
	    "{\"EventType\":\"transactionconfirmed\",\"ProjectUid\":\"" PROJECT
	    "\",\"SaleType\":\"paidonftaddress\",\"TxHash\":\"%064d\","
	    "\"NotificationSaleNfts\":[",
	    8));
	for (i = 1; i < 1000; i++)
		ASSERT_OK(cs_buf_printf(
		    &b, "{\"NftUid\":\"00000000-0000-4000-8000-%012zu\"},", i));
	ASSERT_OK(cs_buf_printf(&b, "{\"NftUid\":\"%s\"}]}", uid));
	m = body_members(cs_buf_cstr(&b));
	j = WEBHOOK(m, &status);
	ASSERT_EQ(status, 200);
	ASSERT_STR_EQ(str(j, "outcome"), "partial");
	ASSERT_EQ(num(j, "nfts"), 1000);
	ASSERT_EQ(num(j, "changed"), 1);
	cJSON_Delete(j);
	j = WEBHOOK(m, &status);
	ASSERT_STR_EQ(str(j, "outcome"), "replay");
	cJSON_Delete(j);
	free(m);
	j = nft(uid);
	ASSERT_STR_EQ(str(j, "status"), "sold");
	cJSON_Delete(j);
	cs_buf_dispose(&b);
	free(uid);
	finish();
}

/* Size of the database file and its WAL. */
static long long
db_bytes(void)
{
	char *db = cs_test_path("api.db"), *wal = cs_xasprintf("%s-wal", db);
	struct stat st;
	long long n = 0;

	if (stat(db, &st) == 0)
		n += (long long)st.st_size;
	if (stat(wal, &st) == 0)
		n += (long long)st.st_size;
	free(db);
	free(wal);
	return n;
}

/* One integer from the database (serve stopped or not: WAL readers). */
static long long
db_int(const char *sql)
{
	char *db = cs_test_path("api.db");
	sqlite3 *h = NULL;
	sqlite3_stmt *st = NULL;
	long long v = -1;

	ASSERT_EQ(
	    sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	sqlite3_busy_timeout(h, 5000);
	ASSERT_EQ(sqlite3_prepare_v2(h, sql, -1, &st, NULL), SQLITE_OK);
	ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
	v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(h);
	free(db);
	return v;
}

/* A junk webhook of exactly the cap (read whole): kind 0 bad signature,
 * 1 unsigned, 2 unknown project, 3 not JSON. */
static char *
junk_body(int kind)
{
	size_t cap = 256u * 1024u, n;
	char *b = cs_xmalloc(cap + 1);

	memset(b, 'j', cap);
	b[cap] = '\0';
	if (kind == 3)
		return b;
	n = (size_t)snprintf(b, cap,
	    "{\"EventType\":\"transactionconfirmed\",\"ProjectUid\":\"%s\","
	    "\"Pad\":\"",
	    kind == 2 ? UNKNOWN_PROJECT : PROJECT);
	b[n] = 'j'; /* snprintf's NUL */
	b[cap - 2] = '"';
	b[cap - 1] = '}';
	return b;
}

CS_TEST(http_api__junk_webhooks_do_not_fill_the_disk)
{
	const char *paths[] = {"/webhooks/nmkr?payloadHash=AAAAAAAA",
	    "/webhooks/nmkr", "/webhooks/nmkr?payloadHash=AAAA",
	    "/webhooks/nmkr?payloadHash=AAAA"};
	const long want[] = {401, 401, 404, 400};
	char *bodies[4];
	long long before, after;
	struct resp r;
	int i, k;

	serve_env[0] = "CS_WEBHOOK_REFUSED_RATE=0"; /* the worst case */
	start();
	(void)hooked_campaign("Junk");
	/* Measure from a checkpointed file: stop, measure, start again. */
	ASSERT_EQ(cs_fakeproc_stop(&srv), 0);
	before = db_bytes();
	start_server(KEY, "0");
	for (k = 0; k < 4; k++)
		bodies[k] = junk_body(k);
	for (i = 0; i < 1000; i++) {
		k = i % 4;
		r = CALL("POST", paths[k], bodies[k], NO_AUTH);
		ASSERT_EQ(r.status, want[k]);
		resp_free(&r);
	}
	ASSERT_EQ(
	    metric("cs_webhooks_refused_total{reason=\"bad_signature\"}"), 250);
	ASSERT_EQ(
	    metric("cs_webhooks_refused_total{reason=\"unsigned\"}"), 250);
	ASSERT_EQ(
	    metric("cs_webhooks_refused_total{reason=\"unknown_project\"}"),
	    250);
	ASSERT_EQ(
	    metric("cs_webhooks_refused_total{reason=\"malformed\"}"), 250);
	ASSERT_EQ(cs_fakeproc_stop(&srv), 0);
	after = db_bytes();
	fprintf(stderr,
	    "1,000 refused webhooks of 256 KiB: the database grew by %lld "
	    "bytes (%lld -> %lld)\n",
	    after - before, before, after);
	ASSERT_LT(after - before, 5LL * 1000 * 1000);
	/* Every one is recorded: its digest, length and first bytes. */
	ASSERT_EQ(db_int("SELECT count(*) FROM webhook_events WHERE "
	                 "verified = 0 AND body_len = 262144 AND "
	                 "length(body_sha256) = 64"),
	    1000);
	ASSERT_EQ(
	    db_int("SELECT max(length(raw_body)) FROM webhook_events"), 256);
	for (k = 0; k < 4; k++)
		free(bodies[k]);
	start_server(KEY, "0");
	finish();
	serve_env[0] = NULL;
}

CS_TEST(http_api__refused_webhooks_are_limited_per_client)
{
	char *bad = junk_body(0), *over = cs_xmalloc(300u * 1024u), h[32];
	double limited, bad_sig, too_big;
	int64_t id;
	long status;
	struct resp r;
	char *uid;
	cJSON *j;
	int i;

	serve_env[0] = "CS_WEBHOOK_REFUSED_RATE=3";
	start();
	id = hooked_campaign("Limited");
	uid = uid_of(id, 1);
	limited = metric("cs_webhooks_refused_total{reason=\"rate_limited\"}");
	bad_sig = metric("cs_webhooks_refused_total{reason=\"bad_signature\"}");
	too_big = metric("cs_webhooks_refused_total{reason=\"too_big\"}");
	/* Three refusals a minute are recorded... */
	for (i = 0; i < 3; i++) {
		r = CALL(
		    "POST", "/webhooks/nmkr?payloadHash=AAAA", bad, NO_AUTH);
		ASSERT_EQ(r.status, 401);
		resp_free(&r);
	}
	/* ...the next is answered 429 and not stored. */
	r = CALL("POST", "/webhooks/nmkr?payloadHash=AAAA", bad, NO_AUTH);
	ASSERT_EQ(r.status, 429);
	ASSERT_STR_EQ(err_code(r.json), "rate_limited");
	ASSERT_TRUE(header(&r, "Retry-After", h, sizeof(h)) != NULL);
	ASSERT_GT(strtol(h, NULL, 10), 0);
	resp_free(&r);
	/* A body over the cap: 413 as always, not stored either. */
	memset(over, ' ', 300u * 1024u - 1);
	over[0] = '{';
	over[300u * 1024u - 2] = '}';
	over[300u * 1024u - 1] = '\0';
	r = CALL("POST", "/webhooks/nmkr?payloadHash=AAAA", over, NO_AUTH);
	ASSERT_EQ(r.status, 413);
	resp_free(&r);
	/* A signed webhook from the same address is still heard. */
	j = CONFIRM(uid, NULL, 1, &status);
	ASSERT_EQ(status, 200);
	ASSERT_STR_EQ(str(j, "outcome"), "applied");
	cJSON_Delete(j);

	ASSERT_EQ(metric("cs_webhooks_refused_total{reason=\"bad_signature\"}"),
	    bad_sig + 3);
	ASSERT_EQ(metric("cs_webhooks_refused_total{reason=\"rate_limited\"}"),
	    limited + 2);
	ASSERT_EQ(
	    metric("cs_webhooks_refused_total{reason=\"too_big\"}"), too_big);
	ASSERT_EQ(db_int("SELECT count(*) FROM webhook_events "
	                 "WHERE verified = 0"),
	    3);
	free(uid);
	free(bad);
	free(over);
	finish();
	serve_env[0] = NULL;
}

CS_TEST(http_api__csv_of_another_project_is_refused)
{
	char *path = cs_xasprintf("%s/csv/lab-rat-100.csv", cs_test_fixtures());
	char *csv = cs_test_read_file(path, NULL);
	struct resp r;
	int64_t id;
	cJSON *page;

	ASSERT_TRUE(csv != NULL);
	start();
	id = create_campaign("Elsewhere", UNKNOWN_PROJECT, 1000);
	r = call_at(__FILE__, __LINE__, "POST",
	    P("/api/campaigns/%lld/import", (long long)id), csv, "text/csv",
	    ADMIN);
	ASSERT_EQ(r.status, 400);
	ASSERT_STR_EQ(err_code(r.json), "invalid");
	ASSERT_STR_CONTAINS(
	    str(cJSON_GetObjectItem(r.json, "error"), "message"),
	    "an export of NMKR project " PROJECT);
	resp_free(&r);
	page =
	    API("GET", P("/api/campaigns/%lld/nfts", (long long)id), NULL, 200);
	ASSERT_EQ(array_size(cJSON_GetObjectItem(page, "items")), 0);
	cJSON_Delete(page);
	free(csv);
	free(path);
	finish();
}
