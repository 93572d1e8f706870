// SPDX-License-Identifier: Apache-2.0
/* The tracing language's runtime (rt.h): text -> parse -> check -> maps
 * and ring buffer -> generated programs loaded with bpf_prog_load ->
 * attached through the attach set. Records from the ring buffer are
 * formatted here (rt_out.c prints maps and printf()s). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <linux/perf_event.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "core/attach.h"
#include "core/features.h"
#include "lang/check.h"
#include "lang/gen.h"
#include "lang/parse.h"
#include "lang/rt.h"
#include "lang/rt_int.h"

#define RB_BYTES   (256u << 10) /* mapped into the process: counted in its RSS */
#define PRINTFS_MAX 256
#define PROGS_MAX  1024

static int show_verifier(char *err, size_t errsz, const char *what, const char *log, int e)
{
	const char *last = log, *p;

	/* The verifier's reason is its last non-empty line but the
	 * summary ("processed N insns"); keep the tail short. */
	for (p = log; *p; p++)
		if (*p == '\n' && p[1] && strncmp(p + 1, "processed ", 10) && strncmp(p + 1, "verification time", 17))
			last = p + 1;
	snprintf(err, errsz, "%s: the kernel refused the generated program (%s): %.*s", what,
		 strerror(-e), (int)strcspn(last, "\n"), last);
	return e;
}

static int make_maps(struct lang_run *r, char *err, size_t errsz)
{
	struct lang_program *p = r->prog;
	unsigned i = 0;

	r->layout = calloc(p->nmaps ? p->nmaps : 1, sizeof(*r->layout));
	r->map_fds = calloc(p->nmaps ? p->nmaps : 1, sizeof(*r->map_fds));
	if (!r->layout || !r->map_fds)
		return -ENOMEM;
	r->nmap_fds = p->nmaps;
	lang_gen__layout(p, r->layout);
	for (unsigned k = 0; k < p->nmaps; k++)
		r->map_fds[k] = -1;
	for (struct lang_map *m = p->maps; m; m = m->next, i++) {
		const struct lang_map_layout *l = &r->layout[m->id];
		char name[BPF_OBJ_NAME_LEN] = "sonde_";
		size_t n = strlen(name);

		/* Map names are [A-Za-z0-9_.]: "@" is spelt "at". */
		for (const char *s = m->name[1] ? m->name + 1 : "at"; *s && n < sizeof(name) - 1; s++)
			name[n++] = (*s == '_' || (*s >= '0' && *s <= '9') || ((*s | 32) >= 'a' && (*s | 32) <= 'z')) ? *s : '_';
		name[n] = '\0';
		r->map_fds[m->id] = bpf_map_create(l->type, name, l->key_size, l->value_size,
						   l->max_entries, NULL);
		if (r->map_fds[m->id] < 0) {
			int e = -errno;

			snprintf(err, errsz, "creating map %s (%u-byte keys, %u-byte values): %s", m->name,
				 l->key_size, l->value_size, strerror(-e));
			return e;
		}
	}
	r->rb_fd = bpf_map_create(BPF_MAP_TYPE_RINGBUF, "sonde_run_rb", 0, 0, RB_BYTES, NULL);
	if (r->rb_fd < 0) {
		int e = -errno;

		snprintf(err, errsz, "creating the ring buffer: %s", strerror(-e));
		return e;
	}
	return 0;
}

static int load_one(struct lang_run *r, struct lang_probe *probe, struct lang_attach *a,
		    const struct lang_tp_ref *tp, char *err, size_t errsz)
{
	static struct bpf_insn insns[LANG_PROG_INSNS_MAX];
	static char log[1 << 20];
	LIBBPF_OPTS(bpf_prog_load_opts, o);
	struct rt_prog *pr;
	char what[160];
	int n, fd;

	if (r->nprogs >= PROGS_MAX) {
		snprintf(err, errsz, "more than %d programs (wildcards that match too much?)", PROGS_MAX);
		return -E2BIG;
	}
	n = lang__gen(r->prog, probe, a, tp, &r->gen, insns, LANG_PROG_INSNS_MAX, err, errsz);
	if (n < 0)
		return n;
	snprintf(what, sizeof(what), "%s%s%s%s", a->raw, tp ? " (" : "", tp ? tp->name : "", tp ? ")" : "");
	fd = bpf_prog_load(lang_gen__prog_type(a), "sonde_run", "GPL", insns, n, &o);
	if (fd < 0) {
		int e = -errno;

		/* Again with the log, only to say why. */
		o.log_buf = log, o.log_size = sizeof(log), o.log_level = 1;
		log[0] = '\0';
		fd = bpf_prog_load(lang_gen__prog_type(a), "sonde_run", "GPL", insns, n, &o);
		if (fd >= 0)
			close(fd);
		return show_verifier(err, errsz, what, log, e);
	}
	pr = &r->progs[r->nprogs++];
	*pr = (struct rt_prog){ .fd = fd, .probe = probe, .a = a, .tp = tp, .insns = n };
	return 0;
}

