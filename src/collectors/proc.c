// SPDX-License-Identifier: Apache-2.0
/* Process lifecycle: exec, fork and exit events with identity and
 * ancestry. User side of bpf/proc.bpf.c. */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <bpf/libbpf.h>
#include "core/collector.h"
#include "identity/identity.h"
#include "lib/fields.h"
#include "lib/redact.h"
#include "lib/fspath.h"
#include "lib/metrics.h"
#include "lib/strbuf.h"
#include "sonde/proc.h"
#include "proc.skel.h"

struct proc_config {
	long ringbuf_bytes;
	long max_binaries;
};

#define F(f) OPT_FIELD(struct proc_config, f)
static const struct opt proc_opts[] = {
	{ "proc.ringbuf_bytes", "proc-ringbuf-bytes", 0, OPT_INT, F(ringbuf_bytes), 4096,
	  1L << 30, NULL, "4M", "BYTES", "ring buffer for process events (a power of two)" },
	{ "proc.max_binaries", "proc-max-binaries", 0, OPT_INT, F(max_binaries), 0, 10000, NULL,
	  "100", "N", "binary names with their own exec counter; later names count as \"other\"" },
	{ 0 }
};
#undef F

static const struct config_section proc_section = {
	.name = "proc", .opts = proc_opts, .size = sizeof(struct proc_config),
};

static const char *const drop_reasons[PROC_DROP_MAX + 1] = {
	[PROC_DROP_RINGBUF_FULL] = "ringbuf_full",
};

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
	uint64_t seen[PROC_EV_EXIT + 1];	/* events delivered, by type */
	char binary[PROC_PATH_MAX + 1];
	char cwd[PROC_CWD_MAX + 1];
	/* argv with secrets redacted: REDACTED at most doubles an argument
	 * (the shortest redacted one, "-u" "a:", grows by 8 of 5 bytes). */
	char args[3 * PROC_ARGS_MAX];
};

/* argv as proc_record redacted it (ev->change). */
static void write_argv(struct field_writer *w, const struct event *ev)
{
	const struct sonde_proc_event *e = ev->payload;
	const char *args = ev->change->argv;
	size_t n = ev->change->argv_len;

	fw__arr_begin(w, "argv");
	for (size_t i = 0; i < n;) {
		const char *a = args + i;
		size_t len = strnlen(a, n - i);

		fw__strn(w, NULL, a, len);
		i += len + 1;
	}
	fw__arr_end(w);
	fw__bool(w, "argv_truncated", e->flags & PROC_F_ARGS_TRUNCATED);
	if (e->flags & PROC_F_ARGS_UNREADABLE)
		fw__bool(w, "argv_unreadable", true);
}

static void proc_fields(const struct event *ev, struct field_writer *w)
{
	const struct sonde_proc_event *e = ev->payload;

	if (e->task.kind == PROC_EV_EXEC) {
		if (e->flags & PROC_F_PATH_UNREADABLE)
			fw__bool(w, "binary_unreadable", true);
		write_argv(w, ev);
	} else if (e->task.kind == PROC_EV_EXIT) {
		fw__i64(w, "exit_code", (e->exit_code >> 8) & 0xff);
		fw__i64(w, "signal", e->exit_code & 0x7f);
		fw__u64(w, "lifetime_ns", e->task.ts_ns - e->task.start_ns);
	}
}

static const char *signame(int sig, char *buf, size_t sz)
{
	const char *abbrev = sigabbrev_np(sig);

	if (abbrev)
		snprintf(buf, sz, "SIG%s", abbrev);
	else
		snprintf(buf, sz, "signal %d", sig);
	return buf;
}

static void proc_text(const struct event *ev, struct strbuf *sb)
{
	const struct sonde_proc_event *e = ev->payload;
	char name[32];

	sb__printf(sb, "%-7u ", e->task.ppid);
	if (e->task.kind == PROC_EV_EXEC) {
		const char *args = ev->change->argv;
		size_t n = ev->change->argv_len;

		for (size_t i = 0; i < n;) {
			size_t len = strnlen(args + i, n - i);

			if (i)
				sb__putc(sb, ' ');
			sb__put_text(sb, args + i, len);
			i += len + 1;
		}
		if (e->flags & PROC_F_ARGS_TRUNCATED)
			sb__puts(sb, " ...");
		if (e->flags & PROC_F_ARGS_UNREADABLE)
			sb__puts(sb, "[argv unreadable]");
	} else if (e->task.kind == PROC_EV_EXIT) {
		int sig = e->exit_code & 0x7f;

		/* As a shell says it: a code, or the signal that killed it. */
		if (sig)
			sb__printf(sb, "killed by %s%s", signame(sig, name, sizeof(name)),
				   e->exit_code & 0x80 ? " (core dumped)" : "");
		else
			sb__printf(sb, "exit %d", (e->exit_code >> 8) & 0xff);
		sb__printf(sb, " after %.3f s", (e->task.ts_ns - e->task.start_ns) / 1e9);
	} else if (ev->id && ev->id->self.binary[0]) {
		sb__put_text(sb, ev->id->self.binary, strlen(ev->id->self.binary));
	}
}

