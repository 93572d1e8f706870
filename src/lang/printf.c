// SPDX-License-Identifier: Apache-2.0
/* printf(), cat() and system() formats: the conversions against the
 * arguments, in count and in type, as bpftrace 0.17 checks them. */
#include <stdio.h>
#include <string.h>
#include "lang/check_int.h"

#define ARGS_MAX 7 /* after the format */

/* Whether %c prints values of type t ('s': strings and what prints as one). */
static bool fits(char conv, const struct lang_type *t)
{
	switch (conv) {
	case 's':
		switch (t->kind) {
		case LANG_T_STRING:
		case LANG_T_KSTACK:
		case LANG_T_USTACK:
		case LANG_T_KSYM:
		case LANG_T_USYM:
		case LANG_T_INET:
		case LANG_T_TIME:
		case LANG_T_BUF: return true;
		default: return false;
		}
	case 'r': return t->kind == LANG_T_BUF || t->kind == LANG_T_STRING;
	case 'p':
	case 'x':
	case 'X': return t->kind == LANG_T_INT || t->kind == LANG_T_PTR;
	default: return t->kind == LANG_T_INT;
	}
}

static const char *wants(char conv)
{
	switch (conv) {
	case 's': return "a string";
	case 'r': return "a buffer";
	case 'p':
	case 'x':
	case 'X': return "an integer or a pointer";
	default: return "an integer";
	}
}

int check__format(struct checker *c, struct lang_node *n)
{
	const struct lang_node *fmt = n->kids, *a;
	unsigned nconv = 0, nargs = n->nkids - 1;
	const char *s, *end;

	if (fmt->kind != LANG_STR)
		return check__error(c, fmt->loc, 1, "%s: the format must be a string literal", n->name);
	if (nargs > ARGS_MAX)
		return check__error(c, n->loc, n->len, "%s: at most %d arguments follow the format",
				    n->name, ARGS_MAX);
	a = fmt->next;
	for (s = fmt->name, end = s + fmt->len; s < end; s++) {
		const char *spec = s;
		char conv;

		if (*s != '%')
			continue;
		if (++s < end && *s == '%')
			continue;
		while (s < end && strchr("-+ #0", *s))
			s++;
		while (s < end && *s >= '0' && *s <= '9')
			s++;
		if (s < end && *s == '.')
			for (s++; s < end && *s >= '0' && *s <= '9';)
				s++;
		while (s < end && strchr("hlzjt", *s))
			s++;
		if (s >= end || !strchr("diuxXocsprl", *s) || *s == 'l')
			return check__error(c, fmt->loc, fmt->len + 2,
					    "%s: invalid conversion '%.*s' in the format (use %%%% for "
					    "a '%%')",
					    n->name, (int)(s - spec + (s < end)), spec);
		conv = *s;
		nconv++;
		if (!a)
			continue;
		if (!fits(conv, &a->type))
			return check__error(c, a->loc, a->len ? a->len : 1,
					    "%s: %%%c expects %s, but argument %u is %s", n->name,
					    conv, wants(conv), nconv, check__what(&a->type));
		a = a->next;
	}
	if (nconv != nargs)
		return check__error(c, nconv > nargs ? fmt->loc : a->loc, nconv > nargs ? fmt->len + 2 : 1,
				    "%s: the format has %u conversion%s but %u argument%s follow%s",
				    n->name, nconv, nconv == 1 ? "" : "s", nargs, nargs == 1 ? "" : "s",
				    nargs == 1 ? "s" : "");
	return 0;
}
