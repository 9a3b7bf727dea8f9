/* SPDX-License-Identifier: MIT */
/* Files built into the binary by cmake/EmbedFiles.cmake. */
#ifndef CS_UTIL_EMBED_H
#define CS_UTIL_EMBED_H

#include <stddef.h>

struct cs_embedded_file {
	const char *name;          /* base name, e.g. "001_init.sql" */
	const unsigned char *data; /* NUL-terminated */
	size_t len;                /* without the terminator */
};

/** The entry named name in a table ended by a NULL name, or NULL. */
const struct cs_embedded_file *cs_embedded_find(
    const struct cs_embedded_file *table, const char *name);

#endif
