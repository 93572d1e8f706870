// SPDX-License-Identifier: Apache-2.0
/* Builtins (pid, comm, args, retval, ...) and functions (printf, str,
 * count, lhist, ...): which probes allow them, their arguments and the
 * type of their value, as bpftrace 0.17's reference guide has them. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "lib/suggest.h"
#include "lang/check_int.h"
#include "lang/builtins.h"

#define KPROBES	 (PT_KPROBE | PT_KRETPROBE | PT_KFUNC | PT_KRETFUNC)
#define UPROBES	 (PT_UPROBE | PT_URETPROBE | PT_USDT)
#define ANY	 (~0u)
#define NOT_BE	 (~(unsigned)(PT_BEGIN | PT_END))
#define STACK_MAX 1024
#define STR_MAX	 200
#define STR_DEFAULT 64
#define KSTACK_DEFAULT 127


static const struct builtin {
	const char *name;
	enum lang_builtin id;
	unsigned allow;
	const char *where; /* for the message when not allowed */
} builtins[] = {
	{ "pid", B_PID, ANY, NULL },	     { "tid", B_TID, ANY, NULL },
	{ "uid", B_UID, ANY, NULL },	     { "gid", B_GID, ANY, NULL },
	{ "cpu", B_CPU, ANY, NULL },	     { "rand", B_RAND, ANY, NULL },
	{ "nsecs", B_NSECS, ANY, NULL },     { "elapsed", B_ELAPSED, ANY, NULL },
	{ "cgroup", B_CGROUP, ANY, NULL },   { "comm", B_COMM, ANY, NULL },
	{ "curtask", B_CURTASK, ANY, NULL }, { "probe", B_PROBE, ANY, NULL },
	{ "func", B_FUNC, KPROBES | PT_UPROBE | PT_URETPROBE,
	  "kprobe, kretprobe, kfunc, kretfunc, uprobe and uretprobe" },
	{ "kstack", B_KSTACK, NOT_BE, NULL },
	{ "ustack", B_USTACK, NOT_BE, NULL },
	{ "args", B_ARGS, PT_TRACEPOINT | PT_KFUNC | PT_KRETFUNC, "tracepoint, kfunc and kretfunc" },
	{ "retval", B_RETVAL, PT_KRETPROBE | PT_URETPROBE, "kretprobe and uretprobe" },
	{ "arg0", B_ARG0, PT_KPROBE | PT_UPROBE | PT_RAWTP | PT_USDT,
	  "kprobe, uprobe, rawtracepoint and usdt" },
};
#define NBUILTINS (sizeof(builtins) / sizeof(builtins[0]))

/* The first attach point of the probe that a builtin may not use. */
static const struct lang_attach *offender(struct checker *c, unsigned allow)
{
	for (const struct lang_attach *a = c->probe->attach; a; a = a->next)
		if (!(check__type_bit(a->type) & allow))
			return a;
	return c->probe->attach;
}

static void retval_hint(const struct lang_attach *a, char *b, size_t bsz)
{
	b[0] = '\0';
	if (!strcmp(a->type, "tracepoint") && !strcmp(a->parts[0], "syscalls") &&
	    !strncmp(a->parts[1], "sys_enter_", 10) && !strpbrk(a->parts[1], "*?["))
		snprintf(b, bsz, " (for a tracepoint's return value use sys_exit_%s's args->ret)",
			 a->parts[1] + 10);
}

