/* File events: open, unlink and rename families with their result, paths
 * resolved against the caller's cwd or dirfd. User side of
 * bpf/files.bpf.c. */
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <bpf/libbpf.h>
#include "core/collector.h"
#include "core/rb_reader.h"
#include "core/events.h"
#include "core/filter.h"
#include "lib/fspath.h"
#include "identity/identity.h"
#include "lib/syscall_table.h"
#include "sonde/files.h"
#include "files.skel.h"

#define TRACEFS_SYSCALLS "/sys/kernel/tracing/events/syscalls"
#define ERRNO_SLOTS 256		/* errno values counted by name; larger ones as "other" */

static const char *const drop_reasons[FILE_DROP_MAX + 1] = {
	[FILE_DROP_RINGBUF_FULL] = "ringbuf_full",
	[FILE_DROP_INFLIGHT_FULL] = "inflight_full",
};

static const char *const op_names[FILE_OP_MAX] = {
	[FILE_OP_OPEN] = "open", [FILE_OP_UNLINK] = "unlink", [FILE_OP_RENAME] = "rename",
};

struct files_priv {
	struct files_bpf *skel;
	struct rb_reader *eb;
	struct proc_cache *cache;
	char prefixes[FILE_PREFIXES][FILE_PREFIX_LEN];
	int nprefixes;
	int64_t mono_to_real;
	uint64_t events[FILE_OP_MAX][2];	/* by op, ok (0) / error (1) */
	uint64_t errors[FILE_OP_MAX][ERRNO_SLOTS + 1];
	uint64_t malformed, filtered;
	char untraced[128];	/* syscalls without a tracepoint on this kernel */
};

struct file_payload {
	const struct sonde_file_event *e;
	const char *path, *path2;	/* as passed */
	const char *base, *base2;	/* leaf first, from the kernel; NULL: none */
	char abs[FILE_PATH_MAX + 256], abs2[FILE_PATH_MAX + 256];	/* resolved; "" if not */
	struct identity id;
};

/* The directory a relative path of pid starts from: its cwd, or the
 * directory dirfd names, read from /proc while the process lives. */
static int base_dir(uint32_t pid, uint32_t tid, int dfd, char *buf, size_t sz)
{
	char link[64];
	ssize_t n;

	if (dfd == AT_FDCWD)
		snprintf(link, sizeof(link), "/proc/%u/task/%u/cwd", pid, tid);
	else
		snprintf(link, sizeof(link), "/proc/%u/fd/%d", pid, dfd);
	n = readlink(link, buf, sz - 1);
	if (n <= 0)
		return -errno;
	buf[n] = '\0';
	return buf[0] == '/' ? 0 : -ENOTDIR;	/* "pipe:[..]" and the like */
}

/* Absolute form of path into out, or "" when it cannot be resolved: from
 * the directory the kernel read at the call, else (too deep, unreadable)
 * from /proc now, racing with the process. */
static void resolve(const struct file_payload *pl, const char *path, const char *krev, int dfd,
		    char *out, size_t sz)
{
	const struct sonde_file_event *e = pl->e;
	char base[FILE_PATH_MAX];

	if (path[0] == '/') {
		snprintf(out, sz, "%s", path);
		fspath__normalize(out);
		return;
	}
	out[0] = '\0';
	if (krev) {
		fspath__unreverse(krev, base, sizeof(base));
	} else if (base_dir(e->pid, e->tid, dfd, base, sizeof(base))) {
		/* Gone already: the cwd the cache saw at exec is the best guess. */
		if (dfd != AT_FDCWD || !pl->id.known || !pl->id.self.cwd[0])
			return;
		snprintf(base, sizeof(base), "%s", pl->id.self.cwd);
	}
	snprintf(out, sz, "%s/%s", base, path);
	fspath__normalize(out);
}

static bool prefix_match(const struct files_priv *fp, const char *path)
{
	for (int i = 0; i < fp->nprefixes; i++)
		if (!strncmp(path, fp->prefixes[i], strlen(fp->prefixes[i])))
			return true;
	return false;
}

