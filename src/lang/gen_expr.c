// SPDX-License-Identifier: Apache-2.0
/* Expressions to BPF: integers into R0, strings into stack buffers.
 * Temporaries go to the stack because every helper call clobbers R1-R5. */
#include <stdio.h>
#include <string.h>
#include "lang/builtins.h"
#include "lang/gen_int.h"
#include "lang/tpformat.h"

#define MOV64_IMM INSN_MOV64_IMM
#define MOV64_REG INSN_MOV64_REG
#define ALU64_IMM INSN_ALU64_IMM
#define ALU64_REG INSN_ALU64_REG
#define LDX	  INSN_LDX
#define STX	  INSN_STX
#define ST_IMM	  INSN_ST_IMM
#define CALL	  INSN_CALL

/* struct pt_regs on x86_64 (the only architecture the generator knows):
 * the offsets of di, si, dx, cx, r8, r9, the SysV argument registers. */
static const short regs_arg[6] = { 112, 104, 96, 88, 72, 64 };
#define REGS_AX 80

void gen__ld_imm(struct gen *g, int dst, int64_t v)
{
	if (v >= INT32_MIN && v <= INT32_MAX)
		emit(g, MOV64_IMM(dst, (int32_t)v));
	else
		insn_buf__ld64(&g->b, dst, 0, (uint64_t)v);
}

static int size_code(unsigned size)
{
	return size == 1 ? BPF_B : size == 2 ? BPF_H : size == 4 ? BPF_W : BPF_DW;
}

/* Sign- or zero-extend R(r) from size bytes. */
static void extend(struct gen *g, int r, unsigned size, bool is_signed)
{
	if (size >= 8)
		return;
	emit(g, ALU64_IMM(BPF_LSH, r, 64 - 8 * size));
	emit(g, ALU64_IMM(is_signed ? BPF_ARSH : BPF_RSH, r, 64 - 8 * size));
}

/* Where args->NAME is in this tracepoint's record. */
static int field_of(struct gen *g, const struct lang_node *n, unsigned *off, unsigned *size)
{
	const struct lang_tp_field *f;

	if (n->field_off != LANG_FIELD_VARIES) {
		*off = n->field_off;
		*size = n->field_size;
		return 0;
	}
	if (!g->tp || !(f = lang_tp__field(g->tp->fmt, n->name)))
		return gen__error(g, n->loc, "args->%s: no such field in this tracepoint", n->name);
	*off = f->offset;
	*size = f->size;
	return 0;
}

static bool is_args_field(const struct lang_node *n)
{
	return n->kind == LANG_FIELD && n->a->kind == LANG_IDENT && n->a->type.kind == LANG_T_RECORD;
}

/* An integer or pointer field of the record into R0. The context of a
 * tracepoint program may only be read at offsets from 8 on and aligned
 * to the access size: anything else goes through probe_read_kernel. */
static void args_int(struct gen *g, const struct lang_node *n)
{
	unsigned off, size;

	if (field_of(g, n, &off, &size))
		return;
	if (size != 1 && size != 2 && size != 4 && size != 8) {
		gen__unsupported(g, n, "args field of this size");
		return;
	}
	if (off >= 8 && off % size == 0) {
		emit(g, LDX(size_code(size), R0, R6, off));
	} else {
		int t = gen__alloc(g, 8);

		emit(g, ST_IMM(BPF_DW, FP, t, 0));
		emit(g, MOV64_REG(R1, FP));
		emit(g, ALU64_IMM(BPF_ADD, R1, t));
		emit(g, MOV64_IMM(R2, size));
		emit(g, MOV64_REG(R3, R6));
		emit(g, ALU64_IMM(BPF_ADD, R3, off));
		emit(g, CALL(BPF_FUNC_probe_read_kernel));
		emit(g, LDX(BPF_DW, R0, FP, t));
	}
	if (n->type.kind == LANG_T_INT)
		extend(g, R0, size, n->type.is_signed);
}

