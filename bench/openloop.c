// SPDX-License-Identifier: Apache-2.0
/* Event source for bench/events.sh MODE=open: one process opening a path
 * that does not exist, N times, as fast as it can (each a failed openat,
 * ENOENT, so nothing is left open). Prints seconds taken.
 *   openloop N [PATH [RATE]]   PATH default /nonexistent/sonde-bench-open;
 *                              RATE: calls per second (0: as fast as it can) */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 1000000;
	const char *path = argc > 2 ? argv[2] : "/nonexistent/sonde-bench-open";
	double rate = argc > 3 ? atof(argv[3]) : 0;
	struct timespec a, b, now;

	clock_gettime(CLOCK_MONOTONIC, &a);
	for (long i = 0; i < n; i++) {
		/* Paced: every 256 calls, wait until the schedule catches up. */
		while (rate > 0 && !(i & 255)) {
			clock_gettime(CLOCK_MONOTONIC, &now);
			if ((now.tv_sec - a.tv_sec) + (now.tv_nsec - a.tv_nsec) / 1e9 >= i / rate)
				break;
		}
		if (syscall(SYS_openat, AT_FDCWD, path, O_RDONLY) >= 0 || errno != ENOENT) {
			fprintf(stderr, "openloop: %s: expected ENOENT\n", path);
			return 1;
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &b);
	printf("%.3f\n", (b.tv_sec - a.tv_sec) + (b.tv_nsec - a.tv_nsec) / 1e9);
	return 0;
}
