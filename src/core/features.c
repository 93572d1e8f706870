// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <fcntl.h>
#include <linux/perf_event.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/mount.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include "core/attach.h"
#include "core/features.h"
#include "core/host.h"
#include "core/log.h"
#include "features.skel.h"

static const struct {
	const char *name, *summary, *prog;
} feat_info[FEAT__COUNT] = {
	[FEAT_BTF]	  = { "btf", "kernel BTF (/sys/kernel/btf/vmlinux) for CO-RE", NULL },
	[FEAT_RINGBUF]	  = { "ringbuf", "BPF ring buffer map", NULL },
	[FEAT_TRACEPOINT] = { "tracepoint", "classic tracepoints (tracefs)", "probe_tracepoint" },
	[FEAT_RAW_TP]	  = { "raw_tp", "raw tracepoints", "probe_raw_tp" },
	[FEAT_TP_BTF]	  = { "tp_btf", "BTF-typed tracepoints", "probe_tp_btf" },
	[FEAT_KPROBE]	  = { "kprobe", "kprobes on kernel functions", "probe_kprobe" },
	[FEAT_FENTRY]	  = { "fentry", "fentry/fexit (BPF trampolines)", "probe_fentry" },
	[FEAT_UPROBE]	  = { "uprobe", "uprobes on user binaries", "probe_uprobe" },
	[FEAT_PERF_SW]	  = { "perf_event", "perf_event sampling (software cpu-clock)", "probe_perf_event" },
	[FEAT_PERF_HW]	  = { "perf_hw", "hardware PMU events (cycles, instructions)", NULL },
	[FEAT_LSM]	  = { "lsm", "BPF LSM programs (in-kernel enforcement)", "probe_lsm" },
	[FEAT_TC]	  = { "tc", "tc (sched_cls) programs", "probe_tc" },
	[FEAT_XDP]	  = { "xdp", "XDP programs on interfaces", "probe_xdp" },
	[FEAT_CGROUP_SOCK_ADDR] = { "cgroup_sock_addr", "cgroup connect/bind hooks (sock_addr)", "probe_sock_addr" },
	[FEAT_SOCK_OPS]	  = { "sock_ops", "TCP socket callbacks (sock_ops)", "probe_sock_ops" },
	[FEAT_CGROUP_SKB] = { "cgroup_skb", "cgroup packet hooks (cgroup_skb)", "probe_cgroup_skb" },
	[FEAT_SOCKET_FILTER] = { "socket_filter", "socket filters (SO_ATTACH_BPF)", "probe_socket" },
	[FEAT_PERF_LINK]  = { "perf_link", "BPF links on perf events (tracepoints, uprobes, sampling)", "probe_perf_event" },
	[FEAT_TCX]	  = { "tcx", "tc programs through BPF links (tcx)", "probe_tc" },
	[FEAT_MAP_BATCH]  = { "map_batch", "batched map reads (bpf_map_lookup_batch)", NULL },
};

const void *features__elf_bytes(size_t *sz) { return features_bpf__elf_bytes(sz); }

const char *feature__name(enum feature_id id) { return feat_info[id].name; }
const char *feature__summary(enum feature_id id) { return feat_info[id].summary; }

static long perf_open(struct perf_event_attr *a, int pid, int cpu)
{
	return syscall(__NR_perf_event_open, a, pid, cpu, -1, PERF_FLAG_FD_CLOEXEC);
}

static bool path_exists(const char *p) { return access(p, F_OK) == 0; }

/* Whether "bpf" is among the active LSMs (securityfs, mounted if needed). */
static bool lsm_active(void)
{
	char buf[512] = "";
	FILE *f;

	if (!path_exists("/sys/kernel/security/lsm"))
		mount("securityfs", "/sys/kernel/security", "securityfs", 0, NULL);
	f = fopen("/sys/kernel/security/lsm", "r");
	if (!f)
		return false;
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = '\0';
	fclose(f);
	for (char *t = strtok(buf, ",\n"); t; t = strtok(NULL, ",\n"))
		if (!strcmp(t, "bpf"))
			return true;
	return false;
}

