/* SPDX-License-Identifier: MIT */
/*
 * `campaign-sync demo` (what `make demo` runs) as a user meets it: the
 * whole system up on loopback with its fakes, a seeded campaign verified on
 * chain, the page and the API answering with the token it printed, and
 * everything gone after SIGTERM. And `webhook register` from the command
 * line against fake-nmkr.
 */
#include "test.h"

#include <curl/curl.h>
#include <sys/stat.h>

#include "support/fakeproc.h"
#include "support/testhttp.h"
#include "util/time.h"
#include "util/xalloc.h"

/* The log so far, once it holds needle (10 s at most). */
static char *
wait_log(const struct cs_fakeproc *p, const char *needle)
{
	int64_t until = cs_mono_ms() + 10000;
	char *log;

	for (;;) {
		log = cs_fakeproc_log(p);
		if (strstr(log, needle) != NULL)
			return log;
		if (cs_mono_ms() > until)
			cs_test_fail(
			    __FILE__, __LINE__, "no '%s' in: %s", needle, log);
		free(log);
		cs_sleep_ms(50);
	}
}

/* The value after label on its line of text ("  label   value\n"). */
static char *
value_after(const char *text, const char *label)
{
	const char *p = strstr(text, label);
	size_t n;

	ASSERT_TRUE(p != NULL);
	p += strlen(label);
	p += strspn(p, " ");
	n = strcspn(p, " \n");
	return cs_xstrndup(p, n);
}

static long
status_of(const char *method, const char *url, const char *token)
{
	char auth[160];
	const char *hdr[] = {auth, NULL};
	struct cs_test_resp r;
	long st;

	snprintf(auth, sizeof(auth), "Authorization: Bearer %s",
	    token != NULL ? token : "");
	r = cs_test_http(method, url, NULL, token != NULL ? hdr : NULL);
	st = r.status;
	cs_test_resp_free(&r);
	return st;
}

/* Nothing listens at url any more. */
static bool
is_down(const char *url)
{
	CURL *e = curl_easy_init();
	CURLcode rc;

	curl_easy_setopt(e, CURLOPT_URL, url);
	curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
	curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, 2000L);
	rc = curl_easy_perform(e);
	curl_easy_cleanup(e);
	return rc == CURLE_COULDNT_CONNECT;
}

/* The NAME=value words of the "  export ..." line of text, NULL-ended.
 * Caller frees each and the array. */
static char **
export_env(const char *text)
{
	const char *p = strstr(text, "  export ");
	char **env = cs_xcalloc(16, sizeof(*env));
	size_t n = 0, len;

	ASSERT_TRUE(p != NULL);
	p += strlen("  export ");
	while (*p != '\n' && *p != '\0' && n < 15) {
		len = strcspn(p, " \n");
		env[n++] = cs_xstrndup(p, len);
		p += len;
		p += strspn(p, " ");
	}
	return env;
}

