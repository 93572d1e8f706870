// SPDX-License-Identifier: Apache-2.0
/* TLS libraries for L7 tracing: which processes map a libssl or libgnutls
 * file, and the uprobes on each file. A file is attached once, by device
 * and inode, through the mapping itself (/proc/PID/map_files), whatever
 * path or mount namespace each process reaches it by, so processes that
 * map it later are traced from their first call. The system's own are
 * attached at start and kept; others are found by scanning /proc at
 * start, again for a process that execs (its loader maps libraries just
 * after: rescans at once, after 100 ms and after 1 s) and every
 * l7.tls_rescan seconds (dlopen); a file no process maps any more is
 * detached at a full scan. */
#include <ctype.h>
#include <inttypes.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>
#include <bpf/libbpf.h>
#include "collectors/l7.h"
#include "core/attach.h"
#include "core/bus.h"
#include "core/collector.h"
#include "core/log.h"
#include "core/loop.h"
#include "lib/fields.h"
#include "lib/metrics.h"
#include "lib/procmaps.h"
#include "l7.skel.h"

#define TLS_LIBS_MAX	64	/* library files tracked; more are counted, not attached */
#define TLS_PIDS_SHOWN	16
#define TLS_PENDING_MAX	256	/* execs waiting for a rescan */
#define TLS_FUNCS_MAX	8

enum tls_flavor { TLS_OPENSSL, TLS_GNUTLS, TLS_FLAVOR_MAX };

struct tls_func {
	const char *sym;
	int prog;		/* index into the programs below */
	bool required;		/* the library is "failed" without it */
};

enum { P_READ, P_WRITE, P_READ_EX, P_WRITE_EX, P_RECV, P_SEND, P_HS, P_MAX };

static const struct {
	const char *name, *prefix;	/* "openssl"; file names "libssl.so..." */
	struct tls_func funcs[TLS_FUNCS_MAX];
} flavors[TLS_FLAVOR_MAX] = {
	[TLS_OPENSSL] = { "openssl", "libssl.so", {
		{ "SSL_read", P_READ, true }, { "SSL_write", P_WRITE, true },
		{ "SSL_read_ex", P_READ_EX }, { "SSL_write_ex", P_WRITE_EX },	/* 1.1.1+ */
		{ "SSL_do_handshake", P_HS }, { "SSL_accept", P_HS }, { "SSL_connect", P_HS },
	} },
	[TLS_GNUTLS] = { "gnutls", "libgnutls.so", {
		{ "gnutls_record_recv", P_RECV, true }, { "gnutls_record_send", P_SEND, true },
		{ "gnutls_handshake", P_HS },
	} },
};

struct tls_lib {
	dev_t dev;
	ino_t ino;
	enum tls_flavor flavor;
	int fd;				/* the file, open: probes attach through it */
	char fdpath[32];		/* /proc/self/fd/N */
	char path[320];			/* as the first process seen maps it */
	char file[64];			/* its name: libssl.so.3 */
	struct attach *probes[2 * TLS_FUNCS_MAX];	/* entry and return of each function */
	unsigned nprobes, nattached, nmissing;
	char why[160];			/* the first required probe's failure */
	pid_t pids[TLS_PIDS_SHOWN];
	unsigned npids;			/* processes mapping it (may exceed the shown) */
	unsigned seen_gen;		/* the last full scan that found it mapped */
	bool pinned;			/* the system's own: kept whoever maps it */
};

struct tls_pending {
	pid_t pid;
	uint64_t due_ms;
	unsigned step;
};

