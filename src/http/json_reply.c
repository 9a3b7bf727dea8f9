/* SPDX-License-Identifier: MIT */
/*
 * Replies and request helpers: JSON bodies (cJSON), the error shape
 * {"error":{"code","message"}}, the mapping of error codes to statuses,
 * and the request's store connection from the pool.
 */
#include "http/internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "service/encode.h"
#include "util/log.h"
#include "util/str.h"
#include "util/banned.h"

static void
set_response(
    struct cs_req *r, int status, struct MHD_Response *resp, const char *type)
{
	if (r->resp != NULL)
		MHD_destroy_response(r->resp);
	r->resp = resp;
	r->status = status;
	if (resp == NULL)
		return;
	MHD_add_response_header(resp, "Content-Type", type);
	MHD_add_response_header(resp, "Cache-Control", "no-store");
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
}

void
cs_reply_bytes(struct cs_req *r, int status, const char *type, const void *data,
    size_t len)
{
	struct MHD_Response *resp;

	resp = MHD_create_response_from_buffer(
	    len, CS_UNCONST(data), MHD_RESPMEM_MUST_COPY);
	set_response(r, status, resp, type);
}

void
cs_reply_json(struct cs_req *r, int status, cJSON *body)
{
	struct MHD_Response *resp;
	char *text = cs_json_print(body, false);

	cJSON_Delete(body);
	resp = MHD_create_response_from_buffer(
	    strlen(text), text, MHD_RESPMEM_MUST_FREE);
	set_response(r, status, resp, "application/json");
}

void
cs_reply_header(struct cs_req *r, const char *name, const char *value)
{
	if (r->resp != NULL)
		MHD_add_response_header(r->resp, name, value);
}

void
cs_reply_error(
    struct cs_req *r, int status, const char *code, const char *fmt, ...)
{
	char msg[512];
	cJSON *body, *e;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	cs_log_redact(msg, sizeof(msg));
	body = cJSON_CreateObject();
	e = cJSON_AddObjectToObject(body, "error");
	cJSON_AddStringToObject(e, "code", code);
	cJSON_AddStringToObject(e, "message", msg);
	cs_reply_json(r, status, body);
}

void
cs_reply_err(struct cs_req *r, const struct cs_error *err)
{
	const char *msg = cs_error_msg(err);

	switch (err->code) {
	case CS_ENOTFOUND:
		cs_reply_error(r, 404, "not_found", "%s", msg);
		break;
	case CS_ECONFLICT:
		cs_reply_error(r, 409, "conflict", "%s", msg);
		break;
	case CS_EINVAL:
	case CS_EPARSE:
		cs_reply_error(r, 400, "invalid", "%s", msg);
		break;
	case CS_ETOOBIG:
		cs_reply_error(r, 413, "too_big", "%s", msg);
		break;
	case CS_EHTTP:
	case CS_ETIMEOUT:
	case CS_ERATELIMIT:
		cs_reply_error(r, 502, "upstream", "%s", msg);
		break;
	case CS_EAGAIN:
		cs_reply_error(r, 503, "busy", "%s", msg);
		cs_reply_header(r, "Retry-After", "1");
		break;
	default:
		cs_log_error("http", "%s %s: %s", r->method, r->path, msg);
		cs_reply_error(r, 500, "internal", "%s", msg);
	}
}

const char *
cs_req_query(struct cs_req *r, const char *name)
{
	return MHD_lookup_connection_value(
	    r->conn, MHD_GET_ARGUMENT_KIND, name);
}

bool
cs_req_flag(struct cs_req *r, const char *name)
{
	const char *v = cs_req_query(r, name);

	return v != NULL &&
	       (strcmp(v, "1") == 0 || strcasecmp(v, "true") == 0 ||
	           strcasecmp(v, "yes") == 0);
}

bool
cs_json_int(const cJSON *v, int64_t min, int64_t max, int64_t *out)
{
	/* The one checked conversion: (double)INT64_MAX is 2^63, out of
	 * range, which a comparison of doubles let through. */
	return cJSON_IsNumber(v) &&
	       cs_i64_from_double(v->valuedouble, min, max, out) == 0;
}

bool
cs_req_id(struct cs_req *r, int i, int64_t *out)
{
	if (i >= r->nparams ||
	    cs_str_to_i64(r->params[i], 1, INT64_MAX, out) < 0) {
		cs_reply_error(r, 404, "not_found", "'%s' is not an id",
		    i < r->nparams ? r->params[i] : "");
		return false;
	}
	return true;
}

cJSON *
cs_req_json(struct cs_req *r)
{
	cJSON *j;

	if (r->body_len == 0) {
		cs_reply_error(r, 400, "invalid", "a JSON body is required");
		return NULL;
	}
	j = cJSON_ParseWithLength(r->body, r->body_len);
	if (j == NULL || !cJSON_IsObject(j)) {
		cJSON_Delete(j);
		cs_reply_error(
		    r, 400, "invalid_json", "the body is not a JSON object");
		return NULL;
	}
	return j;
}

struct cs_store *
cs_req_store(struct cs_req *r)
{
	struct cs_error err = CS_ERROR_INIT;

	if (r->store != NULL)
		return r->store;
	/* A deadline: with every connection out (long syncs, a burst), the
	 * client hears 503 and when to come back rather than waiting. */
	if (cs_pool_get_wait(
	        r->srv->pool, &r->store, r->srv->opts.pool_wait_ms, &err) < 0) {
		if (err.code == CS_EAGAIN) {
			cs_reply_error(r, 503, "busy",
			    "the server is busy (%s); try again",
			    cs_error_msg(&err));
			cs_reply_header(r, "Retry-After", "2");
		} else {
			cs_reply_error(r, 503, "unavailable",
			    "the database cannot be reached: %s",
			    cs_error_msg(&err));
		}
		return NULL;
	}
	return r->store;
}
