/* SPDX-License-Identifier: Apache-2.0 */
/* The tracing language's code generator: a checked program (check.h) to
 * BPF instructions, one program per probe and attach point (per
 * expanded tracepoint), loaded by the runtime with bpf_prog_load. No
 * compiler: instructions are emitted through lib/insnbuf.h.
 *
 * What the kernel side and the runtime agree on is here: how each map's
 * keys and values are laid out, and the records programs send through
 * the ring buffer. */
#ifndef SONDE_LANG_GEN_H
#define SONDE_LANG_GEN_H
#include <stddef.h>
#include <stdint.h>
#include <linux/bpf.h>
#include "lang/ast.h"

#define LANG_MAP_ENTRIES    4096 /* bpftrace's default */
#define LANG_PRINTF_ARGS    16
#define LANG_PROG_INSNS_MAX 65536

/* A map's layout. Keys: the key elements one after the other, integers
 * as 8 bytes (little-endian, sign-extended), strings as their type's
 * size (NUL-padded); a map without keys has one 8-byte key 0. Values:
 *   count, sum:   u64                   (BPF_MAP_TYPE_PERCPU_HASH)
 *   min, max:     { s64 value; u64 set }  (PERCPU_HASH; set 0: no value yet)
 *   avg, stats:   { s64 total; u64 count } (PERCPU_HASH)
 *   hist:         u64[LANG_HIST_BUCKETS], bucket lang_hist__bucket(v) (PERCPU_HASH)
 *   lhist:        u64[n + 2], n = (max - min) / step: [0] below min,
 *                 [1 + (v - min) / step], [n + 1] from max on (PERCPU_HASH)
 *   a value:      s64, or a string of the value type's size (BPF_MAP_TYPE_HASH)
 * Per-CPU values are summed (min/max: compared) by the runtime. */
struct lang_map_layout {
	enum bpf_map_type type;
	unsigned key_size, value_size, max_entries;
	unsigned key_off[LANG_MAP_KEYS_MAX]; /* each key element's offset */
	unsigned nbuckets;		     /* hist, lhist */
};

/* Fills out[i] for each map i of prog (prog->nmaps entries). */
void lang_gen__layout(const struct lang_program *prog, struct lang_map_layout *out);

/* Ring buffer records: this header, then the arguments. */
enum lang_rec_kind {
	LANG_REC_PRINTF = 1, /* id: printf spec; the arguments at their offsets */
	LANG_REC_EXIT,	     /* exit(): end the run (END probes, maps printed) */
	LANG_REC_PRINT,	     /* print(@m): id the map */
	LANG_REC_CLEAR,	     /* clear(@m) */
	LANG_REC_ZERO,	     /* zero(@m) */
	LANG_REC_TIME,	     /* time("fmt"): id a printf spec holding the format */
	LANG_REC_PRINT_VALUE, /* print(value): id a printf spec, one argument */
};

struct lang_rec {
	uint32_t kind; /* enum lang_rec_kind */
	uint32_t id;
};

/* One printf()-like call: its format and where each argument is in the
 * record (after struct lang_rec): integers 8 bytes, strings their size. */
struct lang_printf {
	const char *fmt;
	unsigned nargs;
	struct lang_type type[LANG_PRINTF_ARGS];
	unsigned off[LANG_PRINTF_ARGS];
	unsigned size; /* of the record, header included */
};

/* What a program is generated against: the runtime creates the maps
 * (lang_gen__layout) and the ring buffer first. Printf specs are
 * numbered in the order the generator meets them, across calls. */
struct lang_gen_ctx {
	const int *map_fds; /* by map id */
	int rb_fd;
	uint64_t start_ns; /* CLOCK_MONOTONIC at start: elapsed */
	struct lang_printf *printfs;
	unsigned nprintfs, max_printfs;
};

/* The program type a probe's attach point a needs: TRACEPOINT for
 * tracepoint, RAW_TRACEPOINT for BEGIN and END (run once by the runtime
 * with BPF_PROG_TEST_RUN), PERF_EVENT for profile and interval, KPROBE
 * for uprobe and uretprobe. */
enum bpf_prog_type lang_gen__prog_type(const struct lang_attach *a);

/* Instructions for probe at attach point a (tp: the expanded tracepoint,
 * for args offsets; NULL for other probe types) into out[0..max): their
 * number, or a negative errno with err saying what (a construct the
 * generator does not handle yet names itself and its line:col). */
int lang__gen(const struct lang_program *prog, const struct lang_probe *probe,
	      const struct lang_attach *a, const struct lang_tp_ref *tp, struct lang_gen_ctx *ctx,
	      struct bpf_insn *out, size_t max, char *err, size_t errsz);
#endif
