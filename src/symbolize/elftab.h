/* SPDX-License-Identifier: Apache-2.0 */
/* What the profiler needs of one ELF file: its build id, its loadable
 * segments (file offset -> virtual address) and its function symbols
 * (.symtab, else .dynsym), sorted for binary search. The file is anyone's
 * (a traced program's): every size and offset is checked, and it is
 * fuzzed (tests/fuzz/fuzz_elftab.c). */
#ifndef SONDE_ELFTAB_H
#define SONDE_ELFTAB_H
#include <stddef.h>
#include <stdint.h>

struct elf_fn {
	uint64_t addr, size;	/* virtual address, as in the file */
	uint32_t name;		/* offset into names */
};

struct elf_seg {
	uint64_t off, vaddr, filesz;
};

struct elftab {
	uint8_t build_id[20];
	uint8_t build_id_len;
	uint8_t nsegs;
	struct elf_seg segs[8];	/* executable PT_LOADs */
	struct elf_fn *fns;
	size_t nfns;
	char *names;
	size_t names_len;
	int stripped;		/* no .symtab: only exported functions are named */
};

/* Reads the image [data, data+size) (libelf may write to it: a private
 * copy). 0, or -EINVAL with the reason in why for what is not a sane ELF. */
int elftab__parse(struct elftab *t, void *data, size_t size, char *why, size_t why_sz);
/* The same for a file (mapped privately). */
int elftab__load(struct elftab *t, const char *path, char *why, size_t why_sz);
/* The file offset of a runtime address -> the symbol's virtual address:
 * vaddr for file offset off, or -ENOENT when no executable segment has it. */
int elftab__vaddr(const struct elftab *t, uint64_t off, uint64_t *vaddr);
/* The function holding vaddr, or NULL; *off is vaddr - its start. */
const struct elf_fn *elftab__find(const struct elftab *t, uint64_t vaddr, uint64_t *off);
static inline const char *elftab__name(const struct elftab *t, const struct elf_fn *f)
{
	return t->names + f->name;
}
/* Heap bytes the table holds (for the cache's budget). */
size_t elftab__bytes(const struct elftab *t);
void elftab__free(struct elftab *t);
#endif
