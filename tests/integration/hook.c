/* SPDX-License-Identifier: MIT */
/*
 * `webhook register|unregister|rotate|status` against fake-nmkr, whose
 * UpdateNotifications replaces the project's whole list and gives every
 * entry a new secret, as NMKR's does: the operator's other notifications
 * survive (by the fake's state), a refusal sends nothing (by the fake's
 * request log), and secrets never reach the output. Then a rotated-out
 * secret across two `serve` processes sharing one database: accepted inside
 * CS_WEBHOOK_SECRET_GRACE, refused after it by both.
 */
#include "test.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "support/fakeproc.h"
#include "support/testhttp.h"
#include "util/time.h"
#include "util/xalloc.h"

#define KEY "hook-test-key"
#define TOKEN "hook-test-admin-token-0123456789"
#define PROJECT "9e2d000a-ed53-4db4-819b-25cdab41fd47"
#define OURS "https://sync.example.com/webhooks/nmkr"
#define TYPED "studio-typed-secret-0123456789ab" /* 32 chars */
#define OTHERS_BODY                                                            \
	"[{\"notificationType\":\"email\",\"address\":\"ops@example.com\","    \
	"\"isActive\":false},{\"notificationType\":\"webhook\",\"address\":"   \
	"\"https://other.example.com/hook\",\"isActive\":true}]"

static struct cs_fakeproc fake;
static char *bin, *env_db, *env_url;
static const char *env[5];

/* fake-nmkr (with a seed file when seed is not NULL) and a campaign. */
static void
setup(const char *seed)
{
	char *fk = cs_build_path("tools/fake-nmkr/fake-nmkr");
	char *db = cs_test_path("hook.db"), *seed_path = NULL, *out, *errout;
	const char *fargv[12] = {fk, "--listen", "127.0.0.1:0", "--api-key",
	    KEY, "--project", PROJECT, "--nfts", "3", "--rate-limit", "0"};
	const char *create[] = {NULL, "campaign", "create", "--name", "Hooked",
	    "--project", PROJECT, "--max", "10", NULL};

	if (seed != NULL) {
		seed_path = cs_test_path("seed.json");
		cs_test_write_file(seed_path, seed, strlen(seed));
		fargv[5] = "--seed";
		fargv[6] = seed_path;
	}
	cs_fakeproc_start(&fake, fargv, NULL);
	bin = cs_build_path("src/cli/campaign-sync");
	env_db = cs_xasprintf("CS_DATABASE_URL=sqlite:%s", db);
	env_url = cs_xasprintf("NMKR_API_URL=%s", fake.base_url);
	env[0] = env_db;
	env[1] = env_url;
	env[2] = "NMKR_API_KEY=" KEY;
	env[3] = NULL;
	create[0] = bin;
	ASSERT_EQ(cs_test_run(create, env, NULL, &out, &errout), 0);
	free(out);
	free(errout);
	free(seed_path);
	free(db);
	free(fk);
}

static void
teardown(void)
{
	ASSERT_EQ(cs_fakeproc_stop(&fake), 0);
	free(env_db);
	free(env_url);
	free(bin);
}

/* Run campaign-sync with args (NULL-ended, without the program). */
static int
run(char **out, char **errout, const char *a0, const char *a1, const char *a2,
    const char *a3, const char *a4, const char *a5)
{
	const char *argv[8] = {bin, a0, a1, a2, a3, a4, a5, NULL};

	return cs_test_run(argv, env, NULL, out, errout);
}

/* NMKR's list now (an empty array for 204). Caller deletes. */
static cJSON *
nmkr_list(void)
{
	const char *hdr[] = {"Authorization: Bearer " KEY, NULL};
	struct cs_test_resp r;
	char url[256];
	cJSON *j;

	snprintf(url, sizeof(url), "%s/v2/GetNotifications/%s", fake.base_url,
	    PROJECT);
	r = cs_test_http("GET", url, NULL, hdr);
	ASSERT_TRUE(r.status == 200 || r.status == 204);
	j = r.status == 204 ? cJSON_CreateArray() : cJSON_Parse(r.body);
	ASSERT_TRUE(cJSON_IsArray(j));
	cs_test_resp_free(&r);
	return j;
}

