/* SPDX-License-Identifier: MIT */
/*
 * cs-soak: the load of a long-running serve, at once and for a bounded
 * time, and what the server holds meanwhile (bench/soak starts the servers
 * and calls it; make soak).
 *
 *   cs-soak --url BASE --token T --campaign ID --secret S --project UID
 *           --uids FILE --pid PID --db PATH [--duration S] [--warmup S]
 *           [--cool S] [--sample S] [--webhook-rate R] [--sync-period S]
 *           [--reserve-rate R] [--connections C]
 *
 * Three loads share one curl multi handle: NMKR's signed sale webhooks at
 * R/s (open loop; the i-th sells the i-th uid of FILE, until FILE or the
 * duration ends), a forced API sync every sync period (POST
 * /api/campaigns/ID/sync?async=1&force=1, as the page does), and buyers'
 * reservations at their rate, each from another wallet. Every sample
 * period, from the start to the end of the cool-down that follows the
 * load, it prints serve's resident memory, threads and open descriptors
 * (/proc/PID) and the database's size (PATH and its -wal); the memory is
 * also read every POLL_S seconds, and each row gives the most it saw
 * since the one before, so that a sync's peak between samples shows.
 *
 * The exit status judges growth only, never a timing: 1 when the resident
 * memory at the end of the load is more than twice that after the
 * warm-up; 2 when the soak could not run. Each of the two is the most read
 * over a window of two sync periods (at least one sample period), the one
 * ending with the warm-up and the one ending with the load, so that both
 * see a sync's peak wherever the samples fall.
 */
#include <curl/curl.h>
#include <dirent.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "core/wallet.h"
#include "service/webhook.h"
#include "util/buf.h"
#include "util/xalloc.h"

#include "sale.h"

#define POLL_S 0.5

enum kind { HOOK, SYNC, RESERVE, NKINDS };

static const char *const kind_names[NKINDS] = {
    "webhooks", "syncs", "reservations"};

struct slot {
	CURL *easy;
	struct curl_slist *headers;
	struct cs_buf body;
	struct cs_buf reply;
	char *url;
	enum kind kind;
};

struct opts {
	const char *url, *token, *secret, *project, *uids_path, *db;
	long long campaign;
	long pid;
	double duration, warmup, cool, sample;
	double hook_rate, sync_period, reserve_rate;
	size_t connections;
};

/* Answers by kind: 2xx, 409, other HTTP, transport errors. */
struct tally {
	size_t sent, ok, conflict, other, failed;
};

struct sample {
	double t;
	long rss_kib, threads, fds;
	long max_kib; /* the most seen since the previous sample */
	long long db_bytes;
};

static double
mono_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static size_t
collect(char *data, size_t size, size_t n, void *payload)
{
	/* Past the cap the rest is dropped: only the status matters. */
	if (cs_buf_put(payload, data, size * n) < 0)
		cs_buf_reset(payload);
	return size * n;
}

/* A preprod base address of its own for each n (bech32, CIP-19). */
static void
wallet(char *out, size_t size, size_t n)
{
	uint8_t b[57];
	uint64_t st = n * 0x9e3779b97f4a7c15ull + 1;
	size_t i;

	b[0] = 0x00;
	for (i = 1; i < sizeof(b); i++) {
		st ^= st << 13;
		st ^= st >> 7;
		st ^= st << 17;
		b[i] = (uint8_t)st;
	}
	if (cs_bech32_encode(out, size, "addr_test", b, sizeof(b)) < 0) {
		fprintf(stderr, "cs-soak: bech32 encoding failed\n");
		exit(2);
	}
}

