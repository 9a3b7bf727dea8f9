/* SPDX-License-Identifier: MIT */
/*
 * A small test harness in the style of libuv's task.h. A test is
 *
 *	CS_TEST(area_file__case) { ASSERT_EQ(1, 1); }
 *
 * registered at load time; tests/CMakeLists.txt finds every CS_TEST( in a
 * source and adds it as its own CTest test, so each case runs in its own
 * process (ctest -j, named failures). A failed assertion prints both operands
 * with file:line and exits 1. There is no skip: a test that cannot run
 * where it was started says why with CS_CANNOT_RUN() and fails, and a test
 * that does not apply to a backend is not registered for it
 * (cs_test_register's EXCLUDE in tests/CMakeLists.txt).
 */
#ifndef CS_TEST_H
#define CS_TEST_H

#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/error.h"

typedef void (*cs_test_fn)(void);

void cs_test_register(const char *name, cs_test_fn fn);
void cs_test_fail(const char *file, int line, const char *fmt, ...)
    CS_PRINTF(3, 4) __attribute__((noreturn));

#define CS_TEST(name)                                                          \
	static void test_##name(void);                                         \
	__attribute__((constructor)) static void register_##name(void)         \
	{                                                                      \
		cs_test_register(#name, test_##name);                          \
	}                                                                      \
	static void test_##name(void)

/* A test CMake does not register by itself (a driver run with arguments). */
#define CS_TEST_DRIVER(name) CS_TEST(name)

#define CS_CANNOT_RUN(...)                                                     \
	do {                                                                   \
		fprintf(stderr, "cannot run: " __VA_ARGS__);                   \
		fputc('\n', stderr);                                           \
		exit(1);                                                       \
	} while (0)

#define ASSERT_TRUE(expr)                                                      \
	do {                                                                   \
		if (!(expr))                                                   \
			cs_test_fail(                                          \
			    __FILE__, __LINE__, "%s is false", #expr);         \
	} while (0)

#define ASSERT_FALSE(expr) ASSERT_TRUE(!(expr))

#define ASSERT_CMP(a, op, b)                                                   \
	do {                                                                   \
		int64_t a_ = (int64_t)(a), b_ = (int64_t)(b);                  \
		if (!(a_ op b_))                                               \
			cs_test_fail(__FILE__, __LINE__,                       \
			    "%s %s %s: %" PRId64 " vs %" PRId64, #a, #op, #b,  \
			    a_, b_);                                           \
	} while (0)

#define ASSERT_EQ(a, b) ASSERT_CMP(a, ==, b)
#define ASSERT_NE(a, b) ASSERT_CMP(a, !=, b)
#define ASSERT_LT(a, b) ASSERT_CMP(a, <, b)
#define ASSERT_LE(a, b) ASSERT_CMP(a, <=, b)
#define ASSERT_GT(a, b) ASSERT_CMP(a, >, b)
#define ASSERT_GE(a, b) ASSERT_CMP(a, >=, b)

#define ASSERT_STR_EQ(a, b)                                                    \
	do {                                                                   \
		const char *a_ = (a), *b_ = (b);                               \
		if (a_ == NULL || b_ == NULL ? a_ != b_ : strcmp(a_, b_))      \
			cs_test_fail(__FILE__, __LINE__,                       \
			    "%s == %s: \"%s\" vs \"%s\"", #a, #b,              \
			    a_ ? a_ : "(null)", b_ ? b_ : "(null)");           \
	} while (0)

#define ASSERT_STR_CONTAINS(hay, needle)                                       \
	do {                                                                   \
		const char *h_ = (hay), *n_ = (needle);                        \
		if (h_ == NULL || strstr(h_, n_) == NULL)                      \
			cs_test_fail(__FILE__, __LINE__,                       \
			    "%s does not contain \"%s\": \"%s\"", #hay, n_,    \
			    h_ ? h_ : "(null)");                               \
	} while (0)

#define ASSERT_STR_NOT_CONTAINS(hay, needle)                                   \
	do {                                                                   \
		const char *h_ = (hay), *n_ = (needle);                        \
		if (h_ != NULL && strstr(h_, n_) != NULL)                      \
			cs_test_fail(__FILE__, __LINE__, "%s contains \"%s\"", \
			    #hay, n_);                                         \
	} while (0)

/* For functions that take a struct cs_error *: the message is shown. */
/* One per thread: tests that start threads may assert in each. */
extern _Thread_local struct cs_error cs_test_err;
#define TERR (&cs_test_err)

#define ASSERT_OK(expr)                                                        \
	do {                                                                   \
		int rc_;                                                       \
		cs_error_clear(TERR);                                          \
		rc_ = (expr);                                                  \
		if (rc_ != 0)                                                  \
			cs_test_fail(__FILE__, __LINE__,                       \
			    "%s returned %d (%s): %s", #expr, rc_,             \
			    cs_err_name(rc_), cs_error_msg(TERR));             \
	} while (0)

#define ASSERT_ERR(code, expr)                                                 \
	do {                                                                   \
		int rc_;                                                       \
		cs_error_clear(TERR);                                          \
		rc_ = (expr);                                                  \
		if (rc_ != (code))                                             \
			cs_test_fail(__FILE__, __LINE__,                       \
			    "%s returned %d (%s), expected %d (%s): %s",       \
			    #expr, rc_, cs_err_name(rc_), (int)(code),         \
			    cs_err_name(code), cs_error_msg(TERR));            \
	} while (0)

/* ---- Helpers ---------------------------------------------------------- */

/** A fresh directory for this test, removed at exit unless CS_TEST_KEEP. */
const char *cs_test_tmpdir(void);

/** cs_test_tmpdir()/name; caller frees. */
char *cs_test_path(const char *name);

/** Write a file; aborts the test on error. */
void cs_test_write_file(const char *path, const char *data, size_t len);

/** Read a whole file (NUL-terminated); caller frees; NULL if missing. */
char *cs_test_read_file(const char *path, size_t *len);

/** The source tree's tests/fixtures directory. */
const char *cs_test_fixtures(void);

/*
 * Run a program with arguments and extra environment ("NAME=value" strings,
 * NULL-terminated; may be NULL), capture stdout and stderr. Caller frees the
 * outputs. Returns the exit status, or 128+signal.
 */
int cs_test_run(const char *const *argv, const char *const *env,
    const char *stdin_data, char **out, char **errout);

/** Deterministic 32-bit generator for test data. */
uint32_t cs_test_rand(uint32_t *state);

#endif
