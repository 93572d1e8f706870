/* SPDX-License-Identifier: Apache-2.0 */
/* What parse.c (program, probes, statements) and parse_expr.c
 * (expressions, types) share. Private to src/lang. Every parse_*()
 * returns its node, or NULL with the error in p->err and the message in
 * the diag: the first error ends the parse. */
#ifndef SONDE_LANG_PARSE_INT_H
#define SONDE_LANG_PARSE_INT_H
#include <stdbool.h>
#include "lang/ast.h"
#include "lang/diag.h"
#include "lang/lex.h"

struct parser {
	struct lang_lex lx;
	struct lang_diag diag;
	struct lang_tok tok; /* the current token */
	struct lang_program *prog;
	struct lang_probe **probe_tail;	  /* where the next probe is linked: source order */
	struct lang_struct **struct_tail;
	unsigned depth;
	unsigned loops; /* while loops around the statement */
	bool in_pred;
	bool pred_div;		  /* a '/' was met in the predicate: maybe its end */
	struct lang_tok div_next; /* the token after it */
	int err;
	char sbuf[LANG_STRING_MAX]; /* a string literal, unescaped */
};

/* Moves to the next token (ordinary mode): 0 or the error. */
int parse__advance(struct parser *p);
/* Expect the current token to be kind; if so, consume it. */
int parse__expect(struct parser *p, enum lang_tok_kind kind, const char *what);
/* An error at t (or the current token): sets p->err, returns it. */
int parse__error(struct parser *p, const struct lang_tok *t, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* A node, or the error set (node cap, memory). */
struct lang_node *parse__node(struct parser *p, enum lang_kind kind, struct lang_loc loc);
/* A NUL-terminated arena copy of s[0..n), or of the text at off: NULL
 * with the error set when the arena is full. */
const char *parse__dup(struct parser *p, const char *s, size_t n);
const char *parse__text(struct parser *p, size_t off, size_t len);
bool parse__is(const struct parser *p, const char *word);
/* Depth guard around recursion: 0, or the error. */
int parse__enter(struct parser *p);
static inline void parse__leave(struct parser *p) { p->depth--; }

/* An expression (assignment excluded: that is a statement). */
struct lang_node *parse__expr(struct parser *p);
/* A type at the current token (after '(' in a cast, in sizeof): its
 * spelling into the arena, or NULL with the error. */
const char *parse__type(struct parser *p, uint64_t *stars);
/* Whether the current token starts a type, looking as far as needed. */
bool parse__type_ahead(struct parser *p);
#endif
