// SPDX-License-Identifier: Apache-2.0
/* The code generator's probes and statements: map layouts, the program
 * frame (ctx in R6, variables, the predicate, one exit returning 0),
 * statements, map updates and aggregations. Records for the ring buffer
 * are gen_rec.c's, expressions gen_expr.c's. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lang/builtins.h"
#include "lang/gen_int.h"
#include "lang/print.h"

#define MOV64_IMM INSN_MOV64_IMM
#define MOV64_REG INSN_MOV64_REG
#define ALU64_IMM INSN_ALU64_IMM
#define ALU64_REG INSN_ALU64_REG
#define LDX	  INSN_LDX
#define STX	  INSN_STX
#define ST_IMM	  INSN_ST_IMM
#define CALL	  INSN_CALL

/* Values up to this size are zeroed on the stack before their first
 * insert; bigger ones (hist, lhist) in a ring buffer reservation. */
#define STACK_VALUE_MAX 64

/* ---- layouts ---- */

static void layout_one(const struct lang_map *m, struct lang_map_layout *l)
{
	memset(l, 0, sizeof(*l));
	l->type = BPF_MAP_TYPE_PERCPU_HASH;
	l->max_entries = LANG_MAP_ENTRIES;
	for (unsigned i = 0; i < m->nkeys && i < LANG_MAP_KEYS_MAX; i++) {
		l->key_off[i] = l->key_size;
		l->key_size += m->keys[i].kind == LANG_T_STRING ? m->keys[i].size : 8;
	}
	if (!m->nkeys)
		l->key_size = 8;
	switch (m->kind) {
	case LANG_MV_COUNT:
	case LANG_MV_SUM: l->value_size = 8; break;
	case LANG_MV_MIN:
	case LANG_MV_MAX:
	case LANG_MV_AVG:
	case LANG_MV_STATS: l->value_size = 16; break;
	case LANG_MV_HIST: l->nbuckets = LANG_HIST_BUCKETS; break;
	case LANG_MV_LHIST:
		l->nbuckets = (m->lhist_max - m->lhist_min) / m->lhist_step + 2;
		break;
	default:
		l->type = BPF_MAP_TYPE_HASH;
		l->value_size = m->value.kind == LANG_T_STRING ? m->value.size : 8;
		break;
	}
	if (l->nbuckets)
		l->value_size = 8 * l->nbuckets;
}

void lang_gen__layout(const struct lang_program *prog, struct lang_map_layout *out)
{
	for (const struct lang_map *m = prog->maps; m; m = m->next)
		layout_one(m, &out[m->id]);
}

enum bpf_prog_type lang_gen__prog_type(const struct lang_attach *a)
{
	static const struct {
		const char *type;
		enum bpf_prog_type prog;
	} types[] = {
		{ "BEGIN", BPF_PROG_TYPE_RAW_TRACEPOINT },
		{ "END", BPF_PROG_TYPE_RAW_TRACEPOINT },
		{ "rawtracepoint", BPF_PROG_TYPE_RAW_TRACEPOINT },
		{ "tracepoint", BPF_PROG_TYPE_TRACEPOINT },
		{ "profile", BPF_PROG_TYPE_PERF_EVENT },
		{ "interval", BPF_PROG_TYPE_PERF_EVENT },
		{ "software", BPF_PROG_TYPE_PERF_EVENT },
		{ "hardware", BPF_PROG_TYPE_PERF_EVENT },
		{ "uprobe", BPF_PROG_TYPE_KPROBE },
		{ "uretprobe", BPF_PROG_TYPE_KPROBE },
		{ "kprobe", BPF_PROG_TYPE_KPROBE },
		{ "kretprobe", BPF_PROG_TYPE_KPROBE },
	};

	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (!strcmp(a->type, types[i].type))
			return types[i].prog;
	return BPF_PROG_TYPE_UNSPEC;
}

/* ---- shared pieces ---- */

int gen__error(struct gen *g, struct lang_loc loc, const char *fmt, ...)
{
	va_list ap;
	size_t k;

	if (g->err)
		return g->err;
	g->err = -EINVAL;
	if (!g->errbuf || !g->errsz)
		return g->err;
	k = snprintf(g->errbuf, g->errsz, "%s:%u:%u: error: ", g->prog->file ? g->prog->file : "<program>",
		     loc.line, loc.col);
	if (k < g->errsz) {
		va_start(ap, fmt);
		vsnprintf(g->errbuf + k, g->errsz - k, fmt, ap);
		va_end(ap);
	}
	return g->err;
}