static void
start(CURLM *multi, struct slot *s, enum kind k, const char *url)
{
	struct curl_slist *h = NULL;

	s->kind = k;
	cs_buf_reset(&s->reply);
	free(s->url);
	s->url = cs_xstrdup(url);
	curl_slist_free_all(s->headers);
	h = curl_slist_append(h, "Content-Type: application/json");
	h = curl_slist_append(h, "Expect:");
	s->headers = h;
	curl_easy_setopt(s->easy, CURLOPT_URL, s->url);
	curl_easy_setopt(s->easy, CURLOPT_POSTFIELDS, cs_buf_cstr(&s->body));
	curl_easy_setopt(
	    s->easy, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)s->body.len);
	curl_easy_setopt(s->easy, CURLOPT_HTTPHEADER, s->headers);
	curl_multi_add_handle(multi, s->easy);
}

static void
add_auth(struct slot *s, const char *token)
{
	char *h = cs_xasprintf("Authorization: Bearer %s", token);

	s->headers = curl_slist_append(s->headers, h);
	curl_easy_setopt(s->easy, CURLOPT_HTTPHEADER, s->headers);
	free(h);
}

static void
put_or_die(int error)
{
	if (error < 0) {
		fprintf(stderr, "cs-soak: a request body is over its cap\n");
		exit(2);
	}
}

static void
start_hook(CURLM *multi, struct slot *s, const struct opts *o, const char *uid,
    size_t i)
{
	char tx[65], *url, *base;

	/* 3 + 13 + 3 x 16 = 64 hex digits: i is below 2^52 (13 digits). */
	snprintf(tx, sizeof(tx), "50a%013zx%016zx%016zx%016zx",
	    i & 0xfffffffffffffu, i, i, i);
	put_or_die(
	    cs_bench_sale_body(&s->body, o->project, "Soak", uid, i, tx));
	base = cs_xasprintf("%s/webhooks/nmkr", o->url);
	url = cs_bench_signed_url(s->easy, base, o->secret, &s->body);
	start(multi, s, HOOK, url);
	free(url);
	free(base);
}

static void
start_sync(CURLM *multi, struct slot *s, const struct opts *o)
{
	char *url = cs_xasprintf(
	    "%s/api/campaigns/%lld/sync?async=1&force=1", o->url, o->campaign);

	cs_buf_reset(&s->body);
	start(multi, s, SYNC, url);
	add_auth(s, o->token);
	free(url);
}

static void
start_reserve(CURLM *multi, struct slot *s, const struct opts *o, size_t n)
{
	char addr[CS_WALLET_MAX_CHARS + 1], *url;

	wallet(addr, sizeof(addr), n);
	cs_buf_reset(&s->body);
	put_or_die(cs_buf_printf(&s->body, "{\"wallet\":\"%s\"}", addr));
	url = cs_xasprintf(
	    "%s/api/campaigns/%lld/reservations", o->url, o->campaign);
	start(multi, s, RESERVE, url);
	free(url);
}

static long
proc_field(long pid, const char *name)
{
	char path[64], line[256];
	size_t len = strlen(name);
	long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%ld/status", pid);
	f = fopen(path, "r");
	if (f == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL) {
		if (strncmp(line, name, len) == 0 && line[len] == ':') {
			v = strtol(line + len + 1, NULL, 10);
			break;
		}
	}
	fclose(f);
	return v;
}