/* Turns a failure into words and a fix, with what we know of common kernels. */
static void explain(enum feature_id id, const char *stage, int err, struct feature *f)
{
	const char *fix = "";

	snprintf(f->why, sizeof(f->why), "%s failed: %s", stage, strerror(-err));
	if (err == -EPERM && geteuid() != 0) {
		snprintf(f->why, sizeof(f->why), "%s failed: not permitted (not root)", stage);
		fix = "run as root, or grant CAP_BPF, CAP_PERFMON and CAP_SYS_ADMIN";
		goto out;
	}
	switch (id) {
	case FEAT_BTF:
		fix = "use a kernel built with CONFIG_DEBUG_INFO_BTF=y (every major distro since 2020)";
		break;
	case FEAT_TRACEPOINT:
		if (err == -ENOENT) {
			snprintf(f->why, sizeof(f->why), "tracefs is not mounted or the event is missing");
			fix = "mount -t tracefs tracefs /sys/kernel/tracing (sonde tries this itself)";
		}
		break;
	case FEAT_KPROBE:
		if (!path_exists("/sys/bus/event_source/devices/kprobe/type") &&
		    !path_exists("/sys/kernel/tracing/kprobe_events")) {
			snprintf(f->why, sizeof(f->why),
				 "kernel built without kprobes (no kprobe PMU, no kprobe_events): %s",
				 strerror(-err));
			fix = "none needed: sonde uses tracepoints; kprobes need CONFIG_KPROBES=y";
		}
		break;
	case FEAT_FENTRY:
		if (err == -EPERM) {
			snprintf(f->why, sizeof(f->why),
				 "kernel refuses BPF trampolines (EPERM at load with an empty verifier log)");
			fix = "none needed: sonde falls back to tp_btf/raw_tp; fentry needs an unhardened kernel";
		} else if (err == -ENOTSUP || err == -EINVAL) {
			fix = "needs CONFIG_DYNAMIC_FTRACE_WITH_DIRECT_CALLS and a BPF JIT (kernel 5.5+)";
		}
		break;
	case FEAT_LSM:
		if (!lsm_active()) {
			snprintf(f->why, sizeof(f->why), "the bpf LSM is not active (not in /sys/kernel/security/lsm): %s",
				 strerror(-err));
			fix = "boot with lsm=...,bpf on the kernel command line (needs CONFIG_BPF_LSM=y)";
		} else if (err == -EPERM) {
			snprintf(f->why, sizeof(f->why),
				 "kernel refuses BPF LSM programs (EPERM at load with an empty verifier log)");
			fix = "none for now: BPF trampolines are disabled on this kernel";
		}
		break;
	case FEAT_PERF_HW:
		if (err == -ENOENT || err == -EOPNOTSUPP) {
			snprintf(f->why, sizeof(f->why),
				 "no hardware PMU (typical of virtual machines): %s", strerror(-err));
			fix = "enable a virtual PMU in the hypervisor; sonde samples with cpu-clock instead";
		}
		break;
	case FEAT_TP_BTF:
		fix = "needs kernel 5.5+ with BTF";
		break;
	case FEAT_RINGBUF:
		fix = "needs kernel 5.8+";
		break;
	case FEAT_UPROBE:
		fix = "needs CONFIG_UPROBE_EVENTS=y";
		break;
	case FEAT_CGROUP_SOCK_ADDR:
	case FEAT_SOCK_OPS:
	case FEAT_CGROUP_SKB:
		if (err == -ENOENT)
			fix = "mount the cgroup v2 hierarchy (mount -t cgroup2 none /sys/fs/cgroup)";
		break;
	case FEAT_PERF_LINK:
		fix = "none needed: programs go on perf events the older way (kernel 5.15+ has links)";
		break;
	case FEAT_TCX:
		fix = "none needed: tc programs go in clsact filters (kernel 6.6+ has tcx), which a killed agent leaves behind";
		break;
	case FEAT_MAP_BATCH:
		fix = "none needed: maps are read key by key (kernel 5.6+ reads them in batches)";
		break;
	default:
		break;
	}
out:
	snprintf(f->fix, sizeof(f->fix), "%s", fix);
	f->err = err;
}

/* An attach spec for a probe program: a target that changes nothing (the
 * programs pass everything) and is on every machine. */
