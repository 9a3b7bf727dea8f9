/* SPDX-License-Identifier: MIT */
/* TZif zones and local-time conversion; see tz.h. */
#include "util/limits.h"
#include "util/tz.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"
#include "util/time.h"
#include "util/banned.h"

/* A date rule of a POSIX TZ string: Jn, n or Mm.w.d, and a time. */
struct rule_date {
	char kind; /* 'J', 'N' or 'M' */
	int n;     /* J: 1..365, N: 0..365 */
	int m, w, d;
	int32_t secs; /* time of day, local, may be < 0 or > 24 h */
};

/* The footer (RFC 8536 section 3.3): what holds after the last
 * transition. */
struct rule {
	bool ok;
	bool has_dst;
	int32_t std_off, dst_off; /* seconds east */
	struct rule_date start, end;
};

struct cs_tz {
	char name[64];
	size_t n;
	int64_t *at;  /* transition instants, ascending */
	int32_t *off; /* offset from at[i] on */
	int32_t off0; /* before the first transition (type 0) */
	struct rule rule;
	bool builtin;
};

static struct cs_tz utc_zone = {"UTC", 0, NULL, NULL, 0, {0}, true};

const struct cs_tz *
cs_tz_utc(void)
{
	return &utc_zone;
}

void
cs_tz_free(struct cs_tz *tz)
{
	if (tz == NULL || tz->builtin)
		return;
	free(tz->at);
	free(tz->off);
	free(tz);
}

const char *
cs_tz_name(const struct cs_tz *tz)
{
	return tz->name;
}

/* ---- Calendar ------------------------------------------------------- */

static int64_t
year_of_days(int64_t z)
{
	int64_t era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	return yoe + era * 400 + (mp >= 10);
}

