// SPDX-License-Identifier: Apache-2.0
/* File events: open, unlink and rename families with their result, paths
 * resolved against the caller's cwd or dirfd. User side of
 * bpf/files.bpf.c. */
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/libbpf.h>
#include "core/attach.h"
#include "core/collector.h"
#include "core/systp.h"
#include "identity/identity.h"
#include "lib/errname.h"
#include "lib/fields.h"
#include "lib/fspath.h"
#include "lib/metrics.h"
#include "lib/strbuf.h"
#include "lib/syscall_table.h"
#include "sonde/files.h"
#include "files.skel.h"

#define ERRNO_SLOTS 256		/* errno values counted by name; larger ones as "other" */

struct files_config {
	long ringbuf_bytes;
	bool failed_only;
	char prefixes[512];	/* comma-separated path prefixes; "": all */
};

#define F(f) OPT_FIELD(struct files_config, f)
static const struct opt files_opts[] = {
	{ "files.ringbuf_bytes", "files-ringbuf-bytes", 0, OPT_INT, F(ringbuf_bytes), 4096,
	  1L << 30, NULL, "8M", "BYTES", "ring buffer for file events (a power of two)" },
	{ "files.failed_only", "files-failed-only", 0, OPT_BOOL, F(failed_only), 0, 0, NULL,
	  "false", NULL, "only failed calls (filtered in the kernel)" },
	{ "files.prefixes", "files-prefix", 0, OPT_LIST, F(prefixes), 0, 0, NULL, "", "LIST",
	  "only paths starting with one of these comma-separated prefixes (at most 8 of 63 bytes)" },
	{ 0 }
};
#undef F

static const struct config_section files_section = {
	.name = "files", .opts = files_opts, .size = sizeof(struct files_config),
};

static const char *const drop_reasons[FILE_DROP_MAX + 1] = {
	[FILE_DROP_RINGBUF_FULL] = "ringbuf_full",
	[FILE_DROP_INFLIGHT_FULL] = "inflight_full",
};

struct files_priv {
	char prefixes[FILE_PREFIXES][FILE_PREFIX_LEN];
	int nprefixes;
	uint64_t events[FILE_OP_MAX][2];	/* by op, ok (0) / error (1) */
	uint64_t errors[FILE_OP_MAX][ERRNO_SLOTS + 1];
	uint64_t filtered;
	char untraced[128];	/* syscalls without a tracepoint on this kernel */
};

/* What one event carries besides the record: its strings, and the paths
 * resolved ("" when they could not be). */