struct l7_tls {
	struct collector *c;
	struct bpf_program *progs[P_MAX], *ret;
	struct tls_lib *libs[TLS_LIBS_MAX];
	unsigned nlibs, gen;
	struct tls_pending pending[TLS_PENDING_MAX];
	unsigned npending;
	struct loop_timer *rescan, *tick;
	bool ticking;
	struct bus_sub *sub;
	struct kind_mask lifecycle;
	uint64_t scans, scan_ns, libs_over, pending_over, detached;
	pid_t self;
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static uint64_t now_ms(void) { return now_ns() / 1000000; }

static int flavor_of(const char *file)
{
	for (int f = 0; f < TLS_FLAVOR_MAX; f++)
		if (!strncmp(file, flavors[f].prefix, strlen(flavors[f].prefix)))
			return f;
	return -1;
}

static struct tls_lib *lib_find(struct l7_tls *t, dev_t dev, ino_t ino)
{
	for (unsigned i = 0; i < t->nlibs; i++)
		if (t->libs[i]->dev == dev && t->libs[i]->ino == ino)
			return t->libs[i];
	return NULL;
}

static void lib_attach(struct l7_tls *t, struct tls_lib *l)
{
	const struct tls_func *fn = flavors[l->flavor].funcs;

	/* Returns first: an entry probe whose return is not there yet would
	 * leave its calls open. */
	for (int ret = 1; ret >= 0; ret--) {
		for (int i = 0; i < TLS_FUNCS_MAX && fn[i].sym; i++) {
			struct attach_spec spec = { .kind = ATTACH_UPROBE, .uprobe = {
				.path = l->fdpath, .func = fn[i].sym, .retprobe = ret, .pid = -1 } };
			struct attach *a = attach_set__add(t->c->as, ret ? t->ret : t->progs[fn[i].prog],
							   -1, NULL, &spec);

			if (!a)
				continue;
			l->probes[l->nprobes++] = a;
			if (attach__state(a) == ATTACH_ON) {
				l->nattached++;
				continue;
			}
			/* An optional function the build lacks is no failure. */
			if (!fn[i].required && attach__err(a) == -ENOENT)
				l->nmissing++;
			else if (!l->why[0])
				snprintf(l->why, sizeof(l->why), "%s: %s", fn[i].sym, attach__why(a));
		}
	}
	pr_info("l7: TLS %s %s: %u of %u uprobes attached%s%s", flavors[l->flavor].name, l->path,
		l->nattached, l->nprobes, l->why[0] ? ": " : "", l->why);
}

static void lib_detach(struct l7_tls *t, struct tls_lib *l)
{
	attach_set__remove(t->c->as, l->probes, l->nprobes);
	pr_info("l7: TLS %s %s: no process maps it, detached", flavors[l->flavor].name, l->path);
	t->detached++;
	close(l->fd);
	free(l);
}

/* A library file to trace, opened from open_path (named path where it was
 * found) and attached: NULL when the table is full or the file is gone. */
static struct tls_lib *lib_add(struct l7_tls *t, dev_t dev, ino_t ino, const char *open_path,
			       const char *path, int flavor, bool pinned)
{
	const char *base = strrchr(path, '/');
	struct tls_lib *l;

	if (t->nlibs == TLS_LIBS_MAX) {
		t->libs_over++;
		return NULL;
	}
	l = calloc(1, sizeof(*l));
	if (!l)
		return NULL;
	l->fd = open(open_path, O_RDONLY | O_CLOEXEC);
	if (l->fd < 0) {
		free(l);	/* gone meanwhile */
		return NULL;
	}
	snprintf(l->fdpath, sizeof(l->fdpath), "/proc/self/fd/%d", l->fd);
	l->dev = dev;
	l->ino = ino;
	l->flavor = flavor;
	l->pinned = pinned;
	snprintf(l->path, sizeof(l->path), "%s", path);
	snprintf(l->file, sizeof(l->file), "%s", base ? base + 1 : path);
	t->libs[t->nlibs++] = l;
	lib_attach(t, l);
	return l;
}

/* pid maps the library file of pm (named as in its own mount namespace).
 * The file is opened through the mapping itself, so probes attach to what
 * the process runs even after it exits, whatever its namespace or the
 * file's name now. */
static void lib_seen(struct l7_tls *t, pid_t pid, const struct procmaps_entry *pm, int flavor)
{
	struct tls_lib *l = lib_find(t, pm->dev, pm->ino);
	char mf[96];

	if (!l) {
		snprintf(mf, sizeof(mf), "/proc/%d/map_files/%" PRIx64 "-%" PRIx64, pid, pm->start, pm->end);
		l = lib_add(t, pm->dev, pm->ino, mf, pm->path, flavor, false);
		if (!l)
			return;
	}
	l->seen_gen = t->gen;
	for (unsigned i = 0; i < l->npids && i < TLS_PIDS_SHOWN; i++)
		if (l->pids[i] == pid)
			return;
	if (l->npids < TLS_PIDS_SHOWN)
		l->pids[l->npids] = pid;
	l->npids++;
}

/* Reads /proc/PID/maps for TLS libraries; each file once per process. */
static void scan_pid(struct l7_tls *t, pid_t pid)
{
	char path[64], line[4096], seen[4][64] = { "" };
	unsigned nseen = 0;
	FILE *f;

	if (pid == t->self)
		return;
	snprintf(path, sizeof(path), "/proc/%d/maps", pid);
	f = fopen(path, "re");
	if (!f)
		return;		/* gone, or a kernel thread */
	while (fgets(line, sizeof(line), f)) {
		struct procmaps_entry pm;
		const char *base;
		bool dup = false;
		int flavor;

		if (procmaps__parse(line, &pm) || !pm.ino || pm.path[0] != '/' ||
		    strstr(pm.path, " (deleted)"))
			continue;
		base = strrchr(pm.path, '/') + 1;
		flavor = flavor_of(base);
		if (flavor < 0)
			continue;
		/* Libraries are mapped in several segments: one look each. */
		for (unsigned i = 0; i < nseen; i++)
			dup |= !strcmp(seen[i], base);
		if (dup)
			continue;
		if (nseen < 4)
			snprintf(seen[nseen++], sizeof(seen[0]), "%s", base);
		lib_seen(t, pid, &pm, flavor);
	}
	fclose(f);
}

static void scan_all(struct l7_tls *t)
{
	DIR *d = opendir("/proc");
	struct dirent *de;

	uint64_t t0 = now_ns();

	if (!d)
		return;
	t->gen++;
	t->scans++;
	for (unsigned i = 0; i < t->nlibs; i++)
		t->libs[i]->npids = 0;
	while ((de = readdir(d)))
		if (isdigit((unsigned char)de->d_name[0]))
			scan_pid(t, atoi(de->d_name));
	closedir(d);
	for (unsigned i = 0; i < t->nlibs;) {
		if (t->libs[i]->seen_gen == t->gen || t->libs[i]->pinned) {
			i++;
			continue;
		}
		lib_detach(t, t->libs[i]);
		t->libs[i] = t->libs[--t->nlibs];
	}
	t->scan_ns += now_ns() - t0;
}

/* The system's TLS libraries, attached at start and kept: the first
 * program to load one after the agent started is traced from its first
 * call, where a scan would find it only after its loader ran. */
static void pin_system(struct l7_tls *t)
{
	static const char *const dirs[] = {
		"/usr/lib/x86_64-linux-gnu", "/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu",
		"/lib/aarch64-linux-gnu", "/usr/lib64", "/lib64", "/usr/lib", "/lib",
	};
	char path[320];

	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		DIR *d = opendir(dirs[i]);
		struct dirent *de;

		while (d && (de = readdir(d))) {
			int flavor = flavor_of(de->d_name);
			struct stat st;

			/* libssl.so.3, not the development link libssl.so */
			if (flavor < 0 || de->d_name[strlen(flavors[flavor].prefix)] != '.')
				continue;
			snprintf(path, sizeof(path), "%s/%s", dirs[i], de->d_name);
			if (stat(path, &st) || !S_ISREG(st.st_mode) || lib_find(t, st.st_dev, st.st_ino))
				continue;
			lib_add(t, st.st_dev, st.st_ino, path, path, flavor, true);
		}
		if (d)
			closedir(d);
	}
}

