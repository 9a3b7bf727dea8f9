/* SPDX-License-Identifier: MIT */
/* An inventory search's terms (core/search.h). */
#include "test.h"

#include <string.h>

#include "core/search.h"
#include "util/error.h"

CS_TEST(search__terms)
{
	static const struct {
		const char *text;
		const char *uid_prefix, *name_like, *exact;
		int64_t number;
	} cases[] = {
	    {"5C81", "5c81%", "%5C81%", "5c81", -1},
	    {"  Lab Rat #1 ", "lab rat #1%", "%Lab Rat #1%", "lab rat #1", -1},
	    {"12", "12%", "%12%", "12", 12},
	    {"#12", "#12%", "%#12%", "#12", 12},
	    {"#0", "#0%", "%#0%", "#0", -1},
	    {"50%_off\\", "50\\%\\_off\\\\%", "%50\\%\\_off\\\\%", "50%_off\\",
	        -1},
	};
	struct cs_search_terms t;
	char big[CS_SEARCH_MAX + 2];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ASSERT_OK(cs_search_terms(cases[i].text, &t));
		ASSERT_STR_EQ(t.uid_prefix, cases[i].uid_prefix);
		ASSERT_STR_EQ(t.name_like, cases[i].name_like);
		ASSERT_STR_EQ(t.exact, cases[i].exact);
		ASSERT_EQ(t.number, cases[i].number);
	}
	ASSERT_EQ(cs_search_terms("", &t), CS_EINVAL);
	ASSERT_EQ(cs_search_terms(" \t ", &t), CS_EINVAL);
	ASSERT_EQ(cs_search_terms(NULL, &t), CS_EINVAL);
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	ASSERT_EQ(cs_search_terms(big, &t), CS_EINVAL);
	big[CS_SEARCH_MAX] = '\0';
	ASSERT_OK(cs_search_terms(big, &t));
}