static void builtin(struct gen *g, const struct lang_node *n)
{
	unsigned id = n->id;

	if (id >= B_ARG0) {
		unsigned i = id - B_ARG0;

		if (g->rawtp && i < 16) {
			emit(g, LDX(BPF_DW, R0, R6, 8 * i));
			return;
		}
		if (!g->regs || i >= 6) {
			gen__unsupported(g, n, n->name);
			return;
		}
		emit(g, LDX(BPF_DW, R0, R6, regs_arg[i]));
		return;
	}
	switch (id) {
	case B_PID:
	case B_TID:
		emit(g, CALL(BPF_FUNC_get_current_pid_tgid));
		if (id == B_PID)
			emit(g, ALU64_IMM(BPF_RSH, R0, 32));
		else
			emit(g, insn_make(BPF_ALU | BPF_MOV | BPF_X, R0, R0, 0, 0));
		break;
	case B_UID:
	case B_GID:
		emit(g, CALL(BPF_FUNC_get_current_uid_gid));
		if (id == B_GID)
			emit(g, ALU64_IMM(BPF_RSH, R0, 32));
		else
			emit(g, insn_make(BPF_ALU | BPF_MOV | BPF_X, R0, R0, 0, 0));
		break;
	case B_NSECS: emit(g, CALL(BPF_FUNC_ktime_get_ns)); break;
	case B_ELAPSED:
		emit(g, CALL(BPF_FUNC_ktime_get_ns));
		gen__ld_imm(g, R1, (int64_t)g->ctx->start_ns);
		emit(g, ALU64_REG(BPF_SUB, R0, R1));
		break;
	case B_CPU: emit(g, CALL(BPF_FUNC_get_smp_processor_id)); break;
	case B_CGROUP: emit(g, CALL(BPF_FUNC_get_current_cgroup_id)); break;
	case B_RAND: emit(g, CALL(BPF_FUNC_get_prandom_u32)); break;
	case B_CURTASK: emit(g, CALL(BPF_FUNC_get_current_task)); break;
	case B_RETVAL:
		if (!g->regs) {
			gen__unsupported(g, n, n->name);
			return;
		}
		emit(g, LDX(BPF_DW, R0, R6, REGS_AX));
		break;
	default: gen__unsupported(g, n, n->name); break;
	}
}

void gen__binop(struct gen *g, const struct lang_node *at, enum lang_tok_kind op, bool is_signed)
{
	int l, nz;

	switch (op) {
	case LT_PLUS: emit(g, ALU64_REG(BPF_ADD, R0, R1)); break;
	case LT_MINUS: emit(g, ALU64_REG(BPF_SUB, R0, R1)); break;
	case LT_STAR: emit(g, ALU64_REG(BPF_MUL, R0, R1)); break;
	case LT_AMP: emit(g, ALU64_REG(BPF_AND, R0, R1)); break;
	case LT_PIPE: emit(g, ALU64_REG(BPF_OR, R0, R1)); break;
	case LT_CARET: emit(g, ALU64_REG(BPF_XOR, R0, R1)); break;
	case LT_SHL: emit(g, ALU64_REG(BPF_LSH, R0, R1)); break;
	case LT_SHR: emit(g, ALU64_REG(is_signed ? BPF_ARSH : BPF_RSH, R0, R1)); break;
	case LT_SLASH:
	case LT_PERCENT:
		/* x / 0 and x % 0 are 0. BPF divides unsigned only: a signed
		 * division divides the magnitudes and fixes the sign after,
		 * truncating toward zero as C does (the remainder takes the
		 * dividend's sign). */
		nz = label(g);
		l = label(g);
		JK(g, BPF_JNE, R1, 0, nz);
		emit(g, MOV64_IMM(R0, 0));
		GOTO(g, l);
		place(g, nz);
		if (is_signed) {
			int p1 = label(g), p2 = label(g), done = label(g);

			emit(g, MOV64_IMM(R2, 0));
			JK(g, BPF_JSGE, R0, 0, p1);
			emit(g, ALU64_IMM(BPF_NEG, R0, 0));
			emit(g, MOV64_IMM(R2, 1));
			place(g, p1);
			JK(g, BPF_JSGE, R1, 0, p2);
			emit(g, ALU64_IMM(BPF_NEG, R1, 0));
			if (op == LT_SLASH)
				emit(g, ALU64_IMM(BPF_XOR, R2, 1));
			place(g, p2);
			emit(g, ALU64_REG(op == LT_SLASH ? BPF_DIV : BPF_MOD, R0, R1));
			JK(g, BPF_JEQ, R2, 0, done);
			emit(g, ALU64_IMM(BPF_NEG, R0, 0));
			place(g, done);
		} else {
			emit(g, ALU64_REG(op == LT_SLASH ? BPF_DIV : BPF_MOD, R0, R1));
		}
		place(g, l);
		break;
	default: gen__unsupported(g, at, lex__spell(op)); break;
	}
}

