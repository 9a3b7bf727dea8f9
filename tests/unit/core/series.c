/* SPDX-License-Identifier: MIT */
/* core/series.c: a campaign's NFTs over time, from its history. */
#include "core/series.h"

#include "test.h"

#define H (3600LL * 1000)
#define T0 (480000LL * H) /* a whole hour */

CS_TEST(core_series__counts_back_from_now)
{
	static const struct cs_series_change ch[] = {
	    {T0 + 10 * 60000, CS_NFT_AVAILABLE, CS_NFT_SOLD},
	    {T0 + 2 * H + 30 * 60000, CS_NFT_AVAILABLE, CS_NFT_RESERVED},
	    {T0 + 2 * H + 40 * 60000, CS_NFT_RESERVED, CS_NFT_AVAILABLE},
	    {T0 + 5 * H, CS_NFT_AVAILABLE, CS_NFT_SOLD},
	    {T0 + 5 * H + 10 * 60000, CS_NFT_AVAILABLE, CS_NFT_RESERVED},
	};
	const struct cs_counts now = {10, 7, 1, 2};
	struct cs_series_point p[CS_SERIES_MAX_POINTS];
	int64_t b;
	size_t n, i;

	n = cs_series_build(ch, 5, T0 + 5 * H + 20 * 60000, &now, p, &b);
	ASSERT_EQ(b, H);
	ASSERT_EQ(n, 6);
	for (i = 0; i < n; i++)
		ASSERT_EQ(p[i].at, T0 + (int64_t)i * H);
	ASSERT_EQ(p[5].available, 7);
	ASSERT_EQ(p[5].reserved, 1);
	ASSERT_EQ(p[5].sold, 2);
	ASSERT_EQ(p[5].sales, 1);
	for (i = 0; i < 5; i++) {
		ASSERT_EQ(p[i].available, 9);
		ASSERT_EQ(p[i].reserved, 0);
		ASSERT_EQ(p[i].sold, 1);
		ASSERT_EQ(p[i].sales, i == 0 ? 1 : 0);
	}
}

CS_TEST(core_series__longer_histories_take_longer_periods)
{
	const struct cs_series_change ch[] = {
	    {T0, CS_NFT_AVAILABLE, CS_NFT_SOLD},
	    {T0 + 70 * H, CS_NFT_AVAILABLE, CS_NFT_SOLD},
	};
	const struct cs_counts now = {5, 3, 0, 2};
	struct cs_series_point p[CS_SERIES_MAX_POINTS];
	int64_t b;
	size_t n;

	ASSERT_EQ(cs_series_build(ch, 0, T0, &now, p, &b), 0);
	n = cs_series_build(ch, 2, T0 + 72 * H, &now, p, &b);
	ASSERT_EQ(b, 6 * H); /* 73 hours do not fit in 60 points */
	ASSERT_EQ(n, 13);
	ASSERT_EQ(p[0].sales, 1);
	ASSERT_EQ(p[0].sold, 1);
	ASSERT_EQ(p[11].sales, 1);
	ASSERT_EQ(p[11].sold, 2);
	ASSERT_EQ(p[12].sold, 2);
	ASSERT_EQ(p[12].available, 3);
}
