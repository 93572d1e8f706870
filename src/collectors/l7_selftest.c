// SPDX-License-Identifier: Apache-2.0
/* The l7 collector's selftest: one HTTP exchange over loopback TCP inside
 * this process (write and recv for the request, writev and read for the
 * response) must be seen once from each end, with its path, status and
 * sizes. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>
#include "collectors/l7.h"
#include "core/collector.h"
#include "sonde/tcp.h"

struct st_seen {
	char path[64];
	bool server, client;
	int err;
};

static void st_event(void *ctx, const struct event *ev)
{
	struct st_seen *st = ctx;
	const struct http1_exchange *x = l7__event_exchange(ev);
	int role = l7__event_role(ev);

	if (!x || ev->task->pid != (uint32_t)getpid() || strcmp(x->req.path, st->path))
		return;
	if (x->status != 200 || x->resp_body != 5 || strcmp(x->req.method, "GET"))
		return;
	if (role == TCP_ROLE_SERVER)
		st->server = true;
	else if (role == TCP_ROLE_CLIENT)
		st->client = true;
}

static int st_done(void *ctx)
{
	const struct st_seen *st = ctx;

	return st->server && st->client;
}

static void st_workload(void *ctx)
{
	static const char head[] = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n";
	struct st_seen *st = ctx;
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct iovec iov[2] = { { (void *)head, sizeof(head) - 1 }, { "hello", 5 } };
	socklen_t alen = sizeof(a);
	int l = -1, cl = -1, sv = -1;
	char req[128], buf[512];
	int n;

	n = snprintf(req, sizeof(req), "GET %s HTTP/1.1\r\nHost: selftest\r\n\r\n", st->path);
	l = socket(AF_INET, SOCK_STREAM, 0);
	cl = socket(AF_INET, SOCK_STREAM, 0);
	if (l < 0 || cl < 0 || bind(l, (struct sockaddr *)&a, sizeof(a)) || listen(l, 1) ||
	    getsockname(l, (struct sockaddr *)&a, &alen) || connect(cl, (struct sockaddr *)&a, sizeof(a)) ||
	    (sv = accept(l, NULL, NULL)) < 0 || write(cl, req, n) != n || recv(sv, buf, sizeof(buf), 0) != n ||
	    writev(sv, iov, 2) != (ssize_t)(sizeof(head) - 1 + 5) || read(cl, buf, sizeof(buf)) <= 0)
		st->err = errno ?: EIO;
	if (sv >= 0)
		close(sv);
	if (cl >= 0)
		close(cl);
	if (l >= 0)
		close(l);
}

int l7__selftest(struct collector *c, char *msg, size_t sz)
{
	struct st_seen st = {};

	snprintf(st.path, sizeof(st.path), "/sonde-selftest/%d", getpid());
	if (!collector__watch(c, st_event, st_workload, st_done, &st, 1000)) {
		snprintf(msg, sz, "GET %s over loopback%s%s: server side %s, client side %s", st.path,
			 st.err ? ": " : "", st.err ? strerror(st.err) : "", st.server ? "seen" : "missing",
			 st.client ? "seen" : "missing");
		return -EBADMSG;
	}
	snprintf(msg, sz, "a loopback HTTP exchange (write/recv, writev/read) seen from both ends");
	return 0;
}
