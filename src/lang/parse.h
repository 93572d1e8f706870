/* SPDX-License-Identifier: Apache-2.0 */
/* The tracing language's parser (issue 15: `sonde run -e 'PROGRAM'`):
 * bpftrace 0.17's grammar, from text to the tree of ast.h. Syntax only:
 * which builtins, functions, fields and probes exist is the type
 * checker's to say. */
#ifndef SONDE_LANG_PARSE_H
#define SONDE_LANG_PARSE_H
#include <stddef.h>
#include "lang/ast.h"

#define LANG_INPUT_MAX	(1u << 20)
#define LANG_DEPTH_MAX	64 /* nested expressions and blocks: recursion stays bounded */
/* The tree's depth, chains of binary operators included (parsed by a
 * loop, but walked recursively by the dump, the checker and the code
 * generator): their stacks stay bounded. */
#define LANG_TREE_DEPTH_MAX 256
#define LANG_PROBES_MAX 1024
#define LANG_ATTACH_MAX 1024 /* attach points of one probe */

/* Parses text[0..len) (no NUL needed) named file in messages. Returns 0
 * and the program in *out (lang_program__free() it), or a negative errno
 * with *out NULL and err holding (cut to errsz, NUL-terminated)
 *   FILE:LINE:COL: error: MESSAGE
 *   the source line
 *       ^~~~
 * -EINVAL for a malformed or over-limit program, -ENOMEM. */
int lang__parse(const char *file, const char *text, size_t len, struct lang_program **out,
		char *err, size_t errsz);
#endif
