// SPDX-License-Identifier: GPL-2.0-only
// HINT: unbounded_pointer_math
#include "common.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, char[64]);
} bufs SEC(".maps");

SEC("raw_tp/sys_enter")
int unbounded_ptr(void *ctx)
{
	__u32 k = 0, idx = bpf_get_prandom_u32();
	char *b = bpf_map_lookup_elem(&bufs, &k);

	if (!b)
		return 0;
	return b[idx];	/* VERIFY-FAIL */
}

char LICENSE[] SEC("license") = "GPL";
