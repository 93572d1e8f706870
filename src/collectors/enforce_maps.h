/* SPDX-License-Identifier: Apache-2.0 */
/* The policy maps of bpf/enforce.bpf.c as user space drives them: a
 * compiled image goes into fresh inner maps in the slot not in force, then
 * one write to the state map swaps it in, so no event is judged against
 * half a policy (sonde/enforce.h). */
#ifndef SONDE_ENFORCE_MAPS_H
#define SONDE_ENFORCE_MAPS_H
#include <stddef.h>
#include <stdint.h>
#include "sonde/enforce.h"

struct bpf_object;
struct enf_image;

enum { ENF_MAP_META, ENF_MAP_RULES, ENF_MAP_KEYS, ENF_MAP_STRS, ENF_MAP__COUNT };

struct enf_maps {
	int outer[ENF_MAP__COUNT];
	int state, stats;
	unsigned slot;		/* in force */
	uint32_t version;	/* in force; 0: none yet */
};

/* The maps of a loaded object. 0, or -ENOENT naming the missing map. */
int enf_maps__init(struct enf_maps *m, struct bpf_object *obj, char *why, size_t why_sz);
/* Builds img in the other slot (its counters zeroed) and swaps it in.
 * 0, or a negative errno with why; the version in force stays then. */
int enf_maps__install(struct enf_maps *m, const struct enf_image *img, char *why, size_t why_sz);
/* Rule rule's counters in slot. */
int enf_maps__stat(const struct enf_maps *m, unsigned slot, unsigned rule, struct enf_stat *out);
#endif