int check__ident(struct checker *c, struct lang_node *n)
{
	const struct builtin *b = NULL;
	const char *names[NBUILTINS + 1];
	unsigned argn = 0;

	for (size_t i = 0; i < NBUILTINS; i++) {
		names[i] = builtins[i].name;
		if (!strcmp(n->name, builtins[i].name))
			b = &builtins[i];
	}
	if (!b && !strncmp(n->name, "arg", 3) && n->name[3] >= '0' && n->name[3] <= '9' &&
	    !n->name[4]) {
		argn = n->name[3] - '0';
		b = &builtins[NBUILTINS - 1];
	}
	if (!b) {
		const char *near = suggest__nearest(n->name, names, NBUILTINS);

		if (near)
			return check__error(c, n->loc, n->len, "unknown identifier '%s' (did you mean '%s'?)",
					    n->name, near);
		return check__error(c, n->loc, n->len, "unknown identifier '%s'", n->name);
	}
	if ((c->ptypes & b->allow) != c->ptypes) {
		const struct lang_attach *a = offender(c, b->allow);
		char hint[LANG_IDENT_MAX + 80] = "", spelt[2 * LANG_IDENT_MAX];
		size_t k = snprintf(spelt, sizeof(spelt), "%s", a->type);

		for (unsigned i = 0; i < a->nparts && k < sizeof(spelt); i++)
			k += snprintf(spelt + k, sizeof(spelt) - k, ":%s", a->parts[i]);
		if (!b->where)
			return check__error(c, n->loc, n->len,
					    "%s is not available in BEGIN and END probes", n->name);
		if (b->id == B_RETVAL)
			retval_hint(a, hint, sizeof(hint));
		return check__error(c, n->loc, n->len,
				    "%s is only available in %s probes; this is %s%s", n->name,
				    b->where, spelt, hint);
	}
	n->id = b->id + argn;
	switch (b->id) {
	case B_PID:
	case B_TID:
	case B_UID:
	case B_GID:
	case B_CPU:
	case B_RAND: n->type = type_int(4, false); break;
	case B_COMM: n->type = type_str(16); break;
	case B_CURTASK:
		n->type = (struct lang_type){ .kind = LANG_T_PTR, .size = 8,
					      .pointee = "struct task_struct" };
		break;
	case B_PROBE: n->type = type_str(c->pname_max); break;
	case B_FUNC:
		n->type = (struct lang_type){ .kind = c->ptypes & KPROBES ? LANG_T_KSYM : LANG_T_USYM,
					      .size = 8 };
		break;
	case B_KSTACK:
	case B_USTACK:
		n->type = (struct lang_type){ .kind = b->id == B_KSTACK ? LANG_T_KSTACK : LANG_T_USTACK,
					      .size = KSTACK_DEFAULT };
		break;
	case B_ARGS:
		if (c->ptypes & (PT_KFUNC | PT_KRETFUNC))
			return check__error(c, n->loc, n->len,
					    "args in kfunc probes needs BTF, which is not available here");
		n->type = (struct lang_type){ .kind = LANG_T_RECORD };
		break;
	case B_RETVAL: n->type = type_int(8, true); break;
	default: n->type = type_int(8, false); break;
	}
	return 0;
}

/* ---- functions ---- */


