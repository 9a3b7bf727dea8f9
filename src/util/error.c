/* SPDX-License-Identifier: MIT */
/* Error detail helpers; see error.h. */
#include "util/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "util/banned.h"

/* Format into a copy first: the arguments may point into err->msg. */
static void
vset(struct cs_error *err, int code, int http_status, const char *fmt,
    va_list ap)
{
	char msg[CS_ERROR_MSG_LEN];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	err->code = code;
	err->http_status = http_status;
	memcpy(err->msg, msg, sizeof(msg));
}

int
cs_error_set(struct cs_error *err, int code, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return code;
	va_start(ap, fmt);
	vset(err, code, 0, fmt, ap);
	va_end(ap);
	return code;
}

int
cs_error_set_http(
    struct cs_error *err, int code, int http_status, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return code;
	va_start(ap, fmt);
	vset(err, code, http_status, fmt, ap);
	va_end(ap);
	return code;
}

/* Append s to the string in dst (of size cap), cutting what does not fit. */
static void
append(char *dst, size_t cap, const char *s)
{
	size_t len = strlen(dst), n = strlen(s);

	if (len + 1 >= cap)
		return;
	if (n > cap - len - 1)
		n = cap - len - 1;
	memcpy(dst + len, s, n);
	dst[len + n] = '\0';
}

int
cs_error_wrap(struct cs_error *err, int code, const char *fmt, ...)
{
	char old[CS_ERROR_MSG_LEN], prefix[CS_ERROR_MSG_LEN];
	va_list ap;

	if (err == NULL)
		return code;
	memcpy(old, cs_error_msg(err), sizeof(old));
	old[sizeof(old) - 1] = '\0';
	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	err->msg[0] = '\0';
	append(err->msg, sizeof(err->msg), prefix);
	append(err->msg, sizeof(err->msg), " (");
	append(err->msg, sizeof(err->msg), old);
	append(err->msg, sizeof(err->msg), ")");
	err->code = code;
	return code;
}

void
cs_error_appendf(struct cs_error *err, const char *fmt, ...)
{
	char more[CS_ERROR_MSG_LEN];
	va_list ap;

	if (err == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(more, sizeof(more), fmt, ap);
	va_end(ap);
	append(err->msg, sizeof(err->msg), more);
}

void
cs_error_clear(struct cs_error *err)
{
	if (err == NULL)
		return;
	memset(err, 0, sizeof(*err));
}

const char *
cs_err_name(int code)
{
	switch (code) {
	case CS_OK:
		return "ok";
	case CS_ENOTFOUND:
		return "not found";
	case CS_ECONFLICT:
		return "conflict";
	case CS_EINVAL:
		return "invalid";
	case CS_ETOOBIG:
		return "too big";
	case CS_EPARSE:
		return "parse error";
	case CS_EHTTP:
		return "http error";
	case CS_ERATELIMIT:
		return "rate limited";
	case CS_ETIMEOUT:
		return "timeout";
	case CS_EDB:
		return "database error";
	case CS_EAGAIN:
		return "try again";
	default:
		return "error";
	}
}

const char *
cs_error_msg(const struct cs_error *err)
{
	if (err == NULL)
		return "error";
	if (err->msg[0] != '\0')
		return err->msg;
	return cs_err_name(err->code);
}
