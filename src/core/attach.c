// SPDX-License-Identifier: Apache-2.0
/* Attaching by program fd through the kernel's interfaces: perf_event_open
 * for tracepoints, uprobes and sampling (with a BPF link where the kernel
 * has perf links, 5.15+, else PERF_EVENT_IOC_SET_BPF), raw tracepoint
 * opens, BPF links for XDP and cgroups, tcx links for tc (6.6+) else a
 * clsact filter over netlink, and SO_ATTACH_BPF. Every fd is the set's; a
 * dying agent's fds close, and with them every link but the netlink tc
 * filters of pre-6.6 kernels. */
#include <errno.h>
#include <pthread.h>
#include <fcntl.h>
#include <linux/perf_event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "core/attach.h"
#include "core/features.h"
#include "lib/elfsym.h"

#define BPF_TCX_INGRESS_ 46	/* enum bpf_attach_type, 6.6+: newer than our uapi headers */
#define BPF_TCX_EGRESS_ 47

struct attach {
	struct attach_set *set;
	struct attach *next;
	char prog_name[64];
	const struct bpf_program *prog;
	int prog_fd;
	struct attach_spec spec;
	char *strs[3];		/* owned copies of the spec's strings */
	int *fds;		/* links, raw tracepoint fds, perf fds; -1: none */
	unsigned nfds;
	struct bpf_link *link;	/* USDT */
	struct bpf_tc_opts tc;	/* a netlink filter, when tcx is missing */
	bool tc_netlink;
	enum attach_state state;
	int err;
	char why[160];
	char target[200];
};

struct attach_set {
	struct features *feat;
	struct attach *head, **tail;
	struct attach_map *maps;
	unsigned nmaps;
};

static const char *const kind_names[ATTACH__COUNT] = {
	[ATTACH_TRACEPOINT] = "tracepoint", [ATTACH_RAW_TP] = "raw_tp", [ATTACH_TP_BTF] = "tp_btf",
	[ATTACH_UPROBE] = "uprobe", [ATTACH_USDT] = "usdt", [ATTACH_PERF_EVENT] = "perf_event",
	[ATTACH_TC] = "tc", [ATTACH_XDP] = "xdp", [ATTACH_CGROUP] = "cgroup",
	[ATTACH_SOCKET_FILTER] = "socket_filter",
};

const char *attach_kind__name(enum attach_kind k)
{
	return k < ATTACH__COUNT ? kind_names[k] : "?";
}

struct attach_set *attach_set__new(struct features *feat)
{
	struct attach_set *as = calloc(1, sizeof(*as));

	if (!as)
		return NULL;
	as->feat = feat;
	as->tail = &as->head;
	return as;
}

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

