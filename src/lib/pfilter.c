// SPDX-License-Identifier: Apache-2.0
/* The capture filter: a recursive-descent parser into a small tree. */
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lib/pfilter.h"

struct lexer {
	const char *s;
	size_t pos;		/* start of the current token */
	size_t end;		/* after it */
	char tok[80];
	struct pf_tree *t;
	char *why;
	size_t why_sz;
	int err_col;
	int depth;
};

static void next(struct lexer *lx)
{
	const char *s = lx->s;
	size_t p = lx->end, n = 0;

	while (s[p] && isspace((unsigned char)s[p]))
		p++;
	lx->pos = p;
	if (!s[p]) {
		lx->tok[0] = '\0';
		lx->end = p;
		return;
	}
	if (strchr("()!", s[p])) {
		n = 1;
	} else if ((s[p] == '&' && s[p + 1] == '&') || (s[p] == '|' && s[p + 1] == '|')) {
		n = 2;
	} else {
		while (s[p + n] && !isspace((unsigned char)s[p + n]) && !strchr("()!&|", s[p + n]))
			n++;
		if (!n)
			n = 1;	/* a lone '&' or '|' */
	}
	snprintf(lx->tok, sizeof(lx->tok), "%.*s", (int)n, s + p);
	lx->end = p + n;
}

static int fail(struct lexer *lx, const char *fmt, const char *arg)
{
	char msg[320];

	if (lx->err_col)
		return -EINVAL;
	lx->err_col = lx->pos + 1;
	snprintf(msg, sizeof(msg), fmt, arg);
	snprintf(lx->why, lx->why_sz, "column %d: %s", lx->err_col, msg);
	return -EINVAL;
}

static const char *shown(const struct lexer *lx)
{
	return lx->tok[0] ? lx->tok : "the end";
}

static int node(struct lexer *lx, enum pf_kind k, int l, int r)
{
	struct pf_tree *t = lx->t;

	if (t->count == PF_MAX_NODES)
		return fail(lx, "the filter is too long (at most %s terms)", "256");
	t->n[t->count] = (struct pf_node){ .kind = k, .l = l, .r = r };
	return t->count++;
}

static bool is(const struct lexer *lx, const char *w)
{
	return !strcmp(lx->tok, w);
}

static int parse_expr(struct lexer *lx);

static int parse_number(struct lexer *lx, const char *what, unsigned max, unsigned *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(lx->tok, &end, 10);
	if (!lx->tok[0] || *end || errno || v < 0 || v > (long)max) {
		char msg[96];

		snprintf(msg, sizeof(msg), "expected %s (0 to %u), got '%%s'", what, max);
		return fail(lx, msg, shown(lx));
	}
	*out = v;
	next(lx);
	return 0;
}

static const struct { const char *name; unsigned num; } protos[] = {
	{ "icmp", 1 }, { "igmp", 2 }, { "tcp", 6 }, { "udp", 17 }, { "gre", 47 }, { "esp", 50 },
	{ "ah", 51 }, { "icmp6", 58 }, { "sctp", 132 },
};

