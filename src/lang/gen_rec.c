// SPDX-License-Identifier: Apache-2.0
/* Calls that talk to the runtime: a record (gen.h) built on the stack and
 * sent with bpf_ringbuf_output, and signal(). printf() specs are
 * registered in the context, numbered in the order they are met. */
#include <string.h>
#include "lang/builtins.h"
#include "lang/gen_int.h"

#define MOV64_IMM INSN_MOV64_IMM
#define MOV64_REG INSN_MOV64_REG
#define ALU64_IMM INSN_ALU64_IMM
#define STX	  INSN_STX
#define ST_IMM	  INSN_ST_IMM
#define CALL	  INSN_CALL

static struct lang_printf *spec_new(struct gen *g, const struct lang_node *at, unsigned *id)
{
	struct lang_gen_ctx *c = g->ctx;

	if (!c->printfs || c->nprintfs >= c->max_printfs) {
		gen__error(g, at->loc, "too many printf() calls (the limit is %u)", c->max_printfs);
		return NULL;
	}
	*id = c->nprintfs;
	memset(&c->printfs[*id], 0, sizeof(c->printfs[*id]));
	return &c->printfs[c->nprintfs++];
}

static void output(struct gen *g, int rec, unsigned size)
{
	insn_buf__ld64(&g->b, BPF_REG_1, BPF_PSEUDO_MAP_FD, (uint32_t)g->ctx->rb_fd);
	emit(g, MOV64_REG(R2, FP));
	emit(g, ALU64_IMM(BPF_ADD, R2, rec));
	emit(g, MOV64_IMM(R3, size));
	emit(g, MOV64_IMM(R4, 0));
	emit(g, CALL(BPF_FUNC_ringbuf_output));
}

/* A header-only record. */
static void rec_simple(struct gen *g, enum lang_rec_kind kind, unsigned id)
{
	int rec = gen__alloc(g, 8);

	emit(g, ST_IMM(BPF_W, FP, rec, kind));
	emit(g, ST_IMM(BPF_W, FP, rec + 4, id));
	output(g, rec, 8);
}

static bool printable(const struct lang_type *t)
{
	return t->kind == LANG_T_INT || t->kind == LANG_T_PTR || t->kind == LANG_T_STRING;
}

/* A record of kind with spec sp's arguments args (linked by next). */
static void rec_args(struct gen *g, enum lang_rec_kind kind, struct lang_printf *sp, unsigned id,
		     const struct lang_node *args)
{
	unsigned off = sizeof(struct lang_rec), i = 0;
	int rec;

	for (const struct lang_node *a = args; a; a = a->next, i++) {
		if (!printable(&a->type)) {
			gen__unsupported(g, a, a->kind == LANG_IDENT || a->kind == LANG_CALL
						       ? a->name : "printing a value of this type");
			return;
		}
		sp->type[i] = a->type;
		sp->off[i] = off;
		off += round8(a->type.kind == LANG_T_STRING ? a->type.size : 8);
	}
	sp->nargs = i;
	sp->size = off;
	rec = gen__alloc(g, off);
	emit(g, ST_IMM(BPF_W, FP, rec, kind));
	emit(g, ST_IMM(BPF_W, FP, rec + 4, id));
	i = 0;
	for (const struct lang_node *a = args; a && !g->err; a = a->next, i++) {
		int at = rec + sp->off[i];

		if (a->type.kind == LANG_T_STRING) {
			int s = gen__str(g, a);

			gen__copy(g, at, s, round8(a->type.size));
		} else {
			gen__expr(g, a);
			emit(g, STX(BPF_DW, FP, R0, at));
		}
	}
	output(g, rec, off);
}

/* signal("KILL") and signal(9): Linux's numbers, in the checker's order. */
static int signum(const struct lang_node *a)
{
	static const char *const sigs[] = {
		"HUP",	"INT",	"QUIT", "ILL",	"TRAP", "ABRT", "BUS",	"FPE",	 "KILL", "USR1", "SEGV",
		"USR2", "PIPE", "ALRM", "TERM", "STKFLT", "CHLD", "CONT", "STOP", "TSTP", "TTIN",
		"TTOU", "URG",	"XCPU", "XFSZ", "VTALRM", "PROF", "WINCH", "IO", "PWR",	 "SYS",
	};
	const char *name = a->name + (strncmp(a->name, "SIG", 3) ? 0 : 3);

	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		if (!strcmp(sigs[i], name))
			return i + 1;
	return 0;
}

int gen__rec_call(struct gen *g, const struct lang_node *n)
{
	const struct lang_node *a0 = n->kids;
	struct lang_printf *sp;
	unsigned id;

	switch (n->id) {
	case F_PRINTF:
		if (!(sp = spec_new(g, n, &id)))
			return 1;
		sp->fmt = a0->name;
		rec_args(g, LANG_REC_PRINTF, sp, id, a0->next);
		return 1;
	case F_PRINT:
		if (a0->kind == LANG_MAP && !a0->nkids) {
			if (n->nkids > 1) {
				gen__unsupported(g, n, "print(@m, TOP, DIV)");
				return 1;
			}
			rec_simple(g, LANG_REC_PRINT, a0->map->id);
			return 1;
		}
		if (!printable(&a0->type)) {
			gen__unsupported(g, a0, a0->kind == LANG_IDENT || a0->kind == LANG_CALL
						       ? a0->name : "printing a value of this type");
			return 1;
		}
		if (!(sp = spec_new(g, n, &id)))
			return 1;
		sp->fmt = a0->type.kind == LANG_T_STRING ? "%s\n" : "%d\n";
		{
			/* one argument: a0 alone, whatever follows it */
			struct lang_node one = *a0;

			one.next = NULL;
			rec_args(g, LANG_REC_PRINT_VALUE, sp, id, &one);
		}
		return 1;
	case F_CLEAR:
	case F_ZERO:
		rec_simple(g, n->id == F_CLEAR ? LANG_REC_CLEAR : LANG_REC_ZERO, a0->map->id);
		return 1;
	case F_EXIT:
		rec_simple(g, LANG_REC_EXIT, 0);
		GOTO(g, g->exit_l);
		g->dead = true;
		return 1;
	case F_TIME:
		if (!(sp = spec_new(g, n, &id)))
			return 1;
		sp->fmt = a0 ? a0->name : "%H:%M:%S\n";
		sp->size = sizeof(struct lang_rec);
		rec_simple(g, LANG_REC_TIME, id);
		return 1;
	case F_SIGNAL:
		if (a0->kind == LANG_STR)
			emit(g, MOV64_IMM(R1, signum(a0)));
		else {
			gen__expr(g, a0);
			emit(g, MOV64_REG(R1, R0));
		}
		emit(g, CALL(BPF_FUNC_send_signal));
		return 1;
	default: return 0;
	}
}
