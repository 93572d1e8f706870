// SPDX-License-Identifier: Apache-2.0
/* Attaching by program fd through the kernel's interfaces: perf_event_open
 * for tracepoints, uprobes and sampling (with a BPF link where the kernel
 * has perf links, 5.15+, else PERF_EVENT_IOC_SET_BPF), raw tracepoint
 * opens, BPF links for XDP and cgroups, tcx links for tc (6.6+) else a
 * clsact filter over netlink, and SO_ATTACH_BPF. */
#include <errno.h>
#include <fcntl.h>
#include <linux/perf_event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/if_link.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "core/attach_priv.h"
#include "core/features.h"
#include "core/host.h"
#include "lib/elfsym.h"

static long perf_open(struct perf_event_attr *a, pid_t pid, int cpu)
{
	return syscall(__NR_perf_event_open, a, pid, cpu, -1, PERF_FLAG_FD_CLOEXEC);
}

/* Whether an interface is known to be there (1), missing (0) or unknown (-1). */
static int has(const struct attach_set *as, enum feature_id id)
{
	return as->feat ? features__has(as->feat, id) : -1;
}

/* Program on a perf event: a BPF link (closing it detaches), or on older
 * kernels the event itself carries the program. fds[2*i] is the event,
 * fds[2*i+1] the link or -1. */
static int perf_attach(struct attach *a, int pfd, unsigned i)
{
	int lfd = -1, err;

	if (has(a->set, FEAT_PERF_LINK) != 0) {
		lfd = bpf_link_create(a->prog_fd, pfd, BPF_PERF_EVENT, NULL);
		if (lfd >= 0 || has(a->set, FEAT_PERF_LINK) == 1) {
			a->fds[2 * i] = pfd;
			a->fds[2 * i + 1] = lfd;
			return lfd >= 0 ? 0 : -errno;
		}
	}
	if (ioctl(pfd, PERF_EVENT_IOC_SET_BPF, a->prog_fd) || ioctl(pfd, PERF_EVENT_IOC_ENABLE, 0)) {
		err = -errno;
		close(pfd);
		return err;
	}
	a->fds[2 * i] = pfd;
	a->fds[2 * i + 1] = -1;
	return 0;
}

static int read_int_file(const char *path, long *v)
{
	char buf[32];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -EINVAL;
	buf[n] = '\0';
	*v = strtol(buf, NULL, 10);
	return 0;
}

/* The event id from tracefs, wherever it is mounted (libbpf looks under
 * debugfs first; so do we, to agree with it). */
static int tracepoint_id(const char *cat, const char *name, long *id)
{
	static const char *const roots[] = { "/sys/kernel/debug/tracing", "/sys/kernel/tracing" };
	char path[512];
	int err = -ENOENT;

	for (unsigned i = 0; i < 2 && err; i++) {
		snprintf(path, sizeof(path), "%s/events/%s/%s/id", roots[i], cat, name);
		err = read_int_file(path, id);
	}
	return err;
}

static int alloc_fds(struct attach *a, unsigned n)
{
	a->fds = malloc(n * sizeof(int));
	if (!a->fds)
		return -ENOMEM;
	for (unsigned i = 0; i < n; i++)
		a->fds[i] = -1;
	a->nfds = n;
	return 0;
}

static int attach_tracepoint(struct attach *a)
{
	struct perf_event_attr pa = { .type = PERF_TYPE_TRACEPOINT, .size = sizeof(pa),
				      .sample_period = 1, .wakeup_events = 1 };
	long id, pfd;
	int err = tracepoint_id(a->spec.tp.category, a->spec.tp.name, &id);

	if (err) {
		snprintf(a->why, sizeof(a->why), "no tracepoint %s/%s in tracefs (%s)",
			 a->spec.tp.category, a->spec.tp.name, strerror(-err));
		return err;
	}
	pa.config = id;
	if (alloc_fds(a, 2))
		return -ENOMEM;
	/* Tracepoints fire on every CPU: one event, on CPU 0, is enough. */
	pfd = perf_open(&pa, -1, 0);
	return pfd < 0 ? -errno : perf_attach(a, pfd, 0);
}

static int uprobe_pmu(long *type, int *ret_bit)
{
	char buf[64] = "";
	int fd, err = read_int_file("/sys/bus/event_source/devices/uprobe/type", type);

	if (err)
		return err;
	fd = open("/sys/bus/event_source/devices/uprobe/format/retprobe", O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		if (read(fd, buf, sizeof(buf) - 1) < 0)
			buf[0] = '\0';
		close(fd);
	}
	*ret_bit = sscanf(buf, "config:%d", ret_bit) == 1 ? *ret_bit : 0;
	return 0;
}

