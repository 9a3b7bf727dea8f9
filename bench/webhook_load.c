/* SPDX-License-Identifier: MIT */
/*
 * cs-webhook-load: NMKR's sale webhooks, signed as NMKR signs them, sent to
 * a campaign-sync server over loopback; prints what came back and how fast.
 *
 *   cs-webhook-load --url URL --secret S --project UID --uids FILE
 *                   [--count N] [--connections C] [--rate R]
 *
 * Request i is a transactionconfirmed for the i-th uid of FILE (one per
 * line; each request sells a different NFT, so every one is a change the
 * server must make durable) with its own TxHash.
 *
 * Closed loop (no --rate): C requests in flight at all times, each sent as
 * soon as one returns: the most the server does. Open loop (--rate R): the
 * i-th request is due at i/R s whatever the server does, and its latency is
 * counted from then, so a slow answer that delays the ones behind it shows
 * in their latency too (no coordinated omission). C bounds the connections.
 *
 * Written here rather than using wrk because every request needs its own
 * HMAC signature over its own body, and wrk (4.1 in Debian) has no fixed
 * rate mode.
 */
#include <curl/curl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "service/webhook.h"
#include "util/buf.h"
#include "util/xalloc.h"

#include "sale.h"

struct slot {
	CURL *easy;
	struct curl_slist *headers;
	struct cs_buf body;  /* the request */
	struct cs_buf reply; /* the answer */
	char *url;
	int64_t due_us; /* latency counts from here */
};

struct opts {
	const char *url, *secret, *project, *uids_path;
	size_t count;
	size_t connections;
	double rate;
};

static int64_t
mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static size_t
collect(char *data, size_t size, size_t n, void *payload)
{
	return cs_buf_put(payload, data, size * n) < 0 ? 0 : size * n;
}

/* Request i into slot: body, signature, URL. */
static void
prepare(struct slot *s, const struct opts *o, const char *uid, size_t i)
{
	char tx[65];

	cs_buf_reset(&s->reply);
	snprintf(tx, sizeof(tx), "%016zx%016zx%016zx%016zx", i, i, i, i);
	if (cs_bench_sale_body(&s->body, o->project, "Bench", uid, i, tx) < 0) {
		fprintf(stderr, "cs-webhook-load: out of memory\n");
		exit(1);
	}
	free(s->url);
	s->url = cs_bench_signed_url(s->easy, o->url, o->secret, &s->body);
	curl_easy_setopt(s->easy, CURLOPT_URL, s->url);
	curl_easy_setopt(s->easy, CURLOPT_POSTFIELDS, cs_buf_cstr(&s->body));
	curl_easy_setopt(
	    s->easy, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)s->body.len);
}

static int
cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

static double
pct(const int64_t *sorted, size_t n, double p)
{
	size_t k;

	if (n == 0)
		return 0;
	k = (size_t)(p * (double)(n - 1) + 0.5);
	return (double)sorted[k] / 1000.0;
}

static void
usage(void)
{
	fprintf(stderr,
	    "usage: cs-webhook-load --url URL --secret S --project UID "
	    "--uids FILE [--count N] [--connections C] [--rate R]\n");
	exit(64);
}

static void
parse(int argc, char **argv, struct opts *o)
{
	static const struct option lo[] = {
	    {"url", required_argument, NULL, 'u'},
	    {"secret", required_argument, NULL, 's'},
	    {"project", required_argument, NULL, 'p'},
	    {"uids", required_argument, NULL, 'f'},
	    {"count", required_argument, NULL, 'n'},
	    {"connections", required_argument, NULL, 'c'},
	    {"rate", required_argument, NULL, 'r'},
	    {NULL, 0, NULL, 0},
	};
	int c;

	memset(o, 0, sizeof(*o));
	o->connections = 32;
	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (c) {
		case 'u':
			o->url = optarg;
			break;
		case 's':
			o->secret = optarg;
			break;
		case 'p':
			o->project = optarg;
			break;
		case 'f':
			o->uids_path = optarg;
			break;
		case 'n':
			o->count = strtoul(optarg, NULL, 10);
			break;
		case 'c':
			o->connections = strtoul(optarg, NULL, 10);
			break;
		case 'r':
			o->rate = strtod(optarg, NULL);
			break;
		default:
			usage();
		}
	}
	if (o->url == NULL || o->secret == NULL || o->project == NULL ||
	    o->uids_path == NULL || o->connections == 0)
		usage();
}

