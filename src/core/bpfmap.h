/* Reading maps whose values are arrays of u64 counters, summed over CPUs
 * for per-CPU maps. Every collector reads its maps through this. */
#ifndef SONDE_BPFMAP_H
#define SONDE_BPFMAP_H
#include <stddef.h>
#include <stdint.h>

struct bpf_map;

/* fn gets each key and its value words summed over CPUs; a non-zero
 * return stops the walk and is returned. */
typedef int (*bpfmap_fn)(void *ctx, const void *key, const uint64_t *val, size_t nwords);
int bpfmap__for_each(const struct bpf_map *map, bpfmap_fn fn, void *ctx);
/* Like bpfmap__for_each, but fn sees each CPU's value separately (for
 * per-CPU maps whose values are not plain counters). */
typedef int (*bpfmap_cpu_fn)(void *ctx, const void *key, int cpu, const void *val);
int bpfmap__for_each_cpu(const struct bpf_map *map, bpfmap_cpu_fn fn, void *ctx);
/* Summed value of one key; -ENOENT when absent. */
int bpfmap__lookup(const struct bpf_map *map, const void *key, uint64_t *val, size_t nwords);
/* Entries in use (walks the keys; arrays report their capacity). */
long bpfmap__count(const struct bpf_map *map);
#endif
