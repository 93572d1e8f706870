// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "core/log.h"
#include "sinks/json_event.h"
#include "sinks/jsonl.h"

struct jsonl {
	struct sink sink;
	char *path;		/* NULL for stdout */
	int fd;
	bool regular;		/* a regular file: the only kind rotated */
	bool sock;		/* a socket: written with MSG_DONTWAIT */
	uint64_t size, max_bytes;
	int keep;
	size_t buf_max;
	struct strbuf pending;	/* whole lines only */
	uint64_t pending_lines;	/* events in pending */
	struct strbuf line;
	int failing;		/* the write error last logged, -EAGAIN for a slow reader; 0 */
	bool gone;		/* the reader closed: no write will succeed */
	bool slow_logged;
	double last_try;	/* of a failing write, CLOCK_MONOTONIC seconds */
};

static int open_file(struct jsonl *j)
{
	struct stat st;

	/* O_NONBLOCK: a FIFO with a slow reader must not stall the loop. */
	j->fd = open(j->path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NONBLOCK, 0640);
	if (j->fd < 0)
		return -errno;
	if (fstat(j->fd, &st))
		return -errno;
	j->regular = S_ISREG(st.st_mode);
	j->size = j->regular ? st.st_size : 0;
	return 0;
}

static double mono_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static const char *dest(const struct jsonl *j)
{
	return j->path ? j->path : "stdout";
}

static uint64_t count_lines(const char *p, size_t n)
{
	uint64_t lines = 0;

	for (const char *e = p + n; (p = memchr(p, '\n', e - p)); p++)
		lines++;
	return lines;
}

/* A write that failed after part of a line went out (a full disk) would
 * leave the file ending mid-record: cut that part off again, so a reader
 * sees whole lines only, and send the line again from its start. Returns
 * the bytes of pending that are really out. */
static size_t unwind_partial(struct jsonl *j, size_t off)
{
	const char *nl = off ? memrchr(j->pending.buf, '\n', off) : NULL;
	size_t whole = nl ? (size_t)(nl - j->pending.buf) + 1 : 0;
	struct stat st;

	if (whole == off)
		return off;
	if (fstat(j->fd, &st) || ftruncate(j->fd, st.st_size - (off - whole)))
		pr_warn("events: %s ends mid-record: truncating it: %s", dest(j), strerror(errno));
	else
		j->size -= off - whole;
	return whole;
}

/* Logs a change of write state once: the first failure with its reason,
 * and the recovery. */
static void note_state(struct jsonl *j, int err)
{
	enum sink_drop r = sink_drop__reason(err);

	if (err && err != j->failing) {
		if (r == SINK_DROP_GONE)
			pr_err("events: %s: %s: its reader has gone; events are counted in "
			       "sonde_sink_events_dropped_total{sink=\"jsonl\",reason=\"reader_gone\"} from now on",
			       dest(j), strerror(-err));
		else
			pr_err("events: writing %s: %s; events are held in a %zu KiB buffer, then dropped and "
			       "counted (reason \"%s\") until writing resumes", dest(j), strerror(-err),
			       j->buf_max >> 10, sink_drop__name(r));
		j->failing = err;
	} else if (!err && j->failing && !j->pending.len) {
		/* A slow reader's episodes are logged once: they can recur at
		 * every tick, and the counter has the rest. */
		if (j->failing != -EAGAIN)
			pr_info("events: writing %s resumed after %s; %llu event(s) dropped so far", dest(j),
				strerror(-j->failing), (unsigned long long)j->sink.dropped);
		j->failing = 0;
	}
}

/* Writes what the fd takes now; EAGAIN leaves the rest pending. An event
 * counts as emitted once its whole line is out. */
static int jsonl_flush(struct sink *s)
{
	struct jsonl *j = (struct jsonl *)s;
	size_t off = 0;
	int err = 0;

	if (j->gone)
		return -EPIPE;
	/* A failing destination (a full disk) is retried once a second, not
	 * at every wake-up of the loop. */
	if (j->failing && j->failing != -EAGAIN) {
		double now = mono_s();

		if (now - j->last_try < 1.0)
			return j->failing;
		j->last_try = now;
	}
	while (off < j->pending.len) {
		ssize_t n = j->sock ? send(j->fd, j->pending.buf + off, j->pending.len - off,
					   MSG_DONTWAIT | MSG_NOSIGNAL)
				    : write(j->fd, j->pending.buf + off, j->pending.len - off);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN)
				err = -errno;
			break;
		}
		off += n;
		j->size += n;
	}
	if (err && j->regular)
		off = unwind_partial(j, off);
	if (off) {
		/* Usually all of it went: no need to count the lines. */
		uint64_t out = off == j->pending.len ? j->pending_lines : count_lines(j->pending.buf, off);

		s->emitted += out;
		j->pending_lines -= out;
		memmove(j->pending.buf, j->pending.buf + off, j->pending.len - off);
		j->pending.len -= off;
		j->pending.buf[j->pending.len] = '\0';
	}
	if (sink_drop__reason(err) == SINK_DROP_GONE) {
		/* Nothing will ever take it: drop what waits, and all to come. */
		sink__drop(s, err, j->pending_lines);
		j->pending.len = 0;
		j->pending_lines = 0;
		j->gone = true;
	}
	if (err || off)
		note_state(j, err);
	return err;
}

