// SPDX-License-Identifier: Apache-2.0
/* Unit tests for src/verifier/report.c, the verifier-log reader behind
 * `sonde verify`: what it makes of real verifier logs (verifier_logs.h, where
 * they come from). Hostile and edge-case input, verifier_hint__match and the hints
 * table are in test_verifier_report_edge.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "verifier/report.h"
#include "report_helpers.h"
#include "verifier_logs.h"

/* What parsing one log must give. Every field is checked: one left out of
 * the initializer expects 0, "" or false (so insn must say -1 for "none");
 * hint NULL expects no hint. */
struct want {
	const char *message, *hint;
	const char *file;
	int line;
	const char *source;
	int insn, ncontext;
	bool core_poisoned;
	long processed_insns, max_states_per_insn, total_states, peak_states;
	const char *stack_depth;
};

static const char *or_empty(const char *s)
{
	return s ? s : "";
}

static void expect_report(const char *log, struct verifier_report *r, const struct want *w)
{
	assert_int_equal(parse(log, r), 0);
	check_well_formed(r);
	assert_string_equal(r->message, or_empty(w->message));
	if (w->hint) {
		assert_non_null(r->hint);
		assert_string_equal(hint_id(r->hint), w->hint);
	} else {
		assert_null(r->hint);
	}
	assert_string_equal(r->file, or_empty(w->file));
	assert_int_equal(r->line, w->line);
	assert_string_equal(r->source, or_empty(w->source));
	assert_int_equal(r->insn, w->insn);
	assert_int_equal(r->ncontext, w->ncontext);
	assert_int_equal(r->core_poisoned, w->core_poisoned);
	assert_int_equal(r->processed_insns, w->processed_insns);
	assert_int_equal(r->max_states_per_insn, w->max_states_per_insn);
	assert_int_equal(r->total_states, w->total_states);
	assert_int_equal(r->peak_states, w->peak_states);
	assert_string_equal(r->stack_depth, or_empty(w->stack_depth));
}

static void test_map_value_oob(void **state)
{
	struct verifier_report r;

	(void)state;
	expect_report(log_map_value_oob, &r, &(struct want){
		.message = "invalid access to map value, value_size=32 off=56 size=8; "
			   "R0 min value is outside of the allowed memory range",
		.hint = "map_value_out_of_bounds",
		.file = "map_value_oob.bpf.c", .line = 19,
		/* The tab before the comment became a space. */
		.source = "return v[7]; /* VERIFY-FAIL */",
		/* "0: R1=ctx() R10=fp0" and the 8 instructions 0..8 (5 is
		 * ld_imm64's second half): 9 lines. */
		.insn = 8, .ncontext = 9,
		.processed_insns = 8, .stack_depth = "8",
	});
	assert_string_equal(r.context[0], "0: R1=ctx() R10=fp0");
	assert_string_equal(r.context[1], "0: (b7) r6 = 0                        ; R6=0");
	assert_string_equal(r.context[7], "7: (15) if r0 == 0x0 goto pc+1        ; R0=map_value(map=vals,ks=4,vs=32)");
	assert_string_equal(r.context[8], "8: (79) r6 = *(u64 *)(r0 +56)");
}

static void test_map_value_oob_level2(void **state)
{
	struct verifier_report r;

	(void)state;
	/* The liveness table and mark_precise lines are not the error. */
	expect_report(log_map_value_oob_l2, &r, &(struct want){
		.message = "invalid access to map value, value_size=32 off=56 size=8; "
			   "R0 min value is outside of the allowed memory range",
		.hint = "map_value_out_of_bounds",
		.file = "map_value_oob.bpf.c", .line = 19,
		.source = "return v[7]; /* VERIFY-FAIL */",
		/* 0: R1=, 0, 1, "2: R6=", 2, 3, 4, 6, 7, 8 */
		.insn = 8, .ncontext = 10,
		.processed_insns = 8, .stack_depth = "8",
	});
	assert_string_equal(r.context[3], "2: R6=0 R10=fp0 fp-8=0000????");
	assert_string_equal(r.context[9], "8: (79) r6 = *(u64 *)(r0 +56)");
}

static void test_packet_oob(void **state)
{
	struct verifier_report r;

	(void)state;
	expect_report(log_packet_oob, &r, &(struct want){
		.message = "invalid access to packet, off=12 size=1, R1(id=0,off=12,r=0); "
			   "R1 offset is outside of the packet",
		.hint = "packet_out_of_bounds",
		.file = "packet_oob.bpf.c", .line = 9,
		.source = "return data[12] == 8 ? XDP_PASS : XDP_DROP; /* VERIFY-FAIL */",
		.insn = 1, .ncontext = 3,
		/* Level 1 alone prints no "stack depth". */
		.processed_insns = 2, .stack_depth = "",
	});
	assert_string_equal(r.context[0], "0: R1=ctx() R10=fp0");
	assert_string_equal(r.context[2], "1: (71) r1 = *(u8 *)(r1 +12)");
}

