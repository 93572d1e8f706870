/* Unit tests for src/core/vlog.c, the verifier-log reader behind
 * `sonde verify`.
 *
 * The logs below are real: kernel 6.18 verifier output for the objects in
 * build/verifier/ (tests/verifier/NAME.bpf.c), captured either with
 *   bpftool prog load build/verifier/NAME.bpf.o /sys/fs/bpf/x     (level 1)
 * between the "-- BEGIN/END PROG LOAD LOG --" markers, or with a libbpf
 * loader setting bpf_program__set_log_level(prog, 1 | 4) (level 1 + stats,
 * what sonde verify asks for), 4 (stats only) or 1 | 2 | 4 (level 2). The
 * null_deref, null_math, ctx_access and bad_retval logs come from small
 * programs built the same way (same BPF_CFLAGS, tests/verifier/common.h);
 * their sources are quoted in the logs' "; ... @ file:LINE" annotations.
 * Tabs in the source annotations are the kernel's (written as \t).
 * The same logs are seeds in tests/fuzz/corpus/vlog/. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/vlog.h"

/* ---- real logs ---------------------------------------------------------- */

/* map_value_oob.bpf.o, log level 1 | 4 */
static const char log_map_value_oob[] =
	"arg#0 reference type('UNKNOWN ') size cannot be determined: -22\n"
	"0: R1=ctx() R10=fp0\n"
	"; int map_value_oob(void *ctx) @ map_value_oob.bpf.c:12\n"
	"0: (b7) r6 = 0                        ; R6=0\n"
	"; __u32 k = 0; @ map_value_oob.bpf.c:14\n"
	"1: (63) *(u32 *)(r10 -4) = r6         ; R6=0 R10=fp0 fp-8=0000????\n"
	"2: (bf) r2 = r10                      ; R2=fp0 R10=fp0\n"
	";  @ map_value_oob.bpf.c:0\n"
	"3: (07) r2 += -4                      ; R2=fp-4\n"
	"; __u64 *v = bpf_map_lookup_elem(&vals, &k); @ map_value_oob.bpf.c:15\n"
	"4: (18) r1 = 0xffff88810433b200       ; R1=map_ptr(map=vals,ks=4,vs=32)\n"
	"6: (85) call bpf_map_lookup_elem#1    ; R0=map_value(map=vals,ks=4,vs=32)\n"
	"; if (!v) @ map_value_oob.bpf.c:17\n"
	"7: (15) if r0 == 0x0 goto pc+1        ; R0=map_value(map=vals,ks=4,vs=32)\n"
	"; return v[7];\t/* VERIFY-FAIL */ @ map_value_oob.bpf.c:19\n"
	"8: (79) r6 = *(u64 *)(r0 +56)\n"
	"invalid access to map value, value_size=32 off=56 size=8\n"
	"R0 min value is outside of the allowed memory range\n"
	"verification time 69 usec\n"
	"stack depth 8\n"
	"processed 8 insns (limit 1000000) max_states_per_insn 0 total_states 0 peak_states 0 mark_read 0\n";

/* map_value_oob.bpf.o, log level 1 | 2 | 4: liveness table, mark_precise
 * lines and state-only lines between the instructions. */
static const char log_map_value_oob_l2[] =
	"func#0 @0\n"
	"Live regs before insn:\n"
	"      0: .......... (b7) r6 = 0\n"
	"      1: ......6... (63) *(u32 *)(r10 -4) = r6\n"
	"      2: ......6... (bf) r2 = r10\n"
	"      3: ..2...6... (07) r2 += -4\n"
	"      4: ..2...6... (18) r1 = 0xffff88810433bc00\n"
	"      6: .12...6... (85) call bpf_map_lookup_elem#1\n"
	"      7: 0.....6... (15) if r0 == 0x0 goto pc+1\n"
	"      8: 0......... (79) r6 = *(u64 *)(r0 +56)\n"
	"      9: ......6... (bf) r0 = r6\n"
	"     10: 0......... (95) exit\n"
	"arg#0 reference type('UNKNOWN ') size cannot be determined: -22\n"
	"0: R1=ctx() R10=fp0\n"
	"; int map_value_oob(void *ctx) @ map_value_oob.bpf.c:12\n"
	"0: (b7) r6 = 0                        ; R6=0\n"
	"; __u32 k = 0; @ map_value_oob.bpf.c:14\n"
	"1: (63) *(u32 *)(r10 -4) = r6\n"
	"mark_precise: frame0: last_idx 1 first_idx 0 subseq_idx -1 \n"
	"mark_precise: frame0: regs=r6 stack= before 0: (b7) r6 = 0\n"
	"2: R6=0 R10=fp0 fp-8=0000????\n"
	"2: (bf) r2 = r10                      ; R2=fp0 R10=fp0\n"
	";  @ map_value_oob.bpf.c:0\n"
	"3: (07) r2 += -4                      ; R2=fp-4\n"
	"; __u64 *v = bpf_map_lookup_elem(&vals, &k); @ map_value_oob.bpf.c:15\n"
	"4: (18) r1 = 0xffff88810433bc00       ; R1=map_ptr(map=vals,ks=4,vs=32)\n"
	"6: (85) call bpf_map_lookup_elem#1    ; R0=map_value(map=vals,ks=4,vs=32)\n"
	"; if (!v) @ map_value_oob.bpf.c:17\n"
	"7: (15) if r0 == 0x0 goto pc+1        ; R0=map_value(map=vals,ks=4,vs=32)\n"
	"; return v[7];\t/* VERIFY-FAIL */ @ map_value_oob.bpf.c:19\n"
	"8: (79) r6 = *(u64 *)(r0 +56)\n"
	"invalid access to map value, value_size=32 off=56 size=8\n"
	"R0 min value is outside of the allowed memory range\n"
	"verification time 89 usec\n"
	"stack depth 8\n"
	"processed 8 insns (limit 1000000) max_states_per_insn 0 total_states 0 peak_states 0 mark_read 0\n";