static const struct func {
	const char *name;
	enum lang_func id;
	unsigned min, max;
	bool value; /* has a value (else a statement of its own) */
	const char *usage;
} funcs[] = {
	{ "count", F_COUNT, 0, 0, true, "count()" },
	{ "sum", F_SUM, 1, 1, true, "sum(INT)" },
	{ "avg", F_AVG, 1, 1, true, "avg(INT)" },
	{ "min", F_MIN, 1, 1, true, "min(INT)" },
	{ "max", F_MAX, 1, 1, true, "max(INT)" },
	{ "stats", F_STATS, 1, 1, true, "stats(INT)" },
	{ "hist", F_HIST, 1, 1, true, "hist(INT)" },
	{ "lhist", F_LHIST, 4, 4, true, "lhist(INT, MIN, MAX, STEP)" },
	{ "str", F_STR, 1, 2, true, "str(POINTER [, LENGTH])" },
	{ "buf", F_BUF, 1, 2, true, "buf(POINTER, LENGTH)" },
	{ "join", F_JOIN, 1, 2, false, "join(ARRAY [, \"SEP\"])" },
	{ "ksym", F_KSYM, 1, 1, true, "ksym(ADDRESS)" },
	{ "usym", F_USYM, 1, 1, true, "usym(ADDRESS)" },
	{ "kaddr", F_KADDR, 1, 1, true, "kaddr(\"SYMBOL\")" },
	{ "uaddr", F_UADDR, 1, 1, true, "uaddr(\"SYMBOL\")" },
	{ "ntop", F_NTOP, 1, 2, true, "ntop([AF, ] ADDRESS)" },
	{ "kstack", F_KSTACK, 0, 2, true, "kstack([MODE, ] [FRAMES])" },
	{ "ustack", F_USTACK, 0, 2, true, "ustack([MODE, ] [FRAMES])" },
	{ "time", F_TIME, 0, 1, false, "time([\"FORMAT\"])" },
	{ "strftime", F_STRFTIME, 2, 2, true, "strftime(\"FORMAT\", NSECS)" },
	{ "cat", F_CAT, 1, 8, false, "cat(\"FILE\", ...)" },
	{ "system", F_SYSTEM, 1, 8, false, "system(\"FORMAT\", ...)" },
	{ "printf", F_PRINTF, 1, 8, false, "printf(\"FORMAT\", ...)" },
	{ "print", F_PRINT, 1, 3, false, "print(@MAP [, TOP [, DIV]]) or print(VALUE)" },
	{ "clear", F_CLEAR, 1, 1, false, "clear(@MAP)" },
	{ "zero", F_ZERO, 1, 1, false, "zero(@MAP)" },
	{ "delete", F_DELETE, 1, 1, false, "delete(@MAP[KEY])" },
	{ "exit", F_EXIT, 0, 0, false, "exit()" },
	{ "signal", F_SIGNAL, 1, 1, false, "signal(SIG or \"SIGNAME\")" },
	{ "strncmp", F_STRNCMP, 3, 3, true, "strncmp(STR, STR, LENGTH)" },
	{ "strcontains", F_STRCONTAINS, 2, 2, true, "strcontains(STR, STR)" },
	{ "sizeof", F_SIZEOF, 1, 1, true, "sizeof(TYPE or EXPRESSION)" },
};
#define NFUNCS (sizeof(funcs) / sizeof(funcs[0]))

static struct lang_node *arg(const struct lang_node *n, unsigned i)
{
	struct lang_node *k = n->kids;

	while (k && i--)
		k = k->next;
	return k;
}

/* An integer constant (with any unary minus folded): 0 and *v, or -1. */
static int constant(const struct lang_node *k, int64_t *v)
{
	if (k->kind == LANG_INT) {
		*v = (int64_t)k->num;
		return 0;
	}
	if (k->kind == LANG_UNARY && k->op == LT_MINUS && !constant(k->a, v)) {
		*v = -*v;
		return 0;
	}
	return -1;
}

static int want(struct checker *c, const struct lang_node *n, unsigned i, const char *what)
{
	const struct lang_node *k = arg(n, i);

	return check__error(c, k->loc, k->len ? k->len : 1, "%s: argument %u must be %s, not %s",
			    n->name, i + 1, what, check__what(&k->type));
}

static int want_const(struct checker *c, const struct lang_node *n, unsigned i, int64_t *v)
{
	const struct lang_node *k = arg(n, i);

	if (constant(k, v))
		return check__error(c, k->loc, k->len ? k->len : 1,
				    "%s: argument %u must be an integer constant", n->name, i + 1);
	return 0;
}

static int want_literal(struct checker *c, const struct lang_node *n, unsigned i)
{
	const struct lang_node *k = arg(n, i);

	if (k->kind != LANG_STR)
		return check__error(c, k->loc, k->len ? k->len : 1,
				    "%s: argument %u must be a string literal", n->name, i + 1);
	return 0;
}

/* A whole map as an argument: print(@m), clear(@m), zero(@m). */
static int whole_map(struct checker *c, struct lang_node *n, struct lang_node *k)
{
	if (k->kind != LANG_MAP || k->nkids)
		return check__error(c, k->loc, k->len ? k->len : 1, "%s: argument 1 must be a map: %s(@m)",
				    n->name, n->name);
	if (!check__map(c, k))
		return c->err;
	if (!c->pass1 && k->map->kind == LANG_MV_NONE)
		return check__error(c, k->loc, k->len, "%s is never assigned a value", k->name);
	return 0;
}