static void
requests_clear(void)
{
	struct cs_test_resp r;
	char url[256];

	snprintf(url, sizeof(url), "%s/__fake/requests", fake.base_url);
	r = cs_test_http("DELETE", url, NULL, NULL);
	ASSERT_EQ(r.status / 100, 2);
	cs_test_resp_free(&r);
}

/* What the operator set up at NMKR themselves (then the log is cleared). */
static void
nmkr_set(const char *body)
{
	const char *hdr[] = {"Authorization: Bearer " KEY, NULL};
	struct cs_test_resp r;
	char url[256];

	snprintf(url, sizeof(url), "%s/v2/UpdateNotifications/%s",
	    fake.base_url, PROJECT);
	r = cs_test_http("POST", url, body, hdr);
	ASSERT_EQ(r.status, 200);
	cs_test_resp_free(&r);
	requests_clear();
}

/* How many upstream requests to endpoint the fake has recorded. */
static int
requests(const char *endpoint)
{
	struct cs_test_resp r;
	const cJSON *it;
	char url[256];
	cJSON *j;
	int n = 0;

	snprintf(url, sizeof(url), "%s/__fake/requests", fake.base_url);
	r = cs_test_http("GET", url, NULL, NULL);
	ASSERT_EQ(r.status, 200);
	j = cJSON_Parse(r.body);
	cJSON_ArrayForEach(it, j) {
		if (strcmp(cJSON_GetStringValue(
		               cJSON_GetObjectItem(it, "endpoint")),
		        endpoint) == 0)
			n++;
	}
	cJSON_Delete(j);
	cs_test_resp_free(&r);
	return n;
}

/* The entry of list with address, or NULL. */
static const cJSON *
entry(const cJSON *list, const char *address)
{
	const cJSON *it;

	cJSON_ArrayForEach(it, list) {
		if (strcmp(cJSON_GetStringValue(
		               cJSON_GetObjectItem(it, "address")),
		        address) == 0)
			return it;
	}
	return NULL;
}

static const char *
field(const cJSON *e, const char *name)
{
	return cJSON_GetStringValue(cJSON_GetObjectItem(e, name));
}

/* No secret of list appears in text. */
static void
no_secrets(const cJSON *list, const char *text)
{
	const cJSON *it;

	cJSON_ArrayForEach(it, list) {
		ASSERT_STR_NOT_CONTAINS(text, field(it, "secret"));
	}
}

/* The email and the other webhook are there as the operator made them. */
static void
others_intact(const cJSON *list)
{
	const cJSON *e = entry(list, "ops@example.com");
	const cJSON *w = entry(list, "https://other.example.com/hook");

	ASSERT_TRUE(e != NULL);
	ASSERT_STR_EQ(field(e, "notificationType"), "email");
	ASSERT_TRUE(cJSON_IsFalse(cJSON_GetObjectItem(e, "isActive")));
	ASSERT_TRUE(w != NULL);
	ASSERT_STR_EQ(field(w, "notificationType"), "webhook");
	ASSERT_TRUE(cJSON_IsTrue(cJSON_GetObjectItem(w, "isActive")));
}

/* `webhook status --json` parsed; *code gets the exit code. */
static cJSON *
status_json(int *code)
{
	char *out, *errout;
	cJSON *j;

	*code = run(
	    &out, &errout, "webhook", "status", "--json", "Hooked", NULL, NULL);
	j = cJSON_Parse(out);
	ASSERT_TRUE(j != NULL);
	ASSERT_STR_NOT_CONTAINS(out, "ecret\":\"");
	free(out);
	free(errout);
	return j;
}

