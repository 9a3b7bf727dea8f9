/* SPDX-License-Identifier: MIT */
/* The client address of a request (src/http/client.c): the peer, or behind
 * trusted proxies the last untrusted hop of X-Forwarded-For. */
#include "test.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

#include "http/internal.h"

static struct sockaddr_storage peer_ss;

static const struct sockaddr *
peer(const char *addr)
{
	memset(&peer_ss, 0, sizeof(peer_ss));
	if (strchr(addr, ':') != NULL) {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&peer_ss;

		in6->sin6_family = AF_INET6;
		ASSERT_EQ(inet_pton(AF_INET6, addr, &in6->sin6_addr), 1);
	} else {
		struct sockaddr_in *in = (struct sockaddr_in *)&peer_ss;

		in->sin_family = AF_INET;
		ASSERT_EQ(inet_pton(AF_INET, addr, &in->sin_addr), 1);
	}
	return (const struct sockaddr *)&peer_ss;
}

struct row {
	const char *proxies, *peer, *xff, *want;
};

CS_TEST(http_client__address_table)
{
	static const struct row rows[] = {
	    /* No proxies: the peer, whatever the header says. */
	    {NULL, "192.0.2.1", NULL, "192.0.2.1"},
	    {NULL, "192.0.2.1", "203.0.113.5", "192.0.2.1"},
	    /* An untrusted peer's header counts for nothing. */
	    {"10.0.0.0/8", "192.0.2.1", "203.0.113.5", "192.0.2.1"},
	    /* One trusted proxy. */
	    {"10.0.0.1", "10.0.0.1", "203.0.113.5", "203.0.113.5"},
	    {"10.0.0.1", "10.0.0.1", " 203.0.113.5 ", "203.0.113.5"},
	    /* Hops the client made up stay to the left of the real one. */
	    {"10.0.0.0/8", "10.0.0.1", "1.1.1.1, 203.0.113.5, 10.9.9.9",
	        "203.0.113.5"},
	    /* Every hop trusted: the leftmost. */
	    {"10.0.0.0/8", "10.0.0.1", "10.2.2.2, 10.3.3.3", "10.2.2.2"},
	    /* A trusted proxy without the header is the client. */
	    {"10.0.0.1", "10.0.0.1", NULL, "10.0.0.1"},
	    /* A hop that is not an address: the proxy that passed it on. */
	    {"10.0.0.0/8", "10.0.0.1", "junk, 10.3.3.3", "10.3.3.3"},
	    {"10.0.0.1", "10.0.0.1", "", "10.0.0.1"},
	    /* Ports, brackets, IPv6 networks, IPv4-mapped peers. */
	    {"10.0.0.1", "10.0.0.1", "203.0.113.5:4711", "203.0.113.5"},
	    {"10.0.0.1", "10.0.0.1", "[2001:db8::7]:443", "2001:db8::7"},
	    {"fd00::/8", "fd00::1", "2001:db8::7", "2001:db8::7"},
	    {"fd00::/8", "fe80::1", "2001:db8::7", "fe80::1"},
	    {"127.0.0.1", "::ffff:127.0.0.1", "198.51.100.1", "198.51.100.1"},
	    {NULL, "::ffff:192.0.2.9", NULL, "192.0.2.9"},
	    /* A /12: 172.16.0.0 to 172.31.255.255. */
	    {"172.16.0.0/12", "172.31.255.255", "198.51.100.1", "198.51.100.1"},
	    {"172.16.0.0/12", "172.32.0.1", "198.51.100.1", "172.32.0.1"},
	};
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct cs_proxies *p = NULL;
		char out[64];

		ASSERT_OK(cs_proxies_parse(rows[i].proxies, &p, TERR));
		cs_client_address(
		    p, peer(rows[i].peer), rows[i].xff, out, sizeof(out));
		if (strcmp(out, rows[i].want) != 0)
			cs_test_fail(__FILE__, __LINE__,
			    "row %zu (%s via %s): %s, want %s", i,
			    rows[i].xff != NULL ? rows[i].xff : "-",
			    rows[i].peer, out, rows[i].want);
		cs_proxies_free(p);
	}
}

CS_TEST(http_client__bad_proxy_lists_are_refused)
{
	static const char *bad[] = {"10.0.0.1/33", "fd00::/129", "10.0.0",
	    "example.com", "10.0.0.0/x", "10.0.0.1/"};
	struct cs_proxies *p = NULL;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ASSERT_ERR(CS_EINVAL, cs_proxies_parse(bad[i], &p, TERR));
		ASSERT_TRUE(p == NULL);
	}
	ASSERT_OK(cs_proxies_parse("  10.0.0.1,,192.168.0.0/16 ", &p, TERR));
	ASSERT_TRUE(cs_proxies_trust(p, peer("192.168.44.1")));
	ASSERT_FALSE(cs_proxies_trust(p, peer("192.169.0.1")));
	cs_proxies_free(p);
}
