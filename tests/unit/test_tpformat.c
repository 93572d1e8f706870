// SPDX-License-Identifier: Apache-2.0
/* Unit tests for the tracefs format parser (src/lang/tpformat.c): the
 * embedded real formats of lang_env_fake.h, malformed ones with their
 * exact messages, and every format on this host's tracefs when there is
 * one (SKIP otherwise). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>
#include <cmocka.h>

#include "lang/tpformat.h"
#include "lang_env_fake.h"

static struct lang_tp_format fmt;
static char err[256];

static const struct lang_tp_field *field(const char *cat, const char *name, const char *f)
{
	for (size_t i = 0; i < sizeof(fake_tps) / sizeof(fake_tps[0]); i++)
		if (!strcmp(fake_tps[i].cat, cat) && !strcmp(fake_tps[i].name, name)) {
			assert_int_equal(lang_tp__parse(fake_tps[i].format,
							strlen(fake_tps[i].format), &fmt, err,
							sizeof(err)),
					 0);
			return lang_tp__field(&fmt, f);
		}
	fail_msg("no %s:%s", cat, name);
	return NULL;
}

static void test_embedded(void **state)
{
	const struct lang_tp_field *f = field("syscalls", "sys_enter_openat", "filename");

	assert_int_equal(fmt.id, 782);
	assert_int_equal(fmt.nfields, 9);
	assert_string_equal(f->type, "const char *");
	assert_int_equal(f->offset, 24);
	assert_int_equal(f->size, 8);
	assert_int_equal(f->cls, LANG_TP_PTR);
	f = lang_tp__field(&fmt, "common_pid");
	assert_true(f->common && f->is_signed && f->cls == LANG_TP_INT && f->size == 4);
	f = lang_tp__field(&fmt, "dfd"); /* "int" but 8 bytes: the size rules */
	assert_true(f->cls == LANG_TP_INT && f->size == 8 && !f->is_signed && !f->common);

	f = field("sched", "sched_switch", "prev_comm");
	assert_string_equal(f->name, "prev_comm");
	assert_string_equal(f->type, "char");
	assert_int_equal(f->array_len, 16);
	assert_int_equal(f->elem_size, 1);
	assert_int_equal(f->cls, LANG_TP_STRING);
	f = field("sched", "sched_process_exec", "filename");
	assert_true(f->data_loc && !f->rel_loc && f->cls == LANG_TP_STRING && f->size == 4);
	assert_string_equal(f->type, "__data_loc char[]");
	f = field("syscalls", "sys_exit_read", "ret");
	assert_true(f->cls == LANG_TP_INT && f->is_signed && f->size == 8 && f->offset == 16);
	f = field("syscalls", "sys_enter_execve", "argv");
	assert_string_equal(f->type, "const char *const *");
}

static void test_arrays(void **state)
{
	static const char raw[] =
		"name: sys_enter\nID: 443\nformat:\n"
		"\tfield:long id;\toffset:8;\tsize:8;\tsigned:1;\n"
		"\tfield:unsigned long args[6];\toffset:16;\tsize:48;\tsigned:0;\n"
		"\tfield:unsigned long rest[];\toffset:64;\tsize:0;\tsigned:0;\n"
		"\tfield:__data_loc u64[] ips;\toffset:64;\tsize:4;\tsigned:0;\n"
		"\tfield:__data_loc cpumask_t mask;\toffset:68;\tsize:4;\tsigned:0;\n"
		"\tfield:__rel_loc char[] s;\toffset:72;\tsize:4;\tsigned:0;\n"
		"\tfield:u8 addr[16];\toffset:76;\tsize:16;\tsigned:0;\n"
		"\tfield:struct foo f;\toffset:92;\tsize:12;\n"
		"\nprint fmt: \"NR %ld\nspans lines: ignored\"\n";
	const struct lang_tp_field *f;

	assert_int_equal(lang_tp__parse(raw, strlen(raw), &fmt, err, sizeof(err)), 0);
	assert_int_equal(fmt.nfields, 8);
	f = lang_tp__field(&fmt, "args");
	assert_true(f->cls == LANG_TP_ARRAY && f->array_len == 6 && f->elem_size == 8);
	f = lang_tp__field(&fmt, "rest");
	assert_true(f->cls == LANG_TP_ARRAY && f->array_len == 0 && f->size == 0);
	assert_int_equal(lang_tp__field(&fmt, "ips")->cls, LANG_TP_DYNARRAY);
	assert_int_equal(lang_tp__field(&fmt, "mask")->cls, LANG_TP_DYNARRAY);
	f = lang_tp__field(&fmt, "s");
	assert_true(f->rel_loc && f->cls == LANG_TP_STRING);
	assert_int_equal(lang_tp__field(&fmt, "addr")->cls, LANG_TP_ARRAY);
	assert_int_equal(lang_tp__field(&fmt, "f")->cls, LANG_TP_OTHER);
}

