// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include "lib/gzip.h"
#include "lib/hostport.h"
#include "server/http_client.h"
#include "server/http_parse.h"

struct http_client {
	char host[128], port[8], base[160];
	char *headers;		/* the caller's extra lines, owned */
	struct http_client_opts o;
	int fd;
	unsigned connects;
};

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int wait_fd(int fd, short ev, double deadline)
{
	int left = deadline - now_ms(), n;
	struct pollfd p = { .fd = fd, .events = ev };

	if (left <= 0)
		return -ETIMEDOUT;
	n = poll(&p, 1, left);
	return n > 0 ? 0 : n == 0 ? -ETIMEDOUT : -errno;
}

struct http_client *http_client__new(const char *base, const struct http_client_opts *o, char *err,
				     size_t errsz)
{
	struct http_client *c = calloc(1, sizeof(*c));

	if (!c) {
		snprintf(err, errsz, "out of memory");
		return NULL;
	}
	if (hostport__parse(base, c->host, sizeof(c->host), c->port, sizeof(c->port))) {
		snprintf(err, errsz, "invalid address '%s' (want HOST:PORT)", base);
		free(c);
		errno = EINVAL;
		return NULL;
	}
	snprintf(c->base, sizeof(c->base), "%s", base);
	c->o = o ? *o : (struct http_client_opts){};
	c->o.headers = NULL;
	if (o && o->headers && o->headers[0] && !(c->headers = strdup(o->headers))) {
		snprintf(err, errsz, "out of memory");
		free(c);
		return NULL;
	}
	c->o.connect_ms = c->o.connect_ms ?: 2000;
	c->o.total_ms = c->o.total_ms ?: 10000;
	c->fd = -1;
	return c;
}

static void disconnect(struct http_client *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
}

void http_client__free(struct http_client *c)
{
	if (!c)
		return;
	disconnect(c);
	free(c->headers);
	free(c);
}

unsigned http_client__connects(const struct http_client *c) { return c->connects; }

static int connect_to(struct http_client *c, double deadline, char *err, size_t errsz)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *ai = NULL;
	double until = now_ms() + c->o.connect_ms;
	int rc, fd, e = 0;
	socklen_t len = sizeof(e);

	rc = getaddrinfo(c->host, c->port, &hints, &ai);
	if (rc) {
		snprintf(err, errsz, "cannot resolve %s: %s", c->base, gai_strerror(rc));
		return -EINVAL;
	}
	fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		e = -errno;
	else if (connect(fd, ai->ai_addr, ai->ai_addrlen) && errno != EINPROGRESS)
		e = -errno;
	else if (!(e = wait_fd(fd, POLLOUT, until < deadline ? until : deadline)) &&
		 !getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &len) && e)
		e = -e;
	freeaddrinfo(ai);
	if (e) {
		if (fd >= 0)
			close(fd);
		snprintf(err, errsz, "cannot reach %s: %s", c->base, strerror(-e));
		return e;
	}
	c->fd = fd;
	c->connects++;
	return 0;
}

static int send_all(int fd, const char *p, size_t n, double deadline)
{
	while (n) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
		int e;

		if (w < 0 && errno == EAGAIN) {
			e = wait_fd(fd, POLLOUT, deadline);
			if (e)
				return e;
			continue;
		}
		if (w < 0)
			return errno == EINTR ? 0 : -errno;
		p += w;
		n -= w;
	}
	return 0;
}

/* Reads one response. *got is set once any byte arrived (a reused
 * connection the server had closed gives none: safe to retry). */
