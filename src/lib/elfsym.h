/* SPDX-License-Identifier: Apache-2.0 */
/* Function symbols of ELF files, for uprobes placed by name: the file
 * offset the kernel's uprobe wants; and the walks the symbolizer's tables
 * (symbolize/elftab.c) are read with. The bytes are untrusted (any binary
 * on the machine): fuzzed (tests/fuzz/fuzz_elfsym.c, fuzz_elftab.c). */
#ifndef SONDE_LIB_ELFSYM_H
#define SONDE_LIB_ELFSYM_H
#include <stddef.h>
#include <stdint.h>
#include <gelf.h>

/* fn gets each function (FUNC or IFUNC) the symbol table section scn
 * (header sh) defines, with its name up to any "@VERSION" (len bytes, not
 * terminated there). A non-zero return stops the walk and is returned;
 * 0 else (a malformed table is an empty one). */
typedef int (*elfsym_fn)(void *ctx, const GElf_Sym *s, const char *name, size_t len);
int elfsym__for_each_func(Elf *e, Elf_Scn *scn, const GElf_Shdr *sh, elfsym_fn fn, void *ctx);
/* fn gets each executable PT_LOAD segment whose file bytes lie within
 * the file's size (one that claims more is a lie, and skipped). */
typedef int (*elfseg_fn)(void *ctx, const GElf_Phdr *ph);
int elfsym__for_each_exec_seg(Elf *e, size_t size, elfseg_fn fn, void *ctx);

/* File offset of function name (a FUNC or IFUNC symbol defined in the
 * file, from .symtab or .dynsym) in the ELF image [data, data+size),
 * which libelf may write to (byte order): a private copy.
 * Returns 0 and sets *off, -ENOENT when there is no such function, or
 * -EINVAL (with the reason in why) for an image that is not a sane ELF. */
int elfsym__func_offset(void *data, size_t size, const char *name, uint64_t *off,
			char *why, size_t why_sz);
/* The same for a file on disk (mapped read-only). */
int elfsym__file_func_offset(const char *path, const char *name, uint64_t *off, char *why,
			     size_t why_sz);
#endif
