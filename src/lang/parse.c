// SPDX-License-Identifier: Apache-2.0
/* The tracing language's parser: a program's directives, struct
 * definitions and probes, their attach points, predicates and statements
 * (expressions are parse_expr.c's). Recursive descent, one token of
 * lookahead, bounded depth; the first error ends the parse. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lib/suggest.h"
#include "lang/parse.h"
#include "lang/parse_int.h"

#define AT(t) (t).loc.line, (t).loc.col

/* ---- shared with parse_expr.c ---- */

int parse__error(struct parser *p, const struct lang_tok *t, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	if (!t)
		t = &p->tok;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	lang_diag__error(&p->diag, t->loc, t->len ? t->len : 1, "%s", msg);
	if (!p->err)
		p->err = -EINVAL;
	return p->err;
}

int parse__advance(struct parser *p)
{
	int err = lex__next(&p->lx, &p->tok);

	if (err && !p->err)
		p->err = err;
	return err;
}

static int advance_attach(struct parser *p)
{
	int err = lex__attach(&p->lx, &p->tok);

	if (err && !p->err)
		p->err = err;
	return err;
}

int parse__expect(struct parser *p, enum lang_tok_kind kind, const char *what)
{
	if (p->tok.kind == kind)
		return parse__advance(p);
	if (!what)
		return -EINVAL; /* the caller words the message */
	return parse__error(p, NULL, "expected '%s' %s, found %s", lex__spell(kind), what,
			    lang_diag__show(&p->diag, &p->tok));
}

static void *oom(struct parser *p)
{
	if (errno == E2BIG)
		parse__error(p, NULL, "program too large (more than %u nodes or %u MiB)",
			     LANG_NODES_MAX, LANG_ARENA_MAX >> 20);
	else if (!p->err) {
		parse__error(p, NULL, "out of memory");
		p->err = -ENOMEM;
	}
	return NULL;
}

struct lang_node *parse__node(struct parser *p, enum lang_kind kind, struct lang_loc loc)
{
	struct lang_node *n = lang_program__node(p->prog, kind, loc);

	return n ? n : oom(p);
}

const char *parse__dup(struct parser *p, const char *s, size_t n)
{
	const char *d = lang_program__strdup(p->prog, s, n);

	return d ? d : oom(p);
}

const char *parse__text(struct parser *p, size_t off, size_t len)
{
	return parse__dup(p, p->lx.text + off, len);
}

static bool word(const struct parser *p, const struct lang_tok *t, const char *w)
{
	return (t->kind == LT_IDENT || t->kind == LT_ATTACH) && t->len == strlen(w) &&
	       !memcmp(p->lx.text + t->loc.off, w, t->len);
}

bool parse__is(const struct parser *p, const char *w) { return word(p, &p->tok, w); }

int parse__enter(struct parser *p)
{
	if (p->depth >= LANG_DEPTH_MAX)
		return parse__error(p, NULL, "nested too deeply (the limit is %d levels)",
				    LANG_DEPTH_MAX);
	p->depth++;
	return 0;
}

/* ---- attach points ---- */

static const struct probe_type {
	const char *name, *alias;
	unsigned min, max; /* parts after the type */
	const char *usage;
} probe_types[] = {
	{ "BEGIN", NULL, 0, 0, "BEGIN" },
	{ "END", NULL, 0, 0, "END" },
	{ "tracepoint", "t", 2, 2, "tracepoint:CATEGORY:EVENT" },
	{ "rawtracepoint", "rt", 1, 1, "rawtracepoint:EVENT" },
	{ "kprobe", "k", 1, 2, "kprobe:[MODULE:]FUNCTION" },
	{ "kretprobe", "kr", 1, 2, "kretprobe:[MODULE:]FUNCTION" },
	{ "kfunc", "f", 1, 2, "kfunc:[MODULE:]FUNCTION" },
	{ "kretfunc", "fr", 1, 2, "kretfunc:[MODULE:]FUNCTION" },
	{ "uprobe", "u", 2, 2, "uprobe:BINARY:FUNCTION" },
	{ "uretprobe", "ur", 2, 2, "uretprobe:BINARY:FUNCTION" },
	{ "usdt", "U", 2, 3, "usdt:BINARY:[PROVIDER:]PROBE" },
	{ "profile", "p", 2, 2, "profile:UNIT:N with UNIT hz, s, ms or us" },
	{ "interval", "i", 2, 2, "interval:UNIT:N with UNIT hz, s, ms or us" },
	{ "software", "s", 1, 2, "software:EVENT[:COUNT]" },
	{ "hardware", "h", 1, 2, "hardware:EVENT[:COUNT]" },
};
#define NTYPES (sizeof(probe_types) / sizeof(probe_types[0]))