int gen__unsupported(struct gen *g, const struct lang_node *n, const char *name)
{
	return gen__error(g, n->loc, "'%s' is not supported by sonde's code generator yet", name);
}

int gen__alloc(struct gen *g, unsigned size)
{
	size = round8(size ? size : 8);
	if (g->sp + size > GEN_STACK_MAX) {
		gen__error(g, g->stmt,
			   "needs more than %d bytes of stack: make strings shorter (str(x, 32))",
			   GEN_STACK_MAX);
		return -8;
	}
	g->sp += size;
	return -g->sp;
}

void gen__zero(struct gen *g, int off, unsigned size)
{
	for (unsigned i = 0; i < size; i += 8)
		emit(g, ST_IMM(BPF_DW, FP, off + i, 0));
}

void gen__copy(struct gen *g, int dst, int src, unsigned n)
{
	for (unsigned i = 0; i < n;) {
		unsigned w = 8;

		while (w > 1 && (((dst + i) | (src + i)) & (w - 1) || n - i < w))
			w /= 2;
		emit(g, LDX(w == 8 ? BPF_DW : w == 4 ? BPF_W : w == 2 ? BPF_H : BPF_B, R1, FP, src + i));
		emit(g, STX(w == 8 ? BPF_DW : w == 4 ? BPF_W : w == 2 ? BPF_H : BPF_B, FP, R1, dst + i));
		i += w;
	}
}

void gen__map_fd(struct gen *g, int dst, unsigned id)
{
	insn_buf__ld64(&g->b, dst, BPF_PSEUDO_MAP_FD, (uint32_t)g->ctx->map_fds[id]);
}

int gen__key(struct gen *g, const struct lang_node *n)
{
	const struct lang_map *m = n->map;
	struct lang_map_layout l;
	const struct lang_node *k = n->kids;
	int key;

	layout_one(m, &l);
	key = gen__alloc(g, l.key_size);
	gen__zero(g, key, round8(l.key_size));
	for (unsigned i = 0; i < m->nkeys && k && !g->err; i++, k = k->next) {
		int at = key + l.key_off[i];

		if (k->type.kind == LANG_T_STRING) {
			unsigned ks = m->keys[i].size, sz = k->type.size < ks ? k->type.size : ks;
			int s = gen__str(g, k);

			gen__copy(g, at, s, sz);
			if (k->type.size > ks)
				emit(g, ST_IMM(BPF_B, FP, at + ks - 1, 0));
		} else if (k->type.kind == LANG_T_INT || k->type.kind == LANG_T_PTR) {
			gen__expr(g, k);
			if (!(at & 7)) {
				emit(g, STX(BPF_DW, FP, R0, at));
			} else {
				int t = gen__alloc(g, 8);

				emit(g, STX(BPF_DW, FP, R0, t));
				gen__copy(g, at, t, 8);
			}
		} else {
			gen__unsupported(g, k, k->kind == LANG_IDENT || k->kind == LANG_CALL
						       ? k->name : "a map key of this type");
		}
	}
	return key;
}

/* R(r) = FP + off */
static void fp_ptr(struct gen *g, int r, int off)
{
	emit(g, MOV64_REG(r, FP));
	emit(g, ALU64_IMM(BPF_ADD, r, off));
}

static void map_update(struct gen *g, unsigned id, int key, int val, int flags)
{
	gen__map_fd(g, R1, id);
	fp_ptr(g, R2, key);
	fp_ptr(g, R3, val);
	emit(g, MOV64_IMM(R4, flags));
	emit(g, CALL(BPF_FUNC_map_update_elem));
}

static void map_lookup(struct gen *g, unsigned id, int key)
{
	gen__map_fd(g, R1, id);
	fp_ptr(g, R2, key);
	emit(g, CALL(BPF_FUNC_map_lookup_elem));
}

/* ---- aggregations ---- */

/* R1 = hist bucket of R0, as lang_hist__bucket(): 2 + floor(log2(v)) by
 * a binary search of shifts. */
