// SPDX-License-Identifier: Apache-2.0
/* The tree's arena and its S-expression dump (format in ast.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lang/ast.h"

#define CHUNK (64u << 10)

struct chunk {
	struct chunk *next;
	size_t used, size;
	max_align_t data[];
};

struct lang_arena {
	struct chunk *head;
	size_t bytes;
	unsigned nodes;
};

struct lang_program *lang_program__new(const char *file)
{
	struct lang_program *prog = calloc(1, sizeof(*prog));

	if (!prog)
		return NULL;
	prog->arena = calloc(1, sizeof(*prog->arena));
	if (!prog->arena) {
		free(prog);
		return NULL;
	}
	prog->file = file;
	return prog;
}

void lang_program__free(struct lang_program *prog)
{
	struct chunk *c, *next;

	if (!prog)
		return;
	for (c = prog->arena ? prog->arena->head : NULL; c; c = next) {
		next = c->next;
		free(c);
	}
	free(prog->arena);
	free(prog);
}

void *lang_program__alloc(struct lang_program *prog, size_t size)
{
	struct lang_arena *a = prog->arena;
	struct chunk *c = a->head;
	size_t al = sizeof(max_align_t);
	void *p;

	size = (size + al - 1) / al * al;
	if (a->bytes + size > LANG_ARENA_MAX) {
		errno = E2BIG;
		return NULL;
	}
	if (!c || c->size - c->used < size) {
		size_t csize = size > CHUNK ? size : CHUNK;

		c = malloc(sizeof(*c) + csize);
		if (!c) {
			errno = ENOMEM;
			return NULL;
		}
		c->used = 0;
		c->size = csize;
		c->next = a->head;
		a->head = c;
	}
	p = (char *)c->data + c->used;
	c->used += size;
	a->bytes += size;
	memset(p, 0, size);
	return p;
}

struct lang_node *lang_program__node(struct lang_program *prog, enum lang_kind kind,
				     struct lang_loc loc)
{
	struct lang_node *n;

	if (prog->arena->nodes >= LANG_NODES_MAX) {
		errno = E2BIG;
		return NULL;
	}
	n = lang_program__alloc(prog, sizeof(*n));
	if (!n)
		return NULL;
	prog->arena->nodes++;
	n->kind = kind;
	n->loc = loc;
	return n;
}

char *lang_program__strdup(struct lang_program *prog, const char *s, size_t n)
{
	char *d = lang_program__alloc(prog, n + 1);

	if (d) {
		memcpy(d, s, n);
		d[n] = '\0';
	}
	return d;
}

/* ---- dump ---- */

struct out {
	char *b;
	size_t size, n;
	bool typed;
};

static void put(struct out *o, const char *s, size_t n)
{
	if (o->n < o->size) {
		size_t room = o->size - o->n - 1, k = n < room ? n : room;

		memcpy(o->b + o->n, s, k);
		o->b[o->n + k] = '\0';
	}
	o->n += n;
}

static void puts_(struct out *o, const char *s) { put(o, s, strlen(s)); }

static void putf(struct out *o, const char *fmt, unsigned long long v)
{
	char b[32];
	int n = snprintf(b, sizeof(b), fmt, v);

	put(o, b, n > 0 ? n : 0);
}

/* A string in C syntax: the dump stays one printable line. */
static void put_quoted(struct out *o, const char *s, size_t n)
{
	put(o, "\"", 1);
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = s[i];

		if (ch == '\n')
			puts_(o, "\\n");
		else if (ch == '\t')
			puts_(o, "\\t");
		else if (ch == '"' || ch == '\\') {
			put(o, "\\", 1);
			put(o, (char *)&ch, 1);
		} else if (ch < 0x20 || ch >= 0x7f)
			putf(o, "\\x%02llx", ch);
		else
			put(o, (char *)&ch, 1);
	}
	put(o, "\"", 1);
}

static void dump_node(struct out *o, const struct lang_node *n);

static void dump_kids(struct out *o, const struct lang_node *k)
{
	for (; k; k = k->next) {
		put(o, " ", 1);
		dump_node(o, k);
	}
}

