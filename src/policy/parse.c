// SPDX-License-Identifier: Apache-2.0
/* Policy files: YAML through libyaml's document tree (every node knows its
 * line), checked field by field into struct policy. Anything the schema
 * (docs/policy.md) does not allow is an error naming file and line. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <yaml.h>
#include "lib/netaddr.h"
#include "lib/suggest.h"
#include "policy/policy.h"

struct pctx {
	yaml_document_t *doc;
	const char *file;
	const char *cgroup_root;
	char *err;
	size_t errsz;
};

static int verr(struct pctx *c, size_t line, const char *fmt, va_list ap)
{
	char msg[400];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	snprintf(c->err, c->errsz, "%s:%zu: %s", c->file, line, msg);
	return -EINVAL;
}

static int perr(struct pctx *c, const yaml_node_t *n, const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = verr(c, n ? n->start_mark.line + 1 : 1, fmt, ap);
	va_end(ap);
	return ret;
}

/* An error at line (a field's, or the rule's when 0). */
static int lerr(struct pctx *c, unsigned line, const struct policy_rule *r, const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = verr(c, line ? line : r->line, fmt, ap);
	va_end(ap);
	return ret;
}

static const char *const event_names[ENF_EV__COUNT] = {
	"exec", "open", "connect", "bind", "setuid", "ptrace", "module", "bpf",
};
static const char *const action_names[] = { "audit", "kill", "deny" };

const char *enf_event__name(enum enf_event e)
{
	return (unsigned)e < ENF_EV__COUNT ? event_names[e] : "?";
}

const char *enf_action__name(enum enf_action a)
{
	return (unsigned)a < 3 ? action_names[a] : "?";
}

uint64_t enf_hash(const char *s)
{
	uint64_t h = ENF_FNV_OFFSET;

	for (; *s; s++)
		h = (h ^ (uint8_t)*s) * ENF_FNV_PRIME;
	return h;
}

/* A scalar's text, NULL (with the error) if the node is not a plain
 * string or holds a NUL. */
static const char *scalar(struct pctx *c, yaml_node_t *n, const char *what)
{
	if (!n || n->type != YAML_SCALAR_NODE) {
		perr(c, n, "%s must be a value, not a %s", what,
		     n && n->type == YAML_SEQUENCE_NODE ? "list" : "mapping");
		return NULL;
	}
	if (strlen((const char *)n->data.scalar.value) != n->data.scalar.length) {
		perr(c, n, "%s holds a NUL byte", what);
		return NULL;
	}
	return (const char *)n->data.scalar.value;
}

/* The items of a value that may be one item or a list: calls fn on each. */
typedef int (*item_fn)(struct pctx *c, yaml_node_t *n, const char *s, void *dst);

static int each_item(struct pctx *c, yaml_node_t *n, const char *what, item_fn fn, void *dst)
{
	const char *s;
	int count = 0, err;

	if (n->type == YAML_SEQUENCE_NODE) {
		for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++) {
			yaml_node_t *item = yaml_document_get_node(c->doc, *it);

			if (++count > POLICY_LIST_MAX)
				return perr(c, item, "%s: at most %d items", what, POLICY_LIST_MAX);
			if (!(s = scalar(c, item, what)))
				return -EINVAL;
			if ((err = fn(c, item, s, dst)))
				return err;
		}
		return count ? 0 : perr(c, n, "%s: an empty list can never match", what);
	}
	if (!(s = scalar(c, n, what)))
		return -EINVAL;
	if (!*s)
		return perr(c, n, "%s needs a value", what);
	return fn(c, n, s, dst);
}

/* Growable arrays of selector items. */
#define PUSH(arr, n, item)							\
	({									\
		void *_p = realloc((arr), ((n) + 1) * sizeof(*(arr)));		\
		if (_p) {							\
			(arr) = _p;						\
			(arr)[(n)++] = (item);					\
		}								\
		_p ? 0 : -ENOMEM;						\
	})

