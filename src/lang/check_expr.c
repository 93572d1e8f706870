// SPDX-License-Identifier: Apache-2.0
/* Expressions: each node's type, bpftrace 0.17's rules. Integers load as
 * 64 bits; a result is signed when both operands are; pointers take only
 * + and - with an integer; strings compare with == and != only. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "lib/suggest.h"
#include "lang/check_int.h"

#define LOC(l) (l).line, (l).col

static const struct {
	const char *name;
	unsigned size;
	bool is_signed;
} ints[] = {
	{ "char", 1, true },	       { "signed char", 1, true },	{ "unsigned char", 1, false },
	{ "short", 2, true },	       { "unsigned short", 2, false },	{ "int", 4, true },
	{ "signed", 4, true },	       { "unsigned", 4, false },	{ "unsigned int", 4, false },
	{ "long", 8, true },	       { "unsigned long", 8, false },	{ "long long", 8, true },
	{ "unsigned long long", 8, false }, { "bool", 1, false },	{ "_Bool", 1, false },
	{ "int8", 1, true },	       { "int16", 2, true },		{ "int32", 4, true },
	{ "int64", 8, true },	       { "uint8", 1, false },		{ "uint16", 2, false },
	{ "uint32", 4, false },	       { "uint64", 8, false },		{ "u8", 1, false },
	{ "u16", 2, false },	       { "u32", 4, false },		{ "u64", 8, false },
	{ "s8", 1, true },	       { "s16", 2, true },		{ "s32", 4, true },
	{ "s64", 8, true },	       { "__u8", 1, false },		{ "__u16", 2, false },
	{ "__u32", 4, false },	       { "__u64", 8, false },		{ "__s8", 1, true },
	{ "__s16", 2, true },	       { "__s32", 4, true },		{ "__s64", 8, true },
	{ "pid_t", 4, true },	       { "uid_t", 4, false },		{ "gid_t", 4, false },
	{ "size_t", 8, false },	       { "ssize_t", 8, true },		{ "loff_t", 8, true },
	{ "umode_t", 2, false },       { "dev_t", 4, false },
};

int check__int_type(const char *text, struct lang_type *t)
{
	if (!strncmp(text, "const ", 6))
		text += 6;
	if (!strncmp(text, "volatile ", 9))
		text += 9;
	for (size_t i = 0; i < sizeof(ints) / sizeof(ints[0]); i++)
		if (!strcmp(text, ints[i].name)) {
			*t = type_int(ints[i].size, ints[i].is_signed);
			return 0;
		}
	return -1;
}

/* What a C type text denotes ("u32", "struct sock *"): a type a value of
 * it reads as, or -1 for a type only BTF knows (a struct by value). */
static int text_type(struct checker *c, const char *text, struct lang_type *t)
{
	size_t n = strlen(text);

	if (n > 2 && text[n - 1] == '*') {
		char *p = check__alloc(c, n);

		if (!p)
			return -1;
		memcpy(p, text, n - 1);
		p[n - 1] = '\0';
		while (n > 1 && p[n - 2] == ' ')
			p[--n - 1] = '\0';
		*t = (struct lang_type){ .kind = LANG_T_PTR, .size = 8, .pointee = p };
		return 0;
	}
	return check__int_type(text, t);
}

/* ---- field access ---- */

