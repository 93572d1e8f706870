// SPDX-License-Identifier: Apache-2.0
/* A rule's selectors from their YAML values: paths, argv strings, open
 * flags, addresses, ports, uids, cgroups and containers (resolved to
 * cgroup ids here: the only system reads a policy makes); and the check
 * that no two rules give different actions for the same events. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include "lib/netaddr.h"
#include "lib/suggest.h"
#include "policy/parse_int.h"

#define SEARCH_DEPTH 8	    /* kubepods.slice/<qos>.slice/<pod>.slice/<ctr>.scope is 4 */
#define SEARCH_MAX   200000 /* directories one container id may visit */

int pparse__num(const char *s, const char *end, uint64_t *v)
{
	uint64_t n = 0;

	if (s >= end)
		return -EINVAL;
	for (; s < end; s++) {
		if (*s < '0' || *s > '9')
			return -EINVAL;
		if (n > (UINT64_MAX - 9) / 10)
			return -ERANGE;
		n = n * 10 + (*s - '0');
	}
	*v = n;
	return 0;
}

static int nomem(struct pctx *c, unsigned line)
{
	pparse__err(c, line, "out of memory");
	return -ENOMEM;
}

/* The kernel reports canonical absolute paths; anything else never
 * matches, so it is refused rather than accepted as a dead rule. */
static int path_parse(struct pctx *c, const char *field, const struct ynode *y,
		      struct policy_path *out)
{
	const char *s = y->s, *star = strchr(s, '*');
	size_t n = strlen(s), len;
	bool prefix = star != NULL;

	if (!n)
		return pparse__err(c, y->line, "an empty path in '%s'", field);
	if (s[0] != '/')
		return pparse__err(c, y->line,
				   "'%s' in '%s' is not an absolute path: paths start with '/'",
				   pparse__show(c, s), field);
	if (star && star[1])
		return pparse__err(
			c, y->line,
			"'%s': '*' may only end a path (\"/opt/tools/*\": everything under "
			"/opt/tools/)",
			pparse__show(c, s));
	len = prefix ? n - 1 : n;
	if (len >= ENF_STR_MAX - 1)
		return pparse__err(c, y->line,
				   "a path of %zu bytes in '%s': paths are shorter than %d bytes "
				   "(ENF_STR_MAX - 1)",
				   len, field, ENF_STR_MAX - 1);
	/* The kernel cuts longer paths to ENF_KEY_DATA bytes, NUL included,
	 * and then matches them by prefix only. */
	if (!prefix && len >= ENF_KEY_DATA - 1)
		return pparse__err(c, y->line,
				   "an exact path of %zu bytes in '%s' can never match: the kernel "
				   "cuts paths of %d bytes or more (use a prefix: '...*')",
				   len, field, ENF_KEY_DATA - 1);
	for (size_t i = 0; i < len; i++) {
		const char *t = s + i;

		if (t[0] == '/' &&
		    (t[1] == '/' || !strncmp(t + 1, "./", 2) || !strncmp(t + 1, "../", 3)))
			return pparse__err(
				c, y->line,
				"'%s' is not canonical ('//', '/./' or '/../'): the kernel reports "
				"paths without them, so it would never match",
				pparse__show(c, s));
	}
	if (!prefix && n > 1 && s[n - 1] == '/')
		return pparse__err(
			c, y->line,
			"the exact path '%s' ends in '/': write '%s*' for everything under it",
			pparse__show(c, s), pparse__show(c, s));
	if (!prefix &&
	    ((n >= 2 && !strcmp(s + n - 2, "/.")) || (n >= 3 && !strcmp(s + n - 3, "/.."))))
		return pparse__err(
			c, y->line,
			"'%s' is not canonical: the kernel reports paths without '.' and '..'",
			pparse__show(c, s));
	memcpy(out->s, s, len);
	out->s[len] = '\0';
	out->len = len;
	out->prefix = prefix;
	return 0;
}

/* A value given twice in one list: refused (it would report twice). */
static int twice(struct pctx *c, const char *field, const struct ynode *const *it, unsigned i,
		 const void *arr, size_t elem)
{
	for (unsigned j = 0; j < i; j++)
		if (!memcmp((const char *)arr + j * elem, (const char *)arr + i * elem, elem))
			return pparse__err(c, it[i]->line, "'%s' is listed twice in '%s' (line %u)",
					   pparse__show(c, it[i]->s), field, it[j]->line);
	return 0;
}

static int paths(struct pctx *c, const char *field, const struct ynode *const *it, unsigned n,
		 struct policy_path **out, unsigned *nout)
{
	struct policy_path *a = calloc(n, sizeof(*a));
	int ret;