static int read_reply(struct http_client *c, bool head_only, struct http_reply *r, double deadline,
		      bool *got, char *err, size_t errsz)
{
	struct strbuf in = {};
	struct http_head h;
	struct http_chunked ch = {};
	char buf[16384];
	int e = -EAGAIN, done = 0;
	size_t body_from = 0;
	bool eof = false;

	*got = false;
	for (;;) {
		ssize_t n = recv(c->fd, buf, sizeof(buf), 0);

		if (n < 0 && errno == EAGAIN) {
			e = wait_fd(c->fd, POLLIN, deadline);
			if (e) {
				snprintf(err, errsz, "%s: no answer within %d ms", c->base, c->o.total_ms);
				goto out;
			}
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			e = -errno;
			snprintf(err, errsz, "reading from %s: %s", c->base, strerror(errno));
			goto out;
		}
		eof = n == 0;
		if (n > 0)
			*got = true;
		if (!r->status) {
			/* Still in the head. */
			sb__append(&in, buf, n);
			e = http_parse__head(in.buf ? in.buf : "", in.len, &h);
			if (e == -EAGAIN && !eof)
				continue;
			if (e) {
				snprintf(err, errsz, "%s did not answer HTTP%s", c->base,
					 e == -EAGAIN ? " (closed mid-head)" : "");
				e = -EPROTO;
				goto out;
			}
			r->status = h.status;
			snprintf(r->content_type, sizeof(r->content_type), "%s", h.content_type);
			r->retry_after = h.retry_after;
			body_from = h.head_len;
			if (head_only || h.status == 204 || h.status == 304 || h.content_length == 0) {
				done = 1;
				break;
			}
			memcpy(buf, in.buf + body_from, in.len - body_from);
			n = in.len - body_from;
		}
		if (h.chunked) {
			size_t used;

			done = http_chunked__feed(&ch, buf, n, &used, &r->body);
			if (done < 0) {
				snprintf(err, errsz, "%s: malformed chunked body", c->base);
				e = -EPROTO;
				goto out;
			}
		} else if (n) {
			sb__append(&r->body, buf, n);
			done = h.content_length >= 0 && (long long)r->body.len >= h.content_length;
			if (done)
				r->body.len = h.content_length;
		} else if (eof) {
			/* Closed: the end of a body without length, else cut short. */
			done = h.content_length < 0;
			if (!done) {
				snprintf(err, errsz, "%s closed the connection mid-body", c->base);
				e = -EPROTO;
				goto out;
			}
		}
		if (r->body.len > HTTP_REPLY_MAX) {
			snprintf(err, errsz, "%s: answer larger than %u MB", c->base, HTTP_REPLY_MAX >> 20);
			e = -EFBIG;
			goto out;
		}
		if (done)
			break;
		if (eof) {
			snprintf(err, errsz, "%s closed the connection mid-body", c->base);
			e = -EPROTO;
			goto out;
		}
	}
	e = 0;
	if (r->body.buf)
		r->body.buf[r->body.len] = '\0';
	/* Keep the connection only when the body was framed and it may stay. */
	if (h.close || (!h.chunked && h.content_length < 0 && !head_only))
		disconnect(c);
out:
	sb__free(&in);
	if (e)
		disconnect(c);
	return e;
}

int http_client__request(struct http_client *c, const char *method, const char *path,
			 const char *content_type, const void *body, size_t len,
			 struct http_reply *r, char *err, size_t errsz)
{
	double deadline = now_ms() + c->o.total_ms;
	struct strbuf req = {}, gz = {};
	bool got = false;
	int e = 0;

	memset(r, 0, sizeof(*r));
	if (body && c->o.gzip) {
		e = gzip__append(&gz, body, len);
		if (e) {
			snprintf(err, errsz, "compressing the body: %s", strerror(-e));
			return e;
		}
		body = gz.buf;
		len = gz.len;
	}
	sb__printf(&req, "%s %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: sonde/%s\r\n", method, path,
		   c->base, SONDE_VERSION);
	if (c->headers)
		sb__puts(&req, c->headers);
	if (body) {
		sb__printf(&req, "Content-Type: %s\r\nContent-Length: %zu\r\n",
			   content_type ? content_type : "application/octet-stream", len);
		if (c->o.gzip)
			sb__puts(&req, "Content-Encoding: gzip\r\n");
	}
	sb__puts(&req, "\r\n");
	if (req.err) {
		e = -ENOMEM;
		goto out;
	}
	for (int attempt = 0; attempt < 2; attempt++) {
		bool reused = c->fd >= 0;

		if (!reused && (e = connect_to(c, deadline, err, errsz)))
			break;
		e = send_all(c->fd, req.buf, req.len, deadline);
		e = e ?: body ? send_all(c->fd, body, len, deadline) : 0;
		if (!e) {
			sb__free(&r->body);
			memset(r, 0, sizeof(*r));
			e = read_reply(c, !strcmp(method, "HEAD"), r, deadline, &got, err, errsz);
		} else {
			snprintf(err, errsz, "sending to %s: %s", c->base, strerror(-e));
			disconnect(c);
		}
		/* A kept connection the server closed meanwhile: once more. */
		if (!e || !reused || got)
			break;
	}
out:
	sb__free(&req);
	sb__free(&gz);
	if (e) {
		sb__free(&r->body);
		return e;
	}
	return r->status;
}

int http__get(const char *base, const char *path, int timeout_ms, struct strbuf *body, char *err,
	      size_t errsz)
{
	struct http_client_opts o = { .connect_ms = timeout_ms, .total_ms = timeout_ms };
	struct http_client *c = http_client__new(base, &o, err, errsz);
	struct http_reply r;
	int status;

	if (!c)
		return -EINVAL;
	status = http_client__request(c, "GET", path, NULL, NULL, 0, &r, err, errsz);
	if (status >= 0) {
		sb__append(body, r.body.buf ? r.body.buf : "", r.body.len);
		sb__free(&r.body);
	}
	http_client__free(c);
	return status;
}