static void on_rescan(void *ctx, uint32_t events)
{
	scan_all(ctx);
}

/* Rescans of execs that are due: at once, after 100 ms, after 1 s. The
 * timer runs only while some are waiting. */
static void on_tick(void *ctx, uint32_t events)
{
	static const unsigned after_ms[] = { 100, 900 };
	struct l7_tls *t = ctx;
	uint64_t now = now_ms(), next = UINT64_MAX;

	for (unsigned i = 0; i < t->npending;) {
		struct tls_pending *p = &t->pending[i];

		if (p->due_ms > now) {
			i++;
			continue;
		}
		scan_pid(t, p->pid);
		if (p->step < sizeof(after_ms) / sizeof(after_ms[0])) {
			p->due_ms = now + after_ms[p->step++];
			i++;
		} else {
			*p = t->pending[--t->npending];
		}
	}
	for (unsigned i = 0; i < t->npending; i++)
		if (t->pending[i].due_ms < next)
			next = t->pending[i].due_ms;
	t->ticking = t->npending && !loop_timer__arm(t->tick, next > now ? next - now : 1, 0);
}

static void on_lifecycle(void *ctx, const struct event *ev)
{
	struct l7_tls *t = ctx;

	if (!ev->change || ev->change->type != PROC_CHANGE_EXEC || !ev->task)
		return;
	if (t->npending == TLS_PENDING_MAX) {
		t->pending_over++;	/* the periodic scan finds it */
		return;
	}
	t->pending[t->npending++] = (struct tls_pending){ ev->task->pid, 0, 0 };
	if (!t->ticking)
		t->ticking = !loop_timer__arm(t->tick, 1, 0);
}

struct l7_tls *l7_tls__start(struct collector *c, unsigned rescan_s, bool system)
{
	struct l7_bpf *skel = c->skel;
	struct l7_tls *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->c = c;
	t->self = getpid();
	t->progs[P_READ] = skel->progs.tls_read;
	t->progs[P_WRITE] = skel->progs.tls_write;
	t->progs[P_READ_EX] = skel->progs.tls_read_ex;
	t->progs[P_WRITE_EX] = skel->progs.tls_write_ex;
	t->progs[P_RECV] = skel->progs.tls_recv;
	t->progs[P_SEND] = skel->progs.tls_send;
	t->progs[P_HS] = skel->progs.tls_handshake;
	t->ret = skel->progs.tls_ret;
	if (system)
		pin_system(t);
	scan_all(t);
	kind_mask__with_flags(&t->lifecycle, EVENT_KIND_LIFECYCLE);
	t->sub = bus__subscribe(c->rt->bus, &t->lifecycle, on_lifecycle, t);
	t->tick = loop__timer_new(c->rt->loop, on_tick, t);
	if (!t->sub || !t->tick)
		goto fail;
	if (rescan_s) {
		t->rescan = loop__timer_new(c->rt->loop, on_rescan, t);
		if (!t->rescan || loop_timer__arm(t->rescan, rescan_s * 1000, rescan_s * 1000))
			goto fail;
	}
	return t;
fail:
	l7_tls__free(t);
	return NULL;
}