static void hist_bucket(struct gen *g)
{
	int neg = label(g), zero = label(g), out = label(g);

	JK(g, BPF_JSLT, R0, 0, neg);
	JK(g, BPF_JEQ, R0, 0, zero);
	emit(g, MOV64_IMM(R1, 2));
	for (int s = 32; s >= 1; s /= 2) {
		int skip = label(g);

		emit(g, MOV64_REG(R2, R0));
		emit(g, ALU64_IMM(BPF_RSH, R2, s));
		JK(g, BPF_JEQ, R2, 0, skip);
		emit(g, MOV64_REG(R0, R2));
		emit(g, ALU64_IMM(BPF_ADD, R1, s));
		place(g, skip);
	}
	GOTO(g, out);
	place(g, neg);
	emit(g, MOV64_IMM(R1, 0));
	GOTO(g, out);
	place(g, zero);
	emit(g, MOV64_IMM(R1, 1));
	place(g, out);
}

/* R1 = lhist bucket of R0: [0] below min, [1 + (v - min) / step], [n + 1] from max on. */
static void lhist_bucket(struct gen *g, const struct lang_map *m, unsigned nb)
{
	int below = label(g), above = label(g), out = label(g);

	gen__ld_imm(g, R2, m->lhist_min);
	JX(g, BPF_JSLT, R0, R2, below);
	gen__ld_imm(g, R3, m->lhist_max);
	JX(g, BPF_JSGE, R0, R3, above);
	emit(g, ALU64_REG(BPF_SUB, R0, R2));
	gen__ld_imm(g, R3, m->lhist_step);
	emit(g, ALU64_REG(BPF_DIV, R0, R3));
	emit(g, MOV64_REG(R1, R0));
	emit(g, ALU64_IMM(BPF_ADD, R1, 1));
	GOTO(g, out);
	place(g, below);
	emit(g, MOV64_IMM(R1, 0));
	GOTO(g, out);
	place(g, above);
	emit(g, MOV64_IMM(R1, nb - 1));
	place(g, out);
}

/* R0 = the element of key in per-CPU map id, inserted zeroed when absent;
 * to done when even that fails (the map is full). */
static void lookup_or_init(struct gen *g, unsigned id, int key, unsigned vsize, int done)
{
	int have = label(g), again = label(g);

	map_lookup(g, id, key);
	JK(g, BPF_JNE, R0, 0, have);
	if (vsize <= STACK_VALUE_MAX) {
		int z = gen__alloc(g, vsize);

		gen__zero(g, z, round8(vsize));
		map_update(g, id, key, z, BPF_NOEXIST);
	} else {
		/* too big for the stack: zero a ring buffer reservation,
		 * insert from it and give it back */
		insn_buf__ld64(&g->b, R1, BPF_PSEUDO_MAP_FD, (uint32_t)g->ctx->rb_fd);
		emit(g, MOV64_IMM(R2, vsize));
		emit(g, MOV64_IMM(R3, 0));
		emit(g, CALL(BPF_FUNC_ringbuf_reserve));
		JK(g, BPF_JEQ, R0, 0, again);
		emit(g, MOV64_REG(R7, R0));
		for (unsigned i = 0; i < vsize; i += 8)
			emit(g, ST_IMM(BPF_DW, R7, i, 0));
		gen__map_fd(g, R1, id);
		fp_ptr(g, R2, key);
		emit(g, MOV64_REG(R3, R7));
		emit(g, MOV64_IMM(R4, BPF_NOEXIST));
		emit(g, CALL(BPF_FUNC_map_update_elem));
		emit(g, MOV64_REG(R1, R7));
		emit(g, MOV64_IMM(R2, 0));
		emit(g, CALL(BPF_FUNC_ringbuf_discard));
	}
	place(g, again);
	map_lookup(g, id, key);
	JK(g, BPF_JEQ, R0, 0, done);
	place(g, have);
}

