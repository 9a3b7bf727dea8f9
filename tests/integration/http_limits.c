/* SPDX-License-Identifier: MIT */
/*
 * serve under abuse of its connections and its pool (issue 13, findings 2
 * and 6): thousands of idle connections from one address, half-sent
 * requests, background syncs enough to take every database connection.
 * /healthz and NMKR's webhooks from another address must still answer at
 * once. Clients of the flood bind 127.0.0.2 (all of 127/8 is loopback).
 */
#include "test.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "service/webhook.h"
#include "store/store.h"
#include "support/fakeproc.h"
#include "support/fixture.h"
#include "support/testhttp.h"
#include "util/str.h"
#include "util/time.h"
#include "util/xalloc.h"

#define KEY "limits-test-key-99"
#define TOKEN "limits-test-admin-token-4242"
#define PROJECT "4b1f0c2e-7d3a-4e5b-9c6d-0a1b2c3d4e5f"

static struct cs_fakeproc fake, server;
static char *db_url;

/* fake-nmkr with nfts NFTs, then serve with extra environment. */
static void
start(const char *nfts, const char *const *extra)
{
	char *fk = cs_build_path("tools/fake-nmkr/fake-nmkr");
	char *cs = cs_build_path("src/cli/campaign-sync");
	const char *fargv[] = {fk, "--listen", "127.0.0.1:0", "--api-key", KEY,
	    "--project", PROJECT, "--nfts", nfts, "--sold", "0", "--reserved",
	    "0", "--blocked", "0", "--rate-limit", "0", NULL};
	const char *argv[] = {
	    cs, "serve", "--listen", "127.0.0.1:0", "--no-schedule", NULL};
	const char *env[16];
	char *env_db, *env_url;
	size_t n = 0;

	cs_fakeproc_start(&fake, fargv, NULL);
	db_url = cs_fixture_db_url("limits.db");
	env_db = cs_xasprintf("CS_DATABASE_URL=%s", db_url);
	env_url = cs_xasprintf("NMKR_API_URL=%s", fake.base_url);
	env[n++] = env_db;
	env[n++] = env_url;
	env[n++] = "NMKR_API_KEY=" KEY;
	env[n++] = "CS_ADMIN_TOKEN=" TOKEN;
	env[n++] = "CS_LOG_FORMAT=text";
	while (extra != NULL && *extra != NULL && n < 15)
		env[n++] = *extra++;
	env[n] = NULL;
	cs_fakeproc_start(&server, argv, env);
	free(env_db);
	free(env_url);
	free(fk);
	free(cs);
}

static struct cs_test_resp
call(const char *method, const char *path, const char *body, const char *xff,
    long timeout_s)
{
	char url[512], xh[128];
	const char *headers[4] = {"Authorization: Bearer " TOKEN,
	    "Content-Type: application/json", NULL, NULL};

	if (xff != NULL) {
		snprintf(xh, sizeof(xh), "X-Forwarded-For: %s", xff);
		headers[2] = xh;
	}
	snprintf(url, sizeof(url), "%s%s", server.base_url, path);
	return cs_test_http_raw(method, url, body,
	    body != NULL ? strlen(body) : 0, headers, timeout_s);
}

static cJSON *
api(const char *method, const char *path, const char *body, long want)
{
	struct cs_test_resp r = call(method, path, body, NULL, 30);
	cJSON *j;

	if (r.status != want)
		cs_test_fail(__FILE__, __LINE__, "%s %s: %ld, want %ld: %s",
		    method, path, r.status, want, r.body);
	j = cJSON_Parse(r.body);
	cs_test_resp_free(&r);
	return j;
}

/* A campaign named name on the fake's project; its id. With import, its
 * NFTs are imported and it is activated. */
static int64_t
campaign(const char *name, bool import)
{
	char body[256], path[128];
	cJSON *j;
	int64_t id;

	snprintf(body, sizeof(body),
	    "{\"name\":\"%s\",\"nmkrProjectId\":\"%s\",\"maxNFTs\":100}", name,
	    PROJECT);
	j = api("POST", "/api/campaigns", body, 201);
	id = (int64_t)cJSON_GetNumberValue(cJSON_GetObjectItem(j, "id"));
	cJSON_Delete(j);
	if (import) {
		snprintf(path, sizeof(path), "/api/campaigns/%lld/import",
		    (long long)id);
		cJSON_Delete(api("POST", path, "{\"source\":\"nmkr\"}", 200));
		snprintf(path, sizeof(path), "/api/campaigns/%lld/activate",
		    (long long)id);
		cJSON_Delete(api("POST", path, NULL, 200));
	}
	return id;
}

