// SPDX-License-Identifier: Apache-2.0
/* Attach points against the environment: the probe type exists on this
 * kernel (and, when it does not, which tracepoint covers the same event),
 * a tracepoint exists (or the nearest name that does), wildcards expand
 * to the tracepoints they match, each with its record format. */
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lib/suggest.h"
#include "lang/check_int.h"

#define NAMES_MAX 4096 /* names gathered for a suggestion */

static const struct {
	const char *name;
	unsigned bit;
} types[] = {
	{ "BEGIN", PT_BEGIN },		{ "END", PT_END },	       { "tracepoint", PT_TRACEPOINT },
	{ "rawtracepoint", PT_RAWTP },	{ "kprobe", PT_KPROBE },       { "kretprobe", PT_KRETPROBE },
	{ "kfunc", PT_KFUNC },		{ "kretfunc", PT_KRETFUNC },   { "uprobe", PT_UPROBE },
	{ "uretprobe", PT_URETPROBE },	{ "usdt", PT_USDT },	       { "profile", PT_PROFILE },
	{ "interval", PT_INTERVAL },	{ "software", PT_SOFTWARE },   { "hardware", PT_HARDWARE },
};

unsigned check__type_bit(const char *type)
{
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (!strcmp(types[i].name, type))
			return types[i].bit;
	return 0;
}

static size_t spell(const struct lang_attach *a, char *b, size_t bsz)
{
	size_t n = snprintf(b, bsz, "%s", a->type);

	for (unsigned i = 0; i < a->nparts && n < bsz; i++)
		n += snprintf(b + n, bsz - n, ":%s", a->parts[i]);
	return n;
}

void check__probe_bits(struct checker *c, struct lang_probe *p)
{
	char b[2 * LANG_IDENT_MAX];

	c->ptypes = 0;
	c->pname_max = 0;
	for (struct lang_attach *a = p->attach; a; a = a->next) {
		size_t n;

		c->ptypes |= check__type_bit(a->type);
		if (a->ntps) {
			for (struct lang_tp_ref *r = a->tps; r; r = r->next) {
				n = snprintf(b, sizeof(b), "tracepoint:%s:%s", r->cat, r->name);
				if (n + 1 > c->pname_max)
					c->pname_max = n + 1;
			}
		} else if ((n = spell(a, b, sizeof(b))) + 1 > c->pname_max) {
			c->pname_max = n + 1;
		}
	}
	spell(p->attach, c->pname, sizeof(c->pname));
}

/* ---- names for suggestions ---- */

struct names {
	const char *v[NAMES_MAX];
	size_t n;
	struct checker *c;
	int mode; /* 0: names, 1: categories (each once), 2: "cat:name" */
};

static int gather(void *arg, const char *cat, const char *name)
{
	struct names *ns = arg;
	const char *w = ns->mode == 1 ? cat : name;
	char *d;

	if (ns->n >= NAMES_MAX)
		return 1;
	if (ns->mode == 1 && ns->n && !strcmp(ns->v[ns->n - 1], w))
		return 0;
	d = check__alloc(ns->c, strlen(cat) + strlen(name) + 2);
	if (!d)
		return -ENOMEM;
	if (ns->mode == 2)
		sprintf(d, "%s:%s", cat, name);
	else
		strcpy(d, w);
	ns->v[ns->n++] = d;
	return 0;
}

static int list(struct checker *c, const char *cg, const char *ng, struct names *ns)
{
	ns->n = 0;
	ns->c = c;
	if (!c->env->tp_list)
		return 0;
	return c->env->tp_list(c->env->ctx, cg, ng, gather, ns);
}

/* ---- kprobes on a kernel without them ---- */

/* "tracepoint:syscalls:sys_enter_openat and ...sys_exit_openat cover the
 * same event" for a syscall's kernel function, else any tracepoint with
 * the function's name in it. */
