// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include "core/log.h"
#include "core/loop.h"
#include "lib/strbuf.h"
#include "server/control.h"

#define VERBS 8
#define CONNS 16

struct conn {
	struct control *c;
	int fd;
	size_t len;
	char buf[CONTROL_MAX_LINE + 1];
};

struct control {
	struct loop *loop;
	int fd;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	struct { char verb[16]; control_fn fn; void *ctx; } verbs[VERBS];
	unsigned nverbs;
	struct conn *conns[CONNS];
};

static void conn_close(struct conn *k)
{
	struct control *c = k->c;

	for (int i = 0; i < CONNS; i++)
		if (c->conns[i] == k)
			c->conns[i] = NULL;
	loop__del(c->loop, k->fd);
	close(k->fd);
	free(k);
}

static void reply_now(int fd, const struct strbuf *sb)
{
	/* Replies are small; the client waits for them. A client that does
	 * not read loses its reply rather than stall the loop. */
	(void)!write(fd, sb->buf ? sb->buf : "", sb->len);
	(void)!write(fd, "\n", 1);
}

static void dispatch(struct control *c, int fd, char *line)
{
	struct strbuf sb = {};
	char verb[16];
	size_t n = strcspn(line, " \t");

	snprintf(verb, sizeof(verb), "%.*s", (int)(n < sizeof(verb) ? n : sizeof(verb) - 1), line);
	for (unsigned i = 0; i < c->nverbs; i++) {
		if (!strcmp(c->verbs[i].verb, verb)) {
			c->verbs[i].fn(c->verbs[i].ctx, line + n + strspn(line + n, " \t"), &sb);
			goto out;
		}
	}
	sb__printf(&sb, "{\"error\":\"unknown request '%s'; known:", verb);
	for (unsigned i = 0; i < c->nverbs; i++)
		sb__printf(&sb, " %s", c->verbs[i].verb);
	sb__puts(&sb, "\"}");
out:
	reply_now(fd, &sb);
	sb__free(&sb);
}

static void on_conn(void *ctx, uint32_t events)
{
	struct conn *k = ctx;
	ssize_t r = read(k->fd, k->buf + k->len, CONTROL_MAX_LINE - k->len);
	char *nl;

	if (r <= 0) {
		if (r < 0 && errno == EAGAIN)
			return;
		conn_close(k);
		return;
	}
	k->len += r;
	k->buf[k->len] = '\0';
	nl = memchr(k->buf, '\n', k->len);
	if (!nl && k->len < CONTROL_MAX_LINE)
		return;
	if (nl)
		*nl = '\0';
	if (!nl) {
		struct strbuf sb = {};

		sb__printf(&sb, "{\"error\":\"request longer than %d bytes\"}", CONTROL_MAX_LINE);
		reply_now(k->fd, &sb);
		sb__free(&sb);
	} else {
		dispatch(k->c, k->fd, k->buf);
	}
	conn_close(k);
}

static void on_accept(void *ctx, uint32_t events)
{
	struct control *c = ctx;
	struct ucred cred;
	socklen_t len = sizeof(cred);
	struct conn *k;
	int fd = accept4(c->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC), slot = -1;

	if (fd < 0)
		return;
	/* The directory is root's alone; the check is the second lock. */
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) || cred.uid != 0) {
		static const char msg[] = "{\"error\":\"the control socket answers root only\"}\n";

		(void)!write(fd, msg, sizeof(msg) - 1);
		close(fd);
		return;
	}
	for (int i = 0; i < CONNS && slot < 0; i++)
		if (!c->conns[i])
			slot = i;
	k = slot >= 0 ? calloc(1, sizeof(*k)) : NULL;
	if (!k) {
		close(fd);
		return;
	}
	k->c = c;
	k->fd = fd;
	c->conns[slot] = k;
	if (loop__add(c->loop, fd, EPOLLIN, on_conn, k))
		conn_close(k);
}

