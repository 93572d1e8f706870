// SPDX-License-Identifier: Apache-2.0
/* sonde syscalls: a live view of the top syscalls and processes, like
 * bcc's syscount, on the same in-kernel aggregates the agent exports. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "cli/cli.h"
#include "cli/session.h"
#include "core/loop.h"
#include "collectors/syscalls.h"
#include "lib/hist.h"
#include "core/kbtf.h"
#include "core/log.h"
#include "lib/syscall_table.h"
#include "lib/vec.h"
#include "lib/json.h"
#include "sonde/syscalls.h"

struct view_opts {
	struct filter_config filter;
	long interval, count, top;
	bool json;
};

#define F(f) OPT_FIELD(struct view_opts, f)
static const struct opt view_opts[] = {
	FILTER_OPTS(struct view_opts),
	{ "interval", "interval", 'i', OPT_INT, F(interval), 1, 3600, NULL, "1", "SECONDS",
	  "print every SECONDS" },
	{ "count", "count", 'c', OPT_INT, F(count), 0, 1L << 30, NULL, "0", "N",
	  "stop after N intervals (0: until Ctrl-C)" },
	{ "top", "top", 'T', OPT_INT, F(top), 1, 1000, NULL, "10", "N", "rows per table" },
	{ "json", "json", 0, OPT_BOOL, F(json), 0, 0, NULL, "false", NULL, "one JSON object per interval" },
	{ 0 }
};
#undef F

struct row {
	unsigned nr;
	char comm[SONDE_COMM_LEN + 1];
	uint64_t calls, errors;
};

struct snap {
	struct row *v;
	size_t n, cap;
};

struct view {
	struct view_opts o;
	struct session s;
	struct collector c;
	struct loop_timer *timer;
	struct snap prev, cur;
	uint64_t hist_prev[SC_NR_MAX][SC_HIST_SLOTS];
	int intervals;
};

static int cmp_row(const void *a, const void *b)
{
	const struct row *x = a, *y = b;

	if (x->nr != y->nr)
		return x->nr < y->nr ? -1 : 1;
	return strcmp(x->comm, y->comm);
}

static void add_row(void *ctx, const struct sc_row *r)
{
	struct snap *s = ctx;
	struct row row = { .nr = r->nr, .calls = r->calls, .errors = r->errors };

	snprintf(row.comm, sizeof(row.comm), "%s", r->comm);
	VEC_PUSH(s->v, s->n, s->cap, row);	/* out of memory: the row is left out */
}

/* Aggregated delta of one group (a syscall or a process name). */
struct agg {
	unsigned nr;
	const char *comm;
	uint64_t calls, errors;
	uint64_t p50, p99, avg;
};

static int cmp_agg(const void *a, const void *b)
{
	const struct agg *x = a, *y = b;

	return x->calls < y->calls ? 1 : x->calls > y->calls ? -1 : 0;
}

/* Folds the interval's deltas by syscall (by_comm false) or by name. */
static size_t aggregate(struct view *v, bool by_comm, struct agg *out, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < v->cur.n; i++) {
		const struct row *r = &v->cur.v[i];
		const struct row *p = v->prev.n ? bsearch(r, v->prev.v, v->prev.n, sizeof(*r), cmp_row) : NULL;
		uint64_t dc = r->calls - (p && p->calls <= r->calls ? p->calls : 0);
		uint64_t de = r->errors - (p && p->errors <= r->errors ? p->errors : 0);
		size_t j;

		if (!dc)
			continue;
		for (j = 0; j < n; j++)
			if (by_comm ? !strcmp(out[j].comm, r->comm) : out[j].nr == r->nr)
				break;
		if (j == n) {
			if (n == max)
				continue;
			out[n++] = (struct agg){ .nr = r->nr, .comm = r->comm };
		}
		out[j].calls += dc;
		out[j].errors += de;
	}
	qsort(out, n, sizeof(*out), cmp_agg);
	return n;
}

