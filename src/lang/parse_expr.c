// SPDX-License-Identifier: Apache-2.0
/* Expressions of the tracing language: precedence climbing over C's
 * binary operators, then unary operators, casts, postfix operators and
 * primaries; and the types casts name. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "lang/parse_int.h"

/* C's binary operators, loosest first; 0: not one. */
static int prec(enum lang_tok_kind k)
{
	switch (k) {
	case LT_LOR: return 1;
	case LT_LAND: return 2;
	case LT_PIPE: return 3;
	case LT_CARET: return 4;
	case LT_AMP: return 5;
	case LT_EQ:
	case LT_NE: return 6;
	case LT_LT:
	case LT_LE:
	case LT_GT:
	case LT_GE: return 7;
	case LT_SHL:
	case LT_SHR: return 8;
	case LT_PLUS:
	case LT_MINUS: return 9;
	case LT_STAR:
	case LT_SLASH:
	case LT_PERCENT: return 10;
	default: return 0;
	}
}

static bool starts_expr(enum lang_tok_kind k)
{
	switch (k) {
	case LT_INT:
	case LT_STR:
	case LT_VAR:
	case LT_PARAM:
	case LT_MAP:
	case LT_IDENT:
	case LT_LPAREN:
	case LT_MINUS:
	case LT_BANG:
	case LT_TILDE:
	case LT_STAR:
	case LT_AMP:
	case LT_INC:
	case LT_DEC: return true;
	default: return false;
	}
}

static const char *const keywords[] = {
	"if", "else", "unroll", "while", "return", "break", "continue", "struct", "union", "enum",
};

/* C's own type words, which may combine ("unsigned long long"). */
static const char *const c_types[] = {
	"unsigned", "signed", "char",  "short", "int",	  "long",
	"void",	    "bool",   "_Bool", "float", "double",
};

/* bpftrace's and the kernel's one-word integer types. */
static const char *const int_types[] = {
	"int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
	"u8",	"u16",	 "u32",	  "u64",   "s8",    "s16",    "s32",	"s64",
	"__u8", "__u16", "__u32", "__u64", "__s8",  "__s16",  "__s32",	"__s64",
};

static bool in(const struct parser *p, const struct lang_tok *t, const char *const *set, size_t n)
{
	const char *s = p->lx.text + t->loc.off;

	if (t->kind != LT_IDENT)
		return false;
	for (size_t i = 0; i < n; i++)
		if (strlen(set[i]) == t->len && !memcmp(s, set[i], t->len))
			return true;
	return false;
}

#define IN(p, t, set) in(p, t, set, sizeof(set) / sizeof(set[0]))

static bool is_word(const struct parser *p, const struct lang_tok *t, const char *w)
{
	return t->kind == LT_IDENT && t->len == strlen(w) &&
	       !memcmp(p->lx.text + t->loc.off, w, t->len);
}

/* A word that can only start a type. */
static bool type_word(const struct parser *p, const struct lang_tok *t)
{
	return is_word(p, t, "struct") || is_word(p, t, "union") || is_word(p, t, "enum") ||
	       is_word(p, t, "const") || is_word(p, t, "volatile") || IN(p, t, c_types) ||
	       IN(p, t, int_types);
}

bool parse__type_ahead(struct parser *p)
{
	struct lang_lex save = p->lx;
	struct lang_diag quiet = p->diag;
	struct lang_tok t;
	bool yes = false;

	/* the current token is '('; lexing ahead reports nothing */
	quiet.set = true;
	p->lx.diag = &quiet;
	if (lex__next(&p->lx, &t))
		goto out;
	if (type_word(p, &t)) {
		yes = true;
	} else if (t.kind == LT_IDENT && !IN(p, &t, keywords)) {
		/* a typedef name: "(pid_t *)x"; "(a * b)" is no type */
		unsigned stars = 0;

		while (!lex__next(&p->lx, &t) && t.kind == LT_STAR)
			stars++;
		yes = stars && t.kind == LT_RPAREN;
	}
out:
	p->lx = save;
	return yes;
}

