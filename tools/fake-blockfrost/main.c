/* SPDX-License-Identifier: MIT */
/*
 * fake-blockfrost: a stand-in for the Blockfrost Cardano API
 * (docs/upstream.md §2) with its project_id check, per-client token bucket,
 * daily quota and auto-ban, and a control interface under /__fake/ to mint,
 * move and burn assets (docs/internals/fakes.md). The first stdout line is
 * "listening on 127.0.0.1:N"; logs go to stderr without the project id.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bf.h"
#include "fakehttp.h"
#include "util/log.h"
#include "util/banned.h"

#define EX_OK 0
#define EX_USAGE 64
#define EX_DATAERR 65
#define EX_UNAVAILABLE 69

static const char usage[] =
    "usage: fake-blockfrost --listen 127.0.0.1:PORT --project-id ID\n"
    "         [--rate PER_S] [--burst N] [--daily-quota N] [--ban-after N]\n"
    "         [--latency-ms N] [--seed FILE.json]\n";

static void
parse_args(struct fbf_opts *o, int argc, char **argv)
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
		} else if (cs_fake_flag(argc, argv, &i, "--project-id", &v)) {
			o->project_id = v;
		} else if (cs_fake_flag(argc, argv, &i, "--rate", &v)) {
			o->rate =
			    (int)cs_fake_flag_int("--rate", v, 0, 1000000);
		} else if (cs_fake_flag(argc, argv, &i, "--burst", &v)) {
			o->burst =
			    (int)cs_fake_flag_int("--burst", v, 1, 100000000);
		} else if (cs_fake_flag(argc, argv, &i, "--daily-quota", &v)) {
			o->daily_quota = cs_fake_flag_int(
			    "--daily-quota", v, 0, INT64_MAX / 2);
		} else if (cs_fake_flag(argc, argv, &i, "--ban-after", &v)) {
			o->ban_after = (int)cs_fake_flag_int(
			    "--ban-after", v, 0, 100000000);
		} else if (cs_fake_flag(argc, argv, &i, "--latency-ms", &v)) {
			o->latency_ms =
			    (int)cs_fake_flag_int("--latency-ms", v, 0, 600000);
		} else if (cs_fake_flag(argc, argv, &i, "--seed", &v)) {
			o->seed = v;
		} else {
			fprintf(
			    stderr, "unknown argument %s\n%s", argv[i], usage);
			exit(EX_USAGE);
		}
	}
	if (o->project_id == NULL || *o->project_id == '\0') {
		fprintf(stderr, "--project-id is required\n%s", usage);
		exit(EX_USAGE);
	}
}

int
main(int argc, char **argv)
{
	struct cs_fakehttp_opts hopts = CS_FAKEHTTP_OPTS_INIT;
	struct cs_error err = CS_ERROR_INIT;
	struct fbf f;
	int sig, rc = EX_OK;

	cs_fakehttp_block_signals();
	cs_log_setup(CS_LOG_INFO, CS_LOG_TEXT, NULL);
	cs_fbf__init(&f);
	f.opts.listen = "127.0.0.1:0";
	f.opts.rate = 10;
	f.opts.burst = 500;
	f.opts.ban_after = 50;
	parse_args(&f.opts, argc, argv);
	cs_log_secret(f.opts.project_id);
	if (cs_fbf__seed(&f, &err) < 0) {
		cs_log_error("fake-blockfrost", "%s", cs_error_msg(&err));
		rc = EX_DATAERR;
		goto out;
	}
	hopts.name = "fake-blockfrost";
	hopts.listen = f.opts.listen;
	hopts.latency_ms = f.opts.latency_ms;
	hopts.endpoints = cs_fbf__endpoints;
	hopts.classify = cs_fbf__classify;
	hopts.upstream = cs_fbf__upstream;
	hopts.control = cs_fbf__control;
	hopts.error_body = cs_fbf__error_body;
	hopts.stats_extra = cs_fbf__stats_extra;
	hopts.stats_reset = cs_fbf__stats_reset;
	hopts.payload = &f;
	if (cs_fakehttp_new(&f.http, &hopts, &err) < 0) {
		cs_log_error("fake-blockfrost", "%s", cs_error_msg(&err));
		rc = err.code == CS_EINVAL ? EX_USAGE : EX_UNAVAILABLE;
		goto out;
	}
	cs_fakehttp_announce(f.http);
	cs_log_info("fake-blockfrost",
	    "ready: %d req/s, burst %d, daily quota %lld, ban after %d",
	    f.opts.rate, f.opts.burst, (long long)f.opts.daily_quota,
	    f.opts.ban_after);
	sig = cs_fakehttp_wait(f.http);
	cs_log_info("fake-blockfrost", "signal %d, stopping", sig);
out:
	cs_fakehttp_free(f.http);
	f.http = NULL;
	cs_fbf__dispose(&f);
	return rc;
}