CS_TEST(demo__the_whole_system)
{
	struct cs_fakeproc demo;
	char *bin = cs_build_path("src/cli/campaign-sync");
	char *dir = cs_test_path("demo");
	const char *argv[] = {
	    bin, "demo", "--listen", "127.0.0.1:0", "--dir", dir, NULL};
	const char *env[] = {"CS_LOG_FORMAT=text", NULL};
	char *log, *token, *nmkr, *bf, url[256], auth[160];
	const char *hdr[] = {auth, NULL};
	struct cs_test_resp r;
	struct stat st;
	cJSON *list, *c, *checks;
	char *uid, *nft_uid, **cli_env;
	size_t i;

	cs_fakeproc_start(&demo, argv, env);
	log = wait_log(&demo, "Ctrl-C stops everything");
	ASSERT_STR_CONTAINS(log, "seeded campaign 1 'Lab Rat' with 118 NFTs");
	token = value_after(log, "\n  admin token");
	nmkr = value_after(log, "\n  fake NMKR");
	bf = value_after(log, "\n  fake Blockfrost");
	ASSERT_EQ(strlen(token), 48);
	ASSERT_EQ(stat(dir, &st), 0);

	/* The page, the API with the token printed, and not without. */
	snprintf(url, sizeof(url), "%s/", demo.base_url);
	r = cs_test_http("GET", url, NULL, NULL);
	ASSERT_EQ(r.status, 200);
	ASSERT_STR_CONTAINS(r.body, "Campaign Manager");
	cs_test_resp_free(&r);
	snprintf(url, sizeof(url), "%s/api/campaigns", demo.base_url);
	ASSERT_EQ(status_of("GET", url, NULL), 401);
	snprintf(auth, sizeof(auth), "Authorization: Bearer %s", token);
	r = cs_test_http("GET", url, NULL, hdr);
	ASSERT_EQ(r.status, 200);
	list = cJSON_Parse(r.body);
	cs_test_resp_free(&r);
	ASSERT_EQ(cJSON_GetArraySize(list), 1);
	c = cJSON_GetArrayItem(list, 0);
	ASSERT_STR_EQ(
	    cJSON_GetStringValue(cJSON_GetObjectItem(c, "name")), "Lab Rat");
	ASSERT_EQ(
	    cJSON_GetNumberValue(cJSON_GetObjectItem(c, "totalNFTs")), 118);
	ASSERT_EQ(cJSON_GetNumberValue(cJSON_GetObjectItem(c, "soldNFTs")), 12);
	ASSERT_TRUE(cJSON_IsTrue(cJSON_GetObjectItem(c, "webhookConfigured")));
	cJSON_Delete(list);

	/* The seed's sync checked 10 of the 12 sales on the fake chain; the
	 * two never checked come first, then 3 answered from the cache. */
	snprintf(url, sizeof(url), "%s/api/campaigns/1/verify?limit=5",
	    demo.base_url);
	r = cs_test_http("POST", url, NULL, hdr);
	ASSERT_EQ(r.status, 200);
	checks = cJSON_Parse(r.body);
	cs_test_resp_free(&r);
	ASSERT_EQ(
	    cJSON_GetNumberValue(cJSON_GetObjectItem(checks, "fromCache")), 3);
	ASSERT_EQ(
	    cJSON_GetNumberValue(cJSON_GetObjectItem(checks, "verifiedCount")),
	    5);
	cJSON_Delete(checks);

	/* Its copy-paste commands name a real NFT, and its export line
	 * drives the command line against the demo. */
	uid = value_after(log, "curl -X POST http://127.0.0.1:");
	ASSERT_STR_NOT_CONTAINS(log, "<uid>");
	ASSERT_STR_CONTAINS(log, "  export CS_DATABASE_URL=sqlite:");
	cli_env = export_env(log);
	{
		const char *shown = strstr(log, "  campaign-sync nft show ");
		const char *cli_argv[] = {bin, "nft", "show", NULL, NULL};
		char *out = NULL, *errout = NULL;

		ASSERT_TRUE(shown != NULL);
		cli_argv[3] = nft_uid = value_after(shown, "nft show");
		ASSERT_STR_CONTAINS(uid, nft_uid);
		ASSERT_EQ(cs_test_run(cli_argv, (const char *const *)cli_env,
		              NULL, &out, &errout),
		    0);
		ASSERT_STR_CONTAINS(out, nft_uid);
		ASSERT_STR_CONTAINS(out, "(available)");
		free(out);
		free(errout);
	}
	free(log);

	/* SIGTERM: everything stops, the fakes too, and it says what it
	 * leaves behind. */
	ASSERT_EQ(cs_fakeproc_stop(&demo), 0);
	log = cs_fakeproc_log(&demo);
	ASSERT_STR_CONTAINS(log, "left behind in ");
	ASSERT_STR_CONTAINS(log, "demo.db");
	free(log);
	ASSERT_TRUE(is_down(demo.base_url));
	ASSERT_TRUE(is_down(nmkr));
	ASSERT_TRUE(is_down(bf));
	for (i = 0; cli_env[i] != NULL; i++)
		free(cli_env[i]);
	free(cli_env);
	free(uid);
	free(nft_uid);
	free(token);
	free(nmkr);
	free(bf);
	free(dir);
	free(bin);
}

