/* SPDX-License-Identifier: Apache-2.0 */
/* What a file must be before libbpf may parse it as a BPF object: a
 * 64-bit little-endian ELF relocatable object for the BPF machine, with
 * section headers inside the file and, where it has them, .BTF and
 * .BTF.ext whose headers describe data inside their sections. Pure,
 * fuzzed (tests/fuzz/fuzz_objfile.c). */
#ifndef SONDE_OBJFILE_H
#define SONDE_OBJFILE_H
#include <stddef.h>

/* 0; -EINVAL when the bytes are not a BPF object at all (the reason says
 * what they are: empty, text, another machine's ELF); -EBADMSG when they
 * are one, but malformed. The reason goes to why. */
int objfile__check(const void *data, size_t size, char *why, size_t why_sz);
#endif
