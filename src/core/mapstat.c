// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "core/bpfmap.h"
#include "core/log.h"
#include "core/mapstat.h"
#include "mapcount.skel.h"

struct count {
	uint32_t id;
	long n;
	double at;	/* walks: when */
};

struct mapstat {
	struct mapcount_bpf *skel;
	struct bpf_link *link;
	bool tried;
	struct count *kernel;	/* from the iterator, this scrape */
	size_t nkernel, kcap;
	struct count *walked;	/* from walks, reused for a while */
	size_t nwalked, wcap;
};

struct mapstat *mapstat__new(void)
{
	return calloc(1, sizeof(struct mapstat));
}

void mapstat__free(struct mapstat *ms)
{
	if (!ms)
		return;
	bpf_link__destroy(ms->link);
	mapcount_bpf__destroy(ms->skel);
	free(ms->kernel);
	free(ms->walked);
	free(ms);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Kernels before 6.6 have no bpf_map_sum_elem_count: the load fails once
 * and walks stand in. */
static bool open_iter(struct mapstat *ms)
{
	int quiet;

	if (ms->tried)
		return ms->link;
	ms->tried = true;
	quiet = log__set_libbpf_quiet(1);
	ms->skel = mapcount_bpf__open_and_load();
	if (ms->skel)
		ms->link = bpf_program__attach_iter(ms->skel->progs.count_maps, NULL);
	log__set_libbpf_quiet(quiet);
	if (!ms->link)
		pr_debug("map fill: no kernel element counts (%s); walking maps every %d s",
			 strerror(errno), MAPSTAT_WALK_SECONDS);
	return ms->link;
}

const void *mapstat__elf_bytes(size_t *sz) { return mapcount_bpf__elf_bytes(sz); }

bool mapstat__kernel_counts(const struct mapstat *ms) { return ms->link; }

void mapstat__refresh(struct mapstat *ms)
{
	struct { uint32_t id, pad; int64_t n; } r;
	int fd;

	ms->nkernel = 0;
	if (!open_iter(ms))
		return;
	fd = bpf_iter_create(bpf_link__fd(ms->link));
	if (fd < 0)
		return;
	while (read(fd, &r, sizeof(r)) == sizeof(r)) {
		if (ms->nkernel == ms->kcap) {
			size_t cap = ms->kcap ? ms->kcap * 2 : 256;
			struct count *k = realloc(ms->kernel, cap * sizeof(*k));

			if (!k)
				break;
			ms->kernel = k;
			ms->kcap = cap;
		}
		ms->kernel[ms->nkernel++] = (struct count){ .id = r.id, .n = r.n };
	}
	close(fd);
}

/* The kernel keeps counts for hash maps (every flavour); not for tries. */
static bool counted(uint32_t type)
{
	return type == BPF_MAP_TYPE_HASH || type == BPF_MAP_TYPE_PERCPU_HASH ||
	       type == BPF_MAP_TYPE_LRU_HASH || type == BPF_MAP_TYPE_LRU_PERCPU_HASH;
}

static struct count *find(struct count *v, size_t n, uint32_t id)
{
	for (size_t i = 0; i < n; i++)
		if (v[i].id == id)
			return &v[i];
	return NULL;
}

long mapstat__entries(struct mapstat *ms, const struct bpfmap *mp)
{
	const struct bpfmap m = *mp;
	struct count *c;
	double now;

	switch (m.type) {
	case BPF_MAP_TYPE_ARRAY:
	case BPF_MAP_TYPE_PERCPU_ARRAY:
		return m.max_entries;
	case BPF_MAP_TYPE_RINGBUF:
		return -1;
	default:
		break;
	}
	if (counted(m.type) && (c = find(ms->kernel, ms->nkernel, m.id)))
		return c->n;
	now = now_s();
	c = find(ms->walked, ms->nwalked, m.id);
	if (c && now - c->at < MAPSTAT_WALK_SECONDS)
		return c->n;
	if (!c) {
		if (ms->nwalked == ms->wcap) {
			size_t cap = ms->wcap ? ms->wcap * 2 : 32;
			struct count *w = realloc(ms->walked, cap * sizeof(*w));

			if (!w)
				return bpfmap__count(&m);
			ms->walked = w;
			ms->wcap = cap;
		}
		c = &ms->walked[ms->nwalked++];
		c->id = m.id;
	}
	c->n = bpfmap__count(&m);
	c->at = now;
	return c->n;
}