static int check_stack(struct checker *c, struct lang_node *n, bool kernel)
{
	unsigned frames = KSTACK_DEFAULT;

	if (c->ptypes & (PT_BEGIN | PT_END))
		return check__error(c, n->loc, n->len, "%s is not available in BEGIN and END probes",
				    n->name);
	for (unsigned i = 0; i < n->nkids; i++) {
		struct lang_node *k = arg(n, i);
		int64_t v;

		if (k->kind == LANG_IDENT &&
		    (!strcmp(k->name, "perf") || !strcmp(k->name, "bpftrace") || !strcmp(k->name, "raw")) &&
		    i == 0)
			continue;
		if (want_const(c, n, i, &v))
			return c->err;
		if (v < 1 || v > STACK_MAX)
			return check__error(c, k->loc, k->len ? k->len : 1,
					    "%s: frames must be from 1 to %d", n->name, STACK_MAX);
		frames = v;
	}
	n->type = (struct lang_type){ .kind = kernel ? LANG_T_KSTACK : LANG_T_USTACK, .size = frames };
	return 0;
}

static int check_args(struct checker *c, struct lang_node *n, unsigned from)
{
	for (struct lang_node *k = arg(n, from); k; k = k->next) {
		int err;

		if (k->kind == LANG_TYPE && n->id == F_SIZEOF)
			continue;
		if (k->kind == LANG_IDENT && (n->id == F_KSTACK || n->id == F_USTACK))
			continue;
		if ((err = check__expr(c, k)))
			return err;
	}
	return 0;
}

static int check_sizeof(struct checker *c, struct lang_node *n)
{
	struct lang_node *k = n->kids;
	struct lang_type t;

	n->type = type_int(8, false);
	if (k->kind != LANG_TYPE) {
		k->num = k->type.size;
		return 0;
	}
	if (k->num || !check__int_type(k->name, &t)) {
		k->type = k->num ? (struct lang_type){ .kind = LANG_T_PTR, .size = 8 } : t;
		return 0;
	}
	return check__error(c, k->loc, k->len, "sizeof(%s) needs BTF, which is not available here",
			    k->name);
}