CS_TEST(hook__register_refuses_while_others_exist_and_sends_nothing)
{
	cJSON *before, *after, *st;
	char *out, *errout;
	int code;

	setup(NULL);
	nmkr_set(OTHERS_BODY);
	before = nmkr_list();
	requests_clear();
	code = run(
	    &out, &errout, "webhook", "register", "Hooked", OURS, NULL, NULL);
	ASSERT_EQ(code, 65);
	ASSERT_STR_CONTAINS(errout, "email ops@example.com");
	ASSERT_STR_CONTAINS(errout, "webhook https://other.example.com/hook");
	ASSERT_STR_CONTAINS(errout, "new secret");
	ASSERT_STR_CONTAINS(errout, "nothing was sent");
	no_secrets(before, out);
	no_secrets(before, errout);
	free(out);
	free(errout);
	ASSERT_EQ(requests("UpdateNotifications"), 0);
	ASSERT_EQ(requests("GetNotifications"), 1);
	/* NMKR's list is exactly as it was, secrets included. */
	after = nmkr_list();
	ASSERT_EQ(cJSON_GetArraySize(after), 2);
	ASSERT_TRUE(cJSON_Compare(before, after, true));
	cJSON_Delete(after);
	/* Nothing was stored. */
	st = status_json(&code);
	ASSERT_TRUE(cJSON_IsFalse(cJSON_GetObjectItem(st, "secretStored")));
	cJSON_Delete(st);
	cJSON_Delete(before);
	teardown();
}

CS_TEST(hook__register_force_keeps_the_others)
{
	cJSON *list, *st;
	const cJSON *ours;
	char *out, *errout;
	int code;

	setup(NULL);
	nmkr_set(OTHERS_BODY);
	code = run(&out, &errout, "webhook", "register", "--force", "Hooked",
	    OURS, NULL);
	ASSERT_EQ(code, 0);
	ASSERT_STR_CONTAINS(out, "registered " OURS);
	ASSERT_STR_CONTAINS(out, "kept NMKR's 2 other notifications");
	/* read, update, re-read */
	ASSERT_EQ(requests("GetNotifications"), 2);
	ASSERT_EQ(requests("UpdateNotifications"), 1);
	list = nmkr_list();
	no_secrets(list, out);
	no_secrets(list, errout);
	free(out);
	free(errout);
	ASSERT_EQ(cJSON_GetArraySize(list), 3);
	others_intact(list);
	ours = entry(list, OURS);
	ASSERT_TRUE(ours != NULL);
	ASSERT_STR_EQ(field(ours, "notificationType"), "webhook");
	ASSERT_TRUE(cJSON_IsTrue(cJSON_GetObjectItem(ours, "isActive")));
	/* The secret we stored is the one NMKR holds for our URL. */
	st = status_json(&code);
	ASSERT_EQ(code, 0);
	ASSERT_TRUE(cJSON_IsTrue(cJSON_GetObjectItem(st, "listed")));
	ASSERT_TRUE(cJSON_IsTrue(cJSON_GetObjectItem(st, "secretMatches")));
	ASSERT_EQ(
	    cJSON_GetNumberValue(cJSON_GetObjectItem(st, "otherNotifications")),
	    2);
	cJSON_Delete(st);
	cJSON_Delete(list);
	teardown();
}

CS_TEST(hook__register_adopts_a_listed_url_and_sends_nothing)
{
	static const char seed[] =
	    "{\"projects\":[{\"uid\":\"" PROJECT "\",\"count\":3,"
	    "\"notifications\":[{\"notificationType\":\"email\","
	    "\"address\":\"ops@example.com\",\"isActive\":true,"
	    "\"secret\":\"0123456789abcdef0123456789abcdef\"},"
	    "{\"notificationType\":\"webhook\",\"address\":\"" OURS "\","
	    "\"isActive\":true,\"secret\":\"" TYPED "\"}]}]}";
	cJSON *before, *after, *st;
	char *out, *errout;
	int code;

	setup(seed);
	before = nmkr_list();
	code = run(
	    &out, &errout, "webhook", "register", "Hooked", OURS, NULL, NULL);
	ASSERT_EQ(code, 0);
	ASSERT_STR_CONTAINS(out, "adopted its secret");
	ASSERT_STR_NOT_CONTAINS(out, TYPED);
	ASSERT_STR_NOT_CONTAINS(errout, TYPED);
	free(out);
	free(errout);
	ASSERT_EQ(requests("UpdateNotifications"), 0);
	after = nmkr_list();
	ASSERT_TRUE(cJSON_Compare(before, after, true));
	st = status_json(&code);
	ASSERT_EQ(code, 0);
	ASSERT_TRUE(cJSON_IsTrue(cJSON_GetObjectItem(st, "secretMatches")));
	cJSON_Delete(st);
	cJSON_Delete(after);
	cJSON_Delete(before);
	teardown();
}

