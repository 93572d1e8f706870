// SPDX-License-Identifier: GPL-2.0-only
// HINT: program_too_large
#include "common.h"

/* One path, a million iterations: the verifier walks every one of them and
 * gives up at 1,000,000 processed instructions. (No '&' on an unknown value
 * in the loop: 6.18.44's verifier dereferences NULL in maybe_fork_scalars()
 * when it runs out of states on such a branchy program.) */
SEC("raw_tp/sys_enter")
int too_large(void *ctx)
{
	__u64 sum = bpf_get_prandom_u32();

#pragma clang loop unroll(disable)
	for (int i = 0; i < 1000000; i++)	/* VERIFY-FAIL */
		sum = sum * 31 + i;
	return sum;
}

char LICENSE[] SEC("license") = "GPL";
