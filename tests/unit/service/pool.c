/* SPDX-License-Identifier: MIT */
/* The store pool's deadline (issue 13, finding 6). */
#include "test.h"

#include "service/pool.h"
#include "util/time.h"

CS_TEST(pool__a_borrower_waits_no_longer_than_it_said)
{
	struct cs_pool *p = NULL;
	struct cs_store *a = NULL, *b = NULL;
	int64_t t0, waited;

	ASSERT_OK(cs_pool_new(&p, "sqlite::memory:", 1, TERR));
	ASSERT_OK(cs_pool_get_wait(p, &a, 0, TERR));
	/* Every connection out: not at all, then 200 ms. */
	ASSERT_ERR(CS_EAGAIN, cs_pool_get_wait(p, &b, 0, TERR));
	ASSERT_TRUE(b == NULL);
	t0 = cs_mono_ms();
	ASSERT_ERR(CS_EAGAIN, cs_pool_get_wait(p, &b, 200, TERR));
	waited = cs_mono_ms() - t0;
	ASSERT_GE(waited, 190);
	ASSERT_LT(waited, 2000);
	ASSERT_STR_CONTAINS(cs_error_msg(TERR), "in use");
	/* Given back: the next borrower has it. */
	cs_pool_put(p, a);
	ASSERT_OK(cs_pool_get_wait(p, &b, 200, TERR));
	ASSERT_TRUE(b == a);
	cs_pool_put(p, b);
	cs_pool_free(p);
}
