// SPDX-License-Identifier: Apache-2.0
/* Test workload: makes exactly the syscalls it is told to, so tests can
 * assert the agent's counters against known numbers.
 *   sonde-sysload [--wait FIFO] getppid N | enoent N | ebadf N | eacces N | spin SECONDS
 *                 | tag WORD | exit CODE | files DIR
 * --wait blocks on FIFO before starting, so a test can learn the pid first. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <grp.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef RENAME_NOREPLACE
#define RENAME_NOREPLACE (1 << 0)
#endif

/* Where the architecture has them (x86_64), the legacy syscalls, so their
 * tracepoints are covered too; elsewhere the *at equivalents. */
static long sys_open(const char *p, int flags)
{
#ifdef SYS_open
	return syscall(SYS_open, p, flags, 0);
#else
	return syscall(SYS_openat, AT_FDCWD, p, flags, 0);
#endif
}

static long sys_unlink(const char *p)
{
#ifdef SYS_unlink
	return syscall(SYS_unlink, p);
#else
	return syscall(SYS_unlinkat, AT_FDCWD, p, 0);
#endif
}

static long sys_rmdir(const char *p)
{
#ifdef SYS_rmdir
	return syscall(SYS_rmdir, p);
#else
	return syscall(SYS_unlinkat, AT_FDCWD, p, AT_REMOVEDIR);
#endif
}

static long sys_rename(const char *a, const char *b)
{
#ifdef SYS_rename
	return syscall(SYS_rename, a, b);
#else
	return syscall(SYS_renameat2, AT_FDCWD, a, AT_FDCWD, b, 0);
#endif
}

static int failed;

/* check(what, ret, want_errno): want_errno 0 means the call must succeed. */
static long check(const char *what, long ret, int want)
{
	int e = errno;

	if (want ? (ret != -1 || e != want) : ret < 0) {
		fprintf(stderr, "sonde-sysload files: %s: got %ld (%s), want %s\n", what, ret,
			ret < 0 ? strerror(e) : "ok", want ? strerror(want) : "success");
		failed = 1;
	}
	return ret;
}

/* The files collector's test: in DIR (root-owned, 0755, holding "exists",
 * "a" and a root-only "secret"), exactly these calls, in this order. */
static int files(const char *dir)
{
	char p[4096];
	long fd;
	int dfd, st;
	pid_t c;

	snprintf(p, sizeof(p), "%s/exists", dir);
	if ((fd = check("open exists", sys_open(p, O_RDONLY), 0)) >= 0)
		close(fd);
	snprintf(p, sizeof(p), "%s/missing", dir);
	check("open missing", sys_open(p, O_RDONLY), ENOENT);
	if (check("chdir", chdir(dir), 0) < 0)
		return 1;
	fd = check("openat rel", syscall(SYS_openat, AT_FDCWD, "rel", O_WRONLY | O_CREAT | O_TRUNC, 0640), 0);
	if (fd >= 0)
		close(fd);
	dfd = check("open dir", open(dir, O_RDONLY | O_DIRECTORY), 0);
	if ((fd = check("openat dirfd exists", syscall(SYS_openat, dfd, "exists", O_RDONLY, 0), 0)) >= 0)
		close(fd);
	if (dfd >= 0)
		close(dfd);
	check("unlink rel", sys_unlink("rel"), 0);
	check("mkdir d", mkdir("d", 0755), 0);
	check("rmdir d", sys_rmdir("d"), 0);
	check("rename a b", sys_rename("a", "b"), 0);
	check("renameat2 b exists NOREPLACE",
	      syscall(SYS_renameat2, AT_FDCWD, "b", AT_FDCWD, "exists", RENAME_NOREPLACE), EEXIST);
	c = fork();
	if (c == 0) {
		if (setgroups(0, NULL) < 0 || setgid(65534) < 0 || setuid(65534) < 0) {
			perror("sonde-sysload files: setuid");
			_exit(1);
		}
		snprintf(p, sizeof(p), "%s/secret", dir);
		check("open secret as 65534", sys_open(p, O_RDONLY), EACCES);
		_exit(failed);
	}
	if (c < 0 || waitpid(c, &st, 0) != c || !WIFEXITED(st) || WEXITSTATUS(st)) {
		fprintf(stderr, "sonde-sysload files: the uid 65534 child failed\n");
		failed = 1;
	}
	return failed;
}

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
	} else if (!strcmp(what, "catmiss")) {
		/* n short-lived processes that exec cat on a missing file (it
		 * fails at once), up to 64 at a time: churn of exec + open. */
		char path[96];

		for (long i = 0; i < n;) {
			long batch = n - i < 64 ? n - i : 64;

			for (long b = 0; b < batch; b++, i++) {
				pid_t p = fork();

				if (p == 0) {
					snprintf(path, sizeof(path), "/nonexistent/sonde-catmiss-%d-%ld", getppid(), i);
					execl("/bin/cat", "cat", path, (char *)NULL);
					_exit(127);
				}
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
		ret = !strcmp(argv[i], "tag") ? 0 :
		      !strcmp(argv[i], "files") ? files(argv[i + 1]) :
		      /* one open of any path (the result does not matter) */
		      !strcmp(argv[i], "open") ? (close(open(argv[i + 1], O_RDONLY)), 0) :
		      run(argv[i], atol(argv[i + 1]));
	if (i < argc && !ret) {
		fprintf(stderr, "usage: sonde-sysload [--wait FIFO] WORKLOAD N ...\n");
		return 2;
	}
	return ret;
}
