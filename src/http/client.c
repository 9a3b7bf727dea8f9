/* SPDX-License-Identifier: MIT */
/*
 * Who a request comes from: the TCP peer, or behind trusted reverse proxies
 * (CS_TRUSTED_PROXIES) the last address of X-Forwarded-For that is not one
 * of them. The per-client rate limits and connection caps count this
 * address; see cs_client_address() in internal.h.
 */
#include "http/internal.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "util/limits.h"
#include "util/str.h"
#include "util/xalloc.h"
#include "util/banned.h"

/* An address as 16 bytes: IPv4 as IPv4-mapped IPv6, so that one
 * comparison serves both and ::ffff:10.0.0.1 is 10.0.0.1. */
struct net {
	unsigned char addr[16];
	unsigned bits; /* prefix length over the 16 bytes */
};

struct cs_proxies {
	struct net nets[CS_MAX_TRUSTED_PROXIES];
	size_t n;
};

static void
mapped_v4(const struct in_addr *in, unsigned char out[16])
{
	memset(out, 0, 10);
	out[10] = out[11] = 0xff;
	memcpy(out + 12, &in->s_addr, 4);
}

static bool
is_mapped_v4(const unsigned char a[16])
{
	static const unsigned char prefix[12] = {
	    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

	return memcmp(a, prefix, sizeof(prefix)) == 0;
}

/* text (an IPv4 or IPv6 address, nothing else) as 16 bytes. */
static bool
parse_addr(const char *text, unsigned char out[16], bool *v4)
{
	struct in_addr in;

	if (inet_pton(AF_INET, text, &in) == 1) {
		mapped_v4(&in, out);
		*v4 = true;
		return true;
	}
	*v4 = false;
	return inet_pton(AF_INET6, text, out) == 1;
}

bool
cs_client_key(const struct sockaddr *sa, unsigned char out[16])
{
	if (sa == NULL)
		return false;
	if (sa->sa_family == AF_INET) {
		mapped_v4(
		    &((const struct sockaddr_in *)(const void *)sa)->sin_addr,
		    out);
		return true;
	}
	if (sa->sa_family == AF_INET6) {
		memcpy(out,
		    &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr,
		    16);
		return true;
	}
	return false;
}

static void
format_addr(const unsigned char a[16], char *out, size_t size)
{
	if (is_mapped_v4(a))
		inet_ntop(AF_INET, a + 12, out, (socklen_t)size);
	else
		inet_ntop(AF_INET6, a, out, (socklen_t)size);
}

int
cs_proxies_parse(
    const char *list, struct cs_proxies **out, struct cs_error *err)
{
	struct cs_proxies *p;
	char item[INET6_ADDRSTRLEN + 8];
	const char *s = list, *end;
	int64_t bits;
	size_t len;

	*out = NULL;
	p = cs_xcalloc(1, sizeof(*p));
	while (s != NULL && *s != '\0') {
		struct net *net;
		char *slash;
		bool v4;

		s += strspn(s, " ,\t");
		if (*s == '\0')
			break;
		len = strcspn(s, " ,\t");
		end = s + len;
		if (len >= sizeof(item))
			goto bad;
		memcpy(item, s, len);
		item[len] = '\0';
		if (p->n == CS_MAX_TRUSTED_PROXIES) {
			free(p);
			return cs_error_set(err, CS_EINVAL,
			    "CS_TRUSTED_PROXIES names more than %d addresses "
			    "or networks",
			    CS_MAX_TRUSTED_PROXIES);
		}
		net = &p->nets[p->n];
		slash = strchr(item, '/');
		if (slash != NULL)
			*slash = '\0';
		if (!parse_addr(item, net->addr, &v4))
			goto bad;
		net->bits = 128;
		if (slash != NULL) {
			if (cs_str_to_i64(slash + 1, 0, v4 ? 32 : 128, &bits) <
			    0)
				goto bad;
			net->bits = (unsigned)bits + (v4 ? 96 : 0);
		}
		p->n++;
		s = end;
	}
	*out = p;
	return 0;
bad:
	free(p);
	return cs_error_set(err, CS_EINVAL,
	    "CS_TRUSTED_PROXIES is a list of addresses and networks "
	    "(10.0.0.1, 10.0.0.0/8, fd00::/8), not '%.*s'",
	    (int)len, s);
}

void
cs_proxies_free(struct cs_proxies *p)
{
	free(p);
}

static bool
in_net(const struct net *net, const unsigned char a[16])
{
	unsigned full = net->bits / 8, rest = net->bits % 8;
	unsigned char mask;

	if (memcmp(net->addr, a, full) != 0)
		return false;
	if (rest == 0)
		return true;
	mask = (unsigned char)(0xff << (8 - rest));
	return (net->addr[full] & mask) == (a[full] & mask);
}

static bool
trusted(const struct cs_proxies *p, const unsigned char a[16])
{
	size_t i;

	for (i = 0; p != NULL && i < p->n; i++) {
		if (in_net(&p->nets[i], a))
			return true;
	}
	return false;
}

bool
cs_proxies_trust(const struct cs_proxies *p, const struct sockaddr *sa)
{
	unsigned char a[16];

	return cs_client_key(sa, a) && trusted(p, a);
}

/* One hop of X-Forwarded-For (len bytes at s) as 16 bytes: a bare
 * address, or one with a port ("1.2.3.4:80", "[::1]:80"). */
static bool
parse_hop(const char *s, size_t len, unsigned char out[16])
{
	char item[INET6_ADDRSTRLEN + 8];
	const char *colon;
	bool v4;

	while (len > 0 && (*s == ' ' || *s == '\t')) {
		s++;
		len--;
	}
	while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	if (len == 0 || len >= sizeof(item))
		return false;
	memcpy(item, s, len);
	item[len] = '\0';
	if (item[0] == '[') {
		char *close = strchr(item, ']');

		if (close == NULL)
			return false;
		*close = '\0';
		return parse_addr(item + 1, out, &v4) && !v4;
	}
	colon = strchr(item, ':');
	if (colon != NULL && strchr(colon + 1, ':') == NULL)
		item[colon - item] = '\0'; /* IPv4 with a port */
	return parse_addr(item, out, &v4);
}

void
cs_client_address(const struct cs_proxies *p, const struct sockaddr *peer,
    const char *forwarded_for, char *out, size_t size)
{
	unsigned char a[16], hop[16];
	const char *end;
	size_t len;

	cs_str_copy(out, "?", size);
	if (!cs_client_key(peer, a))
		return;
	/* Right to left: each trusted hop vouches for the one before it. */
	if (forwarded_for != NULL && trusted(p, a)) {
		end = forwarded_for + strlen(forwarded_for);
		while (end > forwarded_for && trusted(p, a)) {
			const char *start = end;

			while (start > forwarded_for && start[-1] != ',')
				start--;
			len = (size_t)(end - start);
			/* A hop that is not an address: the trusted proxy
			 * to its right is the client (the header was made
			 * up before it). */
			if (!parse_hop(start, len, hop))
				break;
			memcpy(a, hop, sizeof(a));
			end = start > forwarded_for ? start - 1 : start;
		}
	}
	format_addr(a, out, size);
}

const char *
cs_req_client(const struct cs_req *r)
{
	return r->client;
}

const char *
cs_req_actor(struct cs_req *r)
{
	snprintf(r->actor, sizeof(r->actor), "api %s", r->client);
	return r->actor;
}