static bool digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

/* What the parts of a probe of type pt must look like beyond their count. */
static bool parts_ok(const struct probe_type *pt, const struct lang_attach *a)
{
	static const char *const units[] = { "hz", "s", "ms", "us" };
	bool unit = false;

	for (unsigned i = 0; i < a->nparts; i++)
		if (!a->parts[i][0])
			return false;
	if (!strcmp(pt->name, "profile") || !strcmp(pt->name, "interval")) {
		for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
			unit |= !strcmp(a->parts[0], units[i]);
		return unit && digits(a->parts[1]);
	}
	if (!strcmp(pt->name, "software") || !strcmp(pt->name, "hardware"))
		return a->nparts < 2 || digits(a->parts[1]);
	return true;
}

static struct lang_attach *parse_attach(struct parser *p)
{
	const struct lang_tok *t = &p->tok;
	const char *s = p->lx.text + t->loc.off, *end = s + t->len, *c;
	const char *names[NTYPES];
	const struct probe_type *pt = NULL;
	struct lang_attach *a;
	char type[LANG_IDENT_MAX + 1];
	size_t n;

	if (t->kind != LT_ATTACH)
		return parse__error(p, NULL,
				    "expected a probe such as 'BEGIN' or "
				    "'tracepoint:CATEGORY:EVENT', found %s",
				    lang_diag__show(&p->diag, t)),
		       NULL;
	a = lang_program__alloc(p->prog, sizeof(*a));
	if (!a || !(a->raw = parse__text(p, t->loc.off, t->len)))
		return oom(p);
	a->loc = t->loc;
	c = memchr(s, ':', t->len);
	n = (c ? c : end) - s;
	memcpy(type, s, n < LANG_IDENT_MAX ? n : LANG_IDENT_MAX);
	type[n < LANG_IDENT_MAX ? n : LANG_IDENT_MAX] = '\0';
	for (size_t i = 0; i < NTYPES; i++) {
		names[i] = probe_types[i].name;
		if (!strcmp(type, probe_types[i].name) ||
		    (probe_types[i].alias && !strcmp(type, probe_types[i].alias)))
			pt = &probe_types[i];
	}
	if (!pt) {
		const char *near = suggest__nearest(type, names, NTYPES);
		struct lang_tok tt = *t;

		tt.len = n;
		if (near)
			parse__error(p, &tt, "unknown probe type '%s' (did you mean '%s'?)", type,
				     near);
		else
			parse__error(p, &tt, "unknown probe type '%s'", type);
		return NULL;
	}
	a->type = pt->name;
	while (c && a->nparts < LANG_ATTACH_PARTS) {
		const char *from = c + 1;

		c = memchr(from, ':', end - from);
		if (!(a->parts[a->nparts++] = parse__dup(p, from, (c ? c : end) - from)))
			return NULL;
	}
	if (c || a->nparts < pt->min || a->nparts > pt->max || !parts_ok(pt, a)) {
		parse__error(p, NULL, "'%s' is not a valid %s probe: expected %s", a->raw, pt->name,
			     pt->usage);
		return NULL;
	}
	return a;
}

/* ---- statements ---- */

static struct lang_node *parse_block(struct parser *p, bool probe);

static bool assign_op(enum lang_tok_kind k)
{
	return k == LT_ASSIGN || (k >= LT_ADD_ASSIGN && k <= LT_SHR_ASSIGN);
}

/* "( EXPR )" after if or while. */
static struct lang_node *parse_cond(struct parser *p, const char *kw)
{
	struct lang_tok open = p->tok;
	struct lang_node *c;

	if (parse__advance(p) || parse__expect(p, LT_LPAREN, kw))
		return NULL;
	open = p->tok;
	if (!(c = parse__expr(p)))
		return NULL;
	if (p->tok.kind != LT_RPAREN) {
		parse__error(p, NULL, "expected ')' to close the condition at %u:%u, found %s",
			     AT(open), lang_diag__show(&p->diag, &p->tok));
		return NULL;
	}
	return parse__advance(p) ? NULL : c;
}