static bool
is_leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int64_t
floor_div(int64_t a, int64_t b)
{
	return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

/* Days since the epoch of the rule's date in year y. */
static int64_t
rule_day(const struct rule_date *r, int64_t y)
{
	static const int mdays[] = {
	    31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int64_t d1, first, day, last;
	int wd1, len;

	switch (r->kind) {
	case 'J':
		/* 1..365, February 29 never counted. */
		day = r->n - 1;
		if (is_leap(y) && r->n >= 60)
			day++;
		return cs_time_days_from_civil(y, 1, 1) + day;
	case 'N':
		return cs_time_days_from_civil(y, 1, 1) + r->n;
	default:
		d1 = cs_time_days_from_civil(y, r->m, 1);
		wd1 = (int)(((d1 % 7) + 7 + 4) % 7); /* 1970-01-01: Thursday */
		first = d1 + ((r->d - wd1 + 7) % 7);
		len = mdays[r->m - 1] + (r->m == 2 && is_leap(y));
		last = d1 + len - 1;
		day = first + 7 * (int64_t)(r->w - 1);
		while (day > last)
			day -= 7;
		return day;
	}
}

static int32_t
rule_offset(const struct rule *r, int64_t t)
{
	int64_t y, start, end;

	if (!r->has_dst)
		return r->std_off;
	y = year_of_days(floor_div(t + r->std_off, 86400));
	start = rule_day(&r->start, y) * 86400 + r->start.secs - r->std_off;
	end = rule_day(&r->end, y) * 86400 + r->end.secs - r->dst_off;
	if (start < end)
		return t >= start && t < end ? r->dst_off : r->std_off;
	return t >= end && t < start ? r->std_off : r->dst_off;
}

int32_t
cs_tz_offset_at(const struct cs_tz *tz, int64_t t)
{
	size_t lo = 0, hi;

	if (tz->n == 0)
		return tz->rule.ok ? rule_offset(&tz->rule, t) : tz->off0;
	if (t < tz->at[0])
		return tz->off0;
	if (t >= tz->at[tz->n - 1] && tz->rule.ok)
		return rule_offset(&tz->rule, t);
	/* The last transition at or before t. */
	hi = tz->n;
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (tz->at[mid] <= t)
			lo = mid;
		else
			hi = mid;
	}
	return tz->off[lo];
}

int64_t
cs_tz_local_to_utc(const struct cs_tz *tz, int64_t local, enum cs_tz_fold *fold)
{
	/* The offsets a day either side bracket at most one change (no
	 * zone changes its clock twice within two days). */
	int32_t a = cs_tz_offset_at(tz, local - 86400);
	int32_t b = cs_tz_offset_at(tz, local + 86400);
	int64_t ua = local - a, ub = local - b;
	bool va = cs_tz_offset_at(tz, ua) == a;
	bool vb = cs_tz_offset_at(tz, ub) == b;
	enum cs_tz_fold f = CS_TZ_UNIQUE;
	int64_t t;

	if (va && vb) {
		t = ua < ub ? ua : ub;
		if (ua != ub)
			f = CS_TZ_OVERLAP;
	} else if (va) {
		t = ua;
	} else if (vb) {
		t = ub;
	} else {
		t = ua;
		f = CS_TZ_GAP;
	}
	if (fold != NULL)
		*fold = f;
	return t;
}

/* ---- The POSIX TZ string of the footer ------------------------------ */

static bool
p_name(const char **p)
{
	const char *s = *p;

	if (*s == '<') {
		for (s++; *s != '\0' && *s != '>'; s++)
			;
		if (*s != '>' || s - *p < 4)
			return false;
		*p = s + 1;
		return true;
	}
	while ((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z'))
		s++;
	if (s - *p < 3)
		return false;
	*p = s;
	return true;
}

static bool
p_num(const char **p, int min, int max, int *out)
{
	int v = 0, n = 0;

	while (**p >= '0' && **p <= '9' && n < 4) {
		v = v * 10 + (**p - '0');
		(*p)++;
		n++;
	}
	if (n == 0 || v < min || v > max)
		return false;
	*out = v;
	return true;
}

/* [+-]hh[:mm[:ss]], hours up to maxh. */
static bool
p_time(const char **p, int maxh, int32_t *out)
{
	int sign = 1, h, m = 0, s = 0;

	if (**p == '+' || **p == '-')
		sign = *(*p)++ == '-' ? -1 : 1;
	if (!p_num(p, 0, maxh, &h))
		return false;
	if (**p == ':') {
		(*p)++;
		if (!p_num(p, 0, 59, &m))
			return false;
		if (**p == ':') {
			(*p)++;
			if (!p_num(p, 0, 59, &s))
				return false;
		}
	}
	*out = sign * (h * 3600 + m * 60 + s);
	return true;
}

static bool
p_date(const char **p, struct rule_date *r)
{
	r->secs = 7200;
	if (**p == 'J') {
		(*p)++;
		r->kind = 'J';
		if (!p_num(p, 1, 365, &r->n))
			return false;
	} else if (**p == 'M') {
		(*p)++;
		r->kind = 'M';
		if (!p_num(p, 1, 12, &r->m) || *(*p)++ != '.' ||
		    !p_num(p, 1, 5, &r->w) || *(*p)++ != '.' ||
		    !p_num(p, 0, 6, &r->d))
			return false;
	} else {
		r->kind = 'N';
		if (!p_num(p, 0, 365, &r->n))
			return false;
	}
	if (**p == '/') {
		(*p)++;
		if (!p_time(p, 167, &r->secs))
			return false;
	}
	return true;
}

/* "CET-1CEST,M3.5.0,M10.5.0/3" and the like; false if not understood. */
static bool
parse_posix(const char *s, struct rule *r)
{
	int32_t std, dst;

	memset(r, 0, sizeof(*r));
	if (!p_name(&s) || !p_time(&s, 24, &std))
		return false;
	r->std_off = -std;
	if (*s == '\0') {
		r->ok = true;
		return true;
	}
	if (!p_name(&s))
		return false;
	r->dst_off = r->std_off + 3600;
	if (*s != ',' && *s != '\0') {
		if (!p_time(&s, 24, &dst))
			return false;
		r->dst_off = -dst;
	}
	/* A zone with DST and no rule is not something zic writes. */
	if (*s++ != ',' || !p_date(&s, &r->start) || *s++ != ',' ||
	    !p_date(&s, &r->end) || *s != '\0')
		return false;
	r->has_dst = true;
	r->ok = true;
	return true;
}

/* ---- TZif ----------------------------------------------------------- */

static uint32_t
be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

static int64_t
be64(const unsigned char *p)
{
	return (int64_t)((uint64_t)be32(p) << 32 | be32(p + 4));
}

struct header {
	char version;
	uint32_t isut, isstd, leap, time, type, chars;
};

static int
read_header(const unsigned char *d, size_t len, size_t at, struct header *h,
    const char *name, struct cs_error *err)
{
	if (len - at < 44 || memcmp(d + at, "TZif", 4) != 0)
		return cs_error_set(
		    err, CS_EPARSE, "time zone %s: not a TZif file", name);
	h->version = (char)d[at + 4];
	h->isut = be32(d + at + 20);
	h->isstd = be32(d + at + 24);
	h->leap = be32(d + at + 28);
	h->time = be32(d + at + 32);
	h->type = be32(d + at + 36);
	h->chars = be32(d + at + 40);
	if (h->time > CS_TZ_MAX_TIMES || h->type == 0 ||
	    h->type > CS_TZ_MAX_TYPES || h->chars > 65536 || h->leap > 65536 ||
	    (h->isut != 0 && h->isut != h->type) ||
	    (h->isstd != 0 && h->isstd != h->type))
		return cs_error_set(err, CS_EPARSE,
		    "time zone %s: TZif header counts out of range", name);
	return 0;
}

/* Bytes of a data block with times of tsize bytes. */
static size_t
block_size(const struct header *h, size_t tsize)
{
	return (size_t)h->time * tsize + h->time + (size_t)h->type * 6 +
	       h->chars + (size_t)h->leap * (tsize + 4) + h->isstd + h->isut;
}

int
cs_tz_from_tzif(struct cs_tz **out, const char *name, const unsigned char *d,
    size_t len, struct cs_error *err)
{
	struct header h = {0};
	struct cs_tz *tz = NULL;
	size_t at = 0, tsize = 4, i, size;
	const unsigned char *times, *idx, *types;
	int error;

	*out = NULL;
	error = read_header(d, len, 0, &h, name, err);
	if (error < 0)
		return error;
	size = block_size(&h, 4);
	if (len - 44 < size)
		return cs_error_set(
		    err, CS_EPARSE, "time zone %s: TZif file cut short", name);
	if (h.version >= '2') {
		/* The 64-bit block follows the 32-bit one. */
		at = 44 + size;
		error = read_header(d, len, at, &h, name, err);
		if (error < 0)
			return error;
		tsize = 8;
		size = block_size(&h, 8);
		if (len - at - 44 < size)
			return cs_error_set(err, CS_EPARSE,
			    "time zone %s: TZif file cut short", name);
	}
	times = d + at + 44;
	idx = times + (size_t)h.time * tsize;
	types = idx + h.time;

	tz = cs_xcalloc(1, sizeof(*tz));
	snprintf(tz->name, sizeof(tz->name), "%s", name);
	tz->n = h.time;
	tz->at = cs_xcalloc(h.time + 1, sizeof(*tz->at));
	tz->off = cs_xcalloc(h.time + 1, sizeof(*tz->off));
	for (i = 0; i < h.type; i++) {
		int32_t off = (int32_t)be32(types + 6 * i);

		if (off < -CS_TZ_MAX_OFFSET_S || off > CS_TZ_MAX_OFFSET_S) {
			error = cs_error_set(err, CS_EPARSE,
			    "time zone %s: offset %d s out of range", name,
			    (int)off);
			goto out;
		}
	}
	tz->off0 = (int32_t)be32(types);
	for (i = 0; i < h.time; i++) {
		tz->at[i] = tsize == 8 ? be64(times + 8 * i)
		                       : (int64_t)(int32_t)be32(times + 4 * i);
		if (idx[i] >= h.type || (i > 0 && tz->at[i] <= tz->at[i - 1])) {
			error = cs_error_set(err, CS_EPARSE,
			    "time zone %s: transition %zu is invalid", name, i);
			goto out;
		}
		tz->off[i] = (int32_t)be32(types + 6 * (size_t)idx[i]);
	}
	if (tsize == 8) {
		/* The footer: "\n" TZ-string "\n". */
		const unsigned char *f = times + size, *end = d + len;
		char posix[128];
		size_t n;

		if (f < end && *f == '\n') {
			const unsigned char *nl =
			    memchr(f + 1, '\n', (size_t)(end - f - 1));

			n = nl != NULL ? (size_t)(nl - f - 1) : 0;
			if (nl != NULL && n > 0 && n < sizeof(posix)) {
				memcpy(posix, f + 1, n);
				posix[n] = '\0';
				if (memchr(posix, '\0', n) == NULL &&
				    !parse_posix(posix, &tz->rule)) {
					error = cs_error_set(err, CS_EPARSE,
					    "time zone %s: footer '%s' is not "
					    "understood",
					    name, posix);
					goto out;
				}
			}
		}
	}
	*out = tz;
	tz = NULL;
	error = 0;
out:
	cs_tz_free(tz);
	return error;
}

static bool
name_ok(const char *s)
{
	const char *p;

	if (s[0] == '\0' || s[0] == '/' || strlen(s) > 60 ||
	    strstr(s, "..") != NULL)
		return false;
	for (p = s; *p != '\0'; p++) {
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		        (*p >= '0' && *p <= '9') || *p == '_' || *p == '-' ||
		        *p == '+' || *p == '/'))
			return false;
	}
	return true;
}

int
cs_tz_load(struct cs_tz **out, const char *name, struct cs_error *err)
{
	const char *dir = getenv("TZDIR");
	unsigned char *data = NULL;
	char path[512];
	size_t len = 0;
	FILE *f = NULL;
	int error;

	*out = NULL;
	if (name != NULL &&
	    (strcmp(name, "UTC") == 0 || strcmp(name, "Etc/UTC") == 0 ||
	        strcmp(name, "Z") == 0)) {
		*out = &utc_zone;
		return 0;
	}
	if (name == NULL || !name_ok(name))
		return cs_error_set(err, CS_EINVAL,
		    "'%.64s' is not a time zone name (an IANA name such as "
		    "Europe/Berlin)",
		    name != NULL ? name : "");
	if (dir == NULL || *dir == '\0')
		dir = "/usr/share/zoneinfo";
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "rb");
	if (f == NULL)
		return cs_error_set(err, CS_EINVAL,
		    "unknown time zone '%s': %s: %s", name, path,
		    strerror(errno));
	data = cs_xmalloc(CS_TZ_MAX_FILE);
	len = fread(data, 1, CS_TZ_MAX_FILE, f);
	if (ferror(f) || len == CS_TZ_MAX_FILE) {
		error = cs_error_set(err, CS_EINVAL,
		    "time zone '%s': %s cannot be read whole", name, path);
		goto out;
	}
	error = cs_tz_from_tzif(out, name, data, len, err);
	if (error < 0)
		error = CS_EINVAL;
out:
	free(data);
	fclose(f);
	return error;
}