static void test_unbounded_loop(void **state)
{
	struct verifier_report r;

	(void)state;
	expect_report(log_unbounded_loop, &r, &(struct want){
		.message = "infinite loop detected at insn 5; "
			   "cur state: R0=0 R1=0 R10=fp0 fp-8=0000????; "
			   "old state: R0=P0 R1=0 R10=fp0 fp-8=0000????",
		.hint = "unbounded_loop",
		/* The last instruction logged (8) is on the loop condition. */
		.file = "unbounded_loop.bpf.c", .line = 9,
		.source = "while (i != 7) /* VERIFY-FAIL */",
		/* 14 instruction lines: the ring keeps the last 12, oldest first. */
		.insn = 8, .ncontext = VERIFIER_CONTEXT_LINES,
		.processed_insns = 14, .total_states = 1, .peak_states = 1, .stack_depth = "8",
	});
	assert_string_equal(r.context[0], "1: (63) *(u32 *)(r10 -4) = r1         ; R1=0 R10=fp0 fp-8=0000????");
	assert_string_equal(r.context[1], "2: (61) r1 = *(u32 *)(r10 -4)         ; R1=0 R10=fp0 fp-8=0000????");
	assert_string_equal(r.context[7], "8: (55) if r1 != 0x7 goto pc-4        ; R1=0");
	assert_string_equal(r.context[8], "5: (63) *(u32 *)(r10 -4) = r0         ; R0=0 R10=fp0 fp-8=0000????");
	assert_string_equal(r.context[11], "8: (55) if r1 != 0x7 goto pc-4        ; R1=0");
}

static void test_unbounded_ptr(void **state)
{
	struct verifier_report r;
	char want[160];

	(void)state;
	expect_report(log_unbounded_ptr, &r, &(struct want){
		.message = "R0 unbounded memory access, make sure to bounds check any such access",
		.hint = "unbounded_pointer_math",
		.file = "unbounded_ptr.bpf.c", .line = 19,
		.source = "return b[idx]; /* VERIFY-FAIL */",
		/* 14 instruction lines: the first kept is instruction 1. */
		.insn = 13, .ncontext = VERIFIER_CONTEXT_LINES,
		/* Level 1 (bpftool): no "stack depth". */
		.processed_insns = 13, .total_states = 1, .peak_states = 1, .stack_depth = "",
	});
	assert_string_equal(r.context[0], "1: (63) *(u32 *)(r10 -4) = r6         ; R6=0 R10=fp0 fp-8=0000????");
	/* The 192-character line is cut to the slot, NUL-terminated. */
	assert_true(strlen(UPTR_INSN12) > sizeof(r.context[0]));
	memcpy(want, UPTR_INSN12, sizeof(want) - 1);
	want[sizeof(want) - 1] = '\0';
	assert_string_equal(r.context[10], want);
	assert_int_equal(strlen(r.context[10]), sizeof(r.context[10]) - 1);
	assert_string_equal(r.context[11], "13: (71) r6 = *(u8 *)(r0 +0)");
}

static void test_core_relocation(void **state)
{
	struct verifier_report r;

	(void)state;
	expect_report(log_core_relocation, &r, &(struct want){
		.message = "failed to resolve CO-RE relocation <byte_off> [5] "
			   "struct task_struct___nope.sonde_no_such_field (0:0 @ offset 0)",
		.hint = "core_relocation",
		.file = "core_relocation.bpf.c", .line = 12,
		.source = "return BPF_CORE_READ((struct task_struct___nope *)bpf_get_current_task(), "
			  "sonde_no_such_field); /* VERIFY-FAIL */",
		.insn = 1, .ncontext = 3, .core_poisoned = true,
		.processed_insns = 2, .stack_depth = "0",
	});
	assert_string_equal(r.context[2], "1: <invalid CO-RE relocation>");

	/* Statistics-only log: the kernel's "unknown#195896080" poison, no
	 * instruction, no location. */
	expect_report(log_core_relocation_l4, &r, &(struct want){
		.message = "invalid func unknown#195896080",
		.hint = "core_relocation",
		.insn = -1,
		.processed_insns = 2, .stack_depth = "0",
	});
}

static void test_helper_not_allowed(void **state)
{
	struct verifier_report r;

	(void)state;
	expect_report(log_helper_not_allowed, &r, &(struct want){
		.message = "program of this type cannot use helper bpf_xdp_adjust_head#44",
		.hint = "helper_not_allowed",
		.file = "helper_not_allowed.bpf.c", .line = 8,
		.source = "return bpf_xdp_adjust_head(ctx, 4); /* VERIFY-FAIL */",
		.insn = 1, .ncontext = 3,
		.processed_insns = 2, .stack_depth = "0",
	});
	assert_string_equal(r.context[2], "1: (85) call bpf_xdp_adjust_head#44");
}

