/* SPDX-License-Identifier: MIT */
/*
 * What an operator's inventory search matches (the page's search box,
 * GET /api/campaigns/{id}/nfts?q=, `inventory list --search`): an NFT whose
 * uid starts with the text, whose name contains it (any case), whose
 * number it is ("12" or "#12"), or whose wallet (reserved by, sold to,
 * claimed by) or transaction hash it is, whole. The store runs the terms
 * as one query; here is only how the text becomes them.
 */
#ifndef CS_CORE_SEARCH_H
#define CS_CORE_SEARCH_H

#include <stdint.h>

#include "util/limits.h"

#define CS_SEARCH_MAX 120 /* bytes of search text */

struct cs_search_terms {
	/* LIKE patterns with '\' as their escape character. */
	char uid_prefix[2 * CS_SEARCH_MAX + 2]; /* "5c81%" */
	char name_like[2 * CS_SEARCH_MAX + 3];  /* "%rat #1%" */
	int64_t number;                         /* -1: not a number */
	char exact[CS_SEARCH_MAX + 1];          /* lower case: wallet, tx */
};

/**
 * The terms of text (surrounding spaces ignored).
 *
 * @return 0, or CS_EINVAL when text is empty or longer than
 *         CS_SEARCH_MAX bytes
 */
int cs_search_terms(const char *text, struct cs_search_terms *out);

#endif
