/* SPDX-License-Identifier: MIT */
/*
 * Error codes and the caller-owned error detail (libgit2's short list of
 * expected errors; redis' fixed-size message). Filling a struct cs_error never
 * allocates and needs no thread-local state.
 */
#ifndef CS_UTIL_ERROR_H
#define CS_UTIL_ERROR_H

#include <stddef.h>

#if defined(__GNUC__)
#define CS_NODISCARD __attribute__((warn_unused_result))
#define CS_PRINTF(f, a) __attribute__((format(printf, f, a)))
#define CS_UNUSED __attribute__((unused))
#else
#define CS_NODISCARD
#define CS_PRINTF(f, a)
#define CS_UNUSED
#endif

enum cs_err {
	CS_OK = 0,
	CS_ERROR = -1,      /* anything else; the message says what */
	CS_ENOTFOUND = -2,  /* no such campaign, NFT, row */
	CS_ECONFLICT = -3,  /* duplicate, version mismatch, already running */
	CS_EINVAL = -4,     /* input that does not validate */
	CS_ETOOBIG = -5,    /* over a cap from limits.h */
	CS_EPARSE = -6,     /* malformed JSON, CSV or response */
	CS_EHTTP = -7,      /* upstream answered with an error status */
	CS_ERATELIMIT = -8, /* upstream said slow down (429, 402, 418) */
	CS_ETIMEOUT = -9,   /* connect or transfer timed out */
	CS_EDB = -10,       /* database error */
	CS_EAGAIN = -11,    /* transient (busy, serialization); retry */
};

#define CS_ERROR_MSG_LEN 256

struct cs_error {
	int code;
	int http_status; /* upstream or HTTP API status, 0 if none */
	char msg[CS_ERROR_MSG_LEN];
};

#define CS_ERROR_INIT                                                          \
	{                                                                      \
		0, 0,                                                          \
		{                                                              \
			0                                                      \
		}                                                              \
	}

/**
 * Record an error and return its code.
 *
 * @param err may be NULL, then only the code is returned
 * @param code a negative enum cs_err
 * @return code, so that `return cs_error_set(err, CS_EINVAL, "...")` reads well
 */
int cs_error_set(struct cs_error *err, int code, const char *fmt, ...)
    CS_PRINTF(3, 4);

/** Like cs_error_set() and also records an HTTP status. */
int cs_error_set_http(struct cs_error *err, int code, int http_status,
    const char *fmt, ...) CS_PRINTF(4, 5);

/**
 * Give err's message context: it becomes "<fmt> (<old message>)" and the
 * code becomes code. Safe to pass err's own fields as arguments.
 */
int cs_error_wrap(struct cs_error *err, int code, const char *fmt, ...)
    CS_PRINTF(3, 4);

/** Append formatted text to err's message (cut to fit). */
void cs_error_appendf(struct cs_error *err, const char *fmt, ...)
    CS_PRINTF(2, 3);

/** Reset to CS_ERROR_INIT. */
void cs_error_clear(struct cs_error *err);

/** A short constant name for a code ("not found", "conflict", ...). */
const char *cs_err_name(int code);

/** The message, or the code's name when no message was set. */
const char *cs_error_msg(const struct cs_error *err);

#endif
