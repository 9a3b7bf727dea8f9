/* SPDX-License-Identifier: MIT */
/* Five-field cron schedules; see cron.h. */
#include "core/cron.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "core/pure.h"

static const char *const field_names[] = {
    "minute", "hour", "day of month", "month", "day of week"};
static const int field_min[] = {0, 0, 1, 1, 0};
static const int field_max[] = {59, 23, 31, 12, 7};

static int
number(const char **p, int *out)
{
	int v = 0, n = 0;

	while (isdigit((unsigned char)**p) && n < 3) {
		v = v * 10 + (**p - '0');
		(*p)++;
		n++;
	}
	if (n == 0 || isdigit((unsigned char)**p))
		return -1;
	*out = v;
	return 0;
}

/* Parse one field (up to the next space) into a bit set. */
static int
field(const char **p, int f, uint64_t *bits, bool *any, struct cs_error *err)
{
	int lo, hi, step, v;

	*bits = 0;
	*any = false;
	for (;;) {
		step = 1;
		if (**p == '*') {
			(*p)++;
			lo = field_min[f];
			hi = field_max[f];
			*any = true;
		} else {
			if (number(p, &lo) < 0)
				goto bad;
			hi = lo;
			if (**p == '-') {
				(*p)++;
				if (number(p, &hi) < 0)
					goto bad;
			}
		}
		if (**p == '/') {
			(*p)++;
			if (number(p, &step) < 0 || step == 0)
				goto bad;
			/* "a/n" runs from a to the end of the range. */
			if (lo == hi && !*any)
				hi = field_max[f];
			*any = false;
		}
		if (lo < field_min[f] || hi > field_max[f] || lo > hi)
			goto bad;
		for (v = lo; v <= hi; v += step)
			*bits |= (uint64_t)1 << v;
		if (**p != ',')
			break;
		(*p)++;
		*any = false;
	}
	if (**p != '\0' && **p != ' ' && **p != '\t')
		goto bad;
	return 0;
bad:
	return cs_error_set(err, CS_EINVAL,
	    "cron schedule: bad %s field (range %d-%d)", field_names[f],
	    field_min[f], field_max[f]);
}

int
cs_cron_parse(const char *spec, struct cs_cron *out, struct cs_error *err)
{
	const char *p = spec;
	uint64_t bits[5];
	bool any[5];
	int f, error;

	memset(out, 0, sizeof(*out));
	if (spec == NULL)
		return cs_error_set(err, CS_EINVAL, "cron schedule: empty");
	for (f = 0; f < 5; f++) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\0')
			return cs_error_set(err, CS_EINVAL,
			    "cron schedule '%s': needs 5 fields (minute hour "
			    "day-of-month month day-of-week)",
			    spec);
		error = field(&p, f, &bits[f], &any[f], err);
		if (error < 0)
			return error;
	}
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p != '\0')
		return cs_error_set(err, CS_EINVAL,
		    "cron schedule '%s': more than 5 fields", spec);
	out->minutes = bits[0];
	out->hours = (uint32_t)bits[1];
	out->mdays = (uint32_t)bits[2];
	out->months = (uint16_t)bits[3];
	/* 7 is Sunday too. */
	out->wdays = (uint8_t)((bits[4] | (bits[4] >> 7)) & 0x7f);
	out->mday_any = any[2];
	out->wday_any = any[4];
	return 0;
}

/* Civil date from days since 1970-01-01 (Howard Hinnant's algorithm). */
static void
civil(int64_t z, int *y, int *m, int *d)
{
	int64_t era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

static bool
day_matches(const struct cs_cron *c, int64_t day)
{
	int y, m, d, wd;
	bool md, wdm;

	civil(day, &y, &m, &d);
	if (!(c->months & (1u << m)))
		return false;
	wd = (int)(((day % 7) + 7 + 4) % 7); /* 1970-01-01 was a Thursday */
	md = (c->mdays & (1u << d)) != 0;
	wdm = (c->wdays & (1u << wd)) != 0;
	if (c->mday_any || c->wday_any)
		return md && wdm;
	return md || wdm;
}

int64_t
cs_cron_next(const struct cs_cron *c, int64_t t)
{
	int64_t minute = t / 60000 + 1, day, limit;
	int h, mi;

	if (t < 0)
		minute = 0;
	limit = minute / 1440 + 4 * 366 + 1;
	for (day = minute / 1440; day <= limit; day++) {
		if (!day_matches(c, day))
			continue;
		for (h = 0; h < 24; h++) {
			if (!(c->hours & (1u << h)))
				continue;
			for (mi = 0; mi < 60; mi++) {
				int64_t at = day * 1440 + h * 60 + mi;

				if (at < minute || !(c->minutes & (1ull << mi)))
					continue;
				return at * 60000;
			}
		}
	}
	return -1;
}
