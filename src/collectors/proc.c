/* Process lifecycle: exec, fork and exit events with identity and
 * ancestry. User side of bpf/proc.bpf.c. */
#include <errno.h>
#include <stddef.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <bpf/libbpf.h>
#include "core/collector.h"
#include "identity/container.h"
#include "core/events.h"
#include "core/rb_reader.h"
#include "core/filter.h"
#include "lib/fspath.h"
#include "identity/identity.h"
#include "sonde/proc.h"
#include "proc.skel.h"

static const char *const drop_reasons[PROC_DROP_MAX + 1] = {
	[PROC_DROP_RINGBUF_FULL] = "ringbuf_full",
};

static const char *const ev_names[] = { [PROC_EV_EXEC] = "exec", [PROC_EV_FORK] = "fork",
					[PROC_EV_EXIT] = "exit" };

/* execs by binary name: the first max_binaries names get a series each,
 * later ones count as "other", so every series stays a monotonic counter
 * (a moving top-K would make series vanish and "other" jump). */
struct bin_count {
	char name[64];
	uint64_t n;
};

struct proc_priv {
	struct bin_count *bins;
	size_t nbins, max_bins;
	uint64_t other_bins;
	struct proc_bpf *skel;
	struct rb_reader *eb;
	struct proc_cache *cache;
	uint64_t seen[4];	/* events delivered, by type */
	uint64_t malformed;
	int64_t mono_to_real;	/* CLOCK_REALTIME - CLOCK_MONOTONIC, ns */
};

/* What one event's JSON carries besides the envelope. */
struct proc_payload {
	const struct sonde_proc_event *e;
	struct identity id;
};

static void write_argv(struct json_writer *w, const struct sonde_proc_event *e)
{
	size_t n = e->args_len < PROC_ARGS_MAX ? e->args_len : PROC_ARGS_MAX;

	jw__key(w, "argv");
	jw__arr_begin(w);
	for (size_t i = 0; i < n;) {
		const char *a = e->args + i;
		size_t len = strnlen(a, n - i);

		jw__strn(w, a, len);
		i += len + 1;
	}
	jw__arr_end(w);
	jw__key(w, "argv_truncated"); jw__bool(w, e->flags & PROC_F_ARGS_TRUNCATED);
	if (e->flags & PROC_F_ARGS_UNREADABLE) {
		jw__key(w, "argv_unreadable"); jw__bool(w, true);
	}
}

static void proc_fields(struct json_writer *w, const void *payload)
{
	const struct proc_payload *pl = payload;
	const struct sonde_proc_event *e = pl->e;

	jw__key(w, "ppid"); jw__u64(w, e->ppid);
	jw__key(w, "uid"); jw__u64(w, e->uid);
	jw__key(w, "gid"); jw__u64(w, e->gid);
	/* exec events carry argv whole; fork and exit get the cached args. */
	identity__write(w, &pl->id, e->type != PROC_EV_EXEC);
	if (e->type == PROC_EV_EXEC) {
		if (e->flags & PROC_F_PATH_UNREADABLE) {
			jw__key(w, "binary_unreadable"); jw__bool(w, true);
		}
		write_argv(w, e);
	} else if (e->type == PROC_EV_EXIT) {
		jw__key(w, "exit_code"); jw__i64(w, (e->exit_code >> 8) & 0xff);
		jw__key(w, "signal"); jw__i64(w, e->exit_code & 0x7f);
		jw__key(w, "lifetime_ns"); jw__u64(w, e->ts_ns - e->start_ns);
	}
}

static void proc_text(struct strbuf *sb, const void *payload)
{
	const struct proc_payload *pl = payload;
	const struct sonde_proc_event *e = pl->e;

	sb__printf(sb, "%-7u ", e->ppid);
	if (e->type == PROC_EV_EXEC) {
		size_t n = e->args_len < PROC_ARGS_MAX ? e->args_len : PROC_ARGS_MAX;

		for (size_t i = 0; i < n;) {
			size_t len = strnlen(e->args + i, n - i);

			sb__printf(sb, "%s%.*s", i ? " " : "", (int)len, e->args + i);
			i += len + 1;
		}
		if (e->flags & PROC_F_ARGS_TRUNCATED)
			sb__puts(sb, " ...");
		if (e->flags & PROC_F_ARGS_UNREADABLE)
			sb__puts(sb, "[argv unreadable]");
	} else if (e->type == PROC_EV_EXIT) {
		sb__printf(sb, "exit %d", (e->exit_code >> 8) & 0xff);
		if (e->exit_code & 0x7f)
			sb__printf(sb, " signal %d", e->exit_code & 0x7f);
		sb__printf(sb, " after %.3f s", (e->ts_ns - e->start_ns) / 1e9);
	} else {
		sb__printf(sb, "%s", pl->id.self.binary);
	}
}

