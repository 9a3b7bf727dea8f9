/* SPDX-License-Identifier: MIT */
/* OpenAPI 3.0 schema validation for tests; see openapi.h. */
#include "support/openapi.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/str.h"
#include "util/banned.h"

#define MAX_DEPTH 64
#define MAX_REF_HOPS 32
#define PATH_LEN 1024
#define SPEC_MAX_BYTES (64u * 1024u * 1024u)

struct ctx {
	const cJSON *doc;
	unsigned flags;
	struct cs_error *err;
	char path[PATH_LEN];
	size_t plen;
	int depth;
};

/* ---- JSON pointers --------------------------------------------------------
 */

/* Resolve a local reference "#/a/b~1c". Borrowed; NULL if it dangles. */
static const cJSON *
resolve(const cJSON *doc, const char *ref)
{
	const cJSON *node = doc;
	char token[256];
	const char *p;
	size_t n;

	if (ref == NULL || ref[0] != '#')
		return NULL;
	p = ref + 1;
	while (*p == '/') {
		p++;
		n = 0;
		while (*p != '\0' && *p != '/' && n < sizeof(token) - 1) {
			if (p[0] == '~' && p[1] == '1') {
				token[n++] = '/';
				p += 2;
			} else if (p[0] == '~' && p[1] == '0') {
				token[n++] = '~';
				p += 2;
			} else {
				token[n++] = *p++;
			}
		}
		token[n] = '\0';
		if (cJSON_IsArray(node)) {
			node = cJSON_GetArrayItem(
			    node, (int)strtol(token, NULL, 10));
		} else {
			node = cJSON_GetObjectItemCaseSensitive(node, token);
		}
		if (node == NULL)
			return NULL;
	}
	return *p == '\0' ? node : NULL;
}

/* Follow $ref until a schema without one. */
static const cJSON *
deref(const cJSON *doc, const cJSON *schema, const char **dangling)
{
	const cJSON *ref;
	int hops;

	*dangling = NULL;
	for (hops = 0; hops < MAX_REF_HOPS && schema != NULL; hops++) {
		ref = cJSON_GetObjectItemCaseSensitive(schema, "$ref");
		if (!cJSON_IsString(ref))
			return schema;
		schema = resolve(doc, ref->valuestring);
		if (schema == NULL)
			*dangling = ref->valuestring;
	}
	return schema;
}

/* ---- Errors and paths -----------------------------------------------------
 */

static int fail(struct ctx *c, const char *fmt, ...) CS_PRINTF(2, 3);

static int
fail(struct ctx *c, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return cs_error_set(c->err, CS_EINVAL, "%s: %s", c->path, msg);
}

static size_t
path_push_key(struct ctx *c, const char *key)
{
	size_t old = c->plen;
	int n;

	n = snprintf(c->path + c->plen, sizeof(c->path) - c->plen, ".%s", key);
	if (n > 0 && c->plen + (size_t)n < sizeof(c->path))
		c->plen += (size_t)n;
	return old;
}

static size_t
path_push_index(struct ctx *c, int i)
{
	size_t old = c->plen;
	int n;

	n = snprintf(c->path + c->plen, sizeof(c->path) - c->plen, "[%d]", i);
	if (n > 0 && c->plen + (size_t)n < sizeof(c->path))
		c->plen += (size_t)n;
	return old;
}

static void
path_pop(struct ctx *c, size_t old)
{
	c->plen = old;
	c->path[old] = '\0';
}

static const char *
kind(const cJSON *v)
{
	if (cJSON_IsNull(v))
		return "null";
	if (cJSON_IsBool(v))
		return "boolean";
	if (cJSON_IsNumber(v))
		return v->valuedouble == floor(v->valuedouble) ? "integer"
		                                               : "number";
	if (cJSON_IsString(v))
		return "string";
	if (cJSON_IsArray(v))
		return "array";
	if (cJSON_IsObject(v))
		return "object";
	return "invalid";
}

/* ---- Keywords -------------------------------------------------------------
 */

static int validate(struct ctx *c, const cJSON *schema, const cJSON *v);

static bool
json_equal(const cJSON *a, const cJSON *b)
{
	return cJSON_Compare(a, b, true) != 0;
}

