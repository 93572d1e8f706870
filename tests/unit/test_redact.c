// SPDX-License-Identifier: Apache-2.0
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "lib/redact.h"

/* args as one string with '|' between arguments, redacted, back to '|'. */
static const char *run(const char *args, size_t sz)
{
	static char in[512], out[512];
	size_t n = strlen(args), m;
	bool cut;

	memcpy(in, args, n);
	for (size_t i = 0; i < n; i++)
		if (in[i] == '|')
			in[i] = '\0';
	m = redact__args(in, n, out, sz, &cut);
	for (size_t i = 0; i < m; i++)
		if (!out[i])
			out[i] = '|';
	out[m] = '\0';
	return out;
}

static void test_headers_and_options(void **state)
{
	assert_string_equal(run("curl|-H|Authorization: Bearer abc.def|https://x/", 512),
			    "curl|-H|Authorization: REDACTED|https://x/");
	assert_string_equal(run("curl|-H|cookie:sid=1|-H|Accept: */*", 512),
			    "curl|-H|cookie: REDACTED|-H|Accept: */*");
	assert_string_equal(run("mysql|--password=hunter2|--user=bob|db", 512),
			    "mysql|--password=REDACTED|--user=bob|db");
	assert_string_equal(run("tool|--api-token|s3cr3t|--verbose", 512), "tool|--api-token|REDACTED|--verbose");
	assert_string_equal(run("env|DB_PASSWORD=x|PATH=/bin|cmd", 512), "env|DB_PASSWORD=REDACTED|PATH=/bin|cmd");
	/* otlp.headers on a command line: the pair's value. */
	assert_string_equal(run("sonde|--otlp-headers|x=1,authorization=Bearer%20t", 512),
			    "sonde|--otlp-headers|x=1,authorization=REDACTED");
	assert_string_equal(run("tool|--token-file|/etc/t|--password-file=/etc/p", 512),
			    "tool|--token-file|/etc/t|--password-file=/etc/p");
}

static void test_urls_and_users(void **state)
{
	assert_string_equal(run("git|clone|https://bob:pw@example.com/r.git", 512),
			    "git|clone|https://bob:REDACTED@example.com/r.git");
	assert_string_equal(run("psql|postgres://u:p@h:5432/db?x=1", 512), "psql|postgres://u:REDACTED@h:5432/db?x=1");
	assert_string_equal(run("curl|http://host/a:b@c", 512), "curl|http://host/a:b@c");	/* @ past the path */
	assert_string_equal(run("curl|https://bob@host/", 512), "curl|https://bob@host/");
	assert_string_equal(run("curl|-u|bob:pw|http://h/", 512), "curl|-u|bob:REDACTED|http://h/");
	assert_string_equal(run("sort|-u|file.txt", 512), "sort|-u|file.txt");
	assert_string_equal(run("curl|https://bob:pw@h/a?x=1&access_token=abc&y=2", 512),
			    "curl|https://bob:REDACTED@h/a?x=1&access_token=REDACTED&y=2");
	assert_string_equal(run("mount|-o|user=bob,password=pw,ro|//srv/share", 512),
			    "mount|-o|user=bob,password=REDACTED,ro|//srv/share");
}

static void test_bounds(void **state)
{
	/* Output longer than input, cut at sz; a lone NUL-less tail. */
	assert_string_equal(run("a|--password=x", 16), "a|--password=RED");
	assert_string_equal(run("", 512), "");
	assert_string_equal(run("|||", 512), "|||");
	assert_string_equal(run("--password", 512), "--password");
	assert_string_equal(run("x|://|:@|a://:@", 512), "x|://|:@|a://:@");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_headers_and_options),
		cmocka_unit_test(test_urls_and_users),
		cmocka_unit_test(test_bounds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
