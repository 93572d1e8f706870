// SPDX-License-Identifier: Apache-2.0
/* sonde-inline SECONDS: nearly all its time in mix(), inlined into hot():
 * the profiler's DWARF test (inlined frames and source lines). */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static volatile unsigned long sink;

static long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000L + ts.tv_nsec;
}

static inline __attribute__((always_inline)) unsigned long mix(unsigned long x)
{
	for (int i = 0; i < 100000; i++)
		x = x * 6364136223846793005UL + 1442695040888963407UL;	/* MIX_LINE */
	return x;
}

__attribute__((noinline)) void hot(long ns)
{
	long end = now_ns() + ns;

	do
		sink = mix(sink);
	while (now_ns() < end);
}

int main(int argc, char **argv)
{
	printf("ready\n");
	fflush(stdout);
	hot((long)(atof(argc > 1 ? argv[1] : "5") * 1e9));
	return 0;
}