CS_TEST(hook__register_secret_flag_calls_nothing)
{
	cJSON *st;
	char *out, *errout;
	int code;

	setup(NULL);
	env[2] = NULL; /* no NMKR_API_KEY: NMKR cannot be asked */
	code = run(&out, &errout, "webhook", "register", "--secret", TYPED,
	    "Hooked", OURS);
	ASSERT_EQ(code, 0);
	ASSERT_STR_NOT_CONTAINS(out, TYPED);
	ASSERT_STR_NOT_CONTAINS(errout, TYPED);
	free(out);
	free(errout);
	env[2] = "NMKR_API_KEY=" KEY;
	ASSERT_EQ(requests("GetNotifications"), 0);
	ASSERT_EQ(requests("UpdateNotifications"), 0);
	/* NMKR does not list it yet: status says so (exit 65). */
	st = status_json(&code);
	ASSERT_EQ(code, 65);
	ASSERT_TRUE(cJSON_IsTrue(cJSON_GetObjectItem(st, "secretStored")));
	ASSERT_TRUE(cJSON_IsFalse(cJSON_GetObjectItem(st, "listed")));
	cJSON_Delete(st);
	teardown();
}

CS_TEST(hook__unregister_keeps_the_others)
{
	cJSON *before, *list, *st;
	char *out, *errout;
	int code;

	setup(NULL);
	nmkr_set(OTHERS_BODY);
	ASSERT_EQ(run(&out, &errout, "webhook", "register", "--force", "Hooked",
	              OURS, NULL),
	    0);
	free(out);
	free(errout);
	requests_clear();
	/* Refused while others exist: nothing sent, nothing forgotten. */
	before = nmkr_list();
	code = run(
	    &out, &errout, "webhook", "unregister", "Hooked", NULL, NULL, NULL);
	ASSERT_EQ(code, 65);
	ASSERT_STR_CONTAINS(errout, "email ops@example.com");
	no_secrets(before, errout);
	free(out);
	free(errout);
	ASSERT_EQ(requests("UpdateNotifications"), 0);
	list = nmkr_list();
	ASSERT_TRUE(cJSON_Compare(before, list, true));
	cJSON_Delete(list);
	cJSON_Delete(before);
	/* --force: ours goes, the others stay as they were. */
	code = run(&out, &errout, "webhook", "unregister", "--force", "Hooked",
	    NULL, NULL);
	ASSERT_EQ(code, 0);
	ASSERT_STR_CONTAINS(out, "removed our webhook");
	free(out);
	free(errout);
	list = nmkr_list();
	ASSERT_EQ(cJSON_GetArraySize(list), 2);
	ASSERT_TRUE(entry(list, OURS) == NULL);
	others_intact(list);
	cJSON_Delete(list);
	st = status_json(&code);
	ASSERT_TRUE(cJSON_IsNull(cJSON_GetObjectItem(st, "url")));
	ASSERT_TRUE(cJSON_IsFalse(cJSON_GetObjectItem(st, "secretStored")));
	cJSON_Delete(st);
	teardown();
}

CS_TEST(hook__status_detects_a_stale_secret)
{
	cJSON *st, *list;
	char *body, *out, *errout;
	int code;

	setup(NULL);
	ASSERT_EQ(run(&out, &errout, "webhook", "register", "Hooked", OURS,
	              NULL, NULL),
	    0);
	free(out);
	free(errout);
	st = status_json(&code);
	ASSERT_EQ(code, 0);
	ASSERT_TRUE(cJSON_IsTrue(cJSON_GetObjectItem(st, "secretMatches")));
	cJSON_Delete(st);
	/* Someone saves the notifications in NMKR Studio: new secrets. */
	list = nmkr_list();
	body = cJSON_PrintUnformatted(list);
	nmkr_set(body);
	free(body);
	cJSON_Delete(list);
	st = status_json(&code);
	ASSERT_EQ(code, 65);
	ASSERT_TRUE(cJSON_IsTrue(cJSON_GetObjectItem(st, "listed")));
	ASSERT_TRUE(cJSON_IsFalse(cJSON_GetObjectItem(st, "secretMatches")));
	cJSON_Delete(st);
	code =
	    run(&out, &errout, "webhook", "status", "Hooked", NULL, NULL, NULL);
	ASSERT_EQ(code, 65);
	ASSERT_STR_CONTAINS(out, "STALE");
	list = nmkr_list();
	no_secrets(list, out);
	cJSON_Delete(list);
	free(out);
	free(errout);
	/* Registering again adopts NMKR's secret, sending nothing. */
	ASSERT_EQ(run(&out, &errout, "webhook", "register", "Hooked", OURS,
	              NULL, NULL),
	    0);
	ASSERT_STR_CONTAINS(out, "adopted");
	free(out);
	free(errout);
	ASSERT_EQ(requests("UpdateNotifications"), 0);
	st = status_json(&code);
	ASSERT_EQ(code, 0);
	ASSERT_TRUE(cJSON_IsTrue(cJSON_GetObjectItem(st, "secretMatches")));
	cJSON_Delete(st);
	teardown();
}