	if (!a)
		return nomem(c, it[0]->line);
	*out = a; /* policy__free's from here on */
	for (unsigned i = 0; i < n; i++) {
		if ((ret = path_parse(c, field, it[i], &a[i])) ||
		    (ret = twice(c, field, it, i, a, sizeof(*a))))
			return ret;
		*nout = i + 1;
	}
	return 0;
}

static int args(struct pctx *c, const struct ynode *const *it, unsigned n, struct policy_rule *r)
{
	int ret;

	if (!(r->args = calloc(n, sizeof(*r->args))))
		return nomem(c, it[0]->line);
	for (unsigned i = 0; i < n; i++) {
		size_t len = strlen(it[i]->s);

		if (len >= ENF_STR_MAX)
			return pparse__err(c, it[i]->line,
					   "an argument of %zu bytes in 'args': at most %d", len,
					   ENF_STR_MAX - 1);
		memcpy(r->args[i], it[i]->s, len + 1);
		if ((ret = twice(c, "args", it, i, r->args, sizeof(*r->args))))
			return ret;
		r->nargs = i + 1;
	}
	return 0;
}

static int flags(struct pctx *c, const struct ynode *const *it, unsigned n, struct policy_rule *r)
{
	static const char *const names[] = { "write", "truncate", "create" };

	for (unsigned i = 0; i < n; i++) {
		const char *hint;
		unsigned f;

		for (f = 0; f < 3 && strcmp(it[i]->s, names[f]); f++)
			;
		if (f == 3) {
			hint = suggest__nearest(it[i]->s, names, 3);
			return pparse__err(c, it[i]->line, "unknown open flag '%s'%s%s%s",
					   pparse__show(c, it[i]->s),
					   hint ? " (did you mean '"
						: ": flags are write, truncate and create",
					   hint ? hint : "", hint ? "'?)" : "");
		}
		if (r->open_flags & (1u << f))
			return pparse__err(c, it[i]->line, "'%s' is listed twice in 'flags'",
					   names[f]);
		r->open_flags |= 1u << f; /* ENF_OPEN_WRITE, _TRUNC, _CREATE */
	}
	return 0;
}

static int addrs(struct pctx *c, const struct ynode *const *it, unsigned n, struct policy_rule *r)
{
	int ret;

	if (!(r->address = calloc(n, sizeof(*r->address))))
		return nomem(c, it[0]->line);
	for (unsigned i = 0; i < n; i++) {
		struct policy_cidr *a = &r->address[i];
		struct cidr cidr;
		char why[160];

		if (cidr__parse(it[i]->s, &cidr, why, sizeof(why)))
			return pparse__err(c, it[i]->line, "'address': %s", why);
		a->family = cidr.addr.family;
		a->bits = cidr.prefix;
		memcpy(a->addr, cidr.addr.a, sizeof(a->addr));
		if ((ret = twice(c, "address", it, i, r->address, sizeof(*a))))
			return ret;
		r->naddress = i + 1;
	}
	return 0;
}

/* "80" or "8000-8999" (ports), "0" or "1000-1999" (uids). */
static int range_parse(struct pctx *c, const char *field, const struct ynode *y, uint64_t max,
		       struct policy_range *out)
{
	const char *s = y->s, *dash = strchr(s, '-');
	const char *eg = max == 65535 ? "80 or 8000-8999" : "0 or 1000-1999";
	uint64_t lo = 0, hi = 0;
	int e1, e2 = 0;

	e1 = pparse__num(s, dash ? dash : s + strlen(s), &lo);
	if (dash)
		e2 = pparse__num(dash + 1, dash + 1 + strlen(dash + 1), &hi);
	else
		hi = lo;
	if (e1 == -EINVAL || e2 == -EINVAL)
		return pparse__err(c, y->line, "'%s' is not a %s or a range of them: write %s",
				   pparse__show(c, s), field, eg);
	if (e1 || e2 || lo > max || hi > max)
		return pparse__err(c, y->line, "%s '%s' is out of range: %ss are 0 to %llu", field,
				   pparse__show(c, s), field, (unsigned long long)max);
	if (lo > hi)
		return pparse__err(c, y->line,
				   "the %s range '%s' is empty (its start is above its end): write "
				   "%llu-%llu",
				   field, pparse__show(c, s), (unsigned long long)hi,
				   (unsigned long long)lo);
	out->lo = lo;
	out->hi = hi;
	return 0;
}

