/* SPDX-License-Identifier: Apache-2.0 */
/* A buffer of BPF instructions with labels, for code generators that emit
 * programs without a compiler (the capture filter, the tracing
 * language): emit, jump to a label not placed yet, place it, resolve.
 * Running out of room sets a flag instead of failing each call, so
 * generators emit straight-line code and check once at the end. */
#ifndef SONDE_LIB_INSNBUF_H
#define SONDE_LIB_INSNBUF_H
#include <stdbool.h>
#include <stddef.h>
#include <linux/bpf.h>

struct insn_buf {
	struct bpf_insn *v;
	size_t n, max;
	int *label_of;		/* per instruction: the label it jumps to, -1 none */
	int *at;		/* per label: its instruction, -1 not placed */
	int nlabels, max_labels;
	bool full;		/* an instruction or label did not fit */
};

/* Instructions go into v[0..max); room for max_labels labels is
 * allocated. 0 or -ENOMEM. */
int insn_buf__init(struct insn_buf *b, struct bpf_insn *v, size_t max, int max_labels);
void insn_buf__free(struct insn_buf *b);
/* Appends in; returns its index, or -1 (and sets full). */
int insn_buf__emit(struct insn_buf *b, struct bpf_insn in);
/* ld_imm64: two instructions (src PSEUDO kind, 0 for a constant). */
void insn_buf__ld64(struct insn_buf *b, __u8 dst, __u8 src, __u64 imm);
/* A new label, not placed; 0 when full (a label that exists: the
 * program is refused at resolve anyway). */
int insn_buf__label(struct insn_buf *b);
/* The next instruction is label l. */
void insn_buf__place(struct insn_buf *b, int l);
/* A jump to l: op 0 is "always"; else cls (BPF_JMP, BPF_JMP32) | op |
 * src (BPF_K with imm, BPF_X with reg2). */
void insn_buf__jump(struct insn_buf *b, __u8 cls, __u8 op, __u8 src, __u8 reg, __u8 reg2,
		    __s32 imm, int l);
/* Fills in every jump's offset: the number of instructions, or -E2BIG
 * (full, a label never placed, an offset beyond 16 bits). */
int insn_buf__resolve(struct insn_buf *b);

static inline struct bpf_insn insn_make(__u8 code, __u8 dst, __u8 src, __s16 off, __s32 imm)
{
	return (struct bpf_insn){ .code = code, .dst_reg = dst, .src_reg = src, .off = off, .imm = imm };
}

#define INSN_MOV64_IMM(d, i)	 insn_make(BPF_ALU64 | BPF_MOV | BPF_K, d, 0, 0, i)
#define INSN_MOV64_REG(d, s)	 insn_make(BPF_ALU64 | BPF_MOV | BPF_X, d, s, 0, 0)
#define INSN_ALU64_IMM(op, d, i) insn_make(BPF_ALU64 | (op) | BPF_K, d, 0, 0, i)
#define INSN_ALU32_IMM(op, d, i) insn_make(BPF_ALU | (op) | BPF_K, d, 0, 0, i)
#define INSN_ALU64_REG(op, d, s) insn_make(BPF_ALU64 | (op) | BPF_X, d, s, 0, 0)
#define INSN_LDX(sz, d, s, o)	 insn_make(BPF_LDX | (sz) | BPF_MEM, d, s, o, 0)
#define INSN_STX(sz, d, s, o)	 insn_make(BPF_STX | (sz) | BPF_MEM, d, s, o, 0)
#define INSN_ST_IMM(sz, d, o, i) insn_make(BPF_ST | (sz) | BPF_MEM, d, 0, o, i)
#define INSN_BE16(d)		 insn_make(BPF_ALU | BPF_END | BPF_TO_BE, d, 0, 0, 16)
#define INSN_CALL(f)		 insn_make(BPF_JMP | BPF_CALL, 0, 0, 0, f)
#define INSN_EXIT()		 insn_make(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)
#endif
