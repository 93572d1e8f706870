// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "verifier/report.h"

/* Common rejections, most specific first: the first hint with a pattern
 * found in the error lines wins. */
static const struct verifier_hint
	h_core = { "core_relocation",
		"a CO-RE relocation did not resolve on this kernel: the field or type the program reads does not exist here",
		"guard the access with bpf_core_field_exists()/bpf_core_type_exists(), or read a ___flavor struct matching this kernel" },
	h_license = { "missing_license",
		"the program calls a GPL-only helper but does not declare a GPL-compatible license",
		"add: char LICENSE[] SEC(\"license\") = \"GPL\";" },
	h_loop = { "unbounded_loop",
		"the verifier cannot prove that a loop terminates",
		"give the loop a constant bound (for (i = 0; i < MAX && i < n; i++)), or use bpf_loop() (5.17+)" },
	h_large = { "program_too_large",
		"verification explored more than 1,000,000 instructions (too many paths or iterations)",
		"cut branches inside loops, move work to __noinline subprograms or tail calls, or use bpf_loop()" },
	h_jumps = { "too_many_jumps",
		"one path through the program takes more jumps than the verifier can record (8192): usually a loop with branches in every iteration",
		"do more per iteration (e.g. compare 8 bytes at once), move the loop into a global (non-static __noinline) function so it is checked once, or use bpf_loop()" },
	h_stack = { "stack_too_large",
		"the BPF stack is limited to 512 bytes, counting the frames of every called subprogram",
		"move large buffers to a per-CPU array map (one entry, looked up at the start)" },
	h_packet = { "packet_out_of_bounds",
		"a packet access was not preceded by a check against data_end",
		"check 'if ((void *)(p + 1) > data_end) return ...;' right before reading p" },
	h_map = { "map_value_out_of_bounds",
		"an access goes past the end of the map value (value_size in the message)",
		"check the index against the value's size before the access (if (i >= N) return 0;)" },
	h_unbounded = { "unbounded_pointer_math",
		"a pointer was offset by a value whose range the verifier does not know",
		"clamp the value right before use: 'idx &= MASK;' or 'if (idx >= N) return 0;' (unsigned types; barrier_var() if the compiler reorders)" },
	h_uninit = { "uninitialized_stack",
		"the program reads stack memory that was never written (often a struct passed to a helper)",
		"initialize it first: struct key k = {}; or __builtin_memset(&k, 0, sizeof(k));" },
	h_null = { "null_not_checked",
		"a pointer that may be NULL (e.g. a map lookup result) is dereferenced without a check",
		"check the pointer: if (!p) return 0;" },
	h_helper = { "helper_not_allowed",
		"this helper or kfunc is not available to this program type, or not in this kernel",
		"use a hook type that allows it (see 'bpftool feature probe'), or another helper" },
	h_ctx = { "invalid_context_access",
		"the program reads its context argument at an offset or size this program type does not allow",
		"use the typed context struct of the hook (BPF_PROG() for tp_btf/fentry, the tracepoint's format for tracepoints)" },
	h_retval = { "bad_return_value",
		"the program returns a value outside the range its hook accepts",
		"return one of the values the hook expects (e.g. 0/1 for cgroup programs, XDP_* for XDP)" },
	h_eperm = { "permission_denied",
		"the kernel refused the program before verifying it (empty log): not root, or this program type is disabled (BPF trampolines/LSM off, lockdown)",
		"run as root with CAP_BPF and CAP_PERFMON; use another hook type (tp_btf, raw_tp) where trampolines are refused" };

const struct verifier_hint *const verifier_hints[] = {
	&h_core, &h_license, &h_loop, &h_large, &h_jumps, &h_stack, &h_packet, &h_map, &h_unbounded,
	&h_uninit, &h_null, &h_helper, &h_ctx, &h_retval, &h_eperm, NULL,
};

