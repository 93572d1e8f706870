// SPDX-License-Identifier: Apache-2.0
/* Unit tests for hostport__parse (src/lib/hostport.c). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lib/hostport.h"

/* The buffer sizes the server uses. */
#define HSZ 128
#define PSZ 8

static void ok(const char *listen, const char *host, const char *port)
{
	char h[HSZ], p[PSZ];

	memset(h, 'X', sizeof(h));
	memset(p, 'X', sizeof(p));
	if (hostport__parse(listen, h, sizeof(h), p, sizeof(p)))
		fail_msg("'%s' refused", listen);
	assert_string_equal(h, host);
	assert_string_equal(p, port);
}

static void bad_sized(const char *listen, size_t hsz, size_t psz)
{
	char h[256], p[256];
	int ret;

	memset(h, 'X', sizeof(h));
	memset(p, 'X', sizeof(p));
	ret = hostport__parse(listen, h, hsz, p, psz);
	if (ret == 0)
		fail_msg("'%s' accepted as host '%s' port '%s'", listen, h, p);
	assert_int_equal(ret, -EINVAL);
	/* Nothing written on failure. */
	assert_int_equal(h[0], 'X');
	assert_int_equal(p[0], 'X');
}

static void bad(const char *listen)
{
	bad_sized(listen, HSZ, PSZ);
}

static void test_ipv4(void **state)
{
	(void)state;
	ok("127.0.0.1:9610", "127.0.0.1", "9610");
	ok("0.0.0.0:80", "0.0.0.0", "80");
	ok("10.1.2.3:65535", "10.1.2.3", "65535");
	ok("10.1.2.3:0", "10.1.2.3", "0");
}

static void test_names(void **state)
{
	(void)state;
	ok("localhost:1", "localhost", "1");
	ok("metrics.example.com:9100", "metrics.example.com", "9100");
	ok("*:9610", "*", "9610");
}

static void test_ipv6(void **state)
{
	(void)state;
	ok("[::1]:80", "::1", "80");
	ok("[::]:9610", "::", "9610");
	ok("[fe80::1%eth0]:9610", "fe80::1%eth0", "9610");
	ok("[2001:db8::1]:65535", "2001:db8::1", "65535");
}

static void test_bad_port(void **state)
{
	(void)state;
	bad("127.0.0.1");		/* no port */
	bad("127.0.0.1:");		/* empty port */
	bad("localhost");
	bad("127.0.0.1:65536");		/* > 65535 */
	bad("127.0.0.1:99999");
	bad("127.0.0.1:http");		/* letters */
	bad("127.0.0.1:80a");
	bad("127.0.0.1:8 0");
	bad("127.0.0.1:-1");
	bad("127.0.0.1:+80");
	bad("127.0.0.1:12345678");	/* does not fit the port buffer */
}

static void test_bad_host(void **state)
{
	(void)state;
	bad("");
	bad(":");
	bad(":9610");			/* empty host */
	bad("[]:80");
	bad("[::1]80");			/* no colon after ']' */
	bad("[::1]");
	bad("[::1]:");
	bad("[::1:80");			/* no ']' */
	bad("[::1]:80]");
	bad("[::1]x:80");
}

static void test_sizes(void **state)
{
	char h[4], p[8];

	(void)state;
	/* The host must fit with its NUL. */
	assert_int_equal(hostport__parse("abc:1", h, sizeof(h), p, sizeof(p)), 0);
	assert_string_equal(h, "abc");
	bad_sized("abcd:1", 4, 8);
	bad_sized("[abcd]:1", 4, 8);
	/* The port too. */
	assert_int_equal(hostport__parse("a:0000080", h, sizeof(h), p, sizeof(p)), 0);
	assert_string_equal(p, "0000080");
	bad_sized("a:12345", 4, 5);
	{
		char longhost[300];

		memset(longhost, 'h', 200);
		strcpy(longhost + 200, ":80");
		bad(longhost);
	}
}

/* "port > 65535" must hold for any port buffer size, not only for the one
 * the server happens to use: 4294967296 is not port 0. */
static void test_port_wraps(void **state)
{
	(void)state;
	bad_sized("127.0.0.1:4294967296", HSZ, 32);	/* 2^32 */
	bad_sized("127.0.0.1:4294967377", HSZ, 32);	/* 2^32 + 81 */
	bad_sized("127.0.0.1:18446744073709551696", HSZ, 32);
	bad_sized("127.0.0.1:000000000000000000080000", HSZ, 64);
	/* Leading zeros alone are not a problem. */
	{
		char h[HSZ], p[32];

		assert_int_equal(hostport__parse("h:00080", h, sizeof(h), p, sizeof(p)), 0);
		assert_string_equal(p, "00080");
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ipv4),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_ipv6),
		cmocka_unit_test(test_bad_port),
		cmocka_unit_test(test_bad_host),
		cmocka_unit_test(test_sizes),
		cmocka_unit_test(test_port_wraps),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
