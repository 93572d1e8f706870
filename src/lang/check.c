// SPDX-License-Identifier: Apache-2.0
/* The type checker's driver: probes and what they attach to, statements,
 * variables and maps (expressions are check_expr.c's, builtins and
 * functions builtins.c's). Two passes over the program: the first
 * learns what every map holds, the second checks and reports. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lib/suggest.h"
#include "lang/check_int.h"

#define LOC(l) (l).line, (l).col

int check__error(struct checker *c, struct lang_loc loc, size_t n, const char *fmt, ...)
{
	char msg[768];
	va_list ap;

	if (c->pass1)
		return -EINVAL;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	lang_diag__error(&c->diag, loc, n ? n : 1, "%s", msg);
	if (!c->err)
		c->err = -EINVAL;
	return c->err;
}

void *check__alloc(struct checker *c, size_t size)
{
	void *p = lang_program__alloc(c->prog, size);

	if (!p && !c->err) {
		/* reported in both passes: memory is no pass-1 guess */
		bool quiet = c->pass1;

		c->pass1 = false;
		check__error(c, c->probe ? c->probe->loc : (struct lang_loc){ 0, 1, 1 }, 1,
			     errno == E2BIG ? "program too large to check" : "out of memory");
		c->pass1 = quiet;
		c->err = errno == E2BIG ? -EINVAL : -ENOMEM;
	}
	return p;
}

const char *check__what(const struct lang_type *t)
{
	switch (t->kind) {
	case LANG_T_INT: return "an integer";
	case LANG_T_STRING: return "a string";
	case LANG_T_PTR: return "a pointer";
	case LANG_T_ARRAY: return "an array";
	case LANG_T_BUF: return "a buffer";
	case LANG_T_KSTACK: return "a kstack";
	case LANG_T_USTACK: return "a ustack";
	case LANG_T_KSYM: return "a kernel symbol";
	case LANG_T_USYM: return "a user symbol";
	case LANG_T_INET: return "an address";
	case LANG_T_TIME: return "a time";
	case LANG_T_RECORD: return "a tracepoint record";
	case LANG_T_AGG: return "an aggregation";
	default: return "no value";
	}
}

/* ---- maps ---- */

static const char *const agg_names[] = {
	[LANG_MV_COUNT] = "count", [LANG_MV_SUM] = "sum",     [LANG_MV_AVG] = "avg",
	[LANG_MV_MIN] = "min",	   [LANG_MV_MAX] = "max",     [LANG_MV_STATS] = "stats",
	[LANG_MV_HIST] = "hist",   [LANG_MV_LHIST] = "lhist",
};

enum lang_map_kind check__agg_kind(const struct lang_node *n)
{
	if (n->kind != LANG_CALL)
		return LANG_MV_NONE;
	for (size_t k = LANG_MV_COUNT; k <= LANG_MV_LHIST; k++)
		if (!strcmp(n->name, agg_names[k]))
			return k;
	return LANG_MV_NONE;
}

/* "a count()", "an integer" */
static const char *map_what(const struct lang_map *m, char *b, size_t bsz)
{
	if (m->kind >= LANG_MV_COUNT) {
		snprintf(b, bsz, "%s %s()", m->kind == LANG_MV_AVG ? "an" : "a", agg_names[m->kind]);
		return b;
	}
	return check__what(&m->value);
}

struct lang_map *check__map(struct checker *c, struct lang_node *n)
{
	struct lang_map *m, **tail = &c->prog->maps;

	for (m = c->prog->maps; m; tail = &m->next, m = m->next)
		if (!strcmp(m->name, n->name))
			goto out;
	if (!(m = check__alloc(c, sizeof(*m))))
		return NULL;
	m->name = n->name;
	m->id = c->prog->nmaps++;
	m->loc = n->loc;
	m->nkeys = ~0u; /* no signature yet */
	*tail = m;
out:
	n->map = m;
	n->id = m->id;
	return m;
}

