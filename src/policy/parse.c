// SPDX-License-Identifier: Apache-2.0
/* Policy files (docs/policy.md) -> struct policy. libyaml's events become
 * a small tree first, so that every value keeps its line and a rule can be
 * judged as a whole (a selector is only wrong together with the rule's
 * events); the selectors' values are read by select.c. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <yaml.h>
#include "lib/suggest.h"
#include "lib/textfile.h"
#include "policy/parse_int.h"

#define Y_DEPTH	 6 /* the schema needs 4: map, rules, rule, list */
#define LOAD_MAX (16u << 20)

static const char *const event_names[ENF_EV__COUNT] = {
	"exec", "open", "connect", "bind", "setuid", "ptrace", "module", "bpf",
};
static const char *const action_names[] = { "audit", "kill", "deny" };

const char *enf_event__name(enum enf_event e)
{
	return (unsigned)e < ENF_EV__COUNT ? event_names[e] : "unknown";
}

const char *enf_action__name(enum enf_action a)
{
	return (unsigned)a < 3 ? action_names[a] : "unknown";
}

uint64_t enf_hash(const char *s)
{
	uint64_t h = ENF_FNV_OFFSET;

	for (; *s; s++)
		h = (h ^ (uint8_t)*s) * ENF_FNV_PRIME;
	return h;
}

