/* SPDX-License-Identifier: MIT */
/* Aligned text tables; see table.h. */
#include "cli/table.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "util/vec.h"
#include "util/xalloc.h"
#include "util/banned.h"

struct cs_table {
	size_t ncols;
	struct cs_vec cells; /* char *, ncols per row, row 0 the headers */
};

/* Display width: count UTF-8 lead bytes, not continuation bytes. */
static size_t
width(const char *s)
{
	size_t w = 0;

	for (; *s != '\0'; s++)
		w += ((unsigned char)*s & 0xc0) != 0x80;
	return w;
}

struct cs_table *
cs_table_new(size_t ncols, const char *const *headers)
{
	struct cs_table *t = cs_xcalloc(1, sizeof(*t));

	t->ncols = ncols;
	cs_vec_init(&t->cells, sizeof(char *));
	cs_table_row(t, headers);
	return t;
}

void
cs_table_row(struct cs_table *t, const char *const *cells)
{
	size_t i;

	for (i = 0; i < t->ncols; i++) {
		char **slot = cs_vec_push(&t->cells);

		*slot = cs_xstrdup(cells[i] != NULL ? cells[i] : "-");
	}
}

void
cs_table_rowf(struct cs_table *t, const char *fmt, ...)
{
	va_list ap;
	char *line, *p, *tab;
	size_t i;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	line = cs_xmalloc((size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(line, (size_t)n + 1, fmt, ap);
	va_end(ap);
	p = line;
	for (i = 0; i < t->ncols; i++) {
		char **slot = cs_vec_push(&t->cells);

		tab = p != NULL ? strchr(p, '\t') : NULL;
		if (tab != NULL)
			*tab = '\0';
		*slot = cs_xstrdup(p != NULL ? p : "");
		p = tab != NULL ? tab + 1 : NULL;
	}
	free(line);
}

size_t
cs_table_rows(const struct cs_table *t)
{
	return t->cells.len / t->ncols - 1;
}

void
cs_table_widen(const struct cs_table *t, size_t *w)
{
	size_t rows = t->cells.len / t->ncols, r, c;

	for (r = 0; r < rows; r++) {
		for (c = 0; c < t->ncols; c++) {
			size_t cw = width(
			    *CS_VEC_AT(&t->cells, char *, r * t->ncols + c));

			if (cw > w[c])
				w[c] = cw;
		}
	}
}

void
cs_table_print_widths(
    const struct cs_table *t, const size_t *w, bool header, FILE *f)
{
	size_t rows = t->cells.len / t->ncols, r, c, k;

	for (r = header ? 0 : 1; r < rows; r++) {
		for (c = 0; c < t->ncols; c++) {
			const char *s =
			    *CS_VEC_AT(&t->cells, char *, r * t->ncols + c);

			fputs(s, f);
			if (c + 1 == t->ncols)
				break;
			for (k = width(s); k < w[c] + 2; k++)
				fputc(' ', f);
		}
		fputc('\n', f);
	}
}

void
cs_table_print(const struct cs_table *t, FILE *f)
{
	size_t *w = cs_xcalloc(t->ncols, sizeof(*w));

	cs_table_widen(t, w);
	cs_table_print_widths(t, w, true, f);
	free(w);
}

void
cs_table_clear(struct cs_table *t)
{
	size_t i;

	for (i = t->ncols; i < t->cells.len; i++)
		free(*CS_VEC_AT(&t->cells, char *, i));
	t->cells.len = t->ncols;
}

void
cs_table_free(struct cs_table *t)
{
	size_t i;

	if (t == NULL)
		return;
	for (i = 0; i < t->cells.len; i++)
		free(*CS_VEC_AT(&t->cells, char *, i));
	cs_vec_dispose(&t->cells);
	free(t);
}
