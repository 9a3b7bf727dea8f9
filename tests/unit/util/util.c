/* SPDX-License-Identifier: MIT */
/* Unit tests of src/util: capped buffers, strings, times, arena, logging. */
#include "test.h"

#include <math.h>

#include "util/arena.h"
#include "util/buf.h"
#include "util/log.h"
#include "util/str.h"
#include "util/strmap.h"
#include "util/time.h"
#include "util/xalloc.h"

CS_TEST(util_buf__cap_is_enforced)
{
	struct cs_buf b = CS_BUF_INIT(8);

	ASSERT_OK(cs_buf_puts(&b, "1234"));
	ASSERT_OK(cs_buf_printf(&b, "%d", 5678));
	ASSERT_EQ(b.len, 8);
	ASSERT_STR_EQ(b.ptr, "12345678");
	/* Over the cap: refused, contents unchanged. */
	ASSERT_ERR(CS_ETOOBIG, cs_buf_putc(&b, 'x'));
	ASSERT_ERR(CS_ETOOBIG, cs_buf_printf(&b, "%s", "yy"));
	ASSERT_STR_EQ(b.ptr, "12345678");
	cs_buf_reset(&b);
	ASSERT_EQ(b.len, 0);
	ASSERT_STR_EQ(cs_buf_cstr(&b), "");
	ASSERT_ERR(CS_ETOOBIG, cs_buf_put(&b, "123456789", 9));
	cs_buf_dispose(&b);
}

CS_TEST(util_buf__take_moves_out)
{
	struct cs_buf b = CS_BUF_INIT(1024);
	size_t len = 0;
	char *s;

	s = cs_buf_take(&b, &len);
	ASSERT_STR_EQ(s, "");
	free(s);
	ASSERT_OK(cs_buf_puts(&b, "hello"));
	s = cs_buf_take(&b, &len);
	ASSERT_STR_EQ(s, "hello");
	ASSERT_EQ(len, 5);
	ASSERT_TRUE(b.ptr == NULL && b.len == 0);
	free(s);
}

CS_TEST(util_str__to_i64_is_strict)
{
	int64_t v = 0;

	ASSERT_OK(cs_str_to_i64("42", 0, 100, &v));
	ASSERT_EQ(v, 42);
	ASSERT_OK(cs_str_to_i64("-5", -10, 10, &v));
	ASSERT_EQ(v, -5);
	ASSERT_ERR(CS_EINVAL, cs_str_to_i64("", 0, 100, &v));
	ASSERT_ERR(CS_EINVAL, cs_str_to_i64(" 4", 0, 100, &v));
	ASSERT_ERR(CS_EINVAL, cs_str_to_i64("4x", 0, 100, &v));
	ASSERT_ERR(CS_EINVAL, cs_str_to_i64("101", 0, 100, &v));
	ASSERT_ERR(
	    CS_EINVAL, cs_str_to_i64("99999999999999999999", 0, INT64_MAX, &v));
}

CS_TEST(util_str__uuid)
{
	char out[33];

	ASSERT_TRUE(cs_str_is_uuid("9e2d000a-ed53-4db4-819b-25cdab41fd47"));
	ASSERT_TRUE(cs_str_is_uuid("9E2D000A-ED53-4DB4-819B-25CDAB41FD47"));
	ASSERT_FALSE(cs_str_is_uuid("9e2d000aed534db4819b25cdab41fd47"));
	ASSERT_FALSE(cs_str_is_uuid("9e2d000a-ed53-4db4-819b-25cdab41fd4"));
	ASSERT_FALSE(cs_str_is_uuid("9e2d000a-ed53-4db4-819b-25cdab41fd4g"));
	ASSERT_FALSE(cs_str_is_uuid(NULL));
	cs_str_uuid_nodash("9E2D000A-ED53-4DB4-819B-25CDAB41FD47", out);
	ASSERT_STR_EQ(out, "9e2d000aed534db4819b25cdab41fd47");
}

CS_TEST(util_str__json_escape)
{
	struct cs_buf b = CS_BUF_INIT(256);

	ASSERT_OK(cs_buf_put_json_string(&b, "a\"b\\c\n\x01é"));
	ASSERT_STR_EQ(b.ptr, "\"a\\\"b\\\\c\\n\\u0001é\"");
	cs_buf_dispose(&b);
}

