/* SPDX-License-Identifier: MIT */
/*
 * YAML to cJSON for tests (libyaml), so that docs/openapi.yaml can be
 * handed to the OpenAPI validator of openapi.h. Scalars follow the YAML 1.2
 * core schema: a quoted or block scalar is a string; a plain scalar that
 * reads as null (~, null, empty), a boolean (true, false), an integer
 * (decimal, 0o octal, 0x hex) or a float (.5, 1e3, .inf, .nan) becomes that
 * JSON type; every other plain scalar is a string. Explicit !!str, !!int,
 * !!float, !!bool and !!null tags are honoured. Mapping keys are kept as
 * their text. Aliases copy the anchored node. Only the first document of a
 * stream is read.
 */
#ifndef CS_TEST_YAML_H
#define CS_TEST_YAML_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "util/error.h"

/**
 * Parse len bytes of YAML text.
 *
 * @return the first document as JSON, caller owns (cJSON_Delete()); NULL
 *         on a syntax error or an empty stream, with the line and column in
 *         err (CS_EPARSE)
 */
cJSON *cs_yaml_parse(const char *text, size_t len, struct cs_error *err);

/**
 * Read and parse a YAML file.
 *
 * @return as cs_yaml_parse(); NULL with CS_ENOTFOUND if the file cannot be
 *         read
 */
cJSON *cs_yaml_load_file(const char *path, struct cs_error *err);

#endif