static void cover(struct checker *c, const char *fn, char *b, size_t bsz)
{
	static const char *const prefixes[] = {
		"__x64_sys_", "__ia32_sys_", "__arm64_sys_", "__se_sys_", "__do_sys_",
		"ksys_",      "do_sys_",     "vfs_",	     "sys_",
	};
	struct names *ns = calloc(1, sizeof(*ns));
	char stem[LANG_IDENT_MAX + 1], glob[LANG_IDENT_MAX + 32];
	const char *best = NULL;
	size_t n;

	b[0] = '\0';
	if (!ns)
		return;
	snprintf(stem, sizeof(stem), "%s", fn);
	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
		n = strlen(prefixes[i]);
		if (!strncmp(stem, prefixes[i], n)) {
			memmove(stem, stem + n, strlen(stem + n) + 1);
			break;
		}
	}
	for (n = strlen(stem); n > 1 && stem[n - 1] >= '0' && stem[n - 1] <= '9';)
		stem[--n] = '\0';
	snprintf(glob, sizeof(glob), "sys_enter_%s*", stem);
	if (stem[0] && !list(c, "syscalls", glob, ns) && ns->n) {
		best = ns->v[0];
		for (size_t i = 0; i < ns->n; i++)
			if (!strcmp(ns->v[i] + 10, stem))
				best = ns->v[i];
		snprintf(b, bsz,
			 "; tracepoint:syscalls:%s and tracepoint:syscalls:sys_exit_%s cover the "
			 "same event",
			 best, best + 10);
		goto out;
	}
	snprintf(glob, sizeof(glob), "*%s*", fn);
	ns->mode = 2;
	if (!list(c, "*", glob, ns) && ns->n)
		snprintf(b, bsz, "; tracepoint:%s may cover the same event", ns->v[0]);
out:
	free(ns);
}

static int need(struct checker *c, const struct lang_attach *a, bool have, const char *what,
		const char *hint)
{
	if (have)
		return 0;
	return check__error(c, a->loc, strlen(a->raw),
			    "%s needs %s, which this kernel does not offer%s", a->raw, what, hint);
}

/* ---- tracepoints ---- */

struct expand {
	struct checker *c;
	struct lang_attach *a;
	struct lang_tp_ref **tail;
	int err;
};

/* The format of cat:name, shared by every probe that attaches there. */
static const struct lang_tp_format *format(struct checker *c, const char *cat, const char *name,
					   int *err)
{
	struct lang_tp_format *f;

	for (struct lang_probe *p = c->prog->probes; p; p = p->next)
		for (struct lang_attach *a = p->attach; a; a = a->next)
			for (struct lang_tp_ref *r = a->tps; r; r = r->next)
				if (!strcmp(r->cat, cat) && !strcmp(r->name, name))
					return r->fmt;
	*err = c->env->tp_format ? c->env->tp_format(c->env->ctx, cat, name, c->scratch)
				 : -ENOENT;
	if (*err)
		return NULL;
	if (!(f = check__alloc(c, sizeof(*f)))) {
		*err = c->err;
		return NULL;
	}
	*f = *c->scratch;
	return f;
}

static int add_ref(struct checker *c, struct lang_attach *a, struct lang_tp_ref ***tail,
		   const char *cat, const char *name)
{
	struct lang_tp_ref *r = check__alloc(c, sizeof(*r));
	int err = 0;

	if (!r || !(r->cat = lang_program__strdup(c->prog, cat, strlen(cat))) ||
	    !(r->name = lang_program__strdup(c->prog, name, strlen(name))))
		return c->err ? c->err : -ENOMEM;
	if (!(r->fmt = format(c, cat, name, &err)))
		return err;
	**tail = r;
	*tail = &r->next;
	a->ntps++;
	return 0;
}

static int expand_cb(void *arg, const char *cat, const char *name)
{
	struct expand *e = arg;

	if (e->a->ntps >= LANG_TP_EXPAND_MAX)
		return check__error(e->c, e->a->loc, strlen(e->a->raw),
				    "%s matches more than %d tracepoints", e->a->raw,
				    LANG_TP_EXPAND_MAX);
	e->err = add_ref(e->c, e->a, &e->tail, cat, name);
	return e->err;
}

