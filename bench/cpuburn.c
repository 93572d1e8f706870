// SPDX-License-Identifier: Apache-2.0
/* cpuburn THREADS SECONDS: a CPU-bound workload (a few functions deep, with
 * frame pointers) on THREADS threads; prints the total iterations done,
 * the throughput the profiler benchmark compares. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double secs;
static volatile int stop;
static volatile unsigned long sink;	/* keeps the work from being optimized away */

__attribute__((noinline)) static unsigned long leaf(unsigned long x)
{
	for (int i = 0; i < 1000; i++)
		x = x * 6364136223846793005UL + 1442695040888963407UL;
	return x;
}

__attribute__((noinline)) static unsigned long mid(unsigned long x)
{
	return leaf(x) ^ leaf(x + 1);
}

static void *run(void *arg)
{
	unsigned long n = 0, x = (unsigned long)arg;

	while (!stop) {
		x = mid(x);
		n++;
	}
	sink = x;
	*(unsigned long *)arg = n;
	return NULL;
}

int main(int argc, char **argv)
{
	int nt = argc > 1 ? atoi(argv[1]) : 2;
	struct timespec ts;
	pthread_t th[64];
	unsigned long counts[64], total = 0;

	secs = argc > 2 ? atof(argv[2]) : 3;
	if (nt < 1 || nt > 64)
		return 2;
	for (int i = 0; i < nt; i++) {
		counts[i] = i + 1;
		pthread_create(&th[i], NULL, run, &counts[i]);
	}
	ts.tv_sec = (time_t)secs;
	ts.tv_nsec = (long)((secs - ts.tv_sec) * 1e9);
	nanosleep(&ts, NULL);
	stop = 1;
	for (int i = 0; i < nt; i++) {
		pthread_join(th[i], NULL);
		total += counts[i];
	}
	printf("%lu\n", total);
	return 0;
}
