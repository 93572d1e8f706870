#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "server/http_server.h"
#include "server/http_client.h"

static int wait_fd(int fd, short ev, int timeout_ms)
{
	struct pollfd p = { .fd = fd, .events = ev };
	int n = poll(&p, 1, timeout_ms);

	return n > 0 ? 0 : n == 0 ? -ETIMEDOUT : -errno;
}

static int connect_to(const struct addrinfo *ai, int timeout_ms)
{
	int fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0), err = 0;
	socklen_t len = sizeof(err);

	if (fd < 0)
		return -errno;
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) && errno != EINPROGRESS)
		err = -errno;
	else if (!(err = wait_fd(fd, POLLOUT, timeout_ms)) &&
		 !getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) && err)
		err = -err;
	if (err) {
		close(fd);
		return err;
	}
	return fd;
}

int http__get(const char *listen, const char *path, int timeout_ms, struct strbuf *body,
	      char *err, size_t errsz)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *ai = NULL;
	char host[128], port[8], req[512], buf[4096];
	struct strbuf resp = {};
	int fd, rc, status = 0;
	size_t sent = 0, n;
	char *sep;

	if (http__parse_listen(listen, host, sizeof(host), port, sizeof(port))) {
		snprintf(err, errsz, "invalid address '%s' (want HOST:PORT)", listen);
		return -EINVAL;
	}
	rc = getaddrinfo(host, port, &hints, &ai);
	if (rc) {
		snprintf(err, errsz, "cannot resolve %s: %s", listen, gai_strerror(rc));
		return -EINVAL;
	}
	fd = connect_to(ai, timeout_ms);
	freeaddrinfo(ai);
	if (fd < 0) {
		snprintf(err, errsz, "cannot reach the agent at %s: %s (is 'sonde agent' running there?)",
			 listen, strerror(-fd));
		return fd;
	}
	n = snprintf(req, sizeof(req), "GET %s HTTP/1.0\r\nHost: %s\r\n\r\n", path, host);
	while (sent < n) {
		ssize_t w = send(fd, req + sent, n - sent, MSG_NOSIGNAL);

		if (w < 0 && errno == EAGAIN && !wait_fd(fd, POLLOUT, timeout_ms))
			continue;
		if (w < 0) {
			rc = -errno;
			goto fail;
		}
		sent += w;
	}
	for (;;) {
		ssize_t r = recv(fd, buf, sizeof(buf), 0);

		if (r < 0 && errno == EAGAIN) {
			rc = wait_fd(fd, POLLIN, timeout_ms);
			if (rc)
				goto fail;
			continue;
		}
		if (r < 0) {
			rc = -errno;
			goto fail;
		}
		if (r == 0)
			break;
		if (resp.len + r > (64u << 20)) {
			rc = -EFBIG;
			goto fail;
		}
		sb__append(&resp, buf, r);
	}
	close(fd);
	if (!resp.buf || sscanf(resp.buf, "HTTP/%*d.%*d %d", &status) != 1 ||
	    !(sep = strstr(resp.buf, "\r\n\r\n"))) {
		snprintf(err, errsz, "%s did not answer HTTP", listen);
		sb__free(&resp);
		return -EPROTO;
	}
	sb__append(body, sep + 4, resp.len - (sep + 4 - resp.buf));
	sb__free(&resp);
	return status;
fail:
	snprintf(err, errsz, "talking to %s: %s", listen, strerror(-rc));
	close(fd);
	sb__free(&resp);
	return rc;
}
