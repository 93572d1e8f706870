// SPDX-License-Identifier: Apache-2.0
/* Unit tests for route templates and query redaction (src/proto/url.c) and
 * the bounded string table behind the RED series (src/lib/strtab.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include <errno.h>

#include "lib/strtab.h"
#include "proto/url.h"

static const char *route(const char *path)
{
	static char out[256];

	return url__route(path, out, sizeof(out));
}

static void test_route(void **state)
{
	assert_string_equal(route("/"), "/");
	assert_string_equal(route("/users/42"), "/users/{id}");
	assert_string_equal(route("/users/42/orders/7/"), "/users/{id}/orders/{id}/");
	assert_string_equal(route("/o/123e4567-e89b-12d3-a456-426614174000"), "/o/{id}");
	assert_string_equal(route("/c/deadbeef01"), "/c/{id}");
	assert_string_equal(route("/t/aZ3kQ9xY2mN8pL4w"), "/t/{id}");
	/* Words stay: no digit, or too short to be a token. */
	assert_string_equal(route("/api/v1/health"), "/api/v1/health");
	assert_string_equal(route("/static/deadbeef"), "/static/deadbeef");
	assert_string_equal(route("/a//b"), "/a//b");
	assert_string_equal(route("*"), "*");
	assert_string_equal(route("http://x/y"), "");
	/* Cut to fit, terminated. */
	char small[8];

	assert_string_equal(url__route("/abcdefghij", small, sizeof(small)), "/abcdef");
	assert_string_equal(url__route("/1/2/3/4/5", small, sizeof(small)), "/{id}/{");
}

static void test_redact(void **state)
{
	char out[128];

	assert_string_equal(url__redact_query("a=1&password=hunter2&b", "password", out, sizeof(out)),
			    "a=1&password=REDACTED&b");
	assert_string_equal(url__redact_query("Token=x&TOKEN=y", "token", out, sizeof(out)),
			    "Token=REDACTED&TOKEN=REDACTED");
	assert_string_equal(url__redact_query("k=a=b&kk=c", " k , z", out, sizeof(out)),
			    "k=REDACTED&kk=c");
	assert_string_equal(url__redact_query("a=1&b=2", "*", out, sizeof(out)), "a=REDACTED&b=REDACTED");
	assert_string_equal(url__redact_query("", "*", out, sizeof(out)), "");
	/* A name alone has no value to hide. */
	assert_string_equal(url__redact_query("password", "password", out, sizeof(out)), "password");
	char small[10];

	assert_string_equal(url__redact_query("p=secretvalue", "p", small, sizeof(small)), "p=REDACTE");
}

static void test_strtab(void **state)
{
	struct strtab t;
	char key[16];
	int vals[200];

	assert_int_equal(strtab__init(&t, 100), 0);
	for (int i = 0; i < 100; i++) {
		snprintf(key, sizeof(key), "k%d", i);
		assert_int_equal(strtab__put(&t, key, strlen(key), &vals[i]), 0);
	}
	assert_int_equal(strtab__put(&t, "over", 4, &vals[100]), -ENOSPC);
	/* Replacing a value is not a new entry. */
	assert_int_equal(strtab__put(&t, "k5", 2, &vals[150]), 0);
	assert_ptr_equal(strtab__get(&t, "k5", 2), &vals[150]);
	/* Deletes keep every other key reachable (backward shift). */
	for (int i = 0; i < 100; i += 2) {
		snprintf(key, sizeof(key), "k%d", i);
		assert_non_null(strtab__del(&t, key, strlen(key)));
	}
	assert_int_equal(t.n, 50);
	for (int i = 0; i < 100; i++) {
		snprintf(key, sizeof(key), "k%d", i);
		if (i % 2)
			assert_non_null(strtab__get(&t, key, strlen(key)));
		else
			assert_null(strtab__get(&t, key, strlen(key)));
	}
	assert_null(strtab__del(&t, "k0", 2));
	/* Binary keys with NULs. */
	assert_int_equal(strtab__put(&t, "a\0b", 3, &vals[0]), 0);
	assert_null(strtab__get(&t, "a\0c", 3));
	assert_ptr_equal(strtab__get(&t, "a\0b", 3), &vals[0]);
	strtab__free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_route),
		cmocka_unit_test(test_redact),
		cmocka_unit_test(test_strtab),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
