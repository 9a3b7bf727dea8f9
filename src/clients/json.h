/* SPDX-License-Identifier: MIT */
/*
 * Typed getters over cJSON for the upstream decoders. Unknown fields and
 * nulls are tolerated; a field we need that is missing, or has the wrong
 * type, is an error that names it ("GetNfts[3].uid: expected a string").
 * Names are matched without regard to case, as ASP.NET reads them.
 */
#ifndef CS_CLIENTS_JSON_H
#define CS_CLIENTS_JSON_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdint.h>

#include "util/arena.h"
#include "util/error.h"

/**
 * Parse a body that is not NUL-terminated (cJSON_ParseWithLength); a parse
 * failure is CS_EPARSE naming what and where.
 *
 * @param out caller owns, cJSON_Delete()
 */
CS_NODISCARD int cs_json_parse(const char *body, size_t len, const char *what,
    cJSON **out, struct cs_error *err);

/**
 * cs_json_parse(), then the document must be an object (array false) or an
 * array (array true): else CS_EPARSE "what: expected a JSON object" and
 * *out is NULL.
 */
CS_NODISCARD int cs_json_parse_shape(const char *body, size_t len,
    const char *what, bool array, cJSON **out, struct cs_error *err);

/**
 * Like cs_json_parse(), with every node of the document allocated from
 * arena instead of one malloc each: a GetNfts page is ~1,000 nodes, and
 * malloc and free were a third of a large sync's time. The document must
 * be used and cJSON_Delete()d (a no-op then) on this thread, and must not be
 * changed; the arena's memory is released by its owner.
 */
CS_NODISCARD int cs_json_parse_arena(const char *body, size_t len,
    const char *what, struct cs_arena *arena, cJSON **out,
    struct cs_error *err);

/** Leave arena mode entered by cs_json_parse_arena() (after the delete). */
void cs_json_arena_done(void);

/**
 * A string field. Missing or null: *out = NULL, and CS_EPARSE only when
 * required. @param ctx names the object in messages ("GetNfts[3]")
 */
CS_NODISCARD int cs_json_get_string(const cJSON *obj, const char *name,
    bool required, const char *ctx, const char **out, struct cs_error *err);

/**
 * An integer field: a whole JSON number in int64 range, converted by the
 * one checked conversion (cs_i64_from_double()); NaN, 1e300 and 2.5 are
 * CS_EPARSE naming the field. Missing or null: 0.
 */
CS_NODISCARD int cs_json_get_int(const cJSON *obj, const char *name,
    bool required, const char *ctx, int64_t *out, struct cs_error *err);

/**
 * The integer of a value already found (not NULL or null): as
 * cs_json_get_int(), the message naming ctx.name.
 */
CS_NODISCARD int cs_json_to_int(const cJSON *v, const char *ctx,
    const char *name, int64_t *out, struct cs_error *err);

/** "a string", "a number", ...: for messages. */
const char *cs_json_type_name(const cJSON *v);

/** A boolean field. */
CS_NODISCARD int cs_json_get_bool(const cJSON *obj, const char *name,
    bool required, const char *ctx, bool *out, struct cs_error *err);

#endif
