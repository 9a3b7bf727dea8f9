/* SPDX-License-Identifier: MIT */
/*
 * Validate JSON (cJSON) against the OpenAPI 3.0 schemas of the official
 * specs in tests/fixtures/specs/, so the fakes and clients are checked
 * against what NMKR and Blockfrost publish. The subset: $ref (any local JSON
 * pointer), type (integer is not number), nullable, properties, required,
 * items, enum, format int32/int64 ranges and a date-time shape, minimum,
 * maximum, minLength, maxLength, minItems, maxItems, additionalProperties
 * (false only when the schema says so), allOf, oneOf and anyOf. Errors name
 * the JSON path that failed, e.g. "$[3].uid: expected string, got number".
 */
#ifndef CS_TEST_OPENAPI_H
#define CS_TEST_OPENAPI_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "util/error.h"

/*
 * Treat "additionalProperties": false as true. NMKR's spec is a 2022 export
 * that marks every schema closed although the live API has added fields
 * since (docs/upstream.md §0), so its newer fields must be allowed.
 */
#define CS_OPENAPI_ALLOW_EXTRA 0x1u

/**
 * Load a spec document. Caller owns the result, free with cJSON_Delete();
 * NULL if the file is missing or not JSON (err says which).
 */
cJSON *cs_openapi_load(const char *path, struct cs_error *err);

/**
 * The schema of the JSON response to method (any case) on path_tpl (as
 * written in the spec, e.g. "/v2/GetCounts/{projectuid}") with status,
 * following a $ref to #/components/responses. The "application/json" media
 * type is preferred, else the first one. Borrowed from doc; NULL when the
 * spec does not describe that response.
 */
const cJSON *cs_openapi_response_schema(
    const cJSON *doc, const char *method, const char *path_tpl, int status);

/**
 * Validate value against schema, resolving $ref in doc.
 *
 * @param flags CS_OPENAPI_ALLOW_EXTRA or 0
 * @return 0, or CS_EINVAL with the failing JSON path and reason in err
 */
CS_NODISCARD int cs_openapi_validate(const cJSON *doc, const cJSON *schema,
    const cJSON *value, unsigned flags, struct cs_error *err);

/**
 * Parse body (len bytes) and validate it against the response schema.
 *
 * @return 0; CS_ENOTFOUND when the spec has no such response, CS_EPARSE
 *         when body is not JSON, CS_EINVAL when it does not validate
 */
CS_NODISCARD int cs_openapi_check_response(const cJSON *doc, const char *method,
    const char *path_tpl, int status, const char *body, size_t len,
    unsigned flags, struct cs_error *err);

#endif