/* "path" (absolute when resolvable) and "path_arg" when it differs. */
static void write_path(struct json_writer *w, const char *key, const char *arg, const char *abs,
		       bool unreadable)
{
	char k[32];

	jw__key(w, key);
	jw__str(w, abs[0] ? abs : arg);
	if (abs[0] && strcmp(abs, arg)) {
		snprintf(k, sizeof(k), "%s_arg", key);
		jw__key(w, k);
		jw__str(w, arg);
	}
	if (!abs[0] && !unreadable) {
		snprintf(k, sizeof(k), "%s_unresolved", key);
		jw__key(w, k);
		jw__bool(w, true);
	}
	if (unreadable) {
		snprintf(k, sizeof(k), "%s_unreadable", key);
		jw__key(w, k);
		jw__bool(w, true);
	}
}

static void file_fields(struct json_writer *w, const void *payload)
{
	const struct file_payload *pl = payload;
	const struct sonde_file_event *e = pl->e;
	char buf[256];

	jw__key(w, "syscall"); jw__str(w, syscall__name(e->nr, buf, sizeof(buf)));
	jw__key(w, "ret"); jw__i64(w, e->ret);
	if (e->ret < 0) {
		jw__key(w, "error"); jw__str(w, errno__name(-e->ret, buf, sizeof(buf)));
	}
	jw__key(w, "uid"); jw__u64(w, e->uid);
	identity__write(w, &pl->id, true);
	if (e->op == FILE_OP_RENAME) {
		write_path(w, "old_path", pl->path, pl->abs, e->ev_flags & FILE_F_PATH_UNREADABLE);
		write_path(w, "new_path", pl->path2, pl->abs2, e->ev_flags & FILE_F_PATH2_UNREADABLE);
		if (e->flags) {
			fspath__rename_flags(e->flags, buf, sizeof(buf));
			jw__key(w, "flags"); jw__str(w, buf);
		}
	} else {
		write_path(w, "path", pl->path, pl->abs, e->ev_flags & FILE_F_PATH_UNREADABLE);
	}
	if (e->ev_flags & (FILE_F_PATH_TRUNCATED | FILE_F_PATH2_TRUNCATED)) {
		jw__key(w, "path_truncated"); jw__bool(w, true);
	}
	if (e->op == FILE_OP_OPEN) {
		fspath__open_flags(e->flags, buf, sizeof(buf));
		jw__key(w, "flags"); jw__str(w, buf);
		if (e->flags & (O_CREAT | __O_TMPFILE)) {
			snprintf(buf, sizeof(buf), "%04o", e->mode & 07777);
			jw__key(w, "mode"); jw__str(w, buf);
		}
		if (e->ret >= 0) {
			jw__key(w, "fd"); jw__i64(w, e->ret);
		}
	} else if (e->op == FILE_OP_UNLINK) {
		jw__key(w, "dir"); jw__bool(w, e->flags & AT_REMOVEDIR);
	}
}

/* opensnoop's columns: FD (or the error) and the path. */
static void file_text(struct strbuf *sb, const void *payload)
{
	const struct file_payload *pl = payload;
	const struct sonde_file_event *e = pl->e;
	char buf[32];

	if (e->ret < 0)
		sb__printf(sb, "%-7s ", errno__name(-e->ret, buf, sizeof(buf)));
	else if (e->op == FILE_OP_OPEN)
		sb__printf(sb, "%-7lld ", (long long)e->ret);
	else
		sb__printf(sb, "%-7s ", "ok");
	sb__puts(sb, pl->abs[0] ? pl->abs : pl->path);
	if (e->op == FILE_OP_RENAME)
		sb__printf(sb, " -> %s", pl->abs2[0] ? pl->abs2 : pl->path2);
}

/* The event's strings (path, path2, base, base2; NULL when absent), each
 * checked to be NUL-terminated inside the record. */
