/* SPDX-License-Identifier: MIT */
/* YAML to cJSON for tests; see yaml.h. */
#include "support/yaml.h"

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "util/xalloc.h"
#include "util/banned.h"

#define MAX_DEPTH 256
#define MAX_ANCHORS 1024

struct anchor {
	char *name;
	const cJSON *node; /* borrowed from the tree being built */
};

struct loader {
	yaml_parser_t parser;
	struct cs_error *err;
	struct anchor anchors[MAX_ANCHORS];
	size_t nanchors;
	int depth;
};

/* ---- Errors ----------------------------------------------------------- */

static int
parser_error(struct loader *l)
{
	const yaml_parser_t *p = &l->parser;

	return cs_error_set(l->err, CS_EPARSE,
	    "YAML line %zu column %zu: %s%s%s", p->problem_mark.line + 1,
	    p->problem_mark.column + 1,
	    p->problem != NULL ? p->problem : "syntax error",
	    p->context != NULL ? " " : "",
	    p->context != NULL ? p->context : "");
}

static int
event_error(struct loader *l, const yaml_event_t *ev, const char *what)
{
	return cs_error_set(l->err, CS_EPARSE, "YAML line %zu column %zu: %s",
	    ev->start_mark.line + 1, ev->start_mark.column + 1, what);
}

static int
next(struct loader *l, yaml_event_t *ev)
{
	if (!yaml_parser_parse(&l->parser, ev))
		return parser_error(l);
	return 0;
}

/* ---- Scalars (YAML 1.2 core schema) ------------------------------------ */

static bool
is_one_of(const char *s, const char *const *words)
{
	for (; *words != NULL; words++) {
		if (strcmp(s, *words) == 0)
			return true;
	}
	return false;
}

static bool
all_digits(const char *s, const char *set)
{
	if (*s == '\0')
		return false;
	for (; *s != '\0'; s++) {
		if (strchr(set, *s) == NULL)
			return false;
	}
	return true;
}

/* [-+]? [0-9]+ */
static bool
is_decimal_int(const char *s)
{
	if (*s == '-' || *s == '+')
		s++;
	return all_digits(s, "0123456789");
}

/* [-+]? ( \. [0-9]+ | [0-9]+ ( \. [0-9]* )? ) ( [eE] [-+]? [0-9]+ )? */
static bool
is_float(const char *s)
{
	size_t digits = 0;

	if (*s == '-' || *s == '+')
		s++;
	if (*s == '.') {
		s++;
		while (*s >= '0' && *s <= '9') {
			s++;
			digits++;
		}
		if (digits == 0)
			return false;
	} else {
		while (*s >= '0' && *s <= '9') {
			s++;
			digits++;
		}
		if (digits == 0)
			return false;
		if (*s == '.') {
			s++;
			while (*s >= '0' && *s <= '9')
				s++;
		}
	}
	if (*s == 'e' || *s == 'E') {
		s++;
		if (*s == '-' || *s == '+')
			s++;
		if (!(*s >= '0' && *s <= '9'))
			return false;
		while (*s >= '0' && *s <= '9')
			s++;
	}
	return *s == '\0';
}

static cJSON *
number(const char *s, int base)
{
	if (base != 10)
		return cJSON_CreateNumber((double)strtoull(s, NULL, base));
	return cJSON_CreateNumber(strtod(s, NULL));
}

