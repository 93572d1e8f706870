/* SPDX-License-Identifier: Apache-2.0 */
/* Kernel filesystems and limits the agent needs before loading programs. */
#ifndef SONDE_HOST_H
#define SONDE_HOST_H
#include <stddef.h>

/* Mounts tracefs and bpffs when missing; relaxes RLIMIT_MEMLOCK where
 * allowed. Failures are logged with their cause and are not fatal: the
 * features that need them are then reported unavailable. */
void host__prepare(void);
/* cgroup v2 directory -> cgroup id (its inode), or a negative errno. */
long long host__cgroup_id(const char *dir);
/* Whether this process may load and attach BPF programs: CAP_SYS_ADMIN
 * (root), or CAP_BPF and CAP_PERFMON (5.8+). 0, or -EPERM with a message a
 * person can act on in why. */
int host__check_privileges(char *why, size_t why_sz);
/* Where the cgroup v2 hierarchy is mounted: /sys/fs/cgroup/unified on
 * hybrid systems, /sys/fs/cgroup on most. 0, or -ENOENT when nowhere. */
int host__cgroup2_root(char *buf, size_t sz);
/* Moves this thread into the network namespace at path (/run/netns/NAME,
 * /proc/PID/ns/net); returns the fd of the one it was in, for
 * host__netns_leave, or a negative errno. */
int host__netns_enter(const char *path);
/* Back to the namespace saved (closes it); saved < 0: nothing to do. */
void host__netns_leave(int saved);
#endif
