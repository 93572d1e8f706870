// SPDX-License-Identifier: Apache-2.0
/* sonde-spin SECONDS: the profiler tests' workload. Built with frame
 * pointers; in each 200 ms it spends 100 ms in spin_a, 40 ms in spin_b,
 * 20 ms in spin_c (this binary, PIE) and 40 ms in spin_lib (a shared
 * library): shares of 50, 20, 10 and 20%. Prints "ready" once running. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

void spin_lib(long ns);

static volatile unsigned long sink;

static long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000L + ts.tv_nsec;
}

/* Each burns the CPU itself (no callee but the clock, rarely), so a
 * sample's leaf is the function whose share it is. */
#define SPIN(name)							\
	__attribute__((noinline)) void name(long ns)			\
	{								\
		long end = now_ns() + ns;				\
		do							\
			for (int i = 0; i < 200000; i++)		\
				sink++;					\
		while (now_ns() < end);					\
	}
SPIN(spin_a)
SPIN(spin_b)
SPIN(spin_c)

int main(int argc, char **argv)
{
	long end = now_ns() + (long)(atof(argc > 1 ? argv[1] : "5") * 1e9);

	printf("ready\n");
	fflush(stdout);
	while (now_ns() < end) {
		spin_a(100000000);
		spin_b(40000000);
		spin_c(20000000);
		spin_lib(40000000);
	}
	return 0;
}