size_t lang_type__name(const struct lang_type *t, char *buf, size_t size)
{
	int n;

	switch (t->kind) {
	case LANG_T_INT:
		n = snprintf(buf, size, "%sint%u", t->is_signed ? "" : "u", t->size * 8);
		break;
	case LANG_T_STRING: n = snprintf(buf, size, "%sstring[%u]", t->user ? "u" : "", t->size); break;
	case LANG_T_PTR:
		n = snprintf(buf, size, "%sptr(%s)", t->user ? "u" : "",
			     t->pointee ? t->pointee : "void");
		break;
	case LANG_T_ARRAY: n = snprintf(buf, size, "array(%ux%u)", t->elem_size, t->array_len); break;
	case LANG_T_BUF: n = snprintf(buf, size, "buf[%u]", t->size); break;
	case LANG_T_KSTACK: n = snprintf(buf, size, "kstack(%u)", t->size); break;
	case LANG_T_USTACK: n = snprintf(buf, size, "ustack(%u)", t->size); break;
	case LANG_T_KSYM: n = snprintf(buf, size, "ksym"); break;
	case LANG_T_USYM: n = snprintf(buf, size, "usym"); break;
	case LANG_T_INET: n = snprintf(buf, size, "inet[%u]", t->size); break;
	case LANG_T_TIME: n = snprintf(buf, size, "time"); break;
	case LANG_T_RECORD: n = snprintf(buf, size, "record"); break;
	case LANG_T_AGG: n = snprintf(buf, size, "agg"); break;
	default: n = snprintf(buf, size, "none"); break;
	}
	return n < 0 ? 0 : (size_t)n;
}

static void dump_plain(struct out *o, const struct lang_node *n);

static void dump_node(struct out *o, const struct lang_node *n)
{
	char t[128];

	dump_plain(o, n);
	if (o->typed && n && n->type.kind != LANG_T_NONE) {
		lang_type__name(&n->type, t, sizeof(t));
		put(o, ":", 1);
		puts_(o, t);
	}
}

static void dump_plain(struct out *o, const struct lang_node *n)
{
	if (!n) {
		puts_(o, "()");
		return;
	}
	switch (n->kind) {
	case LANG_INT: putf(o, "%llu", n->num); return;
	case LANG_STR: put_quoted(o, n->name, n->len); return;
	case LANG_VAR: puts_(o, n->name); return;
	case LANG_PARAM:
		if (n->num == ~0ull)
			puts_(o, "(param #)");
		else
			putf(o, "(param %llu)", n->num);
		return;
	default: break;
	}
	put(o, "(", 1);
	switch (n->kind) {
	case LANG_MAP:
		puts_(o, "map ");
		puts_(o, n->name);
		dump_kids(o, n->kids);
		break;
	case LANG_IDENT:
		puts_(o, "builtin ");
		puts_(o, n->name);
		break;
	case LANG_CALL:
		puts_(o, "call ");
		puts_(o, n->name);
		dump_kids(o, n->kids);
		break;
	case LANG_FIELD:
		puts_(o, lex__spell(n->op));
		put(o, " ", 1);
		dump_node(o, n->a);
		put(o, " ", 1);
		puts_(o, n->name);
		break;
	case LANG_INDEX:
		puts_(o, "index ");
		dump_node(o, n->a);
		put(o, " ", 1);
		dump_node(o, n->b);
		break;
	case LANG_CAST:
	case LANG_TYPE:
		puts_(o, n->kind == LANG_CAST ? "cast " : "type ");
		put_quoted(o, n->name, n->len);
		if (n->kind == LANG_CAST) {
			put(o, " ", 1);
			dump_node(o, n->a);
		}
		break;
	case LANG_INCDEC:
		puts_(o, n->post ? "post" : "pre");
		/* fallthrough */
	case LANG_UNARY:
		puts_(o, lex__spell(n->op));
		put(o, " ", 1);
		dump_node(o, n->a);
		break;
	case LANG_BINARY:
	case LANG_ASSIGN:
		puts_(o, lex__spell(n->op));
		put(o, " ", 1);
		dump_node(o, n->a);
		put(o, " ", 1);
		dump_node(o, n->b);
		break;
	case LANG_TERNARY:
		puts_(o, "? ");
		dump_node(o, n->a);
		put(o, " ", 1);
		dump_node(o, n->b);
		put(o, " ", 1);
		dump_node(o, n->c);
		break;
	case LANG_IF:
		puts_(o, "if ");
		dump_node(o, n->a);
		put(o, " ", 1);
		dump_node(o, n->b);
		if (n->c) {
			put(o, " ", 1);
			dump_node(o, n->c);
		}
		break;
	case LANG_UNROLL:
		putf(o, "unroll %llu ", n->num);
		dump_node(o, n->b);
		break;
	case LANG_WHILE:
		puts_(o, "while ");
		dump_node(o, n->a);
		put(o, " ", 1);
		dump_node(o, n->b);
		break;
	case LANG_RETURN: puts_(o, "return"); break;
	case LANG_BREAK: puts_(o, "break"); break;
	case LANG_CONTINUE: puts_(o, "continue"); break;
	case LANG_BLOCK:
		puts_(o, "block");
		dump_kids(o, n->kids);
		break;
	default: puts_(o, "?"); break;
	}
	put(o, ")", 1);
}