static void aggregate(struct gen *g, const struct lang_node *lhs, const struct lang_node *call)
{
	const struct lang_map *m = lhs->map;
	struct lang_map_layout l;
	int v = gen__alloc(g, 8), key, done = label(g), skip;

	layout_one(m, &l);
	if (call->id != F_COUNT) {
		gen__expr(g, call->kids);
		if (call->id == F_HIST)
			hist_bucket(g);
		else if (call->id == F_LHIST)
			lhist_bucket(g, m, l.nbuckets);
		emit(g, STX(BPF_DW, FP, call->id == F_HIST || call->id == F_LHIST ? R1 : R0, v));
	}
	key = gen__key(g, lhs);
	lookup_or_init(g, m->id, key, l.value_size, done);
	/* R0: this CPU's value, updated in place */
	switch (call->id) {
	case F_COUNT:
		emit(g, LDX(BPF_DW, R1, R0, 0));
		emit(g, ALU64_IMM(BPF_ADD, R1, 1));
		emit(g, STX(BPF_DW, R0, R1, 0));
		break;
	case F_SUM:
	case F_AVG:
	case F_STATS:
		emit(g, LDX(BPF_DW, R1, FP, v));
		emit(g, LDX(BPF_DW, R2, R0, 0));
		emit(g, ALU64_REG(BPF_ADD, R2, R1));
		emit(g, STX(BPF_DW, R0, R2, 0));
		if (call->id == F_SUM)
			break;
		emit(g, LDX(BPF_DW, R2, R0, 8));
		emit(g, ALU64_IMM(BPF_ADD, R2, 1));
		emit(g, STX(BPF_DW, R0, R2, 8));
		break;
	case F_MIN:
	case F_MAX:
		skip = label(g);
		emit(g, LDX(BPF_DW, R1, FP, v));
		emit(g, LDX(BPF_DW, R2, R0, 8));
		{
			int set = label(g);

			JK(g, BPF_JEQ, R2, 0, set);
			emit(g, LDX(BPF_DW, R3, R0, 0));
			JX(g, call->id == F_MIN ? BPF_JSGE : BPF_JSLE, R1, R3, done);
			place(g, set);
		}
		emit(g, STX(BPF_DW, R0, R1, 0));
		emit(g, ST_IMM(BPF_DW, R0, 8, 1));
		place(g, skip);
		break;
	case F_HIST:
	case F_LHIST:
		skip = label(g);
		emit(g, LDX(BPF_DW, R1, FP, v));
		/* bounded for the verifier, whatever the bucket math says */
		JK(g, BPF_JLE, R1, l.nbuckets - 1, skip);
		emit(g, MOV64_IMM(R1, l.nbuckets - 1));
		place(g, skip);
		emit(g, ALU64_IMM(BPF_LSH, R1, 3));
		emit(g, ALU64_REG(BPF_ADD, R0, R1));
		emit(g, LDX(BPF_DW, R1, R0, 0));
		emit(g, ALU64_IMM(BPF_ADD, R1, 1));
		emit(g, STX(BPF_DW, R0, R1, 0));
		break;
	default: gen__unsupported(g, call, call->name);
	}
	place(g, done);
}

/* ---- assignments ---- */

static enum lang_tok_kind compound_op(enum lang_tok_kind op)
{
	switch (op) {
	case LT_ADD_ASSIGN: return LT_PLUS;
	case LT_SUB_ASSIGN: return LT_MINUS;
	case LT_MUL_ASSIGN: return LT_STAR;
	case LT_DIV_ASSIGN: return LT_SLASH;
	case LT_MOD_ASSIGN: return LT_PERCENT;
	case LT_AND_ASSIGN: return LT_AMP;
	case LT_OR_ASSIGN: return LT_PIPE;
	case LT_XOR_ASSIGN: return LT_CARET;
	case LT_SHL_ASSIGN: return LT_SHL;
	default: return LT_SHR;
	}
}

static void assign_var(struct gen *g, const struct lang_node *n)
{
	const struct lang_node *lhs = n->a, *rhs = n->b;
	int off = g->var_off[lhs->id];

	if (lhs->type.kind == LANG_T_STRING) {
		int s = gen__str(g, rhs);
		unsigned vs = round8(lhs->type.size), rs = round8(rhs->type.size);

		if (s == off)
			return;
		if (rs < vs)
			gen__zero(g, off, vs);
		gen__copy(g, off, s, rs < vs ? rs : vs);
		return;
	}
	if (lhs->type.kind != LANG_T_INT && lhs->type.kind != LANG_T_PTR) {
		gen__unsupported(g, rhs, "a variable of this type");
		return;
	}
	gen__expr(g, rhs);
	if (n->op != LT_ASSIGN) {
		emit(g, MOV64_REG(R1, R0));
		emit(g, LDX(BPF_DW, R0, FP, off));
		gen__binop(g, n, compound_op(n->op), lhs->type.is_signed && rhs->type.is_signed);
	}
	emit(g, STX(BPF_DW, FP, R0, off));
}