static int cmp_op(enum lang_tok_kind op, bool s)
{
	switch (op) {
	case LT_EQ: return BPF_JEQ;
	case LT_NE: return BPF_JNE;
	case LT_LT: return s ? BPF_JSLT : BPF_JLT;
	case LT_LE: return s ? BPF_JSLE : BPF_JLE;
	case LT_GT: return s ? BPF_JSGT : BPF_JGT;
	default: return s ? BPF_JSGE : BPF_JGE;
	}
}

/* Byte i of a string: from its buffer, or a literal's known bytes. */
struct strsrc {
	const struct lang_node *lit; /* a literal: no buffer */
	int off;
	unsigned size;
};

static void str_src(struct gen *g, const struct lang_node *n, struct strsrc *s)
{
	s->size = n->type.size;
	s->lit = n->kind == LANG_STR ? n : NULL;
	s->off = s->lit ? 0 : gen__str(g, n);
}

static int src_byte(const struct strsrc *s, unsigned i)
{
	return i < s->lit->len ? (unsigned char)s->lit->name[i] : 0;
}

/* R0 = 1 when the first n bytes of a and b match up to a NUL, else 0. */
static void str_eq(struct gen *g, const struct strsrc *a, const struct strsrc *b, unsigned n)
{
	int ne = label(g), end = label(g), out = label(g);
	const struct strsrc *x = a->lit ? b : a, *y = a->lit ? a : b;

	if (x->lit) { /* two literals: known now */
		unsigned i = 0;

		while (i < n && src_byte(x, i) == src_byte(y, i) && src_byte(x, i))
			i++;
		emit(g, MOV64_IMM(R0, i == n || src_byte(x, i) == src_byte(y, i)));
		return;
	}
	for (unsigned i = 0; i < n; i++) {
		emit(g, LDX(BPF_B, R1, FP, x->off + i));
		if (y->lit) {
			JK(g, BPF_JNE, R1, src_byte(y, i), ne);
			if (!src_byte(y, i))
				break;
		} else {
			emit(g, LDX(BPF_B, R2, FP, y->off + i));
			JX(g, BPF_JNE, R1, R2, ne);
			JK(g, BPF_JEQ, R1, 0, end);
		}
	}
	place(g, end);
	emit(g, MOV64_IMM(R0, 1));
	GOTO(g, out);
	place(g, ne);
	emit(g, MOV64_IMM(R0, 0));
	place(g, out);
}

/* strcontains(h, nd): every start in h against every byte of nd, fully
 * unrolled (no loop for the verifier to bound); a literal needle's bytes
 * are immediates. */
