/* SPDX-License-Identifier: MIT */
/* Aligned text tables for the human output of read commands. */
#ifndef CS_CLI_TABLE_H
#define CS_CLI_TABLE_H

#include <stdbool.h>
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

/*
 * A table too long to hold is printed in parts, in two passes over its
 * rows: cs_table_widen() each part into w, then cs_table_print_widths()
 * each part again (the headers with the first), cs_table_clear() between
 * parts. The output is that of cs_table_print() on the whole.
 */

/** Widen w (ncols widths, caller's) to the cells held, headers too. */
void cs_table_widen(const struct cs_table *t, size_t *w);

/** Print the rows held (the headers too when header) padded to w. */
void cs_table_print_widths(
    const struct cs_table *t, const size_t *w, bool header, FILE *f);

/** Drop every row but the headers. */
void cs_table_clear(struct cs_table *t);

size_t cs_table_rows(const struct cs_table *t);

void cs_table_free(struct cs_table *t);

#endif
