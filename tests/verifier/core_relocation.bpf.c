// SPDX-License-Identifier: GPL-2.0-only
// HINT: core_relocation
#include "common.h"

/* A field no kernel has: the CO-RE relocation cannot resolve. */
struct task_struct___nope {
	int sonde_no_such_field;
} __attribute__((preserve_access_index));

SEC("raw_tp/sys_enter")
int core_relocation(void *ctx)
{
	return BPF_CORE_READ((struct task_struct___nope *)bpf_get_current_task(), sonde_no_such_field); /* VERIFY-FAIL */
}

char LICENSE[] SEC("license") = "GPL";
