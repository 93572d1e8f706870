/* SPDX-License-Identifier: Apache-2.0 */
/* Tokens of the tracing language (issue 15), after bpftrace 0.17's lexer.
 * The lexer is pulled by the parser one token at a time and has two modes:
 * the ordinary one, and lex__attach() for the start of a probe, where an
 * attach point such as "uprobe:/usr/lib/libc.so.6:malloc" or
 * "tracepoint:syscalls:sys_enter_exec*" is one word. Its state is a plain
 * value, so the parser may copy it to look ahead and restore it after. */
#ifndef SONDE_LANG_LEX_H
#define SONDE_LANG_LEX_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LANG_IDENT_MAX	255  /* identifiers, variables, maps, attach points */
#define LANG_STRING_MAX 4096 /* a string literal's bytes after its escapes */

enum lang_tok_kind {
	LT_EOF,
	LT_IDENT,     /* comm, printf, struct, if, ... (keywords are the parser's) */
	LT_VAR,	      /* $name */
	LT_PARAM,     /* $1 ..., $# (num is ~0) */
	LT_MAP,	      /* @name or a bare @ */
	LT_INT,	      /* num holds the value */
	LT_STR,	      /* "...", escapes checked; lex__unescape() decodes */
	LT_DIRECTIVE, /* a whole "#..." line (lex__attach() only) */
	LT_ATTACH,    /* an attach point word (lex__attach() only) */
	LT_ENDPRED,   /* a '/' whose next token is '{': the end of a predicate */
	LT_LPAREN,
	LT_RPAREN,
	LT_LBRACE,
	LT_RBRACE,
	LT_LBRACKET,
	LT_RBRACKET,
	LT_COMMA,
	LT_SEMI,
	LT_COLON,
	LT_QUESTION,
	LT_DOT,
	LT_ARROW,
	LT_PLUS,
	LT_MINUS,
	LT_STAR,
	LT_SLASH,
	LT_PERCENT,
	LT_INC,
	LT_DEC,
	LT_AMP,
	LT_PIPE,
	LT_CARET,
	LT_TILDE,
	LT_BANG,
	LT_LAND,
	LT_LOR,
	LT_EQ,
	LT_NE,
	LT_LT,
	LT_LE,
	LT_GT,
	LT_GE,
	LT_SHL,
	LT_SHR,
	LT_ASSIGN,
	LT_ADD_ASSIGN,
	LT_SUB_ASSIGN,
	LT_MUL_ASSIGN,
	LT_DIV_ASSIGN,
	LT_MOD_ASSIGN,
	LT_AND_ASSIGN,
	LT_OR_ASSIGN,
	LT_XOR_ASSIGN,
	LT_SHL_ASSIGN,
	LT_SHR_ASSIGN,
	LT__COUNT
};

/* Where a token or node starts: byte offset, 1-based line and column
 * (columns count bytes; a tab is one). */
struct lang_loc {
	size_t off;
	unsigned line, col;
};

struct lang_tok {
	enum lang_tok_kind kind;
	struct lang_loc loc;
	size_t len;   /* bytes of source text */
	uint64_t num; /* LT_INT value, LT_PARAM index */
};

struct lang_diag;

struct lang_lex {
	const char *text;
	size_t len;
	struct lang_loc at; /* the next byte to read */
	struct lang_diag *diag;
};

void lex__init(struct lang_lex *lx, const char *text, size_t len, struct lang_diag *diag);
/* The next token in the ordinary mode: 0, or -EINVAL with the message in
 * the diag (tok then holds the offending span). */
int lex__next(struct lang_lex *lx, struct lang_tok *tok);
/* The next token at the start of a probe: a directive line, an attach
 * point word, or else what lex__next() would give. A '/' belongs to the
 * word only inside the binary of a uprobe, uretprobe or usdt, so that
 * "kprobe:f/pid/" still has its predicate. */
int lex__attach(struct lang_lex *lx, struct lang_tok *tok);
/* The bytes of a string token (checked by the lexer) without quotes and
 * escapes, into out (LANG_STRING_MAX bytes); returns their count. */
size_t lex__unescape(const char *text, const struct lang_tok *tok, char *out);
/* How a token kind is written: "+=", "end of input", "identifier". */
const char *lex__spell(enum lang_tok_kind kind);
#endif
