// SPDX-License-Identifier: Apache-2.0
/* sonde-sleep: the off-CPU test's workload. Prints "ready", waits 1 s,
 * then blocks 15 x 100 ms in sleep_a and 5 x 100 ms in sleep_b
 * (interleaved), then 2.5 s at once in sleep_c (across the profiler's
 * drains: its stacks are saved before their buffer is cleared), and exits. The nanosleep is a syscall instruction of the
 * function's own: in libc's wrapper (no frame pointer) the caller's frame
 * would be skipped. */
#include <stdio.h>
#include <time.h>
#include <sys/syscall.h>

static void nap(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	long ret;

	__asm__ volatile("syscall" : "=a"(ret) : "0"(SYS_nanosleep), "D"(&ts), "S"(0) : "rcx", "r11", "memory");
}

#define SLEEPER(name)							\
	__attribute__((noinline)) void name(long ms)			\
	{								\
		struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L }; \
		long ret;						\
		__asm__ volatile("syscall" : "=a"(ret) : "0"(SYS_nanosleep), "D"(&ts), "S"(0) \
				 : "rcx", "r11", "memory");		\
	}
SLEEPER(sleep_a)
SLEEPER(sleep_b)
SLEEPER(sleep_c)

int main(void)
{
	printf("ready\n");
	fflush(stdout);
	nap(1000);
	for (int i = 0; i < 5; i++) {
		sleep_a(100);
		sleep_a(100);
		sleep_a(100);
		sleep_b(100);
	}
	sleep_c(2500);
	printf("done\n");
	return 0;
}