static void rotate(struct jsonl *j)
{
	char from[4096], to[4096];

	jsonl_flush(&j->sink);
	close(j->fd);
	for (int i = j->keep; i >= 1; i--) {
		if (i == 1)
			snprintf(from, sizeof(from), "%s", j->path);
		else
			snprintf(from, sizeof(from), "%s.%d", j->path, i - 1);
		snprintf(to, sizeof(to), "%s.%d", j->path, i);
		if (rename(from, to) && errno != ENOENT)
			pr_warn("events: rotating %s to %s: %s", from, to, strerror(errno));
	}
	if (open_file(j))
		pr_err("events: reopening %s after rotation: %s", j->path, strerror(errno));
}

static int jsonl_emit(struct sink *s, const struct event *ev)
{
	struct jsonl *j = (struct jsonl *)s;

	if (j->fd < 0)
		return -EBADF;
	if (j->gone)
		return -EPIPE;
	sb__reset(&j->line);
	json_event__format(&j->line, ev);
	sb__putc(&j->line, '\n');
	if (j->line.err)
		return j->line.err;
	if (j->pending.len + j->line.len > j->buf_max) {
		int err = jsonl_flush(s);

		if (j->pending.len + j->line.len > j->buf_max) {
			/* Counted as dropped by the caller. */
			if (!err && !j->failing) {
				if (!j->slow_logged)
					pr_warn("events: the reader of %s is not keeping up; events are dropped "
						"and counted (reason \"slow_reader\") while its %zu KiB buffer is "
						"full (logged once)", dest(j), j->buf_max >> 10);
				j->slow_logged = true;
				j->failing = -EAGAIN;
			}
			return err ?: (j->failing && j->failing != -EAGAIN ? j->failing : -ENOBUFS);
		}
	}
	if (j->regular && j->max_bytes && j->size + j->pending.len > 0 &&
	    j->size + j->pending.len + j->line.len > j->max_bytes)
		rotate(j);
	if (sb__append(&j->pending, j->line.buf, j->line.len))
		return -ENOMEM;
	j->pending_lines++;
	/* Flush when a pipe-sized chunk is ready (for a file, 64 KiB: fewer
	 * writes, and fewer page-cache folios zeroed around partial writes);
	 * the loop's tick flushes the rest. */
	if (j->pending.len >= (j->regular ? 65536u : 4096u))
		jsonl_flush(s);
	return 0;
}

static void jsonl_close(struct sink *s)
{
	struct jsonl *j = (struct jsonl *)s;

	if (!j)
		return;
	if (j->fd >= 0) {
		int err;

		j->last_try = 0;	/* a last try, whatever the retry pace */
		err = jsonl_flush(s);

		close(j->fd);
		if (j->pending.len)	/* still not out at exit */
			sink__drop(s, err ?: -ENOBUFS, j->pending_lines);
	}
	sb__free(&j->pending);
	sb__free(&j->line);
	free(j->path);
	free(j);
}

struct sink *jsonl__open(const struct jsonl_opts *o)
{
	struct jsonl *j = calloc(1, sizeof(*j));
	int err = 0;

	if (!j)
		return NULL;
	j->sink = (struct sink){ .name = "jsonl", .emit = jsonl_emit, .flush = jsonl_flush,
				 .close = jsonl_close, .counts_written = true };
	j->fd = -1;
	j->max_bytes = o->max_bytes;
	j->keep = o->keep > 0 ? o->keep : 1;
	j->buf_max = o->buf_max ? o->buf_max : 1 << 20;
	if (!strcmp(o->path, "-")) {
		struct stat st;
		int flags = O_WRONLY | O_NONBLOCK | O_CLOEXEC;

		/* A fresh open file description of our stdout, so O_NONBLOCK
		 * does not leak to the shell that shares fd 1. */
		if (!fstat(1, &st) && S_ISREG(st.st_mode))
			flags |= O_APPEND;
		/* Sockets cannot be reopened; send() takes MSG_DONTWAIT instead. */
		j->sock = !fstat(1, &st) && S_ISSOCK(st.st_mode);
		j->fd = j->sock ? -1 : open("/proc/self/fd/1", flags);
		if (j->fd < 0)
			j->fd = fcntl(1, F_DUPFD_CLOEXEC, 3);
		if (j->fd < 0)
			err = -errno;
	} else {
		j->path = strdup(o->path);
		err = j->path ? open_file(j) : -ENOMEM;
		if (err == -ENXIO)
			pr_err("events: %s is a FIFO with no reader", o->path);
	}
	if (err) {
		jsonl_close(&j->sink);
		errno = -err;
		return NULL;
	}
	return &j->sink;
}