int
main(int argc, char **argv)
{
	struct opts o;
	struct slot *slots, **idle;
	size_t nuids, nidle, next = 0, done = 0, ok = 0, i;
	size_t by_status[6] = {0}; /* 1xx..5xx, and transport errors */
	int64_t *lat, t0, t1;
	char **uids, first_error[512] = "";
	CURLM *multi;
	int running;

	parse(argc, argv, &o);
	uids = cs_bench_read_uids(o.uids_path, &nuids);
	if (uids == NULL)
		exit(1);
	if (o.count == 0 || o.count > nuids)
		o.count = nuids;
	if (o.count == 0) {
		fprintf(
		    stderr, "cs-webhook-load: no uids in %s\n", o.uids_path);
		return 1;
	}
	curl_global_init(CURL_GLOBAL_DEFAULT);
	multi = curl_multi_init();
	slots = cs_xcalloc(o.connections, sizeof(*slots));
	idle = cs_xcalloc(o.connections, sizeof(*idle));
	lat = cs_xcalloc(o.count, sizeof(*lat));
	for (i = 0; i < o.connections; i++) {
		struct slot *s = &slots[i];

		s->easy = curl_easy_init();
		cs_buf_init(&s->body, 1 << 16);
		cs_buf_init(&s->reply, 1 << 16);
		s->headers =
		    curl_slist_append(NULL, "Content-Type: application/json");
		/* No "Expect: 100-continue" round trip. */
		s->headers = curl_slist_append(s->headers, "Expect:");
		curl_easy_setopt(s->easy, CURLOPT_HTTPHEADER, s->headers);
		curl_easy_setopt(s->easy, CURLOPT_WRITEFUNCTION, collect);
		curl_easy_setopt(s->easy, CURLOPT_WRITEDATA, &s->reply);
		curl_easy_setopt(s->easy, CURLOPT_PRIVATE, s);
		curl_easy_setopt(s->easy, CURLOPT_TIMEOUT_MS, 30000L);
		curl_easy_setopt(s->easy, CURLOPT_TCP_NODELAY, 1L);
		idle[i] = s;
	}
	nidle = o.connections;

	t0 = mono_us();
	while (done < o.count) {
		int64_t now = mono_us(), wait_ms = 100;
		CURLMsg *m;
		int left;

		while (next < o.count && nidle > 0) {
			int64_t due =
			    o.rate > 0
			        ? t0 + (int64_t)((double)next * 1e6 / o.rate)
			        : now;
			struct slot *s;

			if (due > now) {
				wait_ms = (due - now + 999) / 1000;
				break;
			}
			s = idle[--nidle];
			prepare(s, &o, uids[next], next);
			s->due_us = due;
			curl_multi_add_handle(multi, s->easy);
			next++;
		}
		curl_multi_perform(multi, &running);
		while ((m = curl_multi_info_read(multi, &left)) != NULL) {
			struct slot *s;
			long status = 0;

			if (m->msg != CURLMSG_DONE)
				continue;
			curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, &s);
			curl_easy_getinfo(
			    m->easy_handle, CURLINFO_RESPONSE_CODE, &status);
			lat[done++] = mono_us() - s->due_us;
			if (m->data.result != CURLE_OK) {
				by_status[5]++;
				if (first_error[0] == '\0')
					snprintf(first_error,
					    sizeof(first_error), "%s",
					    curl_easy_strerror(m->data.result));
			} else {
				if (status >= 100 && status < 600)
					by_status[status / 100 - 1]++;
				if (status == 200)
					ok++;
				else if (first_error[0] == '\0')
					snprintf(first_error,
					    sizeof(first_error), "HTTP %ld: %s",
					    status, cs_buf_cstr(&s->reply));
			}
			curl_multi_remove_handle(multi, m->easy_handle);
			idle[nidle++] = s;
		}
		if (done < o.count)
			curl_multi_poll(multi, NULL, 0,
			    (int)(wait_ms < 1 ? 1 : wait_ms), NULL);
	}
	t1 = mono_us();

	qsort(lat, o.count, sizeof(*lat), cmp_i64);
	printf("sent %zu ok %zu errors %zu seconds %.3f rate %.0f "
	       "p50_ms %.2f p99_ms %.2f max_ms %.2f\n",
	    o.count, ok, o.count - ok, (double)(t1 - t0) / 1e6,
	    (double)o.count * 1e6 / (double)(t1 - t0), pct(lat, o.count, 0.50),
	    pct(lat, o.count, 0.99), (double)lat[o.count - 1] / 1000.0);
	if (ok != o.count)
		fprintf(stderr,
		    "cs-webhook-load: %zu not 200 (4xx %zu, 5xx %zu, "
		    "transport %zu); first: %s\n",
		    o.count - ok, by_status[3], by_status[4], by_status[5],
		    first_error);

	for (i = 0; i < o.connections; i++) {
		curl_easy_cleanup(slots[i].easy);
		curl_slist_free_all(slots[i].headers);
		cs_buf_dispose(&slots[i].body);
		cs_buf_dispose(&slots[i].reply);
		free(slots[i].url);
	}
	for (i = 0; i < nuids; i++)
		free(uids[i]);
	free(uids);
	free(slots);
	free(idle);
	free(lat);
	curl_multi_cleanup(multi);
	curl_global_cleanup();
	return ok == o.count ? 0 : 1;
}