/* packet_oob.bpf.o, log level 1 (bpftool): no "stack depth" line. */
static const char log_packet_oob[] =
	"0: R1=ctx() R10=fp0\n"
	"; unsigned char *data = (void *)(long)ctx->data; @ packet_oob.bpf.c:7\n"
	"0: (61) r1 = *(u32 *)(r1 +0)          ; R1=pkt(r=0)\n"
	"; return data[12] == 8 ? XDP_PASS : XDP_DROP;\t/* VERIFY-FAIL */ @ packet_oob.bpf.c:9\n"
	"1: (71) r1 = *(u8 *)(r1 +12)\n"
	"invalid access to packet, off=12 size=1, R1(id=0,off=12,r=0)\n"
	"R1 offset is outside of the packet\n"
	"processed 2 insns (limit 1000000) max_states_per_insn 0 total_states 0 peak_states 0 mark_read 0\n";

/* unbounded_loop.bpf.o, log level 1 | 4: 14 instruction lines, more than
 * VLOG_CONTEXT_LINES. */
static const char log_unbounded_loop[] =
	"arg#0 reference type('UNKNOWN ') size cannot be determined: -22\n"
	"0: R1=ctx() R10=fp0\n"
	"; int unbounded_loop(void *ctx) @ unbounded_loop.bpf.c:5\n"
	"0: (b7) r1 = 0                        ; R1=0\n"
	"; volatile int i = 0; @ unbounded_loop.bpf.c:7\n"
	"1: (63) *(u32 *)(r10 -4) = r1         ; R1=0 R10=fp0 fp-8=0000????\n"
	"; while (i != 7)\t/* VERIFY-FAIL */ @ unbounded_loop.bpf.c:9\n"
	"2: (61) r1 = *(u32 *)(r10 -4)         ; R1=0 R10=fp0 fp-8=0000????\n"
	";  @ unbounded_loop.bpf.c:0\n"
	"3: (61) r0 = *(u32 *)(r10 -4)         ; R0=0 R10=fp0 fp-8=0000????\n"
	"; while (i != 7)\t/* VERIFY-FAIL */ @ unbounded_loop.bpf.c:9\n"
	"4: (15) if r1 == 0x7 goto pc+4        ; R1=0\n"
	"; i = i; @ unbounded_loop.bpf.c:10\n"
	"5: (63) *(u32 *)(r10 -4) = r0         ; R0=0 R10=fp0 fp-8=0000????\n"
	"; while (i != 7)\t/* VERIFY-FAIL */ @ unbounded_loop.bpf.c:9\n"
	"6: (61) r1 = *(u32 *)(r10 -4)         ; R1=0 R10=fp0 fp-8=0000????\n"
	";  @ unbounded_loop.bpf.c:0\n"
	"7: (61) r0 = *(u32 *)(r10 -4)         ; R0=0 R10=fp0 fp-8=0000????\n"
	"; while (i != 7)\t/* VERIFY-FAIL */ @ unbounded_loop.bpf.c:9\n"
	"8: (55) if r1 != 0x7 goto pc-4        ; R1=0\n"
	"; i = i; @ unbounded_loop.bpf.c:10\n"
	"5: (63) *(u32 *)(r10 -4) = r0         ; R0=0 R10=fp0 fp-8=0000????\n"
	"; while (i != 7)\t/* VERIFY-FAIL */ @ unbounded_loop.bpf.c:9\n"
	"6: (61) r1 = *(u32 *)(r10 -4)         ; R1=0 R10=fp0 fp-8=0000????\n"
	";  @ unbounded_loop.bpf.c:0\n"
	"7: (61) r0 = *(u32 *)(r10 -4)         ; R0=0 R10=fp0 fp-8=0000????\n"
	"; while (i != 7)\t/* VERIFY-FAIL */ @ unbounded_loop.bpf.c:9\n"
	"8: (55) if r1 != 0x7 goto pc-4        ; R1=0\n"
	"; i = i; @ unbounded_loop.bpf.c:10\n"
	"infinite loop detected at insn 5\n"
	"cur state: R0=0 R1=0 R10=fp0 fp-8=0000????\n"
	"old state: R0=P0 R1=0 R10=fp0 fp-8=0000????\n"
	"verification time 82 usec\n"
	"stack depth 8\n"
	"processed 14 insns (limit 1000000) max_states_per_insn 0 total_states 1 peak_states 1 mark_read 0\n";

/* unbounded_ptr.bpf.o, log level 1 (bpftool). Instruction 12's line is 192
 * characters: longer than a context slot (160). */