void l7_tls__free(struct l7_tls *t)
{
	if (!t)
		return;
	if (t->sub)
		bus__unsubscribe(t->c->rt->bus, t->sub);
	loop_timer__free(t->tick);
	loop_timer__free(t->rescan);
	/* The probes go with the collector's attach set. */
	for (unsigned i = 0; i < t->nlibs; i++) {
		close(t->libs[i]->fd);
		free(t->libs[i]);
	}
	free(t);
}

static const char *lib_state(const struct tls_lib *l)
{
	if (l->nattached + l->nmissing == l->nprobes)
		return "attached";
	return l->nattached ? "partial" : "failed";
}

void l7_tls__status(struct l7_tls *t, struct field_writer *w)
{
	fw__arr_begin(w, "tls_libraries");
	for (unsigned i = 0; t && i < t->nlibs; i++) {
		const struct tls_lib *l = t->libs[i];

		fw__obj_begin(w, NULL);
		fw__str(w, "library", flavors[l->flavor].name);
		fw__str(w, "file", l->file);
		fw__str(w, "path", l->path);
		fw__u64(w, "inode", l->ino);
		fw__str(w, "state", lib_state(l));
		fw__bool(w, "pinned", l->pinned);
		fw__u64(w, "uprobes", l->nprobes);
		fw__u64(w, "uprobes_attached", l->nattached);
		if (l->why[0])
			fw__str(w, "reason", l->why);
		fw__u64(w, "processes", l->npids);
		fw__arr_begin(w, "pids");
		for (unsigned k = 0; k < l->npids && k < TLS_PIDS_SHOWN; k++)
			fw__i64(w, NULL, l->pids[k]);
		fw__arr_end(w);
		fw__obj_end(w);
	}
	fw__arr_end(w);
}

void l7_tls__collect(struct l7_tls *t, struct metrics_writer *w)
{
	static const char *const states[] = { "attached", "partial", "failed" };
	uint64_t n[TLS_FLAVOR_MAX][3] = { { 0 } }, procs = 0;

	for (unsigned i = 0; t && i < t->nlibs; i++) {
		const struct tls_lib *l = t->libs[i];
		const char *s = lib_state(l);

		n[l->flavor][s[0] == 'a' ? 0 : s[0] == 'p' ? 1 : 2]++;
		procs += l->npids;
	}
	mw__family(w, "sonde_l7_tls_libraries", METRIC_GAUGE,
		   "TLS library files mapped by some process, by library and uprobe state.");
	for (int f = 0; f < TLS_FLAVOR_MAX; f++)
		for (int s = 0; s < 3; s++)
			mw__sample_u64(w, "sonde_l7_tls_libraries",
				       LABELS({ "library", flavors[f].name }, { "state", states[s] }), n[f][s]);
	mw__family(w, "sonde_l7_tls_processes", METRIC_GAUGE,
		   "Processes mapping a TLS library sonde traces (as of the last scan).");
	mw__sample_u64(w, "sonde_l7_tls_processes", NO_LABELS, procs);
	mw__family(w, "sonde_l7_tls_scans_total", METRIC_COUNTER,
		   "Full scans of every process's mappings for TLS libraries.");
	mw__sample_u64(w, "sonde_l7_tls_scans_total", NO_LABELS, t ? t->scans : 0);
	mw__family(w, "sonde_l7_tls_scan_seconds_total", METRIC_COUNTER,
		   "Time the full scans took, on the agent's loop.");
	mw__sample(w, "sonde_l7_tls_scan_seconds_total", NO_LABELS, t ? t->scan_ns / 1e9 : 0);
	mw__family(w, "sonde_l7_tls_untracked_total", METRIC_COUNTER,
		   "TLS library files or exec rescans past the tracked bounds, by what.");
	mw__sample_u64(w, "sonde_l7_tls_untracked_total", LABELS({ "what", "library" }),
		       t ? t->libs_over : 0);
	mw__sample_u64(w, "sonde_l7_tls_untracked_total", LABELS({ "what", "exec_rescan" }),
		       t ? t->pending_over : 0);
}
