// SPDX-License-Identifier: Apache-2.0
/* Tests of the tracing language's code generator (src/lang/gen*.c) with
 * real BPF (root): bpftrace's one-liners are checked against this host's
 * tracefs, generated and loaded, so the verifier has the last word; BEGIN
 * programs run with BPF_PROG_TEST_RUN and a tracepoint program attached
 * for real, their maps and ring buffer records checked; refusals name the
 * construct and its line:col. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/perf_event.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <cmocka.h>

#include "lang/parse.h"
#include "lang/check.h"
#include "lang/gen.h"
#include "lang/print.h"

#define MAX_PROGS 16
#define LOG_SIZE  (1 << 20)

struct run {
	struct lang_program *prog;
	int map_fds[64];
	int rb_fd;
	struct lang_map_layout layout[64];
	struct lang_printf printfs[32];
	struct lang_gen_ctx ctx;
	int prog_fds[MAX_PROGS];
	unsigned nprogs;
	struct bpf_insn insns[LANG_PROG_INSNS_MAX];
	char err[4096];
	/* records seen */
	unsigned char recs[32][512];
	size_t rec_len[32];
	unsigned nrecs;
};

static char *vlog;

static unsigned round_up8(unsigned n) { return (n + 7) & ~7u; }

static void env_init(struct lang_env *env)
{
	struct stat st;

	if (stat("/sys/kernel/tracing/events", &st))
		mount("tracefs", "/sys/kernel/tracing", "tracefs", 0, NULL);
	lang_env__host(env, "/sys/kernel/tracing");
	env->has_kprobe = false;
}

/* Parses, checks, creates the maps and the ring buffer. */
static void setup(struct run *r, const char *text)
{
	struct lang_env env;
	int ret;

	memset(r, 0, sizeof(*r));
	env_init(&env);
	ret = lang__parse("t.bt", text, strlen(text), &r->prog, r->err, sizeof(r->err));
	if (ret)
		fail_msg("parse %s: %s", text, r->err);
	ret = lang__check(r->prog, &env, text, strlen(text), r->err, sizeof(r->err));
	if (ret)
		fail_msg("check %s: %s", text, r->err);
	lang_gen__layout(r->prog, r->layout);
	for (const struct lang_map *m = r->prog->maps; m; m = m->next) {
		struct lang_map_layout *l = &r->layout[m->id];

		r->map_fds[m->id] = bpf_map_create(l->type, NULL, l->key_size, l->value_size,
						   l->max_entries, NULL);
		if (r->map_fds[m->id] < 0)
			fail_msg("map %s: %s", m->name, strerror(errno));
	}
	r->rb_fd = bpf_map_create(BPF_MAP_TYPE_RINGBUF, "rb", 0, 0, 1 << 18, NULL);
	assert_true(r->rb_fd >= 0);
	r->ctx = (struct lang_gen_ctx){ .map_fds = r->map_fds, .rb_fd = r->rb_fd,
					.printfs = r->printfs, .max_printfs = 32 };
}

static int load(struct run *r, enum bpf_prog_type type, int n)
{
	LIBBPF_OPTS(bpf_prog_load_opts, o);
	int fd = bpf_prog_load(type, "lang", "GPL", r->insns, n, &o);

	if (fd >= 0)
		return fd;
	if (!vlog)
		vlog = malloc(LOG_SIZE);
	o.log_buf = vlog;
	o.log_size = LOG_SIZE;
	o.log_level = 1;
	vlog[0] = '\0';
	fd = bpf_prog_load(type, "lang", "GPL", r->insns, n, &o);
	if (fd < 0) {
		size_t k = strlen(vlog);

		/* the tail says why */
		fail_msg("load failed (%s), %d insns: ...%s", strerror(errno), n,
			 vlog + (k > 3000 ? k - 3000 : 0));
	}
	return fd;
}

