// SPDX-License-Identifier: Apache-2.0
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <microhttpd.h>
#include "core/log.h"
#include "core/loop.h"
#include "lib/hostport.h"
#include "server/http_server.h"

#define MAX_ROUTES 32

struct route {
	char method[8];
	char path[96];
	http_handler fn;
	void *ctx;
};

/* One TCP connection, as the limits see it. */
struct conn {
	struct http_server *s;
	struct MHD_Connection *mc;
	int fd;
	struct sockaddr_storage peer;
	double accepted_ms, last_ms;
	unsigned requests;	/* whose headers arrived */
	bool inflight;		/* a request being answered */
	bool stream;		/* answering with a stream */
	bool evicted;
	struct conn *next;
};

/* One request's state across the handler's calls. */
struct req {
	struct strbuf body;
	bool too_big;
};

struct http_stream {
	struct http_server *s;
	struct MHD_Connection *mc;
	struct conn *conn;
	struct strbuf queue;
	size_t sent;		/* of queue, consumed by the reader */
	bool ended, suspended;
	void (*on_close)(void *ctx);
	void *ctx;
};

struct http_server {
	struct MHD_Daemon *d;
	struct loop *loop;
	struct loop_timer *mhd_timer, *housekeeping;
	int lfd, epfd;
	char address[160];
	struct route routes[MAX_ROUTES];
	int nroutes;
	struct conn *conns;
	unsigned nstreams;
	struct http_stats stats;
};

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* ---- driving libmicrohttpd from the loop ---- */

static void run(struct http_server *s)
{
	MHD_UNSIGNED_LONG_LONG t;

	MHD_run(s->d);
	/* Its own timeouts (idle connections) need a run when they expire. */
	if (MHD_get_timeout(s->d, &t) == MHD_YES)
		loop_timer__arm(s->mhd_timer, t ? (t > 60000 ? 60000 : t) : 1, 0);
	else
		loop_timer__arm(s->mhd_timer, 0, 0);
}

static void on_mhd(void *ctx, uint32_t events)
{
	run(ctx);
}

/* ---- the limits ---- */

static bool same_client(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
	if (a->ss_family != b->ss_family)
		return false;
	if (a->ss_family == AF_INET)
		return ((const struct sockaddr_in *)a)->sin_addr.s_addr ==
		       ((const struct sockaddr_in *)b)->sin_addr.s_addr;
	if (a->ss_family == AF_INET6)
		return !memcmp(&((const struct sockaddr_in6 *)a)->sin6_addr,
			       &((const struct sockaddr_in6 *)b)->sin6_addr, 16);
	return true;
}

static void evict(struct conn *c)
{
	c->evicted = true;
	shutdown(c->fd, SHUT_RDWR);
	c->s->stats.evicted++;
}

/* The connection to give up for a new one: among those of peer (or all,
 * peer NULL), one that never sent a request, else the longest idle one;
 * never one being answered or streaming. */
static struct conn *victim(struct http_server *s, const struct sockaddr_storage *peer)
{
	struct conn *best = NULL;

	for (struct conn *c = s->conns; c; c = c->next) {
		if (c->evicted || c->inflight || c->stream || (peer && !same_client(&c->peer, peer)))
			continue;
		if (!best || (!c->requests && best->requests) ||
		    (!c->requests == !best->requests && c->last_ms < best->last_ms))
			best = c;
	}
	return best;
}

static unsigned count(struct http_server *s, const struct sockaddr_storage *peer)
{
	unsigned n = 0;

	for (struct conn *c = s->conns; c; c = c->next)
		n += !c->evicted && (!peer || same_client(&c->peer, peer));
	return n;
}

/* Room for one more connection from peer, evicting if needed. */
static bool admit(struct http_server *s, const struct sockaddr_storage *peer)
{
	struct conn *v;

	if (count(s, peer) >= HTTP_MAX_PER_CLIENT) {
		v = victim(s, peer);
		if (!v)
			return false;
		evict(v);
	}
	if (count(s, NULL) >= HTTP_MAX_CONNS) {
		v = victim(s, NULL);
		if (!v)
			return false;
		evict(v);
	}
	return true;
}