#define UPTR_INSN12 "12: (0f) r0 += r7                     ; R0=map_value(map=bufs,ks=4,vs=64,smin=0,smax=umax=0xffffffff,var_off=(0x0; 0xffffffff)) R7=scalar(smin=0,smax=umax=0xffffffff,var_off=(0x0; 0xffffffff))"
static const char log_unbounded_ptr[] =
	"arg#0 reference type('UNKNOWN ') size cannot be determined: -22\n"
	"0: R1=ctx() R10=fp0\n"
	"; int unbounded_ptr(void *ctx) @ unbounded_ptr.bpf.c:12\n"
	"0: (b7) r6 = 0                        ; R6=0\n"
	"; __u32 k = 0, idx = bpf_get_prandom_u32(); @ unbounded_ptr.bpf.c:14\n"
	"1: (63) *(u32 *)(r10 -4) = r6         ; R6=0 R10=fp0 fp-8=0000????\n"
	"2: (85) call bpf_get_prandom_u32#7    ; R0=scalar()\n"
	"3: (bf) r7 = r0                       ; R0=scalar(id=1) R7=scalar(id=1)\n"
	"4: (bf) r2 = r10                      ; R2=fp0 R10=fp0\n"
	";  @ unbounded_ptr.bpf.c:0\n"
	"5: (07) r2 += -4                      ; R2=fp-4\n"
	"; char *b = bpf_map_lookup_elem(&bufs, &k); @ unbounded_ptr.bpf.c:15\n"
	"6: (18) r1 = 0xffff8881042a1000       ; R1=map_ptr(map=bufs,ks=4,vs=64)\n"
	"8: (85) call bpf_map_lookup_elem#1    ; R0=map_value(map=bufs,ks=4,vs=64)\n"
	"; if (!b) @ unbounded_ptr.bpf.c:17\n"
	"9: (15) if r0 == 0x0 goto pc+6        ; R0=map_value(map=bufs,ks=4,vs=64)\n"
	"; return b[idx];\t/* VERIFY-FAIL */ @ unbounded_ptr.bpf.c:19\n"
	"10: (67) r7 <<= 32                    ; R7=scalar(smax=0x7fffffff00000000,umax=0xffffffff00000000,smin32=0,smax32=umax32=0,var_off=(0x0; 0xffffffff00000000))\n"
	"11: (77) r7 >>= 32                    ; R7=scalar(smin=0,smax=umax=0xffffffff,var_off=(0x0; 0xffffffff))\n"
	UPTR_INSN12 "\n"
	"13: (71) r6 = *(u8 *)(r0 +0)\n"
	"R0 unbounded memory access, make sure to bounds check any such access\n"
	"processed 13 insns (limit 1000000) max_states_per_insn 0 total_states 1 peak_states 1 mark_read 0\n";

/* core_relocation.bpf.o, log level 1 | 4, as libbpf rewrites it: the
 * poisoned instruction becomes "<invalid CO-RE relocation>". */
static const char log_core_relocation[] =
	"arg#0 reference type('UNKNOWN ') size cannot be determined: -22\n"
	"0: R1=ctx() R10=fp0\n"
	"; return BPF_CORE_READ((struct task_struct___nope *)bpf_get_current_task(), sonde_no_such_field); /* VERIFY-FAIL */ @ core_relocation.bpf.c:12\n"
	"0: (85) call bpf_get_current_task#35          ; R0=scalar()\n"
	"1: <invalid CO-RE relocation>\n"
	"failed to resolve CO-RE relocation <byte_off> [5] struct task_struct___nope.sonde_no_such_field (0:0 @ offset 0)\n"
	"verification time 26 usec\n"
	"stack depth 0\n"
	"processed 2 insns (limit 1000000) max_states_per_insn 0 total_states 0 peak_states 0 mark_read 0\n";

/* core_relocation.bpf.o, log level 4: libbpf cannot rewrite it (no
 * instruction lines), the kernel's own words remain. */
static const char log_core_relocation_l4[] =
	"arg#0 reference type('UNKNOWN ') size cannot be determined: -22\n"
	"invalid func unknown#195896080\n"
	"verification time 23 usec\n"
	"stack depth 0\n"
	"processed 2 insns (limit 1000000) max_states_per_insn 0 total_states 0 peak_states 0 mark_read 0\n";

/* helper_not_allowed.bpf.o, log level 1 | 4 */
static const char log_helper_not_allowed[] =
	"arg#0 reference type('UNKNOWN ') size cannot be determined: -22\n"
	"0: R1=ctx() R10=fp0\n"
	"; return bpf_xdp_adjust_head(ctx, 4);\t/* VERIFY-FAIL */ @ helper_not_allowed.bpf.c:8\n"
	"0: (b7) r2 = 4                        ; R2=4\n"
	"1: (85) call bpf_xdp_adjust_head#44\n"
	"program of this type cannot use helper bpf_xdp_adjust_head#44\n"
	"verification time 22 usec\n"
	"stack depth 0\n"
	"processed 2 insns (limit 1000000) max_states_per_insn 0 total_states 0 peak_states 0 mark_read 0\n";

/* missing_license.bpf.o, log level 1 (bpftool) */
static const char log_missing_license[] =
	"arg#0 reference type('UNKNOWN ') size cannot be determined: -22\n"
	"0: R1=ctx() R10=fp0\n"
	"; int missing_license(void *ctx) @ missing_license.bpf.c:5\n"
	"0: (bf) r3 = r1                       ; R1=ctx() R3=ctx()\n"
	"1: (bf) r1 = r10                      ; R1=fp0 R10=fp0\n"
	";  @ missing_license.bpf.c:0\n"
	"2: (07) r1 += -8                      ; R1=fp-8\n"
	"; bpf_probe_read_kernel(buf, sizeof(buf), ctx);\t/* VERIFY-FAIL */ @ missing_license.bpf.c:9\n"
	"3: (b7) r2 = 8                        ; R2=8\n"
	"4: (85) call bpf_probe_read_kernel#113\n"
	"cannot call GPL-restricted function from non-GPL compatible program\n"
	"processed 5 insns (limit 1000000) max_states_per_insn 0 total_states 0 peak_states 0 mark_read 0\n";

/* stack_too_large.bpf.o, log level 1 | 4: rejected before any instruction,
 * two subprograms in "stack depth". */
static const char log_stack_too_large[] =
	"combined stack size of 2 calls is 800. Too large\n"
	"verification time 261 usec\n"
	"stack depth 400+400\n"
	"processed 32 insns (limit 1000000) max_states_per_insn 0 total_states 1 peak_states 1 mark_read 0\n";

/* good.bpf.o, log level 1 | 4: accepted, statistics only. */
static const char log_good[] =
	"verification time 72 usec\n"
	"stack depth 8\n"
	"processed 12 insns (limit 1000000) max_states_per_insn 0 total_states 1 peak_states 1 mark_read 0\n";