static int call_body(struct checker *c, struct lang_node *n, const struct func *f)
{
	struct lang_node *a0 = n->kids, *a1 = a0 ? a0->next : NULL;
	struct lang_type *t0 = a0 ? &a0->type : NULL;
	int64_t v, lo, hi, st;
	int err;

	switch (f->id) {
	case F_COUNT: break;
	case F_SUM:
	case F_AVG:
	case F_MIN:
	case F_MAX:
	case F_STATS:
	case F_HIST:
		if (!is_int(t0))
			return want(c, n, 0, "an integer");
		break;
	case F_LHIST:
		if (!is_int(t0))
			return want(c, n, 0, "an integer");
		if (want_const(c, n, 1, &lo) || want_const(c, n, 2, &hi) || want_const(c, n, 3, &st))
			return c->err;
		if (st <= 0)
			return check__error(c, arg(n, 3)->loc, 1, "lhist: step must be above 0");
		if (hi <= lo)
			return check__error(c, arg(n, 2)->loc, 1,
					    "lhist: max (%lld) must be above min (%lld)", (long long)hi,
					    (long long)lo);
		if ((hi - lo) / st > 1000)
			return check__error(c, n->loc, n->len,
					    "lhist: (max - min) / step is %lld buckets; the limit is 1000",
					    (long long)((hi - lo) / st));
		c->lhist[0] = lo, c->lhist[1] = hi, c->lhist[2] = st;
		break;
	case F_STR:
		if (t0->kind == LANG_T_STRING && !(a0->kind == LANG_FIELD && a0->data_loc))
			return check__error(c, a0->loc, a0->len ? a0->len : 1,
					    "str: argument 1 is already a string; str() reads one from "
					    "a pointer");
		if (!is_cond(t0) && t0->kind != LANG_T_STRING)
			return want(c, n, 0, "a pointer or an integer");
		v = STR_DEFAULT;
		if (a1 && (want_const(c, n, 1, &v) ||
			   ((v < 1 || v > STR_MAX) &&
			    check__error(c, a1->loc, 1, "str: length must be from 1 to %d", STR_MAX))))
			return c->err;
		n->type = type_str(t0->kind == LANG_T_STRING && t0->size < v ? t0->size : v);
		/* an integer in a uprobe is a user address */
		n->type.user = t0->user || (is_int(t0) && (c->ptypes & UPROBES));
		break;
	case F_BUF:
		if (!is_cond(t0) && t0->kind != LANG_T_ARRAY)
			return want(c, n, 0, "a pointer or an array");
		v = t0->kind == LANG_T_ARRAY ? t0->size : 0;
		if (a1 && want_const(c, n, 1, &v))
			return c->err;
		if (v < 1 || v > STR_MAX)
			return check__error(c, a1 ? a1->loc : n->loc, 1, "buf: length must be from 1 to %d",
					    STR_MAX);
		n->type = (struct lang_type){ .kind = LANG_T_BUF, .size = v, .user = t0->user };
		break;
	case F_JOIN:
		if (t0->kind != LANG_T_PTR)
			return want(c, n, 0, "a pointer to an array of strings");
		if (a1 && want_literal(c, n, 1))
			return c->err;
		break;
	case F_KSYM:
	case F_USYM:
		if (!is_cond(t0))
			return want(c, n, 0, "an integer");
		n->type = (struct lang_type){ .kind = f->id == F_KSYM ? LANG_T_KSYM : LANG_T_USYM, .size = 8 };
		break;
	case F_KADDR:
	case F_UADDR:
		if (want_literal(c, n, 0))
			return c->err;
		if (f->id == F_UADDR && (c->ptypes & ~(unsigned)UPROBES))
			return check__error(c, n->loc, n->len, "uaddr is only available in uprobe, uretprobe and usdt probes");
		n->type = type_int(8, false);
		break;
	case F_NTOP: {
		struct lang_type *t = a1 ? &a1->type : t0;

		if (a1 && !is_int(t0))
			return want(c, n, 0, "an integer (AF_INET or AF_INET6)");
		if (!is_int(t) && !(t->kind == LANG_T_ARRAY && (t->size == 4 || t->size == 16)))
			return want(c, n, a1 ? 1 : 0, "an integer or an array of 4 or 16 bytes");
		n->type = (struct lang_type){ .kind = LANG_T_INET,
					      .size = t->kind == LANG_T_ARRAY ? t->size : a1 ? 16 : 4 };
		break;
	}
	case F_KSTACK:
	case F_USTACK: return check_stack(c, n, f->id == F_KSTACK);
	case F_TIME:
		if (a0 && want_literal(c, n, 0))
			return c->err;
		break;
	case F_STRFTIME:
		if (want_literal(c, n, 0))
			return c->err;
		if (!is_int(&a1->type))
			return want(c, n, 1, "an integer");
		n->type = (struct lang_type){ .kind = LANG_T_TIME, .size = 8 };
		break;
	case F_SYSTEM:
		if (!c->env->unsafe)
			return check__error(c, n->loc, n->len,
					    "system() runs commands: it needs --unsafe");
		/* fallthrough */
	case F_CAT:
	case F_PRINTF: return check__format(c, n);
	case F_PRINT:
		if (a0->kind == LANG_MAP && !a0->nkids) {
			if ((err = whole_map(c, n, a0)))
				return err;
			for (unsigned i = 1; i < n->nkids; i++)
				if (want_const(c, n, i, &v))
					return c->err;
			break;
		}
		if (a1)
			return check__error(c, a1->loc, 1, "print: TOP and DIV apply to a whole map only");
		if ((err = check__expr(c, a0)))
			return err;
		if (t0->kind == LANG_T_NONE || t0->kind == LANG_T_RECORD)
			return want(c, n, 0, "a map or a value");
		break;
	case F_CLEAR:
	case F_ZERO: return whole_map(c, n, a0);
	case F_DELETE:
		if (a0->kind != LANG_MAP)
			return check__error(c, a0->loc, 1, "delete: argument 1 must be a map element: delete(@m[key])");
		return check__map_keys(c, a0);
	case F_EXIT: break;
	case F_SIGNAL:
		if (a0->kind == LANG_STR) {
			static const char *const sigs[] = {
				"HUP",	"INT",	"QUIT", "ILL",	"TRAP", "ABRT", "BUS",	  "FPE",
				"KILL", "USR1", "SEGV", "USR2", "PIPE", "ALRM", "TERM",	  "STKFLT",
				"CHLD", "CONT", "STOP", "TSTP", "TTIN", "TTOU", "URG",	  "XCPU",
				"XFSZ", "VTALRM", "PROF", "WINCH", "IO", "PWR", "SYS",
			};
			const char *name = a0->name + (strncmp(a0->name, "SIG", 3) ? 0 : 3);
			size_t i;

			for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
				if (!strcmp(sigs[i], name))
					break;
			if (i == sizeof(sigs) / sizeof(sigs[0]))
				return check__error(c, a0->loc, a0->len + 2,
						    "signal: unknown signal \"%s\"", a0->name);
		} else if (!is_int(t0)) {
			return want(c, n, 0, "a signal number or name");
		}
		break;
	case F_STRNCMP:
		if (t0->kind != LANG_T_STRING)
			return want(c, n, 0, "a string");
		if (a1->type.kind != LANG_T_STRING)
			return want(c, n, 1, "a string");
		if (want_const(c, n, 2, &v))
			return c->err;
		if (v < 0)
			return check__error(c, arg(n, 2)->loc, 1, "strncmp: length must not be negative");
		n->type = type_int(8, false);
		break;
	case F_STRCONTAINS:
		if (t0->kind != LANG_T_STRING)
			return want(c, n, 0, "a string");
		if (a1->type.kind != LANG_T_STRING)
			return want(c, n, 1, "a string");
		n->type = type_int(8, false);
		break;
	case F_SIZEOF: return check_sizeof(c, n);
	}
	if (check__agg_kind(n) != LANG_MV_NONE)
		n->type = (struct lang_type){ .kind = LANG_T_AGG, .size = 8 };
	return 0;
}