CS_TEST(hook__rotate_refuses_while_others_exist)
{
	cJSON *before, *after;
	char *out, *errout;

	setup(NULL);
	ASSERT_EQ(run(&out, &errout, "webhook", "register", "Hooked", OURS,
	              NULL, NULL),
	    0);
	free(out);
	free(errout);
	before = nmkr_list();
	ASSERT_EQ(cJSON_GetArraySize(before), 1);
	ASSERT_EQ(
	    run(&out, &errout, "webhook", "rotate", "Hooked", NULL, NULL, NULL),
	    0);
	free(out);
	free(errout);
	after = nmkr_list();
	ASSERT_STR_EQ(field(entry(after, OURS), "address"), OURS);
	ASSERT_TRUE(strcmp(field(entry(after, OURS), "secret"),
	                field(entry(before, OURS), "secret")) != 0);
	cJSON_Delete(before);
	cJSON_Delete(after);
	/* With an e-mail alert beside it: refused, nothing sent. */
	after = nmkr_list();
	cJSON_AddItemToArray(
	    after, cJSON_Parse("{\"notificationType\":\"email\",\"address\":"
	                       "\"ops@example.com\",\"isActive\":false}"));
	{
		char *body = cJSON_PrintUnformatted(after);

		nmkr_set(body);
		free(body);
	}
	cJSON_Delete(after);
	ASSERT_EQ(run(&out, &errout, "webhook", "register", "Hooked", OURS,
	              NULL, NULL),
	    0); /* adopt the secret NMKR gave ours just now */
	free(out);
	free(errout);
	before = nmkr_list();
	ASSERT_EQ(
	    run(&out, &errout, "webhook", "rotate", "Hooked", NULL, NULL, NULL),
	    65);
	ASSERT_STR_CONTAINS(errout, "email ops@example.com");
	free(out);
	free(errout);
	ASSERT_EQ(requests("UpdateNotifications"), 0);
	after = nmkr_list();
	ASSERT_TRUE(cJSON_Compare(before, after, true));
	cJSON_Delete(before);
	cJSON_Delete(after);
	teardown();
}

/* campaign-sync serve on the test's database, with a grace of grace_s. */
static void
start_serve(struct cs_fakeproc *p, const char *owner, const char *grace_s)
{
	const char *argv[] = {bin, "serve", "--listen", "127.0.0.1:0",
	    "--no-schedule", "--owner", owner, NULL};
	char *grace = cs_xasprintf("CS_WEBHOOK_SECRET_GRACE=%s", grace_s);
	const char *senv[] = {env_db, env_url, "NMKR_API_KEY=" KEY,
	    "CS_ADMIN_TOKEN=" TOKEN, "CS_PUBLIC_RATE=0", grace, NULL};

	cs_fakeproc_start(p, argv, senv);
	free(grace);
}

static cJSON *
api(const struct cs_fakeproc *srv, const char *method, const char *path,
    const char *body, long want)
{
	const char *hdr[] = {"Authorization: Bearer " TOKEN, NULL};
	struct cs_test_resp r;
	char url[256];
	cJSON *j;

	snprintf(url, sizeof(url), "%s%s", srv->base_url, path);
	r = cs_test_http(method, url, body, hdr);
	if (r.status != want)
		cs_test_fail(__FILE__, __LINE__, "%s %s: %ld, want %ld: %s",
		    method, path, r.status, want, r.body);
	j = cJSON_Parse(r.body);
	cs_test_resp_free(&r);
	return j;
}

