// SPDX-License-Identifier: Apache-2.0
/* Policy -> the maps the kernel reads (sonde/enforce.h). Each rule and
 * event becomes compiled rules: one per combination of the items of its
 * secondary selectors' lists; its primary selector's items become LPM
 * keys. Each key's candidate list is closed over the shorter keys that
 * are prefixes of it, so the kernel's one longest-prefix lookup gives
 * every rule that matches. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include "policy/policy.h"

struct cctx {
	const struct policy *p;
	struct enf_image *img;
	unsigned cap_rules, cap_keys, cap_strs;
	char *err;
	size_t errsz;
};

static int cerr(struct cctx *c, const struct policy_rule *r, int ret, const char *fmt, const char *what,
		unsigned bound)
{
	snprintf(c->err, c->errsz, "%s:%u: rule '%s': ", c->p->file, r->line, r->name);
	snprintf(c->err + strlen(c->err), c->errsz - strlen(c->err), fmt, what, bound);
	return ret;
}

static int str_index(struct cctx *c, const struct policy_rule *r, const struct policy_path *pp, uint32_t *idx)
{
	struct enf_image *img = c->img;

	for (unsigned i = 0; i < img->nstrs; i++)
		if (!strcmp(img->strs[i].s, pp->s)) {
			*idx = i;
			return 0;
		}
	if (img->nstrs >= ENF_MAX_STRS)
		return cerr(c, r, -E2BIG, "more than %s%u distinct strings in secondary selectors", "", ENF_MAX_STRS);
	if (img->nstrs == c->cap_strs) {
		unsigned cap = c->cap_strs ? 2 * c->cap_strs : 16;
		void *p = realloc(img->strs, cap * sizeof(*img->strs));

		if (!p)
			return -ENOMEM;
		img->strs = p;
		c->cap_strs = cap;
	}
	memset(&img->strs[img->nstrs], 0, sizeof(img->strs[0]));
	memcpy(img->strs[img->nstrs].s, pp->s, pp->len);
	*idx = img->nstrs++;
	return 0;
}

static int add_key(struct cctx *c, const struct policy_rule *r, const struct enf_key *k, uint16_t id)
{
	struct enf_image *img = c->img;

	/* Keys are merged later; here one per (key, rule). */
	if (img->nkeys >= 4 * ENF_MAX_KEYS)
		return cerr(c, r, -E2BIG, "more than %s%u keys", "", ENF_MAX_KEYS);
	if (img->nkeys == c->cap_keys) {
		unsigned cap = c->cap_keys ? 2 * c->cap_keys : 64;
		void *kp = realloc(img->keys, cap * sizeof(*img->keys));

		if (!kp)
			return -ENOMEM;
		img->keys = kp;
		kp = realloc(img->cands, cap * sizeof(*img->cands));
		if (!kp)
			return -ENOMEM;
		img->cands = kp;
		c->cap_keys = cap;
	}
	img->keys[img->nkeys] = *k;
	memset(&img->cands[img->nkeys], 0, sizeof(img->cands[0]));
	img->cands[img->nkeys].n = 1;
	img->cands[img->nkeys].id[0] = id;
	img->nkeys++;
	return 0;
}

static void path_key(struct enf_key *k, uint8_t tag, const struct policy_path *pp)
{
	memset(k, 0, sizeof(*k));
	k->tag = tag;
	memcpy(k->data, pp->s, pp->len);
	/* An exact path includes its NUL: "/bin/sh" does not select "/bin/sh2". */
	k->prefixlen = 8 * (1 + pp->len + !pp->prefix);
}

