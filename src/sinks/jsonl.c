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
	struct strbuf pending;
	struct strbuf line;
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

/* Writes what the fd takes now; EAGAIN leaves the rest pending. */
static int jsonl_flush(struct sink *s)
{
	struct jsonl *j = (struct jsonl *)s;
	size_t off = 0;
	int err = 0;

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
	if (off) {
		memmove(j->pending.buf, j->pending.buf + off, j->pending.len - off);
		j->pending.len -= off;
		j->pending.buf[j->pending.len] = '\0';
	}
	if (err == -EPIPE || err == -EBADF)
		j->pending.len = 0;	/* reader gone: nothing will ever take it */
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
	sb__reset(&j->line);
	json_event__format(&j->line, ev);
	sb__putc(&j->line, '\n');
	if (j->line.err)
		return j->line.err;
	if (j->pending.len + j->line.len > j->buf_max) {
		jsonl_flush(s);
		if (j->pending.len + j->line.len > j->buf_max)
			return -ENOBUFS;	/* counted as dropped by the caller */
	}
	if (j->regular && j->max_bytes && j->size + j->pending.len > 0 &&
	    j->size + j->pending.len + j->line.len > j->max_bytes)
		rotate(j);
	if (sb__append(&j->pending, j->line.buf, j->line.len))
		return -ENOMEM;
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
		jsonl_flush(s);
		close(j->fd);
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
				 .close = jsonl_close };
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
