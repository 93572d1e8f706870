/* SPDX-License-Identifier: Apache-2.0 */
/* IP addresses and CIDRs as people write them, for events, the flow and
 * service map keys, the XDP drop list and the capture filter. Pure. */
#ifndef SONDE_LIB_NETADDR_H
#define SONDE_LIB_NETADDR_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* An address: family AF_INET (the first 4 bytes) or AF_INET6. */
struct netaddr {
	uint8_t a[16];
	uint16_t family;
};

struct cidr {
	struct netaddr addr;	/* host bits cleared */
	unsigned prefix;	/* 0..32 or 0..128 */
};

/* "10.0.0.1", "fe80::1"; returns buf. sz >= NETADDR_STRLEN. */
#define NETADDR_STRLEN 46
const char *netaddr__str(int family, const void *addr, char *buf, size_t sz);
/* "10.0.0.1:80", "[fe80::1]:80". sz >= NETADDR_STRLEN + 8. */
const char *netaddr__str_port(int family, const void *addr, unsigned port, char *buf, size_t sz);
/* An address alone; 0 or -EINVAL. */
int netaddr__parse(const char *s, struct netaddr *out);
/* "10.0.0.0/8", "2001:db8::/32", or an address alone (a /32 or /128).
 * Host bits set below the prefix are an error ("10.0.0.1/8": did you
 * mean 10.0.0.0/8?), so a typo cannot widen a rule silently. 0, or
 * -EINVAL with the reason in why. */
int cidr__parse(const char *s, struct cidr *out, char *why, size_t why_sz);
bool cidr__contains(const struct cidr *c, int family, const void *addr);
const char *cidr__str(const struct cidr *c, char *buf, size_t sz);
#endif
