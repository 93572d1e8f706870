// SPDX-License-Identifier: Apache-2.0
/* The attach set: its entries (what to attach, their state and reasons,
 * suspend and resume), the maps it reports, and freeing it all. How each
 * hook kind is attached is in attach_hooks.c. Every fd is the set's; a
 * dying agent's fds close, and with them every link but the netlink tc
 * filters of pre-6.6 kernels. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/libbpf.h>
#include "core/attach.h"
#include "core/attach_priv.h"

static const char *const kind_names[ATTACH__COUNT] = {
	[ATTACH_TRACEPOINT] = "tracepoint", [ATTACH_RAW_TP] = "raw_tp", [ATTACH_TP_BTF] = "tp_btf", [ATTACH_LSM] = "lsm",
	[ATTACH_UPROBE] = "uprobe", [ATTACH_USDT] = "usdt", [ATTACH_PERF_EVENT] = "perf_event",
	[ATTACH_TC] = "tc", [ATTACH_XDP] = "xdp", [ATTACH_CGROUP] = "cgroup",
	[ATTACH_SOCKET_FILTER] = "socket_filter",
};

const char *attach_kind__name(enum attach_kind k)
{
	return k < ATTACH__COUNT ? kind_names[k] : "?";
}

struct attach_set *attach_set__new(struct features *feat)
{
	struct attach_set *as = calloc(1, sizeof(*as));

	if (!as)
		return NULL;
	as->feat = feat;
	as->tail = &as->head;
	return as;
}

static void describe(struct attach *a)
{
	const struct attach_spec *s = &a->spec;
	size_t n = sizeof(a->target);

	switch (s->kind) {
	case ATTACH_TRACEPOINT:
		snprintf(a->target, n, "tracepoint/%s/%s", s->tp.category, s->tp.name);
		break;
	case ATTACH_RAW_TP:
	case ATTACH_TP_BTF:
	case ATTACH_LSM:
		snprintf(a->target, n, "%s/%s", kind_names[s->kind], s->raw_tp.name ?: "?");
		break;
	case ATTACH_UPROBE:
		snprintf(a->target, n, "%s %s:%s+0x%llx%s", s->uprobe.retprobe ? "uretprobe" : "uprobe",
			 s->uprobe.path, s->uprobe.func ?: "", (unsigned long long)s->uprobe.offset,
			 s->uprobe.pid > 0 ? " (one process)" : "");
		break;
	case ATTACH_USDT:
		snprintf(a->target, n, "usdt %s:%s:%s", s->usdt.path, s->usdt.provider, s->usdt.name);
		break;
	case ATTACH_PERF_EVENT: {
		char cpu[24] = "every CPU";

		if (s->perf.cpu >= 0)
			snprintf(cpu, sizeof(cpu), "CPU %d", s->perf.cpu);
		snprintf(a->target, n, "perf_event type %u config %llu, %s %llu, %s", s->perf.type,
			 (unsigned long long)s->perf.config, s->perf.freq ? "freq" : "period",
			 (unsigned long long)s->perf.sample, cpu);
		break;
	}
	case ATTACH_TC:
		snprintf(a->target, n, "tc ifindex %d %s%s%s", s->tc.ifindex, s->tc.egress ? "egress" : "ingress",
			 s->tc.netns ? " in " : "", s->tc.netns ?: "");
		break;
	case ATTACH_XDP:
		snprintf(a->target, n, "xdp ifindex %d%s%s", s->xdp.ifindex, s->xdp.netns ? " in " : "",
			 s->xdp.netns ?: "");
		break;
	case ATTACH_CGROUP:
		snprintf(a->target, n, "cgroup %s (attach type %d)", s->cgroup.path, s->cgroup.type);
		break;
	case ATTACH_SOCKET_FILTER:
		snprintf(a->target, n, "socket filter on fd %d", s->sock.fd);
		break;
	default:
		snprintf(a->target, n, "?");
	}
}

/* Keeps the spec's strings alive with the entry. */
static int own_strings(struct attach *a)
{
	const char **p[3] = {};

	switch (a->spec.kind) {
	case ATTACH_TRACEPOINT:
		p[0] = &a->spec.tp.category, p[1] = &a->spec.tp.name;
		break;
	case ATTACH_RAW_TP:
	case ATTACH_TP_BTF:
	case ATTACH_LSM:
		p[0] = &a->spec.raw_tp.name;
		break;
	case ATTACH_UPROBE:
		p[0] = &a->spec.uprobe.path, p[1] = &a->spec.uprobe.func;
		break;
	case ATTACH_USDT:
		p[0] = &a->spec.usdt.path, p[1] = &a->spec.usdt.provider, p[2] = &a->spec.usdt.name;
		break;
	case ATTACH_CGROUP:
		p[0] = &a->spec.cgroup.path;
		break;
	case ATTACH_TC:
		p[0] = &a->spec.tc.netns;
		break;
	case ATTACH_XDP:
		p[0] = &a->spec.xdp.netns;
		break;
	default:
		break;
	}
	for (int i = 0; i < 3; i++) {
		if (!p[i] || !*p[i])
			continue;
		a->strs[i] = strdup(*p[i]);
		if (!a->strs[i])
			return -ENOMEM;
		*p[i] = a->strs[i];
	}
	return 0;
}

