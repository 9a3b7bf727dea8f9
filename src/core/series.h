/* SPDX-License-Identifier: MIT */
/*
 * A campaign's NFTs over time, from its status history: for each period
 * (an hour to a month, chosen so that at most CS_SERIES_MAX_POINTS cover
 * the history) the sales made in it and the available, reserved and sold
 * counts at its end. Computed backwards from the current counts: every
 * status change has its history row (the store's rule), so undoing the
 * rows newest first gives the counts at any earlier time. NFTs imported
 * available write no row, so they count as available since the first row.
 * Pure.
 */
#ifndef CS_CORE_SERIES_H
#define CS_CORE_SERIES_H

#include <stddef.h>
#include <stdint.h>

#include "core/model.h"

#define CS_SERIES_MAX_POINTS 60

/* One status change (a status_history row). */
struct cs_series_change {
	int64_t at; /* ms */
	enum cs_nft_status old_status;
	enum cs_nft_status new_status;
};

struct cs_series_point {
	int64_t at;    /* the period's start, ms */
	int64_t sales; /* changes into sold within the period */
	int64_t available, reserved, sold; /* at the period's end */
};

/**
 * Build the series of changes (n of them, oldest first) that end with
 * the counts now.
 *
 * @param out room for CS_SERIES_MAX_POINTS points, oldest first
 * @param bucket_ms out: each period's length
 * @return how many points (0 when there is no change)
 */
size_t cs_series_build(const struct cs_series_change *changes, size_t n,
    int64_t now, const struct cs_counts *current, struct cs_series_point *out,
    int64_t *bucket_ms);

#endif