static int strings(const struct sonde_file_event *e, size_t room, const char *str[4])
{
	const uint16_t len[4] = { e->path_len, e->path2_len, e->base_len, e->base2_len };
	size_t off = 0;

	for (int i = 0; i < 4; i++) {
		str[i] = NULL;
		if (!len[i])
			continue;
		if (len[i] > FILE_PATH_MAX || off + len[i] > room || e->data[off + len[i] - 1])
			return -EINVAL;
		str[i] = e->data + off;
		off += len[i];
	}
	return 0;
}

static int on_event(void *ctx, void *data, size_t size)
{
	struct files_priv *fp = ctx;
	struct sonde_file_event *e = data;
	static struct file_payload pl;	/* large: not on the stack */
	char comm[SONDE_COMM_LEN + 1] = {};
	const char *str[4];
	bool failed;

	if (size < FILE_EV_HDR_SIZE || e->op < FILE_OP_OPEN || e->op >= FILE_OP_MAX ||
	    !e->path_len || strings(e, size - FILE_EV_HDR_SIZE, str)) {
		fp->malformed++;
		return 0;
	}
	pl.e = e;
	pl.path = str[0];
	pl.path2 = str[1] ? str[1] : "";
	memcpy(comm, e->comm, SONDE_COMM_LEN);
	identity__resolve(&pl.id, &(struct identity_hint){
		.pid = e->pid, .ppid = e->ppid, .start_ns = e->start_ns,
		.parent_start_ns = e->parent_start_ns, .cgroup_id = e->cgroup_id, .comm = comm });
	resolve(&pl, pl.path, str[2], e->dfd, pl.abs, sizeof(pl.abs));
	pl.abs2[0] = '\0';
	if (e->path2_len)
		resolve(&pl, pl.path2, str[3], e->dfd2, pl.abs2, sizeof(pl.abs2));
	/* The kernel left relative paths and ones with ".." to us: match them
	 * normalized. */
	if ((e->ev_flags & FILE_F_MATCH_LATER) && fp->nprefixes &&
	    !prefix_match(fp, pl.abs[0] ? pl.abs : pl.path) &&
	    !(e->path2_len && prefix_match(fp, pl.abs2[0] ? pl.abs2 : pl.path2))) {
		fp->filtered++;
		return 0;
	}
	failed = e->ret < 0;
	fp->events[e->op][failed]++;
	if (failed)
		fp->errors[e->op][-e->ret < ERRNO_SLOTS ? -e->ret : ERRNO_SLOTS]++;
	memcpy(comm, e->comm, SONDE_COMM_LEN);
	{
		struct sonde_event ev = {
			.time_ns = e->ts_ns + fp->mono_to_real, .type = op_names[e->op],
			.pid = e->pid, .tid = e->tid, .comm = comm, .fields = file_fields,
			.text = file_text, .payload = &pl,
		};

		events__emit(&ev);
	}
	return 0;
}

static int files_probe(const struct features *feat, char *why, size_t why_sz)
{
	if (!features__has(feat, FEAT_TRACEPOINT)) {
		snprintf(why, why_sz, "needs tracepoints: %s", feat->f[FEAT_TRACEPOINT].why);
		return -EOPNOTSUPP;
	}
	if (!features__has(feat, FEAT_RINGBUF)) {
		snprintf(why, why_sz, "needs the BPF ring buffer: %s", feat->f[FEAT_RINGBUF].why);
		return -EOPNOTSUPP;
	}
	if (access(TRACEFS_SYSCALLS, F_OK)) {
		snprintf(why, why_sz, "no syscall tracepoints (%s: %s): the kernel needs "
			 "CONFIG_FTRACE_SYSCALLS", TRACEFS_SYSCALLS, strerror(errno));
		return -EOPNOTSUPP;
	}
	return 0;
}

