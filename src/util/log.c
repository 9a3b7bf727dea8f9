/* SPDX-License-Identifier: MIT */
/* Text and JSON-lines logger with secret scrubbing; see log.h. */
#include "util/limits.h"
#include "util/log.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/str.h"
#include "util/time.h"
#include "util/xalloc.h"
#include "util/banned.h"

static enum cs_log_level min_level = CS_LOG_INFO;
static enum cs_log_format log_format = CS_LOG_TEXT;
static FILE *log_out;
static char *secrets[CS_LOG_MAX_SECRETS];
static size_t nsecrets;
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;

static const char *const level_names[] = {"debug", "info", "warn", "error"};

void
cs_log_setup(enum cs_log_level min, enum cs_log_format format, FILE *out)
{
	min_level = min;
	log_format = format;
	log_out = out;
}

int
cs_log_format_parse(const char *s, enum cs_log_format *out)
{
	if (cs_str_eq(s, "text"))
		*out = CS_LOG_TEXT;
	else if (cs_str_eq(s, "json"))
		*out = CS_LOG_JSON;
	else
		return CS_EINVAL;
	return 0;
}

int
cs_log_level_parse(const char *s, enum cs_log_level *out)
{
	size_t i;

	for (i = 0; i < sizeof(level_names) / sizeof(level_names[0]); i++) {
		if (cs_str_eq(s, level_names[i])) {
			*out = (enum cs_log_level)i;
			return 0;
		}
	}
	return CS_EINVAL;
}

void
cs_log_secret(const char *secret)
{
	size_t i;

	if (secret == NULL || *secret == '\0')
		return;
	pthread_mutex_lock(&log_lock);
	for (i = 0; i < nsecrets; i++) {
		if (strcmp(secrets[i], secret) == 0)
			goto out;
	}
	if (nsecrets < CS_LOG_MAX_SECRETS)
		secrets[nsecrets++] = cs_xstrdup(secret);
out:
	pthread_mutex_unlock(&log_lock);
}

void
cs_log_secrets_clear(void)
{
	pthread_mutex_lock(&log_lock);
	while (nsecrets > 0)
		free(secrets[--nsecrets]);
	pthread_mutex_unlock(&log_lock);
}

static void
redact_locked(char *s, size_t size)
{
	cs_str_scrub(s, size, (const char *const *)secrets, nsecrets);
}

void
cs_log_redact(char *s, size_t size)
{
	pthread_mutex_lock(&log_lock);
	redact_locked(s, size);
	pthread_mutex_unlock(&log_lock);
}

bool
cs_log_enabled(enum cs_log_level level)
{
	return level >= min_level && level < CS_LOG_OFF;
}

void
cs_vlog(
    enum cs_log_level level, const char *component, const char *fmt, va_list ap)
{
	char msg[CS_LOG_LINE_MAX], ts[CS_ISO8601_LEN];
	struct cs_buf line = CS_BUF_INIT(CS_LOG_LINE_MAX * 2);
	FILE *out;
	int error;

	if (!cs_log_enabled(level))
		return;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	cs_time_iso8601(cs_now_ms(), ts);

	pthread_mutex_lock(&log_lock);
	redact_locked(msg, sizeof(msg));
	if (log_format == CS_LOG_JSON) {
		error = cs_buf_printf(&line,
		    "{\"ts\":\"%s\",\"level\":\"%s\","
		    "\"component\":",
		    ts, level_names[level]);
		if (error == 0)
			error = cs_buf_put_json_string(&line, component);
		if (error == 0)
			error = cs_buf_puts(&line, ",\"msg\":");
		if (error == 0)
			error = cs_buf_put_json_string(&line, msg);
		if (error == 0)
			error = cs_buf_puts(&line, "}\n");
	} else {
		error = cs_buf_printf(&line, "%s %-5s %s: %s\n", ts,
		    level_names[level], component, msg);
	}
	out = log_out != NULL ? log_out : stderr;
	if (error == 0) {
		fwrite(line.ptr, 1, line.len, out);
		fflush(out);
	}
	pthread_mutex_unlock(&log_lock);
	cs_buf_dispose(&line);
}

void
cs_log(enum cs_log_level level, const char *component, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cs_vlog(level, component, fmt, ap);
	va_end(ap);
}
