/* SPDX-License-Identifier: GPL-2.0-only */
/* Directory paths from dentries, for programs that may not call
 * bpf_d_path() (tracepoints): the cwd of a process, the directory a dirfd
 * names. Included by the objects that need it; each gets its own copy. */
#ifndef SONDE_DPATH_BPF_H
#define SONDE_DPATH_BPF_H
#include "sonde.bpf.h"

#define DPATH_MAX	4096	/* bytes with the NUL, as PATH_MAX */
#define DPATH_DEPTH	32	/* directory levels walked up */
#define DPATH_NAME_MAX	255

struct dpath_buf {
	const unsigned char *names[DPATH_DEPTH];
	/* One name's worth of slack: writes at masked offsets stay inside. */
	char s[DPATH_MAX + DPATH_NAME_MAX + 1];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct dpath_buf);
} dpath_bufs SEC(".maps");

/* Records the names from the dentry at path_ptr (a struct path *: a
 * global function on 5.10 takes scalars only) up to the root of the mount
 * namespace, crossing mounts, leaf first in this CPU's dpath_buf. Returns
 * how many, or -1 if it could not be read or is deeper than DPATH_DEPTH.
 *
 * A global function: the verifier checks it once, not once per caller
 * state (inlined into callers it exceeded 1M insns). One name per
 * iteration whatever the mounts (paths that differ in how far they got
 * would not prune). */
#define DPATH_PARENT_OFF bpf_core_field_offset(struct dentry, d_parent)
/* Bytes between the end of d_parent and d_name.name (8: the hash_len). */
#define DPATH_NAME_GAP	 (bpf_core_field_offset(struct dentry, d_name.name) - DPATH_PARENT_OFF - 8)

__noinline int sonde_dpath_walk(__u64 path_ptr)
{
	struct path *p = (struct path *)path_ptr;
	struct dentry *d, *parent, *root;
	struct vfsmount *vm;
	struct mount *m, *up;
	struct dpath_buf *b;
	__u32 zero = 0;

	b = bpf_map_lookup_elem(&dpath_bufs, &zero);
	if (!p || !b)
		return -1;
	d = BPF_CORE_READ(p, dentry);
	vm = BPF_CORE_READ(p, mnt);
	root = BPF_CORE_READ(vm, mnt_root);
	m = (void *)vm - bpf_core_field_offset(struct mount, mnt);
	/* Each kernel read costs tens of ns: the mount's root is read once
	 * per mount, not per level. */
	for (int i = 0; i < DPATH_DEPTH; i++) {
		/* At a mount's root, go on from where it is mounted (twice:
		 * a mount may sit on another's root). */
		for (int hop = 0; hop < 2; hop++) {
			if (d != root)
				break;
			up = BPF_CORE_READ(m, mnt_parent);
			if (up == m)
				break;	/* the namespace's root */
			d = BPF_CORE_READ(m, mnt_mountpoint);
			m = up;
			vm = &up->mnt;
			root = BPF_CORE_READ(vm, mnt_root);
		}
		if (d == root)
			return i;
		/* d_parent and d_name.name in one read: they sit 16 bytes
		 * apart (d_name's hash_len between them) in every kernel. */
		if (DPATH_NAME_GAP <= 8) {
			__u64 two[3];

			if (bpf_probe_read_kernel(two, sizeof(two), (void *)d + DPATH_PARENT_OFF))
				return -1;
			parent = (struct dentry *)two[0];
			b->names[i & (DPATH_DEPTH - 1)] = (const unsigned char *)two[(DPATH_NAME_GAP / 8 + 1) & 3];
		} else {
			parent = BPF_CORE_READ(d, d_parent);
			b->names[i & (DPATH_DEPTH - 1)] = BPF_CORE_READ(d, d_name.name);
		}
		if (parent == d)
			return i;
		d = parent;
	}
	return -1;
}

/* Writes the directory at path_ptr (sonde_dpath_walk) into this CPU's
 * dpath_buf, leaf first ("d/parent/.../top", "" for the root): what the
 * user side reverses. Returns the length with the NUL, or 0 if unknown.
 * The copy has no branch but its end. */
