/* SPDX-License-Identifier: MIT */
/* Lookup in embedded file tables; see embed.h. */
#include "util/embed.h"

#include <string.h>

#include "util/banned.h"

const struct cs_embedded_file *
cs_embedded_find(const struct cs_embedded_file *table, const char *name)
{
	for (; table->name != NULL; table++) {
		if (strcmp(table->name, name) == 0)
			return table;
	}
	return NULL;
}
