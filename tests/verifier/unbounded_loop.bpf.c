// SPDX-License-Identifier: GPL-2.0-only
// HINT: unbounded_loop
#include "common.h"

SEC("raw_tp/sys_enter")
int unbounded_loop(void *ctx)
{
	volatile int i = 0;

	while (i != 7)	/* VERIFY-FAIL */
		i = i;
	return i;
}

char LICENSE[] SEC("license") = "GPL";
