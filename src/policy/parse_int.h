/* SPDX-License-Identifier: Apache-2.0 */
/* What parse.c (the YAML and the rules) and select.c (the selectors'
 * values, cgroups, conflicts) share. Private to src/policy. */
#ifndef SONDE_POLICY_PARSE_INT_H
#define SONDE_POLICY_PARSE_INT_H
#include "policy/policy.h"

#define POLICY_RATE_MAX 1000000
#define POLICY_UID_MAX	4294967294u /* (uid_t)-1 is "no uid" */

/* One YAML value: a scalar, or a list or mapping of them (a mapping's
 * children alternate key, value). */
struct ynode {
	enum { Y_SCALAR, Y_SEQ, Y_MAP } type;
	unsigned line; /* 1-based */
	bool null;     /* a plain "", "~" or "null" */
	char *s;       /* scalar, NUL-terminated (no NUL inside) */
	unsigned n;    /* children */
	struct ynode *kid, *last, *next;
};

struct pctx {
	const char *file;
	char *err;
	size_t errsz;
	const char *cgroup_root;
	char show[3][128]; /* pparse__show()'s buffers: three values per message */
	unsigned nshow;
};

/* The selectors, in the order the rule's fields list them. */
enum sel {
	SEL_BINARY,
	SEL_PARENT,
	SEL_ARGS,
	SEL_PATH,
	SEL_FLAGS,
	SEL_ADDRESS,
	SEL_PORT,
	SEL_UID,
	SEL_CGROUP,
	SEL_CONTAINER,
	SEL__COUNT
};

/* "FILE:LINE: " and the message into c->err; returns -EINVAL. */
int pparse__err(struct pctx *c, unsigned line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* A user's value fit for a one-line message (escaped, cut when long). */
const char *pparse__show(struct pctx *c, const char *s);
/* The scalars of v: one value or a list of 1 to POLICY_LIST_MAX. */
int pparse__items(struct pctx *c, const char *field, unsigned kline, const struct ynode *v,
		  const struct ynode **out, unsigned *n);
/* Decimal digits from s to end: 0, -EINVAL (not a number), -ERANGE. */
int pparse__num(const char *s, const char *end, uint64_t *v);
/* Selector sel of r from its value v (kline: its key's line). */
int pparse__selector(struct pctx *c, enum sel sel, const char *field, unsigned kline,
		     const struct ynode *v, struct policy_rule *r);
/* Two rules with the same selectors on a common event and different
 * actions: an error at the later one. */
int pparse__conflicts(struct pctx *c, const struct policy *p);
#endif
