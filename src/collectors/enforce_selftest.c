// SPDX-License-Identifier: Apache-2.0
/* The enforce collector's selftest: a policy that denies exec of a copy of
 * this binary and opening a guarded file for writing; children try both.
 * With BPF LSM both calls fail with EPERM; without it the children die by
 * SIGKILL at the tracepoint. Either way a policy event names the rule. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "collectors/enforce.h"
#include "core/collector.h"

#define EXIT_EPERM 77	/* the child saw EPERM */
#define EXIT_OTHER 78	/* the call failed otherwise, or went through */

static int copy_self(const char *to)
{
	int in = open("/proc/self/exe", O_RDONLY | O_CLOEXEC), out = -1, err = 0;
	struct stat st;

	if (in < 0 || fstat(in, &st))
		err = -errno;
	else if ((out = open(to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0700)) < 0)
		err = -errno;
	for (off_t off = 0; !err && off < st.st_size;)
		if (sendfile(out, in, &off, st.st_size - off) <= 0)
			err = errno ? -errno : -EIO;
	if (in >= 0)
		close(in);
	if (out >= 0)
		close(out);
	return err;
}

int enforce__selftest_policy(char *path, size_t path_sz, char *bin, size_t bin_sz, char *why,
			     size_t why_sz)
{
	char dir[] = "/tmp/sonde-enforce-XXXXXX", guarded[64];
	FILE *f;
	int err;

	if (!mkdtemp(dir)) {
		snprintf(why, why_sz, "selftest: mkdtemp: %s", strerror(errno));
		return -errno;
	}
	snprintf(bin, bin_sz, "%s/forbidden", dir);
	snprintf(guarded, sizeof(guarded), "%s/guarded", dir);
	snprintf(path, path_sz, "%s/policy.yaml", dir);
	err = copy_self(bin);
	if (err) {
		snprintf(why, why_sz, "selftest: copying this binary to %s: %s", bin, strerror(-err));
		return err;
	}
	f = fopen(path, "w");
	if (!f) {
		snprintf(why, why_sz, "selftest: %s: %s", path, strerror(errno));
		return -errno;
	}
	fprintf(f, "rules:\n"
		   "  - name: selftest-exec\n    event: exec\n    binary: %s\n    action: deny\n"
		   "  - name: selftest-open\n    event: open\n    path: %s\n    flags: [write]\n"
		   "    action: deny\n", bin, guarded);
	fclose(f);
	close(open(guarded, O_WRONLY | O_CREAT | O_CLOEXEC, 0600));
	return 0;
}

struct st_run {
	const char *bin;
	char guarded[160];
	int exec_status, open_status;
	bool saw_exec, saw_open;
};

static void st_event(void *ctx, const struct event *ev)
{
	struct st_run *st = ctx;
	const struct enf_payload *pl = ev->payload;

	if (!pl || !pl->rule)
		return;
	if (!strcmp(pl->rule, "selftest-exec"))
		st->saw_exec = true;
	else if (!strcmp(pl->rule, "selftest-open"))
		st->saw_open = true;
}

static int child_status(pid_t pid)
{
	int status = 0;

	if (pid < 0 || waitpid(pid, &status, 0) < 0)
		return -1;
	return status;
}

static void st_workload(void *ctx)
{
	struct st_run *st = ctx;
	pid_t pid;

	pid = fork();
	if (pid == 0) {
		char *const argv[] = { (char *)st->bin, "--version", NULL };
		int null = open("/dev/null", O_WRONLY);

		dup2(null, 1);
		dup2(null, 2);
		execv(st->bin, argv);
		_exit(errno == EPERM ? EXIT_EPERM : EXIT_OTHER);
	}
	st->exec_status = child_status(pid);
	pid = fork();
	if (pid == 0) {
		int fd = open(st->guarded, O_WRONLY | O_CLOEXEC);

		_exit(fd < 0 && errno == EPERM ? EXIT_EPERM : EXIT_OTHER);
	}
	st->open_status = child_status(pid);
}

static int st_done(void *ctx)
{
	const struct st_run *st = ctx;

	return st->saw_exec && st->saw_open;
}

static bool stopped_as(int status, bool lsm)
{
	if (status < 0)
		return false;
	return lsm ? WIFEXITED(status) && WEXITSTATUS(status) == EXIT_EPERM :
		     WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
}

static void describe(int status, char *buf, size_t sz)
{
	if (status < 0)
		snprintf(buf, sz, "not run");
	else if (WIFSIGNALED(status))
		snprintf(buf, sz, "killed by signal %d", WTERMSIG(status));
	else
		snprintf(buf, sz, "exit %d%s", WEXITSTATUS(status),
			 WEXITSTATUS(status) == EXIT_EPERM ? " (EPERM)" : "");
}

int enforce__selftest(struct collector *c, char *msg, size_t msg_sz)
{
	struct st_run st = { .bin = enforce__selftest_bin(c), .exec_status = -1, .open_status = -1 };
	bool lsm = c->hook && !strcmp(c->hook, "lsm");
	char a[48], b[48];
	const char *slash;
	int seen;

	if (!st.bin[0] || !(slash = strrchr(st.bin, '/'))) {
		snprintf(msg, msg_sz, "no selftest policy");
		return -EINVAL;
	}
	snprintf(st.guarded, sizeof(st.guarded), "%.*s/guarded", (int)(slash - st.bin), st.bin);
	seen = collector__watch(c, st_event, st_workload, st_done, &st, 1000);
	describe(st.exec_status, a, sizeof(a));
	describe(st.open_status, b, sizeof(b));
	if (!seen || !stopped_as(st.exec_status, lsm) || !stopped_as(st.open_status, lsm)) {
		snprintf(msg, msg_sz, "want %s: exec of the forbidden copy: %s, event %s; write open of "
			 "the guarded file: %s, event %s", lsm ? "EPERM" : "SIGKILL", a,
			 st.saw_exec ? "seen" : "missing", b, st.saw_open ? "seen" : "missing");
		return -EBADMSG;
	}
	snprintf(msg, msg_sz, "exec and a write open stopped (%s), each with its policy event",
		 lsm ? "EPERM from the LSM hooks" : "SIGKILL from the tracepoints");
	unlink(st.guarded);
	return 0;
}
