/* SPDX-License-Identifier: Apache-2.0 */
/* Loading every program of a BPF object alone, without attaching, and
 * explaining the verdict: what `sonde verify` runs. An object file is
 * untrusted input: its bytes are checked first (objfile.h), and libbpf
 * parses and loads it in a child process, so that a parser that crashes on
 * a corrupted object makes a "malformed object" verdict, not a crash. */
#ifndef SONDE_VERIFY_H
#define SONDE_VERIFY_H
#include <stdbool.h>
#include <stddef.h>
#include "verifier/report.h"

struct verify_source {
	const char *name;	/* object label */
	const void *bytes;
	size_t size;
};

struct verify_result {
	char object[64], program[64], section[96];
	int insns, err;
	double load_ms;
	bool truncated;
	size_t log_size;
	struct verifier_report rep;
	char libbpf[1024];	/* libbpf's own messages, when they explain the failure */
	/* A rejection this kernel was expected to make (a hook it lacks). */
	bool expected;
	char expected_why[192];
};

typedef void (*verify_fn)(void *ctx, struct verify_result *r);

/* Verifies every program of src, calling fn for each. Returns 0; or
 * -EINVAL when the bytes are no BPF object, -EBADMSG when libbpf could not
 * open them or crashed on them, with the reason in why ("malformed object:
 * ..."). Results already reported stand. */
int verify__object(const struct verify_source *src, verify_fn fn, void *ctx, char *why, size_t why_sz);
/* Only the parse: objfile__check, then libbpf's open in a child. Returns
 * the number of programs, or -EINVAL / -EBADMSG as verify__object. */
int verify__open_check(const struct verify_source *src, char *why, size_t why_sz);
#endif
