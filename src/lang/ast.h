/* SPDX-License-Identifier: Apache-2.0 */
/* The syntax tree of a tracing-language program, as the parser leaves it
 * for the type checker and the code generator. Everything lives in one
 * arena owned by the program: lang_program__free() releases it all.
 *
 * lang_program__dump() writes the tree as one line of S-expressions, the
 * form tests assert on. The format, stable:
 *   program   (program DIRECTIVE... STRUCT... PROBE...)
 *   directive (include <linux/sched.h>) (include "x.h") (directive "#ifndef X")
 *   struct    (struct NAME (field "TYPE" NAME)...), (union ...) likewise;
 *             a body that is not a plain list of "TYPE NAME;" is (struct NAME raw)
 *   probe     (probe ATTACH... [(pred EXPR)] (block STMT...))
 *   attach    (TYPE PART...) with TYPE spelt out (k: -> kprobe) and each
 *             ':'-separated part as written, wildcards kept: (BEGIN),
 *             (tracepoint syscalls sys_enter_exec*), (uretprobe /bin/bash readline)
 *   stmt      EXPR | (= LVALUE EXPR) | (+= LVALUE EXPR) ... | (if EXPR BLOCK [BLOCK|IF])
 *             | (unroll N BLOCK) | (while EXPR BLOCK) | (return) | (break) | (continue)
 *   expr      42 | "str" (C escapes) | $x | (param 1) | (param #) | (map @name KEY...)
 *             | (builtin NAME) (any bare identifier: builtins, enum constants)
 *             | (call NAME ARG...) | (-> EXPR FIELD) | (. EXPR FIELD) | (index EXPR EXPR)
 *             | (cast "TYPE" EXPR) | (type "TYPE") (sizeof/offsetof arguments)
 *             | (OP EXPR) for unary - ! ~ * & | (pre++ EXPR) (post-- EXPR) ...
 *             | (OP EXPR EXPR) for binary operators | (? EXPR EXPR EXPR)
 * A TYPE is spelt with single spaces and its stars last: "struct sock *",
 * "unsigned int", "uint64".
 *
 * After lang__check() (check.h) every expression node carries its type,
 * the program its table of maps, each probe its variables and each
 * tracepoint attach point the tracepoints it expands to;
 * lang_program__dump_typed() shows the types: after each expression
 * ":TYPE" as lang_type__name() spells it, "(builtin pid):uint32". */
#ifndef SONDE_LANG_AST_H
#define SONDE_LANG_AST_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "lang/lex.h"

#define LANG_NODES_MAX	  200000 /* nodes of all kinds in one program */
#define LANG_ARENA_MAX	  (32u << 20)
#define LANG_ATTACH_PARTS 4

/* What a value is, for the code generator: how big, how it is read and
 * printed. Integers are 64-bit once loaded (size is what the source
 * holds: 4 for a 4-byte tracepoint field). */
enum lang_type_kind {
	LANG_T_NONE,	/* no value: statements, void calls */
	LANG_T_INT,	/* size 1, 2, 4, 8 bytes; is_signed */
	LANG_T_STRING,	/* size bytes, NUL included */
	LANG_T_PTR,	/* 8 bytes; pointee names the type pointed to, user: user memory */
	LANG_T_ARRAY,	/* array_len elements of elem_size bytes (size: all) */
	LANG_T_BUF,	/* buf(): size bytes, printed as hex escapes */
	LANG_T_KSTACK,	/* size: frames */
	LANG_T_USTACK,
	LANG_T_KSYM,	/* an address printed as a kernel symbol (ksym(), func) */
	LANG_T_USYM,	/* ... as a user symbol */
	LANG_T_INET,	/* ntop(): an address of size 4 or 16 bytes */
	LANG_T_TIME,	/* strftime(): a u64 time, formatted on output */
	LANG_T_RECORD,	/* args: the tracepoint's record (only ->field reads it) */
	LANG_T_AGG,	/* the value of an aggregation call: count(), hist(), ... */
};