const char *parse__type(struct parser *p, uint64_t *stars)
{
	char b[2 * LANG_IDENT_MAX + 64];
	size_t n = 0;
	const struct lang_tok *t = &p->tok;

	while (is_word(p, t, "const") || is_word(p, t, "volatile"))
		if (parse__advance(p))
			return NULL;
	if (is_word(p, t, "struct") || is_word(p, t, "union") || is_word(p, t, "enum")) {
		n = t->len;
		memcpy(b, p->lx.text + t->loc.off, n);
		if (parse__advance(p))
			return NULL;
		if (t->kind != LT_IDENT || IN(p, t, keywords)) {
			parse__error(p, t, "expected a name after '%.*s', found %s", (int)n, b,
				     lang_diag__show(&p->diag, t));
			return NULL;
		}
		b[n++] = ' ';
		memcpy(b + n, p->lx.text + t->loc.off, t->len);
		n += t->len;
		if (parse__advance(p))
			return NULL;
	} else if (IN(p, t, c_types)) {
		for (unsigned words = 0; IN(p, t, c_types); words++) {
			if (words == 4) {
				parse__error(p, t, "too many words in a type");
				return NULL;
			}
			if (n)
				b[n++] = ' ';
			memcpy(b + n, p->lx.text + t->loc.off, t->len);
			n += t->len;
			if (parse__advance(p))
				return NULL;
		}
	} else if (t->kind == LT_IDENT && !IN(p, t, keywords)) {
		memcpy(b, p->lx.text + t->loc.off, t->len);
		n = t->len;
		if (parse__advance(p))
			return NULL;
	} else {
		parse__error(p, t, "expected a type, found %s", lang_diag__show(&p->diag, t));
		return NULL;
	}
	for (*stars = 0; t->kind == LT_STAR; ++*stars) {
		if (*stars == 8) {
			parse__error(p, t, "too many '*' in a type");
			return NULL;
		}
		if (!*stars)
			b[n++] = ' ';
		b[n++] = '*';
		if (parse__advance(p))
			return NULL;
	}
	return parse__dup(p, b, n);
}

/* "opened at L:C" for a message about a bracket that was not closed */
#define AT(t) (t).loc.line, (t).loc.col

static struct lang_node *close_list(struct parser *p, struct lang_node *n, enum lang_tok_kind close,
				    const struct lang_tok *open, const char *what)
{
	struct lang_node **tail = &n->kids;

	while (p->tok.kind != close) {
		struct lang_node *k;

		if (n->nkids && parse__expect(p, LT_COMMA, NULL)) {
			if (p->tok.kind == LT_EOF || p->tok.kind == LT_SEMI ||
			    p->tok.kind == LT_RBRACE || p->tok.kind == LT_ENDPRED ||
			    p->tok.kind == LT_RPAREN || p->tok.kind == LT_RBRACKET)
				parse__error(p, NULL,
					     "expected '%s' to close %s opened at %u:%u, found %s",
					     lex__spell(close), what, AT(*open),
					     lang_diag__show(&p->diag, &p->tok));
			else
				parse__error(p, NULL,
					     "expected ',' or '%s' in %s opened at %u:%u, found %s",
					     lex__spell(close), what, AT(*open),
					     lang_diag__show(&p->diag, &p->tok));
			return NULL;
		}
		if (close == LT_RPAREN && type_word(p, &p->tok)) {
			struct lang_loc loc = p->tok.loc;
			uint64_t stars;
			const char *ty = parse__type(p, &stars);

			k = ty ? parse__node(p, LANG_TYPE, loc) : NULL;
			if (k) {
				k->name = ty;
				k->len = strlen(ty);
				k->num = stars;
			}
		} else {
			k = parse__expr(p);
		}
		if (!k)
			return NULL;
		*tail = k;
		tail = &k->next;
		n->nkids++;
	}
	if (!n->nkids && close == LT_RBRACKET) {
		parse__error(p, NULL, "expected a key for %s, found ']'", n->name);
		return NULL;
	}
	return parse__advance(p) ? NULL : n;
}

