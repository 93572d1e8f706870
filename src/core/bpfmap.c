// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "core/bpfmap.h"

#ifndef ENOTSUPP
#define ENOTSUPP 524	/* the kernel's own, for an unsupported map type */
#endif

/* Entries asked for per batch: a 1M-entry map in ~250 syscalls. */
#define BATCH 4096

static bool use_batch = true;
static unsigned long nsyscalls;

void bpfmap__set_batch(bool on) { use_batch = on; }
unsigned long bpfmap__syscalls(void) { return nsyscalls; }

static bool is_percpu(uint32_t type)
{
	return type == BPF_MAP_TYPE_PERCPU_ARRAY || type == BPF_MAP_TYPE_PERCPU_HASH ||
	       type == BPF_MAP_TYPE_LRU_PERCPU_HASH;
}

/* Hash and array maps read in batches since 5.6; others (LPM tries, ...)
 * key by key. */
static bool batchable(uint32_t type)
{
	switch (type) {
	case BPF_MAP_TYPE_HASH:
	case BPF_MAP_TYPE_PERCPU_HASH:
	case BPF_MAP_TYPE_LRU_HASH:
	case BPF_MAP_TYPE_LRU_PERCPU_HASH:
	case BPF_MAP_TYPE_ARRAY:
	case BPF_MAP_TYPE_PERCPU_ARRAY:
		return true;
	default:
		return false;
	}
}

int bpfmap__open(struct bpfmap *m, int fd)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);

	if (fd < 0)
		return -EBADF;
	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		return -errno;
	*m = (struct bpfmap){
		.fd = fd, .type = info.type, .key_size = info.key_size, .value_size = info.value_size,
		.max_entries = info.max_entries, .id = info.id, .ncpus = 1, .stride = info.value_size,
	};
	if (is_percpu(info.type)) {
		m->ncpus = libbpf_num_possible_cpus();
		m->stride = (info.value_size + 7) & ~7UL;
		if (m->ncpus <= 0)
			return -EINVAL;
	}
	return 0;
}

int bpfmap__from(struct bpfmap *m, const struct bpf_map *map)
{
	return bpfmap__open(m, bpf_map__fd(map));
}

/* One walk over the map: cb gets each key and its raw values (ncpus of
 * them, stride apart). Batches where the kernel has them; the first
 * batch that fails with EINVAL or ENOTSUPP falls back to key by key. */
typedef int (*raw_fn)(void *ctx, const void *key, const void *vals);

static int walk_keys(const struct bpfmap *m, raw_fn cb, void *ctx)
{
	char *key = calloc(2, m->key_size ?: 1), *next = key + m->key_size;
	void *vals = calloc(m->ncpus, m->stride ?: 1), *prev = NULL;
	int err = key && vals ? 0 : -ENOMEM;

	while (!err && (nsyscalls++, !bpf_map_get_next_key(m->fd, prev, next))) {
		memcpy(key, next, m->key_size);
		prev = key;
		nsyscalls++;
		if (bpf_map_lookup_elem(m->fd, key, vals))
			continue;	/* deleted (LRU eviction) between the two calls */
		err = cb(ctx, key, vals);
	}
	free(key);
	free(vals);
	return err;
}

static int walk_batches(const struct bpfmap *m, raw_fn cb, void *ctx, bool *fallback)
{
	size_t n = m->max_entries < BATCH ? (m->max_entries ?: 1) : BATCH;
	size_t vsz = m->ncpus * m->stride;
	char *keys = NULL, *vals = NULL;
	__u64 in = 0, out = 0;
	bool first = true;
	int err = 0;

	*fallback = false;
	for (;;) {
		__u32 count = n;
		int rc;

		if (!keys) {
			keys = malloc(n * m->key_size);
			vals = malloc(n * vsz);
			if (!keys || !vals) {
				err = -ENOMEM;
				break;
			}
		}
		nsyscalls++;
		rc = bpf_map_lookup_batch(m->fd, first ? NULL : &in, &out, keys, vals, &count, NULL);
		rc = rc ? -errno : 0;
		if (rc && rc != -ENOENT) {
			if (rc == -ENOSPC && n < (1u << 20)) {
				/* A hash bucket with more entries than fit: a bigger batch. */
				n *= 4;
				free(keys);
				free(vals);
				keys = vals = NULL;
				continue;
			}
			*fallback = first && (rc == -EINVAL || rc == -ENOTSUPP || rc == -EOPNOTSUPP);
			err = *fallback ? 0 : rc;
			break;
		}
		for (__u32 i = 0; i < count && !err; i++)
			err = cb(ctx, keys + i * m->key_size, vals + i * vsz);
		if (rc == -ENOENT || err)
			break;	/* the last batch */
		in = out;
		first = false;
	}
	free(keys);
	free(vals);
	return err;
}