/* "a,b" -> prefixes; 0 or -EINVAL with the reason in why. */
static int parse_prefixes(struct files_priv *fp, const char *list, char *why, size_t why_sz)
{
	char copy[sizeof(((struct sonde_config *)0)->files.prefixes)], *save, *tok;

	snprintf(copy, sizeof(copy), "%s", list);
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		while (*tok == ' ')
			tok++;
		if (!*tok)
			continue;
		if (fp->nprefixes == FILE_PREFIXES || strlen(tok) >= FILE_PREFIX_LEN) {
			snprintf(why, why_sz, "files.prefixes: at most %d prefixes of %d bytes ('%s')",
				 FILE_PREFIXES, FILE_PREFIX_LEN - 1, tok);
			return -EINVAL;
		}
		snprintf(fp->prefixes[fp->nprefixes++], FILE_PREFIX_LEN, "%s", tok);
	}
	return 0;
}

/* Leaves out the syscalls this kernel has no tracepoint for (openat2
 * before 5.6), saying which. */
static void select_programs(struct files_priv *fp)
{
	struct bpf_program *prog;
	char path[256];

	bpf_object__for_each_program(prog, fp->skel->obj) {
		const char *name = strchr(bpf_program__name(prog), '_') + 1;

		snprintf(path, sizeof(path), TRACEFS_SYSCALLS "/sys_enter_%s", name);
		if (!access(path, F_OK))
			continue;
		bpf_program__set_autoload(prog, false);
		if (!strncmp(bpf_program__name(prog), "enter_", 6) &&
		    strlen(fp->untraced) + strlen(name) + 2 < sizeof(fp->untraced))
			snprintf(fp->untraced + strlen(fp->untraced),
				 sizeof(fp->untraced) - strlen(fp->untraced), " %s", name);
	}
}

static int files_start(struct collector *c, const struct sonde_config *cfg, struct loop *loop)
{
	struct files_priv *fp = calloc(1, sizeof(*fp));
	int err;

	if (!fp)
		return -ENOMEM;
	c->priv = fp;
	c->hook = "tracepoint";
	fp->mono_to_real = events__mono_to_real();
	err = parse_prefixes(fp, cfg->files.prefixes, c->why, sizeof(c->why));
	if (err)
		return err;
	fp->cache = identity__get(cfg);
	fp->skel = files_bpf__open();
	if (!fp->cache || !fp->skel)
		return -ENOMEM;
	c->obj = fp->skel->obj;
	select_programs(fp);
	rb_reader__set_size(fp->skel->maps.events, cfg->files.ringbuf_bytes);
	fp->skel->rodata->failed_only = cfg->files.failed_only;
	fp->skel->rodata->nprefixes = fp->nprefixes;
	memcpy((void *)fp->skel->rodata->prefixes, fp->prefixes, sizeof(fp->prefixes));
	err = filter__apply(fp->skel->rodata, &cfg->filter, c->why, sizeof(c->why));
	if (err)
		return err;
	err = files_bpf__load(fp->skel);
	if (err) {
		snprintf(c->why, sizeof(c->why), "loading programs: %s", strerror(-err));
		return err;
	}
	fp->eb = rb_reader__open(fp->skel->maps.events, on_event, fp, loop);
	if (!fp->eb) {
		snprintf(c->why, sizeof(c->why), "ring buffer: %s", strerror(errno));
		return -errno;
	}
	err = files_bpf__attach(fp->skel);
	if (err) {
		snprintf(c->why, sizeof(c->why), "attaching: %s", strerror(-err));
		return err;
	}
	if (fp->untraced[0])
		snprintf(c->why, sizeof(c->why), "not traced (no tracepoint on this kernel):%s",
			 fp->untraced);
	return 0;
}

static void files_stop(struct collector *c)
{
	struct files_priv *fp = c->priv;

	if (!fp)
		return;
	if (fp->eb)
		rb_reader__drain(fp->eb);	/* deliver what is queued */
	rb_reader__free(fp->eb);
	files_bpf__destroy(fp->skel);
	if (fp->cache)
		identity__put();
	free(fp);
}