static int attach_uprobe(struct attach *a)
{
	struct perf_event_attr pa = { .size = sizeof(pa) };
	uint64_t off = 0;
	long type, pfd;
	int bit, err;

	if (a->spec.uprobe.func) {
		err = elfsym__file_func_offset(a->spec.uprobe.path, a->spec.uprobe.func, &off, a->why,
					       sizeof(a->why));
		if (err)
			return err;
	}
	err = uprobe_pmu(&type, &bit);
	if (err) {
		snprintf(a->why, sizeof(a->why), "no uprobe PMU (CONFIG_UPROBE_EVENTS): %s",
			 strerror(-err));
		return err;
	}
	pa.type = type;
	pa.config = a->spec.uprobe.retprobe ? 1ULL << bit : 0;
	pa.config1 = (uint64_t)(uintptr_t)a->spec.uprobe.path;
	pa.config2 = off + a->spec.uprobe.offset;
	if (alloc_fds(a, 2))
		return -ENOMEM;
	pfd = perf_open(&pa, a->spec.uprobe.pid, a->spec.uprobe.pid == -1 ? 0 : -1);
	return pfd < 0 ? -errno : perf_attach(a, pfd, 0);
}

static int attach_usdt(struct attach *a)
{
	LIBBPF_OPTS(bpf_usdt_opts, o, .usdt_cookie = a->spec.usdt.cookie);

	if (!a->prog) {
		snprintf(a->why, sizeof(a->why),
			 "USDT needs a program from a BPF object (libbpf's argument tables)");
		return -EOPNOTSUPP;
	}
	a->link = bpf_program__attach_usdt(a->prog, a->spec.usdt.pid, a->spec.usdt.path,
					   a->spec.usdt.provider, a->spec.usdt.name, &o);
	return a->link ? 0 : -errno;
}

/* CPUs in "0-3,6" form, from sysfs. */
static int online_cpus(bool *cpus, int max)
{
	char buf[1024];
	int fd = open("/sys/devices/system/cpu/online", O_RDONLY | O_CLOEXEC), n = 0;
	ssize_t len;

	if (fd < 0)
		return -errno;
	len = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (len <= 0)
		return -EINVAL;
	buf[len] = '\0';
	for (char *p = buf; *p && *p != '\n';) {
		char *end;
		long lo = strtol(p, &end, 10), hi = lo;

		if (end == p)
			return -EINVAL;
		if (*end == '-')
			hi = strtol(end + 1, &end, 10);
		for (long c = lo; c <= hi && c < max; c++, n++)
			cpus[c] = true;
		p = *end == ',' ? end + 1 : end;
	}
	return n;
}

static int attach_perf_event(struct attach *a)
{
	struct perf_event_attr pa = {
		.type = a->spec.perf.type, .size = sizeof(pa), .config = a->spec.perf.config,
		.freq = a->spec.perf.freq, .sample_freq = a->spec.perf.sample,
	};
	int ncpu = libbpf_num_possible_cpus(), err = 0;
	unsigned slot = 0;
	bool *cpus;

	if (ncpu <= 0)
		return -EINVAL;
	cpus = calloc(ncpu, sizeof(bool));
	if (!cpus || alloc_fds(a, 2 * ncpu)) {
		free(cpus);
		return -ENOMEM;
	}
	if (a->spec.perf.cpu >= 0 && a->spec.perf.cpu < ncpu)
		cpus[a->spec.perf.cpu] = true;
	else if (a->spec.perf.cpu >= 0)
		err = -EINVAL;
	else
		err = online_cpus(cpus, ncpu) < 0 ? -EINVAL : 0;
	for (int c = 0; c < ncpu && !err; c++) {
		long pfd;

		if (!cpus[c])
			continue;
		pfd = perf_open(&pa, a->spec.perf.pid, c);
		if (pfd < 0) {
			err = -errno;
			snprintf(a->why, sizeof(a->why), "perf_event_open on CPU %d: %s", c, strerror(errno));
			break;
		}
		err = perf_attach(a, pfd, slot++);
	}
	free(cpus);
	return err;
}

static int attach_tc(struct attach *a)
{
	DECLARE_LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = a->spec.tc.ifindex,
			    .attach_point = a->spec.tc.egress ? BPF_TC_EGRESS : BPF_TC_INGRESS);
	int lfd, err;

	if (alloc_fds(a, 1))
		return -ENOMEM;
	if (has(a->set, FEAT_TCX) != 0) {
		lfd = bpf_link_create(a->prog_fd, a->spec.tc.ifindex,
				      a->spec.tc.egress ? BPF_TCX_EGRESS_ : BPF_TCX_INGRESS_, NULL);
		if (lfd >= 0) {
			a->fds[0] = lfd;
			return 0;
		}
		if (has(a->set, FEAT_TCX) == 1 || (errno != EINVAL && errno != EOPNOTSUPP))
			return -errno;
	}
	/* Pre-6.6: a filter under clsact, over netlink. The qdisc stays
	 * when we leave (others may have filters there). */
	err = bpf_tc_hook_create(&hook);
	if (err && err != -EEXIST)
		return err;
	a->tc = (struct bpf_tc_opts){ .sz = sizeof(a->tc), .prog_fd = a->prog_fd };
	err = bpf_tc_attach(&hook, &a->tc);
	if (err)
		return err;
	a->tc_netlink = true;
	return 0;
}

