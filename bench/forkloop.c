// SPDX-License-Identifier: Apache-2.0
/* Event source for bench/events.sh: N processes, as fast as the machine
 * forks (and, with "exec", each execs /bin/true). Prints seconds taken. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 100000;
	int do_exec = argc > 2 && !strcmp(argv[2], "exec");
	struct timespec a, b;

	clock_gettime(CLOCK_MONOTONIC, &a);
	for (long i = 0; i < n;) {
		long batch = n - i < 256 ? n - i : 256;

		for (long k = 0; k < batch; k++, i++) {
			pid_t p = fork();

			if (p == 0) {
				if (do_exec)
					execl("/bin/true", "true", "bench-arg", (char *)NULL);
				_exit(0);
			}
			if (p < 0)
				return 1;
		}
		for (long k = 0; k < batch; k++)
			wait(NULL);
	}
	clock_gettime(CLOCK_MONOTONIC, &b);
	printf("%.3f\n", (b.tv_sec - a.tv_sec) + (b.tv_nsec - a.tv_nsec) / 1e9);
	return 0;
}
