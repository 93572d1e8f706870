// SPDX-License-Identifier: Apache-2.0
/* /api/connections: the tcp collector's established sockets with their
 * owners (the conns table) joined by tuple with the sock_ops RTT table
 * (by cookie), both read in batches. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <bpf/libbpf.h>
#include "collectors/tcp.h"
#include "core/bpfmap.h"
#include "core/collector.h"
#include "lib/fields.h"
#include "lib/json.h"
#include "lib/strbuf.h"
#include "tcp.skel.h"

struct rtt_index {
	struct tcp_rtt_entry *v;
	size_t n, cap;
};

static int tuple_cmp(const void *a, const void *b)
{
	return memcmp(&((const struct tcp_rtt_entry *)a)->t, &((const struct tcp_rtt_entry *)b)->t,
		      sizeof(struct tcp_tuple));
}

static int collect_rtt(void *ctx, const void *key, const uint64_t *val, size_t nwords)
{
	struct rtt_index *ix = ctx;

	if (ix->n == ix->cap) {
		size_t cap = ix->cap ? 2 * ix->cap : 256;
		struct tcp_rtt_entry *v = realloc(ix->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		ix->v = v;
		ix->cap = cap;
	}
	memcpy(&ix->v[ix->n++], val, sizeof(struct tcp_rtt_entry));
	return 0;
}

struct conn_walk {
	struct json_writer *jw;
	struct json_fields jf;
	struct rtt_index rtts;
	uint64_t now;
	unsigned n, max;
};

static int conn_json(void *ctx, const void *key, const uint64_t *val, size_t nwords)
{
	struct conn_walk *w = ctx;
	const struct tcp_conn *c = (const struct tcp_conn *)val;
	struct sonde_tcp_event e = { .t = c->t, .netns = c->netns, .role = c->role };
	struct tcp_rtt_entry probe = { .t = c->t };
	const struct tcp_rtt_entry *r;

	if (!c->est_ns || c->skip)
		return 0;	/* still connecting, or left out by the filters */
	if (w->n++ >= w->max)
		return 1;
	jw__obj_begin(w->jw);
	jw__key(w->jw, "pid");
	jw__u64(w->jw, c->task.pid);
	jw__key(w->jw, "comm");
	jw__strn(w->jw, c->task.comm, strnlen(c->task.comm, sizeof(c->task.comm)));
	tcp__tuple_write(&w->jf.fw, &c->t, true, c->netns);
	fw__str(&w->jf.fw, "role", tcp__role_name(c->role));
	fw__u64(&w->jf.fw, "age_ns", w->now > c->open_ns ? w->now - c->open_ns : 0);
	r = w->rtts.n ? bsearch(&probe, w->rtts.v, w->rtts.n, sizeof(probe), tuple_cmp) : NULL;
	if (r) {
		e.rtt = r->r;
		e.flags = TCP_F_RTT;
		tcp__rtt_fields(&e, &w->jf.fw);
		fw__u64(&w->jf.fw, "rtt_age_ns", w->now > r->r.updated_ns ? w->now - r->r.updated_ns : 0);
	}
	jw__obj_end(w->jw);
	return 0;
}

int tcp__connections_json(const struct collector *c, struct strbuf *sb, unsigned max)
{
	const struct tcp_bpf *skel = c->skel;
	struct json_writer jw;
	struct conn_walk w = { .jw = &jw, .max = max };
	struct timespec ts;
	struct bpfmap m;
	int err;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	w.now = ts.tv_sec * 1000000000ULL + ts.tv_nsec;
	if (bpf_program__fd(skel->progs.tcp_sockops) >= 0 && !bpfmap__from(&m, skel->maps.rtts) &&
	    !bpfmap__for_each(&m, collect_rtt, &w.rtts))
		qsort(w.rtts.v, w.rtts.n, sizeof(*w.rtts.v), tuple_cmp);
	err = bpfmap__from(&m, skel->maps.conns);
	if (err)
		goto out;
	jw__init(&jw, sb);
	json_fields__init(&w.jf, &jw);
	jw__obj_begin(&jw);
	jw__key(&jw, "connections");
	jw__arr_begin(&jw);
	err = bpfmap__for_each(&m, conn_json, &w);
	jw__arr_end(&jw);
	jw__key(&jw, "truncated");
	jw__bool(&jw, err == 1);
	jw__obj_end(&jw);
out:
	free(w.rtts.v);
	return err < 0 ? err : 0;
}
