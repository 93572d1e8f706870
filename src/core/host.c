// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <linux/capability.h>
#include <stdbool.h>
#include <sys/syscall.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>
#include "core/log.h"
#include "core/host.h"

#ifndef BPF_FS_MAGIC
#define BPF_FS_MAGIC 0xcafe4a11
#endif
#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC 0x63677270
#endif
#ifndef TRACEFS_MAGIC
#define TRACEFS_MAGIC 0x74726163
#endif

static bool is_fs(const char *path, long magic)
{
	struct statfs st;

	return !statfs(path, &st) && st.f_type == magic;
}

static void mount_tracefs(void)
{
	/* libbpf looks in /sys/kernel/debug/tracing first, then here. By the
	 * mount, not its contents: a non-root user may not read them. */
	if (is_fs("/sys/kernel/tracing", TRACEFS_MAGIC) ||
	    is_fs("/sys/kernel/debug/tracing", TRACEFS_MAGIC))
		return;
	if (mount("tracefs", "/sys/kernel/tracing", "tracefs", 0, NULL))
		pr_warn("cannot mount tracefs on /sys/kernel/tracing: %s; classic tracepoints "
			"will be unavailable (raw_tp/tp_btf still work)", strerror(errno));
	else
		pr_info("mounted tracefs on /sys/kernel/tracing");
}

static void mount_bpffs(void)
{
	struct statfs st;

	if (!statfs("/sys/fs/bpf", &st) && st.f_type == BPF_FS_MAGIC)
		return;
	if (mount("bpf", "/sys/fs/bpf", "bpf", 0, NULL))
		pr_debug("cannot mount bpffs on /sys/fs/bpf: %s (only pinning needs it)",
			 strerror(errno));
	else
		pr_info("mounted bpffs on /sys/fs/bpf");
}

void host__prepare(void)
{
	struct rlimit r = { RLIM_INFINITY, RLIM_INFINITY };

	mount_tracefs();
	mount_bpffs();
	/* Kernels 5.11+ charge BPF memory to the memory cgroup, so a refused
	 * RLIMIT_MEMLOCK (no CAP_SYS_RESOURCE) is harmless there. */
	if (setrlimit(RLIMIT_MEMLOCK, &r))
		pr_debug("setrlimit(RLIMIT_MEMLOCK): %s (fine on memcg-accounted kernels)",
			 strerror(errno));
}

long long host__cgroup_id(const char *dir)
{
	struct statfs sf;
	struct stat st;

	if (statfs(dir, &sf) || stat(dir, &st))
		return -errno;
	if (sf.f_type != CGROUP2_SUPER_MAGIC)
		return -ENOTDIR;
	return st.st_ino;
}

int host__check_privileges(char *why, size_t why_sz)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2] = {};
	bool bpf, perfmon;

	if (syscall(SYS_capget, &h, d)) {
		snprintf(why, why_sz, "cannot read this process's capabilities: %s", strerror(errno));
		return -EPERM;
	}
#define HAS(cap) (d[(cap) / 32].effective & (1u << ((cap) % 32)))
	/* CAP_SYS_ADMIN alone covers BPF and perf events; CAP_BPF with
	 * CAP_PERFMON covers them too (only mounting then fails). */
	bpf = HAS(39 /* CAP_BPF */);
	perfmon = HAS(38 /* CAP_PERFMON */);
	if (HAS(CAP_SYS_ADMIN) || (bpf && perfmon))
		return 0;
#undef HAS
	snprintf(why, why_sz, "sonde needs root, or the capabilities CAP_BPF, CAP_PERFMON and "
		 "CAP_SYS_ADMIN, to load BPF programs; this process (uid %u) has %s. Run it with sudo, "
		 "or grant them: setcap cap_bpf,cap_perfmon,cap_sys_admin+ep <path to sonde>",
		 getuid(), bpf ? "CAP_BPF only" : perfmon ? "CAP_PERFMON only" : "none of them");
	return -EPERM;
}

int host__cgroup2_root(char *buf, size_t sz)
{
	static const char *const roots[] = { "/sys/fs/cgroup/unified", "/sys/fs/cgroup" };
	struct statfs sf;

	for (unsigned i = 0; i < 2; i++) {
		if (!statfs(roots[i], &sf) && sf.f_type == CGROUP2_SUPER_MAGIC) {
			snprintf(buf, sz, "%s", roots[i]);
			return 0;
		}
	}
	return -ENOENT;
}

int host__netns_enter(const char *path)
{
	int saved = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC), fd, err;

	if (saved < 0)
		return -errno;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || setns(fd, CLONE_NEWNET)) {
		err = -errno;
		if (fd >= 0)
			close(fd);
		close(saved);
		return err;
	}
	close(fd);
	return saved;
}

void host__netns_leave(int saved)
{
	if (saved < 0)
		return;
	if (setns(saved, CLONE_NEWNET))
		pr_warn("could not return to the agent's network namespace: %s", strerror(errno));
	close(saved);
}