static void assign_map(struct gen *g, const struct lang_node *n)
{
	const struct lang_node *lhs = n->a, *rhs = n->b;
	const struct lang_map *m = lhs->map;
	int val, key;

	if (rhs->kind == LANG_CALL && rhs->type.kind == LANG_T_AGG) {
		aggregate(g, lhs, rhs);
		return;
	}
	if (m->value.kind == LANG_T_STRING) {
		int s = gen__str(g, rhs);
		unsigned vs = round8(m->value.size), rs = round8(rhs->type.size);

		val = gen__alloc(g, vs);
		gen__zero(g, val, vs);
		gen__copy(g, val, s, rs < vs ? rs : vs);
	} else if (m->value.kind == LANG_T_INT || m->value.kind == LANG_T_PTR) {
		val = gen__alloc(g, 8);
		gen__expr(g, rhs);
		emit(g, STX(BPF_DW, FP, R0, val));
	} else {
		gen__unsupported(g, rhs, "a map value of this type");
		return;
	}
	key = gen__key(g, lhs);
	if (n->op != LT_ASSIGN) {
		int l = label(g);

		map_lookup(g, m->id, key);
		JK(g, BPF_JEQ, R0, 0, l);
		emit(g, LDX(BPF_DW, R0, R0, 0));
		place(g, l);
		emit(g, LDX(BPF_DW, R1, FP, val));
		gen__binop(g, n, compound_op(n->op), m->value.is_signed && rhs->type.is_signed);
		emit(g, STX(BPF_DW, FP, R0, val));
	}
	map_update(g, m->id, key, val, BPF_ANY);
}

/* ---- statements ---- */

static void block(struct gen *g, const struct lang_node *b);

static void call_stmt(struct gen *g, const struct lang_node *n)
{
	if (gen__rec_call(g, n) > 0)
		return;
	switch (n->id) {
	case F_DELETE: {
		int key = gen__key(g, n->kids);

		gen__map_fd(g, R1, n->kids->map->id);
		fp_ptr(g, R2, key);
		emit(g, CALL(BPF_FUNC_map_delete_elem));
		return;
	}
	case F_STR: gen__str(g, n); return;
	case F_STRNCMP:
	case F_STRCONTAINS:
	case F_SIZEOF: gen__expr(g, n); return;
	default: gen__unsupported(g, n, n->name);
	}
}

static void loop_while(struct gen *g, const struct lang_node *s)
{
	int top = label(g), end = label(g), cnt = gen__alloc(g, 8);
	int brk = g->brk_l, cont = g->cont_l;

	/* a hard cap on iterations, so the verifier sees the loop end */
	emit(g, ST_IMM(BPF_DW, FP, cnt, 0));
	place(g, top);
	emit(g, LDX(BPF_DW, R1, FP, cnt));
	JK(g, BPF_JGE, R1, GEN_WHILE_MAX, end);
	emit(g, ALU64_IMM(BPF_ADD, R1, 1));
	emit(g, STX(BPF_DW, FP, R1, cnt));
	gen__expr(g, s->a);
	JK(g, BPF_JEQ, R0, 0, end);
	g->brk_l = end;
	g->cont_l = top;
	block(g, s->b);
	g->brk_l = brk;
	g->cont_l = cont;
	if (!g->dead)
		GOTO(g, top);
	g->dead = false;
	place(g, end);
}