__noinline int sonde_dpath(__u64 path_ptr)
{
	int depth = sonde_dpath_walk(path_ptr);
	struct dpath_buf *b;
	__u32 zero = 0, off = 0;

	b = bpf_map_lookup_elem(&dpath_bufs, &zero);
	if (depth < 0 || !b)
		return 0;
	for (int j = 0; j < DPATH_DEPTH && j < depth; j++) {
		long n;

		if (off > DPATH_MAX - DPATH_NAME_MAX - 2)
			return 0;	/* longer than a path may be */
		n = bpf_probe_read_kernel_str(b->s + (off & (DPATH_MAX - 1)), DPATH_NAME_MAX + 1,
					      b->names[j & (DPATH_DEPTH - 1)]);
		if (n <= 0)
			return 0;
		off += n;
		b->s[(off - 1) & (DPATH_MAX - 1)] = '/';
	}
	if (!off)
		off++;	/* the root: "" */
	b->s[(off - 1) & (DPATH_MAX - 1)] = '\0';
	return off;
}

#ifdef SONDE_DPATH_ABS
/* The absolute path at path_ptr, root first ("/usr/bin/nc"), as policies
 * name files: into this CPU's dpath_buf, at most max bytes with the NUL
 * (longer ones are cut: prefixes still match them). Returns the length
 * with the NUL (max: it may have been cut), or 0 if unknown. */
__noinline int sonde_dpath_abs(__u64 path_ptr, __u32 max)
{
	int depth = sonde_dpath_walk(path_ptr);
	struct dpath_buf *b;
	__u32 zero = 0, off = 0;

	b = bpf_map_lookup_elem(&dpath_bufs, &zero);
	if (depth < 0 || !b || max < 2 || max > DPATH_MAX - DPATH_NAME_MAX - 2)
		return 0;
	/* Top down; k counts, so the verifier follows one state per level. */
	for (int k = 0; k < DPATH_DEPTH; k++) {
		__u32 j = (depth - 1 - k) & (DPATH_DEPTH - 1);
		long n;

		if (k >= depth || off + 1 >= max)
			break;
		b->s[off & (DPATH_MAX - 1)] = '/';
		off++;
		n = bpf_probe_read_kernel_str(b->s + (off & (DPATH_MAX - 1)), DPATH_NAME_MAX + 1,
					      b->names[j]);
		if (n <= 0)
			return 0;
		off += n - 1;
	}
	if (!off)
		b->s[off++] = '/';	/* the root */
	if (off + 1 >= max) {
		b->s[(max - 1) & (DPATH_MAX - 1)] = '\0';
		return max;	/* max: maybe cut, never an exact match */
	}
	b->s[off & (DPATH_MAX - 1)] = '\0';
	return off + 1;
}
#endif

/* Copies the directory at p (sonde_dpath) to dst, which has DPATH_MAX
 * bytes; returns the length with the NUL, 0 if unknown. */
static __always_inline __u32 dpath_read(char *dst, struct path *p)
{
	__u32 zero = 0, len = sonde_dpath((__u64)p);
	struct dpath_buf *b = bpf_map_lookup_elem(&dpath_bufs, &zero);

	len &= 2 * DPATH_MAX - 1;
	if (!b || !len || len > DPATH_MAX || bpf_probe_read_kernel(dst, len, b->s))
		return 0;
	return len;
}

/* The directory a relative path of task starts from: its cwd
 * (dfd == AT_FDCWD, -100) or the directory dfd names; NULL if none. */
static __always_inline struct path *task_dir(struct task_struct *task, int dfd)
{
	struct file **fds, *f = NULL;
	struct fs_struct *fs;
	struct fdtable *fdt;

	/* vmlinux.h types relocate field addresses as well as reads. */
	if (dfd == -100) {
		fs = BPF_CORE_READ(task, fs);
		return fs ? &fs->pwd : NULL;
	}
	fdt = BPF_CORE_READ(task, files, fdt);
	if (dfd < 0 || dfd >= BPF_CORE_READ(fdt, max_fds))
		return NULL;
	fds = BPF_CORE_READ(fdt, fd);
	if (bpf_probe_read_kernel(&f, sizeof(f), &fds[dfd]) || !f)
		return NULL;
	return (struct path *)&f->f_path;
}
#endif
