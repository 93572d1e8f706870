// SPDX-License-Identifier: Apache-2.0
/* Workload for bench/enforce.sh: N of one call the enforcement programs
 * judge, as fast as one process can make them. Prints calls per second.
 *   enfloop exec N      fork + exec /bin/true, waited for
 *   enfloop open N      open + close of a file (read only)
 *   enfloop write N     open + close of a file for writing (PATH, default /tmp/enfloop.out)
 *   enfloop connect N   connect() of a UDP socket to 127.0.0.1:9 (no traffic) */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	long n = argc > 2 ? atol(argv[2]) : 1000;
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(9) };
	double t0;

	if (argc < 3) {
		fprintf(stderr, "usage: enfloop exec|open|write|connect N [PATH]\n");
		return 2;
	}
	inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
	t0 = now();
	for (long i = 0; i < n; i++) {
		if (!strcmp(argv[1], "exec")) {
			pid_t p = fork();

			if (p == 0) {
				execl("/bin/true", "true", (char *)NULL);
				_exit(127);
			}
			if (p < 0 || waitpid(p, NULL, 0) < 0)
				return 1;
		} else if (!strcmp(argv[1], "open") || !strcmp(argv[1], "write")) {
			int fd = argv[1][0] == 'o' ? open("/etc/hostname", O_RDONLY)
						   : open(argc > 3 ? argv[3] : "/tmp/enfloop.out",
							  O_WRONLY | O_CREAT, 0600);

			if (fd < 0)
				return 1;
			close(fd);
		} else {
			int s = socket(AF_INET, SOCK_DGRAM, 0);

			if (s < 0 || connect(s, (struct sockaddr *)&sa, sizeof(sa)))
				return 1;
			close(s);
		}
	}
	printf("%.0f\n", n / (now() - t0));
	return 0;
}
