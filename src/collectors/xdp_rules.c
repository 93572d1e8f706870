// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <stdbool.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "collectors/xdp_rules.h"
#include "sonde/xdp.h"

int xdp_rules__init(struct xdp_rules *r, unsigned cap, int fd4, int fd6, int fd_counts)
{
	memset(r, 0, sizeof(*r));
	r->nbuckets = 1;
	while (r->nbuckets < cap)
		r->nbuckets <<= 1;
	r->v = calloc(cap, sizeof(*r->v));
	r->bucket = malloc(r->nbuckets * sizeof(int));
	r->next = malloc(cap * sizeof(int));
	if (!r->v || !r->bucket || !r->next) {
		xdp_rules__free(r);
		return -ENOMEM;
	}
	memset(r->bucket, 0xff, r->nbuckets * sizeof(int));
	r->cap = cap;
	r->fd4 = fd4;
	r->fd6 = fd6;
	r->fd_counts = fd_counts;
	r->ncpus = libbpf_num_possible_cpus();
	return r->ncpus > 0 ? 0 : -EINVAL;
}

void xdp_rules__free(struct xdp_rules *r)
{
	free(r->v);
	free(r->bucket);
	free(r->next);
	r->v = NULL;
	r->bucket = r->next = NULL;
}

static unsigned hash(const struct xdp_rules *r, const struct cidr *c)
{
	uint64_t h = 0xcbf29ce484222325ULL ^ c->prefix ^ (uint64_t)c->addr.family << 8;

	for (int i = 0; i < 16; i++)
		h = (h ^ c->addr.a[i]) * 0x100000001b3ULL;
	return h & (r->nbuckets - 1);
}

static bool same(const struct cidr *a, const struct cidr *b)
{
	return a->prefix == b->prefix && a->addr.family == b->addr.family && !memcmp(a->addr.a, b->addr.a, 16);
}

static void unlink_id(struct xdp_rules *r, int id)
{
	int *p = &r->bucket[hash(r, &r->v[id].cidr)];

	while (*p >= 0 && *p != id)
		p = &r->next[*p];
	if (*p == id)
		*p = r->next[id];
}

static int key_of(const struct cidr *c, struct xdp_lpm6 *k6, int *fd, const struct xdp_rules *r)
{
	memset(k6, 0, sizeof(*k6));
	k6->prefixlen = c->prefix;
	if (c->addr.family == AF_INET) {
		struct xdp_lpm4 *k4 = (struct xdp_lpm4 *)k6;

		memcpy(k4->addr, c->addr.a, 4);
		*fd = r->fd4;
	} else {
		memcpy(k6->addr, c->addr.a, 16);
		*fd = r->fd6;
	}
	return 0;
}

int xdp_rules__find(const struct xdp_rules *r, const struct cidr *c)
{
	for (int i = r->bucket[hash(r, c)]; i >= 0; i = r->next[i])
		if (same(&r->v[i].cidr, c))
			return i;
	return -ENOENT;
}

int xdp_rules__add(struct xdp_rules *r, const struct cidr *c, bool from_config, char *why, size_t why_sz)
{
	struct xdp_rule_count *zero;
	struct xdp_lpm6 key;
	char buf[64];
	int id = xdp_rules__find(r, c), fd;
	__u32 val;

	if (id >= 0) {
		r->v[id].from_config |= from_config;
		r->v[id].from_command |= !from_config;
		snprintf(why, why_sz, "%s is already rule %d", cidr__str(c, buf, sizeof(buf)), id);
		return -EEXIST;
	}
	for (unsigned i = r->free_hint; i < r->cap && id < 0; i++)
		if (!r->v[i].used)
			id = i;
	if (id < 0) {
		snprintf(why, why_sz, "the drop list is full (xdp.max_rules = %u)", r->cap);
		return -ENOSPC;
	}
	/* The counter first, so the rule's first drop counts from zero. */
	zero = calloc(r->ncpus, sizeof(*zero));
	val = id;
	if (!zero)
		return -ENOMEM;
	if (bpf_map_update_elem(r->fd_counts, &val, zero, BPF_ANY)) {
		free(zero);
		snprintf(why, why_sz, "resetting the counter of rule %d: %s", id, strerror(errno));
		return -errno;
	}
	free(zero);
	key_of(c, &key, &fd, r);
	if (bpf_map_update_elem(fd, &key, &val, BPF_NOEXIST)) {
		int e = errno;

		snprintf(why, why_sz, "adding %s: %s", cidr__str(c, buf, sizeof(buf)),
			 e == E2BIG || e == ENOSPC ? "the LPM trie is full" : strerror(e));
		return -e;
	}
	r->v[id] = (struct xdp_rule){ .cidr = *c, .used = true, .from_config = from_config,
				      .from_command = !from_config };
	r->next[id] = r->bucket[hash(r, c)];
	r->bucket[hash(r, c)] = id;
	r->free_hint = id + 1;
	r->used++;
	return id;
}