static struct lang_node *parse_if(struct parser *p)
{
	struct lang_node *n = parse__node(p, LANG_IF, p->tok.loc);

	if (!n || parse__enter(p))
		return NULL;
	if (!(n->a = parse_cond(p, "after 'if'")) || !(n->b = parse_block(p, false)))
		goto fail;
	if (parse__is(p, "else")) {
		if (parse__advance(p))
			goto fail;
		n->c = parse__is(p, "if") ? parse_if(p) : parse_block(p, false);
		if (!n->c)
			goto fail;
	}
	parse__leave(p);
	return n;
fail:
	parse__leave(p);
	return NULL;
}

static struct lang_node *parse_stmt(struct parser *p, bool *compound)
{
	struct lang_tok t = p->tok;
	struct lang_node *n, *lhs;

	*compound = false;
	if (parse__is(p, "if")) {
		*compound = true;
		return parse_if(p);
	}
	if (parse__is(p, "while")) {
		*compound = true;
		if (!(n = parse__node(p, LANG_WHILE, t.loc)) ||
		    !(n->a = parse_cond(p, "after 'while'")))
			return NULL;
		p->loops++;
		n->b = parse_block(p, false);
		p->loops--;
		return n->b ? n : NULL;
	}
	if (parse__is(p, "unroll")) {
		*compound = true;
		if (!(n = parse__node(p, LANG_UNROLL, t.loc)) || parse__advance(p) ||
		    parse__expect(p, LT_LPAREN, "after 'unroll'"))
			return NULL;
		if (p->tok.kind != LT_INT || p->tok.num < 1 || p->tok.num > 100) {
			parse__error(p, NULL, "expected an unroll count from 1 to 100, found %s",
				     lang_diag__show(&p->diag, &p->tok));
			return NULL;
		}
		n->num = p->tok.num;
		if (parse__advance(p) || parse__expect(p, LT_RPAREN, "after the unroll count"))
			return NULL;
		return (n->b = parse_block(p, false)) ? n : NULL;
	}
	if (parse__is(p, "return") || parse__is(p, "break") || parse__is(p, "continue")) {
		enum lang_kind k = parse__is(p, "return")  ? LANG_RETURN
				   : parse__is(p, "break") ? LANG_BREAK
							   : LANG_CONTINUE;

		if (k != LANG_RETURN && !p->loops) {
			parse__error(p, NULL, "'%.*s' outside of a while loop", (int)t.len,
				     p->lx.text + t.loc.off);
			return NULL;
		}
		n = parse__node(p, k, t.loc);
		return !n || parse__advance(p) ? NULL : n;
	}
	if (parse__is(p, "else")) {
		parse__error(p, NULL, "'else' without an 'if'");
		return NULL;
	}
	if (!(lhs = parse__expr(p)))
		return NULL;
	if (!assign_op(p->tok.kind))
		return lhs;
	t = p->tok;
	if (lhs->kind != LANG_VAR && lhs->kind != LANG_MAP) {
		parse__error(p, NULL, "only a $variable or a @map can be assigned to");
		return NULL;
	}
	if (!(n = parse__node(p, LANG_ASSIGN, t.loc)) || parse__advance(p))
		return NULL;
	n->op = t.kind;
	n->a = lhs;
	return (n->b = parse__expr(p)) ? n : NULL;
}

/* "{ STMT; ... }"; a probe's block is followed by the next probe, read
 * in the attach point mode. */
static struct lang_node *parse_block(struct parser *p, bool probe)
{
	struct lang_tok open = p->tok;
	struct lang_node *b, **tail;
	bool compound;