struct control *control__open(struct loop *l, const char *path, char *err, size_t err_sz)
{
	struct control *c = calloc(1, sizeof(*c));
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char dir[sizeof(sa.sun_path)], *slash;
	int e;

	if (!c)
		return NULL;
	c->fd = -1;
	c->loop = l;
	if (strlen(path) >= sizeof(sa.sun_path)) {
		snprintf(err, err_sz, "control socket path %s is too long (at most %zu bytes)", path,
			 sizeof(sa.sun_path) - 1);
		errno = ENAMETOOLONG;
		goto fail;
	}
	snprintf(c->path, sizeof(c->path), "%s", path);
	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = '\0';
		if (mkdir(dir, 0700) && errno != EEXIST) {
			snprintf(err, err_sz, "control socket directory %s: %s", dir, strerror(errno));
			goto fail;
		}
	}
	strcpy(sa.sun_path, path);
	c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (c->fd < 0)
		goto fail_errno;
	if (!bind(c->fd, (struct sockaddr *)&sa, sizeof(sa)))
		goto bound;
	if (errno != EADDRINUSE)
		goto fail_errno;
	/* A socket file: another agent's, or a stale one from a crash. */
	{
		int probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		bool live = probe >= 0 && !connect(probe, (struct sockaddr *)&sa, sizeof(sa));

		if (probe >= 0)
			close(probe);
		if (live) {
			snprintf(err, err_sz, "control socket %s: another agent answers there", path);
			errno = EADDRINUSE;
			goto fail;
		}
	}
	unlink(path);
	if (bind(c->fd, (struct sockaddr *)&sa, sizeof(sa)))
		goto fail_errno;
bound:
	if (chmod(path, 0600) || listen(c->fd, 8) || loop__add(l, c->fd, EPOLLIN, on_accept, c))
		goto fail_errno;
	return c;
fail_errno:
	e = errno;
	snprintf(err, err_sz, "control socket %s: %s", path, strerror(e));
	errno = e;
fail:
	e = errno;
	if (c->fd >= 0)
		close(c->fd);
	free(c);
	errno = e;
	return NULL;
}

int control__handle(struct control *c, const char *verb, control_fn fn, void *ctx)
{
	if (c->nverbs == VERBS)
		return -E2BIG;
	snprintf(c->verbs[c->nverbs].verb, sizeof(c->verbs[0].verb), "%s", verb);
	c->verbs[c->nverbs].fn = fn;
	c->verbs[c->nverbs++].ctx = ctx;
	return 0;
}

void control__close(struct control *c)
{
	if (!c)
		return;
	for (int i = 0; i < CONNS; i++)
		if (c->conns[i])
			conn_close(c->conns[i]);
	loop__del(c->loop, c->fd);
	close(c->fd);
	unlink(c->path);
	free(c);
}

int control__request(const char *path, const char *line, struct strbuf *reply, char *err, size_t err_sz)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct pollfd p;
	char buf[4096];
	int fd, e;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		snprintf(err, err_sz, "%s: path too long", path);
		return -ENAMETOOLONG;
	}
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		e = -errno;
		snprintf(err, err_sz, "%s: %s%s", path, strerror(errno),
			 errno == ENOENT || errno == ECONNREFUSED ? " (is an agent running with this collector?)" :
			 errno == EACCES ? " (only root may use the control socket)" : "");
		if (fd >= 0)
			close(fd);
		return e;
	}
	if (write(fd, line, strlen(line)) < 0 || write(fd, "\n", 1) < 0)
		goto io;
	p = (struct pollfd){ .fd = fd, .events = POLLIN };
	for (;;) {
		ssize_t r;

		if (poll(&p, 1, 5000) <= 0) {
			errno = ETIMEDOUT;
			goto io;
		}
		r = read(fd, buf, sizeof(buf));
		if (r < 0)
			goto io;
		if (!r)
			break;
		sb__append(reply, buf, r);
	}
	close(fd);
	return 0;
io:
	e = -errno;
	snprintf(err, err_sz, "%s: %s", path, strerror(errno));
	close(fd);
	return e;
}