/* args->NAME: the field in every tracepoint of the probe. */
static int args_field(struct checker *c, struct lang_node *n)
{
	const struct lang_tp_field *first = NULL;
	const struct lang_tp_ref *first_ref = NULL;
	const char *cands[LANG_TP_FIELDS_MAX];

	for (struct lang_attach *a = c->probe->attach; a; a = a->next)
		for (struct lang_tp_ref *r = a->tps; r; r = r->next) {
			const struct lang_tp_field *f = lang_tp__field(r->fmt, n->name);

			if (!f) {
				const char *near;
				size_t k = 0;

				for (unsigned i = 0; i < r->fmt->nfields; i++)
					if (!r->fmt->fields[i].common)
						cands[k++] = r->fmt->fields[i].name;
				near = suggest__nearest(n->name, cands, k);
				if (c->probe->nattach > 1 || a->ntps > 1)
					return check__error(
						c, n->loc, n->len + 2,
						"tracepoint %s:%s has no field '%s'%s%s%s: args "
						"fields must exist in every tracepoint of the probe",
						r->cat, r->name, n->name, near ? " (did you mean '" : "",
						near ? near : "", near ? "'?)" : "");
				return check__error(c, n->loc, n->len + 2,
						    "tracepoint %s:%s has no field '%s'%s%s%s", r->cat,
						    r->name, n->name, near ? " (did you mean '" : "",
						    near ? near : "", near ? "'?)" : "");
			}
			if (!first) {
				first = f;
				first_ref = r;
				n->field_off = f->offset;
				n->field_size = f->size;
				n->data_loc = f->data_loc;
				continue;
			}
			if (f->cls != first->cls)
				return check__error(c, n->loc, n->len + 2,
						    "args->%s is '%s' in %s:%s but '%s' in %s:%s",
						    n->name, first->type, first_ref->cat,
						    first_ref->name, f->type, r->cat, r->name);
			if (f->offset != first->offset || f->size != first->size)
				n->field_off = LANG_FIELD_VARIES;
			if (f->size > n->field_size)
				n->field_size = f->size;
		}
	if (!first)
		return check__error(c, n->loc, n->len, "args has no fields here");
	switch (first->cls) {
	case LANG_TP_INT: n->type = type_int(first->size, first->is_signed); break;
	case LANG_TP_PTR:
		if (text_type(c, first->type, &n->type))
			return c->err ? c->err : -EINVAL;
		/* syscall arguments point to user memory: str() reads them so */
		n->type.user = !strcmp(first_ref->cat, "syscalls");
		break;
	case LANG_TP_STRING:
		/* a __data_loc string: its bytes are the kernel's, at most 64 read */
		n->type = type_str(first->data_loc ? 64 : n->field_size);
		break;
	case LANG_TP_ARRAY:
		n->type = (struct lang_type){ .kind = LANG_T_ARRAY, .size = n->field_size,
					      .array_len = first->array_len,
					      .elem_size = first->elem_size,
					      .is_signed = first->is_signed };
		if (!first->array_len)
			return check__error(c, n->loc, n->len, "args->%s is a flexible array: it cannot be read",
					    n->name);
		break;
	default:
		return check__error(c, n->loc, n->len, "args->%s is '%s', which cannot be read yet",
				    n->name, first->type);
	}
	return 0;
}

/* A member of a struct the script defines: laid out as C would, for the
 * plain members (integers and pointers) such definitions hold. */
static int script_field(struct checker *c, const struct lang_struct *st, struct lang_node *n)
{
	unsigned off = 0;

	for (const struct lang_field *f = st->simple ? st->fields : NULL; f; f = f->next) {
		struct lang_type t;
		unsigned size;

		if (text_type(c, f->type, &t))
			return check__error(c, n->loc, n->len,
					    "%s %s: member '%s' of type '%s' needs BTF to be laid out",
					    st->is_union ? "union" : "struct", st->name, f->name, f->type);
		size = t.size;
		if (!st->is_union)
			off = (off + size - 1) / size * size;
		if (!strcmp(f->name, n->name)) {
			n->type = t;
			n->field_off = st->is_union ? 0 : off;
			n->field_size = size;
			return 0;
		}
		if (!st->is_union)
			off += size;
	}
	return check__error(c, n->loc, n->len, "%s %s has no member '%s'%s",
			    st->is_union ? "union" : "struct", st->name, n->name,
			    st->simple ? "" : " (its definition needs BTF to be read)");
}

static const struct lang_struct *script_struct(struct checker *c, const char *type)
{
	for (const struct lang_struct *s = c->prog->structs; s; s = s->next) {
		size_t k = s->is_union ? 6 : 7;

		if (!strncmp(type, s->is_union ? "union " : "struct ", k) && !strcmp(type + k, s->name))
			return s;
	}
	return NULL;
}

static int check_field(struct checker *c, struct lang_node *n)
{
	struct lang_node *a = n->a;
	const struct lang_struct *st;
	const char *pt;
	unsigned off = 0;
	int err;

	if (a->kind == LANG_IDENT && !strcmp(a->name, "args")) {
		if ((err = check__ident(c, a)))
			return err;
		if (a->type.kind == LANG_T_RECORD)
			return args_field(c, n);
	} else if ((err = check__expr(c, a))) {
		return err;
	}
	if (a->type.kind != LANG_T_PTR || !a->type.pointee)
		return check__error(c, n->loc, n->len + 2, "'%s%s' on %s: only a pointer to a struct has fields",
				    lex__spell(n->op), n->name, check__what(&a->type));
	pt = a->type.pointee;
	if (!strncmp(pt, "const ", 6))
		pt += 6;
	if ((st = script_struct(c, pt)))
		return script_field(c, st, n);
	if (!c->env->btf_field)
		return check__error(c, n->loc, n->len + 2,
				    "reading %s's field '%s' needs BTF, which is not available "
				    "here; tracepoint fields (args->NAME) need none",
				    pt, n->name);
	if (c->env->btf_field(c->env->ctx, pt, n->name, &n->type, &off))
		return check__error(c, n->loc, n->len + 2, "%s has no field '%s'", pt, n->name);
	n->field_off = off;
	n->field_size = n->type.size;
	return 0;
}