int check__map_keys(struct checker *c, struct lang_node *n)
{
	struct lang_map *m = check__map(c, n);
	struct lang_node *k;
	unsigned i = 0;

	if (!m)
		return c->err;
	if (n->nkids > LANG_MAP_KEYS_MAX)
		return check__error(c, n->loc, n->len, "%s has %u keys; the limit is %d", n->name,
				    n->nkids, LANG_MAP_KEYS_MAX);
	for (k = n->kids; k; k = k->next, i++) {
		struct lang_type t;
		int err = check__expr(c, k);

		if (err)
			return err;
		t = k->type;
		if (t.kind == LANG_T_NONE || t.kind == LANG_T_RECORD || t.kind == LANG_T_AGG)
			return check__error(c, k->loc, 1, "%s cannot be a key of %s",
					    check__what(&t), n->name);
		if (t.kind == LANG_T_INT)
			t = type_int(8, t.is_signed); /* keys are stored 64-bit */
		if (m->nkeys == ~0u)
			continue;
		if (i < m->nkeys && m->keys[i].kind != t.kind)
			return check__error(c, k->loc, 1,
					    "key %u of %s is %s here but %s at %u:%u", i + 1,
					    n->name, check__what(&t), check__what(&m->keys[i]),
					    LOC(m->loc));
		if (i < m->nkeys && t.size > m->keys[i].size)
			m->keys[i].size = t.size; /* strings widen */
	}
	if (m->nkeys == ~0u) {
		m->nkeys = n->nkids;
		m->loc = n->loc;
		i = 0;
		for (k = n->kids; k; k = k->next, i++)
			m->keys[i] = k->type.kind == LANG_T_INT ? type_int(8, k->type.is_signed)
								 : k->type;
	} else if (m->nkeys != n->nkids) {
		return check__error(c, n->loc, n->len,
				    "%s is used with %u key%s here but with %u at %u:%u; a map "
				    "has one key signature",
				    n->name, n->nkids, n->nkids == 1 ? "" : "s", m->nkeys,
				    LOC(m->loc));
	}
	return 0;
}

/* Sets or checks what map m holds: kind, and for plain values their type. */
static int map_define(struct checker *c, struct lang_map *m, const struct lang_node *at,
		      enum lang_map_kind kind, const struct lang_type *t)
{
	char b1[32], b2[32];
	struct lang_map want = { .kind = kind };

	if (t)
		want.value = *t;
	if (m->kind == LANG_MV_NONE) {
		m->kind = kind;
		m->def_loc = at->loc;
		if (kind == LANG_MV_VALUE) {
			m->value = *t;
			if (t->kind == LANG_T_INT)
				m->value = type_int(8, t->is_signed);
		} else {
			m->value = (struct lang_type){ .kind = LANG_T_AGG, .size = 8 };
		}
		return 0;
	}
	if (m->kind == kind && (kind != LANG_MV_VALUE || m->value.kind == t->kind)) {
		if (kind == LANG_MV_VALUE && t->size > m->value.size)
			m->value.size = t->size;
		return 0;
	}
	return check__error(c, at->loc, at->len, "%s was %s at %u:%u; it cannot also be %s",
			    m->name, map_what(m, b1, sizeof(b1)), LOC(m->def_loc),
			    map_what(&want, b2, sizeof(b2)));
}

int check__map_read(struct checker *c, struct lang_node *n)
{
	struct lang_map *m;
	char b[32];
	int err = check__map_keys(c, n);

	if (err)
		return err;
	m = n->map;
	if (m->kind == LANG_MV_NONE) {
		if (c->pass1) {
			n->type = type_int(8, true); /* a guess; the second pass knows */
			return 0;
		}
		return check__error(c, n->loc, n->len, "%s is read here but never assigned",
				    n->name);
	}
	if (m->kind != LANG_MV_VALUE)
		return check__error(c, n->loc, n->len,
				    "%s is %s (at %u:%u): an aggregation is not a value; print(%s) "
				    "shows it",
				    n->name, map_what(m, b, sizeof(b)), LOC(m->def_loc), n->name);
	n->type = m->value;
	return 0;
}

/* ---- variables ---- */

static struct lang_var *var_find(struct checker *c, const char *name)
{
	for (struct lang_var *v = c->probe->vars; v; v = v->next)
		if (!strcmp(v->name, name))
			return v;
	return NULL;
}

int check__var_read(struct checker *c, struct lang_node *n)
{
	struct lang_var *v = var_find(c, n->name);

	if (!v)
		return check__error(c, n->loc, n->len,
				    "%s is read before it is assigned (variables belong to one "
				    "probe; use a @map to share a value)",
				    n->name);
	n->type = v->type;
	n->id = v->id;
	return 0;
}

