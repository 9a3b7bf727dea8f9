/* SPDX-License-Identifier: MIT */
/* Helper servers for tests; see fakeproc.h. */
#define _XOPEN_SOURCE 700
#include "support/fakeproc.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test.h"
#include "util/time.h"
#include "util/xalloc.h"

#define MAX_PROCS 16

static pid_t procs[MAX_PROCS];
static int nprocs;

static void
kill_all(void)
{
	int i;

	for (i = 0; i < nprocs; i++) {
		if (procs[i] > 0) {
			kill(procs[i], SIGKILL);
			waitpid(procs[i], NULL, 0);
		}
	}
	nprocs = 0;
}

char *
cs_build_path(const char *rel)
{
	return cs_xasprintf("%s/%s", CS_BUILD_DIR, rel);
}

char *
cs_fakeproc_log(const struct cs_fakeproc *p)
{
	char *s = cs_test_read_file(p->log_path, NULL);

	return s != NULL ? s : cs_xstrdup("");
}

/*
 * fake-nmkr caches its answers for 20 s by default, as NMKR does; a test
 * that changes the fake and syncs at once would read the old answer. So
 * tests get the cache off unless they pass --cache-seconds themselves.
 * Runs in the child between fork and exec: the copy is never freed.
 */
static const char *const *
cache_off_unless_asked(const char *const *argv)
{
	const char **v;
	size_t n, len = strlen(argv[0]);
	static const char name[] = "fake-nmkr";

	if (len < sizeof(name) - 1 ||
	    strcmp(argv[0] + len - (sizeof(name) - 1), name) != 0)
		return argv;
	for (n = 1; argv[n] != NULL; n++) {
		if (strncmp(argv[n], "--cache-seconds", 15) == 0)
			return argv;
	}
	v = calloc(n + 3, sizeof(*v));
	if (v == NULL)
		return argv;
	memcpy(v, argv, n * sizeof(*v));
	v[n] = "--cache-seconds";
	v[n + 1] = "0";
	return v;
}

void
cs_fakeproc_start(
    struct cs_fakeproc *p, const char *const *argv, const char *const *env)
{
	static int serial;
	char line[256];
	size_t len = 0;
	int out[2], logfd, i;
	int64_t deadline;
	const char *port_at;

	memset(p, 0, sizeof(*p));
	snprintf(p->log_path, sizeof(p->log_path), "%s/server-%d.log",
	    cs_test_tmpdir(), serial++);
	logfd = open(p->log_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (logfd < 0 || pipe(out) != 0)
		cs_test_fail(__FILE__, __LINE__, "cannot set up %s", argv[0]);
	p->pid = fork();
	if (p->pid < 0)
		abort();
	if (p->pid == 0) {
		/* Die with the test, whatever way it ends. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		dup2(out[1], 1);
		dup2(logfd, 2);
		close(out[0]);
		close(out[1]);
		close(logfd);
		setpgid(0, 0);
		for (i = 0; env != NULL && env[i] != NULL; i++)
			putenv((char *)(uintptr_t)env[i]);
		argv = cache_off_unless_asked(argv);
		execv(argv[0], (char *const *)(uintptr_t)argv);
		fprintf(stderr, "exec %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(out[1]);
	if (nprocs == 0)
		atexit(kill_all);
	if (nprocs < MAX_PROCS)
		procs[nprocs++] = p->pid;

	/* Read the first line, then hand stdout over to the log. */
	deadline = cs_mono_ms() + 10000;
	while (len < sizeof(line) - 1) {
		struct pollfd pfd = {out[0], POLLIN, 0};
		int64_t left = deadline - cs_mono_ms();
		ssize_t n;

		if (left <= 0 || poll(&pfd, 1, (int)left) <= 0)
			break;
		n = read(out[0], line + len, 1);
		if (n <= 0)
			break;
		if (line[len] == '\n')
			break;
		len++;
	}
	line[len] = '\0';
	port_at = strstr(line, "127.0.0.1:");
	if (strncmp(line, "listening on ", 13) != 0 || port_at == NULL) {
		char *log;

		close(out[0]);
		log = cs_fakeproc_log(p);
		cs_test_fail(__FILE__, __LINE__,
		    "%s did not say where it listens (got \"%s\"); log:\n%s",
		    argv[0], line, log);
	}
	p->port = atoi(port_at + strlen("127.0.0.1:"));
	snprintf(
	    p->base_url, sizeof(p->base_url), "http://127.0.0.1:%d", p->port);
	/* Keep draining stdout into the log in a child so it never blocks. */
	if (fork() == 0) {
		char buf[4096];
		ssize_t n;

		/* Hold none of the test's own descriptors: ctest waits for
		 * them to close. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		dup2(logfd, 1);
		dup2(logfd, 2);
		while ((n = read(out[0], buf, sizeof(buf))) > 0)
			if (write(logfd, buf, (size_t)n) < 0)
				break;
		_exit(0);
	}
	close(out[0]);
	close(logfd);
}

int
cs_fakeproc_stop(struct cs_fakeproc *p)
{
	int status = 0, i;
	int64_t deadline;
	pid_t r = 0;

	if (p->pid <= 0)
		return -1;
	kill(p->pid, SIGTERM);
	deadline = cs_mono_ms() + 5000;
	while (cs_mono_ms() < deadline) {
		r = waitpid(p->pid, &status, WNOHANG);
		if (r == p->pid)
			break;
		cs_sleep_ms(10);
	}
	if (r != p->pid) {
		kill(p->pid, SIGKILL);
		waitpid(p->pid, &status, 0);
	}
	for (i = 0; i < nprocs; i++) {
		if (procs[i] == p->pid)
			procs[i] = 0;
	}
	p->pid = 0;
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return 128 + WTERMSIG(status);
}