static struct lang_node *parse_primary(struct parser *p)
{
	struct lang_tok t = p->tok;
	struct lang_node *n;
	char what[LANG_IDENT_MAX + 32];

	switch (t.kind) {
	case LT_INT:
		if (!(n = parse__node(p, LANG_INT, t.loc)))
			return NULL;
		n->num = t.num;
		break;
	case LT_STR:
		if (!(n = parse__node(p, LANG_STR, t.loc)))
			return NULL;
		n->len = lex__unescape(p->lx.text, &t, p->sbuf);
		if (!(n->name = parse__dup(p, p->sbuf, n->len)))
			return NULL;
		break;
	case LT_VAR:
	case LT_MAP:
	case LT_IDENT:
		if (t.kind == LT_IDENT && IN(p, &t, keywords)) {
			parse__error(p, &t, "expected an expression, found the keyword %s",
				     lang_diag__show(&p->diag, &t));
			return NULL;
		}
		n = parse__node(p,
				t.kind == LT_VAR   ? LANG_VAR
				: t.kind == LT_MAP ? LANG_MAP
						   : LANG_IDENT,
				t.loc);
		if (!n || !(n->name = parse__text(p, t.loc.off, t.len)))
			return NULL;
		n->len = t.len;
		if (parse__advance(p))
			return NULL;
		if (t.kind == LT_MAP && p->tok.kind == LT_LBRACKET) {
			struct lang_tok open = p->tok;

			snprintf(what, sizeof(what), "the keys of %s", n->name);
			return parse__advance(p) ? NULL
						 : close_list(p, n, LT_RBRACKET, &open, what);
		}
		if (t.kind == LT_IDENT && p->tok.kind == LT_LPAREN) {
			struct lang_tok open = p->tok;

			n->kind = LANG_CALL;
			snprintf(what, sizeof(what), "the call to %s", n->name);
			return parse__advance(p) ? NULL : close_list(p, n, LT_RPAREN, &open, what);
		}
		return n;
	case LT_PARAM:
		if (!(n = parse__node(p, LANG_PARAM, t.loc)))
			return NULL;
		n->num = t.num;
		break;
	case LT_LPAREN:
		if (parse__advance(p) || !(n = parse__expr(p)))
			return NULL;
		if (p->tok.kind != LT_RPAREN) {
			parse__error(p, NULL,
				     "expected ')' to close the '(' opened at %u:%u, found %s",
				     AT(t), lang_diag__show(&p->diag, &p->tok));
			return NULL;
		}
		break;
	default:
		parse__error(p, &t, "expected an expression, found %s",
			     lang_diag__show(&p->diag, &t));
		return NULL;
	}
	return parse__advance(p) ? NULL : n;
}

static struct lang_node *parse_postfix(struct parser *p, struct lang_node *n)
{
	while (n) {
		struct lang_tok t = p->tok;
		struct lang_node *m;

		if (t.kind != LT_DOT && t.kind != LT_ARROW && t.kind != LT_LBRACKET &&
		    t.kind != LT_INC && t.kind != LT_DEC)
			return n;
		if (parse__advance(p))
			return NULL;
		m = parse__node(p,
				t.kind == LT_LBRACKET		       ? LANG_INDEX
				: t.kind == LT_INC || t.kind == LT_DEC ? LANG_INCDEC
								       : LANG_FIELD,
				t.loc);
		if (!m)
			return NULL;
		m->op = t.kind;
		m->a = n;
		if (t.kind == LT_INC || t.kind == LT_DEC) {
			m->post = true;
		} else if (t.kind == LT_LBRACKET) {
			if (!(m->b = parse__expr(p)))
				return NULL;
			if (p->tok.kind != LT_RBRACKET) {
				parse__error(
					p, NULL,
					"expected ']' to close the '[' opened at %u:%u, found %s",
					AT(t), lang_diag__show(&p->diag, &p->tok));
				return NULL;
			}
			if (parse__advance(p))
				return NULL;
		} else {
			if (p->tok.kind != LT_IDENT) {
				parse__error(p, NULL, "expected a field name after '%s', found %s",
					     lex__spell(t.kind),
					     lang_diag__show(&p->diag, &p->tok));
				return NULL;
			}
			if (!(m->name = parse__text(p, p->tok.loc.off, p->tok.len)))
				return NULL;
			m->len = p->tok.len;
			if (parse__advance(p))
				return NULL;
		}
		n = m;
	}
	return NULL;
}