/* Generates and loads every probe at every attach point (tracepoint). */
static void gen_all(struct run *r)
{
	for (const struct lang_probe *p = r->prog->probes; p; p = p->next)
		for (const struct lang_attach *a = p->attach; a; a = a->next) {
			const struct lang_tp_ref *tp = a->tps;

			do {
				int n = lang__gen(r->prog, p, a, tp, &r->ctx, r->insns,
						  LANG_PROG_INSNS_MAX, r->err, sizeof(r->err));

				if (n < 0)
					fail_msg("gen: %s", r->err);
				assert_true(r->nprogs < MAX_PROGS);
				r->prog_fds[r->nprogs++] = load(r, lang_gen__prog_type(a), n);
			} while (tp && (tp = tp->next));
		}
}

static void teardown_run(struct run *r)
{
	for (unsigned i = 0; i < r->nprogs; i++)
		close(r->prog_fds[i]);
	for (unsigned i = 0; i < r->prog->nmaps; i++)
		close(r->map_fds[i]);
	close(r->rb_fd);
	lang_program__free(r->prog);
}

static void loads(const char *text)
{
	static struct run r;

	setup(&r, text);
	gen_all(&r);
	teardown_run(&r);
}

/* ---- every one-liner loads ---- */

static void test_oneliners(void **state)
{
	static const char *const progs[] = {
		"tracepoint:syscalls:sys_enter_openat { @[comm] = count(); }",
		"tracepoint:syscalls:sys_exit_read /args->ret > 0/ { @bytes[comm] = sum(args->ret); }",
		"tracepoint:sched:sched_switch { @[args->prev_comm] = count(); }",
		"tracepoint:syscalls:sys_enter_execve { printf(\"%s\\n\", str(args->filename)); }",
		"tracepoint:syscalls:sys_enter_openat /strcontains(str(args->filename), \"etc\")/ "
		"{ printf(\"%s %s\\n\", comm, str(args->filename)); }",
		"interval:s:1 { print(@x); clear(@x); } tracepoint:syscalls:sys_enter_read { @x = count(); }",
		"uretprobe:/bin/bash:readline { printf(\"%s\\n\", str(retval)); }",
		"uprobe:/bin/bash:readline { @[arg0] = count(); }",
		"tracepoint:syscalls:sys_exit_read { @h = hist(args->ret); @l = lhist(args->ret, 0, 1000, 100); }",
		"BEGIN { printf(\"hi %d\\n\", 42); exit(); }",
		"tracepoint:syscalls:sys_exit_read { @mn = min(args->ret); @mx = max(args->ret); "
		"@a = avg(args->ret); @s = stats(args->ret); }",
		"tracepoint:syscalls:sys_enter_read { if (args->count > 100) { @big++; } else if "
		"(args->count > 10) { @mid++; } else { @small++; } }",
		"BEGIN { $i = 0; unroll(5) { $i++; } @i = $i; }",
		"BEGIN { $i = 0; while ($i < 100) { $i++; if ($i == 50) { break; } } @i = $i; }",
		"tracepoint:syscalls:sys_enter_read { @x = args->count > 10 ? 1 : 2; $s = pid > 1 ? \"a\" : \"bcd\"; @s = $s; }",
		"tracepoint:sched:sched_switch /args->prev_comm == \"swapper/0\" || comm != args->next_comm/ { @n = count(); }",
		"tracepoint:syscalls:sys_enter_read { @r[tid] = @r[tid] + 1; @r[tid]++; @r[tid] += 3; @q = @r[tid]; }",
		"tracepoint:sched:sched_process_exec { printf(\"%s\\n\", str(args->filename)); @[str(args->filename)] = count(); }",
		"tracepoint:syscalls:sys_enter_read { @x[pid, comm] = args->fd; delete(@x[pid, comm]); }",
		"tracepoint:syscalls:sys_enter_read /uid == 0 && gid == 0/ { @t = nsecs; @e = elapsed; @c = cpu; "
		"@g = cgroup; @rnd = rand; @tk = curtask; $x = -5 / 2; $y = -5 % 3; $z = ~1 ^ 3 << 2 >> 1; @v = $x + $y + $z; }",
		"BEGIN { print(5); print(\"abc\"); time(); time(\"%H\\n\"); @x = strncmp(\"abc\", \"abd\", 2); zero(@x); }",
		"profile:hz:99 { @[pid] = count(); }",
		"tracepoint:syscalls:sys_enter_kill { if (args->pid == 0) { signal(\"KILL\"); } }",
		"tracepoint:syscalls:sys_enter_openat /pid == 1/ { return; } tracepoint:syscalls:sys_enter_openat { @n = count(); }",
		"tracepoint:syscalls:sys_enter_read* { @[probe] = count(); }",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(progs) / sizeof(progs[0]); i++)
		loads(progs[i]);
}

