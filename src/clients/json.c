/* SPDX-License-Identifier: MIT */
/* Typed cJSON getters; see json.h. */
#include "clients/json.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>

#include "util/str.h"
#include "util/banned.h"

/*
 * cJSON takes process-wide allocation hooks. Ours hand out arena memory
 * while the calling thread is in arena mode (its arena pointer is set) and
 * defer to malloc and free otherwise, so every other use of cJSON is
 * unchanged.
 */
static _Thread_local struct cs_arena *tls_arena;
static pthread_once_t hooks_once = PTHREAD_ONCE_INIT;

static void *
hook_malloc(size_t size)
{
	if (tls_arena != NULL)
		return cs_arena_alloc(tls_arena, size);
	return malloc(size);
}

static void
hook_free(void *p)
{
	if (tls_arena == NULL)
		free(p);
}

static void
install_hooks(void)
{
	cJSON_Hooks hooks = {hook_malloc, hook_free};

	cJSON_InitHooks(&hooks);
}

int
cs_json_parse_arena(const char *body, size_t len, const char *what,
    struct cs_arena *arena, cJSON **out, struct cs_error *err)
{
	int error;

	pthread_once(&hooks_once, install_hooks);
	tls_arena = arena;
	error = cs_json_parse(body, len, what, out, err);
	if (error < 0)
		tls_arena = NULL;
	return error;
}

void
cs_json_arena_done(void)
{
	tls_arena = NULL;
}

int
cs_json_parse(const char *body, size_t len, const char *what, cJSON **out,
    struct cs_error *err)
{
	const char *end = NULL;
	size_t at;

	/* The _Opts form reports where parsing stopped without the global
	 * (thread-unsafe) error pointer. */
	*out = cJSON_ParseWithLengthOpts(body, len, &end, false);
	if (*out != NULL)
		return 0;
	at = end != NULL && end >= body && end <= body + len
	         ? (size_t)(end - body)
	         : len;
	return cs_error_set(err, CS_EPARSE,
	    "%s: malformed JSON at byte %zu of %zu", what, at, len);
}

int
cs_json_parse_shape(const char *body, size_t len, const char *what, bool array,
    cJSON **out, struct cs_error *err)
{
	int error = cs_json_parse(body, len, what, out, err);

	if (error < 0 || (array ? cJSON_IsArray(*out) : cJSON_IsObject(*out)))
		return error;
	cJSON_Delete(*out);
	*out = NULL;
	return cs_error_set(err, CS_EPARSE, "%s: expected a JSON %s", what,
	    array ? "array" : "object");
}

const char *
cs_json_type_name(const cJSON *v)
{
	if (cJSON_IsString(v))
		return "a string";
	if (cJSON_IsNumber(v))
		return "a number";
	if (cJSON_IsBool(v))
		return "a boolean";
	if (cJSON_IsArray(v))
		return "an array";
	if (cJSON_IsObject(v))
		return "an object";
	return "something else";
}

static const cJSON *
field(const cJSON *obj, const char *name, bool required, const char *ctx,
    int *error, struct cs_error *err)
{
	const cJSON *v = cJSON_GetObjectItem(obj, name);

	*error = 0;
	if (v == NULL || cJSON_IsNull(v)) {
		if (required)
			*error = cs_error_set(
			    err, CS_EPARSE, "%s.%s: missing", ctx, name);
		return NULL;
	}
	return v;
}

int
cs_json_get_string(const cJSON *obj, const char *name, bool required,
    const char *ctx, const char **out, struct cs_error *err)
{
	const cJSON *v;
	int error;

	*out = NULL;
	v = field(obj, name, required, ctx, &error, err);
	if (v == NULL)
		return error;
	if (!cJSON_IsString(v))
		return cs_error_set(err, CS_EPARSE,
		    "%s.%s: expected a string, got %s", ctx, name,
		    cs_json_type_name(v));
	*out = v->valuestring;
	return 0;
}

int
cs_json_to_int(const cJSON *v, const char *ctx, const char *name, int64_t *out,
    struct cs_error *err)
{
	*out = 0;
	if (!cJSON_IsNumber(v))
		return cs_error_set(err, CS_EPARSE,
		    "%s.%s: expected an integer, got %s", ctx, name,
		    cs_json_type_name(v));
	if (cs_i64_from_double(v->valuedouble, INT64_MIN, INT64_MAX, out) < 0)
		return cs_error_set(err, CS_EPARSE,
		    "%s.%s: expected an integer, got %.17g", ctx, name,
		    v->valuedouble);
	return 0;
}

int
cs_json_get_int(const cJSON *obj, const char *name, bool required,
    const char *ctx, int64_t *out, struct cs_error *err)
{
	const cJSON *v;
	int error;

	*out = 0;
	v = field(obj, name, required, ctx, &error, err);
	if (v == NULL)
		return error;
	return cs_json_to_int(v, ctx, name, out, err);
}

int
cs_json_get_bool(const cJSON *obj, const char *name, bool required,
    const char *ctx, bool *out, struct cs_error *err)
{
	const cJSON *v;
	int error;

	*out = false;
	v = field(obj, name, required, ctx, &error, err);
	if (v == NULL)
		return error;
	if (!cJSON_IsBool(v))
		return cs_error_set(err, CS_EPARSE,
		    "%s.%s: expected a boolean, got %s", ctx, name,
		    cs_json_type_name(v));
	*out = cJSON_IsTrue(v);
	return 0;
}