static int probe_spec(enum feature_id id, struct attach_spec *s, int *tmpfd)
{
	static char path[64];

	memset(s, 0, sizeof(*s));
	switch (id) {
	case FEAT_TRACEPOINT:
		*s = (struct attach_spec){ .kind = ATTACH_TRACEPOINT,
					   .tp = { "raw_syscalls", "sys_enter" } };
		return 0;
	case FEAT_RAW_TP:
		*s = (struct attach_spec){ .kind = ATTACH_RAW_TP, .raw_tp = { "sys_enter" } };
		return 0;
	case FEAT_TP_BTF:
	case FEAT_FENTRY:
	case FEAT_LSM:
	case FEAT_KPROBE:
		return -ENOTSUP;	/* attached by libbpf from the section */
	case FEAT_PERF_SW:
		*s = (struct attach_spec){ .kind = ATTACH_PERF_EVENT, .perf = {
			.type = PERF_TYPE_SOFTWARE, .config = PERF_COUNT_SW_CPU_CLOCK,
			.sample = 1, .freq = true, .cpu = 0, .pid = -1 } };
		return 0;
	case FEAT_UPROBE:
		/* On a file no process maps: attaching and detaching then touch
		 * no address space, so a SIGKILL during the (deferred) detach
		 * cannot make the kernel leak the uprobe, as it does when the
		 * probed process itself dies mid-unregister. */
		*tmpfd = memfd_create("sonde-uprobe-probe", MFD_CLOEXEC);
		if (*tmpfd < 0 || ftruncate(*tmpfd, 4096))
			return -errno;
		snprintf(path, sizeof(path), "/proc/self/fd/%d", *tmpfd);
		*s = (struct attach_spec){ .kind = ATTACH_UPROBE, .uprobe = { .path = path, .pid = -1 } };
		return 0;
	case FEAT_TC:
		/* A filter left on lo is a change to the machine: where tcx
		 * (auto-detaching links) is missing, loading is the test. */
		return -EALREADY;
	case FEAT_XDP:
		*s = (struct attach_spec){ .kind = ATTACH_XDP, .xdp = { .ifindex = 1, .flags = 1 << 1 } };
		return 0;
	case FEAT_CGROUP_SOCK_ADDR:
	case FEAT_SOCK_OPS:
	case FEAT_CGROUP_SKB: {
		static char root[64];
		static const int type[] = {
			[FEAT_CGROUP_SOCK_ADDR] = BPF_CGROUP_INET4_CONNECT,
			[FEAT_SOCK_OPS] = BPF_CGROUP_SOCK_OPS, [FEAT_CGROUP_SKB] = BPF_CGROUP_INET_EGRESS,
		};

		if (host__cgroup2_root(root, sizeof(root)))
			return -ENOENT;
		*s = (struct attach_spec){ .kind = ATTACH_CGROUP, .cgroup = { root, type[id] } };
		return 0;
	}
	case FEAT_SOCKET_FILTER:
		*tmpfd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		if (*tmpfd < 0)
			return -errno;
		*s = (struct attach_spec){ .kind = ATTACH_SOCKET_FILTER, .sock = { *tmpfd } };
		return 0;
	default:
		return -EINVAL;
	}
}

/* Detaching a tracepoint or uprobe waits for RCU grace periods (tens of
 * ms each), so probes are torn down on a thread while the agent goes on
 * starting; features__release() joins it. */
#define MAX_DEFERRED 16
static struct {
	struct features_bpf *skel;
	struct attach_set *as;
	struct bpf_link *link;
} deferred[MAX_DEFERRED];
static int ndeferred;
static pthread_t reaper;
static bool reaper_started, settled;

static void teardown(struct features_bpf *skel, struct attach_set *as, struct bpf_link *link)
{
	bpf_link__destroy(link);
	attach_set__free(as);
	features_bpf__destroy(skel);
}

static void *reap_probes(void *arg)
{
	for (int i = 0; i < ndeferred; i++)
		teardown(deferred[i].skel, deferred[i].as, deferred[i].link);
	ndeferred = 0;
	return NULL;
}