static int parse_path(struct pctx *c, yaml_node_t *n, const char *s, struct policy_path *out)
{
	size_t len = strlen(s);
	const char *star = strchr(s, '*');

	memset(out, 0, sizeof(*out));
	if (s[0] != '/')
		return perr(c, n, "'%s' is not an absolute path (sonde judges the kernel's own, absolute paths)", s);
	if (star && star[1])
		return perr(c, n, "'%s': '*' may only end a path (a prefix)", s);
	out->prefix = star != NULL;
	if (star)
		len--;
	if (len >= ENF_KEY_DATA - 1)
		return perr(c, n, "'%.40s...' is %zu bytes: paths are at most %d", s, len, ENF_KEY_DATA - 2);
	memcpy(out->s, s, len);
	out->len = len;
	return 0;
}

struct path_list { struct policy_path **v; unsigned *n; };

static int add_path(struct pctx *c, yaml_node_t *n, const char *s, void *dst)
{
	struct path_list *l = dst;
	struct policy_path p;

	return parse_path(c, n, s, &p) ?: PUSH(*l->v, *l->n, p);
}

static int add_arg(struct pctx *c, yaml_node_t *n, const char *s, void *dst)
{
	struct policy_rule *r = dst;
	char a[ENF_STR_MAX] = "";

	if (strlen(s) >= ENF_STR_MAX)
		return perr(c, n, "an args item is at most %d bytes", ENF_STR_MAX - 1);
	strcpy(a, s);
	{
		void *p = realloc(r->args, (r->nargs + 1) * sizeof(*r->args));

		if (!p)
			return -ENOMEM;
		r->args = p;
		memcpy(r->args[r->nargs++], a, ENF_STR_MAX);
	}
	return 0;
}

static int parse_range(struct pctx *c, yaml_node_t *n, const char *s, uint32_t max, const char *what,
		       struct policy_range *out)
{
	char *end;
	unsigned long lo, hi;

	errno = 0;
	lo = strtoul(s, &end, 10);
	hi = lo;
	if (*end == '-' && end != s) {
		const char *h = end + 1;

		hi = strtoul(h, &end, 10);
		if (end == h)
			end = (char *)"x";
	}
	if (!isdigit((unsigned char)s[0]) || *end || errno)
		return perr(c, n, "%s '%s': want N or N-M", what, s);
	if (lo > max || hi > max)
		return perr(c, n, "%s '%s': at most %u", what, s, max);
	if (lo > hi)
		return perr(c, n, "%s '%s': the range is empty (%lu > %lu), so the rule can never match", what, s, lo, hi);
	out->lo = lo;
	out->hi = hi;
	return 0;
}

static int add_port(struct pctx *c, yaml_node_t *n, const char *s, void *dst)
{
	struct policy_rule *r = dst;
	struct policy_range v;

	return parse_range(c, n, s, 65535, "port", &v) ?: PUSH(r->port, r->nport, v);
}

static int add_uid(struct pctx *c, yaml_node_t *n, const char *s, void *dst)
{
	struct policy_rule *r = dst;
	struct policy_range v;

	return parse_range(c, n, s, 0xfffffffeu, "uid", &v) ?: PUSH(r->uid, r->nuid, v);
}

static int add_address(struct pctx *c, yaml_node_t *n, const char *s, void *dst)
{
	struct policy_rule *r = dst;
	struct policy_cidr v = {};
	struct cidr cd;
	char why[160];

	if (cidr__parse(s, &cd, why, sizeof(why)))
		return perr(c, n, "address '%s': %s", s, why);
	v.family = cd.addr.family == AF_INET6 ? AF_INET6 : AF_INET;
	v.bits = cd.prefix;
	memcpy(v.addr, cd.addr.a, 16);
	return PUSH(r->address, r->naddress, v);
}

/* A directory under root whose name contains id, depth-bounded. */
static int find_container(const char *dir, const char *id, int depth, char *out, size_t sz)
{
	DIR *d;
	struct dirent *e;
	int found = 0;

	if (depth > 6 || !(d = opendir(dir)))
		return 0;
	while (!found && (e = readdir(d))) {
		char sub[4096];

		if (e->d_type != DT_DIR || e->d_name[0] == '.')
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", dir, e->d_name);
		if (strstr(e->d_name, id)) {
			snprintf(out, sz, "%s", sub);
			found = 1;
		} else {
			found = find_container(sub, id, depth + 1, out, sz);
		}
	}
	closedir(d);
	return found;
}