static void count_binary(struct proc_priv *pp, const char *path)
{
	const char *base = strrchr(path, '/');

	base = base ? base + 1 : path;
	for (size_t i = 0; i < pp->nbins; i++) {
		if (!strncmp(pp->bins[i].name, base, sizeof(pp->bins[i].name) - 1)) {
			pp->bins[i].n++;
			return;
		}
	}
	if (pp->nbins == pp->max_bins) {
		pp->other_bins++;
		return;
	}
	snprintf(pp->bins[pp->nbins].name, sizeof(pp->bins[0].name), "%.63s", base);
	pp->bins[pp->nbins++].n = 1;
}

static int on_event(void *ctx, void *data, size_t size)
{
	struct proc_priv *pp = ctx;
	struct sonde_proc_event *e = data;
	struct proc_info *p, *parent;
	static struct proc_payload pl;	/* ~40 KiB of ancestry: not on the stack */
	char comm[SONDE_COMM_LEN + 1] = {};

	if (size < PROC_EV_HDR_SIZE || e->type < PROC_EV_EXEC || e->type > PROC_EV_EXIT ||
	    (e->type == PROC_EV_EXEC && (size < offsetof(struct sonde_proc_event, args) ||
					 e->args_len > PROC_ARGS_MAX || e->cwd_len > PROC_CWD_MAX ||
					 (size_t)e->args_len + e->cwd_len >
						 size - offsetof(struct sonde_proc_event, args) ||
					 (e->cwd_len && e->args[e->args_len + e->cwd_len - 1])))) {
		pp->malformed++;
		return 0;
	}
	pp->seen[e->type]++;
	pl.e = e;
	memcpy(comm, e->comm, SONDE_COMM_LEN);
	parent = proc_cache__get(pp->cache, e->ppid);
	if (e->type == PROC_EV_EXIT) {
		p = proc_cache__get(pp->cache, e->pid);
		if (!p || p->start_ns != e->start_ns) {
			/* Started before the agent (or evicted): identity from the event. */
			p = proc_cache__put(pp->cache, e->pid, e->start_ns, e->start_ns, e->ts_ns);
			p->ppid = e->ppid;
		}
		proc_cache__exit(pp->cache, e->pid, e->ts_ns);
	} else {
		uint64_t exec_ns = e->type == PROC_EV_EXEC ? e->ts_ns : e->start_ns;
		struct proc_info from = {};

		/* fork: the child runs its parent's image, in its directory,
		 * with its arguments, until it execs. Copied before the put,
		 * which may evict the parent. */
		if (e->type == PROC_EV_FORK && parent)
			from = *parent;
		p = proc_cache__put(pp->cache, e->pid, e->start_ns, exec_ns, e->ts_ns);
		p->ppid = e->ppid;
		p->uid = e->uid;
		p->gid = e->gid;
		snprintf(p->comm, sizeof(p->comm), "%s", comm);
		if (e->type == PROC_EV_EXEC) {
			snprintf(p->binary, sizeof(p->binary), "%.*s", PROC_PATH_MAX, e->path);
			if (e->cwd_len)
				fspath__unreverse(e->args + e->args_len, p->cwd, sizeof(p->cwd));
			else	/* the kernel could not say: /proc, if it is still there */
				proc_cwd(e->pid, p->cwd, sizeof(p->cwd));
			proc_info__set_args(p, e->args, e->args_len);
			count_binary(pp, p->binary);
		} else {
			snprintf(p->binary, sizeof(p->binary), "%s", from.binary);
			snprintf(p->cwd, sizeof(p->cwd), "%s", from.cwd);
			snprintf(p->args, sizeof(p->args), "%s", from.args);
		}
	}
	if (parent && parent->start_ns == e->parent_start_ns && !p->parent_exec_id[0])
		snprintf(p->parent_exec_id, sizeof(p->parent_exec_id), "%s", parent->exec_id);
	else if (parent && !p->parent_exec_id[0] && parent->exec_ns == parent->start_ns &&
		 e->parent_start_ns / 10000000 == parent->start_ns / 10000000)
		/* Seeded from /proc, whose start times have tick precision. */
		snprintf(p->parent_exec_id, sizeof(p->parent_exec_id), "%s", parent->exec_id);
	identity__complete(&pl.id, p, e->pid, e->cgroup_id);
	{
		struct sonde_event ev = {
			.time_ns = e->ts_ns + pp->mono_to_real, .type = ev_names[e->type],
			.pid = e->pid, .tid = e->tid, .comm = comm, .fields = proc_fields, .text = proc_text,
			.payload = &pl,
		};

		events__emit(&ev);
	}
	return 0;
}