static long
proc_fds(long pid)
{
	char path[64];
	struct dirent *e;
	long n = 0;
	DIR *d;

	snprintf(path, sizeof(path), "/proc/%ld/fd", pid);
	d = opendir(path);
	if (d == NULL)
		return -1;
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

static long long
file_size(const char *path, const char *suffix)
{
	char p[4096];
	struct stat st;

	snprintf(p, sizeof(p), "%s%s", path, suffix);
	return stat(p, &st) == 0 ? (long long)st.st_size : 0;
}

static void
take_sample(struct sample *out, const struct opts *o, double t)
{
	out->t = t;
	out->rss_kib = proc_field(o->pid, "VmRSS");
	out->threads = proc_field(o->pid, "Threads");
	out->fds = proc_fds(o->pid);
	out->db_bytes = file_size(o->db, "") + file_size(o->db, "-wal");
}

static double
mib(long long bytes)
{
	return (double)bytes / (1024.0 * 1024.0);
}

static void
usage(void)
{
	fprintf(stderr,
	    "usage: cs-soak --url BASE --token T --campaign ID --secret S "
	    "--project UID --uids FILE --pid PID --db PATH [--duration S] "
	    "[--warmup S] [--cool S] [--sample S] [--webhook-rate R] "
	    "[--sync-period S] [--reserve-rate R] [--connections C]\n");
	exit(64);
}

static double
positive(const char *s)
{
	char *end;
	double v = strtod(s, &end);

	if (*end != '\0' || v < 0)
		usage();
	return v;
}

static void
parse(int argc, char **argv, struct opts *o)
{
	static const struct option lo[] = {
	    {"url", required_argument, NULL, 'u'},
	    {"token", required_argument, NULL, 't'},
	    {"campaign", required_argument, NULL, 'i'},
	    {"secret", required_argument, NULL, 's'},
	    {"project", required_argument, NULL, 'p'},
	    {"uids", required_argument, NULL, 'f'},
	    {"pid", required_argument, NULL, 'P'},
	    {"db", required_argument, NULL, 'd'},
	    {"duration", required_argument, NULL, 'D'},
	    {"warmup", required_argument, NULL, 'W'},
	    {"cool", required_argument, NULL, 'C'},
	    {"sample", required_argument, NULL, 'S'},
	    {"webhook-rate", required_argument, NULL, 'r'},
	    {"sync-period", required_argument, NULL, 'y'},
	    {"reserve-rate", required_argument, NULL, 'R'},
	    {"connections", required_argument, NULL, 'c'},
	    {NULL, 0, NULL, 0},
	};
	int c;

	memset(o, 0, sizeof(*o));
	o->duration = 120;
	o->warmup = 20;
	o->cool = 60;
	o->sample = 10;
	o->hook_rate = 1000;
	o->sync_period = 10;
	o->reserve_rate = 5;
	o->connections = 64;
	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (c) {
		case 'u':
			o->url = optarg;
			break;
		case 't':
			o->token = optarg;
			break;
		case 'i':
			o->campaign = strtoll(optarg, NULL, 10);
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
		case 'P':
			o->pid = strtol(optarg, NULL, 10);
			break;
		case 'd':
			o->db = optarg;
			break;
		case 'D':
			o->duration = positive(optarg);
			break;
		case 'W':
			o->warmup = positive(optarg);
			break;
		case 'C':
			o->cool = positive(optarg);
			break;
		case 'S':
			o->sample = positive(optarg);
			break;
		case 'r':
			o->hook_rate = positive(optarg);
			break;
		case 'y':
			o->sync_period = positive(optarg);
			break;
		case 'R':
			o->reserve_rate = positive(optarg);
			break;
		case 'c':
			o->connections = strtoul(optarg, NULL, 10);
			break;
		default:
			usage();
		}
	}
	if (o->url == NULL || o->token == NULL || o->secret == NULL ||
	    o->project == NULL || o->uids_path == NULL || o->db == NULL ||
	    o->campaign <= 0 || o->pid <= 0 || o->connections < 2 ||
	    o->sample <= 0 || o->warmup >= o->duration)
		usage();
}

static void
print_sample(
    const struct sample *s, const struct opts *o, const struct tally *t)
{
	const char *phase = s->t < o->warmup      ? "warm-up"
	                    : s->t <= o->duration ? "load"
	                                          : "after";

	printf("%6.0f  %-7s  %8.1f  %8.1f  %7ld  %5ld  %8.1f  %9zu  %5zu  "
	       "%7zu\n",
	    s->t, phase, (double)s->rss_kib / 1024.0,
	    (double)s->max_kib / 1024.0, s->threads, s->fds, mib(s->db_bytes),
	    t[HOOK].ok, t[SYNC].ok, t[RESERVE].ok);
	fflush(stdout);
}

