/* SPDX-License-Identifier: Apache-2.0 */
/* Function symbols of ELF files, for uprobes placed by name: the file
 * offset the kernel's uprobe wants. The bytes are untrusted (any binary
 * on the machine): fuzzed (tests/fuzz/fuzz_elfsym.c). */
#ifndef SONDE_LIB_ELFSYM_H
#define SONDE_LIB_ELFSYM_H
#include <stddef.h>
#include <stdint.h>

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
