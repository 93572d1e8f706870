// SPDX-License-Identifier: Apache-2.0
/* struct policy -> the maps the kernel reads (sonde/enforce.h). Per rule
 * and event: one compiled rule per combination of the items of its
 * secondary selectors' lists, and one LPM key per item of its primary
 * selector, each selecting all of those compiled rules. Keys are then
 * sorted as bit strings, where a prefix comes just before the keys it
 * prefixes, so one pass with a stack of open prefixes closes each key's
 * candidates over the shorter keys that contain it: the kernel's single
 * longest-prefix lookup returns every rule that may match, and compiling
 * n keys costs O(n log n). */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include "lib/netaddr.h"
#include "policy/policy.h"

#define STR_SLOTS 8192 /* > 2 * ENF_MAX_STRS, a power of two */

/* The key's bits start at its tag and run on into data. */
_Static_assert(offsetof(struct enf_key, data) == offsetof(struct enf_key, tag) + 1,
	       "enf_key layout");

/* One item of one rule's primary list, for one event. */
struct raw {
	struct enf_key key;
	uint32_t first; /* its compiled rules: [first, first + n) */
	uint16_t n;
	uint16_t rule; /* policy rule */
};

struct cctx {
	const struct policy *p;
	struct enf_image *img;
	char *err;
	size_t errsz;
	struct raw *raw;
	unsigned nraw, cap_strs;
	uint16_t *slots; /* string index + 1, 0: free */
};

enum prim { PRIM_NONE, PRIM_BIN, PRIM_PATH, PRIM_ADDR };