static bool wild(const char *s) { return strpbrk(s, "*?[") != NULL; }

static int unknown_tp(struct checker *c, struct lang_attach *a)
{
	struct names *ns = calloc(1, sizeof(*ns));
	const char *cat = a->parts[0], *name = a->parts[1], *near;
	int err;

	if (!ns)
		return -ENOMEM;
	if (!list(c, cat, "*", ns) && ns->n) {
		near = suggest__nearest(name, ns->v, ns->n);
		if (near)
			err = check__error(c, a->loc, strlen(a->raw),
					   "tracepoint %s:%s does not exist (did you mean %s:%s?)", cat,
					   name, cat, near);
		else
			err = check__error(c, a->loc, strlen(a->raw),
					   "tracepoint %s:%s does not exist (see the %s category "
					   "under tracefs events/%s)",
					   cat, name, cat, cat);
	} else {
		ns->mode = 1;
		near = !list(c, "*", "*", ns) ? suggest__nearest(cat, ns->v, ns->n) : NULL;
		if (near)
			err = check__error(c, a->loc, strlen(a->raw),
					   "tracepoint category '%s' does not exist (did you mean "
					   "'%s'?)",
					   cat, near);
		else
			err = check__error(c, a->loc, strlen(a->raw),
					   "tracepoint category '%s' does not exist", cat);
	}
	free(ns);
	return err;
}

static int tracepoint(struct checker *c, struct lang_attach *a)
{
	struct lang_tp_ref **tail = &a->tps;
	int err;

	a->tps = NULL;
	a->ntps = 0;
	if (wild(a->parts[0]) || wild(a->parts[1])) {
		struct expand e = { c, a, &a->tps, 0 };

		err = c->env->tp_list ? c->env->tp_list(c->env->ctx, a->parts[0], a->parts[1],
							expand_cb, &e)
				      : 0;
		if (e.err || c->err)
			return e.err ? e.err : c->err;
		if (err < 0)
			return check__error(c, a->loc, strlen(a->raw), "cannot list tracepoints: %s",
					    strerror(-err));
		if (!a->ntps)
			return check__error(c, a->loc, strlen(a->raw),
					    "%s matches no tracepoint", a->raw);
		return 0;
	}
	err = add_ref(c, a, &tail, a->parts[0], a->parts[1]);
	if (err == -ENOENT)
		return unknown_tp(c, a);
	if (err == -ENOMEM || c->err)
		return c->err ? c->err : err;
	if (err)
		return check__error(c, a->loc, strlen(a->raw), "cannot read the format of %s: %s",
				    a->raw, strerror(-err));
	return 0;
}

int check__resolve_probe(struct checker *c, struct lang_probe *p)
{
	const struct lang_env *env = c->env;
	char hint[2 * LANG_IDENT_MAX + 160];
	int err = 0;

	for (struct lang_attach *a = p->attach; a && !err; a = a->next) {
		unsigned bit = check__type_bit(a->type);

		hint[0] = '\0';
		if (bit & (PT_KPROBE | PT_KRETPROBE | PT_KFUNC | PT_KRETFUNC)) {
			if (!env->has_kprobe)
				cover(c, a->parts[a->nparts - 1], hint, sizeof(hint));
			err = need(c, a, env->has_kprobe, "kprobes", hint);
		} else if (bit & PT_RAWTP) {
			err = need(c, a, env->has_rawtp, "raw tracepoints",
				   "; use tracepoint:CATEGORY:NAME");
		} else if (bit & (PT_PROFILE | PT_INTERVAL | PT_SOFTWARE | PT_HARDWARE)) {
			err = need(c, a, env->has_perf_event, "perf events", "");
		} else if (bit & (PT_UPROBE | PT_URETPROBE | PT_USDT)) {
			err = need(c, a, env->has_uprobe, "uprobes", "");
		} else if (bit & PT_TRACEPOINT) {
			err = tracepoint(c, a);
		}
	}
	return err;
}