static void test_malformed(void **state)
{
	static const struct {
		const char *text, *err;
	} bad[] = {
		{ "format:\n\tfield:int a;\toffset:0;\tsize:4;\tsigned:1;\n", "format: no 'ID:' line" },
		{ "ID: 1\n", "format: no 'format:' line" },
		{ "ID: 1\nformat:\n", "format: no fields" },
		{ "ID: x\n", "format: line 1: expected 'ID: N'" },
		{ "ID: 1\nformat:\n\tfield:int a;\toffset:0;\n", "format: line 3: expected 'size:N;' after field 'a'" },
		{ "ID: 1\nformat:\n\tfield:int a;\toffset:0;\tsize:4;\tsigned:2;\n",
		  "format: line 3: expected 'signed:0;' or 'signed:1;' after field 'a'" },
		{ "ID: 1\nformat:\n\tfield:a;\toffset:0;\tsize:4;\n", "format: line 3: no type before the field name" },
		{ "ID: 1\nformat:\n\tfield:int a[x];\toffset:0;\tsize:4;\n", "format: line 3: the array length is not a number" },
		{ "ID: 1\nformat:\n\tfield:int a[3];\toffset:0;\tsize:4;\n", "format: line 3: size 4 of 'a' is not a multiple of 3" },
		{ "ID: 1\nformat:\n\tfield:int a;\toffset:0;\tsize:4;\n\tfield:int a;\toffset:4;\tsize:4;\n",
		  "format: line 4: field 'a' appears twice" },
		{ "ID: 1\nformat:\n\tfield:__data_loc char[] s;\toffset:0;\tsize:8;\n",
		  "format: line 3: __data_loc field 's' of size 8, not 4" },
		{ "ID: 1\nformat:\n\tfield:int a;\toffset:99999999999;\tsize:4;\n",
		  "format: line 3: expected 'offset:N;' after field 'a'" },
		{ "ID: 1\nformat:\n\tgarbage\n", "format: line 3: unexpected 'garbage'" },
		{ "ID: 1\nformat:\n\tfield:in\x01t a;\toffset:0;\tsize:4;\n", "format: line 3: invalid byte 0x01 in the field" },
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		size_t n = strlen(bad[i].text);
		char *buf = malloc(n);

		memcpy(buf, bad[i].text, n); /* no NUL: the parser keeps to n */
		assert_int_equal(lang_tp__parse(buf, n, &fmt, err, sizeof(err)), -EINVAL);
		if (strcmp(err, bad[i].err))
			fail_msg("case %zu: got '%s', want '%s'", i, err, bad[i].err);
		free(buf);
	}
	/* cut anywhere, it stays in bounds */
	for (size_t n = 0; n < strlen(fake_tps[0].format); n++) {
		char *buf = malloc(n ? n : 1);

		memcpy(buf, fake_tps[0].format, n);
		lang_tp__parse(buf, n, &fmt, err, sizeof(err));
		free(buf);
	}
}

static const char *tracefs(void)
{
	if (!access("/sys/kernel/tracing/events", R_OK))
		return "/sys/kernel/tracing";
	if (!mount("nodev", "/sys/kernel/tracing", "tracefs", 0, NULL) &&
	    !access("/sys/kernel/tracing/events", R_OK))
		return "/sys/kernel/tracing";
	return NULL;
}

struct walk {
	unsigned n, bad;
	const char *fs;
};

static int each(void *arg, const char *cat, const char *name)
{
	struct walk *w = arg;
	char msg[256];

	w->n++;
	if (lang_tp__load(w->fs, cat, name, &fmt, msg, sizeof(msg))) {
		print_message("%s\n", msg);
		w->bad++;
	}
	return 0;
}

static void test_host(void **state)
{
	struct walk w = { 0 };

	if (!(w.fs = tracefs())) {
		print_message("SKIP: no tracefs at /sys/kernel/tracing (and mounting it failed)\n");
		skip();
	}
	assert_int_equal(lang_tp__load(w.fs, "syscalls", "sys_enter_nosuch", &fmt, err, sizeof(err)),
			 -ENOENT);
	assert_int_equal(lang_tp__load(w.fs, "..", "x", &fmt, err, sizeof(err)), -EINVAL);
	assert_int_equal(lang_tp__list(w.fs, "*", "*", each, &w), 0);
	print_message("%u tracepoint formats on this host\n", w.n);
	assert_true(w.n > 0);
	assert_int_equal(w.bad, 0);
	if (!lang_tp__load(w.fs, "sched", "sched_switch", &fmt, err, sizeof(err))) {
		const struct lang_tp_field *f = lang_tp__field(&fmt, "prev_comm");

		assert_true(f && f->cls == LANG_TP_STRING && f->array_len == 16);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_embedded),
		cmocka_unit_test(test_arrays),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_host),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