/* "YYYY-MM-DDTHH:MM:SS" then anything (fraction, Z, offset or nothing). */
static bool
looks_like_datetime(const char *s)
{
	static const char shape[] = "dddd-dd-ddTdd:dd:dd";
	size_t i;

	for (i = 0; shape[i] != '\0'; i++) {
		if (s[i] == '\0')
			return false;
		if (shape[i] == 'd' ? !isdigit((unsigned char)s[i])
		                    : s[i] != shape[i])
			return false;
	}
	return true;
}

static int
check_type(struct ctx *c, const cJSON *schema, const char *type, const cJSON *v)
{
	const cJSON *fmt = cJSON_GetObjectItemCaseSensitive(schema, "format");
	const char *f = cJSON_IsString(fmt) ? fmt->valuestring : "";
	double d;

	if (strcmp(type, "string") == 0) {
		if (!cJSON_IsString(v))
			return fail(c, "expected string, got %s", kind(v));
		if (strcmp(f, "date-time") == 0 &&
		    !looks_like_datetime(v->valuestring))
			return fail(
			    c, "\"%s\" is not a date-time", v->valuestring);
	} else if (strcmp(type, "integer") == 0) {
		if (!cJSON_IsNumber(v))
			return fail(c, "expected integer, got %s", kind(v));
		d = v->valuedouble;
		if (d != floor(d) || !isfinite(d))
			return fail(c, "expected integer, got %g", d);
		if (strcmp(f, "int32") == 0 &&
		    (d < -2147483648.0 || d > 2147483647.0))
			return fail(c, "%.0f is out of int32 range", d);
		if (strcmp(f, "int64") == 0 &&
		    (d < -9223372036854775808.0 || d >= 9223372036854775808.0))
			return fail(c, "%.0f is out of int64 range", d);
	} else if (strcmp(type, "number") == 0) {
		if (!cJSON_IsNumber(v))
			return fail(c, "expected number, got %s", kind(v));
	} else if (strcmp(type, "boolean") == 0) {
		if (!cJSON_IsBool(v))
			return fail(c, "expected boolean, got %s", kind(v));
	} else if (strcmp(type, "object") == 0) {
		if (!cJSON_IsObject(v))
			return fail(c, "expected object, got %s", kind(v));
	} else if (strcmp(type, "array") == 0) {
		if (!cJSON_IsArray(v))
			return fail(c, "expected array, got %s", kind(v));
	} else {
		return fail(c, "schema has unknown type \"%s\"", type);
	}
	return 0;
}

static int
check_bounds(struct ctx *c, const cJSON *schema, const cJSON *v)
{
	const cJSON *k;
	size_t len;

	if (cJSON_IsNumber(v)) {
		k = cJSON_GetObjectItemCaseSensitive(schema, "minimum");
		if (cJSON_IsNumber(k) && v->valuedouble < k->valuedouble)
			return fail(c, "%g is below the minimum %g",
			    v->valuedouble, k->valuedouble);
		k = cJSON_GetObjectItemCaseSensitive(schema, "maximum");
		if (cJSON_IsNumber(k) && v->valuedouble > k->valuedouble)
			return fail(c, "%g is above the maximum %g",
			    v->valuedouble, k->valuedouble);
	}
	if (cJSON_IsString(v)) {
		len = strlen(v->valuestring);
		k = cJSON_GetObjectItemCaseSensitive(schema, "minLength");
		if (cJSON_IsNumber(k) && (double)len < k->valuedouble)
			return fail(
			    c, "string shorter than %g", k->valuedouble);
		k = cJSON_GetObjectItemCaseSensitive(schema, "maxLength");
		if (cJSON_IsNumber(k) && (double)len > k->valuedouble)
			return fail(c, "string longer than %g", k->valuedouble);
	}
	if (cJSON_IsArray(v)) {
		len = (size_t)cJSON_GetArraySize(v);
		k = cJSON_GetObjectItemCaseSensitive(schema, "minItems");
		if (cJSON_IsNumber(k) && (double)len < k->valuedouble)
			return fail(c, "fewer than %g items", k->valuedouble);
		k = cJSON_GetObjectItemCaseSensitive(schema, "maxItems");
		if (cJSON_IsNumber(k) && (double)len > k->valuedouble)
			return fail(c, "more than %g items", k->valuedouble);
	}
	return 0;
}

