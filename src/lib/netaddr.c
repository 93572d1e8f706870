// SPDX-License-Identifier: Apache-2.0
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lib/netaddr.h"

const char *netaddr__str(int family, const void *addr, char *buf, size_t sz)
{
	if (!inet_ntop(family == AF_INET6 ? AF_INET6 : AF_INET, addr, buf, sz))
		snprintf(buf, sz, "?");
	return buf;
}

const char *netaddr__str_port(int family, const void *addr, unsigned port, char *buf, size_t sz)
{
	char a[NETADDR_STRLEN];

	netaddr__str(family, addr, a, sizeof(a));
	snprintf(buf, sz, family == AF_INET6 ? "[%s]:%u" : "%s:%u", a, port);
	return buf;
}

int netaddr__parse(const char *s, struct netaddr *out)
{
	memset(out, 0, sizeof(*out));
	if (inet_pton(AF_INET, s, out->a) == 1) {
		out->family = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, s, out->a) == 1) {
		out->family = AF_INET6;
		return 0;
	}
	return -EINVAL;
}

static void mask_host_bits(uint8_t *a, unsigned prefix, unsigned bytes)
{
	for (unsigned i = 0; i < bytes; i++) {
		unsigned keep = prefix >= (i + 1) * 8 ? 8 : prefix > i * 8 ? prefix - i * 8 : 0;

		a[i] &= keep ? (uint8_t)(0xff << (8 - keep)) : 0;
	}
}

int cidr__parse(const char *s, struct cidr *out, char *why, size_t why_sz)
{
	char addr[64], *end;
	const char *slash = strchr(s, '/');
	size_t n = slash ? (size_t)(slash - s) : strlen(s);
	unsigned max, bytes;
	long prefix;
	struct netaddr masked;

	if (!n || n >= sizeof(addr)) {
		snprintf(why, why_sz, "'%s' is not an address or CIDR", s);
		return -EINVAL;
	}
	memcpy(addr, s, n);
	addr[n] = '\0';
	if (netaddr__parse(addr, &out->addr)) {
		snprintf(why, why_sz, "'%s' is not an IPv4 or IPv6 address", addr);
		return -EINVAL;
	}
	max = out->addr.family == AF_INET ? 32 : 128;
	bytes = max / 8;
	prefix = max;
	if (slash) {
		errno = 0;
		prefix = strtol(slash + 1, &end, 10);
		if (errno || end == slash + 1 || *end || prefix < 0 || prefix > max) {
			snprintf(why, why_sz, "'%s': the prefix length must be 0 to %u", s, max);
			return -EINVAL;
		}
	}
	out->prefix = prefix;
	masked = out->addr;
	mask_host_bits(masked.a, prefix, bytes);
	if (memcmp(masked.a, out->addr.a, bytes)) {
		char m[NETADDR_STRLEN];

		snprintf(why, why_sz, "'%s' has host bits set below /%ld (did you mean %s/%ld?)", s, prefix,
			 netaddr__str(masked.family, masked.a, m, sizeof(m)), prefix);
		return -EINVAL;
	}
	return 0;
}

bool cidr__contains(const struct cidr *c, int family, const void *addr)
{
	uint8_t a[16];
	unsigned bytes = family == AF_INET ? 4 : 16;

	if (family != c->addr.family)
		return false;
	memcpy(a, addr, bytes);
	mask_host_bits(a, c->prefix, bytes);
	return !memcmp(a, c->addr.a, bytes);
}

const char *cidr__str(const struct cidr *c, char *buf, size_t sz)
{
	char a[NETADDR_STRLEN];

	snprintf(buf, sz, "%s/%u", netaddr__str(c->addr.family, c->addr.a, a, sizeof(a)), c->prefix);
	return buf;
}
