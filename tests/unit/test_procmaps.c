// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <sys/sysmacros.h>
#include <cmocka.h>
#include "lib/procmaps.h"

static void test_file(void **state)
{
	char line[] = "7f12a4c00000-7f12a4c9a000 r-xp 0001c000 08:01 333427    "
		      "/usr/lib/x86_64-linux-gnu/libssl.so.3\n";
	struct procmaps_entry e;

	assert_int_equal(procmaps__parse(line, &e), 0);
	assert_true(e.start == 0x7f12a4c00000ULL && e.end == 0x7f12a4c9a000ULL && e.off == 0x1c000);
	assert_string_equal(e.perms, "r-xp");
	assert_true(major(e.dev) == 8 && minor(e.dev) == 1 && e.ino == 333427);
	assert_string_equal(e.path, "/usr/lib/x86_64-linux-gnu/libssl.so.3");
}

static void test_anon_and_odd(void **state)
{
	char anon[] = "7ffd1000-7ffd2000 rw-p 00000000 00:00 0\n";
	char spaces[] = "1000-2000 r-xp 00000000 fd:02 12 /opt/my app/lib ssl.so (deleted)\n";
	char bad[] = "not a maps line\n", rev[] = "2000-1000 r-xp 0 00:00 0\n", cut[] = "1000-2000 r-xp";
	struct procmaps_entry e;

	assert_int_equal(procmaps__parse(anon, &e), 0);
	assert_string_equal(e.path, "");
	assert_true(e.ino == 0);
	assert_int_equal(procmaps__parse(spaces, &e), 0);
	assert_string_equal(e.path, "/opt/my app/lib ssl.so (deleted)");
	assert_true(major(e.dev) == 0xfd && minor(e.dev) == 2);
	assert_int_equal(procmaps__parse(bad, &e), -EINVAL);
	assert_int_equal(procmaps__parse(rev, &e), -EINVAL);
	assert_int_equal(procmaps__parse(cut, &e), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_file),
		cmocka_unit_test(test_anon_and_odd),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