static int walk(const struct bpfmap *m, raw_fn cb, void *ctx)
{
	bool fallback = true;
	int err = 0;

	if (use_batch && batchable(m->type))
		err = walk_batches(m, cb, ctx, &fallback);
	return fallback ? walk_keys(m, cb, ctx) : err;
}

struct sum_ctx {
	const struct bpfmap *m;
	bpfmap_fn fn;
	void *ctx;
	uint64_t *sum;
	size_t nwords;
};

static void sum_values(const struct bpfmap *m, const void *vals, uint64_t *sum, size_t nwords)
{
	memset(sum, 0, nwords * 8);
	for (int c = 0; c < m->ncpus; c++) {
		const char *v = (const char *)vals + c * m->stride;

		for (size_t i = 0; i < nwords; i++) {
			uint64_t w;

			memcpy(&w, v + i * 8, 8);
			sum[i] += w;
		}
	}
}

static int sum_cb(void *ctx, const void *key, const void *vals)
{
	struct sum_ctx *s = ctx;

	sum_values(s->m, vals, s->sum, s->nwords);
	return s->fn(s->ctx, key, s->sum, s->nwords);
}

int bpfmap__for_each(const struct bpfmap *m, bpfmap_fn fn, void *ctx)
{
	struct sum_ctx s = { .m = m, .fn = fn, .ctx = ctx, .nwords = m->value_size / 8 };
	int err;

	s.sum = calloc(s.nwords ?: 1, sizeof(uint64_t));
	if (!s.sum)
		return -ENOMEM;
	err = walk(m, sum_cb, &s);
	free(s.sum);
	return err;
}

struct cpu_ctx {
	const struct bpfmap *m;
	bpfmap_cpu_fn fn;
	void *ctx;
};

static int cpu_cb(void *ctx, const void *key, const void *vals)
{
	struct cpu_ctx *s = ctx;
	int err = 0;

	for (int c = 0; c < s->m->ncpus && !err; c++)
		err = s->fn(s->ctx, key, c, (const char *)vals + c * s->m->stride);
	return err;
}

int bpfmap__for_each_cpu(const struct bpfmap *m, bpfmap_cpu_fn fn, void *ctx)
{
	struct cpu_ctx s = { .m = m, .fn = fn, .ctx = ctx };

	return walk(m, cpu_cb, &s);
}

int bpfmap__lookup(const struct bpfmap *m, const void *key, uint64_t *val, size_t nwords)
{
	size_t have = m->value_size / 8;
	uint64_t *sum = calloc(have ?: 1, sizeof(uint64_t));
	void *vals = calloc(m->ncpus, m->stride ?: 1);
	int err = sum && vals ? 0 : -ENOMEM;

	nsyscalls++;
	if (!err && bpf_map_lookup_elem(m->fd, key, vals))
		err = -errno;
	if (!err) {
		sum_values(m, vals, sum, have);
		memcpy(val, sum, (nwords < have ? nwords : have) * 8);
	}
	free(sum);
	free(vals);
	return err;
}

static int count_cb(void *ctx, const void *key, const void *vals)
{
	(*(long *)ctx)++;
	return 0;
}

long bpfmap__count(const struct bpfmap *m)
{
	long n = 0;
	int err;

	if (m->type == BPF_MAP_TYPE_ARRAY || m->type == BPF_MAP_TYPE_PERCPU_ARRAY)
		return m->max_entries;
	err = walk(m, count_cb, &n);
	return err ? err : n;
}
