// SPDX-License-Identifier: Apache-2.0
/* Unit tests for src/lib/syscall_table.c and the generated x86_64 table. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "lib/errname.h"
#include "lib/syscall_table.h"

static void test_known_numbers(void **state)
{
	char buf[32];

	(void)state;
	assert_string_equal(syscall__name(0, buf, sizeof(buf)), "read");
	assert_string_equal(syscall__name(1, buf, sizeof(buf)), "write");
	assert_string_equal(syscall__name(2, buf, sizeof(buf)), "open");
	assert_string_equal(syscall__name(3, buf, sizeof(buf)), "close");
	assert_string_equal(syscall__name(39, buf, sizeof(buf)), "getpid");
	assert_string_equal(syscall__name(59, buf, sizeof(buf)), "execve");
	assert_string_equal(syscall__name(60, buf, sizeof(buf)), "exit");
	assert_string_equal(syscall__name(110, buf, sizeof(buf)), "getppid");
	assert_string_equal(syscall__name(231, buf, sizeof(buf)), "exit_group");
	assert_string_equal(syscall__name(257, buf, sizeof(buf)), "openat");
	assert_string_equal(syscall__name(435, buf, sizeof(buf)), "clone3");
	/* A known name never goes through the caller's buffer. */
	assert_ptr_not_equal(syscall__name(0, buf, sizeof(buf)), buf);
}

static void test_table_shape(void **state)
{
	unsigned named = 0;

	(void)state;
	/* x86_64 has had well over 300 syscalls since Linux 4.x, up to at
	 * least 334 (rseq) with holes only at 335..423. */
	assert_true(syscall_names_len > 334);
	for (unsigned i = 0; i < syscall_names_len; i++) {
		if (!syscall_names[i])
			continue;
		named++;
		assert_true(syscall_names[i][0] != '\0');
		/* Names are bare: no "__NR_" or "sys_" prefix left over. */
		assert_true(strncmp(syscall_names[i], "__NR_", 5) != 0);
		assert_true(strncmp(syscall_names[i], "sys_", 4) != 0);
		for (const char *p = syscall_names[i]; *p; p++)
			assert_true((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_');
	}
	for (unsigned i = 0; i <= 334; i++)
		assert_non_null(syscall_names[i]);
	assert_true(named > 330);
	/* The last entry is named (the table is sized by its highest entry). */
	assert_non_null(syscall_names[syscall_names_len - 1]);
}

static void test_unknown_number(void **state)
{
	char buf[32];
	const char *s;

	(void)state;
	s = syscall__name(syscall_names_len, buf, sizeof(buf));
	assert_ptr_equal(s, buf);
	{
		char want[32];

		snprintf(want, sizeof(want), "sys_%u", syscall_names_len);
		assert_string_equal(s, want);
	}
	assert_string_equal(syscall__name(511, buf, sizeof(buf)), "sys_511");
	assert_string_equal(syscall__name(100000, buf, sizeof(buf)), "sys_100000");
	assert_string_equal(syscall__name(4294967295u, buf, sizeof(buf)), "sys_4294967295");
	/* A hole inside the table (x86_64 has none named 335..423). */
	assert_null(syscall_names[400]);
	assert_string_equal(syscall__name(400, buf, sizeof(buf)), "sys_400");
	/* A short buffer is truncated, still NUL-terminated. */
	{
		char small[6];

		memset(small, 'X', sizeof(small));
		s = syscall__name(12345, small, sizeof(small));
		assert_string_equal(s, "sys_1");
	}
}

static void test_nr_round_trip(void **state)
{
	char buf[32];
	unsigned checked = 0;

	(void)state;
	for (unsigned i = 0; i < syscall_names_len; i++) {
		if (!syscall_names[i])
			continue;
		assert_int_equal(syscall__nr(syscall_names[i]), i);
		assert_string_equal(syscall__name(i, buf, sizeof(buf)), syscall_names[i]);
		checked++;
	}
	assert_true(checked > 330);
	/* Names are unique, so the round trip above is meaningful. */
	for (unsigned i = 0; i < syscall_names_len; i++)
		for (unsigned j = i + 1; syscall_names[i] && j < syscall_names_len; j++)
			if (syscall_names[j])
				assert_true(strcmp(syscall_names[i], syscall_names[j]) != 0);
}

static void test_nr_lookup(void **state)
{
	char buf[32];

	(void)state;
	assert_int_equal(syscall__nr("read"), 0);
	assert_int_equal(syscall__nr("getpid"), 39);
	assert_int_equal(syscall__nr("execve"), 59);
	assert_int_equal(syscall__nr("openat"), 257);
	assert_int_equal(syscall__nr("no_such_syscall"), -1);
	assert_int_equal(syscall__nr(""), -1);
	assert_int_equal(syscall__nr("READ"), -1);	/* case matters */
	assert_int_equal(syscall__nr("read "), -1);
	/* "sys_NNN" (what syscall__name prints for unknown numbers) parses back. */
	assert_int_equal(syscall__nr("sys_511"), 511);
	assert_int_equal(syscall__nr("sys_400"), 400);
	assert_int_equal(syscall__nr(syscall__name(509, buf, sizeof(buf))), 509);
	assert_int_equal(syscall__nr("sys_"), -1);
	assert_int_equal(syscall__nr("sys_12x"), -1);
	assert_int_equal(syscall__nr("sys_x"), -1);
	assert_int_equal(syscall__nr("sys_12 "), -1);
}

/* The contract is "the number, or -1": a number past any syscall table
 * (2^20) must not come back as some other value. */
static void test_nr_out_of_range(void **state)
{
	(void)state;
	assert_int_equal(syscall__nr("sys_1048575"), 1048575);
	assert_int_equal(syscall__nr("sys_1048576"), -1);
	assert_int_equal(syscall__nr("sys_2147483647"), -1);
	assert_int_equal(syscall__nr("sys_3000000000"), -1);
	assert_int_equal(syscall__nr("sys_2147483648"), -1);
}

static void test_errno_name(void **state)
{
	char buf[32];

	(void)state;
	assert_string_equal(errname(2, buf, sizeof(buf)), "ENOENT");
	assert_string_equal(errname(EPERM, buf, sizeof(buf)), "EPERM");
	assert_string_equal(errname(EAGAIN, buf, sizeof(buf)), "EAGAIN");
	assert_string_equal(errname(EINTR, buf, sizeof(buf)), "EINTR");
	assert_string_equal(errname(EACCES, buf, sizeof(buf)), "EACCES");
	assert_string_equal(errname(ENOSYS, buf, sizeof(buf)), "ENOSYS");
	assert_ptr_not_equal(errname(2, buf, sizeof(buf)), buf);
}

static void test_errno_unknown(void **state)
{
	char buf[32];

	(void)state;
	assert_string_equal(errname(9999, buf, sizeof(buf)), "E9999");
	assert_ptr_equal(errname(9999, buf, sizeof(buf)), buf);
	assert_string_equal(errname(0, buf, sizeof(buf)), "E0");
	assert_string_equal(errname(-2, buf, sizeof(buf)), "E-2");
	/* Linux kernel-internal errnos (ERESTARTSYS = 512) are not in libc. */
	assert_string_equal(errname(512, buf, sizeof(buf)), "E512");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_known_numbers),
		cmocka_unit_test(test_table_shape),
		cmocka_unit_test(test_unknown_number),
		cmocka_unit_test(test_nr_round_trip),
		cmocka_unit_test(test_nr_lookup),
		cmocka_unit_test(test_nr_out_of_range),
		cmocka_unit_test(test_errno_name),
		cmocka_unit_test(test_errno_unknown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
