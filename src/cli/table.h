/* SPDX-License-Identifier: MIT */
/* Aligned text tables for the human output of read commands. */
#ifndef CS_CLI_TABLE_H
#define CS_CLI_TABLE_H

#include <stddef.h>
#include <stdio.h>

#include "util/error.h"

struct cs_table;

/** A table of ncols columns with these headers (copied). Caller owns. */
struct cs_table *cs_table_new(size_t ncols, const char *const *headers);

/** Add a row of ncols cells (copied; NULL prints as "-"). */
void cs_table_row(struct cs_table *t, const char *const *cells);

/** Add a row from printf-formatted cells separated by '\t'. */
void cs_table_rowf(struct cs_table *t, const char *fmt, ...) CS_PRINTF(2, 3);

/** Print with columns padded to their widest cell, two spaces apart. */
void cs_table_print(const struct cs_table *t, FILE *f);

size_t cs_table_rows(const struct cs_table *t);

void cs_table_free(struct cs_table *t);

#endif
