// SPDX-License-Identifier: Apache-2.0
/* The tracing language's lexer (see lex.h). Bounded by len: the text need
 * not end in a NUL, and a NUL inside it is an error like any stray byte. */
#include <errno.h>
#include <string.h>
#include "lang/diag.h"
#include "lang/lex.h"

static const char *const spell[LT__COUNT] = {
	[LT_EOF] = "end of input",
	[LT_IDENT] = "identifier",
	[LT_VAR] = "variable",
	[LT_PARAM] = "positional parameter",
	[LT_MAP] = "map",
	[LT_INT] = "integer",
	[LT_STR] = "string",
	[LT_DIRECTIVE] = "directive",
	[LT_ATTACH] = "attach point",
	[LT_ENDPRED] = "/",
	[LT_LPAREN] = "(",
	[LT_RPAREN] = ")",
	[LT_LBRACE] = "{",
	[LT_RBRACE] = "}",
	[LT_LBRACKET] = "[",
	[LT_RBRACKET] = "]",
	[LT_COMMA] = ",",
	[LT_SEMI] = ";",
	[LT_COLON] = ":",
	[LT_QUESTION] = "?",
	[LT_DOT] = ".",
	[LT_ARROW] = "->",
	[LT_PLUS] = "+",
	[LT_MINUS] = "-",
	[LT_STAR] = "*",
	[LT_SLASH] = "/",
	[LT_PERCENT] = "%",
	[LT_INC] = "++",
	[LT_DEC] = "--",
	[LT_AMP] = "&",
	[LT_PIPE] = "|",
	[LT_CARET] = "^",
	[LT_TILDE] = "~",
	[LT_BANG] = "!",
	[LT_LAND] = "&&",
	[LT_LOR] = "||",
	[LT_EQ] = "==",
	[LT_NE] = "!=",
	[LT_LT] = "<",
	[LT_LE] = "<=",
	[LT_GT] = ">",
	[LT_GE] = ">=",
	[LT_SHL] = "<<",
	[LT_SHR] = ">>",
	[LT_ASSIGN] = "=",
	[LT_ADD_ASSIGN] = "+=",
	[LT_SUB_ASSIGN] = "-=",
	[LT_MUL_ASSIGN] = "*=",
	[LT_DIV_ASSIGN] = "/=",
	[LT_MOD_ASSIGN] = "%=",
	[LT_AND_ASSIGN] = "&=",
	[LT_OR_ASSIGN] = "|=",
	[LT_XOR_ASSIGN] = "^=",
	[LT_SHL_ASSIGN] = "<<=",
	[LT_SHR_ASSIGN] = ">>=",
};

/* Operators, longest first so that the first match is the right one. */
static const struct {
	const char *s;
	enum lang_tok_kind kind;
} ops[] = {
	{ "<<=", LT_SHL_ASSIGN }, { ">>=", LT_SHR_ASSIGN }, { "->", LT_ARROW },
	{ "++", LT_INC },	  { "--", LT_DEC },	    { "&&", LT_LAND },
	{ "||", LT_LOR },	  { "==", LT_EQ },	    { "!=", LT_NE },
	{ "<=", LT_LE },	  { ">=", LT_GE },	    { "<<", LT_SHL },
	{ ">>", LT_SHR },	  { "+=", LT_ADD_ASSIGN },  { "-=", LT_SUB_ASSIGN },
	{ "*=", LT_MUL_ASSIGN },  { "/=", LT_DIV_ASSIGN },  { "%=", LT_MOD_ASSIGN },
	{ "&=", LT_AND_ASSIGN },  { "|=", LT_OR_ASSIGN },   { "^=", LT_XOR_ASSIGN },
	{ "(", LT_LPAREN },	  { ")", LT_RPAREN },	    { "{", LT_LBRACE },
	{ "}", LT_RBRACE },	  { "[", LT_LBRACKET },	    { "]", LT_RBRACKET },
	{ ",", LT_COMMA },	  { ";", LT_SEMI },	    { ":", LT_COLON },
	{ "?", LT_QUESTION },	  { ".", LT_DOT },	    { "+", LT_PLUS },
	{ "-", LT_MINUS },	  { "*", LT_STAR },	    { "/", LT_SLASH },
	{ "%", LT_PERCENT },	  { "&", LT_AMP },	    { "|", LT_PIPE },
	{ "^", LT_CARET },	  { "~", LT_TILDE },	    { "!", LT_BANG },
	{ "<", LT_LT },		  { ">", LT_GT },	    { "=", LT_ASSIGN },
};