CS_TEST(util_time__iso8601_round_trip)
{
	char s[CS_ISO8601_LEN];
	int64_t t = 0;

	cs_time_iso8601(1764000000123LL, s);
	ASSERT_STR_EQ(s, "2025-11-24T16:00:00.123Z");
	ASSERT_OK(cs_time_parse_iso8601(s, &t));
	ASSERT_EQ(t, 1764000000123LL);
	/* NMKR sends local times without a zone (UTC) and with offsets. */
	ASSERT_OK(cs_time_parse_iso8601("2025-10-01T12:00:00", &t));
	ASSERT_EQ(t, 1759320000000LL);
	ASSERT_OK(cs_time_parse_iso8601("2025-10-16T12:00:00+02:00", &t));
	ASSERT_EQ(t, 1760608800000LL);
	ASSERT_OK(cs_time_parse_iso8601("2026-12-01", &t));
	ASSERT_EQ(t, 1796083200000LL);
	ASSERT_ERR(CS_EPARSE, cs_time_parse_iso8601("2026-13-01", &t));
	ASSERT_ERR(CS_EPARSE, cs_time_parse_iso8601("yesterday", &t));
	ASSERT_ERR(CS_EPARSE, cs_time_parse_iso8601("2026-12-01T10", &t));
}

/* Issue 13: "Wed, 21 " read the month's three bytes past the end (shown by
 * the asan preset: the input is a heap copy of exactly its length). */
CS_TEST(util_time__http_date_truncated)
{
	static const char *const cut[] = {"Wed, 21 ", "Wed, 21 O", "Wed, 21 Oc",
	    "Wed, ", "Wed,", "Wed, 21 Oct 2015 07:28", "Wed, 2"};
	int64_t t = 0;
	size_t i;

	ASSERT_OK(cs_time_parse_http_date("Wed, 21 Oct 2015 07:28:00 GMT", &t));
	ASSERT_EQ(t, 1445412480000LL);
	for (i = 0; i < sizeof(cut) / sizeof(cut[0]); i++) {
		char *s = cs_xstrdup(cut[i]);

		ASSERT_ERR(CS_EPARSE, cs_time_parse_http_date(s, &t));
		free(s);
	}
}

/* Issue 14: relative times for the CLI's human output, rounded as the
 * page's fmtAgo() rounds them; now is an input. */
CS_TEST(util_time__ago)
{
	const int64_t now = 1764950400000LL; /* 2025-12-05T16:00:00Z */
	char s[CS_AGO_LEN];

	cs_time_ago(0, now, s);
	ASSERT_STR_EQ(s, "never");
	cs_time_ago(now - 44000, now, s);
	ASSERT_STR_EQ(s, "just now");
	cs_time_ago(now + 5000, now, s);
	ASSERT_STR_EQ(s, "in a moment");
	cs_time_ago(now - 3 * 60000, now, s);
	ASSERT_STR_EQ(s, "3 min ago");
	cs_time_ago(now - 89000, now, s);
	ASSERT_STR_EQ(s, "1 min ago");
	cs_time_ago(now - 3570000, now, s); /* 59.5 min rounds to an hour */
	ASSERT_STR_EQ(s, "1 h ago");
	cs_time_ago(now - 47LL * 3600000, now, s);
	ASSERT_STR_EQ(s, "47 h ago");
	cs_time_ago(now - 12LL * 86400000, now, s);
	ASSERT_STR_EQ(s, "12 days ago");
	cs_time_ago(now + 10 * 60000, now, s);
	ASSERT_STR_EQ(s, "in 10 min");
	cs_time_ago(now + 5LL * 3600000, now, s);
	ASSERT_STR_EQ(s, "in 5 h");
}

/* Issue 13: the one checked conversion of a JSON number to an integer. */
CS_TEST(util_str__i64_from_double)
{
	int64_t v = 7;

	ASSERT_OK(cs_i64_from_double(42.0, 0, 100, &v));
	ASSERT_EQ(v, 42);
	ASSERT_OK(cs_i64_from_double(
	    -9223372036854775808.0, INT64_MIN, INT64_MAX, &v));
	ASSERT_EQ(v, INT64_MIN);
	v = 7;
	ASSERT_ERR(CS_EINVAL, cs_i64_from_double(NAN, 0, 100, &v));
	ASSERT_ERR(
	    CS_EINVAL, cs_i64_from_double(1e300, INT64_MIN, INT64_MAX, &v));
	ASSERT_ERR(
	    CS_EINVAL, cs_i64_from_double(-1e300, INT64_MIN, INT64_MAX, &v));
	/* 2^63 is INT64_MAX as a double, yet out of range. */
	ASSERT_ERR(CS_EINVAL, cs_i64_from_double(9223372036854775808.0,
	                          INT64_MIN, INT64_MAX, &v));
	ASSERT_ERR(CS_EINVAL, cs_i64_from_double(1.5, 0, 100, &v));
	ASSERT_ERR(CS_EINVAL, cs_i64_from_double(101.0, 0, 100, &v));
	ASSERT_ERR(CS_EINVAL, cs_i64_from_double(INFINITY, 0, 100, &v));
	ASSERT_EQ(v, 7);
}