static void stmt(struct gen *g, const struct lang_node *s)
{
	int sp = g->sp, l0, l1;
	struct lang_loc at = g->stmt;

	if (g->err)
		return;
	g->stmt = s->loc;
	switch (s->kind) {
	case LANG_ASSIGN:
		if (s->a->kind == LANG_VAR)
			assign_var(g, s);
		else
			assign_map(g, s);
		break;
	case LANG_IF: {
		bool dead_then;

		l0 = label(g);
		l1 = label(g);
		gen__expr(g, s->a);
		JK(g, BPF_JEQ, R0, 0, l0);
		block(g, s->b);
		if (!g->dead)
			GOTO(g, l1);
		dead_then = g->dead;
		g->dead = false;
		place(g, l0);
		if (s->c && s->c->kind == LANG_IF)
			stmt(g, s->c);
		else if (s->c)
			block(g, s->c);
		g->dead = g->dead && dead_then;
		place(g, l1);
		break;
	}
	case LANG_UNROLL:
		for (uint64_t i = 0; i < s->num && !g->err && !g->dead; i++)
			block(g, s->b);
		break;
	case LANG_WHILE: loop_while(g, s); break;
	case LANG_RETURN:
		GOTO(g, g->exit_l);
		g->dead = true;
		break;
	case LANG_BREAK:
	case LANG_CONTINUE:
		if (g->brk_l < 0) {
			gen__unsupported(g, s, s->kind == LANG_BREAK ? "break outside while"
								      : "continue outside while");
			break;
		}
		GOTO(g, s->kind == LANG_BREAK ? g->brk_l : g->cont_l);
		g->dead = true;
		break;
	case LANG_BLOCK: block(g, s); break;
	case LANG_CALL: call_stmt(g, s); break;
	default:
		if (s->type.kind == LANG_T_STRING)
			gen__str(g, s);
		else
			gen__expr(g, s);
	}
	g->sp = sp;
	g->stmt = at;
}

static void block(struct gen *g, const struct lang_node *b)
{
	/* nothing after return, break, continue or exit(): the verifier
	 * refuses unreachable instructions */
	for (const struct lang_node *s = b->kids; s && !g->err && !g->dead; s = s->next)
		stmt(g, s);
}

/* ---- the program ---- */

static void frame(struct gen *g)
{
	emit(g, MOV64_REG(R6, R1));
	/* every variable zeroed: the verifier wants its stack initialised */
	for (const struct lang_var *v = g->probe->vars; v && !g->err; v = v->next) {
		unsigned size = v->type.kind == LANG_T_STRING ? round8(v->type.size) : 8;

		g->stmt = v->loc;
		g->var_off[v->id] = gen__alloc(g, size);
		gen__zero(g, g->var_off[v->id], size);
	}
	if (g->probe->pred) {
		g->stmt = g->probe->pred->loc;
		gen__expr(g, g->probe->pred);
		JK(g, BPF_JEQ, R0, 0, g->exit_l);
	}
	g->stmt = g->probe->body->loc;
	block(g, g->probe->body);
	g->dead = false;
	place(g, g->exit_l);
	emit(g, MOV64_IMM(R0, 0));
	emit(g, INSN_EXIT());
}

int lang__gen(const struct lang_program *prog, const struct lang_probe *probe,
	      const struct lang_attach *a, const struct lang_tp_ref *tp, struct lang_gen_ctx *ctx,
	      struct bpf_insn *out, size_t max, char *err, size_t errsz)
{
	struct gen g = { .prog = prog, .probe = probe, .a = a, .ctx = ctx, .errbuf = err,
			 .errsz = errsz, .brk_l = -1, .cont_l = -1 };
	enum bpf_prog_type type = lang_gen__prog_type(a);
	unsigned nprintfs = ctx->nprintfs;
	int ret;

	if (err && errsz)
		err[0] = '\0';
	g.tp = tp ? tp : a->tps;
	g.regs = type == BPF_PROG_TYPE_KPROBE;
	g.rawtp = !strcmp(a->type, "rawtracepoint");
	if (type == BPF_PROG_TYPE_UNSPEC)
		return gen__error(&g, a->loc, "'%s' probes are not supported by sonde's code generator yet",
				  a->type);
	if (insn_buf__init(&g.b, out, max, max < 65536 ? (int)max : 65536))
		return -ENOMEM;
	g.var_off = calloc(probe->nvars ? probe->nvars : 1, sizeof(*g.var_off));
	if (!g.var_off) {
		insn_buf__free(&g.b);
		return -ENOMEM;
	}
	g.exit_l = label(&g);
	frame(&g);
	ret = g.err;
	if (!ret && (ret = insn_buf__resolve(&g.b)) < 0)
		gen__error(&g, probe->loc, "the program needs more than %zu instructions", max);
	free(g.var_off);
	insn_buf__free(&g.b);
	if (ret < 0)
		ctx->nprintfs = nprintfs;
	return ret;
}