const char *lex__spell(enum lang_tok_kind kind)
{
	return (unsigned)kind < LT__COUNT && spell[kind] ? spell[kind] : "?";
}

void lex__init(struct lang_lex *lx, const char *text, size_t len, struct lang_diag *diag)
{
	memset(lx, 0, sizeof(*lx));
	lx->text = text;
	lx->len = len;
	lx->at.line = lx->at.col = 1;
	lx->diag = diag;
}

static bool is_alpha(int ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch == '_';
}

static bool is_digit(int ch) { return ch >= '0' && ch <= '9'; }

static bool is_alnum(int ch) { return is_alpha(ch) || is_digit(ch); }

static int hexval(int ch)
{
	if (is_digit(ch))
		return ch - '0';
	if ((ch | 0x20) >= 'a' && (ch | 0x20) <= 'f')
		return (ch | 0x20) - 'a' + 10;
	return -1;
}

/* The byte i past the cursor, or -1 past the end. */
static int peek(const struct lang_lex *lx, size_t i)
{
	return lx->at.off + i < lx->len ? (unsigned char)lx->text[lx->at.off + i] : -1;
}

static void bump(struct lang_lex *lx, size_t n)
{
	for (; n && lx->at.off < lx->len; n--) {
		if (lx->text[lx->at.off++] == '\n') {
			lx->at.line++;
			lx->at.col = 1;
		} else {
			lx->at.col++;
		}
	}
}

static int fail(struct lang_lex *lx, struct lang_tok *t, size_t n, const char *msg, const char *arg)
{
	t->len = n;
	return lang_diag__error(lx->diag, t->loc, n, msg, arg);
}

/* Whitespace and comments; a "#!" first line is a comment too. */
static int skip_space(struct lang_lex *lx, struct lang_tok *t)
{
	for (;;) {
		int ch = peek(lx, 0);

		if (ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == '\f' ||
		    ch == '\v') {
			bump(lx, 1);
		} else if ((ch == '/' && peek(lx, 1) == '/') ||
			   (ch == '#' && peek(lx, 1) == '!' && lx->at.off == 0)) {
			while (peek(lx, 0) >= 0 && peek(lx, 0) != '\n')
				bump(lx, 1);
		} else if (ch == '/' && peek(lx, 1) == '*') {
			t->loc = lx->at;
			bump(lx, 2);
			while (!(peek(lx, 0) == '*' && peek(lx, 1) == '/')) {
				if (peek(lx, 0) < 0)
					return fail(lx, t, 2, "unterminated comment", NULL);
				bump(lx, 1);
			}
			bump(lx, 2);
		} else {
			return 0;
		}
	}
}

static int lex_int(struct lang_lex *lx, struct lang_tok *t)
{
	size_t i = 0;
	uint64_t v = 0, base = 10;
	bool ovf = false;
	int d;

	if (peek(lx, 0) == '0' && (peek(lx, 1) | 0x20) == 'x') {
		base = 16;
		i = 2;
		if (hexval(peek(lx, 2)) < 0)
			return fail(lx, t, 2, "a hexadecimal literal needs digits after '0x'",
				    NULL);
	} else if (peek(lx, 0) == '0') {
		base = 8;
	}
	for (; (d = base == 16		    ? hexval(peek(lx, i))
		    : is_digit(peek(lx, i)) ? peek(lx, i) - '0'
					    : -1) >= 0;
	     i++) {
		if (base == 8 && d > 7)
			return fail(lx, t, i + 1, "invalid digit in octal literal", NULL);
		ovf |= v > (UINT64_MAX - d) / base;
		v = v * base + d;
	}
	/* bpftrace's "1e6": an integer times a power of ten */
	if (base == 10 && (peek(lx, i) | 0x20) == 'e' && is_digit(peek(lx, i + 1))) {
		uint64_t e = 0;

		for (i++; is_digit(peek(lx, i)); i++)
			e = e < 100 ? e * 10 + peek(lx, i) - '0' : e;
		for (; e && v; e--) {
			ovf |= v > UINT64_MAX / 10;
			v *= 10;
		}
	}
	if (is_alnum(peek(lx, i))) {
		while (is_alnum(peek(lx, i)))
			i++;
		return fail(lx, t, i, "invalid integer literal", NULL);
	}
	if (ovf)
		return fail(lx, t, i, "integer literal out of range", NULL);
	t->kind = LT_INT;
	t->num = v;
	bump(lx, i);
	t->len = i;
	return 0;
}

