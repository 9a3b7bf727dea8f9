/* SPDX-License-Identifier: MIT */
/* A campaign's NFTs over time; see series.h. */
#include "core/series.h"

#include "core/pure.h"

#define HOUR_MS (3600LL * 1000)

static const int64_t periods[] = {HOUR_MS, 6 * HOUR_MS, 24 * HOUR_MS,
    7 * 24 * HOUR_MS, 30 * 24 * HOUR_MS, 365 * 24 * HOUR_MS};

static int64_t *
slot(int64_t k[CS_NFT_STATUS_COUNT], enum cs_nft_status s)
{
	return &k[(unsigned)s < CS_NFT_STATUS_COUNT ? (unsigned)s : 0];
}

size_t
cs_series_build(const struct cs_series_change *changes, size_t n, int64_t now,
    const struct cs_counts *current, struct cs_series_point *out,
    int64_t *bucket_ms)
{
	int64_t k[CS_NFT_STATUS_COUNT], b = periods[0], start, end, nb;
	size_t i, p, j;

	*bucket_ms = 0;
	if (n == 0)
		return 0;
	if (now < changes[n - 1].at)
		now = changes[n - 1].at;
	for (i = 0; i < sizeof(periods) / sizeof(periods[0]); i++) {
		b = periods[i];
		start = changes[0].at - changes[0].at % b;
		if ((now - start) / b + 1 <= CS_SERIES_MAX_POINTS)
			break;
	}
	start = changes[0].at - changes[0].at % b;
	nb = (now - start) / b + 1;
	if (nb > CS_SERIES_MAX_POINTS) {
		/* Longer than the longest period allows: the newest ones. */
		start += (nb - CS_SERIES_MAX_POINTS) * b;
		nb = CS_SERIES_MAX_POINTS;
	}
	*bucket_ms = b;
	k[CS_NFT_AVAILABLE] = current->available;
	k[CS_NFT_RESERVED] = current->reserved;
	k[CS_NFT_SOLD] = current->sold;
	j = n; /* changes[j - 1] is the newest not yet undone */
	for (p = (size_t)nb; p > 0; p--) {
		struct cs_series_point *pt = &out[p - 1];

		pt->at = start + (int64_t)(p - 1) * b;
		end = pt->at + b;
		pt->sales = 0;
		/* Changes after the period (only the last may hold any, at
		 * now) are undone before its end counts are read. */
		while (j > 0 && changes[j - 1].at >= end) {
			(*slot(k, changes[j - 1].new_status))--;
			(*slot(k, changes[j - 1].old_status))++;
			j--;
		}
		pt->available = k[CS_NFT_AVAILABLE];
		pt->reserved = k[CS_NFT_RESERVED];
		pt->sold = k[CS_NFT_SOLD];
		for (i = j; i > 0 && changes[i - 1].at >= pt->at; i--) {
			if (changes[i - 1].new_status == CS_NFT_SOLD &&
			    changes[i - 1].old_status != CS_NFT_SOLD)
				pt->sales++;
		}
	}
	return (size_t)nb;
}