static void test_missing_license(void **state)
{
	struct verifier_report r;

	(void)state;
	expect_report(log_missing_license, &r, &(struct want){
		.message = "cannot call GPL-restricted function from non-GPL compatible program",
		.hint = "missing_license",
		.file = "missing_license.bpf.c", .line = 9,
		.source = "bpf_probe_read_kernel(buf, sizeof(buf), ctx); /* VERIFY-FAIL */",
		.insn = 4, .ncontext = 6,
		/* Level 1 (bpftool): no "stack depth". */
		.processed_insns = 5, .stack_depth = "",
	});
	assert_string_equal(r.context[5], "4: (85) call bpf_probe_read_kernel#113");
}

static void test_stack_too_large(void **state)
{
	struct verifier_report r;

	(void)state;
	/* Rejected before any instruction: no location, no context. */
	expect_report(log_stack_too_large, &r, &(struct want){
		.message = "combined stack size of 2 calls is 800. Too large",
		.hint = "stack_too_large",
		.insn = -1,
		.processed_insns = 32, .total_states = 1, .peak_states = 1, .stack_depth = "400+400",
	});
}

static void test_accepted_program(void **state)
{
	struct verifier_report r;

	(void)state;
	/* No message, no hint: statistics only. */
	expect_report(log_good, &r, &(struct want){
		.insn = -1,
		.processed_insns = 12, .total_states = 1, .peak_states = 1, .stack_depth = "8",
	});
}

static void test_too_large(void **state)
{
	struct verifier_report r;

	(void)state;
	expect_report(log_too_large, &r, &(struct want){
		.message = "BPF program is too large. Processed 1000001 insn",
		.hint = "program_too_large",
		.insn = -1,
		.processed_insns = 1000001, .max_states_per_insn = 4,
		.total_states = 14287, .peak_states = 14287, .stack_depth = "0",
	});
}

static void test_null_deref(void **state)
{
	struct verifier_report r;

	(void)state;
	expect_report(log_null_deref, &r, &(struct want){
		.message = "R0 invalid mem access 'map_value_or_null'",
		.hint = "null_not_checked",
		.file = "null_deref.bpf.c", .line = 15,
		.source = "return *v; /* VERIFY-FAIL */",
		.insn = 7, .ncontext = 8,
		.processed_insns = 7, .stack_depth = "8",
	});
}

/* "pointer arithmetic on map_value_or_null prohibited, null-check it
 * first": the fix is the NULL check, not a bound on an offset. */
static void test_null_pointer_arithmetic(void **state)
{
	struct verifier_report r;

	(void)state;
	expect_report(log_null_math, &r, &(struct want){
		.message = "R0 pointer arithmetic on map_value_or_null prohibited, null-check it first",
		.hint = "null_not_checked",
		.file = "null_math.bpf.c", .line = 15,
		.source = "asm volatile(\"%[v] += 8\" : [v]\"+r\"(v)); /* VERIFY-FAIL */",
		.insn = 7, .ncontext = 8,
		.processed_insns = 7, .stack_depth = "8",
	});
	assert_string_equal(r.context[r.ncontext - 1], "7: (07) r0 += 8");
}

static void test_ctx_access(void **state)
{
	struct verifier_report r;

	(void)state;
	expect_report(log_ctx_access, &r, &(struct want){
		.message = "invalid bpf_context access off=200 size=4",
		.hint = "invalid_context_access",
		.file = "ctx_access.bpf.c", .line = 5,
		.source = "return *(__u32 *)((char *)ctx + 200); /* VERIFY-FAIL */",
		.insn = 0, .ncontext = 2,
		.processed_insns = 1, .stack_depth = "0",
	});
}

static void test_bad_retval(void **state)
{
	struct verifier_report r;

	(void)state;
	expect_report(log_bad_retval, &r, &(struct want){
		.message = "At program exit the register R0 has smin=7 smax=7 should have been in [0, 3]",
		.hint = "bad_return_value",
		.file = "bad_retval.bpf.c", .line = 5,
		.source = "return 7; /* VERIFY-FAIL */",
		.insn = 1, .ncontext = 3,
		.processed_insns = 2, .stack_depth = "0",
	});
	assert_string_equal(r.context[r.ncontext - 1], "1: (95) exit");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_map_value_oob),
		cmocka_unit_test(test_map_value_oob_level2),
		cmocka_unit_test(test_packet_oob),
		cmocka_unit_test(test_unbounded_loop),
		cmocka_unit_test(test_unbounded_ptr),
		cmocka_unit_test(test_core_relocation),
		cmocka_unit_test(test_helper_not_allowed),
		cmocka_unit_test(test_missing_license),
		cmocka_unit_test(test_stack_too_large),
		cmocka_unit_test(test_accepted_program),
		cmocka_unit_test(test_too_large),
		cmocka_unit_test(test_null_deref),
		cmocka_unit_test(test_null_pointer_arithmetic),
		cmocka_unit_test(test_ctx_access),
		cmocka_unit_test(test_bad_retval),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