/* One escape at text[i] (after the backslash): its length, or 0. */
static size_t escape(const char *s, size_t i, size_t n, char *out)
{
	static const char plain[] = "n\nt\tr\r\\\\\"\"''a\ab\bf\fv\ve\033";
	unsigned v = 0;
	size_t k;

	if (i >= n)
		return 0;
	for (k = 0; plain[k]; k += 2)
		if (s[i] == plain[k]) {
			*out = plain[k + 1];
			return 1;
		}
	if (s[i] == 'x') {
		for (k = 1; k < 3 && i + k < n && hexval((unsigned char)s[i + k]) >= 0; k++)
			v = v * 16 + hexval((unsigned char)s[i + k]);
		*out = (char)v;
		return k > 1 ? k : 0;
	}
	for (k = 0; k < 3 && i + k < n && s[i + k] >= '0' && s[i + k] <= '7'; k++)
		v = v * 8 + s[i + k] - '0';
	*out = (char)v;
	return v > 0377 ? 0 : k;
}

static int lex_str(struct lang_lex *lx, struct lang_tok *t)
{
	size_t i = 1, bytes = 0, k;
	char ch;

	for (;;) {
		int c = peek(lx, i);

		if (c < 0 || c == '\n')
			return fail(lx, t, 1, "unterminated string", NULL);
		if (c == '"')
			break;
		if (c == '\\') {
			k = escape(lx->text + lx->at.off, i + 1, lx->len - lx->at.off, &ch);
			if (!k) {
				struct lang_tok e = *t;

				e.loc.off += i;
				e.loc.col += i;
				return fail(lx, &e, 2, "unknown escape sequence in string", NULL);
			}
			i += k;
		}
		i++;
		if (++bytes > LANG_STRING_MAX - 1)
			return fail(lx, t, 1, "string literal longer than 4095 bytes", NULL);
	}
	t->kind = LT_STR;
	t->len = i + 1;
	bump(lx, i + 1);
	return 0;
}

size_t lex__unescape(const char *text, const struct lang_tok *tok, char *out)
{
	const char *s = text + tok->loc.off;
	size_t n = tok->len - 1, o = 0;

	for (size_t i = 1; i < n && o < LANG_STRING_MAX; i++) {
		if (s[i] == '\\')
			i += escape(s, i + 1, n, &out[o++]);
		else
			out[o++] = s[i];
	}
	return o;
}

/* A name after a sigil or an identifier: [A-Za-z_][A-Za-z0-9_]*. */
static size_t name_len(const struct lang_lex *lx, size_t from)
{
	size_t i = from;

	if (!is_alpha(peek(lx, i)))
		return 0;
	while (is_alnum(peek(lx, i)))
		i++;
	return i - from;
}

static int lex_word(struct lang_lex *lx, struct lang_tok *t, enum lang_tok_kind kind, size_t len)
{
	if (len > LANG_IDENT_MAX)
		return fail(lx, t, len, "name longer than 255 bytes", NULL);
	t->kind = kind;
	t->len = len;
	bump(lx, len);
	return 0;
}

/* Whether the next token (past blanks and comments) is a '{'. */
static bool brace_follows(const struct lang_lex *lx)
{
	struct lang_lex l = *lx;
	struct lang_tok t;
	struct lang_diag quiet = *lx->diag;

	quiet.set = true; /* looking ahead says nothing */
	l.diag = &quiet;
	return !skip_space(&l, &t) && peek(&l, 0) == '{';
}