/* The status serve srv answers a webhook the fake signs with secret. */
static long
webhook_to(const struct cs_fakeproc *srv, const char *secret)
{
	struct cs_test_resp r;
	char url[256], *body;
	cJSON *j;
	long status;

	body = cs_xasprintf("{\"url\":\"%s/webhooks/nmkr\",\"event\":"
	                    "\"transactionconfirmed\",\"project\":\"" PROJECT
	                    "\",\"secret\":\"%s\",\"applyState\":false}",
	    srv->base_url, secret);
	snprintf(url, sizeof(url), "%s/__fake/webhook", fake.base_url);
	r = cs_test_http("POST", url, body, NULL);
	ASSERT_EQ(r.status, 200);
	j = cJSON_Parse(r.body);
	status = (long)cJSON_GetNumberValue(cJSON_GetObjectItem(j, "status"));
	cJSON_Delete(j);
	cs_test_resp_free(&r);
	free(body);
	return status;
}

/*
 * Serve a rotates; serve b, which shares the database and did not rotate,
 * accepts the old secret inside CS_WEBHOOK_SECRET_GRACE (3 s here) and
 * refuses it after, as a does.
 */
CS_TEST(hook__rotation_grace_across_two_serves)
{
	struct cs_fakeproc a, b;
	char *hook, *old, *new_secret, *body;
	cJSON *j, *list;
	int64_t rotated;

	setup(NULL);
	start_serve(&a, "instance-a", "3");
	start_serve(&b, "instance-b", "3");
	j = api(&a, "GET", "/api/campaigns/1", NULL, 200);
	ASSERT_STR_EQ(field(j, "name"), "Hooked");
	cJSON_Delete(j);
	hook = cs_xasprintf("%s/webhooks/nmkr", a.base_url);
	body = cs_xasprintf("{\"url\":\"%s\"}", hook);
	j = api(&a, "POST", "/api/campaigns/1/webhook", body, 200);
	ASSERT_STR_EQ(field(j, "action"), "send");
	cJSON_Delete(j);
	free(body);
	list = nmkr_list();
	old = cs_xstrdup(field(entry(list, hook), "secret"));
	cJSON_Delete(list);
	ASSERT_EQ(webhook_to(&b, old), 200); /* b's cache: old is current */
	cs_sleep_ms(150);

	j = api(&a, "POST", "/api/campaigns/1/webhook/rotate", NULL, 200);
	rotated = cs_now_ms();
	ASSERT_STR_EQ(field(j, "action"), "send");
	ASSERT_TRUE(cJSON_IsTrue(cJSON_GetObjectItem(j, "secretChanged")));
	ASSERT_TRUE(cJSON_IsTrue(cJSON_GetObjectItem(j, "secretMatches")));
	ASSERT_TRUE(cJSON_IsTrue(cJSON_GetObjectItem(j, "previousAccepted")));
	body = cJSON_PrintUnformatted(j);
	ASSERT_STR_NOT_CONTAINS(body, old);
	free(body);
	cJSON_Delete(j);
	list = nmkr_list();
	new_secret = cs_xstrdup(field(entry(list, hook), "secret"));
	cJSON_Delete(list);
	ASSERT_TRUE(strcmp(old, new_secret) != 0);

	/* Inside the grace: both secrets, at both serves. */
	ASSERT_EQ(webhook_to(&b, new_secret), 200);
	ASSERT_EQ(webhook_to(&b, old), 200);
	ASSERT_EQ(webhook_to(&a, old), 200);
	ASSERT_LT(cs_now_ms() - rotated, 3000); /* else the run was too slow */
	/* After it: the old one is refused by both. */
	cs_sleep_ms(rotated + 3300 - cs_now_ms());
	ASSERT_EQ(webhook_to(&b, old), 401);
	ASSERT_EQ(webhook_to(&a, old), 401);
	ASSERT_EQ(webhook_to(&b, new_secret), 200);
	j = api(&b, "GET", "/api/campaigns/1/webhook", NULL, 200);
	ASSERT_TRUE(cJSON_IsFalse(cJSON_GetObjectItem(j, "previousAccepted")));
	ASSERT_TRUE(cJSON_IsTrue(cJSON_GetObjectItem(j, "secretMatches")));
	cJSON_Delete(j);

	ASSERT_EQ(cs_fakeproc_stop(&a), 0);
	ASSERT_EQ(cs_fakeproc_stop(&b), 0);
	free(old);
	free(new_secret);
	free(hook);
	teardown();
}