static void latency(struct view *v, struct agg *a)
{
	uint64_t slots[SC_HIST_SLOTS], d[SC_HIST_SLOTS], sum, total;

	if (syscalls__hist(&v->c, a->nr, slots, &sum))
		return;
	for (int i = 0; i < SC_HIST_SLOTS; i++) {
		d[i] = slots[i] - v->hist_prev[a->nr][i];
		v->hist_prev[a->nr][i] = slots[i];
	}
	total = hist__cumulate(d, SC_HIST_SLOTS, NULL);
	a->p50 = hist__quantile_ns(d, SC_HIST_SLOTS, 0.5);
	a->p99 = hist__quantile_ns(d, SC_HIST_SLOTS, 0.99);
	(void)total;
}

static void fmt_ns(char *buf, size_t sz, uint64_t ns)
{
	if (!ns)
		snprintf(buf, sz, "-");
	else if (ns < 10000)
		snprintf(buf, sz, "%lluns", (unsigned long long)ns);
	else if (ns < 10000000)
		snprintf(buf, sz, "%lluus", (unsigned long long)ns / 1000);
	else
		snprintf(buf, sz, "%llums", (unsigned long long)ns / 1000000);
}

static void print_interval(struct view *v, struct agg *sc, size_t nsc, struct agg *pr, size_t npr)
{
	char ts[16], nb[24];
	uint64_t now_ns = event__now_ns();
	time_t now = now_ns / 1000000000ULL;
	struct tm tm;
	uint64_t total = 0, failed = 0;

	localtime_r(&now, &tm);
	strftime(ts, sizeof(ts), "%H:%M:%S", &tm);
	for (size_t i = 0; i < nsc; i++) {
		total += sc[i].calls;
		failed += sc[i].errors;
	}
	if (v->o.json) {
		struct strbuf sb = {};
		struct json_writer w;

		jw__init(&w, &sb);
		jw__obj_begin(&w);
		jw__key(&w, "time"); jw__time(&w, now_ns);
		jw__key(&w, "interval_seconds"); jw__u64(&w, v->o.interval);
		jw__key(&w, "calls"); jw__u64(&w, total);
		jw__key(&w, "errors"); jw__u64(&w, failed);
		jw__key(&w, "syscalls");
		jw__arr_begin(&w);
		for (size_t i = 0; i < nsc && (long)i < v->o.top; i++) {
			jw__obj_begin(&w);
			jw__key(&w, "syscall"); jw__str(&w, syscall__name(sc[i].nr, nb, sizeof(nb)));
			jw__key(&w, "count"); jw__u64(&w, sc[i].calls);
			jw__key(&w, "errors"); jw__u64(&w, sc[i].errors);
			jw__key(&w, "p50_ns"); jw__u64(&w, sc[i].p50);
			jw__key(&w, "p99_ns"); jw__u64(&w, sc[i].p99);
			jw__obj_end(&w);
		}
		jw__arr_end(&w);
		jw__key(&w, "processes");
		jw__arr_begin(&w);
		for (size_t i = 0; i < npr && (long)i < v->o.top; i++) {
			jw__obj_begin(&w);
			jw__key(&w, "comm"); jw__str(&w, pr[i].comm);
			jw__key(&w, "count"); jw__u64(&w, pr[i].calls);
			jw__key(&w, "errors"); jw__u64(&w, pr[i].errors);
			jw__obj_end(&w);
		}
		jw__arr_end(&w);
		jw__obj_end(&w);
		printf("%s\n", sb.buf ? sb.buf : "{}");
		sb__free(&sb);
	} else {
		printf("[%s] %llu syscalls, %llu failed\n", ts, (unsigned long long)total,
		       (unsigned long long)failed);
		printf("%-22s %10s %10s %8s %8s\n", "SYSCALL", "COUNT", "ERRORS", "P50", "P99");
		for (size_t i = 0; i < nsc && (long)i < v->o.top; i++) {
			char p50[32], p99[32];

			fmt_ns(p50, sizeof(p50), sc[i].p50);
			fmt_ns(p99, sizeof(p99), sc[i].p99);
			printf("%-22s %10llu %10llu %8s %8s\n", syscall__name(sc[i].nr, nb, sizeof(nb)),
			       (unsigned long long)sc[i].calls, (unsigned long long)sc[i].errors, p50, p99);
		}
		printf("%-22s %10s %10s\n", "COMM", "COUNT", "ERRORS");
		for (size_t i = 0; i < npr && (long)i < v->o.top; i++)
			printf("%-22s %10llu %10llu\n", pr[i].comm, (unsigned long long)pr[i].calls,
			       (unsigned long long)pr[i].errors);
		printf("\n");
	}
	fflush(stdout);
}