static int files_collect(struct collector *c, struct metrics_writer *w)
{
	struct files_priv *fp = c->priv;
	char buf[32];

	rb_reader__drain(fp->eb);
	mw__family(w, "sonde_file_events_total", "counter",
		   "File events delivered, by operation and result.");
	for (int op = FILE_OP_OPEN; op < FILE_OP_MAX; op++) {
		mw__sample_u64(w, "sonde_file_events_total",
			       LABELS({ "op", op_names[op] }, { "result", "ok" }), fp->events[op][0]);
		mw__sample_u64(w, "sonde_file_events_total",
			       LABELS({ "op", op_names[op] }, { "result", "error" }), fp->events[op][1]);
	}
	mw__family(w, "sonde_file_errors_total", "counter", "Failed file calls, by operation and errno.");
	for (int op = FILE_OP_OPEN; op < FILE_OP_MAX; op++)
		for (int err = 1; err <= ERRNO_SLOTS; err++)
			if (fp->errors[op][err])
				mw__sample_u64(w, "sonde_file_errors_total",
					       LABELS({ "op", op_names[op] },
						      { "errno", err == ERRNO_SLOTS ? "other" :
								 errno__name(err, buf, sizeof(buf)) }),
					       fp->errors[op][err]);
	mw__family(w, "sonde_file_events_filtered_total", "counter",
		   "Events with a relative path dropped by files.prefixes once resolved.");
	mw__sample_u64(w, "sonde_file_events_filtered_total", NO_LABELS, fp->filtered);
	return 0;
}

/* Selftest: this process opens a path that cannot exist and one that does. */
struct st_sink {
	struct sink sink;
	const char *missing;
	bool saw_missing, saw_existing;
};

static int st_emit(struct sink *s, const struct sonde_event *ev)
{
	struct st_sink *st = (struct st_sink *)s;
	const struct file_payload *pl = ev->payload;

	if (ev->pid != (uint32_t)getpid() || strcmp(ev->type, "open"))
		return 0;
	if (!strcmp(pl->path, st->missing) && pl->e->ret == -ENOENT)
		st->saw_missing = true;
	/* Relative to a dirfd on another mount: the kernel's walk of the
	 * base directory must cross from procfs to the root file system. */
	if (!strcmp(pl->path, "self/stat") && !strcmp(pl->abs, "/proc/self/stat") && pl->e->ret >= 0)
		st->saw_existing = true;
	return 0;
}

static int st_done(void *ctx)
{
	const struct st_sink *st = ctx;

	return st->saw_missing && st->saw_existing;
}

static int files_selftest(struct collector *c, char *msg, size_t sz)
{
	struct files_priv *fp = c->priv;
	struct st_sink st = { .sink = { .name = "selftest", .emit = st_emit } };
	char missing[64];
	int fd, dfd;

	snprintf(missing, sizeof(missing), "/sonde-selftest-missing-%d", getpid());
	st.missing = missing;
	events__add_sink(&st.sink);
	fd = open(missing, O_RDONLY);
	if (fd >= 0)
		close(fd);
	dfd = open("/proc", O_RDONLY | O_DIRECTORY);
	fd = openat(dfd, "self/stat", O_RDONLY);
	if (fd >= 0)
		close(fd);
	if (dfd >= 0)
		close(dfd);
	rb_reader__drain_until(fp->eb, st_done, &st, 500);
	events__remove_sink(&st.sink);
	if (!st.saw_missing || !st.saw_existing) {
		snprintf(msg, sz, "open of %s (ENOENT) %s, openat(/proc fd, self/stat) as /proc/self/stat %s", missing,
			 st.saw_missing ? "seen" : "missing", st.saw_existing ? "seen" : "missing");
		return -EBADMSG;
	}
	snprintf(msg, sz, "a failed open (ENOENT) and an openat by dirfd (resolved across a mount) seen");
	return 0;
}

static const char *const event_types[] = { "open", "unlink", "rename", NULL };

const struct collector_ops files_collector = {
	.name = "files",
	.event_types = event_types,
	.text_header = "FD/ERR  PATH",
	.summary = "open, unlink and rename calls with paths and results (syscall tracepoints)",
	.elf_bytes = files_bpf__elf_bytes,
	.drop_reasons = drop_reasons,
	.selftest = files_selftest,
	.probe = files_probe,
	.start = files_start,
	.collect = files_collect,
	.stop = files_stop,
};