static void entry_free(struct attach *a)
{
	hook__detach(a);
	for (int i = 0; i < 3; i++)
		free(a->strs[i]);
	free(a);
}

static int spec_valid(const struct attach_spec *s, char *why, size_t sz)
{
	const char *missing = NULL;

	switch (s->kind) {
	case ATTACH_TRACEPOINT:
		missing = !s->tp.category || !s->tp.name ? "category and name" : NULL;
		break;
	case ATTACH_RAW_TP:
		missing = !s->raw_tp.name ? "a name" : NULL;
		break;
	case ATTACH_UPROBE:
		missing = !s->uprobe.path ? "a binary path" : NULL;
		break;
	case ATTACH_USDT:
		missing = !s->usdt.path || !s->usdt.provider || !s->usdt.name ?
			  "a path, provider and name" : NULL;
		break;
	case ATTACH_CGROUP:
		missing = !s->cgroup.path ? "a cgroup path" : NULL;
		break;
	case ATTACH_TC:
	case ATTACH_XDP:
		missing = (s->kind == ATTACH_TC ? s->tc.ifindex : s->xdp.ifindex) <= 0 ?
			  "an interface index" : NULL;
		break;
	case ATTACH_TP_BTF:
	case ATTACH_LSM:
	case ATTACH_PERF_EVENT:
	case ATTACH_SOCKET_FILTER:
		break;
	default:
		missing = "a known kind";
	}
	if (missing)
		snprintf(why, sz, "%s attach needs %s", attach_kind__name(s->kind), missing);
	return missing ? -EINVAL : 0;
}

struct attach *attach_set__add(struct attach_set *as, const struct bpf_program *prog, int prog_fd,
			       const char *name, const struct attach_spec *spec)
{
	struct attach *a = calloc(1, sizeof(*a));
	int err;

	if (!a)
		return NULL;
	a->set = as;
	a->prog = prog;
	a->prog_fd = prog ? bpf_program__fd(prog) : prog_fd;
	snprintf(a->prog_name, sizeof(a->prog_name), "%s", prog ? bpf_program__name(prog) : name ?: "?");
	a->spec = *spec;
	if (own_strings(a)) {
		entry_free(a);
		errno = ENOMEM;
		return NULL;
	}
	describe(a);
	*as->tail = a;
	as->tail = &a->next;
	err = spec_valid(&a->spec, a->why, sizeof(a->why));
	if (!err && a->prog_fd < 0) {
		err = -EBADF;
		snprintf(a->why, sizeof(a->why), "program %s is not loaded", a->prog_name);
	}
	err = err ?: hook__attach(a);
	if (err) {
		hook__detach(a);
		a->state = ATTACH_FAILED;
		a->err = err;
		if (!a->why[0])
			snprintf(a->why, sizeof(a->why), "%s", strerror(-err));
	}
	return a;
}