static const struct {
	const struct verifier_hint *hint;
	const char *pattern;
} patterns[] = {
	{ &h_core, "unknown#195896080" },	/* libbpf's poison for a failed CO-RE relocation */
	{ &h_core, "failed to resolve CO-RE relocation" },
	{ &h_license, "GPL-restricted" },
	{ &h_license, "GPL-compatible" },
	{ &h_loop, "infinite loop detected" },
	{ &h_loop, "back-edge from insn" },
	{ &h_loop, "unbounded loop" },
	{ &h_large, "BPF program is too large" },
	{ &h_large, "too many states" },
	{ &h_jumps, "jumps is too complex" },
	{ &h_stack, "combined stack size" },
	{ &h_stack, "stack size too large" },
	{ &h_stack, "stack limit" },
	{ &h_packet, "invalid access to packet" },
	{ &h_packet, "offset is outside of the packet" },
	{ &h_map, "invalid access to map value" },
	/* Before pointer arithmetic: "pointer arithmetic on map_value_or_null
	 * prohibited" is a missing NULL check. */
	{ &h_null, "_or_null" },
	{ &h_unbounded, "unbounded min value" },
	{ &h_unbounded, "unbounded memory access" },
	{ &h_unbounded, "pointer arithmetic" },
	{ &h_unbounded, "math between" },
	{ &h_uninit, "invalid read from stack" },
	{ &h_uninit, "invalid indirect read from stack" },
	{ &h_uninit, "!read_ok" },
	{ &h_helper, "cannot use helper" },
	{ &h_helper, "unknown func" },
	{ &h_helper, "helper call is not allowed" },
	{ &h_helper, "calling kernel function" },
	{ &h_ctx, "invalid bpf_context access" },
	{ &h_retval, "At program exit the register R0" },
};

static const char *memfind(const char *h, size_t hl, const char *n)
{
	size_t nl = strlen(n);

	if (!nl || nl > hl)
		return NULL;
	for (size_t i = 0; i + nl <= hl; i++)
		if (h[i] == n[0] && !memcmp(h + i, n, nl))
			return h + i;
	return NULL;
}

const struct verifier_hint *verifier_hint__match(const char *text, size_t len)
{
	for (size_t i = 0; i < sizeof(patterns) / sizeof(patterns[0]); i++)
		if (memfind(text, len, patterns[i].pattern))
			return patterns[i].hint;
	return NULL;
}

const struct verifier_hint *verifier_hint__for_errno(int err)
{
	return err == -EPERM ? &h_eperm : NULL;
}

/* Copies at most sz-1 bytes of [s, s+n) into dst, dropping control bytes. */
static void copy_text(char *dst, size_t sz, const char *s, size_t n)
{
	size_t o = 0;

	for (size_t i = 0; i < n && o + 1 < sz; i++)
		dst[o++] = (unsigned char)s[i] < 0x20 ? ' ' : s[i];
	dst[o] = '\0';
}

static bool starts(const char *s, size_t n, const char *p)
{
	size_t pl = strlen(p);

	return n >= pl && !memcmp(s, p, pl);
}

/* "123: (79) r6 = ..." or "123: R0=..." : an instruction or state line. */
static bool is_insn_line(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n && s[i] >= '0' && s[i] <= '9')
		i++;
	return i > 0 && i + 1 < n && s[i] == ':' && s[i + 1] == ' ';
}

static bool is_stats_line(const char *s, size_t n)
{
	return starts(s, n, "processed ") || starts(s, n, "verification time") ||
	       starts(s, n, "stack depth") || starts(s, n, "-- ") || starts(s, n, "mark_precise") ||
	       starts(s, n, "Func#") || starts(s, n, "func#") || starts(s, n, "arg#");
}

static long num_after(const char *s, size_t n, const char *key)
{
	const char *p = *key ? memfind(s, n, key) : s;
	long v = 0;

	if (!p)
		return 0;
	for (p += strlen(key); p < s + n && *p >= '0' && *p <= '9'; p++) {
		if (v > (1L << 40))
			break;
		v = v * 10 + (*p - '0');
	}
	return v;
}