static void str_contains(struct gen *g, const struct lang_node *hn, const struct lang_node *nn)
{
	struct strsrc h, nd;
	int found = label(g), none = label(g), out = label(g);
	unsigned nlen;

	str_src(g, hn, &h);
	str_src(g, nn, &nd);
	nlen = nd.lit ? nd.lit->len : nd.size;
	if (nd.lit && nd.lit->len == 0) {
		emit(g, MOV64_IMM(R0, 1));
		return;
	}
	if (h.lit) { /* a literal haystack: put it on the stack like any other */
		h.off = gen__str(g, hn);
		h.lit = NULL;
	}
	for (unsigned i = 0; i < h.size; i++) {
		int next = label(g);
		bool away = false; /* the last needle byte jumped to next */

		emit(g, LDX(BPF_B, R1, FP, h.off + i));
		JK(g, BPF_JEQ, R1, 0, none);
		for (unsigned j = 0; j < nlen; j++) {
			if (nd.lit) {
				if (i + j >= h.size) {
					GOTO(g, next);
					away = true;
					break;
				}
				if (j)
					emit(g, LDX(BPF_B, R1, FP, h.off + i + j));
				JK(g, BPF_JNE, R1, src_byte(&nd, j), next);
				continue;
			}
			emit(g, LDX(BPF_B, R2, FP, nd.off + j));
			JK(g, BPF_JEQ, R2, 0, found);
			if (i + j >= h.size) {
				GOTO(g, next);
				away = true;
				break;
			}
			if (j)
				emit(g, LDX(BPF_B, R1, FP, h.off + i + j));
			JX(g, BPF_JNE, R1, R2, next);
		}
		if (!away)
			GOTO(g, found);
		place(g, next);
	}
	place(g, none);
	emit(g, MOV64_IMM(R0, 0));
	GOTO(g, out);
	place(g, found);
	emit(g, MOV64_IMM(R0, 1));
	place(g, out);
}

static unsigned umin(unsigned a, unsigned b) { return a < b ? a : b; }

static void binary(struct gen *g, const struct lang_node *n)
{
	const struct lang_node *a = n->a, *b = n->b;
	int t, l0, l1;

	if (a->type.kind == LANG_T_STRING) {
		struct strsrc sa, sb;

		str_src(g, a, &sa);
		str_src(g, b, &sb);
		str_eq(g, &sa, &sb, umin(sa.size, sb.size));
		if (n->op == LT_NE)
			emit(g, ALU64_IMM(BPF_XOR, R0, 1));
		return;
	}
	if (n->op == LT_LAND || n->op == LT_LOR) {
		l0 = label(g);
		l1 = label(g);
		gen__expr(g, a);
		JK(g, n->op == LT_LAND ? BPF_JEQ : BPF_JNE, R0, 0, l0);
		gen__expr(g, b);
		JK(g, n->op == LT_LAND ? BPF_JEQ : BPF_JNE, R0, 0, l0);
		emit(g, MOV64_IMM(R0, n->op == LT_LAND));
		GOTO(g, l1);
		place(g, l0);
		emit(g, MOV64_IMM(R0, n->op != LT_LAND));
		place(g, l1);
		return;
	}
	t = gen__alloc(g, 8);
	gen__expr(g, a);
	emit(g, STX(BPF_DW, FP, R0, t));
	gen__expr(g, b);
	emit(g, MOV64_REG(R1, R0));
	emit(g, LDX(BPF_DW, R0, FP, t));
	switch (n->op) {
	case LT_EQ:
	case LT_NE:
	case LT_LT:
	case LT_LE:
	case LT_GT:
	case LT_GE:
		l0 = label(g);
		emit(g, MOV64_REG(R2, R0));
		emit(g, MOV64_IMM(R0, 1));
		JX(g, cmp_op(n->op, a->type.is_signed && b->type.is_signed), R2, R1, l0);
		emit(g, MOV64_IMM(R0, 0));
		place(g, l0);
		return;
	default:
		gen__binop(g, n, n->op, n->op == LT_SHR ? a->type.is_signed : n->type.is_signed);
	}
}