/* Enough descriptors for n more sockets. */
static void
raise_nofile(rlim_t n)
{
	struct rlimit rl;

	ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &rl), 0);
	if (rl.rlim_cur >= n + 64)
		return;
	ASSERT_TRUE(rl.rlim_max == RLIM_INFINITY || rl.rlim_max >= n + 64);
	rl.rlim_cur = n + 64;
	ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &rl), 0);
}

/* A connection from address `from` to the server, with `sent` written
 * (a request cut short). Non-blocking; -1 if the connect failed. */
static int
half_open(const char *from, const char *sent)
{
	struct sockaddr_in src, dst;
	int fd, flags;

	fd = socket(AF_INET, SOCK_STREAM, 0);
	ASSERT_TRUE(fd >= 0);
	memset(&src, 0, sizeof(src));
	src.sin_family = AF_INET;
	ASSERT_EQ(inet_pton(AF_INET, from, &src.sin_addr), 1);
	ASSERT_EQ(bind(fd, (struct sockaddr *)&src, sizeof(src)), 0);
	memset(&dst, 0, sizeof(dst));
	dst.sin_family = AF_INET;
	dst.sin_port = htons((uint16_t)server.port);
	dst.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(fd, (struct sockaddr *)&dst, sizeof(dst)) != 0) {
		close(fd);
		return -1;
	}
	flags = fcntl(fd, F_GETFL);
	ASSERT_EQ(fcntl(fd, F_SETFL, flags | O_NONBLOCK), 0);
	if (sent != NULL && send(fd, sent, strlen(sent), MSG_NOSIGNAL) !=
	                        (ssize_t)strlen(sent)) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Whether the server closed fd: end of stream or a reset. */
static bool
closed_by_server(int fd)
{
	char buf[512];
	ssize_t n;

	for (;;) {
		n = recv(fd, buf, sizeof(buf), 0);
		if (n == 0)
			return true;
		if (n < 0)
			return errno != EAGAIN && errno != EWOULDBLOCK;
		/* an answer (408, 503): read on to its end */
	}
}

static int
cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

/* The median of n /healthz from 127.0.0.1, in microseconds; each must
 * answer 200 within 5 s. */
static int64_t
healthz_median_us(size_t n)
{
	int64_t lat[16];
	size_t i;

	ASSERT_LE(n, 16);
	for (i = 0; i < n; i++) {
		int64_t t0 = cs_mono_us();
		struct cs_test_resp r = call("GET", "/healthz", NULL, NULL, 5);

		lat[i] = cs_mono_us() - t0;
		ASSERT_EQ(r.status, 200);
		ASSERT_STR_CONTAINS(r.body, "\"status\":\"ok\"");
		cs_test_resp_free(&r);
	}
	qsort(lat, n, sizeof(*lat), cmp_i64);
	return lat[n / 2];
}

static int
first_uid(const struct cs_nft *n, void *payload)
{
	char *out = payload;

	if (out[0] == '\0')
		cs_str_copy(out, n->nft_uid, 64);
	return 0;
}

/* A signed sale of one of the campaign's NFTs, as NMKR sends it: 200. */
static void
webhook_goes_through(int64_t id)
{
	struct cs_nft_query q = CS_NFT_QUERY_INIT;
	struct cs_store *s = NULL;
	struct cs_campaign c;
	char path[256], body[1024], sig[45], *enc, *url, uid[64] = "";
	const char *headers[] = {"Content-Type: application/json", NULL};
	struct cs_test_resp r;
	CURL *e;

	snprintf(
	    path, sizeof(path), "/api/campaigns/%lld/webhook", (long long)id);
	snprintf(body, sizeof(body), "{\"url\":\"%s/webhooks/nmkr\"}",
	    server.base_url);
	cJSON_Delete(api("POST", path, body, 200));
	ASSERT_OK(cs_store_open(&s, db_url, TERR));
	ASSERT_OK(cs_store_campaign_get(s, id, &c, TERR));
	ASSERT_TRUE(c.webhook_secret != NULL);
	q.campaign_id = id;
	ASSERT_OK(cs_store_nft_list(s, &q, first_uid, uid, TERR));
	ASSERT_TRUE(uid[0] != '\0');
	snprintf(body, sizeof(body),
	    "{\"EventType\":\"transactionconfirmed\",\"SaleType\":"
	    "\"paidonftaddress\",\"ProjectUid\":\"%s\","
	    "\"SaleDate\":\"2026-11-25T12:00:00+00:00\","
	    "\"NotificationSaleNfts\":[{\"NftUid\":\"%s\",\"Count\":1}],"
	    "\"TxHash\":\"%064d\",\"ReceiverAddress\":\"addr_test1limits\"}",
	    PROJECT, uid, 7);
	cs_webhook_sign(c.webhook_secret, body, strlen(body), sig);
	e = curl_easy_init();
	enc = curl_easy_escape(e, sig, 0);
	url = cs_xasprintf(
	    "%s/webhooks/nmkr?payloadHash=%s", server.base_url, enc);
	r = cs_test_http_raw("POST", url, body, strlen(body), headers, 5);
	ASSERT_EQ(r.status, 200);
	ASSERT_STR_CONTAINS(r.body, "\"changed\":1");
	cs_test_resp_free(&r);
	free(url);
	curl_free(enc);
	curl_easy_cleanup(e);
	cs_campaign_dispose(&c);
	cs_store_free(s);
}