static int do_attach(struct attach *a)
{
	const struct attach_spec *s = &a->spec;
	int fd;

	switch (s->kind) {
	case ATTACH_TRACEPOINT:
		return attach_tracepoint(a);
	case ATTACH_RAW_TP:
	case ATTACH_TP_BTF:
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
	case ATTACH_XDP: {
		LIBBPF_OPTS(bpf_link_create_opts, o, .flags = s->xdp.flags);

		fd = bpf_link_create(a->prog_fd, s->xdp.ifindex, BPF_XDP, &o);
		if (fd < 0)
			return -errno;
		return alloc_fds(a, 1) ?: (a->fds[0] = fd, 0);
	}
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

static void do_detach(struct attach *a)
{
	if (a->spec.kind == ATTACH_SOCKET_FILTER && a->state == ATTACH_ON)
		setsockopt(a->spec.sock.fd, SOL_SOCKET, SO_DETACH_BPF, &a->prog_fd, sizeof(a->prog_fd));
	if (a->tc_netlink)
		detach_tc_netlink(a);
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

static void describe(struct attach *a)
{
	const struct attach_spec *s = &a->spec;
	size_t n = sizeof(a->target);

	switch (s->kind) {
	case ATTACH_TRACEPOINT:
		snprintf(a->target, n, "tracepoint/%s/%s", s->tp.category, s->tp.name);
		break;
	case ATTACH_RAW_TP:
	case ATTACH_TP_BTF:
		snprintf(a->target, n, "%s/%s", kind_names[s->kind], s->raw_tp.name ?: "?");
		break;
	case ATTACH_UPROBE:
		snprintf(a->target, n, "%s %s:%s+0x%llx%s", s->uprobe.retprobe ? "uretprobe" : "uprobe",
			 s->uprobe.path, s->uprobe.func ?: "", (unsigned long long)s->uprobe.offset,
			 s->uprobe.pid > 0 ? " (one process)" : "");
		break;
	case ATTACH_USDT:
		snprintf(a->target, n, "usdt %s:%s:%s", s->usdt.path, s->usdt.provider, s->usdt.name);
		break;
	case ATTACH_PERF_EVENT:
		snprintf(a->target, n, "perf_event type %u config %llu, %s %llu, %s", s->perf.type,
			 (unsigned long long)s->perf.config, s->perf.freq ? "freq" : "period",
			 (unsigned long long)s->perf.sample, s->perf.cpu < 0 ? "every CPU" : "one CPU");
		break;
	case ATTACH_TC:
		snprintf(a->target, n, "tc ifindex %d %s", s->tc.ifindex, s->tc.egress ? "egress" : "ingress");
		break;
	case ATTACH_XDP:
		snprintf(a->target, n, "xdp ifindex %d", s->xdp.ifindex);
		break;
	case ATTACH_CGROUP:
		snprintf(a->target, n, "cgroup %s (attach type %d)", s->cgroup.path, s->cgroup.type);
		break;
	case ATTACH_SOCKET_FILTER:
		snprintf(a->target, n, "socket filter on fd %d", s->sock.fd);
		break;
	default:
		snprintf(a->target, n, "?");
	}
}

/* Keeps the spec's strings alive with the entry. */
static int own_strings(struct attach *a)
{
	const char **p[3] = {};

	switch (a->spec.kind) {
	case ATTACH_TRACEPOINT:
		p[0] = &a->spec.tp.category, p[1] = &a->spec.tp.name;
		break;
	case ATTACH_RAW_TP:
	case ATTACH_TP_BTF:
		p[0] = &a->spec.raw_tp.name;
		break;
	case ATTACH_UPROBE:
		p[0] = &a->spec.uprobe.path, p[1] = &a->spec.uprobe.func;
		break;
	case ATTACH_USDT:
		p[0] = &a->spec.usdt.path, p[1] = &a->spec.usdt.provider, p[2] = &a->spec.usdt.name;
		break;
	case ATTACH_CGROUP:
		p[0] = &a->spec.cgroup.path;
		break;
	default:
		break;
	}
	for (int i = 0; i < 3; i++) {
		if (!p[i] || !*p[i])
			continue;
		a->strs[i] = strdup(*p[i]);
		if (!a->strs[i])
			return -ENOMEM;
		*p[i] = a->strs[i];
	}
	return 0;
}

static void entry_free(struct attach *a)
{
	do_detach(a);
	for (int i = 0; i < 3; i++)
		free(a->strs[i]);
	free(a);
}

static int spec_valid(const struct attach_spec *s, char *why, size_t sz)
{
	const char *missing = NULL;

	switch (s->kind) {
	case ATTACH_TRACEPOINT:
		missing = !s->tp.category || !s->tp.name ? "category and name" : NULL;
		break;
	case ATTACH_RAW_TP:
		missing = !s->raw_tp.name ? "a name" : NULL;
		break;
	case ATTACH_UPROBE:
		missing = !s->uprobe.path ? "a binary path" : NULL;
		break;
	case ATTACH_USDT:
		missing = !s->usdt.path || !s->usdt.provider || !s->usdt.name ?
			  "a path, provider and name" : NULL;
		break;
	case ATTACH_CGROUP:
		missing = !s->cgroup.path ? "a cgroup path" : NULL;
		break;
	case ATTACH_TC:
	case ATTACH_XDP:
		missing = (s->kind == ATTACH_TC ? s->tc.ifindex : s->xdp.ifindex) <= 0 ?
			  "an interface index" : NULL;
		break;
	case ATTACH_TP_BTF:
	case ATTACH_PERF_EVENT:
	case ATTACH_SOCKET_FILTER:
		break;
	default:
		missing = "a known kind";
	}
	if (missing)
		snprintf(why, sz, "%s attach needs %s", attach_kind__name(s->kind), missing);
	return missing ? -EINVAL : 0;
}

struct attach *attach_set__add(struct attach_set *as, const struct bpf_program *prog, int prog_fd,
			       const char *name, const struct attach_spec *spec)
{
	struct attach *a = calloc(1, sizeof(*a));
	int err;

	if (!a)
		return NULL;
	a->set = as;
	a->prog = prog;
	a->prog_fd = prog ? bpf_program__fd(prog) : prog_fd;
	snprintf(a->prog_name, sizeof(a->prog_name), "%s", prog ? bpf_program__name(prog) : name ?: "?");
	a->spec = *spec;
	if (own_strings(a)) {
		entry_free(a);
		errno = ENOMEM;
		return NULL;
	}
	describe(a);
	*as->tail = a;
	as->tail = &a->next;
	err = spec_valid(&a->spec, a->why, sizeof(a->why));
	if (!err && a->prog_fd < 0) {
		err = -EBADF;
		snprintf(a->why, sizeof(a->why), "program %s is not loaded", a->prog_name);
	}
	err = err ?: do_attach(a);
	if (err) {
		do_detach(a);
		a->state = ATTACH_FAILED;
		a->err = err;
		if (!a->why[0])
			snprintf(a->why, sizeof(a->why), "%s", strerror(-err));
	}
	return a;
}

int attach_spec__from_section(const char *sec, struct attach_spec *spec, char *buf, size_t sz)
{
	static const struct { const char *prefix; enum attach_kind kind; } map[] = {
		{ "tracepoint/", ATTACH_TRACEPOINT }, { "tp/", ATTACH_TRACEPOINT },
		{ "raw_tracepoint/", ATTACH_RAW_TP }, { "raw_tp/", ATTACH_RAW_TP },
		{ "tp_btf/", ATTACH_TP_BTF },
	};

	for (unsigned i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		size_t n = strlen(map[i].prefix);
		char *slash;

		if (strncmp(sec, map[i].prefix, n) || !sec[n] || strlen(sec + n) >= sz)
			continue;
		memset(spec, 0, sizeof(*spec));
		spec->kind = map[i].kind;
		strcpy(buf, sec + n);
		if (spec->kind != ATTACH_TRACEPOINT) {
			spec->raw_tp.name = buf;
			return 0;
		}
		slash = strchr(buf, '/');
		if (!slash || !slash[1])
			return -EINVAL;
		*slash = '\0';
		spec->tp.category = buf;
		spec->tp.name = slash + 1;
		return 0;
	}
	return -EINVAL;
}

int attach_set__add_object(struct attach_set *as, struct bpf_object *obj, char *why, size_t why_sz)
{
	struct bpf_program *p;

	bpf_object__for_each_program(p, obj) {
		struct attach_spec spec;
		struct attach *a;
		char buf[256];

		if (bpf_program__fd(p) < 0 || !bpf_program__autoattach(p))
			continue;
		if (attach_spec__from_section(bpf_program__section_name(p), &spec, buf, sizeof(buf))) {
			snprintf(why, why_sz, "program %s: section '%s' needs an explicit target",
				 bpf_program__name(p), bpf_program__section_name(p));
			return -EINVAL;
		}
		a = attach_set__add(as, p, -1, NULL, &spec);
		if (!a)
			return -ENOMEM;
		if (a->state == ATTACH_FAILED) {
			snprintf(why, why_sz, "attaching %s to %s: %s", a->prog_name, a->target, a->why);
			return a->err;
		}
	}
	return 0;
}

int attach__suspend(struct attach *a)
{
	if (a->state != ATTACH_ON)
		return -EINVAL;
	do_detach(a);
	a->state = ATTACH_SUSPENDED;
	return 0;
}

int attach__resume(struct attach *a)
{
	int err;

	if (a->state == ATTACH_ON)
		return 0;
	a->why[0] = '\0';
	err = do_attach(a);
	if (err) {
		do_detach(a);
		a->err = err;
		if (!a->why[0])
			snprintf(a->why, sizeof(a->why), "%s", strerror(-err));
		/* A window that could not open stays resumable. */
		a->state = a->state == ATTACH_SUSPENDED ? ATTACH_SUSPENDED : ATTACH_FAILED;
		return err;
	}
	a->err = 0;
	a->state = ATTACH_ON;
	return 0;
}

struct attach *attach_set__first(const struct attach_set *as) { return as ? as->head : NULL; }
struct attach *attach__next(const struct attach *a) { return a->next; }
const char *attach__prog_name(const struct attach *a) { return a->prog_name; }
int attach__prog_fd(const struct attach *a) { return a->prog_fd; }
enum attach_kind attach__kind(const struct attach *a) { return a->spec.kind; }
enum attach_state attach__state(const struct attach *a) { return a->state; }
const char *attach__target(const struct attach *a) { return a->target; }
int attach__err(const struct attach *a) { return a->err; }
const char *attach__why(const struct attach *a) { return a->state == ATTACH_FAILED ? a->why : ""; }

unsigned attach__nlinks(const struct attach *a)
{
	unsigned n = a->link || a->tc_netlink ||
		     (a->spec.kind == ATTACH_SOCKET_FILTER && a->state == ATTACH_ON);

	for (unsigned i = 0; i < a->nfds; i++)
		n += a->fds[i] >= 0 && (a->nfds == 1 || !(i & 1));
	return n;
}

int attach_set__add_map(struct attach_set *as, const char *name, int fd)
{
	struct attach_map *m = realloc(as->maps, (as->nmaps + 1) * sizeof(*m));
	char *copy = strdup(name);
	struct bpfmap bm;
	int err = bpfmap__open(&bm, fd);

	if (err) {
		free(copy);
		if (m)
			as->maps = m;
		return err;
	}
	if (!m || !copy) {
		free(copy);
		if (m)
			as->maps = m;
		return -ENOMEM;
	}
	as->maps = m;
	as->maps[as->nmaps++] = (struct attach_map){ .name = copy, .fd = fd, .bm = bm };
	return 0;
}

int attach_set__add_object_maps(struct attach_set *as, struct bpf_object *obj)
{
	struct bpf_map *m;
	int err = 0;

	bpf_object__for_each_map(m, obj) {
		const char *n = bpf_map__name(m);

		/* .rodata, .bss, .kconfig and the like are libbpf's, not ours. */
		if (n[0] == '.' || strchr(n, '.') || bpf_map__fd(m) < 0)
			continue;
		err = err ?: attach_set__add_map(as, n, bpf_map__fd(m));
	}
	return err;
}

const struct attach_map *attach_set__map(const struct attach_set *as, unsigned i)
{
	return as && i < as->nmaps ? &as->maps[i] : NULL;
}

/* Each tracepoint or probe detach waits for RCU grace periods (20-40 ms
 * here); detaching from several threads lets those waits overlap, so ten
 * tracepoints go in about the time of one. */
#define DETACH_THREADS 8

struct detach_job {
	struct attach **v;
	unsigned n, step;
};

static void *detach_worker(void *arg)
{
	const struct detach_job *j = arg;

	for (unsigned i = 0; i < j->n; i += j->step)
		do_detach(j->v[i]);
	return NULL;
}

static void detach_all(struct attach_set *as)
{
	struct detach_job jobs[DETACH_THREADS];
	pthread_t tids[DETACH_THREADS];
	struct attach **v;
	unsigned n = 0, nt, started = 0;

	for (struct attach *a = as->head; a; a = a->next)
		n++;
	v = n > 1 ? calloc(n, sizeof(*v)) : NULL;
	if (!v)
		return;		/* entry_free detaches one by one */
	n = 0;
	for (struct attach *a = as->head; a; a = a->next)
		v[n++] = a;
	nt = n < DETACH_THREADS ? n : DETACH_THREADS;
	for (unsigned t = 0; t < nt; t++) {
		jobs[t] = (struct detach_job){ v + t, n - t, nt };
		if (pthread_create(&tids[t], NULL, detach_worker, &jobs[t]))
			break;
		started++;
	}
	for (unsigned t = 0; t < started; t++)
		pthread_join(tids[t], NULL);
	/* What no thread took (pthread_create failed) is detached here. */
	for (unsigned t = started; t < nt; t++)
		detach_worker(&jobs[t]);
	free(v);
}

void attach_set__free(struct attach_set *as)
{
	if (!as)
		return;
	detach_all(as);
	while (as->head) {
		struct attach *a = as->head;

		as->head = a->next;
		entry_free(a);
	}
	for (unsigned i = 0; i < as->nmaps; i++)
		free((char *)as->maps[i].name);
	free(as->maps);
	free(as);
}
