// SPDX-License-Identifier: Apache-2.0
/* Unit tests for src/verifier/report.c, the verifier-log reader behind
 * `sonde verify`: verifier_hint__match and the hints table, then hostile and
 * edge-case input (empty, binary, huge, reused reports). The real logs'
 * parses are in test_verifier_report.c. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "verifier/report.h"
#include "report_helpers.h"
#include "verifier_logs.h"

/* ---- verifier_hint__match / verifier_hint__for_errno --------------------------------- */

static void expect_match(const char *text, const char *id)
{
	const struct verifier_hint *h = verifier_hint__match(text, strlen(text));

	if (!id) {
		if (h)
			fail_msg("\"%s\" matched %s, want none", text, h->id);
		return;
	}
	if (!h || strcmp(h->id, id))
		fail_msg("\"%s\" matched %s, want %s", text, hint_id(h), id);
}

/* The kernel's wording for the classes without a real log above (from
 * kernel/bpf/verifier.c; older kernels' variants included). */
static void test_match_kernel_messages(void **state)
{
	(void)state;
	expect_match("back-edge from insn 8 to 5", "unbounded_loop");
	expect_match("invalid read from stack off -8+0 size 8", "uninitialized_stack");
	expect_match("invalid indirect read from stack R2 off -16+0 size 16", "uninitialized_stack");
	expect_match("R3 !read_ok", "uninitialized_stack");
	expect_match("unknown func bpf_ringbuf_reserve_dynptr#198", "helper_not_allowed");
	expect_match("calling kernel function bpf_obj_new_impl is not allowed", "helper_not_allowed");
	expect_match("R1 type=map_value_or_null expected=fp", "null_not_checked");
	expect_match("R0 invalid mem access 'ringbuf_mem_or_null'", "null_not_checked");
	expect_match("R0 math between map_value pointer and register with unbounded min value is not allowed",
		     "unbounded_pointer_math");
	expect_match("The sequence of 8193 jumps is too complex.\nBPF program is too large. Processed 1000001 insn",
		     "program_too_large");
	expect_match("invalid func unknown#195896080", "core_relocation");
	expect_match("", NULL);
	expect_match("R0 !read_o", NULL);	/* a prefix of a pattern is not a match */
}

/* What libbpf printed for these objects (bpftool prog load, stderr). */
static void test_match_libbpf_messages(void **state)
{
	static const char core[] =
		"libbpf: prog 'core_relocation': BPF program load failed: Invalid argument\n"
		"libbpf: prog 'core_relocation': -- BEGIN PROG LOAD LOG --\n"
		"arg#0 reference type('UNKNOWN ') size cannot be determined: -22\n"
		"0: R1=ctx() R10=fp0\n"
		"; return BPF_CORE_READ((struct task_struct___nope *)bpf_get_current_task(), sonde_no_such_field); /* VERIFY-FAIL */ @ core_relocation.bpf.c:12\n"
		"0: (85) call bpf_get_current_task#35          ; R0=scalar()\n"
		"1: <invalid CO-RE relocation>\n"
		"failed to resolve CO-RE relocation <byte_off> [5] struct task_struct___nope.sonde_no_such_field (0:0 @ offset 0)\n"
		"processed 2 insns (limit 1000000) max_states_per_insn 0 total_states 0 peak_states 0 mark_read 0\n"
		"-- END PROG LOAD LOG --\n"
		"libbpf: prog 'core_relocation': failed to load: -22\n"
		"libbpf: failed to load object 'build/verifier/core_relocation.bpf.o'\n";
	static const char license[] =
		"libbpf: prog 'missing_license': BPF program load failed: Invalid argument\n"
		"libbpf: prog 'missing_license': -- BEGIN PROG LOAD LOG --\n"
		"; bpf_probe_read_kernel(buf, sizeof(buf), ctx);\t/* VERIFY-FAIL */ @ missing_license.bpf.c:9\n"
		"cannot call GPL-restricted function from non-GPL compatible program\n"
		"libbpf: prog 'missing_license': failed to load: -22\n"
		"libbpf: failed to load object 'build/verifier/missing_license.bpf.o'\n";
	static const char map_oob[] =
		"libbpf: prog 'map_value_oob': BPF program load failed: Permission denied\n"
		"libbpf: prog 'map_value_oob': -- BEGIN PROG LOAD LOG --\n"
		"8: (79) r6 = *(u64 *)(r0 +56)\n"
		"invalid access to map value, value_size=32 off=56 size=8\n"
		"R0 min value is outside of the allowed memory range\n"
		"-- END PROG LOAD LOG --\n"
		"libbpf: prog 'map_value_oob': failed to load: -13\n";

	(void)state;
	expect_match(core, "core_relocation");
	expect_match(license, "missing_license");
	expect_match(map_oob, "map_value_out_of_bounds");
	/* libbpf's own lines around a failure say nothing about its class. */
	expect_match("libbpf: prog 'map_value_oob': BPF program load failed: Permission denied\n"
		     "libbpf: prog 'map_value_oob': failed to load: -13\n"
		     "libbpf: failed to load object 'build/verifier/map_value_oob.bpf.o'\n", NULL);
	expect_match("libbpf: loading build/verifier/core_relocation.bpf.o\n"
		     "libbpf: license of build/verifier/core_relocation.bpf.o is GPL\n", NULL);
	/* len is honoured: the pattern past len is not seen. */
	assert_null(verifier_hint__match(license, strstr(license, "GPL-restricted") - license + 5));
	assert_non_null(verifier_hint__match(license, strstr(license, "GPL-restricted") - license + 14));
}