static int ranges(struct pctx *c, const char *field, const struct ynode *const *it, unsigned n,
		  uint64_t max, struct policy_range **out, unsigned *nout)
{
	struct policy_range *a = calloc(n, sizeof(*a));
	int ret;

	if (!a)
		return nomem(c, it[0]->line);
	*out = a;
	for (unsigned i = 0; i < n; i++) {
		if ((ret = range_parse(c, field, it[i], max, &a[i])) ||
		    (ret = twice(c, field, it, i, a, sizeof(*a))))
			return ret;
		*nout = i + 1;
	}
	return 0;
}

/* ---- cgroups ---- */

static int cgroup_path(struct pctx *c, const struct ynode *y, uint64_t *id)
{
	const char *s = y->s;
	char path[PATH_MAX];
	struct stat st, root;
	uint64_t v;
	int n, ret = pparse__num(s, s + strlen(s), &v);

	if (!ret) {
		if (!v)
			return pparse__err(
				c, y->line,
				"cgroup id 0 does not exist (an id is its directory's inode number)");
		*id = v;
		return 0;
	}
	if (ret == -ERANGE)
		return pparse__err(c, y->line, "cgroup id '%s' is out of range",
				   pparse__show(c, s));
	n = s[0] == '/' ? snprintf(path, sizeof(path), "%s", s)
			: snprintf(path, sizeof(path), "%s/%s", c->cgroup_root, s);
	if (n < 0 || (size_t)n >= sizeof(path))
		return pparse__err(c, y->line, "the cgroup path '%s' is too long",
				   pparse__show(c, s));
	if (stat(path, &st))
		return pparse__err(
			c, y->line,
			"no cgroup directory '%s' (%s): give a cgroup v2 directory, absolute or "
			"relative to %s, or a cgroup id",
			pparse__show(c, path), strerror(errno), pparse__show(c, c->cgroup_root));
	if (!S_ISDIR(st.st_mode))
		return pparse__err(c, y->line, "no cgroup directory '%s': it is not a directory",
				   pparse__show(c, path));
	/* Hosts with both hierarchies mount v1 controllers beside v2: only
	 * a directory of the v2 mount has the id the kernel reports. */
	if (stat(c->cgroup_root, &root) || root.st_dev != st.st_dev)
		return pparse__err(c, y->line,
				   "'%s' is not in the cgroup v2 hierarchy (mounted at %s): give a "
				   "directory under it",
				   pparse__show(c, path), pparse__show(c, c->cgroup_root));
	*id = st.st_ino; /* a cgroup v2 id is its directory's inode number */
	return 0;
}

struct csearch {
	char want[65];
	char rel[PATH_MAX];
	char found[2][PATH_MAX];
	unsigned nfound, scanned;
	uint64_t ino;
};

/* Depth-first under dfd (closed here); a matching directory is not
 * entered (its children are the container's own). */
static void csearch(struct csearch *cs, int dfd, size_t rlen, int depth)
{
	DIR *d = fdopendir(dfd);
	struct dirent *de;

	if (!d) {
		close(dfd);
		return;
	}
	while (cs->nfound < 2 && cs->scanned < SEARCH_MAX && (de = readdir(d))) {
		size_t nl = strlen(de->d_name);
		struct stat st;
		bool dir = de->d_type == DT_DIR;

		if (de->d_name[0] == '.' && (nl == 1 || (nl == 2 && de->d_name[1] == '.')))
			continue;
		if (de->d_type == DT_UNKNOWN)
			dir = !fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) &&
			      S_ISDIR(st.st_mode);
		if (!dir || rlen + 1 + nl >= sizeof(cs->rel))
			continue;
		cs->scanned++;
		cs->rel[rlen] = '/';
		memcpy(cs->rel + rlen + 1, de->d_name, nl + 1);
		if (strcasestr(de->d_name, cs->want)) {
			if (!fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW)) {
				if (!cs->nfound)
					cs->ino = st.st_ino;
				memcpy(cs->found[cs->nfound++], cs->rel, rlen + nl + 2);
			}
		} else if (depth + 1 < SEARCH_DEPTH) {
			int sub = openat(dirfd(d), de->d_name,
					 O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

			if (sub >= 0)
				csearch(cs, sub, rlen + 1 + nl, depth + 1);
		}
		cs->rel[rlen] = '\0';
	}
	closedir(d);
}

