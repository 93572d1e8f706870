// SPDX-License-Identifier: GPL-2.0-only
// HINT: uninitialized_stack
#include "common.h"

/* Root (CAP_PERFMON) may read uninitialized stack since 5.x; the test runs
 * this one with CAP_BPF alone, as a socket filter, where it may not. */
struct ukey {
	__u32 a, b, c, d;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16);
	__type(key, struct ukey);
	__type(value, __u64);
} m SEC(".maps");

SEC("socket")
int uninit_stack(struct __sk_buff *skb)
{
	struct ukey k;
	__u64 *v;

	k.a = skb->len;	/* b, c and d are never written */
	v = bpf_map_lookup_elem(&m, &k);	/* VERIFY-FAIL */
	return v ? *v : 0;
}

char LICENSE[] SEC("license") = "GPL";
