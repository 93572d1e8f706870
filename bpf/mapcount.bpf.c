// SPDX-License-Identifier: GPL-2.0-only
/* Entries in use of every map, from the kernel's own per-map counters
 * (bpf_map_sum_elem_count, 6.6+): the self-metrics read a map's fill in
 * one pass over all maps instead of walking its keys. */
#include "sonde.bpf.h"

extern __s64 bpf_map_sum_elem_count(const struct bpf_map *map) __ksym;

struct map_count {
	__u32 id;
	__u32 pad;
	__s64 entries;
};

SEC("iter/bpf_map")
int count_maps(struct bpf_iter__bpf_map *ctx)
{
	struct bpf_map *m = ctx->map;
	struct map_count r = {};

	if (!m)
		return 0;
	r.id = m->id;
	r.entries = bpf_map_sum_elem_count(m);
	bpf_seq_write(ctx->meta->seq, &r, sizeof(r));
	return 0;
}