static const struct event_kind proc_kinds[] = {
	[PROC_EV_EXEC - 1] = { "exec", "PPID    ARGV", proc_fields, proc_text, EVENT_KIND_LIFECYCLE },
	[PROC_EV_FORK - 1] = { "fork", "PPID    BINARY", proc_fields, proc_text,
			       EVENT_KIND_LIFECYCLE | EVENT_KIND_ARGS },
	[PROC_EV_EXIT - 1] = { "exit", "PPID    EXIT", proc_fields, proc_text,
			       EVENT_KIND_LIFECYCLE | EVENT_KIND_ARGS },
	{ 0 },
};

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
	if (pp->nbins >= pp->max_bins) {
		pp->other_bins++;
		return;
	}
	snprintf(pp->bins[pp->nbins].name, sizeof(pp->bins[0].name), "%.63s", base);
	pp->bins[pp->nbins++].n = 1;
}

/* Whether the record is whole: exec records carry args_len bytes of argv
 * and then the cwd, NUL-terminated. */
static bool well_formed(const struct sonde_proc_event *e, size_t size)
{
	size_t room = size - offsetof(struct sonde_proc_event, args);

	if (size < PROC_EV_HDR_SIZE || e->task.kind < PROC_EV_EXEC || e->task.kind > PROC_EV_EXIT)
		return false;
	if (e->task.kind != PROC_EV_EXEC)
		return true;
	return size >= offsetof(struct sonde_proc_event, args) && e->args_len <= PROC_ARGS_MAX &&
	       e->cwd_len <= PROC_CWD_MAX && (size_t)e->args_len + e->cwd_len <= room &&
	       (!e->cwd_len || !e->args[e->args_len + e->cwd_len - 1]);
}

static int proc_record(struct collector *c, void *data, size_t size)
{
	struct proc_priv *pp = c->priv;
	const struct sonde_proc_event *e = data;
	struct proc_change ch = {};

	if (!well_formed(e, size)) {
		c->malformed++;
		return 0;
	}
	pp->seen[e->task.kind]++;
	ch.type = e->task.kind == PROC_EV_EXEC ? PROC_CHANGE_EXEC :
		  e->task.kind == PROC_EV_FORK ? PROC_CHANGE_FORK : PROC_CHANGE_EXIT;
	if (e->task.kind == PROC_EV_EXEC) {
		snprintf(pp->binary, sizeof(pp->binary), "%.*s", PROC_PATH_MAX, e->path);
		ch.binary = pp->binary;
		ch.argv = pp->args;
		ch.argv_len = redact__args(e->args, e->args_len < PROC_ARGS_MAX ? e->args_len : PROC_ARGS_MAX,
					   pp->args, sizeof(pp->args), NULL);
		if (e->cwd_len) {
			fspath__unreverse(e->args + e->args_len, pp->cwd, sizeof(pp->cwd));
			ch.cwd = pp->cwd;
		}
		count_binary(pp, pp->binary);
	}
	ch.exit_status = e->exit_code;
	collector__emit(c, &e->task, &ch, e);
	return 0;
}

static int proc_probe(struct features *feat, char *why, size_t why_sz)
{
	return features__require(feat, FEAT_TP_BTF, why, why_sz) ?:
	       features__require(feat, FEAT_RINGBUF, why, why_sz);
}

static int grow_bins(struct proc_priv *pp, size_t max)
{
	struct bin_count *b;

	if (max <= pp->max_bins && pp->bins)
		return 0;
	b = realloc(pp->bins, (max ? max : 1) * sizeof(*b));
	if (!b)
		return -ENOMEM;
	pp->bins = b;
	pp->max_bins = max;
	return 0;
}