static void on_tick(void *ctx, uint32_t events)
{
	struct view *v = ctx;
	struct snap tmp;
	struct agg *sc, *pr;
	size_t nsc, npr, max;

	v->cur.n = 0;
	if (syscalls__for_each(&v->c, add_row, &v->cur)) {
		pr_err("reading syscall counts failed");
		loop__stop(v->s.rt.loop);
		return;
	}
	if (v->cur.n > 1)
		qsort(v->cur.v, v->cur.n, sizeof(*v->cur.v), cmp_row);
	max = v->cur.n ? v->cur.n : 1;
	sc = calloc(max, sizeof(*sc));
	pr = calloc(max, sizeof(*pr));
	if (sc && pr) {
		nsc = aggregate(v, false, sc, max);
		npr = aggregate(v, true, pr, max);
		for (size_t i = 0; i < nsc && (long)i < v->o.top; i++)
			latency(v, &sc[i]);
		print_interval(v, sc, nsc, pr, npr);
	}
	free(sc);
	free(pr);
	tmp = v->prev;
	v->prev = v->cur;
	v->cur = tmp;
	if (v->o.count && ++v->intervals >= v->o.count)
		loop__stop(v->s.rt.loop);
}

int cmd_syscalls(int argc, char **argv)
{
	static struct view v;	/* large (histogram baselines): not on the stack */
	char err[256];
	int next, ret = 1;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			printf("usage: sonde syscalls [OPTIONS]\n\nTop syscalls and processes every interval.\n\n");
			opts__usage(view_opts, stdout);
			return 0;
		}
	}
	session__early();
	opts__defaults(view_opts, &v.o);
	if (opts__parse_argv(view_opts, &v.o, argc, argv, &next))
		return 2;
	if (next < argc) {
		fprintf(stderr, "sonde syscalls: unexpected argument '%s'\n", argv[next]);
		return 2;
	}
	/* The agent's defaults, with the view's filters and exact latency. */
	config__defaults(&v.s.cfg);
	v.s.cfg.filter = v.o.filter;
	if (config__set(&v.s.cfg, "syscalls.latency_sample", "1", err, sizeof(err))) {
		fprintf(stderr, "sonde syscalls: %s\n", err);
		return 2;
	}
	if (session__open(&v.s, LOG_WARN, 0))
		goto out;
	v.c.ops = &syscalls_collector;
	if (collector__start(&v.c, &v.s.cfg, &v.s.rt)) {
		fprintf(stderr, "sonde syscalls: %s\n", v.c.why);
		goto out;
	}
	kbtf__drop();
	features__settle();
	if (!v.o.json)
		fprintf(stderr, "Tracing syscalls%s... Ctrl-C to stop.\n", v.o.filter.pid ? " of one process" : "");
	v.timer = loop__timer_new(v.s.rt.loop, on_tick, &v);
	if (!v.timer || loop_timer__arm(v.timer, v.o.interval * 1000, v.o.interval * 1000))
		goto out;
	ret = loop__run(v.s.rt.loop) < 0;
out:
	loop_timer__free(v.timer);
	collector__stop(&v.c);
	session__close(&v.s);
	free(v.prev.v);
	free(v.cur.v);
	return ret;
}