static struct lang_node *parse_unary(struct parser *p)
{
	struct lang_tok t = p->tok;
	struct lang_node *n = NULL;

	if (parse__enter(p))
		return NULL;
	switch (t.kind) {
	case LT_MINUS:
	case LT_BANG:
	case LT_TILDE:
	case LT_STAR:
	case LT_AMP:
	case LT_INC:
	case LT_DEC:
		if (parse__advance(p))
			break;
		n = parse__node(p, t.kind == LT_INC || t.kind == LT_DEC ? LANG_INCDEC : LANG_UNARY,
				t.loc);
		if (n) {
			n->op = t.kind;
			if (!(n->a = parse_unary(p)))
				n = NULL;
		}
		break;
	case LT_LPAREN:
		if (parse__type_ahead(p)) {
			uint64_t stars;
			const char *ty;

			if (parse__advance(p) || !(ty = parse__type(p, &stars)))
				break;
			if (p->tok.kind != LT_RPAREN) {
				parse__error(
					p, NULL,
					"expected ')' to close the cast opened at %u:%u, found %s",
					AT(t), lang_diag__show(&p->diag, &p->tok));
				break;
			}
			if (parse__advance(p) || !(n = parse__node(p, LANG_CAST, t.loc)))
				break;
			n->name = ty;
			n->len = strlen(ty);
			n->num = stars;
			if (!(n->a = parse_unary(p)))
				n = NULL;
			break;
		}
		/* fallthrough */
	default: n = parse_postfix(p, parse_primary(p)); break;
	}
	parse__leave(p);
	return n;
}

static struct lang_node *parse_binary(struct parser *p, int min)
{
	struct lang_node *lhs = parse_unary(p);

	while (lhs) {
		struct lang_tok t = p->tok;
		struct lang_node *n;
		int pr = prec(t.kind);

		if (!pr || pr < min)
			break;
		if (parse__advance(p))
			return NULL;
		if (p->in_pred && t.kind == LT_SLASH) {
			/* "/pid == 1/ printf(...)": a '/' that may have meant
			 * the predicate's end, for the message if none comes */
			p->pred_div = true;
			p->div_next = p->tok;
			if (!starts_expr(p->tok.kind)) {
				parse__error(p, NULL,
					     "a predicate must be followed by a block, found %s",
					     lang_diag__show(&p->diag, &p->tok));
				return NULL;
			}
		}
		if (!(n = parse__node(p, LANG_BINARY, t.loc)))
			return NULL;
		n->op = t.kind;
		n->a = lhs;
		if (!(n->b = parse_binary(p, pr + 1)))
			return NULL;
		lhs = n;
	}
	return lhs;
}

struct lang_node *parse__expr(struct parser *p)
{
	struct lang_tok t;
	struct lang_node *c = parse_binary(p, 1), *n;

	if (!c || p->tok.kind != LT_QUESTION)
		return c;
	t = p->tok;
	if (parse__enter(p))
		return NULL;
	n = parse__node(p, LANG_TERNARY, t.loc);
	if (!n || parse__advance(p) || !(n->b = parse__expr(p)))
		goto fail;
	if (p->tok.kind != LT_COLON) {
		parse__error(p, NULL, "expected ':' after the '?' at %u:%u, found %s", AT(t),
			     lang_diag__show(&p->diag, &p->tok));
		goto fail;
	}
	n->a = c;
	if (parse__advance(p) || !(n->c = parse__expr(p)))
		goto fail;
	parse__leave(p);
	return n;
fail:
	parse__leave(p);
	return NULL;
}
