#include <errno.h>
#include <fcntl.h>
#include <linux/perf_event.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include "core/features.h"
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
	default:
		break;
	}
out:
	snprintf(f->fix, sizeof(f->fix), "%s", fix);
	f->err = err;
}

static int attach_perf_sw(struct bpf_program *prog, struct bpf_link **link)
{
	struct perf_event_attr a = {
		.type = PERF_TYPE_SOFTWARE, .size = sizeof(a),
		.config = PERF_COUNT_SW_CPU_CLOCK, .sample_freq = 1, .freq = 1,
	};
	long fd = perf_open(&a, -1, 0);

	if (fd < 0)
		return -errno;
	*link = bpf_program__attach_perf_event(prog, fd);
	if (!*link) {
		int err = -errno;

		close(fd);
		return err;
	}
	return 0;
}

static int attach_prog(enum feature_id id, struct bpf_program *prog, struct bpf_link **link)
{
	if (id == FEAT_PERF_SW)
		return attach_perf_sw(prog, link);
	if (id == FEAT_UPROBE) {
		/* On a file no process maps: attaching and detaching then touch
		 * no address space, so a SIGKILL during the (deferred) detach
		 * cannot make the kernel leak the uprobe, as it does when the
		 * probed process itself dies mid-unregister. */
		char path[64];
		int fd = memfd_create("sonde-uprobe-probe", MFD_CLOEXEC), err;

		if (fd < 0 || ftruncate(fd, 4096)) {
			err = -errno;
			if (fd >= 0)
				close(fd);
			return err;
		}
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		*link = bpf_program__attach_uprobe_opts(prog, -1, path, 0, NULL);
		err = *link ? 0 : -errno;
		close(fd);	/* the uprobe holds the inode */
		return err;
	} else {
		*link = bpf_program__attach(prog);
	}
	return *link ? 0 : -errno;
}

/* Detaching a tracepoint or uprobe waits for RCU grace periods (tens of
 * ms each), so probe objects are torn down on a thread while the agent
 * goes on starting; features__release() joins it. */
#define MAX_DEFERRED 8
static struct features_bpf *deferred_skel[MAX_DEFERRED];
static struct bpf_link *deferred_link[MAX_DEFERRED];
static int ndeferred;
static pthread_t reaper;
static bool reaper_started;

static void *reap_probes(void *arg)
{
	for (int i = 0; i < ndeferred; i++) {
		bpf_link__destroy(deferred_link[i]);
		features_bpf__destroy(deferred_skel[i]);
	}
	ndeferred = 0;
	return NULL;
}

void features__release(void)
{
	if (reaper_started)
		pthread_join(reaper, NULL);
	else
		reap_probes(NULL);
	reaper_started = false;
}

static void probe_prog(enum feature_id id, struct feature *f)
{
	struct features_bpf *skel;
	struct bpf_program *prog, *target = NULL;
	struct bpf_link *link = NULL;
	int err;

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
	err = attach_prog(id, target, &link);
	if (err) {
		explain(id, "attach", err, f);
		goto out;
	}
	f->ok = true;
	if (ndeferred < MAX_DEFERRED) {
		deferred_skel[ndeferred] = skel;
		deferred_link[ndeferred++] = link;
		return;
	}
out:
	bpf_link__destroy(link);
	features_bpf__destroy(skel);
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

void features__probe(struct features *feat)
{
	struct utsname u;
	int quiet;

	memset(feat, 0, sizeof(*feat));
	if (!uname(&u))
		snprintf(feat->kernel, sizeof(feat->kernel), "%.64s %.32s", u.release, u.machine);
	/* Failures are expected here; keep libbpf's warnings at debug level. */
	quiet = log__set_libbpf_quiet(1);
	for (int i = 0; i < FEAT__COUNT; i++) {
		double t = now_ms();

		if (faked_missing(i)) {
			snprintf(feat->f[i].why, sizeof(feat->f[i].why),
				 "marked missing by SONDE_FAKE_MISSING (testing)");
			feat->f[i].err = -EOPNOTSUPP;
		} else if (i == FEAT_TP_BTF && !feat->f[FEAT_BTF].ok) {
			explain(i, "load", -EOPNOTSUPP, &feat->f[i]);
			snprintf(feat->f[i].why, sizeof(feat->f[i].why), "needs kernel BTF, which is missing");
		} else {
			probe_one(i, &feat->f[i]);
		}
		feat->f[i].ms = now_ms() - t;
		pr_debug("feature %s: %s%s%s (%.1f ms)", feat_info[i].name,
			 feat->f[i].ok ? "yes" : "no", feat->f[i].ok ? "" : ": ",
			 feat->f[i].why, feat->f[i].ms);
	}
	log__set_libbpf_quiet(quiet);
	if (ndeferred) {
		sigset_t all, old;

		/* Signals belong to the main thread's signalfd, never the reaper. */
		sigfillset(&all);
		pthread_sigmask(SIG_SETMASK, &all, &old);
		reaper_started = !pthread_create(&reaper, NULL, reap_probes, NULL);
		pthread_sigmask(SIG_SETMASK, &old, NULL);
	}
}
