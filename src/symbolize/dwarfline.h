/* SPDX-License-Identifier: Apache-2.0 */
/* DWARF of one ELF file (elfutils' libdw): for an address, the source
 * line and the functions inlined there, innermost first, ending with the
 * function that holds them. The file is anyone's: libdw checks what it
 * reads, and a file without .debug_info is simply none. */
#ifndef SONDE_DWARFLINE_H
#define SONDE_DWARFLINE_H
#include <stddef.h>
#include <stdint.h>

#define DWARF_MAX_INLINE 8

struct dwarf_frame {
	const char *func;	/* linkage (mangled) or plain name; NULL: unnamed */
	const char *file;	/* source file; NULL: unknown */
	int line;		/* 0: unknown */
};

struct dwarfline;

/* fd is duplicated (libdw reads lazily); NULL when the file has no DWARF. */
struct dwarfline *dwarfline__open(int fd);
/* Frames for virtual address vaddr into f (at most max), innermost first;
 * how many (0: no line information there). Strings live as long as d. */
unsigned dwarfline__lookup(struct dwarfline *d, uint64_t vaddr, struct dwarf_frame *f, unsigned max);
/* Bytes of debug sections it may hold in memory (for the cache's budget). */
size_t dwarfline__bytes(const struct dwarfline *d);
void dwarfline__free(struct dwarfline *d);
#endif
