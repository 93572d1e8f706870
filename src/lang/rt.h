/* SPDX-License-Identifier: Apache-2.0 */
/* The tracing language's runtime, behind `sonde run`: a program's text
 * through the parser, the checker and the code generator into loaded
 * programs and maps; then attach, run BEGIN, deliver what the programs
 * send (printf, print, clear, exit), and at the end run END and print
 * every map, as bpftrace does. */
#ifndef SONDE_LANG_RT_H
#define SONDE_LANG_RT_H
#include <stdbool.h>
#include <stdio.h>
#include "lang/print.h"

struct attach_set;
struct features;
struct lang_run;

struct lang_run_opts {
	enum lang_out_fmt fmt;
	FILE *out;
	bool unsafe;		/* system() allowed */
	const char *tracefs;	/* NULL: /sys/kernel/tracing */
	struct features *feat;	/* what the kernel has (probe types) */
};

/* Parses, checks, generates and loads text (named file in messages).
 * 0 and *out, or a negative errno with err saying why (FILE:LINE:COL
 * with a caret for the program's own errors, the verifier's reason for
 * a rejected program). */
int lang_run__open(struct lang_run **out, const char *file, const char *text, size_t len,
		   const struct lang_run_opts *o, char *err, size_t errsz);
/* Attaches every probe; prints "Attaching N probes..." (or its JSON). */
int lang_run__attach(struct lang_run *r, struct attach_set *as, char *err, size_t errsz);
/* Runs the BEGIN probes. */
int lang_run__begin(struct lang_run *r, char *err, size_t errsz);
/* Delivers what the programs sent, waiting up to timeout_ms: 1 once a
 * program called exit(), 0 else, or a negative errno. */
int lang_run__poll(struct lang_run *r, int timeout_ms);
/* Runs the END probes and prints every map. */
void lang_run__end(struct lang_run *r);
void lang_run__free(struct lang_run *r);
#endif