/* too_large.bpf.o, log level 4 (level 1 is 70 MB). */
static const char log_too_large[] =
	"arg#0 reference type('UNKNOWN ') size cannot be determined: -22\n"
	"BPF program is too large. Processed 1000001 insn\n"
	"verification time 203111 usec\n"
	"stack depth 0\n"
	"processed 1000001 insns (limit 1000000) max_states_per_insn 4 total_states 14287 peak_states 14287 mark_read 0\n";

/* null_deref.bpf.c: return *v; without checking bpf_map_lookup_elem(). */
static const char log_null_deref[] =
	"arg#0 reference type('UNKNOWN ') size cannot be determined: -22\n"
	"0: R1=ctx() R10=fp0\n"
	"; int null_deref(void *ctx) @ null_deref.bpf.c:10\n"
	"0: (b7) r1 = 0                        ; R1=0\n"
	"; __u32 k = 0; @ null_deref.bpf.c:12\n"
	"1: (63) *(u32 *)(r10 -4) = r1         ; R1=0 R10=fp0 fp-8=0000????\n"
	"2: (bf) r2 = r10                      ; R2=fp0 R10=fp0\n"
	";  @ null_deref.bpf.c:0\n"
	"3: (07) r2 += -4                      ; R2=fp-4\n"
	"; __u64 *v = bpf_map_lookup_elem(&h, &k); @ null_deref.bpf.c:13\n"
	"4: (18) r1 = 0xffff888102bd6800       ; R1=map_ptr(map=h,ks=4,vs=8)\n"
	"6: (85) call bpf_map_lookup_elem#1    ; R0=map_value_or_null(id=1,map=h,ks=4,vs=8)\n"
	"; return *v;\t/* VERIFY-FAIL */ @ null_deref.bpf.c:15\n"
	"7: (79) r0 = *(u64 *)(r0 +0)\n"
	"R0 invalid mem access 'map_value_or_null'\n"
	"verification time 45 usec\n"
	"stack depth 8\n"
	"processed 7 insns (limit 1000000) max_states_per_insn 0 total_states 0 peak_states 0 mark_read 0\n";

/* null_math.bpf.c: offsets the lookup result before the NULL check. The
 * kernel says what to do: "null-check it first". */
static const char log_null_math[] =
	"arg#0 reference type('UNKNOWN ') size cannot be determined: -22\n"
	"0: R1=ctx() R10=fp0\n"
	"; int null_math(void *ctx) @ null_math.bpf.c:10\n"
	"0: (b7) r6 = 0                        ; R6=0\n"
	"; __u32 k = 0; @ null_math.bpf.c:12\n"
	"1: (63) *(u32 *)(r10 -4) = r6         ; R6=0 R10=fp0 fp-8=0000????\n"
	"2: (bf) r2 = r10                      ; R2=fp0 R10=fp0\n"
	";  @ null_math.bpf.c:0\n"
	"3: (07) r2 += -4                      ; R2=fp-4\n"
	"; __u64 *v = bpf_map_lookup_elem(&h, &k); @ null_math.bpf.c:13\n"
	"4: (18) r1 = 0xffff888102bd7c00       ; R1=map_ptr(map=h,ks=4,vs=32)\n"
	"6: (85) call bpf_map_lookup_elem#1    ; R0=map_value_or_null(id=1,map=h,ks=4,vs=32)\n"
	"; asm volatile(\"%[v] += 8\" : [v]\"+r\"(v));\t/* VERIFY-FAIL */ @ null_math.bpf.c:15\n"
	"7: (07) r0 += 8\n"
	"R0 pointer arithmetic on map_value_or_null prohibited, null-check it first\n"
	"verification time 48 usec\n"
	"stack depth 8\n"
	"processed 7 insns (limit 1000000) max_states_per_insn 0 total_states 0 peak_states 0 mark_read 0\n";

/* ctx_access.bpf.c: XDP program reading its context at offset 200. */
static const char log_ctx_access[] =
	"0: R1=ctx() R10=fp0\n"
	"; return *(__u32 *)((char *)ctx + 200);\t/* VERIFY-FAIL */ @ ctx_access.bpf.c:5\n"
	"0: (61) r0 = *(u32 *)(r1 +200)\n"
	"invalid bpf_context access off=200 size=4\n"
	"verification time 107 usec\n"
	"stack depth 0\n"
	"processed 1 insns (limit 1000000) max_states_per_insn 0 total_states 0 peak_states 0 mark_read 0\n";

/* bad_retval.bpf.c: cgroup_skb program returning 7. */
static const char log_bad_retval[] =
	"0: R1=ctx() R10=fp0\n"
	"; return 7;\t/* VERIFY-FAIL */ @ bad_retval.bpf.c:5\n"
	"0: (b7) r0 = 7                        ; R0=7\n"
	"1: (95) exit\n"
	"At program exit the register R0 has smin=7 smax=7 should have been in [0, 3]\n"
	"verification time 26 usec\n"
	"stack depth 0\n"
	"processed 2 insns (limit 1000000) max_states_per_insn 0 total_states 0 peak_states 0 mark_read 0\n";

/* ---- helpers ------------------------------------------------------------ */

static int parse(const char *log, struct vlog_report *r)
{
	return vlog__parse(log, strlen(log), r);
}

static const char *hint_id(const struct vlog_hint *h)
{
	return h ? h->id : "(none)";
}

static int nul_inside(const char *s, size_t sz)
{
	return memchr(s, '\0', sz) != NULL;
}

/* Every string field NUL-terminated in its array, free of control bytes;
 * context slots past ncontext empty. */
