/* SPDX-License-Identifier: Apache-2.0 */
/* How full maps are, without walking them on every scrape: where the
 * kernel keeps per-map element counts (6.6+) one pass of an iterator
 * reads them for every map; elsewhere a map's keys are walked at most once
 * per MAPSTAT_WALK_SECONDS and the count reused between walks. */
#ifndef SONDE_MAPSTAT_H
#define SONDE_MAPSTAT_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MAPSTAT_WALK_SECONDS 30

struct mapstat;

struct bpfmap;

struct mapstat *mapstat__new(void);
void mapstat__free(struct mapstat *ms);
/* Reads the kernel's counters (once per scrape). */
void mapstat__refresh(struct mapstat *ms);
/* Entries in use of the map (arrays: their capacity), or -1 for maps
 * that hold no entries (ring buffers). */
long mapstat__entries(struct mapstat *ms, const struct bpfmap *m);
/* The iterator's compiled BPF object, for `sonde verify --builtin`. */
const void *mapstat__elf_bytes(size_t *sz);
/* Whether the kernel's counters are used (else walks). */
bool mapstat__kernel_counts(const struct mapstat *ms);
#endif