static int proc_configure(struct collector *c)
{
	const struct proc_config *cfg = c->cfg;
	struct proc_priv *pp = calloc(1, sizeof(*pp));

	if (!pp)
		return -ENOMEM;
	c->priv = pp;
	c->hook = "tp_btf";
	collector__size_ringbuf(c, cfg->ringbuf_bytes);
	return grow_bins(pp, cfg->max_binaries);
}

/* max_binaries changes in place: series already exported stay (they are
 * counters), new names go to "other" once the new bound is reached. */
static int proc_reload(struct collector *c, const void *new_cfg)
{
	const struct proc_config *now = c->cfg, *next = new_cfg;
	struct proc_priv *pp = c->priv;
	int err;

	if (now->ringbuf_bytes != next->ringbuf_bytes)
		return -EAGAIN;
	err = grow_bins(pp, next->max_binaries);
	if (!err)
		pp->max_bins = next->max_binaries;
	return err;
}

static void proc_stop(struct collector *c)
{
	struct proc_priv *pp = c->priv;

	if (pp)
		free(pp->bins);
	free(pp);
}

static int proc_collect(struct collector *c, struct metrics_writer *w)
{
	struct proc_priv *pp = c->priv;

	collector__drain(c);
	mw__family(w, "sonde_process_events_total", METRIC_COUNTER,
		   "Process lifecycle events delivered, by type.");
	for (int t = PROC_EV_EXEC; t <= PROC_EV_EXIT; t++)
		mw__sample_u64(w, "sonde_process_events_total", LABELS({ "type", proc_kinds[t - 1].name }),
			       pp->seen[t]);
	mw__family(w, "sonde_process_execs_total", METRIC_COUNTER,
		   "execs by binary name (the first proc.max_binaries names; later ones are \"other\").");
	for (size_t i = 0; i < pp->nbins; i++)
		mw__sample_u64(w, "sonde_process_execs_total", LABELS({ "binary", pp->bins[i].name }),
			       pp->bins[i].n);
	mw__sample_u64(w, "sonde_process_execs_total", LABELS({ "binary", "other" }), pp->other_bins);
	return 0;
}

/* Selftest: what the events said about one child. */
struct st_seen {
	pid_t pid;
	bool fork, exec, exit;
	char argv0[32];
	int exit_code;
};

static void st_event(void *ctx, const struct event *ev)
{
	struct st_seen *st = ctx;
	const struct sonde_proc_event *e = ev->payload;

	if ((pid_t)e->task.pid != st->pid)
		return;
	if (e->task.kind == PROC_EV_FORK) {
		st->fork = true;
	} else if (e->task.kind == PROC_EV_EXEC) {
		st->exec = true;
		snprintf(st->argv0, sizeof(st->argv0), "%.*s", (int)strnlen(e->args, e->args_len), e->args);
	} else {
		st->exit = true;
		st->exit_code = (e->exit_code >> 8) & 0xff;
	}
}

static int st_done(void *ctx)
{
	return ((const struct st_seen *)ctx)->exit;
}

/* A child forks, execs this binary under a known name and exits 2 (an
 * unknown command). */
static void st_workload(void *ctx)
{
	struct st_seen *st = ctx;
	int status;

	st->pid = fork();
	if (st->pid == 0) {
		int fd = open("/dev/null", O_WRONLY);

		if (fd >= 0)
			dup2(fd, 2);
		execl("/proc/self/exe", "sonde-selftest", "no-such-command", (char *)NULL);
		_exit(127);
	}
	if (st->pid > 0)
		waitpid(st->pid, &status, 0);
}

/* Its fork, exec (argv) and exit (code) must all be seen. */
static int proc_selftest(struct collector *c, char *msg, size_t sz)
{
	struct st_seen st = {};

	collector__watch(c, st_event, st_workload, st_done, &st, 500);
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

static void *proc_open(void) { return proc_bpf__open(); }

const struct collector_ops proc_collector = {
	.name = "proc",
	.summary = "process exec, fork and exit events with identity and ancestry (sched tracepoints)",
	.config = &proc_section,
	.kinds = proc_kinds,
	.drop_reasons = drop_reasons,
	.open = proc_open,
	.elf_bytes = proc_bpf__elf_bytes,
	.ringbuf = "events",
	.on_record = proc_record,
	.probe = proc_probe,
	.configure = proc_configure,
	.collect = proc_collect,
	.reload = proc_reload,
	.stop = proc_stop,
	.selftest = proc_selftest,
};
