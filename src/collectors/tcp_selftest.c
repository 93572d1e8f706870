// SPDX-License-Identifier: Apache-2.0
/* The tcp collector's selftest: one loopback connection of this process
 * with known bytes each way must be seen opened, accepted and closed from
 * both ends, each end with its own byte counts. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "core/collector.h"
#include "collectors/tcp.h"
#include "tcp.skel.h"

#define ST_UP	3000	/* client -> server */
#define ST_DOWN	7000	/* server -> client */

struct st_seen {
	unsigned port;		/* the listener's */
	unsigned cport;		/* the client's */
	int err;
	bool connect, accept, client_close, server_close;
	uint64_t client_tx, client_rx, server_tx, server_rx, latency;
	uint64_t rtt_samples;	/* the client's, from sock_ops */
};

static void st_event(void *ctx, const struct event *ev)
{
	struct st_seen *st = ctx;
	const struct sonde_tcp_event *e = ev->payload;
	bool client = e->t.dport == st->port && e->t.sport == st->cport;
	bool server = e->t.sport == st->port && e->t.dport == st->cport;

	if (e->t.family != AF_INET || (!client && !server) || (pid_t)e->task.pid != getpid())
		return;
	if (e->task.kind == TCP_EV_CONNECT && client) {
		st->connect = true;
		st->latency = e->latency_ns;
	} else if (e->task.kind == TCP_EV_ACCEPT && server) {
		st->accept = true;
	} else if (e->task.kind == TCP_EV_CLOSE && client && e->role == TCP_ROLE_CLIENT) {
		st->client_close = true;
		st->client_tx = e->bytes_sent;
		st->client_rx = e->bytes_received;
		if (e->flags & TCP_F_RTT)
			st->rtt_samples = e->rtt.samples;
	} else if (e->task.kind == TCP_EV_CLOSE && server && e->role == TCP_ROLE_SERVER) {
		st->server_close = true;
		st->server_tx = e->bytes_sent;
		st->server_rx = e->bytes_received;
	}
}

static int st_done(void *ctx)
{
	const struct st_seen *st = ctx;

	return st->client_close && st->server_close;
}

static int xfer(int from, int to, size_t n)
{
	char buf[1024];

	memset(buf, 'x', sizeof(buf));
	for (size_t sent = 0; sent < n;) {
		size_t k = n - sent < sizeof(buf) ? n - sent : sizeof(buf);
		ssize_t w = write(from, buf, k);

		if (w <= 0)
			return -errno;
		sent += w;
		for (ssize_t got = 0; got < w;) {
			ssize_t r = read(to, buf, w - got);

			if (r <= 0)
				return r ? -errno : -EPIPE;
			got += r;
		}
	}
	return 0;
}

static void st_workload(void *ctx)
{
	struct st_seen *st = ctx;
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(sa);
	int l = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), cl = -1, sv = -1;

	if (l < 0 || bind(l, (struct sockaddr *)&sa, sizeof(sa)) || listen(l, 1) ||
	    getsockname(l, (struct sockaddr *)&sa, &len))
		goto fail;
	st->port = ntohs(sa.sin_port);
	cl = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (cl < 0 || connect(cl, (struct sockaddr *)&sa, sizeof(sa)))
		goto fail;
	len = sizeof(sa);
	if (getsockname(cl, (struct sockaddr *)&sa, &len))
		goto fail;
	st->cport = ntohs(sa.sin_port);
	sv = accept(l, NULL, NULL);
	if (sv < 0 || (st->err = xfer(cl, sv, ST_UP)) || (st->err = xfer(sv, cl, ST_DOWN)))
		goto out;
	/* The client closes first; the server's read of EOF, then its close. */
	close(cl);
	cl = -1;
	close(sv);
	sv = -1;
	goto out;
fail:
	st->err = -errno;
out:
	if (cl >= 0)
		close(cl);
	if (sv >= 0)
		close(sv);
	if (l >= 0)
		close(l);
}

int tcp__selftest(struct collector *c, char *msg, size_t sz)
{
	struct st_seen st = {};

	collector__watch(c, st_event, st_workload, st_done, &st, 2000);
	if (st.err) {
		snprintf(msg, sz, "loopback connection: %s", strerror(-st.err));
		return st.err;
	}
	if (!st.connect || !st.accept || !st.client_close || !st.server_close ||
	    st.client_tx != ST_UP || st.client_rx != ST_DOWN || st.server_tx != ST_DOWN ||
	    st.server_rx != ST_UP) {
		snprintf(msg, sz,
			 "127.0.0.1:%u <- :%u: connect %s, accept %s, client close %s (sent %llu of %d, "
			 "received %llu of %d), server close %s (sent %llu of %d, received %llu of %d)",
			 st.port, st.cport, st.connect ? "seen" : "missing", st.accept ? "seen" : "missing",
			 st.client_close ? "seen" : "missing", (unsigned long long)st.client_tx, ST_UP,
			 (unsigned long long)st.client_rx, ST_DOWN, st.server_close ? "seen" : "missing",
			 (unsigned long long)st.server_tx, ST_DOWN, (unsigned long long)st.server_rx, ST_UP);
		return -EBADMSG;
	}
	/* With tcp.rtt, sock_ops saw the client's ACKs, and its socket
	 * storage reached the close. */
	if (bpf_program__fd(((const struct tcp_bpf *)c->skel)->progs.tcp_sockops) >= 0 && !st.rtt_samples) {
		snprintf(msg, sz, "127.0.0.1:%u <- :%u: the client's close carries no sock_ops RTT samples", st.port,
			 st.cport);
		return -EBADMSG;
	}
	snprintf(msg, sz, "loopback connection seen from both ends: %d and %d bytes each way, connect in %.3f ms, "
		 "%llu RTT samples", ST_UP, ST_DOWN, st.latency / 1e6, (unsigned long long)st.rtt_samples);
	return 0;
}
