/* SPDX-License-Identifier: MIT */
/* Abort-on-OOM allocation wrappers; see xalloc.h. */
#include "util/xalloc.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/banned.h"

static void
oom(size_t size)
{
	fprintf(stderr, "campaign-sync: out of memory allocating %zu bytes\n",
	    size);
	abort();
}

void *
cs_xmalloc(size_t size)
{
	void *p;

	if (size == 0)
		size = 1;
	p = malloc(size);
	if (p == NULL)
		oom(size);
	return p;
}

void *
cs_xcalloc(size_t nmemb, size_t size)
{
	void *p;

	if (nmemb == 0 || size == 0)
		nmemb = size = 1;
	p = calloc(nmemb, size);
	if (p == NULL)
		oom(nmemb * size);
	return p;
}

void *
cs_xreallocarray(void *ptr, size_t nmemb, size_t size)
{
	if (size != 0 && nmemb > SIZE_MAX / size)
		oom(SIZE_MAX);
	return cs_xrealloc(ptr, nmemb * size);
}

void *
cs_xrealloc(void *ptr, size_t size)
{
	void *p;

	if (size == 0)
		size = 1;
	p = realloc(ptr, size);
	if (p == NULL)
		oom(size);
	return p;
}

char *
cs_xstrdup(const char *s)
{
	return cs_xstrndup(s, strlen(s));
}

char *
cs_xstrdup_null(const char *s)
{
	return s != NULL ? cs_xstrdup(s) : NULL;
}

char *
cs_xstrndup(const char *s, size_t n)
{
	char *p;
	size_t len;

	len = strnlen(s, n);
	p = cs_xmalloc(len + 1);
	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

char *
cs_xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *p;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		abort();
	p = cs_xmalloc((size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}
