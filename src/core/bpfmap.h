/* SPDX-License-Identifier: Apache-2.0 */
/* Reading BPF maps at scale: whole maps in batches (bpf_map_lookup_batch,
 * thousands of entries a syscall) where the kernel has them, key by key
 * elsewhere; values of per-CPU maps summed over CPUs, or one by one.
 * Every collector and the self-metrics read maps through this. */
#ifndef SONDE_BPFMAP_H
#define SONDE_BPFMAP_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct bpf_map;

struct bpfmap {
	int fd;
	uint32_t type, key_size, value_size, max_entries, id;
	int ncpus;		/* values per key: the possible CPUs for per-CPU maps, else 1 */
	size_t stride;		/* bytes between two CPUs' values */
};

/* From a map fd (not owned) or a loaded libbpf map. 0 or -errno. */
int bpfmap__open(struct bpfmap *m, int fd);
int bpfmap__from(struct bpfmap *m, const struct bpf_map *map);

/* fn gets each key and its value words summed over CPUs; a non-zero
 * return stops the walk and is returned. */
typedef int (*bpfmap_fn)(void *ctx, const void *key, const uint64_t *val, size_t nwords);
int bpfmap__for_each(const struct bpfmap *m, bpfmap_fn fn, void *ctx);
/* Like bpfmap__for_each, but fn sees each CPU's value separately (for
 * per-CPU maps whose values are not plain counters). */
typedef int (*bpfmap_cpu_fn)(void *ctx, const void *key, int cpu, const void *val);
int bpfmap__for_each_cpu(const struct bpfmap *m, bpfmap_cpu_fn fn, void *ctx);
/* Summed value of one key; -ENOENT when absent. */
int bpfmap__lookup(const struct bpfmap *m, const void *key, uint64_t *val, size_t nwords);
/* Entries in use, by walking the keys (arrays report their capacity). */
long bpfmap__count(const struct bpfmap *m);
/* Syscalls the last walk of this process made (for the benchmark). */
unsigned long bpfmap__syscalls(void);
/* Forces key-by-key walks (the benchmark's baseline, and kernels before 5.6). */
void bpfmap__set_batch(bool on);
#endif
