/* SPDX-License-Identifier: MIT */
/* An inventory search's terms; see search.h. */
#include "core/search.h"

#include <ctype.h>
#include <string.h>

#include "util/error.h"
#include "util/str.h"
#include "core/pure.h"

/* Copy s (n bytes) to out as the inside of a LIKE pattern: '%', '_' and
 * '\' escaped with '\'. out has room for 2n + 1 bytes. */
static size_t
like_escape(char *out, const char *s, size_t n)
{
	size_t i, k = 0;

	for (i = 0; i < n; i++) {
		if (s[i] == '%' || s[i] == '_' || s[i] == '\\')
			out[k++] = '\\';
		out[k++] = s[i];
	}
	out[k] = '\0';
	return k;
}

int
cs_search_terms(const char *text, struct cs_search_terms *out)
{
	const char *s = text != NULL ? text : "";
	char lower[CS_SEARCH_MAX + 1];
	size_t n, i, k;

	memset(out, 0, sizeof(*out));
	out->number = -1;
	while (*s == ' ' || *s == '\t')
		s++;
	n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	if (n == 0 || n > CS_SEARCH_MAX)
		return CS_EINVAL;
	for (i = 0; i < n; i++)
		lower[i] = (char)tolower((unsigned char)s[i]);
	lower[n] = '\0';

	k = like_escape(out->uid_prefix, lower, n);
	out->uid_prefix[k] = '%';
	out->uid_prefix[k + 1] = '\0';
	out->name_like[0] = '%';
	k = 1 + like_escape(out->name_like + 1, s, n);
	out->name_like[k] = '%';
	out->name_like[k + 1] = '\0';
	memcpy(out->exact, lower, n + 1);
	if (cs_str_to_i64(lower[0] == '#' ? lower + 1 : lower, 1, INT32_MAX,
	        &out->number) < 0)
		out->number = -1;
	return 0;
}