static void dump_probe(struct out *o, const struct lang_probe *p)
{
	puts_(o, "(probe");
	for (const struct lang_attach *a = p->attach; a; a = a->next) {
		puts_(o, " (");
		puts_(o, a->type);
		for (unsigned i = 0; i < a->nparts; i++) {
			put(o, " ", 1);
			puts_(o, a->parts[i]);
		}
		put(o, ")", 1);
	}
	if (p->pred) {
		puts_(o, " (pred ");
		dump_node(o, p->pred);
		put(o, ")", 1);
	}
	put(o, " ", 1);
	dump_node(o, p->body);
	put(o, ")", 1);
}

static size_t finish(struct out *o)
{
	if (o->size && o->n < o->size)
		o->b[o->n] = '\0';
	return o->n;
}

size_t lang_node__dump(const struct lang_node *node, char *buf, size_t size)
{
	struct out o = { buf, size, 0, false };

	dump_node(&o, node);
	return finish(&o);
}

size_t lang_node__dump_typed(const struct lang_node *node, char *buf, size_t size)
{
	struct out o = { buf, size, 0, true };

	dump_node(&o, node);
	return finish(&o);
}

size_t lang_probe__dump(const struct lang_probe *probe, char *buf, size_t size)
{
	struct out o = { buf, size, 0, false };

	dump_probe(&o, probe);
	return finish(&o);
}

static size_t dump_program(const struct lang_program *prog, char *buf, size_t size, bool typed)
{
	struct out o = { buf, size, 0, typed };

	if (size)
		buf[0] = '\0';
	puts_(&o, "(program");
	for (const struct lang_directive *d = prog->directives; d; d = d->next) {
		if (d->include) {
			puts_(&o, " (include ");
			puts_(&o, d->include);
		} else {
			puts_(&o, " (directive ");
			put_quoted(&o, d->text, strlen(d->text));
		}
		put(&o, ")", 1);
	}
	for (const struct lang_struct *s = prog->structs; s; s = s->next) {
		puts_(&o, s->is_union ? " (union " : " (struct ");
		puts_(&o, s->name);
		if (!s->simple)
			puts_(&o, " raw");
		for (const struct lang_field *f = s->simple ? s->fields : NULL; f; f = f->next) {
			puts_(&o, " (field ");
			put_quoted(&o, f->type, strlen(f->type));
			put(&o, " ", 1);
			puts_(&o, f->name);
			put(&o, ")", 1);
		}
		put(&o, ")", 1);
	}
	for (const struct lang_probe *p = prog->probes; p; p = p->next) {
		put(&o, " ", 1);
		dump_probe(&o, p);
	}
	put(&o, ")", 1);
	return finish(&o);
}

size_t lang_program__dump(const struct lang_program *prog, char *buf, size_t size)
{
	return dump_program(prog, buf, size, false);
}

size_t lang_program__dump_typed(const struct lang_program *prog, char *buf, size_t size)
{
	return dump_program(prog, buf, size, true);
}