#define KEY "demo-test-nmkr-key-5"
#define PROJECT "9e2d000a-ed53-4db4-819b-25cdab41fd47"

CS_TEST(demo__webhook_register_from_the_command_line)
{
	struct cs_fakeproc fake;
	char *fk = cs_build_path("tools/fake-nmkr/fake-nmkr");
	char *bin = cs_build_path("src/cli/campaign-sync");
	const char *fargv[] = {fk, "--listen", "127.0.0.1:0", "--api-key", KEY,
	    "--project", PROJECT, "--nfts", "3", NULL};
	char *db = cs_test_path("hook.db"), *env_db, *env_url, *out, *errout;
	const char *env[4];
	const char *create[] = {bin, "campaign", "create", "--name", "Hooked",
	    "--project", PROJECT, "--max", "10", NULL};
	const char *reg[] = {bin, "webhook", "register", "Hooked",
	    "https://sync.example.com/webhooks/nmkr", NULL};
	const char *show[] = {
	    bin, "campaign", "show", "Hooked", "--json", NULL};
	const char *hdr[] = {"Authorization: Bearer " KEY, NULL};
	struct cs_test_resp r;
	cJSON *j, *it;
	char url[256];
	int found = 0;

	cs_fakeproc_start(&fake, fargv, NULL);
	env_db = cs_xasprintf("CS_DATABASE_URL=sqlite:%s", db);
	env_url = cs_xasprintf("NMKR_API_URL=%s", fake.base_url);
	env[0] = env_db;
	env[1] = env_url;
	env[2] = NULL;
	ASSERT_EQ(cs_test_run(create, env, NULL, &out, &errout), 0);
	free(out);
	free(errout);
	/* Without a key: a configuration error, nothing registered. */
	ASSERT_EQ(cs_test_run(reg, env, NULL, &out, &errout), 78);
	ASSERT_STR_CONTAINS(errout, "NMKR_API_KEY");
	free(out);
	free(errout);
	env[2] = "NMKR_API_KEY=" KEY;
	env[3] = NULL;
	ASSERT_EQ(cs_test_run(reg, env, NULL, &out, &errout), 0);
	ASSERT_STR_CONTAINS(out, "registered https://sync.example.com/");
	ASSERT_STR_NOT_CONTAINS(out, KEY);
	ASSERT_STR_NOT_CONTAINS(errout, KEY);
	free(out);
	free(errout);
	ASSERT_EQ(cs_test_run(show, env, NULL, &out, &errout), 0);
	j = cJSON_Parse(out);
	ASSERT_TRUE(cJSON_IsTrue(cJSON_GetObjectItem(j, "webhookConfigured")));
	ASSERT_STR_NOT_CONTAINS(out, "secret");
	cJSON_Delete(j);
	free(out);
	free(errout);

	/* NMKR has the URL, and its secret is the one we keep (not shown). */
	snprintf(url, sizeof(url), "%s/v2/GetNotifications/%s", fake.base_url,
	    PROJECT);
	r = cs_test_http("GET", url, NULL, hdr);
	ASSERT_EQ(r.status, 200);
	j = cJSON_Parse(r.body);
	cJSON_ArrayForEach(it, j) {
		if (strcmp(cJSON_GetStringValue(
		               cJSON_GetObjectItem(it, "address")),
		        "https://sync.example.com/webhooks/nmkr") == 0)
			found++;
	}
	ASSERT_EQ(found, 1);
	cJSON_Delete(j);
	cs_test_resp_free(&r);
	ASSERT_EQ(cs_fakeproc_stop(&fake), 0);
	free(env_db);
	free(env_url);
	free(db);
	free(bin);
	free(fk);
}
