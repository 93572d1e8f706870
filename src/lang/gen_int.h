/* SPDX-License-Identifier: Apache-2.0 */
/* What gen.c (probes, statements, maps, records) and gen_expr.c
 * (integer and string expressions) share. Private to src/lang.
 *
 * Registers: R6 holds ctx for the whole program; an expression leaves its
 * value in R0; R1-R5 are scratch (helpers clobber them); R7 holds a map
 * value or ring buffer pointer across helper calls. Everything else lives
 * on the stack, handed out by a bump allocator: variables for the whole
 * probe, temporaries per statement. Errors are sticky: the first one is
 * kept, emission goes on harmlessly and lang__gen() reports it. */
#ifndef SONDE_LANG_GEN_INT_H
#define SONDE_LANG_GEN_INT_H
#include <stdbool.h>
#include <stddef.h>
#include "lib/insnbuf.h"
#include "lang/gen.h"

#define R0 BPF_REG_0
#define R1 BPF_REG_1
#define R2 BPF_REG_2
#define R3 BPF_REG_3
#define R4 BPF_REG_4
#define R5 BPF_REG_5
#define R6 BPF_REG_6
#define R7 BPF_REG_7
#define FP BPF_REG_10

#define GEN_STACK_MAX	  512
#define GEN_WHILE_MAX	  1024 /* iterations of one while loop: the verifier must see an end */

struct gen {
	struct insn_buf b;
	const struct lang_program *prog;
	const struct lang_probe *probe;
	const struct lang_attach *a;
	const struct lang_tp_ref *tp;
	struct lang_gen_ctx *ctx;
	bool regs;	      /* ctx is struct pt_regs (uprobe, uretprobe, kprobe) */
	bool rawtp;	      /* ctx is a raw tracepoint's u64 args[] */
	int *var_off;	      /* by variable id: its slot */
	int sp;		      /* stack bytes in use */
	struct lang_loc stmt; /* the statement being generated, for stack errors */
	int exit_l;	      /* return 0 */
	int brk_l, cont_l;    /* the innermost while's, or -1 */
	bool dead;	      /* after a jump away: what follows is unreachable */
	int err;
	char *errbuf;
	size_t errsz;
};

#define emit(g, in) insn_buf__emit(&(g)->b, in)
#define label(g)    insn_buf__label(&(g)->b)
#define place(g, l) insn_buf__place(&(g)->b, l)
#define JK(g, op, r, imm, l)   insn_buf__jump(&(g)->b, BPF_JMP, op, BPF_K, r, 0, imm, l)
#define JX(g, op, r, r2, l)    insn_buf__jump(&(g)->b, BPF_JMP, op, BPF_X, r, r2, 0, l)
#define GOTO(g, l)	       insn_buf__jump(&(g)->b, BPF_JMP, 0, 0, 0, 0, 0, l)

/* gen.c */
int gen__error(struct gen *g, struct lang_loc loc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int gen__unsupported(struct gen *g, const struct lang_node *n, const char *name);
/* size bytes of stack, 8-aligned: the slot's offset from FP (negative). */
int gen__alloc(struct gen *g, unsigned size);
void gen__zero(struct gen *g, int off, unsigned size);
/* n bytes from FP + src to FP + dst, in the widest accesses both allow. */
void gen__copy(struct gen *g, int dst, int src, unsigned n);
/* R(dst) = the fd of map id as a map pointer. */
void gen__map_fd(struct gen *g, int dst, unsigned id);
/* A key for map node n (its kids the key elements) on the stack. */
int gen__key(struct gen *g, const struct lang_node *n);

/* gen_rec.c: the calls that send a record (printf, print, clear, zero,
 * exit, time) and signal(): 1 when n was one of them, else 0. */
int gen__rec_call(struct gen *g, const struct lang_node *n);

/* gen_expr.c */
/* An integer or pointer expression into R0. */
void gen__expr(struct gen *g, const struct lang_node *n);
/* A string expression into a stack buffer of round8(n->type.size)
 * bytes, zero-padded: its offset. */
int gen__str(struct gen *g, const struct lang_node *n);
/* R0 = R0 op R1 for the arithmetic of binary op (signed: as C does). */
void gen__binop(struct gen *g, const struct lang_node *at, enum lang_tok_kind op, bool is_signed);
void gen__ld_imm(struct gen *g, int dst, int64_t v);

static inline unsigned round8(unsigned n) { return (n + 7) & ~7u; }
#endif
