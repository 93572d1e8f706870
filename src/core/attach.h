/* SPDX-License-Identifier: Apache-2.0 */
/* The attach set: every link and fd one owner (a collector, a `sonde run`
 * script) has in the kernel, whatever the hook kind, and the maps it
 * reads. Status, self-metrics and shutdown walk it. Programs come from a
 * bpf_object or are bare program fds (raw instructions loaded with
 * bpf_prog_load): both attach the same way, through the kernel's own
 * interfaces; only USDT needs libbpf's argument tables, so a bpf_program.
 *
 * An entry whose attach failed stays in the set with its reason, so that
 * `sonde status` can say which binary or interface refused it. */
#ifndef SONDE_ATTACH_H
#define SONDE_ATTACH_H
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "core/bpfmap.h"

struct bpf_program;
struct bpf_object;
struct features;

enum attach_kind {
	ATTACH_TRACEPOINT,	/* tracefs event: category/name */
	ATTACH_RAW_TP,		/* raw tracepoint by name */
	ATTACH_TP_BTF,		/* BTF-typed raw tracepoint: the target was set at load */
	ATTACH_UPROBE,		/* uprobe/uretprobe: binary + function or offset */
	ATTACH_USDT,		/* USDT probe: binary + provider + name (bpf_program only) */
	ATTACH_PERF_EVENT,	/* a sampling event on every online CPU, or one */
	ATTACH_TC,		/* sched_cls on an interface's ingress or egress */
	ATTACH_XDP,		/* XDP on an interface */
	ATTACH_CGROUP,		/* cgroup v2: sock_addr, sock_ops, skb, ... */
	ATTACH_SOCKET_FILTER,	/* a socket's filter (SO_ATTACH_BPF) */
	ATTACH_LSM,		/* BPF LSM: the hook was set at load (raw_tp.name for display) */
	ATTACH__COUNT,
};

/* Where to attach. Strings are copied. */
struct attach_spec {
	enum attach_kind kind;
	union {
		struct { const char *category, *name; } tp;
		struct { const char *name; } raw_tp;	/* raw_tp; tp_btf: name for display */
		struct {
			const char *path, *func;	/* func NULL: offset alone */
			uint64_t offset;		/* added to func's offset */
			bool retprobe;
			pid_t pid;			/* -1: every process */
		} uprobe;
		struct {
			const char *path, *provider, *name;
			pid_t pid;
			uint64_t cookie;
		} usdt;
		struct {
			uint32_t type;			/* PERF_TYPE_* */
			uint64_t config;
			uint64_t sample;		/* frequency (freq) or period */
			bool freq;
			int cpu;			/* -1: every online CPU */
			pid_t pid;			/* -1: every process */
		} perf;
		/* netns: the namespace the interface is in (a path:
		 * /run/netns/NAME, /proc/PID/ns/net); NULL: this one. */
		struct { int ifindex; bool egress; const char *netns; } tc;
		struct { int ifindex; uint32_t flags; const char *netns; } xdp;	/* XDP_FLAGS_{SKB,DRV}_MODE, 0: best */
		struct {
			const char *path;		/* cgroup v2 directory */
			int type;			/* enum bpf_attach_type */
		} cgroup;
		struct { int fd; } sock;		/* not owned */
	};
};

enum attach_state {
	ATTACH_ON,		/* attached */
	ATTACH_SUSPENDED,	/* detached on purpose, can resume */
	ATTACH_FAILED,		/* attach failed: see attach__why */
};

struct attach_set;
struct attach;

/* feat (may be NULL) says which kernel interfaces exist (BPF links for
 * perf events, tcx); without it the older ones are tried when the newer
 * fail. */
struct attach_set *attach_set__new(struct features *feat);
/* Detaches everything and frees the set; NULL-safe. */
void attach_set__free(struct attach_set *as);

/* Attaches prog (a bpf_program, or NULL with a loaded prog_fd and a name)
 * as spec says. Returns the entry, also when the attach failed (state
 * ATTACH_FAILED, attach__err and attach__why say why), or NULL with errno
 * set when out of memory. The set does not own prog or prog_fd. */
struct attach *attach_set__add(struct attach_set *as, const struct bpf_program *prog, int prog_fd,
			       const char *name, const struct attach_spec *spec);
/* Attaches every loaded program of obj whose autoattach is on, by its
 * section (tracepoint/CAT/NAME, raw_tp/NAME, tp_btf/NAME, lsm/NAME); others need a
 * target and an explicit attach_set__add. Returns 0 or the first error,
 * with the program and reason in why. */
int attach_set__add_object(struct attach_set *as, struct bpf_object *obj, char *why, size_t why_sz);
/* The spec a section name implies (the three kinds above); -EINVAL else.
 * Strings in spec point into buf. */
int attach_spec__from_section(const char *sec, struct attach_spec *spec, char *buf, size_t sz);

/* Forgets the n entries of v (uprobes on a library no process maps) and
 * detaches them on a thread of their own: each uprobe's detach waits for
 * RCU, which would stall the caller's loop. */
void attach_set__remove(struct attach_set *as, struct attach *const *v, unsigned n);
/* Detach without forgetting, and attach again (latency windows). */
int attach__suspend(struct attach *a);
int attach__resume(struct attach *a);

/* Walking the set, in the order entries were added. */
struct attach *attach_set__first(const struct attach_set *as);
struct attach *attach__next(const struct attach *a);
#define attach_set__for_each(a, as) for (a = attach_set__first(as); a; a = attach__next(a))

const char *attach__prog_name(const struct attach *a);
int attach__prog_fd(const struct attach *a);
enum attach_kind attach__kind(const struct attach *a);
enum attach_state attach__state(const struct attach *a);
/* Human form of the target: "tp_btf/sys_exit", "uprobe /lib/x.so:SSL_read",
 * "xdp ifindex 3 (native)", ... */
const char *attach__target(const struct attach *a);
int attach__err(const struct attach *a);	/* 0, or the failed attach's -errno */
const char *attach__why(const struct attach *a);	/* "" unless failed */
/* Kernel objects behind the entry: perf events per CPU count each. */
unsigned attach__nlinks(const struct attach *a);
const char *attach_kind__name(enum attach_kind k);

/* Maps the owner reads (for self-metrics and status); fds not owned. */
int attach_set__add_map(struct attach_set *as, const char *name, int fd);
/* Every map of obj but libbpf's internal ones (.rodata, .bss, ...). */
int attach_set__add_object_maps(struct attach_set *as, struct bpf_object *obj);
struct attach_map {
	const char *name;
	int fd;
	struct bpfmap bm;	/* its type and sizes, read once when added */
};
/* The i-th map, or NULL past the end. */
const struct attach_map *attach_set__map(const struct attach_set *as, unsigned i);
#endif