/*
 * Two campaigns on one NMKR project: registering the second (forced, since
 * the first's webhook is another entry) gives the first's entry a new
 * secret at NMKR; the first adopts it, so its status stays good.
 */
CS_TEST(hook__another_campaign_on_the_project_adopts_its_new_secret)
{
	const char *create[] = {bin, "campaign", "create", "--name", "Second",
	    "--project", PROJECT, "--max", "10", NULL};
	const char *status2[] = {
	    bin, "webhook", "status", "--json", "Second", NULL};
	char *out, *errout;
	cJSON *st, *list;
	int code;

	setup(NULL);
	create[0] = bin;
	status2[0] = bin;
	ASSERT_EQ(cs_test_run(create, env, NULL, &out, &errout), 0);
	free(out);
	free(errout);
	ASSERT_EQ(run(&out, &errout, "webhook", "register", "Hooked", OURS,
	              NULL, NULL),
	    0);
	free(out);
	free(errout);
	ASSERT_EQ(run(&out, &errout, "webhook", "register", "Second",
	              "https://second.example.com/webhooks/nmkr", NULL, NULL),
	    65);
	ASSERT_STR_CONTAINS(errout, "webhook " OURS);
	free(out);
	free(errout);
	ASSERT_EQ(run(&out, &errout, "webhook", "register", "--force", "Second",
	              "https://second.example.com/webhooks/nmkr", NULL),
	    0);
	ASSERT_STR_CONTAINS(out, "1 other campaign on this NMKR project");
	free(out);
	free(errout);
	list = nmkr_list();
	ASSERT_EQ(cJSON_GetArraySize(list), 2);
	cJSON_Delete(list);
	st = status_json(&code);
	ASSERT_EQ(code, 0);
	ASSERT_TRUE(cJSON_IsTrue(cJSON_GetObjectItem(st, "secretMatches")));
	ASSERT_TRUE(cJSON_IsTrue(cJSON_GetObjectItem(st, "previousAccepted")));
	cJSON_Delete(st);
	ASSERT_EQ(cs_test_run(status2, env, NULL, &out, &errout), 0);
	st = cJSON_Parse(out);
	ASSERT_TRUE(cJSON_IsTrue(cJSON_GetObjectItem(st, "secretMatches")));
	cJSON_Delete(st);
	free(out);
	free(errout);
	teardown();
}

/* Ours alone: unregister sends [] (NMKR answers 204) and forgets it. */
CS_TEST(hook__unregister_alone_clears_the_list)
{
	char *out, *errout;
	cJSON *list, *st;
	int code;

	setup(NULL);
	ASSERT_EQ(run(&out, &errout, "webhook", "register", "Hooked", OURS,
	              NULL, NULL),
	    0);
	free(out);
	free(errout);
	ASSERT_EQ(run(&out, &errout, "webhook", "unregister", "Hooked", NULL,
	              NULL, NULL),
	    0);
	ASSERT_STR_CONTAINS(out, "removed our webhook");
	free(out);
	free(errout);
	ASSERT_EQ(requests("UpdateNotifications"), 2);
	list = nmkr_list();
	ASSERT_EQ(cJSON_GetArraySize(list), 0);
	cJSON_Delete(list);
	st = status_json(&code);
	ASSERT_EQ(code, 0);
	ASSERT_TRUE(cJSON_IsFalse(cJSON_GetObjectItem(st, "registered")));
	cJSON_Delete(st);
	/* Nothing registered: rotate and unregister say so (66). */
	ASSERT_EQ(
	    run(&out, &errout, "webhook", "rotate", "Hooked", NULL, NULL, NULL),
	    66);
	ASSERT_STR_CONTAINS(errout, "no webhook registered");
	free(out);
	free(errout);
	teardown();
}