/* ---- the other expressions ---- */

static int check_index(struct checker *c, struct lang_node *n)
{
	struct lang_type *t = &n->a->type;
	int err;

	if ((err = check__expr(c, n->a)) || (err = check__expr(c, n->b)))
		return err;
	if (!is_int(&n->b->type))
		return check__error(c, n->b->loc, 1, "an index must be an integer, not %s",
				    check__what(&n->b->type));
	if (t->kind == LANG_T_ARRAY) {
		if (n->b->kind == LANG_INT && n->b->num >= t->array_len)
			return check__error(c, n->b->loc, 1, "index %llu is past the end of an array of %u",
					    (unsigned long long)n->b->num, t->array_len);
		n->type = type_int(t->elem_size, t->is_signed);
		return 0;
	}
	if (t->kind == LANG_T_PTR && t->pointee) {
		if (text_type(c, t->pointee, &n->type))
			return check__error(c, n->loc, 1, "cannot index a pointer to '%s'", t->pointee);
		n->type.user = t->user;
		return 0;
	}
	return check__error(c, n->loc, 1, "only arrays and pointers can be indexed, not %s",
			    check__what(t));
}

static int check_cast(struct checker *c, struct lang_node *n)
{
	const char *ty = n->name;
	int err = check__expr(c, n->a);

	if (err)
		return err;
	if (!is_int(&n->a->type) && n->a->type.kind != LANG_T_PTR)
		return check__error(c, n->loc, 1, "cannot cast %s to '%s'", check__what(&n->a->type), ty);
	if (text_type(c, ty, &n->type)) {
		if (c->err)
			return c->err;
		return check__error(c, n->loc, 1, "cannot cast to '%s': only to integers and pointers",
				    ty);
	}
	if (n->type.kind == LANG_T_PTR) {
		const char *base = n->type.pointee;
		struct lang_type dummy;
		unsigned off;

		while (!strncmp(base, "const ", 6))
			base += 6;
		if ((!strncmp(base, "struct ", 7) || !strncmp(base, "union ", 6)) && !strchr(base, '*') &&
		    !script_struct(c, base) &&
		    (!c->env->btf_field || c->env->btf_field(c->env->ctx, base, NULL, &dummy, &off)))
			return check__error(c, n->loc, 1, "unknown type '%s'%s", base,
					    c->env->btf_field ? ""
							      : ": define it in the script, or "
								"use a kernel with BTF");
		n->type.user = n->a->type.user;
	}
	return 0;
}

static int check_unary(struct checker *c, struct lang_node *n)
{
	struct lang_type *t = &n->a->type;
	int err = check__expr(c, n->a);

	if (err)
		return err;
	switch (n->op) {
	case LT_BANG:
		if (!is_cond(t))
			break;
		n->type = type_int(8, false);
		return 0;
	case LT_MINUS:
	case LT_TILDE:
		if (!is_int(t))
			break;
		n->type = type_int(8, n->op == LT_MINUS || t->is_signed);
		return 0;
	case LT_STAR:
		if (t->kind != LANG_T_PTR || !t->pointee)
			break;
		if (text_type(c, t->pointee, &n->type))
			return check__error(c, n->loc, 1,
					    "cannot dereference a pointer to '%s' (read a field with ->)",
					    t->pointee);
		n->type.user = t->user;
		return 0;
	default:
		return check__error(c, n->loc, 1, "'%s' (address of) is not supported",
				    lex__spell(n->op));
	}
	return check__error(c, n->loc, 1, "'%s' does not apply to %s", lex__spell(n->op),
			    check__what(t));
}

static bool is_cmp(enum lang_tok_kind op)
{
	return op == LT_EQ || op == LT_NE || op == LT_LT || op == LT_LE || op == LT_GT ||
	       op == LT_GE;
}