static void test_hint_for_errno(void **state)
{
	const struct verifier_hint *h;

	(void)state;
	h = verifier_hint__for_errno(-EPERM);
	assert_non_null(h);
	assert_string_equal(h->id, "permission_denied");
	assert_null(verifier_hint__for_errno(-EINVAL));
	assert_null(verifier_hint__for_errno(0));
}

static void test_hints_table(void **state)
{
	int n = 0;

	(void)state;
	for (int i = 0; verifier_hints[i]; i++, n++) {
		const struct verifier_hint *h = verifier_hints[i];

		assert_non_null(h->id);
		assert_non_null(h->title);
		assert_non_null(h->fix);
		assert_true(h->id[0] && h->title[0] && h->fix[0]);
		/* ids are stable names: lower case, digits, '_' */
		for (const char *p = h->id; *p; p++)
			assert_true((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_');
		for (int j = 0; j < i; j++)
			if (!strcmp(verifier_hints[j]->id, h->id))
				fail_msg("hint id %s twice (%d and %d)", h->id, j, i);
	}
	assert_true(n >= 14);
	/* The errno hint is in the table. */
	for (int i = 0; verifier_hints[i]; i++)
		if (verifier_hints[i] == verifier_hint__for_errno(-EPERM))
			return;
	fail_msg("verifier_hint__for_errno(-EPERM) is not in verifier_hints");
}

/* ---- edge cases --------------------------------------------------------- */

static void test_empty_log(void **state)
{
	struct verifier_report r;

	(void)state;
	memset(&r, 0x5a, sizeof(r));
	assert_int_equal(verifier_report__parse("", 0, &r), -EINVAL);
	assert_int_equal(r.insn, -1);
	assert_string_equal(r.message, "");
	assert_null(r.hint);
	memset(&r, 0x5a, sizeof(r));
	assert_int_equal(verifier_report__parse(NULL, 0, &r), -EINVAL);
	assert_int_equal(r.insn, -1);
	assert_int_equal(r.ncontext, 0);
	/* len 0 with text behind it is still empty. */
	assert_int_equal(verifier_report__parse(log_map_value_oob, 0, &r), -EINVAL);
	assert_string_equal(r.message, "");
	/* Not empty, but nothing in it. */
	assert_int_equal(verifier_report__parse("\n\n\n", 3, &r), 0);
	check_well_formed(&r);
	assert_string_equal(r.message, "");
	assert_int_equal(r.insn, -1);
	assert_null(r.hint);
}

/* A report reused for a second log keeps nothing of the first. */
static void test_report_reused(void **state)
{
	struct verifier_report r;

	(void)state;
	assert_int_equal(parse(log_unbounded_loop, &r), 0);
	assert_int_equal(parse(log_stack_too_large, &r), 0);
	check_well_formed(&r);
	assert_int_equal(r.ncontext, 0);
	assert_string_equal(r.context[0], "");
	assert_string_equal(r.file, "");
	assert_int_equal(r.line, 0);
	assert_int_equal(r.insn, -1);
	assert_string_equal(r.stack_depth, "400+400");
	assert_string_equal(hint_id(r.hint), "stack_too_large");
}

/* Text followed by more instructions was not the error (a level-2 state
 * dump, a warning): only the text after the last instruction counts. */
static void test_final_error_only(void **state)
{
	static const char log[] =
		"; int f(void *ctx) @ f.bpf.c:3\n"
		"0: (b7) r0 = 0\n"
		"invalid access to packet, off=0 size=1\n"
		"combined stack size of 9 calls\n"
		"; return x; @ f.bpf.c:7\n"
		"1: (bf) r0 = r1\n"
		"cannot call GPL-restricted function\n"
		"2: (95) exit\n"
		"R0 !read_ok\n"
		"processed 3 insns (limit 1000000) max_states_per_insn 0 total_states 0 peak_states 0 mark_read 0\n";
	struct verifier_report r;

	(void)state;
	assert_int_equal(parse(log, &r), 0);
	check_well_formed(&r);
	assert_string_equal(r.message, "R0 !read_ok");
	assert_string_equal(hint_id(r.hint), "uninitialized_stack");
	assert_string_equal(r.file, "f.bpf.c");
	assert_int_equal(r.line, 7);
	assert_string_equal(r.source, "return x;");
	assert_int_equal(r.insn, 2);
	assert_int_equal(r.ncontext, 3);
	assert_string_equal(r.context[0], "0: (b7) r0 = 0");
	assert_string_equal(r.context[2], "2: (95) exit");
	assert_int_equal(r.processed_insns, 3);
}

/* n instructions "i: (b7) r0 = i": the ring keeps the last 12 in order. */
static void check_ring(int n)
{
	static char log[1000 * 32 + 64];	/* static: no leak when an assertion fails */
	size_t cap = sizeof(log), len = 0;
	struct verifier_report r;
	int keep = n < VERIFIER_CONTEXT_LINES ? n : VERIFIER_CONTEXT_LINES;

	assert_true((size_t)n * 32 + 64 <= cap);
	for (int i = 0; i < n; i++)
		len += (size_t)snprintf(log + len, cap - len, "%d: (b7) r0 = %d\n", i, i);
	len += (size_t)snprintf(log + len, cap - len, "R0 invalid mem access 'scalar'\n");
	assert_int_equal(verifier_report__parse(log, len, &r), 0);
	check_well_formed(&r);
	assert_int_equal(r.ncontext, keep);
	assert_int_equal(r.insn, n - 1);
	for (int k = 0; k < keep; k++) {
		char want[64];
		int i = n - keep + k;

		snprintf(want, sizeof(want), "%d: (b7) r0 = %d", i, i);
		assert_string_equal(r.context[k], want);
	}
	assert_string_equal(r.message, "R0 invalid mem access 'scalar'");
	assert_null(r.hint);
}

static void test_context_ring(void **state)
{
	(void)state;
	check_ring(1);
	check_ring(VERIFIER_CONTEXT_LINES - 1);
	check_ring(VERIFIER_CONTEXT_LINES);
	check_ring(VERIFIER_CONTEXT_LINES + 1);
	check_ring(2 * VERIFIER_CONTEXT_LINES + 5);
	check_ring(1000);
}

static void test_long_lines(void **state)
{
	struct verifier_report r;
	enum { big = 20000 };
	static char log[big * 3 + 1024];	/* static: no leak when an assertion fails */
	size_t len;
	char *p;

	(void)state;
	/* A very long source annotation, file name and instruction. */
	p = log;
	*p++ = ';';
	*p++ = ' ';
	memset(p, 's', big);
	p += big;
	p += sprintf(p, " @ ");
	memset(p, 'f', 300);
	p += 300;
	p += sprintf(p, ".c:4242\n7: (b7) r0 = ");
	memset(p, '9', big);
	p += big;
	*p++ = '\n';
	/* An error line longer than the message, then another one. */
	p += sprintf(p, "invalid access to packet ");
	memset(p, 'x', big);
	p += big;
	p += sprintf(p, "\nR0 !read_ok\n");
	len = (size_t)(p - log);

	assert_int_equal(verifier_report__parse(log, len, &r), 0);
	check_well_formed(&r);
	assert_int_equal(r.line, 4242);
	assert_int_equal(strlen(r.file), sizeof(r.file) - 1);
	assert_int_equal(strspn(r.file, "f"), sizeof(r.file) - 1);
	assert_int_equal(strlen(r.source), sizeof(r.source) - 1);
	assert_int_equal(strspn(r.source, "s"), sizeof(r.source) - 1);
	assert_int_equal(r.insn, 7);
	assert_int_equal(r.ncontext, 1);
	assert_int_equal(strlen(r.context[0]), sizeof(r.context[0]) - 1);
	assert_memory_equal(r.context[0], "7: (b7) r0 = 999", 16);
	/* The first error line fills the message; the packet pattern is
	 * inside it, so the hint is that of the first line. */
	assert_int_equal(strlen(r.message), sizeof(r.message) - 1);
	assert_memory_equal(r.message, "invalid access to packet xxx", 28);
	assert_string_equal(hint_id(r.hint), "packet_out_of_bounds");
}

/* Stats that overflow nothing: absurd numbers stay non-negative. */
static void test_huge_numbers(void **state)
{
	static const char log[] =
		"processed 99999999999999999999999999999 insns (limit 1000000) max_states_per_insn 18446744073709551617 "
		"total_states 9223372036854775808 peak_states 123456789012345678901234567890 mark_read 0\n"
		"; x @ f.c:99999999999999999999\n"
		"0: (b7) r0 = 0\n";
	struct verifier_report r;

	(void)state;
	assert_int_equal(parse(log, &r), 0);
	check_well_formed(&r);
	assert_true(r.processed_insns > 0);
	assert_true(r.max_states_per_insn > 0);
	assert_true(r.total_states > 0);
	assert_true(r.peak_states > 0);
	assert_true(r.line >= 0);
	assert_int_equal(r.insn, 0);
}

/* An instruction index beyond int: the report must not turn it into a
 * negative index or into another instruction's (the header promises "index
 * of the last instruction logged; -1: none"). */
static void test_huge_insn_index(void **state)
{
	static const char neg[] = "2147483648: (b7) r0 = 0\nR0 !read_ok\n";
	static const char alias[] = "4294967304: (b7) r0 = 0\nR0 !read_ok\n";
	struct verifier_report r;

	(void)state;
	assert_int_equal(parse(neg, &r), 0);
	assert_true(r.insn >= -1);
	assert_int_equal(parse(alias, &r), 0);
	assert_true(r.insn >= -1);
	assert_int_not_equal(r.insn, 8);	/* 4294967304 mod 2^32 */
	assert_int_equal(r.ncontext, 1);
	/* A poisoned instruction is an instruction: no poison without one. */
	assert_int_equal(parse("99999999999: <invalid CO-RE relocation>\n", &r), 0);
	assert_true(r.insn >= -1);
	if (r.core_poisoned && r.insn < 0)
		fail_msg("core_poisoned with insn %d", r.insn);
}

/* Lines holding NUL bytes are skipped whole; other control bytes become
 * spaces; len bounds the parse, not a NUL. */
static void test_binary(void **state)
{
	static const char log[] =
		"3: (b7) r0 = 1\n"
		"4: (b7)\0r0 = 2\n"
		"; bad\0 @ bad.c:77\n"
		"R0 !read_ok\0 junk\n"
		"invalid access\tto packet,\x01off=1\r\n"
		"\xff\xfe\x80 garbage \x7f\n";
	struct verifier_report r;

	(void)state;
	assert_int_equal(verifier_report__parse(log, sizeof(log) - 1, &r), 0);
	check_well_formed(&r);
	assert_int_equal(r.insn, 3);
	assert_int_equal(r.ncontext, 1);
	assert_string_equal(r.context[0], "3: (b7) r0 = 1");
	assert_int_equal(r.line, 0);
	assert_string_equal(r.file, "");
	/* The CRLF line ending is dropped; other control bytes read as spaces. */
	assert_string_equal(r.message, "invalid access to packet, off=1; \xff\xfe\x80 garbage \x7f");
	assert_string_equal(hint_id(r.hint), "packet_out_of_bounds");

	/* Cut inside the error line: only the bytes before len count. */
	assert_int_equal(verifier_report__parse(log_packet_oob, strstr(log_packet_oob, "off=12") - log_packet_oob, &r), 0);
	check_well_formed(&r);
	assert_string_equal(r.message, "invalid access to packet, ");
	assert_int_equal(r.processed_insns, 0);
	assert_string_equal(hint_id(r.hint), "packet_out_of_bounds");

	/* Pseudo-random bytes, with and without newlines. */
	{
		unsigned char buf[8192];
		unsigned x = 2463534242u;

		for (int round = 0; round < 200; round++) {
			for (size_t i = 0; i < sizeof(buf); i++) {
				x ^= x << 13;
				x ^= x >> 17;
				x ^= x << 5;
				buf[i] = round & 1 ? (unsigned char)x : "0123456789:; @.c\nab\0"[x % 20];
			}
			assert_int_equal(verifier_report__parse((const char *)buf, 1 + x % sizeof(buf), &r), 0);
			check_well_formed(&r);
			(void)verifier_hint__match((const char *)buf, sizeof(buf));
		}
	}
}


/* Annotation forms: no "@", no line number, line 0 (compiler-generated
 * code keeps the previous line), a file name with ':' in it. */
static void test_source_annotations(void **state)
{
	static const struct {
		const char *log, *file;
		int line;
		const char *source;
		int insn;
	} cases[] = {
		{ "; int f(void) @ a.c:10\n"
		  "0: (b7) r0 = 0\n"
		  ";  @ a.c:0\n"
		  "1: (b7) r0 = 1\n",
		  "a.c", 10, "int f(void)", 1 },
		{ "; older kernels: no location\n"
		  "0: (b7) r0 = 0\n"
		  "; x = 1; @ b.c:\n"
		  "1: (b7) r0 = 1\n",
		  "", 0, "", 1 },
		{ "; y @ z @ C:/src/x.c:31\n"
		  "4: (b7) r0 = 1\n",
		  "C:/src/x.c", 31, "y @ z", 4 },
	};
	struct verifier_report r;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(parse(cases[i].log, &r), 0);
		check_well_formed(&r);
		assert_string_equal(r.file, cases[i].file);
		assert_int_equal(r.line, cases[i].line);
		assert_string_equal(r.source, cases[i].source);
		assert_int_equal(r.insn, cases[i].insn);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_match_kernel_messages),
		cmocka_unit_test(test_match_libbpf_messages),
		cmocka_unit_test(test_hint_for_errno),
		cmocka_unit_test(test_hints_table),
		cmocka_unit_test(test_empty_log),
		cmocka_unit_test(test_report_reused),
		cmocka_unit_test(test_final_error_only),
		cmocka_unit_test(test_context_ring),
		cmocka_unit_test(test_long_lines),
		cmocka_unit_test(test_huge_numbers),
		cmocka_unit_test(test_huge_insn_index),
		cmocka_unit_test(test_binary),
		cmocka_unit_test(test_source_annotations),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