static void check_well_formed(const struct vlog_report *r)
{
	const char *fields[] = { r->message, r->file, r->source, r->stack_depth };
	const size_t sizes[] = { sizeof(r->message), sizeof(r->file), sizeof(r->source),
				 sizeof(r->stack_depth) };

	for (size_t f = 0; f < 4; f++) {
		assert_true(nul_inside(fields[f], sizes[f]));
		for (const char *p = fields[f]; *p; p++)
			assert_true((unsigned char)*p >= 0x20);
	}
	assert_in_range(r->ncontext, 0, VLOG_CONTEXT_LINES);
	for (int i = 0; i < VLOG_CONTEXT_LINES; i++) {
		assert_true(nul_inside(r->context[i], sizeof(r->context[i])));
		if (i >= r->ncontext)
			assert_string_equal(r->context[i], "");
		for (const char *p = r->context[i]; *p; p++)
			assert_true((unsigned char)*p >= 0x20);
	}
	assert_true(r->insn >= -1);
	if (r->hint) {
		int found = 0;

		for (int i = 0; vlog_hints[i]; i++)
			found |= vlog_hints[i] == r->hint;
		assert_true(found);
	}
}

/* ---- the real logs ------------------------------------------------------ */

static void test_map_value_oob(void **state)
{
	struct vlog_report r;

	(void)state;
	assert_int_equal(parse(log_map_value_oob, &r), 0);
	check_well_formed(&r);
	assert_string_equal(r.message, "invalid access to map value, value_size=32 off=56 size=8; "
				       "R0 min value is outside of the allowed memory range");
	assert_string_equal(r.file, "map_value_oob.bpf.c");
	assert_int_equal(r.line, 19);
	/* The tab before the comment became a space. */
	assert_string_equal(r.source, "return v[7]; /* VERIFY-FAIL */");
	/* "0: R1=ctx() R10=fp0" and the 8 instructions 0..8 (5 is ld_imm64's
	 * second half): 9 lines. */
	assert_int_equal(r.ncontext, 9);
	assert_string_equal(r.context[0], "0: R1=ctx() R10=fp0");
	assert_string_equal(r.context[1], "0: (b7) r6 = 0                        ; R6=0");
	assert_string_equal(r.context[7], "7: (15) if r0 == 0x0 goto pc+1        ; R0=map_value(map=vals,ks=4,vs=32)");
	assert_string_equal(r.context[8], "8: (79) r6 = *(u64 *)(r0 +56)");
	assert_int_equal(r.processed_insns, 8);
	assert_int_equal(r.total_states, 0);
	assert_int_equal(r.peak_states, 0);
	assert_int_equal(r.max_states_per_insn, 0);
	assert_string_equal(r.stack_depth, "8");
	assert_int_equal(r.insn, 8);
	assert_false(r.core_poisoned);
	assert_non_null(r.hint);
	assert_string_equal(hint_id(r.hint), "map_value_out_of_bounds");
}

static void test_map_value_oob_level2(void **state)
{
	struct vlog_report r;

	(void)state;
	assert_int_equal(parse(log_map_value_oob_l2, &r), 0);
	check_well_formed(&r);
	/* The liveness table and mark_precise lines are not the error. */
	assert_string_equal(r.message, "invalid access to map value, value_size=32 off=56 size=8; "
				       "R0 min value is outside of the allowed memory range");
	assert_string_equal(r.file, "map_value_oob.bpf.c");
	assert_int_equal(r.line, 19);
	assert_string_equal(r.source, "return v[7]; /* VERIFY-FAIL */");
	/* 0: R1=, 0, 1, "2: R6=", 2, 3, 4, 6, 7, 8 */
	assert_int_equal(r.ncontext, 10);
	assert_string_equal(r.context[3], "2: R6=0 R10=fp0 fp-8=0000????");
	assert_string_equal(r.context[9], "8: (79) r6 = *(u64 *)(r0 +56)");
	assert_int_equal(r.processed_insns, 8);
	assert_string_equal(r.stack_depth, "8");
	assert_int_equal(r.insn, 8);
	assert_false(r.core_poisoned);
	assert_string_equal(hint_id(r.hint), "map_value_out_of_bounds");
}

static void test_packet_oob(void **state)
{
	struct vlog_report r;

	(void)state;
	assert_int_equal(parse(log_packet_oob, &r), 0);
	check_well_formed(&r);
	assert_string_equal(r.message, "invalid access to packet, off=12 size=1, R1(id=0,off=12,r=0); "
				       "R1 offset is outside of the packet");
	assert_string_equal(r.file, "packet_oob.bpf.c");
	assert_int_equal(r.line, 9);
	assert_string_equal(r.source, "return data[12] == 8 ? XDP_PASS : XDP_DROP; /* VERIFY-FAIL */");
	assert_int_equal(r.ncontext, 3);
	assert_string_equal(r.context[0], "0: R1=ctx() R10=fp0");
	assert_string_equal(r.context[2], "1: (71) r1 = *(u8 *)(r1 +12)");
	assert_int_equal(r.processed_insns, 2);
	assert_int_equal(r.total_states, 0);
	assert_int_equal(r.peak_states, 0);
	/* Level 1 alone prints no "stack depth". */
	assert_string_equal(r.stack_depth, "");
	assert_int_equal(r.insn, 1);
	assert_false(r.core_poisoned);
	assert_string_equal(hint_id(r.hint), "packet_out_of_bounds");
}

