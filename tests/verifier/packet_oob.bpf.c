// SPDX-License-Identifier: GPL-2.0-only
// HINT: packet_out_of_bounds
#include "common.h"

SEC("xdp")
int packet_oob(struct xdp_md *ctx)
{
	unsigned char *data = (void *)(long)ctx->data;

	return data[12] == 8 ? XDP_PASS : XDP_DROP;	/* VERIFY-FAIL */
}

char LICENSE[] SEC("license") = "GPL";