static int add_cgroup_dir(struct pctx *c, yaml_node_t *n, const char *path, struct policy_rule *r)
{
	struct stat st;
	uint64_t id;

	if (stat(path, &st) || !S_ISDIR(st.st_mode))
		return perr(c, n, "no cgroup directory %s: %s", path, strerror(errno ?: ENOTDIR));
	id = st.st_ino;
	return PUSH(r->cgroup, r->ncgroup, id);
}

static int add_cgroup(struct pctx *c, yaml_node_t *n, const char *s, void *dst)
{
	struct policy_rule *r = dst;
	char path[4096], *end;
	unsigned long long id;

	if (isdigit((unsigned char)s[0])) {
		errno = 0;
		id = strtoull(s, &end, 10);
		if (*end || errno || !id)
			return perr(c, n, "cgroup '%s': want a cgroup v2 directory or a numeric id", s);
		uint64_t v = id;
		return PUSH(r->cgroup, r->ncgroup, v);
	}
	if (s[0] == '/')
		snprintf(path, sizeof(path), "%s", s);
	else
		snprintf(path, sizeof(path), "%s/%s", c->cgroup_root, s);
	return add_cgroup_dir(c, n, path, r);
}

static int add_container(struct pctx *c, yaml_node_t *n, const char *s, void *dst)
{
	struct policy_rule *r = dst;
	char path[4096];
	size_t len = strlen(s);

	for (size_t i = 0; i < len; i++)
		if (!isxdigit((unsigned char)s[i]))
			return perr(c, n, "container '%s': want a container id (hex)", s);
	if (len < 12 || len > 64)
		return perr(c, n, "container '%s': give at least 12 of its hex digits", s);
	if (!find_container(c->cgroup_root, s, 0, path, sizeof(path)))
		return perr(c, n, "no cgroup directory under %s names container %s (is it running?)",
			    c->cgroup_root, s);
	return add_cgroup_dir(c, n, path, r);
}

static int add_event(struct pctx *c, yaml_node_t *n, const char *s, void *dst)
{
	struct policy_rule *r = dst;
	const char *near;

	for (int e = 0; e < ENF_EV__COUNT; e++)
		if (!strcmp(s, event_names[e])) {
			r->events |= 1u << e;
			return 0;
		}
	near = suggest__nearest(s, event_names, ENF_EV__COUNT);
	return perr(c, n, "unknown event '%s'%s%s%s (exec, open, connect, bind, setuid, ptrace, module, bpf)",
		    s, near ? " (did you mean '" : "", near ? near : "", near ? "'?)" : "");
}

static int add_flag(struct pctx *c, yaml_node_t *n, const char *s, void *dst)
{
	struct policy_rule *r = dst;

	if (!strcmp(s, "write"))
		r->open_flags |= ENF_OPEN_WRITE;
	else if (!strcmp(s, "truncate"))
		r->open_flags |= ENF_OPEN_TRUNC;
	else if (!strcmp(s, "create"))
		r->open_flags |= ENF_OPEN_CREATE;
	else
		return perr(c, n, "unknown open flag '%s' (write, truncate, create)", s);
	return 0;
}

static const char *const rule_keys[] = {
	"name", "event", "action", "rate", "binary", "parent", "args", "path", "flags",
	"address", "port", "uid", "cgroup", "container",
};
#define NKEYS (sizeof(rule_keys) / sizeof(rule_keys[0]))

static int parse_name(struct pctx *c, yaml_node_t *n, const char *s, struct policy_rule *r)
{
	size_t len = strlen(s);

	if (!len || len >= POLICY_NAME_MAX)
		return perr(c, n, "a rule name has 1 to %d characters", POLICY_NAME_MAX - 1);
	for (size_t i = 0; i < len; i++)
		if (!isalnum((unsigned char)s[i]) && !strchr("_.-", s[i]))
			return perr(c, n, "rule name '%s': use letters, digits, '_', '.' and '-'", s);
	strcpy(r->name, s);
	return 0;
}

static int parse_action(struct pctx *c, yaml_node_t *n, const char *s, struct policy_rule *r)
{
	for (int a = 0; a < 3; a++)
		if (!strcmp(s, action_names[a])) {
			r->action = a;
			return 0;
		}
	{
		const char *near = suggest__nearest(s, action_names, 3);

		return perr(c, n, "unknown action '%s'%s%s%s (audit, kill or deny)", s,
			    near ? " (did you mean '" : "", near ? near : "", near ? "'?)" : "");
	}
}

