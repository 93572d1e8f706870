// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "collectors/enforce_maps.h"
#include "policy/policy.h"

static const char *const outer_names[ENF_MAP__COUNT] = { "pol_meta", "pol_rules", "pol_keys", "pol_strs" };

/* The inner maps' shapes: what bpf/enforce.bpf.c declares, which the
 * kernel checks when one goes into its outer map. */
static const struct {
	enum bpf_map_type type;
	uint32_t key, value, max, flags;
} shape[ENF_MAP__COUNT] = {
	[ENF_MAP_META] = { BPF_MAP_TYPE_ARRAY, 4, sizeof(struct enf_meta), 1, 0 },
	[ENF_MAP_RULES] = { BPF_MAP_TYPE_ARRAY, 4, sizeof(struct enf_rule), ENF_MAX_RULES, 0 },
	[ENF_MAP_KEYS] = { BPF_MAP_TYPE_LPM_TRIE, sizeof(struct enf_key), sizeof(struct enf_cands),
			   ENF_MAX_KEYS, BPF_F_NO_PREALLOC },
	[ENF_MAP_STRS] = { BPF_MAP_TYPE_ARRAY, 4, sizeof(struct enf_str), ENF_MAX_STRS, 0 },
};

static int map_fd(struct bpf_object *obj, const char *name, char *why, size_t why_sz)
{
	struct bpf_map *map = bpf_object__find_map_by_name(obj, name);
	int fd = map ? bpf_map__fd(map) : -1;

	if (fd < 0)
		snprintf(why, why_sz, "enforce: the object has no loaded map %s", name);
	return fd;
}

int enf_maps__init(struct enf_maps *m, struct bpf_object *obj, char *why, size_t why_sz)
{
	memset(m, 0, sizeof(*m));
	for (int i = 0; i < ENF_MAP__COUNT; i++)
		if ((m->outer[i] = map_fd(obj, outer_names[i], why, why_sz)) < 0)
			return -ENOENT;
	if ((m->state = map_fd(obj, "state", why, why_sz)) < 0 ||
	    (m->stats = map_fd(obj, "rule_stats", why, why_sz)) < 0)
		return -ENOENT;
	m->slot = 1;	/* the first install goes into slot 0 */
	return 0;
}

static int fill(int fd, unsigned which, const struct enf_image *img)
{
	uint32_t k;

	switch (which) {
	case ENF_MAP_META:
		k = 0;
		return bpf_map_update_elem(fd, &k, &img->meta, BPF_ANY) ? -errno : 0;
	case ENF_MAP_RULES:
		for (k = 0; k < img->nrules; k++)
			if (bpf_map_update_elem(fd, &k, &img->rules[k], BPF_ANY))
				return -errno;
		return 0;
	case ENF_MAP_KEYS:
		for (unsigned i = 0; i < img->nkeys; i++)
			if (bpf_map_update_elem(fd, &img->keys[i], &img->cands[i], BPF_NOEXIST))
				return -errno;
		return 0;
	case ENF_MAP_STRS:
		for (k = 0; k < img->nstrs; k++)
			if (bpf_map_update_elem(fd, &k, &img->strs[k], BPF_ANY))
				return -errno;
		return 0;
	}
	return -EINVAL;
}

int enf_maps__install(struct enf_maps *m, const struct enf_image *img, char *why, size_t why_sz)
{
	static const char *const what[ENF_MAP__COUNT] = { "meta", "rules", "keys", "strings" };
	unsigned next = m->slot ^ 1;
	struct enf_stat zero = {};
	struct enf_state st = { next, img->meta.version };
	int fds[ENF_MAP__COUNT], err = 0, i;
	uint32_t k = 0;

	for (i = 0; i < ENF_MAP__COUNT; i++)
		fds[i] = -1;
	for (i = 0; i < ENF_MAP__COUNT && !err; i++) {
		LIBBPF_OPTS(bpf_map_create_opts, o, .map_flags = shape[i].flags);

		fds[i] = bpf_map_create(shape[i].type, NULL, shape[i].key, shape[i].value, shape[i].max, &o);
		if (fds[i] < 0) {
			err = -errno;
			snprintf(why, why_sz, "creating the policy's %s map: %s", what[i], strerror(-err));
		} else if ((err = fill(fds[i], i, img))) {
			snprintf(why, why_sz, "writing the policy's %s map: %s", what[i], strerror(-err));
		}
	}
	/* The slot's counters start from zero: they are the new version's. */
	for (unsigned r = 0; r < img->meta.npolicy && !err; r++) {
		k = next * ENF_MAX_RULES + r;
		if (bpf_map_update_elem(m->stats, &k, &zero, BPF_ANY)) {
			err = -errno;
			snprintf(why, why_sz, "zeroing the rule counters: %s", strerror(-err));
		}
	}
	/* The slot is not in force: events still read the other one. */
	for (i = 0; i < ENF_MAP__COUNT && !err; i++) {
		k = next;
		if (bpf_map_update_elem(m->outer[i], &k, &fds[i], BPF_ANY)) {
			err = -errno;
			snprintf(why, why_sz, "placing the policy's %s map: %s", what[i], strerror(-err));
		}
	}
	k = 0;
	if (!err && bpf_map_update_elem(m->state, &k, &st, BPF_ANY)) {
		err = -errno;
		snprintf(why, why_sz, "swapping the policy in: %s", strerror(-err));
	}
	/* The outer maps hold the inner ones now (or the failed set is freed). */
	for (i = 0; i < ENF_MAP__COUNT; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	if (err)
		return err;
	m->slot = next;
	m->version = img->meta.version;
	return 0;
}

int enf_maps__stat(const struct enf_maps *m, unsigned slot, unsigned rule, struct enf_stat *out)
{
	uint32_t k = (slot & 1) * ENF_MAX_RULES + rule;

	if (rule >= ENF_MAX_RULES)
		return -ERANGE;
	return bpf_map_lookup_elem(m->stats, &k, out) ? -errno : 0;
}