int check__call(struct checker *c, struct lang_node *n, bool stmt)
{
	const struct func *f = NULL;
	const char *names[NFUNCS];
	unsigned from = 0;
	int err;

	n->type = (struct lang_type){ 0 };
	for (size_t i = 0; i < NFUNCS; i++) {
		names[i] = funcs[i].name;
		if (!strcmp(n->name, funcs[i].name))
			f = &funcs[i];
	}
	if (!f) {
		const char *near = suggest__nearest(n->name, names, NFUNCS);

		if (near)
			return check__error(c, n->loc, n->len, "unknown function '%s' (did you mean '%s'?)",
					    n->name, near);
		return check__error(c, n->loc, n->len, "unknown function '%s'", n->name);
	}
	n->id = f->id;
	if (n->nkids < f->min || n->nkids > f->max)
		return check__error(c, n->loc, n->len, "%s() takes %s%u argument%s, not %u: %s",
				    f->name, f->min == f->max ? "" : n->nkids < f->min ? "at least " : "at most ",
				    n->nkids < f->min ? f->min : f->max,
				    (n->nkids < f->min ? f->min : f->max) == 1 ? "" : "s", n->nkids,
				    f->usage);
	if (check__agg_kind(n) != LANG_MV_NONE && !c->agg_ok)
		return check__error(c, n->loc, n->len, "%s() can only be assigned to a map: @name = %s",
				    f->name, f->usage);
	c->agg_ok = false;
	if (!f->value && !stmt)
		return check__error(c, n->loc, n->len, "%s() has no value: it is a statement of its own",
				    f->name);
	/* the calls that take maps, types or names look at their arguments */
	if (f->id == F_PRINT || f->id == F_CLEAR || f->id == F_ZERO || f->id == F_DELETE)
		from = ~0u;
	if (from != ~0u && (err = check_args(c, n, from)))
		return err;
	return call_body(c, n, f);
}
