// SPDX-License-Identifier: Apache-2.0
#include <ctype.h>
#include <ftw.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include "identity/container.h"

static bool all_hex(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isxdigit((unsigned char)s[i]))
			return false;
	return true;
}

/* A Kubernetes pod UID: 36 chars, dashes (cgroupfs) or underscores (systemd). */
static bool take_pod(const char *c, size_t n, char *out)
{
	const char *p = NULL;

	for (size_t i = 0; i + 3 <= n; i++)
		if (!memcmp(c + i, "pod", 3))
			p = c + i + 3;
	if (!p || (size_t)(c + n - p) < 36)
		return false;
	for (int i = 0; i < 36; i++) {
		char ch = p[i];
		bool dash = i == 8 || i == 13 || i == 18 || i == 23;

		if (dash ? (ch != '-' && ch != '_') : !isxdigit((unsigned char)ch))
			return false;
	}
	for (int i = 0; i < 36; i++)
		out[i] = p[i] == '_' ? '-' : p[i];
	out[36] = '\0';
	return true;
}

static const struct {
	const char *prefix, *runtime;
} prefixes[] = {
	{ "docker-", "docker" },
	{ "cri-containerd-", "containerd" },
	{ "containerd-", "containerd" },
	{ "crio-", "crio" },
	{ "libpod-", "podman" },
};

/* One path component: "<prefix><64 hex>[.scope]" or a bare 64-hex id. */
static bool take_id(const char *c, size_t n, const char *parent, size_t pn,
		    struct container_ref *ref)
{
	const char *runtime = NULL;

	if (n > 6 && !memcmp(c + n - 6, ".scope", 6))
		n -= 6;
	if (memmem(c, n, "conmon", 6))	/* CRI-O/podman monitors, not containers */
		return false;
	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
		size_t pl = strlen(prefixes[i].prefix);

		if (n > pl && !memcmp(c, prefixes[i].prefix, pl)) {
			runtime = prefixes[i].runtime;
			c += pl;
			n -= pl;
			break;
		}
	}
	if (n != 64 || !all_hex(c, n))
		return false;
	if (!runtime)
		runtime = pn == 6 && !memcmp(parent, "docker", 6) ? "docker" : "cri";
	snprintf(ref->runtime, sizeof(ref->runtime), "%s", runtime);
	memcpy(ref->id, c, 64);
	ref->id[64] = '\0';
	return true;
}

int container__parse(const char *path, struct container_ref *ref)
{
	const char *comp[64];
	size_t len[64], n = 0;
	bool found = false;

	memset(ref, 0, sizeof(*ref));
	if (!path)
		return -ENOENT;
	for (const char *p = path; *p && n < 64;) {
		const char *s = p;

		while (*p && *p != '/')
			p++;
		if (p > s) {
			comp[n] = s;
			len[n++] = p - s;
		}
		while (*p == '/')
			p++;
	}
	/* The innermost container wins (nested runtimes). */
	for (size_t i = n; i-- > 0 && !found;) {
		if (take_id(comp[i], len[i], i ? comp[i - 1] : "", i ? len[i - 1] : 0, ref)) {
			found = true;
		} else if (len[i] > 12 && !memcmp(comp[i], "lxc.payload.", 12)) {
			snprintf(ref->runtime, sizeof(ref->runtime), "lxc");
			snprintf(ref->id, sizeof(ref->id), "%.*s", (int)(len[i] - 12 > 64 ? 64 : len[i] - 12),
				 comp[i] + 12);
			found = true;
		}
	}
	for (size_t i = 0; i < n; i++)
		if (take_pod(comp[i], len[i], ref->pod_uid))
			break;
	return found ? 0 : -ENOENT;
}

static const char *cgroup2_root(void)
{
	static const char *const roots[] = { "/sys/fs/cgroup", "/sys/fs/cgroup/unified" };
	struct statfs st;

	for (unsigned i = 0; i < 2; i++)
		if (!statfs(roots[i], &st) && st.f_type == 0x63677270 /* CGROUP2_SUPER_MAGIC */)
			return roots[i];
	return NULL;
}

static unsigned long long want_ino;
static char *found_path;
static size_t found_sz;
static size_t root_len;

static int walk_fn(const char *fpath, const struct stat *sb, int flag, struct FTW *ftw)
{
	if (flag != FTW_D || sb->st_ino != want_ino)
		return 0;
	snprintf(found_path, found_sz, "%s", fpath[root_len] ? fpath + root_len : "/");
	return 1;
}

int container__cgroup_by_id(unsigned long long id, char *path, size_t sz)
{
	const char *root = cgroup2_root();

	if (!root)
		return -ENOENT;
	want_ino = id;
	found_path = path;
	found_sz = sz;
	root_len = strlen(root);
	/* Depth-limited by nftw's fd budget; cgroup trees are shallow. */
	return nftw(root, walk_fn, 16, FTW_PHYS | FTW_MOUNT) == 1 ? 0 : -ENOENT;
}

int container__cgroup_of(int pid, char *path, size_t sz)
{
	char file[64], line[4096];
	FILE *f;
	int err = -ENOENT;

	snprintf(file, sizeof(file), "/proc/%d/cgroup", pid);
	f = fopen(file, "r");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "0::", 3)) {
			line[strcspn(line, "\n")] = '\0';
			snprintf(path, sz, "%s", line + 3);
			err = 0;
			break;
		}
	}
	fclose(f);
	return err;
}
