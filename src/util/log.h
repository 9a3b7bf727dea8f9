/* SPDX-License-Identifier: MIT */
/*
 * Logging as text or JSON lines on stderr. Registered secrets are replaced by
 * "[redacted]" in every line, so an API key that slips into a message from a
 * library still never reaches a log (defence in depth: code never logs one on
 * purpose). Safe to call from any thread.
 */
#ifndef CS_UTIL_LOG_H
#define CS_UTIL_LOG_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>

#include "util/error.h"

enum cs_log_level {
	CS_LOG_DEBUG,
	CS_LOG_INFO,
	CS_LOG_WARN,
	CS_LOG_ERROR,
	CS_LOG_OFF,
};

enum cs_log_format {
	CS_LOG_TEXT,
	CS_LOG_JSON,
};

/**
 * Configure the logger. Call before any thread starts.
 *
 * @param out borrowed; NULL means stderr
 */
void cs_log_setup(enum cs_log_level min, enum cs_log_format format, FILE *out);

/** Parse "text" or "json". @return 0 or CS_EINVAL */
CS_NODISCARD int cs_log_format_parse(const char *s, enum cs_log_format *out);

/** Parse "debug", "info", "warn" or "error". @return 0 or CS_EINVAL */
CS_NODISCARD int cs_log_level_parse(const char *s, enum cs_log_level *out);

/**
 * Register a secret to scrub from every line (cs_str_scrub(): one shorter
 * than CS_SECRET_WORD_LEN bytes only where it stands alone). The string is
 * copied. Safe from any thread.
 */
void cs_log_secret(const char *secret);

/** Forget every registered secret (tests). */
void cs_log_secrets_clear(void);

/** Apply the scrubbing to a string in place (for errors shown to a user):
 * cs_str_scrub() with the registered secrets. */
void cs_log_redact(char *s, size_t size);

bool cs_log_enabled(enum cs_log_level level);

void cs_log(enum cs_log_level level, const char *component, const char *fmt,
    ...) CS_PRINTF(3, 4);
void cs_vlog(enum cs_log_level level, const char *component, const char *fmt,
    va_list ap) CS_PRINTF(3, 0);

#define cs_log_debug(comp, ...) cs_log(CS_LOG_DEBUG, comp, __VA_ARGS__)
#define cs_log_info(comp, ...) cs_log(CS_LOG_INFO, comp, __VA_ARGS__)
#define cs_log_warn(comp, ...) cs_log(CS_LOG_WARN, comp, __VA_ARGS__)
#define cs_log_error(comp, ...) cs_log(CS_LOG_ERROR, comp, __VA_ARGS__)

#endif