/* ---- BEGIN programs run ---- */

static int on_rec(void *ctx, void *data, size_t size)
{
	struct run *r = ctx;

	if (r->nrecs < 32) {
		memcpy(r->recs[r->nrecs], data, size < 512 ? size : 512);
		r->rec_len[r->nrecs++] = size;
	}
	return 0;
}

static void run_begin(struct run *r)
{
	uint64_t args[8] = { 0 };
	LIBBPF_OPTS(bpf_test_run_opts, o, .ctx_in = args, .ctx_size_in = sizeof(args));
	struct ring_buffer *rb;

	gen_all(r);
	assert_int_equal(bpf_prog_test_run_opts(r->prog_fds[0], &o), 0);
	rb = ring_buffer__new(r->rb_fd, on_rec, r, NULL);
	assert_non_null(rb);
	ring_buffer__consume(rb);
	ring_buffer__free(rb);
}

static const struct lang_map *map_named(const struct run *r, const char *name)
{
	for (const struct lang_map *m = r->prog->maps; m; m = m->next)
		if (!strcmp(m->name, name))
			return m;
	fail_msg("no map %s", name);
	return NULL;
}

/* Value words of a map element, summed across CPUs (per-CPU maps). */
static void map_get(const struct run *r, const char *name, const void *key, uint64_t *out,
		    unsigned nwords)
{
	const struct lang_map *m = map_named(r, name);
	const struct lang_map_layout *l = &r->layout[m->id];
	uint64_t zero = 0;
	int ncpu = libbpf_num_possible_cpus();
	uint64_t *v = calloc(ncpu, l->value_size + 8);

	if (!key)
		key = &zero;
	assert_int_equal(bpf_map_lookup_elem(r->map_fds[m->id], key, v), 0);
	memset(out, 0, nwords * 8);
	if (l->type == BPF_MAP_TYPE_HASH) {
		memcpy(out, v, nwords * 8);
	} else {
		for (int c = 0; c < ncpu; c++)
			for (unsigned i = 0; i < nwords; i++)
				out[i] += v[c * (round_up8(l->value_size) / 8) + i];
	}
	free(v);
}