/* @m[k] as a value: the element, 0 when there is none. */
static void map_read(struct gen *g, const struct lang_node *n)
{
	int key = gen__key(g, n), l = label(g);

	gen__map_fd(g, R1, n->map->id);
	emit(g, MOV64_REG(R2, FP));
	emit(g, ALU64_IMM(BPF_ADD, R2, key));
	emit(g, CALL(BPF_FUNC_map_lookup_elem));
	JK(g, BPF_JEQ, R0, 0, l);
	emit(g, LDX(BPF_DW, R0, R0, 0));
	place(g, l);
}

static void incdec(struct gen *g, const struct lang_node *n)
{
	const struct lang_node *a = n->a;
	int d = n->op == LT_INC ? 1 : -1;

	if (a->kind == LANG_VAR) {
		int off = g->var_off[a->id];

		emit(g, LDX(BPF_DW, R0, FP, off));
		emit(g, ALU64_IMM(BPF_ADD, R0, d));
		emit(g, STX(BPF_DW, FP, R0, off));
		if (n->post)
			emit(g, ALU64_IMM(BPF_ADD, R0, -d));
		return;
	}
	{
		int key = gen__key(g, a), val = gen__alloc(g, 8), l = label(g);

		gen__map_fd(g, R1, a->map->id);
		emit(g, MOV64_REG(R2, FP));
		emit(g, ALU64_IMM(BPF_ADD, R2, key));
		emit(g, CALL(BPF_FUNC_map_lookup_elem));
		JK(g, BPF_JEQ, R0, 0, l);
		emit(g, LDX(BPF_DW, R0, R0, 0));
		place(g, l);
		emit(g, ALU64_IMM(BPF_ADD, R0, d));
		emit(g, STX(BPF_DW, FP, R0, val));
		gen__map_fd(g, R1, a->map->id);
		emit(g, MOV64_REG(R2, FP));
		emit(g, ALU64_IMM(BPF_ADD, R2, key));
		emit(g, MOV64_REG(R3, FP));
		emit(g, ALU64_IMM(BPF_ADD, R3, val));
		emit(g, MOV64_IMM(R4, BPF_ANY));
		emit(g, CALL(BPF_FUNC_map_update_elem));
		emit(g, LDX(BPF_DW, R0, FP, val));
		if (n->post)
			emit(g, ALU64_IMM(BPF_ADD, R0, -d));
	}
}

static void call(struct gen *g, const struct lang_node *n)
{
	const struct lang_node *a0 = n->kids;

	switch (n->id) {
	case F_STRNCMP: {
		struct strsrc sa, sb;
		unsigned len = a0->next->next->num;

		str_src(g, a0, &sa);
		str_src(g, a0->next, &sb);
		/* strncmp() is 0 on a match, as bpftrace's */
		str_eq(g, &sa, &sb, umin(len, umin(sa.size, sb.size)));
		emit(g, ALU64_IMM(BPF_XOR, R0, 1));
		return;
	}
	case F_STRCONTAINS: str_contains(g, a0, a0->next); return;
	case F_SIZEOF:
		gen__ld_imm(g, R0, a0->kind == LANG_TYPE ? a0->type.size : a0->num);
		return;
	default: gen__unsupported(g, n, n->name);
	}
}