static int var_assign(struct checker *c, struct lang_node *lhs, const struct lang_node *rhs)
{
	struct lang_var *v = var_find(c, lhs->name), **tail;
	struct lang_type t = rhs->type;

	if (t.kind == LANG_T_INT)
		t = type_int(8, t.is_signed); /* variables are 64-bit */
	if (!v) {
		if (!(v = check__alloc(c, sizeof(*v))))
			return c->err;
		v->name = lhs->name;
		v->id = c->probe->nvars++;
		v->type = t;
		v->loc = lhs->loc;
		for (tail = &c->probe->vars; *tail; tail = &(*tail)->next)
			;
		*tail = v;
	} else if (v->type.kind != t.kind ||
		   (t.kind == LANG_T_PTR && v->type.pointee && t.pointee &&
		    strcmp(v->type.pointee, t.pointee))) {
		return check__error(c, rhs->loc, 1,
				    "%s is %s (assigned at %u:%u); it cannot be assigned %s", lhs->name,
				    check__what(&v->type), LOC(v->loc), check__what(&t));
	} else if (t.size > v->type.size) {
		v->type.size = t.size; /* strings widen to the longest */
	}
	lhs->type = v->type;
	lhs->id = v->id;
	return 0;
}

/* ---- statements ---- */

static int check_block(struct checker *c, struct lang_node *b);

static int no_agg(struct checker *c, const struct lang_node *rhs, const char *where)
{
	if (check__agg_kind(rhs) == LANG_MV_NONE)
		return 0;
	return check__error(c, rhs->loc, rhs->len, "%s() can only be assigned to a map (@m = %s(...))%s",
			    rhs->name, rhs->name, where);
}

static int check_assign(struct checker *c, struct lang_node *n)
{
	struct lang_node *lhs = n->a, *rhs = n->b;
	enum lang_map_kind agg = check__agg_kind(rhs);
	int err;

	if (lhs->kind == LANG_MAP && agg != LANG_MV_NONE) {
		if (n->op != LT_ASSIGN)
			return check__error(c, n->loc, 2, "an aggregation is assigned with '=': %s = %s(...)",
					    lhs->name, rhs->name);
		if ((err = check__map_keys(c, lhs)))
			return err;
		c->agg_ok = true;
		err = check__call(c, rhs, false);
		c->agg_ok = false;
		if (err)
			return err;
		if ((err = map_define(c, lhs->map, rhs, agg, NULL)))
			return err;
		if (agg == LANG_MV_LHIST) {
			int64_t lo = c->lhist[0], hi = c->lhist[1], st = c->lhist[2];
			struct lang_map *m = lhs->map;

			if (m->lhist_step && (m->lhist_min != lo || m->lhist_max != hi ||
					      m->lhist_step != st))
				return check__error(c, rhs->loc, rhs->len,
						    "%s is an lhist(..., %lld, %lld, %lld) at %u:%u; "
						    "its parameters cannot change",
						    m->name, (long long)m->lhist_min,
						    (long long)m->lhist_max, (long long)m->lhist_step,
						    LOC(m->def_loc));
			m->lhist_min = lo;
			m->lhist_max = hi;
			m->lhist_step = st;
		}
		lhs->type = lhs->map->value;
		return 0;
	}
	if ((err = no_agg(c, rhs, "")) || (err = check__expr(c, rhs)))
		return err;
	if (rhs->type.kind == LANG_T_NONE || rhs->type.kind == LANG_T_RECORD ||
	    rhs->type.kind == LANG_T_AGG)
		return check__error(c, rhs->loc, rhs->len ? rhs->len : 1, "%s cannot be assigned%s",
				    rhs->type.kind == LANG_T_NONE && rhs->kind == LANG_CALL
					    ? "this call has no value and"
					    : check__what(&rhs->type),
				    rhs->type.kind == LANG_T_RECORD
					    ? " (read one of its fields: args->NAME)"
					    : "");
	if (n->op != LT_ASSIGN && !is_int(&rhs->type))
		return check__error(c, n->loc, 2, "'%s' needs an integer on its right, not %s",
				    lex__spell(n->op), check__what(&rhs->type));
	if (lhs->kind == LANG_VAR) {
		if (n->op != LT_ASSIGN) {
			if ((err = check__var_read(c, lhs)))
				return err;
			if (!is_int(&lhs->type))
				return check__error(c, lhs->loc, lhs->len,
						    "'%s' needs an integer variable; %s is %s",
						    lex__spell(n->op), lhs->name,
						    check__what(&lhs->type));
			return 0;
		}
		return var_assign(c, lhs, rhs);
	}
	if ((err = check__map_keys(c, lhs)))
		return err;
	if ((err = map_define(c, lhs->map, lhs, LANG_MV_VALUE, &rhs->type)))
		return err;
	lhs->type = lhs->map->value;
	return 0;
}

