#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <microhttpd.h>
#include "core/log.h"
#include "server/http_server.h"

struct http_server {
	struct MHD_Daemon *d;
	const struct http_route *routes;
	void *ctx;
	int epfd;
};

int http__parse_listen(const char *listen, char *host, size_t hsz, char *port, size_t psz)
{
	const char *colon;
	size_t hl;

	if (listen[0] == '[') {
		const char *end = strchr(listen, ']');

		if (!end || end[1] != ':')
			return -EINVAL;
		hl = end - listen - 1;
		listen++;
		colon = end + 1;
	} else {
		colon = strrchr(listen, ':');
		if (!colon)
			return -EINVAL;
		hl = colon - listen;
	}
	if (!hl || hl >= hsz || !colon[1] || strlen(colon + 1) >= psz)
		return -EINVAL;
	{
		long num = 0;

		for (const char *p = colon + 1; *p; p++) {
			if (*p < '0' || *p > '9')
				return -EINVAL;
			num = num * 10 + (*p - '0');
			if (num > 65535)
				return -EINVAL;
		}
	}
	memcpy(host, listen, hl);
	host[hl] = '\0';
	strcpy(port, colon + 1);
	return 0;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
				  const char *method, const char *version, const char *upload,
				  size_t *upload_size, void **con_cls)
{
	struct http_server *s = cls;
	const struct http_route *r;
	struct MHD_Response *resp;
	struct strbuf body = {};
	const char *ctype = "text/plain; charset=utf-8";
	int status = MHD_HTTP_NOT_FOUND;
	enum MHD_Result ret;
	char *buf;
	size_t len;

	if (strcmp(method, "GET") && strcmp(method, "HEAD")) {
		sb__puts(&body, "only GET is supported\n");
		status = MHD_HTTP_METHOD_NOT_ALLOWED;
		goto respond;
	}
	for (r = s->routes; r->path; r++) {
		if (!strcmp(r->path, url)) {
			status = r->fn(s->ctx, &body);
			ctype = r->content_type;
			break;
		}
	}
	if (!r->path) {
		sb__printf(&body, "no such path: %s\navailable:", url);
		for (r = s->routes; r->path; r++)
			sb__printf(&body, " %s", r->path);
		sb__putc(&body, '\n');
	}
	if (body.err) {
		sb__free(&body);
		status = MHD_HTTP_INTERNAL_SERVER_ERROR;
	}
respond:
	buf = sb__detach(&body, &len);
	resp = MHD_create_response_from_buffer(buf ? len : 0, buf ? buf : "",
					       buf ? MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_PERSISTENT);
	if (!resp) {
		free(buf);
		return MHD_NO;
	}
	MHD_add_response_header(resp, "Content-Type", ctype);
	ret = MHD_queue_response(conn, status, resp);
	MHD_destroy_response(resp);
	return ret;
}

static void on_ready(void *ctx, uint32_t events)
{
	struct http_server *s = ctx;

	MHD_run(s->d);
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	char buf[512];

	vsnprintf(buf, sizeof(buf), fmt, ap);
	pr_debug("http: %s", buf);
}

struct http_server *http__start(const char *listen, const struct http_route *routes, void *ctx,
				struct loop *loop, char *err, size_t errsz)
{
	struct addrinfo hints = { .ai_flags = AI_PASSIVE, .ai_socktype = SOCK_STREAM }, *ai = NULL;
	char host[128], port[8];
	struct http_server *s;
	const union MHD_DaemonInfo *info;
	int rc;

	if (http__parse_listen(listen, host, sizeof(host), port, sizeof(port))) {
		snprintf(err, errsz, "invalid listen address '%s' (want HOST:PORT or [V6]:PORT)", listen);
		errno = EINVAL;
		return NULL;
	}
	rc = getaddrinfo(host, port, &hints, &ai);
	if (rc) {
		snprintf(err, errsz, "cannot resolve listen address '%s': %s", listen, gai_strerror(rc));
		errno = EINVAL;
		return NULL;
	}
	s = calloc(1, sizeof(*s));
	if (!s) {
		freeaddrinfo(ai);
		return NULL;
	}
	s->routes = routes;
	s->ctx = ctx;
	/* No internal thread: MHD's epoll fd joins the agent's loop. */
	s->d = MHD_start_daemon(MHD_USE_EPOLL | MHD_USE_ERROR_LOG | (ai->ai_family == AF_INET6 ? MHD_USE_IPv6 : 0),
				0, NULL, NULL, on_request, s,
				MHD_OPTION_SOCK_ADDR, ai->ai_addr,
				MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)10,
				MHD_OPTION_CONNECTION_LIMIT, (unsigned)64,
				MHD_OPTION_LISTENING_ADDRESS_REUSE, (unsigned)1,
				MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
				MHD_OPTION_END);
	freeaddrinfo(ai);
	if (!s->d) {
		int e = errno;

		snprintf(err, errsz, "cannot listen on %s: %s%s", listen, strerror(e),
			 e == EADDRINUSE ? " (is another sonde running? choose another --listen)" : "");
		free(s);
		errno = e;
		return NULL;
	}
	info = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_EPOLL_FD);
	s->epfd = info ? info->epoll_fd : -1;
	if (s->epfd < 0 || loop__add(loop, s->epfd, EPOLLIN, on_ready, s)) {
		snprintf(err, errsz, "cannot add the HTTP server to the event loop");
		MHD_stop_daemon(s->d);
		free(s);
		errno = EIO;
		return NULL;
	}
	return s;
}

void http__tick(struct http_server *s)
{
	if (s)
		MHD_run(s->d);
}

void http__stop(struct http_server *s, struct loop *loop)
{
	if (!s)
		return;
	if (loop && s->epfd >= 0)
		loop__del(loop, s->epfd);
	MHD_stop_daemon(s->d);
	free(s);
}