static int emit_rules(struct cctx *c, unsigned ri, int ev, bool bin_primary, uint16_t *first,
		      unsigned *count)
{
	const struct policy_rule *r = &c->p->rules[ri];
	struct enf_image *img = c->img;
	unsigned nu = r->nuid ?: 1, np = r->nport ?: 1, nc = r->ncgroup ?: 1, na = r->nargs ?: 1;
	unsigned npar = r->nparent ?: 1, nb = bin_primary ? 1 : (r->nbinary ?: 1);
	unsigned long total = (unsigned long)nu * np * nc * na * npar * nb;
	int err;

	if (img->nrules + total > ENF_MAX_RULES)
		return cerr(c, r, -E2BIG, "its selector lists expand past %s%u compiled rules", "", ENF_MAX_RULES);
	if (img->nrules + total > c->cap_rules) {
		unsigned cap = c->cap_rules ? c->cap_rules : 64;
		void *p;

		while (cap < img->nrules + total)
			cap *= 2;
		p = realloc(img->rules, cap * sizeof(*img->rules));
		if (!p)
			return -ENOMEM;
		img->rules = p;
		c->cap_rules = cap;
	}
	*first = img->nrules;
	*count = total;
	for (unsigned long i = 0; i < total; i++) {
		struct enf_rule *cr = &img->rules[img->nrules++];
		unsigned long k = i;
		unsigned iu = k % nu, ip = (k /= nu) % np, ic = (k /= np) % nc, ia = (k /= nc) % na;
		unsigned ipar = (k /= na) % npar, ib = (k /= npar) % nb;

		memset(cr, 0, sizeof(*cr));
		cr->version = img->meta.version;
		cr->rule = ri;
		cr->event = ev;
		cr->action = r->action;
		cr->rate = r->rate;
		if (r->nuid) {
			cr->sel |= ENF_SEL_UID;
			cr->uid_lo = r->uid[iu].lo;
			cr->uid_hi = r->uid[iu].hi;
		}
		if (r->nport) {
			cr->sel |= ENF_SEL_PORT;
			cr->port_lo = r->port[ip].lo;
			cr->port_hi = r->port[ip].hi;
		}
		if (r->ncgroup) {
			cr->sel |= ENF_SEL_CGROUP;
			cr->cgroup_id = r->cgroup[ic];
		}
		if (r->nargs) {
			cr->sel |= ENF_SEL_ARGV;
			cr->argv_hash = enf_hash(r->args[ia]);
		}
		if (r->nparent) {
			cr->sel |= ENF_SEL_PARENT;
			if ((err = str_index(c, r, &r->parent[ipar], &cr->parent_str)))
				return err;
			cr->parent_len = r->parent[ipar].len;
			cr->parent_prefix = r->parent[ipar].prefix;
		}
		if (!bin_primary && r->nbinary) {
			cr->sel |= ENF_SEL_BIN;
			if ((err = str_index(c, r, &r->binary[ib], &cr->bin_str)))
				return err;
			cr->bin_len = r->binary[ib].len;
			cr->bin_prefix = r->binary[ib].prefix;
		}
		if (ev == ENF_EV_OPEN && r->open_flags) {
			cr->sel |= ENF_SEL_FLAGS;
			cr->open_flags = r->open_flags;
		}
	}
	return 0;
}

static int compile_rule(struct cctx *c, unsigned ri, int ev)
{
	const struct policy_rule *r = &c->p->rules[ri];
	struct enf_image *img = c->img;
	struct enf_key k;
	uint16_t first;
	unsigned count;
	int err, dim = 0;
	bool net = ev == ENF_EV_CONNECT || ev == ENF_EV_BIND;

	if (ev == ENF_EV_OPEN && r->npath)
		dim = ENF_DIM_PATH;
	else if (net && r->naddress)
		dim = ENF_DIM_NET4;	/* or NET6, per item */
	else if (r->nbinary)
		dim = ENF_DIM_BIN;
	if ((err = emit_rules(c, ri, ev, dim == ENF_DIM_BIN, &first, &count)))
		return err;
	for (unsigned j = 0; j < count; j++) {
		uint16_t id = first + j;

		if (!dim) {
			struct enf_cands *any = &img->meta.any[ev];

			if (any->n >= ENF_CANDIDATES)
				return cerr(c, r, -E2BIG, "more than %s%u rules of its event have no binary, "
					    "path or address to select them by", "", ENF_CANDIDATES);
			any->id[any->n++] = id;
			continue;
		}
		if (dim == ENF_DIM_PATH || dim == ENF_DIM_BIN) {
			const struct policy_path *v = dim == ENF_DIM_PATH ? r->path : r->binary;
			unsigned n = dim == ENF_DIM_PATH ? r->npath : r->nbinary;

			for (unsigned i = 0; i < n; i++) {
				path_key(&k, ENF_TAG(dim, ev), &v[i]);
				if ((err = add_key(c, r, &k, id)))
					return err;
			}
			img->meta.dims[ev] |= 1u << dim;
			continue;
		}
		for (unsigned i = 0; i < r->naddress; i++) {
			const struct policy_cidr *a = &r->address[i];
			int d = a->family == AF_INET6 ? ENF_DIM_NET6 : ENF_DIM_NET4;

			memset(&k, 0, sizeof(k));
			k.tag = ENF_TAG(d, ev);
			memcpy(k.data, a->addr, d == ENF_DIM_NET6 ? 16 : 4);
			k.prefixlen = 8 + a->bits;
			if ((err = add_key(c, r, &k, id)))
				return err;
			img->meta.dims[ev] |= 1u << d;
		}
	}
	return 0;
}

static int key_cmp(const void *x, const void *y)
{
	const struct enf_key *a = x, *b = y;

	if (a->tag != b->tag)
		return a->tag < b->tag ? -1 : 1;
	if (a->prefixlen != b->prefixlen)
		return a->prefixlen < b->prefixlen ? -1 : 1;
	return memcmp(a->data, b->data, sizeof(a->data));
}

/* Whether a (prefixlen over tag + data) is a prefix of b, same tag. */
static bool key_prefix_of(const struct enf_key *a, const struct enf_key *b)
{
	unsigned bits = a->prefixlen - 8, bytes = bits / 8, rest = bits % 8;

	if (a->tag != b->tag || a->prefixlen > b->prefixlen)
		return false;
	if (memcmp(a->data, b->data, bytes))
		return false;
	return !rest || !((a->data[bytes] ^ b->data[bytes]) & (0xff << (8 - rest)));
}

static int cands_add(struct enf_cands *c, uint16_t id)
{
	for (unsigned i = 0; i < c->n; i++)
		if (c->id[i] == id)
			return 0;
	if (c->n >= ENF_CANDIDATES)
		return -E2BIG;
	c->id[c->n++] = id;
	return 0;
}