static int parse_term(struct lexer *lx)
{
	enum pf_dir dir = PF_EITHER;
	char why[160];
	int i;

	if (is(lx, "src") || is(lx, "dst")) {
		dir = is(lx, "src") ? PF_SRC : PF_DST;
		next(lx);
		if (!is(lx, "host") && !is(lx, "net") && !is(lx, "port"))
			return fail(lx, "expected host, net or port after src/dst, got '%s'", shown(lx));
	}
	if (is(lx, "host") || is(lx, "net")) {
		bool host = is(lx, "host");

		next(lx);
		if (!lx->tok[0])
			return fail(lx, host ? "expected an address after 'host'" : "expected a CIDR after 'net'", "");
		if (host && strchr(lx->tok, '/'))
			return fail(lx, "'host' takes an address; for '%s' write 'net'", lx->tok);
		if (cidr__parse(lx->tok, &(struct cidr){}, why, sizeof(why)))
			return fail(lx, "%s", why);
		i = node(lx, host ? PF_HOST : PF_NET, -1, -1);
		if (i < 0)
			return i;
		cidr__parse(lx->tok, &lx->t->n[i].cidr, why, sizeof(why));
		lx->t->n[i].dir = dir;
		next(lx);
		return i;
	}
	if (is(lx, "port")) {
		unsigned port;

		next(lx);
		if (parse_number(lx, "a port number", 65535, &port))
			return -EINVAL;
		i = node(lx, PF_PORT, -1, -1);
		if (i >= 0) {
			lx->t->n[i].value = port;
			lx->t->n[i].dir = dir;
		}
		return i;
	}
	if (is(lx, "proto")) {
		unsigned p = 256;

		next(lx);
		for (size_t k = 0; k < sizeof(protos) / sizeof(protos[0]); k++)
			if (is(lx, protos[k].name))
				p = protos[k].num;
		if (p < 256)
			next(lx);
		else if (parse_number(lx, "a protocol name or number", 255, &p))
			return -EINVAL;
		i = node(lx, PF_PROTO, -1, -1);
		if (i >= 0)
			lx->t->n[i].value = p;
		return i;
	}
	if (is(lx, "ip") || is(lx, "ip6") || is(lx, "arp")) {
		i = node(lx, is(lx, "ip") ? PF_IP : is(lx, "ip6") ? PF_IP6 : PF_ARP, -1, -1);
		next(lx);
		return i;
	}
	for (size_t k = 0; k < sizeof(protos) / sizeof(protos[0]); k++) {
		if (!is(lx, protos[k].name) || (strcmp(protos[k].name, "tcp") && strcmp(protos[k].name, "udp") &&
						strcmp(protos[k].name, "icmp") && strcmp(protos[k].name, "icmp6") &&
						strcmp(protos[k].name, "sctp")))
			continue;
		i = node(lx, PF_PROTO, -1, -1);
		if (i >= 0)
			lx->t->n[i].value = protos[k].num;
		next(lx);
		return i;
	}
	if (!lx->tok[0])
		return fail(lx, "expected a term (host, net, port, proto, tcp, udp, icmp, ...) at %s", "the end");
	return fail(lx, "unknown word '%s' (terms: host, net, port, proto, tcp, udp, icmp, icmp6, sctp, ip, ip6, "
		    "arp; src/dst; and, or, not)", lx->tok);
}

static int parse_unary(struct lexer *lx)
{
	int c;

	if (++lx->depth > 64)
		return fail(lx, "nested too deep (at most %s levels)", "64");
	if (is(lx, "not") || is(lx, "!")) {
		next(lx);
		c = parse_unary(lx);
		c = c < 0 ? c : node(lx, PF_NOT, c, -1);
	} else if (is(lx, "(")) {
		next(lx);
		c = parse_expr(lx);
		if (c >= 0 && !is(lx, ")"))
			c = fail(lx, "expected ')', got '%s'", shown(lx));
		else if (c >= 0)
			next(lx);
	} else {
		c = parse_term(lx);
	}
	lx->depth--;
	return c;
}

static bool starts_unary(const struct lexer *lx)
{
	return lx->tok[0] && !is(lx, ")") && !is(lx, "or") && !is(lx, "||") && !is(lx, "and") && !is(lx, "&&");
}

static int parse_and(struct lexer *lx)
{
	int l = parse_unary(lx), r;

	while (l >= 0 && (is(lx, "and") || is(lx, "&&") || starts_unary(lx))) {
		if (is(lx, "and") || is(lx, "&&"))
			next(lx);
		r = parse_unary(lx);
		l = r < 0 ? r : node(lx, PF_AND, l, r);
	}
	return l;
}

static int parse_expr(struct lexer *lx)
{
	int l = parse_and(lx), r;

	while (l >= 0 && (is(lx, "or") || is(lx, "||"))) {
		next(lx);
		r = parse_and(lx);
		l = r < 0 ? r : node(lx, PF_OR, l, r);
	}
	return l;
}

int pf__parse(const char *text, struct pf_tree *t, int *col, char *why, size_t why_sz)
{
	struct lexer lx = { .s = text, .t = t, .why = why, .why_sz = why_sz };
	int root;

	t->count = 0;
	t->root = -1;
	*col = 0;
	next(&lx);
	if (!lx.tok[0])
		return 0;	/* no filter: every packet */
	root = parse_expr(&lx);
	if (root >= 0 && lx.tok[0])
		root = fail(&lx, is(&lx, ")") ? "unbalanced ')'" : "unexpected '%s'", lx.tok);
	if (root < 0) {
		*col = lx.err_col;
		return -EINVAL;
	}
	t->root = root;
	return 0;
}