int attach_spec__from_section(const char *sec, struct attach_spec *spec, char *buf, size_t sz)
{
	static const struct { const char *prefix; enum attach_kind kind; } map[] = {
		{ "tracepoint/", ATTACH_TRACEPOINT }, { "tp/", ATTACH_TRACEPOINT },
		{ "raw_tracepoint/", ATTACH_RAW_TP }, { "raw_tp/", ATTACH_RAW_TP },
		{ "tp_btf/", ATTACH_TP_BTF }, { "lsm/", ATTACH_LSM },
	};

	for (unsigned i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		size_t n = strlen(map[i].prefix);
		char *slash;

		if (strncmp(sec, map[i].prefix, n) || !sec[n] || strlen(sec + n) >= sz)
			continue;
		memset(spec, 0, sizeof(*spec));
		spec->kind = map[i].kind;
		strcpy(buf, sec + n);
		if (spec->kind != ATTACH_TRACEPOINT) {
			spec->raw_tp.name = buf;
			return 0;
		}
		slash = strchr(buf, '/');
		if (!slash || !slash[1])
			return -EINVAL;
		*slash = '\0';
		spec->tp.category = buf;
		spec->tp.name = slash + 1;
		return 0;
	}
	return -EINVAL;
}

int attach_set__add_object(struct attach_set *as, struct bpf_object *obj, char *why, size_t why_sz)
{
	struct bpf_program *p;

	bpf_object__for_each_program(p, obj) {
		struct attach_spec spec;
		struct attach *a;
		char buf[256];

		if (bpf_program__fd(p) < 0 || !bpf_program__autoattach(p))
			continue;
		if (attach_spec__from_section(bpf_program__section_name(p), &spec, buf, sizeof(buf))) {
			snprintf(why, why_sz, "program %s: section '%s' needs an explicit target",
				 bpf_program__name(p), bpf_program__section_name(p));
			return -EINVAL;
		}
		a = attach_set__add(as, p, -1, NULL, &spec);
		if (!a)
			return -ENOMEM;
		if (a->state == ATTACH_FAILED) {
			snprintf(why, why_sz, "attaching %s to %s: %s", a->prog_name, a->target, a->why);
			return a->err;
		}
	}
	return 0;
}

int attach__suspend(struct attach *a)
{
	if (a->state != ATTACH_ON)
		return -EINVAL;
	hook__detach(a);
	a->state = ATTACH_SUSPENDED;
	return 0;
}

int attach__resume(struct attach *a)
{
	int err;

	if (a->state == ATTACH_ON)
		return 0;
	a->why[0] = '\0';
	err = hook__attach(a);
	if (err) {
		hook__detach(a);
		a->err = err;
		if (!a->why[0])
			snprintf(a->why, sizeof(a->why), "%s", strerror(-err));
		/* A window that could not open stays resumable. */
		a->state = a->state == ATTACH_SUSPENDED ? ATTACH_SUSPENDED : ATTACH_FAILED;
		return err;
	}
	a->err = 0;
	a->state = ATTACH_ON;
	return 0;
}

struct reap_job {
	struct attach **v;
	unsigned n;
};

static void *reap_worker(void *arg)
{
	struct reap_job *j = arg;

	for (unsigned i = 0; i < j->n; i++)
		entry_free(j->v[i]);
	free(j->v);
	free(j);
	return NULL;
}

void attach_set__remove(struct attach_set *as, struct attach *const *v, unsigned n)
{
	struct reap_job *j = calloc(1, sizeof(*j));

	if (j)
		j->v = calloc(n ?: 1, sizeof(*j->v));
	for (unsigned i = 0; i < n; i++) {
		struct attach **pp = &as->head;

		while (*pp && *pp != v[i])
			pp = &(*pp)->next;
		if (!*pp)
			continue;
		*pp = v[i]->next;
		if (as->tail == &v[i]->next)
			as->tail = pp;
		if (j && j->v)
			j->v[j->n++] = v[i];
		else
			entry_free(v[i]);
	}
	if (!j || !j->v) {
		free(j);
		return;
	}
	if (as->nreapers == ATTACH_REAPERS) {	/* the oldest has long finished */
		pthread_join(as->reapers[0], NULL);
		memmove(as->reapers, as->reapers + 1, --as->nreapers * sizeof(pthread_t));
	}
	if (pthread_create(&as->reapers[as->nreapers], NULL, reap_worker, j))
		reap_worker(j);
	else
		as->nreapers++;
}