static int parse_rate(struct pctx *c, yaml_node_t *n, const char *s, struct policy_rule *r)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (!isdigit((unsigned char)s[0]) || errno || (*end && strcmp(end, "/s")))
		return perr(c, n, "rate '%s': want events per second (N or N/s)", s);
	if (v > 1000000)
		return perr(c, n, "rate '%s': at most 1000000 per second", s);
	r->rate = v;
	return 0;
}

static int rule_field(struct pctx *c, struct policy_rule *r, const char *key, yaml_node_t *k,
		      yaml_node_t *v, unsigned *seen)
{
	unsigned i;
	const char *s;

	for (i = 0; i < NKEYS; i++)
		if (!strcmp(key, rule_keys[i]))
			break;
	if (i == NKEYS) {
		const char *near = suggest__nearest(key, rule_keys, NKEYS);

		return perr(c, k, "unknown field '%s'%s%s%s", key, near ? " (did you mean '" : "",
			    near ? near : "", near ? "'?)" : "");
	}
	if (*seen & (1u << i))
		return perr(c, k, "'%s' given twice", key);
	*seen |= 1u << i;
	r->field_line[i] = k->start_mark.line + 1;
	switch (i) {
	case 0:
		return (s = scalar(c, v, "name")) ? parse_name(c, v, s, r) : -EINVAL;
	case 1:
		return each_item(c, v, "event", add_event, r);
	case 2:
		return (s = scalar(c, v, "action")) ? parse_action(c, v, s, r) : -EINVAL;
	case 3:
		return (s = scalar(c, v, "rate")) ? parse_rate(c, v, s, r) : -EINVAL;
	case 4:
		return each_item(c, v, "binary", add_path, &(struct path_list){ &r->binary, &r->nbinary });
	case 5:
		return each_item(c, v, "parent", add_path, &(struct path_list){ &r->parent, &r->nparent });
	case 6:
		return each_item(c, v, "args", add_arg, r);
	case 7:
		return each_item(c, v, "path", add_path, &(struct path_list){ &r->path, &r->npath });
	case 8:
		return each_item(c, v, "flags", add_flag, r);
	case 9:
		return each_item(c, v, "address", add_address, r);
	case 10:
		return each_item(c, v, "port", add_port, r);
	case 11:
		return each_item(c, v, "uid", add_uid, r);
	case 12:
		return each_item(c, v, "cgroup", add_cgroup, r);
	default:
		return each_item(c, v, "container", add_container, r);
	}
}

/* Selectors that cannot apply to an event of the rule, and actions its
 * events cannot take. */
enum { K_NAME, K_EVENT, K_ACTION, K_RATE, K_BINARY, K_PARENT, K_ARGS, K_PATH, K_FLAGS, K_ADDRESS, K_PORT };

static int rule_sane(struct pctx *c, const struct policy_rule *r, yaml_node_t *n)
{
	const unsigned *fl = r->field_line;
	const uint32_t net = 1u << ENF_EV_CONNECT | 1u << ENF_EV_BIND, file = 1u << ENF_EV_OPEN;
	const uint32_t calls = 1u << ENF_EV_SETUID | 1u << ENF_EV_PTRACE | 1u << ENF_EV_MODULE |
			       1u << ENF_EV_BPF;

	if (!r->name[0])
		return perr(c, n, "a rule needs a name");
	if (!r->events)
		return perr(c, n, "rule '%s' needs an event", r->name);
	if ((r->npath || r->open_flags) && (r->events & ~file))
		return lerr(c, fl[r->npath ? K_PATH : K_FLAGS], r, "rule '%s': %s applies to open only, so this rule can never match %s",
			    r->name, r->npath ? "path" : "flags",
			    enf_event__name(__builtin_ctz(r->events & ~file)));
	if ((r->naddress || r->nport) && (r->events & ~net))
		return lerr(c, fl[r->naddress ? K_ADDRESS : K_PORT], r, "rule '%s': %s applies to connect and bind only, so this rule can never match %s",
			    r->name, r->naddress ? "address" : "port",
			    enf_event__name(__builtin_ctz(r->events & ~net)));
	if (r->action == ENF_ACT_DENY && (r->events & calls))
		return lerr(c, fl[K_ACTION], r, "rule '%s': deny is available for exec, open, connect and bind; "
			    "use kill or audit for %s", r->name, enf_event__name(__builtin_ctz(r->events & calls)));
	if (r->action == ENF_ACT_KILL && (r->events & net))
		return lerr(c, fl[K_ACTION], r, "rule '%s': kill is not available for connect and bind: use deny "
			    "(the call fails with EPERM)", r->name);
	return 0;
}

