// SPDX-License-Identifier: Apache-2.0
/* The shared-library part of sonde-spin's workload. */
#include <time.h>

volatile unsigned long spin_lib_sink;

static long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000L + ts.tv_nsec;
}

__attribute__((noinline)) void spin_lib(long ns)
{
	long end = now_ns() + ns;

	do
		for (int i = 0; i < 200000; i++)
			spin_lib_sink++;
	while (now_ns() < end);
}