	if (p->tok.kind != LT_LBRACE) {
		parse__error(p, NULL, "expected '{' to start a block, found %s",
			     lang_diag__show(&p->diag, &p->tok));
		return NULL;
	}
	if (!(b = parse__node(p, LANG_BLOCK, open.loc)) || parse__enter(p))
		return NULL;
	tail = &b->kids;
	if (parse__advance(p))
		goto fail;
	while (p->tok.kind != LT_RBRACE) {
		struct lang_node *s;

		if (p->tok.kind == LT_EOF) {
			parse__error(p, NULL,
				     "expected '}' to close the block opened at %u:%u, found %s",
				     AT(open), lang_diag__show(&p->diag, &p->tok));
			goto fail;
		}
		if (p->tok.kind == LT_SEMI) {
			if (parse__advance(p))
				goto fail;
			continue;
		}
		if (!(s = parse_stmt(p, &compound)))
			goto fail;
		*tail = s;
		tail = &s->next;
		b->nkids++;
		if (compound || p->tok.kind == LT_RBRACE)
			continue;
		if (p->tok.kind != LT_SEMI) {
			parse__error(p, NULL, "expected ';' or '}' after the statement, found %s",
				     lang_diag__show(&p->diag, &p->tok));
			goto fail;
		}
	}
	parse__leave(p);
	return (probe ? advance_attach(p) : parse__advance(p)) ? NULL : b;
fail:
	parse__leave(p);
	return NULL;
}

/* ---- probes ---- */

static struct lang_node *parse_pred(struct parser *p)
{
	struct lang_tok open = p->tok;
	struct lang_node *e;

	p->in_pred = true;
	p->pred_div = false;
	e = parse__advance(p) ? NULL : parse__expr(p);
	p->in_pred = false;
	if (!e)
		return NULL;
	if (p->tok.kind == LT_ENDPRED)
		return parse__advance(p) ? NULL : e;
	if (p->tok.kind != LT_LBRACE && p->pred_div)
		parse__error(p, &p->div_next, "a predicate must be followed by a block, found %s",
			     lang_diag__show(&p->diag, &p->div_next));
	else
		parse__error(p, NULL, "expected '/' to end the predicate opened at %u:%u, found %s",
			     AT(open), lang_diag__show(&p->diag, &p->tok));
	return NULL;
}

static int parse_probe(struct parser *p)
{
	struct lang_probe *pr = lang_program__alloc(p->prog, sizeof(*pr));
	struct lang_attach **tail;

	if (!pr)
		return oom(p), p->err;
	if (p->prog->nprobes >= LANG_PROBES_MAX)
		return parse__error(p, NULL, "too many probes (the limit is %d)", LANG_PROBES_MAX);
	pr->loc = p->tok.loc;
	tail = &pr->attach;
	for (;;) {
		struct lang_attach *a = parse_attach(p);

		if (!a)
			return p->err;
		if (pr->nattach++ >= LANG_ATTACH_MAX)
			return parse__error(p, NULL, "too many attach points (the limit is %d)",
					    LANG_ATTACH_MAX);
		*tail = a;
		tail = &a->next;
		if (parse__advance(p))
			return p->err;
		if (p->tok.kind != LT_COMMA)
			break;
		if (advance_attach(p))
			return p->err;
	}
	if (p->tok.kind == LT_SLASH && !(pr->pred = parse_pred(p)))
		return p->err;
	if (p->tok.kind != LT_LBRACE)
		return parse__error(p, NULL, "expected '{' to start the probe's block%s, found %s",
				    pr->pred ? "" : " (or '/' for a predicate)",
				    lang_diag__show(&p->diag, &p->tok));
	if (!(pr->body = parse_block(p, true)))
		return p->err;
	*p->probe_tail = pr;
	p->probe_tail = &pr->next;
	p->prog->nprobes++;
	return 0;
}

/* ---- directives and C definitions ---- */