static void on_accept(void *ctx, uint32_t events)
{
	struct http_server *s = ctx;

	for (;;) {
		struct sockaddr_storage peer;
		socklen_t len = sizeof(peer);
		int fd = accept4(s->lfd, (struct sockaddr *)&peer, &len, SOCK_NONBLOCK | SOCK_CLOEXEC);

		if (fd < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN && errno != ECONNABORTED)
				pr_warn("http: accept: %s", strerror(errno));
			break;
		}
		if (!admit(s, &peer)) {
			s->stats.refused++;
			close(fd);
			continue;
		}
		/* libmicrohttpd owns fd from here, also on failure. */
		if (MHD_add_connection(s->d, fd, (struct sockaddr *)&peer, len) != MHD_YES)
			s->stats.refused++;
		else
			s->stats.accepted++;
	}
	run(s);
}

/* Clients that connect and say nothing (slowloris) go after a few seconds,
 * not after the idle timeout that keep-alive connections get. */
static void on_housekeeping(void *ctx, uint32_t events)
{
	struct http_server *s = ctx;
	double now = now_ms();
	bool any = false;

	for (struct conn *c = s->conns; c; c = c->next) {
		if (!c->evicted && !c->requests && !c->inflight &&
		    now - c->accepted_ms > HTTP_HEADER_TIMEOUT_MS) {
			c->evicted = true;
			shutdown(c->fd, SHUT_RDWR);
			s->stats.header_timeouts++;
			any = true;
		}
	}
	if (any)
		run(s);
}

static void on_connection(void *cls, struct MHD_Connection *mc, void **socket_context,
			  enum MHD_ConnectionNotificationCode toe)
{
	struct http_server *s = cls;
	struct conn *c = *socket_context, **pp;

	if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
		const union MHD_ConnectionInfo *fd = MHD_get_connection_info(mc, MHD_CONNECTION_INFO_CONNECTION_FD);
		const union MHD_ConnectionInfo *ad = MHD_get_connection_info(mc, MHD_CONNECTION_INFO_CLIENT_ADDRESS);

		c = calloc(1, sizeof(*c));
		if (!c)
			return;
		c->s = s;
		c->mc = mc;
		c->fd = fd ? fd->connect_fd : -1;
		if (ad && ad->client_addr)
			memcpy(&c->peer, ad->client_addr,
			       ad->client_addr->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6)
								     : sizeof(struct sockaddr_in));
		c->accepted_ms = c->last_ms = now_ms();
		c->next = s->conns;
		s->conns = c;
		*socket_context = c;
		return;
	}
	for (pp = &s->conns; *pp; pp = &(*pp)->next) {
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	}
	free(c);
}

/* ---- requests ---- */

static struct conn *conn_of(struct MHD_Connection *mc)
{
	const union MHD_ConnectionInfo *i = MHD_get_connection_info(mc, MHD_CONNECTION_INFO_SOCKET_CONTEXT);

	return i ? i->socket_context : NULL;
}

