/* SPDX-License-Identifier: MIT */
/*
 * cs-bench-floor: campaign-sync's server whose POST /webhooks/nmkr answers
 * 200 at once, verifying and storing nothing (cs_server_opts.bench_floor).
 * bench/run drives the same load against it and against `serve` in turns:
 * its rate is the floor of the webhook figure, the most the load generator
 * and the HTTP layer reach on this machine at this moment.
 *
 *   cs-bench-floor --listen 127.0.0.1:0 --db sqlite:PATH
 *
 * Prints "listening on URL", then serves until SIGTERM or SIGINT.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "http/http.h"
#include "util/log.h"

int
main(int argc, char **argv)
{
	struct cs_error err = CS_ERROR_INIT;
	struct cs_server_opts o;
	struct cs_server *srv = NULL;
	sigset_t set;
	int i, sig = 0;

	cs_server_opts_init(&o);
	o.public_rate = 0;
	o.schedule = NULL;
	o.no_background = true;
	o.bench_floor = true;
	o.max_client_connections = 1024; /* the load is all 127.0.0.1 */
	for (i = 1; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "--listen") == 0)
			o.listen = argv[i + 1];
		else if (strcmp(argv[i], "--db") == 0)
			o.database_url = argv[i + 1];
		else
			break;
	}
	if (i != argc) {
		fprintf(
		    stderr, "usage: cs-bench-floor --listen ADDR --db URL\n");
		return 64;
	}
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (cs_server_start(&srv, &o, &err) < 0) {
		fprintf(stderr, "cs-bench-floor: %s\n", cs_error_msg(&err));
		return 69;
	}
	printf("listening on %s\n", cs_server_url(srv));
	fflush(stdout);
	sigwait(&set, &sig);
	cs_server_stop(srv);
	cs_server_free(srv);
	return 0;
}