struct file_payload {
	const struct sonde_file_event *e;
	const char *path, *path2;	/* as passed */
	char abs[FILE_PATH_MAX + 256], abs2[FILE_PATH_MAX + 256];
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
static void resolve(const struct sonde_file_event *e, const char *path, const char *krev, int dfd,
		    char *out, size_t sz)
{
	char base[FILE_PATH_MAX];

	if (path[0] == '/') {
		snprintf(out, sz, "%s", path);
		fspath__normalize(out);
		return;
	}
	out[0] = '\0';
	if (krev) {
		fspath__unreverse(krev, base, sizeof(base));
	} else if (base_dir(e->task.pid, e->task.tid, dfd, base, sizeof(base))) {
		return;
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
static void write_path(struct field_writer *w, const char *const keys[4], const char *arg,
		       const char *abs, bool unreadable)
{
	fw__str(w, keys[0], abs[0] ? abs : arg);
	if (abs[0] && strcmp(abs, arg))
		fw__str(w, keys[1], arg);
	if (!abs[0] && !unreadable)
		fw__bool(w, keys[2], true);
	if (unreadable)
		fw__bool(w, keys[3], true);
}

static const char *const path_keys[4] = { "path", "path_arg", "path_unresolved", "path_unreadable" };
static const char *const old_keys[4] = { "old_path", "old_path_arg", "old_path_unresolved",
					 "old_path_unreadable" };
static const char *const new_keys[4] = { "new_path", "new_path_arg", "new_path_unresolved",
					 "new_path_unreadable" };

/* A relative path neither the kernel nor /proc could place: the cwd the
 * identity cache saw at exec is the best guess left. */
static const char *late_abs(const struct event *ev, const char *path, const char *abs, int dfd,
			    char *buf, size_t sz)
{
	if (abs[0] || path[0] == '/' || dfd != AT_FDCWD || !ev->id || !ev->id->self.cwd[0])
		return abs;
	snprintf(buf, sz, "%s/%s", ev->id->self.cwd, path);
	fspath__normalize(buf);
	return buf;
}

static void file_fields(const struct event *ev, struct field_writer *w)
{
	const struct file_payload *pl = ev->payload;
	const struct sonde_file_event *e = pl->e;
	static char late[FILE_PATH_MAX + 256], late2[FILE_PATH_MAX + 256];
	const char *abs = late_abs(ev, pl->path, pl->abs, e->dfd, late, sizeof(late));
	char buf[256];

	fw__str(w, "syscall", syscall__name(e->nr, buf, sizeof(buf)));
	fw__i64(w, "ret", e->ret);
	if (e->ret < 0)
		fw__str(w, "error", errname(-e->ret, buf, sizeof(buf)));
	if (e->task.kind == FILE_OP_RENAME) {
		const char *abs2 = late_abs(ev, pl->path2, pl->abs2, e->dfd2, late2, sizeof(late2));

		write_path(w, old_keys, pl->path, abs, e->ev_flags & FILE_F_PATH_UNREADABLE);
		write_path(w, new_keys, pl->path2, abs2, e->ev_flags & FILE_F_PATH2_UNREADABLE);
		if (e->flags) {
			fspath__rename_flags(e->flags, buf, sizeof(buf));
			fw__str(w, "flags", buf);
		}
	} else {
		write_path(w, path_keys, pl->path, abs, e->ev_flags & FILE_F_PATH_UNREADABLE);
	}
	if (e->ev_flags & (FILE_F_PATH_TRUNCATED | FILE_F_PATH2_TRUNCATED))
		fw__bool(w, "path_truncated", true);
	if (e->task.kind == FILE_OP_OPEN) {
		fspath__open_flags(e->flags, buf, sizeof(buf));
		fw__str(w, "flags", buf);
		if (e->flags & (O_CREAT | __O_TMPFILE)) {
			snprintf(buf, sizeof(buf), "%04o", e->mode & 07777);
			fw__str(w, "mode", buf);
		}
		if (e->ret >= 0)
			fw__i64(w, "fd", e->ret);
	} else if (e->task.kind == FILE_OP_UNLINK) {
		fw__bool(w, "dir", e->flags & AT_REMOVEDIR);
	}
}

/* opensnoop's columns: FD (or the error) and the path. */
static void file_text(const struct event *ev, struct strbuf *sb)
{
	const struct file_payload *pl = ev->payload;
	const struct sonde_file_event *e = pl->e;
	const char *p = pl->abs[0] ? pl->abs : pl->path;
	char buf[32];

	if (e->ret < 0)
		sb__printf(sb, "%-7s ", errname(-e->ret, buf, sizeof(buf)));
	else if (e->task.kind == FILE_OP_OPEN)
		sb__printf(sb, "%-7lld ", (long long)e->ret);
	else
		sb__printf(sb, "%-7s ", "ok");
	sb__put_text(sb, p, strlen(p));
	if (e->task.kind == FILE_OP_RENAME) {
		p = pl->abs2[0] ? pl->abs2 : pl->path2;
		sb__puts(sb, " -> ");
		sb__put_text(sb, p, strlen(p));
	}
}

static const struct event_kind file_kinds[] = {
	[FILE_OP_OPEN - 1] = { "open", "FD/ERR  PATH", file_fields, file_text, EVENT_KIND_ARGS },
	[FILE_OP_UNLINK - 1] = { "unlink", "RESULT  PATH", file_fields, file_text, EVENT_KIND_ARGS },
	[FILE_OP_RENAME - 1] = { "rename", "RESULT  OLD -> NEW", file_fields, file_text, EVENT_KIND_ARGS },
	{ 0 },
};

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

static int files_record(struct collector *c, void *data, size_t size)
{
	struct files_priv *fp = c->priv;
	const struct sonde_file_event *e = data;
	static struct file_payload pl;	/* large: not on the stack */
	const char *str[4];
	bool failed;

	if (size < FILE_EV_HDR_SIZE || e->task.kind < FILE_OP_OPEN || e->task.kind >= FILE_OP_MAX ||
	    !e->path_len || strings(e, size - FILE_EV_HDR_SIZE, str)) {
		c->malformed++;
		return 0;
	}
	pl.e = e;
	pl.path = str[0];
	pl.path2 = str[1] ? str[1] : "";
	resolve(e, pl.path, str[2], e->dfd, pl.abs, sizeof(pl.abs));
	pl.abs2[0] = '\0';
	if (e->path2_len)
		resolve(e, pl.path2, str[3], e->dfd2, pl.abs2, sizeof(pl.abs2));
	/* The kernel left relative paths and ones with ".." to us: match them
	 * normalized. */
	if ((e->ev_flags & FILE_F_MATCH_LATER) && fp->nprefixes &&
	    !prefix_match(fp, pl.abs[0] ? pl.abs : pl.path) &&
	    !(e->path2_len && prefix_match(fp, pl.abs2[0] ? pl.abs2 : pl.path2))) {
		fp->filtered++;
		return 0;
	}
	failed = e->ret < 0;
	fp->events[e->task.kind][failed]++;
	if (failed)
		fp->errors[e->task.kind][-e->ret < ERRNO_SLOTS ? -e->ret : ERRNO_SLOTS]++;
	collector__emit(c, &e->task, NULL, &pl);
	return 0;
}

/* "a,b" -> prefixes; 0 or -EINVAL with the reason in why. */
static int parse_prefixes(struct files_priv *fp, const char *list, char *why, size_t why_sz)
{
	char copy[sizeof(((struct files_config *)0)->prefixes)], *save, *tok;

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

static int files_configure(struct collector *c)
{
	const struct files_config *cfg = c->cfg;
	struct files_bpf *skel = c->skel;
	struct files_priv *fp = calloc(1, sizeof(*fp));
	int err;

	if (!fp)
		return -ENOMEM;
	c->priv = fp;
	c->hook = "tracepoint";
	err = parse_prefixes(fp, cfg->prefixes, c->why, sizeof(c->why));
	if (err)
		return err;
	systp__select(c->obj, fp->untraced, sizeof(fp->untraced));
	collector__size_ringbuf(c, cfg->ringbuf_bytes);
	skel->rodata->failed_only = cfg->failed_only;
	skel->rodata->nprefixes = fp->nprefixes;
	memcpy((void *)skel->rodata->prefixes, fp->prefixes, sizeof(fp->prefixes));
	return 0;
}

static int files_started(struct collector *c)
{
	struct files_priv *fp = c->priv;
	int err = systp__attach_exits(c->as, c->obj, ((struct files_bpf *)c->skel)->progs.file_exit,
				       c->why, sizeof(c->why));

	if (err)
		return err;

	if (fp->untraced[0])
		snprintf(c->why, sizeof(c->why), "not traced (no tracepoint on this kernel): %s",
			 fp->untraced);
	return 0;
}

static void files_stop(struct collector *c)
{
	free(c->priv);
}

static int files_collect(struct collector *c, struct metrics_writer *w)
{
	struct files_priv *fp = c->priv;
	char buf[32];

	collector__drain(c);
	mw__family(w, "sonde_file_events_total", METRIC_COUNTER,
		   "File events delivered, by operation and result.");
	for (int op = FILE_OP_OPEN; op < FILE_OP_MAX; op++) {
		const char *name = file_kinds[op - 1].name;

		mw__sample_u64(w, "sonde_file_events_total", LABELS({ "op", name }, { "result", "ok" }),
			       fp->events[op][0]);
		mw__sample_u64(w, "sonde_file_events_total", LABELS({ "op", name }, { "result", "error" }),
			       fp->events[op][1]);
	}
	mw__family(w, "sonde_file_errors_total", METRIC_COUNTER,
		   "Failed file calls, by operation and errno.");
	for (int op = FILE_OP_OPEN; op < FILE_OP_MAX; op++)
		for (int err = 1; err <= ERRNO_SLOTS; err++)
			if (fp->errors[op][err])
				mw__sample_u64(w, "sonde_file_errors_total",
					       LABELS({ "op", file_kinds[op - 1].name },
						      { "errno", err == ERRNO_SLOTS ? "other" :
								 errname(err, buf, sizeof(buf)) }),
					       fp->errors[op][err]);
	mw__family(w, "sonde_file_events_filtered_total", METRIC_COUNTER,
		   "Events with a relative path dropped by files.prefixes once resolved.");
	mw__sample_u64(w, "sonde_file_events_filtered_total", NO_LABELS, fp->filtered);
	return 0;
}

/* Selftest: this process opens a path that cannot exist and one that does. */
struct st_seen {
	char missing[64];
	bool saw_missing, saw_existing;
};

static void st_event(void *ctx, const struct event *ev)
{
	struct st_seen *st = ctx;
	const struct file_payload *pl = ev->payload;

	if (pl->e->task.pid != (uint32_t)getpid() || pl->e->task.kind != FILE_OP_OPEN)
		return;
	if (!strcmp(pl->path, st->missing) && pl->e->ret == -ENOENT)
		st->saw_missing = true;
	/* Relative to a dirfd on another mount: the kernel's walk of the
	 * base directory must cross from procfs to the root file system. */
	if (!strcmp(pl->path, "self/stat") && !strcmp(pl->abs, "/proc/self/stat") && pl->e->ret >= 0)
		st->saw_existing = true;
}

static int st_done(void *ctx)
{
	const struct st_seen *st = ctx;

	return st->saw_missing && st->saw_existing;
}

static void st_workload(void *ctx)
{
	struct st_seen *st = ctx;
	int fd, dfd;

	fd = open(st->missing, O_RDONLY);
	if (fd >= 0)
		close(fd);
	dfd = open("/proc", O_RDONLY | O_DIRECTORY);
	fd = openat(dfd, "self/stat", O_RDONLY);
	if (fd >= 0)
		close(fd);
	if (dfd >= 0)
		close(dfd);
}

static int files_selftest(struct collector *c, char *msg, size_t sz)
{
	struct st_seen st = {};

	snprintf(st.missing, sizeof(st.missing), "/sonde-selftest-missing-%d", getpid());
	if (!collector__watch(c, st_event, st_workload, st_done, &st, 500)) {
		snprintf(msg, sz, "open of %s (ENOENT) %s, openat(/proc fd, self/stat) as /proc/self/stat %s",
			 st.missing, st.saw_missing ? "seen" : "missing",
			 st.saw_existing ? "seen" : "missing");
		return -EBADMSG;
	}
	snprintf(msg, sz, "a failed open (ENOENT) and an openat by dirfd (resolved across a mount) seen");
	return 0;
}

static void *files_open(void) { return files_bpf__open(); }

const struct collector_ops files_collector = {
	.name = "files",
	.summary = "open, unlink and rename calls with paths and results (syscall tracepoints)",
	.config = &files_section,
	.kinds = file_kinds,
	.drop_reasons = drop_reasons,
	.open = files_open,
	.elf_bytes = files_bpf__elf_bytes,
	.ringbuf = "events",
	.on_record = files_record,
	.probe = systp__probe,
	.configure = files_configure,
	.started = files_started,
	.collect = files_collect,
	.stop = files_stop,
	.selftest = files_selftest,
};
