/* SPDX-License-Identifier: Apache-2.0 */
/* Source lines of a BPF object's instructions, from its .BTF.ext line info
 * (for failures whose verifier log names an instruction but no line, like
 * libbpf's poisoned CO-RE relocations). The object is untrusted: fuzzed. */
#ifndef SONDE_BTFEXT_H
#define SONDE_BTFEXT_H
#include <stddef.h>

/* Line of instruction insn (counted from the start of the program whose
 * symbol is func) in the ELF object at [data, data+size). Returns 0 and
 * fills file and *line, or a negative errno. */
int btfext__line_of(const void *data, size_t size, const char *func, unsigned insn,
		    char *file, size_t file_sz, int *line);
#endif