int
main(int argc, char **argv)
{
	struct opts o;
	struct slot *slots, **idle;
	struct tally tally[NKINDS];
	struct sample *samples;
	size_t nuids, nidle, nsamples = 0, maxsamples, hooks = 0, reserves = 0;
	size_t syncs = 0, i, peak = 0;
	long warm_kib = 0, end_kib = 0;
	double win;
	bool sync_in_flight = false;
	char **uids;
	double t0, next_sample = 0, next_poll = 0;
	long window_kib = 0;
	CURLM *multi;
	int running, status;

	parse(argc, argv, &o);
	uids = cs_bench_read_uids(o.uids_path, &nuids);
	if (uids == NULL)
		exit(2);
	memset(tally, 0, sizeof(tally));
	maxsamples = (size_t)((o.duration + o.cool) / o.sample) + 2;
	samples = cs_xcalloc(maxsamples, sizeof(*samples));
	curl_global_init(CURL_GLOBAL_DEFAULT);
	multi = curl_multi_init();
	slots = cs_xcalloc(o.connections, sizeof(*slots));
	idle = cs_xcalloc(o.connections, sizeof(*idle));
	for (i = 0; i < o.connections; i++) {
		struct slot *s = &slots[i];

		s->easy = curl_easy_init();
		cs_buf_init(&s->body, 1 << 16);
		cs_buf_init(&s->reply, 1 << 16);
		curl_easy_setopt(s->easy, CURLOPT_WRITEFUNCTION, collect);
		curl_easy_setopt(s->easy, CURLOPT_WRITEDATA, &s->reply);
		curl_easy_setopt(s->easy, CURLOPT_PRIVATE, s);
		curl_easy_setopt(s->easy, CURLOPT_TIMEOUT_MS, 60000L);
		curl_easy_setopt(s->easy, CURLOPT_TCP_NODELAY, 1L);
		idle[i] = s;
	}
	nidle = o.connections;

	printf("soak: %.0f s of load (%.0f s warm-up), then %.0f s after; "
	       "webhooks %.0f/s (%zu uids), a sync every %.0f s, "
	       "reservations %.1f/s\n",
	    o.duration, o.warmup, o.cool, o.hook_rate, nuids, o.sync_period,
	    o.reserve_rate);
	printf("%6s  %-7s  %8s  %8s  %7s  %5s  %8s  %9s  %5s  %7s\n", "t(s)",
	    "phase", "RSS MiB", "max MiB", "threads", "fds", "db MiB",
	    "webhooks", "syncs", "reserv");
	t0 = mono_s();
	for (;;) {
		double now = mono_s() - t0, wait = 0.1, due;
		bool loading = now < o.duration;
		CURLMsg *m;
		int left;

		if (now >= next_poll) {
			long kib = proc_field(o.pid, "VmRSS");

			window_kib = kib > window_kib ? kib : window_kib;
			next_poll += POLL_S;
		}
		if (now >= next_sample && nsamples < maxsamples) {
			struct sample *sa = &samples[nsamples];

			/* Labelled by when it was due, so that the sample due
			 * at the end of the load counts as the load's. */
			take_sample(sa, &o, next_sample);
			if (sa->rss_kib < 0) {
				fprintf(stderr,
				    "cs-soak: process %ld is gone\n", o.pid);
				exit(2);
			}
			sa->max_kib =
			    sa->rss_kib > window_kib ? sa->rss_kib : window_kib;
			window_kib = 0;
			print_sample(sa, &o, tally);
			nsamples++;
			next_sample += o.sample;
		}
		if (now >= o.duration + o.cool)
			break;
		/* One sync at a time, and one slot kept for it. */
		due = (double)syncs * o.sync_period;
		if (loading && o.sync_period > 0 && !sync_in_flight &&
		    now >= due && nidle > 0) {
			start_sync(multi, idle[--nidle], &o);
			sync_in_flight = true;
			tally[SYNC].sent++;
			syncs++;
		}
		while (loading && o.reserve_rate > 0 && nidle > 1) {
			due = (double)reserves / o.reserve_rate;
			if (due > now) {
				wait = due - now < wait ? due - now : wait;
				break;
			}
			start_reserve(multi, idle[--nidle], &o, reserves++);
			tally[RESERVE].sent++;
		}
		while (
		    loading && hooks < nuids && o.hook_rate > 0 && nidle > 1) {
			due = (double)hooks / o.hook_rate;
			if (due > now) {
				wait = due - now < wait ? due - now : wait;
				break;
			}
			start_hook(
			    multi, idle[--nidle], &o, uids[hooks], hooks);
			hooks++;
			tally[HOOK].sent++;
		}
		curl_multi_perform(multi, &running);
		while ((m = curl_multi_info_read(multi, &left)) != NULL) {
			struct slot *s;
			long code = 0;

			if (m->msg != CURLMSG_DONE)
				continue;
			curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, &s);
			curl_easy_getinfo(
			    m->easy_handle, CURLINFO_RESPONSE_CODE, &code);
			if (m->data.result != CURLE_OK)
				tally[s->kind].failed++;
			else if (code >= 200 && code < 300)
				tally[s->kind].ok++;
			else if (code == 409)
				tally[s->kind].conflict++;
			else
				tally[s->kind].other++;
			if (s->kind == SYNC)
				sync_in_flight = false;
			curl_multi_remove_handle(multi, m->easy_handle);
			idle[nidle++] = s;
		}
		if (next_poll - now < wait)
			wait = next_poll - now > 0 ? next_poll - now : 0;
		curl_multi_poll(multi, NULL, 0, (int)(wait * 1000) + 1, NULL);
	}

	win = 2 * o.sync_period > o.sample ? 2 * o.sync_period : o.sample;
	for (i = 0; i < nsamples; i++) {
		const struct sample *sa = &samples[i];

		if (sa->t > o.warmup - win && sa->t <= o.warmup &&
		    sa->max_kib > warm_kib)
			warm_kib = sa->max_kib;
		if (sa->t > o.duration - win && sa->t <= o.duration &&
		    sa->max_kib > end_kib)
			end_kib = sa->max_kib;
		if (sa->max_kib > samples[peak].max_kib)
			peak = i;
	}
	printf("\n%-13s %9s %9s %9s %9s\n", "", "sent", "2xx", "409", "other");
	for (i = 0; i < NKINDS; i++)
		printf("%-13s %9zu %9zu %9zu %9zu\n", kind_names[i],
		    tally[i].sent, tally[i].ok, tally[i].conflict,
		    tally[i].other + tally[i].failed);
	printf("\nRSS (the most over %.0f s): %.1f MiB up to the end of the "
	       "warm-up (%.0f s), %.1f MiB up to the end of the load (%.0f s); "
	       "peak %.1f MiB (in the %.0f s row), %.1f MiB at the end (%.0f "
	       "s); database %.1f MiB\n",
	    win, (double)warm_kib / 1024.0, o.warmup, (double)end_kib / 1024.0,
	    o.duration, (double)samples[peak].max_kib / 1024.0, samples[peak].t,
	    (double)samples[nsamples - 1].rss_kib / 1024.0,
	    samples[nsamples - 1].t, mib(samples[nsamples - 1].db_bytes));
	if (warm_kib <= 0 || end_kib > 2 * warm_kib) {
		printf("soak: FAIL: the resident memory more than doubled "
		       "under load after the warm-up\n");
		status = 1;
	} else {
		printf("soak: ok: the resident memory at the end of the load "
		       "is at most twice that after the warm-up\n");
		status = 0;
	}

	for (i = 0; i < o.connections; i++) {
		curl_multi_remove_handle(multi, slots[i].easy);
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
	free(samples);
	curl_multi_cleanup(multi);
	curl_global_cleanup();
	return status;
}
