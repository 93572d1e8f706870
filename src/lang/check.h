/* SPDX-License-Identifier: Apache-2.0 */
/* The tracing language's type checker (issue 15), after bpftrace 0.17's
 * semantic analyser: probes exist on this kernel, builtins are allowed
 * where they are used, every expression has one type, every map one key
 * signature and one kind of value. It annotates the tree (ast.h) with
 * what the code generator needs: types, args field offsets, the map
 * table, each probe's variables and expanded tracepoints. What exists on
 * the kernel it learns only through struct lang_env, so tests fake it. */
#ifndef SONDE_LANG_CHECK_H
#define SONDE_LANG_CHECK_H
#include <stdbool.h>
#include <stddef.h>
#include "lang/ast.h"
#include "lang/tpformat.h"

#define LANG_TP_EXPAND_MAX 1024 /* tracepoints one wildcard attach point may match */

struct lang_env {
	void *ctx;
	/* The format of tracepoint cat:name: 0, -ENOENT when it does not exist. */
	int (*tp_format)(void *ctx, const char *cat, const char *name, struct lang_tp_format *out);
	/* Each tracepoint matching the globs (wildcard attach points); as
	 * lang_tp__list(). */
	int (*tp_list)(void *ctx, const char *cat_glob, const char *name_glob,
		       int (*cb)(void *arg, const char *cat, const char *name), void *arg);
	/* The type and byte offset of member field of type ("struct
	 * task_struct"); with field NULL, whether the type exists. 0, or
	 * -ENOENT. NULL when there is no BTF: then field accesses other than
	 * args' and casts to kernel structs are refused. */
	int (*btf_field)(void *ctx, const char *type, const char *field, struct lang_type *out,
			 unsigned *offset);
	bool has_kprobe, has_rawtp, has_uprobe, has_perf_event; /* what this kernel offers */
	bool unsafe; /* --unsafe: system() is allowed */
};

/* Checks prog (from lang__parse() of text[0..len), which the messages
 * quote) against env and annotates it. 0, or -EINVAL with the first
 * error in err as lang__parse() words them, -ENOMEM. */
int lang__check(struct lang_program *prog, const struct lang_env *env, const char *text,
		size_t len, char *err, size_t errsz);

/* An environment for this host: tracepoints from TRACEFS (NULL:
 * /sys/kernel/tracing), every probe type on, no BTF; the caller clears
 * what feature detection says is missing. */
void lang_env__host(struct lang_env *out, const char *tracefs);
#endif