const char *http_request__header(const struct http_request *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

const char *http_request__arg(const struct http_request *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
}

static enum MHD_Result queue(struct MHD_Connection *mc, int status, const char *ctype,
			     struct strbuf *body, const char *allow)
{
	struct MHD_Response *resp;
	enum MHD_Result ret;
	size_t len;
	char *buf = sb__detach(body, &len);

	resp = MHD_create_response_from_buffer(buf ? len : 0, buf ? buf : "",
					       buf ? MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_PERSISTENT);
	if (!resp) {
		free(buf);
		return MHD_NO;
	}
	MHD_add_response_header(resp, "Content-Type", ctype ? ctype : "text/plain; charset=utf-8");
	if (allow)
		MHD_add_response_header(resp, "Allow", allow);
	ret = MHD_queue_response(mc, status, resp);
	MHD_destroy_response(resp);
	return ret;
}

static ssize_t stream_read(void *cls, uint64_t pos, char *buf, size_t max);
static void stream_free(void *cls);
/* The server whose handler runs now (handlers run on the loop's thread). */
static __thread struct http_server *http_current;

static enum MHD_Result answer(struct http_server *s, struct MHD_Connection *mc,
			      const struct route *r, const struct http_request *req)
{
	struct http_response resp = { .status = 200, .fd = -1 };
	struct MHD_Response *mr;
	enum MHD_Result ret;

	r->fn(r->ctx, req, &resp);
	if (resp.stream) {
		mr = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 4096, stream_read, resp.stream,
						       stream_free);
		if (!mr) {
			stream_free(resp.stream);
			return MHD_NO;
		}
		resp.stream->mc = mc;
		resp.stream->conn = conn_of(mc);
		if (resp.stream->conn)
			resp.stream->conn->stream = true;
		MHD_add_response_header(mr, "Content-Type", resp.content_type);
		MHD_add_response_header(mr, "Cache-Control", "no-cache");
	} else if (resp.fd >= 0) {
		mr = MHD_create_response_from_fd(resp.size, resp.fd);
		if (!mr) {
			close(resp.fd);
			return MHD_NO;
		}
		MHD_add_response_header(mr, "Content-Type", resp.content_type ?: "application/octet-stream");
	} else {
		if (resp.body.err) {
			sb__reset(&resp.body);
			sb__puts(&resp.body, "out of memory\n");
			resp.status = 500;
		}
		return queue(mc, resp.status, resp.content_type, &resp.body, NULL);
	}
	ret = MHD_queue_response(mc, resp.status, mr);
	MHD_destroy_response(mr);
	return ret;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *mc, const char *url,
				  const char *method, const char *version, const char *upload,
				  size_t *upload_size, void **con_cls)
{
	struct http_server *s = cls;
	struct req *rq = *con_cls;
	struct strbuf body = {};
	const char *path_match = NULL;
	const struct route *r = NULL;
	struct http_request req;
	bool get = !strcmp(method, "GET") || !strcmp(method, "HEAD");

	if (!rq) {
		/* Headers complete: the request's state, kept until it ends. */
		struct conn *c = conn_of(mc);

		rq = calloc(1, sizeof(*rq));
		if (!rq)
			return MHD_NO;
		*con_cls = rq;
		if (c) {
			c->requests++;
			c->inflight = true;
		}
		return MHD_YES;
	}
	if (*upload_size) {
		if (rq->body.len + *upload_size > HTTP_MAX_BODY)
			rq->too_big = true;
		else
			sb__append(&rq->body, upload, *upload_size);
		*upload_size = 0;
		return MHD_YES;
	}
	for (int i = 0; i < s->nroutes; i++) {
		if (strcmp(s->routes[i].path, url))
			continue;
		path_match = url;
		if (!strcmp(s->routes[i].method, get ? "GET" : method))
			r = &s->routes[i];
	}
	if (!path_match) {
		sb__printf(&body, "no such path: %s\navailable:", url);
		for (int i = 0; i < s->nroutes; i++)
			sb__printf(&body, " %s", s->routes[i].path);
		sb__putc(&body, '\n');
		return queue(mc, MHD_HTTP_NOT_FOUND, NULL, &body, NULL);
	}
	if (!r) {
		sb__printf(&body, "%s does not take %s; use GET\n", url, method);
		return queue(mc, MHD_HTTP_METHOD_NOT_ALLOWED, NULL, &body, "GET, HEAD");
	}
	if (rq->too_big) {
		sb__printf(&body, "request body larger than %d bytes\n", HTTP_MAX_BODY);
		return queue(mc, MHD_HTTP_CONTENT_TOO_LARGE, NULL, &body, NULL);
	}
	req = (struct http_request){
		.method = method, .path = url, .body = rq->body.buf, .body_len = rq->body.len,
		.conn = mc,
	};
	req.query = strchr(url, '?') ? strchr(url, '?') + 1 : "";
	return answer(s, mc, r, &req);
}

static void on_completed(void *cls, struct MHD_Connection *mc, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	struct req *rq = *con_cls;
	struct conn *c = conn_of(mc);

	if (c) {
		c->inflight = false;
		c->last_ms = now_ms();
	}
	if (rq) {
		sb__free(&rq->body);
		free(rq);
	}
	*con_cls = NULL;
}

/* ---- streams ---- */