static int
check_enum(struct ctx *c, const cJSON *schema, const cJSON *v)
{
	const cJSON *e = cJSON_GetObjectItemCaseSensitive(schema, "enum"), *it;
	char *text;
	int rc;

	if (!cJSON_IsArray(e))
		return 0;
	cJSON_ArrayForEach(it, e) {
		if (json_equal(it, v))
			return 0;
	}
	text = cJSON_PrintUnformatted(v);
	rc = fail(
	    c, "%s is not one of the enum values", text != NULL ? text : "?");
	free(text);
	return rc;
}

static int
check_object(struct ctx *c, const cJSON *schema, const cJSON *v)
{
	const cJSON *props, *req, *addl, *it, *sub;
	size_t old;
	int rc;

	props = cJSON_GetObjectItemCaseSensitive(schema, "properties");
	req = cJSON_GetObjectItemCaseSensitive(schema, "required");
	addl = cJSON_GetObjectItemCaseSensitive(schema, "additionalProperties");
	cJSON_ArrayForEach(it, req) {
		if (cJSON_IsString(it) && cJSON_GetObjectItemCaseSensitive(
		                              v, it->valuestring) == NULL)
			return fail(c, "required property \"%s\" is missing",
			    it->valuestring);
	}
	cJSON_ArrayForEach(it, v) {
		sub = props != NULL
		          ? cJSON_GetObjectItemCaseSensitive(props, it->string)
		          : NULL;
		if (sub == NULL) {
			if (cJSON_IsFalse(addl) &&
			    !(c->flags & CS_OPENAPI_ALLOW_EXTRA)) {
				old = path_push_key(c, it->string);
				rc = fail(c, "property not allowed by the "
				             "schema");
				path_pop(c, old);
				return rc;
			}
			if (!cJSON_IsObject(addl))
				continue;
			sub = addl;
		}
		old = path_push_key(c, it->string);
		rc = validate(c, sub, it);
		path_pop(c, old);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static int
check_array(struct ctx *c, const cJSON *schema, const cJSON *v)
{
	const cJSON *items = cJSON_GetObjectItemCaseSensitive(schema, "items");
	const cJSON *it;
	size_t old;
	int i = 0, rc;

	if (items == NULL)
		return 0;
	cJSON_ArrayForEach(it, v) {
		old = path_push_index(c, i++);
		rc = validate(c, items, it);
		path_pop(c, old);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* allOf, anyOf, oneOf. Sub-errors are kept only for allOf. */
static int
check_combinators(struct ctx *c, const cJSON *schema, const cJSON *v)
{
	const cJSON *all, *any, *one, *it;
	struct cs_error saved, scratch = CS_ERROR_INIT;
	struct cs_error *outer = c->err;
	int matches, rc;

	all = cJSON_GetObjectItemCaseSensitive(schema, "allOf");
	cJSON_ArrayForEach(it, all) {
		rc = validate(c, it, v);
		if (rc < 0)
			return rc;
	}
	any = cJSON_GetObjectItemCaseSensitive(schema, "anyOf");
	one = cJSON_GetObjectItemCaseSensitive(schema, "oneOf");
	if (any == NULL && one == NULL)
		return 0;
	saved = scratch;
	c->err = &scratch;
	if (any != NULL) {
		matches = 0;
		cJSON_ArrayForEach(it, any) {
			if (validate(c, it, v) == 0)
				matches++;
			else
				saved = scratch;
		}
		if (matches == 0) {
			c->err = outer;
			return fail(c, "matches no anyOf branch (%s)",
			    cs_error_msg(&saved));
		}
	}
	if (one != NULL) {
		matches = 0;
		cJSON_ArrayForEach(it, one) {
			if (validate(c, it, v) == 0)
				matches++;
			else
				saved = scratch;
		}
		if (matches != 1) {
			c->err = outer;
			if (matches == 0)
				return fail(c, "matches no oneOf branch (%s)",
				    cs_error_msg(&saved));
			return fail(c, "matches %d oneOf branches", matches);
		}
	}
	c->err = outer;
	return 0;
}

static int
validate(struct ctx *c, const cJSON *schema, const cJSON *v)
{
	const cJSON *type, *nullable;
	const char *dangling = NULL;
	int rc;

	if (c->depth >= MAX_DEPTH)
		return fail(c, "schema nests too deeply");
	schema = deref(c->doc, schema, &dangling);
	if (schema == NULL)
		return fail(c, "schema reference %s does not resolve",
		    dangling != NULL ? dangling : "?");
	if (cJSON_IsTrue(schema))
		return 0;
	type = cJSON_GetObjectItemCaseSensitive(schema, "type");
	nullable = cJSON_GetObjectItemCaseSensitive(schema, "nullable");
	if (cJSON_IsNull(v)) {
		/* OpenAPI 3.0: null only where nullable, or untyped. */
		if (cJSON_IsTrue(nullable) || type == NULL)
			return 0;
		return fail(c, "null is not allowed (not nullable)");
	}
	c->depth++;
	rc = 0;
	if (cJSON_IsString(type))
		rc = check_type(c, schema, type->valuestring, v);
	if (rc == 0)
		rc = check_enum(c, schema, v);
	if (rc == 0)
		rc = check_bounds(c, schema, v);
	if (rc == 0 && cJSON_IsObject(v))
		rc = check_object(c, schema, v);
	if (rc == 0 && cJSON_IsArray(v))
		rc = check_array(c, schema, v);
	if (rc == 0)
		rc = check_combinators(c, schema, v);
	c->depth--;
	return rc;
}

/* ---- Public ---------------------------------------------------------------
 */

cJSON *
cs_openapi_load(const char *path, struct cs_error *err)
{
	struct cs_buf b = CS_BUF_INIT(SPEC_MAX_BYTES);
	char chunk[65536];
	cJSON *doc = NULL;
	FILE *f;
	size_t n;

	f = fopen(path, "rb");
	if (f == NULL) {
		cs_error_set(err, CS_ENOTFOUND, "cannot open %s", path);
		return NULL;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		if (cs_buf_put(&b, chunk, n) < 0) {
			cs_error_set(err, CS_ETOOBIG, "%s is too large", path);
			goto out;
		}
	}
	doc = cJSON_ParseWithLength(cs_buf_cstr(&b), b.len);
	if (doc == NULL)
		cs_error_set(err, CS_EPARSE, "%s is not JSON", path);
out:
	fclose(f);
	cs_buf_dispose(&b);
	return doc;
}

const cJSON *
cs_openapi_response_schema(
    const cJSON *doc, const char *method, const char *path_tpl, int status)
{
	const cJSON *paths, *op, *resp, *content, *media;
	const char *dangling;
	char m[16], code[16];
	size_t i;

	for (i = 0; i < sizeof(m) - 1 && method[i] != '\0'; i++)
		m[i] = (char)tolower((unsigned char)method[i]);
	m[i] = '\0';
	snprintf(code, sizeof(code), "%d", status);
	paths = cJSON_GetObjectItemCaseSensitive(doc, "paths");
	op = cJSON_GetObjectItemCaseSensitive(
	    cJSON_GetObjectItemCaseSensitive(paths, path_tpl), m);
	resp = cJSON_GetObjectItemCaseSensitive(
	    cJSON_GetObjectItemCaseSensitive(op, "responses"), code);
	resp = deref(doc, resp, &dangling);
	content = cJSON_GetObjectItemCaseSensitive(resp, "content");
	if (content == NULL)
		return NULL;
	media = cJSON_GetObjectItemCaseSensitive(content, "application/json");
	if (media == NULL)
		media = content->child;
	return cJSON_GetObjectItemCaseSensitive(media, "schema");
}

int
cs_openapi_validate(const cJSON *doc, const cJSON *schema, const cJSON *value,
    unsigned flags, struct cs_error *err)
{
	struct ctx c;

	memset(&c, 0, sizeof(c));
	c.doc = doc;
	c.flags = flags;
	c.err = err;
	c.path[0] = '$';
	c.plen = 1;
	return validate(&c, schema, value);
}

int
cs_openapi_check_response(const cJSON *doc, const char *method,
    const char *path_tpl, int status, const char *body, size_t len,
    unsigned flags, struct cs_error *err)
{
	const cJSON *schema;
	cJSON *value;
	int rc;

	schema = cs_openapi_response_schema(doc, method, path_tpl, status);
	if (schema == NULL)
		return cs_error_set(err, CS_ENOTFOUND,
		    "the spec has no %s %s %d response", method, path_tpl,
		    status);
	value = cJSON_ParseWithLength(body, len);
	if (value == NULL)
		return cs_error_set(err, CS_EPARSE, "the body is not JSON");
	rc = cs_openapi_validate(doc, schema, value, flags, err);
	cJSON_Delete(value);
	return rc;
}