static int container(struct pctx *c, const struct ynode *y, uint64_t *id)
{
	const char *s = y->s, *root = c->cgroup_root;
	size_t n = strlen(s);
	struct csearch *cs;
	int fd, ret;

	if (n < 12 || n > 64)
		return pparse__err(
			c, y->line,
			"container '%s': an id is 12 to 64 hex digits (docker ps shows 12)",
			pparse__show(c, s));
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f') ||
		      (s[i] >= 'A' && s[i] <= 'F')))
			return pparse__err(c, y->line,
					   "container '%s' is not a container id (hex digits)",
					   pparse__show(c, s));
	if ((fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return pparse__err(c, y->line,
				   "no cgroup directory for container %s: cannot read %s (%s)",
				   pparse__show(c, s), pparse__show(c, root), strerror(errno));
	if (!(cs = calloc(1, sizeof(*cs)))) {
		close(fd);
		return nomem(c, y->line);
	}
	for (size_t i = 0; i < n; i++)
		cs->want[i] = s[i] | 0x20; /* hex digits: lower case */
	csearch(cs, fd, 0, 0);
	if (cs->nfound == 1) {
		*id = cs->ino;
		ret = 0;
	} else if (cs->nfound > 1) {
		char a[PATH_MAX + 8], b[PATH_MAX + 8];

		snprintf(a, sizeof(a), "%s%s", root, cs->found[0]);
		snprintf(b, sizeof(b), "%s%s", root, cs->found[1]);
		ret = pparse__err(
			c, y->line,
			"container %s is ambiguous: %s and %s both match; give more of its id",
			pparse__show(c, s), pparse__show(c, a), pparse__show(c, b));
	} else if (cs->scanned >= SEARCH_MAX) {
		ret = pparse__err(
			c, y->line,
			"no cgroup directory for container %s found in the first %d under %s",
			pparse__show(c, s), SEARCH_MAX, pparse__show(c, root));
	} else {
		ret = pparse__err(c, y->line,
				  "no cgroup directory for container %s under %s (docker-ID.scope, "
				  "cri-containerd-ID.scope, ID): is it running?",
				  pparse__show(c, s), pparse__show(c, root));
	}
	free(cs);
	return ret;
}

/* cgroup and container are one selector: ids, any of them. */
static int cgroups(struct pctx *c, bool ctr, const struct ynode *const *it, unsigned n,
		   struct policy_rule *r)
{
	if (!r->cgroup && !(r->cgroup = calloc(POLICY_LIST_MAX, sizeof(*r->cgroup))))
		return nomem(c, it[0]->line);
	for (unsigned i = 0; i < n; i++) {
		uint64_t id = 0;
		unsigned j;
		int ret = ctr ? container(c, it[i], &id) : cgroup_path(c, it[i], &id);

		if (ret)
			return ret;
		for (j = 0; j < r->ncgroup && r->cgroup[j] != id; j++)
			;
		if (j < r->ncgroup)
			continue; /* the same cgroup by two names */
		if (r->ncgroup >= POLICY_LIST_MAX)
			return pparse__err(c, it[i]->line,
					   "'cgroup' and 'container' name more than %d cgroups "
					   "(POLICY_LIST_MAX): split the rule",
					   POLICY_LIST_MAX);
		r->cgroup[r->ncgroup++] = id;
	}
	return 0;
}

int pparse__selector(struct pctx *c, enum sel sel, const char *field, unsigned kline,
		     const struct ynode *v, struct policy_rule *r)
{
	const struct ynode *it[POLICY_LIST_MAX];
	unsigned n;
	int ret = pparse__items(c, field, kline, v, it, &n);

	if (ret)
		return ret;
	switch (sel) {
	case SEL_BINARY: return paths(c, field, it, n, &r->binary, &r->nbinary);
	case SEL_PARENT: return paths(c, field, it, n, &r->parent, &r->nparent);
	case SEL_PATH: return paths(c, field, it, n, &r->path, &r->npath);
	case SEL_ARGS: return args(c, it, n, r);
	case SEL_FLAGS: return flags(c, it, n, r);
	case SEL_ADDRESS: return addrs(c, it, n, r);
	case SEL_PORT: return ranges(c, field, it, n, 65535, &r->port, &r->nport);
	case SEL_UID: return ranges(c, field, it, n, POLICY_UID_MAX, &r->uid, &r->nuid);
	case SEL_CGROUP:
	case SEL_CONTAINER: return cgroups(c, sel == SEL_CONTAINER, it, n, r);
	default: return pparse__err(c, kline, "internal: selector %d", sel);
	}
}

/* ---- conflicts ---- */

static uint64_t mix(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	return h;
}

/* Order-blind: a list is a set. Elements are zero-padded (calloc). */
static uint64_t set_hash(uint64_t tag, const void *arr, unsigned n, size_t elem)
{
	uint64_t sum = 0;

	for (unsigned i = 0; i < n; i++) {
		const unsigned char *b = (const unsigned char *)arr + i * elem;
		uint64_t h = ENF_FNV_OFFSET;

		for (size_t k = 0; k < elem; k++)
			h = (h ^ b[k]) * ENF_FNV_PRIME;
		sum += mix(h);
	}
	return mix(sum + tag * 0x9e3779b97f4a7c15ULL + n);
}

static bool set_eq(const void *a, unsigned na, const void *b, unsigned nb, size_t elem)
{
	if (na != nb)
		return false;
	for (unsigned i = 0; i < na; i++) {
		unsigned j;

		for (j = 0;
		     j < nb && memcmp((const char *)a + i * elem, (const char *)b + j * elem, elem);
		     j++)
			;
		if (j == nb)
			return false;
	}
	return true;
}

/* clang-format off */
#define SETS(X)								\
	X(1, binary, nbinary) X(2, parent, nparent) X(3, path, npath)	\
	X(4, args, nargs) X(5, address, naddress) X(6, port, nport)	\
	X(7, uid, nuid) X(8, cgroup, ncgroup)
/* clang-format on */

static uint64_t sel_hash(const struct policy_rule *r)
{
	uint64_t h = mix(r->open_flags + 1);

#define HASH(tag, arr, n) h += set_hash(tag, r->arr, r->n, sizeof(*r->arr));
	SETS(HASH)
#undef HASH
	return h;
}

static bool sel_equal(const struct policy_rule *a, const struct policy_rule *b)
{
	if (a->open_flags != b->open_flags)
		return false;
#define EQ(tag, arr, n)                                           \
	if (!set_eq(a->arr, a->n, b->arr, b->n, sizeof(*a->arr))) \
		return false;
	SETS(EQ)
#undef EQ
	return true;
}

struct hrule {
	uint64_t h;
	unsigned i;
};

static int by_hash(const void *a, const void *b)
{
	const struct hrule *x = a, *y = b;

	if (x->h != y->h)
		return x->h < y->h ? -1 : 1;
	return (x->i > y->i) - (x->i < y->i);
}

/* Rules with equal selectors: per event and action, the first rule. */
struct cls {
	unsigned rep;
	int first[ENF_EV__COUNT][3];
};

int pparse__conflicts(struct pctx *c, const struct policy *p)
{
	unsigned n = p->nrules, bj = ~0u, bi = 0;
	struct hrule *hr;
	struct cls *cl;

	if (n < 2)
		return 0;
	hr = malloc(n * sizeof(*hr));
	cl = malloc(n * sizeof(*cl));
	if (!hr || !cl) {
		free(hr);
		free(cl);
		return nomem(c, 1);
	}
	for (unsigned i = 0; i < n; i++)
		hr[i] = (struct hrule){ sel_hash(&p->rules[i]), i };
	qsort(hr, n, sizeof(*hr), by_hash);
	for (unsigned g = 0, end; g < n; g = end) {
		unsigned ncl = 0;

		for (end = g + 1; end < n && hr[end].h == hr[g].h; end++)
			;
		/* In file order within the run: the first conflict is the error. */
		for (unsigned k = g; k < end && hr[k].i < bj; k++) {
			const struct policy_rule *r = &p->rules[hr[k].i];
			unsigned x;

			for (x = 0; x < ncl && !sel_equal(&p->rules[cl[x].rep], r); x++)
				;
			if (x == ncl) {
				cl[ncl].rep = hr[k].i;
				memset(cl[ncl++].first, 0xff, sizeof(cl[0].first));
			}
			for (int e = 0; e < ENF_EV__COUNT; e++) {
				if (!(r->events & (1u << e)))
					continue;
				for (int a = 0; a < 3; a++) {
					int f = cl[x].first[e][a];

					/* the earliest later rule, then its earliest peer */
					if (a != (int)r->action && f >= 0 &&
					    (hr[k].i < bj || (unsigned)f < bi)) {
						bj = hr[k].i;
						bi = f;
					}
				}
				if (cl[x].first[e][r->action] < 0)
					cl[x].first[e][r->action] = hr[k].i;
			}
		}
	}
	free(hr);
	free(cl);
	if (bj == ~0u)
		return 0;
	{
		const struct policy_rule *a = &p->rules[bi], *b = &p->rules[bj];
		uint32_t both = a->events & b->events;
		int e = 0;

		while (e < ENF_EV__COUNT - 1 && !(both & (1u << e)))
			e++;
		return pparse__err(
			c, b->line,
			"rule '%s' conflicts with rule '%s' (line %u): same selectors, different "
			"actions (%s and %s) on %s: drop one, or make their selectors differ",
			b->name, a->name, a->line, enf_action__name(b->action),
			enf_action__name(a->action), enf_event__name(e));
	}
}
