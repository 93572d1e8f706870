// SPDX-License-Identifier: GPL-2.0-only
// HINT: helper_not_allowed
#include "common.h"

/* An XDP-only helper from a tracing program. */
SEC("raw_tp/sys_enter")
int helper_not_allowed(void *ctx)
{
	return bpf_xdp_adjust_head(ctx, 4);	/* VERIFY-FAIL */
}

char LICENSE[] SEC("license") = "GPL";