struct lang_type {
	enum lang_type_kind kind;
	unsigned size;
	bool is_signed;
	bool user;	     /* LANG_T_PTR, LANG_T_STRING read from user memory */
	unsigned array_len;  /* LANG_T_ARRAY */
	unsigned elem_size;  /* LANG_T_ARRAY */
	const char *pointee; /* LANG_T_PTR: "const char", "struct task_struct" */
};

/* A map's value, one kind per map across the program. */
enum lang_map_kind {
	LANG_MV_NONE,  /* only read, deleted or cleared: an error for lang__check() */
	LANG_MV_VALUE, /* a plain value: the map's value type says which */
	LANG_MV_COUNT,
	LANG_MV_SUM,
	LANG_MV_AVG,
	LANG_MV_MIN,
	LANG_MV_MAX,
	LANG_MV_STATS,
	LANG_MV_HIST,
	LANG_MV_LHIST,
};

#define LANG_MAP_KEYS_MAX 8

struct lang_map {
	const char *name; /* "@x", "@" */
	unsigned id;	  /* its index in the program's list */
	unsigned nkeys;	  /* 0: a map without keys (one value) */
	struct lang_type keys[LANG_MAP_KEYS_MAX];
	enum lang_map_kind kind;
	struct lang_type value; /* LANG_MV_VALUE's type; aggregations: LANG_T_AGG */
	int64_t lhist_min, lhist_max, lhist_step;
	struct lang_loc loc;	 /* its first use */
	struct lang_loc def_loc; /* where its kind was set */
	struct lang_map *next;
};

/* A variable of one probe: one type for all its assignments. */
struct lang_var {
	const char *name; /* "$x" */
	unsigned id;	  /* its index in the probe's list */
	struct lang_type type;
	struct lang_loc loc; /* its first assignment */
	struct lang_var *next;
};

struct lang_tp_format;

/* One tracepoint a tracepoint attach point expands to (its wildcards
 * resolved), with the record format the code generator reads args by. */
struct lang_tp_ref {
	const char *cat, *name;
	const struct lang_tp_format *fmt;
	struct lang_tp_ref *next;
};

#define LANG_FIELD_VARIES (~0u) /* field_off when the expanded tracepoints disagree */

enum lang_kind {
	LANG_INT,     /* num */
	LANG_STR,     /* name[len] (may hold NULs; NUL-terminated too) */
	LANG_VAR,     /* name "$x" */
	LANG_PARAM,   /* num: 1..., ~0 for $# */
	LANG_MAP,     /* name "@m" or "@"; kids: the keys */
	LANG_IDENT,   /* name: a builtin or any bare identifier */
	LANG_CALL,    /* name; kids: the arguments */
	LANG_FIELD,   /* a.NAME or a->NAME (op LT_DOT or LT_ARROW) */
	LANG_INDEX,   /* a[b] */
	LANG_CAST,    /* (name) a, num pointer levels already in name */
	LANG_TYPE,    /* name: a type as a call's argument */
	LANG_UNARY,   /* op a */
	LANG_INCDEC,  /* op (LT_INC, LT_DEC) a, post or pre */
	LANG_BINARY,  /* a op b */
	LANG_TERNARY, /* a ? b : c */
	LANG_ASSIGN,  /* a op b, op LT_ASSIGN or a compound one */
	LANG_IF,      /* if (a) b else c (c: a block, an IF or NULL) */
	LANG_UNROLL,  /* num times b */
	LANG_WHILE,   /* while (a) b */
	LANG_RETURN,
	LANG_BREAK,
	LANG_CONTINUE,
	LANG_BLOCK, /* kids: the statements */
};

