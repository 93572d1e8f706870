// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>
#include "lib/httphdr.h"

static void test_pairs(void **state)
{
	struct strbuf sb = {};
	char err[160] = "";

	assert_int_equal(httphdr__parse_list("authorization=Bearer%20abc, x-tenant = a b ,,", &sb, err,
					     sizeof(err)), 0);
	assert_string_equal(sb.buf, "authorization: Bearer abc\r\nx-tenant: a b\r\n");
	sb__reset(&sb);
	assert_int_equal(httphdr__parse_list("", &sb, err, sizeof(err)), 0);
	assert_int_equal(sb.len, 0);
	assert_int_equal(httphdr__parse_list("k=", &sb, err, sizeof(err)), 0);
	assert_string_equal(sb.buf, "k: \r\n");
	sb__free(&sb);
}

static void test_refused(void **state)
{
	static const char *const bad[] = {
		"Authorization: Bearer sekrit",	/* no '=' */
		"bad key=v", "=v", "k=a%0d%0aHost: evil", "k=%zz", "k=%4", "Host=x", "content-length=9",
		"k=\x01",
	};
	struct strbuf sb = {};
	char err[160];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		assert_int_equal(httphdr__parse_list(bad[i], &sb, err, sizeof(err)), -EINVAL);
		assert_true(err[0]);
		assert_null(strstr(err, "sekrit"));	/* values are never echoed */
		assert_null(strstr(err, "evil"));
		sb__reset(&sb);
	}
	sb__free(&sb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pairs),
		cmocka_unit_test(test_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
