/* SPDX-License-Identifier: MIT */
/* Clocks and ISO-8601; see time.h. */
#include "util/time.h"

#include <ctype.h>
#include <stdbool.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "util/banned.h"

int64_t
cs_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t
cs_mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t
cs_mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

void
cs_sleep_ms(int64_t ms)
{
	struct timespec ts;

	if (ms <= 0)
		return;
	ts.tv_sec = (time_t)(ms / 1000);
	ts.tv_nsec = (long)(ms % 1000) * 1000000L;
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

int64_t
cs_time_days_from_civil(int64_t y, int64_t m, int64_t d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void
cs_time_iso8601(int64_t ms, char out[CS_ISO8601_LEN])
{
	struct tm tm;
	time_t secs;
	int64_t frac;

	secs = (time_t)(ms / 1000);
	frac = ms % 1000;
	if (frac < 0) {
		frac += 1000;
		secs--;
	}
	gmtime_r(&secs, &tm);
	snprintf(out, CS_ISO8601_LEN, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
	    tm.tm_sec, (int)frac);
}

static int
digits(const char **p, int n, int *out)
{
	int v = 0;

	while (n-- > 0) {
		if (!isdigit((unsigned char)**p))
			return CS_EPARSE;
		v = v * 10 + (**p - '0');
		(*p)++;
	}
	*out = v;
	return 0;
}

int
cs_time_parse_iso8601(const char *s, int64_t *out)
{
	int y, mo, d, h = 0, mi = 0, sec = 0, ms = 0, zh = 0, zm = 0;
	int64_t t, off = 0;
	const char *p = s;

	if (s == NULL || digits(&p, 4, &y) || *p++ != '-' ||
	    digits(&p, 2, &mo) || *p++ != '-' || digits(&p, 2, &d))
		return CS_EPARSE;
	if (*p == 'T' || *p == ' ') {
		p++;
		if (digits(&p, 2, &h) || *p++ != ':' || digits(&p, 2, &mi))
			return CS_EPARSE;
		if (*p == ':') {
			p++;
			if (digits(&p, 2, &sec))
				return CS_EPARSE;
		}
		if (*p == '.') {
			int scale = 100;

			p++;
			if (!isdigit((unsigned char)*p))
				return CS_EPARSE;
			for (; isdigit((unsigned char)*p); p++) {
				ms += (*p - '0') * scale;
				scale /= 10;
			}
		}
	}
	if (*p == 'Z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		int sign = *p++ == '-' ? -1 : 1;

		if (digits(&p, 2, &zh))
			return CS_EPARSE;
		if (*p == ':')
			p++;
		if (digits(&p, 2, &zm))
			return CS_EPARSE;
		off = sign * ((int64_t)zh * 60 + zm) * 60 * 1000;
	}
	if (*p != '\0' || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 ||
	    mi > 59 || sec > 60)
		return CS_EPARSE;
	t = cs_time_days_from_civil(y, mo, d) * 86400 + (int64_t)h * 3600 +
	    (int64_t)mi * 60 + sec;
	*out = t * 1000 + ms - off;
	return 0;
}

int
cs_time_parse_http_date(const char *s, int64_t *out)
{
	static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	const char *p, *m;
	int d, y, h, mi, sec, mon;

	/* "Www, DD Mon YYYY HH:MM:SS GMT" */
	p = s != NULL ? strchr(s, ',') : NULL;
	if (p == NULL || p[1] != ' ')
		return CS_EPARSE;
	p += 2;
	if (digits(&p, 2, &d) || *p++ != ' ')
		return CS_EPARSE;
	/* Three bytes of month only if the string has them. */
	if (strnlen(p, 3) != 3)
		return CS_EPARSE;
	m = strstr(months, (char[4]){p[0], p[1], p[2], 0});
	if (m == NULL || (m - months) % 3 != 0)
		return CS_EPARSE;
	mon = (int)(m - months) / 3 + 1;
	p += 3;
	if (*p++ != ' ' || digits(&p, 4, &y) || *p++ != ' ' ||
	    digits(&p, 2, &h) || *p++ != ':' || digits(&p, 2, &mi) ||
	    *p++ != ':' || digits(&p, 2, &sec) || strcmp(p, " GMT") != 0)
		return CS_EPARSE;
	if (d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
		return CS_EPARSE;
	*out = (cs_time_days_from_civil(y, mon, d) * 86400 + (int64_t)h * 3600 +
	           (int64_t)mi * 60 + sec) *
	       1000;
	return 0;
}

void
cs_time_ago(int64_t at, int64_t now, char out[CS_AGO_LEN])
{
	int64_t d = now - at, s, min, hrs;
	bool future = d < 0;

	if (at == 0) {
		snprintf(out, CS_AGO_LEN, "never");
		return;
	}
	s = ((future ? -d : d) + 500) / 1000;
	if (s < 45) {
		snprintf(out, CS_AGO_LEN, future ? "in a moment" : "just now");
		return;
	}
	min = (s + 30) / 60;
	hrs = (min + 30) / 60;
	if (min < 60)
		snprintf(out, CS_AGO_LEN,
		    future ? "in %lld min" : "%lld min ago", (long long)min);
	else if (hrs < 48)
		snprintf(out, CS_AGO_LEN, future ? "in %lld h" : "%lld h ago",
		    (long long)hrs);
	else
		snprintf(out, CS_AGO_LEN,
		    future ? "in %lld days" : "%lld days ago",
		    (long long)((hrs + 12) / 24));
}