int xdp_rules__del(struct xdp_rules *r, const struct cidr *c, bool from_config)
{
	struct xdp_lpm6 key;
	int id = xdp_rules__find(r, c), fd;

	if (id < 0)
		return -ENOENT;
	if (from_config) {
		r->v[id].from_config = false;
		if (r->v[id].from_command)
			return 0;
	} else {
		r->v[id].from_command = false;
		if (r->v[id].from_config)
			return -EPERM;	/* the config's: removed by editing it */
	}
	key_of(c, &key, &fd, r);
	if (bpf_map_delete_elem(fd, &key) && errno != ENOENT)
		return -errno;
	unlink_id(r, id);
	r->v[id].used = false;
	if ((unsigned)id < r->free_hint)
		r->free_hint = id;
	r->used--;
	return 0;
}

int xdp_rules__set_config(struct xdp_rules *r, const char *list, char *why, size_t why_sz)
{
	char *buf = strdup(list), *save = NULL;
	struct cidr *want = NULL;
	bool *keep = NULL;
	size_t n = 0, cap = 0;
	int err = 0;

	if (!buf)
		return -ENOMEM;
	for (char *tok = strtok_r(buf, ", ", &save); tok; tok = strtok_r(NULL, ", ", &save)) {
		char reason[160];

		if (n == cap) {
			struct cidr *w = realloc(want, (cap = cap ? 2 * cap : 64) * sizeof(*w));

			if (!w) {
				err = -ENOMEM;
				goto out;
			}
			want = w;
		}
		if (cidr__parse(tok, &want[n], reason, sizeof(reason))) {
			snprintf(why, why_sz, "xdp.drop: %s", reason);
			err = -EINVAL;
			goto out;
		}
		n++;
	}
	if (n > r->cap) {
		snprintf(why, why_sz, "xdp.drop lists %zu CIDRs; xdp.max_rules is %u", n, r->cap);
		err = -ENOSPC;
		goto out;
	}
	/* Removals first, so a full list can be replaced by another. */
	keep = calloc(r->cap, sizeof(*keep));
	if (!keep) {
		err = -ENOMEM;
		goto out;
	}
	for (size_t j = 0; j < n; j++) {
		int id = xdp_rules__find(r, &want[j]);

		if (id >= 0)
			keep[id] = true;
	}
	for (unsigned i = 0; i < r->cap; i++)
		if (r->v[i].used && r->v[i].from_config && !keep[i])
			xdp_rules__del(r, &r->v[i].cidr, true);
	for (size_t j = 0; j < n; j++) {
		int id = xdp_rules__add(r, &want[j], true, why, why_sz);

		if (id < 0 && id != -EEXIST) {
			err = id;
			goto out;
		}
	}
out:
	free(keep);
	free(want);
	free(buf);
	return err;
}

int xdp_rules__count(const struct xdp_rules *r, unsigned id, uint64_t *packets, uint64_t *bytes)
{
	struct xdp_rule_count v[r->ncpus];
	__u32 key = id;

	*packets = *bytes = 0;
	if (bpf_map_lookup_elem(r->fd_counts, &key, v))
		return -errno;
	for (int i = 0; i < r->ncpus; i++) {
		*packets += v[i].packets;
		*bytes += v[i].bytes;
	}
	return 0;
}