int pparse__err(struct pctx *c, unsigned line, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!c->err || !c->errsz)
		return -EINVAL;
	n = snprintf(c->err, c->errsz, "%s:%u: ", c->file, line);
	if (n >= 0 && (size_t)n < c->errsz) {
		va_start(ap, fmt);
		vsnprintf(c->err + n, c->errsz - n, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

const char *pparse__show(struct pctx *c, const char *s)
{
	char *b = c->show[c->nshow++ % 3];
	size_t n = 0;

	/* Values go into one-line messages: escaped, and cut when long. */
	for (; *s && n < sizeof(c->show[0]) - 8; s++) {
		unsigned char ch = *s;

		if (ch >= 0x20 && ch < 0x7f && ch != '\\')
			b[n++] = ch;
		else
			n += snprintf(b + n, 5, "\\x%02x", ch);
	}
	b[n] = '\0';
	if (*s)
		strcpy(b + n, "...");
	return b;
}

/* ---- YAML -> tree ---- */

static void ynode_free(struct ynode *y)
{
	while (y) {
		struct ynode *next = y->next;

		ynode_free(y->kid); /* depth <= Y_DEPTH */
		free(y->s);
		free(y);
		y = next;
	}
}

static int nomem(struct pctx *c, unsigned line)
{
	pparse__err(c, line, "out of memory");
	return -ENOMEM;
}

static unsigned line_at(const char *text, size_t len, size_t off)
{
	unsigned line = 1;

	for (size_t i = 0; i < off && i < len; i++)
		line += text[i] == '\n';
	return line;
}

static int yaml_error(struct pctx *c, const yaml_parser_t *yp, const char *text, size_t len)
{
	const char *what = yp->problem ? yp->problem : "cannot be read";
	unsigned line;

	if (yp->error == YAML_READER_ERROR) {
		line = line_at(text, len, yp->problem_offset);
		if (yp->problem_value >= 0)
			return pparse__err(c, line,
					   "invalid YAML: %s (byte 0x%02x); a policy is UTF-8 text",
					   what, (unsigned)yp->problem_value & 0xff);
		return pparse__err(c, line, "invalid YAML: %s; a policy is UTF-8 text", what);
	}
	/* At the end of the text (an unclosed list): the last line there is. */
	line = yp->problem_mark.line + 1;
	if (line > 1 && yp->problem_mark.index >= len)
		line = line_at(text, len, len ? len - 1 : 0);
	if (yp->context)
		return pparse__err(c, line, "invalid YAML: %s (%s at line %zu)", what, yp->context,
				   yp->context_mark.line + 1);
	return pparse__err(c, line, "invalid YAML: %s", what);
}

struct tree {
	struct ynode *root;
	struct ynode *stack[Y_DEPTH];
	int depth, ndoc;
	bool done;
};

static bool is_null(const yaml_event_t *ev)
{
	const char *v = (const char *)ev->data.scalar.value;

	return ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
	       (!ev->data.scalar.length || !strcmp(v, "~") || !strcmp(v, "null") ||
		!strcmp(v, "Null") || !strcmp(v, "NULL"));
}

static int tree_event(struct pctx *c, struct tree *t, const yaml_event_t *ev)
{
	unsigned line = ev->start_mark.line + 1;
	const yaml_char_t *anchor = NULL;
	struct ynode *y;

	switch (ev->type) {
	case YAML_STREAM_END_EVENT: t->done = true; return 0;
	case YAML_DOCUMENT_START_EVENT:
		if (++t->ndoc > 1)
			return pparse__err(
				c, line,
				"a second YAML document ('---'): a policy file is one document");
		return 0;
	case YAML_ALIAS_EVENT:
		return pparse__err(c, line, "aliases (*%s) are not supported: write the value out",
				   pparse__show(c, (const char *)ev->data.alias.anchor));
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT: t->depth--; return 0;
	case YAML_SCALAR_EVENT: anchor = ev->data.scalar.anchor; break;
	case YAML_SEQUENCE_START_EVENT: anchor = ev->data.sequence_start.anchor; break;
	case YAML_MAPPING_START_EVENT: anchor = ev->data.mapping_start.anchor; break;
	default: return 0;
	}
	if (anchor)
		return pparse__err(c, line, "anchors (&%s) are not supported: write each value out",
				   pparse__show(c, (const char *)anchor));
	if (ev->type != YAML_SCALAR_EVENT && t->depth >= Y_DEPTH)
		return pparse__err(c, line, "nested too deep for a policy (see docs/policy.md)");
	if (!(y = calloc(1, sizeof(*y))))
		return nomem(c, line);
	y->line = line;
	/* Attached at once: freeing the root frees everything built. */
	if (t->depth == 0) {
		if (t->root) {
			free(y);
			return pparse__err(c, line, "a second top-level value");
		}
		t->root = y;
	} else {
		struct ynode *parent = t->stack[t->depth - 1];

		if (parent->last)
			parent->last->next = y;
		else
			parent->kid = y;
		parent->last = y;
		parent->n++;
	}
	if (ev->type != YAML_SCALAR_EVENT) {
		y->type = ev->type == YAML_SEQUENCE_START_EVENT ? Y_SEQ : Y_MAP;
		t->stack[t->depth++] = y;
		return 0;
	}
	y->type = Y_SCALAR;
	y->null = is_null(ev);
	if (memchr(ev->data.scalar.value, '\0', ev->data.scalar.length))
		return pparse__err(
			c, line,
			"a value holds a NUL byte (\\0), which no path, name or argument can");
	if (!(y->s = strndup((const char *)ev->data.scalar.value, ev->data.scalar.length)))
		return nomem(c, line);
	return 0;
}

static int tree_build(struct pctx *c, const char *text, size_t len, struct ynode **root)
{
	struct tree t = { 0 };
	yaml_parser_t yp;
	yaml_event_t ev;
	int ret = 0;

	*root = NULL;
	if (!yaml_parser_initialize(&yp))
		return nomem(c, 1);
	yaml_parser_set_input_string(&yp, (const unsigned char *)text, len);
	while (!t.done && !ret) {
		if (!yaml_parser_parse(&yp, &ev)) {
			ret = yaml_error(c, &yp, text, len);
			break;
		}
		ret = tree_event(c, &t, &ev);
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&yp);
	if (ret)
		ynode_free(t.root);
	else
		*root = t.root;
	return ret;
}

/* ---- the schema ---- */

/* The values of a mapping's known keys (NULL: absent), and each key's
 * line; unknown and repeated keys are errors. */
static int fields(struct pctx *c, const struct ynode *map, const char *what,
		  const char *const *names, unsigned n, const struct ynode **val, unsigned *kline)
{
	for (unsigned i = 0; i < n; i++)
		val[i] = NULL;
	for (const struct ynode *k = map->kid; k && k->next; k = k->next->next) {
		const char *hint;
		unsigned i;

		if (k->type != Y_SCALAR || k->null)
			return pparse__err(c, k->line, "a key must be a plain name");
		for (i = 0; i < n && strcmp(k->s, names[i]); i++)
			;
		if (i == n) {
			hint = suggest__nearest(k->s, names, n);
			if (hint)
				return pparse__err(c, k->line,
						   "unknown %s field '%s' (did you mean '%s'?)",
						   what, pparse__show(c, k->s), hint);
			return pparse__err(c, k->line, "unknown %s field '%s' (see docs/policy.md)",
					   what, pparse__show(c, k->s));
		}
		if (val[i])
			return pparse__err(c, k->line, "'%s' is given twice (first at line %u)",
					   names[i], kline[i]);
		val[i] = k->next;
		kline[i] = k->line;
	}
	return 0;
}

int pparse__items(struct pctx *c, const char *field, unsigned kline, const struct ynode *v,
		  const struct ynode **out, unsigned *n)
{
	unsigned i = 0;

	*n = 0;
	if (v->type == Y_MAP)
		return pparse__err(c, v->line,
				   "'%s' takes a value or a list of values, not a mapping", field);
	if (v->type == Y_SCALAR) {
		if (v->null)
			return pparse__err(c, kline, "'%s' needs a value", field);
		out[0] = v;
		*n = 1;
		return 0;
	}
	if (!v->n)
		return pparse__err(
			c, v->line,
			"'%s' is an empty list, which selects nothing: give it an item or remove it",
			field);
	for (const struct ynode *k = v->kid; k; k = k->next, i++) {
		if (i >= POLICY_LIST_MAX)
			return pparse__err(
				c, k->line,
				"'%s' has more than %d items (POLICY_LIST_MAX): split the rule",
				field, POLICY_LIST_MAX);
		if (k->type != Y_SCALAR)
			return pparse__err(c, k->line,
					   "an item of '%s' must be a plain value, not a %s", field,
					   k->type == Y_SEQ ? "list" : "mapping");
		if (k->null)
			return pparse__err(c, k->line, "an empty item in '%s'", field);
		out[i] = k;
	}
	*n = i;
	return 0;
}

static int one(struct pctx *c, const char *field, unsigned kline, const struct ynode *v)
{
	if (v->type != Y_SCALAR)
		return pparse__err(c, v->line, "'%s' takes one value, not a %s", field,
				   v->type == Y_SEQ ? "list" : "mapping");
	if (v->null)
		return pparse__err(c, kline, "'%s' needs a value", field);
	return 0;
}

/* A name from a fixed set, with "did you mean". */
static int choose(struct pctx *c, const struct ynode *y, const char *what, const char *const *names,
		  unsigned n, const char *all)
{
	const char *hint;

	for (unsigned i = 0; i < n; i++)
		if (!strcmp(y->s, names[i]))
			return i;
	hint = suggest__nearest(y->s, names, n);
	if (hint)
		return pparse__err(c, y->line, "unknown %s '%s' (did you mean '%s'?)", what,
				   pparse__show(c, y->s), hint);
	return pparse__err(c, y->line, "unknown %s '%s': %s", what, pparse__show(c, y->s), all);
}

static int parse_name(struct pctx *c, const struct ynode *v, unsigned kline, struct policy_rule *r)
{
	size_t n;
	int ret = one(c, "name", kline, v);

	if (ret)
		return ret;
	n = strlen(v->s);
	if (n >= POLICY_NAME_MAX)
		return pparse__err(c, v->line,
				   "the name '%s' is %zu bytes: names are shorter than %d",
				   pparse__show(c, v->s), n, POLICY_NAME_MAX);
	for (const char *s = v->s; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '_' || *s == '.' || *s == '-'))
			return pparse__err(
				c, v->line,
				"the name '%s' has '%s': names use A-Z, a-z, 0-9, '_', '.' and '-'",
				pparse__show(c, v->s), pparse__show(c, (char[]){ *s, 0 }));
	memcpy(r->name, v->s, n + 1);
	return 0;
}

static int parse_events(struct pctx *c, const struct ynode *v, unsigned kline,
			struct policy_rule *r)
{
	const struct ynode *it[POLICY_LIST_MAX];
	unsigned n;
	int ret = pparse__items(c, "event", kline, v, it, &n);

	for (unsigned i = 0; i < n && !ret; i++) {
		int e = choose(
			c, it[i], "event", event_names, ENF_EV__COUNT,
			"events are exec, open, connect, bind, setuid, ptrace, module and bpf");

		if (e < 0)
			return e;
		if (r->events & (1u << e))
			return pparse__err(c, it[i]->line, "'%s' is listed twice in 'event'",
					   event_names[e]);
		r->events |= 1u << e;
	}
	return ret;
}

static int parse_action(struct pctx *c, const struct ynode *v, unsigned kline,
			struct policy_rule *r)
{
	int a = one(c, "action", kline, v);

	if (!a)
		a = choose(c, v, "action", action_names, 3, "actions are audit, kill and deny");
	if (a < 0)
		return a;
	r->action = a;
	return 0;
}

/* "10" or "10/s". */
static int parse_rate(struct pctx *c, const struct ynode *v, unsigned kline, struct policy_rule *r)
{
	const char *s, *slash;
	uint64_t n;
	int ret = one(c, "rate", kline, v);

	if (ret)
		return ret;
	s = v->s;
	slash = strchr(s, '/');
	ret = pparse__num(s, slash ? slash : s + strlen(s), &n);
	if (ret == -EINVAL || (slash && strcmp(slash, "/s")))
		return pparse__err(c, v->line,
				   "'%s' is not a rate: write events per second, 10 or 10/s",
				   pparse__show(c, s));
	if (ret || n > POLICY_RATE_MAX)
		return pparse__err(
			c, v->line,
			"rate %s is above %u events per second, the largest rate (0 is no limit)",
			pparse__show(c, s), POLICY_RATE_MAX);
	r->rate = n;
	return 0;
}

enum { RF_NAME, RF_EVENT, RF_ACTION, RF_RATE, RF__SEL };
static const char *const rule_fields[RF__SEL + SEL__COUNT] = {
	"name",
	"event",
	"action",
	"rate",
	[RF__SEL + SEL_BINARY] = "binary",
	[RF__SEL + SEL_PARENT] = "parent",
	[RF__SEL + SEL_ARGS] = "args",
	[RF__SEL + SEL_PATH] = "path",
	[RF__SEL + SEL_FLAGS] = "flags",
	[RF__SEL + SEL_ADDRESS] = "address",
	[RF__SEL + SEL_PORT] = "port",
	[RF__SEL + SEL_UID] = "uid",
	[RF__SEL + SEL_CGROUP] = "cgroup",
	[RF__SEL + SEL_CONTAINER] = "container",
};
#define NFIELDS (RF__SEL + SEL__COUNT)
_Static_assert(NFIELDS <= sizeof(((struct policy_rule *)0)->field_line) / sizeof(unsigned),
	       "policy_rule.field_line: one per field, in rule_fields' order");

static const char *first_event(uint32_t events)
{
	for (int e = 0; e < ENF_EV__COUNT; e++)
		if (events & (1u << e))
			return event_names[e];
	return "?";
}

/* What the rule's events and action allow. */
static int rule_check(struct pctx *c, const struct policy_rule *r, const unsigned *kline,
		      const struct ynode *const *val)
{
	const uint32_t open = 1u << ENF_EV_OPEN, net = 1u << ENF_EV_CONNECT | 1u << ENF_EV_BIND;
	const uint32_t no_deny = 1u << ENF_EV_SETUID | 1u << ENF_EV_PTRACE | 1u << ENF_EV_MODULE |
				 1u << ENF_EV_BPF;
	static const int open_only[] = { SEL_PATH, SEL_FLAGS },
			 net_only[] = { SEL_ADDRESS, SEL_PORT };

	for (unsigned i = 0; i < 2; i++) {
		int f = RF__SEL + open_only[i];

		if (val[f] && (r->events & ~open))
			return pparse__err(
				c, kline[f],
				"'%s' applies to open only: this rule can never match on %s "
				"(give open a rule of its own)",
				rule_fields[f], first_event(r->events & ~open));
		f = RF__SEL + net_only[i];
		if (val[f] && (r->events & ~net))
			return pparse__err(
				c, kline[f],
				"'%s' applies to connect and bind only: this rule can never match "
				"on %s (give connect/bind a rule of their own)",
				rule_fields[f], first_event(r->events & ~net));
	}
	/* The kernel reads argv into the buffer that holds an open's path. */
	if (val[RF__SEL + SEL_ARGS] && (r->events & open))
		return pparse__err(c, kline[RF__SEL + SEL_ARGS],
				   "'args' is not available for open "
				   "(use binary or parent, or give open a rule of its own)");
	if (r->action == ENF_ACT_DENY && (r->events & no_deny))
		return pparse__err(c, kline[RF_ACTION],
				   "deny is not available for %s: deny is available for exec, "
				   "open, connect and bind; use kill or audit",
				   first_event(r->events & no_deny));
	if (r->action == ENF_ACT_KILL && (r->events & net))
		return pparse__err(c, kline[RF_ACTION],
				   "kill is not available for %s: use deny: the call fails "
				   "with EPERM",
				   first_event(r->events & net));
	return 0;
}

static int rule_parse(struct pctx *c, const struct ynode *map, struct policy_rule *r)
{
	const struct ynode *val[NFIELDS];
	unsigned kline[NFIELDS];
	int ret;

	r->line = map->line;
	if (map->type != Y_MAP)
		return pparse__err(
			c, map->line,
			"a rule is a mapping of fields (name:, event:, action:, ...), not a %s",
			map->type == Y_SEQ ? "list" : "plain value");
	if ((ret = fields(c, map, "rule", rule_fields, NFIELDS, val, kline)))
		return ret;
	for (int f = 0; f < NFIELDS; f++)
		r->field_line[f] = val[f] ? kline[f] : 0;
	if (!val[RF_NAME])
		return pparse__err(c, r->line, "the rule has no 'name'");
	if ((ret = parse_name(c, val[RF_NAME], kline[RF_NAME], r)))
		return ret;
	if (!val[RF_EVENT])
		return pparse__err(
			c, r->line,
			"rule '%s' has no 'event' (exec, open, connect, bind, setuid, ptrace, "
			"module or bpf)",
			r->name);
	if (!val[RF_ACTION])
		return pparse__err(c, r->line, "rule '%s' has no 'action' (audit, kill or deny)",
				   r->name);
	if ((ret = parse_events(c, val[RF_EVENT], kline[RF_EVENT], r)) ||
	    (ret = parse_action(c, val[RF_ACTION], kline[RF_ACTION], r)))
		return ret;
	if (val[RF_RATE] && (ret = parse_rate(c, val[RF_RATE], kline[RF_RATE], r)))
		return ret;
	for (int s = 0; s < SEL__COUNT; s++) {
		int f = RF__SEL + s;

		if (val[f] && (ret = pparse__selector(c, s, rule_fields[f], kline[f], val[f], r)))
			return ret;
	}
	return rule_check(c, r, kline, val);
}

static int by_name(const void *a, const void *b, void *arg)
{
	const struct policy_rule *rules = arg;
	unsigned i = *(const unsigned *)a, j = *(const unsigned *)b;
	int d = strcmp(rules[i].name, rules[j].name);

	return d ? d : (i > j) - (i < j);
}

/* Names are unique: the first repeat in file order is the error. */
static int names_unique(struct pctx *c, const struct policy *p)
{
	unsigned *ix, bad = ~0u, first = 0, head = 0;

	if (p->nrules < 2)
		return 0;
	if (!(ix = malloc(p->nrules * sizeof(*ix))))
		return nomem(c, 1);
	for (unsigned i = 0; i < p->nrules; i++)
		ix[i] = i;
	qsort_r(ix, p->nrules, sizeof(*ix), by_name, p->rules);
	/* Sorted by (name, index): a run's head is the first of its name. */
	for (unsigned i = 1; i < p->nrules; i++) {
		if (strcmp(p->rules[ix[i]].name, p->rules[ix[i - 1]].name))
			head = i;
		else if (ix[i] < bad)
			bad = ix[i], first = ix[head];
	}
	free(ix);
	if (bad == ~0u)
		return 0;
	return pparse__err(c, p->rules[bad].line,
			   "a second rule named '%s' (the first is at line %u): names are unique",
			   p->rules[bad].name, p->rules[first].line);
}

static int top_parse(struct pctx *c, const struct ynode *root, struct policy *p)
{
	static const char *const top[] = { "dry_run", "rules" };
	const struct ynode *val[2], *rules;
	unsigned kline[2], i = 0;
	int ret;

	if (!root || (root->type == Y_SCALAR && root->null))
		return pparse__err(
			c, 1,
			"empty policy: no 'rules' (write 'rules: []' for a policy without rules)");
	if (root->type != Y_MAP)
		return pparse__err(c, root->line,
				   "a policy is a mapping with 'rules:' (and 'dry_run:'), not a %s",
				   root->type == Y_SEQ ? "list" : "plain value");
	if ((ret = fields(c, root, "top-level", top, 2, val, kline)))
		return ret;
	if (val[0]) {
		const char *s = val[0]->s;

		if ((ret = one(c, "dry_run", kline[0], val[0])))
			return ret;
		if (!strcmp(s, "true") || !strcmp(s, "yes") || !strcmp(s, "on"))
			p->dry_run = true;
		else if (strcmp(s, "false") && strcmp(s, "no") && strcmp(s, "off"))
			return pparse__err(c, val[0]->line,
					   "'dry_run' wants true or false, got '%s'",
					   pparse__show(c, s));
	}
	if (!(rules = val[1]))
		return pparse__err(
			c, root->line,
			"the policy has no 'rules' (a list of rules; 'rules: []' for none)");
	if (rules->type == Y_SCALAR && rules->null)
		return pparse__err(c, kline[1],
				   "'rules' needs a list of rules ('rules: []' for none)");
	if (rules->type != Y_SEQ)
		return pparse__err(c, rules->line,
				   "'rules' is a list of rules (each item starts with '- name:')");
	if (rules->n > ENF_MAX_RULES) {
		const struct ynode *k = rules->kid;

		for (i = 0; i < ENF_MAX_RULES; i++)
			k = k->next;
		return pparse__err(c, k->line, "more than %d rules (ENF_MAX_RULES)", ENF_MAX_RULES);
	}
	if (rules->n && !(p->rules = calloc(rules->n, sizeof(*p->rules))))
		return nomem(c, rules->line);
	for (const struct ynode *k = rules->kid; k; k = k->next) {
		p->nrules++; /* counted first: policy__free frees a half-read rule */
		if ((ret = rule_parse(c, k, &p->rules[i++])))
			return ret;
	}
	if ((ret = names_unique(c, p)))
		return ret;
	return pparse__conflicts(c, p);
}

int policy__parse(struct policy *p, const char *file, const char *text, size_t len,
		  const char *cgroup_root, char *err, size_t errsz)
{
	struct pctx c = { .file = file ? file : "policy",
			  .err = err,
			  .errsz = errsz,
			  .cgroup_root = cgroup_root ? cgroup_root : "/sys/fs/cgroup" };
	struct ynode *root = NULL;
	int ret;

	memset(p, 0, sizeof(*p));
	if (err && errsz)
		err[0] = '\0';
	snprintf(p->file, sizeof(p->file), "%s", c.file);
	ret = tree_build(&c, text ? text : "", text ? len : 0, &root);
	if (!ret)
		ret = top_parse(&c, root, p);
	ynode_free(root);
	if (ret) {
		policy__free(p);
		snprintf(p->file, sizeof(p->file), "%s", c.file);
	}
	return ret;
}

int policy__load(struct policy *p, const char *path, const char *cgroup_root, char *err,
		 size_t errsz)
{
	char *buf;
	size_t len;
	int ret;

	memset(p, 0, sizeof(*p));
	ret = textfile__read(path, LOAD_MAX, "policy file", &buf, &len, err, errsz);
	if (ret)
		return ret;
	ret = policy__parse(p, path, buf, len, cgroup_root, err, errsz);
	free(buf);
	return ret;
}

void policy__free(struct policy *p)
{
	if (!p)
		return;
	for (unsigned i = 0; i < p->nrules; i++) {
		struct policy_rule *r = &p->rules[i];

		free(r->binary);
		free(r->parent);
		free(r->path);
		free(r->args);
		free(r->address);
		free(r->port);
		free(r->uid);
		free(r->cgroup);
	}
	free(p->rules);
	memset(p, 0, sizeof(*p));
}