/* What a plain, untagged scalar is. */
static cJSON *
resolve_plain(const char *s)
{
	static const char *const nulls[] = {
	    "", "~", "null", "Null", "NULL", NULL};
	static const char *const trues[] = {"true", "True", "TRUE", NULL};
	static const char *const falses[] = {"false", "False", "FALSE", NULL};
	static const char *const infs[] = {
	    ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", NULL};
	static const char *const minfs[] = {"-.inf", "-.Inf", "-.INF", NULL};
	static const char *const nans[] = {".nan", ".NaN", ".NAN", NULL};

	if (is_one_of(s, nulls))
		return cJSON_CreateNull();
	if (is_one_of(s, trues))
		return cJSON_CreateTrue();
	if (is_one_of(s, falses))
		return cJSON_CreateFalse();
	if (is_decimal_int(s) || is_float(s))
		return number(s, 10);
	if (strncmp(s, "0o", 2) == 0 && all_digits(s + 2, "01234567"))
		return number(s + 2, 8);
	if (strncmp(s, "0x", 2) == 0 &&
	    all_digits(s + 2, "0123456789abcdefABCDEF"))
		return number(s + 2, 16);
	if (is_one_of(s, infs))
		return cJSON_CreateNumber(HUGE_VAL);
	if (is_one_of(s, minfs))
		return cJSON_CreateNumber(-HUGE_VAL);
	if (is_one_of(s, nans))
		return cJSON_CreateNumber(NAN);
	return cJSON_CreateString(s);
}

static cJSON *
scalar(struct loader *l, const yaml_event_t *ev)
{
	const char *tag = (const char *)ev->data.scalar.tag;
	const char *s = (const char *)ev->data.scalar.value;
	cJSON *v;

	if (strlen(s) != ev->data.scalar.length) {
		event_error(l, ev, "a scalar holds a NUL byte");
		return NULL;
	}
	if (tag == NULL) {
		if (ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE)
			return resolve_plain(s);
		return cJSON_CreateString(s);
	}
	if (strcmp(tag, YAML_STR_TAG) == 0 || strcmp(tag, "!") == 0)
		return cJSON_CreateString(s);
	v = resolve_plain(s);
	if ((strcmp(tag, YAML_NULL_TAG) == 0 && cJSON_IsNull(v)) ||
	    (strcmp(tag, YAML_BOOL_TAG) == 0 && cJSON_IsBool(v)) ||
	    ((strcmp(tag, YAML_INT_TAG) == 0 ||
	         strcmp(tag, YAML_FLOAT_TAG) == 0) &&
	        cJSON_IsNumber(v)))
		return v;
	cJSON_Delete(v);
	event_error(l, ev, "a tagged scalar does not read as its tag");
	return NULL;
}

/* ---- Anchors ----------------------------------------------------------- */

static int
anchor_add(struct loader *l, const yaml_event_t *ev, const char *name,
    const cJSON *node)
{
	if (name == NULL)
		return 0;
	if (l->nanchors == MAX_ANCHORS)
		return event_error(l, ev, "too many anchors");
	l->anchors[l->nanchors].name = cs_xstrdup(name);
	l->anchors[l->nanchors].node = node;
	l->nanchors++;
	return 0;
}

static cJSON *
alias(struct loader *l, const yaml_event_t *ev)
{
	const char *name = (const char *)ev->data.alias.anchor;
	size_t i;

	/* The latest definition of a name wins. */
	for (i = l->nanchors; i > 0; i--) {
		if (strcmp(l->anchors[i - 1].name, name) == 0)
			return cJSON_Duplicate(l->anchors[i - 1].node, true);
	}
	event_error(l, ev, "an alias names no anchor");
	return NULL;
}

/* ---- Nodes ------------------------------------------------------------- */

static cJSON *node(struct loader *l, yaml_event_t *ev);

/* The text of a mapping key: scalars only. */
static char *
key_text(struct loader *l, yaml_event_t *ev)
{
	if (ev->type != YAML_SCALAR_EVENT) {
		event_error(l, ev, "a mapping key is not a scalar");
		return NULL;
	}
	return cs_xstrdup((const char *)ev->data.scalar.value);
}

static cJSON *
mapping(struct loader *l)
{
	yaml_event_t ev;
	cJSON *obj = cJSON_CreateObject(), *v;
	char *key;

	for (;;) {
		if (next(l, &ev) < 0)
			goto fail;
		if (ev.type == YAML_MAPPING_END_EVENT) {
			yaml_event_delete(&ev);
			break;
		}
		key = key_text(l, &ev);
		yaml_event_delete(&ev);
		if (key == NULL)
			goto fail;
		if (next(l, &ev) < 0) {
			free(key);
			goto fail;
		}
		v = node(l, &ev);
		yaml_event_delete(&ev);
		if (v == NULL) {
			free(key);
			goto fail;
		}
		/* A repeated key: the last one wins, as most loaders do. */
		cJSON_DeleteItemFromObjectCaseSensitive(obj, key);
		cJSON_AddItemToObject(obj, key, v);
		free(key);
	}
	return obj;
fail:
	cJSON_Delete(obj);
	return NULL;
}

static cJSON *
sequence(struct loader *l)
{
	yaml_event_t ev;
	cJSON *arr = cJSON_CreateArray(), *v;

	for (;;) {
		if (next(l, &ev) < 0)
			goto fail;
		if (ev.type == YAML_SEQUENCE_END_EVENT) {
			yaml_event_delete(&ev);
			break;
		}
		v = node(l, &ev);
		yaml_event_delete(&ev);
		if (v == NULL)
			goto fail;
		cJSON_AddItemToArray(arr, v);
	}
	return arr;
fail:
	cJSON_Delete(arr);
	return NULL;
}

/* The node that ev starts; ev stays the caller's to delete. */
static cJSON *
node(struct loader *l, yaml_event_t *ev)
{
	const char *anchor = NULL;
	cJSON *v = NULL;

	if (l->depth >= MAX_DEPTH) {
		event_error(l, ev, "nested too deeply");
		return NULL;
	}
	l->depth++;
	switch (ev->type) {
	case YAML_SCALAR_EVENT:
		anchor = (const char *)ev->data.scalar.anchor;
		v = scalar(l, ev);
		break;
	case YAML_SEQUENCE_START_EVENT:
		anchor = (const char *)ev->data.sequence_start.anchor;
		v = sequence(l);
		break;
	case YAML_MAPPING_START_EVENT:
		anchor = (const char *)ev->data.mapping_start.anchor;
		v = mapping(l);
		break;
	case YAML_ALIAS_EVENT:
		v = alias(l, ev);
		break;
	default:
		event_error(l, ev, "unexpected event");
		break;
	}
	l->depth--;
	if (v != NULL && anchor_add(l, ev, anchor, v) < 0) {
		cJSON_Delete(v);
		v = NULL;
	}
	return v;
}

/* Stream start, document start, the root node, and no further check. */
static cJSON *
load(struct loader *l)
{
	yaml_event_t ev;
	cJSON *root = NULL;

	for (;;) {
		if (next(l, &ev) < 0)
			return NULL;
		if (ev.type == YAML_STREAM_END_EVENT) {
			yaml_event_delete(&ev);
			cs_error_set(l->err, CS_EPARSE, "YAML: no document");
			return NULL;
		}
		if (ev.type == YAML_STREAM_START_EVENT ||
		    ev.type == YAML_DOCUMENT_START_EVENT) {
			yaml_event_delete(&ev);
			continue;
		}
		root = node(l, &ev);
		yaml_event_delete(&ev);
		return root;
	}
}

static cJSON *
run(struct loader *l)
{
	cJSON *root = load(l);
	size_t i;

	for (i = 0; i < l->nanchors; i++)
		free(l->anchors[i].name);
	yaml_parser_delete(&l->parser);
	return root;
}

cJSON *
cs_yaml_parse(const char *text, size_t len, struct cs_error *err)
{
	struct loader *l = cs_xcalloc(1, sizeof(*l));
	cJSON *root;

	l->err = err;
	if (!yaml_parser_initialize(&l->parser))
		abort();
	yaml_parser_set_input_string(
	    &l->parser, (const unsigned char *)text, len);
	root = run(l);
	free(l);
	return root;
}

cJSON *
cs_yaml_load_file(const char *path, struct cs_error *err)
{
	struct loader *l;
	cJSON *root;
	FILE *f;

	f = fopen(path, "rb");
	if (f == NULL) {
		cs_error_set(err, CS_ENOTFOUND, "cannot open %s: %s", path,
		    strerror(errno));
		return NULL;
	}
	l = cs_xcalloc(1, sizeof(*l));
	l->err = err;
	if (!yaml_parser_initialize(&l->parser))
		abort();
	yaml_parser_set_input_file(&l->parser, f);
	root = run(l);
	free(l);
	fclose(f);
	return root;
}