struct http_stream *http_response__stream(struct http_response *resp, const char *content_type,
					  void (*on_close)(void *ctx), void *ctx)
{
	/* The route's server: every handler runs inside on_request. */
	struct http_server *s = http_current;
	struct http_stream *st;

	if (!s || s->nstreams >= HTTP_MAX_STREAMS) {
		resp->status = 503;
		sb__printf(&resp->body, "too many live streams (at most %d)\n", HTTP_MAX_STREAMS);
		return NULL;
	}
	st = calloc(1, sizeof(*st));
	if (!st) {
		resp->status = 500;
		return NULL;
	}
	st->s = s;
	st->on_close = on_close;
	st->ctx = ctx;
	s->nstreams++;
	resp->stream = st;
	resp->content_type = content_type;
	return st;
}

/* A suspended stream with something to send: back on the loop. The run
 * that sends it comes from the loop (a write may happen inside one of
 * libmicrohttpd's own callbacks, where it must not run again). */
static void wake(struct http_stream *st)
{
	if (!st->suspended)
		return;
	st->suspended = false;
	MHD_resume_connection(st->mc);
	loop_timer__arm(st->s->mhd_timer, 1, 0);
}

int http_stream__write(struct http_stream *st, const char *data, size_t n, size_t max_queued)
{
	if (st->ended)
		return -EPIPE;
	if (st->queue.len - st->sent + n > max_queued)
		return -ENOBUFS;
	if (sb__append(&st->queue, data, n))
		return -ENOMEM;
	wake(st);
	return 0;
}

void http_stream__end(struct http_stream *st)
{
	st->ended = true;
	wake(st);
}

static ssize_t stream_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct http_stream *st = cls;
	size_t left = st->queue.len - st->sent, n = left < max ? left : max;

	if (n) {
		memcpy(buf, st->queue.buf + st->sent, n);
		st->sent += n;
		if (st->sent == st->queue.len) {
			sb__reset(&st->queue);
			st->sent = 0;
		}
		return n;
	}
	if (st->ended)
		return MHD_CONTENT_READER_END_OF_STREAM;
	/* Nothing to send: off the loop until the next write. */
	st->suspended = true;
	MHD_suspend_connection(st->mc);
	return 0;
}

static void stream_free(void *cls)
{
	struct http_stream *st = cls;

	if (st->on_close)
		st->on_close(st->ctx);
	if (st->conn)
		st->conn->stream = false;
	st->s->nstreams--;
	sb__free(&st->queue);
	free(st);
}

/* ---- the server ---- */

static enum MHD_Result on_request_tagged(void *cls, struct MHD_Connection *mc, const char *url,
					 const char *method, const char *version, const char *upload,
					 size_t *upload_size, void **con_cls)
{
	enum MHD_Result r;

	http_current = cls;
	r = on_request(cls, mc, url, method, version, upload, upload_size, con_cls);
	http_current = NULL;
	return r;
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	char buf[512];

	vsnprintf(buf, sizeof(buf), fmt, ap);
	pr_debug("http: %s", buf);
}