static int cerr(struct cctx *c, unsigned rule, int ret, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int cerr(struct cctx *c, unsigned rule, int ret, const char *fmt, ...)
{
	const struct policy_rule *r = &c->p->rules[rule];
	va_list ap;
	int n;

	if (!c->err || !c->errsz)
		return ret;
	n = snprintf(c->err, c->errsz, "%s:%u: rule '%s': ", c->p->file, r->line, r->name);
	if (n >= 0 && (size_t)n < c->errsz) {
		va_start(ap, fmt);
		vsnprintf(c->err + n, c->errsz - n, fmt, ap);
		va_end(ap);
	}
	return ret;
}

static bool net_event(int ev) { return ev == ENF_EV_CONNECT || ev == ENF_EV_BIND; }

static enum prim primary(const struct policy_rule *r, int ev)
{
	if (ev == ENF_EV_OPEN && r->npath)
		return PRIM_PATH;
	if (net_event(ev) && r->naddress)
		return PRIM_ADDR;
	return r->nbinary ? PRIM_BIN : PRIM_NONE;
}

static unsigned nprimary(const struct policy_rule *r, enum prim pr)
{
	return pr == PRIM_PATH	 ? r->npath
	       : pr == PRIM_ADDR ? r->naddress
	       : pr == PRIM_BIN	 ? r->nbinary
				 : 0;
}

/* The secondary lists, in the order of the mixed-radix expansion. */
enum { X_UID, X_PORT, X_CGROUP, X_ARGS, X_PARENT, X_BIN, X__COUNT };
static const char *const x_names[X__COUNT] = {
	"uid", "port", "cgroup", "args", "parent", "binary"
};

static void radix(const struct policy_rule *r, enum prim pr, unsigned *n)
{
	n[X_UID] = r->nuid;
	n[X_PORT] = r->nport;
	n[X_CGROUP] = r->ncgroup;
	n[X_ARGS] = r->nargs;
	n[X_PARENT] = r->nparent;
	n[X_BIN] = pr == PRIM_BIN ? 0 : r->nbinary;
}

/* "uid 2 x port 3": what multiplied, for messages. */
static const char *factors(const unsigned *n, char *buf, size_t sz)
{
	size_t len = 0;

	buf[0] = '\0';
	for (int i = 0; i < X__COUNT; i++)
		if (n[i] > 1 && len < sz)
			len += snprintf(buf + len, sz - len, "%s%s %u", len ? " x " : "",
					x_names[i], n[i]);
	return buf;
}

static const char *key_str(const struct enf_key *k, char *buf, size_t sz)
{
	int dim = k->tag >> 4;
	unsigned bytes = k->prefixlen / 8 - 1;

	if (dim == ENF_DIM_NET4 || dim == ENF_DIM_NET6) {
		char a[NETADDR_STRLEN];

		snprintf(buf, sz, "address %s/%u",
			 netaddr__str(dim == ENF_DIM_NET4 ? AF_INET : AF_INET6, k->data, a,
				      sizeof(a)),
			 k->prefixlen - 8);
	} else {
		bool exact = bytes && !k->data[bytes - 1];

		snprintf(buf, sz, "%s %.*s%s", dim == ENF_DIM_PATH ? "path" : "binary",
			 (int)(bytes - exact), (const char *)k->data, exact ? "" : "*");
	}
	return buf;
}

/* Index of s in strs, added when new. */
static int str_intern(struct cctx *c, unsigned rule, const char *s, uint32_t *idx)
{
	struct enf_image *img = c->img;
	uint64_t h = enf_hash(s);
	unsigned slot = h & (STR_SLOTS - 1);

	for (; c->slots[slot]; slot = (slot + 1) & (STR_SLOTS - 1))
		if (!strcmp(img->strs[c->slots[slot] - 1].s, s)) {
			*idx = c->slots[slot] - 1;
			return 0;
		}
	if (img->nstrs >= ENF_MAX_STRS)
		return cerr(c, rule, -E2BIG,
			    "the policy has more than %d distinct binary and parent strings "
			    "(ENF_MAX_STRS) to compare: use prefixes ('/opt/app/*') or fewer rules",
			    ENF_MAX_STRS);
	if (img->nstrs == c->cap_strs) {
		unsigned cap = c->cap_strs ? 2 * c->cap_strs : 64;
		struct enf_str *n = realloc(img->strs, cap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		img->strs = n;
		c->cap_strs = cap;
	}
	memset(&img->strs[img->nstrs], 0, sizeof(img->strs[0]));
	strcpy(img->strs[img->nstrs].s, s); /* < ENF_STR_MAX: checked by the parser */
	*idx = img->nstrs;
	c->slots[slot] = ++img->nstrs;
	return 0;
}

/* Compiled rules [first, first + count) of rule ri on event ev. */
static int expand(struct cctx *c, unsigned ri, int ev, enum prim pr, uint32_t first, unsigned count)
{
	const struct policy_rule *r = &c->p->rules[ri];
	unsigned n[X__COUNT], at[X__COUNT] = { 0 };
	int ret;

	radix(r, pr, n);
	for (unsigned k = 0; k < count; k++) {
		struct enf_rule *cr = &c->img->rules[first + k];
		const struct policy_path *pp;

		cr->version = c->img->meta.version;
		cr->rule = ri;
		cr->event = ev;
		cr->action = r->action;
		cr->rate = r->rate;
		if (n[X_UID]) {
			cr->sel |= ENF_SEL_UID;
			cr->uid_lo = r->uid[at[X_UID]].lo;
			cr->uid_hi = r->uid[at[X_UID]].hi;
		}
		if (n[X_PORT]) {
			cr->sel |= ENF_SEL_PORT;
			cr->port_lo = r->port[at[X_PORT]].lo;
			cr->port_hi = r->port[at[X_PORT]].hi;
		}
		if (n[X_CGROUP]) {
			cr->sel |= ENF_SEL_CGROUP;
			cr->cgroup_id = r->cgroup[at[X_CGROUP]];
		}
		if (n[X_ARGS]) {
			cr->sel |= ENF_SEL_ARGV;
			cr->argv_hash = enf_hash(r->args[at[X_ARGS]]);
		}
		if (n[X_PARENT]) {
			pp = &r->parent[at[X_PARENT]];
			cr->sel |= ENF_SEL_PARENT;
			if ((ret = str_intern(c, ri, pp->s, &cr->parent_str)))
				return ret;
			cr->parent_len = pp->len;
			cr->parent_prefix = pp->prefix;
		}
		if (n[X_BIN]) {
			pp = &r->binary[at[X_BIN]];
			cr->sel |= ENF_SEL_BIN;
			if ((ret = str_intern(c, ri, pp->s, &cr->bin_str)))
				return ret;
			cr->bin_len = pp->len;
			cr->bin_prefix = pp->prefix;
		}
		if (ev == ENF_EV_OPEN)
			c->img->meta.open_flags |= r->open_flags ? r->open_flags : ENF_OPEN_ANY;
		if (ev == ENF_EV_OPEN && r->open_flags) {
			cr->sel |= ENF_SEL_FLAGS;
			cr->open_flags = r->open_flags;
		}
		/* the next combination */
		for (int i = 0; i < X__COUNT; i++) {
			if (n[i] && ++at[i] < n[i])
				break;
			at[i] = 0;
		}
	}
	return 0;
}

static void key_of(const struct policy_rule *r, int ev, enum prim pr, unsigned i, struct enf_key *k)
{
	memset(k, 0, sizeof(*k));
	if (pr == PRIM_ADDR) {
		const struct policy_cidr *a = &r->address[i];
		bool v6 = a->family == AF_INET6;

		k->tag = ENF_TAG(v6 ? ENF_DIM_NET6 : ENF_DIM_NET4, ev);
		memcpy(k->data, a->addr, v6 ? 16 : 4);
		k->prefixlen = 8 + a->bits;
	} else {
		const struct policy_path *pp = pr == PRIM_PATH ? &r->path[i] : &r->binary[i];

		k->tag = ENF_TAG(pr == PRIM_PATH ? ENF_DIM_PATH : ENF_DIM_BIN, ev);
		memcpy(k->data, pp->s, pp->len);
		/* An exact path's NUL is part of it: "/bin/sh" is not "/bin/sh2". */
		k->prefixlen = 8 * (1 + pp->len + !pp->prefix);
	}
}

/* Bit-string order: a key's bits from its tag on, for prefixlen bits; a
 * prefix sorts before every key it prefixes. */
static int key_cmp(const struct enf_key *a, const struct enf_key *b)
{
	const uint8_t *x = (const uint8_t *)a + offsetof(struct enf_key, tag);
	const uint8_t *y = (const uint8_t *)b + offsetof(struct enf_key, tag);
	uint32_t bits = a->prefixlen < b->prefixlen ? a->prefixlen : b->prefixlen;
	uint32_t bytes = bits / 8, rest = bits % 8;
	int d = memcmp(x, y, bytes);

	if (d)
		return d;
	if (rest) {
		uint8_t m = 0xff << (8 - rest), xa = x[bytes] & m, yb = y[bytes] & m;

		if (xa != yb)
			return xa < yb ? -1 : 1;
	}
	return (a->prefixlen > b->prefixlen) - (a->prefixlen < b->prefixlen);
}

static bool key_prefix_of(const struct enf_key *a, const struct enf_key *b)
{
	struct enf_key t;

	if (a->prefixlen > b->prefixlen)
		return false;
	t = *b;
	t.prefixlen = a->prefixlen;
	return !key_cmp(a, &t);
}

static int raw_cmp(const void *x, const void *y, void *arg)
{
	const struct raw *raw = arg;
	unsigned i = *(const unsigned *)x, j = *(const unsigned *)y;
	int d = key_cmp(&raw[i].key, &raw[j].key);

	return d ? d : (i > j) - (i < j);
}

/* Sorted, distinct ids of a and b into out; -E2BIG past ENF_CANDIDATES,
 * *over the id that did not fit. */
static int cands_union(const struct enf_cands *a, const struct enf_cands *b, struct enf_cands *out,
		       unsigned *over)
{
	unsigned i = 0, j = 0, n = 0;

	while (i < a->n || j < b->n) {
		uint16_t id;

		if (j >= b->n || (i < a->n && a->id[i] < b->id[j]))
			id = a->id[i++];
		else if (i >= a->n || b->id[j] < a->id[i])
			id = b->id[j++];
		else
			id = a->id[i++], j++;
		if (n == ENF_CANDIDATES) {
			*over = id;
			return -E2BIG;
		}
		out->id[n++] = id;
	}
	out->n = n;
	return 0;
}

/* Sorts and merges the raw keys, then closes each over its prefixes. */
static int keys_build(struct cctx *c)
{
	struct enf_image *img = c->img;
	unsigned *ix = NULL, *stack = NULL, *first_rule = NULL, *hist = NULL, n = 0, depth = 0,
		 over;
	struct enf_cands *own = NULL;
	char ks[300];
	int ret = -ENOMEM;

	if (!c->nraw)
		return 0;
	ix = malloc(c->nraw * sizeof(*ix));
	stack = malloc(c->nraw * sizeof(*stack));
	first_rule = malloc(c->nraw * sizeof(*first_rule));
	own = calloc(c->nraw, sizeof(*own));
	img->keys = malloc(c->nraw * sizeof(*img->keys));
	img->cands = calloc(c->nraw, sizeof(*img->cands));
	if (!ix || !stack || !first_rule || !own || !img->keys || !img->cands)
		goto out;
	for (unsigned i = 0; i < c->nraw; i++)
		ix[i] = i;
	qsort_r(ix, c->nraw, sizeof(*ix), raw_cmp, c->raw);
	/* Equal keys merge; within a run the raw order is the file's, so
	 * the ids append in ascending order. */
	for (unsigned i = 0; i < c->nraw; i++) {
		const struct raw *rw = &c->raw[ix[i]];

		if (!n || key_cmp(&img->keys[n - 1], &rw->key)) {
			img->keys[n] = rw->key;
			first_rule[n++] = rw->rule;
		}
		for (unsigned k = 0; k < rw->n; k++) {
			struct enf_cands *o = &own[n - 1];

			if (o->n == ENF_CANDIDATES) {
				ret = cerr(c, rw->rule, -E2BIG,
					   "%s on %s is selected by more than %d compiled rules "
					   "(ENF_CANDIDATES): merge rules or use fewer list items",
					   key_str(&rw->key, ks, sizeof(ks)),
					   enf_event__name(rw->key.tag & 15), ENF_CANDIDATES);
				goto out;
			}
			o->id[o->n++] = rw->first + k;
		}
	}
	if (n > ENF_MAX_KEYS) {
		/* The rule whose keys pass the bound, in file order. */
		unsigned sum = 0, r;

		if (!(hist = calloc(c->p->nrules, sizeof(*hist))))
			goto out;
		for (unsigned i = 0; i < n; i++)
			hist[first_rule[i]]++;
		for (r = 0; r + 1 < c->p->nrules && (sum += hist[r]) <= ENF_MAX_KEYS; r++)
			;
		ret = cerr(c, r, -E2BIG,
			   "the policy needs more than %d keys (ENF_MAX_KEYS) from here on: "
			   "use prefixes or CIDRs that cover several items",
			   ENF_MAX_KEYS);
		goto out;
	}
	for (unsigned i = 0; i < n; i++) {
		static const struct enf_cands none;

		while (depth && !key_prefix_of(&img->keys[stack[depth - 1]], &img->keys[i]))
			depth--;
		if (cands_union(depth ? &img->cands[stack[depth - 1]] : &none, &own[i],
				&img->cands[i], &over)) {
			ret = cerr(
				c, img->rules[over].rule, -E2BIG,
				"%s on %s would select more than %d compiled "
				"rules (ENF_CANDIDATES), with the rules of the shorter prefixes that contain it: "
				"merge rules or narrow them",
				key_str(&img->keys[i], ks, sizeof(ks)),
				enf_event__name(img->keys[i].tag & 15), ENF_CANDIDATES);
			goto out;
		}
		stack[depth++] = i;
		img->meta.dims[img->keys[i].tag & 15] |= 1u << (img->keys[i].tag >> 4);
	}
	img->nkeys = n;
	ret = 0;
out:
	free(ix);
	free(stack);
	free(first_rule);
	free(own);
	free(hist);
	return ret;
}

/* How many compiled rules and keys the policy makes, with the bounds
 * checked before anything is allocated. */
static int count(struct cctx *c, unsigned *nrules)
{
	unsigned any[ENF_EV__COUNT] = { 0 };
	uint64_t total = 0;
	char why[128];

	c->nraw = 0;
	for (unsigned ri = 0; ri < c->p->nrules; ri++) {
		const struct policy_rule *r = &c->p->rules[ri];

		for (int ev = 0; ev < ENF_EV__COUNT; ev++) {
			enum prim pr = primary(r, ev);
			unsigned n[X__COUNT], np = nprimary(r, pr);
			uint64_t e = 1;

			if (!(r->events & (1u << ev)))
				continue;
			if ((ev != ENF_EV_OPEN && (r->npath || r->open_flags)) ||
			    (!net_event(ev) && (r->naddress || r->nport)))
				return cerr(c, ri, -EINVAL, "a selector that %s events do not have",
					    enf_event__name(ev));
			radix(r, pr, n);
			for (int i = 0; i < X__COUNT; i++)
				e *= n[i] ? n[i] : 1; /* <= 64^6 */
			if (total + e > ENF_MAX_RULES)
				return cerr(
					c, ri, -E2BIG,
					"the policy compiles into more than %d rules "
					"(ENF_MAX_RULES) with this one (%s%s%llu on %s): split lists or "
					"drop rules",
					ENF_MAX_RULES, factors(n, why, sizeof(why)),
					why[0] ? ": " : "", (unsigned long long)e,
					enf_event__name(ev));
			if (np && e > ENF_CANDIDATES)
				return cerr(
					c, ri, -E2BIG,
					"its lists multiply into %llu compiled rules on %s (%s), "
					"more than the %d (ENF_CANDIDATES) one event can select by one key: "
					"split the rule",
					(unsigned long long)e, enf_event__name(ev),
					factors(n, why, sizeof(why)), ENF_CANDIDATES);
			if (!np && (any[ev] += e) > ENF_CANDIDATES) /* e alone may be */
				return cerr(
					c, ri, -E2BIG,
					"more than %d compiled rules on %s have no binary, "
					"path or address to be looked up by (ENF_CANDIDATES): give them one, "
					"or merge them",
					ENF_CANDIDATES, enf_event__name(ev));
			total += e;
			c->nraw += np;
		}
	}
	*nrules = total;
	return 0;
}

int policy__compile(const struct policy *p, uint32_t version, bool dry_run, struct enf_image *img,
		    char *err, size_t errsz)
{
	struct cctx c = { .p = p, .img = img, .err = err, .errsz = errsz };
	unsigned total = 0, next = 0, nr = 0;
	int ret;

	memset(img, 0, sizeof(*img));
	if (err && errsz)
		err[0] = '\0';
	if ((ret = count(&c, &total)))
		return ret;
	ret = -ENOMEM;
	img->rules = calloc(total ? total : 1, sizeof(*img->rules));
	c.raw = calloc(c.nraw ? c.nraw : 1, sizeof(*c.raw));
	c.slots = calloc(STR_SLOTS, sizeof(*c.slots));
	if (!img->rules || !c.raw || !c.slots)
		goto out;
	img->meta.version = version;
	img->meta.flags = dry_run || p->dry_run ? ENF_F_DRY_RUN : 0;
	img->meta.npolicy = p->nrules;
	for (unsigned ri = 0; ri < p->nrules; ri++) {
		const struct policy_rule *r = &p->rules[ri];

		for (int ev = 0; ev < ENF_EV__COUNT; ev++) {
			enum prim pr = primary(r, ev);
			unsigned n[X__COUNT], e = 1, np = nprimary(r, pr);

			if (!(r->events & (1u << ev)))
				continue;
			radix(r, pr, n);
			for (int i = 0; i < X__COUNT; i++)
				e *= n[i] ? n[i] : 1;
			if ((ret = expand(&c, ri, ev, pr, next, e)))
				goto out;
			for (unsigned i = 0; i < np; i++) {
				struct raw *rw = &c.raw[nr++];

				key_of(r, ev, pr, i, &rw->key);
				rw->first = next;
				rw->n = e;
				rw->rule = ri;
			}
			for (unsigned k = 0; !np && k < e; k++)
				img->meta.any[ev].id[img->meta.any[ev].n++] = next + k;
			next += e;
		}
	}
	img->nrules = img->meta.nrules = next;
	ret = keys_build(&c);
out:
	if (ret == -ENOMEM && err && errsz)
		snprintf(err, errsz, "%s: out of memory compiling the policy", p->file);
	free(c.raw);
	free(c.slots);
	if (ret)
		enf_image__free(img);
	return ret;
}

void enf_image__free(struct enf_image *img)
{
	if (!img)
		return;
	free(img->rules);
	free(img->keys);
	free(img->cands);
	free(img->strs);
	memset(img, 0, sizeof(*img));
}