#define FLOOD 2000

CS_TEST(limits__2000_idle_connections_from_one_address)
{
	const char *extra[] = {"CS_HEADER_TIMEOUT=60", NULL};
	static int fds[FLOOD];
	size_t i, opened = 0, open_after = 0;
	int64_t id, median, t0;

	raise_nofile(FLOOD + 64);
	start("10", extra);
	id = campaign("Flood", true);
	/* 2,000 requests cut short after their first header line, all from
	 * 127.0.0.2. */
	for (i = 0; i < FLOOD; i++) {
		fds[i] = half_open(
		    "127.0.0.2", "POST /webhooks/nmkr HTTP/1.1\r\nHost: x\r\n");
		opened += fds[i] >= 0;
	}
	fprintf(stderr, "%zu of %d idle connections made\n", opened, FLOOD);
	/* From 127.0.0.1 the server answers at once. */
	median = healthz_median_us(9);
	fprintf(stderr,
	    "/healthz with %d idle connections from 127.0.0.2: "
	    "median %.2f ms\n",
	    FLOOD, (double)median / 1000.0);
	ASSERT_LT(median, 100000);
	webhook_goes_through(id);
	/* The flood's address holds its share (64) and no more: the others
	 * were closed. Polled for a few seconds while the server works
	 * through them. */
	t0 = cs_mono_ms();
	do {
		open_after = 0;
		for (i = 0; i < FLOOD; i++) {
			if (fds[i] >= 0 && closed_by_server(fds[i])) {
				close(fds[i]);
				fds[i] = -1;
			}
			open_after += fds[i] >= 0;
		}
		if (open_after <= 70)
			break;
		cs_sleep_ms(100);
	} while (cs_mono_ms() - t0 < 5000);
	fprintf(stderr, "%zu stay open\n", open_after);
	ASSERT_LE(open_after, 70);
	for (i = 0; i < FLOOD; i++) {
		if (fds[i] >= 0)
			close(fds[i]);
	}
}

/* Closed after the header timeout (1 s here), whether the client stopped
 * or trickles a byte now and then; a request sent whole is answered. */
CS_TEST(limits__a_half_sent_request_is_closed_after_the_header_timeout)
{
	const char *extra[] = {"CS_HEADER_TIMEOUT=1", NULL};
	int64_t t0, stopped_at = 0, trickle_at = 0;
	int stopped, trickle;
	struct cs_test_resp r;

	start("1", extra);
	t0 = cs_mono_ms();
	stopped =
	    half_open("127.0.0.1", "GET /healthz HTTP/1.1\r\nHost: x\r\n");
	trickle = half_open("127.0.0.1", "GET /healthz HTTP/1.1\r\n");
	ASSERT_TRUE(stopped >= 0 && trickle >= 0);
	while (
	    cs_mono_ms() - t0 < 4000 && (stopped_at == 0 || trickle_at == 0)) {
		if (stopped_at == 0 && closed_by_server(stopped))
			stopped_at = cs_mono_ms() - t0;
		if (trickle_at == 0) {
			if (closed_by_server(trickle))
				trickle_at = cs_mono_ms() - t0;
			else
				(void)send(trickle, "X", 1, MSG_NOSIGNAL);
		}
		cs_sleep_ms(100);
	}
	fprintf(stderr, "closed after %lld ms (silent), %lld ms (trickle)\n",
	    (long long)stopped_at, (long long)trickle_at);
	ASSERT_GT(stopped_at, 0);
	ASSERT_GT(trickle_at, 0);
	ASSERT_GE(stopped_at, 800);
	ASSERT_LT(stopped_at, 2500);
	ASSERT_LT(trickle_at, 2500);
	close(stopped);
	close(trickle);
	/* A whole request still goes through. */
	r = call("GET", "/healthz", NULL, NULL, 5);
	ASSERT_EQ(r.status, 200);
	cs_test_resp_free(&r);
}

