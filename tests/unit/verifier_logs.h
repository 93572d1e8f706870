/* SPDX-License-Identifier: Apache-2.0 */
/* Real verifier logs (kernel 6.18, tests/verifier/NAME.bpf.c built into build/verifier/) for test_verifier_report*.c. */
#ifndef SONDE_TEST_VLOG_LOGS_H
#define SONDE_TEST_VLOG_LOGS_H
/*
 * Captured either with
 *   bpftool prog load build/verifier/NAME.bpf.o /sys/fs/bpf/x     (level 1)
 * between the "-- BEGIN/END PROG LOAD LOG --" markers, or with a libbpf
 * loader setting bpf_program__set_log_level(prog, 1 | 4) (level 1 + stats,
 * what sonde verify asks for), 4 (stats only) or 1 | 2 | 4 (level 2). The
 * null_deref, null_math, ctx_access and bad_retval logs come from small
 * programs built the same way (same BPF_CFLAGS, tests/verifier/common.h);
 * their sources are quoted in the logs' "; ... @ file:LINE" annotations.
 * Tabs in the source annotations are the kernel's (written as \t).
 * The same logs are seeds in tests/fuzz/corpus/verifier_report/.
 *
 * static const: each test file uses the ones it needs.
 */

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
 * VERIFIER_CONTEXT_LINES. */
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

#endif