static void test_unbounded_loop(void **state)
{
	struct vlog_report r;

	(void)state;
	assert_int_equal(parse(log_unbounded_loop, &r), 0);
	check_well_formed(&r);
	assert_string_equal(r.message, "infinite loop detected at insn 5; "
				       "cur state: R0=0 R1=0 R10=fp0 fp-8=0000????; "
				       "old state: R0=P0 R1=0 R10=fp0 fp-8=0000????");
	/* The last instruction logged (8) is on the loop condition. */
	assert_string_equal(r.file, "unbounded_loop.bpf.c");
	assert_int_equal(r.line, 9);
	assert_string_equal(r.source, "while (i != 7) /* VERIFY-FAIL */");
	/* 14 instruction lines: the ring keeps the last 12, oldest first. */
	assert_int_equal(r.ncontext, VLOG_CONTEXT_LINES);
	assert_string_equal(r.context[0], "1: (63) *(u32 *)(r10 -4) = r1         ; R1=0 R10=fp0 fp-8=0000????");
	assert_string_equal(r.context[1], "2: (61) r1 = *(u32 *)(r10 -4)         ; R1=0 R10=fp0 fp-8=0000????");
	assert_string_equal(r.context[7], "8: (55) if r1 != 0x7 goto pc-4        ; R1=0");
	assert_string_equal(r.context[8], "5: (63) *(u32 *)(r10 -4) = r0         ; R0=0 R10=fp0 fp-8=0000????");
	assert_string_equal(r.context[11], "8: (55) if r1 != 0x7 goto pc-4        ; R1=0");
	assert_int_equal(r.processed_insns, 14);
	assert_int_equal(r.total_states, 1);
	assert_int_equal(r.peak_states, 1);
	assert_int_equal(r.max_states_per_insn, 0);
	assert_string_equal(r.stack_depth, "8");
	assert_int_equal(r.insn, 8);
	assert_false(r.core_poisoned);
	assert_string_equal(hint_id(r.hint), "unbounded_loop");
}

static void test_unbounded_ptr(void **state)
{
	struct vlog_report r;
	char want[160];

	(void)state;
	assert_int_equal(parse(log_unbounded_ptr, &r), 0);
	check_well_formed(&r);
	assert_string_equal(r.message, "R0 unbounded memory access, make sure to bounds check any such access");
	assert_string_equal(r.file, "unbounded_ptr.bpf.c");
	assert_int_equal(r.line, 19);
	assert_string_equal(r.source, "return b[idx]; /* VERIFY-FAIL */");
	/* 14 instruction lines: the first kept is instruction 1. */
	assert_int_equal(r.ncontext, VLOG_CONTEXT_LINES);
	assert_string_equal(r.context[0], "1: (63) *(u32 *)(r10 -4) = r6         ; R6=0 R10=fp0 fp-8=0000????");
	/* The 192-character line is cut to the slot, NUL-terminated. */
	assert_true(strlen(UPTR_INSN12) > sizeof(r.context[0]));
	memcpy(want, UPTR_INSN12, sizeof(want) - 1);
	want[sizeof(want) - 1] = '\0';
	assert_string_equal(r.context[10], want);
	assert_int_equal(strlen(r.context[10]), sizeof(r.context[10]) - 1);
	assert_string_equal(r.context[11], "13: (71) r6 = *(u8 *)(r0 +0)");
	assert_int_equal(r.processed_insns, 13);
	assert_int_equal(r.total_states, 1);
	assert_int_equal(r.peak_states, 1);
	assert_int_equal(r.insn, 13);
	assert_false(r.core_poisoned);
	assert_string_equal(hint_id(r.hint), "unbounded_pointer_math");
}

static void test_core_relocation(void **state)
{
	struct vlog_report r;

	(void)state;
	assert_int_equal(parse(log_core_relocation, &r), 0);
	check_well_formed(&r);
	assert_string_equal(r.message, "failed to resolve CO-RE relocation <byte_off> [5] "
				       "struct task_struct___nope.sonde_no_such_field (0:0 @ offset 0)");
	assert_string_equal(r.file, "core_relocation.bpf.c");
	assert_int_equal(r.line, 12);
	assert_string_equal(r.source, "return BPF_CORE_READ((struct task_struct___nope *)bpf_get_current_task(), "
				      "sonde_no_such_field); /* VERIFY-FAIL */");
	assert_int_equal(r.ncontext, 3);
	assert_string_equal(r.context[2], "1: <invalid CO-RE relocation>");
	assert_int_equal(r.insn, 1);
	assert_true(r.core_poisoned);
	assert_int_equal(r.processed_insns, 2);
	assert_string_equal(r.stack_depth, "0");
	assert_string_equal(hint_id(r.hint), "core_relocation");

	/* Statistics-only log: the kernel's "unknown#195896080" poison. */
	assert_int_equal(parse(log_core_relocation_l4, &r), 0);
	check_well_formed(&r);
	assert_string_equal(r.message, "invalid func unknown#195896080");
	assert_int_equal(r.insn, -1);
	assert_false(r.core_poisoned);
	assert_int_equal(r.ncontext, 0);
	assert_int_equal(r.line, 0);
	assert_string_equal(r.file, "");
	assert_int_equal(r.processed_insns, 2);
	assert_string_equal(hint_id(r.hint), "core_relocation");
}

static void test_helper_not_allowed(void **state)
{
	struct vlog_report r;

	(void)state;
	assert_int_equal(parse(log_helper_not_allowed, &r), 0);
	check_well_formed(&r);
	assert_string_equal(r.message, "program of this type cannot use helper bpf_xdp_adjust_head#44");
	assert_string_equal(r.file, "helper_not_allowed.bpf.c");
	assert_int_equal(r.line, 8);
	assert_string_equal(r.source, "return bpf_xdp_adjust_head(ctx, 4); /* VERIFY-FAIL */");
	assert_int_equal(r.ncontext, 3);
	assert_string_equal(r.context[2], "1: (85) call bpf_xdp_adjust_head#44");
	assert_int_equal(r.insn, 1);
	assert_int_equal(r.processed_insns, 2);
	assert_string_equal(r.stack_depth, "0");
	assert_string_equal(hint_id(r.hint), "helper_not_allowed");
}

