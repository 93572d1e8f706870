#include <errno.h>
#include <string.h>
#include <time.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "core/bpfmap.h"
#include "core/collector.h"
#include "core/log.h"

extern const struct collector_ops syscalls_collector;
extern const struct collector_ops proc_collector;
extern const struct collector_ops files_collector;

const struct collector_ops *const collector_registry[] = {
	&syscalls_collector,
	&proc_collector,
	&files_collector,
	NULL,
};

const struct collector_ops *collector__find(const char *name)
{
	for (int i = 0; collector_registry[i]; i++)
		if (!strcmp(collector_registry[i]->name, name))
			return collector_registry[i];
	return NULL;
}

const char *collector__state_str(enum collector_state s)
{
	static const char *const names[] = { "off", "running", "unavailable", "failed" };

	return names[s];
}

int collector__start(struct collector *c, const struct sonde_config *cfg, struct loop *loop)
{
	struct timespec a, b;
	int err;

	if (c->ops->probe && c->ops->probe(c->feat, c->why, sizeof(c->why))) {
		c->state = COLLECTOR_UNAVAILABLE;
		pr_warn("collector %s unavailable: %s", c->ops->name, c->why);
		return -EOPNOTSUPP;
	}
	clock_gettime(CLOCK_MONOTONIC, &a);
	err = c->ops->start(c, cfg, loop);
	clock_gettime(CLOCK_MONOTONIC, &b);
	c->start_ms = (b.tv_sec - a.tv_sec) * 1e3 + (b.tv_nsec - a.tv_nsec) / 1e6;
	if (err) {
		if (!c->why[0])
			snprintf(c->why, sizeof(c->why), "%s", strerror(-err));
		/* EOPNOTSUPP: a hook it was told to use is missing here. */
		c->state = err == -EOPNOTSUPP ? COLLECTOR_UNAVAILABLE : COLLECTOR_FAILED;
		if (err == -EOPNOTSUPP)
			pr_warn("collector %s unavailable: %s", c->ops->name, c->why);
		else
			pr_err("collector %s failed to start: %s", c->ops->name, c->why);
		c->ops->stop(c);
		c->obj = NULL;
		return err;
	}
	c->state = COLLECTOR_RUNNING;
	pr_info("collector %s running (hook %s, started in %.1f ms)", c->ops->name,
		c->hook ? c->hook : "-", c->start_ms);
	return 0;
}

int collector__prog_stats(const struct bpf_program *p, uint64_t *runs, uint64_t *run_ns)
{
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info);
	int fd = bpf_program__fd(p);

	if (fd < 0 || bpf_obj_get_info_by_fd(fd, &info, &len))
		return -ENOENT;
	*runs = info.run_cnt;
	*run_ns = info.run_time_ns;
	return 0;
}

uint64_t collector__drops(const struct collector *c, unsigned i)
{
	struct bpf_map *drops = c->obj ? bpf_object__find_map_by_name(c->obj, "drops") : NULL;
	uint64_t v = 0;

	if (drops)
		bpfmap__lookup(drops, &i, &v, 1);
	return v;
}

bool collector__own_map(const struct bpf_map *m)
{
	return bpf_map__name(m)[0] != '.' && !strchr(bpf_map__name(m), '.');
}

void collector__stop(struct collector *c)
{
	if (c->state == COLLECTOR_RUNNING)
		c->ops->stop(c);
	c->obj = NULL;
	c->priv = NULL;
	c->state = COLLECTOR_OFF;
}
