/* SPDX-License-Identifier: Apache-2.0 */
/* Kernel symbols from /proc/kallsyms: read and sorted once, then found by
 * binary search. Addresses are only real for root (kptr_restrict shows
 * zeros to others): a table of zeros is refused, said why. */
#ifndef SONDE_KALLSYMS_H
#define SONDE_KALLSYMS_H
#include <stddef.h>
#include <stdint.h>

struct ksym {
	uint64_t addr;
	const char *name;
	const char *module;	/* "" for the kernel image */
};

struct kallsyms {
	struct ksym *v;
	size_t n;
	char *names;		/* every name and module, NUL-separated */
	size_t names_len;
};

/* Reads path (NULL: /proc/kallsyms). 0, or a negative errno with the
 * reason in why. */
int kallsyms__load(struct kallsyms *ks, const char *path, char *why, size_t why_sz);
/* The text symbol at or below addr, or NULL (below the first one, or in
 * the gap past the last module symbol). *off: addr - symbol. */
const struct ksym *kallsyms__find(const struct kallsyms *ks, uint64_t addr, uint64_t *off);
void kallsyms__free(struct kallsyms *ks);
#endif