void gen__expr(struct gen *g, const struct lang_node *n)
{
	int l0, l1;

	if (g->err)
		return;
	switch (n->kind) {
	case LANG_INT: gen__ld_imm(g, R0, (int64_t)n->num); return;
	case LANG_VAR:
		if (n->type.kind == LANG_T_STRING)
			break;
		emit(g, LDX(BPF_DW, R0, FP, g->var_off[n->id]));
		return;
	case LANG_PARAM:
		gen__error(g, n->loc, "positional parameters ($1, $#) are not supported by sonde's "
				      "code generator yet");
		return;
	case LANG_MAP: map_read(g, n); return;
	case LANG_IDENT: builtin(g, n); return;
	case LANG_FIELD:
		if (is_args_field(n) && (n->type.kind == LANG_T_INT || n->type.kind == LANG_T_PTR)) {
			args_int(g, n);
			return;
		}
		gen__unsupported(g, n, n->op == LT_DOT ? "." : "->");
		return;
	case LANG_CAST:
		if (n->type.kind == LANG_T_INT) {
			gen__expr(g, n->a);
			extend(g, R0, n->type.size, n->type.is_signed);
			return;
		}
		gen__unsupported(g, n, "cast to a pointer");
		return;
	case LANG_UNARY:
		gen__expr(g, n->a);
		if (n->op == LT_MINUS) {
			emit(g, ALU64_IMM(BPF_NEG, R0, 0));
		} else if (n->op == LT_TILDE) {
			emit(g, ALU64_IMM(BPF_XOR, R0, -1));
		} else if (n->op == LT_BANG) {
			l0 = label(g);
			emit(g, MOV64_REG(R1, R0));
			emit(g, MOV64_IMM(R0, 1));
			JK(g, BPF_JEQ, R1, 0, l0);
			emit(g, MOV64_IMM(R0, 0));
			place(g, l0);
		} else {
			gen__unsupported(g, n, lex__spell(n->op));
		}
		return;
	case LANG_INCDEC: incdec(g, n); return;
	case LANG_BINARY: binary(g, n); return;
	case LANG_TERNARY:
		if (n->type.kind == LANG_T_STRING)
			break;
		l0 = label(g);
		l1 = label(g);
		gen__expr(g, n->a);
		JK(g, BPF_JEQ, R0, 0, l0);
		gen__expr(g, n->b);
		GOTO(g, l1);
		place(g, l0);
		gen__expr(g, n->c);
		place(g, l1);
		return;
	case LANG_CALL: call(g, n); return;
	case LANG_INDEX: gen__unsupported(g, n, "[] (indexing)"); return;
	default: break;
	}
	gen__unsupported(g, n, "this expression");
}

/* ---- strings ---- */

static void helper_str(struct gen *g, int off, unsigned size, int func)
{
	/* R3 holds the source */
	emit(g, MOV64_REG(R1, FP));
	emit(g, ALU64_IMM(BPF_ADD, R1, off));
	emit(g, MOV64_IMM(R2, size));
	emit(g, CALL(func));
}

static void args_str(struct gen *g, const struct lang_node *n, int off, unsigned size)
{
	unsigned foff, fsize;

	if (field_of(g, n, &foff, &fsize))
		return;
	if (n->data_loc) {
		/* a u32 (len << 16 | offset from the record's start) */
		emit(g, LDX(BPF_W, R3, R6, foff));
		emit(g, ALU64_IMM(BPF_AND, R3, 0xffff));
		emit(g, ALU64_REG(BPF_ADD, R3, R6));
		helper_str(g, off, size, BPF_FUNC_probe_read_kernel_str);
		return;
	}
	emit(g, MOV64_REG(R3, R6));
	emit(g, ALU64_IMM(BPF_ADD, R3, foff));
	helper_str(g, off, umin(size, fsize), BPF_FUNC_probe_read_kernel);
	emit(g, ST_IMM(BPF_B, FP, off + size - 1, 0));
}

/* probe: this attach point spelt out, its tracepoint expanded. */
static void probe_name(struct gen *g, int off, unsigned size)
{
	char name[512] = "";
	size_t k = snprintf(name, sizeof(name), "%s", g->a->type);

	if (g->tp)
		snprintf(name + k, sizeof(name) - k, ":%s:%s", g->tp->cat, g->tp->name);
	else
		for (unsigned i = 0; i < g->a->nparts && k < sizeof(name); i++)
			k += snprintf(name + k, sizeof(name) - k, ":%s", g->a->parts[i]);
	name[size - 1] = '\0';
	for (unsigned i = 0; i < size && name[i]; i += 8) {
		uint64_t w = 0;

		memcpy(&w, name + i, strnlen(name + i, 8));
		gen__ld_imm(g, R0, (int64_t)w);
		emit(g, STX(BPF_DW, FP, R0, off + i));
	}
}