static int parse_directive(struct parser *p, struct lang_directive ***tail)
{
	const char *s = p->lx.text + p->tok.loc.off;
	size_t n = p->tok.len, i = 1;
	struct lang_directive *d = lang_program__alloc(p->prog, sizeof(*d));

	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
		n--;
	if (!d || !(d->text = parse__dup(p, s, n)))
		return oom(p), p->err;
	d->loc = p->tok.loc;
	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	if (n - i >= 7 && !memcmp(s + i, "include", 7)) {
		const char *close;
		size_t k;

		for (i += 7; i < n && (s[i] == ' ' || s[i] == '\t'); i++)
			;
		close = i < n && (s[i] == '<' || s[i] == '"')
				? memchr(s + i + 1, s[i] == '<' ? '>' : '"', n - i - 1)
				: NULL;
		if (!close || close == s + i + 1) {
			struct lang_tok t = p->tok;

			t.loc.off += i;
			t.loc.col += i;
			t.len = n > i ? n - i : 1;
			return parse__error(p, &t, "expected <FILE> or \"FILE\" after #include");
		}
		k = close - (s + i) + 1;
		for (size_t j = 1; j + 1 < k; j++) {
			unsigned char ch = s[i + j];
			struct lang_tok t = p->tok;

			/* a path of plain characters: the dump shows it verbatim */
			if (!strchr("_./+-", ch) && !(ch >= '0' && ch <= '9') &&
			    !((ch | 0x20) >= 'a' && (ch | 0x20) <= 'z')) {
				t.loc.off += i + j;
				t.loc.col += i + j;
				t.len = 1;
				return parse__error(p, &t,
						    "invalid character in the #include file name");
			}
		}
		if (!(d->include = parse__dup(p, s + i, k)))
			return p->err;
	}
	**tail = d;
	*tail = &d->next;
	return advance_attach(p);
}

/* A member "TYPE NAME;" of words and stars: its type spelt as ast.h says. */
static int add_field(struct parser *p, struct lang_struct *st, struct lang_field ***tail,
		     const struct lang_tok *m, unsigned n)
{
	char b[8 * (LANG_IDENT_MAX + 1)]; /* n <= 8 words and stars */
	size_t len = 0;
	struct lang_field *f;

	if (n < 2 || m[n - 1].kind != LT_IDENT || n > 8)
		goto raw;
	for (unsigned i = 0; i + 1 < n; i++) {
		if (m[i].kind != LT_IDENT && m[i].kind != LT_STAR)
			goto raw;
		if (len && (m[i].kind == LT_IDENT || m[i - 1].kind != LT_STAR))
			b[len++] = ' ';
		memcpy(b + len, p->lx.text + m[i].loc.off, m[i].len);
		len += m[i].len;
	}
	if (m[0].kind != LT_IDENT)
		goto raw;
	f = lang_program__alloc(p->prog, sizeof(*f));
	if (!f || !(f->type = parse__dup(p, b, len)) ||
	    !(f->name = parse__text(p, m[n - 1].loc.off, m[n - 1].len)))
		return oom(p), p->err;
	**tail = f;
	*tail = &f->next;
	return 0;
raw:
	st->simple = false;
	return 0;
}

/* "struct NAME { ... };": the body is kept as text for the checker, and
 * as fields when it is a plain list of members. */
static int parse_struct(struct parser *p)
{
	struct lang_struct *st = lang_program__alloc(p->prog, sizeof(*st));
	struct lang_field **tail;
	struct lang_tok open, m[9];
	unsigned depth = 1, nm = 0;

	if (!st)
		return oom(p), p->err;
	st->is_union = parse__is(p, "union");
	st->loc = p->tok.loc;
	st->simple = true;
	tail = &st->fields;
	if (parse__advance(p))
		return p->err;
	if (p->tok.kind != LT_IDENT)
		return parse__error(p, NULL, "expected a name after '%s', found %s",
				    st->is_union ? "union" : "struct",
				    lang_diag__show(&p->diag, &p->tok));
	if (!(st->name = parse__text(p, p->tok.loc.off, p->tok.len)) || parse__advance(p))
		return p->err;
	open = p->tok;
	if (p->tok.kind != LT_LBRACE)
		return parse__error(p, NULL, "expected '{' to start the body of %s %s, found %s",
				    st->is_union ? "union" : "struct", st->name,
				    lang_diag__show(&p->diag, &p->tok));
	for (;;) {
		if (parse__advance(p))
			return p->err;
		if (p->tok.kind == LT_EOF)
			return parse__error(p, NULL,
					    "expected '}' to close %s %s opened at %u:%u, found %s",
					    st->is_union ? "union" : "struct", st->name, AT(open),
					    lang_diag__show(&p->diag, &p->tok));
		if (p->tok.kind == LT_LBRACE)
			depth++, st->simple = false;
		if (p->tok.kind == LT_RBRACE && !--depth)
			break;
		if (depth == 1 && p->tok.kind == LT_SEMI) {
			if (add_field(p, st, &tail, m, nm))
				return p->err;
			nm = 0;
		} else if (nm < 9) {
			m[nm++] = p->tok;
		} else {
			st->simple = false;
		}
	}
	if (nm)
		st->simple = false;
	st->body = p->lx.text + open.loc.off + 1;
	st->body_len = p->tok.loc.off - open.loc.off - 1;
	if (advance_attach(p) || (p->tok.kind == LT_SEMI && advance_attach(p)))
		return p->err;
	*p->struct_tail = st;
	p->struct_tail = &st->next;
	return 0;
}