struct attach *attach_set__first(const struct attach_set *as) { return as ? as->head : NULL; }
struct attach *attach__next(const struct attach *a) { return a->next; }
const char *attach__prog_name(const struct attach *a) { return a->prog_name; }
int attach__prog_fd(const struct attach *a) { return a->prog_fd; }
enum attach_kind attach__kind(const struct attach *a) { return a->spec.kind; }
enum attach_state attach__state(const struct attach *a) { return a->state; }
const char *attach__target(const struct attach *a) { return a->target; }
int attach__err(const struct attach *a) { return a->err; }
const char *attach__why(const struct attach *a) { return a->state == ATTACH_FAILED ? a->why : ""; }

unsigned attach__nlinks(const struct attach *a)
{
	unsigned n = a->link || a->tc_netlink ||
		     (a->spec.kind == ATTACH_SOCKET_FILTER && a->state == ATTACH_ON);

	for (unsigned i = 0; i < a->nfds; i++)
		n += a->fds[i] >= 0 && (a->nfds == 1 || !(i & 1));
	return n;
}

int attach_set__add_map(struct attach_set *as, const char *name, int fd)
{
	struct attach_map *m = realloc(as->maps, (as->nmaps + 1) * sizeof(*m));
	char *copy = strdup(name);
	struct bpfmap bm;
	int err = bpfmap__open(&bm, fd);

	if (err) {
		free(copy);
		if (m)
			as->maps = m;
		return err;
	}
	if (!m || !copy) {
		free(copy);
		if (m)
			as->maps = m;
		return -ENOMEM;
	}
	as->maps = m;
	as->maps[as->nmaps++] = (struct attach_map){ .name = copy, .fd = fd, .bm = bm };
	return 0;
}

int attach_set__add_object_maps(struct attach_set *as, struct bpf_object *obj)
{
	struct bpf_map *m;
	int err = 0;

	bpf_object__for_each_map(m, obj) {
		const char *n = bpf_map__name(m);

		/* .rodata, .bss, .kconfig and the like are libbpf's, not ours. */
		if (n[0] == '.' || strchr(n, '.') || bpf_map__fd(m) < 0)
			continue;
		err = err ?: attach_set__add_map(as, n, bpf_map__fd(m));
	}
	return err;
}

const struct attach_map *attach_set__map(const struct attach_set *as, unsigned i)
{
	return as && i < as->nmaps ? &as->maps[i] : NULL;
}

/* Each tracepoint or probe detach waits for RCU grace periods (20-40 ms
 * here); detaching from several threads lets those waits overlap, so ten
 * tracepoints go in about the time of one. */
#define DETACH_THREADS 8

struct detach_job {
	struct attach **v;
	unsigned n, step;
};

static void *detach_worker(void *arg)
{
	const struct detach_job *j = arg;

	for (unsigned i = 0; i < j->n; i += j->step)
		hook__detach(j->v[i]);
	return NULL;
}

static void detach_all(struct attach_set *as)
{
	struct detach_job jobs[DETACH_THREADS];
	pthread_t tids[DETACH_THREADS];
	struct attach **v;
	unsigned n = 0, nt, started = 0;

	for (struct attach *a = as->head; a; a = a->next)
		n++;
	v = n > 1 ? calloc(n, sizeof(*v)) : NULL;
	if (!v)
		return;		/* entry_free detaches one by one */
	n = 0;
	for (struct attach *a = as->head; a; a = a->next)
		v[n++] = a;
	nt = n < DETACH_THREADS ? n : DETACH_THREADS;
	for (unsigned t = 0; t < nt; t++) {
		jobs[t] = (struct detach_job){ v + t, n - t, nt };
		if (pthread_create(&tids[t], NULL, detach_worker, &jobs[t]))
			break;
		started++;
	}
	for (unsigned t = 0; t < started; t++)
		pthread_join(tids[t], NULL);
	/* What no thread took (pthread_create failed) is detached here. */
	for (unsigned t = started; t < nt; t++)
		detach_worker(&jobs[t]);
	free(v);
}

void attach_set__free(struct attach_set *as)
{
	if (!as)
		return;
	for (unsigned i = 0; i < as->nreapers; i++)
		pthread_join(as->reapers[i], NULL);
	detach_all(as);
	while (as->head) {
		struct attach *a = as->head;

		as->head = a->next;
		entry_free(a);
	}
	for (unsigned i = 0; i < as->nmaps; i++)
		free((char *)as->maps[i].name);
	free(as->maps);
	free(as);
}