static int proc_probe(const struct features *feat, char *why, size_t why_sz)
{
	if (!features__has(feat, FEAT_TP_BTF)) {
		snprintf(why, why_sz, "needs tp_btf: %s", feat->f[FEAT_TP_BTF].why);
		return -EOPNOTSUPP;
	}
	if (!features__has(feat, FEAT_RINGBUF)) {
		snprintf(why, why_sz, "needs the BPF ring buffer: %s", feat->f[FEAT_RINGBUF].why);
		return -EOPNOTSUPP;
	}
	return 0;
}

static int proc_start(struct collector *c, const struct sonde_config *cfg, struct loop *loop)
{
	struct proc_priv *pp = calloc(1, sizeof(*pp));
	int err;

	if (!pp)
		return -ENOMEM;
	c->priv = pp;
	c->hook = "tp_btf";
	pp->mono_to_real = events__mono_to_real();
	pp->max_bins = cfg->proc.max_binaries;
	pp->bins = calloc(pp->max_bins ? pp->max_bins : 1, sizeof(*pp->bins));
	pp->cache = identity__get(cfg);
	pp->skel = proc_bpf__open();
	if (!pp->cache || !pp->skel || !pp->bins)
		return -ENOMEM;
	c->obj = pp->skel->obj;
	rb_reader__set_size(pp->skel->maps.events, cfg->proc.ringbuf_bytes);
	err = filter__apply(pp->skel->rodata, &cfg->filter, c->why, sizeof(c->why));
	if (err)
		return err;
	err = proc_bpf__load(pp->skel);
	if (err) {
		snprintf(c->why, sizeof(c->why), "loading programs: %s", strerror(-err));
		return err;
	}
	pp->eb = rb_reader__open(pp->skel->maps.events, on_event, pp, loop);
	if (!pp->eb) {
		snprintf(c->why, sizeof(c->why), "ring buffer: %s", strerror(errno));
		return -errno;
	}
	err = proc_bpf__attach(pp->skel);
	if (err)
		snprintf(c->why, sizeof(c->why), "attaching: %s", strerror(-err));
	return err;
}

static void proc_stop(struct collector *c)
{
	struct proc_priv *pp = c->priv;

	if (!pp)
		return;
	if (pp->eb)
		rb_reader__drain(pp->eb);	/* deliver what is queued */
	rb_reader__free(pp->eb);
	proc_bpf__destroy(pp->skel);
	if (pp->cache)
		identity__put();
	free(pp->bins);
	free(pp);
}

