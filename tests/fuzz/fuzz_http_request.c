/* SPDX-License-Identifier: MIT */
/*
 * What a client chooses in a request line and its headers, before any
 * handler: the path against the route table (cs_router_match,
 * cs_router_allow) and X-Forwarded-For against CS_TRUSTED_PROXIES
 * (cs_proxies_parse, cs_client_address). The input is three lines: the
 * proxies, the header, the path. Whatever comes in, the client is an
 * address inet_pton reads (or the peer itself when no proxy is trusted),
 * and a matched route's parameters put back into its pattern give the
 * path again.
 */
#include "fuzz.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

#include "http/internal.h"

/* The next line of *s (NUL-terminated in place), or "" at the end. */
static char *
line(char **s)
{
	char *start = *s, *nl = strchr(start, '\n');

	if (nl == NULL) {
		*s = start + strlen(start);
		return start;
	}
	*nl = '\0';
	*s = nl + 1;
	return start;
}

static void
check_client(const char *proxies, const char *xff)
{
	struct cs_error err = CS_ERROR_INIT;
	struct cs_proxies *p = NULL;
	struct sockaddr_in v4;
	struct sockaddr_in6 v6;
	unsigned char buf[16];
	char out[64];

	memset(&v4, 0, sizeof(v4));
	v4.sin_family = AF_INET;
	v4.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	memset(&v6, 0, sizeof(v6));
	v6.sin6_family = AF_INET6;
	v6.sin6_addr = in6addr_loopback;
	if (cs_proxies_parse(proxies, &p, &err) < 0)
		FUZZ_CHECK(p == NULL && err.msg[0] != '\0');
	cs_client_address(p, (struct sockaddr *)&v4, xff, out, sizeof(out));
	FUZZ_CHECK(inet_pton(AF_INET, out, buf) == 1 ||
	           inet_pton(AF_INET6, out, buf) == 1);
	if (!cs_proxies_trust(p, (struct sockaddr *)&v4))
		FUZZ_CHECK(strcmp(out, "127.0.0.1") == 0);
	cs_client_address(p, (struct sockaddr *)&v6, xff, out, sizeof(out));
	FUZZ_CHECK(inet_pton(AF_INET, out, buf) == 1 ||
	           inet_pton(AF_INET6, out, buf) == 1);
	if (!cs_proxies_trust(p, (struct sockaddr *)&v6))
		FUZZ_CHECK(strcmp(out, "::1") == 0);
	cs_client_address(p, (struct sockaddr *)&v4, NULL, out, sizeof(out));
	FUZZ_CHECK(strcmp(out, "127.0.0.1") == 0);
	cs_proxies_free(p);
}

static void
check_route(const char *path)
{
	static const char *const methods[] = {"GET", "POST", "HEAD", "DELETE"};
	const struct cs_route *route;
	struct cs_req r;
	char again[2048], allow[64];
	const char *pat;
	size_t i, len;
	int n;
	bool known;

	for (i = 0; i < sizeof(methods) / sizeof(methods[0]); i++) {
		memset(&r, 0, sizeof(r));
		route = cs_router_match(methods[i], path, &r, &known);
		if (route == NULL)
			continue;
		FUZZ_CHECK(r.nparams >= 0 && r.nparams <= CS_MAX_PARAMS);
		/* The pattern with its parameters is the path. */
		len = 0;
		n = 0;
		for (pat = route->pattern; *pat != '\0'; pat++) {
			if (pat[0] == '{' && pat[1] == '}') {
				FUZZ_CHECK(n < r.nparams);
				FUZZ_CHECK(r.params[n][0] != '\0');
				FUZZ_CHECK(strchr(r.params[n], '/') == NULL);
				len += (size_t)snprintf(again + len,
				    sizeof(again) - len, "%s", r.params[n]);
				n++;
				pat++;
			} else {
				again[len++] = *pat;
			}
			FUZZ_CHECK(len < sizeof(again));
		}
		again[len] = '\0';
		FUZZ_CHECK(n == r.nparams);
		FUZZ_CHECK(strcmp(again, path) == 0);
	}
	cs_router_allow(path, allow, sizeof(allow));
	FUZZ_CHECK(strlen(allow) < sizeof(allow));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text, *s, *proxies, *xff, *path;

	if (size > 4096)
		return 0;
	text = malloc(size + 1);
	FUZZ_CHECK(text != NULL);
	memcpy(text, data, size);
	text[size] = '\0';
	s = text;
	proxies = line(&s);
	xff = line(&s);
	path = line(&s);
	check_client(proxies, xff);
	if (strlen(path) < 1024)
		check_route(path);
	free(text);
	return 0;
}