static int open_listener(struct http_server *s, const char *addr, char *err, size_t errsz)
{
	struct addrinfo hints = { .ai_flags = AI_PASSIVE, .ai_socktype = SOCK_STREAM }, *ai = NULL;
	struct sockaddr_storage got;
	socklen_t len = sizeof(got);
	char host[128], port[8], h[64], p[8];
	int rc, one = 1, e;

	if (hostport__parse(addr, host, sizeof(host), port, sizeof(port))) {
		snprintf(err, errsz, "invalid listen address '%s' (want HOST:PORT or [V6]:PORT)", addr);
		return -EINVAL;
	}
	rc = getaddrinfo(host, port, &hints, &ai);
	if (rc) {
		snprintf(err, errsz, "cannot resolve listen address '%s': %s", addr, gai_strerror(rc));
		return -EINVAL;
	}
	s->lfd = socket(ai->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	/* SO_REUSEADDR lets a restart bind over TIME_WAIT; never SO_REUSEPORT,
	 * which would let two agents share the port. */
	if (s->lfd < 0 || setsockopt(s->lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(s->lfd, ai->ai_addr, ai->ai_addrlen) || listen(s->lfd, 128) ||
	    getsockname(s->lfd, (struct sockaddr *)&got, &len)) {
		e = errno;
		freeaddrinfo(ai);
		snprintf(err, errsz, "cannot listen on %s: %s%s", addr, strerror(e),
			 e == EADDRINUSE ? " (is another sonde running? choose another --listen)" : "");
		return -e;
	}
	freeaddrinfo(ai);
	getnameinfo((struct sockaddr *)&got, len, h, sizeof(h), p, sizeof(p), NI_NUMERICHOST | NI_NUMERICSERV);
	snprintf(s->address, sizeof(s->address), got.ss_family == AF_INET6 ? "[%s]:%s" : "%s:%s", h, p);
	return 0;
}

struct http_server *http_server__new(const char *listen, struct loop *loop, char *err, size_t errsz)
{
	struct http_server *s = calloc(1, sizeof(*s));
	const union MHD_DaemonInfo *info;
	int e;

	if (!s)
		return NULL;
	s->loop = loop;
	s->lfd = s->epfd = -1;
	e = open_listener(s, listen, err, errsz);
	if (e)
		goto fail;
	/* No internal thread, no listening socket of its own: its epoll fd
	 * joins the agent's loop, connections come from on_accept. */
	s->d = MHD_start_daemon(MHD_USE_EPOLL | MHD_USE_NO_LISTEN_SOCKET | MHD_ALLOW_SUSPEND_RESUME |
				MHD_USE_ERROR_LOG,
				0, NULL, NULL, on_request_tagged, s,
				MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
				MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)HTTP_IDLE_TIMEOUT_S,
				MHD_OPTION_CONNECTION_LIMIT, (unsigned)(HTTP_MAX_CONNS + HTTP_MAX_PER_CLIENT),
				MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(HTTP_MAX_BODY + 32768),
				MHD_OPTION_NOTIFY_CONNECTION, on_connection, s,
				MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
				MHD_OPTION_END);
	info = s->d ? MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_EPOLL_FD) : NULL;
	s->epfd = info ? info->epoll_fd : -1;
	s->mhd_timer = loop__timer_new(loop, on_mhd, s);
	s->housekeeping = loop__timer_new(loop, on_housekeeping, s);
	if (s->epfd < 0 || !s->mhd_timer || !s->housekeeping ||
	    loop__add(loop, s->epfd, EPOLLIN, on_mhd, s) ||
	    loop__add(loop, s->lfd, EPOLLIN, on_accept, s) ||
	    loop_timer__arm(s->housekeeping, 1000, 1000)) {
		snprintf(err, errsz, "cannot start the HTTP server on %s", listen);
		e = -EIO;
		goto fail;
	}
	return s;
fail:
	http_server__free(s);
	errno = -e;
	return NULL;
}

const char *http_server__address(const struct http_server *s) { return s->address; }

int http_server__route(struct http_server *s, const char *method, const char *path,
		       http_handler fn, void *ctx)
{
	struct route *r;

	if (strcmp(method, "GET"))
		return -EPERM;	/* nothing on a TCP listener may change state */
	if (s->nroutes == MAX_ROUTES || strlen(path) >= sizeof(r->path))
		return -E2BIG;
	r = &s->routes[s->nroutes++];
	snprintf(r->method, sizeof(r->method), "%s", method);
	snprintf(r->path, sizeof(r->path), "%s", path);
	r->fn = fn;
	r->ctx = ctx;
	return 0;
}

void http_server__stats(const struct http_server *s, struct http_stats *st)
{
	*st = s->stats;
	st->open = 0;
	for (struct conn *c = s->conns; c; c = c->next)
		st->open += !c->evicted;
	st->streams = s->nstreams;
}

void http_server__free(struct http_server *s)
{
	if (!s)
		return;
	if (s->lfd >= 0) {
		loop__del(s->loop, s->lfd);
		close(s->lfd);
	}
	if (s->epfd >= 0)
		loop__del(s->loop, s->epfd);
	loop_timer__free(s->mhd_timer);
	loop_timer__free(s->housekeeping);
	if (s->d)
		MHD_stop_daemon(s->d);
	free(s);
}
