/* SPDX-License-Identifier: Apache-2.0 */
/* What check.c (probes, statements, variables, maps), check_expr.c
 * (expressions) and builtins.c (builtins, functions, printf) share.
 * Private to src/lang. Every check__*() returns 0, or the error with the
 * message in the diag: the first error ends the check. */
#ifndef SONDE_LANG_CHECK_INT_H
#define SONDE_LANG_CHECK_INT_H
#include <stdbool.h>
#include <stdint.h>
#include "lang/check.h"
#include "lang/diag.h"

/* Probe types, as bits: which builtins a probe may use. */
enum {
	PT_BEGIN = 1 << 0,
	PT_END = 1 << 1,
	PT_TRACEPOINT = 1 << 2,
	PT_RAWTP = 1 << 3,
	PT_KPROBE = 1 << 4,
	PT_KRETPROBE = 1 << 5,
	PT_KFUNC = 1 << 6,
	PT_KRETFUNC = 1 << 7,
	PT_UPROBE = 1 << 8,
	PT_URETPROBE = 1 << 9,
	PT_USDT = 1 << 10,
	PT_PROFILE = 1 << 11,
	PT_INTERVAL = 1 << 12,
	PT_SOFTWARE = 1 << 13,
	PT_HARDWARE = 1 << 14,
};

struct checker {
	struct lang_program *prog;
	const struct lang_env *env;
	struct lang_diag diag;
	int err;
	/* The first pass only learns every map's kind, so that a probe may
	 * read a map a later probe assigns; its errors are not reported. */
	bool pass1;
	struct lang_probe *probe; /* the one being checked */
	unsigned ptypes;	  /* its attach points' PT_ bits */
	char pname[LANG_IDENT_MAX + 16]; /* its first attach point, spelt out */
	unsigned pname_max;	  /* the longest name of its attach points, NUL included */
	bool agg_ok;		  /* checking the right side of @m = agg(...) */
	int64_t lhist[3];	  /* the last lhist()'s min, max, step */
	struct lang_tp_format *scratch;
};

int check__error(struct checker *c, struct lang_loc loc, size_t n, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
void *check__alloc(struct checker *c, size_t size);

/* check_probe.c: a probe's attach points exist on this kernel, its
 * tracepoints expanded; and c's view of the probe being checked. */
int check__resolve_probe(struct checker *c, struct lang_probe *p);
void check__probe_bits(struct checker *c, struct lang_probe *p);
unsigned check__type_bit(const char *type);
/* printf.c: printf(), cat(), system(): the format against the arguments. */
int check__format(struct checker *c, struct lang_node *n);
int check__var_read(struct checker *c, struct lang_node *n);
int check__incdec(struct checker *c, struct lang_node *n);

/* An expression's type into n->type. */
int check__expr(struct checker *c, struct lang_node *n);
/* A call: stmt when it is a statement of its own (printf, join, ...). */
int check__call(struct checker *c, struct lang_node *n, bool stmt);
int check__ident(struct checker *c, struct lang_node *n);
/* A map used as a value (n a LANG_MAP with its keys). */
int check__map_read(struct checker *c, struct lang_node *n);
/* The keys of a map node against the map's one key signature. */
int check__map_keys(struct checker *c, struct lang_node *n);
struct lang_map *check__map(struct checker *c, struct lang_node *n);
/* Whether a call is to an aggregation (count, hist, ...): its kind. */
enum lang_map_kind check__agg_kind(const struct lang_node *n);
/* A type's name for messages: "an integer", "a string", "a kstack". */
const char *check__what(const struct lang_type *t);
/* The integer a C type text names ("u32", "unsigned long", "pid_t"):
 * 0 and *t, or -1. */
int check__int_type(const char *text, struct lang_type *t);

static inline struct lang_type type_int(unsigned size, bool is_signed)
{
	return (struct lang_type){ .kind = LANG_T_INT, .size = size, .is_signed = is_signed };
}

static inline struct lang_type type_str(unsigned size)
{
	return (struct lang_type){ .kind = LANG_T_STRING, .size = size };
}

static inline bool is_int(const struct lang_type *t) { return t->kind == LANG_T_INT; }
/* What may stand for a truth value: integers and pointers. */
static inline bool is_cond(const struct lang_type *t)
{
	return t->kind == LANG_T_INT || t->kind == LANG_T_PTR;
}
#endif