/* "; code @ file.c:LINE": the source line of the instructions that follow. */
static void take_source(struct verifier_report *r, const char *s, size_t n)
{
	const char *at = NULL;

	for (size_t i = 0; i + 3 <= n; i++)
		if (s[i] == ' ' && s[i + 1] == '@' && s[i + 2] == ' ')
			at = s + i;
	if (!at)
		return;
	{
		const char *loc = at + 3, *end = s + n, *colon = NULL;
		long line = 0;

		for (const char *p = loc; p < end; p++)
			if (*p == ':')
				colon = p;
		if (!colon || colon == loc)
			return;
		for (const char *p = colon + 1; p < end; p++) {
			if (*p < '0' || *p > '9' || line > 100000000)
				return;
			line = line * 10 + (*p - '0');
		}
		copy_text(r->file, sizeof(r->file), loc, colon - loc);
		r->line = (int)line;
		/* Skip "; " and trailing spaces of the code text. */
		{
			const char *c = s + 1;
			const char *ce = at;

			while (c < ce && *c == ' ')
				c++;
			while (ce > c && ce[-1] == ' ')
				ce--;
			copy_text(r->source, sizeof(r->source), c, ce - c);
		}
	}
}

int verifier_report__parse(const char *log, size_t len, struct verifier_report *r)
{
	const char *p = log, *end = log + len;
	/* The error is the run of plain lines after the last instruction. */
	const char *err_start = NULL;
	size_t msg_len = 0;
	char ctx[VERIFIER_CONTEXT_LINES][160];
	int nctx = 0, first = 0;
	struct verifier_report pending_src = {};

	memset(r, 0, sizeof(*r));
	r->insn = -1;
	if (!log || !len)
		return -EINVAL;
	while (p < end) {
		const char *nl = memchr(p, '\n', end - p);
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);

		if (n && p[n - 1] == '\r')	/* CRLF logs (saved on other systems) */
			n--;
		if (!n || memchr(p, '\0', n)) {
			/* blank or binary: skip */
		} else if (p[0] == ';') {
			take_source(&pending_src, p, n);
		} else if (is_insn_line(p, n)) {
			/* An instruction after an error text means that text was
			 * not the final error (e.g. a state dump): start over. */
			err_start = NULL;
			msg_len = 0;
			r->message[0] = '\0';
			if (pending_src.line) {
				memcpy(r->file, pending_src.file, sizeof(r->file));
				memcpy(r->source, pending_src.source, sizeof(r->source));
				r->line = pending_src.line;
			}
			{
				long insn = num_after(p, n, "");

				r->insn = insn <= 1000000000L ? (int)insn : -1;
			}
			r->core_poisoned = r->insn >= 0 &&
					   memfind(p, n, "<invalid CO-RE relocation>") != NULL;
			copy_text(ctx[(first + nctx) % VERIFIER_CONTEXT_LINES], sizeof(ctx[0]), p, n);
			if (nctx < VERIFIER_CONTEXT_LINES)
				nctx++;
			else
				first = (first + 1) % VERIFIER_CONTEXT_LINES;
		} else if (starts(p, n, "processed ")) {
			r->processed_insns = num_after(p, n, "processed ");
			r->total_states = num_after(p, n, "total_states ");
			r->peak_states = num_after(p, n, "peak_states ");
			r->max_states_per_insn = num_after(p, n, "max_states_per_insn ");
		} else if (starts(p, n, "stack depth ")) {
			copy_text(r->stack_depth, sizeof(r->stack_depth), p + 12, n - 12);
		} else if (!is_stats_line(p, n)) {
			if (!err_start)
				err_start = p;
			if (msg_len + 3 < sizeof(r->message)) {
				if (msg_len) {
					strcpy(r->message + msg_len, "; ");
					msg_len += 2;
				}
				copy_text(r->message + msg_len, sizeof(r->message) - msg_len, p, n);
				msg_len = strlen(r->message);
			}
		}
		p = nl ? nl + 1 : end;
	}
	for (int i = 0; i < nctx; i++)
		memcpy(r->context[i], ctx[(first + i) % VERIFIER_CONTEXT_LINES], sizeof(ctx[0]));
	r->ncontext = nctx;
	r->hint = r->message[0] ? verifier_hint__match(r->message, strlen(r->message)) : NULL;
	return 0;
}
