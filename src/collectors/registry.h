/* SPDX-License-Identifier: Apache-2.0 */
/* The collectors there are. Adding one is one line in registry.c. */
#ifndef SONDE_REGISTRY_H
#define SONDE_REGISTRY_H
#include "core/collector.h"

extern const struct collector_ops *const collector_registry[];

/* Composes every option section (the identity cache's, extra ones from
 * the layers above, each collector's)
 * into the one options table and registers every kind of event: once, at
 * start, before options are parsed. 0 or a negative errno. */
int registry__init(const struct config_section *const *extra, int nextra);
const struct collector_ops *registry__find(const char *name);
/* The collector that emits event kind name, or NULL. */
const struct collector_ops *registry__emitter(const char *kind);
#endif
