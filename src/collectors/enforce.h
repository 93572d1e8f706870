/* SPDX-License-Identifier: Apache-2.0 */
/* What the enforce collector's selftest (enforce_selftest.c) shares with
 * it (enforce.c). */
#ifndef SONDE_COLLECTORS_ENFORCE_H
#define SONDE_COLLECTORS_ENFORCE_H
#include <stddef.h>

struct collector;
struct enf_record;
struct enforce_priv;

/* An event of kind "policy": the kernel's record and the rule's name. */
struct enf_payload {
	const struct enf_record *r;
	const char *rule;
	struct enforce_priv *ep;
};

/* Writes a policy file that denies exec of a copy of this binary (both
 * made in a new temporary directory); their paths in path and bin. */
int enforce__selftest_policy(char *path, size_t path_sz, char *bin, size_t bin_sz, char *why,
			     size_t why_sz);
/* The copy the selftest policy forbids ("" outside selftests). */
const char *enforce__selftest_bin(const struct collector *c);
int enforce__selftest(struct collector *c, char *msg, size_t msg_sz);
#endif
