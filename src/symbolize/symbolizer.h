/* SPDX-License-Identifier: Apache-2.0 */
/* Addresses of stacks -> functions, on the host: the kernel's through
 * /proc/kallsyms, a process's through its mappings (read when the
 * profiler first sees the process, so one that exits before the drain
 * still resolves) and the ELF files behind them, each parsed once into a
 * cache keyed by device, inode and mtime and bounded by a byte budget.
 * Files are opened through /proc/PID/map_files, which also reaches a
 * container's files and deleted ones. JIT code resolves through
 * /tmp/perf-PID.map. An address nothing names keeps its mapping and
 * offset. Not thread-safe: one owner (the profiler's worker). */
#ifndef SONDE_SYMBOLIZER_H
#define SONDE_SYMBOLIZER_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "symbolize/dwarfline.h"

struct symbolizer;

struct sym_mapping {
	uint64_t start, end, off;	/* memory range and its file offset */
	uint64_t dev, ino;
	const char *path;		/* as /proc/PID/maps says, or "[anon]" */
	const uint8_t *build_id;	/* NULL until the file is read, or none */
	unsigned build_id_len;
};

struct sym_frame {
	uint64_t addr;
	const char *func;		/* NULL: unknown */
	uint64_t func_off;
	const struct sym_mapping *map;	/* NULL: no mapping holds addr (or kernel) */
	const char *module;		/* kernel frames: "" (vmlinux) or the module */
	bool kernel;
	/* From DWARF, where the file has it: innermost first, the functions
	 * inlined at addr, then func's own (names demangled); 0: none. */
	unsigned nlines;
	struct dwarf_frame lines[DWARF_MAX_INLINE];
};

struct symbolizer_stats {
	uint64_t procs, files, file_errors, evictions;
	size_t cache_bytes, budget;	/* ELF symbol tables and demangled names */
	size_t kernel_bytes;		/* /proc/kallsyms' table, outside the budget */
};

struct symbolizer *symbolizer__new(size_t budget_bytes);
void symbolizer__free(struct symbolizer *s);
/* Reads the mappings of a process image now (on its first sample). A
 * second call for the same image is a no-op; returns 0 or -errno (gone). */
int symbolizer__note_proc(struct symbolizer *s, uint32_t pid, uint64_t start_ns, uint32_t exec_seq);
/* Resolves one user address of an image; the frame's strings live until
 * the next call that may evict (symbolizer__trim). */
void symbolizer__user(struct symbolizer *s, uint32_t pid, uint64_t start_ns, uint32_t exec_seq,
		      uint64_t addr, struct sym_frame *f);
void symbolizer__kernel(struct symbolizer *s, uint64_t addr, struct sym_frame *f);
/* Evicts files past the budget and processes not used since the last
 * call that are gone; call between profiles. */
void symbolizer__trim(struct symbolizer *s);
void symbolizer__stats(const struct symbolizer *s, struct symbolizer_stats *st);
/* The reason the kernel's symbols are missing ("" when they are there). */
const char *symbolizer__kernel_why(const struct symbolizer *s);
#endif
