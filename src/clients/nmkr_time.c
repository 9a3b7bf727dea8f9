/* SPDX-License-Identifier: MIT */
/* NMKR's times; see nmkr_time.h. */
#include "clients/nmkr_time.h"

#include <stdio.h>
#include <string.h>

#include "util/time.h"
#include "util/banned.h"

/* Exactly n digits. */
static bool
digits(const char **p, int n, int *out)
{
	int v = 0;

	while (n-- > 0) {
		if (**p < '0' || **p > '9')
			return false;
		v = v * 10 + (**p - '0');
		(*p)++;
	}
	*out = v;
	return true;
}

static int
fail(struct cs_error *err, const char *field, const char *text, const char *why)
{
	char shown[41];
	size_t i;

	for (i = 0; i < sizeof(shown) - 1 && text[i] != '\0'; i++) {
		shown[i] = text[i];
		if ((unsigned char)text[i] < 0x20 || text[i] == 0x7f)
			shown[i] = '?';
	}
	shown[i] = '\0';
	return cs_error_set(err, CS_EPARSE,
	    "%s: '%s%s' is not a time as NMKR "
	    "writes it (%s)",
	    field != NULL ? field : "time", shown, text[i] != '\0' ? "..." : "",
	    why);
}

int
cs_nmkr_time_parse(const char *text, const struct cs_tz *zone,
    const char *field, struct cs_nmkr_time *out, struct cs_error *err)
{
	static const int mdays[] = {
	    31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int y, mo, d, h, mi, s, zh, zm, nfrac = 0, ms = 0;
	int64_t secs, off = 0;
	bool had_offset = false, leap;
	enum cs_tz_fold fold = CS_TZ_UNIQUE;
	const char *p = text;

	if (text == NULL)
		return cs_error_set(err, CS_EPARSE, "%s: missing",
		    field != NULL ? field : "time");
	if (!digits(&p, 4, &y) || *p++ != '-' || !digits(&p, 2, &mo) ||
	    *p++ != '-' || !digits(&p, 2, &d))
		return fail(err, field, text, "expected YYYY-MM-DD");
	if (*p++ != 'T' || !digits(&p, 2, &h) || *p++ != ':' ||
	    !digits(&p, 2, &mi) || *p++ != ':' || !digits(&p, 2, &s))
		return fail(
		    err, field, text, "expected THH:MM:SS after the date");
	if (*p == '.') {
		p++;
		while (*p >= '0' && *p <= '9') {
			if (++nfrac > 7)
				return fail(err, field, text,
				    "more than 7 fractional digits");
			if (nfrac <= 3)
				ms = ms * 10 + (*p - '0');
			p++;
		}
		if (nfrac == 0)
			return fail(err, field, text, "no digits after '.'");
		for (zh = nfrac; zh < 3; zh++)
			ms *= 10;
	}
	if (*p == 'Z') {
		p++;
		had_offset = true;
	} else if (*p == '+' || *p == '-') {
		int sign = *p++ == '-' ? -1 : 1;

		if (!digits(&p, 2, &zh))
			return fail(err, field, text, "bad offset hours");
		if (*p == ':')
			p++;
		if (!digits(&p, 2, &zm) || zm > 59 || zh * 60 + zm > 14 * 60)
			return fail(err, field, text, "bad offset");
		off = sign * ((int64_t)zh * 3600 + (int64_t)zm * 60);
		had_offset = true;
	}
	if (*p != '\0')
		return fail(err, field, text, "unexpected text at the end");
	if (y < 1 || mo < 1 || mo > 12)
		return fail(err, field, text, "no such month");
	leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	if (d < 1 || d > mdays[mo - 1] + (mo == 2 && leap))
		return fail(err, field, text, "no such day");
	if (h > 23 || mi > 59 || s > 59)
		return fail(err, field, text, "no such time of day");

	secs = cs_time_days_from_civil(y, mo, d) * 86400 + (int64_t)h * 3600 +
	       (int64_t)mi * 60 + s;
	if (had_offset)
		secs -= off;
	else
		secs = cs_tz_local_to_utc(
		    zone != NULL ? zone : cs_tz_utc(), secs, &fold);
	out->ms = secs * 1000 + ms;
	out->had_offset = had_offset;
	out->fold = fold;
	return 0;
}
