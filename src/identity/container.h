/* SPDX-License-Identifier: Apache-2.0 */
/* Container identity from a cgroup v2 path: docker, containerd/CRI,
 * CRI-O, podman, LXC, under cgroupfs or systemd drivers, and the
 * Kubernetes pod UID. A pure parser of untrusted text (fuzzed). */
#ifndef SONDE_CONTAINER_H
#define SONDE_CONTAINER_H
#include <stddef.h>

struct container_ref {
	char runtime[16];	/* "docker", "containerd", "crio", "podman", "lxc", "cri" */
	char id[65];		/* the container id (64 hex), or the LXC name */
	char pod_uid[37];	/* Kubernetes pod UID, dashed; "" when none */
};

/* Returns 0 when the path names a container (ref filled; pod_uid may be
 * set alone for a pod's own cgroup, then -ENOENT), -ENOENT otherwise. */
int container__parse(const char *cgroup_path, struct container_ref *ref);
/* The cgroup v2 path of pid from /proc/PID/cgroup ("0::/path"). */
int container__cgroup_of(int pid, char *path, size_t sz);
/* The cgroup v2 path (relative to the cgroup2 mount) of cgroup id (its
 * directory's inode), found by walking the hierarchy: works after the
 * processes in it are gone. */
int container__cgroup_by_id(unsigned long long id, char *path, size_t sz);
#endif
