// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <time.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include "core/attach.h"
#include "core/bpfmap.h"
#include "core/bus.h"
#include "core/collector.h"
#include "core/host.h"
#include "core/log.h"
#include "core/rb_reader.h"

const char *collector__state_str(enum collector_state s)
{
	static const char *const names[] = { "off", "running", "unavailable", "failed" };

	return names[s];
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

int collector__set_rodata(struct collector *c, const char *name, const void *val, size_t sz)
{
	struct btf *btf = bpf_object__btf(c->obj);
	struct bpf_map *map = bpf_object__find_map_by_name(c->obj, ".rodata");
	const struct btf_var_secinfo *vs;
	const struct btf_type *t;
	size_t size;
	char *data;
	int id;

	id = btf ? btf__find_by_name_kind(btf, ".rodata", BTF_KIND_DATASEC) : -ENOENT;
	data = map ? (char *)bpf_map__initial_value(map, &size) : NULL;
	if (id < 0 || !data)
		return -ENOENT;
	t = btf__type_by_id(btf, id);
	vs = btf_var_secinfos(t);
	for (int i = 0; i < btf_vlen(t); i++, vs++) {
		const struct btf_type *var = btf__type_by_id(btf, vs->type);

		if (strcmp(btf__name_by_offset(btf, var->name_off), name))
			continue;
		if (vs->size != sz || vs->offset + sz > size)
			return -EINVAL;
		memcpy(data + vs->offset, val, sz);
		return 0;
	}
	return -ENOENT;
}

/* The process filters (sonde.bpf.h: filter_tgid, self_tgid, filter_cgroup,
 * filter_comm), which every object has. */
static int apply_filter(struct collector *c)
{
	const struct filter_config *f = &c->config->filter;
	__u32 tgid = f->pid;
	char comm[16] = {};
	bool by_comm = f->comm[0];
	__u32 self = c->config->trace_self ? 0 : (__u32)getpid();
	int err;

	err = collector__set_rodata(c, "filter_tgid", &tgid, sizeof(tgid));
	err = err ?: collector__set_rodata(c, "self_tgid", &self, sizeof(self));
	if (by_comm) {
		memcpy(comm, f->comm, strnlen(f->comm, sizeof(comm) - 1));
		err = err ?: collector__set_rodata(c, "filter_by_comm", &by_comm, sizeof(by_comm));
		err = err ?: collector__set_rodata(c, "filter_comm", comm, sizeof(comm));
	}
	if (!err && f->cgroup[0]) {
		long long id = host__cgroup_id(f->cgroup);
		__u64 cg = id;

		if (id < 0) {
			snprintf(c->why, sizeof(c->why), "cgroup filter '%.160s': %s%s", f->cgroup,
				 strerror((int)-id), id == -ENOTDIR ? " (not a cgroup v2 directory)" : "");
			return (int)id;
		}
		err = collector__set_rodata(c, "filter_cgroup", &cg, sizeof(cg));
	}
	if (err)
		snprintf(c->why, sizeof(c->why), "its BPF object has no process filter (%s)",
			 strerror(-err));
	return err;
}

static int on_ring_record(void *ctx, void *data, size_t size)
{
	struct collector *c = ctx;

	return c->ops->on_record(c, data, size);
}

static void drain_source(void *ctx)
{
	collector__drain(ctx);
}

static void own_kinds(const struct collector *c, struct kind_mask *m)
{
	memset(m, 0, sizeof(*m));
	for (unsigned i = 0; c->ops->kinds && c->ops->kinds[i].name; i++)
		kind_mask__set(m, collector__kind(c, i));
}

static int open_ring(struct collector *c)
{
	struct bpf_map *map = bpf_object__find_map_by_name(c->obj, c->ops->ringbuf);
	struct kind_mask kinds;

	if (!map) {
		snprintf(c->why, sizeof(c->why), "its BPF object has no map '%s'", c->ops->ringbuf);
		return -ENOENT;
	}
	c->rb = rb_reader__open(map, on_ring_record, c, c->rt->loop);
	if (!c->rb) {
		snprintf(c->why, sizeof(c->why), "ring buffer: %s", strerror(errno));
		return -errno;
	}
	own_kinds(c, &kinds);
	return bus__add_source(c->rt->bus, &kinds, drain_source, c);
}

/* The lifecycle in three steps, so that several collectors can load at
 * once: prepare (open, filters, configure) and finish (attach set, ring,
 * attach, started) run on the caller's thread; load, where the kernel
 * verifies the programs, may run on another. */
static int lifecycle_prepare(struct collector *c)
{
	const struct collector_ops *ops = c->ops;
	int err;

	if (ops->open) {
		c->skel = ops->open();
		if (!c->skel) {
			snprintf(c->why, sizeof(c->why), "opening its BPF object: %s", strerror(errno));
			return -errno;
		}
		c->obj = ((struct skel_head *)c->skel)->obj;
		err = apply_filter(c);
		if (err)
			return err;
	}
	return ops->configure ? ops->configure(c) : 0;
}

static int lifecycle_load(struct collector *c)
{
	int err;

	if (!c->skel)
		return 0;
	err = bpf_object__load_skeleton(((struct skel_head *)c->skel)->skeleton);
	if (err)
		snprintf(c->why, sizeof(c->why), "loading programs%s%s%s: %s", c->hook ? " (" : "",
			 c->hook ?: "", c->hook ? ")" : "", strerror(-err));
	return err;
}

static int lifecycle_finish(struct collector *c)
{
	const struct collector_ops *ops = c->ops;
	int err;

	if (!c->skel)
		return 0;
	c->as = attach_set__new(c->rt->feat);
	if (!c->as || attach_set__add_object_maps(c->as, c->obj))
		return -ENOMEM;
	if (ops->ringbuf) {
		err = open_ring(c);
		if (err)
			return err;
	}
	err = attach_set__add_object(c->as, c->obj, c->why, sizeof(c->why));
	if (err)
		return err;
	return ops->started ? ops->started(c) : 0;
}

static void teardown(struct collector *c);

/* Before the lifecycle: 0, or -EOPNOTSUPP when the collector's probe
 * says its hooks are missing (state and why set, said in the log). */
static int start_begin(struct collector *c, const struct sonde_config *cfg, const struct runtime *rt)
{
	c->rt = rt;
	c->config = cfg;
	c->cfg = c->ops->config ? config__section(cfg, c->ops->config) : NULL;
	c->why[0] = '\0';
	c->start_ms = 0;
	if (c->ops->probe && c->ops->probe(rt->feat, c->why, sizeof(c->why))) {
		c->state = COLLECTOR_UNAVAILABLE;
		pr_warn("collector %s unavailable: %s", c->ops->name, c->why);
		return -EOPNOTSUPP;
	}
	c->kind_base = c->ops->kinds ? event_kinds__register(c->ops->kinds) : -1;
	c->mono_to_real = event__mono_to_real();
	c->malformed = 0;
	return 0;
}

/* After the lifecycle: the state, the log line, and on error the undo. */
static int start_end(struct collector *c, int err)
{
	if (err) {
		if (!c->why[0])
			snprintf(c->why, sizeof(c->why), "%s", strerror(-err));
		/* EOPNOTSUPP: a hook it was told to use is missing here. */
		if (err == -EOPNOTSUPP)
			pr_warn("collector %s unavailable: %s", c->ops->name, c->why);
		else
			pr_err("collector %s failed to start: %s", c->ops->name, c->why);
		teardown(c);
		c->state = err == -EOPNOTSUPP ? COLLECTOR_UNAVAILABLE : COLLECTOR_FAILED;
		return err;
	}
	c->state = COLLECTOR_RUNNING;
	pr_info("collector %s running (hook %s, started in %.1f ms)", c->ops->name,
		c->hook ? c->hook : "-", c->start_ms);
	return 0;
}

/* A lifecycle step, its time added to c->start_ms. */
static int timed(struct collector *c, int (*step)(struct collector *c))
{
	double t0 = now_ms();
	int err = step(c);

	c->start_ms += now_ms() - t0;
	return err;
}

int collector__start(struct collector *c, const struct sonde_config *cfg, const struct runtime *rt)
{
	int err = start_begin(c, cfg, rt);

	if (err)
		return err;
	err = timed(c, lifecycle_prepare);
	err = err ?: timed(c, lifecycle_load);
	err = err ?: timed(c, lifecycle_finish);
	return start_end(c, err);
}

struct load_job {
	struct collector *c;
	int err;
	bool skip, threaded;
	pthread_t tid;
};

static void *load_worker(void *arg)
{
	struct load_job *j = arg;

	j->err = timed(j->c, lifecycle_load);
	return NULL;
}

int collector__start_all(struct collector *cs, unsigned n, const struct sonde_config *cfg,
			 const struct runtime *rt)
{
	struct load_job *jobs = calloc(n, sizeof(*jobs));
	unsigned loads = 0;
	int running = 0;

	if (!jobs) {
		for (unsigned i = 0; i < n; i++)
			running += !collector__start(&cs[i], cfg, rt);
		return running;
	}
	for (unsigned i = 0; i < n; i++) {
		jobs[i].c = &cs[i];
		jobs[i].skip = start_begin(&cs[i], cfg, rt) != 0;
		if (!jobs[i].skip)
			jobs[i].err = timed(&cs[i], lifecycle_prepare);
	}
	/* The kernel's verifier is most of a start, and the objects are
	 * independent: they load side by side. One loads here (a thread's
	 * malloc arena would only add to the peak RSS). */
	for (unsigned i = 0; i < n; i++)
		loads += !jobs[i].skip && !jobs[i].err;
	for (unsigned i = 0; loads > 1 && i < n; i++)
		if (!jobs[i].skip && !jobs[i].err)
			jobs[i].threaded = !pthread_create(&jobs[i].tid, NULL, load_worker, &jobs[i]);
	for (unsigned i = 0; i < n; i++) {
		if (jobs[i].threaded)
			pthread_join(jobs[i].tid, NULL);
		else if (!jobs[i].skip && !jobs[i].err)
			load_worker(&jobs[i]);
	}
	for (unsigned i = 0; i < n; i++) {
		if (jobs[i].skip)
			continue;
		if (!jobs[i].err)
			jobs[i].err = timed(&cs[i], lifecycle_finish);
		running += !start_end(&cs[i], jobs[i].err);
	}
	free(jobs);
	return running;
}

/* Frees what the lifecycle made, however far it got. */
static void teardown(struct collector *c)
{
	/* Deliver what is queued while everything it needs is still there. */
	if (c->rb) {
		rb_reader__drain(c->rb);
		bus__remove_source(c->rt->bus, drain_source, c);
	}
	if (c->ops->stop)
		c->ops->stop(c);
	attach_set__free(c->as);
	rb_reader__free(c->rb);
	if (c->skel) {
		bpf_object__destroy_skeleton(((struct skel_head *)c->skel)->skeleton);
		free(c->skel);
	}
	c->as = NULL;
	c->rb = NULL;
	c->skel = NULL;
	c->obj = NULL;
	c->priv = NULL;
}

void collector__stop(struct collector *c)
{
	if (!c || c->state != COLLECTOR_RUNNING)
		return;
	teardown(c);
	c->state = COLLECTOR_OFF;
}

void collector__emit(struct collector *c, const struct sonde_task *t,
		     const struct proc_change *change, const void *payload)
{
	struct event ev = {
		.time_ns = t->ts_ns + c->mono_to_real, .kind = collector__kind(c, t->kind - 1),
		.task = t->pid ? t : NULL,	/* pid 0: no process (a socket's owner unknown) */
		.change = change, .payload = payload,
	};

	bus__emit(c->rt->bus, &ev);
}

void collector__drain(struct collector *c)
{
	if (c->rb)
		rb_reader__drain(c->rb);
}

void collector__size_ringbuf(struct collector *c, unsigned long bytes)
{
	struct bpf_map *map = bpf_object__find_map_by_name(c->obj, c->ops->ringbuf);
	unsigned long sz = map ? rb_reader__set_size(map, bytes) : 0;

	if (sz && sz != bytes)
		pr_info("%s: ring buffer of %lu bytes rounded up to %lu (a power of two, at least a page)",
			c->ops->name, bytes, sz);
}

int collector__watch(struct collector *c, void (*fn)(void *ctx, const struct event *ev),
		     void (*workload)(void *ctx), int (*done)(void *ctx), void *ctx,
		     unsigned timeout_ms)
{
	struct kind_mask kinds;
	struct bus_sub *sub;
	int ret;

	own_kinds(c, &kinds);
	sub = bus__subscribe(c->rt->bus, &kinds, fn, ctx);
	if (!sub)
		return 0;
	workload(ctx);
	ret = c->rb ? rb_reader__drain_until(c->rb, done, ctx, timeout_ms) : done(ctx);
	bus__unsubscribe(c->rt->bus, sub);
	return ret;
}

uint64_t collector__drops(const struct collector *c, unsigned i)
{
	const struct attach_map *m;
	uint64_t v = 0;

	for (unsigned k = 0; (m = attach_set__map(c->as, k)); k++) {
		if (!strcmp(m->name, "drops")) {
			bpfmap__lookup(&m->bm, &i, &v, 1);
			break;
		}
	}
	return v;
}