static void test_begin_runs(void **state)
{
	static struct run r;
	uint64_t v[LANG_HIST_BUCKETS], one = 1;
	const struct lang_rec *h;
	const struct lang_printf *sp;
	int64_t i7;

	(void)state;
	setup(&r, "BEGIN { @x = 5 + 3 * 2; @h = hist(100); @l = lhist(15, 0, 100, 10); "
		  "@c[1] = count(); @c[1] = count(); printf(\"%d %s\\n\", 7, \"ab\"); exit(); "
		  "@never = 1; }");
	run_begin(&r);
	map_get(&r, "@x", NULL, v, 1);
	assert_int_equal(v[0], 11);
	map_get(&r, "@h", NULL, v, LANG_HIST_BUCKETS);
	assert_int_equal(v[lang_hist__bucket(100)], 1);
	assert_int_equal(v[lang_hist__bucket(100) - 1], 0);
	map_get(&r, "@l", NULL, v, 12);
	assert_int_equal(r.layout[map_named(&r, "@l")->id].nbuckets, 12);
	assert_int_equal(v[2], 1); /* [1 + (15 - 0) / 10] */
	assert_int_equal(v[1] + v[0] + v[3], 0);
	map_get(&r, "@c", &one, v, 1);
	assert_int_equal(v[0], 2);
	/* exit() returned: @never was not set */
	assert_int_not_equal(bpf_map_lookup_elem(r.map_fds[map_named(&r, "@never")->id], &(uint64_t){ 0 }, v), 0);
	assert_int_equal(r.nrecs, 2);
	h = (const void *)r.recs[0];
	assert_int_equal(h->kind, LANG_REC_PRINTF);
	assert_int_equal(r.ctx.nprintfs, 1);
	sp = &r.printfs[h->id];
	assert_string_equal(sp->fmt, "%d %s\n");
	assert_int_equal(sp->nargs, 2);
	assert_int_equal(r.rec_len[0], sp->size);
	memcpy(&i7, r.recs[0] + sp->off[0], 8);
	assert_int_equal(i7, 7);
	assert_string_equal((const char *)r.recs[0] + sp->off[1], "ab");
	assert_int_equal(((const struct lang_rec *)r.recs[1])->kind, LANG_REC_EXIT);
	teardown_run(&r);
}

static void test_begin_arith(void **state)
{
	static struct run r;
	uint64_t v[4];

	(void)state;
	setup(&r, "BEGIN { @d = -7 / 2; @m = -7 % 3; @z = 5 / 0; @u = 7 / 2; @big = 0x123456789; "
		  "@sh = -16 >> 2; @cmp = (-1 < 1) + (2 >= 2) * 10; @t = 0 ? 5 : 6; @and = 1 && 0; "
		  "@or = 0 || 3; @not = !0; $i = 0; while ($i < 2000) { $i++; } @w = $i; "
		  "$j = 0; unroll(3) { $j += 2; } @j = $j; @k[\"a\"] = 1; @k[\"a\"]++; @k[\"a\"] += 5; "
		  "@s = \"abc\" == \"abc\"; @s2 = \"abc\" != \"abd\"; @s3 = strncmp(\"abx\", \"aby\", 2); "
		  "@sc = strcontains(\"hello etc world\", \"etc\"); @sc2 = strcontains(\"hello\", \"xyz\"); "
		  "@mn = min(5); @mn = min(3); @mn = min(9); @mx = max(-4); @mx = max(-2); "
		  "@av = avg(10); @av = avg(20); @st = stats(4); }");
	run_begin(&r);
#define GET(name, want)                                  \
	do {                                             \
		map_get(&r, name, NULL, v, 1);           \
		assert_int_equal((int64_t)v[0], (want)); \
	} while (0)
	GET("@d", -3);
	GET("@m", -1);
	GET("@z", 0);
	GET("@u", 3);
	GET("@big", 0x123456789LL);
	GET("@sh", -4);
	GET("@cmp", 11);
	GET("@t", 6);
	GET("@and", 0);
	GET("@or", 1);
	GET("@not", 1);
	GET("@w", 1024); /* the iteration cap */
	GET("@j", 6);
	GET("@s", 1);
	GET("@s2", 1);
	GET("@s3", 0);
	GET("@sc", 1);
	GET("@sc2", 0);
	{
		char key[2] = "a";

		map_get(&r, "@k", key, v, 1);
		assert_int_equal(v[0], 7);
	}
	map_get(&r, "@mn", NULL, v, 2);
	assert_int_equal((int64_t)v[0], 3);
	map_get(&r, "@mx", NULL, v, 2);
	assert_int_equal((int64_t)v[0], -2);
	map_get(&r, "@av", NULL, v, 2);
	assert_int_equal(v[0], 30);
	assert_int_equal(v[1], 2);
	map_get(&r, "@st", NULL, v, 2);
	assert_int_equal(v[0], 4);
	teardown_run(&r);
}

static int prctl_comm(char *out)
{
	return prctl(PR_GET_NAME, out);
}