static bool same_paths(const struct policy_path *a, unsigned na, const struct policy_path *b, unsigned nb)
{
	if (na != nb)
		return false;
	for (unsigned i = 0; i < na; i++)
		if (a[i].len != b[i].len || a[i].prefix != b[i].prefix || memcmp(a[i].s, b[i].s, a[i].len))
			return false;
	return true;
}

#define SAME(f, n) ((a)->n == (b)->n && (!(a)->n || !memcmp((a)->f, (b)->f, (a)->n * sizeof(*(a)->f))))

static bool same_selectors(const struct policy_rule *a, const struct policy_rule *b)
{
	return same_paths(a->binary, a->nbinary, b->binary, b->nbinary) &&
	       same_paths(a->parent, a->nparent, b->parent, b->nparent) &&
	       same_paths(a->path, a->npath, b->path, b->npath) && SAME(args, nargs) &&
	       SAME(address, naddress) && SAME(port, nport) && SAME(uid, nuid) &&
	       SAME(cgroup, ncgroup) && a->open_flags == b->open_flags;
}

static void rule_free(struct policy_rule *r)
{
	free(r->binary);
	free(r->parent);
	free(r->path);
	free(r->args);
	free(r->address);
	free(r->port);
	free(r->uid);
	free(r->cgroup);
}

void policy__free(struct policy *p)
{
	for (unsigned i = 0; p && i < p->nrules; i++)
		rule_free(&p->rules[i]);
	if (p) {
		free(p->rules);
		p->rules = NULL;
		p->nrules = 0;
	}
}

static int parse_rules(struct pctx *c, struct policy *p, yaml_node_t *seq)
{
	int err;

	if (seq->type != YAML_SEQUENCE_NODE)
		return perr(c, seq, "rules must be a list of rules");
	for (yaml_node_item_t *it = seq->data.sequence.items.start; it < seq->data.sequence.items.top; it++) {
		yaml_node_t *n = yaml_document_get_node(c->doc, *it);
		struct policy_rule *r;
		unsigned seen = 0;

		if (n->type != YAML_MAPPING_NODE)
			return perr(c, n, "a rule is a mapping (name, event, action, selectors)");
		if (p->nrules >= ENF_MAX_RULES)
			return perr(c, n, "at most %d rules", ENF_MAX_RULES);
		r = realloc(p->rules, (p->nrules + 1) * sizeof(*r));
		if (!r)
			return -ENOMEM;
		p->rules = r;
		r = &p->rules[p->nrules++];
		memset(r, 0, sizeof(*r));
		r->line = n->start_mark.line + 1;
		for (yaml_node_pair_t *kv = n->data.mapping.pairs.start; kv < n->data.mapping.pairs.top; kv++) {
			yaml_node_t *k = yaml_document_get_node(c->doc, kv->key);
			yaml_node_t *v = yaml_document_get_node(c->doc, kv->value);
			const char *key = scalar(c, k, "a field name");

			if (!key || (err = rule_field(c, r, key, k, v, &seen)))
				return key ? err : -EINVAL;
		}
		if (!(seen & 4))
			return perr(c, n, "rule '%s' needs an action (audit, kill or deny)", r->name);
		if ((err = rule_sane(c, r, n)))
			return err;
		for (unsigned j = 0; j + 1 < p->nrules; j++) {
			const struct policy_rule *o = &p->rules[j];

			if (!strcmp(o->name, r->name))
				return perr(c, n, "rule name '%s' is already used at line %u", r->name, o->line);
			if ((o->events & r->events) && o->action != r->action && same_selectors(o, r))
				return perr(c, n, "rule '%s' conflicts with rule '%s' (line %u): same selectors, "
					    "different actions", r->name, o->name, o->line);
		}
	}
	return 0;
}