/* 20 background syncs against NMKR answering slowly: more than the pool's
 * 16 connections. A few run (CS_MAX_SYNCS), the others hear 503 with
 * Retry-After; /healthz and the rest of the API answer meanwhile. */
CS_TEST(limits__background_syncs_cannot_take_the_pool)
{
	const char *extra[] = {"CS_MAX_SYNCS=3", NULL};
	struct cs_test_resp r;
	char url[256], path[128], name[32];
	int64_t ids[20], t0;
	size_t i, started = 0, refused = 0;

	start("5", extra);
	for (i = 0; i < 20; i++) {
		snprintf(name, sizeof(name), "Slow %zu", i);
		ids[i] = campaign(name, false);
	}
	/* Every NMKR call of the syncs takes 3 s. */
	snprintf(url, sizeof(url), "%s/__fake/faults", fake.base_url);
	cJSON_Delete(cs_test_http_json("POST", url,
	    "{\"endpoint\":\"GetNfts\",\"delayMs\":3000,\"times\":-1}"));
	cJSON_Delete(cs_test_http_json("POST", url,
	    "{\"endpoint\":\"GetCounts\",\"delayMs\":3000,\"times\":-1}"));
	for (i = 0; i < 20; i++) {
		snprintf(path, sizeof(path),
		    "/api/campaigns/%lld/sync?async=1&force=1",
		    (long long)ids[i]);
		r = call("POST", path, NULL, NULL, 5);
		if (r.status == 202) {
			started++;
		} else {
			ASSERT_EQ(r.status, 503);
			ASSERT_STR_CONTAINS(r.body, "too_many_syncs");
			ASSERT_TRUE(r.headers != NULL &&
			            strstr(r.headers, "Retry-After:") != NULL);
			refused++;
		}
		cs_test_resp_free(&r);
	}
	fprintf(stderr, "%zu syncs started, %zu refused\n", started, refused);
	ASSERT_EQ(started, 3);
	ASSERT_EQ(refused, 17);
	/* Meanwhile the server answers. */
	t0 = cs_mono_ms();
	ASSERT_LT(healthz_median_us(3), 100000);
	r = call("GET", "/api/campaigns", NULL, NULL, 5);
	ASSERT_EQ(r.status, 200);
	cs_test_resp_free(&r);
	ASSERT_LT(cs_mono_ms() - t0, 2000);
}

/* Behind a trusted proxy the client is the last untrusted hop of
 * X-Forwarded-For: the public rate limit counts each client apart, and a
 * client cannot pick its own key by writing the header itself. */
CS_TEST(limits__trusted_proxies_name_the_client)
{
	const char *extra[] = {"CS_TRUSTED_PROXIES=127.0.0.1/32, 10.0.0.0/8",
	    "CS_PUBLIC_RATE=2", NULL};
	struct cs_test_resp r;
	char path[128];
	int64_t id;
	long st[4];
	size_t i;

	start("1", extra);
	id = campaign("Proxied", true);
	snprintf(
	    path, sizeof(path), "/api/public/campaigns/%lld", (long long)id);
	/* Client 198.51.100.7 through two proxies: its third is refused. */
	for (i = 0; i < 3; i++) {
		r = call("GET", path, NULL, "198.51.100.7, 10.1.2.3", 5);
		st[i] = r.status;
		cs_test_resp_free(&r);
	}
	ASSERT_EQ(st[0], 200);
	ASSERT_EQ(st[1], 200);
	ASSERT_EQ(st[2], 429);
	/* The same client making up hops to its left is still itself. */
	r = call("GET", path, NULL, "1.1.1.1, 198.51.100.7, 10.1.2.3", 5);
	ASSERT_EQ(r.status, 429);
	cs_test_resp_free(&r);
	/* Another client through the same proxy is not held back. */
	r = call("GET", path, NULL, "203.0.113.9", 5);
	ASSERT_EQ(r.status, 200);
	cs_test_resp_free(&r);
}