static int check_binary(struct checker *c, struct lang_node *n)
{
	struct lang_type *l = &n->a->type, *r = &n->b->type;
	enum lang_tok_kind op = n->op;
	int err;

	if ((err = check__expr(c, n->a)) || (err = check__expr(c, n->b)))
		return err;
	if (l->kind == LANG_T_STRING || r->kind == LANG_T_STRING) {
		if (l->kind != r->kind && is_cmp(op))
			return check__error(c, n->loc, 2, "cannot compare %s with %s", check__what(l),
					    check__what(r));
		if (!is_cmp(op))
			return check__error(c, n->loc, 2, "'%s' needs integers, not %s",
					    lex__spell(op), check__what(l->kind == LANG_T_STRING ? l : r));
		if (op != LT_EQ && op != LT_NE)
			return check__error(c, n->loc, 2,
					    "strings compare with == and != only, not '%s'",
					    lex__spell(op));
		n->type = type_int(8, false);
		return 0;
	}
	if (op == LT_LAND || op == LT_LOR) {
		if (!is_cond(l) || !is_cond(r))
			return check__error(c, n->loc, 2, "'%s' needs integers, not %s",
					    lex__spell(op), check__what(is_cond(l) ? r : l));
		n->type = type_int(8, false);
		return 0;
	}
	if (l->kind == LANG_T_PTR || r->kind == LANG_T_PTR) {
		if (is_cmp(op) && is_cond(l) && is_cond(r)) {
			n->type = type_int(8, false);
			return 0;
		}
		if ((op == LT_PLUS && (is_int(l) || is_int(r))) || (op == LT_MINUS && is_int(r))) {
			n->type = l->kind == LANG_T_PTR ? *l : *r;
			return 0;
		}
		return check__error(c, n->loc, 2,
				    "pointer arithmetic is '+' or '-' with an integer, not %s '%s' %s",
				    check__what(l), lex__spell(op), check__what(r));
	}
	if (!is_int(l) || !is_int(r))
		return check__error(c, n->loc, 2, "'%s' needs integers, not %s", lex__spell(op),
				    check__what(is_int(l) ? r : l));
	n->type = type_int(8, !is_cmp(op) && l->is_signed && r->is_signed);
	return 0;
}

static int check_ternary(struct checker *c, struct lang_node *n)
{
	struct lang_type *b = &n->b->type, *e = &n->c->type;
	int err;

	if ((err = check__expr(c, n->a)) || (err = check__expr(c, n->b)) ||
	    (err = check__expr(c, n->c)))
		return err;
	if (!is_cond(&n->a->type))
		return check__error(c, n->a->loc, 1, "the condition of '?:' must be an integer, not %s",
				    check__what(&n->a->type));
	if (b->kind != e->kind || (b->kind != LANG_T_INT && b->kind != LANG_T_STRING &&
				   b->kind != LANG_T_PTR))
		return check__error(c, n->loc, 1,
				    "the branches of '?:' must have one type: %s and %s",
				    check__what(b), check__what(e));
	n->type = *b;
	if (b->kind == LANG_T_INT)
		n->type = type_int(8, b->is_signed && e->is_signed);
	else if (e->size > b->size)
		n->type.size = e->size;
	return 0;
}

int check__expr(struct checker *c, struct lang_node *n)
{
	n->type = (struct lang_type){ 0 };
	switch (n->kind) {
	case LANG_INT: n->type = type_int(8, true); return 0;
	case LANG_STR: n->type = type_str(n->len + 1); return 0;
	case LANG_PARAM: n->type = type_int(8, true); return 0;
	case LANG_VAR: return check__var_read(c, n);
	case LANG_MAP: return check__map_read(c, n);
	case LANG_IDENT: return check__ident(c, n);
	case LANG_CALL: return check__call(c, n, false);
	case LANG_FIELD: return check_field(c, n);
	case LANG_INDEX: return check_index(c, n);
	case LANG_CAST: return check_cast(c, n);
	case LANG_UNARY: return check_unary(c, n);
	case LANG_INCDEC: return check__incdec(c, n);
	case LANG_BINARY: return check_binary(c, n);
	case LANG_TERNARY: return check_ternary(c, n);
	case LANG_TYPE:
		return check__error(c, n->loc, n->len, "a type ('%s') is not a value here; sizeof(%s) is",
				    n->name, n->name);
	default: return check__error(c, n->loc, 1, "not an expression");
	}
}