static int parse_doc(struct pctx *c, struct policy *p)
{
	yaml_node_t *root = yaml_document_get_root_node(c->doc), *rules = NULL;

	if (!root)
		return perr(c, NULL, "the policy is empty: it needs 'rules:'");
	if (root->type != YAML_MAPPING_NODE)
		return perr(c, root, "a policy is a mapping with 'rules:' (and optionally 'dry_run:')");
	for (yaml_node_pair_t *kv = root->data.mapping.pairs.start; kv < root->data.mapping.pairs.top; kv++) {
		yaml_node_t *k = yaml_document_get_node(c->doc, kv->key);
		yaml_node_t *v = yaml_document_get_node(c->doc, kv->value);
		const char *key = scalar(c, k, "a field name"), *s;
		static const char *const top[] = { "rules", "dry_run" };

		if (!key)
			return -EINVAL;
		if (!strcmp(key, "rules")) {
			rules = v;
		} else if (!strcmp(key, "dry_run")) {
			if (!(s = scalar(c, v, "dry_run")))
				return -EINVAL;
			if (strcmp(s, "true") && strcmp(s, "false"))
				return perr(c, v, "dry_run is true or false, not '%s'", s);
			p->dry_run = !strcmp(s, "true");
		} else {
			const char *near = suggest__nearest(key, top, 2);

			return perr(c, k, "unknown field '%s'%s%s%s", key, near ? " (did you mean '" : "",
				    near ? near : "", near ? "'?)" : "");
		}
	}
	if (!rules)
		return perr(c, root, "the policy needs 'rules:'");
	return parse_rules(c, p, rules);
}

int policy__parse(struct policy *p, const char *file, const char *text, size_t len,
		  const char *cgroup_root, char *err, size_t errsz)
{
	struct pctx c = { .file = file, .cgroup_root = cgroup_root ?: "/sys/fs/cgroup", .err = err,
			  .errsz = errsz };
	yaml_parser_t yp;
	yaml_document_t doc;
	int ret;

	memset(p, 0, sizeof(*p));
	snprintf(p->file, sizeof(p->file), "%s", file);
	err[0] = '\0';
	if (memchr(text, '\0', len)) {
		snprintf(err, errsz, "%s:1: the file holds a NUL byte: not a YAML policy", file);
		return -EINVAL;
	}
	if (!yaml_parser_initialize(&yp)) {
		snprintf(err, errsz, "%s: cannot initialize the YAML parser", file);
		return -ENOMEM;
	}
	yaml_parser_set_input_string(&yp, (const unsigned char *)text, len);
	if (!yaml_parser_load(&yp, &doc)) {
		snprintf(err, errsz, "%s:%zu: %s%s%s", file, yp.problem_mark.line + 1,
			 yp.problem ? yp.problem : "invalid YAML", yp.context ? " " : "",
			 yp.context ? yp.context : "");
		yaml_parser_delete(&yp);
		return -EINVAL;
	}
	c.doc = &doc;
	/* Anchors and aliases would let a short file expand without bound. */
	for (yaml_node_t *n = doc.nodes.start; n < doc.nodes.top; n++)
		if (n->tag && n->type == YAML_SCALAR_NODE && strcmp((const char *)n->tag, YAML_STR_TAG)) {
			ret = perr(&c, n, "tags are not supported");
			goto out;
		}
	ret = parse_doc(&c, p);
out:
	yaml_document_delete(&doc);
	yaml_parser_delete(&yp);
	if (ret) {
		policy__free(p);
		if (!err[0])
			snprintf(err, errsz, "%s: %s", file, strerror(-ret));
	}
	return ret;
}

int policy__load(struct policy *p, const char *path, const char *cgroup_root, char *err, size_t errsz)
{
	FILE *f = fopen(path, "r");
	char *buf;
	size_t n;
	int ret;

	memset(p, 0, sizeof(*p));
	if (!f) {
		snprintf(err, errsz, "%s: %s", path, strerror(errno));
		return -errno;
	}
	buf = malloc(4 << 20);
	if (!buf) {
		fclose(f);
		return -ENOMEM;
	}
	n = fread(buf, 1, 4 << 20, f);
	if (n == 4 << 20) {
		snprintf(err, errsz, "%s: larger than 4 MiB", path);
		ret = -EFBIG;
	} else {
		ret = policy__parse(p, path, buf, n, cgroup_root, err, errsz);
	}
	free(buf);
	fclose(f);
	return ret;
}