/* Refuses a tree deeper than LANG_TREE_DEPTH_MAX, walking it without
 * recursion (an explicit stack of nodes and their depths). */
static int tree_depth_ok(struct parser *p)
{
	struct item {
		const struct lang_node *n;
		unsigned depth;
	} *st;
	size_t cap = 1024, top = 0;
	int ret = 0;

	st = malloc(cap * sizeof(*st));
	if (!st)
		return parse__error(p, NULL, "out of memory");
	for (const struct lang_probe *pr = p->prog->probes; pr && !ret; pr = pr->next) {
		const struct lang_node *roots[2] = { pr->pred, pr->body };

		for (int r = 0; r < 2; r++)
			if (roots[r])
				st[top++] = (struct item){ roots[r], 1 };
		while (top && !ret) {
			struct item it = st[--top];
			const struct lang_node *kid[4] = { it.n->a, it.n->b, it.n->c, it.n->kids };

			if (it.depth > LANG_TREE_DEPTH_MAX) {
				struct lang_tok t = { .loc = it.n->loc, .len = 1 };

				ret = parse__error(p, &t, "expression nested too deeply (more than %d levels): "
						   "split it with variables", LANG_TREE_DEPTH_MAX);
				break;
			}
			for (int k = 0; k < 4; k++) {
				for (const struct lang_node *c = kid[k]; c; c = k == 3 ? c->next : NULL) {
					if (top == cap) {
						struct item *bigger = realloc(st, 2 * cap * sizeof(*st));

						if (!bigger) {
							ret = parse__error(p, NULL, "out of memory");
							break;
						}
						st = bigger;
						cap *= 2;
					}
					st[top++] = (struct item){ c, it.depth + 1 };
				}
			}
		}
	}
	free(st);
	return ret;
}

static int parse_program(struct parser *p)
{
	struct lang_directive **dtail = &p->prog->directives;

	if (advance_attach(p))
		return p->err;
	while (p->tok.kind != LT_EOF) {
		int err;

		if (p->tok.kind == LT_DIRECTIVE)
			err = parse_directive(p, &dtail);
		else if (parse__is(p, "struct") || parse__is(p, "union"))
			err = parse_struct(p);
		else
			err = parse_probe(p);
		if (err)
			return p->err ? p->err : err;
	}
	if (!p->prog->nprobes)
		return parse__error(p, NULL,
				    "expected a probe such as 'BEGIN' or "
				    "'tracepoint:CATEGORY:EVENT', found end of input");
	return tree_depth_ok(p);
}

int lang__parse(const char *file, const char *text, size_t len, struct lang_program **out,
		char *err, size_t errsz)
{
	struct parser *p;
	int ret;

	*out = NULL;
	if (err && errsz)
		err[0] = '\0';
	if (!file)
		file = "<program>";
	p = calloc(1, sizeof(*p));
	if (!p) {
		if (err && errsz)
			snprintf(err, errsz, "%s: error: out of memory", file);
		return -ENOMEM;
	}
	p->diag.file = file;
	p->diag.text = text;
	p->diag.len = len;
	p->diag.err = err;
	p->diag.errsz = errsz;
	lex__init(&p->lx, text, len, &p->diag);
	if (len > LANG_INPUT_MAX) {
		p->diag.len = 0; /* no source line: it could be anything */
		ret = lang_diag__error(&p->diag, p->lx.at, 0,
				       "program too large (more than %u bytes)", LANG_INPUT_MAX);
		goto out;
	}
	p->prog = lang_program__new(file);
	if (!p->prog) {
		if (err && errsz)
			snprintf(err, errsz, "%s: error: out of memory", file);
		ret = -ENOMEM;
		goto out;
	}
	p->probe_tail = &p->prog->probes;
	p->struct_tail = &p->prog->structs;
	ret = parse_program(p);
out:
	if (ret)
		lang_program__free(p->prog);
	else
		*out = p->prog;
	free(p);
	return ret;
}