static void test_missing_license(void **state)
{
	struct vlog_report r;

	(void)state;
	assert_int_equal(parse(log_missing_license, &r), 0);
	check_well_formed(&r);
	assert_string_equal(r.message, "cannot call GPL-restricted function from non-GPL compatible program");
	assert_string_equal(r.file, "missing_license.bpf.c");
	assert_int_equal(r.line, 9);
	assert_string_equal(r.source, "bpf_probe_read_kernel(buf, sizeof(buf), ctx); /* VERIFY-FAIL */");
	assert_int_equal(r.ncontext, 6);
	assert_string_equal(r.context[5], "4: (85) call bpf_probe_read_kernel#113");
	assert_int_equal(r.insn, 4);
	assert_int_equal(r.processed_insns, 5);
	assert_string_equal(hint_id(r.hint), "missing_license");
}

static void test_stack_too_large(void **state)
{
	struct vlog_report r;

	(void)state;
	assert_int_equal(parse(log_stack_too_large, &r), 0);
	check_well_formed(&r);
	assert_string_equal(r.message, "combined stack size of 2 calls is 800. Too large");
	assert_string_equal(r.stack_depth, "400+400");
	assert_int_equal(r.processed_insns, 32);
	assert_int_equal(r.total_states, 1);
	assert_int_equal(r.peak_states, 1);
	assert_int_equal(r.insn, -1);
	assert_int_equal(r.ncontext, 0);
	assert_int_equal(r.line, 0);
	assert_string_equal(r.file, "");
	assert_string_equal(r.source, "");
	assert_false(r.core_poisoned);
	assert_string_equal(hint_id(r.hint), "stack_too_large");
}

static void test_accepted_program(void **state)
{
	struct vlog_report r;

	(void)state;
	assert_int_equal(parse(log_good, &r), 0);
	check_well_formed(&r);
	assert_string_equal(r.message, "");
	assert_null(r.hint);
	assert_int_equal(r.processed_insns, 12);
	assert_int_equal(r.total_states, 1);
	assert_int_equal(r.peak_states, 1);
	assert_int_equal(r.max_states_per_insn, 0);
	assert_string_equal(r.stack_depth, "8");
	assert_int_equal(r.insn, -1);
	assert_int_equal(r.ncontext, 0);
	assert_int_equal(r.line, 0);
}

static void test_too_large(void **state)
{
	struct vlog_report r;

	(void)state;
	assert_int_equal(parse(log_too_large, &r), 0);
	check_well_formed(&r);
	assert_string_equal(r.message, "BPF program is too large. Processed 1000001 insn");
	assert_int_equal(r.processed_insns, 1000001);
	assert_int_equal(r.max_states_per_insn, 4);
	assert_int_equal(r.total_states, 14287);
	assert_int_equal(r.peak_states, 14287);
	assert_string_equal(r.stack_depth, "0");
	assert_int_equal(r.insn, -1);
	assert_string_equal(hint_id(r.hint), "program_too_large");
}

static void test_null_deref(void **state)
{
	struct vlog_report r;

	(void)state;
	assert_int_equal(parse(log_null_deref, &r), 0);
	check_well_formed(&r);
	assert_string_equal(r.message, "R0 invalid mem access 'map_value_or_null'");
	assert_string_equal(r.file, "null_deref.bpf.c");
	assert_int_equal(r.line, 15);
	assert_string_equal(r.source, "return *v; /* VERIFY-FAIL */");
	assert_int_equal(r.insn, 7);
	assert_int_equal(r.processed_insns, 7);
	assert_string_equal(hint_id(r.hint), "null_not_checked");
}

/* "pointer arithmetic on map_value_or_null prohibited, null-check it
 * first": the fix is the NULL check, not a bound on an offset. */
static void test_null_pointer_arithmetic(void **state)
{
	struct vlog_report r;

	(void)state;
	assert_int_equal(parse(log_null_math, &r), 0);
	check_well_formed(&r);
	assert_string_equal(r.message, "R0 pointer arithmetic on map_value_or_null prohibited, null-check it first");
	assert_string_equal(r.file, "null_math.bpf.c");
	assert_int_equal(r.line, 15);
	assert_string_equal(r.source, "asm volatile(\"%[v] += 8\" : [v]\"+r\"(v)); /* VERIFY-FAIL */");
	assert_int_equal(r.insn, 7);
	assert_string_equal(r.context[r.ncontext - 1], "7: (07) r0 += 8");
	assert_string_equal(hint_id(r.hint), "null_not_checked");
}

static void test_ctx_access(void **state)
{
	struct vlog_report r;

	(void)state;
	assert_int_equal(parse(log_ctx_access, &r), 0);
	check_well_formed(&r);
	assert_string_equal(r.message, "invalid bpf_context access off=200 size=4");
	assert_string_equal(r.file, "ctx_access.bpf.c");
	assert_int_equal(r.line, 5);
	assert_string_equal(r.source, "return *(__u32 *)((char *)ctx + 200); /* VERIFY-FAIL */");
	assert_int_equal(r.insn, 0);
	assert_int_equal(r.ncontext, 2);
	assert_int_equal(r.processed_insns, 1);
	assert_string_equal(hint_id(r.hint), "invalid_context_access");
}

static void test_bad_retval(void **state)
{
	struct vlog_report r;

	(void)state;
	assert_int_equal(parse(log_bad_retval, &r), 0);
	check_well_formed(&r);
	assert_string_equal(r.message, "At program exit the register R0 has smin=7 smax=7 should have been in [0, 3]");
	assert_string_equal(r.file, "bad_retval.bpf.c");
	assert_int_equal(r.line, 5);
	assert_string_equal(r.source, "return 7; /* VERIFY-FAIL */");
	assert_int_equal(r.insn, 1);
	assert_string_equal(r.context[r.ncontext - 1], "1: (95) exit");
	assert_string_equal(hint_id(r.hint), "bad_return_value");
}

/* ---- vlog__match / vlog__hint_for_errno --------------------------------- */

