// SPDX-License-Identifier: GPL-2.0-only
// HINT: map_value_out_of_bounds
#include "common.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64[4]);
} vals SEC(".maps");

SEC("raw_tp/sys_enter")
int map_value_oob(void *ctx)
{
	__u32 k = 0;
	__u64 *v = bpf_map_lookup_elem(&vals, &k);

	if (!v)
		return 0;
	return v[7];	/* VERIFY-FAIL */
}

char LICENSE[] SEC("license") = "GPL";