void features__settle(void)
{
	sigset_t all, old;

	if (settled || !ndeferred)
		return;
	settled = true;
	/* Signals belong to the main thread's signalfd, never the reaper. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	reaper_started = !pthread_create(&reaper, NULL, reap_probes, NULL);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
}

void features__release(void)
{
	if (reaper_started)
		pthread_join(reaper, NULL);
	else
		reap_probes(NULL);
	reaper_started = false;
	settled = false;
}

static void keep_for_teardown(struct features_bpf *skel, struct attach_set *as, struct bpf_link *link)
{
	if (settled || ndeferred == MAX_DEFERRED) {
		teardown(skel, as, link);
		return;
	}
	deferred[ndeferred].skel = skel;
	deferred[ndeferred].as = as;
	deferred[ndeferred++].link = link;
}

/* A perf event with the program on it through a BPF link, or tc through
 * tcx: the interfaces, not the hooks (the older way may still work). */
static int probe_link(enum feature_id id, int prog_fd)
{
	struct perf_event_attr a = {
		.type = PERF_TYPE_SOFTWARE, .size = sizeof(a), .config = PERF_COUNT_SW_CPU_CLOCK,
		.sample_freq = 1, .freq = 1, .disabled = 1,
	};
	long pfd = -1;
	int fd, err;

	if (id == FEAT_PERF_LINK) {
		pfd = perf_open(&a, -1, 0);
		if (pfd < 0)
			return -errno;
		fd = bpf_link_create(prog_fd, pfd, BPF_PERF_EVENT, NULL);
	} else {
		fd = bpf_link_create(prog_fd, 1 /* lo */, 46 /* BPF_TCX_INGRESS */, NULL);
	}
	err = fd < 0 ? -errno : 0;
	if (fd >= 0)
		close(fd);
	if (pfd >= 0)
		close(pfd);
	return err;
}

static void probe_prog(enum feature_id id, struct feature *f)
{
	struct features_bpf *skel;
	struct bpf_program *prog, *target = NULL;
	struct attach_set *as = NULL;
	struct bpf_link *link = NULL;
	struct attach_spec spec;
	int err, tmpfd = -1;

	skel = features_bpf__open();
	if (!skel) {
		explain(id, "open", -errno, f);
		return;
	}
	bpf_object__for_each_program(prog, skel->obj) {
		bool me = !strcmp(bpf_program__name(prog), feat_info[id].prog);

		bpf_program__set_autoload(prog, me);
		if (me)
			target = prog;
	}
	err = features_bpf__load(skel);
	if (err) {
		explain(id, "load", err, f);
		goto out;
	}
	if (id == FEAT_PERF_LINK || id == FEAT_TCX) {
		err = probe_link(id, bpf_program__fd(target));
		if (err)
			explain(id, "link", err, f);
		f->ok = !err;
		goto out;
	}
	err = probe_spec(id, &spec, &tmpfd);
	if (err == -EALREADY) {
		err = 0;	/* loading it was the test */
	} else if (err == -ENOTSUP) {
		link = bpf_program__attach(target);
		err = link ? 0 : -errno;
	} else if (!err) {
		struct attach *a;

		as = attach_set__new(NULL);
		a = as ? attach_set__add(as, NULL, bpf_program__fd(target), feat_info[id].prog, &spec) : NULL;
		err = !a ? -ENOMEM : attach__err(a);
	}
	if (err) {
		explain(id, "attach", err, f);
		goto out;
	}
	f->ok = true;
	/* The socket or file goes first: the uprobe holds its inode, a
	 * closed socket's filter needs no detaching. */
	if (tmpfd >= 0)
		close(tmpfd);
	/* lo's XDP link would keep the agent's own off lo (-EBUSY) until the
	 * reaper ran; it detaches without waiting for RCU anyway. */
	if (id == FEAT_XDP)
		teardown(skel, as, link);
	else
		keep_for_teardown(skel, as, link);
	return;
out:
	if (tmpfd >= 0)
		close(tmpfd);
	teardown(skel, as, link);
}

static void probe_one(enum feature_id id, struct feature *f)
{
	switch (id) {
	case FEAT_BTF: {
		/* Only the header here: the tp_btf probe parses all of it. */
		struct btf_header h;
		int fd = open("/sys/kernel/btf/vmlinux", O_RDONLY | O_CLOEXEC);
		ssize_t n = fd < 0 ? -1 : read(fd, &h, sizeof(h));

		if (fd >= 0)
			close(fd);
		if (n != (ssize_t)sizeof(h) || h.magic != 0xeB9F) {
			explain(id, "reading /sys/kernel/btf/vmlinux", n < 0 ? -errno : -EINVAL, f);
			return;
		}
		f->ok = true;
		return;
	}
	case FEAT_RINGBUF: {
		int fd = bpf_map_create(BPF_MAP_TYPE_RINGBUF, NULL, 0, 0, 4096, NULL);

		if (fd < 0) {
			explain(id, "creating a ring buffer map", -errno, f);
			return;
		}
		close(fd);
		f->ok = true;
		return;
	}
	case FEAT_MAP_BATCH: {
		int fd = bpf_map_create(BPF_MAP_TYPE_HASH, NULL, 4, 4, 4, NULL), err = 0;
		__u32 out, keys[4], vals[4], n = 4;

		if (fd < 0) {
			explain(id, "creating a hash map", -errno, f);
			return;
		}
		/* An empty map answers ENOENT; kernels without batches EINVAL. */
		if (bpf_map_lookup_batch(fd, NULL, &out, keys, vals, &n, NULL) && errno != ENOENT)
			err = -errno;
		close(fd);
		if (err)
			explain(id, "bpf_map_lookup_batch", err, f);
		f->ok = !err;
		return;
	}
	case FEAT_PERF_HW: {
		struct perf_event_attr a = {
			.type = PERF_TYPE_HARDWARE, .size = sizeof(a),
			.config = PERF_COUNT_HW_CPU_CYCLES, .disabled = 1,
		};
		long fd = perf_open(&a, 0, -1);

		if (fd < 0) {
			explain(id, "perf_event_open(cycles)", -errno, f);
			return;
		}
		close(fd);
		f->ok = true;
		return;
	}
	default:
		probe_prog(id, f);
	}
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* SONDE_FAKE_MISSING=tp_btf,raw_tp makes those hooks read as missing, so
 * tests can drive the fallbacks and the "unavailable" path on a kernel that
 * has everything. */
static bool faked_missing(enum feature_id id)
{
	const char *list = getenv("SONDE_FAKE_MISSING"), *name = feat_info[id].name;
	size_t n = strlen(name);

	for (const char *p = list; p && *p; p += strcspn(p, ","), p += *p == ',')
		if (!strncmp(p, name, n) && (p[n] == ',' || !p[n]))
			return true;
	return false;
}

void features__init(struct features *feat)
{
	struct utsname u;

	memset(feat, 0, sizeof(*feat));
	if (!uname(&u))
		snprintf(feat->kernel, sizeof(feat->kernel), "%.64s %.32s", u.release, u.machine);
}

static void probe(struct features *feat, enum feature_id i)
{
	struct feature *f = &feat->f[i];
	double t = now_ms();
	int quiet;

	f->probed = true;
	/* Failures are expected here; keep libbpf's warnings at debug level. */
	quiet = log__set_libbpf_quiet(1);
	if (faked_missing(i)) {
		snprintf(f->why, sizeof(f->why), "marked missing by SONDE_FAKE_MISSING (testing)");
		f->err = -EOPNOTSUPP;
	} else if (i == FEAT_TP_BTF && !features__has(feat, FEAT_BTF)) {
		explain(i, "load", -EOPNOTSUPP, f);
		snprintf(f->why, sizeof(f->why), "needs kernel BTF, which is missing");
	} else {
		probe_one(i, f);
	}
	log__set_libbpf_quiet(quiet);
	f->ms = now_ms() - t;
	pr_debug("feature %s: %s%s%s (%.1f ms)", feat_info[i].name, f->ok ? "yes" : "no",
		 f->ok ? "" : ": ", f->why, f->ms);
}

bool features__has(struct features *feat, enum feature_id id)
{
	if (!feat->f[id].probed)
		probe(feat, id);
	return feat->f[id].ok;
}

const char *features__why(struct features *feat, enum feature_id id)
{
	return features__has(feat, id) ? "" : feat->f[id].why;
}

int features__require(struct features *feat, enum feature_id id, char *why, size_t why_sz)
{
	if (features__has(feat, id))
		return 0;
	snprintf(why, why_sz, "needs %s: %s", feat_info[id].summary, feat->f[id].why);
	return -EOPNOTSUPP;
}

void features__probe_all(struct features *feat)
{
	for (int i = 0; i < FEAT__COUNT; i++)
		features__has(feat, i);
}

/* Whether a cgroup sock_addr program may call bpf_get_current_task (6.0+,
 * in the base helpers): then connect events leave from the hook itself,
 * and no syscall tracepoint slows every syscall on the host. */
bool features__sock_addr_names_task(void)
{
	static int known = -1;
	const struct bpf_insn insns[] = {
		{ .code = BPF_JMP | BPF_CALL, .imm = BPF_FUNC_get_current_task },
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 1 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	LIBBPF_OPTS(bpf_prog_load_opts, o, .expected_attach_type = BPF_CGROUP_INET4_CONNECT);
	int fd;

	if (known < 0) {
		fd = bpf_prog_load(BPF_PROG_TYPE_CGROUP_SOCK_ADDR, "sonde_probe", "GPL", insns, 3, &o);
		known = fd >= 0;
		if (fd >= 0)
			close(fd);
	}
	return known;
}

bool features__sock_enforce(struct features *f, char *why, size_t why_sz)
{
	if (!features__has(f, FEAT_CGROUP_SOCK_ADDR)) {
		snprintf(why, why_sz, "%s", features__why(f, FEAT_CGROUP_SOCK_ADDR));
		return false;
	}
	if (!features__sock_addr_names_task()) {
		snprintf(why, why_sz, "cgroup sock_addr programs cannot name their task before Linux 6.0");
		return false;
	}
	return true;
}