int lex__next(struct lang_lex *lx, struct lang_tok *t)
{
	int ch, err;
	size_t n;

	memset(t, 0, sizeof(*t));
	err = skip_space(lx, t);
	if (err)
		return err;
	t->loc = lx->at;
	ch = peek(lx, 0);
	if (ch < 0) {
		t->kind = LT_EOF;
		return 0;
	}
	if (is_alpha(ch))
		return lex_word(lx, t, LT_IDENT, name_len(lx, 0));
	if (is_digit(ch))
		return lex_int(lx, t);
	if (ch == '"')
		return lex_str(lx, t);
	if (ch == '@')
		return lex_word(lx, t, LT_MAP, 1 + name_len(lx, 1));
	if (ch == '$') {
		if (peek(lx, 1) == '#') {
			t->num = ~0ull;
			return lex_word(lx, t, LT_PARAM, 2);
		}
		if (is_digit(peek(lx, 1))) {
			for (n = 1; is_digit(peek(lx, n)); n++)
				t->num = t->num < 100000 ? t->num * 10 + peek(lx, n) - '0' : t->num;
			if (t->num == 0 || t->num >= 100000)
				return fail(lx, t, n, "positional parameters run from $1 to $99999",
					    NULL);
			return lex_word(lx, t, LT_PARAM, n);
		}
		n = name_len(lx, 1);
		if (!n)
			return fail(lx, t, 1, "expected a variable name after '$'", NULL);
		return lex_word(lx, t, LT_VAR, 1 + n);
	}
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		n = strlen(ops[i].s);
		if (lx->len - lx->at.off >= n && !memcmp(lx->text + lx->at.off, ops[i].s, n)) {
			t->kind = ops[i].kind;
			t->len = n;
			bump(lx, n);
			/* the grammar's trick: "/ {" can only end a predicate */
			if (t->kind == LT_SLASH && brace_follows(lx))
				t->kind = LT_ENDPRED;
			return 0;
		}
	}
	if (ch == 0)
		return fail(lx, t, 1, "unexpected NUL byte", NULL);
	if (ch >= 0x20 && ch < 0x7f) {
		char s[2] = { (char)ch, 0 };

		return fail(lx, t, 1, "unexpected character '%s'", s);
	}
	return fail(lx, t, 1, "unexpected byte (not ASCII)", NULL);
}

/* The binary of a uprobe, uretprobe or usdt may be a path. */
static bool path_probe(const char *s, size_t n)
{
	static const char *const types[] = { "uprobe", "uretprobe", "usdt", "u", "ur", "U" };

	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (strlen(types[i]) == n && !memcmp(s, types[i], n))
			return true;
	return false;
}

static bool attach_char(int ch)
{
	return is_alnum(ch) || ch == '.' || ch == '*' || ch == '?' || ch == '-' || ch == '+';
}

int lex__attach(struct lang_lex *lx, struct lang_tok *t)
{
	const char *s = lx->text + lx->at.off;
	size_t i = 0, type_len, part = 0;
	bool paths;
	int err;

	memset(t, 0, sizeof(*t));
	err = skip_space(lx, t);
	if (err)
		return err;
	t->loc = lx->at;
	s = lx->text + lx->at.off;
	if (peek(lx, 0) == '#') {
		while (peek(lx, i) >= 0 && peek(lx, i) != '\n')
			i++;
		t->kind = LT_DIRECTIVE;
		t->len = i;
		bump(lx, i);
		return 0;
	}
	if (!is_alpha(peek(lx, 0)))
		return lex__next(lx, t);
	type_len = name_len(lx, 0);
	paths = path_probe(s, type_len);
	for (i = type_len; peek(lx, i) == ':' || attach_char(peek(lx, i)) ||
			   (peek(lx, i) == '/' && paths && part == 1);
	     i++)
		part += peek(lx, i) == ':';
	if (i > 4 * LANG_IDENT_MAX)
		return fail(lx, t, i, "attach point longer than 1020 bytes", NULL);
	t->kind = LT_ATTACH;
	t->len = i;
	bump(lx, i);
	return 0;
}