static int check_incdec(struct checker *c, struct lang_node *n)
{
	struct lang_node *a = n->a;
	struct lang_type i64 = type_int(8, true);
	int err;

	if (a->kind == LANG_MAP) {
		if ((err = check__map_keys(c, a)) || (err = map_define(c, a->map, a, LANG_MV_VALUE, &i64)))
			return err;
		a->type = a->map->value;
	} else if (a->kind == LANG_VAR) {
		if ((err = check__var_read(c, a)))
			return err;
		if (!is_int(&a->type))
			return check__error(c, n->loc, 2, "'%s' needs an integer; %s is %s",
					    lex__spell(n->op), a->name, check__what(&a->type));
	} else {
		return check__error(c, n->loc, 2, "'%s' applies to a $variable or a @map only",
				    lex__spell(n->op));
	}
	n->type = a->type;
	return 0;
}

int check__incdec(struct checker *c, struct lang_node *n) { return check_incdec(c, n); }

static int check_cond(struct checker *c, struct lang_node *e, const char *what)
{
	int err = check__expr(c, e);

	if (err)
		return err;
	if (!is_cond(&e->type))
		return check__error(c, e->loc, e->len, "%s must be an integer expression, not %s%s",
				    what, check__what(&e->type),
				    e->type.kind == LANG_T_STRING ? " (compare it: comm == \"bash\")"
								  : "");
	return 0;
}

static int check_stmt(struct checker *c, struct lang_node *s)
{
	int err;

	switch (s->kind) {
	case LANG_ASSIGN: return check_assign(c, s);
	case LANG_IF:
		if ((err = check_cond(c, s->a, "an if condition")) || (err = check_block(c, s->b)))
			return err;
		if (!s->c)
			return 0;
		return s->c->kind == LANG_IF ? check_stmt(c, s->c) : check_block(c, s->c);
	case LANG_UNROLL:
		if (s->num < 1 || s->num > 100)
			return check__error(c, s->loc, 6, "unroll needs a count from 1 to 100, not %llu",
					    (unsigned long long)s->num);
		return check_block(c, s->b);
	case LANG_WHILE:
		if ((err = check_cond(c, s->a, "a while condition")))
			return err;
		return check_block(c, s->b);
	case LANG_RETURN:
	case LANG_BREAK:
	case LANG_CONTINUE: return 0;
	case LANG_BLOCK: return check_block(c, s);
	case LANG_CALL: return check__call(c, s, true);
	case LANG_INCDEC: return check_incdec(c, s);
	default:
		if ((err = no_agg(c, s, "")))
			return err;
		return check__expr(c, s);
	}
}

static int check_block(struct checker *c, struct lang_node *b)
{
	for (struct lang_node *s = b->kids; s; s = s->next) {
		int err = check_stmt(c, s);

		if (err)
			return err;
	}
	return 0;
}

/* ---- probes ---- */

static int check_probe(struct checker *c, struct lang_probe *p)
{
	int err;

	c->probe = p;
	p->vars = NULL;
	p->nvars = 0;
	check__probe_bits(c, p);
	if (p->pred) {
		if ((err = no_agg(c, p->pred, "")) || (err = check_cond(c, p->pred, "the predicate")))
			return err;
	}
	return check_block(c, p->body);
}

int lang__check(struct lang_program *prog, const struct lang_env *env, const char *text,
		size_t len, char *err, size_t errsz)
{
	struct checker *c = calloc(1, sizeof(*c));
	int ret = 0;

	if (err && errsz)
		err[0] = '\0';
	if (!c || !(c->scratch = malloc(sizeof(*c->scratch)))) {
		free(c);
		if (err && errsz)
			snprintf(err, errsz, "%s: error: out of memory", prog->file);
		return -ENOMEM;
	}
	c->prog = prog;
	c->env = env;
	c->diag.file = prog->file ? prog->file : "<program>";
	c->diag.text = text;
	c->diag.len = len;
	c->diag.err = err;
	c->diag.errsz = errsz;
	prog->maps = NULL;
	prog->nmaps = 0;
	for (struct lang_probe *p = prog->probes; p && !ret; p = p->next)
		ret = check__resolve_probe(c, p);
	if (ret)
		goto out;
	c->pass1 = true;
	for (struct lang_probe *p = prog->probes; p && c->err != -ENOMEM; p = p->next)
		check_probe(c, p);
	c->pass1 = false;
	if (c->err) {
		ret = c->err;
		goto out;
	}
	for (struct lang_probe *p = prog->probes; p && !ret; p = p->next)
		ret = check_probe(c, p);
	for (struct lang_map *m = prog->maps; m && !ret; m = m->next)
		if (m->kind == LANG_MV_NONE)
			ret = check__error(c, m->loc, strlen(m->name), "%s is never assigned a value",
					   m->name);
	for (struct lang_map *m = prog->maps; m && !ret; m = m->next)
		if (m->nkeys == ~0u)
			m->nkeys = 0;
out:
	free(c->scratch);
	free(c);
	return ret;
}