static void test_begin_strings(void **state)
{
	static struct run r;
	uint64_t v[4];
	char key[16 + 8] = { 0 };

	(void)state;
	setup(&r, "BEGIN { @c[comm, 5] = count(); $s = comm; @same = $s == comm; print(comm); }");
	run_begin(&r);
	assert_int_equal(prctl_comm(key), 0);
	memcpy(key + 16, &(uint64_t){ 5 }, 8);
	map_get(&r, "@c", key, v, 1);
	assert_int_equal(v[0], 1);
	map_get(&r, "@same", NULL, v, 1);
	assert_int_equal(v[0], 1);
	assert_int_equal(r.nrecs, 1);
	assert_int_equal(((const struct lang_rec *)r.recs[0])->kind, LANG_REC_PRINT_VALUE);
	assert_string_equal((const char *)r.recs[0] + 8, key);
	teardown_run(&r);
}

/* ---- a tracepoint for real ---- */

static void test_tracepoint_attached(void **state)
{
	static struct run r;
	char text[256];
	struct perf_event_attr attr = { .type = PERF_TYPE_TRACEPOINT, .size = sizeof(attr),
					.sample_period = 1, .wakeup_events = 1 };
	uint64_t v[1];
	int pfd;

	(void)state;
	snprintf(text, sizeof(text),
		 "tracepoint:syscalls:sys_enter_getppid /pid == %d/ { @c = count(); }", getpid());
	setup(&r, text);
	gen_all(&r);
	attr.config = r.prog->probes->attach->tps->fmt->id;
	pfd = syscall(SYS_perf_event_open, &attr, -1, 0, -1, PERF_FLAG_FD_CLOEXEC);
	if (pfd < 0)
		fail_msg("perf_event_open: %s", strerror(errno));
	assert_int_equal(ioctl(pfd, PERF_EVENT_IOC_SET_BPF, r.prog_fds[0]), 0);
	assert_int_equal(ioctl(pfd, PERF_EVENT_IOC_ENABLE, 0), 0);
	for (int i = 0; i < 100; i++)
		syscall(SYS_getppid);
	close(pfd);
	map_get(&r, "@c", NULL, v, 1);
	assert_int_equal(v[0], 100);
	teardown_run(&r);
}

/* ---- refusals ---- */

static void refused(const char *text, const char *want)
{
	static struct run r;
	int n;

	setup(&r, text);
	n = lang__gen(r.prog, r.prog->probes, r.prog->probes->attach, r.prog->probes->attach->tps,
		      &r.ctx, r.insns, LANG_PROG_INSNS_MAX, r.err, sizeof(r.err));
	assert_int_equal(n, -EINVAL);
	if (!strstr(r.err, want))
		fail_msg("'%s' not in '%s'", want, r.err);
	assert_int_equal(r.ctx.nprintfs, 0);
	teardown_run(&r);
}

static void test_refusals(void **state)
{
	(void)state;
	refused("profile:hz:99 { @[kstack] = count(); }",
		"t.bt:1:19: error: 'kstack' is not supported by sonde's code generator yet");
	refused("BEGIN { printf(\"%s\\n\", ksym(0)); }", "'ksym' is not supported");
	refused("tracepoint:syscalls:sys_enter_openat { printf(\"%s\\n\", str(args->filename)); "
		"$a = str(args->filename, 200); $b = str(args->filename, 200); $c = str(args->filename, 200); }",
		"t.bt:1:139: error: needs more than 512 bytes of stack: make strings shorter (str(x, 32))");
	refused("BEGIN { @x = $1; }", "positional parameters");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_oneliners),	    cmocka_unit_test(test_begin_runs),
		cmocka_unit_test(test_begin_arith),	    cmocka_unit_test(test_begin_strings),
		cmocka_unit_test(test_tracepoint_attached), cmocka_unit_test(test_refusals),
	};

	if (geteuid()) {
		fprintf(stderr, "test_lang_gen: needs root (real BPF); skipped\n");
		return 0;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
