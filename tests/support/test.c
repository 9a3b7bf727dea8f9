/* SPDX-License-Identifier: MIT */
/* The test harness: registry, main, temporary directories, process runner. */
#define _XOPEN_SOURCE 700 /* nftw, putenv */
#include "test.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util/buf.h"
#include "util/xalloc.h"

#define MAX_TESTS 512

struct entry {
	const char *name;
	cs_test_fn fn;
};

_Thread_local struct cs_error cs_test_err;

static struct entry tests[MAX_TESTS];
static size_t ntests;
static char tmpdir[256];

extern char **environ;

void
cs_test_register(const char *name, cs_test_fn fn)
{
	if (ntests == MAX_TESTS) {
		fprintf(stderr, "too many tests\n");
		abort();
	}
	tests[ntests].name = name;
	tests[ntests].fn = fn;
	ntests++;
}

void
cs_test_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s:%d: assertion failed: ", file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	fflush(stderr);
	exit(1);
}

static int
rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void
cleanup_tmpdir(void)
{
	if (tmpdir[0] != '\0' && getenv("CS_TEST_KEEP") == NULL)
		nftw(tmpdir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

const char *
cs_test_tmpdir(void)
{
	const char *base;

	if (tmpdir[0] != '\0')
		return tmpdir;
	base = getenv("TMPDIR");
	if (base == NULL || *base == '\0')
		base = "/tmp";
	snprintf(tmpdir, sizeof(tmpdir), "%s/cs-test-XXXXXX", base);
	if (mkdtemp(tmpdir) == NULL) {
		perror("mkdtemp");
		abort();
	}
	atexit(cleanup_tmpdir);
	return tmpdir;
}

char *
cs_test_path(const char *name)
{
	return cs_xasprintf("%s/%s", cs_test_tmpdir(), name);
}

void
cs_test_write_file(const char *path, const char *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	if (f == NULL || fwrite(data, 1, len, f) != len || fclose(f) != 0) {
		fprintf(stderr, "cannot write %s: %s\n", path, strerror(errno));
		exit(1);
	}
}

char *
cs_test_read_file(const char *path, size_t *len)
{
	struct cs_buf b = CS_BUF_INIT(1u << 30);
	char chunk[65536];
	size_t n;
	FILE *f = fopen(path, "rb");

	if (f == NULL)
		return NULL;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		if (cs_buf_put(&b, chunk, n) < 0)
			abort();
	}
	fclose(f);
	return cs_buf_take(&b, len);
}

const char *
cs_test_fixtures(void)
{
	return CS_TEST_FIXTURES;
}

static void
drain(int fd, struct cs_buf *b, bool *open_)
{
	char chunk[8192];
	ssize_t n;

	n = read(fd, chunk, sizeof(chunk));
	if (n > 0) {
		if (cs_buf_put(b, chunk, (size_t)n) < 0)
			abort();
	} else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
		*open_ = false;
	}
}

int
cs_test_run(const char *const *argv, const char *const *env,
    const char *stdin_data, char **out, char **errout)
{
	int pin[2], pout[2], perr[2], status;
	struct cs_buf bo = CS_BUF_INIT(256u << 20), be = CS_BUF_INIT(64u << 20);
	bool oo = true, eo = true;
	size_t off = 0, inlen = stdin_data != NULL ? strlen(stdin_data) : 0;
	pid_t pid;
	size_t i;

	if (pipe(pin) != 0 || pipe(pout) != 0 || pipe(perr) != 0)
		abort();
	pid = fork();
	if (pid < 0)
		abort();
	if (pid == 0) {
		dup2(pin[0], 0);
		dup2(pout[1], 1);
		dup2(perr[1], 2);
		close(pin[0]);
		close(pin[1]);
		close(pout[0]);
		close(pout[1]);
		close(perr[0]);
		close(perr[1]);
		for (i = 0; env != NULL && env[i] != NULL; i++)
			putenv((char *)(uintptr_t)env[i]);
		execv(argv[0], (char *const *)(uintptr_t)argv);
		fprintf(stderr, "exec %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(pin[0]);
	close(pout[1]);
	close(perr[1]);
	signal(SIGPIPE, SIG_IGN);
	while (off < inlen) {
		ssize_t n = write(pin[1], stdin_data + off, inlen - off);

		if (n <= 0)
			break;
		off += (size_t)n;
	}
	close(pin[1]);
	while (oo || eo) {
		struct pollfd p[2] = {
		    {pout[0], POLLIN, 0}, {perr[0], POLLIN, 0}};

		p[0].fd = oo ? pout[0] : -1;
		p[1].fd = eo ? perr[0] : -1;
		if (poll(p, 2, -1) < 0 && errno != EINTR)
			abort();
		if (oo && (p[0].revents & (POLLIN | POLLHUP | POLLERR)))
			drain(pout[0], &bo, &oo);
		if (eo && (p[1].revents & (POLLIN | POLLHUP | POLLERR)))
			drain(perr[0], &be, &eo);
	}
	close(pout[0]);
	close(perr[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (out != NULL)
		*out = cs_buf_take(&bo, NULL);
	if (errout != NULL)
		*errout = cs_buf_take(&be, NULL);
	cs_buf_dispose(&bo);
	cs_buf_dispose(&be);
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return 128 + WTERMSIG(status);
}

uint32_t
cs_test_rand(uint32_t *state)
{
	uint32_t x = *state != 0 ? *state : 2463534242u;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	*state = x;
	return x;
}

int
main(int argc, char **argv)
{
	size_t i;
	int ran = 0;

	if (argc > 1 && strcmp(argv[1], "--list") == 0) {
		for (i = 0; i < ntests; i++)
			printf("%s\n", tests[i].name);
		return 0;
	}
	for (i = 0; i < ntests; i++) {
		if (argc > 1 && strcmp(argv[1], tests[i].name) != 0)
			continue;
		fprintf(stderr, "-- %s\n", tests[i].name);
		tests[i].fn();
		ran++;
	}
	if (ran == 0) {
		fprintf(stderr, "no test named %s\n", argc > 1 ? argv[1] : "");
		return 2;
	}
	return 0;
}
