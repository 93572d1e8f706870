/* SPDX-License-Identifier: Apache-2.0 */
/* What rt.c (loading, attaching, running) and rt_out.c (records, maps,
 * output) share. Private to src/lang. */
#ifndef SONDE_LANG_RT_INT_H
#define SONDE_LANG_RT_INT_H
#include <stdbool.h>
#include <stddef.h>
#include "lang/gen.h"
#include "lang/rt.h"

struct ring_buffer;

struct rt_prog {
	int fd;
	const struct lang_probe *probe;
	const struct lang_attach *a;
	const struct lang_tp_ref *tp; /* tracepoint: which one */
	int insns;
};

struct lang_run {
	struct lang_run_opts opts;
	struct lang_program *prog;
	struct lang_map_layout *layout; /* by map id */
	int *map_fds;
	unsigned nmap_fds;
	int rb_fd;
	struct ring_buffer *rb;
	struct lang_gen_ctx gen;
	struct rt_prog *progs;
	unsigned nprogs;
	bool exiting;
	unsigned long malformed; /* records too short or of an unknown kind */
};

/* The ring buffer's callback. */
int rt__on_record(void *ctx, void *data, size_t size);
/* Every map, sorted by name, as print.h shapes them. */
void rt__print_all(struct lang_run *r);
/* A uprobe's binary: a path, or a library name ("libc") searched where
 * the dynamic linker looks. 0, or -ENOENT. */
int rt__lib_path(const char *name, char *out, size_t sz);
#endif
