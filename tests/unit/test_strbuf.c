// SPDX-License-Identifier: Apache-2.0
/* Unit tests for src/lib/strbuf.c, the buffer under every text writer. */
#include <malloc.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lib/strbuf.h"

static void test_append(void **state)
{
	struct strbuf sb = { 0 };

	(void)state;
	assert_int_equal(sb__puts(&sb, "abc"), 0);
	assert_int_equal(sb__putc(&sb, 'd'), 0);
	assert_int_equal(sb__append(&sb, "efgh", 2), 0);
	assert_int_equal(sb__printf(&sb, "-%d-%s", 42, "x"), 0);
	assert_int_equal(sb.len, 11);
	assert_string_equal(sb.buf, "abcdef-42-x");
	assert_true(sb.cap > sb.len);
	sb__free(&sb);
	assert_null(sb.buf);
	assert_int_equal(sb.len, 0);
	assert_int_equal(sb.cap, 0);
}

static void test_grow(void **state)
{
	struct strbuf sb = { 0 };
	char chunk[1000];

	(void)state;
	memset(chunk, 'z', sizeof(chunk));
	for (int i = 0; i < 100; i++)
		assert_int_equal(sb__append(&sb, chunk, sizeof(chunk)), 0);
	assert_int_equal(sb.len, 100000);
	assert_int_equal(sb.buf[sb.len], '\0');
	assert_int_equal(sb.buf[99999], 'z');
	/* A long printf goes through the measuring pass. */
	assert_int_equal(sb__printf(&sb, "%5000s", "y"), 0);
	assert_int_equal(sb.len, 105000);
	assert_int_equal(sb.buf[104999], 'y');
	assert_int_equal(sb.buf[105000], '\0');
	sb__free(&sb);
}

static void test_reset(void **state)
{
	struct strbuf sb = { 0 };

	(void)state;
	sb__reset(&sb);	/* on an empty buffer: no crash */
	sb__puts(&sb, "hello");
	sb__reset(&sb);
	assert_int_equal(sb.len, 0);
	assert_string_equal(sb.buf, "");
	sb__puts(&sb, "hi");
	assert_string_equal(sb.buf, "hi");
	sb__free(&sb);
}

static void test_sticky_error(void **state)
{
	struct strbuf sb = { 0 };

	(void)state;
	sb__puts(&sb, "ab");
	sb.err = -12;
	assert_int_equal(sb__puts(&sb, "cd"), -12);
	assert_int_equal(sb__printf(&sb, "%d", 1), -12);
	assert_string_equal(sb.buf, "ab");
	sb__reset(&sb);
	assert_int_equal(sb.err, 0);
	sb__free(&sb);
}

static void test_detach(void **state)
{
	struct strbuf sb = { 0 };
	size_t len = 99;
	char *p;

	(void)state;
	sb__puts(&sb, "text");
	p = sb__detach(&sb, &len);
	assert_non_null(p);
	assert_int_equal(len, 4);
	assert_string_equal(p, "text");
	assert_null(sb.buf);
	assert_int_equal(sb.len, 0);
	free(p);
}

/* strbuf.h: "Hands the buffer to the caller (NUL-terminated)" -- also when
 * nothing was ever appended. */
static void test_detach_empty(void **state)
{
	struct strbuf sb = { 0 };
	size_t len = 99;
	char *p, first;

	(void)state;
	/* Fresh heap memory is often zero by luck; make it not be (glibc
	 * fills new blocks with ~0x5a; ASan fills them with 0xbe anyway). */
	mallopt(M_PERTURB, 0x5a);
	p = sb__detach(&sb, &len);
	first = p ? p[0] : 0;
	free(p);
	mallopt(M_PERTURB, 0);
	assert_non_null(p);
	assert_int_equal(len, 0);
	assert_int_equal(first, '\0');

	/* Same after a free (what http.c does when the body failed). */
	sb__puts(&sb, "x");
	sb__free(&sb);
	mallopt(M_PERTURB, 0x5a);
	p = sb__detach(&sb, &len);
	first = p ? p[0] : 0;
	free(p);
	mallopt(M_PERTURB, 0);
	assert_non_null(p);
	assert_int_equal(len, 0);
	assert_int_equal(first, '\0');
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_append),
		cmocka_unit_test(test_grow),
		cmocka_unit_test(test_reset),
		cmocka_unit_test(test_sticky_error),
		cmocka_unit_test(test_detach),
		cmocka_unit_test(test_detach_empty),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
