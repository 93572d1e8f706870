// SPDX-License-Identifier: Apache-2.0
/* Unit tests for addresses and CIDRs (src/lib/netaddr.c): what the XDP
 * drop list, the flow queries and the capture filter accept. */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "lib/netaddr.h"

static void cidr_ok(const char *s, const char *canon, unsigned prefix)
{
	struct cidr c;
	char why[128] = "", buf[64];

	if (cidr__parse(s, &c, why, sizeof(why)))
		fail_msg("'%s' refused: %s", s, why);
	assert_int_equal(c.prefix, prefix);
	assert_string_equal(cidr__str(&c, buf, sizeof(buf)), canon);
}

static void cidr_bad(const char *s, const char *reason)
{
	struct cidr c;
	char why[128] = "";

	assert_int_equal(cidr__parse(s, &c, why, sizeof(why)), -EINVAL);
	if (!strstr(why, reason))
		fail_msg("'%s': reason '%s' lacks '%s'", s, why, reason);
}

static void test_cidr_parse(void **state)
{
	cidr_ok("10.0.0.0/8", "10.0.0.0/8", 8);
	cidr_ok("192.0.2.7", "192.0.2.7/32", 32);
	cidr_ok("0.0.0.0/0", "0.0.0.0/0", 0);
	cidr_ok("2001:db8::/32", "2001:db8::/32", 32);
	cidr_ok("::1", "::1/128", 128);
	cidr_ok("fd00:231::/64", "fd00:231::/64", 64);
	cidr_bad("10.0.0.1/8", "did you mean 10.0.0.0/8");
	cidr_bad("2001:db8::1/32", "did you mean 2001:db8::/32");
	cidr_bad("10.0.0.0/33", "0 to 32");
	cidr_bad("::/129", "0 to 128");
	cidr_bad("10.0.0.0/", "prefix length");
	cidr_bad("10.0.0.0/8x", "prefix length");
	cidr_bad("10.0.0.0/-1", "prefix length");
	cidr_bad("/8", "not an address");
	cidr_bad("", "not an address");
	cidr_bad("10.0.0.256", "not an IPv4 or IPv6");
	cidr_bad("example.com", "not an IPv4 or IPv6");
	cidr_bad("1.2.3.4.5/8", "not an IPv4 or IPv6");
}

static void test_cidr_contains(void **state)
{
	struct cidr c;
	char why[64];
	struct in_addr a;
	struct in6_addr a6;

	assert_int_equal(cidr__parse("10.231.0.0/23", &c, why, sizeof(why)), 0);
	inet_pton(AF_INET, "10.231.1.200", &a);
	assert_true(cidr__contains(&c, AF_INET, &a));
	inet_pton(AF_INET, "10.231.2.1", &a);
	assert_false(cidr__contains(&c, AF_INET, &a));
	inet_pton(AF_INET6, "::ffff:10.231.1.1", &a6);
	assert_false(cidr__contains(&c, AF_INET6, &a6));	/* families are not mixed */
	assert_int_equal(cidr__parse("fd00::/9", &c, why, sizeof(why)), 0);
	inet_pton(AF_INET6, "fd7f::1", &a6);
	assert_true(cidr__contains(&c, AF_INET6, &a6));
	inet_pton(AF_INET6, "fd80::1", &a6);
	assert_false(cidr__contains(&c, AF_INET6, &a6));
}

static void test_str_port(void **state)
{
	struct netaddr a;
	char buf[NETADDR_STRLEN + 8];

	assert_int_equal(netaddr__parse("fd00:231::2", &a), 0);
	assert_string_equal(netaddr__str_port(a.family, a.a, 8080, buf, sizeof(buf)), "[fd00:231::2]:8080");
	assert_int_equal(netaddr__parse("10.0.0.1", &a), 0);
	assert_string_equal(netaddr__str_port(a.family, a.a, 0, buf, sizeof(buf)), "10.0.0.1:0");
	assert_int_equal(netaddr__parse("10.0.0.1:80", &a), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cidr_parse),
		cmocka_unit_test(test_cidr_contains),
		cmocka_unit_test(test_str_port),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
