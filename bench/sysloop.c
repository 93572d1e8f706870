// SPDX-License-Identifier: Apache-2.0
/* sysloop: the syscall-heavy workload the overhead benchmark runs.
 *
 * Usage: sysloop [N [CPU]]
 *   N    iterations (default 2000000); each makes 3 syscalls: getppid, a
 *        64-byte read of /dev/zero and a 64-byte write to /dev/null. They are
 *        cheap in the kernel, so any per-syscall tracing cost stands out.
 *   CPU  optional: pin to this CPU first, so the scheduler moving us between
 *        cores does not add noise.
 * Prints one number on stdout: wall-clock ns per syscall. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include <sys/syscall.h>

static double now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e9 + t.tv_nsec;
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 2000000;
	char buf[64];

	if (n <= 0) {
		fprintf(stderr, "usage: sysloop [N [CPU]]\n");
		return 2;
	}
	if (argc > 2) {
		cpu_set_t set;

		CPU_ZERO(&set);
		CPU_SET(atoi(argv[2]), &set);
		if (sched_setaffinity(0, sizeof(set), &set)) {
			perror("sysloop: sched_setaffinity");
			return 1;
		}
	}
	int zfd = open("/dev/zero", O_RDONLY), nfd = open("/dev/null", O_WRONLY);
	if (zfd < 0 || nfd < 0) {
		perror("sysloop: open");
		return 1;
	}

	double t0 = now_ns();
	for (long i = 0; i < n; i++) {
		/* syscall() rather than getppid(): no libc caching, always enters the kernel. */
		syscall(SYS_getppid);
		if (read(zfd, buf, sizeof(buf)) != sizeof(buf) ||
		    write(nfd, buf, sizeof(buf)) != sizeof(buf)) {
			perror("sysloop: read/write");
			return 1;
		}
	}
	printf("%.1f\n", (now_ns() - t0) / (3.0 * n));
	return 0;
}
