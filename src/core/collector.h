/* What every collector gives the core, and the registry of collectors.
 * Adding one: bpf/<name>.bpf.c, src/collectors/<name>.c and one line in
 * collector_registry (collector.c). */
#ifndef SONDE_COLLECTOR_H
#define SONDE_COLLECTOR_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "core/config.h"
#include "core/features.h"
#include "core/loop.h"
#include "lib/prom.h"

struct collector;

struct collector_ops {
	const char *name;	/* config section, CLI name, metric prefix */
	const char *summary;	/* one line for --help and `sonde check` */
	/* The compiled BPF object (the skeleton's embedded ELF), for `sonde verify`. */
	const void *(*elf_bytes)(size_t *sz);
	/* Event types it emits (NULL-terminated), for `sonde trace TYPE`. */
	const char *const *event_types;
	/* Column titles of its events' text form (after TIME PID COMM). */
	const char *text_header;
	/* Hook flavours it can run on, best first (NULL-terminated), for
	 * c->hook_override and the kernel matrix. */
	const char *const *hooks;
	/* Drives a small known workload in this process and checks what the
	 * collector counted; 0 or a negative errno with the reason in msg. */
	int (*selftest)(struct collector *c, char *msg, size_t msg_sz);
	/* Names of the slots of the object's "drops" map (sonde.bpf.h). */
	const char *const *drop_reasons;
	/* Can it run on this kernel? If not, say why. */
	int (*probe)(const struct features *feat, char *why, size_t why_sz);
	/* open -> configure -> load -> attach; sets c->obj and c->hook. */
	int (*start)(struct collector *c, const struct sonde_config *cfg, struct loop *loop);
	/* Writes the collector's metrics (on scrape). */
	int (*collect)(struct collector *c, struct metrics_writer *w);
	/* Detaches and frees; safe on a half-started collector. */
	void (*stop)(struct collector *c);
};

enum collector_state {
	COLLECTOR_OFF,
	COLLECTOR_RUNNING,
	COLLECTOR_UNAVAILABLE,	/* the kernel lacks its hooks */
	COLLECTOR_FAILED,	/* start failed */
};

struct collector {
	const struct collector_ops *ops;
	enum collector_state state;
	char why[256];
	const struct features *feat;
	struct bpf_object *obj;	/* its programs and maps, for self-metrics */
	const char *hook;	/* attached hook flavour, e.g. "tp_btf" */
	int hook_override;	/* 0: as configured; else 1 + index in ops->hooks */
	double start_ms;
	void *priv;
};

extern const struct collector_ops *const collector_registry[];

const struct collector_ops *collector__find(const char *name);
const char *collector__state_str(enum collector_state s);
/* probe + start; fills state and why. Returns 0 or a negative errno. */
int collector__start(struct collector *c, const struct sonde_config *cfg, struct loop *loop);
void collector__stop(struct collector *c);

struct bpf_program;
struct bpf_map;
/* Run count and run time of a loaded program (0 unless prog stats are on).
 * Returns 0, or a negative errno when the program is not loaded. */
int collector__prog_stats(const struct bpf_program *p, uint64_t *runs, uint64_t *run_ns);
/* Events the kernel side lost for drop reason i (see ops->drop_reasons). */
uint64_t collector__drops(const struct collector *c, unsigned i);
/* Whether a map is the collector's own (not libbpf's .rodata/.bss). */
bool collector__own_map(const struct bpf_map *m);
#endif