CS_TEST(util_arena__strings_survive_growth)
{
	struct cs_arena a = CS_ARENA_INIT;
	char *first, *s = NULL;
	int i;

	first = cs_arena_strdup(&a, "first");
	for (i = 0; i < 20000; i++)
		s = cs_arena_strdup(&a, "some string of a few bytes");
	ASSERT_STR_EQ(first, "first");
	ASSERT_STR_EQ(s, "some string of a few bytes");
	ASSERT_TRUE(cs_arena_strdup(&a, NULL) == NULL);
	cs_arena_reset(&a);
	ASSERT_EQ(a.total, 0);
	ASSERT_STR_EQ(cs_arena_strndup(&a, "abcdef", 3), "abc");
	cs_arena_dispose(&a);
}

CS_TEST(util_log__secrets_are_redacted)
{
	char *path = cs_test_path("log.txt");
	FILE *f = fopen(path, "w");
	char *text, msg[128];

	ASSERT_TRUE(f != NULL);
	cs_log_setup(CS_LOG_DEBUG, CS_LOG_JSON, f);
	cs_log_secret("mainnetKEY123456");
	cs_log_secret("abc"); /* short: only where it stands alone */
	cs_log_info(
	    "nmkr", "GET with key mainnetKEY123456 failed: \"%s\"", "quote");
	fclose(f);
	text = cs_test_read_file(path, NULL);
	ASSERT_STR_NOT_CONTAINS(text, "mainnetKEY123456");
	ASSERT_STR_CONTAINS(text, "[redacted]");
	ASSERT_STR_CONTAINS(text, "\"level\":\"info\"");
	ASSERT_STR_CONTAINS(text, "\\\"quote\\\"");
	snprintf(msg, sizeof(msg), "x mainnetKEY123456 y");
	cs_log_redact(msg, sizeof(msg));
	ASSERT_STR_EQ(msg, "x [redacted] y");
	snprintf(msg, sizeof(msg), "abc abcd (abc)");
	cs_log_redact(msg, sizeof(msg));
	ASSERT_STR_EQ(msg, "[redacted] abcd ([redacted])");
	cs_log_secrets_clear();
	cs_log_setup(CS_LOG_INFO, CS_LOG_TEXT, NULL);
	free(text);
	free(path);
}

CS_TEST(util_log__level_names)
{
	enum cs_log_level l = CS_LOG_OFF;

	ASSERT_EQ(cs_log_level_parse("debug", &l), 0);
	ASSERT_EQ(l, CS_LOG_DEBUG);
	ASSERT_EQ(cs_log_level_parse("warn", &l), 0);
	ASSERT_EQ(l, CS_LOG_WARN);
	ASSERT_EQ(cs_log_level_parse("error", &l), 0);
	ASSERT_EQ(l, CS_LOG_ERROR);
	ASSERT_EQ(cs_log_level_parse("verbose", &l), CS_EINVAL);
	ASSERT_EQ(cs_log_level_parse("", &l), CS_EINVAL);
	ASSERT_EQ(l, CS_LOG_ERROR);
}

static void
redacts(const char *url, const char *want)
{
	char out[256];

	cs_str_redact_url(url, out, sizeof(out));
	ASSERT_STR_EQ(out, want);
}

CS_TEST(util_str__redact_url)
{
	char small[12];

	redacts("postgresql://cs:Se?cret99@db.internal/cs?sslmode=require",
	    "postgresql://cs:[redacted]@db.internal/cs?sslmode=require");
	redacts("postgresql://cs:pw1@/cs_test?host=/tmp/s&password=abc&x=1",
	    "postgresql://cs:[redacted]@/cs_test?host=/tmp/s&password="
	    "[redacted]&x=1");
	redacts("postgres://a:b@c@h/d", "postgres://a:[redacted]@h/d");
	redacts("postgresql://cs@db/x", "postgresql://cs@db/x");
	redacts("sqlite:/var/lib/campaign-sync/c.db",
	    "sqlite:/var/lib/campaign-sync/c.db");
	redacts("host=db password=hunter2 dbname=x",
	    "host=db password=[redacted] dbname=x");
	/* Issue 13: a quoted password was cut at its space. */
	redacts("host=db password='a b' dbname=x",
	    "host=db password=[redacted] dbname=x");
	redacts(
	    "host=db password = 'a \\' b'", "host=db password = [redacted]");
	cs_str_redact_url("postgresql://u:secret@h/d", small, sizeof(small));
	ASSERT_STR_EQ(small, "postgresql:");
}

