// SPDX-License-Identifier: GPL-2.0-only
// HINT: stack_too_large
// LINE: none (the kernel checks the call graph's stack after walking it and logs no instruction)
#include "common.h"

static __noinline int inner(int x)
{
	volatile char buf[400];

	buf[x & 255] = 1;
	return buf[(x + 1) & 255];
}

/* A socket filter: tracing programs on 6.13+ may run on a private stack,
 * where only each function's own frame must fit in 512 bytes. */
SEC("socket")
int stack_too_large(struct __sk_buff *skb)
{
	volatile char buf[400];
	int x = skb->len;

	buf[x & 255] = 1;
	return inner(buf[(x + 3) & 255]);
}

char LICENSE[] SEC("license") = "GPL";