static void detach_tc_netlink(struct attach *a)
{
	DECLARE_LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = a->spec.tc.ifindex,
			    .attach_point = a->spec.tc.egress ? BPF_TC_EGRESS : BPF_TC_INGRESS);
	DECLARE_LIBBPF_OPTS(bpf_tc_opts, o, .handle = a->tc.handle, .priority = a->tc.priority);

	bpf_tc_detach(&hook, &o);
	a->tc_netlink = false;
}

static int attach_cgroup(struct attach *a)
{
	int cfd = open(a->spec.cgroup.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC), lfd, err;

	if (cfd < 0) {
		err = -errno;
		snprintf(a->why, sizeof(a->why), "cgroup %s: %s", a->spec.cgroup.path, strerror(errno));
		return err;
	}
	lfd = bpf_link_create(a->prog_fd, cfd, a->spec.cgroup.type, NULL);
	err = lfd < 0 ? -errno : 0;
	close(cfd);
	if (err)
		return err;
	return alloc_fds(a, 1) ?: (a->fds[0] = lfd, 0);
}

/* XDP: which mode the kernel chose (flags 0 lets it pick native where the
 * driver has it), said in the target for `sonde status`. */
static int attach_xdp(struct attach *a)
{
	LIBBPF_OPTS(bpf_link_create_opts, o, .flags = a->spec.xdp.flags);
	LIBBPF_OPTS(bpf_xdp_query_opts, q);
	size_t n = strlen(a->target);
	int fd;

	fd = bpf_link_create(a->prog_fd, a->spec.xdp.ifindex, BPF_XDP, &o);
	if (fd < 0)
		return -errno;
	if (!bpf_xdp_query(a->spec.xdp.ifindex, 0, &q) && n < sizeof(a->target) && !strstr(a->target, "("))
		snprintf(a->target + n, sizeof(a->target) - n, " (%s)",
			 q.attach_mode == XDP_ATTACHED_DRV ? "native" : q.attach_mode == XDP_ATTACHED_SKB ?
			 "generic" : q.attach_mode == XDP_ATTACHED_HW ? "offloaded" : "multi");
	return alloc_fds(a, 1) ?: (a->fds[0] = fd, 0);
}

/* Runs the attach in the interface's network namespace (this thread only:
 * setns is per thread). */
static const char *hook_netns(const struct attach *a)
{
	return a->spec.kind == ATTACH_TC ? a->spec.tc.netns : a->spec.kind == ATTACH_XDP ? a->spec.xdp.netns : NULL;
}

static int hook_attach_here(struct attach *a);

int hook__attach(struct attach *a)
{
	const char *ns = hook_netns(a);
	int saved, err;

	if (!ns)
		return hook_attach_here(a);
	saved = host__netns_enter(ns);
	if (saved < 0) {
		snprintf(a->why, sizeof(a->why), "network namespace %s: %s", ns, strerror(-saved));
		return saved;
	}
	err = hook_attach_here(a);
	host__netns_leave(saved);
	return err;
}

static int hook_attach_here(struct attach *a)
{
	const struct attach_spec *s = &a->spec;
	int fd;

	switch (s->kind) {
	case ATTACH_TRACEPOINT:
		return attach_tracepoint(a);
	case ATTACH_RAW_TP:
	case ATTACH_TP_BTF:
	case ATTACH_LSM:
		fd = bpf_raw_tracepoint_open(s->kind == ATTACH_RAW_TP ? s->raw_tp.name : NULL, a->prog_fd);
		if (fd < 0)
			return -errno;
		return alloc_fds(a, 1) ?: (a->fds[0] = fd, 0);
	case ATTACH_UPROBE:
		return attach_uprobe(a);
	case ATTACH_USDT:
		return attach_usdt(a);
	case ATTACH_PERF_EVENT:
		return attach_perf_event(a);
	case ATTACH_TC:
		return attach_tc(a);
	case ATTACH_XDP:
		return attach_xdp(a);
	case ATTACH_CGROUP:
		return attach_cgroup(a);
	case ATTACH_SOCKET_FILTER:
		if (setsockopt(s->sock.fd, SOL_SOCKET, SO_ATTACH_BPF, &a->prog_fd, sizeof(a->prog_fd)))
			return -errno;
		return 0;
	default:
		return -EINVAL;
	}
}

void hook__detach(struct attach *a)
{
	if (a->spec.kind == ATTACH_SOCKET_FILTER && a->state == ATTACH_ON)
		setsockopt(a->spec.sock.fd, SOL_SOCKET, SO_DETACH_BPF, &a->prog_fd, sizeof(a->prog_fd));
	if (a->tc_netlink) {
		int saved = a->spec.tc.netns ? host__netns_enter(a->spec.tc.netns) : -1;

		detach_tc_netlink(a);
		host__netns_leave(saved);
	}
	bpf_link__destroy(a->link);
	a->link = NULL;
	/* Links first, then the events they hold. */
	for (unsigned i = 1; i < a->nfds; i += 2)
		if (a->fds[i] >= 0)
			close(a->fds[i]);
	for (unsigned i = 0; i < a->nfds; i += 2)
		if (a->fds[i] >= 0)
			close(a->fds[i]);
	free(a->fds);
	a->fds = NULL;
	a->nfds = 0;
}
