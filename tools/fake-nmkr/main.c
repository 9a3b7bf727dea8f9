/* SPDX-License-Identifier: MIT */
/*
 * fake-nmkr: a stand-in for NMKR Studio API v2 (docs/upstream.md §1) for tests,
 * benchmarks and `campaign-sync demo`. It seeds projects from flags or a seed
 * file, serves the /v2 endpoints the sync uses, and has a control interface
 * under /__fake/ (docs/internals/fakes.md). The first stdout line is
 * "listening on 127.0.0.1:N"; logs go to stderr and never show the API key or
 * a webhook secret.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "fakehttp.h"
#include "nmkr.h"
#include "util/log.h"
#include "util/str.h"
#include "util/banned.h"

#define EX_OK 0
#define EX_USAGE 64
#define EX_DATAERR 65
#define EX_UNAVAILABLE 69

static const char usage[] =
    "usage: fake-nmkr --listen 127.0.0.1:PORT --api-key KEY [--project UID]\n"
    "         [--nfts N] [--sold K] [--reserved R] [--blocked B]\n"
    "         [--seed FILE.json] [--cache-seconds S (20; 0: off)]\n"
    "         [--rate-limit N]\n"
    "         [--latency-ms N] [--clock-offset S] [--blockfrost URL]\n"
    "         [--blockfrost-project-id ID] [--webhook-secret S]\n"
    "         [--reservation-minutes M] [--network mainnet|preprod]\n"
    "         [--timezone IANA-NAME (UTC)]\n";

static void
parse_args(struct fnmkr_opts *o, int argc, char **argv)
{
	const char *v;
	int i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0 ||
		    strcmp(argv[i], "-h") == 0) {
			fputs(usage, stdout);
			exit(EX_OK);
		} else if (cs_fake_flag(argc, argv, &i, "--listen", &v)) {
			o->listen = v;
		} else if (cs_fake_flag(argc, argv, &i, "--api-key", &v)) {
			o->api_key = v;
		} else if (cs_fake_flag(argc, argv, &i, "--project", &v)) {
			o->project = v;
		} else if (cs_fake_flag(argc, argv, &i, "--nfts", &v)) {
			o->nfts = cs_fake_flag_int("--nfts", v, 0, 10000000);
		} else if (cs_fake_flag(argc, argv, &i, "--sold", &v)) {
			o->sold = cs_fake_flag_int("--sold", v, 0, 10000000);
		} else if (cs_fake_flag(argc, argv, &i, "--reserved", &v)) {
			o->reserved =
			    cs_fake_flag_int("--reserved", v, 0, 10000000);
		} else if (cs_fake_flag(argc, argv, &i, "--blocked", &v)) {
			o->blocked =
			    cs_fake_flag_int("--blocked", v, 0, 10000000);
		} else if (cs_fake_flag(argc, argv, &i, "--seed", &v)) {
			o->seed = v;
		} else if (cs_fake_flag(
		               argc, argv, &i, "--cache-seconds", &v)) {
			o->cache_seconds = (int)cs_fake_flag_int(
			    "--cache-seconds", v, 0, 86400);
		} else if (cs_fake_flag(argc, argv, &i, "--rate-limit", &v)) {
			o->rate_limit = (int)cs_fake_flag_int(
			    "--rate-limit", v, 0, 100000000);
		} else if (cs_fake_flag(argc, argv, &i, "--clock-offset", &v)) {
			o->clock_offset_s = (int)cs_fake_flag_int(
			    "--clock-offset", v, -86400, 86400);
		} else if (cs_fake_flag(argc, argv, &i, "--latency-ms", &v)) {
			o->latency_ms =
			    (int)cs_fake_flag_int("--latency-ms", v, 0, 600000);
		} else if (cs_fake_flag(
		               argc, argv, &i, "--blockfrost-project-id", &v)) {
			o->blockfrost_project_id = v;
		} else if (cs_fake_flag(argc, argv, &i, "--blockfrost", &v)) {
			o->blockfrost = v;
		} else if (cs_fake_flag(
		               argc, argv, &i, "--webhook-secret", &v)) {
			o->webhook_secret = v;
		} else if (cs_fake_flag(
		               argc, argv, &i, "--reservation-minutes", &v)) {
			o->reservation_minutes = (int)cs_fake_flag_int(
			    "--reservation-minutes", v, 1, 1440);
		} else if (cs_fake_flag(argc, argv, &i, "--timezone", &v)) {
			o->timezone = v;
		} else if (cs_fake_flag(argc, argv, &i, "--network", &v)) {
			if (strcmp(v, "mainnet") == 0) {
				o->mainnet = true;
			} else if (strcmp(v, "preprod") == 0) {
				o->mainnet = false;
			} else {
				fprintf(stderr, "--network: mainnet or "
				                "preprod\n");
				exit(EX_USAGE);
			}
		} else {
			fprintf(
			    stderr, "unknown argument %s\n%s", argv[i], usage);
			exit(EX_USAGE);
		}
	}
	if (o->api_key == NULL || *o->api_key == '\0') {
		fprintf(stderr, "--api-key is required\n%s", usage);
		exit(EX_USAGE);
	}
	if (o->sold + o->reserved + o->blocked > o->nfts) {
		fprintf(stderr, "--sold + --reserved + --blocked exceed "
		                "--nfts\n");
		exit(EX_USAGE);
	}
}

int
main(int argc, char **argv)
{
	struct cs_fakehttp_opts hopts = CS_FAKEHTTP_OPTS_INIT;
	struct cs_error err = CS_ERROR_INIT;
	struct fnmkr f;
	struct cs_tz *zone = NULL;
	size_t i, nfts = 0;
	int sig, rc = EX_OK;

	cs_fakehttp_block_signals();
	cs_log_setup(CS_LOG_INFO, CS_LOG_TEXT, NULL);
	cs_fnmkr__init(&f);
	f.opts.listen = "127.0.0.1:0";
	f.opts.nfts = 10;
	f.opts.rate_limit = 800;
	f.opts.cache_seconds = FNMKR_DEFAULT_CACHE_SECONDS;
	f.opts.reservation_minutes = FNMKR_DEFAULT_RESERVATION_MIN;
	f.opts.mainnet = true;
	parse_args(&f.opts, argc, argv);
	cs_log_secret(f.opts.api_key);
	cs_log_secret(f.opts.webhook_secret);
	cs_log_secret(f.opts.blockfrost_project_id);
	f.pay_base = f.opts.mainnet ? FNMKR_PAY_MAINNET : FNMKR_PAY_PREPROD;
	if (f.opts.timezone != NULL) {
		if (cs_tz_load(&zone, f.opts.timezone, &err) < 0) {
			fprintf(stderr, "--timezone: %s\n", cs_error_msg(&err));
			return EX_USAGE;
		}
		f.zone = zone;
	}
	cs_fake_client_global_init();

	if (cs_fnmkr__seed(&f, &err) < 0) {
		cs_log_error("fake-nmkr", "%s", cs_error_msg(&err));
		rc = EX_DATAERR;
		goto out;
	}
	if (cs_fnmkr__chain_sync_all(&f, &err) < 0) {
		cs_log_error("fake-nmkr", "%s", cs_error_msg(&err));
		rc = EX_UNAVAILABLE;
		goto out;
	}
	for (i = 0; i < f.nprojects; i++)
		nfts += f.projects[i]->len;
	hopts.name = "fake-nmkr";
	hopts.listen = f.opts.listen;
	hopts.latency_ms = f.opts.latency_ms;
	hopts.clock_offset_s = f.opts.clock_offset_s;
	hopts.endpoints = cs_fnmkr__endpoints;
	hopts.classify = cs_fnmkr__classify;
	hopts.upstream = cs_fnmkr__upstream;
	hopts.control = cs_fnmkr__control;
	hopts.error_body = cs_fnmkr__error_body;
	hopts.payload = &f;
	if (cs_fakehttp_new(&f.http, &hopts, &err) < 0) {
		cs_log_error("fake-nmkr", "%s", cs_error_msg(&err));
		rc = err.code == CS_EINVAL ? EX_USAGE : EX_UNAVAILABLE;
		goto out;
	}
	cs_fakehttp_announce(f.http);
	cs_log_info("fake-nmkr",
	    "ready: %zu project(s), %zu nft(s), rate limit %d/10s, cache %ds, "
	    "%s",
	    f.nprojects, nfts, f.opts.rate_limit, f.opts.cache_seconds,
	    f.opts.mainnet ? "mainnet" : "preprod");
	sig = cs_fakehttp_wait(f.http);
	cs_log_info("fake-nmkr", "signal %d, stopping", sig);
out:
	cs_fakehttp_free(f.http);
	f.http = NULL;
	cs_fnmkr__dispose(&f);
	cs_tz_free(zone);
	return rc;
}
