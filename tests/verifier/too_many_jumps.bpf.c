// SPDX-License-Identifier: GPL-2.0-only
// HINT: too_many_jumps
#include "common.h"

/* A byte-at-a-time scan of a 4 KiB buffer with a few branches per byte:
 * one path through it takes more than 8192 jumps, which the verifier's
 * jump history cannot hold (the files collector's ".." scan first hit this;
 * it now reads 8 bytes a step). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, char[4096]);
} bufs SEC(".maps");

SEC("raw_tp/sys_enter")
int too_many_jumps(void *ctx)
{
	__u32 k = 0, len = bpf_get_prandom_u32();
	char *b = bpf_map_lookup_elem(&bufs, &k);

	if (!b)
		return 0;
	for (__u32 i = 0; i + 2 < len && i < 4096 - 2; i++) {
		const char *c = b + i;

		if (c[0] == '.' && c[1] == '.' && (c[2] == '/' || !c[2]))	/* VERIFY-FAIL */
			return 1;
	}
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