static int proc_collect(struct collector *c, struct metrics_writer *w)
{
	struct proc_priv *pp = c->priv;
	uint64_t hits, misses, evictions;

	rb_reader__drain(pp->eb);
	mw__family(w, "sonde_process_events_total", "counter",
		   "Process lifecycle events delivered, by type.");
	for (int t = PROC_EV_EXEC; t <= PROC_EV_EXIT; t++)
		mw__sample_u64(w, "sonde_process_events_total", LABELS({ "type", ev_names[t] }),
			       pp->seen[t]);
	mw__family(w, "sonde_process_execs_total", "counter",
		   "execs by binary name (the first proc.max_binaries names; later ones are \"other\").");
	for (size_t i = 0; i < pp->nbins; i++)
		mw__sample_u64(w, "sonde_process_execs_total", LABELS({ "binary", pp->bins[i].name }),
			       pp->bins[i].n);
	mw__sample_u64(w, "sonde_process_execs_total", LABELS({ "binary", "other" }), pp->other_bins);
	proc_cache__stats(pp->cache, &hits, &misses, &evictions);
	mw__family(w, "sonde_process_cache_entries", "gauge", "Processes in the identity cache.");
	mw__sample_u64(w, "sonde_process_cache_entries", NO_LABELS, proc_cache__size(pp->cache));
	mw__family(w, "sonde_process_cache_lookups_total", "counter",
		   "Identity cache lookups, by result.");
	mw__sample_u64(w, "sonde_process_cache_lookups_total", LABELS({ "result", "hit" }), hits);
	mw__sample_u64(w, "sonde_process_cache_lookups_total", LABELS({ "result", "miss" }), misses);
	mw__family(w, "sonde_process_cache_evictions_total", "counter",
		   "Processes evicted from the full identity cache.");
	mw__sample_u64(w, "sonde_process_cache_evictions_total", NO_LABELS, evictions);
	return 0;
}

/* Selftest: what the events said about one child. */
struct st_sink {
	struct sink sink;
	pid_t pid;
	bool fork, exec, exit;
	char argv0[32];
	int exit_code;
};

static int st_emit(struct sink *s, const struct sonde_event *ev)
{
	struct st_sink *st = (struct st_sink *)s;
	const struct proc_payload *pl = ev->payload;

	if ((pid_t)ev->pid != st->pid)
		return 0;
	if (pl->e->type == PROC_EV_FORK)
		st->fork = true;
	else if (pl->e->type == PROC_EV_EXEC) {
		st->exec = true;
		snprintf(st->argv0, sizeof(st->argv0), "%.*s", (int)strnlen(pl->e->args, pl->e->args_len),
			 pl->e->args);
	} else {
		st->exit = true;
		st->exit_code = (pl->e->exit_code >> 8) & 0xff;
	}
	return 0;
}

static int st_done(void *ctx)
{
	return ((const struct st_sink *)ctx)->exit;
}

/* A child forks, execs this binary under a known name and exits 2 (an
 * unknown command): its fork, exec (argv) and exit (code) must all be seen. */
static int proc_selftest(struct collector *c, char *msg, size_t sz)
{
	struct proc_priv *pp = c->priv;
	struct st_sink st = { .sink = { .name = "selftest", .emit = st_emit } };
	int status;

	events__add_sink(&st.sink);
	st.pid = fork();
	if (st.pid == 0) {
		int fd = open("/dev/null", O_WRONLY);

		if (fd >= 0)
			dup2(fd, 2);
		execl("/proc/self/exe", "sonde-selftest", "no-such-command", (char *)NULL);
		_exit(127);
	}
	if (st.pid > 0)
		waitpid(st.pid, &status, 0);
	rb_reader__drain_until(pp->eb, st_done, &st, 500);
	events__remove_sink(&st.sink);
	if (st.pid < 0) {
		snprintf(msg, sz, "fork: %s", strerror(errno));
		return -errno;
	}
	if (!st.fork || !st.exec || !st.exit || strcmp(st.argv0, "sonde-selftest") || st.exit_code != 2) {
		snprintf(msg, sz, "child %d: fork %s, exec %s (argv[0] '%s'), exit %s (code %d, want 2)",
			 st.pid, st.fork ? "seen" : "missing", st.exec ? "seen" : "missing", st.argv0,
			 st.exit ? "seen" : "missing", st.exit_code);
		return -EBADMSG;
	}
	snprintf(msg, sz, "fork, exec (argv) and exit (code 2) of a child seen");
	return 0;
}

static const char *const event_types[] = { "exec", "fork", "exit", NULL };

const struct collector_ops proc_collector = {
	.name = "proc",
	.event_types = event_types,
	.text_header = "PPID    DETAILS",
	.summary = "process exec, fork and exit events with identity and ancestry (sched tracepoints)",
	.elf_bytes = proc_bpf__elf_bytes,
	.drop_reasons = drop_reasons,
	.selftest = proc_selftest,
	.probe = proc_probe,
	.start = proc_start,
	.collect = proc_collect,
	.stop = proc_stop,
};
