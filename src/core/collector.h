/* SPDX-License-Identifier: Apache-2.0 */
/* What every collector gives the core, and the base that runs it. The
 * base does the lifecycle every BPF collector shares: open the skeleton ->
 * apply the process filter -> the collector's configure (rodata, map
 * sizes, autoload) -> load -> a reader on its ring buffer -> attach every
 * program through its attach set -> started; stop undoes it in reverse,
 * after delivering what is queued.
 *
 * Adding one: bpf/<name>.bpf.c, src/collectors/<name>.c (its options
 * inside, as a config_section) and one line in src/collectors/registry.c. */
#ifndef SONDE_COLLECTOR_H
#define SONDE_COLLECTOR_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "core/config.h"
#include "core/event.h"
#include "core/features.h"

struct attach_set;
struct bpf_object;
struct bus;
struct collector;
struct field_writer;
struct loop;
struct metrics_writer;
struct rb_reader;

/* What a running collector may use of the agent. */
struct runtime {
	struct loop *loop;
	struct bus *bus;
	struct features *feat;
};

struct collector_ops {
	const char *name;	/* config section, CLI name, metric prefix */
	const char *summary;	/* one line for --help and `sonde check` */
	const struct config_section *config;	/* its options, or NULL */
	const struct event_kind *kinds;	/* events it emits (NULL name ends), or NULL */
	/* Hook flavours it can be told to use, best first (NULL-terminated),
	 * for selftests and the kernel matrix. */
	const char *const *hooks;
	/* Names of the slots of its "drops" map (sonde.bpf.h). */
	const char *const *drop_reasons;
	/* Its skeleton's NAME__open, and the object's bytes for `sonde verify`. */
	void *(*open)(void);
	const void *(*elf_bytes)(size_t *sz);
	/* Its ring buffer map, drained into on_record; NULL: none. */
	const char *ringbuf;
	int (*on_record)(struct collector *c, void *data, size_t size);
	/* Can it run on this kernel? If not, say why. */
	int (*probe)(struct features *feat, char *why, size_t why_sz);
	/* After open, before load: rodata, map sizes, autoload; may set c->hook. */
	int (*configure)(struct collector *c);
	/* After every program is attached (optional). */
	int (*started)(struct collector *c);
	/* Writes what `sonde status` shows of it beyond programs and maps
	 * (optional): fields of its "details" object. */
	void (*status)(struct collector *c, struct field_writer *w);
	/* Writes its metrics (on scrape). */
	int (*collect)(struct collector *c, struct metrics_writer *w);
	/* Applies a changed config section without a restart, or -EAGAIN
	 * when it needs one (optional: without it every change restarts). */
	int (*reload)(struct collector *c, const void *new_cfg);
	/* SIGHUP with its section unchanged: re-reads the files it works
	 * from (optional). */
	void (*refresh)(struct collector *c);
	/* Frees what configure and started made (optional); half-started safe. */
	void (*stop)(struct collector *c);
	/* Drives a small known workload in this process and checks what the
	 * collector saw; 0 or a negative errno with the reason in msg. */
	int (*selftest)(struct collector *c, char *msg, size_t msg_sz);
};

enum collector_state {
	COLLECTOR_OFF,
	COLLECTOR_RUNNING,
	COLLECTOR_UNAVAILABLE,	/* the kernel lacks its hooks */
	COLLECTOR_FAILED,	/* start failed */
};

/* The first members of every skeleton bpftool generates. */
struct skel_head {
	struct bpf_object_skeleton *skeleton;
	struct bpf_object *obj;
};

struct collector {
	const struct collector_ops *ops;
	enum collector_state state;
	char why[256];
	const struct runtime *rt;
	const struct sonde_config *config;	/* the whole running config */
	const void *cfg;		/* its own section of it */
	void *skel;			/* its skeleton (a struct skel_head first) */
	struct bpf_object *obj;
	struct attach_set *as;		/* every link and map it has */
	struct rb_reader *rb;
	const char *hook;		/* attached hook flavour, e.g. "tp_btf" */
	const char *force_hook;		/* a name from ops->hooks (selftests); NULL: as configured */
	int kind_base;			/* id of ops->kinds[0] */
	int64_t mono_to_real;		/* CLOCK_REALTIME - CLOCK_MONOTONIC at start */
	uint64_t malformed;		/* records it could not read */
	double start_ms;
	void *priv;
};

/* probe + the lifecycle above; fills state and why. Returns 0 or a
 * negative errno (-EOPNOTSUPP: a hook it needs is missing). */
int collector__start(struct collector *c, const struct sonde_config *cfg, const struct runtime *rt);
/* collector__start for n collectors, their objects loaded (verified) side
 * by side on threads; the rest runs on this thread, in order. Returns how
 * many are running. */
int collector__start_all(struct collector *cs, unsigned n, const struct sonde_config *cfg,
			 const struct runtime *rt);
/* Delivers what is queued, detaches and frees; NULL-safe, idempotent. */
void collector__stop(struct collector *c);
const char *collector__state_str(enum collector_state s);

/* The event kind id of the collector's i-th kind. */
static inline unsigned collector__kind(const struct collector *c, unsigned i)
{
	return c->kind_base + i;
}

/* Emits an event about record header t (its kind from t->kind, counted
 * from 1) with the record as payload. */
void collector__emit(struct collector *c, const struct sonde_task *t,
		     const struct proc_change *change, const void *payload);
/* Drains its ring buffer now (metrics are then current). */
void collector__drain(struct collector *c);
/* Sizes its ring buffer (a power of two, at least a page) in configure;
 * says so in the log when bytes had to be rounded. */
void collector__size_ringbuf(struct collector *c, unsigned long bytes);
/* Writes a variable of the object's read-only data by name (before load).
 * 0, or -ENOENT when the object has no such variable. */
int collector__set_rodata(struct collector *c, const char *name, const void *val, size_t sz);

/* Selftest plumbing: fn sees the collector's events while workload runs,
 * then its ring is drained until done(ctx) or timeout_ms pass. Returns
 * done(ctx). */
int collector__watch(struct collector *c, void (*fn)(void *ctx, const struct event *ev),
		     void (*workload)(void *ctx), int (*done)(void *ctx), void *ctx,
		     unsigned timeout_ms);

/* Events the kernel side lost for drop reason i (see ops->drop_reasons). */
uint64_t collector__drops(const struct collector *c, unsigned i);
#endif
