/* SPDX-License-Identifier: MIT */
/*
 * Start and stop helper servers (fake-nmkr, fake-blockfrost, campaign-sync
 * serve) for tests. A server is started with --listen 127.0.0.1:0 among its
 * arguments and must print "listening on [http://]127.0.0.1:N" as its first
 * line on stdout; the rest of its stdout and stderr go to a log file in the
 * test's temp dir. Every started server is killed when the test exits.
 */
#ifndef CS_TEST_FAKEPROC_H
#define CS_TEST_FAKEPROC_H

#include <sys/types.h>

struct cs_fakeproc {
	pid_t pid;
	int port;
	char base_url[64]; /* "http://127.0.0.1:N" */
	char log_path[256];
};

/**
 * Start argv[0] (a path) with argv and extra environment ("K=V", NULL-ended,
 * may be NULL); wait up to 10 s for its listening line. Aborts the test on
 * failure, printing the server's log.
 */
void cs_fakeproc_start(
    struct cs_fakeproc *p, const char *const *argv, const char *const *env);

/** SIGTERM, then SIGKILL after 5 s; returns the exit status (or 128+sig). */
int cs_fakeproc_stop(struct cs_fakeproc *p);

/** The server's log so far; caller frees. */
char *cs_fakeproc_log(const struct cs_fakeproc *p);

/** Path of a built program: CS_BUILD_DIR "/" rel. Caller frees. */
char *cs_build_path(const char *rel);

#endif