static void expect_match(const char *text, const char *id)
{
	const struct vlog_hint *h = vlog__match(text, strlen(text));

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
	assert_null(vlog__match(license, strstr(license, "GPL-restricted") - license + 5));
	assert_non_null(vlog__match(license, strstr(license, "GPL-restricted") - license + 14));
}

static void test_hint_for_errno(void **state)
{
	const struct vlog_hint *h;

	(void)state;
	h = vlog__hint_for_errno(-EPERM);
	assert_non_null(h);
	assert_string_equal(h->id, "permission_denied");
	assert_null(vlog__hint_for_errno(-EINVAL));
	assert_null(vlog__hint_for_errno(0));
}

static void test_hints_table(void **state)
{
	int n = 0;

	(void)state;
	for (int i = 0; vlog_hints[i]; i++, n++) {
		const struct vlog_hint *h = vlog_hints[i];

		assert_non_null(h->id);
		assert_non_null(h->title);
		assert_non_null(h->fix);
		assert_true(h->id[0] && h->title[0] && h->fix[0]);
		/* ids are stable names: lower case, digits, '_' */
		for (const char *p = h->id; *p; p++)
			assert_true((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_');
		for (int j = 0; j < i; j++)
			if (!strcmp(vlog_hints[j]->id, h->id))
				fail_msg("hint id %s twice (%d and %d)", h->id, j, i);
	}
	assert_true(n >= 14);
	/* The errno hint is in the table. */
	for (int i = 0; vlog_hints[i]; i++)
		if (vlog_hints[i] == vlog__hint_for_errno(-EPERM))
			return;
	fail_msg("vlog__hint_for_errno(-EPERM) is not in vlog_hints");
}

/* ---- edge cases --------------------------------------------------------- */

static void test_empty_log(void **state)
{
	struct vlog_report r;

	(void)state;
	memset(&r, 0x5a, sizeof(r));
	assert_int_equal(vlog__parse("", 0, &r), -EINVAL);
	assert_int_equal(r.insn, -1);
	assert_string_equal(r.message, "");
	assert_null(r.hint);
	memset(&r, 0x5a, sizeof(r));
	assert_int_equal(vlog__parse(NULL, 0, &r), -EINVAL);
	assert_int_equal(r.insn, -1);
	assert_int_equal(r.ncontext, 0);
	/* len 0 with text behind it is still empty. */
	assert_int_equal(vlog__parse(log_map_value_oob, 0, &r), -EINVAL);
	assert_string_equal(r.message, "");
	/* Not empty, but nothing in it. */
	assert_int_equal(vlog__parse("\n\n\n", 3, &r), 0);
	check_well_formed(&r);
	assert_string_equal(r.message, "");
	assert_int_equal(r.insn, -1);
	assert_null(r.hint);
}

/* A report reused for a second log keeps nothing of the first. */
static void test_report_reused(void **state)
{
	struct vlog_report r;

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
	struct vlog_report r;

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
	struct vlog_report r;
	int keep = n < VLOG_CONTEXT_LINES ? n : VLOG_CONTEXT_LINES;

	assert_true((size_t)n * 32 + 64 <= cap);
	for (int i = 0; i < n; i++)
		len += (size_t)snprintf(log + len, cap - len, "%d: (b7) r0 = %d\n", i, i);
	len += (size_t)snprintf(log + len, cap - len, "R0 invalid mem access 'scalar'\n");
	assert_int_equal(vlog__parse(log, len, &r), 0);
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
	check_ring(VLOG_CONTEXT_LINES - 1);
	check_ring(VLOG_CONTEXT_LINES);
	check_ring(VLOG_CONTEXT_LINES + 1);
	check_ring(2 * VLOG_CONTEXT_LINES + 5);
	check_ring(1000);
}

static void test_long_lines(void **state)
{
	struct vlog_report r;
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

	assert_int_equal(vlog__parse(log, len, &r), 0);
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
	struct vlog_report r;

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
	struct vlog_report r;

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
	struct vlog_report r;

	(void)state;
	assert_int_equal(vlog__parse(log, sizeof(log) - 1, &r), 0);
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
	assert_int_equal(vlog__parse(log_packet_oob, strstr(log_packet_oob, "off=12") - log_packet_oob, &r), 0);
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
			assert_int_equal(vlog__parse((const char *)buf, 1 + x % sizeof(buf), &r), 0);
			check_well_formed(&r);
			(void)vlog__match((const char *)buf, sizeof(buf));
		}
	}
}

/* Annotation forms: no "@", no line number, line 0 (compiler-generated
 * code keeps the previous line), a file name with ':' in it. */
static void test_source_annotations(void **state)
{
	static const char log[] =
		"; int f(void) @ a.c:10\n"
		"0: (b7) r0 = 0\n"
		";  @ a.c:0\n"
		"1: (b7) r0 = 1\n";
	static const char log2[] =
		"; older kernels: no location\n"
		"0: (b7) r0 = 0\n"
		"; x = 1; @ b.c:\n"
		"1: (b7) r0 = 1\n";
	static const char log3[] =
		"; y @ z @ C:/src/x.c:31\n"
		"4: (b7) r0 = 1\n";
	struct vlog_report r;

	(void)state;
	assert_int_equal(parse(log, &r), 0);
	assert_string_equal(r.file, "a.c");
	assert_int_equal(r.line, 10);
	assert_string_equal(r.source, "int f(void)");
	assert_int_equal(r.insn, 1);

	assert_int_equal(parse(log2, &r), 0);
	check_well_formed(&r);
	assert_string_equal(r.file, "");
	assert_int_equal(r.line, 0);
	assert_string_equal(r.source, "");

	assert_int_equal(parse(log3, &r), 0);
	assert_string_equal(r.file, "C:/src/x.c");
	assert_int_equal(r.line, 31);
	assert_string_equal(r.source, "y @ z");
	assert_int_equal(r.insn, 4);
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
