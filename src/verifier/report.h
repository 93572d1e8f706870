/* SPDX-License-Identifier: Apache-2.0 */
/* Reading the kernel verifier's log: what failed, where in the source, the
 * instructions that led there, the statistics, and the usual fix. Pure
 * functions over the log text (untrusted bytes: fuzzed). */
#ifndef SONDE_VERIFIER_REPORT_H
#define SONDE_VERIFIER_REPORT_H
#include <stdbool.h>
#include <stddef.h>

struct verifier_hint {
	const char *id;		/* stable name, e.g. "map_value_oob" */
	const char *title;	/* what the verifier means, in words */
	const char *fix;	/* the usual fix */
};

#define VERIFIER_CONTEXT_LINES 12

struct verifier_report {
	char message[512];	/* the verifier's error line(s), joined by "; " */
	char file[128];		/* source of the failing instruction, from BTF line info */
	int line;		/* 0 when the log carries no line info */
	char source[256];	/* that source line's text */
	char context[VERIFIER_CONTEXT_LINES][160]; /* instructions and states before the error */
	int ncontext;
	long processed_insns, total_states, peak_states, max_states_per_insn;
	char stack_depth[64];	/* "16+0": per subprogram */
	int insn;		/* index of the last instruction logged; -1: none */
	bool core_poisoned;	/* that instruction is libbpf's failed-CO-RE marker */
	const struct verifier_hint *hint;
};

/* Parses a verifier log (level 1 and/or 4). Returns 0, or -EINVAL for an
 * empty log. Fields not present are left zero/empty. */
int verifier_report__parse(const char *log, size_t len, struct verifier_report *r);
/* The hint whose patterns match text (a log or a libbpf message), or NULL. */
const struct verifier_hint *verifier_hint__match(const char *text, size_t len);
/* Hint for a load that failed with an empty log (err is a negative errno). */
const struct verifier_hint *verifier_hint__for_errno(int err);
/* Every hint, NULL-terminated (for docs and tests). */
extern const struct verifier_hint *const verifier_hints[];
#endif
