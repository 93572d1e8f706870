// SPDX-License-Identifier: Apache-2.0
/* Path and flag text of file events. */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <linux/fs.h>
#include <cmocka.h>
#include "lib/fspath.h"

static void norm(const char *in, const char *want)
{
	char buf[256];

	snprintf(buf, sizeof(buf), "%s", in);
	fspath__normalize(buf);
	assert_string_equal(buf, want);
}

static void test_normalize(void **state)
{
	norm("/etc/passwd", "/etc/passwd");
	norm("/tmp/a/../../etc/./passwd", "/etc/passwd");
	norm("//tmp///x//", "/tmp/x");
	norm("/..", "/");
	norm("/../../x", "/x");
	norm("/a/b/..", "/a");
	norm("/", "/");
	norm("/.", "/");
	norm("/a/.../b", "/a/.../b");	/* three dots is a name */
	norm("/a/..b/c", "/a/..b/c");
}

static void unrev(const char *in, const char *want, size_t sz)
{
	char buf[256];

	memset(buf, 'X', sizeof(buf));
	fspath__unreverse(in, buf, sz);
	assert_string_equal(buf, want);
}

static void test_unreverse(void **state)
{
	unrev("d/ft/tmp", "/tmp/ft/d", 256);
	unrev("", "/", 256);
	unrev("proc", "/proc", 256);
	unrev("d/ft/tmp", "/tmp/f", 7);	/* truncated, still terminated */
}

static void test_flags(void **state)
{
	char buf[128];

	fspath__open_flags(O_RDONLY, buf, sizeof(buf));
	assert_string_equal(buf, "O_RDONLY");
	fspath__open_flags(O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, buf, sizeof(buf));
	assert_string_equal(buf, "O_WRONLY|O_CREAT|O_TRUNC|O_CLOEXEC");
	fspath__open_flags(O_RDWR | O_TMPFILE, buf, sizeof(buf));
	assert_string_equal(buf, "O_RDWR|O_TMPFILE");
	fspath__open_flags(O_RDONLY | O_DIRECTORY | O_SYNC, buf, sizeof(buf));
	assert_string_equal(buf, "O_RDONLY|O_SYNC|O_DIRECTORY");
	fspath__open_flags(O_RDONLY | (1UL << 30), buf, sizeof(buf));
	assert_string_equal(buf, "O_RDONLY|0x40000000");
	fspath__open_flags(O_WRONLY | O_CREAT | O_TRUNC, buf, 9);	/* too small: terminated */
	assert_string_equal(buf, "O_WRONLY");
	fspath__rename_flags(0, buf, sizeof(buf));
	assert_string_equal(buf, "");
	fspath__rename_flags(RENAME_NOREPLACE, buf, sizeof(buf));
	assert_string_equal(buf, "RENAME_NOREPLACE");
	fspath__rename_flags(RENAME_EXCHANGE | RENAME_WHITEOUT | 64, buf, sizeof(buf));
	assert_string_equal(buf, "RENAME_EXCHANGE|RENAME_WHITEOUT|0x40");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_normalize),
		cmocka_unit_test(test_unreverse),
		cmocka_unit_test(test_flags),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