static bool uses(const struct lang_program *p, const char *const *types)
{
	for (const struct lang_probe *pr = p->probes; pr; pr = pr->next)
		for (const struct lang_attach *a = pr->attach; a; a = a->next)
			for (const char *const *t = types; *t; t++)
				if (!strcmp(a->type, *t))
					return true;
	return false;
}

/* Only the probe types the program uses are probed: each probe attaches
 * and detaches, and a detach waits for RCU (tens of ms at exit). */
static void probe_features(const struct lang_program *p, struct features *f, struct lang_env *env)
{
	static const char *const k[] = { "kprobe", "kretprobe", "kfunc", "kretfunc", NULL };
	static const char *const rt[] = { "rawtracepoint", NULL };
	static const char *const u[] = { "uprobe", "uretprobe", "usdt", NULL };
	static const char *const perf[] = { "profile", "interval", "software", "hardware", NULL };

	if (uses(p, k))
		env->has_kprobe = features__has(f, FEAT_KPROBE);
	if (uses(p, rt))
		env->has_rawtp = features__has(f, FEAT_RAW_TP);
	/* These two without a BPF object (whose CO-RE relocations would load
	 * the kernel's BTF, 5 MB of RSS): the PMU is there or not. */
	if (uses(p, u))
		env->has_uprobe = !access("/sys/bus/event_source/devices/uprobe/type", F_OK);
	if (uses(p, perf)) {
		struct perf_event_attr attr = { .type = PERF_TYPE_SOFTWARE, .size = sizeof(attr),
						.config = PERF_COUNT_SW_CPU_CLOCK, .disabled = 1 };
		int fd = syscall(__NR_perf_event_open, &attr, -1, 0, -1, PERF_FLAG_FD_CLOEXEC);

		env->has_perf_event = fd >= 0;
		if (fd >= 0)
			close(fd);
	}
}

int lang_run__open(struct lang_run **out, const char *file, const char *text, size_t len,
		   const struct lang_run_opts *o, char *err, size_t errsz)
{
	struct lang_run *r = calloc(1, sizeof(*r));
	struct lang_env env;
	struct timespec ts;
	int ret;

	*out = NULL;
	if (!r)
		return -ENOMEM;
	r->opts = *o;
	if (!r->opts.out)
		r->opts.out = stdout;
	r->progs = calloc(PROGS_MAX, sizeof(*r->progs));
	r->gen.printfs = calloc(PRINTFS_MAX, sizeof(*r->gen.printfs));
	r->rb_fd = -1;
	if (!r->progs || !r->gen.printfs) {
		ret = -ENOMEM;
		goto fail;
	}
	ret = lang__parse(file, text, len, &r->prog, err, errsz);
	if (ret)
		goto fail;
	lang_env__host(&env, o->tracefs);
	if (o->feat)
		probe_features(r->prog, o->feat, &env);
	env.unsafe = o->unsafe;
	ret = lang__check(r->prog, &env, text, len, err, errsz);
	if (ret)
		goto fail;
	ret = make_maps(r, err, errsz);
	if (ret)
		goto fail;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	r->gen.map_fds = r->map_fds;
	r->gen.rb_fd = r->rb_fd;
	r->gen.start_ns = ts.tv_sec * 1000000000ULL + ts.tv_nsec;
	r->gen.max_printfs = PRINTFS_MAX;
	for (struct lang_probe *p = r->prog->probes; p; p = p->next) {
		for (struct lang_attach *a = p->attach; a; a = a->next) {
			if (!strcmp(a->type, "tracepoint")) {
				for (const struct lang_tp_ref *tp = a->tps; tp; tp = tp->next)
					if ((ret = load_one(r, p, a, tp, err, errsz)))
						goto fail;
			} else if ((ret = load_one(r, p, a, NULL, err, errsz))) {
				goto fail;
			}
		}
	}
	r->rb = ring_buffer__new(r->rb_fd, rt__on_record, r, NULL);
	if (!r->rb) {
		ret = -errno;
		snprintf(err, errsz, "reading the ring buffer: %s", strerror(-ret));
		goto fail;
	}
	*out = r;
	return 0;
fail:
	lang_run__free(r);
	return ret;
}

