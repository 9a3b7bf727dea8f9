/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the store's database URLs: which backend a URL picks, and
 * PostgreSQL's messages never showing the password. No server is needed: the
 * URLs fail to parse or to connect (port 1).
 */
#include "test.h"

#include <dirent.h>
#include <unistd.h>

#include "store/store.h"

/* The number of entries of dir, "." and ".." aside. */
static int
count_files(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	ASSERT_TRUE(d != NULL);
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			n++;
	}
	closedir(d);
	return n;
}

/* Issue 13: a password shorter than the old "***" mark grew the message by
 * a byte at each match, past its stack buffer (asan preset), and garbled it
 * in every build. The query parameter libpq complains about is echoed. */
CS_TEST(store_url__short_password_is_scrubbed_whole)
{
	struct cs_store *s = NULL;
	struct cs_error err = CS_ERROR_INIT;
	char url[512];
	size_t n;

	n = (size_t)snprintf(url, sizeof(url), "postgresql://u:ab@h/db?");
	while (n < 400)
		n += (size_t)snprintf(url + n, sizeof(url) - n, "ab-");
	snprintf(url + n, sizeof(url) - n, "x=1");
	ASSERT_ERR(CS_EINVAL, cs_store_open(&s, url, &err));
	ASSERT_TRUE(s == NULL);
	ASSERT_STR_CONTAINS(err.msg,
	    "postgres: bad database url: invalid URI query parameter: "
	    "\"[redacted]-[redacted]-[redacted]-");
	ASSERT_STR_NOT_CONTAINS(err.msg, "ab-");
	ASSERT_STR_NOT_CONTAINS(err.msg, "-ab");
	ASSERT_STR_NOT_CONTAINS(err.msg, "*");
}

/* The raw and the decoded password are both kept out of a message. */
CS_TEST(store_url__encoded_password_is_scrubbed)
{
	struct cs_store *s = NULL;
	struct cs_error err = CS_ERROR_INIT;

	ASSERT_ERR(
	    CS_EINVAL, cs_store_open(&s, "postgresql://u:s3cr%zz@h/db", &err));
	ASSERT_STR_CONTAINS(err.msg, "invalid percent-encoded token");
	ASSERT_STR_NOT_CONTAINS(err.msg, "s3cr");
}

/* Issue 13: a libpq keyword/value string was taken for a SQLite path: a
 * file named after the password appeared in the working directory. It is
 * PostgreSQL's; nothing is created and the password is not shown, quoted
 * with a space or not. */
CS_TEST(store_url__keyword_form_is_postgres)
{
	static const char *const urls[] = {
	    "host=127.0.0.1 port=1 password=hunter2 dbname=x",
	    "host=127.0.0.1 port=1 password='hunter2 b' dbname=x",
	    "  dbname = x host=127.0.0.1 port=1 password = hunter2",
	};
	char *old = getcwd(NULL, 0);
	size_t i;

	ASSERT_TRUE(old != NULL);
	ASSERT_EQ(chdir(cs_test_tmpdir()), 0);
	for (i = 0; i < sizeof(urls) / sizeof(urls[0]); i++) {
		struct cs_store *s = NULL;
		struct cs_error err = CS_ERROR_INIT;
		int error = cs_store_open(&s, urls[i], &err);

		ASSERT_TRUE(error < 0);
		ASSERT_TRUE(s == NULL);
		ASSERT_STR_CONTAINS(err.msg, "postgres");
		ASSERT_STR_NOT_CONTAINS(err.msg, "hunter2");
		ASSERT_EQ(count_files("."), 0);
	}
	ASSERT_EQ(chdir(old), 0);
	free(old);
}

/* A path stays a SQLite path; a bare word= string is refused by libpq with
 * its message rather than made into a file. */
CS_TEST(store_url__paths_stay_sqlite)
{
	struct cs_store *s = NULL;
	struct cs_error err = CS_ERROR_INIT;
	char *old = getcwd(NULL, 0);

	ASSERT_TRUE(old != NULL);
	ASSERT_EQ(chdir(cs_test_tmpdir()), 0);
	ASSERT_OK(cs_store_open(&s, "plain.db", &err));
	ASSERT_STR_EQ(cs_store_backend_name(s), "sqlite");
	cs_store_free(s);
	ASSERT_OK(cs_store_open(&s, "sqlite:a=b.db", &err));
	ASSERT_STR_EQ(cs_store_backend_name(s), "sqlite");
	cs_store_free(s);
	s = NULL;
	ASSERT_ERR(CS_EINVAL, cs_store_open(&s, "nosuchkey=1", &err));
	ASSERT_STR_CONTAINS(err.msg, "invalid connection option");
	ASSERT_EQ(access("nosuchkey=1", F_OK), -1);
	ASSERT_EQ(access("a=b.db", F_OK), 0);
	ASSERT_EQ(chdir(old), 0);
	free(old);
}
