/* Test workload: makes exactly the syscalls it is told to, so tests can
 * assert the agent's counters against known numbers.
 *   sonde-sysload [--wait FIFO] getppid N | enoent N | ebadf N | eacces N | spin SECONDS
 *                 | tag WORD | exit CODE
 * --wait blocks on FIFO before starting, so a test can learn the pid first. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>

static int run(const char *what, long n)
{
	if (!strcmp(what, "getppid")) {
		for (long i = 0; i < n; i++)
			syscall(SYS_getppid);
	} else if (!strcmp(what, "enoent")) {
		for (long i = 0; i < n; i++)
			if (syscall(SYS_openat, AT_FDCWD, "/nonexistent/sonde-test", O_RDONLY) >= 0 ||
			    errno != ENOENT)
				return 1;
	} else if (!strcmp(what, "ebadf")) {
		for (long i = 0; i < n; i++)
			if (syscall(SYS_close, 1000000) == 0 || errno != EBADF)
				return 1;
	} else if (!strcmp(what, "eacces")) {
		/* /proc/1/mem is root-only to open for writing by non-owners;
		 * callers run this as a non-root user. */
		for (long i = 0; i < n; i++)
			if (syscall(SYS_openat, AT_FDCWD, "/etc/shadow", O_RDONLY) >= 0 || errno != EACCES)
				return 1;
	} else if (!strcmp(what, "forks")) {
		/* As fast as the machine forks: children exit at once and are
		 * reaped in batches so the pid space never fills. */
		for (long i = 0; i < n;) {
			long batch = n - i < 256 ? n - i : 256;

			for (long b = 0; b < batch; b++, i++) {
				pid_t p = fork();

				if (p == 0)
					_exit(0);
				if (p < 0)
					return 1;
			}
			for (long b = 0; b < batch; b++)
				wait(NULL);
		}
	} else if (!strcmp(what, "exit")) {
		exit((int)n);
	} else if (!strcmp(what, "tag")) {
		/* an argv marker for the test; does nothing */
	} else if (!strcmp(what, "spin")) {
		time_t end = time(NULL) + n;

		while (time(NULL) < end)
			for (int i = 0; i < 1000; i++)
				syscall(SYS_getppid);
	} else {
		fprintf(stderr, "sonde-sysload: unknown workload '%s'\n", what);
		return 2;
	}
	return 0;
}

int main(int argc, char **argv)
{
	int i = 1, ret = 0;

	if (argc > 2 && !strcmp(argv[1], "--wait")) {
		char c;
		int fd = open(argv[2], O_RDONLY);

		if (fd < 0 || read(fd, &c, 1) < 0) {
			perror("sonde-sysload: --wait");
			return 2;
		}
		close(fd);
		i = 3;
	}
	for (; i + 1 < argc && !ret; i += 2)
		ret = strcmp(argv[i], "tag") ? run(argv[i], atol(argv[i + 1])) : 0;
	if (i < argc && !ret) {
		fprintf(stderr, "usage: sonde-sysload [--wait FIFO] WORKLOAD N ...\n");
		return 2;
	}
	return ret;
}