struct lang_node {
	enum lang_kind kind;
	enum lang_tok_kind op;
	bool post;	     /* LANG_INCDEC: x++ rather than ++x */
	struct lang_loc loc; /* its first token (a binary one: its operator) */
	const char *name;    /* see the kinds */
	size_t len;	     /* strlen(name), or a string's byte count */
	uint64_t num;
	struct lang_node *a, *b, *c;
	struct lang_node *kids; /* linked by next */
	unsigned nkids;
	struct lang_node *next;
	/* set by lang__check() */
	struct lang_type type;
	unsigned id;	    /* LANG_IDENT: enum lang_builtin; LANG_CALL: enum lang_func;
			     * LANG_VAR: the variable's id; LANG_MAP: the map's id */
	struct lang_map *map; /* LANG_MAP */
	/* LANG_FIELD on args: the field's place in the record (field_off
	 * LANG_FIELD_VARIES when the probe's tracepoints differ: look it up
	 * by name in each one's format) and whether it is a __data_loc. */
	unsigned field_off, field_size;
	bool data_loc;
};

struct lang_attach {
	const char *type; /* spelt out: "tracepoint", "BEGIN", ... */
	const char *raw;  /* as written: "t:syscalls:sys_enter_*" */
	const char *parts[LANG_ATTACH_PARTS];
	unsigned nparts;
	struct lang_loc loc;
	struct lang_tp_ref *tps; /* tracepoint: what it expands to (lang__check()) */
	unsigned ntps;
	struct lang_attach *next;
};

struct lang_probe {
	struct lang_attach *attach;
	unsigned nattach;
	struct lang_node *pred; /* or NULL */
	struct lang_node *body; /* a LANG_BLOCK */
	struct lang_loc loc;
	struct lang_var *vars; /* lang__check(): its variables */
	unsigned nvars;
	struct lang_probe *next;
};

struct lang_directive {
	const char *text;    /* the whole line, "#include <linux/sched.h>" */
	const char *include; /* "<linux/sched.h>", "\"x.h\"" or NULL */
	struct lang_loc loc;
	struct lang_directive *next;
};

struct lang_field {
	const char *type, *name;
	struct lang_field *next;
};

struct lang_struct {
	const char *name;
	bool is_union;
	bool simple;	  /* fields holds every member */
	const char *body; /* the text between the braces */
	size_t body_len;
	struct lang_field *fields;
	struct lang_loc loc;
	struct lang_struct *next;
};

struct lang_arena;

struct lang_program {
	const char *file;
	struct lang_directive *directives;
	struct lang_struct *structs;
	struct lang_probe *probes;
	unsigned nprobes;
	struct lang_map *maps; /* lang__check(): every map, in order of first use */
	unsigned nmaps;
	struct lang_arena *arena;
};

/* An empty program with its arena; NULL and errno on failure. */
struct lang_program *lang_program__new(const char *file);
void lang_program__free(struct lang_program *prog);
/* Zeroed memory from the program's arena: NULL when it runs out (errno
 * ENOMEM) or when the node or byte cap is reached (errno E2BIG). */
void *lang_program__alloc(struct lang_program *prog, size_t size);
struct lang_node *lang_program__node(struct lang_program *prog, enum lang_kind kind,
				     struct lang_loc loc);
/* A NUL-terminated copy of s[0..n) in the arena. */
char *lang_program__strdup(struct lang_program *prog, const char *s, size_t n);

/* The S-expression of a program or of one node (format above) into buf,
 * NUL-terminated and cut to size; returns the length it would have had,
 * like snprintf. */
size_t lang_program__dump(const struct lang_program *prog, char *buf, size_t size);
size_t lang_node__dump(const struct lang_node *node, char *buf, size_t size);
size_t lang_probe__dump(const struct lang_probe *probe, char *buf, size_t size);
/* The same with each checked expression's ":TYPE" (see above). */
size_t lang_program__dump_typed(const struct lang_program *prog, char *buf, size_t size);
size_t lang_node__dump_typed(const struct lang_node *node, char *buf, size_t size);
/* A type as the typed dump spells it: "int64", "uint32", "string[16]",
 * "ptr(const char)", "uptr(const char)", "kstack", "array(8x6)"... */
size_t lang_type__name(const struct lang_type *t, char *buf, size_t size);
#endif
