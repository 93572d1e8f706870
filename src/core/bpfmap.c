#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "core/bpfmap.h"

static bool is_percpu(const struct bpf_map *map)
{
	switch (bpf_map__type(map)) {
	case BPF_MAP_TYPE_PERCPU_ARRAY:
	case BPF_MAP_TYPE_PERCPU_HASH:
	case BPF_MAP_TYPE_LRU_PERCPU_HASH:
		return true;
	default:
		return false;
	}
}

struct reader {
	int fd, ncpus;
	size_t vsz, nwords;
	uint64_t *raw;		/* one value per CPU, 8-byte aligned slots */
	uint64_t *sum;
};

static int reader__init(struct reader *r, const struct bpf_map *map)
{
	r->fd = bpf_map__fd(map);
	r->vsz = bpf_map__value_size(map);
	r->nwords = r->vsz / 8;
	r->ncpus = is_percpu(map) ? libbpf_num_possible_cpus() : 1;
	if (r->fd < 0 || r->ncpus <= 0)
		return -EINVAL;
	r->raw = calloc(r->ncpus, (r->vsz + 7) & ~7UL);
	r->sum = calloc(r->nwords ? r->nwords : 1, sizeof(uint64_t));
	return r->raw && r->sum ? 0 : -ENOMEM;
}

static void reader__free(struct reader *r)
{
	free(r->raw);
	free(r->sum);
}

static int reader__read(struct reader *r, const void *key)
{
	size_t stride = ((r->vsz + 7) & ~7UL) / 8;

	if (bpf_map_lookup_elem(r->fd, key, r->raw))
		return -errno;
	memset(r->sum, 0, r->nwords * 8);
	for (int c = 0; c < r->ncpus; c++)
		for (size_t i = 0; i < r->nwords; i++)
			r->sum[i] += r->raw[c * stride + i];
	return 0;
}

int bpfmap__for_each(const struct bpf_map *map, bpfmap_fn fn, void *ctx)
{
	size_t ksz = bpf_map__key_size(map);
	char *key = calloc(2, ksz), *next = key + ksz;
	struct reader r = {};
	int err, ret = 0;
	void *prev = NULL;

	if (!key)
		return -ENOMEM;
	err = reader__init(&r, map);
	if (err)
		goto out;
	while (!bpf_map_get_next_key(r.fd, prev, next)) {
		memcpy(key, next, ksz);
		prev = key;
		if (reader__read(&r, key))
			continue;	/* deleted (LRU eviction) between the two calls */
		ret = fn(ctx, key, r.sum, r.nwords);
		if (ret)
			break;
	}
	err = ret;
out:
	reader__free(&r);
	free(key);
	return err;
}

int bpfmap__for_each_cpu(const struct bpf_map *map, bpfmap_cpu_fn fn, void *ctx)
{
	size_t ksz = bpf_map__key_size(map);
	char *key = calloc(2, ksz), *next = key + ksz;
	struct reader r = {};
	size_t stride;
	void *prev = NULL;
	int err;

	if (!key)
		return -ENOMEM;
	err = reader__init(&r, map);
	stride = (r.vsz + 7) & ~7UL;
	while (!err && !bpf_map_get_next_key(r.fd, prev, next)) {
		memcpy(key, next, ksz);
		prev = key;
		if (bpf_map_lookup_elem(r.fd, key, r.raw))
			continue;
		for (int c = 0; c < r.ncpus && !err; c++)
			err = fn(ctx, key, c, (char *)r.raw + c * stride);
	}
	reader__free(&r);
	free(key);
	return err;
}

int bpfmap__lookup(const struct bpf_map *map, const void *key, uint64_t *val, size_t nwords)
{
	struct reader r = {};
	int err = reader__init(&r, map);

	if (!err)
		err = reader__read(&r, key);
	if (!err)
		memcpy(val, r.sum, (nwords < r.nwords ? nwords : r.nwords) * 8);
	reader__free(&r);
	return err;
}

long bpfmap__count(const struct bpf_map *map)
{
	size_t ksz = bpf_map__key_size(map);
	char *key, *next;
	void *prev = NULL;
	long n = 0;
	int fd = bpf_map__fd(map);

	switch (bpf_map__type(map)) {
	case BPF_MAP_TYPE_ARRAY:
	case BPF_MAP_TYPE_PERCPU_ARRAY:
		return bpf_map__max_entries(map);
	default:
		break;
	}
	key = calloc(2, ksz);
	if (!key)
		return -ENOMEM;
	next = key + ksz;
	while (!bpf_map_get_next_key(fd, prev, next)) {
		memcpy(key, next, ksz);
		prev = key;
		n++;
	}
	free(key);
	return n;
}