/* What the attach set needs for a probe type ("interval", "uprobe"...). */
static int spec_of(const struct rt_prog *p, struct attach_spec *s, char *path, size_t psz, char *err,
		   size_t errsz)
{
	const struct lang_attach *a = p->a;
	const char *t = a->type;

	memset(s, 0, sizeof(*s));
	if (!strcmp(t, "tracepoint")) {
		s->kind = ATTACH_TRACEPOINT;
		s->tp.category = p->tp->cat;
		s->tp.name = p->tp->name;
	} else if (!strcmp(t, "profile") || !strcmp(t, "interval")) {
		uint64_t n = strtoull(a->parts[1], NULL, 10), ns;
		const char *u = a->parts[0];

		s->kind = ATTACH_PERF_EVENT;
		s->perf.type = PERF_TYPE_SOFTWARE;
		s->perf.config = PERF_COUNT_SW_CPU_CLOCK;
		s->perf.pid = -1;
		/* interval fires on one CPU, profile on each */
		s->perf.cpu = !strcmp(t, "interval") ? 0 : -1;
		if (!strcmp(u, "hz")) {
			s->perf.freq = true;
			s->perf.sample = n;
			return n ? 0 : -EINVAL;
		}
		ns = !strcmp(u, "s") ? 1000000000ULL : !strcmp(u, "ms") ? 1000000ULL : 1000ULL;
		s->perf.sample = n * ns;
	} else if (!strcmp(t, "uprobe") || !strcmp(t, "uretprobe")) {
		int e = rt__lib_path(a->parts[0], path, psz);

		if (e) {
			snprintf(err, errsz, "%s: no binary or library '%s' found", a->raw, a->parts[0]);
			return e;
		}
		s->kind = ATTACH_UPROBE;
		s->uprobe.path = path;
		s->uprobe.func = a->parts[1];
		s->uprobe.retprobe = !strcmp(t, "uretprobe");
		s->uprobe.pid = -1;
	} else {
		snprintf(err, errsz, "%s: probes of type %s cannot be attached by sonde run yet", a->raw, t);
		return -EOPNOTSUPP;
	}
	return 0;
}

static bool run_once(const struct rt_prog *p, const char *which)
{
	return !strcmp(p->a->type, which);
}

int lang_run__attach(struct lang_run *r, struct attach_set *as, char *err, size_t errsz)
{
	unsigned n = 0;

	for (unsigned i = 0; i < r->nprogs; i++) {
		struct rt_prog *p = &r->progs[i];
		struct attach_spec s;
		char path[4096];
		struct attach *at;
		int e;

		n++;
		if (run_once(p, "BEGIN") || run_once(p, "END"))
			continue;
		if ((e = spec_of(p, &s, path, sizeof(path), err, errsz)))
			return e;
		at = attach_set__add(as, NULL, p->fd, "sonde_run", &s);
		if (!at)
			return -ENOMEM;
		if (attach__state(at) == ATTACH_FAILED) {
			snprintf(err, errsz, "%s: %s", p->a->raw, attach__why(at));
			return attach__err(at) ? attach__err(at) : -EINVAL;
		}
	}
	/* bpftrace counts attach points, BEGIN and END included. */
	n = 0;
	for (struct lang_probe *p = r->prog->probes; p; p = p->next)
		for (struct lang_attach *a = p->attach; a; a = a->next)
			n += a->ntps ? a->ntps : 1;
	if (r->opts.fmt == LANG_OUT_JSON)
		fprintf(r->opts.out, "{\"type\": \"attached_probes\", \"data\": {\"probes\": %u}}\n", n);
	else
		fprintf(r->opts.out, "Attaching %u probe%s...\n", n, n == 1 ? "" : "s");
	fflush(r->opts.out);
	return 0;
}

static int run_all(struct lang_run *r, const char *which, char *err, size_t errsz)
{
	for (unsigned i = 0; i < r->nprogs; i++) {
		LIBBPF_OPTS(bpf_test_run_opts, t);

		if (!run_once(&r->progs[i], which))
			continue;
		if (bpf_prog_test_run_opts(r->progs[i].fd, &t)) {
			int e = -errno;

			if (err)
				snprintf(err, errsz, "running %s: %s", which, strerror(-e));
			return e;
		}
		ring_buffer__consume(r->rb);
	}
	return 0;
}

int lang_run__begin(struct lang_run *r, char *err, size_t errsz)
{
	return run_all(r, "BEGIN", err, errsz);
}

int lang_run__poll(struct lang_run *r, int timeout_ms)
{
	int n;

	if (r->exiting) /* BEGIN may have called exit() */
		return 1;
	n = ring_buffer__poll(r->rb, timeout_ms);

	if (n < 0 && n != -EINTR)
		return n;
	return r->exiting;
}

void lang_run__end(struct lang_run *r)
{
	ring_buffer__consume(r->rb);
	run_all(r, "END", NULL, 0);
	fputs("\n\n", r->opts.out);
	rt__print_all(r);
	fflush(r->opts.out);
}

void lang_run__free(struct lang_run *r)
{
	if (!r)
		return;
	ring_buffer__free(r->rb);
	for (unsigned i = 0; r->progs && i < r->nprogs; i++)
		close(r->progs[i].fd);
	for (unsigned i = 0; r->map_fds && i < r->nmap_fds; i++)
		if (r->map_fds[i] >= 0)
			close(r->map_fds[i]);
	if (r->rb_fd >= 0)
		close(r->rb_fd);
	lang_program__free(r->prog);
	free(r->progs);
	free(r->gen.printfs);
	free(r->layout);
	free(r->map_fds);
	free(r);
}