/* Merges equal keys, then adds to each key the candidates of every key
 * that is a prefix of it. Keys are sorted by (tag, length): the prefixes
 * of a key come before it. */
static int close_keys(struct cctx *c)
{
	struct enf_image *img = c->img;
	unsigned n = 0, *order;
	struct enf_key *keys = img->keys;
	struct enf_cands *cands = img->cands;
	struct enf_key *sk;
	struct enf_cands *sc;

	if (!img->nkeys)
		return 0;
	order = malloc(img->nkeys * sizeof(*order));
	sk = malloc(img->nkeys * sizeof(*sk));
	sc = malloc(img->nkeys * sizeof(*sc));
	if (!order || !sk || !sc) {
		free(order), free(sk), free(sc);
		return -ENOMEM;
	}
	/* Sort keys with their candidates: sort (key, index) pairs. */
	struct pair { struct enf_key k; unsigned i; } *pv = malloc(img->nkeys * sizeof(*pv));

	if (!pv) {
		free(order), free(sk), free(sc);
		return -ENOMEM;
	}
	for (unsigned i = 0; i < img->nkeys; i++)
		pv[i].k = keys[i], pv[i].i = i;
	qsort(pv, img->nkeys, sizeof(*pv), key_cmp);
	for (unsigned i = 0; i < img->nkeys; i++) {
		const struct enf_cands *from = &cands[pv[i].i];
		const struct policy_rule *r = &c->p->rules[img->rules[from->id[0]].rule];

		if (!n || key_cmp(&sk[n - 1], &pv[i].k)) {
			if (n >= ENF_MAX_KEYS) {
				free(pv), free(order), free(sk), free(sc);
				return cerr(c, r, -E2BIG, "the policy needs more than %s%u keys", "", ENF_MAX_KEYS);
			}
			sk[n] = pv[i].k;
			memset(&sc[n], 0, sizeof(sc[n]));
			n++;
		}
		if (cands_add(&sc[n - 1], from->id[0])) {
			free(pv), free(order), free(sk), free(sc);
			return cerr(c, r, -E2BIG, "more than %s%u rules select the same key", "", ENF_CANDIDATES);
		}
	}
	free(pv);
	/* Closure: for each key, the nearest shorter keys that are its
	 * prefixes; walking back over the sorted keys of the same tag, only
	 * ones at most as long can be prefixes. A stack of open prefixes
	 * keeps this near linear for path trees. */
	unsigned *stack = order, depth = 0;
	struct enf_cands *own = malloc(n * sizeof(*own));

	if (!own) {
		free(stack), free(sk), free(sc);
		return -ENOMEM;
	}
	memcpy(own, sc, n * sizeof(*own));
	for (unsigned i = 0; i < n; i++) {
		/* Keys are sorted by length, not lexically: scan the shorter
		 * ones of this tag (bounded by the distinct prefix keys). */
		depth = 0;
		for (unsigned j = i; j-- > 0;) {
			if (sk[j].tag != sk[i].tag)
				break;
			if (sk[j].prefixlen == sk[i].prefixlen)
				continue;
			if (!key_prefix_of(&sk[j], &sk[i]))
				continue;
			for (unsigned x = 0; x < own[j].n; x++)
				if (cands_add(&sc[i], own[j].id[x])) {
					const struct policy_rule *r = &c->p->rules[img->rules[sc[i].id[0]].rule];

					free(own), free(stack), free(sk), free(sc);
					return cerr(c, r, -E2BIG, "more than %s%u rules match one path or address "
						    "(overlapping prefixes)", "", ENF_CANDIDATES);
				}
			depth++;
		}
	}
	(void)depth;
	free(own);
	free(stack);
	free(img->keys);
	free(img->cands);
	img->keys = sk;
	img->cands = sc;
	img->nkeys = n;
	return 0;
}

int policy__compile(const struct policy *p, uint32_t version, bool dry_run, struct enf_image *img,
		    char *err, size_t errsz)
{
	struct cctx c = { .p = p, .img = img, .err = err, .errsz = errsz };
	int ret = 0;

	memset(img, 0, sizeof(*img));
	img->meta.version = version;
	img->meta.flags = dry_run || p->dry_run ? ENF_F_DRY_RUN : 0;
	img->meta.npolicy = p->nrules;
	for (unsigned ri = 0; ri < p->nrules && !ret; ri++)
		for (int ev = 0; ev < ENF_EV__COUNT && !ret; ev++)
			if (p->rules[ri].events & (1u << ev))
				ret = compile_rule(&c, ri, ev);
	if (!ret)
		ret = close_keys(&c);
	img->meta.nrules = img->nrules;
	if (ret) {
		if (ret == -ENOMEM)
			snprintf(err, errsz, "%s: out of memory compiling the policy", p->file);
		enf_image__free(img);
	}
	return ret;
}

void enf_image__free(struct enf_image *img)
{
	free(img->rules);
	free(img->keys);
	free(img->cands);
	free(img->strs);
	memset(img, 0, sizeof(*img));
}