int gen__str(struct gen *g, const struct lang_node *n)
{
	unsigned size = n->type.size;
	int off, l0, l1, s;

	if (g->err)
		return -8;
	if (n->kind == LANG_VAR)
		return g->var_off[n->id];
	off = gen__alloc(g, round8(size));
	if (g->err)
		return off;
	gen__zero(g, off, round8(size));
	switch (n->kind) {
	case LANG_STR:
		for (unsigned i = 0; i < n->len; i += 8) {
			uint64_t w = 0;

			memcpy(&w, n->name + i, n->len - i < 8 ? n->len - i : 8);
			if (!w)
				continue;
			gen__ld_imm(g, R0, (int64_t)w);
			emit(g, STX(BPF_DW, FP, R0, off + i));
		}
		return off;
	case LANG_IDENT:
		if (n->id == B_PROBE) {
			probe_name(g, off, size);
			return off;
		}
		if (n->id != B_COMM)
			break;
		emit(g, MOV64_REG(R1, FP));
		emit(g, ALU64_IMM(BPF_ADD, R1, off));
		emit(g, MOV64_IMM(R2, size));
		emit(g, CALL(BPF_FUNC_get_current_comm));
		return off;
	case LANG_FIELD:
		if (!is_args_field(n))
			break;
		args_str(g, n, off, size);
		return off;
	case LANG_CALL:
		if (n->id != F_STR)
			break;
		if (n->kids->type.kind == LANG_T_STRING) { /* a __data_loc field */
			s = gen__str(g, n->kids);
			gen__copy(g, off, s, size);
			emit(g, ST_IMM(BPF_B, FP, off + size - 1, 0));
			return off;
		}
		gen__expr(g, n->kids);
		emit(g, MOV64_REG(R3, R0));
		helper_str(g, off, size,
			   n->type.user ? BPF_FUNC_probe_read_user_str : BPF_FUNC_probe_read_kernel_str);
		return off;
	case LANG_TERNARY:
		l0 = label(g);
		l1 = label(g);
		gen__expr(g, n->a);
		JK(g, BPF_JEQ, R0, 0, l0);
		s = gen__str(g, n->b);
		gen__copy(g, off, s, umin(round8(n->b->type.size), round8(size)));
		GOTO(g, l1);
		place(g, l0);
		s = gen__str(g, n->c);
		gen__copy(g, off, s, umin(round8(n->c->type.size), round8(size)));
		place(g, l1);
		return off;
	case LANG_MAP: {
		int key = gen__key(g, n);

		l0 = label(g);
		gen__map_fd(g, R1, n->map->id);
		emit(g, MOV64_REG(R2, FP));
		emit(g, ALU64_IMM(BPF_ADD, R2, key));
		emit(g, CALL(BPF_FUNC_map_lookup_elem));
		JK(g, BPF_JEQ, R0, 0, l0);
		for (unsigned i = 0; i + 8 <= size; i += 8) {
			emit(g, LDX(BPF_DW, R1, R0, i));
			emit(g, STX(BPF_DW, FP, R1, off + i));
		}
		for (unsigned i = size & ~7u; i < size; i++) {
			emit(g, LDX(BPF_B, R1, R0, i));
			emit(g, STX(BPF_B, FP, R1, off + i));
		}
		place(g, l0);
		return off;
	}
	default: break;
	}
	gen__unsupported(g, n, n->kind == LANG_CALL || n->kind == LANG_IDENT ? n->name
									     : "this string expression");
	return off;
}
