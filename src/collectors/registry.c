// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <string.h>
#include "collectors/registry.h"
#include "identity/identity.h"

extern const struct collector_ops syscalls_collector;
extern const struct collector_ops proc_collector;
extern const struct collector_ops files_collector;
extern const struct collector_ops tcp_collector;
extern const struct collector_ops flows_collector;
extern const struct collector_ops xdp_collector;
extern const struct collector_ops profile_collector;
extern const struct collector_ops l7_collector;
extern const struct collector_ops enforce_collector;

const struct collector_ops *const collector_registry[] = {
	&syscalls_collector,
	&proc_collector,
	&files_collector,
	&tcp_collector,
	&flows_collector,
	&xdp_collector,
	&profile_collector,
	&l7_collector,
	&enforce_collector,
	NULL,
};

int registry__init(const struct config_section *const *extra, int nextra)
{
	const struct config_section *secs[CONFIG_SECTIONS_MAX];
	int n = 0;

	secs[n++] = &identity_config_section;
	for (int i = 0; i < nextra && n < CONFIG_SECTIONS_MAX; i++)
		secs[n++] = extra[i];
	for (int i = 0; collector_registry[i]; i++) {
		const struct collector_ops *ops = collector_registry[i];

		if (ops->config && n < CONFIG_SECTIONS_MAX)
			secs[n++] = ops->config;
		if (ops->kinds && event_kinds__register(ops->kinds) < 0)
			return -E2BIG;
	}
	return config__compose(secs, n);
}

const struct collector_ops *registry__find(const char *name)
{
	for (int i = 0; collector_registry[i]; i++)
		if (!strcmp(collector_registry[i]->name, name))
			return collector_registry[i];
	return NULL;
}

const struct collector_ops *registry__emitter(const char *kind)
{
	for (int i = 0; collector_registry[i]; i++)
		for (int j = 0; collector_registry[i]->kinds && collector_registry[i]->kinds[j].name; j++)
			if (!strcmp(collector_registry[i]->kinds[j].name, kind))
				return collector_registry[i];
	return NULL;
}