/* Issue 13: a secret shorter than the mark made the old in-place scrub grow
 * the string past its buffer and overwrite the byte after each match; a
 * secret inside "[redacted]" looped for ever. One left-to-right pass. */
CS_TEST(util_str__scrub)
{
	const char *secrets[] = {"ab", "dact", "hunter22"};
	char msg[64], small[16];

	snprintf(msg, sizeof(msg), "x ab-ab \"ab\" abc cab hunter22!");
	cs_str_scrub(msg, sizeof(msg), secrets, 3);
	ASSERT_STR_EQ(msg, "x [redacted]-[redacted] \"[redacted]\" abc cab "
	                   "[redacted]!");
	/* A secret inside the mark is not searched again. */
	snprintf(msg, sizeof(msg), "redacted dact");
	cs_str_scrub(msg, sizeof(msg), secrets, 3);
	ASSERT_STR_EQ(msg, "re[redacted]ed [redacted]");
	/* Cut to size: never past the buffer, never half a mark or secret. */
	snprintf(small, sizeof(small), "ab ab ab ab ab");
	cs_str_scrub(small, sizeof(small), secrets, 3);
	ASSERT_STR_EQ(small, "[redacted] ");
	snprintf(small, sizeof(small), "hunter22");
	cs_str_scrub(small, 9, secrets, 3);
	ASSERT_STR_EQ(small, "");
	/* Empty and NULL secrets are ignored. */
	{
		const char *odd[] = {"", NULL, "ab"};

		snprintf(msg, sizeof(msg), "ab");
		cs_str_scrub(msg, sizeof(msg), odd, 3);
		ASSERT_STR_EQ(msg, "[redacted]");
	}
}

static void
passwords(const char *url, const char *want)
{
	char got[256];
	const char *pos = url, *start;
	size_t len, n = 0;

	got[0] = '\0';
	while (cs_str_next_url_password(url, &pos, &start, &len)) {
		n += (size_t)snprintf(
		    got + n, sizeof(got) - n, "<%.*s>", (int)len, start);
		ASSERT_LT(n, sizeof(got));
	}
	ASSERT_STR_EQ(got, want);
}

/* libpq's keyword/value form: spaces around '=', quoted values with
 * backslash escapes, escaped spaces in unquoted values. */
CS_TEST(util_str__url_passwords)
{
	passwords("postgresql://u:pw@h/d?password=x&y=1", "<pw><x>");
	passwords("host=db password=hunter2 dbname=x", "<hunter2>");
	passwords("host=db password='a b' dbname=x", "<'a b'>");
	passwords("password = 'it\\'s a b'", "<'it\\'s a b'>");
	passwords("password=a\\ b user=u", "<a\\ b>");
	passwords("password='unterminated x", "<'unterminated x>");
	passwords("user=password dbname=password", "");
	passwords("sqlite:/tmp/x.db", "");
}

CS_TEST(util_error__wrap_keeps_the_cause)
{
	struct cs_error err = CS_ERROR_INIT;

	cs_error_set(&err, CS_EDB, "sqlite: file is not a database");
	ASSERT_EQ(cs_error_wrap(&err, CS_EINVAL, "%s is not ours", "x.db"),
	    CS_EINVAL);
	ASSERT_STR_EQ(
	    err.msg, "x.db is not ours (sqlite: file is not a database)");
	ASSERT_EQ(err.code, CS_EINVAL);
}

/* A map reserved for n keys takes them without growing, and still finds
 * every one; a reserve below what it holds changes nothing. */
CS_TEST(util_strmap__reserve_then_fill)
{
	struct cs_strmap m;
	char keys[3000][8];
	size_t i, v, cap;

	cs_strmap_init(&m);
	cs_strmap_reserve(&m, 3000);
	cap = m.cap;
	ASSERT_GE(cap * 3, 3000 * 4);
	for (i = 0; i < 3000; i++) {
		snprintf(keys[i], sizeof(keys[i]), "k%zu", i);
		ASSERT_TRUE(cs_strmap_put(&m, keys[i], i));
	}
	ASSERT_EQ(m.cap, cap);
	ASSERT_EQ(m.len, 3000);
	ASSERT_FALSE(cs_strmap_put(&m, "k7", 1));
	cs_strmap_reserve(&m, 10);
	ASSERT_EQ(m.cap, cap);
	for (i = 0; i < 3000; i++) {
		ASSERT_TRUE(cs_strmap_get(&m, keys[i], &v));
		ASSERT_EQ(v, i);
	}
	ASSERT_FALSE(cs_strmap_get(&m, "k3000", &v));
	cs_strmap_dispose(&m);
}
